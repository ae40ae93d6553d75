"""The build's caches and shortcuts (issue 24) never change an answer:

- fasciasite.fastmatch: a pattern's literal words are only a shortcut; a text the pattern
  matches always passes it (also for the non-ASCII letters re.IGNORECASE matches to ASCII);
- fasciasite.datacache: a parsed file is read again when its bytes change, and a caller
  cannot change what the next caller gets;
- fasciasite.pagecache: a page's checks are run again when its text or any data file
  changes, and an unchanged page re-reports its problems (a rebuild never drops one);
- fasciasite.steptimes: per-step times are written only when asked.
"""
from __future__ import annotations

import json
import random
import re

import pytest
from conftest import build_in_process, make_fixture_site

from fasciasite import datacache, fastmatch, pagecache, yamllines
from fasciasite.references import bib

HOME = "---\ntitle: Home\ndescription: The home page of the planted fixture site, long enough to pass the rule.\n---\n\n"


# ── fastmatch ────────────────────────────────────────────────────────────────

PATTERNS = [r"\bbowels?\b", r"(peeing|pooing) yourself", r"\bA ?& ?E\b|\b999\b", r"(?-i:\bTENS\b)", r"dry[- ]needl\w*",
            r"\b(see|call) (a|your) GP\b", r"numb(ness)? (in your genitals )?during sex", r"kiss", r"\d+ ?%",
            r"(?:x|y)+z", r"a{2,}b", r"[sS]ick"]


@pytest.mark.parametrize("pattern", PATTERNS)
def test_a_text_a_pattern_matches_always_passes_its_shortcut(pattern):
    rx = re.compile(pattern, re.I)
    rng = random.Random(pattern)
    alphabet = "abdeikmnopsuwxyzAEIKS &%9GPT-\u0130\u0131\u017f\u212a"  # with the four letters re.I folds to ASCII
    texts = ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 30))) for _ in range(3000)]
    texts += ["Call your GP", "A&amp;E", "A & E", "BOWELS", "bowel", "Peeing yourself", "TENS machine", "tens",
              "Dry-needling", "numb during sex", "KI\u017f\u017f", "\u212aiss", "40 %", "xyz", "aab", "SICK"]
    for text in texts:
        if rx.search(text):
            assert fastmatch.may_match(rx, fastmatch.fold(text)), (pattern, text, fastmatch.needles(rx))


def test_the_shortcut_rules_out_texts_without_the_literal_words():
    rx = re.compile(r"\bbowels?\b", re.I)
    assert fastmatch.needles(rx) == ("bowel",)
    assert not fastmatch.may_match(rx, fastmatch.fold("Rest and gentle movement help most back pain."))
    assert fastmatch.needles(re.compile(r"\w+", re.I)) is None  # nothing literal: always searched
    assert fastmatch.union((rx, re.compile(r"\w+"))) is None


def test_the_red_flag_lint_finds_the_same_signs_with_the_shortcut(tmp_path):
    """The lint on a sentence with a sign (in capitals, and with a long s) still reports it."""
    from pathlib import Path

    from fasciasite.content import tiers, urgent

    data = tiers.load_for(Path(__file__).resolve().parent.parent)
    for text in ("If you lose control of your BOWELS, see a GP next week.", "If you lose control of your bowel\u017f, see a GP."):
        problems = urgent.lint(text + "\n", data, "docs/x.md")
        assert problems and "sends" in problems[0].message, (text, problems)



def test_a_pages_sign_words_find_in_each_sentence_what_all_the_words_find():
    """The lints narrow the signs' words to those a page has, then test each sentence against
    those (Tiers.words_in, safety._words_in): random pages of sign phrases, service words and
    filler, cut into sentences (and sentences joined back into paragraphs, as the paragraph rule
    reads them), give the same signs with the page's words as with every word."""
    from pathlib import Path

    from fasciasite.content import safety, tiers

    root = Path(__file__).resolve().parent.parent
    data = tiers.load_for(root)
    care, _ = safety.load_for(root)
    phrases = [sign.text for t in data.tiers for sign in t.signs]
    phrases += [item.text for t in care.treatments.values() for item in t.urgent]
    phrases += ["numb", "bowel", "BLADDER", "chest", "swollen calf", "call 999", "A&E", "your GP", "rest it", "foam roll"]
    filler = ["back", "pain", "and", "the", "after", "rolling", "massage", "legs", "your", "\u017fore", ",", "-"]
    rng = random.Random(2413)
    scope = list(care.treatments.values())
    full = safety._sign_index(scope)
    named = {"tiers": 0, "safety": 0}  # the test means something only if signs are found
    for _ in range(300):
        sentences = ["".join(rng.choice([rng.choice(phrases), rng.choice(filler)]) + rng.choice([" ", "", "-"])
                             for _ in range(rng.randint(0, 8))) for _ in range(rng.randint(1, 6))]
        paragraphs = [" ".join(sentences[i:i + 2]) for i in range(len(sentences) - 1)]
        words = data.words_in("\n".join(sentences + paragraphs))
        narrowed = safety._words_in("\n".join(sentences), full)
        for text in sentences + paragraphs:
            found = data.signs_in(text)
            assert data.signs_in(text, words) == found, text
            named["tiers"] += bool(found)
        for text in sentences:
            found_safety = safety._signs_named(text, scope, full)
            assert safety._signs_named(text, scope, narrowed) == found_safety, text
            named["safety"] += bool(found_safety)
    assert min(named.values()) >= 30, named


# ── datacache ────────────────────────────────────────────────────────────────

ENTRY = "@article{a2020,\n  author = {A, B},\n  title = {T},\n  journal = {J},\n  year = {2020},\n  volume = {1},\n  pages = {1--2}\n}\n"


def test_a_parsed_bib_is_read_again_when_its_bytes_change_and_each_caller_gets_a_copy(tmp_path):
    datacache.clear()
    (tmp_path / "mkdocs.yml").write_text("site_name: x\n", encoding="utf-8")  # a project: the disk cache is used
    path = tmp_path / "references.bib"
    path.write_text(ENTRY, encoding="utf-8")
    first, _ = bib.parse_bib(path)
    first["a2020"].fields["title"] = "changed by a caller"
    second, _ = bib.parse_bib(path)
    assert second["a2020"].fields["title"] == "T"  # a copy, not the first caller's object
    assert datacache.stats["hits"] == 1
    path.write_text(ENTRY.replace("{T}", "{New}"), encoding="utf-8")
    assert bib.parse_bib(path)[0]["a2020"].fields["title"] == "New"
    datacache.clear()  # a new process: read back from .cache/data/
    assert bib.parse_bib(path)[0]["a2020"].fields["title"] == "New" and datacache.stats["disk_hits"] == 1
    path.write_text(ENTRY.replace("year = {2020}", "year = {2020"), encoding="utf-8")  # broken: a problem, not an old parse
    assert bib.parse_bib(path)[1]


def test_a_corrupt_cache_file_is_a_miss(tmp_path):
    datacache.clear()
    (tmp_path / "mkdocs.yml").write_text("site_name: x\n", encoding="utf-8")
    path = tmp_path / "data.yml"
    path.write_text("a: 1\n", encoding="utf-8")
    assert yamllines.load(path, "data.yml")[0] == {"a": 1}
    for cached in (tmp_path / ".cache" / "data").glob("*.pickle"):
        cached.write_bytes(b"not a pickle")
    datacache.clear()
    assert yamllines.load(path, "data.yml")[0] == {"a": 1}


# ── pagecache and steptimes, in real builds ──────────────────────────────────


def test_an_unchanged_page_re_reports_its_problems_and_a_changed_data_file_is_checked_again(tmp_path, monkeypatch):
    """Two builds in one process, as `mkdocs serve` rebuilds: the second build of the same page
    fails with the same problem from the cache; after the bibliography's findings change, the
    page is checked again and passes."""
    pagecache.clear()
    page = HOME + "# Home\n\nSprints were about 7% faster [@wiewelhove2019foam].\n"  # line 8: 7% not in its findings
    config = make_fixture_site(tmp_path, {"index.md": page})
    first = build_in_process(config, tmp_path / "site")
    assert first.returncode == 1 and "docs/index.md:8: states 7%" in first.stderr, first.stderr[-2000:]
    misses = pagecache.stats["misses"]
    second = build_in_process(config, tmp_path / "site")
    assert second.returncode == 1 and "docs/index.md:8: states 7%" in second.stderr, second.stderr[-2000:]
    assert pagecache.stats["hits"] >= 2 and pagecache.stats["misses"] == misses  # served from the cache
    bib_file = tmp_path / "references.bib"
    text = bib_file.read_text(encoding="utf-8")
    findings_at = text.index("findings = {Meta-analysis of 21 studies of foam rolling")  # wiewelhove2019foam's
    bib_file.write_text(text[:findings_at] + "findings = {Sprints were about 7\\% faster. " + text[findings_at + len("findings = {"):],
                        encoding="utf-8")
    third = build_in_process(config, tmp_path / "site")
    assert "docs/index.md:8: states 7%" not in third.stderr, third.stderr[-2000:]


def test_step_times_are_written_only_when_asked(tmp_path, monkeypatch):
    config = make_fixture_site(tmp_path, {"index.md": HOME + "# Home\n\nText.\n"})
    out = tmp_path / "times.json"
    monkeypatch.delenv("FASCIASITE_STEP_TIMES", raising=False)
    assert build_in_process(config, tmp_path / "site").returncode == 0
    assert not out.exists()
    monkeypatch.setenv("FASCIASITE_STEP_TIMES", str(out))
    assert build_in_process(config, tmp_path / "site").returncode == 0
    times = json.loads(out.read_text(encoding="utf-8"))
    assert times["page_markdown: author checks"]["calls"] == 1  # one page
    assert {"seconds", "cpu_seconds", "calls"} <= set(times["config: bib check"])


# ── yamllines: libyaml's parser reads the same data and lines ────────────────


def _with_lines(node: object) -> object:
    """Data and every line yamllines keeps, as plain values to compare."""
    if isinstance(node, yamllines.LinedDict):
        return ("map", node.line, sorted(node.key_lines.items()), {str(k): _with_lines(v) for k, v in node.items()})
    if isinstance(node, yamllines.LinedList):
        return ("seq", node.line, list(node.item_lines), [_with_lines(v) for v in node])
    return node


def test_the_fast_yaml_parser_reads_every_data_file_as_pyyaml_does():
    import yaml
    from conftest import ROOT

    files = sorted([*(ROOT / "includes").glob("*.yml"), *(ROOT / "research").glob("*.yml")])
    assert len(files) >= 4
    for path in files:
        text = path.read_text(encoding="utf-8-sig")
        assert _with_lines(yamllines.parse(text)) == _with_lines(yaml.load(text, Loader=yamllines._Loader)), path
    assert yamllines._LOADERS[0] is not yamllines._Loader  # libyaml is there (PyYAML's wheels), so it is used


def test_a_broken_yaml_file_is_reported_in_pyyamls_words(tmp_path):
    path = tmp_path / "data.yml"
    path.write_text("a:\n  b: 1\n c: x: y\n", encoding="utf-8")
    data, problem = yamllines.load(path, "data.yml")
    assert data is None and problem is not None and problem.startswith("data.yml:3: is not valid YAML (")
    import yaml

    try:
        yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.SafeLoader)
    except yaml.YAMLError as exc:
        assert str(getattr(exc, "problem", "")) in problem  # PyYAML's own wording, not libyaml's


# ── figures: the shortcut for sentences without a figure ─────────────────────

FIGURE_WORDS = ["about", "a", "third", "of", "people", "half", "twice", "doubled", "halved", "one", "in", "every", "ten",
                "twenty-five", "Forty", "per cent", "%", "weeks", "7", "2.5", "1,200", "often", "tendon", "SF-36", "999",
                "0 to 10", "a quarter", "two-thirds", "hundred", "Thousand", "fewer", "than", "\\%", "nineteen", "."]


def test_the_figures_shortcut_never_changes_what_a_sentence_states(monkeypatch):
    """figures_in with the shortcut and without it (a pattern that always lets the text through)
    on random sentences of number words, digits, proportions and look-alikes."""
    from fasciasite.content import figures

    rng = random.Random(2024)
    texts = [" ".join(rng.choice(FIGURE_WORDS) for _ in range(rng.randint(1, 10))) for _ in range(3000)]
    figures._figures_in.cache_clear()
    fast = [figures.figures_in(t, claims_only=c, words=w) for t in texts for c in (True, False) for w in (True, False)]
    monkeypatch.setattr(figures, "_may_state", lambda text: True)
    figures._figures_in.cache_clear()
    slow = [figures.figures_in(t, claims_only=c, words=w) for t in texts for c in (True, False) for w in (True, False)]
    figures._figures_in.cache_clear()
    assert fast == slow
    assert any(fast) and not all(fast)  # both kinds of sentence were drawn


def test_the_figures_shortcut_answers_as_its_case_insensitive_definition():
    """_may_state (digits, then the words on the folded text) against _MAY_STATE (one
    re.IGNORECASE pattern): random texts of number words in any case, with the non-ASCII letters
    IGNORECASE matches to ASCII ones (\u0130 \u0131 \u017f \u212a), word joints and digits."""
    from fasciasite.content import figures

    rng = random.Random(2415)
    pieces = FIGURE_WORDS + ["FIFTY", "Seven", "nIne", "\u0130", "\u0131", "\u017fix", "\u212aey", "fif\u0131",
                             "f\u0131ve", "\u212aILO", "x", "_", "-", "twentyfive", "halves", "Thirds", "DOUBLING", "\u00e9", "\u00df", "\u0130n"]
    for _ in range(20000):
        text = "".join(rng.choice(pieces) + rng.choice([" ", "", "-", "_"]) for _ in range(rng.randint(0, 6)))
        assert figures._may_state(text) == bool(figures._MAY_STATE.search(text)), text


def test_the_bib_check_kept_between_rebuilds_sees_a_changed_bib_page_or_record(tmp_path):
    """The bib and data check is kept in the process between serve rebuilds: a broken entry
    added after a build, a recorded search's sentence reworded on its page, and its page
    deleted each still fail the next build."""
    page = HOME + "# Home\n\nText.\n"
    other = page.replace("Home", "Other") + "\nWe found no trials of the planted thing.\n"
    config = make_fixture_site(tmp_path, {"index.md": page, "other.md": other})
    (tmp_path / "research").mkdir(exist_ok=True)
    (tmp_path / "research" / "searches.yml").write_text(
        "- page: docs/other.md\n  sentence: We found no trials of the planted thing.\n"
        "  claim: no trial of a planted thing\n  where: [PubMed]\n  when: 2026-12-07\n"
        "  terms: planted thing randomised\n  result: none found\n", encoding="utf-8")
    first = build_in_process(config, tmp_path / "site")
    assert first.returncode == 0, first.stderr[-2000:]
    bib_file = tmp_path / "references.bib"
    good = bib_file.read_text(encoding="utf-8")
    bib_file.write_text(good + "\n@article{broken2026,\n  author = {Nobody},\n  year = {2026}\n}\n", encoding="utf-8")
    broken = build_in_process(config, tmp_path / "site")
    assert broken.returncode == 1 and "broken2026" in broken.stderr, broken.stderr[-2000:]
    bib_file.write_text(good, encoding="utf-8")
    assert build_in_process(config, tmp_path / "site").returncode == 0
    (tmp_path / "docs" / "other.md").write_text(other.replace("We found no trials", "Nobody tested"), encoding="utf-8")
    reworded = build_in_process(config, tmp_path / "site")  # the recorded sentence is gone from its page
    assert reworded.returncode == 1 and "research/searches.yml:2" in reworded.stderr, reworded.stderr[-2000:]
    (tmp_path / "docs" / "other.md").unlink()
    config.write_text(config.read_text(encoding="utf-8").replace("- other.md\n", ""), encoding="utf-8")
    deleted = build_in_process(config, tmp_path / "site")
    assert deleted.returncode == 1 and "research/searches.yml:1" in deleted.stderr, deleted.stderr[-2000:]


def test_compiled_templates_are_kept_and_a_changed_template_is_compiled_again(tmp_path):
    """The theme's templates compiled once (.cache/jinja, fasciasite.publishing.templatecache):
    a build with the cache writes the same bytes as one without it; a template changed since
    the last build shows its change; a damaged cache file is compiled again, never an error."""
    page = HOME + "# Home\n\nGentle movement helps most back pain.\n"
    config = make_fixture_site(tmp_path, {"index.md": page})
    cache = tmp_path / ".cache" / "jinja"
    first = build_in_process(config, tmp_path / "site1")
    assert first.returncode == 0, first.stderr[-2000:]
    kept = sorted(cache.iterdir())
    assert kept, "no compiled template kept"
    second = build_in_process(config, tmp_path / "site2")
    assert second.returncode == 0, second.stderr[-2000:]
    assert (tmp_path / "site1" / "index.html").read_bytes() == (tmp_path / "site2" / "index.html").read_bytes()
    main = tmp_path / "overrides" / "main.html"
    text = main.read_text(encoding="utf-8")
    assert '<meta charset="utf-8">' in text  # in the site_meta block: a change there shows on every page
    main.write_text(text.replace('<meta charset="utf-8">', '<meta charset="utf-8"><!-- changed since the last build -->', 1),
                    encoding="utf-8")
    for i, f in enumerate(kept):  # damaged: half written, or cut inside Jinja's header
        f.write_bytes(f.read_bytes()[: len(f.read_bytes()) // 2] if i % 2 else f.read_bytes()[:8])
    from fasciasite.publishing.templatecache import CompiledTemplates

    CompiledTemplates.kept.clear()  # as a new process: the damaged files are all there is
    third = build_in_process(config, tmp_path / "site3")
    assert third.returncode == 0, third.stderr[-2000:]
    assert "changed since the last build" in (tmp_path / "site3" / "index.html").read_text(encoding="utf-8")
