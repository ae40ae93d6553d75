"""A polite JSON client for Crossref, NCBI E-utilities and doi.org, with a cache.

Used by fasciasite.references.refs_online and fasciasite.references.add_reference. What "polite" means here:

- User-Agent names the tool, the repository and a contact (`mailto:`), which puts
  Crossref requests in its "polite pool"; E-utilities get the same contact as
  `tool`/`email` parameters, and `api_key` when NCBI_API_KEY is set;
- one request at a time, at most `per_second` requests a second to each host
  (NCBI allows 3 a second without a key, 10 with one);
- a time limit on every whole request (`timeout_seconds`, from connecting to the last
  byte of the answer: an answer trickling one byte a second is cut off too, which
  httpx's own timeouts, per read, never do); answers larger than MAX_ANSWER_BYTES are
  refused; retries on 429/502/503/504, timeouts and broken answers (a body shorter than
  its Content-Length, a reset, a non-HTTP reply), waiting what `Retry-After` asks
  (seconds or an HTTP date), never more than `max_wait_seconds`;
- whatever goes wrong with one request (also an answer that is not JSON: empty, HTML,
  bad UTF-8) is a NetworkError with a plain reason: the caller reports that entry as
  "not checked" and goes on with the others;
- after three failures in a row a host is not asked again in this run;
- answers (HTTP 200 only) kept in a JSON cache for `cache_days` (30); `refresh` ignores it.

Settings: refs_online.toml (every key optional), then the environment:
REFS_MAILTO, NCBI_API_KEY, and REFS_CROSSREF_URL / REFS_EUTILS_URL / REFS_DOI_URL
(base URLs; the tests point them at a server on 127.0.0.1).

httpx (already pinned for the link checker) is the HTTP layer. habanero was tried and
not used: it calls a module-level httpx2.get per request (no shared client, no retry,
no Retry-After, no cache, no way to inject a base URL per service) and brings a second
HTTP stack; our few URL patterns cost less than working around it.
"""
from __future__ import annotations

import asyncio
import json
import os
import time
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

import httpx

DEFAULT_CONFIG = Path("refs_online.toml")
TOOL = "fasciasite-refs"
RETRY_STATUSES = {429, 502, 503, 504}
POLITE_PARAMS = {"tool", "email", "api_key", "mailto"}  # not part of a cache key
FAILURES_BEFORE_GIVING_UP = 3
MAX_ANSWER_BYTES = 32 * 1024 * 1024  # a Crossref or esummary answer is a few kB


class NetworkError(Exception):
    """A lookup that failed on the network or at the service (exit 3)."""


class ConfigError(Exception):
    """Bad settings (exit 2); the message names the file and the fix."""


@dataclass
class Config:
    mailto: str = ""
    ncbi_api_key: str = ""
    crossref_url: str = "https://api.crossref.org"
    eutils_url: str = "https://eutils.ncbi.nlm.nih.gov/entrez/eutils"
    doi_url: str = "https://doi.org"
    repository: str = ""  # read from mkdocs.yml repo_url (written once there)
    per_second: float = 3.0
    timeout_seconds: float = 20.0
    retries: int = 3
    max_wait_seconds: float = 120.0
    cache_days: float = 30.0

    @property
    def user_agent(self) -> str:
        about = "; ".join(x for x in (f"+{self.repository}" if self.repository else "",
                                      f"mailto:{self.mailto}" if self.mailto else "") if x)
        return f"{TOOL}/1.0 ({about})" if about else f"{TOOL}/1.0"


ENV = {"REFS_MAILTO": "mailto", "NCBI_API_KEY": "ncbi_api_key", "REFS_CROSSREF_URL": "crossref_url",
       "REFS_EUTILS_URL": "eutils_url", "REFS_DOI_URL": "doi_url"}


def load_config(path: Path | None = None, env: Mapping[str, str] | None = None,
                site_config: Path = Path("mkdocs.yml")) -> Config:
    """Settings from the TOML file (missing file: defaults), then the environment;
    the repository address for the User-Agent comes from mkdocs.yml's repo_url."""
    environ: Mapping[str, str] = os.environ if env is None else env
    path = DEFAULT_CONFIG if path is None else Path(path)
    values: dict[str, Any] = {"repository": _repo_url(site_config)}
    if path.is_file():
        try:
            values.update(tomllib.loads(path.read_text(encoding="utf-8")))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise ConfigError(f"{path}: {exc}; fix the TOML") from exc
    known = {f.name: f.type for f in fields(Config)}
    for name in values:
        if name not in known:
            raise ConfigError(f"{path}: unknown setting '{name}'; use one of {', '.join(known)}")
    for var, name in ENV.items():
        if environ.get(var):
            values[name] = environ[var]
    config = Config()
    for name, value in values.items():
        default = getattr(config, name)
        try:
            setattr(config, name, type(default)(value))
        except (TypeError, ValueError) as exc:
            raise ConfigError(f"{path}: {name} = {value!r} is not a {type(default).__name__}; fix it") from exc
    for name in ("crossref_url", "eutils_url", "doi_url"):
        setattr(config, name, getattr(config, name).rstrip("/"))
    return config


def _repo_url(site_config: Path) -> str:
    try:
        import yaml

        return str((yaml.safe_load(site_config.read_text(encoding="utf-8")) or {}).get("repo_url") or "")
    except Exception:  # no file, or a tag safe_load does not know: the User-Agent goes without it
        return ""


class Cache:
    """Answers by key in one JSON file; an answer older than `days` is not used."""

    def __init__(self, path: Path | None, days: float = 30.0, refresh: bool = False, now: Callable[[], float] = time.time):
        self.path, self.max_age, self.refresh, self.now = path, days * 86400, refresh, now
        self.answers: dict[str, dict] = {}
        self.hits = 0
        if path is not None and path.is_file():
            try:
                self.answers = json.loads(path.read_text(encoding="utf-8")).get("answers", {})
            except (ValueError, UnicodeDecodeError, AttributeError):
                self.answers = {}  # a damaged cache is only a slower run

    def get(self, key: str) -> Any | None:
        answer = self.answers.get(key)
        if self.refresh or not answer or self.now() - answer.get("at", 0) > self.max_age:
            return None
        self.hits += 1
        return answer["data"]

    def forget(self, key: str) -> None:
        self.answers.pop(key, None)

    def put(self, key: str, data: Any) -> None:
        self.answers[key] = {"at": self.now(), "data": data}

    def save(self) -> None:
        if self.path is None:
            return
        now = self.now()
        kept = {k: a for k, a in self.answers.items() if now - a.get("at", 0) <= self.max_age}
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_name(self.path.name + ".tmp")
        tmp.write_text(json.dumps({"version": 1, "answers": kept}, ensure_ascii=False, sort_keys=True), encoding="utf-8")
        os.replace(tmp, self.path)


def cache_key(url: str, params: dict | None = None) -> str:
    kept = sorted((k, str(v)) for k, v in (params or {}).items() if k not in POLITE_PARAMS)
    return url + ("?" + urlencode(kept) if kept else "")


def retry_after_seconds(value: str | None, now: float) -> float | None:
    """Retry-After as seconds: either a number of seconds or an HTTP date (the link
    checker's reader: one definition for both polite clients)."""
    from fasciasite.links.external import retry_after

    return retry_after(value, now)


class Client:
    """GET JSON politely. `sleep` and `clock` are injectable for the tests.

    The requests run on httpx's AsyncClient inside one private event loop so that
    asyncio.timeout can bound each whole request (the link checker does the same); the
    interface stays synchronous for the one-at-a-time callers."""

    def __init__(self, config: Config, cache: Cache, *, sleep: Callable[[float], None] = time.sleep,
                 clock: Callable[[], float] = time.monotonic, transport: httpx.AsyncBaseTransport | None = None):
        self.config, self.cache, self.sleep, self.clock = config, cache, sleep, clock
        self.loop = asyncio.Runner()
        self.http = httpx.AsyncClient(headers={"User-Agent": config.user_agent, "Accept": "application/json"},
                                      timeout=config.timeout_seconds, follow_redirects=True, transport=transport)
        self.next_time: dict[str, float] = {}
        self.failures: dict[str, int] = {}
        self.requests = 0

    def close(self) -> None:
        try:
            self.loop.run(self.http.aclose())
        finally:
            self.loop.close()
            self.cache.save()

    def __enter__(self) -> Client:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def get_json(self, url: str, params: dict | None = None, key: str | None = None,
                 check: Callable[[Any], Any] | None = None) -> tuple[int, Any]:
        """(200, data), or (404, None) for "no such record"; NetworkError for anything else.
        `check` raises NetworkError for an unusable answer, which is then never cached
        (an error body kept 30 days would hide the record for 30 days)."""
        key = key or cache_key(url, params)
        cached = self.cache.get(key)
        if cached is not None:
            try:
                if check:
                    check(cached)
                return 200, cached
            except NetworkError:
                self.cache.forget(key)
        status, data = self.fetch(url, params)
        if status == 200:
            if check:
                check(data)
            self.cache.put(key, data)
        return status, data

    def fetch(self, url: str, params: dict | None = None) -> tuple[int, Any]:
        host = urlsplit(url).netloc
        if self.failures.get(host, 0) >= FAILURES_BEFORE_GIVING_UP:
            raise NetworkError(f"{host} is not asked again: it failed {FAILURES_BEFORE_GIVING_UP} times in a row")
        try:
            result = self._fetch_with_retries(url, params, host)
        except NetworkError:
            self.failures[host] = self.failures.get(host, 0) + 1
            raise
        self.failures[host] = 0
        return result

    def _fetch_with_retries(self, url: str, params: dict | None, host: str) -> tuple[int, Any]:
        shown = url + ("?" + urlencode({k: v for k, v in (params or {}).items() if k not in POLITE_PARAMS}) if params else "")
        shown = shown if len(shown) <= 160 else shown[:157] + "..."
        for attempt in range(self.config.retries + 1):
            self._wait_turn(host)
            self.requests += 1
            try:
                status, headers, body = self.loop.run(self._get(url, params))
            except Exception as exc:  # whatever one request does, it is a reason, never a crash
                problem, wait = request_problem(exc, self.config.timeout_seconds), None
            else:
                if status == 200:
                    return 200, json_answer(body, shown)
                if status == 404:
                    return 404, None
                if status not in RETRY_STATUSES:
                    raise NetworkError(f"{shown}: HTTP {status}")
                problem = f"HTTP {status}"
                wait = retry_after_seconds(headers.get("Retry-After"), time.time())
                if wait is not None and wait > self.config.max_wait_seconds:
                    raise NetworkError(f"{shown}: {problem} and Retry-After asks for {wait:g} s, more than "
                                       f"max_wait_seconds ({self.config.max_wait_seconds:g}); run again later")
            if attempt == self.config.retries:
                break
            self.sleep(min(wait if wait is not None else 2.0 ** attempt, self.config.max_wait_seconds))
        raise NetworkError(f"{shown}: {problem} (after {self.config.retries + 1} tries)")

    async def _get(self, url: str, params: dict | None) -> tuple[int, httpx.Headers, bytes]:
        """One GET, redirects followed, bounded as a whole by timeout_seconds."""
        async with asyncio.timeout(self.config.timeout_seconds):
            async with self.http.stream("GET", url, params=params) as response:
                chunks, size = [], 0
                async for chunk in response.aiter_bytes():
                    chunks.append(chunk)
                    size += len(chunk)
                    if size > MAX_ANSWER_BYTES:
                        raise AnswerTooLarge(f"the answer is larger than {MAX_ANSWER_BYTES // 1048576} MB")
                return response.status_code, response.headers, b"".join(chunks)

    def _wait_turn(self, host: str) -> None:
        now = self.clock()
        start = self.next_time.get(host, now)
        if start > now:
            self.sleep(start - now)
            now = start
        self.next_time[host] = now + 1.0 / max(self.config.per_second, 0.001)


class AnswerTooLarge(Exception):
    pass


def request_problem(exc: BaseException, timeout: float) -> str:
    """A plain reason for a request that failed (shared with the link checker)."""
    from fasciasite.links.external import network_reason

    if isinstance(exc, AnswerTooLarge):
        return str(exc)
    reason = network_reason(exc, timeout)
    return f"no answer within {timeout:g} s" if reason.startswith("timeout") else reason


def json_answer(body: bytes, shown: str) -> Any:
    """The JSON of a 200 answer, or NetworkError saying plainly what it was instead."""
    if not body.strip():
        raise NetworkError(f"{shown}: the answer is empty (HTTP 200 with no body)")
    try:
        return json.loads(body)  # bytes: UTF-8/16/32 detected as RFC 8259 allows
    except UnicodeDecodeError as exc:
        raise NetworkError(f"{shown}: the answer is not valid UTF-8 JSON ({exc.reason} at byte {exc.start})") from exc
    except ValueError as exc:
        start = body[:40].decode("utf-8", "replace").strip()
        kind = "an HTML page" if start.lower().startswith(("<!doctype", "<html", "<")) else "not JSON"
        raise NetworkError(f"{shown}: the answer is {kind} ({exc}; it begins {start!r})") from exc
