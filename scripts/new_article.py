#!/usr/bin/env python3
"""Start a new article with complete front matter: `python -m fasciasite.new_article` (see --help)."""
from fasciasite.new_article import main

if __name__ == "__main__":
    raise SystemExit(main())
