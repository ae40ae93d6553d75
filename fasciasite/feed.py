"""RSS feeds: fix what mkdocs-rss-plugin 1.19 gets wrong, so mail tools read them cleanly.

Why our own code: the plugin has no option for these. It takes <language> from Material's
theme.language ("custom" here, our en-GB strings), writes <image><url>None</url> when no
image is set (and wants a file or a network request to size one), and puts the author's
key (editorial-team) where readers should see a name.

Events:
  on_post_build  in each RSS feed: <language> from extra.locale (en-GB); the channel image
                 is the site's default link-preview card; item authors by display name.
"""
from __future__ import annotations

from pathlib import Path

from lxml import etree

FEEDS = ("feed_rss_created.xml", "feed_rss_updated.xml")


def on_post_build(config):
    language = config.extra.get("locale", "en_GB").replace("_", "-")
    authors = {key: a.get("name", key) for key, a in config.extra.get("authors", {}).items()}
    for name in FEEDS:
        path = Path(config.site_dir) / name
        if not path.is_file():
            continue
        tree = etree.parse(str(path))
        for node in tree.iterfind("channel/language"):
            node.text = language
        for node in tree.iterfind("channel/image/url"):
            node.text = config.site_url + "assets/cards/default.png"
        for node in tree.iterfind("channel/item/author"):
            node.text = authors.get(node.text, node.text)
        tree.write(str(path), xml_declaration=True, encoding="UTF-8")
