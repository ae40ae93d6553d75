"""External links: polite GETs (body unread) with per-host limits, retries, Retry-After, a cache;
#fragments looked up in the first FRAGMENT_MAX_BYTES of HTML targets."""
from __future__ import annotations

import ast
import errno
import json
import os
import re
import socket
import sys
import tomllib
from collections import Counter
from email.utils import parsedate_to_datetime
from http import HTTPStatus
from pathlib import Path
from typing import TYPE_CHECKING, TypeGuard
from urllib.parse import unquote, urljoin, urlsplit

from fasciasite.links.common import (
    FRAGMENT_MAX_BYTES,
    MAX_REDIRECTS,
    MAX_RETRY_WAIT,
    PER_HOST,
    RETRIES,
    USER_AGENT,
    ExternalLink,
    Finding,
    UsageError,
    page_ids,
)

if TYPE_CHECKING:  # imported for the annotations only: see ExternalChecker
    import argparse

    import httpx

HTML_TYPES = ("text/html", "application/xhtml+xml")
HTML_ACCEPT = "text/html,application/xhtml+xml;q=0.9,*/*;q=0.8"


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
    days = config["ok_days"] if is_ok(entry) else config["fail_days"]
    return now - entry.get("checked", 0) < days * 86400


def is_ok(entry: dict) -> bool:
    return entry.get("status") is not None and 200 <= entry["status"] < 300


def checkable_fragment(fragment: str | None) -> TypeGuard[str]:
    """A fragment worth looking up: not #top, a text fragment or an app route (#/x, #!x)."""
    return fragment is not None and bool(fragment) and fragment.lower() != "top" \
        and ":~:" not in fragment and not fragment.startswith(("/", "!"))


def lacks_fragments(entry: dict, fragments: set) -> bool:
    """Whether a cached ok HTML answer does not yet say whether these ids exist."""
    return bool(fragments) and is_ok(entry) and entry.get("html") is not False \
        and not fragments <= set(entry.get("fragments") or {})


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


def _plain_text(text: str) -> str:
    """h11's messages quote raw bytes as bytearray(b'...'): show them as text."""
    text = re.sub(r"bytearray\((b'(?:[^'\\]|\\.)*'|b\"(?:[^\"\\]|\\.)*\")\)", lambda m: repr(
        ast.literal_eval(m.group(1)).decode("latin-1")), text)
    return text if len(text) <= 160 else text[:157] + "..."


def network_reason(exc: BaseException, timeout: float) -> str:
    """A plain reason for anything that went wrong with one request: what a reader of the
    report needs (refused, not found in DNS, TLS, cut short, not HTTP), never a traceback.
    Shared by the reference checker's client (fasciasite.references.webapi)."""
    import ssl

    import httpx

    if isinstance(exc, (TimeoutError, httpx.TimeoutException)):
        return f"timeout: no answer within {timeout:g} s"
    codes: set[int] = set()
    chain: BaseException | None = exc
    kinds: list[BaseException] = []
    while chain is not None and len(kinds) < 20:
        kinds.append(chain)
        if isinstance(chain, OSError) and chain.errno:
            codes.add(chain.errno)
        chain = chain.__cause__ or chain.__context__
    text = _plain_text(str(exc) or type(exc).__name__)
    low = text.lower()
    if any(isinstance(k, socket.gaierror) for k in kinds) or "name or service not known" in low \
            or "nodename nor servname" in low or "temporary failure in name resolution" in low:
        return "host not found (DNS): no address for this host name"
    if errno.ECONNREFUSED in codes or "refused" in low:
        return "connection refused"
    if errno.ECONNRESET in codes or "reset by peer" in low or "connection reset" in low:
        return "connection reset by the server"
    if any(isinstance(k, ssl.SSLCertVerificationError) for k in kinds) or "certificate verify failed" in low:
        messages: list[str] = [getattr(k, "verify_message", "") for k in kinds
                               if isinstance(k, ssl.SSLCertVerificationError)]
        why = next((message for message in messages if message), "")
        return f"TLS error: the certificate is not valid{f' ({why})' if why else ''}"
    if any(isinstance(k, ssl.SSLError) for k in kinds) or "[ssl" in low:
        return f"TLS error: the secure connection failed ({text})"
    if isinstance(exc, httpx.TooManyRedirects):
        return "too many redirects"
    if isinstance(exc, httpx.DecodingError):
        return f"the answer cannot be decoded as its headers say ({text})"
    if isinstance(exc, httpx.RemoteProtocolError):
        if "without sending a response" in low:
            return "the server closed the connection without an answer"
        if "complete message body" in low:
            return f"the answer was cut short: {text}"
        return f"the server's answer is not valid HTTP ({text})"
    if isinstance(exc, (httpx.LocalProtocolError, *h11_errors())):
        return f"the connection broke while talking to the server ({type(exc).__name__}: {text})"
    if isinstance(exc, httpx.ConnectError):
        return f"cannot connect: {text}"
    if isinstance(exc, (httpx.InvalidURL, httpx.UnsupportedProtocol)):
        return f"not a URL that can be requested: {text}"
    return f"request failed: {type(exc).__name__}: {text}"


def h11_errors() -> tuple[type, ...]:
    """h11's own errors, which can escape httpx from a connection left broken."""
    try:
        import h11

        return (h11.ProtocolError,)
    except ImportError:  # an httpx without h11: nothing of that kind to name
        return ()


class ExternalChecker:
    """Checks URLs with an httpx.AsyncClient. asyncio and httpx are imported only in
    this section's functions: internal-only runs start 150 ms sooner without them."""

    def __init__(self, client: httpx.AsyncClient, timeout: float, concurrency: int, now: float):
        import asyncio

        self.client, self.timeout, self.now = client, timeout, now
        self.global_limit = asyncio.Semaphore(concurrency)
        self.host_limits: dict[str, asyncio.Semaphore] = {}

    async def fetch(self, method: str, url: str, read_html: bool = False) -> dict:
        """One request with retries on 429/503: {"status", "headers"} or {"error"}; with
        read_html, a 2xx HTML answer's first FRAGMENT_MAX_BYTES too ("body", "truncated")."""
        import asyncio


        host = urlsplit(url).netloc.lower()
        host_limit = self.host_limits.setdefault(host, asyncio.Semaphore(PER_HOST))
        accept = {"Accept": HTML_ACCEPT} if read_html else {}
        for attempt in range(RETRIES + 1):
            body = None
            async with self.global_limit, host_limit:
                try:
                    async with asyncio.timeout(self.timeout):
                        response = await self.client.send(
                            self.client.build_request(method, url, headers=accept),
                            stream=True)
                        if read_html and 200 <= response.status_code < 300 and \
                                response.headers.get("content-type", "").split(";")[0] \
                                .strip().lower() in HTML_TYPES:
                            body = await read_capped(response, FRAGMENT_MAX_BYTES)
                        await response.aclose()  # otherwise the status decides: body unread
                except Exception as exc:  # whatever one request does is that URL's finding
                    return {"error": network_reason(exc, self.timeout)}  # OSError: timeouts
            status, headers = response.status_code, response.headers
            if status not in (429, 503):
                result = {"status": status, "headers": headers}
                if body is not None:
                    result["body"], result["truncated"] = body
                return result
            wait = retry_after(headers.get("retry-after"), self.now)
            if wait is not None and wait > MAX_RETRY_WAIT:
                return {"status": status, "headers": headers,
                        "rate_limited": f"rate limited (Retry-After {wait:.0f} s)"}
            if attempt == RETRIES:
                break
            await asyncio.sleep(wait if wait is not None else 0.5 * 2 ** attempt)
        return {"status": status, "headers": headers,
                "rate_limited": "rate limited (HTTP 429 after retries)" if status == 429 else None}

    async def check(self, url: str, fragments: frozenset = frozenset()) -> dict:
        """Follow redirects by hand: {"status", "hosts", ...} or {"error", "hosts"}. With
        fragments (ids wanted), GET and, for an HTML page, "html" and "fragments":
        {fragment: True (found), False (missing) or None (not in the part read)}."""
        seen, hosts = [url], []
        while True:
            hosts.append(urlsplit(url).hostname or "")
            # GET, as browsers and lychee do: a server's HEAD may answer 200 where its GET
            # fails (or refuse HEAD). The body is not read unless a #fragment is looked up.
            result = await self.fetch("GET", url, bool(fragments))
            status = result.get("status")
            location = result.get("headers", {}).get("location") if status else None
            if status is None or not (300 <= status < 400 and location):
                done = {"status": status, "error": result.get("error"), "hosts": hosts,
                        "final": url, "rate_limited": result.get("rate_limited")}
                if fragments and status is not None and 200 <= status < 300:
                    done.update(look_up(result, fragments))
                return done
            try:
                target = urljoin(url, location.strip()).split("#", 1)[0]
            except ValueError:
                return {"status": None, "hosts": hosts,
                        "error": f"redirect to a malformed URL: {location.strip()}"}
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


async def read_capped(response: httpx.Response, cap: int) -> tuple[bytes, bool]:
    """(the first `cap` bytes of the body, whether there was more)."""
    chunks, size = [], 0
    async for chunk in response.aiter_bytes():
        chunks.append(chunk)
        size += len(chunk)
        if size >= cap:
            return b"".join(chunks)[:cap], True
    return b"".join(chunks), False


def look_up(result: dict, fragments: frozenset) -> dict:
    """{"html", "fragments"} of a 2xx answer read by fetch(read_html=True)."""
    if "body" not in result:
        return {"html": False}
    ids = page_ids(result["body"], result["headers"].get("content-type", ""))
    missing = False if not result["truncated"] else None  # beyond the cap: not verified
    return {"html": True, "fragments": {f: True if f in ids or unquote(f) in ids else missing
                                        for f in sorted(fragments)}}


async def check_urls(urls: list[str], site_url: str | None, timeout: float,
                     concurrency: int, now: float,
                     fragments: dict[str, frozenset] | None = None) -> dict[str, dict]:
    import asyncio

    import httpx

    agent = f"{USER_AGENT} (+{site_url})" if site_url else USER_AGENT
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(headers={"User-Agent": agent, "Accept": "*/*"},
                                 timeout=timeout, limits=limits,
                                 follow_redirects=False) as client:
        checker = ExternalChecker(client, timeout, concurrency, now)
        wanted = fragments or {}
        results = await asyncio.gather(*(checker.check(url, wanted.get(url, frozenset()))
                                         for url in urls), return_exceptions=True)
    # One URL's unexpected failure is that URL's finding; every other URL keeps its result.
    settled = [{"status": None, "hosts": [urlsplit(u).hostname or ""],
                "error": network_reason(r, timeout)} if isinstance(r, BaseException) else r
               for u, r in zip(urls, results, strict=True)]
    return dict(zip(urls, settled, strict=True))


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
    if status is None:  # a cache entry written by hand or by another tool
        return "external", None, "no answer recorded (no status, no error)"
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


def check_external(occurrences: Counter[ExternalLink], site_url: str | None,
                   args: argparse.Namespace, config: dict,
                   now: float) -> list[Finding]:
    import asyncio

    cache_path = Path(args.cache) if args.cache else None
    cache = load_cache(cache_path)
    urls = sorted({url for (_, _, _, url, _) in occurrences})
    wanted: dict[str, set] = {}
    for (_, _, _, url, fragment) in occurrences:
        if checkable_fragment(fragment):
            wanted.setdefault(url, set()).add(fragment)
    todo = [u for u in urls if u not in cache or not is_fresh(cache[u], now, config)
            or lacks_fragments(cache[u], wanted.get(u, set()))]
    if todo:
        fresh = asyncio.run(check_urls(todo, site_url, args.timeout, args.concurrency, now,
                                       {u: frozenset(f) for u, f in wanted.items()}))
        for url, result in fresh.items():
            entry = {k: result[k] for k in ("status", "error", "hosts", "final", "html",
                                            "fragments") if k in result}
            if not result.get("rate_limited"):
                cache[url] = {**entry, "checked": now}
            else:  # used for this report, never saved: asked again next run
                cache[url] = {**entry, "rate_limited": result["rate_limited"], "checked": 0}
    if cache_path is not None:
        save_cache(cache_path, {u: e for u, e in cache.items() if e.get("checked")})
    findings = []
    for (page, source, raw, url, fragment), count in occurrences.items():
        problem = classify(url, cache[url], config) or fragment_problem(cache[url], fragment)
        if problem:
            findings.append(Finding(page, source, raw, *problem, count))
    return findings


def fragment_problem(entry: dict, fragment: str | None) -> tuple[str, int | None, str] | None:
    """(kind, status, reason) when a working HTML page lacks the fragment, else None."""
    if not checkable_fragment(fragment) or not entry.get("html"):
        return None
    found = (entry.get("fragments") or {}).get(fragment)
    shown, where = unquote(fragment), entry.get("final") or "the page"
    if found is False:
        return "fragment", entry.get("status"), f"no id or <a name> '{shown}' in {where}"
    if found is None:
        return "unverified", entry.get("status"), (
            f"id '{shown}' not in the first {FRAGMENT_MAX_BYTES // (1024 * 1024)} MB of "
            f"{where} (not verified)")
    return None


# ---------------------------------------------------------------- command line

