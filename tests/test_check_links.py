"""fasciasite.links (scripts/check_links.py), internal mode: every defect it must find, every valid form it
must let pass, the output formats, the exit codes, and the real built site."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from fasciasite import links as check_links
from fasciasite.links import internal as check_links_internal

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "scripts" / "check_links.py"

SITE_URL = "https://example.org/site/"
EDIT = "https://github.com/acme/fascia/edit/main/docs/"


def write(root: Path, rel: str, text: str | bytes) -> None:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")


def page(body: str, source: str | None = None, canonical: str | None = None,
         head: str = "") -> str:
    """A page shaped like Material's: canonical link, stylesheet, the edit button."""
    edit = (f'<a href="{EDIT}{source}" title="Edit this page" '
            f'class="md-content__button md-icon">edit</a>') if source else ""
    canon = f'<link rel="canonical" href="{canonical}">' if canonical else ""
    return (f'<!doctype html><html><head><meta charset="utf-8">{canon}{head}</head>'
            f'<body><header id="header"></header><article>{edit}{body}</article></body></html>')


def redirect(target: str) -> str:
    """What mkdocs-redirects writes."""
    return (f'<!doctype html><html><head><meta charset="utf-8"><title>Redirecting...</title>'
            f'<link rel="canonical" href="{target}">'
            f'<meta http-equiv="refresh" content="0; url={target}"></head>'
            f'<body><a href="{target}">new destination</a></body></html>')


# Every form below is valid and must not be reported.
VALID_LINKS = """
<h2 id="sec">Section</h2><h2 id="caf&#233;">Accent</h2>
<a href="../../">home dir</a> <a href="../../index.html">home file</a> <a href="./">this dir</a>
<a href=".">dot</a> <a href="#sec">fragment</a> <a href="#top">top</a> <a href="#">empty</a>
<a href="">same page</a> <a href="#caf%C3%A9">encoded fragment</a>
<a href="../../?utm=1#intro">query and fragment</a> <a href="../../files/My%20File.pdf">spaces</a>
<a href="https://example.org/site/fascia/x/#sec">absolute, under site_url</a>
<a href="/site/fascia/x/">root-absolute under the site path</a>
<a href="../../old/">redirect to an existing page</a>
<a href="../../old/#sec">fragment via redirect</a>
<a href="../../page.html#named">a name</a> <a href="mailto:clinic@example.org">mail</a>
<a href="tel:+441234567890">phone</a> <a href="https://other.example/x">external</a>
<a href="#:~:text=fascia">text fragment</a>
<img src="../../img/a.png" srcset="../../img/a.png 1x, ../../img/a@2x.png 2x" alt="">
<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=" alt="">
<picture><source srcset="../../img/a.webp" type="image/webp">
<img src="../../img/a.png" alt=""></picture>
<script src="../../assets/app.js?v=3"></script>
"""
HEAD = ('<link rel="stylesheet" href="../../assets/style.css">'
        '<link rel="preconnect" href="https://fonts.gstatic.com">')

# (link as written, reason fragment, kind): every defect the fixture plants on fascia/x.
DEFECTS = [
    ("../../missing/", "not found: missing/", "internal"),
    ("#nope", "no id or <a name> 'nope' on this page", "fragment"),
    ("../../#nope-home", "no id or <a name> 'nope-home' in index.html", "fragment"),
    ("#div-name", "no id or <a name> 'div-name'", "fragment"),
    ("../../Fascia/x/", "case-sensitive; the site has fascia/x", "internal"),
    ("../../../outside.html", "resolves outside SITE_DIR", "internal"),
    ("/elsewhere/", "outside the site: /elsewhere/ is not under /site/", "internal"),
    ("../../img/missing-2x.png", "not found: img/missing-2x.png", "internal"),
    ("../../img/missing.png", "not found: img/missing.png", "internal"),
    ("../../dir-without-index/", "has no index.html", "internal"),
    ("javascript:alert(1)", "javascript: URL", "security"),
]
BROKEN_LINKS = """
<div name="div-name">a div's name is not a target</div>
<a href="../../missing/">one</a> <a href="../../missing/">two</a>
<a href="#nope">x</a> <a href="../../#nope-home">x</a> <a href="#div-name">x</a>
<a href="../../Fascia/x/">x</a> <a href="../../../outside.html">x</a> <a href="/elsewhere/">x</a>
<img src="../../img/a.png" srcset="../../img/a.png 1x, ../../img/missing-2x.png 2x" alt="">
<img src="../../img/missing.png" alt=""> <a href="../../dir-without-index/">x</a>
<a href="javascript:alert(1)">x</a> <a href="../../gone/">to a broken redirect</a>
"""


def make_site(root: Path, broken: bool = True) -> Path:
    site = root / "site"
    write(site, "index.html", page('<h1 id="intro">Home</h1><a href="fascia/x/">x</a>',
                                   "index.md", SITE_URL))
    write(site, "fascia/x/index.html",
          page(VALID_LINKS + (BROKEN_LINKS if broken else ""), "fascia/x.md",
               SITE_URL + "fascia/x/", HEAD))
    write(site, "page.html", page('<a name="named"></a>',
                                  head='<meta name="source-file" content="docs/page.md">'))
    write(site, "old/index.html", redirect("../fascia/x/"))
    write(site, "img/a.png", b"png")
    write(site, "img/a@2x.png", b"png")
    write(site, "img/a.webp", b"webp")
    write(site, "assets/app.js", "")
    write(site, "files/My File.pdf", b"%PDF")
    write(site, "dir-without-index/readme.txt", "")
    write(root, "outside.html", "<p>outside the site</p>")
    css = ('@import "print.css";\n/* url(commented-out.png) */\n'
           'body { background: url(../img/a.png); }\n'
           '.i { mask: url("data:image/svg+xml;charset=utf-8,<svg></svg>"); }\n')
    if broken:
        css += ".b { background: url('../img/missing-css.png'); }\n"
        write(site, "gone/index.html", redirect("../nowhere/"))
    write(site, "assets/style.css", css)
    write(site, "assets/print.css", "a { color: black }\n")
    locs = [SITE_URL, SITE_URL + "fascia/x/"] + ([SITE_URL + "nowhere/"] if broken else [])
    write(site, "sitemap.xml",
          '<?xml version="1.0" encoding="UTF-8"?>\n'
          '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
          + "".join(f"<url><loc>{u}</loc></url>" for u in locs) + "</urlset>")
    return site


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = check_links.main([str(a) for a in args])
    out = capsys.readouterr()
    return code, out.out, out.err


def findings(capsys, site: Path, *args: str) -> list[dict]:
    code, out, _ = run(capsys, site, "--json", *args)
    assert code in (0, 1)
    return json.loads(out)


# ---------------------------------------------------------------- valid forms pass

def test_valid_site_has_no_findings(tmp_path, capsys):
    code, out, _ = run(capsys, make_site(tmp_path, broken=False))
    assert out.splitlines()[:-1] == []
    assert code == 0
    assert "0 broken, 0 security findings" in out


def test_external_links_are_collected_not_checked_offline(tmp_path, capsys):
    code, out, _ = run(capsys, make_site(tmp_path, broken=False))
    assert "(1 external not checked)" in out  # other.example; preconnect is not a link


# ---------------------------------------------------------------- every defect is found

@pytest.mark.parametrize("link, reason, kind", DEFECTS, ids=[d[0] for d in DEFECTS])
def test_defect_on_a_page_is_reported(tmp_path, capsys, link, reason, kind):
    found = [f for f in findings(capsys, make_site(tmp_path))
             if f["page"] == "fascia/x/index.html" and f["link"] == link]
    assert len(found) == 1, found
    assert reason in found[0]["reason"]
    assert found[0]["kind"] == kind
    assert found[0]["source"] == "docs/fascia/x.md"


def test_nothing_else_is_reported(tmp_path, capsys):
    reported = {(f["page"], f["link"]) for f in findings(capsys, make_site(tmp_path))}
    expected = {("fascia/x/index.html", d[0]) for d in DEFECTS} | {
        ("assets/style.css", "../img/missing-css.png"),
        ("sitemap.xml", SITE_URL + "nowhere/"),
        ("gone/index.html", "../nowhere/"),
    }
    assert reported == expected


def test_broken_css_url(tmp_path, capsys):
    [f] = [f for f in findings(capsys, make_site(tmp_path)) if f["page"] == "assets/style.css"]
    assert f["link"] == "../img/missing-css.png" and f["source"] == "assets/style.css"


def test_broken_sitemap_loc(tmp_path, capsys):
    [f] = [f for f in findings(capsys, make_site(tmp_path)) if f["page"] == "sitemap.xml"]
    assert f["link"] == SITE_URL + "nowhere/" and "not found: nowhere/" in f["reason"]


def test_sitemap_loc_outside_site_url(tmp_path, capsys):
    site = make_site(tmp_path, broken=False)
    write(site, "sitemap.xml", "<urlset><url><loc>https://example.org/site/</loc></url>"
                               "<url><loc>https://wrong.example/site/</loc></url></urlset>")
    [f] = findings(capsys, site)
    assert f["page"] == "sitemap.xml" and "not under the site URL" in f["reason"]


def test_redirect_page_to_missing_target(tmp_path, capsys):
    [f] = [f for f in findings(capsys, make_site(tmp_path)) if f["page"] == "gone/index.html"]
    assert f["link"] == "../nowhere/"
    assert f["reason"].startswith("redirect target missing (not found: nowhere/")
    assert f["source"] == "gone/index.html"  # no edit link: the path in SITE_DIR


def test_fragment_through_redirect_is_checked_on_the_final_page(tmp_path, capsys):
    site = make_site(tmp_path, broken=False)
    write(site, "index.html", page('<h1 id="intro"></h1><a href="old/#sec">ok</a>'
                                   '<a href="old/#not-there">x</a>', "index.md", SITE_URL))
    [f] = findings(capsys, site)
    assert f["link"] == "old/#not-there"
    assert f["reason"] == "no id or <a name> 'not-there' in fascia/x/index.html"


def test_redirect_loop(tmp_path, capsys):
    site = make_site(tmp_path, broken=False)
    write(site, "a/index.html", redirect("../b/"))
    write(site, "b/index.html", redirect("../a/"))
    found = findings(capsys, site)
    assert {f["page"] for f in found} == {"a/index.html", "b/index.html"}
    assert all("redirect loop" in f["reason"] for f in found)


def test_orphan_pages_are_read_too(tmp_path, capsys):
    site = make_site(tmp_path, broken=False)
    write(site, "orphan/deep/index.html", page('<a href="../../nothing.html">x</a>'))
    [f] = findings(capsys, site)
    assert f["page"] == "orphan/deep/index.html" and f["source"] == "orphan/deep/index.html"


def test_root_absolute_links_without_a_site_url(tmp_path, capsys):
    site = tmp_path / "s"
    write(site, "index.html", page('<a href="/a/">ok</a><a href="/b/">missing</a>'))
    write(site, "a/index.html", page(""))
    [f] = findings(capsys, site)
    assert f["link"] == "/b/" and f["reason"] == "not found: b/"


# ---------------------------------------------------------------- site URL

def test_site_url_from_sitemap_when_no_canonical(tmp_path, capsys):
    site = tmp_path / "s"
    write(site, "index.html", page('<a href="https://example.org/site/a/">in</a>'
                                   '<a href="https://example.org/site/b/">missing</a>'))
    write(site, "a/index.html", page(""))
    write(site, "sitemap.xml", f"<urlset><url><loc>{SITE_URL}</loc></url></urlset>")
    [f] = findings(capsys, site)
    assert f["link"] == "https://example.org/site/b/"


def test_site_url_option_makes_absolute_links_internal(tmp_path, capsys):
    site = tmp_path / "s"
    write(site, "index.html", page('<a href="https://example.net/docs/a/">in</a>'
                                   '<a href="https://example.net/docs/b/">missing</a>'))
    write(site, "a/index.html", page(""))
    assert findings(capsys, site) == []  # no site URL known: both links are external
    [f] = findings(capsys, site, "--site-url", "https://example.net/docs/")
    assert f["link"] == "https://example.net/docs/b/" and f["reason"] == "not found: b/"


# ---------------------------------------------------------------- output and exit codes

def test_human_output_lines_and_counts(tmp_path, capsys):
    code, out, _ = run(capsys, make_site(tmp_path))
    lines = out.splitlines()
    assert code == 1
    # The one problem shape, file:line: what; fix (line 0 is left out: this Markdown source is not in the checkout)
    assert ("docs/fascia/x.md: ../../missing/: not found: missing/ (x2); correct the address, or restore the page "
            "(if it moved, add a redirect in mkdocs.yml)") in lines
    assert ("docs/fascia/x.md: #nope: no id or <a name> 'nope' on this page; link to an id the page has "
            "(a heading's id), or give the target that id") in lines
    assert any(line.startswith("gone/index.html:1: ../nowhere/: redirect target missing (not found: nowhere/); ") for line in lines)
    assert lines[-1].startswith("5 pages, ")
    assert lines[-1].endswith(f": {len(DEFECTS) + 4} broken, 1 security findings")


def test_a_finding_names_the_line_of_its_markdown_source_when_the_checkout_has_it(tmp_path, capsys, monkeypatch):
    """Run in the checkout (the current directory holds docs/), a broken link is reported at the
    line the author wrote it on, found as written or by the page it names."""
    site = make_site(tmp_path / "build")
    source = tmp_path / "docs" / "fascia" / "x.md"
    source.parent.mkdir(parents=True)
    source.write_text("# X\n\nIntro.\n\nSee [gone](../missing.md) and [here](#nope).\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    _code, out, _ = run(capsys, site)
    lines = out.splitlines()
    assert any(line.startswith("docs/fascia/x.md:5: ../../missing/: not found") for line in lines), lines
    assert any(line.startswith("docs/fascia/x.md:5: #nope: no id") for line in lines), lines


def test_json_fields(tmp_path, capsys):
    code, out, err = run(capsys, make_site(tmp_path), "--json")
    data = json.loads(out)
    assert code == 1
    missing = next(f for f in data if f["link"] == "../../missing/")
    assert missing == {"page": "fascia/x/index.html", "source": "docs/fascia/x.md",
                       "link": "../../missing/", "kind": "internal", "status": None,
                       "reason": "not found: missing/", "count": 2}
    assert "broken" in err  # the summary goes to stderr, stdout stays JSON


def test_same_link_in_several_elements_is_one_report(tmp_path, capsys):
    site = make_site(tmp_path, broken=False)
    write(site, "page.html", page('<a name="named"></a><a href="x.png">a</a><img src="x.png">'
                                  '<img srcset="x.png 2x">'))
    [f] = findings(capsys, site)
    assert (f["link"], f["count"]) == ("x.png", 3)


def test_source_from_meta_tag(tmp_path, capsys):
    site = make_site(tmp_path, broken=False)
    write(site, "page.html", page('<a name="named"></a><a href="#gone">x</a>',
                                  head='<meta name="source-file" content="docs/page.md">'))
    [f] = findings(capsys, site)
    assert f["source"] == "docs/page.md"


def test_security_finding_fails_the_run(tmp_path, capsys):
    site = make_site(tmp_path, broken=False)
    write(site, "index.html", page('<h1 id="intro"></h1><a href="JavaScript:void(0)">x</a>',
                                   "index.md", SITE_URL))
    code, out, _ = run(capsys, site)
    assert code == 1 and "1 broken, 1 security findings" in out


@pytest.mark.parametrize("args, message", [
    (["missing-dir"], "is not a directory"),
    (["empty"], "has no HTML files"),
    (["ok", "--config", "no-such.toml"], "config file not found"),
    (["ok", "--timeout", "0"], "--timeout must be > 0"),
])
def test_bad_usage_exits_2_with_one_line(tmp_path, capsys, args, message):
    (tmp_path / "empty").mkdir()
    write(tmp_path / "ok", "index.html", page(""))
    code, out, err = run(capsys, *[str(tmp_path / a) if i == 0 else a
                                   for i, a in enumerate(args)])
    assert code == 2 and out == ""
    assert len(err.strip().splitlines()) == 1 and message in err


def test_bad_config_names_the_file(tmp_path, capsys):
    write(tmp_path / "ok", "index.html", page(""))
    write(tmp_path, "bad.toml", "[blocked_ok]\nhosts = 'not a list'\n")
    code, _, err = run(capsys, tmp_path / "ok", "--config", tmp_path / "bad.toml")
    assert code == 2 and "bad.toml: [blocked_ok] hosts must be a list" in err


def test_command_line_help_and_exit_codes(tmp_path):
    def cli(*args):
        return subprocess.run([sys.executable, str(SCRIPT), *map(str, args)],
                              capture_output=True, text=True, timeout=60)
    shown = cli("--help")
    assert shown.returncode == 0 and "--external" in shown.stdout
    assert cli(tmp_path / "nope").returncode == 2
    assert cli(make_site(tmp_path)).returncode == 1


# ---------------------------------------------------------------- the pieces

def test_process_pool_gives_the_same_findings(tmp_path, capsys, monkeypatch):
    site = make_site(tmp_path)
    for i in range(30):
        write(site, f"many/p{i}/index.html",
              page(f'<a href="../p{i + 1}/#h">next</a><h2 id="h">h</h2>'))
    serial = findings(capsys, site)
    monkeypatch.setattr(check_links_internal, "POOL_MIN_PAGES", 2)
    assert findings(capsys, site) == serial
    assert [f["link"] for f in serial if f["page"].startswith("many/")] == ["../p30/#h"]


@pytest.mark.parametrize("srcset, urls", [
    ("a.png 1x, b.png 2x", ["a.png", "b.png"]),
    ("a.png", ["a.png"]),
    ("a.png 480w,b.png 800w", ["a.png", "b.png"]),
    ("a,b.png 1x, c.png 2x", ["a,b.png", "c.png"]),
    ("a.png, b.png 2x", ["a.png", "b.png"]),
    ("  ", []),
])
def test_parse_srcset(srcset, urls):
    assert check_links.parse_srcset(srcset) == urls


def test_css_urls_skip_comments_and_read_imports():
    css = ('@import "a.css"; @import url(b.css);\n/* url(no.png) "@import x" */\n'
           'x { background: URL( "c d.png" ) } y { content: "url(not-a-url)"; '
           "background: url('e.png'), url(f.png) }")
    assert check_links.css_urls(css) == ["a.css", "b.css", "c d.png", "e.png", "f.png"]


@pytest.mark.parametrize("content, target", [
    ("0; url=../new/", "../new/"),
    ("0;URL='../new/'", "../new/"),
    ('3; url="x.html"', "x.html"),
    ("0; ../new/", "../new/"),
    ("0, url=a,b.html", "a,b.html"),
    ("5", None),
])
def test_refresh_target(content, target):
    assert check_links.refresh_target(content) == target


# ---------------------------------------------------------------- the real site

def test_real_site_has_no_broken_links(built_site):
    result = subprocess.run([sys.executable, str(SCRIPT), str(built_site)],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
