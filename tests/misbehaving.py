"""Ways an HTTP server can misbehave, for the tests of both HTTP clients (the link
checker's external mode and the reference checker's Crossref/E-utilities client).

Each behaviour is a function of a BaseHTTPRequestHandler that has read the request line
and headers; it writes raw bytes (or nothing) and the connection is then closed. `stop`
is the server's shutdown event: slow behaviours wait on it so a test never outlives its
server. Used by tests/test_check_links_external.py (routes on the last path segment) and
tests/scholarly_apis.py (`apis.script(path, [MISBEHAVE["short-body"]])`).
"""
from __future__ import annotations

import socket
import struct
import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler

TRICKLE_SECONDS = 0.25  # a byte every 0.25 s: the tests' per-read limit (1 s) never fires; only a whole-request one does
Behaviour = Callable[[BaseHTTPRequestHandler, threading.Event], None]


def _raw(data: bytes) -> Behaviour:
    def send(h: BaseHTTPRequestHandler, stop: threading.Event) -> None:
        h.wfile.write(data)
        h.wfile.flush()
    return send


def _reset(h: BaseHTTPRequestHandler, stop: threading.Event) -> None:
    """Close with SO_LINGER 0: the client sees a TCP reset, not an orderly close."""
    h.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    h.connection.close()


def _trickle(head: bytes, body: bytes) -> Behaviour:
    """Send `head` at once, then `body` one byte every TRICKLE_SECONDS."""
    def send(h: BaseHTTPRequestHandler, stop: threading.Event) -> None:
        h.wfile.write(head)
        h.wfile.flush()
        for i in range(len(body)):
            if stop.wait(TRICKLE_SECONDS):
                return
            h.wfile.write(body[i:i + 1])
            h.wfile.flush()
    return send


def _head(status: str, *headers: str) -> bytes:
    return ("\r\n".join([f"HTTP/1.1 {status}", *headers, "Connection: close"]) + "\r\n\r\n").encode("latin-1")


def _answer(status: str, body: bytes, *headers: str) -> Behaviour:
    """A well-formed answer (its Content-Length is right) with this body."""
    return _raw(_head(status, *headers, f"Content-Length: {len(body)}") + body)


JSON = "Content-Type: application/json"
HTML = "Content-Type: text/html; charset=utf-8"

MISBEHAVE: dict[str, Behaviour] = {
    # the body is shorter than its Content-Length (the audit's LocalProtocolError)
    "short-body": _raw(_head("200 OK", JSON, "Content-Length: 1000") + b'{"status": "ok", "mess'),
    "reset": _reset,  # TCP reset before any answer
    "hang-up": _raw(b""),  # connection closed without an answer
    "not-http": _raw(b"SSH-2.0-OpenSSH_9.6\r\n\r\n"),  # another protocol on the port
    "bad-status": _raw(b"HTTP/1.1 2OO OK\r\nContent-Length: 0\r\n\r\n"),  # letter O for zero
    "bad-length": _raw(_head("200 OK", JSON, "Content-Length: ten") + b"{}"),
    "two-lengths": _raw(_head("200 OK", JSON, "Content-Length: 2", "Content-Length: 3") + b"{}"),
    "bad-chunks": _raw(_head("200 OK", JSON, "Transfer-Encoding: chunked") + b"zz\r\n{}\r\n0\r\n\r\n"),
    "bad-gzip": _raw(_head("200 OK", JSON, "Content-Encoding: gzip", "Content-Length: 11") + b"not gzipped"),
    "huge-header": _raw(_head("200 OK", JSON, "X-Filler: " + "a" * 200_000, "Content-Length: 2") + b"{}"),
    "control-in-header": _raw(b"HTTP/1.1 301 Moved\r\nLocation: /a\x00b\r\nContent-Length: 0\r\n\r\n"),
    # a body trickling one byte a second, and an answer whose very headers trickle
    "trickle-body": _trickle(_head("200 OK", JSON, "Content-Length: 400"), b'{"status": "ok"}'.ljust(400)),
    "trickle-html": _trickle(_head("200 OK", HTML, "Content-Length: 400"), b"<p id=x>".ljust(400)),
    "trickle-head": _trickle(b"", _head("200 OK", "Content-Length: 0")),
    # well-formed HTTP whose body is not what it says
    "invalid-utf8": _answer("200 OK", b'{"message": "\xff\xfe\xfd"}', "Content-Type: application/json; charset=utf-8"),
    "utf16-json": _answer("200 OK", '{"message": {}}'.encode("utf-16-le"), JSON),
    "empty-200": _answer("200 OK", b"", JSON),
    "html-200": _answer("200 OK", b"<html><h1>Service busy</h1></html>", HTML),
    "json-null": _answer("200 OK", b"null", JSON),
    "json-list": _answer("200 OK", b"[]", JSON),
    "status-999": _answer("999 Request denied", b""),
    # HTML pages, read when a link has a #fragment
    "short-html": _raw(_head("200 OK", HTML, "Content-Length: 500") + b'<html><p id="here">'),
    "gzip-html": _answer("200 OK", b"<p id=here>not gzipped", HTML, "Content-Encoding: gzip"),
    "html-bad-bytes": _answer("200 OK", b'<html><p>\xff\xfe caf\xe9</p><h2 id="here">x</h2>\xc3</html>', HTML),
}


def misbehave(handler: BaseHTTPRequestHandler, name: str, stop: threading.Event) -> None:
    """Answer with behaviour `name`; the handler closes the connection afterwards."""
    handler.close_connection = True
    try:
        MISBEHAVE[name](handler, stop)
    except OSError:  # the client gave up first, as it should
        pass


def _short_keepalive(h: BaseHTTPRequestHandler, stop: threading.Event) -> None:
    """A short body on a kept-alive connection that stays open, then more answers on it."""
    h.wfile.write(b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 1000\r\n\r\n<p id=x>")
    h.wfile.flush()
    stop.wait(1.5)
    h.wfile.write(b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n" * 3)


MISBEHAVE["short-keepalive"] = _short_keepalive
