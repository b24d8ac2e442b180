"""The stages chained for the common uses: one text to resolved citations, and a corpus of
texts to documents, mentions and relations ready for the graph."""

from __future__ import annotations

import contextlib
import gc
import multiprocessing
import pickle
import sys
from collections.abc import Callable, Collection, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from kg.cache import AnalysisCache
from kg.extract import default_finder, find_citations
from kg.models import Citation, ReadError, Relation, SourceInfo, SourceText
from kg.normalize import normalize_text
from kg.places import detect_place
from kg.read import FileInput, Input
from kg.relate import find_relations, first_of_each, sentence_texts, window_ends
from kg.resolve import (
    CorpusIndex,
    Resolution,
    Resolver,
    TextCitations,
    assign_doc_ids,
    base_key,
    slugify,
)


def extract_citations(text: str, *, file: str | None = None) -> list[Citation]:
    """Citations in ``text`` with ``doc_id`` set; the text is NFC-normalised first, and offsets
    refer to the normalised text (``kg.normalize_text(text)``).

    >>> found = extract_citations("Nghị quyết số 57-NQ/TW ngày 22/12/2024; Nghị quyết 57")
    >>> [c.doc_id for c in found]
    ['57-NQ/TW@2024', '57-NQ/TW@2024']
    """
    text = normalize_text(text)
    return assign_doc_ids(find_citations(text, file=file))


def source_iri(source: SourceText | SourceInfo) -> str:
    """A stable IRI for a source text: its file name and the start of its content digest."""
    name = source.path.replace("\\", "/").rsplit("/", 1)[-1]
    from kg.vocab import SOURCE  # rdflib loads only when IRIs are made, not at "import kg"

    return str(SOURCE[f"{slugify(name)}-{source.sha256[:8] or 'stdin'}"])


@dataclass(frozen=True, slots=True)
class Corpus:
    """Every text of a run, resolved: documents, each text's citations (``doc_id`` = document
    IRI) and the relations found in the texts."""

    resolution: Resolution

    @property
    def texts(self) -> Collection[TextCitations]:
        """The resolved texts (walked from the spill file for a spilled corpus)."""
        return self.resolution.texts

    @property
    def relations(self) -> tuple[Relation, ...]:
        """Every relation once (subject, relation, object), with the evidence met first (a
        walk over the texts)."""
        return tuple(first_of_each(r for t in self.texts for r in t.relations))


def analyse_text(source: SourceText, *, for_graph: bool = True) -> TextCitations:
    """Everything one text yields on its own: citations (in-text keys), the sentence of each,
    its place, the document it is, and the relations its sentences state.  Only this step
    reads the text, so it is what runs in parallel.  ``for_graph=False`` leaves out the
    sentences and relations, which only the graph uses (``kg extract`` needs neither)."""
    text = source.text
    citations = assign_doc_ids(find_citations(text, file=source.path))
    place = source.metadata.get("place") or detect_place(text)
    own = default_finder().own_document(text, file=source.path)
    if own is not None:
        own = assign_doc_ids([own])[0]
    relations: list[Relation] = []
    sentences: tuple[str, ...] = ()
    if for_graph:
        # The sentence ends around the citations serve both their sentences and relations.
        spans = [(c.start, c.end) for c in citations]
        ends = window_ends(text, spans)
        sentences = _shared(sentence_texts(text, spans, ends))
        relations = find_relations(
            text,
            citations,
            file=source.path,
            source_key=source_iri(source),
            self_doc=own.doc_id if own is not None else None,
            ends=ends,
        )
    sidebar: list[Citation] = []
    if source.metadata.get("sidebar"):
        # A document the page only lists beside the article ("Văn bản mới") is reported
        # apart; one the article cites too is the article's.
        in_article = {base_key(c) for c in citations}
        sidebar = [
            c.replace(part="sidebar")
            for c in extract_citations(source.metadata["sidebar"], file=source.path)
            if base_key(c) not in in_article
        ]
    return TextCitations(
        source=SourceInfo.of(source),
        citations=tuple(citations),
        place=place,
        own=own,
        sentences=sentences,
        relations=tuple(relations),
        sidebar=tuple(sidebar),
    )


def _shared(sentences: list[str]) -> tuple[str, ...]:
    """Sentences with equal ones as one string (in memory and when sent between processes):
    citations of one sentence share it."""
    seen: dict[str, str] = {}
    return tuple(seen.setdefault(s, s) for s in sentences)


Analysed = tuple[TextCitations | ReadError, bool]
"""One input's result (or the reason it could not be read) and whether it came from the
cache."""

_Packed = tuple[bytes | ReadError, bool]
"""One result pickled (in the worker, once: the same bytes go to the cache, to the main
process and to its spill file), and whether it came from the cache."""


def build_corpus(
    inputs: Iterable[Input],
    *,
    workers: int = 1,
    on_text: Callable[[TextCitations], None] | None = None,
    on_error: Callable[[ReadError], None] | None = None,
    cache: AnalysisCache | None = None,
    update: bool = False,
    cluster: str | None = None,
    spill: Path | None = None,
) -> Corpus:
    """Read, extract, resolve and relate a corpus of texts.

    ``inputs`` are texts already read or files to read (:func:`kg.read.iter_inputs`); files
    are read where they are analysed.  With ``workers`` > 1 that happens in that many
    processes, with ``cluster`` (a Dask scheduler address, ``tcp://HOST:PORT``) on the
    cluster's workers; results come back in input order.  Inputs that cannot be read go to
    ``on_error``.  With a ``cache``, a text whose content was analysed before is not analysed
    again, and with ``update`` the texts of earlier builds that are not among ``inputs`` stay
    in the corpus (after the others).

    With ``spill`` (a file path), the analysed texts are written there as they come and read
    back one at a time whenever the corpus's texts are walked: memory then holds what each
    document is, not the texts, however many there are.  Otherwise they stay in memory.
    """
    with paused_gc():
        return _build_corpus(inputs, workers, on_text, on_error, cache, update, cluster, spill)


def _build_corpus(
    inputs: Iterable[Input],
    workers: int,
    on_text: Callable[[TextCitations], None] | None,
    on_error: Callable[[ReadError], None] | None,
    cache: AnalysisCache | None,
    update: bool,
    cluster: str | None,
    spill: Path | None,
) -> Corpus:
    index = CorpusIndex()
    kept: list[TextCitations] = []
    count = 0
    seen: set[str] = set()
    with contextlib.ExitStack() as stack:
        spill_file = stack.enter_context(open(spill, "wb")) if spill is not None else None

        def take(result: TextCitations, blob: bytes | None) -> None:
            nonlocal count
            index.add(result)
            count += 1
            if spill_file is None:
                kept.append(result)
            else:
                spill_file.write(blob or pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL))

        for result, blob in _analyse_packed_all(inputs, workers, cache, cluster):
            if isinstance(result, ReadError):
                if on_error is not None:
                    on_error(result)
                continue
            take(result, blob)
            seen.add(result.source.path)
            if cache is not None:
                if cluster is None:
                    cache.note(result)  # the worker process wrote it
                else:
                    cache.put(result)
            if on_text is not None:
                on_text(result)
        if cache is not None:
            if update:
                for previous in cache.previous(exclude=seen):
                    take(previous, None)
            else:
                cache.paths = {path: sha for path, sha in cache.paths.items() if path in seen}
            cache.save_index()
    resolver = index.finish()
    texts: Collection[TextCitations]
    if spill is None:
        texts = tuple(resolver.resolve(t) for t in kept)
        kept.clear()
    else:
        texts = SpilledTexts(spill, count, resolver)
    return Corpus(Resolution(resolver.documents, texts, resolver.own_documents))


class SpilledTexts(Collection[TextCitations]):
    """The texts of a corpus kept in a spill file, each resolved as it is read back: walking
    them holds one text in memory at a time."""

    def __init__(self, path: Path, count: int, resolver: Resolver) -> None:
        self.path = path
        self.count = count
        self.resolver = resolver

    def __len__(self) -> int:
        return self.count

    def __iter__(self) -> Iterator[TextCitations]:
        with open(self.path, "rb") as handle:
            for _ in range(self.count):
                yield self.resolver.resolve(pickle.load(handle))

    def __contains__(self, item: object) -> bool:
        return any(t == item for t in self)


@contextmanager
def paused_gc() -> Iterator[None]:
    """The cyclic garbage collector paused for the block.  Building a corpus makes millions of
    objects (citations, sentences) that form no cycles; the collector's repeated passes over
    them took half the time of receiving them from the workers and a third of resolving."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def analyse_all(
    inputs: Iterable[Input],
    *,
    workers: int = 1,
    cache: AnalysisCache | None = None,
    cluster: str | None = None,
) -> Iterator[TextCitations | ReadError]:
    """:func:`analyse_text` over every input, in order, in ``workers`` processes or on a Dask
    ``cluster``; results the cache holds are taken from it (not on a cluster, whose workers
    cannot see the cache folder)."""
    for result, _blob in _analyse_packed_all(inputs, workers, cache, cluster):
        yield result


def _analyse_packed_all(
    inputs: Iterable[Input], workers: int, cache: AnalysisCache | None, cluster: str | None
) -> Iterator[tuple[TextCitations | ReadError, bytes | None]]:
    """Each result with the bytes it came in (None when analysed in this process)."""
    if cluster is not None:
        from kg.distributed import map_on_cluster

        shipped = (i.with_bytes() if isinstance(i, FileInput) else i for i in inputs)
        yield from _unpack(map_on_cluster(partial(_analyse_packed, None), shipped, cluster), None)
        return
    folder = cache.folder if cache is not None else None
    if workers <= 1:
        for batch in map(partial(analyse_input, folder), inputs):
            for result, cached in batch:
                _count(cache, result, cached)
                yield result, None
        return
    context = multiprocessing.get_context("fork" if sys.platform == "linux" else "spawn")
    with context.Pool(workers) as pool:
        yield from _unpack(pool.imap(partial(_analyse_packed, folder), inputs, chunksize=16),
                           cache)


def _unpack(
    batches: Iterable[list[_Packed]], cache: AnalysisCache | None
) -> Iterator[tuple[TextCitations | ReadError, bytes | None]]:
    for batch in batches:
        for packed, cached in batch:
            if isinstance(packed, ReadError):
                yield packed, None
                continue
            result = pickle.loads(packed)
            _count(cache, result, cached)
            yield result, packed


def _count(cache: AnalysisCache | None, result: TextCitations | ReadError, cached: bool) -> None:
    if cache is not None and not isinstance(result, ReadError):
        if cached:
            cache.hits += 1
        else:
            cache.misses += 1


def analyse_input(folder: Path | None, item: Input) -> list[Analysed]:
    """Read one input (a file may hold several texts) and analyse each text, from the cache
    folder when it holds this content, else into it.  Runs in worker processes and on cluster
    workers, so it takes the cache's folder, not the cache object."""
    return [(r, cached) if isinstance(r, ReadError) else (r[0], cached)
            for r, cached in _analyse_each(folder, item)]


def _analyse_packed(folder: Path | None, item: Input) -> list[_Packed]:
    """:func:`analyse_input` with each result pickled, for sending back."""
    return [(r, cached) if isinstance(r, ReadError) else (r[1], cached)
            for r, cached in _analyse_each(folder, item)]


def _analyse_each(
    folder: Path | None, item: Input
) -> list[tuple[tuple[TextCitations, bytes] | ReadError, bool]]:
    if isinstance(item, ReadError):
        return [(item, False)]
    sources = item.read() if isinstance(item, FileInput) else [item]
    cache = AnalysisCache(folder) if folder is not None else None
    out: list[tuple[tuple[TextCitations, bytes] | ReadError, bool]] = []
    for source in sources:
        if isinstance(source, ReadError):
            out.append((source, False))
            continue
        if cache is not None:
            found = cache.load(source.path, source.sha256)
            if found is not None:
                out.append((found, True))
                continue
        result = analyse_text(source)
        blob = pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL)
        if cache is not None:
            cache.write_bytes(result, blob)
        out.append(((result, blob), False))
    return out
