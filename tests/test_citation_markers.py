"""Citation markers and reference lists drawn as finished HTML (fasciasite.references.citation_format).

On a page without footnotes of its own, the numbered markers and the reference list are drawn
by the site's Markdown extension instead of Python-Markdown's footnotes extension (issue 24:
a third of a cited page's Markdown time). The published page must not change: these tests
convert the same Markdown both ways, with mkdocs.yml's own extensions, and compare the HTML
byte for byte. No build, no pandoc: the formatted references are given.
"""
from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import markdown
import pytest

from fasciasite.config import load_mkdocs_yml
from fasciasite.references.citation_format import CITE_CLOSE, CITE_OPEN, REF_CLOSE, REF_OPEN, SEPARATOR, StashReferences
from fasciasite.references.citations import Citations

ROOT = Path(__file__).resolve().parent.parent
REFERENCES = {  # what FormatOnceRegistry.html holds: each key's reference as inline HTML
    "alpha2020": "Alpha A. A trial. <em>J Test</em>. 2020;1:1-2.",
    "beta2019": 'Beta B. A review. doi:<a href="https://doi.org/10.1/x">10.1/x</a>',
    "gamma2018": "Gamma G &amp; Delta D. A guideline. 2018.",
    "delta2017": "Delta D. A cohort. 2017.",
    "nhs_dvt": "NHS. DVT. Accessed 2026.",
}


def extensions() -> tuple[list, dict]:
    """mkdocs.yml's Markdown extensions and their settings (snippets left out: it reads files)."""
    config = load_mkdocs_yml(ROOT)
    names, settings = [], {}
    for item in config["markdown_extensions"]:
        name, options = next(iter(item.items())) if isinstance(item, dict) else (item, None)
        if name == "pymdownx.snippets":
            continue
        names.append(name)
        if options:
            settings[name] = options
    return names, settings


def cite(*keys: str) -> str:
    """What mkdocs-bibtex writes for [@a; @b] through the site's registry (inline_text)."""
    return SEPARATOR.join(f"{CITE_OPEN}{k}{CITE_CLOSE}" for k in keys)


def as_bibtex_writes(body: str, keys: list[str]) -> str:
    """The page as mkdocs-bibtex hands it on: the body, the heading, then one definition per key."""
    definitions = "\n".join(f"[^{k}]: {REF_OPEN}{k}{REF_CLOSE}" for k in keys)
    return f"{body}\n\n## References {{#references}}\n\n{definitions}"


def convert(text: str, fast: bool) -> tuple[str, StashReferences]:
    registry = SimpleNamespace(html=REFERENCES, footnote_format="{key}")
    names, settings = extensions()
    stash = StashReferences(registry, fast=fast)  # type: ignore[arg-type]
    md = markdown.Markdown(extensions=[*names, stash], extension_configs=settings)
    return md.convert(text), stash


# Citations where the footnotes extension's numbering is not plain reading order: it numbers
# breadth first, so a citation in a table inside a box comes after one in a list after it.
BODY = f"""# A page

A claim{cite("alpha2020")}. A second source{cite("beta2019")}, and *emphasis with
the first source again{cite("alpha2020")}*.

!!! info "How strong is the evidence?"

    | Claim | Rating | Why |
    |---|---|---|
    | Rolling helps | **Moderate** | Two reviews{cite("gamma2018")} |

!!! warning "Safety"

    - you have pain and swelling in one leg{cite("nhs_dvt")}
        - nested, cited again{cite("nhs_dvt", "beta2019")}

- A list item{cite("delta2017")}

<div class="raw">
A citation inside a raw HTML block{cite("beta2019")}
</div>
"""
KEYS = ["alpha2020", "beta2019", "gamma2018", "delta2017", "nhs_dvt"]


def test_markers_and_reference_list_are_the_footnotes_extensions_byte_for_byte():
    text = as_bibtex_writes(BODY, KEYS)
    fast, stash = convert(text, fast=True)
    slow, _ = convert(text, fast=False)
    assert stash.page.fast, "the page has no footnote of its own: the fast path must draw it"
    assert 'class="footnote-ref"' in slow and 'id="fn:nhs_dvt"' in slow  # the comparison compares something
    assert fast == slow
    # Breadth first: the list item (2 levels down), the box's list (3), the box's table (5).
    listed = [line.split('"')[1] for line in slow.splitlines() if line.startswith('<li id="fn:')]
    assert listed == ["fn:alpha2020", "fn:beta2019", "fn:delta2017", "fn:nhs_dvt", "fn:gamma2018"]


def test_a_citation_repeated_gets_one_entry_with_a_back_link_per_citation():
    fast, _ = convert(as_bibtex_writes(BODY, KEYS), fast=True)
    assert fast.count('<li id="fn:nhs_dvt">') == 1
    assert 'href="#fnref:nhs_dvt"' in fast and 'href="#fnref2:nhs_dvt"' in fast
    assert '<sup id="fnref2:alpha2020"><a class="footnote-ref" href="#fn:alpha2020">1</a></sup>' in fast


def test_a_page_with_its_own_footnote_numbers_it_with_the_citations():
    body = f"An aside.[^aside] A claim{cite('alpha2020')}.\n\n[^aside]: A plain note, no source."
    text = as_bibtex_writes(body, ["alpha2020"])
    fast, stash = convert(text, fast=True)
    assert not stash.page.fast, "own footnotes are numbered by the footnotes extension, with the citations"
    assert fast == convert(text, fast=False)[0]
    assert '<a class="footnote-ref" href="#fn:aside">1</a>' in fast
    assert '<a class="footnote-ref" href="#fn:alpha2020">2</a>' in fast
    assert CITE_OPEN not in fast and REF_OPEN not in fast


@pytest.mark.parametrize("fast", [True, False])
def test_no_stand_in_reaches_the_page(fast):
    html, _ = convert(as_bibtex_writes(BODY, KEYS), fast=fast)
    assert CITE_OPEN not in html and REF_OPEN not in html and "\x02" not in html


def test_marker_and_reference_ids_are_known_anchors():
    """MkDocs collects anchors from elements; markers drawn as HTML are added by the citations step."""
    html, _ = convert(as_bibtex_writes(BODY, KEYS), fast=True)
    page = SimpleNamespace(present_anchor_ids=set(), file=SimpleNamespace(src_uri="a.md"))
    Citations().on_page_content(html, page, None, None)  # type: ignore[arg-type]
    assert {"fn:alpha2020", "fnref:alpha2020", "fnref2:alpha2020", "fn:nhs_dvt", "fnref2:nhs_dvt"} <= page.present_anchor_ids
