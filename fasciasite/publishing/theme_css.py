"""Material's two stylesheets, trimmed to what this site uses (issue 24 part 4).

Material ships one stylesheet for every feature and Markdown extension it supports (keyboard
keys, maths, emoji, code highlighting, the blog, cookie consent, navigation tabs, ...) and
one with all of its 21 colours, and every page downloads both before it paints: 25 KB gzip,
the largest part of an article's first load after Material's script. After a full build this
step rewrites the site's copy of each without the rules no page can use (about 6 KB gzip less).

What is left out, and nothing else:
- main.css: a selector that names a class which occurs in no built page (every class
  attribute of every page and of 404.html, collected as each is written) and is not a word of
  a script the site runs (Material's bundle makes search results, tooltips and dialogs at run
  time; docs/javascripts/ ours). A class built by joining strings keeps its rules when the part
  before its "--" or "__" ends a word there. A rule keeps the selectors that may match and goes
  with none; @media and @supports blocks are filtered the same way; other at-rules are kept.
- palette.css: the rules for a colour no palette entry of mkdocs.yml names (Material's
  default, indigo, where an entry names none).
- main.css, in every build: the rules for `table:not([class])` are given to the tables the
  pages are written with (fasciasite/publishing/tables.py), which Material's script then
  leaves where they are.
- both: the rules under `[data-md-color-switching]` (transitions off while the colours
  change). Material's palette sets that attribute on <body> as every page starts and removes
  it a moment later, and with such a rule each change restyles every element of the page (a
  long task of 20 to 90 ms on a phone, longer with the page; issue 24 part 4). overrides/main.html
  adds the same rule when the reader first changes the colours, the only time it has an effect.

The files keep Material's names, so no page changes: a site that gains a new kind of element
(a first tabbed block, say) gets its rules in the next build. A reader's browser may keep the
older copy until its cache expires (10 minutes on GitHub Pages). A `--dirty` build (make
serve-fast) renders only the changed pages, so it writes Material's whole stylesheets instead.

Why our own code: neither Material nor a maintained MkDocs plugin trims Material's CSS
(PurgeCSS would bring Node.js into the build). Cost: one regular expression over each page as
it is written (about 1 ms for the longest article); the trimming itself is cached by its inputs
(fasciasite.datacache).
"""
from __future__ import annotations

import functools
import re
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from fasciasite import datacache
from fasciasite.publishing import tables

if TYPE_CHECKING:  # the types of MkDocs' events, for the type checker only
    from mkdocs.config.defaults import MkDocsConfig

WORD = re.compile(r"[A-Za-z_][\w-]*")
CLASS_ATTRIBUTE = re.compile(r'class="([^"]*)"')
CLASS = re.compile(r"\.(-?[_A-Za-z][\w-]*)")
INSIDE_PSEUDO = re.compile(r":(?:not|is|where|has)\((?:[^()]|\([^()]*\))*\)")  # may match nothing: never a reason to drop
ATTRIBUTE = re.compile(r"\[[^\]]*\]")
COLOUR = re.compile(r"\[data-md-color-(primary|accent)=([\w-]+)\]")
SWITCHING = "[data-md-color-switching]"
STYLESHEETS = ("main", "palette")  # Material's assets/stylesheets/NAME.HASH.min.css


def _material_css(theme_dirs: list[Path]) -> dict[str, Path]:
    """Material's stylesheets by name (main, palette), from the theme folders."""
    found: dict[str, Path] = {}
    for folder in theme_dirs:
        for name in STYLESHEETS:
            for path in sorted((folder / "assets" / "stylesheets").glob(f"{name}.*.min.css")):
                found.setdefault(name, path)
    return found


def _scripts(config: MkDocsConfig) -> list[Path]:
    """The scripts that may make elements at run time: Material's bundle and the site's own."""
    out = []
    for folder in map(Path, config.theme.dirs):
        out += sorted((folder / "assets" / "javascripts").glob("bundle.*.min.js"))
    return out + sorted(Path(config.docs_dir).rglob("*.js"))


def _may_occur(name: str, words: frozenset[str]) -> bool:
    if name in words:
        return True
    stem = re.split(r"--|__", name, maxsplit=1)[0]
    return stem != name and any(w.startswith(stem) and w.endswith(("-", "_")) for w in words)


def _keep_selector(selector: str, words: frozenset[str]) -> bool:
    plain = ATTRIBUTE.sub("", INSIDE_PSEUDO.sub("", selector))  # [href$=".pdf"] names no class
    return all(_may_occur(c, words) for c in CLASS.findall(plain))


def _keep_colour(selector: str, colours: dict[str, set[str]]) -> bool:
    return all(value in colours[kind] for kind, value in COLOUR.findall(selector))


def _split_selectors(prelude: str) -> list[str]:
    out, depth, start = [], 0, 0
    for i, ch in enumerate(prelude):
        if ch in "([":
            depth += 1
        elif ch in ")]":
            depth -= 1
        elif ch == "," and depth == 0:
            out.append(prelude[start:i])
            start = i + 1
    return [*out, prelude[start:]]


def _block_end(css: str, start: int) -> int:
    """The index just after the '}' that closes the '{' at start (strings and nesting respected)."""
    depth, i, quote = 0, start, ""
    while i < len(css):
        ch = css[i]
        if quote:
            if ch == "\\":
                i += 1
            elif ch == quote:
                quote = ""
        elif ch in "\"'":
            quote = ch
        elif ch == "{":
            depth += 1
        elif ch == "}":
            depth -= 1
            if depth == 0:
                return i + 1
        i += 1
    raise ValueError("unbalanced braces in a stylesheet")


def trim(css: str, keep: Callable[[str], bool]) -> str:
    """css without the selectors keep(selector) refuses (a minified stylesheet; comments go)."""
    css = re.sub(r"/\*.*?\*/", "", css, flags=re.S)
    out, i = [], 0
    while i < len(css):
        if css[i].isspace():
            i += 1
            continue
        brace = css.find("{", i)
        semicolon = css.find(";", i)
        if brace < 0 or (0 <= semicolon < brace and css[i] == "@"):  # @charset, @import, @layer a, b;
            end = len(css) if semicolon < 0 else semicolon + 1
            out.append(css[i:end])
            i = end
            continue
        prelude, end = css[i:brace], _block_end(css, brace)
        body = css[brace:end]
        if prelude.startswith(("@media", "@supports")):
            inner = trim(body[1:-1], keep)
            if inner:
                out.append(f"{prelude}{{{inner}}}")
        elif prelude.startswith("@"):
            out.append(prelude + body)  # @font-face, @keyframes, @page, ...
        else:
            selectors = [s for s in _split_selectors(prelude) if keep(s)]
            if selectors:
                out.append(",".join(selectors) + body)
        i = end
    return "".join(out)


def palette_colours(config: MkDocsConfig) -> dict[str, set[str]]:
    """The colours the palette entries name (Material's template: indigo where none is named)."""
    palette = config.theme.get("palette") or []
    entries = palette if isinstance(palette, list) else [palette]
    colours: dict[str, set[str]] = {"primary": set(), "accent": set()}
    for entry in entries or [{}]:
        for kind in colours:
            colours[kind].add(str(entry.get(kind) or "indigo").replace(" ", "-").lower())
    return colours


def trimmed(name: str, css: str, words: frozenset[str], colours: dict[str, set[str]]) -> str:
    if name == "main":
        return trim(css, lambda s: _keep_selector(s, words) and SWITCHING not in s)
    return trim(css, lambda s: _keep_colour(s, colours) and SWITCHING not in s)


class ThemeCss:
    """The classes of one build's pages, and Material's stylesheets trimmed to them."""

    def __init__(self, dirty: bool = False) -> None:
        self.dirty = dirty  # a --dirty build sees only the changed pages: nothing is trimmed
        self.classes: set[str] = set()

    def on_output(self, html: str) -> None:
        """Called with each page (and 404.html) as it is written."""
        for value in set(CLASS_ATTRIBUTE.findall(html)):
            self.classes.update(value.split())

    def on_post_build(self, config: MkDocsConfig) -> None:
        css_files = _material_css([Path(d) for d in config.theme.dirs])
        words = frozenset(self.classes).union(*(WORD.findall(p.read_text(encoding="utf-8", errors="ignore"))
                                               for p in _scripts(config)))
        colours = palette_colours(config)
        folder = Path(config.site_dir) / "assets" / "stylesheets"
        for name, path in css_files.items():
            css = path.read_text(encoding="utf-8")
            if name == "main":  # in every build, --dirty too: the pages' tables come wrapped and marked
                css = tables.stylesheet_rule(css)
            text = css if self.dirty or not self.classes else datacache.cached(
                f"theme-css-{name}", [path], functools.partial(trimmed, name, css, words, colours),
                code=(__name__, tables.__name__),
                extra=(sorted(words), sorted((k, sorted(v)) for k, v in colours.items())),
                disk=datacache.project_disk(Path(config.config_file_path).parent))
            out = folder / path.name
            if out.parent.is_dir() and (not out.is_file() or out.read_text(encoding="utf-8") != text):
                out.write_text(text, encoding="utf-8")
