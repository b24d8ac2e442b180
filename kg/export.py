"""Write a built corpus to disk: Turtle, citations and relations as JSON Lines.

Every file is written to a temporary name beside its target and renamed into place, so an
interrupted run never leaves a half-written output and the previous output stays intact.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Node

from kg.graph import PREFIXES
from kg.pipeline import Corpus


@contextmanager
def atomic_write(path: Path, mode: str = "w") -> Iterator[IO[Any]]:
    """Open ``path`` for writing through a temporary file renamed into place on success."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    binary = "b" in mode
    try:
        with open(tmp, mode, encoding=None if binary else "utf-8",
                  newline=None if binary else "\n") as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    finally:
        if tmp.exists():
            tmp.unlink()


def write_turtle(graph: Graph, path: Path) -> None:
    """The graph as readable Turtle with the project's prefixes, triples sorted, so the same
    graph always gives the same bytes (Oxigraph's serializer: rdflib's is ~20x slower)."""
    data = turtle_bytes(graph)
    with atomic_write(path, "wb") as out:
        out.write(data)


def turtle_bytes(graph: Graph) -> bytes:
    """Canonically ordered Turtle of ``graph`` (subjects, then predicates, then objects)."""
    memo: dict[Node, tuple[str, Any]] = {}  # IRIs repeat: convert each term once

    def term(node: Node) -> tuple[str, Any]:
        found = memo.get(node)
        if found is None:
            found = memo[node] = _ox_term(node)
        return found

    keyed = sorted((term(s), term(p), term(o)) for s, p, o in graph)
    prefixes = {prefix: str(ns) for prefix, ns in graph.namespaces()
                if prefix in PREFIXES or prefix in ("rdf", "rdfs", "xsd", "owl")}
    data = ox.serialize(
        (ox.Triple(s[1], p[1], o[1]) for s, p, o in keyed),
        format=ox.RdfFormat.TURTLE,
        prefixes=prefixes,
    )
    return data or b""


def _ox_term(term: Node) -> tuple[str, Any]:
    """(sort key, pyoxigraph term) of an rdflib term."""
    if isinstance(term, URIRef):
        node: Any = ox.NamedNode(str(term))
    elif isinstance(term, BNode):
        node = ox.BlankNode(str(term))
    elif isinstance(term, Literal):
        if term.language:
            node = ox.Literal(str(term), language=term.language)
        else:
            datatype = ox.NamedNode(str(term.datatype)) if term.datatype else None
            node = ox.Literal(str(term), datatype=datatype)
    else:  # pragma: no cover - graphs hold no other terms
        raise TypeError(f"unexpected RDF term {term!r}")
    return str(node), node


def write_citations(corpus: Corpus, path: Path) -> int:
    """Every citation, one JSON object a line (the ``kg extract --format jsonl`` contract,
    ``doc_id`` being the document's IRI).  Returns the number written."""
    count = 0
    with atomic_write(path) as out:
        for t in corpus.texts:
            for c in (*t.citations, *t.sidebar):
                out.write(json.dumps(c.to_dict(), ensure_ascii=False) + "\n")
                count += 1
    return count


def write_relations(corpus: Corpus, path: Path) -> int:
    """Every relation, one JSON object a line: ``source_doc``, ``target_doc``, ``relation``,
    ``evidence`` (file, start, end, sentence)."""
    with atomic_write(path) as out:
        for r in corpus.relations:
            out.write(json.dumps(r.to_dict(), ensure_ascii=False) + "\n")
    return len(corpus.relations)
