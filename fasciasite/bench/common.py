"""Settings shared by the benchmarks (fasciasite.bench)."""
from __future__ import annotations

from fasciasite.config import find_root

ROOT = find_root()  # the checkout the command runs in (cwd), never where the package is installed
GENERATED_BIB_ENTRIES = 200
CITATIONS_PER_ARTICLE = 14
GZIP_LEVEL = 6  # what web servers typically use on the fly
SUBPROCESS_TIMEOUT = 1800
SERVE_TIMEOUT = 600  # for `mkdocs serve` to start (a full build)
WATCH_TIMEOUT = 15   # for it to notice a saved file

TARGETS = {  # name -> (limit, unit, what): issue 24's table; ratios to plain Material hold on any machine
    "floor_ratio_300": (1.3, "x", "N=300, cited, strict / plain Material"),
    "floor_ratio_1000": (1.3, "x", "N=1,000, cited, strict / plain Material"),
    "citation_overhead_1000": (1.10, "x", "citation overhead at N=1,000 (with / without)"),
    "serve_fast_reload_s": (2.0, "s", "one page saved, make serve-fast reload (largest N)"),
    "serve_reload_ratio": (1.3, "x", "one page saved, make serve reload / plain Material's"),
    "real_build_s": (2.0, "s", "strict build of the real site"),
    "first_load_gzip_kb": (90.0, "KB", "an article's first load, gzip, before the search index"),
}


class BuildFailed(Exception):
    pass


