"""The urgent-help tiers act and come first (issue 26) and rest on NHS pages (issue 20):

  * every tier ends with how to reach that help ("call 999", "call 111 or use 111 online"
    linked to NHS 111 online, "contact your GP practice"), from the data file only; the
    Wales and Scotland services are named once there, never on a page; no tel: links;
  * every sign that has match patterns is found, by those patterns, in the findings of a
    source its own tier cites (a sign with no source on its tier leaves the tier);
  * a page with `urgent_first: true` shows the tiers straight under its title and its byline
    after them; other articles keep the byline under the title.
The first screen on a phone and the printed page are tested in Chromium (tests/test_browser.py).
"""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from conftest import ROOT
from lxml import html

from fasciasite.content import urgent
from fasciasite.references.bib import parse_bib

TIERS = urgent.load(ROOT / urgent.DATA_FILE)
DATA = (ROOT / urgent.DATA_FILE).read_text(encoding="utf-8")
ENTRIES, _ = parse_bib(ROOT / "references.bib")
NHS_111_ONLINE = "https://111.nhs.uk/"


# ── How to reach each tier ───────────────────────────────────────────────────


@pytest.mark.parametrize("tier_id,says", [
    ("emergency", r"\bcall 999\b"),
    ("urgent", r"\bcall 111 or use \[111 online\]\(https://111\.nhs\.uk/\)"),
    ("gp", r"\bcontact your GP practice\b"),
])
def test_every_tier_ends_with_how_to_reach_it(tier_id, says):
    tier = TIERS.by_id(tier_id)
    assert re.search(says, tier.reach), f"{tier_id}: reach line is '{tier.reach}'"
    rendered = urgent.render(TIERS, tier_id, "back-pain/red-flags.md").rstrip()
    assert rendered.endswith(tier.reach.replace("{nations}", TIERS.nations).strip()), "the reach line is the box's last line"


def test_wales_and_scotland_are_named_once_in_the_data_and_shown_with_the_111_tier():
    assert DATA.count("NHS 111 Wales") == 1 and DATA.count("NHS 24") == 1
    urgent_box = urgent.render(TIERS, "urgent", "index.md")
    assert "[NHS 111 Wales](https://111.wales.nhs.uk/)" in urgent_box and "NHS 24" in urgent_box


def test_no_page_names_the_nations_111_services_itself():
    """Named once, in the data file: a page that needs them shows the urgent tier."""
    for md in (ROOT / "docs").rglob("*.md"):
        text = md.read_text(encoding="utf-8")
        for words in ("NHS 111 Wales", "111.wales.nhs.uk"):
            assert words not in text, f"{md.relative_to(ROOT)} names '{words}'; show <!-- md:urgent-help tier=urgent --> instead"


TAP_TO_CALL = re.compile(r"\]\(\s*<?tel:|href=[\"']?tel:", re.I)


def test_999_is_an_ordinary_number_never_a_tap_to_call_link():
    rendered = urgent.render(TIERS, None, "index.md")
    assert not TAP_TO_CALL.search(DATA) and not TAP_TO_CALL.search(rendered)
    assert TAP_TO_CALL.search("[call 999](tel:999)"), "the pattern finds a Markdown tel: link"


def _project(tmp_path: Path, edit) -> Path:
    (tmp_path / "includes").mkdir()
    (tmp_path / urgent.DATA_FILE).write_text(edit(DATA), encoding="utf-8")
    return tmp_path / urgent.DATA_FILE


def test_a_tier_without_a_reach_line_names_the_file_line_and_the_fix(tmp_path):
    path = _project(tmp_path, lambda t: re.sub(r"\n    reach: \"\*\*How to get help:\*\* contact your GP practice\.\"", "", t))
    with pytest.raises(urgent.DataError) as err:
        urgent.load(path)
    line = DATA[: DATA.index("- id: gp")].count("\n") + 1
    assert f"includes/urgent-help.yml:{line}: tier 'gp' has no 'reach:' line" in str(err.value)
    assert "contact your GP practice" in str(err.value)


def test_a_reach_line_showing_nations_needs_the_nations_text(tmp_path):
    path = _project(tmp_path, lambda t: re.sub(r"\nnations: >-\n(  .*\n)+", "\n", t))
    with pytest.raises(urgent.DataError, match=r"tier 'urgent' shows \{nations\}, but the file has no 'nations:' text"):
        urgent.load(path)


# ── Every sign is on an NHS page its tier cites ──────────────────────────────


def _tier_sources(tier) -> list[str]:
    return tier.cite + list((tier.note or {}).get("cite", []))


@pytest.mark.parametrize("tier,sign", [(t, s) for t in TIERS.tiers for s in t.signs if s.patterns],
                         ids=lambda v: getattr(v, "id", None) or getattr(v, "text", "")[:30])
def test_every_sign_is_in_the_findings_of_a_source_its_tier_cites(tier, sign):
    findings = {k: " ".join(ENTRIES[k].fields.get("findings", "").split()) for k in _tier_sources(tier) if k in ENTRIES}
    assert findings, f"tier {tier.id}: none of {_tier_sources(tier)} is in references.bib"
    assert any(sign.found_in(text) for text in findings.values()), (
        f"'{sign.text}' is in no findings of {', '.join(findings)}; cite the NHS page that lists it at this tier "
        f"(and say so in its findings), or take the sign out of the tier")


def test_the_sign_check_bites_when_a_tier_loses_its_source(tmp_path):
    """Planted: the emergency tier without the pages that list new erection problems."""
    path = _project(tmp_path, lambda t: t.replace("cite: [nhs_backpain, northerntrust_lbp, royalfree_ces, nwch_backpain]",
                                                  "cite: [nhs_backpain, northerntrust_lbp]"))
    tier = urgent.load(path).by_id("emergency")
    sign = next(s for s in tier.signs if "erection" in s.text)
    assert not any(sign.found_in(ENTRIES[k].fields["findings"]) for k in _tier_sources(tier))


# ── urgent_first: the tiers straight under the title, the byline after them ──


def _article_children(built_site: Path, page: str) -> list:
    doc = html.fromstring((built_site / page).read_bytes())
    return [el for el in doc.xpath('//article[contains(@class, "md-content__inner")]/*')
            if not (el.get("class") or "").startswith("md-content__button")]


def _label(el) -> str:
    cls = el.get("class") or ""
    return next((c for c in cls.split() if c.startswith("urgent-") and c != "urgent-help"), None) or cls.split()[0] if cls else el.tag


def test_the_red_flags_page_opens_with_the_three_tiers_then_the_byline(built_site):
    order = [_label(el) for el in _article_children(built_site, "back-pain/red-flags/index.html")][:6]
    assert order[:5] == ["h1", "urgent-emergency", "urgent-urgent", "urgent-gp", "article-byline"], order
    assert order[5] == "admonition", "the key points follow the byline"


def test_an_article_without_urgent_first_keeps_its_byline_under_the_title(built_site):
    order = [_label(el) for el in _article_children(built_site, "fascia/what-is-fascia/index.html")][:2]
    assert order == ["h1", "article-byline"]
    assert "<!-- byline -->" not in (built_site / "back-pain/red-flags/index.html").read_text(encoding="utf-8")


def test_no_page_starts_with_a_tooltip_per_citation_yet_every_page_has_previews(built_site):
    """The red-flags page loads fast (issues 24 and 26), like every page: Material's tooltip
    features, which mount one tooltip per citation and titled element as the page starts, are
    off, and docs/javascripts/tooltips.js draws citation previews when first wanted."""
    for page in ("back-pain/red-flags/index.html", "fascia/what-is-fascia/index.html", "index.html"):
        text = (built_site / page).read_text(encoding="utf-8")
        config = json.loads(re.search(r'<script id="__config" type="application/json">(.*?)</script>', text, re.S).group(1))
        assert not [f for f in config["features"] if "tooltips" in f], f"{page}: Material mounts every tooltip at start"
        assert "javascripts/tooltips.js" in text, f"{page}: no lazy citation previews"


def test_the_999_box_reads_in_under_a_minute_at_the_sites_reading_pace():
    """Issue 26: the urgent part is read in under a minute (the site's own pace, the one its
    "min read" uses). Counted on the rendered box: title, lead, signs, note and reach line."""
    from fasciasite.content.articles import WORDS_PER_MINUTE

    box = urgent.render(TIERS, "emergency", "back-pain/red-flags.md")
    text = re.sub(r"\[@[^\]]*\]|\]\([^)]*\)|!!!.*?\"|[*\[]", " ", box)
    words = len(re.findall(r"[A-Za-z0-9&']+", text))  # the title stays in text, after its admonition marker
    assert words <= WORDS_PER_MINUTE, f"the 999 box has {words} words: over a minute at {WORDS_PER_MINUTE} a minute"
