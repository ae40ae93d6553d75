"""The site's configuration, validated once: the plugin's own options and the facts in `extra`.

Two schemas, both built with MkDocs' own `config_options` (as Material's plugins do,
`material/plugins/blog/config.py`), so a wrong value fails the build with MkDocs' message
and the option's name instead of a KeyError deep in a step:

- `SiteConfig`: the options of the `fasciasite` plugin in mkdocs.yml (`plugins: - fasciasite:`).
- `ExtraConfig`: the site-wide facts under `extra:`. They stay in `extra` because the templates
  read them there (Material keeps `extra.social` and `extra.consent` the same way); the plugin
  validates them once in `on_config` and every step reads the validated copy.

Commands outside the build read mkdocs.yml through `load_mkdocs_yml()` (MkDocs' own YAML
loader: it understands `!ENV` and Material's `!!python/name:` tags, which `yaml.safe_load`
refuses).
"""
from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

import yaml
from mkdocs.config import config_options as c
from mkdocs.config.base import Config
from mkdocs.exceptions import PluginError
from mkdocs.utils.yaml import get_yaml_loader

# The data written once, by role -> its default path relative to mkdocs.yml. Each is an option of
# the plugin (`urgent_help_file: ...`), so a second site or a test can point elsewhere.
DATA_FILES = {
    "glossary": "includes/glossary.md",
    "urgent_help": "includes/urgent-help.yml",
    "urgent_pins": "includes/urgent-pins.yml",
    "safety": "includes/safety.yml",
    "sources": "includes/sources.yml",
    "searches": "research/searches.yml",
}


class SiteConfig(Config):
    """Options of the `fasciasite` plugin (all optional; the defaults are the real site's)."""

    # The citation steps need the bibtex plugin; a site without citations (the benchmark's
    # uncited variant) switches them off here instead of editing a list of hook files.
    citations = c.Type(bool, default=True)
    # A printable one-page sheet per article (fasciasite/publishing/sheet.py); it needs the site's own
    # template (overrides/sheet.html), so a site on another theme switches it off.
    take_home_sheets = c.Type(bool, default=True)
    # Where the written-once data lives, relative to mkdocs.yml (commands outside the build read
    # the same options: data_file()).
    glossary_file = c.Type(str, default=DATA_FILES["glossary"])
    urgent_help_file = c.Type(str, default=DATA_FILES["urgent_help"])
    urgent_pins_file = c.Type(str, default=DATA_FILES["urgent_pins"])
    safety_file = c.Type(str, default=DATA_FILES["safety"])
    sources_file = c.Type(str, default=DATA_FILES["sources"])
    searches_file = c.Type(str, default=DATA_FILES["searches"])
    # Page checks and the sheets' QR codes done ahead in a second process while MkDocs renders
    # (fasciasite/secondcore.py); off, everything runs in the one process, with the same results.
    second_core = c.Type(bool, default=True)
    # Reading time and the "related articles" footer.
    words_per_minute = c.Type(int, default=200)
    related = c.Type(int, default=3)


class Author(Config):
    name = c.Type(str)
    description = c.Optional(c.Type(str))


class Reviewer(Config):
    """A clinician who reviewed an article: every field is required (the byline shows them)."""

    name = c.Type(str)
    profession = c.Type(str)
    registration = c.Type(str)


class OutputLimits(Config):
    image_max_bytes = c.Type(int, default=200000)
    image_max_side = c.Type(int, default=1600)
    svg_max_bytes = c.Type(int, default=200000)


class ExtraConfig(Config):
    """The facts under `extra:` that the templates and the steps read."""

    booking_url = c.URL()
    clinic_name = c.Type(str, default="")
    clinic_city = c.Type(str, default="")
    locale = c.Type(str, default="en_GB")
    article_sections = c.ListOfItems(c.Type(str), default=[])
    authors = c.DictOfItems(c.SubConfig(Author), default={})
    reviewers = c.ListOfItems(c.SubConfig(Reviewer), default=[])
    tags_allowed = c.ListOfItems(c.Type(str), default=[])
    urgent_page = c.Optional(c.Type(str))
    review_interval_months = c.Type(int, default=12)
    output_limits = c.SubConfig(OutputLimits)
    generator = c.Type(bool, default=True)


# Facts without which no article can be built: an empty value is an error, with its use.
REQUIRED = {
    "booking_url": "the article template's call to action links to it",
    "article_sections": "it says which pages are articles",
    "authors": "every article names an author from it",
    "tags_allowed": "front matter tags are checked against it",
}


def validate_extra(extra: dict[str, Any], config_file: str | None = None) -> ExtraConfig:
    """`extra` checked against ExtraConfig; a wrong or missing value raises PluginError naming it.
    Keys the schema does not know (other templates' facts) are allowed."""
    for name, why in REQUIRED.items():
        if not extra.get(name):
            raise PluginError(f"mkdocs.yml: extra.{name} is missing or empty; {why}.")
    schema = ExtraConfig(config_file_path=config_file)
    schema.load_dict({k: v for k, v in extra.items() if k in schema})
    failed, _warnings = schema.validate()
    if failed:
        name, error = failed[0]
        raise PluginError(f"mkdocs.yml: extra.{name}: {error}")
    return schema


def plugin_options(root: Path | str = ".") -> SiteConfig:
    """The fasciasite plugin's options in the checkout's mkdocs.yml, validated as the build
    validates them (cached until mkdocs.yml changes), for code that runs outside a build."""
    path = Path(root) / "mkdocs.yml" if Path(root).is_dir() else Path(root)
    try:
        mtime = path.stat().st_mtime_ns
    except OSError:
        mtime = 0
    return _plugin_options(str(path), mtime)


@functools.lru_cache(maxsize=8)
def _plugin_options(path: str, _mtime_ns: int) -> SiteConfig:
    options: dict[str, Any] = {}
    try:
        plugins = load_mkdocs_yml(path).get("plugins") or []
    except (OSError, yaml.YAMLError):
        plugins = []
    for entry in plugins if isinstance(plugins, list) else []:
        if isinstance(entry, dict) and "fasciasite" in entry:
            options = dict(entry["fasciasite"] or {})
    schema = SiteConfig(config_file_path=path)
    schema.load_dict(options)
    failed, _warnings = schema.validate()
    if failed:
        name, error = failed[0]
        raise PluginError(f"{path}: plugins: fasciasite: {name}: {error}")
    return schema


def data_file(root: Path | str, role: str) -> str:
    """The path, relative to the checkout, of one written-once data file (a key of DATA_FILES),
    as the plugin's options in mkdocs.yml set it."""
    return str(plugin_options(root)[f"{role}_file"])


def load_mkdocs_yml(root: Path | str = ".") -> dict[str, Any]:
    """mkdocs.yml of the checkout at `root` as data, read the way MkDocs reads it (!ENV,
    !relative and Material's !!python/name: tags), for commands that run outside a build."""
    path = Path(root) / "mkdocs.yml" if Path(root).is_dir() else Path(root)
    # MkDocs' own loader class (yaml_load itself would turn a YAML error into a ConfigurationError
    # without its line, which the commands report); utf-8-sig: a file saved with a BOM reads the same.
    data = yaml.load(path.read_text(encoding="utf-8-sig"), Loader=get_yaml_loader())  # MkDocs' loader, as mkdocs build reads it
    return data if isinstance(data, dict) else {}


def find_root(start: Path | str | None = None) -> Path:
    """The checkout a command acts on: the nearest folder at or above `start` (default: the
    current directory) that holds mkdocs.yml. Never the folder the package was installed from."""
    here = Path(start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / "mkdocs.yml").is_file():
            return folder
    return here
