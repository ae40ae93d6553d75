"""Glossary: one list of terms, two uses.

includes/glossary.md holds every term as a Markdown abbreviation (`*[Term]: definition`).
This hook hands the terms to the abbr extension's `glossary` option, so every page gets
hover definitions, and turns the same file into the Glossary page, so the two never
drift apart. (Appending the file to every page with pymdownx.snippets gives the same
HTML, but then Python-Markdown parses 104 definitions again on each page: about a
quarter of the Markdown time of a 1,000-article build.)

Events:
  on_config         read the terms once (a malformed line is reported with its line
                    number) and give them to the abbr extension.
  on_page_markdown  replace <!-- md:glossary --> with the terms as a definition list,
                    and report a malformed line with file and line.
  on_page_content   keep the definition on the first use of each term on a page only
                    (the abbr extension marks every use, which clutters a page about fascia).
"""
from __future__ import annotations

import logging
import re
from pathlib import Path

log = logging.getLogger("mkdocs.hooks.glossary")

MARKER = "<!-- md:glossary -->"
# The exact markup Python-Markdown's abbr extension writes; nothing else is touched.
ABBR = re.compile(r'<abbr title="(?P<title>[^"]*)">(?P<text>[^<]*)</abbr>')
LINE = re.compile(r"^\*\[(?P<term>[^\]]+)\]:\s*(?P<definition>\S.*)$")


def read_terms(path: Path) -> list[tuple[str, str]]:
    terms = []
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("<!--"):
            continue
        m = LINE.match(line)
        if not m:
            log.warning(f"{path.name}:{number}: not a glossary line; write it as *[Term]: One-sentence definition.")
            continue
        terms.append((m["term"], m["definition"]))
    return terms


_terms: list[tuple[str, str]] = []  # read in on_config, which runs first on every build


def glossary_file(config) -> Path:
    return Path(config.config_file_path).parent / "includes" / "glossary.md"


def on_config(config):
    global _terms
    _terms = read_terms(glossary_file(config))
    if "abbr" not in config.markdown_extensions:
        return config
    # A page's own *[Term]: definitions still win over these (Python-Markdown >= 3.7).
    config.mdx_configs.setdefault("abbr", {}).setdefault("glossary", {}).update(dict(_terms))
    return config


def on_page_markdown(markdown, page, config, files):
    if MARKER not in markdown:
        return markdown
    seen: dict[str, tuple[str, str]] = {}
    for term, definition in _terms:
        seen.setdefault(term.casefold(), (term, definition))  # "Fascia" and "fascia" appear once
    rows = []
    for term, definition in sorted(seen.values(), key=lambda t: t[0].casefold()):
        anchor = re.sub(r"[^a-z0-9]+", "-", term.casefold()).strip("-")
        rows.append(f'<dt id="{anchor}">{term}</dt>\n<dd>{definition}</dd>')
    return markdown.replace(MARKER, '<dl class="glossary">\n' + "\n".join(rows) + "\n</dl>")


def on_page_content(html, page, config, files):
    seen: set[str] = set()

    def first_only(m: re.Match) -> str:
        term = m["text"].casefold()
        if term in seen:
            return m["text"]
        seen.add(term)
        return m.group(0)

    return ABBR.sub(first_only, html)
