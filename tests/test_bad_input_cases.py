"""The bad-input audit as data (../shared/research/audit/bad-input-2026-11-30.md): every case
an author plausibly gets wrong, planted in a fixture site by tests/test_bad_input.py.

A case is (id, group, plant, expected). `plant` is what the case writes: pages (path ->
text) for the shared builds, or a function of the fixture root. `expected` are strings
that must all appear in the output of the group's run (file:line, what is wrong, the fix);
for the "pass" group the build must succeed. New kinds of mistakes get a row here.
"""
from __future__ import annotations

import re
from pathlib import Path

DESC = "A page of the bad-input fixture site, with a description long enough to pass."
W, S = "adstrum2017defining", "schleip2012nomenclatures"  # two keys of the real references.bib
# The first entry of references.bib: the one a BOM at the start of the file would hide (O5).
FIRST = re.search(r"^@\w+\{([^,\s]+),", (Path(__file__).resolve().parents[1] / "references.bib").read_text(encoding="utf-8"),
                  re.M).group(1)


def page(title: str, body: str) -> str:
    """A site page: the body starts on line 8."""
    return f"---\ntitle: {title}\ndescription: {DESC}\n---\n\n# {title}\n\n{body}\n"


ARTICLE = ("---\ntitle: {title}\ndescription: " + DESC + "\nauthor: editorial-team\nreviewer: \"\"\n"
           "published: 2026-11-24\nlast_reviewed: 2026-11-24\nnext_review: 2027-11-24\ntags: [fascia, anatomy]\n"
           "---\n\n# {title}\n\nText.\n")


def article(name: str, **fields) -> str:
    """An article (lines: 2 title, 3 description, 4 author, 5 reviewer, 6 published,
    7 last_reviewed, 8 next_review, 9 tags) with fields replaced; a value None removes it."""
    lines = ARTICLE.format(title=name).split("\n")
    for field, value in fields.items():
        at = next(i for i, line in enumerate(lines) if line.startswith(f"{field}:"))
        if value is None:
            del lines[at]
        else:
            lines[at] = f"{field}: {value}" if not value.startswith("\n") else f"{field}:{value}"
    return "\n".join(lines)


def pg(name: str, body: str) -> dict:
    return {name: page(name.rsplit("/", 1)[-1].removesuffix(".md"), body)}


# ── One strict build holds every page fault (each on its own page) ──────────────
PAGES = [
    ("1a unknown key", pg("c1a.md", "A claim [@nosuchkey2020]."),
     ["docs/c1a.md:8: unknown citation key 'nosuchkey2020'; add it to references.bib or fix the key"]),
    ("1b key typo", pg("c1b.md", "A claim [@adstrum2017definng]."), ["docs/c1b.md:8:", "did you mean adstrum2017defining?"]),
    ("O33 comma between keys", pg("o33.md", f"Fascia wraps every muscle [@{W}, @{S}]."),
     [f"docs/o33.md:8: separate the keys with ';', not ',': write [@{W}; @{S}]"]),
    ("O34a pandoc prefix", pg("o34a.md", f"Fascia is everywhere [see @{W}]."),
     ["docs/o34a.md:8: the prefix 'see' in a citation is not shown", f"write it in your sentence and cite plainly: ... see [@{W}]"]),
    ("O34d suffix that is not a locator", pg("o34d.md", f"Fascia is everywhere [@{W}, and others]."),
     ["docs/o34d.md:8: 'and others' after @", f"[@{W}, p. 175]"]),
    ("O35 bare in-text key", pg("o35.md", f"As @{W} explain, fascia is everywhere."),
     [f"docs/o35.md:8: in-text citation '@{W}'", f"cite in brackets: ... [@{W}]"]),
    ("O36 citation split over lines", pg("o36.md", f"Claim [@{W};\n@{S}]."),
     [f"docs/o36.md:8: citation is split over two lines; put it on one line: [@{W}; @{S}]"]),
    ("O37 key with a colon", pg("o37.md", "A claim [@adstrum:2017]."),
     ["docs/o37.md:8: citation key 'adstrum:2017' has characters mkdocs-bibtex drops", "rename it here and in references.bib"]),
    ("O38 hand-written References", pg("o38.md", f"Claim [@{W}].\n\n## References\n\n1. Adstrum S. 2017."),
     ["docs/o38.md:10: a hand-written 'References' heading: delete it"]),
    ("O39 unclosed code fence", pg("o39.md", f"Example:\n\n```markdown\nA claim [@{W}].\n"),
     ["docs/o39.md:10: the code block opened with ``` here is never closed", "add a line with only ```"]),
    ("O22 reference link without definition", pg("o22.md", "See [what usually helps][helps]."),
     ["docs/o22.md:8: reference-style link [what usually helps][helps] has no definition", "[helps]: path/to/page.md"]),
    ("O23 image from another host", pg("o23.md", "![Photo of a foam roller on a mat](https://upload.wikimedia.org/x/Foam_roller.jpg)"),
     ["docs/o23.md:8: image from another host (upload.wikimedia.org)", "save the file under docs/assets/"]),
    ("6e absolute URL to our own site", pg("c6e.md", "See [the target](https://mysportinjury.github.io/fascia-back-pain/target/)."),
     ["docs/c6e.md:8: link https://mysportinjury.github.io/fascia-back-pain/target/ hard-codes the site's address",
      "write the relative path instead: target.md"]),
    ("O19 own-domain URL to a missing page", pg("o19.md", "See [it](https://mysportinjury.github.io/fascia-back-pain/gone/)."),
     ["docs/o19.md:8: link https://mysportinjury.github.io/fascia-back-pain/gone/ hard-codes", "no page has that address"]),
    ("6a link to a missing page", pg("c6a.md", "See [how fascia heals](fascia-healing.md)."),
     ["docs/c6a.md:8: link target 'fascia-healing.md' is not a file in docs/", "fix the path"]),
    ("6b link to a missing anchor", pg("c6b.md", "See [numbness](target.md#saddle-numbnes)."),
     ["docs/c6b.md:8: link target.md#saddle-numbnes: target.md has no heading or id 'saddle-numbnes'; did you mean #saddle-numbness?"]),
    ("6d image that does not exist", pg("c6d.md", "![Three layers of fascia in the lower back](assets/layer.svg)"),
     ["docs/c6d.md:8: image target 'assets/layer.svg' is not a file in docs/", "write assets/layers.svg"]),
    ("O20 link written as a URL", pg("o20.md", "See [it](target/) and [again](target.html)."),
     ["docs/o20.md:8: link target 'target/' is not a file in docs/", "write target.md", "link target 'target.html'"]),
    ("O21 link with a space or the wrong case", pg("o21.md", "See [it](Target.md)."),
     ["docs/o21.md:8: link target 'Target.md' is not a file in docs/", "write target.md"]),
    ("7b nav entry for a missing file", {}, ["nav entry 'fascia/fascia-and-sleep.md' is not a file in docs/", "mkdocs.yml:"]),
    ("7a page not in the nav", {"not-in-nav.md": page("Not in nav", "Text.")},
     ["not included in the \"nav\" configuration", "not-in-nav.md"]),
    ("7c two pages with one title", {"dup-a.md": page("Same title", "A."), "dup-b.md": page("Same title", "B.")},
     ["docs/dup-b.md:2: title 'Same title' is also the title of docs/dup-a.md:2; give each page its own title"]),
    ("10 missing snippet", pg("c10.md", 'Text.\n\n--8<-- "safety-note.md"'),
     ["docs/c10.md:10: snippet 'safety-note.md' not found: there is no safety-note.md in includes/"]),
    ("O29 snippet path from the project root", pg("o29.md", 'Text.\n\n--8<-- "includes/glossary.md"'),
     ["docs/o29.md:10: snippet 'includes/glossary.md' not found: snippet paths are relative to includes/: write --8<-- \"glossary.md\""]),
    ("12c file name with a space", {"fascia and sleep.md": page("Spaced", "Text.")},
     ["docs/fascia and sleep.md: the file name has a space or a non-ASCII letter", "rename it to docs/fascia-and-sleep.md"]),
    ("12d non-ASCII file name", {"fascia-et-sommeil-\u00e9.md": page("Accented", "Text.")},
     ["rename it to docs/fascia-et-sommeil-e.md"]),
    ("12a CRLF keeps line numbers", {"crlf.md": page("Crlf", "A claim [@nosuchkey2021].").replace("\n", "\r\n")},
     ["docs/crlf.md:8: unknown citation key 'nosuchkey2021'"]),
    ("11 malformed glossary line", {}, ["glossary.md:", ": not a glossary line; "]),
    # Front matter (articles in fascia/; the line numbers of article() above)
    ("5a front matter never closed", {"fascia/c5a.md": article("C5a").replace("---\n\n# C5a", "\n# C5a")},
     ["docs/fascia/c5a.md:1: front matter: the '---' block opened on line 1 is never closed; add a line with only ---"]),
    ("5b tab indentation", {"fascia/c5b.md": article("C5b", tags="\n\t- fascia\n\t- anatomy")},
     ["docs/fascia/c5b.md:10: front matter: is not valid YAML", "indent with spaces, not tabs"]),
    ("5c impossible date", {"fascia/c5c.md": article("C5c", published="2026-13-45")},
     ["docs/fascia/c5c.md:6: front matter 'published': 2026-13-45 is not a real date", "write YYYY-MM-DD"]),
    ("5d next_review before last_reviewed", {"fascia/c5d.md": article("C5d", next_review="2026-10-01")},
     ["docs/fascia/c5d.md:8: front matter 'next_review': 2026-10-01 is not after last_reviewed 2026-11-24"]),
    ("5e unknown tag", {"fascia/c5e.md": article("C5e", tags="[fascia, fascial release]")},
     ["docs/fascia/c5e.md:9: front matter 'tags': tag 'fascial release' is not allowed; allowed tags:"]),
    ("5f unknown author", {"fascia/c5f.md": article("C5f", author="jane-smith")},
     ["docs/fascia/c5f.md:4: front matter 'author': 'jane-smith' is not a known author; use one of: editorial-team"]),
    ("5g description too long", {"fascia/c5g.md": article("C5g", description="x" * 400)},
     ["docs/fascia/c5g.md:3: front matter 'description': is 400 characters, the limit is 160"]),
    ("5h title missing", {"fascia/c5h.md": article("C5h", title=None)},
     ["docs/fascia/c5h.md:1: front matter 'title': is missing; add it"]),
    ("5i title is a number", {"fascia/c5i.md": article("C5i", title="2026")},
     ["docs/fascia/c5i.md:2: front matter 'title': must be text"]),
    ("O8 unquoted colon", {"fascia/o8.md": article("O8", description="Fascia explained: a plain guide to what it is and why it matters")},
     ["docs/fascia/o8.md:3: front matter 'description': the value has ': ' in it", 'put the value in quotes: description: "Fascia explained:']),
    ("O9 field written twice", {"fascia/o9.md": article("O9").replace("title: O9\n", "title: O9\ntitle: O9 explained\n")},
     ["docs/fascia/o9.md:3: front matter 'title': appears twice (lines 2 and 3)", "delete the one you do not mean"]),
    ("O10 misspelled field", {"fascia/o10.md": article("O10").replace("description:", "descripton:")},
     ["docs/fascia/o10.md:3: front matter 'descripton': is not a front matter field here", "fix its spelling"]),
    ("O11 reviewer with no value", {"fascia/o11.md": article("O11", reviewer="")},
     ["docs/fascia/o11.md:5: front matter 'reviewer': has no value", 'write reviewer: ""']),
    ("O12 tags as a string", {"fascia/o12.md": article("O12", tags="fascia, anatomy")},
     ["docs/fascia/o12.md:9: front matter 'tags': must be a list"]),
    ("O13 date as DD/MM/YYYY", {"fascia/o13.md": article("O13", published="24/11/2026")},
     ["docs/fascia/o13.md:6: front matter 'published': '24/11/2026' is not a date; write YYYY-MM-DD"]),
    ("O14 no such day", {"fascia/o14.md": article("O14", next_review="2027-02-30")},
     ["docs/fascia/o14.md:8: front matter 'next_review': 2027-02-30 is not a real date"]),
    ("O15a reviewer in curly quotes", {"fascia/o15a.md": article("O15a", reviewer="\u201c\u201d")},
     ["docs/fascia/o15a.md:5: front matter 'reviewer': is the quote marks", 'write reviewer: "" with straight quotes']),
    ("O15b reviewer placeholder", {"fascia/o15b.md": article("O15b", reviewer='"TBC"')},
     ["docs/fascia/o15b.md:5: front matter 'reviewer': 'TBC' is a placeholder", "extra.reviewers in mkdocs.yml"]),
    ("O15c reviewer not on the list", {"fascia/o15c.md": article("O15c", reviewer='"Dr A. Patel"')},
     ["docs/fascia/o15c.md:5: front matter 'reviewer': 'Dr A. Patel' is not on the list of clinical reviewers"]),
    ("O16 blank line before ---", {"fascia/o16.md": "\n" + article("O16")},
     ["docs/fascia/o16.md:1: front matter: missing; start the file with a '---' block"]),
    ("O17 article field on a site page", {"about/o17.md": page("O17", "Text.").replace("---\n\n#", "author: editorial-team\n---\n\n#")},
     ["docs/about/o17.md:4: front matter 'author': is not a front matter field here"]),
    ("O18 article in a folder that is not a section", {"exercises/core-strength.md": article("Core strength")},
     ["docs/exercises/core-strength.md:1: front matter: has article fields", "add exercises to extra.article_sections"]),
    ("O32 empty article", {"fascia/o32.md": ""}, ["docs/fascia/o32.md:1: front matter: missing"]),
]
# O41: four faults at once, all listed by one build (they are rows above).
PAGES.append(("O41 four faults at once", {}, ["docs/c1a.md:8: unknown citation key", "docs/fascia/c5f.md:4:",
                                              "docs/c6a.md:8: link target", "not a glossary line"]))
TARGET = {"target.md": page("Target", "## Saddle numbness\n\nText."), "assets/layers.svg": "<svg xmlns='http://www.w3.org/2000/svg'/>"}

# ── references.bib faults: each its own build (a bad .bib stops the build at once) ──
# Each fault is planted in one placeholder entry placed first in the file, in front of the real
# references.bib (whose entries includes/ cites): the rows' anchors and line numbers are this text,
# never the layout of a real entry, which people edit (when design, certainty and checked were added
# after willard2012thoracolumbar's last field, "3a entry not closed" planted nothing and passed).
BIB_KEY = "example2012fascia"
BIB_TITLE = "title     = {The thoracolumbar fascia: a placeholder article (test data)},"
BIB_HEAD = (
    "% Test data: the bad-input rows plant their faults in the entry below.\n"  # line 1
    "\n"
    f"@article{{{BIB_KEY},\n"                                                   # line 3
    "  author    = {Example, A. and Müller, B.},\n"                             # line 4
    f"  {BIB_TITLE}\n"                                                          # line 5
    "  journal   = {Example Journal},\n"                                         # line 6
    "  year      = {2012},\n"                                                    # line 7
    "  volume    = {1},\n"                                                       # line 8
    "  pages     = {1--2},\n"                                                    # line 9
    "  doi       = {10.1000/example.2012.fascia},\n"                             # line 10
    "  design    = {narrative review},\n"                                        # line 11
    "  certainty = {not graded}\n"                                               # line 12
    "}\n"                                                                        # line 13
    "\n"
)
BIB_LAST = "  certainty = {not graded}\n}\n"
BIB = [
    ("3a entry not closed", lambda b: b.replace(BIB_LAST, "  certainty = {not graded}\n", 1),
     [f"references.bib:3: entry '{BIB_KEY}' is not closed; add '}}' after its last field"]),
    ("3b duplicate key", lambda b: b + f"\n@article{{{BIB_KEY},\n  title = {{Again}}\n}}\n",
     ["duplicate key: also defined at line 3", "rename or delete one of them"]),
    ("3c entry with no title", lambda b: b.replace(f"  {BIB_TITLE}\n", "", 1),
     [f"references.bib:3: entry '{BIB_KEY}': @article needs title"]),
    ("3d unbalanced brace", lambda b: b.replace(BIB_TITLE, BIB_TITLE.replace("{The ", "{The {"), 1),
     [f"references.bib:5: entry '{BIB_KEY}': field 'title' has one '{{' more than '}}'",
      "remove the stray '{'", "do not add '}' at the end of the entry"]),
    ("O1 3d with '}' added at the end", lambda b: b.replace(BIB_TITLE, BIB_TITLE.replace("{The ", "{The {"), 1)
     .replace(BIB_LAST, "  certainty = {not graded}\n}}\n", 1),
     [f"references.bib:5: entry '{BIB_KEY}': field 'title' has one '{{' more than '}}'", "(journal = ...)"]),
    ("O2 a '}' too many", lambda b: b.replace("{The thoracolumbar fascia:", "{The thoracolumbar} fascia:", 1),
     [f"references.bib:5: entry '{BIB_KEY}': field 'title' has one '}}' too many on line 5", "remove the stray '}'"]),
    ("O3 comma missing", lambda b: b.replace("journal   = {Example Journal},", "journal   = {Example Journal}", 1),
     ["references.bib:6:", "field 'journal' must be followed by ',' or '}'; add a comma at its end"]),
    ("O4 % comment inside an entry", lambda b: b.replace("  year      = {2012},", "  % checked on PubMed\n  year      = {2012},", 1),
     ["references.bib:7: a % comment inside an entry breaks pybtex"]),
    ("3e not UTF-8", lambda b: b.replace("Müller", "M\udcfcller", 1), ["references.bib:4: is not UTF-8; save the file as UTF-8"]),
    ("3f empty file", lambda b: "", ["references.bib:1: has no entries (is the file empty?)"]),
    ("4a javascript: url", lambda b: b.replace(BIB_LAST, "  certainty = {not graded},\n  url = {javascript:alert(1)}\n}\n", 1),
     [f"references.bib:13: entry '{BIB_KEY}': url must be an http(s):// address, found 'javascript:alert(1)'"]),
    ("4b doi with a URL prefix", lambda b: b.replace("doi       = {10.1000/", "doi       = {https://doi.org/10.1000/", 1),
     [f"references.bib:10: entry '{BIB_KEY}': doi has a URL prefix; write it bare: 10.1000/example.2012.fascia"]),
    ("O6 @inproceedings", lambda b: b + "\n@inproceedings{smith2021fascia,\n  title = {T},\n  year = {2021},\n  uncited = {x}\n}\n",
     ["entry 'smith2021fascia': type @inproceedings has no rules here"]),
]

# ── Valid input: one build must pass and render it properly ─────────────────────
PASS = [
    ("2a citations in code stay code", pg("p2a.md", f"```\n[@nosuchkey2020]\n```\n\n~~~\n[@{W}]\n~~~\n\nInline `[@nosuchkey2020]`."),
     ["[@nosuchkey2020]"]),
    ("2b e-mail addresses", pg("p2b.md", "[hello@mysportinjury.co.uk] <hello@example.org> [write](mailto:a@example.org) "
                               "b@example.org [Contact: bookings@example.org; info@example.org]"),
     ["[hello@mysportinjury.co.uk]", "[Contact: bookings@example.org; info@example.org]"]),
    ("12a CRLF line endings", {"p12a.md": page("P12a", f"A claim [@{W}].").replace("\n", "\r\n")}, ["fn:" + W]),
    ("12b UTF-8 BOM", {"p12b.md": "\ufeff" + page("P12b", f"A claim [@{W}].")}, ["fn:" + W]),
    ("O5 references.bib with a BOM", pg("p-o5.md", f"A claim [@{FIRST}]."), ["fn:" + FIRST]),
    ("O7 url with parentheses", pg("p-o7.md", "See [@paren2024page]."), ['href="https://www.nhs.uk/conditions/fascia_(test-data)/"']),
    ("O34b locator shown with the marker", pg("p-o34b.md", f"A claim [@{W}, p. 175] and [@{S}, chap. 3; @{W}, pp. 3-5]."),
     ['<sup class="cite-locator">(p. 175)</sup>', '<sup class="cite-locator">(chap. 3)</sup>', "(pp. 3-5)"]),
    ("O34c suppressed author is a plain marker", pg("p-o34c.md", f"Adstrum and colleagues say so [-@{W}]."), ["fn:" + W]),
]
# O7's entry: a placeholder page on a host includes/sources.yml allows, with the design, certainty and
# findings every cited entry needs (the evidence rules of issue 20 refuse the Wikipedia address it had).
PAREN = ("\n@online{paren2024page,\n  title = {A page whose address has parentheses (test data)},\n  organization = {NHS},\n"
         "  url = {https://www.nhs.uk/conditions/fascia_(test-data)/},\n  urldate = {2026-11-30},\n  design = {web page},\n"
         "  certainty = {not graded},\n  findings = {Test data: what the page says.}\n}\n")
