"""fasciasite bench: the smallest benchmark runs end to end and writes complete JSON.

Timings are never asserted (they are figures the script prints); only that each
measurement exists and is a positive number.
"""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from fasciasite.bench.corpus import CORPUS_VERSION

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.slow  # a benchmark (about a minute on a quiet machine): make test runs it, make test-fast does not


def positive(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and value > 0


def test_bench_smallest_size_runs_and_writes_json(tmp_path):
    out = tmp_path / "bench.json"
    result = subprocess.run(
        [sys.executable, "-m", "fasciasite.bench", "--sizes", "10", "--runs", "1", "--skip-links", "--skip-lighthouse", "--skip-search",
         "--json", str(out)],
        cwd=ROOT, capture_output=True, text=True, timeout=900,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert "Targets:" in result.stdout
    data = json.loads(out.read_text(encoding="utf-8"))

    assert data["machine"]["nproc"] >= 1 and data["machine"]["python"]
    assert data["corpus_version"] == CORPUS_VERSION  # a changed corpus is never compared as a change of speed
    (build,) = data["builds"]
    assert build["articles"] == 10
    # the floor, built in the same run; and the same corpus with every check off (what the features cost)
    for variant in ("plain_material", "with_citations", "without_citations", "checks_off"):
        for key in ("seconds", "cpu_seconds", "peak_mb"):
            assert positive(build[variant][key]), (variant, key, build[variant])
    for key in ("seconds_per_100", "citation_overhead", "cited_vs_plain", "uncited_vs_plain", "cited_vs_plain_cpu",
                "checks_off_vs_plain", "checks_off_vs_plain_cpu", "citation_overhead_checks_off",
                "cited_vs_plain_all_cores", "checks_off_vs_plain_all_cores"):
        assert positive(build[key]), key
    # the bound: our CPU time over the machine's cores, against the floor's wall time
    cores, floor = data["machine"]["nproc"], build["plain_material"]["seconds"]
    assert build["cited_vs_plain_all_cores"] == pytest.approx(build["with_citations"]["cpu_seconds"] / cores / floor, abs=0.002)
    # Per-step times come from our plugin only (FASCIASITE_STEP_TIMES); the floor has none.
    assert build["plain_material"]["step_times"] is None
    steps = build["with_citations"]["step_times"]
    assert "page_markdown: numbers check" in steps and "page_markdown: urgent help and evidence rules" in steps
    assert all(positive(s["calls"]) and s["seconds"] >= 0 and s["cpu_seconds"] >= 0 for s in steps.values())
    assert steps["page_markdown: numbers check"]["calls"] >= 10  # once per page
    assert data["growth"] is None  # one size only

    assert positive(data["incremental"]["dirty_seconds"]) and positive(data["incremental"]["warm_full_seconds"])
    for kind in ("serve", "serve_fast", "plain_serve"):  # make serve, make serve-fast, and plain Material's serve
        serve = data["incremental"][kind]
        assert "error" not in serve, (kind, serve)
        assert positive(serve["seconds_to_reload"]) and positive(serve["build_seconds"]), kind
    assert positive(data["incremental"]["serve_reload_ratio"])

    for variant in ("build", "plain_material", "checks_off"):  # ours, its floor, and with every check off
        assert positive(data["real_site"][variant]["seconds"]) and positive(data["real_site"][variant]["cpu_seconds"]), variant
    assert "ours with every check off" in result.stdout
    assert positive(data["real_site"]["build"]["all_cores_seconds"]) and "shared perfectly among" in result.stdout
    weight = data["real_site"]["page_weight"]
    for part in ("html", "css", "js", "first_load", "search_index"):
        assert positive(weight[part]["raw_bytes"]) and positive(weight[part]["gzip_bytes"]), part
    assert weight["first_load"]["gzip_bytes"] < weight["first_load"]["raw_bytes"]

    assert data["links"] == {"status": "skipped"} and data["lighthouse"] == {"status": "skipped"}
    assert data["search"] == {"status": "skipped"}
    assert set(data["targets"]) == {"floor_ratio_300", "floor_ratio_1000", "citation_overhead_1000", "serve_fast_reload_s",
                                    "serve_reload_ratio", "real_build_s", "first_load_gzip_kb"}
    assert data["targets"]["floor_ratio_1000"]["met"] is None  # not measured at N=10
    for measured in ("real_build_s", "serve_fast_reload_s", "serve_reload_ratio"):
        assert isinstance(data["targets"][measured]["met"], bool), measured
    assert "ours, cited, checks off" in result.stdout and "what the features cost" in result.stdout
    assert "/ floor" in result.stdout and f"corpus version {CORPUS_VERSION}" in result.stdout


def test_bench_rejects_bad_sizes():
    result = subprocess.run([sys.executable, "-m", "fasciasite.bench", "--sizes", "ten"], capture_output=True, text=True, timeout=60)
    assert result.returncode == 2
    assert "--sizes" in result.stderr
