"""A pin never becomes less urgent without a record (fasciasite.content.pinhistory; fresh bad-input round)."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from fasciasite.content import pinhistory

ROOT = Path(__file__).resolve().parent.parent
PINS = """pins:
  - sign: difficulty peeing
    tier: {peeing}
    source: [nhs_backpain]
    says: {says}
  - sign: a high temperature
    tier: urgent
    source: [nhs_backpain]
    says: urgent GP appointment or 111 for a high temperature
"""


def _git(root: Path, *args: str) -> None:
    subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@example.org", *args], cwd=root, check=True,
                   capture_output=True)


def _repo(tmp_path: Path) -> Path:
    (tmp_path / "includes").mkdir()
    _git(tmp_path, "init", "-q")
    _commit(tmp_path, PINS.format(peeing="emergency", says="call 999 or go to A&E for difficulty peeing"))
    return tmp_path


def _commit(root: Path, text: str) -> None:
    (root / "includes" / "urgent-pins.yml").write_text(text, encoding="utf-8")
    _git(root, "add", "-A")
    _git(root, "commit", "-q", "-m", "pins")


def test_the_real_pins_were_never_lowered_silently() -> None:
    assert pinhistory.check(ROOT) == []


def test_a_sign_lowered_with_its_pin_and_says_fails_naming_the_commit(tmp_path: Path) -> None:
    root = _repo(tmp_path)
    _commit(root, PINS.format(peeing="urgent", says="urgent GP appointment for difficulty peeing"))
    [p] = pinhistory.check(root)
    assert p.file == "includes/urgent-pins.yml" and p.line == 3
    assert "'difficulty peeing' is now 'urgent', but commit" in p.message and "lowered_from" in p.message


def test_an_uncommitted_lowering_fails_too(tmp_path: Path) -> None:
    root = _repo(tmp_path)
    (root / "includes" / "urgent-pins.yml").write_text(PINS.format(peeing="gp", says="see a GP"), encoding="utf-8")
    assert len(pinhistory.check(root)) == 1


def test_a_lowering_recorded_with_its_nhs_source_passes(tmp_path: Path) -> None:
    root = _repo(tmp_path)
    text = PINS.format(peeing="urgent", says="urgent GP appointment for difficulty peeing").replace(
        "    source: [nhs_backpain]\n    says: urgent GP appointment for difficulty peeing\n",
        "    source: [nhs_backpain]\n    says: urgent GP appointment for difficulty peeing\n"
        "    lowered_from: {tier: emergency, source: [nhs_newpage], says: the page now says urgent GP}\n", 1)
    _commit(root, text)
    assert pinhistory.check(root) == []


def test_a_sign_made_more_urgent_passes_and_a_removed_one_fails(tmp_path: Path) -> None:
    root = _repo(tmp_path)
    _commit(root, PINS.format(peeing="emergency", says="call 999").replace("tier: urgent", "tier: emergency"))
    assert pinhistory.check(root) == []
    _commit(root, "pins:\n  - sign: a high temperature\n    tier: emergency\n    source: [x]\n    says: y\n")
    [p] = pinhistory.check(root)
    assert "'difficulty peeing' was pinned to 'emergency'" in p.message and "has gone from the pins" in p.message


def test_without_git_history_there_is_nothing_to_compare(tmp_path: Path) -> None:
    (tmp_path / "includes").mkdir()
    (tmp_path / "includes" / "urgent-pins.yml").write_text(PINS.format(peeing="gp", says="x"), encoding="utf-8")
    assert pinhistory.check(tmp_path) == []


def test_the_command_acts_on_the_checkout_it_is_given(tmp_path: Path) -> None:
    root = _repo(tmp_path)
    _commit(root, PINS.format(peeing="gp", says="see a GP"))
    result = subprocess.run([sys.executable, "-m", "fasciasite.content.pinhistory", "--root", str(root)],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 1 and "pin history: 1 problem(s)" in result.stdout
    assert subprocess.run([sys.executable, "-m", "fasciasite.content.pinhistory", "--root", str(tmp_path / "nope")],
                          capture_output=True, text=True, timeout=60).returncode == 2
