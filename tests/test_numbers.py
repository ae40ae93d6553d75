"""Numbers cannot drift from their sources: every number in a cited sentence is in the
findings field of one of its cited entries (fasciasite.content.numbers), in the build and in
make check, and the References page shows each source's findings."""
from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest
from conftest import ROOT, make_fixture_site, mkdocs_build
from lxml import html

from fasciasite.content import numbers

FINDINGS = {
    "langevin2011shear": "Cross-sectional study of 121 adults (71 with long-term low back pain, 50 without). "
                         "Shear strain 56.4% vs 70.2% (about 20% relative, our calculation).",
    "nofindings2020x": None,
}


def check(text):
    return numbers.check_page(textwrap.dedent(text), FINDINGS, "docs/x.md", offset=4)


def test_numbers_that_match_the_findings_pass():
    assert check("Shear strain was 56.4% with pain and 70.2% without, in 121 adults [@langevin2011shear].\n") == []
    assert check("About 20% less sliding [@langevin2011shear].\n") == []


def test_a_changed_number_fails_with_file_line_number_and_keys():
    problems = check("\nShear strain was 65.4% with pain [@langevin2011shear].\n")
    assert [str(p) for p in problems] == [
        "docs/x.md:6: states 65.4%, which is in none of the findings of [@langevin2011shear]: check the number "
        "against the source's page; if it is right, add it to that entry's findings in references.bib "
        "(a figure we worked out is written there as our calculation)"]


def test_a_changed_findings_field_fails():
    changed = dict(FINDINGS, langevin2011shear=FINDINGS["langevin2011shear"].replace("56.4", "58.4"))
    problems = numbers.check_page("Strain was 56.4% [@langevin2011shear].\n", changed, "docs/x.md")
    assert len(problems) == 1 and "states 56.4" in problems[0].message


def test_spelled_out_numbers_are_checked_too():
    assert check("Seventy-one people had pain [@langevin2011shear].\n") == []
    problems = check("It took six weeks [@langevin2011shear].\n")
    assert problems and "states 6" in problems[0].message


def test_an_entry_without_findings_says_to_add_them():
    problems = check("It lasted 12 weeks [@nofindings2020x].\n")
    assert "has no findings field: add findings = {...}" in problems[0].message


@pytest.mark.parametrize("sentence", [
    "A review from 2019 agrees [@langevin2011shear].",
    "Call 999 or NHS 111 [@langevin2011shear].",
    "Samaritans answer on 116 123 [@langevin2011shear].",
    "Pain was scored from 0 to 10 [@langevin2011shear].",
    "People rated it on a 0-100 scale [@langevin2011shear].",
    "1. A numbered item with no figure [@langevin2011shear].",
    "The SF-36 questionnaire was used [@langevin2011shear].",
    "See [the 2011 study](https://example.org/12345) [@langevin2011shear].",
    "A sentence with 37 figures but no citation.",
])
def test_the_allow_list_covers_numbers_that_are_not_claims(sentence):
    assert check(sentence + "\n") == []


def test_the_real_site_passes_and_covers_its_numbers():
    result = subprocess.run([sys.executable, "-m", "fasciasite.content.numbers", "--count"], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout[-3000:]
    covered = int(result.stdout.rsplit("findings, ", 1)[1].split(" number")[0])
    assert covered >= 100


def test_the_build_fails_on_a_planted_wrong_number(tmp_path):
    # A placeholder entry with fixed findings, beside the real references.bib (the sources includes/
    # cites), with the design and certainty every cited entry needs since the evidence rules of
    # issue 20: the planted figure is then the build's only fault.
    entry = textwrap.dedent("""\
        @article{example2011shear,
          author = {Example, A.}, title = {A placeholder study of fascia shear strain (test data)},
          journal = {Example Journal}, year = {2011}, volume = {12}, pages = {203},
          doi = {10.1000/example.2011.shear},
          design = {cross-sectional}, certainty = {not graded},
          findings = {121 adults; shear strain 56.4\\% vs 70.2\\%.}
        }
        """)
    bib = (ROOT / "references.bib").read_text(encoding="utf-8") + "\n" + entry
    page = ("---\ntitle: Planted\ndescription: A page with one wrong figure, planted to prove the numbers check bites.\n---\n\n"
            "# Planted\n\nShear strain was 55.4% [@example2011shear].\n")
    config = make_fixture_site(tmp_path, {"index.md": page}, bib=bib)
    result = mkdocs_build(config, tmp_path / "site")
    assert result.returncode != 0
    assert "docs/index.md:8: states 55.4%, which is in none of the findings of [@example2011shear]" in result.stderr  # with its unit


def test_the_references_page_shows_what_each_source_found(built_site):
    docs = [html.fromstring(p.read_bytes()) for p in built_site.glob("references/**/index.html")]  # the hub and its parts
    shown = [p for doc in docs for p in doc.xpath('//li[@id="ref-langevin2011shear"]//p[@class="ref-findings"]')]
    assert len(shown) == 1 and "56.4" in shown[0].text_content()
    assert sum(len(doc.xpath('//p[@class="ref-findings"]')) for doc in docs) >= 40


def test_a_figure_in_an_uncited_sentence_answers_to_its_paragraphs_sources():
    problems = check("In the second study, 112 adults took part. Shear strain was 56.4% [@langevin2011shear].\n")
    assert [p.line for p in problems] == [5]
    assert "states 112, which is in none of the findings of [@langevin2011shear] (cited in this paragraph)" in problems[0].message
    assert check("In the second study, 121 adults took part. Shear strain was 56.4% [@langevin2011shear].\n") == []


def test_counting_words_and_numbered_paragraphs_without_a_citation_are_not_figures():
    assert check("Scientists use the word in two ways. One is narrow [@langevin2011shear].\n") == []
    assert check("**3.** Ask what training they have. They should explain it [@langevin2011shear].\n") == []


# ── Figures with their unit and context; word figures; headings and admonition titles ──

UNITS_FINDINGS = {
    "wiewelhove2019foam": "Meta-analysis of 21 studies; 7 after it. Sprint performance improved by 0.7% and "
                          "muscle pain fell by 6% on average.",
    "brinjikji2015asymptomatic": "Disc degeneration at ages 20, 30, 40 and 50: 37, 52, 68, 80%; a third of the studies used MRI.",
    "schleip2013training": "Fascia renews over 6 to 24 months. Eight of 16 guidelines.",
    "ratio2020x": "Risk was 2.1 times higher; one in five people (20%) had it; 48% improved.",
}


def check_units(text: str) -> list[str]:
    return [str(p) for p in numbers.check_page(textwrap.dedent(text), UNITS_FINDINGS, "docs/x.md")]


@pytest.mark.parametrize("sentence", [
    "Sprints were about 7% faster [@wiewelhove2019foam].",                  # 7 is there, but not as a percentage
    "Sprints were about 7 per cent faster [@wiewelhove2019foam].",
    "Soreness fell by about a third [@wiewelhove2019foam].",                # a proportion the findings do not give
    "Soreness fell by half [@wiewelhove2019foam].",
    "One in four people had it [@ratio2020x].",
    "It was twice as common [@ratio2020x].",                                 # 2 is not in the findings
    "Fascia renews over 6 to 12 months [@schleip2013training].",
    "Fascia renews over 6 to 24 weeks [@schleip2013training].",              # months, not weeks
    "A quarter of the studies used MRI [@brinjikji2015asymptomatic].",
])
def test_a_figure_is_matched_with_its_unit_and_words_are_figures(sentence):
    assert check_units(sentence + "\n"), sentence


@pytest.mark.parametrize("sentence", [
    "Sprints were about 0.7% faster [@wiewelhove2019foam].",
    "Soreness fell by 6% [@wiewelhove2019foam].",
    "By 50, 80% had disc degeneration [@brinjikji2015asymptomatic].",      # a list ending in % is all percentages
    "Over a third had disc degeneration at 20 [@brinjikji2015asymptomatic].",  # "over a third" is 37%
    "A third of the studies used MRI [@brinjikji2015asymptomatic].",
    "One in five people had it [@ratio2020x].",
    "About half improved [@ratio2020x].",                                    # 48% is about half
    "Fascia renews over 6 to 24 months [@schleip2013training].",
    "A third review concluded the same [@wiewelhove2019foam].",              # an ordinal, not a proportion
    "Sprints were 0.7% faster, in 21 studies [@wiewelhove2019foam].",
    "Risk was 2.1 times higher [@ratio2020x].",
])
def test_figures_with_the_findings_unit_and_ordinals_pass(sentence):
    assert check_units(sentence + "\n") == [], sentence


def test_headings_and_admonition_titles_are_checked_like_sentences():
    problems = check_units("""\
        !!! warning "Rebuilding takes 6 to 12 months [@schleip2013training]"

            Body.

        ## Sprints 7% faster

        Sprints were 0.7% faster [@wiewelhove2019foam].

        ## Claim 3: a heading's label is not a figure

        Sprints were 0.7% faster [@wiewelhove2019foam].
        """)
    assert any(p.startswith("docs/x.md:1: states 12") for p in problems), problems
    assert any(p.startswith("docs/x.md:5: states 7%") and "not as a percentage" in p for p in problems), problems
    assert not any(p.startswith("docs/x.md:9:") for p in problems), problems


# ── A figure with no source (issue 22 Z-18, Z-19): percentages and proportions must cite ──

def test_a_percentage_in_an_uncited_paragraph_fails():
    problems = check("\nRolling makes you about 40% more flexible.\n")
    assert [str(p) for p in problems] == [
        "docs/x.md:6: the figure 40% has no source; cite the source it comes from ([@key]) or reword"]


def test_a_proportion_in_words_in_an_uncited_list_item_fails():
    problems = check("- Most people improve.\n- About 1 in 3 people get worse.\n")
    assert len(problems) == 1 and "has no source" in problems[0].message and problems[0].line == 6


def test_the_same_figure_cited_passes_and_a_changed_one_is_compared():
    assert check("Strain was 20% lower in people with pain [@langevin2011shear].\n") == []
    assert check("Strain was 20% lower. It was measured by ultrasound [@langevin2011shear].\n") == []
    problems = check("Strain was 40% lower. It was measured by ultrasound [@langevin2011shear].\n")
    assert len(problems) == 1 and "states 40%" in problems[0].message


@pytest.mark.parametrize("sentence", [
    "Step 1: see your GP.", "Each result has a range (the 95% confidence interval).",
    "Call 999 in an emergency.", "Rate your pain from 0 to 10.", "Guidance from 2020 says so.",
    "Avoid coffee in the 6 hours before bed.",
])
def test_uncited_text_that_states_no_claimed_figure_passes(sentence):
    assert check(sentence + "\n") == []


def test_a_table_answers_to_its_lead_in_paragraph():
    lead = "The figures below come from one study [@langevin2011shear].\n\n"
    table = "| Group | Strain |\n|---|---|\n| Pain | {} |\n"
    assert check(lead + table.format("56.4%")) == []
    changed = check(lead + table.format("65.4%"))
    assert len(changed) == 1 and "states 65.4%" in changed[0].message and changed[0].line == 9
    orphan = check("## Results\n\n" + table.format("56.4%"))
    assert len(orphan) == 1 and "the figure 56.4% has no source" in orphan[0].message


def test_a_table_answers_to_its_caption():
    table = "| Group | Strain |\n|---|---|\n| Pain | {} |\n\n/// caption\nShear strain [@langevin2011shear]\n///\n"
    assert check("## Results\n\n" + table.format("56.4%")) == []
    assert "states 65.4%" in check("## Results\n\n" + table.format("65.4%"))[0].message


def test_an_image_alt_text_answers_to_its_lead_in():
    lead = "One study measured shear strain [@langevin2011shear].\n\n"
    assert check(lead + "![A chart: strain 56.4% with pain, on a scale of 0 to 100.](a.svg)\n") == []
    assert "states 65.4%" in check(lead + "![A chart: strain 65.4% with pain.](a.svg)\n")[0].message
    assert "has no source" in check("![A chart: strain 56.4% with pain.](a.svg)\n")[0].message


def test_the_description_answers_to_the_pages_sources():
    body = "Shear strain was 56.4% [@langevin2011shear].\n"
    ok = numbers.check_page(body, FINDINGS, "docs/x.md", description="Strain is 20% lower with pain.", description_line=3)
    assert ok == []
    bad = numbers.check_page(body, FINDINGS, "docs/x.md", description="Rolling makes you 40% more flexible.",
                             description_line=3)
    assert [p.line for p in bad] == [3] and "states 40%" in bad[0].message
    alone = numbers.check_page("No citations here.\n", FINDINGS, "docs/x.md", description="40% better.",
                               description_line=3)
    assert "the figure 40% has no source" in alone[0].message


def test_the_command_reads_the_front_matter_description(tmp_path):
    page = tmp_path / "p.md"
    page.write_text("---\ntitle: T\ndescription: Foam rolling makes you 40% more flexible.\n---\n\n"
                    "Shear strain was 56.4% [@langevin2011shear].\n", encoding="utf-8")
    assert numbers.description_of(page.read_text()) == ("Foam rolling makes you 40% more flexible.", 3)
    problems = numbers.check_files([page], FINDINGS, tmp_path)
    assert [str(p).split(": ")[0] for p in problems] == ["p.md:3"]


def test_the_build_fails_on_an_unsourced_figure_and_a_changed_description(tmp_path):
    entry = textwrap.dedent("""\
        @article{example2011shear,
          author = {Example, A.}, title = {A placeholder study of fascia shear strain (test data)},
          journal = {Example Journal}, year = {2011}, volume = {12}, pages = {203},
          doi = {10.1000/example.2011.shear},
          design = {cross-sectional}, certainty = {not graded},
          findings = {121 adults; shear strain 56.4\\% vs 70.2\\%.}
        }
        """)
    bib = (ROOT / "references.bib").read_text(encoding="utf-8") + "\n" + entry
    page = ("---\ntitle: Planted\ndescription: Shear strain is 57.4% in people with back pain.\n---\n\n# Planted\n\n"
            "Shear strain was 56.4% [@example2011shear].\n\nRolling makes you about 40% more flexible.\n")
    config = make_fixture_site(tmp_path, {"index.md": page}, bib=bib)
    result = mkdocs_build(config, tmp_path / "site")
    assert result.returncode != 0
    assert "docs/index.md:3: states 57.4%, which is in none of the findings of [@example2011shear] (the description" in result.stderr
    assert ("docs/index.md:10: the figure 40% has no source; cite the source it comes from ([@key]) or reword"
            in result.stderr)


def test_a_broken_front_matter_leaves_the_description_to_the_front_matter_check():
    assert numbers.description_of("---\npublished: 2026-13-01\ndescription: 40% better.\n---\n") == ("40% better.", 3)
    assert numbers.description_of("---\ndescription: [unclosed\n---\n") == (None, 1)
