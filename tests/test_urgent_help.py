"""The urgent-help tiers are written once (includes/urgent-help.yml), follow the NHS tiers,
are rendered on every article and site page that needs them, and no page may re-word them
or send a red-flag sign to a less urgent service."""
from __future__ import annotations

import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from lxml import html

from conftest import ROOT, make_fixture_site, mkdocs_build
from fasciasite import urgent

TIERS = urgent.load(ROOT / urgent.DATA_FILE)
ARTICLE_SECTIONS = ("fascia", "back-pain", "treatments", "case-studies")


def _tier(tier_id):
    return " | ".join(s.text for s in TIERS.by_id(tier_id).signs)


# ── The data file follows the current NHS back-pain tiers ────────────────────


@pytest.mark.parametrize("words", [
    "both legs", "genitals or buttocks", "difficulty peeing", "bladder or bowel control",
    "chest pain", "serious accident",
])
def test_the_999_tier_lists_every_nhs_emergency_sign(words):
    assert words in _tier("emergency")


@pytest.mark.parametrize("words", [
    "high temperature", "lost weight without trying", "lump or swelling", "worse at night",
    "sneeze, cough or poo", "between your shoulders",
])
def test_the_urgent_tier_lists_every_nhs_111_sign(words):
    assert words in _tier("urgent")


def test_heart_attack_chest_pain_means_999_straight_away_with_no_waiting_time():
    note = " ".join(TIERS.by_id("emergency").note["text"].split())
    assert "999 straight away" in note
    assert not re.search(r"\d+\s*minutes", note)


def test_each_tier_cites_an_nhs_level_source_first():
    bib = (ROOT / "references.bib").read_text(encoding="utf-8")
    for tier in TIERS.tiers:
        first = tier.cite[0]
        entry = bib[bib.index("{" + first + ","):][:600]
        assert re.search(r"NHS|NICE|HSC", entry), f"{tier.id}: first source {first} is not an NHS, NHS inform or NICE page"


def test_the_tier_wording_appears_nowhere_in_docs():
    """Written once: no page carries a copy of a tier's list."""
    for md in (ROOT / "docs").rglob("*.md"):
        text = md.read_text(encoding="utf-8")
        for tier in TIERS.tiers:
            for sign in (s for s in tier.signs if len(s.text.split()) >= 4):  # whole items, not "chest pain"
                assert sign.text not in text, f"{md.relative_to(ROOT)} copies '{sign.text}' from {urgent.DATA_FILE}"


# ── The lint ─────────────────────────────────────────────────────────────────


def lint(text, **kw):
    return urgent.lint(textwrap.dedent(text), TIERS, "docs/x.md", **kw)


def test_a_page_sending_chest_pain_to_111_fails_with_file_and_line():
    problems = lint("""
        Intro.

        Call NHS 111 straight away if back pain comes with chest pain.
        """, offset=5)
    assert [str(p).split(": ")[0] for p in problems] == ["docs/x.md:9"]
    assert "sends 'chest pain' to an urgent GP appointment / NHS 111" in problems[0].message
    assert "<!-- md:urgent-help -->" in problems[0].message


def test_a_list_under_a_111_lead_in_is_read_as_sending_each_sign_to_111():
    problems = lint("""
        Contact your GP or NHS 111 straight away if you have:

        - a high temperature
        - pain after a serious accident
        """)
    assert any("serious accident" in p.message and p.line == 5 for p in problems)


def test_a_page_with_its_own_999_list_that_drops_both_legs_fails():
    problems = lint("""
        Go to A&E now, or call 999, if you have back pain and any of these:

        - numbness around your genitals
        - new trouble peeing
        - chest pain
        """)
    assert problems and "re-words the urgent-help tiers" in problems[0].message
    assert problems[0].line == 4


def test_a_single_sign_sent_to_the_right_service_passes():
    assert lint("If you have chest pain, call 999.\n") == []
    assert lint("A high temperature with back pain needs an urgent GP appointment or a call to NHS 111.\n") == []


def test_signs_without_a_service_and_code_are_not_advice():
    assert lint("""
        The nerves also serve the bladder, the bowel and the skin of the genitals.

        ```text
        Call NHS 111 for chest pain.
        ```
        """) == []


def test_an_article_without_the_shared_block_in_when_to_get_help_fails():
    problems = lint("# T\n\n## When to get help\n\nSee the red-flags page.\n", is_article=True)
    assert problems and problems[0].line == 3 and "<!-- md:urgent-help -->" in problems[0].message
    assert lint("# T\n\n## When to get help\n\n<!-- md:urgent-help -->\n", is_article=True) == []


def test_an_unknown_tier_is_reported():
    problems = lint("<!-- md:urgent-help tier=soon -->\n")
    assert problems and "unknown tier 'soon'" in problems[0].message


def test_the_real_pages_pass_the_lint():
    result = subprocess.run([sys.executable, "-m", "fasciasite.urgent"], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout


def test_a_broken_data_file_names_the_file_and_line(tmp_path):
    bad = tmp_path / "includes" / "urgent-help.yml"
    bad.parent.mkdir()
    bad.write_text("tiers:\n  - id: emergency\n    title: [unclosed\n", encoding="utf-8")
    with pytest.raises(urgent.DataError, match=r"urgent-help.yml:\d+: not valid YAML"):
        urgent.load(bad)
    bad.write_text("tiers: []\n", encoding="utf-8")
    with pytest.raises(urgent.DataError, match="emergency, urgent, gp"):
        urgent.load(bad)


# ── The build ────────────────────────────────────────────────────────────────


def test_the_build_fails_on_a_planted_page_that_re_tiers_chest_pain(tmp_path):
    page = textwrap.dedent("""\
        ---
        title: Planted
        description: A page that sends chest pain to NHS 111, planted to prove the guard bites.
        ---

        # Planted

        If you have back pain and chest pain, call NHS 111 for advice.
        """)
    config = make_fixture_site(tmp_path, {"index.md": page})
    result = mkdocs_build(config, tmp_path / "site")
    assert result.returncode != 0
    assert "docs/index.md:8: sends 'chest pain'" in result.stderr


@pytest.mark.parametrize("page", sorted(
    p.relative_to(ROOT / "docs").as_posix() for s in ARTICLE_SECTIONS for p in (ROOT / "docs" / s).glob("*.md")))
def test_every_article_renders_the_shared_block(built_site, page):
    doc = html.fromstring((built_site / page.replace(".md", "/index.html")).read_bytes())
    section = doc.xpath('//h2[@id="when-to-get-help"]/following-sibling::*')
    boxes = [el for el in section if "urgent-help" in (el.get("class") or "")]
    assert [b.get("class").split()[-1] for b in boxes] == ["urgent-emergency", "urgent-urgent", "urgent-gp"]
    text = boxes[0].text_content()
    assert "both legs" in text and "chest pain" in text and "999 straight away" in text
    assert boxes[0].xpath('.//sup[starts-with(@id, "fnref")]'), "the tier's citations are numbered"


@pytest.mark.parametrize("page,tiers", [
    ("index.html", ["urgent-emergency"]),
    ("about/disclaimer/index.html", ["urgent-emergency", "urgent-urgent", "urgent-gp"]),
    ("back-pain/red-flags/index.html", ["urgent-emergency", "urgent-urgent", "urgent-gp"]),
])
def test_site_pages_show_the_shared_tiers(built_site, page, tiers):
    doc = html.fromstring((built_site / page).read_bytes())
    found = {c for el in doc.xpath('//*[contains(@class, "urgent-help")]') for c in el.get("class").split()}
    assert set(tiers) <= found
