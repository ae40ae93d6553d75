#!/usr/bin/env python3
"""Start a new article: front matter, skeleton, nav entry and published URL.

Usage: python -m fasciasite.authoring.new_article "Title" --section SECTION [--tags T1 T2 ...]
       [--slug SLUG] [--author KEY] [--root DIR] [--today YYYY-MM-DD]

Creates docs/SECTION/SLUG.md (SLUG from the title unless --slug is given) with full
front matter (published and last_reviewed today, next_review a year on,
reviewer "" until a clinician reviews it) and the house skeleton; adds it to the
nav of mkdocs.yml after the section's last page (comments kept) and /SECTION/SLUG/
to published-urls.txt (kept sorted). The description is left empty on purpose:
the build fails until you write one.

Everything is checked before anything is written: an unknown section, tag or
author, a slug that is not URL-safe or is already used by a page or a published
URL, or an existing file stops the script with one line and exit 2.
Multi-word tags need quotes: --tags fascia "low back pain".
"""
from __future__ import annotations

import argparse
import datetime as dt
import posixpath
import re
import sys
import unicodedata
from pathlib import Path
from types import ModuleType

import yaml
from mkdocs.utils.meta import get_data

from fasciasite.config import find_root, load_mkdocs_yml

SLUG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
MAX_SLUG = 60
MAX_TAGS = 6
RED_FLAGS = "back-pain/red-flags.md"


class Refusal(Exception):
    """One line saying what is wrong and what to do; nothing has been written."""



def slugify(title: str) -> str:
    """'Fascia & sleep: what's known?' -> 'fascia-sleep-whats-known' (ASCII, at most 60 chars)."""
    text = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode().lower()
    text = re.sub(r"['’]", "", text)
    slug = re.sub(r"[^a-z0-9]+", "-", text).strip("-")
    if len(slug) > MAX_SLUG:  # cut at the last whole word that fits
        cut = slug[: MAX_SLUG + 1]
        slug = cut.rsplit("-", 1)[0] if "-" in cut else slug[:MAX_SLUG]
    return slug


def _yaml(key: str, value: object) -> str:
    """One `key: value` line; a list is written inline: [a, b]."""
    if isinstance(value, list):
        return f"{key}: {yaml.safe_dump(value, allow_unicode=True, default_flow_style=True, width=10**6).strip()}\n"
    return yaml.safe_dump({key: value}, allow_unicode=True, default_flow_style=False, width=10**6)


def front_matter(title: str, author: str, tags: list[str], today: dt.date) -> str:
    try:
        next_review = today.replace(year=today.year + 1)
    except ValueError:  # 29 February
        next_review = today + dt.timedelta(days=365)
    return (
        "---\n"
        + _yaml("title", title)
        + 'description: ""  # 50-160 characters: the link preview in search results and shares\n'
        + _yaml("author", author)
        + 'reviewer: ""  # empty until a clinician has reviewed the article\n'
        + f"published: {today}\n"
        f"last_reviewed: {today}\n"
        f"next_review: {next_review}\n"
        + _yaml("tags", tags)
        + "about: [Low back pain]  # the condition(s) it is about (fasciasite/schema/front-matter.schema.json lists the names)\n"
        + "---\n"
    )


def skeleton(title: str, section: str) -> str:
    red_flags = posixpath.relpath(RED_FLAGS, section)
    return f"""
# {title}

!!! abstract "Key points"

    <!-- write 3–5 key points: one short sentence each, in plain words -->

    - Replace with the first key point.
    - Replace with the second key point.
    - Replace with the third key point.

## What it is

<!-- Explain the idea in everyday words. Cite every claim from research. -->

## What the research shows

<!-- What the best studies and guidelines found, and how sure they are. -->

## What this means for you

<!-- Practical advice a reader can act on. -->

!!! info "How strong is the evidence?"

    <!-- one row per main claim, each citing its sources; Rating: Strong, Moderate, Limited, Very limited, Evidence against or Not tested -->

    | Claim | Rating | Why |
    |---|---|---|
    | Replace with a claim made above | **Limited** | Replace with the kind and number of studies behind it |

## When to get help

<!-- When to see a GP or physiotherapist about this; keep the red-flags link. -->

Read more about [signs that need urgent help]({red_flags}).

<!--
References are added automatically at the end of the page: cite a source by putting an
at sign and its key from references.bib in square brackets after the claim (for example
the key langevin2011shear); fasciasite bib checks every key.
-->
"""


# ── Checks and edits of mkdocs.yml and published-urls.txt (text, so comments stay) ──


def _nav_bounds(lines: list[str]) -> tuple[int, int]:
    start = next((i for i, line in enumerate(lines) if re.match(r"nav\s*:", line)), None)
    if start is None:
        raise Refusal("mkdocs.yml has no nav; add one (see the nav section of the engineers' brief)")
    end = next((i for i in range(start + 1, len(lines)) if lines[i].strip() and not lines[i][0].isspace() and not lines[i].startswith("#")), len(lines))
    return start, end


def add_to_nav(text: str, section: str, page: str) -> str:
    """Insert `- PAGE` after the last entry of the nav block listing SECTION/ pages."""
    lines = text.splitlines(keepends=True)
    start, end = _nav_bounds(lines)
    if any(re.search(rf"(^|[\s'\"]){re.escape(page)}\b", lines[i]) for i in range(start, end)):
        raise Refusal(f"mkdocs.yml nav already lists {page}; pick another slug or remove the stale entry")
    entry = re.compile(rf"^(\s*)-\s+(?:.*?:\s+)?['\"]?{re.escape(section)}/\S+\.md\b")
    hits = [i for i in range(start + 1, end) if entry.match(lines[i])]
    if not hits:
        raise Refusal(f"mkdocs.yml nav has no block of {section}/ pages; pick an existing section or add one to nav first")
    blocks: dict[int, list[int]] = {}
    for i in hits:  # group the entries by their parent line, and use the biggest block
        indent = len(lines[i]) - len(lines[i].lstrip())
        parent = next(j for j in range(i - 1, start - 1, -1)
                      if lines[j].strip() and not lines[j].lstrip().startswith("#") and len(lines[j]) - len(lines[j].lstrip()) < indent)
        blocks.setdefault(parent, []).append(i)
    last = max(blocks.values(), key=len)[-1]
    found = entry.match(lines[last])  # every hit matched entry
    entry_indent = found.group(1) if found else ""
    if not lines[last].endswith("\n"):
        lines[last] += "\n"
    lines.insert(last + 1, f"{entry_indent}- {page}\n")
    return "".join(lines)


def _url_of(line: str) -> str:
    return line.split("#", 1)[0].strip()


def add_url(text: str, url: str) -> str:
    """Insert URL among the site paths (sorted), keeping comments where they are."""
    lines = text.splitlines(keepends=True)
    for number, line in enumerate(lines, start=1):
        if _url_of(line) == url:
            raise Refusal(f"{url} was published before (published-urls.txt line {number}); a published URL is never reused: pick another --slug")
    if lines and not lines[-1].endswith("\n"):
        lines[-1] += "\n"
    url_lines = [i for i, line in enumerate(lines) if _url_of(line)]
    after = [i for i in url_lines if _url_of(lines[i]) > url]
    position = after[0] if after else (url_lines[-1] + 1 if url_lines else len(lines))
    lines.insert(position, url + "\n")
    return "".join(lines)


def _front_matter_rules() -> ModuleType:
    from fasciasite.content import frontmatter  # the build's own front-matter rules

    return frontmatter


def plan(args: argparse.Namespace) -> tuple[dict[Path, str], list[str]]:
    """Check everything; return {path: new text} to write and what the article still lacks."""
    root = Path(args.root)
    config_path, urls_path, docs = root / "mkdocs.yml", root / "published-urls.txt", root / "docs"
    for path in (config_path, urls_path):
        if not path.is_file():
            raise Refusal(f"{path} not found; run from the project root or pass --root DIR")
    config_text = config_path.read_text(encoding="utf-8")
    extra = load_mkdocs_yml(config_path).get("extra") or {}
    sections, tags_allowed, authors = extra.get("article_sections") or [], extra.get("tags_allowed") or [], extra.get("authors") or {}
    if args.section not in sections:
        raise Refusal(f"unknown section '{args.section}'; use one of: {', '.join(sections)} (extra.article_sections in mkdocs.yml)")
    tags = list(dict.fromkeys(args.tags))
    for tag in tags:
        if tag not in tags_allowed:
            raise Refusal(f"unknown tag '{tag}'; allowed tags: {', '.join(tags_allowed)} (extra.tags_allowed in mkdocs.yml)")
    if len(tags) > MAX_TAGS:
        raise Refusal(f"{len(tags)} tags given, at most {MAX_TAGS} allowed; keep the most relevant")
    if args.author not in authors:
        raise Refusal(f"unknown author '{args.author}'; use one of: {', '.join(authors)} (the keys of extra.authors in mkdocs.yml)")
    slug = args.slug or slugify(args.title)
    if not slug:
        raise Refusal("the title gives no ASCII slug; pass one with --slug, e.g. --slug fascia-and-sleep")
    if not SLUG.match(slug) or len(slug) > MAX_SLUG:
        raise Refusal(f"slug '{slug}' is not URL-safe; use a-z, 0-9 and single hyphens, at most {MAX_SLUG} characters, e.g. --slug fascia-and-sleep")
    target = docs / args.section / f"{slug}.md"
    if target.exists():
        raise Refusal(f"{target} already exists; refusing to overwrite it")
    clash = next(iter(sorted(docs.rglob(f"{slug}.md"))), None)
    if clash:
        raise Refusal(f"{clash} already uses the slug '{slug}'; pick another with --slug")
    page = f"{args.section}/{slug}.md"
    article = front_matter(args.title, args.author, tags, args.today) + skeleton(args.title, args.section)
    writes = {
        config_path: add_to_nav(config_text, args.section, page),
        urls_path: add_url(urls_path.read_text(encoding="utf-8"), f"/{args.section}/{slug}/"),
        target: article,
    }
    rules = _front_matter_rules()
    todo = rules.validate_front_matter(get_data(article)[1], is_article=True, authors=list(authors), tags=tags_allowed,
                                      text=article, path=f"docs/{page}")
    return writes, todo


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], epilog=__doc__.split("\n\n", 2)[2],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("title", help="the article's title, in sentence case")
    ap.add_argument("--section", required=True, help="folder under docs/, one of mkdocs.yml extra.article_sections")
    ap.add_argument("--tags", nargs="+", default=[], metavar="TAG", help="1-6 tags from mkdocs.yml extra.tags_allowed")
    ap.add_argument("--slug", help="file name and URL part (default: made from the title)")
    ap.add_argument("--author", default="editorial-team", help="a key of mkdocs.yml extra.authors (default editorial-team)")
    ap.add_argument("--root", default=None, help="project root holding mkdocs.yml (default: the checkout holding the current directory)")
    ap.add_argument("--today", type=dt.date.fromisoformat, default=dt.date.today(), help="date of publication, YYYY-MM-DD (default today)")
    args = ap.parse_args(argv)
    args.root = args.root or str(find_root())  # found when run, from the current directory
    try:
        writes, todo = plan(args)
    except Refusal as refusal:
        print(f"new_article: {refusal}. Nothing was written.", file=sys.stderr)
        return 2
    for path, text in writes.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    slug = list(writes)[-1].stem
    shown, url = f"docs/{args.section}/{slug}.md", f"/{args.section}/{slug}/"
    print(f"Created {shown}; added it to the nav in mkdocs.yml and {url} to published-urls.txt.")
    print("Next steps:")
    steps = [f"{p}  (the build fails until this is fixed)" for p in todo] + [
        f"{shown}: write the key points, the sections and the evidence table; cite each claim with a key from references.bib.",
        "make check   # spelling, reading level, references",
        f"make serve   # then open http://127.0.0.1:8000{url}",
    ]
    for number, step in enumerate(steps, start=1):
        print(f"  {number}. {step}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
