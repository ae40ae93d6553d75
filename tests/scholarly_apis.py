"""Crossref, NCBI E-utilities and doi.org as a server on 127.0.0.1, from canned JSON.

Used by tests/test_refs_online.py and tests/test_add_reference.py; no test reaches the
internet. The answers (tests/fixtures/online/*.json) follow the services' documented JSON
shapes; they were written by hand from references.bib's confirmed values and the
30 Nov 2026 audit (this workplace has no route to the live APIs), and synthetic works use
Crossref's test prefix 10.5555 so that no real DOI is invented.

    with serve() as apis:
        apis.env            # REFS_CROSSREF_URL / REFS_EUTILS_URL / REFS_DOI_URL for it
        apis.script("/crossref/works/10.1/x", [(429, {"Retry-After": "1"}, 0)])
        apis.script("/crossref/works/10.1/y", ["short-body"])   # a misbehaviour (tests/misbehaving.py)
        apis.script("/crossref/works/10.1/z", [(200, {"status": "ok", "message": ""})])  # this JSON body
        apis.requests       # [(path, query dict, User-Agent)]
"""
from __future__ import annotations

import json
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

from misbehaving import misbehave

FIXTURES = Path(__file__).parent / "fixtures" / "online"


def search_key(query: str) -> str:
    """How canned searches are found: the first four words of the title, lower case."""
    return " ".join(re.findall(r"[a-z0-9]+", query.lower())[:4])


class ScholarlyAPIs(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self):
        super().__init__(("127.0.0.1", 0), Handler)
        crossref = json.loads((FIXTURES / "crossref.json").read_text(encoding="utf-8"))
        eutils = json.loads((FIXTURES / "eutils.json").read_text(encoding="utf-8"))
        self.works: dict[str, dict] = crossref["works"]
        self.searches: dict[str, list] = crossref["searches"]
        self.pubmed: dict[str, dict] = eutils["pubmed"]
        self.pmc: dict[str, dict] = eutils["pmc"]
        self.esearch_doi: dict[str, list] = eutils["esearch_doi"]
        self.elsewhere = set(json.loads((FIXTURES / "doi-handles.json").read_text(encoding="utf-8"))["registered_elsewhere"])
        self.lock = threading.Lock()
        self.stop = threading.Event()
        self.requests: list[tuple[str, dict, str]] = []
        self.scripted: dict[str, list[tuple[int, dict, float]]] = {}

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"

    @property
    def env(self) -> dict[str, str]:
        return {"REFS_CROSSREF_URL": f"{self.base}/crossref", "REFS_EUTILS_URL": f"{self.base}/eutils",
                "REFS_DOI_URL": f"{self.base}/doi", "REFS_MAILTO": "refs-test@example.org"}

    def script(self, path: str, answers: list) -> None:
        """Answer `path` (exact, unquoted) with these first: (status, headers, delay), or
        (status, JSON body), or the name of a misbehaviour of tests/misbehaving.py."""
        self.scripted[path] = list(answers)

    def count(self, prefix: str = "") -> int:
        with self.lock:
            return sum(1 for path, _, _ in self.requests if path.startswith(prefix))


class Handler(BaseHTTPRequestHandler):
    server: ScholarlyAPIs

    def log_message(self, *args):  # keep the test output clean
        pass

    def send(self, status: int, body, headers: dict | None = None) -> None:
        data = (body if isinstance(body, str) else json.dumps(body)).encode()
        self.send_response(status)
        self.send_header("Content-Type", "text/plain" if isinstance(body, str) else "application/json")
        self.send_header("Content-Length", str(len(data)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        parts = urlsplit(self.path)
        path = unquote(parts.path)
        query = {k: v[0] for k, v in parse_qs(parts.query).items()}
        with self.server.lock:
            self.server.requests.append((path, query, self.headers.get("User-Agent", "")))
            scripted = self.server.scripted.get(path)
            answer = scripted.pop(0) if scripted else None
        try:
            if isinstance(answer, str):
                misbehave(self, answer, self.server.stop)
            elif answer and len(answer) == 2:
                self.send(answer[0], answer[1])
            elif answer:
                status, headers, delay = answer
                if delay:
                    self.server.stop.wait(delay)
                self.send(status, {"status": "error"} if status != 200 else {}, headers)
            else:
                self.route(path, query)
        except OSError:  # the client gave up first (a timeout test)
            pass

    def route(self, path: str, query: dict) -> None:
        s = self.server
        if path.startswith("/crossref/works/"):
            work = s.works.get(path.removeprefix("/crossref/works/").lower())
            if work is None:
                self.send(404, "Resource not found.")
            else:
                self.send(200, {"status": "ok", "message-type": "work", "message": work})
        elif path == "/crossref/works":
            items = s.searches.get(search_key(query.get("query.bibliographic", "")), [])
            self.send(200, {"status": "ok", "message-type": "work-list",
                            "message": {"items": items, "total-results": len(items)}})
        elif path == "/eutils/esummary.fcgi":
            records = s.pubmed if query.get("db") == "pubmed" else s.pmc
            ids = query.get("id", "").split(",")
            result = {"uids": ids}
            for uid in ids:
                result[uid] = records.get(uid) or {"uid": uid, "error": "cannot get document summary"}
            self.send(200, {"header": {"type": "esummary", "version": "0.3"}, "result": result})
        elif path == "/eutils/esearch.fcgi":
            doi = query.get("term", "").removesuffix("[doi]").lower()
            ids = s.esearch_doi.get(doi)
            if ids is None:
                ids = [uid for uid, r in s.pubmed.items()
                       if any(i["idtype"] == "doi" and i["value"].lower() == doi for i in r["articleids"])]
            self.send(200, {"esearchresult": {"count": str(len(ids)), "idlist": ids}})
        elif path.startswith("/doi/api/handles/"):
            doi = path.removeprefix("/doi/api/handles/").lower()
            if doi in s.works or doi in s.elsewhere:
                self.send(200, {"responseCode": 1, "handle": doi})
            else:
                self.send(404, {"responseCode": 100, "handle": doi})
        else:
            self.send(404, "no such service here")


@contextmanager
def serve() -> Iterator[ScholarlyAPIs]:
    server = ScholarlyAPIs()
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.stop.set()
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def run_refs_online(tmp_path, capsys, bib: str, args, config: str):
    """Run the reference checker on bib with config against the fake APIs (the `apis` fixture of
    conftest.py): (exit code, finding lines after 'references.bib:', summary line)."""
    from fasciasite.references import refs_online

    (tmp_path / "references.bib").write_text(bib, encoding="utf-8")
    (tmp_path / "refs.toml").write_text(config, encoding="utf-8")
    capsys.readouterr()
    rc = refs_online.main(["--bib", str(tmp_path / "references.bib"), "--config", str(tmp_path / "refs.toml"),
                           "--cache", str(tmp_path / "cache.json"), *args])
    out = capsys.readouterr().out.splitlines()
    return rc, [line.split("references.bib:", 1)[1] for line in out[:-1]], out[-1]

