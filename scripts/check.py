#!/usr/bin/env python3
"""The author's quick check before a pull request: `python -m fasciasite.check` (see --help)."""
from fasciasite.check import main

if __name__ == "__main__":
    raise SystemExit(main())
