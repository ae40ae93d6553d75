"""Search hit rates: run a query file in the real search of the built site, in Chromium.

Usage: python -m fasciasite.bench.search_hits QUERIES.yml [QUERIES.yml ...] [--site-dir DIR]
                                        [--json FILE] [--min-top3 0.95] [--quiet]

Serves the built site on 127.0.0.1 under its site_url path (fasciasite.publishing.serve), opens it
in Debian's Chromium through Playwright ($CHROMIUM_PATH or /usr/bin/chromium; never a
downloaded browser), types each query into Material's search box as a reader would, and
prints, per query, the rank of the first acceptable page and the first three results,
then the top-1 and top-3 hit rates, how many urgent queries show the red-flags page
first, and the search index size (raw and gzip, per article). The query file format is
described in fasciasite/authoring/search_queries.py and tests/search_queries.yml.

Without --site-dir the real site is built first (strict) into a temporary directory.

Exit 0 when every urgent query shows the red-flags page first and the top-3 rate is at
least --min-top3 (default 0.95); 1 when not; 2 on bad usage (an unreadable query file,
with file:line, or no Chromium); 3 when the build fails.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from urllib.parse import urlsplit

from fasciasite.authoring import search_queries as searchqueries
from fasciasite.config import find_root, load_mkdocs_yml
from fasciasite.publishing import sheet
from fasciasite.publishing.serve import serve

ROOT = find_root()  # the checkout the command runs in (cwd), never where the package is installed
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
TIMEOUT_MS = 15_000


def build(site_dir: Path) -> None:
    env = dict(os.environ, NO_MKDOCS_2_WARNING="true", DISABLE_MKDOCS_2_WARNING="true")
    if "SOURCE_DATE_EPOCH" not in env:
        out = subprocess.run(["git", "log", "-1", "--format=%ct"], cwd=ROOT, capture_output=True, text=True)
        env["SOURCE_DATE_EPOCH"] = out.stdout.strip() or "1764000000"
    done = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "-d", str(site_dir)],
                          cwd=ROOT, capture_output=True, text=True, env=env, timeout=900)
    if done.returncode != 0:
        raise RuntimeError(done.stderr[-3000:])


def article_count(site: Path) -> int:
    sections = load_mkdocs_yml(ROOT)["extra"]["article_sections"]
    return sum(1 for s in sections for page in (site / s).rglob("index.html")
               if sheet.DIR not in page.relative_to(site).parts)  # take-home sheets are not articles


def measure(site: Path, files: list[Path], chromium: Path) -> dict:
    """Run every query file against the site; {file: {"answers": [...], "score": {...}}}."""
    from playwright.sync_api import sync_playwright

    sets = {str(f): searchqueries.load(f) for f in files}
    base = urlsplit(load_mkdocs_yml(ROOT)["site_url"]).path
    out = {}
    with serve(site, base=base) as server, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(chromium), args=CHROMIUM_ARGS)
        try:
            context = browser.new_context()
            context.set_default_timeout(TIMEOUT_MS)
            page = context.new_page()
            for name, queries in sets.items():
                answers = searchqueries.run(page, server.url, queries)
                out[name] = {"answers": answers, "score": searchqueries.score(answers),
                             "unknown_pages": searchqueries.unknown_pages(queries, site)}
        finally:
            browser.close()
    return out


def passed(score: dict, min_top3: float) -> bool:
    return score["urgent_first"] == score["urgent"] and score["top3_rate"] >= min_top3


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(prog="python -m fasciasite.bench.search_hits", description=__doc__.split("\n\n")[0],
                                 epilog=__doc__.split("\n\n", 2)[2], formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("queries", nargs="+", type=Path, help="query files (YAML), e.g. tests/search_queries.yml")
    ap.add_argument("--site-dir", type=Path, help="a built site (default: build the real site into a temporary directory)")
    ap.add_argument("--json", type=Path, metavar="FILE", help="also write the results as JSON here")
    ap.add_argument("--min-top3", type=float, default=0.95, help="the top-3 hit rate to pass (default 0.95)")
    ap.add_argument("--chromium", type=Path, default=Path(os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")),
                    help="the Chromium to drive (default: $CHROMIUM_PATH or /usr/bin/chromium)")
    ap.add_argument("--quiet", action="store_true", help="print only the rates, not every query")
    return ap.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if not args.chromium.exists():
        print(f"searchbench: {args.chromium} is missing; install it with: apt-get install -y chromium "
              "(or set CHROMIUM_PATH)", file=sys.stderr)
        return 2
    if args.site_dir and not (args.site_dir / "search" / "search_index.json").is_file():
        print(f"searchbench: {args.site_dir}: no search/search_index.json; give a built site (make build)", file=sys.stderr)
        return 2
    try:
        for f in args.queries:
            searchqueries.load(f)
    except searchqueries.QueryFileError as exc:
        print(f"searchbench: {exc}", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(prefix="searchbench_") as tmp:
        site = args.site_dir
        if site is None:
            site = Path(tmp) / "site"
            print("searchbench: building the site (strict) ...", file=sys.stderr)
            try:
                build(site)
            except RuntimeError as exc:
                print(f"searchbench: the build failed:\n{exc}", file=sys.stderr)
                return 3
        results = measure(site, args.queries, args.chromium)
        size = searchqueries.index_size(site, article_count(site))
    ok = True
    for name, r in results.items():
        print(f"== {name}")
        text = searchqueries.report(r["answers"])
        print(text if not args.quiet else text.splitlines()[-1])
        for problem in r["unknown_pages"]:
            print(f"   {name}: {problem}: no such page in the built site; fix the path", file=sys.stderr)
        ok &= passed(r["score"], args.min_top3)
    print(f"search index: {size['raw_bytes'] / 1024:.1f} KB raw, {size['gzip_bytes'] / 1024:.1f} KB gzip, "
          f"{size['gzip_bytes_per_article']} bytes gzip per article ({size['articles']} articles)")
    if args.json:
        data = {"index": size, "sets": {name: {"score": r["score"], "queries": [
            {"query": a.query.text, "urgent": a.query.urgent, "pages": a.query.pages, "rank": a.rank,
             "results": a.results[:5]} for a in r["answers"]]} for name, r in results.items()}}
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
