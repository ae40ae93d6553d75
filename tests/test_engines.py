"""Any engine that builds the site must resolve every citation, and ProperDocs (the maintained
MkDocs 1.x continuation) builds it byte for byte the same as MkDocs."""
from __future__ import annotations

import filecmp
import importlib.util
import subprocess
import sys
import textwrap

import pytest
import yaml
from conftest import ENGINE, make_fixture_site, mkdocs_build

from fasciasite.references import rawcites

PAGE = textwrap.dedent("""\
    ---
    title: Planted
    description: A page whose citation an engine leaves raw, planted to prove the guard bites.
    ---

    # Planted

    Fascia wraps the back muscles [@willard2012thoracolumbar].
    """)


def test_the_built_site_has_no_raw_citation_syntax(built_site):
    assert rawcites.find_raw(built_site) == []


def test_an_engine_that_leaves_citations_raw_is_caught_naming_the_page(tmp_path):
    """Zensical, for example, runs no plugins or hooks: simulate it by building without them."""
    config_file = make_fixture_site(tmp_path, {"index.md": PAGE})
    config = yaml.safe_load(config_file.read_text(encoding="utf-8"))
    config["plugins"] = [p for p in config["plugins"] if not {"bibtex", "fasciasite"} & set(p if isinstance(p, dict) else [p])]
    config_file.write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
    built = mkdocs_build(config_file, tmp_path / "site")
    assert built.returncode == 0, built.stderr[-2000:]  # the engine itself says nothing
    result = subprocess.run([sys.executable, "-m", "fasciasite.references.rawcites", str(tmp_path / "site")],
                            capture_output=True, text=True, timeout=120, cwd=tmp_path)
    assert result.returncode == 1
    line = PAGE.splitlines().index(next(t for t in PAGE.splitlines() if "[@willard2012thoracolumbar]" in t)) + 1
    assert (f"docs/index.md:{line}: raw citation syntax reached the page (built as index.html): "
            "'[@willard2012thoracolumbar]'; the engine or a plugin did not resolve it") in result.stdout, result.stdout


@pytest.mark.parametrize("text, raw", [
    ("<p>Claim [@a].</p>", ["[@a]"]),
    ("<p>Claim [see @a, p. 175].</p>", ["[see @a, p. 175]"]),
    ("<p>Claim [-@a] and [@a; @b].</p>", ["[-@a]", "[@a; @b]"]),
    ("<p>Write [to someone@example.org].</p>", []),
    ("<pre>[@a]</pre><p><code>[@b]</code> and <a href=\"x?[@c]\">link</a></p>", []),
])
def test_raw_citation_forms_are_found_and_code_and_emails_are_not(tmp_path, text, raw):
    (tmp_path / "index.html").write_text(f"<html><body>{text}</body></html>", encoding="utf-8")
    found = rawcites.find_raw(tmp_path)
    assert [(p.file, p.message) for p in found] == [("index.html", f"raw citation syntax reached the page: {r!r}") for r in raw]


@pytest.mark.skipif(importlib.util.find_spec("properdocs") is None,
                    reason="ProperDocs is not installed (requirements-dev.txt pins it; run make test)")
def test_properdocs_builds_the_site_byte_identical_to_mkdocs(tmp_path, built_site):
    from conftest import ROOT

    other = "mkdocs" if ENGINE == "properdocs" else "properdocs"
    result = mkdocs_build(ROOT / "mkdocs.yml", tmp_path / "site", engine=other)
    assert result.returncode == 0, result.stderr[-3000:]
    a = sorted(p.relative_to(built_site) for p in built_site.rglob("*") if p.is_file())
    b = sorted(p.relative_to(tmp_path / "site") for p in (tmp_path / "site").rglob("*") if p.is_file())
    assert a == b, "the two engines wrote different files"
    _match, mismatch, errors = filecmp.cmpfiles(built_site, tmp_path / "site", [str(p) for p in a], shallow=False)
    assert not mismatch and not errors, f"{ENGINE} and {other} differ in: {mismatch[:10]} {errors[:10]}"


@pytest.mark.skipif(importlib.util.find_spec("properdocs") is None,
                    reason="ProperDocs is not installed (requirements-dev.txt pins it; run make test)")
def test_both_engines_find_the_site_plugin_by_its_entry_point():
    """The site's plugin is installed as an entry point (pyproject.toml), not loaded by path: both
    engines resolve the name `fasciasite` in mkdocs.yml to fasciasite.plugin.SitePlugin."""
    from mkdocs.plugins import get_plugins as mkdocs_plugins
    from properdocs.plugins import get_plugins as properdocs_plugins

    from fasciasite.plugin import SitePlugin

    for found in (mkdocs_plugins(), properdocs_plugins()):
        assert found["fasciasite"].load() is SitePlugin
