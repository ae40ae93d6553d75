"""The page pipeline (fasciasite/pipeline.py): every check reports the author's own line, also
after a shortcode that expands into many lines, and one dispatcher knows every shortcode."""
from __future__ import annotations

import pytest
from conftest import build_in_process, make_fixture_site

from fasciasite import shortcodes
from fasciasite.shortcodes import LineMap

HOME = "---\ntitle: Home\ndescription: The home page of the planted fixture site, long enough to pass the rule.\n---\n\n"


def test_an_error_after_a_shortcode_reports_the_authors_line(tmp_path):
    page = HOME + ("# Home\n\nText.\n\n"
                   "<!-- md:urgent-help -->\n\n"                          # line 10: 40-odd lines once expanded
                   "Fascia is everywhere [@nosuchkey2020].\n\n"            # line 12: an unknown key
                   "Sprints were about 7% faster [@wiewelhove2019foam].\n")  # line 14: a figure not in the findings
    result = build_in_process(make_fixture_site(tmp_path, {"index.md": page}), tmp_path / "site")
    assert result.returncode == 1
    assert "docs/index.md:12: unknown citation key 'nosuchkey2020'" in result.stderr, result.stderr[-3000:]
    assert "docs/index.md:14: states 7%" in result.stderr, result.stderr[-3000:]


def test_an_unknown_shortcode_fails_with_file_line_and_the_known_names(tmp_path):
    page = HOME + ("# Home\n\n"
                   "<!-- md:urgent_help -->\n\n"             # line 8
                   "Book below.\n\n<!-- md:bookng -->\n\n"   # line 12
                   "Write `<!-- md:anything -->` to show one.\n")  # in code: text, not a shortcode
    result = build_in_process(make_fixture_site(tmp_path, {"index.md": page}), tmp_path / "site")
    assert result.returncode == 1
    known = "the shortcodes are: article-list, booking, glossary, references, safety, urgent-help"
    assert ("docs/index.md:8: unknown shortcode '<!-- md:urgent_help -->' (it would be published as a hidden comment); "
            f"did you mean <!-- md:urgent-help -->? {known}") in result.stderr, result.stderr[-3000:]
    assert "docs/index.md:12: unknown shortcode '<!-- md:bookng -->'" in result.stderr
    assert "md:anything" not in result.stderr
    assert "shortcodes: 2 problem(s), listed above with file and line" in result.stderr


def test_the_line_map_leads_expanded_lines_to_the_shortcode_and_later_lines_home():
    before = "a\n<!-- md:x -->\nb\nc"
    after = "a\n\nX1\nX2\nX3\n\nb\nc"
    line_of = LineMap.between(before, after, offset=4)
    assert [line_of(n) for n in range(1, 9)] == [5, 6, 6, 6, 6, 6, 7, 8]
    assert LineMap.between(before, before, offset=4)(3) == 7


def test_the_dispatcher_expands_known_names_and_leaves_code_and_deferred_ones():
    text = "<!-- md:a -->\n`<!-- md:a -->`\n<!-- md:later -->\n<!-- md:b x=1 -->\n```\n<!-- md:a -->\n```\n    <!-- md:c -->"
    out = shortcodes.expand(text, {"a": lambda whole, args: "A", "later": lambda whole, args: None,
                                   "b": lambda whole, args: f"B({args})", "c": lambda whole, args: f"[{whole}]"})
    assert out == "A\n`<!-- md:a -->`\n<!-- md:later -->\nB(x=1)\n```\n<!-- md:a -->\n```\n[    <!-- md:c -->]"


def test_a_rebuild_by_the_same_plugin_starts_clean(tmp_path, monkeypatch):
    """`mkdocs serve` keeps the plugin instance across rebuilds: a problem fixed between two builds
    is gone from the second, and nothing of the first build's pages is left in the plugin's steps."""
    from conftest import build_env
    from mkdocs.commands.build import build
    from mkdocs.config import load_config
    from mkdocs.exceptions import Abort

    bad = HOME + "# Home\n\nA claim [@nosuchkey2020].\n"
    config_file = make_fixture_site(tmp_path, {"index.md": bad})
    for name, value in build_env().items():
        monkeypatch.setenv(name, value)
    monkeypatch.chdir(tmp_path)
    config = load_config(str(config_file), site_dir=str(tmp_path / "site"))
    plugin = config.plugins["fasciasite"]
    with pytest.raises(Abort):  # the planted unknown key fails the first build
        build(config)
    assert [str(p) for _kind, p in plugin.problems.found] == [
        "docs/index.md:8: unknown citation key 'nosuchkey2020'; add it to references.bib or fix the key."]
    (tmp_path / "docs" / "index.md").write_text(HOME + "# Home\n\nA claim [@adstrum2017defining].\n", encoding="utf-8")
    config = load_config(str(config_file), site_dir=str(tmp_path / "site"))
    assert config.plugins["fasciasite"] is plugin  # MkDocs' plugin cache, as in serve
    build(config)
    assert not plugin.problems.found
