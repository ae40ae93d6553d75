"""MkDocs hook. Articles: reading time, related articles, review status and page metadata for the templates; the home page's article list.

A thin adapter: MkDocs calls these events; the logic is in fasciasite/articles.py.
"""
from fasciasite.articles import on_config, on_env, on_files, on_page_markdown  # noqa: F401

__all__ = ['on_config', 'on_env', 'on_files', 'on_page_markdown']
