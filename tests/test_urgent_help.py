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
import yaml
from conftest import ROOT, make_fixture_site, mkdocs_build
from lxml import html

from fasciasite.content import urgent

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
    result = subprocess.run([sys.executable, "-m", "fasciasite.content.urgent"], cwd=ROOT, capture_output=True, text=True)
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


# ── Pins: every sign's tier as its NHS source gives it (includes/urgent-pins.yml) ──

PINS = yaml.safe_load((ROOT / "includes" / "urgent-pins.yml").read_text(encoding="utf-8"))["pins"]


def _project(tmp_path, edit=None) -> Path:
    (tmp_path / "includes").mkdir()
    text = (ROOT / urgent.DATA_FILE).read_text(encoding="utf-8")
    (tmp_path / urgent.DATA_FILE).write_text(edit(text) if edit else text, encoding="utf-8")
    (tmp_path / "includes" / "urgent-pins.yml").write_text((ROOT / "includes" / "urgent-pins.yml").read_text(encoding="utf-8"))
    return tmp_path


def _move(text: str, sign: str, to: str) -> str:
    """Move one sign (its text line and its match line) to the end of another tier's signs."""
    lines = text.split("\n")
    at = next(i for i, line in enumerate(lines) if line.strip() == f"- text: {sign}")
    block = lines[at:at + 2]
    del lines[at:at + 2]
    tier_at = next(i for i, line in enumerate(lines) if line.strip() == f"- id: {to}")
    signs_at = next(i for i in range(tier_at, len(lines)) if lines[i].strip() == "signs:")
    end = next((i for i in range(signs_at + 1, len(lines)) if lines[i] and not lines[i].startswith("      ")), len(lines))
    return "\n".join(lines[:end] + block + lines[end:])


def test_every_sign_of_the_data_file_is_pinned_and_in_its_pinned_tier():
    pinned = {" ".join(p["sign"].split()).casefold(): p["tier"] for p in PINS}
    for tier in TIERS.tiers:
        for sign in tier.signs:
            assert sign.text.casefold() in pinned, sign.text
            assert tier.level >= urgent.LEVELS[pinned[sign.text.casefold()]], sign.text


@pytest.mark.parametrize("pin", [p for p in PINS if p["tier"] != "gp"], ids=lambda p: p["sign"][:30])
def test_moving_any_pinned_sign_to_a_less_urgent_tier_fails_with_the_line_and_the_pin(tmp_path, pin):
    less = {"emergency": "urgent", "urgent": "gp"}[pin["tier"]]
    root = _project(tmp_path, lambda t: _move(t, pin["sign"], less))
    with pytest.raises(urgent.DataError) as err:
        urgent.load_for(root)
    message = str(err.value)
    assert re.search(rf"includes/urgent-help.yml:\d+: the sign '{re.escape(pin['sign'])}' is in the '{less}' tier", message), message
    assert "includes/urgent-pins.yml:" in message and f"move it back to the '{pin['tier']}' tier" in message


def test_moving_a_sign_to_a_more_urgent_tier_is_allowed(tmp_path):
    root = _project(tmp_path, lambda t: _move(t, "a high temperature", "emergency"))
    assert "a high temperature" in _tier_of(urgent.load_for(root), "emergency")


def _tier_of(tiers, tier_id):
    return " | ".join(s.text for s in tiers.by_id(tier_id).signs)


def test_a_removed_or_reworded_sign_fails_and_a_new_sign_needs_a_pin(tmp_path):
    root = _project(tmp_path, lambda t: t.replace("- text: difficulty peeing", "- text: difficulty peeing at night"))
    with pytest.raises(urgent.DataError) as err:
        urgent.load_for(root)
    assert "the sign 'difficulty peeing' (includes/urgent-pins.yml:" in str(err.value)
    assert "the sign 'difficulty peeing at night' has no pin" in str(err.value)


def test_a_missing_pins_file_stops_the_project(tmp_path):
    root = _project(tmp_path)
    (root / "includes" / "urgent-pins.yml").unlink()
    with pytest.raises(urgent.DataError, match=r"includes/urgent-pins.yml:1: not found"):
        urgent.load_for(root)


@pytest.mark.parametrize("text,says", [
    ("", "includes/urgent-help.yml:1: needs a 'tiers:' list"),
    ("tiers:\n  - id: emergency\n    title: Note: it\n", "includes/urgent-help.yml:3: not valid YAML"),
    ("tiers:\n  - id: pharmacy\n    title: Ask a pharmacist\n", "includes/urgent-help.yml:2: tier id 'pharmacy' is not one of"),
    ("tiers:\n  - id: emergency\n    title: T\n", "includes/urgent-help.yml:2: tier 1 (emergency): missing or empty admonition"),
    ("tiers:\n  - id: emergency\n    title: T\n    admonition: danger\n    lead: L\n    cite: [a]\n    signs:\n      - match: [x]\n",
     "includes/urgent-help.yml:8: a sign of tier 'emergency' has no text"),
    ("tiers:\n  - just text\n", "includes/urgent-help.yml:1: tier 1 is not a mapping"),
    ("tiers:\n\t- id: emergency\n", "includes/urgent-help.yml:2: not valid YAML"),
    ("\ufefftiers: 3\n", "includes/urgent-help.yml:1: needs a 'tiers:' list"),
])
def test_every_data_file_error_is_one_line_with_file_and_line(tmp_path, text, says):
    root = _project(tmp_path)
    (root / urgent.DATA_FILE).write_text(text, encoding="utf-8")
    with pytest.raises(urgent.DataError) as err:
        urgent.load_for(root)
    assert says in str(err.value), str(err.value)


def test_commands_print_data_file_errors_without_a_traceback(tmp_path):
    root = _project(tmp_path, lambda t: t.replace("    signs:\n      - text: a high temperature", "    signs: []\n      - text: a high temperature"))
    (root / "docs").mkdir()
    (root / "docs" / "index.md").write_text("# Home\n\nText.\n", encoding="utf-8")
    (root / "references.bib").write_text("@online{a,\n  title = {A},\n  url = {https://www.nhs.uk/},\n  urldate = {2026-12-07}\n}\n", encoding="utf-8")
    for args in (["-m", "fasciasite.content.urgent", "--root", "."], ["-m", "fasciasite.references.bib"]):
        result = subprocess.run([sys.executable, *args], cwd=root, capture_output=True, text=True)
        out = result.stdout + result.stderr
        assert result.returncode == 1 and "Traceback" not in out and "includes/urgent-help.yml:" in out, out


@pytest.mark.parametrize("sentence,ok", [
    ("If your foot starts to drag, call 999 or go to A&E, as in the red box above.", True),
    ("If your foot starts to drag, call 999 or go to A&E, as in the orange box above.", False),
    ("A high temperature needs a call to NHS 111, as in the amber box.", True),
    ("A high temperature is listed in the red box.", False),
    ("Chest pain is listed in the blue box below.", False),
])
def test_a_sentence_naming_a_box_colour_for_a_sign_matches_the_data(sentence, ok):
    problems = lint(sentence + "\n")
    assert (not problems) == ok, problems


def test_the_article_check_reports_a_broken_data_file_once_without_a_traceback(tmp_path, monkeypatch, capsys):
    from fasciasite.authoring import article_parts as articlecheck

    root = _project(tmp_path, lambda t: t.replace("\ntiers:\n", "\ntiers:\n  - id: pharmacy\n", 1))
    for name in ("a", "b"):
        (root / f"{name}.md").write_text("# A\n\n## When to get help\n\n<!-- md:urgent-help -->\n", encoding="utf-8")
    monkeypatch.chdir(root)  # the command acts on the checkout it runs in
    problems = articlecheck.check_article(root / "a.md", "a.md") + articlecheck.check_article(root / "b.md", "b.md")
    data = [p for p in dict.fromkeys(problems) if p.startswith("includes/urgent-help.yml:")]
    assert len(data) == 1 and "tier id 'pharmacy' is not one of" in data[0], problems


def test_every_pin_names_a_source_in_references_bib(tmp_path):
    bib = (ROOT / "references.bib").read_text(encoding="utf-8")
    for pin in PINS:
        for key in pin["source"]:
            assert "{" + key + "," in bib, f"includes/urgent-pins.yml: {pin['sign']!r} pins to unknown key {key}"
    root = _project(tmp_path, None)
    (root / "docs").mkdir()
    (root / "docs" / "index.md").write_text("# Home\n\nText.\n", encoding="utf-8")
    (root / "references.bib").write_text("@online{nhs_backpain,\n  title = {Back pain},\n  url = {https://www.nhs.uk/},\n"
                                         "  urldate = {2026-12-07}\n}\n", encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "fasciasite.references.bib"], cwd=root, capture_output=True, text=True)
    assert re.search(r"urgent-pins.yml:\d+: pins a tier to unknown key 'northerntrust_lbp'", result.stdout), result.stdout
    assert "'nhs_backpain': is not cited" not in result.stdout  # a pin's source counts as cited
