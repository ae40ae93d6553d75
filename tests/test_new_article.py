"""fasciasite new: a new article's file, nav entry and published URL, or a clean refusal."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from mkdocs.utils.meta import get_data

from fasciasite.authoring import new_article
from fasciasite.config import load_mkdocs_yml

ROOT = Path(__file__).resolve().parents[1]

MKDOCS_YML = """\
# Fixture config: the comments must survive the nav edit.
site_name: Fixture
markdown_extensions:
  - pymdownx.emoji:
      emoji_index: !!python/name:material.extensions.emoji.twemoji
extra:
  article_sections: [fascia, back-pain, treatments]
  authors:
    editorial-team: {name: The editorial team}
  tags_allowed: [fascia, low back pain, sleep, exercise]

# ── Navigation ──
nav:
  - Home: index.md
  - Fascia:
      # what fascia is
      - fascia/what-is-fascia.md
      - Fascia and pain: fascia/fascia-and-low-back-pain.md   # keep second
  - Back pain:
      - back-pain/red-flags.md
  - Start here: fascia/what-is-fascia.md
  - About:
      - about/index.md
"""
URLS = "# Published URLs: never remove one.\n/about/\n/back-pain/red-flags/\n/fascia/retired-page/\n/fascia/what-is-fascia/\n"
TODAY = "2026-11-24"


@pytest.fixture
def site(tmp_path):
    (tmp_path / "mkdocs.yml").write_text(MKDOCS_YML, encoding="utf-8")
    (tmp_path / "published-urls.txt").write_text(URLS, encoding="utf-8")
    for page in ("index.md", "fascia/what-is-fascia.md", "back-pain/red-flags.md", "about/index.md"):
        (tmp_path / "docs" / page).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / "docs" / page).write_text("---\ntitle: x\n---\n", encoding="utf-8")
    return tmp_path


def run(site: Path, *args: str) -> int:
    return new_article.main([*args, "--root", str(site), "--today", TODAY])


def snapshot(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_creates_article_with_front_matter_and_skeleton(site, capsys):
    assert run(site, "Fascia & sleep: what's known?", "--section", "fascia", "--tags", "fascia", "sleep") == 0
    path = site / "docs" / "fascia" / "fascia-sleep-whats-known.md"
    text = path.read_text(encoding="utf-8")
    body, meta = get_data(text)
    assert meta == {
        "title": "Fascia & sleep: what's known?",
        "description": "",
        "author": "editorial-team",
        "reviewer": "",
        "published": dt.date(2026, 11, 24),
        "last_reviewed": dt.date(2026, 11, 24),
        "next_review": dt.date(2027, 11, 24),
        "tags": ["fascia", "sleep"],
        "about": ["Low back pain"],  # the writer changes it to the article's condition(s)
    }
    assert body.startswith("# Fascia & sleep: what's known?\n")
    for part in ('!!! abstract "Key points"', "<!-- write 3–5 key points", '!!! info "How strong is the evidence?"',
                 "## When to get help", "[signs that need urgent help](../back-pain/red-flags.md)", "References are added automatically"):
        assert part in body
    assert body.count("    - Replace with") == 3
    assert "[@" not in text  # a citation in the skeleton would break the build
    out = capsys.readouterr().out
    assert "docs/fascia/fascia-sleep-whats-known.md:3: front matter 'description': is empty" in out
    assert "/fascia/fascia-sleep-whats-known/" in out


def test_skeleton_passes_the_front_matter_check_once_described(site):
    assert run(site, "Sleep and back pain", "--section", "back-pain", "--tags", "sleep") == 0
    text = (site / "docs" / "back-pain" / "sleep-and-back-pain.md").read_text(encoding="utf-8")
    assert "[signs that need urgent help](red-flags.md)" in text
    text = text.replace('description: ""', "description: How sleep and back pain affect each other, and what the research says helps with both.")
    rules = new_article._front_matter_rules()
    problems = rules.validate_front_matter(get_data(text)[1], is_article=True, authors=["editorial-team"],
                                          tags=["fascia", "low back pain", "sleep", "exercise"], text=text, path="x.md")
    assert problems == []


def test_nav_entry_goes_after_the_sections_last_page_and_comments_stay(site):
    assert run(site, "Fascia myths", "--section", "fascia", "--tags", "fascia") == 0
    new = (site / "mkdocs.yml").read_text(encoding="utf-8").splitlines()
    old = MKDOCS_YML.splitlines()
    at = old.index("      - Fascia and pain: fascia/fascia-and-low-back-pain.md   # keep second") + 1
    assert new == old[:at] + ["      - fascia/fascia-myths.md"] + old[at:]
    edited = site / "edited.yml"  # read back as every command reads mkdocs.yml (its !!python/name tag too)
    edited.write_text("\n".join(new), encoding="utf-8")
    assert load_mkdocs_yml(edited)["nav"][1]["Fascia"][-1] == "fascia/fascia-myths.md"


def test_published_url_is_added_in_sorted_place(site):
    assert run(site, "Fascia myths", "--section", "fascia", "--tags", "fascia") == 0
    assert (site / "published-urls.txt").read_text(encoding="utf-8").splitlines() == [
        "# Published URLs: never remove one.", "/about/", "/back-pain/red-flags/",
        "/fascia/fascia-myths/", "/fascia/retired-page/", "/fascia/what-is-fascia/",
    ]


def test_slug_from_title_is_ascii_hyphenated_and_at_most_60_characters():
    assert new_article.slugify("Zügel’s “fascia” – what’s new?") == "zugels-fascia-whats-new"
    long = new_article.slugify("Why the thoracolumbar fascia matters for runners with long-standing low back pain")
    assert long == "why-the-thoracolumbar-fascia-matters-for-runners-with-long"
    assert len(long) <= 60


@pytest.mark.parametrize("args, says", [
    (["What is fascia", "--section", "fascia"], "docs/fascia/what-is-fascia.md already exists; refusing to overwrite it"),
    (["Red flags", "--section", "fascia"], "already uses the slug 'red-flags'; pick another with --slug"),
    (["Retired page", "--section", "fascia"], "/fascia/retired-page/ was published before (published-urls.txt line 4)"),
    (["New", "--section", "fascia", "--slug", "Bad_Slug"], "slug 'Bad_Slug' is not URL-safe"),
    (["Ωμέγα", "--section", "fascia"], "the title gives no ASCII slug; pass one with --slug"),
    (["New", "--section", "posture"], "unknown section 'posture'; use one of: fascia, back-pain, treatments"),
    (["New", "--section", "fascia", "--tags", "fascia", "fascai"], "unknown tag 'fascai'; allowed tags: fascia, low back pain, sleep, exercise"),
    (["New", "--section", "fascia", "--author", "jdoe"], "unknown author 'jdoe'; use one of: editorial-team"),
    (["New", "--section", "treatments"], "mkdocs.yml nav has no block of treatments/ pages; pick an existing section or add one to nav first"),
])
def test_refusals_are_one_line_exit_2_and_write_nothing(site, capsys, args, says):
    before = snapshot(site)
    assert run(site, *args) == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1
    assert says in err and err.rstrip().endswith("Nothing was written.")
    assert snapshot(site) == before


def test_nav_refuses_a_page_it_already_lists():
    with pytest.raises(new_article.Refusal, match="nav already lists fascia/what-is-fascia.md"):
        new_article.add_to_nav(MKDOCS_YML, "fascia", "fascia/what-is-fascia.md")
