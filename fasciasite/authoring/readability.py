#!/usr/bin/env python3
"""Word count and Flesch-Kincaid reading grade of Markdown articles.

Usage: fasciasite readability [--max-grade 9] [--json] FILE_OR_DIR ...

Measures the prose a reader reads: front matter, code, tables, headings,
HTML, image syntax and [@citation] markers are left out; each list item
counts as a sentence. Uses textstat 0.7.8, which counts syllables with
pyphen and so works offline (0.7.9+ downloads a dictionary on first use).

Exit 0 when every article is at or under the limit, 1 when one is over,
2 on bad usage.
"""
from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

FRONT_MATTER = re.compile(r"\A---\s*\n.*?\n---\s*\n", re.S)
FENCE = re.compile(r"^(```|~~~).*?^\1\s*$", re.S | re.M)
COMMENT = re.compile(r"<!--.*?-->", re.S)
CITATION = re.compile(r"\s*\[@[^\]]*\]")
IMAGE = re.compile(r"!\[[^\]]*\]\([^)]*\)(\{[^}]*\})?")
LINK = re.compile(r"\[([^\]]+)\]\([^)]*\)(\{[^}]*\})?")
REF_LINK = re.compile(r"\[([^\]]+)\]\[[^\]]*\]")
ATTR = re.compile(r"\{[:#.][^}]*\}")
TAG = re.compile(r"</?[a-zA-Z][^>]*>")


def prose(markdown: str) -> str:
    """Return the readable prose of a Markdown article, one sentence-ish unit per line."""
    text = FRONT_MATTER.sub("", markdown, count=1)
    text = FENCE.sub("", text)
    text = COMMENT.sub("", text)
    text = CITATION.sub("", text)
    text = IMAGE.sub("", text)
    text = LINK.sub(r"\1", text)
    text = REF_LINK.sub(r"\1", text)
    text = ATTR.sub("", text)
    text = TAG.sub("", text)
    units: list[str] = []
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith(("#", "|", "*[", "[^", "!!!", "???", "===")):
            continue
        line = re.sub(r"^([-*+]|\d+\.)\s+", "", line)  # list markers
        line = line.replace("**", "").replace("__", "").replace("`", "")
        line = re.sub(r"(?<!\w)[*_](\S[^*_]*)[*_](?!\w)", r"\1", line)
        if not line:
            continue
        if not line.endswith((".", "!", "?", ":", ";", ",")):
            line += "."
        units.append(line)
    return "\n".join(units)


def measure(path: Path) -> dict:
    import textstat  # imported here so --help works without the venv

    text = prose(path.read_text(encoding="utf-8"))
    return {
        "file": str(path),
        "words": textstat.lexicon_count(text, removepunct=True),
        "grade": round(textstat.flesch_kincaid_grade(text), 1),
    }


def articles(paths: list[str]) -> list[Path]:
    found: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            found.extend(sorted(p.rglob("*.md")))
        elif p.is_file():
            found.append(p)
        else:
            raise FileNotFoundError(p)
    return found


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("paths", nargs="+", help="Markdown files or folders")
    ap.add_argument("--max-grade", type=float, default=9.0, help="highest allowed Flesch-Kincaid grade (default 9)")
    ap.add_argument("--json", action="store_true", help="print JSON instead of a table")
    args = ap.parse_args(argv)
    try:
        files = articles(args.paths)
    except FileNotFoundError as exc:
        print(f"readability: no such file or folder: {exc}. Give a Markdown file or a folder of them.", file=sys.stderr)
        return 2
    rows = [measure(f) for f in files]
    over = [r for r in rows if r["grade"] > args.max_grade]
    if args.json:
        print(json.dumps(rows, indent=2))
    else:
        for r in rows:
            flag = f"  OVER {args.max_grade:g}: shorten sentences, use shorter words" if r in over else ""
            print(f"{r['file']}: grade {r['grade']:4.1f}, {r['words']} words{flag}")
    return 1 if over else 0


if __name__ == "__main__":
    sys.exit(main())
