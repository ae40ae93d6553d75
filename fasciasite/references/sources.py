"""Authoritative addresses: every references.bib `url` points where a reader should go.

The allow-list is data, in includes/sources.yml (host pattern -> owner class and reason;
refused patterns -> why). A `url` whose host is refused (staging, file-sharing, flashcards,
aggregators, proxies, blogs), not on the list, a bare IP address, or whose path is a
translation (/cy/, /zh-cn/, ...) is reported:

    references.bib:LINE: entry 'key': host X is not an authoritative address; use the DOI,
    PubMed or the publisher's page (move the copy you read to checked = {...})

Owner classes also decide which entries the urgent-help tiers and the safety blocks may
cite (nhs, nice, govuk, mhra: see fasciasite/content/safety.py).

Why our own code: no MkDocs, Material or mkdocs-bibtex feature judges where a reference
points; linkcheckers test that a link works, not whose page it is.
"""
from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from fasciasite import yamllines
from fasciasite.config import data_file
from fasciasite.references.bib import Entry, Problem

DATA_FILE = "includes/sources.yml"
CLASSES = ("nhs", "nice", "govuk", "mhra", "regulator", "publisher", "index", "professional-body", "organisation",
           "claim-source")
HEALTH_OWNERS = ("nhs", "nice", "govuk", "mhra")  # who may be cited for urgent help and safety advice
# A first path segment that is a language other than English: a translated copy.
TRANSLATION = re.compile(r"^/(?!en\b|en[-_]|uk\b|gb\b)([a-z]{2}([-_][a-z]{2,4})?)(/|$)", re.I)
FIX = "use the DOI, PubMed or the publisher's page (move the copy you read to checked = {...})"
# Suffixes anyone can register a name under: a wildcard over one ("*.co.uk") would allow every
# site there, pharmacies and blogs included. Restricted suffixes (nhs.uk, gov.uk, ac.uk, nhs.scot)
# are not here: only their owners' bodies can hold a name under them.
OPEN_SUFFIXES = frozenset({"com", "org", "net", "info", "biz", "io", "co", "me", "app", "site", "online", "health", "eu",
                           "uk", "co.uk", "org.uk", "me.uk", "ltd.uk", "plc.uk", "net.uk", "scot", "wales", "cymru", "london"})
# The registrable domains each health owner class may sit under. These four classes are the
# ones urgent-help and safety advice may cite, so they are anchored here, in reviewed code,
# rather than in the data file alone: a host added to includes/sources.yml as "nhs" must be an
# NHS domain (a pharmacy or a copy given class nhs would otherwise pass silently). An NHS body
# on a domain of its own (NHS Fife, NHS Lothian) is added here with the reason in a comment.
HEALTH_DOMAINS: dict[str, tuple[str, ...]] = {
    "nhs": ("nhs.uk", "nhs.scot", "nhs.wales", "hscni.net", "nhsinform.scot", "nhs24.scot",
            "nhsfife.org",        # NHS Fife, a Scottish health board, on its own domain
            "nhslothian.scot"),   # NHS Lothian, a Scottish health board, on its own domain
    "nice": ("nice.org.uk",),
    "govuk": ("gov.uk", "gov.scot", "gov.wales"),
    "mhra": ("mhra.gov.uk", "gov.uk"),  # the MHRA publishes on its own host and on GOV.UK
}


def _under(pattern: str, domain: str) -> bool:
    host = pattern.lower().removeprefix("*.").strip(".")
    return host == domain or host.endswith("." + domain)


# DOI prefixes that a copy's host assigns to an upload, never the publisher's DOI of the work.
COPY_DOI_PREFIXES = {"10.13140": "a DOI ResearchGate gives an upload"}


@dataclass
class Hosts:
    allowed: dict[str, tuple[str, str]] = field(default_factory=dict)  # pattern -> (class, reason)
    refused: dict[str, str] = field(default_factory=dict)  # pattern -> why

    def owner(self, host: str) -> tuple[str, str] | None:
        """(class, reason) of the most specific allowed pattern for host, or None."""
        matches = [(p, v) for p, v in self.allowed.items() if _matches(p, host)]
        return max(matches, key=lambda pv: len(pv[0]))[1] if matches else None

    def refusal(self, host: str) -> str | None:
        return next((why for p, why in self.refused.items() if _matches(p, host)), None)


def _matches(pattern: str, host: str) -> bool:
    pattern, host = pattern.lower(), host.lower().rstrip(".")
    if pattern.startswith("*."):
        base = pattern[2:]
        return host == base or host.endswith("." + base)
    if pattern.endswith(".*"):
        return host.startswith(pattern[:-1])
    return host == pattern or (pattern.startswith("www.") and host == pattern[4:]) or host == "www." + pattern


def load(path: Path, shown: str = DATA_FILE) -> tuple[Hosts, list[Problem]]:
    """The allow-list, and its problems (each file:line)."""
    data, error = yamllines.load(path, shown)
    if error:
        return Hosts(), [_problem(error)]
    problems: list[Problem] = []
    hosts = Hosts()
    if not isinstance(data, dict) or not isinstance(data.get("allowed"), dict):
        return hosts, [Problem(shown, yamllines.line_of(data), None, "needs an 'allowed:' map of host pattern -> {class, reason}")]
    for key in data:
        if key not in ("allowed", "refused"):
            problems.append(Problem(shown, yamllines.line_of(data, key), None, f"unknown key '{key}'; use allowed and refused only"))
    allowed = data["allowed"]
    for pattern, value in allowed.items():
        line = yamllines.line_of(allowed, pattern)
        if not isinstance(value, dict) or set(value) != {"class", "reason"}:
            problems.append(Problem(shown, line, None, f"'{pattern}' needs exactly {{class: ..., reason: ...}}"))
        elif str(pattern).lower().startswith("*.") and str(pattern)[2:].lower().strip(".") in OPEN_SUFFIXES:
            problems.append(Problem(shown, line, None, f"'{pattern}' would allow every site under .{str(pattern)[2:]}, where "
                                    "anyone can register a name; list the owner's own host (www.example.co.uk) instead"))
        elif value["class"] not in CLASSES:
            problems.append(Problem(shown, line, None, f"'{pattern}': class '{value['class']}' is not one of {', '.join(CLASSES)}"))
        elif value["class"] in HEALTH_DOMAINS and not any(_under(str(pattern), d) for d in HEALTH_DOMAINS[value["class"]]):
            domains = ", ".join(HEALTH_DOMAINS[value["class"]])
            problems.append(Problem(shown, line, None, f"'{pattern}' is given class {value['class']}, but it is not under "
                                    f"one of its domains ({domains}); give it the class of its real owner (publisher, "
                                    "organisation...), or, if it truly is such a body's own domain, add that domain to "
                                    "HEALTH_DOMAINS in fasciasite/references/sources.py in a reviewed change"))
        elif not str(value["reason"]).strip():
            problems.append(Problem(shown, line, None, f"'{pattern}': reason is empty; say whose site it is"))
        else:
            hosts.allowed[str(pattern)] = (value["class"], str(value["reason"]))
    refused = data.get("refused") or {}
    if not isinstance(refused, dict):
        problems.append(Problem(shown, yamllines.line_of(data, "refused"), None, "refused: must be a map of host pattern -> reason"))
    for pattern, why in refused.items() if isinstance(refused, dict) else []:
        if not str(why or "").strip():
            problems.append(Problem(shown, yamllines.line_of(refused, pattern), None, f"refused '{pattern}' needs its reason"))
        hosts.refused[str(pattern)] = str(why)
    return hosts, problems


def _problem(error: str) -> Problem:
    where, _, message = error.partition(": ")
    file, _, line = where.rpartition(":")
    return Problem(file, int(line) if line.isdigit() else 1, None, message)


def load_for(root: Path) -> tuple[Hosts, list[Problem]]:
    """The allow-list of the checkout at root, from the file the plugin's `sources_file` names."""
    shown = data_file(root, "sources")
    return load(Path(root) / shown, shown)


def url_problem(url: str, hosts: Hosts) -> str | None:
    """Why url is not an authoritative address, or None when it is."""
    parts = urlsplit(url.strip())
    host = (parts.hostname or "").lower()
    if not host:
        return None  # fasciasite.references.bibcheck reports a url that is not http(s)
    try:
        ipaddress.ip_address(host)
        return f"host {host} (a bare IP address) is not an authoritative address; {FIX}"
    except ValueError:
        pass
    if why := hosts.refusal(host):
        return f"host {host} ({why}) is not an authoritative address; {FIX}"
    if hosts.owner(host) is None:
        return (f"host {host} is not an authoritative address; {FIX}; if it is the owner's own site, "
                f"add it to {DATA_FILE} with its class and reason")
    if m := TRANSLATION.match(parts.path):
        return f"host {host}: the path /{m.group(1)}/ is a translation, not an authoritative address; use the English page ({FIX})"
    return None


def owner_class(url: str, hosts: Hosts) -> str | None:
    """The owner class of an authoritative url, or None."""
    if not url or url_problem(url, hosts):
        return None
    found = hosts.owner((urlsplit(url.strip()).hostname or "").lower())
    return found[0] if found else None


def check_urls(entries: dict[str, Entry], file: str, hosts: Hosts) -> list[Problem]:
    problems = []
    for e in entries.values():
        url = e.fields.get("url", "").strip()
        if url and (why := url_problem(url, hosts)):
            problems.append(Problem(file, e.field_lines.get("url", e.line), e.key, why))
        prefix = e.fields.get("doi", "").strip().split("/", 1)[0]
        if prefix in COPY_DOI_PREFIXES:
            problems.append(Problem(file, e.field_lines.get("doi", e.line), e.key,
                                    f"doi {e.fields['doi'].strip()} is {COPY_DOI_PREFIXES[prefix]}, not the publisher's DOI of "
                                    f"the work; {FIX}"))
    return problems
