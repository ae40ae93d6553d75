"""Lighthouse scores and page weight for the built site, served with gzip from 127.0.0.1.

Runs Lighthouse (npm package, pinned below, installed on first use into
.cache/lighthouse) with Debian's Chromium, mobile profile, on the home page and one
article, or with --all on every page of the site (every page in its sitemap.xml). Prints
the four category scores (medians of --runs runs; the performance score of every run too)
and the bytes transferred, in total and without the search index (which the site loads only
when the reader reaches for search), with the machine's load average as each page starts
(Lighthouse's timings slow down on a busy machine) and, for every run, its benchmarkIndex,
blocking time and whether its largest paint came only after Material's start ("late paint"),
as a table or with --json.

    make build && .venv/bin/python -m fasciasite.bench.lighthouse
    .venv/bin/python -m fasciasite.bench.lighthouse --all --runs 3
    .venv/bin/python -m fasciasite.bench.lighthouse --site-dir /tmp/site --json

Exit 0: every page meets the targets; 1: a page misses one (the audits that cost points
are listed); 2: bad usage, or no site, Chromium or npm.
Not part of the test suite: Lighthouse's timings are benchmark figures, not assertions.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path
from urllib.parse import urlsplit

from fasciasite.config import find_root, load_mkdocs_yml
from fasciasite.publishing.serve import serve  # the static server the browser tests use too

ROOT = find_root()  # the checkout the command runs in (cwd), never where the package is installed

LIGHTHOUSE_VERSION = "12.8.2"  # the newest release that runs on Node 20 (13.x needs Node 22.19)
CHROME_FLAGS = (
    "--headless=new --no-sandbox --disable-gpu --disable-background-networking "
    "--disable-component-update --disable-sync --no-first-run"
)
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
TARGETS = {"performance": 98, "accessibility": 100, "best-practices": 100, "seo": 100}
ARTICLE_BUDGET = 90 * 1024  # an article's first load, compressed, without the search index
SEARCH_INDEX = "search/search_index.json"
PAGES = ("", "fascia/what-is-fascia/")
LOAD_KEY = "_load_average"  # set on each report by run_once: the 1-minute load average as the run started
# Lighthouse's default mobile profile slows the CPU 4x, a factor chosen for a desktop whose
# benchmarkIndex is 1500-2000 (Lighthouse's docs/throttling.md, "Calibrating the CPU
# slowdown"): on a slower or busier machine the same page scores lower. Each run's
# benchmarkIndex is printed so that a score can be read against the machine it came from.


def lighthouse_bin(folder: Path) -> Path:
    """The pinned Lighthouse CLI in folder, installed with npm if it is not there yet."""
    cli = folder / "node_modules" / ".bin" / "lighthouse"
    installed = folder / "node_modules" / "lighthouse" / "package.json"
    if not (cli.exists() and json.loads(installed.read_text())["version"] == LIGHTHOUSE_VERSION):
        if not shutil.which("npm"):
            raise FileNotFoundError(f"npm not found; install Node.js and npm to fetch lighthouse@{LIGHTHOUSE_VERSION}")
        folder.mkdir(parents=True, exist_ok=True)
        print(f"Installing lighthouse@{LIGHTHOUSE_VERSION} into {folder} ...", file=sys.stderr)
        subprocess.run(
            ["npm", "install", "--no-audit", "--no-fund", "--prefix", str(folder), f"lighthouse@{LIGHTHOUSE_VERSION}"],
            check=True, stdout=subprocess.DEVNULL,
        )
    return cli


def run_lighthouse(cli: Path, chrome: Path, url: str, workdir: Path, cpu_slowdown: float | None = None) -> dict:
    report = workdir / "report.json"
    calibrated = [f"--throttling.cpuSlowdownMultiplier={cpu_slowdown}"] if cpu_slowdown else []
    subprocess.run(
        [str(cli), url, "--quiet", "--output=json", f"--output-path={report}", "--form-factor=mobile",
         f"--only-categories={','.join(CATEGORIES)}", f"--chrome-flags={CHROME_FLAGS}", *calibrated],
        check=True, env=dict(os.environ, CHROME_PATH=str(chrome)), timeout=300,
    )
    return json.loads(report.read_text(encoding="utf-8"))


def run_once(cli: Path, chrome: Path, url: str, workdir: Path, tries: int = 2, cpu_slowdown: float | None = None) -> dict:
    """One Lighthouse report; a run that fails (on a busy machine Chromium sometimes paints
    nothing in time: NO_FCP) is tried once more. The report keeps the load average as the run
    started (LOAD_KEY): with Lighthouse's own benchmarkIndex it tells what machine a score was
    measured on."""
    for attempt in range(tries):
        try:
            load = os.getloadavg()[0]
            report = run_lighthouse(cli, chrome, url, workdir, cpu_slowdown)
            report[LOAD_KEY] = round(load, 2)
            return report
        except subprocess.SubprocessError:
            if attempt == tries - 1:
                raise
    raise AssertionError("unreachable")


def failed(path: str, error: Exception, load: float) -> dict:
    return {"page": path or "/", "scores": {c: 0 for c in CATEGORIES}, "performance_runs": [], "load_average": round(load, 2),
            "runs": [], "bytes_total": 0, "bytes_without_search_index": 0, "problems": [f"Lighthouse failed: {error}"]}


def run_facts(report: dict) -> dict:
    """One run's performance score, its main-thread figures, and the machine it ran on."""
    audits = report["audits"]

    def ms(audit_id: str) -> int | None:
        value = audits.get(audit_id, {}).get("numericValue")
        return None if value is None else round(value)

    return {"performance": round(report["categories"]["performance"]["score"] * 100),
            "load_average": report.get(LOAD_KEY), "benchmark_index": round(report.get("environment", {}).get("benchmarkIndex", 0)),
            "cpu_slowdown": report.get("configSettings", {}).get("throttling", {}).get("cpuSlowdownMultiplier"),
            "fcp_ms": ms("first-contentful-paint"), "lcp_ms": ms("largest-contentful-paint"), "tbt_ms": ms("total-blocking-time"),
            "cls": audits.get("cumulative-layout-shift", {}).get("numericValue"), "main_thread_ms": main_thread(report),
            "paint_after_start": paint_after_start(report)}


def paint_after_start(report: dict) -> bool | None:
    """Whether the run's largest paint came only after Material had started (observed, in the
    trace: after DOMContentLoaded, which follows the deferred bundle). Lighthouse's simulation of
    the largest paint takes every task that began before the observed paint, so the bundle's
    start is then counted in it too: 0.5 to 1 s more on the phone, from when this machine's
    Chromium drew its first frame as much as from the page (issue 24 part 4). None when the
    report has no observed timings."""
    items = report["audits"].get("metrics", {}).get("details", {}).get("items") or [{}]
    lcp, dcl = items[0].get("observedLargestContentfulPaint"), items[0].get("observedDomContentLoaded")
    return None if lcp is None or dcl is None else lcp > dcl


def main_thread(report: dict) -> dict[str, int]:
    """Where the main thread's time went in one run (Lighthouse's mainthread-work-breakdown:
    style and layout, script evaluation, parse HTML and CSS, ...), in ms, largest first: what
    to look at when blocking time is high."""
    items = report["audits"].get("mainthread-work-breakdown", {}).get("details", {}).get("items", [])
    return {item["group"]: round(item["duration"]) for item in sorted(items, key=lambda i: -i["duration"])}


def summarise(path: str, reports: list[dict], is_article: bool, load: float | None = None) -> dict:
    """A page's median scores, its bytes, and its problems: the audits that cost points (from
    the run with the median performance score) and, for an article, a weight over budget."""
    reports = sorted(reports, key=lambda r: r["categories"]["performance"]["score"])
    report = reports[len(reports) // 2]
    requests = report["audits"]["network-requests"]["details"]["items"]
    total = sum(r.get("transferSize", 0) for r in requests)
    index = sum(r.get("transferSize", 0) for r in requests if urlsplit(r["url"]).path.endswith(SEARCH_INDEX))
    scores = {c: round(statistics.median(r["categories"][c]["score"] for r in reports) * 100) for c in CATEGORIES}
    lost = []
    for category in CATEGORIES:
        if scores[category] >= TARGETS[category]:
            continue
        for ref in report["categories"][category]["auditRefs"]:
            audit = report["audits"][ref["id"]]
            if ref["weight"] and audit["score"] is not None and audit["score"] < 1:
                value = f" ({audit['displayValue']})" if audit.get("displayValue") else ""
                lost.append(f"{category}: {ref['id']} scores {audit['score']:.2f}{value}: {audit['title']}")
    if is_article and total - index > ARTICLE_BUDGET:
        lost.append(f"weight: {total - index:,} bytes before the search index, budget {ARTICLE_BUDGET:,}")
    return {"page": path or "/", "scores": scores, "performance_runs": [round(r["categories"]["performance"]["score"] * 100)
                                                                        for r in reports],
            "load_average": load, "runs": [run_facts(r) for r in reports], "bytes_total": total, "bytes_without_search_index": total - index, "problems": lost}


def report_name(path: str, run: int) -> str:
    """The file name --keep-reports gives a page's run: 'references/' run 1 -> 'references-1.json'."""
    return f"{path.strip('/').replace('/', '_') or 'home'}-{run}.json"


def keep_reports(folder: Path, path: str, reports: list[dict]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for run, report in enumerate(reports, start=1):
        (folder / report_name(path, run)).write_text(json.dumps(report), encoding="utf-8")


def print_table(results: list[dict]) -> None:
    head = ["page", *CATEGORIES, "perf runs", "load", "load per run", "benchmarkIndex", "TBT ms", "late paint", "KB total",
            "KB w/o index"]

    def per_run(r: dict, key: str, form: str = "{}") -> str:
        return "/".join("-" if run[key] is None else form.format(run[key]) for run in r.get("runs", [])) or "-"

    rows = [[r["page"], *(str(r["scores"][c]) for c in CATEGORIES), "/".join(map(str, r["performance_runs"])),
             f"{r['load_average']:.1f}" if r.get("load_average") is not None else "-",
             per_run(r, "load_average", "{:.1f}"), per_run(r, "benchmark_index"), per_run(r, "tbt_ms"),
             "/".join({True: "y", False: "n", None: "-"}[run.get("paint_after_start")] for run in r.get("runs", [])) or "-",
             f"{r['bytes_total'] / 1024:.1f}", f"{r['bytes_without_search_index'] / 1024:.1f}"] for r in results]
    widths = [max(len(row[i]) for row in [head, *rows]) for i in range(len(head))]
    for row in [head, *rows]:
        print("  ".join(cell.ljust(w) if i == 0 else cell.rjust(w) for i, (cell, w) in enumerate(zip(row, widths, strict=True))))
    print("targets: " + ", ".join(f"{c} >= {t}" for c, t in TARGETS.items())
          + f"; an article <= {ARTICLE_BUDGET // 1024} KB before the search index")
    print("late paint: y where a run's largest paint came only after Material's start (the simulated one then counts it)")
    for r in results:
        for problem in r["problems"]:
            print(f"{r['page']}: {problem}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], epilog=__doc__.split("\n\n", 2)[2],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--site-dir", type=Path, default=ROOT / "site", help="the built site (default: site/, from `make build`)")
    parser.add_argument("--pages", nargs="+", default=list(PAGES), metavar="PATH",
                        help="pages below the site root, '' for the home page; the pages of the article sections "
                             "(mkdocs.yml extra.article_sections) are held to the article weight budget "
                             "(default: '' fascia/what-is-fascia/)")
    parser.add_argument("--all", action="store_true", help="every page of the site's sitemap.xml, in its order (not a sample)")
    parser.add_argument("--chrome", type=Path, default=Path(os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")),
                        help="the Chromium to drive (default: $CHROMIUM_PATH or /usr/bin/chromium)")
    parser.add_argument("--lighthouse-dir", type=Path, default=ROOT / ".cache" / "lighthouse",
                        help=f"where lighthouse@{LIGHTHOUSE_VERSION} is installed (default: .cache/lighthouse)")
    parser.add_argument("--runs", type=int, default=3, help="Lighthouse runs per page; scores are medians (default: 3)")
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    parser.add_argument("--jsonl", type=Path, metavar="FILE",
                        help="also append each page's result to FILE as one JSON line as soon as it is measured "
                             "(a long --all run keeps what it measured if it is stopped)")
    parser.add_argument("--keep-reports", type=Path, metavar="DIR",
                        help="also write every run's whole Lighthouse report to DIR (<page>-<run>.json, the page's "
                             "slashes as '_'): its traces of long tasks, the main thread and the largest paint, to "
                             "find what costs a page its points")
    parser.add_argument("--cpu-slowdown", type=float, default=None, metavar="X",
                        help="calibrated CPU slowdown instead of the mobile profile's 4x (Lighthouse's "
                             "docs/throttling.md: lower it on a machine whose benchmarkIndex is below a desktop's "
                             "1500-2000); a calibrated score is reported beside the default profile's, never instead")
    args = parser.parse_args(argv)

    if args.runs < 1:
        parser.error("--runs must be 1 or more")
    if args.cpu_slowdown is not None and args.cpu_slowdown <= 0:
        parser.error("--cpu-slowdown must be above 0")
    if not (args.site_dir / "index.html").is_file():
        parser.error(f"{args.site_dir}: no built site here; run `make build` first, or pass --site-dir")
    if not args.chrome.is_file():
        parser.error(f"{args.chrome}: Chromium not found; install it: apt-get install -y chromium")
    config = load_mkdocs_yml(ROOT)
    site_url = config["site_url"]
    sections = tuple(f"{s}/" for s in config["extra"]["article_sections"])
    if args.all:
        sitemap = args.site_dir / "sitemap.xml"
        if not sitemap.is_file():
            parser.error(f"{sitemap}: no sitemap; --all reads the pages from it")
        args.pages = [loc[len(site_url):] for loc in re.findall(r"<loc>([^<]+)</loc>", sitemap.read_text(encoding="utf-8"))]

    results = []
    try:
        cli = lighthouse_bin(args.lighthouse_dir)
        with serve(args.site_dir, base=urlsplit(site_url).path) as server, tempfile.TemporaryDirectory() as tmp:
            for path in args.pages:
                load = os.getloadavg()[0]
                try:
                    reports = [run_once(cli, args.chrome, server.url + path, Path(tmp), cpu_slowdown=args.cpu_slowdown)
                               for _ in range(args.runs)]
                except subprocess.SubprocessError as error:  # this page fails; the others are still measured
                    results.append(failed(path, error, load))
                else:
                    if args.keep_reports:
                        keep_reports(args.keep_reports, path, reports)
                    results.append(summarise(path, reports, is_article=path.startswith(sections), load=round(load, 2)))
                if args.jsonl:
                    with args.jsonl.open("a", encoding="utf-8") as out:
                        out.write(json.dumps(results[-1]) + "\n")
    except (FileNotFoundError, subprocess.SubprocessError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps(results, indent=2))
    else:
        print_table(results)
    return 1 if any(r["problems"] for r in results) else 0


if __name__ == "__main__":
    sys.exit(main())
