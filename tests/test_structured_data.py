"""Structured data that search engines and AI answers read (fasciasite/publishing/structured.py): every
page's JSON-LD parses, uses only terms of the pinned schema.org vocabulary where schema.org
allows them, says what the page shows (front matter, mkdocs.yml, references.bib), and cites
exactly the page's reference list; a clinical reviewer appears only once one has signed off."""
from __future__ import annotations

import json
import re

import pytest
import yaml
from conftest import ROOT, make_fixture_site, mkdocs_build
from lxml import html
from test_site_build import doc_pages, html_for

from fasciasite.publishing import schemaorg, structured
from fasciasite.references.bib import parse_bib

BIB = parse_bib(ROOT / "references.bib")[0]


def front(src: str) -> dict:
    return yaml.safe_load((ROOT / "docs" / src).read_text(encoding="utf-8").split("---", 2)[1])


def articles(config) -> list[str]:
    return [s for s in doc_pages() if s.split("/")[0] in config["extra"]["article_sections"] and "/" in s]


def blocks(page: html.HtmlElement) -> list:
    return page.xpath('//script[@type="application/ld+json"]')


def graph_of(site, src) -> tuple[html.HtmlElement, dict[str, dict]]:
    page = html.fromstring((site / html_for(src)).read_bytes())
    (script,) = blocks(page)
    data = json.loads(script.text)
    assert data["@context"] == "https://schema.org"
    return page, {node["@type"]: node for node in data["@graph"]}


def canonical(config, src) -> str:
    return config["site_url"] + html_for(src)[: -len("index.html")]


def test_the_vocabulary_is_the_pinned_schema_org_release():
    assert schemaorg.vocabulary_hash() == schemaorg.VOCABULARY_SHA256, "fasciasite/schema/schemaorg-12.0-current-https.jsonld changed"
    vocab = schemaorg.load()
    assert {"MedicalWebPage", "MedicalClinic", "Patient", "BreadcrumbList"} <= set(vocab.parents)
    assert "WebPage" in vocab.domains["lastReviewed"]


def test_every_page_has_one_jsonld_block_of_schema_org_terms_only(built_site):
    found = []
    for src in doc_pages():
        page = html.fromstring((built_site / html_for(src)).read_bytes())
        scripts = blocks(page)
        assert len(scripts) == 1, f"{src}: {len(scripts)} JSON-LD blocks"
        assert scripts[0].get("src") is None and scripts[0].getparent().tag == "head", src
        found += [f"{src}: {p}" for p in schemaorg.problems(json.loads(scripts[0].text))]
    assert not found, "\n".join(found)
    assert schemaorg.check_site(built_site) == []


def test_every_article_is_a_medical_web_page_with_what_the_page_states(built_site, mkdocs_config):
    extra = mkdocs_config["extra"]
    for src in articles(mkdocs_config):
        fm = front(src)
        _, nodes = graph_of(built_site, src)
        page = nodes["MedicalWebPage"]
        expected = {"name": fm["title"], "description": fm["description"], "url": canonical(mkdocs_config, src),
                    "inLanguage": "en-GB", "datePublished": str(fm["published"]), "dateModified": str(fm["last_reviewed"]),
                    "lastReviewed": str(fm["last_reviewed"]), "medicalAudience": {"@type": "Patient"}}
        assert {k: page.get(k) for k in expected} == expected, src
        assert fm.get("about"), f"docs/{src}: add about: [condition, ...] to the front matter (fasciasite/schema/front-matter.schema.json)"
        assert page["about"] == [{"@type": "MedicalCondition", "name": n} for n in fm["about"]], src
        clinic = nodes["MedicalClinic"]
        assert page["author"] == page["publisher"] == {"@id": clinic["@id"]}, src
        assert clinic["name"] == extra["clinic_name"] and clinic["address"]["addressLocality"] == extra["clinic_city"]
        assert clinic["potentialAction"]["target"]["urlTemplate"] == extra["booking_url"]
        assert ("reviewedBy" in page) == bool(fm["reviewer"]), f"{src}: reviewedBy only when a reviewer is set"


def _expected_url(key: str) -> str | None:
    fields = BIB[key].fields
    if fields.get("doi"):
        return f"https://doi.org/{fields['doi']}"
    if fields.get("url"):
        return fields["url"]
    if fields.get("pmid"):
        return f"https://pubmed.ncbi.nlm.nih.gov/{fields['pmid']}/"
    return f"https://pmc.ncbi.nlm.nih.gov/articles/{fields['pmcid']}/" if fields.get("pmcid") else None


def test_citations_are_the_page_reference_list_in_order(built_site, mkdocs_config):
    checked = 0
    for src in articles(mkdocs_config):
        page, nodes = graph_of(built_site, src)
        keys = [i[len("fn:"):] for i in page.xpath('//div[@class="footnote"]//li/@id') if i[len("fn:"):] in BIB]
        cited = nodes["MedicalWebPage"].get("citation", [])
        assert [c.get("url") for c in cited] == [_expected_url(k) for k in keys], src
        assert [c["@type"] for c in cited] == ["ScholarlyArticle" if BIB[k].type == "article" else "CreativeWork" for k in keys]
        for c, key in zip(cited, keys, strict=True):
            assert c.get("identifier") == c.get("url") and c["name"] and "{" not in c["name"], (src, key)
            shown = page.xpath(f'//li[@id="fn:{key}"]//a[starts-with(@href, "https://doi.org/")]/@href')
            assert not shown or shown[0].lower() == c["url"].lower(), (src, key)  # the DOI the reader sees
        checked += len(keys)
    assert checked > 100


def test_home_is_the_website_and_every_other_page_has_breadcrumbs(built_site, mkdocs_config):
    _, home = graph_of(built_site, "index.md")
    assert home["WebSite"]["url"] == mkdocs_config["site_url"] and "BreadcrumbList" not in home
    for src in doc_pages():
        if src == "index.md":
            continue
        _, nodes = graph_of(built_site, src)
        items = nodes["BreadcrumbList"]["itemListElement"]
        assert [i["position"] for i in items] == list(range(1, len(items) + 1)), src
        assert items[0]["item"] == mkdocs_config["site_url"] and items[-1]["item"] == canonical(mkdocs_config, src), src
    _, about = graph_of(built_site, "about/disclaimer.md")
    assert about["BreadcrumbList"]["itemListElement"][1]["item"] == canonical(mkdocs_config, "about/index.md")


@pytest.mark.parametrize("node, says", [
    ({"@type": "MedicalWebPag", "name": "x"}, "'MedicalWebPag' is not a schema.org type"),
    ({"@type": "MedicalWebPage", "reviewer": "x"}, "'reviewer' is not a schema.org property"),
    ({"@type": "Person", "lastReviewed": "2026-01-01"}, "'lastReviewed' is not a property of Person"),
    ({"@type": "MedicalWebPage", "reviewedBy": {"@type": "Drug", "name": "x"}}, "a Drug is not what 'reviewedBy' takes"),
    ({"@type": "MedicalWebPage", "medicalAudience": "patients"}, "not the plain value 'patients'"),
    ({"@graph": [{"name": "no type"}]}, "has no @type"),
])
def test_the_vocabulary_check_refuses_terms_schema_org_does_not_allow(node, says):
    found = schemaorg.problems(node)
    assert any(says in p for p in found), found


def test_the_jsonld_cannot_end_its_script_element():
    text = structured.dumps({"name": "A </script><script>alert(1)</script> title"})
    assert "<" not in text and json.loads(text)["name"].startswith("A </script>")


def test_a_built_page_with_bad_jsonld_is_reported_with_file_and_line(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "index.html").write_text('<html><head>\n<script type="application/ld+json">{"@type": "Nope"}</script>'
                                               '\n<script type="application/ld+json">{oops</script></head></html>')
    found = schemaorg.check_site(tmp_path)
    assert found[0].startswith("a/index.html:2: $: @type 'Nope' is not a schema.org type") and "is not JSON" in found[1]
    assert schemaorg.main([str(tmp_path)]) == 1 and schemaorg.main([str(tmp_path / "none")]) == 2


FIXTURE_REVIEWER = {"name": "Fixture Reviewer", "profession": "Physiotherapist", "body": "HCPC", "registration": "PH000001",
                    "register_url": "https://www.hcpc-uk.org/check-the-register/"}
SIGNED = """---
title: A signed-off fixture article
description: A fixture article reviewed by the fixture clinician, to show the sign-off on the page.
author: editorial-team
reviewer: "{reviewer}"
published: 2026-11-01
last_reviewed: 2026-12-01
next_review: 2027-12-01
tags: [fascia]
about: [Low back pain]
---

# {title}

Fascia is connective tissue [@schleip2012fascia].
"""


def test_a_signed_off_article_shows_its_reviewer_and_the_jsonld_carries_it(tmp_path, monkeypatch):
    """A fixture reviewer, never a real person: the real extra.reviewers stays empty."""
    key = next(k for k, e in BIB.items() if e.type == "article" and e.fields.get("doi"))
    pages = {"index.md": "---\ntitle: Home\ndescription: The home page of the fixture site, long enough for the page checks.\n---\n\n# Home\n",
             "fascia/signed.md": SIGNED.format(reviewer=FIXTURE_REVIEWER["name"], title="Signed").replace("schleip2012fascia", key),
             "fascia/unsigned.md": SIGNED.format(reviewer="", title="Unsigned").replace("schleip2012fascia", key)
             .replace("A signed-off", "An unsigned")}
    config = make_fixture_site(tmp_path, pages)
    data = yaml.safe_load(config.read_text(encoding="utf-8"))
    data["extra"]["reviewers"] = [FIXTURE_REVIEWER]
    config.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1796515200")  # 1 December 2026
    result = mkdocs_build(config, tmp_path / "site")
    assert result.returncode == 0, result.stderr[-3000:]
    signed = html.fromstring((tmp_path / "site/fascia/signed/index.html").read_bytes())
    byline = re.sub(r"\s+", " ", signed.xpath('//div[@class="article-byline"]')[0].text_content())
    assert "Reviewed by Fixture Reviewer, Physiotherapist (HCPC PH000001) on 1 December 2026" in byline
    assert signed.xpath('//span[@class="article-reviewed"]/a/@href') == [FIXTURE_REVIEWER["register_url"]]
    _, nodes = graph_of(tmp_path / "site", "fascia/signed.md")
    person = nodes["MedicalWebPage"]["reviewedBy"]
    assert (person["@type"], person["name"], person["jobTitle"]) == ("Person", "Fixture Reviewer", "Physiotherapist")
    assert person["hasCredential"]["identifier"] == "PH000001"
    assert person["hasCredential"]["recognizedBy"]["url"] == FIXTURE_REVIEWER["register_url"]
    assert schemaorg.problems(nodes["MedicalWebPage"]) == []
    _, unsigned = graph_of(tmp_path / "site", "fascia/unsigned.md")
    assert "reviewedBy" not in unsigned["MedicalWebPage"]


def test_the_output_check_passes_the_site_structured_data(tmp_path):
    """JSON-LD names other hosts (schema.org, doi.org) but is a data block the browser never
    runs; the output check must not refuse it (fasciasite/publishing/outputcheck.py EXECUTABLE)."""
    from fasciasite.publishing import outputcheck

    (tmp_path / "mkdocs.yml").write_text("site_url: https://mysportinjury.github.io/fascia-back-pain/\n", encoding="utf-8")
    (tmp_path / "docs").mkdir()
    data = structured.dumps({"@context": "https://schema.org", "citation": [{"url": "https://doi.org/10.1/x"}]})
    (tmp_path / "site" / "ok").mkdir(parents=True)
    (tmp_path / "site" / "ok" / "index.html").write_text(
        f'<html><head><script type="application/ld+json">{data}</script></head><body><article><p>x</p></article></body></html>')
    settings = outputcheck.settings(tmp_path / "mkdocs.yml", tmp_path / "docs")
    assert [str(f) for f in outputcheck.check_site(tmp_path / "site", settings)] == []
