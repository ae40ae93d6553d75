"""MkDocs hook. Citations: bib errors with file:line, unknown keys named, each entry formatted once, the References page.

A thin adapter: MkDocs calls these events; the logic is in fasciasite/citations.py.
"""
from fasciasite.citations import on_config, on_files, on_page_content, on_page_context, on_page_markdown  # noqa: F401

__all__ = ['on_config', 'on_files', 'on_page_content', 'on_page_context', 'on_page_markdown']
