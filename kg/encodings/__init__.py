"""Decode the bytes of a Vietnamese text, whatever encoding it was saved in.

Modern texts are UTF-8 (sometimes with a byte-order mark) or UTF-16 (Word's "Unicode text");
older ones come in Windows-1258 or in the 8-bit font encodings TCVN3 (ABC, ``.VnTime``) and
VNI (``VNI-Times``), for which Python has no codec.  Those two are table-driven from
``tcvn3.tsv`` and ``vni.tsv`` beside this file (sources in their headers).

Legacy encodings cannot be told apart by their bytes alone, so every candidate is decoded
and the one whose words look most like Vietnamese wins; when none does, the text is refused
with :class:`UnreadableTextError` rather than passed on as mojibake.

>>> decode_vietnamese("Nghị quyết".encode("utf-8")).encoding
'utf-8'
>>> decode_vietnamese(bytes.fromhex("4e6768de20717579d574")).text   # TCVN3
'Nghị quyết'
"""

from __future__ import annotations

import codecs
import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from importlib.resources import files

__all__ = ["DecodedText", "UnreadableTextError", "decode_vietnamese", "repair_mojibake"]


class UnreadableTextError(ValueError):
    """The bytes are not a text in any encoding this module reads (binary, or unknown)."""


@dataclass(frozen=True, slots=True)
class DecodedText:
    """A decoded text (not yet NFC-normalised) and the name of the encoding it was read in."""

    text: str
    encoding: str


# Signatures of binary formats users are likely to pass by mistake, for a precise message.
_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"%PDF-", "a PDF document"),
    (b"PK\x03\x04", "a ZIP archive (or a .docx/.xlsx file)"),
    (b"\xd0\xcf\x11\xe0", "an old Microsoft Office document (.doc/.xls)"),
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"\x7fELF", "an executable program"),
    (b"\x1f\x8b", "a gzip-compressed file"),
    (b"{\\rtf", "an RTF document"),
)

_VOWELS = "aăâeêioôơuưy"
_TONES = ("", "\u0300", "\u0301", "\u0303", "\u0309", "\u0323")


@cache
def _vietnamese_letters() -> frozenset[str]:
    """Every letter a Vietnamese word can contain, lower and upper case, precomposed."""
    letters = set("abcdefghijklmnopqrstuvwxyzđ")
    for vowel in _VOWELS:
        for tone in _TONES:
            letters.add(unicodedata.normalize("NFC", vowel + tone))
    return frozenset(letters | {c.upper() for c in letters})


_WORD_RE = re.compile(r"[^\W\d_]+")
_COMMON_WORDS = frozenset(
    ["của", "và", "các", "được", "ngày", "số", "có", "trong", "những", "người", "năm", "thực", "hiện", "cho", "với", "là", "một", "không", "đã", "này", "về", "để", "tỉnh", "công", "tác", "quyết", "nghị", "theo", "trên", "đến", "việc", "đảng", "nhân", "dân", "ban"]
)


def _score(text: str) -> tuple[int, int, int]:
    """(common Vietnamese words, words with a non-Vietnamese letter, non-ASCII words)."""
    letters = _vietnamese_letters()
    common = bad = non_ascii = 0
    for word in _WORD_RE.findall(unicodedata.normalize("NFC", text)):
        if word.isascii():
            continue
        non_ascii += 1
        if word.lower() in _COMMON_WORDS:
            common += 1
        if any(c not in letters for c in word):
            bad += 1
    return common, bad, non_ascii


def _looks_vietnamese(text: str) -> bool:
    common, bad, non_ascii = _score(text)
    return non_ascii == 0 or (bad <= non_ascii * 0.05 and common > 0)


@cache
def _tcvn3_table() -> dict[int, str]:
    table = {b: chr(b) for b in range(0x80)}
    for b in range(0x80, 0xA0):  # punctuation as in Windows-1252, undefined bytes as Latin-1
        table[b] = bytes([b]).decode("cp1252", errors="replace").replace("\ufffd", chr(b))
    for row in _rows("tcvn3.tsv"):
        table[int(row[0], 16)] = chr(int(row[1][2:], 16))
    return table


@cache
def _vni_table() -> dict[int, str]:
    table = {b: bytes([b]).decode("cp1252", errors="replace").replace("\ufffd", chr(b))
             for b in range(0x100)}
    for row in _rows("vni.tsv"):
        table[int(row[0], 16)] = "".join(chr(int(cp[2:], 16)) for cp in row[2].split())
    return table


def _rows(name: str) -> list[list[str]]:
    lines = files(__name__).joinpath(name).read_text(encoding="utf-8").splitlines()
    rows = [line.split("\t") for line in lines if line.startswith("0x")]
    if not rows:
        raise RuntimeError(f"encoding table {name} is empty")
    return rows


def _decode_table(raw: bytes, table: dict[int, str]) -> str:
    return "".join(table[b] for b in raw)


def decode_tcvn3(raw: bytes) -> str:
    """Decode TCVN3 (ABC) bytes; capitals typed in a .VnTimeH font come out as they were."""
    return unicodedata.normalize("NFC", _decode_table(raw, _tcvn3_table()))


def decode_vni(raw: bytes) -> str:
    """Decode VNI-Windows bytes (base letters followed by diacritic bytes)."""
    return unicodedata.normalize("NFC", _decode_table(raw, _vni_table()))


def _decode_cp1258(raw: bytes) -> str:
    return unicodedata.normalize("NFC", raw.decode("cp1258", errors="replace"))


_LEGACY_DECODERS = (
    ("windows-1258", _decode_cp1258),
    ("tcvn3", decode_tcvn3),
    ("vni", decode_vni),
)


def _sniff_binary(raw: bytes) -> str | None:
    for magic, what in _MAGIC:
        if raw.startswith(magic):
            return what
    sample = raw[:65536]
    controls = sum(1 for b in sample if b < 0x20 and b not in b"\t\n\r\f\v\x1a")
    if b"\x00" in sample or controls > len(sample) * 0.01:
        return "binary data"
    return None


def _utf16_without_bom(raw: bytes) -> str | None:
    """Recognise UTF-16 without a byte-order mark by its NUL bytes in ASCII positions."""
    sample = raw[:4096]
    if len(sample) < 4 or len(sample) % 2:
        return None
    even_nuls = sample[0::2].count(0)
    odd_nuls = sample[1::2].count(0)
    half = len(sample) // 2
    if odd_nuls > half * 0.3 and even_nuls < half * 0.05:
        return "utf-16-le"
    if even_nuls > half * 0.3 and odd_nuls < half * 0.05:
        return "utf-16-be"
    return None


def decode_vietnamese(raw: bytes) -> DecodedText:
    """Decode ``raw`` as UTF-8, UTF-16, Windows-1258, TCVN3 or VNI, whichever it is.

    Raises :class:`UnreadableTextError` with a one-line reason for binary data and for bytes
    that read as Vietnamese in none of these encodings.
    """
    for bom, name in (
        (codecs.BOM_UTF8, "utf-8-sig"),
        (codecs.BOM_UTF32_LE, "utf-32"),
        (codecs.BOM_UTF32_BE, "utf-32"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ):
        if raw.startswith(bom):
            try:
                return DecodedText(raw.decode(name), name.removesuffix("-sig"))
            except UnicodeDecodeError as exc:
                raise UnreadableTextError(
                    f"starts with a {name.upper()} byte-order mark but is not valid {name} "
                    f"(byte {exc.start})"
                ) from None
    utf16 = _utf16_without_bom(raw)
    if utf16 is not None:
        try:
            return DecodedText(raw.decode(utf16), utf16)
        except UnicodeDecodeError:
            pass
    binary = _sniff_binary(raw)
    if binary is not None:
        raise UnreadableTextError(f"not a text file: looks like {binary}")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        pass
    else:
        repaired = repair_mojibake(text)
        if repaired is not None:
            return repaired
        return DecodedText(text, "utf-8")
    return _best_legacy(raw)


def _best_legacy(raw: bytes) -> DecodedText:
    best: tuple[tuple[int, int], str, str] | None = None
    for name, decode in _LEGACY_DECODERS:
        text = decode(raw)
        common, bad, non_ascii = _score(text)
        if non_ascii and bad > non_ascii * 0.05:
            continue
        rank = (common, -bad)
        if best is None or rank > best[0]:
            best = (rank, name, text)
    if best is None or best[0][0] == 0:
        raise UnreadableTextError(
            "unknown encoding: not UTF-8, UTF-16, Windows-1258, TCVN3 or VNI Vietnamese text"
        )
    return DecodedText(best[2], best[1])


# Letters that TCVN3 or VNI bytes turn into when a legacy file was once read as Windows-1252
# and saved again as UTF-8 ("Uû ban nh©n d©n", "Xin chaøo caùc baïn").
_MOJIBAKE_HINT = re.compile(r"[©ª«®§¶Þ¹ÕøùûõïöÑñ]")


def repair_mojibake(text: str) -> DecodedText | None:
    """If ``text`` is a TCVN3 or VNI text once misread as Windows-1252 and re-saved as UTF-8,
    return it repaired; otherwise ``None`` (the text is left as it is)."""
    if _MOJIBAKE_HINT.search(text) is None or _looks_vietnamese(text):
        return None
    try:
        raw = text.encode("cp1252")
    except UnicodeEncodeError:
        return None
    for name, decode in _LEGACY_DECODERS[1:]:
        fixed = decode(raw)
        if _looks_vietnamese(fixed) and _score(fixed)[0] > 0:
            return DecodedText(fixed, f"{name} (re-saved as utf-8)")
    return None
