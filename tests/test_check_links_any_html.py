"""fasciasite.links on HTML it did not write: malformed URLs are findings, never crashes,
<base href>, query-only links, preview-card URLs, empty src, and the exit codes that keep
"broken links" (1) apart from bad usage (2) and a bug of the checker (3)."""
from __future__ import annotations

import subprocess
import sys

import pytest
from test_check_links import SCRIPT, SITE_URL, findings, make_site, page, run, write

from fasciasite.links import cli as check_links_cli


def one_page_site(tmp_path, body: str, head: str = "", rel: str = "index.html"):
    site = tmp_path / "s"
    write(site, rel, page(body, head=head))
    if rel != "index.html":
        write(site, "index.html", page(""))
    return site


def reported(capsys, site, *args) -> dict[str, dict]:
    return {f["link"]: f for f in findings(capsys, site, *args)}


# ---------------------------------------------------------------- malformed URLs

@pytest.mark.parametrize("href, reason", [
    ("http://localhost]", "malformed URL: host 'localhost]': ']' cannot be"),
    ("https://example]org/x", "malformed URL: host 'example]org'"),
    ("http://[::1/x", "'[' without ']'"),
    ("http://[zz]/", "'zz' is not an IPv6 address"),
    ("https://exa mple.org/", "' ' cannot be part of a host name"),
    ("https://example.org:99999/", "malformed URL: port '99999'"),
    ("//cdn^example/x.js", "'^' cannot be part of a host name"),
])
def test_malformed_host_is_a_finding_not_a_crash(tmp_path, capsys, href, reason):
    site = one_page_site(tmp_path, f'<a href="{href}">x</a><a href="#">fine</a>')
    code, _, err = run(capsys, site)
    assert code == 1 and err == ""
    [f] = findings(capsys, site)
    assert (f["link"], f["kind"]) == (href, "malformed") and reason in f["reason"]


def test_malformed_host_in_edit_link_canonical_and_sitemap(tmp_path, capsys):
    site = tmp_path / "s"
    write(site, "index.html", '<html><head><link rel="canonical" href="https://a]b/"></head>'
          '<body><a class="md-content__button" href="https://git]hub/x/edit/main/docs/i.md">'
          'edit</a></body></html>')
    write(site, "sitemap.xml", "<urlset><url><loc>https://c]d/</loc></url></urlset>")
    found = reported(capsys, site)
    assert set(found) == {"https://a]b/", "https://git]hub/x/edit/main/docs/i.md", "https://c]d/"}
    assert {f["kind"] for f in found.values()} == {"malformed"}


@pytest.mark.parametrize("href, reason", [
    ("http://", "no host after http: (write http://host/...)"),
    ("http:/", "no host after http:"),
    ("http:", "no host after http:"),
    ("///page.html", "no host after //"),
    ("https:\\\\host", "a backslash is not a slash (write https://host)"),
    ("..\\page.html", "a backslash is not a slash (write ../page.html)"),
    ("file:///C:/Users/me/site/page.html", "file: URL: a file on the author's computer"),
    ("file://server/share/x.html", "file: URL"),
    ("C:/Users/me/page.html", "a Windows path (C:...), not a URL"),
])
def test_url_without_host_and_file_urls_are_reported(tmp_path, capsys, href, reason):
    site = one_page_site(tmp_path, f'<a href="{href}">x</a>')
    [f] = findings(capsys, site)
    assert (f["link"], f["kind"]) == (href, "malformed") and reason in f["reason"], f


def test_empty_img_src_is_reported(tmp_path, capsys):
    site = one_page_site(tmp_path, '<img src="" alt=""><img src=" " alt=""><a href="">same page</a>'
                                   '<iframe src=""></iframe><script src=""></script>')
    found = reported(capsys, site)
    assert set(found) == {'<img src="">', '<img src=" ">', '<script src="">'}
    assert "empty src: names no resource" in found['<img src="">']["reason"]
    assert found['<img src="">']["kind"] == "malformed"


# ---------------------------------------------------------------- resolving as a browser does

def test_base_href_is_honoured(tmp_path, capsys):
    site = tmp_path / "s"
    write(site, "index.html", page(""))
    write(site, "dir/page.html", page(
        '<a href="a.html">a</a><a href="sub/">sub</a><img src="img.png" alt="">'
        '<a href="#sec">in the base page</a><a href="a.html#in-a">a</a><a href="?q=1">base</a>'
        '<a href="/dir/folder/a.html">root</a><a href="missing.html">x</a><a href="#nope">x</a>',
        head='<base href="folder/"><base href="ignored/">'))
    write(site, "dir/folder/index.html", page('<h2 id="sec">s</h2>'))
    write(site, "dir/folder/a.html", page('<h2 id="in-a">a</h2>'))
    write(site, "dir/folder/sub/index.html", page(""))
    write(site, "dir/folder/img.png", b"png")
    found = reported(capsys, site)
    assert set(found) == {"missing.html", "#nope"}
    assert found["missing.html"]["reason"] == "not found: dir/folder/missing.html"
    assert found["#nope"]["reason"] == "no id or <a name> 'nope' in dir/folder/index.html"


def test_base_href_to_another_site_makes_relative_links_external(tmp_path, capsys):
    site = one_page_site(tmp_path, '<a href="a.html">a</a><a href="b/">b</a>',
                         head='<base href="https://cdn.example/docs/">')
    code, out, _ = run(capsys, site)
    assert code == 0 and "(2 external not checked)" in out


def test_unusable_base_href_is_reported_and_ignored(tmp_path, capsys):
    site = one_page_site(tmp_path, '<a href="index.html">x</a>', head='<base href="http://a]b/">')
    [f] = findings(capsys, site)
    assert f["link"] == "http://a]b/" and f["reason"].startswith("<base href> ignored: malformed")


def test_query_only_link_resolves_to_the_current_page(tmp_path, capsys):
    site = tmp_path / "s"
    write(site, "index.html", page(""))  # has no id "frag": the folder's index is not the target
    write(site, "page.html", page('<h2 id="frag">f</h2><a href="?x=1#frag">ok</a>'
                                  '<a href="?x=1">ok</a><a href="?x=1#nope">x</a>'))
    [f] = findings(capsys, site)
    assert f["link"] == "?x=1#nope" and f["reason"] == "no id or <a name> 'nope' on this page"


# ---------------------------------------------------------------- preview cards and canonical

def test_preview_card_and_canonical_urls_are_checked(tmp_path, capsys):
    site = make_site(tmp_path, broken=False)
    head = (f'<meta property="og:image" content="{SITE_URL}img/a.png">'
            f'<meta property="og:url" content="{SITE_URL}page.html">'
            f'<meta name="twitter:image" content="{SITE_URL}assets/cards/missing.png">'
            '<meta property="og:image" content="../img/a.png">'
            '<meta property="og:image" content="https://cdn.example/card.png">')
    write(site, "page.html", page('<a name="named"></a>', canonical=SITE_URL + "moved/page/",
                                  head=head + '<meta name="source-file" content="docs/page.md">'))
    found = reported(capsys, site)
    assert set(found) == {SITE_URL + "assets/cards/missing.png", SITE_URL + "moved/page/",
                          "../img/a.png"}
    assert found[SITE_URL + "assets/cards/missing.png"]["reason"] == \
        "not found: assets/cards/missing.png"
    assert found[SITE_URL + "moved/page/"]["reason"] == "not found: moved/page/"
    assert "preview-card URL" in found["../img/a.png"]["reason"]
    assert found["../img/a.png"]["kind"] == "malformed"


# ---------------------------------------------------------------- exit codes

def test_internal_error_exits_3_with_a_traceback(tmp_path, capsys, monkeypatch):
    def bug(*args):
        raise RuntimeError("planted bug")
    monkeypatch.setattr(check_links_cli, "check_internal", bug)
    code, out, err = run(capsys, one_page_site(tmp_path, ""))
    assert code == 3 and out == ""
    assert "internal error" in err and "RuntimeError: planted bug" in err
    assert "Traceback (most recent call last)" in err and "in bug" in err


@pytest.mark.parametrize("url", ["http://localhost]/", "ftp://example.org/", "example.org"])
def test_malformed_site_url_is_bad_usage(tmp_path, capsys, url):
    code, out, err = run(capsys, one_page_site(tmp_path, ""), "--site-url", url)
    assert code == 2 and out == "" and "--site-url" in err


def test_unreadable_sitemap_is_a_finding(tmp_path, capsys):
    site = one_page_site(tmp_path, "")
    write(site, "sitemap.xml", "")
    [f] = findings(capsys, site)
    assert f["page"] == "sitemap.xml" and "not a readable sitemap" in f["reason"]


def test_command_line_separates_broken_from_bad_usage(tmp_path):
    site = one_page_site(tmp_path, '<a href="http://localhost]">x</a>')

    def cli(*args):
        return subprocess.run([sys.executable, str(SCRIPT), *map(str, args)],
                              capture_output=True, text=True, timeout=60)
    broken = cli(site)
    assert broken.returncode == 1 and "Traceback" not in broken.stderr
    assert "malformed URL: host" in broken.stdout
    assert cli(site, "--bogus-option").returncode == 2
    assert "3 internal error" in " ".join(cli("--help").stdout.split())
