"""The lexicon: document types, symbol codes, issuing bodies and cue words, kept as data.

The TOML files beside this module are the single source of these facts.  They are loaded and
validated once (:func:`load_lexicon`); a malformed entry raises :class:`LexiconError` naming the
file and the entry, at import time of the first user, never in the middle of a run.  The
notices web sites print around a document (``site_notices.toml``), which the reader removes
from a text, have a loader of their own (:func:`load_site_notices`): reading a text needs them,
but not the rest of the lexicon.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from importlib import resources
from typing import Any

from kg.normalize import fold_key, tolerant_pattern

ORDINAL_WORDS = [
    "mười một", "mười hai", "mười ba", "mười bốn", "mười lăm", "mười sáu",
    "mười bảy", "mười tám", "mười chín", "mười", "nhất", "hai", "ba", "tư", "bốn", "năm",
    "sáu", "bảy", "tám", "chín",
]  # fmt: skip
"""Vietnamese ordinals used for plenums ("Hội nghị lần thứ bảy"), longest first."""

ORDINAL_PATTERN = (
    r"(?:\d{1,2}|" + "|".join(tolerant_pattern(w) for w in ORDINAL_WORDS) + r")"
)

KINDS = {"party", "state"}
LEVELS = {"central", "province", "district", "grassroots"}


class LexiconError(ValueError):
    """A lexicon data file is malformed."""


@dataclass(frozen=True, slots=True)
class DocType:
    """A document type ("Nghị quyết") and how texts write it."""

    name: str
    slug: str
    words: tuple[str, ...]
    examples: tuple[str, ...]
    generic: bool = False
    short_ok: bool = False
    law: bool = False


@dataclass(frozen=True, slots=True)
class TypeCode:
    """An abbreviation inside a symbol ("NQ") and the types it names in each regime."""

    code: str
    state: str | None
    party: tuple[str, ...]
    examples: tuple[str, ...]

    def types(self, regime: str) -> tuple[str, ...]:
        """The types this code can name in ``regime`` ("party", "state" or "unknown")."""
        if regime == "party":
            return self.party or ((self.state,) if self.state else ())
        if regime == "state":
            return (self.state,) if self.state else self.party
        seen = ((self.state,) if self.state else ()) + self.party
        return tuple(dict.fromkeys(seen))


@dataclass(frozen=True, slots=True)
class Body:
    """An issuing body and the ways texts name it."""

    name: str
    kind: str
    level: str
    codes: tuple[str, ...]
    aliases: tuple[str, ...]
    examples: tuple[str, ...]
    place: bool = False
    parent: str | None = None


@dataclass(frozen=True, slots=True)
class Place:
    """A province or centrally governed city, and the ways texts name it."""

    name: str
    kind: str
    aliases: tuple[str, ...]
    examples: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class SiteNotice:
    """A block of text a web site prints around the documents it serves (a consent notice),
    recognised by its ``start`` and ``end`` lines at most ``max_lines`` lines apart."""

    site: str
    name: str
    start: str
    end: str
    max_lines: int
    examples: tuple[str, ...]
    counterexamples: tuple[str, ...]

    def __str__(self) -> str:
        return f"{self.site}: {self.name}"


@dataclass(frozen=True, eq=False)
class Lexicon:
    """All lexicon data, loaded and validated (compared and hashed by identity)."""

    types: tuple[DocType, ...]
    codes: tuple[TypeCode, ...]
    bodies: tuple[Body, ...]
    cues: dict[str, Any] = field(default_factory=dict)
    places: tuple[Place, ...] = ()

    @cached_property
    def type_by_name(self) -> dict[str, DocType]:
        return {t.name: t for t in self.types}

    @cached_property
    def type_by_word_key(self) -> dict[str, DocType]:
        """Type looked up by the folded key of a type word as written in a text."""
        return {fold_key(w): t for t in self.types for w in t.words}

    @cached_property
    def code_by_key(self) -> dict[str, TypeCode]:
        """Type codes by case-folded key ("qđ" → QĐ); the canonical casing is in the value."""
        return {fold_key(c.code): c for c in self.codes}

    @cached_property
    def body_by_code_key(self) -> dict[str, Body]:
        """A body by the folded key of a code it uses in symbols (the first body listed wins
        where bodies share a code; they share its level)."""
        out: dict[str, Body] = {}
        for body in self.bodies:
            for code in body.codes:
                out.setdefault(fold_key(code), body)
        return out

    @cached_property
    def body_by_name(self) -> dict[str, Body]:
        return {b.name: b for b in self.bodies}

    @cached_property
    def body_by_alias_key(self) -> dict[str, Body]:
        """Bodies by the folded key of an alias without placeholders."""
        out: dict[str, Body] = {}
        for body in self.bodies:
            for alias in body.aliases:
                if "{" not in alias:
                    out.setdefault(fold_key(alias), body)
        return out

    @cached_property
    def body_alias_patterns(self) -> list[tuple[re.Pattern[str], Body]]:
        """(compiled full-match pattern, body) for every alias, longest alias first."""
        rows = [(alias, body) for body in self.bodies for alias in body.aliases]
        rows.sort(key=lambda row: -len(row[0]))
        return [(re.compile(alias_pattern(a) + r"\Z", re.IGNORECASE), b) for a, b in rows]

    def body_for(self, phrase: str) -> Body | None:
        """The body a phrase names ("Ban Chấp hành trung ương Đảng" → BCH TW), or None."""
        body = self.body_by_alias_key.get(fold_key(phrase))
        if body is not None:
            return body
        text = " ".join(phrase.split())
        for pattern, candidate in self.body_alias_patterns:
            if pattern.match(text):
                return candidate
        return None


def alias_pattern(alias: str) -> str:
    """The regex for one body alias, with ``{ordinal}`` expanded."""
    words = []
    for word in alias.split():
        words.append(ORDINAL_PATTERN if word == "{ordinal}" else tolerant_pattern(word))
    return r"\s+".join(words)


def _read_toml(name: str) -> dict[str, Any]:
    text = resources.files("kg.lexicon").joinpath(name).read_text(encoding="utf-8")
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise LexiconError(f"{name}: {exc}") from exc


def _require(entry: dict[str, Any], key: str, kind: type, where: str) -> Any:
    if key not in entry:
        raise LexiconError(f"{where}: missing field {key!r}")
    value = entry[key]
    if not isinstance(value, kind):
        raise LexiconError(f"{where}: field {key!r} must be {kind.__name__}")
    return value


def _strings(values: Iterable[Any], where: str, key: str) -> tuple[str, ...]:
    out = tuple(values)
    if not all(isinstance(v, str) and v.strip() for v in out):
        raise LexiconError(f"{where}: {key!r} must be a list of non-empty strings")
    return out


def _load_types(data: dict[str, Any]) -> tuple[tuple[DocType, ...], tuple[TypeCode, ...]]:
    types: list[DocType] = []
    for i, entry in enumerate(data.get("type", [])):
        where = f"doc_types.toml type #{i + 1} ({entry.get('name', '?')})"
        types.append(
            DocType(
                name=_require(entry, "name", str, where),
                slug=_require(entry, "slug", str, where),
                words=_strings(_require(entry, "words", list, where), where, "words"),
                examples=_strings(_require(entry, "examples", list, where), where, "examples"),
                generic=bool(entry.get("generic", False)),
                short_ok=bool(entry.get("short_ok", False)),
                law=bool(entry.get("law", False)),
            )
        )
    names = {t.name for t in types}
    codes: list[TypeCode] = []
    for i, entry in enumerate(data.get("code", [])):
        where = f"doc_types.toml code #{i + 1} ({entry.get('code', '?')})"
        state = _require(entry, "state", str, where) or None
        party = _strings(_require(entry, "party", list, where), where, "party")
        for named in (state, *party):
            if named is not None and named not in names:
                raise LexiconError(f"{where}: names unknown type {named!r}")
        codes.append(
            TypeCode(
                code=_require(entry, "code", str, where),
                state=state,
                party=party,
                examples=_strings(_require(entry, "examples", list, where), where, "examples"),
            )
        )
    _no_duplicates([t.name for t in types], "doc_types.toml type names")
    _no_duplicates([t.slug for t in types], "doc_types.toml type slugs")
    _no_duplicates([fold_key(w) for t in types for w in t.words], "doc_types.toml type words")
    _no_duplicates([c.code for c in codes], "doc_types.toml codes")
    return tuple(types), tuple(codes)


def _load_bodies(data: dict[str, Any]) -> tuple[Body, ...]:
    bodies: list[Body] = []
    for i, entry in enumerate(data.get("body", [])):
        where = f"bodies.toml body #{i + 1} ({entry.get('name', '?')})"
        kind = _require(entry, "kind", str, where)
        level = _require(entry, "level", str, where)
        if kind not in KINDS:
            raise LexiconError(f"{where}: kind must be one of {sorted(KINDS)}")
        if level not in LEVELS:
            raise LexiconError(f"{where}: level must be one of {sorted(LEVELS)}")
        bodies.append(
            Body(
                name=_require(entry, "name", str, where),
                kind=kind,
                level=level,
                codes=_strings(entry.get("codes", []), where, "codes"),
                aliases=_strings(_require(entry, "aliases", list, where), where, "aliases"),
                examples=_strings(_require(entry, "examples", list, where), where, "examples"),
                place=bool(entry.get("place", False)),
                parent=entry.get("parent"),
            )
        )
    names = {b.name for b in bodies}
    _no_duplicates([b.name for b in bodies], "bodies.toml names")
    _no_duplicates(
        [fold_key(a) for b in bodies for a in b.aliases], "bodies.toml aliases"
    )
    for body in bodies:
        if body.parent is not None and body.parent not in names:
            raise LexiconError(f"bodies.toml {body.name}: unknown parent {body.parent!r}")
    return tuple(bodies)


def _load_places(data: dict[str, Any]) -> tuple[Place, ...]:
    places: list[Place] = []
    for i, entry in enumerate(data.get("place", [])):
        where = f"places.toml place #{i + 1} ({entry.get('name', '?')})"
        kind = _require(entry, "kind", str, where)
        if kind not in {"tỉnh", "thành phố"}:
            raise LexiconError(f"{where}: kind must be 'tỉnh' or 'thành phố'")
        places.append(
            Place(
                name=_require(entry, "name", str, where),
                kind=kind,
                aliases=_strings(_require(entry, "aliases", list, where), where, "aliases"),
                examples=_strings(_require(entry, "examples", list, where), where, "examples"),
            )
        )
    _no_duplicates(
        [fold_key(n) for p in places for n in (p.name, *p.aliases)], "places.toml names"
    )
    return tuple(places)


MAX_NOTICE_LINES = 500
"""The largest ``max_lines`` a site notice may have: a block is a notice, not a page."""

_MARKUP_RE = re.compile(r"[*#\s]+")


def notice_phrase_key(phrase: str) -> str:
    """What a notice's start or end reads as, markdown marks, spacing, case and tone placement
    aside: two phrases with one key are the same line to the reader."""
    return fold_key(_MARKUP_RE.sub(" ", phrase))


def _load_site_notices(data: dict[str, Any]) -> tuple[SiteNotice, ...]:
    notices: list[SiteNotice] = []
    for i, entry in enumerate(data.get("notice", [])):
        if not isinstance(entry, dict):
            raise LexiconError(f"site_notices.toml notice #{i + 1}: must be a [[notice]] table")
        name = f"{entry.get('site', '?')}: {entry.get('name', '?')}"
        where = f"site_notices.toml notice #{i + 1} ({name})"
        phrases: dict[str, str] = {}
        for key in ("site", "name", "start", "end"):
            value = _require(entry, key, str, where)
            if not _MARKUP_RE.sub("", value):
                raise LexiconError(f"{where}: field {key!r} must hold words, not only * or #")
            phrases[key] = value
        if notice_phrase_key(phrases["start"]) == notice_phrase_key(phrases["end"]):
            raise LexiconError(f"{where}: 'start' and 'end' read alike")
        max_lines = _require(entry, "max_lines", int, where)
        if isinstance(max_lines, bool) or not 2 <= max_lines <= MAX_NOTICE_LINES:
            raise LexiconError(
                f"{where}: 'max_lines' must be a whole number from 2 to {MAX_NOTICE_LINES}"
            )
        examples = _strings(_require(entry, "examples", list, where), where, "examples")
        counterexamples = _strings(
            _require(entry, "counterexamples", list, where), where, "counterexamples"
        )
        if not examples or not counterexamples:
            raise LexiconError(f"{where}: needs at least one example and one counterexample")
        unknown = set(entry) - {*phrases, "max_lines", "examples", "counterexamples"}
        if unknown:
            raise LexiconError(f"{where}: unknown field {sorted(unknown)[0]!r}")
        notices.append(
            SiteNotice(
                site=phrases["site"],
                name=phrases["name"],
                start=phrases["start"],
                end=phrases["end"],
                max_lines=max_lines,
                examples=examples,
                counterexamples=counterexamples,
            )
        )
    _no_duplicates([fold_key(f"{n.site} {n.name}") for n in notices], "site_notices.toml names")
    return tuple(notices)


def _no_duplicates(values: list[str], where: str) -> None:
    seen: set[str] = set()
    for value in values:
        if value in seen:
            raise LexiconError(f"{where}: duplicate entry {value!r}")
        seen.add(value)


@lru_cache(maxsize=1)
def load_lexicon() -> Lexicon:
    """Load and validate the lexicon files (once per process)."""
    types, codes = _load_types(_read_toml("doc_types.toml"))
    bodies = _load_bodies(_read_toml("bodies.toml"))
    cues = _read_toml("cues.toml")
    places = _load_places(_read_toml("places.toml"))
    return Lexicon(types=types, codes=codes, bodies=bodies, cues=cues, places=places)


@lru_cache(maxsize=1)
def load_site_notices() -> tuple[SiteNotice, ...]:
    """Load and validate the site notices (once per process)."""
    return _load_site_notices(_read_toml("site_notices.toml"))
