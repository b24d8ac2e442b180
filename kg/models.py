"""Data classes passed between the pipeline stages.

Every stage takes the previous stage's objects and returns new ones; nothing is mutated in
place.  Offsets are code-point offsets into the *normalised* text of a source (NFC, see
:mod:`kg.normalize`), so ``text[start:end]`` is always the reported span.
"""

from __future__ import annotations

import dataclasses
import operator
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal, TypeVar

Regime = Literal["party", "state", "unknown"]
"""Which numbering rules a symbol follows: Party (``25-NQ/TW``) or State (``30/2020/NĐ-CP``)."""

CitationPart = Literal["text", "sidebar"]
"""Where in a source the citation stands: the article, or a page's sidebar ("Văn bản mới")."""

CitationForm = Literal["full", "short", "name", "bare"]
"""How the citation is written.

* ``full``: a type word with a number and symbol (``Nghị quyết số 25-NQ/TW``), or with a
  number and a stated date or issuer (``Quy chế số 19 ngày 10/11/2021 của Tỉnh ủy``).
* ``short``: a type word with a number only, abbreviating a full citation (``Nghị quyết 57``).
* ``name``: a law cited by its name and year or date (``Luật Đất đai năm 2013``).
* ``bare``: a symbol without a type word (``218-QĐ/TW`` in ``Quyết định 217, 218-QĐ/TW``).
"""



T = TypeVar("T")


def pickled_by_position(cls: type[T]) -> type[T]:
    """Pickle instances of a frozen dataclass as its field values in order (rebuilt by the
    constructor): half the unpickling time of the default, which matters when worker
    processes send a million citations back."""
    names = tuple(f.name for f in dataclasses.fields(cls))  # type: ignore[arg-type]
    get_all = operator.attrgetter(*names)
    if len(names) == 1:
        def reduce(self: T) -> tuple[type[T], tuple[Any, ...]]:
            return cls, (get_all(self),)
    else:
        def reduce(self: T) -> tuple[type[T], tuple[Any, ...]]:
            return cls, get_all(self)
    cls.__reduce__ = reduce  # type: ignore[method-assign, assignment]
    return cls

@pickled_by_position
@dataclass(frozen=True, slots=True)
class Citation:
    """One reference to a document, found in one text.

    Equality and hashing use the normalised fields and the span, never the raw spelling of the
    reference, so the same reference found twice compares equal.
    """

    start: int
    end: int
    text: str = field(compare=False)
    type: str
    number: str | None = None
    symbol: str | None = None
    issuer_codes: tuple[str, ...] = ()
    year: int | None = None
    date: str | None = None
    issuer: str | None = None
    issuer_place: str | None = None
    term: str | None = None
    title: str | None = None
    name: str | None = None
    form: CitationForm = "full"
    regime: Regime = "unknown"
    doc_id: str | None = None
    file: str | None = None
    warnings: tuple[str, ...] = field(default=(), compare=False)
    part: CitationPart = "text"

    def span(self) -> tuple[int, int]:
        """The ``(start, end)`` offsets of the reference in the normalised text."""
        return (self.start, self.end)

    def replace(self, **changes: Any) -> Citation:
        """A copy of this citation with some fields changed (``dataclasses.replace``, twice
        as fast: a corpus resolves a million of them)."""
        values = list(_citation_values(self))
        for name, value in changes.items():
            index = _CITATION_INDEX.get(name)
            if index is None:
                raise TypeError(f"Citation has no field {name!r}")
            values[index] = value
        return Citation(*values)

    def to_dict(self) -> dict[str, Any]:
        """The citation as the JSON object of ``kg extract --format jsonl`` (a stable contract)."""
        return {
            "file": self.file,
            "start": self.start,
            "end": self.end,
            "text": self.text,
            "type": self.type,
            "number": self.number,
            "symbol": self.symbol,
            "issuer_codes": list(self.issuer_codes),
            "year": self.year,
            "date": self.date,
            "issuer": self.issuer,
            "issuer_place": self.issuer_place,
            "term": self.term,
            "title": self.title,
            "name": self.name,
            "form": self.form,
            "regime": self.regime,
            "doc_id": self.doc_id,
            "warnings": list(self.warnings),
            "part": self.part,
        }




_CITATION_FIELDS = tuple(f.name for f in dataclasses.fields(Citation))
_CITATION_INDEX = {name: i for i, name in enumerate(_CITATION_FIELDS)}
_citation_values = operator.attrgetter(*_CITATION_FIELDS)

@dataclass(frozen=True, slots=True)
class SourceText:
    """A text read from a file (or stdin), decoded and normalised.

    ``text`` is the NFC-normalised article text that offsets refer to.  ``metadata`` holds what
    the reader learnt about the source (title, publication date, author line, site, URL).
    """

    path: str
    text: str
    encoding: str = "utf-8"
    metadata: Mapping[str, str] = field(default_factory=dict, compare=False)
    sha256: str = ""


@pickled_by_position
@dataclass(frozen=True, slots=True)
class SourceInfo:
    """What the later stages keep of a source text once it has been analysed: everything but
    the text itself, so a large corpus need not stay in memory."""

    path: str
    encoding: str = "utf-8"
    metadata: Mapping[str, str] = field(default_factory=dict, compare=False)
    sha256: str = ""
    chars: int = 0

    @classmethod
    def of(cls, source: SourceText) -> SourceInfo:
        """The information of a source text, without its text."""
        return cls(source.path, source.encoding, dict(source.metadata), source.sha256,
                   len(source.text))


@dataclass(frozen=True, slots=True)
class ReadError:
    """A file that could not be read, with a one-line reason for the user."""

    path: str
    reason: str

    def __str__(self) -> str:
        return f"{self.path}: {self.reason}"


RelationName = Literal[
    "implements", "follows_up", "reviews", "based_on", "amends", "replaces", "repeals", "guides"
]
"""How one document stands to another.  ``follows_up`` ("tiếp tục thực hiện") is a kind of
``implements``; the others are ELI's ``based_on``/``amends``/``repeals`` and the project's own
``reviews`` ("sơ kết", "tổng kết"), ``replaces`` ("thay thế") and ``guides`` ("hướng dẫn")."""


@pickled_by_position
@dataclass(frozen=True, slots=True)
class Evidence:
    """Where a relation or a claim is stated: a span of a source text and its sentence."""

    file: str
    start: int
    end: int
    sentence: str = field(compare=False)

    def to_dict(self) -> dict[str, Any]:
        return {"file": self.file, "start": self.start, "end": self.end,
                "sentence": self.sentence}


@pickled_by_position
@dataclass(frozen=True, slots=True)
class Relation:
    """One edge between documents found in one sentence.

    ``subject`` and ``object`` are document keys (``Citation.doc_id`` before resolution across
    texts, document IRIs after).  ``subject`` may be the key of a source text itself when the
    report is what implements or reviews the object (``subject_is_source``).
    """

    subject: str
    object: str
    relation: RelationName
    evidence: Evidence
    cue: str = field(default="", compare=False)
    subject_is_source: bool = False

    def to_dict(self) -> dict[str, Any]:
        """The relation as one line of ``relations.jsonl`` (a stable contract)."""
        return {
            "source_doc": self.subject,
            "target_doc": self.object,
            "relation": "implements" if self.relation == "follows_up" else self.relation,
            "subrelation": self.relation,
            "subject_is_source": self.subject_is_source,
            "cue": self.cue,
            "evidence": self.evidence.to_dict(),
        }
