"""The built site in a real browser (Debian's Chromium driven by Playwright): pages load
cleanly, search, citation previews, the colour toggle, print styles, the 404 page, keyboard
use, axe-core's WCAG 2.2 AA rules on every page in light and dark mode, and privacy (no
request leaves the site, no cookies).

The site is served from 127.0.0.1 by fasciasite/publishing/serve.py under its site_url path, as
GitHub Pages serves it. Needs /usr/bin/chromium (`apt-get install chromium`): without it
these tests are skipped, except in CI (CI set), where they fail.
"""
from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from axe_playwright_python.base import AXE_FILE_PATH
from playwright.sync_api import expect, sync_playwright

from fasciasite.publishing.serve import serve

pytestmark = pytest.mark.browser

# Debian's Chromium (CI runs in a Debian container, where `apt-get install chromium` is the
# real browser; on Ubuntu it is a snap stub). CHROMIUM_PATH overrides it, e.g. a local Chrome.
CHROMIUM = Path(os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
TIMEOUT_MS = 15_000  # the machine is shared and noisy; a real failure still fails fast enough
ARTICLE = "fascia/what-is-fascia/"
expect.set_options(timeout=TIMEOUT_MS)


# Module scope, not session: all browser tests live in this file, and an open Playwright keeps
# its asyncio loop running, which would break asyncio.run() in the test files after this one.
@pytest.fixture(scope="module")
def site_url(built_site, mkdocs_config):
    """The built site on 127.0.0.1, under the path of site_url (404.html links there)."""
    with serve(built_site, base=urlsplit(mkdocs_config["site_url"]).path) as server:
        yield server.url


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists():
        reason = f"{CHROMIUM} is missing; install it with: apt-get install -y chromium"
        if os.environ.get("CI"):
            pytest.fail(f"CI needs the browser tests: {reason}", pytrace=False)
        pytest.skip(reason)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def new_context(browser, **options):
    context = browser.new_context(**options)
    context.set_default_timeout(TIMEOUT_MS)
    return context


@pytest.fixture
def context(browser):
    with new_context(browser) as context:
        yield context


@pytest.fixture
def page(context):
    return context.new_page()


def site_pages(site: Path) -> list[str]:
    """Every HTML page of the built site as a path below the site root (dir/ for dir/index.html)."""
    return sorted(p.relative_to(site).as_posix().removesuffix("index.html") for p in site.rglob("*.html"))


def test_article_loads_without_console_errors_or_failed_requests(page, site_url):
    problems = []
    page.on("console", lambda msg: msg.type == "error" and problems.append(f"console: {msg.text}"))
    page.on("pageerror", lambda error: problems.append(f"script error: {error}"))
    page.on("requestfailed", lambda req: problems.append(f"failed request: {req.url} ({req.failure})"))
    page.on("response", lambda res: res.status >= 400 and problems.append(f"HTTP {res.status}: {res.url}"))
    page.goto(site_url + ARTICLE, wait_until="networkidle")
    expect(page.locator("h1")).to_contain_text("What fascia is")
    assert problems == []


def test_search_finds_thoracolumbar(page, site_url):
    page.goto(site_url + ARTICLE)
    page.locator(".md-search__input").click()
    page.keyboard.type("thoracolumbar")
    first = page.locator(".md-search-result__item").first
    expect(first).to_be_visible()
    expect(first).to_contain_text("thoracolumbar", ignore_case=True)


def reference_text(page, ref) -> str:
    """The start of the reference a .footnote-ref points to (its list item in References)."""
    target = urlsplit(ref.get_attribute("href")).fragment
    return page.locator(f"li[id='{target}'] p").first.inner_text()[:40]


def tab_to(page, selector: str, presses: int = 200) -> None:
    """Press Tab until the focused element matches selector (fail after `presses`)."""
    for _ in range(presses):
        page.keyboard.press("Tab")
        if page.evaluate("s => document.activeElement.matches(s)", selector):
            return
    pytest.fail(f"Tab did not reach {selector} in {presses} presses")


def test_citation_preview_on_hover_and_on_keyboard_focus(page, site_url):
    page.goto(site_url + ARTICLE)
    ref = page.locator(".md-content .footnote-ref").first
    expected = reference_text(page, ref)
    tooltip = page.locator(".md-tooltip2--active")

    ref.hover()
    expect(tooltip).to_be_visible()
    expect(tooltip).to_contain_text(expected)
    page.mouse.move(0, 0)
    expect(tooltip).to_have_count(0)

    tab_to(page, ".footnote-ref")
    expect(tooltip).to_be_visible()
    expect(tooltip).to_contain_text(expected)


SWITCHING_RULES = """() => [...document.styleSheets].flatMap(s => [...s.cssRules])
    .filter(r => (r.selectorText || '').includes('[data-md-color-switching]')).length"""


def test_palette_toggle_switches_to_dark_and_back(page, site_url):
    page.goto(site_url)
    body = page.locator("body")
    toggle = page.locator("form[data-md-component=palette] label.md-header__button:visible")
    expect(body).to_have_attribute("data-md-color-scheme", "default")
    light_background = body.evaluate("b => getComputedStyle(b).backgroundColor")
    # Transitions off while the colours change: Material's rule, added on the first change only
    # (as the page starts, it would restyle every element twice; fasciasite/publishing/theme_css.py).
    assert page.evaluate(SWITCHING_RULES) == 0, "the colour-switching rule is there before the reader changes colours"
    # The toggle cycles system → light → dark → system; at most three clicks reach each.
    for scheme in ("slate", "default"):
        for _ in range(3):
            toggle.click()
            if body.get_attribute("data-md-color-scheme") == scheme:
                break
        expect(body).to_have_attribute("data-md-color-scheme", scheme)
        assert page.evaluate(SWITCHING_RULES) == 1, "the colour-switching rule is not added (once) when the colours change"
        if scheme == "slate":
            assert body.evaluate("b => getComputedStyle(b).backgroundColor") != light_background


def test_print_shows_the_article_references_and_link_addresses(page, site_url):
    page.goto(site_url + ARTICLE)
    page.emulate_media(media="print")
    for selector in (".md-header", ".md-search", ".md-sidebar--primary", ".md-sidebar--secondary", ".md-footer"):
        expect(page.locator(selector).first, f"{selector} is printed").to_be_hidden()
    expect(page.locator("h1")).to_be_visible()
    expect(page.locator("h2#references")).to_be_visible()
    expect(page.locator(".footnote li").first).to_be_visible()
    doi = page.locator(".footnote a[href^='https://doi.org/']").first
    after = doi.evaluate("a => getComputedStyle(a, '::after').content")
    assert doi.get_attribute("href") in after, f"link address not printed: ::after content is {after}"


def test_404_page_offers_help_search_and_sections(page, site_url):
    response = page.goto(site_url + "no-such-page/")
    assert response.status == 404
    content = page.locator(".md-content")
    expect(content.locator("h1")).to_have_text("Sorry, we can't find that page")
    expect(content).to_contain_text("The link may be mistyped")
    hrefs = content.locator("a").evaluate_all("links => links.map(a => a.href)")
    for section in ("back-pain/", "fascia/", "treatments/"):
        assert any(section in href for href in hrefs), f"no link into {section} on the 404 page"
    for href in hrefs:
        assert page.request.get(href).status == 200, f"404 page links to a missing page: {href}"

    # The search button works from the keyboard: it is in the tab order and Enter opens search.
    search_button = content.get_by_role("button", name="Search the site")
    expect(search_button).to_have_attribute("tabindex", "0")
    search_button.focus()
    expect(search_button).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("#__search")).to_be_checked()
    page.keyboard.type("fascia")
    expect(page.locator(".md-search-result__item").first).to_be_visible()


def test_skip_link_appears_on_first_tab_and_moves_focus_to_the_content(page, site_url):
    page.goto(site_url + ARTICLE)
    skip = page.locator("a.md-skip")
    expect(skip).to_have_css("opacity", "0")
    page.keyboard.press("Tab")
    expect(skip).to_be_focused()
    expect(skip).to_have_text("Skip to content")
    expect(skip).to_have_css("opacity", "1")

    requested = []
    page.on("request", lambda req: requested.append(req.url))
    page.keyboard.press("Enter")
    expect(page.locator("h1")).to_be_focused()
    # Material's instant navigation must not reload the page for the skip link (it would
    # drop focus to the top a moment later): give it the time to try, then look.
    page.wait_for_timeout(500)
    assert requested == [], f"the skip link fetched {requested}"
    page.keyboard.press("Tab")
    assert page.evaluate("!!document.activeElement.closest('.md-content')"), "Tab after the skip link left the content"


# Contrast of the focused element: its text against its background (WCAG 1.4.3, 4.5:1) and
# its focus ring against the background around it (1.4.11, 3:1). axe does not test focus.
FOCUS_CONTRAST = """() => {
    const el = document.activeElement;
    const linear = v => (v /= 255) <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
    const luminance = c => {
        const [r, g, b] = c.match(/[\\d.]+/g).slice(0, 3).map(Number).map(linear);
        return 0.2126 * r + 0.7152 * g + 0.0722 * b;
    };
    const ratio = (a, b) => {
        const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
        return Math.round((hi + 0.05) / (lo + 0.05) * 100) / 100;
    };
    const background = node => {
        for (; node; node = node.parentElement) {
            const c = getComputedStyle(node).backgroundColor;
            if (!c.startsWith('rgba') || c.endsWith(', 1)')) return c;
        }
        return 'rgb(255, 255, 255)';
    };
    const style = getComputedStyle(el);
    return {
        element: el.outerHTML.slice(0, 80),
        outline: style.outlineStyle === 'none' ? 0 : parseFloat(style.outlineWidth),
        text: ratio(style.color, background(el)),
        ring: ratio(style.outlineColor, background(el.parentElement)),
    };
}"""


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_keyboard_focus_is_visible_with_enough_contrast(browser, site_url, scheme):
    problems = []
    with new_context(browser, color_scheme=scheme) as context:
        page = context.new_page()
        page.goto(site_url + "no-such-page/")  # a header, a primary button and links in the text
        page.add_style_tag(content="*, *::before, *::after { transition: none !important; }")
        for selector in (".md-header a.md-source", ".md-content .md-button", ".md-content li a"):
            tab_to(page, selector)
            focus = page.evaluate(FOCUS_CONTRAST)
            if focus["outline"] < 2 or focus["text"] < 4.5 or focus["ring"] < 3:
                problems.append(f"{selector} ({scheme}): {focus}")
    assert problems == [], "focused elements need a 2px ring at 3:1 and text at 4.5:1:\n" + "\n".join(problems)


# On one loaded page: axe-core in the light scheme, then in the dark one (set as Material's
# toggle sets it, with transitions off so colours are final), plus html lang and img alt.
# Everything is laid out first: text under `content-visibility: auto` (the References page's
# summaries, site.css) has no layout until it nears the screen, and axe-core then skips it or
# reads its colours against the wrong background (axe-core issue 2768), so it is checked as a
# reader who scrolls to it sees it. Lighthouse's axe-core does not lay it out, and reads what
# does not fit in a waiting box in the wrong place (links against the footer's colours, touch
# targets on top of each other): a waiting box that holds a link or other focusable element
# must be at least as tall as its content (checked as the page loaded, then laid out).
AUDIT_PAGE = """async (tags) => {
    const problems = [];
    const focusable = 'a[href], button, input, select, textarea, summary, [tabindex]';
    const waiting = [...document.querySelectorAll('body *')]
        .filter(box => getComputedStyle(box).contentVisibility === 'auto' && box.querySelector(focusable))
        .map(box => [box, box.getBoundingClientRect().height]);
    const noMotion = document.createElement('style');
    noMotion.textContent = '*, *::before, *::after { transition: none !important; animation: none !important; ' +
                           'content-visibility: visible !important; }';
    document.head.append(noMotion);
    for (const [box, height] of waiting) {
        const content = box.getBoundingClientRect().height;
        if (content > height + 1) problems.push(`<${box.localName} class="${box.className}"> (content-visibility: auto, ` +
            `${box.querySelectorAll(focusable).length} links or controls) waits ${Math.round(height)} px tall for ` +
            `${Math.round(content)} px of content: axe-core (Lighthouse) misreads what does not fit; raise contain-intrinsic-size`);
    }
    // Without CSS selectors for the results axe runs about a third faster; they are only
    // needed to name the elements of a violation, so a page with one is run again with them.
    const options = {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations'], selectors: false};
    for (const [name, scheme] of [['light', 'default'], ['dark', 'slate']]) {
        document.body.setAttribute('data-md-color-scheme', scheme);
        let result = await axe.run(options);
        if (result.violations.length) result = await axe.run({...options, selectors: true});
        for (const v of result.violations) {
            for (const node of v.nodes) {
                problems.push(`(${name}) ${v.id} [${v.impact}] ${node.target.join(' ')}: ` +
                              node.failureSummary.replace(/\\s+/g, ' '));
            }
        }
    }
    if (document.documentElement.lang !== 'en-GB') {
        problems.push(`<html lang="${document.documentElement.lang}">, expected en-GB`);
    }
    for (const img of document.images) {
        if (!img.alt.trim()) problems.push(`<img src="${img.getAttribute('src')}"> has no alt text`);
    }
    return problems;
}"""


def test_every_page_passes_axe_and_has_lang_and_alt_text(browser, built_site, site_url):
    problems = []
    with new_context(browser) as context:
        context.add_init_script(path=AXE_FILE_PATH)
        # Each page loads the search index into a worker; axe does not need it, and it costs CPU.
        context.route("**/search/search_index.json", lambda route: route.abort())
        page = context.new_page()
        for path in site_pages(built_site):
            page.goto(site_url + path)
            problems += [f"{path or 'home page'}: {problem}" for problem in page.evaluate(AUDIT_PAGE, AXE_TAGS)]
    assert not problems, f"{len(problems)} accessibility problems:\n" + "\n".join(problems[:50])


PHONE = {"width": 412, "height": 823}  # Lighthouse's mobile profile (a Moto G Power)
SKIPPED_SUMMARIES = """() => {
    const summaries = [...document.querySelectorAll('.reference-list .ref-findings')];
    return [summaries.length, summaries.filter(p => !p.firstElementChild.checkVisibility({contentVisibilityAuto: true})).length];
}"""


def test_the_references_page_lays_out_only_the_summaries_near_the_screen(browser, built_site, site_url):
    """Issue 24 part 4: a References page's text is laid out as the reader reaches it
    (content-visibility in site.css), not all before the first paint; a link to an entry far
    down still lands on it with its summary drawn, and no list item loses its bullet (the
    containment that comes with content-visibility clips a list marker). On the largest part
    (the list is split by letter: fasciasite/references/parts.py)."""
    largest = max(built_site.glob("references/*/index.html"), key=lambda p: p.read_text(encoding="utf-8").count('<li id="ref-'))
    part = largest.parent.relative_to(built_site).as_posix() + "/"
    with new_context(browser, viewport=PHONE) as context:
        page = context.new_page()
        page.goto(site_url + part)
        summaries, skipped = page.evaluate(SKIPPED_SUMMARIES)
        assert summaries > 30, f"only {summaries} summaries of findings on {part}"
        assert skipped >= summaries - 10, f"{summaries - skipped} of {summaries} summaries laid out before the reader scrolls"
        clipped = page.evaluate("""() => [...document.querySelectorAll('.md-content li')].filter(li => {
            const style = getComputedStyle(li);
            return style.display === 'list-item' && style.listStyleType !== 'none' &&
                   (style.contentVisibility !== 'visible' || /paint|content|strict/.test(style.contain));
        }).length""")
        assert clipped == 0, f"{clipped} list items clip their own bullet (containment on the <li>)"

        last = page.locator(".reference-list li[id]").last.get_attribute("id")
        page.goto(site_url + f"{part}?entry#{last}")
        page.wait_for_timeout(300)
        top = page.locator(f"[id='{last}']").evaluate("e => e.getBoundingClientRect().top")
        assert 0 <= top < PHONE["height"] / 2, f"a link to #{last} left the entry at y={top:.0f}"
        drawn = page.locator(f"[id='{last}'] .ref-findings strong").first.evaluate(
            "e => e.checkVisibility({contentVisibilityAuto: true})")
        assert drawn, f"the summary of #{last} is not drawn when a link lands on it"

        page.goto(site_url + ARTICLE)  # an article's numbered reference list waits the same way
        waiting = page.locator(".md-content .footnote li").first.evaluate("e => !e.checkVisibility({contentVisibilityAuto: true})")
        assert waiting, "an article's reference list is laid out before the reader reaches it"



def test_materials_start_never_changes_the_classes_of_html_once_the_page_has_a_body(browser, site_url):
    """Any change to <html>'s classes restyles every element (issue 24 part 4): the classes
    Material's bundle adds are given in <head> (overrides/main.html) before there is a body."""
    with new_context(browser, viewport=PHONE) as context:
        context.add_init_script("""
            window.__htmlChanges = [];
            const html = m => m.target === document.documentElement && document.body;  // <html>, once there is a body
            new MutationObserver(list => list.forEach(m => html(m) && m.oldValue !== m.target.getAttribute(m.attributeName)
                && window.__htmlChanges.push(`${m.attributeName}: ${m.oldValue} -> ${m.target.getAttribute(m.attributeName)}`)))
              .observe(document, {attributes: true, attributeOldValue: true, subtree: true});
        """)
        page = context.new_page()
        page.goto(site_url + ARTICLE, wait_until="load")
        expect(page.locator(".md-search__input")).to_be_attached()
        page.wait_for_timeout(500)
        assert page.evaluate("document.documentElement.className.split(' ').sort().join(' ')") == "js js-focus-visible"
        assert page.evaluate("window.__htmlChanges") == []


# Records, from the moment the page is parsed (Material's bundle runs after that), what makes
# Chromium restyle the page as Material starts: a <meta name="color-scheme"> added or changed
# (every element restyled, whatever the value) and a changed href or src (its element
# restyled: some 1,200 on a long article, where instant navigation made every address absolute).
RESTYLES_AS_MATERIAL_STARTS = """
    window.__restyles = [];
    const scheme = n => n.nodeName === 'META' && n.getAttribute('name') === 'color-scheme';
    new MutationObserver(list => document.readyState !== 'loading' && list.forEach(m => {
        if (m.type === 'childList') m.addedNodes.forEach(n => scheme(n) && window.__restyles.push('color-scheme meta added'));
        else if (scheme(m.target) || m.attributeName !== 'content')
            window.__restyles.push(`${m.target.nodeName} ${m.attributeName}: ${m.oldValue} -> ${m.target.getAttribute(m.attributeName)}`);
    })).observe(document, {childList: true, subtree: true, attributes: true, attributeOldValue: true,
                           attributeFilter: ['content', 'href', 'src']});
"""


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_materials_start_changes_no_address_and_no_color_scheme_once_the_page_is_parsed(browser, site_url, scheme):
    """Issue 24 part 4: what Material's start did that restyled the page (its color-scheme meta,
    its absolute addresses) is done by overrides/main.html while the page is parsed, before it is
    styled; the page still has one color-scheme meta, with the value Material gives it, which
    follows the reader's colour toggle, and every link is absolute as Material's navigation needs."""
    with new_context(browser, viewport=PHONE, color_scheme=scheme) as context:
        context.add_init_script(RESTYLES_AS_MATERIAL_STARTS)
        page = context.new_page()
        page.goto(site_url + ARTICLE, wait_until="load")
        expect(page.locator(".md-search__input")).to_be_attached()
        page.wait_for_timeout(500)
        assert page.evaluate("window.__restyles") == []
        metas = "() => [...document.querySelectorAll('meta[name=color-scheme]')].map(m => m.content)"
        header = "() => getComputedStyle(document.querySelector('header')).colorScheme"
        assert page.evaluate(metas) == [page.evaluate(header)] == [{"light": "light", "dark": "dark"}[scheme]]
        relative = page.evaluate("""() => [...document.querySelectorAll('[href], [src]')]
            .map(e => e.getAttribute('href') || e.getAttribute('src')).filter(v => !/^(?:[a-z]+:)?\\/\\//i.test(v))""")
        assert relative == []
        page.locator("form[data-md-component=palette] label.md-header__button:visible").click()  # system → light
        page.locator("form[data-md-component=palette] label.md-header__button:visible").click()  # light → dark
        expect(page.locator("body")).to_have_attribute("data-md-color-scheme", "slate")
        assert page.evaluate(metas) == ["dark"]


LONG_ARTICLE = "back-pain/discs-and-scans/"  # long, with three tables


def test_materials_start_moves_no_table_and_the_tables_look_as_material_styles_them(browser, site_url):
    """Issue 24 part 4: each table comes inside Material's scroll wrapper (fasciasite/publishing/
    tables.py), so Material's start takes none out of the laid-out page; the marked tables get
    the style Material gives a class-less table."""
    with new_context(browser, viewport=PHONE) as context:
        context.add_init_script("""
            window.__moved = [];
            new MutationObserver(list => document.readyState !== 'loading' && list.forEach(m =>
                [...m.removedNodes, ...m.addedNodes].forEach(n => n.nodeName === 'TABLE' && window.__moved.push(m.type))))
              .observe(document, {childList: true, subtree: true});
        """)
        page = context.new_page()
        page.goto(site_url + LONG_ARTICLE, wait_until="load")
        expect(page.locator(".md-search__input")).to_be_attached()
        page.wait_for_timeout(500)
        assert page.evaluate("window.__moved") == []
        places = page.evaluate("""() => [...document.querySelectorAll('.md-content table')].map(t =>
            [t.className, t.parentElement.className, t.parentElement.parentElement.className,
             t.closest('.md-typeset__scrollwrap').parentElement.closest('.md-typeset__scrollwrap') === null])""")
        assert len(places) >= 2
        assert all(p == ["data-table", "md-typeset__table", "md-typeset__scrollwrap", True] for p in places), places
        looks = page.evaluate("""() => {
            const props = ['display', 'font-size', 'border-radius', 'border-top-width', 'max-width', 'overflow-x'];
            const ours = document.querySelector('.md-content table.data-table');
            const plain = document.createElement('table');
            plain.innerHTML = '<tr><td>x</td></tr>';
            ours.parentElement.append(plain);
            const style = e => props.map(p => getComputedStyle(e).getPropertyValue(p));
            return [style(ours), style(plain)];
        }""")
        assert looks[0] == looks[1]


def watch_other_hosts(context, own_host: str = "127.0.0.1") -> list[str]:
    """Every request the pages ATTEMPT to another host (scripts, frames, images, fetch, beacons,
    workers' requests, websockets), recorded and aborted before it leaves the machine: a
    request counts whether or not it would have completed (offline CI, a blocked host)."""
    attempted: list[str] = []

    def route(route):
        if urlsplit(route.request.url).hostname == own_host:
            route.continue_()
        else:
            attempted.append(route.request.url)
            route.abort()

    context.route("**/*", route)
    context.on("request", lambda req: urlsplit(req.url).hostname not in (own_host, None) and attempted.append(req.url))
    context.on("page", lambda page: page.on("websocket", lambda ws: attempted.append(ws.url)))
    return attempted


def test_privacy_no_third_party_requests_and_no_cookies(context, page, site_url):
    requested = []
    context.on("request", lambda req: requested.append(req.url))
    elsewhere = watch_other_hosts(context)
    page.on("websocket", lambda ws: elsewhere.append(ws.url))
    page.goto(site_url, wait_until="networkidle")
    page.locator(".md-search__input").click()
    page.keyboard.type("fascia")
    expect(page.locator(".md-search-result__item").first).to_be_visible()
    page.keyboard.press("Escape")
    page.locator("form[data-md-component=palette] label.md-header__button:visible").click()
    page.locator(f".md-content a[href$='{ARTICLE}']").first.click()  # instant navigation
    expect(page.locator("h1")).to_contain_text("What fascia is")
    page.locator(".md-content .footnote-ref").first.hover()
    page.reload(wait_until="networkidle")

    assert len(requested) > 5
    assert sorted(set(elsewhere)) == [], "requests to other hosts: " + ", ".join(sorted(set(elsewhere)))
    assert context.cookies() == []


def test_no_page_of_the_site_attempts_a_request_to_another_host(browser, built_site, site_url):
    with new_context(browser) as context:
        elsewhere = watch_other_hosts(context)
        page = context.new_page()
        for path in site_pages(built_site):
            page.goto(site_url + path, wait_until="load")
            page.wait_for_timeout(50)
    assert sorted(set(elsewhere)) == [], "pages attempt requests to other hosts: " + ", ".join(sorted(set(elsewhere)))


def test_the_privacy_check_catches_attempted_requests_that_never_complete(browser, tmp_path):
    """Plant the fault: a page whose tracker, frame and beacon go to hosts that do not exist."""
    (tmp_path / "index.html").write_text(
        '<!doctype html><html lang="en"><head><title>t</title><script src="https://tags.example.invalid/t.js"></script></head>'
        '<body><iframe src="https://video.example.invalid/embed"></iframe><img alt="x" src="//img.example.invalid/p.png">'
        '<script>fetch("https://beacon.example.invalid/b").catch(() => {});</script></body></html>', encoding="utf-8")
    with serve(tmp_path, base="/") as server, new_context(browser) as context:
        elsewhere = watch_other_hosts(context)
        page = context.new_page()
        page.goto(server.url, wait_until="load")
        page.wait_for_timeout(300)
    hosts = {urlsplit(u).hostname for u in elsewhere}
    assert {"tags.example.invalid", "video.example.invalid", "img.example.invalid", "beacon.example.invalid"} <= hosts, hosts


# ── What to do comes first (issue 26): the 999 box on a small phone's first screen ──

SMALL_PHONE = {"width": 360, "height": 640}
# A4 (210 x 297 mm at 96 dpi: 794 x 1123 px) less Chromium's default print margins of 1 cm.
A4_PRINTABLE = {"width": 718, "height": 1047}
FIRST_TIERS = [("back-pain/red-flags/", "red-flags"), ("", "home")]


@pytest.mark.parametrize("path", [p for p, _ in FIRST_TIERS], ids=[i for _, i in FIRST_TIERS])
def test_the_999_box_starts_on_the_first_screen_of_a_small_phone(browser, site_url, path):
    with new_context(browser, viewport=SMALL_PHONE) as context:
        page = context.new_page()
        page.goto(site_url + path)
        title = page.locator(".md-content .urgent-emergency .admonition-title").first
        expect(title).to_be_visible()
        box = title.bounding_box()
        assert page.evaluate("scrollY") == 0
        assert box["y"] + box["height"] <= SMALL_PHONE["height"], (
            f"the 999 box's title ends at y={box['y'] + box['height']:.0f}, below the first screen "
            f"({SMALL_PHONE['height']} px): move it up, or what stands above it down")


def test_the_red_flags_page_shows_the_three_tiers_before_its_byline_and_key_points(browser, site_url):
    with new_context(browser, viewport=SMALL_PHONE) as context:
        page = context.new_page()
        page.goto(site_url + "back-pain/red-flags/")
        tops = page.evaluate("""() => ['.urgent-emergency', '.urgent-urgent', '.urgent-gp', '.article-byline',
                                       '.admonition.abstract'].map(s => document.querySelector('.md-content ' + s)
                                       .getBoundingClientRect().top)""")
        assert tops == sorted(tops), f"top edges (999, 111, GP, byline, key points): {tops}"
        # Each tier ends with how to reach it; 111 online is a link, 999 never a tap-to-call link.
        expect(page.locator(".md-content .urgent-urgent a[href='https://111.nhs.uk/']").first).to_have_text("111 online")
        for tier, words in (("emergency", "call 999"), ("urgent", "call 111 or use 111 online"), ("gp", "contact your GP practice")):
            expect(page.locator(f".md-content .urgent-{tier} > p").last).to_contain_text(words)
        expect(page.locator("a[href^='tel:']")).to_have_count(0)


def test_printing_the_red_flags_page_puts_all_three_tiers_on_the_first_page(browser, site_url):
    with new_context(browser, viewport=A4_PRINTABLE) as context:
        page = context.new_page()
        page.goto(site_url + "back-pain/red-flags/")
        page.emulate_media(media="print")
        bottom = page.locator(".md-content .urgent-gp").first.evaluate("e => e.getBoundingClientRect().bottom + scrollY")
        assert bottom <= A4_PRINTABLE["height"], f"the GP box ends at {bottom:.0f} px, past the first printed page"


def test_the_first_screens_pass_axe_on_a_small_phone(browser, site_url):
    problems = []
    with new_context(browser, viewport=SMALL_PHONE) as context:
        context.add_init_script(path=AXE_FILE_PATH)
        context.route("**/search/search_index.json", lambda route: route.abort())
        page = context.new_page()
        for path, name in FIRST_TIERS:
            page.goto(site_url + path)
            problems += [f"{name}: {problem}" for problem in page.evaluate(AUDIT_PAGE, AXE_TAGS)]
    assert not problems, "\n".join(problems)
