"""Article pages: the facts the templates show around an article.

Events:
  on_config        check that extra.booking_url and extra.article_sections are set.
  on_files         read every article's title and description, for the article list.
  on_page_markdown mark articles (pages in extra.article_sections), reading time;
                   the <!-- md:booking --> shortcode (a button to extra.booking_url) and
                   <!-- md:article-list --> (every article by nav section, with its description).
  on_env           related articles by shared tags (needs every page's tags, so it runs
                   once all pages are read); review status; the `long_date` filter.

The templates (overrides/main.html) only display what this step puts in page.meta.
"""
from __future__ import annotations

import datetime as dt
import heapq
import logging
import math
import os
import re
from typing import TYPE_CHECKING, NamedTuple

from fasciasite import pagesource  # each page's front matter, parsed once

if TYPE_CHECKING:  # the types of MkDocs' events, for the type checker only
    from jinja2 import Environment
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.structure.files import Files
    from mkdocs.structure.pages import Page

log = logging.getLogger("mkdocs.plugins.fasciasite.article")

WORDS_PER_MINUTE = 200
FOOTNOTE_DEFINITION = re.compile(r"^\[\^[^\]]+\]:.*$", re.M)
RELATED = 3
DUE_SOON_DAYS = 30


def build_date() -> dt.date:
    """The date a build is "today": SOURCE_DATE_EPOCH when set (reproducible builds)."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch:
        return dt.datetime.fromtimestamp(int(epoch), dt.UTC).date()
    return dt.date.today()


def long_date(value: str | dt.date | None) -> str:
    """2026-11-24 -> 24 November 2026 (the NHS style)."""
    if isinstance(value, str):
        value = dt.date.fromisoformat(value)
    return f"{value.day} {value:%B %Y}" if value else ""


class Articles:
    """The articles of one build: each article's front matter, for the article list."""

    def __init__(self) -> None:
        self._articles: dict[str, dict] = {}
        self.words_per_minute, self.related = WORDS_PER_MINUTE, RELATED

    def on_config(self, config: MkDocsConfig, words_per_minute: int = WORDS_PER_MINUTE, related: int = RELATED) -> MkDocsConfig:
        """extra.booking_url, article_sections and authors are validated by the plugin (fasciasite.config)."""
        self.words_per_minute, self.related = words_per_minute, related
        return config

    def on_files(self, files: Files, config: MkDocsConfig) -> Files:
        self._articles.clear()
        for f in files.documentation_pages():
            if f.src_uri.split("/", 1)[0] in config.extra["article_sections"] and "/" in f.src_uri and f.abs_src_path:
                self._articles[f.src_uri] = pagesource.read(f.abs_src_path)[2]
        return files

    def article_list(self, page: Page, config: MkDocsConfig) -> str:
        """Markdown: a heading per nav section, then each article as a link with its description."""
        depth = len(page.file.src_uri.split("/")) - 1
        up = "../" * depth
        out = []
        for item in config.nav or []:
            if not isinstance(item, dict):
                continue
            (section, entries), = item.items()
            listed = [e for e in entries if isinstance(e, str) and e in self._articles] if isinstance(entries, list) else []
            if not listed:
                continue
            out.append(f"### {section}\n")
            for src in listed:
                meta = self._articles[src]
                out.append(f"- [{meta.get('title', src)}]({up}{src}): {meta.get('description', '')}")
            out.append("")
        return "\n".join(out)

    def on_page_markdown(self, markdown: str, page: Page, config: MkDocsConfig, files: Files) -> str:
        """An article's metadata for the templates (its shortcodes were expanded by the page pipeline)."""
        if is_article(page, config):
            page.meta["is_article"] = True
            # Prose only: citation markers and the reference list (footnote definitions) are not read.
            prose = FOOTNOTE_DEFINITION.sub("", re.sub(r"\[@[^\]]*\]", "", markdown))
            words = len(re.findall(r"[A-Za-z0-9’']+", prose))
            page.meta["reading_minutes"] = max(1, math.ceil(words / self.words_per_minute))
            author = config.extra["authors"].get(page.meta.get("author"), {})
            page.meta["author_name"] = author.get("name", page.meta.get("author", ""))
        return markdown

    def on_env(self, env: Environment, config: MkDocsConfig, files: Files) -> Environment:
        env.filters["long_date"] = long_date
        today = build_date()
        articles = [f.page for f in files.documentation_pages() if f.page and f.page.meta.get("is_article")]
        for page, related in zip(articles, related_articles(articles, self.related), strict=True):
            page.meta["review_state"] = review_state(page.meta.get("next_review"), today)
            page.meta["related"] = related
        return env



def is_article(page: Page, config: MkDocsConfig) -> bool:
    return page.file.src_uri.split("/", 1)[0] in config.extra["article_sections"] and "/" in page.file.src_uri


BOOKING_MARKER = "<!-- md:booking -->"
LIST_MARKER = "<!-- md:article-list -->"


def booking_button(config: MkDocsConfig) -> str:
    """<!-- md:booking -->: the booking link lives once, in mkdocs.yml extra.booking_url."""
    return f"[Book an appointment online]({config.extra['booking_url']}){{ .md-button .md-button--primary }}"


def review_state(next_review: str | dt.date | None, today: dt.date) -> str:
    if not next_review:
        return "ok"
    if isinstance(next_review, str):
        next_review = dt.date.fromisoformat(next_review)
    if next_review < today:
        return "overdue"
    if (next_review - today).days <= DUE_SOON_DAYS:
        return "due-soon"
    return "ok"


class Related(NamedTuple):
    """What the footer shows of a related article. Not the Page itself: page.meta is
    deep-copied by mkdocs-rss-plugin, and Pages linking Pages made that copy walk the
    whole site (RecursionError at 1,000 articles)."""

    title: str | None
    url: str


def related_articles(articles: list, count: int = RELATED) -> list[list[Related]]:
    """For each article, up to RELATED others sharing the most tags; ties by title, then nav order.

    Tags become bits of an int, so the shared count of a pair is one AND and a bit count;
    the others are scanned in (title, nav order), so a stable top-N keeps the tie order.
    """
    bit: dict[str, int] = {}
    masks = []
    for page in articles:
        mask = 0
        for tag in page.meta.get("tags") or []:
            mask |= 1 << bit.setdefault(tag, len(bit))
        masks.append(mask)
    order = sorted(range(len(articles)), key=lambda i: articles[i].title or "")
    ordered_masks = [masks[i] for i in order]
    refs = [Related(articles[i].title, articles[i].url) for i in order]
    related = []
    for i, mask in enumerate(masks):
        shared = [(mask & other).bit_count() for other in ordered_masks]
        top = heapq.nlargest(count + 1, range(len(shared)), key=shared.__getitem__)  # stable, like sorted()
        related.append([refs[k] for k in top if order[k] != i and shared[k]][:count])
    return related


