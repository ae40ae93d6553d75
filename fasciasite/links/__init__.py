"""The link checker for the built site: `python -m fasciasite.links SITE_DIR` (see --help).

Modules: common (settings, records, HTML/CSS/sitemap parsing), resolve (the file tree
and how a link as written resolves), internal (pages, anchors, assets inside the site),
external (the polite network checker), cli (command line and report, run by __main__).
The names below are its public API.
"""
from fasciasite.links.cli import build_parser, main, report  # noqa: F401
from fasciasite.links.common import (  # noqa: F401
    DEFAULT_CONFIG,
    Finding,
    Page,
    UsageError,
    css_urls,
    parse_page,
    parse_srcset,
    refresh_target,
    sitemap_locs,
)
from fasciasite.links.external import ExternalChecker, check_external, is_blocked_ok, load_config, retry_after  # noqa: F401
from fasciasite.links.internal import Site, check_internal, check_pages  # noqa: F401
