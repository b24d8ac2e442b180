"""Decoding Vietnamese texts in every encoding :mod:`kg.encodings` reads, and refusing the rest.

Legacy bytes are made here from Unicode text: Windows-1258 through Python's ``cp1258`` codec
(base letters with combining tones), TCVN3 and VNI by inverting the tables shipped with
``kg.encodings``.  A few byte strings written out by hand check the tables themselves.
"""

from __future__ import annotations

import codecs
import random
import unicodedata
from collections.abc import Callable
from functools import cache
from importlib.resources import files
from typing import Literal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kg.encodings import (
    DecodedText,
    UnreadableTextError,
    decode_tcvn3,
    decode_vietnamese,
    decode_vni,
    repair_mojibake,
)

# --- helpers: Unicode text -> legacy bytes ---------------------------------------------------

TONES = "\u0300\u0301\u0303\u0309\u0323"


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def to_cp1258(text: str) -> bytes:
    """Real Windows-1258 bytes: precomposed letters where cp1258 has them, otherwise the base
    letter (with its circumflex, breve or horn) followed by a combining tone."""
    out = bytearray()
    for char in nfc(text):
        try:
            out += char.encode("cp1258")
            continue
        except UnicodeEncodeError:
            pass
        parts = unicodedata.normalize("NFD", char)
        base = nfc(parts[0] + "".join(m for m in parts[1:] if m not in TONES))
        out += (base + "".join(m for m in parts[1:] if m in TONES)).encode("cp1258")
    return bytes(out)


def _table_rows(name: str) -> list[list[str]]:
    text = files("kg.encodings").joinpath(name).read_text(encoding="utf-8")
    return [line.split("\t") for line in text.splitlines() if line.startswith("0x")]


@cache
def _tcvn3_inverse() -> dict[str, int]:
    inverse: dict[str, int] = {}
    for row in _table_rows("tcvn3.tsv"):
        char = chr(int(row[1][2:], 16))
        if not unicodedata.combining(char):  # 0xB0-0xB4: bare tone marks, never needed
            inverse.setdefault(char, int(row[0], 16))
    return inverse


def _windows_punctuation(char: str) -> bytes:
    """The byte of a Windows-1252 punctuation mark in 0x80-0x9F (“ ” – … ‘ ’), which TCVN3
    and VNI files share with Windows-1252; else b""."""
    try:
        raw = char.encode("cp1252")
    except UnicodeEncodeError:
        return b""
    return raw if 0x80 <= raw[0] <= 0x9F else b""


def to_tcvn3(text: str) -> bytes:
    """TCVN3 bytes; raises ValueError for letters TCVN3 has no byte for (most toned capitals)."""
    out = bytearray()
    for char in nfc(text):
        if char.isascii():
            out.append(ord(char))
        elif char in _tcvn3_inverse():
            out.append(_tcvn3_inverse()[char])
        elif _windows_punctuation(char):
            out += _windows_punctuation(char)
        else:
            raise ValueError(f"TCVN3 cannot hold {char!r}")
    return bytes(out)


@cache
def _vni_inverse() -> dict[str, bytes]:
    """Letter -> VNI bytes: a one-byte letter, or a base letter followed by a mark byte (the
    upper-case form of the mark, 0xC0-0xDF, after a capital)."""
    letters: dict[str, int] = {}
    marks: dict[int, str] = {}
    for byte, kind, code_points, *_ in _table_rows("vni.tsv"):
        value = "".join(chr(int(cp[2:], 16)) for cp in code_points.split())
        if kind == "letter":
            letters[value] = int(byte, 16)
        else:
            marks[int(byte, 16)] = value
    inverse = {letter: bytes([b]) for letter, b in letters.items()}
    bases = {chr(b): bytes([b]) for b in range(0x41, 0x7B) if chr(b).isalpha()}
    bases.update((letter, bytes([b])) for letter, b in letters.items())  # ơ ư + mark: ờ ự
    for base, base_bytes in bases.items():
        for mark_byte, mark in marks.items():
            if (mark_byte < 0xE0) == base.isupper():
                letter = nfc(base + mark)
                if len(letter) == 1:
                    inverse.setdefault(letter, base_bytes + bytes([mark_byte]))
    return inverse


def to_vni(text: str) -> bytes:
    out = bytearray()
    for char in nfc(text):
        if char.isascii():
            out.append(ord(char))
        elif char in _vni_inverse():
            out += _vni_inverse()[char]
        elif _windows_punctuation(char):
            out += _windows_punctuation(char)
        else:
            raise ValueError(f"VNI (as tested here) cannot hold {char!r}")
    return bytes(out)


def misread_as_cp1252(raw: bytes) -> bytes:
    """A legacy file opened as Windows-1252 and saved again as UTF-8."""
    return raw.decode("cp1252").encode("utf-8")


# --- the helpers themselves, on bytes written out by hand ------------------------------------


def test_helpers_produce_known_bytes() -> None:
    assert to_cp1258("Công văn số 12") == b"C\xf4ng v\xe3n s\xf4\xec 12"
    assert to_cp1258("Nghị") == b"Nghi\xf2"  # i + combining dot below (U+0323 = 0xF2)
    assert to_tcvn3("Công văn số 12") == b"C\xabng v\xa8n s\xe8 12"
    assert to_vni("Công văn số 12") == b"Co\xe2ng va\xean so\xe1 12"
    assert to_vni("ĐẢNG") == b"\xd1A\xdbNG"
    assert to_vni("Trường") == b"Tr\xf6\xf4\xf8ng"  # ư, ơ, then huyền after ơ


def test_table_decoders_on_bytes_written_by_hand() -> None:
    assert decode_tcvn3(b"C\xabng v\xa8n s\xe8 12") == "Công văn số 12"
    assert decode_tcvn3(b"\xa7\xb6ng u\xfb") == "Đảng uỷ"
    assert decode_tcvn3(b"Ngh\xde quy\xd5t") == "Nghị quyết"
    assert decode_vni(b"Co\xe2ng va\xean so\xe1 12") == "Công văn số 12"
    assert decode_vni(b"\xd1A\xdbNG CO\xc4NG SA\xdbN") == "ĐẢNG CỘNG SẢN"
    assert decode_vni(b"ng\xf6\xf4\xf8i da\xe2n") == "người dân"
    # 0x80-0x9F read as Windows-1252 punctuation in both
    assert decode_tcvn3(b"\x93a\x94 \x96 \x85") == "\u201ca\u201d \u2013 \u2026"
    assert decode_vni(b"\x93a\x94") == "\u201ca\u201d"


def test_table_decoders_return_nfc() -> None:
    for text in (decode_tcvn3(b"Ngh\xde quy\xd5t"), decode_vni(b"Ngh\xf2 quye\xe1t")):
        assert unicodedata.is_normalized("NFC", text)


# --- every supported encoding, on several texts ----------------------------------------------

TEXTS = [
    "Nghị quyết số 25-NQ/TW ngày 03/6/2013 của Ban Chấp hành Trung ương về công tác dân vận",
    "Uỷ ban nhân dân tỉnh ban hành Quyết định số 1520/QĐ-UBND ngày 15/7/2021 về việc phê "
    "duyệt kế hoạch cải cách hành chính.",
    "Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015;\n"
    "Theo đề nghị của Giám đốc Sở Tư pháp,",
    "Đảng bộ xã đã tổ chức quán triệt Chỉ thị số 05-CT/TW của Bộ Chính trị; các chi bộ đều có "
    "kế hoạch cụ thể để thực hiện.",
    "Báo cáo \u201cKết quả 10 năm thực hiện Nghị quyết\u201d \u2013 Ban Dân vận Huyện uỷ\r\n"
    "Ngày 22/06/2020, hội nghị tổng kết đã diễn ra tại trụ sở Huyện uỷ.",
]

Encoder = Callable[[str], bytes]

ENCODINGS: list[tuple[str, Encoder, str]] = [
    # (case, how the bytes are made, the encoding decode_vietnamese must report)
    ("utf-8", lambda t: t.encode("utf-8"), "utf-8"),
    ("utf-8 with BOM", lambda t: codecs.BOM_UTF8 + t.encode("utf-8"), "utf-8"),
    ("utf-8 NFD", lambda t: unicodedata.normalize("NFD", t).encode("utf-8"), "utf-8"),
    ("utf-16 (BOM, native order)", lambda t: t.encode("utf-16"), "utf-16"),
    ("utf-16-le with BOM", lambda t: codecs.BOM_UTF16_LE + t.encode("utf-16-le"), "utf-16"),
    ("utf-16-be with BOM", lambda t: codecs.BOM_UTF16_BE + t.encode("utf-16-be"), "utf-16"),
    ("utf-16-le without BOM", lambda t: t.encode("utf-16-le"), "utf-16-le"),
    ("utf-16-be without BOM", lambda t: t.encode("utf-16-be"), "utf-16-be"),
    ("utf-32 (BOM, native order)", lambda t: t.encode("utf-32"), "utf-32"),
    ("utf-32-be with BOM", lambda t: codecs.BOM_UTF32_BE + t.encode("utf-32-be"), "utf-32"),
    ("windows-1258", to_cp1258, "windows-1258"),
    ("tcvn3", to_tcvn3, "tcvn3"),
    ("vni", to_vni, "vni"),
    ("tcvn3 misread as cp1252, saved as utf-8", lambda t: misread_as_cp1252(to_tcvn3(t)),
     "tcvn3 (re-saved as utf-8)"),
    ("vni misread as cp1252, saved as utf-8", lambda t: misread_as_cp1252(to_vni(t)),
     "vni (re-saved as utf-8)"),
    ("tcvn3 misread as cp1252, saved as utf-8 with BOM",
     lambda t: codecs.BOM_UTF8 + misread_as_cp1252(to_tcvn3(t)), "tcvn3 (re-saved as utf-8)"),
    ("tcvn3 misread as latin-1, saved as utf-8",
     lambda t: to_tcvn3(t).decode("latin-1").encode("utf-8"), "tcvn3 (re-saved as utf-8)"),
    ("vni misread as cp1252, saved as utf-16",
     lambda t: to_vni(t).decode("cp1252").encode("utf-16"), "vni (re-saved as utf-16)"),
]


@pytest.mark.parametrize("text", TEXTS, ids=[f"text{i}" for i in range(len(TEXTS))])
@pytest.mark.parametrize(
    ("encode", "expected"), [(e, x) for _, e, x in ENCODINGS], ids=[c for c, _, _ in ENCODINGS]
)
def test_decode_every_encoding(text: str, encode: Encoder, expected: str) -> None:
    decoded = decode_vietnamese(encode(text))
    assert isinstance(decoded, DecodedText)
    assert decoded.encoding == expected
    assert nfc(decoded.text) == nfc(text)


def test_vni_capitals_with_tones() -> None:
    text = "ĐẢNG CỘNG SẢN VIỆT NAM\nBAN CHẤP HÀNH TRUNG ƯƠNG\nSố 25-NQ/TW của Ban Chấp hành"
    assert decode_vietnamese(to_vni(text)) == DecodedText(text, "vni")


def test_tcvn3_has_no_byte_for_most_toned_capitals() -> None:
    with pytest.raises(ValueError):
        to_tcvn3("ĐẢNG")
    # .VnTimeH capitals reuse the lower-case bytes: the decoder gives what the bytes say
    assert decode_tcvn3(to_tcvn3("đảng")) == "đảng"


def test_windows_1258_decodes_to_nfc_though_the_bytes_are_neither_nfc_nor_nfd() -> None:
    raw = to_cp1258(TEXTS[0])
    assert b"\xf2" in raw  # a combining dot below: cp1258 has no "ị"
    decoded = decode_vietnamese(raw)
    assert decoded.text == nfc(TEXTS[0])
    assert unicodedata.is_normalized("NFC", decoded.text)


def test_legacy_encoding_found_deep_inside_a_large_file() -> None:
    """Encodings are chosen on a sample of big files; the sample covers the whole file."""
    raw = b"Introduction in plain ASCII.\n" * 60_000 + to_tcvn3(" ".join(TEXTS))
    assert len(raw) > 1_500_000
    decoded = decode_vietnamese(raw)
    assert decoded.encoding == "tcvn3"
    assert decoded.text.endswith(nfc(" ".join(TEXTS)))


def test_legacy_encoding_found_between_the_sampled_parts_of_a_large_file() -> None:
    """An inconclusive sample (plain ASCII) makes the whole file be read in every encoding."""
    line = b"Plain ASCII line.\n"
    raw = line * (100_000 // len(line)) + to_tcvn3(TEXTS[0]) + b"\n"
    raw += line * ((2_000_000 - len(raw)) // len(line))
    decoded = decode_vietnamese(raw)
    assert decoded.encoding == "tcvn3"
    assert nfc(TEXTS[0]) in decoded.text


def test_large_ascii_file_with_windows_punctuation() -> None:
    raw = b"He said \x93yes\x94 and left.\n" * 100_000
    assert decode_vietnamese(raw).encoding == "windows-1258"


# --- mojibake repair ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("mojibake", "expected", "encoding"),
    [
        ("Uû ban nh©n d©n", "Uỷ ban nhân dân", "tcvn3 (re-saved as utf-8)"),
        ("C«ng t¸c d©n vËn cña §¶ng", "Công tác dân vận của Đảng", "tcvn3 (re-saved as utf-8)"),
        ("Xin chaøo caùc baïn", "Xin chào các bạn", "vni (re-saved as utf-8)"),
        ("Nghò quyeát cuûa Ñaûng", "Nghị quyết của Đảng", "vni (re-saved as utf-8)"),
    ],
)
def test_repair_mojibake(mojibake: str, expected: str, encoding: str) -> None:
    repaired = repair_mojibake(mojibake)
    assert repaired == DecodedText(expected, encoding)
    assert unicodedata.is_normalized("NFC", repaired.text)
    assert decode_vietnamese(mojibake.encode("utf-8")) == DecodedText(expected, encoding)


def test_vni_mojibake_is_not_taken_for_tcvn3_mojibake() -> None:
    """Read as TCVN3, VNI bytes give Vietnamese letters too, and VNI "VỊ" gives "Về": the
    reading with more common words must win, not the first one tried."""
    text = "ĐƠN VỊ: Uỷ ban nhân dân xã\nBáo cáo của đơn vị về công tác dân vận năm 2020"
    raw = misread_as_cp1252(to_vni(text))
    assert decode_tcvn3(raw.decode("utf-8").encode("cp1252")).startswith("ẹễN Về")
    assert decode_vietnamese(raw) == DecodedText(text, "vni (re-saved as utf-8)")


@pytest.mark.parametrize(
    "text",
    [
        "Uỷ ban nhân dân tỉnh",  # real Vietnamese
        "Rõ ràng, mùa màng tốt",  # real Vietnamese with õ and ù, which also occur in mojibake
        "cã mùa",  # only Vietnamese letters: could be TCVN3 "có mựa", but is left alone
        "Où est le garçon? Très bien, ça va.",  # French
        "Copyright © 2020. All rights reserved.",
        "",
    ],
)
def test_no_repair_of_real_text(text: str) -> None:
    assert repair_mojibake(text) is None
    decoded = decode_vietnamese(text.encode("utf-8"))
    assert decoded == DecodedText(text, "utf-8")


# --- plain, empty and unreadable inputs --------------------------------------------------------


def test_ascii_english_is_utf8() -> None:
    raw = b"The provincial committee adopted the plan on 3 June 2013.\nSee section 2.\n"
    assert decode_vietnamese(raw) == DecodedText(raw.decode("ascii"), "utf-8")


def test_empty_bytes_decode_to_empty_text() -> None:
    assert decode_vietnamese(b"") == DecodedText("", "utf-8")


def test_bom_only_decodes_to_empty_text() -> None:
    assert decode_vietnamese(codecs.BOM_UTF8).text == ""
    assert decode_vietnamese(codecs.BOM_UTF16_LE).text == ""


def test_ascii_with_windows_punctuation_is_read() -> None:
    raw = b"He said \x93yes\x94 \x96 and left\x85"
    assert decode_vietnamese(raw) == DecodedText(
        "He said \u201cyes\u201d \u2013 and left\u2026", "windows-1258"
    )


def test_unicode_text_in_another_language_is_returned_as_it_is() -> None:
    for text in ("中华人民共和国宪法是国家的根本法。", "Le comité a adopté la délibération."):
        assert decode_vietnamese(text.encode("utf-8")) == DecodedText(text, "utf-8")


_JAPANESE = "法律第二十五号は令和三年に公布された。東京都の条例について説明します。" * 4
_CHINESE = "全国人民代表大会常务委员会第二十次会议通过了这项决定，自公布之日起施行。" * 4
_FRENCH = (
    "Le conseil municipal a adopté la délibération relative à l'aménagement du quartier; "
    "le maître d'ouvrage présentera ses conclusions où il le jugera utile. Ça suffit, garçon!"
)
_RANDOM = random.Random(20240603)

UNREADABLE: list[tuple[str, bytes, str]] = [
    # (case, bytes, what the one-line message must say)
    ("pdf", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>", "PDF"),
    ("zip", b"PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00", "ZIP"),
    ("png", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00", "PNG"),
    ("jpeg", b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01", "JPEG"),
    ("random binary", bytes(_RANDOM.randrange(256) for _ in range(8192)), "binary"),
    ("NULs in text", b"Nghi quyet\x00\x00\x00 so 25\x00\x00", "binary"),
    ("random high bytes", bytes(_RANDOM.randrange(0x80, 0x100) for _ in range(4096)),
     "unknown encoding"),
    ("shift-jis", _JAPANESE.encode("shift_jis"), "unknown encoding"),
    ("euc-jp", _JAPANESE.encode("euc_jp"), "unknown encoding"),
    ("gbk", _CHINESE.encode("gbk"), "unknown encoding"),
    ("big5", "中華民國憲法第一條".encode("big5") * 10, "unknown encoding"),
    ("french latin-1", _FRENCH.encode("latin-1"), "unknown encoding"),
    ("russian cp1251", ("Федеральный закон принят Государственной Думой. " * 5).encode("cp1251"),
     "unknown encoding"),
    ("utf-16 BOM then binary", b"\xff\xfe" + bytes(_RANDOM.randrange(8) for _ in range(512)),
     "binary"),
    ("utf-8 BOM then invalid utf-8", codecs.BOM_UTF8 + b"abc\xff\xfe", "UTF-8 byte-order mark"),
    ("utf-16 BOM and odd length", codecs.BOM_UTF16_LE + "Nghị".encode("utf-16-le") + b"x",
     "UTF-16 byte-order mark"),
]


@pytest.mark.parametrize(("raw", "reason"), [(r, m) for _, r, m in UNREADABLE],
                         ids=[c for c, _, _ in UNREADABLE])
def test_unreadable_input_is_refused_in_one_line(raw: bytes, reason: str) -> None:
    with pytest.raises(UnreadableTextError) as info:
        decode_vietnamese(raw)
    message = str(info.value)
    assert reason in message
    assert message.strip() == message and "\n" not in message
    assert isinstance(info.value, ValueError)


# --- properties ---------------------------------------------------------------------------------


def _vietnamese_letters() -> str:
    letters = set("abcdefghijklmnopqrstuvwxyzđ")
    for vowel in "aăâeêioôơuưy":
        for tone in ("", *TONES):
            letters.add(nfc(vowel + tone))
    letters |= {c.upper() for c in letters}
    return "".join(sorted(letters))


LETTERS = _vietnamese_letters()
ALPHABET = LETTERS + "0123456789" + " \n" + ".,;:!?()/-%\"'" + "\u201c\u201d\u2013"
TCVN3_ALPHABET = "".join(
    c for c in ALPHABET if c.isascii() or c in _tcvn3_inverse() or _windows_punctuation(c)
)
VNI_ALPHABET = "".join(
    c for c in ALPHABET if c.isascii() or c in _vni_inverse() or _windows_punctuation(c)
)
# Enough common words for the encoding to be recognised whatever follows.
PREFIX = "Nghị quyết của Ban Chấp hành về công tác dân vận và việc thực hiện trong tỉnh. "


def test_alphabets() -> None:
    assert len(LETTERS) == 2 * (26 + 1 + 12 * 6 - 6)  # a-z, đ, 12 vowels x 6 tones
    assert VNI_ALPHABET == ALPHABET  # VNI writes every Vietnamese letter
    assert "Ả" not in TCVN3_ALPHABET and "ả" in TCVN3_ALPHABET


@pytest.mark.parametrize("codec", ["utf-8", "utf-8-sig", "utf-16", "utf-32"])
@given(text=st.text(alphabet=ALPHABET, max_size=200), form=st.sampled_from(["NFC", "NFD"]))
@settings(max_examples=150)
def test_unicode_round_trip(codec: str, text: str, form: Literal["NFC", "NFD"]) -> None:
    raw = unicodedata.normalize(form, text).encode(codec)
    assert nfc(decode_vietnamese(raw).text) == nfc(text)


@given(text=st.text(alphabet=TCVN3_ALPHABET, max_size=200))
@settings(max_examples=200)
def test_tcvn3_round_trip(text: str) -> None:
    assert decode_tcvn3(to_tcvn3(text)) == nfc(text)


@given(text=st.text(alphabet=VNI_ALPHABET, max_size=200))
@settings(max_examples=200)
def test_vni_round_trip(text: str) -> None:
    assert decode_vni(to_vni(text)) == nfc(text)


@pytest.mark.parametrize(
    ("encode", "alphabet", "name"),
    [
        (to_cp1258, ALPHABET, "windows-1258"),
        (to_tcvn3, TCVN3_ALPHABET, "tcvn3"),
        (to_vni, VNI_ALPHABET, "vni"),
    ],
    ids=["windows-1258", "tcvn3", "vni"],
)
@given(data=st.data())
@settings(max_examples=100)
def test_legacy_round_trip_through_detection(
    encode: Encoder, alphabet: str, name: str, data: st.DataObject
) -> None:
    text = PREFIX + data.draw(st.text(alphabet=alphabet, max_size=60))
    decoded = decode_vietnamese(encode(text))
    assert (decoded.encoding, decoded.text) == (name, nfc(text))


# --- large input (speed itself is measured by benchmarks, not by timed tests) -------------------


@pytest.mark.parametrize("encode", [to_tcvn3, to_vni, to_cp1258],
                         ids=["tcvn3", "vni", "windows-1258"])
def test_five_megabytes_of_legacy_text_decode_whole(encode: Encoder) -> None:
    block = encode("\n".join(TEXTS) + "\n")
    copies = 5_000_000 // len(block) + 1
    decoded = decode_vietnamese(block * copies)
    assert decoded.text == nfc("\n".join(TEXTS) + "\n") * copies
