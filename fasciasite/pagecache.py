"""The page pipeline's checks remembered between `mkdocs serve` rebuilds (issue 24).

A rebuild after one saved page runs every page through the pipeline again. A page's checks
(unknown shortcodes, the urgent-help lint and evidence rules, the numbers check) are pure
functions of what they read: the page's text (the author's file, the Markdown MkDocs hands
over, the text after the shortcodes are expanded), the page's path, and the data files (the
bibliography, every file under includes/ and research/, mkdocs.yml, each file a plugin
option names) and today's date. So the problems found are kept under a SHA-256 of ALL of
those; a page whose text or any data file changed, or a new day, is a new key and is checked
again. A hit reports the same problems again: a page with a problem fails every rebuild, as
it would if it had been checked. A check is never skipped on a changed page.

Kept in the process only (a `make build` is a new process and checks every page).
"""
from __future__ import annotations

import datetime as dt
import hashlib
from collections import OrderedDict
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig

from fasciasite.problems import Problem

KEPT = 20000  # results (two per page): a few rebuilds of a 1,000-page site

Problems = list[tuple[str, Problem | str]]  # (kind, problem) as the plugin's problem log takes them

_results: OrderedDict[str, Problems] = OrderedDict()
stats = {"hits": 0, "misses": 0}  # read by the tests and printed by nothing
DATA_FOLDERS = ("includes", "research")


def data_files(config: MkDocsConfig) -> list[Path]:
    """Every file a page's checks may read: mkdocs.yml, the bibliography, everything under
    includes/ and research/, and each file the plugins' options name (`*_file`)."""
    root = Path(config.config_file_path).parent
    files = {Path(config.config_file_path)}
    for folder in DATA_FOLDERS:
        if (root / folder).is_dir():
            files |= {p for p in (root / folder).rglob("*") if p.is_file()}
    for _name, plugin in config.plugins.items():
        for option, value in (getattr(plugin, "config", None) or {}).items():
            if option.endswith("_file") and isinstance(value, str) and value and (root / value).is_file():
                files.add(root / value)
    return sorted(files)


def fingerprint(config: MkDocsConfig, today: dt.date | None = None) -> str:
    """A SHA-256 of the data files' paths and bytes and today's date (computed once per build)."""
    h = hashlib.sha256(str(today or dt.date.today()).encode())
    for path in data_files(config):
        h.update(str(path).encode() + b"\0" + hashlib.sha256(path.read_bytes()).digest())
    return h.hexdigest()


def key(*parts: str) -> str:
    h = hashlib.sha256()
    for part in parts:
        h.update(hashlib.sha256(part.encode("utf-8", "surrogatepass")).digest())
    return h.hexdigest()


def get(k: str) -> Problems | None:
    found = _results.get(k)
    if found is None:
        stats["misses"] += 1
        return None
    _results.move_to_end(k)
    stats["hits"] += 1
    return list(found)


def put(k: str, problems: Problems) -> None:
    _results[k] = list(problems)
    while len(_results) > KEPT:
        _results.popitem(last=False)


def clear() -> None:
    _results.clear()
    for name in stats:
        stats[name] = 0
