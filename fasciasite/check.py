#!/usr/bin/env python3
"""The author's quick check before a pull request (`make check`).

Usage: python -m fasciasite.check [--skip STEP ...] [--list]

Runs, in order, and reports every step (it does not stop at the first failure):
  build        strict build into a temporary folder (front matter, citations, links, anchors)
  rawcites     python -m fasciasite.rawcites: no page of the build carries raw citation syntax
  bib          python -m fasciasite.bib: references.bib and every [@key] in docs/
  urgent       python -m fasciasite.urgent: no page re-words or re-tiers the urgent-help tiers
  numbers      python -m fasciasite.numbers: every number in a cited sentence is in its sources' findings
  links        python -m fasciasite.links on the built site (offline)
  articles     python -m fasciasite.articlecheck: key points, length, citations, evidence box, help section
  readability  python -m fasciasite.readability: Flesch-Kincaid grade of each article (limit 9)
  spelling     codespell with the project word list (.codespell-words.txt)
  markdown     pymarkdown (PyMarkdown) with .pymarkdown.json

Exit 0 when every step passes, 1 when one fails, 2 on bad usage.
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]  # the project
PY = sys.executable


def article_dirs() -> list[str]:
    config = yaml.safe_load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"))
    return [f"docs/{s}" for s in config["extra"]["article_sections"]]


def steps(site: str) -> dict[str, list[str]]:
    return {
        "build": [PY, "-m", os.environ.get("SITE_ENGINE", "mkdocs"), "build", "--strict", "--quiet", "-d", site],
        "rawcites": [PY, "-m", "fasciasite.rawcites", site],
        "bib": [PY, "-m", "fasciasite.bib"],
        "urgent": [PY, "-m", "fasciasite.urgent"],
        "numbers": [PY, "-m", "fasciasite.numbers"],
        "links": [PY, "-m", "fasciasite.links", site],
        "articles": [PY, "-m", "fasciasite.articlecheck"],
        "readability": [PY, "-m", "fasciasite.readability", "--max-grade", "9", *article_dirs()],
        "spelling": [PY, "-m", "codespell_lib", "docs", "includes", "README.md", "CONTRIBUTING.md"],
        "markdown": [PY, "-m", "pymarkdown", "--config", ".pymarkdown.json", "scan", "-r", "docs"],
    }


def main(argv: list[str] | None = None) -> int:
    with tempfile.TemporaryDirectory(prefix="site-check-") as site:
        all_steps = steps(site)
        ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
        ap.add_argument("--skip", nargs="*", default=[], choices=list(all_steps), help="steps to leave out")
        ap.add_argument("--list", action="store_true", help="list the steps and exit")
        args = ap.parse_args(argv)
        if args.list:
            print("\n".join(all_steps))
            return 0
        env = dict(os.environ, NO_MKDOCS_2_WARNING="true", DISABLE_MKDOCS_2_WARNING="true")
        failed: list[str] = []
        started = time.perf_counter()
        for name, cmd in all_steps.items():
            if name in args.skip or (name in ("links", "rawcites") and "build" in failed + args.skip):
                continue
            t0 = time.perf_counter()
            result = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True)
            took = time.perf_counter() - t0
            ok = result.returncode == 0
            print(f"{'PASS' if ok else 'FAIL'}  {name:<12} {took:5.1f} s")
            output = (result.stdout + result.stderr).strip()
            if name == "readability" or (not ok and output):
                print("\n".join("      " + line for line in output.splitlines()))
            if not ok:
                failed.append(name)
        total = time.perf_counter() - started
        print(f"\n{'All checks passed' if not failed else 'Failed: ' + ', '.join(failed)} in {total:.1f} s.")
        if failed:
            print("Fix the lines above (each names the file and line), then run `make check` again.")
        return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
