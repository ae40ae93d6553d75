"""Links in newsletters and social posts never break: every URL in published-urls.txt
resolves in the built site (directly, or through a redirect page to a live page), and
every page of the site is in the list."""
from __future__ import annotations

from conftest import ROOT
from fasciasite.published import resolve  # the one reader of a published URL, shared with make check
from test_site_build import doc_pages, html_for

LIST = ROOT / "published-urls.txt"


def published() -> list[str]:
    lines = LIST.read_text(encoding="utf-8").splitlines()
    return [line.strip() for line in lines if line.strip() and not line.startswith("#")]


def test_every_published_url_resolves(built_site):
    broken = [u for u in published() if resolve(built_site, u) is None]
    assert not broken, f"published URLs that no longer work (add a redirect in mkdocs.yml redirect_maps): {broken}"


def test_urls_with_utm_query_strings_resolve(built_site):
    for url in published():
        assert resolve(built_site, url + "?utm_source=newsletter&utm_medium=email&utm_campaign=test") is not None


def test_every_page_is_in_the_published_list():
    listed = set(published())
    pages = {"/" + html_for(src)[: -len("index.html")] for src in doc_pages()}
    missing = sorted(pages - listed)
    assert not missing, f"pages missing from published-urls.txt (scripts/new_article.py adds them): {missing}"


def test_published_list_is_sorted_and_has_no_duplicates():
    urls = published()
    assert urls == sorted(set(urls))


def test_a_redirect_keeps_a_moved_page_working(tmp_path):
    (tmp_path / "new" / "place").mkdir(parents=True)
    (tmp_path / "new" / "place" / "index.html").write_text("<html><body>moved here</body></html>")
    (tmp_path / "old").mkdir()
    (tmp_path / "old" / "index.html").write_text(
        '<html><head><meta http-equiv="refresh" content="0; url=../new/place/"></head></html>'
    )
    (tmp_path / "gone").mkdir()
    (tmp_path / "gone" / "index.html").write_text(
        '<html><head><meta http-equiv="refresh" content="0; url=../nowhere/"></head></html>'
    )
    assert resolve(tmp_path, "/old/") == tmp_path / "new" / "place" / "index.html"
    assert resolve(tmp_path, "/gone/") is None
    assert resolve(tmp_path, "/never/") is None
