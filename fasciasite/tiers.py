"""The urgent-help tiers (includes/urgent-help.yml): reading them and rendering them.

fasciasite.urgent holds the shortcode rules and the lint that keeps pages from re-wording
or re-tiering them; this module reads the data file and turns a shortcode into boxes.
"""
from __future__ import annotations

import functools
import posixpath
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

DATA_FILE = "includes/urgent-help.yml"
SHORTCODE = re.compile(r"^[ \t]*<!--\s*md:urgent-help(?:\s+tier=([\w-]+))?\s*-->[ \t]*$", re.M)
LEVELS = {"gp": 1, "urgent": 2, "emergency": 3}


class DataError(ValueError):
    """The data file is missing a part; the message names the file and the fix."""


@dataclass
class Sign:
    text: str
    patterns: list[re.Pattern]

    def found_in(self, text: str) -> bool:
        return any(p.search(text) for p in self.patterns)


@dataclass
class Tier:
    id: str
    title: str
    admonition: str
    lead: str
    cite: list[str]
    signs: list[Sign]
    note: dict | None = None

    @property
    def level(self) -> int:
        return LEVELS[self.id]


@dataclass
class Tiers:
    path: str
    tiers: list[Tier]
    footer: str = ""
    lines: dict[str, int] = field(default_factory=dict)  # cited key -> line in the data file

    def by_id(self, tier_id: str) -> Tier | None:
        return next((t for t in self.tiers if t.id == tier_id), None)

    def cited_keys(self) -> list[str]:
        keys = [k for t in self.tiers for k in t.cite + list((t.note or {}).get("cite", []))]
        return list(dict.fromkeys(keys))


# ── Reading the data file ────────────────────────────────────────────────────


def load(path: str | Path) -> Tiers:
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
        data = yaml.safe_load(text)
    except FileNotFoundError:
        raise DataError(f"{path}: not found; the urgent-help tiers must live there (see fasciasite/urgent.py)") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{path}:{mark.line + 1}" if mark else str(path)
        raise DataError(f"{where}: not valid YAML ({getattr(exc, 'problem', exc)}); fix the indentation or quoting there") from None
    if not isinstance(data, dict) or not isinstance(data.get("tiers"), list):
        raise DataError(f"{path}:1: needs a 'tiers:' list (emergency, urgent, gp)")
    tiers = []
    for i, raw in enumerate(data["tiers"], 1):
        where = f"{path}: tier {i}"
        missing = [k for k in ("id", "title", "admonition", "lead", "cite", "signs") if not raw.get(k)]
        if missing:
            raise DataError(f"{where}: missing {', '.join(missing)}; every tier needs id, title, admonition, lead, cite and signs")
        if raw["id"] not in LEVELS:
            raise DataError(f"{where}: id '{raw['id']}' is not one of {', '.join(LEVELS)}")
        signs = []
        for s in raw["signs"]:
            try:
                signs.append(Sign(str(s["text"]).strip(), [re.compile(p, re.I) for p in s.get("match") or []]))
            except re.error as exc:
                raise DataError(f"{where}: sign '{s.get('text')}': bad match pattern ({exc})") from None
        tiers.append(Tier(raw["id"], str(raw["title"]).strip(), str(raw["admonition"]).strip(),
                          " ".join(str(raw["lead"]).split()), list(raw["cite"]), signs, raw.get("note")))
    ids = [t.id for t in tiers]
    if sorted(ids) != sorted(LEVELS):
        raise DataError(f"{path}: tiers must be exactly emergency, urgent, gp once each (found {', '.join(ids) or 'none'})")
    result = Tiers(_shown(path), tiers, " ".join(str(data.get("footer") or "").split()))
    for key in result.cited_keys():
        m = re.search(rf"\b{re.escape(key)}\b", text)
        result.lines[key] = text.count("\n", 0, m.start()) + 1 if m else 1
    return result


def _shown(path: Path) -> str:
    """The data file's path as authors know it (includes/urgent-help.yml)."""
    parts = path.as_posix().split("/")
    return "/".join(parts[-2:]) if len(parts) >= 2 else path.as_posix()


@functools.lru_cache(maxsize=4)
def _load_cached(path: str, mtime_ns: int) -> Tiers:
    return load(path)


def load_for(root: str | Path) -> Tiers:
    """The tiers of the project at root (cached until the file changes)."""
    path = Path(root) / DATA_FILE
    try:
        mtime = path.stat().st_mtime_ns
    except FileNotFoundError:
        mtime = 0
    return _load_cached(str(path), mtime)


# ── Rendering ────────────────────────────────────────────────────────────────


def _cite(keys: list[str]) -> str:
    return " [" + "; ".join(f"@{k}" for k in keys) + "]" if keys else ""


def _relative_links(text: str, page_src: str) -> str:
    """Links in the data file are written from docs/; make them relative to the page."""
    base = posixpath.dirname(page_src)

    def fix(m: re.Match) -> str:
        target = m.group(2)
        if re.match(r"^[a-z]+:|^#|^/", target):
            return m.group(0)
        return f"]({posixpath.relpath(target, base or '.')})"

    return re.sub(r"\]\(([^)]*?)([^()\s]+)\)", lambda m: fix(m), text)


def render_tier(tier: Tier) -> str:
    body = [f"{tier.lead}{_cite(tier.cite)}:", ""] + [f"- {s.text}" for s in tier.signs]
    if tier.note:
        body += ["", " ".join(str(tier.note["text"]).split()) + _cite(list(tier.note.get("cite", [])))]
    lines = [f'!!! {tier.admonition} urgent-help urgent-{tier.id} "{tier.title}"', ""]
    lines += [f"    {line}" if line else "" for line in body]
    return "\n".join(lines)


def render(tiers: Tiers, tier_id: str | None, page_src: str) -> str:
    if tier_id:
        return _relative_links(render_tier(tiers.by_id(tier_id)), page_src)
    parts = [render_tier(t) for t in sorted(tiers.tiers, key=lambda t: -t.level)]
    if tiers.footer:
        parts.append(tiers.footer)
    return _relative_links("\n\n".join(parts), page_src)


def expand(markdown: str, tiers: Tiers, page_src: str) -> str:
    """Replace every shortcode with its tiers (unknown tiers are left for lint to report)."""
    def sub(m: re.Match) -> str:
        tier_id = m.group(1)
        if tier_id and tiers.by_id(tier_id) is None:
            return m.group(0)
        return "\n" + render(tiers, tier_id, page_src) + "\n"

    return SHORTCODE.sub(sub, markdown)


def shortcode_keys(markdown: str, tiers: Tiers) -> list[str]:
    """The keys a page cites through its shortcodes (for the References page's "Cited in")."""
    keys: list[str] = []
    for m in SHORTCODE.finditer(markdown):
        chosen = [tiers.by_id(m.group(1))] if m.group(1) else tiers.tiers
        for t in chosen:
            if t is not None:
                keys += t.cite + list((t.note or {}).get("cite", []))
    return list(dict.fromkeys(keys))


