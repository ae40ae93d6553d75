"""One dispatcher for every `<!-- md:NAME ... -->` shortcode, and the line map of a transform.

The convention is Material's own (`material/overrides/hooks/shortcodes.py`): one pattern finds
every shortcode, a table maps its name to what it becomes, and an unknown name is an error (ours
names the file, the line and the known names, instead of a RuntimeError). Shortcodes inside
code (fenced or inline) are text, not shortcodes: a page may show how to write one.

`LineMap`: after a transform (shortcodes expanded into many lines), the line of the author's file
that each line of the new text came from, so a check that reads the transformed text reports the
author's line (a line inside an expanded block reports the shortcode's line).
"""
from __future__ import annotations

import difflib
import re
from collections.abc import Callable
from dataclasses import dataclass

from fasciasite.problems import Problem
from fasciasite.references.citesyntax import FENCE, INLINE_CODE

SHORTCODE = re.compile(r"<!--\s*md:([\w-]*)(.*?)-->", re.S)

# name -> what it becomes: a function of (the shortcode as written, with the indentation before it
# on its line; its arguments) returning the replacement of both, or None to leave it for a later
# step (md:references is filled in after Markdown, by the citations step, so Python-Markdown never
# parses the whole list). An indented shortcode (inside an admonition or a list item) is given
# with its indentation, so a block it renders can stay inside.
Handler = Callable[[str, str], str | None]


def _code_spans(markdown: str) -> list[tuple[int, int]]:
    spans = [m.span() for m in FENCE.finditer(markdown)]
    spans += [m.span() for m in INLINE_CODE.finditer(markdown) if not any(a <= m.start() < b for a, b in spans)]
    return spans


def find(markdown: str) -> list[re.Match[str]]:
    """Every shortcode outside code, in order."""
    spans = _code_spans(markdown)
    return [m for m in SHORTCODE.finditer(markdown) if not any(a <= m.start() < b for a, b in spans)]


def unknown(markdown: str, known: list[str], file: str, line_of: Callable[[int], int]) -> list[Problem]:
    """A shortcode whose name is not in `known`: file:line, the name, the known names."""
    problems = []
    for m in find(markdown):
        if m.group(1) in known:
            continue
        near = difflib.get_close_matches(m.group(1), known, n=1)
        hint = f"did you mean <!-- md:{near[0]} -->? " if near else ""
        problems.append(Problem(file, line_of(markdown.count("\n", 0, m.start()) + 1),
                                f"unknown shortcode '<!-- md:{m.group(1)} -->' (it would be published as a hidden "
                                f"comment)", f"{hint}the shortcodes are: {', '.join(sorted(known))}"))
    return problems


def expand(markdown: str, handlers: dict[str, Handler]) -> str:
    """Each shortcode outside code whose name has a handler, replaced by what the handler returns."""
    out, last = [], 0
    for m in find(markdown):
        handler = handlers.get(m.group(1))
        line_start = markdown.rfind("\n", 0, m.start()) + 1
        indent = markdown[line_start:m.start()]
        start = line_start if not indent.strip(" \t") and line_start >= last else m.start()
        text = handler(markdown[start:m.end()], m.group(2).strip()) if handler else None
        if text is None:
            continue
        out += [markdown[last:start], text]
        last = m.end()
    return "".join(out) + markdown[last:] if out else markdown


@dataclass
class LineMap:
    """Line n (1-based) of a transformed text -> the line of the author's file it came from."""

    lines: list[int]
    offset: int = 0  # lines of front matter above the Markdown

    @classmethod
    def identity(cls, offset: int = 0) -> LineMap:
        return cls([], offset)

    @classmethod
    def between(cls, before: str, after: str, offset: int = 0) -> LineMap:
        """Unchanged lines keep their line; lines a transform put in take the line it replaced."""
        if before == after:
            return cls.identity(offset)
        old, new = before.split("\n"), after.split("\n")
        lines = [0] * len(new)
        matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
        for tag, i1, _i2, j1, j2 in matcher.get_opcodes():
            for j in range(j1, j2):
                lines[j] = i1 + (j - j1) + 1 if tag == "equal" else min(i1 + 1, len(old))
        return cls(lines, offset)

    def __call__(self, line: int) -> int:
        if not self.lines:
            return line + self.offset
        return self.lines[min(max(line, 1), len(self.lines)) - 1] + self.offset
