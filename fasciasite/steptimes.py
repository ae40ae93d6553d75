"""How long each step of the build takes in total over a build (issue 24): off unless asked.

Asked for by the environment variable FASCIASITE_STEP_TIMES=FILE: the plugin then adds up the
seconds (time.perf_counter) and calls of every step it runs (named `event: step`, e.g.
`page_markdown: numbers check`) and writes them as JSON to FILE after the build (a `mkdocs
serve` overwrites it after each rebuild). `python -m fasciasite.bench` sets it and prints the
figures. A normal build records nothing and prints nothing: the timer is then a shared no-op.

Why our own (not cProfile): a profile costs 2-3x the build and names functions, not steps;
this costs two clock reads per step and names what the pipeline does.
"""
from __future__ import annotations

import json
import os
import time
from contextlib import AbstractContextManager, nullcontext
from pathlib import Path
from types import TracebackType

ENV = "FASCIASITE_STEP_TIMES"
_OFF: AbstractContextManager[None] = nullcontext()


class _Timed(AbstractContextManager[None]):
    __slots__ = ("times", "name", "start", "cpu")

    def __init__(self, times: StepTimes, name: str) -> None:
        self.times, self.name, self.start, self.cpu = times, name, 0.0, 0.0

    def __enter__(self) -> None:
        self.start, self.cpu = time.perf_counter(), time.process_time()

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        self.times.add(self.name, time.perf_counter() - self.start, time.process_time() - self.cpu)


class StepTimes:
    """Seconds and calls per step of one build; `with times("event: step"):` around a step."""

    def __init__(self, out: str | Path | None = None) -> None:
        self.out = Path(out) if out else None
        self.seconds: dict[str, float] = {}
        self.cpu_seconds: dict[str, float] = {}  # the process's CPU time: what a loaded machine does not inflate
        self.calls: dict[str, int] = {}

    @classmethod
    def from_env(cls) -> StepTimes:
        return cls(os.environ.get(ENV) or None)

    @property
    def on(self) -> bool:
        return self.out is not None

    def __call__(self, name: str) -> AbstractContextManager[None]:
        return _Timed(self, name) if self.out is not None else _OFF

    def add(self, name: str, seconds: float, cpu_seconds: float = 0.0, calls: int = 1) -> None:
        self.seconds[name] = self.seconds.get(name, 0.0) + seconds
        self.cpu_seconds[name] = self.cpu_seconds.get(name, 0.0) + cpu_seconds
        self.calls[name] = self.calls.get(name, 0) + calls

    def as_dict(self) -> dict[str, dict[str, float | int]]:
        """step -> {seconds (wall), cpu_seconds, calls}, slowest (CPU) first."""
        order = sorted(self.seconds, key=lambda n: (-self.cpu_seconds[n], -self.seconds[n]))
        return {n: {"seconds": round(self.seconds[n], 4), "cpu_seconds": round(self.cpu_seconds[n], 4),
                    "calls": self.calls[n]} for n in order}

    def write(self) -> None:
        if self.out is not None:
            self.out.parent.mkdir(parents=True, exist_ok=True)
            self.out.write_text(json.dumps(self.as_dict(), indent=1) + "\n", encoding="utf-8")
