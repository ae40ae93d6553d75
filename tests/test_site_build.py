"""The foundation: a strict build of the real site gives every page, a reachable nav,
a 404 page and a full sitemap; broken links fail the build with file and link named;
two builds of one commit are byte-identical."""
from __future__ import annotations

import filecmp
from pathlib import Path
from urllib.parse import urlparse

import pytest
from conftest import ROOT, mkdocs_build
from lxml import etree

DOCS = ROOT / "docs"


def doc_pages() -> list[str]:
    return sorted(p.relative_to(DOCS).as_posix() for p in DOCS.rglob("*.md"))


def html_for(src: str) -> str:
    """docs path -> built path with MkDocs' directory URLs."""
    if src == "index.md":
        return "index.html"
    if src.endswith("/index.md"):
        return src[: -len("index.md")] + "index.html"
    return src[: -len(".md")] + "/index.html"


def flatten(nav) -> list[str]:
    out: list[str] = []
    for item in nav:
        value = next(iter(item.values())) if isinstance(item, dict) else item
        if isinstance(value, list):
            out += flatten(value)
        elif not str(value).startswith(("http://", "https://")):
            out.append(str(value))
    return out


def test_every_markdown_page_yields_an_html_page(built_site):
    missing = [src for src in doc_pages() if not (built_site / html_for(src)).is_file()]
    assert not missing, f"no HTML page built for: {missing}"


def test_nav_reaches_every_page(mkdocs_config):
    in_nav = set(flatten(mkdocs_config["nav"]))
    missing = sorted(set(doc_pages()) - in_nav)
    assert not missing, f"pages missing from mkdocs.yml nav (readers cannot browse to them): {missing}"


def test_404_page_and_sitemap_exist_and_sitemap_lists_every_page(built_site, mkdocs_config):
    assert (built_site / "404.html").is_file()
    tree = etree.parse(str(built_site / "sitemap.xml"))
    locs = [e.text for e in tree.iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")]
    site_url = mkdocs_config["site_url"]
    assert all(loc.startswith(site_url) for loc in locs), "sitemap URL outside site_url"
    listed = {urlparse(loc).path[len(urlparse(site_url).path):] for loc in locs}
    expected = {html_for(src)[: -len("index.html")] for src in doc_pages()}
    assert expected <= listed, f"pages missing from sitemap.xml: {sorted(expected - listed)}"


def test_build_fails_on_broken_link_and_missing_anchor_naming_file_and_link(fixture_site):
    _, build = fixture_site(
        {
            "index.md": "---\ntitle: Home\ndescription: Home page of a fixture site used by the tests, long enough to pass.\n---\n\n# Home\n\n"
                        "See [a page](nowhere.md) and [a section](other.md#no-such-heading).\n",
            "other.md": "---\ntitle: Other\ndescription: Another page of a fixture site used by the tests, long enough to pass.\n---\n\n"
                        "# Other\n\n## A heading\n\nText.\n",
        }
    )
    result = build()
    assert result.returncode != 0
    assert "docs/index.md:8: link target 'nowhere.md' is not a file in docs/" in result.stderr, result.stderr[-2000:]
    assert "docs/index.md:8: link other.md#no-such-heading: other.md has no heading or id 'no-such-heading'" in result.stderr


# A second build of the whole site (about 4 s of CPU): make test runs it, make test-fast does not. The
# fast tier proves the same, and more, with tests/test_engines.py::
# test_properdocs_builds_the_site_byte_identical_to_mkdocs: another build of the same commit, in a new
# process and by the other engine, byte for byte the same as built_site.
@pytest.mark.slow
def test_two_builds_of_one_commit_are_byte_identical(built_site, tmp_path):
    again = tmp_path / "again"
    result = mkdocs_build(ROOT / "mkdocs.yml", again, in_process=False)  # as a second `make build`: a new process
    assert result.returncode == 0, result.stderr[-2000:]
    differ: list[str] = []

    def walk(cmp: filecmp.dircmp, prefix: Path):
        differ.extend(str(prefix / n) for n in cmp.left_only + cmp.right_only)
        _, mismatch, errors = filecmp.cmpfiles(cmp.left, cmp.right, cmp.common_files, shallow=False)
        differ.extend(str(prefix / n) for n in mismatch + errors)
        for name, sub in cmp.subdirs.items():
            walk(sub, prefix / name)

    walk(filecmp.dircmp(built_site, again), Path())
    assert not differ, f"files differ between two builds of the same commit: {differ[:20]}"
