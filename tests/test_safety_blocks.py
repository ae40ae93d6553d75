"""Each treatment's safety advice is written once (includes/safety.yml): the file is
validated with file:line, a shortcode renders it (999 first), an article that names a
treatment shows its block, and its cites (and the urgent tiers') are NHS, NICE, MHRA or
GOV.UK pages."""
from __future__ import annotations

import textwrap

import pytest
from conftest import ROOT

from fasciasite.content import safety
from fasciasite.references import sources
from fasciasite.references.bib import Entry

GOOD = """\
# header comment
treatments:
  nsaids:
    title: Anti-inflammatory painkillers (NSAIDs), such as ibuprofen
    names: ['ibuprofen', 'NSAIDs?', 'anti-inflammator(y|ies)']
    ask_first:
      lead: Do not take it, or ask a pharmacist or GP first, if you
      items:
        - text: are pregnant
          cite: [nhs2024ibuprofen]
    urgent:
      - service: "GP"
        text: your pain is not getting better
        cite: [nhs2024ibuprofen]
      - service: "111"
        text: you have black poo
        cite: [nhs2024ibuprofen]
      - service: "999"
        text: you are vomiting blood
        cite: [nhs2024ibuprofen, bnf2025naproxen]
      - service: stop
        text: you get a rash
        cite: [nhs2024ibuprofen]
"""
KEYS = {"nhs2024ibuprofen", "bnf2025naproxen"}


def load(tmp_path, text: str, keys=KEYS):
    (tmp_path / "includes").mkdir(exist_ok=True)
    (tmp_path / safety.DATA_FILE).write_text(textwrap.dedent(text), encoding="utf-8")
    return safety.load_for(tmp_path, keys)


def test_a_good_file_loads_with_no_problem(tmp_path):
    data, problems = load(tmp_path, GOOD)
    assert problems == [] and list(data.treatments) == ["nsaids"]
    assert data.cite_lines == {"nhs2024ibuprofen": 10, "bnf2025naproxen": 20}


def test_no_file_is_no_treatment_and_no_problem(tmp_path):
    assert safety.load_for(tmp_path, KEYS) == (safety.Safety(), [])


@pytest.mark.parametrize("change, expected", [
    (("    title:", "    tittle:"), "includes/safety.yml:4: treatment 'nsaids': unknown key 'tittle'"),
    (('      - service: "GP"', '      - service: "A&E"'), "includes/safety.yml:12: treatment 'nsaids': service 'A&E' is not one of 999, 111, stop, GP"),
    (("        cite: [nhs2024ibuprofen]\n    urgent", "    urgent"), "includes/safety.yml:9: treatment 'nsaids': ask_first item 'are pregnant' needs cite"),
    (("cite: [nhs2024ibuprofen, bnf", "cite: [nhs2024ibuprofn, bnf"), "includes/safety.yml:20: treatment 'nsaids': cites unknown key 'nhs2024ibuprofn'"),
    (("'ibuprofen', ", "'ibuprofen(', "), "includes/safety.yml:5: treatment 'nsaids': names: 'ibuprofen(' is not a valid regular expression"),
    (("  nsaids:", "  NSAIDs:"), "includes/safety.yml:3: treatment 'NSAIDs': its name must be lower case"),
    (("treatments:", "treatment:"), "includes/safety.yml:2: needs a 'treatments:' map"),
    (("    names:", "\tnames:"), "includes/safety.yml:5: is not valid YAML"),
])
def test_each_mistake_in_the_data_file_is_named_with_its_line(tmp_path, change, expected):
    _, problems = load(tmp_path, GOOD.replace(*change))
    assert any(str(p).startswith(expected) for p in problems), [str(p) for p in problems]


def test_the_block_lists_ask_first_then_services_most_urgent_first_with_citations(tmp_path):
    data, _ = load(tmp_path, GOOD)
    block = safety.render(data.treatments["nsaids"])
    assert block.startswith('!!! warning safety "Safety: Anti-inflammatory painkillers (NSAIDs), such as ibuprofen"')
    order = [block.index(s) for s in ("ask a pharmacist", "Call 999", "NHS 111", "Stop using it", "See a GP")]
    assert order == sorted(order)
    assert "    - you are vomiting blood [@nhs2024ibuprofen; @bnf2025naproxen]" in block


def test_the_shortcode_expands_and_an_unknown_name_fails_with_the_known_names(tmp_path):
    data, _ = load(tmp_path, GOOD)
    page = "# P\n\nText.\n\n<!-- md:safety nsaids -->\n\n<!-- md:safety ibuprofen -->\n"
    out = safety.expand(page, data)
    assert "Safety: Anti-inflammatory" in out and "<!-- md:safety ibuprofen -->" in out
    [p] = safety.check_page(page, data, "docs/x.md", offset=4)
    assert str(p) == "docs/x.md:11: unknown safety block 'ibuprofen'; known: nsaids"
    assert safety.shortcode_keys(page, data) == ["nhs2024ibuprofen", "bnf2025naproxen"]


def test_an_article_naming_a_treatment_without_its_block_fails_with_the_first_line(tmp_path):
    data, _ = load(tmp_path, GOOD)
    page = "# Ibuprofen\n\nSome people take `ibuprofen`.\n\nMost take an anti-inflammatory [@x].\n\nOr Ibuprofen.\n"
    [p] = safety.check_page(page, data, "docs/back-pain/x.md", offset=5, is_article=True)
    assert str(p).startswith("docs/back-pain/x.md:10: names Anti-inflammatory painkillers (NSAIDs), such as ibuprofen "
                             "('anti-inflammatory') but does not show its safety advice; add <!-- md:safety nsaids -->")
    assert safety.check_page(page + "\n<!-- md:safety nsaids -->\n", data, "docs/back-pain/x.md", is_article=True) == []
    assert safety.check_page(page, data, "docs/about/x.md", is_article=False) == []


@pytest.mark.parametrize("where", ["# Ibuprofen heading", "See [the page](ibuprofen.md).", "<!-- ibuprofen -->",
                                   "```\nibuprofen\n```", "A claim [@ibuprofen2020trial]."])
def test_code_headings_link_addresses_comments_and_keys_do_not_name_a_treatment(tmp_path, where):
    data, _ = load(tmp_path, GOOD)
    assert safety.check_page(f"# P\n\n{where}\n", data, "docs/back-pain/x.md", is_article=True) == []


def bib_entry(key: str, url: str) -> Entry:
    return Entry(key, "online", {"url": url} if url else {}, 1)


def test_urgent_and_safety_advice_cite_only_nhs_nice_mhra_or_govuk_pages():
    hosts, _ = sources.load_for(ROOT)
    entries = {"a": bib_entry("a", "https://www.nhs.uk/medicines/ibuprofen-for-adults/"),
               "b": bib_entry("b", "https://bnf.nice.org.uk/drugs/naproxen/"),
               "c": bib_entry("c", "https://hedgegrailpharmacy.co.uk/nhs_conditions_heart-attack_symptoms"),
               "d": bib_entry("d", "https://www.csp.org.uk/x"), "e": bib_entry("e", "")}
    found = safety.authoritative_cites({"a": 3, "b": 4, "c": 5, "d": 6, "e": 7}, "includes/urgent-help.yml", entries,
                                       lambda url: sources.owner_class(url, hosts))
    assert [(p.line, p.message.split(",")[0]) for p in found] == [(5, "cites 'c'"), (6, "cites 'd'"), (7, "cites 'e'")]
    assert "is not an NHS-, NICE-, MHRA- or GOV.UK-owned page" in found[0].message
