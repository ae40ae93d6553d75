#!/usr/bin/env python3
"""Articles by next review date; overdue ones and pending case-study consent flagged: `python -m fasciasite.review_status` (see --help)."""
from fasciasite.review_status import main

if __name__ == "__main__":
    raise SystemExit(main())
