"""The Lighthouse bench's reading of a report (fasciasite.bench.lighthouse), on made-up reports:
no browser, no timing asserted. What each run records is what a reader of the figures uses to
tell a page's cost from the machine's (issue 24 part 4)."""
from __future__ import annotations

import json

from fasciasite.bench import lighthouse


def report(performance: float = 0.9, breakdown: dict[str, float] | None = None) -> dict:
    """The parts of a Lighthouse 12 JSON report the bench reads."""
    items = [{"group": group, "groupLabel": group, "duration": ms} for group, ms in (breakdown or {}).items()]
    return {
        "categories": {"performance": {"score": performance, "auditRefs": []}},
        "environment": {"benchmarkIndex": 1712.4},
        "configSettings": {"throttling": {"cpuSlowdownMultiplier": 4}},
        "audits": {
            "first-contentful-paint": {"numericValue": 1210.6},
            "largest-contentful-paint": {"numericValue": 1802.2},
            "total-blocking-time": {"numericValue": 230.4},
            "cumulative-layout-shift": {"numericValue": 0.004},
            "mainthread-work-breakdown": {"details": {"items": items}},
        },
        lighthouse.LOAD_KEY: 1.25,
    }


def test_each_run_records_where_the_main_thread_went_largest_first():
    facts = lighthouse.run_facts(report(breakdown={"scriptEvaluation": 120.4, "styleLayout": 410.6, "parseHTML": 88.0}))
    assert list(facts["main_thread_ms"].items()) == [("styleLayout", 411), ("scriptEvaluation", 120), ("parseHTML", 88)]
    assert (facts["fcp_ms"], facts["lcp_ms"], facts["tbt_ms"], facts["cls"]) == (1211, 1802, 230, 0.004)
    assert (facts["benchmark_index"], facts["load_average"], facts["performance"]) == (1712, 1.25, 90)


def test_a_run_without_the_breakdown_audit_records_none_rather_than_failing():
    bare = report()
    del bare["audits"]["mainthread-work-breakdown"]
    assert lighthouse.run_facts(bare)["main_thread_ms"] == {}


def test_kept_reports_are_named_by_page_and_run_in_the_order_measured(tmp_path):
    runs = [report(0.8), report(0.95)]
    lighthouse.keep_reports(tmp_path, "back-pain/red-flags/", runs)
    lighthouse.keep_reports(tmp_path, "", [report(0.99)])
    assert sorted(p.name for p in tmp_path.iterdir()) == ["back-pain_red-flags-1.json", "back-pain_red-flags-2.json", "home-1.json"]
    second = json.loads((tmp_path / "back-pain_red-flags-2.json").read_text(encoding="utf-8"))
    assert second["categories"]["performance"]["score"] == 0.95


def observed(report_: dict, largest_paint_ms: int, dom_content_loaded_ms: int) -> dict:
    report_["audits"]["metrics"] = {"details": {"items": [{"observedLargestContentfulPaint": largest_paint_ms,
                                                            "observedDomContentLoaded": dom_content_loaded_ms}]}}
    return report_


def test_each_run_says_whether_its_largest_paint_came_only_after_materials_start():
    """A run whose first frame waited past DOMContentLoaded has the bundle's start counted in its
    simulated largest paint: the table marks it, so a low score can be read against it."""
    assert lighthouse.run_facts(observed(report(), 1268, 401))["paint_after_start"] is True
    assert lighthouse.run_facts(observed(report(), 338, 484))["paint_after_start"] is False
    assert lighthouse.run_facts(report())["paint_after_start"] is None
