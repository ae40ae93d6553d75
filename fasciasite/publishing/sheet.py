"""Take-home sheets: one printed A4 side per article, for the clinic to hand to a patient.

Each article gets `<article>/take-home/index.html` (linked from the article as "Print a
one-page summary", overrides/partials/actions.html): its title, its key points, what the
research supports (the evidence box's rows rated Strong or Moderate, with the rating),
the urgent-help tiers exactly as the page shows them (the shared block, never re-worded),
the date it was last reviewed and by whom, and a QR code to the article with the
newsletter's UTM convention for print (utm_medium=print). Drawn by overrides/sheet.html
with docs/stylesheets/sheet.css; tests/test_take_home_sheet.py prints every article's sheet
in Chromium and checks it fits one A4 page and passes axe.

Why a separate page written after the build, not a print stylesheet on the article: the
article prints in full (eight pages for some) and readers rely on that; one stylesheet
cannot serve both. Why not a MkDocs page: written in on_post_build, the sheet is never a
page of the site, so it is in neither the sitemap nor the search index nor the feed, with
no extra configuration; it also carries `noindex`. It has no scripts and loads only
its own stylesheet (no third-party requests). The content comes from the article's own
rendered HTML (page.content, after every other step), so the sheet can never say
something the page does not. Citation markers are left out (the sheet has no reference
list: the QR code leads to it); glossary hover definitions and links within the site are
reduced to their text, which is what paper can show.

Events (called by the fasciasite plugin, fasciasite/plugin.py):
  on_env           keep the template environment (for overrides/sheet.html).
  on_page_context  (last) take the parts of each article's final HTML.
  on_post_build    write the sheets.
"""
from __future__ import annotations

import itertools
import logging
from dataclasses import dataclass, field
from importlib.metadata import version
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

import zxingcpp
from lxml import html as lxml_html

from fasciasite import datacache
from fasciasite.references.citations import REFERENCES_HEADING

if TYPE_CHECKING:
    from jinja2 import Environment
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.structure.files import Files
    from mkdocs.structure.nav import Navigation
    from mkdocs.structure.pages import Page
    from mkdocs.utils.templates import TemplateContext

log = logging.getLogger("mkdocs.plugins.fasciasite.publishing.sheet")

DIR = "take-home"                 # the sheet of docs/x/y.md is at x/y/take-home/
TEMPLATE = "sheet.html"           # in overrides/
SUPPORTED = ("Strong", "Moderate")
KEY_POINTS = "Key points"
# The newsletter's convention (fasciasite/authoring/newsletter.py: source, medium, campaign), for paper.
UTM = {"utm_source": "clinic", "utm_medium": "print", "utm_campaign": "take-home-sheet"}


@dataclass
class Sheet:
    src: str                       # docs/ source path, e.g. treatments/foam-rolling.md
    dest: str                      # site path of the article, e.g. treatments/foam-rolling/
    title: str
    url: str                       # the article's canonical URL
    key_points: str = ""           # HTML of the key points list
    supported: list[tuple[str, str]] = field(default_factory=list)   # (claim HTML, rating)
    urgent: str = ""               # HTML of the urgent-help tiers, as on the page
    meta: dict = field(default_factory=dict)

    @property
    def qr_url(self) -> str:
        return tagged(self.url)


def tagged(url: str) -> str:
    """The article's address as the QR code gives it: the newsletter's UTM tags, for print."""
    return url + "?" + urlencode(UTM)


def sheet_path(dest: str) -> str:
    """Site path of an article's sheet: treatments/foam-rolling/ -> treatments/foam-rolling/take-home/."""
    return f"{dest.rstrip('/')}/{DIR}/" if dest.strip("/") else f"{DIR}/"


def _clean(el: lxml_html.HtmlElement) -> str:
    """An element's inner HTML for paper: no citation markers, no hover definitions, links
    within the site as text (a printed sheet cannot follow them); links elsewhere kept."""
    el = lxml_html.fromstring(lxml_html.tostring(el, encoding="unicode"))  # a copy
    for sup in el.xpath(".//sup"):
        sup.drop_tree()
    for tag in el.xpath(".//abbr"):
        tag.drop_tag()
    for a in el.xpath(".//a"):
        if not (a.get("href") or "").startswith(("https://", "http://")):
            a.drop_tag()
    for a in el.xpath(".//*[@id]"):
        del a.attrib["id"]
    inner = (el.text or "") + "".join(lxml_html.tostring(child, encoding="unicode") for child in el)
    return inner.strip()


def _admonition_title(div: lxml_html.HtmlElement) -> str:
    title = div.xpath("./p[contains(concat(' ', normalize-space(@class), ' '), ' admonition-title ')]")
    return title[0].text_content().strip() if title else ""


def parts(content: str) -> tuple[str, list[tuple[str, str]], str]:
    """(key points HTML, supported rows [(claim HTML, rating)], urgent-help HTML) of an
    article's rendered content; empty where the page has none."""
    if not content.strip():
        return "", [], ""
    root = lxml_html.fromstring(f"<div>{content}</div>")
    key_points = ""
    for div in root.xpath("//div[contains(concat(' ', normalize-space(@class), ' '), ' admonition ')]"):
        if _admonition_title(div) == KEY_POINTS:
            lists = div.xpath("./ul|./ol")
            key_points = "".join(lxml_html.tostring(lst, encoding="unicode") for lst in lists)
            key_points = _clean(lxml_html.fromstring(f"<div>{key_points}</div>")) if key_points else ""
            break
    supported: list[tuple[str, str]] = []
    for table in root.xpath("//table"):
        head = [th.text_content().strip() for th in table.xpath(".//thead//th")]
        if head[:2] != ["Claim", "Rating"]:
            continue
        for row in table.xpath(".//tbody/tr"):
            cells = row.xpath("./td")
            if len(cells) >= 2 and cells[1].text_content().strip() in SUPPORTED:
                supported.append((_clean(cells[0]), cells[1].text_content().strip()))
    tiers: dict[str, str] = {}  # each tier once (the red-flags page shows the block twice)
    for div in root.xpath("//div[contains(concat(' ', normalize-space(@class), ' '), ' urgent-help ')]"):
        tiers.setdefault(" ".join(div.text_content().split()), f'<div class="{div.get("class")}">{_clean(div)}</div>')
    return key_points, supported, "".join(tiers.values())


QR_BORDER = 2  # light modules around the code (the sheet's white paper is the rest of the quiet zone)
QR_LABEL = "QR code: the full article online"


def qr_svg(url: str) -> str:
    """An inline SVG QR code of `url` (error correction M), named for screen readers.

    The code is made by zxing-cpp (the ZXing barcode library's C++ port, whose writer is zint),
    which chooses the mask by the standard's penalty rules as segno did, in C: 0.8 ms a code
    against segno's 8 ms in pure Python, where choosing the mask took 80 % of the time (about
    a fifth of the CPU a cold 300-article build spent beyond plain Material's). The SVG is
    written here, not taken from zxing-cpp's to_svg, which writes a standalone file (an XML
    prolog, a doctype, a fixed pixel size, no viewBox) that cannot be inlined and scaled by
    the sheet's stylesheet: one path, a stroke one module wide for each run of dark modules
    in a row (as segno drew them), in a viewBox the stylesheet sizes (docs/stylesheets/sheet.css:
    .sheet-qr svg). tests/test_take_home_sheet.py reads the drawn path back with zxing-cpp's reader."""
    code = zxingcpp.create_barcode(url, zxingcpp.BarcodeFormat.QRCode, ec_level="M")
    # One byte a module, 0 = dark. Read through a memoryview: zxing-cpp's Image is a buffer (its
    # documented way out), which its type stubs do not declare.
    modules: Any = code.to_image(scale=1, add_quiet_zones=False)
    rows: list[list[int]] = memoryview(modules).tolist()  # type: ignore[assignment]  # two-dimensional: a list of rows
    lines = []  # each row's dark runs as strokes one module wide, along the row's middle
    for y, row in enumerate(rows, start=QR_BORDER):
        x, pen = QR_BORDER, None  # pen: where the last run ended, in this row
        for value, group in itertools.groupby(row):
            width = len(list(group))
            if value == 0:
                lines.append(f"M{x} {y}.5h{width}" if pen is None else f"m{x - pen} 0h{width}")
                pen = x + width
            x += width
    side = len(rows) + 2 * QR_BORDER
    return (f'<svg role="img" aria-label="{QR_LABEL}" viewBox="0 0 {side} {side}">'
            f'<path fill="#fff" d="M0 0h{side}v{side}h-{side}z"/><path stroke="#000" d="{"".join(lines)}"/></svg>')


class TakeHomeSheets:
    """The take-home sheets of one build: each article's sheet and the template environment, written after the build."""

    def __init__(self) -> None:
        self._state: dict = {"sheets": {}, "env": None}

    def on_env(self, env: Environment, config: MkDocsConfig, files: Files) -> Environment:
        self._state["env"] = env
        self._state["sheets"] = {}
        return env

    def on_page_context(self, context: TemplateContext, page: Page, config: MkDocsConfig,
                        nav: Navigation) -> TemplateContext:
        if not (page.meta or {}).get("is_article") or not page.content:
            return context
        # The article's reference list ends the page (fasciasite.references.citations) and holds
        # none of the three parts: it is left out of the parse (a fifth of a cited article's HTML).
        cut = page.content.rfind(REFERENCES_HEADING)
        key_points, supported, urgent = parts(page.content if cut == -1 else page.content[:cut])
        self._state["sheets"][page.file.src_uri] = Sheet(
            src=page.file.src_uri, dest=page.url, title=str(page.meta.get("title") or page.title),
            url=page.canonical_url or (config.site_url or "") + page.url,
            key_points=key_points, supported=supported, urgent=urgent, meta=dict(page.meta))
        page.meta["sheet_url"] = sheet_path(page.url)
        return context

    def addresses(self) -> list[str]:
        """The address each sheet's QR code gives, in page order."""
        return [sheet.qr_url for sheet in self._state["sheets"].values()]

    def on_post_build(self, config: MkDocsConfig, drawn: dict[str, str] | None = None) -> None:
        """drawn: QR codes already drawn by address (by the second core, fasciasite.secondcore)."""
        env = self._state.get("env")
        if env is None:
            return
        site_dir = Path(config.site_dir)
        qr = qr_table(config)
        known = len(qr)
        qr.update(drawn or {})
        for sheet in self._state["sheets"].values():
            write(sheet, site_dir, env, config, qr)
        if len(qr) != known:
            disk, code, extra = _qr_cache(config)
            datacache.save_table("qr", disk, qr, code, extra)
        log.debug(f"take-home sheets written for {len(self._state['sheets'])} articles")


def _qr_cache(config: MkDocsConfig) -> tuple[Path | None, tuple[str, ...], list[str]]:
    return datacache.project_disk(Path(config.config_file_path).parent), (__name__,), [version("zxing-cpp")]


def qr_table(config: MkDocsConfig) -> dict[str, str]:
    """The QR codes drawn by earlier builds, by address. Each is a pure function of its address:
    drawn once, then read back from .cache/data/ (fasciasite.datacache) while this module and
    zxing-cpp are unchanged (a serve rebuild, or a build of a checkout that keeps .cache/)."""
    disk, code, extra = _qr_cache(config)
    return datacache.load_table("qr", disk, code, extra)



def write(sheet: Sheet, site_dir: Path, env: Environment, config: MkDocsConfig, qr: dict[str, str] | None = None) -> Path:
    """qr: QR codes already drawn, by address (read and added to)."""
    out = site_dir / sheet_path(sheet.dest) / "index.html"
    depth = sheet_path(sheet.dest).count("/")
    qr = {} if qr is None else qr
    if sheet.qr_url not in qr:
        qr[sheet.qr_url] = qr_svg(sheet.qr_url)
    html = env.get_template(TEMPLATE).render(
        sheet=sheet, qr=qr[sheet.qr_url], config=config, base="../" * depth,
        article_href="../", meta=sheet.meta)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(html, encoding="utf-8")
    return out


