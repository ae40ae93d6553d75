"""A static file server for a built site on 127.0.0.1, as GitHub Pages serves it.

Used by tests/test_browser.py and fasciasite.bench.lighthouse. The site is served under the path
of its site_url (e.g. /fascia-back-pain/), because MkDocs writes 404.html with absolute
links to that path. Like GitHub Pages: `dir/` serves `dir/index.html`, `dir` redirects to
`dir/`, a missing path serves `404.html` with status 404, and text is gzip-compressed when
the client accepts it.

    with serve(Path("site"), base="/fascia-back-pain/") as server:
        print(server.url)   # http://127.0.0.1:PORT/fascia-back-pain/
"""
from __future__ import annotations

import gzip
import mimetypes
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

COMPRESSIBLE = ("text/", "application/javascript", "application/json", "application/xml", "image/svg+xml")
# GitHub Pages sends a ten-minute cache lifetime for every file.
CACHE_CONTROL = "max-age=600"


class StaticSite(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, root: Path, base: str = "/", port: int = 0) -> None:
        self.root = root.resolve()
        self.base = "/" + base.strip("/") + "/" if base.strip("/") else "/"
        self.gzipped: dict[Path, bytes] = {}
        self.lock = threading.Lock()
        super().__init__(("127.0.0.1", port), SiteHandler)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_port}{self.base}"

    def compressed(self, file: Path) -> bytes:
        with self.lock:
            if file not in self.gzipped:
                self.gzipped[file] = gzip.compress(file.read_bytes(), compresslevel=6, mtime=0)
            return self.gzipped[file]

    def handle_error(self, request: object, client_address: object) -> None:
        """Stay quiet when a client hangs up: browsers close kept-alive connections whenever they
        like (Chromium under Lighthouse resets some mid-request), which is no fault of the site.
        The base class would print a traceback for each; any other error is still printed."""
        if isinstance(sys.exc_info()[1], ConnectionError):
            return
        super().handle_error(request, client_address)  # type: ignore[arg-type]


class SiteHandler(BaseHTTPRequestHandler):
    server: StaticSite
    protocol_version = "HTTP/1.1"  # keep-alive, as a real host

    def do_GET(self) -> None:
        self.respond(send_body=True)

    def do_HEAD(self) -> None:
        self.respond(send_body=False)

    def log_message(self, format: str, *args: object) -> None:  # `format`: the base class's name
        pass

    def locate(self, url_path: str) -> tuple[HTTPStatus, Path | None]:
        """(200, file), (301, None) for a folder without its slash, or (404, None)."""
        if not url_path.startswith(self.server.base):
            return HTTPStatus.NOT_FOUND, None
        root = self.server.root
        target = (root / url_path[len(self.server.base):]).resolve()
        if target != root and root not in target.parents:
            return HTTPStatus.NOT_FOUND, None
        if target.is_dir():
            if not url_path.endswith("/"):
                return HTTPStatus.MOVED_PERMANENTLY, None
            target = target / "index.html"
        return (HTTPStatus.OK, target) if target.is_file() else (HTTPStatus.NOT_FOUND, None)

    def respond(self, send_body: bool) -> None:
        url_path = unquote(urlsplit(self.path).path)
        status, file = self.locate(url_path)
        if status == HTTPStatus.MOVED_PERMANENTLY:
            self.send_response(status)
            self.send_header("Location", url_path + "/")
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        if file is None:
            file = self.server.root / "404.html"
        ctype = mimetypes.guess_type(file.name)[0] or "application/octet-stream"
        gzip_it = ctype.startswith(COMPRESSIBLE) and "gzip" in self.headers.get("Accept-Encoding", "")
        body = self.server.compressed(file) if gzip_it else file.read_bytes()
        self.send_response(status)
        self.send_header("Content-Type", ctype + ("; charset=utf-8" if ctype.startswith("text/") else ""))
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", CACHE_CONTROL)
        self.send_header("Vary", "Accept-Encoding")
        if gzip_it:
            self.send_header("Content-Encoding", "gzip")
        self.end_headers()
        if send_body:
            self.wfile.write(body)


@contextmanager
def serve(root: Path, base: str = "/") -> Iterator[StaticSite]:
    """Serve root at http://127.0.0.1:PORT{base} on a free port until the block ends."""
    server = StaticSite(root, base)
    thread = threading.Thread(target=server.serve_forever, name="static-site", daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
