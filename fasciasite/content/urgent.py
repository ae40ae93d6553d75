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

Command: python -m fasciasite.content.urgent [FILE ...]   (exit 0 clean, 1 problems, 2 bad usage)
"""
from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

import yaml

from fasciasite.config import load_mkdocs_yml
from fasciasite.content.tiers import (  # noqa: F401  (part of this module's API)
    DATA_FILE,
    LEVELS,
    SERVICE_NAMES,
    SERVICES,
    SHORTCODE,
    DataError,
    Sign,
    Tier,
    Tiers,
    expand,
    load,
    load_for,
    render,
    render_tier,
    service_level,
    shortcode_keys,
    shortcodes,
)
from fasciasite.problems import Problem, report  # the one problem type: file, line, message, fix

# What a sentence tells the reader to do: SERVICES and service_level live with the tiers
# (fasciasite.content.tiers), which read the data file's own words the same way.

FENCE = re.compile(r"^([ \t]*)(`{3,}|~{3,})[^\n]*\n.*?^\1\2[ \t]*$", re.S | re.M)
COMMENT = re.compile(r"<!--.*?-->", re.S)
INLINE_CODE = re.compile(r"`[^`\n]+`")
LIST_ITEM = re.compile(r"^[ \t]*(?:[-*+]|\d+[.)])[ \t]+")
SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z*\"'(\[])")
HELP_HEADING = re.compile(r"^##[ \t]+When to get help[ \t]*$", re.M)


# ── The lint ─────────────────────────────────────────────────────────────────


def blank(m: re.Match) -> str:
    return re.sub(r"[^\n]", " ", m.group(0))


def _level(text: str) -> int:
    return service_level(text)


def _units(markdown: str) -> list[tuple[int, str, int, int]]:
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
    out: list[tuple[int, str, int, int]] = []

    def flush_paragraph() -> None:
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


# Advice that puts a sign off: no service named, but "wait", "rest it", "mention it to your
# physio at your next session". A 999 or 111 sign with such advice and no service as urgent as
# its tier is re-tiered as surely as one sent to the GP.
DEFER = re.compile(r"(?<!not )(?<!n't )(?<!never )\bwait\b(?! for (the|an?) (ambulance|call ?back|paramedics?))|"
                   r"\bsee (if|whether) it (settles|passes|goes|eases|improves)|\brest (it|up)\b|\bkeep an eye on\b|"
                   r"\bmonitor\b|\bnext (appointment|session|visit|treatment)|\b(see|tell|mention (it|this|them) to|ask|book|visit|show)\b"
                   r"[^.]{0,30}\b(physio(therapist)?|osteopath|chiropractor|massage therapist|sports therapist|personal trainer|"
                   r"coach|pharmacist)\b|\bnothing to worry\b|\bnormal after\b", re.I)


def _signs_in(text: str, tiers: Tiers, words: tuple | None = None) -> list[tuple[Tier, Sign]]:
    return tiers.signs_in(text, words)  # with an exact shortcut: only signs whose literal words are there are searched


def _paragraphs(units: list[tuple[int, str, int, int]]) -> dict[int, str]:
    """{first line: the paragraph's sentences joined} for paragraphs of two sentences or more."""
    paragraphs: dict[int, list[str]] = {}
    for line, text, _context, list_id in units:
        if not list_id:
            paragraphs.setdefault(line, []).append(text)
    return {line: " ".join(sentences) for line, sentences in paragraphs.items() if len(sentences) >= 2}


def lint(markdown: str, tiers: Tiers, file: str, *, offset: int = 0, is_article: bool = False) -> list[Problem]:
    """Problems on one page. offset: lines of front matter above the Markdown given."""
    problems: list[Problem] = []
    fix = (f"show the shared tiers instead (<!-- md:urgent-help -->, or one tier with tier=emergency|urgent|gp; "
           f"they are written once, in {tiers.path}) or link to the red-flags page")
    lists: dict[int, list[tuple[int, Tier, Sign]]] = {}
    list_level: dict[int, int] = {}
    units = _units(markdown)
    paragraphs = _paragraphs(units)
    # The signs' words the page has, from every text asked about below (each one is in it): each
    # sentence is then tested against those few words only (an exact shortcut, tests/test_urgent_help.py).
    words = tiers.words_in("\n".join([*(u[1] for u in units), *paragraphs.values()]))
    for line, text, context, list_id in units:
        own = _level(text)
        level = max(own, context)
        found = _signs_in(text, tiers, words)
        for tier, sign in found:
            if level and level < tier.level:
                problems.append(Problem(file, line + offset, (
                    f"sends '{sign.text}' to {SERVICE_NAMES[level]}, but it is a '{tier.title}' sign; "
                    f"when sources disagree on urgency the more urgent one wins. Remove this advice: {fix}")))
                break
            if not level and tier.level >= LEVELS["urgent"] and (put_off := DEFER.search(text)):
                problems.append(Problem(file, line + offset, (
                    f"sends '{sign.text}' to no service ('{put_off.group(0)}'), but it is a '{tier.title}' sign; "
                    f"never tell readers to wait with it or take it elsewhere. Remove this advice: {fix}")))
                break
        problems += _box_colour(text, found, tiers, file, line + offset)
        distinct = {s.text for _, s in found if _.id != "gp"}
        if own and len(distinct) >= 2:
            problems.append(Problem(file, line + offset, f"re-words the urgent-help tiers (names {len(distinct)} signs with a service): {fix}"))
        if list_id and context:
            lists.setdefault(list_id, []).extend((line, t, s) for t, s in found if t.id != "gp")
            list_level[list_id] = context
    problems += _paragraph_level(paragraphs, tiers, file, offset, fix, {p.line for p in problems}, words)
    for items in lists.values():
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


BOX_WORDS = re.compile(r"\b(red|orange|amber|yellow|blue|green)\s+(?:warning\s+)?box(?:es)?\b", re.I)


def _box_colour(text: str, found: list[tuple[Tier, Sign]], tiers: Tiers, file: str, line: int) -> list[Problem]:
    """A sentence that points to "the red box" for a sign must match the tier the data file
    gives that sign (the tiers' colours are their admonition types)."""
    from fasciasite.content.tiers import COLOUR_WORDS

    said = {COLOUR_WORDS[m.group(1).lower()] for m in BOX_WORDS.finditer(text)}
    if not said:
        return []
    problems = []
    for tier, sign in found:
        if tier.colour and tier.colour not in said:
            problems.append(Problem(file, line, (
                f"points to the {' or '.join(sorted(said))} box for '{sign.text}', but {tiers.path} lists it in "
                f"'{tier.title}' (the {tier.colour} box); the data file is what readers see: fix this sentence, or if the "
                f"sign's tier really changed, check includes/urgent-pins.yml and its NHS source")))
            break
    return problems


def _paragraph_level(paragraphs: dict[int, str], tiers: Tiers, file: str, offset: int, fix: str, seen: set[int],
                     words: tuple | None = None) -> list[Problem]:
    """A paragraph that names a sign in one sentence and a less urgent service in another
    ("your foot starts to drag ... Ask your GP practice for an urgent appointment").
    paragraphs: _paragraphs() of the page's units."""
    problems = []
    for line, whole in paragraphs.items():
        if line + offset in seen:
            continue
        level = _level(whole)
        for tier, sign in _signs_in(whole, tiers, words):
            if level and level < tier.level:
                problems.append(Problem(file, line + offset, (
                    f"this paragraph names '{sign.text}' and sends readers to {SERVICE_NAMES[level]}, but it is a "
                    f"'{tier.title}' sign; when sources disagree on urgency the more urgent one wins. {fix}")))
                break
    return problems


def _article_block(markdown: str, file: str, offset: int) -> list[Problem]:
    heading = HELP_HEADING.search(markdown)
    if not heading:
        return [Problem(file, 1 + offset, "has no '## When to get help' section; add one with <!-- md:urgent-help --> on its own line")]
    nxt = re.compile(r"^#{1,2}[ \t]", re.M).search(markdown, heading.end())
    section = markdown[heading.end(): nxt.start() if nxt else len(markdown)]
    if not any(m.group(1) is None for m in shortcodes(SHORTCODE, section)):  # one inside a code block shows no box
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
        cfg = load_mkdocs_yml(root)
        return list((cfg.get("extra") or {}).get("article_sections") or [])
    except (OSError, yaml.YAMLError):
        return []


def check_files(paths: list[Path], root: Path) -> list[Problem]:
    tiers = load_for(root)
    sections = _article_sections(root)
    docs = root / "docs"
    problems = []
    for path in paths:
        text = path.read_text(encoding="utf-8-sig")
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
    ap = argparse.ArgumentParser(prog="python -m fasciasite.content.urgent", description=__doc__.split("\n\n")[0])
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
    return report(problems, f"urgent: {len(files)} page(s), {len(problems)} problem(s)")


if __name__ == "__main__":
    sys.exit(main())
