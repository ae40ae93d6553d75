"""Bibliographic text compared as what it says: titles without case, punctuation,
HTML/JATS/MathML markup, LaTeX commands or BibTeX braces; family names without accents and
after transliteration; page ranges with MEDLINE's short ends expanded (507-36 -> 507-536).
LaTeX in our values is decoded with latexcodec (pybtex's own dependency), so {\\"u}, \\%
and --- compare as the characters they stand for. Used by fasciasite.references.metadata and the
reference commands (refs_online, add_reference).
"""
from __future__ import annotations

import html
import re
import unicodedata

from anyascii import anyascii
from latexcodec.codec import UnicodeLatexIncrementalDecoder

# A tag has a name (so "p < 0.05 and q > 1" in a title is text, not a tag). Inline tags
# (<i>, <sub>, <jats:italic>, <mml:mi>, <scp>...) are removed without a space, so
# "CO<sub>2</sub>" reads "CO2"; block tags (<p>, <br>, <jats:title>) leave a space.
TAG = re.compile(r"</?([A-Za-z][\w.-]*:)?([A-Za-z][\w.-]*)(\s[^<>]*)?/?>")
BLOCK_TAGS = {"p", "br", "div", "title", "sec", "li", "td", "tr", "label", "caption", "break"}
NOT_WORD = re.compile(r"[^\w]+")
RETRACTED_PREFIX = re.compile(r"^(retracted( article)?|withdrawn)\s*[:.-]\s*", re.I)
# Letters that Unicode does not decompose into a base letter and an accent.
LATIN_EXTRA = str.maketrans({"ø": "o", "Ø": "O", "ł": "l", "Ł": "L", "đ": "d", "Đ": "D", "ð": "d", "Ð": "D",
                             "þ": "th", "Þ": "Th", "æ": "ae", "Æ": "Ae", "œ": "oe", "Œ": "Oe", "ı": "i",
                             "ß": "ss", "ŋ": "ng", "ħ": "h", "ŧ": "t"})
# German and Scandinavian spellings without the letter (Müller/Mueller, Østergaard/Oestergaard).
EXPANDED = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue", "ø": "oe",
                          "Ø": "Oe", "å": "aa", "Å": "Aa"})


def plain(text: str) -> str:
    """Markup-free display text: no HTML/JATS/MathML tags or entities (also when escaped
    twice, "&amp;lt;i&amp;gt;"), one space between words."""
    text = text or ""
    for _ in range(3):  # entities may hide tags: unescape, strip, until nothing changes
        before = text
        text = TAG.sub(lambda m: " " if m.group(2).lower() in BLOCK_TAGS else "", html.unescape(text))
        if text == before:
            break
    return " ".join(text.split())


TEX_FONT = re.compile(r"\\(textsubscript|textsuperscript|textit|textbf|textsc|textrm|texttt|textsf|emph|mathrm|"
                      r"mathit|mathbf|ensuremath|mbox|textup|textnormal|em|it|bf|sc|rm|tt|sf|sl|itshape|"
                      r"bfseries|scshape|upshape)\b\s*")
TEX_SCRIPT = re.compile(r"\$([^$]*)\$")


def from_bibtex(value: str) -> str:
    """A BibTeX value as the characters it stands for (LaTeX decoded, font and
    sub/superscript commands and math dollars dropped, braces removed): "CO$_2$",
    "CO\\textsubscript{2}" and "CO{\\textsubscript 2}" all read "CO2"."""
    value = TEX_SCRIPT.sub(lambda m: re.sub(r"[_^]", "", m.group(1)), TEX_FONT.sub("", value))
    try:
        value = UnicodeLatexIncrementalDecoder().decode(value, final=True)  # as codecs.decode(value, "ulatex")
    except Exception:  # latexcodec is lenient; never let a stray macro stop a check
        pass
    return value.replace("{", "").replace("}", "")


def fold(text: str) -> str:
    """Lower case, accents removed, every run of punctuation one space."""
    text = unicodedata.normalize("NFKD", text.replace("&", " and ").translate(LATIN_EXTRA))
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    return " ".join(NOT_WORD.sub(" ", text).replace("_", " ").split())


def norm_title(text: str, bibtex: bool = False) -> str:
    text = from_bibtex(text) if bibtex else text
    return fold(RETRACTED_PREFIX.sub("", plain(text)))


def norm_journal(text: str, bibtex: bool = False) -> str:
    text = fold(from_bibtex(text) if bibtex else plain(text))
    text = re.sub(r"\b(phila pa 1976|online|print)\b", " ", text)
    return " ".join(w for w in text.split() if w != "the")


def norm_family(text: str) -> str:
    return fold(text).replace(" ", "")


def family_keys(text: str) -> frozenset[str]:
    """Every spelling a family name may be matched by: accents dropped (Müller -> muller),
    letters spelled out (Müller -> mueller, Ø -> oe), and any script transliterated
    (anyascii: Łukasz -> lukasz, Иванов -> ivanov). Two names match when they share one."""
    text = plain(text)
    keys = {norm_family(text), norm_family(text.translate(EXPANDED))}
    keys |= {re.sub(r"[^a-z0-9]", "", anyascii(k).lower()) for k in (text, text.translate(EXPANDED))}
    return frozenset(k for k in keys if k)


def same_family(a: str, b: str) -> bool:
    return bool(family_keys(a) & family_keys(b))


def norm_pages(text: str) -> str:
    """'507--536', '507–536' and MEDLINE's '507-36' all become '507-536'."""
    text = from_bibtex(text).replace("–", "-").replace("—", "-")
    parts = [p.strip() for p in re.split(r"-+", text) if p.strip()]
    if len(parts) != 2:
        return "-".join(parts)
    first, last = parts
    m1, m2 = re.fullmatch(r"(\D*)(\d+)", first), re.fullmatch(r"(\D*)(\d+)", last)
    if m1 and m2 and len(m2.group(2)) < len(m1.group(2)):
        last = m1.group(1) + m1.group(2)[: len(m1.group(2)) - len(m2.group(2))] + m2.group(2)
    elif m1 and m2 and not m2.group(1):
        last = m1.group(1) + m2.group(2)
    return first.lower() if first.lower() == last.lower() else f"{first}-{last}".lower()


def year_of(text: str) -> int | None:
    m = re.search(r"\b(1[89]\d\d|20\d\d)\b", text or "")
    return int(m.group(1)) if m else None
