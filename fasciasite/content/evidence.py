"""Evidence a reader can check (issue 20): every rule of sources, ratings and safety, and the switch.

Usage: python -m fasciasite.content.evidence [--root DIR] [--today YYYY-MM-DD] [--rule RULE ...] [--enforced-only]

Rules (each problem `file:line: what is wrong; the fix`):
  sources         references.bib url hosts are authoritative (includes/sources.yml)
  findings        every cited entry has findings that say only what the source found
  fields          design and certainty on every cited entry; searched, updated, review_due
                  dates; supersededby names an entry (a past review_due is a WARNING only)
  ratings         each evidence-box row cites a source and is no stronger than it allows
  searches        "we found no trials" needs a recorded search that quotes it (research/searches.yml)
  safety-data     includes/safety.yml is valid
  safety-pages    every article naming a treatment shows its <!-- md:safety NAME --> block
  safety-sources  includes/safety.yml and includes/urgent-help.yml cite NHS, NICE, MHRA or GOV.UK pages

Every rule is enforced by the build and `make check` (ENFORCED = RULES). A new rule may be
added to RULES before the data passes it: leave it out of ENFORCED while this command lists
its problems, then add it.

Exit 0 when there is no problem (of the rules checked), 1 when there is one, 2 on bad usage.
--enforced-only (what `make check` runs) checks only the enforced rules and prints warnings.
"""
from __future__ import annotations

import argparse
import datetime as dt
import sys
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import yaml

from fasciasite.config import data_file
from fasciasite.content import ratings, safety
from fasciasite.references import bib, bibfields, sources
from fasciasite.references.bib import Problem

RULES = ("sources", "findings", "fields", "ratings", "searches", "safety-data", "safety-pages", "safety-sources")

# The rules the build and `make check` enforce: all of them.
ENFORCED: tuple[str, ...] = RULES


def enforced() -> frozenset[str]:
    """The rules the build and `make check` enforce."""
    return frozenset(ENFORCED)


class Project:
    """The data the rules read, loaded once: references.bib, the allow-list, safety.yml, searches."""

    def __init__(self, root: Path, today: dt.date | None = None, bib_file: str = "references.bib",
                 sections: tuple[str, ...] | None = None):
        """sections: extra.article_sections when the caller has read mkdocs.yml already (the build)."""
        self.root = Path(root)
        self.today = today or dt.date.today()
        self.bib_file = bib_file
        self.entries, _ = bib.parse_bib(self.root / bib_file) if (self.root / bib_file).is_file() else ({}, [])
        self.hosts, self.hosts_problems = sources.load_for(self.root)
        self.safety, self.safety_problems = safety.load_for(self.root, set(self.entries))
        self.searches, self.searches_problems = ratings.load_searches(self.root, self.today)
        self.sections = _article_sections(self.root) if sections is None else sections

    # Problems of the data files (rule -> problems)
    def data_problems(self) -> dict[str, list[Problem]]:
        e, f = self.entries, self.bib_file
        _, tier_cites, tiers_file = _urgent_cites(self.root)
        owner = lambda url: sources.owner_class(url, self.hosts)  # noqa: E731
        # A data file that does not read is one problem at its line, not a cascade: every url
        # "not authoritative" while the allow-list is unread, every block "unknown" while safety.yml is.
        unread_hosts = bool(self.hosts_problems) and not self.hosts.allowed
        return {
            "sources": self.hosts_problems + ([] if unread_hosts else sources.check_urls(e, f, self.hosts)),
            "findings": bibfields.findings_problems(e, f),
            "fields": bibfields.field_problems(e, f),
            "searches": list(self.searches_problems),
            "safety-data": list(self.safety_problems),
            "safety-sources": [] if unread_hosts else safety.authoritative_cites(tier_cites, tiers_file, e, owner)
            + safety.authoritative_cites(self.safety.cite_lines, data_file(self.root, "safety"), e, owner)
            + _pin_sources(self.root, e, owner),
        }

    def warnings(self) -> list[Problem]:
        return bibfields.review_warnings(self.entries, self.bib_file, self.today)

    # Problems of one page (rule -> problems); markdown without front matter, offset its lines
    def page_problems(self, markdown: str, src: str, offset: int = 0) -> dict[str, list[Problem]]:
        file = f"docs/{src}"
        is_article = src.split("/")[0] in self.sections and "/" in src
        return {
            "ratings": ratings.check_rows(markdown, self.entries, file, offset),
            "searches": ratings.check_absence(markdown, file, self.searches, offset),
            "safety-pages": [] if (self.safety_problems and not self.safety.treatments)
            else safety.check_page(markdown, self.safety, file, offset=offset, is_article=is_article),
        }

    def all_problems(self) -> dict[str, list[Problem]]:
        found: dict[str, list[Problem]] = {r: [] for r in RULES}
        for rule, problems in self.data_problems().items():
            found[rule] += problems
        docs = self.root / "docs"
        for md in sorted(docs.rglob("*.md")):
            text = md.read_text(encoding="utf-8-sig")
            offset, body = _split_front_matter(text)
            for rule, problems in self.page_problems(body, md.relative_to(docs).as_posix(), offset).items():
                found[rule] += problems
        return found


def _split_front_matter(text: str) -> tuple[int, str]:
    from fasciasite.content.urgent import split_front_matter

    return split_front_matter(text)


def _article_sections(root: Path) -> tuple[str, ...]:
    from fasciasite.config import load_mkdocs_yml

    try:
        config = load_mkdocs_yml(root)
        return tuple((config.get("extra") or {}).get("article_sections") or ())
    except (OSError, yaml.YAMLError):
        return ()


def _urgent_cites(root: Path) -> tuple[list[Problem], dict[str, int], str]:
    """(problems reading it, key -> line, file) for includes/urgent-help.yml."""
    from fasciasite.content import urgent

    shown = data_file(root, "urgent_help")
    path = root / shown
    if not path.is_file():
        return [], {}, shown
    try:
        tiers = urgent.load(path, pins=root / data_file(root, "urgent_pins"))
    except urgent.DataError:
        return [], {}, shown  # the urgent-help check reports it
    return [], {k: tiers.lines.get(k, 1) for k in tiers.cited_keys()}, shown


def _pin_sources(root: Path, entries: dict, owner: Callable[[str], str | None]) -> list[Problem]:
    """includes/urgent-pins.yml: each pin's source is an NHS-, NICE-, MHRA- or GOV.UK-owned page
    (a tier is pinned to what such a page says), like the tiers' own cites."""
    from fasciasite.content import tiers

    return safety.authoritative_cites(tiers.pin_sources(root), data_file(root, "urgent_pins"), entries, owner)


# ── What the build calls (only enforced rules) ──────────────────────────────


def build_data_problems(root: Path) -> list[Problem]:
    on = enforced()
    if not on:
        return []
    project = Project(root)
    return [p for rule, problems in project.data_problems().items() if rule in on for p in problems]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m fasciasite.content.evidence", description=__doc__.split("\n\n")[0],
                                 epilog=__doc__.split("\n\n", 2)[2], formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--root", type=Path, default=Path("."), help="the project (default: here)")
    ap.add_argument("--today", help="the date to judge review_due against (default: today), YYYY-MM-DD")
    ap.add_argument("--rule", action="append", choices=RULES, help="check only this rule (repeatable)")
    ap.add_argument("--enforced-only", action="store_true", help="check only the enforced rules (make check)")
    args = ap.parse_args(argv)
    try:
        today = dt.date.fromisoformat(args.today) if args.today else dt.date.today()
    except ValueError:
        ap.error(f"--today '{args.today}' is not YYYY-MM-DD")
    root = args.root.resolve()
    if not (root / "references.bib").is_file() or not (root / "docs").is_dir():
        print(f"evidence: {root} has no references.bib or docs/; run from the project root or pass --root", file=sys.stderr)
        return 2
    chosen = set(args.rule or RULES) & (enforced() if args.enforced_only else set(RULES))
    project = Project(root, today)
    found = project.all_problems() if chosen else {}
    count: Counter = Counter()
    for rule in RULES:
        for p in sorted(dict.fromkeys(found.get(rule, [])), key=lambda p: (p.file, p.line)) if rule in chosen else []:
            print(f"{p}  [{rule}]")
            count[rule] += 1
    for w in project.warnings():
        print(w)
    summary = ", ".join(f"{r} {count[r]}" for r in RULES if r in chosen)
    off = [r for r in RULES if r not in enforced()]
    state = f"; not yet enforced by the build: {', '.join(off)}" if off else "; all enforced by the build"
    print(f"evidence: {sum(count.values())} problem(s) ({summary or 'no rule checked'}), "
          f"{len(project.warnings())} warning(s){state}")
    return 1 if sum(count.values()) else 0


if __name__ == "__main__":
    sys.exit(main())
