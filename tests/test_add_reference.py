"""python -m fasciasite.references.add_reference (and `make ref`) against Crossref and E-utilities
served from canned JSON on 127.0.0.1: the issue's example DOI gives the house-style entry,
duplicates are refused with their line, keys stay unique, and --write leaves a file that
parses and that check_bib accepts but for the empty findings. No test reaches the internet."""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from scholarly_apis import FIXTURES

from fasciasite.references import add_reference, refs_online
from fasciasite.references.bib import parse_bib
from fasciasite.references.bibcheck import check_entries
from fasciasite.references.metadata import Person, Work

ROOT = Path(__file__).resolve().parents[1]
ENTRIES = (FIXTURES / "entries.bib").read_text(encoding="utf-8")
FAST = "per_second = 1000.0\ntimeout_seconds = 2.0\nretries = 1\n"
EXAMPLE = "10.1097/BRS.0000000000001897"
EXPECTED = """\
% fetched 2026-12-01 from Crossref (doi 10.1097/BRS.0000000000001897); confirm every field on the paper's own page
@article{arguisuelas2017myofascial,
  author   = {Arguisuelas, María D. and Lisón, Juan Francisco and Sánchez-Zuriaga, Daniel and Martínez-Hurtado, Isabel and Doménech-Fernández, Julio},
  title    = {Effects of Myofascial Release in Nonspecific Chronic Low Back Pain: A Randomized Clinical Trial},
  journal  = {Spine},
  year     = {2017},
  volume   = {42},
  number   = {9},
  pages    = {627--634},
  doi      = {10.1097/BRS.0000000000001897},
  urldate  = {2026-12-01},
  findings = {}
}
"""


def without(key: str, text: str = ENTRIES) -> str:
    return re.sub(r"^@\w+\{" + key + r",\n.*?^\}\n", "", text, flags=re.S | re.M)


@pytest.fixture
def add(tmp_path, capsys, apis):
    """add(identifier, bib_text, *args) -> (exit code, stdout, stderr); the file is tmp_path/references.bib."""

    def run(identifier: str, bib: str = without("arguisuelas2017mfr"), *args: str):
        (tmp_path / "references.bib").write_text(bib, encoding="utf-8")
        (tmp_path / "refs.toml").write_text(FAST, encoding="utf-8")
        capsys.readouterr()
        rc = add_reference.main([identifier, "--bib", str(tmp_path / "references.bib"), "--config", str(tmp_path / "refs.toml"),
                                 "--cache", str(tmp_path / "cache.json"), "--today", "2026-12-01", *args])
        out = capsys.readouterr()
        return rc, out.out, out.err

    return run


def test_issue_example_doi_prints_the_house_style_entry(add, apis):
    rc, out, err = add(EXAMPLE)
    assert (rc, out) == (0, EXPECTED), err
    assert apis.count("/eutils/esearch.fcgi") == 1  # it asked PubMed for a PMID (none is canned for this DOI)


def test_a_doi_url_and_a_pmid_are_accepted_and_bring_pmid_and_pmcid(add):
    rc, out, _ = add("https://doi.org/10.1038/srep45975", without("belavy2017running"))
    assert rc == 0 and "@article{belavy2017running," in out
    assert "  pmid     = {28422125},\n  pmcid    = {PMC5396190},\n" in out and "  pages    = {45975},\n" in out
    rc, by_pmid, _ = add("28422125", without("belavy2017running"))
    assert rc == 0 and by_pmid.splitlines()[1:] == out.splitlines()[1:]


def test_duplicate_doi_is_refused_with_the_entry_line_before_any_request(add, apis):
    bib = ENTRIES
    rc, out, err = add(EXAMPLE.lower(), bib)
    line = bib.count("\n", 0, bib.index("  doi", bib.index("{arguisuelas2017mfr,"))) + 1
    assert (rc, out) == (1, "") and f"references.bib:{line}: entry 'arguisuelas2017mfr' already has doi {EXAMPLE}; " \
                                    "cite it as [@arguisuelas2017mfr] (nothing added)" in err
    assert apis.count() == 0


def test_duplicate_pmid_is_refused_also_when_found_through_the_doi(add):
    rc, _, err = add("23294691", ENTRIES)
    assert rc == 1 and "entry 'schleip2013training' already has pmid 23294691" in err
    only_pmid = ENTRIES.replace("  doi     = {10.1016/j.jbmt.2012.06.007},\n", "")
    rc, _, err = add("10.1016/j.jbmt.2012.06.007", only_pmid)
    assert rc == 1 and "entry 'schleip2013training' already has pmid 23294691" in err


def test_duplicate_title_is_refused(add):
    bib = ("@article{someone2017mfr,\n  author = {Someone, A.},\n  title = {Effects of {Myofascial} Release in "
           "Nonspecific Chronic Low Back Pain: a randomized clinical trial},\n  journal = {Spine},\n  year = {2017}\n}\n")
    rc, _, err = add(EXAMPLE, bib)
    assert rc == 1 and "references.bib:3: entry 'someone2017mfr' already has this title" in err


def test_key_is_surname_year_word_and_unique_in_the_file():
    work = Work("Crossref", titles=["Effects of Myofascial Release in Nonspecific Chronic Low Back Pain"],
                authors=[Person("Doménech-Fernández", "Julio")])
    assert add_reference.make_key(work, "2017", set()) == "domenechfernandez2017myofascial"
    assert add_reference.make_key(work, "2017", {"domenechfernandez2017myofascial"}) == "domenechfernandez2017release"
    taken = {f"domenechfernandez2017{w}" for w in ("myofascial", "release", "nonspecific", "chronic", "low", "back", "pain")}
    assert add_reference.make_key(work, "2017", taken) == "domenechfernandez2017myofascialb"
    group = Work("Crossref", titles=["Global burden of low back pain"], authors=[Person("GBD 2021 Collaborators", "", True)])
    assert add_reference.make_key(group, "2023", set()) == "gbd2023global"


def test_key_taken_in_the_file_moves_to_the_next_title_word(add):
    taken = ENTRIES.replace("{arguisuelas2017mfr,", "{arguisuelas2017myofascial,").replace(EXAMPLE, "10.5555/other")
    taken = taken.replace("Effects of Myofascial Release in Nonspecific", "Another title about")
    rc, out, _ = add(EXAMPLE, taken)
    assert rc == 0 and "@article{arguisuelas2017release," in out


def test_write_appends_an_entry_that_parses_and_check_bib_accepts_but_for_findings(add, tmp_path, capsys, apis):
    bib = without("arguisuelas2017mfr")
    rc, out, err = add(EXAMPLE, bib, "--write")
    assert rc == 0 and out.startswith("add_reference: added arguisuelas2017myofascial to ")
    path = tmp_path / "references.bib"
    text = path.read_text(encoding="utf-8")
    assert text.startswith(bib) and text.endswith(EXPECTED)
    entries, problems = parse_bib(path)
    assert problems == [] and "arguisuelas2017myofascial" in entries
    new = entries["arguisuelas2017myofascial"]
    assert f"at line {new.line}." in out
    assert [p.message.split(";")[0] for p in check_entries({new.key: new}, str(path))] == ["findings is empty"]
    capsys.readouterr()
    rc = refs_online.main(["--bib", str(path), "--key", new.key, "--config", str(tmp_path / "refs.toml"),
                           "--cache", str(tmp_path / "cache.json")])
    assert rc == 0 and capsys.readouterr().out.count("\n") == 1  # the online check finds nothing to report


def test_book_chapter_keeps_editors_as_editors(add):
    rc, out, _ = add("10.5555/fixture.statpearls", "% empty\n")
    assert rc == 0 and "@incollection{bordoni2023myofascial," in out
    assert "  author    = {Bordoni, Bruno and Sugumar, Kavin},\n  editor    = {Varacallo, Matthew},\n" in out


def test_crossref_and_pubmed_disagreeing_is_said_on_stderr(add, apis):
    apis.pubmed["23294691"]["volume"] = "18"
    rc, out, err = add("23294691", without("schleip2013training"))
    assert rc == 0 and "  volume   = {17},\n" in out
    assert "note: volume: Crossref gives 17, PubMed 18; the entry has Crossref's" in err


def test_unknown_identifiers_are_refused_and_bad_ones_are_usage_errors(add, capsys):
    rc, _, err = add("10.5555/fixture.missing", "% empty\n")
    assert rc == 1 and "doi 10.5555/fixture.missing is in neither Crossref nor PubMed" in err
    rc, _, err = add("99999999", "% empty\n")
    assert rc == 1 and "PMID 99999999 is not in PubMed" in err
    with pytest.raises(SystemExit) as exit_:
        add_reference.main(["not-an-id"])
    assert exit_.value.code == 2 and "is not a DOI (10.xxxx/...), a PMID" in capsys.readouterr().err


@pytest.mark.skipif(shutil.which("make") is None, reason="needs make")
def test_make_ref_prints_the_entry_for_the_issue_example(tmp_path, apis):
    (tmp_path / "references.bib").write_text(without("arguisuelas2017mfr"), encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k not in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL")} | apis.env
    # -o venv: the test must not (re)install anything; BIN: this interpreter's venv.
    make = ["make", "-s", "--no-print-directory", "-f", str(ROOT / "Makefile"), "-C", str(tmp_path), "-o", "venv"]
    result = subprocess.run([*make, "ref", f"ID={EXAMPLE}", f"BIN={Path(sys.executable).parent}"],
                            capture_output=True, text=True, env=env, timeout=60)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert re.fullmatch(r"  urldate  = \{\d{4}-\d{2}-\d{2}\},", lines[-3])  # today, as make ref writes it
    assert [line for line in lines if "urldate" not in line][1:] == \
        [line for line in EXPECTED.splitlines() if "urldate" not in line][1:]
    bad = subprocess.run([*make, "ref"], capture_output=True, text=True, env=env, timeout=60)
    assert bad.returncode != 0 and "usage: make ref ID=" in bad.stdout
