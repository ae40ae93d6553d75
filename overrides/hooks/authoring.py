"""MkDocs hook. Author mistakes with file, line and fix: encodings, file names, titles, nav entries, fences, links, images, snippets.

A thin adapter: MkDocs calls these events; the logic is in fasciasite/authoring.py (rules in fasciasite/pagelint.py).
"""
from fasciasite.authoring import on_config, on_env, on_files, on_page_markdown  # noqa: F401

__all__ = ['on_config', 'on_env', 'on_files', 'on_page_markdown']
