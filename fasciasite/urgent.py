"""The urgent-help tiers: one data file, one renderer, and a lint that keeps pages honest.

The tiers (999/A&E, urgent GP or NHS 111, GP) live in includes/urgent-help.yml, written
once and cited once. A page shows them with a shortcode on its own line:

    <!-- md:urgent-help -->                all three tiers, then a short footer
    <!-- md:urgent-help tier=emergency -->  one tier (emergency | urgent | gp) as a box

The lint reads a page's Markdown (before the shortcodes are expanded) and reports, with
file and line:
  * a sentence or list that sends a red-flag sign to a less urgent service than its tier
    ("chest pain ... call NHS 111");
  * a page's own list of several signs with a service (the tiers re-worded: use the shortcode);
  * an article whose "When to get help" section lacks the full shortcode.

Why our own code: no MkDocs or Material feature checks the meaning of advice; snippets
could share the text but not stop a page from re-tiering a symptom in its own words.

Command: python -m fasciasite.urgent [FILE ...]   (exit 0 clean, 1 problems, 2 bad usage)
"""
from __future__ import annotations

import argparse
import functools
import posixpath
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

import yaml

DATA_FILE = "includes/urgent-help.yml"
SHORTCODE = re.compile(r"^[ \t]*<!--\s*md:urgent-help(?:\s+tier=([\w-]+))?\s*-->[ \t]*$", re.M)
LEVELS = {"gp": 1, "urgent": 2, "emergency": 3}

# What a sentence tells the reader to do, most urgent first. A sentence's level is the most
# urgent service it names.
SERVICES = [
    (3, re.compile(r"\b999\b|\bA ?& ?E\b|\bA and E\b|emergency department|\bambulance\b|"
                   r"emergency (help|care|treatment|services?)\b", re.I)),
    (2, re.compile(r"\b111\b|urgent (GP )?appointment|\b(GP|doctor)\b[^.]{0,40}\b(straight away|urgently|same day|today|immediately)\b|"
                   r"\bsame[- ]day\b", re.I)),
    (1, re.compile(r"\b(see|contact|call|ring|visit|book|speak to|talk to)\b[^.]{0,30}\b(GP|doctor)\b", re.I)),
]
SERVICE_NAMES = {3: "999 / A&E", 2: "an urgent GP appointment / NHS 111", 1: "a routine GP visit"}

FENCE = re.compile(r"^([ \t]*)(`{3,}|~{3,})[^\n]*\n.*?^\1\2[ \t]*$", re.S | re.M)
COMMENT = re.compile(r"<!--.*?-->", re.S)
INLINE_CODE = re.compile(r"`[^`\n]+`")
LIST_ITEM = re.compile(r"^[ \t]*(?:[-*+]|\d+[.)])[ \t]+")
SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z*\"'(\[])")
HELP_HEADING = re.compile(r"^##[ \t]+When to get help[ \t]*$", re.M)


class DataError(ValueError):
    """The data file is missing a part; the message names the file and the fix."""


@dataclass
class Sign:
    text: str
    patterns: list[re.Pattern]

    def found_in(self, text: str) -> bool:
        return any(p.search(text) for p in self.patterns)


@dataclass
class Tier:
    id: str
    title: str
    admonition: str
    lead: str
    cite: list[str]
    signs: list[Sign]
    note: dict | None = None

    @property
    def level(self) -> int:
        return LEVELS[self.id]


@dataclass
class Tiers:
    path: str
    tiers: list[Tier]
    footer: str = ""
    lines: dict[str, int] = field(default_factory=dict)  # cited key -> line in the data file

    def by_id(self, tier_id: str) -> Tier | None:
        return next((t for t in self.tiers if t.id == tier_id), None)

    def cited_keys(self) -> list[str]:
        keys = [k for t in self.tiers for k in t.cite + list((t.note or {}).get("cite", []))]
        return list(dict.fromkeys(keys))


@dataclass(frozen=True)
class Problem:
    file: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.message}"


# ── Reading the data file ────────────────────────────────────────────────────


def load(path: str | Path) -> Tiers:
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
        data = yaml.safe_load(text)
    except FileNotFoundError:
        raise DataError(f"{path}: not found; the urgent-help tiers must live there (see fasciasite/urgent.py)") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{path}:{mark.line + 1}" if mark else str(path)
        raise DataError(f"{where}: not valid YAML ({getattr(exc, 'problem', exc)}); fix the indentation or quoting there") from None
    if not isinstance(data, dict) or not isinstance(data.get("tiers"), list):
        raise DataError(f"{path}:1: needs a 'tiers:' list (emergency, urgent, gp)")
    tiers = []
    for i, raw in enumerate(data["tiers"], 1):
        where = f"{path}: tier {i}"
        missing = [k for k in ("id", "title", "admonition", "lead", "cite", "signs") if not raw.get(k)]
        if missing:
            raise DataError(f"{where}: missing {', '.join(missing)}; every tier needs id, title, admonition, lead, cite and signs")
        if raw["id"] not in LEVELS:
            raise DataError(f"{where}: id '{raw['id']}' is not one of {', '.join(LEVELS)}")
        signs = []
        for s in raw["signs"]:
            try:
                signs.append(Sign(str(s["text"]).strip(), [re.compile(p, re.I) for p in s.get("match") or []]))
            except re.error as exc:
                raise DataError(f"{where}: sign '{s.get('text')}': bad match pattern ({exc})") from None
        tiers.append(Tier(raw["id"], str(raw["title"]).strip(), str(raw["admonition"]).strip(),
                          " ".join(str(raw["lead"]).split()), list(raw["cite"]), signs, raw.get("note")))
    ids = [t.id for t in tiers]
    if sorted(ids) != sorted(LEVELS):
        raise DataError(f"{path}: tiers must be exactly emergency, urgent, gp once each (found {', '.join(ids) or 'none'})")
    result = Tiers(_shown(path), tiers, " ".join(str(data.get("footer") or "").split()))
    for key in result.cited_keys():
        m = re.search(rf"\b{re.escape(key)}\b", text)
        result.lines[key] = text.count("\n", 0, m.start()) + 1 if m else 1
    return result


def _shown(path: Path) -> str:
    """The data file's path as authors know it (includes/urgent-help.yml)."""
    parts = path.as_posix().split("/")
    return "/".join(parts[-2:]) if len(parts) >= 2 else path.as_posix()


@functools.lru_cache(maxsize=4)
def _load_cached(path: str, mtime_ns: int) -> Tiers:
    return load(path)


def load_for(root: str | Path) -> Tiers:
    """The tiers of the project at root (cached until the file changes)."""
    path = Path(root) / DATA_FILE
    try:
        mtime = path.stat().st_mtime_ns
    except FileNotFoundError:
        mtime = 0
    return _load_cached(str(path), mtime)


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


def render_tier(tier: Tier) -> str:
    body = [f"{tier.lead}{_cite(tier.cite)}:", ""] + [f"- {s.text}" for s in tier.signs]
    if tier.note:
        body += ["", " ".join(str(tier.note["text"]).split()) + _cite(list(tier.note.get("cite", [])))]
    lines = [f'!!! {tier.admonition} urgent-help urgent-{tier.id} "{tier.title}"', ""]
    lines += [f"    {line}" if line else "" for line in body]
    return "\n".join(lines)


def render(tiers: Tiers, tier_id: str | None, page_src: str) -> str:
    if tier_id:
        return _relative_links(render_tier(tiers.by_id(tier_id)), page_src)
    parts = [render_tier(t) for t in sorted(tiers.tiers, key=lambda t: -t.level)]
    if tiers.footer:
        parts.append(tiers.footer)
    return _relative_links("\n\n".join(parts), page_src)


def expand(markdown: str, tiers: Tiers, page_src: str) -> str:
    """Replace every shortcode with its tiers (unknown tiers are left for lint to report)."""
    def sub(m: re.Match) -> str:
        tier_id = m.group(1)
        if tier_id and tiers.by_id(tier_id) is None:
            return m.group(0)
        return "\n" + render(tiers, tier_id, page_src) + "\n"

    return SHORTCODE.sub(sub, markdown)


def shortcode_keys(markdown: str, tiers: Tiers) -> list[str]:
    """The keys a page cites through its shortcodes (for the References page's "Cited in")."""
    keys: list[str] = []
    for m in SHORTCODE.finditer(markdown):
        chosen = [tiers.by_id(m.group(1))] if m.group(1) else tiers.tiers
        for t in chosen:
            if t is not None:
                keys += t.cite + list((t.note or {}).get("cite", []))
    return list(dict.fromkeys(keys))


# ── The lint ─────────────────────────────────────────────────────────────────


def blank(m: re.Match) -> str:
    return re.sub(r"[^\n]", " ", m.group(0))


def _level(text: str) -> int:
    return max((level for level, rx in SERVICES if rx.search(text)), default=0)


def _units(markdown: str):
    """(line, text, context_level, list_id) for each sentence and list item.

    A list item with no service of its own takes the service of the paragraph that leads
    into its list (a sentence ending in ':'), so "Call 111 if:" + "- chest pain" is read
    as sending chest pain to 111.
    """
    text = FENCE.sub(blank, markdown)
    text = COMMENT.sub(blank, text)
    text = INLINE_CODE.sub(blank, text)
    lines = text.split("\n")
    block: list[tuple[int, str]] = []
    lead_level, lead_line, list_id, in_list = 0, 0, 0, False
    out = []

    def flush_paragraph():
        nonlocal lead_level, lead_line
        if not block:
            return
        start = block[0][0]
        para = " ".join(t.strip() for _, t in block)
        para = re.sub(r"^(?:>\s*|!!!.*|\?\?\?.*)", "", para)
        for sentence in SENTENCE_END.split(para):
            out.append((start, sentence, 0, 0))
        last = SENTENCE_END.split(para)[-1].strip()
        lead_level, lead_line = (_level(last), start) if last.endswith(":") else (0, 0)
        block.clear()

    for i, raw in enumerate(lines, 1):
        if not raw.strip():
            flush_paragraph()
            continue
        if LIST_ITEM.match(raw):
            flush_paragraph()
            if not in_list:
                list_id += 1
                in_list = True
            item = LIST_ITEM.sub("", raw)
            out.append((i, item, lead_level, list_id))
            continue
        if in_list and raw.startswith(("  ", "\t")) and out and out[-1][3]:
            line, t, lvl, lid = out[-1]
            out[-1] = (line, t + " " + raw.strip(), lvl, lid)
            continue
        if in_list:
            in_list = False
            lead_level = 0
        if raw.lstrip().startswith("#"):
            flush_paragraph()
            lead_level = 0
            continue
        block.append((i, raw))
    flush_paragraph()
    return out


def _signs_in(text: str, tiers: Tiers) -> list[tuple[Tier, Sign]]:
    return [(t, s) for t in tiers.tiers for s in t.signs if s.found_in(text)]


def lint(markdown: str, tiers: Tiers, file: str, *, offset: int = 0, is_article: bool = False) -> list[Problem]:
    """Problems on one page. offset: lines of front matter above the Markdown given."""
    problems: list[Problem] = []
    fix = (f"show the shared tiers instead (<!-- md:urgent-help -->, or one tier with tier=emergency|urgent|gp; "
           f"they are written once, in {tiers.path}) or link to the red-flags page")
    lists: dict[int, list[tuple[int, Tier, Sign]]] = {}
    list_level: dict[int, int] = {}
    for line, text, context, list_id in _units(markdown):
        own = _level(text)
        level = max(own, context)
        found = _signs_in(text, tiers)
        for tier, sign in found:
            if level and level < tier.level:
                problems.append(Problem(file, line + offset, (
                    f"sends '{sign.text}' to {SERVICE_NAMES[level]}, but it is a '{tier.title}' sign; "
                    f"when sources disagree on urgency the more urgent one wins. Remove this advice: {fix}")))
                break
        distinct = {s.text for _, s in found if _.id != "gp"}
        if own and len(distinct) >= 2:
            problems.append(Problem(file, line + offset, f"re-words the urgent-help tiers (names {len(distinct)} signs with a service): {fix}"))
        if list_id and context:
            lists.setdefault(list_id, []).extend((line, t, s) for t, s in found if t.id != "gp")
            list_level[list_id] = context
    for list_id, items in lists.items():
        distinct = {s.text for _, _, s in items}
        if len(distinct) >= 2 and not any(p.line == items[0][0] + offset for p in problems):
            problems.append(Problem(file, items[0][0] + offset, f"re-words the urgent-help tiers (a list of {len(distinct)} signs under a service): {fix}"))
    for m in SHORTCODE.finditer(markdown):
        if m.group(1) and tiers.by_id(m.group(1)) is None:
            line = markdown.count("\n", 0, m.start()) + 1 + offset
            problems.append(Problem(file, line, f"unknown tier '{m.group(1)}'; use one of {', '.join(LEVELS)}, or no tier for all three"))
    if is_article:
        problems += _article_block(markdown, file, offset)
    one_per_line: dict[int, Problem] = {}
    for p in problems:  # one report per line: "sends ..." says more than "re-words ..."
        if p.line not in one_per_line or p.message.startswith("sends"):
            one_per_line[p.line] = p
    return sorted(one_per_line.values(), key=lambda p: p.line)


def _article_block(markdown: str, file: str, offset: int) -> list[Problem]:
    heading = HELP_HEADING.search(markdown)
    if not heading:
        return [Problem(file, 1 + offset, "has no '## When to get help' section; add one with <!-- md:urgent-help --> on its own line")]
    nxt = re.compile(r"^#{1,2}[ \t]", re.M).search(markdown, heading.end())
    section = markdown[heading.end(): nxt.start() if nxt else len(markdown)]
    if not any(m.group(1) is None for m in SHORTCODE.finditer(section)):
        line = markdown.count("\n", 0, heading.start()) + 1 + offset
        return [Problem(file, line, "the 'When to get help' section does not show the shared tiers; add <!-- md:urgent-help --> on its own line")]
    return []


def front_matter_lines(text: str) -> int:
    m = re.match(r"---\s*\n.*?\n(---|\.\.\.)\s*\n", text, re.S)
    return text[: m.end()].count("\n") if m else 0


def split_front_matter(text: str) -> tuple[int, str]:
    n = front_matter_lines(text)
    return n, "\n".join(text.split("\n")[n:]) if n else text


# ── Command ──────────────────────────────────────────────────────────────────


def _article_sections(root: Path) -> list[str]:
    try:
        cfg = yaml.load((root / "mkdocs.yml").read_text(encoding="utf-8"), Loader=_Loader)
        return list((cfg.get("extra") or {}).get("article_sections") or [])
    except (OSError, yaml.YAMLError):
        return []


class _Loader(yaml.SafeLoader):
    """Reads mkdocs.yml, ignoring its !!python/name and !ENV tags."""


_Loader.add_multi_constructor("", lambda loader, suffix, node: None)
_Loader.add_multi_constructor("tag:yaml.org,2002:python/", lambda loader, suffix, node: None)


def check_files(paths: list[Path], root: Path) -> list[Problem]:
    tiers = load(root / DATA_FILE)
    sections = _article_sections(root)
    docs = root / "docs"
    problems = []
    for path in paths:
        text = path.read_text(encoding="utf-8")
        offset, body = split_front_matter(text)
        try:
            rel_docs = path.resolve().relative_to(docs.resolve()).as_posix()
        except ValueError:
            rel_docs = path.name
        is_article = rel_docs.split("/")[0] in sections and "/" in rel_docs
        shown = path.relative_to(root) if path.resolve().is_relative_to(root.resolve()) else path
        problems += lint(body, tiers, str(shown), offset=offset, is_article=is_article)
    return problems


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m fasciasite.urgent", description=__doc__.split("\n\n")[0])
    ap.add_argument("files", nargs="*", type=Path, help="Markdown pages (default: every page in docs/)")
    ap.add_argument("--root", type=Path, default=Path("."), help="project root (default: here)")
    args = ap.parse_args(argv)
    root = args.root
    files = args.files or sorted((root / "docs").rglob("*.md"))
    missing = [f for f in files if not f.is_file()]
    if missing:
        print(f"urgent: no such file: {missing[0]}", file=sys.stderr)
        return 2
    try:
        problems = check_files([f.resolve() if not f.is_absolute() else f for f in files], root.resolve())
    except DataError as exc:
        print(exc, file=sys.stderr)
        return 1
    for p in problems:
        print(p)
    print(f"urgent: {len(files)} page(s), {len(problems)} problem(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
