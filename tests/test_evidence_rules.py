"""Issue 20's rules on small planted inputs: each rule fails with file:line, what and the fix,
and passes a correct input. (The rules in the build and on the References page:
tests/test_evidence_build.py.)"""
from __future__ import annotations

import datetime as dt
import textwrap
from pathlib import Path

import pytest
from conftest import ROOT

from fasciasite.content import ratings
from fasciasite.references import bibfields, sources
from fasciasite.references.bib import parse_bib

HOSTS, HOST_PROBLEMS = sources.load_for(ROOT)
TODAY = dt.date(2026, 12, 7)


def entries_of(tmp_path: Path, bib: str):
    path = tmp_path / "references.bib"
    path.write_text(textwrap.dedent(bib), encoding="utf-8")
    entries, problems = parse_bib(path)
    assert problems == []
    return entries


def starts(found: list[str], expected: list[str]) -> None:
    assert len(found) == len(expected) and all(f.startswith(e) for f, e in zip(found, expected, strict=True)), found


def entry(key: str, design: str = "systematic review", certainty: str = "moderate", extra: str = "") -> str:
    return (f"@article{{{key},\n  author = {{Doe, Ann}},\n  title = {{A title}},\n  journal = {{J}},\n  year = {{2020}},\n"
            f"  volume = {{1}},\n  pages = {{1--2}},\n  doi = {{10.1234/{key}}},\n  design = {{{design}}},\n"
            f"  certainty = {{{certainty}}},\n  findings = {{What it found.}}{extra}\n}}\n\n")


# ── 1a Sources: the allow-list ───────────────────────────────────────────────


def test_the_allow_list_reads_cleanly_and_gives_every_host_a_class_and_reason():
    assert HOST_PROBLEMS == []
    assert all(cls in sources.CLASSES and reason for cls, reason in HOSTS.allowed.values())


@pytest.mark.parametrize("url, cls", [
    ("https://www.nhs.uk/conditions/back-pain/", "nhs"),
    ("https://www.royalberkshire.nhs.uk/leaflets/x", "nhs"),
    ("https://www.nhsinform.scot/illnesses-and-conditions/", "nhs"),
    ("https://bnf.nice.org.uk/drugs/naproxen/", "nice"),
    ("https://www.gov.uk/government/publications/x", "govuk"),
    ("https://yellowcard.mhra.gov.uk/", "mhra"),
    ("https://pubmed.ncbi.nlm.nih.gov/31794015/", "index"),
    ("https://www.cochranelibrary.com/cdsr/doi/10.1002/14651858.CD000335.pub2/full", "index"),
    ("https://bjsm.bmj.com/content/52/23/1497", "publisher"),
    ("https://www.hcpc-uk.org/standards/", "regulator"),
    ("https://patient.info/health/back-pain-leaflet", "publisher"),
    ("https://www.csp.org.uk/conditions/back-pain", "professional-body"),
])
def test_canonical_addresses_pass_with_their_owner_class(url, cls):
    assert sources.url_problem(url, HOSTS) is None
    assert sources.owner_class(url, HOSTS) == cls


@pytest.mark.parametrize("url, says", [
    ("https://www.scribd.com/document/1/x", "file-sharing"),
    ("https://studylib.net/doc/1/x", "file-sharing"),
    ("https://quizlet.com/12/nice-ng59-flash-cards/", "flashcard"),
    ("https://www.bohrium.com/paper-details/x", "aggregator"),
    ("https://www.semanticscholar.org/paper/x", "aggregator"),
    ("https://www.researchgate.net/publication/1_x", "author upload"),
    ("https://someone.academia.edu/x", "author upload"),
    ("https://clinic-staging.preflight.site/back-pain", "staging"),
    ("https://prod.example-regulator.org.uk/page", "server host"),
    ("http://203.0.113.7/ng59.pdf", "bare IP"),
    ("https://www-nhs-uk.translate.goog/conditions/", "translation proxy"),
    ("https://physio-tips.blogspot.com/2019/x", "blog"),
    ("https://www.anypharmacy.co.uk/nhs_conditions_heart-attack", "not an authoritative address"),
    ("https://www.hcpc-uk.org/cy-gb/safonau/", "translation"),
    ("https://www.gov.uk/zh-cn/guidance/x", "translation"),
    ("https://www.wired-gov.net/wg/news.nsf/articles/x", "press-release aggregator"),
])
def test_copies_and_unknown_hosts_fail_with_the_fix(url, says):
    why = sources.url_problem(url, HOSTS)
    assert why and says in why and "use the DOI, PubMed or the publisher's page" in why and "checked = {" in why


def test_a_bad_url_in_references_bib_is_named_with_its_line_and_key(tmp_path):
    bib = entry("doe2020good", extra=",\n  url = {https://pubmed.ncbi.nlm.nih.gov/1/}") + \
        entry("doe2020copy", extra=",\n  url = {https://www.scribd.com/document/9/doe}")
    found = sources.check_urls(entries_of(tmp_path, bib), "references.bib", HOSTS)
    assert [str(p).split(" is not")[0] for p in found] == [
        "references.bib:26: entry 'doe2020copy': host www.scribd.com (a file-sharing copy)"]


def test_the_allow_list_file_itself_is_checked(tmp_path):
    (tmp_path / "includes").mkdir()
    (tmp_path / sources.DATA_FILE).write_text("allowed:\n  a.org: {class: friend, reason: x}\n  b.org: {class: nhs}\n",
                                               encoding="utf-8")
    _, problems = sources.load_for(tmp_path)
    assert [str(p) for p in problems] == [
        "includes/sources.yml:2: 'a.org': class 'friend' is not one of " + ", ".join(sources.CLASSES),
        "includes/sources.yml:3: 'b.org' needs exactly {class: ..., reason: ...}"]



@pytest.mark.parametrize("pattern, klass, ok", [
    ("www.bestpharmacy.co.uk", "nhs", False),       # a pharmacy's copy passed off as an NHS page
    ("nhs-advice.org", "nhs", False),                # a look-alike name outside the NHS domains
    ("www.nice-guidance.com", "nice", False),
    ("www.gov.uk.example.org", "govuk", False),      # the domain must end the host, not start it
    ("mhra-alerts.net", "mhra", False),
    ("www.newtrust.nhs.uk", "nhs", True),            # an NHS trust under nhs.uk
    ("*.nhsgrampian.nhs.scot", "nhs", True),
    ("www.gov.uk", "mhra", True),                    # the MHRA publishes on GOV.UK
    ("www.bestpharmacy.co.uk", "publisher", True),   # the class of its real owner is not restricted
])
def test_a_health_owner_class_is_only_given_to_its_own_domains(tmp_path, pattern, klass, ok):
    (tmp_path / "includes").mkdir()
    (tmp_path / sources.DATA_FILE).write_text(f'allowed:\n  "{pattern}": {{class: {klass}, reason: "a body"}}\n',
                                               encoding="utf-8")
    _, problems = sources.load_for(tmp_path)
    if ok:
        assert problems == []
    else:
        [p] = problems
        assert p.line == 2 and f"is given class {klass}, but it is not under one of its domains" in p.message
        assert "HEALTH_DOMAINS in fasciasite/references/sources.py" in p.message

# ── 1b, 1c findings and the evidence fields ──────────────────────────────────


@pytest.mark.parametrize("findings, what", [
    ("Trial of 40 people. Page read: https://example.org/x", "a web address"),
    ("Trial of 40 people; pages read on the journal site", "'page read'"),
    ("Trial of 40 people, checked against the PDF", "'checked'"),
    ("Trial of 40 people (a copy of the abstract)", "'copy'"),
    ("Trial of 40 people. TODO add the harms", "a drafting note"),
    ("Trial of 40 people. Note: the helper says so", "a drafting note"),
    ("Trial of 40 people (2026-11-30)", "a dated reading note"),
    ("Trial of 40 people, accessed 30 Nov 2026", "a dated reading note"),
])
def test_findings_say_only_what_the_source_found(tmp_path, findings, what):
    bib = entry("doe2020x").replace("What it found.", findings)
    [p] = bibfields.findings_problems(entries_of(tmp_path, bib), "references.bib")
    assert p.line == 11 and f"findings holds {what}" in p.message and "move what you read" in p.message


def test_every_cited_entry_needs_findings_but_an_uncited_one_does_not(tmp_path):
    bib = entry("doe2020a").replace("  findings = {What it found.}", "  note = {x}") + \
        entry("doe2020b").replace("  findings = {What it found.}", "  uncited = {kept for later}")
    found = bibfields.findings_problems(entries_of(tmp_path, bib), "references.bib")
    assert [(p.key, p.message[:15]) for p in found] == [("doe2020a", "has no findings")]


def test_design_certainty_dates_and_supersededby_are_checked(tmp_path):
    bib = (entry("doe2020a", design="meta-analysis", certainty="medium", extra=",\n  searched = {May 2008}")
           + entry("doe2020b", extra=",\n  updated = {2020-13}") + entry("doe2020c", design="", certainty="")
           + entry("doe2020d", extra=",\n  supersededby = {doe2099new}"))
    found = [f"{p.key}:{p.line}: {p.message}" for p in bibfields.field_problems(entries_of(tmp_path, bib), "references.bib")]
    starts(found, ["doe2020a:9: design 'meta-analysis' is not one of", "doe2020a:10: certainty 'medium' is not one of: h",
                     "doe2020a:12: searched 'May 2008' is not a date; w", "doe2020b:26: updated '2020-13' is not a date; wri",
                     "doe2020c:29: has no design; add design = {...} w", "doe2020c:29: has no certainty; add certainty = {",
                     "doe2020d:53: supersededby names 'doe2099new', w"])


def test_good_evidence_fields_pass_and_render_on_the_references_page(tmp_path):
    bib = entry("doe2020a", extra=",\n  searched = {2008-05},\n  supersededby = {doe2021b}") + \
        entry("doe2021b", design="web page", certainty="not graded", extra=",\n  updated = {2020-12-11},\n  review_due = {2027-03}")
    entries = entries_of(tmp_path, bib)
    assert bibfields.field_problems(entries, "references.bib") == []
    assert bibfields.describe(entries["doe2020a"].fields) == "Systematic review; moderate certainty; searches to May 2008"
    assert bibfields.describe(entries["doe2021b"].fields) == "Web page; last updated 11 December 2020"


def test_a_past_review_date_is_a_warning_judged_against_the_day_given(tmp_path):
    bib = entry("doe2020a", extra=",\n  review_due = {2026-03}") + entry("doe2020b", extra=",\n  review_due = {2026-12}")
    entries = entries_of(tmp_path, bib)
    assert [p.key for p in bibfields.review_warnings(entries, "references.bib", TODAY)] == ["doe2020a"]
    assert bibfields.review_warnings(entries, "references.bib", dt.date(2026, 3, 31)) == []
    assert "WARNING" in bibfields.review_warnings(entries, "references.bib", TODAY)[0].message


# ── 2 Ratings ────────────────────────────────────────────────────────────────

BOX = '!!! info "How strong is the evidence?"\n\n    | Claim | Rating | Why |\n    |---|---|---|\n'


def rated(rating: str, why: str) -> str:
    return f"# Page\n\nText.\n\n{BOX}    | A claim | **{rating}** | {why} |\n"


@pytest.fixture
def graded(tmp_path):
    bib = (entry("rev2020high", certainty="high") + entry("rev2020low", certainty="low")
           + entry("rev2020vlow", certainty="very low") + entry("rct2020a", design="randomised trial", certainty="not graded")
           + entry("coh2020a", design="cohort", certainty="not graded")
           + entry("opi2020a", design="narrative review", certainty="not graded"))
    return entries_of(tmp_path, bib)


@pytest.mark.parametrize("rating, keys, allowed", [
    ("Strong", "@opi2020a", "Very limited"),               # the planted case
    ("Strong", "@rev2020high", "Moderate"),                 # Strong needs a second source agreeing
    ("Strong", "@rev2020low; @rct2020a", "Moderate"),
    ("Moderate", "@rev2020vlow", "Limited"),
    ("Moderate", "@coh2020a; @opi2020a", "Limited"),
    ("Limited", "@opi2020a", "Very limited"),
])
def test_a_rating_stronger_than_its_best_source_fails_naming_rating_and_keys(graded, rating, keys, allowed):
    [p] = ratings.check_rows(rated(rating, f"Why [{keys}]"), graded, "docs/x.md")
    assert p.line == 9 and f"rating '{rating}' is stronger than its best source allows ({allowed})" in p.message
    assert all(k.strip(" @") in p.message for k in keys.split(";")) and f"lower the rating to {allowed}" in p.message


@pytest.mark.parametrize("rating, keys", [
    ("Strong", "@rev2020high; @opi2020a"), ("Moderate", "@rev2020low"), ("Moderate", "@rct2020a"),
    ("Limited", "@rev2020vlow"), ("Limited", "@coh2020a"), ("Very limited", "@opi2020a"),
    ("Evidence against", "@rct2020a"), ("Not tested", "@opi2020a"),
])
def test_a_rating_its_sources_allow_passes(graded, rating, keys):
    why = "no trial has tested it" if rating == "Not tested" else "Why"
    assert ratings.check_rows(rated(rating, f"{why} [{keys}]"), graded, "docs/x.md") == []


def test_a_row_without_a_citation_fails(graded):
    [p] = ratings.check_rows(rated("Limited", "Several small trials"), graded, "docs/x.md", offset=4)
    assert str(p).startswith("docs/x.md:13: the row 'A claim' (rated Limited) cites no source; add the [@key]")


def test_evidence_against_needs_a_source_that_tested_it(graded):
    [p] = ratings.check_rows(rated("Evidence against", "An expert says not [@opi2020a]"), graded, "docs/x.md")
    assert "'Evidence against' needs a cited source that tested it" in p.message and "opi2020a (narrative review)" in p.message


def test_not_tested_must_say_so(graded):
    [p] = ratings.check_rows(rated("Not tested", "Guidance advises against it [@opi2020a]"), graded, "docs/x.md")
    assert "'Not tested' needs its Why column to say that no good trial tested it" in p.message


@pytest.mark.parametrize("rating", ["Not supported", "Weak", "strong"])
def test_an_unknown_or_retired_rating_fails_with_the_valid_ones(graded, rating):
    problems = ratings.check_rows(rated(rating, "Why [@rev2020high]"), graded, "docs/x.md")
    assert problems and "Strong, Moderate, Limited, Very limited, Evidence against, Not tested" in problems[0].message


def test_rows_in_code_and_other_tables_are_not_evidence_rows(graded):
    text = "| Rating | What it means |\n|---|---|\n| **Strong** | words |\n\n```\n" + BOX + "    | x | **Strong** | y |\n```\n"
    assert ratings.check_rows(text, graded, "docs/x.md") == []


@pytest.mark.parametrize("sentence", [
    "We found no trials of this.", "we did not find a trial review to add.", "We could not find any studies on it.",
    "We found no good systematic review of pressure release.", "But we found no evidence that it works.",
])
def test_a_we_found_no_sentence_needs_a_recorded_search(sentence):
    [p] = ratings.check_absence(f"# P\n\n{sentence}\n", "docs/x.md", {}, offset=3)
    assert p.line == 6 and "no recorded search in research/searches.yml answers this sentence" in p.message
    answer = {"docs/x.md": [{"page": "docs/x.md", "sentence": sentence.rstrip(".")}]}
    assert ratings.check_absence(f"# P\n\n{sentence}\n", "docs/x.md", answer) == []


@pytest.mark.parametrize("sentence", ["We found few studies on it.", "Trials found no benefit.", "`we found no trials`"])
def test_other_sentences_need_no_search(sentence):
    assert ratings.check_absence(f"{sentence}\n", "docs/x.md", {}) == []


def test_recorded_searches_are_validated(tmp_path):
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "x.md").write_text("We found no trial of xylitol.\n", encoding="utf-8")
    (tmp_path / "research").mkdir()
    (tmp_path / ratings.SEARCHES_FILE).write_text(textwrap.dedent("""\
        - page: docs/x.md
          sentence: no trial of xylitol
          claim: no trial of x
          where: [PubMed, Cochrane Library]
          when: 2026-12-07
          terms: x low back pain randomised
          result: none found
        - page: docs/missing.md
          claim: no trial of y
          where: PubMed
          when: 2027-01-01
          terms: y
          result: none
          by: a writer
        - page: docs/x.md
        """), encoding="utf-8")
    searches, problems = ratings.load_searches(tmp_path, TODAY)
    assert list(searches) == ["docs/x.md", "docs/missing.md"]
    starts([str(p) for p in problems], [
        "research/searches.yml:14: unknown field 'by'; a sea", "research/searches.yml:8: search is missing sentence;",
        "research/searches.yml:8: page 'docs/missing.md' is", "research/searches.yml:10: where must be a list of t",
        "research/searches.yml:11: when 2027-01-01 is in th", "research/searches.yml:15: search is missing sentence"])


@pytest.mark.parametrize("sentence", [
    "No trial has tested this exact plan.", "There are no trials of who should avoid it.",
    "No study we know of has measured pressure like this.", "No randomised trials were found.",
    "Nobody has tested it in people with back pain.", "It has never been studied in a trial.",
    "| Rolling releases fascia | **Not tested** | No good trial has shown it; a review found no evidence [@k] |",
    "There is still no good systematic review of this.", "No trials have yet compared the two styles.",
    "We also found no study showing that posture stiffens fascia.", "No trial found, only reports of single cases.",
])
def test_an_impersonal_no_trials_claim_of_our_own_needs_a_recorded_search(sentence):
    [p] = ratings.check_absence(f"# P\n\n{sentence}\n", "docs/x.md", {}, offset=3)
    assert p.line == 6 and "no recorded search in research/searches.yml answers this sentence" in p.message
    answer = {"docs/x.md": [{"page": "docs/x.md", "sentence": sentence.strip("| ").rstrip(".")}]}
    assert ratings.check_absence(f"# P\n\n{sentence}\n", "docs/x.md", answer) == []


@pytest.mark.parametrize("sentence", [
    "No trial tested them for new back pain [@review2008].",  # what a cited review found
    "No placebo-controlled trial had tested opioids for new back pain [@abdelshaheed2016opioids].",
    "The trial found no difference between the groups.", "No studies, no data: a marketing claim.",
    "There is no cure for this, but it often settles.", "No trial found a lasting benefit [@k].",
    "No trial found a lasting benefit over exercise.",
])
def test_a_cited_or_different_no_sentence_needs_no_search(sentence):
    assert ratings.check_absence(f"{sentence}\n", "docs/x.md", {}) == []


# ── A recorded search answers the sentence it was made for (issue 20, case Z-24) ──

DESKS = {"docs/x.md": [{"page": "docs/x.md", "sentence": "no trials of sit-stand desks"}]}


def test_a_search_recorded_for_another_claim_of_the_page_does_not_answer_a_sentence():
    page = "# P\n\nWe found no trials of sit-stand desks.\n\nWe found no trials of foam rolling for sciatica.\n"
    [p] = ratings.check_absence(page, "docs/x.md", DESKS, offset=2)
    assert str(p) == ("docs/x.md:7: says 'We found no trials' but no recorded search in research/searches.yml answers "
                      "this sentence; add one with sentence: 'We found no trials of foam rolling for sciatica' "
                      "(page: docs/x.md, claim, where, when, terms, result), or reword")


def test_a_search_recorded_for_another_page_does_not_answer_a_sentence():
    assert len(ratings.check_absence("No trial has tested sit-stand desks.\n", "docs/y.md", DESKS)) == 1


@pytest.mark.parametrize("page", [
    "Desks are popular.\nWe did not find any studies\nof sit-stand desks for people with back pain.\n",  # wrapped line
    "- Desks: there are no trials, e.g. of sit-stand desks in offices.\n",  # "e.g." ends no sentence
    "Text.\n\n| Standing desks ease back pain | **Not tested** | Popular. No trial has tested it [@k] |\n",  # Claim cell
])
def test_the_fragment_may_be_anywhere_in_the_sentence_or_table_row(page):
    searches = {"docs/x.md": [{"page": "docs/x.md", "sentence": ["sit-stand desks", "Standing desks ease back pain"]}]}
    assert ratings.check_absence(page.replace("[@k]", ""), "docs/x.md", searches) == []


def test_a_fragment_in_the_next_sentence_does_not_answer_it():
    page = "We found no trials of this. Sit-stand desks are popular.\n"
    [p] = ratings.check_absence(page, "docs/x.md", {"docs/x.md": [{"page": "docs/x.md", "sentence": "Sit-stand desks"}]})
    assert "sentence: 'We found no trials of this'" in p.message  # no topic words after it: the whole sentence


def searches_file(tmp_path: Path, page_text: str, entries: str) -> list[str]:
    (tmp_path / "docs").mkdir(exist_ok=True)
    (tmp_path / "docs" / "x.md").write_text(page_text, encoding="utf-8")
    (tmp_path / "research").mkdir(exist_ok=True)
    fields = "  claim: c\n  where: [PubMed]\n  when: 2026-12-07\n  terms: t\n  result: r\n"
    (tmp_path / ratings.SEARCHES_FILE).write_text("".join(f"- page: docs/x.md\n{e}{fields}" for e in entries.split("|")),
                                                  encoding="utf-8")
    return [str(p) for p in ratings.load_searches(tmp_path, TODAY)[1]]


PAGE = "---\ntitle: T\n---\n\nWe found no trials of sit-stand\ndesks. It has not been tested in trials.\n\n```\nno trials of walking\n```\n"


def test_a_recorded_sentence_on_its_page_passes(tmp_path):
    assert searches_file(tmp_path, PAGE, "  sentence: no trials of sit-stand desks\n"
                         "|  sentence:\n    - It has not been tested in trials\n    - We found no trials of sit-stand\n") == []


def test_a_stale_sentence_fails_naming_its_searches_line(tmp_path):
    problems = searches_file(tmp_path, PAGE, "  sentence:\n    - It has not been tested in trials\n"
                             "    - no trials of standing desks\n|  sentence: no trials of walking\n|  sentence: 'title: T'\n")
    starts(problems, ["research/searches.yml:4: sentence 'no trials of standing desks' is on no line of docs/x.md (stale",
                      "research/searches.yml:11: sentence 'no trials of walking' is on no line of docs/x.md",  # in code
                      "research/searches.yml:18: sentence 'title: T' is on no line"])  # front matter


@pytest.mark.parametrize("field", ["  sentence: ''\n", "  sentence: []\n", "", "  sentence: [ok, 3]\n", "  sentence: {a: b}\n"])
def test_an_empty_missing_or_malformed_sentence_fails(tmp_path, field):
    [p] = searches_file(tmp_path, PAGE, field)
    assert "missing sentence" in p or "sentence must be a short exact fragment" in p


@pytest.mark.parametrize("fragment", ["We found no trials", "no trials of", "has not been tested in trials"])
def test_a_fragment_that_names_no_topic_fails(tmp_path, fragment):
    [p] = searches_file(tmp_path, PAGE, f"  sentence: {fragment}\n")
    assert p.startswith("research/searches.yml:2: sentence") and "names no topic" in p
