"""Shrinking an image within the site's budget (python -m fasciasite.publishing.outputcheck --shrink FILE):
at most image_max_side pixels on the longer side, re-saved compressed in its own format."""
from __future__ import annotations

from pathlib import Path


def shrink(path: Path, limits: dict[str, int]) -> str:
    from PIL import Image

    before = path.stat().st_size
    with Image.open(path) as im:
        im.load()
        side = limits["image_max_side"]
        if max(im.size) > side:
            im.thumbnail((side, side))
        fmt = im.format or "PNG"
        if fmt == "JPEG":
            im.convert("RGB").save(path, "JPEG", quality=80, optimize=True, progressive=True)
        else:
            im.save(path, fmt, optimize=True)
    return f"{path}: {before:,} -> {path.stat().st_size:,} bytes"
