"""A shortcode renders where the author put it, or counts as no box (the fresh bad-input round,
research/bad-input-2026-12-07-fresh.md, Z-47 and Z-48).

Z-47: a shortcode indented inside a collapsed box or a list item rendered its box outside it,
leaving an empty "Safety" box. Z-48: a shortcode left inside a code block (an example copied
into the page) rendered the tiers as raw Markdown in a code block, and the lint counted it as
the page's red box, so the page showed no urgent help and passed.
"""
from __future__ import annotations

from conftest import ROOT

from fasciasite.content import safety, tiers

TIERS = tiers.load_for(ROOT)
SAFETY, _ = safety.load_for(ROOT)


def test_an_indented_shortcode_renders_its_box_inside_the_block_it_sits_in():
    page = '??? note "Help"\n\n    <!-- md:urgent-help tier=emergency -->\n\n    <!-- md:safety massage -->\n\nAfter.\n'
    out = safety.expand(tiers.expand(page, TIERS, "treatments/x.md"), SAFETY)
    assert '\n    !!! danger urgent-help urgent-emergency "Call 999 or go to A&E"' in out
    assert '\n    !!! warning safety "Safety: ' in out
    assert "\n!!! " not in out  # nothing rendered at the margin, outside the collapsed box


def test_a_shortcode_inside_a_code_block_is_shown_as_code_and_counts_as_no_box():
    fenced = "```markdown\n<!-- md:urgent-help -->\n\n<!-- md:safety massage -->\n```\n"
    assert tiers.expand(fenced, TIERS, "treatments/x.md") == fenced
    assert safety.expand(fenced, SAFETY) == fenced
    assert tiers.shortcode_keys(fenced, TIERS) == [] and safety.shortcode_keys(fenced, SAFETY) == []
    page = "## When to get help\n\nFoam rolling is a massage you give yourself.\n\n" + fenced
    shown = [str(p) for p in safety.check_page(page, SAFETY, "docs/treatments/x.md", is_article=True)]
    assert any("does not show its safety advice; add <!-- md:safety massage -->" in p for p in shown), shown
