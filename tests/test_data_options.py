"""The written-once data files are options of the plugin (fasciasite.config.DATA_FILES): a site
that keeps them elsewhere says so once in mkdocs.yml, and the build and every command read the
same place; a wrong value fails with the option's name."""
from __future__ import annotations

import shutil
from html import escape

import yaml
from bad_input_kinds import article
from conftest import build_in_process, make_fixture_site

from fasciasite.config import DATA_FILES, data_file, plugin_options
from fasciasite.content import evidence, tiers

FRONT = "---\ntitle: {0}\ndescription: The {0} page of a planted fixture site, long enough to pass the rule.\n---\n\n"
PAGES = {"index.md": FRONT.format("Home") + "# Home\n\nIf it is urgent:\n\n<!-- md:urgent-help -->\n",
         "back-pain/red-flags.md": article("Red flags") + "\n# Red flags\n\nSigns.\n"}


def _with_options(config_file, options: dict) -> None:
    config = yaml.safe_load(config_file.read_text(encoding="utf-8"))
    config["plugins"] = [({"fasciasite": options} if p == "fasciasite" else p) for p in config["plugins"]]
    config_file.write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")


def test_moved_urgent_and_safety_data_are_read_from_the_options(tmp_path):
    config_file = make_fixture_site(tmp_path, PAGES)

    def build():
        return build_in_process(config_file, tmp_path / "site")

    (tmp_path / "data").mkdir()
    for role in ("urgent_help", "urgent_pins", "safety"):
        shutil.move(tmp_path / DATA_FILES[role], tmp_path / "data" / f"{role}.yml")
    broken = build()  # the defaults now name files that are gone: the build must not pass
    assert broken.returncode != 0, broken.stderr[-1500:]
    _with_options(config_file, {f"{role}_file": f"data/{role}.yml" for role in ("urgent_help", "urgent_pins", "safety")})
    assert data_file(tmp_path, "urgent_help") == "data/urgent_help.yml"
    result = build()
    assert result.returncode == 0, result.stderr[-3000:]
    html = (tmp_path / "site" / "index.html").read_text(encoding="utf-8")
    assert escape(tiers.load_for(tmp_path).tiers[0].title, quote=False) in html  # the moved tiers are shown
    # The evidence rules outside the build read the same files: the moved safety data is found
    # (its treatments are loaded) and its cites are checked at the moved path.
    project = evidence.Project(tmp_path)
    assert project.safety.treatments == tiers_free_treatments(tmp_path)
    assert all(p.file.startswith("data/") for p in project.data_problems()["safety-sources"] if "safety" in p.file)


def tiers_free_treatments(root):
    from fasciasite.content import safety

    return safety.load(root / "data" / "safety.yml")[0].treatments


def test_a_wrong_data_option_fails_with_its_name(tmp_path):
    config_file = make_fixture_site(tmp_path, PAGES)
    _with_options(config_file, {"safety_file": 3})
    result = build_in_process(config_file, tmp_path / "site")
    assert result.returncode != 0
    assert "safety_file" in result.stderr, result.stderr[-1500:]


def test_the_default_options_are_the_real_sites_files(tmp_path):
    (tmp_path / "mkdocs.yml").write_text("site_name: x\nplugins:\n  - fasciasite\n", encoding="utf-8")
    options = plugin_options(tmp_path)
    assert {role: options[f"{role}_file"] for role in DATA_FILES} == DATA_FILES
