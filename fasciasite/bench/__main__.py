"""Benchmark the site build: speed at 10-1,000 articles, citation cost, page weight.

Usage: python -m fasciasite.bench [--sizes 300,1000] [--runs 3] [--json FILE]
                               [--skip-links] [--skip-lighthouse] [--skip-search] [--keep DIR]

For each size N, writes a synthetic project in a temporary directory: N articles of
about 1,200 words (key points and evidence boxes, headings, lists, a table, a diagram
from docs/assets/diagrams, links to other generated articles, about 14 citations drawn
from references.bib plus 200 generated entries appended to a copy of it), valid front
matter, and the REAL mkdocs.yml (nav replaced), hooks, templates, includes, schema and
scripts. The corpus is the same from run to run (fixed seeds; CORPUS_VERSION, printed and
saved with the figures, changes when its shape does). Then it times full strict builds
(median of --runs; each run starts with an empty .cache, as a fresh CI checkout does) of
four projects, taken in turn in each round so that the machine's load affects all alike:

  plain Material     the floor: the same articles (no citations) and mkdocs.yml with the
                     same theme settings, Markdown extensions and the plugins that work
                     without ours (search, redirects, rss); no fasciasite plugin, no bibtex,
                     no custom_dir (fasciasite.bench.corpus.plain_material)
  with citations     the corpus as written (the real configuration)
  without citations  citations stripped from the Markdown, and the bibtex plugin removed
                     and the plugin's citations: false in the copied mkdocs.yml
  checks off         the corpus as written, built by python -m fasciasite.bench.checks_off:
                     every check of ours finds nothing, every feature runs. What the site's
                     features cost on their own: a target this build already misses cannot
                     be met by cheaper checks (a measurement only, never a way to publish)

and reports our cost as a ratio to the floor (wall and CPU), seconds per 100 articles, the
citation overhead (with / without), and growth (per-article time at the largest N / at
the next size down; 1.00 = linear). Every build of ours writes its per-step times
(FASCIASITE_STEP_TIMES, fasciasite.steptimes): the slowest steps are printed for the
largest N, the serve rebuilds and the real site.
At the largest N it also times a full build with the card cache kept (as when CI
caches .cache/cards), `mkdocs build --dirty --no-strict` after editing one page
(strict would abort on MkDocs' own "dirty build" warning), and the rebuilds `make
serve` and `make serve-fast` do when one page is saved, and plain Material's serve rebuild
of the floor project (make serve's reload is reported as a ratio to it).

Then, on the REAL site: the strict build time (median of --runs, cold card cache), beside
its plain-Material floor and the same site with every check off, taken in turn;
and page weights (raw and gzip -6): the largest article's HTML, CSS, JavaScript, the
search worker and index, and an article's first load (HTML + CSS + JS + SVG images
and icons it references; no web fonts; the search worker and index excluded); and the
search hit rates of tests/search_queries.yml in the real search, in Chromium, with the
search index size (python -m fasciasite.bench.search_hits).

python -m fasciasite.bench.links --json and python -m fasciasite.bench.lighthouse --json --site-dir (the real
site just built) are run when they exist (else "not available"); --skip-links /
--skip-lighthouse leave them out.

Prints a plain-text table and writes JSON (default bench-results/latest.json).
Exit 0 when every build succeeded, 1 when one failed, 2 on bad usage. Targets are
reported, never an exit status: timings on a shared machine are noisy.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
from pathlib import Path

from fasciasite.bench.common import (
    ROOT,
    BuildFailed,
)
from fasciasite.bench.corpus import (
    CORPUS_VERSION,
    copy_real_site,
    write_corpus,
)
from fasciasite.bench.report import (
    other_script,
    page_weights,
    search_rates,
    summarise,
    table,
)
from fasciasite.bench.runs import (
    CHECKS_OFF,
    builds_in_turn,
    checks_off,
    incremental,
    machine,
    serve_rebuild,
)
from fasciasite.config import load_mkdocs_yml

# ── Main ─────────────────────────────────────────────────────────────────────


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], epilog=__doc__.split("\n\n", 2)[2],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default="300,1000", help="article counts, comma-separated (default 300,1000: issue 24's table)")
    ap.add_argument("--runs", type=int, default=3, help="builds per measurement, the median is kept (default 3)")
    ap.add_argument("--json", type=Path, default=ROOT / "bench-results" / "latest.json", metavar="FILE",
                    help="write the results here (default bench-results/latest.json)")
    ap.add_argument("--skip-links", action="store_true", help="do not run python -m fasciasite.bench.links")
    ap.add_argument("--skip-lighthouse", action="store_true", help="do not run python -m fasciasite.bench.lighthouse")
    ap.add_argument("--skip-search", action="store_true", help="do not measure search hit rates (Chromium)")
    ap.add_argument("--keep", type=Path, metavar="DIR", help="write the generated projects into DIR and keep them")
    args = ap.parse_args(argv)
    try:
        args.sizes = sorted({int(s) for s in args.sizes.split(",") if s.strip()})
    except ValueError:
        ap.error(f"--sizes: '{args.sizes}' is not a comma-separated list of numbers, e.g. 10,100,1000")
    if not args.sizes or min(args.sizes) < 1 or args.runs < 1:
        ap.error("--sizes needs at least one number >= 1, and --runs must be >= 1")
    return args


def run(args: argparse.Namespace, work: Path) -> dict:
    config = load_mkdocs_yml(ROOT)
    results: dict = {"machine": machine(), "corpus_version": CORPUS_VERSION, "runs": args.runs, "sizes": args.sizes,
                     "builds": []}
    print(f"bench: machine {results['machine']}", file=sys.stderr)
    for n in args.sizes:
        projects = {variant: work / f"n{n}" / variant for variant in ("plain", "uncited", "cited", CHECKS_OFF)}
        edit_page = write_corpus(projects["cited"], n, True)
        write_corpus(projects[CHECKS_OFF], n, True)  # the same corpus, built with every check off
        write_corpus(projects["uncited"], n, False)
        write_corpus(projects["plain"], n, False, plain=True)
        print(f"bench: N={n}: {args.runs} strict build(s) each of plain Material, ours without and with citations, "
              f"and ours cited with every check off, in turn, in {projects['cited'].parent}", file=sys.stderr)
        done = builds_in_turn(projects, args.runs, {CHECKS_OFF: checks_off})
        results["builds"].append({"articles": n, "plain_material": done["plain"], "with_citations": done["cited"],
                                  "without_citations": done["uncited"], "checks_off": done[CHECKS_OFF]})
        if n == args.sizes[-1]:
            print(f"bench: N={n}: warm build, dirty build, serve rebuilds (ours and plain Material)", file=sys.stderr)
            project, plain = projects["cited"], projects["plain"]
            results["incremental"] = {"articles": n, **incremental(project, project / "docs" / edit_page),
                                      "plain_serve": serve_rebuild(plain, plain / "docs" / edit_page)}
    real = work / "real"
    sites = {"plain": work / "real-plain", "ours": real, CHECKS_OFF: work / "real-checks-off"}
    for name, path in sites.items():
        copy_real_site(path, plain=name == "plain")
    print(f"bench: real site: {args.runs} strict build(s) each of plain Material, ours, and ours with every check off, "
          f"in turn, in {real}", file=sys.stderr)
    done = builds_in_turn(sites, args.runs, {CHECKS_OFF: checks_off})
    results["real_site"] = {"build": done["ours"], "plain_material": done["plain"], "checks_off": done[CHECKS_OFF],
                            "pages": sum(1 for _ in (real / "docs").rglob("*.md"))}
    results["real_site"]["page_weight"] = page_weights(real / "site", config["extra"]["article_sections"])
    if args.skip_search:
        results["search"] = {"status": "skipped"}
    else:
        print("bench: search hit rates (python -m fasciasite.bench.search_hits)", file=sys.stderr)
        results["search"] = search_rates(real / "site")
    print("bench: links, lighthouse", file=sys.stderr)
    results["links"] = other_script("links", args.skip_links)
    results["lighthouse"] = other_script("lighthouse", args.skip_lighthouse, "--site-dir", str(real / "site"))
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

