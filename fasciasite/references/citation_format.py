"""Each reference formatted once per build (fasciasite.references.citations uses it).

mkdocs-bibtex formats the citations of every page again (pandoc once per page). The
registry wrapper here formats every entry in one pandoc run, in a background thread,
keeps the result in .cache/ until the .bib, the style or this code changes, turns it
into HTML once, and a small Markdown extension swaps stand-ins for the finished HTML.
"""
from __future__ import annotations

import hashlib
import io
import json
import logging
import re
import threading
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

import markdown
from markdown.extensions import Extension
from markdown.preprocessors import Preprocessor
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

REFERENCES_MARKER = "<!-- md:references -->"  # where the References page lists every entry
AT = "\ue000"  # stands in for '@' where mkdocs-bibtex must not see it
REF_OPEN, REF_CLOSE = "\ue001", "\ue002"  # around a key: "the formatted reference goes here"
REF_STANDIN = re.compile(REF_OPEN + r"([\w-]+)" + REF_CLOSE)
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
        keys = [c.key for c in block.citations if c.key in self.bib_data.entries]
        return SEPARATOR.join(f"[^{self.footnote_format.format(key=k)}]" for k in keys)

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


class _SwapStandIns(Preprocessor):
    def __init__(self, md: markdown.Markdown, registry: FormatOnceRegistry) -> None:
        super().__init__(md)
        self.registry = registry

    def run(self, lines: list[str]) -> list[str]:
        if not any(REF_OPEN in line for line in lines):
            return lines
        stash, html = self.md.htmlStash, self.registry.html
        return [REF_STANDIN.sub(lambda m: stash.store(html[m[1]]), line) if REF_OPEN in line else line
                for line in lines]


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
    in Python-Markdown's own stash of raw HTML until the page is written out."""

    def __init__(self, registry: FormatOnceRegistry) -> None:
        super().__init__()
        self.registry = registry

    def extendMarkdown(self, md: markdown.Markdown) -> None:
        # Priority 25: after normalize_whitespace (30), which strips the stash's markers.
        md.preprocessors.register(_SwapStandIns(md, self.registry), "stash_references", 25)
        # Priority 30: after the footnotes extension builds the list (50), before the
        # inline patterns run (20).
        md.treeprocessors.register(_FinishedReferences(md), "finished_references", 30)


MD_LINK = re.compile(r"\[([^\]]*)\]\(([^)\s]*)\)|<([a-z][a-z0-9+.-]*:[^>\s]*)>", re.I)


def _safe_links(markdown: str) -> str:
    """Keep only http(s) links in formatted references; anything else becomes plain text."""

    def keep(m: re.Match) -> str:
        url = m.group(2) if m.group(2) is not None else m.group(3)
        ok = HTTP.match(url) and not re.match(r"https?://(javascript|data|vbscript):", url, re.I)
        return m.group(0) if ok else (m.group(1) if m.group(1) is not None else url)

    return MD_LINK.sub(keep, markdown)


