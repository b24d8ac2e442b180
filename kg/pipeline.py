"""The stages chained for the common uses: one text to resolved citations, and a corpus of
texts to documents, mentions and relations ready for the graph."""

from __future__ import annotations

import multiprocessing
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass

from kg.extract import default_finder, find_citations
from kg.models import Citation, Relation, SourceInfo, SourceText
from kg.normalize import normalize_text
from kg.places import detect_place
from kg.relate import find_relations, sentence_text
from kg.resolve import Resolution, TextCitations, assign_doc_ids, resolve_corpus, slugify
from kg.vocab import SOURCE


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


def analyse_text(source: SourceText) -> TextCitations:
    """Everything one text yields on its own: citations (in-text keys), the sentence of each,
    its place, the document it is, and the relations its sentences state.  Only this step
    reads the text, so it is what runs in parallel."""
    text = source.text
    citations = assign_doc_ids(find_citations(text, file=source.path))
    place = source.metadata.get("place") or detect_place(text)
    own = default_finder().own_document(text, file=source.path)
    if own is not None:
        own = assign_doc_ids([own])[0]
    relations = find_relations(
        text,
        citations,
        file=source.path,
        source_key=source_iri(source),
        self_doc=own.doc_id if own is not None else None,
    )
    return TextCitations(
        source=SourceInfo.of(source),
        citations=tuple(citations),
        place=place,
        own=own,
        sentences=tuple(sentence_text(text, c.start, c.end) for c in citations),
        relations=tuple(relations),
    )


def build_corpus(
    sources: Iterable[SourceText],
    *,
    workers: int = 1,
    on_text: Callable[[TextCitations], None] | None = None,
) -> Corpus:
    """Extract, resolve and relate a corpus of texts (already read and normalised).

    With ``workers`` > 1 the texts are analysed by that many processes, in input order; only
    their results (citations, sentences, relations: no texts) are kept in memory.
    """
    analysed: list[TextCitations] = []
    for result in analyse_all(sources, workers=workers):
        analysed.append(result)
        if on_text is not None:
            on_text(result)
    return corpus_of(resolve_corpus(analysed))


def analyse_all(sources: Iterable[SourceText], *, workers: int = 1) -> Iterator[TextCitations]:
    """:func:`analyse_text` over every source, in order, in ``workers`` processes."""
    if workers <= 1:
        yield from map(analyse_text, sources)
        return
    context = multiprocessing.get_context("fork" if sys.platform == "linux" else "spawn")
    with context.Pool(workers) as pool:
        yield from pool.imap(analyse_text, sources, chunksize=4)


def corpus_of(resolution: Resolution) -> Corpus:
    """The corpus of a resolution: every text's relations (IRIs), deduplicated."""
    relations = [r for t in resolution.texts for r in t.relations]
    source_iris = {t.source.path: source_iri(t.source) for t in resolution.texts}
    return Corpus(resolution=resolution, relations=_dedupe(relations), source_iris=source_iris)


def _dedupe(relations: Sequence[Relation]) -> tuple[Relation, ...]:
    seen: set[tuple[str, str, str]] = set()
    out = []
    for r in relations:
        key = (r.subject, r.object, r.relation)
        if key not in seen:
            seen.add(key)
            out.append(r)
    return tuple(out)
