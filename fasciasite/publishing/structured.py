"""Structured data: what a page is, for search engines and AI answers, as schema.org JSON-LD.

Written from the facts the page already shows, never typed twice: its front matter (title,
description, dates, reviewer, `about`), mkdocs.yml (site_url, site_name, extra.clinic_name,
clinic_city, booking_url, locale, reviewers) and references.bib (each cited source's DOI or
canonical url). Every page gets one <script type="application/ld+json"> in its <head>
(overrides/main.html prints page.meta.jsonld; it has no src and runs nothing):
  articles         MedicalWebPage: name, description, url, inLanguage, datePublished,
                   dateModified and lastReviewed (last_reviewed), reviewedBy only when a
                   reviewer is set (a Person with profession and registration from
                   extra.reviewers), author and publisher the clinic, medicalAudience Patient,
                   about (front matter `about:`, MedicalCondition names), citation (the
                   page's reference list, in its order: ScholarlyArticle for a journal
                   article, CreativeWork otherwise, with the DOI as https://doi.org/..., else
                   the canonical url, else PubMed or PMC; a source with none has its name only);
  the home page    WebSite;  other pages  WebPage;
  below the home   BreadcrumbList (home, the section's index page where it has one, the page);
  on every page    the clinic as MedicalClinic, with only what the site states: name, city,
                   the site's address and the booking link.
Every type and property is checked against the pinned schema.org vocabulary
(fasciasite/publishing/schemaorg.py; tests/test_structured_data.py).

Why our own code: neither MkDocs nor Material writes JSON-LD, and the plugins that do
(e.g. for blogs) know nothing of reviewers, conditions or a bibliography.

Events (called by the fasciasite plugin, fasciasite/plugin.py):
  on_config        read references.bib and the reviewers once per build.
  on_page_content  the page's reference list is known once Markdown has run: its footnote
                   ids (fn:KEY) are the keys, in the order the reader sees them.
"""
from __future__ import annotations

import datetime as dt
import functools
import json
import re
from pathlib import Path
from typing import TYPE_CHECKING

from latexcodec.codec import UnicodeLatexIncrementalDecoder  # the "ulatex" codec: {\"u} -> ü in titles
from mkdocs.exceptions import PluginError

from fasciasite.content.reviewers import Reviewer, load_reviewers
from fasciasite.references import bib as cb

if TYPE_CHECKING:
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.structure.files import Files
    from mkdocs.structure.pages import Page

CONTEXT = "https://schema.org"
FOOTNOTE_ID = re.compile(r'<li id="fn:([^"]+)">')


@functools.lru_cache(maxsize=8192)
def _text(value: str) -> str:
    """A BibTeX value as plain text: LaTeX decoded, braces and doubled spaces gone. (latexcodec
    takes about 10 ms a value, so it runs only on values holding LaTeX, each once.)"""
    if "\\" in value or "--" in value:
        try:
            value = UnicodeLatexIncrementalDecoder().decode(value, final=True)  # as codecs.decode(value, "ulatex")
        except Exception:  # latexcodec raises several kinds; an odd value stays as written
            pass
    return " ".join(value.replace("{", "").replace("}", "").split())


def _date(value: object) -> str:
    return value.isoformat() if isinstance(value, dt.date) else str(value)


def site_url(config: MkDocsConfig) -> str:
    """The site's public address: the ids and URLs of the structured data are absolute."""
    if not config.site_url:
        raise PluginError("mkdocs.yml: site_url is not set; the structured data (JSON-LD) needs the site's "
                          "public address: set site_url (https://host/path/)")
    return config.site_url


def canonical(page: Page, config: MkDocsConfig) -> str:
    """The page's public address (MkDocs sets it whenever site_url is set)."""
    return page.canonical_url or site_url(config) + page.url


def clinic(config: MkDocsConfig) -> dict:
    extra = config.extra
    return {
        "@type": "MedicalClinic",
        "@id": site_url(config) + "#clinic",
        "name": extra["clinic_name"],
        "url": config.site_url,
        "address": {"@type": "PostalAddress", "addressLocality": extra["clinic_city"]},
        "potentialAction": {"@type": "ReserveAction", "target": {"@type": "EntryPoint", "urlTemplate": extra["booking_url"]}},
    }


def person(reviewer: Reviewer) -> dict:
    """A clinical reviewer: name, profession, and the registration a reader can check."""
    return {
        "@type": "Person",
        "name": reviewer.name,
        "jobTitle": reviewer.profession,
        "hasCredential": {
            "@type": "EducationalOccupationalCredential",
            "credentialCategory": "professional registration",
            "identifier": reviewer.number,
            "recognizedBy": {"@type": "Organization", "name": reviewer.body, "url": reviewer.register_url},
        },
    }


def citation(entry: cb.Entry) -> dict:
    fields = entry.fields
    doi, pmid, pmcid = (fields.get(k, "").strip() for k in ("doi", "pmid", "pmcid"))
    url = (f"https://doi.org/{doi}" if doi else fields.get("url", "").strip()
           or (f"https://pubmed.ncbi.nlm.nih.gov/{pmid}/" if pmid else "")
           or (f"https://pmc.ncbi.nlm.nih.gov/articles/{pmcid}/" if pmcid else ""))
    node = {"@type": "ScholarlyArticle" if entry.type == "article" else "CreativeWork", "name": _text(fields.get("title", ""))}
    if url:
        node["url"] = url
        node["identifier"] = url
    year = fields.get("year", "").strip()
    if re.fullmatch(r"\d{4}", year):
        node["datePublished"] = year
    return node


def breadcrumbs(page: Page, config: MkDocsConfig) -> dict | None:
    """Home > the index page of each section above (where it has one) > this page."""
    if page.is_homepage:
        return None
    crumbs = [("Home", config.site_url)]
    for section in reversed(getattr(page, "ancestors", []) or []):
        index = next((c for c in getattr(section, "children", []) or [] if c.is_page and c.is_index), None)
        if index is not None and index is not page and index.canonical_url:
            crumbs.append((index.title or section.title, index.canonical_url))
    crumbs.append((page.meta.get("title") or page.title, page.canonical_url))
    return {"@type": "BreadcrumbList", "itemListElement": [
        {"@type": "ListItem", "position": n, "name": str(name), "item": url} for n, (name, url) in enumerate(crumbs, 1)]}


class StructuredData:
    """The structured data of one build: the bibliography entries and the reviewers, read in on_config."""

    def __init__(self) -> None:
        self._state: dict = {"entries": {}, "reviewers": {}}

    def article(self, page: Page, config: MkDocsConfig, keys: list[str]) -> dict:
        meta = page.meta
        node = {
            "@type": "MedicalWebPage",
            "@id": canonical(page, config) + "#page",
            # .get: a page whose front matter lacks a field is reported by the front-matter check
            # (file:line and the fix); the structured data must never crash the build before that.
            "name": meta.get("title") or page.title,
            "description": meta.get("description") or "",
            "url": page.canonical_url,
            "inLanguage": config.extra.get("locale", "en_GB").replace("_", "-"),
            "datePublished": _date(meta.get("published", "")),
            "dateModified": _date(meta.get("last_reviewed", "")),
            "lastReviewed": _date(meta.get("last_reviewed", "")),
            "author": {"@id": site_url(config) + "#clinic"},
            "publisher": {"@id": site_url(config) + "#clinic"},
            "medicalAudience": {"@type": "Patient"},
        }
        if meta.get("card_url"):
            node["image"] = meta["card_url"]
        reviewer = self._state["reviewers"].get(meta.get("reviewer") or "")
        if reviewer is not None:
            node["reviewedBy"] = person(reviewer)
        if meta.get("about"):
            node["about"] = [{"@type": "MedicalCondition", "name": name} for name in meta["about"]]
        entries = self._state["entries"]
        if keys:
            node["citation"] = [citation(entries[k]) for k in keys]
        return node

    def graph(self, page: Page, config: MkDocsConfig, keys: list[str]) -> dict:
        main = self.article(page, config, keys) if page.meta.get("is_article") else web_page(page, config)
        nodes = [main, clinic(config)]
        crumbs = breadcrumbs(page, config)
        if crumbs:
            nodes.append(crumbs)
        return {"@context": CONTEXT, "@graph": nodes}

    def cited_keys(self, html: str) -> list[str]:
        """The page's reference list, as rendered: bibliography keys in the reader's order."""
        return [k for k in dict.fromkeys(FOOTNOTE_ID.findall(html)) if k in self._state["entries"]]

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        root = Path(config.config_file_path).parent
        plugin = config.plugins.get("bibtex")
        bib = root / (plugin.config.bib_file if plugin is not None else "references.bib")
        self._state["entries"] = cb.parse_bib(bib)[0] if bib.is_file() else {}
        self._state["reviewers"] = {r.name: r for r in load_reviewers(config.extra, root, Path(config.config_file_path))}
        return config

    def on_page_content(self, html: str, page: Page, config: MkDocsConfig, files: Files) -> str:
        reviewer = self._state["reviewers"].get(page.meta.get("reviewer") or "")
        if reviewer is not None and page.meta.get("is_article"):  # the byline's "Reviewed by ... on ..."
            page.meta["reviewer_record"] = reviewer
        page.meta["jsonld"] = dumps(self.graph(page, config, self.cited_keys(html)))
        return html



def web_page(page: Page, config: MkDocsConfig) -> dict:
    node = {
        "@type": "WebSite" if page.is_homepage else "WebPage",
        "@id": (site_url(config) + "#website") if page.is_homepage else canonical(page, config) + "#page",
        "name": config.site_name if page.is_homepage else (page.meta.get("title") or page.title),
        "description": page.meta.get("description") or config.site_description,
        "url": page.canonical_url or config.site_url,
        "inLanguage": config.extra.get("locale", "en_GB").replace("_", "-"),
        "publisher": {"@id": site_url(config) + "#clinic"},
    }
    return node


def dumps(data: dict) -> str:
    """JSON safe inside <script>: '<' is escaped, so no text can close the element."""
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).replace("<", "\\u003c")


