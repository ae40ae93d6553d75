"""Numbers that cannot drift from their sources (thin adapter to fasciasite.numbers).

  on_config         read every entry's findings field from the bibtex plugin's bib_file
  on_page_markdown  (priority 110, on the author's Markdown) report each number in a cited
                    sentence that none of its cited entries' findings states: file:line,
                    the number, the keys and the fix; a percentage or proportion with no
                    source, and the description's figures against the page's sources.
                    Strict builds fail on them.
"""
from __future__ import annotations

import logging
from pathlib import Path

from mkdocs.plugins import event_priority

from fasciasite import numbers, urgent

log = logging.getLogger("mkdocs.hooks.numbers")  # under mkdocs.*, so strict builds count it
_state: dict = {}


def on_config(config):
    plugin = config.plugins.get("bibtex")
    _state["on"] = plugin is not None  # a site without citations has nothing to check
    if plugin is not None:
        bib_file = Path(config.config_file_path).parent / plugin.config.bib_file
        _state["findings"] = numbers.load_findings([bib_file], []) if bib_file.is_file() else {}
    return config


@event_priority(110)
def on_page_markdown(markdown, page, config, files):
    if not _state["on"]:
        return markdown
    offset, description, line = 0, None, 1
    if page.file.abs_src_path:
        source = Path(page.file.abs_src_path).read_text(encoding="utf-8-sig")
        offset = urgent.front_matter_lines(source)
        description, line = numbers.description_of(source)
    for problem in numbers.check_page(markdown, _state["findings"], f"docs/{page.file.src_uri}", offset,
                                      description, line):
        log.error(str(problem))
    return markdown
