"""Characters an author cannot see: name them, so a message about text that "looks right"
says what is wrong ("an invisible U+200B ZERO WIDTH SPACE after 'schleip2012'").

Used wherever a value is checked against a pattern (citation keys, front-matter dates):
pasted text from Word, PDFs, web pages and chat apps carries these.
"""
from __future__ import annotations

import unicodedata

# Visible look-alikes that are not what they seem (a non-breaking hyphen in a path, for example).
LOOKALIKES = {"\u2010", "\u2011", "\u2012", "\u2013", "\u2212", "\u00a0", "\u202f", "\u2007", "\uff1a"}


def hidden(ch: str) -> bool:
    cat = unicodedata.category(ch)
    return ch in LOOKALIKES or cat in ("Cf", "Cc", "Co", "Cn") and ch not in "\n\t" or (cat == "Zs" and ch != " ")


def describe(text: str) -> str | None:
    """'an invisible U+200F RIGHT-TO-LEFT MARK after '2026-11-24'' for the first hidden
    character of text, or None when there is none."""
    for i, ch in enumerate(text):
        if hidden(ch):
            name = unicodedata.name(ch, "UNNAMED CHARACTER")
            kind = "a look-alike" if ch in LOOKALIKES else "an invisible"
            where = f"after '{text[:i]}'" if i else "at the start"
            return f"{kind} U+{ord(ch):04X} {name} {where}"
    return None


def cleaned(text: str) -> str:
    """text without hidden characters (look-alike hyphens become '-', spaces ' ')."""
    out = []
    for ch in text:
        if ch in "\u2010\u2011\u2012\u2013\u2212":
            out.append("-")
        elif ch in "\u00a0\u202f\u2007":
            out.append(" ")
        elif not hidden(ch):
            out.append(ch)
    return "".join(out)
