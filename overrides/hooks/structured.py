"""MkDocs hook. Structured data: schema.org JSON-LD for every page (page.meta.jsonld).

A thin adapter: MkDocs calls these events; the logic is in fasciasite/structured.py.
"""
from fasciasite.structured import on_config, on_page_content  # noqa: F401

__all__ = ['on_config', 'on_page_content']
