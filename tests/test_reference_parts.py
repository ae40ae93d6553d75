"""The References pages split by letter (issue 24 part 4; fasciasite/references/parts.py): every
entry of references.bib on exactly one part, the hub's list made from the data, links to an entry
checked against the part that holds it, and the build refusing ranges that leave a letter out,
overlap or cannot be read, with file:line and the fix."""
from __future__ import annotations

import json
import re

import pytest
from conftest import make_fixture_site, mkdocs_build
from lxml import html

from fasciasite.problems import Problem
from fasciasite.references import parts

# ── The rules, without a build ────────────────────────────────────────────────


def ranges(*spans: str, src: str = "references/{}.md") -> list[parts.Listing | Problem]:
    """Listings of pages named by their first letter: ranges("a-c", "d-z")."""
    return [parts.parse(f"from={s[0]} to={s[-1]}", src.format(s[0]), 8) for s in spans]


def test_ranges_that_meet_at_every_letter_have_no_problem():
    assert parts.layout(ranges("a-c", "d-h", "i-m", "n", "o-s", "t-z")).problems == ()
    assert parts.layout(ranges("a-z")).problems == ()


def test_a_letter_left_out_is_named_on_the_part_after_it_with_its_sources_today():
    [gap] = parts.layout(ranges("a-c", "f-z"), counts={"d": 2, "e": 1}).problems
    assert (gap.file, gap.line) == ("docs/references/f.md", 8)
    assert "no part holds the letters D to E" in gap.message and "(3 sources today)" in gap.message
    assert "from=d" in gap.fix


def test_letters_left_out_at_either_end_are_problems_too():
    first, last = parts.layout(ranges("b-m", "n-x")).problems
    assert first.file == "docs/references/b.md" and "the letter A" in first.message and "from=a" in first.fix
    assert last.file == "docs/references/n.md" and "the letters Y to Z" in last.message and "to=z" in last.fix


def test_an_overlap_is_named_on_the_later_part_with_the_part_it_overlaps():
    [overlap] = parts.layout(ranges("a-m", "k-z")).problems
    assert overlap.file == "docs/references/k.md"
    assert "overlaps docs/references/a.md:8 (from=a to=m) at the letters K to M" in overlap.message
    [same_start] = parts.layout(ranges("a-c", "d-z") + ranges("d-e", src="other/{}.md")).problems
    assert "the letters D to E" in same_start.message


def test_a_page_of_every_source_beside_another_listing_would_list_every_source_twice():
    found = [parts.parse("", "references.md", 7), *ranges("a-z")]
    [twice] = parts.layout(found).problems
    assert twice.file == "docs/references/a.md" and "docs/references.md:7 already lists them all" in twice.message
    assert parts.layout([parts.parse("", "references.md", 7)]).problems == ()  # one page of everything: fine


@pytest.mark.parametrize("args", ["from=a", "to=c", "from=aa to=c", "from=a to=3", "a-c", "from=a to=c extra", "every"])
def test_a_malformed_range_is_a_problem_at_its_line_that_shows_how_to_write_it(args):
    problem = parts.parse(args, "references/x.md", 12)
    assert isinstance(problem, Problem) and (problem.file, problem.line) == ("docs/references/x.md", 12)
    assert "from=LETTER to=LETTER" in problem.fix


def test_a_range_written_backwards_says_which_way_round():
    problem = parts.parse("from=m to=c", "references/x.md", 3)
    assert isinstance(problem, Problem) and problem.fix == "write from=c to=m"


def test_two_listings_on_one_page_and_a_hub_without_parts_are_problems():
    two = [parts.parse("from=a to=m", "references/a.md", 8), parts.parse("from=n to=z", "references/a.md", 9)]
    problems = parts.layout(two).problems
    assert any(p.line == 9 and "a second <!-- md:references -->" in p.message for p in problems)
    [hub] = parts.layout([parts.parse("parts", "references/index.md", 5)]).problems
    assert hub.file == "docs/references/index.md" and "no page has" in hub.message


def test_listings_are_read_from_the_whole_file_with_its_lines_and_not_from_code():
    text = "---\ntitle: A\n---\n\n# A\n\n`<!-- md:references from=q to=r -->`\n\n<!-- md:references  from=A   to=C -->\n"
    assert parts.listings_in(text, "references/a.md") == [parts.Listing("references/a.md", 9, "range", "a", "c")]


def test_a_parts_title_must_end_with_the_letters_it_lists():
    text = "---\ntitle: References A to D\n---\n\n<!-- md:references from=a to=c -->\n"
    [listing, stale] = parts.listings_in(text, "references/a.md", "References A to D")
    assert isinstance(stale, Problem) and (stale.file, stale.line) == ("docs/references/a.md", 5)
    assert "does not end with the letters this page lists (A to C)" in stale.message
    assert parts.listings_in(text, "references/a.md", "References: A to C") == [listing]
    assert parts.listings_in(text.replace("to=c", "to=a"), "references/a.md", "References: A")[1:] == []
    assert len(parts.listings_in(text.replace("to=c", "to=a"), "references/a.md", "References: AA")) == 2


def test_each_sort_name_is_filed_under_one_letter_whatever_it_starts_with():
    # Accents (as letters or as LaTeX) are filed and sorted under their base letter; a digit or
    # symbol sorts before A, so it goes with A; another alphabet sorts after Z, so it goes with Z.
    cases = {r"M{\"u}ller": "m", "Ødegaard": "o", "Élodie": "e", r"{\L}ukasz": "l", "3D Health": "a",
             "(Anon.)": "a", "": "a", "Ελληνική": "z", "Zhang": "z"}
    assert {name: parts.letter(parts.sort_name(name)) for name in cases} == cases
    names = ["Moore", r"M{\"u}ller", "Muir", "Mylonas", "Mühlbauer", "Martin"]  # ü sorts as u: Mühlbauer before Muir
    assert sorted(names, key=parts.sort_name) == ["Martin", "Moore", "Mühlbauer", "Muir", r"M{\"u}ller", "Mylonas"]


# ── A site split into parts ────────────────────────────────────────────────────

FIELDS = "design = {narrative review}, certainty = {not graded}, findings = {Test data: what the source found.}"
ENTRY = "@article{{{key},\n  author = {{{author}}},\n  title = {{{title}}},\n  journal = {{Journal of Tests}}, year = {{{year}}},\n  " \
        "volume = {{1}}, pages = {{1--2}}, doi = {{10.1000/{key}}},{extra}\n  FIELDS\n}}\n"
# (key, first author as BibTeX writes it, the letter it is filed under): one for each case a range must place.
SOURCES = [
    ("abbott2020first", "Abbott, Ann", "a"),
    ("digits2019group", "{4 Nations Group}", "a"),          # a digit: with A
    ("muller2020accents", r"M{\"u}ller, Anna", "m"),         # an accent in LaTeX: M
    ("moore2018second", "Moore, Max", "m"),
    ("nhs2021page", "{NHS}", "n"),
    ("willard2024newer", "Willard, F. H.", "w"),
    ("greek2022alphabet", "{Ελληνική Εταιρεία}", "z"),      # another alphabet: with Z
]
OLDER, NEWER = "abbott2020first", "willard2024newer"        # a newer version on another part


def bib() -> str:
    out = []
    for key, author, _letter in SOURCES:
        extra = f"\n  supersededby = {{{NEWER}}}," if key == OLDER else ""
        out.append(ENTRY.format(key=key, author=author, title=f"Source {key}", year=re.search(r"\d{4}", key)[0], extra=extra))
    return "".join(out).replace("FIELDS", FIELDS)


def page(title: str, body: str) -> str:
    return (f"---\ntitle: \"{title}\"\ndescription: A page of the reference parts fixture site, with enough words "
            f"to pass the checks.\n---\n\n# {title}\n\n{body}\n")


PARTS = {"a": ("a", "m"), "n": ("n", "z")}  # the fixture's parts: file name -> (from, to)


def pages(extra_body: str = "") -> dict[str, str]:
    cites = " ".join(f"Claim [@{key}]." for key, _a, _l in SOURCES)
    out = {"index.md": page("Home", cites + extra_body),
           "references/index.md": page("References", "The parts:\n\n<!-- md:references parts -->")}
    for name, (first, last) in PARTS.items():
        out[f"references/{name}.md"] = page(f"References: {first.upper()} to {last.upper()}", f"<!-- md:references from={first} to={last} -->")
    return out


@pytest.fixture(scope="module")
def split_site(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("parts")
    link = f"\n\nIts entry: [on its part](references/n.md#ref-{NEWER})."
    result = mkdocs_build(make_fixture_site(tmp, pages(link), bib=bib()), tmp / "site")
    assert result.returncode == 0, result.stderr[-3000:]
    return tmp / "site"


def entries_on(site, name: str) -> list[str]:
    return html.fromstring((site / "references" / name / "index.html").read_bytes()).xpath(
        '//div[@class="reference-list"]//li/@id')


def test_every_entry_is_on_exactly_the_part_of_its_letter(split_site):
    on = {name: entries_on(split_site, name) for name in PARTS}
    listed = [key for keys in on.values() for key in keys]
    assert sorted(listed) == sorted(f"ref-{key}" for key, _a, _l in SOURCES)  # each once
    for name, (first, last) in PARTS.items():
        expected = [f"ref-{key}" for key, _a, letter in SOURCES if first <= letter <= last]
        assert sorted(on[name]) == sorted(expected), name
    assert on["a"][0] == "ref-digits2019group" and on["n"][-1] == "ref-greek2022alphabet"  # where they sort
    hub = html.fromstring((split_site / "references" / "index.html").read_bytes())
    assert not hub.xpath('//div[@class="reference-list"]'), "the hub lists the parts, not the entries"


def test_the_hub_lists_each_part_with_its_letters_and_number_of_sources(split_site):
    hub = html.fromstring((split_site / "references" / "index.html").read_bytes())
    items = hub.xpath('//ul[@class="reference-parts"]/li')
    shown = [(li.xpath("a/@href")[0], li.xpath("a")[0].text_content(), li.text_content()) for li in items]
    expected = []
    for name, (first, last) in PARTS.items():
        n = sum(1 for _k, _a, letter in SOURCES if first <= letter <= last)
        expected.append((f"{name}/", f"{first.upper()} to {last.upper()}", f"{first.upper()} to {last.upper()}: {n} sources"))
    assert shown == expected


def test_a_newer_version_on_another_part_is_linked_there(split_site):
    older = html.fromstring((split_site / "references" / "a" / "index.html").read_bytes()).xpath(f'//li[@id="ref-{OLDER}"]')[0]
    assert older.xpath('.//p[@class="ref-evidence"]/a/@href') == [f"../n/#ref-{NEWER}"]


def test_a_link_to_an_entry_on_its_part_builds_and_lands_there(split_site):
    link = html.fromstring((split_site / "index.html").read_bytes()).xpath('//a[text()="on its part"]/@href')
    assert link == [f"references/n/#ref-{NEWER}"]


def test_each_part_is_searched_without_its_cited_in_links(split_site):
    docs = json.loads((split_site / "search" / "search_index.json").read_text(encoding="utf-8"))["docs"]
    for name in PARTS:
        [part] = [d for d in docs if d["location"] == f"references/{name}/"]
        assert part["text"].count("<li>") == len(entries_on(split_site, name)) and "Cited in" not in part["text"]


@pytest.mark.parametrize("wrong", ["references/a.md", "references/index.md"])
def test_a_link_to_an_entry_on_the_wrong_page_fails_naming_the_part_to_use(tmp_path, wrong):
    body = f"\n\nIts entry: [there]({wrong}#ref-{NEWER})."
    result = mkdocs_build(make_fixture_site(tmp_path, pages(body), bib=bib()), tmp_path / "site")
    assert result.returncode != 0
    assert (f"docs/index.md:10: link {wrong}#ref-{NEWER}: {wrong} has no heading or id 'ref-{NEWER}'; "
            f"it is on references/n.md: link references/n.md#ref-{NEWER}") in result.stderr, result.stderr[-2000:]


def test_ranges_with_a_gap_an_overlap_or_a_malformed_range_fail_the_build_with_file_and_line(tmp_path):
    broken = pages()
    broken["references/a.md"] = page("References: A to K", "<!-- md:references from=a to=k -->")  # L and M: on no part
    broken["references/o.md"] = page("References: O to P", "<!-- md:references from=o to=p -->")  # inside N to Z
    broken["references/q.md"] = page("References: Q", "<!-- md:references from=q -->")           # no to=
    result = mkdocs_build(make_fixture_site(tmp_path, broken, bib=bib()), tmp_path / "site")
    assert result.returncode != 0
    err = result.stderr
    assert "docs/references/n.md:8: no part holds the letters L to M: a source filed there would be on no page " \
           "(2 sources today); widen a neighbouring range (here from=l)" in err, err[-3000:]
    assert "docs/references/o.md:8: from=o to=p overlaps docs/references/n.md:8 (from=n to=z) at the letters O to P" in err
    assert "docs/references/q.md:8: <!-- md:references from=q --> is not a listing the build knows; write" in err


# ── The real site ───────────────────────────────────────────────────────────────

MAX_ENTRIES = 70  # a part past this is split (CONTRIBUTING.md, "The References pages"); 55 at most on 7 Dec 2026


def test_the_real_references_parts_hold_every_entry_once_and_stay_small(built_site):
    from conftest import ROOT

    keys = re.findall(r"^@\w+\{([^,\s]+),", (ROOT / "references.bib").read_text(encoding="utf-8"), re.M)
    on = {p.parent.name: html.fromstring(p.read_bytes()).xpath('//div[@class="reference-list"]//li/@id')
          for p in built_site.glob("references/*/index.html")}
    listed = [key.removeprefix("ref-") for ids in on.values() for key in ids]
    assert sorted(listed) == sorted(keys), "every entry of references.bib on exactly one References part"
    too_big = {name: len(ids) for name, ids in on.items() if len(ids) > MAX_ENTRIES}
    assert not too_big, f"References parts over {MAX_ENTRIES} entries (split them: CONTRIBUTING.md): {too_big}"
    hub = html.fromstring((built_site / "references" / "index.html").read_bytes())
    counts = [int(re.search(r": (\d+) sources?$", li.text_content()).group(1)) for li in hub.xpath('//ul[@class="reference-parts"]/li')]
    assert sum(counts) == len(keys) and len(counts) == len(on)
