#!/usr/bin/env python3
"""Benchmark the site build: speed at 10-1,000 articles, citation cost, page weight.

Usage: python scripts/bench.py [--sizes 10,100,1000] [--runs 3] [--json FILE]
                               [--skip-links] [--skip-lighthouse] [--keep DIR]

For each size N, writes a synthetic project in a temporary directory: N articles of
about 1,200 words (key points and evidence boxes, headings, lists, a table, a diagram
from docs/assets/diagrams, links to other generated articles, about 14 citations drawn
from references.bib plus 200 generated entries appended to a copy of it), valid front
matter, and the REAL mkdocs.yml (nav replaced), hooks, templates, includes, schema and
scripts. Then it times full strict builds (median of --runs; each run starts with an
empty card cache, as a fresh CI checkout does) twice:

  with citations     the corpus as written
  without citations  citations stripped from the Markdown, and the bibtex plugin and
                     the citations hook removed from the copied mkdocs.yml

and reports seconds per 100 articles, the citation overhead (with / without), and
growth (per-article time at the largest N / at the next size down; 1.00 = linear).
At the largest N it also times a full build with the card cache kept (as when CI
caches .cache/cards), `mkdocs build --dirty --no-strict` after editing one page
(strict would abort on MkDocs' own "dirty build" warning), and the rebuilds `make
serve` and `make serve-fast` do when one page is saved.

Then, on the REAL site: the strict build time (median of --runs, cold card cache),
and page weights (raw and gzip -6): the largest article's HTML, CSS, JavaScript, the
search worker and index, and an article's first load (HTML + CSS + JS + SVG images
and icons it references; no web fonts; the search worker and index excluded).

scripts/bench_links.py --json and scripts/lighthouse.py --json --site-dir (the real
site just built) are run when they exist (else "not available"); --skip-links /
--skip-lighthouse leave them out.

Prints a plain-text table and writes JSON (default bench-results/latest.json).
Exit 0 when every build succeeded, 1 when one failed, 2 on bad usage. Targets are
reported, never an exit status: timings on a shared machine are noisy.
"""
from __future__ import annotations

import argparse
import datetime as dt
import functools
import gzip
import importlib.metadata
import json
import os
import platform
import queue
import random
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import yaml
from lxml import html as lxml_html

ROOT = Path(__file__).resolve().parent.parent
GENERATED_BIB_ENTRIES = 200
CITATIONS_PER_ARTICLE = 14
GZIP_LEVEL = 6  # what web servers typically use on the fly
SUBPROCESS_TIMEOUT = 1800
SERVE_TIMEOUT = 600  # for `mkdocs serve` to start (a full build)
WATCH_TIMEOUT = 15   # for it to notice a saved file

TARGETS = {  # name -> (limit, unit, what)
    "citation_overhead_1000": (1.10, "x", "citation overhead at N=1,000 (with / without)"),
    "build_1000_s": (35.0, "s", "strict build of 1,000 articles"),
    "real_build_s": (5.0, "s", "strict build of the real site"),
    "first_load_gzip_kb": (90.0, "KB", "an article's first load, gzip, before the search index"),
}


class BuildFailed(Exception):
    pass


# ── Machine ──────────────────────────────────────────────────────────────────


def machine() -> dict:
    cpu = "unknown"
    with open("/proc/cpuinfo", encoding="utf-8") as f:
        for line in f:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    mem_kb = 0
    with open("/proc/meminfo", encoding="utf-8") as f:
        for line in f:
            if line.startswith("MemTotal:"):
                mem_kb = int(line.split()[1])
    versions = {}
    for dist in ("mkdocs", "mkdocs-material", "mkdocs-bibtex", "pillow"):
        try:
            versions[dist] = importlib.metadata.version(dist)
        except importlib.metadata.PackageNotFoundError:
            versions[dist] = None
    return {
        "nproc": len(os.sched_getaffinity(0)),
        "cpu": cpu,
        "memory_gib": round(mem_kb / 1024 / 1024, 1),
        "python": platform.python_version(),
        "load_average": [round(x, 2) for x in os.getloadavg()],
        "packages": versions,
    }


# ── Running builds ───────────────────────────────────────────────────────────


@functools.cache
def build_env() -> dict[str, str]:
    env = dict(os.environ, NO_MKDOCS_2_WARNING="true", DISABLE_MKDOCS_2_WARNING="true")
    if "SOURCE_DATE_EPOCH" not in env:
        out = subprocess.run(["git", "log", "-1", "--format=%ct"], cwd=ROOT, capture_output=True, text=True)
        env["SOURCE_DATE_EPOCH"] = out.stdout.strip() or "1764000000"
    return env


def mkdocs(*args: str) -> list[str]:
    return [sys.executable, "-m", "mkdocs", *args]


def timed(cmd: list[str], cwd: Path, log: Path) -> dict:
    """Run cmd; wall seconds, CPU seconds and peak RSS of the child (and its children, e.g. pandoc)."""
    with open(log, "wb") as out:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=cwd, stdout=out, stderr=subprocess.STDOUT, env=build_env())
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        tail = log.read_text(encoding="utf-8", errors="replace").strip().splitlines()[-15:]
        where = f"{' '.join(cmd[2:])} (in {cwd}) exited {proc.returncode}; log {log}"
        raise BuildFailed(where + ":\n  " + "\n  ".join(tail))
    return {"seconds": wall, "cpu_seconds": usage.ru_utime + usage.ru_stime, "peak_mb": usage.ru_maxrss / 1024}


def cold_build(project: Path) -> dict:
    """One strict build with the card cache emptied first (as on a fresh CI checkout)."""
    shutil.rmtree(project / ".cache", ignore_errors=True)
    return timed(mkdocs("build", "--strict", "-d", "site"), project, project / "build.log")


def strict_builds(project: Path, runs: int) -> dict:
    """Median of `runs` cold strict builds."""
    return median_of([cold_build(project) for _ in range(runs)])


def paired_builds(cited: Path, uncited: Path, runs: int) -> tuple[dict, dict]:
    """Cold builds with and without citations taken in turn, so that a change in the
    machine's load during the run affects both sides of the ratio alike."""
    pairs = [(cold_build(cited), cold_build(uncited)) for _ in range(runs)]
    return median_of([p[0] for p in pairs]), median_of([p[1] for p in pairs])


def median_of(results: list[dict]) -> dict:
    runs = len(results)
    return {
        "runs": runs,
        "seconds": round(statistics.median(r["seconds"] for r in results), 3),
        "cpu_seconds": round(statistics.median(r["cpu_seconds"] for r in results), 3),
        "peak_mb": round(max(r["peak_mb"] for r in results), 1),
        "all_seconds": [round(r["seconds"], 3) for r in results],
    }


def edit(page: Path) -> None:
    with open(page, "a", encoding="utf-8") as f:
        f.write(f"\nOne more sentence, added by the benchmark at {time.time():.3f}.\n")


def incremental(project: Path, page: Path) -> dict:
    """A full build with the card cache kept, `build --dirty` after editing one page, `make serve`'s rebuild."""
    warm = timed(mkdocs("build", "--strict", "-d", "site"), project, project / "build.log")
    edit(page)
    dirty = timed(mkdocs("build", "--dirty", "--no-strict", "-d", "site"), project, project / "dirty.log")
    return {
        "warm_full_seconds": round(warm["seconds"], 3),
        "dirty_seconds": round(dirty["seconds"], 3),
        "serve": serve_rebuild(project, page),
        "serve_fast": serve_rebuild(project, page, fast=True),
    }


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def serve_rebuild(project: Path, page: Path, fast: bool = False) -> dict:
    """Start `mkdocs serve` as `make serve` (or `make serve-fast`) does, save one page,
    time until it reloads."""
    mode = ("--dirty", "--no-strict") if fast else ("--strict",)
    cmd = mkdocs("serve", *mode, "-a", f"127.0.0.1:{free_port()}")
    proc = subprocess.Popen(cmd, cwd=project, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            text=True, env=build_env())
    lines: queue.Queue[str] = queue.Queue()
    threading.Thread(target=lambda: [lines.put(x) for x in proc.stderr], daemon=True).start()

    def wait_for(*needles: str, timeout: float = SERVE_TIMEOUT) -> str | None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                line = lines.get(timeout=1)
            except queue.Empty:
                if proc.poll() is not None:
                    return None
                continue
            if any(n in line for n in needles):
                return line
        return None

    try:
        started = time.perf_counter()
        if not wait_for("Serving on"):
            return {"error": "mkdocs serve did not start"}
        # A rebuild takes about as long as the first build; allow plenty more.
        timeout = max(60.0, 3 * (time.perf_counter() - started))
        for _attempt in range(5):
            time.sleep(1)  # let the file watcher settle
            start = time.perf_counter()
            edit(page)
            # A save the watcher missed (it happens on a loaded machine) is made again.
            if wait_for("Detected file changes", timeout=WATCH_TIMEOUT):
                break
        else:
            return {"error": f"mkdocs serve did not notice {WATCH_TIMEOUT} s x 5 saves of {page.name}"}
        built = wait_for("Documentation built in", "Aborted", "error happened", timeout=timeout)
        done = (wait_for("Reloading browsers", "error happened", timeout=timeout)
                if built and "built in" in built else None)
        if not done or "Reloading" not in done:
            return {"error": f"rebuild failed: {(built or done or 'timed out').strip()}"}
        return {
            "seconds_to_reload": round(time.perf_counter() - start, 3),
            "build_seconds": float(re.search(r"built in ([\d.]+)", built).group(1)),
        }
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


# ── Synthetic corpus ─────────────────────────────────────────────────────────

SUBJECTS = ["Fascia", "The thoracolumbar fascia", "Low back pain", "Foam rolling", "Sports massage",
            "Myofascial release", "Gentle exercise", "Poor sleep", "Long-term stress", "Running",
            "Walking", "Strength training", "A hands-on assessment", "Stretching", "Heat"]
VERBS = ["may change", "seems to affect", "was linked with", "did not clearly change", "is often blamed for",
         "can ease", "was tested against", "might explain part of", "rarely causes", "usually improves"]
OBJECTS = ["how stiff your back feels in the morning", "pain after a long day at a desk",
           "how far you can bend forward", "the way layers of tissue slide over each other",
           "soreness after hard training", "confidence to keep moving", "how often back pain comes back",
           "sleep on the nights after exercise", "the fear that something is damaged", "recovery between sessions"]
TAILS = ["in small studies", "for a few weeks at most", "in people with long-term pain",
         "although the evidence is weak", "in healthy volunteers", "when combined with exercise",
         "in trials that were not blinded", "according to national guidelines", "in one careful review",
         "but nobody knows why yet"]
HEADINGS = ["What the research shows", "Who it may help", "What to try first", "Common myths",
            "What a session involves", "When to get help"]
RATINGS = ["Strong", "Moderate", "Limited"]
ANGLES = ["what the evidence says", "a plain guide", "myths and facts", "what to expect", "questions answered"]


def sentence(rng: random.Random) -> str:
    return f"{rng.choice(SUBJECTS)} {rng.choice(VERBS)} {rng.choice(OBJECTS)} {rng.choice(TAILS)}."


def paragraph(rng: random.Random, cites: list[str], n: int = 5) -> str:
    out = []
    for _ in range(n):
        text = sentence(rng)
        if cites and rng.random() < 0.45:
            take = 2 if len(cites) >= 2 and rng.random() < 0.2 else 1
            block = "; ".join(f"@{cites.pop()}" for _ in range(take))
            text = f"{text[:-1]} [{block}]."
        out.append(text)
    return " ".join(out)


def bib_keys(bib_text: str) -> list[str]:
    return re.findall(r"^\s*@\w+\s*\{\s*([^,\s]+)\s*,", bib_text, re.M)


def generated_bib(count: int) -> tuple[str, list[str]]:
    rng = random.Random(11)
    entries, keys = [], []
    for i in range(count):
        year = 1995 + i % 30
        key = f"bench{year}study{i:03d}"
        keys.append(key)
        entries.append(
            f"@article{{{key},\n"
            f"  author  = {{{rng.choice(['Smith', 'Patel', 'Jones', 'Nguyen', 'Okafor'])}, A. and "
            f"{rng.choice(['Brown', 'Khan', 'Evans', 'Schmidt', 'Rossi'])}, B. C.}},\n"
            f"  title   = {{{rng.choice(SUBJECTS)} and {rng.choice(OBJECTS)}: a randomised trial number {i}}},\n"
            f"  journal = {{Journal of Benchmark Studies}},\n"
            f"  year    = {{{year}}},\n  volume  = {{{1 + i % 40}}},\n  pages   = {{{100 + i}--{110 + i}}},\n"
            f"  doi     = {{10.5555/bench.{i:04d}}}\n}}\n"
        )
    return "\n".join(entries), keys


def slugs(n: int, sections: list[str]) -> list[str]:
    return [f"{sections[i % len(sections)]}/topic-{i:04d}.md" for i in range(n)]


def rel(src: str, dst: str) -> str:
    return os.path.relpath(dst, os.path.dirname(src)).replace(os.sep, "/")


def article(i: int, pages: list[str], keys: list[str], tags: list[str], diagrams: list[str]) -> str:
    rng = random.Random(i)
    me = pages[i]
    title = f"{rng.choice(SUBJECTS)} and {rng.choice(OBJECTS)}: {rng.choice(ANGLES)} ({i})"
    published = dt.date(2026, 1, 1) + dt.timedelta(days=i % 300)
    cites = rng.sample(keys, CITATIONS_PER_ARTICLE)
    n = len(pages)
    others = [pages[j] for j in dict.fromkeys(((i + 1) % n, (i * 7 + 3) % n, (i + n // 2) % n)) if j != i]
    links = [f"[{'a related guide' if k else 'how it works elsewhere'}]({rel(me, p)}{'' if k else '#how-it-works'})"
             for k, p in enumerate(others)]
    front = {
        "title": title,
        "description": f"Synthetic benchmark article {i}: {sentence(rng)}"[:160],
        "author": "editorial-team", "reviewer": "",
        "published": published, "last_reviewed": published,
        "next_review": published.replace(year=published.year + 1),
        "tags": rng.sample(tags, rng.randint(2, 5)),
    }
    if pages[i].startswith("case-studies/"):
        front["consent"] = "written"  # a case study records the client's permission
    body = [f"# {title}", "", '!!! abstract "Key points"', ""]
    body += [f"    - {sentence(rng)}" for _ in range(5)]
    body += ["", paragraph(rng, cites), "", paragraph(rng, cites) + (f" See {links[0]}." if links else ""), ""]
    body += ["## How it works", "", paragraph(rng, cites, 6), "", "### In more detail", "", paragraph(rng, cites), ""]
    body += [f"![Diagram for article {i}: {sentence(rng)}]({rel(me, 'assets/diagrams/' + rng.choice(diagrams))})", ""]
    for h, heading in enumerate(HEADINGS):
        body += [f"## {heading}", "", paragraph(rng, cites, 6), ""]
        if h == 1:
            body += [f"- {sentence(rng)}" for _ in range(5)] + [""]
        if h == 2:
            body += ["| Option | What it may do | Evidence |", "|---|---|---|"]
            body += [f"| {rng.choice(SUBJECTS)} | {rng.choice(OBJECTS)} | **{rng.choice(RATINGS)}** |"
                     for _ in range(4)]
            body += [""]
        if h == 3 and len(links) > 1:
            body += [f"Read more: {', '.join(links[1:])}.", ""]
    while cites:  # any citations the paragraphs did not use
        body += [paragraph(rng, cites, 3), ""]
    body += ['!!! info "How strong is the evidence?"', "", "    | Claim | Rating | Why |", "    |---|---|---|"]
    body += [f"    | {sentence(rng)[:-1]} | **{rng.choice(RATINGS)}** | {rng.choice(TAILS)} |" for _ in range(4)]
    body += ["", "<!-- md:booking -->", ""]
    return "---\n" + yaml.safe_dump(front, sort_keys=False, allow_unicode=True) + "---\n\n" + "\n".join(body)


def strip_citations(markdown: str) -> str:
    return re.sub(r" ?\[@[\w-]+(?:\s*;\s*@[\w-]+)*\]", "", markdown)


def copy_machinery(dest: Path) -> None:
    """Hooks, templates, includes, schema and scripts: the real ones."""
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    for name in ("overrides", "includes", "schema", "scripts"):
        shutil.copytree(ROOT / name, dest / name, ignore=ignore)


def write_corpus(dest: Path, n: int, cited: bool) -> str:
    """A project of n articles in dest; returns one article (docs path) to edit for the incremental build."""
    config = yaml.safe_load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"))
    sections, tags = config["extra"]["article_sections"], config["extra"]["tags_allowed"]
    copy_machinery(dest)
    docs = dest / "docs"
    for name in ("assets", "stylesheets", "javascripts"):
        if (ROOT / "docs" / name).is_dir():
            shutil.copytree(ROOT / "docs" / name, docs / name, ignore=shutil.ignore_patterns("cards"))
    diagrams = sorted(p.name for p in (docs / "assets" / "diagrams").glob("*.svg"))
    real_bib = (ROOT / "references.bib").read_text(encoding="utf-8")
    extra_bib, extra_keys = generated_bib(GENERATED_BIB_ENTRIES)
    (dest / "references.bib").write_text(real_bib.rstrip() + "\n\n" + extra_bib, encoding="utf-8")
    keys = bib_keys(real_bib) + extra_keys
    pages = slugs(n, sections)
    for i, src in enumerate(pages):
        text = article(i, pages, keys, tags, diagrams)
        path = docs / src
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text if cited else strip_citations(text), encoding="utf-8")
    (docs / "index.md").write_text(  # like the real home page: every article, by section
        "---\ntitle: Benchmark home\ndescription: The home page of a synthetic site used to time the build "
        "at many articles.\n---\n\n# Benchmark home\n\n<!-- md:article-list -->\n", encoding="utf-8")
    shutil.copy(ROOT / "docs" / "glossary.md", docs / "glossary.md")
    (docs / "references.md").write_text(
        "---\ntitle: References\ndescription: Every source cited on this synthetic site, in alphabetical order, "
        "with the articles that cite it.\n---\n\n# References\n\n<!-- md:references -->\n", encoding="utf-8")
    titles = {entries[0].split("/")[0]: title  # section folder -> its title in the real nav
              for item in config["nav"] if isinstance(item, dict) for title, entries in item.items()
              if isinstance(entries, list) and entries and isinstance(entries[0], str)}
    config["nav"] = [{"Home": "index.md"}]
    config["nav"] += [{titles.get(s, s): [p for p in pages if p.startswith(s + "/")]} for s in sections
                      if any(p.startswith(s + "/") for p in pages)]
    config["nav"] += [{"Glossary": "glossary.md"}, {"References": "references.md"}]
    if not cited:
        config["plugins"] = [p for p in config["plugins"] if "bibtex" not in (p if isinstance(p, dict) else [p])]
        config["hooks"] = [h for h in config["hooks"] if not h.endswith("/citations.py")]
    (dest / "mkdocs.yml").write_text(yaml.safe_dump(config, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return pages[0]


def copy_real_site(dest: Path) -> None:
    copy_machinery(dest)
    shutil.copytree(ROOT / "docs", dest / "docs", ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("mkdocs.yml", "references.bib"):
        shutil.copy(ROOT / name, dest / name)


# ── Page weight ──────────────────────────────────────────────────────────────


def gz(data: bytes) -> int:
    return len(gzip.compress(data, GZIP_LEVEL, mtime=0))


def weight(paths: list[Path]) -> dict:
    data = [p.read_bytes() for p in paths]
    return {"files": len(paths), "raw_bytes": sum(map(len, data)), "gzip_bytes": sum(map(gz, data))}


def page_weights(site: Path, sections: list[str]) -> dict:
    """Weights of the largest article and of what a first visit to it downloads."""
    articles = [p for s in sections for p in (site / s).rglob("index.html")]
    if not articles:
        raise BuildFailed(f"{site}: no article pages found under {', '.join(sections)}")
    page = max(articles, key=lambda p: p.stat().st_size)
    tree = lxml_html.fromstring(page.read_bytes())
    base = "/" + page.parent.relative_to(site).as_posix() + "/"

    def local(urls) -> list[Path]:
        out = []
        for url in urls:
            parts = urlsplit(urljoin(base, url))
            if parts.scheme or parts.netloc:
                continue  # another site's file (none are expected: no web fonts, no CDN)
            path = site / parts.path.lstrip("/")
            if path.is_file() and path not in out:
                out.append(path)
        return out

    css = local(tree.xpath("//link[@rel='stylesheet']/@href"))
    js = local(tree.xpath("//script/@src"))
    svg = local([u for u in tree.xpath("//img/@src | //link[contains(@rel, 'icon')]/@href") if u.endswith(".svg")])
    config = tree.xpath("//script[@id='__config']/text()")
    worker = local([json.loads(config[0]).get("search") or ""]) if config else []
    index = site / "search" / "search_index.json"
    first = weight([page, *css, *js, *svg])
    return {
        "article": page.parent.relative_to(site).as_posix() + "/",
        "html": weight([page]), "css": weight(css), "js": weight(js), "svg": weight(svg),
        "search_worker": weight(worker) if worker else None,
        "search_index": weight([index]) if index.is_file() else None,
        "first_load": first,
        "first_load_gzip_kb": round(first["gzip_bytes"] / 1024, 1),
    }


# ── Other benchmarks ─────────────────────────────────────────────────────────


def other_script(name: str, skip: bool, *args: str) -> dict:
    """Run scripts/NAME --json [ARGS] when it exists; its JSON, or why there is none."""
    script = ROOT / "scripts" / name
    if skip:
        return {"status": "skipped"}
    if not script.is_file():
        return {"status": "not available"}
    try:
        out = subprocess.run([sys.executable, str(script), "--json", *args], cwd=ROOT, capture_output=True, text=True,
                             env=build_env(), timeout=SUBPROCESS_TIMEOUT)
    except subprocess.TimeoutExpired:
        return {"status": f"timed out after {SUBPROCESS_TIMEOUT} s"}
    try:
        return {"status": "ok" if out.returncode == 0 else f"exit {out.returncode}", "result": json.loads(out.stdout)}
    except json.JSONDecodeError:
        return {"status": f"exit {out.returncode}, no JSON: {(out.stderr or out.stdout).strip()[-300:]}"}


# ── Report ───────────────────────────────────────────────────────────────────


def summarise(results: dict) -> None:
    builds = results["builds"]
    for b in builds:
        cited, uncited = b["with_citations"], b["without_citations"]
        b["seconds_per_100"] = round(cited["seconds"] / b["articles"] * 100, 3)
        b["citation_overhead"] = round(cited["seconds"] / uncited["seconds"], 3)
        b["citation_overhead_cpu"] = round(cited["cpu_seconds"] / uncited["cpu_seconds"], 3)
    results["growth"] = None
    if len(builds) >= 2:
        small, large = builds[-2], builds[-1]
        per = lambda b: b["with_citations"]["seconds"] / b["articles"]  # noqa: E731
        results["growth"] = {"from": small["articles"], "to": large["articles"],
                             "per_article_ratio": round(per(large) / per(small), 3)}
    at = {b["articles"]: b for b in builds}
    values = {
        "citation_overhead_1000": at[1000]["citation_overhead"] if 1000 in at else None,
        "build_1000_s": at[1000]["with_citations"]["seconds"] if 1000 in at else None,
        "real_build_s": results["real_site"]["build"]["seconds"],
        "first_load_gzip_kb": results["real_site"]["page_weight"]["first_load_gzip_kb"],
    }
    results["targets"] = {
        name: {"limit": limit, "unit": unit, "what": what, "value": values[name],
               "met": None if values[name] is None else values[name] <= limit}
        for name, (limit, unit, what) in TARGETS.items()
    }


def kb(n: int) -> str:
    return f"{n / 1024:.1f}"


def table(results: dict) -> str:
    m = results["machine"]
    packages = ", ".join(f"{k} {v}" for k, v in m["packages"].items())
    out = [f"Machine: {m['nproc']} cores, {m['cpu']}, {m['memory_gib']} GiB, Python {m['python']}, "
           f"load {m['load_average'][0]} at start, {m.get('load_average_end', ['?'])[0]} at end; {packages}", ""]
    out += [f"Strict builds, synthetic articles (median of {results['runs']} runs, cold card cache)",
            f"{'N':>6}  {'citations':<9} {'wall s':>8} {'CPU s':>8} {'peak MB':>8} {'s/100 art':>10}"]
    for b in results["builds"]:
        for label, key in (("with", "with_citations"), ("without", "without_citations")):
            r = b[key]
            out.append(f"{b['articles']:>6}  {label:<9} {r['seconds']:>8.2f} {r['cpu_seconds']:>8.2f} "
                       f"{r['peak_mb']:>8.0f} {r['seconds'] / b['articles'] * 100:>10.2f}")
    overheads = [f"N={b['articles']}: {b['citation_overhead']:.2f} [{b['citation_overhead_cpu']:.2f}]"
                 for b in results["builds"]]
    out.append("Citation overhead (with / without), wall [CPU]: " + "  ".join(overheads))
    g = results["growth"]
    out.append(f"Growth: per-article time at N={g['to']} / N={g['from']}: {g['per_article_ratio']:.2f} "
               "(1.00 = linear)" if g else "Growth: needs two sizes")
    inc = results["incremental"]

    def reload(serve: dict) -> str:
        return (f"{serve['seconds_to_reload']:.2f} s to reload (build {serve['build_seconds']:.2f} s)"
                if "seconds_to_reload" in serve else serve["error"])

    out += ["", f"N={inc['articles']}: full build with warm card cache {inc['warm_full_seconds']:.2f} s. "
                f"One page edited: build --dirty --no-strict {inc['dirty_seconds']:.2f} s; "
                f"make serve: {reload(inc['serve'])}; make serve-fast: {reload(inc.get('serve_fast', {'error': '-'}))}"]
    real = results["real_site"]
    pw = real["page_weight"]
    out += ["", f"Real site ({real['pages']} pages): strict build {real['build']['seconds']:.2f} s "
                f"(median of {real['build']['runs']}, cold cards; runs {real['build']['all_seconds']}), "
                f"peak {real['build']['peak_mb']:.0f} MB",
            f"Page weight, largest article {pw['article']} (KB, gzip -{GZIP_LEVEL}):",
            f"  {'':<22}{'files':>6} {'raw KB':>9} {'gzip KB':>9}"]
    for label, key in (("article HTML", "html"), ("CSS", "css"), ("JavaScript", "js"), ("SVG images + icons", "svg"),
                       ("first load", "first_load"), ("search worker (extra)", "search_worker"),
                       ("search index (extra)", "search_index")):
        w = pw[key]
        if w:
            out.append(f"  {label:<22}{w['files']:>6} {kb(w['raw_bytes']):>9} {kb(w['gzip_bytes']):>9}")
    for name, script in (("links", "bench_links.py"), ("lighthouse", "lighthouse.py")):
        r = results[name]
        out += ["", f"{name} (scripts/{script} --json): {r['status']}"]
        rows = r.get("result", {}).get("results") if isinstance(r.get("result"), dict) else None
        if isinstance(rows, list) and all(isinstance(row, dict) for row in rows):
            out += ["  " + "  ".join(f"{k}={v}" for k, v in row.items()) for row in rows]
        elif "result" in r:
            out.append("  " + json.dumps(r["result"])[:2000])
    out += ["", "Targets:"]
    for t in results["targets"].values():
        state = "not measured" if t["met"] is None else ("met" if t["met"] else "MISSED")
        value = "-" if t["value"] is None else f"{t['value']:.2f} {t['unit']}"
        out.append(f"  {t['what']:<58} <= {t['limit']:g} {t['unit']:<3} {value:>10}  {state}")
    return "\n".join(out)


# ── Main ─────────────────────────────────────────────────────────────────────


def parse_args(argv):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], epilog=__doc__.split("\n\n", 2)[2],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default="10,100,1000", help="article counts, comma-separated (default 10,100,1000)")
    ap.add_argument("--runs", type=int, default=3, help="builds per measurement, the median is kept (default 3)")
    ap.add_argument("--json", type=Path, default=ROOT / "bench-results" / "latest.json", metavar="FILE",
                    help="write the results here (default bench-results/latest.json)")
    ap.add_argument("--skip-links", action="store_true", help="do not run scripts/bench_links.py")
    ap.add_argument("--skip-lighthouse", action="store_true", help="do not run scripts/lighthouse.py")
    ap.add_argument("--keep", type=Path, metavar="DIR", help="write the generated projects into DIR and keep them")
    args = ap.parse_args(argv)
    try:
        args.sizes = sorted({int(s) for s in args.sizes.split(",") if s.strip()})
    except ValueError:
        ap.error(f"--sizes: '{args.sizes}' is not a comma-separated list of numbers, e.g. 10,100,1000")
    if not args.sizes or min(args.sizes) < 1 or args.runs < 1:
        ap.error("--sizes needs at least one number >= 1, and --runs must be >= 1")
    return args


def run(args, work: Path) -> dict:
    config = yaml.safe_load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"))
    results: dict = {"machine": machine(), "runs": args.runs, "sizes": args.sizes, "builds": []}
    print(f"bench: machine {results['machine']}", file=sys.stderr)
    for n in args.sizes:
        cited, uncited = work / f"n{n}" / "cited", work / f"n{n}" / "uncited"
        edit_page = write_corpus(cited, n, True)
        write_corpus(uncited, n, False)
        print(f"bench: N={n}: {args.runs} strict build(s) each with and without citations, in turn, in "
              f"{cited.parent}", file=sys.stderr)
        with_, without = paired_builds(cited, uncited, args.runs)
        results["builds"].append({"articles": n, "with_citations": with_, "without_citations": without})
        if n == args.sizes[-1]:
            print(f"bench: N={n}: warm build, dirty build, serve rebuild", file=sys.stderr)
            project = work / f"n{n}" / "cited"
            results["incremental"] = {"articles": n, **incremental(project, project / "docs" / edit_page)}
    real = work / "real"
    copy_real_site(real)
    print(f"bench: real site: {args.runs} strict build(s) in {real}", file=sys.stderr)
    results["real_site"] = {"build": strict_builds(real, args.runs),
                            "pages": sum(1 for _ in (real / "docs").rglob("*.md"))}
    results["real_site"]["page_weight"] = page_weights(real / "site", config["extra"]["article_sections"])
    print("bench: links, lighthouse", file=sys.stderr)
    results["links"] = other_script("bench_links.py", args.skip_links)
    results["lighthouse"] = other_script("lighthouse.py", args.skip_lighthouse, "--site-dir", str(real / "site"))
    results["machine"]["load_average_end"] = [round(x, 2) for x in os.getloadavg()]
    summarise(results)
    return results


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    work = args.keep or Path(tempfile.mkdtemp(prefix="bench_"))
    if args.keep:
        if args.keep.exists() and any(args.keep.iterdir()):
            print(f"bench: --keep {args.keep}: the directory is not empty; give a new or empty one", file=sys.stderr)
            return 2
        args.keep.mkdir(parents=True, exist_ok=True)
    try:
        results = run(args, work.resolve())
    except BuildFailed as exc:
        print(f"bench: build failed: {exc}", file=sys.stderr)
        return 1
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    print(table(results))
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(f"\nJSON: {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
