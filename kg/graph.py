"""Turn a resolved corpus into RDF triples, following ontology/kg.ttl.

One node per document (``kg:Document``, ELI's ``eli:LegalResource``), per issuing body, per
source text and per mention; relations are direct edges (``kg:implements``, ``eli:based_on``,
...) and also reified as ``kg:RelationAssertion`` nodes that carry their evidence.  The
shapes in ontology/shapes.ttl describe what every graph built here satisfies.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from rdflib import RDF, RDFS, SKOS, XSD, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS

from kg.lexicon import Body, Lexicon, load_lexicon
from kg.models import Citation, Relation, RelationName
from kg.pipeline import Corpus
from kg.resolve import DocumentRecord, slugify
from kg.vocab import BODY, CONFLICT, DOCUMENT_TYPES, ELI, KG, MENTION, RELATION

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

PREFIXES = {
    "kg": "https://w3id.org/kg-vn/ontology#",
    "eli": "http://data.europa.eu/eli/ontology#",
    "doc": "https://w3id.org/kg-vn/id/doc/",
    "body": "https://w3id.org/kg-vn/id/body/",
    "source": "https://w3id.org/kg-vn/id/source/",
    "mention": "https://w3id.org/kg-vn/id/mention/",
    "doctype": "https://w3id.org/kg-vn/id/doctype/",
    "relation": "https://w3id.org/kg-vn/id/relation/",
    "conflict": "https://w3id.org/kg-vn/id/conflict/",
    "skos": str(SKOS),
    "dcterms": str(DCTERMS),
}


def new_graph() -> Graph:
    """An empty graph with the project's prefixes bound, for readable Turtle."""
    graph = Graph(bind_namespaces="core")
    for prefix, ns in PREFIXES.items():
        graph.bind(prefix, ns, override=True)
    return graph


def mention_iri(source_iri: str, citation: Citation) -> URIRef:
    """The IRI of one citation's mention node (source, then span)."""
    return MENTION[f"{source_iri.rsplit('/', 1)[-1]}-{citation.start}-{citation.end}"]


def body_iri(name: str, place: str | None) -> URIRef:
    """The IRI of an issuing body, qualified by its province when it is a local body."""
    return BODY[slugify(f"{name} {place}" if place else name)]


@dataclass
class _Bodies:
    lexicon: Lexicon
    graph: Graph

    def node(self, name: str, place: str | None) -> URIRef:
        body = self.lexicon.body_by_name.get(name)
        local = body is not None and body.level != "central"
        place = place if local else None
        iri = body_iri(name, place)
        g = self.graph
        if (iri, RDF.type, KG.IssuingBody) in g:
            return iri
        g.add((iri, RDF.type, KG.IssuingBody))
        g.add((iri, RDF.type, ELI.Organization))
        label = f"{name} {place}" if place else name
        g.add((iri, SKOS.prefLabel, Literal(label, lang="vi")))
        if body is not None:
            g.add((iri, RDF.type, KG.PartyBody if body.kind == "party" else KG.StateBody))
            g.add((iri, KG.level, LEVELS[body.level]))
            for code in body.codes:
                g.add((iri, KG.bodyCode, Literal(code)))
            if body.parent is not None:
                g.add((iri, KG.partOf, self.node(body.parent, place)))
        if place:
            g.add((iri, KG.place, Literal(place)))
        return iri

    def for_codes(self, codes: Iterable[str]) -> Body | None:
        """The one body whose code is the first issuer code of a symbol, if only one uses it."""
        for code in codes:
            users = [b for b in self.lexicon.bodies if code in b.codes]
            return users[0] if len(users) == 1 else None
        return None


def build_graph(corpus: Corpus, lexicon: Lexicon | None = None) -> Graph:
    """The RDF graph of a corpus: documents, bodies, sources, mentions and relations."""
    lex = lexicon or load_lexicon()
    g = new_graph()
    bodies = _Bodies(lex, g)
    mentions_in: dict[str, list[tuple[int, int, URIRef]]] = defaultdict(list)
    # Each document's mentions with the citation behind each, for conflict evidence.
    mentions_of_doc: dict[str, list[tuple[Citation, URIRef]]] = defaultdict(list)
    for record in corpus.resolution.documents.values():
        _add_document(g, record, bodies)
    _add_document_types(g, {r.type for r in corpus.resolution.documents.values()})
    for t in corpus.texts:
        src = URIRef(corpus.source_iris[t.source.path])
        _add_source(g, src, t.source.path, t.source.metadata, t.source.sha256, t.place)
        own = corpus.resolution.own_documents.get(t.source.path)
        if own is not None:
            g.add((src, KG.isTextOf, URIRef(own)))
        for i, c in enumerate(t.citations):
            if not c.doc_id:
                continue
            m = _add_mention(g, src, c, t.sentences[i] if i < len(t.sentences) else "")
            mentions_in[t.source.path].append((c.start, c.end, m))
            mentions_of_doc[c.doc_id].append((c, m))
    for record in corpus.resolution.documents.values():
        if record.conflicts:
            _add_conflicts(g, record, mentions_of_doc[record.iri])
    for relation in corpus.relations:
        _add_relation(g, relation, mentions_in[relation.evidence.file])
    return g


@lru_cache(maxsize=1)
def _ontology() -> Graph:
    return Graph().parse(ONTOLOGY_FILE, format="turtle")


def _add_document_types(g: Graph, names: set[str]) -> None:
    """Copy the ontology's description of each document type used (label, notations), so the
    graph answers "what type is this" on its own."""
    ontology = _ontology()
    for name in sorted(names):
        concept = DOCUMENT_TYPES.get(name)
        if concept is None:
            continue
        for p, o in ontology.predicate_objects(concept):
            g.add((concept, p, o))


def _add_document(g: Graph, record: DocumentRecord, bodies: _Bodies) -> None:
    doc = URIRef(record.iri)
    g.add((doc, RDF.type, KG.Document))
    g.add((doc, RDF.type, ELI.LegalResource))
    if record.regime in ("party", "state"):
        kind = KG.PartyDocument if record.regime == "party" else KG.StateDocument
        g.add((doc, RDF.type, kind))
    g.add((doc, KG.docKey, Literal(record.key)))
    type_iri = DOCUMENT_TYPES.get(record.type)
    if type_iri is not None:
        g.add((doc, ELI.type_document, type_iri))
    if record.symbol:
        g.add((doc, ELI.id_local, Literal(record.symbol)))
    if record.number:
        g.add((doc, ELI.number, Literal(record.number)))
    if record.date:
        g.add((doc, ELI.date_document, Literal(record.date, datatype=XSD.date)))
    if record.year:
        g.add((doc, KG.year, Literal(f"{record.year:04d}", datatype=XSD.gYear)))
    if len(record.terms) == 1:
        g.add((doc, KG.partyTerm, Literal(record.terms[0])))
    if record.titles:
        g.add((doc, DCTERMS.title, Literal(max(record.titles, key=len), lang="vi")))
    if record.jurisdiction:
        g.add((doc, KG.jurisdiction, Literal(record.jurisdiction)))
    if record.name and record.name != record.type:
        g.add((doc, DCTERMS.alternative, Literal(record.name, lang="vi")))
    if record.ambiguous:
        g.add((doc, KG.ambiguous, Literal(True)))
    g.add((doc, SKOS.prefLabel, Literal(document_label(record), lang="vi")))
    names = list(record.issuers)
    if not names:
        inferred = bodies.for_codes(record.issuer_codes)
        if inferred is not None:
            names = [inferred.name]
    for name in names:
        # Only lexicon bodies become nodes; other names stay in the mentions' statedIssuer.
        if name in bodies.lexicon.body_by_name:
            g.add((doc, ELI.passed_by, bodies.node(name, record.jurisdiction)))


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


def _add_source(
    g: Graph, src: URIRef, path: str, meta: Mapping[str, str], sha256: str, place: str | None
) -> None:
    g.add((src, RDF.type, KG.Source))
    g.add((src, KG.file, Literal(path)))
    if sha256:
        g.add((src, KG.sha256, Literal(sha256)))
    if meta.get("title"):
        g.add((src, DCTERMS.title, Literal(meta["title"], lang="vi")))
    published = meta.get("published")
    if published:
        dtype = XSD.dateTime if "T" in published else XSD.date
        g.add((src, KG.publishedAt, Literal(published, datatype=dtype)))
    if meta.get("author"):
        g.add((src, KG.authorLine, Literal(meta["author"])))
    if meta.get("url"):
        g.add((src, KG.url, Literal(meta["url"], datatype=XSD.anyURI)))
    if place:
        g.add((src, KG.place, Literal(place)))


def _add_mention(g: Graph, src: URIRef, c: Citation, sentence: str) -> URIRef:
    m = mention_iri(str(src), c)
    g.add((m, RDF.type, KG.Mention))
    g.add((m, KG.inSource, src))
    g.add((m, KG.mentions, URIRef(c.doc_id or "")))
    g.add((src, ELI.refers_to, URIRef(c.doc_id or "")))
    g.add((m, KG.start, Literal(c.start)))
    g.add((m, KG.end, Literal(c.end)))
    g.add((m, KG.text, Literal(c.text)))
    if sentence:
        g.add((m, KG.sentence, Literal(sentence)))
    if c.date:
        g.add((m, KG.statedDate, Literal(c.date, datatype=XSD.date)))
    elif c.year:
        g.add((m, KG.statedYear, Literal(f"{c.year:04d}", datatype=XSD.gYear)))
    if c.issuer:
        g.add((m, KG.statedIssuer, Literal(c.issuer)))
    if c.term:
        g.add((m, KG.statedTerm, Literal(c.term)))
    if c.title:
        g.add((m, KG.statedTitle, Literal(c.title)))
    return m


_CONFLICT_PROPERTIES = {"date": (ELI.date_document, "date"), "term": (KG.partyTerm, "term")}


def _add_conflicts(
    g: Graph, record: DocumentRecord, mentions: list[tuple[Citation, URIRef]]
) -> None:
    for name in record.conflicts:
        if name not in _CONFLICT_PROPERTIES:
            continue
        prop, field_name = _CONFLICT_PROPERTIES[name]
        node = CONFLICT[f"{record.iri.rsplit('/', 1)[-1]}-{name}"]
        g.add((URIRef(record.iri), KG.hasConflict, node))
        g.add((node, RDF.type, KG.Conflict))
        g.add((node, KG.onProperty, prop))
        values = record.dates if name == "date" else record.terms
        for value in values:
            lit = Literal(value, datatype=XSD.date) if name == "date" else Literal(value)
            g.add((node, KG.conflictValue, lit))
        for c, m in mentions:
            if getattr(c, field_name):
                g.add((node, KG.evidence, m))


def _add_relation(g: Graph, r: Relation, mentions: list[tuple[int, int, URIRef]]) -> None:
    prop = RELATION_PROPERTIES[r.relation]
    if r.subject_is_source and prop in _DOCUMENT_ONLY:
        return  # a report does not repeal; only a document can
    subject, obj = URIRef(r.subject), URIRef(r.object)
    g.add((subject, prop, obj))
    if prop in _IMPLIED:
        g.add((subject, _IMPLIED[prop], obj))
    digest = hashlib.sha1(f"{r.subject} {r.relation} {r.object}".encode()).hexdigest()[:16]
    node = RELATION[digest]
    g.add((node, RDF.type, KG.RelationAssertion))
    g.add((node, KG.subjectDoc, subject))
    g.add((node, KG.objectDoc, obj))
    g.add((node, KG.relation, prop))
    if r.cue:
        g.add((node, KG.cue, Literal(r.cue)))
    g.add((node, KG.evidenceText, Literal(r.evidence.sentence)))
    ev = r.evidence
    for start, end, m in mentions:
        if ev.start <= start and end <= ev.end:
            g.add((node, KG.evidence, m))
    g.add((node, RDFS.comment, Literal(f"{ev.file}:{ev.start}-{ev.end}")))
