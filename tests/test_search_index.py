"""The search index the build writes: the glossary's lay words reach the pages that discuss
each term (and only those, never shown), the urgent-help tiers are indexed on the red-flags
page only, and glossary mistakes fail with includes/glossary.md:LINE. The browser side is
tests/test_search_queries.py."""
from __future__ import annotations

import json

from conftest import ROOT, make_fixture_site, mkdocs_build

from fasciasite.content import glossary
from fasciasite.publishing import search_index as search


def index(site) -> dict:
    return json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))


def entry(site, location: str) -> dict:
    return next(d for d in index(site)["docs"] if d["location"] == location)


# ── Glossary syntax ──────────────────────────────────────────────────────────


def test_the_real_glossary_has_no_problems_and_lay_words():
    parsed = glossary.read(ROOT / "includes" / "glossary.md")
    assert parsed.problems == []
    lay = {t.term: t.lay_words for t in parsed.terms if t.lay_words}
    assert "slipped disc" in lay["disc herniation"] and "lumbago" in lay["low back pain"]
    assert "numb bum" in lay["cauda equina syndrome"] and "knots" in lay["trigger points"]


def test_lay_words_belong_to_the_term_on_the_line_above():
    parsed = glossary.parse("<!--\nheader\n-->\n*[TENS]: A small machine.\n  lay words: TENS machine, electric pads\n")
    assert parsed.problems == []
    assert parsed.terms[0].lay_words == ["TENS machine", "electric pads"]


def test_a_lay_words_line_without_its_term_fails_with_its_line():
    parsed = glossary.parse("*[TENS]: A small machine.\n\n  lay words: electric pads\nlay words: x\n")
    assert parsed.problems[0].startswith("includes/glossary.md:3: a 'lay words:' line must come straight after its term")
    assert parsed.problems[1].startswith("includes/glossary.md:4:")


def test_a_term_defined_twice_with_different_definitions_fails_with_file_and_line():
    text = "*[collagen]: A strong protein.\n\n*[Collagen]: A strong protein.\n\n*[collagen]: A protein found in skin.\n"
    problems = glossary.parse(text).problems
    assert len(problems) == 1  # the same definition under another case is fine
    assert problems[0].startswith("includes/glossary.md:5: 'collagen' is already defined on line 1 with a different definition")


def test_a_duplicate_glossary_term_fails_the_build(tmp_path):
    page = "---\ntitle: Home\ndescription: The home page of the glossary fixture site, long enough for the checks.\n---\n\n# Home\n\nFascia.\n"
    config = make_fixture_site(tmp_path, {"index.md": page})
    gloss = tmp_path / "includes" / "glossary.md"
    lines = gloss.read_text(encoding="utf-8").splitlines()
    gloss.write_text("\n".join(lines + ["", "*[collagen]: A protein found in skin."]) + "\n", encoding="utf-8")
    result = mkdocs_build(config, tmp_path / "site")
    assert result.returncode != 0
    assert f"includes/glossary.md:{len(lines) + 2}: 'collagen' is already defined" in result.stderr


# ── Choosing the pages ───────────────────────────────────────────────────────

DOCS = [
    {"location": "back-pain/discs/", "title": "Slipped discs and scans", "text": "<p>A disc herniation is common. Back pain.</p>"},
    {"location": "back-pain/discs/#scans", "title": "Disc herniation on a scan", "text": "<p>Back pain and a herniation.</p>"},
    {"location": "back-pain/work/", "title": "Back pain at work", "text": "<p>Back pain, once a disc herniation.</p>"},
    {"location": "back-pain/sport/", "title": "Back pain in sport", "text": "<p>Back pain and running.</p>"},
    {"location": "about/", "title": "About", "text": "<p>Disc herniation disc herniation disc herniation.</p>"},
]


def test_lay_words_go_to_the_article_that_discusses_the_term_only():
    term = glossary.Term("disc herniation", "A disc that bulges.", 1, ["prolapsed disc", "bad back pain"])
    by_page = search.lay_words_by_page(DOCS, [term], {}, ("back-pain",))
    assert by_page["back-pain/discs/"].count("prolapsed") == 2  # the page that discusses it most: twice
    assert "prolapsed" not in by_page.get("back-pain/work/", [])  # one passing mention is not enough
    assert "about/" not in by_page  # not an article
    words = {w for tokens in by_page.values() for w in tokens}
    assert "bad" in words and not words & {"back", "pain", "disc"}  # words most pages have are left out


def test_a_lay_word_that_is_a_stop_word_does_not_choose_the_pages():
    # "AS" for ankylosing spondylitis: counted, every "as" on a page would be a mention
    term = glossary.Term("disc herniation", "A disc that bulges.", 1, ["AS", "prolapsed disc"])
    docs = DOCS + [{"location": "back-pain/as/", "title": "Back pain as you age",
                    "text": "<p>" + "As it is, as you move, as before. " * 5 + "</p>"}]
    by_page = search.lay_words_by_page(docs, [term], {}, ("back-pain",))
    assert "back-pain/as/" not in by_page and by_page["back-pain/discs/"].count("prolapsed") == 2


def test_title_words_get_the_forms_readers_type():
    assert set(search.forms_of("stretching")) >= {"stretches", "stretched"}
    assert search.forms_of("herniation") == ["herniated"]
    assert "runner" in search.forms_of("running")
    assert search.forms_of("disc") == ["discs"]


def test_urgent_signs_are_the_urgent_pages_lay_phrases_and_the_urgent_tiers_patterns():
    import re

    from fasciasite.content import tiers
    urgent_term = glossary.Term("disc herniation", "A disc that bulges.", 1, ["slipped disc", "both legs"])
    other_term = glossary.Term("running", "Running.", 1, ["jogging"])  # best page: back-pain/sport/
    sign = lambda text, rx: tiers.Sign(text, [re.compile(rx, re.I)])  # noqa: E731
    tier = lambda id, *signs: tiers.Tier(id, id, "info", "lead", ["key"], list(signs))  # noqa: E731
    data = tiers.Tiers("urgent-help.yml", [tier("emergency", sign("both legs", r"\bboth legs\b")),
                                           tier("urgent", sign("fever", r"\bfever")),
                                           tier("gp", sign("very bad", r"very bad"))])
    found = search.urgent_signs(DOCS, [urgent_term, other_term], {}, ("back-pain",), "back-pain/discs/", data)
    assert {k: found[k] for k in ("location", "phrases", "patterns")} == {
        "location": "back-pain/discs/", "phrases": ["slipped disc", "both legs"],
        "patterns": [r"\bboth legs\b", r"\bfever"]}  # not the GP tier's, not another page's term
    assert found["combined"] == [] and found["others"] == []
    assert search.urgent_signs(DOCS, [urgent_term], {}, ("back-pain",), "back-pain/work/", None)["phrases"] == []


def test_an_urgent_page_has_its_search_location():
    assert search.location("back-pain/red-flags.md") == "back-pain/red-flags/"
    assert search.location("index.md") == "" and search.location("about/index.md") == "about/"
    assert search.location("back-pain/red-flags.md", use_directory_urls=False) == "back-pain/red-flags.html"


# ── The real index ───────────────────────────────────────────────────────────


def test_the_worker_gets_the_urgent_signs_in_the_index_config(built_site, mkdocs_config):
    import shutil
    import subprocess

    import pytest
    # Material hands its worker the index's config and docs only: the signs must be in config
    urgent = index(built_site)["config"][search.URGENT_KEY]
    assert urgent["location"] == search.location(mkdocs_config["extra"]["urgent_page"])
    assert {"fell", "numb bum", "wet myself"} <= set(urgent["phrases"]) and "temperature" not in urgent["phrases"]
    assert r"\bboth (of your )?legs\b" in urgent["patterns"]
    node = shutil.which("node")
    if node is None:
        pytest.skip("no node to compile the patterns as JavaScript")
    script = "const p = JSON.parse(require('fs').readFileSync(0, 'utf8')); for (const s of p) new RegExp(s, 'i')"
    result = subprocess.run([node, "-e", script], input=json.dumps(urgent["patterns"]), text=True,
                            capture_output=True, timeout=30)
    assert result.returncode == 0, f"a sign pattern is not valid JavaScript (the worker drops it): {result.stderr}"



def test_the_index_has_a_hidden_keywords_field_on_some_articles_only(built_site, mkdocs_config):
    data = index(built_site)
    assert search.FIELD in data["config"]["fields"]
    with_words = {d["location"] for d in data["docs"] if search.FIELD in d}
    sections = tuple(f"{s}/" for s in mkdocs_config["extra"]["article_sections"])
    assert with_words and all(loc.startswith(sections) and "#" not in loc for loc in with_words)
    assert "lumbago" in entry(built_site, "back-pain/what-helps/")[search.FIELD].split()
    assert "slipped" in entry(built_site, "back-pain/discs-and-scans/")[search.FIELD].split()
    assert {"a&e", "bum"} <= set(entry(built_site, "back-pain/red-flags/")[search.FIELD].split())
    html = (built_site / "back-pain" / "what-helps" / "index.html").read_text(encoding="utf-8")
    assert "lumbago" not in html.lower()  # never shown to readers


def test_the_urgent_help_tiers_are_indexed_on_the_red_flags_page_only(built_site):
    sign = "difficulty peeing"
    found = {d["location"].split("#")[0] for d in index(built_site)["docs"] if sign in d["text"]}
    assert found == {"back-pain/red-flags/"}
    page = (built_site / "treatments" / "foam-rolling" / "index.html").read_text(encoding="utf-8")
    assert sign in page and "data-search-exclude" not in page  # readers still see the block
    assert entry(built_site, "back-pain/red-flags/").get("boost", 1) > 1


# ── Shared blocks indexed once; the index's budget ───────────────────────────


def ice_treatment():
    import re

    from fasciasite.content import safety
    return {"ice": safety.Treatment("ice", "Ice packs", [re.compile(r"\bice\b", re.I)])}


def test_a_safety_block_is_indexed_on_the_page_that_discusses_its_treatment_most():
    sources = {
        "a.md": "---\ntitle: Heat, ice and gadgets\n---\n\n# Heat, ice and gadgets\n\nIce helps.\n\n<!-- md:safety ice -->\n",
        "b.md": "---\ntitle: Sprains\n---\n\n# Sprains\n\nIce, ice, ice.\n\n<!-- md:safety ice -->\n",
        "c.md": "---\ntitle: Ice, ice and more ice\n---\n\n# Ice\n\nIce ice ice ice.\n",  # names it most, shows no block
    }
    assert search.safety_homes(sources, ice_treatment()) == {"Ice packs": "a.md"}  # its title names it
    del sources["a.md"]
    assert search.safety_homes(sources, ice_treatment()) == {"Ice packs": "b.md"}
    assert search.safety_homes({"c.md": sources["c.md"]}, ice_treatment()) == {}  # shown nowhere: no home


def test_mentions_in_comments_code_and_citations_do_not_make_a_home():
    sources = {
        "a.md": "# Sprains\n\nIce it.\n\n<!-- md:safety ice -->\n",
        "b.md": "# Sprains\n\n<!-- ice ice ice -->\n`ice ice`\n[@ice2020]\n\n<!-- md:safety ice -->\n",
    }
    assert search.safety_homes(sources, ice_treatment()) == {"Ice packs": "a.md"}


def test_each_safety_block_is_indexed_once_on_its_home_and_still_shown_everywhere(built_site):
    from html import escape

    from fasciasite.content import safety
    treatments = safety.load_for(ROOT)[0].treatments
    sources = {p.relative_to(ROOT / "docs").as_posix(): p.read_text(encoding="utf-8") for p in (ROOT / "docs").rglob("*.md")}
    homes = search.safety_homes(sources, treatments)
    showing = {t.name: [uri for uri, md in sources.items() if t.name in {m.group(1) for m in safety.SHORTCODE.finditer(md)}]
               for t in treatments.values()}
    shown_twice = [t for t in treatments.values() if len(showing[t.name]) > 1]
    assert shown_twice, "no safety block is shown on two pages: this test needs one"
    docs = index(built_site)["docs"]
    for t in treatments.values():
        if t.title not in homes:
            continue
        heading = f"<p>Safety: {escape(t.title, quote=False)}</p>"
        indexed = {d["location"].split("#")[0] for d in docs if heading in d["text"]}
        home = homes[t.title].removesuffix(".md") + "/"
        assert indexed == {home}, f"{t.name}: indexed on {sorted(indexed)}, expected its home {home} only"
    for t in shown_twice:
        other = next(uri for uri in showing[t.name] if uri != homes[t.title])
        page = (built_site / other.removesuffix(".md") / "index.html").read_text(encoding="utf-8")
        shown = search.TAG.sub("", page)  # a glossary term in the title is an <abbr>
        assert f"Safety: {escape(t.title, quote=False)}" in shown, f"{other}: the {t.name} block is not shown"
        assert "data-search-exclude" not in page, f"{other}: the search mark is left in the page"


def test_citation_markers_and_addresses_are_left_out_of_the_index(built_site):
    import re
    docs = index(built_site)["docs"]
    text = " ".join(d["text"] for d in docs)
    assert not re.search(r"<sup>(\d+|,)</sup>", text), "citation numbers are indexed"
    assert "https://" not in text and "doi.org" not in text, "addresses are indexed"
    parts = sorted(built_site.glob("references/*/index.html"))  # the References pages (fasciasite/references/parts.py)
    assert parts
    for part in parts:
        location = part.parent.relative_to(built_site).as_posix() + "/"
        references = next(d for d in docs if d["location"] == location)
        html = part.read_text(encoding="utf-8")
        assert references["text"].count("<li>") == html.count('<li id="ref-') > 0, location  # every entry is still searched


def test_the_urgent_help_footer_is_indexed_on_the_red_flags_page_only(built_site):
    # the footer of the urgent-help block (includes/urgent-help.yml) is shown on every article
    sentence = "Not sure which applies to you?"
    found = {d["location"].split("#")[0] for d in index(built_site)["docs"] if sentence in d["text"]}
    assert found == {"back-pain/red-flags/"}
    page = (built_site / "treatments" / "foam-rolling" / "index.html").read_text(encoding="utf-8")
    assert sentence in page and "data-search-exclude" not in page  # readers still see it


def evidence_cells(built_site):
    """(claim, why) of every row of every evidence table of the built site, as plain text."""
    import re
    from html import unescape
    def plain(cell):
        return unescape(re.sub(r"<[^>]+>", "", re.sub(r"<sup.*?</sup>", "", cell))).strip()

    rows = []
    for page in built_site.rglob("index.html"):
        for table in re.finditer(r"<table[^>]*>\s*<thead>(.*?)</thead>(.*?)</table>", page.read_text(encoding="utf-8"), re.S):
            names = [plain(c).casefold() for c in re.findall(r"<th[^>]*>(.*?)</th>", table.group(1), re.S)]
            if "why" not in names or "rating" not in names:
                continue
            for row in re.findall(r"<tr>(.*?)</tr>", table.group(2), re.S):
                cells = [plain(c) for c in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
                rows.append((cells[names.index("claim")], cells[names.index("why")]))
    return rows


def test_the_evidence_tables_why_column_is_left_out_and_claims_and_ratings_stay(built_site):
    import re
    from html import unescape
    rows = evidence_cells(built_site)
    assert len(rows) > 100, "the site's evidence tables were not found"
    text = unescape(re.sub(r"<[^>]+>", " ", " ".join(d["text"] for d in index(built_site)["docs"])))
    text = " ".join(text.split())
    indexed_why = [why for _claim, why in rows if " ".join(why.split()) in text]
    assert not indexed_why, f"{len(indexed_why)} 'Why' cells are indexed, e.g. {indexed_why[0]!r}"
    missing = [claim for claim, _why in rows if " ".join(claim.split()) not in text]
    assert not missing, f"claims no longer indexed: {missing[:3]}"
    assert "Evidence against" in text and "Moderate" in text  # the ratings stay


def test_a_why_column_is_marked_only_in_a_table_with_a_rating():
    mark = search.MARK
    table = ("<table>\n<thead>\n<tr>\n<th>Claim</th>\n<th>Rating</th>\n<th>Why</th>\n</tr>\n</thead>\n<tbody>\n"
             "<tr>\n<td>Rest helps</td>\n<td><strong>Limited</strong></td>\n<td>One small trial</td>\n</tr>\n</tbody>\n</table>")
    marked = search.mark_why_column(table)
    assert f"<th{mark}>Why</th>" in marked and f"<td{mark}>One small trial</td>" in marked
    assert marked.count(mark) == 2
    other = table.replace("<th>Rating</th>", "<th>Dose</th>")
    assert search.mark_why_column(other) == other  # not an evidence table: searched whole


def test_references_are_searched_by_first_author_title_journal_and_year(built_site):
    import re
    docs = [d for d in index(built_site)["docs"] if d["location"].startswith("references/") and d["location"] != "references/"]
    assert docs
    text = " ".join(d["text"] for d in docs)
    assert not re.search(r"Accessed [A-Z][a-z]+ \d{1,2}, \d{4}", text), "access dates are indexed"
    assert not re.search(r"\b(?:19|20)\d\d;", text), "volumes, issues and pages are indexed"
    # Wilke J, Müller AL, Giesche F, Power G, Ahmedi H, Behm DG. Acute effects of foam rolling ...
    assert "Wilke J. Acute effects of foam rolling on range of motion in healthy adults" in text
    assert "Sports Medicine" in text and "2020" in text
    shown = " ".join(p.read_text(encoding="utf-8") for p in built_site.glob("references/*/index.html"))
    assert "Giesche F" in shown  # the page keeps every author
    assert "Giesche" not in text, "co-authors are indexed"


def test_a_references_entry_keeps_its_first_author_title_journal_and_year():
    trim = search.searched_entry
    assert trim("Wilke J, Müller AL, Behm DG. Acute effects of foam rolling. <em>Sports Medicine</em>. "
                "2020;50(2):387-402. doi:<i></i>") == "Wilke J. Acute effects of foam rolling. <em>Sports Medicine</em>. 2020. doi:<i></i>"
    assert trim("Peul WC, Houwelingen HC van, Hout WB van den, et al. Surgery for sciatica. <em>NEJM</em>. 2007;356(22):2245-2256.") \
        == "Peul WC. Surgery for sciatica. <em>NEJM</em>. 2007."
    assert trim("Bagg MK et al. Graded sensory motor retraining. <em>JAMA</em>. 2022;328(5):430.") \
        == "Bagg MK. Graded sensory motor retraining. <em>JAMA</em>. 2022."
    assert trim("NHS. Sciatica. Accessed December 7, 2026. <i></i>") == "NHS. Sciatica. <i></i>"
    # an organisation, or a group among the authors: left whole rather than cut wrongly
    org = "Department of Health, Social Services and Public Safety. Back pain. 2019."
    assert trim(org) == org
    group = "Qaseem A, Wilt TJ, Clinical Guidelines Committee of the American College of Physicians. Noninvasive treatments."
    assert trim(group) == group


def test_the_home_pages_article_list_is_left_out_and_its_own_text_stays(built_site):
    import re
    home = [d for d in index(built_site)["docs"] if d["location"].split("#")[0] == ""]
    text = " ".join(d["text"] for d in home)
    page = (built_site / "index.html").read_text(encoding="utf-8")
    listed = re.findall(r'<li><a href="fascia/what-is-fascia/">What fascia is</a>: ([^<]{20,60})', page)
    assert listed, "the home page no longer lists the articles: this test needs the list"
    assert listed[0] not in text, "the article list (titles and descriptions) is indexed on the home page"
    assert "Back pain is common, and most of it gets better" in text  # the home page's own words stay
    assert "I have back pain now" in text  # and its "Start here" guide
    page = (built_site / "index.html").read_text(encoding="utf-8")
    assert "data-search-exclude" not in page


def test_only_a_list_of_articles_with_descriptions_is_marked():
    mark, sections = search.MARK, ("fascia", "back-pain")
    articles = ('<ul>\n<li><a href="fascia/what-is-fascia/">What fascia is</a>: A plain guide.</li>\n'
                '<li><a href="../back-pain/sciatica/">Sciatica</a>: What it is.</li>\n</ul>')
    assert search.mark_article_lists(articles, sections) == f"<ul{mark}>" + articles[len("<ul>"):]
    about = articles.replace("back-pain/sciatica/", "about/privacy/")  # an item that is not an article
    assert search.mark_article_lists(about, sections) == about
    prose = "<ul>\n<li>Rest: a day or two at most.</li>\n</ul>"
    assert search.mark_article_lists(prose, sections) == prose


def test_section_entries_carry_no_tags_and_page_entries_keep_them(built_site):
    docs = index(built_site)["docs"]
    tagged = [d["location"] for d in docs if "#" in d["location"] and "tags" in d]
    assert not tagged, f"sections with their page's tags: {tagged[:3]}"
    assert entry(built_site, "treatments/foam-rolling/")["tags"]


def test_the_index_stays_within_5_kb_gzip_per_article(built_site):
    # issue 24 part 5: the reader's phone downloads the whole index when they search
    from fasciasite.authoring import search_queries as searchqueries
    from fasciasite.bench import search_hits as searchbench
    size = searchqueries.index_size(built_site, searchbench.article_count(built_site))
    assert size["gzip_bytes_per_article"] <= 5 * 1024, (
        f"search index {size['gzip_bytes']:,} bytes gzip for {size['articles']} articles: "
        f"{size['gzip_bytes_per_article']:,} per article, budget 5,120; leave text indexed elsewhere out "
        "(fasciasite/publishing/search_index.py)")


# ── Signs urgent only together with another (a smaller fall: "tripped" with "brittle bones") ──
FALL = glossary.Term("smaller fall", "A fall that is not from a height.", 1, ["slipped", "tripped over"], ["brittle bones", "elderly"])


def test_an_urgent_with_line_belongs_to_the_term_and_needs_its_lay_words():
    parsed = glossary.parse("*[smaller fall]: A fall.\n  lay words: tripped, slipped\n  urgent with: elderly, thin bones\n")
    assert parsed.problems == [] and parsed.terms[0].urgent_with == ["elderly", "thin bones"]
    assert parsed.terms[0].lay_words == ["tripped", "slipped"]
    bad = glossary.parse("*[smaller fall]: A fall.\n  urgent with: elderly\n")
    assert bad.problems and bad.problems[0].startswith("includes/glossary.md:2: an 'urgent with:' line")


def test_a_sign_urgent_only_with_another_is_combined_and_not_indexed():
    found = search.urgent_signs(DOCS, [FALL], {}, ("back-pain",), "back-pain/discs/", None)
    assert found["combined"] == [{"phrases": ["slipped", "tripped over"], "with": ["brittle bones", "elderly"]}]
    assert found["phrases"] == []  # alone, "slipped" is no sign
    by_page = search.lay_words_by_page(DOCS, [FALL], {}, ("back-pain",))
    assert not {w for tokens in by_page.values() for w in tokens} & {"slipped", "tripped", "brittle", "elderly"}


def test_another_terms_longer_phrase_with_a_signs_word_is_sent_as_not_a_sign():
    disc = glossary.Term("disc herniation", "A disc that bulges.", 1, ["slipped disc", "bulging disc"])
    sleep = glossary.Term("insomnia", "Trouble sleeping.", 1, ["falling asleep", "back pain at night", "fall at night"])
    others = search.other_phrases([FALL, disc, sleep], ["a fall", "dangerous back pain"], [
        {"phrases": FALL.lay_words, "with": FALL.urgent_with}], common={"back", "pain"}, patterns=[r"\bat night"])
    assert "slipped disc" in others and "falling asleep" in others  # slipped; fall (a word form)
    assert "bulging disc" not in others  # no word of a sign
    assert "back pain at night" not in others  # shares only words most pages have
    assert "fall at night" not in others  # names a tier's sign itself


def test_the_worker_gets_combined_signs_and_other_phrases_in_the_index_config(built_site):
    urgent = index(built_site)["config"][search.URGENT_KEY]
    assert any("tripped" in c["phrases"] and "brittle bones" in c["with"] for c in urgent["combined"])
    assert {"slipped disc", "fell asleep"} <= set(urgent["others"])
    assert "tripped" not in entry(built_site, search.location("back-pain/red-flags.md")).get("keywords", "").split()


# ── The lay-words step's shortcuts (issue 24) never change an answer ─────────

SHORTCUT_WORDS = ["back", "pain", "backs", "fascia", "fasciaes", "lower", "a&e", "disc", "discs", "x-ray", "é", "ache",
                  "backache", "pains", "slipped", "l4", "_", "(", ")", " ", "\n", "-", "."]


def test_a_page_that_mentions_a_form_always_passes_its_shortcut():
    """_may_mention rules a page out only when the form's pattern cannot match it: random
    texts and forms, with plural endings, phrases, punctuation inside and at the ends."""
    import random

    rng = random.Random(24)
    forms = ["back pain", "lower back pain", "fascia", "disc", "a&e", "x-ray", "ache", "(disc)", "l4", "pain.", "é"]
    for _ in range(6000):
        text = "".join(rng.choice(SHORTCUT_WORDS) + rng.choice(["", " "]) for _ in range(rng.randint(0, 12)))
        form = rng.choice(forms)
        if search._mentions(frozenset({form})).search(text):
            assert search._may_mention(form, text), (form, text)
    assert not search._may_mention("back pain", "pain in the back")  # the words, not the phrase
    assert not search._may_mention("disc", "discus")                 # not a whole word


def test_titled_and_common_words_answer_as_their_definitions():
    """The indexed versions against the plain definitions: titled() reads every title for
    every word; common_words() counts the pages that have each word."""
    import random

    rng = random.Random(7)
    vocab = ["fascia", "release", "myofascial", "back", "pain", "stretching", "foam", "roll", "rolling", "what"]
    for _ in range(200):
        pages = {f"p{i}/": {"title": " ".join(rng.sample(vocab, rng.randint(1, 4)))} for i in range(rng.randint(1, 8))}
        chosen = rng.sample(sorted(pages), rng.randint(0, len(pages)))
        for word in vocab + ["fasciae", "releases", "rollings", "whatever"]:
            plain = any(word.startswith(t) for path, p in pages.items() if path not in chosen
                        for t in search._title_words(p["title"], search.SEPARATOR))
            assert search.titled(word, pages, chosen) == plain, (word, pages, chosen)
        own = {path: frozenset(rng.sample(vocab, rng.randint(0, 6))) for path in pages}
        for share in (search.COMMON, search.GENERIC):
            plain_common = {w for w in set().union(*own.values()) if sum(w in v for v in own.values()) >= share * len(own)}
            assert search.common_words(own, share) == plain_common


def test_pages_scored_at_once_choose_as_each_term_scored_alone():
    """score_pages() keeps every page's scores for all terms (remembered by page text, for
    serve rebuilds); choose() must then pick exactly the pages it picks scoring each term on
    each page afresh: random pages and terms, including a term scored on no page, a page
    changed between two scorings and a term that score_pages() was not given."""
    import random

    rng = random.Random(2412)
    vocab = ["fascia", "fasciae", "back pain", "backs", "disc", "discs", "foam roller", "roll", "a&amp;e", "x-ray", "the"]
    terms = [{"fascia"}, {"back pain", "backache"}, {"disc", "slipped disc"}, {"foam roller"}, {"a&amp;e"}, {"sciatica"}]
    for _ in range(150):
        docs = []
        for i in range(rng.randint(1, 7)):
            text = " ".join(rng.choice(vocab) for _ in range(rng.randint(0, 30)))
            docs.append({"location": f"fascia/p{i}/", "title": rng.choice(vocab), "text": text})
            docs += [{"location": f"fascia/p{i}/#h{j}", "title": rng.choice(vocab), "text": rng.choice(vocab)}
                     for j in range(rng.randint(0, 3))]
        fresh = search.pages_of(docs, ("fascia",))
        scored = search.pages_of(docs, ("fascia",))
        given = rng.sample(terms, rng.randint(0, len(terms)))
        search.score_pages(scored, given)
        for forms in terms:
            assert search.choose(scored, forms) == search.choose(fresh, forms), (docs, forms)
            for page, plain in zip(scored.values(), fresh.values(), strict=True):
                assert search.discussion(page, forms) == search._discussion.__wrapped__(
                    plain["title"], plain["headings"], plain["text"], plain["all"], frozenset(forms))
        docs[0]["text"] += " fascia fascia disc"  # a saved page: scored again, never read from before
        rescored = search.pages_of(docs, ("fascia",))
        search.score_pages(rescored, terms)
        first = next(iter(rescored))
        assert search.discussion(rescored[first], {"fascia"}) == search._discussion.__wrapped__(
            rescored[first]["title"], rescored[first]["headings"], rescored[first]["text"], rescored[first]["all"],
            frozenset({"fascia"}))


def test_material_indexes_a_page_with_stand_ins_as_it_indexes_the_marked_page():
    """stand_ins() swaps each excluded element for an empty <i></i> while Material's parser
    reads the page: the entries (titles, texts, ids) must be the same as Material makes from the
    marked page, for random pages of paragraphs, lists, headings, whitespace, excluded blocks
    (nested, with markers inside; with a heading or a div inside: kept whole) and markers."""
    import random

    from material.plugins.search.plugin import Parser

    def entries(html):
        parser = Parser()
        parser.feed(html)
        parser.close()
        return [(s.id, "".join(s.title), "".join(s.text)) for s in parser.data if not s.is_excluded()]

    mark = search.MARK
    marker = f'<sup{mark} id="fnref:k{{n}}"><a class="footnote-ref" href="#fn:k{{n}}">{{n}}</a></sup>'
    sep = f'<sup{mark} class="cite-sep">, </sup>'
    pieces = [
        "Rest and gentle movement help.", "word", " ", "\n", "\n\n  ", "<p>", "</p>", "<ul>\n<li>", "</li>\n</ul>",
        "<strong>bold</strong>", "A&amp;E", "<h2 id=\"s{n}\">Heading {n}</h2>", "<h3>No id</h3>",
        marker, marker + sep + marker, f'<a{mark} href="https://doi.org/10.1/x">https://doi.org/10.1/x</a>',
        f'<div{mark} class="admonition urgent-help"><p class="admonition-title">Get help</p>\n<p>Call 999{marker}.</p>\n'
        f'<div class="inner"><ul>\n<li>numb</li>\n</ul></div>\n</div>',  # a div inside: kept whole (Material's parser)
        f'<div{mark} class="admonition urgent-help"><p class="admonition-title">Get help</p>\n<ul>\n<li>numb</li>\n</ul>\n</div>',
        f'<div{mark} class="admonition safety"><p>Safety</p><h3 id="kept{{n}}">Inside</h3><p>text</p></div>',
        "<pre><code>code  with\n spaces</code></pre>", "<div>\n</div>",
        f"<p{mark}>Not sure which applies? Call 111.</p>", f"<p{mark}>Footer{marker}</p>",
        f"<ul{mark}>\n<li><a href=\"x/\">X</a>: about x{marker}</li>\n</ul>",
        f"<table>\n<tr>\n<th>Claim</th>\n<th{mark}>Why</th>\n</tr>\n<tr>\n<td>Rest</td>\n<td{mark}>One trial{marker}</td>\n</tr>\n</table>",
    ]
    rng = random.Random(2414)
    changed = whole = 0
    for _ in range(1500):
        html = "".join(rng.choice(pieces).replace("{n}", str(i)) for i in range(rng.randint(0, 14)))
        shown = search.stand_ins(html)
        changed += shown != html
        assert entries(shown) == entries(html), html
        whole += shown.count(f"<div{mark}")
    assert changed > 1000 and whole > 500  # stand-ins used, and blocks kept whole where they must be
    # the urgent-help footer and the evidence tables' Why cells are read as stand-ins too
    assert search.stand_ins(f"<p>a</p><p{mark}>Not sure?</p>") == "<p>a</p>" + search.STAND_IN
    assert search.stand_ins(f"<tr><td>Rest</td><td{mark}>One trial</td></tr>") == f"<tr><td>Rest</td>{search.STAND_IN}</tr>"
    assert search.stand_ins(f"<ul{mark}>\n<li>a</li>\n</ul>") == search.STAND_IN
