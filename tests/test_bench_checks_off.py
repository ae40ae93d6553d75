"""fasciasite.bench.checks_off (the bench's "checks off" build): it really turns our checks off, and
only in its own process. A measurement that left a check on would credit the features with the
check's cost."""
from __future__ import annotations

import subprocess
import sys

import pytest
from conftest import build_env, build_in_process, make_fixture_site

from fasciasite.bench import checks_off

pytestmark = pytest.mark.slow  # a subprocess build; the bench smoke test runs the module too

HOME = "---\ntitle: Home\ndescription: The home page of the planted fixture site, long enough to pass the rule.\n---\n\n"
# Faults each of a different check: an unknown shortcode, a figure that no cited source's findings
# state (numbers), and a reference-style link whose reference is never defined (author checks).
PLANTED = HOME + ("# Home\n\n<!-- md:bookng -->\n\n"
                  "Sprints were about 7% faster [@wiewelhove2019foam].\n\n"
                  "See [the guide][nosuchref].\n")


def test_a_page_every_check_rejects_builds_with_the_checks_off(tmp_path):
    real = build_in_process(make_fixture_site(tmp_path / "real", {"index.md": PLANTED}), tmp_path / "real" / "site")
    assert real.returncode == 1, real.stderr[-2000:]
    for fault in ("md:bookng", "states 7%", "nosuchref"):
        assert fault in real.stderr, (fault, real.stderr[-3000:])
    config = make_fixture_site(tmp_path / "off", {"index.md": PLANTED})
    off = subprocess.run([sys.executable, "-m", "fasciasite.bench.checks_off", "build", "-f", str(config),
                          "-d", str(tmp_path / "off" / "site")],
                         capture_output=True, text=True, env=build_env(), timeout=300)
    assert off.returncode == 0, off.stderr[-3000:]
    assert (tmp_path / "off" / "site" / "index.html").is_file()


def test_every_check_it_replaces_still_exists():
    """A renamed check would leave the measurement with that check on: each name must resolve."""
    for owner, name, _replacement in checks_off.CHECKS:
        assert callable(getattr(owner, name)), (owner, name)


def test_help_names_what_it_is_for(capsys):
    checks_off.main(["--help"])
    assert "never a way to publish" in capsys.readouterr().out
