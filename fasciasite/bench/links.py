#!/usr/bin/env python3
"""Benchmark our link checker (fasciasite.links) against lychee and LinkChecker on a generated site.

Usage: python -m fasciasite.bench.links [--pages 2000] [--runs 3] [--json] [--keep]
           [--tools ours,lychee,linkchecker]

Writes a MkDocs-like site of N pages (directory URLs, nav, table of contents, srcset
images, inline SVG icons, stylesheets, redirect pages, sitemap.xml, 404.html) into a
temporary directory with two planted defects of each kind the checker looks for
(missing page, missing fragment on the same / another page, name= on a div, case
mismatch, ../ escaping the site, broken srcset candidate, broken img, broken CSS url(),
broken sitemap <loc>, redirect page to a missing target, javascript: link), then
times, in one run:

  ours        python -m fasciasite.links DIR --json
  lychee      lychee --offline --include-fragments --root-dir DIR --index-files index.html
  linkchecker linkchecker --no-warnings DIR/index.html (its defaults; its AnchorCheck
              plugin cannot check fragments of directory URLs in local files, so it
              is left off: it would only add warnings)

ours and lychee: median of --runs; linkchecker: one run. For each tool: wall seconds,
CPU seconds (user + system, children included: steadier on a busy machine), ratio of
wall seconds to ours, planted defects found / total, false positives (reports matching
no planted defect; a report of a link to a broken redirect page counts as neither).
A tool that is not installed, or fails, is reported as skipped. Exit 0 unless the
command line is wrong (2).
"""
from __future__ import annotations

import argparse
import csv
import io
import json
import os
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

SITE_URL = "https://bench.example/"
PAGES_PER_SECTION = 100
LOREM = ("Fascia is connective tissue that wraps muscles and organs. Low back pain is common "
         "and usually improves with time, movement and reassurance. ") * 8
# Material pages carry a few inline SVG icons; with them a page weighs about what
# the real site's do (30-60 KB).
ICON = ('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24"><path d="'
        + " ".join(f"M{i} {i + 1}h{i % 7}v{i % 5}l{i % 3} {i % 4}" for i in range(60))
        + '"/></svg>')


class Defects:
    """Planted defects: (page, needle) where needle is a string in the broken link."""

    def __init__(self) -> None:
        self.items: list[tuple[str, str, str]] = []  # (kind, page, needle)
        self.neutral: list[tuple[str, str]] = []  # reports that are neither found nor false

    def add(self, kind: str, page: str, needle: str) -> None:
        self.items.append((kind, page, needle))


def page_path(sec: int, num: int) -> str:
    return f"sec-{sec:02d}/page-{num:04d}/index.html"


def write_site(root: Path, pages: int, seed: int = 7) -> Defects:
    """Write the site into root/site (outside-*.html beside it); return the defects."""
    rng = random.Random(seed)
    site = root / "site"
    defects = Defects()
    sections = max(1, -(-pages // PAGES_PER_SECTION))
    all_pages = [(n // PAGES_PER_SECTION, n) for n in range(pages)]
    (site / "assets").mkdir(parents=True)
    (site / "files").mkdir()
    for name in ("img-1.png", "img-1@2x.png", "img-1.webp", "favicon.png", "font.woff2"):
        (site / "assets" / name).write_bytes(b"\x89PNG")
    (site / "assets" / "app.js").write_text("console.log('hi');\n")
    (site / "files" / "My File.pdf").write_bytes(b"%PDF-1.4")
    (site / "assets" / "style.css").write_text(
        "@import \"print.css\";\n/* url(commented-out.png) is not a reference */\n"
        "body { background: url(img-1.png) no-repeat; }\n"
        "@font-face { font-family: X; src: url('font.woff2') format('woff2'); }\n"
        ".i { mask-image: url(\"data:image/svg+xml;charset=utf-8,<svg></svg>\"); }\n")
    (site / "assets" / "print.css").write_text("a { color: black }\n")

    # Pages carrying a planted defect, two of each kind, chosen once.
    chosen = rng.sample(all_pages[1:], 20)
    plant: dict[tuple[int, int], list[tuple[str, int]]] = {p: [] for p in chosen}
    kinds = ["missing-page", "missing-fragment-same", "missing-fragment-other", "div-name",
             "case", "escape", "srcset", "img", "javascript", "redirect-link"]
    for i, p in enumerate(chosen):
        plant[p].append((kinds[i // 2], i))

    def nav(sec: int) -> str:
        items = "".join(f'<li><a href="../../sec-{s:02d}/" class="md-tabs__link">Section {s}'
                        '</a></li>' for s in range(sections))
        return f'<nav class="md-tabs"><ul>{items}</ul></nav>'

    for sec, num in all_pages:
        rel = page_path(sec, num)
        first = sec * PAGES_PER_SECTION
        last = min(pages, first + PAGES_PER_SECTION) - 1
        lo = max(first, num - 15)
        side = "".join(f'<li><a href="../page-{k:04d}/" class="md-nav__link">Page {k}</a></li>'
                       for k in range(lo, min(last, lo + 30) + 1))
        toc = "".join(f'<li><a href="#h-{h}" class="md-nav__link">Heading {h}</a></li>'
                      for h in range(1, 9))
        body = []
        for h in range(1, 9):
            linked = rng.choice(all_pages)
            body.append(f'<h2 id="h-{h}">Heading {h}<a class="headerlink" href="#h-{h}">¶</a></h2>')
            anchor = f"../../{page_path(*linked)[:-10]}#h-{rng.randint(1, 8)}"
            body.append(f'<p>{LOREM} See <a href="{anchor}">'
                        f'this page</a> and <a href="https://www.example.org/ref/{num}-{h}">a '
                        f'source</a>.</p>')
        body.append('<p><a href="#top">Top</a> <a href="#">empty</a> '
                    '<a href="../../index.html">home</a> <a href="../../?q=1">query</a> '
                    '<a href="../../files/My%20File.pdf">pdf</a> '
                    '<a href="mailto:clinic@example.org">mail</a> <a href="tel:+441234">call</a> '
                    f'<a href="{SITE_URL}sec-{sec:02d}/">absolute</a> '
                    + ('<a href="../../old-1/#h-2">moved</a> ' if num % 100 == 7 else '') +
                    '<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=" alt=""></p>')
        body.append('<p><a name="fn-1"></a><sup id="fnref-1"><a href="#fn-1">1</a></sup></p>')
        body.append('<picture><source type="image/webp" srcset="../../assets/img-1.webp">'
                    '<img src="../../assets/img-1.png" srcset="../../assets/img-1.png 1x, '
                    '../../assets/img-1@2x.png 2x" alt=""></picture>')
        for kind, i in plant.get((sec, num), []):
            other = page_path(sec, first + (num - first + 1) % (last - first + 1))[:-10]
            if kind == "missing-page":
                body.append(f'<a href="../missing-page-{i}/">gone</a>')
                defects.add(kind, rel, f"missing-page-{i}")
            elif kind == "missing-fragment-same":
                body.append(f'<a href="#missing-anchor-{i}">gone</a>')
                defects.add(kind, rel, f"missing-anchor-{i}")
            elif kind == "missing-fragment-other":
                body.append(f'<a href="../../{other}#missing-other-{i}">gone</a>')
                defects.add(kind, rel, f"missing-other-{i}")
            elif kind == "div-name":
                body.append(f'<div name="div-name-{i}">x</div><a href="#div-name-{i}">div</a>')
                defects.add(kind, rel, f"div-name-{i}")
            elif kind == "case":
                target = other.replace("page-", "Page-")
                body.append(f'<a href="../../{target}">case</a>')
                defects.add(kind, rel, target.split("/")[1])
            elif kind == "escape":
                (root / f"outside-{i}.html").write_text("<p>outside</p>")
                body.append(f'<a href="../../../outside-{i}.html">escape</a>')
                defects.add(kind, rel, f"outside-{i}.html")
            elif kind == "srcset":
                body.append('<img src="../../assets/img-1.png" srcset="../../assets/img-1.png 1x, '
                            f'../../assets/missing-srcset-{i}.png 2x" alt="">')
                defects.add(kind, rel, f"missing-srcset-{i}")
            elif kind == "img":
                body.append(f'<img src="../../assets/missing-img-{i}.png" alt="">')
                defects.add(kind, rel, f"missing-img-{i}")
            elif kind == "javascript":
                body.append(f'<a href="javascript:alert(\'planted-js-{i}\')">js</a>')
                defects.add(kind, rel, f"planted-js-{i}")
            elif kind == "redirect-link":  # the defect is on the redirect page itself
                body.append(f'<a href="../../old-missing-{i}/">old</a>')
                write_redirect(site, f"old-missing-{i}", f"../missing-redirect-{i}/")
                defects.add("redirect", f"old-missing-{i}/index.html", f"missing-redirect-{i}")
                defects.neutral.append((rel, f"old-missing-{i}"))  # a link to it: fair too
        edit = f"https://github.com/acme/site/edit/main/docs/sec-{sec:02d}/page-{num:04d}.md"
        write_page(site / rel, f"Page {num}", f"{SITE_URL}sec-{sec:02d}/page-{num:04d}/",
                   "../../", nav(sec) + f'<nav class="md-nav"><ul>{side}</ul></nav>'
                   f'<nav class="md-nav--secondary"><ul>{toc}</ul></nav>',
                   f'<a href="{edit}" title="Edit this page" class="md-content__button md-icon">'
                   f'edit</a>' + "".join(body))

    for sec in range(sections):
        first = sec * PAGES_PER_SECTION
        links = "".join(f'<li><a href="page-{k:04d}/">Page {k}</a></li>'
                        for k in range(first, min(pages, first + PAGES_PER_SECTION)))
        write_page(site / f"sec-{sec:02d}/index.html", f"Section {sec}",
                   f"{SITE_URL}sec-{sec:02d}/", "../", nav(sec).replace("../../", "../"),
                   f"<ul>{links}</ul>")
    old = "".join(f'<li><a href="old-{k}/">old {k}</a></li>' for k in range(1, 6))
    write_page(site / "index.html", "Home", SITE_URL, "", nav(0).replace("../../", ""),
               f'<ul>{old}</ul><link rel="stylesheet" href="assets/extra-0.css">'
               '<link rel="stylesheet" href="assets/extra-1.css">')
    write_page(site / "404.html", "Not found", None, "/", nav(0).replace("../../", "/"),
               '<p><a href="/">Home</a></p>')
    for k in range(1, 6):
        write_redirect(site, f"old-{k}", f"../{page_path(0, k)[:-10]}")
    for i in range(2):
        (site / "assets" / f"extra-{i}.css").write_text(
            f".x{{background:url(img-1.png)}} .y{{background:url(missing-css-{i}.png)}}\n")
        defects.add("css", f"assets/extra-{i}.css", f"missing-css-{i}")
    locs = [SITE_URL] + [f"{SITE_URL}{page_path(s, n)[:-10]}" for s, n in all_pages]
    locs += [f"{SITE_URL}missing-sitemap-{i}/" for i in range(2)]
    defects.add("sitemap", "sitemap.xml", "missing-sitemap-0")
    defects.add("sitemap", "sitemap.xml", "missing-sitemap-1")
    (site / "sitemap.xml").write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/'
        'sitemap/0.9">\n' + "".join(f"<url><loc>{u}</loc></url>\n" for u in locs) + "</urlset>\n")
    return defects


def write_page(path: Path, title: str, canonical: str | None, up: str, nav: str, main: str) -> None:
    head = (f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{title}</title>'
            + (f'<link rel="canonical" href="{canonical}">' if canonical else "")
            + f'<link rel="icon" href="{up}assets/favicon.png">'
            f'<link rel="stylesheet" href="{up}assets/style.css">'
            '<link rel="preconnect" href="https://fonts.gstatic.com" crossorigin>'
            f'<script src="{up}assets/app.js"></script></head>')
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f'{head}<body><a href="#content" class="md-skip">Skip</a>'
                    f'<header id="top">{ICON * 12}{nav}</header><article id="content">'
                    f'<h1 id="title">{title}</h1>{main}</article></body></html>\n',
                    encoding="utf-8")


def write_redirect(site: Path, name: str, target: str) -> None:
    path = site / name / "index.html"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text('<!doctype html><html><head><meta charset="utf-8">'
                    '<title>Redirecting...</title>'
                    f'<link rel="canonical" href="{target}">'
                    f'<meta http-equiv="refresh" content="0; url={target}"></head>'
                    f'<body><a href="{target}">new destination</a></body></html>\n')


# ---------------------------------------------------------------- running the tools

def tool(name: str) -> str | None:
    """The installed command: beside this Python (the venv) first, then on PATH."""
    local = Path(sys.executable).parent / name
    return str(local) if local.exists() else shutil.which(name)


class ToolFailed(Exception):
    """A tool ended with an exit code that means it could not run."""


def execute(cmd: list[str], ok_codes: tuple[int, ...]) -> str:
    out = subprocess.run(cmd, capture_output=True, text=True)
    if out.returncode not in ok_codes:
        last = (out.stderr.strip().splitlines() or ["no message"])[-1]
        raise ToolFailed(f"exit {out.returncode}: {last}")
    return out.stdout


def run_ours(site: Path) -> list:
    out = execute([sys.executable, "-m", "fasciasite.links", str(site), "--json"], (0, 1))
    return [(f["page"], f["link"]) for f in json.loads(out)]


def installed(name: str) -> str:
    """The command of a tool main() found installed; ToolFailed if it has gone since."""
    command = tool(name)
    if command is None:
        raise ToolFailed(f"{name} is not installed")
    return command


def run_lychee(site: Path) -> list:
    out = execute([installed("lychee"), "--offline", "--include-fragments", "--root-dir", str(site),
                   "--index-files", "index.html", "--format", "json", "--no-progress",
                   str(site)], (0, 2))
    data = json.loads(out)
    return [(os.path.relpath(page, site), unquote(item["url"]))
            for page, items in {**data.get("error_map", {}), **data.get("fail_map", {})}.items()
            for item in items]


def run_linkchecker(site: Path) -> list:
    out = execute([installed("linkchecker"), "--no-warnings", "--no-status", "-o", "csv",
                   str(site / "index.html")], (0, 1))
    lines = [ln for ln in out.splitlines() if ln and not ln.startswith("#")]
    reports = []
    for row in csv.DictReader(io.StringIO("\n".join(lines)), delimiter=";"):
        if row.get("valid") == "True":
            continue
        parent = unquote(urlsplit(row.get("parentname") or "").path)
        page = os.path.relpath(parent, site) if parent else "?"
        link = f"{unquote(row.get('urlname') or '')} {unquote(row.get('url') or '')}"
        reports.append((page, link))
    return reports


def score(reports: list, defects: Defects) -> tuple[int, int]:
    """(planted defects found, false positives) for (page, link) reports."""
    found, false = set(), 0
    for page, link in set(reports):
        hits = [(p, n) for _, p, n in defects.items if p == page and n in link]
        if hits:
            found.update(hits)
        elif not any(p == page and n in link for p, n in defects.neutral):
            false += 1
    return len(found), false


def timed(fn: Callable[[Path], list], site: Path, runs: int) -> tuple[float, float, list]:
    """Median wall seconds, median CPU seconds (user + system of the tool and its
    children: steadier than wall time on a shared machine) and the last reports."""
    walls, cpus, reports = [], [], []
    for _ in range(runs):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        reports = fn(site)
        walls.append(time.perf_counter() - start)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpus.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    return statistics.median(walls), statistics.median(cpus), reports


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter,
                                     epilog=__doc__.split("\n\n", 2)[2])
    parser.add_argument("--pages", type=int, default=2000, help="pages to generate (default 2000)")
    parser.add_argument("--runs", type=int, default=3,
                        help="runs of ours and lychee, the median is kept (default 3)")
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    parser.add_argument("--keep", action="store_true", help="keep the generated site and say where")
    parser.add_argument("--tools", default="ours,lychee,linkchecker",
                        help="comma-separated tools to run (default: all three)")
    args = parser.parse_args(argv)
    if args.pages < 40 or args.runs < 1:
        parser.error("--pages must be >= 40 (room for the planted defects) and --runs >= 1")
    tmp = Path(tempfile.mkdtemp(prefix="bench_links_"))
    os.chmod(tmp, 0o755)  # linkchecker drops root privileges to 'nobody' and must read it
    try:
        defects = write_site(tmp, args.pages)
        site = tmp / "site"
        tools = [("ours", run_ours, args.runs), ("lychee", run_lychee, args.runs),
                 ("linkchecker", run_linkchecker, 1)]
        rows: list[dict[str, Any]] = []
        for name, fn, runs in tools:
            if name != "ours" and name not in args.tools.split(","):
                continue
            if name != "ours" and tool(name) is None:
                rows.append({"tool": name, "skipped": f"{name} is not installed"})
                continue
            try:
                seconds, cpu, reports = timed(fn, site, runs)
            except ToolFailed as exc:
                rows.append({"tool": name, "skipped": f"{name} failed: {exc}"})
                continue
            found, false = score(reports, defects)
            rows.append({"tool": name, "seconds": round(seconds, 3), "cpu_seconds": round(cpu, 3),
                         "runs": runs,
                         "found": found, "planted": len(defects.items),
                         "false_positives": false})
        ours = rows[0].get("seconds")
        for row in rows:
            if "seconds" in row:
                row["ratio_to_ours"] = round(row["seconds"] / ours, 2) if ours else None
        print_table(rows, args)
        if args.keep:
            print(f"site kept in {site}")
    finally:
        if not args.keep:
            shutil.rmtree(tmp, ignore_errors=True)
    return 0


def print_table(rows: list[dict[str, Any]], args: argparse.Namespace) -> None:
    if args.json:
        print(json.dumps({"pages": args.pages, "cores": os.cpu_count(), "load": os.getloadavg(),
                          "results": rows}, indent=2))
        return
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"{args.pages} pages, {os.cpu_count()} cores, load average {load}")
    print(f"{'tool':<12} {'seconds':>8} {'cpu s':>7} {'x ours':>7} {'found':>7} {'false +':>8}")
    for r in rows:
        if "skipped" in r:
            print(f"{r['tool']:<12} skipped: {r['skipped']}")
        else:
            ratio = f"{r['ratio_to_ours']:.2f}" if r["ratio_to_ours"] is not None else "-"
            print(f"{r['tool']:<12} {r['seconds']:>8.2f} {r['cpu_seconds']:>7.2f} {ratio:>7} "
                  f"{r['found']:>3}/{r['planted']:<3} {r['false_positives']:>8}")


if __name__ == "__main__":
    sys.exit(main())
