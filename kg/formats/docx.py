"""Word documents (.docx, Office Open XML) with python-docx.

The text is the body's paragraphs and tables in document order: one line per paragraph; a
table row whose cells are single paragraphs is one line with the cells separated by tabs,
other rows give their cells' paragraphs line by line (nested tables included).  Hyperlinked
text is kept.  Page headers and footers, footnotes, comments and text boxes are not read.

Old binary Word files (.doc) and other files misnamed .docx are refused with a one-line
reason, as are damaged (truncated) archives.
"""

from __future__ import annotations

import hashlib
import io
import zipfile
from collections.abc import Iterator
from typing import Any

from kg.formats import one_line, what_is
from kg.models import ReadError, SourceText
from kg.read import human_size, make_source

__all__ = ["read_docx"]

_EXPANSION_LIMIT = 20
"""A .docx may expand to at most this many times the size limit (a guard against zip bombs)."""


def read_docx(raw: bytes, name: str, *, max_bytes: int) -> SourceText | ReadError:
    """Read the text of a Word document; never raises for bad input."""
    problem = _check_archive(raw, max_bytes)
    if problem is not None:
        return ReadError(name, problem)
    try:
        import docx
    except ImportError:  # pragma: no cover - python-docx is a dependency
        return ReadError(name, "reading .docx files needs python-docx (pip install python-docx)")
    try:
        document = docx.Document(io.BytesIO(raw))
        lines = list(_block_lines(document))
    except Exception as exc:  # python-docx and lxml raise many kinds for broken parts
        return ReadError(name, f"damaged DOCX ({one_line(exc)})")
    metadata = {"format": "docx"}
    title = (document.core_properties.title or "").strip()
    if title:
        metadata["title"] = " ".join(title.split())
    return make_source(
        name,
        "\n".join(lines) + "\n",
        encoding="docx",
        sha256=hashlib.sha256(raw).hexdigest(),
        metadata=metadata,
        empty="document has no text",
    )


def _check_archive(raw: bytes, max_bytes: int) -> str | None:
    """Why ``raw`` is no readable .docx, or None."""
    if not raw.strip():
        return "empty file"
    if not raw.startswith(b"PK"):
        return f"not a DOCX file: {what_is(raw)}"
    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as archive:
            names = set(archive.namelist())
            expanded = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        return f"damaged DOCX (not a complete ZIP archive: {one_line(exc)})"
    if "word/document.xml" not in names:
        return "not a DOCX file: a ZIP archive without word/document.xml"
    if expanded > _EXPANSION_LIMIT * max_bytes:
        return (
            f"DOCX expands to {human_size(expanded)}, more than {_EXPANSION_LIMIT} times the "
            f"size limit ({human_size(max_bytes)})"
        )
    return None




def _block_lines(container: Any) -> Iterator[str]:
    """Lines of a document or table cell: paragraphs and tables in order."""
    from docx.table import Table

    for block in container.iter_inner_content():
        if isinstance(block, Table):
            yield from _table_lines(block)
        else:
            yield block.text


def _table_lines(table: Any) -> Iterator[str]:
    from docx.table import Table

    for row in table.rows:
        cells = []
        seen: set[Any] = set()
        for cell in row.cells:
            if cell._tc in seen:  # a merged cell repeats across the columns it spans
                continue
            seen.add(cell._tc)
            cells.append(cell)
        simple = all(
            len(cell.paragraphs) <= 1
            and not any(isinstance(b, Table) for b in cell.iter_inner_content())
            for cell in cells
        )
        if simple:
            yield "\t".join(" ".join(c.text.split()) for c in cells)
        else:
            for cell in cells:
                yield from _block_lines(cell)
