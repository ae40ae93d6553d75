"""Parsed data files cached by content hash (issue 24): read references.bib or a YAML file once.

A build used to parse references.bib six times (the bib check, the evidence rules twice, the
numbers check, structured data, the citation keys) and the evidence data files two to four
times each; `mkdocs serve` did it all again on every rebuild. `cached(kind, files, make)` runs
`make()` once for the bytes of `files` and hands every later call with the same bytes a fresh
copy of the result:

- the key is a SHA-256 of `kind`, each file's path and bytes, and the source of the code that
  parses them (`code`: modules, so a changed parser never reads an old result) plus any
  `extra` inputs (e.g. today's date where a result depends on it); any change of any of them
  is a miss;
- the result is stored pickled and every hit unpickles it, so no caller can change what
  another caller (or the next rebuild) gets;
- in the process (every `mkdocs serve` rebuild), and, when `disk` is given (a project's
  `.cache/data/`), between builds: a `make build` after a change that did not touch
  references.bib reads the parsed file back in a millisecond instead of parsing it again.
  A missing, unreadable or corrupt cache file is a miss, never an error.

Why our own (not functools.lru_cache): the key must be the files' content, not the arguments,
and a hit must be a copy.
"""
from __future__ import annotations

import hashlib
import os
import pickle
import sys
import tempfile
from collections import OrderedDict
from collections.abc import Callable, Iterable, Sequence
from functools import cache
from pathlib import Path
from typing import TypeVar

T = TypeVar("T")
DISK_DIR = Path(".cache") / "data"  # under a project's root (beside mkdocs.yml)
KEPT = 64  # results kept in the process: every kind a build caches (about 20), a few versions each in a serve session

_memo: OrderedDict[str, bytes] = OrderedDict()
stats = {"hits": 0, "disk_hits": 0, "misses": 0}  # read by the tests


@cache
def _code_digest(modules: tuple[str, ...]) -> bytes:
    """The source of the modules that make a result (a changed parser is a new key)."""
    h = hashlib.sha256()
    for name in modules:
        module = sys.modules.get(name)
        path = getattr(module, "__file__", None)
        h.update(name.encode() + b"\0" + (Path(path).read_bytes() if path else b"?"))
    return h.digest()


def key_of(kind: str, files: Iterable[Path], code: Sequence[str] = (), extra: Iterable[object] = ()) -> str:
    h = hashlib.sha256(kind.encode() + b"\0" + _code_digest(tuple(code)))
    for f in files:
        try:
            data = Path(f).read_bytes()
        except OSError:
            data = b"\0missing"
        h.update(str(f).encode() + b"\0" + hashlib.sha256(data).digest())
    for x in extra:
        h.update(b"\0" + repr(x).encode())
    return h.hexdigest()


def project_disk(root: Path) -> Path | None:
    """A project's cache folder (beside mkdocs.yml), or None where there is no project."""
    return Path(root) / DISK_DIR if (Path(root) / "mkdocs.yml").is_file() else None


def disk_for(file: Path, levels: int = 2) -> Path | None:
    """The cache folder of the project a data file belongs to: the first folder at or up to
    `levels` above the file's own that holds mkdocs.yml (includes/safety.yml -> the root)."""
    folder = Path(file).absolute().parent
    for candidate in [folder, *folder.parents][: levels + 1]:
        if (found := project_disk(candidate)) is not None:
            return found
    return None


def cached(kind: str, files: Sequence[Path], make: Callable[[], T], *, code: Sequence[str] = (),
           extra: Iterable[object] = (), disk: Path | None = None) -> T:
    """make(), or a fresh copy of its result for the same kind, file bytes, code and extra."""
    key = key_of(kind, files, code, extra)
    blob = _memo.get(key)
    if blob is not None:
        _memo.move_to_end(key)
        stats["hits"] += 1
        return pickle.loads(blob)
    path = disk / f"{kind}-{key[:32]}.pickle" if disk is not None else None
    if path is not None and path.is_file():
        try:
            blob = path.read_bytes()
            value = pickle.loads(blob)
        except Exception:  # a torn or old-format file is a miss
            blob = None
        else:
            stats["disk_hits"] += 1
            _remember(key, blob)
            return value
    stats["misses"] += 1
    value = make()
    blob = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)  # what later calls unpickle: never this object
    _remember(key, blob)
    if path is not None:
        _write(path, blob, kind)
    return value


def _remember(key: str, blob: bytes) -> None:
    _memo[key] = blob
    while len(_memo) > KEPT:
        _memo.popitem(last=False)


def _write(path: Path, blob: bytes, kind: str) -> None:
    """Write atomically (two builds at once never read half a file); old results of this kind go."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        for old in path.parent.glob(f"{kind}-*.pickle"):
            if old != path:
                old.unlink(missing_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
        with os.fdopen(fd, "wb") as f:
            f.write(blob)
        os.replace(tmp, path)
    except OSError:
        pass  # a read-only checkout builds without the disk cache


def clear() -> None:
    """Forget every result held in the process (the tests start clean)."""
    _memo.clear()
    for k in stats:
        stats[k] = 0


def load_table(kind: str, disk: Path | None, code: Sequence[str] = (), extra: Iterable[object] = ()) -> dict:
    """A table {text: result} of a pure function of a short text (a QR code of an address),
    kept in one file under `disk` for this code and extra; empty when there is none yet.
    Save it back with save_table after adding to it."""
    if disk is None:
        return {}
    path = disk / f"{kind}-{key_of(kind, [], code, extra)[:32]}.pickle"
    try:
        table = pickle.loads(path.read_bytes())
    except Exception:  # missing, torn or old: start empty
        return {}
    return table if isinstance(table, dict) else {}


def save_table(kind: str, disk: Path | None, table: dict, code: Sequence[str] = (), extra: Iterable[object] = ()) -> None:
    if disk is not None and table:
        _write(disk / f"{kind}-{key_of(kind, [], code, extra)[:32]}.pickle",
               pickle.dumps(table, protocol=pickle.HIGHEST_PROTOCOL), kind)
