"""Author mistakes the build refuses, each with file, line and the fix (issue 17).

Events (called by the fasciasite plugin, fasciasite/plugin.py):
  on_config         read site_url and the snippet folders; forget an earlier build's problems.
  on_files          (before any other plugin) every page must be UTF-8: a Windows-1252 file stops
                    the build here, naming the file, the line and the byte, before any other
                    step reads it; file names without spaces or non-ASCII letters (the name
                    is the address); no two pages with one title; every nav entry a file
                    (named with its line in mkdocs.yml).
  on_page_markdown  (first, on the author's text) the rules of fasciasite.content.markdown_mistakes, a
                    missing snippet (the line is dropped, so pymdownx.snippets cannot crash),
                    and every link and image to a file that does not exist, with its line.
  on_env            links to anchors that the target page does not have; then fail the build
                    when anything above was found (with or without --strict).
"""
from __future__ import annotations

import difflib
import logging
import posixpath
import re
import unicodedata
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple
from urllib.parse import unquote

from mkdocs.exceptions import PluginError

from fasciasite import pagesource
from fasciasite.content import markdown_mistakes as pagelint

if TYPE_CHECKING:  # the types of MkDocs' events, for the type checker only
    from jinja2 import Environment
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.structure.files import File, Files
    from mkdocs.structure.pages import Page

log = logging.getLogger("mkdocs.plugins.fasciasite.content.author_mistakes")  # under mkdocs.*, so strict builds count it
SAFE_NAME = re.compile(r"^[A-Za-z0-9._/-]+$")


class Examined(NamedTuple):
    """What the author checks found on one page (AuthorChecks.examine)."""

    markdown: str                                  # the page, missing snippets blanked
    problems: list[str]                            # 'file:line: what; fix'
    anchors: list[tuple[str, int, str, str, str]]  # (file, line, link, target's src_uri, anchor): checked in on_env


class AuthorChecks:
    """The author checks of one build: its problems and the anchor links checked once every page is rendered."""

    def __init__(self, report: Callable[[str], None] = log.error) -> None:
        self._state: dict = {"problems": [], "anchors": []}
        self.report = report  # the plugin's problem log (fasciasite.problems); log.error on its own

    def _problem(self, message: str) -> None:
        self.report(message)
        self._state["problems"].append(message)

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        self._state.update(problems=[], anchors=[], root=Path(config.config_file_path).parent, site_url=config.site_url or "")
        bases = (config.mdx_configs.get("pymdownx.snippets") or {}).get("base_path") or ["."]
        self._state["snippet_dirs"] = [(self._state["root"] / b) for b in ([bases] if isinstance(bases, str) else bases)]
        return config

    def _rel(self, config: MkDocsConfig, src_uri: str) -> str:
        docs, root = Path(config.docs_dir), self._state["root"]
        return (docs / src_uri).relative_to(root).as_posix() if docs.is_relative_to(root) else src_uri

    def on_files(self, files: Files, config: MkDocsConfig) -> Files:
        undecodable = []
        for f in files:
            if not SAFE_NAME.match(f.src_uri):
                folder, _, name = f.src_uri.rpartition("/")
                better = (folder + "/" if folder else "") + slug(name)
                self._problem(f"{self._rel(config, f.src_uri)}: the file name has a space or a non-ASCII letter, and it becomes the "
                         f"page's address (…/{f.url}); rename it to {self._rel(config, better)} (a-z, 0-9 and hyphens) "
                         "and update the nav and links")
            if f.is_documentation_page() and f.abs_src_path:
                problem = pagesource.utf8_problem_of(f.abs_src_path, self._rel(config, f.src_uri))
                if problem:
                    undecodable.append(problem)
        if undecodable:
            for message in undecodable:
                log.error(message)
            raise PluginError(f"{len(undecodable)} file(s) not saved as UTF-8, listed above with file and line.")
        self._titles(files, config)
        self._nav_entries(config, files)
        # Redirects that would replace a live page or lead nowhere (the redirects plugin only warns
        # about a missing target, without a line, and silently overwrites a live page).
        from fasciasite.publishing.published import redirect_problems

        for message in redirect_problems(Path(config.config_file_path), Path(config.docs_dir)):
            self._problem(message)
        return files

    def _titles(self, files: Files, config: MkDocsConfig) -> None:
        seen: dict[str, str] = {}
        for f in files.documentation_pages():
            if not f.abs_src_path:
                continue
            text, _, meta = pagesource.read(f.abs_src_path)
            title = meta.get("title")
            if not isinstance(title, str) or not title.strip():
                continue
            line = next((n for n, raw in enumerate(text.splitlines(), 1) if raw.startswith("title:")), 1)
            here = f"{self._rel(config, f.src_uri)}:{line}"
            first = seen.setdefault(" ".join(title.split()).casefold(), here)
            if first != here:
                self._problem(f"{here}: title '{title}' is also the title of {first}; give each page its own title (it is the "
                         "browser tab, the search result, the feed item and the link preview)")

    def _nav_entries(self, config: MkDocsConfig, files: Files) -> None:
        config_file = Path(config.config_file_path)
        lines = config_file.read_text(encoding="utf-8-sig").splitlines() if config_file.is_file() else []
        pages = [f.src_uri for f in files.documentation_pages()]
        for path in _nav_paths(config.nav):
            if files.get_file_from_path(path) is not None:
                continue
            line = next((n for n, raw in enumerate(lines, 1) if path in raw and not raw.lstrip().startswith("#")), 1)
            near = difflib.get_close_matches(path, pages, n=1)
            hint = f" (did you mean {near[0]}?)" if near else ""
            self._problem(f"{config_file.name}:{line}: nav entry '{path}' is not a file in docs/; create docs/{path} or fix "
                     f"the entry{hint}")

    def examine(self, markdown: str, page: Page, config: MkDocsConfig, files: Files) -> Examined:
        """The page's author mistakes, without reporting them: a pure function of the page's
        text, the site's files and configuration, so the second core can run it
        (fasciasite.secondcore); the page pipeline reports them (fasciasite.pipeline)."""
        src, offset = page.file.src_uri, 0
        if page.file.abs_src_path:
            text = pagesource.read(page.file.abs_src_path)[0]
            offset = text.count("\n", 0, len(text) - len(markdown)) if text.endswith(markdown) else 0
        where = self._rel(config, src)
        problems = (pagelint.unclosed_fence(markdown) + pagelint.undefined_refs(markdown)
                    + pagelint.foreign_images(markdown, self._state["site_url"])
                    + pagelint.own_site_links(markdown, self._state["site_url"], lambda p: _suggest_for_url(p, page, files)))
        if "<!-- md:references -->" not in markdown:
            problems += pagelint.references_heading(markdown)
        markdown, missing = self._snippets(markdown)
        problems += missing
        problems += _broken_links(markdown, page, files)
        return Examined(markdown, [f"{where}:{line + offset}: {message}" for line, message in sorted(problems)],
                        [(where, line + offset, link, target.src_uri, anchor)
                         for line, link, target, anchor in _anchor_links(markdown, page, files)])

    def keep_anchors(self, anchors: list[tuple[str, int, str, str, str]], files: Files) -> None:
        """Links to a heading of a page, checked in on_env once every page is rendered."""
        for where, line, link, target_src, anchor in anchors:
            target = files.get_file_from_path(target_src)
            if target is not None:
                self._state["anchors"].append((where, line, link, target, anchor))

    def _snippets(self, markdown: str) -> tuple[str, list[tuple[int, str]]]:
        problems: list[tuple[int, str]] = []
        lines = markdown.split("\n")
        for line, path, _raw in pagelint.snippets(markdown):
            if any((d / path).is_file() for d in self._state["snippet_dirs"]):
                continue
            where = " or ".join(d.relative_to(self._state["root"]).as_posix() + "/" for d in self._state["snippet_dirs"]
                                if d.is_relative_to(self._state["root"]))
            if (self._state["root"] / path).is_file() and any((d / Path(path).name).is_file() for d in self._state["snippet_dirs"]):
                fix = f"snippet paths are relative to {where}: write --8<-- \"{Path(path).name}\""
            else:
                fix = f"there is no {path} in {where}; create it there or fix the name (snippet paths are relative to {where})"
            problems.append((line, f"snippet '{path}' not found: {fix}"))
            lines[line - 1] = ""  # so pymdownx.snippets does not stop the build with a traceback
        return "\n".join(lines), problems

    def on_env(self, env: Environment, config: MkDocsConfig, files: Files) -> Environment:
        for where, line, link, target, anchor in self._state["anchors"]:
            ids = getattr(target.page, "present_anchor_ids", None) if target.page else None
            if ids is None or anchor in ids:
                continue
            near = difflib.get_close_matches(anchor, sorted(ids), n=1)
            hint = f"did you mean #{near[0]}?" if near else "ids there: " + ", ".join(sorted(i for i in ids if not i.startswith("fn"))[:12])
            # The id on another page (an entry of references.bib is on the References part of its
            # letter, not on the hub or another part): the link to use.
            docs = self._rel(config, "").rstrip("/") + "/"
            src = where[len(docs):] if where.startswith(docs) else where
            elsewhere = [f.src_uri for f in files.documentation_pages()
                         if f is not target and f.page is not None and anchor in (getattr(f.page, "present_anchor_ids", None) or ())]
            if elsewhere:
                hint = "it is on " + " and ".join(f"{o}: link {posixpath.relpath(o, posixpath.dirname(src) or '.')}#{anchor}"
                                                  for o in elsewhere[:3])
            self._problem(f"{where}:{line}: link {link}: {target.src_uri} has no heading or id '{anchor}'; {hint}")
        return env



def slug(name: str) -> str:
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    stem, dot, ext = ascii_name.rpartition(".") if "." in ascii_name else (ascii_name, "", "")
    return re.sub(r"[^a-z0-9]+", "-", stem.lower()).strip("-") + dot + ext


# ── Files ────────────────────────────────────────────────────────────────────


def _nav_paths(items: list | None) -> Iterator[str]:
    for item in items or []:
        value = next(iter(item.values())) if isinstance(item, dict) else item
        if isinstance(value, list):
            yield from _nav_paths(value)
        elif isinstance(value, str) and not pagelint.SCHEME.match(value) and not value.startswith("/"):
            yield value


# ── Pages ────────────────────────────────────────────────────────────────────


def _resolve(page: Page, target: str) -> str:
    path = unquote(target.split("#", 1)[0].split("?", 1)[0])
    if path.startswith("/"):
        return path.lstrip("/")
    return posixpath.normpath(posixpath.join(posixpath.dirname(page.file.src_uri), path))


def _relative(page: Page, src_uri: str) -> str:
    return posixpath.relpath(src_uri, posixpath.dirname(page.file.src_uri) or ".")


def _suggest_for_url(url_path: str, page: Page, files: Files) -> str:
    url_path = url_path.split("#", 1)[0].split("?", 1)[0]
    for f in files.documentation_pages():
        if f.url == url_path or f.url.rstrip("/") == url_path.rstrip("/"):
            return _relative(page, f.src_uri)
    return ""


def _guess(page: Page, resolved: str, files: Files) -> str:
    """The file a broken link most likely meant, as a path relative to the page."""
    all_files = [f.src_uri for f in files]
    by_lower = {s.casefold(): s for s in all_files}
    stem = re.sub(r"(/index)?(\.html?|/)?$", "", resolved)
    for candidate in (resolved.casefold(), (stem + ".md").casefold(), (stem + "/index.md").casefold(),
                      resolved.replace(" ", "-").casefold()):
        if candidate in by_lower:
            return _relative(page, by_lower[candidate])
    near = difflib.get_close_matches(resolved, all_files, n=1, cutoff=0.8)
    return _relative(page, near[0]) if near else ""


def _broken_links(markdown: str, page: Page, files: Files) -> list[tuple[int, str]]:
    problems = []
    for link in pagelint.links(markdown):
        if not pagelint.is_local(link.target) or not link.target.split("#", 1)[0]:
            continue
        resolved = _resolve(page, link.target)
        if files.get_file_from_path(resolved) is not None:
            continue
        what = "image" if link.image else "link"
        guess = _guess(page, resolved, files)
        hint = f"write {guess}" if guess else "fix the path (relative to this file) or create the file"
        problems.append((link.line, f"{what} target '{link.target}' is not a file in docs/ (docs/{resolved}); {hint}"))
    return problems


def _anchor_links(markdown: str, page: Page, files: Files) -> Iterator[tuple[int, str, File, str]]:
    for link in pagelint.links(markdown):
        if link.image or "#" not in link.target or not pagelint.is_local(link.target):
            continue
        path, anchor = link.target.split("#", 1)
        target = files.get_file_from_path(_resolve(page, path)) if path else page.file
        if target is not None and target.is_documentation_page() and anchor:
            yield link.line, link.target, target, anchor


# ── After every page is rendered ─────────────────────────────────────────────


