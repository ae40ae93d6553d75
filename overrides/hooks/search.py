"""MkDocs hook. Search: the glossary's lay words in the search index, urgent help and safety blocks indexed once.

A thin adapter: MkDocs calls these events; the logic is in fasciasite/search.py.
"""
from fasciasite.search import on_config, on_files, on_page_context, on_post_build  # noqa: F401

__all__ = ["on_config", "on_files", "on_page_context", "on_post_build"]
