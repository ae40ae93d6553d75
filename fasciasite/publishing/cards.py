"""Link-preview cards: a 1200×630 PNG per page showing its title, made at build time.

Why our own code: Material's social plugin downloads its fonts from Google Fonts unless
they are committed to its cache, needs Cairo, and is slow at 1,000 pages. Pillow alone
draws a card offline with the font it ships (ImageFont.load_default), with nothing to
download and nothing to commit.

Events:
  on_pre_build      forget the cards of the previous build (mkdocs serve).
  on_page_markdown  set page.meta.card_url (read by overrides/main.html for og:image) and,
                    unless .cache/cards has it (one PNG per card text), send the card to a
                    worker process: cards are drawn on the other core while MkDocs reads
                    and renders the pages on this one.
  on_post_build     wait for the worker, copy every card into the site.
  on_build_error    stop the worker.

Run as a script (`python cards.py`), this file is that worker: it reads one card per
line (JSON) on its standard input and draws it into the cache.
"""
from __future__ import annotations

import functools
import hashlib
import json
import logging
import os
import shutil
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

from mkdocs.exceptions import PluginError
from PIL import Image, ImageDraw, ImageFont

if TYPE_CHECKING:  # the types of MkDocs' events, for the type checker only
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.structure.files import Files
    from mkdocs.structure.pages import Page

log = logging.getLogger("mkdocs.plugins.fasciasite.publishing.cards")

SIZE = (1200, 630)
BACKGROUND = (0, 77, 64)      # deep teal (contrast 10:1 with white)
ACCENT = (255, 171, 64)
WHITE = (255, 255, 255)
FOOTER = (204, 230, 225)
RULE = (77, 140, 130)
CARD_DIR = "assets/cards"
VERSION = "3"  # bump to redraw every cached card after changing the design


def card_path(page: Page) -> str:
    stem = page.file.src_uri[: -len(".md")]
    return f"{CARD_DIR}/{stem}.png"


def cache_dir(config: MkDocsConfig) -> Path:
    return Path(config.config_file_path).parent / ".cache" / "cards"


def footer(config: MkDocsConfig) -> str:
    return f"{config.extra.get('clinic_name', '')}, {config.extra.get('clinic_city', '')}"


class Cards:
    """The link-preview cards of one build: the cards needed, those sent to the worker, and the worker."""

    def __init__(self) -> None:
        self._cards: dict[str, Path] = {}  # card in the site -> its PNG in the cache
        self._sent: set[Path] = set()      # PNGs the worker was asked to draw in this build
        self._worker: subprocess.Popen | None = None
        self._worker_errors: Any = None  # the file the worker's standard error goes to

    def on_pre_build(self, config: MkDocsConfig) -> None:
        self._cards.clear()
        self._sent.clear()

    def request(self, rel: str, title: str, kicker: str, config: MkDocsConfig) -> None:
        """The site needs card `rel`; have it drawn unless the cache has it."""
        text = (title, kicker, config.site_name, footer(config))
        key = hashlib.sha256("\0".join((VERSION, *text)).encode()).hexdigest()
        cached = cache_dir(config) / f"{key}.png"
        self._cards[rel] = cached
        if cached in self._sent or cached.exists():  # two pages with one title share a drawing
            return
        if self._worker is None:
            # Line-buffered pipe; the worker reads as it draws (~10 ms a card, while a page
            # takes ~25 ms to build), so a write only waits if it falls ~400 cards behind.
            # Its errors go to a file, not a pipe: a full pipe could stall both processes.
            self._worker_errors = tempfile.TemporaryFile()
            self._worker = subprocess.Popen([sys.executable, "-m", "fasciasite.publishing.cards"], stdin=subprocess.PIPE,
                                       stderr=self._worker_errors, text=True, bufsize=1)
        self._sent.add(cached)
        if self._worker.stdin is None:  # not reached: the worker is started with stdin=PIPE
            fail(self.stop_worker())
        try:
            self._worker.stdin.write(json.dumps([str(cached), *text]) + "\n")
        except OSError:  # the worker has stopped (BrokenPipeError): say why, not a silent exit
            fail(self.stop_worker())

    def on_page_markdown(self, markdown: str, page: Page, config: MkDocsConfig, files: Files) -> str:
        title = page.meta.get("title") or page.title or config.site_name
        kicker = "Evidence-based guide" if page.meta.get("is_article") else config.site_name
        rel = card_path(page)
        self.request(rel, str(title), kicker, config)
        if not config.site_url:  # a preview card needs an absolute address
            raise PluginError("mkdocs.yml: site_url is not set; link-preview cards need the site's "
                              "public address: set site_url (https://host/path/)")
        page.meta["card_url"] = config.site_url + rel
        return markdown

    def stop_worker(self) -> str:
        """Close the worker's input and wait for it; return what it printed if it failed."""
        if self._worker is None:
            return ""
        worker, self._worker = self._worker, None
        try:
            if worker.stdin is not None:  # started with stdin=PIPE: always there
                worker.stdin.close()  # the worker draws what is queued, then exits
        except OSError:
            pass  # it had already stopped
        failed = worker.wait() != 0
        self._worker_errors.seek(0)
        errors = self._worker_errors.read().decode("utf-8", "replace").strip()
        self._worker_errors.close()
        return (errors or "the card worker failed") if failed else ""

    def on_post_build(self, config: MkDocsConfig) -> None:
        self.request(f"{CARD_DIR}/default.png", config.site_name, "Evidence-based guides", config)
        errors = self.stop_worker()
        if errors:
            fail(errors)
        site = Path(config.site_dir)
        for rel, cached in sorted(self._cards.items()):
            out = site / rel
            out.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(cached, out)
        log.debug("cards: %d written, %d drawn", len(self._cards), len(self._sent))

    def on_build_error(self, error: Exception) -> None:
        self.stop_worker()



@functools.lru_cache(maxsize=8)
def frame(kicker: str, site_name: str, footer_text: str) -> Image.Image:
    """Everything on a card but its title, drawn once per kind of card."""
    img = Image.new("RGB", SIZE, BACKGROUND)
    d = ImageDraw.Draw(img)
    small = ImageFont.load_default(size=34)
    d.rectangle((0, 0, 24, SIZE[1]), fill=ACCENT)
    d.text((80, 70), kicker.upper(), font=small, fill=ACCENT)
    d.line((80, 500, 1120, 500), fill=RULE, width=2)
    d.text((80, 525), site_name, font=small, fill=WHITE)
    d.text((80, 570), footer_text, font=ImageFont.load_default(size=26), fill=FOOTER)
    return img


def draw(title: str, kicker: str, site_name: str, footer_text: str) -> Image.Image:
    img = frame(kicker, site_name, footer_text).copy()
    d = ImageDraw.Draw(img)
    size = 76 if len(title) <= 48 else 62
    font = ImageFont.load_default(size=size)
    y = 150
    for line in textwrap.wrap(title, width=int(1700 / size))[:4]:
        d.text((80, y), line, font=font, fill=WHITE)
        y += int(size * 1.2)
    return img


@functools.lru_cache(maxsize=1)
def palette() -> Image.Image:
    """The background and 16 steps from it to each foreground colour: every pixel of a
    card is one of these (anti-aliased text blends its colour into the background)."""
    colours = [BACKGROUND] + [tuple(round(b + (f - b) * step / 16) for b, f in zip(BACKGROUND, fg, strict=True))
                              for fg in (WHITE, ACCENT, FOOTER, RULE) for step in range(1, 17)]
    image = Image.new("P", (1, 1))
    image.putpalette([value for colour in colours for value in colour])
    return image


def draw_to(cached: Path, title: str, kicker: str, site_name: str, footer_text: str) -> None:
    """Draw one card into the cache (in the worker process): about 7 ms here."""
    cached.parent.mkdir(parents=True, exist_ok=True)
    tmp = cached.with_suffix(f".{os.getpid()}.tmp")
    # 65 fixed colours look the same as the full-colour card and make a ~24 KB file
    # instead of ~59 KB; compress_level 3 is half the time of 6 for ~5 KB more.
    card = draw(title, kicker, site_name, footer_text).quantize(palette=palette(), dither=Image.Dither.NONE)
    card.save(tmp, "PNG", compress_level=3)
    tmp.replace(cached)


def fail(errors: str) -> NoReturn:
    raise PluginError(f"fasciasite/publishing/cards.py: a link-preview card could not be drawn:\n{errors}\n"
                      "If .cache/cards is damaged, delete it (make clean) and build again.")


if __name__ == "__main__":  # the worker: what went wrong in one line (the build shows it), never a traceback
    for line in sys.stdin:
        path, *card_text = json.loads(line)
        try:
            draw_to(Path(path), *card_text)
        except Exception as exc:  # any failure to draw or save: name it, then stop
            print(f"{path}: {type(exc).__name__}: {exc}", file=sys.stderr)
            sys.exit(1)
