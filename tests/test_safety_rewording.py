"""No page re-words or re-tiers a treatment's safety advice (includes/safety.yml): each urgent
item's `signs` find it in a page's own words, and a sentence or list item that sends such a
sign to a less urgent service than the block's, or to none ("rest it", "keep rolling",
"mention it next time"), is a problem with the page's line and the data file's line.
The planted pages are read against the project's own data file, as the build reads them."""
from __future__ import annotations

import textwrap

import pytest
from conftest import ROOT

from fasciasite import yamllines
from fasciasite.content import safety

DATA, DATA_PROBLEMS = safety.load_for(ROOT)


def problems(page: str) -> list[str]:
    return [str(p) for p in safety.rewordings(textwrap.dedent(page), DATA, "docs/x.md")]


def item_line(treatment: str, index: int) -> int:
    data, _ = yamllines.load(ROOT / "includes/safety.yml", "includes/safety.yml")
    return int(data["treatments"][treatment]["urgent"].line_of(index))


def test_the_project_data_file_reads_cleanly_and_every_urgent_item_has_signs():
    """A new urgent item without signs would pass any page that re-words it."""
    assert DATA_PROBLEMS == []
    missing = [f"{t.name}: {i.text[:40]}" for t in DATA.treatments.values() for i in t.urgent if not i.signs]
    assert missing == [], "add signs: [...] to these items of includes/safety.yml"


# (case, page, the sign, what the page says, treatment, item index, the block's service)
REWORDED = [
    ("the audit's case: a clot's signs after rolling, told to rest",
     "Foam rolling helps some people.\n\nIf your calf is swollen, warm and throbbing after rolling, rest it for a few days and see if it settles.\n",
     "calf is swollen", "no service ('rest it')", "massage", 0, "an urgent GP appointment / NHS 111"),
    ("a massage gun over a swollen calf",
     "A massage gun is a hand-held tool.\n\nRun the massage gun gently over a swollen, hot calf to ease it, and keep going for a few minutes.\n",
     "swollen, hot calf", "no service ('keep going')", "massage", 0, "an urgent GP appointment / NHS 111"),
    ("breathlessness after a sports massage, told to wait",
     "If you feel breathless after a sports massage, sit down and wait for it to pass.\n",
     "breathless after a sports massage", "no service ('wait')", "massage", 1, "999 / A&E"),
    ("a black stool after ibuprofen, to the GP next time",
     "Ibuprofen can upset your stomach.\n\nIf your stools turn black while you take ibuprofen, mention it to your GP next time you see them.\n",
     "stools turn black", "a routine GP visit", "nsaids", 3, "an urgent GP appointment / NHS 111"),
    ("vomiting blood and dizzy after naproxen, to 111",
     "If you vomit blood after taking naproxen and feel dizzy, call NHS 111.\n",
     "vomit blood after taking naproxen and feel dizzy", "an urgent GP appointment / NHS 111", "nsaids", 2, "999 / A&E"),
    ("short of breath after dry needling, to a GP appointment",
     "If you become short of breath after dry needling, book an appointment with your GP.\n",
     "short of breath after dry needling", "a routine GP visit", "dry-needling", 0, "999 / A&E"),
    ("numb legs after an epidural, told to see if it settles",
     "Epidural steroid injections are given in a pain clinic.\n\nIf your legs feel numb after the injection, lie down and see if it settles.\n",
     "numb after the injection", "no service ('see if it settles')", "injections", 0, "999 / A&E"),
    ("a large cupping burn, to the next session",
     "Cupping uses heated cups.\n\nIf a cupping burn is larger than your hand, cool it and mention it at your next session.\n",
     "burn is larger than your hand", "no service ('next session')", "cupping-and-scraping", 0, "999 / A&E"),
    ("too much paracetamol, to 111",
     "If you have taken too much paracetamol but feel fine, call 111 for advice.\n",
     "too much paracetamol", "an urgent GP appointment / NHS 111", "paracetamol", 0, "999 / A&E"),
    ("thoughts of self-harm on gabapentin, to a routine GP visit",
     "If you have thoughts of harming yourself while taking gabapentin, talk to your GP about it.\n",
     "harming yourself", "a routine GP visit", "nerve-pain-medicines", 1, "an urgent GP appointment / NHS 111"),
    ("pre-eclampsia signs with pelvic girdle pain, to the next appointment",
     "Pelvic girdle pain is common in pregnancy.\n\nIf you get blurred vision as well, rest and mention it to your midwife at your next appointment.\n",
     "blurred vision", "no service ('rest and mention it to your midwife at your next appointment')"[:0] or "no service", "pregnancy", 2,
     "an urgent GP appointment / NHS 111"),
    ("hot, swollen skin after cupping, told to keep using the cups",
     "Cupping leaves round marks.\n\nIf the skin goes hot and swollen after cupping, keep using the cups but move them along.\n",
     "hot and swollen", "no service ('keep using')", "cupping-and-scraping", 2, "an urgent GP appointment / NHS 111"),
]


@pytest.mark.parametrize("case, page, sign, says, treatment, index, service", REWORDED, ids=[r[0] for r in REWORDED])
def test_a_page_that_re_tiers_a_safety_sign_is_named_with_both_lines(case, page, sign, says, treatment, index, service):
    found = problems(page)
    line = page.split("\n").index(next(x for x in page.split("\n") if sign.split()[0] in x)) + 1
    assert len(found) == 1, found
    assert found[0].startswith(f"docs/x.md:{line}: sends '{sign}' to {says}"), found
    assert (f"but the {treatment} safety advice (includes/safety.yml:{item_line(treatment, index)}) sends it to {service}; "
            f"show the block with <!-- md:safety {treatment} --> or send it where the block does") in found[0]


def test_a_list_under_a_lead_that_puts_the_signs_off_is_read_item_by_item():
    page = ("Foam rolling is safe for most people.\n\nIf you notice any of these after foam rolling, rest it for a day or two:\n\n"
            "- a calf that is swollen and warm\n- a sore thigh\n")
    found = problems(page)
    assert len(found) == 1 and found[0].startswith("docs/x.md:5: sends 'calf that is swollen' to no service ('rest it')"), found


def test_the_line_is_the_sentence_s_own_line_in_a_long_paragraph_and_counts_front_matter():
    page = "Foam rolling can leave you sore for a day.\nThat is common.\nIf your calf swells after rolling,\nrest it.\n"
    found = [str(p) for p in safety.rewordings(page, DATA, "docs/x.md", offset=6)]
    assert len(found) == 1 and found[0].startswith("docs/x.md:9: sends 'calf swells'"), found


def test_a_put_off_in_the_next_sentence_of_the_paragraph_is_read_with_the_sign_before_it():
    page = "Foam rolling is popular.\n\nYour calf may swell and feel warm after a long session.\nRest it and it will settle.\n"
    found = problems(page)
    assert len(found) == 1 and found[0].startswith("docs/x.md:4: sends 'calf may swell' to no service ('Rest it')"), found


PASSES = [
    ("the next sentence's service, which may be about something else",
     "Foam rolling is popular.\n\nDo not roll where you might have a blood clot. If you know you have a clot, ask your GP before you roll.\n"),
    ("a put-off in the next paragraph", "Foam rolling is popular.\n\nYour calf may swell after rolling.\n\nRest it between sets.\n"),
    ("the same service as the block",
     "Foam rolling is popular.\n\nIf your calf is swollen and warm after rolling, call NHS 111 or ask for an urgent GP appointment.\n"),
    ("a more urgent service than the block",
     "Massage is popular.\n\nIf your calf is swollen after a massage and you feel breathless, call 999.\n"),
    ("a heading that names the sign", "Foam rolling is popular.\n\n## A swollen calf after rolling: rest it or get help?\n\nRead the box below.\n"),
    ("a quote of the block's own words, beside a put-off",
     'Foam rolling is popular.\n\nNext time you roll, remember the box\'s words: "throbbing pain and swelling in one leg".\n'),
    ("a sign described with no advice", "Foam rolling is popular.\n\nA swollen, warm calf after rolling can be a sign of a blood clot.\n"),
    ("a put-off that is refused", "Foam rolling is popular.\n\nIf your calf swells after rolling, do not keep rolling over it.\n"),
    ("a sign in code", "Foam rolling is popular.\n\n`If your calf is swollen, rest it.`\n"),
    ("a sentence about one treatment, read against its own block, not another's on the page",
     "Codeine and gabapentin are both used for pain.\n\nIf you notice shallow breathing after taking gabapentin, call NHS 111.\n"),
    ("a treatment's sign on a page that names no such treatment",
     "Back pain is common.\n\nIf your legs feel numb after the injection, lie down and see if it settles.\n"),
]


@pytest.mark.parametrize("case, page", PASSES, ids=[p[0] for p in PASSES])
def test_advice_that_keeps_the_block_s_service_passes(case, page):
    assert problems(page) == []


def test_when_several_items_are_re_tiered_the_most_urgent_is_named():
    """A swollen calf and breathlessness, told to rest: the 999 item (a clot in the lungs) is named, not the 111 one."""
    found = problems("Massage is popular.\n\nIf your calf is swollen after a massage and you feel breathless, rest it.\n")
    assert len(found) == 1 and f"massage safety advice (includes/safety.yml:{item_line('massage', 1)}) sends it to 999 / A&E" in found[0], found


@pytest.mark.parametrize("name", sorted(DATA.treatments))
def test_each_block_as_the_shortcode_shows_it_passes_the_check(name):
    """The block itself (<!-- md:safety NAME --> expanded) re-tiers nothing: no item's words name
    a more urgent item's sign under a less urgent heading."""
    page = f"<!-- md:safety {name} -->\n"
    assert problems(page) == []
    assert problems(safety.expand(page, DATA)) == []


def test_the_page_check_runs_in_the_safety_page_rule_on_every_page():
    """The build runs safety.check_page on the author's text (fasciasite.pagesteps): not only articles."""
    page = "Foam rolling helps.\n\nIf your calf is swollen after rolling, keep rolling it.\n"
    found = [str(p) for p in safety.check_page(page, DATA, "docs/about/x.md", offset=3, is_article=False)]
    assert any(p.startswith("docs/about/x.md:6: sends 'calf is swollen' to no service") for p in found), found


# ── The `signs` field, validated once, with file:line ───────────────────────

GOOD = """\
treatments:
  rollers:
    title: Foam rollers
    names: ['foam roll\\w*']
    urgent:
      - service: "111"
        text: your calf is swollen and warm
        cite: [nhs_dvt]
        signs: ['calf (is )?swollen']
"""


def load(tmp_path, text: str):
    (tmp_path / "includes").mkdir(exist_ok=True)
    (tmp_path / safety.DATA_FILE).write_text(text, encoding="utf-8")
    return safety.load_for(tmp_path, {"nhs_dvt"})


def test_good_signs_load_with_no_problem(tmp_path):
    data, found = load(tmp_path, GOOD)
    assert found == [] and [rx.pattern for rx in data.treatments["rollers"].urgent[0].signs] == ["calf (is )?swollen"]
    assert data.treatments["rollers"].urgent[0].at == 6


ITEM = "includes/safety.yml:9: treatment 'rollers': urgent item 'your calf is swollen and warm': "


@pytest.mark.parametrize("change, expected", [
    (("        signs:", "        sign:"), "includes/safety.yml:9: treatment 'rollers': urgent: unknown key 'sign'"),
    (("['calf (is )?swollen']", "['calf (is )?swollen', '']"), ITEM + "signs: an empty pattern"),
    (("['calf (is )?swollen']", "['.*']"), ITEM + "signs: '.*' matches any sentence"),
    (("['calf (is )?swollen']", "['calf (is swollen']"), ITEM + "signs: 'calf (is swollen' is not a valid"),
    (("['calf (is )?swollen']", "[]"), ITEM + "signs needs a list"),
    (("['calf (is )?swollen']", "['calf is red']"), ITEM + "none of its signs finds the item's own words"),
])
def test_each_mistake_in_signs_is_named_with_its_line(tmp_path, change, expected):
    _, found = load(tmp_path, GOOD.replace(*change))
    assert any(str(p).startswith(expected) for p in found), [str(p) for p in found]


def test_one_sprained_ankle_is_not_the_kidney_sign_of_swollen_ankles():
    """The NSAID block's 111 sign is swollen ankles (both: fluid kept back); one swollen ankle
    after a sprain, with rest and ice, is first aid, not a re-tiered sign."""
    assert problems("Ibuprofen is a painkiller.\n\nIf your ankle swells after a sprain, rest it and use an ice pack.\n") == []
    assert problems("Ibuprofen is a painkiller.\n\nIf your ankles swell while you take it, rest them.\n") != []
