"""Page steps that were logic inside hook files: the urgent-help tiers and safety blocks, and
numbers that must come from their sources. Each step holds the data of one build.

- `UrgentHelp`: reads includes/urgent-help.yml (a bad file stops the build, file:line) and the
  evidence project (includes/safety.yml; issue 20's page rules once enforced); `check()` reports
  pages that re-word the tiers or re-tier a red-flag sign, and the evidence rules; `expand()`
  renders `<!-- md:urgent-help -->` and `<!-- md:safety NAME -->`.
- `Numbers`: reads every entry's findings from the bibtex plugin's bib_file; `check()` reports
  each number in a cited sentence that none of its cited entries' findings states.
"""
from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError

from fasciasite import pagecache
from fasciasite.content import evidence, numbers, urgent

LineOf = Callable[[int], int]


class UrgentHelp:
    """The urgent-help tiers and the safety data of one build."""

    def __init__(self, config: MkDocsConfig) -> None:
        root = Path(config.config_file_path).parent
        try:
            self.tiers = urgent.load_for(root)
        except urgent.DataError as exc:
            raise PluginError(str(exc)) from None
        # safety blocks, and issue 20's page rules once enforced; the sections as this build read them
        self.project = evidence.Project(root, sections=tuple(config.extra.get("article_sections") or ()))
        self._config = config
        self._fingerprint: str | None = None

    def fingerprint(self) -> str:
        """The data every page's checks read, as one hash (fasciasite.pagecache), once per build."""
        if self._fingerprint is None:
            self._fingerprint = pagecache.fingerprint(self._config)
        return self._fingerprint

    def check(self, markdown: str, src: str, offset: int) -> list[str]:
        """The author's text: re-worded or re-tiered advice; the evidence rules that are enforced.
        (The "every article shows the block" rule is part of the article standard: make check.)"""
        problems = [str(p) for p in urgent.lint(markdown, self.tiers, f"docs/{src}", offset=offset)]
        on = evidence.enforced()
        for rule, found in self.project.page_problems(markdown, src, offset).items() if on else ():
            problems += [str(p) for p in found] if rule in on else []
        return problems



class Numbers:
    """The findings of every entry of references.bib (empty on a site without citations)."""

    def __init__(self, config: MkDocsConfig) -> None:
        plugin = config.plugins.get("bibtex")
        self.on = plugin is not None  # a site without citations has nothing to check
        self.findings: dict[str, str | None] = {}
        if plugin is not None:
            bib_file = Path(config.config_file_path).parent / plugin.config.bib_file
            self.findings = numbers.load_findings([bib_file], []) if bib_file.is_file() else {}

    def check(self, markdown: str, src: str, line_of: int | LineOf, source: str = "") -> list[str]:
        """line_of: lines of front matter, or the line map of the expanded text (fasciasite.shortcodes);
        source: the page's file, whose front-matter description answers to the page's sources."""
        if not self.on:
            return []
        description, line = numbers.description_of(source) if source else (None, 1)
        return [str(p) for p in numbers.check_page(markdown, self.findings, f"docs/{src}", line_of, description, line)]
