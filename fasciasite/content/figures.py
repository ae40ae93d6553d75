"""Reading the figures a sentence states: digits, number words and word figures, each with
its unit (fasciasite.content.numbers compares them with the sources' findings).

A figure is (value, kind): kind '%' (a percentage), 'time:week' and the like, 'share' (a
proportion in words, as a percentage: "a third" is 33.3; 'share>' and 'share<' after
"over" or "under") or '' (a plain number). Why our own code: see fasciasite/content/numbers.py.
"""
from __future__ import annotations

import functools
import re

from fasciasite import fastmatch

WORDS = {
    "two": "2", "three": "3", "four": "4", "five": "5", "six": "6", "seven": "7", "eight": "8",
    "nine": "9", "ten": "10", "eleven": "11", "twelve": "12", "thirteen": "13", "fourteen": "14",
    "fifteen": "15", "sixteen": "16", "seventeen": "17", "eighteen": "18", "nineteen": "19",
    "twenty": "20", "thirty": "30", "forty": "40", "fifty": "50", "sixty": "60", "seventy": "70",
    "eighty": "80", "ninety": "90", "hundred": "100", "thousand": "1000",
}
UNITS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9}
TENS = ("twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety")
COMPOUND = re.compile(r"\b(" + "|".join(TENS) + r")[- ](" + "|".join(UNITS) + r")\b", re.I)
NUMBER = re.compile(r"(?<![\w.,])(\d+(?:,\d{3})*(?:\.\d+)*)(?![\w])|\b(" + "|".join(WORDS) + r")\b", re.I)
YEAR = re.compile(r"^(18|19|20)\d\d$")
PHONE = re.compile(r"\b116 ?123\b|(?<![\d.,])(999|111)(?!\d|[.,]\d)")
SCALE = re.compile(r"\b0 ?(?:to|-|–|—) ?(?:10|100)\b")
LATEX = re.compile(r"\\([%&$#_])")

# ── Units: a figure is its value and its kind ────────────────────────────────
PERCENT_AFTER = re.compile(r"^\s*(?:%|per ?cent\b|percentage points?\b)", re.I)
TIME_AFTER = re.compile(r"^\s*-?\s*(day|week|month|year|hour|minute|second)s?\b", re.I)
RANGE_JOIN = re.compile(r"^\s*(?:%\s*)?(?:to|-|–|—|and|or|,|, and|, or)\s*$", re.I)  # "6 to 24 months", "37, 52, 68%"
LABEL = re.compile(r"^\W*[A-Z][a-z]+ \d+\s*[:.)–—-]\s")  # "Claim 3: ...", "Step 2. ..." (a heading's label, not a figure)
SCORE = re.compile(r"(scor|rat|grade|level|mark)\w*\s+(?:of\s+)?$", re.I)
OVER = re.compile(r"(?:over|more than|above|at least|just over)\s+$", re.I)
UNDER = re.compile(r"(?:under|less than|below|nearly|almost|just under|up to)\s+$", re.I)
FRACTION_CONTEXT = re.compile(r"(?:about|around|nearly|almost|over|more than|less than|under|roughly|just|only|by|to|than|some|some"
                              r"|up to|above|below)\s+$", re.I)
SMALL = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
         "nine": 9, "ten": 10, "twenty": 20, "hundred": 100, "a hundred": 100, "thousand": 1000, "a thousand": 1000}
PARTS = {"half": 2, "halves": 2, "third": 3, "thirds": 3, "quarter": 4, "quarters": 4, "fifth": 5, "fifths": 5,
         "tenth": 10, "tenths": 10}
_N = r"(?<![\w.,])(\d+(?:,\d{3})*|a|an|one|two|three|four|five|six|seven|eight|nine|ten)"
FRACTION = re.compile(r"\b(a|one|two|three|four)[- ](half|third|thirds|quarter|quarters|fifth|fifths|tenth|tenths)\b"
                      r"(?P<of>\s+(?:of|fewer|more|less|lower|higher|smaller|larger|as)\b)?", re.I)
HALF_A = re.compile(r"\bhalf\s+an?\s+(?!hour|minute|day|week|month|year)[a-z]+", re.I)  # "half a point": 0.5 of a unit
HALF = re.compile(r"(?<!lower )(?<!upper )(?<!top )(?<!bottom )(?<!first )(?<!second )(?<!back )(?<!front )\bhalf\b"
                  r"(?!\s+an?\s+(?:hour|minute|day|week|month|year)\b|[- ](?:way|time|marathon|day|term|hour))", re.I)
IN_EVERY = re.compile(_N + r"\s+(?:in|out of)\s+(?:every\s+)?"
                      r"(\d+(?:,\d{3})*|two|three|four|five|six|seven|eight|nine|ten|twenty|a hundred|hundred|a thousand|thousand)\b"
                      r"(?!\s*(?:%|per ?cent))", re.I)
TWICE = re.compile(r"\b(twice|double[ds]?|doubling)\b", re.I)
HALVED = re.compile(r"\bhalv(ed|es|ing)\b", re.I)


def _count(word: str) -> float:
    word = word.lower().replace(",", "")
    return float(word) if word.isdigit() else float(SMALL.get(word) or WORDS.get(word) or 0)


def figures_in(text: str, *, claims_only: bool = True, words: bool = True) -> list[tuple[str, str]]:
    """(value, kind) of each figure a text states; kind is '%', 'time:week' (etc.), 'share'
    (a proportion as a percentage: "a third" -> 33.3) or '' (a plain number).

    A pure function of its arguments, read once per sentence (the numbers check asks for a
    sentence's figures more than once, and a serve rebuild asks again for unchanged pages)."""
    return list(_figures_in(text, claims_only, words))


# An exact shortcut: every figure the patterns above read starts with a digit or, at the start
# of a word, with a number word or a proportion word; most sentences have neither.
_MAY_STATE = re.compile(r"\d|\b(?:" + "|".join(sorted({*WORDS, "half", "halv", "third", "quarter", "fifth", "tenth",
                                                          "twice", "doubl"}, key=lambda w: (-len(w), w))) + ")", re.I)


# The same test, faster: digits, then the words without re.IGNORECASE (which makes `re` try every
# word at every letter) on the text folded as fasciasite.fastmatch folds it (lower case, and the
# four non-ASCII letters IGNORECASE matches to ASCII ones as ASCII). tests/test_build_caches.py
# compares it with _MAY_STATE on random texts.
_DIGIT = re.compile(r"\d")
_MAY_STATE_FOLDED = re.compile(_MAY_STATE.pattern.removeprefix("\\d|"))


def _may_state(text: str) -> bool:
    return bool(_DIGIT.search(text) or _MAY_STATE_FOLDED.search(fastmatch.fold(text)))


@functools.lru_cache(maxsize=32768)
def _figures_in(text: str, claims_only: bool, words: bool) -> tuple[tuple[str, str], ...]:
    if not _may_state(text):
        return ()
    text = LATEX.sub(r"\1", text)
    found: list[tuple[int, int, str, str]] = []  # start, end, value, kind
    if words:
        chars = list(text)

        def take(m: re.Match, value: str, kind: str) -> None:
            found.append((m.start(), m.end(), value, kind))
            chars[m.start():m.end()] = " " * (m.end() - m.start())

        def bound(start: int) -> str:
            before = text[max(0, start - 20):start]
            return "share>" if OVER.search(before) else "share<" if UNDER.search(before) else "share"

        for m in IN_EVERY.finditer(text):
            top, bottom = _count(m.group(1)), _count(m.group(2))
            if bottom and 0 < top <= bottom and not SCORE.search(text[max(0, m.start() - 20):m.start()]):
                take(m, _normal(f"{top / bottom * 100:.1f}"), bound(m.start()))
        for m in FRACTION.finditer("".join(chars)):
            plural = m.group(2).lower().endswith("s") or m.group(1).lower() not in ("a", "one")
            if not (plural or m.group("of") or FRACTION_CONTEXT.search(text[max(0, m.start() - 20):m.start()])):
                continue  # "A third review concluded", "In a third, ...": an ordinal, not a proportion
            take(m, _normal(f"{_count(m.group(1)) / PARTS[m.group(2).lower()] * 100:.1f}"), bound(m.start()))
        for m in HALF_A.finditer("".join(chars)):
            take(m, "0.5", "")
        for rx in (HALF, HALVED):
            for m in rx.finditer("".join(chars)):
                take(m, "50", bound(m.start()))
        for m in TWICE.finditer("".join(chars)):
            take(m, "2", "")
        text = "".join(chars)
    text = COMPOUND.sub(lambda m: str(int(WORDS[m.group(1).lower()]) + UNITS[m.group(2).lower()]).ljust(len(m.group(0))), text)
    if claims_only:
        text = PHONE.sub(lambda m: " " * len(m.group(0)), text)
        text = SCALE.sub(lambda m: " " * len(m.group(0)), text)
    for m in NUMBER.finditer(text):
        if m.group(2):
            if words:
                found.append((m.start(), m.end(), WORDS[m.group(2).lower()], _kind(text, m.end())))
            continue
        token = m.group(1).replace(",", "")
        start = m.start(1)
        if start >= 2 and text[start - 1] == "-" and text[start - 2].isalpha():
            continue  # SF-36, COVID-19: names, not figures
        if claims_only and YEAR.match(token):
            continue
        found.append((m.start(), m.end(), token, _kind(text, m.end())))
    found.sort()
    # A range takes the unit of its last figure ("6 to 24 months", "20-30%"), and so does a list
    # of three or more ("37, 52, 68, 80%"); two figures with only a comma between are two claims.
    joins = [RANGE_JOIN.match(text[found[i][1]:found[i + 1][0]]) for i in range(len(found) - 1)]
    commas = [bool(j) and text[found[i][1]:found[i + 1][0]].strip() == "," for i, j in enumerate(joins)]
    for i in range(len(found) - 2, -1, -1):
        start, end, value, kind = found[i]
        nxt = found[i + 1]
        if kind or not nxt[3] or nxt[3].startswith("share") or not joins[i]:
            continue
        if commas[i] and not ((i > 0 and commas[i - 1]) or (i + 1 < len(commas) and commas[i + 1])):
            continue
        found[i] = (start, end, value, nxt[3])
    return tuple((value, kind) for _s, _e, value, kind in found)


def _kind(text: str, end: int) -> str:
    rest = text[end:end + 40]
    if PERCENT_AFTER.match(rest):
        return "%"
    if m := TIME_AFTER.match(rest):
        return "time:" + m.group(1).lower()
    return ""


def supported(value: str, kind: str, have: set[tuple[str, str]]) -> bool:
    """Whether a stated figure is among the findings' figures, unit for unit."""
    if kind == "%":
        return (value, "%") in have or any(k.startswith("share") and _close(float(value), float(v)) for v, k in have)
    if kind.startswith("share"):
        share = float(value)
        for v, k in have:
            if not (k == "%" or k.startswith("share")):
                continue
            p = float(v)
            if _close(p, share) or (kind == "share>" and share <= p < share * 1.5) or (kind == "share<" and share * 0.6 < p <= share):
                return True
        return False
    if kind.startswith("time:"):
        return (value, kind) in have or (value, "") in have
    return any(v == value for v, _k in have)


def _close(percent: float, share: float) -> bool:
    """A percentage a proportion in words stands for ("a third" is 30-37%, "half" 45-55%)."""
    return abs(percent - share) <= max(1.0, 0.1 * share)


def numbers_in(text: str, *, claims_only: bool = True, words: bool = True) -> list[str]:
    """The numbers a text states, normalised ("2,000" -> "2000", "six" -> "6").

    words=False leaves out spelled-out numbers ("two ways", "three jobs"): used for a
    sentence that has no citation of its own, where they are nearly always counting words.
    """
    text = LATEX.sub(r"\1", text)
    text = COMPOUND.sub(lambda m: str(int(WORDS[m.group(1).lower()]) + UNITS[m.group(2).lower()]), text)  # seventy-one
    if claims_only:
        text = PHONE.sub(" ", text)
        text = SCALE.sub(" ", text)
    found = []
    for m in NUMBER.finditer(text):
        if m.group(2):
            if words:
                found.append(WORDS[m.group(2).lower()])
            continue
        token = m.group(1).replace(",", "")
        start = m.start(1)
        if start >= 2 and text[start - 1] == "-" and text[start - 2].isalpha():
            continue  # SF-36, COVID-19: names, not figures
        if claims_only and YEAR.match(token):
            continue
        found.append(token)
    return found


def _normal(token: str) -> str:
    if re.fullmatch(r"\d+\.\d+", token):
        token = token.rstrip("0").rstrip(".")  # 0.50 and 0.5 are one figure
    return token
