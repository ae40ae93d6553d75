"""One kind of problem, one failure policy.

`Problem(file, line, message, fix)` prints as `file:line: message; fix`, the one shape every
check, the build and every command use (CONTRIBUTING.md). A check that still formats its own
string is read back with `Problem.parse`.

The build's policy (`ProblemLog`): every page check adds its problems as it finds them; once
every page is rendered (on_env), the plugin prints them all, in the order of the files and
lines, and stops the build once, with or without --strict, with a count of each kind. A data
file that would make a later step crash (references.bib, the urgent-help tiers, a page that is
not UTF-8) stops the build at once instead, listing its own problems the same way.

Commands print the same lines and exit 0 (no problem), 1 (problems) or 2 (usage).
"""
from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from mkdocs.exceptions import PluginError

log = logging.getLogger("mkdocs.plugins.fasciasite")  # under mkdocs.*, so strict builds count it

WHERE = re.compile(r"^(?P<file>[^\s:][^:]*?):(?P<line>\d+): (?P<rest>.*)$", re.S)

EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE = 0, 1, 2


@dataclass(frozen=True)
class Problem:
    file: str
    line: int
    message: str
    fix: str = ""

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}: " if self.line else (f"{self.file}: " if self.file else "")
        return where + self.message + (f"; {self.fix}" if self.fix else "")

    @classmethod
    def parse(cls, text: str) -> Problem:
        """A `file:line: what; fix` line as a Problem (a line without file:line keeps it all as the message)."""
        m = WHERE.match(text)
        if not m:
            return cls("", 0, text)
        return cls(m["file"], int(m["line"]), m["rest"])

    @property
    def order(self) -> tuple[str, int]:
        return (self.file, self.line)


def report(problems: Iterable[Problem | str], summary: str | None = None) -> int:
    """How every command ends: each problem on its own line, in the order of the files and lines,
    then a one-line summary; returns the exit code (EXIT_PROBLEMS when there was any)."""
    found = [p if isinstance(p, Problem) else Problem.parse(p) for p in problems]
    for problem in sorted(found, key=lambda p: p.order):
        print(problem)
    if summary:
        print(summary)
    return EXIT_PROBLEMS if found else EXIT_OK


@dataclass
class ProblemLog:
    """The problems of one build, by kind ("front matter", "citations", ...)."""

    found: list[tuple[str, Problem]] = field(default_factory=list)

    def add(self, kind: str, problem: Problem | str) -> None:
        self.found.append((kind, problem if isinstance(problem, Problem) else Problem.parse(problem)))

    def reporter(self, kind: str) -> Callable[[Problem | str], None]:
        """A function a step calls with each problem it finds."""
        return lambda problem: self.add(kind, problem)

    def fail_if_any(self) -> None:
        """Print every problem in file and line order, then stop the build once."""
        if not self.found:
            return
        for _kind, problem in sorted(self.found, key=lambda kp: kp[1].order):
            log.error(str(problem))
        counts: dict[str, int] = {}
        for kind, _problem in self.found:
            counts[kind] = counts.get(kind, 0) + 1
        raise PluginError("\n".join(f"{kind}: {n} problem(s), listed above with file and line"
                                    for kind, n in counts.items()))
