"""The machine's second core: the page pipeline and QR codes done ahead while MkDocs renders (issue 24).

MkDocs renders the pages one after another on one core. Two kinds of our work need nothing
from that rendering, only the sources, the site's files and the data files, which are all
known when the files are collected (on_files):

- the page pipeline (fasciasite.pipeline.prepare: the author checks, the urgent-help lint and
  evidence rules, the shortcodes expanded, the numbers check, the citations made ready for
  mkdocs-bibtex), and
- the QR code on each article's take-home sheet (fasciasite.publishing.sheet.qr_svg), a pure
  function of the article's address.

So at the end of on_files the build forks one process that does them, page by page in the
order MkDocs will render them, and sends each result back through a pipe as it is made. The
main process takes a page's result when it reaches that page (prepared) and waits for the
QR codes before the sheets are written (finish).

Why this cannot skip or change a check: a page's result is kept under a key (pipeline_key)
that hashes everything the pipeline reads: the page's texts and path, every file of the site
and every page's text (site_key: links and the article list read the other pages), every
data file and the date (the page cache's fingerprint). The main process computes that key
from what IT is about to prepare, and uses a result only when the key is the same, that is
when the second process read exactly the same inputs; anything missing, late or different is
prepared in the main process as before. A QR code is keyed by its address. If the second
process fails, the main process does everything itself (and says so in the debug log).

Why fork (not spawn, not threads): a forked child starts with the build's state as it is
(the data loaded, the article list made) in a few milliseconds, where spawning would import
and load everything again; threads would share one core (the work is pure Python).
Off in `mkdocs serve` (its server threads make forking unsafe; the page cache already skips
unchanged pages' checks there), in a `--dirty` build (it renders only the changed pages),
on machines with one core, on platforms other than Linux, for sites of fewer than MIN_PAGES
pages (a fork costs more than it saves), and with `second_core: false`.
"""
from __future__ import annotations

import logging
import multiprocessing
import os
import sys
import time
import traceback
from collections import deque
from collections.abc import Callable
from multiprocessing.connection import Connection
from typing import TYPE_CHECKING, Any

from mkdocs.structure.pages import Page

from fasciasite import pagecache, pagesource

if TYPE_CHECKING:
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.structure.files import Files

    from fasciasite.pipeline import Prepared
    from fasciasite.plugin import SitePlugin

log = logging.getLogger("mkdocs.plugins.fasciasite.secondcore")

MIN_PAGES = 16      # below this a fork costs more than it saves (tests may lower it)
WAIT_SECONDS = 600  # the longest finish() waits for the second process before doing the rest itself
PATIENT = False     # tests: wait for each page's result instead of preparing it in the main process
STOP = 2**31 - 1    # the shared page counter's value that tells the second process to stop
QR_DONE = STOP - 1  # ... and the value that tells it to draw no more QR codes (the search step may be asked still)
DRAIN_SECONDS = 5   # the longest _close() reads what the second process still sends, so that it can exit
ASKED, SEARCHED = 1, 2  # the shared search flag: the main process asks, the second one answers


def available() -> bool:
    """A second core and a safe fork: Linux, where fork is Python's own default (macOS offers
    fork but warns it may crash a process that has started threads, as this build has)."""
    return (os.cpu_count() or 1) >= 2 and sys.platform.startswith("linux") and "fork" in multiprocessing.get_all_start_methods()


class SecondCore:
    """One build's second process: started in on_files, collected at each page, finished before the sheets."""

    def __init__(self) -> None:
        self._conn: Connection | None = None
        self._proc: multiprocessing.process.BaseProcess | None = None
        self._ready: dict[str, Prepared] = {}  # pages it prepared, by key (pipeline_key)
        self._site = ""                       # the site's files and their texts, as one hash (site_key)
        self._order: dict[str, int] = {}      # page -> its place in the order both processes take
        self._main_at: Any = None             # shared with the second process: the last page the main one reached
        self._arrived: set[str] = set()       # pages whose result has arrived (PATIENT)
        self._later: dict[str, Callable[[], Any]] = {}  # values about the whole site, computed ahead (later())
        self._facts: dict[str, Any] = {}      # those values, as they arrive
        self._search: Any = None              # shared with the second process: the search step asked / done
        self._search_asked = False
        self.qr: dict[str, str] = {}          # address -> QR code SVG, as the second process drew them
        self.cpu: dict[str, tuple[float, int]] = {}  # its CPU seconds and items by step (for the step times)
        self.steps: dict[str, dict[str, float | int]] = {}  # its pipeline's step times, when they are asked for
        self.used = 0                         # pages whose prepared result the main process used

    def later(self, name: str, compute: Callable[[], Any]) -> Callable[[], Any]:
        """A value about the whole site the build needs later (who cites what, the safety
        blocks' homes): computed by the second process after the pages' pipeline, if it starts,
        else (or if it has not arrived yet) in this process when asked. Either way it is computed from the sources as they are when
        the files are collected, so it is the same value."""
        self._later[name] = compute
        return lambda: self._fact(name, compute)

    def _fact(self, name: str, compute: Callable[[], Any]) -> Any:
        self.collect()
        while PATIENT and name not in self._facts and self._conn is not None:
            self._receive_one(WAIT_SECONDS)
        return self._facts.pop(name) if name in self._facts else compute()  # not there yet: never wait for it

    def start(self, site: SitePlugin, config: MkDocsConfig, files: Files) -> None:
        pages = [f for f in files.documentation_pages() if f.abs_src_path]
        if not available() or len(pages) < MIN_PAGES:
            return
        self._site = site_key(files)
        site.urgent.fingerprint() if site.urgent is not None else None  # the data's hash made once, before the fork
        self._order = {f.src_uri: i for i, f in enumerate(pages)}
        ctx = multiprocessing.get_context("fork")
        # The second process skips the pages the main one has already reached (their result
        # would come too late): one shared integer, written by the main process only.
        self._main_at = ctx.Value("i", -1, lock=False)
        self._search = ctx.Value("i", 0, lock=False)
        receive, send = ctx.Pipe(duplex=False)
        self._proc = ctx.Process(target=_work, args=(send, site, config, pages, files, self._site, self._main_at,
                                                     dict(self._later), self._search), daemon=True,
                                 name="fasciasite-second-core")
        self._proc.start()
        send.close()  # the child holds the sending end; EOF here when it exits
        self._conn = receive

    def prepared(self, site: SitePlugin, page: Page, markdown: str, source: str, offset: int) -> Prepared | None:
        """The page as the second core prepared it, when it read exactly this text with exactly
        this data and these files; None otherwise (the main process then prepares it)."""
        if not self._site:
            return None
        src = page.file.src_uri
        self.collect()
        while PATIENT and src in self._order and src not in self._arrived and self._conn is not None:
            self._receive_one(WAIT_SECONDS)
        if src in self._order and self._main_at is not None:  # the second process skips the pages behind us
            self._main_at.value = max(self._main_at.value, self._order[src])
        found = self._ready.pop(pipeline_key(site, self._site, page, markdown, source, offset), None)
        self.used += found is not None
        return found

    def _receive_one(self, timeout: float) -> None:
        conn = self._conn
        try:
            if conn is not None and conn.poll(timeout):
                if self._take(conn.recv()):
                    self._close()
            else:
                self._close()
        except (EOFError, OSError):
            self._close()

    def collect(self) -> None:
        """Take every result that has arrived, without waiting."""
        conn = self._conn
        try:
            while conn is not None and conn.poll():
                self._take(conn.recv())
        except (EOFError, OSError):
            self._close()

    def finish(self, wanted: list[str] | None = None, draw: Callable[[str], str] | None = None) -> None:
        """Stop the process once its work is in. wanted, draw: the QR codes the sheets need and
        how to draw one: the main process draws the missing ones itself, from the end of the
        list, while the second one goes on from the start, until every one is there (so neither
        waits for the other); without them, wait for the rest (bounded by WAIT_SECONDS)."""
        if wanted is not None and draw is not None:
            missing = deque(a for a in wanted if a not in self.qr)
            while missing:
                self.collect()
                while missing and missing[0] in self.qr:  # the second process's, from the start
                    missing.popleft()
                if missing and (address := missing.pop()) not in self.qr:  # ours, from the end
                    self.qr[address] = draw(address)
        else:
            conn = self._conn
            try:
                while conn is not None and conn.poll(WAIT_SECONDS):
                    if self._take(conn.recv()):
                        break
            except (EOFError, OSError):
                pass
        if not self._search_asked:
            self._close()
        elif self._main_at is not None:
            # Every code is here: no more. (It went on drawing codes this process already had, and
            # once the pipe was full it waited to send one until _close(): 5 s of every build.)
            self._main_at.value = max(self._main_at.value, QR_DONE)
        self._ready.clear()  # results of pages MkDocs did not render (none, in a full build)

    def ask_search(self) -> None:
        """The search index is written (Material's search plugin ran before us): the second
        process adds the lay words to it (fasciasite.publishing.search_index) while this one
        draws QR codes and writes the sheets and cards. The same function on the same file
        and data, so the same bytes; searched() says whether it did."""
        if self._conn is not None and self._search is not None:
            if self._main_at is not None:  # every page is rendered: the second process skips any left
                self._main_at.value = max(self._main_at.value, len(self._order))
            self._search.value = ASKED
            self._search_asked = True

    def searched(self) -> bool:
        """Wait for the asked search step (bounded by WAIT_SECONDS), then stop the process.
        False when it did not run there (not asked, or the second process failed): the
        main process runs it then."""
        done = False
        if self._search_asked:
            while self._conn is not None and "searched" not in self._facts:
                self._receive_one(WAIT_SECONDS)
            done = self._facts.pop("searched", False) is True
        self._search_asked = False
        self._close()
        return done

    def stop(self) -> None:
        """The build failed: stop the second process now, whatever it was doing."""
        self._close()
        self._ready.clear()

    def _take(self, message: tuple[str, Any]) -> bool:
        """One message; True when it is the last."""
        kind, body = message
        if kind == "searched":
            self._facts["searched"] = True
        elif kind == "fact":
            name, value = body
            self._facts[name] = value
        elif kind == "prepared":
            src, key, prepared = body
            self._ready[key] = prepared
            self._arrived.add(src)
        elif kind == "qr":
            self.qr.update(body)
        elif kind == "cpu":
            self.cpu = body
        elif kind == "steps":
            self.steps = body
        elif kind == "done":
            return True
        elif kind == "failed":  # the main process checks and draws everything itself
            log.debug(f"second core failed; the main process does its work:\n{body}")
            return True
        return False

    def _close(self) -> None:
        if self._main_at is not None:
            self._main_at.value = STOP  # the second process stops at its next page or QR code
        if self._conn is not None:
            # What it is still sending is read (and dropped) until it exits: a process waiting to
            # send on a full pipe would never see STOP (another process forked from this one, the
            # card worker, may hold the pipe open, so closing it here does not end the wait).
            deadline = time.monotonic() + DRAIN_SECONDS
            try:
                while time.monotonic() < deadline and self._conn.poll(max(0.0, deadline - time.monotonic())):
                    if self._conn.recv()[0] == "done":
                        break
            except (EOFError, OSError):
                pass
            self._conn.close()
            self._conn = None
        if self._proc is not None:
            self._proc.join(timeout=5)
            if self._proc.is_alive():
                self._proc.kill()
                self._proc.join(timeout=5)
            self._proc = None


def site_key(files: Files) -> str:
    """Every file of the site and every page's text, as one hash: what a page's links and
    shortcodes (the article list) may read of the other pages."""
    texts = []
    for f in sorted(files, key=lambda f: f.src_uri):
        texts += [f.src_uri, pagesource.read(f.abs_src_path)[0] if f.is_documentation_page() and f.abs_src_path else ""]
    return pagecache.key("site", *texts)


def pipeline_key(site: SitePlugin, site_files: str, page: Page, markdown: str, source: str, offset: int) -> str:
    """Everything fasciasite.pipeline.prepare reads for a page: its texts and path, the site's
    files (site_key), and the data files and date (the page cache's fingerprint)."""
    assert site.urgent is not None
    return pagecache.key("prepared", site.urgent.fingerprint(), site_files, page.file.src_uri, str(offset), source, markdown)


def _since(before: dict[str, dict[str, float | int]], now: dict[str, dict[str, float | int]]) -> dict[str, dict[str, float | int]]:
    """The step times added since `before`."""
    out: dict[str, dict[str, float | int]] = {}
    for step, spent in now.items():
        was = before.get(step, {"seconds": 0.0, "cpu_seconds": 0.0, "calls": 0})
        if spent["calls"] != was["calls"]:
            out[step] = {k: spent[k] - was[k] for k in ("seconds", "cpu_seconds", "calls")}
    return out


def _work(send: Connection, site: SitePlugin, config: MkDocsConfig, files: list, all_files: Files, key: str,
          main_at: Any, later: dict[str, Callable[[], Any]], search: Any) -> None:
    """In the forked process: every page's checks, in the order MkDocs renders them, then the
    whole-site values, then the QR codes."""
    # Imported here: the sheets module is not loaded by a site without sheets.
    import time

    from fasciasite import pipeline
    from fasciasite.content import articles, urgent
    from fasciasite.publishing import sheet

    try:
        start = time.process_time()
        inherited = site.times.as_dict()  # the main process's step times up to the fork
        pages = 0
        addresses: list[str] = []
        for i, file in enumerate(files):
            page = Page(None, file, config)
            if i > main_at.value:  # else the main process has reached this page already
                source, markdown, _meta = pagesource.read(file.abs_src_path)  # what MkDocs hands the plugin
                offset = urgent.front_matter_lines(source)
                prepared = pipeline.prepare(site, markdown, page, config, all_files, source, offset)
                send.send(("prepared", (file.src_uri, pipeline_key(site, key, page, markdown, source, offset), prepared)))
                pages += 1
            if site.sheets is not None and articles.is_article(page, config):
                addresses.append(sheet.tagged(page.canonical_url or (config.site_url or "") + page.url))
        checks = time.process_time() - start
        # The whole-site values after the pages, not before: the first is read at the References
        # page's content, the other as the first page is indexed, both after the pages' Markdown
        # (MkDocs renders every page's Markdown, then every page's template). Made first, they kept
        # this process from the first pages until the main process had prepared them itself.
        for name, compute in later.items():
            send.send(("fact", (name, compute())))
        facts = time.process_time() - start - checks
        known = sheet.qr_table(config) if addresses else {}  # drawn by an earlier build: read back, not drawn
        addresses = [a for a in addresses if a not in known]
        cpu = {"whole-site values": (facts, len(later)), "page pipeline": (checks, pages)}
        send.send(("cpu", cpu))  # its work so far, for the step times (FASCIASITE_STEP_TIMES)
        if site.times.on:  # and each step of the pipeline it ran, as the main process times its own
            send.send(("steps", _since(inherited, site.times.as_dict())))
        drawn = 0

        def search_step() -> None:  # when asked: the main process then draws the QR codes left
            searching = time.process_time()
            site.search.on_post_build(config)
            search.value = SEARCHED
            cpu["search lay words"] = (time.process_time() - searching, 1)
            send.send(("cpu", dict(cpu)))
            send.send(("searched", None))

        for address in addresses:
            if main_at.value >= QR_DONE:  # the main process has every code (or all it needs)
                break
            if search.value == ASKED:
                search_step()
            drawn_at = time.process_time()
            send.send(("qr", {address: sheet.qr_svg(address)}))
            drawn += 1
            qr_cpu = cpu.get("QR codes", (0.0, 0))[0] + time.process_time() - drawn_at
            cpu["QR codes"] = (qr_cpu, drawn)
            send.send(("cpu", dict(cpu)))
        while main_at.value != STOP and search.value != SEARCHED:  # idle until asked (or told to stop)
            if search.value == ASKED:
                search_step()
            else:
                time.sleep(0.005)
        send.send(("done", None))
    except (BrokenPipeError, EOFError):
        pass  # the main process stopped listening: it has what it needs, or the build failed
    except BaseException:  # noqa: BLE001 (anything: the main process then does the work)
        try:
            send.send(("failed", traceback.format_exc()))
        except OSError:
            pass
    finally:
        try:
            send.close()
        except OSError:
            pass
