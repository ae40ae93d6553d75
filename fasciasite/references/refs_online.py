"""Check references.bib against Crossref and PubMed (the online half of check_bib).

Usage: python -m fasciasite.references.refs_online [--bib references.bib] [--refresh] [--key KEY ...]

Each entry with a doi is compared with its Crossref record (works/{doi}); each with a
pmid (or only a pmcid) with its PubMed (or PMC) summary from E-utilities: title
(normalised: case, punctuation, HTML, LaTeX and BibTeX braces), first author's family
name, year (the print or the online year; a match on the online year only is noted),
journal (full name or ISO abbreviation), volume, number (issue) and pages (or eid).
A mismatch reads
    references.bib:LINE key: field: ours "..." vs Crossref "..."; the fix
and besides:
  error    a DOI that does not resolve, or resolves to a different work; a retraction
           or expression of concern however it is marked (Crossref updated-by,
           update-to, relation, a "RETRACTED:" title; PubMed publication types and
           RetractionIn / ExpressionOfConcernIn links), with the notice's DOI or PMID;
           a DOI or PMID that is itself a notice; a pmid or pmcid NCBI does not know
  mismatch also a DOI written as a URL or with "doi:" (write it bare)
  warning  "DOI available: ..." for an article marked nodoi when PubMed lists a DOI or a
           Crossref search (title, first author, year) finds exactly one confident match;
           Crossref and PubMed disagreeing with each other (never settled silently)
  note     does not fail: a field Crossref has and the entry leaves out, a correction
           notice, a year that is the online year (also where a source gives only the
           print year, a year later), a record giving only the first page, an
           ambiguous DOI search
  not checked  the service's answer was unusable (an error body, an empty message,
           HTTP 429/5xx after retries, cut short, past the time limit): that entry
           only; the others are still checked (exit 3)
Titles are compared without HTML/JATS/MathML markup and LaTeX font or script commands;
authors' family names after transliteration (anyascii; Müller = Mueller).

It is a separate command, not `fasciasite bib --online`: check_bib is offline and
runs in `make check` and every build; this one needs the network, so it runs weekly in
CI (.github/workflows/references-online.yml) and by hand, never in `make test`.
Settings (contact for the User-Agent, rate, time limit, retries, base URLs): see
fasciasite/references/webapi.py and refs_online.toml. Answers are cached for 30 days in
.cache/refs-online.json; --refresh asks again.

Exit 0 when all is well (notes allowed), 1 when problems were found, 2 on bad usage,
3 when a lookup failed on the network (or inside this tool): the check is incomplete.
"""
from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal
from urllib.parse import unquote

from fasciasite.problems import Problem
from fasciasite.references.bib import Entry, parse_bib
from fasciasite.references.metadata import (
    RETRACTED_PREFIX,
    SERIOUS,
    AnswerError,
    Work,
    crossref_search,
    crossref_work,
    doi_registered,
    esummaries,
    from_bibtex,
    norm_title,
    same_family,
    year_of,
)
from fasciasite.references.refs_fields import FieldComparison, best_title_similarity, bib_families
from fasciasite.references.webapi import Cache, Client, ConfigError, NetworkError, load_config

DEFAULT_CACHE = Path(".cache/refs-online.json")
DOI_URL = re.compile(r"^\s*(?:https?://(?:dx\.|www\.)?doi\.org/|doi:\s*)", re.I)
SAME_WORK = 0.5  # title similarity below this, with author or year wrong too: another work
CONFIDENT = 0.9  # title similarity a search match needs


@dataclass(frozen=True)
class Finding:
    line: int
    key: str
    level: str  # "mismatch", "error", "warning", "note" or "unchecked"
    text: str

    @property
    def counts(self) -> bool:
        return self.level in ("mismatch", "error", "warning")

    def problem(self, file: str) -> Problem:
        """As the one problem type: `references.bib:LINE: entry 'key': [level: ]what; fix`."""
        level = {"mismatch": "", "unchecked": "not checked: "}.get(self.level, f"{self.level}: ")
        return Problem(file, self.line, f"entry '{self.key}': {level}{self.text}")


class Checker(FieldComparison):
    def __init__(self, client: Client, entries: dict[str, Entry]):
        self.client, self.entries = client, entries
        self.findings: list[Finding] = []
        self.stats = {"Crossref": 0, "PubMed": 0, "PMC": 0, "searched": 0}

    def add(self, e: Entry, level: str, text: str, field: str | None = None) -> None:
        self.findings.append(Finding(e.field_lines.get(field, e.line) if field else e.line, e.key, level, text))

    def run(self) -> list[Finding]:
        entries = sorted(self.entries.values(), key=lambda e: e.line)
        pubmed = self._esummaries(entries, "pubmed", lambda e: e.fields.get("pmid", "").strip())
        pmc = self._esummaries([e for e in entries if not e.fields.get("pmid", "").strip()], "pmc",
                               lambda e: e.fields.get("pmcid", "").strip().upper().removeprefix("PMC"))
        for e in entries:
            try:
                self.check(e, pubmed.get(e.key, False), pmc.get(e.key, False))
            except NetworkError as exc:
                self.add(e, "unchecked", str(exc))
            except Exception as exc:  # an answer this tool did not foresee: that entry only, never the run
                self.add(e, "unchecked", f"the answer could not be read ({type(exc).__name__}: {exc}); "
                         "run again, and report it if it stays")
        return sorted(self.findings, key=lambda f: (f.line, f.key))

    def _esummaries(self, entries: list[Entry], db: str,
                    uid_of: Callable[[Entry], str]) -> dict[str, Work | Literal[False] | None]:
        """{key: the work, None (no such record) or False (not checked: the problem is reported)}."""
        wanted = {e.key: uid_of(e) for e in entries if uid_of(e)}
        if not wanted:
            return {}
        try:
            works = esummaries(self.client, db, list(wanted.values()))
        except Exception as exc:  # the whole batch: each of its entries is not checked; the run goes on
            why = str(exc) if isinstance(exc, NetworkError) else f"the answer could not be read ({type(exc).__name__}: {exc})"
            for key in wanted:
                self.add(self.entries[key], "unchecked", f"{'PubMed' if db == 'pubmed' else 'PMC'}: {why}")
            return {}
        out: dict[str, Work | Literal[False] | None] = {}
        for key, uid in wanted.items():
            work = works.get(uid, AnswerError(f"E-utilities did not answer for id {uid}"))
            if isinstance(work, AnswerError):  # unusable answer for this id: not checked, never "not in PubMed"
                self.add(self.entries[key], "unchecked", f"{'PubMed' if db == 'pubmed' else 'PMC'}: {work}")
                out[key] = False
            else:
                self.stats["PubMed" if db == "pubmed" else "PMC"] += 1
                out[key] = work
        return out

    # ── One entry ────────────────────────────────────────────────────────────

    def check(self, e: Entry, pubmed: Work | Literal[False] | None, pmc: Work | Literal[False] | None) -> None:
        f = e.fields
        doi = self._bare_doi(e, f.get("doi", "").strip())
        sources: list[Work] = []
        if doi:
            self.stats["Crossref"] += 1
            work = crossref_work(self.client, doi)
            if work is None:
                self._unresolved(e, doi)
            elif self._same_work(e, work, f"doi {doi}"):
                self._notices(e, work, "doi")
                if not work.update_to:  # a notice's fields are not the work's: nothing to compare or copy
                    sources.append(work)
        ncbi, label, ident = (pubmed, "pmid", f.get("pmid", "")) if pubmed is not False else (pmc, "pmcid", f.get("pmcid", ""))
        if ncbi is None:
            where = "PubMed" if label == "pmid" else "PubMed Central"
            self.add(e, "error", f"{label} {ident.strip()} is not in {where}; copy it from the article's {where} page", label)
        elif ncbi is not False and self._same_work(e, ncbi, f"{label} {ident.strip()}"):
            self._notices(e, ncbi, label)
            if not ncbi.update_to:  # never offer a notice's DOI or PMCID as the work's
                self._ncbi_ids(e, ncbi)
                sources.append(ncbi)
        if sources:
            self.compare(e, sources)
        if not doi and "nodoi" in f and e.type == "article":
            self._doi_available(e, ncbi if isinstance(ncbi, Work) and not ncbi.update_to else None)

    def _bare_doi(self, e: Entry, doi: str) -> str:
        """The DOI to look up; a DOI written as a URL or with "doi:" is a mismatch that says
        to write it bare (and is checked as the bare DOI), never "does not resolve"."""
        bare = unquote(DOI_URL.sub("", doi)).strip() if DOI_URL.match(doi) else doi
        if bare != doi:
            self.add(e, "mismatch", f"doi: write the DOI bare, without {doi[:len(doi) - len(bare)].strip() or 'the URL'}: "
                     f"doi = {{{bare}}}", "doi")
        if bare and not re.match(r"10\.\d{4,9}/\S", bare):
            self.add(e, "error", f'doi: "{bare}" is not a DOI (a DOI starts "10.", a number, "/"); copy it from the '
                     "article's own page", "doi")
            return ""
        return bare

    def _unresolved(self, e: Entry, doi: str) -> None:
        trimmed = doi.rstrip(".,;:)]}>'\"")
        if trimmed != doi and crossref_work(self.client, trimmed) is not None:
            self.add(e, "error", f"doi {doi} does not resolve, but {trimmed} does: remove the trailing "
                     f"'{doi[len(trimmed):]}' (doi = {{{trimmed}}})", "doi")
            return
        if doi_registered(self.client, doi):
            self.add(e, "warning", f"doi {doi} is registered at doi.org but not with Crossref (another agency), so its "
                     "fields were not compared; check them on the article's own page", "doi")
        else:
            self.add(e, "error", f"doi {doi} does not resolve (not in Crossref, unknown to doi.org); copy the DOI "
                     "from the article's own page", "doi")

    def _same_work(self, e: Entry, work: Work, what: str) -> bool:
        ours = norm_title(e.fields.get("title", ""), bibtex=True)
        if not ours or not work.titles or best_title_similarity(ours, work) >= SAME_WORK:
            return True
        authors = bib_families(e.fields.get("author", ""))
        author_ok = bool(authors and work.authors and same_family(authors[0][0], work.authors[0].family))
        year_ok = year_of(e.fields.get("year", "")) in work.years
        if author_ok and year_ok:
            return True  # same authors and year: a retitled work; the title comparison reports it
        first = work.authors[0].family if work.authors else "no author"
        years = "/".join(str(y) for y in sorted(work.years)) or "no year"
        self.add(e, "error", f'{what} is a different work in {work.source}: "{work.title}" ({first}, {years}); '
                 "copy the identifier from the article's own page", what.split()[0])
        return False

    def _notices(self, e: Entry, work: Work, field: str) -> None:
        """The record types, however the service marks them (metadata.py reads them all
        into updated_by / update_to / retracted): a retraction or expression of concern is
        an error, the record being itself a notice is an error, a correction a note."""
        src, ident = work.source, (f"doi {work.doi}" if field == "doi" else f"{field} {e.fields.get(field, '').strip()}")
        serious = [n for n in work.updated_by if n.kind in SERIOUS]
        for listed in dict.fromkeys((n.kind, n.ident, n.date) for n in work.updated_by):
            kind, shown, date = listed[0], listed[1], f", {listed[2]}" if listed[2] else ""
            if kind in SERIOUS:
                label = SERIOUS[kind]
                self.add(e, "error", f"{label.upper()}: {src} lists {'an' if label[0] in 'aeiou' else 'a'} {label} "
                         f"notice for this work, {shown}{date}; read the notice, then stop citing the work or say "
                         "so wherever it is cited", field)
            else:
                self.add(e, "note", f"{src} lists a {kind.replace('_', ' ') or 'update'} notice, {shown}{date}; "
                         "check whether it changes what findings says", field)
        for n in work.update_to:
            kind = SERIOUS.get(n.kind, n.kind.replace("_", " ") or "update")
            about = f" about {n.ident}" if n.doi or n.pmid else ""
            fix = ("the work is retracted or under concern: stop citing it" if n.kind in SERIOUS
                   else "cite the work's own identifier")
            self.add(e, "error", f"{ident} is itself {'an' if kind[0] in 'aeiou' else 'a'} {kind} notice{about}, "
                     f"not the work ({src}); {fix}", field)
        if not serious and (work.retracted or RETRACTED_PREFIX.match(work.title)):
            why = "marks this work as a Retracted Publication" if work.retracted else f'titles it "{work.title}"'
            self.add(e, "error", f"RETRACTED: {src} {why}; read the notice, then stop citing the work or say so "
                     "wherever it is cited", field)

    def _ncbi_ids(self, e: Entry, work: Work) -> None:
        f = e.fields
        for name, theirs in (("doi", work.doi), ("pmcid", work.pmcid), ("pmid", work.pmid)):
            ours = f.get(name, "").strip()
            if theirs and ours and ours.lower() != theirs.lower():
                self.add(e, "mismatch", f'{name}: ours "{ours}" vs {work.source} "{theirs}"; check it on the '
                         "article's own page", name)
            elif theirs and not ours and name != "doi":
                self.add(e, "note", f"{work.source} gives {name} {theirs}; add {name} = {{{theirs}}}")

    def _doi_available(self, e: Entry, ncbi: Work | None) -> None:
        fix = "confirm it on the article's own page, then replace nodoi with doi = {%s}"
        if ncbi and ncbi.doi:
            self.add(e, "warning", f"DOI available: {ncbi.doi} ({ncbi.source} lists it); {fix % ncbi.doi}", "nodoi")
            return
        authors = bib_families(e.fields.get("author", ""))
        title = from_bibtex(e.fields.get("title", ""))
        if not title or not authors:
            return
        year = year_of(e.fields.get("year", ""))
        found = crossref_search(self.client, title, authors[0][0], year)
        self.stats["searched"] += 1
        sure = list({w.doi.lower(): w for w in found if not w.update_to  # a notice is never offered
                     and self._confident(e, w, authors[0][0], year)}.values())
        if len(sure) == 1:
            w = sure[0]
            self.add(e, "warning", f'DOI available: {w.doi} (Crossref search: "{w.title}", '
                     f'{w.authors[0].family}, {w.years_text()}); {fix % w.doi}', "nodoi")
            self._notices(e, w, "nodoi")  # and if that work is retracted, say so now
        elif len(sure) > 1:
            self.add(e, "note", f"a Crossref search found {len(sure)} possible DOIs ({', '.join(w.doi for w in sure)}); "
                     "none is certain: look for the DOI on the article's own page", "nodoi")

    def _confident(self, e: Entry, w: Work, family: str, year: int | None) -> bool:
        if not w.doi or not w.authors or not same_family(w.authors[0].family, family):
            return False
        if year and year not in w.years:
            return False
        volume = e.fields.get("volume", "").strip()
        if volume and w.volume and volume != w.volume:
            return False
        return best_title_similarity(norm_title(e.fields.get("title", ""), bibtex=True), w) >= CONFIDENT


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m fasciasite.references.refs_online", description=__doc__.split("\n\n")[0],
                                 epilog=__doc__.split("\n\n", 2)[2], formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--bib", default="references.bib", help="the BibTeX file (default references.bib)")
    ap.add_argument("--config", type=Path, help="settings file (default refs_online.toml)")
    ap.add_argument("--cache", type=Path, default=DEFAULT_CACHE, help=f"answers kept 30 days (default {DEFAULT_CACHE})")
    ap.add_argument("--refresh", action="store_true", help="ignore cached answers; ask the services again")
    ap.add_argument("--key", action="append", default=[], metavar="KEY", help="check only this entry (repeatable)")
    args = ap.parse_args(argv)
    bib = Path(args.bib)
    if not bib.is_file():
        print(f"refs_online: no such file: {bib}; run from the project root or pass --bib", file=sys.stderr)
        return 2
    try:
        config = load_config(args.config)
    except ConfigError as exc:
        print(f"refs_online: {exc}", file=sys.stderr)
        return 2
    entries, problems = parse_bib(bib)
    if problems:
        for p in problems:
            print(p)
        print(f"refs_online: {bib} does not parse; fix it (fasciasite bib) before checking it online", file=sys.stderr)
        return 1
    unknown = [k for k in args.key if k not in entries]
    if unknown:
        print(f"refs_online: no entry {', '.join(unknown)} in {bib}; check the key", file=sys.stderr)
        return 2
    if args.key:
        entries = {k: entries[k] for k in args.key}
    if not config.mailto:
        print("refs_online: no contact set: Crossref serves us from its public pool, NCBI gets no e-mail; set "
              "REFS_MAILTO or mailto in refs_online.toml", file=sys.stderr)
    try:
        with Client(config, Cache(args.cache, config.cache_days, args.refresh)) as client:
            checker = Checker(client, entries)
            findings = checker.run()
    except Exception as exc:  # a fault of this tool, or an answer it did not expect: never a traceback
        print(f"refs_online: internal error: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 3
    for finding in findings:
        print(finding.problem(str(args.bib)))
    counted = sum(f.counts for f in findings)
    unchecked = sum(f.level == "unchecked" for f in findings)
    s = checker.stats
    print(f"refs_online: {len(entries)} entries; Crossref {s['Crossref']}, PubMed {s['PubMed']}, PMC {s['PMC']}, "
          f"searched {s['searched']}; {counted} problem(s), {sum(f.level == 'note' for f in findings)} note(s), "
          f"{unchecked} not checked; {client.requests} request(s), {client.cache.hits} answer(s) from the cache")
    return 3 if unchecked else 1 if counted else 0


if __name__ == "__main__":
    sys.exit(main())
