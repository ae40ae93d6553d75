"""The evidence fields of references.bib: findings, design, certainty, dates, supersededby.

Rules (each problem `references.bib:LINE: entry 'key': what; fix`), for every cited entry
(an entry without `uncited = {reason}`):
  findings   present and non-empty; says what the source found, nothing else: no URL,
             "page(s) read", "read on", "checked", "copy", drafting note (TODO, note:,
             helper) or a dated note (those go in checked = {date; what you read})
  design     one of DESIGNS;  certainty  one of CERTAINTIES
  searched / updated / review_due   YYYY, YYYY-MM or YYYY-MM-DD
  supersededby   names an existing entry
and a warning (never a failure) for a review_due before today.

describe() is the line the References page shows under an entry: design, certainty when
graded, "searches to May 2008", "last updated 11 December 2020". `checked` is never shown.
"""
from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping

from fasciasite.references.bib import Entry, Problem

DESIGNS = ("guideline", "systematic review", "randomised trial", "cohort", "case-control", "cross-sectional",
           "case series", "case report", "laboratory", "modelling", "narrative review", "expert opinion",
           "web page", "qualitative")
CERTAINTIES = ("high", "moderate", "low", "very low", "not graded")
PARTIAL_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December")

# What a findings field must not hold: provenance and drafting notes belong in `checked`.
NOT_FINDINGS = [
    (re.compile(r"https?://|\bwww\.|\bdoi\.org/|\b[\w-]+\.(?:com|org|net|co\.uk|org\.uk|nhs\.uk|gov\.uk|scot)/", re.I), "a web address"),
    (re.compile(r"\bpages? read\b", re.I), "'page read'"),
    (re.compile(r"\bread on\b", re.I), "'read on'"),
    (re.compile(r"\bchecked\b", re.I), "'checked'"),
    (re.compile(r"\bcop(?:y|ies)\b", re.I), "'copy'"),
    (re.compile(r"\bTODO\b|\bFIXME\b|\bnote:|\bhelper\b", re.I), "a drafting note"),
    (re.compile(r"\b\d{4}-\d{2}-\d{2}\b|\b(?:accessed|retrieved|viewed|confirmed|re-?read)(?:\s+on)?\s+\d", re.I), "a dated reading note"),
]


def is_cited(e: Entry) -> bool:
    return "uncited" not in e.fields


def partial_date(text: str) -> dt.date | None:
    """YYYY, YYYY-MM or YYYY-MM-DD as the first day it covers; None when malformed."""
    m = PARTIAL_DATE.match(text.strip())
    if not m:
        return None
    try:
        return dt.date(int(m.group(1)), int(m.group(2) or 1), int(m.group(3) or 1))
    except ValueError:
        return None


def _month_end(text: str) -> dt.date | None:
    """The last day a partial date covers (review_due 2026-03 is due until 31 March)."""
    start = partial_date(text)
    if start is None:
        return None
    parts = text.strip().count("-")
    if parts == 2:
        return start
    if parts == 1:
        nxt = dt.date(start.year + (start.month == 12), start.month % 12 + 1, 1)
        return nxt - dt.timedelta(days=1)
    return dt.date(start.year, 12, 31)


def findings_problems(entries: dict[str, Entry], file: str) -> list[Problem]:
    problems = []
    for e in entries.values():
        if not e.complete or not is_cited(e):
            continue
        text = e.fields.get("findings", "").strip()
        if not text:
            problems.append(Problem(file, e.field_lines.get("findings", e.line), e.key,
                                    "has no findings; read the source's published page and write findings = {...}: what it "
                                    "found, in plain words (design, who and how many, main results, conclusion)"))
            continue
        for rx, what in NOT_FINDINGS:
            if m := rx.search(text):
                problems.append(Problem(file, e.field_lines["findings"], e.key,
                                        f"findings holds {what} ('{_around(text, m)}'); findings is printed on the References "
                                        "page and says only what the source found: move what you read, and when, to "
                                        "checked = {YYYY-MM-DD; read: ...}"))
                break
    return problems


def _around(text: str, m: re.Match) -> str:
    a, b = max(0, m.start() - 15), min(len(text), m.end() + 25)
    return " ".join(text[a:b].split())


def field_problems(entries: dict[str, Entry], file: str) -> list[Problem]:
    """design, certainty, date fields and supersededby."""
    problems = []
    lower = {k.lower() for k in entries}
    for e in entries.values():
        if not e.complete:
            continue

        def report(message: str, name: str | None = None, e: Entry = e) -> None:
            problems.append(Problem(file, e.field_lines.get(name, e.line) if name is not None else e.line, e.key, message))

        f = {k: v.strip() for k, v in e.fields.items()}
        for name, vocabulary in (("design", DESIGNS), ("certainty", CERTAINTIES)):
            value = f.get(name, "")
            if not value and is_cited(e):
                report(f"has no {name}; add {name} = {{...}} with one of: {', '.join(vocabulary)}")
            elif value and value.lower() not in vocabulary:
                report(f"{name} '{value}' is not one of: {', '.join(vocabulary)}", name)
        for name in ("searched", "updated", "review_due"):
            if name in f and partial_date(f[name]) is None:
                report(f"{name} '{f[name]}' is not a date; write YYYY, YYYY-MM or YYYY-MM-DD", name)
        if "supersededby" in f and f["supersededby"].lower() not in lower:
            report(f"supersededby names '{f['supersededby']}', which is not an entry here; add the newer source or fix the key",
                   "supersededby")
    return problems


def review_warnings(entries: dict[str, Entry], file: str, today: dt.date) -> list[Problem]:
    """Entries whose own review date has passed (a warning: check the page for an update)."""
    out = []
    for e in entries.values():
        due = e.fields.get("review_due", "").strip()
        end = _month_end(due) if due else None
        if end is not None and end < today:
            out.append(Problem(file, e.field_lines["review_due"], e.key,
                               f"WARNING: its page was due for review by {due}; read the page again for an update, then set "
                               "updated, review_due and checked (or cite the newer version)"))
    return out


def human_date(text: str) -> str:
    """'2008-05' -> 'May 2008'; '2020-12-11' -> '11 December 2020'; '2019' -> '2019'."""
    d = partial_date(text)
    if d is None:
        return text.strip()
    parts = text.strip().count("-")
    return {0: f"{d.year}", 1: f"{MONTHS[d.month - 1]} {d.year}"}.get(parts, f"{d.day} {MONTHS[d.month - 1]} {d.year}")


def describe(fields: Mapping[str, object]) -> str:
    """The plain line shown on the References page: design, certainty when graded, dates."""
    def get(name: str) -> str:
        return " ".join(str(fields.get(name, "") or "").replace("{", "").replace("}", "").split())

    design, certainty = get("design").lower(), get("certainty").lower()
    parts = []
    if design in DESIGNS:
        parts.append(design[0].upper() + design[1:])
    if certainty in CERTAINTIES and certainty != "not graded":
        parts.append(f"{certainty} certainty")
    if get("searched"):
        parts.append(f"searches to {human_date(get('searched'))}")
    if get("updated"):
        parts.append(f"last updated {human_date(get('updated'))}")
    return "; ".join(parts)
