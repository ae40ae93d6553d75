"""Search queries as a reader types them, run in the real search of the built site.

A query file (tests/search_queries.yml) is YAML: a list of queries, or a mapping with a
`queries:` list. Each query is a mapping:

    query:   what the reader types                         (also accepted: q)
    pages:   the acceptable pages, a list or one string     (also: expected, accept, page)
             as docs/ source paths (back-pain/red-flags.md) or site paths (back-pain/red-flags/)
    urgent:  true when the first result must be the red-flags page (optional)

`ask(page, query)` types a query into Material's search box on an open Playwright page
and returns the result pages in order, as site paths ("" is the home page).
`score(queries, answers)` turns them into top-1 and top-3 hit rates. Used by
tests/test_search_queries.py and `python -m fasciasite.bench.search_hits`.
"""
from __future__ import annotations

import gzip
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

import yaml

if TYPE_CHECKING:  # playwright is imported by the browser tests and the bench only
    from playwright.sync_api import Page

URGENT_PAGE = "back-pain/red-flags/"  # the page every urgent query must show first
TOP = 3


class QueryFileError(ValueError):
    """A query file that cannot be read; the message names file:line and the fix."""


@dataclass
class Query:
    text: str
    pages: list[str]            # site paths, e.g. "back-pain/red-flags/"
    urgent: bool = False
    line: int = 0


@dataclass
class Answer:
    query: Query
    results: list[str] = field(default_factory=list)   # site paths, best first

    @property
    def rank(self) -> int | None:
        """1-based position of the first acceptable page, None when none is listed."""
        for i, path in enumerate(self.results, 1):
            if path in self.query.pages:
                return i
        return None

    @property
    def urgent_ok(self) -> bool:
        return bool(self.results) and self.results[0] == URGENT_PAGE


def site_path(page: str) -> str:
    """docs/ source path or site path -> the site path of the page ("" for the home page)."""
    page = page.strip().lstrip("/")
    page = page.removeprefix("docs/")
    if page.endswith(".md"):
        page = page[: -len(".md")]
        if page == "index" or page.endswith("/index"):
            page = page[: -len("index")]
        elif page:
            page += "/"
    elif page.endswith("index.html"):
        page = page[: -len("index.html")]
    elif page and not page.endswith("/"):
        page += "/"
    return page


def load(path: Path) -> list[Query]:
    """Read a query file; raise QueryFileError naming file:line and the fix."""
    try:
        root = yaml.compose(path.read_text(encoding="utf-8-sig"))
    except OSError as exc:
        raise QueryFileError(f"{path}: cannot read it ({exc.strerror}); give the path of a YAML query file") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{path}:{mark.line + 1}" if mark else str(path)
        raise QueryFileError(f"{where}: not valid YAML ({getattr(exc, 'problem', exc)}); fix the indentation or quoting") from None
    if isinstance(root, yaml.MappingNode):
        items = {k.value: v for k, v in root.value}.get("queries")
        root = items
    if not isinstance(root, yaml.SequenceNode):
        raise QueryFileError(f"{path}:1: expected a list of queries (or `queries:` with a list); "
                             "write each as `- query: ...` with `pages: [...]`")
    queries = []
    for node in root.value:
        line = node.start_mark.line + 1
        data = yaml.safe_load(yaml.serialize(node)) if isinstance(node, yaml.MappingNode) else None
        if not isinstance(data, dict):
            raise QueryFileError(f"{path}:{line}: a query must be a mapping: `- query: how to lift`, "
                                 "then `pages: [back-pain/back-pain-at-work.md]`")
        text = data.get("query", data.get("q"))
        pages = next((data[k] for k in ("pages", "expected", "accept", "page") if k in data), None)
        if isinstance(pages, str):
            pages = [pages]
        if not isinstance(text, str) or not text.strip():
            raise QueryFileError(f"{path}:{line}: the query has no text; add `query: what the reader types`")
        if not pages or not all(isinstance(p, str) and p.strip() for p in pages):
            raise QueryFileError(f"{path}:{line}: `{text}` names no acceptable page; add "
                                 "`pages: [section/page.md]` (docs/ source paths)")
        urgent = data.get("urgent", False)
        if not isinstance(urgent, bool):
            raise QueryFileError(f"{path}:{line}: `urgent: {urgent}` must be true or false")
        queries.append(Query(text.strip(), [site_path(p) for p in pages], urgent, line))
    if not queries:
        raise QueryFileError(f"{path}:1: the file has no queries; add `- query: ...` entries")
    return queries


def unknown_pages(queries: list[Query], site: Path) -> list[str]:
    """Acceptable pages that the built site does not have (a typo in the query file)."""
    return [f"line {q.line}: {p or 'index.md'}" for q in queries for p in q.pages
            if not (site / p / "index.html").is_file()]


# ── In the browser ───────────────────────────────────────────────────────────

META = ".md-search-result__meta"
LIST = ".md-search-result__list"
READY = """([meta, initializer]) => {
    const m = document.querySelector(meta);
    return m && m.textContent.trim() && m.textContent.trim() !== initializer;
}"""
STATE = """([meta, list]) => [document.querySelector(meta).textContent.trim(),
                             document.querySelector(list).children.length]"""
SETTLED = """([meta, list, before, none]) => {
    const text = document.querySelector(meta).textContent.trim();
    return text !== before && (text === none || document.querySelector(list).children.length > 0);
}"""
RESULTS = """(list) => [...document.querySelectorAll(list + ' > li.md-search-result__item')]
    .map(li => li.querySelector('a.md-search-result__link')).filter(a => a).map(a => a.href)"""


def translations(page: Page) -> dict:
    return json.loads(page.locator("#__config").text_content() or "{}")["translations"]


def open_search(page: Page) -> None:
    """Open the search dialog and wait until the index is loaded."""
    page.locator(".md-search__input").click()
    initializer = (page.locator(META).text_content() or "").strip()
    page.wait_for_function(READY, arg=[META, initializer if "nitiali" in initializer else "Initializing search"])


def ask(page: Page, text: str, root: str) -> list[str]:
    """Type `text` into the open search box; return the result pages (site paths), best first.

    Material reads the box on keyup, so each query is filled and then a key is pressed.
    The box is emptied first and the placeholder awaited, so a slow answer to an old
    query is never read as the answer to this one."""
    strings = translations(page)
    placeholder, none = strings["search.result.placeholder"], strings["search.result.none"]
    box = page.locator(".md-search__input")
    box.fill("")
    box.press("End")
    page.wait_for_function("([meta, list, p]) => document.querySelector(meta).textContent.trim() === p"
                           " && document.querySelector(list).children.length === 0", arg=[META, LIST, placeholder])
    box.fill(text)
    box.press("End")
    page.wait_for_function(SETTLED, arg=[META, LIST, placeholder, none])
    out = []
    for href in page.evaluate(RESULTS, LIST):
        path = urlsplit(href).path
        path = path[len(urlsplit(root).path):] if path.startswith(urlsplit(root).path) else path.lstrip("/")
        if path not in out:
            out.append(path)
    return out


def run(page: Page, root: str, queries: list[Query]) -> list[Answer]:
    """Every query in the real search of the site served at `root` (its base URL)."""
    page.goto(root)
    open_search(page)
    return [Answer(q, ask(page, q.text, root)) for q in queries]


# ── Scores ───────────────────────────────────────────────────────────────────


def score(answers: list[Answer]) -> dict:
    n = len(answers)
    top1 = sum(1 for a in answers if a.rank == 1)
    top3 = sum(1 for a in answers if a.rank is not None and a.rank <= TOP)
    urgent = [a for a in answers if a.query.urgent]
    return {
        "queries": n,
        "top1": top1, "top1_rate": round(top1 / n, 4) if n else 0.0,
        "top3": top3, "top3_rate": round(top3 / n, 4) if n else 0.0,
        "urgent": len(urgent), "urgent_first": sum(1 for a in urgent if a.urgent_ok),
        "no_results": sum(1 for a in answers if not a.results),
    }


def report(answers: list[Answer]) -> str:
    """One line per query (rank, query, first three results), then the rates."""
    lines = []
    for a in answers:
        mark = "miss" if a.rank is None or a.rank > TOP else f"#{a.rank}"
        if a.query.urgent and not a.urgent_ok:
            mark = "URGENT"
        shown = ", ".join(p or "(home)" for p in a.results[:TOP]) or "(no results)"
        lines.append(f"{mark:>6}  {a.query.text!r:<48} {shown}")
    s = score(answers)
    lines.append(f"top-1 {s['top1']}/{s['queries']} ({s['top1_rate']:.1%})  "
                 f"top-3 {s['top3']}/{s['queries']} ({s['top3_rate']:.1%})  "
                 f"urgent first {s['urgent_first']}/{s['urgent']}  no results {s['no_results']}")
    return "\n".join(lines)


def index_size(site: Path, articles: int) -> dict:
    """The search index's size, raw and gzip -6, in total and per article."""
    data = (site / "search" / "search_index.json").read_bytes()
    packed = len(gzip.compress(data, 6, mtime=0))
    return {"raw_bytes": len(data), "gzip_bytes": packed, "articles": articles,
            "gzip_bytes_per_article": round(packed / articles) if articles else None}
