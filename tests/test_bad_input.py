"""Every author mistake of the bad-input audit fails clearly, and valid input passes.

The cases are the rows of tests/test_bad_input_cases.py (the audit's table, 83 cases, and
more). Builds are few and shared: one strict build holds every page fault, one every
valid input; each broken references.bib and each other stop-at-once fault gets its own
small build, and `make check` (python -m fasciasite.authoring.check) runs on three fixture sites.
Every assertion names the file, the line and the words of the fix the author reads.
"""
from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from conftest import ROOT, build_env, make_fixture_site, mkdocs_build
from test_bad_input_cases import BIB, BIB_HEAD, BIB_KEY, PAGES, PAREN, PASS, TARGET, article, page

from fasciasite.references import bibcheck

REAL_BIB = (ROOT / "references.bib").read_text(encoding="utf-8")
BAD_BIB_BASE = BIB_HEAD + REAL_BIB  # the placeholder entry the references.bib rows plant into, then the real file


def run(root: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, *args], cwd=root, capture_output=True, text=True, env=build_env(), timeout=300)


def output(result: subprocess.CompletedProcess) -> str:
    return result.stdout + result.stderr


def assert_clear(result, expected: list[str]) -> None:
    out = output(result)
    assert result.returncode != 0, out[-2000:]
    assert "Traceback" not in out, out[-3000:]
    missing = [text for text in expected if text not in out]
    assert not missing, f"missing from the output: {missing}\n--- output ---\n{out[-6000:]}"


# ── Page faults: one strict build ────────────────────────────────────────────


@pytest.fixture(scope="module")
def pages_build(tmp_path_factory):
    root = tmp_path_factory.mktemp("bad-pages")
    pages = dict(TARGET)
    for _case, planted, _expected in PAGES:
        pages.update(planted)
    nav = [p for p in pages if p.endswith(".md") and p != "not-in-nav.md"] + ["fascia/fascia-and-sleep.md"]  # 7a, 7b
    config = make_fixture_site(root, pages, nav=nav)
    with open(root / "includes" / "glossary.md", "a", encoding="utf-8") as f:  # case 11
        f.write("\n*[stray term] no colon here\n")
    return mkdocs_build(config, root / "site")


@pytest.mark.parametrize("case", PAGES, ids=[c[0] for c in PAGES])
def test_each_page_mistake_fails_the_build_with_file_line_and_fix(pages_build, case):
    assert_clear(pages_build, case[2])


# ── references.bib faults: a build each (a broken .bib stops the build at once) ──


@pytest.fixture(scope="module")
def bib_site(tmp_path_factory):
    root = tmp_path_factory.mktemp("bad-bib")
    config = make_fixture_site(root, {"index.md": page("Home", f"A claim [@{BIB_KEY}].")})
    return root, config


def test_the_bib_rows_plant_into_a_base_with_no_problem(tmp_path):
    """Each row's failure is its own fault: the base it plants into passes every build rule."""
    (tmp_path / "references.bib").write_text(BAD_BIB_BASE, encoding="utf-8")
    assert [str(p) for p in bibcheck.build_problems(tmp_path / "references.bib")] == []


@pytest.mark.parametrize("case", BIB, ids=[c[0] for c in BIB])
def test_each_references_bib_mistake_fails_the_build_with_line_and_fix(bib_site, case):
    root, config = bib_site
    planted = case[1](BAD_BIB_BASE)
    assert planted != BAD_BIB_BASE, f"{case[0]}: the plant changed nothing; its anchor text is not in BIB_HEAD"
    (root / "references.bib").write_bytes(planted.encode("utf-8", errors="surrogateescape"))
    assert_clear(mkdocs_build(config, root / "site"), case[2])


def test_a_bib_that_is_not_utf8_gives_one_problem_not_one_per_citation(bib_site):
    root, _ = bib_site
    (root / "references.bib").write_bytes(BAD_BIB_BASE.replace("Müller", "M\udcfcller", 1).encode("utf-8", "surrogateescape"))
    result = run(root, "-m", "fasciasite.references.bib")
    assert result.returncode == 1 and result.stdout.count("\n") == 2, result.stdout[-2000:]


def test_5000_entries_are_checked_without_a_problem(tmp_path):  # audit 9b
    entries = "".join(f"@online{{site{i}2020page,\n  title = {{Page {i}}},\n  organization = {{NHS}},\n"
                      f"  url = {{https://www.nhs.uk/{i}/}},\n  urldate = {{2026-11-30}},\n  uncited = {{bulk}}\n}}\n"
                      for i in range(5000))
    (tmp_path / "references.bib").write_text(entries, encoding="utf-8")
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "index.md").write_text("No citations here.\n", encoding="utf-8")
    result = run(tmp_path, "-m", "fasciasite.references.bib")
    assert result.returncode == 0 and "5000 entries" in result.stdout, output(result)[-2000:]


# ── Valid input: one build passes and renders it ────────────────────────────


@pytest.fixture(scope="module")
def pass_site(tmp_path_factory):
    root = tmp_path_factory.mktemp("good-input")
    pages = {"index.md": page("Home", "Text.")}
    for _case, planted, _expected in PASS:
        pages.update(planted)
    config = make_fixture_site(root, pages, bib="\ufeff" + REAL_BIB + PAREN)  # O5: a BOM in references.bib
    result = mkdocs_build(config, root / "site")
    assert result.returncode == 0, output(result)[-4000:]
    return root


@pytest.mark.parametrize("case", PASS, ids=[c[0] for c in PASS])
def test_valid_input_builds_and_renders(pass_site, case):
    for name in case[1]:
        html = (pass_site / "site" / name.removesuffix(".md") / "index.html").read_text(encoding="utf-8")
        for text in case[2]:
            assert text in html, (name, text)


def test_the_valid_input_site_has_no_raw_citation_syntax(pass_site):  # once for the site, not once per case
    rawcites = run(pass_site, "-m", "fasciasite.references.rawcites", "site")
    assert rawcites.returncode == 0, rawcites.stdout


def test_a_bom_gives_no_phantom_markdown_lint_errors(pass_site):  # audit 12b
    result = run(pass_site, "-m", "fasciasite.authoring.markdown_style", "--config", str(ROOT / ".pymarkdown.json"), "docs")
    assert "p12b.md" not in output(result), output(result)


# ── make check: as strict as the build, plus the author checks ──────────────

CHECK = ["-m", "fasciasite.authoring.check", "--root", "."]


def test_make_check_fails_whenever_the_build_fails_and_names_the_step(tmp_path):  # 7a, 11, O41
    config = make_fixture_site(tmp_path, {"index.md": page("Home", "Text."), "orphan.md": page("Orphan", "Text.")},
                               nav=["index.md"])
    with open(tmp_path / "includes" / "glossary.md", "a", encoding="utf-8") as f:
        f.write("\n*[stray term] no colon here\n")
    assert config.is_file()
    result = run(tmp_path, *CHECK, "--skip", "bib", "urgent", "numbers", "articles", "readability", "spelling", "markdown")
    assert_clear(result, ["FAIL  build", "not included in the \"nav\" configuration", "orphan.md", "not a glossary line",
                          "SKIP  links", "Failed: build"])


def test_make_check_runs_the_author_checks_on_a_passing_build(tmp_path):  # 6c, 9a, O25, O40
    body = "Plain words about the back and how it moves. " * 5500
    pages = {
        "index.md": page("Home", "Text."),
        "fascia/c6c.md": article("C6c").replace("Text.", "![](../assets/layers.svg)"),
        "fascia/o40.md": article("O40").replace("Text.", "!!! abstract Key points\n\n    - one\n    - two\n    - three"),
        "fascia/c9a.md": article("C9a").replace("Text.", body),
        "assets/layers.svg": TARGET["assets/layers.svg"],
    }
    make_fixture_site(tmp_path, pages, nav=[p for p in pages if p.endswith(".md")])
    (tmp_path / "published-urls.txt").write_text("/\n/old-page/\n", encoding="utf-8")
    result = run(tmp_path, *CHECK, "--skip", "bib", "urgent", "numbers", "readability", "spelling", "markdown", "links")
    assert_clear(result, ["PASS  build", "FAIL  urls", "published-urls.txt:2: /old-page/ no longer works; add a redirect",
                          "FAIL  articles", "docs/fascia/c6c.md:14: image ../assets/layers.svg needs alt text",
                          "docs/fascia/o40.md:14: the key points box is written wrongly; write exactly !!! abstract \"Key points\"",
                          "docs/fascia/c9a.md:1: 49500 words of prose; articles need 900-2200"])


def test_a_yaml_mistake_in_mkdocs_yml_is_named_with_its_line(tmp_path):  # O24
    config = make_fixture_site(tmp_path, {"index.md": page("Home", "Text.")})
    text = config.read_text(encoding="utf-8")
    config.write_text(text.replace("\nnav:\n- index.md", "\nnav:\n  - index.md\n - index.md"), encoding="utf-8")
    line = config.read_text(encoding="utf-8").splitlines().index(" - index.md") + 1
    assert_clear(run(tmp_path, *CHECK), ["FAIL  config", f"mkdocs.yml:{line}:", "is not valid YAML", "indentation"])
    assert_clear(mkdocs_build(config, tmp_path / "site"), ["mkdocs.yml"])


def test_a_windows_1252_page_is_named_with_its_line(tmp_path):  # O31
    text = page("Accents", "Fascia (say \u201cFASH-uh\u201d) is everywhere. Caf\u00e9.")
    config = make_fixture_site(tmp_path, {"index.md": page("Home", "Text."), "cp.md": "x"})
    (tmp_path / "docs" / "cp.md").write_bytes(text.encode("cp1252"))
    expected = ["docs/cp.md:8: is not UTF-8 (byte 0x93", "save the file as UTF-8"]
    assert_clear(mkdocs_build(config, tmp_path / "site"), expected)
    assert_clear(run(tmp_path, *CHECK), ["FAIL  encoding", *expected])


def test_a_glossary_term_defined_twice_fails(tmp_path):  # O30 (the rule is fasciasite/content/glossary.py's)
    config = make_fixture_site(tmp_path, {"index.md": page("Home", "Text.")})
    with open(tmp_path / "includes" / "glossary.md", "a", encoding="utf-8") as f:
        f.write("\n*[collagen]: A protein found in skin.\n")
    assert_clear(mkdocs_build(config, tmp_path / "site"), ["glossary.md:", "collagen"])


# ── new_article: refusals and awkward titles (8a-8e, O26-O28) ────────────────


@pytest.fixture
def project(tmp_path):
    for name in ("mkdocs.yml", "published-urls.txt"):
        shutil.copy(ROOT / name, tmp_path / name)
    shutil.copytree(ROOT / "docs", tmp_path / "docs")
    return tmp_path


NEW = [
    (["What is fascia?", "--section", "fascia"], 2, ["already exists; refusing to overwrite it. Nothing was written."]),
    (["What is fascia?", "--section", "back-pain"], 2, ["already uses the slug 'what-is-fascia'; pick another with --slug"]),
    (["?!... --- !!!", "--section", "fascia"], 2, ["the title gives no ASCII slug; pass one with --slug"]),
    (["Fascia and sleep", "--section", "sleep"], 2, ["unknown section 'sleep'; use one of: fascia"]),
    (["Fascia and sleep", "--section", "fascia", "--slug", "fascia and sleep"], 2, ["is not URL-safe"]),
    (["Fascia: is \"tight fascia\" real? #1", "--section", "fascia"], 0, ["fascia-is-tight-fascia-real-1"]),
    (["Fascia and sleep \u2013 \u00e7a va? \u7761\u7720", "--section", "fascia"], 0, ["fascia-and-sleep-ca-va"]),
    (["Fascia and sleep", "--section", "fascia", "--tags", "Low back pain"], 2, ["allowed"]),
]


def new_article(project: Path, args: list[str], capsys, new_process: bool) -> tuple[int, str]:
    """(exit code, what it printed) of python -m fasciasite.authoring.new_article ARGS, in this process
    (main(argv)) or, new_process=True, as the command line runs it."""
    argv = [*args, "--root", str(project), "--today", "2026-11-30"]
    if new_process:
        result = run(project, "-m", "fasciasite.authoring.new_article", *argv)
        return result.returncode, output(result)
    from fasciasite.authoring import new_article as command

    try:
        code = command.main(argv)
    except SystemExit as exc:  # argparse's refusals
        code = exc.code
    printed = capsys.readouterr()
    return code, printed.out + printed.err


@pytest.mark.parametrize("args,status,says", NEW, ids=["8a", "8a-slug", "8b", "8c", "8d", "O26", "O27", "O28"])
def test_new_article_refuses_clearly_or_writes_a_valid_page(project, args, status, says, capsys, request):
    new_process = request.node.callspec.id == "O26"  # one case as the command line runs it; the rest in process
    code, out = new_article(project, args, capsys, new_process)
    assert code == status and "Traceback" not in out, out
    assert all(s in out for s in says), out
    if status == 0:
        code, again = new_article(project, args, capsys, new_process)  # 8e: twice in a row
        assert code == 2 and "Nothing was written" in again
        new = next((project / "docs" / "fascia").glob(f"*{says[0]}.md"))
        front = yaml.safe_load(new.read_text(encoding="utf-8").split("---")[1])
        assert front["title"] == args[0] and front["reviewer"] == ""  # valid YAML, reviewer empty
        assert set(front) >= {"description", "author", "published", "last_reviewed", "next_review", "tags"}  # every field to fill in
