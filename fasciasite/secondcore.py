"""The machine's second core: page checks and QR codes done ahead while MkDocs renders (issue 24).

MkDocs renders the pages one after another on one core. Two kinds of our work need nothing
from that rendering, only the sources and the data files, which are all known when the files
are collected (on_files):

- each page's checks (the urgent-help lint and evidence rules, unknown shortcodes, the
  numbers check: fasciasite.pipeline.checked), and
- the QR code on each article's take-home sheet (fasciasite.publishing.sheet.qr_svg), a pure
  function of the article's address.

So at the end of on_files the build forks one process that does them, page by page in the
order MkDocs will render them, and sends each result back through a pipe as it is made. The
main process takes what has arrived at each page (collect) and waits for the rest before the
sheets are written (finish).

Why this cannot skip or change a check: a check's result is kept under the page cache's key
(fasciasite.pagecache: a hash of the page's texts, its path, every data file and the date),
and the main process computes that key from what IT is about to check. A result from the
second core is used only when its key is the same, that is when it checked exactly the same
text with exactly the same data; anything missing, late or different is checked in the main
process as before. The same goes for a QR code: it is keyed by its address. If the second
process fails, the main process does everything itself (and says so in the debug log).

Why fork (not spawn, not threads): a forked child starts with the build's state as it is
(the data loaded, the article list made) in a few milliseconds, where spawning would import
and load everything again; threads would share one core (the checks are pure Python).
Off in `mkdocs serve` (its server threads make forking unsafe; the page cache already skips
unchanged pages there), on machines with one core, on platforms without fork, for sites of
fewer than MIN_PAGES pages (a fork costs more than it saves), and with `second_core: false`.
"""
from __future__ import annotations

import logging
import multiprocessing
import os
import traceback
from multiprocessing.connection import Connection
from typing import TYPE_CHECKING, Any

from mkdocs.structure.pages import Page

from fasciasite import pagecache, pagesource

if TYPE_CHECKING:
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.structure.files import Files

    from fasciasite.plugin import SitePlugin

log = logging.getLogger("mkdocs.plugins.fasciasite.secondcore")

MIN_PAGES = 16      # below this a fork costs more than it saves (tests may lower it)
WAIT_SECONDS = 600  # the longest finish() waits for the second process before doing the rest itself


def available() -> bool:
    """A second core and fork."""
    return (os.cpu_count() or 1) >= 2 and "fork" in multiprocessing.get_all_start_methods()


class SecondCore:
    """One build's second process: started in on_files, collected at each page, finished before the sheets."""

    def __init__(self) -> None:
        self._conn: Connection | None = None
        self._proc: multiprocessing.process.BaseProcess | None = None
        self.qr: dict[str, str] = {}          # address -> QR code SVG, as the second process drew them
        self.cpu: dict[str, float] = {}       # its CPU seconds by step (for the step times)
        self.pages = 0                        # pages it checked

    @property
    def running(self) -> bool:
        return self._conn is not None

    def start(self, site: SitePlugin, config: MkDocsConfig, files: Files) -> None:
        pages = [f for f in files.documentation_pages() if f.abs_src_path]
        if not available() or len(pages) < MIN_PAGES:
            return
        ctx = multiprocessing.get_context("fork")
        receive, send = ctx.Pipe(duplex=False)
        self._proc = ctx.Process(target=_work, args=(send, site, config, pages), daemon=True,
                                 name="fasciasite-second-core")
        self._proc.start()
        send.close()  # the child holds the sending end; EOF here when it exits
        self._conn = receive

    def collect(self) -> None:
        """Take every result that has arrived, without waiting."""
        conn = self._conn
        try:
            while conn is not None and conn.poll():
                self._take(conn.recv())
        except (EOFError, OSError):
            self._close()

    def finish(self) -> None:
        """Wait for the rest (bounded by WAIT_SECONDS), then stop the process."""
        conn = self._conn
        try:
            while conn is not None and conn.poll(WAIT_SECONDS):
                if self._take(conn.recv()):
                    break
        except (EOFError, OSError):
            pass
        self._close()

    def _take(self, message: tuple[str, Any]) -> bool:
        """One message; True when it is the last."""
        kind, body = message
        if kind == "checks":
            for key, found in body:
                pagecache.put(key, found)
            self.pages += 1
        elif kind == "qr":
            self.qr.update(body)
        elif kind == "done":
            self.cpu = body
            return True
        elif kind == "failed":  # the main process checks and draws everything itself
            log.debug(f"second core failed; the main process does its work:\n{body}")
            return True
        return False

    def _close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None
        if self._proc is not None:
            self._proc.join(timeout=5)
            if self._proc.is_alive():
                self._proc.kill()
                self._proc.join(timeout=5)
            self._proc = None


def _work(send: Connection, site: SitePlugin, config: MkDocsConfig, files: list) -> None:
    """In the forked process: every page's checks, in the order MkDocs renders them, then the QR codes."""
    # Imported here: the sheets module is not loaded by a site without sheets.
    import time

    from fasciasite import pipeline
    from fasciasite.content import articles, urgent
    from fasciasite.publishing import sheet

    try:
        start = time.process_time()
        addresses: list[str] = []
        for file in files:
            page = Page(None, file, config)
            source, markdown, _meta = pagesource.read(file.abs_src_path)
            offset = urgent.front_matter_lines(source)
            _expanded, _line_of, results = pipeline.checked(site, markdown, page, config, source, offset)
            send.send(("checks", results))
            if site.sheets is not None and articles.is_article(page, config):
                addresses.append(sheet.tagged(page.canonical_url or (config.site_url or "") + page.url))
        checks = time.process_time() - start
        drawn: dict[str, str] = {}
        for address in addresses:
            drawn[address] = sheet.qr_svg(address)
            if len(drawn) == 20:
                send.send(("qr", drawn))
                drawn = {}
        send.send(("qr", drawn))
        send.send(("done", {"checks": checks, "qr codes": time.process_time() - start - checks}))
    except BaseException:  # noqa: BLE001 (anything: the main process then does the work)
        send.send(("failed", traceback.format_exc()))
    finally:
        send.close()
