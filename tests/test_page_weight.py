"""What a reader's phone downloads on a first visit (issue 24 part 4), from the real build.

Bytes are deterministic, so these are tests; Lighthouse's timings are not, so they are a
benchmark (python -m fasciasite.bench.lighthouse --all). Every page is checked, none sampled:
every article within the 90 KB budget.
What a first visit downloads is fasciasite.bench.report.first_load_files: the page, its
stylesheets and scripts (by src, and those its inline scripts start), its SVG images and
icons, and the sitemap instant navigation reads.
"""
from __future__ import annotations

from fasciasite.bench import report
from fasciasite.publishing import sheet

BUDGET = 90 * 1024  # an article's first load, gzip, before the search index (README, Benchmarks)
# What the site-wide part (theme, our CSS and scripts, icons, sitemap) may take, so that an
# article's own HTML and pictures have at least this much of the budget: the median article's
# HTML was 21 KB gzip on 7 Dec 2026, the heaviest 28 KB.
ROOM_FOR_THE_ARTICLE = 24 * 1024


def pages(site):
    return sorted(p for p in site.rglob("index.html") if sheet.DIR not in p.relative_to(site).parts)


def test_no_page_downloads_the_search_index_or_the_search_engine_before_the_reader_searches(built_site):
    held_back = {"search_index.json"}
    workers = {p.name for p in (built_site / "assets" / "javascripts" / "workers").glob("*.js")}
    assert workers, "Material's search worker is not where this test looks for it"
    for page in pages(built_site):
        files = {f.name for kind in report.first_load_files(built_site, page).values() for f in kind}
        assert not files & (held_back | workers), f"{page.relative_to(built_site)}: loads {files & (held_back | workers)} at once"
        assert "search-start.js" in files, f"{page.relative_to(built_site)}: the search starter is not found"


def test_every_article_first_load_is_within_the_budget_before_the_search_index(built_site, mkdocs_config):
    """Issue 24 part 4: every article, none sampled: the page, its styles, scripts, pictures and
    the sitemap, gzip, at most 90 KB on a first visit (the search index waits for search)."""
    articles = report.articles_of(built_site, mkdocs_config["extra"]["article_sections"])
    assert len(articles) >= 20
    over = {}
    for page in articles:
        gzip_bytes = report.first_load(built_site, page)["gzip_bytes"]
        if gzip_bytes > BUDGET:
            over[page.parent.relative_to(built_site).as_posix()] = gzip_bytes
    assert not over, "; ".join(
        f"{name}: first load {size:,} bytes gzip, over the {BUDGET:,} budget by {size - BUDGET:,}; trim the page "
        "(fasciasite.bench.report.first_load_files lists what it loads) or what every page loads" for name, size in over.items())


def test_the_site_wide_part_of_a_first_load_leaves_room_for_the_article(built_site, mkdocs_config):
    articles = report.articles_of(built_site, mkdocs_config["extra"]["article_sections"])
    assert len(articles) >= 20
    for page in articles:
        files = report.first_load_files(built_site, page)
        own = {page, *(f for f in files["svg"] if f.parent.name != "assets")}  # the page and its own pictures
        shared = report.weight([f for kind in files.values() for f in kind if f not in own])
        assert shared["gzip_bytes"] <= BUDGET - ROOM_FOR_THE_ARTICLE, (
            f"{page.relative_to(built_site)}: theme, scripts, styles and icons are {shared['gzip_bytes']:,} bytes gzip, "
            f"leaving less than {ROOM_FOR_THE_ARTICLE:,} of the {BUDGET:,} budget for the article; defer or trim "
            "what the reader does not need at first paint")
