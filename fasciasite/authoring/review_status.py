#!/usr/bin/env python3
"""List articles by their next review date and flag OVERDUE and DUE SOON ones.

Usage: python -m fasciasite.authoring.review_status [--docs docs] [--today YYYY-MM-DD] [--soon DAYS] [--json] [--awaiting]

An article here is a page whose front matter has next_review (the front-matter
hook makes every article have one). Overdue: next_review has passed. Due soon:
next_review is within --soon days (default 30). The reviewer column says
"awaiting clinical review" while reviewer is empty. Case studies whose front matter
says consent: pending (the client's written permission to publish is not yet held) are
listed after the table as CONSENT PENDING. --awaiting lists only the articles awaiting clinical
review (reviewer empty), each with the command that builds its review pack (make review PAGE=...;
fasciasite/authoring/review_pack.py); a clinician signs one off in a pull request by setting reviewer:
and last_reviewed:.

Exit 1 when an article is overdue, a case study's consent is pending, or a
next_review is not a date (so CI can warn), 0 otherwise, 2 on bad usage. review_state() is reusable by templates/hooks.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from pathlib import Path

from mkdocs.utils.meta import get_data

DUE_SOON_DAYS = 30
FLAGS = {"overdue": "OVERDUE", "due-soon": "DUE SOON", "ok": ""}


def _date(value: object) -> dt.date | None:
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        return None


def review_state(meta: dict, today: dt.date, soon_days: int = DUE_SOON_DAYS) -> str:
    """'overdue' once next_review has passed, 'due-soon' within soon_days of it, else 'ok'.

    Raises ValueError when next_review is missing or not a YYYY-MM-DD date.
    """
    next_review = _date(meta.get("next_review"))
    if next_review is None:
        raise ValueError(f"next_review {meta.get('next_review')!r} is not a date; write YYYY-MM-DD")
    days_left = (next_review - today).days
    if days_left < 0:
        return "overdue"
    return "due-soon" if days_left <= soon_days else "ok"


def collect(docs: Path, today: dt.date, soon_days: int) -> tuple[list[dict], list[str]]:
    """Rows for articles (sorted by next review), and problems of unreadable dates."""
    rows, problems = [], []
    for path in sorted(docs.rglob("*.md")):
        _, meta = get_data(path.read_text(encoding="utf-8"))
        if "next_review" not in meta:
            continue
        try:
            state = review_state(meta, today, soon_days)
        except ValueError as exc:
            problems.append(f"{path}: {exc}")
            continue
        next_review = _date(meta["next_review"])
        if next_review is None:  # not reached: review_state raised for it above
            continue
        last = _date(meta.get("last_reviewed"))
        rows.append({
            "file": str(path),
            "next_review": next_review.isoformat(),
            "days_left": (next_review - today).days,
            "last_reviewed": last.isoformat() if last else "",
            "reviewer": meta.get("reviewer") or "",
            "state": state,
            "consent": str(meta.get("consent") or ""),
        })
    rows.sort(key=lambda r: (r["next_review"], r["file"]))
    return rows, problems


def table(rows: list[dict]) -> str:
    header = ("next review", "days left", "last reviewed", "reviewer", "file", "")
    cells = [header] + [
        (r["next_review"], str(r["days_left"]), r["last_reviewed"], r["reviewer"] or "awaiting clinical review", r["file"], FLAGS[r["state"]])
        for r in rows
    ]
    widths = [max(len(c[i]) for c in cells) for i in range(len(header))]
    return "\n".join("  ".join(c.ljust(w) if i != 1 else c.rjust(w) for i, (c, w) in enumerate(zip(cell, widths, strict=True))).rstrip() for cell in cells)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], epilog=__doc__.split("\n\n", 2)[2],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--docs", default="docs", help="folder of Markdown pages (default docs)")
    ap.add_argument("--today", type=dt.date.fromisoformat, default=dt.date.today(), help="count days from this date, YYYY-MM-DD (default today)")
    ap.add_argument("--soon", type=int, default=DUE_SOON_DAYS, metavar="DAYS", help=f"due soon within this many days (default {DUE_SOON_DAYS})")
    ap.add_argument("--json", action="store_true", help="print JSON instead of a table")
    ap.add_argument("--awaiting", action="store_true", help="list only the articles awaiting clinical review, with the "
                    "command that builds each one's review pack")
    args = ap.parse_args(argv)
    docs = Path(args.docs)
    if not docs.is_dir():
        print(f"review_status: no such folder: {docs}; run from the project root or pass --docs", file=sys.stderr)
        return 2
    rows, problems = collect(docs, args.today, args.soon)
    if args.awaiting:
        awaiting = [r for r in rows if not r["reviewer"]]
        for r in sorted(awaiting, key=lambda r: r["file"]):
            print(f"AWAITING CLINICAL REVIEW  {r['file']}: make review PAGE={r['file']}")
        print(f"{len(awaiting)} of {len(rows)} articles await clinical review")
        return 0
    overdue = sum(r["state"] == "overdue" for r in rows)
    if args.json:
        print(json.dumps(rows, indent=2))
    else:
        print(table(rows))
        due_soon = sum(r["state"] == "due-soon" for r in rows)
        print(f"{len(rows)} articles: {overdue} overdue, {due_soon} due soon (within {args.soon} days of {args.today})")
    pending = [r for r in rows if r["consent"] == "pending"]
    if not args.json:
        for r in pending:
            print(f"CONSENT PENDING  {r['file']}: get the client's written permission, then set consent: written")
    for problem in problems:
        print(problem, file=sys.stderr)
    return 1 if overdue or pending or problems else 0


if __name__ == "__main__":
    sys.exit(main())
