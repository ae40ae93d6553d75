"""CI and deploy do what they claim: nothing is published unless the whole suite passed on
that commit, and the browser tests run where Debian's Chromium is the real browser."""
from __future__ import annotations

import yaml
from conftest import ROOT

WORKFLOWS = ROOT / ".github" / "workflows"


def steps(workflow: str, job: str) -> list[dict]:
    return yaml.safe_load((WORKFLOWS / workflow).read_text(encoding="utf-8"))["jobs"][job]["steps"]


def index_of(all_steps: list[dict], needle: str) -> int:
    return next(i for i, s in enumerate(all_steps) if needle in (s.get("run", "") + s.get("uses", "")))


def test_deploy_runs_the_whole_suite_and_every_guard_before_anything_is_uploaded():
    build = steps("deploy.yml", "build")
    upload = index_of(build, "actions/upload-pages-artifact")
    for guard in ("bash .ci/run", "make build", "fasciasite.content.urgent", "fasciasite.content.numbers", "fasciasite.links"):
        assert index_of(build, guard) < upload, f"deploy uploads before '{guard}'"
    deploy = yaml.safe_load((WORKFLOWS / "deploy.yml").read_text(encoding="utf-8"))["jobs"]["deploy"]
    assert deploy["needs"] == "build"


def test_the_raw_citation_guard_runs_after_every_make_build():
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    recipe = makefile.split("\nbuild: venv\n", 1)[1].split("\n\n", 1)[0]
    assert "fasciasite.references.rawcites $(SITE)" in recipe
    assert "fasciasite.publishing.outputcheck $(SITE)" in recipe  # nothing third-party, active or oversized


def test_ci_and_deploy_run_in_debian_where_apt_chromium_is_a_real_browser():
    for workflow, job in (("ci.yml", "test"), ("deploy.yml", "build")):
        config = yaml.safe_load((WORKFLOWS / workflow).read_text(encoding="utf-8"))["jobs"][job]
        assert "bookworm" in str(config.get("container")), f"{workflow}: run the job in a Debian container"


def test_ci_tests_both_engines():
    config = yaml.safe_load((WORKFLOWS / "ci.yml").read_text(encoding="utf-8"))["jobs"]["test"]
    assert config["strategy"]["matrix"]["engine"] == ["mkdocs", "properdocs"]


def test_the_article_sections_are_the_same_in_mkdocs_yml_the_feed_and_pre_commit():
    """extra.article_sections, the rss plugin's match_path and the check-articles hook's files:
    pattern name the same folders (a new section added to one only is caught here)."""
    import re

    from fasciasite.config import load_mkdocs_yml

    config = load_mkdocs_yml(ROOT)
    sections = set(config["extra"]["article_sections"])
    rss = next(p["rss"] for p in config["plugins"] if isinstance(p, dict) and "rss" in p)
    in_feed = set(re.fullmatch(r"\((.*)\)/\.\*", rss["match_path"]).group(1).split("|"))
    hooks = yaml.safe_load((ROOT / ".pre-commit-config.yaml").read_text(encoding="utf-8"))
    pattern = next(h["files"] for r in hooks["repos"] for h in r["hooks"] if h["id"] == "check-articles")
    in_pre_commit = set(re.fullmatch(r"\^docs/\((.*)\)/\.\*\\\.md\$", pattern).group(1).split("|"))
    assert sections == in_feed == in_pre_commit, (sections, in_feed, in_pre_commit)
