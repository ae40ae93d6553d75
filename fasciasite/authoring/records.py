"""The repository's records speak of the project alone (`python -m fasciasite.authoring.records`).

Usage: python -m fasciasite.authoring.records [--root DIR]

The repository is public: `research/` (audits, responses, recorded searches), `docs/`,
`includes/`, `references.bib`, README.md and CONTRIBUTING.md are read by reviewers, auditors and anyone following an
article's history. A record must name files by their path in the repository, sections by
their topic and people by their role ("the writer", "an independent reviewer"). This check
fails on the two things that mean nothing outside the machine a record was written on:

- an absolute path of a machine: one that starts with a home, work or temporary folder
  (`/work/...`, `/tmp/...`, `/home/...`, `/root/...`, `/Users/...`, `/var/folders/...`,
  `~/...`, `C:\\Users\\...`); a URL's path (`https://host/tmp/x`) is not a machine path;
- a drafting label: the name of a drafting agent or session worker (`helper-a2`,
  `writer-3`, `reviewer2`, `fixer`, `subagent`).

Why our own code: this is a repository policy, not a Markdown or link rule, so no linter
we use knows it. It reads the files git tracks (untracked drafts are not records yet), or
every file under the folders when the checkout is not a git repository.

Exit 0 when clean, 1 when a record names a machine path or a drafting label, 2 on bad usage.
"""
from __future__ import annotations

import argparse
import re
import subprocess
import sys
from pathlib import Path

from fasciasite.content.urgent import Problem
from fasciasite.problems import report

# What is a record: the folders and files whose text readers of the repository read.
RECORDS = ("research", "docs", "includes", "references.bib", "README.md", "CONTRIBUTING.md")
TEXT_SUFFIXES = {".md", ".yml", ".yaml", ".bib", ".txt", ".svg", ".json", ".toml", ".html", ".csv"}

# A machine path starts a token (line start, space, quote, bracket, `=`) — never inside a
# URL, where "/tmp/" may be part of a site's own path.
_START = r"(?:(?<=^)|(?<=[\s`'\"(\[{<=,;]))"
MACHINE_PATH = re.compile(
    _START + r"(?:/(?:work|tmp|home|root|Users|var/folders|private/var|private/tmp|mnt/data)/\S*"
    r"|~/[\w.-]\S*"
    r"|[A-Za-z]:\\(?:Users|Temp|tmp)\\\S*)",
    re.MULTILINE,
)
DRAFTING_LABEL = re.compile(
    r"\b(?:helper[-_][a-z0-9][\w-]*|(?:helper|writer|reviewer|fixer|auditor|agent)[-_]?\d+[a-z]?"
    r"|sub-?agents?|fixer)\b",
    re.IGNORECASE,
)


def tracked_files(root: Path) -> list[Path]:
    """The record files of the checkout at root: tracked by git, or all of them outside git."""
    try:
        out = subprocess.run(
            ["git", "ls-files", "-z", "--", *RECORDS], cwd=root, capture_output=True, text=True, check=True
        ).stdout
        files = [root / name for name in out.split("\0") if name]
    except (OSError, subprocess.CalledProcessError):
        files = []
        for name in RECORDS:
            path = root / name
            files += [path] if path.is_file() else sorted(p for p in path.rglob("*") if p.is_file())
    return [p for p in files if p.suffix.lower() in TEXT_SUFFIXES and p.is_file()]


def problems_in(text: str, rel: str) -> list[Problem]:
    """Each machine path and drafting label in one record, with its line and the fix."""
    found: list[Problem] = []
    for n, line in enumerate(text.splitlines(), 1):
        for m in MACHINE_PATH.finditer(line):
            found.append(Problem(rel, n, f"'{m.group(0).rstrip('.,;:)')}' is a path on the machine this was "
                                         "written on; name the file by its path in the repository "
                                         "(e.g. docs/back-pain/red-flags.md) or say what it was (\"a temporary build\")"))
        for m in DRAFTING_LABEL.finditer(line):
            found.append(Problem(rel, n, f"'{m.group(0)}' is a drafting label; name the topic (the page or "
                                         "section) or the role (\"the writer\", \"an independent reviewer\")"))
    return found


def check(root: Path) -> list[Problem]:
    found: list[Problem] = []
    for path in tracked_files(root):
        try:
            text = path.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError):
            continue  # encodings are the authoring check's business
        found += problems_in(text, path.relative_to(root).as_posix())
    return found


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m fasciasite.authoring.records", description=__doc__.split("\n\n")[0])
    ap.add_argument("--root", type=Path, default=Path.cwd(), help="the checkout to check (default: the current folder)")
    args = ap.parse_args(argv)
    root = args.root.resolve()
    if not (root / "mkdocs.yml").is_file():
        print(f"{root}: no mkdocs.yml here; run from the project's checkout or give --root", file=sys.stderr)
        return 2
    found = check(root)
    return report(found, f"records: {len(tracked_files(root))} file(s), {len(found)} problem(s)")


if __name__ == "__main__":
    sys.exit(main())
