"""The seed articles against their gold annotations (../shared/gold/seeds.gold.jsonl)."""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from kg import Citation, SourceText, extract_citations
from kg.cli import main
from kg.evaluate import evaluate, load_gold
from kg.read import read_file

pytestmark = pytest.mark.shared


def _read(path: Path) -> str:
    source = read_file(path)
    assert isinstance(source, SourceText), source
    return source.text


def _predict(seeds: Path) -> Callable[[str], list[Citation]]:
    def predict(name: str) -> list[Citation]:
        return extract_citations(_read(seeds / name), file=name)

    return predict


def test_seeds_f1_and_field_accuracy_are_perfect(shared: Path) -> None:
    gold = load_gold(shared / "gold" / "seeds.gold.jsonl")
    score = evaluate(gold, _predict(shared / "seeds"))
    assert score.misses == [] and score.false_alarms == []
    assert score.f1 == 1.0
    for field in ("type", "number", "symbol", "date", "issuer", "term"):
        assert score.accuracy(field) == 1.0, (field, score.field_errors)


def test_gold_citations_of_one_document_share_a_doc_id(shared: Path) -> None:
    """Within a text, the gold's ``doc`` keys and our ``doc_id`` partition citations alike."""
    for text in load_gold(shared / "gold" / "seeds.gold.jsonl"):
        found = extract_citations(_read(shared / "seeds" / text.file))
        ours: dict[str, set[str | None]] = defaultdict(set)
        theirs: dict[str | None, set[str]] = defaultdict(set)
        for g in text.citations:
            match = [c for c in found if c.start < g.end and g.start < c.end]
            if not match or g.doc is None:
                continue
            ours[g.doc].add(match[0].doc_id)
            theirs[match[0].doc_id].add(g.doc)
        assert all(len(ids) == 1 for ids in ours.values()), (text.file, dict(ours))
        assert all(len(docs) == 1 for docs in theirs.values()), (text.file, dict(theirs))


def test_kg_eval_command_reports_f1(shared: Path) -> None:
    result = CliRunner().invoke(
        main,
        ["eval", str(shared / "gold" / "seeds.gold.jsonl"), "--texts", str(shared / "seeds"),
         "--format", "json"],
    )
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["f1"] == 1.0
    assert report["field_accuracy"]["date"]["accuracy"] == 1.0
