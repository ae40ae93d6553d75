"""Pandoc citation syntax in Markdown: the one reader, shared by the build and the checks.

What pandoc allows inside brackets, and what this site does with it (a numbered style,
so an author's name is never printed by the citation itself):

  [@a]  [@a; @b]            a marker per key (mkdocs-bibtex makes the footnotes)
  [-@a]                     the same: "suppress the author" changes nothing in a numbered style
  [@a, p. 175]  [@a, chap. 3; @b, pp. 3-5]
                            the marker with its locator after it, as AMA prints it: ¹⁽ᵖ· ¹⁷⁵⁾
  [see @a]  [@a, and others]
                            an error: a prefix or a suffix that is not a locator is never
                            shown by the style; the message gives the exact rewrite
  [@a, @b]                  an error: separate keys with ';'
  [@a;⏎@b]                  an error: a citation split over two lines (hard-wrapping editors)
  @a in prose               an error when a is a key of references.bib (in-text citations
                            print "Author (year)" in pandoc; here they would stay raw)

Code (fenced and inline) is never read; an '@' after a letter or a dot is an e-mail address.
"""
from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterator
from typing import NamedTuple

FENCE = re.compile(r"^([ \t]*)(`{3,}|~{3,})[^\n]*\n.*?^\1\2[ \t]*$", re.S | re.M)
INLINE_CODE = re.compile(r"(`+)(?!`).+?(?<!`)\1(?!`)", re.S)
BRACKET = re.compile(r"\[([^\[\]]*@[^\[\]]*)\]")  # may span lines: a split citation is reported
CITE_AT = re.compile(r"(?<![\w.@\\])-?@([^\s;,@\[\]]+)")  # '@' starting a key, not an e-mail address
CITE_TOKEN = re.compile(r"@([^\s;,@\]]+)")
GOOD_CITE_KEY = re.compile(r"^[\w-]+$")
ITEM = re.compile(r"^\s*(?P<prefix>.*?)\s*(?P<minus>-?)@(?P<key>[^\s;,@\]]+)(?P<suffix>.*?)\s*$", re.S)
LABELS = ("p", "pp", "page", "pages", "chap", "chaps", "chapter", "chapters", "sec", "secs", "section", "sections",
          "fig", "figs", "figure", "figures", "table", "tables", "para", "paras", "paragraph", "paragraphs",
          "vol", "vols", "volume", "volumes", "no", "nos", "number", "col", "cols", "column", "line", "lines",
          "l", "ll", "n", "nn", "note", "notes", "part", "parts", "pt", "pts", "bk", "book", "verse", "v", "vv")
LOCATOR = re.compile(r"^,\s*(?:(?P<label>(?:" + "|".join(LABELS) + r")\.?)\s*)?"
                     r"(?P<where>[0-9ivxlcdmIVXLCDM][\w]*(?:\s*(?:[-–,&]|and)\s*[0-9ivxlcdmIVXLCDM][\w]*)*)$")
SEPARATOR = '<sup class="cite-sep">,</sup>'


class Cite(NamedTuple):
    key: str
    locator: str = ""  # "p. 175", shown after the marker


class Found(NamedTuple):
    start: int
    end: int
    kind: str  # "cite" (renders), "badkey" (a key mkdocs-bibtex drops), "error" (message says the fix), "other"
    cites: tuple[Cite, ...] = ()
    message: str = ""


def blank(match: re.Match) -> str:
    return re.sub(r"[^\n]", " ", match.group())


def without_code(markdown: str) -> str:
    """The text with fenced and inline code blanked out (same length, same lines)."""
    return INLINE_CODE.sub(blank, FENCE.sub(blank, markdown))


def _locator(suffix: str) -> str | None:
    """'p. 175' for ', p. 175' (a bare number is a page, as in pandoc); None when not a locator."""
    m = LOCATOR.match(suffix.strip())
    return f"{m['label'] or 'p.'} {m['where']}" if m else None


def read_bracket(body: str) -> Found | None:
    """What a bracket body holding '@' is; None when no '@' starts a key (e-mail, prose)."""
    if not CITE_AT.search(body):
        return None
    keys = [k.rstrip(".") for k in CITE_TOKEN.findall(body)]
    plain = "[" + "; ".join(f"@{k}" for k in keys) + "]"
    if "\n" in body:
        return Found(0, 0, "error", message=f"citation is split over two lines; put it on one line: {plain}")
    cites = []
    for item in body.split(";"):
        if not item.strip():
            return Found(0, 0, "error", message=f"citation has an empty part between ';'; write {plain}")
        if len(CITE_AT.findall(item)) > 1:
            return Found(0, 0, "error", message=f"separate the keys with ';', not ',': write {plain}")
        m = ITEM.match(item)
        if not m or not CITE_AT.search(item):
            return Found(0, 0, "error", message=f"'{item.strip()}' is not a citation; cite as {plain}")
        key = m["key"]
        if not GOOD_CITE_KEY.match(key):
            from fasciasite.content.invisible import cleaned, describe

            if (what := describe(key)) and GOOD_CITE_KEY.match(cleaned(key)):
                return Found(0, 0, "error", message=(
                    f"citation key '{cleaned(key)}' contains {what} (pasted with the key); delete it or retype the key: "
                    f"[@{cleaned(key)}]"))
            return Found(0, 0, "badkey", cites=tuple(Cite(k) for k in keys))
        if m["prefix"]:
            return Found(0, 0, "error", message=(
                f"the prefix '{m['prefix']}' in a citation is not shown by this site's numbered style; "
                f"write it in your sentence and cite plainly: ... {m['prefix']} [@{key}]"))
        locator = ""
        if m["suffix"]:
            read = _locator(m["suffix"])
            if read is None:
                return Found(0, 0, "error", message=(
                    f"'{m['suffix'].strip().lstrip(', ')}' after @{key} is not a locator; after the key write only a locator "
                    f"such as [@{key}, p. 175] or [@{key}, chap. 3], and put other words in your sentence"))
            locator = read
        cites.append(Cite(key, locator))
    return Found(0, 0, "cite", cites=tuple(cites))


def scan(markdown: str, known: set[str] | frozenset[str] = frozenset()) -> list[Found]:
    """Every citation-like thing outside code, in order, as Found with its span.

    Brackets are read by read_bracket(); outside brackets, '@key' in prose is an error
    when key is one of `known` (the keys of references.bib)."""
    return sorted(_scan(markdown, known), key=lambda f: f.start)


def _scan(markdown: str, known: set[str] | frozenset[str]) -> Iterator[Found]:
    text = without_code(markdown)
    spans = []
    for m in BRACKET.finditer(text):
        # "[text](mailto:a@b)" and "[x]: url" are links, not citations.
        if text[m.end():m.end() + 1] == "(" and not CITE_AT.search(m.group(1)):
            continue
        found = read_bracket(m.group(1))
        spans.append(m.span())
        if found is None:
            yield Found(m.start(), m.end(), "other")
        elif found.kind in ("cite", "badkey") and (where := misplaced(text, m.start(), m.end())):
            yield Found(m.start(), m.end(), "error", found.cites, where)
        else:
            yield found._replace(start=m.start(), end=m.end())
    if not known:
        return
    starts = [a for a, _ in spans]  # in order, and never overlapping (one regex's matches)
    for m in CITE_AT.finditer(text):
        key = m.group(1).rstrip(".")
        i = bisect_right(starts, m.start()) - 1  # the last bracket starting at or before the '@'
        if key in known and not (i >= 0 and m.start() < spans[i][1]):
            yield Found(m.start(), m.end(), "error", message=(
                f"in-text citation '@{key}' is not supported by this site's numbered style and would be published "
                f"as raw text; name the authors in your sentence and cite in brackets: ... [@{key}]"))


# ── Where a citation may not stand ──────────────────────────────────────────
HEADING = re.compile(r"^[ ]{0,3}#{1,6}[ \t]")
ADMONITION = re.compile(r"^[ \t]*(?:!!!|\?\?\?\+?)[ \t]*[\w-]+(?:[ \t]+[\w-]+)*[ \t]*\"")
FOOTNOTE_DEF = re.compile(r"^[ ]{0,3}\[\^[^\]]+\]:")
SQUARE = re.compile(r"[\[\]]")


def _enclosing(text: str, start: int, end: int, image: bool) -> int | None:
    """Start of the link text (or image alt text) that holds text[start:end], on its line."""
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", end)
    line_end = len(text) if line_end < 0 else line_end
    # Each '[' before the citation, nearest first, and the ']' that closes it (brackets found
    # with str.rfind and a regex: a paragraph is one line, often 1,000 characters).
    p = text.rfind("[", line_start, start)
    while p != -1:
        escaped = p > line_start and text[p - 1] == "\\"
        if not escaped and (p > line_start and text[p - 1] == "!") == image:
            depth = 0
            for m in SQUARE.finditer(text, p, line_end):
                depth += 1 if m.group() == "[" else -1
                if depth == 0:
                    q = m.start()
                    if q >= end and text[q + 1:q + 2] in ("(", "["):
                        return p
                    break
        p = text.rfind("[", line_start, p)
    return None


def misplaced(text: str, start: int, end: int) -> str | None:
    """Why a citation at text[start:end] would be published broken, with the rewrite; or None.
    A heading, an admonition title, link text, image alt text and a footnote each render a
    citation wrongly (a marker in the contents and search titles, a link inside a link, raw
    text read aloud, a note numbered among the references)."""
    cite = text[start:end]
    line_start = text.rfind("\n", 0, start) + 1
    line = text[line_start:text.find("\n", start) if text.find("\n", start) >= 0 else len(text)]
    if HEADING.match(line):
        return (f"a citation in a heading ({cite}) puts a marker in the heading, the contents and search results; "
                f"cite the claim in the text under the heading instead: ... {cite}")
    if ADMONITION.match(line) and start - line_start > line.find('"'):
        return (f"a citation in a box's title ({cite}) is shown in the title and never checked like a sentence; "
                f"move it into the box's text: the sentence it supports ... {cite}")
    if _enclosing(text, start, end, image=True) is not None:
        return (f"a citation inside image alt text ({cite}) is read aloud as raw text; write the alt text plainly "
                f"and cite in the sentence or caption next to the image: ... {cite}")
    if (p := _enclosing(text, start, end, image=False)) is not None:
        inner = text[p + 1:start].rstrip()
        return (f"a citation inside link text ({cite}) makes a link inside a link; put it after the link: "
                f"[{inner}](...) {cite}")
    block_start = line_start
    while True:  # a footnote definition and its indented continuation lines
        if FOOTNOTE_DEF.match(text[block_start:]):
            return (f"a citation inside a footnote ({cite}) numbers the note among the references and runs two "
                    f"markers together; put the sourced fact in the text with its citation, and keep footnotes for "
                    f"plain asides: ... {cite}")
        if block_start == 0:
            return None
        prev = text.rfind("\n", 0, block_start - 1) + 1
        current = text[block_start:text.find("\n", block_start) if text.find("\n", block_start) >= 0 else len(text)]
        if current.strip() and not current.startswith(("    ", "\t")):
            return None
        block_start = prev


def line_of(markdown: str, pos: int) -> int:
    return markdown.count("\n", 0, pos) + 1


def render(found: Found, original: str) -> str:
    """Markdown that mkdocs-bibtex turns into markers: the original block when it is plain
    [@a; @b], else one [@key] per citation, each followed by its locator."""
    if all(not c.locator for c in found.cites) and "-@" not in original:
        return original
    parts = []
    for c in found.cites:
        loc = f'<sup class="cite-locator">({c.locator})</sup>' if c.locator else ""
        parts.append(f"[@{c.key}]{loc}")
    return SEPARATOR.join(parts)
