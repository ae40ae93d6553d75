"""Every URL ever published still works (published-urls.txt against a built site).

Usage: python -m fasciasite.published SITE_DIR [--list published-urls.txt]

A newsletter or a social post links to these addresses for years: each must resolve in
the built site, directly or through a redirect page to a live page. `make check` runs
this on its build (tests/test_published_urls.py checks the same on the real build).

Exit 0 when every URL resolves, 1 when one does not, 2 on bad usage.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path
from urllib.parse import urljoin, urlsplit


def published(path: Path) -> list[tuple[int, str]]:
    lines = path.read_text(encoding="utf-8").splitlines()
    return [(n, line.strip()) for n, line in enumerate(lines, 1) if line.strip() and not line.startswith("#")]


def resolve(site: Path, url: str, hops: int = 0) -> Path | None:
    """The file a reader finally gets for a site path, following meta-refresh redirects."""
    from lxml import html

    path = urlsplit(url).path
    target = site / path.lstrip("/")
    if path.endswith("/") or target.is_dir():
        target = target / "index.html"
    if not target.is_file():
        return None
    refresh = html.fromstring(target.read_bytes()).xpath('//meta[@http-equiv="refresh"]/@content')
    if refresh and hops < 5:
        return resolve(site, urljoin(path, refresh[0].split("url=", 1)[-1].strip()), hops + 1)
    return target


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m fasciasite.published", description=__doc__.split("\n\n")[0],
                                 epilog="Exit 0 when every URL resolves, 1 when one does not, 2 on bad usage.")
    ap.add_argument("site_dir", type=Path, help="the built site")
    ap.add_argument("--list", type=Path, default=Path("published-urls.txt"), help="default published-urls.txt")
    args = ap.parse_args(argv)
    if not args.site_dir.is_dir():
        print(f"published: no such folder: {args.site_dir}; build the site first", file=sys.stderr)
        return 2
    if not args.list.is_file():
        print(f"published: no {args.list}; nothing to check")
        return 0
    broken = [(n, u) for n, u in published(args.list) if resolve(args.site_dir, u) is None]
    for line, url in broken:
        print(f"{args.list}:{line}: {url} no longer works; add a redirect under redirect_maps in mkdocs.yml "
              "(old/path.md: new/path.md), never remove the URL from the list")
    return 1 if broken else 0


if __name__ == "__main__":
    sys.exit(main())
