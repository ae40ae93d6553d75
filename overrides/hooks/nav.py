"""MkDocs hook. Sidebar: plain links drawn in Python (fast at 1,000 articles).

A thin adapter: MkDocs calls these events; the logic is in fasciasite/nav.py.
"""
from fasciasite.nav import on_env  # noqa: F401

__all__ = ['on_env']
