"""Clinical review pack: one printable HTML page for a clinician to review an article in one sitting.

Usage: python -m fasciasite.authoring.review_pack docs/SECTION/PAGE.md [--out FILE | --out -] [--today YYYY-MM-DD]
       make review PAGE=docs/back-pain/sciatica.md

The pack shows, each with tick boxes and room for notes:
  claims      every sentence that cites a source (file line, the sentence, and for each source
              its reference, design, certainty, dates and what it found: references.bib);
  ratings     every row of the "How strong is the evidence?" boxes: the rating, the rule that
              rating needs (the scale in fasciasite/content/ratings.py), what its best source allows,
              and whether the row meets the rule (fasciasite.content.ratings.check_rows);
  safety      the safety blocks the page shows (<!-- md:safety NAME -->, includes/safety.yml);
  urgent help the urgent-help tiers the page shows (<!-- md:urgent-help -->, includes/urgent-help.yml);
  sign-off    the reviewer's name, profession, registration and date, and how to sign off:
              in a pull request, set `reviewer:` to the name on extra.reviewers in mkdocs.yml
              and `last_reviewed:` to the review's date; the page then says "Reviewed by ...
              on ..." and its JSON-LD carries reviewedBy (fasciasite/publishing/structured.py).
It is written to .cache/review/SECTION-PAGE.html unless --out says otherwise; open it in a
browser and print it (A4), or fill the tick boxes on screen.

Why our own code: the pack joins our own data (claims, bibliography fields, ratings rules,
safety and urgent-help data); no MkDocs or Material feature does that.

Exit 0 when the pack is written, 2 on bad usage (no such page, not an article).
"""
from __future__ import annotations

import argparse
import datetime as dt
import functools
import re
import sys
from html import escape
from pathlib import Path

import yaml

from fasciasite.config import load_mkdocs_yml
from fasciasite.content import ratings, safety, tiers
from fasciasite.publishing.structured import _text as plain_bib_text
from fasciasite.references import bib as cb
from fasciasite.references import bibfields

CITATION = re.compile(r"\s*\[(?:[^\[\]]*?@[\w:.-]+[^\[\]]*?)\]")
LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
EMPHASIS = re.compile(r"(\*\*|__|\*|`)")
SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z\"'(\[*])")
BLOCK_START = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+|^\s*>\s?|^\s*#{1,6}\s+|^\s*(?:!!!|\?\?\?\+?)\s")


def scale_rules() -> dict[str, str]:
    """Each rating's rule, as fasciasite/content/ratings.py states it (its docstring's scale), so the
    pack and the build's check never disagree in wording."""
    rules: dict[str, str] = {}
    current = None
    for line in (ratings.__doc__ or "").splitlines():
        m = re.match(r"^  (" + "|".join(map(re.escape, ratings.SCALE)) + r")\s{2,}(\S.*)$", line)
        if m:
            current = m.group(1)
            rules[current] = m.group(2).strip()
        elif current and re.match(r"^\s{10,}\S", line):
            rules[current] += " " + line.strip()
        else:
            current = None
    return rules


def readable(markdown: str) -> str:
    """A sentence as a reader sees it: citations, link targets and emphasis marks removed."""
    text = CITATION.sub("", markdown)
    text = LINK.sub(r"\1", text)
    return " ".join(EMPHASIS.sub("", text).split())


def claims(body: str, offset: int) -> list[tuple[int, str, list[str]]]:
    """(file line, sentence, cited keys) for every sentence with a citation, outside code,
    comments and the evidence tables (their rows are listed with their ratings)."""
    text = ratings.prose(body)
    table_lines = {r.line for r in ratings.evidence_rows(text)}
    found = []
    blocks: list[tuple[int, list[str]]] = []  # (first line, lines) of paragraphs and list items
    for number, raw in enumerate(text.split("\n"), 1):
        stripped = raw.strip()
        if not stripped or stripped.startswith("|") or number in table_lines:
            blocks.append((number, []))
            continue
        if BLOCK_START.match(raw) or not blocks or not blocks[-1][1]:
            blocks.append((number, [stripped]))
        else:
            blocks[-1][1].append(stripped)
    for first, lines in blocks:
        paragraph = " ".join(lines)
        for sentence in SENTENCE_END.split(paragraph):
            keys = list(dict.fromkeys(c.key for c in cb.find_citations(sentence)))
            if keys:
                found.append((first + offset, readable(BLOCK_START.sub("", sentence)), keys))
    return found


def _short_reference(e: cb.Entry) -> str:
    f = e.fields
    who = plain_bib_text(f.get("author", "") or f.get("organization", "") or f.get("institution", ""))
    first = who.split(" and ")[0].split(",")[0].strip()
    more = " et al." if " and " in who else ""
    where = plain_bib_text(f.get("journal", "") or f.get("publisher", "") or f.get("organization", ""))
    link = f"https://doi.org/{f['doi']}" if f.get("doi") else f.get("url", "")
    parts = [f"{first}{more} ({f.get('year', 'n.d.')})", plain_bib_text(f.get("title", "")), where]
    text = escape(". ".join(p for p in parts if p))
    return f'{text}. <a href="{escape(link)}">{escape(link)}</a>' if link else text


def source_html(key: str, entries: dict[str, cb.Entry]) -> str:
    e = entries.get(key)
    if e is None:
        return f'<div class="source"><strong>{escape(key)}</strong>: not in references.bib</div>'
    findings = plain_bib_text(e.fields.get("findings", "")) or "(no findings recorded)"
    return (f'<div class="source"><p class="ref"><strong>[{escape(key)}]</strong> {_short_reference(e)}</p>'
            f'<p class="evidence">{escape(bibfields.describe(e.fields) or "design and certainty not recorded")}</p>'
            f'<p class="findings"><strong>What it found:</strong> {escape(findings)}</p></div>')


def ticks(*labels: str) -> str:
    return "".join(f'<label class="tick"><input type="checkbox"> {escape(label)}</label>' for label in labels)


NOTES = '<div class="notes">Notes:</div>'


def claims_section(found: list[tuple[int, str, list[str]]], entries: dict[str, cb.Entry]) -> str:
    rows = [f'<tr><td>{n}</td><td>line {line}</td><td><p class="claim">{escape(sentence)}</p>'
            f'{"".join(source_html(k, entries) for k in keys)}</td>'
            f'<td>{ticks("Sources support it as worded", "Needs a change")}{NOTES}</td></tr>'
            for n, (line, sentence, keys) in enumerate(found, 1)]
    return ('<section><h2>1. Claims and their sources</h2>'
            f'<p>{len(found)} sentences cite a source. Check each against what the source found.</p>'
            '<table class="claims"><thead><tr><th>#</th><th>Where</th><th>Claim and sources</th><th>Check</th></tr></thead>'
            f'<tbody>{"".join(rows)}</tbody></table></section>')


def ratings_section(body: str, offset: int, file: str, entries: dict[str, cb.Entry]) -> str:
    text = ratings.prose(body)
    rules = scale_rules()
    problems = {p.line: p.message for p in ratings.check_rows(body, entries, file, offset)}
    rows = []
    for row in ratings.evidence_rows(text):
        line = row.line + offset
        known = {k: entries[k] for k in row.keys if k in entries}
        allows = ratings.allowed(row.keys, known) if row.keys else "nothing (no source cited)"
        verdict = f'<span class="fails">Does not meet it: {escape(problems[line])}</span>' if line in problems \
            else '<span class="meets">Meets the rule (checked by the build)</span>'
        rows.append(f'<tr><td>line {line}</td><td>{escape(readable(row.claim))}</td><td><strong>{escape(row.rating)}</strong></td>'
                    f'<td>{escape(rules.get(row.rating, "not on the site scale"))}</td><td>{escape(allows)}</td>'
                    f'<td>{verdict}<div class="sources">{"".join(source_html(k, entries) for k in row.keys)}</div></td>'
                    f'<td>{ticks("Agree with the rating", "Rate it differently")}{NOTES}</td></tr>')
    intro = (f"{len(rows)} rated rows. Each rating needs the rule beside it (docs/about/editorial-policy.md)."
             if rows else "The page has no evidence box.")
    return ('<section><h2>2. Evidence ratings</h2>'
            f'<p>{intro}</p>' + ('<table class="ratings"><thead><tr><th>Where</th><th>Claim</th><th>Rating</th>'
                                  '<th>The rule for that rating</th><th>Its best source allows</th><th>Rule met?</th>'
                                  f'<th>Check</th></tr></thead><tbody>{"".join(rows)}</tbody></table>' if rows else "")
            + '</section>')


def _items(items: list[safety.Item], entries: dict[str, cb.Entry]) -> str:
    return "<ul>" + "".join(f'<li>{escape(readable(i.text))} <span class="cite">[{escape("; ".join(i.cite))}]</span></li>'
                            for i in items) + "</ul>"


def safety_section(body: str, data: safety.Safety, entries: dict[str, cb.Entry]) -> str:
    names = dict.fromkeys(m.group(1) for m in safety.SHORTCODE.finditer(body) if m.group(1) in data.treatments)
    parts = []
    for t in (data.treatments[n] for n in names):
        html = [f'<div class="block"><h3>Safety: {escape(t.title)}</h3>']
        if t.ask_first:
            html.append(f"<p>{escape(t.lead)}:</p>{_items(t.ask_first, entries)}")
        for service, heading in safety.SERVICES.items():
            items = [i for i in t.urgent if i.service == service]
            if items:
                html.append(f"<p>{escape(heading)}:</p>{_items(items, entries)}")
        if t.note:
            html.append(f"<p>{escape(readable(t.note.text))}</p>")
        html.append(ticks("Accurate and complete for this page's readers", "Needs a change") + NOTES + "</div>")
        parts.append("".join(html))
    intro = (f"The page shows {len(parts)} safety block(s), written once in includes/safety.yml and cited to NHS, "
             "NICE, MHRA or GOV.UK pages." if parts else "The page shows no safety block.")
    return f'<section><h2>3. Safety advice shown</h2><p>{intro}</p>{"".join(parts)}</section>'


def urgent_section(body: str, data: tiers.Tiers) -> str:
    chosen: dict[str, tiers.Tier] = {}
    for m in tiers.SHORTCODE.finditer(body):
        for t in [data.by_id(m.group(1))] if m.group(1) else sorted(data.tiers, key=lambda t: -t.level):
            if t is not None:
                chosen.setdefault(t.id, t)
    parts = []
    for t in chosen.values():
        signs = "".join(f"<li>{escape(readable(s.text))}</li>" for s in t.signs)
        reach = escape(readable(t.reach.replace("{nations}", data.nations))) if t.reach else ""
        parts.append(f'<div class="block"><h3>{escape(t.title)}</h3><p>{escape(readable(t.lead))} '
                     f'<span class="cite">[{escape("; ".join(t.cite))}]</span>:</p><ul>{signs}</ul><p>{reach}</p>'
                     f'{ticks("Right signs in the right tier", "Needs a change")}{NOTES}</div>')
    intro = ("The page shows these urgent-help tiers, written once in includes/urgent-help.yml (NHS sources)."
             if parts else "The page shows no urgent-help tiers.")
    return f'<section><h2>4. Urgent help shown</h2><p>{intro}</p>{"".join(parts)}</section>'


def signoff_section(meta: dict, reviewers: list[dict], file: str) -> str:
    listed = "".join(f"<li>{escape(str(r.get('name')))}, {escape(str(r.get('profession')))} ({escape(str(r.get('body')))} "
                     f"{escape(str(r.get('registration')))})</li>" for r in reviewers)
    who = (f"<p>Reviewers on the list (extra.reviewers in mkdocs.yml):</p><ul>{listed}</ul>" if listed else
           "<p>No clinician is on the reviewers list yet: the clinic adds you to extra.reviewers in mkdocs.yml (name, "
           "profession, regulator, registration number, the register's search page) before your sign-off is merged.</p>")
    fields = "".join(f'<div class="field">{label}: <span class="line"></span></div>'
                     for label in ("Name", "Profession", "Regulator and registration number", "Date of review", "Signature"))
    return ('<section class="signoff"><h2>5. Sign-off</h2>'
            f'<p>Currently: {escape(meta.get("reviewer") or "awaiting clinical review")}; last reviewed '
            f'{escape(str(meta.get("last_reviewed", "")))}.</p>{who}{fields}'
            f'{ticks("I have checked every claim, rating, safety block and urgent-help tier above", "The changes I asked for are made")}'
            f'<p>To sign off, a pull request changes the front matter of <code>{escape(file)}</code>: '
            '<code>reviewer: "YOUR NAME"</code> (exactly as on the list) and <code>last_reviewed: YYYY-MM-DD</code> '
            '(the date of this review). The page then says "Reviewed by ... on ..." and its structured data carries it.</p>'
            '</section>')


STYLE = """
@page { size: A4; margin: 14mm; }
body { font: 10.5pt/1.4 system-ui, sans-serif; color: #111; max-width: 190mm; margin: 0 auto; }
h1 { font-size: 16pt; margin: 0 0 4pt; } h2 { font-size: 13pt; margin: 14pt 0 4pt; break-after: avoid; }
h3 { font-size: 11pt; margin: 6pt 0 2pt; }
table { border-collapse: collapse; width: 100%; } th, td { border: 1px solid #888; padding: 3pt; vertical-align: top; text-align: left; }
tr, .block, .source { break-inside: avoid; } .claim { font-weight: 600; margin: 0 0 3pt; }
.source { margin: 3pt 0; padding-left: 6pt; border-left: 3px solid #bbb; } .source p { margin: 1pt 0; }
.evidence { font-style: italic; } .cite { color: #444; font-size: 9pt; }
.tick { display: block; white-space: nowrap; } .tick input { width: 11pt; height: 11pt; }
.notes { min-height: 28pt; border-bottom: 1px dotted #888; margin-top: 3pt; font-size: 9pt; color: #444; }
.fails { color: #8b0000; font-weight: 600; } .meets { color: #1b5e20; }
.block { border: 1px solid #888; padding: 4pt 8pt; margin: 6pt 0; }
.field { margin: 10pt 0; } .line { display: inline-block; min-width: 110mm; border-bottom: 1px solid #111; }
.meta { color: #333; } a { color: #0645ad; word-break: break-all; }
"""


def _entries(path: Path) -> dict[str, cb.Entry]:
    stat = path.stat()
    return _entries_of(str(path), stat.st_mtime_ns, stat.st_size)


@functools.lru_cache(maxsize=4)
def _entries_of(path: str, mtime_ns: int, size: int) -> dict[str, cb.Entry]:
    """references.bib, read once while it is unchanged (a pack for every article reads it once)."""
    return cb.parse_bib(path)[0]


def build_pack(page: Path, root: Path, today: dt.date) -> str:
    """The pack's HTML for the article at page (a path under root/docs)."""
    root = Path(root)
    text = page.read_text(encoding="utf-8-sig")
    m = re.match(r"---\s*\n(.*?)\n(?:---|\.\.\.)\s*\n", text, re.S)
    meta = yaml.safe_load(m.group(1)) if m else {}
    body = text[m.end():] if m else text
    offset = text[: m.end()].count("\n") if m else 0
    file = page.resolve().relative_to(root.resolve()).as_posix()
    entries = _entries(root / "references.bib")
    config = load_mkdocs_yml(root)
    reviewers = (config.get("extra") or {}).get("reviewers") or []
    found = claims(body, offset)
    title = str(meta.get("title") or page.stem)
    head = (f'<header><h1>Clinical review pack: {escape(title)}</h1><p class="meta">{escape(file)} · published '
            f'{escape(str(meta.get("published", "")))} · last reviewed {escape(str(meta.get("last_reviewed", "")))} · next '
            f'review due {escape(str(meta.get("next_review", "")))} · pack made {today.isoformat()}</p>'
            '<p>Tick each box as you go and write any change you ask for in the notes. The claims come from the '
            'Markdown, the sources from references.bib, the ratings rules from the editorial policy.</p></header>')
    sections = [claims_section(found, entries), ratings_section(body, offset, file, entries),
                safety_section(body, safety.load_for(root)[0], entries), urgent_section(body, tiers.load_for(root)),
                signoff_section(meta, reviewers, file)]
    return (f'<!doctype html>\n<html lang="en-GB"><head><meta charset="utf-8"><title>Review pack: {escape(title)}</title>'
            f'<style>{STYLE}</style></head><body>{head}{"".join(sections)}</body></html>\n')


def default_out(root: Path, file: str) -> Path:
    return root / ".cache" / "review" / (file.removeprefix("docs/").removesuffix(".md").replace("/", "-") + ".html")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m fasciasite.authoring.review_pack", description=__doc__.split("\n\n")[0],
                                 epilog="Exit 0 when the pack is written, 2 on bad usage.")
    ap.add_argument("page", help="the article, e.g. docs/back-pain/sciatica.md")
    ap.add_argument("--out", help="where to write the pack (- for standard output; default .cache/review/PAGE.html)")
    ap.add_argument("--today", type=dt.date.fromisoformat, default=dt.date.today(), help="the pack's date (YYYY-MM-DD)")
    ap.add_argument("--root", type=Path, default=Path("."), help="the project root (default: the current folder)")
    args = ap.parse_args(argv)
    root = args.root.resolve()
    page = (root / args.page) if not Path(args.page).is_absolute() else Path(args.page)
    config = load_mkdocs_yml(root) if (root / "mkdocs.yml").is_file() else {}
    sections = ((config or {}).get("extra") or {}).get("article_sections") or []
    rel = page.resolve().relative_to(root) if page.resolve().is_relative_to(root) else None
    if not page.is_file() or rel is None or len(rel.parts) != 3 or rel.parts[0] != "docs" or rel.parts[1] not in sections:
        print(f"review_pack: {args.page} is not an article; give docs/SECTION/PAGE.md with SECTION one of "
              f"{', '.join(sections) or 'extra.article_sections in mkdocs.yml'}", file=sys.stderr)
        return 2
    html = build_pack(page, root, args.today)
    if args.out == "-":
        sys.stdout.write(html)
        return 0
    out = Path(args.out) if args.out else default_out(root, rel.as_posix())
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(html, encoding="utf-8")
    print(f"review_pack: wrote {out}; open it in a browser and print it (A4)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
