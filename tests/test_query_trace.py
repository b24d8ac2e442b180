"""kg query and kg trace: the Oxigraph store, bound parameters, the trace tree, ambiguity."""

from __future__ import annotations

import csv
import io
import json
import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from kg.cli import main
from kg.export import write_turtle
from kg.models import SourceText
from kg.pipeline import build_corpus
from kg.read import iter_sources
from kg.store import (
    IRI,
    GraphStore,
    StoreError,
    build_store,
    named_queries,
    open_graph,
    parse_bind_value,
    resolve_query,
)
from kg.trace import find_candidates, parse_reference, render_tree, trace

DOC = "https://w3id.org/kg-vn/id/doc/"

TEXTS = {
    "nq25.txt": (
        "Hội nghị Trung ương 7 khóa XI đã ban hành Nghị quyết số 25-NQ/TW ngày 03/6/2013 của "
        "Ban Chấp hành Trung ương về tăng cường và đổi mới sự lãnh đạo của Đảng đối với công "
        "tác dân vận trong tình hình mới.\n"
    ),
    "kl43.txt": (
        "Ban Bí thư ban hành Kết luận số 43-KL/TW ngày 07/01/2019 của Ban Bí thư về tiếp tục "
        "thực hiện Nghị quyết số 25-NQ/TW ngày 03/6/2013 của Ban Chấp hành Trung ương khóa XI "
        "về tăng cường và đổi mới sự lãnh đạo của Đảng đối với công tác dân vận.\n"
    ),
    "bao-cao.txt": (
        "Báo cáo công tác dân vận của Tỉnh ủy Bình Phước.\n"
        "Thực hiện Kết luận số 43-KL/TW ngày 07/01/2019 của Ban Bí thư, Tỉnh ủy đã ban hành "
        "Kế hoạch số 21-KH/TU ngày 15/3/2019 về công tác dân vận.\n"
        "Sơ kết 5 năm thực hiện Kết luận số 43-KL/TW ngày 07/01/2019 của Ban Bí thư, các cấp "
        "ủy đã nâng cao nhận thức về công tác dân vận.\n"
    ),
    "thanh-nien.txt": (
        "Tổng kết 15 năm thực hiện Nghị quyết số 25-NQ/TW ngày 25/7/2008 của Ban Chấp hành "
        "Trung ương khóa X về tăng cường sự lãnh đạo của Đảng đối với công tác thanh niên.\n"
    ),
}


def _runner() -> CliRunner:
    return CliRunner()  # click >= 8.2 keeps stderr apart from stdout


@pytest.fixture(scope="module")
def out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A kg build folder: graph.ttl and store/ of the four texts above."""
    root = tmp_path_factory.mktemp("kg")
    texts = root / "texts"
    texts.mkdir()
    for name, text in TEXTS.items():
        (texts / name).write_text(text, encoding="utf-8")
    sources = [s for s in iter_sources([str(texts)]) if isinstance(s, SourceText)]
    corpus = build_corpus(sources)
    folder = root / "out"
    write_turtle(corpus, folder / "graph.ttl")
    build_store(folder / "graph.ttl", folder / "store")
    return folder


@pytest.fixture(scope="module")
def store(out: Path) -> GraphStore:
    return open_graph(out)


# ---------------------------------------------------------------------------------- kg query


@pytest.mark.parametrize("fmt", ["table", "csv", "json"])
def test_named_query_in_every_format(out: Path, fmt: str) -> None:
    result = _runner().invoke(main, ["query", str(out), "most-cited", "--format", fmt])
    assert result.exit_code == 0, result.output
    if fmt == "json":
        rows = json.loads(result.stdout)
        top = rows[0]
        assert top["doc"] == DOC + "43-kl-tw-2019"
        assert (top["mentions"], top["sources"]) == (3, 2)  # numbers stay numbers
    elif fmt == "csv":
        rows = list(csv.DictReader(io.StringIO(result.stdout)))
        assert rows[0]["doc"] == DOC + "43-kl-tw-2019"
        assert (rows[0]["symbol"], rows[0]["mentions"]) == ("43-KL/TW", "3")
    else:
        lines = result.stdout.splitlines()
        assert lines[0].split()[:3] == ["type", "doc", "symbol"]
        assert "doc:43-kl-tw-2019" in lines[2]  # IRIs abbreviated in tables
    assert "rows" in result.stderr


def test_query_from_file_and_text(out: Path, tmp_path: Path) -> None:
    rq = tmp_path / "symbols.rq"
    rq.write_text("SELECT ?symbol WHERE { ?d eli:id_local ?symbol } ORDER BY ?symbol\n",
                  encoding="utf-8")
    by_file = _runner().invoke(main, ["query", str(out), str(rq), "--format", "json"])
    assert by_file.exit_code == 0, by_file.output
    symbols = [r["symbol"] for r in json.loads(by_file.stdout)]
    assert symbols == ["21-KH/TU", "25-NQ/TW", "25-NQ/TW", "43-KL/TW"]
    by_text = _runner().invoke(main, ["query", str(out / "graph.ttl"), rq.read_text("utf-8"),
                                      "--format", "json"])
    assert json.loads(by_text.stdout) == json.loads(by_file.stdout)


def test_bound_variable_selects(out: Path) -> None:
    args = ["query", str(out), "implementers", "--bind", "target=doc:43-kl-tw-2019",
            "--format", "json"]
    result = _runner().invoke(main, args)
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert {r["target"] for r in rows} == {DOC + "43-kl-tw-2019"}
    assert {r["symbol"] for r in rows} >= {"21-KH/TU"}
    assert any(r["kind"].endswith("#Source") for r in rows)  # the report that reviews it


@pytest.mark.parametrize(
    "evil",
    [
        '25-NQ/TW" } UNION { ?d ?p ?symbol } #',
        "25-NQ/TW' . ?d ?p ?o }",
        '"25-NQ/TW") || true || ("',
        "<https://w3id.org/kg-vn/id/doc/25-nq-tw-2013> ?p ?o",
    ],
)
def test_bound_value_is_a_literal_never_query_text(store: GraphStore, out: Path, evil: str) -> None:
    sparql = "SELECT ?d ?symbol WHERE { ?d eli:id_local ?symbol }"
    assert store.query(sparql, {"symbol": evil}).rows == ()
    result = _runner().invoke(main, ["query", str(out), sparql, "--bind", f"symbol={evil}",
                                     "--format", "json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == []
    # The honest value finds both resolutions numbered 25-NQ/TW.
    assert len(store.query(sparql, {"symbol": "25-NQ/TW"}).rows) == 2


def test_bind_value_syntax() -> None:
    assert parse_bind_value("doc:25-nq-tw-2013") == IRI(DOC + "25-nq-tw-2013")
    assert isinstance(parse_bind_value("<https://example.org/x>"), IRI)
    assert parse_bind_value("25-NQ/TW") == "25-NQ/TW"
    assert not isinstance(parse_bind_value("25-NQ/TW"), IRI)
    assert parse_bind_value('"kg:not-an-iri"') == "kg:not-an-iri"
    assert not isinstance(parse_bind_value("unknownprefix:x"), IRI)


def test_typed_binding_matches(store: GraphStore) -> None:
    sparql = "SELECT ?d ?year WHERE { ?d kg:year ?year }"
    rows = store.query(sparql, {"year": parse_bind_value('"2008"^^xsd:gYear')}).rows
    assert rows == ((DOC + "25-nq-tw-2008", 2008),)


def test_binding_an_unselected_variable_is_a_clear_error(out: Path) -> None:
    result = _runner().invoke(
        main, ["query", str(out), "SELECT ?d WHERE { ?d eli:id_local ?s }", "--bind", "s=x"]
    )
    assert result.exit_code == 1
    assert "cannot bind ?s" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_syntax_error_is_one_line_with_its_position(out: Path) -> None:
    result = _runner().invoke(main, ["query", str(out), "SELECT ?d WHERE {\n  ?d eli:id_local"])
    assert result.exit_code == 1
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.output
    message = result.stderr.strip()
    assert len(message.splitlines()) == 1
    assert message.startswith("Error: SPARQL syntax error at line 2")


def test_unknown_prefix_is_named(store: GraphStore) -> None:
    with pytest.raises(StoreError, match="unknown prefix 'foo:'"):
        store.query("SELECT ?d WHERE { ?d foo:bar ?x }")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["query", "{out}", "no-such-query"], "unknown query 'no-such-query'"),
        (["query", "{out}/missing", "most-cited"], "no such graph"),
        (["query", "{out}", "missing.rq"], "no such query file"),
    ],
)
def test_clear_errors(out: Path, args: list[str], message: str) -> None:
    result = _runner().invoke(main, [a.format(out=out) for a in args])
    assert result.exit_code == 1
    assert message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_every_shipped_query_runs(store: GraphStore) -> None:
    queries = named_queries()
    assert {"most-cited", "implementers", "documents"} <= set(queries)
    for name in queries:
        sparql, origin = resolve_query(name)
        assert origin.endswith(f"{name}.rq")
        store.query(sparql)  # parses and runs without error


# ---------------------------------------------------------------------------------- the store


def test_open_graph_accepts_folder_store_and_file(out: Path) -> None:
    assert open_graph(out).origin == out / "store"
    assert len(open_graph(out / "store")) == len(open_graph(out / "graph.ttl")) > 100


def test_failed_build_keeps_the_old_store(out: Path, tmp_path: Path) -> None:
    good = tmp_path / "store"
    build_store(out / "graph.ttl", good)
    build_store(out / "graph.ttl", good)  # rebuilt in place
    size = len(open_graph(good))
    bad = tmp_path / "bad.ttl"
    bad.write_text("@prefix kg: <https://w3id.org/kg-vn/ontology#> .\nthis is not turtle\n",
                   encoding="utf-8")
    with pytest.raises(StoreError, match="invalid RDF"):
        build_store(bad, good)
    assert len(open_graph(good)) == size
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.ttl", "store"]  # no leftovers


def test_stale_store_falls_back_to_turtle(out: Path, tmp_path: Path) -> None:
    folder = tmp_path / "o"
    folder.mkdir()
    (folder / "graph.ttl").write_bytes((out / "graph.ttl").read_bytes())
    build_store(folder / "graph.ttl", folder / "store")
    assert open_graph(folder).note is None
    os.utime(folder / "graph.ttl", ns=(1, 1))  # a copied folder: new times, same content
    assert open_graph(folder).origin == folder / "store"
    with (folder / "graph.ttl").open("a", encoding="utf-8") as handle:
        handle.write("\n<https://example.org/a> <https://example.org/b> 1 .\n")
    graph = open_graph(folder)
    assert graph.origin == folder / "graph.ttl"
    assert graph.note is not None and "older" in graph.note


# ---------------------------------------------------------------------------------- kg trace


def test_reference_parsing() -> None:
    assert parse_reference("Nghị quyết 25-NQ/TW").symbol == "25-NQ/TW"
    assert parse_reference("25-nq/tw").symbol == "25-NQ/TW"
    ref = parse_reference("Nghị quyết số 25-NQ/TW ngày 25/7/2008")
    assert (ref.symbol, ref.year) == ("25-NQ/TW", 2008)
    assert parse_reference("Nghị định 30/2020/NĐ-CP").year == 2020


def test_candidates(store: GraphStore) -> None:
    both = find_candidates(store, "Nghị quyết 25-NQ/TW")
    assert [c.year for c in both] == [2008, 2013]
    assert [c.date for c in both] == ["2008-07-25", "2013-06-03"]
    assert [c.iri for c in find_candidates(store, "25-NQ/TW", 2013)] == [DOC + "25-nq-tw-2013"]
    stated = find_candidates(store, "Nghị quyết số 25-NQ/TW ngày 25/7/2008")
    assert [c.year for c in stated] == [2008]
    assert find_candidates(store, "Nghị quyết 25-NQ/TW", 1999) == []
    assert [c.symbol for c in find_candidates(store, "Kết luận 43")] == ["43-KL/TW"]


def test_trace_follows_the_chain(store: GraphStore) -> None:
    tree = trace(store, DOC + "25-nq-tw-2013")
    kl43 = next(c for c in tree.root.children if c.iri == DOC + "43-kl-tw-2019")
    assert kl43.relation == "follows_up" and kl43.date == "2019-01-07"
    assert kl43.evidence is not None and "tiếp tục thực hiện" in kl43.evidence
    assert kl43.file is not None and kl43.file.endswith("kl43.txt")
    below = {(c.label, c.relation, c.kind) for c in kl43.children}
    assert ("Kế hoạch 21-KH/TU (2019)", "implements", "document") in below
    report = next(c for c in kl43.children if c.kind == "source")
    assert report.relation == "reviews" and report.file and report.file.endswith("bao-cao.txt")
    text = render_tree(tree)
    assert text.splitlines()[0].startswith("Nghị quyết 25-NQ/TW (2013) · 2013-06-03")
    assert "└── [follows up] Kết luận 43-KL/TW (2019) · 2019-01-07" in text
    assert "[implements] Kế hoạch 21-KH/TU (2019) · 2019-03-15" in text
    assert "“Sơ kết 5 năm thực hiện Kết luận số 43-KL/TW" in text


def test_trace_is_cycle_safe(tmp_path: Path) -> None:
    ttl = tmp_path / "cycle.ttl"
    ttl.write_text(
        "@prefix kg: <https://w3id.org/kg-vn/ontology#> .\n"
        "@prefix doc: <https://w3id.org/kg-vn/id/doc/> .\n"
        "doc:a a kg:Document . doc:b a kg:Document . doc:c a kg:Document .\n"
        "doc:b kg:implements doc:a . doc:c kg:reviews doc:b . doc:a kg:implements doc:c .\n",
        encoding="utf-8",
    )
    tree = trace(open_graph(ttl), DOC + "a")
    assert [n.iri.rsplit("/", 1)[-1] for n in tree.nodes()] == ["a", "b", "c", "a"]
    assert [n.repeat for n in tree.nodes()] == [False, False, False, True]
    shallow = trace(open_graph(ttl), DOC + "a", max_depth=1)
    assert [n.truncated for n in shallow.nodes()] == [False, True]


def test_trace_cli_text_and_json(out: Path) -> None:
    result = _runner().invoke(main, ["trace", "-g", str(out), "Nghị quyết 25-NQ/TW",
                                     "--year", "2013"])
    assert result.exit_code == 0, result.output
    assert "Kết luận 43-KL/TW" in result.stdout and "Kế hoạch 21-KH/TU" in result.stdout
    assert "act on it" in result.stderr
    as_json = _runner().invoke(main, ["trace", "-g", str(out), "25-NQ/TW", "--year", "2013",
                                      "--format", "json"])
    root = json.loads(as_json.stdout)["root"]
    assert root["iri"] == DOC + "25-nq-tw-2013"
    kl43 = next(c for c in root["children"] if c["iri"] == DOC + "43-kl-tw-2019")
    assert kl43["relation"] == "follows_up" and kl43["evidence"]
    assert {c["kind"] for c in kl43["children"]} == {"document", "source"}


def test_ambiguous_symbol_lists_candidates(out: Path) -> None:
    result = _runner().invoke(main, ["trace", "-g", str(out), "Nghị quyết 25-NQ/TW"])
    assert result.exit_code == 2
    assert result.stdout == ""
    assert "--year" in result.stderr
    assert "2008-07-25" in result.stderr and "2013-06-03" in result.stderr
    assert "doc:25-nq-tw-2008" in result.stderr and "doc:25-nq-tw-2013" in result.stderr
    as_json = _runner().invoke(main, ["trace", "-g", str(out), "25-NQ/TW", "--format", "json"])
    assert as_json.exit_code == 2
    assert [c["year"] for c in json.loads(as_json.stdout)["candidates"]] == [2008, 2013]
    picked = _runner().invoke(main, ["trace", "-g", str(out), "25-NQ/TW", "--year", "2008"])
    assert picked.exit_code == 0
    assert picked.stdout.startswith("Nghị quyết 25-NQ/TW (2008)")
    assert "[reviews] source:" in picked.stdout


def test_trace_by_iri_and_not_found(out: Path) -> None:
    by_iri = _runner().invoke(main, ["trace", "-g", str(out), "doc:43-kl-tw-2019"])
    assert by_iri.exit_code == 0
    assert by_iri.stdout.startswith("Kết luận 43-KL/TW (2019)")
    for args, message in [
        (["Nghị quyết 99-NQ/TW"], "no document 'Nghị quyết 99-NQ/TW'"),
        (["25-NQ/TW", "--year", "1999"], "the graph has it for: 2008, 2013"),
        (["xin chào"], "cannot read 'xin chào' as a document"),
        (["doc:no-such-document"], "is not a document of the graph"),
    ]:
        result = _runner().invoke(main, ["trace", "-g", str(out), *args])
        assert result.exit_code == 1, args
        assert message in result.stderr
        assert len(result.stderr.strip().splitlines()) == 1


@pytest.mark.shared
def test_seeds_trace_reaches_ket_luan_43(shared: Path, tmp_path: Path) -> None:
    built = _runner().invoke(main, ["build", str(shared / "seeds"), "-o", str(tmp_path)])
    assert built.exit_code == 0, built.output
    result = _runner().invoke(main, ["trace", "-g", str(tmp_path), "Nghị quyết 25-NQ/TW",
                                     "--year", "2013", "--format", "json"])
    assert result.exit_code == 0, result.output
    nodes = []
    stack = [json.loads(result.stdout)["root"]]
    while stack:
        node = stack.pop()
        nodes.append(node)
        stack.extend(node["children"])
    kl43 = [n for n in nodes if n["iri"] == DOC + "43-kl-tw-2019"]
    assert kl43 and kl43[0]["relation"] in ("follows_up", "implements")
    assert "43-KL/TW" in kl43[0]["evidence"]
