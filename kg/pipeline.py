"""The stages chained for the common uses: one text to resolved citations, and a corpus of
texts to documents, mentions and relations ready for the graph."""

from __future__ import annotations

import multiprocessing
import sys
from collections.abc import Callable, Iterable, Iterator
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
    Resolution,
    TextCitations,
    assign_doc_ids,
    base_key,
    resolve_corpus,
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
    relations: tuple[Relation, ...]
    source_iris: dict[str, str]

    @property
    def texts(self) -> tuple[TextCitations, ...]:
        return self.resolution.texts


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


def build_corpus(
    inputs: Iterable[Input],
    *,
    workers: int = 1,
    on_text: Callable[[TextCitations], None] | None = None,
    on_error: Callable[[ReadError], None] | None = None,
    cache: AnalysisCache | None = None,
    update: bool = False,
    cluster: str | None = None,
) -> Corpus:
    """Read, extract, resolve and relate a corpus of texts.

    ``inputs`` are texts already read or files to read (:func:`kg.read.iter_inputs`); files
    are read where they are analysed.  With ``workers`` > 1 that happens in that many
    processes, with ``cluster`` (a Dask scheduler address, ``tcp://HOST:PORT``) on the
    cluster's workers; results come back in input order and only they (citations, sentences,
    relations: no texts) are kept.  Inputs that cannot be read go to ``on_error``.  With a
    ``cache``, a text whose content was analysed before is not analysed again, and with
    ``update`` the texts of earlier builds that are not among ``inputs`` stay in the corpus.
    """
    analysed: list[TextCitations] = []
    for result in analyse_all(inputs, workers=workers, cache=cache, cluster=cluster):
        if isinstance(result, ReadError):
            if on_error is not None:
                on_error(result)
            continue
        analysed.append(result)
        if cache is not None:
            if cluster is None:
                cache.note(result)  # the worker process wrote it
            else:
                cache.put(result)
        if on_text is not None:
            on_text(result)
    if cache is not None:
        if update:
            seen = {t.source.path for t in analysed}
            analysed = cache.previous(exclude=seen) + analysed
        else:
            cache.paths = {t.source.path: t.source.sha256 for t in analysed if t.source.sha256}
        cache.save_index()
    return corpus_of(resolve_corpus(analysed, consume=True))


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
    if cluster is not None:
        from kg.distributed import map_on_cluster

        shipped = (i.with_bytes() if isinstance(i, FileInput) else i for i in inputs)
        results: Iterable[list[Analysed]] = map_on_cluster(
            partial(analyse_input, None), shipped, cluster
        )
        yield from _count(results, None)
        return
    job = partial(analyse_input, cache.folder if cache is not None else None)
    if workers <= 1:
        yield from _count(map(job, inputs), cache)
        return
    context = multiprocessing.get_context("fork" if sys.platform == "linux" else "spawn")
    with context.Pool(workers) as pool:
        yield from _count(pool.imap(job, inputs, chunksize=16), cache)


def _count(
    results: Iterable[list[Analysed]], cache: AnalysisCache | None
) -> Iterator[TextCitations | ReadError]:
    for batch in results:
        for result, cached in batch:
            if cache is not None and not isinstance(result, ReadError):
                if cached:
                    cache.hits += 1
                else:
                    cache.misses += 1
            yield result


def analyse_input(folder: Path | None, item: Input) -> list[Analysed]:
    """Read one input (a file may hold several texts) and analyse each text, from the cache
    folder when it holds this content, else into it.  Runs in worker processes and on cluster
    workers, so it takes the cache's folder, not the cache object."""
    if isinstance(item, ReadError):
        return [(item, False)]
    sources = item.read() if isinstance(item, FileInput) else [item]
    out: list[Analysed] = []
    for source in sources:
        if isinstance(source, ReadError):
            out.append((source, False))
            continue
        cache = AnalysisCache(folder) if folder is not None else None
        if cache is not None:
            cached = cache.get(source.path, source.sha256)
            if cached is not None:
                out.append((cached, True))
                continue
        result = analyse_text(source)
        if cache is not None:
            cache.write(result)
        out.append((result, False))
    return out


def corpus_of(resolution: Resolution) -> Corpus:
    """The corpus of a resolution: every text's relations (IRIs), deduplicated."""
    relations = first_of_each(r for t in resolution.texts for r in t.relations)
    source_iris = {t.source.path: source_iri(t.source) for t in resolution.texts}
    return Corpus(resolution=resolution, relations=tuple(relations), source_iris=source_iris)
