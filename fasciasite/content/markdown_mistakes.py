"""Author mistakes in one page's Markdown, each as (line, message) with the fix.

Pure functions over the text an author wrote (fasciasite.content.author_mistakes runs them in every
build, with the front matter's lines added so each line is the file's own):

  unclosed_fence      a ``` or ~~~ fence that is never closed (the rest of the page would
                      become code, or a stray ``` is published and a citation in the
                      example goes live)
  undefined_refs      [text][label] with no "[label]: address" line: published as brackets
  references_heading  a hand-written "## References": the build writes that list
  foreign_images      an image from another host: readers' browsers would contact it
  own_site_links      a link that hard-codes site_url: it breaks when the site moves
  links               every [text](path) and ![alt](path) to a file in docs/, with its line
  snippets            --8<-- "file" lines, with their line (pymdownx.snippets gives a
                      traceback without one)
"""
from __future__ import annotations

import functools
import re
from collections.abc import Callable
from typing import NamedTuple

from fasciasite.references.citesyntax import without_code

FENCE_LINE = re.compile(r"^(?P<indent>[ \t]*)(?P<fence>`{3,}|~{3,})(?P<info>.*)$")
REF_LINK = re.compile(r"(?<![\]\\!])\[(?P<text>[^\[\]\n]+)\]\[(?P<label>[^\[\]\n]*)\]")
REF_DEF = re.compile(r"^[ \t]{0,3}\[(?P<label>[^\]\n]+)\]:[ \t]*\S", re.M)
HEADING = re.compile(r"^#{2,6}[ \t]+(?P<title>References|Reference list|Bibliography|Works cited)[ \t]*(\{[^}\n]*\})?[ \t]*#*[ \t]*$",
                     re.M | re.I)
LINK = re.compile(r"(?P<bang>!?)\[(?P<text>(?:[^\[\]\n]|\[[^\[\]\n]*\])*)\]\(\s*<?(?P<target>[^)\s>]+)>?(?:\s+\"[^\"\n]*\")?\s*\)")
HTML_IMG = re.compile(r"<img\b[^>]*?\bsrc\s*=\s*[\"'](?P<target>[^\"']+)[\"']", re.I)
SNIPPET = re.compile(r"^[ \t]*(?P<mark>-{1,}8<-{1,})[ \t]+(?P<q>[\"'])(?P<path>[^\"'\n]+)(?P=q)[ \t]*$", re.M)
SCHEME = re.compile(r"^[a-z][a-z0-9+.-]*:", re.I)


class Link(NamedTuple):
    line: int
    image: bool
    target: str


def _line(text: str, pos: int) -> int:
    return text.count("\n", 0, pos) + 1


def unclosed_fence(text: str) -> list[tuple[int, str]]:
    opened = None  # (line, fence, indent)
    for number, line in enumerate(text.splitlines(), 1):
        m = FENCE_LINE.match(line)
        if not m:
            continue
        if opened is None:
            opened = (number, m["fence"], len(m["indent"].expandtabs(4)))
        elif m["fence"][0] == opened[1][0] and len(m["fence"]) >= len(opened[1]) and not m["info"].strip():
            opened = None
    if opened is None:
        return []
    fence = opened[1]
    return [(opened[0], f"the code block opened with {fence} here is never closed, so the rest of the page is code "
                        f"or a stray {fence} is published; add a line with only {fence} after the code")]


def _label(text: str) -> str:
    return " ".join(text.split()).casefold()


def undefined_refs(text: str) -> list[tuple[int, str]]:
    plain = without_code(text)
    defined = {_label(m["label"]) for m in REF_DEF.finditer(plain)}
    problems = []
    for m in REF_LINK.finditer(plain):
        label = m["label"] or m["text"]
        if label.startswith(("^", "@")) or m["text"].startswith(("^", "@")) or _label(label) in defined:
            continue
        if plain[m.end():m.end() + 1] in ("(", ":"):
            continue
        problems.append((_line(plain, m.start()), (
            f"reference-style link [{m['text']}][{m['label']}] has no definition, so it is published as brackets; "
            f"add a line '[{label}]: path/to/page.md' below the paragraph, or write [{m['text']}](path/to/page.md)")))
    return problems


def references_heading(text: str) -> list[tuple[int, str]]:
    plain = without_code(text)
    return [(_line(plain, m.start()), (
        f"a hand-written '{m['title']}' heading: delete it and the list under it; the build writes the reference "
        "list at the end of the page from your [@key] citations")) for m in HEADING.finditer(plain)]


def links(text: str) -> list[Link]:
    """Every inline link and image outside code (HTML <img> too), with its line."""
    return list(_links(text))


@functools.lru_cache(maxsize=64)  # four checks of a page read its links: found once per text
def _links(text: str) -> tuple[Link, ...]:
    plain = without_code(text)
    found = [Link(_line(plain, m.start()), bool(m["bang"]), m["target"]) for m in LINK.finditer(plain)]
    found += [Link(_line(plain, m.start()), True, m["target"]) for m in HTML_IMG.finditer(plain)]
    return tuple(sorted(found))


def foreign_images(text: str, site_url: str = "") -> list[tuple[int, str]]:
    problems = []
    for link in links(text):
        target = link.target
        if link.image and (target.startswith("//") or re.match(r"^https?://", target, re.I)):
            if site_url and target.startswith(site_url):
                continue
            host = re.sub(r"^(https?:)?//", "", target, flags=re.I).split("/")[0]
            problems.append((link.line, (
                f"image from another host ({host}): every reader's browser would contact that host (privacy) and "
                "the picture can vanish; save the file under docs/assets/ (only one we have the right to use) "
                "and link it with a relative path")))
    return problems


def own_site_links(text: str, site_url: str, suggest: Callable[[str], str]) -> list[tuple[int, str]]:
    """Links to site_url/...: `suggest(path)` gives the .md path to write instead (or "")."""
    if not site_url:
        return []
    base = site_url.rstrip("/") + "/"
    problems = []
    for link in links(text):
        if not link.target.startswith(base) and link.target != base.rstrip("/"):
            continue
        instead = suggest(link.target[len(base):]) if link.target.startswith(base) else suggest("")
        fix = f"write the relative path instead: {instead}" if instead else (
            "and no page has that address; link to the page's .md file with a relative path")
        problems.append((link.line, f"link {link.target} hard-codes the site's address (site_url), so it breaks "
                                    f"when the site moves; {fix}"))
    return problems


def snippets(text: str) -> list[tuple[int, str, str]]:
    """(line, path, the line's text) of each --8<-- "path" outside code."""
    plain = without_code(text)
    return [(_line(plain, m.start()), m["path"], m.group(0)) for m in SNIPPET.finditer(plain)]


def is_local(target: str) -> bool:
    return not (SCHEME.match(target) or target.startswith(("//", "#")))
