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
FAULTS = {  # one planted fault for each step of the page pipeline, and the anchor check after it
    # a link to a heading the other page does not have (author checks, checked once all pages are rendered)
    "fascia/a1.md": "Read [the other article](a0.md#no-such-heading).",
    # a link to a page that does not exist (author checks)
    "fascia/a2.md": "Read [the missing article](missing-article.md).",
    # a number its source's findings do not state (the numbers check)
    "fascia/a3.md": "Sprints were about 7% faster [@wiewelhove2019foam].",
    # a citation key references.bib does not have (citations)
    "fascia/a4.md": "Rolling helps some people [@nosuchkey2020].",
    # an unknown shortcode (the shortcode check)
    "fascia/a5.md": "<!-- md:urgent-halp -->",
    # a red-flag sign sent somewhere less urgent (the urgent-help lint)
    "fascia/a6.md": "Call NHS 111 straight away if back pain comes with chest pain.",
}
EXPECTED = {"fascia/a1.md": "no-such-heading", "fascia/a2.md": "missing-article.md", "fascia/a3.md": "7%",
            "fascia/a4.md": "nosuchkey2020", "fascia/a5.md": "urgent-halp", "fascia/a6.md": "chest pain"}


def pages(faults: dict[str, str]) -> dict[str, str]:
    out = {"index.md": HOME + "# Home\n\nText.\n"}
    for n in range(8):
        src = f"fascia/a{n}.md"
        out[src] = ARTICLE.format(n=n, body=faults.get(src, "Gentle movement helps most people."))
    return out


def problems(stderr: str) -> list[str]:
    return sorted(set(re.findall(r"docs/[\w/.-]+\.md:\d+: [^\n]*", stderr)))


def build(tmp_path, name: str, faults: dict[str, str], on: bool, monkeypatch) -> tuple[object, int]:
    """The build's result and how many pages' pipeline results came from the second core."""
    root = tmp_path / name
    root.mkdir()
    config = make_fixture_site(root, pages(faults))
    monkeypatch.setattr(secondcore, "MIN_PAGES", 2 if on else 10**9)
    monkeypatch.setattr(secondcore, "PATIENT", True)  # every page from the second core, however fast the main process is
    used = []
    close = secondcore.SecondCore._close

    def counted(self):  # the end of every build: it finished, or stopped on failing
        used.append(self.used)
        close(self)

    monkeypatch.setattr(secondcore.SecondCore, "_close", counted)
    pagecache.clear()
    result = build_in_process(config, root / "site")
    return result, max(used, default=0)


@pytest.mark.skipif(not secondcore.available(), reason="needs two cores and fork")
def test_checks_done_on_the_second_core_report_the_same_problems_at_the_same_lines(tmp_path, monkeypatch):
    ahead, ahead_used = build(tmp_path, "ahead", FAULTS, True, monkeypatch)
    alone, alone_used = build(tmp_path, "alone", FAULTS, False, monkeypatch)
    assert ahead.returncode == alone.returncode == 1
    found = problems(ahead.stderr)
    assert found == problems(alone.stderr)
    for src, what in EXPECTED.items():
        assert any(f"docs/{src}:" in p and what in p for p in found), (src, found)
    assert ahead_used == 9 and alone_used == 0  # every page's pipeline ran on the second core


@pytest.mark.skipif(not secondcore.available(), reason="needs two cores and fork")
@pytest.mark.parametrize("slow_qr", [False, True], ids=["second core draws QR codes", "main process draws most"])
def test_a_site_built_with_the_second_core_is_the_same_byte_for_byte(tmp_path, monkeypatch, slow_qr):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1765000000")
    if slow_qr:  # the second process (forked with this module state) draws slowly: the main one draws the rest
        import time

        from fasciasite.publishing import sheet

        draw = sheet.qr_svg
        monkeypatch.setattr(sheet, "qr_svg", lambda address: (time.sleep(0.3), draw(address))[1])
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
    ahead, used = build(tmp_path, "ahead", FAULTS, True, monkeypatch)
    assert ahead.returncode == 1
    found = problems(ahead.stderr)
    for src, what in EXPECTED.items():
        assert any(f"docs/{src}:" in p and what in p for p in found), (src, found)
    assert used == 0


def test_a_result_is_keyed_by_everything_the_pipeline_reads(tmp_path):
    """pipeline_key changes with the page's texts, place, path, the data and the site's files;
    site_key with any file added and any other page's text (links and the article list read them)."""
    from types import SimpleNamespace

    from mkdocs.structure.files import File, Files

    docs = tmp_path / "docs"
    docs.mkdir()
    for name, text in {"a.md": "# A\n", "b.md": "# B\n"}.items():
        (docs / name).write_text(text, encoding="utf-8")

    def files(*names: str) -> Files:
        return Files([File(n, str(docs), str(tmp_path / "site"), True) for n in names])

    site = SimpleNamespace(urgent=SimpleNamespace(fingerprint=lambda: "data-1"))
    page = SimpleNamespace(file=SimpleNamespace(src_uri="a.md"))
    base = secondcore.site_key(files("a.md", "b.md"))
    key = secondcore.pipeline_key(site, base, page, "# A\n", "# A\n", 0)
    assert key == secondcore.pipeline_key(site, base, page, "# A\n", "# A\n", 0)
    other_page = SimpleNamespace(file=SimpleNamespace(src_uri="b.md"))
    changed = [secondcore.pipeline_key(site, base, page, "# A!\n", "# A\n", 0),
               secondcore.pipeline_key(site, base, page, "# A\n", "# A!\n", 0),
               secondcore.pipeline_key(site, base, page, "# A\n", "# A\n", 1),
               secondcore.pipeline_key(site, base, other_page, "# A\n", "# A\n", 0),
               secondcore.pipeline_key(SimpleNamespace(urgent=SimpleNamespace(fingerprint=lambda: "data-2")),
                                       base, page, "# A\n", "# A\n", 0),
               secondcore.pipeline_key(site, "another site", page, "# A\n", "# A\n", 0)]
    assert key not in changed and len(set(changed)) == len(changed)
    (docs / "c.md").write_text("# C\n", encoding="utf-8")
    assert secondcore.site_key(files("a.md", "b.md", "c.md")) != base
    import os
    import time

    (docs / "b.md").write_text("# B, edited\n", encoding="utf-8")
    os.utime(docs / "b.md", ns=(time.time_ns(), time.time_ns() + 10**9))  # a new modification time: read again
    assert secondcore.site_key(files("a.md", "b.md")) != base


@pytest.mark.skipif(not secondcore.available(), reason="needs two cores and fork")
def test_when_the_second_process_fails_at_the_search_step_the_main_one_writes_the_lay_words(tmp_path, monkeypatch):
    import json
    import os

    from fasciasite.publishing.search_index import SearchIndex

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1765000000")
    alone, _ = build(tmp_path, "alone", {}, False, monkeypatch)
    main_pid, on_post_build = os.getpid(), SearchIndex.on_post_build

    def only_here(self, config):
        if os.getpid() != main_pid:
            raise RuntimeError("planted failure of the search step in the second process")
        on_post_build(self, config)

    monkeypatch.setattr(SearchIndex, "on_post_build", only_here)
    ahead, _ = build(tmp_path, "ahead", {}, True, monkeypatch)
    assert ahead.returncode == alone.returncode == 0, ahead.stderr[-2000:]
    index = (tmp_path / "ahead" / "site" / "search" / "search_index.json").read_bytes()
    assert index == (tmp_path / "alone" / "site" / "search" / "search_index.json").read_bytes()
    assert "urgent" in json.loads(index)["config"]  # the search step ran (it writes the urgent signs there)


@pytest.mark.parametrize("on", [True, False], ids=["with the second core", "one process (as make serve)"])
def test_a_second_build_reads_the_qr_codes_back_instead_of_drawing_them(tmp_path, monkeypatch, on):
    """QR codes are kept in .cache/data by address: a rebuild (a serve rebuild, or a build of a
    checkout that keeps .cache/) draws none again and writes the same sheets."""
    from fasciasite import plugin
    from fasciasite.publishing import sheet

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1765000000")
    monkeypatch.setattr(secondcore, "MIN_PAGES", 2 if on else 10**9)
    config = make_fixture_site(tmp_path, pages({}))
    assert build_in_process(config, tmp_path / "site").returncode == 0
    first = {p.relative_to(tmp_path): p.read_bytes() for p in (tmp_path / "site").rglob("take-home/index.html")}
    drawn = []
    draw = sheet.qr_svg

    def counted(address):
        drawn.append(address)
        return draw(address)

    monkeypatch.setattr(sheet, "qr_svg", counted)
    monkeypatch.setattr(plugin, "qr_svg", counted)
    assert build_in_process(config, tmp_path / "site").returncode == 0
    assert drawn == []
    assert first == {p.relative_to(tmp_path): p.read_bytes() for p in (tmp_path / "site").rglob("take-home/index.html")}
    assert len(first) == 8



def _flooding(send, main_at):
    """A second process that sends QR codes until it is told to stop, as the real one drew
    codes the main process already had: once the pipe is full it waits inside send()."""
    while main_at.value != secondcore.STOP:
        send.send(("qr", {"https://example.org/": "<svg>" + "x" * 8192 + "</svg>"}))
    send.send(("done", None))


@pytest.mark.skipif(not secondcore.available(), reason="needs two cores and fork")
def test_a_second_process_waiting_to_send_ends_by_itself_when_told_to_stop():
    """The build ended by waiting 5 s for the second process and then killing it: it was
    waiting to send on a full pipe, so it never saw STOP (its own copy of the reading end kept
    the pipe open). _close() reads what it still sends until it ends: exit code 0, not killed."""
    import multiprocessing
    import time

    ctx = multiprocessing.get_context("fork")
    core = secondcore.SecondCore()
    core._main_at = ctx.Value("i", -1, lock=False)
    receive, send = ctx.Pipe(duplex=False)
    core._proc = ctx.Process(target=_flooding, args=(send, core._main_at), daemon=True)
    core._proc.start()
    send.close()
    core._conn = receive
    time.sleep(0.5)  # long enough to fill the pipe: it now waits inside send()
    proc = core._proc
    core._close()
    assert proc.exitcode == 0, proc.exitcode  # -9: killed after the join timed out


def test_the_second_process_is_told_to_draw_no_more_qr_codes_once_the_main_one_has_them():
    """finish() with the search step asked leaves the process running (it adds the lay words)
    but tells it every QR code is here (QR_DONE), so it stops drawing and sending them."""
    import multiprocessing

    core = secondcore.SecondCore()
    core._main_at = multiprocessing.get_context("fork").Value("i", 5, lock=False)
    core._search_asked = True
    core.finish(["https://example.org/a", "https://example.org/b"], lambda address: f"<svg>{address}</svg>")
    assert core._main_at.value == secondcore.QR_DONE
    assert set(core.qr) == {"https://example.org/a", "https://example.org/b"}
