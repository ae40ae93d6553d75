"""MkDocs hook. Glossary: hover definitions from includes/glossary.md and the Glossary page.

A thin adapter: MkDocs calls these events; the logic is in fasciasite/glossary.py.
"""
from fasciasite.glossary import on_config, on_page_content, on_page_markdown  # noqa: F401

__all__ = ['on_config', 'on_page_content', 'on_page_markdown']
