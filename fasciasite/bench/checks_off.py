"""A measurement, never a way to publish: MkDocs with every check of ours replaced by one that finds nothing.

    python -m fasciasite.bench.checks_off build --strict -d site     (the arguments of `mkdocs`)

The bench (fasciasite.bench) builds its generated corpus this way beside the real configuration,
to tell apart what our checks cost from what the site's features cost (citations and their
reference lists, the urgent-help tiers and safety blocks, the glossary, link-preview cards,
take-home sheets, the search index's lay words, structured data): if the build with every
check off is already more than a target allows, making the checks cheaper cannot meet it.

Replaced here, each by a function that finds nothing (the text passes through unchanged):
the author checks on the site's files and on each page, unknown shortcodes, the urgent-help
and evidence rules, the numbers check, and the bibliography and data checks of on_config.
Everything else runs as in a real build, on both cores. Patching names that no longer exist
fails at once (AttributeError), so a renamed check cannot quietly stay on.

Why patching here, not a switch in the plugin: a setting that turns the checks off would be
one setting away from publishing an unchecked page; this module exists only in the bench.
"""
from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any

from fasciasite import pagesteps, shortcodes
from fasciasite.content import author_mistakes, evidence
from fasciasite.references import bibcheck


def _none(*_args: Any, **_kwargs: Any) -> list:
    return []


def _files_unchecked(_self: Any, files: Any, _config: Any) -> Any:
    return files


def _page_unchecked(_self: Any, markdown: str, *_args: Any) -> author_mistakes.Examined:
    return author_mistakes.Examined(markdown, [], [])


# (owner, attribute, replacement): every check of the page pipeline and of on_config.
CHECKS: tuple[tuple[Any, str, Callable[..., Any]], ...] = (
    (author_mistakes.AuthorChecks, "on_files", _files_unchecked),
    (author_mistakes.AuthorChecks, "examine", _page_unchecked),
    (shortcodes, "unknown", _none),
    (pagesteps.UrgentHelp, "check", _none),
    (pagesteps.Numbers, "check", _none),
    (bibcheck, "build_problems", _none),
    (evidence, "build_data_problems", _none),
)


def turn_off() -> None:
    for owner, name, replacement in CHECKS:
        getattr(owner, name)  # AttributeError if the check was renamed: update CHECKS
        setattr(owner, name, replacement)


def main(argv: list[str] | None = None) -> None:
    args = sys.argv[1:] if argv is None else argv
    if args[:1] in (["-h"], ["--help"]):
        print(__doc__)
        return
    turn_off()
    from mkdocs.__main__ import cli

    cli(args=args, prog_name="mkdocs")


if __name__ == "__main__":
    main()
