"""kg: a legal-citation knowledge graph for Vietnamese text.

The library works on ``str`` and code-point offsets; the command line, the spaCy component and
the exporters are thin adapters over it.

>>> from kg import find_citations
>>> [c.symbol for c in find_citations("Chỉ thị số 16/CT-TTg của Thủ tướng Chính phủ")]
['16/CT-TTg']
"""

from kg.extract import CitationFinder, find_citations
from kg.models import Citation, ReadError, SourceText
from kg.normalize import normalize_text
from kg.pipeline import extract_citations

__all__ = [
    "Citation",
    "CitationFinder",
    "ReadError",
    "SourceText",
    "extract_citations",
    "find_citations",
    "normalize_text",
]
__version__ = "0.1.0"
