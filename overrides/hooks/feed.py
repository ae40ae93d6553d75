"""MkDocs hook. RSS feed: language en-GB.

A thin adapter: MkDocs calls these events; the logic is in fasciasite/feed.py.
"""
from fasciasite.feed import on_post_build  # noqa: F401

__all__ = ['on_post_build']
