"""RSS feeds: fix what mkdocs-rss-plugin 1.19 gets wrong, so mail tools read them cleanly.

Why our own code: the plugin has no option for these. It takes <language> from Material's
theme.language ("custom" here, our en-GB strings), writes <image><url>None</url> when no
image is set (and wants a file or a network request to size one), and puts the author's
key (editorial-team) where readers should see a name.

Two things of the plugin's behaviour under `mkdocs serve`, set right here (it has no option
for them): it makes its list of pages once per `mkdocs serve` (in on_startup) and every build
adds the site's pages to it, so from the first rebuild of `make serve` its feeds held each page
twice (and, once a site has more than half `length` articles, dropped the rest); the list is
emptied at the start of each build. And a `make serve-fast` rebuild (`--dirty`, which renders only the saved page)
leaves the feeds as the session's first build wrote them, like the other whole-site lists
(the plugin's own `enabled` switch, off for that rebuild): writing 1,000 items again took
about half of that rebuild at 1,000 articles. `make serve` and every build write them whole.

Events:
  on_config      the feed keeps every article: the rss plugin's `length` (default 20) must be
                 at least the number of articles, or the build fails naming mkdocs.yml's line;
                 an article beyond it would silently drop out of readers' e-mail.
  on_page_context remember each page's link-preview card (page.meta.card_url, set by
                 fasciasite/publishing/cards.py) by the page's address.
  on_post_build  in each RSS feed: <language> from extra.locale (en-GB); the channel image
                 is the site's default link-preview card; item authors by display name; each
                 item carries its article's card as <enclosure> and <media:content> (Media
                 RSS) with its size in bytes, type and pixels, so an RSS-to-email template
                 (Mailchimp, Buttondown, MailerLite) shows the picture beside the summary.

Why the cards are not given to the plugin's own image option (front matter `image:`, which
it writes as an <enclosure>): it sizes a relative image from the docs folder beside the
Markdown file, and an absolute one by a network request; our cards are drawn during the
build into the site (fasciasite/publishing/cards.py), so neither works offline.
"""
from __future__ import annotations

import logging
import re
from pathlib import Path
from typing import TYPE_CHECKING

from lxml import etree
from mkdocs.exceptions import PluginError

from fasciasite.publishing.cards import SIZE as CARD_SIZE

if TYPE_CHECKING:  # the types of MkDocs' events, for the type checker only
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.structure.nav import Navigation
    from mkdocs.structure.pages import Page
    from mkdocs.utils.templates import TemplateContext


log = logging.getLogger("mkdocs.plugins.fasciasite.publishing.feed")
FEEDS = ("feed_rss_created.xml", "feed_rss_updated.xml")
MEDIA = "http://search.yahoo.com/mrss/"  # the Media RSS namespace (media:content)
CARD_TYPE = "image/png"


def feed_length_problem(config_file: Path, length: int, articles: int) -> str | None:
    if length >= articles:
        return None
    text = config_file.read_text(encoding="utf-8-sig") if config_file.is_file() else ""
    m = re.search(r"^\s*length\s*:", text, re.M) or re.search(r"^\s*- rss\s*:", text, re.M)
    line = text.count("\n", 0, m.start()) + 1 if m else 1
    return (f"{config_file.name}:{line}: the RSS feed keeps {length} items but the site has {articles} articles, so "
            f"{articles - length} would silently drop out of the feed; set the rss plugin's length to at least "
            f"{articles * 2} (length: {max(1000, articles * 2)})")


class Feed:
    """The feed of one build: each page's card address, added to its feed item after the build."""

    def __init__(self, dirty_rebuild: bool = False) -> None:
        """dirty_rebuild: a rebuild of `mkdocs serve --dirty` (make serve-fast), not its first build."""
        self._cards: dict[str, str] = {}  # page address -> its card's address (this build)
        self._dirty_rebuild = dirty_rebuild
        self._on = True  # the feeds are written by this build

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        self._cards.clear()
        plugin = config.plugins.get("rss")
        self._on = plugin is not None and bool(plugin.config.enabled)
        if plugin is None:
            return config
        if hasattr(plugin, "pages_to_filter"):  # its pages of this build only (the module docstring)
            plugin.pages_to_filter = []
        if self._dirty_rebuild:  # a serve-fast rebuild: the feeds stay as the first build wrote them
            plugin.config.enabled = False
            self._on = False
            log.debug("serve --dirty rebuild: the RSS feeds are left as the first build wrote them")
            return config
        docs = Path(config.docs_dir)
        sections = config.extra.get("article_sections") or []
        count = sum(1 for s in sections for _ in (docs / s).glob("*.md"))
        problem = feed_length_problem(Path(config.config_file_path), int(plugin.config.length), count)
        if problem:
            raise PluginError(problem)
        return config

    def on_page_context(self, context: TemplateContext, page: Page, config: MkDocsConfig, nav: Navigation) -> TemplateContext:
        card = page.meta.get("card_url")
        if card and page.canonical_url:
            self._cards[page.canonical_url] = card
        return context

    def on_post_build(self, config: MkDocsConfig) -> None:
        if not self._on:
            return
        language = config.extra.get("locale", "en_GB").replace("_", "-")
        authors = {key: a.get("name", key) for key, a in config.extra.get("authors", {}).items()}
        for name in FEEDS:
            path = Path(config.site_dir) / name
            if not path.is_file():
                continue
            tree = etree.parse(str(path))
            site_url = config.site_url or ""
            for node in tree.iterfind("channel/language"):
                node.text = language
            for node in tree.iterfind("channel/image/url"):
                node.text = site_url + "assets/cards/default.png"
            for node in tree.iterfind("channel/item/author"):
                node.text = authors.get(node.text, node.text)
            for item in tree.iterfind("channel/item"):
                card = self._cards.get(item.findtext("link") or "")
                if card and card.startswith(site_url):
                    card_file = Path(config.site_dir) / card[len(site_url):]
                    if card_file.is_file():  # drawn and copied by fasciasite/publishing/cards.py (the plugin writes the cards first)
                        add_card(item, card, card_file, *CARD_SIZE)
                    else:
                        log.warning(f"{name}: the item {item.findtext('link')} has no preview card at {card}; "
                                    "check that fasciasite/plugin.py writes the cards before the feed (on_post_build)")
            etree.cleanup_namespaces(tree, top_nsmap={"media": MEDIA})
            tree.write(str(path), xml_declaration=True, encoding="UTF-8")



def add_card(item: etree._Element, card_url: str, card_file: Path, width: int, height: int) -> None:
    """<enclosure> (RSS 2.0) and <media:content> (Media RSS) for the item's preview card."""
    size = str(card_file.stat().st_size)
    for old in item.findall("enclosure") + item.findall(f"{{{MEDIA}}}content"):
        item.remove(old)
    etree.SubElement(item, "enclosure", url=card_url, length=size, type=CARD_TYPE)
    etree.SubElement(item, f"{{{MEDIA}}}content", url=card_url, type=CARD_TYPE, medium="image", fileSize=size,
                     width=str(width), height=str(height))


