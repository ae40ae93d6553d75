"""The package installs like any other: a normal (not editable) install builds the site from
another directory, and the commands act on the checkout they are run in, never on the folder
the package was installed from (two checkouts sharing one environment)."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest
from conftest import ROOT, build_env
from test_new_article import MKDOCS_YML, TODAY, URLS

CONTENT = ("docs", "includes", "overrides", "research", "mkdocs.yml", "references.bib")


def fresh_environment(tmp_path: Path) -> Path:
    """A new virtual environment holding a wheel-built (not editable) fasciasite; the pinned
    dependencies are this environment's (added by a .pth: nothing is downloaded)."""
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True, timeout=120)
    python = venv / "bin" / "python"
    purelib = Path(subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                                  capture_output=True, text=True, check=True).stdout.strip())
    (purelib / "project-dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n", encoding="utf-8")
    source = tmp_path / "source"  # a copy: an in-tree build would write build/ into the checkout
    source.mkdir()
    shutil.copy(ROOT / "pyproject.toml", source)
    shutil.copytree(ROOT / "fasciasite", source / "fasciasite", ignore=shutil.ignore_patterns("__pycache__"))
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--no-build-isolation",
                    "--disable-pip-version-check", "--no-index", "--target", str(purelib), str(source)],
                   check=True, timeout=300, capture_output=True)
    shutil.rmtree(source)
    return python


@pytest.mark.slow
def test_a_normal_install_builds_the_site_strictly_from_another_directory(tmp_path):
    python = fresh_environment(tmp_path)
    where = subprocess.run([str(python), "-c", "import fasciasite, fasciasite.links.cli, fasciasite.bench.corpus, "
                            "fasciasite.content.frontmatter as f; print(fasciasite.__file__); print(f.SCHEMA_PATH.is_file())"],
                           cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert where.returncode == 0, where.stderr[-2000:]
    installed, schema = where.stdout.split()
    assert Path(installed).is_relative_to(tmp_path / "venv") and schema == "True", where.stdout
    project = tmp_path / "elsewhere" / "project"
    project.mkdir(parents=True)
    for name in CONTENT:
        if (ROOT / name).is_dir():
            shutil.copytree(ROOT / name, project / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy(ROOT / name, project / name)
    result = subprocess.run([str(python), "-m", "mkdocs", "build", "--strict", "-d", str(tmp_path / "site")],
                            cwd=project, capture_output=True, text=True, timeout=600, env=build_env())
    assert result.returncode == 0, result.stderr[-3000:]
    assert (tmp_path / "site" / "back-pain" / "red-flags" / "index.html").is_file()


def checkout(root: Path) -> Path:
    (root / "docs" / "fascia").mkdir(parents=True)
    (root / "mkdocs.yml").write_text(MKDOCS_YML, encoding="utf-8")
    (root / "published-urls.txt").write_text(URLS, encoding="utf-8")
    for page in ("index.md", "fascia/what-is-fascia.md", "back-pain/red-flags.md", "about/index.md"):
        (root / "docs" / page).parent.mkdir(parents=True, exist_ok=True)
        (root / "docs" / page).write_text("---\ntitle: x\n---\n", encoding="utf-8")
    return root


def test_commands_act_on_the_checkout_they_run_in_not_where_the_package_is(tmp_path):
    """Two checkouts share this environment (whose fasciasite is another folder's): `fasciasite new`
    writes into the checkout of the current directory, or the one --root names."""
    first, second = checkout(tmp_path / "first"), checkout(tmp_path / "second")
    before = {p: p.read_bytes() for p in ROOT.rglob("*.md") if ".venv" not in p.parts}
    args = ["new", "Hip flexors and back pain", "--section", "fascia", "--tags", "fascia", "--today", TODAY]
    env = dict(os.environ, PYTHONPATH="")
    ran = subprocess.run([sys.executable, "-m", "fasciasite.cli", *args], cwd=second / "docs",
                         capture_output=True, text=True, timeout=60, env=env)
    assert ran.returncode == 0, ran.stdout + ran.stderr
    assert (second / "docs" / "fascia" / "hip-flexors-and-back-pain.md").is_file()
    assert "fascia/hip-flexors-and-back-pain.md" in (second / "mkdocs.yml").read_text(encoding="utf-8")
    assert "/fascia/hip-flexors-and-back-pain/" in (second / "published-urls.txt").read_text(encoding="utf-8")
    assert not (first / "docs" / "fascia" / "hip-flexors-and-back-pain.md").exists()
    ran = subprocess.run([sys.executable, "-m", "fasciasite.cli", "--root", str(first), *args], cwd=tmp_path,
                         capture_output=True, text=True, timeout=60, env=env)
    assert ran.returncode == 0, ran.stdout + ran.stderr
    assert (first / "docs" / "fascia" / "hip-flexors-and-back-pain.md").is_file()
    assert not (ROOT / "docs" / "fascia" / "hip-flexors-and-back-pain.md").exists()
    assert before == {p: p.read_bytes() for p in ROOT.rglob("*.md") if ".venv" not in p.parts}
