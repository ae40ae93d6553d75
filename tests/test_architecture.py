"""The layout stays readable: the site's logic is one package run by one MkDocs plugin, no
module keeps build state in a global, commands are package modules with --help, nothing loads
code by path. (Modules are split by concern, not by a line count.)"""
from __future__ import annotations

import re
import subprocess
import sys

import pytest
import yaml
from conftest import ROOT

from fasciasite import cli
from fasciasite.config import load_mkdocs_yml

PYTHON_FILES = sorted(p for d in ("fasciasite", "overrides", "scripts", "tests") for p in (ROOT / d).rglob("*.py"))
BY_PATH = re.compile(r"sys\.path\.(insert|append)|spec_from_file_location|SourceFileLoader|exec_module\(|runpy\.run_path")
# The modules that the Makefile, pre-commit and CI run as `python -m MODULE`: each must answer --help.
RUN_AS_MODULES = sorted({m for f in ("Makefile", ".pre-commit-config.yaml", ".ci/run") if (ROOT / f).is_file()
                         for m in re.findall(r"-m (fasciasite[\w.]*)", (ROOT / f).read_text(encoding="utf-8"))})


@pytest.mark.parametrize("path", PYTHON_FILES, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_no_code_is_loaded_by_path_and_sys_path_is_never_edited(path):
    text = path.read_text(encoding="utf-8")
    if path.name == "test_architecture.py":
        text = text.replace(BY_PATH.pattern, "")
    found = [f"{path.relative_to(ROOT)}:{text.count(chr(10), 0, m.start()) + 1}: {m.group(0)}" for m in BY_PATH.finditer(text)]
    assert not found, "import it from the fasciasite package instead:\n" + "\n".join(found)


def test_the_site_logic_is_one_plugin_listed_last_and_no_hook_files():
    """One plugin (fasciasite/plugin.py, entry point `fasciasite`), no hooks: in mkdocs.yml, and
    after bibtex, search, rss and redirects, whose output its steps at priority 0 read."""
    config = load_mkdocs_yml(ROOT)
    names = [p if isinstance(p, str) else next(iter(p)) for p in config["plugins"]]
    assert "hooks" not in config and not list(ROOT.glob("overrides/hooks/*.py")), "hook files: use the plugin"
    assert names[-1] == "fasciasite" and {"bibtex", "search", "rss", "redirects"} <= set(names[:-1]), names
    text = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert 'fasciasite = "fasciasite.plugin:SitePlugin"' in text.split('[project.entry-points."mkdocs.plugins"]')[1]


def test_commands_read_mkdocs_yml_through_the_one_loader_and_it_understands_tags(tmp_path, monkeypatch):
    """fasciasite.config.load_mkdocs_yml reads !ENV and Material's !!python/name tags, which
    yaml.safe_load refuses; no other module parses mkdocs.yml (two copies that write it back
    as YAML are named, and mkdocs.yml itself uses no tag they would lose)."""
    monkeypatch.setenv("FASCIASITE_TEST_URL", "https://example.org/")
    (tmp_path / "mkdocs.yml").write_text("site_url: !ENV [FASCIASITE_TEST_URL, 'x']\nmarkdown_extensions:\n"
                                         "  - pymdownx.emoji:\n      emoji_index: !!python/name:material.extensions.emoji.twemoji\n",
                                         encoding="utf-8")
    data = load_mkdocs_yml(tmp_path)
    assert data["site_url"] == "https://example.org/"
    assert callable(data["markdown_extensions"][0]["pymdownx.emoji"]["emoji_index"])
    nodes, tags = [yaml.compose((ROOT / "mkdocs.yml").read_text(encoding="utf-8"))], set()
    while nodes:
        node = nodes.pop()
        tags.add(node.tag)
        nodes += [n for pair in node.value for n in pair] if isinstance(node, yaml.MappingNode) else \
            (node.value if isinstance(node, yaml.SequenceNode) else [])
    assert all(tag.startswith("tag:yaml.org,2002:") for tag in tags), tags
    writers = {"fasciasite/bench/corpus.py", "tests/conftest.py"}
    readers = [p.relative_to(ROOT).as_posix() for p in PYTHON_FILES
               if re.search(r"safe_load\([^)\n]*mkdocs\.yml", p.read_text(encoding="utf-8"))]
    assert set(readers) <= writers, readers


# Module-level names that hold build state: a dict, list or set (or None to be filled in) that
# a function changes. State lives on the plugin's step objects, made fresh in on_config.
STATE = re.compile(r"^(_\w+)\s*(?::[^=\n]+)?=\s*(?:\{\}|\[\]|set\(\)|defaultdict\(|None\b|\{\s*\"\w+\": (?:\[\]|set\(\)|\{\}))", re.M)


# Not build state: a process pool's worker keeps the site it checks in its own process.
PER_PROCESS = {"fasciasite/links/internal.py"}


@pytest.mark.parametrize("path", sorted((ROOT / "fasciasite").rglob("*.py")), ids=lambda p: p.relative_to(ROOT).as_posix())
def test_no_module_holds_build_state_in_a_global(path):
    if path.relative_to(ROOT).as_posix() in PER_PROCESS:
        return
    text = path.read_text(encoding="utf-8")
    found = [f"{path.relative_to(ROOT)}:{text.count(chr(10), 0, m.start()) + 1}: {m.group(1)}" for m in STATE.finditer(text)]
    found += [f"{path.relative_to(ROOT)}:{text.count(chr(10), 0, m.start()) + 1}: global" for m in re.finditer(r"^\s+global ", text, re.M)]
    assert not found, "keep build state on the plugin's step objects (fasciasite/plugin.py):\n" + "\n".join(found)


@pytest.mark.parametrize("path", sorted((ROOT / "scripts").glob("*.py")), ids=lambda p: p.name)
def test_each_script_only_calls_a_package_command(path):
    code = [line for line in path.read_text(encoding="utf-8").splitlines() if line.strip() and not line.startswith("#")]
    assert len(code) <= 6 and any(line.startswith("from fasciasite") for line in code), path.name


@pytest.mark.parametrize("name", sorted(cli.COMMANDS))
def test_every_subcommand_of_the_one_cli_has_help(name, capsys):
    assert cli.main([name, "--help"]) == 0
    out = capsys.readouterr().out
    assert out.lower().startswith("usage:"), out[:300]


def test_every_command_module_is_a_subcommand_of_the_one_cli():
    """A module with main(argv) is a command: `fasciasite NAME` must reach it."""
    commands = {p.relative_to(ROOT).with_suffix("").as_posix().replace("/", ".") for p in (ROOT / "fasciasite").rglob("*.py")
                if re.search(r"^def main\(", p.read_text(encoding="utf-8"), re.M)}
    reached = {module for module, _what in cli.COMMANDS.values()}
    forwarded = {"fasciasite.references.bibcheck": "fasciasite.references.bib runs it", "fasciasite.cli": "the command itself",
                 # A measurement the bench runs (a build with every check off), never a command to publish with.
                 "fasciasite.bench.checks_off": "fasciasite.bench runs it"}
    assert commands - reached - set(forwarded) == set(), "add each to fasciasite/cli.py COMMANDS"


def test_the_cli_lists_its_commands_and_refuses_an_unknown_one(capsys):
    assert cli.main(["--help"]) == 0
    out = capsys.readouterr().out
    assert all(f"  {name} " in out for name in cli.COMMANDS)
    assert cli.main(["no-such-command"]) == 2
    assert "invalid choice: 'no-such-command'" in capsys.readouterr().err


@pytest.mark.parametrize("module", RUN_AS_MODULES)
def test_every_command_has_help(module, monkeypatch, capsys):
    """`python -m MODULE --help` in this process: runpy runs the module (or a package's __main__)
    as __main__, as -m does, without a new interpreter (0.2 s each);
    test_a_command_answers_help_in_a_new_process proves the same in a new process, once."""
    import runpy
    import warnings

    monkeypatch.setattr(sys, "argv", [module, "--help"])
    monkeypatch.chdir(ROOT)
    code = 0
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # "found in sys.modules": the tests imported it already
        try:
            runpy.run_module(module, run_name="__main__", alter_sys=True)
        except SystemExit as exc:
            code = exc.code
    out = capsys.readouterr()
    assert code in (0, None), out.err[-1500:]
    assert "usage:" in out.out.lower()


def test_a_command_answers_help_in_a_new_process():
    result = subprocess.run([sys.executable, "-m", RUN_AS_MODULES[0], "--help"], cwd=ROOT, capture_output=True, text=True,
                            timeout=60)
    assert result.returncode == 0, result.stderr[-1500:]
    assert "usage:" in result.stdout.lower()
