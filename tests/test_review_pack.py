"""Clinical review and sign-off: the review pack (fasciasite/authoring/review_pack.py) shows a clinician
every cited claim with its sources, every rating with its rule, the safety and urgent-help
blocks the page shows, and tick boxes, for every article; the reviewers list is checked
(fasciasite/content/reviewers.py); review_status lists what awaits review."""
from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess
import sys

import pytest
from conftest import ROOT
from lxml import html

from fasciasite.authoring import review_pack, review_status
from fasciasite.config import load_mkdocs_yml
from fasciasite.content import ratings, reviewers, safety, tiers
from fasciasite.references import sources
from fasciasite.references.bib import find_citations, parse_bib

TODAY = dt.date(2026, 12, 7)
CONFIG = load_mkdocs_yml(ROOT)  # as the commands read it
ARTICLES = sorted(p for s in CONFIG["extra"]["article_sections"] for p in (ROOT / "docs" / s).glob("*.md"))
BIB = parse_bib(ROOT / "references.bib")[0]


def body_of(path):
    text = path.read_text(encoding="utf-8")
    return text.split("---", 2)[2]


@pytest.mark.parametrize("page", ARTICLES, ids=lambda p: p.relative_to(ROOT / "docs").as_posix())
def test_a_pack_for_every_article_shows_every_claim_rating_block_and_a_sign_off(page):
    pack = html.fromstring(review_pack.build_pack(page, ROOT, TODAY))
    body = body_of(page)
    text = pack.text_content()
    # every source the page's prose cites is in the pack, with what it found
    prose_keys = {c.key for c in find_citations(ratings.prose(body))}
    shown = set(re.findall(r"\[([\w-]+)\]", " ".join(pack.xpath('//p[@class="ref"]/strong/text()'))))
    assert prose_keys <= shown, f"missing from the pack: {sorted(prose_keys - shown)}"
    for key in prose_keys & set(BIB):
        assert pack.xpath(f'//div[@class="source"][p[@class="ref"]/strong="[{key}]"]/p[@class="findings"]'), key
    # every rated row, with the rule its rating needs
    rows = ratings.evidence_rows(ratings.prose(body))
    table = pack.xpath('//table[@class="ratings"]/tbody/tr')
    assert len(table) == len(rows)
    rules = review_pack.scale_rules()
    for tr, row in zip(table, rows, strict=True):
        cells = [c.text_content() for c in tr.xpath("td")]
        assert cells[2] == row.rating and cells[3] == rules[row.rating]
    # the safety blocks and urgent tiers the page shows
    data = safety.load_for(ROOT)[0]
    for m in safety.SHORTCODE.finditer(body):
        assert f"Safety: {data.treatments[m.group(1)].title}" in text
    urgent = tiers.load_for(ROOT)
    for m in tiers.SHORTCODE.finditer(body):
        for tier in [urgent.by_id(m.group(1))] if m.group(1) else urgent.tiers:
            assert tier.title in pack.xpath("//section[h2='4. Urgent help shown']//h3/text()")
    # tick boxes for each claim, row and block, and the sign-off
    claims = pack.xpath('//table[@class="claims"]/tbody/tr')
    assert len(pack.xpath("//input[@type='checkbox']")) >= 2 * (len(claims) + len(rows)) + 2
    assert all(tr.xpath(".//input[@type='checkbox']") for tr in claims + table)
    signoff = pack.xpath('//section[@class="signoff"]')[0].text_content()
    assert 'reviewer: "YOUR NAME"' in signoff and "last_reviewed: YYYY-MM-DD" in signoff


def test_every_rating_on_the_scale_has_its_rule_in_the_pack():
    rules = review_pack.scale_rules()
    assert set(rules) == set(ratings.SCALE) and all(len(r) > 15 for r in rules.values())


def test_claims_are_cited_sentences_outside_code_comments_and_evidence_tables():
    body = ("\nFirst sentence has no source. Second one does [@a2020x].\n"
            "It goes on here [@b2021y; @c2022z].\n\n"
            "- A list item [@d2019w]\n"
            "<!-- a comment [@e2018v] -->\n"
            "```\ncode [@f2017u]\n```\n\n"
            "!!! info \"How strong is the evidence?\"\n\n"
            "    | Claim | Rating | Why |\n    |---|---|---|\n    | X | **Limited** | a trial [@g2016t] |\n")
    found = review_pack.claims(body, offset=10)
    assert found == [(12, "Second one does.", ["a2020x"]), (12, "It goes on here.", ["b2021y", "c2022z"]),
                     (15, "A list item", ["d2019w"])]


def make_root(tmp_path, page_text: str):
    for name in ("includes", "research"):
        shutil.copytree(ROOT / name, tmp_path / name)
    for name in ("mkdocs.yml", "references.bib"):
        shutil.copy(ROOT / name, tmp_path / name)
    page = tmp_path / "docs" / "fascia" / "x.md"
    page.parent.mkdir(parents=True)
    page.write_text(page_text, encoding="utf-8")
    return page


def test_a_rating_stronger_than_its_source_is_flagged_in_the_pack(tmp_path):
    weak = next(k for k, e in BIB.items() if e.fields.get("design") == "narrative review")
    page = make_root(tmp_path, "---\ntitle: X\nreviewer: \"\"\n---\n\n# X\n\n!!! info \"How strong is the evidence?\"\n\n"
                               f"    | Claim | Rating | Why |\n    |---|---|---|\n    | It works | **Strong** | a review [@{weak}] |\n")
    pack = html.fromstring(review_pack.build_pack(page, tmp_path, TODAY))
    (row,) = pack.xpath('//table[@class="ratings"]/tbody/tr')
    assert "Does not meet it: rating 'Strong' is stronger than its best source allows (Very limited)" in row.text_content()
    assert row.xpath("td")[4].text_content() == "Very limited"


def run(*args):
    return subprocess.run([sys.executable, "-m", "fasciasite.authoring.review_pack", *args], capture_output=True, text=True, cwd=ROOT)


def test_the_command_writes_a_pack_and_refuses_what_is_not_an_article(tmp_path):
    assert run("--help").returncode == 0
    out = tmp_path / "pack.html"
    done = run("docs/back-pain/sciatica.md", "--out", str(out), "--today", "2026-12-07")
    assert done.returncode == 0, done.stderr
    assert "Clinical review pack: Sciatica" in out.read_text(encoding="utf-8")
    for bad in ("docs/about/disclaimer.md", "docs/back-pain/nope.md", "README.md"):
        refused = run(bad, "--out", "-")
        assert refused.returncode == 2 and "is not an article" in refused.stderr, bad


GOOD = {"name": "Fixture Reviewer", "profession": "Physiotherapist", "body": "HCPC", "registration": "PH000001",
        "register_url": "https://www.hcpc-uk.org/check-the-register/"}
CONFIG_TEXT = "extra:\n  reviewers:\n    - name: A\n    - name: B\n"


@pytest.mark.parametrize("entry, says", [
    ({**GOOD, "profession": ""}, "extra.reviewers[0]: needs profession as text"),
    ({**GOOD, "registration": "HCPC PH000001"}, "registration 'HCPC PH000001' is not a registration number"),
    ({**GOOD, "registration": "PHYSIO"}, "is not a registration number"),
    ({**GOOD, "register_url": "https://www.example.org/register"}, "is not the search page of a regulator's register"),
    ({**GOOD, "register_url": "http://www.hcpc-uk.org/check-the-register/"}, "is not the search page of a regulator's register"),
    ({**GOOD, "email": "x@example.org"}, "unknown field(s) email"),
    ("Jane Smith", "is not a map"),
])
def test_a_reviewer_entry_a_reader_could_not_check_is_refused_with_its_line(entry, says):
    hosts = sources.load_for(ROOT)[0]
    found = reviewers.problems({"reviewers": [entry]}, hosts, CONFIG_TEXT)
    assert any(f.startswith("mkdocs.yml:3: extra.reviewers[0]") and says in f for f in found), found


def test_a_checkable_reviewer_passes_once_and_twice_is_refused():
    hosts = sources.load_for(ROOT)[0]
    assert reviewers.problems({"reviewers": [GOOD]}, hosts) == []
    assert reviewers.problems({"reviewers": []}, hosts) == []
    twice = reviewers.problems({"reviewers": [GOOD, dict(GOOD)]}, hosts, CONFIG_TEXT)
    assert twice == ["mkdocs.yml:4: extra.reviewers[1]: 'Fixture Reviewer' is listed twice; keep one entry"]
    assert reviewers.read({"reviewers": [GOOD]})[0].credit() == "Fixture Reviewer, Physiotherapist (HCPC PH000001)"


def test_the_real_reviewers_list_is_valid_and_invents_nobody():
    assert CONFIG["extra"]["reviewers"] == []  # the clinic adds real clinicians; tests use a fixture
    assert reviewers.problems(CONFIG["extra"], sources.load_for(ROOT)[0]) == []


def test_review_status_lists_what_awaits_review(tmp_path, capsys):
    for name, who in (("fascia/a.md", '""'), ("fascia/b.md", '"Fixture Reviewer"')):
        path = tmp_path / "docs" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(f"---\ntitle: T\nreviewer: {who}\nlast_reviewed: 2026-11-24\nnext_review: 2027-11-24\n---\n# T\n")
    assert review_status.main(["--docs", str(tmp_path / "docs"), "--awaiting"]) == 0
    out = capsys.readouterr().out.splitlines()
    a = tmp_path / "docs" / "fascia" / "a.md"
    assert out == [f"AWAITING CLINICAL REVIEW  {a}: make review PAGE={a}", "1 of 2 articles await clinical review"]
