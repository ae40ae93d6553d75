"""`python -m fasciasite.links SITE_DIR`: the command line of fasciasite.links.cli (see --help)."""
import sys

from fasciasite.links.cli import build_parser, main, report  # noqa: F401 (scripts/check_links.py)

if __name__ == "__main__":
    sys.exit(main())
