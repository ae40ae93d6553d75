"""Print (or with --write append) a references.bib entry for a DOI, PMID or PMCID.

Usage: python -m fasciasite.references.add_reference DOI-or-PMID [--write] [--bib references.bib]
       make ref ID=10.1097/BRS.0000000000001897 [WRITE=1]

The fields come from Crossref (works/{doi}) and PubMed (E-utilities esummary; esearch
finds the PMID of a DOI), in house style: key surnameYEARword (unique in the file),
authors "Family, Given" (an organisation in braces, editors as editor), the print year
(else the year Crossref says the work was issued), pages with "--", an article number
as pages when there are no pages, the doi bare, pmid/pmcid where PubMed has them,
urldate today (--today for tests), and an empty findings = {} that `make check` refuses
until you have read the paper's page and written what it found. Where Crossref and
PubMed disagree, the entry keeps Crossref's value and says so on stderr.

Refused, with the line of the entry already there: a DOI, PMID, PMCID or title that
references.bib has. Nothing is guessed: a field neither service gives is left out, and
check_bib then asks for it (or for no<field> = {reason}).

Refused too, whatever the service calls it (Crossref updated-by / update-to / relation,
PubMed publication types and RetractionIn / ExpressionOfConcernIn links, a title that
says so): a retracted work or one under an expression of concern (--cite-retracted
prints it with a loud warning and a comment line, for a page that discusses the
retraction), and a DOI or PMID that is itself a retraction, concern or correction
notice (never written as an entry: the message names the work it is about). Titles are
written without HTML/JATS markup (CO<sub>2</sub> becomes CO2).

BibTeX is written with bibtexparser 2 (its writer aligns the "=" and encloses every
value in braces, the file's style; pybtex, already pinned, writes "quoted" values with
another indent); LaTeX specials (% & _ #) are escaped with latexcodec, keeping Unicode
as the file does. Network settings: see fasciasite/references/webapi.py.

Exit 0 when the entry was printed or written, 1 when refused (duplicate, unknown
identifier, retracted work, a notice), 2 on bad usage, 3 when a service could not be
asked or gave an unusable answer (nothing checked; try again later).
"""
from __future__ import annotations

import argparse
import datetime as dt
import os
import re
import sys
from pathlib import Path

import bibtexparser
from bibtexparser import model
from bibtexparser.middlewares import AddEnclosingMiddleware
from latexcodec.codec import UnicodeLatexIncrementalEncoder

from fasciasite.references.bib import Entry, parse_bib
from fasciasite.references.metadata import RETRACTED_PREFIX, SERIOUS, AnswerError, Person, Work, crossref_work, esummaries, fold, norm_title, pmid_for_doi
from fasciasite.references.refs_online import DEFAULT_CACHE
from fasciasite.references.webapi import Cache, Client, ConfigError, NetworkError, load_config

DOI_PREFIX = re.compile(r"^(https?://(dx\.)?doi\.org/|doi:\s*)", re.I)
TYPES = {"journal-article": "article", "book-chapter": "incollection", "book": "book", "monograph": "book",
         "edited-book": "book", "report": "techreport"}
STOP_WORDS = set("""a an the of on in for and or to with without at by from into over under is are was were be
do does can could may might should what which who why how when where whether than versus vs its their our this
that these those new effect effects effectiveness efficacy impact role use using based study studies""".split())


class _LatexEncoder(UnicodeLatexIncrementalEncoder):
    """The "ulatex+utf8" codec's encoder: LaTeX's special characters escaped, Unicode kept."""
    inputenc = "utf8"


class Refused(Exception):
    """Not added: the message names the file, the line and what to do."""


def parse_id(text: str) -> tuple[str, str]:
    """("doi"|"pmid"|"pmcid", value), or ValueError for anything else."""
    text = DOI_PREFIX.sub("", text.strip())
    if re.fullmatch(r"10\.\d{4,9}/\S+", text):
        return "doi", text
    if re.fullmatch(r"\d{1,9}", text):
        return "pmid", text
    if re.fullmatch(r"(?i)pmc\d+", text):
        return "pmcid", text.upper()
    raise ValueError(text)


def latex(text: str) -> str:
    """BibTeX-safe text: % & _ # ~ escaped, Unicode kept, unbalanced braces dropped."""
    text = _LatexEncoder().encode(text, final=True)  # as codecs.encode(text, "ulatex+utf8")
    depth = 0
    for c in text:
        depth += {"{": 1, "}": -1}.get(c, 0)
        if depth < 0:
            break
    return text if depth == 0 else text.replace("{", "").replace("}", "")


def bib_name(p: Person) -> str:
    if p.organisation or not p.given:
        return "{" + latex(p.family) + "}" if p.organisation else latex(p.family)
    given = " ".join(c + "." for c in p.given) if re.fullmatch(r"[A-Z]{1,4}", p.given) else p.given  # PubMed's "MD"
    return f"{latex(p.family)}, {latex(given)}"


def make_key(work: Work, year: str, taken: set[str]) -> str:
    first = work.authors[0] if work.authors else Person("anon")
    words = fold(first.family).split()
    surname = (next((w for w in words if w.isalpha()), "") if first.organisation else "".join(words)) or "anon"
    surname = re.sub(r"[^a-z]", "", surname) or "anon"
    title_words = [w for w in fold(work.title).split() if w.isalpha() and w not in STOP_WORDS] or ["work"]
    for word in title_words:
        key = f"{surname}{year}{word[:20]}"
        if key.lower() not in taken:
            return key
    base = f"{surname}{year}{title_words[0][:20]}"
    return next(f"{base}{c}" for c in "bcdefghijklmnopqrstuvwxyz" if f"{base}{c}".lower() not in taken)


def find_duplicate(entries: dict[str, Entry], file: str, ids: dict[str, str], title: str) -> None:
    ours = norm_title(title)
    for e in entries.values():
        for name, value in ids.items():
            theirs = e.fields.get(name, "").strip()
            if value and theirs and theirs.lower() == value.lower():
                raise Refused(f"{file}:{e.field_lines.get(name, e.line)}: entry '{e.key}' already has {name} {theirs}; "
                              f"cite it as [@{e.key}] (nothing added)")
        if ours and norm_title(e.fields.get("title", ""), bibtex=True) == ours:
            raise Refused(f"{file}:{e.field_lines.get('title', e.line)}: entry '{e.key}' already has this title; "
                          f"cite it as [@{e.key}], or if it is another version, add that one by hand (nothing added)")


def gather(client: Client, kind: str, value: str) -> tuple[Work | None, Work | None]:
    """(Crossref record, PubMed record) for the identifier; either may be None."""
    pubmed = None
    if kind == "pmcid":
        pmc = _answered(esummaries(client, "pmc", [value[3:]])[value[3:]])
        if pmc is None:
            raise Refused(f"{value} is not in PubMed Central; copy the PMCID from the article's PMC page")
        if pmc.pmid:
            kind, value = "pmid", pmc.pmid
        elif pmc.doi:
            kind, value, pubmed = "doi", pmc.doi, pmc
        else:
            return None, pmc
    if kind == "pmid":
        pubmed = _answered(esummaries(client, "pubmed", [value])[value])
        if pubmed is None:
            raise Refused(f"PMID {value} is not in PubMed; copy it from the article's PubMed page")
        return (crossref_work(client, pubmed.doi) if pubmed.doi else None), pubmed
    crossref = crossref_work(client, value)
    if pubmed is None:
        pmid = pmid_for_doi(client, value)
        pubmed = _answered(esummaries(client, "pubmed", [pmid])[pmid]) if pmid else None
    if crossref is None and pubmed is None:
        raise Refused(f"doi {value} is in neither Crossref nor PubMed; copy the DOI from the article's own page")
    return crossref, pubmed


def _answered(work: Work | AnswerError | None) -> Work | None:
    if isinstance(work, AnswerError):
        raise work
    return work


def record_type_problems(works: list[Work]) -> tuple[list[str], list[str]]:
    """(why the identifier is a notice, not a work; why the work must not be cited) from
    every way Crossref and PubMed mark them."""
    notices, serious = [], []
    for w in works:
        ident = f"doi {w.doi}" if w.source == "Crossref" else f"PMID {w.pmid}" if w.pmid else f"{w.pmcid}"
        for n in w.update_to:
            kind = SERIOUS.get(n.kind, n.kind.replace("_", " ") or "update")
            about = f" about {n.ident}" if n.doi or n.pmid else ""
            notices.append(f"{ident} is {'an' if kind[0] in 'aeiou' else 'a'} {kind} notice{about} ({w.source}), "
                           f"not a work" + (f": look up {n.ident} itself" if about else ""))
        for n in w.updated_by:
            if n.kind in SERIOUS:
                serious.append(f"{SERIOUS[n.kind].upper()}: {w.source} lists {'an' if SERIOUS[n.kind][0] in 'aeiou' else 'a'}"
                               f" {SERIOUS[n.kind]} notice for {ident}, {n.ident}" + (f", {n.date}" if n.date else ""))
        if not any(n.kind in SERIOUS for n in w.updated_by) and (w.retracted or RETRACTED_PREFIX.match(w.title)):
            serious.append(f"RETRACTED: {w.source} " + ("marks it as a Retracted Publication" if w.retracted
                                                        else f'titles it "{w.title}"'))
    return list(dict.fromkeys(notices)), list(dict.fromkeys(serious))


def build(crossref: Work | None, pubmed: Work | None, today: dt.date, notes: list[str]) -> tuple[str, list[tuple[str, str]]]:
    """(BibTeX type, fields in house order)."""
    main = crossref or pubmed
    if main is None:  # gather() refuses before: one of the two services knows the work
        raise Refused("neither Crossref nor PubMed knows this work; copy the identifier from the article's own page")
    kind = TYPES.get(main.kind) if crossref else "article"
    if kind is None:
        raise Refused(f"Crossref type '{main.kind}' is not one add_reference writes ({', '.join(TYPES)}); "
                      "add the entry by hand as CONTRIBUTING.md says")
    year = main.year_print or main.year_issued or main.year_online
    if main.year_online and year and main.year_online != year:
        notes.append(f"year {year} is the print year; it appeared online in {main.year_online}")
    pages = main.pages.replace("-", "--") or main.article_number
    if crossref and pubmed:
        for name, ours, theirs in (("year", year, pubmed.year_print), ("volume", crossref.volume, pubmed.volume),
                                   ("number", crossref.issue, pubmed.issue), ("pages", crossref.pages, pubmed.pages)):
            if ours and theirs and str(ours).lower() != str(theirs).lower():
                notes.append(f"{name}: Crossref gives {ours}, PubMed {theirs}; the entry has Crossref's: "
                             "check it on the article's own page")
    container = main.journals[0] if main.journals else ""
    fields = [("author", " and ".join(bib_name(p) for p in main.authors))]
    if kind != "article" and main.editors:
        fields.append(("editor", " and ".join(bib_name(p) for p in main.editors)))
    fields.append(("title", latex(main.title)))
    if kind == "article":
        fields += [("journal", latex(container)), ("year", str(year or "")), ("volume", main.volume),
                   ("number", main.issue), ("pages", pages)]
    elif kind == "techreport":
        fields += [("institution", latex(main.publisher)), ("year", str(year or ""))]
    else:
        fields += [("booktitle", latex(container)) if kind == "incollection" else ("", ""),
                   ("publisher", latex(main.publisher)), ("year", str(year or "")), ("pages", pages)]
    fields += [("doi", main.doi), ("pmid", pubmed.pmid if pubmed else ""),
               ("pmcid", pubmed.pmcid if pubmed else ""), ("urldate", today.isoformat())]
    kept = [(k, v) for k, v in fields if k and v]
    for name in ("author", "title", "volume", "pages") if kind == "article" else ("author", "title"):
        if name not in dict(kept):
            notes.append(f"neither service gives {name}: read it on the paper's page (or write no{name} = {{reason}})")
    return kind, kept + [("findings", "")]


def render(kind: str, key: str, fields: list[tuple[str, str]], source: str) -> str:
    library = bibtexparser.Library([model.Entry(kind, key, [model.Field(k, v) for k, v in fields])])
    fmt = bibtexparser.BibtexFormat()
    fmt.indent, fmt.value_column, fmt.block_separator = "  ", "auto", "\n"
    stack = [AddEnclosingMiddleware(reuse_previous_enclosing=False, enclose_integers=True, default_enclosing="{")]
    comment = f"% fetched {source}; confirm every field on the paper's own page".replace("@", " at ")
    return comment + "\n" + bibtexparser.write_string(library, unparse_stack=stack, bibtex_format=fmt)


def append(bib: Path, block: str, key: str) -> int:
    """Append the entry, checked: the file must still parse. Returns the entry's line."""
    text = bib.read_text(encoding="utf-8")
    text += "" if text.endswith("\n\n") else "\n" if text.endswith("\n") else "\n\n"
    line = text.count("\n") + 1 + block[:block.index("\n@")].count("\n") + 1  # after the comment lines
    tmp = bib.with_name(f".{bib.name}.new")
    tmp.write_text(text + block, encoding="utf-8")
    entries, problems = parse_bib(tmp)
    if problems or key not in entries:
        tmp.unlink()
        raise RuntimeError(f"the new entry would break {bib}: {problems[0] if problems else 'not read back'}")
    os.replace(tmp, bib)
    return line


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m fasciasite.references.add_reference", description=__doc__.split("\n\n")[0],
                                 epilog=__doc__.split("\n\n", 2)[2], formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("id", metavar="DOI-or-PMID", help="a DOI (10.xxxx/...), a PMID (digits) or a PMCID (PMC...)")
    ap.add_argument("--write", action="store_true", help="append the entry to the file (default: print it)")
    ap.add_argument("--bib", type=Path, default=Path("references.bib"), help="the BibTeX file (default references.bib)")
    ap.add_argument("--config", type=Path, help="settings file (default refs_online.toml)")
    ap.add_argument("--cache", type=Path, default=DEFAULT_CACHE, help=f"answers kept 30 days (default {DEFAULT_CACHE})")
    ap.add_argument("--refresh", action="store_true", help="ignore cached answers")
    ap.add_argument("--today", type=dt.date.fromisoformat, default=None, help="urldate to write, YYYY-MM-DD (default today)")
    ap.add_argument("--cite-retracted", action="store_true", help="print or write a retracted work (or one under an "
                    "expression of concern) anyway, with a warning comment: only for a page that discusses the retraction")
    args = ap.parse_args(argv)
    try:
        kind, value = parse_id(args.id)
    except ValueError:
        ap.error(f"'{args.id}' is not a DOI (10.xxxx/...), a PMID (digits) or a PMCID (PMC followed by digits)")
    if not args.bib.is_file():
        print(f"add_reference: no such file: {args.bib}; run from the project root or pass --bib", file=sys.stderr)
        return 2
    entries, problems = parse_bib(args.bib)
    if problems:
        print("\n".join(map(str, problems)) + f"\nadd_reference: fix {args.bib} first (fasciasite bib)", file=sys.stderr)
        return 1
    try:
        config = load_config(args.config)
        file = str(args.bib)
        find_duplicate(entries, file, {kind: value}, "")
        with Client(config, Cache(args.cache, config.cache_days, args.refresh)) as client:
            crossref, pubmed = gather(client, kind, value)
        main_work = crossref or pubmed
        if main_work is None:  # gather() refuses before: one of the two services knows the work
            raise Refused(f"{kind} {value}: neither Crossref nor PubMed knows it; copy it from the article's own page")
        notices, serious = record_type_problems([w for w in (crossref, pubmed) if w])
        if notices:
            raise Refused("; ".join(notices) + " (nothing added: a notice is never cited as the work)")
        if serious and not args.cite_retracted:
            raise Refused("; ".join(serious) + ". Do not cite it (nothing added); read the notice. Only a page that "
                          "discusses the retraction may cite it: add --cite-retracted")
        for problem in serious:
            print(f"add_reference: WARNING: {problem}; written because of --cite-retracted: say so wherever it is "
                  "cited", file=sys.stderr)
        find_duplicate(entries, file, {"doi": main_work.doi, "pmid": pubmed.pmid if pubmed else "",
                                       "pmcid": pubmed.pmcid if pubmed else ""}, main_work.title)
        notes: list[str] = []
        bibtype, fields = build(crossref, pubmed, args.today or dt.date.today(), notes)
        key = make_key(main_work, dict(fields).get("year", ""), {k.lower() for k in entries})
        sources = " and ".join(s for s in (f"Crossref (doi {crossref.doi})" if crossref else "",
                                           f"PubMed (PMID {pubmed.pmid})" if pubmed and pubmed.pmid else "") if s)
        block = render(bibtype, key, fields, f"{dict(fields)['urldate']} from {sources or 'PubMed Central'}")
        if serious:
            block = "".join(f"% {p}\n".replace("@", " at ") for p in serious) + block
        for note in notes:
            print(f"add_reference: note: {note}", file=sys.stderr)
        if not args.write:
            print(block, end="")
            return 0
        line = append(args.bib, block, key)
    except ConfigError as exc:
        print(f"add_reference: {exc}", file=sys.stderr)
        return 2
    except Refused as exc:
        print(f"add_reference: {exc}", file=sys.stderr)
        return 1
    except AnswerError as exc:
        print(f"add_reference: not checked: {exc}; nothing added, try again later", file=sys.stderr)
        return 3
    except NetworkError as exc:
        print(f"add_reference: network: {exc}; try again later", file=sys.stderr)
        return 3
    except RuntimeError as exc:
        print(f"add_reference: {exc}; nothing written", file=sys.stderr)
        return 3
    except Exception as exc:  # an answer this tool did not foresee: a plain message, never a traceback
        print(f"add_reference: internal error: {type(exc).__name__}: {exc}; nothing written", file=sys.stderr)
        return 3
    print(f"add_reference: added {key} to {args.bib} at line {line}. Now read the paper's own page, check every "
          f"field, and write findings = {{...}} (make check refuses it empty); cite it as [@{key}].")
    return 0


if __name__ == "__main__":
    sys.exit(main())
