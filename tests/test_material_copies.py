"""Drift tests for every Material template we copied: a Material upgrade that changes the
original fails here, naming the file to copy again. (overrides/partials/nav-item.html has its
own in tests/test_sidebar.py.)"""
from __future__ import annotations

import hashlib
import re
from pathlib import Path

import material
import pytest
from conftest import ROOT

MATERIAL = Path(material.__file__).parent / "templates"
OURS = ROOT / "overrides"

# Our copy, Material's original, and our documented changes as (Material's text, ours): with
# them undone, our copy (without its header comment) is Material's file again.
PARTIALS = {
    "partials/search.html": [
        ('<div class="md-search" data-md-component="search" role="dialog">',
         '<div class="md-search" data-md-component="search" role="dialog" aria-label="{{ lang.t(\'search\') }}">'),
        ("", re.compile(r"\n    \{#- Outside the result box.*?</template>", re.S)),
    ],
    "partials/source.html": [
        ('class="md-source" data-md-component="source">', 'class="md-source">'),
    ],
}
HEADER = re.compile(r"\A\{#-.*?-#\}\n", re.S)


@pytest.mark.parametrize("name", sorted(PARTIALS))
def test_each_copied_partial_is_materials_with_only_its_documented_changes(name):
    ours = HEADER.sub("", (OURS / name).read_text(encoding="utf-8"), count=1)
    for original, changed in PARTIALS[name]:
        if isinstance(changed, re.Pattern):
            assert changed.search(ours), f"{name}: the documented change {changed.pattern!r} is gone"
            ours = changed.sub(original, ours, count=1)
        else:
            assert changed in ours, f"{name}: the documented change {changed!r} is gone"
            ours = ours.replace(changed, original, 1)
    theirs = HEADER.sub("", (MATERIAL / name).read_text(encoding="utf-8"), count=1)
    assert ours == theirs, (f"Material's {name} has changed (an upgrade?): copy it to overrides/{name} again "
                            "and re-apply the changes its header comment lists")


# overrides/main.html re-declares two blocks of Material's base.html with every value escaped.
# The fingerprint is of Material's block as it was when we copied it (Material 9.8.2).
COPIED_BLOCKS = {
    "site_meta": "337bd3b09eec21c53b93b992683ea5b3eaaf732d416d447fbbef7a0c98775ffd",
    "htmltitle": "253e4cbb7cfac383f233c2a15dc39373461d23d1266202d227ded326c681d076",
}


@pytest.mark.parametrize("block", sorted(COPIED_BLOCKS))
def test_the_base_html_blocks_main_html_copies_are_unchanged_in_material(block):
    base = (MATERIAL / "base.html").read_text(encoding="utf-8")
    found = re.search(r"\{% block " + block + r" %\}(.*?)\{% endblock %\}", base, re.S)
    assert found, f"Material's base.html has no block {block} any more: overrides/main.html overrides nothing"
    assert "{% block " + block + " %}" in (OURS / "main.html").read_text(encoding="utf-8")
    assert hashlib.sha256(found.group(1).encode()).hexdigest() == COPIED_BLOCKS[block], (
        f"Material's base.html block {block} has changed (an upgrade?): compare it with overrides/main.html's copy, "
        "carry the change over (keeping every value escaped), then record the new fingerprint here")
