"""The ontology, its SHACL shapes, the generated vocabulary and the shipped SPARQL queries.

* ``ontology/kg.ttl`` parses, uses only ELI terms that exist in ELI 1.5, declares every ``kg:``
  term that it, the shapes and the queries use, and has one document-type concept per lexicon
  type (same slug, name and codes);
* ``kg/vocab.py`` is what ``scripts/gen_vocab.py`` makes of the ontology, and is closed;
* ``ontology/shapes.ttl`` is valid SHACL; a small hand-written graph conforms, and each broken
  variant of it does not, for the reason expected;
* every ``ontology/queries/*.rq`` parses in rdflib, runs in pyoxigraph and rdflib with its
  parameters bound (never formatted into the text), and returns the expected rows.
"""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest
from pyshacl import validate
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS, SH, SKOS
from rdflib.plugins.sparql import prepareQuery
from rdflib.plugins.sparql.sparql import Query
from rdflib.query import ResultRow

from kg.lexicon import load_lexicon
from kg.vocab import DOCTYPE, DOCUMENT_TYPES, ELI, KG

ROOT = Path(__file__).resolve().parent.parent
ONTOLOGY = ROOT / "ontology" / "kg.ttl"
SHAPES = ROOT / "ontology" / "shapes.ttl"
QUERIES = ROOT / "ontology" / "queries"
ELI_FILE = Path("docs") / "eli" / "eli-ontology-1.5.rdf"

KG_NS = str(KG._NS)
ELI_NS = str(ELI._NS)
KGSH_NS = "https://w3id.org/kg-vn/shapes#"

QUERY_NAMES = [
    "by-issuer",
    "citation-history",
    "citations-per-year",
    "conflict-evidence",
    "conflicts",
    "documents",
    "implementers",
    "most-cited",
    "source-citations",
]


# ---------------------------------------------------------------------------- helpers


def _parse(path: Path) -> Graph:
    graph = Graph()
    graph.parse(path, format="turtle")
    return graph


ONTOLOGY_GRAPH = _parse(ONTOLOGY)
SHAPES_GRAPH = _parse(SHAPES)


def _iris(graph: Graph) -> Iterator[URIRef]:
    """Every IRI of a graph, in any position, including literal datatypes."""
    for triple in graph:
        for node in triple:
            if isinstance(node, URIRef):
                yield node
            elif isinstance(node, Literal) and node.datatype is not None:
                yield node.datatype


def _query_iris(node: Any) -> Iterator[URIRef]:
    """Every IRI in a parsed SPARQL algebra tree."""
    if isinstance(node, URIRef):
        yield node
    elif isinstance(node, dict):  # CompValue is a dict
        for value in node.values():
            yield from _query_iris(value)
    elif isinstance(node, list | tuple | set):
        for value in node:
            yield from _query_iris(value)


def _shape_queries() -> list[Query]:
    """The SPARQL of the shapes' constraints, parsed with the prefixes the shapes declare."""
    prefixes = {
        str(SHAPES_GRAPH.value(decl, SH.prefix)): str(SHAPES_GRAPH.value(decl, SH.namespace))
        for decl in SHAPES_GRAPH.objects(None, SH.declare)
    }
    return [
        prepareQuery(str(text), initNs=prefixes) for text in SHAPES_GRAPH.objects(None, SH.select)
    ]


def _query_text(name: str) -> str:
    return (QUERIES / f"{name}.rq").read_text(encoding="utf-8")


def _declared_kg_terms() -> set[URIRef]:
    return {
        s
        for s in ONTOLOGY_GRAPH.subjects(RDF.type, None)
        if isinstance(s, URIRef) and str(s).startswith(KG_NS)
    }


def _in_namespace(iris: Iterable[URIRef], namespace: str) -> set[URIRef]:
    return {iri for iri in iris if str(iri).startswith(namespace) and str(iri) != namespace}


# ---------------------------------------------------------------------------- the ontology


def test_ontology_parses_and_has_a_header() -> None:
    ontologies = list(ONTOLOGY_GRAPH.subjects(RDF.type, OWL.Ontology))
    assert ontologies == [URIRef("https://w3id.org/kg-vn/ontology")]
    assert len(ONTOLOGY_GRAPH) > 400


@pytest.fixture(scope="module")
def eli_terms(shared: Path) -> set[URIRef]:
    """Every ELI IRI that the ELI 1.5 file describes (is the subject of a triple)."""
    graph = Graph()
    graph.parse(shared / ELI_FILE, format="xml")
    return {s for s in graph.subjects() if isinstance(s, URIRef) and str(s).startswith(ELI_NS)}


@pytest.mark.shared
@pytest.mark.parametrize("name", ["kg.ttl", "shapes.ttl"])
def test_eli_terms_exist_in_eli(eli_terms: set[URIRef], name: str) -> None:
    graph = ONTOLOGY_GRAPH if name == "kg.ttl" else SHAPES_GRAPH
    used = _in_namespace(_iris(graph), ELI_NS)
    assert used, "the file uses no ELI term at all"
    assert sorted(used - eli_terms) == []


@pytest.mark.shared
def test_eli_terms_in_queries_and_vocab_exist_in_eli(eli_terms: set[URIRef]) -> None:
    used: set[URIRef] = set()
    for name in QUERY_NAMES:
        used |= _in_namespace(_query_iris(prepareQuery(_query_text(name)).algebra), ELI_NS)
    used |= {URIRef(ELI_NS + n) for n in ELI.__annotations__}
    assert sorted(used - eli_terms) == []


@pytest.mark.shared
def test_kg_document_is_an_eli_legal_resource_and_work(shared: Path) -> None:
    eli = Graph()
    eli.parse(shared / ELI_FILE, format="xml")
    both = ONTOLOGY_GRAPH + eli

    def supers(cls: URIRef) -> set[URIRef]:
        return {c for c in both.transitive_objects(cls, RDFS.subClassOf) if isinstance(c, URIRef)}

    assert {ELI.LegalResource, ELI.Work} <= supers(KG.Document)
    assert ELI.Work in supers(KG.Source)
    assert URIRef(ELI_NS + "Agent") in supers(KG.PartyBody)
    assert {ELI.ResourceType, SKOS.Concept} <= supers(KG.DocumentType)


def test_kg_terms_used_in_the_ontology_are_declared() -> None:
    used = _in_namespace(_iris(ONTOLOGY_GRAPH), KG_NS)
    assert sorted(used - _declared_kg_terms()) == []


def test_kg_terms_used_in_the_shapes_are_declared() -> None:
    used = _in_namespace(_iris(SHAPES_GRAPH), KG_NS)
    for query in _shape_queries():
        used |= _in_namespace(_query_iris(query.algebra), KG_NS)
    assert len(used) > 30
    assert sorted(used - _declared_kg_terms()) == []


@pytest.mark.parametrize("name", QUERY_NAMES)
def test_kg_terms_used_in_a_query_are_declared(name: str) -> None:
    used = _in_namespace(_query_iris(prepareQuery(_query_text(name)).algebra), KG_NS)
    assert used
    assert sorted(used - _declared_kg_terms()) == []


def test_every_query_file_is_tested() -> None:
    assert sorted(p.stem for p in QUERIES.glob("*.rq")) == QUERY_NAMES


@pytest.mark.parametrize("name", QUERY_NAMES)
def test_query_starts_with_a_comment_naming_its_parameters(name: str) -> None:
    text = _query_text(name)
    assert text.startswith("# ")
    header = text.split("\n\n", 1)[0]
    assert "Parameters" in header and "Columns" in header
    # Parameters are bound, never formatted in: no str.format / %-style placeholders.
    assert not re.search(r"\{[a-z_]*\}|%\(|%s", text)


# ---------------------------------------------------------------------------- document types


def _notations(concept: URIRef) -> set[tuple[str, str]]:
    return {
        (str(n), "state" if n.datatype == KG.StateTypeCode else "party")
        for n in ONTOLOGY_GRAPH.objects(concept, SKOS.notation)
        if isinstance(n, Literal)
    }


def test_lexicon_types_and_ontology_concepts_are_one_to_one() -> None:
    lexicon = load_lexicon()
    concepts = set(ONTOLOGY_GRAPH.subjects(RDF.type, KG.DocumentType))
    assert {DOCTYPE[t.slug] for t in lexicon.types} == concepts
    assert dict(DOCUMENT_TYPES) == {t.name: DOCTYPE[t.slug] for t in lexicon.types}
    for t in lexicon.types:
        labels = [
            str(label)
            for label in ONTOLOGY_GRAPH.objects(DOCTYPE[t.slug], SKOS.prefLabel)
            if isinstance(label, Literal) and label.language == "vi"
        ]
        assert labels == [t.name], t.slug


@pytest.mark.parametrize("slug", [t.slug for t in load_lexicon().types])
def test_type_notations_are_the_lexicon_codes(slug: str) -> None:
    lexicon = load_lexicon()
    name = next(t.name for t in lexicon.types if t.slug == slug)
    expected = {(c.code, "state") for c in lexicon.codes if c.state == name} | {
        (c.code, "party") for c in lexicon.codes if name in c.party
    }
    assert _notations(DOCTYPE[slug]) == expected


def test_every_notation_is_typed_state_or_party() -> None:
    for notation in ONTOLOGY_GRAPH.objects(None, SKOS.notation):
        assert isinstance(notation, Literal)
        assert notation.datatype in {KG.StateTypeCode, KG.PartyTypeCode}, notation


# ---------------------------------------------------------------------------- vocabulary


def test_vocab_is_current() -> None:
    result = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "gen_vocab.py"), "--check"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr


def test_vocab_has_every_declared_term() -> None:
    names = {str(t)[len(KG_NS) :] for t in _declared_kg_terms()}
    assert names == set(KG.__annotations__)
    assert KG.implements == URIRef(KG_NS + "implements")
    assert ELI.type_document == URIRef(ELI_NS + "type_document")


@pytest.mark.parametrize(
    ("namespace", "name"),
    [
        (KG, "implementz"),
        (KG, "Documents"),
        (ELI, "implements"),  # deprecated in ELI, and not used by kg
        (ELI, "title"),  # an eli:Expression property: documents take dcterms:title
        (ELI, "typeDocument"),
    ],
)
def test_misspelt_term_fails_at_once(namespace: Any, name: str) -> None:
    with pytest.raises(AttributeError):
        getattr(namespace, name)


# ---------------------------------------------------------------------------- shapes


def test_shapes_are_valid_shacl() -> None:
    """The shapes graph conforms to SHACL-for-SHACL (pyshacl's meta-validation)."""
    conforms, _, text = validate(
        Graph(), shacl_graph=SHAPES_GRAPH, ont_graph=ONTOLOGY_GRAPH, meta_shacl=True
    )
    assert conforms, text


def test_every_shape_rule_is_named() -> None:
    """Property shapes and SPARQL constraints have kgsh: IRIs, so reports name the rule."""
    for predicate in (SH.property, SH.sparql):
        for rule in SHAPES_GRAPH.objects(None, predicate):
            assert str(rule).startswith(KGSH_NS), rule


def test_ontology_itself_conforms() -> None:
    """The document-type concepts (targeted by kgsh:DocumentTypeShape) are well formed."""
    conforms, _, text = validate(
        Graph(), shacl_graph=SHAPES_GRAPH, ont_graph=ONTOLOGY_GRAPH, inference="none"
    )
    assert conforms, text


# A small graph as kg/graph.py must build it: two sources, five documents, four bodies, six
# mentions, one relation assertion with its edge, one conflict. Offsets: end - start is the
# length of kg:text in code points.
VALID = """
@prefix kg:      <https://w3id.org/kg-vn/ontology#> .
@prefix kgdt:    <https://w3id.org/kg-vn/id/doctype/> .
@prefix doc:     <https://w3id.org/kg-vn/id/doc/> .
@prefix body:    <https://w3id.org/kg-vn/id/body/> .
@prefix source:  <https://w3id.org/kg-vn/id/source/> .
@prefix m1:      <https://w3id.org/kg-vn/id/mention/bao-cao-dan-van-txt-3f3f3f3f/> .
@prefix m2:      <https://w3id.org/kg-vn/id/mention/tin-tuc-html-0a1b2c3d/> .
@prefix rel:     <https://w3id.org/kg-vn/id/relation/> .
@prefix conflict: <https://w3id.org/kg-vn/id/conflict/> .
@prefix yearly:  <https://w3id.org/kg-vn/id/yearly/> .
@prefix statistics: <https://w3id.org/kg-vn/id/statistics/> .
@prefix eli:     <http://data.europa.eu/eli/ontology#> .
@prefix skos:    <http://www.w3.org/2004/02/skos/core#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix rdfs:    <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd:     <http://www.w3.org/2001/XMLSchema#> .

# ---- documents
doc:25-nq-tw-2013 a kg:Document , eli:LegalResource , kg:PartyDocument ;
    kg:docKey "25-NQ/TW@2013" ;
    eli:type_document kgdt:nghi-quyet ;
    eli:id_local "25-NQ/TW" ;
    eli:number "25" ;
    eli:date_document "2013-06-03"^^xsd:date ;
    kg:year "2013"^^xsd:gYear ;
    kg:partyTerm "XI" ;
    eli:passed_by body:ban-chap-hanh-trung-uong-dang ;
    dcterms:title "về tăng cường và đổi mới sự lãnh đạo của Đảng đối với công tác dân vận"@vi ;
    skos:prefLabel "Nghị quyết 25-NQ/TW (2013)"@vi ;
    kg:mentionCount 2 ;
    kg:sourceCount 2 ;
    kg:yearlyCitations yearly:25-nq-tw-2013-2023 , yearly:25-nq-tw-2013-2024 ;
    kg:hasConflict conflict:c1 .

doc:binh-phuoc-21-kh-tu-2014 a kg:Document , eli:LegalResource , kg:PartyDocument ;
    kg:docKey "Bình Phước/21-KH/TU@2014" ;
    eli:type_document kgdt:ke-hoach ;
    eli:id_local "21-KH/TU" ;
    eli:number "21" ;
    eli:date_document "2014-01-15"^^xsd:date ;
    kg:year "2014"^^xsd:gYear ;
    kg:jurisdiction "Bình Phước" ;
    eli:passed_by body:tinh-uy-binh-phuoc ;
    kg:mentionCount 1 ;
    kg:sourceCount 1 ;
    kg:yearlyCitations yearly:binh-phuoc-21-kh-tu-2014-2023 ;
    kg:implements doc:25-nq-tw-2013 .

doc:binh-phuoc-93-kh-ubnd-2015 a kg:Document , eli:LegalResource , kg:StateDocument ;
    kg:docKey "Bình Phước/93/KH-UBND@2015" ;
    eli:type_document kgdt:ke-hoach ;
    eli:id_local "93/KH-UBND" ;
    eli:number "93" ;
    kg:year "2015"^^xsd:gYear ;
    kg:jurisdiction "Bình Phước" ;
    eli:passed_by body:uy-ban-nhan-dan-tinh-binh-phuoc ;
    kg:mentionCount 1 ;
    kg:sourceCount 1 ;
    kg:yearlyCitations yearly:binh-phuoc-93-kh-ubnd-2015-2023 ;
    kg:implements doc:binh-phuoc-21-kh-tu-2014 ;
    eli:based_on doc:16-ct-ttg-2020 .

doc:binh-phuoc-263-bc-tu-2023 a kg:Document , eli:LegalResource , kg:PartyDocument ;
    kg:docKey "Bình Phước/263-BC/TU@2023" ;
    eli:type_document kgdt:bao-cao ;
    eli:id_local "263-BC/TU" ;
    eli:date_document "2023-05-10"^^xsd:date ;
    kg:year "2023"^^xsd:gYear ;
    eli:passed_by body:tinh-uy-binh-phuoc ;
    kg:mentionCount 1 ;
    kg:sourceCount 1 ;
    kg:yearlyCitations yearly:binh-phuoc-263-bc-tu-2023-2023 ;
    kg:reviews doc:25-nq-tw-2013 .

doc:16-ct-ttg-2020 a kg:Document , eli:LegalResource , kg:StateDocument ;
    kg:docKey "16/CT-TTg@2020" ;
    eli:type_document kgdt:chi-thi ;
    eli:id_local "16/CT-TTg" ;
    eli:number "16" ;
    kg:year "2020"^^xsd:gYear ;
    kg:mentionCount 1 ;
    kg:sourceCount 1 ;
    kg:yearlyCitations yearly:16-ct-ttg-2020-2024 ;
    eli:passed_by body:thu-tuong-chinh-phu .

# ---- issuing bodies
body:ban-chap-hanh-trung-uong-dang a kg:IssuingBody , eli:Organization , kg:PartyBody ;
    skos:prefLabel "Ban Chấp hành Trung ương Đảng"@vi ;
    kg:bodyCode "TW" ;
    kg:level kg:Central .

body:tinh-uy-binh-phuoc a kg:IssuingBody , eli:Organization , kg:PartyBody ;
    skos:prefLabel "Tỉnh ủy Bình Phước"@vi ;
    kg:bodyCode "TU" ;
    kg:level kg:Province ;
    kg:place "Bình Phước" .

body:uy-ban-nhan-dan-tinh-binh-phuoc a kg:IssuingBody , eli:Organization , kg:StateBody ;
    skos:prefLabel "Ủy ban nhân dân tỉnh Bình Phước"@vi ;
    kg:bodyCode "UBND" ;
    kg:level kg:Province ;
    kg:place "Bình Phước" .

body:thu-tuong-chinh-phu a kg:IssuingBody , eli:Organization , kg:StateBody ;
    skos:prefLabel "Thủ tướng Chính phủ"@vi ;
    kg:bodyCode "TTg" ;
    kg:level kg:Central .

# A body that passed none of the documents (the builder writes such nodes: a body's parent).
body:chinh-phu a kg:IssuingBody , eli:Organization , kg:StateBody ;
    skos:prefLabel "Chính phủ"@vi ;
    kg:bodyCode "CP" ;
    kg:level kg:Central .

# ---- sources
source:bao-cao-dan-van-txt-3f3f3f3f a kg:Source ;
    kg:file "examples/bao-cao-dan-van.txt" ;
    kg:sha256 "3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f" ;
    dcterms:title "Báo cáo kết quả công tác dân vận"@vi ;
    kg:publishedAt "2023-06-01T08:00:00"^^xsd:dateTime ;
    kg:site "binhphuoc.dcs.vn" ;
    kg:place "Bình Phước" ;
    eli:refers_to doc:25-nq-tw-2013 , doc:binh-phuoc-21-kh-tu-2014 ,
        doc:binh-phuoc-93-kh-ubnd-2015 , doc:binh-phuoc-263-bc-tu-2023 ;
    kg:followsUp doc:25-nq-tw-2013 ;
    kg:implements doc:25-nq-tw-2013 .  # the super-property may be written too

source:tin-tuc-html-0a1b2c3d a kg:Source ;
    kg:url "https://example.org/tin-tuc.html"^^xsd:anyURI ;
    kg:sha256 "0a1b2c3d0a1b2c3d0a1b2c3d0a1b2c3d0a1b2c3d0a1b2c3d0a1b2c3d0a1b2c3d" ;
    kg:publishedAt "2024-03-02"^^xsd:date ;
    eli:refers_to doc:25-nq-tw-2013 , doc:16-ct-ttg-2020 .

# ---- mentions
m1:10-32 a kg:Mention ;
    kg:inSource source:bao-cao-dan-van-txt-3f3f3f3f ;
    kg:mentions doc:25-nq-tw-2013 ;
    kg:start 10 ;
    kg:end 32 ;
    kg:text "Nghị quyết số 25-NQ/TW" ;
    kg:sentence "Tiếp tục thực hiện Nghị quyết số 25-NQ/TW ngày 03/6/2013." ;
    kg:statedDate "2013-06-03"^^xsd:date ;
    kg:statedIssuer "Ban Chấp hành Trung ương" .

m1:120-140 a kg:Mention ;
    kg:inSource source:bao-cao-dan-van-txt-3f3f3f3f ;
    kg:mentions doc:binh-phuoc-21-kh-tu-2014 ;
    kg:start 120 ;
    kg:end 140 ;
    kg:text "Kế hoạch số 21-KH/TU" ;
    kg:statedYear "2014"^^xsd:gYear .

m1:200-222 a kg:Mention ;
    kg:inSource source:bao-cao-dan-van-txt-3f3f3f3f ;
    kg:mentions doc:binh-phuoc-93-kh-ubnd-2015 ;
    kg:start 200 ;
    kg:end 222 ;
    kg:text "Kế hoạch số 93/KH-UBND" .

m1:300-320 a kg:Mention ;
    kg:inSource source:bao-cao-dan-van-txt-3f3f3f3f ;
    kg:mentions doc:binh-phuoc-263-bc-tu-2023 ;
    kg:start 300 ;
    kg:end 320 ;
    kg:text "Báo cáo số 263-BC/TU" .

m2:0-19 a kg:Mention ;
    kg:inSource source:tin-tuc-html-0a1b2c3d ;
    kg:mentions doc:25-nq-tw-2013 ;
    kg:start 0 ;
    kg:end 19 ;
    kg:text "Nghị quyết 25-NQ/TW" ;
    kg:sentence "Nghị quyết 25-NQ/TW ngày 30/6/2013 về công tác dân vận." ;
    kg:statedDate "2013-06-30"^^xsd:date .

m2:50-70 a kg:Mention ;
    kg:inSource source:tin-tuc-html-0a1b2c3d ;
    kg:mentions doc:16-ct-ttg-2020 ;
    kg:start 50 ;
    kg:end 70 ;
    kg:text "Chỉ thị số 16/CT-TTg" .

# ---- citations by year: per document, and per year in all and by type
yearly:25-nq-tw-2013-2023 a kg:YearlyCitations ;
    kg:sourceYear "2023"^^xsd:gYear ; kg:mentionCount 1 ; kg:sourceCount 1 .
yearly:25-nq-tw-2013-2024 a kg:YearlyCitations ;
    kg:sourceYear "2024"^^xsd:gYear ; kg:mentionCount 1 ; kg:sourceCount 1 .
yearly:binh-phuoc-21-kh-tu-2014-2023 a kg:YearlyCitations ;
    kg:sourceYear "2023"^^xsd:gYear ; kg:mentionCount 1 ; kg:sourceCount 1 .
yearly:binh-phuoc-93-kh-ubnd-2015-2023 a kg:YearlyCitations ;
    kg:sourceYear "2023"^^xsd:gYear ; kg:mentionCount 1 ; kg:sourceCount 1 .
yearly:binh-phuoc-263-bc-tu-2023-2023 a kg:YearlyCitations ;
    kg:sourceYear "2023"^^xsd:gYear ; kg:mentionCount 1 ; kg:sourceCount 1 .
yearly:16-ct-ttg-2020-2024 a kg:YearlyCitations ;
    kg:sourceYear "2024"^^xsd:gYear ; kg:mentionCount 1 ; kg:sourceCount 1 .

statistics:2023 a kg:YearStatistics ; kg:sourceYear "2023"^^xsd:gYear ;
    kg:mentionCount 4 ; kg:documentCount 4 ; kg:sourceCount 1 .
statistics:2024 a kg:YearStatistics ; kg:sourceYear "2024"^^xsd:gYear ;
    kg:mentionCount 2 ; kg:documentCount 2 ; kg:sourceCount 1 .
statistics:2023-nghi-quyet a kg:YearStatistics ; kg:ofType kgdt:nghi-quyet ;
    kg:sourceYear "2023"^^xsd:gYear ; kg:mentionCount 1 ; kg:documentCount 1 ; kg:sourceCount 1 .
statistics:2023-ke-hoach a kg:YearStatistics ; kg:ofType kgdt:ke-hoach ;
    kg:sourceYear "2023"^^xsd:gYear ; kg:mentionCount 2 ; kg:documentCount 2 ; kg:sourceCount 1 .
statistics:2023-bao-cao a kg:YearStatistics ; kg:ofType kgdt:bao-cao ;
    kg:sourceYear "2023"^^xsd:gYear ; kg:mentionCount 1 ; kg:documentCount 1 ; kg:sourceCount 1 .
statistics:2024-nghi-quyet a kg:YearStatistics ; kg:ofType kgdt:nghi-quyet ;
    kg:sourceYear "2024"^^xsd:gYear ; kg:mentionCount 1 ; kg:documentCount 1 ; kg:sourceCount 1 .
statistics:2024-chi-thi a kg:YearStatistics ; kg:ofType kgdt:chi-thi ;
    kg:sourceYear "2024"^^xsd:gYear ; kg:mentionCount 1 ; kg:documentCount 1 ; kg:sourceCount 1 .

# ---- a relation assertion (its edge is asserted above) and a conflict
rel:r1 a kg:RelationAssertion ;
    kg:subjectDoc doc:binh-phuoc-21-kh-tu-2014 ;
    kg:relation kg:implements ;
    kg:objectDoc doc:25-nq-tw-2013 ;
    kg:cue "triển khai thực hiện" ;
    kg:evidence m1:10-32 ;
    kg:evidenceText "Kế hoạch số 21-KH/TU triển khai thực hiện Nghị quyết số 25-NQ/TW." .

conflict:c1 a kg:Conflict ;
    kg:onProperty eli:date_document ;
    kg:conflictValue "2013-06-03"^^xsd:date , "2013-06-30"^^xsd:date ;
    kg:evidence m1:10-32 , m2:0-19 .
"""

PREFIXES = (
    "\n".join(line for line in VALID.splitlines() if line.startswith("@prefix"))
    .replace("@prefix", "PREFIX")
    .replace(" .", "")
)

D1 = "doc:25-nq-tw-2013"
M1 = "m1:10-32"


def _data(update: str = "") -> Graph:
    graph = Graph()
    graph.parse(data=VALID, format="turtle")
    if update:
        graph.update(PREFIXES + "\n" + update)
    return graph


def _shacl(data: Graph) -> tuple[bool, set[URIRef]]:
    """Whether the graph conforms, and the shapes and constraints of every violation."""
    conforms, report, _ = validate(
        data, shacl_graph=SHAPES_GRAPH, ont_graph=ONTOLOGY_GRAPH, inference="none"
    )
    assert isinstance(report, Graph)
    rules: set[URIRef] = set()
    for result in report.subjects(RDF.type, SH.ValidationResult):
        for predicate in (SH.sourceShape, SH.sourceConstraint):
            rules |= {o for o in report.objects(result, predicate) if isinstance(o, URIRef)}
    return bool(conforms), rules


def test_valid_graph_conforms() -> None:
    conforms, rules = _shacl(_data())
    assert conforms, sorted(rules)


BROKEN = [
    pytest.param(
        f"DELETE WHERE {{ {M1} kg:start ?s ; kg:end ?e }}",
        "Mention-start",
        id="mention-without-offsets",
    ),
    pytest.param(
        f"INSERT DATA {{ {D1} eli:type_document kgdt:chi-thi }}",
        "Document-type",
        id="document-with-two-types",
    ),
    pytest.param(
        "DELETE WHERE { conflict:c1 kg:evidence ?m } ; "
        'INSERT DATA { conflict:c1 kg:evidenceText "Nghị quyết 25-NQ/TW ngày 30/6/2013." }',
        "Conflict-evidence",
        id="conflict-with-a-sentence-but-no-mention",
    ),
    pytest.param(
        f"DELETE WHERE {{ {D1} kg:mentionCount ?n }}",
        "Document-mentionCount",
        id="document-without-mention-count",
    ),
    pytest.param(
        f"DELETE DATA {{ {D1} kg:mentionCount 2 }} ; INSERT DATA {{ {D1} kg:mentionCount 3 }}",
        "Document-countsMatchMentions",
        id="mention-count-not-the-mentions",
    ),
    pytest.param(
        f"DELETE DATA {{ {D1} kg:sourceCount 2 }} ; INSERT DATA {{ {D1} kg:sourceCount 1 }}",
        "Document-countsMatchMentions",
        id="source-count-not-the-sources",
    ),
    pytest.param(
        f'DELETE DATA {{ {D1} kg:sourceCount 2 }} ; INSERT DATA {{ {D1} kg:sourceCount "2" }}',
        "Document-sourceCount",
        id="source-count-as-string",
    ),
    pytest.param(
        "DELETE DATA { yearly:25-nq-tw-2013-2023 kg:mentionCount 1 } ; "
        "INSERT DATA { yearly:25-nq-tw-2013-2023 kg:mentionCount 2 }",
        "YearlyCitations-countsMatchMentions",
        id="yearly-mention-count-not-the-mentions",
    ),
    pytest.param(
        'DELETE DATA { yearly:25-nq-tw-2013-2024 kg:sourceYear "2024"^^xsd:gYear } ; '
        'INSERT DATA { yearly:25-nq-tw-2013-2024 kg:sourceYear "2025"^^xsd:gYear }',
        "YearlyCitations-countsMatchMentions",
        id="yearly-citations-of-the-wrong-year",
    ),
    pytest.param(
        f"DELETE WHERE {{ {D1} kg:yearlyCitations yearly:25-nq-tw-2013-2024 . "
        "yearly:25-nq-tw-2013-2024 ?p ?o }",
        "Document-yearlyCountsAddUp",
        id="a-year-of-citations-missing",
    ),
    pytest.param(
        'DELETE DATA { yearly:25-nq-tw-2013-2024 kg:sourceYear "2024"^^xsd:gYear } ; '
        'INSERT DATA { yearly:25-nq-tw-2013-2024 kg:sourceYear "2024" }',
        "YearlyCitations-sourceYear",
        id="source-year-as-string",
    ),
    pytest.param(
        "DELETE DATA { statistics:2023-ke-hoach kg:documentCount 2 } ; "
        "INSERT DATA { statistics:2023-ke-hoach kg:documentCount 1 }",
        "YearStatistics-countsMatchMentions",
        id="year-statistics-document-count-not-the-documents",
    ),
    pytest.param(
        "DELETE DATA { statistics:2024 kg:sourceCount 1 } ; "
        "INSERT DATA { statistics:2024 kg:sourceCount 2 }",
        "YearStatistics-countsMatchMentions",
        id="year-statistics-source-count-not-the-sources",
    ),
    pytest.param(
        "DELETE WHERE { statistics:2024 ?p ?o }",
        "YearStatistics-complete",
        id="a-year-missing-from-the-statistics",
    ),
    pytest.param(
        "DELETE WHERE { statistics:2024-chi-thi ?p ?o }",
        "YearStatistics-complete",
        id="a-type-missing-from-the-statistics",
    ),
    pytest.param(
        "INSERT DATA { statistics:2024 kg:ofType kgdt:chi-thi , kgdt:nghi-quyet }",
        "YearStatistics-ofType",
        id="year-statistics-of-two-types",
    ),
    pytest.param(
        f"DELETE WHERE {{ {M1} kg:inSource ?s }}",
        "Mention-inSource",
        id="mention-without-source",
    ),
    pytest.param(
        f"DELETE DATA {{ {M1} kg:start 10 }} ; INSERT DATA {{ {M1} kg:start 40 }}",
        "Mention-startBeforeEnd",
        id="start-after-end",
    ),
    pytest.param(
        f'DELETE {{ {D1} eli:date_document ?d }} INSERT {{ {D1} eli:date_document "2013-06-03" }} '
        f"WHERE {{ {D1} eli:date_document ?d }}",
        "Document-date",
        id="date-as-plain-string",
    ),
    pytest.param(
        f"DELETE WHERE {{ {M1} kg:mentions ?d }}",
        "Mention-mentions",
        id="mention-of-no-document",
    ),
    pytest.param(
        f"DELETE DATA {{ {D1} a eli:LegalResource }}",
        "Document-typedLegalResource",
        id="document-not-typed-eli-legal-resource",
    ),
    pytest.param(
        f"INSERT DATA {{ {D1} a kg:StateDocument }}",
        "Document-regime",
        id="document-both-party-and-state",
    ),
    pytest.param(
        "DELETE DATA { doc:binh-phuoc-21-kh-tu-2014 kg:implements doc:25-nq-tw-2013 }",
        "RelationAssertion-edgeExists",
        id="relation-assertion-without-its-edge",
    ),
    pytest.param(
        'DELETE DATA { conflict:c1 kg:conflictValue "2013-06-30"^^xsd:date }',
        "Conflict-conflictValue",
        id="conflict-with-one-value",
    ),
    pytest.param(
        f"DELETE DATA {{ {D1} kg:hasConflict conflict:c1 }}",
        "Conflict-owned",
        id="conflict-of-no-document",
    ),
    pytest.param(
        "DELETE DATA { source:tin-tuc-html-0a1b2c3d eli:refers_to doc:16-ct-ttg-2020 }",
        "Mention-sourceRefersTo",
        id="source-without-refers-to-of-its-mention",
    ),
    pytest.param(
        "DELETE WHERE { doc:16-ct-ttg-2020 kg:docKey ?k } ; "
        'INSERT DATA { doc:16-ct-ttg-2020 kg:docKey "25-NQ/TW@2013" }',
        "DocKey-unique",
        id="two-documents-one-key",
    ),
    pytest.param(
        "DELETE DATA { body:thu-tuong-chinh-phu a kg:StateBody }",
        "IssuingBody-kind",
        id="body-without-kind",
    ),
    pytest.param(
        "INSERT DATA { body:thu-tuong-chinh-phu a kg:PartyBody }",
        "IssuingBody-kind",
        id="body-both-party-and-state",
    ),
    pytest.param(
        "DELETE WHERE { rel:r1 kg:evidence ?m ; kg:evidenceText ?t }",
        "RelationAssertionShape",
        id="relation-assertion-without-evidence",
    ),
    pytest.param(
        "DELETE WHERE { body:tinh-uy-binh-phuoc kg:level ?l }",
        "IssuingBody-level",
        id="body-without-level",
    ),
    pytest.param(
        "INSERT DATA { source:tin-tuc-html-0a1b2c3d kg:replaces doc:16-ct-ttg-2020 }",
        "Source-noLegalRelations",
        id="source-replaces-a-document",
    ),
    pytest.param(
        f'DELETE WHERE {{ {D1} kg:partyTerm ?t }} ; INSERT DATA {{ {D1} kg:partyTerm "khóa XI" }}',
        "Document-partyTerm",
        id="party-term-not-a-roman-numeral",
    ),
    pytest.param(
        f'DELETE WHERE {{ {D1} kg:year ?y }} ; INSERT DATA {{ {D1} kg:year "2012"^^xsd:gYear }}',
        "Document-yearMatchesDate",
        id="year-disagrees-with-date",
    ),
    pytest.param(
        f'DELETE WHERE {{ {M1} kg:text ?t }} ; INSERT DATA {{ {M1} kg:text "Nghị quyết 25" }}',
        "Mention-textLength",
        id="text-not-as-long-as-its-span",
    ),
]


@pytest.mark.parametrize(("update", "rule"), BROKEN)
def test_broken_graph_does_not_conform(update: str, rule: str) -> None:
    conforms, rules = _shacl(_data(update))
    assert not conforms
    assert URIRef(KGSH_NS + rule) in rules, sorted(rules)


# ---------------------------------------------------------------------------- queries


def _with_doctypes(data: Graph) -> Graph:
    """The graph as the builder writes it: with the description of every document type used."""
    out = Graph()
    out += data
    for concept in set(data.objects(None, ELI.type_document)):
        for triple in ONTOLOGY_GRAPH.triples((concept, None, None)):
            out.add(triple)
    return out


Row = dict[str, str | None]
Runner = Callable[..., list[Row]]


def _value(term: Any) -> str | None:
    """A result term as a plain string: IRIs in full, literals by their lexical form."""
    if term is None:
        return None
    if isinstance(term, ox.NamedNode | ox.Literal):
        return str(term.value)
    return str(term)


@pytest.fixture(scope="module")
def store() -> ox.Store:
    store = ox.Store()
    store.load(_with_doctypes(_data()).serialize(format="nt"), format=ox.RdfFormat.N_TRIPLES)
    return store


@pytest.fixture(scope="module")
def rdflib_graph() -> Graph:
    return _with_doctypes(_data())


@pytest.fixture(params=["oxigraph", "rdflib"])
def run(request: pytest.FixtureRequest, store: ox.Store, rdflib_graph: Graph) -> Runner:
    """``run(query_name, **parameters)``: the rows of a shipped query, its parameters (IRIs)
    bound by the engine, in pyoxigraph (``substitutions``) or in rdflib (``initBindings``)."""

    def oxigraph(name: str, **bindings: str) -> list[Row]:
        substitutions: dict[ox.Variable, ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple] = {
            ox.Variable(k): ox.NamedNode(v) for k, v in bindings.items()
        }
        results = store.query(_query_text(name), substitutions=substitutions)
        assert isinstance(results, ox.QuerySolutions)
        variables = [v.value for v in results.variables]
        return [{v: _value(row[v]) for v in variables} for row in results]

    def rdflib(name: str, **bindings: str) -> list[Row]:
        result = rdflib_graph.query(
            prepareQuery(_query_text(name)),
            initBindings={k: URIRef(v) for k, v in bindings.items()},
        )
        variables = [str(v) for v in result.vars or []]
        rows = [row for row in result if isinstance(row, ResultRow)]
        return [{v: _value(row.get(v)) for v in variables} for row in rows]

    return oxigraph if request.param == "oxigraph" else rdflib


DOC = "https://w3id.org/kg-vn/id/doc/"
SOURCE = "https://w3id.org/kg-vn/id/source/"
BODY = "https://w3id.org/kg-vn/id/body/"
S1 = SOURCE + "bao-cao-dan-van-txt-3f3f3f3f"
S2 = SOURCE + "tin-tuc-html-0a1b2c3d"
NQ25 = DOC + "25-nq-tw-2013"
KH21 = DOC + "binh-phuoc-21-kh-tu-2014"
KH93 = DOC + "binh-phuoc-93-kh-ubnd-2015"
BC263 = DOC + "binh-phuoc-263-bc-tu-2023"
CT16 = DOC + "16-ct-ttg-2020"


def test_documents_without_issuer_in_both_engines() -> None:
    # rdflib raises on GROUP_CONCAT over an unbound value; the query must not ask it to.
    data = _with_doctypes(_data("DELETE WHERE { doc:16-ct-ttg-2020 eli:passed_by ?b }"))
    rows = data.query(prepareQuery(_query_text("documents")))
    by_doc = {str(r["doc"]): r for r in rows if isinstance(r, ResultRow)}
    assert by_doc[CT16]["issuers"] is None
    assert str(by_doc[NQ25]["issuers"]) == "Ban Chấp hành Trung ương Đảng"
    store = ox.Store()
    store.load(data.serialize(format="nt"), format=ox.RdfFormat.N_TRIPLES)
    solutions = store.query(_query_text("documents"))
    assert isinstance(solutions, ox.QuerySolutions)
    issuers = {str(s["doc"].value): s["issuers"] for s in solutions}
    assert issuers[CT16] is None


def test_readme_lists_every_bundled_query() -> None:
    shipped = {path.stem for path in (ROOT / "ontology" / "queries").glob("*.rq")}
    assert shipped == set(QUERY_NAMES)
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    listed = set(re.findall(r"^\| `([a-z-]+)` \|", readme, flags=re.M))
    assert listed == shipped


@pytest.mark.parametrize("name", QUERY_NAMES)
def test_query_parses_in_rdflib(name: str) -> None:
    prepareQuery(_query_text(name))


def test_implementers_of_a_resolution(run: Runner) -> None:
    rows = run("implementers", target=NQ25)
    got = {(r["implementer"], r["relation"], r["via"], r["direct"]) for r in rows}
    assert got == {
        (KH21, KG_NS + "implements", NQ25, "true"),
        (KH93, KG_NS + "implements", KH21, "false"),
        (BC263, KG_NS + "reviews", NQ25, "true"),
        (S1, KG_NS + "followsUp", NQ25, "true"),
    }
    assert len(rows) == 4
    by_subject = {r["implementer"]: r for r in rows}
    assert by_subject[S1]["kind"] == str(KG.Source)
    assert by_subject[KH21]["kind"] == str(KG.Document)
    assert by_subject[KH21]["date"] == "2014-01-15"
    assert by_subject[KH21]["symbol"] == "21-KH/TU"
    assert by_subject[S1]["date"] == "2023-06-01T08:00:00"
    assert by_subject[S1]["label"] == "Báo cáo kết quả công tác dân vận"
    assert by_subject[KH93]["date"] is None and by_subject[KH93]["year"] == "2015"
    # Dated first, in date order; the undated plan last.
    assert [r["implementer"] for r in rows] == [KH21, BC263, S1, KH93]
    # The plan that implements the plan implements the resolution only through it.
    assert {r["implementer"] for r in run("implementers", target=KH21)} == {KH93}
    assert run("implementers", target=CT16) == []


def test_most_cited(run: Runner) -> None:
    rows = run("most-cited")
    assert len(rows) == 5
    top = rows[0]
    assert (top["doc"], top["mentions"], top["sources"]) == (NQ25, "2", "2")
    assert (top["symbol"], top["year"], top["typeName"]) == ("25-NQ/TW", "2013", "Nghị quyết")
    assert {r["mentions"] for r in rows[1:]} == {"1"}
    assert [r["doc"] for r in run("most-cited", type=str(DOCTYPE["ke-hoach"]))] == [KH21, KH93]


def test_source_citations(run: Runner) -> None:
    rows = run("source-citations", source=S2)
    got = [(r["doc"], r["symbol"], r["mentions"], r["first"], r["source"]) for r in rows]
    assert got == [(NQ25, "25-NQ/TW", "1", "0", S2), (CT16, "16/CT-TTg", "1", "50", S2)]
    in_report = run("source-citations", source=S1)
    assert [r["doc"] for r in in_report] == [NQ25, KH21, KH93, BC263]  # by first offset
    assert run("source-citations", source=SOURCE + "no-such-source") == []


def test_documents_by_issuer(run: Runner) -> None:
    rows = run("by-issuer")
    got = {(r["name"], r["place"], r["documents"], r["mentions"]) for r in rows}
    assert got == {
        ("Tỉnh ủy Bình Phước", "Bình Phước", "2", "2"),
        ("Ban Chấp hành Trung ương Đảng", None, "1", "2"),
        ("Ủy ban nhân dân tỉnh Bình Phước", "Bình Phước", "1", "1"),
        ("Thủ tướng Chính phủ", None, "1", "1"),
    }
    assert rows[0]["issuer"] == BODY + "tinh-uy-binh-phuoc"
    assert rows[0]["kind"] == str(KG.PartyBody) and rows[0]["level"] == str(KG.Province)
    assert set((rows[0]["symbols"] or "").split("; ")) == {"21-KH/TU", "263-BC/TU"}
    central = run("by-issuer", level=str(KG.Central))
    assert {r["name"] for r in central} == {"Ban Chấp hành Trung ương Đảng", "Thủ tướng Chính phủ"}
    state = run("by-issuer", kind=str(KG.StateBody))
    assert {r["name"] for r in state} == {"Ủy ban nhân dân tỉnh Bình Phước", "Thủ tướng Chính phủ"}
    one = run("by-issuer", issuer=BODY + "thu-tuong-chinh-phu")
    assert [(r["symbols"], r["documents"]) for r in one] == [("16/CT-TTg", "1")]


def test_citations_per_year(run: Runner) -> None:
    rows = run("citations-per-year")
    assert [(r["year"], r["mentions"], r["documents"], r["sources"]) for r in rows] == [
        ("2023", "4", "4", "1"),
        ("2024", "2", "2", "1"),
    ]
    assert rows[0]["type"] is None
    directives = run("citations-per-year", type=str(DOCTYPE["chi-thi"]))
    assert [(r["year"], r["mentions"], r["type"]) for r in directives] == [
        ("2024", "1", str(DOCTYPE["chi-thi"]))
    ]


def test_citation_history(run: Runner) -> None:
    of_nq25 = run("citation-history", target=NQ25)
    assert [(r["year"], r["mentions"], r["sources"], r["target"]) for r in of_nq25] == [
        ("2023", "1", "1", NQ25),
        ("2024", "1", "1", NQ25),
    ]
    assert run("citation-history", target=DOC + "no-such-document") == []
    every = run("citation-history")  # left free: every document's history
    assert {(r["target"], r["year"]) for r in every} == {
        (NQ25, "2023"), (NQ25, "2024"), (KH21, "2023"), (KH93, "2023"), (BC263, "2023"),
        (CT16, "2024"),
    }


def test_conflicts(run: Runner) -> None:
    rows = run("conflicts")
    assert len(rows) == 1
    [row] = rows
    assert (row["doc"], row["symbol"], row["label"], row["property"], row["evidence"]) == (
        NQ25, "25-NQ/TW", "Nghị quyết 25-NQ/TW (2013)", str(ELI.date_document), "2",
    )
    assert row["conflict"] == "https://w3id.org/kg-vn/id/conflict/c1"
    assert set((row["values"] or "").split(" | ")) == {"2013-06-03", "2013-06-30"}
    assert len(run("conflicts", doc=NQ25)) == 1
    assert run("conflicts", doc=KH21) == []
    assert run("conflicts", property=str(KG.partyTerm)) == []


def test_conflict_evidence(run: Runner) -> None:
    rows = run("conflict-evidence", doc=NQ25)
    got = [(r["stated"], r["source"], r["start"], r["end"], r["property"]) for r in rows]
    assert got == [  # which text says which date, in the order of the dates
        ("2013-06-03", S1, "10", "32", str(ELI.date_document)),
        ("2013-06-30", S2, "0", "19", str(ELI.date_document)),
    ]
    assert all(r["sentence"] and r["doc"] == NQ25 for r in rows)
    assert run("conflict-evidence", doc=KH21) == []
    assert run("conflict-evidence", doc=NQ25, property=str(KG.partyTerm)) == []
    assert len(run("conflict-evidence")) == 2  # left free: every conflict's evidence


def test_documents(run: Runner) -> None:
    rows = run("documents")
    assert [r["doc"] for r in rows] == [NQ25, KH21, KH93, CT16, BC263]
    nq = rows[0]
    assert (nq["typeName"], nq["symbol"], nq["number"], nq["date"], nq["year"], nq["term"]) == (
        "Nghị quyết",
        "25-NQ/TW",
        "25",
        "2013-06-03",
        "2013",
        "XI",
    )
    assert nq["regime"] == str(KG.PartyDocument)
    assert nq["issuers"] == "Ban Chấp hành Trung ương Đảng"
    assert nq["mentions"] == "2"
    assert (nq["title"] or "").startswith("về tăng cường")
    kh93 = rows[2]
    assert kh93["issuers"] == "Ủy ban nhân dân tỉnh Bình Phước"
    assert kh93["date"] is None and kh93["regime"] == str(KG.StateDocument)
    plans = run("documents", type=str(DOCTYPE["ke-hoach"]))
    assert [(r["doc"], r["typeName"]) for r in plans] == [(KH21, "Kế hoạch"), (KH93, "Kế hoạch")]
    assert [r["symbol"] for r in run("documents", doc=CT16)] == ["16/CT-TTg"]
