"""Glossary: one list of terms, three uses.

includes/glossary.md holds every term as a Markdown abbreviation (`*[Term]: definition`),
optionally followed by an indented line of the everyday words readers use for it, and
by a line of the words that make those an urgent sign when a query has both:

    *[disc herniation]: When the soft centre of a spinal disc bulges or pushes out ...
      lay words: slipped disc, prolapsed disc, bulging disc
    *[smaller fall]: ...
      lay words: slipped over, tripped
      urgent with: brittle bones, elderly

This step hands the terms to the abbr extension's `glossary` option, so every page gets
hover definitions, and turns the same file into the Glossary page, so the two never
drift apart. The lay words are never shown: fasciasite/publishing/search_index.py adds them to the search
entries of the pages that discuss the term. (Appending the file to every page with
pymdownx.snippets gives the same HTML, but then Python-Markdown parses the definitions
again on each page: about a quarter of the Markdown time of a 1,000-article build.)

Every problem names includes/glossary.md:LINE and the fix, and fails a strict build: a
line in any other form, a `lay words:` line with no term above it, and the same term
(ignoring case) defined twice with different definitions (the Glossary page would show
one and the hovers the other).

A glossary term inside a heading is left plain (no underline, no tooltip): the heading
names the term and the text under it explains it. Python-Markdown's abbr extension marks
terms in a tree processor (`abbr`, priority 7) that skips any text held as an
AtomicString; PlainHeadings (priority 7.5, after attr_list's 8 has read `{#id}` off the
heading) marks the text of h1-h6 that way, so the abbr extension never sees it and the
first use in the text below keeps the definition. Why our own code: the abbr extension
has no option to skip elements.

Events:
  on_config         read the terms once and give them to the abbr extension; headings plain.
  on_page_markdown  replace <!-- md:glossary --> with the terms as a definition list.
  on_page_content   keep the definition on the first use of each term on a page only
                    (the abbr extension marks every use, which clutters a page about fascia).
"""
from __future__ import annotations

import functools
import logging
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING
from xml.etree.ElementTree import Element

from markdown import Markdown
from markdown.extensions import Extension
from markdown.extensions.abbr import AbbrTreeprocessor
from markdown.treeprocessors import Treeprocessor
from markdown.util import AtomicString

if TYPE_CHECKING:  # the types of MkDocs' events, for the type checker only
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.structure.files import Files
    from mkdocs.structure.pages import Page

log = logging.getLogger("mkdocs.plugins.fasciasite.content.glossary")

SHOWN = "includes/glossary.md"  # how messages name the file (docs/glossary.md is the page)
MARKER = "<!-- md:glossary -->"
# The exact markup Python-Markdown's abbr extension writes; nothing else is touched.
ABBR = re.compile(r'<abbr title="(?P<title>[^"]*)">(?P<text>[^<]*)</abbr>')
LINE = re.compile(r"^\*\[(?P<term>[^\]]+)\]:\s*(?P<definition>\S.*)$")
LAY = re.compile(r"^(?P<kind>lay words|urgent with):\s*(?P<words>.*)$", re.I)
FORM = "*[Term]: One-sentence definition."
LAY_FORM = "an indented line under the term: `  lay words: word, other word`"


@dataclass
class Term:
    term: str
    definition: str
    line: int
    lay_words: list[str] = field(default_factory=list)
    # `urgent with:` phrases: the term's lay phrases are an urgent sign only together with one of
    # these (a smaller fall is urgent for someone older or with thin bones; "slipped" alone is not)
    urgent_with: list[str] = field(default_factory=list)


@dataclass
class Glossary:
    terms: list[Term]
    problems: list[str]

    def pairs(self) -> list[tuple[str, str]]:
        return [(t.term, t.definition) for t in self.terms]


def parse(text: str, shown: str = SHOWN) -> Glossary:
    """Read the glossary's text; every problem is a message naming shown:LINE and the fix."""
    terms: list[Term] = []
    problems: list[str] = []
    first: dict[str, Term] = {}  # casefolded term -> where it was first defined
    in_comment = False
    attach: Term | None = None  # the term a `lay words:` line on the next line belongs to
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if in_comment or line.startswith("<!--"):
            in_comment = "-->" not in line.removeprefix("<!--") if not in_comment else "-->" not in line
            attach = None
            continue
        if not line:
            attach = None
            continue
        lay = LAY.match(line)
        if lay:
            kind = lay["kind"].lower()
            if not raw[:1].isspace() or attach is None:
                problems.append(f"{shown}:{number}: a '{kind}:' line must come straight after its term, "
                                f"indented: put it under the *[Term]: line it belongs to")
                continue
            if kind == "urgent with" and not attach.lay_words:
                problems.append(f"{shown}:{number}: an 'urgent with:' line qualifies the term's lay words, and "
                                f"'{attach.term}' has none above it: put `  lay words: ...` first")
                continue
            words = [w.strip() for w in lay["words"].split(",")]
            if not all(words) or any(c in lay["words"] for c in "<>[]"):
                problems.append(f"{shown}:{number}: {kind} are a comma-separated list of plain words "
                                f"(no empty items, no < > [ ]): write `  {kind}: slipped disc, bulging disc`")
                continue
            (attach.urgent_with if kind == "urgent with" else attach.lay_words).extend(words)
            continue
        m = LINE.match(line)
        if not m:
            hint = f"write a term as {FORM}, and its everyday words as {LAY_FORM}"
            problems.append(f"{shown}:{number}: not a glossary line; {hint}")
            continue
        if m["term"] != m["term"].strip():
            problems.append(f"{shown}:{number}: the term '{m['term']}' has a space inside its brackets, so it is a second, "
                            f"different term; write *[{m['term'].strip()}]: ...")
        if re.search(r"\[-?@|@\w+\]", m["definition"]):
            problems.append(f"{shown}:{number}: a definition is hover text, where a citation is never resolved and is "
                            f"shown raw; write the definition without [@key] (cite the fact in an article instead)")
        if not re.match(r"^\w.*\w$|^\w$", m["term"].strip()):
            plain = re.sub(r"\(.*?\)|[^\w -]+", "", m["term"]).strip()
            problems.append(f"{shown}:{number}: the term '{m['term'].strip()}' starts or ends with a sign, so it never "
                            f"matches a word in the text; define the plain term, e.g. *[{plain}]: ...")
        term = Term(m["term"].strip(), m["definition"], number)
        earlier = first.get(term.term.casefold())
        if earlier and earlier.definition != term.definition:
            problems.append(f"{shown}:{number}: '{term.term}' is already defined on line {earlier.line} with a "
                            f"different definition; give both the same definition or delete one (the Glossary "
                            f"page shows the first, the hover text the last)")
        first.setdefault(term.term.casefold(), term)
        terms.append(term)
        attach = term
    return Glossary(terms, problems)


def read(path: Path) -> Glossary:
    return parse(path.read_text(encoding="utf-8-sig"))


def read_terms(path: Path) -> list[tuple[str, str]]:
    """(term, definition) pairs; each problem is logged as a warning (a strict build fails)."""
    glossary = read(path)
    for problem in glossary.problems:
        log.warning(problem)
    return glossary.pairs()


HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})


class _PlainHeadingText(Treeprocessor):
    """Hold the text inside every heading as AtomicString, which the abbr extension skips."""

    def run(self, root: Element) -> None:
        for heading in (el for el in root.iter() if el.tag in HEADINGS):
            for el in heading.iter():  # the heading and what it holds (<em>, <code>, ...)
                if el.text and not isinstance(el.text, AtomicString):
                    el.text = AtomicString(el.text)
                if el is not heading and el.tail and not isinstance(el.tail, AtomicString):
                    el.tail = AtomicString(el.tail)


class _FastAbbr(AbbrTreeprocessor):
    """Python-Markdown's abbr tree processor, the same markup, faster (issue 24): it walked
    every text node with one regex of ~140 alternatives, compiled again for every page, and
    found each element's place among its siblings by a list search (quadratic in a long
    list, such as the References page). Here the regex is a trie of the same terms (at each
    place the longest term that ends at a word boundary, as the sorted alternation finds;
    tests/test_glossary_headings.py compares both on every page), compiled once per set of
    terms, and each child's place is passed down. Why our own: the extension has no option
    for either, and it was a fifth of the Markdown time of a 300-article build."""

    def iter_element(self, el: Element, parent: Element | None = None, index: int = 0) -> None:
        rx = self.RE
        assert rx is not None
        for i in range(len(el) - 1, -1, -1):  # from the end: what is inserted comes after i
            self.iter_element(el[i], el, i)
        if text := el.text:
            if not isinstance(text, AtomicString):
                for m in reversed(list(rx.finditer(text))):
                    if self.abbrs[m.group(0)]:
                        abbr = self.create_element(self.abbrs[m.group(0)], m.group(0), text[m.end():])
                        el.insert(0, abbr)
                        text = text[:m.start()]
                el.text = text
        if parent is not None and el.tail:
            tail = el.tail
            if not isinstance(tail, AtomicString):
                for m in reversed(list(rx.finditer(tail))):
                    if self.abbrs[m.group(0)]:
                        abbr = self.create_element(self.abbrs[m.group(0)], m.group(0), tail[m.end():])
                        parent.insert(index + 1, abbr)
                        tail = tail[:m.start()]
                el.tail = tail

    def run(self, root: Element) -> Element | None:
        if not self.abbrs:
            return None
        self.RE = _terms_regex(tuple(self.abbrs))
        self.iter_element(root)
        return None


@functools.lru_cache(maxsize=16)
def _terms_regex(terms: tuple[str, ...]) -> re.Pattern[str]:
    """\\b(one of the terms)\\b, as a trie: the longest term first wherever several start."""
    trie: dict = {}
    for term in terms:
        node = trie
        for ch in term:
            node = node.setdefault(ch, {})
        node[""] = {}

    def emit(node: dict) -> str:
        branches = [re.escape(ch) + emit(node[ch]) for ch in sorted(k for k in node if k)]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        return f"(?:{body})?" if "" in node else body  # a term may end here: its longer terms first

    return re.compile(r"\b(?:" + emit(trie) + r")\b")


class PlainHeadings(Extension):
    """No glossary markup (<abbr>) inside headings; the abbr extension's marking, faster."""

    def extendMarkdown(self, md: Markdown) -> None:
        md.treeprocessors.register(_PlainHeadingText(md), "plain-headings", 7.5)
        if "abbr" in md.treeprocessors:  # loaded after the abbr extension (appended last in on_config)
            md.treeprocessors.register(_FastAbbr(md, md.treeprocessors["abbr"].abbrs), "abbr", 7)


def glossary_file(config: MkDocsConfig, path: str = "includes/glossary.md") -> Path:
    """The glossary data file, relative to mkdocs.yml (the plugin's glossary_file option)."""
    return Path(config.config_file_path).parent / path


class GlossaryStep:
    """The glossary of one build: its terms, read in on_config."""

    def __init__(self) -> None:
        self._terms: list[tuple[str, str]] = []

    def on_config(self, config: MkDocsConfig, path: str = "includes/glossary.md") -> MkDocsConfig:
        self._terms = read_terms(glossary_file(config, path))
        if "abbr" not in config.markdown_extensions:
            return config
        # A page's own *[Term]: definitions still win over these (Python-Markdown >= 3.7).
        config.mdx_configs.setdefault("abbr", {}).setdefault("glossary", {}).update(dict(self._terms))
        if not any(isinstance(e, PlainHeadings) for e in config.markdown_extensions):
            config.markdown_extensions.append(PlainHeadings())
        return config

    def definition_list(self) -> str:
        """<!-- md:glossary -->: every term once, alphabetically, as an HTML definition list."""
        seen: dict[str, tuple[str, str]] = {}
        for term, definition in self._terms:
            seen.setdefault(term.casefold(), (term, definition))  # "Fascia" and "fascia" appear once
        rows = []
        for term, definition in sorted(seen.values(), key=lambda t: t[0].casefold()):
            anchor = re.sub(r"[^a-z0-9]+", "-", term.casefold()).strip("-")
            rows.append(f'<dt id="{anchor}">{term}</dt>\n<dd>{definition}</dd>')
        return '<dl class="glossary">\n' + "\n".join(rows) + "\n</dl>"

    def on_page_content(self, html: str, page: Page, config: MkDocsConfig, files: Files) -> str:
        seen: set[str] = set()

        def first_only(m: re.Match) -> str:
            term = m["text"].casefold()
            if term in seen:
                return m["text"]
            seen.add(term)
            return m.group(0)

        return ABBR.sub(first_only, html)



