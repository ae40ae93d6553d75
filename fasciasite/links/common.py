"""The link checker's settings, records and HTML/CSS/sitemap parsing (fasciasite.links)."""
from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from typing import NamedTuple
from urllib.parse import unquote, urlsplit

from lxml import etree

from fasciasite.config import find_root

USER_AGENT = "FasciaBackPainSiteLinkChecker/1.0"
DEFAULT_CONFIG = find_root() / "linkcheck.toml"  # the settings of the checkout the command runs in
MAX_REDIRECTS = 10
POOL_MIN_PAGES = 200  # below this, process start-up costs more than it saves
WORKERS = 2
PER_HOST = 2
RETRIES = 2  # extra attempts after a 429/503
MAX_RETRY_WAIT = 5.0  # seconds; a longer Retry-After is reported as "rate limited"
SKIPPED_SCHEMES = {"mailto", "tel", "data"}
NOT_BROKEN = {"blocked", "rate-limited", "unverified"}
FRAGMENT_MAX_BYTES = 2 * 1024 * 1024  # of an external HTML page read to find an id
HTML_SUFFIXES = (".html", ".htm")
LINK_TAGS = ("a", "area", "img", "link", "script", "source", "iframe", "video", "audio",
             "track", "embed", "meta", "base")
HINT_RELS = {"preconnect", "dns-prefetch"}  # a host, not a resource: nothing to fetch
KIND_RANK = {"hint": 0, "res": 1, "card": 2, "a": 3, "refresh": 4}
CARD_META = {"og:image", "og:image:url", "og:image:secure_url", "og:url", "twitter:image",
             "twitter:image:src"}  # preview-card URLs: checked like links, must be absolute
EMPTY_SRC_TAGS = {"img", "script", "source", "video", "audio", "track", "embed"}
# WHATWG's forbidden domain code points: none of these can be in a host name.
FORBIDDEN_HOST = frozenset("#/:<>?@[\\]^|%\x7f").union(map(chr, range(33)))


class Page(NamedTuple):
    rel: str  # path in SITE_DIR, posix
    source: str  # docs/*.md when known, else rel
    ids: frozenset[str]  # ids and <a name>s: valid fragments
    links: tuple[tuple[str, str], ...]  # (kind, raw URL); kind: "a", "res", "card", "refresh", "hint", "empty"
    canonical: str | None
    refresh: str | None  # meta-refresh target as written
    base: str | None = None  # <base href> as written


@dataclass(frozen=True)
class Finding:  # a dataclass, not a NamedTuple: its field `count` would hide tuple.count
    page: str
    source: str
    link: str
    kind: str  # internal, fragment, malformed, security, external; not failing the run:
    #            blocked, rate-limited, unverified
    status: int | None
    reason: str
    count: int


# (page, source, raw, url, fragment) of a link out of the site
ExternalLink = tuple[str, str, str, str, str | None]


class UsageError(Exception):
    """Bad command line or configuration: exit 2 with a one-line message."""


# ---------------------------------------------------------------- HTML, CSS, srcset parsing

_HTML_PARSER = etree.HTMLParser(encoding="utf-8", remove_comments=True, remove_pis=True,
                                collect_ids=False, no_network=True)
_IDS = etree.XPath("//@id", smart_strings=False)
_A_NAMES = etree.XPath("//a/@name", smart_strings=False)


def parse_srcset(value: str) -> list[str]:
    """URLs of a srcset attribute (the HTML spec's candidate parsing, without descriptors)."""
    urls, i, n = [], 0, len(value)
    while i < n:
        while i < n and (value[i].isspace() or value[i] == ","):
            i += 1
        start = i
        while i < n and not value[i].isspace():
            i += 1
        url = value[start:i]
        if url.endswith(","):
            url = url.rstrip(",")
        else:  # skip descriptors up to the next comma outside parentheses
            depth = 0
            while i < n and (value[i] != "," or depth):
                depth += {"(": 1, ")": -1}.get(value[i], 0)
                i += 1
        if url:
            urls.append(url)
    return urls


def refresh_target(content: str) -> str | None:
    """The URL of a meta refresh content value like `0; url=../new/`."""
    cuts = [i for i in (content.find(";"), content.find(",")) if i >= 0]
    rest = content[min(cuts) + 1:].strip() if cuts else ""
    if not rest:
        return None
    if rest[:3].lower() == "url":
        after = rest[3:].lstrip()
        if after.startswith("="):
            rest = after[1:].strip()
    if rest[:1] in ("'", '"'):
        rest = rest[1:].split(rest[0], 1)[0]
    return rest or None


def host_problem(netloc: str) -> str | None:
    """Why the authority part of a URL (user@host:port) cannot be a web address, or None."""
    host = netloc.rpartition("@")[2]
    port = None
    if host.startswith("["):
        end = host.find("]")
        if end < 0:
            return f"host {host!r}: '[' without ']'"
        try:
            ipaddress.IPv6Address(host[1:end])
        except ValueError:
            return f"host {host!r}: {host[1:end]!r} is not an IPv6 address"
        rest = host[end + 1:]
        if rest and not rest.startswith(":"):
            return f"host {host!r}: {rest!r} after ']'"
        port = rest[1:] if rest else None
    else:
        if ":" in host:
            host, _, port = host.rpartition(":")
        if not host:
            return "no host name"
        bad = sorted(set(host) & FORBIDDEN_HOST)
        if bad:
            shown = " ".join(repr(c) for c in bad)
            return f"host {host!r}: {shown} cannot be part of a host name"
    if port and not (port.isascii() and port.isdigit() and int(port) <= 65535):
        return f"port {port!r}: a port is a number up to 65535"
    return None


def authority(raw: str) -> str:
    """The user@host:port part of an absolute or protocol-relative URL, without parsing it."""
    at = raw.find("//")
    rest = raw[at + 2:] if at >= 0 else ""
    for stop in "/?#":
        rest = rest.split(stop, 1)[0]
    return rest


def source_from_edit_link(href: str) -> str | None:
    """docs/x.md from https://host/org/repo/edit/BRANCH/docs/x.md."""
    try:
        path = urlsplit(href).path
    except ValueError:  # a malformed host: reported as a link, not a source
        return None
    at = path.find("/edit/")
    rest = path[at + len("/edit/"):].split("/", 1) if at >= 0 else []
    return unquote(rest[1]) if len(rest) == 2 and rest[1] else None


def parse_page(rel: str, data: bytes) -> Page:
    root = _parse_html(data, _HTML_PARSER)
    if root is None:
        return Page(rel, rel, frozenset(), (), None, None)
    ids = frozenset(_IDS(root)).union(_A_NAMES(root))
    links, meta_source, edit_source, canonical, refresh = [], None, None, None, None
    base = None
    for el in root.iter(*LINK_TAGS):
        tag, get = el.tag, el.get
        if tag == "a":
            href = get("href")
            if href is None:
                continue
            if "/edit/" in href and edit_source is None:
                edit_source = source_from_edit_link(href)
            kind = "hint" if "md-content__button" in (get("class") or "") else "a"
            links.append((kind, href))
        elif tag == "link":
            href = get("href")
            if href is None:
                continue
            rels = (get("rel") or "").lower().split()
            links.append(("hint" if HINT_RELS.intersection(rels) else "res", href))
            if "canonical" in rels:
                canonical = href
        elif tag == "meta":
            if (get("http-equiv") or "").lower() == "refresh":
                refresh = refresh_target(get("content") or "")
                if refresh:
                    links.append(("refresh", refresh))
            elif get("name") == "source-file" and get("content"):
                meta_source = get("content")
            elif (get("property") or get("name") or "").lower() in CARD_META:
                if (get("content") or "").strip():
                    links.append(("card", get("content")))
        elif tag == "base":
            if base is None and get("href") is not None:
                base = get("href")
        else:
            for attr in ("href", "src", "poster"):
                value = get(attr)
                if value is None:
                    continue
                if not value.strip() and attr == "src" and tag in EMPTY_SRC_TAGS:
                    links.append(("empty", f'<{tag} src="{value}">'))
                else:
                    links.append(("res" if tag != "area" else "a", value))
            srcset = get("srcset")
            if srcset:
                links.extend(("res", url) for url in parse_srcset(srcset))
    source = meta_source or edit_source or rel
    return Page(rel, source, ids, tuple(links), canonical, refresh, base)


def _parse_html(data: bytes, parser: etree.HTMLParser) -> etree._Element | None:
    try:
        return etree.fromstring(data, parser)
    except (etree.XMLSyntaxError, ValueError):  # an empty file
        return None


def page_ids(data: bytes, content_type: str = "") -> frozenset:
    """The ids and <a name>s of an HTML document (an external page, maybe cut short)."""
    charset = "utf-8"
    for param in content_type.split(";")[1:]:
        name, _, value = param.partition("=")
        if name.strip().lower() == "charset" and value.strip(" \"'"):
            charset = value.strip(" \"'")
    try:
        parser = etree.HTMLParser(encoding=charset, remove_comments=True, remove_pis=True,
                                  collect_ids=False, no_network=True)
    except LookupError:  # a charset lxml does not know
        parser = _HTML_PARSER
    root = _parse_html(data, parser)
    return frozenset() if root is None else frozenset(_IDS(root)).union(_A_NAMES(root))


def css_urls(text: str) -> list[str]:
    """url(...) and @import "..." references of a stylesheet; comments are skipped."""
    urls, i, n = [], 0, len(text)
    low = text.lower()
    while i < n:
        c = text[i]
        if c == "/" and text.startswith("/*", i):
            end = text.find("*/", i + 2)
            i = n if end < 0 else end + 2
        elif c in "'\"":
            end = _string_end(text, i)
            if low[max(0, i - 32):i].rstrip().endswith("@import"):
                urls.append(text[i + 1:end - 1])
            i = end
        elif c in "uU" and low.startswith("url(", i):
            j = i + 4
            while j < n and text[j].isspace():
                j += 1
            if j < n and text[j] in "'\"":
                end = _string_end(text, j)
                urls.append(text[j + 1:end - 1])
                i = end
            else:
                end = text.find(")", j)
                end = n if end < 0 else end
                urls.append(text[j:end].strip())
                i = end + 1
        else:
            i += 1
    return [u for u in urls if u]


def _string_end(text: str, start: int) -> int:
    """Index just past the CSS string starting at text[start] (a quote)."""
    quote, i = text[start], start + 1
    while i < len(text):
        if text[i] == "\\":
            i += 2
        elif text[i] == quote or text[i] == "\n":
            return i + 1
        else:
            i += 1
    return len(text)


def sitemap_locs(data: bytes) -> list[str]:
    parser = etree.XMLParser(resolve_entities=False, no_network=True, recover=True)
    root = etree.fromstring(data, parser)
    if root is None:
        return []
    return [loc.text.strip() for loc in root.iter("{*}loc") if loc.text and loc.text.strip()]


# ---------------------------------------------------------------- the site and its links

