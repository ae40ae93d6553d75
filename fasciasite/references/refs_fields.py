"""Field by field comparison of a references.bib entry with its Crossref / PubMed / PMC
records (the "Fields" half of fasciasite.references.refs_online's Checker, kept here by concern).

Each field is normalised on both sides (fasciasite.references.bibtext) and matched against every
spelling a record allows: the title without markup, the first author's family name in
any transliteration, the print, online or issued year, the journal's full name, subtitle
or ISO abbreviation, volume, issue, and pages (a first-page-only record accepts our range
that starts there). Where sources disagree the finding says so and never settles it.
"""
from __future__ import annotations

import difflib

from pybtex.bibtex.utils import split_name_list
from pybtex.database import Person as BibPerson

from fasciasite.references.bib import Entry
from fasciasite.references.metadata import Work, family_keys, from_bibtex, norm_journal, norm_pages, norm_title, year_of


def bib_families(value: str) -> list[tuple[str, str]]:
    """(family name, the name as written) for each author, read as pybtex reads them."""
    out = []
    for name in split_name_list(value):
        if name.startswith("{") and name.endswith("}"):
            out.append((from_bibtex(name), name))
            continue
        person = BibPerson(name)
        out.append((from_bibtex(" ".join(person.prelast_names + person.last_names)), name))
    return out


def similarity(a: str, b: str) -> float:
    return difflib.SequenceMatcher(None, a, b).ratio()


def best_title_similarity(ours: str, work: Work) -> float:
    return max((similarity(ours, norm_title(t)) for t in work.titles), default=0.0)


class FieldComparison:
    """compare() and its helpers; the Checker supplies add(entry, level, text, field)."""

    def add(self, e: Entry, level: str, text: str, field: str | None = None) -> None:
        raise NotImplementedError

    def compare(self, e: Entry, sources: list[Work]) -> None:
        f = e.fields
        authors = bib_families(f.get("author", ""))
        pages_field = "eid" if f.get("eid", "").strip() and not f.get("pages", "").strip() else "pages"
        specs = [
            ("title", f.get("title"), norm_title(f.get("title", ""), bibtex=True),
             lambda w: {norm_title(t): w.title for t in w.titles}),
            ("author", authors[0][1] if authors else None, family_keys(authors[0][0]) if authors else "",
             lambda w: {k: _person(w) for k in family_keys(w.authors[0].family)} if w.authors else {}),
            ("year", f.get("year"), year_of(f.get("year", "")), lambda w: {y: w.years_text() for y in w.years}),
            ("volume", f.get("volume"), f.get("volume", "").strip().lower(), lambda w: _one(w.volume)),
            ("number", f.get("number"), f.get("number", "").strip().lower(), lambda w: _one(w.issue)),
            (pages_field, f.get(pages_field), norm_pages(f.get(pages_field, "")),
             lambda w: _pages_accepted(w, norm_pages(f.get(pages_field, "")))),
        ]
        if e.type == "article":
            specs.insert(3, ("journal", f.get("journal"), norm_journal(f.get("journal", ""), bibtex=True),
                             lambda w: {norm_journal(part): w.journals[0]  # "Title: subtitle" also as "Title"
                                        for j in w.journals for part in (j, j.split(":")[0])}))
        for name, shown, ours, accepted in specs:
            self._field(e, name, shown, ours, [(w, accepted(w)) for w in sources])
        self._editors(e, authors, sources)

    def _field(self, e: Entry, name: str, shown: str | None, ours: str | int | frozenset[str] | None,
               sources: list[tuple[Work, dict]]) -> None:
        sources = [(w, acc) for w, acc in sources if acc]
        if not sources:
            return
        if not ours:
            w, acc = sources[0]
            value = next(iter(acc.values()))
            value = value.replace("-", "--") if name == "pages" else value
            self.add(e, "note", f'{w.source} has {name} "{value}"; add {name} = {{{value}}} if the article\'s own '
                     "page shows it" + (f" (and remove no{name})" if f"no{name}" in e.fields else ""))
            return
        def agrees(acc: dict) -> bool:  # a frozenset: any of our spellings (names)
            return bool(ours & acc.keys()) if isinstance(ours, frozenset) else ours in acc

        matching = [(w, acc) for w, acc in sources if agrees(acc)]
        failing = [(w, acc) for w, acc in sources if not agrees(acc)]
        if name == "year" and isinstance(ours, int) and failing and self._year_explained(e, ours, matching, failing):
            return
        if not failing:
            if name == "year" and isinstance(ours, int):  # year_of() gives the year as a number
                self._online_year(e, ours, [w for w, _ in sources])
            if name in ("pages", "eid"):
                self._first_page_only(e, name, shown, [w for w, _ in sources])
            return
        theirs = " vs ".join(f'{w.source} "{_display(acc)}"' for w, acc in failing)
        if matching:
            agree = ", ".join(w.source for w, _ in matching)
            self.add(e, "warning", f'{name}: {theirs} disagrees with {agree} (ours "{shown}" agrees with {agree}); '
                     "the sources differ, so check the article's own page and keep the right value", name)
            return
        hint = ""
        if name == "pages" and any(v.startswith(f"{ours}-") for _, acc in failing for v in acc):
            hint = " (ours is only the first page)"
        self.add(e, "mismatch", f'{name}: ours "{shown}" vs {theirs}{hint}; {_fix(name, failing[0][1])}', name)

    def _year_explained(self, e: Entry, ours: int, matching: list, failing: list) -> bool:
        """Online and print years: a work that came out online in our year and in print
        later. Explained in a note, not a failure, when every disagreeing source gives a
        print year after ours and another source gives ours as the online year (print up
        to two years later), or it records no online date and prints the year after ours."""
        online_elsewhere = [w.source for w, _ in matching if w.year_online == ours]
        if not all(w.year_print and (0 < w.year_print - ours <= 2 if online_elsewhere else
                                     w.year_print - ours == 1 and w.year_online is None) for w, _ in failing):
            return False
        where = " and ".join(w.source for w, _ in failing)
        prints = "/".join(str(y) for y in sorted({w.year_print for w, _ in failing}))
        said = [f"no online date in {w.source}" for w, _ in failing if w.year_online is None]
        if online_elsewhere:
            said.append(f"{' and '.join(online_elsewhere)} gives {ours} as the online year")
        elif matching:
            said.append(f"{', '.join(w.source for w, _ in matching)} agrees with ours")
        self.add(e, "note", f"year: ours {ours} vs {where} print year {prints}, with {'; '.join(said)}; "
                 f"{ours} is accepted as the online year if the article's own page shows it", "year")
        return True

    def _first_page_only(self, e: Entry, name: str, shown: str | None, works: list[Work]) -> None:
        for w in works:
            if w.pages and "-" not in w.pages and "-" in norm_pages(shown or ""):
                self.add(e, "note", f'{name}: {w.source} lists only the first page "{w.pages}"; ours "{shown}" '
                         "is kept", name)
                return

    def _online_year(self, e: Entry, ours: int, works: list[Work]) -> None:
        for w in works:
            if w.year_online == ours and w.year_print and w.year_print != ours:
                self.add(e, "note", f"year: ours {ours} is the online year in {w.source}; the print year is "
                         f"{w.year_print} (either is accepted)", "year")
                return

    def _editors(self, e: Entry, authors: list[tuple[str, str]], sources: list[Work]) -> None:
        for w in sources:
            editors = set().union(*(family_keys(p.family) for p in w.editors)) - \
                set().union(*(family_keys(p.family) for p in w.authors))
            for family, written in authors:
                if family_keys(family) & editors:
                    self.add(e, "mismatch", f'author: ours lists "{written}" as an author, {w.source} as an editor; '
                             f"move the name to editor = {{{written}}}", "author")


def _pages_accepted(w: Work, ours: str) -> dict:
    """Pages or article number; a record giving only the first page accepts our range
    that starts there (Crossref's page "12" and ours "12--19")."""
    accepted = {norm_pages(p): p for p in (w.pages, w.article_number) if p}
    if w.pages and "-" not in w.pages and ours.startswith(f"{w.pages.lower()}-"):
        accepted[ours] = w.pages
    return accepted


def _one(value: str) -> dict:
    return {value.strip().lower(): value} if value.strip() else {}


def _person(w: Work) -> str:
    p = w.authors[0]
    return f"{p.family}, {p.given}" if p.given else p.family


def _display(accepted: dict) -> str:
    return next(iter(accepted.values()))


def _fix(name: str, accepted: dict) -> str:
    value = _display(accepted)
    if name == "title":
        return "copy the title from the article's own page"
    if name == "author":
        return "check the author order on the article's own page"
    if name == "year":
        return "write the print or the online year shown on the article's own page"
    if name == "pages":
        value = value.replace("-", "--")
    return f"write {name} = {{{value}}} if the article's own page agrees"
