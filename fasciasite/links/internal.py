"""Internal links: every page, anchor, image, stylesheet and sitemap entry inside the built site."""
from __future__ import annotations

import multiprocessing
import os
import posixpath
from collections import Counter
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import NamedTuple
from urllib.parse import unquote, urlsplit

from lxml import etree

from fasciasite.links.common import (
    HTML_SUFFIXES,
    KIND_RANK,
    MAX_REDIRECTS,
    POOL_MIN_PAGES,
    WORKERS,
    ExternalLink,
    Finding,
    Page,
    UsageError,
    css_urls,
    host_problem,
    parse_page,
    sitemap_locs,
)
from fasciasite.links.resolve import Site  # also part of this module's API

EMPTY_SRC = "empty src: names no resource (some browsers fetch this page again instead)"
CARD_RELATIVE = ("preview-card URL (og:image, og:url, twitter:image) must be absolute "
                 "(https://...): sites that show the card ignore a relative one")


class PageResult(NamedTuple):
    """What checking one page gives; `pending` needs the other pages' anchors."""
    rel: str
    source: str
    ids: frozenset[str]
    redirect: str | None  # the file a meta-refresh page sends to
    findings: list[Finding]
    external: list[tuple[ExternalLink, int]]  # (occurrence, count)
    pending: list[tuple[str, str, int, str, str | None]]  # (raw, kind, count, target, fragment)
    checked: int


def check_page(site: Site, page: Page) -> PageResult:
    """Resolve a page's links; fragments into other pages and redirects are left pending."""
    findings: list[Finding] = []
    external: list[tuple[ExternalLink, int]] = []
    pending: list[tuple[str, str, int, str, str | None]] = []
    checked = 0
    base_dir, redirect, base_url = posixpath.dirname(page.rel), None, None
    if page.base is not None:
        base_url, problem = site.base_url(page.rel, page.base)
        if problem:
            findings.append(Finding(page.rel, page.source, page.base, "malformed", None,
                                    f"<base href> ignored: {problem}", 1))
    links: Sequence[tuple[str, str]] = page.links
    if page.refresh:  # a redirect page's canonical and fallback links repeat its target
        links = [(k, raw) for k, raw in links if k == "refresh" or raw != page.refresh]
    for element, count in Counter(raw for k, raw in links if k == "empty").items():
        findings.append(Finding(page.rel, page.source, element, "malformed", None, EMPTY_SRC,
                                count))
        checked += count
    links = [(k, raw) for k, raw in links if k != "empty"]
    # One report per link text and page: the same text in several elements takes the
    # strongest kind (a refresh over a link over a resource over a hint).
    kinds = dict((raw, k) for k, raw in sorted(links, key=lambda link: KIND_RANK[link[0]]))
    for raw, count in Counter(raw for _, raw in links).items():
        kind = kinds[raw]
        what, value, fragment = site.resolve(page.rel, base_dir, raw, base_url)
        if what == "skip" or kind == "hint" and what == "external":
            continue
        if kind == "card" and what != "malformed" and not is_absolute(raw):
            what, value = "malformed", CARD_RELATIVE
        if what == "external":  # counted as checked only when they are (--external)
            external.append(((page.rel, page.source, raw, value, fragment), count))
            continue
        checked += count
        if what == "malformed":
            findings.append(Finding(page.rel, page.source, raw, "malformed", None, value, count))
        elif what == "security":
            findings.append(Finding(page.rel, page.source, raw, "security", None,
                                    "javascript: URL (security: link to a real page)", count))
        elif what == "broken":
            reason = value if kind != "refresh" else f"redirect target missing ({value})"
            findings.append(Finding(page.rel, page.source, raw, "internal", None, reason, count))
        elif kind == "refresh" or fragment and value.endswith(HTML_SUFFIXES):
            if kind == "refresh":
                redirect = value
            pending.append((raw, kind, count, value, fragment))
    return PageResult(page.rel, page.source, page.ids, redirect, findings, external, pending,
                      checked)


_WORKER_SITE: Site | None = None


def _init_worker(site: Site) -> None:
    global _WORKER_SITE
    _WORKER_SITE = site


def _check_file(rel: str) -> PageResult:
    site = _WORKER_SITE
    if site is None:
        raise RuntimeError("_check_file runs only after _init_worker(site)")
    try:
        with open(os.path.join(site.root, rel), "rb") as f:
            data = f.read()
    except OSError as exc:  # a dangling symlink, no permission
        finding = Finding(rel, rel, rel, "internal", None, f"cannot read the page: {exc}", 1)
        return PageResult(rel, rel, frozenset(), None, [finding], [], [], 1)
    return check_page(site, parse_page(rel, data))


def check_pages(site: Site, rels: list[str]) -> list[PageResult]:
    """Read, parse and check each page once: in a process pool when there are many."""
    if len(rels) < POOL_MIN_PAGES:
        _init_worker(site)
        return [_check_file(rel) for rel in rels]
    chunk = max(8, len(rels) // (WORKERS * 8))
    # fork starts fastest (Python 3.14 no longer picks it by default on Linux)
    context = multiprocessing.get_context("fork" if "fork" in
                                          multiprocessing.get_all_start_methods() else None)
    with ProcessPoolExecutor(WORKERS, mp_context=context, initializer=_init_worker,
                             initargs=(site,)) as pool:
        return list(pool.map(_check_file, rels, chunksize=chunk))


class Anchors:
    """Every page's anchors and redirect, to settle the pending links."""

    def __init__(self, results: list[PageResult]):
        self.ids = {r.rel: r.ids for r in results}
        self.redirects = {r.rel: r.redirect for r in results if r.redirect}

    def final_page(self, target: str) -> tuple[str | None, str | None]:
        """Follow meta-refresh pages from `target`: (final file, None) or (None, reason)."""
        seen = [target]
        while target in self.redirects:
            target = self.redirects[target]
            if target in seen or len(seen) > MAX_REDIRECTS:
                return None, f"redirect loop: {' -> '.join(seen)} -> {target}"
            seen.append(target)
        return target, None

    def problem(self, target: str, fragment: str | None, kind: str,
                same_page: bool) -> tuple[str, str] | None:
        """(finding kind, reason) for a pending link, or None when it is fine."""
        final, reason = self.final_page(target)
        if final is None:
            # final_page gives a reason whenever it gives no file
            return ("internal", reason or "redirect loop") if kind == "refresh" else None  # reported on the redirect
        if not fragment or fragment.lower() == "top" or ":~:" in fragment:
            return None
        ids = self.ids.get(final)
        if ids is None or fragment in ids or unquote(fragment) in ids:
            return None  # not an HTML page we read, or a fine anchor
        where = "on this page" if same_page else f"in {final}"
        return "fragment", f"no id or <a name> '{unquote(fragment)}' {where}"


def find_site_url(home: Page | None, sitemap: list[str]) -> str | None:
    """Origin + path of index.html's canonical link, else of sitemap.xml's first <loc>."""
    candidates = [home.canonical] if home and home.canonical else []
    for url in candidates + sitemap[:1]:
        try:
            parts = urlsplit(url.strip())
        except ValueError:
            continue  # reported as a malformed link
        if parts.scheme in ("http", "https") and parts.netloc and not host_problem(parts.netloc):
            path = parts.path[:parts.path.rfind("/") + 1] or "/"
            return f"{parts.scheme}://{parts.netloc}{path}"
    return None


def check_internal(root: Path, site_url: str | None) -> tuple:
    """(findings, external occurrences Counter, pages, links checked, site URL)."""
    site = Site.scan(root)
    html = sorted(f for f in site.files if f.endswith(HTML_SUFFIXES))
    if not html:
        raise UsageError(f"SITE_DIR '{root}' has no HTML files")
    sitemap, findings = [], []
    if "sitemap.xml" in site.files:
        try:
            sitemap = sitemap_locs((root / "sitemap.xml").read_bytes())
        except etree.XMLSyntaxError as exc:
            findings.append(Finding("sitemap.xml", "sitemap.xml", "sitemap.xml", "internal", None,
                                    f"not a readable sitemap: {exc}", 1))
    home = parse_page("index.html", (root / "index.html").read_bytes()) \
        if "index.html" in site.files else None
    site_url = site_url or find_site_url(home, sitemap)
    site.set_site_url(site_url)
    results = check_pages(site, [rel for rel in html if rel != "index.html"])
    if home:
        results.append(check_page(site, home))
    # The site's own stylesheets and sitemap are checked like small pages.
    for rel in sorted(f for f in site.files if f.endswith(".css")):
        text = (root / rel).read_text(encoding="utf-8", errors="replace")
        results.append(check_page(site, Page(rel, rel, frozenset(),
                                             tuple(("res", u) for u in css_urls(text)),
                                             None, None)))
    external: Counter[ExternalLink] = Counter()
    checked = 0
    for loc, count in Counter(sitemap).items():
        if site.resolve("sitemap.xml", "", loc)[0] == "external" and site.host:
            findings.append(Finding("sitemap.xml", "sitemap.xml", loc, "internal", None,
                                    f"not under the site URL {site_url}", count))
    results.append(check_page(site, Page("sitemap.xml", "sitemap.xml", frozenset(),
                                         tuple(("hint", u) for u in sitemap), None, None)))
    anchors = Anchors(results)
    for r in results:
        findings += r.findings
        external.update(dict(r.external))
        checked += r.checked
        for raw, kind, count, target, fragment in r.pending:
            problem = anchors.problem(target, fragment, kind, target == r.rel)
            if problem:
                findings.append(Finding(r.rel, r.source, raw, problem[0], None, problem[1],
                                        count))
    return findings, external, len(html), checked, site_url


# ---------------------------------------------------------------- configuration and cache



def is_absolute(raw: str) -> bool:
    return raw.strip().lower().startswith(("http://", "https://"))
