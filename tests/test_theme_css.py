"""Material's stylesheets trimmed to what the site uses (fasciasite/publishing/theme_css.py):
nothing a page or a script can use is dropped; what none can use goes; a --dirty build,
which sees only some pages, writes Material's whole stylesheets (with the rules for tables given
to the tables the pages are written with, as every build does)."""
from __future__ import annotations

import re
from pathlib import Path
from types import SimpleNamespace

from fasciasite.publishing import tables, theme_css

CSS = (
    "@charset \"utf-8\";"
    ":root{--a:1}"
    ".used{color:red}"
    ".gone{color:blue}"
    ".used .gone,.used>p{margin:0}"
    "@media screen{.gone{top:0}.used:not(.gone){left:0}}"
    "@media print{.gone{top:1px}}"
    "@keyframes spin{0%{opacity:0}to{opacity:1}}"
    "@font-face{font-family:x;src:url(\"a{b}.woff\")}"
    ".md-status--new{x:y}"
    ".used[href$=\".pdf\"]{z:1}"
    ".used table:not([class]){display:table}"
    "/* comment {with braces} */.used::after{content:\"}\"}"
)


def selectors(css: str) -> set[str]:
    seen: set[str] = set()
    theme_css.trim(css, lambda s: seen.add(s) or True)
    return seen


def trimmed(words: set[str]) -> str:
    return theme_css.trim(CSS, lambda s: theme_css._keep_selector(s, frozenset(words)))


def test_a_class_no_page_or_script_names_loses_its_rules_and_a_used_one_keeps_them():
    out = trimmed({"used"})
    assert ".used{color:red}" in out and ".gone{" not in out
    assert ".used>p{margin:0}" in out and ".used .gone" not in out  # a rule keeps the selectors that may match
    assert "@media screen{.used:not(.gone){left:0}}" in out  # :not(.gone) matches without .gone
    assert "@media print" not in out  # a block left empty goes
    assert '.used[href$=".pdf"]{z:1}' in out  # an attribute value is not a class
    assert '.used::after{content:"}"}' in out  # a brace inside a string
    assert "comment" not in out


def test_rules_without_a_class_and_other_at_rules_are_kept():
    out = trimmed(set())
    for kept in ('@charset "utf-8";', ":root{--a:1}", "@keyframes spin{0%{opacity:0}to{opacity:1}}",
                 '@font-face{font-family:x;src:url("a{b}.woff")}'):
        assert kept in out
    assert ".used" not in out


def test_a_class_a_script_builds_by_joining_strings_keeps_its_rules():
    assert ".md-status--new{x:y}" in trimmed({"md-status--"})
    assert ".md-status--new{x:y}" not in trimmed({"md-status"})


def test_palette_keeps_only_the_colours_mkdocs_yml_names():
    palette = ("[data-md-color-primary=teal]{--p:1}[data-md-color-primary=red]{--p:2}"
               "[data-md-color-accent=deep-orange]{--a:1}[data-md-color-accent=pink]{--a:2}[data-md-color-scheme=slate]{--s:1}")
    config = SimpleNamespace(theme={"palette": [{"media": "x"}, {"primary": "teal", "accent": "deep orange"}]})
    colours = theme_css.palette_colours(config)
    assert colours == {"primary": {"indigo", "teal"}, "accent": {"indigo", "deep-orange"}}
    out = theme_css.trimmed("palette", palette, frozenset(), colours)
    assert out == "[data-md-color-primary=teal]{--p:1}[data-md-color-accent=deep-orange]{--a:1}[data-md-color-scheme=slate]{--s:1}"


def fake_build(tmp_path: Path, dirty: bool) -> str:
    theme = tmp_path / "theme"
    (theme / "assets" / "stylesheets").mkdir(parents=True)
    (theme / "assets" / "stylesheets" / "main.abc.min.css").write_text(CSS, encoding="utf-8")
    (tmp_path / "docs").mkdir()
    (tmp_path / "site" / "assets" / "stylesheets").mkdir(parents=True)
    config = SimpleNamespace(theme=SimpleNamespace(dirs=[str(theme)], get=lambda key, default=None: default),
                             docs_dir=str(tmp_path / "docs"), site_dir=str(tmp_path / "site"),
                             config_file_path=str(tmp_path / "mkdocs.yml"))
    step = theme_css.ThemeCss(dirty=dirty)
    step.on_output('<p class="used other">x</p>')
    step.on_post_build(config)
    return (tmp_path / "site" / "assets" / "stylesheets" / "main.abc.min.css").read_text(encoding="utf-8")


def test_a_full_build_writes_the_trimmed_stylesheet_a_dirty_one_the_whole(tmp_path):
    assert ".gone{color:blue}" not in fake_build(tmp_path / "full", dirty=False)
    assert fake_build(tmp_path / "dirty", dirty=True) == tables.stylesheet_rule(CSS)


def test_every_build_gives_materials_table_rules_to_the_tables_pages_are_written_with(tmp_path):
    """Dirty or full, the pages' tables come wrapped and marked (fasciasite/publishing/tables.py):
    the stylesheet must style them as Material styles class-less tables."""
    for dirty in (False, True):
        css = fake_build(tmp_path / str(dirty), dirty=dirty)
        assert f".used {tables.MARKED_SELECTOR}{{display:table}}" in css and "table:not([class]){" not in css


def test_every_class_a_built_page_uses_keeps_every_rule_material_has_for_it(built_site):
    """On the real build: each selector of Material's stylesheet whose classes all occur in a
    built page is still in the site's copy; and the copy is smaller."""
    import material

    original = next((Path(material.__file__).parent / "templates" / "assets" / "stylesheets").glob("main.*.min.css"))
    served = built_site / "assets" / "stylesheets" / original.name
    used = {c for page in built_site.rglob("*.html")
            for value in re.findall(r'class="([^"]*)"', page.read_text(encoding="utf-8")) for c in value.split()}
    needed = selectors(theme_css.trim(tables.stylesheet_rule(original.read_text(encoding="utf-8")),
                                      lambda s: theme_css._keep_selector(s, frozenset(used)) and theme_css.SWITCHING not in s))
    missing = needed - selectors(served.read_text(encoding="utf-8"))
    assert not missing, f"{served.relative_to(built_site)}: rules for classes the site uses were dropped: {sorted(missing)[:5]}"
    assert served.stat().st_size < 0.8 * original.stat().st_size


def test_the_colour_switching_rule_leaves_the_stylesheets_and_each_page_adds_it_on_the_first_change():
    """Material's transitions-off rule under [data-md-color-switching] restyles every element each
    time its palette sets or clears the attribute, which it does as every page starts: it leaves
    both stylesheets (main and palette), and each page adds it when the reader changes colours."""
    palette = ("[data-md-color-primary=teal]{--p:1}[data-md-color-switching] *,[data-md-color-switching] :after"
               "{transition-duration:0s!important}@media screen{[data-md-color-switching] .x,.y{z:0}}")
    colours = {"primary": {"teal"}, "accent": set()}
    for name in ("palette", "main"):
        assert theme_css.trimmed(name, palette, frozenset({"x", "y"}), colours) == \
            "[data-md-color-primary=teal]{--p:1}@media screen{.y{z:0}}", name


def material_switching_rules() -> list[str]:
    import material

    folder = Path(material.__file__).parent / "templates" / "assets" / "stylesheets"
    found = []
    for sheet in sorted(folder.glob("*.min.css")):
        found += re.findall(r"(?:^|})([^{}]*\[data-md-color-switching\][^{}]*\{[^{}]*\})", sheet.read_text(encoding="utf-8"))
    return found


def test_each_page_adds_back_materials_colour_switching_rule_word_for_word(built_site):
    rules = material_switching_rules()
    assert rules, "Material's stylesheets have no [data-md-color-switching] rule: drop theme_css.SWITCHING and the template's copy"
    for sheet in (built_site / "assets" / "stylesheets").glob("*.css"):
        assert theme_css.SWITCHING not in sheet.read_text(encoding="utf-8"), f"{sheet.name} still restyles every page as it starts"
    page = (built_site / "index.html").read_text(encoding="utf-8")
    added = "".join(re.findall(r'"((?:[^"\\]|\\.)*)"', page[page.index("[data-md-color-switching]") - 20:][:400]))
    for rule in rules:
        assert rule in added, f"overrides/main.html adds {added!r}, not Material's {rule!r}"
