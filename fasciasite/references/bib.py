"""Read references.bib (every problem with its line) and list the citations in Markdown.

Our own small BibTeX reader gives every problem a line (a value with a stray brace is
reported at its field; a duplicate key names both lines), then pybtex (mkdocs-bibtex's
parser) must read the file too. Citations are read by fasciasite.references.citesyntax (pandoc's
syntax); the rules are in fasciasite.references.bibcheck; `python -m fasciasite.references.bib` runs them.
"""

import bisect
import re
import sys
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

from fasciasite import problems

# Markdown citations are read by fasciasite.references.citesyntax (pandoc's syntax); re-exported here.
from fasciasite.references import citesyntax
from fasciasite.references.citesyntax import CITE_TOKEN, FENCE, GOOD_CITE_KEY, INLINE_CODE  # noqa: F401

MONTHS = {m: m for m in ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")}
NAME = re.compile(r"[A-Za-z_][\w.:+/-]*")
ENTRY_KEY = re.compile(r"[^\s,{}()=\"#%]+")
NUMBER = re.compile(r"\d+")
ENTRY_START = re.compile(r"^[ \t]*@", re.M)
FIELD_START = re.compile(r"\s*[A-Za-z_][\w-]*\s*=")
RUN_ON = re.compile(r"[},]\s*\n\s*([A-Za-z_][\w-]*)\s*=\s*[{\"]")  # another field inside a value

KEY_RULE = re.compile(r"^[a-z][a-z0-9_]*$")
DOI = re.compile(r"^10\.\d{4,9}/\S+$")
DOI_PREFIX = re.compile(r"^(https?://(dx\.)?doi\.org/|doi:\s*)", re.I)
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
YEAR = re.compile(r"^\d{4}$")

WEB_PAGE: list[tuple[str, ...]] = [("title",), ("organization", "author", "institution"), ("url",), ("urldate",)]
IN_BOOK: list[tuple[str, ...]] = [("author",), ("title",), ("booktitle",), ("publisher",), ("year",)]
REQUIRED: dict[str, list[tuple[str, ...]]] = {
    "article": [("author",), ("title",), ("journal",), ("year",), ("volume",), ("pages", "eid")],
    "online": WEB_PAGE,
    "misc": WEB_PAGE,
    "techreport": [("title",), ("institution",), ("year",), ("url",)],
    "book": [("author", "editor"), ("title",), ("publisher",), ("year",)],
    "incollection": IN_BOOK,
    "inbook": IN_BOOK,
}


@dataclass
class Entry:
    key: str
    type: str  # lower case, without '@'
    fields: dict[str, str]  # lower-case field name -> value without outer braces/quotes
    line: int  # line of '@type{key,'
    field_lines: dict[str, int] = field(default_factory=dict)
    complete: bool = True  # False when a syntax error cut the entry short


class Problem(problems.Problem):
    """A problem of a references.bib entry: the one Problem type (fasciasite.problems), with the
    entry's key, printed first ("entry 'key': ...") and kept apart for the checks that filter by it."""

    key: str | None

    def __init__(self, file: str, line: int, key: str | None, message: str, fix: str = "") -> None:
        super().__init__(file, line, message, fix)
        object.__setattr__(self, "key", key)

    def __str__(self) -> str:
        entry = f"entry '{self.key}': " if self.key else ""
        return f"{self.file}:{self.line}: {entry}{self.message}" + (f"; {self.fix}" if self.fix else "")

    def __repr__(self) -> str:
        return f"bib.Problem({self.file!r}, {self.line!r}, {self.key!r}, {self.message!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Problem) and (self.file, self.line, self.key, self.message, self.fix) == (
            other.file, other.line, other.key, other.message, other.fix)

    def __hash__(self) -> int:
        return hash((self.file, self.line, self.key, self.message, self.fix))


class Citation(NamedTuple):
    line: int
    key: str

    @property
    def bad(self) -> bool:
        """True when the key has characters mkdocs-bibtex drops (such as ':' or '.')."""
        return GOOD_CITE_KEY.match(self.key) is None


# ── Reading BibTeX ───────────────────────────────────────────────────────────


class _Stop(Exception):
    """A syntax problem: reported, then reading resumes at `resume`."""

    def __init__(self, line: int, message: str, resume: int):
        super().__init__(message)
        self.line, self.message, self.resume = line, message, resume


class _Reader:
    def __init__(self, text: str, file: str):
        self.text, self.file, self.pos = text, file, 0
        self.newlines = [i for i, c in enumerate(text) if c == "\n"]
        self.entries: dict[str, Entry] = {}
        self.first_line: dict[str, int] = {}  # lower-case key -> line where first defined
        self.macros = dict(MONTHS)
        self.problems: list[Problem] = []

    def line(self, pos: int) -> int:
        return bisect.bisect_left(self.newlines, pos) + 1

    def next_line_start(self, pos: int) -> int:
        end = self.text.find("\n", pos)
        return len(self.text) if end < 0 else end + 1

    def next_entry_after(self, pos: int) -> int:
        m = ENTRY_START.search(self.text, self.next_line_start(pos))
        return m.start() if m else len(self.text)

    def problem(self, line: int, key: str | None, message: str) -> None:
        self.problems.append(Problem(self.file, line, key, message))

    def skip_space(self, in_entry: bool = False) -> None:
        while self.pos < len(self.text):
            c = self.text[self.pos]
            if c.isspace():
                self.pos += 1
            elif c == "%" and in_entry:
                self.problem(self.line(self.pos), None, "a % comment inside an entry breaks pybtex (mkdocs-bibtex); move it above the entry")
                self.pos = self.next_line_start(self.pos)
            else:
                return

    def match(self, pattern: re.Pattern) -> str | None:
        m = pattern.match(self.text, self.pos)
        if not m:
            return None
        self.pos = m.end()
        return m.group()

    def read(self) -> None:
        while self.pos < len(self.text):
            c = self.text[self.pos]
            if c == "@":
                start = self.pos
                try:
                    self.command()
                except _Stop as stop:
                    self.problem(stop.line, None, stop.message)
                    self.pos = max(stop.resume, start + 1)
            elif c == "%":
                end = self.next_line_start(self.pos)
                if "@" in self.text[self.pos : end]:
                    self.problem(self.line(self.pos), None, "pybtex (mkdocs-bibtex) reads the '@' in this % comment as an entry start; remove the '@'")
                self.pos = end
            else:
                self.pos += 1

    def command(self) -> None:
        start = self.pos
        line = self.line(start)
        self.pos += 1
        kind = self.match(NAME)
        if not kind:
            raise _Stop(line, "'@' is not followed by an entry type; write @article{key, ... } or remove the '@'", self.next_entry_after(start))
        self.skip_space()
        opener = self.text[self.pos : self.pos + 1]
        if opener not in ("{", "("):
            raise _Stop(line, f"@{kind} is not followed by '{{'; write @{kind}{{key, ...}}", self.next_entry_after(start))
        closer = "}" if opener == "{" else ")"
        self.pos += 1
        kind = kind.lower()
        if kind == "comment":
            self.comment(start, line)
        elif kind == "preamble":
            self.value(line, "@preamble", start)
            self.close(line, closer, "@preamble", start)
        elif kind == "string":
            self.skip_space(in_entry=True)
            name = self.match(NAME)
            self.skip_space(in_entry=True)
            if not name or self.text[self.pos : self.pos + 1] != "=":
                raise _Stop(line, "@string needs name = {value}", self.next_entry_after(start))
            self.pos += 1
            self.macros[name.lower()] = self.value(line, f"@string {name}", start)
            self.close(line, closer, f"@string {name}", start)
        else:
            self.entry(kind, start, line, closer)

    def comment(self, start: int, line: int) -> None:
        body_start = self.pos
        depth = 1
        while self.pos < len(self.text) and depth:
            depth += {"{": 1, "}": -1}.get(self.text[self.pos], 0)
            self.pos += 1
        if depth:
            raise _Stop(line, "@comment has an unclosed '{'; close it with '}'", self.next_entry_after(start))
        if "@" in self.text[body_start : self.pos]:
            self.problem(line, None, "pybtex (mkdocs-bibtex) reads an '@' inside @comment as an entry start; remove the '@'")

    def close(self, line: int, closer: str, what: str, start: int) -> None:
        self.skip_space(in_entry=True)
        if self.text[self.pos : self.pos + 1] != closer:
            raise _Stop(line, f"{what} is not closed; add '{closer}' after its value", self.next_entry_after(start))
        self.pos += 1

    def value(self, line: int, what: str, entry_start: int) -> str:
        """Read `part # part ...`; return the joined text without outer delimiters."""
        parts = []
        while True:
            self.skip_space(in_entry=True)
            c = self.text[self.pos : self.pos + 1]
            if c in ('{', '"'):
                parts.append(self.delimited(line, what, entry_start))
            elif number := self.match(NUMBER):
                parts.append(number)
            elif name := self.match(NAME):
                if name.lower() not in self.macros:
                    self.problem(line, None, f"{what}: '{name}' is not a defined @string; put the value in braces: {{{name}}}")
                parts.append(self.macros.get(name.lower(), ""))
            else:
                raise _Stop(line, f"{what} has no value; write {{...}} after '='", self.next_entry_after(entry_start))
            self.skip_space(in_entry=True)
            if self.text[self.pos : self.pos + 1] != "#":
                return " ".join("".join(parts).split())
            self.pos += 1

    def delimited(self, line: int, what: str, entry_start: int) -> str:
        quote = self.text[self.pos] == '"'
        self.pos += 1
        begin, depth = self.pos, 0
        while self.pos < len(self.text):
            c = self.text[self.pos]
            if c == "{":
                depth += 1
            elif c == "}":
                if depth == 0:
                    if quote:
                        raise _Stop(line, f"{what}: '}}' without '{{' inside a quoted value; balance the braces", self.next_entry_after(entry_start))
                    self.pos += 1
                    return self.text[begin : self.pos - 1]
                depth -= 1
            elif c == '"' and quote and depth == 0:
                self.pos += 1
                return self.text[begin : self.pos - 1]
            self.pos += 1
        opener = 'quote "' if quote else "brace '{'"
        raise _Stop(line, f"{what}: the {opener} opened here is never closed; close it", self.next_entry_after(entry_start))

    def entry(self, kind: str, start: int, line: int, closer: str) -> None:
        self.skip_space()
        key = self.match(ENTRY_KEY)
        if not key:
            raise _Stop(line, f"@{kind} has no key; write @{kind}{{key, ...}}", self.next_entry_after(start))
        entry = Entry(key=key, type=kind, fields={}, line=line)
        self.add(entry)
        self.skip_space()
        c = self.text[self.pos : self.pos + 1]
        if c == closer:
            self.pos += 1
            return
        if c != ",":
            entry.complete = False
            raise _Stop(line, f"entry '{key}': the key must be followed by ','", self.next_entry_after(start))
        self.pos += 1
        try:
            self.fields(entry, closer)
        except _Stop:
            entry.complete = False
            raise

    def fields(self, entry: Entry, closer: str) -> None:
        unclosed = f"entry '{entry.key}' is not closed; add '{closer}' after its last field"
        while True:
            self.skip_space(in_entry=True)
            if self.pos >= len(self.text) or self.text[self.pos] == "@":
                raise _Stop(entry.line, unclosed, self.pos)
            if self.text[self.pos] == closer:
                self.pos += 1
                return
            field_pos = self.pos
            field_line = self.line(field_pos)
            name = self.match(NAME)
            if not name:
                found = self.text[self.pos]
                raise _Stop(field_line, f"entry '{entry.key}': expected a field name or '{closer}', found '{found}'", self.next_entry_after(field_pos))
            self.skip_space(in_entry=True)
            if self.text[self.pos : self.pos + 1] != "=":
                raise _Stop(field_line, f"entry '{entry.key}': field '{name}' needs '=' and a value: {name} = {{...}}", self.next_entry_after(field_pos))
            self.pos += 1
            text = self.value(field_line, f"entry '{entry.key}': field '{name}'", field_pos)
            self.runs_on(entry, name, field_pos)
            name = name.lower()
            if name in entry.fields:
                self.problem(field_line, entry.key, f"field '{name}' appears twice (lines {entry.field_lines[name]} and {field_line}); keep one")
            else:
                entry.fields[name] = text
                entry.field_lines[name] = field_line
            self.skip_space(in_entry=True)
            c = self.text[self.pos : self.pos + 1]
            if c == ",":
                self.pos += 1
            elif c == closer:
                self.pos += 1
                return
            elif c in ("", "@"):
                raise _Stop(entry.line, unclosed, self.pos)
            else:
                rest = self.text[self.pos : self.next_line_start(self.pos)]
                message = f"entry '{entry.key}': field '{name}' must be followed by ',' or '{closer}'; add a comma at its end"
                if "}" in rest and not FIELD_START.match(rest):  # "title = {A} b}," : a '}' too many
                    message = (f"entry '{entry.key}': field '{name}' has one '}}' too many on line {field_line} (its value "
                               f"ends before '{rest.strip()[:30]}'); remove the stray '}}' or add the missing '{{'")
                raise _Stop(field_line, message, self.next_entry_after(field_pos))

    def runs_on(self, entry: Entry, name: str, field_pos: int) -> None:
        """A value with one '{' too many swallows the fields after it: report that field,
        never "add '}' at the end" (which would publish a title holding every later field)."""
        if inner := RUN_ON.search(self.text, field_pos, self.pos):
            line = self.line(field_pos)
            raise _Stop(line, f"entry '{entry.key}': field '{name}' has one '{{' more than '}}' (line {line}), so it runs "
                              f"on into the fields after it ({inner.group(1)} = ...); remove the stray '{{' or close it "
                              "there, and do not add '}' at the end of the entry", self.next_entry_after(field_pos))

    def add(self, entry: Entry) -> None:
        low = entry.key.lower()
        if low in self.first_line:
            first = self.first_line[low]
            self.problem(entry.line, entry.key, f"duplicate key: also defined at line {first} (lines {first} and {entry.line}); rename or delete one of them")
            return
        self.first_line[low] = entry.line
        self.entries[entry.key] = entry


def parse_bib(path: Path | str) -> tuple[dict[str, Entry], list[Problem]]:
    """Read a .bib file: entries by key, and structural problems (each with a line).

    When our reader finds no problem, pybtex (what mkdocs-bibtex uses) must read the
    file too; its complaint becomes a Problem, never a traceback.

    Parsed once per content (fasciasite.datacache): a build asks for the file six times, and
    `make build` and `mkdocs serve` rebuilds read it back from .cache/data/ while the file,
    this module and pybtex are unchanged. Each call gets its own copy.
    """
    from fasciasite import datacache

    path = Path(path)
    return datacache.cached("bib", [path], lambda: _parse_bib(path), code=(__name__, "fasciasite.problems"),
                            extra=[_pybtex_version()], disk=datacache.project_disk(path.parent))


def _pybtex_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("pybtex")
    except PackageNotFoundError:
        return "?"


def _parse_bib(path: Path) -> tuple[dict[str, Entry], list[Problem]]:
    file = str(path)
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        return {}, [Problem(file, line, None, "is not UTF-8; save the file as UTF-8")]
    reader = _Reader(text, file)
    reader.read()
    problems = sorted(reader.problems, key=lambda p: p.line)
    if not problems:
        problems = _pybtex_problems(path)
    return reader.entries, problems


def _pybtex_problems(path: Path) -> list[Problem]:
    from pybtex.database import parse_file

    try:
        parse_file(str(path), bib_format="bibtex")
    except Exception as exc:  # pybtex has several error classes; all mean "mkdocs-bibtex fails"
        line = getattr(exc, "lineno", None) or 1
        return [Problem(str(path), line, None, f"pybtex (used by mkdocs-bibtex) cannot read the file: {exc}; fix it there")]
    return []


# ── Citations in Markdown ────────────────────────────────────────────────────


def find_citations(markdown_text: str) -> list[Citation]:
    """Every citation that renders ([@a], [@a; @b], [-@a], [@a, p. 3]) outside code, as
    (line, key) pairs. Keys with characters mkdocs-bibtex drops (such as ':' or '.') are
    included; their `.bad` is True. Brackets holding other text (prose, e-mail addresses)
    are not citations; forms that fail are listed by citation_problems()."""
    found = []
    for f in citesyntax.scan(markdown_text):
        if f.kind in ("cite", "badkey"):
            line = citesyntax.line_of(markdown_text, f.start)
            found += [Citation(line, c.key) for c in f.cites]
    return found


def citation_problems(markdown_text: str, known: Iterable[str]) -> list[tuple[int, str]]:
    """(line, message) for each citation in a form that would be published raw."""
    return [(citesyntax.line_of(markdown_text, f.start), f.message)
            for f in citesyntax.scan(markdown_text, set(known)) if f.kind == "error"]


# ── Checking (fasciasite.references.bibcheck holds the rules; kept here as the one entry point) ──


def check(bib_path: Path | str, docs_dir: Path | str) -> list[Problem]:
    """All problems of the .bib file and of the citations in docs_dir (see fasciasite.references.bibcheck)."""
    from fasciasite.references import bibcheck

    return bibcheck.check(bib_path, docs_dir)


def main(argv: list[str] | None = None) -> int:
    from fasciasite.references import bibcheck

    return bibcheck.main(argv)


if __name__ == "__main__":
    sys.exit(main())
