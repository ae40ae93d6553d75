#!/usr/bin/env python3
"""Flesch-Kincaid grade of each article (see fasciasite/readability.py; --help)."""
from fasciasite.readability import main

if __name__ == "__main__":
    raise SystemExit(main())
