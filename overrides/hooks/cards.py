"""MkDocs hook. Link-preview cards: a 1200x630 image per page, drawn offline with Pillow in a worker process.

A thin adapter: MkDocs calls these events; the logic is in fasciasite/cards.py.
"""
from fasciasite.cards import on_build_error, on_page_markdown, on_post_build, on_pre_build  # noqa: F401

__all__ = ['on_build_error', 'on_page_markdown', 'on_post_build', 'on_pre_build']
