"""A pin never becomes less urgent without a record (`python -m fasciasite.content.pinhistory`).

Usage: python -m fasciasite.content.pinhistory [--root DIR]

includes/urgent-pins.yml pins each urgent-help sign to the tier its NHS source gives, and the
build fails when a sign sits below its pin. But a change that lowers a sign AND its pin
together (same source, new `says`) passes that check. So this rule reads every committed
version of the pins file (git log) and fails when a sign is now pinned less urgently than it
ever was, or has gone from the pins, unless the pin records the change:

  - sign: ...
    tier: urgent
    lowered_from: {tier: emergency, source: [nhs_key], says: what the NHS page now says}

`lowered_from.source` must name a references.bib key (the evidence rules check that the key
is an NHS-, NICE-, MHRA- or GOV.UK-owned page when it is cited from the pins). Without git or
history (an exported tree) the rule has nothing to compare and passes. It runs in `make check`
(step urgent-history) and the suite, like the published-URL history.

Why our own code: a policy about this project's own data over its git history; no tool knows it.
Exit 0 when no pin was lowered without a record, 1 when one was, 2 on bad usage.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

import yaml

from fasciasite.config import data_file
from fasciasite.content.tiers import LEVELS, DataError, _line, read_yaml
from fasciasite.content.urgent import Problem
from fasciasite.githistory import git
from fasciasite.problems import report


def _pins(text: str) -> dict[str, str]:
    """sign -> tier in one version of the pins file (a version that does not parse adds nothing)."""
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError:
        return {}
    pins = data.get("pins") if isinstance(data, dict) else None
    return {str(p["sign"]): str(p["tier"]) for p in pins or [] if isinstance(p, dict) and "sign" in p and "tier" in p
            and str(p["tier"]) in LEVELS}


def most_urgent_ever(root: Path, name: str | None = None) -> dict[str, tuple[str, str]]:
    """sign -> (the most urgent tier any committed version pinned it to, "hash date" of that version)."""
    name = name or data_file(root, "urgent_pins")
    best: dict[str, tuple[str, str]] = {}
    for line in (git(root, "log", "--format=%h %cs", "--", name) or "").splitlines():
        rev = line.split()[0]
        for sign, tier in _pins(git(root, "show", f"{rev}:{name}") or "").items():
            if sign not in best or LEVELS[tier] > LEVELS[best[sign][0]]:
                best[sign] = (tier, line)
    return best


def check(root: Path) -> list[Problem]:
    shown = data_file(root, "urgent_pins")  # the plugin's urgent_pins_file option
    path = root / shown
    try:
        data, _ = read_yaml(path, shown)
    except DataError as exc:
        where, _, message = str(exc).partition(": ")
        return [Problem(shown, int(where.rsplit(":", 1)[-1]) if where[-1:].isdigit() else 1, message)]
    current = {str(p.get("sign")): p for p in (data or {}).get("pins") or [] if isinstance(p, dict)}
    problems = []
    for sign, (tier, commit) in most_urgent_ever(root).items():
        pin = current.get(sign)
        if pin is None:
            problems.append(Problem(shown, 1, f"the sign '{sign}' was pinned to '{tier}' (commit {commit}) and has "
                                    "gone from the pins; restore it (a sign NHS advice lists never leaves the tiers)"))
            continue
        now = str(pin.get("tier"))
        if now in LEVELS and LEVELS[now] < LEVELS[tier]:
            lowered = pin.get("lowered_from")
            if not (isinstance(lowered, dict) and lowered.get("tier") == tier and lowered.get("source") and lowered.get("says")):
                problems.append(Problem(shown, _line(pin, "tier"), f"the pin of '{sign}' is now '{now}', but commit "
                                        f"{commit} pinned it to '{tier}'; a pin never becomes less urgent silently: "
                                        f"restore '{tier}', or, if a published NHS page now gives '{now}', record "
                                        f"lowered_from: {{tier: {tier}, source: [key], says: what that page says}}"))
    return problems


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m fasciasite.content.pinhistory", description=__doc__.split("\n\n")[0])
    ap.add_argument("--root", type=Path, default=Path("."), help="the checkout (default: the current folder)")
    args = ap.parse_args(argv)
    root = args.root.resolve()
    shown = data_file(root, "urgent_pins")
    if not (root / shown).is_file():
        print(f"{root}: no {shown} here; run from the project's checkout or give --root", file=sys.stderr)
        return 2
    problems = check(root)
    return report(problems, f"pin history: {len(problems)} problem(s)")


if __name__ == "__main__":
    sys.exit(main())
