"""MkDocs hook. Take-home sheets: one printed A4 side per article.

A thin adapter: MkDocs calls these events; the logic is in fasciasite/sheet.py.
"""
from fasciasite.sheet import on_env, on_page_context, on_post_build  # noqa: F401

__all__ = ["on_env", "on_page_context", "on_post_build"]
