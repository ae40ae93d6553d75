#!/usr/bin/env python3
"""Our link checker against lychee and LinkChecker: `python -m fasciasite.bench.links` (see --help)."""
from fasciasite.bench.links import main

if __name__ == "__main__":
    raise SystemExit(main())
