"""Each treatment's safety advice, written once (includes/safety.yml), shown by a shortcode.

A page shows a treatment's advice with a shortcode on its own line:

    <!-- md:safety nsaids -->

rendered as a warning box "Safety: <title>": who should not use it or should ask first,
then what after it needs help, grouped by service, most urgent first (999, 111, stop and
tell your GP or pharmacist, GP), then its optional note. Citations are ordinary [@key]
citations, so they join the page's reference list (the page pipeline expands shortcodes before the
citation step runs).

Rules (fasciasite.content.evidence runs them; each problem `file:line: what; fix`):
  * the data file: valid YAML, known keys only, every item cited, every cite a key of
    references.bib, every service one of 999, 111, GP, stop, every `names` a valid regex;
  * the cites of this file and of includes/urgent-help.yml are NHS-, NICE-, MHRA- or
    GOV.UK-owned pages (owner class of the entry's url in includes/sources.yml);
  * an article that names a treatment (its `names`, outside code, headings, link
    addresses and comments) shows that treatment's block somewhere on the page;
  * a shortcode names a known treatment;
  * no page re-words or re-tiers an urgent item: a sentence or list item that names its sign
    (its `signs` patterns) and sends it to a less urgent service, or to none, is a problem
    (rewordings(); it reads sentences, services and put-offs as the urgent-help lint does).

Why our own code: like the urgent-help tiers, no MkDocs or Material feature keeps one
piece of advice identical on every page and checks that a page shows it.
"""
from __future__ import annotations

import re
from collections.abc import Callable, Container
from dataclasses import dataclass, field
from pathlib import Path

from fasciasite import fastmatch, yamllines
from fasciasite.config import data_file
from fasciasite.content.tiers import SERVICE_NAMES, service_level, shortcodes
from fasciasite.content.urgent import DEFER, FENCE, LIST_ITEM, blank
from fasciasite.content.urgent import _units as units  # the urgent lint's sentences and list items
from fasciasite.references.bib import Entry, Problem

DATA_FILE = "includes/safety.yml"
SHORTCODE = re.compile(r"^[ \t]*<!--\s*md:safety(?:\s+([^\s>]*))?\s*-->[ \t]*$", re.M)
SERVICES = {  # service -> heading of its group; the order is the order shown (most urgent first)
    "999": "Call 999 or go to A&E if",
    "111": "Get an urgent GP appointment or call NHS 111 if",
    "stop": "Stop using it and tell your GP or pharmacist if",
    "GP": "See a GP if",
}
TREATMENT_KEYS = ("title", "names", "ask_first", "urgent", "note")
# Signs the NHS sends to 999 whatever caused them: an `urgent` item that names one is service
# "999" (the more urgent source wins). From the NHS pages this file already cites: the ambulance
# service's "when to call 999" (secamb_999: chest pain, sudden shortness of breath, heavy
# bleeding, unconsciousness), the medicines pages (nhs_ibuprofen: swelling of the lips, mouth,
# tongue or throat, or difficulty breathing) and the stroke page (nwas_stroke). Kept narrow on
# purpose: where NHS pages send a milder form to 111 ("new or worse trouble breathing" after
# gabapentin, vomited blood that has stopped), the item's own source decides.
EMERGENCY_999 = [
    re.compile(r"\bchest\b(?:\s+or\s+\w+)?\s+pain", re.I),
    re.compile(r"\b(?:short(?:ness)? of breath|breathless|(?:hard|difficult|struggling|unable) to breathe|can(?:not|'t) breathe)", re.I),
    re.compile(r"\b(?:lips|mouth|tongue|throat)\b[^.]{0,40}\bswell", re.I),
    re.compile(r"\bstroke\b|\bface droops|\bslurred\b", re.I),
    re.compile(r"\bunconscious|\bseizure", re.I),
    re.compile(r"\b(?:heavy|severe) bleeding|\b(?:cannot|can't|will not|won't) stop\b[^.]{0,20}\bbleeding", re.I),
]
NAME_RULE = re.compile(r"^[a-z][a-z0-9-]*$")


@dataclass
class Item:
    text: str
    cite: list[str]
    line: int
    service: str = ""
    signs: list[re.Pattern] = field(default_factory=list)  # an urgent item's signs as a page words them
    at: int = 0  # the item's first line in the data file (line: where its cite is written)


@dataclass
class Treatment:
    name: str
    title: str
    names: list[re.Pattern]
    lead: str = ""
    ask_first: list[Item] = field(default_factory=list)
    urgent: list[Item] = field(default_factory=list)
    line: int = 1
    note: Item | None = None  # optional plain-words note shown last, with its cite

    def items(self) -> list[Item]:
        return self.ask_first + self.urgent + ([self.note] if self.note else [])

    def cited(self) -> list[str]:
        return list(dict.fromkeys(k for i in self.items() for k in i.cite))


@dataclass
class Safety:
    treatments: dict[str, Treatment] = field(default_factory=dict)
    cite_lines: dict[str, int] = field(default_factory=dict)  # key -> first line citing it
    path: str = DATA_FILE  # the data file as authors know it (the plugin's safety_file)
    # The page check's index of sign words, once per set of treatments a page names (_sign_index)
    indexes: dict = field(default_factory=dict, repr=False, compare=False)


# ── Reading and validating the data file ────────────────────────────────────


# How a check reports a problem at a node of the data file (and its key or item there)
Report = Callable[[object, object, str], None]


def load(path: Path, known_keys: Container[str] | None = None, shown: str = DATA_FILE) -> tuple[Safety, list[Problem]]:
    """The treatments that read cleanly, and every problem (a bad treatment is left out).
    known_keys: the keys of references.bib (None: not checked)."""
    safety = Safety(path=shown)
    problems: list[Problem] = []
    if not Path(path).is_file():
        return safety, []
    data, error = yamllines.load(path, shown)
    if error:
        where, _, message = error.partition(": ")
        file, _, line = where.rpartition(":")
        return safety, [Problem(file, int(line) if line.isdigit() else 1, None, message)]

    def report(node: object, key: object, message: str) -> None:
        problems.append(Problem(shown, yamllines.line_of(node, key), None, message))

    if data is None:
        return safety, []
    if not isinstance(data, dict) or not isinstance(data.get("treatments"), dict):
        report(data, "treatments", "needs a 'treatments:' map of name -> {title, names, ask_first, urgent} (see the header)")
        return safety, problems
    for key in data:
        if key != "treatments":
            report(data, key, f"unknown key '{key}'; the file holds one map, treatments:")
    treatments = data["treatments"]
    for name, raw in treatments.items():
        t = _treatment(str(name), raw, treatments, shown, known_keys, problems)
        if t is not None and t.title and (t.ask_first or t.urgent):  # shown even while a detail is reported
            safety.treatments[t.name] = t
            for item in t.items():
                for k in item.cite:
                    safety.cite_lines.setdefault(k, item.line)
    return safety, problems


def _treatment(name: str, raw: object, parent: object, shown: str, known_keys: Container[str] | None,
               problems: list[Problem]) -> Treatment | None:
    def report(node: object, key: object, message: str) -> None:
        problems.append(Problem(shown, yamllines.line_of(node, key), None, f"treatment '{name}': {message}"))

    if not NAME_RULE.match(name):
        report(parent, name, "its name must be lower case letters, digits and '-' (it is written in <!-- md:safety NAME -->)")
    if not isinstance(raw, dict):
        report(parent, name, "needs title, names, and ask_first and/or urgent")
        return None
    for key in raw:
        if key not in TREATMENT_KEYS:
            report(raw, key, f"unknown key '{key}'; use {', '.join(TREATMENT_KEYS)}")
    if not str(raw.get("title") or "").strip():
        report(raw, "title", "needs a title (what readers call it)")
    names = raw.get("names")
    patterns = []
    if not isinstance(names, list) or not names:
        report(raw, "names", "needs names: a list of case-insensitive regexes that name it on a page, e.g. ['ibuprofen']")
    else:
        for i, n in enumerate(names):
            try:
                rx = re.compile(str(n), re.I)
            except re.error as exc:
                report(names, i, f"names: '{n}' is not a valid regular expression ({exc}); fix it")
                continue
            if rx.search("") or rx.search("Rest and gentle movement help most back pain."):
                report(names, i, f"names: '{n}' matches any sentence, so every article would be told to show this block; "
                       "make it match only the treatment's own words")
                continue
            patterns.append(rx)
    if not raw.get("ask_first") and not raw.get("urgent"):
        report(raw, "title", "needs ask_first (who should not use it or should ask first) and/or urgent (what needs help)")
    lead, ask = "", []
    if raw.get("ask_first") is not None:
        block = raw["ask_first"]
        if not isinstance(block, dict):
            report(raw, "ask_first", "ask_first needs lead: and items: (a list of {text, cite})")
        else:
            for key in block:
                if key not in ("lead", "items"):
                    report(block, key, f"ask_first: unknown key '{key}'; use lead and items")
            lead = " ".join(str(block.get("lead") or "").split())
            if not lead:
                report(block, "lead", "ask_first needs a lead, e.g. 'Do not take it, or ask a pharmacist or GP first, if you'")
            ask = _items(block.get("items"), block, "items", "ask_first", False, report, known_keys)
    urgent = _items(raw.get("urgent"), raw, "urgent", "urgent", True, report, known_keys) if raw.get("urgent") is not None else []
    note = None
    if raw.get("note") is not None:
        notes = _items([raw["note"]], raw, "note", "note", False, report, known_keys)
        note = notes[0] if notes else None
        if note is not None:
            note.line = yamllines.line_of(raw, "note")
    return Treatment(name, " ".join(str(raw.get("title") or "").split()), patterns, lead, ask, urgent,
                     yamllines.line_of(parent, name), note)


def _items(items: object, parent: object, key: str, where: str, with_service: bool, report: Report,
           known_keys: Container[str] | None) -> list[Item]:
    allowed = ("service", "text", "cite", "signs") if with_service else ("text", "cite")
    if not isinstance(items, list) or not items:
        report(parent, key, f"{where} needs a list of items, each {{{', '.join(allowed)}}}")
        return []
    out = []
    for i, item in enumerate(items):
        line = yamllines.line_of(items, i)
        if not isinstance(item, dict):
            report(items, i, f"{where} item {i + 1} needs {', '.join(allowed)}")
            continue
        line = yamllines.line_of(item, "cite") if "cite" in item else line  # where its citations are written
        for k in item:
            if k not in allowed:
                report(item, k, f"{where}: unknown key '{k}'; an item has {', '.join(allowed)}")
        text = " ".join(str(item.get("text") or "").split())
        if not text:
            report(item, "text", f"{where} item {i + 1} has no text")
        cite = item.get("cite")
        if not cite or not isinstance(cite, list) or not all(isinstance(c, str) and c.strip() for c in cite):
            report(item, "cite" if "cite" in item else None,
                   f"{where} item '{text[:50]}' needs cite: [key, ...] (an NHS, NICE, MHRA or GOV.UK page in references.bib)")
            cite = []
        for c in cite:
            if known_keys is not None and c not in known_keys:
                report(item, "cite", f"cites unknown key '{c}'; add it to references.bib or fix the key")
        service = str(item.get("service", "")) if with_service else ""
        if with_service and service not in SERVICES:
            report(item, "service" if "service" in item else None,
                   f"service '{item.get('service')}' is not one of {', '.join(SERVICES)} (quote \"999\" and \"111\")")
        elif with_service and service != "999" and (sign := next((m for rx in EMERGENCY_999 if (m := rx.search(text))), None)):
            report(item, "service",
                   f"{where} item '{text[:50]}' names '{sign.group(0)}', which the NHS sends to 999, but its service is "
                   f"'{service}'; write service: \"999\" (the more urgent source wins), or split the item so the milder "
                   "sign its source sends elsewhere stands alone")
        signs = _signs(item, text, where, report) if with_service and "signs" in item else []
        out.append(Item(text, list(cite), line, service, signs, yamllines.line_of(items, i)))
    return out


NEUTRAL = "Rest and gentle movement help most back pain."  # a sentence no name or sign pattern may match


def _signs(item: dict, text: str, where: str, report: Report) -> list[re.Pattern]:
    """An urgent item's `signs`: case-insensitive regexes that find its sign in a page's own
    words (the page check: fasciasite.content.safety.rewordings). Each must be a valid, non-empty
    pattern that does not match any sentence, and one of them must find the item's own text."""
    raw = item.get("signs")
    if not isinstance(raw, list) or not raw:
        report(item, "signs", f"{where} item '{text[:50]}': signs needs a list of case-insensitive regexes that find the "
               "sign in a page's words, e.g. ['calf (is )?swollen']; or leave signs out")
        return []
    found = []
    for i, pattern in enumerate(raw):
        if not isinstance(pattern, str) or not pattern.strip():
            report(raw, i, f"{where} item '{text[:50]}': signs: an empty pattern matches every sentence; write the sign's words")
            continue
        try:
            rx = re.compile(pattern, re.I)
        except re.error as exc:
            report(raw, i, f"{where} item '{text[:50]}': signs: '{pattern}' is not a valid regular expression ({exc}); fix it")
            continue
        if rx.search("") or rx.search(NEUTRAL):
            report(raw, i, f"{where} item '{text[:50]}': signs: '{pattern}' matches any sentence, so every page would be read "
                   "as naming this sign; make it match only the sign's words")
            continue
        found.append(rx)
    if found and len(found) == len(raw) and not any(rx.search(text) for rx in found):
        report(item, "signs", f"{where} item '{text[:50]}': none of its signs finds the item's own words, so a page that "
               "re-words it would not be found; add a pattern that matches the item's text")
    return found


def load_for(root: Path, known_keys: Container[str] | None = None) -> tuple[Safety, list[Problem]]:
    """The safety data of the checkout at root, from the file the plugin's `safety_file` names."""
    shown = data_file(root, "safety")
    return load(Path(root) / shown, known_keys, shown)


# ── Rendering ────────────────────────────────────────────────────────────────


def _cite(keys: list[str]) -> str:
    return " [" + "; ".join(f"@{k}" for k in keys) + "]" if keys else ""


def render(t: Treatment) -> str:
    body: list[str] = []
    if t.ask_first:
        body += [f"{t.lead}:", ""] + [f"- {i.text}{_cite(i.cite)}" for i in t.ask_first] + [""]
    for service, heading in SERVICES.items():
        items = [i for i in t.urgent if i.service == service]
        if items:
            body += [f"{heading}:", ""] + [f"- {i.text}{_cite(i.cite)}" for i in items] + [""]
    if t.note:
        body += [f"{t.note.text}{_cite(t.note.cite)}", ""]
    lines = [f'!!! warning safety "Safety: {t.title}"', ""] + [f"    {b}" if b else "" for b in body]
    return "\n".join(lines).rstrip()


def expand(markdown: str, safety: Safety) -> str:
    """Replace each shortcode of a known treatment with its box (unknown ones are reported)."""
    from fasciasite.content.tiers import replace_shortcodes

    def sub(m: re.Match) -> str | None:
        t = safety.treatments.get(m.group(1) or "")
        return "\n" + render(t) + "\n" if t else None

    return replace_shortcodes(SHORTCODE, markdown, sub)


def shortcode_keys(markdown: str, safety: Safety) -> list[str]:
    """The keys a page cites through its safety shortcodes (for the References page)."""
    from fasciasite.content.tiers import shortcodes

    keys = [k for m in shortcodes(SHORTCODE, markdown) if (t := safety.treatments.get(m.group(1) or "")) for k in t.cited()]
    return list(dict.fromkeys(keys))


# ── Page rules ───────────────────────────────────────────────────────────────

_HIDE = [re.compile(r"^([ \t]*)(`{3,}|~{3,})[^\n]*\n.*?^\1\2[ \t]*$", re.S | re.M), re.compile(r"<!--.*?-->", re.S),
         re.compile(r"`[^`\n]+`"), re.compile(r"^[ \t]*#{1,6}[ \t].*$", re.M), re.compile(r"\]\([^)\s]*\)"),
         re.compile(r"\[@[^\]\n]*\]"), re.compile(r"^##[ \t]+References\b.*", re.S | re.M)]


def _readable(markdown: str) -> str:
    for rx in _HIDE:
        markdown = rx.sub(lambda m: re.sub(r"[^\n]", " ", m.group(0)), markdown)
    return markdown


def names_on_page(markdown: str, safety: Safety) -> dict[str, re.Match[str]]:
    """Each treatment the page names (its `names`, outside code, headings, comments, link
    addresses, citations and the References section) -> its first name on the page."""
    text = _readable(markdown)
    folded = fastmatch.fold(text)  # once for every name's exact shortcut (fasciasite.fastmatch)
    first = {}
    for t in safety.treatments.values():
        hits = [h for p in t.names if (h := fastmatch.search(p, text, folded))]
        if hits:
            first[t.name] = min(hits, key=lambda h: h.start())
    return first


def check_page(markdown: str, safety: Safety, file: str, *, offset: int = 0, is_article: bool = False) -> list[Problem]:
    problems = []
    from fasciasite.content.tiers import shortcodes

    shown = {m.group(1) or "" for m in shortcodes(SHORTCODE, markdown)}  # one inside a code block shows no box
    for m in SHORTCODE.finditer(markdown):
        if (m.group(1) or "") not in safety.treatments:
            line = markdown.count("\n", 0, m.start()) + 1 + offset
            known = ", ".join(sorted(safety.treatments)) or f"none yet: add one to {DATA_FILE}"
            problems.append(Problem(file, line, None, f"unknown safety block '{m.group(1) or ''}'; known: {known}"))
    named = names_on_page(markdown, safety)  # once, for both rules
    problems += rewordings(markdown, safety, file, offset=offset, named=named)
    if not is_article:
        return problems
    for t in safety.treatments.values():
        if t.name in shown:
            continue
        first = named.get(t.name)
        if first:
            line = first.string.count("\n", 0, first.start()) + 1 + offset
            problems.append(Problem(file, line, None,
                                    f"names {t.title} ('{first.group(0)}') but does not show its safety advice; add "
                                    f"<!-- md:safety {t.name} --> on its own line (for example under 'When to get help')"))
    return problems


# ── A page that re-words or re-tiers an urgent item ─────────────────────────
#
# "If your calf is swollen, warm and throbbing after rolling, rest it and see if it settles":
# the massage block sends those signs to NHS 111. A sentence or list item of the author's own
# that names an urgent item's sign (its `signs` patterns) and sends it to a less urgent service
# than the item's, or to none ("rest it", "keep rolling", "mention it next time"), is refused;
# the more urgent source wins. Only on pages that name the treatment (its `names`) or show its
# block: a sign such as "a high temperature after the injection" belongs to its treatment; and
# a sentence that names treatments ("shallow breathing after gabapentin") is read against
# theirs only, so the codeine block's 999 does not overrule the gabapentin block's own 111.
# The sentences, the service words and the put-offs are the urgent-help lint's
# (fasciasite.content.urgent), so the two rules read a page the same way.

ITEM_LEVEL = {"999": 3, "111": 2, "GP": 1, "stop": 1}  # an item's service on the urgent lint's scale
ITEM_SERVICE = {**{s: SERVICE_NAMES[level] for s, level in ITEM_LEVEL.items() if s != "stop"},
                "stop": "stop it and tell a GP or pharmacist"}  # in the urgent lint's words
# Put-offs after a treatment that the urgent lint's DEFER does not hold ("keep rolling", "it
# should settle", "mention it next time", "massage it"); a negated one ("do not keep rolling") is none.
CARRY_ON = re.compile(r"(?<!not )(?<!n't )(?<!never )(?:\b(?:keep|carry on|go on) (?:rolling|using|going|taking|training|with)\b|"
                      r"\bcarry on\b|\bnext time\b|\bmention (?:it|this|them)\b|\b(?:should|will|usually) (?:settle|pass|ease|go)\b|"
                      r"\bgive it (?:a few|a couple of|a|another) (?:days?|weeks?)\b|\bsleep on it\b|"
                      r"\b(?:massage|roll|rub|stretch) (?:it|over it|the area)\b|\brest (?:them|the (?:area|leg|calf|arm))\b|"
                      r"\bput your (?:feet|legs?) up\b)", re.I)
# "Mention it to your GP", "ask your doctor": a routine GP visit, like the urgent lint's "see a GP".
ROUTINE_GP = re.compile(r"\b(?:mention|tell|ask|show)\b[^.]{0,30}\b(?:GP|doctor)\b", re.I)
QUOTED = re.compile(r"\"([^\"]+)\"|\u201c([^\u201d]+)\u201d")


def _said(text: str) -> int:
    return max(service_level(text), 1 if ROUTINE_GP.search(text) else 0)


def _put_off(text: str) -> str:
    m = DEFER.search(text) or CARRY_ON.search(text)
    return m.group(0) if m else ""


def _unquoted(text: str, t: Treatment) -> str:
    """The text without quotes of the block's own words (a page may quote its source)."""
    own = [" ".join(i.text.split()).casefold() for i in t.urgent]

    def blank(m: re.Match) -> str:
        quoted = " ".join((m.group(1) or m.group(2)).split()).casefold().strip(" .,;:")
        return " " * len(m.group(0)) if quoted and any(quoted in o for o in own) else m.group(0)

    return QUOTED.sub(blank, text)


def _in_scope(markdown: str, safety: Safety, named: Container[str]) -> list[Treatment]:
    """The treatments a page names (names_on_page) or shows, that have signs."""
    shown = {m.group(1) or "" for m in shortcodes(SHORTCODE, markdown)}
    return [t for t in safety.treatments.values() if any(i.signs for i in t.urgent) and (t.name in shown or t.name in named)]


def _sentence_line(markdown: str, start: int, sentence: str) -> int:
    """The line (1-based, in markdown) where a sentence of the paragraph at `start` begins."""
    words = sentence.split()[:4]
    if not words:
        return start
    rx = re.compile(r"\s+".join(re.escape(w) for w in words))
    lines = markdown.split("\n")
    at = sum(len(line) + 1 for line in lines[: start - 1])
    m = rx.search(markdown, at)
    return markdown.count("\n", 0, m.start()) + 1 if m else start


def _ends_lists(markdown: str) -> str:
    """The text with each line that cannot continue a list item (a line no more indented than
    the last list marker, after a blank line) moved to the margin, so that the urgent lint's
    reader (which joins every indented line after a list to its last item) ends the list there.
    Inside an admonition, "Call 999 or go to A&E if:" after a list is a new lead, not part of
    the item above it. Lines are neither added nor removed, so every line number stays."""
    lines = FENCE.sub(blank, markdown).split("\n")
    marker, after_blank = -1, False
    for i, line in enumerate(lines):
        indent = len(line) - len(line.lstrip(" \t"))
        if not line.strip():
            after_blank = True
            continue
        if LIST_ITEM.match(line):
            marker = indent
        elif marker >= 0 and after_blank and indent <= marker:
            lines[i], marker = line.lstrip(" \t"), -1
        after_blank = False
    return "\n".join(lines)


Found = list[tuple[int, Treatment, Item, str]]  # (the item's level, its treatment, the item, the words matched)


SignIndex = tuple[tuple[tuple[str, frozenset[tuple[int, int]]], ...], frozenset[tuple[int, int]]]


def _sign_index(scope: list[Treatment]) -> SignIndex:
    """(literal word -> the items (treatment, item: positions in scope) one of whose signs needs
    it; the items with a sign that needs none), from each pattern's literal words
    (fasciasite.fastmatch.needles), as the urgent-help tiers index their signs."""
    by_word: dict[str, set[tuple[int, int]]] = {}
    always: set[tuple[int, int]] = set()
    for ti, t in enumerate(scope):
        for ii, item in enumerate(t.urgent):
            for rx in item.signs:
                words = fastmatch.needles(rx)
                if words is None:
                    always.add((ti, ii))
                for w in words or ():
                    by_word.setdefault(w, set()).add((ti, ii))
    return tuple((w, frozenset(items)) for w, items in by_word.items()), frozenset(always)


def _words_in(text: str, index: SignIndex) -> SignIndex:
    """The index with only the words `text` (a page's sentences, joined) has: a word a sentence
    has is in its page, so the sentences of the page are tested against these few (an exact
    shortcut, as fasciasite.content.tiers.Tiers.words_in)."""
    by_word, always = index
    return fastmatch.words_in(text, by_word), always


def _signs_named(text: str, scope: list[Treatment], index: SignIndex) -> Found:
    """Every urgent item whose sign the text names, outside quotes of the block's own words.
    Only the items one of whose signs' literal words is in the text are searched (an exact
    shortcut: most sentences name no sign)."""
    folded_text = fastmatch.fold(text)
    by_word, always = index
    maybe = set(always)
    for word, needing in by_word:
        if word in folded_text:
            maybe |= needing
    found: Found = []
    if not maybe:
        return found
    named = {t.name for t in scope if any(fastmatch.search(p, text, folded_text) for p in t.names)}
    for ti, t in enumerate(scope):
        items = [item for ii, item in enumerate(t.urgent) if (ti, ii) in maybe]
        if not items or (named and t.name not in named):
            continue  # a sentence that names a treatment is read against that treatment's block
        plain = _unquoted(text, t)
        folded = fastmatch.fold(plain)
        for item in items:
            m = next((m for rx in item.signs if (m := fastmatch.search(rx, plain, folded))), None)
            if m:
                found.append((ITEM_LEVEL[item.service], t, item, m.group(0)))
    return found


def rewordings(markdown: str, safety: Safety, file: str, *, offset: int = 0,
               named: Container[str] | None = None) -> list[Problem]:
    """A sentence or list item that sends an urgent item's sign to a less urgent service than
    the block's, or to none; or a sentence that names the sign with no advice, followed in its
    paragraph by one that puts it off and names no sign or service ("Your calf may swell. Rest it.").
    markdown: the author's text without front matter (offset: its lines); named: names_on_page(), when known."""
    scope = _in_scope(markdown, safety, names_on_page(markdown, safety) if named is None else named)
    if not scope:
        return []
    problems: list[Problem] = []
    key = tuple(t.name for t in scope)
    index = safety.indexes.get(key) or safety.indexes.setdefault(key, _sign_index(scope))
    lead = ""  # the sentence that leads into the current list ("If you notice these after rolling, rest it:")
    before: tuple[int, Found] = (0, [])  # the paragraph's last sentence, when it named a sign and gave no advice
    page_units = units(_ends_lists(markdown))
    index = _words_in("\n".join(u[1] for u in page_units), index)  # each sentence is in the page: its words only
    for line, text, context, list_id in page_units:
        if not list_id:
            lead = text.strip() if text.strip().endswith(":") else ""
        found = _signs_named(text, scope, index)
        if not found and not (before[1] and before[0] == line and not list_id):
            before = (0, [])
            continue  # no sign named here or just before: nothing to compare (most sentences)
        said = max(_said(text), context)
        put_off = _put_off(text) or (_put_off(lead) if list_id and lead and not _said(lead) else "")
        if not found and not list_id and before[0] == line and not said and put_off:
            found = before[1]  # a put-off of the sign the sentence before named ("Rest it."); not a service, which
            # may be advice about something else ("If you know you have a clot, ask your GP before you roll")
        before = (line, found) if found and not list_id and not said and not put_off else (0, [])
        for need, t, item, sign in sorted(found, key=lambda f: -f[0]):
            if said and said < need:
                says = SERVICE_NAMES[said]
            elif not said and put_off:
                says = f"no service ('{put_off}')"
            else:
                continue
            at = line if list_id else _sentence_line(markdown, line, text)
            problems.append(Problem(file, at + offset, None,
                                    f"sends '{sign}' to {says}, but the {t.name} safety advice ({safety.path}:{item.at}) sends it to "
                                    f"{ITEM_SERVICE[item.service]}; show the block with <!-- md:safety {t.name} --> or send it "
                                    "where the block does"))
            break
    return problems


def authoritative_cites(cites: dict[str, int], data_file: str, entries: dict[str, Entry],
                        owner: Callable[[str], str | None]) -> list[Problem]:
    """Cites (key -> line) that are not NHS-, NICE-, MHRA- or GOV.UK-owned pages.
    owner(url) -> owner class or None (fasciasite.references.sources.owner_class)."""
    from fasciasite.references.sources import HEALTH_OWNERS

    problems = []
    for key, line in cites.items():
        e = entries.get(key)
        if e is None:
            continue  # unknown keys are reported by the data file's own check
        url = e.fields.get("url", "").strip()
        cls = owner(url) if url else None
        if cls not in HEALTH_OWNERS:
            where = f"its url ({url})" if url else "with no url it"
            problems.append(Problem(data_file, line, None,
                                    f"cites '{key}', but {where} is not an NHS-, NICE-, MHRA- or GOV.UK-owned page; urgent and "
                                    "safety advice cite only those (BNF on bnf.nice.org.uk counts as NICE): cite such a page"))
    return problems
