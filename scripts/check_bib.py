#!/usr/bin/env python3
"""Check references.bib and every [@key] in docs/ (see fasciasite/bib.py; --help)."""
from fasciasite.bib import main

if __name__ == "__main__":
    raise SystemExit(main())
