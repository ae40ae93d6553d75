"""Citations: [@key] resolves from references.bib through mkdocs-bibtex and our hook
(overrides/hooks/citations.py), reads well, and can never go wrong silently."""
from __future__ import annotations

import re

import pytest
from conftest import make_fixture_site, mkdocs_build
from lxml import html

# Every cited entry needs design, certainty and findings (the evidence rules of issue 20), and a
# url on a host includes/sources.yml allows; the placeholders say they are test data.
FIELDS = "design = {narrative review}, certainty = {not graded}, findings = {Test data: what the source found.}"
BIB = r"""
@article{willard2012thoracolumbar,
  author  = {Willard, F. H. and Vleeming, A.},
  title   = {The thoracolumbar fascia: anatomy, function and clinical considerations},
  journal = {Journal of Anatomy}, year = {2012}, volume = {221}, number = {6},
  pages   = {507--536}, doi = {10.1111/j.1469-7580.2012.01511.x},
  FIELDS
}
@article{muller2020accents,
  author  = {M{\"u}ller, Anna and Zügel, Martina},
  title   = {Accents in names},
  journal = {Journal of Tests}, year = {2020}, volume = {1}, pages = {1--2},
  doi     = {10.1000/accents},
  FIELDS
}
@article{evil2021script,
  author  = {Evil, Eve},
  title   = {A <script>alert(1)</script> title},
  journal = {Journal of Tests}, year = {2021}, volume = {2}, pages = {3--4},
  nodoi   = {test fixture},
  FIELDS
}
@article{symbols2022address,
  author  = {Symbol, Sam},
  title   = {Addresses with symbols},
  journal = {Journal of Tests}, year = {2022}, volume = {3}, pages = {5--6},
  doi     = {10.1000/test_doi(2022)01},
  FIELDS
}
@online{symbols2022page,
  author  = {{NHS}},
  title   = {A page whose address has symbols},
  organization = {NHS},
  url     = {https://www.nhs.uk/conditions/back_pain~x/?a=1&b=2%20c#part-2},
  urldate = {2026-12-07},
  FIELDS
}
""".replace("FIELDS", FIELDS)
JAVASCRIPT_URL = "https://javascript:alert(document.cookie)"

PAGE = """---
title: {title}
description: A page of the citation fixture site, with enough words to pass the checks.
---

# {title}

{body}
"""

GOOD_BODY = """Fascia wraps the back muscles [@willard2012thoracolumbar]. Both sources at once
[@willard2012thoracolumbar; @muller2020accents]. A third time [@evil2021script].

Write to [someone@example.org](mailto:someone@example.org) or [write to someone@example.org].

```python
@decorator
def cite():
    return "[@willard2012thoracolumbar] stays code"
```

Inline code `[@muller2020accents]` stays too.
"""


@pytest.fixture(scope="module")
def good_site(tmp_path_factory):
    """One build for every passing case (builds cost seconds)."""
    tmp = tmp_path_factory.mktemp("cite")
    pages = {
        "index.md": PAGE.format(title="First", body=GOOD_BODY),
        "second.md": PAGE.format(title="Second", body="Again [@willard2012thoracolumbar]. Its entry: "
                                 "[in the list](references.md#ref-willard2012thoracolumbar). Symbols [@symbols2022address; @symbols2022page]."),
        "references.md": PAGE.format(title="References", body="<!-- md:references -->"),
    }
    result = mkdocs_build(make_fixture_site(tmp, pages, bib=BIB), tmp / "site")
    assert result.returncode == 0, result.stderr[-3000:]
    return tmp / "site"


def page(site, path="index.html"):
    return html.fromstring((site / path).read_bytes())


def test_known_key_becomes_a_numbered_marker_with_a_reference(good_site):
    doc = page(good_site)
    first = doc.xpath('//sup[starts-with(@id, "fnref")]/a')[0]
    assert first.text == "1" and first.get("href") == "#fn:willard2012thoracolumbar"
    ref = doc.xpath('//li[@id="fn:willard2012thoracolumbar"]')[0].text_content()
    assert "Willard FH" in ref and "Journal of Anatomy" in ref
    doi = doc.xpath('//li[@id="fn:willard2012thoracolumbar"]//a[contains(@href, "doi.org")]')[0]
    assert doi.get("href") == "https://doi.org/10.1111/j.1469-7580.2012.01511.x"


def test_two_keys_in_one_block_get_separated_markers(good_site):
    source = (good_site / "index.html").read_text(encoding="utf-8")
    pair = re.search(r'fn:willard2012thoracolumbar">1</a></sup>(<sup class="cite-sep">,</sup>)<sup id="fnref:muller2020accents">', source)
    assert pair, "markers of [@a; @b] must be separated (1,2 not 12)"


def test_references_heading_and_citation_order(good_site):
    doc = page(good_site)
    assert doc.xpath('//h2[@id="references"]'), "an article with citations needs a References heading"
    ids = [li.get("id") for li in doc.xpath('//div[@class="footnote"]//li')]
    assert ids == ["fn:willard2012thoracolumbar", "fn:muller2020accents", "fn:evil2021script"]


def test_same_key_twice_gives_one_entry_with_two_back_references(good_site):
    doc = page(good_site)
    entries = doc.xpath('//li[@id="fn:willard2012thoracolumbar"]')
    assert len(entries) == 1
    assert len(entries[0].xpath('.//a[@class="footnote-backref"]')) == 2


def test_accented_names_render_as_letters(good_site):
    text = page(good_site).xpath('//li[@id="fn:muller2020accents"]')[0].text_content()
    assert "Müller A" in text and "Zügel M" in text
    assert "\\" not in text and "{" not in text


def test_script_in_title_and_javascript_url_are_inert(good_site):
    doc = page(good_site)
    entry = doc.xpath('//li[@id="fn:evil2021script"]')[0]
    assert not entry.xpath(".//script")
    assert "<script>" in entry.text_content()  # shown as text, not run
    hrefs = [a.get("href", "") for a in doc.iter("a")]
    assert not [h for h in hrefs if "javascript" in h.lower()]


def test_email_and_code_are_untouched(good_site):
    doc = page(good_site)
    body = doc.xpath('//article')[0].text_content()
    assert "[write to someone@example.org]" in body
    code = " ".join(c.text_content() for c in doc.xpath("//pre//code"))
    assert "@decorator" in code and "[@willard2012thoracolumbar] stays code" in code
    inline = [c.text_content() for c in doc.xpath("//p/code")]
    assert "[@muller2020accents]" in inline


def test_references_page_lists_every_entry_alphabetically_with_back_links(good_site):
    doc = page(good_site, "references/index.html")
    items = doc.xpath('//div[@class="reference-list"]//li')
    names = [li.text_content().strip()[:6] for li in items]
    assert names == sorted(names, key=str.casefold) and len(items) == len(re.findall(r"^@\w+\{", BIB, re.M))
    willard = [li for li in items if li.get("id") == "ref-willard2012thoracolumbar"][0]
    links = {a.get("href") for a in willard.xpath('.//span[@class="cited-in"]//a')}
    assert links == {"../", "../second/"}, links


def test_addresses_with_symbols_reach_the_reader_as_written(good_site):
    """pybtex writes '&' as '\\&' (and '_', '%', '~', '#' likewise) in the BibTeX pandoc reads;
    the url and the DOI must still be published exactly as references.bib has them."""
    url = "https://www.nhs.uk/conditions/back_pain~x/?a=1&b=2%20c#part-2"
    doi = "https://doi.org/10.1000/test_doi(2022)01"
    for path in ("second/index.html", "references/index.html"):
        for key, address in (("symbols2022page", url), ("symbols2022address", doi)):
            entry = page(good_site, path).xpath(f'//li[@id="fn:{key}" or @id="ref-{key}"]')[0]
            assert address in entry.xpath(".//a/@href"), (path, key, entry.xpath(".//a/@href"))
            assert "\\" not in entry.text_content() and address.split("//")[-1].removeprefix("doi.org/") in entry.text_content(), \
                entry.text_content()


def test_a_javascript_address_never_builds(fixture_site):
    """A url that is not on an allowed host (here a script in disguise) fails the build, so it
    can never become a link (the host rule of issue 20, before the renderer's own guard)."""
    bib = BIB.replace("nodoi   = {test fixture},", "nodoi   = {test fixture},\n  url = {" + JAVASCRIPT_URL + "},")
    err = failing_build(fixture_site, "A third time [@evil2021script].", bib=bib)
    assert "entry 'evil2021script': host javascript is not an authoritative address" in err, err[-1500:]


def failing_build(fixture_site, body: str, bib: str = BIB):
    _, build = fixture_site({"index.md": PAGE.format(title="Broken", body=body)}, bib=bib)
    result = build()
    assert result.returncode != 0, "the build should have failed"
    return result.stderr


def test_unknown_key_and_key_with_colon_fail_naming_page_line_and_key(fixture_site):
    err = failing_build(fixture_site, "Line one.\n\nA claim [@nosuchkey2020].\n\nAnother [@smith:2020].\n")
    assert "docs/index.md:10: unknown citation key 'nosuchkey2020'" in err
    assert "docs/index.md:12: citation key 'smith:2020'" in err and "letters, digits" in err


def test_malformed_bib_fails_with_file_and_line_not_a_traceback(fixture_site):
    bib = BIB + "\n@article{broken2020,\n  title = {Unclosed,\n  year = {2020}\n"
    err = failing_build(fixture_site, "Fine [@willard2012thoracolumbar].", bib=bib)
    assert "Traceback" not in err
    start = bib.splitlines().index("@article{broken2020,") + 1
    assert re.search(rf"references\.bib:({start}|{start + 1}):", err), err[-1500:]


def test_pandoc_escapes_never_reach_the_reader(built_site):
    """Pandoc writes a non-breaking space as "\\ " (e.g. "Sport\\ & Exercise"); readers
    must see a space, on the articles and on the References page."""
    for page_html in built_site.rglob("*.html"):
        doc = html.fromstring(page_html.read_bytes())
        for ref in doc.xpath('//div[@class="footnote"]//li | //div[@class="reference-list"]//li'):
            assert "\\" not in ref.text_content(), f"{page_html}: {ref.text_content()[:120]}"


def test_reference_lists_stay_out_of_search_but_the_references_page_is_in(built_site):
    import json

    docs = json.loads((built_site / "search" / "search_index.json").read_text(encoding="utf-8"))["docs"]
    references = [d for d in docs if d["location"].startswith("references/")]
    assert references and any("doi:" in d["text"] for d in references)
    leaked = [d["location"] for d in docs if not d["location"].startswith("references/")
              and (d["location"].endswith("#references") or "doi:" in d["text"])]
    assert not leaked, f"reference lists in the search index: {leaked[:5]}"


def test_reading_time_counts_the_prose_not_the_reference_list(tmp_path):
    from conftest import ROOT

    bib = (ROOT / "references.bib").read_text(encoding="utf-8")
    keys = re.findall(r"^@\w+\{([\w-]+),", bib, re.M)[:12]
    prose = " ".join(["Fascia is a sheet of connective tissue around every muscle."] * 36)  # 360 words
    body = prose + "".join(f" Source [@{k}]." for k in keys)
    article = ("---\ntitle: Reading time\ndescription: A fixture article with a long reference list, to time "
               "its reading.\nauthor: editorial-team\nreviewer: \"\"\npublished: 2026-01-01\n"
               "last_reviewed: 2026-01-01\nnext_review: 2027-01-01\ntags: [fascia]\n---\n\n# Reading time\n\n"
               + body + "\n")
    config = make_fixture_site(tmp_path, {"fascia/reading.md": article})
    result = mkdocs_build(config, tmp_path / "site")
    assert result.returncode == 0, result.stderr[-2000:]
    doc = html.fromstring((tmp_path / "site/fascia/reading/index.html").read_bytes())
    assert len(doc.xpath('//div[@class="footnote"]//li')) == 12
    byline = doc.xpath('//div[@class="article-byline"]')[0].text_content()
    assert "2 min read" in byline, byline  # 360 + 24 words of prose; the 12 references would add ~300


def test_formatted_references_are_reused_until_the_bib_changes(tmp_path):
    """`make serve` rebuilds on every save; pandoc runs again only when the .bib changes."""
    import json

    body = "Fascia wraps the back muscles [@willard2012thoracolumbar]."
    config = make_fixture_site(tmp_path, {"index.md": PAGE.format(title="First", body=body)}, bib=BIB)
    site = tmp_path / "site"

    def build(new_process: bool = False):  # in process, as a new `mkdocs build` starts (conftest.fresh_plugins)
        return mkdocs_build(config, site, in_process=not new_process)

    assert build().returncode == 0
    [cache] = (tmp_path / ".cache").glob("references-*.json")
    text = json.loads(cache.read_text(encoding="utf-8"))
    assert "thoracolumbar fascia" in text["willard2012thoracolumbar"].lower()
    text["willard2012thoracolumbar"] = "Reused from the cache."
    cache.write_text(json.dumps(text), encoding="utf-8")
    assert build(new_process=True).returncode == 0  # a second `make build`: only the cache file carries over
    assert "Reused from the cache." in page(site).xpath('//li[@id="fn:willard2012thoracolumbar"]')[0].text_content()
    bib = tmp_path / "references.bib"
    bib.write_text(bib.read_text(encoding="utf-8") + "\n", encoding="utf-8")  # any change to the .bib
    assert build().returncode == 0
    assert "Reused" not in page(site).xpath('//li[@id="fn:willard2012thoracolumbar"]')[0].text_content()
    assert len(list((tmp_path / ".cache").glob("references-*.json"))) == 1


def test_a_link_to_a_references_entry_is_checked_and_works(good_site, fixture_site):
    link = page(good_site, "second/index.html").xpath('//a[text()="in the list"]/@href')[0]
    assert link == "../references/#ref-willard2012thoracolumbar"
    assert page(good_site, "references/index.html").xpath('//li[@id="ref-willard2012thoracolumbar"]')
    body = "See [a missing entry](references.md#ref-nosuchkey2020)."
    config, build = fixture_site({"index.md": PAGE.format(title="First", body=body),
                                  "references.md": PAGE.format(title="References", body="<!-- md:references -->")},
                                 bib=BIB)
    result = build()
    assert result.returncode != 0 and "ref-nosuchkey2020" in result.stderr
