"""The urgent-help tiers on every page that asks for them (thin adapter to fasciasite.urgent).

  on_config         read includes/urgent-help.yml (a bad file stops the build, file:line)
  on_page_markdown  (priority 110: before the citation hook and mkdocs-bibtex, so the
                    tiers' own [@key] citations are numbered like any other) report pages
                    that re-word the tiers or re-tier a red-flag sign, then expand the
                    <!-- md:urgent-help --> shortcodes and the <!-- md:safety NAME --> blocks
                    (includes/safety.yml); with issue 20's rules enforced
                    (fasciasite.evidence.ENFORCED), report evidence-box ratings, "we found
                    no trials" without a recorded search, and articles missing a safety block.
"""
from __future__ import annotations

import logging
from pathlib import Path

from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority

from fasciasite import evidence, safety, urgent

log = logging.getLogger("mkdocs.hooks.urgent")  # under mkdocs.*, so strict builds count it
_state: dict = {}


def on_config(config):
    root = Path(config.config_file_path).parent
    try:
        _state["tiers"] = urgent.load_for(root)
    except urgent.DataError as exc:
        raise PluginError(str(exc)) from None
    _state["sections"] = tuple(config.extra.get("article_sections") or ())
    _state["evidence"] = evidence.Project(root)  # safety blocks, and issue 20's page rules once enforced
    return config


@event_priority(110)
def on_page_markdown(markdown, page, config, files):
    tiers = _state["tiers"]
    src = page.file.src_uri
    offset = 0
    if page.file.abs_src_path:
        offset = urgent.front_matter_lines(Path(page.file.abs_src_path).read_text(encoding="utf-8-sig"))
    # The "every article shows the block" rule is part of the article standard
    # (scripts/check_articles.py, make check, the tests on the built HTML); the build
    # itself enforces what can never be published: re-worded or re-tiered advice.
    for problem in urgent.lint(markdown, tiers, f"docs/{src}", offset=offset):
        log.error(str(problem))
    project, on = _state["evidence"], evidence.enforced()
    for rule, problems in project.page_problems(markdown, src, offset).items() if on else ():
        for problem in problems if rule in on else ():
            log.error(str(problem))
    return safety.expand(urgent.expand(markdown, tiers, src), project.safety)
