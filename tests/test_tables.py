"""An article's tables written inside Material's scroll wrapper (fasciasite/publishing/tables.py),
so that Material's start does not move them: every class-less table of the article wrapped and
marked, nothing else touched, Material's table rules given to the marked tables."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from fasciasite.publishing import tables


def page(article: str, before: str = "", after: str = "") -> str:
    return (f'<html><body>{before}<div class="md-content" data-md-component="content">'
            f'<article class="md-content__inner md-typeset">{article}</article></div>{after}</body></html>')


WRAPPED = tables.WRAP_OPEN + '<table class="data-table">'


def test_each_class_less_table_of_the_article_is_wrapped_as_material_wraps_it_and_marked():
    html = page("<p>a</p><table>\n<tr><td>1</td></tr>\n</table><p>b</p><table><tr><td>2</td></tr></table>")
    out = tables.wrap_tables(html)
    assert out == page(f"<p>a</p>{WRAPPED}\n<tr><td>1</td></tr>\n</table></div></div><p>b</p>"
                       f"{WRAPPED}<tr><td>2</td></tr></table></div></div>")


def test_a_tables_own_attributes_are_kept_after_the_mark():
    out = tables.wrap_tables(page('<table id="scores" summary="x"><tr><td>1</td></tr></table>'))
    assert tables.WRAP_OPEN + '<table class="data-table" id="scores" summary="x">' in out


@pytest.mark.parametrize("article", [
    '<table class="claims"><tr><td>1</td></tr></table>',  # a class: Material leaves it alone, so do we
    "<table><tr><td><table><tr><td>1</td></tr></table></td></tr></table>",  # nested: left to Material
    "<table><tr><td>1</td></tr>",  # unclosed: left to Material
    "<p>no table</p>",
])
def test_what_material_would_not_wrap_or_what_we_cannot_read_safely_is_left_as_it_is(article):
    assert tables.wrap_tables(page(article)) == page(article)


def test_a_table_outside_the_article_is_left_as_it_is():
    outside = "<table><tr><td>sidebar</td></tr></table>"
    out = tables.wrap_tables(page("<table><tr><td>1</td></tr></table>", before=outside, after=outside))
    assert out.count(outside) == 2 and out.count(tables.WRAP_OPEN) == 1


def test_a_page_wrapped_once_is_not_wrapped_again():
    once = tables.wrap_tables(page("<table><tr><td>1</td></tr></table>"))
    assert tables.wrap_tables(once) == once


def test_materials_table_rules_reach_the_marked_tables_with_the_same_specificity():
    css = (".md-typeset table:not([class]){display:inline-block}"
           ".md-typeset table:not([class])+*{margin-top:1.5em}"
           ".md-typeset table:not([class]) th:not([align]){text-align:left}")
    out = tables.stylesheet_rule(css)
    assert "table:not([class])" not in out.replace(tables.MARKED_SELECTOR, "")
    assert out.count(tables.MARKED_SELECTOR) == 3
    assert ":not([align])" in out  # only the table's own test changes


def test_materials_script_and_stylesheet_still_name_class_less_tables():
    """The rule this module mirrors: Material wraps `table:not([class])` (its bundle) and styles
    it (its stylesheet). If an upgrade changes either, the marked tables would be wrapped twice or
    lose their style: this fails first."""
    import material

    assets = Path(material.__file__).parent / "templates" / "assets"
    bundle = next((assets / "javascripts").glob("bundle.*.min.js")).read_text(encoding="utf-8")
    assert f'"{tables.MATERIAL_SELECTOR}"' in bundle
    assert "md-typeset__scrollwrap" in bundle and "md-typeset__table" in bundle
    stylesheet = next((assets / "stylesheets").glob("main.*.min.css")).read_text(encoding="utf-8")
    assert stylesheet.count(tables.MATERIAL_SELECTOR) >= 10


def test_every_table_of_every_built_article_comes_wrapped_and_styled(built_site):
    stylesheet = next((built_site / "assets" / "stylesheets").glob("main.*.min.css")).read_text(encoding="utf-8")
    assert tables.MARKED_SELECTOR in stylesheet and tables.MATERIAL_SELECTOR not in stylesheet.replace(tables.MARKED_SELECTOR, "")
    counted = 0
    for path in built_site.rglob("*.html"):
        article = re.search(r'<article class="md-content__inner.*?</article>', path.read_text(encoding="utf-8"), re.S)
        for tag in re.finditer(r"<table\b[^>]*>", article.group(0) if article else ""):
            counted += 1
            assert 'class="' in tag.group(0), f"{path.relative_to(built_site)}: {tag.group(0)} is left for Material to move"
            if tables.TABLE_CLASS in tag.group(0):
                assert article.group(0)[:tag.start()].endswith(tables.WRAP_OPEN), path
    assert counted > 20, "the site's tables were not found"
