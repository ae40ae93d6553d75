"""Clinical reviewers: the one list (mkdocs.yml extra.reviewers), each entry checkable by a reader.

Each reviewer is a registered clinician, written as

    reviewers:
      - name: Jane Smith                 # as on the register
        profession: Physiotherapist
        body: HCPC                       # the regulator that holds the register
        registration: PH123456           # the number as the register shows it
        register_url: https://www.hcpc-uk.org/check-the-register/   # the register's search page

Rules (each problem `mkdocs.yml:LINE: extra.reviewers[N]: what is wrong; the fix`): every
field present and plain text; the name once; the registration letters and digits with at
least three digits; register_url an https address on a host that includes/sources.yml
lists as a `regulator` (HCPC, GMC, NMC, General Osteopathic Council, General Chiropractic
Council, ...), so a reader's click goes to the register itself. The list stays empty until
the clinic adds a real clinician: no name is ever invented (tests use a fixture reviewer).

An article is signed off in a pull request that sets `reviewer:` to the name here and
`last_reviewed:` to the day of the review; the byline then says "Reviewed by NAME,
PROFESSION (BODY REGISTRATION) on DATE" and the page's JSON-LD carries reviewedBy.
"""
from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mkdocs.exceptions import PluginError

from fasciasite.references import sources

FIELDS = ("name", "profession", "body", "registration", "register_url")
NUMBER = re.compile(r"^(?=(?:[A-Z]*\d){3})[A-Z0-9]{3,12}$")
EXAMPLE = ("name: Jane Smith, profession: Physiotherapist, body: HCPC, registration: PH123456, "
           "register_url: https://www.hcpc-uk.org/check-the-register/")


@dataclass(frozen=True)
class Reviewer:
    name: str
    profession: str
    body: str
    number: str
    register_url: str

    def credit(self) -> str:
        """How the byline names them: 'Jane Smith, Physiotherapist (HCPC PH123456)'."""
        return f"{self.name}, {self.profession} ({self.body} {self.number})"


def _line(config_text: str, index: int) -> int:
    """The line of the index-th entry under extra.reviewers (or of `reviewers:`)."""
    lines = config_text.splitlines()
    start = next((i for i, raw in enumerate(lines) if re.match(r"^\s*reviewers\s*:", raw)), None)
    if start is None:
        return 1
    entries = [i for i in range(start + 1, len(lines)) if re.match(r"^\s*-\s", lines[i])]
    return (entries[index] if index < len(entries) else start) + 1


def problems(extra: Mapping[str, Any], hosts: sources.Hosts, config_text: str = "", shown: str = "mkdocs.yml") -> list[str]:
    found: list[str] = []
    reviewers = extra.get("reviewers") or []
    if not isinstance(reviewers, list):
        return [f"{shown}:{_line(config_text, 0)}: extra.reviewers must be a list of clinicians ({EXAMPLE}), or [] while there are none"]
    seen: set[str] = set()
    for n, person in enumerate(reviewers):
        where = f"{shown}:{_line(config_text, n)}: extra.reviewers[{n}]"
        if not isinstance(person, dict):
            found.append(f"{where}: is not a map; write {EXAMPLE}")
            continue
        missing = [k for k in FIELDS if not isinstance(person.get(k), str) or not person[k].strip()]
        unknown = sorted(set(person) - set(FIELDS))
        if missing:
            found.append(f"{where}: needs {', '.join(missing)} as text; write {EXAMPLE}")
        if unknown:
            found.append(f"{where}: unknown field(s) {', '.join(unknown)}; a reviewer has {', '.join(FIELDS)}")
        if missing:
            continue
        name = person["name"].strip()
        if name.casefold() in seen:
            found.append(f"{where}: '{name}' is listed twice; keep one entry")
        seen.add(name.casefold())
        if not NUMBER.match(person["registration"].strip()):
            found.append(f"{where}: registration '{person['registration']}' is not a registration number; write it as "
                         f"the register shows it, letters and digits only (e.g. PH123456), with the body in body:")
        url = person["register_url"].strip()
        if not url.startswith("https://") or sources.owner_class(url, hosts) != "regulator":
            found.append(f"{where}: register_url '{url}' is not the search page of a regulator's register; use the "
                         f"https address of the register on a host that includes/sources.yml lists as a regulator "
                         f"(e.g. https://www.hcpc-uk.org/check-the-register/)")
    return found


def read(extra: Mapping[str, Any]) -> list[Reviewer]:
    """The reviewers as records (call after problems() found none)."""
    return [Reviewer(p["name"].strip(), p["profession"].strip(), p["body"].strip(), p["registration"].strip(),
                     p["register_url"].strip())
            for p in extra.get("reviewers") or [] if isinstance(p, dict) and all(isinstance(p.get(k), str) for k in FIELDS)]


def load_reviewers(extra: Mapping[str, Any], root: Path | None = None, config_file: Path | None = None) -> list[Reviewer]:
    """The reviewers, after checking them; every problem stops the build (PluginError)."""
    if root is not None:
        hosts, _ = sources.load_for(root)  # the allow-list's own problems are the evidence check's
        text = config_file.read_text(encoding="utf-8-sig") if config_file and config_file.is_file() else ""
        found = problems(extra, hosts, text, config_file.name if config_file else "mkdocs.yml")
        if found:
            raise PluginError("\n".join(found))
    return read(extra)
