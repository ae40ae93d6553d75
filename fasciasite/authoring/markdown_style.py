"""Markdown style (PyMarkdown with .pymarkdown.json), on what the author wrote.

Usage: python -m fasciasite.authoring.markdown_style [--config .pymarkdown.json] [FOLDER ...]   (default: docs)

Why a wrapper: PyMarkdown reads a file that starts with a UTF-8 byte-order mark as if
the BOM were text, so its front matter is not recognised and it reports errors that are
not there (MD041 on line 1, MD007/MD032 in the front matter). The BOM is valid (MkDocs
and every other check read it), so each file is linted without it, from a temporary
copy, and every finding names the author's own file (docs/..., not a temporary path).
The same holds for a tab in the front matter ("author:<TAB>editorial-team", valid YAML
that the build reads): PyMarkdown then stops seeing front matter and reports six unrelated
lines, so tabs in the front matter are linted as spaces (the build checks the YAML itself).

Exit 0 when no finding, 1 when PyMarkdown reports one, 2 on bad usage.
"""
from __future__ import annotations

import argparse
import re
import subprocess
import sys
import tempfile
from pathlib import Path

BOM = b"\xef\xbb\xbf"
FRONT_MATTER = re.compile(rb"\A---[ \t]*\r?\n.*?\n(?:---|\.\.\.)[ \t]*(?:\r?\n|\Z)", re.S)


def lintable(raw: bytes) -> bytes:
    """The file as PyMarkdown should read it: no BOM, no tabs inside the front matter (same lines)."""
    raw = raw[len(BOM):] if raw.startswith(BOM) else raw
    m = FRONT_MATTER.match(raw)
    return raw[: m.end()].replace(b"\t", b" ") + raw[m.end():] if m else raw


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m fasciasite.authoring.markdown_style", description=__doc__.split("\n\n")[0],
                                 epilog="Exit 0 when no finding, 1 when PyMarkdown reports one, 2 on bad usage.")
    ap.add_argument("folders", nargs="*", default=["docs"], help="folders of Markdown pages (default: docs)")
    ap.add_argument("--config", default=".pymarkdown.json", help="PyMarkdown settings (default .pymarkdown.json)")
    args = ap.parse_args(argv)
    missing = [f for f in args.folders if not Path(f).is_dir()]
    if missing:
        print(f"markdown_lint: no such folder: {', '.join(missing)}; run from the project root", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(prefix="mdlint-") as tmp:
        for folder in args.folders:
            for md in sorted(Path(folder).rglob("*.md")):
                copy = Path(tmp) / md
                copy.parent.mkdir(parents=True, exist_ok=True)
                raw = md.read_bytes()
                copy.write_bytes(lintable(raw))
        config = ["--config", str(Path(args.config).resolve())] if Path(args.config).is_file() else []
        result = subprocess.run([sys.executable, "-m", "pymarkdown", *config, "scan", "-r", *args.folders],
                                cwd=tmp, capture_output=True, text=True)
    output = (result.stdout + result.stderr).replace(tmp + "/", "")
    if output.strip():
        print(output.strip())
    return 0 if result.returncode == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
