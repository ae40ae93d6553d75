"""Every article has what the editorial policy requires (front matter, key points,
length, citations, evidence box, red-flags link, alt text, reading grade), and the
checker that enforces it bites on planted faults."""
from __future__ import annotations

import pytest
from conftest import ROOT

from fasciasite.authoring import article_parts as check_articles
from fasciasite.authoring import readability

ARTICLES = check_articles.articles(ROOT / "docs", ["fascia", "back-pain", "treatments", "case-studies"])


def test_the_library_has_the_planned_articles():
    names = {p.relative_to(ROOT / "docs").as_posix() for p in ARTICLES}
    for required in [
        "fascia/what-is-fascia.md", "fascia/fascia-and-low-back-pain.md", "fascia/myths-and-claims.md",
        "back-pain/what-helps.md", "back-pain/red-flags.md", "back-pain/moving-with-intention.md",
        "treatments/myofascial-release.md", "treatments/foam-rolling.md", "treatments/sports-massage.md",
        "treatments/choosing-a-practitioner.md", "case-studies/triathlete-low-back-pain.md",
        # the second wave: the questions readers ask most
        "back-pain/sciatica.md", "back-pain/discs-and-scans.md", "back-pain/medicines.md",
        "back-pain/back-pain-at-work.md", "back-pain/back-pain-and-sport.md",
        "treatments/stretching-yoga-pilates.md", "treatments/heat-ice-and-gadgets.md",
        "treatments/knots-and-trigger-points.md",
    ]:
        assert required in names


@pytest.mark.parametrize("path", ARTICLES, ids=lambda p: p.stem)
def test_article_meets_the_editorial_standard(path):
    problems = check_articles.check_article(path, path.relative_to(ROOT).as_posix())
    assert not problems, "\n".join(problems)


def test_every_article_is_cross_linked_to_the_red_flags_page():
    for path in ARTICLES:
        assert "red-flags.md" in path.read_text(encoding="utf-8") or path.name == "red-flags.md", path


GOOD = """---
title: A fixture article
description: A fixture article for the checker tests, long enough to be a plausible link preview.
---

# A fixture article

!!! abstract "Key points"

    - One.
    - Two.
    - Three.

{body}

!!! info "How strong is the evidence?"

    | Claim | Rating | Why |
    |---|---|---|
    | Walking helps | **{rating}** | Several trials |

## When to get help

<!-- md:urgent-help -->

See [the signs that need urgent help](../back-pain/red-flags.md).

![{alt}](../assets/diagrams/x.svg)
"""
SENTENCE = "You can walk a little more each day and it often helps your back feel better [@{key}]. "
KEYS = ["a2020x", "b2020x", "c2020x", "d2020x", "e2020x", "f2020x"]


def write(tmp_path, body=None, rating="Moderate", alt="A drawing of a person walking on a path"):
    body = body if body is not None else "\n\n".join(SENTENCE.format(key=k) * 10 for k in KEYS * 2)
    path = tmp_path / "a.md"
    path.write_text(GOOD.format(body=body, rating=rating, alt=alt), encoding="utf-8")
    return path


def test_checker_passes_a_good_article(tmp_path):
    assert check_articles.check_article(write(tmp_path), "a.md") == []


@pytest.mark.parametrize(
    "change, expected",
    [
        (dict(rating="Pretty good"), "not on the site's scale"),
        (dict(alt="x"), "needs alt text"),
        (dict(body="Too short [@a2020x]."), "words of prose"),
        (dict(body="\n\n".join(SENTENCE.format(key="a2020x") * 10 for _ in range(12))), "different references"),
        (dict(body="\n\n".join(
            ("Notwithstanding considerable methodological heterogeneity, contemporaneous investigations "
             "systematically characterising myofascial interventions demonstrate inconsistent "
             f"physiological consequences [@{k}]. ") * 12 for k in KEYS)), "reading grade"),
    ],
)
def test_checker_reports_each_planted_fault_with_file_and_fix(tmp_path, change, expected):
    problems = check_articles.check_article(write(tmp_path, **change), "docs/x/a.md")
    assert any(expected in p and p.startswith("docs/x/a.md:") for p in problems), problems


def test_skeleton_text_left_in_is_reported_with_its_line(tmp_path):
    path = write(tmp_path)
    path.write_text(path.read_text(encoding="utf-8").replace("    - Two.", "    - Replace with the second key point."), encoding="utf-8")
    problems = check_articles.check_article(path, "a.md")
    assert problems == ["a.md:11: skeleton text is still here; replace it with your own words"]


def test_missing_sections_are_reported(tmp_path):
    path = tmp_path / "b.md"
    path.write_text("---\ntitle: T\n---\n\n# T\n\nJust text.\n", encoding="utf-8")
    problems = "\n".join(check_articles.check_article(path, "b.md"))
    for expected in ("no key points box", "no evidence box", "no '## When to get help' section"):
        assert expected in problems


def test_an_article_without_the_shared_urgent_help_block_fails(tmp_path):
    path = write(tmp_path)
    path.write_text(path.read_text(encoding="utf-8").replace("<!-- md:urgent-help -->\n\n", ""), encoding="utf-8")
    problems = check_articles.check_article(path, "a.md")
    assert len(problems) == 1
    assert problems[0].startswith("a.md:")
    assert "does not show the shared tiers; add <!-- md:urgent-help -->" in problems[0]


def test_reading_grade_works_offline_with_pinned_textstat(monkeypatch):
    import socket

    import textstat

    assert tuple(textstat.__version__) == (0, 7, 8), "0.7.9+ downloads a dictionary on first use and fails offline"

    def no_network(*args, **kwargs):
        raise OSError("network disabled in this test")

    monkeypatch.setattr(socket, "create_connection", no_network)
    monkeypatch.setattr(socket.socket, "connect", no_network)
    result = readability.measure(ARTICLES[0])
    assert result["words"] > 0 and 0 < result["grade"] < 20
