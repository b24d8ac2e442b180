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
from collections import defaultdict
from collections.abc import Collection, Sequence
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
    texts: Collection[TextCitations]
    """A tuple, or for a corpus too large for memory a collection read back from disk."""
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
    corpus is never in memory twice (its texts and their resolved copies).  For a corpus
    too large to hold at all, use :class:`CorpusIndex` and resolve one text at a time.
    """
    if consume and not isinstance(texts, list):
        raise TypeError("consume=True needs the texts as a list")
    index = CorpusIndex(lexicon)
    for t in texts:
        index.add(t)
    resolver = index.finish()
    out = []
    for i, t in enumerate(texts):
        out.append(resolver.resolve(t))
        if consume:
            cast(list[TextCitations | None], texts)[i] = None
    if consume:
        cast(list[TextCitations], texts).clear()
    return Resolution(resolver.documents, tuple(out), resolver.own_documents)


class _Values:
    """Distinct values in the order of their first mention (mentions are numbered across the
    corpus), with how often each is stated."""

    __slots__ = ("count", "first")

    def __init__(self) -> None:
        self.first: dict[str, tuple[int, int]] = {}
        self.count: dict[str, int] = {}

    def add(self, value: str, order: tuple[int, int]) -> None:
        if value not in self.first:
            self.first[value] = order
            self.count[value] = 0
        self.count[value] += 1

    def merge(self, other: _Values) -> None:
        for value, order in other.first.items():
            if value not in self.first or order < self.first[value]:
                self.first[value] = order
            self.count[value] = self.count.get(value, 0) + other.count[value]

    def ordered(self) -> tuple[str, ...]:
        return tuple(sorted(self.first, key=self.first.__getitem__))

    def most_common(self, n: int) -> list[tuple[str, int]]:
        """Like ``Counter.most_common``: ties in the order of first mention."""
        return sorted(self.count.items(), key=lambda kv: (-kv[1], self.first[kv[0]]))[:n]


class _Statements:
    """What the citations of one key state about their document, gathered one citation at a
    time, so the citations themselves need not be kept."""

    __slots__ = (
        "best",
        "best_order",
        "best_rank",
        "dates",
        "first",
        "issuers",
        "mentions",
        "terms",
        "titles",
        "types",
        "years",
    )

    def __init__(self, order: int) -> None:
        self.first = order
        self.mentions = 0
        self.types, self.dates, self.terms = _Values(), _Values(), _Values()
        self.titles, self.issuers, self.years = _Values(), _Values(), _Values()
        self.best: Citation | None = None
        self.best_rank = (False, False, False)
        self.best_order = 0

    def add(self, c: Citation, order: int) -> None:
        self.mentions += 1
        at = (order, 0)
        self.types.add(c.type, at)
        if c.date:
            self.dates.add(c.date, at)
        if c.term:
            self.terms.add(c.term, at)
        if c.title:
            self.titles.add(c.title, at)
        for j, issuer in enumerate((c.issuer or "").split("; ")):
            if issuer:
                self.issuers.add(issuer, (order, j))
        if c.year:
            self.years.add(str(c.year), at)
        # The citation that says most (a symbol, a date, the full form); the first such.
        rank = (c.symbol is not None, c.date is not None, c.form == "full")
        if self.best is None or rank > self.best_rank:
            self.best, self.best_rank, self.best_order = c, rank, order

    def merge(self, other: _Statements) -> None:
        self.first = min(self.first, other.first)
        self.mentions += other.mentions
        for mine, theirs in ((self.types, other.types), (self.dates, other.dates),
                             (self.terms, other.terms), (self.titles, other.titles),
                             (self.issuers, other.issuers), (self.years, other.years)):
            mine.merge(theirs)
        if other.best is not None and (
            self.best is None or (other.best_rank, -other.best_order)
            > (self.best_rank, -self.best_order)
        ):
            self.best, self.best_rank, self.best_order = (
                other.best, other.best_rank, other.best_order)


class CorpusIndex:
    """Resolution across texts, one text at a time: :meth:`add` every text (in corpus order),
    then :meth:`finish` gives the :class:`Resolver` that resolves each text.  What is kept is
    per document and per key, never per citation, so memory grows with the documents of a
    corpus, not with its texts."""

    def __init__(self, lexicon: Lexicon | None = None) -> None:
        self.lexicon = lexicon or load_lexicon()
        self._order = 0
        self._statements: dict[str, _Statements] = {}
        self._jurisdiction: dict[str, str] = {}
        # Dated keys of each base, with the titles their citations give.
        self._dated: dict[str, dict[str, dict[str, None]]] = defaultdict(dict)
        # Undated keys: each distinct (term, title) their citations state, in order.
        self._undated: dict[str, dict[tuple[str | None, str | None], None]] = {}
        self._owns: list[tuple[str, str]] = []

    def key(self, c: Citation, place: str | None) -> str:
        """The corpus-wide key of a citation: its in-text key, qualified by the text's
        province for a local document."""
        return self._local_key(c, place)[0]

    def _local_key(self, c: Citation, place: str | None) -> tuple[str, bool]:
        key = c.doc_id or base_key(c)
        if place and is_local(c, self.lexicon):
            return f"{place}/{key}", True
        return key, False

    def add(self, t: TextCitations) -> None:
        """Take in one text's citations (and the document it is)."""
        own_key = self._local_key(t.own, t.place)[0] if t.own is not None else None
        for c in (*t.citations, *((t.own,) if t.own else ())):
            key, local = self._local_key(c, t.place)
            if key == own_key and c is not t.own and t.own is not None and t.own.date:
                # A text citing itself ("Ban hành kèm theo Quyết định số 2969/QĐ-UBND ngày
                # 21/12/2025", a typo of its header's 21/11/2025) is no mention (the resolver
                # drops it), so its date would make a conflict that no mention shows: the
                # header's date speaks for the text.  Its issuer, title and type still count.
                c = c.replace(date=None)
            if local and t.place:
                self._jurisdiction[key.split("@", 1)[0]] = t.place
            order = self._order
            self._order += 1
            statements = self._statements.get(key)
            if statements is None:
                statements = self._statements[key] = _Statements(order)
            statements.add(c, order)
            base, qualifier = _split_key(key)
            if qualifier is not None and not qualifier.startswith("khóa"):
                titles = self._dated[base].setdefault(key, {})
                if c.title:
                    titles[c.title] = None
            else:
                self._undated.setdefault(key, {})[(c.term, c.title)] = None
        if t.own is not None:
            self._owns.append((t.source.path, self.key(t.own, t.place)))

    def finish(self) -> Resolver:
        """The documents of the corpus, and the resolver of its texts."""
        # Undated keys join a dated document of the same base where exactly one fits; the
        # first of its citations that tells which one decides.
        remap: dict[str, str] = {}
        ambiguous: set[str] = set()
        for key, stated in self._undated.items():
            base, qualifier = _split_key(key)
            if base not in self._dated:
                continue
            for term, title in stated:
                choice = _choose_dated(term, title, qualifier, self._dated[base])
                if choice is None:
                    ambiguous.add(key)
                else:
                    remap[key] = choice
                    break
        groups: dict[str, _Statements] = {}
        for key, statements in self._statements.items():
            final = remap.get(key, key)
            if final in groups:
                groups[final].merge(statements)
            else:
                groups[final] = statements
        documents: dict[str, DocumentRecord] = {}
        iri_of_key: dict[str, str] = {}
        for key in sorted(groups, key=lambda k: groups[k].first):
            iri = document_iri(key)
            while iri in documents and documents[iri].key != key:  # two keys, one slug
                iri += "-" + hashlib.sha1(key.encode()).hexdigest()[:6]
            iri_of_key[key] = iri
            place = self._jurisdiction.get(key.split("@", 1)[0])
            documents[iri] = _record(key, iri, groups[key], key in ambiguous, place)
        iris = {key: iri_of_key[remap.get(key, key)] for key in self._statements}
        owns = {path: iris[key] for path, key in self._owns}
        return Resolver(self, documents, iris, owns)


@dataclass(frozen=True)
class Resolver:
    """The documents of a corpus and what each key resolves to; :meth:`resolve` gives a
    text's citations their document IRIs."""

    index: CorpusIndex
    documents: dict[str, DocumentRecord]
    iris: dict[str, str]
    """Corpus-wide key → document IRI."""
    own_documents: dict[str, str]
    """File path → IRI of the document the text itself is."""

    def resolve(self, t: TextCitations) -> TextCitations:
        """The text with each citation's ``doc_id`` (and each relation's ends) set to the IRI
        of its document; a page's title line naming the page's own document is dropped."""
        key, iris = self.index.key, self.iris
        final = [iris[key(c, t.place)] for c in t.citations]
        own_iri = iris[key(t.own, t.place)] if t.own is not None else None
        # In-text key → IRI, for the relations (one key names one document within a text).
        by_text_key = {c.doc_id: iri for c, iri in zip(t.citations, final, strict=True)
                       if c.doc_id}
        if t.own is not None and t.own.doc_id and own_iri is not None:
            by_text_key[t.own.doc_id] = own_iri
        kept = [i for i, iri in enumerate(final) if iri != own_iri]
        return TextCitations(
            source=t.source,
            citations=tuple(t.citations[i].replace(doc_id=final[i]) for i in kept),
            place=t.place,
            own=t.own.replace(doc_id=own_iri) if t.own is not None else None,
            sentences=tuple(t.sentences[i] for i in kept) if t.sentences else (),
            relations=_resolved_relations(t.relations, by_text_key),
            sidebar=tuple(
                c.replace(doc_id=document_iri(c.doc_id or base_key(c))) for c in t.sidebar
            ),
        )


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
    term: str | None, title: str | None, qualifier: str | None,
    candidates: dict[str, dict[str, None]],
) -> str | None:
    """The dated key an undated citation (its stated term and title) belongs to, or None when
    it cannot be told; ``candidates`` are the dated keys with their citations' titles."""
    term = term or (qualifier.removeprefix("khóa ").strip() if qualifier else None)
    fitting = {
        key: titles for key, titles in candidates.items()
        if term is None or term_of_year(int(_split_key(key)[1] or 0)) == term
    }
    if len(fitting) == 1:
        return next(iter(fitting))
    if len(fitting) > 1 and title:
        scores = sorted(
            ((_title_fit(title, list(titles)), key) for key, titles in fitting.items()),
            reverse=True,
        )
        best, runner_up = scores[0], scores[1]
        if best[0] >= 0.6 and best[0] - runner_up[0] >= 0.3:
            return best[1]
    return None


def _record(
    key: str, iri: str, statements: _Statements, ambiguous: bool, place: str | None
) -> DocumentRecord:
    date_votes = statements.dates.most_common(2)
    # The date most mentions state; on a tie none is chosen (the conflict says why).
    date = date_votes[0][0] if date_votes and (
        len(date_votes) == 1 or date_votes[0][1] > date_votes[1][1]) else None
    dates = statements.dates.ordered()
    terms = statements.terms.ordered()
    years = statements.years.ordered()
    first = statements.best
    assert first is not None  # every key has a citation
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
        type=statements.types.most_common(1)[0][0],
        number=first.number,
        symbol=first.symbol,
        regime=first.regime,
        name=first.name,
        year=int(date[:4]) if date else (int(years[0]) if len(years) == 1 else None),
        date=date,
        dates=dates,
        terms=terms,
        titles=statements.titles.ordered(),
        issuers=statements.issuers.ordered(),
        issuer_codes=first.issuer_codes,
        jurisdiction=place,
        mentions=statements.mentions,
        ambiguous=ambiguous,
        conflicts=tuple(conflicts),
    )
