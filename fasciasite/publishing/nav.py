"""Navigation: draw plain sidebar links in Python, not with one Jinja macro call each.

Why ours: Material renders every sidebar entry through the recursive render() macro in
partials/nav-item.html. With navigation.prune only the current section is drawn, but a
section of n articles still costs n macro calls on each of its n pages, so the time grows
with the square of the section size (about half of a 1,000-article build). Neither
Material nor a plugin offers a faster sidebar, so overrides/partials/nav-item.html asks
nav_runs() for a section's children and keeps Material's macro for everything else.

Events:
  on_env  make nav_runs() available to the templates.
"""
from __future__ import annotations

import posixpath
from typing import TYPE_CHECKING, TypeGuard
from urllib.parse import urlsplit

from jinja2 import pass_context
from mkdocs.structure.nav import Link
from mkdocs.structure.pages import Page
from mkdocs.utils import normalize_url

if TYPE_CHECKING:  # the types of MkDocs' events, for the type checker only
    from jinja2 import Environment
    from jinja2.runtime import Context
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.structure import StructureItem
    from mkdocs.structure.files import Files


# Entries Material draws with extra parts (icons, subtitles, status badges, typeset
# titles, encrypted pages) are left to Material's own macro.
_EXTRAS = ("icon", "subtitle", "status")

# Per build: id(children list) -> [(number, item, static HTML parts or None)].
# The static parts of a plain link: ((split URL, trailing slash) when simple, URL, HTML after the href).
Static = tuple[tuple[list[str], bool] | None, str, str]


def parts(url: str) -> list[str]:
    """The segments of a site-relative URL, as mkdocs.utils.get_relative_url splits them."""
    path = posixpath.normpath("/" + url)[1:]
    return path.split("/") if path else []


def relative(dest: list[str], trailing: bool, base: list[str]) -> str:
    """mkdocs.utils.get_relative_url with both URLs already split (see parts())."""
    common = 0
    for a, b in zip(base, dest, strict=False):
        if a != b:
            break
        common += 1
    url = "/".join([".."] * (len(base) - common) + dest[common:]) or "."
    return url + "/" if trailing else url


def simple_url(url: str) -> bool:
    """True for a plain site-relative URL (all pages have one): normalize_url() then
    reduces to get_relative_url(), which relative() repeats without re-splitting."""
    if not url or "\\" in url or url.startswith(("/", "#")):
        return False
    parsed = urlsplit(url)
    return not (parsed.scheme or parsed.netloc) and not posixpath.normpath(url).startswith("..")


def static_plain(item: StructureItem) -> TypeGuard[Page | Link]:
    """Material draws this entry with its simplest branch whenever it is not active:
    no children, no icon, subtitle, status, typeset title or encryption."""
    if not isinstance(item, (Page, Link)):  # a section, even an empty one, has no URL to draw
        return False
    if getattr(item, "children", None):
        return False
    if getattr(item, "typeset", None) or getattr(item, "encrypted", None):
        return False
    meta = getattr(item, "meta", None)
    return not (meta and any(meta.get(key) for key in _EXTRAS))


class Sidebar:
    """The sidebar of one build: each section's runs of plain links, drawn once."""

    def __init__(self) -> None:
        self._sections: dict[int, list[tuple[int, StructureItem, Static | None]]] = {}

    def section(self, children: list[StructureItem],
                index: Page | None) -> list[tuple[int, StructureItem, Static | None]]:
        """What does not change from page to page about a section's children (cached)."""
        key = id(children)
        if key not in self._sections:
            entries: list[tuple[int, StructureItem, Static | None]] = []
            for number, item in enumerate(children, 1):
                if index is not None and item == index:
                    continue  # the section's index page is drawn with the section (navigation.indexes)
                static: Static | None = None
                if static_plain(item):
                    url = str(item.url)
                    split = (parts(url), url.endswith("/")) if simple_url(url) else None
                    # The theme's Jinja environment does not autoescape titles; nor does this.
                    static = (split, url, f'">\n<span class="md-ellipsis">\n{item.title}\n</span>\n</a>\n</li>\n')
                entries.append((number, item, static))
            self._sections[key] = entries
        return self._sections[key]

    @pass_context
    def nav_runs(self, context: Context, children: list[StructureItem],
                 index: Page | None = None) -> list[str | tuple[int, StructureItem]]:
        """The children of a section, in order, as a list of
          str            the HTML of consecutive plain links (Material's markup), or
          (number, item) an entry for Material's render() macro; number is its 1-based
                         place among the children (Material's element ids use it).
        The section's index page (navigation.indexes) is skipped, as Material does."""
        page, base_url = context["page"], context["base_url"]
        base = None
        runs: list[str | tuple[int, StructureItem]] = []
        html: list[str] = []
        for number, item, static in self.section(children, index):
            if static is None or getattr(item, "active", False):
                if html:
                    runs.append("".join(html))
                    html = []
                runs.append((number, item))
                continue
            split, url, rest = static
            if split is not None and page is not None:
                if base is None:
                    other = page.url
                    dirname, _, basename = other.rpartition("/")
                    base = parts(dirname if "." in basename else other)
                href = relative(split[0], split[1], base)
            else:
                href = normalize_url(url, page=page, base=base_url)
            html.append(f'<li class="md-nav__item">\n<a href="{href}" class="md-nav__link{rest}')
        if html:
            runs.append("".join(html))
        return runs

    def on_env(self, env: Environment, config: MkDocsConfig, files: Files) -> Environment:
        self._sections.clear()
        env.globals["nav_runs"] = self.nav_runs
        return env



