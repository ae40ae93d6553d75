"""The text and front matter of each Markdown page, read and parsed once per change.

The article, citations and frontmatter modules import it, because each needs every page's front matter and parsing the YAML four times
(MkDocs does it once more itself) cost about a second at 1,000 pages.
"""
from __future__ import annotations

import functools
import os

from mkdocs.utils.meta import get_data


def read(path: str) -> tuple[str, str, dict]:
    """(text, body without front matter, front matter) of the Markdown file at `path`.
    Re-read when the file changes (mkdocs serve)."""
    stat = os.stat(path)
    return _read(path, stat.st_mtime_ns, stat.st_size)


@functools.lru_cache(maxsize=4096)
def _read(path: str, mtime_ns: int, size: int) -> tuple[str, str, dict]:
    with open(path, encoding="utf-8-sig") as f:
        text = f.read()
    body, meta = get_data(text)
    return text, body, meta
