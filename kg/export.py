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
from typing import IO

from rdflib import Graph

from kg.pipeline import Corpus


@contextmanager
def atomic_write(path: Path, mode: str = "w") -> Iterator[IO[str]]:
    """Open ``path`` for writing through a temporary file renamed into place on success."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with open(tmp, mode, encoding="utf-8", newline="\n") as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    finally:
        if tmp.exists():
            tmp.unlink()


def write_turtle(graph: Graph, path: Path) -> None:
    """The graph as readable Turtle with the project's prefixes."""
    data = graph.serialize(format="turtle")
    with atomic_write(path) as out:
        out.write(data)


def write_citations(corpus: Corpus, path: Path) -> int:
    """Every citation, one JSON object a line (the ``kg extract --format jsonl`` contract,
    ``doc_id`` being the document's IRI).  Returns the number written."""
    count = 0
    with atomic_write(path) as out:
        for t in corpus.texts:
            for c in t.citations:
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
