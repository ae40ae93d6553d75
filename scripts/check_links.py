#!/usr/bin/env python3
"""Check every link of the built site: `python -m fasciasite.links` (see --help)."""
from fasciasite.links.__main__ import main

if __name__ == "__main__":
    raise SystemExit(main())
