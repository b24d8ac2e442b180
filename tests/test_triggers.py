"""The shortcuts that make extraction and relation finding fast, and why they lose nothing.

* The word trigger (:func:`kg.patterns.trigger_word_ends`) drops, inside its scan, the hits of
  type words where neither ``typed_at`` nor ``law_at`` can match.  The table below holds cases
  on both sides of each condition; the property compares the hits where a citation may start
  with those of the unfiltered trigger on generated text.
* The digit trigger is found from its separator (:func:`kg.patterns.digit_trigger_starts`);
  it must give the starts the old digit-first scan with :func:`kg.patterns.scan_after` gave.
* The relation cue pattern (:func:`kg.relate._alternation`) starts with an exact class of
  case variants; it must match what its plain case-insensitive form matches.
* A text's own number is searched from line breaks, the text's start standing as one.
"""

from __future__ import annotations

import re
import sys

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kg import extract_citations
from kg.extract import default_finder
from kg.lexicon import load_lexicon
from kg.normalize import DASH, SLASH, tolerant_pattern
from kg.patterns import (
    DIGITS_REFUSED_BEFORE,
    WORD_CHAR,
    YEAR,
    compile_patterns,
    digit_trigger_starts,
    literal_trie,
    scan_after,
)
from kg.relate import _alternation, _case_variants, _compiled, _plain_alternation

LEX = load_lexicon()
P = compile_patterns()
PROPERTIES = settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)

# (text, [(span text, type, symbol or name, year)]): citations just inside and just outside
# the conditions of the word trigger's look-aheads.
CASES: list[tuple[str, list[tuple[str, str, str | None, int | None]]]] = [
    # typed_at: the number comes after the word, a qualifier and "số" / "số:" / white space
    (
        "Nghị quyết số 25-NQ/TW ngày 03/6/2013",
        [("Nghị quyết số 25-NQ/TW", "Nghị quyết", "25-NQ/TW", 2013)],
    ),
    ("Kế hoạch 21-KH/BCSĐ", [("Kế hoạch 21-KH/BCSĐ", "Kế hoạch", "21-KH/BCSĐ", None)]),
    ("Kế hoạch số: 93-KH/TU", [("Kế hoạch số: 93-KH/TU", "Kế hoạch", "93-KH/TU", None)]),
    ("Kế hoạch sô 93-KH/TU", [("Kế hoạch sô 93-KH/TU", "Kế hoạch", "93-KH/TU", None)]),
    ("Kế hoạch số\n93-KH/TU", [("Kế hoạch số\n93-KH/TU", "Kế hoạch", "93-KH/TU", None)]),
    ("Kế hoạch\nsố 93-KH/TU", [("Kế hoạch\nsố 93-KH/TU", "Kế hoạch", "93-KH/TU", None)]),
    # a colon before "số", a blank line: no typed citation, only the bare symbol
    ("Kế hoạch: số 93-KH/TU", [("93-KH/TU", "Kế hoạch", "93-KH/TU", None)]),
    ("Kế hoạch\n\nsố 93-KH/TU", [("93-KH/TU", "Kế hoạch", "93-KH/TU", None)]),
    (
        "Kế hoạch phối hợp số 21-KH/BCSĐ-BDVTU",
        [("Kế hoạch phối hợp số 21-KH/BCSĐ-BDVTU", "Kế hoạch", "21-KH/BCSĐ-BDVTU", None)],
    ),
    (
        "Chương trình hành động số 17-CTr/TU",
        [("Chương trình hành động số 17-CTr/TU", "Chương trình", "17-CTr/TU", None)],
    ),
    (
        "Nghị quyết liên tịch số 01/2020/NQLT-CP-UBTƯMTTQVN",
        [
            (
                "Nghị quyết liên tịch số 01/2020/NQLT-CP-UBTƯMTTQVN",
                "Nghị quyết liên tịch",
                "01/2020/NQLT-CP-UBTƯMTTQVN",
                2020,
            )
        ],
    ),
    # typed_at reads a longer word than the trigger (a dotless ı matches "i" only when case is
    # ignored), or the trigger's longer word as a shorter one and a qualifier
    (
        "Thông tư lıên tịch số 1/2020/TTLT-BTC",
        [("Thông tư lıên tịch số 1/2020/TTLT-BTC", "Thông tư liên tịch", "1/2020/TTLT-BTC", 2020)],
    ),
    (
        "Văn bản hợp nhất số 05/VBHN-VPQH",
        [("Văn bản hợp nhất số 05/VBHN-VPQH", "Văn bản hợp nhất", "05/VBHN-VPQH", None)],
    ),
    (
        "Quyết định 217, 218-QĐ/TW ngày 12/12/2013",
        [
            ("Quyết định 217", "Quyết định", "217-QĐ/TW", 2013),
            ("218-QĐ/TW", "Quyết định", "218-QĐ/TW", 2013),
        ],
    ),
    ("NGHỊ QUYẾT SỐ 25-NQ/TW", [("NGHỊ QUYẾT SỐ 25-NQ/TW", "Nghị quyết", "25-NQ/TW", None)]),
    ("BİÊN BẢN 1-BB/TW", [("BİÊN BẢN 1-BB/TW", "Biên bản", "1-BB/TW", None)]),
    (
        "Quyết ðịnh số 217-QĐ/TW",
        [("Quyết ðịnh số 217-QĐ/TW", "Quyết định", "217-QĐ/TW", None)],
    ),
    ("Nghị quyết 57", [("Nghị quyết 57", "Nghị quyết", None, None)]),
    # prose: no number after the word
    ("Kế hoạch phát triển kinh tế năm 2025", []),
    ("Kế hoạch 2020 của tỉnh", []),
    # a type word starting inside another: the outer word's hit is kept, as without the
    # look-aheads, so the inner word is not read ("nghị quyết|định", "công văn|bản")
    ("Hội nghị quyết định số 5-QĐ/TW", [("5-QĐ/TW", "Quyết định", "5-QĐ/TW", None)]),
    ("Thông báo cáo số 5-TB/TU", [("5-TB/TU", "Thông báo", "5-TB/TU", None)]),
    ("Công văn bản số 12/UBND-NC", []),
    # law_at: a digit after the name (at most LAW_NAME_WORDS words) and "số" / "năm" / "ngày"
    ("Luật Đất đai 2013", [("Luật Đất đai 2013", "Luật", "Luật Đất đai", 2013)]),
    ("Luật số 45/2013/QH13", [("Luật số 45/2013/QH13", "Luật", "45/2013/QH13", 2013)]),
    ("Luật Đất đai ngày 29/11/2013", [("Luật Đất đai", "Luật", "Luật Đất đai", 2013)]),
    (
        "Luật Đất đai số: 45/2013/QH13",
        [("Luật Đất đai số: 45/2013/QH13", "Luật", "45/2013/QH13", 2013)],
    ),
    ("Luật Đất đai, năm 2013", [("Luật Đất đai, năm 2013", "Luật", "Luật Đất đai", 2013)]),
    (
        "Luật Phòng, chống tham nhũng năm 2018",
        [
            (
                "Luật Phòng, chống tham nhũng năm 2018",
                "Luật",
                "Luật Phòng, chống tham nhũng",
                2018,
            )
        ],
    ),
    (
        "Luật A B C D E F G H I K L M N O năm 2013",
        [
            (
                "Luật A B C D E F G H I K L M N O năm 2013",
                "Luật",
                "Luật A B C D E F G H I K L M N O",
                2013,
            )
        ],
    ),
    ("Luật A B C D E F G H I K L M N O P năm 2013", []),  # a name of 15 words
    ("theo quy định của pháp luật năm 2013", []),
    ("theo pháp Luật Đất đai 2013", []),
    ("Hiến pháp năm 2013", [("Hiến pháp năm 2013", "Hiến pháp", "Hiến pháp", 2013)]),
    ("Bộ luật Hình sự 2015", [("Bộ luật Hình sự 2015", "Bộ luật", "Bộ luật Hình sự", 2015)]),
    (
        "Pháp lệnh số 02/2022/UBTVQH15",
        [("Pháp lệnh số 02/2022/UBTVQH15", "Pháp lệnh", "02/2022/UBTVQH15", 2022)],
    ),
    # the digit trigger: 1-6 digits after no letter, digit, ".", "/" or "-"
    ("25-NQ/TW ngày 03/6/2013", [("25-NQ/TW", "Nghị quyết", "25-NQ/TW", 2013)]),
    ("số 1234567-NQ/TW và 123456-NQ/TW", [("123456-NQ/TW", "Nghị quyết", "123456-NQ/TW", None)]),
    ("theo 1.500/QĐ-UBND", []),
    ("số 5/123/QĐ-UBND", []),
    ("ngày 12/3/2020 và giai đoạn 2020-2025", []),
]


@pytest.mark.parametrize(("text", "expected"), CASES)
def test_citations_at_the_edges_of_the_trigger_conditions(
    text: str, expected: list[tuple[str, str, str | None, int | None]]
) -> None:
    found = [(c.text, c.type, c.symbol or c.name, c.year) for c in extract_citations(text)]
    assert found == expected


# ---------------------------------------------------------------------------- properties

_WORDS = sorted({w for t in LEX.types for w in t.words})
_QUALIFIERS = list(LEX.cues["qualifiers"]["words"])
_FRAGMENTS = [
    *_WORDS,
    *(w.upper() for w in _WORDS),
    *(w.lower() for w in _WORDS),
    *_QUALIFIERS,
    "số", "Số", "sô", "SỐ", ":", "năm", "ngày", "pháp", "Pháp", "của", "phát triển", "về",
    "Đất đai", "A", "B", "Hình sự", "chống", "liên", "tịch", "hợp", "nhất", "cáo", "định",
    "bản", "lệnh", "luật", "Luật", "ı", "İ", "ð", "ſ", "Kİ",
    "5", "25", "217", "2013", "1234567", "1.500", "12/3/2020", "25-NQ/TW", "45/2013/QH13",
    "30/2020/NĐ-CP", "16/CT-TTg", "217 QĐ/TW", "21-KH/BCSĐ-BDVTU", "-", "/", "\u2013", "∕",
    ",", ".", ";", "(", ")", "_",
]  # fmt: skip
_GLUE = [" ", " ", " ", "", "\n", "\n\n", "\u00a0", ", ", "\t"]

citation_like = st.lists(
    st.tuples(st.sampled_from(_FRAGMENTS), st.sampled_from(_GLUE)), max_size=25
).map(lambda parts: "".join(a + b for a, b in parts))


def _starts(text: str, words: re.Pattern[str], words_ci: re.Pattern[str]) -> list[int]:
    """The word-trigger hits where typed_at or law_at matches, scanned as CitationFinder.find
    scans them."""
    lowered = text.lower()
    if len(lowered) == len(text):
        hits = scan_after(words, lowered, WORD_CHAR)
    else:
        hits = scan_after(words_ci, text, WORD_CHAR)
    return [
        m.start()
        for m in hits
        if P.typed_at.match(text, m.start()) or P.law_at.match(text, m.start())
    ]


_PLAIN = literal_trie([w.lower() for w in _WORDS]) + r"(?!\w)"
PLAIN_WORDS = re.compile(_PLAIN)
PLAIN_WORDS_CI = re.compile(_PLAIN, re.IGNORECASE)
PLAIN_DIGITS = re.compile(rf"\d\d{{0,5}}(?={DASH}|{SLASH}(?:{YEAR}{SLASH})?[^\W\d_])")
DIGITS_REFUSED = re.compile(DIGITS_REFUSED_BEFORE)


@PROPERTIES
@given(citation_like)
def test_word_trigger_keeps_every_hit_a_citation_may_start_at(text: str) -> None:
    assert _starts(text, P.trigger_words, P.trigger_words_ci) == _starts(
        text, PLAIN_WORDS, PLAIN_WORDS_CI
    )


@PROPERTIES
@given(citation_like)
def test_digit_trigger_found_from_its_separator(text: str) -> None:
    expected = [m.start() for m in scan_after(PLAIN_DIGITS, text, DIGITS_REFUSED)]
    assert digit_trigger_starts(P.trigger_digits, text) == expected


@pytest.mark.parametrize(
    "text",
    ["25-NQ/TW", "x25-NQ/TW", "1234567-NQ/TW", "123456-NQ/TW", "5/123/QĐ-UBND", "1.5-KH",
     "12/2020/NĐ-CP", "12/3/2020", "12/2020/5", "٣/QĐ-UBND", "(5∕QĐ-UBND)", "2020-2025"],
)  # fmt: skip
def test_digit_trigger_examples(text: str) -> None:
    expected = [m.start() for m in scan_after(PLAIN_DIGITS, text, DIGITS_REFUSED)]
    assert digit_trigger_starts(P.trigger_digits, text) == expected


# ---------------------------------------------------------------------------- relation cues

CUES = _compiled(LEX)
CUE_WORDS = [*CUES.relation_of, *CUES.creation]
PLAIN_CUES = re.compile(_plain_alternation(CUE_WORDS))
_CUE_FRAGMENTS = [
    *CUE_WORDS, *(w.upper() for w in CUE_WORDS), *(w.title() for w in CUE_WORDS),
    "Kelvin \u212a", "ſ", "ı", "İ", "x", "Nghị quyết 25-NQ/TW", "theo", "và", "các", "5",
]  # fmt: skip


@PROPERTIES
@given(
    st.lists(
        st.tuples(st.sampled_from(_CUE_FRAGMENTS), st.sampled_from(_GLUE)), max_size=20
    ).map(lambda parts: "".join(a + b for a, b in parts)),
    st.integers(0, 5),
)
def test_cue_pattern_matches_as_its_plain_form(text: str, offset: int) -> None:
    def spans(pattern: re.Pattern[str]) -> list[tuple[int, int]]:
        return [m.span() for m in pattern.finditer(text, offset, len(text) - offset)]

    assert CUES.words.pattern != PLAIN_CUES.pattern  # the fast form is in use
    assert spans(CUES.words) == spans(PLAIN_CUES)


def test_no_case_variant_of_a_cue_letter_outside_the_bmp() -> None:
    """_case_variants looks in the Basic Multilingual Plane only."""
    astral = "".join(map(chr, range(0x10000, sys.maxunicode + 1)))
    for first in {tolerant_pattern(word[:1]) for word in CUE_WORDS}:
        assert re.search(f"(?i:{first})", astral) is None, first
        assert re.fullmatch(f"[{re.escape(_case_variants(first))}]", first.strip("[]")[0])


def test_cue_letters_include_exotic_case_variants() -> None:
    pattern = _alternation(["kết luận", "sửa đổi"])
    assert "\u212a" in pattern.split("]")[0]  # KELVIN SIGN matches "k" when case is ignored
    assert "ſ" in pattern.split("]")[0]  # LATIN SMALL LETTER LONG S matches "s"
    assert re.compile(pattern).search("theo \u212aết luận") is not None


# ---------------------------------------------------------------------------- own number

# own_number is searched from line breaks, in "\n" + the head (kg.extract.own_document): the
# first line counts, offsets are the text's.  (text, (start, end, symbol, date) or None)
OWN: list[tuple[str, tuple[int, int, str, str | None] | None]] = [
    (
        "Số: 139/2025/QĐ-UBND\nĐồng Tháp, ngày 26 tháng 11 năm 2025",
        (4, 20, "139/2025/QĐ-UBND", "2025-11-26"),
    ),
    (
        "\nSố: 139/2025/QĐ-UBND\nĐồng Tháp, ngày 26 tháng 11 năm 2025",
        (5, 21, "139/2025/QĐ-UBND", "2025-11-26"),
    ),
    (
        "ỦY BAN NHÂN DÂN\n| Số: 139/2025/QĐ-UBND | Đồng Tháp, ngày 26 tháng 11 năm 2025 |",
        (22, 38, "139/2025/QĐ-UBND", "2025-11-26"),
    ),
    ("TỈNH ỦY\n  Số hiệu: 25-NQ/TW\nNgày ban hành: 03/6/2013", (19, 27, "25-NQ/TW", "2013-06-03")),
    ("  ** Số ký hiệu: 12/2020/NĐ-CP\n", (17, 30, "12/2020/NĐ-CP", None)),
    ("Theo Số: 139/2025/QĐ-UBND", None),
    # The date line in markdown emphasis, a "Căn cứ" line with another date below it: the
    # header's date, not the next one.
    (
        "Số:\n58/2025/TT-BCT\n|\n*Hà Nội,\nngày*\n*02 tháng 12 năm 2025*\n|\n"
        "*Căn cứ Nghị định số 40/2025/NĐ-CP\nngày 26 tháng 02 năm 2025 của Chính phủ*",
        (4, 18, "58/2025/TT-BCT", "2025-12-02"),
    ),
    (
        "Số: 12/KH-UBND\n*Hà Nội, ngày* *05 tháng 3 năm 2024*\nCăn cứ Luật số 1 ngày 01/01/2020",
        (4, 14, "12/KH-UBND", "2024-03-05"),
    ),
]


@pytest.mark.parametrize(("text", "expected"), OWN)
def test_own_number_on_any_line_of_the_head(
    text: str, expected: tuple[int, int, str, str | None] | None
) -> None:
    own = default_finder().own_document(text)
    assert (own and (own.start, own.end, own.symbol, own.date)) == expected
    if own is not None:
        assert text[own.start : own.end] == own.text == own.symbol
