"""Search, tested like a reader: the public query set (tests/search_queries.yml) typed into
the real search of the built site in Chromium, and the "nothing matched" panel (keyboard,
axe in light and dark, the 404 page's search).

Fails when an urgent query's first result is not the red-flags page, or when fewer than
97 % of queries have an acceptable page in the top three, or when a re-ranking rule of
docs/javascripts/search-worker.js stops working (its own cases, below). Uses test_browser.py's fixtures
(Debian's Chromium, the site served by fasciasite.publishing.serve; skipped without Chromium, except in CI).
"""
from __future__ import annotations

import pytest
from axe_playwright_python.base import AXE_FILE_PATH
from conftest import ROOT
from playwright.sync_api import expect
from test_browser import AXE_TAGS, browser, new_context, site_url  # noqa: F401 (fixtures)

from fasciasite.authoring import search_queries as searchqueries
from fasciasite.publishing import sheet

pytestmark = pytest.mark.browser
QUERIES = ROOT / "tests" / "search_queries.yml"
MIN_TOP3 = 0.97  # met on 7 Dec 2026 (issue 23 part 5, second pass); raise it, never lower it

# Each rule of the worker's re-ranking, with cases of its own: (query, page, must be within
# this rank). The public set at 97 % would still pass with one rule broken; these do not.
RERANK_RULES = {
    "filler words (best, thing, tips) are dropped like stop words": [
        ("best thing for lower back pain", "back-pain/what-helps/", 3),
        ("tips for a sore back", "back-pain/what-helps/", 3),
    ],
    "a query word matches its form one or two letters shorter (lower: Low back pain)": [
        ("lower back ache", "back-pain/what-helps/", 1),
        ("best thing for lower back pain", "back-pain/what-helps/", 3),
    ],
    "title words are weighted like coverage, so a query word no title has still counts": [
        ("pain going down my leg", "back-pain/sciatica/", 3),
        ("pain down one leg", "back-pain/sciatica/", 3),
        ("leg pain coming from my back", "back-pain/sciatica/", 3),
    ],
    "words for pain (ache, aching, hurts) count as pain": [
        ("aching lower back while pregnant", "back-pain/pregnancy-and-after-birth/", 1),
    ],
    "head: a bare topic ranks the page whose title's topic it is": [
        ("low back pain", "back-pain/what-helps/", 1),
        ("fascia", "fascia/what-is-fascia/", 1),
    ],
    "a misspelt word is searched fuzzy and measured as the site's words one letter away": [
        ("accupuncture for back pain", "treatments/heat-ice-and-gadgets/", 1),
    ],
    "a word that starts no word of the site is searched by its stem when that does": [
        ("back pain after falling off a ladder", "back-pain/red-flags/", 1),  # fall
        ("stretchs", "treatments/stretching-yoga-pilates/", 1),  # stretch (the word alone found nothing)
        ("painkilers", "back-pain/medicines/", 1),  # painkil(lers)
    ],
    "the wildcard extends the word as typed, not its stem (bending: not bendy)": [
        ("back hurts when bending down", "back-pain/back-pain-at-work/", 1),
    ],
    "a phrase counts only when one of its words tells pages apart (not 'pain after')": [
        ("lower back pain after sitting all day", "back-pain/back-pain-at-work/", 1),
    ],
    # Safety first: each of these ranked another page first without the rule (checked by
    # planting the fault in a built site's worker), the sign drowned by everyday words
    "a query that names an urgent sign shows the red-flags page first, whatever else ranks": [
        ("husband has a fever and bad back ache from lifting at work", "back-pain/red-flags/", 1),  # lay phrase
        ("wife feverish and back pain after the gym", "back-pain/red-flags/", 1),  # fever typed as the start
        ("my 80 year old mum has fallen and her back hurts when she stands", "back-pain/red-flags/", 1),
        ("lower back ache worse at night when lying in bed", "back-pain/red-flags/", 1),  # a tier's pattern
        ("legs feel heavy after sitting at my desk with back pain", "back-pain/red-flags/", 1),
    ],
    "one word of a sign does not pull the red-flags page first (a pattern's 'buttock', 'temperature')": [
        ("sore buttock after a long run", "back-pain/back-pain-and-sport/", 1),
        ("ideal temperature for a hot water bottle", "treatments/heat-ice-and-gadgets/", 1),
    ],
    # a smaller fall is urgent with what makes it so (glossary 'urgent with:'), and not alone
    "a smaller fall with an older age, thin bones or steroids shows the red-flags page first": [
        ("granny stumbled on the kerb and her back is very sore", "back-pain/red-flags/", 1),
        ("lost my footing on the stairs i have weak bones back pain", "back-pain/red-flags/", 1),
        ("my dad is 77 and tripped over the dog his back is sore", "back-pain/red-flags/", 1),  # an age: its decade
    ],
    "a smaller fall alone (no older age, thin bones or steroids) does not put the red-flags page first": [
        ("tripped over a kerb while jogging and my back aches", "back-pain/back-pain-and-sport/", 1),
    ],
    "another term's phrase that holds a sign's word (slipped disc, fell asleep) is no sign": [
        ("slipped disc and my grandma wants to know about scans", "back-pain/discs-and-scans/", 1),
        ("fell asleep in the chair back stiff and sore", "back-pain/sleep-stress-and-pain/", 2),
    ],
}


@pytest.fixture(scope="module")
def answers(browser, site_url):
    with new_context(browser) as context:
        return searchqueries.run(context.new_page(), site_url, searchqueries.load(QUERIES))


def test_the_public_query_set_is_big_and_covers_every_article(mkdocs_config, built_site):
    queries = searchqueries.load(QUERIES)
    assert len(queries) >= 40
    assert searchqueries.unknown_pages(queries, built_site) == []
    sections = mkdocs_config["extra"]["article_sections"]
    articles = {p.parent.relative_to(built_site).as_posix() + "/" for s in sections for p in (built_site / s).rglob("index.html")
                if sheet.DIR not in p.relative_to(built_site).parts}  # take-home sheets are not articles
    covered = {page for q in queries for page in q.pages}
    assert articles - covered == set(), "add a query or two for each new article (CONTRIBUTING.md, Search)"
    urgent = searchqueries.site_path(mkdocs_config["extra"]["urgent_page"])
    assert all(q.pages == [urgent] for q in queries if q.urgent), "an urgent query accepts only the red-flags page"


def test_urgent_searches_show_the_red_flags_page_first(answers):
    wrong = [f"{a.query.text!r}: {a.results[:3]}" for a in answers if a.query.urgent and not a.urgent_ok]
    assert not wrong, "urgent queries must show the red-flags page first:\n" + "\n".join(wrong)


def test_readers_queries_find_a_right_page_in_the_top_three(answers):
    score = searchqueries.score(answers)
    assert score["top3_rate"] >= MIN_TOP3, searchqueries.report(answers)


def test_no_query_about_a_topic_the_site_covers_finds_nothing(answers):
    assert [a.query.text for a in answers if not a.results] == []


@pytest.mark.parametrize("rule", list(RERANK_RULES))
def test_each_reranking_rule_puts_its_page_high_enough(browser, site_url, rule):
    cases = RERANK_RULES[rule]
    queries = [searchqueries.Query(text, [page]) for text, page, _ in cases]
    with new_context(browser) as context:
        found = searchqueries.run(context.new_page(), site_url, queries)
    wrong = [f"{a.query.text!r}: {a.query.pages[0]} at {a.rank}, wanted within {within}: {a.results[:3]}"
             for a, (_, _, within) in zip(found, cases, strict=True) if a.rank is None or a.rank > within]
    assert not wrong, f"{rule}:\n" + "\n".join(wrong)


def search_for(page, text: str) -> None:
    page.locator(".md-search__input").click()
    page.keyboard.type(text)


@pytest.mark.parametrize("start", ["treatments/foam-rolling/", "no-such-page/"])
def test_a_search_with_no_results_offers_useful_pages_by_keyboard(browser, site_url, start):
    with new_context(browser) as context:
        page = context.new_page()
        page.goto(site_url + start)
        search_for(page, "zqxwv")
        panel = page.locator(".md-search-result .search-help")
        expect(panel).to_be_visible()
        hrefs = panel.locator("a").evaluate_all("links => links.map(a => a.href)")
        assert [h.removeprefix(site_url) for h in hrefs] == ["back-pain/red-flags/", "back-pain/what-helps/", "", "glossary/"]
        page.keyboard.press("Enter")  # no "best result" to jump to: nothing happens
        assert page.url == site_url + start
        page.keyboard.press("ArrowDown")  # Material's keys for search results reach the panel
        expect(panel.locator("a").first).to_be_focused()
        page.keyboard.press("Enter")
        expect(page.locator("h1")).to_contain_text("urgent help")


def test_the_panel_goes_away_when_a_search_finds_something(browser, site_url):
    with new_context(browser) as context:
        page = context.new_page()
        page.goto(site_url)
        search_for(page, "zqxwv")
        expect(page.locator(".search-help")).to_be_visible()
        page.locator(".md-search__input").fill("")
        page.keyboard.type("sciatica")
        expect(page.locator(".md-search-result__item").first).to_be_visible()
        expect(page.locator(".search-help")).to_have_count(0)


AXE_SEARCH = """async (tags) => {
    const problems = [];
    for (const [name, scheme] of [['light', 'default'], ['dark', 'slate']]) {
        document.body.setAttribute('data-md-color-scheme', scheme);
        const result = await axe.run(document.querySelector('.md-search'), {runOnly: {type: 'tag', values: tags}});
        for (const v of result.violations)
            for (const node of v.nodes) problems.push(`(${name}) ${v.id} ${node.target.join(' ')}: ${node.failureSummary}`);
    }
    return problems;
}"""


def test_the_no_results_panel_passes_axe_in_light_and_dark(browser, site_url):
    with new_context(browser) as context:
        context.add_init_script(path=AXE_FILE_PATH)
        page = context.new_page()
        page.goto(site_url)
        page.add_style_tag(content="*, *::before, *::after { transition: none !important; animation: none !important; }")
        search_for(page, "zqxwv")
        expect(page.locator(".search-help")).to_be_visible()
        problems = page.evaluate(AXE_SEARCH, AXE_TAGS)
        assert problems == [], "\n".join(problems)
