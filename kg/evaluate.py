"""Score extracted citations against a gold file (format: ../shared/gold/FORMAT.md).

A prediction counts for a gold citation when their spans overlap and the symbol agrees (or,
where the gold symbol is null, the type and number agree).  Gold citations marked optional are
neither misses when absent nor false alarms when found.  Fields are scored only on matched
citations whose gold value is not null.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kg.models import Citation
from kg.normalize import fold_key, fold_symbol_chars

FIELDS = ("type", "number", "symbol", "date", "issuer", "term")

# Abbreviations expanded before issuer names are compared (FORMAT.md).
_ISSUER_ABBREVIATIONS = {
    "ubnd": "ủy ban nhân dân",
    "hđnd": "hội đồng nhân dân",
    "bchtw": "ban chấp hành trung ương",
    "bch": "ban chấp hành",
    "tw": "trung ương",
}


class GoldFormatError(ValueError):
    """The gold file is not in the expected format."""


@dataclass(frozen=True, slots=True)
class GoldCitation:
    """One annotated citation."""

    file: str
    start: int
    end: int
    mention: str
    fields: dict[str, Any]
    optional: bool
    doc: str | None


@dataclass(frozen=True, slots=True)
class GoldText:
    """The annotations of one text."""

    file: str
    place: str | None
    citations: tuple[GoldCitation, ...]
    implements: tuple[tuple[str, str], ...]


@dataclass
class Score:
    """Counts and lists behind precision, recall and field accuracy."""

    true_positives: int = 0
    misses: list[GoldCitation] = field(default_factory=list)
    false_alarms: list[Citation] = field(default_factory=list)
    field_right: dict[str, int] = field(default_factory=lambda: dict.fromkeys(FIELDS, 0))
    field_total: dict[str, int] = field(default_factory=lambda: dict.fromkeys(FIELDS, 0))
    field_errors: list[tuple[GoldCitation, str, Any, Any]] = field(default_factory=list)
    texts: int = 0
    missing_texts: list[str] = field(default_factory=list)

    @property
    def precision(self) -> float:
        found = self.true_positives + len(self.false_alarms)
        return self.true_positives / found if found else 1.0

    @property
    def recall(self) -> float:
        wanted = self.true_positives + len(self.misses)
        return self.true_positives / wanted if wanted else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def accuracy(self, name: str) -> float | None:
        total = self.field_total[name]
        return self.field_right[name] / total if total else None

    def to_dict(self) -> dict[str, Any]:
        """The score as JSON-ready data."""
        return {
            "texts": self.texts,
            "precision": round(self.precision, 4),
            "recall": round(self.recall, 4),
            "f1": round(self.f1, 4),
            "true_positives": self.true_positives,
            "misses": [
                {"file": g.file, "start": g.start, "end": g.end, "mention": g.mention}
                for g in self.misses
            ],
            "false_alarms": [
                {"file": c.file, "start": c.start, "end": c.end, "text": c.text}
                for c in self.false_alarms
            ],
            "field_accuracy": {
                name: {
                    "accuracy": self.accuracy(name),
                    "right": self.field_right[name],
                    "total": self.field_total[name],
                }
                for name in FIELDS
            },
            "field_errors": [
                {"file": g.file, "mention": g.mention, "field": f, "gold": want, "found": got}
                for g, f, want, got in self.field_errors
            ],
            "missing_texts": self.missing_texts,
        }


def load_gold(path: Path) -> list[GoldText]:
    """Parse a gold JSON Lines file, with errors that name the line."""
    texts: list[GoldText] = []
    with path.open(encoding="utf-8") as handle:
        for lineno, line in enumerate(handle, 1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
                cits = tuple(
                    GoldCitation(
                        file=record["file"],
                        start=int(c["start"]),
                        end=int(c["end"]),
                        mention=c.get("mention", ""),
                        fields={name: c.get(name) for name in FIELDS},
                        optional=bool(c.get("optional", False)),
                        doc=c.get("doc"),
                    )
                    for c in record.get("citations", [])
                )
                implements = tuple(
                    (str(a), str(b)) for a, b in record.get("implements", [])
                )
                texts.append(GoldText(record["file"], record.get("place"), cits, implements))
            except (json.JSONDecodeError, KeyError, TypeError, ValueError) as exc:
                raise GoldFormatError(f"{path}:{lineno}: not a gold record ({exc})") from exc
    return texts


def issuer_key(name: str) -> frozenset[str]:
    """Issuer names as comparable keys: each joint body folded, abbreviations expanded."""
    keys = set()
    for part in name.split(";"):
        words = [_ISSUER_ABBREVIATIONS.get(w, w) for w in fold_key(part).split()]
        keys.add(" ".join(" ".join(words).split()))
    return frozenset(k for k in keys if k)


def _same(name: str, want: Any, got: Any) -> bool:
    if got is None:
        return False
    if name == "issuer":
        return issuer_key(str(want)) == issuer_key(str(got))
    if name == "symbol":
        return fold_symbol_chars(str(want)) == fold_symbol_chars(str(got))
    if name == "type":
        return fold_key(str(want)) == fold_key(str(got))
    return str(want) == str(got)


def _agrees(gold: GoldCitation, cit: Citation) -> bool:
    if not (cit.start < gold.end and gold.start < cit.end):
        return False
    want_symbol = gold.fields.get("symbol")
    if want_symbol:
        return cit.symbol is not None and _same("symbol", want_symbol, cit.symbol)
    return _same("type", gold.fields.get("type"), cit.type) and (
        gold.fields.get("number") is None or str(gold.fields["number"]) == str(cit.number)
    )


def score_text(gold: GoldText, predicted: Sequence[Citation], into: Score) -> None:
    """Add one text's matches, misses and false alarms to ``into``."""
    into.texts += 1
    unused = list(predicted)
    for g in gold.citations:
        match = next((c for c in unused if _agrees(g, c)), None)
        if match is None:
            if not g.optional:
                into.misses.append(g)
            continue
        unused.remove(match)
        if g.optional:
            continue
        into.true_positives += 1
        for name in FIELDS:
            want = g.fields.get(name)
            if want is None:
                continue
            got = getattr(match, name)
            into.field_total[name] += 1
            if _same(name, want, got):
                into.field_right[name] += 1
            else:
                into.field_errors.append((g, name, want, got))
    into.false_alarms.extend(unused)


def evaluate(
    gold: Sequence[GoldText], predict: Callable[[str], Sequence[Citation] | None]
) -> Score:
    """Score ``predict(file)`` (citations of a gold text, None if it cannot be read)."""
    score = Score()
    for text in gold:
        predicted = predict(text.file)
        if predicted is None:
            score.missing_texts.append(text.file)
            continue
        score_text(text, predicted, score)
    return score


def format_score(score: Score, *, details: bool = True) -> str:
    """A readable report: misses, false alarms and field errors, then the figures."""
    lines: list[str] = []
    if details:
        for g in score.misses:
            lines.append(f"miss        {g.file}:{g.start}-{g.end}  {g.mention}")
        for c in score.false_alarms:
            lines.append(f"false alarm {c.file}:{c.start}-{c.end}  {c.text}")
        for g, name, want, got in score.field_errors:
            lines.append(f"wrong {name:<6} {g.file}:{g.start}  {g.mention}: {want!r} ≠ {got!r}")
        for missing in score.missing_texts:
            lines.append(f"unreadable  {missing}")
        if lines:
            lines.append("")
    accuracies = []
    for name in FIELDS:
        acc = score.accuracy(name)
        shown = "n/a" if acc is None else f"{acc:.2f}"
        accuracies.append(f"{name} {shown} ({score.field_right[name]}/{score.field_total[name]})")
    lines.append(
        f"texts {score.texts}, gold citations {score.true_positives + len(score.misses)}, "
        f"found {score.true_positives + len(score.false_alarms)}"
    )
    lines.append(
        f"misses {len(score.misses)}, false alarms {len(score.false_alarms)}, "
        f"field errors {len(score.field_errors)}"
    )
    lines.append("field accuracy: " + ", ".join(accuracies))
    lines.append(
        f"precision {score.precision:.2f}  recall {score.recall:.2f}  F1 {score.f1:.2f}"
    )
    return "\n".join(lines)
