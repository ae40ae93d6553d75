"""The site's own scripts and stylesheets, minified in the built site (issue 24 part 4).

Every first visit downloads the site-wide scripts and stylesheets of docs/ (a11y, tooltips,
search help, the search starter, site.css, a11y.css) with the page. As written they carry the
comments that explain them to the next author: 7.3 KB of an article's 90 KB budget, gzip, and
3.7 KB minified (measured 7 Dec 2026). After a build this step rewrites the site's copy of each
`.js` and `.css` file of docs/ without comments and spare white space (rjsmin and rcssmin); the
sources in docs/ stay as written.
Files whose name already says they are minified (`NAME.min.js`) are left alone, and so is
everything the theme ships (Material's are minified already).

The files keep their names, so no page, template or script that loads one by name changes
(overrides/main.html starts search-start.js, which loads search-worker.js by name; the take-home
sheets link sheet.css).

Why our own code and not mkdocs-minify-plugin: that plugin renames each file it minifies
(NAME.min.js) and rewrites only extra_javascript and extra_css, so the three files above that
are loaded by name would break; it needs every file listed by hand, and a listed file that is
missing stops the build with a Python traceback instead of a message. rjsmin and rcssmin are
the minifiers alone (C, with a pure-Python fallback): this module only chooses the files.

A `--dirty` build (make serve-fast) copies again only the files whose source changed, and
minifies what it finds: minifying a minified file gives the same file.
"""
from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import rcssmin
import rjsmin

MINIFIERS: dict[str, Callable[[str], str]] = {
    ".js": rjsmin.jsmin,
    ".css": rcssmin.cssmin,
}


def own_assets(docs_dir: Path) -> list[Path]:
    """The site's own scripts and stylesheets: every .js and .css file under docs/, by its path
    there, except those already minified (NAME.min.js, NAME.min.css)."""
    return sorted(p.relative_to(docs_dir) for suffix in MINIFIERS for p in docs_dir.rglob(f"*{suffix}")
                  if not p.name.endswith(f".min{suffix}") and p.is_file())


def minify_site_assets(docs_dir: Path, site_dir: Path) -> dict[str, tuple[int, int]]:
    """Rewrite the built copy of each of own_assets minified; returns path -> (bytes before, after)
    for the files that were there (a file the build did not copy, such as one excluded by
    exclude_docs, is not made)."""
    done: dict[str, tuple[int, int]] = {}
    for rel in own_assets(docs_dir):
        out = site_dir / rel
        if not out.is_file():
            continue
        text = out.read_text(encoding="utf-8")
        small = MINIFIERS[out.suffix](text).strip() + "\n"
        if small != text:
            out.write_text(small, encoding="utf-8")
        done[rel.as_posix()] = (len(text.encode("utf-8")), len(small.encode("utf-8")))
    return done
