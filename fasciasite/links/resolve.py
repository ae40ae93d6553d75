"""Site: the file tree of SITE_DIR and the resolution of a link as written to a file,
a web URL or a finding (fasciasite.links)."""
from __future__ import annotations

import os
import posixpath
import re
from pathlib import Path
from urllib.parse import quote, unquote, urljoin, urlsplit

from fasciasite.links.common import (
    SKIPPED_SCHEMES,
    authority,
    host_problem,
)

# The origin given to pages when the site's own URL is unknown, to resolve <base href>.
NO_ORIGIN = "http://site.invalid"
_BEFORE_QUERY = re.compile(r"[?#]")


class Site:
    """The file tree of SITE_DIR, indexed once, and the site URL: enough to resolve links."""

    def __init__(self, root: Path, files: set[str], dirs: set[str]):
        self.root, self.files, self.dirs = root, files, dirs
        self.host: str | None = None
        self.origin = NO_ORIGIN  # scheme://host of the site URL, when known
        self.prefix = "/"
        self._lower: dict[str, str] | None = None
        self._raw: dict[str, tuple] = {}
        self._lookups: dict[tuple[str, bool], tuple] = {}

    @classmethod
    def scan(cls, root: Path) -> Site:
        files: set[str] = set()
        dirs = {""}
        for dirpath, dirnames, filenames in os.walk(root):
            rel_dir = os.path.relpath(dirpath, root).replace(os.sep, "/")
            prefix = "" if rel_dir == "." else rel_dir + "/"
            dirs.update(prefix + d for d in dirnames)
            files.update(prefix + f for f in filenames)
        return cls(root, files, dirs)

    def __getstate__(self) -> dict:  # what a worker process needs, without the caches
        return {"root": self.root, "files": self.files, "dirs": self.dirs,
                "host": self.host, "origin": self.origin, "prefix": self.prefix}

    def __setstate__(self, state: dict) -> None:
        Site.__init__(self, state["root"], state["files"], state["dirs"])
        self.host, self.origin, self.prefix = state["host"], state["origin"], state["prefix"]

    def set_site_url(self, url: str | None) -> None:
        """Use the site's public URL, already checked to be http(s)://host/path."""
        if url:
            parts = urlsplit(url)
            self.host = parts.netloc.lower()
            self.origin = f"{parts.scheme.lower()}://{self.host}"
            self.prefix = parts.path[:parts.path.rfind("/") + 1] or "/"

    def lookup(self, norm: str, is_dir: bool) -> tuple[str | None, str | None]:
        """(file, None) for an existing target, else (None, reason)."""
        if not is_dir and norm in self.files:
            return norm, None
        key = (norm, is_dir)
        if key not in self._lookups:
            self._lookups[key] = self._lookup(norm, is_dir)
        return self._lookups[key]

    def _lookup(self, norm: str, is_dir: bool) -> tuple[str | None, str | None]:
        if norm in self.dirs:
            index = norm + "/index.html" if norm else "index.html"
            if index in self.files:
                return index, None
            return None, f"directory {norm or '.'}/ has no index.html"
        if self._lower is None:
            self._lower = {p.lower(): p for p in self.files | self.dirs}
        actual = self._lower.get(norm.lower())
        shown = norm + "/" if is_dir else norm
        if actual is not None and actual != norm:
            return None, f"not found: {shown} (paths are case-sensitive; the site has {actual})"
        return None, f"not found: {shown}"

    def parse_raw(self, raw: str) -> tuple:
        """The part of resolving that does not depend on the page, cached per link text.

        (what, value, fragment, is_dir): what is "same" (this page), "rel" (value: a
        decoded relative path), "root" (value: a path from SITE_DIR), "external" (value:
        the URL without fragment), "skip", "security", "broken" or "malformed" (value:
        the reason).
        """
        parsed = self._raw.get(raw)
        if parsed is None:
            parsed = self._raw[raw] = self._parse_raw(raw)
        return parsed

    def _parse_raw(self, raw: str) -> tuple:
        raw = clean(raw)
        if raw.startswith("#") or not raw:
            return "same", None, raw[1:] or None, False
        try:
            parts = urlsplit(raw)
        except ValueError as exc:  # Python's own check of a host in [brackets]
            reason = host_problem(authority(raw)) or str(exc)
            return "malformed", f"malformed URL: {reason}", None, False
        scheme = parts.scheme.lower()
        fragment = parts.fragment or None
        if scheme in SKIPPED_SCHEMES:
            return "skip", None, None, False
        if scheme == "javascript":
            return "security", None, None, False
        problem = url_problem(raw, scheme, parts.netloc)
        if problem:
            return "malformed", problem, None, False
        path = parts.path
        if scheme in ("http", "https", "") and parts.netloc:
            path = path or "/"
            if parts.netloc.lower() != self.host or not (path + "/").startswith(self.prefix):
                url = raw.split("#", 1)[0]
                return "external", url if scheme else "https:" + url, fragment, False
        elif scheme:  # ftp:, sms:, ...: nothing we can check
            return "skip", None, None, False
        elif not path and not parts.netloc:  # ?query or ?query#fragment: this page
            return "same", None, fragment, False
        path = unquote(path)
        is_dir = path.endswith(("/", "/.", "/..")) or path in ("", ".", "..")
        if not path.startswith("/"):
            return "rel", path, fragment, is_dir
        if not (path + "/").startswith(self.prefix):
            return "broken", f"outside the site: {path} is not under {self.prefix}", None, False
        return "root", path[len(self.prefix):], fragment, is_dir

    def page_url(self, rel: str) -> str:
        return self.origin + self.prefix + quote(rel)

    def base_url(self, rel: str, base: str) -> tuple[str | None, str | None]:
        """(absolute URL, None) of a page's <base href>, or (None, reason it is unusable)."""
        what, value = self.parse_raw(base)[:2]
        if what in ("malformed", "broken"):
            return None, value
        if what in ("skip", "security"):
            return None, "not a web URL"
        return urljoin(self.page_url(rel), clean(base)), None

    def resolve(self, base: str, base_dir: str, raw: str,
                base_url: str | None = None) -> tuple[str, str, str | None]:
        """Resolve a link written on page `base` (in directory `base_dir`), against the
        page's <base href> when it has one (`base_url`, absolute).

        (what, value, fragment): what is "internal" (value: the target file), "external"
        (value: the URL), "broken" or "malformed" (value: the reason), "skip" or
        "security" (value: "").
        """
        what, path, fragment, is_dir = self.parse_raw(raw)
        if base_url and what in ("same", "rel", "root"):
            joined = urljoin(base_url, clean(raw))
            if joined.startswith(NO_ORIGIN + "/"):
                joined = joined[len(NO_ORIGIN):]
            what, path, fragment, is_dir = self.parse_raw(joined)
        if what == "same":
            return "internal", base, fragment
        if what == "rel":
            joined = f"{base_dir}/{path}" if base_dir else path
        elif what == "root":
            joined = path
        else:
            return what, path or "", fragment
        norm = posixpath.normpath(joined) if joined else "."
        if norm == ".." or norm.startswith(("../", "/")):
            return "broken", "resolves outside SITE_DIR (too many ../)", None
        target, reason = self.lookup("" if norm == "." else norm, is_dir)
        if target is None:  # lookup gives a reason whenever it gives no file
            return "broken", reason or f"not found: {norm}", None
        return "internal", target, fragment


def clean(raw: str) -> str:
    """A URL as a browser reads the attribute: spaces around, tabs and newlines inside, gone."""
    return raw.strip().replace("\t", "").replace("\n", "").replace("\r", "")


def url_problem(raw: str, scheme: str, netloc: str) -> str | None:
    """Why a URL that parsed cannot work as written, or None."""
    if "\\" in _BEFORE_QUERY.split(raw, 1)[0]:
        fixed = _BEFORE_QUERY.split(raw, 1)[0].replace("\\", "/")
        return f"malformed URL: a backslash is not a slash (write {fixed})"
    if scheme == "file":
        return ("file: URL: a file on the author's computer, not on the web (link the page "
                "in the site or its web address)")
    if len(scheme) == 1:
        return f"a Windows path ({scheme.upper()}:...), not a URL"
    if scheme in ("http", "https") and not netloc:
        return f"malformed URL: no host after {scheme}: (write {scheme}://host/...)"
    if not scheme and not netloc and raw.startswith("//"):
        return "malformed URL: no host after // (write //host/... or a path)"
    if netloc and scheme in ("http", "https", ""):
        problem = host_problem(netloc)
        return f"malformed URL: {problem}" if problem else None
    return None
