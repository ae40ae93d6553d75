"""Check every link of a built static site (the MkDocs output in site/), or of any HTML.

Usage: python -m fasciasite.links SITE_DIR [--external] [--site-url URL] [--json]
           [--cache FILE] [--config FILE] [--timeout S] [--concurrency N]

Internal links (always, offline): a[href], img[src], srcset candidates, link[href]
(canonical too), script[src], source[src|srcset] (and iframe/video/audio/track/embed),
the preview-card URLs og:image, og:url and twitter:image (which must be absolute),
meta-refresh redirect pages, url(...) in the site's own *.css, and every <loc> of
sitemap.xml. Relative links are resolved against <base href> when a page has one; a
query-only link (?x=1#frag) is the page itself. A target must exist inside SITE_DIR
(directory URLs mean index.html, case-sensitive, percent-decoded, query ignored) and a
#fragment must be an id or <a name> there. Reported whatever the target: a malformed
URL (a bad host such as http://localhost], http:// or https:\\host with no host, a
backslash), a file: URL, an empty <img src="">, and javascript: URLs (security
findings). External links are only collected.

External links (--external): GET as browsers and lychee do (the body unread), redirects followed
by hand (at most 10, loops named), a time limit on each whole request (connecting to the
last byte read: a trickling server is cut off too), the body never read, 2
requests per host and --concurrency in all, up to 2 retries on 429/503 honouring
Retry-After up to 5 s. A link with a #fragment is fetched with GET instead and, when
the answer is HTML, its first 2 MB are read for that id or <a name> (a missing one is
reported; one beyond 2 MB is "not verified"; #top, #:~:text= and app routes such as
#/path or #!path are not checked). Reported but not counted as broken: 401/403 from the
bot-protected publishers of linkcheck.toml ("blocked, not verified") and
"rate limited" (429, or a longer Retry-After). --cache keeps results (ok 7 days,
failures 1 day) so a second run asks nothing that is still fresh. Whatever one server
does (a reset, an answer cut short or not HTTP at all, DNS or TLS failing, an exception
nobody foresaw) is that link's finding with a plain reason; every other link keeps its
result.

Output: one line per broken link, `SOURCE -> LINK: reason (xN)`, SOURCE being the
docs/*.md file (from the page's edit link or <meta name="source-file">) or the page's
path in SITE_DIR; then a summary. --json prints the findings as a list of objects.

Exit 0 when nothing is broken, 1 when something is, 2 on bad usage, 3 on an internal
error (a bug of the checker: its traceback is printed on stderr).
"""
from __future__ import annotations

import argparse
import dataclasses
import json
import sys
import time
import traceback
from pathlib import Path
from urllib.parse import urlsplit

from fasciasite.links.common import (
    DEFAULT_CONFIG,
    NOT_BROKEN,
    PER_HOST,
    Finding,
    UsageError,
    host_problem,
)
from fasciasite.links.external import (
    check_external,
    load_config,
)
from fasciasite.links.internal import (
    check_internal,
)
from fasciasite.problems import Problem


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="check_links.py",
        description="Check the internal (and with --external, the external) links of a "
                    "built static site or any HTML: pages, #anchors (of other sites too, "
                    "with --external), assets, preview cards, canonical links, <base href>; "
                    "a malformed or file: URL is a finding. Exit 0 ok, 1 broken links found, "
                    "2 bad usage, 3 internal error.",
        epilog="Example: python scripts/check_links.py site --external --cache .linkcache.json")
    parser.add_argument("site_dir", metavar="SITE_DIR", help="the built site (mkdocs build output)")
    parser.add_argument("--external", action="store_true",
                        help="also check links to other hosts over the network")
    parser.add_argument("--site-url", help="the site's public URL; absolute links under it are "
                        "internal (default: index.html's canonical link, else sitemap.xml)")
    parser.add_argument("--json", action="store_true", help="print findings as a JSON list")
    parser.add_argument("--cache", metavar="FILE", help="JSON cache of external results")
    parser.add_argument("--config", metavar="FILE", help=f"settings (default: {DEFAULT_CONFIG})")
    parser.add_argument("--timeout", type=float, default=10.0, metavar="S",
                        help="seconds per external request (default: 10)")
    parser.add_argument("--concurrency", type=int, default=8, metavar="N",
                        help=f"external requests at once (default: 8; {PER_HOST} per host)")
    return parser


def report(findings: list[Finding], pages: int, checked: int, external_note: str,
           as_json: bool, site: Path) -> None:
    broken = sum(f.count for f in findings if f.kind not in NOT_BROKEN)
    security = sum(f.count for f in findings if f.kind == "security")
    summary = (f"{pages} pages, {checked} links checked{external_note}: "
               f"{broken} broken, {security} security findings")
    if as_json:
        print(json.dumps([dataclasses.asdict(f) for f in findings], indent=2))
        print(summary, file=sys.stderr)
        return
    lines = LineFinder(site)
    for f in findings:
        times = f" (x{f.count})" if f.count > 1 else ""
        print(Problem(f.source, lines.of(f), f"{f.link}: {f.reason}{times}", FIXES.get(f.kind, "")))
    print(summary)


# What an author does about each kind of finding (the fix part of `file:line: what; fix`).
FIXES = {
    "internal": "correct the address, or restore the page (if it moved, add a redirect in mkdocs.yml)",
    "fragment": "link to an id the page has (a heading's id), or give the target that id",
    "malformed": "write a full https:// address or a relative path to a page of the site",
    "security": "remove it: a javascript: link runs code; link to a real page",
    "external": "open the address; if the page moved, link to where it went, else remove the link",
    "blocked": "not a failure: the host refuses checkers; open it by hand",
    "rate-limited": "not a failure: the host asked us to slow down; check again later",
    "unverified": "not a failure: open it by hand",
}


class LineFinder:
    """The line a link is written on: in its Markdown source when that file is in the checkout
    (the current directory), else in the built page. 0 when the link cannot be found as written
    (a link the theme made, or one Markdown wrote differently)."""

    def __init__(self, site: Path) -> None:
        self.site, self.texts = site, dict[Path, str]()

    def _text(self, path: Path) -> str:
        if path not in self.texts:
            try:
                self.texts[path] = path.read_text(encoding="utf-8", errors="replace") if path.is_file() else ""
            except OSError:
                self.texts[path] = ""
        return self.texts[path]

    def of(self, f: Finding) -> int:
        if f.source.endswith(".md"):
            text = self._text(Path(f.source))
            path = f.link.split("#")[0].rstrip("/")
            needles = [f.link, *([path.rsplit("/", 1)[-1] + ".md", path.rsplit("/", 1)[-1] + "/"] if path else []),
                       *(["#" + f.link.split("#", 1)[1]] if "#" in f.link else [])]
        else:
            text = self._text(self.site / f.page)
            needles = [f'"{f.link}"', f"'{f.link}'", f.link]
        for needle in needles:
            if needle and (at := text.find(needle)) >= 0:
                return text.count("\n", 0, at) + 1
        return 0


def main(argv: list[str] | None = None, now: float | None = None) -> int:
    args = build_parser().parse_args(argv)  # bad options: exit 2 (argparse)
    try:
        return run(args, now)
    except UsageError as exc:
        print(f"check_links.py: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("check_links.py: interrupted", file=sys.stderr)
        return 130
    except Exception as exc:  # a bug, not a finding: never mistaken for "broken links"
        summary = "".join(traceback.format_exception(exc, limit=-8)).rstrip()
        print(f"check_links.py: internal error (a bug in the link checker, please report "
              f"it with this traceback): {type(exc).__name__}: {exc}\n{summary}",
              file=sys.stderr)
        return 3


def check_site_url(url: str) -> None:
    try:
        parts = urlsplit(url)
    except ValueError as exc:
        raise UsageError(f"--site-url {url!r}: {exc}") from None
    problem = host_problem(parts.netloc) if parts.netloc else "no host"
    if parts.scheme not in ("http", "https") or problem:
        raise UsageError(f"--site-url {url!r} must be http(s)://host/path/"
                         + (f" ({problem})" if problem else ""))


def run(args: argparse.Namespace, now: float | None) -> int:
    """The check itself; UsageError for bad usage."""
    root = Path(args.site_dir)
    if not root.is_dir():
        raise UsageError(f"SITE_DIR {args.site_dir!r} is not a directory; build the site "
                         "first (mkdocs build) or pass its path")
    if args.timeout <= 0 or args.concurrency < 1:
        raise UsageError("--timeout must be > 0 and --concurrency >= 1")
    if args.site_url:
        check_site_url(args.site_url)
    config = load_config(Path(args.config) if args.config else DEFAULT_CONFIG,
                         explicit=bool(args.config))
    findings, external, pages, checked, site_url = check_internal(root, args.site_url)
    external_note = f" ({sum(external.values())} external not checked)" if external else ""
    if args.external and external:
        findings += check_external(external, site_url, args, config,
                                   time.time() if now is None else now)
        checked += sum(external.values())
        external_note = f" (incl. {len(set(k[3] for k in external))} external URLs)"
    findings.sort(key=lambda f: (f.source, f.page, f.link))
    report(findings, pages, checked, external_note, args.json, root)
    return 1 if any(f.kind not in NOT_BROKEN for f in findings) else 0
