"""The stages chained for the common uses: one text to resolved citations."""

from __future__ import annotations

from kg.extract import find_citations
from kg.models import Citation
from kg.normalize import normalize_text
from kg.resolve import assign_doc_ids


def extract_citations(text: str, *, file: str | None = None) -> list[Citation]:
    """Citations in ``text`` with ``doc_id`` set; the text is NFC-normalised first, and offsets
    refer to the normalised text (``kg.normalize_text(text)``).

    >>> found = extract_citations("Nghị quyết số 57-NQ/TW ngày 22/12/2024; Nghị quyết 57")
    >>> [c.doc_id for c in found]
    ['57-NQ/TW@2024', '57-NQ/TW@2024']
    """
    text = normalize_text(text)
    return assign_doc_ids(find_citations(text, file=file))
