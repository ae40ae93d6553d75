"""MkDocs hook. Front matter checked against schema/front-matter.schema.json, every problem with file and line.

A thin adapter: MkDocs calls these events; the logic is in fasciasite/frontmatter.py.
"""
from fasciasite.frontmatter import on_config, on_env, on_page_markdown  # noqa: F401

__all__ = ['on_config', 'on_env', 'on_page_markdown']
