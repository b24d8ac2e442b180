"""PDF documents: the text layer, read with pdfminer.six (no OCR).

pdfminer.six rebuilds lines and reading order from the glyphs' positions, so words that a
generator placed one by one (OCR layers of scanned documents, some web-to-PDF tools) come out
as words, and two-column pages column by column.  The text is then mended in two ways:

* a combining diacritic that pdfminer put at the start of a line (it breaks lines between two
  zero-width marks, as in a decomposed "ố") is joined back to its letter; NFC follows;
* a text layer in a legacy Vietnamese font encoding (TCVN3 ".VnTime", VNI) shows as mojibake
  ("Uû ban nh©n d©n") and is repaired with :func:`kg.encodings.repair_mojibake`.

A damaged or truncated file, an encrypted one, and one without a text layer (a scan) are
refused with a one-line reason.
"""

from __future__ import annotations

import hashlib
import io
import logging
import re
from typing import Any

from kg.encodings import repair_mojibake
from kg.formats import one_line, what_is
from kg.models import ReadError, SourceText
from kg.read import make_source

__all__ = ["read_pdf"]

_LINE_BEFORE_MARK_RE = re.compile(r"[ \t]*\n\s*(?=[\u0300-\u036f])")
_CID_RE = re.compile(r"\(cid:\d+\)")
_JUNK_TITLE_RE = re.compile(r"^(?:untitled|microsoft word - .*|.*\.(?:docx?|pdf|rtf|odt))$", re.I)

# pdfminer logs a warning for every oddity of a file (missing CropBox, unknown colour space).
logging.getLogger("pdfminer").setLevel(logging.ERROR)


def read_pdf(raw: bytes, name: str) -> SourceText | ReadError:
    """Read the text layer of a PDF; never raises for bad input."""
    if not raw.strip():
        return ReadError(name, "empty file")
    if b"%PDF-" not in raw[:1024]:
        return ReadError(name, f"not a PDF file: {what_is(raw)}")
    if b"%%EOF" not in raw[-2048:]:
        return ReadError(name, "damaged PDF (no end-of-file marker: truncated?)")
    try:
        from pdfminer.layout import LAParams
        from pdfminer.pdfexceptions import PDFException
        from pdfminer.psexceptions import PSEOF, PSException
    except ImportError:  # pragma: no cover - pdfminer.six is a dependency
        return ReadError(name, "reading PDF needs pdfminer.six (pip install pdfminer.six)")
    try:
        text, info = _extract(raw, LAParams())
    except PSEOF:
        return ReadError(name, "damaged PDF (unexpected end of file: truncated?)")
    except (PDFException, PSException) as exc:
        kind = type(exc).__name__
        if "Password" in kind or "Encryption" in kind:
            return ReadError(name, f"encrypted PDF ({one_line(exc) or 'a password is needed'})")
        return ReadError(name, f"damaged PDF ({one_line(exc) or kind})")
    except Exception as exc:  # pdfminer raises plain KeyError, TypeError... on broken files
        return ReadError(name, f"damaged PDF ({type(exc).__name__}: {one_line(exc)})")
    text = _LINE_BEFORE_MARK_RE.sub("", text.replace("\x0c", "\n"))
    if not text.strip():
        return ReadError(name, "PDF has no text layer (scanned?)")
    cids = len(_CID_RE.findall(text))
    if cids:
        letters = sum(ch.isalnum() for ch in _CID_RE.sub("", text))
        if cids > letters:
            return ReadError(
                name, "PDF text layer cannot be decoded (its fonts have no Unicode map)"
            )
        text = _CID_RE.sub("\ufffd", text)
    encoding = "pdf"
    repaired = repair_mojibake(text)
    if repaired is not None:
        text = repaired.text
        encoding = f"pdf ({repaired.encoding.split(' ')[0]} font)"
    metadata = {"format": "pdf"}
    title = info.get("Title", "")
    if title and not _JUNK_TITLE_RE.match(title):
        metadata["title"] = title
    return make_source(
        name,
        text,
        encoding=encoding,
        sha256=hashlib.sha256(raw).hexdigest(),
        metadata=metadata,
        empty="PDF has no text layer (scanned?)",
    )


def _extract(raw: bytes, laparams: Any) -> tuple[str, dict[str, str]]:
    from pdfminer.converter import TextConverter
    from pdfminer.pdfdocument import PDFDocument
    from pdfminer.pdfinterp import PDFPageInterpreter, PDFResourceManager
    from pdfminer.pdfpage import PDFPage
    from pdfminer.pdfparser import PDFParser

    document = PDFDocument(PDFParser(io.BytesIO(raw)))
    out = io.StringIO()
    manager = PDFResourceManager(caching=True)
    device = TextConverter(manager, out, laparams=laparams)
    interpreter = PDFPageInterpreter(manager, device)
    pages = 0
    for page in PDFPage.create_pages(document):
        interpreter.process_page(page)
        pages += 1
    device.close()
    if pages == 0:
        raise ValueError("no pages")
    return out.getvalue(), _info(document)


def _info(document: Any) -> dict[str, str]:
    """The document information dictionary's text entries (Title, Author, ...)."""
    from pdfminer.pdftypes import resolve1
    from pdfminer.utils import decode_text

    info: dict[str, str] = {}
    for entries in document.info:
        for key, value in entries.items():
            value = resolve1(value)
            if isinstance(value, bytes):
                text = " ".join(decode_text(value).split())
                if text and "\x00" not in text:
                    info.setdefault(str(key), text)
    return info


