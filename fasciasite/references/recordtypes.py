"""Record types: how Crossref and PubMed mark a retraction, an expression of concern, a
correction, and a record that is itself such a notice. Every marking is read into one
shape, Notice, on the work (`updated_by`: notices about it) or on the notice
(`update_to`: works it is about):

- Crossref (REST API work record): `updated-by` and `update-to` items {"DOI", "type",
  "updated": {"date-parts"}, "label"} (the "Update" type of Crossref's rest-api-doc
  api_format.md: "type: the type of update, for example retraction or correction"; a
  Partial Date's date-parts is a nested array), with types in any spelling
  ("expression_of_concern", "Expression of Concern"); `relation` {"is-retracted-by": [{"id-type": "doi", "id"}]};
  a title that says the record is a notice ("Retraction notice to ...").
- PubMed (esummary JSON): publication types "Retracted Publication" (the work),
  "Retraction of Publication", "Expression of Concern", "Published Erratum" (notices);
  MEDLINE's CommentsCorrections links listed under "references" ({"refsource", "reftype",
  "pmid"}), read whether written "RetractionIn" or "Retraction in".
"""
from __future__ import annotations

import re
from dataclasses import dataclass

SERIOUS = {"retraction": "retraction", "partial_retraction": "partial retraction", "withdrawal": "withdrawal",
           "removal": "removal", "expression_of_concern": "expression of concern"}
# A title saying the record is itself a notice about another work.
NOTICE_TITLE = re.compile(
    r"^\W*(?:(?P<retraction>(partial\s+)?retraction(\s+(notice|note|statement)\b|\s*[:.\u2013\u2014-]"
    r"|\s+(of|to|for)\s*[:\"\u201c\u2018'\u00ab]|\s*$)|notice\s+of\s+(partial\s+)?retraction\b)"
    r"|(?P<expression_of_concern>(editorial\s+)?expression\s+of\s+concern\b|notice\s+of\s+concern\b)"
    r"|(?P<withdrawal>(notice\s+of\s+)?withdrawal(\s+notice\b|\s*[:.])))", re.I)


@dataclass
class Notice:
    kind: str  # Crossref update type: retraction, expression_of_concern, correction, ...
    doi: str
    date: str = ""
    pmid: str = ""

    @property
    def ident(self) -> str:
        return f"doi {self.doi}" if self.doi else f"PMID {self.pmid}" if self.pmid else "no identifier given"


def notice_kind(text: str) -> str:
    """One spelling for a notice type: "Expression of Concern", "expression-of-concern",
    "ExpressionOfConcernIn" and "expression_of_concern" are all expression_of_concern."""
    word = re.sub(r"[^a-z]", "", str(text).lower())
    if "partial" in word and "retract" in word:
        return "partial_retraction"
    for needle, kind in (("retract", "retraction"),
                         ("concern", "expression_of_concern"), ("withdr", "withdrawal"), ("remov", "removal"),
                         ("correct", "correction"), ("errat", "erratum"), ("corrig", "corrigendum"),
                         ("addend", "addendum"), ("clarif", "clarification"), ("comment", "comment")):
        if needle in word:
            return kind
    return "_".join(re.findall(r"[a-z]+", str(text).lower()))


def as_list(value: object) -> list:
    """A field the schema gives as a list, also when a record has a single value or null."""
    return value if isinstance(value, list) else [] if value in (None, "") else [value]


def crossref_notices(items: object) -> list[Notice]:
    out = []
    for item in as_list(items):
        if not isinstance(item, dict):
            continue
        parts = (item.get("updated") or {}).get("date-parts") or [[]]
        date = "-".join(f"{p:02d}" if i else str(p) for i, p in enumerate(as_list(parts[0])) if isinstance(p, int))
        out.append(Notice(notice_kind(item.get("type", "")), str(item.get("DOI", "")), date))
    return out


def crossref_relations(relation: object) -> tuple[list[Notice], list[Notice]]:
    """(notices about this work, works this record is a notice about) from Crossref's
    `relation` ({"is-retracted-by": [{"id-type": "doi", "id": "10...."}], ...}). The
    direction is read from the name: "is-...-by", "has-..." and "...-in" point to a
    notice; "is-...-of", "...-for", "...-to", "retracts" point to the work."""
    about: list[Notice] = []
    notice_for: list[Notice] = []
    for name, items in (relation.items() if isinstance(relation, dict) else []):
        kind = notice_kind(name)
        if kind not in SERIOUS and kind not in ("correction", "erratum", "corrigendum"):
            continue  # is-preprint-of, has-review, references...: not a record type
        word = re.sub(r"[^a-z]", "", name.lower())
        to_notice = word.startswith("has") or word.endswith(("by", "in"))
        for item in as_list(items):
            if isinstance(item, dict):
                doi = str(item.get("id", "")) if str(item.get("id-type", "doi")).lower() == "doi" else ""
            else:
                doi = str(item)
            (about if to_notice else notice_for).append(Notice(kind, re.sub(r"^https?://(dx\.)?doi\.org/", "", doi)))
    return about, notice_for


def title_notice(title: str) -> list[Notice]:
    """[Notice(kind, "")] when the title says the record is itself a notice."""
    m = NOTICE_TITLE.match(title or "")
    return [Notice(next(k for k, v in m.groupdict().items() if v), "")] if m else []


PUBMED_RETRACTED = {"retracted publication": "retraction"}
PUBMED_NOTICE = {"retraction of publication": "retraction", "expression of concern": "expression_of_concern",
                 "published erratum": "erratum", "retraction notice": "retraction"}


def pubmed_links(r: dict) -> tuple[list[Notice], list[Notice]]:
    """(notices about this record, records this one is a notice about) from esummary's
    "references" ({"refsource", "reftype", "pmid", "note"}): RetractionIn,
    ExpressionOfConcernIn, ErratumIn... point to a notice; RetractionOf,
    ExpressionOfConcernFor, ErratumFor point to the work. Comments are not record types."""
    about: list[Notice] = []
    notice_for: list[Notice] = []
    for ref in as_list(r.get("references")):
        if not isinstance(ref, dict):
            continue
        kind = notice_kind(ref.get("reftype", ""))
        if kind not in SERIOUS and kind not in ("correction", "erratum", "corrigendum"):
            continue
        word = re.sub(r"[^a-z]", "", str(ref.get("reftype", "")).lower())
        notice = Notice(kind, "", "", str(ref.get("pmid") or ""))
        (about if word.endswith("in") else notice_for).append(notice)
    return about, notice_for
