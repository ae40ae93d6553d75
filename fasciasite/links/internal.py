"""Internal links: every page, anchor, image, stylesheet and sitemap entry inside the built site."""
from __future__ import annotations

import multiprocessing
import os
import posixpath
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import NamedTuple
from urllib.parse import unquote, urlsplit


from fasciasite.links.common import (
    Finding,
    HTML_SUFFIXES,
    KIND_RANK,
    MAX_REDIRECTS,
    POOL_MIN_PAGES,
    Page,
    SKIPPED_SCHEMES,
    UsageError,
    WORKERS,
    css_urls,
    parse_page,
    sitemap_locs,
)


class Site:
    """The file tree of SITE_DIR, indexed once, and the site URL: enough to resolve links."""

    def __init__(self, root: Path, files: set[str], dirs: set[str]):
        self.root, self.files, self.dirs = root, files, dirs
        self.host: str | None = None
        self.prefix = "/"
        self._lower: dict[str, str] | None = None
        self._raw: dict[str, tuple] = {}
        self._lookups: dict[tuple[str, bool], tuple] = {}

    @classmethod
    def scan(cls, root: Path) -> Site:
        files, dirs = set(), {""}
        for dirpath, dirnames, filenames in os.walk(root):
            rel_dir = os.path.relpath(dirpath, root).replace(os.sep, "/")
            prefix = "" if rel_dir == "." else rel_dir + "/"
            dirs.update(prefix + d for d in dirnames)
            files.update(prefix + f for f in filenames)
        return cls(root, files, dirs)

    def __getstate__(self) -> dict:  # what a worker process needs, without the caches
        return {"root": self.root, "files": self.files, "dirs": self.dirs,
                "host": self.host, "prefix": self.prefix}

    def __setstate__(self, state: dict) -> None:
        self.__init__(state["root"], state["files"], state["dirs"])
        self.host, self.prefix = state["host"], state["prefix"]

    def set_site_url(self, url: str | None) -> None:
        if url:
            parts = urlsplit(url)
            self.host = parts.netloc.lower()
            self.prefix = parts.path[:parts.path.rfind("/") + 1] or "/"

    def lookup(self, norm: str, is_dir: bool) -> tuple[str | None, str | None]:
        """(file, None) for an existing target, else (None, reason)."""
        if not is_dir and norm in self.files:
            return norm, None
        key = (norm, is_dir)
        if key not in self._lookups:
            self._lookups[key] = self._lookup(norm, is_dir)
        return self._lookups[key]

    def _lookup(self, norm: str, is_dir: bool) -> tuple[str | None, str | None]:
        if norm in self.dirs:
            index = norm + "/index.html" if norm else "index.html"
            if index in self.files:
                return index, None
            return None, f"directory {norm or '.'}/ has no index.html"
        if self._lower is None:
            self._lower = {p.lower(): p for p in self.files | self.dirs}
        actual = self._lower.get(norm.lower())
        shown = norm + "/" if is_dir else norm
        if actual is not None and actual != norm:
            return None, f"not found: {shown} (paths are case-sensitive; the site has {actual})"
        return None, f"not found: {shown}"

    def parse_raw(self, raw: str) -> tuple:
        """The part of resolving that does not depend on the page, cached per link text.

        (what, value, fragment, is_dir): what is "same" (this page), "rel" (value: a
        decoded relative path), "root" (value: a path from SITE_DIR), "external" (value:
        the URL without fragment), "skip", "security" or "broken" (value: the reason).
        """
        parsed = self._raw.get(raw)
        if parsed is None:
            parsed = self._raw[raw] = self._parse_raw(raw)
        return parsed

    def _parse_raw(self, raw: str) -> tuple:
        raw = raw.strip().replace("\t", "").replace("\n", "").replace("\r", "")
        if raw.startswith("#") or not raw:
            return "same", None, raw[1:] or None, False
        parts = urlsplit(raw)
        scheme = parts.scheme.lower()
        fragment = parts.fragment or None
        if scheme in SKIPPED_SCHEMES:
            return "skip", None, None, False
        if scheme == "javascript":
            return "security", None, None, False
        path = parts.path
        if scheme in ("http", "https", "") and parts.netloc:
            path = path or "/"
            if parts.netloc.lower() != self.host or not (path + "/").startswith(self.prefix):
                url = raw.split("#", 1)[0]
                return "external", url if scheme else "https:" + url, None, False
        elif scheme:  # ftp:, file:, ...: nothing we can check
            return "skip", None, None, False
        path = unquote(path)
        is_dir = path.endswith(("/", "/.", "/..")) or path in ("", ".", "..")
        if not path.startswith("/"):
            return "rel", path, fragment, is_dir
        if not (path + "/").startswith(self.prefix):
            return "broken", f"outside the site: {path} is not under {self.prefix}", None, False
        return "root", path[len(self.prefix):], fragment, is_dir

    def resolve(self, base: str, base_dir: str, raw: str) -> tuple[str, str | None, str | None]:
        """Resolve a link written on page `base` (in directory `base_dir`).

        (what, value, fragment): what is "internal" (value: the target file), "external"
        (value: the URL), "broken" (value: the reason), "skip" or "security".
        """
        what, path, fragment, is_dir = self.parse_raw(raw)
        if what == "same":
            return "internal", base, fragment
        if what == "rel":
            joined = f"{base_dir}/{path}" if base_dir else path
        elif what == "root":
            joined = path
        else:
            return what, path, fragment
        norm = posixpath.normpath(joined) if joined else "."
        if norm == ".." or norm.startswith(("../", "/")):
            return "broken", "resolves outside SITE_DIR (too many ../)", None
        target, reason = self.lookup("" if norm == "." else norm, is_dir)
        if target is None:
            return "broken", reason, None
        return "internal", target, fragment


class PageResult(NamedTuple):
    """What checking one page gives; `pending` needs the other pages' anchors."""
    rel: str
    source: str
    ids: frozenset
    redirect: str | None  # the file a meta-refresh page sends to
    findings: list  # Finding
    external: list  # ((page, source, raw, url), count)
    pending: list  # (raw, kind, count, target, fragment)
    checked: int


def check_page(site: Site, page: Page) -> PageResult:
    """Resolve a page's links; fragments into other pages and redirects are left pending."""
    findings, external, pending, checked = [], [], [], 0
    base_dir, redirect = posixpath.dirname(page.rel), None
    links = page.links
    if page.refresh:  # a redirect page's canonical and fallback links repeat its target
        links = [(k, raw) for k, raw in links if k == "refresh" or raw != page.refresh]
    # One report per link text and page: the same text in several elements takes the
    # strongest kind (a refresh over a link over a resource over a hint).
    kinds = dict((raw, k) for k, raw in sorted(links, key=lambda link: KIND_RANK[link[0]]))
    for raw, count in Counter(raw for _, raw in links).items():
        kind = kinds[raw]
        what, value, fragment = site.resolve(page.rel, base_dir, raw)
        if what == "skip" or kind == "hint" and what == "external":
            continue
        if what == "external":  # counted as checked only when they are (--external)
            external.append(((page.rel, page.source, raw, value), count))
            continue
        checked += count
        if what == "security":
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
    with open(os.path.join(_WORKER_SITE.root, rel), "rb") as f:
        return check_page(_WORKER_SITE, parse_page(rel, f.read()))


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
            return ("internal", reason) if kind == "refresh" else None  # reported on the redirect
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
        parts = urlsplit(url)
        if parts.scheme in ("http", "https") and parts.netloc:
            path = parts.path[:parts.path.rfind("/") + 1] or "/"
            return f"{parts.scheme}://{parts.netloc}{path}"
    return None


def check_internal(root: Path, site_url: str | None) -> tuple:
    """(findings, external occurrences Counter, pages, links checked, site URL)."""
    site = Site.scan(root)
    html = sorted(f for f in site.files if f.endswith(HTML_SUFFIXES))
    if not html:
        raise UsageError(f"SITE_DIR '{root}' has no HTML files")
    sitemap = sitemap_locs((root / "sitemap.xml").read_bytes()) if "sitemap.xml" in site.files \
        else []
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
    findings, external, checked = [], Counter(), 0
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
            problem = anchors.problem(target, fragment, kind, raw.lstrip().startswith("#"))
            if problem:
                findings.append(Finding(r.rel, r.source, raw, problem[0], None, problem[1],
                                        count))
    return findings, external, len(html), checked, site_url


# ---------------------------------------------------------------- configuration and cache

