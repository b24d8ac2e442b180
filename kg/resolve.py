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

import dataclasses
import hashlib
import itertools
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import cast

from kg.lexicon import Lexicon, load_lexicon
from kg.models import Citation, Relation, SourceInfo, pickled_by_position
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


# ---------------------------------------------------------------------- across texts


@pickled_by_position
@dataclass(frozen=True, slots=True)
class TextCitations:
    """What one text yields: its citations, the sentence around each (same order), its place,
    the document it is itself, and the relations its sentences state.

    Before :func:`resolve_corpus`, ``doc_id`` values (and relation ends) are in-text keys
    ("25-NQ/TW@2013"); after it, document IRIs.  The text itself is not kept.
    """

    source: SourceInfo
    citations: tuple[Citation, ...]
    place: str | None = None
    own: Citation | None = None
    sentences: tuple[str, ...] = ()
    relations: tuple[Relation, ...] = ()
    sidebar: tuple[Citation, ...] = ()
    """Citations found only in a page's sidebar or boilerplate (``part="sidebar"``, offsets
    into ``metadata["sidebar"]``): reported, but not part of the article or the graph."""


@dataclass(frozen=True, slots=True)
class DocumentRecord:
    """One real document, with everything its citations state about it.

    Where citations disagree (two dates for one resolution), every value is kept in
    ``dates``/``terms``/``titles`` and the disagreement is listed in ``conflicts``.
    """

    key: str
    iri: str
    type: str
    number: str | None
    symbol: str | None
    regime: str
    name: str | None
    year: int | None
    date: str | None
    dates: tuple[str, ...]
    terms: tuple[str, ...]
    titles: tuple[str, ...]
    issuers: tuple[str, ...]
    issuer_codes: tuple[str, ...]
    jurisdiction: str | None
    mentions: int
    ambiguous: bool = False
    conflicts: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Resolution:
    """The result of resolving a corpus: documents by IRI, and every text's citations with
    ``doc_id`` set to the IRI of the document it names."""

    documents: dict[str, DocumentRecord]
    texts: tuple[TextCitations, ...]
    own_documents: dict[str, str] = field(default_factory=dict)
    """File path → IRI of the document the text itself is."""


def document_iri(key: str) -> str:
    """The IRI of the document with identity ``key`` ("25-NQ/TW@2013" → …/doc/25-nq-tw-2013)."""
    from kg.vocab import DOC  # rdflib loads only when IRIs are made, not at "import kg"

    return str(DOC[slugify(key)])


def slugify(text: str) -> str:
    """An ASCII, lower-case, dash-separated form of a key, for IRIs."""
    folded = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    ascii_text = "".join(c for c in folded if not unicodedata.combining(c))
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-") or "x"


def is_local(citation: Citation, lexicon: Lexicon) -> bool:
    """Whether the document is a local one, whose numbering is unique only in its province:
    its symbol carries a local body's code ("TU", "UBND", "BDVTU"), or its stated issuer is a
    local body."""
    codes = lexicon.body_by_code_key
    for code in citation.issuer_codes:
        body = codes.get(fold_key(code.rstrip("0123456789")))
        if body is not None:
            return body.level != "central"
    if citation.issuer:
        body = lexicon.body_by_name.get(citation.issuer.split("; ")[0])
        return body is not None and body.level != "central"
    return False


def _split_key(key: str) -> tuple[str, str | None]:
    base, _, qualifier = key.partition("@")
    return base, qualifier or None


def _title_words(title: str) -> set[tuple[str, str]]:
    words = fold_key(title).split()
    return set(itertools.pairwise(words))


def _title_fit(title: str, candidates: Sequence[str]) -> float:
    """How much of ``title``'s word pairs one of the candidate titles contains (0..1)."""
    wanted = _title_words(title)
    if not wanted:
        return 0.0
    return max((len(wanted & _title_words(c)) / len(wanted) for c in candidates), default=0.0)


def resolve_corpus(
    texts: Sequence[TextCitations], lexicon: Lexicon | None = None, *, consume: bool = False
) -> Resolution:
    """Decide which citations across all texts name the same document.

    A local document's key carries the text's province; a citation with no year (an undated
    "Nghị quyết số 25-NQ/TW") joins the one dated document of the same symbol that fits its
    term and subject, and stays apart (flagged ambiguous) when several fit equally.

    With ``consume``, ``texts`` (a list) is emptied as its texts are resolved, so a large
    corpus is never in memory twice (its texts and their resolved copies).
    """
    if consume and not isinstance(texts, list):
        raise TypeError("consume=True needs the texts as a list")
    lex = lexicon or load_lexicon()
    # 1. Corpus-wide keys: in-text key, qualified by place for local documents.
    keyed: list[list[tuple[Citation, str]]] = []
    jurisdiction: dict[str, str] = {}
    for t in texts:
        rows = []
        for c in (*t.citations, *((t.own,) if t.own else ())):
            key = c.doc_id or base_key(c)
            if t.place and is_local(c, lex):
                key = f"{t.place}/{key}"
                jurisdiction[key.split("@", 1)[0]] = t.place
            rows.append((c, key))
        keyed.append(rows)
    # 2. Undated keys join a dated document of the same base where exactly one fits.
    dated: dict[str, dict[str, list[Citation]]] = defaultdict(lambda: defaultdict(list))
    for rows in keyed:
        for c, key in rows:
            base, qualifier = _split_key(key)
            if qualifier is not None and not qualifier.startswith("khóa"):
                dated[base][key].append(c)
    remap: dict[str, str] = {}
    ambiguous: set[str] = set()
    for rows in keyed:
        for c, key in rows:
            base, qualifier = _split_key(key)
            if (qualifier is not None and not qualifier.startswith("khóa")) or base not in dated:
                continue
            if key in remap:
                continue
            choice = _choose_dated(c, qualifier, dated[base])
            if choice is None:
                ambiguous.add(key)
            else:
                remap[key] = choice
    # 3. Records.
    groups: dict[str, list[Citation]] = defaultdict(list)
    for rows in keyed:
        for c, key in rows:
            groups[remap.get(key, key)].append(c)
    documents: dict[str, DocumentRecord] = {}
    iri_of_key: dict[str, str] = {}
    for key, cits in groups.items():
        iri = document_iri(key)
        while iri in documents and documents[iri].key != key:  # two keys, one slug
            iri += "-" + hashlib.sha1(key.encode()).hexdigest()[:6]
        iri_of_key[key] = iri
        place = jurisdiction.get(key.split("@", 1)[0])
        documents[iri] = _record(key, iri, cits, key in ambiguous, place)
    del groups, dated  # they hold every citation: let the texts' go as they are resolved
    out_texts = []
    own: dict[str, str] = {}
    for i, rows in enumerate(keyed):
        t = texts[i]
        if consume:
            cast(list[TextCitations | None], texts)[i] = None
            keyed[i] = []
        final = {id(c): iri_of_key[remap.get(key, key)] for c, key in rows}
        # In-text key → IRI, for the relations (one key names one document within a text).
        by_text_key = {c.doc_id: final[id(c)] for c, _ in rows if c.doc_id}
        own_iri = final[id(t.own)] if t.own is not None else None
        if own_iri is not None:
            own[t.source.path] = own_iri
        # A page's title line names the page's own document: not a citation.
        kept = [i for i, c in enumerate(t.citations) if final[id(c)] != own_iri]
        out_texts.append(
            TextCitations(
                source=t.source,
                citations=tuple(t.citations[i].replace(doc_id=final[id(t.citations[i])])
                                for i in kept),
                place=t.place,
                own=t.own.replace(doc_id=own_iri) if t.own is not None else None,
                sentences=tuple(t.sentences[i] for i in kept) if t.sentences else (),
                relations=_resolved_relations(t.relations, by_text_key),
                sidebar=tuple(
                    c.replace(doc_id=document_iri(c.doc_id or base_key(c))) for c in t.sidebar
                ),
            )
        )
    if consume:
        cast(list[TextCitations], texts).clear()
    return Resolution(documents=documents, texts=tuple(out_texts), own_documents=own)


def _resolved_relations(
    relations: Sequence[Relation], by_text_key: dict[str, str]
) -> tuple[Relation, ...]:
    """Relations with their in-text keys replaced by document IRIs (a source subject is an IRI
    already); an end that names no known document, or a self-loop, is dropped."""
    out = []
    for r in relations:
        subject = r.subject if r.subject_is_source else by_text_key.get(r.subject)
        obj = by_text_key.get(r.object)
        if subject is None or obj is None or subject == obj:
            continue
        out.append(dataclasses.replace(r, subject=subject, object=obj))
    return tuple(out)


def _choose_dated(
    citation: Citation, qualifier: str | None, candidates: dict[str, list[Citation]]
) -> str | None:
    """The dated key an undated citation belongs to, or None when it cannot be told."""
    term = citation.term or (qualifier.removeprefix("khóa ").strip() if qualifier else None)
    fitting = {
        key: cits for key, cits in candidates.items()
        if term is None or term_of_year(int(_split_key(key)[1] or 0)) == term
    }
    if len(fitting) == 1:
        return next(iter(fitting))
    if len(fitting) > 1 and citation.title:
        scores = sorted(
            ((_title_fit(citation.title, [c.title for c in cits if c.title]), key)
             for key, cits in fitting.items()),
            reverse=True,
        )
        best, runner_up = scores[0], scores[1]
        if best[0] >= 0.6 and best[0] - runner_up[0] >= 0.3:
            return best[1]
    return None


def _record(
    key: str, iri: str, cits: Sequence[Citation], ambiguous: bool, place: str | None
) -> DocumentRecord:
    def distinct(values: Iterable[str | None]) -> tuple[str, ...]:
        return tuple(dict.fromkeys(v for v in values if v))

    types = Counter(c.type for c in cits)
    date_votes = Counter(c.date for c in cits if c.date).most_common(2)
    # The date most mentions state; on a tie none is chosen (the conflict says why).
    date = date_votes[0][0] if date_votes and (
        len(date_votes) == 1 or date_votes[0][1] > date_votes[1][1]) else None
    dates = distinct(c.date for c in cits)
    terms = distinct(c.term for c in cits)
    titles = distinct(c.title for c in cits)
    issuers = distinct(i for c in cits for i in (c.issuer or "").split("; "))
    years = distinct(str(c.year) for c in cits if c.year)
    first = max(cits, key=lambda c: (c.symbol is not None, c.date is not None, c.form == "full"))
    conflicts = []
    if len(dates) > 1:
        conflicts.append("date")
    if len(terms) > 1:
        conflicts.append("term")
    if len(years) > 1 and not dates:
        conflicts.append("year")
    return DocumentRecord(
        key=key,
        iri=iri,
        type=types.most_common(1)[0][0],
        number=first.number,
        symbol=first.symbol,
        regime=first.regime,
        name=first.name,
        year=int(date[:4]) if date else (int(years[0]) if len(years) == 1 else None),
        date=date,
        dates=dates,
        terms=terms,
        titles=titles,
        issuers=issuers,
        issuer_codes=first.issuer_codes,
        jurisdiction=place,
        mentions=len(cits),
        ambiguous=ambiguous,
        conflicts=tuple(conflicts),
    )
