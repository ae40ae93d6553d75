"""MkDocs hook. RSS feed: language en-GB; every article in the feed; each item's preview card.

A thin adapter: MkDocs calls these events; the logic is in fasciasite/feed.py.
"""
from fasciasite.feed import on_config, on_page_context, on_post_build  # noqa: F401

__all__ = ['on_config', 'on_page_context', 'on_post_build']
