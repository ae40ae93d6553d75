"""Every case of the 7 December bad-input audit, its probes, 40 new author mistakes and the
fresh round's safety-class cases (tests/test_bad_input_cases_dec.py) fails clearly, or passes
where it is not a mistake.

Each row runs in-process through the same function the build and `make check` call
(tests/bad_input_kinds.py), so the whole table takes seconds; the build and make check
wiring of each rule is tested beside the rule (test_urgent_help, test_output_check,
test_published_urls, test_numbers, test_workflows) and by one fixture build below.
"""
from __future__ import annotations

import re

import pytest
from bad_input_kinds import KINDS, article
from conftest import ROOT, make_fixture_site, mkdocs_build
from test_bad_input_cases_dec import DEC7, FRESH, NEW, PROBES

ROWS = DEC7 + PROBES + NEW + FRESH


def test_the_table_holds_every_counted_case_and_forty_new_ones():
    assert [r[0] for r in DEC7 if not r[0].endswith("b")] == [f"G-{i}" for i in range(1, 41)]
    assert len([r for r in NEW if r[4] == "new"]) == 40
    assert len({r[0] for r in ROWS}) == len(ROWS)


@pytest.mark.parametrize("row", ROWS, ids=[r[0] for r in ROWS])
def test_each_mistake_fails_clearly_or_a_correct_edit_passes(row):
    case, kind, planted, expected, _before = row
    if kind == "covered":
        path, name = planted.split("::")
        assert re.search(rf"^def {name}\(", (ROOT / path).read_text(encoding="utf-8"), re.M), planted
        return
    out = KINDS[kind](planted)
    assert "Traceback" not in out, out
    if not expected:
        assert out == "", f"{case}: a correct edit was reported:\n{out}"
        return
    missing = [text for text in expected if text not in out]
    assert not missing, f"{case}: missing {missing} from:\n{out}"
    for line in out.splitlines():  # one kind of problem message: file:line: what; fix
        assert re.match(r"^[\w./ -]+:\d+: ", line), f"{case}: not file:line: {line}"


# ── The same rules in a real strict build (several planted faults, one build) ──


def test_the_build_reports_the_new_rules_with_file_and_line(tmp_path):
    body = ("# Planted\n\nText.\n\n## Nerves in fascia [@tesarz2011innervation]\n\n"
            "See [the 2017 paper [@adstrum2017defining]](https://doi.org/10.1016/j.jbmt.2016.11.003).\n\n"
            "Sprints were about 7% faster [@wiewelhove2019foam].\n")
    pages = {
        "index.md": "---\ntitle: Home\ndescription: The home page of the planted fixture site, long enough to pass the rule.\n---\n\n# Home\n\nText.\n",
        "fascia/planted.md": article("Planted", next_review="2099-11-24") + "\n" + body,
        "fascia/runner.md": article('"Case study: a runner"', last_reviewed="2099-01-01", next_review="2099-06-01") + "\n# Runner\n\nText.\n",
    }
    config = make_fixture_site(tmp_path, pages)
    text = config.read_text(encoding="utf-8").replace("redirect_maps: {}", "redirect_maps:\n      fascia/planted.md: index.md")
    config.write_text(text, encoding="utf-8")
    result = mkdocs_build(config, tmp_path / "site")
    out = result.stdout + result.stderr
    assert result.returncode != 0 and "Traceback" not in out, out[-3000:]
    for says in ["docs/fascia/planted.md:8: front matter 'next_review': 2099-11-24 is more than 12 months",
                 "docs/fascia/planted.md:16: a citation in a heading",
                 "docs/fascia/planted.md:18: a citation inside link text",
                 "docs/fascia/planted.md:20: states 7%",
                 "docs/fascia/runner.md:7: front matter 'last_reviewed': 2099-01-01 is in the future",
                 "docs/fascia/runner.md:1: front matter 'consent': is missing",
                 "redirect_maps 'fascia/planted.md: index.md' starts at a live page"]:
        assert says in out, f"missing {says!r}:\n{out[-5000:]}"
