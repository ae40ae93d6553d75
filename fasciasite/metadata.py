"""Bibliographic records from Crossref and NCBI E-utilities, in one shape (Work).

Shared by fasciasite.refs_online (compare references.bib with them) and
fasciasite.add_reference (write an entry from them). Also the text normalisation
both need: titles without case, punctuation, HTML/JATS markup, LaTeX or BibTeX braces;
family names without accents; page ranges with MEDLINE's short ends expanded
(507-36 -> 507-536). LaTeX in our values is decoded with latexcodec (pybtex's own
dependency), so {\\"u}, \\% and --- compare as the characters they stand for.

Crossref: works/{doi} and works?query.bibliographic=... (REST API). Retractions and
expressions of concern come from the record's `updated-by` (publisher notices and, since
2025, Retraction Watch) and, when the DOI is itself a notice, its `update-to`.
E-utilities: esummary (db=pubmed or db=pmc, JSON, many ids in one request) and esearch
(a DOI to its PMID).
"""
from __future__ import annotations

import codecs
import html
import re
import unicodedata
from dataclasses import dataclass, field
from urllib.parse import quote

import latexcodec  # noqa: F401  (registers the "ulatex" codec)

from fasciasite.webapi import Client, NetworkError

TAG = re.compile(r"<[^>]+>")
NOT_WORD = re.compile(r"[^\w]+")
RETRACTED_PREFIX = re.compile(r"^(retracted( article)?|withdrawn)\s*[:.-]\s*", re.I)
SERIOUS = {"retraction": "retraction", "partial_retraction": "partial retraction", "withdrawal": "withdrawal",
           "removal": "removal", "expression_of_concern": "expression of concern"}


@dataclass
class Person:
    family: str
    given: str = ""
    organisation: bool = False


@dataclass
class Notice:
    kind: str  # Crossref update type: retraction, expression_of_concern, correction, ...
    doi: str
    date: str = ""


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


# ── Normalising text ─────────────────────────────────────────────────────────


def plain(text: str) -> str:
    """Markup-free display text: no HTML/JATS tags or entities, one space between words."""
    return " ".join(html.unescape(TAG.sub(" ", text or "")).split())


def from_bibtex(value: str) -> str:
    """A BibTeX value as the characters it stands for (LaTeX decoded, braces removed)."""
    try:
        value = codecs.decode(value, "ulatex")
    except Exception:  # latexcodec is lenient; never let a stray macro stop a check
        pass
    return value.replace("{", "").replace("}", "")


def fold(text: str) -> str:
    """Lower case, accents removed, every run of punctuation one space."""
    text = unicodedata.normalize("NFKD", text.replace("&", " and ").replace("ß", "ss"))
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    return " ".join(NOT_WORD.sub(" ", text).replace("_", " ").split())


def norm_title(text: str, bibtex: bool = False) -> str:
    text = from_bibtex(text) if bibtex else text
    return fold(RETRACTED_PREFIX.sub("", plain(text)))


def norm_journal(text: str, bibtex: bool = False) -> str:
    text = fold(from_bibtex(text) if bibtex else plain(text))
    text = re.sub(r"\b(phila pa 1976|online|print)\b", " ", text)
    return " ".join(w for w in text.split() if w != "the")


def norm_family(text: str) -> str:
    return fold(text).replace(" ", "")


def norm_pages(text: str) -> str:
    """'507--536', '507–536' and MEDLINE's '507-36' all become '507-536'."""
    text = from_bibtex(text).replace("–", "-").replace("—", "-")
    parts = [p.strip() for p in re.split(r"-+", text) if p.strip()]
    if len(parts) != 2:
        return "-".join(parts)
    first, last = parts
    m1, m2 = re.fullmatch(r"(\D*)(\d+)", first), re.fullmatch(r"(\D*)(\d+)", last)
    if m1 and m2 and len(m2.group(2)) < len(m1.group(2)):
        last = m1.group(1) + m1.group(2)[: len(m1.group(2)) - len(m2.group(2))] + m2.group(2)
    elif m1 and m2 and not m2.group(1):
        last = m1.group(1) + m2.group(2)
    return first.lower() if first.lower() == last.lower() else f"{first}-{last}".lower()


def year_of(text: str) -> int | None:
    m = re.search(r"\b(1[89]\d\d|20\d\d)\b", text or "")
    return int(m.group(1)) if m else None


# ── Crossref ─────────────────────────────────────────────────────────────────


def _date_year(record: dict, name: str) -> int | None:
    try:
        return int(record[name]["date-parts"][0][0])
    except (KeyError, IndexError, TypeError, ValueError):
        return None


def _notices(items: list | None) -> list[Notice]:
    out = []
    for item in items or []:
        parts = (item.get("updated") or {}).get("date-parts") or [[]]
        date = "-".join(f"{p:02d}" if i else str(p) for i, p in enumerate(parts[0] or []))
        out.append(Notice(str(item.get("type", "")).lower(), str(item.get("DOI", "")), date))
    return out


def _people(items: list | None) -> list[Person]:
    people = []
    for p in items or []:
        if p.get("family"):
            people.append(Person(plain(p["family"]), plain(p.get("given", ""))))
        elif p.get("name"):
            people.append(Person(plain(p["name"]), "", True))
    return people


def crossref_to_work(m: dict) -> Work:
    titles = [plain(t) for t in m.get("title") or [] if t]
    subtitles = [plain(s) for s in m.get("subtitle") or [] if s]
    if titles and subtitles and fold(subtitles[0]) not in fold(titles[0]):
        titles.insert(0, f"{titles[0]}: {subtitles[0]}")
    print_year = _date_year(m, "published-print") or _date_year(m.get("journal-issue") or {}, "published-print")
    return Work(
        source="Crossref", kind=m.get("type", ""), doi=m.get("DOI", ""), titles=titles,
        authors=_people(m.get("author")), editors=_people(m.get("editor")),
        year_print=print_year, year_online=_date_year(m, "published-online"), year_issued=_date_year(m, "issued"),
        journals=[plain(j) for j in (m.get("container-title") or []) + (m.get("short-container-title") or []) if j],
        volume=str(m.get("volume", "")), issue=str(m.get("issue", "")), pages=norm_pages(str(m.get("page", ""))),
        article_number=str(m.get("article-number", "")), publisher=plain(m.get("publisher", "")),
        updated_by=_notices(m.get("updated-by")), update_to=_notices(m.get("update-to")),
    )


def crossref_work(client: Client, doi: str) -> Work | None:
    """The Crossref record of a DOI, or None when Crossref has no such DOI (404)."""
    url = f"{client.config.crossref_url}/works/{quote(doi, safe='/')}"
    status, data = client.get_json(url, key=f"crossref works {doi.lower()}")
    return crossref_to_work(data["message"]) if status == 200 else None


def crossref_search(client: Client, title: str, family: str, year: int | None, rows: int = 5) -> list[Work]:
    params = {"query.bibliographic": title, "query.author": family, "rows": str(rows), "filter": "type:journal-article"}
    if year:
        params["filter"] += f",from-pub-date:{year - 1},until-pub-date:{year + 1}"
    status, data = client.get_json(f"{client.config.crossref_url}/works", params)
    if status != 200:
        raise NetworkError(f"{client.config.crossref_url}/works: HTTP {status}")
    return [crossref_to_work(item) for item in (data or {}).get("message", {}).get("items", [])]


def doi_registered(client: Client, doi: str) -> bool:
    """True when doi.org knows the DOI (it may belong to another agency than Crossref)."""
    status, data = client.get_json(f"{client.config.doi_url}/api/handles/{quote(doi, safe='/')}")
    return status == 200 and (data or {}).get("responseCode") == 1


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
    ids = {i.get("idtype"): str(i.get("value", "")) for i in r.get("articleids") or []}
    pmcid = ids.get("pmc") or ids.get("pmcid", "")
    pmcid = re.search(r"PMC\d+", pmcid).group() if re.search(r"PMC\d+", pmcid or "") else ""
    people = [_pubmed_person(a) for a in r.get("authors") or [] if a.get("name")]
    return Work(
        source="PubMed" if db == "pubmed" else "PMC", doi=ids.get("doi", ""),
        pmid=ids.get("pubmed") or ids.get("pmid") or (str(r.get("uid", "")) if db == "pubmed" else ""),
        pmcid=pmcid or (f"PMC{r.get('uid')}" if db == "pmc" and r.get("uid") else ""),
        titles=[plain(r.get("title", "")).rstrip(".")], authors=[p for p in people if p.family],
        year_print=year_of(r.get("pubdate", "")) or year_of(r.get("printpubdate", "")),
        year_online=year_of(r.get("epubdate", "")),
        journals=[plain(j) for j in (r.get("fulljournalname", ""), r.get("source", "")) if j],
        volume=str(r.get("volume", "")), issue=str(r.get("issue", "")), pages=norm_pages(str(r.get("pages", ""))),
        retracted="Retracted Publication" in (r.get("pubtype") or []),
    )


def esummaries(client: Client, db: str, ids: list[str]) -> dict[str, Work | None]:
    """Records for many PubMed (db="pubmed") or PMC (db="pmc", ids without "PMC") ids.

    One request for every id not in the cache; None for an id NCBI does not know.
    """
    base = f"{client.config.eutils_url}/esummary.fcgi"
    out: dict[str, Work | None] = {}
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
        result = (data or {}).get("result", {})
        for uid in batch:
            record = result.get(uid)
            if isinstance(record, dict) and "error" not in record and record.get("title"):
                client.cache.put(f"{base} {db} {uid}", record)
                out[uid] = esummary_to_work(record, db)
            else:
                out[uid] = None
    return out


def pmid_for_doi(client: Client, doi: str) -> str:
    """The PMID PubMed gives a DOI, or "" when none or more than one."""
    params = _ncbi_params(client, db="pubmed", term=f"{doi}[doi]")
    status, data = client.get_json(f"{client.config.eutils_url}/esearch.fcgi", params)
    if status != 200:
        raise NetworkError(f"{client.config.eutils_url}/esearch.fcgi: HTTP {status}")
    ids = ((data or {}).get("esearchresult") or {}).get("idlist") or []
    return ids[0] if len(ids) == 1 else ""
