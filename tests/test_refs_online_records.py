"""The reference checker (python -m fasciasite.references.refs_online) and `make ref`
(fasciasite.references.add_reference) against a local stand-in for Crossref, E-utilities and doi.org
(tests/scholarly_apis.py) that marks record types in every way the real services do:
retractions, expressions of concern and notices are found however they are marked;
markup, transliterated names, first-page-only records, online years and URL-form DOIs
are not false alarms. No test reaches the internet."""
from __future__ import annotations

import pytest
from refs_checks import add, check, plant, pmid_entry, pubmed_record, work  # noqa: F401 (fixtures)
from test_refs_online import entry

from fasciasite.references.metadata import family_keys, norm_title, plain, same_family

# ── 7. Record types, however they are marked ───────────────────────────────────

RELATIONS = [  # (relation name in the work's record, the error's label)
    ("is-retracted-by", "RETRACTION"),
    ("has-expression-of-concern", "EXPRESSION OF CONCERN"),
    ("has-retraction", "RETRACTION"),
    ("isRetractedBy", "RETRACTION"),
    ("is-withdrawn-by", "WITHDRAWAL"),
    ("is-partially-retracted-by", "PARTIAL RETRACTION"),
]


@pytest.mark.parametrize("relation, label", RELATIONS)
def test_a_retraction_marked_only_by_a_crossref_relation_is_an_error(check, apis, relation, label):
    bib = plant(apis, "10.5555/fixture.rel", "Fascia and sleep in rowers",
                relation={relation: [{"id-type": "doi", "id": "https://doi.org/10.5555/fixture.rel-notice",
                                      "asserted-by": "object"}]})
    rc, findings, _ = check(bib)
    assert rc == 1 and len(findings) == 1
    assert f"error: {label}: Crossref lists" in findings[0] and "doi 10.5555/fixture.rel-notice" in findings[0]


def test_relations_that_are_not_record_types_are_ignored(check, apis):
    bib = plant(apis, "10.5555/fixture.pre", "Fascia and sleep in rowers",
                relation={"has-preprint": [{"id-type": "doi", "id": "10.5555/x"}],
                          "is-review-of": [{"id-type": "doi", "id": "10.5555/y"}]})
    assert check(bib)[:2] == (0, [])


@pytest.mark.parametrize("where, kind, expected", [
    ("update-to", "Retraction", "is itself a retraction notice about doi 10.5555/fixture.work"),
    ("update-to", "expression-of-concern", "is itself an expression of concern notice about doi 10.5555/fixture.work"),
    ("update-to", "Expression of Concern", "is itself an expression of concern notice about doi 10.5555/fixture.work"),
    ("relation", "is-retraction-of", "is itself a retraction notice about doi 10.5555/fixture.work"),
    ("relation", "is-expression-of-concern-for", "is itself an expression of concern notice about doi"),
])
def test_a_doi_that_is_itself_a_notice_is_an_error_however_marked(check, apis, where, kind, expected):
    target = {"DOI": "10.5555/fixture.work", "type": kind, "updated": {"date-parts": [[2024, 3, 1]]}}
    extra = {"update-to": [target]} if where == "update-to" else \
        {"relation": {kind: [{"id-type": "doi", "id": "10.5555/fixture.work", "asserted-by": "subject"}]}}
    bib = plant(apis, "10.5555/fixture.note", "Fascia and sleep in rowers", **extra)
    rc, findings, _ = check(bib)
    assert rc == 1 and "error: doi 10.5555/fixture.note " + expected in findings[0]


@pytest.mark.parametrize("title, kind", [
    ("Retraction notice to “Fascia and sleep in rowers”", "retraction"),
    ("Retraction: Fascia and sleep in rowers", "retraction"),
    ("Notice of Retraction: Fascia and sleep in rowers", "retraction"),
    ("Expression of Concern: Fascia and sleep in rowers", "expression of concern"),
    ("Withdrawal: Fascia and sleep in rowers", "withdrawal"),
])
def test_a_notice_known_only_by_its_title_is_an_error(check, apis, title, kind):
    bib = plant(apis, "10.5555/fixture.titled", title)
    rc, findings, _ = check(bib)
    assert rc == 1 and f"doi 10.5555/fixture.titled is itself a{'n' if kind[0] in 'aeiou' else ''} {kind} notice, " \
                       "not the work" in findings[0]


@pytest.mark.parametrize("title", ["Retraction of the gingiva with cords: a trial", "Retractions in psychology",
                                   "Withdrawal symptoms after opioids stop"])
def test_a_work_whose_title_only_mentions_retraction_is_not_a_notice(check, apis, title):
    assert check(plant(apis, "10.5555/fixture.word", title))[:2] == (0, [])


@pytest.mark.parametrize("kind, label", [("withdrawal", "WITHDRAWAL"), ("removal", "REMOVAL"),
                                         ("Expression of Concern", "EXPRESSION OF CONCERN"),
                                         ("partial_retraction", "PARTIAL RETRACTION")])
def test_updated_by_types_in_any_spelling_are_errors(check, apis, kind, label):
    bib = plant(apis, "10.5555/fixture.upd", "Fascia and sleep in rowers",
                **{"updated-by": [{"DOI": "10.5555/fixture.upd-notice", "type": kind,
                                   "updated": {"date-parts": [[2025, 1, 2]]}}]})
    rc, findings, _ = check(bib)
    assert rc == 1 and f"error: {label}: Crossref lists" in findings[0] and "2025-01-02" in findings[0]


PUBMED_LINKS = [  # (esummary "references" reftype, the finding)
    ("RetractionIn", "error: RETRACTION: PubMed lists a retraction notice for this work, PMID 39000001"),
    ("Retraction in", "error: RETRACTION: PubMed lists a retraction notice for this work, PMID 39000001"),
    ("ExpressionOfConcernIn", "error: EXPRESSION OF CONCERN: PubMed lists an expression of concern notice"),
    ("Expression of concern in", "error: EXPRESSION OF CONCERN: PubMed lists an expression of concern notice"),
    ("PartialRetractionIn", "error: PARTIAL RETRACTION: PubMed lists"),
    ("ErratumIn", "note: PubMed lists a erratum notice, PMID 39000001"),
]


@pytest.mark.parametrize("reftype, expected", PUBMED_LINKS)
def test_pubmed_comment_and_correction_links_are_read(check, apis, reftype, expected):
    apis.pubmed["31000001"] = pubmed_record("31000001", "Fascia and sleep in rowers.", references=[
        {"refsource": "J Fixture Stud. 2024;9:1", "reftype": reftype, "pmid": 39000001, "note": ""}])
    rc, findings, _ = check(pmid_entry("fixturepm", "31000001", "Fascia and sleep in rowers"))
    assert expected in findings[0] and rc == (0 if "note:" in expected else 1)


@pytest.mark.parametrize("pubtype, references, expected", [
    (["Retraction of Publication"], [], "pmid 39000002 is itself a retraction notice, not the work (PubMed)"),
    (["Journal Article"], [{"reftype": "RetractionOf", "pmid": 31000001}],
     "pmid 39000002 is itself a retraction notice about PMID 31000001, not the work (PubMed)"),
    (["Expression of Concern"], [{"reftype": "ExpressionOfConcernFor", "pmid": 31000001}],
     "pmid 39000002 is itself an expression of concern notice about PMID 31000001"),
    (["Published Erratum"], [], "pmid 39000002 is itself an erratum notice, not the work (PubMed); cite the work's"),
])
def test_a_pmid_that_is_itself_a_notice_is_an_error_never_offered(check, apis, pubtype, references, expected):
    apis.pubmed["39000002"] = pubmed_record("39000002", "Fascia and sleep in rowers.", pubtype=pubtype,
                                            references=references)
    apis.pubmed["39000002"]["articleids"] += [{"idtype": "pmc", "value": "PMC9000002"},
                                              {"idtype": "doi", "value": "10.5555/fixture.notice"}]
    rc, findings, _ = check(pmid_entry("fixturenotice", "39000002", "Fascia and sleep in rowers").replace(
        "  pmid", "  nodoi = {none seen},\n  pmid"))
    assert rc == 1 and len(findings) == 1 and expected in findings[0], findings  # nothing offered from the notice
    assert "PMC9000002" not in findings[0] and "10.5555/fixture.notice" not in findings[0]


def test_a_doi_search_never_offers_a_notice_and_says_when_the_work_is_retracted(check, apis):
    notice = work("10.5555/fixture.srch-notice", "Fascia and sleep in rowers", **{
        "update-to": [{"DOI": "10.5555/fixture.srch", "type": "retraction"}]})
    retracted = work("10.5555/fixture.srch", "RETRACTED: Fascia and sleep in rowers")
    apis.searches["fascia and sleep in"] = [notice, retracted]
    bib = plant(apis, "10.5555/fixture.srch", "Fascia and sleep in rowers").replace(
        "  doi = {10.5555/fixture.srch}", "  nodoi = {none seen}")
    rc, findings, _ = check(bib)
    assert rc == 1 and len(findings) == 2, findings
    assert "warning: DOI available: 10.5555/fixture.srch (" in findings[0]
    assert 'error: RETRACTED: Crossref titles it "RETRACTED: Fascia and sleep in rowers"' in findings[1]


def test_a_pubmed_title_saying_retraction_marks_a_notice(check, apis):
    apis.pubmed["39000003"] = pubmed_record("39000003", "Retraction: Fascia and sleep in rowers.")
    rc, findings, _ = check(pmid_entry("fixturet", "39000003", "Retraction: Fascia and sleep in rowers"))
    assert rc == 1 and "pmid 39000003 is itself a retraction notice, not the work (PubMed)" in findings[0]


def test_make_ref_refuses_a_retracted_work_and_writes_it_only_when_told(add, apis):
    apis.works["10.5555/fixture.rel"] = work("10.5555/fixture.rel", "Fascia and sleep in rowers", relation={
        "is-retracted-by": [{"id-type": "doi", "id": "10.5555/fixture.rel-notice", "asserted-by": "object"}]})
    rc, out, err = add("10.5555/fixture.rel")
    assert (rc, out) == (1, "") and "RETRACTION: Crossref lists a retraction notice for doi 10.5555/fixture.rel" in err
    assert "Do not cite it (nothing added)" in err
    rc, out, err = add("10.5555/fixture.rel", "--cite-retracted")
    assert rc == 0 and "add_reference: WARNING: RETRACTION:" in err
    assert out.startswith("% RETRACTION: Crossref lists a retraction notice") and "@article{fixture2020fascia," in out


def test_make_ref_refuses_the_existing_retraction_fixture_and_a_pubmed_retracted_work(add, apis):
    rc, _, err = add("10.5555/fixture.retracted")  # updated-by in tests/fixtures/online/crossref.json
    assert rc == 1 and "RETRACTION: Crossref lists a retraction notice" in err
    apis.pubmed["23294691"]["pubtype"] = ["Journal Article", "Retracted Publication"]
    rc, _, err = add("23294691")
    assert rc == 1 and "RETRACTED: PubMed marks it as a Retracted Publication" in err


@pytest.mark.parametrize("identifier, expected", [
    ("10.5555/fixture.retraction-notice", "doi 10.5555/fixture.retraction-notice is a retraction notice about doi "
                                          "10.5555/fixture.retracted (Crossref), not a work: look up doi "
                                          "10.5555/fixture.retracted itself"),
    ("39000002", "PMID 39000002 is a retraction notice about PMID 31000001 (PubMed), not a work"),
])
def test_make_ref_never_offers_a_notice_as_the_entry(add, apis, identifier, expected):
    apis.pubmed["39000002"] = pubmed_record("39000002", "Retraction: Fascia and sleep in rowers.",
                                            pubtype=["Retraction of Publication"],
                                            references=[{"reftype": "RetractionOf", "pmid": 31000001}])
    rc, out, err = add(identifier, "--cite-retracted")
    assert (rc, out) == (1, "") and expected in err and "a notice is never cited as the work" in err


# ── Titles without markup, names after transliteration ─────────────────────────

MARKUP = [  # (Crossref's title, ours in references.bib)
    ("Blood CO<sub>2</sub> after rolling", "Blood CO$_2$ after rolling"),
    ("Blood CO<sub>2</sub> after rolling", "Blood CO\\textsubscript{2} after rolling"),
    ("Blood CO<sub>2</sub> after rolling", "Blood CO2 after rolling"),
    ("Fascia at 10<sup>4</sup> cycles", "Fascia at 10$^{4}$ cycles"),
    ("<jats:italic>In vivo</jats:italic> fascia <jats:sc>MRI</jats:sc>", "\\textit{In vivo} fascia {MRI}"),
    ("<i>In vivo</i> fascia", "{\\em In vivo} fascia"),
    ("&lt;i&gt;In vivo&lt;/i&gt; fascia", "In vivo fascia"),  # markup escaped once more
    ("<scp>MRI</scp> of fascia in <span class=\"x\">rowers</span>", "MRI of fascia in rowers"),
    ("<jats:title>Fascia</jats:title><jats:p>in rowers</jats:p>", "Fascia in rowers"),
    ("Fascia of <mml:math><mml:msub><mml:mi>V</mml:mi><mml:mn>2</mml:mn></mml:msub></mml:math> rowers",
     "Fascia of V$_2$ rowers"),
]


@pytest.mark.parametrize("theirs, ours", MARKUP)
def test_titles_compare_without_markup(check, apis, theirs, ours):
    bib = plant(apis, "10.5555/fixture.markup", theirs).replace(f"title = {{{theirs}}}", f"title = {{{ours}}}")
    assert check(bib)[:2] == (0, [])


def test_a_less_than_sign_in_a_title_is_text_not_a_tag():
    assert plain("Pain <3 days vs > 3 days in <i>rowers</i>") == "Pain <3 days vs > 3 days in rowers"
    assert norm_title("p < 0.05 and q > 1") == "p 0 05 and q 1"


@pytest.mark.parametrize("theirs", ["Blood CO<sub>2</sub> after <i>rolling</i>", "Blood CO&lt;sub&gt;2&lt;/sub&gt; "
                                    "after &lt;i&gt;rolling&lt;/i&gt;", "<jats:p>Blood CO<jats:sub>2</jats:sub> after "
                                    "rolling</jats:p>"])
def test_make_ref_writes_titles_without_markup(add, apis, theirs):
    apis.works["10.5555/fixture.sub"] = work("10.5555/fixture.sub", theirs)
    rc, out, _ = add("10.5555/fixture.sub")
    assert rc == 0 and "  title    = {Blood CO2 after rolling},\n" in out and "<" not in out and "&" not in out


NAMES = [  # (Crossref's family name, ours): the same person
    ("Østergaard", "Oestergaard"), ("Østergaard", "Ostergaard"), ("Müller", "Mueller"), ("Mueller", "Müller"),
    ("Müller", "Muller"), ("Łukasiewicz", "Lukasiewicz"), ("Pérez", "Perez"), ("Strauß", "Strauss"),
    # beyond the audit: Turkish, Icelandic, Croatian, Danish, Vietnamese, Cyrillic, Greek-free Latin forms
    ("Yılmaz", "Yilmaz"), ("Þórsson", "Thorsson"), ("Đurić", "Duric"), ("Bæk", "Baek"), ("Nguyễn", "Nguyen"),
    ("Иванов", "Ivanov"), ("Åberg", "Aaberg"), ("Øvreberg", "Ovreberg"),
]


@pytest.mark.parametrize("theirs, ours", NAMES)
def test_names_compare_after_transliteration(check, apis, theirs, ours):
    bib = plant(apis, "10.5555/fixture.name", "Fascia and sleep in rowers", family=theirs)
    bib = bib.replace(f"author = {{{theirs}, Fay}}", f"author = {{{ours}, Fay}}")
    assert same_family(theirs, ours) and check(bib)[:2] == (0, [])


@pytest.mark.parametrize("theirs, ours", [("Müller", "Miller"), ("Østergaard", "Ostrander"), ("Иванов", "Ivanova")])
def test_different_names_are_still_reported(check, apis, theirs, ours):
    assert not family_keys(theirs) & family_keys(ours)
    bib = plant(apis, "10.5555/fixture.name", "Fascia and sleep in rowers", family=theirs)
    bib = bib.replace(f"author = {{{theirs}, Fay}}", f"author = {{{ours}, Fay}}")
    rc, findings, _ = check(bib)
    assert rc == 1 and f'author: ours "{ours}, Fay" vs Crossref' in findings[0]


# ── Pages, years, DOIs as written ─────────────────────────────────────────────

def test_a_record_with_only_the_first_page_accepts_our_range(check, apis):
    bib = plant(apis, "10.5555/fixture.page", "Fascia and sleep in rowers", page="10")
    rc, findings, _ = check(bib)
    assert rc == 0 and findings == ['8: entry \'fixturepage\': note: pages: Crossref lists only the first page "10"; ours '
                                    '"10--20" is kept']
    rc, findings, _ = check(plant(apis, "10.5555/fixture.page", "Fascia and sleep in rowers", page="11"), "--refresh")
    assert rc == 1 and 'pages: ours "10--20" vs Crossref "11"' in findings[0]


def test_the_online_year_against_a_print_year_without_online_date_is_a_note(check, apis):
    apis.pubmed["31000004"] = pubmed_record("31000004", "Fascia and sleep in rowers.", pubdate="2021 Jan")
    rc, findings, _ = check(pmid_entry("fixtureyear", "31000004", "Fascia and sleep in rowers", year="2020"))
    assert rc == 0 and len(findings) == 1 and "note: year: ours 2020 vs PubMed print year 2021, with no online " \
                                              "date in PubMed; 2020 is accepted as the online year" in findings[0]
    rc, findings, _ = check(pmid_entry("fixtureyear", "31000004", "Fascia and sleep in rowers", year="2019"))
    assert rc == 1 and 'year: ours "2019" vs PubMed "2021 (print)"' in findings[0]


def test_pubmed_history_gives_the_online_year(check, apis):
    apis.pubmed["31000005"] = pubmed_record("31000005", "Fascia and sleep in rowers.", pubdate="2021 Jan", history=[
        {"pubstatus": "received", "date": "2019/10/01 00:00"}, {"pubstatus": "aheadofprint", "date": "2020/03/02 00:00"}])
    rc, findings, _ = check(pmid_entry("fixturehist", "31000005", "Fascia and sleep in rowers", year="2020"))
    assert rc == 0 and findings == ["5: entry 'fixturehist': note: year: ours 2020 is the online year in PubMed; the print "
                                    "year is 2021 (either is accepted)"]


def test_crossref_online_year_and_pubmed_print_year_do_not_disagree(check, apis):
    bib = entry("schleip2013training", year="2012")  # online-first: Crossref 2013 print, 2013 online; PubMed 2013
    apis.works["10.1016/j.jbmt.2012.06.007"]["published-online"] = {"date-parts": [[2012, 7, 20]]}
    rc, findings, _ = check(bib)
    assert rc == 0 and findings == ["5: entry 'schleip2013training': note: year: ours 2012 vs PubMed print year 2013, with "
                                    "Crossref gives 2012 as the online year; 2012 is accepted as the online year if "
                                    "the article's own page shows it"]


@pytest.mark.parametrize("written", ["https://doi.org/10.1097/BRS.0000000000001897",
                                     "http://dx.doi.org/10.1097/BRS.0000000000001897",
                                     "doi:10.1097/BRS.0000000000001897",
                                     "https://doi.org/10.1097%2FBRS.0000000000001897"])
def test_a_doi_written_as_a_url_is_told_to_be_written_bare(check, written):
    rc, findings, _ = check(entry("arguisuelas2017mfr", doi=written))
    assert rc == 1 and len(findings) == 1, findings
    assert "entry 'arguisuelas2017mfr': doi: write the DOI bare" in findings[0]
    assert findings[0].endswith("doi = {10.1097/BRS.0000000000001897}") and "does not resolve" not in findings[0]


def test_a_doi_with_a_trailing_full_stop_names_the_fix(check):
    rc, findings, _ = check(entry("arguisuelas2017mfr", doi="10.1097/BRS.0000000000001897."))
    assert rc == 1 and "does not resolve, but 10.1097/BRS.0000000000001897 does: remove the trailing '.'" in findings[0]


def test_something_that_is_not_a_doi_says_so(check, apis):
    rc, findings, _ = check(entry("arguisuelas2017mfr", doi="BRS.0000000000001897"))
    assert rc == 1 and 'doi: "BRS.0000000000001897" is not a DOI' in findings[0]
    assert apis.count("/crossref/") == 0


def test_an_editor_listed_as_an_author_is_found_in_any_spelling(check, apis):
    bib = plant(apis, "10.5555/fixture.ed", "Fascia and sleep in rowers", editor=[{"given": "Anna", "family": "Mueller"}])
    bib = bib.replace("author = {Fixture, Fay}", "author = {Fixture, Fay and Müller, Anna}")
    rc, findings, _ = check(bib)
    assert rc == 1 and 'author: ours lists "Müller, Anna" as an author, Crossref as an editor' in findings[0]
