#!/usr/bin/env python3
"""Every article has the parts the editorial policy requires: `python -m fasciasite.articlecheck` (see --help)."""
from fasciasite.articlecheck import main

if __name__ == "__main__":
    raise SystemExit(main())
