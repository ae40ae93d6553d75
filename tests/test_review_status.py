"""fasciasite review-status: articles listed by next review, OVERDUE / DUE SOON flagged, exit 1 when overdue."""
from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from fasciasite.authoring import review_status

ROOT = Path(__file__).resolve().parents[1]

TODAY = dt.date(2027, 6, 1)


@pytest.mark.parametrize("next_review, state", [
    (dt.date(2027, 5, 31), "overdue"),
    ("2027-05-31", "overdue"),
    (dt.date(2027, 6, 1), "due-soon"),  # due today: not yet overdue
    (dt.date(2027, 7, 1), "due-soon"),  # 30 days left
    (dt.date(2027, 7, 2), "ok"),
])
def test_review_state(next_review, state):
    assert review_status.review_state({"next_review": next_review}, TODAY) == state


def test_review_state_rejects_a_missing_or_bad_date():
    for meta in ({}, {"next_review": "24/11/2027"}):
        with pytest.raises(ValueError, match="is not a date; write YYYY-MM-DD"):
            review_status.review_state(meta, TODAY)


def page(docs: Path, name: str, last: str, nxt: str | None, reviewer: str = '""') -> None:
    path = docs / name
    path.parent.mkdir(parents=True, exist_ok=True)
    review = f"next_review: {nxt}\n" if nxt else ""
    path.write_text(f"---\ntitle: T\nreviewer: {reviewer}\nlast_reviewed: {last}\n{review}---\n# T\n", encoding="utf-8")


@pytest.fixture
def docs(tmp_path):
    d = tmp_path / "docs"
    page(d, "fascia/late.md", "2026-05-01", "2027-05-01")
    page(d, "fascia/soon.md", "2026-06-10", "2027-06-10", reviewer="Dr A. Patel")
    page(d, "back-pain/fine.md", "2026-11-24", "2027-11-24")
    page(d, "about/index.md", "2026-11-24", None)  # a site page: not listed
    return d


def test_table_lists_articles_by_next_review_with_flags(docs, capsys):
    assert review_status.main(["--docs", str(docs), "--today", "2027-06-01"]) == 1
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split() == ["next", "review", "days", "left", "last", "reviewed", "reviewer", "file"]
    assert lines[1].split()[:3] == ["2027-05-01", "-31", "2026-05-01"]
    assert lines[1].split()[-2:] == [str(docs / "fascia/late.md"), "OVERDUE"]
    assert "Dr A. Patel" in lines[2] and lines[2].split()[-3:] == [str(docs / "fascia/soon.md"), "DUE", "SOON"]
    assert "awaiting clinical review" in lines[3] and lines[3].endswith(str(docs / "back-pain/fine.md"))
    assert lines[4] == "3 articles: 1 overdue, 1 due soon (within 30 days of 2027-06-01)"


def test_exit_0_without_overdue_and_soon_window_option(docs, capsys):
    assert review_status.main(["--docs", str(docs), "--today", "2027-04-15", "--soon", "20"]) == 0
    assert capsys.readouterr().out.splitlines()[-1] == "3 articles: 0 overdue, 1 due soon (within 20 days of 2027-04-15)"


def test_json_output(docs, capsys):
    assert review_status.main(["--docs", str(docs), "--today", "2027-06-01", "--json"]) == 1
    rows = json.loads(capsys.readouterr().out)
    assert [(Path(r["file"]).name, r["days_left"], r["state"]) for r in rows] == [
        ("late.md", -31, "overdue"), ("soon.md", 9, "due-soon"), ("fine.md", 176, "ok"),
    ]


def test_unreadable_date_is_reported_and_fails(docs, capsys):
    page(docs, "fascia/typo.md", "2026-11-24", "24/11/2027")
    assert review_status.main(["--docs", str(docs), "--today", "2027-01-01"]) == 1
    assert "fascia/typo.md: next_review '24/11/2027' is not a date; write YYYY-MM-DD" in capsys.readouterr().err


def test_missing_docs_folder_is_bad_usage(tmp_path, capsys):
    assert review_status.main(["--docs", str(tmp_path / "nope")]) == 2
    assert "no such folder" in capsys.readouterr().err


def test_a_case_study_with_consent_pending_is_listed_and_fails(tmp_path, capsys):
    d = tmp_path / "docs"
    page(d, "back-pain/fine.md", "2026-11-24", "2027-11-24")
    path = d / "case-studies" / "runner.md"
    path.parent.mkdir(parents=True)
    path.write_text("---\ntitle: T\nreviewer: \"\"\nlast_reviewed: 2026-11-24\nnext_review: 2027-11-24\n"
                    "consent: pending\n---\n# T\n", encoding="utf-8")
    assert review_status.main(["--docs", str(d), "--today", "2027-01-01"]) == 1
    out = capsys.readouterr().out
    assert f"CONSENT PENDING  {path}: get the client's written permission, then set consent: written" in out
    path.write_text(path.read_text(encoding="utf-8").replace("pending", "written"), encoding="utf-8")
    assert review_status.main(["--docs", str(d), "--today", "2027-01-01"]) == 0
    assert "CONSENT PENDING" not in capsys.readouterr().out
