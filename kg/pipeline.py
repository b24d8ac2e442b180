"""The stages chained for the common uses: one text to resolved citations, and a corpus of
texts to documents, mentions and relations ready for the graph."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from kg.extract import default_finder, find_citations
from kg.models import Citation, Relation, SourceText
from kg.normalize import normalize_text
from kg.places import detect_place
from kg.relate import find_relations
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


def source_iri(source: SourceText) -> str:
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
    """Extract one text: its citations (in-text keys), its place and the document it is."""
    text = source.text
    citations = assign_doc_ids(find_citations(text, file=source.path))
    place = source.metadata.get("place") or detect_place(text)
    own = default_finder().own_document(text, file=source.path)
    return TextCitations(source=source, citations=tuple(citations), place=place, own=own)


def build_corpus(
    sources: Iterable[SourceText],
    *,
    on_text: Callable[[SourceText], None] | None = None,
) -> Corpus:
    """Extract, resolve and relate a corpus of texts (already read and normalised)."""
    analysed: list[TextCitations] = []
    for source in sources:
        analysed.append(analyse_text(source))
        if on_text is not None:
            on_text(source)
    return relate_corpus(resolve_corpus(analysed))


def relate_corpus(resolution: Resolution) -> Corpus:
    """Find the relations in every text of a resolved corpus."""
    relations: list[Relation] = []
    source_iris: dict[str, str] = {}
    for t in resolution.texts:
        iri = source_iri(t.source)
        source_iris[t.source.path] = iri
        relations.extend(
            find_relations(
                t.source.text,
                t.citations,
                file=t.source.path,
                source_key=iri,
                self_doc=resolution.own_documents.get(t.source.path),
            )
        )
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
