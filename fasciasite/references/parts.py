"""The References pages: which page lists which entry of references.bib.

Why: one page of every source (271 entries, 431 KB of HTML on 7 Dec 2026) scored 84 on a phone
in Lighthouse, whatever the machine did (issue 24 part 4). The list is split by the first letter
of each entry's sort name into parts of a few dozen entries, each its own page, under a hub that
stays at `references/`. MkDocs and Material have no way to split one generated list over pages
(a page is one Markdown file), so the pages are written by hand and the shortcode says which
letters each one holds:

    <!-- md:references -->                   every entry, on this one page (small sites, tests)
    <!-- md:references from=a to=c -->       the entries whose sort name starts with A, B or C
    <!-- md:references parts -->             the hub: a list of the parts, each with its letters
                                             and its number of sources, made from the data

An entry's letter is the first letter of its sort name (the first author's last name, else the
organisation, else the title; LaTeX accents read as letters, then folded to ASCII: Müller is M,
Øvretveit is O). A name that starts with a digit or a symbol sorts before A, so it goes on the
part that holds A; a name in another alphabet sorts after Z, so it goes on the part that holds Z.

The build fails (file:line: what; the fix) when the ranges are malformed, leave a letter out,
overlap, or when a page listing every entry sits beside another listing: an entry would then be
on no page or on two, and a link to `references/x.md#ref-KEY` would have no single page to go to.
"""
from __future__ import annotations

import codecs
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import latexcodec  # noqa: F401  (registers the 'ulatex' codec; pybtex depends on it)

from fasciasite import pagesource, shortcodes
from fasciasite.problems import Problem

if TYPE_CHECKING:
    from mkdocs.structure.files import Files
    from pybtex.database import Entry as PybtexEntry

LETTERS = "abcdefghijklmnopqrstuvwxyz"
NAME = "references"  # the shortcode's name: <!-- md:references ... -->
# The shortcode as it stays in the HTML after Markdown (an HTML comment is passed through as written).
IN_HTML = re.compile(r"<!--\s*md:references(?=\s|-->)(.*?)-->", re.S)
RANGE = re.compile(r"from=(?P<first>[A-Za-z])\s+to=(?P<last>[A-Za-z])")
HOW = ("write <!-- md:references from=LETTER to=LETTER --> (e.g. from=a to=c), <!-- md:references --> for "
       "every source on one page, or <!-- md:references parts --> for the list of the parts")
# Latin letters with no decomposition in Unicode (NFKD leaves them as they are).
FOLD = str.maketrans({"ø": "o", "æ": "a", "œ": "o", "ß": "s", "ł": "l", "đ": "d", "ð": "d", "þ": "t", "ı": "i"})


@dataclass(frozen=True)
class Listing:
    """One <!-- md:references ... --> shortcode: where it is and what it lists."""

    src: str          # the page's src_uri (references/a.md)
    line: int         # its line in the file, front matter included
    kind: str         # "all", "range" or "parts"
    first: str = ""   # a range's letters, lower case
    last: str = ""

    @property
    def where(self) -> str:
        return f"docs/{self.src}"

    @property
    def letters(self) -> str:
        return LETTERS[LETTERS.index(self.first): LETTERS.index(self.last) + 1] if self.kind == "range" else ""

    @property
    def written(self) -> str:
        return f"from={self.first} to={self.last}"

    def label(self) -> str:
        """'A to C', or 'N' for a part of one letter."""
        return self.first.upper() if self.first == self.last else f"{self.first.upper()} to {self.last.upper()}"


def parse(args: str, src: str, line: int) -> Listing | Problem:
    """The shortcode's arguments as a Listing, or the problem with them."""
    args = " ".join(args.split())
    if not args:
        return Listing(src, line, "all")
    if args == "parts":
        return Listing(src, line, "parts")
    m = RANGE.fullmatch(args)
    if m is None:
        return Problem(f"docs/{src}", line, f"<!-- md:references {args} --> is not a listing the build knows", HOW)
    first, last = m["first"].lower(), m["last"].lower()
    if first > last:
        return Problem(f"docs/{src}", line, f"<!-- md:references {args} --> runs backwards ({first.upper()} comes "
                       f"before {last.upper()})", f"write from={last} to={first}")
    return Listing(src, line, "range", first, last)


def listings_in(text: str, src: str, title: str = "") -> list[Listing | Problem]:
    """The md:references shortcodes of one page's whole file (front matter included, so lines are
    the file's). title: the page's title, which must name a range's letters (the nav and the
    browser show it, and it is typed: it would go stale when a range changes)."""
    if "md:" + NAME not in text:  # most pages: no parse
        return []
    found = [parse(m.group(2), src, text.count("\n", 0, m.start()) + 1)
             for m in shortcodes.find(text) if m.group(1) == NAME]
    for x in list(found):
        if title and isinstance(x, Listing) and x.kind == "range" and not re.search(rf"\b{re.escape(x.label())}$", title):
            found.append(Problem(x.where, x.line, f"the title '{title}' does not end with the letters this page lists "
                                 f"({x.label()})", f"end the title with them, as 'References: {x.label()}'"))
    return found


def find(files: Files) -> list[Listing | Problem]:
    """Every md:references shortcode of the site, in the order of the files."""
    found: list[Listing | Problem] = []
    for f in files.documentation_pages():
        text, _body, meta = pagesource.read(f.abs_src_path) if f.abs_src_path else (f.content_string, "", {})
        found += listings_in(text, f.src_uri, str(meta.get("title") or ""))
    return found


# ── Which letter, which page ──────────────────────────────────────────────────


def sort_name(name: str) -> str:
    """A sort name as plain lower-case ASCII: LaTeX read as letters (M{\\"u}ller is Müller), then
    accents dropped (Müller is muller), so an accented name sorts and files under its letter."""
    try:
        name = codecs.decode(name, "ulatex")  # type: ignore[call-overload]  # latexcodec decodes str to str
    except (ValueError, UnicodeError, TypeError):
        pass
    name = re.sub(r"[{}\\]", "", name).casefold().translate(FOLD)
    return "".join(c for c in unicodedata.normalize("NFKD", name) if not unicodedata.combining(c))


def letter(name: str) -> str:
    """The letter a sort name is filed under: its first letter; 'a' for a digit, a symbol or
    nothing (they sort before A); 'z' for a letter of another alphabet (it sorts after Z)."""
    first = name[:1]
    if first in LETTERS and first:
        return first
    return "z" if first > "z" else "a"


def sort_key(entry: PybtexEntry) -> tuple[str, str]:
    """(sort name, year): the first author's last names, else the organisation, else the title."""
    persons = entry.persons.get("author") or entry.persons.get("editor") or []
    first = " ".join(persons[0].last_names) if persons else str(entry.fields.get("organization", entry.fields.get("title", "")))
    return (sort_name(first), str(entry.fields.get("year", "")))


@dataclass(frozen=True)
class Layout:
    """The References pages of a build: each listing, and which page lists each letter."""

    listings: tuple[Listing, ...]
    problems: tuple[Problem, ...]

    @property
    def lists(self) -> list[Listing]:
        """The listings that hold entries (all or a range), in letter order."""
        return sorted((x for x in self.listings if x.kind != "parts"), key=lambda x: (x.first, x.src))

    def page_of(self, key_letter: str) -> Listing | None:
        """The listing that holds entries filed under this letter."""
        return next((x for x in self.lists if x.kind == "all" or key_letter in x.letters), None)

    def on(self, src: str) -> Listing | None:
        return next((x for x in self.listings if x.src == src), None)


def layout(found: Iterable[Listing | Problem], counts: dict[str, int] | None = None) -> Layout:
    """The listings and every problem with them as a whole. counts: entries per letter, named in
    a gap's problem (how many sources would be on no page today)."""
    found = list(found)
    problems = [p for p in found if isinstance(p, Problem)]
    listings = [x for x in found if isinstance(x, Listing)]
    seen: dict[str, Listing] = {}
    kept: list[Listing] = []
    for x in listings:  # one listing a page: a page is one part, its ids one set
        if x.src in seen:
            problems.append(Problem(x.where, x.line, f"a second <!-- md:references --> on this page (the first is on "
                                    f"line {seen[x.src].line})", "keep one listing a page; give another part its own page"))
            continue
        seen[x.src] = x
        kept.append(x)
    lists = [x for x in kept if x.kind != "parts"]
    everything = next((x for x in lists if x.kind == "all"), None)
    for x in lists:
        if everything is not None and x is not everything:
            problems.append(Problem(x.where, x.line, f"every source would be listed twice: {everything.where}:"
                                    f"{everything.line} already lists them all", "list every source on one page, or "
                                    "split them with from=LETTER to=LETTER on each part and no plain <!-- md:references -->"))
    ranges = sorted((x for x in lists if x.kind == "range"), key=lambda x: x.first)
    problems += _tiling_problems(ranges, counts or {})
    if any(x.kind == "parts" for x in kept) and not ranges:
        hub = next(x for x in kept if x.kind == "parts")
        problems.append(Problem(hub.where, hub.line, "<!-- md:references parts --> lists the parts, but no page has "
                                "<!-- md:references from=LETTER to=LETTER -->", "add the parts, or list every source "
                                "here with <!-- md:references -->"))
    return Layout(tuple(kept), tuple(problems))


def _tiling_problems(ranges: list[Listing], counts: dict[str, int]) -> list[Problem]:
    """Ranges that leave a letter out or overlap: every letter on exactly one part."""
    if not ranges:
        return []
    problems = []
    holders: dict[str, list[Listing]] = {c: [x for x in ranges if c in x.letters] for c in LETTERS}
    for x in ranges:  # an overlap: named on the later part, with the part it overlaps
        for y in ranges:
            shared = "".join(c for c in x.letters if c in y.letters)
            if y is not x and shared and (y.first, y.src) < (x.first, x.src):
                problems.append(Problem(x.where, x.line, f"{x.written} overlaps {y.where}:{y.line} ({y.written}) at "
                                        f"{_letters(shared)}: sources filed there would be on two pages",
                                        "make the ranges meet without overlapping"))
    gaps = re.finditer(r"-+", "".join(c if holders[c] else "-" for c in LETTERS))
    for gap in gaps:
        left = LETTERS[gap.start():gap.end()]
        near = next((x for x in ranges if x.first > left[-1]), ranges[-1])  # the part after the gap (or the last)
        today = sum(counts.get(c, 0) for c in left)
        widen = (f"from={left[0]}" if near.first > left[-1] else f"to={left[-1]}")
        problems.append(Problem(near.where, near.line, f"no part holds {_letters(left)}: a source filed there would be on "
                                f"no page ({today} source{'' if today == 1 else 's'} today)", f"widen a neighbouring range (here {widen}) or add a part "
                                f"with from={left[0]} to={left[-1]}"))
    return problems


def _letters(letters: str) -> str:
    return f"the letter {letters.upper()}" if len(letters) == 1 else f"the letters {letters[0].upper()} to {letters[-1].upper()}"
