"""The site's build logic as one MkDocs plugin: `SitePlugin`, registered as the entry point
`fasciasite` (pyproject.toml, group `mkdocs.plugins`, which ProperDocs reads too) and listed
last under `plugins:` in mkdocs.yml.

Why one plugin (and not hook files): the site's steps have an order among themselves and
against mkdocs-bibtex and Material's search plugin. Here that order is code, read top to bottom
in each event below; priorities are used only to interleave with the other plugins, each with a
comment. The state of a build lives on the step objects made in `on_config`, the one place it is
reset, so every `mkdocs serve` rebuild starts clean (MkDocs keeps plugin instances across
rebuilds but runs on_config before each).

Why last in `plugins:`: at equal priority MkDocs runs plugins in list order, so our steps at
priority 0 see the page after mkdocs-bibtex (citations numbered), Material search (the index
written) and rss (the feed written), as the hook files did.

The order, event by event (P = priority; other plugins run at 0):

| Event            | Order                                                                      |
|------------------|----------------------------------------------------------------------------|
| on_config        | P100 bib check (before mkdocs-bibtex reads the file) → P0 extra validated, |
|                  | every step made → P-100 mkdocs-bibtex's registry wrapped (after it exists) |
| on_files         | P200 file names and encodings (before any plugin reads a file) → P0 who    |
|                  | cites what, the article list, each safety block's search home page, the    |
|                  | second core started (checks and QR codes ahead: fasciasite/secondcore.py)  |
| on_page_markdown | P100 the page pipeline (fasciasite.pipeline: checks on the author's text,  |
|                  | then shortcodes, then citations for mkdocs-bibtex) → [bibtex P0] → P0 page |
|                  | metadata, glossary, cards → P-100 the '@' hidden from bibtex restored       |
| on_page_content  | P0 References page list, first glossary use only, JSON-LD                  |
| on_page_context  | P100 reference lists hidden → P50 shared blocks and citation markers marked |
|                  | out of search (empty stand-ins while Material reads) → [Material search P0 |
|                  | indexes] → P0 feed card → P-50 stand-ins out → P-100 references restored   |
|                  | → P-110 the exclusion marks removed → P-200 the take-home sheet read       |
|                  | from the finished page                                                     |
| on_env           | P50 anchors checked → P0 all problems: fail once → related articles,       |
|                  | sidebar, sheets' template environment                                      |
| on_post_page     | P0 tables written in Material's scroll wrapper → the classes each page     |
|                  | uses (for Material's stylesheets, trimmed after)                           |
| on_post_build    | [search, rss P0] → P0 the second core asked for the search lay words, its  |
|                  | QR codes (the rest drawn here), cards written, feed items, take-home       |
|                  | sheets written, Material's stylesheets trimmed, ours minified → P-100      |
|                  | search lay words (done there, or here if it could not), the second core    |
|                  | stopped                                                                    |
"""
from __future__ import annotations

import logging
from pathlib import Path

from jinja2 import Environment
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.plugins import BasePlugin, CombinedEvent, event_priority
from mkdocs.structure.files import Files
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page
from mkdocs.utils.templates import TemplateContext

from fasciasite import pipeline
from fasciasite.config import ExtraConfig, SiteConfig, validate_extra
from fasciasite.content.articles import Articles
from fasciasite.content.author_mistakes import AuthorChecks
from fasciasite.content.frontmatter import FrontMatterChecks
from fasciasite.content.glossary import GlossaryStep
from fasciasite.pagesteps import Numbers, UrgentHelp
from fasciasite.problems import ProblemLog
from fasciasite.publishing.cards import Cards
from fasciasite.publishing.feed import Feed
from fasciasite.publishing.minify import minify_site_assets
from fasciasite.publishing.nav import Sidebar
from fasciasite.publishing.search_index import SearchIndex
from fasciasite.publishing.sheet import TakeHomeSheets, qr_svg, qr_table
from fasciasite.publishing.structured import StructuredData
from fasciasite.publishing.tables import wrap_tables
from fasciasite.publishing.templatecache import use_compiled_templates
from fasciasite.publishing.theme_css import ThemeCss
from fasciasite.references.citations import Citations
from fasciasite.secondcore import SecondCore
from fasciasite.steptimes import StepTimes

log = logging.getLogger("mkdocs.plugins.fasciasite")


class SitePlugin(BasePlugin[SiteConfig]):
    """Every step of the site's build, in order (see the table above)."""

    def __init__(self) -> None:
        self.is_serve = False
        self.is_dirty = False  # a --dirty build renders only changed pages (make serve-fast)
        self.builds = 0  # builds of this process (mkdocs serve: the first, then its rebuilds)
        self._fresh()

    def _fresh(self) -> None:
        """The one place a build's state is made: new, empty step objects."""
        self.problems = ProblemLog()
        self.times = StepTimes.from_env()  # per-step seconds, only when asked (FASCIASITE_STEP_TIMES)
        self.extra: ExtraConfig | None = None
        self.authoring = AuthorChecks(self.problems.reporter("author"))
        self.frontmatter = FrontMatterChecks(self.problems.reporter("front matter"))
        self.citations: Citations | None = None
        self.glossary = GlossaryStep()
        self.articles = Articles()
        self.cards = Cards()
        self.sidebar = Sidebar()
        self.feed = Feed(dirty_rebuild=self.is_serve and self.is_dirty and self.builds > 1)
        self.search = SearchIndex()
        self.structured = StructuredData()
        self.theme_css = ThemeCss(dirty=self.is_dirty)
        self.sheets: TakeHomeSheets | None = TakeHomeSheets() if self.config.get("take_home_sheets", True) else None
        self.urgent: UrgentHelp | None = None
        self.numbers: Numbers | None = None
        self.second_core = SecondCore()

    def on_startup(self, *, command: str, dirty: bool) -> None:
        self.is_serve = command == "serve"
        self.is_dirty = dirty
        self.builds = 0

    # ── Configuration ────────────────────────────────────────────────────────

    @event_priority(100)  # before mkdocs-bibtex reads references.bib: our file:line errors, not its traceback
    def _config_first(self, config: MkDocsConfig) -> MkDocsConfig:
        self.builds += 1
        self._fresh()
        if self.config.citations:
            self.citations = Citations(self.problems.reporter("citations"))
            with self.times("config: bib check"):
                self.citations.check_bib_first(config)
        return config

    def _config(self, config: MkDocsConfig) -> MkDocsConfig:
        self.extra = validate_extra(dict(config.extra), config.config_file_path)
        for name in self.extra:  # a fact left out gets its default, so no step or template meets a missing key
            if name not in config.extra and self.extra[name] is not None:
                config.extra[name] = self.extra[name]
        t = self.times
        with t("config: author checks"):
            self.authoring.on_config(config)
        with t("config: front matter"):
            self.frontmatter.on_config(config)
        with t("config: urgent help and safety data"):
            self.urgent = UrgentHelp(config)
        with t("config: numbers (findings)"):
            self.numbers = Numbers(config)
        with t("config: glossary"):
            self.glossary.on_config(config, self.config.glossary_file)
        with t("config: articles"):
            self.articles.on_config(config, self.config.words_per_minute, self.config.related)
        with t("config: structured data"):
            self.structured.on_config(config)
        with t("config: feed"):
            self.feed.on_config(config)
        with t("config: search"):
            self.search.on_config(config, self.config.glossary_file)
        return config

    @event_priority(-100)  # after mkdocs-bibtex made its registry in its own on_config
    def _config_last(self, config: MkDocsConfig) -> MkDocsConfig:
        if self.citations is not None:
            with self.times("config: citations registry"):
                self.citations.wrap_registry(config)
        return config

    on_config = CombinedEvent(_config_first, _config, _config_last)

    def on_pre_build(self, *, config: MkDocsConfig) -> None:
        with self.times("pre_build: cards"):
            self.cards.on_pre_build(config)

    # ── Files ────────────────────────────────────────────────────────────────

    @event_priority(200)  # before any plugin reads a page: a file that is not UTF-8 stops the build here
    def _files_first(self, files: Files, *, config: MkDocsConfig) -> Files:
        with self.times("files: names and encodings"):
            return self.authoring.on_files(files, config)

    def _files(self, files: Files, *, config: MkDocsConfig) -> Files:
        t = self.times
        # Work done ahead (fasciasite.secondcore); not for a --dirty build, which renders only the changed pages.
        ahead = self.config.second_core and not self.is_serve and not self.is_dirty
        later = self.second_core.later if ahead else None     # whole-site values: on the second core first
        if self.citations is not None:
            with t("files: who cites what"):
                files = self.citations.on_files(files, config, later)  # read when the References page needs it
        with t("files: article list"):
            files = self.articles.on_files(files, config)
        with t("files: safety blocks' search homes"):
            files = self.search.on_files(files, config, later)  # each safety block's home page, from the sources
        if ahead:
            with t("files: second core started"):
                self.second_core.start(self, config, files)
        return files

    on_files = CombinedEvent(_files_first, _files)

    # ── Pages ────────────────────────────────────────────────────────────────

    @event_priority(100)  # before mkdocs-bibtex (0): it must see our citations, not the author's
    def _page_markdown_first(self, markdown: str, *, page: Page, config: MkDocsConfig, files: Files) -> str:
        return pipeline.page_markdown(self, markdown, page, config, files)

    def _page_markdown(self, markdown: str, *, page: Page, config: MkDocsConfig, files: Files) -> str:
        t = self.times
        with t("page_markdown: front matter"):
            markdown = self.frontmatter.on_page_markdown(markdown, page, config, files)
        with t("page_markdown: articles"):
            markdown = self.articles.on_page_markdown(markdown, page, config, files)
        with t("page_markdown: cards"):
            return self.cards.on_page_markdown(markdown, page, config, files)

    @event_priority(-100)  # after mkdocs-bibtex: the '@' hidden from it comes back
    def _page_markdown_last(self, markdown: str, *, page: Page, config: MkDocsConfig, files: Files) -> str:
        if self.citations is not None:
            with self.times("page_markdown: citations after bibtex"):
                markdown = self.citations.after_bibtex(markdown, page, config, files)
        return markdown

    on_page_markdown = CombinedEvent(_page_markdown_first, _page_markdown, _page_markdown_last)

    def on_page_content(self, html: str, *, page: Page, config: MkDocsConfig, files: Files) -> str:
        t = self.times
        if self.citations is not None:
            with t("page_content: references"):
                html = self.citations.on_page_content(html, page, config, files)
        with t("page_content: glossary"):
            html = self.glossary.on_page_content(html, page, config, files)
        with t("page_content: structured data"):
            return self.structured.on_page_content(html, page, config, files)  # JSON-LD: needs the rendered reference list

    @event_priority(100)  # before Material's search plugin (0) indexes page.content
    def _page_context_first(self, context: TemplateContext, *, page: Page, config: MkDocsConfig,
                            nav: Navigation) -> TemplateContext:
        if self.citations is not None:
            with self.times("page_context: references hidden from search"):
                context = self.citations.hide_references_from_search(context, page, config, nav)
        return context

    @event_priority(50)  # after the reference list is cut (100), before Material's search indexes (0)
    def _page_context_mark(self, context: TemplateContext, *, page: Page, config: MkDocsConfig,
                           nav: Navigation) -> TemplateContext:
        with self.times("page_context: search marks"):
            return self.search.mark(context, page, config, nav)

    def _page_context(self, context: TemplateContext, *, page: Page, config: MkDocsConfig,
                      nav: Navigation) -> TemplateContext:
        with self.times("page_context: feed"):
            return self.feed.on_page_context(context, page, config, nav)

    @event_priority(-50)  # after Material indexed the stand-ins: the marked page again
    def _page_context_restored(self, context: TemplateContext, *, page: Page, config: MkDocsConfig,
                               nav: Navigation) -> TemplateContext:
        with self.times("page_context: search stand-ins taken out"):
            return self.search.restore(context, page, config, nav)

    @event_priority(-100)  # after Material indexed it: the page is written out whole
    def _page_context_after_search(self, context: TemplateContext, *, page: Page, config: MkDocsConfig,
                                   nav: Navigation) -> TemplateContext:
        if self.citations is not None:
            with self.times("page_context: references restored"):
                context = self.citations.restore_references(context, page, config, nav)
        return context

    @event_priority(-110)  # after the references are restored: the urgent-help exclusion mark goes
    def _page_context_last(self, context: TemplateContext, *, page: Page, config: MkDocsConfig,
                           nav: Navigation) -> TemplateContext:
        with self.times("page_context: search unmarked"):
            return self.search.unmark(context, page, config, nav)

    @event_priority(-200)  # last: the take-home sheet reads the finished content (references restored, marks out)
    def _page_context_sheet(self, context: TemplateContext, *, page: Page, config: MkDocsConfig,
                            nav: Navigation) -> TemplateContext:
        if self.sheets is not None:
            with self.times("page_context: take-home sheet"):
                context = self.sheets.on_page_context(context, page, config, nav)
        return context

    on_page_context = CombinedEvent(_page_context_first, _page_context_mark, _page_context, _page_context_restored,
                                    _page_context_after_search, _page_context_last, _page_context_sheet)

    # ── After every page is rendered ─────────────────────────────────────────

    @event_priority(50)  # anchors first, so their problems are in the one list the build fails with
    def _env_first(self, env: Environment, *, config: MkDocsConfig, files: Files) -> Environment:
        env = use_compiled_templates(env, config.config_file_path)  # before any template is loaded
        with self.times("env: anchors"):
            return self.authoring.on_env(env, config, files)

    def _env(self, env: Environment, *, config: MkDocsConfig, files: Files) -> Environment:
        self.problems.fail_if_any()  # the one place a build stops for its pages' problems, all listed
        t = self.times
        with t("env: related articles"):
            env = self.articles.on_env(env, config, files)
        with t("env: sidebar"):
            env = self.sidebar.on_env(env, config, files)
        if self.sheets is not None:
            with t("env: sheets"):
                env = self.sheets.on_env(env, config, files)
        return env

    on_env = CombinedEvent(_env_first, _env)

    # ── Each page as it is written ───────────────────────────────────────────

    def on_post_page(self, output: str, *, page: Page, config: MkDocsConfig) -> str:
        with self.times("post_page: tables in Material's scroll wrapper"):
            output = wrap_tables(output)
        with self.times("post_page: classes for the theme's stylesheets"):
            self.theme_css.on_output(output)
        return output

    def on_post_template(self, output_content: str, *, template_name: str, config: MkDocsConfig) -> str:
        if template_name.endswith(".html"):  # 404.html
            self.theme_css.on_output(output_content)
        return output_content

    def _post_build(self, *, config: MkDocsConfig) -> None:
        t = self.times
        self.second_core.ask_search()  # Material's index is written: the lay words on the second core
        with t("post_build: the second core's QR codes (the missing ones drawn here)"):
            if self.sheets is not None:  # (the codes an earlier build drew are read back by the sheets step)
                known = qr_table(config)
                self.second_core.finish([a for a in self.sheets.addresses() if a not in known], qr_svg)
            else:
                self.second_core.finish()
        with t("post_build: cards"):
            self.cards.on_post_build(config)  # before the feed: its items point at the cards
        with t("post_build: feed"):
            self.feed.on_post_build(config)
        if self.sheets is not None:
            with t("post_build: sheets"):
                self.sheets.on_post_build(config, self.second_core.qr)
        with t("post_build: theme stylesheets trimmed"):
            self.theme_css.on_post_build(config)
        with t("post_build: our scripts and stylesheets minified"):
            minify_site_assets(Path(config.docs_dir), Path(config.site_dir))

    @event_priority(-100)  # after Material's search plugin has written the index
    def _post_build_last(self, *, config: MkDocsConfig) -> None:
        with self.times("post_build: search"):
            if not self.second_core.searched():  # done on the second core, else here
                self.search.on_post_build(config)
        for step, (cpu, items) in self.second_core.cpu.items():  # its CPU time, beside the main process's
            self.times.add(f"second core: {step} ({items})", cpu, cpu)
        for step, spent in self.second_core.steps.items():  # each pipeline step it ran
            self.times.add(f"second core: {step}", float(spent["seconds"]), float(spent["cpu_seconds"]), int(spent["calls"]))
        self.times.write()  # only when asked (FASCIASITE_STEP_TIMES)

    on_post_build = CombinedEvent(_post_build, _post_build_last)

    def on_build_error(self, *, error: Exception) -> None:
        self.second_core.stop()
        self.cards.on_build_error(error)


__all__ = ["SitePlugin"]
