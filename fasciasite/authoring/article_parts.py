#!/usr/bin/env python3
"""Check that every article has the parts the editorial policy requires.

Usage: python -m fasciasite.authoring.article_parts [--docs docs] [--config mkdocs.yml] [FILE ...]

For each article (a page in one of mkdocs.yml extra.article_sections) it checks: a
"Key points" box with 3-5 bullets near the top; 900-2,200 words of prose; at least 6
different cited references; a "How strong is the evidence?" box whose ratings use the
site's scale; a "When to get help" section showing the shared urgent-help tiers
(<!-- md:urgent-help -->) and linking to the red-flags page; alt text on
every image; a Flesch-Kincaid grade at or below the limit; no skeleton text left from
fasciasite new. Front matter is checked by
the build (fasciasite/content/frontmatter.py, a step of the plugin).

Every problem is one line: FILE:LINE: what is wrong; how to fix it.
Exit 0 when all articles pass, 1 when one fails, 2 on bad usage.
"""
from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

import yaml

from fasciasite.authoring import readability
from fasciasite.config import find_root, load_mkdocs_yml
from fasciasite.content import urgent
from fasciasite.problems import report
from fasciasite.references import bib as check_bib  # the one citation reader, shared with the build

MIN_WORDS, MAX_WORDS = 900, 2200
MIN_CITATIONS = 6
MAX_GRADE = 9.0
# The scale of fasciasite.content.ratings; "Not supported" (retired) is still accepted here until the ratings rule of
# fasciasite.content.evidence is enforced, which then names it with the rating to use instead.
SCALE = ("Strong", "Moderate", "Limited", "Very limited", "Evidence against", "Not tested", "Not supported")



def line_of(text: str, pattern: str, flags: int = 0) -> int | None:
    m = re.search(pattern, text, flags | re.M)
    return text.count("\n", 0, m.start()) + 1 if m else None


def admonition_body(text: str, start_line: int) -> list[str]:
    """The indented lines under an admonition that starts on start_line."""
    lines = text.splitlines()[start_line:]
    body = []
    for line in lines:
        if line.strip() and not line.startswith(("    ", "\t")):
            break
        body.append(line)
    return body


def check_article(path: Path, rel: str) -> list[str]:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        bad_line = path.read_bytes()[: exc.start].count(b"\n") + 1
        return [f"{rel}:{bad_line}: is not UTF-8; save the file as UTF-8 (in your editor: Save with Encoding, UTF-8)"]
    problems: list[str] = []

    def problem(line: int | None, message: str) -> None:
        problems.append(f"{rel}:{line or 1}: {message}")

    # Skeleton text from fasciasite new left in place
    for number, line in enumerate(text.splitlines(), 1):
        if "Replace with" in line:
            problem(number, "skeleton text is still here; replace it with your own words")

    # Key points box
    kp = line_of(text, r'^!!! abstract "Key points"\s*$')
    near = line_of(text, r"^!!!\s*\w+\s+['\u201c\u201d\"]?key points['\u201c\u201d\"]?\s*$", re.I)
    if kp is None and near is not None:
        problem(near, 'the key points box is written wrongly; write exactly !!! abstract "Key points" (the title in '
                      'straight double quotes) with 3-5 bullets indented under it')
    elif kp is None:
        problem(None, 'no key points box; start the article with !!! abstract "Key points" and 3-5 bullets')
    else:
        bullets = [b for b in admonition_body(text, kp) if re.match(r"\s+[-*] ", b)]
        if not 3 <= len(bullets) <= 5:
            problem(kp, f"key points box has {len(bullets)} bullets; write 3 to 5")

    # Length and reading grade
    m = measure(path)
    if not MIN_WORDS <= m["words"] <= MAX_WORDS:
        problem(None, f"{m['words']} words of prose; articles need {MIN_WORDS}-{MAX_WORDS} (split or expand it)")
    if m["grade"] > MAX_GRADE:
        problem(None, f"reading grade {m['grade']} is above {MAX_GRADE:g}; use shorter sentences and plainer words")

    # Citations
    cites = check_bib.find_citations(text)
    keys = {c.key for c in cites}
    if len(keys) < MIN_CITATIONS:
        problem(None, f"cites {len(keys)} different references; articles need at least {MIN_CITATIONS}")

    # Evidence box
    ev = line_of(text, r'^!!! info "How strong is the evidence\?"\s*$')
    if ev is None:
        problem(None, 'no evidence box; add !!! info "How strong is the evidence?" with a Claim | Rating | Why table')
    else:
        rows = [r for r in admonition_body(text, ev) if r.strip().startswith("|") and not re.match(r"\s*\|[\s|:-]+\|\s*$", r)]
        ratings = [r.split("|")[2].strip().strip("*") for r in rows[1:] if r.count("|") >= 4]
        if not ratings:
            problem(ev, "evidence box has no rated claims; add rows: | Claim | **Rating** | Why |")
        for rating in ratings:
            if rating not in SCALE:
                problem(ev, f"evidence rating '{rating}' is not on the site's scale ({', '.join(SCALE)})")

    # When to get help, with the red-flags link
    help_line = line_of(text, r"^## When to get help\s*$")
    if help_line is None:
        problem(None, "no '## When to get help' section; add one that links to the red-flags page")
    elif "red-flags.md" not in "\n".join(text.splitlines()[help_line:]) and not rel.endswith("red-flags.md"):
        problem(help_line, "'When to get help' does not link to the red-flags page (../back-pain/red-flags.md)")
    if help_line is not None:
        # The shared urgent-help tiers (includes/urgent-help.yml), never the page's own words.
        body_offset, body = urgent.split_front_matter(text)
        try:
            tiers = urgent.load_for(find_root())
        except urgent.DataError as exc:  # reported once, as file:line, by main(); never a traceback
            tiers = None
            problems.extend(str(exc).splitlines())
        for p in urgent.lint(body, tiers, rel, offset=body_offset, is_article=True) if tiers else []:
            if "does not show the shared tiers" in p.message:
                problem(p.line, p.message)

    # Alt text on every image
    for m_img in re.finditer(r"!\[([^\]]*)\]\(([^)]*)\)", text):
        if len(m_img.group(1).strip()) < 10:
            problem(text.count("\n", 0, m_img.start()) + 1, f"image {m_img.group(2)} needs alt text that says what it shows")
    return problems


def measure(path: Path) -> dict:
    return readability.measure(path)


def articles(docs: Path, sections: list[str]) -> list[Path]:
    return sorted(p for s in sections for p in (docs / s).glob("*.md"))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("files", nargs="*", help="articles to check (default: all)")
    ap.add_argument("--docs", default=None, help="docs folder (default: docs)")
    ap.add_argument("--config", default=None, help="mkdocs.yml (for extra.article_sections)")
    args = ap.parse_args(argv)
    root = find_root()  # the checkout of the current directory
    args.docs, args.config = args.docs or str(root / "docs"), args.config or str(root / "mkdocs.yml")
    docs = Path(args.docs)
    try:
        config = load_mkdocs_yml(Path(args.config))
        sections = config["extra"]["article_sections"]
    except (OSError, KeyError, TypeError, yaml.YAMLError) as exc:
        print(f"check_articles: cannot read extra.article_sections from {args.config}: {exc}", file=sys.stderr)
        return 2
    files = [Path(f) for f in args.files] or articles(docs, sections)
    problems: list[str] = []
    for path in files:
        rel = path.resolve().relative_to(root).as_posix() if path.resolve().is_relative_to(root) else str(path)
        problems += check_article(path, rel)
    problems = list(dict.fromkeys(problems))  # a data-file problem is reported once, not once per article
    return report(problems, f"check_articles: {len(files)} articles, {len(problems)} problems")


if __name__ == "__main__":
    sys.exit(main())
