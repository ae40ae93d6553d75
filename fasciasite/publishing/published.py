"""Every URL ever published still works (published-urls.txt against a built site).

Usage: python -m fasciasite.publishing.published SITE_DIR [--list published-urls.txt] [--history] [--base REF]
       python -m fasciasite.publishing.published --history-only [--base REF]

A newsletter or a social post links to these addresses for years: each must resolve in
the built site, directly or through a redirect page to a live page. `make check` runs
this on its build (tests/test_published_urls.py checks the same on the real build).

The list is append-only: --history reads every committed version of the list (git log)
and, with --base, the base branch's copy; a URL that was ever listed and is no longer
must have a redirect in mkdocs.yml redirect_maps (and is then checked like the others).
redirect_problems() is also used by the build (fasciasite.content.author_mistakes): a redirect FROM a
page that exists would replace it; a redirect TO a page that does not exist is a 404.

Exit 0 when every URL resolves, 1 when one does not, 2 on bad usage.
"""
from __future__ import annotations

import argparse
import difflib
import re
import sys
from pathlib import Path
from urllib.parse import urljoin, urlsplit

from fasciasite.githistory import git
from fasciasite.problems import report


def parse(text: str) -> list[tuple[int, str]]:
    """(line, URL) of each listed URL; a byte-order mark, CR, tabs and spaces are not part of it."""
    text = text.lstrip("\ufeff")
    out = []
    for n, line in enumerate(text.splitlines(), 1):
        line = line.strip().lstrip("\ufeff")
        if line and not line.startswith("#"):
            out.append((n, line.split()[0]))
    return out


def published(path: Path) -> list[tuple[int, str]]:
    return parse(path.read_bytes().decode("utf-8-sig", errors="replace"))


def ever_published(root: Path, name: str = "published-urls.txt", base: str | None = None) -> dict[str, str]:
    """URL -> the commit (short hash and date) that listed it, over the file's whole git history
    and the base branch's copy. Empty when git or the history is not there."""
    seen: dict[str, str] = {}
    log = git(root, "log", "--format=%h %cs", "--follow", "--", name) or ""
    revisions = [line.split() for line in log.splitlines() if line.strip()]
    if base:
        revisions.insert(0, [base, "the base branch"])
    for rev, *when in reversed(revisions):
        text = git(root, "show", f"{rev}:{name}")
        for _n, url in parse(text or ""):
            seen.setdefault(url, f"{rev} ({' '.join(when)})")
    return seen


def redirect_map(config_path: Path) -> dict[str, tuple[str, int]]:
    """mkdocs.yml redirect_maps: old.md -> (new target, line in mkdocs.yml)."""
    text = config_path.read_text(encoding="utf-8-sig")
    maps: dict[str, tuple[str, int]] = {}
    inside, indent = False, 0
    for n, line in enumerate(text.splitlines(), 1):
        stripped = line.strip()
        if stripped.startswith("redirect_maps:"):
            inside, indent = stripped != "redirect_maps: {}", len(line) - len(line.lstrip())
            continue
        if inside:
            if stripped and not stripped.startswith("#") and len(line) - len(line.lstrip()) <= indent:
                inside = False
                continue
            m = re.match(r"""^\s*['"]?([^'":#]+?)['"]?\s*:\s*['"]?([^'"#]+?)['"]?\s*(#.*)?$""", line)
            if m:
                maps[m.group(1).strip()] = (m.group(2).strip(), n)
    return maps


def url_of(src: str) -> str:
    """The site path of a docs/ file (fascia/x.md -> /fascia/x/), as MkDocs writes directory URLs."""
    stem = src[:-3] if src.endswith(".md") else src
    stem = stem.removesuffix("index").removesuffix("README").rstrip("/")
    return "/" + (stem + "/" if stem else "")


def redirect_problems(config_path: Path, docs: Path) -> list[str]:
    """Redirects that would break a page: FROM a live page (the page is replaced), TO a page
    that does not exist, or in a loop. Each `mkdocs.yml:LINE: what; the fix`."""
    maps = redirect_map(config_path)
    problems = []
    pages = sorted(p.relative_to(docs).as_posix() for p in docs.rglob("*.md")) if docs.is_dir() else []
    for old, (new, line) in maps.items():
        if (docs / old).is_file():
            problems.append(f"mkdocs.yml:{line}: redirect_maps '{old}: {new}' starts at a live page: the redirect would "
                            f"replace docs/{old} (its address {url_of(old)}) with a jump to {new}; remove this entry, or "
                            f"move or delete docs/{old} first (a redirect is for a page that has gone)")
        target = new.split("#", 1)[0]
        if re.match(r"^[a-z]+://", target):
            continue
        if target in maps:
            problems.append(f"mkdocs.yml:{line}: redirect_maps '{old}: {new}' points to another redirect ({target} -> "
                            f"{maps[target][0]}); point it straight at the live page")
        elif not (docs / target).is_file():
            near = difflib.get_close_matches(target, pages, n=1)
            problems.append(f"mkdocs.yml:{line}: redirect_maps '{old}: {new}' points to {target}, which is not a page in "
                            f"docs/{f'; did you mean {near[0]}?' if near else '; write the path of the page that replaced it'}")
    return problems


def removed_urls(root: Path, current: list[tuple[int, str]], config_path: Path, base: str | None = None,
                 name: str = "published-urls.txt") -> list[str]:
    """URLs listed in the file's history (or on the base branch) and gone from it with no redirect."""
    listed = {u for _n, u in current}
    redirected = {url_of(old) for old in redirect_map(config_path)} if config_path.is_file() else set()
    problems = []
    for url, since in sorted(ever_published(root, name, base).items()):
        if url in listed:
            continue
        if url.split("?")[0] in redirected:
            problems.append(f"{name}:1: {url} (listed since {since}) was removed from the list; it has a redirect, so put "
                            f"the line back: the list only grows")
        else:
            problems.append(f"{name}:1: {url} (listed since {since}) was removed from the list and has no redirect; readers' "
                            f"links to it would break: put the line back and add old/path.md: new/path.md under "
                            f"redirect_maps in mkdocs.yml")
    return problems


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
    ap = argparse.ArgumentParser(prog="python -m fasciasite.publishing.published", description=__doc__.split("\n\n")[0],
                                 epilog="Exit 0 when every URL resolves, 1 when one does not, 2 on bad usage.")
    ap.add_argument("site_dir", type=Path, nargs="?", help="the built site")
    ap.add_argument("--list", type=Path, default=Path("published-urls.txt"), help="default published-urls.txt")
    ap.add_argument("--config", type=Path, default=Path("mkdocs.yml"), help="mkdocs.yml (redirect_maps)")
    ap.add_argument("--history", action="store_true", help="also: no URL ever listed in git history may be dropped")
    ap.add_argument("--history-only", action="store_true", help="only the history check (no built site needed)")
    ap.add_argument("--base", help="also compare with this git ref's copy of the list (e.g. origin/main)")
    args = ap.parse_args(argv)
    if not args.history_only and (args.site_dir is None or not args.site_dir.is_dir()):
        print(f"published: no such folder: {args.site_dir}; build the site first", file=sys.stderr)
        return 2
    if not args.list.is_file():
        print(f"published: no {args.list}; nothing to check")
        return 0
    current = published(args.list)
    problems = []
    if args.history or args.history_only or args.base:
        problems += removed_urls(Path.cwd(), current, args.config, args.base, args.list.as_posix())
    if not args.history_only:
        problems += [f"{args.list}:{line}: {url} no longer works; add a redirect under redirect_maps in mkdocs.yml "
                     "(old/path.md: new/path.md), never remove the URL from the list"
                     for line, url in current if resolve(args.site_dir, url) is None]
    return report(problems)


if __name__ == "__main__":
    sys.exit(main())
