#!/usr/bin/env python3
"""Print a ready-to-paste newsletter block for chosen articles, or the latest N.

Usage:
  python -m fasciasite.authoring.newsletter --campaign december-2026 --latest 3
  python -m fasciasite.authoring.newsletter --campaign back-pain-week docs/back-pain/what-helps.md docs/treatments/foam-rolling.md
  python -m fasciasite.authoring.newsletter --campaign spring --latest 2 --format text

Each article gets its title, description, link-preview image and canonical URL tagged
with utm_source=newsletter&utm_medium=email&utm_campaign=NAME, as an HTML block with
inline styles (what e-mail tools need) and a plain-text version. Everything is read from
the articles' front matter and mkdocs.yml (site_url, article_sections), so it needs no
build. Exit 0 on success, 2 on bad usage (unknown file, bad campaign name, nothing found).
"""
from __future__ import annotations

import argparse
import datetime as dt
import html
import re
import sys
from pathlib import Path
from urllib.parse import urlencode

import yaml

from fasciasite.config import find_root, load_mkdocs_yml

CAMPAIGN = re.compile(r"^[a-z0-9]+(?:[-_][a-z0-9]+)*$")


def front_matter(path: Path) -> dict:
    text = path.read_text(encoding="utf-8")
    m = re.match(r"---\s*\n(.*?)\n---\s*\n", text, re.S)
    return yaml.safe_load(m.group(1)) if m else {}


def article_url(site_url: str, src: str) -> str:
    """docs-relative source path -> canonical URL (MkDocs directory URLs)."""
    path = src[: -len(".md")]
    path = "" if path == "index" else path.removesuffix("/index") + "/"
    return site_url + path


def card_url(site_url: str, src: str) -> str:
    """The link-preview card drawn by fasciasite/publishing/cards.py for this page."""
    return f"{site_url}assets/cards/{src[: -len('.md')]}.png"


def load_articles(root: Path, config: dict) -> list[dict]:
    docs = root / "docs"
    found = []
    for section in config["extra"]["article_sections"]:
        for path in sorted((docs / section).glob("*.md")):
            meta = front_matter(path)
            src = path.relative_to(docs).as_posix()
            found.append({"src": src, "path": path, **meta})
    return found


def tagged(url: str, campaign: str) -> str:
    return url + "?" + urlencode({"utm_source": "newsletter", "utm_medium": "email", "utm_campaign": campaign})


def as_html(items: list[dict]) -> str:
    rows = []
    for a in items:
        title, desc = html.escape(str(a["title"])), html.escape(str(a["description"]))
        url, img = html.escape(a["url"], quote=True), html.escape(a["image"], quote=True)
        rows.append(
            f"""  <tr><td style="padding:0 0 24px 0;font-family:Arial,Helvetica,sans-serif;color:#1a1a1a;">
    <a href="{url}"><img src="{img}" width="560" height="294" alt="{title}" style="display:block;width:100%;max-width:560px;height:auto;border:0;"></a>
    <h2 style="margin:12px 0 6px 0;font-size:20px;line-height:1.3;"><a href="{url}" style="color:#00695c;text-decoration:underline;">{title}</a></h2>
    <p style="margin:0 0 8px 0;font-size:16px;line-height:1.5;">{desc}</p>
    <p style="margin:0;font-size:16px;"><a href="{url}" style="color:#00695c;text-decoration:underline;">Read the article</a></p>
  </td></tr>"""
        )
    return (
        '<table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="max-width:560px;">\n'
        + "\n".join(rows)
        + "\n</table>"
    )


def as_text(items: list[dict]) -> str:
    return "\n\n".join(f"{a['title']}\n{a['description']}\nRead it: {a['url']}" for a in items)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter,
                                 epilog=__doc__.split("\n\n", 1)[1])
    ap.add_argument("articles", nargs="*", help="article files (docs/SECTION/SLUG.md); default: the latest N")
    ap.add_argument("--campaign", required=True, help="utm_campaign name: lower case, digits, - or _ (e.g. december-2026)")
    ap.add_argument("--latest", type=int, default=3, help="how many of the newest articles when none are named (default 3)")
    ap.add_argument("--format", choices=("html", "text", "both"), default="both", help="what to print (default both)")
    ap.add_argument("--root", default=None, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    args.root = args.root or str(find_root())  # found when run, from the current directory
    if not CAMPAIGN.match(args.campaign):
        print(f"newsletter: campaign '{args.campaign}' must be lower-case letters and digits joined by - or _ (e.g. december-2026).", file=sys.stderr)
        return 2
    root = Path(args.root)
    config = load_mkdocs_yml(root)
    site_url = config["site_url"].rstrip("/") + "/"
    articles = {a["src"]: a for a in load_articles(root, config)}
    if args.articles:
        chosen = []
        for name in args.articles:
            src = Path(name).as_posix().removeprefix("docs/")
            if src not in articles:
                print(f"newsletter: {name} is not an article (expected docs/SECTION/SLUG.md in one of {config['extra']['article_sections']}).", file=sys.stderr)
                return 2
            chosen.append(articles[src])
    else:
        if args.latest < 1:
            print("newsletter: --latest must be 1 or more.", file=sys.stderr)
            return 2
        chosen = sorted(articles.values(), key=lambda a: (str(a.get("published", dt.date.min)), a["src"]), reverse=True)[: args.latest]
    if not chosen:
        print("newsletter: no articles found.", file=sys.stderr)
        return 2
    items = [
        {"title": a["title"], "description": a["description"], "image": card_url(site_url, a["src"]),
         "url": tagged(article_url(site_url, a["src"]), args.campaign)}
        for a in chosen
    ]
    if args.format in ("html", "both"):
        print("<!-- HTML: paste into your e-mail tool's HTML block -->" if args.format == "both" else "", end="\n" if args.format == "both" else "")
        print(as_html(items))
    if args.format == "both":
        print("\n<!-- Plain text -->")
    if args.format in ("text", "both"):
        print(as_text(items))
    return 0


if __name__ == "__main__":
    sys.exit(main())
