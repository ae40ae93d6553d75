"""Nothing third-party, active or oversized is published: a check of the built site.

Usage: python -m fasciasite.publishing.outputcheck SITE_DIR [--config mkdocs.yml] [--docs docs]
       python -m fasciasite.publishing.outputcheck --shrink docs/assets/FILE.jpg [...]

Reads every HTML page, SVG, stylesheet and image the build wrote (what readers get,
whatever Markdown, raw HTML, template or plugin produced it) and reports, one line each
as `file:line: what is wrong; the fix` (the source file in docs/ where one can be found,
otherwise the built file):
  * a <script> but the theme's bundle and ours (extra_javascript); any script or inline CSS
    in an article; an inline script naming another host; <iframe>, <object>, <embed>;
  * a resource from another host (src, srcset, poster, data, <link> stylesheet/font/icon/
    preload, CSS url() or @import, an inline SVG's href), a form or a redirect to another host,
    a ping= to another host, a <base>; mkdocs.yml settings that load another host on every page
    (extra_javascript, extra_css, Material's theme font), named at their line;
  * an event handler (onclick=) or a javascript: URL; a raw <img> without alt; an HTML comment
    (drafting notes and provenance reach the page's source);
  * in an SVG: <script>, <foreignObject>, handlers, entities, references outside the file;
  * an image over mkdocs.yml extra.output_limits (bytes, pixels), or carrying a GPS position in
    its metadata, with the shrink command (which re-saves it without metadata);
  * a tel: link a phone cannot dial, a mailto: with no address, http:// to our own domain.

Why our own code: MkDocs and Material publish whatever raw HTML and files docs/ holds; no
plugin refuses third-party or active content. It runs after every build (Makefile, make
check, the tests, deploy).

Exit 0 when nothing is wrong, 1 when something is, 2 on bad usage.
"""
from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import yaml
from lxml import etree, html

from fasciasite.config import load_mkdocs_yml
from fasciasite.problems import Problem, report
from fasciasite.publishing.imagefix import shrink

DEFAULT_LIMITS = {"image_max_bytes": 200_000, "image_max_side": 1600, "svg_max_bytes": 200_000}
RASTER = {".png", ".jpg", ".jpeg", ".gif", ".webp", ".avif", ".bmp", ".tif", ".tiff"}
EXECUTABLE = {"", "text/javascript", "application/javascript", "module", "text/ecmascript", "application/ecmascript"}
EMBEDS = {"iframe", "object", "embed", "frame", "frameset", "applet", "portal"}
RESOURCE_ATTRS = ("src", "srcset", "poster", "data", "background", "lowsrc", "dynsrc")
RESOURCE_LINKS = {"stylesheet", "icon", "shortcut", "apple-touch-icon", "preload", "prefetch", "modulepreload",
                  "manifest", "preconnect", "dns-prefetch", "mask-icon", "import"}
SCRIPT_URL = re.compile(r"^\s*(javascript|vbscript|livescript)\s*:", re.I)
# How a browser reads a URL attribute (WHATWG URL parsing): leading and trailing C0 controls and
# spaces are dropped and every tab and newline removed, so "java&#x09;script:" runs as "javascript:".
_URL_JUNK = re.compile(r"[\t\n\r]")
NAVIGATION = {"a", "area", "link", "base"}  # where href is a link or handled below, not a resource
CSS_URL = re.compile(r"""(?:url\(\s*['"]?|@import\s+['"])\s*((?:https?:)?//[^'")\s]+)""", re.I)
ANY_URL = re.compile(r"""(?:https?:)?//([a-z0-9.-]+\.[a-z]{2,})(?::\d+)?[/'"?#]""", re.I)
TEL_OK = re.compile(r"^(\+[1-9]\d{6,14}|0\d{9,10}|999|111|112|116\d{3})$")
EMAIL = re.compile(r"^[A-Za-z0-9._%+'-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}$")
NS = {"svg": "http://www.w3.org/2000/svg", "xlink": "http://www.w3.org/1999/xlink"}


@dataclass
class Settings:
    own_hosts: set[str]
    own_scripts: set[str]  # site paths of our own scripts (extra_javascript)
    limits: dict[str, int]
    docs: Path
    base: str = ""  # site_url's path, without slashes ("fascia-back-pain")
    config: Path | None = None  # mkdocs.yml, to name the setting that puts a problem on every page


def settings(config_path: Path, docs: Path) -> Settings:
    try:
        config = load_mkdocs_yml(config_path)
    except (OSError, yaml.YAMLError):
        config = {}
    site_url = str(config.get("site_url") or "")
    hosts = {urlsplit(site_url).hostname} if site_url else set()
    scripts = {str(s if isinstance(s, str) else (s or {}).get("path", "")).lstrip("/") for s in config.get("extra_javascript") or []}
    limits = dict(DEFAULT_LIMITS)
    limits.update({k: int(v) for k, v in ((config.get("extra") or {}).get("output_limits") or {}).items() if k in DEFAULT_LIMITS})
    return Settings({h for h in hosts if h}, scripts, limits, docs, urlsplit(site_url).path.strip("/"), config_path)


# ── Where a built file came from (for file:line) ────────────────────────────


def source_of(rel: str, docs: Path) -> Path | None:
    """docs/ file a built page or asset came from: a/b/index.html <- a/b.md or a/b/index.md."""
    if not rel.endswith(".html"):
        return docs / rel if (docs / rel).is_file() else None
    stem = rel[: -len("index.html")].rstrip("/") if rel.endswith("index.html") else rel[:-5]
    for candidate in ([f"{stem}.md", f"{stem}/index.md", f"{stem}/README.md"] if stem else ["index.md", "README.md"]):
        if (docs / candidate).is_file():
            return docs / candidate
    return None


def _where(site: Path, page: Path, docs: Path, needle: str | None) -> tuple[str, int]:
    """(file, line) to show: the source line holding needle, else the built file's line."""
    rel = page.relative_to(site).as_posix()
    src = source_of(rel, docs)
    for path, shown in ((src, None), (page, f"site/{rel}")):
        if path is None or not needle:
            continue
        try:
            text = path.read_text(encoding="utf-8-sig", errors="replace")
        except OSError:
            continue
        at = text.find(needle)
        if at >= 0:
            return shown or _shown_src(path, docs), text.count("\n", 0, at) + 1
    return (_shown_src(src, docs), 1) if src else (f"site/{rel}", 1)


def _shown_src(path: Path, docs: Path) -> str:
    try:
        return "docs/" + path.relative_to(docs).as_posix()
    except ValueError:
        return path.as_posix()


# ── Rules ────────────────────────────────────────────────────────────────────


def as_browser(url: str) -> str:
    """The URL as a browser reads it (see _URL_JUNK)."""
    return _URL_JUNK.sub("", url).strip("".join(map(chr, range(0x21))))


def _host(url: str, base: str) -> str | None:
    """The host a URL reaches, or None when it stays on the page's own site (relative)."""
    url = as_browser(url)
    if url.startswith("//"):
        return urlsplit("https:" + url).hostname
    parts = urlsplit(url)
    if parts.scheme in ("http", "https", "ftp", "ws", "wss"):
        return parts.hostname
    return None


def _other_host(url: str, s: Settings) -> str | None:
    host = _host(url, "")
    return host if host and host not in s.own_hosts else None


def _srcset_urls(value: str) -> list[str]:
    return [part.strip().split()[0] for part in value.split(",") if part.strip()]


def check_page(site: Path, page: Path, s: Settings) -> list[Problem]:
    raw = page.read_bytes()
    if not raw.strip():
        return []
    doc = html.fromstring(raw)
    rel = page.relative_to(site).as_posix()
    found: list[Problem] = []

    def add(needle: str | None, message: str) -> None:
        found.append(Problem(*_where(site, page, s.docs, needle), message))

    for el in doc.iter():
        if el.tag is etree.Comment and (el.text or "").strip():
            note = " ".join(el.text.split())
            add(note[:30], f"an HTML comment is published in the page's source ('<!-- {note[:50]} -->'), where anyone can "
                "read it with View Source; keep notes in research/ and what you read in the entry's checked field")
            continue
        if not isinstance(el.tag, str):
            continue
        tag = el.tag.lower()
        snippet = f"<{tag}"
        if tag in EMBEDS:
            where = el.get("src") or el.get("data") or ""
            add(where or snippet, f"<{tag}> embeds another page or plug-in{f' ({where})' if where else ''}; the site "
                "makes no third-party requests: link to it instead ([title](https://...)), or save a still image under docs/assets/")
            continue
        if tag == "script" and (el.get("type") or "").strip().lower() not in EXECUTABLE:
            continue  # a data block (JSON-LD, application/json) is never run
        if tag == "script":
            src = el.get("src")
            if any(a.tag == "article" for a in el.iterancestors()):
                origin = f" loading {src} from {_other_host(src, s)}" if src and _other_host(src, s) else ""
                add(src or (el.text or "").strip()[:30] or snippet,
                    f"a <script> in an article{origin}; pages carry no scripts of their own: remove it (site-wide "
                    "behaviour goes in docs/javascripts/ and mkdocs.yml extra_javascript, reviewed like code)")
            elif src:
                absolute = urlsplit(urljoin("/" + rel, src)).path.lstrip("/")
                if s.base and absolute.startswith(s.base + "/"):
                    absolute = absolute[len(s.base) + 1:]  # the 404 page's absolute paths
                if _other_host(src, s):
                    add(src, f"script from another host ({_host(src, '')}); the site makes no third-party requests "
                        "(no analytics, tag managers or widgets): remove it")
                elif not (absolute.startswith("assets/javascripts/") or absolute in s.own_scripts
                          or any(absolute.endswith("/" + o) for o in s.own_scripts)):
                    add(src, f"script {src} is neither the theme's bundle nor one of ours (mkdocs.yml extra_javascript); "
                        "remove it, or add it to extra_javascript after review")
            else:
                for m in ANY_URL.finditer(el.text or ""):
                    if m.group(1) not in s.own_hosts and m.group(1) != "www.w3.org":
                        add(m.group(0).rstrip("/'\"?#"), f"an inline script names another host ({m.group(1)}); "
                            "the site makes no third-party requests: remove it")
                        break
            continue
        for attr, value in el.attrib.items():
            name = attr.lower()
            if name.startswith("on"):
                add(f"{attr}=", f"inline event handler {attr}= on <{tag}>; pages carry no scripts: remove the attribute")
            elif name in ("href", "src", "action", "formaction", "xlink:href", "data", "poster") and SCRIPT_URL.match(as_browser(value or "")):
                add(_needle(value), f"a {as_browser(value).split(':')[0]}: URL in {attr}= on <{tag}>; remove it (a link goes to a page)")
            elif name == "ping":
                for url in (value or "").split():
                    if host := _other_host(url, s):
                        add(url, f"<{tag} ping> reports the click to {url} on another host ({host}); remove the attribute "
                            "(the site makes no third-party requests)")
            elif name in ("href", "xlink:href") and tag not in NAVIGATION and (host := _other_host(value or "", s)):
                add(value, f"<{tag} {attr}> loads {value} from another host ({host}); an inline SVG or other element must "
                    "not load anything from another host: save the file under docs/assets/")
        if tag == "base":
            add("<base", f"<base href=\"{el.get('href', '')}\"> changes where every relative link and file on the page "
                "points; remove it (links are written relative to the page)")
        for attr in RESOURCE_ATTRS:
            value = el.get(attr)
            if not value:
                continue
            urls = _srcset_urls(value) if attr == "srcset" else [value]
            for url in urls:
                if host := _other_host(url, s):
                    add(url, f"<{tag} {attr}> loads {url} from another host ({host}); save the file under docs/assets/ "
                        "and link it relatively (readers' browsers contact no other host)")
        if tag == "link":
            rels = {r.lower() for r in (el.get("rel") or "").split()}
            href = el.get("href") or ""
            if rels & RESOURCE_LINKS and (host := _other_host(href, s)):
                add(href, f"<link rel={' '.join(sorted(rels))}> loads {href} from another host ({host}); host it under docs/ or remove it")
        if tag == "form" and (host := _other_host(el.get("action") or "", s)):
            add(el.get("action"), f"a form sends readers' input to another host ({host}); remove it")
        if tag == "meta" and (el.get("http-equiv") or "").lower() == "refresh":
            target = (el.get("content") or "").split("url=", 1)[-1].strip()
            if host := _other_host(target, s):
                add(target, f"the page redirects to another host ({host}); redirects stay on the site")
        if tag == "style" or el.get("style"):
            for m in CSS_URL.finditer((el.text or "") if tag == "style" else el.get("style")):
                if host := _other_host(m.group(1), s):
                    add(m.group(1), f"CSS loads {m.group(1)} from another host ({host}); save it under docs/assets/")
        if (tag == "style" or _own_style(el.get("style"))) and any(a.tag == "article" for a in el.iterancestors()):
            add(el.get("style") or "<style", f"inline CSS in an article (<{tag}{' style=' if tag != 'style' else ''}>); colours "
                "and layout come from the site's stylesheets, where contrast and dark mode are checked: remove it")
        if tag == "img" and el.get("alt") is None:
            add(el.get("src") or snippet, f"<img src=\"{el.get('src', '')}\"> has no alt text; use a Markdown image, "
                "![what the image shows](path), which MkDocs also keeps working at directory URLs (raw <img> paths are not rewritten)")
        if tag == "a":
            found += _link_rules(el.get("href") or "", add, s)
    return found


def _needle(value: str) -> str:
    """Text to find a built attribute in its Markdown source: up to the first character a
    browser ignores (the source may hold it as an entity such as &#x09;)."""
    return _URL_JUNK.split(value or "", 1)[0][:30] or (value or "")[:30]


# Inline declarations the site itself writes, which set no colour and no visible layout: a
# table column's alignment (Markdown's |:--|), and the height a reference list holds while it
# waits to be laid out (overrides/main.html, content-visibility in docs/stylesheets/site.css).
SITE_STYLES = {"text-align": re.compile(r"(left|right|center)"), "--reference-list-height": re.compile(r"\d+(\.\d+)?rem")}


def _own_style(style: str | None) -> bool:
    """An author's inline style, not one the site writes (SITE_STYLES)."""
    rules = [r.split(":", 1) for r in (style or "").split(";") if r.strip()]
    return any(len(r) != 2 or (rx := SITE_STYLES.get(r[0].strip().lower())) is None or not rx.fullmatch(r[1].strip())
               for r in rules)


def _link_rules(href: str, add: Callable[[str | None, str], None], s: Settings) -> list[Problem]:
    if href.lower().startswith("tel:"):
        number = href[4:]
        digits = re.sub(r"[-.]", "", number)
        if not TEL_OK.match(digits):
            hint = ""
            if "(0)" in number:
                hint = " (drop the (0) after the country code)"
            elif " " in number or "%20" in number:
                hint = " (no spaces)"
            fixed = re.sub(r"\(0\)|[\s().-]", "", number.replace("%20", " "))
            add(href, f"tel: link '{number}' is not a number a phone can dial{hint}; write it as tel:{fixed or '+441234567890'} "
                "(+ and the country code, or a UK number from 0, digits only)")
    elif href.lower().startswith("mailto:"):
        address = href[7:].split("?", 1)[0]
        if not all(EMAIL.match(a.strip()) for a in address.split(",")) or not address:
            add(href or "mailto:", f"mailto: link '{href}' has no valid e-mail address; write mailto:name@example.org")
    elif href.lower().startswith("http://") and (urlsplit(href).hostname or "") in s.own_hosts:
        add(href, f"link {href} goes to our own site over plain http://; write a relative link to the page's .md file")
    return []


def check_svg(site: Path, path: Path, s: Settings) -> list[Problem]:
    rel = path.relative_to(site).as_posix()
    src = s.docs / rel
    shown = f"docs/{rel}" if src.is_file() else f"site/{rel}"
    text = path.read_text(encoding="utf-8-sig", errors="replace")

    def line_of(needle: str) -> int:
        at = text.find(needle)
        return text.count("\n", 0, at) + 1 if at >= 0 else 1

    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)
    try:
        root = etree.fromstring(path.read_bytes(), parser)
    except etree.XMLSyntaxError as exc:
        return [Problem(shown, exc.lineno or 1, f"is not well-formed SVG ({exc.msg}); re-export it from the drawing program")]
    found = []
    if "<!ENTITY" in text:
        found.append(Problem(shown, line_of("<!ENTITY"), "declares XML entities; re-export the SVG without a DTD"))
    for el in root.iter():
        if not isinstance(el.tag, str):
            continue
        tag = etree.QName(el).localname.lower()
        if tag in ("script", "foreignobject", "iframe", "embed", "object", "handler", "listener"):
            found.append(Problem(shown, el.sourceline or 1, f"<{tag}> in an SVG; an image carries no scripts or HTML: remove it"))
        for attr, value in el.attrib.items():
            name = etree.QName(attr).localname.lower() if attr.startswith("{") else attr.lower()
            if name.startswith("on"):
                found.append(Problem(shown, el.sourceline or 1, f"event handler {name}= in an SVG; remove it"))
            elif name in ("href", "src") and value.strip() and not value.strip().startswith(("#", "data:image/")):
                found.append(Problem(shown, el.sourceline or 1, f"<{tag}> refers to {value[:60]} outside the SVG; an SVG "
                                     "must be self-contained (embed the shape, or use #id references)"))
        for m in CSS_URL.finditer((el.text or "") + " " + (el.get("style") or "")):
            found.append(Problem(shown, el.sourceline or 1, f"CSS in the SVG loads {m.group(1)}; an SVG must be self-contained"))
    return found


def has_location(path: Path) -> bool:
    """Does the image carry a GPS position in its EXIF metadata (where a phone photo was taken)?"""
    from PIL import Image
    try:
        with Image.open(path) as im:
            return bool(im.getexif().get_ifd(0x8825))
    except Exception:  # an unreadable image: the link checker reports it
        return False


def image_size(path: Path) -> tuple[int, int] | None:
    from PIL import Image
    try:
        with Image.open(path) as im:
            return im.size
    except Exception:  # any unreadable image: the link checker reports it
        return None


def check_image(site: Path, path: Path, s: Settings) -> list[Problem]:
    rel = path.relative_to(site).as_posix()
    src = s.docs / rel
    shown = f"docs/{rel}" if src.is_file() else f"site/{rel}"
    size = path.stat().st_size
    limit = s.limits["svg_max_bytes"] if path.suffix.lower() == ".svg" else s.limits["image_max_bytes"]
    problems = []
    fix = f"shrink it: .venv/bin/python -m fasciasite.publishing.outputcheck --shrink {shown}" if src.is_file() and path.suffix.lower() != ".svg" \
        else "simplify or re-export it smaller"
    if size > limit:
        problems.append(f"{size:,} bytes, over the {limit:,}-byte budget (mkdocs.yml extra.output_limits)")
    side, dims = s.limits["image_max_side"], image_size(path) if path.suffix.lower() in RASTER else None
    if dims and max(dims) > side:
        problems.append(f"{dims[0]}x{dims[1]} pixels, over the {side}-pixel budget for the longer side")
    found = [Problem(shown, 1, f"image is {' and '.join(problems)}; {fix}")] if problems else []
    if path.suffix.lower() in RASTER and has_location(path):
        found.append(Problem(shown, 1, "image carries a GPS position in its metadata (where the photo was taken, such as a "
                             "client's home); re-save it without metadata: .venv/bin/python -m fasciasite.publishing.outputcheck "
                             f"--shrink {shown}"))
    return found


def check_css(site: Path, path: Path, s: Settings) -> list[Problem]:
    text = path.read_text(encoding="utf-8", errors="replace")
    rel = path.relative_to(site).as_posix()
    shown = f"docs/{rel}" if (s.docs / rel).is_file() else f"site/{rel}"
    return [Problem(shown, text.count("\n", 0, m.start()) + 1, f"CSS loads {m.group(1)} from another host ({host}); "
                    "save the file under docs/ and link it relatively")
            for m in CSS_URL.finditer(text) if (host := _other_host(m.group(1), s))]


def check_config(s: Settings) -> list[Problem]:
    """Settings of mkdocs.yml that put a third-party request on every page, named at their line
    (the pages then report it too, collapsed into one line by check_site)."""
    if s.config is None or not s.config.is_file():
        return []
    text = s.config.read_text(encoding="utf-8-sig", errors="replace")
    config = load_mkdocs_yml(s.config)
    lines = text.split("\n")

    def line_of(pattern: str) -> int:
        rx = re.compile(pattern)
        return next((i for i, line in enumerate(lines, 1) if rx.search(line) and not line.lstrip().startswith("#")), 1)

    found = []
    for key in ("extra_javascript", "extra_css"):
        for item in config.get(key) or []:
            url = str(item if isinstance(item, str) else (item or {}).get("path", ""))
            if host := _other_host(url, s):
                found.append(Problem("mkdocs.yml", line_of(re.escape(url)), f"{key} loads {url} from another host ({host}) "
                                     "on every page; the site makes no third-party requests: remove it, or save the file "
                                     "under docs/ and list its path"))
    theme = config.get("theme") or {}
    theme = {"name": theme} if isinstance(theme, str) else theme
    if isinstance(theme, dict) and theme.get("name") == "material" and theme.get("font", None) is not False:
        found.append(Problem("mkdocs.yml", line_of(r"^\s*font:") if "font" in theme else line_of(r"^theme:"),
                             "theme font is on, so Material loads Google Fonts (fonts.googleapis.com, fonts.gstatic.com) "
                             "on every page; write font: false under theme (the site uses system fonts)"))
    return found


def _collapse(found: list[Problem]) -> list[Problem]:
    """One problem repeated on many built pages (a setting, a template) is shown once, with the count."""
    by_message: dict[str, list[Problem]] = {}
    for f in found:
        by_message.setdefault(f.message, []).append(f)
    out = []
    for message, group in by_message.items():
        built = [f for f in group if f.file.startswith("site/")]
        if len(built) > 3:
            out += [f for f in group if not f.file.startswith("site/")]
            out.append(Problem(built[0].file, built[0].line, f"{message} (and on {len(built) - 1} more built pages)"))
        else:
            out += group
    return out


def check_site(site: Path, s: Settings) -> list[Problem]:
    found: list[Problem] = check_config(s)
    for path in sorted(p for p in site.rglob("*") if p.is_file()):
        suffix = path.suffix.lower()
        if suffix == ".html":
            found += check_page(site, path, s)
        elif suffix == ".svg":
            found += check_svg(site, path, s) + check_image(site, path, s)
        elif suffix == ".css":
            found += check_css(site, path, s)
        elif suffix in RASTER:
            found += check_image(site, path, s)
    return _collapse(list(dict.fromkeys(found)))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m fasciasite.publishing.outputcheck", description=__doc__.split("\n\n")[0],
                                 epilog="Exit 0 when nothing is wrong, 1 when something is, 2 on bad usage.")
    ap.add_argument("site_dir", type=Path, nargs="?", help="the built site (for example site/)")
    ap.add_argument("--config", type=Path, default=Path("mkdocs.yml"), help="mkdocs.yml (site_url, extra_javascript, extra.output_limits)")
    ap.add_argument("--docs", type=Path, default=Path("docs"), help="the docs folder, to name source files (default docs)")
    ap.add_argument("--shrink", type=Path, nargs="+", metavar="IMAGE", help="shrink these images within the budget, then exit")
    args = ap.parse_args(argv)
    s = settings(args.config, args.docs)
    if args.shrink:
        missing = [p for p in args.shrink if not p.is_file()]
        if missing:
            print(f"outputcheck: no such file: {missing[0]}", file=sys.stderr)
            return 2
        for path in args.shrink:
            print(shrink(path, s.limits))
        return 0
    if args.site_dir is None or not args.site_dir.is_dir():
        print(f"outputcheck: no such folder: {args.site_dir}; build the site first (make build)", file=sys.stderr)
        return 2
    found = check_site(args.site_dir, s)
    return report(found, f"outputcheck: {len(list(args.site_dir.rglob('*.html')))} page(s) and their files, {len(found)} problem(s)")


if __name__ == "__main__":
    sys.exit(main())
