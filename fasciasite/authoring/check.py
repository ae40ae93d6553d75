#!/usr/bin/env python3
"""The author's check before a pull request (`make check`): the build, plus the author checks.

Usage: python -m fasciasite.authoring.check [--skip STEP ...] [--list] [--root DIR]

First mkdocs.yml must read as YAML (a mistake there is named with its line, and nothing
else can run). Then, in order, every step is run and reported (it does not stop at the
first failure; a step that needs the build is skipped when the build failed):
  build        the strict build exactly as `make build` runs it (every warning counts;
               front matter, citations, references.bib rules, links, anchors, nav, glossary)
  rawcites     python -m fasciasite.references.rawcites: no page of the build carries raw citation syntax
  output       python -m fasciasite.publishing.outputcheck: no third-party, active or oversized content, tel:/mailto: well formed
  urls         python -m fasciasite.publishing.published --history: every URL ever in published-urls.txt still works
  links        python -m fasciasite.links on the built site (offline)
  bib          python -m fasciasite.references.bib: references.bib, every [@key], every entry cited
  urgent       python -m fasciasite.content.urgent: no page re-words or re-tiers the urgent-help tiers
  urgent-history python -m fasciasite.content.pinhistory: no urgent-help pin was made less urgent than git history
                 shows, unless it records lowered_from with its NHS source
  numbers      python -m fasciasite.content.numbers: every number in a cited sentence is in its sources' findings;
               no percentage or proportion without a source
  articles     python -m fasciasite.authoring.article_parts: key points, length, citations, evidence box, help section
  readability  python -m fasciasite.authoring.readability: Flesch-Kincaid grade of each article (limit 9)
  spelling     codespell with the project word list (.codespell-words.txt)
  markdown     python -m fasciasite.authoring.markdown_style: PyMarkdown with .pymarkdown.json
  records      python -m fasciasite.authoring.records: records name repository paths, topics and roles, never a
               machine path or a drafting label
  evidence     python -m fasciasite.content.evidence --enforced-only: issue 20's rules that are switched on
               (sources, findings, design/certainty, ratings, searches, safety blocks); prints the
               warnings (a source past its own review date) without failing

Exit 0 when every step passes, 1 when one fails, 2 on bad usage.
"""
from __future__ import annotations

import argparse
import contextlib
import io
import os
import re
import runpy
import subprocess
import sys
import tempfile
import time
import traceback
from pathlib import Path

import yaml

from fasciasite import pagesource
from fasciasite.config import find_root, load_mkdocs_yml

PY = sys.executable
NEEDS_BUILD = ("rawcites", "output", "urls", "links")
NOISE = re.compile(r"^(INFO\b|DEBUG\b)")  # what the build says when all is well


def read_config(root: Path) -> tuple[dict | None, str]:
    """(mkdocs.yml as data, "") or (None, the problem with its line and the fix)."""
    path = root / "mkdocs.yml"
    try:
        return load_mkdocs_yml(path), ""
    except OSError as exc:
        return None, f"mkdocs.yml: cannot be read ({exc.strerror}); run make check from the project root"
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"mkdocs.yml:{mark.line + 1}:{mark.column + 1}" if mark else "mkdocs.yml"
        reason = getattr(exc, "problem", None) or str(exc)
        return None, (f"{where}: is not valid YAML ({reason}); compare the indentation of this line with the lines "
                      "above it (each level is 2 more spaces; a page inside a nav section is indented 6) and use "
                      "spaces, not tabs")


def article_dirs(config: dict) -> list[str]:
    return [f"docs/{s}" for s in (config.get("extra") or {}).get("article_sections") or []]


def steps(site: str, config: dict) -> dict[str, list[str]]:
    engine = os.environ.get("SITE_ENGINE", "mkdocs")
    return {
        "build": [PY, "-m", engine, "build", "--strict", "-d", site],
        "rawcites": [PY, "-m", "fasciasite.references.rawcites", site],
        "output": [PY, "-m", "fasciasite.publishing.outputcheck", site],
        "urls": [PY, "-m", "fasciasite.publishing.published", site, "--history"],
        "links": [PY, "-m", "fasciasite.links", site],
        "bib": [PY, "-m", "fasciasite.references.bib"],
        "urgent": [PY, "-m", "fasciasite.content.urgent"],
        "urgent-history": [PY, "-m", "fasciasite.content.pinhistory", "--root", "."],
        "numbers": [PY, "-m", "fasciasite.content.numbers"],
        "articles": [PY, "-m", "fasciasite.authoring.article_parts", "--docs", "docs", "--config", "mkdocs.yml"],
        "readability": [PY, "-m", "fasciasite.authoring.readability", "--max-grade", "9", *article_dirs(config)],
        "spelling": [PY, "-m", "codespell_lib", "docs", "includes", "README.md", "CONTRIBUTING.md"],
        "markdown": [PY, "-m", "fasciasite.authoring.markdown_style", "--config", ".pymarkdown.json", "docs"],
        "records": [PY, "-m", "fasciasite.authoring.records", "--root", "."],
        "evidence": [PY, "-m", "fasciasite.content.evidence", "--enforced-only"],
    }


def run_step(cmd: list[str], root: Path, env: dict[str, str]) -> tuple[int, str]:
    """(exit code, what it printed) of one step. Our own commands (`python -m fasciasite...`) run
    in this process, exactly as `python -m` runs them (runpy, with their own argv, in the
    checkout): each would otherwise start an interpreter and import the package again, about
    half a second apiece, a dozen times per `make check`. The build (isolated: a fresh plugin
    and MkDocs state) and other tools run as their own process."""
    if cmd[:2] != [PY, "-m"] or not cmd[2].startswith("fasciasite."):
        result = subprocess.run(cmd, cwd=root, env=env, capture_output=True, text=True)
        return result.returncode, result.stdout + result.stderr
    said = io.StringIO()
    argv, cwd = sys.argv, os.getcwd()
    try:
        os.chdir(root)
        sys.argv = [cmd[2], *cmd[3:]]
        with contextlib.redirect_stdout(said), contextlib.redirect_stderr(said):
            try:
                runpy.run_module(cmd[2], run_name="__main__", alter_sys=True)
                code = 0
            except SystemExit as exc:
                code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
            except Exception:  # a bug in a step is that step's failure, shown with its traceback
                traceback.print_exc(file=said)
                code = 1
    finally:
        sys.argv = argv
        os.chdir(cwd)
    return code, said.getvalue()


def _shown(output: str, root: Path) -> list[str]:
    lines = [line for line in output.replace(f"{root}/", "").splitlines() if line.strip() and not NOISE.match(line)]
    return lines


def main(argv: list[str] | None = None) -> int:
    names = list(steps("SITE", {}))
    ap = argparse.ArgumentParser(prog="python -m fasciasite.authoring.check", description=__doc__.split("\n\n")[0])
    ap.add_argument("--skip", nargs="*", default=[], choices=names, help="steps to leave out")
    ap.add_argument("--list", action="store_true", help="list the steps and exit")
    ap.add_argument("--root", type=Path, default=None, help="the project (default: the checkout holding the current directory)")
    args = ap.parse_args(argv)
    args.root = args.root or find_root()  # found when run, from the current directory
    if args.list:
        print("\n".join(names))
        return 0
    root = args.root.resolve()
    config, problem = read_config(root)
    if config is None:
        print(f"FAIL  config\n      {problem}\n\nFailed: config. Nothing else can run until mkdocs.yml reads; fix it, "
              "then run `make check` again.")
        return 1
    not_utf8 = [p for folder in ("docs", "includes") for md in sorted((root / folder).rglob("*.md"))
                if (p := pagesource.utf8_problem(md.read_bytes(), md.relative_to(root).as_posix()))]
    if not_utf8:
        print("FAIL  encoding\n" + "\n".join("      " + p for p in not_utf8) + "\n\nFailed: encoding. No other step "
              "can read these files; save them as UTF-8, then run `make check` again.")
        return 1
    env = dict(os.environ, NO_MKDOCS_2_WARNING="true", DISABLE_MKDOCS_2_WARNING="true")
    failed: list[str] = []
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="site-check-") as site:
        for name, cmd in steps(site, config).items():
            if name in args.skip:
                continue
            if name in NEEDS_BUILD and ("build" in failed or "build" in args.skip):
                print(f"SKIP  {name:<12}        (needs a passing build)")
                continue
            t0 = time.perf_counter()
            returncode, said = run_step(cmd, root, env)
            took = time.perf_counter() - t0
            ok = returncode == 0
            print(f"{'PASS' if ok else 'FAIL'}  {name:<12} {took:5.1f} s")
            output = _shown(said, root)
            if name in ("readability", "evidence") or not ok:
                print("\n".join("      " + line for line in output))
            if not ok:
                failed.append(name)
    total = time.perf_counter() - started
    print(f"\n{'All checks passed' if not failed else 'Failed: ' + ', '.join(failed)} in {total:.1f} s.")
    if failed:
        print("Fix the lines above (each names the file and line), then run `make check` again.")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
