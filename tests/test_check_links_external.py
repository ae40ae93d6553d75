"""scripts/check_links.py --external, against a server this file starts on 127.0.0.1:
statuses, redirects, retries, timeouts, huge bodies, resets, bot-blocked hosts, the
cache, #fragments. No test reaches any other address; each run is bounded by --timeout 0.5."""
from __future__ import annotations

import contextlib
import io
import json
import socket
import struct
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from fasciasite import links as check_links

ROOT = Path(__file__).resolve().parents[1]

SLOW_SECONDS = 3.0
HUGE_BYTES = 50 * 1024 * 1024
CHUNK = 64 * 1024
T0 = 1_800_000_000.0  # an injected "now" for the cache tests


class Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self):
        super().__init__(("127.0.0.1", 0), Handler)
        self.lock = threading.Lock()
        self.requests: list[tuple[str, str, str]] = []  # (method, path, user agent)
        self.hits: dict[str, int] = {}
        self.in_flight = self.max_in_flight = 0
        self.huge_sent = self.huge_html_sent = 0
        self.stop = threading.Event()

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"

    def count(self, prefix: str = "") -> int:
        with self.lock:
            return sum(1 for _, path, _ in self.requests if path.startswith(prefix))


ANCHORS_PAGE = (b'<!doctype html><html><body><h2 id="here">x</h2><a name="named"></a>'
                b'<h2 id="caf\xc3\xa9">x</h2></body></html>')


class Handler(BaseHTTPRequestHandler):
    """Routes on the last path segment, so each test can use its own prefix."""

    def log_message(self, *args):  # keep the test output clean
        pass

    def do_HEAD(self):
        self.route()

    def do_GET(self):
        self.route()

    def reply(self, status: int, headers: dict | None = None, body: bytes = b"") -> None:
        self.send_response(status)
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def route(self):
        server: Server = self.server
        with server.lock:
            server.requests.append((self.command, self.path, self.headers.get("User-Agent", "")))
            hit = server.hits[self.path] = server.hits.get(self.path, 0) + 1
            server.in_flight += 1
            server.max_in_flight = max(server.max_in_flight, server.in_flight)
        try:
            self.answer(self.path.rsplit("/", 1)[-1], hit)
        except OSError:  # the checker hung up first, as it should
            pass
        finally:
            with server.lock:
                server.in_flight -= 1

    def answer(self, name: str, hit: int) -> None:
        prefix = self.path.rsplit("/", 1)[0]
        if name in ("200", "404", "410", "500", "403"):
            self.reply(int(name))
        elif name == "flaky503":
            self.reply(503 if hit == 1 else 200)
        elif name == "ratelimited":
            self.reply(429, {"Retry-After": "1"}) if hit == 1 else self.reply(200)
        elif name == "longretry":
            self.reply(429, {"Retry-After": "3600"})
        elif name == "moved":
            self.reply(301, {"Location": f"{prefix}/200"})
        elif name == "moved404":
            self.reply(301, {"Location": f"{prefix}/404"})
        elif name in ("loopa", "loopb"):
            self.reply(302, {"Location": "loopb" if name == "loopa" else "loopa"})
        elif name.startswith("chain"):
            n = int(name[5:])
            self.reply(301, {"Location": f"chain{n + 1}"}) if n < 15 else self.reply(200)
        elif name == "head405":
            self.reply(405 if self.command == "HEAD" else 200)
        elif name.startswith("pause"):  # overlapping requests, to see the per-host limit
            self.server.stop.wait(0.2)
            self.reply(200)
        elif name == "slow":
            self.server.stop.wait(SLOW_SECONDS)
            self.reply(200)
        elif name == "huge":
            self.huge()
        elif name in ("anchors", "pdf"):  # a page with ids, a document that has none
            kind = "text/html; charset=utf-8" if name == "anchors" else "application/pdf"
            self.reply(200, {"Content-Type": kind}, ANCHORS_PAGE)
        elif name == "movedanchors":
            self.reply(301, {"Location": f"{prefix}/anchors"})
        elif name == "hugehtml":
            self.huge_html()
        elif name == "reset":
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.connection.close()
        else:
            self.reply(404)

    def huge(self) -> None:
        """50 MB, slowly: a checker that reads bodies would take minutes."""
        if self.command == "HEAD":
            return self.reply(405)
        self.send_response(200)
        self.send_header("Content-Length", str(HUGE_BYTES))
        self.end_headers()
        chunk = b"x" * CHUNK
        for _ in range(HUGE_BYTES // CHUNK):
            if self.server.stop.wait(0.01):
                return
            self.wfile.write(chunk)
            with self.server.lock:
                self.server.huge_sent += CHUNK


    def huge_html(self) -> None:
        """An HTML page of 50 MB whose only id comes first: a checker must stop at its cap."""
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(HUGE_BYTES))
        self.end_headers()
        self.wfile.write(b'<html><body><p id="early">'.ljust(CHUNK))
        chunk = b"<p>filler</p>".ljust(CHUNK)
        for _ in range(HUGE_BYTES // CHUNK - 1):
            if self.server.stop.wait(0.001):  # at most ~60 MB/s: reading it all takes > 0.8 s
                return
            self.wfile.write(chunk)
            with self.server.lock:
                self.server.huge_html_sent += CHUNK


@pytest.fixture(scope="module")
def server():
    srv = Server()
    thread = threading.Thread(target=srv.serve_forever, daemon=True)
    thread.start()
    yield srv
    srv.stop.set()
    srv.shutdown()
    srv.server_close()
    thread.join(timeout=5)


@pytest.fixture(autouse=True)
def no_proxy(monkeypatch):
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy",
                 "all_proxy"):
        monkeypatch.delenv(name, raising=False)


def make_site(root: Path, urls: list[str]) -> Path:
    site = root / "site"
    site.mkdir(parents=True, exist_ok=True)
    links = "".join(f'<a href="{u}">x</a>' for u in urls)
    (site / "index.html").write_text(
        '<!doctype html><html><head><link rel="canonical" href="https://example.org/">'
        f"</head><body>{links}</body></html>", encoding="utf-8")
    return site


def config(root: Path, hosts: list[str] = ()) -> Path:
    path = root / "linkcheck.toml"
    path.write_text(f"[blocked_ok]\nhosts = {json.dumps(list(hosts))}\n"
                    'doi_prefixes = []\n[cache]\nok_days = 7\nfail_days = 1\n')
    return path


def check(tmp_path: Path, capsys, urls: list[str], *args: str, hosts=(), now=None):
    """Run the checker; (exit code, {link: finding}, seconds)."""
    site = make_site(tmp_path, urls)
    start = time.monotonic()
    code = check_links.main([str(site), "--external", "--json", "--timeout", "0.5",
                             "--config", str(config(tmp_path, hosts)), *args], now=now)
    seconds = time.monotonic() - start
    found = {f["link"]: f for f in json.loads(capsys.readouterr().out)}
    return code, found, seconds


CASES = ["200", "404", "410", "500", "flaky503", "moved", "moved404", "loopa", "chain1",
         "head405", "ratelimited", "longretry", "reset", "403", "pause1", "pause2", "pause3",
         "pause4"]


@pytest.fixture(scope="module")
def combined(server, tmp_path_factory):
    """One run over every case (they share the per-host limit of 2)."""
    tmp = tmp_path_factory.mktemp("combined")
    urls = [f"{server.base}/all/{name}" for name in CASES]
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()):
        code = check_links.main([str(make_site(tmp, urls)), "--external", "--json",
                                 "--timeout", "0.5", "--config", str(config(tmp))])
    found = {f["link"].rsplit("/", 1)[-1]: f for f in json.loads(out.getvalue())}
    return code, found, server


@pytest.mark.parametrize("name", ["200", "moved", "flaky503", "head405", "ratelimited", "pause1"])
def test_working_links_are_not_reported(combined, name):
    _, found, _ = combined
    assert name not in found


@pytest.mark.parametrize("name, status, reason", [
    ("404", 404, "HTTP 404"),
    ("410", 410, "HTTP 410"),
    ("500", 500, "HTTP 500"),
    ("moved404", 404, "HTTP 404"),
    ("403", 403, "HTTP 403"),
    ("loopa", None, "redirect loop"),
    ("chain1", None, "more than 10 redirects"),
    ("reset", None, "connection"),
])
def test_broken_links_are_reported(combined, name, status, reason):
    code, found, _ = combined
    assert code == 1
    assert found[name]["kind"] == "external"
    assert found[name]["status"] == status
    assert reason in found[name]["reason"]


def test_long_retry_after_is_rate_limited_not_broken(combined):
    _, found, server = combined
    assert found["longretry"]["kind"] == "rate-limited"
    assert "Retry-After 3600" in found["longretry"]["reason"]
    assert server.hits["/all/longretry"] == 1  # no waiting, no retry


def test_retries_and_get_fallback_happen(combined):
    _, _, server = combined
    assert server.hits["/all/ratelimited"] == 2  # 429, then after Retry-After: 1, 200
    assert server.hits["/all/flaky503"] == 2
    assert [m for m, p, _ in server.requests if p == "/all/head405"] == ["GET"]  # never HEAD


def test_per_host_limit_and_user_agent(combined):
    _, _, server = combined
    assert server.max_in_flight <= 2
    agents = {ua for _, p, ua in server.requests if p.startswith("/all/")}
    assert agents == {"FasciaBackPainSiteLinkChecker/1.0 (+https://example.org/)"}


def test_slow_server_is_a_timeout_and_huge_body_is_not_read(server, tmp_path, capsys):
    code, found, seconds = check(tmp_path, capsys, [f"{server.base}/sh/slow",
                                                    f"{server.base}/sh/huge"])
    assert code == 1
    assert found[f"{server.base}/sh/slow"]["reason"].startswith("timeout")
    assert f"{server.base}/sh/huge" not in found  # 200: the status is enough
    assert seconds < SLOW_SECONDS - 0.5  # bounded by --timeout, not by the server
    time.sleep(0.1)
    assert server.huge_sent < 8 * 1024 * 1024  # stopped long before 50 MB


def test_blocked_publisher_is_reported_but_not_broken(server, tmp_path, capsys):
    url = f"{server.base}/blocked/403"
    code, found, _ = check(tmp_path, capsys, [url], hosts=["127.0.0.1"])
    assert code == 0
    assert found[url]["kind"] == "blocked"
    assert found[url]["reason"] == "blocked, not verified (HTTP 403)"


def test_second_run_uses_the_cache(server, tmp_path, capsys):
    urls = [f"{server.base}/cache/200", f"{server.base}/cache/404"]
    cache = tmp_path / "cache.json"
    code1, found1, _ = check(tmp_path, capsys, urls, "--cache", str(cache), now=T0)
    asked = server.count("/cache/")
    code2, found2, _ = check(tmp_path, capsys, urls, "--cache", str(cache), now=T0 + 3600)
    assert asked > 0 and server.count("/cache/") == asked
    assert (code1, found1) == (code2, found2) and code1 == 1


def test_cache_expiry_failures_before_successes(server, tmp_path, capsys):
    urls = [f"{server.base}/expiry/200", f"{server.base}/expiry/404"]
    cache = tmp_path / "cache.json"
    check(tmp_path, capsys, urls, "--cache", str(cache), now=T0)
    before = server.count("/expiry/200"), server.count("/expiry/404")
    check(tmp_path, capsys, urls, "--cache", str(cache), now=T0 + 2 * 86400)
    after = server.count("/expiry/200"), server.count("/expiry/404")
    assert after[0] == before[0]  # ok results keep 7 days
    assert after[1] > before[1]  # failures keep 1 day


# ---------------------------------------------------------------- #fragments of other sites

def test_external_fragment_is_looked_up_in_the_target_page(server, tmp_path, capsys):
    base = f"{server.base}/frag"
    ok = [f"{base}/anchors#here", f"{base}/anchors#named", f"{base}/anchors#caf%C3%A9",
          f"{base}/anchors#top", f"{base}/anchors#/app/route", f"{base}/pdf#page=2"]
    bad = [f"{base}/anchors#gone", f"{base}/movedanchors#gone-too"]
    code, found, _ = check(tmp_path, capsys, ok + bad)
    assert code == 1 and set(found) == set(bad)
    assert found[bad[0]]["kind"] == "fragment"
    assert found[bad[0]]["reason"] == f"no id or <a name> 'gone' in {base}/anchors"
    assert found[bad[1]]["reason"] == f"no id or <a name> 'gone-too' in {base}/anchors"
    assert {m for m, p, _ in server.requests if p == "/frag/anchors"} == {"GET"}


def test_external_fragment_read_is_size_capped(server, tmp_path, capsys):
    url = f"{server.base}/cap/hugehtml"
    code, found, seconds = check(tmp_path, capsys, [url + "#early", url + "#late"])
    assert code == 0 and list(found) == [url + "#late"]  # past the cap: not broken
    assert found[url + "#late"]["kind"] == "unverified"
    assert "not in the first 2 MB" in found[url + "#late"]["reason"]
    assert seconds < SLOW_SECONDS and server.count("/cap/") == 1  # one GET for both
    time.sleep(0.1)
    assert server.huge_html_sent < 8 * 1024 * 1024  # stopped long before 50 MB


def test_external_fragments_are_cached_and_a_new_one_is_asked(server, tmp_path, capsys):
    cache, url = tmp_path / "cache.json", f"{server.base}/fcache/anchors"
    check(tmp_path, capsys, [url + "#here"], "--cache", str(cache), now=T0)
    code, found, _ = check(tmp_path, capsys, [url + "#here"], "--cache", str(cache), now=T0)
    assert (code, found) == (0, {}) and server.count("/fcache/") == 1
    code, found, _ = check(tmp_path, capsys, [url + "#here", url + "#new"], "--cache",
                           str(cache), now=T0)
    assert code == 1 and list(found) == [url + "#new"] and server.count("/fcache/") == 2


# ---------------------------------------------------------------- the pieces

@pytest.mark.parametrize("value, seconds", [
    ("1", 1.0),
    ("120", 120.0),
    ("Fri, 15 Jan 2027 08:00:30 GMT", 30.0),
    ("Fri, 15 Jan 2027 07:59:00 GMT", 0.0),
    ("soon", None),
    (None, None),
])
def test_retry_after(value, seconds):
    now = 1_800_000_000.0  # Fri, 15 Jan 2027 08:00:00 GMT
    assert check_links.retry_after(value, now) == seconds


@pytest.mark.parametrize("url, hosts, blocked", [
    ("https://doi.org/10.1016/j.jbmt.2012.06.007", [], True),
    ("https://dx.doi.org/10.1111/x", [], True),
    ("https://doi.org/10.1186/1471-2474-12-203", [], False),
    ("https://www.sciencedirect.com/science/article/pii/X", [], True),
    ("https://publisher.example/x", ["doi.org", "onlinelibrary.wiley.com"], True),
    ("https://www.ncbi.nlm.nih.gov.evil.example/x", [], False),
])
def test_blocked_ok_matches_hosts_and_doi_prefixes(url, hosts, blocked):
    cfg = {"hosts": ["www.sciencedirect.com", "onlinelibrary.wiley.com", "www.ncbi.nlm.nih.gov"],
           "doi_prefixes": ["10.1016", "10.1111"]}
    assert check_links.is_blocked_ok(url, hosts, cfg) is blocked


def test_project_config_is_valid():
    cfg = check_links.load_config(check_links.DEFAULT_CONFIG, explicit=True)  # linkcheck.toml at the root
    assert "www.ncbi.nlm.nih.gov" in cfg["hosts"] and "10.1016" in cfg["doi_prefixes"]
    assert (cfg["ok_days"], cfg["fail_days"]) == (7.0, 1.0)
