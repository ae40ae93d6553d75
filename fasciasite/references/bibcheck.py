"""Check references.bib and how the Markdown in docs/ cites it.

Usage: python -m fasciasite.references.bib [--bib references.bib] [--docs docs]   (or: fasciasite bib)

Structure: our own small BibTeX reader gives every problem a line (an unclosed
brace is reported where its entry or field starts; a duplicate key names both
lines), then pybtex (the parser mkdocs-bibtex uses) must read the file too.
Rules: no duplicate keys or DOIs; required fields per entry type; doi bare
(10.xxxx/...); url http(s) only; urldate YYYY-MM-DD; year four digits; keys
^[a-z][a-z0-9_]*$ containing the entry's year; every entry cited in
docs/**/*.md or carrying uncited = {reason}; every [@key] citation known.
A journal article whose confirming page shows no DOI carries nodoi = {reason}.
misc entries are checked as web pages.

Exit 0 when all is well, 1 when problems were found, 2 on bad usage.
The rules live here; fasciasite.references.bib reads the file (parse_bib, find_citations) and
its check() and main() call this module.
"""

import argparse
import datetime as dt
import difflib
import re
import sys
from collections.abc import Iterable
from pathlib import Path
from urllib.parse import urlsplit

from fasciasite.config import data_file
from fasciasite.problems import report
from fasciasite.references.bib import (
    DOI,
    DOI_PREFIX,
    ISO_DATE,
    KEY_RULE,
    REQUIRED,
    YEAR,
    Entry,
    Problem,
    citation_problems,
    find_citations,
    parse_bib,
)

# ── Rules for entries ────────────────────────────────────────────────────────


def check_entries(entries: dict[str, Entry], file: str) -> list[Problem]:
    problems: list[Problem] = []
    doi_owner: dict[str, Entry] = {}
    for e in entries.values():
        def report(message: str, field_name: str | None = None, e: Entry = e) -> None:
            problems.append(Problem(file, e.field_lines.get(field_name, e.line) if field_name is not None else e.line, e.key, message))

        if not e.complete:
            continue  # its syntax problem is already reported
        f = {k: v for k, v in e.fields.items() if v.strip()}
        if "crossref" in f:  # BibTeX crossref: the child inherits its parent's fields (pandoc does too)
            parent = _crossref_parent(e, entries)
            if parent is None:
                report(f"crossref '{f['crossref']}' names no entry in this file; add the parent entry (after this one, "
                       f"as BibTeX requires) or fix the key{_closest(f['crossref'], entries)}", "crossref")
            else:
                inherited = {k: v for k, v in parent.fields.items() if v.strip() and k not in NOT_INHERITED}
                if parent.fields.get("title", "").strip():
                    inherited.setdefault("booktitle", parent.fields["title"])
                f = {**inherited, **f}
        rules = REQUIRED.get(e.type)
        if rules is None:
            report(f"type @{e.type} has no rules here; use one of {', '.join('@' + t for t in REQUIRED)}, or add rules to fasciasite/references/bibcheck.py")
        for alternatives in rules or []:
            # A detail the confirming page did not show is left out, never guessed:
            # no<field> = {reason} (nopages, novolume) records that.
            if not any(a in f for a in alternatives) and f"no{alternatives[0]}" not in e.fields:
                report(f"@{e.type} needs {_needs(alternatives)}; copy it from the work's own page, "
                       f"or write no{alternatives[0]} = {{reason}} if that page does not show it")
        if e.type == "article":
            if "doi" not in f and "nodoi" not in e.fields:
                report("article has no doi; add doi = {10.xxxx/...} from the article's page, or nodoi = {reason} if the page shows none")
            if "doi" in f and "nodoi" in e.fields:
                report("has both doi and nodoi; remove nodoi", "nodoi")
        if "findings" in f and (accent := LATEX_ACCENT.search(f["findings"])):
            report(f"findings has the LaTeX accent {accent.group(0)}, which the References page shows as typed; "
                   f"write the letter itself: {_decoded(accent.group(0))}", "findings")
        if "findings" in e.fields and not e.fields["findings"].strip():
            report("findings is empty; read the source's published page and write what it found, in your own "
                   "words (design, who and how many, main figures with confidence intervals, conclusion; "
                   "put the page you read, and when, in checked = {YYYY-MM-DD; read: ...}, never in findings)", "findings")
        for reason in [k for k in e.fields if k in ("nodoi", "uncited") or k in {f"no{r[0]}" for r in rules or []}]:
            if reason in e.fields and not e.fields[reason].strip():
                report(f"{reason} needs a reason: {reason} = {{why}}", reason)
        if "doi" in f:
            doi = f["doi"]
            bare = DOI_PREFIX.sub("", doi)
            if bare != doi:
                report(f"doi has a URL prefix; write it bare: {bare}", "doi")
            elif not DOI.match(doi):
                report(f"doi '{doi}' is not a DOI (10.NNNN/...); copy it from the article's page", "doi")
            first = doi_owner.setdefault(bare.lower(), e)
            if first is not e:
                report(f"doi {bare} is also in entry '{first.key}' (line {first.line}); merge the two entries", "doi")
        if "url" in f:
            url = f["url"]
            parts = urlsplit(url)
            if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
                report(f"url must be an http(s):// address, found '{url}'; copy the address from the browser", "url")
        if "urldate" in f and not _iso_date(f["urldate"]):
            report(f"urldate '{f['urldate']}' is not an ISO date; write the date you checked the page as YYYY-MM-DD", "urldate")
        year = f.get("year")
        if year is not None and not YEAR.match(year):
            report(f"year '{year}' is not four digits; write e.g. year = {{2019}}", "year")
        if not KEY_RULE.match(e.key):
            report(f"key '{e.key}' breaks the convention ^[a-z][a-z0-9_]*$ (lower case, surname + year + word, "
                   "e.g. langevin2011shear); rename it here and in the citations")
        elif year and YEAR.match(year) and year not in e.key:
            report(f"key does not contain its year {year}; rename it (e.g. surname{year}word) here and in the citations")
    return problems


LATEX_ACCENT = re.compile(r"\{?\\[\"'`^~=.uvHcdbtk]\s*\{?[A-Za-z]\}?\}?|\{?\\(?:ss|ae|oe|aa|AE|OE|AA|[oOlL])(?![A-Za-z])\}?")


def _decoded(latex: str) -> str:
    from latexcodec.codec import UnicodeLatexIncrementalDecoder  # the "ulatex" codec's decoder

    try:
        return UnicodeLatexIncrementalDecoder().decode(latex, final=True).replace("{", "").replace("}", "")
    except Exception:  # any undecodable form: name it without a suggestion
        return "the accented letter"


NOT_INHERITED = {"title", "doi", "url", "findings", "uncited", "crossref", "checked", "pmid", "pmcid", "design", "certainty"}


def _crossref_parent(e: Entry, entries: dict[str, Entry]) -> Entry | None:
    key = e.fields.get("crossref", "").strip()
    return entries.get(key) or next((p for k, p in entries.items() if k.lower() == key.lower()), None)


def _needs(alternatives: tuple[str, ...]) -> str:
    if alternatives == ("pages", "eid"):
        return "pages, or eid for an article number"
    return " or ".join(alternatives)


def _iso_date(text: str) -> bool:
    try:
        return bool(ISO_DATE.match(text)) and dt.date.fromisoformat(text) is not None
    except ValueError:
        return False


def check_citations(entries: dict[str, Entry], bib_file: str, docs_dir: Path) -> list[Problem]:
    problems: list[Problem] = []
    cited_at: dict[str, tuple[str, int]] = {}
    by_lower = {k.lower(): k for k in entries}
    for md in sorted(docs_dir.rglob("*.md")):
        try:
            text = md.read_text(encoding="utf-8-sig")
        except UnicodeDecodeError:
            continue  # the build names the file and the line of the bad byte (fasciasite.references.sources)
        problems += [Problem(str(md), line, None, message) for line, message in citation_problems(text, entries)]
        for cite in find_citations(text):
            line, key = cite
            near = _closest(key, entries) if cite.bad or key not in entries else ""
            if cite.bad:
                message = f"citation key '{key}' has characters mkdocs-bibtex drops; keys may contain only letters, digits, '_' and '-'{near}"
                problems.append(Problem(str(md), line, None, message))
            elif key not in entries:
                if key.lower() in by_lower:
                    near = f": the key is '{by_lower[key.lower()]}' (same letters, different case); write [@{by_lower[key.lower()]}]"
                problems.append(Problem(str(md), line, None, f"cites unknown key '{key}'; add it to {bib_file} or fix the key{near}"))
            cited_at.setdefault(key.lower(), (str(md), line))
    # The urgent-help tiers cite their sources in their own data file (fasciasite.content.urgent).
    tiers_file = docs_dir.parent / data_file(docs_dir.parent, "urgent_help")
    if tiers_file.is_file():
        from fasciasite.content import urgent

        try:
            tiers = urgent.load_for(docs_dir.parent)
        except urgent.DataError as exc:  # one line per problem, never a traceback
            for text in str(exc).splitlines():
                where, _, message = text.partition(": ")
                file, _, line_text = where.rpartition(":")
                problems.append(Problem(file or where, int(line_text) if line_text.isdigit() else 1, None, message))
            tiers = urgent.Tiers(str(tiers_file), [])
            # Still count the keys the file cites, so its sources are not also called uncited.
            raw = tiers_file.read_text(encoding="utf-8-sig", errors="replace")
            for m in re.finditer(r"^\s*cite:\s*\[([^\]]*)\]", raw, re.M):
                for key in (k.strip() for k in m.group(1).split(",") if k.strip()):
                    tiers.lines.setdefault(key, raw.count("\n", 0, m.start()) + 1)
        for key in list(tiers.cited_keys()) + [k for k in tiers.lines if k not in tiers.cited_keys()]:
            if key not in entries:
                problems.append(Problem(str(tiers_file), tiers.lines.get(key, 1), None,
                                        f"cites unknown key '{key}'; add it to {bib_file} or fix the key{_closest(key, entries)}"))
            cited_at.setdefault(key.lower(), (str(tiers_file), tiers.lines.get(key, 1)))
    # Each sign's tier is pinned to the NHS pages that give it (includes/urgent-pins.yml).
    pins_file = docs_dir.parent / data_file(docs_dir.parent, "urgent_pins")
    if pins_file.is_file():
        raw = pins_file.read_text(encoding="utf-8-sig", errors="replace")
        for m in re.finditer(r"^\s*source:\s*\[([^\]]*)\]", raw, re.M):
            line = raw.count("\n", 0, m.start()) + 1
            for key in (k.strip() for k in m.group(1).split(",") if k.strip()):
                if key not in entries:
                    problems.append(Problem(str(pins_file), line, None, f"pins a tier to unknown key '{key}'; a pin's source "
                                            f"is an entry of {bib_file} (the NHS page that gives the tier){_closest(key, entries)}"))
                cited_at.setdefault(key.lower(), (str(pins_file), line))
    # Each treatment's safety advice cites its sources in includes/safety.yml (fasciasite.content.safety).
    from fasciasite.content import safety

    treatments = safety.load_for(docs_dir.parent)[0]
    for key, line in treatments.cite_lines.items():
        if key not in entries:
            problems.append(Problem(str(docs_dir.parent / data_file(docs_dir.parent, "safety")), line, None,
                                    f"cites unknown key '{key}'; add it to {bib_file} or fix the key{_closest(key, entries)}"))
        cited_at.setdefault(key.lower(), (str(docs_dir.parent / data_file(docs_dir.parent, "safety")), line))
    problems = list(dict.fromkeys(problems))  # a key cited twice on one line: report it once
    for e in list(entries.values()):  # a crossref parent is cited through its cited child
        parent = _crossref_parent(e, entries) if "crossref" in e.fields else None
        if parent is not None and e.key.lower() in cited_at:
            cited_at.setdefault(parent.key.lower(), cited_at[e.key.lower()])
    for e in entries.values():
        cited = cited_at.get(e.key.lower())
        if cited and "uncited" in e.fields:
            message = f"is cited at {cited[0]}:{cited[1]} but carries uncited; remove the uncited field"
            problems.append(Problem(bib_file, e.field_lines["uncited"], e.key, message))
        elif not cited and "uncited" not in e.fields:
            problems.append(Problem(bib_file, e.line, e.key, f"is not cited in {docs_dir}/; cite it as [@{e.key}] or add uncited = {{reason}}"))
    return problems


def _closest(key: str, entries: Iterable[str]) -> str:
    near = difflib.get_close_matches(key.lower(), list(entries), n=3, cutoff=0.6)
    return f" (did you mean {' or '.join(near)}?)" if near else ""


def read(bib_path: Path | str) -> tuple[dict[str, Entry], list[Problem]]:
    """parse_bib(), plus a problem when the file holds no entry at all (an emptied file
    would otherwise show up only as one "unknown key" per citation of the site)."""
    entries, problems = parse_bib(bib_path)
    if not entries and not problems:
        problems.append(Problem(str(bib_path), 1, None, "has no entries (is the file empty?); restore it "
                                "(git checkout -- references.bib) or add the entries back"))
    return entries, problems


def build_problems(bib_path: Path | str) -> list[Problem]:
    """What every build checks: the file's structure and every rule for entries (fields,
    doi, url, urldate, year, keys, findings). Whether every entry is cited is left to
    `make check` and the tests: a build of some of the pages cannot know it."""
    entries, problems = read(bib_path)
    return sorted(problems + check_entries(entries, str(bib_path)), key=lambda p: p.line)


def check(bib_path: Path | str, docs_dir: Path | str) -> list[Problem]:
    """All problems of the .bib file and of the citations in docs_dir."""
    return _check(bib_path, docs_dir)[1]


def _check(bib_file: Path | str, docs: Path | str) -> tuple[dict[str, Entry], list[Problem]]:
    bib_path, docs_dir = Path(bib_file), Path(docs)
    if not docs_dir.is_dir():
        raise FileNotFoundError(docs_dir)
    entries, problems = read(bib_path)
    problems += check_entries(entries, str(bib_path))
    if entries:  # with no entries read, every citation would be "unknown": say only why
        problems += check_citations(entries, str(bib_path), docs_dir)
    return entries, sorted(problems, key=lambda p: (p.file != str(bib_path), p.file, p.line))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], epilog=__doc__.split("\n\n", 2)[2],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--bib", default="references.bib", help="the BibTeX file (default references.bib)")
    ap.add_argument("--docs", default="docs", help="folder of Markdown pages that cite it (default docs)")
    args = ap.parse_args(argv)
    for path, kind in ((Path(args.bib), "file"), (Path(args.docs), "folder")):
        if not (path.is_file() if kind == "file" else path.is_dir()):
            print(f"check_bib: no such {kind}: {path}; run from the project root or pass --bib/--docs", file=sys.stderr)
            return 2
    entries, problems = _check(args.bib, args.docs)
    return report(problems, f"check_bib: {len(entries)} entries in {args.bib}, {len(problems)} problem(s)")


