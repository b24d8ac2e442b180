"""Resolve citations to documents: which citations name the same real document.

Rules (REFERENCE.md §2.5, §2.2):

* A state normative document's symbol carries its year ("30/2020/NĐ-CP") and names one
  document.
* A state administrative symbol ("982/UBND-NC") is unique for one organ in one year; the year
  comes from the citation's date when the text gives one.
* Party numbers restart every term, so "25-NQ/TW" names three resolutions (2003, 2008, 2013):
  the key of a Party document is its symbol plus its year.  A citation with no year joins the
  document of the same symbol whose term, year or subject fits it; if several fit equally, it
  stays apart and is flagged ambiguous.
* A short form ("Nghị quyết 57", "Quyết định 217") joins the full citation of the same type
  and number in the same text, the nearest one before it first.
* A law cited by name ("Luật Đất đai năm 2013") is keyed by its name and year.

The key is a readable string ("25-NQ/TW@2013"); the graph stage turns it into an IRI.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from kg.models import Citation
from kg.normalize import fold_key

# Years covered by each Party term (khóa), from Congress to Congress (REFERENCE.md §3.2).
PARTY_TERMS: dict[str, tuple[int, int]] = {
    "VI": (1986, 1991),
    "VII": (1991, 1996),
    "VIII": (1996, 2001),
    "IX": (2001, 2006),
    "X": (2006, 2011),
    "XI": (2011, 2016),
    "XII": (2016, 2021),
    "XIII": (2021, 2026),
    "XIV": (2026, 2031),
}


def term_of_year(year: int) -> str | None:
    """The Party term a year falls in (a Congress year belongs to the new term)."""
    for term, (first, last) in PARTY_TERMS.items():
        if first <= year < last:
            return term
    return None


def base_key(citation: Citation) -> str:
    """The part of a document key that every citation of that document shares (no year)."""
    if citation.symbol:
        return citation.symbol
    if citation.name:
        return f"{citation.type}: {fold_key(citation.name)}"
    issuer = citation.issuer or "?"
    return f"{citation.type} {citation.number or '?'} ({issuer})"


def _needs_year(citation: Citation) -> bool:
    """Whether the year is part of the identity (Party numbering, administrative numbering)."""
    if citation.symbol and citation.regime == "state" and "/" in citation.symbol:
        parts = citation.symbol.split("/")
        return not (len(parts) >= 3 and parts[1].isdigit())  # "30/2020/NĐ-CP" has its year
    return True


def _key(base: str, year: int | None, term: str | None) -> str:
    if year is not None:
        return f"{base}@{year}"
    if term is not None:
        return f"{base}@khóa {term}"
    return base


def assign_doc_ids(citations: Sequence[Citation]) -> list[Citation]:
    """Give every citation of one text a ``doc_id``: citations of one document share it."""
    by_base: dict[str, list[int]] = defaultdict(list)
    for i, c in enumerate(citations):
        by_base[base_key(c)].append(i)
    # Short forms ("Nghị quyết 57") join a full citation of the same type and number.
    full_by_number: dict[tuple[str, str], list[int]] = defaultdict(list)
    for i, c in enumerate(citations):
        if c.form != "short" and c.number is not None:
            full_by_number[(c.type, c.number)].append(i)
    ids: list[str | None] = [None] * len(citations)
    for indices in by_base.values():
        first = citations[indices[0]]
        if not _needs_year(first):
            for i in indices:
                ids[i] = first.symbol
            continue
        years = sorted({y for i in indices if (y := citations[i].year) is not None})
        for i in indices:
            c = citations[i]
            year = c.year
            if year is None:
                fitting = [y for y in years if c.term is None or term_of_year(y) == c.term]
                if len(fitting) == 1:
                    year = fitting[0]
            ids[i] = _key(base_key(c), year, c.term if year is None else None)
    out = []
    for i, c in enumerate(citations):
        doc_id = ids[i]
        if c.form == "short" and c.number is not None and not c.symbol:
            candidates = full_by_number.get((c.type, c.number), [])
            before = [j for j in candidates if citations[j].start < c.start]
            chosen = before[-1] if before else (candidates[0] if candidates else None)
            if chosen is not None:
                doc_id = ids[chosen]
        out.append(c.replace(doc_id=doc_id))
    return out
