#!/usr/bin/env python3
"""A newsletter block of the latest articles: `python -m fasciasite.newsletter` (see --help)."""
from fasciasite.newsletter import main

if __name__ == "__main__":
    raise SystemExit(main())
