"""The plugin's front-matter check (fasciasite/content/frontmatter.py) and the front-matter schema:
front matter problems fail the build, each named with file, line and field."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from mkdocs.utils.meta import get_data

from fasciasite.content import frontmatter

ROOT = Path(__file__).resolve().parents[1]

AUTHORS = ["editorial-team", "jane-smith"]
TAGS = ["fascia", "low back pain", "exercise"]
DESCRIPTION = "What fascia is, what it does in the back, and what the research says about it today."

VALID = f"""\
---
title: Fascia and low back pain
description: {DESCRIPTION}
author: editorial-team
reviewer: ""
published: 2026-11-24
last_reviewed: 2026-11-24
next_review: 2027-11-24
tags: [fascia, low back pain]
---

# Fascia and low back pain

Text.
"""


def article(**changes) -> str:
    """VALID with fields replaced (None removes one); new fields go at the end of the front matter."""
    lines = VALID.splitlines()
    end = lines.index("---", 1)
    for field, value in changes.items():
        at = next((i for i, line in enumerate(lines[:end]) if line.startswith(f"{field}:")), None)
        if at is None:
            lines.insert(end, f"{field}: {value}")
            end += 1
        elif value is None:
            del lines[at]
            end -= 1
        else:
            lines[at] = f"{field}: {value}"
    return "\n".join(lines) + "\n"


def validate(text: str, *, is_article: bool = True, path: str = "docs/fascia/x.md") -> list[str]:
    return frontmatter.validate_front_matter(get_data(text)[1], is_article=is_article, authors=AUTHORS, tags=TAGS, text=text, path=path)


def test_schema_is_draft_2020_12_and_lists_every_article_field():
    schema = json.loads((ROOT / "fasciasite" / "schema" / "front-matter.schema.json").read_text(encoding="utf-8"))
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert set(schema["required"]) == {"title", "description", "author", "reviewer", "published", "last_reviewed", "next_review", "tags"}
    assert schema["$defs"]["page"]["required"] == ["title", "description"]
    assert schema["additionalProperties"] is False


def test_valid_article_and_site_page_pass():
    assert validate(VALID) == []
    page = "---\ntitle: About us\ndescription: " + DESCRIPTION + "\nhide: [navigation]\n---\n# About\n"
    assert validate(page, is_article=False, path="docs/about/index.md") == []


def test_each_rule_names_line_field_and_fix():
    text = article(
        description="Too short.",
        author="jdoe",
        reviewer="",
        next_review="24/11/2027",
        tags="[fascia, fascai, fascia, exercise, exercise, low back pain, fascia]",
        colour="teal",
    )
    problems = validate(text)
    assert problems == [
        "docs/fascia/x.md:3: front matter 'description': is 10 characters, at least 50 are needed (it becomes the link preview); say more.",
        "docs/fascia/x.md:4: front matter 'author': 'jdoe' is not a known author; use one of: editorial-team, jane-smith "
        "(the keys of extra.authors in mkdocs.yml, where authors are defined).",
        "docs/fascia/x.md:5: front matter 'reviewer': has no value; fill it in, or write reviewer: \"\" while no clinician has reviewed it.",
        "docs/fascia/x.md:8: front matter 'next_review': '24/11/2027' is not a date; write YYYY-MM-DD, e.g. 2027-11-24.",
        "docs/fascia/x.md:9: front matter 'tags': tag 'fascai' is not allowed; allowed tags: fascia, low back pain, exercise "
        "(extra.tags_allowed in mkdocs.yml).",
        "docs/fascia/x.md:9: front matter 'tags': lists 'exercise', 'fascia' more than once; list each once.",
        "docs/fascia/x.md:9: front matter 'tags': has 7 tags, the limit is 6; keep the most relevant.",
        "docs/fascia/x.md:10: front matter 'colour': is not a front matter field here; allowed: "
        + ", ".join(json.loads((ROOT / "fasciasite" / "schema" / "front-matter.schema.json").read_text(encoding="utf-8"))["properties"])
        + ". Remove it or fix its spelling.",
    ]


def test_dates_must_run_published_then_reviewed_then_next_review():
    problems = validate(article(published="2026-12-01", last_reviewed="2026-11-24", next_review="2026-11-24"))
    assert problems == [
        "docs/fascia/x.md:7: front matter 'last_reviewed': 2026-11-24 is before published 2026-12-01; "
        "an article is reviewed on or after the day it is published.",
        "docs/fascia/x.md:8: front matter 'next_review': 2026-11-24 is not after last_reviewed 2026-11-24; set it later, usually a year on: 2027-11-24.",
    ]


def test_missing_field_points_at_the_opening_line_and_empty_tags_list_the_allowed():
    problems = validate(article(tags="[]", author=None))
    assert problems == [
        "docs/fascia/x.md:1: front matter 'author': is missing; add it (fasciasite new writes complete front matter)",
        "docs/fascia/x.md:8: front matter 'tags': is empty; give 1 to 6 tags from extra.tags_allowed in mkdocs.yml: fascia, low back pain, exercise.",
    ]


def test_broken_yaml_and_missing_front_matter_are_one_problem_each():
    assert validate("# No front matter\n", is_article=False, path="docs/p.md") == [
        "docs/p.md:1: front matter: missing; start the file with a '---' block (title, description)"
    ]
    assert validate("---\ntitle: Fine\ndescription: x: y\n---\n# Page\n") == [
        "docs/fascia/x.md:3: front matter 'description': the value has ': ' in it, which YAML reads as a new field; "
        'put the value in quotes: description: "x: y"'
    ]


# ── Real builds of tiny fixture sites ───────────────────────────────────────

LONG = "A" * 172
FAULTY_PAGES = {
    "fascia/missing.md": article(tags=None),
    "fascia/bad-date.md": article(next_review="24/11/2027"),
    "fascia/order.md": article(next_review="2026-01-01"),
    "fascia/long.md": article(description=LONG),
    "fascia/tag.md": article(tags="[fascia, fascai]"),
    "fascia/author.md": article(author="jdoe"),
    "index.md": f"---\ntitle: Home\ndescription: {DESCRIPTION}\n---\n# Home\n",
}


def make_site(root: Path, pages: dict[str, str]) -> Path:
    config = {
        "site_name": "Fixture",
        "site_url": "https://example.org/",
        "theme": {"name": "mkdocs"},
        # the site's plugin, without citations (no bibtex here) and take-home sheets (another theme)
        "plugins": [{"fasciasite": {"citations": False, "take_home_sheets": False}}],
        "extra": {"article_sections": ["fascia"], "authors": {a: {"name": a} for a in AUTHORS}, "tags_allowed": TAGS,
                  "booking_url": "https://example.org/book", "urgent_page": "index.md"},
    }
    shutil.copytree(ROOT / "includes", root / "includes")
    (root / "mkdocs.yml").write_text(json.dumps(config), encoding="utf-8")  # JSON is YAML
    for name, text in pages.items():
        (root / "docs" / name).parent.mkdir(parents=True, exist_ok=True)
        (root / "docs" / name).write_text(text, encoding="utf-8")
    return root / "mkdocs.yml"


def build(config: Path, *options: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "-q", *options, "-f", str(config), "-d", str(config.parent / "site")],
        cwd=config.parent, capture_output=True, text=True, timeout=120, env=dict(os.environ, NO_MKDOCS_2_WARNING="true"),
    )


@pytest.fixture(scope="module")
def faulty_build(tmp_path_factory):
    """One build (without --strict: the hook must fail it on its own) of six faulty articles."""
    return build(make_site(tmp_path_factory.mktemp("faulty"), FAULTY_PAGES))


def test_faulty_site_fails_and_counts_every_problem(faulty_build):
    assert faulty_build.returncode != 0
    assert "front matter: 6 problem(s), listed above with file and line" in faulty_build.stderr
    assert "docs/index.md" not in faulty_build.stderr


@pytest.mark.parametrize("message", [
    "ERROR   -  docs/fascia/missing.md:1: front matter 'tags': is missing",
    "ERROR   -  docs/fascia/bad-date.md:8: front matter 'next_review': '24/11/2027' is not a date; write YYYY-MM-DD",
    "ERROR   -  docs/fascia/order.md:8: front matter 'next_review': 2026-01-01 is not after last_reviewed 2026-11-24",
    "ERROR   -  docs/fascia/long.md:3: front matter 'description': is 172 characters, the limit is 160 (it becomes the link preview); shorten it.",
    "ERROR   -  docs/fascia/tag.md:9: front matter 'tags': tag 'fascai' is not allowed; allowed tags: fascia, low back pain, exercise",
    "ERROR   -  docs/fascia/author.md:4: front matter 'author': 'jdoe' is not a known author; use one of: editorial-team, jane-smith",
])
def test_faulty_site_names_file_line_and_field(faulty_build, message):
    assert message in faulty_build.stderr


def test_valid_site_builds_strict(tmp_path):
    pages = {"fascia/good.md": VALID, "index.md": FAULTY_PAGES["index.md"]}
    result = build(make_site(tmp_path, pages), "--strict")
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "site" / "fascia" / "good" / "index.html").is_file()


def test_missing_extra_setting_is_a_config_error(tmp_path):
    config = make_site(tmp_path, {"index.md": FAULTY_PAGES["index.md"]})
    data = json.loads(config.read_text(encoding="utf-8"))
    del data["extra"]["tags_allowed"]
    config.write_text(json.dumps(data), encoding="utf-8")
    result = build(config)
    assert result.returncode != 0
    assert "mkdocs.yml: extra.tags_allowed is missing or empty" in result.stderr


def test_a_case_study_must_record_consent_as_written_or_pending():
    path = "docs/case-studies/runner.md"
    assert validate(VALID, path=path) == [
        f"{path}:1: front matter 'consent': is missing; a case study must say whether the client's written "
        "permission is held: consent: written, or consent: pending until it is"]
    assert validate(article(consent="pending"), path=path) == []
    assert validate(article(consent="written"), path=path) == []
    problems = validate(article(consent="yes"), path=path)
    assert len(problems) == 1 and "front matter 'consent'" in problems[0] and ":10:" in problems[0]


def test_the_case_study_states_permission_only_when_consent_is_written(built_site):
    text = (built_site / "case-studies" / "triathlete-low-back-pain" / "index.html").read_text(encoding="utf-8")
    meta = get_data((ROOT / "docs" / "case-studies" / "triathlete-low-back-pain.md").read_text(encoding="utf-8"))[1]
    says_permission = "Shared with the client's written permission" in text
    assert says_permission == (meta["consent"] == "written")
    assert 'class="case-consent"' in text
