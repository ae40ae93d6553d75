#!/usr/bin/env python3
"""Check every link of a built static site (the MkDocs output in site/).

Usage: python scripts/check_links.py SITE_DIR [--external] [--site-url URL] [--json]
           [--cache FILE] [--config FILE] [--timeout S] [--concurrency N]

Internal links (always, offline): a[href], img[src], srcset candidates, link[href],
script[src], source[src|srcset] (and iframe/video/audio/track/embed), meta-refresh
redirect pages, url(...) in the site's own *.css, and every <loc> of sitemap.xml.
A target must exist inside SITE_DIR (directory URLs mean index.html, case-sensitive,
percent-decoded, query ignored) and a #fragment must be an id or <a name> there.
javascript: URLs are security findings. External links are only collected.

External links (--external): HEAD (GET when HEAD answers an error), redirects followed
by hand (at most 10, loops named), a time limit per request, the body never read, 2
requests per host and --concurrency in all, up to 2 retries on 429/503 honouring
Retry-After up to 5 s. Reported but not counted as broken: 401/403 from the
bot-protected publishers of scripts/linkcheck.toml ("blocked, not verified") and
"rate limited" (429, or a longer Retry-After). --cache keeps results (ok 7 days,
failures 1 day) so a second run asks nothing that is still fresh.

Output: one line per broken link, `SOURCE -> LINK: reason (xN)`, SOURCE being the
docs/*.md file (from the page's edit link or <meta name="source-file">) or the page's
path in SITE_DIR; then a summary. --json prints the findings as a list of objects.

Exit 0 when nothing is broken, 1 when something is, 2 on bad usage.
"""
from __future__ import annotations

import argparse
import errno
import json
import multiprocessing
import os
import posixpath
import sys
import time
import tomllib
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from email.utils import parsedate_to_datetime
from http import HTTPStatus
from pathlib import Path
from typing import NamedTuple
from urllib.parse import unquote, urljoin, urlsplit

from lxml import etree

USER_AGENT = "FasciaBackPainSiteLinkChecker/1.0"
DEFAULT_CONFIG = Path(__file__).with_name("linkcheck.toml")
MAX_REDIRECTS = 10
POOL_MIN_PAGES = 200  # below this, process start-up costs more than it saves
WORKERS = 2
PER_HOST = 2
RETRIES = 2  # extra attempts after a 429/503
MAX_RETRY_WAIT = 5.0  # seconds; a longer Retry-After is reported as "rate limited"
SKIPPED_SCHEMES = {"mailto", "tel", "data"}
NOT_BROKEN = {"blocked", "rate-limited"}
HTML_SUFFIXES = (".html", ".htm")
LINK_TAGS = ("a", "area", "img", "link", "script", "source", "iframe", "video", "audio",
             "track", "embed", "meta")
HINT_RELS = {"preconnect", "dns-prefetch"}  # a host, not a resource: nothing to fetch
KIND_RANK = {"hint": 0, "res": 1, "a": 2, "refresh": 3}


class Page(NamedTuple):
    rel: str  # path in SITE_DIR, posix
    source: str  # docs/*.md when known, else rel
    ids: frozenset  # ids and <a name>s: valid fragments
    links: tuple  # (kind, raw URL); kind: "a", "res", "refresh", "hint"
    canonical: str | None
    refresh: str | None  # meta-refresh target as written


class Finding(NamedTuple):
    page: str
    source: str
    link: str
    kind: str  # internal, fragment, security, external, blocked, rate-limited
    status: int | None
    reason: str
    count: int


class UsageError(Exception):
    """Bad command line or configuration: exit 2 with a one-line message."""


# ---------------------------------------------------------------- HTML, CSS, srcset parsing

_HTML_PARSER = etree.HTMLParser(encoding="utf-8", remove_comments=True, remove_pis=True,
                                collect_ids=False, no_network=True)
_IDS = etree.XPath("//@id", smart_strings=False)
_A_NAMES = etree.XPath("//a/@name", smart_strings=False)


def parse_srcset(value: str) -> list[str]:
    """URLs of a srcset attribute (the HTML spec's candidate parsing, without descriptors)."""
    urls, i, n = [], 0, len(value)
    while i < n:
        while i < n and (value[i].isspace() or value[i] == ","):
            i += 1
        start = i
        while i < n and not value[i].isspace():
            i += 1
        url = value[start:i]
        if url.endswith(","):
            url = url.rstrip(",")
        else:  # skip descriptors up to the next comma outside parentheses
            depth = 0
            while i < n and (value[i] != "," or depth):
                depth += {"(": 1, ")": -1}.get(value[i], 0)
                i += 1
        if url:
            urls.append(url)
    return urls


def refresh_target(content: str) -> str | None:
    """The URL of a meta refresh content value like `0; url=../new/`."""
    cuts = [i for i in (content.find(";"), content.find(",")) if i >= 0]
    rest = content[min(cuts) + 1:].strip() if cuts else ""
    if not rest:
        return None
    if rest[:3].lower() == "url":
        after = rest[3:].lstrip()
        if after.startswith("="):
            rest = after[1:].strip()
    if rest[:1] in ("'", '"'):
        rest = rest[1:].split(rest[0], 1)[0]
    return rest or None


def source_from_edit_link(href: str) -> str | None:
    """docs/x.md from https://host/org/repo/edit/BRANCH/docs/x.md."""
    path = urlsplit(href).path
    at = path.find("/edit/")
    rest = path[at + len("/edit/"):].split("/", 1) if at >= 0 else []
    return unquote(rest[1]) if len(rest) == 2 and rest[1] else None


def parse_page(rel: str, data: bytes) -> Page:
    try:
        root = etree.fromstring(data, _HTML_PARSER)
    except etree.XMLSyntaxError:  # empty file
        root = None
    if root is None:
        return Page(rel, rel, frozenset(), (), None, None)
    ids = frozenset(_IDS(root)).union(_A_NAMES(root))
    links, meta_source, edit_source, canonical, refresh = [], None, None, None, None
    for el in root.iter(*LINK_TAGS):
        tag, get = el.tag, el.get
        if tag == "a":
            href = get("href")
            if href is None:
                continue
            if "/edit/" in href and edit_source is None:
                edit_source = source_from_edit_link(href)
            kind = "hint" if "md-content__button" in (get("class") or "") else "a"
            links.append((kind, href))
        elif tag == "link":
            href = get("href")
            if href is None:
                continue
            rels = (get("rel") or "").lower().split()
            links.append(("hint" if HINT_RELS.intersection(rels) else "res", href))
            if "canonical" in rels:
                canonical = href
        elif tag == "meta":
            if (get("http-equiv") or "").lower() == "refresh":
                refresh = refresh_target(get("content") or "")
                if refresh:
                    links.append(("refresh", refresh))
            elif get("name") == "source-file" and get("content"):
                meta_source = get("content")
        else:
            for attr in ("href", "src", "poster"):
                value = get(attr)
                if value is not None:
                    links.append(("res" if tag != "area" else "a", value))
            srcset = get("srcset")
            if srcset:
                links.extend(("res", url) for url in parse_srcset(srcset))
    source = meta_source or edit_source or rel
    return Page(rel, source, ids, tuple(links), canonical, refresh)


def css_urls(text: str) -> list[str]:
    """url(...) and @import "..." references of a stylesheet; comments are skipped."""
    urls, i, n = [], 0, len(text)
    low = text.lower()
    while i < n:
        c = text[i]
        if c == "/" and text.startswith("/*", i):
            end = text.find("*/", i + 2)
            i = n if end < 0 else end + 2
        elif c in "'\"":
            end = _string_end(text, i)
            if low[max(0, i - 32):i].rstrip().endswith("@import"):
                urls.append(text[i + 1:end - 1])
            i = end
        elif c in "uU" and low.startswith("url(", i):
            j = i + 4
            while j < n and text[j].isspace():
                j += 1
            if j < n and text[j] in "'\"":
                end = _string_end(text, j)
                urls.append(text[j + 1:end - 1])
                i = end
            else:
                end = text.find(")", j)
                end = n if end < 0 else end
                urls.append(text[j:end].strip())
                i = end + 1
        else:
            i += 1
    return [u for u in urls if u]


def _string_end(text: str, start: int) -> int:
    """Index just past the CSS string starting at text[start] (a quote)."""
    quote, i = text[start], start + 1
    while i < len(text):
        if text[i] == "\\":
            i += 2
        elif text[i] == quote or text[i] == "\n":
            return i + 1
        else:
            i += 1
    return len(text)


def sitemap_locs(data: bytes) -> list[str]:
    parser = etree.XMLParser(resolve_entities=False, no_network=True, recover=True)
    root = etree.fromstring(data, parser)
    if root is None:
        return []
    return [loc.text.strip() for loc in root.iter("{*}loc") if loc.text and loc.text.strip()]


# ---------------------------------------------------------------- the site and its links

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

def load_config(path: Path, explicit: bool) -> dict:
    config = {"hosts": [], "doi_prefixes": [], "ok_days": 7.0, "fail_days": 1.0}
    if not path.is_file():
        if explicit:
            raise UsageError(f"{path}: config file not found")
        return config
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise UsageError(f"{path}: {exc}") from None
    blocked, cache = data.get("blocked_ok", {}), data.get("cache", {})
    for key in ("hosts", "doi_prefixes"):
        value = blocked.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise UsageError(f"{path}: [blocked_ok] {key} must be a list of strings")
        config[key] = [v.lower() for v in value]
    for key in ("ok_days", "fail_days"):
        value = cache.get(key, config[key])
        if not isinstance(value, (int, float)) or value < 0:
            raise UsageError(f"{path}: [cache] {key} must be a number of days >= 0")
        config[key] = float(value)
    return config


def load_cache(path: Path | None) -> dict:
    if path is None or not path.is_file():
        return {}
    try:
        entries = json.loads(path.read_text(encoding="utf-8"))["entries"]
        return {url: e for url, e in entries.items()
                if isinstance(e, dict) and isinstance(e.get("checked"), (int, float))}
    except (ValueError, TypeError, KeyError, AttributeError):
        print(f"{path}: unreadable cache, starting a new one", file=sys.stderr)
        return {}


def save_cache(path: Path, entries: dict) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps({"version": 1, "entries": entries}, indent=0, sort_keys=True),
                   encoding="utf-8")
    os.replace(tmp, path)


def is_fresh(entry: dict, now: float, config: dict) -> bool:
    ok = entry.get("status") is not None and 200 <= entry["status"] < 300
    days = config["ok_days"] if ok else config["fail_days"]
    return now - entry.get("checked", 0) < days * 86400


# ---------------------------------------------------------------- external checking

def retry_after(value: str | None, now: float) -> float | None:
    """Seconds to wait from a Retry-After header (delta seconds or an HTTP date)."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        return max(0.0, parsedate_to_datetime(value).timestamp() - now)
    except (TypeError, ValueError, IndexError):
        return None


def network_reason(exc: BaseException, timeout: float) -> str:
    import httpx

    if isinstance(exc, (TimeoutError, httpx.TimeoutException)):
        return f"timeout: no answer within {timeout:g} s"
    codes, chain = set(), exc
    while chain is not None:
        if isinstance(chain, OSError) and chain.errno:
            codes.add(chain.errno)
        chain = chain.__cause__ or chain.__context__
    text = str(exc) or type(exc).__name__
    if errno.ECONNREFUSED in codes or "refused" in text.lower():
        return "connection refused"
    if errno.ECONNRESET in codes or "reset" in text.lower():
        return "connection reset by the server"
    if isinstance(exc, httpx.RemoteProtocolError):
        return f"server closed the connection: {text}"
    if isinstance(exc, httpx.ConnectError):
        return f"cannot connect: {text}"
    return f"request failed: {text}"


class ExternalChecker:
    """Checks URLs with an httpx.AsyncClient. asyncio and httpx are imported only in
    this section's functions: internal-only runs start 150 ms sooner without them."""

    def __init__(self, client, timeout: float, concurrency: int, now: float):
        import asyncio

        self.client, self.timeout, self.now = client, timeout, now
        self.global_limit = asyncio.Semaphore(concurrency)
        self.host_limits: dict[str, asyncio.Semaphore] = {}

    async def fetch(self, method: str, url: str) -> dict:
        """One request with retries on 429/503: {"status", "headers"} or {"error"}."""
        import asyncio

        import httpx

        host = urlsplit(url).netloc.lower()
        host_limit = self.host_limits.setdefault(host, asyncio.Semaphore(PER_HOST))
        for attempt in range(RETRIES + 1):
            async with self.global_limit, host_limit:
                try:
                    async with asyncio.timeout(self.timeout):
                        response = await self.client.send(
                            self.client.build_request(method, url), stream=True)
                        await response.aclose()  # the status decides: the body is never read
                except (httpx.HTTPError, httpx.InvalidURL, OSError) as exc:  # OSError: timeouts
                    return {"error": network_reason(exc, self.timeout)}
            status, headers = response.status_code, response.headers
            if status not in (429, 503):
                return {"status": status, "headers": headers}
            wait = retry_after(headers.get("retry-after"), self.now)
            if wait is not None and wait > MAX_RETRY_WAIT:
                return {"status": status, "headers": headers,
                        "rate_limited": f"rate limited (Retry-After {wait:.0f} s)"}
            if attempt == RETRIES:
                break
            await asyncio.sleep(wait if wait is not None else 0.5 * 2 ** attempt)
        return {"status": status, "headers": headers,
                "rate_limited": "rate limited (HTTP 429 after retries)" if status == 429 else None}

    async def check(self, url: str) -> dict:
        """Follow redirects by hand: {"status", "hosts", ...} or {"error", "hosts"}."""
        seen, hosts = [url], []
        while True:
            hosts.append(urlsplit(url).hostname or "")
            result = await self.fetch("HEAD", url)
            status = result.get("status")
            if status is not None and status >= 400 and status not in (429, 503):
                result = await self.fetch("GET", url)  # many servers refuse or botch HEAD
                status = result.get("status")
            location = result.get("headers", {}).get("location") if status else None
            if status is None or not (300 <= status < 400 and location):
                return {"status": status, "error": result.get("error"), "hosts": hosts,
                        "final": url, "rate_limited": result.get("rate_limited")}
            target = urljoin(url, location.strip()).split("#", 1)[0]
            if urlsplit(target).scheme not in ("http", "https"):
                return {"status": None, "hosts": hosts,
                        "error": f"redirect to a non-web URL: {target}"}
            if target in seen:
                loop = " -> ".join([*seen[seen.index(target):], target])
                return {"status": None, "hosts": hosts, "error": f"redirect loop: {loop}"}
            if len(seen) > MAX_REDIRECTS:
                return {"status": None, "hosts": hosts,
                        "error": f"more than {MAX_REDIRECTS} redirects"}
            seen.append(target)
            url = target


async def check_urls(urls: list[str], site_url: str | None, timeout: float,
                     concurrency: int, now: float) -> dict[str, dict]:
    import asyncio

    import httpx

    agent = f"{USER_AGENT} (+{site_url})" if site_url else USER_AGENT
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(headers={"User-Agent": agent, "Accept": "*/*"},
                                 timeout=timeout, limits=limits,
                                 follow_redirects=False) as client:
        checker = ExternalChecker(client, timeout, concurrency, now)
        results = await asyncio.gather(*(checker.check(url) for url in urls))
    return dict(zip(urls, results, strict=True))


def is_blocked_ok(url: str, hosts: list[str], config: dict) -> bool:
    def listed(host: str) -> bool:
        return any(host == h or host.endswith("." + h) for h in config["hosts"])

    parts = urlsplit(url)
    if parts.hostname in ("doi.org", "dx.doi.org", "www.doi.org"):
        doi = unquote(parts.path).lstrip("/").lower()
        if any(doi.startswith(p + "/") for p in config["doi_prefixes"]):
            return True
    return any(listed(h) for h in [parts.hostname or "", *hosts])


def classify(url: str, result: dict, config: dict) -> tuple[str, int | None, str] | None:
    """(kind, status, reason) of a problem, or None when the link works."""
    status = result.get("status")
    if result.get("error"):
        return "external", status, result["error"]
    if result.get("rate_limited"):
        return "rate-limited", status, result["rate_limited"]
    if 200 <= status < 300:
        return None
    if status in (401, 403) and is_blocked_ok(url, result.get("hosts", []), config):
        return "blocked", status, f"blocked, not verified (HTTP {status})"
    try:
        reason = f"HTTP {status} {HTTPStatus(status).phrase}"
    except ValueError:
        reason = f"HTTP {status}"
    final = result.get("final")
    return "external", status, reason + (f" at {final}" if final and final != url else "")


def check_external(occurrences: Counter, site_url: str | None, args, config: dict,
                   now: float) -> list[Finding]:
    import asyncio

    cache_path = Path(args.cache) if args.cache else None
    cache = load_cache(cache_path)
    urls = sorted({url for (_, _, _, url) in occurrences})
    todo = [u for u in urls if u not in cache or not is_fresh(cache[u], now, config)]
    if todo:
        fresh = asyncio.run(check_urls(todo, site_url, args.timeout, args.concurrency, now))
        for url, result in fresh.items():
            entry = {k: result.get(k) for k in ("status", "error", "hosts", "final")}
            if not result.get("rate_limited"):
                cache[url] = {**entry, "checked": now}
            else:  # used for this report, never saved: asked again next run
                cache[url] = {**entry, "rate_limited": result["rate_limited"], "checked": 0}
    if cache_path is not None:
        save_cache(cache_path, {u: e for u, e in cache.items() if e.get("checked")})
    findings = []
    for (page, source, raw, url), count in occurrences.items():
        problem = classify(url, cache[url], config)
        if problem:
            findings.append(Finding(page, source, raw, *problem, count))
    return findings


# ---------------------------------------------------------------- command line

def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="check_links.py",
        description="Check the internal (and with --external, the external) links of a "
                    "built static site. Exit 0 ok, 1 broken links found, 2 bad usage.",
        epilog="Example: python scripts/check_links.py site --external --cache .linkcache.json")
    parser.add_argument("site_dir", metavar="SITE_DIR", help="the built site (mkdocs build output)")
    parser.add_argument("--external", action="store_true",
                        help="also check links to other hosts over the network")
    parser.add_argument("--site-url", help="the site's public URL; absolute links under it are "
                        "internal (default: index.html's canonical link, else sitemap.xml)")
    parser.add_argument("--json", action="store_true", help="print findings as a JSON list")
    parser.add_argument("--cache", metavar="FILE", help="JSON cache of external results")
    parser.add_argument("--config", metavar="FILE", help=f"settings (default: {DEFAULT_CONFIG})")
    parser.add_argument("--timeout", type=float, default=10.0, metavar="S",
                        help="seconds per external request (default: 10)")
    parser.add_argument("--concurrency", type=int, default=8, metavar="N",
                        help=f"external requests at once (default: 8; {PER_HOST} per host)")
    return parser


def report(findings: list[Finding], pages: int, checked: int, external_note: str,
           as_json: bool) -> None:
    broken = sum(f.count for f in findings if f.kind not in NOT_BROKEN)
    security = sum(f.count for f in findings if f.kind == "security")
    summary = (f"{pages} pages, {checked} links checked{external_note}: "
               f"{broken} broken, {security} security findings")
    if as_json:
        print(json.dumps([f._asdict() for f in findings], indent=2))
        print(summary, file=sys.stderr)
        return
    for f in findings:
        times = f" (x{f.count})" if f.count > 1 else ""
        print(f"{f.source} -> {f.link}: {f.reason}{times}")
    print(summary)


def main(argv: list[str] | None = None, now: float | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        root = Path(args.site_dir)
        if not root.is_dir():
            raise UsageError(f"SITE_DIR {args.site_dir!r} is not a directory; build the site "
                             "first (mkdocs build) or pass its path")
        if args.timeout <= 0 or args.concurrency < 1:
            raise UsageError("--timeout must be > 0 and --concurrency >= 1")
        config = load_config(Path(args.config) if args.config else DEFAULT_CONFIG,
                             explicit=bool(args.config))
        findings, external, pages, checked, site_url = check_internal(root, args.site_url)
    except UsageError as exc:
        print(f"check_links.py: error: {exc}", file=sys.stderr)
        return 2
    external_note = f" ({sum(external.values())} external not checked)" if external else ""
    if args.external and external:
        findings += check_external(external, site_url, args, config,
                                   time.time() if now is None else now)
        checked += sum(external.values())
        external_note = f" (incl. {len(set(k[3] for k in external))} external URLs)"
    findings.sort(key=lambda f: (f.source, f.page, f.link))
    report(findings, pages, checked, external_note, args.json)
    return 1 if any(f.kind not in NOT_BROKEN for f in findings) else 0


if __name__ == "__main__":
    sys.exit(main())
