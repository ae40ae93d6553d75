"""A glossary term inside a heading is not underlined or given a tooltip: the heading names
the term and the text under it explains it (fasciasite.content.glossary.PlainHeadings)."""
from __future__ import annotations

import markdown
from lxml import html
from test_site_build import doc_pages, html_for

from fasciasite.content.glossary import PlainHeadings

GLOSSARY = {"fascia": "Sheets and bands of connective tissue.", "NICE": "The National Institute for Health and Care Excellence."}
PAGE = """# Why fascia matters {#why}

## What *NICE* says about `fascia` and fascia

Some fascia text, and what NICE advises.

- fascia in a list

### The *fascia* of the back
"""


def render(*extensions) -> html.HtmlElement:
    md = markdown.Markdown(extensions=["abbr", "attr_list", "toc", *extensions],
                           extension_configs={"abbr": {"glossary": GLOSSARY}})
    return html.fromstring(f"<div>{md.convert(PAGE)}</div>")


def headings_with_abbr(doc: html.HtmlElement) -> list[str]:
    return [h.text_content() for h in doc.xpath("//h1|//h2|//h3|//h4|//h5|//h6") if h.xpath(".//abbr")]


def test_the_abbr_extension_alone_marks_headings():
    """The fault the extension exists for: without it, terms in headings get a tooltip."""
    assert headings_with_abbr(render())


def test_glossary_terms_in_headings_stay_plain_but_the_text_keeps_its_definitions():
    doc = render(PlainHeadings())
    assert headings_with_abbr(doc) == []
    assert [h.get("id") for h in doc.xpath("//h1")] == ["why"]  # attr_list still reads {#id}
    assert doc.xpath("//h3")[0].text_content() == "The fascia of the back"  # text inside <em> kept
    body = {a.text for a in doc.xpath("//p//abbr|//li//abbr")}
    assert body == {"fascia", "NICE"}
    assert doc.xpath("//p/abbr[@title]")[0].get("title") == GLOSSARY["fascia"]


def test_no_page_of_the_site_has_a_glossary_tooltip_in_a_heading(built_site):
    marked = []
    for src in doc_pages():
        doc = html.fromstring((built_site / html_for(src)).read_bytes())
        marked += [f"{src}: {text}" for text in headings_with_abbr(doc)]
    assert not marked, "glossary markup inside headings:\n" + "\n".join(marked)
    first = html.fromstring((built_site / html_for("fascia/what-is-fascia.md")).read_bytes())
    assert first.xpath("//article//p//abbr[@title]"), "the text still carries hover definitions"
