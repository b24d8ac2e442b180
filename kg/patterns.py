"""Regular expressions for citations, built once from the lexicon.

Every building block is a named constant with a comment saying why it looks the way it does.
All patterns run on NFC text (never on a rewritten copy), case-insensitively unless a part is
wrapped in ``(?-i:...)``; tone placement, Đ look-alikes, exotic dashes and spaces are accepted
by the patterns themselves (:func:`kg.normalize.tolerant_pattern`), so match offsets are offsets
into the text the user sees.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import lru_cache

from kg.lexicon import Lexicon, alias_pattern, load_lexicon
from kg.normalize import DASH, HOMOGLYPHS, SLASH, UPPER_CLASS, tolerant_pattern

LETTER = r"[^\W\d_]"
# A document number: Arabic digits, leading zeros kept ("05"); six digits cover the largest
# customs notices ("39305/TB-CHQ").
NUM_DIGITS = 6
NUM = rf"\d{{1,{NUM_DIGITS}}}"
# Years in symbols and dates.  Anything outside 1900–2099 is not a document year.
YEAR = r"(?:19|20)\d\d"
# White space inside a citation or its tail: at most one line break (a hard-wrapped line),
# never a blank line, so a tail is not read from the next paragraph.
GAP = r"[^\S\n]*(?:\n[^\S\n]*)?"
GAP1 = r"(?:[^\S\n]+(?:\n[^\S\n]*)?|\n[^\S\n]*)"
# Put before a run of GAPs: the run may not start with a blank line.
NO_BLANK = r"(?![^\S\n]*\n[^\S\n]*\n)"
# One group of a symbol: letters, then letters or digits ("NQ", "QĐi", "QH13", "BCSĐUBND").
# Letters without tone marks only (B9: "638 / hòa bình" is no symbol): ASCII, Đ and its
# look-alikes, and the untoned vowels Ă Â Ê Ô Ơ Ư ("TƯ" is written for "TW").
CODE_LETTER = f"[A-Za-zĐđÐðƉɖĂăÂâÊêÔôƠơƯư{HOMOGLYPHS}]"
# A code ends where the word ends: "QH15-Nghị định" stops before "Nghị".
CODE = rf"{CODE_LETTER}(?:{CODE_LETTER}|\d)*(?![^\W\d_])"
# The first group of a symbol starts with a capital: "5/ông Nguyễn" is a number and a name.
_CAPITALS = f"A-ZĐÐƉĂÂÊÔƠƯ{HOMOGLYPHS[:11]}{HOMOGLYPHS[17:]}"  # no lower-case look-alikes
FIRST_CODE = rf"(?-i:[{_CAPITALS}])(?:{CODE_LETTER}|\d)*(?![^\W\d_])"
UPPER = rf"(?-i:{UPPER_CLASS})"
# Between groups of a symbol: a dash.  Spaces around it are tolerated only when a capital letter
# follows, so "số 12/QĐ-UBND - một ..." does not swallow the next word.
INNER = rf"(?:{DASH}|\s{DASH}\s?(?={UPPER})|{DASH}\s(?={UPPER}))"
# Party layout "25-NQ/TW": number, dash (or a stray space: "217 QĐ/TW", "94- KH/BTGDVTW"),
# type code, slash, issuer groups.
PARTY_SYMBOL = rf"{NUM}(?:\s?{DASH}\s?|\s){FIRST_CODE}\s?{SLASH}\s?{CODE}(?:{INNER}{CODE})*"
# State layout "30/2020/NĐ-CP", "16/CT-TTg", "982/UBND-NC": number, slash, optional year and
# slash, then dash-separated groups.
# "66.2/2025/NQ-CP": a Government resolution numbered between two others keeps a decimal
# part; only before a year, so "1.500/..." amounts are not read as numbers.
STATE_NUM = rf"{NUM}(?:\.\d{{1,2}}(?=\s?{SLASH}\s?{YEAR}\s?{SLASH}))?"
STATE_SYMBOL = (
    rf"{STATE_NUM}\s?{SLASH}\s?(?:{YEAR}\s?{SLASH}\s?)?{FIRST_CODE}(?:{INNER}{CODE})*"
)
# "Thông tư 36/2024": number and year with no code, a short form.
NUMBER_YEAR = rf"{NUM}\s?{SLASH}\s?{YEAR}(?![\d{SLASH[1:-1]}])"
# A lone number must not be the start of a longer number ("1.094", "3,5") or of a date.
LONE_NUMBER = rf"{NUM}(?![\d]|[.,]\d|\s?{SLASH}\s?\d)"
# A list of numbers sharing one symbol: "217, 218-QĐ/TW", "154 & 201/KH-ĐHHV".
NUMBER_LIST_PREFIX = rf"(?:{NUM}\s*(?:,|&|\bvà\b)\s*)+"

DATE = (
    rf"(?P<d>\d{{1,2}})\s*(?P<sep>[/.]|{DASH})\s*(?P<m>\d{{1,2}})\s*(?P=sep)\s*(?P<y>{YEAR})"
    rf"|(?P<d2>\d{{1,2}})\s+tháng\s+(?P<m2>\d{{1,2}})\s*,?\s+năm\s+(?P<y2>{YEAR})"
)
# Words that end a law's name: the marker that follows it, or words that are never in a name.
_NAME_STOP = "năm|ngày|số|của|này|đó|theo|tại|được|đã|là|thì|để|khi|nay|trên|sau|trước|và các"
# Tolerant of tone placement, Đ look-alikes and odd spaces, like every other phrase.
_NAME_STOP_PATTERN = "|".join(tolerant_pattern(w) for w in _NAME_STOP.split("|"))
NAME_WORD = rf"(?!(?:{_NAME_STOP_PATTERN})(?!\w)){LETTER}[\w]*"
# "Luật Phòng, chống tham nhũng": the only comma a law name carries.
NAME_SEP = rf"(?:{GAP1}|,\s*(?=chống\b))"

ROMAN = r"[IVXLC]+"

# The words of a law's name: its first word and at most this many more (``law_at``).
LAW_NAME_WORDS = 14
# Between a type word (and its qualifier) and the number: "số", "số:", or only white space.
SO = rf"{GAP}(?:số|sô){GAP}:?{GAP}|{GAP1}"
# What may not come before the number of a digit trigger: a number inside a longer number,
# a date, a symbol or a word is not a citation's start.
DIGITS_REFUSED_BEFORE = rf"[\w.{SLASH[1:-1]}{DASH[1:-1]}]"


@dataclass(frozen=True)
class CompiledPatterns:
    """The compiled patterns for one lexicon."""

    # The two trigger scans carry no leading look-behind: a pattern that starts with one
    # defeats the regex engine's fast search for the first character (2-6x slower on long
    # texts), so the character before a word trigger is checked by :func:`scan_after`, and
    # the digit trigger starts at the separator after the number (:func:`digit_trigger_starts`).
    trigger_words: re.Pattern[str]
    trigger_words_ci: re.Pattern[str]
    trigger_words_refused_before: re.Pattern[str]
    trigger_digits: re.Pattern[str]
    law_at: re.Pattern[str]
    typed_at: re.Pattern[str]
    bare_at: re.Pattern[str]
    type_words: re.Pattern[str]
    date: re.Pattern[str]
    tail_date: re.Pattern[str]
    tail_year: re.Pattern[str]
    tail_issuer_intro: re.Pattern[str]
    body: re.Pattern[str]
    body_joiner: re.Pattern[str]
    term: re.Pattern[str]
    title: re.Pattern[str]
    quoted_title: re.Pattern[str]
    party_symbol: re.Pattern[str]
    state_symbol: re.Pattern[str]
    number_list: re.Pattern[str]
    unit_after: re.Pattern[str]
    list_gap: re.Pattern[str]
    own_number_before: re.Pattern[str]
    law_word_before: re.Pattern[str]
    amending_law_before: re.Pattern[str]
    own_number: re.Pattern[str]
    header_date: re.Pattern[str]


DJ_VARIANTS = ("đ", "ð", "ɖ")
"""The letter đ and the look-alikes it is typed as."""

WORD_CHAR = re.compile(r"\w")


def scan_after(
    pattern: re.Pattern[str], text: str, refused_before: re.Pattern[str], pos: int = 0
) -> Iterator[re.Match[str]]:
    """The matches of ``pattern`` in ``text``, left to right, not overlapping, skipping those
    whose preceding character ``refused_before`` matches: the same matches as ``finditer``
    with a ``(?<!...)`` look-behind in front, at the speed of the pattern without it.

    >>> [m.group() for m in scan_after(re.compile(r"luật"), "Luật, pháp luật, xluật", WORD_CHAR)]
    ['luật']
    """
    refused = refused_before.match
    while True:
        # finditer runs in C from match to match; only a refused match (rare) restarts it,
        # one character further, since another match may start inside the refused one.
        for match in pattern.finditer(text, pos):
            start = match.start()
            if start and refused(text, start - 1):
                pos = start + 1
                break
            yield match
        else:
            return


def digit_trigger_starts(pattern: re.Pattern[str], text: str) -> list[int]:
    """Where the numbers start that the digit trigger (``trigger_digits``) finds in ``text``:
    the pattern matches their separator, and group n holds a number of n digits."""
    return [m.start(m.lastindex or 0) for m in pattern.finditer(text)]


def _alternation(phrases: list[str]) -> str:
    """Tolerant patterns for phrases, longest first so the longest phrase wins."""
    unique = sorted(set(phrases), key=lambda p: (-len(p), p))
    return "|".join(tolerant_pattern(p) for p in unique)


def literal_trie(phrases: list[str], ends: Mapping[str, str] | None = None) -> str:
    """A regex matching any of ``phrases`` (lower case), factored as a trie so the regex engine
    tries one branch per character instead of every phrase.  Spaces match any run of white
    space and "đ" also matches its look-alike "ð".

    ``ends`` gives, for some phrases, a pattern that must match right after the phrase (a
    look-ahead, say) for the phrase to count; a phrase that fails it gives way to a shorter
    phrase it starts with, as when the text does not go on with the longer phrase.
    """
    root = _TrieNode()
    for phrase in phrases:
        node = root
        for ch in " ".join(phrase.split()):
            node = node.children.setdefault(ch, _TrieNode())
        node.end = (ends or {}).get(phrase, "")

    def atom(ch: str) -> str:
        if ch == " ":
            return r"\s+"
        if ch == "đ":
            return f"[{''.join(DJ_VARIANTS)}]"
        return re.escape(ch)

    def build(node: _TrieNode, top: bool = False) -> str:
        branches = [
            # At the top every branch starts with one plain letter ("đ", "ð", "ɖ" apart),
            # which lets the regex engine skip ahead to those letters (twice as fast).
            variant + build(sub)
            for ch, sub in sorted(node.children.items())
            for variant in (DJ_VARIANTS if top and ch == "đ" else (atom(ch),))
        ]
        if not branches:
            return node.end or ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        if node.end is None:
            return body
        # A phrase may end here or go on: the longer phrase is tried first.
        return f"(?:{body}|{node.end})" if node.end else f"(?:{body})?"

    return build(root, top=True)


@dataclass
class _TrieNode:
    """A node of :func:`literal_trie`: the next characters, and (at the end of a phrase) the
    pattern that must follow the phrase (``""``: nothing)."""

    children: dict[str, _TrieNode] = field(default_factory=dict)
    end: str | None = None


def type_word_pattern(lexicon: Lexicon, *, laws: bool | None = None) -> str:
    """An alternation of the type words (``laws=None``: all; True: only laws; False: no laws)."""
    words = [
        w for t in lexicon.types for w in t.words if laws is None or t.law == laws
    ]
    return _alternation(words)


def trigger_word_ends(lexicon: Lexicon) -> dict[str, str]:
    """For each type word of the word trigger (lower case), what must follow it for a hit to
    count: ``(?!\\w)``, then a look-ahead that ``typed_at`` or ``law_at`` matching at the hit
    implies.  Of the ~115,000 hits of type words in 18 MB of text, ~8,000 start citations; the
    rest is prose ("quy định của", "kế hoạch phát triển", "pháp luật về"), and dropping it
    inside the scan spares a Python step and two anchored matches per hit.

    Each look-ahead is a necessary condition read off the patterns, not a guess:

    * ``typed_at`` (a non-law word) needs a digit right after the word, its qualifier and
      ``SO`` ("số", "số:", white space).  Before them may also come the rest of a longer type
      word or of a qualifier, for ``typed_at`` may read a longer word than the trigger ("Thông
      tư lıên tịch" with a dotless ı, which only a case-insensitive match takes for "i") or a
      shorter one plus a qualifier ("Nghị quyết" + "liên tịch").
    * ``law_at`` needs a digit after at most ``LAW_NAME_WORDS`` words of the name and "số",
      "năm" or "ngày", with white space, commas and colons between them.  (The name starts
      with a capital, which the lower-cased text no longer shows.)  After "pháp", a one-word
      law word is refused as ``law_at`` refuses it ("pháp luật").

    The look-aheads run on the lower-cased text, so their words are matched with ``(?i:...)``:
    a character and its lower case match the same things when case is ignored.

    A word inside which another type word may start ("Thông báo" / "báo cáo", "Hiến pháp" /
    "pháp lệnh", "Bộ luật" / "luật") gets no look-ahead: dropping its hit would let the scan
    find the other word inside it, where the unfiltered scan goes on after it.  No other word
    has such an inner start, so the scan finds the hits of the unfiltered scan, less those no
    citation can start at (tests/test_triggers.py compares them).
    """
    kinds: dict[str, set[bool]] = {}  # is a law word (True), is another type word (False)
    for doc_type in lexicon.types:
        for w in doc_type.words:
            kinds.setdefault(w.lower(), set()).add(doc_type.law)
    words = {w: tuple(w.split()) for w in kinds}

    def starts_with(phrase: tuple[str, ...], prefix: tuple[str, ...]) -> bool:
        return phrase[: len(prefix)] == prefix

    def inner_start(word: tuple[str, ...]) -> bool:
        """Whether a type word may start at a later word of ``word``."""
        return any(
            starts_with(other, word[k:]) or starts_with(word[k:], other)
            for k in range(1, len(word))
            for other in words.values()
        )

    # What a longer type word has after a shorter one ("Thông tư" + "liên tịch").
    rests = {
        " ".join(longer[len(shorter) :])
        for shorter in words.values()
        for longer in words.values()
        if len(longer) > len(shorter) and starts_with(longer, shorter)
    }
    qualifiers = [tuple(q.lower().split()) for q in lexicon.cues["qualifiers"]["words"]]
    # A qualifier or its last words (the first ones read by the trigger as a longer word's).
    qualifier_parts = {" ".join(q[k:]) for q in qualifiers for k in range(len(q))}
    rest = rf"(?:\s+(?:{_alternation(sorted(rests))}))?" if rests else ""
    typed = rf"(?=(?i:{rest}(?:\s+(?:{_alternation(sorted(qualifier_parts))}))?(?:{SO})\d))"
    # The words before the digit: for law_at the rest of a longer word, the name and "số",
    # "năm" or "ngày"; for typed_at (when a word starts both kinds) the rest, qualifier, "số".
    longest_rest = max((len(r.split()) for r in rests), default=0)
    law_words = max(
        longest_rest + LAW_NAME_WORDS + 1,
        longest_rest + max((len(q) for q in qualifiers), default=0) + 1,
    )
    law = rf"(?=(?:[\s,:]*+[^\W\d]++){{0,{law_words}}}+[\s,:]*+\d)"

    ends: dict[str, str] = {}
    for word, parts in words.items():
        if inner_start(parts):
            ends[word] = r"(?!\w)"
            continue
        # typed_at and law_at may read a type word this one starts with, or one starting with
        # this one: the look-ahead allows for the kinds of them all.
        kin = set().union(
            *(kinds[w] for w, p in words.items() if starts_with(p, parts) or starts_with(parts, p))
        )
        if kin == {False}:
            ends[word] = rf"(?!\w){typed}"
        elif kin == {True} and len(parts) == 1:
            ends[word] = rf"(?!\w)(?<!(?i:pháp)\s.{{{len(word)}}}){law}"
        else:
            ends[word] = rf"(?!\w){law}"
    return ends


@lru_cache(maxsize=4)
def compile_patterns(lexicon: Lexicon | None = None) -> CompiledPatterns:
    """Compile every pattern for ``lexicon`` (the packaged one by default), once."""
    lex = lexicon or load_lexicon()
    type_words = type_word_pattern(lex, laws=False)
    law_words = type_word_pattern(lex, laws=True)
    qualifiers = _alternation(list(lex.cues["qualifiers"]["words"]))
    codes = sorted({c.code for c in lex.codes}, key=lambda c: (-len(c), c))
    type_codes = "|".join(tolerant_pattern(c) for c in codes)
    issuer_group = rf"{UPPER}(?-i:[{UPPER_CLASS[1:-1]}a-zđ\d])*"

    strict_party = (
        rf"{NUM}{DASH}(?-i:(?:{type_codes})){SLASH}{issuer_group}(?:{DASH}{issuer_group})*"
    )
    strict_state = (
        rf"{NUM}{SLASH}(?:{YEAR}{SLASH})?(?-i:(?:{type_codes})){DASH}{issuer_group}"
        rf"(?:{DASH}{issuer_group})*"
        rf"|{NUM}{SLASH}{YEAR}{SLASH}(?-i:(?:UBTVQH|QH)\d{{2}})"
    )
    law_name = (
        rf"{GAP1}{UPPER}[\w]*(?:{NAME_SEP}{NAME_WORD}){{0,{LAW_NAME_WORDS - 1}}}?"
    )
    # A law, code, ordinance or the constitution, by number or by name and year or date.
    law_at = (
        rf"(?<!\w)(?<!pháp\s)(?P<lw>{law_words})(?P<lname>{law_name})?\s*,?\s*"
        rf"(?:(?P<lso>số\s*:?\s*)(?P<lsym>{STATE_SYMBOL})"
        rf"|(?:năm\s+)?(?P<lyear>{YEAR})(?![\d/.,-]\d)(?!\d)"
        rf"|(?=ngày\s+\d))"
    )
    # A type word, an optional qualifier, "số", and a number or symbol.
    typed_at = (
        rf"(?<!\w)(?P<tw>{type_words})(?:\s+(?P<qual>{qualifiers}))?"
        rf"(?P<so>{SO})"
        rf"(?P<val>(?:{NUMBER_LIST_PREFIX})?(?:{PARTY_SYMBOL}|{STATE_SYMBOL})"
        rf"|{NUMBER_YEAR}|{LONE_NUMBER})(?!\w)"
    )
    # A symbol standing alone, with a known type code: "218-QĐ/TW".
    bare_at = rf"(?<![\w.{SLASH[1:-1]}{DASH[1:-1]}])(?P<bare>{strict_party}|{strict_state})(?!\w)"
    # Triggers find where a citation may start: a type word, or digits followed by a dash or a
    # slash.  The word trigger runs case-sensitively on the lower-cased text, several times
    # faster than a case-insensitive scan; two simple scans beat one alternation of both
    # (BENCHMARKS.md).
    # Each word carries a look-ahead (trigger_word_ends) that drops, inside the scan, the hits
    # no citation can start at: 100,000 of the 116,000 in the shared corpus, mostly prose
    # ("quy định của", "kế hoạch phát triển").
    all_words = [w.lower() for t in lex.types for w in t.words]
    trigger_words = literal_trie(all_words, trigger_word_ends(lex))
    # The digit trigger is found from its dash or slash, much rarer than digits: the regex
    # engine skips ahead to those characters, where a leading digit would make it test every
    # character against the class \d (over twice as slow).  The look-behinds read the number
    # before the separator: 1 to NUM_DIGITS digits (group n holds n digits) after none of
    # DIGITS_REFUSED_BEFORE; see digit_trigger_starts.
    numbers_before = "|".join(
        rf"(?<=(?<!{DIGITS_REFUSED_BEFORE})(\d{{{n}}}).)" for n in range(1, NUM_DIGITS + 1)
    )
    trigger_digits = (
        rf"[{DASH[1:-1]}{SLASH[1:-1]}](?<=\d.)(?:{numbers_before})"
        rf"(?:(?<={DASH})|(?=(?:{YEAR}{SLASH})?[^\W\d_]))"
    )
    units = _alternation(list(lex.cues["units"]["words"]))
    aliases = [a for b in lex.bodies for a in b.aliases]
    aliases.sort(key=lambda a: (-len(a), a))
    body_alt = "|".join(alias_pattern(a) for a in aliases)
    place_stop = r"(?!(?:Khóa|Khoá|Về|Ngày|Số|Năm|Tại|Theo)\b)"
    place = rf"(?:\s+{place_stop}{UPPER}[\w]*(?:\s+{place_stop}{UPPER}[\w]*){{0,3}})"
    flags = re.IGNORECASE
    return CompiledPatterns(
        trigger_words=re.compile(trigger_words),
        trigger_words_ci=re.compile(trigger_words, flags),
        trigger_words_refused_before=WORD_CHAR,
        trigger_digits=re.compile(trigger_digits),
        law_at=re.compile(law_at, flags),
        typed_at=re.compile(typed_at, flags),
        bare_at=re.compile(bare_at, flags),
        type_words=re.compile(rf"(?<!\w)(?:{type_word_pattern(lex)})(?!\w)", flags),
        date=re.compile(DATE, flags),
        tail_date=re.compile(
            rf"{NO_BLANK}{GAP},?{GAP}\(?{GAP}(?:ban\s+hành\s+)?ngày{GAP}:?{GAP}(?:{DATE})(?!\d)"
            rf"(?:{GAP}\))?",
            flags,
        ),
        tail_year=re.compile(rf"{NO_BLANK}{GAP},?{GAP}năm\s+(?P<y>{YEAR})(?!\d)", flags),
        tail_issuer_intro=re.compile(rf"{NO_BLANK}{GAP},?{GAP}(?:của|do){GAP1}", flags),
        body=re.compile(rf"(?P<alias>{body_alt})(?!\w)(?P<place>{place})?", flags),
        body_joiner=re.compile(r"\s*(?:,\s*và|,|và|;)\s*", flags),
        term=re.compile(
            rf"{NO_BLANK}{GAP},?{GAP}\(?{GAP}(?:nhiệm\s+kỳ\s+)?kh(?:óa|oá)\s+(?P<term>{ROMAN}|\d{{1,2}})"
            rf"(?!\w)(?:{GAP}\))?",
            flags,
        ),
        # The subject runs to the end of the clause, or to a comma before the next citation
        # ("về công tác dân vận, Chương trình hành động của Tỉnh ủy về ...").
        title=re.compile(
            rf"{NO_BLANK}{GAP},?{GAP}[“\"]?{GAP}(?P<intro>về\s+việc|về|v/v){GAP1}"
            r"(?P<title>[^;\n“”\"()]{2,300}?)(?=\s*(?:[;\n”\"(]|\.(?:\s|$)|$"
            rf"|,\s*(?:{type_word_pattern(lex)})(?!\w)))",
            flags,
        ),
        quoted_title=re.compile(
            rf"{NO_BLANK}{GAP},?{GAP}(?:(?:về\s+việc|về|v/v){GAP}:?{GAP})?"
            r"(?:“(?P<title>[^”\n]{2,300})”|\"(?P<title2>[^\"\n]{2,300})\")",
            flags,
        ),
        party_symbol=re.compile(
            rf"(?P<num>{NUM})(?:\s?{DASH}\s?|\s)(?P<code>{CODE})\s?{SLASH}\s?"
            rf"(?P<rest>{CODE}(?:{INNER}{CODE})*)\Z",
            flags,
        ),
        state_symbol=re.compile(
            rf"(?P<num>{STATE_NUM})\s?{SLASH}\s?(?:(?P<year>{YEAR})\s?{SLASH}\s?)?"
            rf"(?P<groups>{CODE}(?:{INNER}{CODE})*)\Z",
            flags,
        ),
        number_list=re.compile(rf"(?P<num>{NUM})\s*(?P<sep>,|&|\bvà\b)\s*", flags),
        unit_after=re.compile(rf"{NO_BLANK}{GAP}(?:{units})(?!\w)", flags),
        list_gap=re.compile(r"\s*(?:,\s*và|,|và|&)\s*(?:(?:các|số)\s+)?\Z", flags),
        # "Luật Cán bộ, công chức số 80/2025/QH15": the last law word of the clause before a
        # National Assembly symbol, with "số" right before the symbol (searched backwards on a
        # short window; no clause break in between).
        law_word_before=re.compile(
            rf"(?<!\w)(?P<lw>{law_words})(?!\w)"
            r"(?P<lname>(?:[^;\n()“”\"]|\n(?![ \t*_]*\n)){0,300}?)"
            r"[\s*_]*\bsố[\s*_]*:?[\s*_]*\Z",
            flags,
        ),
        # "Luật sửa đổi, bổ sung một số điều của Luật Đấu thầu, Luật Đầu tư số 90/2025/QH15":
        # an amending law's name runs over the names of the laws it amends.
        amending_law_before=re.compile(
            rf"(?<!\w)(?P<lw>{law_words})\s+(?:sửa\s+đổi|bổ\s+sung)"
            r"(?:[^;()“”\"\n]|\n(?![ \t*_]*\n)){0,400}?\Z",
            flags,
        ),
        own_number_before=re.compile(
            r"(?:^|\n)[\s|*#>_]*(?:Số|Số\s+hiệu|Số\s+ký\s+hiệu)\s*:?[\s|*_]*\Z"
        ),
        # The header of an official document: "Số: 139/2025/QĐ-UBND", "Số hiệu: 25-NQ/TW",
        # from the line break before it (searched in "\n" + the text's head).
        own_number=re.compile(
            r"\n[\s|*#>_]*(?:Số|Số\s+hiệu|Số\s+ký\s+hiệu)\s*:?[\s|*_]*"
            rf"(?P<sym>{PARTY_SYMBOL}|{STATE_SYMBOL})(?!\w)"
        ),
        # "Đồng Tháp, ngày 26 tháng 11 năm 2025", "Ngày ban hành: 26/11/2025".
        header_date=re.compile(
            # Markdown emphasis may stand between the words ("Hà Nội, *ngày* *02 tháng 12
            # năm 2025*"): without it, the search ran on to the date of a "Căn cứ" line.
            rf"(?:,[\s*_]*|Ngày\s+ban\s+hành\s*:?[\s|*_]*|\bngày[\s*_]+)(?:ngày[\s*_]+)?"
            rf"(?:{DATE})",
            flags,
        ),
    )
