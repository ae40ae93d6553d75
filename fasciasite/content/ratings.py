"""Ratings bound to what the sources show: the "How strong is the evidence?" boxes.

The scale and its rules (docs/about/editorial-policy.md says them in plain words):
  Strong            best source a systematic review or guideline of high or moderate
                    certainty, and a second source cited beside it
  Moderate          a systematic review or guideline (any certainty but very low), or a
                    randomised trial
  Limited           a trial, cohort, case-control or cross-sectional study, or a review of
                    very low certainty
  Very limited      anything (lab, cadaver, animal, case reports, opinion, web pages)
  Evidence against  tested and found not to help: a cited systematic review, randomised
                    trial or guideline
  Not tested        no good trial, and the row says so
Every row cites at least one source; design and certainty come from references.bib.

A sentence such as "we found no trials" needs a recorded search in research/searches.yml
that answers that sentence: an entry for its page whose `sentence` (a short exact fragment of
the page sentence, or a list of them) is in it. A search made for another claim on the same
page does not cover it, and an entry whose fragment is on no line of its page is stale.

Every problem is `docs/page.md:LINE: what is wrong; the fix`, naming rating and keys.
Why our own code: no MkDocs or Material feature reads a table's meaning.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path

from fasciasite import yamllines
from fasciasite.config import data_file
from fasciasite.references.bib import Entry, Problem, find_citations

SCALE = ("Strong", "Moderate", "Limited", "Very limited", "Evidence against", "Not tested")
RANK = {"Very limited": 1, "Limited": 2, "Moderate": 3, "Strong": 4}
REVIEWS = ("systematic review", "guideline")
TESTED_IT = ("systematic review", "randomised trial", "guideline")
STUDIES = ("randomised trial", "cohort", "case-control", "cross-sectional")
RETIRED = {"Not supported": "use 'Evidence against' (tested and found not to help) or 'Not tested' (no good trial)"}

BOX_START = re.compile(r"^(?:(?:!!!|\?\?\?\+?)[ \t]+[\w-]+(?:[ \t]+[\w-]+)*[ \t]+|#{2,6}[ \t]+)\"?How strong is the evidence\??\"?[ \t]*$",
                       re.I | re.M)
FENCE = re.compile(r"^([ \t]*)(`{3,}|~{3,})[^\n]*\n.*?^\1\2[ \t]*$", re.S | re.M)
COMMENT = re.compile(r"<!--.*?-->", re.S)
INLINE_CODE = re.compile(r"`[^`\n]+`")
SAYS_UNTESTED = re.compile(r"\bno\b[^|.;]{0,40}\b(trials?|stud(y|ies)|reviews?|tests?|evidence)\b|\bnot\s+(been\s+)?tested\b|"
                           r"\buntested\b|\bnever\s+(been\s+)?tested\b|\bnot\s+find\b", re.I)
# "we found no trials", "we also found no study", "we did not find a trial review", "we could not find any studies"
WE_FOUND_NONE = re.compile(
    r"\bwe\s+(?:also\s+|still\s+)?(?:(?:have\s+)?found\s+no|could\s+find\s+no|(?:did\s+not|didn't|could\s+not|couldn't|cannot|can't|have\s+not|"
    r"haven't|were\s+unable\s+to)\s+find)\b(?:\s+[\w-]+){0,4}?\s+(?:trials?|stud(?:y|ies)|(?:systematic\s+)?reviews?|evidence|"
    r"research|RCTs?)\b", re.I)
SEARCH_FIELDS = ("page", "sentence", "claim", "where", "when", "terms", "result")
SEARCHES_FILE = "research/searches.yml"


@dataclass
class Row:
    line: int
    claim: str
    rating: str
    keys: list[str]
    text: str


def _blank(m: re.Match) -> str:
    return re.sub(r"[^\n]", " ", m.group(0))


def prose(markdown: str) -> str:
    """The Markdown with code and comments blanked (line numbers kept)."""
    return INLINE_CODE.sub(_blank, COMMENT.sub(_blank, FENCE.sub(_blank, markdown)))


def _cells(line: str) -> list[str]:
    return [c.strip() for c in line.strip().strip("|").split("|")]


def evidence_rows(markdown: str) -> list[Row]:
    """Every row of every "How strong is the evidence?" table (line numbers of markdown)."""
    return [row for _line, _header, rows in evidence_tables(markdown) for row in rows]


def evidence_tables(markdown: str) -> list[tuple[int, list[str], list[Row]]]:
    """(header line, header cells, rows) of each table in each evidence box. A box may hold
    more than one table (a paragraph between them, inside the box); a table with no Rating
    column has no rows here and is reported by check_rows."""
    lines = markdown.split("\n")
    tables: list[tuple[int, list[str], list[Row]]] = []
    for m in BOX_START.finditer(markdown):
        start = markdown.count("\n", 0, m.start()) + 1
        boxed = not m.group(0).lstrip().startswith("#")  # an admonition: its content is indented
        header: list[str] | None = None
        for i in range(start, len(lines)):
            raw = lines[i]
            if raw.strip() and not raw.startswith((" ", "\t", "|")):
                break  # the box (or the section's table) has ended
            if not raw.strip().startswith("|"):
                if header is not None and raw.strip():
                    if not boxed:
                        break
                    header = None  # a paragraph inside the box: another table may follow
                continue
            cells = _cells(raw)
            if header is None:
                header = [c.strip("* ").lower() for c in cells]
                tables.append((i + 1, header, []))
                continue
            if all(re.fullmatch(r":?-+:?", c) for c in cells if c):
                continue
            if "rating" not in header:
                continue
            col = header.index("rating")
            rating = cells[col].strip("* ") if col < len(cells) else ""
            keys = list(dict.fromkeys(c.key for c in find_citations(raw)))
            tables[-1][2].append(Row(i + 1, cells[0].strip("* "), rating, keys, raw))
    return tables + _claim_tables(lines, {line for line, _h, _r in tables})


CLAIM_HEADER = re.compile(r"^\s*\|\s*\**claim\**\s*\|", re.I)


def _claim_tables(lines: list[str], seen: set[int]) -> list[tuple[int, list[str], list[Row]]]:
    """A Claim | Rating table under any other title ("How good is the evidence?", a plain
    paragraph) rates claims all the same: its rows are held to the same rules."""
    found = []
    for i, raw in enumerate(lines):
        if i + 1 in seen or not CLAIM_HEADER.match(raw) or (i and lines[i - 1].strip().startswith("|")):
            continue
        header = [c.strip("* ").lower() for c in _cells(raw)]
        if "rating" not in header:
            continue
        col, rows = header.index("rating"), []
        for j in range(i + 1, len(lines)):
            if not lines[j].strip().startswith("|"):
                break
            cells = _cells(lines[j])
            if all(re.fullmatch(r":?-+:?", c) for c in cells if c):
                continue
            keys = list(dict.fromkeys(c.key for c in find_citations(lines[j])))
            rows.append(Row(j + 1, cells[0].strip("* "), cells[col].strip("* ") if col < len(cells) else "", keys, lines[j]))
        found.append((i + 1, header, rows))
    return found


def _source_rank(e: Entry | None) -> int:
    if e is None:
        return 1
    design = e.fields.get("design", "").strip().lower()
    certainty = e.fields.get("certainty", "").strip().lower()
    if design in REVIEWS:
        return 4 if certainty in ("high", "moderate") else 2 if certainty == "very low" else 3
    if design == "randomised trial":
        return 3
    return 2 if design in STUDIES else 1


def _describe(key: str, e: Entry | None) -> str:
    if e is None:
        return f"{key} (not in references.bib)"
    design = e.fields.get("design", "").strip().lower() or "no design recorded"
    certainty = e.fields.get("certainty", "").strip().lower()
    return f"{key} ({design}{', ' + certainty + ' certainty' if certainty and certainty != 'not graded' else ''})"


def allowed(keys: list[str], entries: dict[str, Entry]) -> str:
    """The strongest rating the cited sources allow."""
    best = max((_source_rank(entries.get(k)) for k in keys), default=1)
    if best == 4 and len(keys) < 2:
        best = 3  # Strong needs a second source agreeing
    return next(r for r, n in RANK.items() if n == best)


def check_rows(markdown: str, entries: dict[str, Entry], file: str, offset: int = 0) -> list[Problem]:
    problems = []
    policy = "see 'How we rate the evidence' in docs/about/editorial-policy.md"
    tables = evidence_tables(prose(markdown))
    for line, header, _rows in tables:
        if "rating" not in header:
            problems.append(Problem(file, line + offset, None, (
                f"the evidence table's header ({' | '.join(header)}) has no Rating column, so its rows are never checked "
                "against their sources; write the header as | Claim | Rating | Why |")))
    for row in (row for _l, _h, rows in tables for row in rows):
        line = row.line + offset

        def report(message: str, line: int = line) -> None:
            problems.append(Problem(file, line, None, message))

        keys = ", ".join(_describe(k, entries.get(k)) for k in row.keys)
        if row.rating in RETIRED:
            report(f"rating '{row.rating}' is retired: {RETIRED[row.rating]}; valid ratings: {', '.join(SCALE)}")
        elif row.rating not in SCALE:
            report(f"rating '{row.rating}' is not on the site's scale; use one of: {', '.join(SCALE)}")
        if not row.keys:
            report(f"the row '{row.claim[:60]}' (rated {row.rating or 'nothing'}) cites no source; add the [@key] citations "
                   "its rating rests on in its Why column")
            continue
        if row.rating in RANK:
            limit = allowed(row.keys, {k: entries[k] for k in row.keys if k in entries})
            if RANK[row.rating] > RANK[limit]:
                why = " (Strong also needs a second source agreeing)" if row.rating == "Strong" and limit == "Moderate" else ""
                report(f"rating '{row.rating}' is stronger than its best source allows ({limit}){why}: {keys}; lower the "
                       f"rating to {limit} or cite a source that supports it ({policy})")
        elif row.rating == "Evidence against":
            if not any((entries.get(k) and entries[k].fields.get("design", "").strip().lower() in TESTED_IT) for k in row.keys):
                report(f"rating 'Evidence against' needs a cited source that tested it (a systematic review, randomised trial "
                       f"or guideline), but cites {keys}; cite that source, or rate it 'Not tested' ({policy})")
        elif row.rating == "Not tested" and not SAYS_UNTESTED.search(row.text.split("|", 3)[-1]):
            report("rating 'Not tested' needs its Why column to say that no good trial tested it (for example "
                   f"'no trial has tested this'); cites {keys}")
    return problems


# ── "We found no trials": recorded searches ─────────────────────────────────


# The same claim said impersonally: "No trial has tested this", "There are no trials of ...",
# "No study we know of has measured ...", "no trials were found", "No trial found, only ...",
# "nobody has tested it".
# Such a clause is ours unless it carries its own citation (then it reports what a cited
# review found, e.g. "No trial tested them for new back pain [@review]").
_STUDIES = r"(?:randomi[sz]ed\s+|controlled\s+|clinical\s+|good\s+|published\s+|high-quality\s+)*(?:trials?|stud(?:y|ies)|(?:systematic\s+)?reviews?|RCTs?)"
_DONE = r"(?:tested|studied|measured|compared|looked|examined|shown|assessed|tried)"
NONE_IMPERSONAL = re.compile(
    r"\bno\s+" + _STUDIES + r"\s+(?:(?:that\s+)?we\s+know\s+of\s+)?(?:(?:has|have|had)\s+)?(?:yet\s+|ever\s+|so\s+far\s+)?"
    r"(?:been\s+)?" + _DONE + r"\b"
    r"|\bthere\s+(?:are|is|were|was|have\s+been|has\s+been)\s+(?:still\s+)?no\s+" + _STUDIES + r"\b"
    r"|\bno\s+" + _STUDIES + r"\s+(?:(?:were|was|could\s+be|have\s+been|has\s+been)\s+)?found(?=[ \t]*(?:[,.;:|)]|$))"
    r"|\bno(?:body|\s+one)\s+has\s+(?:yet\s+|ever\s+)?" + _DONE + r"\b"
    r"|\bhas\s+(?:never|not)\s+(?:yet\s+)?been\s+(?:tested|studied)\s+in\s+(?:a\s+|any\s+)?" + _STUDIES,
    re.I)
CLAUSE_END = re.compile(r"[.;|!?\n]")


def _clause_cites(text: str, start: int, end: int) -> bool:
    """Does the clause around text[start:end] (to the nearest . ; | ! ? or line end) cite a source?"""
    before = max((m.end() for m in CLAUSE_END.finditer(text, 0, start)), default=0)
    after = CLAUSE_END.search(text, end)
    return "[@" in text[before:after.start() if after else len(text)]


def absence_claims(markdown: str) -> list[tuple[int, str]]:
    """(line, words) for each "we found no trials"-style sentence outside code, and each
    impersonal one ("no trial has tested this") whose clause cites no source."""
    return [(line, words) for line, words, _ in absence_sentences(markdown)]


# A sentence ends at . ! ? followed by a space (not after "e.g." or "et al."), at a blank
# line, and where a list item, heading, table row or admonition starts on the next line; a
# single line break inside a paragraph is a space. A table row is one sentence: its Why cell's
# "No trial has tested it" is about the Claim cell.
SENTENCE_END = re.compile(r"(?<!\be\.g)(?<!\bi\.e)(?<!\bal)(?<!\bvs)(?<!\bcf)[.!?][\"'\u201d)]*(?=\s|$)"
                          r"|\n(?=[ \t]*(?:\n|[-*+][ \t]|\d+\.[ \t]|#|\||!!!|\?\?\?|$))")
TABLE_ROW = re.compile(r"^[ \t]*\|.*$", re.M)
# Words that say nothing about what was searched for ("no trials of this", "it has not been tested").
_NO_TOPIC = frozenset("""a an and any are as at be been but by did do does for found from had has have in into is it its
    no not of on or so still than that the their them there these they this those to was we were what which who with yet
    you your ever far good published trial trials study studies review reviews systematic evidence research rct rcts
    randomised randomized controlled clinical test tests tested studied measured shown""".split())


def norm(text: str) -> str:
    """Text with every run of white space (line breaks too) as one space, for fragment matching."""
    return " ".join(text.split())


def absence_sentences(markdown: str) -> list[tuple[int, str, str]]:
    """(line, words, sentence) for each absence claim: the sentence around it, white space normalised."""
    text = prose(markdown)
    found = [m for m in WE_FOUND_NONE.finditer(text)]
    found += [m for m in NONE_IMPERSONAL.finditer(text) if not _clause_cites(text, m.start(), m.end())]
    found.sort(key=lambda m: m.start())
    result = []
    for m in found:
        line_start = text.rfind("\n", 0, m.start()) + 1
        row = TABLE_ROW.match(text, line_start)
        if row:
            sentence = row.group(0)
        else:
            start = max((e.end() for e in SENTENCE_END.finditer(text, 0, m.start())), default=0)
            end = SENTENCE_END.search(text, m.end())
            sentence = text[start:end.end() if end else len(text)]
        result.append((text.count("\n", 0, m.start()) + 1, norm(m.group(0)), norm(sentence)))
    return result


def topic_words(fragment: str) -> list[str]:
    """The words of a fragment that say what was searched for: not the absence words
    ("we found no trials", "no trial has tested") and not little words ("of", "this", "it")."""
    rest = NONE_IMPERSONAL.sub(" ", WE_FOUND_NONE.sub(" ", fragment))
    return [w for w in re.findall(r"[A-Za-z][\w'-]*", rest) if w.lower() not in _NO_TOPIC and len(w) > 1]


def fragments_of(item: dict) -> list[str]:
    """An entry's `sentence:` fragments (one string or a list), white space normalised."""
    value = item.get("sentence")
    values = value if isinstance(value, list) else [value]
    return [norm(v) for v in values if isinstance(v, str) and v.strip()]


def suggest_fragment(sentence: str, words: str) -> str:
    """A fragment to record for an unanswered sentence: from its absence words, up to ten words
    (before any citation), or the whole sentence when those say nothing about the topic."""
    if sentence.startswith("|"):  # a table row: its Claim cell says what was searched for
        claim = sentence.strip("| ").split("|")[0].strip()
        if topic_words(claim):
            return claim
    text = sentence.split("[@")[0].strip(" |;,")
    at = text.lower().find(words.lower())
    short = text[max(at, 0):].split()[:10]
    while short and short[-1].lower().strip(".;:,!?") in _NO_TOPIC:
        short.pop()
    short_text = " ".join(short).rstrip(".;:,!?")
    return short_text if topic_words(short_text) else text.rstrip(".;:,!?|").strip()


def load_searches(root: Path, today: dt.date) -> tuple[dict[str, list[dict]], list[Problem]]:
    """research/searches.yml: recorded searches by page, and the file's problems."""
    shown = data_file(root, "searches")  # the plugin's searches_file option
    path = Path(root) / shown
    if not path.is_file():
        return {}, []
    data, error = yamllines.load(path, shown)
    if error:
        location, _, message = error.partition(": ")
        file, _, line_text = location.rpartition(":")
        return {}, [Problem(file, int(line_text) if line_text.isdigit() else 1, None, message)]
    if data is None:
        return {}, []
    if not isinstance(data, list):
        return {}, [Problem(shown, yamllines.line_of(data), None, "must be a list of searches (- page: ...); see CONTRIBUTING.md")]
    by_page: dict[str, list[dict]] = {}
    problems: list[Problem] = []
    pages: dict[str, tuple[str, list[str]]] = {}
    for i, item in enumerate(data):
        line = yamllines.line_of(data, i)

        def report(message: str, key: str | None = None, item: object = item, line: int = line,
                   problems: list[Problem] = problems, shown: str = shown) -> None:
            problems.append(Problem(shown, yamllines.line_of(item, key) if key else line, None, message))

        if not isinstance(item, dict):
            report(f"each search is a map with {', '.join(SEARCH_FIELDS)}")
            continue
        for key in item:
            if key not in SEARCH_FIELDS:
                report(f"unknown field '{key}'; a search has {', '.join(SEARCH_FIELDS)}", key)
        missing = [k for k in SEARCH_FIELDS if item.get(k) in (None, "", [])]
        if missing:
            report(f"search is missing {', '.join(missing)}; record page, sentence, claim, where, when, terms and result")
        page = str(item.get("page") or "")
        if page and not (page.startswith("docs/") and page.endswith(".md") and (Path(root) / page).is_file()):
            report(f"page '{page}' is not a page of the site; write its path from the project root (docs/.../page.md)", "page")
        where = item.get("where")
        if where not in (None, "", []) and not (isinstance(where, list) and all(isinstance(w, str) and w.strip() for w in where)):
            report("where must be a list of the databases searched, e.g. [PubMed, Cochrane Library, PEDro]", "where")
        when = item.get("when")
        if when not in (None, ""):
            if isinstance(when, str):
                try:
                    when = dt.date.fromisoformat(when)
                except ValueError:
                    when = None
            if not isinstance(when, dt.date) or isinstance(when, dt.datetime):
                report(f"when '{item.get('when')}' is not a date; write YYYY-MM-DD", "when")
            elif when > today:
                report(f"when {when} is in the future; write the day you searched", "when")
        for key in ("claim", "terms", "result"):
            if item.get(key) not in (None, "") and not isinstance(item.get(key), str):
                report(f"{key} must be text", key)
        page_ok = bool(page) and page.startswith("docs/") and page.endswith(".md") and (Path(root) / page).is_file()
        problems += _sentence_problems(item, page if page_ok else "", Path(root), pages)
        if page:
            by_page.setdefault(page, []).append(item)
    return by_page, problems


def _page_sentences(root: Path, page: str, pages: dict[str, tuple[str, list[str]]]) -> tuple[str, list[str]]:
    """A page's prose (front matter, code and comments left out) and its absence sentences, normalised."""
    if page not in pages:
        from fasciasite.content.urgent import split_front_matter  # lazy: urgent is a larger module

        _, body = split_front_matter((root / page).read_text(encoding="utf-8-sig"))
        pages[page] = (norm(prose(body)), [s for _, _, s in absence_sentences(body)])
    return pages[page]


def _sentence_problems(item: dict, page: str, root: Path, pages: dict) -> list[Problem]:
    """`sentence:` is one fragment or a list of them; each is on its page, and one that says
    nothing about the topic ("no trials", "it has not been tested") must be a whole sentence."""
    value = item.get("sentence")
    if value in (None, "", []):
        return []  # reported as missing
    line = yamllines.line_of(item, "sentence")
    values = value if isinstance(value, list) else [value]
    if not all(isinstance(v, str) and v.strip() for v in values):
        return [Problem(data_file(root, "searches"), line, None, "sentence must be a short exact fragment of the page sentence this "
                        "search answers, or a list of them (sentence: 'no trials of sit-stand desks')")]
    if not page:
        return []
    text, sentences = _page_sentences(root, page, pages)
    problems = []
    for i, fragment in enumerate(values):
        at = yamllines.line_of(value, i) if isinstance(value, list) else line
        fragment = norm(fragment)
        if fragment not in text:
            problems.append(Problem(data_file(root, "searches"), at, None, f"sentence '{fragment}' is on no line of {page} (stale: the "
                                    "sentence was reworded or removed); copy a short exact fragment of the sentence this "
                                    "search answers, or remove the search if the page no longer says it"))
        elif not topic_words(fragment) and not any(fragment.rstrip(".") == s.rstrip(".|").strip() for s in sentences):
            problems.append(Problem(data_file(root, "searches"), at, None, f"sentence '{fragment}' names no topic, so it would answer "
                                    "every such sentence of the page; quote the words that say what was searched for "
                                    "(e.g. 'no trials of sit-stand desks'), or the whole sentence"))
    return problems


def check_absence(markdown: str, file: str, searches: dict[str, list[dict]], offset: int = 0) -> list[Problem]:
    """Each absence sentence of the page contains the `sentence:` fragment of a search recorded
    for this page: a search made for another claim of the page does not answer it."""
    recorded = [f for item in searches.get(file, []) for f in fragments_of(item)]
    return [Problem(file, line + offset, None,
                    f"says '{words}' but no recorded search in {SEARCHES_FILE} answers this sentence; add one with "
                    f"sentence: '{suggest_fragment(sentence, words)}' (page: {file}, claim, where, when, terms, result), "
                    "or reword")
            for line, words, sentence in absence_sentences(markdown)
            if not any(f in sentence for f in recorded)]
