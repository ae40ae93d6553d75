"""Bibliographic records from Crossref and NCBI E-utilities, in one shape (Work).

Shared by fasciasite.references.refs_online (compare references.bib with them) and
fasciasite.references.add_reference (write an entry from them). The text normalisation both need
is in fasciasite.references.bibtext, the record types (retractions, notices) in
fasciasite.references.recordtypes; both are re-exported here.

Crossref: works/{doi} and works?query.bibliographic=... (REST API; the answer is
{"status": "ok", "message-type": "work", "message": {...}} as Crossref's REST API
documentation and its api_format.md describe). Retractions and expressions of concern
are read however a record marks them (the record types, below): the work's `updated-by`
(publisher notices and, since 2025, Retraction Watch), the notice's own `update-to`, a
`relation` such as "is-retracted-by" / "has-expression-of-concern" / "is-retraction-of",
and a title that says it is a notice ("Retraction notice to ...", "Expression of
concern: ...") or that the work is retracted ("RETRACTED: ...").
E-utilities: esummary (db=pubmed or db=pmc, JSON, many ids in one request) and esearch
(a DOI to its PMID). A PubMed record is retracted when its publication types include
"Retracted Publication" or it links a RetractionIn / ExpressionOfConcernIn notice
(MEDLINE's CommentsCorrections RefTypes; esummary JSON lists them under "references",
written either "RetractionIn" or "Retraction in", so both are read); it is itself a
notice when its types include "Retraction of Publication", "Expression of Concern" or
"Published Erratum", or it links RetractionOf / ExpressionOfConcernFor.

An answer that is not the documented shape (an empty or missing `message`, an
E-utilities error body, a record without a title) raises AnswerError: the entry is
"not checked", never "not found".
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import quote

from fasciasite.references.bibtext import (  # noqa: F401 (re-exported)
    RETRACTED_PREFIX,
    family_keys,
    fold,
    from_bibtex,
    norm_family,
    norm_journal,
    norm_pages,
    norm_title,
    plain,
    same_family,
    year_of,
)
from fasciasite.references.recordtypes import (  # noqa: F401
    PUBMED_NOTICE,
    PUBMED_RETRACTED,
    SERIOUS,
    Notice,
    as_list,
    crossref_notices,
    crossref_relations,
    notice_kind,
    pubmed_links,
    title_notice,
)
from fasciasite.references.webapi import Client, NetworkError


class AnswerError(NetworkError):
    """The service answered, but not with a usable record (an error body, an empty
    `message`, a shape its documentation does not give): the entry is not checked."""


@dataclass
class Person:
    family: str
    given: str = ""
    organisation: bool = False


@dataclass
class Work:
    source: str  # "Crossref", "PubMed" or "PMC"
    kind: str = "journal-article"
    doi: str = ""
    pmid: str = ""
    pmcid: str = ""
    titles: list[str] = field(default_factory=list)  # first is the display title
    authors: list[Person] = field(default_factory=list)
    editors: list[Person] = field(default_factory=list)
    year_print: int | None = None
    year_online: int | None = None
    year_issued: int | None = None
    journals: list[str] = field(default_factory=list)  # full name first, then abbreviations
    volume: str = ""
    issue: str = ""
    pages: str = ""  # "first-last" or "first"
    article_number: str = ""
    publisher: str = ""
    updated_by: list[Notice] = field(default_factory=list)  # notices about this work
    update_to: list[Notice] = field(default_factory=list)  # this DOI is a notice about these
    retracted: bool = False  # PubMed's "Retracted Publication"

    @property
    def title(self) -> str:
        return self.titles[0] if self.titles else ""

    @property
    def years(self) -> set[int]:
        return {y for y in (self.year_print, self.year_online, self.year_issued) if y}

    def years_text(self) -> str:
        parts = [(self.year_print, "print"), (self.year_online, "online")]
        shown = [f"{y} ({label})" for y, label in parts if y]
        if self.year_issued and self.year_issued not in {self.year_print, self.year_online}:
            shown.append(f"{self.year_issued} (issued)")
        return ", ".join(dict.fromkeys(shown)) or "none"


# ── Crossref ─────────────────────────────────────────────────────────────────


def _date_year(record: dict, name: str) -> int | None:
    try:
        return int(record[name]["date-parts"][0][0])
    except (KeyError, IndexError, TypeError, ValueError):
        return None


def _people(items: object) -> list[Person]:
    people = []
    for p in as_list(items):
        if not isinstance(p, dict):
            continue
        if p.get("family"):
            people.append(Person(plain(str(p["family"])), plain(str(p.get("given", "")))))
        elif p.get("name"):
            people.append(Person(plain(str(p["name"])), "", True))
    return people


def _texts(value: object) -> list[str]:
    return [plain(str(t)) for t in as_list(value) if t and isinstance(t, (str, int, float))]


def crossref_to_work(m: dict) -> Work:
    titles = [t for t in _texts(m.get("title")) if t]
    subtitles = [t for t in _texts(m.get("subtitle")) if t]
    if titles and subtitles and fold(subtitles[0]) not in fold(titles[0]):
        titles.insert(0, f"{titles[0]}: {subtitles[0]}")
    journal_issue = m.get("journal-issue")
    issue = journal_issue if isinstance(journal_issue, dict) else {}
    print_year = _date_year(m, "published-print") or _date_year(issue, "published-print")
    about, notice_for = crossref_relations(m.get("relation"))
    notice_for += [n for n in title_notice(titles[0] if titles else "") if not notice_for and not m.get("update-to")]
    return Work(
        source="Crossref", kind=str(m.get("type", "")), doi=str(m.get("DOI", "")), titles=titles,
        authors=_people(m.get("author")), editors=_people(m.get("editor")),
        year_print=print_year, year_online=_date_year(m, "published-online"), year_issued=_date_year(m, "issued"),
        journals=_texts(m.get("container-title")) + _texts(m.get("short-container-title")),
        volume=_scalar(m.get("volume")), issue=_scalar(m.get("issue")), pages=norm_pages(_scalar(m.get("page"))),
        article_number=_scalar(m.get("article-number")), publisher=plain(_scalar(m.get("publisher"))),
        updated_by=crossref_notices(m.get("updated-by")) + about, update_to=crossref_notices(m.get("update-to")) + notice_for,
    )


def _scalar(value: object) -> str:
    return str(value) if isinstance(value, (str, int, float)) and value != "" else ""


def _crossref_message(data: object, what: str, message_type: str) -> dict:
    """The `message` of a Crossref answer, or AnswerError naming what was wrong."""
    if not isinstance(data, dict):
        raise AnswerError(f"Crossref answered {what} with {_shape(data)}, not a JSON object")
    if data.get("status") not in (None, "ok"):
        raise AnswerError(f"Crossref answered {what} with status {str(data.get('status'))[:40]!r}: "
                          f"{_shape(data.get('message'))}")
    if data.get("message-type") not in (None, message_type):
        raise AnswerError(f"Crossref answered {what} with a {str(data.get('message-type'))[:40]} record, not a {message_type}")
    message = data.get("message")
    if not isinstance(message, dict) or not message:
        raise AnswerError(f"Crossref answered {what} with {_shape(message)} as its message, not a {message_type} record")
    return message


def _shape(value: object) -> str:
    if value is None or value == "" or value == {} or value == []:
        return "nothing" if value is None else f"an empty {type(value).__name__}"
    return f"a {type(value).__name__}" + (f" ({value[:60]!r})" if isinstance(value, str) else "")


def crossref_work(client: Client, doi: str) -> Work | None:
    """The Crossref record of a DOI, or None when Crossref has no such DOI (404)."""
    url = f"{client.config.crossref_url}/works/{quote(doi, safe='/')}"
    status, data = client.get_json(url, key=f"crossref works {doi.lower()}",
                                   check=lambda d: _crossref_message(d, f"doi {doi}", "work"))
    if status != 200:
        return None
    message = _crossref_message(data, f"doi {doi}", "work")
    try:
        return crossref_to_work(message)
    except (AttributeError, TypeError, ValueError, KeyError) as exc:
        raise AnswerError(f"Crossref's record for doi {doi} is not in the documented shape ({exc})") from exc


def crossref_search(client: Client, title: str, family: str, year: int | None, rows: int = 5) -> list[Work]:
    params = {"query.bibliographic": title, "query.author": family, "rows": str(rows), "filter": "type:journal-article"}
    if year:
        params["filter"] += f",from-pub-date:{year - 1},until-pub-date:{year + 1}"
    status, data = client.get_json(f"{client.config.crossref_url}/works", params,
                                   check=lambda d: _crossref_message(d, "a search", "work-list"))
    if status != 200:
        raise NetworkError(f"{client.config.crossref_url}/works: HTTP {status}")
    items = _crossref_message(data, "a search", "work-list").get("items")
    if not isinstance(items, list):
        raise AnswerError(f"Crossref answered a search without a list of items ({_shape(items)})")
    return [crossref_to_work(item) for item in items if isinstance(item, dict)]


def doi_registered(client: Client, doi: str) -> bool:
    """True when doi.org knows the DOI (it may belong to another agency than Crossref)."""
    status, data = client.get_json(f"{client.config.doi_url}/api/handles/{quote(doi, safe='/')}")
    if status == 200 and isinstance(data, dict) and data.get("responseCode") == 2:  # the Handle API's "error"
        raise AnswerError(f"doi.org answered doi {doi} with an error (responseCode 2)")
    return status == 200 and isinstance(data, dict) and data.get("responseCode") == 1


# ── NCBI E-utilities ─────────────────────────────────────────────────────────


def _ncbi_params(client: Client, **params: str) -> dict:
    params.update(retmode="json", tool="fasciasite")
    if client.config.mailto:
        params["email"] = client.config.mailto
    if client.config.ncbi_api_key:
        params["api_key"] = client.config.ncbi_api_key
    return params


def _pubmed_person(a: dict) -> Person:
    name = plain(a.get("name", ""))
    if a.get("authtype", "Author") != "Author" or " " not in name:
        return Person(name, "", a.get("authtype") == "CollectiveName")
    family, initials = name.rsplit(" ", 1)
    return Person(family, initials) if initials.isupper() else Person(name)


def esummary_to_work(r: dict, db: str) -> Work:
    ids = {i.get("idtype"): str(i.get("value", "")) for i in as_list(r.get("articleids")) if isinstance(i, dict)}
    pmcid = ids.get("pmc") or ids.get("pmcid", "")
    found = re.search(r"PMC\d+", pmcid or "")
    pmcid = found.group() if found else ""
    people = [_pubmed_person(a) for a in as_list(r.get("authors")) if isinstance(a, dict) and a.get("name")]
    types = {str(t).strip().lower() for t in as_list(r.get("pubtype"))}
    about, notice_for = pubmed_links(r)
    title = plain(str(r.get("title", ""))).rstrip(".")
    notice_for += [Notice(PUBMED_NOTICE[t], "") for t in sorted(types & PUBMED_NOTICE.keys())
                   if not any(n.kind == PUBMED_NOTICE[t] for n in notice_for)]
    notice_for += [n for n in title_notice(title) if not notice_for]
    online = year_of(str(r.get("epubdate", ""))) or next(
        (year_of(str(h.get("date", ""))) for h in as_list(r.get("history"))
         if isinstance(h, dict) and h.get("pubstatus") in ("aheadofprint", "epublish")), None)
    return Work(
        source="PubMed" if db == "pubmed" else "PMC", doi=ids.get("doi", ""),
        pmid=ids.get("pubmed") or ids.get("pmid") or (str(r.get("uid", "")) if db == "pubmed" else ""),
        pmcid=pmcid or (f"PMC{r.get('uid')}" if db == "pmc" and r.get("uid") else ""),
        titles=[title], authors=[p for p in people if p.family],
        year_print=year_of(str(r.get("pubdate", ""))) or year_of(str(r.get("printpubdate", ""))),
        year_online=online,
        journals=_texts(r.get("fulljournalname")) + _texts(r.get("source")),
        volume=_scalar(r.get("volume")), issue=_scalar(r.get("issue")), pages=norm_pages(_scalar(r.get("pages"))),
        retracted=bool(types & PUBMED_RETRACTED.keys()) or any(n.kind in ("retraction", "partial_retraction")
                                                               for n in about),
        updated_by=about, update_to=notice_for,
    )


def esummaries(client: Client, db: str, ids: list[str]) -> dict[str, Work | None | AnswerError]:
    """Records for many PubMed (db="pubmed") or PMC (db="pmc", ids without "PMC") ids.

    One request for every id not in the cache; None for an id NCBI does not know; an
    AnswerError for an id whose answer was unusable (not checked). AnswerError for the
    whole batch when E-utilities answers with an error body.
    """
    base = f"{client.config.eutils_url}/esummary.fcgi"
    out: dict[str, Work | None | AnswerError] = {}
    missing = []
    for uid in dict.fromkeys(ids):
        cached = client.cache.get(f"{base} {db} {uid}")
        if cached is not None:
            out[uid] = esummary_to_work(cached, db)
        else:
            missing.append(uid)
    for start in range(0, len(missing), 100):
        batch = missing[start : start + 100]
        status, data = client.fetch(base, _ncbi_params(client, db=db, id=",".join(batch)))
        if status != 200:
            raise NetworkError(f"{base}: HTTP {status}")
        result = _eutils_result(data, "esummary", "result")
        for uid in batch:
            record = result.get(uid)
            if isinstance(record, dict) and "error" in record:
                error = str(record.get("error"))
                # "cannot get document summary" (and "invalid uid"): NCBI has no such record
                out[uid] = None if re.search(r"cannot get document summary|invalid uid", error, re.I) \
                    else AnswerError(f"E-utilities answered id {uid} with an error: {error[:120]}")
            elif not isinstance(record, dict) or not record.get("title"):
                out[uid] = AnswerError(f"E-utilities' answer has {'no record' if record is None else 'a record without a title'} "
                                       f"for id {uid}")
            else:
                client.cache.put(f"{base} {db} {uid}", record)
                try:
                    out[uid] = esummary_to_work(record, db)
                except (AttributeError, TypeError, ValueError, KeyError) as exc:
                    out[uid] = AnswerError(f"E-utilities' record for id {uid} is not in the documented shape ({exc})")
    return out


def _eutils_result(data: object, what: str, name: str) -> dict:
    """The `result` (esummary) or `esearchresult` (esearch) object, or AnswerError for an
    error body: {"error": "API rate limit exceeded", ...}, {"esummaryresult": ["..."]},
    {"esearchresult": {"ERROR": "..."}}, or no such object at all."""
    if not isinstance(data, dict):
        raise AnswerError(f"E-utilities {what} answered with {_shape(data)}, not a JSON object")
    result = data.get(name)
    error = data.get("error") or data.get(f"{what}result") if name != f"{what}result" else None
    if isinstance(result, dict):
        error = error or result.get("ERROR") or result.get("error")
    if error or not isinstance(result, dict):
        text = "; ".join(map(str, as_list(error))) if error else f"no {name!r} in the answer"
        raise AnswerError(f"E-utilities {what} answered with an error: {text[:160]}")
    return result


def pmid_for_doi(client: Client, doi: str) -> str:
    """The PMID PubMed gives a DOI, or "" when none or more than one."""
    params = _ncbi_params(client, db="pubmed", term=f"{doi}[doi]")
    status, data = client.get_json(f"{client.config.eutils_url}/esearch.fcgi", params,
                                   check=lambda d: _eutils_result(d, "esearch", "esearchresult"))
    if status != 200:
        raise NetworkError(f"{client.config.eutils_url}/esearch.fcgi: HTTP {status}")
    ids = [str(i) for i in as_list(_eutils_result(data, "esearch", "esearchresult").get("idlist"))]
    return ids[0] if len(ids) == 1 else ""
