"""Git, read-only, for the checks that compare a file with its committed history (the
urgent-help pins never lowered silently, published URLs never lost). None when git or the
history is not there (a tarball, a shallow copy): each check then says what it could not see."""
from __future__ import annotations

import subprocess
from pathlib import Path


def git(root: Path, *args: str) -> str | None:
    """The output of `git ARGS` in the checkout at root, or None when git fails or is missing."""
    try:
        result = subprocess.run(["git", *args], cwd=root, capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return result.stdout if result.returncode == 0 else None
