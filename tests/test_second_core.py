"""The second core (fasciasite/secondcore.py) changes no answer, only where the work is done:

- a build whose checks ran ahead in the second process reports exactly the problems, at the
  same file:line, that the one-process build reports (planted faults of three checks);
- a clean site built with it is the same, byte for byte, as without (sheets' QR codes included);
- when the second process fails, the main process does all the work and still reports every problem.
"""
from __future__ import annotations

import re

import pytest
from conftest import build_in_process, make_fixture_site

from fasciasite import pagecache, secondcore

HOME = "---\ntitle: Home\ndescription: The home page of the planted fixture site, long enough to pass the rule.\n---\n\n"
ARTICLE = ("---\ntitle: Article {n}\ndescription: A planted article, number {n}, long enough for the description "
           "rule of the site.\nauthor: editorial-team\nreviewer: \"\"\npublished: 2026-11-24\nlast_reviewed: 2026-11-24\n"
           "next_review: 2027-11-24\ntags: [fascia, anatomy]\n---\n\n# Article {n}\n\n{body}\n")
FAULTS = {
    # a number its source's findings do not state (the numbers check)
    "fascia/a3.md": "Sprints were about 7% faster [@wiewelhove2019foam].",
    # an unknown shortcode (the shortcode check)
    "fascia/a5.md": "<!-- md:urgent-halp -->",
}


def pages(faults: dict[str, str]) -> dict[str, str]:
    out = {"index.md": HOME + "# Home\n\nText.\n"}
    for n in range(8):
        src = f"fascia/a{n}.md"
        out[src] = ARTICLE.format(n=n, body=faults.get(src, "Gentle movement helps most people."))
    return out


def problems(stderr: str) -> list[str]:
    return sorted(set(re.findall(r"docs/[\w/.-]+\.md:\d+: [^\n]*", stderr)))


def build(tmp_path, name: str, faults: dict[str, str], on: bool, monkeypatch) -> tuple[object, object]:
    root = tmp_path / name
    root.mkdir()
    config = make_fixture_site(root, pages(faults))
    monkeypatch.setattr(secondcore, "MIN_PAGES", 2 if on else 10**9)
    pagecache.clear()
    result = build_in_process(config, root / "site")
    return result, dict(pagecache.stats)


@pytest.mark.skipif(not secondcore.available(), reason="needs two cores and fork")
def test_checks_done_on_the_second_core_report_the_same_problems_at_the_same_lines(tmp_path, monkeypatch):
    ahead, ahead_stats = build(tmp_path, "ahead", FAULTS, True, monkeypatch)
    alone, alone_stats = build(tmp_path, "alone", FAULTS, False, monkeypatch)
    assert ahead.returncode == alone.returncode == 1
    found = problems(ahead.stderr)
    assert found == problems(alone.stderr)
    assert any("docs/fascia/a3.md:" in p and "7%" in p for p in found), found
    assert any("docs/fascia/a5.md:" in p and "urgent-halp" in p for p in found), found
    assert ahead_stats["hits"] >= 2 * 9 - 2 and alone_stats["hits"] == 0  # the second core's results were used


@pytest.mark.skipif(not secondcore.available(), reason="needs two cores and fork")
def test_a_site_built_with_the_second_core_is_the_same_byte_for_byte(tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1765000000")
    ahead, _ = build(tmp_path, "ahead", {}, True, monkeypatch)
    alone, _ = build(tmp_path, "alone", {}, False, monkeypatch)
    assert ahead.returncode == alone.returncode == 0, ahead.stderr[-2000:]
    a, b = tmp_path / "ahead" / "site", tmp_path / "alone" / "site"
    sheets = sorted(p.relative_to(a) for p in a.rglob("take-home/index.html"))
    assert len(sheets) == 8 and all("<svg" in (a / s).read_text(encoding="utf-8") for s in sheets)

    files = {p.relative_to(a) for p in a.rglob("*") if p.is_file()}
    assert files == {p.relative_to(b) for p in b.rglob("*") if p.is_file()}
    assert [str(f) for f in sorted(files) if (a / f).read_bytes() != (b / f).read_bytes()] == []


@pytest.mark.skipif(not secondcore.available(), reason="needs two cores and fork")
def test_when_the_second_process_fails_the_main_process_checks_everything(tmp_path, monkeypatch):
    def broken(*_args, **_kwargs):
        raise RuntimeError("planted failure in the second process")

    monkeypatch.setattr(secondcore, "Page", broken)  # used only by the second process
    ahead, stats = build(tmp_path, "ahead", FAULTS, True, monkeypatch)
    assert ahead.returncode == 1
    found = problems(ahead.stderr)
    assert any("docs/fascia/a3.md:" in p and "7%" in p for p in found), found
    assert any("docs/fascia/a5.md:" in p and "urgent-halp" in p for p in found), found
    assert stats["hits"] == 0
