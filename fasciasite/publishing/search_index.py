"""Search: readers' own words find the page, and urgent searches find the urgent page.

Material's search plugin writes site/search/search_index.json: one entry per page and
per section (title, text, tags), which the browser indexes with lunr. This step, run
after it, changes what is indexed, never what a page shows:

1. Lay words. Each glossary term may list the everyday words readers type for it
   (`lay words:` in includes/glossary.md, parsed by fasciasite.content.glossary). They are added
   to a hidden `keywords` field of the page entries of the articles that discuss the
   term most: pages with the term (or its plural) in their title score 10, in a heading
   3 each, and 1 per mention in the text; the best page and any scoring at least half as
   much, at most MAX_PAGES, get the words (the best one twice, so a lay word alone
   ranks it first). Words that most articles already contain
   ("back", "pain") and lunr's stop words are left out, so no page is stuffed and a
   reader's question is matched on the words that tell pages apart. The `keywords` field
   and its boost are declared under the search plugin's `fields` in mkdocs.yml (Material
   indexes every declared field and shows only title, text and tags).
2. The urgent-help tiers are written once (includes/urgent-help.yml) and rendered on
   every article; they are indexed once too, on the page named by `extra.urgent_page`
   (the red-flags page), so "A&E" or "numb bum" leads there and not to the "When to get
   help" section of every article. (On the other pages the block gets Material's
   `data-search-exclude`, taken out of the HTML again once the page is indexed.)
3. Each treatment's safety block (includes/safety.yml) is written once and shown on every
   page that discusses the treatment (the massage block on 17 pages); it is indexed once,
   on its home page: the page showing it whose source names the treatment most (its
   `names`: 10 for the title, 3 per heading, 1 per mention), not on every page that shows it.
4. Citation markers (the footnote numbers and the commas between them) and links that show
   their own address (the web addresses and DOIs of the References page) are left out of
   the index: a reader never searches for "27" or a DOI.
   With 3 and 4 the index went from 5.7 to 4.9 KB gzip per article (7 Dec 2026, 28 articles;
   the budget is 5 KB: tests/test_search_index.py; issue 24 part 5).
   Then, for headroom under that budget (issue 24 part 5, second pass), what no reader searches for:
   - the urgent-help block's footer ("Not sure which applies to you? Call NHS 111 ..."), which
     follows the tiers on every article: indexed once, with the tiers, on the urgent page;
   - the "Why" column of each "How strong is the evidence?" table (the reasons for a rating:
     study counts, designs, certainty); the claim and its rating stay, and the findings the
     reasons sum up are in the article's own text;
   - on the References pages (their search copy, fasciasite.references.citations), the parts of
     an entry nobody types: the co-authors after the first author, the volume, issue and pages
     after the year, and "Accessed <date>". The first author, title, journal or publisher and
     year stay: that is how a reader names a source ("Langevin 2011", "Cochrane").
   - the page's tags on each of its section entries (Material copies them onto every section):
     they stay on the page's own entry, which is the result a tag's word finds;
   - the home page's list of every article with its description (<!-- md:article-list -->):
     each article is found by its own title and text, and a result there led to the list.
5. Urgent signs. A query that names an urgent sign must show the urgent page first, whatever
   else ranks (a worried relative types "mum is 80 fell down the stairs now bad back pain",
   and "mum", "bad", "back", "pain" ranked two other pages above it). The worker learns the
   signs from the index (`urgent` in its `config`, urgent_signs()), never from words typed
   again in JavaScript: the complete lay phrases of the glossary terms whose best page is the
   urgent page ("fell", "numb bum", "pins and needles in both legs"), and the `match`
   patterns of includes/urgent-help.yml's signs of the urgent and emergency tiers. A term with
   an `urgent with:` line (a smaller fall: slipped, tripped) is a sign only together with one of
   those words (older, brittle bones, steroid tablets): its lay words are not indexed (alone they
   name no urgent page, and "slipped" would pull "slipped disc" there) but sent as `combined`.
   The words of another term's longer lay phrase ("slipped disc", "fall asleep": `others`) are
   never read as a sign.
Material's search plugin has no setting for "index this shared block once" (it excludes
only by `data-search-exclude` or front matter), hence this code.

Events (called by the fasciasite plugin, fasciasite/plugin.py):
  on_config      read the lay words and the safety data; check the keywords field and the urgent page exist.
  on_files       choose each safety block's home page, from the Markdown sources.
  on_page_context  (before Material indexes the page) mark the urgent-help block and its footer
                 (other pages), the safety blocks (pages that are not their home), citation
                 markers, address links, the evidence tables' "Why" column and the article
                 list excluded from search, and trim the References entries in the copy
                 Material reads; (after it) take the marks out again.
  on_post_build  (late, after Material wrote the index) take the tags off section entries;
                 add the lay words.
"""
from __future__ import annotations

import functools
import json
import logging
import re
from collections import Counter
from collections.abc import Callable, Collection, Sequence
from html import escape, unescape
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mkdocs.exceptions import PluginError

from fasciasite import fastmatch
from fasciasite.content import glossary, safety, tiers

if TYPE_CHECKING:  # the types of MkDocs' events, for the type checker only
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.structure.files import Files
    from mkdocs.structure.nav import Navigation
    from mkdocs.structure.pages import Page
    from mkdocs.utils.templates import TemplateContext

log = logging.getLogger("mkdocs.plugins.fasciasite.publishing.search_index")

FIELD = "keywords"
# key of search_index.json's "config" read by docs/javascripts/search-worker.js: Material hands
# the worker the index's config and docs only, so a top-level key would never reach it
URGENT_KEY = "urgent"
MAX_PAGES = 3
MIN_SCORE = 2
COMMON = 0.5   # a lay word found in this share of the articles' text already is left out
GENERIC = 0.8  # ... and so is one that starts with a word found in this share ("backache")
MARK = ' data-search-exclude="true"'  # Material's own switch; removed again once the page is indexed
EXCLUDED = f'<div{MARK} '
URGENT_BLOCK = re.compile(r'<div class="admonition (?=[^"]*\burgent-help\b)')
# a safety box as fasciasite.content.safety renders it: `!!! warning safety "Safety: <title>"`
SAFETY_BLOCK = re.compile(r'<div (class="admonition (?=[^"]*\bsafety\b)[^"]*">\s*<p class="admonition-title">Safety: (.*?)</p>)', re.S)
# a link that shows its own address (a web address or a DOI, as in reference lists): nobody
# searches for one, and they hardly compress
ADDRESS_LINK = re.compile(r'<a (?=href="[^"]*"[^>]*>\s*(?:https?://|10\.\d{4,9}/)[^<]*</a>)')
CITE_MARKER = re.compile(r'<sup (?=id="fnref|class="cite-sep")')  # footnote numbers and the commas between
# A table of the "How strong is the evidence?" boxes (fasciasite.content.ratings): a header row with
# a Rating and a Why column. The Why cells give the reasons for a rating; nobody searches for them.
TABLE = re.compile(r"<table>\s*<thead>\s*<tr>(.*?)</tr>(.*?)</table>", re.S)
ROW = re.compile(r"<tr>(.*?)</tr>", re.S)
CELL = re.compile(r"<t[dh](?=[\s>])")
HEADER_CELL = re.compile(r"<th[^>]*>(.*?)</th>", re.S)
WHY, RATING = "why", "rating"
# The home page's list of every article (<!-- md:article-list -->, fasciasite.content.articles): a
# list whose every item is a link to an article and its description, one per line.
LIST = re.compile(r"<ul>\n((?:<li><a href=\"[^\"]*\">.*?</a>: [^\n]*</li>\n)+)</ul>")
LISTED = re.compile(r'<li><a href="(?:\.\./)*([^"/]*)/')
# A References entry as the search copy of a References page holds it (<li id="ref-KEY">, the
# formatted AMA citation, fasciasite.references.citations), and the parts of it nobody types.
REFERENCE_ENTRY = re.compile(r'(<li id="ref-[^"]*">)([^<]*(?:<(?!/li>)[^<]*)*)')  # up to its </li>
# "Wilke J", "Abdel Shaheed C", "Burg LRA van der": a name as AMA writes it, last name then initials
PERSON = re.compile(r"[^\s,.<][^,.<]* [A-Z]{1,4}(?: [a-z]+){0,2}")
AUTHORS = re.compile(r"([^,.<]+?)((?:, | et al)[^.<]*)(?=\. )")  # the first author, the others
VOLUME = re.compile(r"(?<=\b\d{4});[^<]*?\.(?=\s|<|$)")  # 2016;176(7):958-968. after the year
ACCESSED = re.compile(r"\s*Accessed [A-Z][a-z]+ \d{1,2}, \d{4}\.")
HEADING = re.compile(r"^#{1,6}[ \t].*$", re.M)
TITLE = re.compile(r"^title:[ \t]*(.*)$", re.M)
TAG = re.compile(r"<[^>]+>")
SEPARATOR = r"[\s\-]+"  # Material's English default, when mkdocs.yml sets none
# lunr's English stop words (removed from the index anyway; not worth the bytes)
STOP = set("""a able about across after all almost also am among an and any are as at be because been but
by can cannot could dear did do does either else ever every for from get got had has have he her hers him
his how however i if in into is it its just least let like likely may me might most must my neither no nor
not of off often on only or other our own rather said say says she should since so some than that the their
them then there these they this tis to too twas us wants was we were what when where which while who whom
why will with would yet you your""".split())


class SearchIndex:
    """The search index of one build: the glossary lay words, where urgent help and each safety block are indexed."""

    def __init__(self) -> None:
        self._state: dict = {}

    def on_config(self, config: MkDocsConfig, glossary_path: str = "includes/glossary.md") -> MkDocsConfig:
        terms = glossary.read(glossary.glossary_file(config, glossary_path)).terms  # problems: reported by the glossary hook
        self._state["lay"] = [t for t in terms if t.lay_words]
        self._state["forms"] = {}
        for t in terms:  # "Sciatica" and "sciatica" are one term; "red flags" also finds "red flag"
            forms = self._state["forms"].setdefault(t.term.casefold(), set())
            forms.add(t.term.casefold())
            if t.term.islower() and t.term.endswith("s") and len(t.term) > 4:
                forms.add(t.term[:-1])
        self._state["sections"] = tuple(config.extra.get("article_sections") or ())
        urgent = config.extra.get("urgent_page")
        if not urgent:
            raise PluginError("mkdocs.yml: extra.urgent_page is missing; set it to the red-flags page "
                              "(urgent_page: back-pain/red-flags.md): urgent searches must lead there")
        self._state["urgent"] = urgent
        try:  # problems in the tiers file are reported by the urgent-help step; here only the signs matter
            self._state["tiers"] = tiers.load_for(Path(config.config_file_path).parent)
        except (tiers.DataError, OSError):
            self._state["tiers"] = None
        self._state["footer"] = footer_opening(self._state["tiers"].footer if self._state["tiers"] else "")
        # problems in the data file are reported by the evidence rules; here only the titles matter
        self._state["safety"] = safety.load_for(Path(config.config_file_path).parent)[0].treatments
        search = next((p for name, p in config.plugins.items() if name in ("search", "material/search")), None)
        fields = getattr(search, "config", {}).get("fields", {}) if search else {}
        self._state["separator"] = re.compile(getattr(search, "config", {}).get("separator") or SEPARATOR) if search else SEPARATOR
        if search is None:  # no search index, so no lay words to add to it
            self._state["lay"] = []
        self._state["indexed"] = search is not None and getattr(search, "config", {}).get("enabled", True) is not False
        if self._state["lay"] and FIELD not in fields:
            raise PluginError(f"mkdocs.yml: the search plugin has no '{FIELD}' field, so the glossary's lay words "
                              f"would not be searched; add `fields: {{{FIELD}: {{boost: 500}}}}` under `- search:`")
        return config

    def on_files(self, files: Files, config: MkDocsConfig,
                 later: Callable[[str, Callable[[], Any]], Callable[[], Any]] | None = None) -> Files:
        """Each safety block's home page is read from the sources when the first page is marked
        for search. later: how to get it then (fasciasite.secondcore.SecondCore.later: computed ahead)."""
        treatments = self._state.get("safety", {})

        def homes() -> dict[str, str]:
            return safety_homes({f.src_uri: f.content_string for f in files.documentation_pages()}, treatments)

        self._state.pop("safety_homes", None)
        self._state["homes"] = later("safety blocks' search homes", homes) if later else homes
        return files

    def _safety_homes(self) -> dict[str, str]:
        if "safety_homes" not in self._state:
            self._state["safety_homes"] = self._state["homes"]() if "homes" in self._state else {}
        return self._state["safety_homes"]

    def mark_for_search(self, html: str, src_uri: str) -> str:
        """The page's HTML with the shared blocks that are indexed elsewhere, and the citation
        markers, marked `data-search-exclude` (Material then leaves them out of the index)."""
        if src_uri != self._state.get("urgent"):
            html = URGENT_BLOCK.sub(lambda m: m.group(0).replace("<div ", EXCLUDED, 1), html)
            footer = self._state.get("footer")
            if footer is not None:
                html = mark_footer(html, footer)
        html = mark_why_column(html)
        html = mark_article_lists(html, self._state.get("sections", ()))
        homes = self._safety_homes()

        def safety_block(m: re.Match) -> str:
            home = homes.get(unescape(TAG.sub("", m.group(2))))  # the title may hold a glossary <abbr>
            return m.group(0) if home in (None, src_uri) else f"<div{MARK} {m.group(1)}"

        html = SAFETY_BLOCK.sub(safety_block, html)
        html = ADDRESS_LINK.sub(f"<a{MARK} ", html)
        return CITE_MARKER.sub(f"<sup{MARK} ", html)

    def mark(self, context: TemplateContext, page: Page, config: MkDocsConfig, nav: Navigation) -> TemplateContext:
        """Before Material indexes the page (and after the citations step cut the reference list).
        Material then reads the page with each marked part as an empty stand-in (stand_ins()),
        and after it the page is the marked one again (restore())."""
        if page.content:
            marked = self.mark_for_search(page.content, page.file.src_uri)
            shown = searched_references(stand_ins(marked)) if self._state.get("indexed") else marked
            if shown is not marked:
                self._state["held"] = (page, marked)
            page.content = shown
        return context

    def restore(self, context: TemplateContext, page: Page, config: MkDocsConfig, nav: Navigation) -> TemplateContext:
        """After Material indexed the page: the marked page, as Material leaves a page it read
        (its on_page_context takes every data-search-* attribute out: MATERIAL_ATTRIBUTES)."""
        held = self._state.pop("held", None)
        if held is not None and held[0] is page:
            page.content = MATERIAL_ATTRIBUTES.sub("", held[1])
        return context

    def unmark(self, context: TemplateContext, page: Page, config: MkDocsConfig, nav: Navigation) -> TemplateContext:
        """After Material indexed the page and the citations step restored it: the marks go."""
        if page.content and MARK in page.content:
            page.content = page.content.replace(MARK, "")
        return context

    def on_post_build(self, config: MkDocsConfig) -> None:
        path = Path(config.site_dir) / "search" / "search_index.json"
        if not path.is_file():
            return  # search is off
        index = json.loads(path.read_text(encoding="utf-8"))
        untagged = untag_sections(index["docs"])
        if not self._state.get("lay"):
            if untagged:
                path.write_text(json.dumps(index, separators=(",", ":"), ensure_ascii=False), encoding="utf-8")
            return
        chosen: dict[frozenset[str], list[str]] = {}  # the pages each term's forms choose, asked twice below
        pages = pages_of(index["docs"], self._state["sections"])  # read once for both questions
        count = add_lay_words(index, self._state["lay"], self._state["forms"], self._state["sections"], self._state["separator"],
                              chosen, pages)
        index["config"][URGENT_KEY] = urgent_signs(index["docs"], self._state["lay"], self._state["forms"], self._state["sections"],
                                         location(self._state["urgent"], config.use_directory_urls), self._state["tiers"],
                                         chosen, pages)
        path.write_text(json.dumps(index, separators=(",", ":"), ensure_ascii=False), encoding="utf-8")
        log.debug(f"lay words added to the search entries of {count} pages")



# Material's search plugin, after it indexed a page: `re.sub(r"\s?data-search-\w+=\"[^\"]+\"", "", page.content)`
# (material/plugins/search/plugin.py, on_page_context), applied again here to the marked page.
MATERIAL_ATTRIBUTES = re.compile(r"\s?data-search-\w+=\"[^\"]+\"")
# An element this step marked, from its opening tag: <div ...> to its matching </div>, <sup ...>,
# <a ...>, <p ...>, <td ...>, <th ...> or <ul ...> to the next closing tag of its kind (one that
# holds another of its kind stays whole); its heading, if any, keeps it whole.
_MARKED = re.compile(r"<(div|sup|a|p|td|th|ul)" + re.escape(MARK) + r"[ >]")
_DIV_TAG = re.compile(r"<div[\s>]|</div>")
_HEADING_TAG = re.compile(r"<h[1-6][\s>]")
STAND_IN = "<i></i>"


def stand_ins(html: str) -> str:
    """`html` with each element marked data-search-exclude replaced by an empty <i></i>, for
    Material's search plugin to read (the same html when there is none). Why: Material's parser
    reads every tag of an excluded element only to skip it: the urgent-help block on every
    article, the safety blocks indexed elsewhere, each citation marker (a sixth of a cited
    article's tags). Material's index is the same, entry for entry: an empty element that its
    parser neither keeps nor skips splits the text around it where the skipped element did,
    and adds nothing (tests/test_search_index.py compares its entries both ways). An element
    with a heading inside stays whole (Material makes a section of a heading even there), and so
    does one with an element of its own tag inside: Material's parser compares elements by tag,
    so the inner one's end also ends the skipping, and what follows it is indexed."""
    out: list[str] = []
    last = 0
    for m in _MARKED.finditer(html):
        if m.start() < last:
            continue  # inside an element already replaced
        tag = m.group(1)
        if tag == "div":
            depth, end = 0, -1
            for t in _DIV_TAG.finditer(html, m.start()):
                depth += -1 if t.group(0) == "</div>" else 1
                if depth == 0:
                    end = t.end()
                    break
        else:
            close = html.find(f"</{tag}>", m.end())
            end = close + len(tag) + 3 if close != -1 else -1
        if end == -1 or _HEADING_TAG.search(html, m.start(), end) or f"<{tag}" in html[m.end():end]:
            continue
        out += [html[last:m.start()], STAND_IN]
        last = end
    if not out:
        return html
    out.append(html[last:])
    return "".join(out)


def footer_opening(footer: str) -> str | None:
    """How the paragraph that shows the urgent-help footer (includes/urgent-help.yml's `footer`,
    Markdown) opens in the HTML: "<p>" and its first sentence (up to any link or markup, which
    the glossary step may add to); None without one."""
    words = re.split(r"[\[<*_`]", footer, maxsplit=1)[0]
    words = re.split(r"(?<=[.?!])\s", words, maxsplit=1)[0].strip()  # "Not sure which applies to you?"
    if len(words) < 12:  # too little to tell the footer from an author's paragraph
        return None
    return "<p>" + escape(words, quote=False)


def mark_footer(html: str, opening: str) -> str:
    """`html` with the urgent-help footer's paragraph marked data-search-exclude."""
    return html.replace(opening, f"<p{MARK}>" + opening[len("<p>"):]) if opening in html else html


def mark_why_column(html: str) -> str:
    """`html` with each cell of the Why column of every table with a Rating and a Why column
    marked data-search-exclude (the claim and its rating are still searched). Why code: a
    Markdown table's cell cannot carry an attribute, so the mark is put in the HTML."""
    if "<table>" not in html:
        return html

    def table(m: re.Match) -> str:
        names = [unescape(TAG.sub("", c)).strip(" *").casefold() for c in HEADER_CELL.findall(m.group(1))]
        if WHY not in names or RATING not in names:
            return m.group(0)
        col = names.index(WHY)

        def row(r: re.Match) -> str:
            cells = list(CELL.finditer(r.group(0)))
            if len(cells) <= col:
                return r.group(0)
            at = cells[col].end()
            return r.group(0)[:at] + MARK + r.group(0)[at:]

        return ROW.sub(row, m.group(0))

    return TABLE.sub(table, html)


def mark_article_lists(html: str, sections: Collection[str]) -> str:
    """`html` with each list of articles (every item a link into an article section, then its
    description) marked data-search-exclude: each article is found by its own title and text,
    and a result here leads the reader to the list, not to the article. Why code: the list is
    made by the build (<!-- md:article-list -->), with no place for an attribute."""
    if "<ul>\n<li><a " not in html or not sections:
        return html

    def listing(m: re.Match) -> str:
        linked = LISTED.findall(m.group(1))  # the section folder each item links into
        if len(linked) != m.group(1).count("<li>") or any(s not in sections for s in linked):
            return m.group(0)
        return f"<ul{MARK}>" + m.group(0)[len("<ul>"):]

    return LIST.sub(listing, html)


def searched_references(html: str) -> str:
    """The References entries of `html` as search reads them: the first author, title, journal
    or publisher and year, without the co-authors, the volume, issue and pages, and "Accessed
    <date>". Why code: the formatted citation is one run of text (no element to mark
    data-search-exclude), and this is the copy only Material's search reads (the page keeps
    every part)."""
    if '<li id="ref-' not in html:
        return html
    return REFERENCE_ENTRY.sub(lambda m: m.group(1) + searched_entry(m.group(2)), html)


def searched_entry(text: str) -> str:
    """One formatted entry, trimmed as searched_references() says."""
    m = AUTHORS.match(text)
    if m and PERSON.fullmatch(m.group(1)) and all(
            p == "et al" or PERSON.fullmatch(p) for p in re.split(r", | et al$|,? et al$", m.group(2).strip(" ,")) if p):
        text = m.group(1) + text[m.end():]
    return ACCESSED.sub("", VOLUME.sub(".", text))


def untag_sections(docs: list[dict]) -> bool:
    """Take the page's tags off each of its section entries (Material's search plugin copies
    them onto every section); the page's own entry keeps them, and that is the result a tag's
    word finds. Material has no setting for this. True when any entry changed."""
    changed = False
    for doc in docs:
        if "#" in doc["location"] and "tags" in doc:
            del doc["tags"]
            changed = True
    return changed


def discusses(markdown: str, names: list[re.Pattern]) -> int:
    """How much a page's Markdown source names a treatment: 10 for its title, 3 per heading,
    1 per mention in the text (outside code, comments, links and citations)."""
    return _discusses(markdown, tuple(names))


# Remembered by the page's text: a `mkdocs serve` rebuild reads every page again for this.
@functools.lru_cache(maxsize=16384)
def _discusses(markdown: str, names: tuple[re.Pattern, ...]) -> int:
    title = TITLE.search(markdown.split("\n---", 1)[0]) if markdown.startswith("---") else None
    headings = HEADING.findall(markdown)
    text = _readable(markdown)
    folded = fastmatch.fold(text)  # an exact shortcut: a name whose literal words are not in the text is not searched
    return (10 * any(rx.search(title.group(1)) for rx in names) if title else 0) \
        + 3 * sum(any(rx.search(h) for rx in names) for h in headings) \
        + sum(len(rx.findall(text)) for rx in names if fastmatch.may_match(rx, folded))


@functools.lru_cache(maxsize=4096)
def _readable(markdown: str) -> str:
    """safety._readable once per page: every treatment's home is chosen among the same pages."""
    return safety._readable(markdown)


@functools.lru_cache(maxsize=4096)
def _shown(markdown: str) -> frozenset[str]:
    """The safety blocks a page's source shows (remembered by its text, for serve rebuilds)."""
    return frozenset(m.group(1) for m in safety.SHORTCODE.finditer(markdown))


def safety_homes(sources: dict[str, str], treatments: dict) -> dict[str, str]:
    """{safety block title: the page (src_uri) where it is indexed}: of the pages that show the
    block, the one that discusses the treatment most (the first in `sources` order on a tie)."""
    homes: dict[str, str] = {}
    shown = {uri: _shown(md) for uri, md in sources.items()}  # each page read once
    for name, treatment in treatments.items():
        showing = [(uri, md) for uri, md in sources.items() if name in shown[uri]]
        if showing:
            best = max(showing, key=lambda item: discusses(item[1], treatment.names))  # max keeps the first of equals
            homes[treatment.title] = best[0]
    return homes




def words(text: str, separator: str | re.Pattern[str] = SEPARATOR) -> list[str]:
    """Lower-case tokens as Material's search splits them (the search plugin's separator)."""
    return [w for w in re.split(separator, text.casefold()) if w]


def pages_of(docs: list[dict], sections: tuple[str, ...]) -> dict[str, dict]:
    """Article pages from the index: {location: {"title", "headings", "text"}} (plain, lower case)."""
    pages: dict[str, dict] = {}
    prefixes = tuple(f"{s}/" for s in sections)
    for doc in docs:
        path = doc["location"].split("#")[0]
        if not path.startswith(prefixes):
            continue
        page = pages.setdefault(path, {"title": "", "headings": [], "text": []})
        if "#" in doc["location"]:
            page["headings"].append(_plain(doc["title"]))
        else:
            page["title"] = _plain(doc["title"])
        page["text"].append(_plain(doc["text"]))
    for page in pages.values():
        page["text"] = " ".join(page["text"])
        page["headings"] = tuple(page["headings"])  # hashable: discussion() and own_words() remember by page
        # Everything discussion() reads, in one string: its shortcut is then one substring
        # search per form (a form is one line, so no match spans two parts).
        page["all"] = "\n".join([page["title"], *page["headings"], page["text"]])
    return pages


@functools.lru_cache(maxsize=65536)
def _plain(html: str) -> str:
    """An index entry's text without tags, lower case (escapes kept: "A&amp;E" is not "a&e"
    there). Remembered by the text: a serve rebuild reads the whole index again."""
    return TAG.sub(" ", html).casefold()


def discussion(page: dict, forms: Collection[str]) -> int:
    """How much a page discusses a term: 10 for its title, 3 per heading, 1 per mention."""
    key = frozenset(forms)
    scored = page.get("scores")
    if scored is not None and key in scored:
        return scored[key]
    return _discussion(page["title"], page["headings"], page["text"], page["all"], key)


def score_pages(pages: dict[str, dict], terms_forms: Sequence[Collection[str]]) -> None:
    """Score every page for every term at once (discussion() then reads page["scores"]): one
    remembered answer per page, so a serve rebuild after one saved page scores that page
    again and looks the others up once each, not once per term (43,000 look-ups at 1,000 pages)."""
    keys = tuple(dict.fromkeys(frozenset(f) for f in terms_forms))
    for page in pages.values():
        scores = _page_scores(page["title"], page["headings"], page["text"], page["all"], keys)
        page["scores"] = dict(zip(keys, scores, strict=True))


@functools.lru_cache(maxsize=8192)
def _page_scores(title: str, headings: tuple[str, ...], text: str, everything: str,
                 keys: tuple[frozenset[str], ...]) -> tuple[int, ...]:
    return tuple(_discussion(title, headings, text, everything, k) for k in keys)


# Remembered by the page's words: a `mkdocs serve` rebuild after one saved page scores only
# that page again (every term scored on every page is most of the build's search step).
@functools.lru_cache(maxsize=262144)
def _discussion(title: str, headings: tuple[str, ...], text: str, everything: str, forms: frozenset[str]) -> int:
    # An exact shortcut: a page without the words some form needs has no match (forms and
    # page text are both lower case).
    if not any(_may_mention(f, everything) for f in forms):
        return 0
    pattern = _mentions(forms)
    return (10 * bool(pattern.search(title)) + 3 * sum(bool(pattern.search(h)) for h in headings)
            + len(pattern.findall(text)))


WORDS = re.compile(r"\W+")  # what \b separates: a mention's words are whole words of the text


def _may_mention(form: str, everything: str) -> bool:
    """False only when `everything` cannot hold a mention of `form` (see _mentions): a mention
    starts and ends at a word boundary, so each word of the form is a whole word of the
    text, the last one perhaps with a plural ending. Looked up in the page's set of words,
    which is made once per page, instead of searching the page's text for every form."""
    needed = _words_needed(form)
    if needed is None:
        return form in everything
    whole, last = needed
    words_of_page = _page_words(everything)
    return (whole <= words_of_page and not last.isdisjoint(words_of_page)
            and (not whole or form in everything))  # a phrase: its words, then the phrase itself


@functools.lru_cache(maxsize=8192)
def _words_needed(form: str) -> tuple[frozenset[str], frozenset[str]] | None:
    """(the words a mention of `form` has whole, the last word's spellings), or None for a
    form that does not start and end with a letter or digit (then the text is searched)."""
    parts = WORDS.split(form)
    if not form or not parts[0] or not parts[-1]:
        return None
    return frozenset(parts[:-1]), frozenset({parts[-1], parts[-1] + "s", parts[-1] + "es"})


@functools.lru_cache(maxsize=8192)
def _page_words(everything: str) -> frozenset[str]:
    return frozenset(WORDS.split(everything))


@functools.lru_cache(maxsize=1024)
def _mentions(forms: frozenset[str]) -> re.Pattern[str]:
    """A mention of any of the forms, as a word (with a plural ending): compiled once per term."""
    return re.compile(r"\b(?:" + "|".join(re.escape(f) for f in sorted(forms, key=lambda f: (-len(f), f))) + r")(?:e?s)?\b")


def choose(pages: dict[str, dict], forms: Collection[str], chosen: dict[frozenset[str], list[str]] | None = None) -> list[str]:
    """The pages that discuss a term most: the best, and those scoring at least half as
    much, at most MAX_PAGES; a page must score MIN_SCORE (one passing mention is not enough).
    chosen: the answers so far for these pages, by forms (the lay words and the urgent signs
    ask the same question of the same pages)."""
    key = frozenset(forms)
    if chosen is not None and key in chosen:
        return chosen[key]
    scores = sorted(((discussion(p, key), path) for path, p in pages.items()), key=lambda s: -s[0])
    if not scores or scores[0][0] < MIN_SCORE:
        best_pages: list[str] = []
    else:
        best = scores[0][0]
        best_pages = [path for score, path in scores[:MAX_PAGES] if score >= MIN_SCORE and score * 2 >= best]
    if chosen is not None:
        chosen[key] = best_pages
    return best_pages


def term_forms(term: glossary.Term, forms: dict[str, set[str]]) -> set[str]:
    """What shows a page discusses a term: the term, its other spellings, and its lay words,
    except a lay word that is a stop word ("AS" for ankylosing spondylitis would count every "as")."""
    return forms.get(term.term.casefold(), {term.term.casefold()}) | {w.casefold() for w in term.lay_words
                                                                        if w.casefold() not in STOP}


def titled(word: str, pages: dict[str, dict], chosen: list[str], separator: str | re.Pattern[str] = SEPARATOR,
           by_title_word: dict[str, set[str]] | None = None) -> bool:
    """True when `word` is in the title of an article not chosen for the term: it is that
    page's topic ("fascia" in "fascia release" must not pull the myofascial-release pages
    above "What fascia is"). by_title_word: title_words(pages), made once for many words."""
    index = by_title_word if by_title_word is not None else title_words(pages, separator)
    # A title word t with word.startswith(t) is one of the word's prefixes: look those up
    # (title words have at least 4 letters) instead of reading every title for every word.
    return any(path not in chosen for k in range(4, len(word) + 1) for path in index.get(word[:k], ()))


def title_words(pages: dict[str, dict], separator: str | re.Pattern[str] = SEPARATOR) -> dict[str, set[str]]:
    """{a title word that names a topic: the pages whose title has it}."""
    index: dict[str, set[str]] = {}
    for path, p in pages.items():
        for t in _title_words(p["title"], separator):
            index.setdefault(t, set()).add(path)
    return index


@functools.lru_cache(maxsize=8192)
def _title_words(title: str, separator: str | re.Pattern[str]) -> tuple[str, ...]:
    """A title's words that name a topic (titled): split once per title, not once per lay word."""
    return tuple(t for t in words(title, separator) if len(t) >= 4 and t not in STOP)


def forms_of(word: str) -> list[str]:
    """Longer forms of a title word that a reader may type and Material's prefix match would
    miss: "stretching" -> stretches, stretched; "herniation" -> herniated; "disc" -> discs;
    "running" -> runner. (Shorter ones already match: "stretch" finds "stretching".)"""
    if not word.isalpha() or len(word) < 4 or word in STOP:
        return []
    if word.endswith("ing"):
        stem = word[:-3]
        doubled = len(stem) > 2 and stem[-1] == stem[-2] and stem[-1] not in "ls"
        root = stem[:-1] if doubled else stem
        plural = root + ("es" if root.endswith(("ch", "sh", "s", "x", "z")) else "s")
        return [plural, root + "ed"] + ([stem + "er", stem + "ers"] if doubled else [])  # runner
    if word.endswith("ion"):
        return [word[:-3] + "ed"]
    if word.endswith(("s", "ed", "ly", "al", "ful", "ous", "ic", "ive", "a")):
        return []
    if word.endswith("y") and word[-2] not in "aeiou":
        return [word[:-1] + "ies"]
    return [word + ("es" if word.endswith(("ch", "sh", "x", "z")) else "s")]


def own_words(pages: dict[str, dict], separator: str | re.Pattern[str] = SEPARATOR) -> dict[str, frozenset[str]]:
    """{page location: the words of its title, headings and text}."""
    return {path: _own_words(p["title"], p["headings"], p["text"], separator) for path, p in pages.items()}


@functools.lru_cache(maxsize=8192)
def _own_words(title: str, headings: tuple[str, ...], text: str, separator: str | re.Pattern[str]) -> frozenset[str]:
    """Remembered by the page's words: asked twice per build and again by every serve rebuild."""
    return frozenset(words(title + " " + " ".join(headings) + " " + text, separator))


def common_words(own: dict[str, frozenset[str]], share: float = COMMON) -> set[str]:
    """The words that at least `share` of the articles have ("back", "pain")."""
    pages_with = _pages_with(tuple(own.values()))
    return {w for w, n in pages_with.items() if n >= share * len(own)}


@functools.lru_cache(maxsize=4)
def _pages_with(own: tuple[frozenset[str], ...]) -> Counter[str]:
    """In how many pages each word is: counted once for the three questions of a build."""
    return Counter(w for v in own for w in v)


def lay_words_by_page(docs: list[dict], terms: list[glossary.Term], forms: dict[str, set[str]], sections: tuple[str, ...],
                      separator: str | re.Pattern[str] = SEPARATOR,
                      chosen: dict[frozenset[str], list[str]] | None = None,
                      pages: dict[str, dict] | None = None) -> dict[str, list[str]]:
    """{page location: [lay word tokens]} for the glossary terms with lay words.
    chosen: choose()'s answers, shared with urgent_signs() for the same docs;
    pages: pages_of(docs, sections), when the caller made it already."""
    pages = pages_of(docs, sections) if pages is None else pages
    score_pages(pages, [term_forms(t, forms) for t in terms if not t.urgent_with])
    own = own_words(pages, separator)
    common = common_words(own)
    # Material adds a wildcard to every query word, so "back" also matches a hidden "backache":
    # a lay word that starts with a word most pages have would match nearly every question.
    generic = tuple(sorted(w for w in common_words(own, GENERIC) if len(w) >= 3 and w in common))
    by_title_word = title_words(pages, separator)
    out: dict[str, list[str]] = {}
    for term in terms:
        if term.urgent_with:  # a sign only with its other words ("slipped": slipped disc); the urgent rule ranks it
            continue
        best = choose(pages, term_forms(term, forms), chosen)
        tokens = [w for phrase in [term.term, *term.lay_words] for w in words(phrase, separator)
                  if w not in STOP and w not in common and not w.startswith(generic)
                  and not titled(w, pages, best, separator, by_title_word)]
        for rank, path in enumerate(best):
            for w in tokens:  # the page that discusses the term most has its words twice
                have = out.setdefault(path, []).count(w)
                out[path] += [w] * ((2 if rank == 0 else 1) - have)
    for path, page in pages.items():  # word forms of the page's own title
        for form in (f for t in words(page["title"], separator) for f in forms_of(t)):
            if form not in own[path] and not form.startswith(generic) and form not in out.setdefault(path, []):
                out[path].append(form)
    return {path: tokens for path, tokens in out.items() if tokens}


def location(src_uri: str, use_directory_urls: bool = True) -> str:
    """A page's location in the search index: back-pain/red-flags.md -> back-pain/red-flags/."""
    path = src_uri.removesuffix(".md")
    if not use_directory_urls:
        return path + ".html"
    path = path.removesuffix("index").removesuffix("README")
    return path if not path or path.endswith("/") else path + "/"


def urgent_signs(docs: list[dict], terms: list[glossary.Term], forms: dict[str, set[str]], sections: tuple[str, ...],
                 urgent: str, urgent_tiers: tiers.Tiers | None, chosen: dict[frozenset[str], list[str]] | None = None,
                 pages: dict[str, dict] | None = None) -> dict:
    """What the search worker needs to put the urgent page first: {"location": the urgent
    page's location, "phrases": the lay phrases (as written in the glossary) of the terms
    whose best page is the urgent page, "patterns": the regular expressions (Python syntax
    that JavaScript reads the same: \\b, groups, classes) of the signs of every tier more
    urgent than a GP appointment}. The worker decides what counts as naming a sign."""
    pages = pages_of(docs, sections) if pages is None else pages
    score_pages(pages, [term_forms(t, forms) for t in terms if not t.urgent_with])
    phrases: list[str] = []
    combined: list[dict[str, list[str]]] = []
    for term in terms:
        if term.urgent_with:
            combined.append({"phrases": term.lay_words, "with": term.urgent_with})
            continue
        best = choose(pages, term_forms(term, forms), chosen)
        if best and best[0] == urgent:
            phrases += [p for p in term.lay_words if p not in phrases]
    patterns: list[str] = []
    for tier in urgent_tiers.tiers if urgent_tiers else []:
        if tiers.LEVELS.get(tier.id, 0) > tiers.LEVELS["gp"]:
            patterns += [p.pattern for sign in tier.signs for p in sign.patterns if p.pattern not in patterns]
    others = other_phrases(terms, phrases, combined, common_words(own_words(pages)), patterns)
    return {"location": urgent, "phrases": phrases, "combined": combined, "patterns": patterns, "others": others}


def other_phrases(terms: list[glossary.Term], phrases: list[str], combined: list[dict[str, list[str]]],
                  common: Collection[str] = frozenset(), patterns: Sequence[str] = ()) -> list[str]:
    """The lay phrases of other terms that hold a telling word of a sign ("slipped disc":
    slipped; "fall asleep": fall; not "back" or "pain", which most pages have): the worker reads
    the words of such a phrase as that term's, never as a sign. A phrase that itself names a
    sign of the tiers ("lost control of my bladder") is not one."""
    signs = {*phrases, *(p for c in combined for p in c["phrases"])}
    sign_words = {w for p in signs for w in p.casefold().split() if w not in STOP and w not in common and len(w) >= 3}
    named = [re.compile(p, re.I) for p in patterns]
    out: list[str] = []
    for term in terms:
        for phrase in term.lay_words:
            held = phrase.casefold().split()
            shares = any(w.startswith(v) or v.startswith(w) for w in held if len(w) >= 3 for v in sign_words)
            if (phrase not in signs and len(held) > 1 and shares and phrase not in out  # "falling asleep": fall
                    and not any(p.search(phrase) for p in named)):
                out.append(phrase)
    return out


def add_lay_words(index: dict, terms: list[glossary.Term], forms: dict[str, set[str]], sections: tuple[str, ...],
                  separator: str | re.Pattern[str] = SEPARATOR, chosen: dict[frozenset[str], list[str]] | None = None,
                  pages: dict[str, dict] | None = None) -> int:
    """Add the lay words to the page entries of `index` (search_index.json as data); count pages."""
    by_page = lay_words_by_page(index["docs"], terms, forms, sections, separator, chosen, pages)
    for doc in index["docs"]:
        if doc["location"] in by_page:
            doc[FIELD] = " ".join(by_page[doc["location"]])
    return len(by_page)


