"""No page may reach readers with raw citation syntax in it.

`python -m fasciasite.references.rawcites SITE_DIR` reads every built HTML page and fails, naming
the page and the text, when visible prose still holds pandoc citation syntax such as
`[@langevin2011shear]`, `[see @a, p. 12]` or `[-@a]`. Code, preformatted text, scripts,
styles and link addresses are not prose, and an e-mail address is not a citation.

Why our own code: the guard has to work whatever engine built the site. Zensical, for
example, runs no MkDocs plugins or hooks and leaves every [@key] as it was while saying
"No issues found"; a hook would not run there, so this reads the output instead. The
Makefile runs it after every build, the tests run it on the real build, and the deploy
workflow runs it before anything is uploaded.

Exit 0 when no page has raw citations, 1 when one does, 2 on bad usage.
"""
from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

from lxml import html

from fasciasite.config import find_root
from fasciasite.problems import Problem, report

# "[" ... "@key" ... "]" on one line, where the "@" starts a key (not an e-mail address).
RAW = re.compile(r"\[[^\[\]\n]*(?<![\w.])-?@[A-Za-z0-9_][\w:.#$%&+?<>~/-]*[^\[\]\n]*\]")
NOT_PROSE = {"code", "pre", "script", "style", "kbd", "samp", "textarea"}


FIX = ("the engine or a plugin did not resolve it (is mkdocs-bibtex running?), or the Markdown has a form "
       "it cannot read: write [@key] or [@key1; @key2]")


def _source(site: Path, rel: str, docs: Path | None, raw: str) -> tuple[str, int]:
    """The Markdown page a built page came from (docs/X.md or docs/X/index.md for X/index.html)
    and the line of the raw text in it, when the text is found there; else the built page, line 0."""
    if docs is not None and rel.endswith(".html"):
        stem = rel.removesuffix("index.html").rstrip("/") if rel.endswith("index.html") else rel.removesuffix(".html")
        for candidate in ([docs / "index.md", docs / "README.md"] if not stem
                          else [docs / f"{stem}.md", docs / stem / "index.md", docs / stem / "README.md"]):
            if candidate.is_file():
                text = candidate.read_text(encoding="utf-8", errors="replace")
                at = text.find(raw)
                if at >= 0:
                    return candidate.relative_to(docs.parent).as_posix(), text.count("\n", 0, at) + 1
    return rel, 0


def _in_code(node: html.HtmlElement) -> bool:
    return node.tag in NOT_PROSE or any(a.tag in NOT_PROSE for a in node.iterancestors())


def _prose(element: html.HtmlElement) -> str:
    """The visible text of a page outside code, scripts and styles."""
    parts = []
    for node in element.iter():
        if not isinstance(node.tag, str):
            continue
        if node.text and not _in_code(node):
            parts.append(node.text)
        parent = node.getparent()
        if node.tail and parent is not None and not _in_code(parent):
            parts.append(node.tail)
    return "\n".join(parts)


def find_raw(site: Path, docs: Path | None = None) -> list[Problem]:
    """Raw citation syntax in the prose of every built page, each at its Markdown page and line
    when `docs` (the pages' source folder) is given and the text is found there."""
    found = []
    for page in sorted(site.rglob("*.html")):
        doc = html.fromstring(page.read_bytes())
        body = doc.find("body")
        rel = page.relative_to(site).as_posix()
        for m in RAW.finditer(_prose(body if body is not None else doc)):
            file, line = _source(site, rel, docs, m.group(0))
            built = f" (built as {rel})" if file != rel else ""
            found.append(Problem(file, line, f"raw citation syntax reached the page{built}: {m.group(0)!r}", FIX))
    return found


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m fasciasite.references.rawcites", description=__doc__.split("\n\n")[0],
                                 epilog="Exit 0 when no page has raw citations, 1 when one does, 2 on bad usage.")
    ap.add_argument("site_dir", type=Path, help="the built site (for example site/)")
    args = ap.parse_args(argv)
    if not args.site_dir.is_dir():
        print(f"rawcites: no such folder: {args.site_dir}; build the site first (make build)", file=sys.stderr)
        return 2
    root = find_root()
    found = find_raw(args.site_dir, root / "docs" if (root / "docs").is_dir() else None)
    pages = len(list(args.site_dir.rglob("*.html")))
    return report(found, f"rawcites: {pages} page(s), {len({p.file for p in found})} with raw citation syntax ({len(found)} found)")


if __name__ == "__main__":
    sys.exit(main())
