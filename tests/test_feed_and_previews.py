"""What the clinic shares: link previews (title, description, Open Graph and Twitter
tags, a 1200x630 card per page), the RSS feed its mail tool reads, and the newsletter
helper's ready-to-paste block."""
from __future__ import annotations

import datetime as dt
import subprocess
import sys
from html import unescape as html_unescape

import feedparser
import pytest
from conftest import ROOT
from lxml import html
from PIL import Image
from test_site_build import doc_pages, html_for

from fasciasite.publishing.feed import FEEDS

NEWSLETTER = ["-m", "fasciasite.cli", "newsletter"]  # the fasciasite command, in this checkout


def meta(doc, attr, name):
    found = doc.xpath(f'//meta[@{attr}="{name}"]/@content')
    return found[0] if found else None


def front(src):
    import yaml

    text = (ROOT / "docs" / src).read_text(encoding="utf-8")
    return yaml.safe_load(text.split("---", 2)[1])


def articles(config):
    return [s for s in doc_pages() if s.split("/")[0] in config["extra"]["article_sections"]]


def test_every_page_has_unique_title_description_and_preview_tags(built_site, mkdocs_config):
    site_url = mkdocs_config["site_url"]
    titles = {}
    for src in doc_pages():
        doc = html.fromstring((built_site / html_for(src)).read_bytes())
        title = doc.findtext(".//title")
        assert title and title not in titles, f"{src}: <title> missing or same as {titles.get(title)}"
        titles[title] = src
        fm = front(src)
        assert meta(doc, "name", "description") == fm["description"], src
        canonical = doc.xpath('//link[@rel="canonical"]/@href')[0]
        assert canonical == site_url + html_for(src)[: -len("index.html")]
        assert meta(doc, "property", "og:url") == canonical
        assert meta(doc, "property", "og:description") == fm["description"]
        assert meta(doc, "property", "og:title").startswith(str(fm["title"]))
        assert meta(doc, "property", "og:type") in ("article", "website")
        assert meta(doc, "property", "og:locale") == "en_GB"
        assert meta(doc, "name", "twitter:card") == "summary_large_image"
        image = meta(doc, "property", "og:image")
        assert image.startswith(site_url), image
        card = built_site / image[len(site_url):]
        with Image.open(card) as im:
            assert im.size == (1200, 630), f"{src}: card {card.name} is {im.size}"


def test_article_previews_are_typed_as_articles(built_site, mkdocs_config):
    for src in articles(mkdocs_config):
        doc = html.fromstring((built_site / html_for(src)).read_bytes())
        assert meta(doc, "property", "og:type") == "article", src


def test_rss_feed_lists_every_article_with_title_link_date_and_description(built_site, mkdocs_config):
    feed = feedparser.parse((built_site / "feed_rss_created.xml").read_bytes())
    assert not feed.bozo, f"feed is not well-formed: {feed.get('bozo_exception')}"
    assert feed.feed.language == "en-GB"
    by_link = {e.link: e for e in feed.entries}
    site_url = mkdocs_config["site_url"]
    assert len(feed.entries) == len(articles(mkdocs_config))
    for src in articles(mkdocs_config):
        fm = front(src)
        entry = by_link.get(site_url + html_for(src)[: -len("index.html")])
        assert entry is not None, f"{src} missing from the feed"
        assert entry.title == fm["title"]
        assert html_unescape(entry.description) == fm["description"]  # RSS descriptions are HTML
        published = dt.date(*entry.published_parsed[:3])
        assert published == fm["published"], f"{src}: feed date {published} != front matter {fm['published']}"


def test_feed_is_linked_from_every_page(built_site):
    doc = html.fromstring((built_site / "index.html").read_bytes())
    assert doc.xpath('//link[@rel="alternate" and @type="application/rss+xml"]')
    assert doc.xpath('//footer//a[contains(@href, "feed_rss_created.xml")]')


def run(*args):
    return subprocess.run([sys.executable, *NEWSLETTER, *args], capture_output=True, text=True, cwd=ROOT)


def test_newsletter_block_has_titles_images_and_tagged_links(built_site, mkdocs_config):
    chosen = ["docs/back-pain/what-helps.md", "docs/treatments/foam-rolling.md"]
    result = run("--campaign", "december-2026", "--format", "html", *chosen)
    assert result.returncode == 0, result.stderr
    doc = html.fromstring(result.stdout)
    site_url = mkdocs_config["site_url"]
    links = [a.get("href") for a in doc.iter("a")]
    for src in chosen:
        base = site_url + html_for(src.removeprefix("docs/"))[: -len("index.html")]
        assert base + "?utm_source=newsletter&utm_medium=email&utm_campaign=december-2026" in links
        assert front(src.removeprefix("docs/"))["title"] in doc.text_content()
    for img in doc.iter("img"):
        assert img.get("alt")
        assert (built_site / img.get("src")[len(site_url):]).is_file(), "the preview image must exist in the site"


def test_newsletter_plain_text_and_latest(mkdocs_config):
    result = run("--campaign", "spring", "--latest", "2", "--format", "text")
    assert result.returncode == 0, result.stderr
    blocks = result.stdout.strip().split("\n\n")
    assert len(blocks) == 2
    assert all("utm_campaign=spring" in b for b in blocks)


@pytest.mark.parametrize("args", [["--campaign", "Bad Name!"], ["--campaign", "ok", "docs/nope.md"], ["--campaign", "ok", "--latest", "0"]])
def test_newsletter_refuses_bad_input(args):
    result = run(*args)
    assert result.returncode == 2 and "newsletter:" in result.stderr


def test_cards_are_compressed(built_site):
    cards = sorted((built_site / "assets" / "cards").rglob("*.png"))
    assert cards
    heavy = [(c.name, c.stat().st_size) for c in cards if c.stat().st_size > 40_000]
    assert not heavy, f"cards over 40 KB: {heavy}"


CARD_PAGE = "---\ntitle: {title}\ndescription: A page of the card fixture site, long enough to pass the page checks.\n---\n\n# {title}\n\nText.\n"


def test_a_card_already_drawn_is_reused_not_drawn_again(tmp_path):
    """Cards are cached by what they show. (Two pages may no longer share a title: the build
    refuses it, since readers could not tell them apart; so the reuse is shown across builds.)"""
    from conftest import make_fixture_site, mkdocs_build

    pages = {"index.md": CARD_PAGE.format(title="Home"), "a.md": CARD_PAGE.format(title="One title")}
    config = make_fixture_site(tmp_path, pages)
    first = mkdocs_build(config, tmp_path / "site1")
    assert first.returncode == 0, first.stderr[-2000:]
    cache = tmp_path / ".cache" / "cards"
    drawn = {p.name: p.stat().st_mtime_ns for p in cache.glob("*.png")}
    assert len(drawn) == 3  # Home, One title, the default card
    second = mkdocs_build(config, tmp_path / "site2")
    assert second.returncode == 0, second.stderr[-2000:]
    assert {p.name: p.stat().st_mtime_ns for p in cache.glob("*.png")} == drawn  # nothing drawn again
    a1, a2 = (tmp_path / d / "assets/cards/a.png" for d in ("site1", "site2"))
    assert a1.read_bytes() == a2.read_bytes()
    assert not list(cache.glob("*.tmp"))


def test_a_card_that_cannot_be_drawn_fails_the_build_and_says_why(tmp_path):
    from conftest import make_fixture_site, mkdocs_build

    config = make_fixture_site(tmp_path, {"index.md": CARD_PAGE.format(title="Home")})
    (tmp_path / ".cache").mkdir(exist_ok=True)  # it may hold the formatted references (conftest.py)
    (tmp_path / ".cache" / "cards").write_text("a file where the card cache should be")
    result = mkdocs_build(config, tmp_path / "site")
    assert result.returncode != 0
    assert "cards.py: a link-preview card could not be drawn" in result.stderr
    assert "FileExistsError: [Errno 17] File exists" in result.stderr  # the cause, in one line
    assert "If .cache/cards is damaged, delete it (make clean) and build again." in result.stderr
    assert "Traceback" not in result.stderr


def test_the_feed_keeps_every_article_however_many_there_are(mkdocs_config, tmp_path):  # G-40
    from fasciasite.publishing.feed import feed_length_problem

    rss = next(p["rss"] for p in mkdocs_config["plugins"] if isinstance(p, dict) and "rss" in p)
    count = len(articles(mkdocs_config))
    assert feed_length_problem(ROOT / "mkdocs.yml", rss.get("length", 20), count) is None
    config = tmp_path / "mkdocs.yml"
    config.write_text("plugins:\n  - rss:\n      match_path: x\n      length: 20\n", encoding="utf-8")
    message = feed_length_problem(config, 20, 21)
    assert message.startswith("mkdocs.yml:4: the RSS feed keeps 20 items but the site has 21 articles"), message
    assert "length: 1000" in message


@pytest.mark.parametrize("feed_file", ["feed_rss_created.xml", "feed_rss_updated.xml"])
def test_every_feed_item_carries_its_preview_card_and_a_plain_text_summary(built_site, mkdocs_config, feed_file):
    """Read as an RSS-to-email service reads it (feedparser): the picture is the item's
    enclosure and media:content, with its real size in bytes, its type and its pixels, and
    it is the same card the article's link preview shows."""
    feed = feedparser.parse((built_site / feed_file).read_bytes())
    assert not feed.bozo, feed.get("bozo_exception")
    site_url = mkdocs_config["site_url"]
    pages = {site_url + html_for(src)[: -len("index.html")]: src for src in articles(mkdocs_config)}
    assert {e.link for e in feed.entries} == set(pages)
    for entry in feed.entries:
        src = pages[entry.link]
        card = meta(html.fromstring((built_site / html_for(src)).read_bytes()), "property", "og:image")
        size = (built_site / card[len(site_url):]).stat().st_size
        enclosures = [(e.href, e.type, int(e.length)) for e in entry.enclosures]
        assert enclosures == [(card, "image/png", size)], f"{src}: {enclosures}"
        media = entry.media_content
        assert len(media) == 1, src
        assert (media[0]["url"], media[0]["type"], int(media[0]["filesize"])) == (card, "image/png", size), src
        assert (media[0]["width"], media[0]["height"], media[0]["medium"]) == ("1200", "630", "image"), src
        summary = html_unescape(entry.summary)
        assert summary == front(src)["description"] and "<" not in summary, f"{src}: summary is not plain text"


def test_a_feed_item_gets_the_card_the_page_recorded(tmp_path):
    """The rewrite on its own: an item whose page has a card gains it; one without is left alone."""
    from lxml import etree

    from fasciasite.publishing.feed import MEDIA, add_card

    card = tmp_path / "a.png"
    card.write_bytes(b"\x89PNG" + b"0" * 96)
    item = etree.fromstring("<item><link>https://example.org/a/</link><enclosure url='old' length='1' type='x'/></item>")
    add_card(item, "https://example.org/assets/cards/a.png", card, 1200, 630)
    assert [(e.get("url"), e.get("length")) for e in item.iter("enclosure")] == [("https://example.org/assets/cards/a.png", "100")]
    (content,) = item.iter(f"{{{MEDIA}}}content")
    assert (content.get("fileSize"), content.get("type"), content.get("width")) == ("100", "image/png", "1200")


def serve_builds(config_file, site_dir, dirty: bool, edits: list[tuple[str, str]]):
    """Build as `mkdocs serve` does (plugin instances kept, on_startup once), once and then once
    per edit (a page's source, its new text); yields after each build."""
    from conftest import in_project
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    with in_project(config_file.parent):
        for n, edit in enumerate([None, *edits]):
            if edit is not None:
                (config_file.parent / "docs" / edit[0]).write_text(edit[1], encoding="utf-8")
            config = load_config(str(config_file), site_dir=str(site_dir), strict=False)
            if n == 0:
                config.plugins.on_startup(command="serve", dirty=dirty)
            build(config, dirty=dirty)
            yield


FEED_HOME = "---\ntitle: Home\ndescription: The home page of the feed fixture site, long enough to pass the rule.\n---\n\n# Home\n\nText.\n"
FEED_ARTICLE = ("---\ntitle: Article {n}\ndescription: A feed fixture article, number {n}, long enough for the "
                "description rule of the site.\nauthor: editorial-team\nreviewer: \"\"\npublished: 2026-11-2{n}\n"
                "last_reviewed: 2026-11-2{n}\nnext_review: 2027-11-1{n}\ntags: [fascia, anatomy]\n---\n\n# Article {n}\n\n{body}\n")


def feed_site(tmp_path):
    """A fixture site with the real rss plugin's settings and three articles."""
    import yaml
    from conftest import make_fixture_site

    from fasciasite.config import load_mkdocs_yml

    pages = {"index.md": FEED_HOME, **{f"fascia/a{n}.md": FEED_ARTICLE.format(n=n, body="Gentle movement helps.")
                                       for n in range(3)}}
    config_file = make_fixture_site(tmp_path, pages)
    config = load_mkdocs_yml(config_file.parent)
    real = load_mkdocs_yml(ROOT)
    rss = next(p for p in real["plugins"] if isinstance(p, dict) and "rss" in p)
    config["plugins"].insert(config["plugins"].index("fasciasite"), rss)  # before ours, as in mkdocs.yml
    config_file.write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
    return config_file


def feed_links(site_dir, name="feed_rss_created.xml"):
    return [e.link for e in feedparser.parse((site_dir / name).read_bytes()).entries]


def test_every_serve_rebuild_writes_each_article_once_in_the_feeds(tmp_path):
    """mkdocs-rss-plugin keeps its list of pages for the whole `mkdocs serve`: without our reset
    a rebuild listed every article twice. Each rebuild of `make serve` writes each article once,
    with the saved page's new title."""
    config_file = feed_site(tmp_path)
    site = tmp_path / "site"
    edited = FEED_ARTICLE.format(n=1, body="Gentle movement helps.").replace("title: Article 1", "title: Article one, renamed")
    for n, _ in enumerate(serve_builds(config_file, site, dirty=False, edits=[("fascia/a2.md", FEED_ARTICLE.format(
            n=2, body="Saved again.")), ("fascia/a1.md", edited)])):
        for name in FEEDS:
            links = feed_links(site, name)
            assert len(links) == 3 and len(set(links)) == 3, (n, name, links)
    titles = [e.title for e in feedparser.parse((site / "feed_rss_created.xml").read_bytes()).entries]
    assert "Article one, renamed" in titles, titles


def test_a_serve_fast_rebuild_leaves_the_feeds_and_a_full_build_writes_them(tmp_path):
    """`make serve-fast` (serve --dirty) renders only the saved page; like the other whole-site
    lists, the feeds stay as the session's first build wrote them. The next full build writes them."""
    config_file = feed_site(tmp_path)
    site = tmp_path / "site"
    edited = FEED_ARTICLE.format(n=1, body="Gentle movement helps.").replace("title: Article 1", "title: Article one, renamed")
    written = {}
    for n, _ in enumerate(serve_builds(config_file, site, dirty=True, edits=[("fascia/a1.md", edited)])):
        if n == 0:
            written = {name: (site / name).read_bytes() for name in FEEDS}
            assert all(len(set(feed_links(site, name))) == 3 for name in FEEDS)
        else:
            assert {name: (site / name).read_bytes() for name in FEEDS} == written
            assert "Article one, renamed" in (site / "fascia" / "a1" / "index.html").read_text(encoding="utf-8")
    from conftest import build_in_process

    full = build_in_process(config_file, tmp_path / "site-full")
    assert full.returncode == 0, full.stderr[-2000:]
    titles = [e.title for e in feedparser.parse((tmp_path / "site-full" / "feed_rss_created.xml").read_bytes()).entries]
    assert "Article one, renamed" in titles and len(titles) == 3, titles
