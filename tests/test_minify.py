"""Our scripts and stylesheets are published minified, under their own names (issue 24 part 4;
fasciasite/publishing/minify.py). That they still work is the browser tests' part: every page
loads without a script error, and search, tooltips and the keyboard fixes run on the built copies."""
from __future__ import annotations

import gzip
import re
from pathlib import Path

from fasciasite.publishing import minify

ROOT = Path(__file__).resolve().parent.parent
COMMENT = re.compile(r"/\*|^\s*//", re.M)


def test_every_script_and_stylesheet_of_ours_is_published_minified_under_its_own_name(built_site):
    assets = minify.own_assets(ROOT / "docs")
    assert {"javascripts/tooltips.js", "javascripts/search-worker.js", "stylesheets/site.css"} <= {a.as_posix() for a in assets}
    for rel in assets:
        source, built = (ROOT / "docs" / rel).read_text(encoding="utf-8"), (built_site / rel).read_text(encoding="utf-8")
        assert len(gzip.compress(built.encode())) < len(gzip.compress(source.encode())), f"{rel}: not smaller as published"
        assert not COMMENT.search(built), f"{rel}: a comment is published"


def test_pages_link_our_scripts_by_the_names_they_are_published_under(built_site):
    page = (built_site / "back-pain" / "red-flags" / "index.html").read_text(encoding="utf-8")
    for src in re.findall(r'<script src="(?:\.\./)*(javascripts/[^"]+)"', page):
        assert (built_site / src).is_file(), f"red-flags links {src}, which is not in the built site"
    assert "javascripts/tooltips.js" in page


def write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")


def test_minifying_leaves_the_sources_minified_files_and_missing_copies_alone(tmp_path):
    script = "// why this exists\nfunction add(a, b) {\n  return a + b  /* sum */\n}\nvar re = /\\/\\*not a comment\\*\\//g\n"
    style = "/* colours */\n.box  {\n  color : red ;\n}\n"
    vendor = "/* a library's own minified file, left as shipped */ var x=1;\n"
    docs, site = tmp_path / "docs", tmp_path / "site"
    write(docs, {"js/a.js": script, "css/b.css": style, "js/lib.min.js": vendor, "js/not-copied.js": script})
    write(site, {"js/a.js": script, "css/b.css": style, "js/lib.min.js": vendor})

    done = minify.minify_site_assets(docs, site)

    assert set(done) == {"js/a.js", "css/b.css"}  # not the .min.js, not the file the build did not copy
    assert not (site / "js" / "not-copied.js").exists()
    assert (site / "js" / "lib.min.js").read_text(encoding="utf-8") == vendor
    assert (docs / "js" / "a.js").read_text(encoding="utf-8") == script  # the source stays as written
    js = (site / "js" / "a.js").read_text(encoding="utf-8")
    assert "why this exists" not in js and "sum" not in js
    assert "/\\/\\*not a comment\\*\\//g" in js  # a regular expression that looks like a comment is kept
    assert (site / "css" / "b.css").read_text(encoding="utf-8") == ".box{color:red}\n"
    assert all(after < before for before, after in done.values())


def test_minifying_a_minified_site_changes_nothing(tmp_path):
    """A --dirty build (make serve-fast) finds the copies it did not replace already minified."""
    docs, site = tmp_path / "docs", tmp_path / "site"
    files = {rel.as_posix(): (ROOT / "docs" / rel).read_text(encoding="utf-8") for rel in minify.own_assets(ROOT / "docs")}
    write(docs, files)
    write(site, files)
    minify.minify_site_assets(docs, site)
    once = {name: (site / name).read_bytes() for name in files}
    minify.minify_site_assets(docs, site)
    assert {name: (site / name).read_bytes() for name in files} == once
