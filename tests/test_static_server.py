"""The static server the browser tests and Lighthouse measure the site on
(fasciasite/publishing/serve.py): it must answer as GitHub Pages does, and a browser hanging
up must not fill the output of a long Lighthouse run with tracebacks."""
from __future__ import annotations

import gzip
import http.client
from pathlib import Path

import pytest

from fasciasite.publishing.serve import StaticSite, serve


@pytest.fixture
def site(tmp_path: Path) -> Path:
    (tmp_path / "guide").mkdir()
    (tmp_path / "guide" / "index.html").write_text("<p>guide " + "text " * 200 + "</p>", encoding="utf-8")
    (tmp_path / "404.html").write_text("<p>not here</p>", encoding="utf-8")
    (tmp_path / "card.png").write_bytes(b"\x89PNG fake")
    return tmp_path


class Answer:
    def __init__(self, response: http.client.HTTPResponse) -> None:
        self.status = response.status
        self.headers = response.headers
        self.body = response.read()


def get(server: StaticSite, path: str, headers: dict[str, str] | None = None) -> Answer:
    connection = http.client.HTTPConnection("127.0.0.1", server.server_port, timeout=5)
    try:
        connection.request("GET", path, headers=headers or {})
        return Answer(connection.getresponse())
    finally:
        connection.close()


def test_folders_index_redirect_and_404_answer_as_github_pages_does(site: Path) -> None:
    with serve(site, base="/clinic/") as server:
        assert get(server, "/clinic/guide/").body.startswith(b"<p>guide")
        moved = get(server, "/clinic/guide")
        assert (moved.status, moved.headers["Location"]) == (301, "/clinic/guide/")
        missing = get(server, "/clinic/missing/")
        assert (missing.status, missing.body) == (404, b"<p>not here</p>")
        assert get(server, "/guide/").status == 404  # outside the site's path
        assert get(server, "/clinic/../404.html").status == 404


def test_text_is_gzipped_only_for_a_client_that_accepts_it_and_images_never(site: Path) -> None:
    with serve(site, base="/") as server:
        plain = get(server, "/guide/")
        zipped = get(server, "/guide/", {"Accept-Encoding": "gzip"})
        image = get(server, "/card.png", {"Accept-Encoding": "gzip"})
    assert plain.headers["Content-Encoding"] is None
    assert zipped.headers["Content-Encoding"] == "gzip"
    assert len(zipped.body) < len(plain.body)
    assert gzip.decompress(zipped.body) == plain.body
    assert image.headers["Content-Encoding"] is None
    assert image.body == b"\x89PNG fake"


def test_a_client_hanging_up_prints_nothing_but_other_errors_still_print(site: Path, capsys: pytest.CaptureFixture[str]) -> None:
    server = StaticSite(site)
    try:
        for hang_up in (ConnectionResetError(104, "reset by peer"), BrokenPipeError(32, "broken pipe")):
            try:
                raise hang_up
            except ConnectionError:
                server.handle_error(None, ("127.0.0.1", 40000))
        assert capsys.readouterr().err == ""
        try:
            raise ValueError("a fault of the server")
        except ValueError:
            server.handle_error(None, ("127.0.0.1", 40000))
        assert "ValueError: a fault of the server" in capsys.readouterr().err
    finally:
        server.server_close()
