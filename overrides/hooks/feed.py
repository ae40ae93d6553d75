"""MkDocs hook. RSS feed: language en-GB; every article in the feed.

A thin adapter: MkDocs calls these events; the logic is in fasciasite/feed.py.
"""
from fasciasite.feed import on_config, on_post_build  # noqa: F401

__all__ = ['on_config', 'on_post_build']
