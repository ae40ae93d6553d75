"""An exact shortcut for searching many case-insensitive patterns in the same text (issue 24).

The urgent-help lint looks for ~60 red-flag signs in every sentence of every page, and the
safety check for ~70 treatment names in every article: each a `re.IGNORECASE` pattern, which
Python's `re` cannot search by its literal prefix, so every search walks the whole text
(about 1 ms for 14 KB; 250,000 searches per build). Most texts contain none of the words.

`needles(rx)` reads the pattern (Python's own parser) and returns literal strings, one of which
every match must contain ("bowel" for `\\bbowels?\\b`; "peeing", "pooing" for `(peeing|pooing)
yourself` is weaker than " yourself", which is kept); `may_match(rx, folded)` tests them with
`in` on the text folded once (`fold`), and only a text that passes is searched. The shortcut
never changes an answer: a text without any needle cannot match (only ASCII letters, digits,
spaces and punctuation count as literals, and `fold` maps the four non-ASCII letters that
IGNORECASE matches to ASCII letters, İ ı ſ K, as the `re` documentation lists them); a
pattern with no usable literal is always searched (`needles` is None).
"""
from __future__ import annotations

import re
import re._constants as C
import re._parser as sre_parse
from functools import cache
from typing import TypeVar

T = TypeVar("T")

# The non-ASCII letters re.IGNORECASE matches to ASCII ones (Python docs, re: "İ ı ſ K").
_SPECIAL = str.maketrans({"\u0130": "i", "\u0131": "i", "\u017f": "s", "\u212a": "k"})
MIN_NEEDLE = 1  # any literal is exact; the longest is chosen (a single "&" still rules out most sentences)


def fold(text: str) -> str:
    """The text as needles are looked for in it: lower case, with İ ı ſ K as i i s k."""
    return text.translate(_SPECIAL).lower()


Requirement = frozenset[str]  # any one of these literals is in every match


def _requirements(items: list) -> list[Requirement]:
    """What a sequence of parsed items requires: its literal runs, and what its groups,
    branches and repeats (of at least one) require."""
    found: list[Requirement] = []
    run: list[str] = []

    def end_run() -> None:
        if run:
            found.append(frozenset(["".join(run).lower()]))
            run.clear()

    for op, av in items:
        if op is C.LITERAL and av < 128 and chr(av).isprintable():
            run.append(chr(av))
            continue
        end_run()
        if op is C.SUBPATTERN:
            found += _requirements(list(av[3]))
        elif op in (C.MAX_REPEAT, C.MIN_REPEAT, getattr(C, "POSSESSIVE_REPEAT", None)) and av[0] >= 1:
            found += _requirements(list(av[2]))
        elif op is C.BRANCH:
            alternatives = [_best(_requirements(list(alt))) for alt in av[1]]
            if alternatives and all(a is not None for a in alternatives):
                found.append(frozenset().union(*[a for a in alternatives if a is not None]))
        elif op is C.ATOMIC_GROUP:
            found += _requirements(list(av))
    end_run()
    return found


def _best(requirements: list[Requirement]) -> Requirement | None:
    """The requirement whose shortest literal is longest (then one of signs rather than letters,
    "&" before "a", then the one with fewest literals)."""
    return max(requirements, key=lambda r: (min(map(len, r)), not any(n.isalpha() for n in r), -len(r)), default=None)


@cache
def needles(rx: re.Pattern[str]) -> tuple[str, ...] | None:
    """Literals (lower case), one of which every match of rx contains; None: always search."""
    try:
        parsed = sre_parse.parse(rx.pattern, rx.flags & ~re.UNICODE)
    except Exception:  # a pattern our reading does not follow is simply always searched
        return None
    best = _best(_requirements(list(parsed)))
    if best is None or min(map(len, best)) < MIN_NEEDLE:
        return None
    return tuple(sorted(best))


@cache
def requirements(rx: re.Pattern[str]) -> tuple[tuple[str, ...], ...]:
    """Every requirement of rx (each: literals, one of which every match contains), the most
    selective first; () when it has none. `legs? (gives?|giving) way` needs "leg", "give" or
    "giving", and " way": all three are tested, not only the best."""
    try:
        parsed = sre_parse.parse(rx.pattern, rx.flags & ~re.UNICODE)
    except Exception:
        return ()
    found = [tuple(sorted(r)) for r in dict.fromkeys(_requirements(list(parsed))) if min(map(len, r)) >= MIN_NEEDLE]
    return tuple(sorted(found, key=lambda r: (-min(map(len, r)), len(r))))


def may_match(rx: re.Pattern[str], folded: str) -> bool:
    """False only when rx cannot match the text that `folded` is fold() of: some requirement
    of rx has none of its literals in it. (Loops, not all(any(...)): it is asked about a
    million times a build, and the generators cost more than the tests.)"""
    for requirement in requirements(rx):
        for literal in requirement:
            if literal in folded:
                break
        else:
            return False
    return True


def search(rx: re.Pattern[str], text: str, folded: str) -> re.Match[str] | None:
    """rx.search(text), skipped when the needles say it cannot match."""
    return rx.search(text) if may_match(rx, folded) else None


@cache
def union(patterns: tuple[re.Pattern[str], ...]) -> tuple[str, ...] | None:
    """Every needle of these patterns: a text with none of them matches none of the patterns.
    None when one pattern has no needle (then the patterns are always searched)."""
    out: list[str] = []
    for rx in patterns:
        found = needles(rx)
        if found is None:
            return None
        out += found
    return tuple(dict.fromkeys(out))



def words_in(text: str, by_word: tuple[tuple[str, T], ...]) -> tuple[tuple[str, T], ...]:
    """The entries of a word index (word -> what needs it) whose word `text` has, folded: for a
    page, the text of every sentence the lints will ask about, joined. A word a sentence has is
    in the page it comes from, so each sentence is then tested against these few words only
    (the urgent-help tiers and the safety blocks index their signs this way)."""
    folded = fold(text)
    return tuple((w, needing) for w, needing in by_word if w in folded)
