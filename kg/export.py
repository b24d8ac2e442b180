"""Write a built corpus to disk: Turtle (and N-Triples shards), citations and relations as
JSON Lines.

Every file is written to a temporary name beside its target and renamed into place, so an
interrupted run never leaves a half-written output and the previous output stays intact.
"""

from __future__ import annotations

import itertools
import json
import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from kg.graph import GraphText
from kg.pipeline import Corpus
from kg.resolve import TextCitations


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


def write_turtle(corpus: Corpus, path: Path) -> int:
    """The graph of ``corpus`` as Turtle, written as it is made (:class:`kg.graph.GraphText`:
    no graph in memory, the same corpus always gives the same bytes).  Returns the number of
    triples."""
    text = GraphText(corpus)
    with atomic_write(path) as out:
        for chunk in text.chunks():
            out.write(chunk)
    return text.triples


SHARD_TRIPLES = 1_000_000
"""Triples per N-Triples shard written by :func:`write_ntriples_shards`."""


def write_ntriples_shards(
    turtle: Path, folder: Path, *, shard_triples: int = SHARD_TRIPLES
) -> list[Path]:
    """Split a Turtle file into N-Triples files of at most ``shard_triples`` triples each
    (``graph-00000.nt``, ...), the form every triplestore bulk-loads, in parallel if it can.
    The folder is replaced as a whole: an interrupted run leaves the previous shards."""
    import pyoxigraph as ox

    stage = folder.with_name(f".{folder.name}.{os.getpid()}.tmp")
    shutil.rmtree(stage, ignore_errors=True)
    stage.mkdir(parents=True)
    names: list[Path] = []
    try:
        triples = ox.parse(path=str(turtle), format=ox.RdfFormat.TURTLE)
        while True:
            batch = list(itertools.islice(triples, shard_triples))
            if not batch and names:
                break
            name = stage / f"graph-{len(names):05d}.nt"
            with open(name, "wb") as out:
                out.write(ox.serialize(batch, format=ox.RdfFormat.N_TRIPLES) or b"")
            names.append(folder / name.name)
            if len(batch) < shard_triples:
                break
        if folder.exists():
            old = folder.with_name(f".{folder.name}.{os.getpid()}.old")
            os.replace(folder, old)
            os.replace(stage, folder)
            shutil.rmtree(old, ignore_errors=True)
        else:
            os.replace(stage, folder)
    finally:
        shutil.rmtree(stage, ignore_errors=True)
    return names


_json = json.JSONEncoder(ensure_ascii=False).encode
"""One JSON line (an encoder made once: json.dumps with options makes one per call)."""


def write_citations(corpus: Corpus, path: Path) -> int:
    """Every citation, one JSON object a line (the ``kg extract --format jsonl`` contract,
    ``doc_id`` being the document's IRI).  Returns the number written."""
    count = 0
    with atomic_write(path) as out:
        for t in corpus.texts:
            count += _write_citations_of(t, out)
    return count


def write_relations(corpus: Corpus, path: Path) -> int:
    """Every relation once, with the evidence met first, one JSON object a line:
    ``source_doc``, ``target_doc``, ``relation``, ``evidence`` (file, start, end, sentence)."""
    seen: set[tuple[str, str, str]] = set()
    with atomic_write(path) as out:
        for t in corpus.texts:
            _write_relations_of(t, out, seen)
    return len(seen)


def _write_citations_of(t: TextCitations, out: IO[str]) -> int:
    cited = (*t.citations, *t.sidebar)
    out.write("".join(_json(c.to_dict()) + "\n" for c in cited))
    return len(cited)


def _write_relations_of(t: TextCitations, out: IO[str], seen: set[tuple[str, str, str]]) -> None:
    for r in t.relations:
        key = (r.subject, r.relation, r.object)
        if key not in seen:
            seen.add(key)
            out.write(_json(r.to_dict()) + "\n")


@dataclass(frozen=True)
class Written:
    """What :func:`write_graph_files` wrote."""

    triples: int
    citations: int
    relations: int
    warnings: int
    """Warnings of the citations (``Citation.warnings``), counted on the way."""


def write_graph_files(corpus: Corpus, turtle: Path, citations: Path, relations: Path) -> Written:
    """The graph as Turtle and the citations and relations as JSON Lines, written in one walk
    over the texts (a spilled corpus is read back from disk once), each file atomically."""
    text = GraphText(corpus)
    seen: set[tuple[str, str, str]] = set()
    n_citations = warnings = 0
    with atomic_write(turtle) as ttl, atomic_write(citations) as cit, \
            atomic_write(relations) as rel:
        ttl.write("".join(text.head()))
        for t in corpus.texts:
            ttl.write(text.text(t))
            n_citations += _write_citations_of(t, cit)
            warnings += sum(len(c.warnings) for c in t.citations)
            _write_relations_of(t, rel, seen)
        ttl.write("".join(text.tail()))
    return Written(text.triples, n_citations, len(seen), warnings)
