#!/usr/bin/env python3
"""Lighthouse scores with Debian's Chromium: `python -m fasciasite.bench.lighthouse` (see --help)."""
from fasciasite.bench.lighthouse import main

if __name__ == "__main__":
    raise SystemExit(main())
