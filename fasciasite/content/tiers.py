"""The urgent-help tiers (includes/urgent-help.yml): reading them and rendering them.

fasciasite.content.urgent holds the shortcode rules and the lint that keeps pages from re-wording
or re-tiering them; this module reads the data file and turns a shortcode into boxes.
"""
from __future__ import annotations

import functools
import posixpath
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from fasciasite import fastmatch, yamllines
from fasciasite.config import data_file

DATA_FILE = "includes/urgent-help.yml"
SHORTCODE = re.compile(r"^[ \t]*<!--\s*md:urgent-help(?:\s+tier=([\w-]+))?\s*-->[ \t]*$", re.M)
FENCE = re.compile(r"^([ \t]*)(`{3,}|~{3,})[^\n]*\n.*?^\1\2[ \t]*$", re.S | re.M)


def shortcodes(rx: re.Pattern, markdown: str) -> list[re.Match]:
    """The shortcodes of a page that render: not those inside a code block (an example shown
    as code renders as code, so it shows no box and counts as no box)."""
    fences = [m.span() for m in FENCE.finditer(markdown)]
    return [m for m in rx.finditer(markdown) if not any(a <= m.start() < b for a, b in fences)]


def replace_shortcodes(rx: re.Pattern, markdown: str, render: Callable[[re.Match], str | None]) -> str:
    """Each rendering shortcode replaced by render(match), indented as the shortcode is (inside
    an admonition or a list item the box stays inside it)."""
    out, at = [], 0
    for m in shortcodes(rx, markdown):
        text = render(m)
        if text is not None:
            indent = m.group(0)[: len(m.group(0)) - len(m.group(0).lstrip(" \t"))]
            out += [markdown[at:m.start()], "\n".join(indent + line if line.strip() else line for line in text.split("\n"))]
            at = m.end()
    return "".join(out) + markdown[at:]
LEVELS = {"gp": 1, "urgent": 2, "emergency": 3}
# What a reader calls each Material admonition type's colour ("as in the red box above").
ADMONITION_COLOUR = {
    **dict.fromkeys(("danger", "error", "failure", "fail", "missing", "bug"), "red"),
    **dict.fromkeys(("warning", "caution", "attention"), "orange"),
    **dict.fromkeys(("info", "todo", "note", "abstract", "summary", "tldr", "question", "help", "faq"), "blue"),
    **dict.fromkeys(("tip", "hint", "important", "success", "check", "done"), "green"),
}
TIER_COLOUR = {"emergency": "red", "urgent": "orange", "gp": "blue"}  # what readers learn each colour means
COLOUR_WORDS = {"red": "red", "orange": "orange", "amber": "orange", "yellow": "orange", "blue": "blue", "green": "green"}
# What a sentence tells the reader to do, most urgent first; a sentence's level is the most urgent
# service it names. The page lint (fasciasite.content.urgent) and the data file's own words (a tier's
# title, lead and reach, a pin's `says`) are read with the same words.
SERVICES = [
    (3, re.compile(r"\b999\b|\bA ?& ?E\b|\bA and E\b|emergency department|\bambulance\b|"
                   r"emergency (help|care|treatment|services?)\b", re.I)),
    (2, re.compile(r"\b111\b|urgent (GP )?appointment|\b(GP|doctor)\b[^.]{0,40}\b(straight away|urgently|same day|today|immediately)\b|"
                   r"\bsame[- ]day\b", re.I)),
    (1, re.compile(r"\b(see|contact|call|ring|visit|book|speak to|talk to)\b[^.]{0,30}\b(GP|doctor)\b", re.I)),
]
SERVICE_NAMES = {3: "999 / A&E", 2: "an urgent GP appointment / NHS 111", 1: "a routine GP visit", 0: "no service"}
TIER_SERVICE = {3: "999 or A&E ('Call 999 or go to A&E')", 2: "NHS 111 or an urgent GP appointment", 1: "a GP ('See a GP')"}


def service_level(text: str) -> int:
    """The most urgent service a text names: 3 (999/A&E), 2 (111/urgent GP), 1 (GP), 0 (none)."""
    folded = fastmatch.fold(text)  # an exact shortcut: a pattern's literal words first (fasciasite.fastmatch)
    return max((level for level, rx in SERVICES if fastmatch.search(rx, text, folded)), default=0)


class DataError(ValueError):
    """The data file is missing a part; the message names the file and the fix."""


@dataclass
class Sign:
    text: str
    patterns: list[re.Pattern]

    def found_in(self, text: str, folded: str | None = None) -> bool:
        """folded: fastmatch.fold(text), when the caller tests many signs on one text: a text
        without any of the patterns' literal words is not searched (an exact shortcut)."""
        if folded is None:
            return any(p.search(text) for p in self.patterns)
        return any(fastmatch.search(p, text, folded) for p in self.patterns)


@dataclass
class Tier:
    id: str
    title: str
    admonition: str
    lead: str
    cite: list[str]
    signs: list[Sign]
    note: dict | None = None
    reach: str = ""  # how to get this help, the box's last line ("call 999, or go to A&E")

    @property
    def level(self) -> int:
        return LEVELS[self.id]

    @property
    def colour(self) -> str:
        """The colour readers see for this tier's box (Material's admonition colours)."""
        return ADMONITION_COLOUR.get(self.admonition, "")


@dataclass
class Tiers:
    path: str
    tiers: list[Tier]
    footer: str = ""
    lines: dict[str, int] = field(default_factory=dict)  # cited key -> line in the data file
    nations: str = ""  # the 111 services of Wales and Scotland, named once; a reach line shows them with {nations}
    _index: list = field(default_factory=list, init=False, repr=False, compare=False)  # _sign_index(), once

    def by_id(self, tier_id: str) -> Tier | None:
        return next((t for t in self.tiers if t.id == tier_id), None)

    def cited_keys(self) -> list[str]:
        keys = [k for t in self.tiers for k in t.cite + list((t.note or {}).get("cite", []))]
        return list(dict.fromkeys(keys))

    def _sign_index(self) -> tuple[tuple[tuple[str, frozenset[tuple[int, int]]], ...], frozenset[tuple[int, int]]]:
        """(literal word -> the signs (tier, sign) with a pattern that needs it; the signs with a
        pattern that needs none), from each pattern's literal words (fasciasite.fastmatch.needles)."""
        if not self._index:
            by_word: dict[str, set[tuple[int, int]]] = {}
            always: set[tuple[int, int]] = set()
            for ti, tier in enumerate(self.tiers):
                for si, sign in enumerate(tier.signs):
                    for p in sign.patterns:
                        words = fastmatch.needles(p)
                        if words is None:
                            always.add((ti, si))
                        for w in words or ():
                            by_word.setdefault(w, set()).add((ti, si))
            self._index.append((tuple((w, frozenset(s)) for w, s in by_word.items()), frozenset(always)))
        return self._index[0]

    def words_in(self, text: str) -> tuple[tuple[str, frozenset[tuple[int, int]]], ...]:
        """The index's words that `text` has: for a page, the text of every sentence and
        paragraph signs_in() will be asked about, joined. A word a sentence has is in the page
        it comes from, so signs_in(sentence, words) then tests only these (a page names a few
        of the ~200 words; each sentence was tested against all of them)."""
        return fastmatch.words_in(text, self._sign_index()[0])

    def signs_in(self, text: str, words: tuple[tuple[str, frozenset[tuple[int, int]]], ...] | None = None
                 ) -> list[tuple[Tier, Sign]]:
        """(tier, sign) for every sign the text names, in the data file's order. Only the signs
        one of whose patterns' literal words is in the text are searched (an exact shortcut:
        fasciasite.fastmatch); most sentences name none. words: words_in() of a text that holds
        this one (its page), when known."""
        folded = fastmatch.fold(text)
        by_word, always = self._sign_index()
        maybe = set(always)
        for word, signs in by_word if words is None else words:
            if word in folded:
                maybe |= signs
        if not maybe:
            return []
        return [(self.tiers[ti], self.tiers[ti].signs[si]) for ti, si in sorted(maybe)
                if self.tiers[ti].signs[si].found_in(text, folded)]


# ── Reading the data file ────────────────────────────────────────────────────

PINS_FILE = "includes/urgent-pins.yml"


def _line(node: object, key: str | None = None) -> int:
    return yamllines.line_of(node, key)


def read_yaml(path: Path, shown: str) -> tuple[Any, str]:
    """A data file as YAML with line numbers; every problem is a DataError `file:line: what; fix`."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise DataError(f"{shown}:1: not found; the file must exist (see fasciasite/content/tiers.py)") from None
    try:
        text = raw.decode("utf-8-sig")  # a byte-order mark from a Windows editor is harmless
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise DataError(f"{shown}:{line}: is not UTF-8 (byte 0x{raw[exc.start]:02x}); save the file as UTF-8") from None
    try:
        return yamllines.parse(text), text
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{shown}:{mark.line + 1}" if mark else f"{shown}:1"
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        if "appears twice" in problem:
            raise DataError(f"{where}: {problem}") from None
        hint = ("replace the tab with spaces" if "\t" in problem or "tab" in problem
                else "fix the indentation or quoting there (a value with ': ' in it needs quotes, or use >- )")
        raise DataError(f"{where}: not valid YAML ({problem}); {hint}") from None


def load(path: str | Path, *, pins_required: bool = False, pins: str | Path | None = None) -> Tiers:
    """Read and check the tiers. pins_required: the pins file beside it must exist (the
    project's own data, load_for); a lone data file (tests) is checked against pins only
    when they are there."""
    path = Path(path)
    shown = _shown(path)
    data, text = read_yaml(path, shown)
    if not isinstance(data, dict) or not isinstance(data.get("tiers"), list):
        got = "the file is empty" if data is None else "'tiers:' is not a list of tiers"
        raise DataError(f"{shown}:{_line(data, 'tiers')}: needs a 'tiers:' list (emergency, urgent, gp); {got}")
    tiers = []
    for i, raw in enumerate(data["tiers"], 1):
        if not isinstance(raw, dict):
            raise DataError(f"{shown}:{_line(data, 'tiers')}: tier {i} is not a mapping; write it as '- id: ...' with title, admonition, lead, cite and signs")
        where = f"{shown}:{_line(raw)}: tier {i} ({raw.get('id', 'no id')})"
        if raw.get("id") and raw["id"] not in LEVELS:
            raise DataError(f"{shown}:{_line(raw, 'id')}: tier id '{raw['id']}' is not one of {', '.join(LEVELS)}; the site has "
                            "exactly these three tiers (a new tier needs a change to fasciasite/content/tiers.py and its NHS source)")
        missing = [k for k in ("id", "title", "admonition", "lead", "cite", "signs") if not raw.get(k)]
        if missing:
            raise DataError(f"{where}: missing or empty {', '.join(missing)}; every tier needs id, title, admonition, lead, cite and signs")
        if raw["id"] not in LEVELS:
            raise DataError(f"{shown}:{_line(raw, 'id')}: tier id '{raw['id']}' is not one of {', '.join(LEVELS)}; the site has "
                            "exactly these three tiers (a new tier needs a change to fasciasite/content/tiers.py and its NHS source)")
        if not isinstance(raw["signs"], list) or not isinstance(raw["cite"], list):
            raise DataError(f"{where}: 'signs' and 'cite' must be lists (- item, or [a, b])")
        signs = []
        for s in raw["signs"]:
            at = f"{shown}:{_line(s) if isinstance(s, dict) else _line(raw, 'signs')}"
            if not isinstance(s, dict) or not str(s.get("text") or "").strip():
                raise DataError(f"{at}: a sign of tier '{raw['id']}' has no text; write each sign as '- text: ...' with its match patterns")
            try:
                signs.append(Sign(" ".join(str(s["text"]).split()), [re.compile(p, re.I) for p in s.get("match") or []]))
            except (re.error, TypeError) as exc:
                raise DataError(f"{at}: sign '{s.get('text')}': bad match pattern ({exc}); fix the regular expression") from None
            if any(rx.search("") or rx.search("Rest and gentle movement help most back pain.") for rx in signs[-1].patterns):
                raise DataError(f"{at}: sign '{signs[-1].text}': a match pattern matches any sentence, so every page would "
                                "be read as naming this sign; make it match only words of the sign")
        note = raw.get("note")
        if note is not None and not (isinstance(note, dict) and str(note.get("text") or "").strip()):
            raise DataError(f"{shown}:{_line(raw, 'note')}: tier '{raw['id']}': note needs 'text:' (and 'cite:')")
        tiers.append(Tier(raw["id"], str(raw["title"]).strip(), str(raw["admonition"]).strip(),
                          " ".join(str(raw["lead"]).split()), list(raw["cite"]), signs, note,
                          _reach(raw, shown, data)))
    seen: dict[str, str] = {}
    for t, raw in zip(tiers, data["tiers"], strict=False):
        wanted = TIER_COLOUR[t.id]
        if ADMONITION_COLOUR.get(t.admonition) != wanted:
            raise DataError(f"{shown}:{_line(raw, 'admonition')}: tier '{t.id}' shows as a '{t.admonition}' box, but its "
                            f"box must be {wanted} like every other {t.id} sign on the site; write admonition: "
                            f"{ {'red': 'danger', 'orange': 'warning', 'blue': 'info'}[wanted] }")
        for sign in t.signs:
            key = " ".join(sign.text.split()).casefold()
            if key in seen and seen[key] != t.id:
                raise DataError(f"{shown}:{_line(raw)}: the sign '{sign.text}' is in both the '{seen[key]}' and the '{t.id}' "
                                "tiers; a sign has one tier (the more urgent one): delete the other")
            seen[key] = t.id
    for t, raw in zip(tiers, data["tiers"], strict=False):  # the lint finds a 999 or 111 sign on a page by its patterns
        for sign, s in zip(t.signs, raw["signs"], strict=False):
            if t.level >= LEVELS["urgent"] and not sign.found_in(sign.text):
                raise DataError(f"{shown}:{_line(s)}: sign '{sign.text}': its match patterns do not find the sign's own "
                                "words, so the lint cannot see a page that sends this sign to a less urgent service; add "
                                f"a pattern that matches '{sign.text}' (and the words readers use for it)")
    wrong_words = [f"{shown}:{_line(raw, key)}: tier '{t.id}': its {key} '{value}' sends readers to "
                   f"{SERVICE_NAMES[service_level(value)]}, but the {t.id} box is for {TIER_SERVICE[t.level]}; write "
                   "the service its NHS source gives (change a tier only with that source and includes/urgent-pins.yml)"
                   for t, raw in zip(tiers, data["tiers"], strict=False)
                   for key, value in (("title", t.title), ("lead", t.lead), ("reach", t.reach))
                   if service_level(value) != t.level]
    if wrong_words:
        raise DataError("\n".join(wrong_words))
    ids = [t.id for t in tiers]
    if sorted(ids) != sorted(LEVELS):
        raise DataError(f"{shown}:{_line(data, 'tiers')}: tiers must be exactly emergency, urgent, gp once each (found {', '.join(ids) or 'none'})")
    result = Tiers(shown, tiers, " ".join(str(data.get("footer") or "").split()),
                   nations=" ".join(str(data.get("nations") or "").split()))
    for key in result.cited_keys():
        m = re.search(rf"\b{re.escape(key)}\b", text)
        result.lines[key] = text.count("\n", 0, m.start()) + 1 if m else 1
    pins_path = Path(pins) if pins is not None else path.parent / Path(PINS_FILE).name  # beside it, unless given
    if pins_required or pins_path.is_file():
        problems = check_pins(result, data, pins_path)
        if problems:
            raise DataError("\n".join(problems))
    return result


# ── Pins: every sign's tier as its NHS source gives it ──────────────────────


def _norm(text: str) -> str:
    return " ".join(str(text).split()).casefold()


def check_pins(tiers: Tiers, data: dict, pins_path: Path) -> list[str]:
    """Every sign pinned (includes/urgent-pins.yml) sits in its pinned tier or a more urgent
    one, and no pinned sign has gone. The pins change only with a published NHS source."""
    shown_pins = _shown(pins_path)
    pins_data, _ = read_yaml(pins_path, shown_pins)
    if not isinstance(pins_data, dict) or not isinstance(pins_data.get("pins"), list) or not pins_data["pins"]:
        return [f"{shown_pins}:{_line(pins_data, 'pins')}: needs a 'pins:' list (- sign, tier, source); restore it from git"]
    sign_lines = {}
    for raw in data["tiers"]:
        for s in raw["signs"]:
            sign_lines[_norm(s["text"])] = _line(s)
    where = {_norm(s.text): t for t in tiers.tiers for s in t.signs}
    problems, pinned = [], set()
    for pin in pins_data["pins"]:
        at = f"{shown_pins}:{_line(pin)}"
        if not isinstance(pin, dict) or not all(pin.get(k) for k in ("sign", "tier", "source")):
            problems.append(f"{at}: a pin needs sign, tier and source (the NHS page that gives the tier)")
            continue
        if pin["tier"] not in LEVELS:
            problems.append(f"{shown_pins}:{_line(pin, 'tier')}: tier '{pin['tier']}' is not one of {', '.join(LEVELS)}")
            continue
        says = " ".join(str(pin.get("says") or "").split())
        if service_level(says) != LEVELS[pin["tier"]]:
            problems.append(f"{shown_pins}:{_line(pin, 'says' if says else None)}: the pin of '{pin['sign']}' gives tier "
                            f"'{pin['tier']}' ({TIER_SERVICE[LEVELS[pin['tier']]]}), but its says, what its source "
                            f"{sources_of(pin)} tells readers, names {SERVICE_NAMES[service_level(says)]} ('{says}'); "
                            "put the tier back, or change a pin only with an NHS page that gives the new tier (its key "
                            "in source, its words in says)")
        key = _norm(pin["sign"])
        pinned.add(key)
        tier = where.get(key)
        sources = ", ".join(pin["source"]) if isinstance(pin["source"], list) else str(pin["source"])
        if tier is None:
            problems.append(f"{tiers.path}:1: the sign '{pin['sign']}' ({at}, tier {pin['tier']}, from {sources}) is missing; "
                            f"put it back in the {pin['tier']} tier (a sign is removed or re-worded only with its NHS source, "
                            f"and the pin changes with it)")
        elif tier.level < LEVELS[pin["tier"]]:
            problems.append(f"{tiers.path}:{sign_lines.get(key, 1)}: the sign '{pin['sign']}' is in the '{tier.id}' tier "
                            f"({tier.title}), but {at} pins it to '{pin['tier']}' from {sources}; move it back to the "
                            f"'{pin['tier']}' tier: a sign may only be moved to a more urgent tier")
    for key, line in sign_lines.items():
        if key not in pinned:
            problems.append(f"{tiers.path}:{line}: the sign '{key}' has no pin in {shown_pins}; add one with its tier "
                            f"and the NHS page that gives that tier (sign, tier, source)")
    return problems


def pin_sources(root: str | Path) -> dict[str, int]:
    """Each key the pins cite as a tier's source -> its line in includes/urgent-pins.yml (the
    safety-sources rule holds them to NHS-, NICE-, MHRA- or GOV.UK-owned pages, like the tiers)."""
    shown = data_file(root, "urgent_pins")
    path = Path(root) / shown
    try:
        data, _ = read_yaml(path, shown)
    except DataError:
        return {}  # the tiers' own check reports it
    keys: dict[str, int] = {}
    for pin in (data or {}).get("pins") or [] if isinstance(data, dict) else []:
        if isinstance(pin, dict):
            source = pin.get("source")
            for key in source if isinstance(source, list) else [source] if source else []:
                keys.setdefault(str(key), _line(pin, "source"))
    return keys


def sources_of(pin: dict) -> str:
    return ", ".join(map(str, pin["source"])) if isinstance(pin.get("source"), list) else str(pin.get("source"))


def _reach(raw: dict, shown: str, data: dict) -> str:
    """A tier's `reach` line: required, so every box ends with how to get that help; a
    {nations} in it needs the file's `nations` text."""
    reach = " ".join(str(raw.get("reach") or "").split())
    if not reach:
        raise DataError(f"{shown}:{_line(raw)}: tier '{raw['id']}' has no 'reach:' line; end every tier with how to get "
                        "that help (\"call 999\", \"call 111 or use 111 online\", \"contact your GP practice\")")
    if "{nations}" in reach and not str(data.get("nations") or "").strip():
        raise DataError(f"{shown}:{_line(raw, 'reach')}: tier '{raw['id']}' shows {{nations}}, but the file has no "
                        "'nations:' text; add it once (the 111 services of Wales and Scotland)")
    return reach


def _shown(path: Path) -> str:
    """The data file's path as authors know it (includes/urgent-help.yml)."""
    parts = path.as_posix().split("/")
    return "/".join(parts[-2:]) if len(parts) >= 2 else path.as_posix()


@functools.lru_cache(maxsize=4)
def _load_cached(path: str, mtime_ns: int, pins: str, pins_mtime_ns: int) -> Tiers:
    return load(path, pins_required=True, pins=pins)


def load_for(root: str | Path) -> Tiers:
    """The tiers of the project at root, from the files the plugin's options name (cached until
    a file changes)."""
    path = Path(root) / data_file(root, "urgent_help")
    pins = Path(root) / data_file(root, "urgent_pins")
    try:
        mtime = path.stat().st_mtime_ns
    except FileNotFoundError:
        mtime = 0
    try:
        pins_mtime = pins.stat().st_mtime_ns
    except FileNotFoundError:
        pins_mtime = 0
    return _load_cached(str(path), mtime, str(pins), pins_mtime)


# ── Rendering ────────────────────────────────────────────────────────────────


def _cite(keys: list[str]) -> str:
    return " [" + "; ".join(f"@{k}" for k in keys) + "]" if keys else ""


def _relative_links(text: str, page_src: str) -> str:
    """Links in the data file are written from docs/; make them relative to the page."""
    base = posixpath.dirname(page_src)

    def fix(m: re.Match) -> str:
        target = m.group(2)
        if re.match(r"^[a-z]+:|^#|^/", target):
            return m.group(0)
        return f"]({posixpath.relpath(target, base or '.')})"

    return re.sub(r"\]\(([^)]*?)([^()\s]+)\)", lambda m: fix(m), text)


def render_tier(tier: Tier, nations: str = "") -> str:
    body = [f"{tier.lead}{_cite(tier.cite)}:", ""] + [f"- {s.text}" for s in tier.signs]
    if tier.note:
        body += ["", " ".join(str(tier.note["text"]).split()) + _cite(list(tier.note.get("cite", [])))]
    if tier.reach:
        body += ["", tier.reach.replace("{nations}", nations).strip()]
    lines = [f'!!! {tier.admonition} urgent-help urgent-{tier.id} "{tier.title}"', ""]
    lines += [f"    {line}" if line else "" for line in body]
    return "\n".join(lines)


def render(tiers: Tiers, tier_id: str | None, page_src: str) -> str:
    if tier_id:
        tier = tiers.by_id(tier_id)
        if tier is None:  # expand() leaves an unknown tier for the check to report
            raise ValueError(f"no urgent-help tier '{tier_id}'; known: {', '.join(t.id for t in tiers.tiers)}")
        return _relative_links(render_tier(tier, tiers.nations), page_src)
    parts = [render_tier(t, tiers.nations) for t in sorted(tiers.tiers, key=lambda t: -t.level)]
    if tiers.footer:
        parts.append(tiers.footer)
    return _relative_links("\n\n".join(parts), page_src)


def expand(markdown: str, tiers: Tiers, page_src: str) -> str:
    """Replace every shortcode with its tiers (unknown tiers are left for lint to report)."""
    def sub(m: re.Match) -> str | None:
        tier_id = m.group(1)
        if tier_id and tiers.by_id(tier_id) is None:
            return None
        return "\n" + render(tiers, tier_id, page_src) + "\n"

    return replace_shortcodes(SHORTCODE, markdown, sub)


def shortcode_keys(markdown: str, tiers: Tiers) -> list[str]:
    """The keys a page cites through its shortcodes (for the References page's "Cited in")."""
    keys: list[str] = []
    for m in shortcodes(SHORTCODE, markdown):
        chosen = [tiers.by_id(m.group(1))] if m.group(1) else tiers.tiers
        for t in chosen:
            if t is not None:
                keys += t.cite + list((t.note or {}).get("cite", []))
    return list(dict.fromkeys(keys))
