"""Issue 20's rules in the build, make check and the report command, on fixture sites
(every rule is enforced: fasciasite.content.evidence.ENFORCED), and the References page: design, certainty and dates shown, `checked`
never. Rules one by one: tests/test_evidence_rules.py, tests/test_safety_blocks.py."""
from __future__ import annotations

import re
import subprocess
import sys

from conftest import ROOT, build_env, make_fixture_site, mkdocs_build
from lxml import html as lxml_html
from test_bad_input_cases import ARTICLE, page

PROVENANCE = "PROVENANCE-ONLY-7Q"  # text of a `checked` field: must appear nowhere in a built site
BIB = """\
@article{doe2020review,
  author = {Doe, Ann}, title = {Rolling for back pain: a systematic review}, journal = {Journal of Tests},
  year = {2020}, volume = {1}, pages = {1--9}, doi = {10.1234/doe2020review},
  url = {https://pubmed.ncbi.nlm.nih.gov/1/},
  design = {systematic review}, certainty = {moderate}, searched = {2008-05},
  findings = {Systematic review of small trials: rolling gave a short-term gain in range of motion.},
  checked = {2026-12-07; read: PROVENANCE-ONLY-7Q the abstract on PubMed}
}

@article{roe2021trial,
  author = {Roe, Bo}, title = {A randomised trial of rolling}, journal = {Journal of Tests},
  year = {2021}, volume = {2}, pages = {10--19}, doi = {10.1234/roe2021trial},
  design = {randomised trial}, certainty = {not graded},
  findings = {Randomised trial: rolling helped range of motion for a short time.}
}

@article{poe2019opinion,
  author = {Poe, Cy}, title = {Rolling explained}, journal = {Journal of Tests},
  year = {2019}, volume = {3}, pages = {20--29}, doi = {10.1234/poe2019opinion},
  design = {narrative review}, certainty = {not graded},
  findings = {Narrative review: the author thinks rolling releases fascia.}
}

@online{nhs2024ibuprofen,
  title = {Ibuprofen for adults}, organization = {NHS}, url = {https://www.nhs.uk/medicines/ibuprofen-for-adults/},
  urldate = {2026-12-07}, design = {web page}, certainty = {not graded}, updated = {2020-12-11},
  findings = {NHS advice on ibuprofen: who should ask a pharmacist first and when to get help.}
}
"""
SAFETY = """\
treatments:
  nsaids:
    title: Anti-inflammatory painkillers (NSAIDs)
    names: ['ibuprofen', 'NSAIDs?']
    ask_first:
      lead: Ask a pharmacist or GP first if you
      items:
        - text: are pregnant
          cite: [nhs2024ibuprofen]
    urgent:
      - service: "111"
        text: you have black poo
        cite: [nhs2024ibuprofen]
      - service: "999"
        text: you are vomiting blood
        cite: [nhs2024ibuprofen]
"""
SEARCHES = """\
- page: docs/treatments/good.md
  sentence: no trials of rolling the lower spine
  claim: no trial of rolling the lower spine for back pain
  where: [PubMed, Cochrane Library]
  when: 2026-12-07
  terms: foam rolling lumbar spine low back pain randomised
  result: no trial of rolling the lower spine in people with back pain
"""
BOX = '!!! info "How strong is the evidence?"\n\n    | Claim | Rating | Why |\n    |---|---|---|\n'


def article(title: str, body: str) -> str:
    return ARTICLE.format(title=title) + "\n" + body  # the body starts on line 16


GOOD = article("Good", "Rolling helps range of motion for a while [@doe2020review; @roe2021trial].\n\n"
               "We found no trials of rolling the lower spine.\n\nSome people take ibuprofen [@nhs2024ibuprofen].\n\n"
               "<!-- md:safety nsaids -->\n\n" + BOX
               + "    | Rolling helps range of motion | **Strong** | A review and a trial agree [@doe2020review; @roe2021trial] |\n"
               + "    | Rolling releases fascia | **Not tested** | No trial has tested it [@poe2019opinion] |\n")
BAD = article("Bad", "Rolling helps range of motion for a while [@poe2019opinion].\n\n"
              "We found no trials of rolling the lower spine.\n\nSome people take ibuprofen [@nhs2024ibuprofen].\n\n" + BOX
              + "    | Rolling helps range of motion | **Strong** | An expert says so [@poe2019opinion] |\n"
              + "    | Rolling releases fascia | **Limited** | Small trials |\n"
              + "    | Rolling is harmful | **Not supported** | A trial [@roe2021trial] |\n"
              + "\n<!-- md:safety ibuprofen -->\n")


def site(tmp_path, pages: dict, bib: str = BIB, safety: str = SAFETY, searches: str | None = SEARCHES):
    pages = {"index.md": page("Home", "Text."), "references.md": page("References", "<!-- md:references -->"), **pages}
    config = make_fixture_site(tmp_path, pages, bib=bib)
    (tmp_path / "includes" / "safety.yml").write_text(safety, encoding="utf-8")
    if searches is not None:
        (tmp_path / "research").mkdir(exist_ok=True)
        (tmp_path / "research" / "searches.yml").write_text(searches, encoding="utf-8")
    return config


def test_a_clean_fixture_builds_and_shows_design_certainty_dates_and_safety_but_never_checked(tmp_path):
    config = site(tmp_path, {"treatments/good.md": GOOD})
    result = mkdocs_build(config, tmp_path / "site")
    assert result.returncode == 0, result.stderr[-3000:]
    refs = (tmp_path / "site" / "references" / "index.html").read_text(encoding="utf-8")
    assert "Systematic review; moderate certainty; searches to May 2008" in refs
    assert "Web page; last updated 11 December 2020" in refs
    assert "Randomised trial</p>" in refs  # "not graded" is not shown
    leaked = [p.relative_to(tmp_path) for p in (tmp_path / "site").rglob("*") if p.is_file()
              and PROVENANCE.encode() in p.read_bytes()]
    assert leaked == [], "the checked field (provenance) reached the built site"
    good = (tmp_path / "site" / "treatments" / "good" / "index.html").read_text(encoding="utf-8")
    box = lxml_html.fromstring(good).xpath('//div[contains(@class, "admonition") and contains(@class, "safety")]')
    assert box and "Safety: Anti-inflammatory painkillers (NSAIDs)" in box[0].text_content()
    text = box[0].text_content()
    assert text.index("Call 999") < text.index("NHS 111") and "[@" not in text
    assert "Ibuprofen for adults" in good.split('id="references"')[-1]  # its cite joins the page's references


def test_bad_sources_and_fields_fail_the_build_with_line_key_and_fix(tmp_path):
    bib = (BIB.replace("url = {https://pubmed.ncbi.nlm.nih.gov/1/}", "url = {https://www.scribd.com/document/1/doe}")
           .replace("design = {narrative review}, certainty = {not graded}", "certainty = {not graded}")
           .replace("short time.}", "short time. Page read: https://example.org/roe}"))
    safety = SAFETY.replace("ibuprofen]\n    urgent", "ibuprofen, doe2020review]\n    urgent")
    result = mkdocs_build(site(tmp_path, {"treatments/good.md": GOOD}, bib=bib, safety=safety), tmp_path / "site")
    assert result.returncode != 0
    for expected in [
        "references.bib:4: entry 'doe2020review': host www.scribd.com (a file-sharing copy) is not an authoritative address; "
        "use the DOI, PubMed or the publisher's page (move the copy you read to checked = {...})",
        "references.bib:14: entry 'roe2021trial': findings holds a web address",
        "references.bib:17: entry 'poe2019opinion': has no design; add design = {...}",
        "includes/safety.yml:9: cites 'doe2020review', but its url (https://www.scribd.com/document/1/doe) is not an NHS-, "
        "NICE-, MHRA- or GOV.UK-owned page",
    ]:
        assert expected in result.stderr, (expected, result.stderr[-3000:])


def test_bad_ratings_searches_and_safety_blocks_fail_the_build_with_file_line_and_fix(tmp_path):
    result = mkdocs_build(site(tmp_path, {"treatments/bad.md": BAD}, searches=None), tmp_path / "site")
    assert result.returncode != 0
    for expected in [
        "docs/treatments/bad.md:26: rating 'Strong' is stronger than its best source allows (Very limited): "
        "poe2019opinion (narrative review); lower the rating to Very limited",
        "docs/treatments/bad.md:27: the row 'Rolling releases fascia' (rated Limited) cites no source",
        "docs/treatments/bad.md:28: rating 'Not supported' is retired",
        "docs/treatments/bad.md:18: says 'We found no trials' but no recorded search in research/searches.yml answers "
        "this sentence; add one with sentence: 'We found no trials of rolling the lower spine'",
        "docs/treatments/bad.md:20: names Anti-inflammatory painkillers (NSAIDs) ('ibuprofen') but does not show its "
        "safety advice; add <!-- md:safety nsaids --> on its own line",
        "docs/treatments/bad.md:30: unknown safety block 'ibuprofen'; known: nsaids",
    ]:
        assert expected in result.stderr, (expected, result.stderr[-3000:])


def run(root, *args: str, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, *args], cwd=root, capture_output=True, text=True, timeout=300,
                          env={**build_env(), **env})


def test_the_report_lists_every_problem_with_counts_per_rule_and_exit_1(tmp_path):
    site(tmp_path, {"treatments/bad.md": BAD}, searches=None)
    result = run(tmp_path, "-m", "fasciasite.content.evidence", "--today", "2026-12-07")
    assert result.returncode == 1, result.stdout + result.stderr
    assert re.search(r"evidence: 6 problem\(s\) \(sources 0, findings 0, fields 0, ratings 3, searches 1, safety-data 0, "
                     r"safety-pages 2, safety-sources 0\)", result.stdout), result.stdout
    assert "docs/treatments/bad.md:26: rating 'Strong'" in result.stdout
    enforced_only = run(tmp_path, "-m", "fasciasite.content.evidence", "--enforced-only", "--today", "2026-12-07")
    assert enforced_only.returncode == 1 and "evidence: 6 problem(s)" in enforced_only.stdout, enforced_only.stdout


def test_the_report_passes_a_clean_project_and_warns_of_a_past_review_date(tmp_path):
    bib = BIB.replace("updated = {2020-12-11},", "updated = {2020-12-11}, review_due = {2026-03},")
    site(tmp_path, {"treatments/good.md": GOOD}, bib=bib)
    result = run(tmp_path, "-m", "fasciasite.content.evidence", "--today", "2026-12-07")
    assert result.returncode == 0, result.stdout
    assert "entry 'nhs2024ibuprofen': WARNING: its page was due for review by 2026-03" in result.stdout
    assert "0 warning(s)" in run(tmp_path, "-m", "fasciasite.content.evidence", "--today", "2026-03-31").stdout


def test_make_check_fails_on_the_evidence_rules_naming_each_line(tmp_path):
    site(tmp_path, {"treatments/bad.md": BAD}, searches=None)
    others = [s for s in run(ROOT, "-m", "fasciasite.authoring.check", "--list").stdout.split() if s != "evidence"]
    check = ["-m", "fasciasite.authoring.check", "--root", ".", "--skip", *others]
    result = run(tmp_path, *check)
    assert result.returncode == 1 and "FAIL  evidence" in result.stdout, result.stdout
    assert "docs/treatments/bad.md:26: rating 'Strong'" in result.stdout and "bad.md:18: says" in result.stdout


def test_the_report_refuses_bad_usage_with_exit_2(tmp_path):
    assert run(tmp_path, "-m", "fasciasite.content.evidence", "--root", str(tmp_path)).returncode == 2
    assert run(ROOT, "-m", "fasciasite.content.evidence", "--today", "7 Dec").returncode == 2


def test_no_what_it_found_of_the_real_site_holds_a_url_or_page_read(built_site):
    pages = [lxml_html.fromstring(p.read_text(encoding="utf-8")) for p in built_site.glob("references/**/index.html")]
    assert sum(len(refs.xpath('//p[contains(@class, "ref-findings")]')) for refs in pages) > 100
    bad = [p.text_content()[:120] for refs in pages for p in refs.xpath('//p[contains(@class, "ref-findings")]')
           if re.search(r"https?://|www\.|pages? read", p.text_content(), re.I)]
    assert bad == []
