"""Which province a text is about.

Local symbol codes ("TU", "UBND", "BDVTU") are unique only within a province, and "Tỉnh ủy"
in a text about Bình Phước is Tỉnh ủy Bình Phước; both need the text's place.  The place is
read from the text itself: the province named most often, with names in the title and after a
level word ("tỉnh Bình Phước", "Tỉnh ủy Bình Phước") counting more.
"""

from __future__ import annotations

import re
from collections import Counter
from functools import lru_cache

from kg.lexicon import Lexicon, Place, load_lexicon
from kg.normalize import TONE_OLD_TO_NEW, fold_key, fold_tones
from kg.patterns import WORD_CHAR, literal_trie, scan_after

# A name right after one of these words is certainly a province name ("tỉnh Long An"), while
# a bare "Long An" or "Hà Nam" could be part of another name.
_LEVEL_WORDS = r"(?:tỉnh|thành\s+phố|TP\.?|Tỉnh\s+ủy|Tỉnh\s+uỷ|Thành\s+ủy|Thành\s+uỷ|UBND|HĐND)"


_LEVEL_BEFORE = re.compile(rf"(?i:{_LEVEL_WORDS})\s+\Z")
_OLD_STYLE_RE = re.compile(
    "(?<![qQ])(" + "|".join(sorted(TONE_OLD_TO_NEW)) + r")(?![^\W\d_])"
)


def _spellings(name: str) -> set[str]:
    """A name with either tone placement ("Khánh Hòa", "Khánh Hoà")."""
    old = fold_tones(name)
    new = _OLD_STYLE_RE.sub(lambda m: TONE_OLD_TO_NEW[m.group(1)], old)
    return {name, old, new}


@lru_cache(maxsize=4)
def _place_pattern(lexicon: Lexicon) -> tuple[re.Pattern[str], dict[str, Place]]:
    by_key: dict[str, Place] = {}
    spellings: set[str] = set()
    for place in lexicon.places:
        for name in (place.name, *place.aliases):
            by_key[fold_key(name)] = place
            spellings |= _spellings(name)
    # Case-sensitive (province names are capitalised, which keeps "bình" or "long" out), and
    # factored as a trie: one scan of a long text costs little more than a plain search.
    # No leading look-behind (scan_after checks the character before: several times faster).
    pattern = re.compile(rf"(?:{literal_trie(sorted(spellings))})(?!\w)")
    return pattern, by_key


def place_counts(text: str, lexicon: Lexicon | None = None) -> Counter[str]:
    """Weighted counts of the provinces a text names (canonical names)."""
    pattern, by_key = _place_pattern(lexicon or load_lexicon())
    counts: Counter[str] = Counter()
    title_end = text.find("\n", 0, 400)
    title_end = 400 if title_end < 0 else title_end
    for m in scan_after(pattern, text, WORD_CHAR):
        place = by_key.get(fold_key(m.group(0)))
        if place is None:  # pragma: no cover - every alternative is a key
            continue
        weight = 1
        if _LEVEL_BEFORE.search(text, max(0, m.start() - 16), m.start()):
            weight += 1
        if m.start() < title_end:
            weight += 2
        counts[place.name] += weight
    return counts


def detect_place(text: str, lexicon: Lexicon | None = None) -> str | None:
    """The province a text is about, or None when it names none clearly.

    >>> detect_place("Tỉnh ủy Bình Phước tổng kết ... Bình Phước đạt ... tỉnh Đồng Nai")
    'Bình Phước'
    """
    counts = place_counts(text, lexicon)
    if not counts:
        return None
    ranked = counts.most_common(2)
    best, score = ranked[0]
    if score < 2:
        return None
    if len(ranked) > 1 and ranked[1][1] == score:
        return None  # a tie: the text is about several places, or none in particular
    return best
