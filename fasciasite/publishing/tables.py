"""An article's tables written inside Material's scroll wrapper, so its script need not move them.

Material's bundle, as it starts (DOMContentLoaded), takes every `table:not([class])` of the
page's content out of the page and puts it back inside
`<div class="md-typeset__scrollwrap"><div class="md-typeset__table">` (its mountDataTable and
renderTable), so that a wide table scrolls on its own on a phone. On a page that has already been
laid out, each move restyles the article (Material's stylesheet has `table:not([class]) + *`,
and the article's children are restyled when one of them changes) and the header's size, read
next, waits for it: on a long article with three tables the bundle's start took 112 ms at the
machine's speed, and 40 ms once the tables came wrapped (issue 24 part 4).

So each page is written with its tables already inside that wrapper, marked with the class
`TABLE_CLASS` so that Material's query passes them by, and Material's stylesheet gives
`table:not([class])` to the marked tables too (`stylesheet_rule`, applied by
fasciasite/publishing/theme_css.py on every build): the page a reader's browser ends with is
the one Material would have made, and a reader without JavaScript gets the scrolling tables as
well. A page with a table inside a table (none is written in Markdown) is left to Material.

Why our own code: Material has no setting for it; the wrapper is its own markup, copied.
Cost: two string searches and one regular expression over the article, about 0.1 ms a page
(the real site's 71 pages: 7.7 ms a build).
"""
from __future__ import annotations

import re

TABLE_CLASS = "data-table"
WRAP_OPEN = '<div class="md-typeset__scrollwrap"><div class="md-typeset__table">'
WRAP_CLOSE = "</div></div>"
MATERIAL_SELECTOR = "table:not([class])"  # Material's query (components/content) and its stylesheet's
MARKED_SELECTOR = f"table:is(:not([class]),.{TABLE_CLASS})"  # the same specificity: (0,1,1)

ARTICLE_START = '<article class="md-content__inner'  # Material's partials/content.html
TABLE_TAG = re.compile(r"<(/?)table\b([^>]*)>", re.I)
HAS_CLASS = re.compile(r"\sclass\s*=", re.I)


def _wrap_tables(article: str) -> str:
    tags = list(TABLE_TAG.finditer(article))
    depth = 0
    for tag in tags:
        depth += -1 if tag.group(1) else 1
        if depth not in (0, 1):
            return article  # a table inside a table, or broken markup: Material wraps it as before
    if depth:
        return article  # a table left open
    out: list[str] = []
    last, wrapping = 0, False
    for tag in tags:
        if not tag.group(1):
            wrapping = not HAS_CLASS.search(tag.group(2))
            if wrapping:
                out += [article[last:tag.start()], WRAP_OPEN, f'<table class="{TABLE_CLASS}"{tag.group(2)}>']
                last = tag.end()
        elif wrapping:
            out += [article[last:tag.end()], WRAP_CLOSE]
            last, wrapping = tag.end(), False
    return "".join(out) + article[last:]


def wrap_tables(html: str) -> str:
    """The page with every class-less table of its article inside Material's scroll wrapper."""
    start = html.find(ARTICLE_START)
    end = html.find("</article>", start)
    if start < 0 or end < 0 or html.find("<table", start, end) < 0:
        return html
    return html[:start] + _wrap_tables(html[start:end]) + html[end:]


def stylesheet_rule(css: str) -> str:
    """Material's stylesheet with its rules for class-less tables given to the marked ones too."""
    return css.replace(MATERIAL_SELECTOR, MARKED_SELECTOR)
