"""Text normalisation and match keys.

Two different things are called "normalising" here, and they must not be confused:

* :func:`normalize_text` turns decoded input into the text that every offset refers to: Unicode
  NFC and nothing else, so a user can check any span against ``kg extract --show-normalised``.
* :func:`fold_key` builds a *match key* for comparing names (issuers, law names): case folded,
  Đ look-alikes folded, one tone placement ("hòa"/"hoà" → "hòa", "uỷ"/"ủy" → "ủy"), dashes and
  spaces unified.  Keys are never shown to users.

Regular expressions do not run on a rewritten text: :func:`tolerant_pattern` turns a lexicon
phrase into a pattern that accepts both tone placements, Đ look-alikes and any run of spaces, so
offsets found by a regex are offsets into the normalised text itself.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# Characters that stand for a hyphen inside document symbols (REFERENCE.md §2.7, §3.3).
DASH_CHARS = "-\u2010\u2011\u2012\u2013\u2014\u2015\u2212\u00ad\ufe63\uff0d"
# Characters that stand for a slash inside document symbols.
SLASH_CHARS = "/\u2215\u2044\uff0f"
DASH = "[" + re.escape(DASH_CHARS) + "]"
SLASH = "[" + re.escape(SLASH_CHARS) + "]"

# Đ look-alikes: ETH and African D look identical in capitals but do not case-fold to đ.
_D_FOLD = {"\u00d0": "\u0110", "\u00f0": "\u0111", "\u0189": "\u0110", "\u0256": "\u0111"}
_D_CLASS = {"Đ": "[ĐÐƉ]", "đ": "[đðɖ]"}

_I_FOLD = str.maketrans({"\u0131": "i", "\u0307": None})

_SPACE_FOLD = {c: " " for c in "\u00a0\u202f\u2007\u2009\u200a\u3000\t\r\n\f\v"}
_DASH_FOLD = {c: "-" for c in DASH_CHARS if c != "-"}
_SLASH_FOLD = {c: "/" for c in SLASH_CHARS if c != "/"}
# Cyrillic and Greek capitals that look like Latin ones and turn up inside symbols typed on
# other keyboards ("NĐ-СР" with a Cyrillic С and Р).
HOMOGLYPHS = "АВЕКМНОРСТХаеорсхΑΒΕΚΜΝΟΡΤΧ"
_HOMOGLYPH_FOLD = dict(zip(HOMOGLYPHS, "ABEKMHOPCTXaeopcxABEKMNOPTX", strict=True))
_KEY_TRANSLATION = str.maketrans(
    {**_D_FOLD, **_DASH_FOLD, **_SLASH_FOLD, **_SPACE_FOLD, **_HOMOGLYPH_FOLD}
)


def _tone_pairs() -> dict[str, str]:
    """Map "new style" vowel pairs to "old style" ones: oà→òa, oé→óe, uỷ→ủy (both cases).

    The Vietnamese spelling convention allows the tone mark on either vowel of these open
    syllables (REFERENCE.md §3.3); we pick the old style ("hòa", "ủy") for keys because the
    canonical names in the lexicon use it.
    """
    tones = ["\u0300", "\u0301", "\u0309", "\u0303", "\u0323"]  # huyền, sắc, hỏi, ngã, nặng
    pairs: dict[str, str] = {}
    for first, second in (("o", "a"), ("o", "e"), ("u", "y")):
        for tone in tones:
            new = first + unicodedata.normalize("NFC", second + tone)
            old = unicodedata.normalize("NFC", first + tone) + second
            pairs[new] = old
            pairs[new.upper()] = old.upper()
            pairs[new[0].upper() + new[1:]] = old[0].upper() + old[1:]
    return pairs


TONE_NEW_TO_OLD = _tone_pairs()
TONE_OLD_TO_NEW = {old: new for new, old in TONE_NEW_TO_OLD.items()}
# A pair is only re-placed at the end of a syllable (no letter follows) and never after "q":
# "hoàn" has a single legal placement, "quý" is qu + ý.
_NEW_STYLE_RE = re.compile(
    "(?<![qQ])(" + "|".join(sorted(TONE_NEW_TO_OLD)) + r")(?![^\W\d_])"
)


def normalize_text(text: str) -> str:
    """Return the text that offsets refer to: Unicode NFC, nothing else changed."""
    return unicodedata.normalize("NFC", text)


def fold_tones(text: str) -> str:
    """Put tone marks of open "oa", "oe", "uy" syllables on the first vowel ("hoà" → "hòa")."""
    return _NEW_STYLE_RE.sub(lambda m: TONE_NEW_TO_OLD[m.group(1)], text)


@lru_cache(maxsize=65536)
def fold_key(text: str) -> str:
    """A match key for a name: NFC, Đ look-alikes folded, one tone placement, case folded,
    dashes, slashes and spaces unified and collapsed."""
    # Case first, so mixed-case pairs ("HoÀ") fold their tone too; NFC again after casefold,
    # which can decompose ("İ" → "i̇"); dotless and dotted i are the i of Vietnamese.
    key = unicodedata.normalize("NFC", text).translate(_KEY_TRANSLATION).casefold()
    key = unicodedata.normalize("NFC", key.translate(_I_FOLD))
    key = fold_tones(key)
    return " ".join(key.split())


def fold_symbol_chars(text: str) -> str:
    """Fold Đ look-alikes, exotic dashes and slashes, and spaces in a symbol to plain ASCII ones."""
    return text.translate(_KEY_TRANSLATION)


def tolerant_pattern(phrase: str) -> str:
    """A regex (without flags) matching ``phrase`` with either tone placement, Đ look-alikes and
    any run of white space between words.  Matching is meant to be case-insensitive."""
    phrase = unicodedata.normalize("NFC", phrase)
    words = phrase.split()
    out = []
    for word in words:
        out.append(_tolerant_word(word))
    return r"\s+".join(out)


def _tolerant_word(word: str) -> str:
    parts: list[str] = []
    i = 0
    while i < len(word):
        pair = word[i : i + 2]
        at_end = i + 2 >= len(word) or not word[i + 2].isalpha()
        after_q = i > 0 and word[i - 1] in "qQ"
        if len(pair) == 2 and at_end and not after_q and (
            pair in TONE_NEW_TO_OLD or pair in TONE_OLD_TO_NEW
        ):
            other = TONE_NEW_TO_OLD.get(pair) or TONE_OLD_TO_NEW[pair]
            parts.append(f"(?:{re.escape(pair)}|{re.escape(other)})")
            i += 2
            continue
        ch = word[i]
        if ch in _D_CLASS:
            parts.append(_D_CLASS[ch])
        elif ch in DASH_CHARS:
            parts.append(r"\s*" + DASH + r"\s*")
        else:
            parts.append(re.escape(ch))
        i += 1
    return "".join(parts)


def _vietnamese_letters() -> str:
    bases = "aăâeêioôơuưy"
    tones = ["", "\u0300", "\u0301", "\u0309", "\u0303", "\u0323"]
    letters = {unicodedata.normalize("NFC", b + t) for b in bases for t in tones}
    letters |= set("bcdđfghjklmnpqrstvwxz")
    return "".join(sorted(letters))


VIETNAMESE_LOWER = _vietnamese_letters()
VIETNAMESE_UPPER = "".join(sorted({c.upper() for c in VIETNAMESE_LOWER} | {"Ð"}))
UPPER_CLASS = "[" + re.escape(VIETNAMESE_UPPER) + "]"
"""A character class of capital Vietnamese letters, for case-sensitive checks inside
case-insensitive patterns (wrap in ``(?-i:...)``)."""
