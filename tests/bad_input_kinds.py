"""How each kind of planted author mistake is run, in-process and fast (no site build):
each function takes what the row plants and returns everything the author would read
(one problem a line). The rows are in tests/test_bad_input_cases_dec.py; the runner is
tests/test_bad_input_dec.py. The same functions the build and `make check` call are
called here, so a row that passes here fails there with the same words.
"""
from __future__ import annotations

import datetime as dt
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from conftest import ROOT
from mkdocs.utils.meta import get_data

from fasciasite.config import load_mkdocs_yml
from fasciasite.content import evidence, fmsyntax, frontmatter, glossary, numbers, ratings, safety, urgent
from fasciasite.content import tiers as tiers_mod
from fasciasite.publishing import feed, outputcheck
from fasciasite.publishing import published as pub
from fasciasite.references import bib, bibcheck, citesyntax

TODAY = dt.date(2026, 12, 7)  # injected: the rules never read the clock in tests
CONFIG = load_mkdocs_yml(ROOT)  # as every command reads it
EXTRA = CONFIG["extra"]
FINDINGS = numbers.load_findings([ROOT / "references.bib"], [])
KEYS = frozenset(FINDINGS)
TIERS = urgent.load_for(ROOT)
DESC = "A page of the bad-input fixture site, with a description long enough to pass."
ARTICLE = ("---\ntitle: {title}\ndescription: " + DESC + "\nauthor: editorial-team\nreviewer: \"\"\n"
           "published: 2026-11-24\nlast_reviewed: 2026-11-24\nnext_review: 2027-11-24\ntags: [fascia, anatomy]\n---\n")


def article(title: str = "Planted", **fields: str | None) -> str:
    """Front matter of an article (lines 2 title .. 9 tags) with fields replaced or (None) removed."""
    lines = ARTICLE.format(title=title).split("\n")
    for name, value in fields.items():
        at = next((i for i, line in enumerate(lines) if line.startswith(f"{name}:")), None)
        if at is None:
            lines.insert(len(lines) - 2, f"{name}: {value}")
        elif value is None:
            del lines[at]
        else:
            lines[at] = f"{name}: {value}"
    return "\n".join(lines)


def _lines(problems) -> str:
    return "\n".join(str(p) for p in problems)


# ── Kinds ────────────────────────────────────────────────────────────────────


def front_matter(text: str, path: str = "docs/fascia/x.md") -> str:
    """What the build's front-matter hook reports for one page (today injected)."""
    sections = list(EXTRA["article_sections"])
    is_article = path.split("docs/", 1)[1].split("/")[0] in sections and "/" in path.split("docs/", 1)[1]
    try:
        _body, meta = get_data(text)
    except Exception:  # any YAML error: the hook reports it through fmsyntax
        meta = {}
    return _lines(frontmatter.validate_front_matter(
        meta, is_article=is_article, authors=list(EXTRA["authors"]), tags=list(EXTRA["tags_allowed"]), text=text,
        path=path, reviewers=fmsyntax.reviewer_names(EXTRA), sections=sections, today=TODAY,
        review_months=int(EXTRA.get("review_interval_months", 12))))


def figures(markdown: str) -> str:
    """The numbers check on a page's Markdown, against the real findings."""
    return _lines(numbers.check_page(markdown, FINDINGS, "docs/x.md"))


def citations(markdown: str) -> str:
    """Citation syntax and placement, as the build and `python -m fasciasite.references.bib` report it."""
    return "\n".join(f"docs/x.md:{citesyntax.line_of(markdown, f.start)}: {f.message}"
                     for f in citesyntax.scan(markdown, KEYS) if f.kind == "error")


def urgent_lint(markdown: str) -> str:
    return _lines(urgent.lint(markdown, TIERS, "docs/x.md"))


def safety_page(markdown: str) -> str:
    """The safety-pages rule on one page's text, against the project's includes/safety.yml."""
    data, _ = safety.load_for(ROOT)
    return _lines(safety.check_page(markdown, data, "docs/x.md"))


def _project(files: dict[str, str | bytes]) -> Path:
    root = Path(tempfile.mkdtemp(prefix="badinput-"))
    (root / "includes").mkdir()
    for name in ("urgent-help.yml", "urgent-pins.yml"):
        shutil.copy(ROOT / "includes" / name, root / "includes" / name)
    for name, data in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))
    return root


def urgent_data(edit) -> str:
    """Load the urgent-help data after `edit(text) -> text` (every command's first step)."""
    text = (ROOT / "includes" / "urgent-help.yml").read_text(encoding="utf-8")
    root = _project({"includes/urgent-help.yml": edit(text)})
    try:
        tiers_mod.load_for(root)
        return ""
    except tiers_mod.DataError as exc:
        return str(exc)
    finally:
        shutil.rmtree(root, ignore_errors=True)


def urgent_pins(edit) -> str:
    text = (ROOT / "includes" / "urgent-pins.yml").read_text(encoding="utf-8")
    root = _project({"includes/urgent-pins.yml": edit(text)})
    try:
        tiers_mod.load_for(root)
        return ""
    except tiers_mod.DataError as exc:
        return str(exc)
    finally:
        shutil.rmtree(root, ignore_errors=True)


SITE_CONFIG = ("site_url: https://mysportinjury.github.io/fascia-back-pain/\nextra_javascript:\n  - javascripts/a11y.js\n"
               "extra:\n  output_limits:\n    image_max_bytes: 200000\n    image_max_side: 1600\n    svg_max_bytes: 200000\n")


def output(planted: dict) -> str:
    """The post-build output check on a one-page built site: {'body': html, 'files': {path: bytes}}."""
    root = Path(tempfile.mkdtemp(prefix="badoutput-"))
    try:
        (root / "mkdocs.yml").write_text(planted.get("config", SITE_CONFIG), encoding="utf-8")
        body = planted.get("body", "")
        (root / "docs").mkdir()
        (root / "docs" / "page.md").write_text(f"# Page\n\nIntro.\n\n{body}\n", encoding="utf-8")
        page = root / "site" / "page" / "index.html"
        page.parent.mkdir(parents=True)
        page.write_text(f"<html><head></head><body><article>\n<p>Intro.</p>\n{body}\n</article>"
                        '<script src="../assets/javascripts/bundle.js"></script></body></html>', encoding="utf-8")
        for name, data in (planted.get("files") or {}).items():
            for folder in ("docs", "site"):
                (root / folder / name).parent.mkdir(parents=True, exist_ok=True)
                (root / folder / name).write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))
        s = outputcheck.settings(root / "mkdocs.yml", root / "docs")
        return _lines(outputcheck.check_site(root / "site", s))
    finally:
        shutil.rmtree(root, ignore_errors=True)


PAGES = ("index.md", "fascia/what-is-fascia.md", "fascia/myths-and-claims.md", "back-pain/what-helps.md",
         "back-pain/red-flags.md")


def redirects(maps: str) -> str:
    """redirect_maps entries (indented YAML lines) checked against a docs/ of five pages."""
    root = _project({f"docs/{p}": "# Page\n" for p in PAGES})
    try:
        config = root / "mkdocs.yml"
        config.write_text(f"site_name: t\nplugins:\n  - redirects:\n      redirect_maps:\n{maps}\n", encoding="utf-8")
        return "\n".join(pub.redirect_problems(config, root / "docs"))
    finally:
        shutil.rmtree(root, ignore_errors=True)


LIST = "# Every URL ever published\n/\n/back-pain/what-helps/\n/fascia/myths-and-claims/\n/fascia/what-is-fascia/\n"


def url_history(change) -> str:
    """published-urls.txt committed, then changed by `change(text) -> text` (and committed)."""
    root = _project({f"docs/{p}": "# Page\n" for p in PAGES})
    env = {"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org", "GIT_COMMITTER_NAME": "t",
           "GIT_COMMITTER_EMAIL": "t@example.org", "HOME": str(root), "PATH": "/usr/bin:/bin"}

    def git(*args):
        subprocess.run(["git", *args], cwd=root, check=True, capture_output=True, env=env)

    try:
        (root / "mkdocs.yml").write_text("site_name: t\nplugins:\n  - redirects:\n      redirect_maps: {}\n", encoding="utf-8")
        (root / "published-urls.txt").write_text(LIST, encoding="utf-8")
        git("init", "-q", "-b", "main")
        git("add", ".")
        git("commit", "-qm", "first")
        new = change(LIST)
        (root / "published-urls.txt").write_bytes(new if isinstance(new, bytes) else new.encode("utf-8"))
        git("commit", "-qam", "change")
        current = pub.published(root / "published-urls.txt")
        return "\n".join(pub.removed_urls(root, current, root / "mkdocs.yml"))
    finally:
        shutil.rmtree(root, ignore_errors=True)


def url_list(raw: bytes) -> str:
    """How the list itself is read: the URLs, one a line (a comment or a BOM is never a URL)."""
    with tempfile.NamedTemporaryFile(suffix=".txt", delete=False) as f:
        f.write(raw)
    try:
        urls = pub.published(Path(f.name))
        return "\n".join(f"published-urls.txt:{n}: not a site path: {u!r}" for n, u in urls if not u.startswith("/"))
    finally:
        Path(f.name).unlink()


def glossary_text(lines: str) -> str:
    text = (ROOT / "includes" / "glossary.md").read_text(encoding="utf-8") + "\n" + lines + "\n"
    return "\n".join(glossary.parse(text).problems)


# One complete placeholder entry (the base the planted entries sit beside; the rest of references.bib
# is checked by its own tests, and other people's edits in progress must not decide these rows).
BIB_HEAD = ("@article{example2012fixture,\n  author = {Example, A.},\n  title = {A placeholder article (test data)},\n"
            "  journal = {Example Journal},\n  year = {2012},\n  volume = {1},\n  pages = {1--2},\n"
            "  doi = {10.1000/example.2012},\n  uncited = {fixture}\n}\n")


def bib_entries(extra: str) -> str:
    """references.bib with `extra` appended: the entry rules (fasciasite.references.bibcheck.check_entries)."""
    with tempfile.NamedTemporaryFile("w", suffix=".bib", delete=False, encoding="utf-8") as f:
        f.write(BIB_HEAD + "\n" + extra)
    try:
        entries, problems = bib.parse_bib(Path(f.name))
        all_problems = list(problems) + bibcheck.check_entries(entries, "references.bib")
        return "\n".join(str(p).replace(f.name, "references.bib") for p in all_problems)
    finally:
        Path(f.name).unlink()


def markdown_lint(text: str) -> str:
    """PyMarkdown through fasciasite.authoring.markdown_style on one page (a subprocess, about a second)."""
    root = Path(tempfile.mkdtemp(prefix="badmd-"))
    try:
        (root / "docs").mkdir()
        (root / "docs" / "x.md").write_text(text, encoding="utf-8")
        result = subprocess.run([sys.executable, "-m", "fasciasite.authoring.markdown_style", "--config", str(ROOT / ".pymarkdown.json"),
                                 "docs"], cwd=root, capture_output=True, text=True, timeout=120)
        return (result.stdout + result.stderr).strip()
    finally:
        shutil.rmtree(root, ignore_errors=True)


def feed_length(counts: tuple[int, int]) -> str:
    length, articles = counts
    return feed.feed_length_problem(ROOT / "mkdocs.yml", length, articles) or ""


def urgent_article(markdown: str) -> str:
    """The urgent-help lint on an article (its 'When to get help' section must show the tiers)."""
    return _lines(urgent.lint(markdown, TIERS, "docs/x.md", is_article=True))


def ratings_rows(markdown: str) -> str:
    """The evidence box's rows against their sources (fasciasite.content.ratings, as the build runs it)."""
    entries, _ = bib.parse_bib(ROOT / "references.bib")
    return _lines(ratings.check_rows(markdown, entries, "docs/x.md"))


DATA_FILES = ("references.bib", "includes/sources.yml", "includes/safety.yml", "includes/urgent-help.yml",
              "includes/urgent-pins.yml")


def evidence_data(planted: tuple[str, object]) -> str:
    """The data-file rules of fasciasite.content.evidence (sources, findings, fields, safety data and
    sources, pins' sources) after `edit(text) -> text` of one data file: (file, edit)."""
    file, edit = planted
    root = Path(tempfile.mkdtemp(prefix="badevidence-"))
    try:
        for name in DATA_FILES:
            (root / name).parent.mkdir(parents=True, exist_ok=True)
            text = (ROOT / name).read_text(encoding="utf-8")
            (root / name).write_text(edit(text) if name == file else text, encoding="utf-8")
        (root / "docs").mkdir()
        problems = evidence.Project(root, TODAY).data_problems()
        return "\n".join(str(p) for found in problems.values() for p in found)
    finally:
        shutil.rmtree(root, ignore_errors=True)


KINDS = {
    "front matter": front_matter, "figures": figures, "citations": citations, "urgent lint": urgent_lint, "safety page": safety_page,
    "urgent data": urgent_data, "urgent pins": urgent_pins, "output": output, "redirects": redirects,
    "url history": url_history, "url list": url_list, "glossary": glossary_text, "bib": bib_entries,
    "markdown lint": markdown_lint, "feed": feed_length, "urgent article": urgent_article, "ratings": ratings_rows,
    "evidence data": evidence_data,
}
