#!/usr/bin/env python3
"""Benchmarks: builds, citations, link checker, page weight: `python -m fasciasite.bench` (see --help)."""
from fasciasite.bench.__main__ import main

if __name__ == "__main__":
    raise SystemExit(main())
