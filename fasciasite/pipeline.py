"""The page pipeline: what happens to one page's Markdown before mkdocs-bibtex sees it, in order.

Why one function: every check must read the author's own text and report the author's line,
and the transforms must come after the checks. Written as ordered code (as pydantic's
docs/plugins/main.py does) instead of hook priorities, the order is read here, top to bottom:

1. Checks on the author's text (line = the line in the file): author mistakes (file names,
   links, images, snippets, fences), unknown shortcodes, re-worded urgent help, the evidence
   rules (ratings, recorded searches, safety blocks) once enforced.
2. Shortcodes expanded by the one dispatcher (fasciasite.shortcodes), with a line map from the
   expanded text back to the author's lines.
3. Checks that must also read what the shortcodes brought in (the tiers' and safety blocks'
   citations and figures), through the line map: numbers against their sources' findings, and
   citations (unknown keys, syntax), which are then prepared for mkdocs-bibtex.

The front matter is checked by its own step after mkdocs-bibtex (it reads the file itself).
"""
from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import Files
from mkdocs.structure.pages import Page

from fasciasite import pagecache, pagesource, shortcodes
from fasciasite.content import articles, safety, tiers, urgent
from fasciasite.pagecache import Problems as Found
from fasciasite.shortcodes import Handler, LineMap

if TYPE_CHECKING:
    from fasciasite.plugin import SitePlugin


def _indent(whole: str) -> str:
    return whole[: len(whole) - len(whole.lstrip(" \t"))]


def shortcode_handlers(site: SitePlugin, page: Page, config: MkDocsConfig) -> dict[str, Handler]:
    """Every shortcode the site knows: name -> (the shortcode, its arguments) -> its text."""
    assert site.urgent is not None
    data, src = site.urgent, page.file.src_uri
    return {
        # The urgent-help tiers and a treatment's safety block, written once in includes/.
        "urgent-help": lambda whole, _args: tiers.expand(whole, data.tiers, src),
        "safety": lambda whole, _args: safety.expand(whole, data.project.safety),
        # A button to extra.booking_url; every article by nav section; the glossary's terms
        # (after the shortcode's indentation, which stays as written).
        "booking": lambda whole, _args: _indent(whole) + articles.booking_button(config),
        "article-list": lambda whole, _args: _indent(whole) + site.articles.article_list(page, config),
        "glossary": lambda whole, _args: _indent(whole) + site.glossary.definition_list(),
        # Filled in after Markdown by the citations step (fasciasite.references.citations.on_page_content).
        "references": lambda _whole, _args: None,
    }


def checked(site: SitePlugin, markdown: str, page: Page, config: MkDocsConfig, source: str,
            offset: int) -> tuple[str, LineMap, list[tuple[str, Found]]]:
    """Steps 1 (after the author checks), 2 and 3 (before citations) for one page: the expanded
    text, its line map, and [(pagecache key, problems)] of the checks before and after expansion.

    Each check's problems are kept under a key (fasciasite.pagecache) that holds everything the
    check reads: the page's texts, its path, every data file and today's date. The main process
    and the second core (fasciasite.ahead) both call this, so a result made by either is the
    same result; a key already kept (an earlier serve rebuild, or the second core) is not
    checked again."""
    assert site.urgent is not None and site.numbers is not None
    src, where = page.file.src_uri, f"docs/{page.file.src_uri}"
    handlers = shortcode_handlers(site, page, config)
    t = site.times  # per-step seconds, only when asked (fasciasite.steptimes)
    fingerprint = site.urgent.fingerprint()
    results: list[tuple[str, Found]] = []

    # 1. Checks on the author's text.
    before = pagecache.key("before", fingerprint, src, str(offset), source, markdown, *handlers)
    found = pagecache.get(before)
    if found is None:
        found = []
        with t("page_markdown: unknown shortcodes"):
            found += [("shortcodes", p) for p in shortcodes.unknown(markdown, list(handlers), where, LineMap.identity(offset))]
        with t("page_markdown: urgent help and evidence rules"):
            found += [("urgent help", text) for text in site.urgent.check(markdown, src, offset)]
        pagecache.put(before, found)
    results.append((before, found))

    # 2. Shortcodes expanded; the line map leads each expanded line back to the author's.
    with t("page_markdown: shortcodes expanded"):
        expanded = shortcodes.expand(markdown, handlers)
        line_of = LineMap.between(markdown, expanded, offset)

    # 3. Checks through the line map.
    after = pagecache.key("after", fingerprint, src, str(offset), source, markdown, expanded)
    found = pagecache.get(after)
    if found is None:
        with t("page_markdown: numbers check"):
            found = [("numbers", text) for text in site.numbers.check(expanded, src, line_of, source)]
        pagecache.put(after, found)
    results.append((after, found))
    return expanded, line_of, results


class Prepared(NamedTuple):
    """One page after the pipeline: what mkdocs-bibtex reads, and what was found on the way."""

    text: str
    found: Found                                   # (kind, problem), in the order the steps found them
    anchors: list[tuple[str, int, str, str, str]]  # links to a heading, checked once every page is rendered


def prepare(site: SitePlugin, markdown: str, page: Page, config: MkDocsConfig, files: Files, source: str,
            offset: int) -> Prepared:
    """The whole pipeline for one page, reporting nothing: a pure function of the page's texts,
    the site's files and the data, so the second core can run it ahead (fasciasite.secondcore)."""
    t = site.times  # per-step seconds, only when asked (fasciasite.steptimes)
    with t("page_markdown: author checks"):
        examined = site.authoring.examine(markdown, page, config, files)  # (missing snippets blanked)
    found: Found = [("author", p) for p in examined.problems]
    expanded, line_of, results = checked(site, examined.markdown, page, config, source, offset)
    for _key, problems in results:
        found += problems
    text = expanded
    if site.citations is not None:
        with t("page_markdown: citations before bibtex"):
            text, cite_problems = site.citations.prepare(expanded, page, line_of)
        found += [("citations", p) for p in cite_problems]
    return Prepared(text, found, examined.anchors)


def page_markdown(site: SitePlugin, markdown: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    source = pagesource.read(page.file.abs_src_path)[0] if page.file.abs_src_path else ""  # the author's file
    offset = urgent.front_matter_lines(source) if source else 0
    # Done ahead on the second core when it read exactly this page with exactly this data.
    prepared = site.second_core.prepared(site, page, markdown, source, offset)
    if prepared is None:
        prepared = prepare(site, markdown, page, config, files, source, offset)
    for kind, text in prepared.found:
        site.problems.add(kind, text)
    site.authoring.keep_anchors(prepared.anchors, files)
    return prepared.text
