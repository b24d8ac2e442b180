"""Turn a resolved corpus into RDF triples, following ontology/kg.ttl.

One node per document (``kg:Document``, ELI's ``eli:LegalResource``), per issuing body, per
source text and per mention; relations are direct edges (``kg:implements``, ``eli:based_on``,
...) and also reified as ``kg:RelationAssertion`` nodes that carry their evidence.  The
shapes in ontology/shapes.ttl describe what every graph built here satisfies.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from rdflib import RDF, RDFS, SKOS, XSD, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS
from rdflib.term import Node

from kg.lexicon import Body, Lexicon, load_lexicon
from kg.models import Citation, Relation, RelationName
from kg.pipeline import Corpus, source_iri
from kg.resolve import DocumentRecord, TextCitations, slugify
from kg.vocab import (
    BODY,
    CONFLICT,
    DOC,
    DOCTYPE,
    DOCUMENT_TYPES,
    ELI,
    KG,
    MENTION,
    RELATION,
    SOURCE,
    STATISTICS,
    YEARLY,
)

ONTOLOGY_FILE = Path(__file__).resolve().parent / "ontology.ttl"
"""The ontology (a link to ontology/kg.ttl, shipped in the package as a file)."""

RELATION_PROPERTIES: dict[RelationName, URIRef] = {
    "implements": KG.implements,
    "follows_up": KG.followsUp,
    "reviews": KG.reviews,
    "based_on": ELI.based_on,
    "amends": ELI.amends,
    "replaces": KG.replaces,
    "repeals": ELI.repeals,
    "guides": KG.guides,
}
"""The property each relation name is written with."""

# Relations whose subject must be a legal document, never a report (ontology domains).
_DOCUMENT_ONLY = {KG.replaces, ELI.repeals}

# Sub-properties whose super-property is written too, so queries need no reasoner.
_IMPLIED: dict[URIRef, URIRef] = {KG.followsUp: KG.implements}

LEVELS = {
    "central": KG.Central,
    "province": KG.Province,
    "district": KG.District,
    "grassroots": KG.Grassroots,
}

# The namespaces themselves come from the generated vocabulary, as kg.store's query prefixes do.
PREFIXES = {
    "kg": str(KG._NS),
    "eli": str(ELI._NS),
    "doc": str(DOC),
    "body": str(BODY),
    "source": str(SOURCE),
    "mention": str(MENTION),
    "doctype": str(DOCTYPE),
    "relation": str(RELATION),
    "conflict": str(CONFLICT),
    "yearly": str(YEARLY),
    "statistics": str(STATISTICS),
    "skos": str(SKOS),
    "dcterms": str(DCTERMS),
}


def new_graph() -> Graph:
    """An empty graph with the project's prefixes bound, for readable Turtle."""
    graph = Graph(bind_namespaces="core")
    for prefix, ns in PREFIXES.items():
        graph.bind(prefix, ns, override=True)
    return graph


def body_iri(name: str, place: str | None) -> URIRef:
    """The IRI of an issuing body, qualified by its province when it is a local body."""
    return BODY[slugify(f"{name} {place}" if place else name)]


# --------------------------------------------------------------------------------------------
# Turtle text: the graph is written as it is made, never held in memory


_ALL_PREFIXES = {**PREFIXES, "rdf": str(RDF), "rdfs": str(RDFS), "xsd": str(XSD)}
_PREFIX_OF = {ns: prefix for prefix, ns in _ALL_PREFIXES.items()}
_LOCAL_NAME = re.compile(r"[A-Za-z0-9_](?:[A-Za-z0-9_.-]*[A-Za-z0-9_-])?")
_ESCAPES = str.maketrans({"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r"})


def turtle_name(iri: str) -> str:
    """An IRI as Turtle writes it: a prefixed name ("doc:25-nq-tw-2013") when it is in one of
    the project's namespaces, else "<iri>"."""
    cut = max(iri.rfind("/"), iri.rfind("#")) + 1
    prefix = _PREFIX_OF.get(iri[:cut])
    if prefix is not None and _LOCAL_NAME.fullmatch(iri, cut):
        return f"{prefix}:{iri[cut:]}"
    return f"<{iri}>"


def turtle_string(value: str, suffix: str = "") -> str:
    """A literal: ``suffix`` is "@vi" or "^^xsd:date" (empty for a plain string)."""
    # Most values need no escape; four searches are far cheaper than str.translate.
    if '"' in value or "\\" in value or "\n" in value or "\r" in value:
        value = value.translate(_ESCAPES)
    return f'"{value}"{suffix}'


def turtle_term(node: Node) -> str:
    """An rdflib term (of the ontology) in Turtle."""
    if isinstance(node, URIRef):
        return turtle_name(str(node))
    if isinstance(node, Literal):
        if node.language:
            return turtle_string(str(node), f"@{node.language}")
        if node.datatype is not None and node.datatype != XSD.string:
            return turtle_string(str(node), f"^^{turtle_name(str(node.datatype))}")
        return turtle_string(str(node))
    raise TypeError(f"no Turtle form for {node!r}")  # pragma: no cover - no blank nodes


# Names of the terms used below, made from the generated vocabulary so a misspelt term fails
# at import.  (The predicate "a" is rdf:type.)
_N = SimpleNamespace(**{
    name: turtle_name(str(term)) for name, term in {
        "Document": KG.Document, "LegalResource": ELI.LegalResource,
        "PartyDocument": KG.PartyDocument, "StateDocument": KG.StateDocument,
        "docKey": KG.docKey, "type_document": ELI.type_document, "id_local": ELI.id_local,
        "number": ELI.number, "date_document": ELI.date_document, "year": KG.year,
        "partyTerm": KG.partyTerm, "title": DCTERMS.title, "jurisdiction": KG.jurisdiction,
        "alternative": DCTERMS.alternative, "ambiguous": KG.ambiguous,
        "prefLabel": SKOS.prefLabel, "passed_by": ELI.passed_by,
        "IssuingBody": KG.IssuingBody, "Organization": ELI.Organization,
        "PartyBody": KG.PartyBody, "StateBody": KG.StateBody, "level": KG.level,
        "bodyCode": KG.bodyCode, "partOf": KG.partOf, "place": KG.place,
        "Source": KG.Source, "file": KG.file, "sha256": KG.sha256,
        "publishedAt": KG.publishedAt, "authorLine": KG.authorLine, "url": KG.url,
        "isTextOf": KG.isTextOf, "refers_to": ELI.refers_to,
        "Mention": KG.Mention, "inSource": KG.inSource, "mentions": KG.mentions,
        "start": KG.start, "end": KG.end, "text": KG.text, "sentence": KG.sentence,
        "statedDate": KG.statedDate, "statedYear": KG.statedYear,
        "statedIssuer": KG.statedIssuer, "statedTerm": KG.statedTerm,
        "statedTitle": KG.statedTitle,
        "hasConflict": KG.hasConflict, "Conflict": KG.Conflict, "onProperty": KG.onProperty,
        "conflictValue": KG.conflictValue, "evidence": KG.evidence,
        "RelationAssertion": KG.RelationAssertion, "subjectDoc": KG.subjectDoc,
        "objectDoc": KG.objectDoc, "relation": KG.relation, "cue": KG.cue,
        "evidenceText": KG.evidenceText, "comment": RDFS.comment,
        "mentionCount": KG.mentionCount, "sourceCount": KG.sourceCount,
        "YearlyCitations": KG.YearlyCitations, "yearlyCitations": KG.yearlyCitations,
        "YearStatistics": KG.YearStatistics, "sourceYear": KG.sourceYear, "ofType": KG.ofType,
        "documentCount": KG.documentCount,
        "date": XSD.date, "dateTime": XSD.dateTime, "gYear": XSD.gYear, "anyURI": XSD.anyURI,
    }.items()
})
_DATE_SUFFIX = f"^^{_N.date}"
_YEAR_SUFFIX = f"^^{_N.gYear}"
_LEVEL_NAMES = {level: turtle_name(str(iri)) for level, iri in LEVELS.items()}
_RELATION_NAMES = {name: turtle_name(str(iri)) for name, iri in RELATION_PROPERTIES.items()}
_DOCUMENT_ONLY_NAMES = {turtle_name(str(iri)) for iri in _DOCUMENT_ONLY}
_IMPLIED_NAMES = {turtle_name(str(k)): turtle_name(str(v)) for k, v in _IMPLIED.items()}
_CONFLICT_PROPERTIES = {"date": (ELI.date_document, "date"), "term": (KG.partyTerm, "term")}


def _block(subject: str, pairs: list[tuple[str, str]]) -> str:
    """One Turtle statement: a subject and its predicate-object pairs (objects of one
    predicate in a row share it: "a kg:Document, eli:LegalResource")."""
    parts: list[str] = []
    last = None
    for p, o in pairs:
        if p == last:
            parts.append(f", {o}")
        else:
            parts.append(f" ;\n    {p} {o}" if parts else f"{p} {o}")
            last = p
    return f"{subject} {''.join(parts)} .\n"


@dataclass
class GraphText:
    """The graph of a corpus as Turtle, produced piece by piece by :meth:`chunks` (the prefix
    header first); ``triples`` counts the triples written so far.

    Every triple is written once, in an order fixed by the corpus (documents and bodies by
    IRI, then each text, in corpus order, with its mentions and relations), so the same
    corpus always gives the same bytes.  What it keeps while writing is the documents and the
    relations met, never the triples.
    """

    corpus: Corpus
    lexicon: Lexicon = field(default_factory=load_lexicon)
    triples: int = 0
    _names: dict[str, str] = field(default_factory=dict)
    _edges: set[tuple[str, str, str]] = field(default_factory=set)  # direct edges written
    _seen: set[tuple[str, str, str]] = field(default_factory=set)  # relations written
    _conflicted: set[str] = field(default_factory=set)
    _conflict_evidence: dict[str, list[tuple[Citation, str]]] = field(
        default_factory=lambda: defaultdict(list))
    # Per document: mentions written and sources they are in (kg:mentionCount, kg:sourceCount).
    _mention_counts: Counter[str] = field(default_factory=Counter)
    _source_counts: Counter[str] = field(default_factory=Counter)
    # Per source IRI written: its text's SHA-256 and the paths written for it.
    _written_sources: dict[str, tuple[str | None, set[str]]] = field(default_factory=dict)
    # Per (document, source year) and per (document type, source year): the same counts
    # (kg:YearlyCitations, kg:YearStatistics); the year is "" for undated sources, the type ""
    # for every type.
    _yearly_mentions: Counter[tuple[str, str]] = field(default_factory=Counter)
    _yearly_sources: Counter[tuple[str, str]] = field(default_factory=Counter)
    _year_sources: Counter[tuple[str, str]] = field(default_factory=Counter)

    def chunks(self) -> Iterator[str]:
        """The Turtle text, in pieces."""
        yield from self.head()
        for t in self.corpus.texts:  # in corpus order: the first evidence of a relation wins
            yield self.text(t)
        yield from self.tail()

    def head(self) -> Iterator[str]:
        """The prefixes, the documents, their issuing bodies and types."""
        yield "".join(f"@prefix {p}: <{ns}> .\n" for p, ns in sorted(_ALL_PREFIXES.items()))
        yield "\n"
        documents = self.corpus.resolution.documents
        bodies: dict[str, tuple[str, str | None]] = {}  # IRI -> (name, place)
        for iri in sorted(documents):
            yield self._document(documents[iri], bodies)
        yield from self._bodies(bodies)
        yield from self._document_types({r.type for r in documents.values()})
        self._conflicted = {iri for iri, r in documents.items() if r.conflicts}

    def text(self, t: TextCitations) -> str:
        """One text (a source node), its mentions and the relations it states first; texts
        come after :meth:`head`, in corpus order."""
        return self._text(t, self._conflicted, self._conflict_evidence, self._seen)

    def tail(self) -> Iterator[str]:
        """The conflicts, with the mentions that state each value, every document's mention
        and source counts, in all and by year, and the year statistics (after every text)."""
        documents = self.corpus.resolution.documents
        self._edges.clear()
        for iri in sorted(self._conflicted):
            yield self._conflicts(documents[iri], self._conflict_evidence[iri])
        # Counted as the mentions are written, so they are the graph's own numbers; stored
        # because counting 1.3 million mentions takes a SPARQL engine seconds to a minute
        # (BENCHMARKS.md), and rankings and yearly counts are what users ask for first.
        n = _N
        years_of: dict[str, list[str]] = defaultdict(list)
        for doc, year in self._yearly_mentions:
            years_of[doc].append(year)
        for iri in sorted(documents):
            yearly = [self._yearly_name(iri, year) for year in sorted(years_of[iri])]
            yield self._emit(self.name(iri), [
                (n.mentionCount, str(self._mention_counts[iri])),
                (n.sourceCount, str(self._source_counts[iri])),
                *((n.yearlyCitations, node) for node in yearly),
            ])
        year_mentions: Counter[tuple[str, str]] = Counter()
        year_documents: Counter[tuple[str, str]] = Counter()
        for (doc, year), mentions in sorted(self._yearly_mentions.items()):
            pairs = [("a", n.YearlyCitations)]
            if year:
                pairs.append((n.sourceYear, turtle_string(year, _YEAR_SUFFIX)))
            pairs.append((n.mentionCount, str(mentions)))
            pairs.append((n.sourceCount, str(self._yearly_sources[doc, year])))
            yield self._emit(self._yearly_name(doc, year), pairs)
            for dtype in {"", documents[doc].type}:
                year_mentions[dtype, year] += mentions
                year_documents[dtype, year] += 1
        for dtype, year in sorted(year_mentions):
            type_iri = DOCUMENT_TYPES.get(dtype) if dtype else None
            if dtype and type_iri is None:
                continue  # a type the ontology has no concept for: only in the totals
            pairs = [("a", n.YearStatistics)]
            if type_iri is not None:
                pairs.append((n.ofType, self.name(str(type_iri))))
            if year:
                pairs.append((n.sourceYear, turtle_string(year, _YEAR_SUFFIX)))
            pairs.append((n.mentionCount, str(year_mentions[dtype, year])))
            pairs.append((n.documentCount, str(year_documents[dtype, year])))
            pairs.append((n.sourceCount, str(self._year_sources[dtype, year])))
            slug = str(type_iri).rsplit("/", 1)[-1] if type_iri is not None else ""
            local = "-".join(part for part in (year or "undated", slug) if part)
            yield self._emit(self.name(str(STATISTICS[local])), pairs)

    def _yearly_name(self, doc: str, year: str) -> str:
        return self.name(str(YEARLY[f"{doc.rsplit('/', 1)[-1]}-{year or 'undated'}"]))

    def name(self, iri: str) -> str:
        """:func:`turtle_name`, remembered (document and body IRIs recur)."""
        found = self._names.get(iri)
        if found is None:
            found = self._names[iri] = turtle_name(iri)
        return found

    def _emit(self, subject: str, pairs: list[tuple[str, str]]) -> str:
        self.triples += len(pairs)
        return _block(subject, pairs)

    # ---------------------------------------------------------------- documents and bodies

    def _document(self, record: DocumentRecord, bodies: dict[str, tuple[str, str | None]]) -> str:
        n = _N
        kind = {"party": n.PartyDocument, "state": n.StateDocument}.get(record.regime)
        pairs = [("a", n.Document), ("a", n.LegalResource)]
        if kind:
            pairs.append(("a", kind))
        pairs.append((n.docKey, turtle_string(record.key)))
        type_iri = DOCUMENT_TYPES.get(record.type)
        if type_iri is not None:
            pairs.append((n.type_document, self.name(str(type_iri))))
        if record.symbol:
            pairs.append((n.id_local, turtle_string(record.symbol)))
        if record.number:
            pairs.append((n.number, turtle_string(record.number)))
        if record.date:
            pairs.append((n.date_document, turtle_string(record.date, f"^^{n.date}")))
        if record.year:
            pairs.append((n.year, turtle_string(f"{record.year:04d}", f"^^{n.gYear}")))
        if len(record.terms) == 1:
            pairs.append((n.partyTerm, turtle_string(record.terms[0])))
        if record.titles:
            pairs.append((n.title, turtle_string(max(record.titles, key=len), "@vi")))
        if record.jurisdiction:
            pairs.append((n.jurisdiction, turtle_string(record.jurisdiction)))
        if record.name and record.name != record.type:
            pairs.append((n.alternative, turtle_string(record.name, "@vi")))
        if record.ambiguous:
            pairs.append((n.ambiguous, "true"))
        pairs.append((n.prefLabel, turtle_string(document_label(record), "@vi")))
        names = list(record.issuers)
        if not names:
            inferred = self._body_for_codes(record.issuer_codes)
            if inferred is not None:
                names = [inferred.name]
        passed_by = set()
        for name in names:
            # Only lexicon bodies become nodes; other names stay in the mentions' statedIssuer.
            if name in self.lexicon.body_by_name:
                passed_by.add(self.name(self._body(name, record.jurisdiction, bodies)))
        pairs.extend((n.passed_by, b) for b in sorted(passed_by))
        return self._emit(self.name(record.iri), pairs)

    def _body(self, name: str, place: str | None, bodies: dict[str, tuple[str, str | None]]) -> str:
        """The IRI of a body (and of the bodies it is part of), noted for :meth:`_bodies`."""
        body = self.lexicon.body_by_name.get(name)
        local = body is not None and body.level != "central"
        place = place if local else None
        iri = str(body_iri(name, place))
        if iri not in bodies:
            bodies[iri] = (name, place)
            if body is not None and body.parent is not None:
                self._body(body.parent, place, bodies)
        return iri

    def _bodies(self, bodies: dict[str, tuple[str, str | None]]) -> Iterator[str]:
        n = _N
        for iri in sorted(bodies):
            name, place = bodies[iri]
            body = self.lexicon.body_by_name.get(name)
            pairs = [("a", n.IssuingBody), ("a", n.Organization)]
            if body is not None:
                pairs.append(("a", n.PartyBody if body.kind == "party" else n.StateBody))
            label = f"{name} {place}" if place else name
            pairs.append((n.prefLabel, turtle_string(label, "@vi")))
            if body is not None:
                pairs.append((n.level, _LEVEL_NAMES[body.level]))
                pairs.extend((n.bodyCode, turtle_string(code)) for code in sorted(set(body.codes)))
                if body.parent is not None:
                    parent = self._body(body.parent, place, bodies)
                    pairs.append((n.partOf, self.name(parent)))
            if place:
                pairs.append((n.place, turtle_string(place)))
            yield self._emit(self.name(iri), pairs)

    def _body_for_codes(self, codes: Iterable[str]) -> Body | None:
        """The one body whose code is the first issuer code of a symbol, if only one uses it."""
        for code in codes:
            users = [b for b in self.lexicon.bodies if code in b.codes]
            return users[0] if len(users) == 1 else None
        return None

    def _document_types(self, names: set[str]) -> Iterator[str]:
        """The ontology's description of each document type used (label, notations), so the
        graph answers "what type is this" on its own."""
        ontology = _ontology()
        for name in sorted(names):
            concept = DOCUMENT_TYPES.get(name)
            if concept is None:
                continue
            pairs = sorted({(turtle_term(p), turtle_term(o))
                            for p, o in ontology.predicate_objects(concept)})
            pairs = [("a" if p == "rdf:type" else p, o) for p, o in pairs]
            if pairs:
                yield self._emit(self.name(str(concept)), pairs)

    # ------------------------------------------------------------------ texts and mentions

    def _text(
        self,
        t: TextCitations,
        conflicted: set[str],
        conflict_evidence: dict[str, list[tuple[Citation, str]]],
        seen: set[tuple[str, str, str]],
    ) -> str:
        n = _N
        src_iri = source_iri(t.source)
        src = turtle_name(src_iri)
        written = self._written_sources.get(src_iri)
        if written is not None and written[0] == t.source.sha256:
            # The same text (name and whole content) at another path is the same source:
            # its mentions and relations are written already; only another path is new.
            # (Another text whose IRI is the same, the same name and the first 8 digits of
            # its hash, is written in full: the shapes then report its two kg:sha256.)
            if t.source.path in written[1]:
                return ""
            written[1].add(t.source.path)
            return self._emit(src, [(n.file, turtle_string(t.source.path))])
        self._written_sources[src_iri] = (t.source.sha256, {t.source.path})
        local = src_iri.rsplit("/", 1)[-1]
        pairs = [("a", n.Source), (n.file, turtle_string(t.source.path))]
        if t.source.sha256:
            pairs.append((n.sha256, turtle_string(t.source.sha256)))
        meta = t.source.metadata
        if meta.get("title"):
            pairs.append((n.title, turtle_string(meta["title"], "@vi")))
        published = meta.get("published")
        if published:
            dtype = n.dateTime if "T" in published else n.date
            pairs.append((n.publishedAt, turtle_string(published, f"^^{dtype}")))
        if meta.get("author"):
            pairs.append((n.authorLine, turtle_string(meta["author"])))
        if meta.get("url"):
            pairs.append((n.url, turtle_string(meta["url"], f"^^{n.anyURI}")))
        if t.place:
            pairs.append((n.place, turtle_string(t.place)))
        own = self.corpus.resolution.own_documents.get(t.source.path)
        if own is not None:
            pairs.append((n.isTextOf, self.name(own)))
        cited = sorted({self.name(c.doc_id) for c in t.citations if c.doc_id})
        pairs.extend((n.refers_to, d) for d in cited)
        out = [self._emit(src, pairs)]
        self._count(t, published)
        spans: list[tuple[int, int, str]] = []
        for i, c in enumerate(t.citations):
            if not c.doc_id:
                continue
            m = f"mention:{local}-{c.start}-{c.end}"  # a mention is its source and span
            spans.append((c.start, c.end, m))
            sentence = t.sentences[i] if i < len(t.sentences) else ""
            out.append(self._mention(m, src, c, sentence))
            if c.doc_id in conflicted:
                conflict_evidence[c.doc_id].append((c, m))
        for r in t.relations:
            key = (r.subject, r.relation, r.object)
            if key not in seen:
                seen.add(key)
                out.append(self._relation(r, spans))
        return "".join(out)

    def _count(self, t: TextCitations, published: str | None) -> None:
        """Count a source's mentions: per document, per document and year, and the sources
        per document type and year (the mentions and documents per type and year are sums
        of the per-document counts, made in :meth:`tail`)."""
        cited = [c.doc_id for c in t.citations if c.doc_id]
        distinct = set(cited)
        self._mention_counts.update(cited)
        self._source_counts.update(distinct)
        # By year, only documents the graph describes (a node needs a document to hang on).
        documents = self.corpus.resolution.documents
        year = _source_year(published)
        self._yearly_mentions.update((doc, year) for doc in cited if doc in documents)
        known = {doc for doc in distinct if doc in documents}
        self._yearly_sources.update((doc, year) for doc in known)
        if known:
            types = {documents[doc].type for doc in known}
            self._year_sources.update((dtype, year) for dtype in types | {""})

    def _mention(self, m: str, src: str, c: Citation, sentence: str) -> str:
        # Written out in one piece (the graph's most numerous node: a third of the time of
        # the whole stage went to the generic pairs and blocks).
        n = _N
        lines = [
            f"{m} a {n.Mention} ;\n    {n.inSource} {src} ;\n"
            f"    {n.mentions} {self.name(c.doc_id or '')} ;\n"
            f"    {n.start} {c.start} ;\n    {n.end} {c.end} ;\n"
            f"    {n.text} {turtle_string(c.text)}"
        ]
        if sentence:
            lines.append(f"{n.sentence} {turtle_string(sentence)}")
        if c.date:
            lines.append(f"{n.statedDate} {turtle_string(c.date, _DATE_SUFFIX)}")
        elif c.year:
            lines.append(f"{n.statedYear} {turtle_string(f'{c.year:04d}', _YEAR_SUFFIX)}")
        if c.issuer:
            lines.append(f"{n.statedIssuer} {turtle_string(c.issuer)}")
        if c.term:
            lines.append(f"{n.statedTerm} {turtle_string(c.term)}")
        if c.title:
            lines.append(f"{n.statedTitle} {turtle_string(c.title)}")
        self.triples += 5 + len(lines)
        return " ;\n    ".join(lines) + " .\n"

    def _relation(self, r: Relation, spans: list[tuple[int, int, str]]) -> str:
        n = _N
        prop = _RELATION_NAMES[r.relation]
        if r.subject_is_source and prop in _DOCUMENT_ONLY_NAMES:
            return ""  # a report does not repeal; only a document can
        subject, obj = self.name(r.subject), self.name(r.object)
        direct = [(prop, obj)]
        if prop in _IMPLIED_NAMES:
            direct.append((_IMPLIED_NAMES[prop], obj))
        # "follows up" also writes "implements", which another sentence may state too.
        direct = [(p, o) for p, o in direct if (subject, p, o) not in self._edges]
        self._edges.update((subject, p, o) for p, o in direct)
        out = [self._emit(subject, direct)] if direct else []
        digest = hashlib.sha1(f"{r.subject} {r.relation} {r.object}".encode()).hexdigest()[:16]
        ev = r.evidence
        pairs = [
            ("a", n.RelationAssertion),
            (n.subjectDoc, subject),
            (n.objectDoc, obj),
            (n.relation, prop),
        ]
        if r.cue:
            pairs.append((n.cue, turtle_string(r.cue)))
        pairs.append((n.evidenceText, turtle_string(ev.sentence)))
        pairs.extend((n.evidence, m) for start, end, m in spans
                     if ev.start <= start and end <= ev.end)
        pairs.append((n.comment, turtle_string(f"{ev.file}:{ev.start}-{ev.end}")))
        out.append(self._emit(f"relation:{digest}", pairs))
        return "".join(out)

    def _conflicts(self, record: DocumentRecord, mentions: list[tuple[Citation, str]]) -> str:
        n = _N
        out = []
        for name in record.conflicts:
            if name not in _CONFLICT_PROPERTIES:
                continue
            prop, field_name = _CONFLICT_PROPERTIES[name]
            evidence = [m for c, m in mentions if getattr(c, field_name)]
            if not evidence:
                # Values stated only where the graph has no mention (a text's header and its
                # citations of itself, when the resolver could not tell them apart): a
                # conflict is what mentions state (kg:Conflict), so none is written.
                continue
            node = turtle_name(str(CONFLICT[f"{record.iri.rsplit('/', 1)[-1]}-{name}"]))
            out.append(self._emit(self.name(record.iri), [(n.hasConflict, node)]))
            pairs = [("a", n.Conflict), (n.onProperty, turtle_name(str(prop)))]
            values = record.dates if name == "date" else record.terms
            suffix = f"^^{n.date}" if name == "date" else ""
            pairs.extend((n.conflictValue, turtle_string(v, suffix)) for v in sorted(set(values)))
            pairs.extend((n.evidence, m) for m in evidence)
            out.append(self._emit(node, pairs))
        return "".join(out)


_YEAR = re.compile(r"\d{4}")


def _source_year(published: str | None) -> str:
    """The year of a source's publication date or date-time ("" when it has none)."""
    if published and _YEAR.match(published):
        return published[:4]
    return ""


def build_graph(corpus: Corpus, lexicon: Lexicon | None = None) -> Graph:
    """The RDF graph of a corpus in memory (rdflib), for small corpora, tests and the graph
    page; ``kg build`` writes the same triples as Turtle without holding them
    (:class:`GraphText`)."""
    text = "".join(GraphText(corpus, lexicon or load_lexicon()).chunks())
    return graph_of_turtle(text.encode("utf-8"))


def graph_of_turtle(data: bytes) -> Graph:
    """An rdflib graph of Turtle text, parsed by Oxigraph (many times faster than rdflib's
    own parser), with the project's prefixes bound."""
    import pyoxigraph as ox

    graph = new_graph()
    memo: dict[Any, Node] = {}

    def term(node: Any) -> Node:
        found = memo.get(node)
        if found is None:
            if isinstance(node, ox.NamedNode):
                found = URIRef(node.value)
            elif node.language:
                found = Literal(node.value, lang=node.language)
            elif node.datatype.value == str(XSD.string):
                found = Literal(node.value)
            else:
                found = Literal(node.value, datatype=URIRef(node.datatype.value))
            memo[node] = found
        return found

    add = graph.add
    for triple in ox.parse(data, format=ox.RdfFormat.TURTLE):
        add((term(triple.subject), term(triple.predicate), term(triple.object)))
    return graph


@lru_cache(maxsize=1)
def _ontology() -> Graph:
    return Graph().parse(ONTOLOGY_FILE, format="turtle")


def document_label(record: DocumentRecord) -> str:
    """A short human label: "Nghị quyết 25-NQ/TW (2013)", "Luật Đất đai (2013)"."""
    ident = record.symbol or record.name or (f"số {record.number}" if record.number else "")
    if record.name and record.name.startswith(record.type):
        label = record.name
    else:
        label = f"{record.type} {ident}".strip()
    year = record.date[:4] if record.date else (str(record.year) if record.year else None)
    if year and not (record.symbol and f"/{year}/" in record.symbol):
        label += f" ({year})"
    return label
