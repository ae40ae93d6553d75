"""The sidebar is Material's, drawn faster.

overrides/partials/nav-item.html is Material's template with one marked block changed:
plain links in a section come from nav_runs() in overrides/hooks/nav.py (one Python call
per section instead of one Jinja macro call per link; about half of a 1,000-article
build before). These tests protect that readers get exactly Material's sidebar, and that
a Material upgrade cannot silently leave a stale copy behind.
"""
from __future__ import annotations

import re
from pathlib import Path

import material
import pytest
from conftest import ROOT, make_fixture_site, mkdocs_build
from lxml import html

from fasciasite.bench.corpus import copy_real_site

OURS = ROOT / "overrides" / "partials" / "nav-item.html"
MATERIAL = Path(material.__file__).parent / "templates" / "partials" / "nav-item.html"

MATERIAL_LOOP = """            {% for item in nav_item.children %}
              {% if not index or item != index %}
                {{ render(item, path ~ "_" ~ loop.index, level + 1, nav_item) }}
              {% endif %}
            {% endfor %}"""


def primary_nav(page: Path) -> str:
    """The page's main navigation, whitespace between and around text removed."""
    doc = html.fromstring(page.read_bytes())
    navs = doc.xpath('//nav[contains(concat(" ", @class, " "), " md-nav--primary ")]')
    assert navs, f"{page}: no primary navigation"
    for el in navs[0].iter():
        el.text = re.sub(r"\s+", " ", el.text).strip() or None if el.text else None
        el.tail = re.sub(r"\s+", " ", el.tail).strip() or None if el.tail else None
    return html.tostring(navs[0], encoding="unicode")


def same_navigation(ours: Path, materials: Path) -> list[str]:
    pages = sorted(p.relative_to(ours) for p in ours.rglob("*.html")
                   if "take-home" not in p.relative_to(ours).parts)  # take-home sheets have no navigation (fasciasite/publishing/sheet.py)
    assert pages
    return [str(p) for p in pages if primary_nav(ours / p) != primary_nav(materials / p)]


def test_override_is_materials_template_with_only_the_marked_block_changed():
    ours = OURS.read_text(encoding="utf-8")
    header = re.match(r"\{#-.*?-#\}\n", ours, re.S)
    assert header and "FAST PATH" in header.group(0), "the override must start with the comment explaining it"
    block = re.search(r"\n *\{#- FAST PATH \(ours\).*?\{#- END FAST PATH -#\}", ours, re.S)
    assert block, "the changed block must stay marked FAST PATH ... END FAST PATH"
    restored = ours[header.end():block.start()] + "\n" + MATERIAL_LOOP + ours[block.end():]
    assert restored == MATERIAL.read_text(encoding="utf-8"), (
        f"{MATERIAL} has changed (Material was upgraded?): copy it to {OURS.relative_to(ROOT)} "
        "again, then re-apply the FAST PATH block and the header comment."
    )


# A third build of the whole site (about 7 s of CPU): make test runs it, make test-fast does not. The fast
# tier still proves the same thing, our template draws exactly Material's sidebar, on a fixture site with
# every shape of the real nav and more: test_nested_sections_links_and_badges_match_material below.
@pytest.mark.slow
def test_every_real_page_has_materials_sidebar(built_site, tmp_path):
    plain = tmp_path / "plain"
    copy_real_site(plain)  # the one list of what a build of the real site reads
    (plain / "overrides" / "partials" / "nav-item.html").unlink()  # Material's own template
    result = mkdocs_build(plain / "mkdocs.yml", plain / "site")
    assert result.returncode == 0, result.stderr[-2000:]
    assert not same_navigation(built_site, plain / "site")


PAGE = ("---\ntitle: {title}\ndescription: A page of the sidebar test site, one of several in nested sections.\n{extra}---\n\n"
        "# {title}\n\nText.\n\n## A heading\n\nMore text.\n")  # a heading: the active page's contents in the sidebar


def test_nested_sections_links_and_badges_match_material(tmp_path):
    """Every shape of the real site's nav (top-level pages before and after sections, sections,
    a section's index page, the active page's headings) and what it does not have yet: nested
    sections, an external link, a page with a status badge, a page title with markup characters."""
    pages = {
        "index.md": PAGE.format(title="Home", extra=""),
        "guides/one.md": PAGE.format(title="One & only", extra=""),
        "guides/two.md": PAGE.format(title="Two", extra="status: new\n"),
        "guides/deeper/three.md": PAGE.format(title="Three", extra=""),
        "guides/deeper/four.md": PAGE.format(title="Four", extra=""),
        "more/index.md": PAGE.format(title="More", extra=""),
        "more/five.md": PAGE.format(title="Five", extra=""),
        "last.md": PAGE.format(title="Last", extra=""),
    }
    nav = [
        {"Home": "index.md"},
        {"Guides": ["guides/one.md", "guides/two.md", {"Deeper": ["guides/deeper/three.md", "guides/deeper/four.md"]},
                    {"NHS website": "https://www.nhs.uk/"}]},
        {"More": ["more/index.md", "more/five.md"]},
        {"Last": "last.md"},
    ]
    results = {}
    for variant in ("ours", "material"):
        root = tmp_path / variant
        root.mkdir()
        config = make_fixture_site(root, pages, nav=nav)
        if variant == "material":
            (root / "overrides" / "partials" / "nav-item.html").unlink()
        result = mkdocs_build(config, root / "site")
        assert result.returncode == 0, result.stderr[-2000:]
        results[variant] = root / "site"
    assert not same_navigation(results["ours"], results["material"])
    two = primary_nav(results["ours"] / "guides" / "one" / "index.html")
    assert "md-status--new" in two and "https://www.nhs.uk/" in two and "One & only" in html.fromstring(two).text_content()
    assert "A heading" in html.fromstring(two).text_content(), "the active page's headings are not in its sidebar"
    assert "md-nav__container" in two and 'href="../../more/"' in two, "the section index page is not the section's link"
