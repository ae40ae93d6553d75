"""Take-home sheets (fasciasite/publishing/sheet.py): every article that exists when the tests run has
one, linked from the article, out of search and the sitemap; each prints on ONE A4 side
in Chromium; the content is the page's own (key points, supported rows, the urgent-help
tiers word for word); the QR code carries the print UTM tags; axe finds nothing.

Browser tests use test_browser.py's fixtures (Debian's Chromium; skipped without it, except in CI).
"""
from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from axe_playwright_python.base import AXE_FILE_PATH
from lxml import html as lxml_html
from test_browser import AXE_TAGS, browser, new_context, site_url  # noqa: F401 (fixtures)

from fasciasite.authoring import newsletter
from fasciasite.publishing import sheet

PAGE_OBJECT = re.compile(rb"/Type\s*/Page(?![sL\w])")  # one per page in Chromium's PDF (not /Pages)


def articles(built_site, mkdocs_config) -> list[str]:
    """Every article of the built site as a site path (new articles included, whatever they are)."""
    return sorted(p.parent.relative_to(built_site).as_posix() + "/"
                  for s in mkdocs_config["extra"]["article_sections"] for p in (built_site / s).rglob("index.html")
                  if sheet.DIR not in p.parent.relative_to(built_site).parts)


def text(el) -> str:
    return " ".join(el.text_content().split())


def page_count(pdf: bytes) -> int:
    return len(PAGE_OBJECT.findall(pdf))


# ── The parts, from an article's HTML ────────────────────────────────────────

ARTICLE_HTML = """
<div class="admonition abstract"><p class="admonition-title">Key points</p>
<ul><li>Rolling helps <abbr title="x">fascia</abbr> a little<sup id="fnref:a"><a class="footnote-ref" href="#fn:a">1</a></sup>.</li>
<li>See <a href="../other/">the other page</a>.</li></ul></div>
<table><thead><tr><th>Claim</th><th>Rating</th><th>Why</th></tr></thead><tbody>
<tr><td>It eases soreness</td><td><strong>Strong</strong></td><td>Reviews<sup>1</sup></td></tr>
<tr><td>It releases fascia</td><td><strong>Very limited</strong></td><td>Lab only</td></tr>
<tr><td>It beats stretching</td><td><strong>Evidence against</strong></td><td>Trials</td></tr>
<tr><td>It helps range</td><td><strong>Moderate</strong></td><td>Trials</td></tr></tbody></table>
<div class="admonition danger urgent-help urgent-emergency"><p class="admonition-title">Call 999</p>
<p>Call 999 if<sup id="fnref:b"><a class="footnote-ref" href="#fn:b">2</a></sup>:</p><ul><li>chest pain</li></ul>
<p>Use <a href="https://111.nhs.uk/">111 online</a>.</p></div>
<div class="admonition danger urgent-help urgent-emergency"><p class="admonition-title">Call 999</p>
<p>Call 999 if<sup id="fnref2:b"><a class="footnote-ref" href="#fn:b">2</a></sup>:</p><ul><li>chest pain</li></ul>
<p>Use <a href="https://111.nhs.uk/">111 online</a>.</p></div>
"""


def test_the_sheet_takes_key_points_supported_rows_and_each_urgent_tier_once():
    key_points, supported, urgent = sheet.parts(ARTICLE_HTML)
    assert "Rolling helps fascia a little." in key_points
    assert "<sup" not in key_points + urgent and "<abbr" not in key_points, "citation markers and hover text stay off paper"
    assert "../other/" not in key_points and "the other page" in key_points, "links within the site become text"
    assert [(c, r) for c, r in supported] == [("It eases soreness", "Strong"), ("It helps range", "Moderate")]
    assert urgent.count("urgent-emergency") == 1, "a tier shown twice on the page is printed once"
    assert 'href="https://111.nhs.uk/"' in urgent


def test_a_page_without_the_parts_gives_an_empty_sheet_body():
    assert sheet.parts("<p>Just a paragraph.</p>") == ("", [], "")


def test_the_qr_address_follows_the_newsletter_utm_convention_for_print():
    url = "https://example.org/site/treatments/foam-rolling/"
    ours = parse_qs(urlsplit(sheet.tagged(url)).query)
    email = parse_qs(urlsplit(newsletter.tagged(url, "december-2026")).query)
    assert set(ours) == set(email), "same UTM keys as the newsletter"
    assert ours["utm_medium"] == ["print"]
    assert sheet.tagged(url).startswith(url + "?")


def scanned(svg: str) -> str | None:
    """What a phone's camera would read from a QR code as the sheet draws it: the SVG's path (strokes
    one module wide along each row's middle: M x y, m dx dy, h width) painted at 6 pixels a module
    on white paper, then read by zxing-cpp's reader (None: no code found)."""
    import zxingcpp
    from PIL import Image, ImageDraw
    side = int(re.search(r'viewBox="0 0 (\d+) \1"', svg).group(1))
    scale, paper = 6, 4  # paper: extra quiet zone, in modules
    image = Image.new("L", ((side + 2 * paper) * scale,) * 2, 255)
    draw = ImageDraw.Draw(image)
    x = y = 0.0
    for command, a, b in re.findall(r"([Mmh])(-?[\d.]+)(?: (-?[\d.]+))?", re.search(r'stroke="#000" d="([^"]+)"', svg).group(1)):
        if command == "M":
            x, y = float(a), float(b)
        elif command == "m":
            x, y = x + float(a), y + float(b)
        else:
            top = (y - 0.5 + paper) * scale
            draw.rectangle([(x + paper) * scale, top, (x + float(a) + paper) * scale - 1, top + scale - 1], fill=0)
            x += float(a)
    found = zxingcpp.read_barcode(image, formats=zxingcpp.BarcodeFormat.QRCode)
    return found.text if found else None


@pytest.mark.parametrize("url", [
    "https://example.org/a/",
    "https://fasciaandback.example/back-pain/why-back-pain-can-last/",
    "https://example.org/fascia/what-is-fascia/?x=%C3%A9&y=1#top",  # escapes, a query and a fragment
    "https://example.org/" + "long-path/" * 20,                      # a larger code (version 8)
])
def test_the_qr_code_scans_as_the_tagged_article_address(url):
    svg = sheet.qr_svg(sheet.tagged(url))
    assert svg.startswith('<svg role="img" aria-label=') and "<?xml" not in svg
    assert scanned(svg) == sheet.tagged(url)


def test_a_qr_drawing_without_its_top_finder_patterns_does_not_scan():
    """The reader above is not lenient: with the rows of the two top finder patterns gone (rows 0-6
    of the code, drawn at y 2-8 inside the border), nothing is read."""
    svg = sheet.qr_svg(sheet.tagged("https://example.org/a/"))
    assert scanned(svg) is not None
    assert scanned(re.sub(r"M\d+ [2-8]\.5[^M]*", "", svg)) is None


# ── The built site ───────────────────────────────────────────────────────────


def test_every_article_has_a_sheet_linked_from_it_and_kept_out_of_search_and_the_sitemap(built_site, mkdocs_config):
    found = articles(built_site, mkdocs_config)
    assert len(found) >= 20
    sitemap = (built_site / "sitemap.xml").read_text(encoding="utf-8") if (built_site / "sitemap.xml").exists() else ""
    index = (built_site / "search" / "search_index.json").read_text(encoding="utf-8")
    problems = []
    for path in found:
        article = lxml_html.fromstring((built_site / path / "index.html").read_bytes())
        links = [a for a in article.xpath("//a[@href]") if text(a) == "Print a one-page summary"]
        if [a.get("href") for a in links] != [f"{sheet.DIR}/"]:
            problems.append(f"{path}: no 'Print a one-page summary' link to {sheet.DIR}/")
        target = built_site / sheet.sheet_path(path) / "index.html"
        if not target.is_file():
            problems.append(f"{path}: no sheet at {sheet.sheet_path(path)}")
            continue
        doc = lxml_html.fromstring(target.read_bytes())
        if doc.xpath("//meta[@name='robots']/@content") != ["noindex"]:
            problems.append(f"{path}: sheet without noindex")
        if doc.xpath("//script"):
            problems.append(f"{path}: sheet has a script")
        if sheet.sheet_path(path) in sitemap or f'"{sheet.sheet_path(path)}' in index:
            problems.append(f"{path}: sheet in the sitemap or the search index")
    assert not problems, "\n".join(problems)


def test_each_sheet_shows_the_page_own_key_points_and_urgent_tiers_word_for_word(built_site, mkdocs_config):
    problems = []
    for path in articles(built_site, mkdocs_config):
        article = lxml_html.fromstring((built_site / path / "index.html").read_bytes())
        page = lxml_html.fromstring((built_site / sheet.sheet_path(path) / "index.html").read_bytes())
        for el in article.xpath("//sup"):
            el.drop_tree()
        shown = {text(li) for li in page.xpath("//section[@class='sheet-main']/ul[1]/li")}
        points = {text(li) for li in article.xpath("//div[p[@class='admonition-title']='Key points']/ul/li")}
        if points != shown:
            problems.append(f"{path}: key points differ: {sorted(points ^ shown)[:2]}")
        tiers = {text(d) for d in article.xpath("//div[contains(@class, 'urgent-help')]")}
        printed = {text(d) for d in page.xpath("//section[@class='sheet-urgent']/div")}
        if tiers != printed:
            problems.append(f"{path}: urgent-help tiers differ from the page's")
        if not page.xpath("//svg[@role='img']"):
            problems.append(f"{path}: no QR code")
    assert not problems, "\n".join(problems)


def test_every_sheet_qr_code_scans_as_its_article_address_with_the_print_tags(built_site, mkdocs_config):
    site_url = mkdocs_config["site_url"]
    problems = []
    for path in articles(built_site, mkdocs_config):
        page = (built_site / sheet.sheet_path(path) / "index.html").read_text(encoding="utf-8")
        svg = re.search(r'<svg role="img".*?</svg>', page, re.S)
        read = scanned(svg.group(0)) if svg else None
        if read != sheet.tagged(site_url + path):
            problems.append(f"{path}: the QR code reads {read!r}")
    assert not problems, "\n".join(problems)


@pytest.mark.browser
def test_every_article_sheet_prints_on_one_a4_page_in_chromium(browser, built_site, mkdocs_config, site_url):
    over = []
    with new_context(browser) as context:
        page = context.new_page()
        for path in articles(built_site, mkdocs_config):
            page.goto(site_url + sheet.sheet_path(path))
            pages = page_count(page.pdf(format="A4", prefer_css_page_size=True))
            if pages != 1:
                over.append(f"{sheet.sheet_path(path)}: {pages} pages")
    assert not over, "take-home sheets must print on one A4 side:\n" + "\n".join(over)


@pytest.mark.browser
def test_the_page_count_sees_a_sheet_that_runs_over(browser, built_site, mkdocs_config, site_url):
    """The check above can fail: the same sheet with its text doubled in size prints on two pages."""
    with new_context(browser) as context:
        page = context.new_page()
        page.goto(site_url + sheet.sheet_path(articles(built_site, mkdocs_config)[0]))
        page.add_style_tag(content="body { font-size: 20pt !important; } .sheet-urgent { font-size: 18pt !important; }")
        assert page_count(page.pdf(format="A4", prefer_css_page_size=True)) > 1


@pytest.mark.browser
def test_a_sheet_passes_axe_on_screen_and_in_print(browser, built_site, mkdocs_config, site_url):
    problems = []
    with new_context(browser) as context:
        context.add_init_script(path=AXE_FILE_PATH)
        page = context.new_page()
        for path in ("back-pain/red-flags/", articles(built_site, mkdocs_config)[-1]):
            page.goto(site_url + sheet.sheet_path(path))
            for media in ("screen", "print"):
                page.emulate_media(media=media)
                result = page.evaluate("async (tags) => await axe.run(document, {runOnly: {type: 'tag', values: tags}})", AXE_TAGS)
                problems += [f"{path} ({media}) {v['id']}: {n['target']}" for v in result["violations"] for n in v["nodes"]]
    assert problems == [], "\n".join(problems)
