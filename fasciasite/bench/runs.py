"""Timing builds: strict, paired with and without citations, --dirty, and the serve rebuilds."""
from __future__ import annotations

import functools
import importlib.metadata
import json
import os
import platform
import queue
import re
import shutil
import socket
import statistics
import subprocess
import sys
import threading
import time
from collections import deque
from collections.abc import Callable
from pathlib import Path

from fasciasite.bench.common import (
    ROOT,
    SERVE_TIMEOUT,
    WATCH_TIMEOUT,
    BuildFailed,
)
from fasciasite.steptimes import ENV as STEP_TIMES_ENV

STEP_TIMES_FILE = "step-times.json"  # in each project: what the plugin's steps took (fasciasite.steptimes)

# ── Machine ──────────────────────────────────────────────────────────────────


def machine() -> dict:
    cpu = "unknown"
    with open("/proc/cpuinfo", encoding="utf-8") as f:
        for line in f:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    mem_kb = 0
    with open("/proc/meminfo", encoding="utf-8") as f:
        for line in f:
            if line.startswith("MemTotal:"):
                mem_kb = int(line.split()[1])
    versions: dict[str, str | None] = {}
    for dist in ("mkdocs", "mkdocs-material", "mkdocs-bibtex", "pillow"):
        try:
            versions[dist] = importlib.metadata.version(dist)
        except importlib.metadata.PackageNotFoundError:
            versions[dist] = None
    return {
        "nproc": len(os.sched_getaffinity(0)),
        "cpu": cpu,
        "memory_gib": round(mem_kb / 1024 / 1024, 1),
        "python": platform.python_version(),
        "load_average": [round(x, 2) for x in os.getloadavg()],
        "packages": versions,
    }


# ── Running builds ───────────────────────────────────────────────────────────


@functools.cache
def build_env() -> dict[str, str]:
    env = dict(os.environ, NO_MKDOCS_2_WARNING="true", DISABLE_MKDOCS_2_WARNING="true")
    if "SOURCE_DATE_EPOCH" not in env:
        out = subprocess.run(["git", "log", "-1", "--format=%ct"], cwd=ROOT, capture_output=True, text=True)
        env["SOURCE_DATE_EPOCH"] = out.stdout.strip() or "1764000000"
    return env


def mkdocs(*args: str) -> list[str]:
    return [sys.executable, "-m", "mkdocs", *args]


def project_env(project: Path) -> dict[str, str]:
    """build_env, with the plugin asked to write its step times into the project (a plain-Material
    project has no plugin to read it)."""
    return dict(build_env(), **{STEP_TIMES_ENV: str(project / STEP_TIMES_FILE)})


def step_times(project: Path) -> dict | None:
    """The step times the last build or rebuild in `project` wrote (None: no fasciasite plugin)."""
    path = project / STEP_TIMES_FILE
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else None


def timed(cmd: list[str], cwd: Path, log: Path) -> dict:
    """Run cmd; wall seconds, CPU seconds and peak RSS of the child (and its children, e.g. pandoc)."""
    with open(log, "wb") as out:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=cwd, stdout=out, stderr=subprocess.STDOUT, env=project_env(cwd))
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        tail = log.read_text(encoding="utf-8", errors="replace").strip().splitlines()[-15:]
        where = f"{' '.join(cmd[2:])} (in {cwd}) exited {proc.returncode}; log {log}"
        raise BuildFailed(where + ":\n  " + "\n  ".join(tail))
    return {"seconds": wall, "cpu_seconds": usage.ru_utime + usage.ru_stime, "peak_mb": usage.ru_maxrss / 1024}


def checks_off(*args: str) -> list[str]:
    """mkdocs with every check of ours finding nothing (fasciasite.bench.checks_off): a measurement only."""
    return [sys.executable, "-m", "fasciasite.bench.checks_off", *args]


CHECKS_OFF = "checks_off"  # the name under which the bench builds a project with checks_off()


def cold_build(project: Path, command: Callable[..., list[str]] = mkdocs) -> dict:
    """One strict build with the card cache emptied first (as on a fresh CI checkout)."""
    shutil.rmtree(project / ".cache", ignore_errors=True)
    return timed(command("build", "--strict", "-d", "site"), project, project / "build.log")


def builds_in_turn(projects: dict[str, Path], runs: int,
                   commands: dict[str, Callable[..., list[str]]] | None = None) -> dict[str, dict]:
    """Cold builds of each project taken in turn (the plain-Material floor, ours without and with
    citations, ours cited with every check off), `runs` rounds, so that a change in the machine's
    load during the run affects every side of each ratio alike. commands: the command that builds
    a project, by name (mkdocs for the others). name -> median, with the step times of the last
    build of each."""
    commands = commands or {}
    rounds = [{name: cold_build(path, commands.get(name, mkdocs)) for name, path in projects.items()}
              for _ in range(runs)]
    return {name: {**median_of([r[name] for r in rounds]), "step_times": step_times(path)}
            for name, path in projects.items()}


def paired_builds(cited: Path, uncited: Path, runs: int) -> tuple[dict, dict]:
    """Cold builds with and without citations taken in turn (builds_in_turn)."""
    both = builds_in_turn({"with": cited, "without": uncited}, runs)
    return both["with"], both["without"]


def median_of(results: list[dict]) -> dict:
    runs = len(results)
    return {
        "runs": runs,
        "seconds": round(statistics.median(r["seconds"] for r in results), 3),
        "cpu_seconds": round(statistics.median(r["cpu_seconds"] for r in results), 3),
        "peak_mb": round(max(r["peak_mb"] for r in results), 1),
        "all_seconds": [round(r["seconds"], 3) for r in results],
    }


def edit(page: Path) -> None:
    with open(page, "a", encoding="utf-8") as f:
        f.write(f"\nOne more sentence, added by the benchmark at {time.time():.3f}.\n")


def incremental(project: Path, page: Path) -> dict:
    """A full build with the card cache kept, `build --dirty` after editing one page, `make serve`'s rebuild."""
    warm = timed(mkdocs("build", "--strict", "-d", "site"), project, project / "build.log")
    edit(page)
    dirty = timed(mkdocs("build", "--dirty", "--no-strict", "-d", "site"), project, project / "dirty.log")
    return {
        "warm_full_seconds": round(warm["seconds"], 3),
        "dirty_seconds": round(dirty["seconds"], 3),
        "serve": serve_rebuild(project, page),
        "serve_fast": serve_rebuild(project, page, fast=True),
    }


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def serve_rebuild(project: Path, page: Path, fast: bool = False) -> dict:
    """Start `mkdocs serve` as `make serve` (or `make serve-fast`) does, save one page,
    time until it reloads."""
    mode = ("--dirty", "--no-strict") if fast else ("--strict",)
    cmd = mkdocs("serve", *mode, "-a", f"127.0.0.1:{free_port()}")
    proc = subprocess.Popen(cmd, cwd=project, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            text=True, env=project_env(project))
    lines: queue.Queue[str] = queue.Queue()
    recent: deque[str] = deque(maxlen=12)  # the log's last lines, for a failure's message

    def read_log() -> None:
        for line in proc.stderr or ():  # started with stderr=PIPE: always there
            lines.put(line)
            recent.append(line.rstrip())

    def failed(what: str) -> dict:
        status = "running" if proc.poll() is None else f"exited with {proc.returncode}"
        return {"error": f"{what} (mkdocs serve {status}; its last lines: {' | '.join(recent)})"}

    threading.Thread(target=read_log, daemon=True).start()

    def wait_for(*needles: str, timeout: float = SERVE_TIMEOUT) -> str | None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                line = lines.get(timeout=1)
            except queue.Empty:
                if proc.poll() is not None:
                    return None
                continue
            if any(n in line for n in needles):
                return line
        return None

    try:
        started = time.perf_counter()
        if not wait_for("Serving on"):
            return {"error": "mkdocs serve did not start"}
        # A rebuild takes about as long as the first build; allow plenty more.
        timeout = max(60.0, 3 * (time.perf_counter() - started))
        for _round in range(2):  # a rebuild that never reports (seen once in a loaded CI run) is asked for once more
            for _attempt in range(5):
                time.sleep(1)  # let the file watcher settle
                start = time.perf_counter()
                edit(page)
                # A save the watcher missed (it happens on a loaded machine) is made again.
                if wait_for("Detected file changes", timeout=WATCH_TIMEOUT):
                    break
            else:
                return failed(f"mkdocs serve did not notice {WATCH_TIMEOUT} s x 5 saves of {page.name}")
            built = wait_for("Documentation built in", "Aborted", "error happened", timeout=timeout)
            if built is not None or proc.poll() is not None:
                break
        done = (wait_for("Reloading browsers", "error happened", timeout=timeout)
                if built and "built in" in built else None)
        if not built or not done or "Reloading" not in done:
            return failed(f"rebuild failed: {(built or done or 'timed out').strip()}")
        took = re.search(r"built in ([\d.]+)", built)
        if took is None:
            return {"error": f"no build time in mkdocs' line: {built.strip()}"}
        return {
            "seconds_to_reload": round(time.perf_counter() - start, 3),
            "build_seconds": float(took.group(1)),
            "step_times": step_times(project),  # the rebuild's (written after each build)
        }
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


