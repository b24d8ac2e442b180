"""Input formats other than plain text: HTML pages, Word (.docx) and PDF documents, JSON Lines.

Each format has its own module with one reader, imported only when a file of that format is
read (so that a run over plain texts never loads lxml or pdfminer):

* :mod:`kg.formats.html`: the article of a web page, without menus, sidebars and footers; the
  citation-bearing boilerplate lines go to ``metadata["sidebar"]``.
* :mod:`kg.formats.docx`: paragraphs and tables of a Word document, in document order.
* :mod:`kg.formats.pdf`: the text layer of a PDF (no OCR).
* :mod:`kg.formats.jsonl`: one text per JSON Lines record.

Readers follow the contract of :mod:`kg.read`: they never raise for bad input, they return a
:class:`kg.models.SourceText` or a one-line :class:`kg.models.ReadError`.
"""

from __future__ import annotations

import io
import zipfile
from typing import Literal

Format = Literal["text", "html", "docx", "pdf", "jsonl"]

FORMAT_BY_SUFFIX: dict[str, Format] = {
    ".txt": "text",
    ".text": "text",
    ".md": "text",
    ".markdown": "text",
    ".html": "html",
    ".htm": "html",
    ".xhtml": "html",
    ".docx": "docx",
    ".pdf": "pdf",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
}
"""The format of a file, by its ending (lower case).  A directory walk picks up these files."""

SUPPORTED_SUFFIXES = frozenset(FORMAT_BY_SUFFIX)


def format_of_suffix(suffix: str) -> Format | None:
    """The format a file ending stands for, or None for an ending no reader claims."""
    return FORMAT_BY_SUFFIX.get(suffix.lower())


def sniff_format(raw: bytes) -> Format:
    """Guess the format of bytes with no telling file name (standard input, ``data.dat``):
    PDF and DOCX by their signatures, HTML by its first tag, JSON Lines by a first line that is a
    JSON object; anything else is read as plain text (which refuses binary data itself)."""
    if raw.startswith(b"%PDF-"):
        return "pdf"
    if raw.startswith(b"PK\x03\x04") and _is_docx(raw):
        return "docx"
    head = _ascii_head(raw)
    if head.startswith(("<!doctype html", "<html", "<?xml")) and "<html" in head:
        return "html"
    if head.startswith(("<!doctype html", "<html", "<head", "<body")):
        return "html"
    if head.startswith("{"):
        first = raw.lstrip().split(b"\n", 1)[0].strip()
        if first.endswith(b"}"):
            return "jsonl"
    return "text"


def _ascii_head(raw: bytes) -> str:
    """The first kilobyte as lower-case ASCII, without a byte-order mark or leading spaces, and
    with leading HTML comments skipped."""
    head = raw[:1024]
    if head.startswith(b"\xef\xbb\xbf"):
        head = head[3:]
    text = head.decode("ascii", errors="replace").lower().lstrip()
    while text.startswith("<!--") and "-->" in text:
        text = text.split("-->", 1)[1].lstrip()
    return text


def _is_docx(raw: bytes) -> bool:
    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as archive:
            return "word/document.xml" in archive.namelist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return False


def one_line(exc: BaseException) -> str:
    """An exception's message on one line (libraries put newlines and runs of spaces in)."""
    return " ".join(str(exc).split())


def what_is(raw: bytes) -> str:
    """What bytes that are not the expected format look like, for an error message."""
    from kg.encodings import UnreadableTextError, decode_vietnamese

    if raw.startswith(b"\xd0\xcf\x11\xe0"):
        return "an old Word document (.doc): save it as .docx"
    try:
        decode_vietnamese(raw)
    except UnreadableTextError as exc:
        return str(exc).removeprefix("not a text file: ")
    return "looks like plain text"
