"""spaCy pipeline component ``vn_legal_citations``: an adapter over :func:`kg.extract_citations`.

The component finds citations with the library (it has no extraction logic of its own) and
writes them onto the :class:`~spacy.tokens.Doc`:

* ``doc.spans[spans_key]``: one :class:`~spacy.tokens.Span` per aligned citation, labelled with
  the citation's type (``"Nghị quyết"``, ``"Luật"`` ...), ``kb_id_`` set to its ``doc_id``;
* ``doc.ents`` (only with ``write_ents=True``): the same spans, labelled ``ent_label``
  (``"LEGAL_REF"`` by default, or the citation's type if ``ent_label`` is ``None``);
* ``doc._.legal_citations``: every :class:`~kg.models.Citation` found, in text order, including
  any that could not be aligned to tokens (never silently dropped);
* ``span._.legal``: for a span covering a citation, the citation as ``Citation.to_dict()``,
  otherwise ``None``.

The library reports code-point offsets into the NFC text (``kg.normalize_text(doc.text)``);
``doc.text`` may be in another normal form (NFD text converted from Windows-1258, for example),
so offsets are mapped back to ``doc.text`` before the spans are made.  The ``start``/``end`` in
``span._.legal`` stay the library's NFC offsets; use ``span.start_char``/``span.end_char`` for
offsets into ``doc.text``.

Spans are aligned with ``alignment_mode="expand"``: with a whitespace tokenizer
``"80/2015/QH13."`` is one token, so the span for ``Luật số 80/2015/QH13`` also covers the
period.  The span text therefore *contains* the citation text.

Usage (the factory is also registered through the ``spacy_factories`` entry point, so the
import is optional once the package is installed):

>>> import spacy
>>> import kg.spacy_component
>>> nlp = spacy.blank("xx")
>>> _ = nlp.add_pipe("vn_legal_citations", config={"write_ents": True})
>>> doc = nlp("Căn cứ Chỉ thị số 16/CT-TTg của Thủ tướng Chính phủ")
>>> [(span.text, span.label_) for span in doc.spans["legal_citations"]]
[('Chỉ thị số 16/CT-TTg', 'Chỉ thị')]
>>> doc.spans["legal_citations"][0]._.legal["symbol"]
'16/CT-TTg'
>>> [(ent.text, ent.label_) for ent in doc.ents]
[('Chỉ thị số 16/CT-TTg', 'LEGAL_REF')]
>>> [c.symbol for c in doc._.legal_citations]
['16/CT-TTg']

Nothing is stored on disk by the component: ``nlp.to_disk`` writes its settings in
``config.cfg`` and ``spacy.load`` rebuilds it from them.  Citation data lives in
``doc.user_data`` as plain values, so ``Doc.to_bytes``/``DocBin`` keep it.
"""

# No ``from __future__ import annotations`` here: spaCy validates the factory's config against
# the evaluated annotations of make_citation_component.

import bisect
import copy
import dataclasses
import unicodedata
import warnings
import weakref
from collections.abc import Callable, Iterable
from typing import Any

from spacy.language import Language
from spacy.pipeline import Pipe
from spacy.tokens import Doc, Span
from spacy.util import filter_spans

from kg.models import Citation
from kg.pipeline import extract_citations

__all__ = [
    "DEFAULT_ENT_LABEL",
    "DEFAULT_SPANS_KEY",
    "FACTORY_NAME",
    "CitationAlignmentWarning",
    "LegalCitationComponent",
    "OffsetMap",
    "citation_from_dict",
    "make_citation_component",
    "register_extensions",
]

FACTORY_NAME = "vn_legal_citations"
DEFAULT_SPANS_KEY = "legal_citations"
DEFAULT_ENT_LABEL = "LEGAL_REF"

# Where the component keeps its results: a list of plain records (msgpack-serialisable, so
# Doc.to_bytes and DocBin keep them), one per citation, in text order:
#   {"citation": Citation.to_dict(), "start_char": int | None, "end_char": int | None}
# start_char/end_char are the offsets in doc.text of the aligned span (None if not aligned).
RECORDS_KEY = "kg.legal_citations"

DOC_EXTENSION = "legal_citations"
SPAN_EXTENSION = "legal"


class CitationAlignmentWarning(UserWarning):
    """A citation could not be aligned to tokens; it is kept in ``doc._.legal_citations``."""


class Messages:
    """Warning and error messages of this module, in one place."""

    UNALIGNED = (
        "[kg] Citation {text!r} ({type}) at characters {start}-{end} of the document could not "
        "be aligned to tokens; it is in doc._.legal_citations but not in doc.spans[{key!r}]."
    )
    UNMAPPED = (
        "[kg] Could not map NFC offsets back to the document text; citation spans are widened "
        "to the whole document."
    )
    EXTENSION_TAKEN = (
        "[kg] {cls}._.{name} is already registered by other code; remove it with "
        "{cls}.remove_extension({name!r}) before adding the {factory!r} component."
    )
    BAD_SPANS_KEY = "[kg] spans_key must be a non-empty string, not {value!r}."
    BAD_ENT_LABEL = "[kg] ent_label must be a non-empty string or None, not {value!r}."


# ---------------------------------------------------------------------------------------------
# Extensions


def _records(doc: Doc) -> list[dict[str, Any]]:
    records: list[dict[str, Any]] = doc.user_data.get(RECORDS_KEY) or []
    return records


def citation_from_dict(data: dict[str, Any]) -> Citation:
    """Rebuild a :class:`Citation` from its ``to_dict()`` form (lists become tuples)."""
    names = {f.name for f in dataclasses.fields(Citation)}
    values = {key: value for key, value in data.items() if key in names}
    for key in ("issuer_codes", "warnings"):
        if key in values:
            values[key] = tuple(values[key])
    return Citation(**values)


def _get_doc_citations(doc: Doc) -> list[Citation]:
    """Getter of ``Doc._.legal_citations``: the citations found by the component, in order.

    Rebuilt from the plain records on each access (equal, not identical, objects).
    """
    return [citation_from_dict(record["citation"]) for record in _records(doc)]


# Per-doc index of the records by aligned offsets, so that reading span._.legal on every span
# stays linear.  Kept with the records list it was built from and rebuilt if that changes.
_Records = list[dict[str, Any]]
_Index = dict[tuple[int, int], list[int]]
_INDEX_CACHE: weakref.WeakKeyDictionary[Doc, tuple[_Records, _Index]] = weakref.WeakKeyDictionary()


def _index(doc: Doc, records: _Records) -> _Index:
    cached = _INDEX_CACHE.get(doc)
    if cached is not None and cached[0] is records:
        return cached[1]
    index: _Index = {}
    for i, record in enumerate(records):
        if record["start_char"] is not None:
            index.setdefault((record["start_char"], record["end_char"]), []).append(i)
    _INDEX_CACHE[doc] = (records, index)
    return index


def _get_span_legal(span: Span) -> dict[str, Any] | None:
    """Getter of ``Span._.legal``: the citation covered by exactly this span, or ``None``.

    Spans that the component puts in its span group carry the citation's index in ``span.id_``;
    other spans with the same offsets (``doc.ents``, copies) are matched by offsets, preferring
    a citation whose type is the span's label.
    """
    records = _records(span.doc)
    if not records:
        return None
    matches = _index(span.doc, records).get((span.start_char, span.end_char))
    if not matches:
        return None
    chosen = matches[0]
    span_id = span.id_
    if span_id.isdigit() and int(span_id) in matches:
        chosen = int(span_id)
    else:
        for i in matches:
            if records[i]["citation"]["type"] == span.label_:
                chosen = i
                break
    data: dict[str, Any] = copy.deepcopy(records[chosen]["citation"])
    return data


def _is_ours(getter: Any, expected: Callable[..., Any]) -> bool:
    # Compare by name, not identity, so that reloading this module does not count as a clash.
    return (
        getattr(getter, "__module__", None) == expected.__module__
        and getattr(getter, "__qualname__", None) == expected.__qualname__
    )


def register_extensions() -> None:
    """Register ``Doc._.legal_citations`` and ``Span._.legal`` (read-only getters).

    Safe to call any number of times.  Raises ``ValueError`` if other code has registered an
    extension of the same name, instead of overwriting it.
    """
    if _needs_registering(Doc, DOC_EXTENSION, _get_doc_citations):
        Doc.set_extension(DOC_EXTENSION, getter=_get_doc_citations)
    if _needs_registering(Span, SPAN_EXTENSION, _get_span_legal):
        Span.set_extension(SPAN_EXTENSION, getter=_get_span_legal)


def _needs_registering(cls: type[Doc] | type[Span], name: str, getter: Callable[..., Any]) -> bool:
    if not cls.has_extension(name):
        return True
    existing = cls.get_extension(name)
    if existing is not None and _is_ours(existing[2], getter):
        return False
    raise ValueError(
        Messages.EXTENSION_TAKEN.format(cls=cls.__name__, name=name, factory=FACTORY_NAME)
    )


# ---------------------------------------------------------------------------------------------
# Offsets: NFC text -> original text


class OffsetMap:
    """Maps code-point offsets in ``unicodedata.normalize("NFC", text)`` to offsets in ``text``.

    ``text`` is cut before each starter (combining class 0) that does not compose with what
    precedes it; each piece normalises on its own to the matching slice of the NFC text, so a
    boundary between pieces maps exactly.  An offset inside a piece that normalisation changed
    (e.g. between a base letter and its accent) maps outwards: a start to the piece's start, an
    end to the piece's end, so a span never loses characters.

    >>> text = unicodedata.normalize("NFD", "Số 80")  # "ố" is three code points in NFD
    >>> offsets = OffsetMap(text)
    >>> len(offsets.nfc), len(text), offsets.start(3), offsets.end(5), offsets.end(2)
    (5, 7, 5, 7, 4)
    """

    def __init__(self, text: str) -> None:
        self.text = text
        self.nfc = unicodedata.normalize("NFC", text)
        self.identity = self.nfc == text
        self._orig: list[int] = []
        self._norm: list[int] = []
        if not self.identity:
            self._build()

    def _build(self) -> None:
        text, target = self.text, self.nfc
        normalize, combining = unicodedata.normalize, unicodedata.combining
        cache: dict[str, str] = {}

        def nfc(piece: str) -> str:
            found = cache.get(piece)
            if found is None:
                found = cache[piece] = normalize("NFC", piece)
            return found

        orig, norm = [0], [0]
        group = 0  # start in text of the piece being built
        pos = 0  # start in target of that piece
        for i in range(1, len(text)):
            char = text[i]
            if char < "\u0300":
                # Below U+0300 every character is NFC-stable and composes with nothing
                # before it: a one-character piece of such characters maps one to one.
                if group == i - 1 and text[group] < "\u0300":
                    pos += 1
                    group = i
                    orig.append(i)
                    norm.append(pos)
                    continue
            elif combining(char):
                continue
            piece = nfc(text[group:i])
            if not target.startswith(piece, pos):
                continue
            char_nfc = nfc(char)
            if not char_nfc or combining(char_nfc[0]):
                continue
            last = piece[-1]
            if nfc(last + char) != last + char_nfc:  # composes across (Hangul, some Indic)
                continue
            pos += len(piece)
            group = i
            orig.append(i)
            norm.append(pos)
        if nfc(text[group:]) != target[pos:]:  # cannot happen for NFC; stay safe anyway
            warnings.warn(Messages.UNMAPPED, CitationAlignmentWarning, stacklevel=3)
            orig, norm = [0], [0]
        orig.append(len(text))
        norm.append(len(target))
        self._orig, self._norm = orig, norm

    def _locate(self, offset: int) -> tuple[int, bool]:
        """Index of the piece containing ``offset`` and whether ``offset`` is its start."""
        k = bisect.bisect_right(self._norm, offset) - 1
        return k, self._norm[k] == offset

    def _inside(self, k: int, offset: int) -> int | None:
        """Exact offset in text for ``offset`` inside piece ``k`` if the piece is unchanged."""
        o0, o1, n0, n1 = self._orig[k], self._orig[k + 1], self._norm[k], self._norm[k + 1]
        if o1 - o0 == n1 - n0 and self.text[o0:o1] == self.nfc[n0:n1]:
            return o0 + offset - n0
        return None

    def start(self, offset: int) -> int:
        """Offset in ``text`` where a span starting at NFC ``offset`` starts."""
        return self._map(offset, outward=0)

    def end(self, offset: int) -> int:
        """Offset in ``text`` where a span ending at NFC ``offset`` ends."""
        return self._map(offset, outward=1)

    def _map(self, offset: int, outward: int) -> int:
        """Map an NFC offset into ``text``; inside a piece that normalisation changed, go to
        the piece's start (``outward=0``) or end (``outward=1``), so no character is lost."""
        offset = max(0, min(offset, len(self.nfc)))
        if self.identity:
            return offset
        k, at_boundary = self._locate(offset)
        if at_boundary:
            return self._orig[k]
        exact = self._inside(k, offset)
        return self._orig[k + outward] if exact is None else exact


# ---------------------------------------------------------------------------------------------
# The component


class LegalCitationComponent(Pipe):
    """Writes the citations found by :func:`kg.extract_citations` onto each ``Doc``.

    Create it with ``nlp.add_pipe("vn_legal_citations", config={...})``; the settings are
    keyword-only:

    * ``spans_key``: the span group written (replaced on each run), default
      ``"legal_citations"``;
    * ``write_ents``: also write the citations to ``doc.ents`` (default ``False``);
    * ``overwrite_ents``: when writing ents, drop existing entities that overlap a citation
      instead of skipping the citation (default ``False``);
    * ``ent_label``: the entity label, ``"LEGAL_REF"`` by default; ``None`` uses the citation's
      type.
    """

    def __init__(
        self,
        nlp: Language | None = None,
        name: str = FACTORY_NAME,
        *,
        spans_key: str = DEFAULT_SPANS_KEY,
        write_ents: bool = False,
        overwrite_ents: bool = False,
        ent_label: str | None = DEFAULT_ENT_LABEL,
    ) -> None:
        if not isinstance(spans_key, str) or not spans_key:
            raise ValueError(Messages.BAD_SPANS_KEY.format(value=spans_key))
        if ent_label is not None and (not isinstance(ent_label, str) or not ent_label):
            raise ValueError(Messages.BAD_ENT_LABEL.format(value=ent_label))
        register_extensions()
        self.nlp = nlp
        self.name = name
        self.spans_key = spans_key
        self.write_ents = write_ents
        self.overwrite_ents = overwrite_ents
        self.ent_label = ent_label

    def __call__(self, doc: Doc) -> Doc:
        """Find the citations in ``doc.text`` and annotate ``doc`` in place.

        Failures go to the pipeline's error handler (``nlp.set_error_handler``), which re-raises
        by default; if the handler returns, the doc is passed on as it is.
        """
        error_handler = self.get_error_handler()
        try:
            citations = extract_citations(doc.text)
            self.set_annotations(doc, citations)
        except Exception as error:
            error_handler(self.name, self, [doc], error)
        return doc

    def set_annotations(self, doc: Doc, citations: Iterable[Citation]) -> None:
        """Write ``citations`` (offsets into the NFC form of ``doc.text``) onto ``doc``."""
        offsets = OffsetMap(doc.text)
        records: list[dict[str, Any]] = []
        spans: list[Span] = []
        for index, citation in enumerate(citations):
            start, end = offsets.start(citation.start), offsets.end(citation.end)
            span = self._align(doc, start, end, citation, index)
            if span is None:
                warnings.warn(
                    Messages.UNALIGNED.format(
                        text=citation.text,
                        type=citation.type,
                        start=start,
                        end=end,
                        key=self.spans_key,
                    ),
                    CitationAlignmentWarning,
                    stacklevel=2,
                )
            else:
                spans.append(span)
            records.append(
                {
                    "citation": citation.to_dict(),
                    "start_char": None if span is None else span.start_char,
                    "end_char": None if span is None else span.end_char,
                }
            )
        doc.user_data[RECORDS_KEY] = records
        doc.spans[self.spans_key] = spans
        if self.write_ents:
            self._write_ents(doc, spans)

    def _align(self, doc: Doc, start: int, end: int, citation: Citation, index: int) -> Span | None:
        if end <= start:
            return None
        for mode in ("expand", "contract"):
            span = doc.char_span(
                start,
                end,
                label=citation.type,
                kb_id=citation.doc_id or "",
                span_id=str(index),
                alignment_mode=mode,
            )
            # "expand" gives an empty span (not None) for a range inside a token's trailing space
            if span is not None and len(span) > 0:
                return span
        return None

    def _write_ents(self, doc: Doc, spans: list[Span]) -> None:
        new = filter_spans(
            Span(
                doc,
                span.start,
                span.end,
                label=self.ent_label or span.label_,
                kb_id=span.kb_id_,
            )
            for span in spans
        )
        existing = list(doc.ents)

        def overlaps(a: Span, others: list[Span]) -> bool:
            return any(a.start < b.end and b.start < a.end for b in others)

        if self.overwrite_ents:
            existing = [ent for ent in existing if not overlaps(ent, new)]
        else:
            new = [span for span in new if not overlaps(span, existing)]
        doc.ents = sorted(existing + new)


@Language.factory(
    FACTORY_NAME,
    assigns=["doc.spans", "doc.ents"],
    default_config={
        "spans_key": DEFAULT_SPANS_KEY,
        "write_ents": False,
        "overwrite_ents": False,
        "ent_label": DEFAULT_ENT_LABEL,
    },
)
def make_citation_component(
    nlp: Language,
    name: str,
    spans_key: str,
    write_ents: bool,
    overwrite_ents: bool,
    ent_label: str | None,
) -> LegalCitationComponent:
    """Factory of the ``vn_legal_citations`` component (see :class:`LegalCitationComponent`).

    Registered with spaCy by the decorator and declared in ``pyproject.toml`` under the
    ``spacy_factories`` entry point, so ``nlp.add_pipe("vn_legal_citations")`` and
    ``spacy.load`` find it.
    """
    return LegalCitationComponent(
        nlp,
        name,
        spans_key=spans_key,
        write_ents=write_ents,
        overwrite_ents=overwrite_ents,
        ent_label=ent_label,
    )
