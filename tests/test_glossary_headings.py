"""A glossary term inside a heading is not underlined or given a tooltip: the heading names
the term and the text under it explains it (fasciasite.content.glossary.PlainHeadings). The
faster abbr marking that extension installs writes what Python-Markdown's own does."""
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


# ── The faster abbr marking (issue 24) writes what Python-Markdown's does ────


def _both(text: str, glossary: dict[str, str], extensions: list) -> tuple[str, str]:
    """(Python-Markdown's abbr marking, ours) of one text, headings plain in both."""
    from fasciasite.content import glossary as g

    class OnlyHeadings(PlainHeadings):  # the heading rule without the faster marking
        def extendMarkdown(self, md):
            md.treeprocessors.register(g._PlainHeadingText(md), "plain-headings", 7.5)

    out = []
    for ext in (OnlyHeadings(), PlainHeadings()):
        md = markdown.Markdown(extensions=["abbr", *extensions, ext], extension_configs={"abbr": {"glossary": glossary}})
        out.append(md.convert(text))
    return out[0], out[1]


def test_the_faster_abbr_marking_writes_the_same_html_on_random_texts():
    """Terms that start alike ("disc", "disc herniation", "discs"), hold punctuation (A&E,
    C. diff) or end in one; texts with lists, tables and inline markup around them."""
    import random

    terms = {"disc": "A pad between bones.", "disc herniation": "A bulging disc.", "discs": "", "A&E": "Accident and emergency.",
             "TENS": "A small machine.", "TENS machine": "The same machine.", "C. diff": "A germ.", "NHS": "The health service.",
             "NHS 111": "The phone line.", "back": "The back.", "backache": "Pain in the back.", "Pilates": "Exercise."}
    words = [*terms, "a", "the", "disc-shaped", "herniation", "*disc*", "`TENS`", "**A&E**", "machine", "111", "backs",
             "[NHS](https://www.nhs.uk/)", ",", ".", "\n", "\n\n- ", "\n\n| a | b |\n|---|---|\n| ", "\n\n## "]
    rng = random.Random(21)
    for _ in range(400):
        text = " ".join(rng.choice(words) for _ in range(rng.randint(1, 40)))
        theirs, ours = _both(text, terms, ["tables", "attr_list", "toc"])
        assert ours == theirs, text


def test_the_faster_abbr_marking_writes_the_same_html_on_every_page():
    from conftest import ROOT

    from fasciasite.content.glossary import read_terms
    from fasciasite.pagesource import read

    terms = dict(read_terms(ROOT / "includes" / "glossary.md"))
    pages = sorted((ROOT / "docs").rglob("*.md"))
    assert len(pages) >= 30
    marked = 0
    for path in pages:
        body = read(str(path))[1]
        theirs, ours = _both(body, terms, ["tables", "attr_list", "toc", "admonition", "footnotes", "md_in_html", "def_list"])
        assert ours == theirs, path
        marked += "<abbr" in ours
    assert marked >= 20  # most pages use a glossary term
