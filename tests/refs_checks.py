"""Fixtures and record builders shared by the reference checker's tests against the
local stand-in services (tests/scholarly_apis.py): test_refs_online_records.py (record
types, markup, names, pages, years, DOIs) and test_refs_online_misbehaving.py (a service
that misbehaves). Imported fixtures: apis, check, add."""
from __future__ import annotations

import pytest
from scholarly_apis import run_refs_online
from test_refs_online import entry, synthetic

from fasciasite.references import add_reference

QUICK = "per_second = 1000.0\ntimeout_seconds = 1.0\nretries = 0\nmax_wait_seconds = 1.0\n"
ARGUISUELAS = "/crossref/works/10.1097/BRS.0000000000001897"
# Another entry in the same run, with a planted fault: it must still be found.
WITNESS = entry("ajimsha2015mfr", pages="102")
WITNESS_FINDING = 'entry \'ajimsha2015mfr\': pages: ours "102" vs Crossref "102-112"'


@pytest.fixture
def check(tmp_path, capsys, apis):
    """check(bib_text, config=QUICK) -> (exit code, finding lines, summary line)."""

    def run(bib: str, *args: str, config: str = QUICK):
        return run_refs_online(tmp_path, capsys, bib, args, config)

    return run


@pytest.fixture
def add(tmp_path, capsys, apis):
    """add(identifier, *args) -> (exit code, stdout, stderr) against an almost empty file."""

    def run(identifier: str, *args: str):
        (tmp_path / "references.bib").write_text("% empty\n", encoding="utf-8")
        (tmp_path / "refs.toml").write_text(QUICK, encoding="utf-8")
        capsys.readouterr()
        rc = add_reference.main([identifier, "--bib", str(tmp_path / "references.bib"), "--config",
                                 str(tmp_path / "refs.toml"), "--cache", str(tmp_path / "cache.json"),
                                 "--today", "2026-12-07", *args])
        out = capsys.readouterr()
        return rc, out.out, out.err

    return run


def work(doi: str, title: str, family: str = "Fixture", year: int = 2020, **extra) -> dict:
    """A Crossref work record in the REST API's documented shape (synthetic DOI prefix 10.5555)."""
    record = {"DOI": doi, "type": "journal-article", "publisher": "Fixture Press", "title": [title],
              "author": [{"given": "Fay", "family": family, "sequence": "first", "affiliation": []}],
              "container-title": ["Journal of Fixture Studies"], "volume": "3", "issue": "2", "page": "10-20",
              "issued": {"date-parts": [[year]]}, "published-print": {"date-parts": [[year, 5]]}}
    record.update(extra)
    return record


def plant(apis, doi: str, title: str, family: str = "Fixture", year: int = 2020, **extra) -> str:
    """Serve a synthetic work; returns its bib entry (key fixture + last DOI part)."""
    apis.works[doi.lower()] = work(doi, title, family, year, **extra)
    key = "fixture" + doi.rsplit(".", 1)[-1].replace("-", "")
    return synthetic(key, doi, title, f"{family}, Fay", str(year))


def pubmed_record(uid: str, title: str, name: str = "Fixture F", pubdate: str = "2020 May", **extra) -> dict:
    """An esummary (db=pubmed, retmode=json) document summary."""
    record = {"uid": uid, "title": title, "authors": [{"name": name, "authtype": "Author", "clusterid": ""}],
              "source": "J Fixture Stud", "fulljournalname": "Journal of fixture studies", "pubdate": pubdate,
              "epubdate": "", "volume": "3", "issue": "2", "pages": "10-20", "pubtype": ["Journal Article"],
              "articleids": [{"idtype": "pubmed", "idtypen": 1, "value": uid}]}
    record.update(extra)
    return record


def pmid_entry(key: str, pmid: str, title: str, author: str = "Fixture, Fay", year: str = "2020") -> str:
    return (f"@article{{{key},\n  author = {{{author}}},\n  title = {{{title}}},\n  journal = {{Journal of Fixture "
            f"Studies}},\n  year = {{{year}}},\n  volume = {{3}},\n  number = {{2}},\n  pages = {{10--20}},\n"
            f"  pmid = {{{pmid}}}\n}}\n")
