"""Front-matter mistakes that the schema cannot see, and the one list of clinical reviewers.

fasciasite.content.frontmatter calls these; each returns (line, message) with the fix:
  syntax_problems    a block never closed, a date that does not exist (2026-13-45), an
                     unquoted ': ' in a value, tabs: the line and the field, in plain words
  duplicate_keys     a field written twice (YAML silently keeps the last one)
  misplaced_article  article fields on a page outside extra.article_sections
  explain_reviewer   why a reviewer value is refused: curly quotes, a placeholder, a name
                     not on extra.reviewers in mkdocs.yml
  reviewer_names     the names on extra.reviewers (each with profession and registration)
"""
from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from typing import Any

import yaml
from mkdocs.exceptions import PluginError

KEY_LINE = re.compile(r"^(?P<key>[A-Za-z_][\w-]*)[ \t]*:(?P<value>.*)$")
DATE_VALUE = re.compile(r"^\s*['\"]?(\d{4}-\d{1,2}-\d{1,2})['\"]?\s*(#.*)?$")
ARTICLE_FIELDS = ("author", "reviewer", "published", "last_reviewed", "next_review", "tags", "consent")
PLACEHOLDERS = {"tbc", "tbd", "tba", "todo", "to do", "to be confirmed", "n/a", "na", "none", "pending", "-", "?",
                "xxx", "x", "unknown", "reviewer", "name", "someone", "null"}
QUOTES = set("\u201c\u201d\u2018\u2019\"'\u00ab\u00bb\u201e")


def _block(text: str) -> tuple[list[str], int | None]:
    """The lines of the file and the index of the closing '---' (None when never closed)."""
    lines = text.splitlines()
    close = next((i for i, line in enumerate(lines[1:], 1) if line.rstrip() in ("---", "...")), None)
    return lines, close


def syntax_problems(text: str, is_article: bool) -> list[tuple[int, str]]:
    lines, close = _block(text)
    if not lines or lines[0].rstrip() != "---":
        fields = "title, description" + (", author, ..." if is_article else "")
        return [(1, f"front matter: missing; start the file with a '---' block ({fields})")]
    if close is None:
        last = 1
        for number, line in enumerate(lines[1:], 2):
            if not line.strip() or line.startswith("#"):
                break
            last = number
        return [(1, f"front matter: the '---' block opened on line 1 is never closed; add a line with only --- "
                    f"after its last field (after line {last})")]
    try:
        data = yaml.safe_load("\n".join(lines[1:close]))
    except ValueError as exc:  # a date that does not exist: 2026-13-45, 2027-02-30
        for number, line in enumerate(lines[1:close], 2):
            m = KEY_LINE.match(line)
            date = DATE_VALUE.match(m["value"]) if m else None
            if m and date and not _real_date(date.group(1)):
                return [(number, f"front matter '{m['key']}': {date.group(1)} is not a real date ({exc}); "
                                 "write YYYY-MM-DD, e.g. 2027-11-24")]
        return [(1, f"front matter: is not valid YAML ({exc}); fix it")]
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        row = mark.line + 2 if mark else 1
        reason = getattr(exc, "problem", None) or str(exc)
        m = KEY_LINE.match(lines[row - 1]) if 1 <= row - 1 < len(lines) else None
        if "mapping values are not allowed" in reason and m:
            value = m["value"].strip()
            quoted = f"'{value}'" if '"' in value else f'"{value}"'
            return [(row, f"front matter '{m['key']}': the value has ': ' in it, which YAML reads as a new field; "
                          f"put the value in quotes: {m['key']}: {quoted}")]
        if "\t" in reason or "'\\t'" in reason:
            return [(row, f"front matter: is not valid YAML ({reason}); indent with spaces, not tabs")]
        return [(row, f"front matter: is not valid YAML ({reason}); fix it")]
    if data is not None and not isinstance(data, dict):
        return [(2, "front matter: is not a list of fields; write one 'name: value' per line")]
    return []


def _real_date(text: str) -> bool:
    try:
        dt.date(*map(int, text.split("-")))
    except ValueError:
        return False
    return True


def duplicate_keys(text: str) -> list[tuple[int, str, str]]:
    lines, close = _block(text)
    if not lines or lines[0].rstrip() != "---" or close is None:
        return []
    first: dict[str, int] = {}
    found = []
    for number, line in enumerate(lines[1:close], 2):
        m = KEY_LINE.match(line)
        if not m:
            continue
        if m["key"] in first:
            found.append((number, m["key"], f"appears twice (lines {first[m['key']]} and {number}); YAML keeps only the "
                                            "last one, so delete the one you do not mean"))
        else:
            first[m["key"]] = number
    return found


def misplaced_article(data: dict, path: str, sections: list) -> str:
    present = [f for f in ARTICLE_FIELDS if f in data]
    if len(present) < 2:
        return ""
    rel = path.replace("\\", "/").split("docs/", 1)[-1]
    folder = rel.split("/", 1)[0] if "/" in rel else ""
    where = (f"{folder}/ is not an article section" if folder else "a page at the top of docs/ is not an article")
    add = (f"add {folder} to extra.article_sections in mkdocs.yml (and to the rss plugin's match_path), or move the page "
           if folder else "move the page ")
    return (f"front matter: has article fields ({', '.join(present)}) but {where} (extra.article_sections: "
            f"{', '.join(sections)}); if it is an article, {add}into one of those folders; if it is a site page, "
            "remove those fields")


def explain_reviewer(value: object, reviewers: list[str]) -> str:
    text = str(value).strip()
    if text and set(text) <= QUOTES:
        return (f"is the quote marks {text} (pasted from a word processor), not empty, so the page would no longer "
                "say 'awaiting clinical review'; write reviewer: \"\" with straight quotes until a clinician has "
                "reviewed the article")
    listed = ", ".join(reviewers) if reviewers else "nobody yet"
    if text.strip("\u201c\u201d\"'. ").casefold() in PLACEHOLDERS or not text:
        return (f"{value!r} is a placeholder, and any value hides the 'awaiting clinical review' notice; write "
                "reviewer: \"\" until a clinician on extra.reviewers in mkdocs.yml has reviewed it")
    return (f"{value!r} is not on the list of clinical reviewers (extra.reviewers in mkdocs.yml: {listed}); add the "
            "clinician there first, with profession and registration body, or write reviewer: \"\"")


def reviewer_names(extra: Mapping[str, Any]) -> list[str]:
    """The names on extra.reviewers; each entry needs name, profession and registration."""
    reviewers = extra.get("reviewers") or []
    if not isinstance(reviewers, list):
        raise PluginError("mkdocs.yml: extra.reviewers must be a list of clinicians (name, profession, registration), "
                          "or [] while there are none.")
    names = []
    for number, person in enumerate(reviewers):
        missing = [k for k in ("name", "profession", "registration") if not isinstance(person, dict) or not person.get(k)]
        if missing:
            raise PluginError(f"mkdocs.yml: extra.reviewers[{number}] needs {', '.join(missing)} (e.g. name: Jane Smith, "
                              "profession: Physiotherapist, registration: HCPC PH123456).")
        names.append(str(person["name"]))
    return names
