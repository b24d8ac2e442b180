"""Decode the bytes of a Vietnamese text, whatever encoding it was saved in.

Modern texts are UTF-8 (sometimes with a byte-order mark) or UTF-16 (Word's "Unicode text");
older ones come in Windows-1258 or in the 8-bit font encodings TCVN3 (ABC, ``.VnTime``) and
VNI (``VNI-Times``), for which Python has no codec.  Those two are table-driven from
``tcvn3.tsv`` and ``vni.tsv`` beside this file (sources in their headers).

Legacy encodings cannot be told apart by their bytes alone, so every candidate is decoded
(a large text: a sample of it first) and the one whose words look most like Vietnamese wins;
when none does, the text is refused with :class:`UnreadableTextError` rather than passed on
as mojibake.  A Unicode text that is itself TCVN3 or VNI mojibake (a legacy file once opened
as Windows-1252 and saved again, "Uû ban nh©n d©n") is repaired.

>>> decode_vietnamese("Nghị quyết".encode("utf-8")).encoding
'utf-8'
>>> decode_vietnamese(bytes.fromhex("4e6768de20717579d574")).text   # TCVN3
'Nghị quyết'
"""

from __future__ import annotations

import codecs
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from functools import cache
from importlib.resources import files

__all__ = [
    "DecodedText",
    "UnreadableTextError",
    "decode_tcvn3",
    "decode_vietnamese",
    "decode_vni",
    "repair_mojibake",
]


class UnreadableTextError(ValueError):
    """The bytes are not a text in any encoding this module reads (binary, or unknown)."""


@dataclass(frozen=True, slots=True)
class DecodedText:
    """A decoded text (not necessarily NFC-normalised) and the name of the encoding it was read
    in: ``utf-8``, ``utf-16``, ``utf-16-le``, ``utf-16-be``, ``utf-32``, ``windows-1258``,
    ``tcvn3``, ``vni``, or ``"tcvn3 (re-saved as utf-8)"`` and the like for repaired mojibake."""

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
    [
        "của", "và", "các", "được", "ngày", "số", "có", "trong", "những", "người", "năm", "thực",
        "hiện", "cho", "với", "là", "một", "không", "đã", "này", "về", "để", "tỉnh", "công", "tác",
        "quyết", "nghị", "theo", "trên", "đến", "việc", "đảng", "nhân", "dân", "ban",
    ]
)


def _score(text: str) -> tuple[int, int, int]:
    """(common Vietnamese words, words with a non-Vietnamese letter, non-ASCII words)."""
    letters = _vietnamese_letters()
    common = bad = non_ascii = 0
    # Words never span white space, so look at each distinct white-space separated token once:
    # a text has few distinct tokens, and this keeps a 5 MB text to a fraction of a second.
    for token, count in Counter(unicodedata.normalize("NFC", text).split()).items():
        if token.isascii():
            continue
        for word in _WORD_RE.findall(token):
            if word.isascii():
                continue
            non_ascii += count
            if word.lower() in _COMMON_WORDS:
                common += count
            if not letters.issuperset(word):
                bad += count
    return common, bad, non_ascii


def _cp1252_byte(b: int) -> str:
    """Byte ``b`` as Windows-1252 shows it; its five undefined bytes as Latin-1 (controls)."""
    return bytes([b]).decode("cp1252", errors="replace").replace("\ufffd", chr(b))


@cache
def _tcvn3_table() -> str:
    """The TCVN3 decoding table: 256 characters, one per byte (a ``codecs`` charmap)."""
    table = [chr(b) for b in range(0x80)]  # ASCII
    table += [_cp1252_byte(b) for b in range(0x80, 0xA0)]  # punctuation as in Windows-1252
    table += [chr(b) for b in range(0xA0, 0x100)]  # every byte is listed in the table file
    for row in _rows("tcvn3.tsv"):
        table[int(row[0], 16)] = chr(int(row[1][2:], 16))
    return "".join(table)


@cache
def _vni_table() -> dict[int, str]:
    """The VNI decoding table: byte -> one letter, or the combining mark(s) a mark byte adds."""
    table = {b: _cp1252_byte(b) for b in range(0x100)}
    for row in _rows("vni.tsv"):
        table[int(row[0], 16)] = "".join(chr(int(cp[2:], 16)) for cp in row[2].split())
    return table


def _rows(name: str) -> list[list[str]]:
    lines = files(__name__).joinpath(name).read_text(encoding="utf-8").splitlines()
    rows = [line.split("\t") for line in lines if line.startswith("0x")]
    if not rows:
        raise RuntimeError(f"encoding table {name} is empty")
    return rows


def decode_tcvn3(raw: bytes) -> str:
    """Decode TCVN3 (ABC) bytes to NFC text; capitals typed in a .VnTimeH font (which reuses
    the lower-case bytes) come out in lower case, as the bytes say."""
    # A charmap decode runs in C: a 5 MB file takes milliseconds (a per-byte join, seconds).
    return unicodedata.normalize("NFC", codecs.charmap_decode(raw, "strict", _tcvn3_table())[0])


def decode_vni(raw: bytes) -> str:
    """Decode VNI-Windows bytes (base letters followed by diacritic bytes) to NFC text."""
    return unicodedata.normalize("NFC", codecs.charmap_decode(raw, "strict", _vni_table())[0])


def _decode_cp1258(raw: bytes) -> str:
    return unicodedata.normalize("NFC", raw.decode("cp1258", errors="replace"))


_LEGACY_DECODERS = (
    ("windows-1258", _decode_cp1258),
    ("tcvn3", decode_tcvn3),
    ("vni", decode_vni),
)


_CONTROL_BYTES = bytes(b for b in range(0x20) if b not in b"\t\n\r\f\v\x1a")
_CONTROL_CHARS_RE = re.compile(f"[{re.escape(_CONTROL_BYTES.decode('ascii'))}]")
_BINARY = "not a text file: looks like binary data"


def _sniff_binary(raw: bytes) -> str | None:
    for magic, what in _MAGIC:
        if raw.startswith(magic):
            return what
    sample = raw[:65536]
    controls = len(sample) - len(sample.translate(None, _CONTROL_BYTES))
    if b"\x00" in sample or controls > len(sample) * 0.01:
        return "binary data"
    return None


def _has_controls(text: str) -> bool:
    """True if a decoded text holds NULs or many control characters (binary data)."""
    sample = text[:65536]
    return "\x00" in sample or len(_CONTROL_CHARS_RE.findall(sample)) > len(sample) * 0.01


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
    for bom, codec, name in (
        (codecs.BOM_UTF8, "utf-8", "utf-8"),
        (codecs.BOM_UTF32_LE, "utf-32-le", "utf-32"),  # before UTF-16 LE: same first bytes
        (codecs.BOM_UTF32_BE, "utf-32-be", "utf-32"),
        (codecs.BOM_UTF16_LE, "utf-16-le", "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16-be", "utf-16"),
    ):
        if raw.startswith(bom):
            try:
                text = raw[len(bom) :].decode(codec)
            except UnicodeDecodeError as exc:
                raise UnreadableTextError(
                    f"starts with a {name.upper()} byte-order mark but is not valid "
                    f"{name.upper()} (byte {exc.start + len(bom)})"
                ) from None
            if _has_controls(text):
                raise UnreadableTextError(_BINARY)
            return _unicode_text(text, name)
    utf16 = _utf16_without_bom(raw)
    if utf16 is not None:
        try:
            text = raw.decode(utf16)
        except UnicodeDecodeError:
            pass
        else:
            if not _has_controls(text):
                return _unicode_text(text, utf16)
    binary = _sniff_binary(raw)
    if binary is not None:
        raise UnreadableTextError(f"not a text file: looks like {binary}")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return _best_legacy(raw)
    return _unicode_text(text, "utf-8")


def _unicode_text(text: str, encoding: str) -> DecodedText:
    """A text read in a Unicode encoding, unless it is legacy mojibake saved in it."""
    repaired = _repair(text, encoding)
    return repaired if repaired is not None else DecodedText(text, encoding)


_SAMPLE_CHUNK = 64 * 1024
_SAMPLE_CHUNKS = 16


def _sample(raw: bytes) -> bytes:
    """Up to 1 MiB of ``raw`` to choose a legacy encoding by: the whole of a smaller text,
    else chunks spread evenly from its start to its end, each cut after a line break or a
    space (so that no VNI letter is parted from its diacritic byte)."""
    if len(raw) <= _SAMPLE_CHUNK * _SAMPLE_CHUNKS:
        return raw
    step = (len(raw) - _SAMPLE_CHUNK) // (_SAMPLE_CHUNKS - 1)
    chunks = []
    for i in range(_SAMPLE_CHUNKS):
        chunk = raw[i * step : i * step + _SAMPLE_CHUNK]
        start = max(chunk.find(b"\n"), chunk.find(b" ")) + 1 if i else 0
        end = max(chunk.rfind(b"\n"), chunk.rfind(b" ")) + 1 or len(chunk)
        chunks.append(chunk[start:end])
    return b"\n".join(chunks)


def _best_legacy(raw: bytes) -> DecodedText:
    """Read ``raw`` in the legacy encoding under which it looks most like Vietnamese.

    The readings of a large text are compared on a sample of it first; only when the sample
    is inconclusive is the whole text read in every encoding."""
    sample = _sample(raw)
    for part in (sample, raw) if sample is not raw else (raw,):
        found = _rank_legacy(part, plain_ok=part is raw)
        if found is not None:
            name, text = found
            if part is not raw:
                text = dict(_LEGACY_DECODERS)[name](raw)
            return DecodedText(text, name)
    raise UnreadableTextError(
        "unknown encoding: not UTF-8, UTF-16, Windows-1258, TCVN3 or VNI Vietnamese text"
    )


def _rank_legacy(raw: bytes, *, plain_ok: bool) -> tuple[str, str] | None:
    """(encoding, text) of the reading of ``raw`` with the most common Vietnamese words and
    hardly any non-Vietnamese letter, or None if no reading has Vietnamese words (unless
    ``plain_ok`` and ``raw`` is ASCII text with some Windows punctuation)."""
    best: tuple[tuple[int, int], str, str] | None = None
    plain: str | None = None
    for name, decode in _LEGACY_DECODERS:
        text = decode(raw)
        common, bad, non_ascii = _score(text)
        if plain_ok and name == "windows-1258" and non_ascii == 0 and "\ufffd" not in text:
            plain = text
        if non_ascii and bad > non_ascii * 0.05:
            continue
        rank = (common, -bad)
        if best is None or rank > best[0]:
            best = (rank, name, text)
    if best is not None and best[0][0] > 0:
        return best[1], best[2]
    if plain is not None:
        # No word has a non-ASCII letter and no reading has Vietnamese words: an ASCII text
        # with a few Windows punctuation bytes (curly quotes, dashes).
        return "windows-1258", plain
    return None


# Letters that TCVN3 or VNI bytes turn into when a legacy file was once read as Windows-1252
# and saved again as UTF-8 ("Uû ban nh©n d©n", "Xin chaøo caùc baïn").
_MOJIBAKE_HINT = re.compile(r"[©ª«®§¶Þ¹ÕøùûõïöÑñ]")
# A letter directly followed by a Latin-1 symbol ("nh©n", "c«ng", "t¸c"): TCVN3 letters in
# 0xA1-0xBF that Windows-1252 shows as symbols.
_SYMBOL_IN_WORD = re.compile(r"[^\W\d_][\xa1-\xbf]")


def repair_mojibake(text: str) -> DecodedText | None:
    """If ``text`` is a TCVN3 or VNI text once misread as Windows-1252 (or ISO-8859-1) and
    re-saved as UTF-8, return it repaired (NFC); otherwise ``None`` (the text is left as it is).
    """
    return _repair(text, "utf-8")


# Precomposed letters only Vietnamese Unicode has (ạ ả ấ ... ỹ): a text holding one cannot be
# re-encoded as Windows-1252 or Latin-1, so it is no mojibake; checked first because it is
# cheap and true of almost every real text.
_VIETNAMESE_ONLY = re.compile("[\u1ea0-\u1ef9]")


def _repair(text: str, saved_as: str) -> DecodedText | None:
    if _VIETNAMESE_ONLY.search(text) is not None or _MOJIBAKE_HINT.search(text) is None:
        return None
    common, bad, non_ascii = _score(text)
    if bad <= non_ascii * 0.05 and common > 0:
        return None  # reads as Vietnamese already
    # Only letters foreign to Vietnamese (û Þ ø ï ...) and symbols inside words (nh©n) prove
    # mojibake: "cã mùa" could be TCVN3 for "có mựa" but is taken as it is.
    foreign = bad + len(_SYMBOL_IN_WORD.findall(text))
    if foreign == 0:
        return None
    for misread_as in ("cp1252", "latin-1"):  # Windows, or ISO-8859-1 (C1 controls kept)
        try:
            raw = text.encode(misread_as)
            break
        except UnicodeEncodeError:
            pass
    else:
        return None
    best: tuple[tuple[int, int], str, str] | None = None
    for name, decode in _LEGACY_DECODERS[1:]:
        fixed = decode(raw)
        fixed_common, fixed_bad, fixed_non_ascii = _score(fixed)
        fixed_foreign = fixed_bad + len(_SYMBOL_IN_WORD.findall(fixed))
        if fixed_common > 0 and fixed_foreign < foreign and fixed_bad <= fixed_non_ascii * 0.05:
            rank = (fixed_common, -fixed_foreign)
            if best is None or rank > best[0]:
                best = (rank, name, fixed)
    if best is None:
        return None
    return DecodedText(best[2], f"{best[1]} (re-saved as {saved_as})")
