"""The 7 December bad-input audit as data (../shared/research/audit-2026-12-07/bad-input-2026-12-07.md),
40 new author mistakes in classes neither audit table holds, and a fresh round's safety-class
cases (FRESH; research/bad-input-2026-12-07-fresh.md).

A row is (id, kind, planted, expected, before):
  kind      how it is run (tests/bad_input_kinds.py KINDS), or "covered" when another test
            plants it (planted then names that test: "tests/test_x.py::test_name");
  planted   what the author wrote (the kind's input);
  expected  strings that must all appear in what the author reads (file:line, what, fix);
            [] means a correct edit: nothing may be reported;
  before    the audit's verdict on 7 Dec (clear, unclear, silent, traceback, false alarm,
            correct pass), or "new" for the new rows.
"""
from __future__ import annotations

import re

from bad_input_kinds import SITE_CONFIG, article

SIGN_WALKING = "new difficulty walking, or your legs feel weak, heavy or clumsy"


def move_sign(sign: str, to: str):
    """An edit of urgent-help.yml: move one sign (its text and match lines) to another tier."""
    def edit(text: str) -> str:
        lines = text.split("\n")
        at = next(i for i, line in enumerate(lines) if line.strip() == f"- text: {sign}")
        end = at + 1
        while end < len(lines) and lines[end].startswith("        "):
            end += 1
        block, lines = lines[at:end], lines[:at] + lines[end:]
        tier = next(i for i, line in enumerate(lines) if line.strip() == f"- id: {to}")
        signs = next(i for i in range(tier, len(lines)) if lines[i].strip() == "signs:")
        stop = next(i for i in range(signs + 1, len(lines)) if not lines[i].startswith("      ") or not lines[i].strip())
        return "\n".join(lines[:stop] + block + lines[stop:])
    return edit


def replace(old: str, new: str, count: int = 1):
    def edit(text: str) -> str:
        assert old in text, old
        return text.replace(old, new, count)
    return edit


def urgent_signs_emptied(text: str) -> str:
    lines = text.split("\n")
    tier = next(i for i, line in enumerate(lines) if line.strip() == "- id: urgent")
    signs = next(i for i in range(tier, len(lines)) if lines[i].strip() == "signs:")
    stop = next(i for i in range(signs + 1, len(lines)) if lines[i].strip() and not lines[i].startswith("      "))
    return "\n".join(lines[:signs] + ["    signs: []", ""] + lines[stop:])


def fourth_tier(text: str) -> str:
    """A fourth tier appended at the end of the tiers list (before the next top-level line)."""
    start = text.index("\ntiers:\n") + len("\ntiers:")
    end = next(m.start() for m in re.finditer(r"\n(?=[^ \n])", text) if m.start() > start)
    at = end
    return text[:at] + ("\n  - id: pharmacy\n    title: Ask a pharmacist\n    admonition: tip\n    lead: Ask a pharmacist\n"
                        "    cite: [nhsinform_backproblems]\n    reach: Visit a pharmacy.\n    signs:\n"
                        "      - text: you need painkillers\n        match: []\n") + text[at:]


def note_unquoted(text: str) -> str:
    lines = text.split("\n")
    at = next(i for i, line in enumerate(lines) if line.strip() == "text: >-")
    end = at + 1
    while lines[end].startswith("        "):
        end += 1
    return "\n".join(lines[:at] + ["      text: Note: if the chest pain could be a heart attack, call 999 straight away."] + lines[end:])


SVG = '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink">\n{}\n</svg>'


def png(width: int, height: int, noise: bool = False, fmt: str = "PNG") -> bytes:
    import io
    import random

    from PIL import Image
    im = Image.new("RGB", (width, height), "white")
    if noise:  # a photo that does not compress; random bytes in one call (a pixel at a time took seconds at import)
        im = Image.frombytes("RGB", (width, height), random.Random(1).randbytes(width * height * 3))
    out = io.BytesIO()
    im.save(out, fmt)
    return out.getvalue()


CROSSREF = ("@incollection{author2012chapter,\n  author = {Author, A.},\n  title = {A chapter},\n"
            "  crossref = {example2012handbook},\n  pages = {1--10}\n}\n\n@book{example2012handbook,\n"
            "  editor = {Example, E.},\n  title = {Example Handbook of Fascia},\n  publisher = {Example Press},\n"
            "  year = {2012}\n}\n")
LIVE = "        back-pain/what-helps.md: back-pain/red-flags.md"
OWN = "https://mysportinjury.github.io/fascia-back-pain/"

# ── The 40 counted cases of 7 December ───────────────────────────────────────
DEC7 = [
    ("G-1", "front matter", article(published="20261124"),
     ["docs/fascia/x.md:6: front matter 'published': 20261124 is a number, not a date", "published: 2026-11-24"], "unclear"),
    ("G-2", "front matter", article(next_review="2099-11-24"),
     ["docs/fascia/x.md:8: front matter 'next_review': 2099-11-24 is more than 12 months after last_reviewed 2026-11-24",
      "set it to 2027-11-24 or earlier"], "silent"),
    ("G-3", "front matter", article(published="&reviewed 2026-11-24", last_reviewed="*reviewed"), [], "correct pass"),
    ("G-4", "markdown lint", article(author="\teditorial-team") + "\n# Planted\n\nText.\n", [], "false alarm"),
    ("G-5", "citations", "The full definition is in [the 2017 paper [@adstrum2017defining]](https://doi.org/10.1016/j.jbmt.2016.11.003).",
     ["docs/x.md:1: a citation inside link text ([@adstrum2017defining]) makes a link inside a link",
      "[the 2017 paper](...) [@adstrum2017defining]"], "silent"),
    ("G-6", "figures", '!!! warning "Rebuilding takes 6 to 12 months"\n\n    Fascia adapts slowly [@schleip2013training].\n',
     ["docs/x.md:1: states 12 months, which is in none of the findings of [@schleip2013training]"], "silent"),
    ("G-6b", "citations", '!!! warning "Rebuilding takes 6 to 12 months [@schleip2013training]"\n\n    Body.\n',
     ["docs/x.md:1: a citation in a box's title ([@schleip2013training])", "move it into the box's text"], "silent"),
    ("G-7", "citations", "The position of your body[^sense] [@stecco2011fascia].\n\n[^sense]: This sense is called proprioception [@stecco2011fascia].",
     ["docs/x.md:3: a citation inside a footnote ([@stecco2011fascia])", "keep footnotes for plain asides"], "silent"),
    ("G-8", "citations", "![Three layers of fascia; the middle one joins the belly-wall muscles [@willard2012thoracolumbar].](../assets/diagrams/x.svg)",
     ["docs/x.md:1: a citation inside image alt text ([@willard2012thoracolumbar]) is read aloud as raw text"], "unclear"),
    ("G-9", "glossary", "*[sciatica]: Leg pain caused by an irritated nerve [@nhs_sciatica].",
     ["includes/glossary.md:", "a definition is hover text, where a citation is never resolved"], "unclear"),
    ("G-10", "citations", "Fascia is everywhere [@schleip2012\u200bnomenclatures].",
     ["docs/x.md:1: citation key 'schleip2012nomenclatures' contains an invisible U+200B ZERO WIDTH SPACE after 'schleip2012'",
      "[@schleip2012nomenclatures]"], "unclear"),
    ("G-11", "bib", "@string{jbmt = {Journal of Bodywork and Movement Therapies}}\n\n@article{example2013training,\n"
                    "  author = {Example, A. and Sample, B.},\n  title = {A placeholder article (test data)},\n"
                    "  journal = jbmt,\n  year = {2013},\n  volume = {1},\n  pages = {1--2},\n"
                    "  doi = {10.1000/example.2013},\n  uncited = {fixture}\n}\n", [], "correct pass"),
    ("G-12", "bib", CROSSREF, [], "false alarm"),
    ("G-13", "bib", "@online{accent2020page,\n  title = {Page},\n  organization = {NHS},\n  url = {https://www.nhs.uk/},\n"
                    "  urldate = {2026-12-07},\n  uncited = {test},\n  findings = {Meta-analysis by Wiewelhove, D{\\\"o}weling and colleagues.}\n}\n",
     ["entry 'accent2020page': findings has the LaTeX accent {\\\"o}", "write the letter itself: ö"], "silent"),
    ("G-14", "covered", "tests/test_bad_input.py::test_each_references_bib_mistake_fails_the_build_with_line_and_fix", [], "clear"),
    ("G-15", "urgent data", urgent_signs_emptied,
     ["includes/urgent-help.yml:", "tier 2 (urgent): missing or empty signs"], "traceback"),
    ("G-16", "urgent data", move_sign(SIGN_WALKING, "urgent"),
     [f"the sign '{SIGN_WALKING}' is in the 'urgent' tier", "includes/urgent-pins.yml:", "move it back to the 'emergency' tier"], "silent"),
    ("G-17", "urgent data", note_unquoted, ["includes/urgent-help.yml:", "not valid YAML (mapping values are not allowed here)"], "traceback"),
    ("G-18", "urgent data", fourth_tier, ["includes/urgent-help.yml:", "tier id 'pharmacy' is not one of"], "traceback"),
    ("G-19", "glossary", "*[sciatica ]: Leg pain caused by a trapped nerve in the lower back.",
     ["the term 'sciatica ' has a space inside its brackets", "write *[sciatica]: ..."], "silent"),
    ("G-20", "covered", "tests/test_bad_input.py::test_each_page_mistake_fails_the_build_with_file_line_and_fix", [], "clear"),
    ("G-21", "covered", "tests/test_bad_input.py::test_each_page_mistake_fails_the_build_with_file_line_and_fix", [], "clear"),
    ("G-22", "redirects", "        fascia/myths-and-claims.md: fascia/fascia-myths.md\n        fascia/fascia-myths.md: fascia/myths-and-claims.md",
     ["mkdocs.yml:5: redirect_maps 'fascia/myths-and-claims.md: fascia/fascia-myths.md' starts at a live page",
      "mkdocs.yml:5:", "points to another redirect"], "unclear"),
    ("G-23", "redirects", LIVE,
     ["mkdocs.yml:5: redirect_maps 'back-pain/what-helps.md: back-pain/red-flags.md' starts at a live page",
      "would replace docs/back-pain/what-helps.md"], "silent"),
    ("G-24", "covered", "tests/test_bad_input.py::test_each_page_mistake_fails_the_build_with_file_line_and_fix", [], "clear"),
    ("G-25", "output", {"body": f'<a href="{OWN.replace("https", "http")}back-pain/what-helps/">what usually helps</a>'},
     ["docs/page.md:5: link http://mysportinjury.github.io/fascia-back-pain/back-pain/what-helps/ goes to our own site over plain http://"],
     "silent"),
    ("G-26", "output", {"body": '<a href="tel:+44 (0)161 496 0000">call the clinic</a>'},
     ["docs/page.md:5: tel: link '+44 (0)161 496 0000' is not a number a phone can dial (drop the (0)", "tel:+441614960000"], "silent"),
    ("G-27", "output", {"body": '<img src="../assets/diagrams/foam-rolling-glutes.svg" width="320">'},
     ["docs/page.md:5: <img src=\"../assets/diagrams/foam-rolling-glutes.svg\"> has no alt text", "use a Markdown image"], "unclear"),
    ("G-28", "output", {"files": {"assets/diagrams/d.svg": SVG.format('<script>fetch("https://example.org/pixel")</script>')}},
     ["docs/assets/diagrams/d.svg:2: <script> in an SVG"], "silent"),
    ("G-29", "output", {"files": {"assets/diagrams/photo.jpg": png(2000, 1500, noise=True, fmt="JPEG")}},
     ["docs/assets/diagrams/photo.jpg:1: image is", "over the 200,000-byte budget", "2000x1500 pixels, over the 1600-pixel budget",
      "python -m fasciasite.publishing.outputcheck --shrink docs/assets/diagrams/photo.jpg"], "silent"),
    ("G-30", "figures", "After rolling before exercise, sprints were about 7% faster [@wiewelhove2019foam].",
     ["docs/x.md:1: states 7%, which is in none of the findings of [@wiewelhove2019foam]", "not as a percentage"], "silent"),
    ("G-31", "figures", "Rolling reduced how sore people felt, by about a third on average [@wiewelhove2019foam].",
     ["docs/x.md:1: states a proportion of about 33.3% (in words)"], "silent"),
    ("G-32", "figures", "Fascia adapts over 6 to 12 months [@schleip2013training].", ["docs/x.md:1: states 12 months"], "clear"),
    ("G-33", "output", {"body": '<script async src="https://www.googletagmanager.com/gtag/js?id=G-TEST123"></script>\n'
                                "<script>window.dataLayer=[];function gtag(){dataLayer.push(arguments)};gtag('config','G-TEST123');</script>"},
     ["docs/page.md:5: a <script> in an article loading https://www.googletagmanager.com", "docs/page.md:6: a <script> in an article"],
     "silent"),
    ("G-34", "output", {"body": '<iframe width="560" height="315" src="https://www.youtube.com/embed/dQw4w9WgXcQ" allowfullscreen></iframe>'},
     ["docs/page.md:5: <iframe> embeds another page or plug-in (https://www.youtube.com/embed/dQw4w9WgXcQ)"], "silent"),
    ("G-35", "front matter", article(published="2026-11-24\u200f"),
     ["docs/fascia/x.md:6: front matter 'published': '2026-11-24' contains an invisible U+200F RIGHT-TO-LEFT MARK after '2026-11-24'"],
     "unclear"),
    ("G-36", "covered", "tests/test_bad_input.py::test_make_check_runs_the_author_checks_on_a_passing_build", [], "clear"),
    ("G-37", "front matter", article("\"Case study: foam rolling for a runner's back pain\""),
     ["docs/fascia/x.md:1: front matter 'consent': is missing; a case study must say"], "silent"),
    ("G-38", "url history", lambda t: t.replace("/fascia/myths-and-claims/\n", "").replace("/fascia/what-is-fascia/\n",
                                                                                            "/fascia/fascia-myths/\n/fascia/what-is-fascia/\n"),
     ["published-urls.txt:1: /fascia/myths-and-claims/ (listed since", "was removed from the list and has no redirect"], "silent"),
    ("G-39", "url list", "\ufeff# Every URL ever published\n/\n/fascia/what-is-fascia/\n".encode(), [], "false alarm"),
    ("G-40", "feed", (20, 21), ["mkdocs.yml:", "the RSS feed keeps 20 items but the site has 21 articles", "length"], "false alarm"),
]
# The feed row above plants the plugin's old default; the real setting passes (test_feed_and_previews.py).

# ── Probes of 7 December (not counted there) ────────────────────────────────
PROBES = [
    ("P-2", "front matter", article(last_reviewed="2027-11-24", next_review="2028-11-24"),
     ["docs/fascia/x.md:7: front matter 'last_reviewed': 2027-11-24 is in the future (today is 2026-12-07)"], "silent"),
    ("P-4", "citations", "## Nerves in fascia [@tesarz2011innervation]",
     ["docs/x.md:1: a citation in a heading ([@tesarz2011innervation])"], "silent"),
    ("P-9", "glossary", "*[deep vein thrombosis (DVT)]: A blood clot in a deep vein.",
     ["the term 'deep vein thrombosis (DVT)' starts or ends with a sign", "*[deep vein thrombosis]"], "silent"),
    ("P-11", "redirects", "        back-pain/back-pain-facts.md: back-pain/what-help.md",
     ["mkdocs.yml:5: redirect_maps 'back-pain/back-pain-facts.md: back-pain/what-help.md' points to back-pain/what-help.md",
      "did you mean back-pain/what-helps.md?"], "unclear"),
    ("P-13", "output", {"body": '<a href="mailto:">email us</a>'}, ["docs/page.md:5: mailto: link 'mailto:' has no valid e-mail address"],
     "silent"),
]

# ── 40 new author mistakes, in classes neither table holds ──────────────────
NEW = [
    # The urgent-help data: the safety class
    ("N-01", "urgent data", replace("admonition: danger", "admonition: info"),
     ["includes/urgent-help.yml:", "tier 'emergency' shows as a 'info' box, but its box must be red", "admonition: danger"], "new"),
    ("N-02", "urgent data", replace("      - text: a high temperature\n", "      - text: chest pain\n        match: []\n      - text: a high temperature\n"),
     ["the sign 'chest pain' is in both the 'emergency' and the 'urgent' tiers"], "new"),
    ("N-03", "urgent data", replace("match: ['\\bchest pain'", "match: ['.*', '\\bchest pain'"),
     ["sign 'chest pain': a match pattern matches any sentence"], "new"),
    ("N-04", "urgent data", replace("      - text: difficulty peeing\n", "      - text: difficulty peeing at night\n"),
     ["the sign 'difficulty peeing' (includes/urgent-pins.yml:", "is missing", "the sign 'difficulty peeing at night' has no pin"], "new"),
    ("N-05", "urgent pins", replace("  - sign: difficulty peeing\n    tier: emergency\n", "  - sign: difficulty peeing\n    tier: emergancy\n"),
     ["includes/urgent-pins.yml:", "tier 'emergancy' is not one of"], "new"),
    ("N-06", "urgent pins", lambda t: t.split("pins:")[0] + "pins: []\n", ["includes/urgent-pins.yml:", "needs a 'pins:' list"], "new"),
    ("N-07", "urgent data", lambda t: "\ufeff" + t.replace("\n", "\r\n"), [], "new"),        # BOM and CRLF: correct
    ("N-08", "urgent data", lambda t: t.replace("cite: [sheffieldmsk_backpain, redflagsymptoms_backpain]", "cite: &urgent [sheffieldmsk_backpain, redflagsymptoms_backpain]", 1), [], "new"),
    ("N-09", "urgent lint", "If your foot starts to drag, call 999 or go to A&E, as in the orange box above.\n",
     ["docs/x.md:1: points to the orange box for 'new difficulty walking", "(the red box)"], "new"),
    ("N-10", "urgent lint", "A high temperature with back pain is one of the signs in the red box.\n",
     ["docs/x.md:1: points to the red box for 'a high temperature'"], "new"),
    # Third-party, active and oversized output
    ("N-11", "output", {"body": '<link rel="preconnect" href="https://fonts.gstatic.com"><link rel="stylesheet" href="https://fonts.googleapis.com/css2">'},
     ["<link rel=preconnect> loads https://fonts.gstatic.com", "<link rel=stylesheet> loads https://fonts.googleapis.com/css2"], "new"),
    ("N-12", "output", {"body": '<a href="  JaVaScRiPt:alert(document.cookie)">Tap for tips</a>'},
     ["JaVaScRiPt: URL in href= on <a>; remove it"], "new"),
    ("N-13", "output", {"body": '<form action="https://forms.example.org/signup"><input name="email"><button>Join</button></form>'},
     ["docs/page.md:5: a form sends readers' input to another host (forms.example.org)"], "new"),
    ("N-14", "output", {"body": '<meta http-equiv="refresh" content="0; url=https://example.org/offer">'},
     ["the page redirects to another host (example.org)"], "new"),
    ("N-15", "output", {"body": '<svg width="10" height="10"><script>alert(1)</script></svg>'},
     ["docs/page.md:5: a <script> in an article"], "new"),
    ("N-16", "output", {"files": {"assets/d.svg": SVG.format('<image xlink:href="https://upload.wikimedia.org/x.png" width="9" height="9"/>')}},
     ["docs/assets/d.svg:2: <image> refers to https://upload.wikimedia.org/x.png outside the SVG"], "new"),
    ("N-17", "output", {"files": {"assets/d.svg": '<?xml version="1.0"?>\n<!DOCTYPE svg [<!ENTITY a "aaaa">]>\n'
                                                  '<svg xmlns="http://www.w3.org/2000/svg"><text>&a;</text></svg>'}},
     ["docs/assets/d.svg:2: declares XML entities"], "new"),
    ("N-18", "output", {"files": {"assets/wide.png": png(3200, 40)}}, ["docs/assets/wide.png:1: image is 3200x40 pixels, over the 1600-pixel budget"], "new"),
    ("N-19", "output", {"body": '<a href="tel:0161-CLINIC">call us</a>'}, ["tel: link '0161-CLINIC' is not a number a phone can dial"], "new"),
    ("N-20", "output", {"body": '<a href="mailto:bookings @example.org">email</a>'}, ["has no valid e-mail address"], "new"),
    ("N-21", "output", {"body": '<audio controls src="https://cdn.example.org/breathing.mp3"></audio>'},
     ["<audio src> loads https://cdn.example.org/breathing.mp3 from another host"], "new"),
    ("N-22", "output", {"body": '<object data="../assets/diagrams/layers.svg" type="image/svg+xml"></object>'}, ["<object> embeds"], "new"),
    ("N-23", "output", {"body": '<p style="background-image:url(//cdn.example.org/bg.png)">x</p>'},
     ["CSS loads //cdn.example.org/bg.png from another host"], "new"),
    ("N-24", "output", {"body": '<a href="tel:+441614960000">0161 496 0000</a> <a href="mailto:bookings@example.org?subject=Back%20pain">email</a> '
                                '<img alt="A foam roller under the thigh" src="../assets/x.png"> <a href="https://www.nhs.uk/">NHS</a>'}, [], "new"),
    # Figures
    ("N-25", "figures", "Sprints were about 7 per cent faster [@wiewelhove2019foam].", ["docs/x.md:1: states 7%"], "new"),
    ("N-26", "figures", "Two thirds of the studies rolled before exercise [@wiewelhove2019foam].",
     ["states a proportion of about 66.7% (in words)"], "new"),
    ("N-27", "figures", "Expect changes within 6 to 24 weeks [@schleip2013training].", ["states 6 weeks", "states 24 weeks"], "new"),
    ("N-28", "figures", "## Results in 3 weeks\n\nTraining changes fascia slowly [@schleip2013training].\n",
     ["docs/x.md:1: states 3", "(cited in this paragraph)"], "new"),
    ("N-29", "figures", "A third study, in the journal's next issue, agreed [@wiewelhove2019foam].", [], "new"),   # an ordinal
    ("N-30", "figures", "Sprints were about 0.7% faster and flexibility 4% better [@wiewelhove2019foam].", [], "new"),
    ("N-31", "figures", "One in five people improved [@wiewelhove2019foam].", ["states a proportion of about 20% (in words)"], "new"),
    # Citations and dates
    ("N-32", "citations", '???+ note "Key study [@wiewelhove2019foam]"\n\n    Body.\n', ["a citation in a box's title"], "new"),
    ("N-33", "citations", "See [the foam-rolling review [@wiewelhove2019foam]][review].\n\n[review]: https://example.org/",
     ["docs/x.md:1: a citation inside link text"], "new"),
    ("N-34", "citations", "[^n]: A plain aside,\n    continued with a source [@wiewelhove2019foam].",
     ["docs/x.md:2: a citation inside a footnote"], "new"),
    ("N-35", "front matter", article(last_reviewed="2026-12-08", next_review="2027-12-08"),
     ["front matter 'last_reviewed': 2026-12-08 is in the future (today is 2026-12-07)"], "new"),
    ("N-36", "front matter", article(next_review="2027-11-25"), ["front matter 'next_review': 2027-11-25 is more than 12 months after"], "new"),
    ("N-37", "front matter", article(tags="[case study, athletes]"), ["front matter 'consent': is missing"], "new"),
    ("N-38", "front matter", article(published="2024-02-29", last_reviewed="2024-02-29", next_review="2025-02-28"), [], "new"),
    # URLs and references
    ("N-39", "url history", lambda t: t.replace("/fascia/what-is-fascia/", "/Fascia/What-Is-Fascia/"),
     ["/fascia/what-is-fascia/ (listed since", "was removed from the list"], "new"),
    ("N-40", "bib", CROSSREF.replace("crossref = {example2012handbook}", "crossref = {example2012handbok}"),
     ["entry 'author2012chapter': crossref 'example2012handbok' names no entry", "did you mean example2012handbook"], "new"),
]

# ── A fresh round of 7 December: author mistakes in the safety classes that passed silently ──
# (research/bad-input-2026-12-07-fresh.md; "before" is the verdict on the unfixed checkout)


def gps_jpeg() -> bytes:
    """A small phone-style photo whose EXIF holds a GPS position."""
    import io

    from PIL import Image
    exif = Image.Exif()
    exif[0x8825] = {1: "N", 2: (53.0, 28.0, 52.0), 3: "W", 4: (2.0, 14.0, 40.0)}
    out = io.BytesIO()
    Image.new("RGB", (64, 48), "white").save(out, "JPEG", exif=exif)
    return out.getvalue()


def append(text_to_add: str):
    return lambda text: text + text_to_add


EMERGENCY_LEAD = "lead: Call 999 or go to A&E if you have back pain and any of these"
PE_ITEM = '      - service: "999"\n        text: >-\n          you have pain and swelling in one leg and you are breathless'
SITE_CONFIG_EXTERNAL_JS = SITE_CONFIG.replace("  - javascripts/a11y.js\n",
                                               "  - javascripts/a11y.js\n  - https://www.googletagmanager.com/gtag/js?id=G-TEST123\n")
BOX = '!!! info "How strong is the evidence?"\n\n    | Claim | {col} | Why |\n    |---|---|---|\n'
FRESH = [
    # The urgent-help tiers: the words in the boxes, the patterns, the pins
    ("Z-01", "urgent data", replace(EMERGENCY_LEAD, "lead: Ask for an urgent GP appointment if you have back pain and any of these"),
     ["includes/urgent-help.yml:", "tier 'emergency': its lead 'Ask for an urgent GP appointment", "the emergency box is for 999 or A&E"],
     "silent"),
    ("Z-02", "urgent data", replace('reach: "**How to get help:** call 999, or go to your nearest A&E."',
                                    'reach: "**How to get help:** contact your GP practice."'),
     ["tier 'emergency': its reach '**How to get help:** contact your GP practice.' sends readers to a routine GP visit"], "silent"),
    ("Z-03", "urgent data", replace("  - id: emergency\n    title: Call 999 or go to A&E\n", "  - id: emergency\n    title: See your GP\n"),
     ["tier 'emergency': its title 'See your GP' sends readers to a routine GP visit"], "silent"),
    ("Z-04", "urgent data", lambda t: re.sub(r"(- text: new difficulty walking[^\n]*\n\s+match: )\[[^\n]*\]", r"\1[]", t),
     [f"sign '{SIGN_WALKING}': its match patterns do not find the sign's own words"], "silent"),
    ("Z-05", "urgent pins", replace("  - sign: chest pain\n    tier: emergency\n", "  - sign: chest pain\n    tier: urgent\n"),
     ["includes/urgent-pins.yml:", "the pin of 'chest pain' gives tier 'urgent'", "names 999 / A&E"], "silent"),
    ("Z-07", "evidence data", ("includes/urgent-pins.yml", replace("  - sign: chest pain\n    tier: emergency\n    source: [nhs_backpain]",
                                                                   "  - sign: chest pain\n    tier: emergency\n    source: [wiewelhove2019foam]")),
     ["includes/urgent-pins.yml:", "cites 'wiewelhove2019foam'", "is not an NHS-, NICE-, MHRA- or GOV.UK-owned page"], "silent"),
    ("Z-07b", "urgent data", lambda t: t.replace("    signs:\n", "    signs: []\n    signs:\n", 1),
     ["includes/urgent-help.yml:", "the key 'signs' appears twice in one mapping"], "new"),
    ("Z-48", "urgent article", "## When to get help\n\nSee the boxes.\n\n```markdown\n<!-- md:urgent-help -->\n```\n",
     ["docs/x.md:1: the 'When to get help' section does not show the shared tiers"], "silent"),
    ("Z-08", "urgent lint", "If you notice numbness around your bottom, mention it to your physio at your next session.\n",
     ["docs/x.md:1: sends 'numbness or tingling around your genitals or buttocks' to no service"], "silent"),
    ("Z-09", "urgent lint", "If you lose control of your bladder, wait a day or two to see if it settles.\n",
     ["docs/x.md:1: sends 'loss of bladder or bowel control (peeing or pooing yourself)' to no service ('wait')"], "silent"),
    ("Z-09b", "urgent lint", "Chest pain with back pain could be a heart attack. Call 999 straight away. Do not wait to see whether "
                             "it passes.\n\nA physiotherapist will ask about bladder changes and numbness in both legs.\n", [], "new"),
    # Safety blocks
    ("Z-11", "evidence data", ("includes/safety.yml", replace(PE_ITEM, PE_ITEM.replace('"999"', '"GP"'))),
     ["includes/safety.yml:", "treatment 'massage'", "names 'chest pain', which the NHS sends to 999, but its service is 'GP'"], "silent"),
    ("Z-12", "evidence data", ("includes/safety.yml", replace('      - service: "999"\n        text: you have severe chest or stomach pain',
                                                              '      - service: "111"\n        text: you have severe chest or stomach pain')),
     ["treatment 'nsaids'", "names 'chest or stomach pain', which the NHS sends to 999, but its service is '111'"], "silent"),
    ("Z-12b", "evidence data", ("includes/safety.yml", replace('        text: >-\n          your lips, mouth, tongue or throat swell',
                                                               '        text: >-\n          your lips, mouth, tongue or throat swell', 1)),
     [], "new"),   # the data as it is: the NHS's 111 items (trouble breathing after gabapentin) are no false alarm
    ("Z-14", "evidence data", ("includes/safety.yml", append("\n  nsaids:\n    title: NSAIDs\n    names: ['\\bibuprofen\\b']\n"
                                                              "    ask_first:\n      lead: Ask a pharmacist first if you\n      items:\n"
                                                              "        - text: take other medicines\n          cite: [nhs_ibuprofen]\n")),
     ["includes/safety.yml:", "the key 'nsaids' appears twice in one mapping", "the second silently replaces the first"], "silent"),
    ("Z-15", "evidence data", ("includes/safety.yml", replace("names: ['dry[- ]needl\\w*']", "names: ['dry[- ]needl\\w*', '']")),
     ["includes/safety.yml:", "treatment 'dry-needling': names: '' matches any sentence"], "unclear"),
    ("Z-13", "safety page", "Foam rolling helps.\n\nIf your calf is swollen, warm and throbbing after rolling, rest it for a few days and see if it settles.\n",
     ["docs/x.md:3: sends 'calf is swollen' to no service ('rest it'), but the massage safety advice (includes/safety.yml:",
      "sends it to an urgent GP appointment / NHS 111; show the block with <!-- md:safety massage --> or send it where the block does"], "silent"),
    # Evidence ratings against their sources
    ("Z-22", "ratings", BOX.format(col="Strength") + "    | Rolling eases soreness | **Strong** | A lab study [@schleip2012strainhardening] |\n",
     ["docs/x.md:3: the evidence table's header (claim | strength | why) has no Rating column"], "silent"),
    ("Z-23", "ratings", BOX.format(col="Rating").replace("How strong", "How good")
     + "    | Rolling eases soreness | **Strong** | A lab study [@schleip2012strainhardening] |\n",
     ["docs/x.md:5: rating 'Strong' is stronger than its best source allows (Very limited)"], "unclear"),
    ("Z-25", "ratings", BOX.format(col="Rating") + "    | Rolling eases soreness | **Limited** | A review [@wiewelhove2019foam] |\n\n"
                        "    For people with back pain:\n\n    | Claim | Rating | Why |\n    |---|---|---|\n"
                        "    | Rolling the hips eases back pain | **Strong** | One lab study [@schleip2012strainhardening] |\n",
     ["docs/x.md:11: rating 'Strong' is stronger than its best source allows (Very limited)"], "unclear"),
    # Third-party and active content
    ("Z-26", "output", {"config": SITE_CONFIG_EXTERNAL_JS}, ["mkdocs.yml:4: extra_javascript loads https://www.googletagmanager.com/gtag/js"],
     "unclear"),
    ("Z-27", "output", {"config": "site_url: https://mysportinjury.github.io/fascia-back-pain/\ntheme:\n  name: material\n  font:\n    text: Inter\n"},
     ["mkdocs.yml:4: theme font is on, so Material loads Google Fonts", "font: false"], "unclear"),
    ("Z-29", "output", {"body": '<a href="https://www.nhs.uk/" ping="https://tracker.example.org/p">NHS</a>'},
     ["docs/page.md:5: <a ping> reports the click to https://tracker.example.org/p on another host"], "silent"),
    ("Z-30", "output", {"body": '<a href="java&#x09;script:alert(document.cookie)">Tap for tips</a>'},
     ["docs/page.md:5: a javascript: URL in href= on <a>"], "silent"),
    ("Z-30b", "output", {"body": '<a href="&#x0A; javascript:alert(1)">tips</a> <img alt="x" src="ht&#x09;tps://cdn.example.org/x.png">'},
     ["a javascript: URL in href= on <a>", "<img src> loads", "from another host (cdn.example.org)"], "new"),
    ("Z-32", "output", {"body": '<base href="https://example.org/">'}, ["docs/page.md:5: <base href=\"https://example.org/\"> changes where"],
     "silent"),
    ("Z-40", "output", {"body": "<!-- figures read on sci-hub.se/10.3389/fphys.2019.00376 -->"},
     ["docs/page.md:5: an HTML comment is published in the page's source", "sci-hub.se"], "silent"),
    ("Z-43", "output", {"files": {"assets/photo.jpg": gps_jpeg()}},
     ["docs/assets/photo.jpg:1: image carries a GPS position in its metadata", "--shrink docs/assets/photo.jpg"], "silent"),
    ("Z-49", "output", {"body": '<svg width="20" height="20"><image href="https://upload.wikimedia.org/x.png" width="20" height="20"/></svg>'},
     ["docs/page.md:5: <image href> loads https://upload.wikimedia.org/x.png from another host"], "silent"),
    # Canonical source addresses
    ("Z-35", "evidence data", ("includes/sources.yml", replace("allowed:\n", 'allowed:\n  "*.co.uk": {class: nhs, reason: "UK health sites"}\n')),
     ["includes/sources.yml:", "'*.co.uk' would allow every site under .co.uk, where anyone can register a name"], "silent"),
    ("Z-36", "evidence data", ("references.bib", replace("doi      = {10.3389/fphys.2019.00376},", "doi      = {10.13140/RG.2.2.12345.67890},")),
     ["entry 'wiewelhove2019foam': doi 10.13140/RG.2.2.12345.67890 is a DOI ResearchGate gives an upload"], "silent"),
]
