"""Regular expressions for citations, built once from the lexicon.

Every building block is a named constant with a comment saying why it looks the way it does.
All patterns run on NFC text (never on a rewritten copy), case-insensitively unless a part is
wrapped in ``(?-i:...)``; tone placement, Đ look-alikes, exotic dashes and spaces are accepted
by the patterns themselves (:func:`kg.normalize.tolerant_pattern`), so match offsets are offsets
into the text the user sees.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache

from kg.lexicon import Lexicon, alias_pattern, load_lexicon
from kg.normalize import DASH, HOMOGLYPHS, SLASH, UPPER_CLASS, tolerant_pattern

LETTER = r"[^\W\d_]"
# A document number: Arabic digits, leading zeros kept ("05"); six digits cover the largest
# customs notices ("39305/TB-CHQ").
NUM = r"\d{1,6}"
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


@dataclass(frozen=True)
class CompiledPatterns:
    """The compiled patterns for one lexicon."""

    # The two trigger scans carry no leading look-behind: a pattern that starts with one
    # defeats the regex engine's fast search for the first character (2-6x slower on long
    # texts), so the character before a match is checked by :func:`scan_after` instead.
    trigger_words: re.Pattern[str]
    trigger_words_ci: re.Pattern[str]
    trigger_words_refused_before: re.Pattern[str]
    trigger_digits: re.Pattern[str]
    trigger_digits_refused_before: re.Pattern[str]
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


def _alternation(phrases: list[str]) -> str:
    """Tolerant patterns for phrases, longest first so the longest phrase wins."""
    unique = sorted(set(phrases), key=lambda p: (-len(p), p))
    return "|".join(tolerant_pattern(p) for p in unique)


def literal_trie(phrases: list[str]) -> str:
    """A regex matching any of ``phrases`` (lower case), factored as a trie so the regex engine
    tries one branch per character instead of every phrase.  Spaces match any run of white
    space and "đ" also matches its look-alike "ð"."""
    root: dict[str, dict] = {}  # type: ignore[type-arg]
    for phrase in phrases:
        node = root
        for ch in " ".join(phrase.split()):
            node = node.setdefault(ch, {})
        node[""] = {}

    def atom(ch: str) -> str:
        if ch == " ":
            return r"\s+"
        if ch == "đ":
            return f"[{''.join(DJ_VARIANTS)}]"
        return re.escape(ch)

    def build(node: dict, top: bool = False) -> str:  # type: ignore[type-arg]
        branches = [
            # At the top every branch starts with one plain letter ("đ", "ð", "ɖ" apart),
            # which lets the regex engine skip ahead to those letters (twice as fast).
            variant + build(sub)
            for ch, sub in sorted(node.items())
            if ch
            for variant in (DJ_VARIANTS if top and ch == "đ" else (atom(ch),))
        ]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        # A phrase may end here or go on: the longer phrase is tried first (greedy "?").
        return f"(?:{body})?" if "" in node else body

    return build(root, top=True)


def type_word_pattern(lexicon: Lexicon, *, laws: bool | None = None) -> str:
    """An alternation of the type words (``laws=None``: all; True: only laws; False: no laws)."""
    words = [
        w for t in lexicon.types for w in t.words if laws is None or t.law == laws
    ]
    return _alternation(words)


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
    law_name = rf"{GAP1}{UPPER}[\w]*(?:{NAME_SEP}{NAME_WORD}){{0,13}}?"
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
        rf"(?P<so>{GAP}(?:số|sô){GAP}:?{GAP}|{GAP1})"
        rf"(?P<val>(?:{NUMBER_LIST_PREFIX})?(?:{PARTY_SYMBOL}|{STATE_SYMBOL})"
        rf"|{NUMBER_YEAR}|{LONE_NUMBER})(?!\w)"
    )
    # A symbol standing alone, with a known type code: "218-QĐ/TW".
    bare_at = rf"(?<![\w.{SLASH[1:-1]}{DASH[1:-1]}])(?P<bare>{strict_party}|{strict_state})(?!\w)"
    # Triggers find where a citation may start: a type word, or digits followed by a dash or a
    # slash.  The word trigger runs case-sensitively on the lower-cased text, several times
    # faster than a case-insensitive scan; two simple scans beat one alternation of both
    # (BENCHMARKS.md).
    all_words = [w for t in lex.types for w in t.words]
    trigger_words = rf"{literal_trie([w.lower() for w in all_words])}(?!\w)"
    # (\d first: the regex engine skips ahead to digits)
    trigger_digits = rf"\d\d{{0,5}}(?={DASH}|{SLASH}(?:{YEAR}{SLASH})?[^\W\d_])"
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
        trigger_digits_refused_before=re.compile(rf"[\w.{SLASH[1:-1]}{DASH[1:-1]}]"),
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
        # The header of an official document: "Số: 139/2025/QĐ-UBND", "Số hiệu: 25-NQ/TW".
        own_number=re.compile(
            r"(?:^|\n)[\s|*#>_]*(?:Số|Số\s+hiệu|Số\s+ký\s+hiệu)\s*:?[\s|*_]*"
            rf"(?P<sym>{PARTY_SYMBOL}|{STATE_SYMBOL})(?!\w)"
        ),
        # "Đồng Tháp, ngày 26 tháng 11 năm 2025", "Ngày ban hành: 26/11/2025".
        header_date=re.compile(
            rf"(?:,\s*|Ngày\s+ban\s+hành\s*:?[\s|*_]*|\bngày\s+)(?:ngày\s+)?(?:{DATE})",
            flags,
        ),
    )
