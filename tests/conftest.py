"""Shared test fixtures.

`built_site` is the one strict build of the real site per test session: every test that
needs the HTML reuses it. `fixture_site` makes a tiny copy of the real configuration
(same theme, hooks, extensions and validation) around a few pages, for tests that must
plant a fault without touching the real docs.
"""
from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent


def build_env() -> dict[str, str]:
    env = dict(os.environ, NO_MKDOCS_2_WARNING="true", DISABLE_MKDOCS_2_WARNING="true")
    if "SOURCE_DATE_EPOCH" not in env:
        env["SOURCE_DATE_EPOCH"] = os.environ.get(RUN_EPOCH) or last_commit_time()
    return env


# The last commit's time, read once per test run (pytest_configure, before pytest-xdist starts its
# workers, which inherit it): every build of one run gets the same "today", even when someone
# commits meanwhile, and no build starts `git log` again.
RUN_EPOCH = "FASCIASITE_TEST_SOURCE_DATE_EPOCH"


def last_commit_time() -> str:
    out = subprocess.run(["git", "log", "-1", "--format=%ct"], cwd=ROOT, capture_output=True, text=True)
    return out.stdout.strip() or "1764000000"


def pytest_configure(config) -> None:
    os.environ.setdefault(RUN_EPOCH, last_commit_time())


# The build engine: mkdocs (default) or properdocs, the maintained MkDocs 1.x continuation.
# CI runs the whole suite with each (SITE_ENGINE=properdocs make test).
ENGINE = os.environ.get("SITE_ENGINE", "mkdocs")


# Fixture sites are built in the test's own process (no interpreter start and no import of MkDocs,
# Material and the plugin per build); FASCIASITE_TEST_SUBPROCESS=1 builds each in a subprocess instead.
IN_PROCESS = os.environ.get("FASCIASITE_TEST_SUBPROCESS") != "1"


def mkdocs_build(config_file: Path, site_dir: Path, *extra: str, engine: str | None = None, in_process: bool = IN_PROCESS):
    """A strict build, as `make build` runs it; returns the finished process or an InProcessBuild
    (returncode, stdout, stderr; never raises). in_process=False: a new process, for a test of
    what carries over from one `make build` to the next (plugins keep state within a process)."""
    if in_process and not extra and (engine or ENGINE) == "mkdocs":
        result = build_in_process(config_file, site_dir)
    else:
        result = subprocess.run(
            [sys.executable, "-m", engine or ENGINE, "build", "--strict", "-f", str(config_file), "-d", str(site_dir), *extra],
            cwd=config_file.parent,
            capture_output=True,
            text=True,
            env=build_env(),
            timeout=600,
        )
    keep_formatted_references(config_file.parent)
    return result


# The real references.bib formatted by pandoc (.cache/references-HASH.json, written by
# fasciasite/references/citation_format.py; HASH covers the .bib's bytes, the style, that code and
# pandoc's version). Every fixture site with the real .bib would run pandoc on all of it again
# (0.7 s of CPU of a 2 s fixture build); make_fixture_site hands it the file a build made instead.
# The cache's own rule decides: a file of another .bib or code has another name and is not read.
_formatted_references: dict[str, bytes] = {}


def keep_formatted_references(root: Path) -> None:
    """After a build in root: keep its formatted references if its references.bib is the real one."""
    try:
        if (root / "references.bib").read_bytes() != (ROOT / "references.bib").read_bytes():
            return
    except OSError:
        return
    for cache in (root / ".cache").glob("references-*.json"):
        _formatted_references[cache.name] = cache.read_bytes()


def seed_formatted_references(root: Path) -> None:
    """Give a fixture site with the real references.bib the formatted references a build made."""
    if not _formatted_references:
        keep_formatted_references(ROOT)  # from `make build` or the real-site build of this session
    for name, data in _formatted_references.items():
        (root / ".cache").mkdir(exist_ok=True)
        (root / ".cache" / name).write_bytes(data)


class InProcessBuild:
    """What an in-process build printed (its log) and whether it failed, like a finished process."""

    def __init__(self, returncode: int, output: str) -> None:
        self.returncode, self.stdout, self.stderr = returncode, "", output


def fresh_plugins() -> None:
    """Forget the plugin instances MkDocs keeps for `mkdocs serve` rebuilds, as a new `mkdocs build`
    process starts without them. MkDocs keeps them per process, not per site: a fixture site would
    otherwise get the last site's mkdocs-bibtex registry whenever its references.bib is older than
    that build ("No changes in bibfiles"), and cite entries of the wrong file."""
    from mkdocs.config.defaults import MkDocsConfig

    MkDocsConfig.__dict__["plugins"].plugin_cache.clear()


@contextlib.contextmanager
def in_project(project: Path):
    """Run builds in this process as in a new `mkdocs` process started in `project`: the build
    environment, the project as the current folder, no plugin instances kept from another build;
    everything as it was afterwards."""
    old = {k: os.environ.get(k) for k in build_env()}
    os.environ.update(build_env())
    cwd = os.getcwd()
    try:
        os.chdir(project)
        fresh_plugins()
        yield
    finally:
        fresh_plugins()
        os.chdir(cwd)
        for k, v in old.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


def build_in_process(config_file: Path, site_dir: Path) -> InProcessBuild:
    """A strict build in this process (no interpreter start, no plugin import: about 1 s less than
    mkdocs_build), as `mkdocs build --strict` runs it; returns what it logged and 0 or 1."""
    import io
    import logging
    import traceback

    from mkdocs.commands.build import build
    from mkdocs.config import load_config
    from mkdocs.exceptions import MkDocsException

    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter("%(levelname)-7s -  %(message)s"))
    logger = logging.getLogger("mkdocs")
    logger.addHandler(handler)
    level, logger.level = logger.level, logging.INFO  # as the command line shows it
    try:
        with in_project(config_file.parent):
            config = load_config(str(config_file), site_dir=str(site_dir), strict=True)
            config.plugins.on_startup(command="build", dirty=False)  # as `mkdocs build` does around build()
            try:
                build(config)  # Material's templates compiled once per test process: fasciasite.publishing.templatecache
            finally:
                config.plugins.on_shutdown()
        code = 0
    except (MkDocsException, SystemExit) as exc:
        stream.write(f"ERROR   -  {exc}\n")
        code = 1
    except Exception:  # what `mkdocs build` would print as a traceback (tests assert there is none)
        stream.write(traceback.format_exc())
        code = 1
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)
    return InProcessBuild(code, stream.getvalue())


@pytest.fixture(scope="session")
def mkdocs_config() -> dict:
    """mkdocs.yml as data, read as the commands read it (fasciasite.config.load_mkdocs_yml)."""
    from fasciasite.config import load_mkdocs_yml

    return load_mkdocs_yml(ROOT)


@pytest.fixture(scope="session")
def built_site(tmp_path_factory) -> Path:
    """The real site, built once per run: with pytest-xdist (make test-fast) the first worker that
    needs it builds it in the run's shared temporary folder and the others wait for it and read
    it (a build of the real site is the largest single cost of the fast tier). Tests only read it."""
    if os.environ.get("PYTEST_XDIST_WORKER") is None:
        return build_real_site(tmp_path_factory.mktemp("site"))
    import fcntl

    shared = tmp_path_factory.getbasetemp().parent  # the run's folder, above each worker's own
    with open(shared / "real-site.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes
        failed = shared / "real-site.failed"
        if failed.exists():
            pytest.fail(failed.read_text(encoding="utf-8"), pytrace=False)
        if not (shared / "real-site.done").exists():
            try:
                build_real_site(shared / "real-site")
            except pytest.fail.Exception as exc:
                failed.write_text(str(exc), encoding="utf-8")
                raise
            (shared / "real-site.done").touch()
    return shared / "real-site"


def build_real_site(site: Path) -> Path:
    result = mkdocs_build(ROOT / "mkdocs.yml", site)
    if result.returncode != 0:
        pytest.fail(f"strict build of the real site failed:\n{result.stderr[-4000:]}", pytrace=False)
    return site


def make_fixture_site(root: Path, pages: dict[str, str], bib: str | None = None, nav: list | None = None) -> Path:
    """Write a tiny site in root with the real theme, hooks, extensions and validation;
    return its mkdocs.yml. The RSS plugin, logo and stylesheet are left out (not under test)."""
    for name in ("overrides", "includes"):
        shutil.copytree(ROOT / name, root / name)
    (root / "references.bib").write_text(
        bib if bib is not None else (ROOT / "references.bib").read_text(encoding="utf-8"), encoding="utf-8"
    )
    if bib is None:
        seed_formatted_references(root)
    else:
        # Every build checks that includes/safety.yml cites entries of references.bib (issue 20);
        # a fixture's own bib does not hold the real safety sources, so it gets no safety data.
        # A test of safety blocks writes its own includes/safety.yml (tests/test_evidence_build.py).
        (root / "includes" / "safety.yml").write_text("treatments: {}\n", encoding="utf-8")
    # Plain data (written back below): mkdocs.yml uses no YAML tags (tests/test_architecture.py).
    config = yaml.safe_load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"))
    config["nav"] = nav or list(pages)
    config["plugins"] = [p for p in config["plugins"] if not (isinstance(p, dict) and "rss" in p)]
    config["theme"].pop("logo"), config["theme"].pop("favicon")
    config["extra_css"] = []
    config_file = root / "mkdocs.yml"
    config_file.write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
    for name, text in pages.items():
        path = root / "docs" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return config_file


@pytest.fixture
def fixture_site(tmp_path):
    """make(pages, bib=None, nav=None) -> (config_file, build); build() runs a strict build."""

    def make(pages: dict[str, str], bib: str | None = None, nav: list | None = None):
        config_file = make_fixture_site(tmp_path, pages, bib, nav)
        return config_file, lambda: mkdocs_build(config_file, tmp_path / "site")

    return make


@pytest.fixture
def apis(monkeypatch):
    """The fake Crossref, E-utilities and doi.org on 127.0.0.1 (tests/scholarly_apis.py), their
    addresses in the environment the reference checker and make ref read; stopped after the test."""
    from scholarly_apis import serve

    with serve() as server:
        for name, value in server.env.items():
            monkeypatch.setenv(name, value)
        yield server

