#!/usr/bin/env python3
"""Generate ``kg/vocab.py`` from ``ontology/kg.ttl``.

The generated module holds closed namespaces (``rdflib`` ``DefinedNamespace`` with
``_fail = True``), so a misspelt term such as ``KG.implments`` raises ``AttributeError`` at once:

* ``KG``: every term the ontology defines in ``https://w3id.org/kg-vn/ontology#`` (classes,
  properties, datatypes, individuals), each with its ``rdfs:comment`` as a trailing comment;
* ``ELI``: only the ELI terms the ontology references;
* plain ``Namespace`` objects for the instance-IRI bases (``DOC``, ``BODY``, ``DOCTYPE``, ...);
* ``DOCUMENT_TYPES``: the document-type concepts, keyed by their Vietnamese ``skos:prefLabel``.

Usage::

    python scripts/gen_vocab.py            # (re)write kg/vocab.py
    python scripts/gen_vocab.py --check    # exit 1 if kg/vocab.py is out of date

The output is deterministic (sorted, no timestamps), so ``--check`` can run in CI.
"""

from __future__ import annotations

import argparse
import json
import keyword
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS, SKOS

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_ONTOLOGY = ROOT / "ontology" / "kg.ttl"
DEFAULT_OUTPUT = ROOT / "kg" / "vocab.py"

KG_NS = "https://w3id.org/kg-vn/ontology#"
ELI_NS = "http://data.europa.eu/eli/ontology#"
ID_BASE = "https://w3id.org/kg-vn/id/"

# Instance-IRI bases: (Python name, path under ID_BASE, what lives there).
INSTANCE_BASES: tuple[tuple[str, str, str], ...] = (
    ("KGID", "", "Root of all instance data."),
    ("DOC", "doc/", "Documents (kg:Document)."),
    ("BODY", "body/", "Issuing bodies (kg:IssuingBody)."),
    ("SOURCE", "source/", "Source texts (kg:Source)."),
    ("MENTION", "mention/", "Mentions (kg:Mention)."),
    ("DOCTYPE", "doctype/", "Document-type concepts (kg:DocumentType), defined in kg.ttl."),
    ("RELATION", "relation/", "Relation assertions (kg:RelationAssertion)."),
    ("CONFLICT", "conflict/", "Conflicts (kg:Conflict)."),
    ("YEARLY", "yearly/", "A document's citations in one year (kg:YearlyCitations)."),
    ("STATISTICS", "statistics/", "Citations of a year, by document type (kg:YearStatistics)."),
)

# Groups of KG terms, in output order: (heading, rdf:type values that put a term in the group).
GROUPS: tuple[tuple[str, tuple[URIRef, ...]], ...] = (
    ("Classes", (OWL.Class, RDFS.Class)),
    ("Datatypes", (RDFS.Datatype,)),
    ("Object properties", (OWL.ObjectProperty,)),
    ("Datatype properties", (OWL.DatatypeProperty,)),
    ("Annotation properties", (OWL.AnnotationProperty,)),
)
INDIVIDUALS_HEADING = "Individuals and concept schemes"


def _one_line(text: str) -> str:
    """Collapse whitespace so a comment fits on one line."""
    return " ".join(text.split())


def _comment(graph: Graph, term: URIRef) -> str:
    """The English ``rdfs:comment`` of a term (or any comment, or its label), on one line."""
    comments = sorted(
        (o for o in graph.objects(term, RDFS.comment) if isinstance(o, Literal)),
        key=lambda lit: (lit.language != "en", str(lit)),
    )
    if comments:
        return _one_line(str(comments[0]))
    label = graph.value(term, RDFS.label)
    return _one_line(str(label)) if label is not None else ""


def _local_name(term: URIRef, namespace: str) -> str:
    """The part of ``term`` after ``namespace``; raises if it is not a Python identifier."""
    name = str(term)[len(namespace) :]
    if not name.isidentifier() or keyword.iskeyword(name):
        raise ValueError(f"{term} has no usable Python name; rename it in the ontology")
    return name


def kg_terms(graph: Graph) -> list[tuple[str, list[tuple[str, str]]]]:
    """The KG terms the ontology declares, grouped and sorted: ``[(heading, [(name, comment)])]``.

    A term is declared when it is the subject of an ``rdf:type`` triple. Terms whose types match
    none of :data:`GROUPS` (named individuals, concept schemes) go under the last heading.
    """
    declared: dict[URIRef, set[URIRef]] = {}
    for subject, type_ in graph.subject_objects(RDF.type):
        if (
            isinstance(subject, URIRef)
            and str(subject).startswith(KG_NS)
            and isinstance(type_, URIRef)
        ):
            declared.setdefault(subject, set()).add(type_)
    grouped: list[tuple[str, list[tuple[str, str]]]] = []
    placed: set[URIRef] = set()
    for heading, types in GROUPS:
        members = sorted(t for t, ts in declared.items() if ts & set(types) and t not in placed)
        placed.update(members)
        if members:
            grouped.append(
                (heading, [(_local_name(t, KG_NS), _comment(graph, t)) for t in members])
            )
    rest = sorted(t for t in declared if t not in placed)
    if rest:
        grouped.append(
            (INDIVIDUALS_HEADING, [(_local_name(t, KG_NS), _comment(graph, t)) for t in rest])
        )
    return grouped


def _all_iris(graph: Graph) -> Iterable[URIRef]:
    """Every IRI that occurs in the graph, in any position."""
    for triple in graph:
        for node in triple:
            if isinstance(node, URIRef):
                yield node
            elif isinstance(node, Literal) and node.datatype is not None:
                yield node.datatype


def eli_terms(graph: Graph) -> list[str]:
    """The local names of the ELI terms the ontology references, sorted.

    The ELI ontology IRI itself (``http://data.europa.eu/eli/ontology#``, empty local name) is
    not a term and is skipped.
    """
    names = {str(iri)[len(ELI_NS) :] for iri in _all_iris(graph) if str(iri).startswith(ELI_NS)}
    names.discard("")
    for name in names:
        _local_name(URIRef(ELI_NS + name), ELI_NS)
    return sorted(names)


def document_types(graph: Graph) -> list[tuple[str, str]]:
    """``(Vietnamese prefLabel, IRI)`` of every ``kg:DocumentType`` concept, sorted by IRI."""
    rows: list[tuple[str, str]] = []
    for concept in graph.subjects(RDF.type, URIRef(KG_NS + "DocumentType")):
        labels = [
            str(o)
            for o in graph.objects(concept, SKOS.prefLabel)
            if isinstance(o, Literal) and o.language == "vi"
        ]
        if len(labels) != 1:
            raise ValueError(f"{concept} needs exactly one skos:prefLabel@vi, has {labels}")
        rows.append((labels[0], str(concept)))
    return sorted(rows, key=lambda row: row[1])


def _ontology_header(graph: Graph) -> tuple[str, str]:
    """The ontology IRI and its ``owl:versionInfo``."""
    for ontology in graph.subjects(RDF.type, OWL.Ontology):
        version = graph.value(ontology, OWL.versionInfo)
        return str(ontology), str(version) if version is not None else ""
    raise ValueError("the ontology file declares no owl:Ontology")


def _term_lines(items: Sequence[tuple[str, str]]) -> list[str]:
    """Annotated class attributes, one per term, each with its comment."""
    return [
        f"    {name}: URIRef  # {comment}" if comment else f"    {name}: URIRef"
        for name, comment in items
    ]


def render(graph: Graph) -> str:
    """The source text of ``kg/vocab.py`` for the ontology in ``graph``."""
    ontology_iri, version = _ontology_header(graph)
    lines: list[str] = [
        '"""Vocabulary of the kg-vn ontology: generated, do not edit.',
        "",
        "Generated by scripts/gen_vocab.py from ontology/kg.ttl; after changing the ontology run",
        "``python scripts/gen_vocab.py`` (``--check`` tells whether this file is up to date).",
        "",
        "``KG`` and ``ELI`` are closed: a term the ontology does not declare (for ELI: does not",
        "reference) raises ``AttributeError``, so a misspelt term fails at once.",
        '"""',
        "",
        "# ruff: noqa: E501",
        "",
        "from collections.abc import Mapping",
        "from types import MappingProxyType",
        "from typing import Final",
        "",
        "from rdflib.namespace import DefinedNamespace, Namespace",
        "from rdflib.term import URIRef",
        "",
        "__all__ = [",
        '    "BODY",',
        '    "CONFLICT",',
        '    "DOC",',
        '    "DOCTYPE",',
        '    "DOCUMENT_TYPES",',
        '    "ELI",',
        '    "KG",',
        '    "KGID",',
        '    "MENTION",',
        '    "ONTOLOGY_IRI",',
        '    "ONTOLOGY_VERSION",',
        '    "RELATION",',
        '    "SOURCE",',
        '    "STATISTICS",',
        '    "YEARLY",',
        "]",
        "",
        f'ONTOLOGY_IRI: Final = URIRef("{ontology_iri}")',
        f'ONTOLOGY_VERSION: Final = "{version}"',
        "",
        "",
        "# Trailing comments make long lines; keep the formatter from wrapping them.",
        "# fmt: off",
        "class KG(DefinedNamespace):",
        '    """Terms of the kg-vn ontology (``kg:``), as declared in ontology/kg.ttl."""',
        "",
        f'    _NS = Namespace("{KG_NS}")',
        "    _fail = True",
    ]
    for heading, items in kg_terms(graph):
        lines += ["", f"    # {heading}", *_term_lines(items)]
    eli = eli_terms(graph)
    lines += [
        "",
        "",
        "class ELI(DefinedNamespace):",
        '    """The ELI v1.5 terms that the kg-vn ontology references (``eli:``), and no others.',
        "",
        "    ``eli:title`` is deliberately absent: its domain is ``eli:Expression``, so documents",
        "    (works) take ``DCTERMS.title`` instead, as ELI itself advises.",
        '    """',
        "",
        f'    _NS = Namespace("{ELI_NS}")',
        "    _fail = True",
        "",
        *[f"    {name}: URIRef" for name in eli],
        "",
        "",
        "# Instance-IRI bases (open namespaces: the local parts are made by the tool).",
    ]
    for name, path, doc in INSTANCE_BASES:
        lines.append(f'{name}: Final = Namespace("{ID_BASE}{path}")  # {doc}')
    lines += [
        "# fmt: on",
        "",
        "DOCUMENT_TYPES: Final[Mapping[str, URIRef]] = MappingProxyType(",
        "    {",
        *[
            f"        {json.dumps(label, ensure_ascii=False)}: URIRef({json.dumps(iri)}),"
            for label, iri in document_types(graph)
        ],
        "    }",
        ")",
        '"""The kg:DocumentType concepts of ontology/kg.ttl, keyed by Vietnamese prefLabel."""',
        "",
    ]
    return "\n".join(lines)


def generate(ontology: Path = DEFAULT_ONTOLOGY) -> str:
    """Parse the ontology file and return the text of ``kg/vocab.py``."""
    graph = Graph()
    graph.parse(ontology, format="turtle")
    return render(graph)


def main(argv: Sequence[str] | None = None) -> int:
    """Command-line entry point; returns the process exit status."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--ontology", type=Path, default=DEFAULT_ONTOLOGY, help="input Turtle")
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT, help="module to write")
    parser.add_argument(
        "--check", action="store_true", help="do not write; exit 1 if the output is out of date"
    )
    args = parser.parse_args(argv)
    text = generate(args.ontology)
    output: Path = args.output
    if args.check:
        current = output.read_text(encoding="utf-8") if output.exists() else None
        if current != text:
            print(f"{output} is out of date; run: python scripts/gen_vocab.py", file=sys.stderr)
            return 1
        print(f"{output} is up to date")
        return 0
    output.write_text(text, encoding="utf-8")
    print(f"wrote {output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
