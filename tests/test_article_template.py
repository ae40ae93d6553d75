"""The article template: byline, review dates in the NHS style, reading time, topics,
the booking call to action (from one setting), related articles, how to cite, the
overdue-review notice; and the glossary's hover definitions."""
from __future__ import annotations

import re

from conftest import make_fixture_site, mkdocs_build
from lxml import html
from test_site_build import html_for

ARTICLE = "fascia/what-is-fascia.md"


def doc(site, src=ARTICLE):
    return html.fromstring((site / html_for(src)).read_bytes())


def text(el) -> str:
    return re.sub(r"\s+", " ", el.text_content()).strip()


def test_byline_shows_author_review_status_reading_time_and_topics(built_site):
    byline = doc(built_site).xpath('//div[@class="article-byline"]')[0]
    content = text(byline)
    assert "By The editorial team" in content
    assert "Clinical review: awaiting clinical review" in content
    assert re.search(r"\d+ min read", content)
    assert byline.xpath('.//span[@class="article-tag"]')
    # The byline sits right after the title.
    h1 = doc(built_site).xpath("//article//h1")[0]
    assert h1.getnext().get("class") == "article-byline"


def test_article_footer_has_nhs_dates_booking_related_and_citation(built_site, mkdocs_config):
    page = doc(built_site)
    footer = page.xpath('//footer[@class="article-footer"]')[0]
    dates = text(footer.xpath('.//p[@class="article-dates"]')[0])
    assert re.search(r"Page last reviewed: \d{1,2} [A-Z][a-z]+ \d{4}", dates)
    assert re.search(r"Next review due: \d{1,2} [A-Z][a-z]+ \d{4}", dates)
    booking = footer.xpath('.//aside[@class="booking-cta"]//a/@href')
    assert booking == [mkdocs_config["extra"]["booking_url"]]
    related = footer.xpath('.//nav[@class="related-articles"]//a')
    assert 1 <= len(related) <= 3
    cite = text(footer.xpath('.//p[@class="cite-text"]')[0])
    assert "The editorial team." in cite and mkdocs_config["site_name"] in cite
    assert mkdocs_config["site_url"] + "fascia/what-is-fascia/" in cite
    assert re.search(r"Last reviewed \d{1,2} [A-Z][a-z]+ \d{4}", cite)


def test_site_pages_have_no_article_furniture(built_site):
    page = doc(built_site, "about/privacy.md")
    assert not page.xpath('//div[@class="article-byline"]') and not page.xpath('//footer[@class="article-footer"]')


def test_booking_page_button_comes_from_the_one_setting(built_site, mkdocs_config):
    links = doc(built_site, "book.md").xpath("//article//a/@href")
    assert mkdocs_config["extra"]["booking_url"] in links


def test_edit_this_page_goes_to_the_source_file(built_site, mkdocs_config):
    edit = doc(built_site).xpath('//a[@rel="edit"]/@href')[0]
    assert edit == f"{mkdocs_config['repo_url']}/{mkdocs_config['edit_uri']}{ARTICLE}"


def test_glossary_page_lists_terms_and_articles_get_hover_definitions(built_site):
    terms = doc(built_site, "glossary.md").xpath('//dl[@class="glossary"]/dt')
    assert len(terms) >= 30
    abbrs = doc(built_site).xpath("//article//abbr[@title]")
    assert any(a.text.lower() == "fascia" for a in abbrs)


OLD = """---
title: An old article
description: A fixture article whose review date has passed, to show the overdue notice.
author: editorial-team
reviewer: ""
published: 2020-01-01
last_reviewed: 2020-01-01
next_review: 2021-01-01
tags: [fascia]
---

# An old article

Text.
"""


def test_overdue_review_shows_a_notice(tmp_path, monkeypatch):
    # A valid pair (next review at most 12 months after the last, the editorial policy's rule)
    # that is still ahead of the injected day, so only the old article is overdue.
    new = (OLD.replace("last_reviewed: 2020-01-01", "last_reviewed: 2025-06-01")
           .replace("next_review: 2021-01-01", "next_review: 2026-06-01").replace("An old", "A new"))
    config = make_fixture_site(tmp_path, {"fascia/old.md": OLD, "fascia/new.md": new})
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1764000000")  # the build's "today": 24 November 2025
    monkeypatch.setenv("FASCIASITE_TODAY", "2025-11-24")  # the same day for the front-matter date checks
    result = mkdocs_build(config, tmp_path / "site")
    assert result.returncode == 0, result.stderr[-2000:]
    old = html.fromstring((tmp_path / "site/fascia/old/index.html").read_bytes())
    new = html.fromstring((tmp_path / "site/fascia/new/index.html").read_bytes())
    notice = old.xpath('//div[contains(@class, "review-overdue")]')
    assert notice and "1 January 2021" in text(notice[0])
    assert not new.xpath('//div[contains(@class, "review-overdue")]')


def test_home_page_lists_every_article_by_section(built_site, mkdocs_config):
    from test_feed_and_previews import articles

    home = doc(built_site, "index.md")
    links = {a.get("href") for a in home.xpath("//article//li/a")}
    expected = {html_for(src)[: -len("index.html")] for src in articles(mkdocs_config)}
    assert expected <= links, f"articles missing from the home page list: {sorted(expected - links)}"


def test_a_malformed_glossary_line_fails_the_build_with_its_line(tmp_path):
    page = "---\ntitle: Home\ndescription: The home page of the glossary fixture site, long enough for the checks.\n---\n\n# Home\n\nFascia.\n"
    config = make_fixture_site(tmp_path, {"index.md": page})
    glossary = tmp_path / "includes" / "glossary.md"
    lines = glossary.read_text(encoding="utf-8").splitlines()
    first = next(i for i, line in enumerate(lines) if line.startswith("*["))  # after the header comment
    lines.insert(first, "Fascia - a sheet of tissue")  # not *[Term]: definition
    glossary.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = mkdocs_build(config, tmp_path / "site")
    assert result.returncode != 0
    assert f"includes/glossary.md:{first + 1}: not a glossary line" in result.stderr
