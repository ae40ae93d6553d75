"""YAML data files read with their line numbers, so every problem is `file:line: what; fix`.

Used by the evidence rules' data files (includes/sources.yml, includes/safety.yml,
research/searches.yml). Why our own code: PyYAML's safe loader drops the marks it reads;
keeping them is a few lines of constructor.
"""
from __future__ import annotations

from pathlib import Path

import yaml


class LinedDict(dict):
    """A mapping that knows its line and its keys' lines."""

    line: int = 1
    key_lines: dict

    def line_of(self, key: object) -> int:  # a YAML key: usually text, maybe a number
        return self.key_lines.get(key, self.line)


class LinedList(list):
    """A sequence that knows its line and each item's line."""

    line: int = 1
    item_lines: list

    def line_of(self, index: int) -> int:
        return self.item_lines[index] if 0 <= index < len(self.item_lines) else self.line


class _Loader(yaml.SafeLoader):
    """Safe YAML whose mappings and sequences keep their lines."""


# libyaml's parser when PyYAML has it (its wheels do): the same safe constructors, the same
# marks and lines, several times faster than the pure-Python parser (issue 24). A file it
# refuses is read again by _Loader, whose messages are PyYAML's (libyaml words them differently).
_LOADERS: list[type[yaml.SafeLoader] | type[yaml.CSafeLoader]] = [_Loader]  # the first that reads the text
if yaml.__with_libyaml__:
    class _Fast(yaml.CSafeLoader):
        """_Loader with libyaml's parser."""

    _LOADERS.insert(0, _Fast)


def refuse_duplicate_keys(node: yaml.MappingNode) -> None:
    """A key written twice in one mapping: PyYAML keeps the last one silently, so a second
    `nsaids:` at the end of includes/safety.yml would replace the whole first block. Merge
    keys (<<) are left to PyYAML: an explicit key may override a merged one."""
    seen: dict[str, int] = {}
    for key, _value in node.value:
        if not isinstance(key, yaml.ScalarNode) or key.tag == "tag:yaml.org,2002:merge":
            continue
        line = key.start_mark.line + 1
        if key.value in seen:
            raise yaml.constructor.ConstructorError(
                None, None, f"the key '{key.value}' appears twice in one mapping (lines {seen[key.value]} and {line}), "
                "and the second silently replaces the first; keep one", key.start_mark)
        seen[key.value] = line


def _mapping(loader: yaml.SafeLoader, node: yaml.MappingNode) -> LinedDict:
    refuse_duplicate_keys(node)
    loader.flatten_mapping(node)
    result = LinedDict(loader.construct_pairs(node, deep=True))
    result.line = node.start_mark.line + 1
    result.key_lines = {str(k.value): k.start_mark.line + 1 for k, _v in node.value if isinstance(k, yaml.ScalarNode)}
    return result


def _sequence(loader: yaml.SafeLoader, node: yaml.SequenceNode) -> LinedList:
    result = LinedList(loader.construct_sequence(node, deep=True))
    result.line = node.start_mark.line + 1
    result.item_lines = [n.start_mark.line + 1 for n in node.value]
    return result


for _cls in _LOADERS:
    _cls.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping)
    _cls.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _sequence)


def line_of(node: object, key: object = None) -> int:
    """The line of node (or of its key / item `key`), 1 when unknown."""
    if isinstance(node, LinedDict):
        return node.line_of(key) if key is not None else node.line
    if isinstance(node, LinedList):
        return node.line_of(key) if isinstance(key, int) else node.line
    return 1


def parse(text: str) -> object:
    """YAML text as data whose mappings and sequences know their lines (raises yaml.YAMLError)."""
    if _LOADERS[0] is not _Loader:
        try:
            return yaml.load(text, Loader=_LOADERS[0])
        except yaml.YAMLError:
            pass  # read again below: PyYAML's own words for what is wrong, and where
    return yaml.load(text, Loader=_Loader)


def load(path: Path, shown: str) -> tuple[object, str | None]:
    """(data, None), or (None, "shown:line: problem; fix") for a file that is not UTF-8 YAML.

    Parsed once per content (fasciasite.datacache; a build reads each evidence file two to four
    times, and a rebuild reads it again); each call gets its own copy."""
    from fasciasite import datacache

    return datacache.cached(f"yaml-{Path(path).name}", [Path(path)], lambda: _load(path, shown), code=(__name__,),
                            extra=[shown], disk=datacache.disk_for(Path(path)))


def _load(path: Path, shown: str) -> tuple[object, str | None]:
    try:
        raw = Path(path).read_bytes()
    except OSError as exc:
        return None, f"{shown}:1: cannot be read ({exc.strerror}); create it or fix its path"
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        return None, f"{shown}:{line}: is not UTF-8; save the file as UTF-8"
    try:
        return parse(text), None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{shown}:{mark.line + 1}" if mark else f"{shown}:1"
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        if "appears twice" in problem:
            return None, f"{where}: {problem}"
        return None, (f"{where}: is not valid YAML ({problem}); fix the indentation or quoting there "
                      "(use spaces, not tabs; a value containing ': ' needs quotes)")
