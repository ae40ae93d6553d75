"""Front matter: every page's front matter checked against fasciasite/schema/front-matter.schema.json.

Events:
  on_config        check that mkdocs.yml extra has article_sections, authors and tags_allowed;
                   forget the problems of an earlier build (mkdocs serve).
  on_page_markdown check the front matter the author wrote: articles (pages in
                   extra.article_sections) against the schema, with the allowed authors and
                   tags taken from mkdocs.yml; other pages against its $defs/page. Each
                   problem is logged as an error with file:line and the fix.
  on_env           fail the build when any page had a problem. on_env runs after every
                   page's Markdown and before any template, so all problems are listed at
                   once, with or without --strict.

validate_front_matter() is also used by fasciasite new (fasciasite/authoring/new_article.py) and the tests.
"""
from __future__ import annotations

import copy
import datetime as dt
import functools
import json
import logging
import os
import re
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from jsonschema import Draft202012Validator
from mkdocs.utils.meta import get_data

from fasciasite import pagesource
from fasciasite.content import fmsyntax  # fmsyntax: YAML mistakes and the reviewer list

if TYPE_CHECKING:  # the types of MkDocs' events and of jsonschema's errors, for the type checker only
    from jsonschema.exceptions import ValidationError
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.structure.files import Files
    from mkdocs.structure.pages import Page

log = logging.getLogger("mkdocs.plugins.fasciasite.content.frontmatter")

SCHEMA_PATH = Path(__file__).resolve().parents[1] / "schema" / "front-matter.schema.json"  # package data
DATES = ("published", "last_reviewed", "next_review")
REVIEW_MONTHS = 12  # the editorial policy: every article reviewed at least once a year (mkdocs.yml can set it)
TOP_LEVEL_KEY = re.compile(r"^([A-Za-z_][\w-]*)\s*:")
TYPE_WORDS = {
    "string": "text (in quotes if it has a ':')", "array": "a list, e.g. [a, b]", "object": "a mapping",
    "number": "a number", "boolean": "true or false",
}


@functools.cache
def _schema() -> dict:
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))


@functools.lru_cache(maxsize=8)
def _validator(is_article: bool, authors: tuple[str, ...], tags: tuple[str, ...],
               reviewers: tuple[str, ...] = ()) -> Draft202012Validator:
    schema = copy.deepcopy(_schema())
    if is_article:
        schema["properties"]["author"]["enum"] = list(authors)
        schema["properties"]["tags"]["items"]["enum"] = list(tags)
        schema["properties"]["reviewer"]["enum"] = ["", *reviewers]
    else:
        schema = {"$schema": schema["$schema"], "$defs": schema["$defs"], "$ref": "#/$defs/page"}
    return Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)


def _field_lines(text: str) -> dict[str, int]:
    """Line of each top-level key of the front matter; '---' is the opening line (1)."""
    lines = text.splitlines()
    found = {"---": 1}
    if not lines or lines[0].rstrip() != "---":
        return found
    for number, line in enumerate(lines[1:], start=2):
        if line.rstrip() in ("---", "..."):
            break
        if m := TOP_LEVEL_KEY.match(line):
            found.setdefault(m.group(1), number)
    return found


def _as_json(value: object) -> object:
    """YAML reads 2026-11-24 as a date: validate its ISO text instead."""
    return value.isoformat() if isinstance(value, dt.date) else value


def validate_front_matter(meta: dict, *, is_article: bool, authors: list, tags: list, text: str, path: str,
                          reviewers: list | None = None, sections: list | None = None,
                          today: dt.date | None = None, review_months: int = REVIEW_MONTHS) -> list[str]:
    """Every problem of one page's front matter, each `PATH:LINE: front matter 'FIELD': what and fix`.
    `reviewers` are the names in mkdocs.yml extra.reviewers; `sections` its article_sections;
    `today` the date reviews are judged against (default: today()); `review_months` the
    editorial policy's longest interval between reviews (mkdocs.yml extra.review_interval_months)."""
    lines = _field_lines(text)

    def say(field: str, message: str) -> tuple[int, str]:
        return lines.get(field, 1), f"front matter '{field}': {message}"

    if not meta:
        early = fmsyntax.syntax_problems(text, is_article)
        if early:
            return [f"{path}:{line}: {message}" for line, message in early]
    data = {key: _as_json(value) for key, value in meta.items()}
    twice = [(line, f"front matter '{key}': {message}") for line, key, message in fmsyntax.duplicate_keys(text)]
    if not is_article and sections is not None:
        misplaced = fmsyntax.misplaced_article(data, path, sections)
        if misplaced:
            return [f"{path}:1: {misplaced}"] + [f"{path}:{line}: {message}" for line, message in twice]
    reviewers = list(reviewers or [])
    validator = _validator(is_article, tuple(authors), tuple(tags), tuple(reviewers))
    schema = validator.schema if is_article else _schema()["$defs"]["page"]
    missing = "is missing; add it" + (" (fasciasite new writes complete front matter)" if is_article else "")
    problems = [say(f, missing) for f in schema["required"] if f not in data]
    for error in validator.iter_errors(data):
        if error.validator == "required":
            continue  # reported above, one line per field
        if error.validator == "additionalProperties":
            allowed = ", ".join(schema["properties"])
            problems += [say(f, f"is not a front matter field here; allowed: {allowed}. Remove it or fix its spelling.")
                         for f in data if f not in schema["properties"]]
            continue
        field = str(error.path[0])
        if field == "reviewer" and error.validator == "enum":
            if isinstance(error.instance, str):  # a wrong type is reported on its own
                problems.append(say(field, fmsyntax.explain_reviewer(error.instance, reviewers)))
            continue
        problems.append(say(field, _explain(error, field, authors, tags)))
    problems += twice
    if is_article:
        problems += _date_order(data, say, today or today_for_checks(), review_months)
    if is_article and _is_case_study(path, data) and "consent" not in data:
        problems.append(say("consent", "is missing; a case study must say whether the client's written permission "
                                       "is held: consent: written, or consent: pending until it is"))
    return [f"{path}:{line}: {message}" for line, message in sorted(problems, key=lambda p: p[0])]


def _explain(error: ValidationError, field: str, authors: list, tags: list) -> str:
    kind, value = error.validator, error.instance
    if kind == "type" and value is None:
        return "has no value; fill it in" + (', or write reviewer: "" while no clinician has reviewed it.' if field == "reviewer" else ".")
    if kind == "type" and field in DATES and isinstance(value, (int, float)):
        digits = str(value)
        example = f"{digits[:4]}-{digits[4:6]}-{digits[6:8]}" if len(digits) == 8 else "2027-11-24"
        return f"{value} is a number, not a date; write the date with dashes, YYYY-MM-DD: {field}: {example}."
    if kind == "type":
        return f"must be {TYPE_WORDS.get(error.validator_value, error.validator_value)}, found {value!r}"
    if kind == "maxLength" and field == "description":
        return f"is {len(value)} characters, the limit is {error.validator_value} (it becomes the link preview); shorten it."
    if kind == "minLength" and field == "description":
        if not value.strip():
            return "is empty; write one or two sentences of 50–160 characters (it becomes the link preview)."
        return f"is {len(value)} characters, at least {error.validator_value} are needed (it becomes the link preview); say more."
    if kind == "minLength":
        return "is empty; fill it in."
    if kind == "format":
        from fasciasite.content.invisible import cleaned, describe

        if (what := describe(str(value))) is not None:
            return f"'{cleaned(str(value))}' contains {what}; delete it (retype the date as YYYY-MM-DD)."
        return f"'{value}' is not a date; write YYYY-MM-DD, e.g. 2027-11-24."
    if kind == "enum" and field == "author":
        return f"'{value}' is not a known author; use one of: {', '.join(authors)} (the keys of extra.authors in mkdocs.yml, where authors are defined)."
    if kind == "enum" and field == "tags":
        return f"tag '{value}' is not allowed; allowed tags: {', '.join(tags)} (extra.tags_allowed in mkdocs.yml)."
    if kind == "enum":
        return f"{value!r} is not allowed; use one of: {', '.join(map(str, error.validator_value))}."
    if kind == "uniqueItems":
        twice = sorted({v for v in value if value.count(v) > 1}, key=str)
        return f"lists {', '.join(map(repr, twice))} more than once; list each once."
    if kind == "minItems" and field == "about":
        return "is empty; name the condition(s) the article is about, e.g. about: [Low back pain]."
    if kind == "minItems":
        return f"is empty; give 1 to 6 tags from extra.tags_allowed in mkdocs.yml: {', '.join(tags)}."
    if kind == "maxItems" and field == "about":
        return f"names {len(value)} conditions, the limit is {error.validator_value}; keep the ones the article is mainly about."
    if kind == "maxItems":
        return f"has {len(value)} tags, the limit is {error.validator_value}; keep the most relevant."
    return f"{error.message}."


def today_for_checks() -> dt.date:
    """The date reviews are judged against: FASCIASITE_TODAY (YYYY-MM-DD, for tests) or today."""
    value = os.environ.get("FASCIASITE_TODAY", "")
    try:
        return dt.date.fromisoformat(value) if value else dt.date.today()
    except ValueError:
        return dt.date.today()


def _add_months(day: dt.date, months: int) -> dt.date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    for d in (day.day, 30, 29, 28):
        try:
            return dt.date(year, month, d)
        except ValueError:
            continue
    return day


def _is_case_study(path: str, data: dict) -> bool:
    """A client's story, wherever it is saved: the case-studies/ folder, a 'case study' tag, or a
    title that says so (the consent rule follows the content, not the folder)."""
    in_folder = path.replace("\\", "/").split("docs/")[-1].startswith("case-studies/")
    raw_tags = data.get("tags")
    tags = raw_tags if isinstance(raw_tags, list) else []
    tagged = any(re.sub(r"[-_ ]+", " ", str(t)).strip().lower() in ("case study", "case studies") for t in tags)
    titled = bool(re.search(r"\bcase[- ]stud(y|ies)\b", str(data.get("title") or ""), re.I))
    return in_folder or tagged or titled


def _date_order(data: dict, say: Callable[[str, str], tuple[int, str]], today: dt.date | None = None, review_months: int = 0) -> list[tuple[int, str]]:
    dates = {}
    for field in DATES:
        try:
            dates[field] = dt.date.fromisoformat(data[field])
        except (KeyError, TypeError, ValueError):
            return []  # missing or not a date: already reported
    published, last, nxt = (dates[f] for f in DATES)
    problems = []
    if last < published:
        problems.append(say("last_reviewed", f"{last} is before published {published}; an article is reviewed on or after the day it is published."))
    if nxt <= last:
        suggestion = last.replace(year=last.year + 1) if (last.month, last.day) != (2, 29) else last + dt.timedelta(days=365)
        problems.append(say("next_review", f"{nxt} is not after last_reviewed {last}; set it later, usually a year on: {suggestion}."))
    elif review_months and nxt > (latest := _add_months(last, review_months)):
        problems.append(say("next_review", f"{nxt} is more than {review_months} months after last_reviewed {last}; the editorial "
                                           f"policy reviews every article at least that often: set it to {latest} or earlier."))
    if today is not None:
        for field, day in (("published", published), ("last_reviewed", last)):
            if day > today:
                problems.append(say(field, f"{day} is in the future (today is {today}); write the date it really happened "
                                           "(a year typo?), YYYY-MM-DD."))
                break
    return problems


# ── MkDocs events ────────────────────────────────────────────────────────────


class FrontMatterChecks:
    """The front-matter check of one build: the problems found, reported together in on_env."""

    def __init__(self, report: Callable[[str], None] = log.error) -> None:
        self._problems: list[str] = []
        self.report = report  # the plugin's problem log (fasciasite.problems); log.error on its own

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        """extra.article_sections, authors, tags_allowed and reviewers: validated by the plugin (fasciasite.config)."""
        self._problems.clear()
        return config

    def on_page_markdown(self, markdown: str, page: Page, config: MkDocsConfig, files: Files) -> str:
        # Parse the file itself, not page.meta: other steps add their own keys to page.meta.
        if page.file.abs_src_path:
            text, _, meta = pagesource.read(page.file.abs_src_path)
        else:  # a page a plugin generated
            text = page.file.content_string
            _, meta = get_data(text)
        uri = page.file.src_uri
        is_article = "/" in uri and uri.split("/", 1)[0] in config.extra["article_sections"]
        root = Path(config.config_file_path).parent
        docs = Path(config.docs_dir)
        path = (docs / uri).relative_to(root).as_posix() if docs.is_relative_to(root) else uri
        problems = validate_front_matter(
            meta, is_article=is_article, authors=list(config.extra["authors"]), tags=list(config.extra["tags_allowed"]),
            text=text, path=path, reviewers=fmsyntax.reviewer_names(config.extra),
            sections=list(config.extra["article_sections"]),
            review_months=int(config.extra.get("review_interval_months", REVIEW_MONTHS)),
        )
        for problem in problems:
            self.report(problem)
        self._problems.extend(problems)
        return markdown



