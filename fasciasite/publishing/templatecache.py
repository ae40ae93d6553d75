"""The theme's templates compiled once, not on every build (issue 24).

MkDocs makes a new Jinja environment for every build, so every `mkdocs build` and every
`mkdocs serve` rebuild parsed and compiled Material's 44 templates again (about a tenth of a
`make serve-fast` rebuild at 1,000 articles). Jinja's own bytecode cache (a feature of
Jinja, not code of ours) keeps the compiled code: in `.cache/jinja/` beside mkdocs.yml,
between builds, and in the process, for the rebuilds of `mkdocs serve` (and the test suite's
builds). Jinja keys each entry by the template's name and file and checks a hash of its
source before using it, so a changed template is compiled again; a missing or damaged
cache file is compiled again too, never an error. The pages are the same bytes either way.
"""
from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from jinja2 import Environment, FileSystemBytecodeCache
from jinja2.bccache import Bucket

CACHE_DIR = Path(".cache") / "jinja"  # under the project's root, beside mkdocs.yml


class CompiledTemplates(FileSystemBytecodeCache):
    """Jinja's file cache, with what it read or wrote also kept in this process."""

    kept: ClassVar[dict[str, bytes]] = {}  # bucket key -> compiled code, for every build of the process

    def load_bytecode(self, bucket: Bucket) -> None:
        code = self.kept.get(bucket.key)
        if code is not None:
            bucket.bytecode_from_string(code)  # Jinja's own check: a changed source leaves bucket.code None
            if bucket.code is not None:
                return
        try:
            super().load_bytecode(bucket)
        except Exception:  # noqa: BLE001 - Jinja reads the checksum with pickle: a file cut short there raises
            bucket.reset()
        if bucket.code is not None:
            self.kept[bucket.key] = bucket.bytecode_to_string()

    def dump_bytecode(self, bucket: Bucket) -> None:
        self.kept[bucket.key] = bucket.bytecode_to_string()
        super().dump_bytecode(bucket)


def use_compiled_templates(env: Environment, config_file_path: str) -> Environment:
    """Give the build's environment the project's bytecode cache (before any page is rendered)."""
    folder = Path(config_file_path).parent / CACHE_DIR
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        return env  # a read-only checkout builds as before, compiling every template
    env.bytecode_cache = CompiledTemplates(str(folder))
    return env
