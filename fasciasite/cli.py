"""fasciasite: one command for every chore outside the build, each a subcommand with --help.

    fasciasite [--root DIR] COMMAND [ARGS...]
    fasciasite check --help

Every command acts on the checkout it is run in (the nearest folder holding mkdocs.yml, from
the current directory or --root), never on the folder the package was installed from, so two
checkouts (a git worktree, a copy) can share one virtual environment.

Each subcommand is a module of the package with its own `main(argv)` (also run as
`python -m fasciasite.MODULE`, which pre-commit and the Makefile use). Exit codes are the same
everywhere: 0 no problem, 1 problems (printed as file:line: what; fix), 2 bad usage.
"""
from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Callable
from pathlib import Path

from fasciasite.config import find_root
from fasciasite.problems import EXIT_USAGE

# name -> (module with main(argv), what it does). Grouped as in CONTRIBUTING.md.
COMMANDS: dict[str, tuple[str, str]] = {
    # Authoring
    "new": ("fasciasite.authoring.new_article", "start an article: its file, nav entry and published URL"),
    "check": ("fasciasite.authoring.check", "every author check before a pull request (make check)"),
    "articles": ("fasciasite.authoring.article_parts", "article structure, length, citations and reading grade"),
    "readability": ("fasciasite.authoring.readability", "reading grade of pages or folders"),
    "review-status": ("fasciasite.authoring.review_status", "articles by next review date; overdue ones flagged"),
    "newsletter": ("fasciasite.authoring.newsletter", "an e-mail newsletter of chosen articles"),
    "markdown-lint": ("fasciasite.authoring.markdown_style", "PyMarkdown with the project's settings, BOM-safe"),
    "review": ("fasciasite.authoring.review_pack", "a printable clinical review pack for one article"),
    # References and content data
    "bib": ("fasciasite.references.bib", "references.bib and the citations in docs/"),
    "ref": ("fasciasite.references.add_reference", "a references.bib entry for a DOI, PMID or PMCID"),
    "refs-online": ("fasciasite.references.refs_online", "references.bib against Crossref and PubMed"),
    "urgent": ("fasciasite.content.urgent", "pages that re-word or re-tier the urgent-help advice"),
    "pin-history": ("fasciasite.content.pinhistory", "no urgent-help pin lowered without its NHS source, across the history"),
    "numbers": ("fasciasite.content.numbers", "figures that their sources' findings do not state"),
    "evidence": ("fasciasite.content.evidence", "the evidence rules: ratings, searches, safety blocks"),
    "records": ("fasciasite.authoring.records", "the audit and search records"),
    "urls": ("fasciasite.publishing.published", "published URLs and redirects"),
    # Checks of a built site
    "links": ("fasciasite.links.cli", "every link of a built site (--external for the web)"),
    "rawcites": ("fasciasite.references.rawcites", "raw citation syntax left in a built site"),
    "output": ("fasciasite.publishing.outputcheck", "what a built site may not publish (third-party, active, oversized)"),
    "schemaorg": ("fasciasite.publishing.schemaorg", "every schema.org type and property in a built site's JSON-LD exists"),
    # Benchmarks
    "bench": ("fasciasite.bench.__main__", "build and page-weight benchmarks"),
    "bench-links": ("fasciasite.bench.links", "the link checker against its peers"),
    "lighthouse": ("fasciasite.bench.lighthouse", "Lighthouse scores of a built site"),
    "searchbench": ("fasciasite.bench.search_hits", "search quality against tests/search_queries.yml"),
}


def _parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(
        prog="fasciasite", description=__doc__.split("\n\n")[0],
        epilog="commands:\n" + "\n".join(f"  {name:<14} {what}" for name, (_m, what) in COMMANDS.items())
        + "\n\n'fasciasite COMMAND --help' explains each one.",
        formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--root", type=Path, help="the checkout to act on (default: the one holding the current directory)")
    ap.add_argument("command", choices=sorted(COMMANDS), metavar="COMMAND", help="one of the commands below")
    ap.add_argument("args", nargs=argparse.REMAINDER, help="the command's own arguments (see fasciasite COMMAND --help)")
    return ap


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    ap = _parser()
    if not argv or argv[0] in ("-h", "--help"):
        ap.print_help()
        return 0 if argv else EXIT_USAGE
    try:
        args = ap.parse_args(argv)
    except SystemExit as exc:  # argparse's own exit: 2 for bad usage
        return int(exc.code or 0)
    root = find_root(args.root)
    if not (root / "mkdocs.yml").is_file():
        print(f"fasciasite: no mkdocs.yml in {root} or above it; run it inside a checkout or pass --root DIR",
              file=sys.stderr)
        return EXIT_USAGE
    os.chdir(root)  # before the command's module is imported: its defaults are this checkout's files
    module_name, _what = COMMANDS[args.command]
    command: Callable[[list[str]], int | None] = importlib.import_module(module_name).main
    sys.argv[0] = f"fasciasite {args.command}"  # so each command's --help names itself as typed
    try:
        return int(command(args.args) or 0)
    except SystemExit as exc:
        return exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)


if __name__ == "__main__":
    raise SystemExit(main())
