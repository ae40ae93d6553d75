"""Each reference formatted once per build (fasciasite.references.citations uses it).

mkdocs-bibtex formats the citations of every page again (pandoc once per page). The
registry wrapper here formats every entry in one pandoc run, in a background thread,
keeps the result in .cache/ until the .bib, the style or this code changes, turns it
into HTML once, and a small Markdown extension swaps stand-ins for the finished HTML.

The same extension draws each page's numbered markers and reference list as finished HTML
(issue 24: citations at most a tenth of the build), numbered and labelled exactly as
Python-Markdown's footnotes extension does, which still draws any page with a footnote of
its own (_SwapStandIns says why; tests/test_citation_markers.py compares the two).
"""
from __future__ import annotations

import codecs
import functools
import hashlib
import io
import json
import logging
import re
import threading
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

import markdown
from markdown.extensions import Extension
from markdown.extensions.footnotes import FootnoteExtension
from markdown.postprocessors import Postprocessor
from markdown.preprocessors import Preprocessor
from markdown.serializers import _escape_attrib_html, _escape_cdata
from markdown.treeprocessors import Treeprocessor
from markdown.util import AtomicString
from mkdocs.exceptions import PluginError
from pybtex.database import BibliographyData
from pybtex.database.output.bibtex import Writer as BibTeXWriter

if TYPE_CHECKING:  # mkdocs-bibtex's types, for the type checker only (it is read when the plugin needs it)
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs_bibtex.citation import Citation, CitationBlock
    from mkdocs_bibtex.plugin import BibTexPlugin
    from mkdocs_bibtex.registry import ReferenceRegistry

log = logging.getLogger("mkdocs.plugins.fasciasite.references.citations")

AT = "\ue000"  # stands in for '@' where mkdocs-bibtex must not see it
REF_OPEN, REF_CLOSE = "\ue001", "\ue002"  # around a key: "the formatted reference goes here"
REF_STANDIN = re.compile(REF_OPEN + r"([\w-]+)" + REF_CLOSE)
CITE_OPEN, CITE_CLOSE = "\ue003", "\ue004"  # around a key: "the numbered marker for this citation goes here"
CITE_STANDIN = re.compile(CITE_OPEN + r"([\w-]+)" + CITE_CLOSE)
SEPARATOR = '<sup class="cite-sep">,</sup>'

HTTP = re.compile(r"^https?://", re.I)
AUTOLINK = re.compile(r"<https?://[^>\s]+>|\[https?://[^\]\s]+\]|\]\(https?://[^)\s]+\)")
NOCASE = re.compile(r"\[([^\[\]]*)\]\{\.nocase\}")  # pandoc keeps {.nocase} spans from BibTeX braces
VERBATIM_FIELDS = frozenset({"url", "doi"})  # pandoc reads these as they are written (no LaTeX)


class _PandocBibWriter(BibTeXWriter):
    """pybtex's BibTeX writer, except that url and doi are written as they are.

    mkdocs-bibtex hands pandoc the entries re-written by pybtex, which LaTeX-encodes every
    field ('&' -> '\\&', '_' -> '\\_', '%' -> '\\%', '~' -> '\\textasciitilde '). Pandoc reads
    url and doi verbatim, so those backslashes reached the reader's link and its text
    (an NHS address with '?a=1&b=2' was published as '...1\\&b=2'). Overriding pybtex's
    per-field hook (mkdocs-bibtex and pybtex are pinned) is the smallest fix at the source.
    """

    def _write_field(self, stream: TextIO, type: str, value: str) -> None:
        if type.lower() in VERBATIM_FIELDS:
            stream.write(f",\n    {type} = {self.quote(value)}")
        else:
            super()._write_field(stream, type, value)

    def _encode(self, text: str) -> str:
        """pybtex's LaTeX encoding (latexcodec, about 10 µs a character), skipped for a field
        whose every character it leaves as it is (most fields: letters, digits, spaces, most
        punctuation, and in UTF-8 most other letters): the same text, a tenth of the time."""
        if all(_encodes_as_itself(c, self.encoding) for c in set(text)):
            return text
        return str(super()._encode(text))


@functools.cache
def _encodes_as_itself(char: str, encoding: str) -> bool:
    return bool(codecs.encode(char, f"ulatex+{encoding}") == char)


def bibtex_for_pandoc(bib_data: BibliographyData) -> str:
    """The entries as BibTeX for pandoc: LaTeX-encoded fields, verbatim url and doi."""
    out = io.StringIO()
    _PandocBibWriter().write_stream(bib_data, out)
    return out.getvalue()


class FormatOnceRegistry:
    """Wraps a mkdocs-bibtex registry so each entry is formatted once per build.

    mkdocs-bibtex formats the citations of every page again (pandoc starts once per page).
    Here all entries go through the wrapped registry in one call up front; pages then
    only look up the cached text.
    """

    def __init__(self, inner: ReferenceRegistry, cache: Path | None = None) -> None:
        from mkdocs_bibtex.citation import Citation, CitationBlock

        self.inner = inner
        self.bib_data = inner.bib_data
        self.footnote_format = inner.footnote_format
        for entry in self.bib_data.entries.values():
            url = entry.fields.get("url")
            if url and not HTTP.match(str(url)):
                del entry.fields["url"]  # inert: a non-http(s) url is never rendered as a link
        keys = list(self.bib_data.entries)
        self._text, self._html, self._error = _read_cache(cache, keys), None, None

        def format_all() -> None:
            try:
                if self._text is None:
                    # mkdocs-bibtex's PandocRegistry writes the file pandoc reads from its cached property
                    # bib_data_bibtex (pybtex's output); this sets it to the same with verbatim url and doi.
                    # Only when pandoc runs: LaTeX-encoding every field costs more than the rest of a
                    # small build (a third of a fixture site's), and a cache hit never reads it.
                    inner.__dict__["bib_data_bibtex"] = bibtex_for_pandoc(self.bib_data)
                    blocks = [CitationBlock(citations=[Citation(key=k)]) for k in keys]
                    inner.validate_citation_blocks(blocks)  # one pandoc run for the whole .bib
                    self._text = {k: _clean(inner.reference_text(Citation(key=k))) for k in keys}
                    _write_cache(cache, self._text)
                to_html = markdown.Markdown()
                self._html = {k: _inline_html(to_html.reset(), text) for k, text in self._text.items()}
            except Exception as exc:  # raised again, with its cause, where the text is first needed
                self._error = exc

        # pandoc is a separate process, so this thread mostly waits: MkDocs reads the pages
        # and builds the navigation meanwhile, and pandoc runs on the other core.
        self._formatting = threading.Thread(target=format_all, name="format-references", daemon=True)
        self._formatting.start()

    def _ready(self) -> tuple[dict[str, str], dict[str, str]]:
        """(text, HTML) once formatting has finished; PluginError if it failed."""
        self._formatting.join()
        if self._error is not None or self._text is None or self._html is None:
            raise PluginError(f"fasciasite/references/citation_format.py: formatting references.bib failed: "
                              f"{self._error or 'no result'}") from self._error
        return self._text, self._html

    @property
    def text(self) -> dict[str, str]:
        """Each key's formatted reference (Markdown)."""
        return self._ready()[0]

    @property
    def html(self) -> dict[str, str]:
        """Each key's formatted reference (inline HTML)."""
        return self._ready()[1]

    def validate_citation_blocks(self, blocks: list[CitationBlock]) -> None:
        """Keys were checked (with file and line) before mkdocs-bibtex ran."""

    def validate_inline_references(self, refs: object) -> set[str]:
        return set()

    def inline_text(self, block: CitationBlock) -> str:
        """A stand-in per key (StashReferences numbers it), where mkdocs-bibtex writes [^key]."""
        keys = [c.key for c in block.citations if c.key in self.bib_data.entries]
        return SEPARATOR.join(f"{CITE_OPEN}{k}{CITE_CLOSE}" for k in keys)

    def reference_text(self, citation: Citation) -> str:
        return f"{REF_OPEN}{citation.key}{REF_CLOSE}"  # StashReferences puts the HTML here


def cache_file(config: MkDocsConfig, plugin: BibTexPlugin) -> Path:
    """.cache/references-HASH.json: the formatted references, reused while the .bib, the
    style, pandoc, mkdocs-bibtex and this file stay the same (so `make serve` does not run
    pandoc again on every save). Delete .cache (make clean) to force a fresh run."""
    from importlib.metadata import version

    root = Path(config.config_file_path).parent
    digest = hashlib.sha256()
    for path in (root / plugin.config.bib_file, Path(plugin.config.csl_file or ""), Path(__file__)):
        digest.update(path.read_bytes() if path.is_file() else str(path).encode())
    for package in ("pypandoc-binary", "mkdocs-bibtex"):
        digest.update(version(package).encode())
    return root / ".cache" / f"references-{digest.hexdigest()[:20]}.json"


def _read_cache(path: Path | None, keys: list[str]) -> dict[str, str] | None:
    if path is None:
        return None
    try:
        text = json.loads(path.read_text(encoding="utf-8"))
    except (AttributeError, OSError, ValueError):
        return None
    return text if isinstance(text, dict) and sorted(text) == sorted(keys) else None


def _write_cache(path: Path | None, text: dict[str, str]) -> None:
    if path is None:
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    for old in path.parent.glob("references-*.json"):
        old.unlink()
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(text, ensure_ascii=False), encoding="utf-8")
    tmp.replace(path)


def _clean(text: str) -> str:
    """Pandoc's Markdown as Python-Markdown reads it: {.nocase} spans unwrapped, "\\ " (pandoc's
    non-breaking space, e.g. "Sport\\ & Exercise") as U+00A0, non-http(s) links as text."""
    text = NOCASE.sub(r"\1", text).replace("\\ ", "\u00a0")
    # Pandoc escapes Markdown characters in URLs ("nhs\\_conditions"); inside an autolink
    # Python-Markdown keeps the backslash, so unescape them there.
    text = AUTOLINK.sub(lambda m: re.sub(r"\\+([_*~#.+!-])", r"\1", m.group(0)), text)
    return _safe_links(text)


def _inline_html(md: markdown.Markdown, markdown_text: str) -> str:
    """A formatted reference (Markdown from pandoc) as inline HTML."""
    html = md.convert(markdown_text)
    return html[3:-4] if html.startswith("<p>") and html.endswith("</p>") else html


class _PageCitations:
    """What one page's conversion knows about its citations (shared by the processors below)."""

    def __init__(self) -> None:
        self.fast = False  # True: markers and list drawn here; False: by the footnotes extension
        self.defined: list[tuple[str, str]] = []  # (footnote label, key), in mkdocs-bibtex's order


DEFINITION = re.compile(r"^\[\^([^\]]+)\]: " + REF_OPEN + r"([\w-]+)" + REF_CLOSE + "$")  # mkdocs-bibtex's list


def _footnotes(md: markdown.Markdown) -> FootnoteExtension | None:
    return next((e for e in md.registeredExtensions if isinstance(e, FootnoteExtension)), None)


class _SwapStandIns(Preprocessor):
    """Chooses how the page's citations are drawn.

    Fast (every page without footnotes of its own): mkdocs-bibtex's footnote definitions are
    taken out, and _NumberCitations draws the markers and the list as finished HTML. Python-
    Markdown's footnotes extension would parse each definition as a block, build the list as
    elements, split the text at every marker and serialize it all again: a third of the
    Markdown time of a cited page. Otherwise (a page with a footnote of its own, numbered
    together with the citations, or no footnotes extension): the stand-ins become [^key]
    again and each reference's HTML is stashed, and the footnotes extension does it all."""

    def __init__(self, md: markdown.Markdown, registry: FormatOnceRegistry, page: _PageCitations, fast: bool) -> None:
        super().__init__(md)
        self.registry, self.page, self.fast = registry, page, fast

    def run(self, lines: list[str]) -> list[str]:
        if not any(REF_OPEN in line or CITE_OPEN in line for line in lines):
            return lines
        defined = {i: m for i, line in enumerate(lines) if REF_OPEN in line and (m := DEFINITION.match(line))}
        own = any("[^" in line for i, line in enumerate(lines) if i not in defined)
        if self.fast and not own and _footnotes(self.md) is not None:
            self.page.fast = True
            self.page.defined = [(m[1], m[2]) for m in defined.values()]
            return [line for i, line in enumerate(lines) if i not in defined]
        label = self.registry.footnote_format
        stash, html = self.md.htmlStash, self.registry.html
        return [CITE_STANDIN.sub(lambda m: f"[^{label.format(key=m[1])}]",
                                 REF_STANDIN.sub(lambda m: stash.store(html[m[1]]), line))
                if REF_OPEN in line or CITE_OPEN in line else line
                for line in lines]


def _text_in_inline_order(root: ET.Element) -> Iterator[tuple[ET.Element, str]]:
    """(element, "text" or "tail") in the order Python-Markdown's InlineProcessor reads them
    (markdown.treeprocessors.InlineProcessor.run: breadth first, each child's text then its
    tail, a child with children queued), which is the order the footnotes extension numbers
    its markers in. An element's text marked atomic is skipped, as there."""
    queue = [root]
    while queue:
        element = queue.pop(0)
        for child in element:
            if child.text and not isinstance(child.text, AtomicString):
                yield child, "text"
            if child.tail:
                yield child, "tail"
            if len(child):
                queue.append(child)


class _NumberCitations(Treeprocessor):
    """Fast path: each marker stand-in becomes the footnotes extension's marker, as stashed HTML,
    numbered in the extension's order with its ids (the extension's own methods make them), and
    the reference list is appended as the extension appends it. tests/test_citations.py compares
    both paths' pages byte for byte."""

    def __init__(self, md: markdown.Markdown, registry: FormatOnceRegistry, page: _PageCitations) -> None:
        super().__init__(md)
        self.registry, self.page = registry, page

    def run(self, root: ET.Element) -> None:
        if not self.page.fast:
            return
        notes = _footnotes(self.md)
        assert notes is not None
        label = {key: name for name, key in self.page.defined}
        order: list[str] = []
        stash = self.md.htmlStash

        def marker(m: re.Match[str]) -> str:
            name = label.get(m[1])
            if name is None:  # as the extension: a marker with no definition stays as written
                return f"[^{self.registry.footnote_format.format(key=m[1])}]"
            if name not in order:
                order.append(name)
            ref_id, note_id = notes.makeFootnoteRefId(name, found=True), notes.makeFootnoteId(name)
            number = notes.getConfig("SUPERSCRIPT_TEXT").format(order.index(name) + 1)
            return stash.store(f'<sup id="{_attr(ref_id)}"><a class="footnote-ref" href="#{_attr(note_id)}">'
                               f'{_text(number)}</a></sup>')

        for element, where in list(_text_in_inline_order(root)):
            text = getattr(element, where)
            if CITE_OPEN in text:
                setattr(element, where, CITE_STANDIN.sub(marker, text))
        if self.page.defined:
            holder = ET.SubElement(root, "p")
            holder.text = stash.store(self._reference_list(notes, order))

    def _reference_list(self, notes: FootnoteExtension, order: list[str]) -> str:
        """The footnotes extension's list (makeFootnotesDiv, then reordered by first citation and
        given a back link per further citation), as the HTML it serializes to."""
        defined = [name for name, _ in self.page.defined]
        key = dict(self.page.defined)
        ranked = sorted(defined, key=lambda n: order.index(n) if n in order else len(defined))
        sep, html = notes.get_separator(), self.registry.html
        items = []
        for index, name in enumerate(ranked, start=1):
            note_id = notes.makeFootnoteId(name)
            first = "#" + notes.makeFootnoteRefId(name)
            base, rest = first.split(sep, 1)
            count = notes.found_refs.get(f"fnref{sep}{note_id.split(sep, 1)[1]}", 0)
            hrefs = [first] + [f"{base}{n}{sep}{rest}" for n in range(2, count + 1)]
            title = _attr(notes.getConfig("BACKLINK_TITLE").format(index))
            back = "".join(f'<a class="footnote-backref" href="{_attr(h)}" title="{title}">{notes.getConfig("BACKLINK_TEXT")}</a>'
                           for h in hrefs)
            items.append(f'<li id="{_attr(note_id)}">\n<p>{html[key[name]]}&#160;{back}</p>\n</li>\n')
        return '<div class="footnote">\n<hr />\n<ol>\n' + "".join(items) + "</ol>\n</div>"


class _UncitedStandIns(Postprocessor):
    """Fast path: a stand-in the inline patterns never read (inside a raw HTML block) is printed
    as the footnotes extension leaves a marker it does not read: [^key]."""

    def __init__(self, md: markdown.Markdown, registry: FormatOnceRegistry) -> None:
        super().__init__(md)
        self.registry = registry

    def run(self, text: str) -> str:
        if CITE_OPEN not in text:
            return text
        return CITE_STANDIN.sub(lambda m: f"[^{self.registry.footnote_format.format(key=m[1])}]", text)


PLACEHOLDERS_ONLY = re.compile("^(?:\x02[^\x02\x03]*\x03)+$")  # Python-Markdown's stash markers


class _FinishedReferences(Treeprocessor):
    """The reference list is finished HTML: mark its text atomic, so that the inline
    patterns (about 17 scans per piece of text) skip the reference and its back link."""

    def run(self, root: ET.Element) -> None:
        for div in root.iter("div"):
            if div.get("class") != "footnote":
                continue
            for el in div.iter():
                if el.tag in ("p", "a") and el.text and (PLACEHOLDERS_ONLY.match(el.text) or el.get("class") == "footnote-backref"):
                    el.text = AtomicString(el.text)


class StashReferences(Extension):
    """Python-Markdown extension: each reference stand-in becomes the finished HTML, held
    in Python-Markdown's own stash of raw HTML until the page is written out; on a page
    without footnotes of its own, the numbered markers and the list too (_SwapStandIns)."""

    def __init__(self, registry: FormatOnceRegistry, fast: bool = True) -> None:
        super().__init__()
        self.registry, self.fast = registry, fast  # fast=False: always the footnotes extension (tests compare)
        self.page = _PageCitations()  # the page being converted (MkDocs converts one page at a time)

    def extendMarkdown(self, md: markdown.Markdown) -> None:
        self.page = page = _PageCitations()
        # Priority 25: after normalize_whitespace (30), which strips the stash's markers.
        md.preprocessors.register(_SwapStandIns(md, self.registry, page, self.fast), "stash_references", 25)
        # Priority 30: after the footnotes extension builds the list (50), before the
        # inline patterns run (20).
        md.treeprocessors.register(_FinishedReferences(md), "finished_references", 30)
        # Priority 21: the whole block tree is built, and no inline pattern has split its text.
        md.treeprocessors.register(_NumberCitations(md, self.registry, page), "number_citations", 21)
        # Priority 29: after raw HTML blocks are back in the text (30).
        md.postprocessors.register(_UncitedStandIns(md, self.registry), "uncited_stand_ins", 29)


def _attr(value: str) -> str:
    return str(_escape_attrib_html(value))


def _text(value: str) -> str:
    return str(_escape_cdata(value))


MD_LINK = re.compile(r"\[([^\]]*)\]\(([^)\s]*)\)|<([a-z][a-z0-9+.-]*:[^>\s]*)>", re.I)


def _safe_links(markdown: str) -> str:
    """Keep only http(s) links in formatted references; anything else becomes plain text."""

    def keep(m: re.Match) -> str:
        url = m.group(2) if m.group(2) is not None else m.group(3)
        ok = HTTP.match(url) and not re.match(r"https?://(javascript|data|vbscript):", url, re.I)
        return m.group(0) if ok else (m.group(1) if m.group(1) is not None else url)

    return MD_LINK.sub(keep, markdown)


