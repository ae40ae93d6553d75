"""The synthetic corpus: N articles with citations, diagrams and links, on the real machinery."""
from __future__ import annotations

import datetime as dt
import functools
import os
import random
import re
import shutil
from pathlib import Path
from typing import Any

import yaml

from fasciasite.bench.common import (
    CITATIONS_PER_ARTICLE,
    GENERATED_BIB_ENTRIES,
    ROOT,
)
from fasciasite.content import safety

# ── Synthetic corpus ─────────────────────────────────────────────────────────

# Bump when the generated corpus changes shape, so a change of corpus never passes for a
# change of speed (the figure is printed and saved with every run). 2: every source records
# its design and certainty, every evidence-box row cites its sources and is rated within them,
# and a page that names a treatment shows its safety block (issue 20's rules).
CORPUS_VERSION = 2

SUBJECTS = ["Fascia", "The thoracolumbar fascia", "Low back pain", "Foam rolling", "Sports massage",
            "Myofascial release", "Gentle exercise", "Poor sleep", "Long-term stress", "Running",
            "Walking", "Strength training", "A hands-on assessment", "Stretching", "Heat"]
VERBS = ["may change", "seems to affect", "was linked with", "did not clearly change", "is often blamed for",
         "can ease", "was tested against", "might explain part of", "rarely causes", "usually improves"]
OBJECTS = ["how stiff your back feels in the morning", "pain after a long day at a desk",
           "how far you can bend forward", "the way layers of tissue slide over each other",
           "soreness after hard training", "confidence to keep moving", "how often back pain comes back",
           "sleep on the nights after exercise", "the fear that something is damaged", "recovery between sessions"]
TAILS = ["in small studies", "for a few weeks at most", "in people with long-term pain",
         "although the evidence is weak", "in healthy volunteers", "when combined with exercise",
         "in trials that were not blinded", "according to national guidelines", "in one careful review",
         "but nobody knows why yet"]
HEADINGS = ["What the research shows", "Who it may help", "What to try first", "Common myths",
            "What a session involves", "When to get help"]
# Ratings a randomised trial allows (docs/about/editorial-policy.md); the sources are trials.
RATINGS = ["Moderate", "Limited"]
ANGLES = ["what the evidence says", "a plain guide", "myths and facts", "what to expect", "questions answered"]


def sentence(rng: random.Random) -> str:
    return f"{rng.choice(SUBJECTS)} {rng.choice(VERBS)} {rng.choice(OBJECTS)} {rng.choice(TAILS)}."


def paragraph(rng: random.Random, cites: list[str], n: int = 5) -> str:
    out = []
    for _ in range(n):
        text = sentence(rng)
        if cites and rng.random() < 0.45:
            take = 2 if len(cites) >= 2 and rng.random() < 0.2 else 1
            block = "; ".join(f"@{cites.pop()}" for _ in range(take))
            text = f"{text[:-1]} [{block}]."
        out.append(text)
    return " ".join(out)


def bib_keys(bib_text: str) -> list[str]:
    return re.findall(r"^\s*@\w+\s*\{\s*([^,\s]+)\s*,", bib_text, re.M)


def generated_bib(count: int) -> tuple[str, list[str]]:
    rng = random.Random(11)
    entries, keys = [], []
    for i in range(count):
        year = 1995 + i % 30
        key = f"bench{year}study{i:03d}"
        keys.append(key)
        entries.append(
            f"@article{{{key},\n"
            f"  author  = {{{rng.choice(['Smith', 'Patel', 'Jones', 'Nguyen', 'Okafor'])}, A. and "
            f"{rng.choice(['Brown', 'Khan', 'Evans', 'Schmidt', 'Rossi'])}, B. C.}},\n"
            f"  title   = {{{rng.choice(SUBJECTS)} and {rng.choice(OBJECTS)}: a randomised trial number {i}}},\n"
            f"  journal = {{Journal of Benchmark Studies}},\n"
            f"  year    = {{{year}}},\n  volume  = {{{1 + i % 40}}},\n  pages   = {{{100 + i}--{110 + i}}},\n"
            f"  doi     = {{10.5555/bench.{i:04d}}},\n"
            f"  design  = {{randomised trial}},\n  certainty = {{not graded}},\n"
            f"  findings = {{A small randomised trial; the outcome it measured improved a little more than in the "
            f"control group.}}\n}}\n"
        )
    return "\n".join(entries), keys


def slugs(n: int, sections: list[str]) -> list[str]:
    return [f"{sections[i % len(sections)]}/topic-{i:04d}.md" for i in range(n)]


def rel(src: str, dst: str) -> str:
    return os.path.relpath(dst, os.path.dirname(src)).replace(os.sep, "/")


@functools.lru_cache(maxsize=1)
def _safety() -> safety.Safety:
    return safety.load_for(ROOT)[0]


def treatments_named(markdown: str) -> list[str]:
    """The safety blocks a generated page must show: the treatments it names (includes/safety.yml)."""
    data = _safety()
    return [t.name for t in data.treatments.values() if any(p.search(markdown) for p in t.names)]


def article(i: int, pages: list[str], keys: list[str], tags: list[str], diagrams: list[str]) -> str:
    rng = random.Random(i)
    me = pages[i]
    title = f"{rng.choice(SUBJECTS)} and {rng.choice(OBJECTS)}: {rng.choice(ANGLES)} ({i})"
    published = dt.date(2026, 1, 1) + dt.timedelta(days=i % 300)
    cites = rng.sample(keys, CITATIONS_PER_ARTICLE)
    trials = [k for k in keys if k.startswith("bench")]  # the generated trials: evidence-box rows cite these
    n = len(pages)
    others = [pages[j] for j in dict.fromkeys(((i + 1) % n, (i * 7 + 3) % n, (i + n // 2) % n)) if j != i]
    links = [f"[{'a related guide' if k else 'how it works elsewhere'}]({rel(me, p)}{'' if k else '#how-it-works'})"
             for k, p in enumerate(others)]
    front: dict[str, Any] = {
        "title": title,
        "description": f"Synthetic benchmark article {i}: {sentence(rng)}"[:160],
        "author": "editorial-team", "reviewer": "",
        "published": published, "last_reviewed": published,
        "next_review": published.replace(year=published.year + 1),
        "tags": rng.sample(tags, rng.randint(2, 5)),
    }
    if pages[i].startswith("case-studies/") or any(str(tag).lower() in ("case study", "case studies") for tag in front["tags"]):
        front["consent"] = "written"  # a case study (by folder or tag) records the client's permission
    body = [f"# {title}", "", '!!! abstract "Key points"', ""]
    body += [f"    - {sentence(rng)}" for _ in range(5)]
    body += ["", paragraph(rng, cites), "", paragraph(rng, cites) + (f" See {links[0]}." if links else ""), ""]
    body += ["## How it works", "", paragraph(rng, cites, 6), "", "### In more detail", "", paragraph(rng, cites), ""]
    body += [f"![Diagram for article {i}: {sentence(rng)}]({rel(me, 'assets/diagrams/' + rng.choice(diagrams))})", ""]
    for h, heading in enumerate(HEADINGS):
        body += [f"## {heading}", "", paragraph(rng, cites, 6), ""]
        if h == 1:
            body += [f"- {sentence(rng)}" for _ in range(5)] + [""]
        if h == 2:
            body += ["| Option | What it may do | Evidence |", "|---|---|---|"]
            body += [f"| {rng.choice(SUBJECTS)} | {rng.choice(OBJECTS)} | **{rng.choice(RATINGS)}** |"
                     for _ in range(4)]
            body += [""]
        if h == 3 and len(links) > 1:
            body += [f"Read more: {', '.join(links[1:])}.", ""]
    while cites:  # any citations the paragraphs did not use
        body += [paragraph(rng, cites, 3), ""]
    body += ['!!! info "How strong is the evidence?"', "", "    | Claim | Rating | Why |", "    |---|---|---|"]
    body += [f"    | {sentence(rng)[:-1]} | **{rng.choice(RATINGS)}** | {rng.choice(TAILS)} [@{rng.choice(trials)}] |"
             for _ in range(4)]
    body += [""] + [f"<!-- md:safety {name} -->" for name in treatments_named("\n".join(body))]
    body += ["", "<!-- md:booking -->", ""]
    return "---\n" + yaml.safe_dump(front, sort_keys=False, allow_unicode=True) + "---\n\n" + "\n".join(body)


# The evidence box goes too: its rows must cite their sources (the ratings rule), so a page
# without citations has no box (the figure compares the citation machinery, not the rule).
EVIDENCE_BOX = re.compile(r'^!!! info "How strong is the evidence\?"\n(?:\n|    .*\n)*', re.M)


def strip_citations(markdown: str) -> str:
    return re.sub(r" ?\[@[\w-]+(?:\s*;\s*@[\w-]+)*\]", "", EVIDENCE_BOX.sub("", markdown))


def copy_machinery(dest: Path) -> None:
    """Hooks, templates, includes, schema and scripts: the real ones."""
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    for name in ("overrides", "includes"):
        shutil.copytree(ROOT / name, dest / name, ignore=ignore)


# The floor (issue 24): the same articles built by plain Material, with the same theme settings,
# Markdown extensions and the third-party plugins that work without ours (search, redirects,
# rss); no fasciasite plugin, no bibtex, no custom_dir (our templates read what the plugin
# provides), and Material's own English strings instead of ours (theme.language: custom lives
# in overrides/). Our cost is reported as a ratio to it, so the figure holds on any machine.
PLAIN_DROPPED_PLUGINS = ("bibtex", "fasciasite")


def plain_material(config: dict) -> dict:
    """mkdocs.yml for the plain-Material floor: `config` without our plugin, bibtex and templates."""
    config = dict(config)
    names = lambda p: p if isinstance(p, str) else next(iter(p))  # noqa: E731
    config["plugins"] = [p for p in config["plugins"] if names(p) not in PLAIN_DROPPED_PLUGINS]
    theme = {k: v for k, v in config["theme"].items() if k != "custom_dir"}
    if theme.get("language") == "custom":
        theme["language"] = "en"
    config["theme"] = theme
    config.pop("hooks", None)
    return config


def write_corpus(dest: Path, n: int, cited: bool, plain: bool = False) -> str:
    """A project of n articles in dest; returns one article (docs path) to edit for the incremental build.
    plain: the plain-Material floor (the articles without citations, plain_material's mkdocs.yml)."""
    cited = cited and not plain
    # Plain data, not fasciasite.config.load_mkdocs_yml: this copy is written back as YAML, where a
    # !ENV or !!python/name tag would have to stay a tag (mkdocs.yml uses none: tests/test_architecture.py).
    config = yaml.safe_load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"))
    sections, tags = config["extra"]["article_sections"], config["extra"]["tags_allowed"]
    copy_machinery(dest)
    docs = dest / "docs"
    for name in ("assets", "stylesheets", "javascripts"):
        if (ROOT / "docs" / name).is_dir():
            shutil.copytree(ROOT / "docs" / name, docs / name, ignore=shutil.ignore_patterns("cards"))
    diagrams = sorted(p.name for p in (docs / "assets" / "diagrams").glob("*.svg"))
    real_bib = (ROOT / "references.bib").read_text(encoding="utf-8")
    extra_bib, extra_keys = generated_bib(GENERATED_BIB_ENTRIES)
    (dest / "references.bib").write_text(real_bib.rstrip() + "\n\n" + extra_bib, encoding="utf-8")
    keys = bib_keys(real_bib) + extra_keys
    pages = slugs(n, sections)
    for i, src in enumerate(pages):
        text = article(i, pages, keys, tags, diagrams)
        path = docs / src
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text if cited else strip_citations(text), encoding="utf-8")
    (docs / "index.md").write_text(  # like the real home page: every article, by section
        "---\ntitle: Benchmark home\ndescription: The home page of a synthetic site used to time the build "
        "at many articles.\n---\n\n# Benchmark home\n\n<!-- md:article-list -->\n", encoding="utf-8")
    shutil.copy(ROOT / "docs" / "glossary.md", docs / "glossary.md")
    (docs / "references.md").write_text(
        "---\ntitle: References\ndescription: Every source cited on this synthetic site, in alphabetical order, "
        "with the articles that cite it.\n---\n\n# References\n\n<!-- md:references -->\n", encoding="utf-8")
    titles = {entries[0].split("/")[0]: title  # section folder -> its title in the real nav
              for item in config["nav"] if isinstance(item, dict) for title, entries in item.items()
              if isinstance(entries, list) and entries and isinstance(entries[0], str)}
    config["nav"] = [{"Home": "index.md"}]
    config["nav"] += [{titles.get(s, s): [p for p in pages if p.startswith(s + "/")]} for s in sections
                      if any(p.startswith(s + "/") for p in pages)]
    config["nav"] += [{"Glossary": "glossary.md"}, {"References": "references.md"}]
    if plain:
        config = plain_material(config)
    elif not cited:
        config["plugins"] = [p for p in config["plugins"] if "bibtex" not in (p if isinstance(p, dict) else [p])]
        config["plugins"] = [{"fasciasite": {"citations": False}} if p == "fasciasite" else p for p in config["plugins"]]
    (dest / "mkdocs.yml").write_text(yaml.safe_dump(config, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return pages[0]


def copy_real_site(dest: Path, plain: bool = False) -> None:
    """The real site's pages and everything its build reads, in dest. plain: with plain_material's
    mkdocs.yml (the real site's floor: its citations and shortcodes are left as written)."""
    copy_machinery(dest)
    shutil.copytree(ROOT / "docs", dest / "docs", ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("mkdocs.yml", "references.bib", "research/searches.yml"):  # searches: the ratings rule reads them
        (dest / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(ROOT / name, dest / name)
    if plain:
        config = plain_material(yaml.safe_load((dest / "mkdocs.yml").read_text(encoding="utf-8")))
        (dest / "mkdocs.yml").write_text(yaml.safe_dump(config, sort_keys=False, allow_unicode=True), encoding="utf-8")


