"""The repository's records speak of the project alone (fasciasite.authoring.records, issue 27)."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from fasciasite.authoring import records

ROOT = Path(__file__).resolve().parent.parent


def test_repository_records_name_no_machine_path_and_no_drafting_label() -> None:
    found = records.check(ROOT)
    assert not found, "\n".join(map(str, found))


@pytest.mark.parametrize("line", [
    "Built into /tmp/site-check-1 and read there.",
    "See `/work/main/docs/back-pain/red-flags.md` line 4.",
    "Draft kept at /home/writer/notes.md",
    "(copied from /root/drafts/new.bib)",
    "Saved to ~/Desktop/review.md",
    r"Opened C:\Users\sam\review.docx",
    "macOS temp file /var/folders/xy/T/tmp1/page.md",
    "path=/private/tmp/build",
])
def test_a_machine_path_in_a_record_is_named_with_its_line(line: str) -> None:
    found = records.problems_in(f"# Notes\n\n{line}\n", "research/notes.md")
    assert [(p.file, p.line) for p in found] == [("research/notes.md", 3)]
    assert "path on the machine" in found[0].message and "path in the repository" in found[0].message


@pytest.mark.parametrize("line", [
    "## helper-c3: fascia pages",
    "Merged from writer-2's findings.",
    "Answers to reviewer2's review.",
    "The subagent read the page.",
    "fixer: NOTE (answers to the review)",
    "As helper_refs reported",
    "(auditor-1, 2026-12-07)",
])
def test_a_drafting_label_in_a_record_is_named_with_its_line(line: str) -> None:
    found = records.problems_in(line + "\n", "research/x.md")
    assert len(found) == 1 and found[0].line == 1
    assert "drafting label" in found[0].message and "the writer" in found[0].message


@pytest.mark.parametrize("line", [
    "Read at https://example.org/tmp/page.html and https://nhs.uk/home/back-pain/",
    "The nerve root/disc picture is in docs/back-pain/sciatica.md.",
    "### Hands-on work is a helper",
    "Two writers and an independent reviewer checked 45 claims.",
    "Files: research/audit-response-2026-12-07/claims-C.md and includes/safety.yml",
    "A ratio of 3/10 on a pain scale; 24/7 support.",
])
def test_ordinary_record_text_passes(line: str) -> None:
    assert records.problems_in(line + "\n", "research/x.md") == []


def _git(cwd: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True)


def test_the_command_reads_the_checkout_it_runs_in_and_only_tracked_records(tmp_path: Path) -> None:
    (tmp_path / "mkdocs.yml").write_text("site_name: x\n", encoding="utf-8")
    (tmp_path / "research").mkdir()
    (tmp_path / "docs").mkdir()
    (tmp_path / "research" / "audit.md").write_text("# Audit\n\nRead in /tmp/build/site.\n", encoding="utf-8")
    (tmp_path / "docs" / "page.md").write_text("Plain page.\n", encoding="utf-8")
    (tmp_path / "research" / "draft.md").write_text("helper-a1 scratch, not tracked\n", encoding="utf-8")
    (tmp_path / "scratch").mkdir()
    (tmp_path / "scratch" / "notes.md").write_text("Outside the records: /tmp/x\n", encoding="utf-8")
    _git(tmp_path, "init", "-q")
    _git(tmp_path, "add", "mkdocs.yml", "research/audit.md", "docs/page.md", "scratch/notes.md")
    result = subprocess.run([sys.executable, "-m", "fasciasite.authoring.records"], cwd=tmp_path,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 1, result.stdout + result.stderr
    lines = [line for line in result.stdout.splitlines() if line.startswith(("research/", "docs/", "scratch/"))]
    assert len(lines) == 1 and lines[0].startswith("research/audit.md:3: '/tmp/build/site'"), result.stdout
    (tmp_path / "research" / "audit.md").write_text("# Audit\n\nRead in a temporary build.\n", encoding="utf-8")
    clean = subprocess.run([sys.executable, "-m", "fasciasite.authoring.records", "--root", str(tmp_path)],
                           capture_output=True, text=True, timeout=60)
    assert clean.returncode == 0 and "0 problem(s)" in clean.stdout


def test_the_command_refuses_a_folder_that_is_not_a_checkout(tmp_path: Path) -> None:
    result = subprocess.run([sys.executable, "-m", "fasciasite.authoring.records", "--root", str(tmp_path)],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 2 and "mkdocs.yml" in result.stderr
