"""The text and front matter of each Markdown page, read and parsed once per change.

The article, citations and frontmatter modules import it, because each needs every page's front matter and parsing the YAML four times
(MkDocs does it once more itself) cost about a second at 1,000 pages.
"""
from __future__ import annotations

import functools
import os

from mkdocs.exceptions import PluginError
from mkdocs.utils.meta import get_data


def utf8_problem(raw: bytes, rel: str) -> str | None:
    """'FILE:LINE: is not UTF-8 ...' with the byte and the fix, or None when it decodes."""
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        byte, line = raw[exc.start:exc.start + 1], raw[:exc.start].count(b"\n") + 1
        seen = byte.decode("cp1252", errors="replace")
        return (f"{rel}:{line}: is not UTF-8 (byte 0x{byte.hex()}, '{seen}' in Windows-1252); save the file as "
                "UTF-8 (in your editor: Save with Encoding, UTF-8)")
    return None


def utf8_problem_of(path: str, rel: str) -> str | None:
    """utf8_problem of the file at `path`; read again only when the file changes (a serve
    rebuild checks every page, and all but one are as they were)."""
    stat = os.stat(path)
    return _utf8_problem_of(path, stat.st_mtime_ns, stat.st_size, rel)


@functools.lru_cache(maxsize=8192)
def _utf8_problem_of(path: str, mtime_ns: int, size: int, rel: str) -> str | None:
    with open(path, "rb") as f:
        return utf8_problem(f.read(), rel)


def read(path: str) -> tuple[str, str, dict]:
    """(text, body without front matter, front matter) of the Markdown file at `path`.
    Re-read when the file changes (mkdocs serve)."""
    stat = os.stat(path)
    return _read(path, stat.st_mtime_ns, stat.st_size)


@functools.lru_cache(maxsize=4096)
def _read(path: str, mtime_ns: int, size: int) -> tuple[str, str, dict]:
    try:
        with open(path, encoding="utf-8-sig") as f:
            text = f.read()
    except UnicodeDecodeError:
        with open(path, "rb") as f:
            raise PluginError(utf8_problem(f.read(), path) or f"{path}: cannot be read as UTF-8") from None
    body, meta = get_data(text)
    return text, body, meta
