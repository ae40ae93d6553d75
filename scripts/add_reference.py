#!/usr/bin/env python3
"""Print or append a references.bib entry for a DOI or PMID (see fasciasite/add_reference.py; --help)."""
from fasciasite.add_reference import main

if __name__ == "__main__":
    raise SystemExit(main())
