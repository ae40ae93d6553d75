"""Numbers that cannot drift from their sources.

Every entry a page takes a figure from carries a `findings` field in references.bib: the
source's key figures in our own words, as read on its published page. This check reads
each sentence (and list item, and table row) that carries a citation and fails when it
states a number that appears in none of its cited entries' findings, naming the file,
the line, the number and the keys. A sentence with no citation of its own answers to the
sources its paragraph cites ("In the first study, 107 adults took part. ... [@key]"); in
such a sentence only digits count, not counting words ("two ways", "three jobs").

A table answers to its lead-in, as a reader takes it: a row with no citation of its own
answers to the sources cited in the paragraph right before the table or in its `/// caption`;
an image's alt text answers to the same, for its percentages and proportions. The front
matter's `description` (link previews, search, the feed) answers to every source the page
cites, for its percentages and proportions.

A figure with no source: a percentage or a proportion ("40%", "1 in 5", "more than half") in
a paragraph, list item, table row, alt text or description with no citation of its own and
none in its paragraph or lead-in is compared with no findings, so it fails with "the figure X
has no source; cite the source it comes from ([@key]) or reword". Plain counts and times in
uncited text ("Step 2", "6 hours before bed", "WCAG 2.2") are mostly not claims and are left
to review; "the 95% confidence interval" names a method, not a finding.

What counts as a number: digits (56.4%, -0.37, 2,000, 6-24 is two numbers) and the
words two to twenty, the tens, hundred and thousand ("six weeks" must find 6 or "six").
"one" is left out: it is mostly a pronoun ("one study", "no one"). In a sentence with its
own citation, word figures are read too: "a third", "two thirds", "half", "a quarter",
"one in five", "8 out of 10" (as proportions), "twice", "double" (as 2).

Figures are matched with their unit: a percentage ("7%", "7 per cent") only to a
percentage in the findings, so "7%" does not pass because "7 studies" is there; a time
("6 weeks", "6 to 24 months") to the same number with the same unit or with none; a
proportion to the same proportion in any form, or a percentage within rounding of it
("a third" to 30-37%, "half" to 45-55%). Headings and admonition titles are read like
sentences: with their own citation, or answering to the citations of the text under them.

Not claims, so never checked (the allow-list; keep it short and say why):
  * four-digit years 1800-2099 (dates of studies and guidance);
  * the UK phone numbers 999, 111 and 116 123 (services, not findings);
  * scale ranges "0 to 10", "0-10", "0 to 100" (how a score is measured);
  * list numbering (removed with the list marker) and anything inside code, links'
    addresses, HTML comments and the citation brackets themselves.

Why our own code: no MkDocs, Material or mkdocs-bibtex feature ties a sentence's figures
to its source; this is the site's own editorial rule.

Command: python -m fasciasite.content.numbers [FILE ...] [--bib references.bib]
         [--extra-bib FILE] [--extra-findings FILE.yml]   (exit 0 / 1 problems / 2 usage)
"""
from __future__ import annotations

import argparse
import functools
import re
import sys
from collections.abc import Callable
from pathlib import Path

import yaml

from fasciasite.content.figures import (  # noqa: F401  (part of this module's API)
    LABEL,
    WORDS,
    _normal,
    figures_in,
    numbers_in,
    supported,
)
from fasciasite.content.urgent import COMMENT, FENCE, INLINE_CODE, LIST_ITEM, SENTENCE_END, Problem, blank, split_front_matter
from fasciasite.problems import report
from fasciasite.references import bib

LINK_TARGET = re.compile(r"\]\([^)\s]*(?:\s+\"[^\"]*\")?\)")
HTML_TAG = re.compile(r"<[^>\n]+>")
CITATION = re.compile(r"\[(\s*@[\w-]+(?:\s*;\s*@[\w-]+)*\s*)\]")
CITE_KEY = re.compile(r"@([\w-]+)")


ENUMERATOR = re.compile(r"^\W*\d+[.)]\W*(?=\s|$)")  # "**1.**" opening a numbered paragraph
IMAGE_ONLY = re.compile(r"^\s*!\[[^\]]*\]\s*(?:\{[^}]*\}\s*)*$")  # alt text ("](src)" is blanked)
CAPTION_OPEN = re.compile(r"^///\s*(?:table-|figure-)?caption\b")  # pymdownx.blocks.caption
STATISTIC = re.compile(r"\b\d+(?:\.\d+)?\s*(?:%|per ?cent)\s*(?:CI\b|confidence interval|credible interval)", re.I)

def units(markdown: str) -> list[tuple[int, str]]:
    """(line, text) for every sentence, list item and table row, with line numbers."""
    return [unit for group in paragraphs(markdown) for unit in group]


def paragraphs(markdown: str) -> list[list[tuple[int, str]]]:
    """The sentences of each paragraph (a list item, a table row, a heading or an admonition
    title is a paragraph of its own)."""
    return [group for _is_title, group in _blocks(markdown)]


TITLE = re.compile(r"^\s*(?:#{1,6}\s+(?P<h>.*?)\s*#*\s*$|(?:!!!|\?\?\?\+?|///)\s*[\w-]+(?:\s+[\w-]+)*\s*(?:\"(?P<a>[^\"]*)\")?.*$)")


def _blocks(markdown: str) -> list[tuple[bool, list[tuple[int, str]]]]:
    """(is_title, sentences) for each paragraph, list item, table row, heading and admonition title."""
    return [(kind == "title", group) for kind, group in _kinded_blocks(markdown)]


def _kinded_blocks(markdown: str) -> list[tuple[str, list[tuple[int, str]]]]:
    """(kind, sentences) for each block; kind is 'title' (a heading or admonition title),
    'table' (a table row; rows of one table follow each other), 'image' (a paragraph that is
    only an image: its alt text), 'caption' (the text of a `/// caption` block), 'item' (a list
    item) or 'text' (a paragraph)."""
    text = FENCE.sub(blank, markdown)
    text = COMMENT.sub(blank, text)
    text = INLINE_CODE.sub(blank, text)
    text = LINK_TARGET.sub(lambda m: "]" + " " * (len(m.group(0)) - 1), text)
    text = HTML_TAG.sub(blank, text)
    block: list[tuple[int, str]] = []
    out: list[tuple[str, list[tuple[int, str]]]] = []
    state = {"item": False, "caption": False}

    def flush() -> None:
        if block:
            whole = " ".join(t.strip() for _, t in block)
            kind = ("caption" if state["caption"] else "item" if state["item"]
                    else "image" if IMAGE_ONLY.match(whole) else "text")
            start = block[0][0]
            para = " ".join(t.strip() for _, t in block)
            # A wrapped paragraph: give each sentence the line where it starts.
            pos_lines = []
            for ln, t in block:
                pos_lines.append((ln, len(" ".join(x.strip() for _, x in block[: block.index((ln, t))]))))
            offset, group = 0, []
            for sentence in SENTENCE_END.split(para):
                at = para.find(sentence, offset)
                offset = at + len(sentence)
                line = max((ln for ln, p in pos_lines if p <= at), default=start)
                group.append((line, sentence))
            out.append((kind, group))
            block.clear()
        state["item"] = False

    for i, raw in enumerate(text.split("\n"), 1):
        stripped = raw.strip()
        if not stripped:
            flush()
        elif stripped.startswith("|"):
            flush()
            out.append(("table", [(i, stripped)]))
        elif LIST_ITEM.match(raw):
            flush()
            state["item"] = True
            block.append((i, LIST_ITEM.sub("", raw)))
        elif stripped.startswith(("#", "!!!", "???", "///")):
            flush()
            state["caption"] = bool(CAPTION_OPEN.match(stripped))
            m = TITLE.match(stripped)
            title = (m.group("h") or m.group("a") or "") if m else ""
            if title.strip():
                out.append(("title", [(i, title)]))
        else:
            block.append((i, re.sub(r"^>\s*", "", raw)))
    flush()
    return out


def load_findings(bib_paths: list[Path], extra_findings: list[Path]) -> dict[str, str | None]:
    """key -> findings text (None when the entry has no findings field)."""
    findings: dict[str, str | None] = {}
    for path in bib_paths:
        entries, _problems = bib.parse_bib(path)
        for key, entry in entries.items():
            text = entry.fields.get("findings")
            if key not in findings or text:
                findings[key] = text if text and text.strip() else None
    for path in extra_findings:
        data = yaml.safe_load(path.read_text(encoding="utf-8-sig")) or {}
        for key, text in data.items():
            findings[key] = ((findings.get(key) or "") + " " + str(text)).strip()
    return findings


def check_page(markdown: str, findings: dict[str, str | None], file: str, offset: int | Callable[[int], int] = 0,
               description: str | None = None, description_line: int = 1) -> list[Problem]:
    """Every figure on a page against its sources' findings. `description` is the front
    matter's description (shown in link previews, search and the feed): its figures answer
    to every source the page cites. offset: lines of front matter above `markdown`, or a line
    map (fasciasite.shortcodes.LineMap) from a line of `markdown` to the author's line when
    shortcodes were expanded in it."""
    line_of = offset if callable(offset) else (lambda n: n + offset)
    problems = []

    def figures(key: str) -> frozenset[tuple[str, str]]:
        return findings_figures(findings.get(key) or "")

    blocks = _kinded_blocks(markdown)
    for i, (kind, group) in enumerate(blocks):
        is_title = kind == "title"
        # A sentence with a figure but no citation of its own ("In the first study, 107
        # adults took part. ... [@key]") answers to the sources its paragraph cites; a
        # heading or an admonition title answers to the text under it (up to the next title);
        # a table (each row) or an image's alt text answers to its lead-in, as a reader takes it.
        para_keys, lead_in = _keys(group), None
        if is_title and not para_keys:
            under = []
            for t, g in blocks[i + 1:]:
                if t == "title":
                    break
                under += _keys(g)
            para_keys = list(dict.fromkeys(under))
        elif kind in ("table", "image") and not para_keys:
            para_keys = _lead_in_keys(blocks, i)
            lead_in = f"cited in the {'table' if kind == 'table' else 'image'}'s lead-in or caption"
        for line, text in group:
            cites = CITATION.findall(text)
            keys = list(dict.fromkeys(k for c in cites for k in CITE_KEY.findall(c))) or para_keys
            if not keys:
                if not is_title:
                    problems += _unsourced(line_of(line), text, file)
                continue
            if is_title:
                text = LABEL.sub(" ", text)
            # An image's alt text describes a diagram: like uncited prose, its percentages and
            # proportions are the claims (its scale labels and counts of panels are not).
            claimed = _claim_kind if kind == "image" and not cites else None
            problems += _check_sentence(line_of(line), text, keys, bool(cites), findings, figures, file, claimed,
                                        lead_in if kind in ("table", "image") and not cites else None)
    if description:
        page_keys = list(dict.fromkeys(k for _kind, g in blocks for k in _keys(g)))
        if page_keys:
            problems += _check_sentence(description_line, description, page_keys, True, findings, figures,
                                        file, claimed=_claim_kind, cited_in="the description: sources cited on this page")
        else:
            problems += _unsourced(description_line, description, file)
    return problems


# The figures that must carry a source wherever they stand: percentages and proportions
# ("40%", "1 in 5", "more than half"). Plain counts and times in uncited text ("Step 2",
# "6 hours before bed", "WCAG 2.2") are mostly not claims; in cited text all are checked.
def _claim_kind(kind: str) -> bool:
    return kind == "%" or kind.startswith("share")


def _unsourced(line: int, text: str, file: str) -> list[Problem]:
    """A percentage or proportion in text with no citation of its own and none in its
    paragraph or lead-in: it is compared with no findings, so it must cite or go."""
    claim = STATISTIC.sub(" ", ENUMERATOR.sub(" ", text))  # "the 95% confidence interval" is a method
    stated = list(dict.fromkeys((_normal(v), k) for v, k in figures_in(claim) if _claim_kind(k)))
    return [Problem(file, line, f"the figure {_shown_figure(v, k)} has no source; cite the source it comes from "
                                "([@key]) or reword") for v, k in stated]


def _lead_in_keys(blocks: list[tuple[str, list[tuple[int, str]]]], i: int) -> list[str]:
    """The sources of a table's or image's lead-in: the paragraph right before it, or its
    `/// caption` right after it."""
    kind = blocks[i][0]
    start = i
    while kind == "table" and start > 0 and blocks[start - 1][0] == "table":
        start -= 1
    end = i
    while kind == "table" and end + 1 < len(blocks) and blocks[end + 1][0] == "table":
        end += 1
    keys: list[str] = []
    if start > 0 and blocks[start - 1][0] == "text":
        keys += _keys(blocks[start - 1][1])
    if end + 1 < len(blocks) and blocks[end + 1][0] == "caption":
        keys += _keys(blocks[end + 1][1])
    return list(dict.fromkeys(keys))


def _keys(group: list[tuple[int, str]]) -> list[str]:
    return list(dict.fromkeys(k for _, t in group for c in CITATION.findall(t) for k in CITE_KEY.findall(c)))


def _check_sentence(line: int, text: str, keys: list[str], own: bool, findings: dict[str, str | None],
                    figures: Callable[[str], frozenset[tuple[str, str]]], file: str,
                    claimed: Callable[[str], bool] | None = None, cited_in: str | None = None) -> list[Problem]:
    problems = []
    claim = CITATION.sub(" ", text)
    if not own:
        claim = ENUMERATOR.sub(" ", claim)
    stated = list(dict.fromkeys((_normal(v), k) for v, k in figures_in(claim, words=own or claimed is not None)
                                if claimed is None or claimed(k)))
    known = [k for k in keys if k in findings]
    without = [k for k in known if findings[k] is None]
    have = set().union(*(figures(k) for k in known)) if known else set()
    cited = "; ".join(f"@{k}" for k in keys)
    where = f"[{cited}] ({cited_in})" if cited_in else f"[{cited}]" if own else f"[{cited}] (cited in this paragraph)"
    for value, kind in stated:
        if supported(value, kind, have):
            continue
        number = _shown_figure(value, kind)
        if not without and any(v == value for v, _k in have):
            hint = (f"the findings give {value} only as {_kinds_of(value, have)}, not as {_kind_word(kind)}: check the unit "
                    "against the source's page, or add the figure with its unit to that entry's findings in references.bib")
            problems.append(Problem(file, line, f"states {number}, which is in none of the findings of {where}: {hint}"))
            continue
        if without and len(without) == len(known):
            hint = (f"entr{'y' if len(without) == 1 else 'ies'} {', '.join(without)} "
                    "ha{} no findings field: add findings = {{...}} to references.bib with the source's figures "
                    "as read on its published page".format("s" if len(without) == 1 else "ve"))
        else:
            hint = ("check the number against the source's page; if it is right, add it to that entry's "
                    "findings in references.bib (a figure we worked out is written there as our calculation)")
        problems.append(Problem(file, line, f"states {number}, which is in none of the findings of {where}: {hint}"))
    return problems


def _shown_figure(value: str, kind: str) -> str:
    if kind == "%":
        return f"{value}%"
    if kind.startswith("share"):
        return f"a proportion of about {value}% (in words)"
    if kind.startswith("time:"):
        return f"{value} {kind[5:]}s"
    return value


def _kind_word(kind: str) -> str:
    if kind.startswith("time:"):
        return kind[5:] + "s"
    return {"%": "a percentage", "": "a plain number"}.get(kind, "a proportion" if kind.startswith("share") else kind)


def _kinds_of(value: str, have: set[tuple[str, str]]) -> str:
    return " or ".join(sorted({_kind_word(k) for v, k in have if v == value}))


DESCRIPTION_KEY = re.compile(r"^description\s*:", re.M)


@functools.lru_cache(maxsize=8192)
def findings_figures(findings: str) -> frozenset[tuple[str, str]]:
    """The figures an entry's findings state, (normalised value, kind): read once per findings
    text, not once per page that cites it (a pure function of the text)."""
    return frozenset((_normal(v), k) for v, k in figures_in(findings, claims_only=False))


@functools.lru_cache(maxsize=4096)  # a pure function of the page's text: a serve rebuild reads unchanged pages' again
def description_of(text: str) -> tuple[str | None, int]:
    """The front matter's description of a page's source text, and the line it starts on."""
    lines = text.split("\n")
    offset, _body = split_front_matter(text)
    end = next((i for i in range(1, offset) if lines[i].strip() in ("---", "...")), 0)
    if not end:
        return None, 1
    head = "\n".join(lines[:end])
    m = DESCRIPTION_KEY.search(head)
    if not m:
        return None, 1
    head_yaml = "\n".join(lines[1:end])
    try:
        # BaseLoader: every value a string, so a bad date elsewhere in it cannot raise here
        # (libyaml's when PyYAML has it: several times faster, the same strings).
        meta = yaml.load(head_yaml, Loader=yaml.CBaseLoader if yaml.__with_libyaml__ else yaml.BaseLoader) or {}
    except yaml.YAMLError:
        try:
            meta = yaml.load(head_yaml, Loader=yaml.BaseLoader) or {}  # PyYAML's own reading decides
        except yaml.YAMLError:
            return None, 1  # the front matter check reports it
    value = meta.get("description") if isinstance(meta, dict) else None
    return (str(value) if value else None), head.count("\n", 0, m.start()) + 1


def check_files(files: list[Path], findings: dict[str, str | None], root: Path) -> list[Problem]:
    problems = []
    for path in files:
        source = path.read_text(encoding="utf-8-sig")
        offset, body = split_front_matter(source)
        description, line = description_of(source)
        try:
            shown = str(path.resolve().relative_to(root.resolve()))
        except ValueError:
            shown = str(path)
        problems += check_page(body, findings, shown, offset, description, line)
    return problems


def count_checked(files: list[Path]) -> int:
    """How many numbers in cited paragraphs the check covers (for reports)."""
    total = 0
    for path in files:
        _, body = split_front_matter(path.read_text(encoding="utf-8-sig"))
        for group in paragraphs(body):
            if any(CITATION.search(t) for _, t in group):
                total += sum(len(set(numbers_in(CITATION.sub(" ", t), words=bool(CITATION.search(t))))) for _, t in group)
    return total


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m fasciasite.content.numbers", description=__doc__.split("\n\n")[0],
                                 epilog="Exit 0 when every number is in its sources' findings, 1 when not, 2 on bad usage.")
    ap.add_argument("files", nargs="*", type=Path, help="Markdown pages (default: every page in docs/)")
    ap.add_argument("--bib", type=Path, default=Path("references.bib"), help="the BibTeX file (default references.bib)")
    ap.add_argument("--extra-bib", type=Path, action="append", default=[], help="more BibTeX entries (drafts)")
    ap.add_argument("--extra-findings", type=Path, action="append", default=[], help="YAML key: findings (drafts)")
    ap.add_argument("--count", action="store_true", help="also print how many numbers were checked")
    args = ap.parse_args(argv)
    files = args.files or sorted(Path("docs").rglob("*.md"))
    for path in [args.bib, *args.extra_bib, *args.extra_findings, *files]:
        if not path.is_file():
            print(f"numbers: no such file: {path}; run from the project root or fix the path", file=sys.stderr)
            return 2
    findings = load_findings([args.bib, *args.extra_bib], args.extra_findings)
    problems = check_files(files, findings, Path.cwd())
    with_findings = sum(1 for v in findings.values() if v)
    extra = f", {count_checked(files)} number(s) in cited sentences" if args.count else ""
    return report(problems, f"numbers: {len(files)} page(s), {with_findings} entries with findings{extra}, {len(problems)} problem(s)")


if __name__ == "__main__":
    sys.exit(main())
