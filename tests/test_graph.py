"""The graph stage: one node per real document, relations with evidence, SHACL-valid output.

Graph tests compare graphs (rdflib isomorphism, with a readable diff on failure).
"""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path

import pyoxigraph as ox
import pyshacl
import pytest
from click.testing import CliRunner
from rdflib import Graph, URIRef
from rdflib.compare import graph_diff, to_isomorphic
from rdflib.namespace import RDF
from rdflib.term import Node

from kg.cache import AnalysisCache, _digest_of
from kg.cli import main
from kg.evaluate import load_gold
from kg.export import write_ntriples_shards, write_turtle
from kg.graph import build_graph, graph_of_turtle
from kg.models import SourceText
from kg.normalize import normalize_text
from kg.pipeline import Corpus, SpilledTexts, analyse_input, build_corpus
from kg.read import iter_sources, read_bytes
from kg.vocab import ELI, KG

ONTOLOGY = Path(__file__).resolve().parent.parent / "ontology"

TEXTS = {
    "ket-luan.txt": (
        "Kết luận số 43-KL/TW ngày 07/01/2019 của Ban Bí thư về tiếp tục thực hiện Nghị quyết "
        "số 25-NQ/TW ngày 03/6/2013 của Ban Chấp hành Trung ương Đảng (khóa XI) về tăng cường "
        "và đổi mới sự lãnh đạo của Đảng đối với công tác dân vận trong tình hình mới.\n"
    ),
    "bao-cao.txt": (
        "Báo cáo của tỉnh Bình Phước. Thực hiện Nghị quyết 25-NQ/TW của Ban Chấp hành Trung "
        "ương về công tác dân vận, Tỉnh ủy Bình Phước đã ban hành Kế hoạch số 21-KH/TU ngày "
        "15/3/2019. Nghị quyết số 25-NQ/TW ngày 13/6/2013 được quán triệt sâu rộng.\n"
    ),
    "thanh-nien.txt": (
        "Tổng kết 15 năm thực hiện Nghị quyết số 25-NQ/TW ngày 25/7/2008 của Ban Chấp hành "
        "Trung ương Đảng (khóa X) về tăng cường sự lãnh đạo của Đảng đối với công tác thanh "
        "niên thời kỳ đẩy mạnh công nghiệp hóa, hiện đại hóa.\n"
    ),
}


def _corpus(texts: dict[str, str]) -> Corpus:
    sources = []
    for name, text in texts.items():
        source = read_bytes(text.encode("utf-8"), name)
        assert isinstance(source, SourceText)
        sources.append(source)
    return build_corpus(sources)


@pytest.fixture(scope="module")
def corpus() -> Corpus:
    return _corpus(TEXTS)


def _docs_by_symbol(corpus: Corpus, symbol: str) -> set[str]:
    return {d.iri for d in corpus.resolution.documents.values() if d.symbol == symbol}


def test_one_node_per_document_and_homonyms_apart(corpus: Corpus) -> None:
    # 25-NQ/TW of 2013 (cited three ways) and of 2008 are two documents.
    assert len(_docs_by_symbol(corpus, "25-NQ/TW")) == 2
    keys = {d.key for d in corpus.resolution.documents.values() if d.symbol == "25-NQ/TW"}
    assert keys == {"25-NQ/TW@2013", "25-NQ/TW@2008"}


def test_undated_citation_joins_the_document_its_subject_names(corpus: Corpus) -> None:
    report = next(t for t in corpus.texts if t.source.path == "bao-cao.txt")
    undated = next(c for c in report.citations if c.text == "Nghị quyết 25-NQ/TW")
    assert undated.doc_id is not None and undated.doc_id.endswith("25-nq-tw-2013")


def test_conflicting_dates_are_kept_and_flagged(corpus: Corpus) -> None:
    (record,) = [d for d in corpus.resolution.documents.values() if d.key == "25-NQ/TW@2013"]
    assert set(record.dates) == {"2013-06-03", "2013-06-13"}
    assert record.conflicts == ("date",)
    graph = build_graph(corpus)
    conflict = graph.value(URIRef(record.iri), KG.hasConflict)
    assert conflict is not None
    assert len(set(graph.objects(conflict, KG.conflictValue))) == 2
    assert len(set(graph.objects(conflict, KG.evidence))) == 2


def test_local_body_and_document_take_the_texts_province(corpus: Corpus) -> None:
    (plan,) = [d for d in corpus.resolution.documents.values() if d.symbol == "21-KH/TU"]
    assert plan.jurisdiction == "Bình Phước"
    assert plan.key == "Bình Phước/21-KH/TU@2019"


EXPECTED_RELATIONS = """
@prefix kg: <https://w3id.org/kg-vn/ontology#> .
@prefix doc: <https://w3id.org/kg-vn/id/doc/> .
doc:43-kl-tw-2019 kg:followsUp doc:25-nq-tw-2013 ; kg:implements doc:25-nq-tw-2013 .
doc:binh-phuoc-21-kh-tu-2019 kg:implements doc:25-nq-tw-2013 .
"""


def test_document_relations_graph(corpus: Corpus) -> None:
    graph = build_graph(corpus)
    got = Graph()
    for prop in (KG.implements, KG.followsUp, KG.reviews):
        for s, o in graph.subject_objects(prop):
            if (s, None, KG.Document) in graph or str(s).startswith(
                "https://w3id.org/kg-vn/id/doc/"
            ):
                got.add((s, prop, o))
    want = Graph().parse(data=EXPECTED_RELATIONS, format="turtle")
    iso_got, iso_want = to_isomorphic(got), to_isomorphic(want)
    if iso_got != iso_want:
        _, only_got, only_want = graph_diff(iso_got, iso_want)
        pytest.fail(
            "relations differ\nonly built:\n" + only_got.serialize(format="nt")
            + "only expected:\n" + only_want.serialize(format="nt")
        )


def test_source_reviews_the_document_it_sums_up(corpus: Corpus) -> None:
    reviews = [(r.subject_is_source, r.object) for r in corpus.relations if r.relation == "reviews"]
    assert (True, next(iter(_docs_by_symbol(corpus, "25-NQ/TW") - {
        d.iri for d in corpus.resolution.documents.values() if d.key.endswith("2013")
    }))) in reviews


def _conforms(graph: Graph) -> tuple[bool, str]:
    shapes = Graph().parse(ONTOLOGY / "shapes.ttl")
    ontology = Graph().parse(ONTOLOGY / "kg.ttl")
    ok, _, text = pyshacl.validate(
        graph, shacl_graph=shapes, ont_graph=ontology, inference="none", advanced=True
    )
    return bool(ok), str(text)


def test_small_graph_satisfies_the_shapes(corpus: Corpus) -> None:
    ok, report = _conforms(build_graph(corpus))
    assert ok, report[:3000]


SELF_CITING = (
    "ỦY BAN NHÂN DÂN TỈNH SƠN LA\n"
    "Số: 2969/QĐ-UBND\n"
    "Sơn La, ngày 21 tháng 11 năm 2025\n"
    "QUYẾT ĐỊNH\n"
    "Về việc công bố Danh mục thủ tục hành chính lĩnh vực Báo chí\n"
    "Căn cứ Nghị định số 118/2025/NĐ-CP ngày 09/6/2025 của Chính phủ;\n"
    "Điều 1. Công bố kèm theo Quyết định này Danh mục thủ tục hành chính.\n"
    "DANH MỤC\n"
    "(Ban hành kèm theo Quyết định số 2969/QĐ-UBND ngày 21/12/2025 của Chủ tịch Ủy ban "
    "nhân dân tỉnh)\n"
)


# A plan whose header gives no date and whose own text cites it with two dates.
SELF_CITING_UNDATED = (
    "ỦY BAN NHÂN DÂN TỈNH SƠN LA\n"
    "Số: 15/KH-UBND\n"
    "KẾ HOẠCH\n"
    "Thực hiện chuyển đổi số năm 2024\n"
    # Past the header's reach (kg.extract.HEADER_CHARS), so the header has no date.
    + "Các sở, ban, ngành và địa phương tổ chức quán triệt đến cán bộ, công chức. " * 120
    + "\nI. MỤC ĐÍCH. Kế hoạch số 15/KH-UBND ngày 02/3/2024 được triển khai đến các sở.\n"
    "II. TỔ CHỨC THỰC HIỆN. Các sở báo cáo kết quả thực hiện Kế hoạch số 15/KH-UBND ngày "
    "03/2/2024 trước ngày 15/12/2024.\n"
)


@pytest.mark.parametrize(
    ("text", "symbol", "date", "dates"),
    [
        # The appendix line of a decision repeats its number with a mistyped date: the header's
        # date stands.
        pytest.param(SELF_CITING, "2969/QĐ-UBND", "2025-11-21", ("2025-11-21",), id="header"),
        # No header date: the two dates are kept and neither is chosen; the disagreement is
        # the record's, but no mention states it, so the graph has no conflict node.
        pytest.param(SELF_CITING_UNDATED, "15/KH-UBND", None, ("2024-03-02", "2024-02-03"),
                     id="no-header-date"),
    ],
)
def test_a_text_citing_itself_with_another_date_makes_no_conflict(
    text: str, symbol: str, date: str | None, dates: tuple[str, ...]
) -> None:
    """A text is no mention of itself: a conflict only its own lines state would have no
    evidence in the graph, so none is written (the shapes require evidence)."""
    corpus = _corpus({"van-ban.txt": text})
    [own] = [d for d in corpus.resolution.documents.values() if d.symbol == symbol]
    assert (own.date, own.dates) == (date, dates)
    graph = build_graph(corpus)
    assert not list(graph.subjects(RDF.type, KG.Conflict))
    ok, report = _conforms(graph)
    assert ok, report[:3000]


COUNTS = """
SELECT ?doc ?mentionCount ?sourceCount (COUNT(DISTINCT ?m) AS ?mentions)
       (COUNT(DISTINCT ?s) AS ?sources)
WHERE {
  ?doc a kg:Document ; kg:mentionCount ?mentionCount ; kg:sourceCount ?sourceCount .
  OPTIONAL { ?m kg:mentions ?doc ; kg:inSource ?s }
}
GROUP BY ?doc ?mentionCount ?sourceCount
"""

# The same texts, published in two years (and one undated): the counts by year.
DATED_TEXTS = {
    "ket-luan.txt": "Ngày đăng: 10/01/2019\n" + TEXTS["ket-luan.txt"],
    "bao-cao.txt": "Ngày đăng: 20/03/2019\n" + TEXTS["bao-cao.txt"],
    "tin-2024.txt": (
        "Ngày đăng: 02/05/2024\nTiếp tục thực hiện Nghị quyết số 25-NQ/TW ngày 03/6/2013.\n"
    ),
    "thanh-nien.txt": TEXTS["thanh-nien.txt"],
}


@pytest.mark.parametrize(
    "texts",
    [
        pytest.param(TEXTS, id="three-texts"),
        # The same file given twice is one source: its mentions are counted once.
        pytest.param({**TEXTS, "./bao-cao.txt": TEXTS["bao-cao.txt"]}, id="one-file-twice"),
    ],
)
def test_documents_carry_their_mention_and_source_counts(texts: dict[str, str]) -> None:
    graph = build_graph(_corpus(texts))
    rows = list(graph.query(COUNTS, initNs={"kg": KG._NS}))
    documents = set(graph.subjects(RDF.type, KG.Document))
    counted = {s for s in graph.subjects(KG.mentionCount, None) if s in documents}
    assert len(rows) == len(counted) == len(documents)
    for doc, mention_count, source_count, mentions, sources in rows:  # type: ignore[misc]
        assert (int(mention_count), int(source_count)) == (int(mentions), int(sources)), doc
    nq25 = URIRef("https://w3id.org/kg-vn/id/doc/25-nq-tw-2013")  # twice in bao-cao
    counts = (graph.value(nq25, KG.mentionCount), graph.value(nq25, KG.sourceCount))
    assert [c.toPython() for c in counts if c is not None] == [3, 2]


def _year_of(graph: Graph, source: Node) -> str | None:
    published = graph.value(source, KG.publishedAt)
    return str(published)[:4] if published is not None else None


def _yearly_rows(graph: Graph) -> set[tuple[str, str | None, int, int]]:
    """(document, year, mentions, sources) as the kg:YearlyCitations say."""
    rows = set()
    for doc, node in graph.subject_objects(KG.yearlyCitations):
        year = graph.value(node, KG.sourceYear)
        rows.add((
            str(doc),
            str(year) if year is not None else None,
            int(graph.value(node, KG.mentionCount).toPython()),  # type: ignore[union-attr]
            int(graph.value(node, KG.sourceCount).toPython()),  # type: ignore[union-attr]
        ))
    return rows


def _statistics_rows(graph: Graph) -> set[tuple[str | None, str | None, int, int, int]]:
    """(type, year, mentions, documents, sources) as the kg:YearStatistics say."""
    rows = set()
    for node in graph.subjects(RDF.type, KG.YearStatistics):
        dtype, year = graph.value(node, KG.ofType), graph.value(node, KG.sourceYear)
        rows.add((
            str(dtype) if dtype is not None else None,
            str(year) if year is not None else None,
            *(int(graph.value(node, p).toPython())  # type: ignore[union-attr]
              for p in (KG.mentionCount, KG.documentCount, KG.sourceCount)),
        ))
    return rows


@pytest.mark.parametrize(
    "texts",
    [
        pytest.param(DATED_TEXTS, id="two-years-and-undated"),
        pytest.param({**DATED_TEXTS, "./tin-2024.txt": DATED_TEXTS["tin-2024.txt"]},
                     id="one-file-twice"),
    ],
)
def test_counts_by_year_are_those_of_the_mentions(texts: dict[str, str]) -> None:
    graph = build_graph(_corpus(texts))
    # Counted here from the mentions themselves, per (document, source year) ...
    mentions: dict[tuple[str, str | None], set[Node]] = defaultdict(set)
    sources: dict[tuple[str, str | None], set[Node]] = defaultdict(set)
    for m in graph.subjects(RDF.type, KG.Mention):
        doc, source = graph.value(m, KG.mentions), graph.value(m, KG.inSource)
        assert doc is not None and source is not None
        mentions[str(doc), _year_of(graph, source)].add(m)
        sources[str(doc), _year_of(graph, source)].add(source)
    expected = {(d, y, len(mentions[d, y]), len(sources[d, y])) for d, y in mentions}
    assert _yearly_rows(graph) == expected
    nq25 = "https://w3id.org/kg-vn/id/doc/25-nq-tw-2013"
    assert {(y, n, k) for d, y, n, k in expected if d == nq25} == {
        ("2019", 3, 2), ("2024", 1, 1),  # twice in bao-cao, once in ket-luan; tin-2024
    }
    # ... and per (type or every type, source year).
    by_type: dict[tuple[str | None, str | None], list[tuple[str, int, int]]] = defaultdict(list)
    for (doc, year), found in mentions.items():
        dtype = graph.value(URIRef(doc), ELI.type_document)
        keys = {(None, year)} | ({(str(dtype), year)} if dtype is not None else set())
        for key in keys:
            by_type[key].append((doc, len(found), 0))
    statistics = set()
    for (dtype, year), rows in by_type.items():
        in_sources = set().union(*(sources[doc, year] for doc, _, _ in rows))
        statistics.add((dtype, year, sum(n for _, n, _ in rows), len(rows), len(in_sources)))
    assert _statistics_rows(graph) == statistics
    assert (None, "2019", 5, 3, 2) in statistics  # 43-KL/TW once, 25-NQ/TW 3, 21-KH/TU once


@pytest.mark.parametrize(
    "texts",
    [
        pytest.param(DATED_TEXTS, id="dated-texts"),
        # The same text in two folders (same name and content) is one source with two files.
        pytest.param({**DATED_TEXTS, "ban-sao/tin-2024.txt": DATED_TEXTS["tin-2024.txt"]},
                     id="one-text-in-two-folders"),
    ],
)
def test_counts_by_year_satisfy_the_shapes(texts: dict[str, str]) -> None:
    graph = build_graph(_corpus(texts))
    ok, report = _conforms(graph)
    assert ok, report[:3000]
    sources = {s for s in graph.subjects(RDF.type, KG.Source)}
    files = sorted(str(f) for s in sources for f in graph.objects(s, KG.file))
    assert len(sources) == 4 and files == sorted(texts)


# ------------------------------------------------------------------ seeds (shared gold)


@pytest.fixture(scope="module")
def seeds_corpus(shared: Path) -> Corpus:
    sources = [s for s in iter_sources([str(shared / "seeds")]) if isinstance(s, SourceText)]
    return build_corpus(sources)


def _gold_to_ours(shared: Path, corpus: Corpus) -> dict[str, set[str]]:
    """Gold ``doc`` key → the set of our document IRIs its citations resolved to."""
    ours: dict[str, set[str]] = defaultdict(set)
    by_name = {Path(t.source.path).name: t for t in corpus.texts}
    for gold in load_gold(shared / "gold" / "seeds.gold.jsonl"):
        text = by_name[gold.file]
        for g in gold.citations:
            hits = [c for c in text.citations if c.start < g.end and g.start < c.end]
            if g.doc is None or not hits:
                assert g.optional, (gold.file, g.mention)
                continue
            ours[g.doc].add(hits[0].doc_id or "")
    return ours


@pytest.mark.shared
def test_gold_documents_map_one_to_one_onto_nodes(shared: Path, seeds_corpus: Corpus) -> None:
    ours = _gold_to_ours(shared, seeds_corpus)
    assert {k: v for k, v in ours.items() if len(v) != 1} == {}
    nodes = [next(iter(v)) for v in ours.values()]
    assert len(nodes) == len(set(nodes)), "two gold documents share one node"


@pytest.mark.shared
def test_gold_implements_pairs_and_no_wrong_edges(shared: Path, seeds_corpus: Corpus) -> None:
    ours = {k: next(iter(v)) for k, v in _gold_to_ours(shared, seeds_corpus).items()}
    gold_of = {v: k for k, v in ours.items()}
    found = {
        (gold_of[r.subject], gold_of[r.object])
        for r in seeds_corpus.relations
        if r.relation in ("implements", "follows_up")
        and r.subject in gold_of and r.object in gold_of
    }
    wanted = {
        (a, b) for gold in load_gold(shared / "gold" / "seeds.gold.jsonl")
        for a, b in gold.implements
    }
    assert found == wanted


@pytest.mark.shared
def test_seeds_graph_satisfies_the_shapes(seeds_corpus: Corpus) -> None:
    ok, report = _conforms(build_graph(seeds_corpus))
    assert ok, report[:3000]


# ------------------------------------------------------------------ kg build


def test_build_writes_outputs_and_extract_agrees(tmp_path: Path) -> None:
    texts = tmp_path / "texts"
    texts.mkdir()
    for name, text in TEXTS.items():
        (texts / name).write_text(text, encoding="utf-8")
    (texts / "broken.txt").write_bytes(b"\x00\x01\x02binary")
    out = tmp_path / "out"
    runner = CliRunner()
    result = runner.invoke(main, ["build", str(texts), "-o", str(out), "--no-store"])
    assert result.exit_code == 1, result.output  # one file failed, the rest was built
    assert "broken.txt" in result.stderr
    graph = Graph().parse(out / "graph.ttl")
    assert (None, ELI.id_local, None) in graph
    built = [json.loads(line) for line in (out / "citations.jsonl").read_text().splitlines()]
    relations = [json.loads(line) for line in (out / "relations.jsonl").read_text().splitlines()]
    assert {r["relation"] for r in relations} >= {"implements", "reviews"}
    assert all(r["evidence"]["sentence"] for r in relations)
    extracted = runner.invoke(main, ["extract", "--format", "jsonl", str(texts)])
    rows = [json.loads(line) for line in extracted.stdout.splitlines()]
    assert [r["doc_id"] for r in rows] == [r["doc_id"] for r in built]
    for row in built:
        text = normalize_text(TEXTS[Path(row["file"]).name])
        assert text[row["start"] : row["end"]] == row["text"]


PORTAL_PAGE = """<html><head><title>Hội nghị dân vận</title></head><body>
<nav><a href="/">Trang chủ</a> | <a href="/gt">Giới thiệu</a></nav>
<div class="article"><h1>Hội nghị sơ kết công tác dân vận</h1>
<p>Thực hiện Nghị quyết số 25-NQ/TW ngày 03/6/2013 của Ban Chấp hành Trung ương, Tỉnh ủy đã
ban hành Kế hoạch số 21-KH/TU ngày 15/3/2019 để triển khai thực hiện trong toàn tỉnh. Các cơ
quan, đơn vị đã tổ chức quán triệt đầy đủ, nghiêm túc tới toàn thể cán bộ, đảng viên.</p>
<p>Kết quả cho thấy công tác dân vận chính quyền có nhiều chuyển biến tích cực.</p></div>
<aside><h3>Văn bản mới</h3><ul><li>Chỉ thị số 16/CT-TTg</li>
<li>Nghị quyết số 25-NQ/TW</li></ul></aside><footer>Bản quyền thuộc về Tỉnh ủy</footer>
</body></html>"""


def test_sidebar_citation_is_reported_apart_and_kept_out_of_the_graph(tmp_path: Path) -> None:
    page = tmp_path / "trang.html"
    page.write_text(PORTAL_PAGE, encoding="utf-8")
    [source] = list(iter_sources([str(page)]))
    assert isinstance(source, SourceText)
    corpus = build_corpus([source])
    (text,) = corpus.texts
    assert [c.symbol for c in text.citations] == ["25-NQ/TW", "21-KH/TU"]
    assert [(c.symbol, c.part) for c in text.sidebar] == [("16/CT-TTg", "sidebar")]
    graph = build_graph(corpus)
    assert (None, ELI.id_local, None) in graph
    assert not any(str(o) == "16/CT-TTg" for o in graph.objects(None, ELI.id_local))
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["build", str(page), "-o", str(out), "--no-store"])
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in (out / "citations.jsonl").read_text().splitlines()]
    assert [(r["symbol"], r["part"]) for r in rows] == [
        ("25-NQ/TW", "text"), ("21-KH/TU", "text"), ("16/CT-TTg", "sidebar")
    ]


def _write_texts(folder: Path, texts: dict[str, str]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in texts.items():
        (folder / name).write_text(text, encoding="utf-8")


def test_parallel_build_equals_single_process(tmp_path: Path) -> None:
    _write_texts(tmp_path / "texts", TEXTS)
    runner = CliRunner()
    for workers in ("1", "2"):
        result = runner.invoke(main, ["build", str(tmp_path / "texts"), "-o",
                                      str(tmp_path / workers), "--workers", workers,
                                      "--no-store"])
        assert result.exit_code == 0, result.output
    one = (tmp_path / "1" / "graph.ttl").read_bytes()
    assert one == (tmp_path / "2" / "graph.ttl").read_bytes()


def test_rebuild_is_byte_identical_and_update_adds_texts(tmp_path: Path) -> None:
    names = sorted(TEXTS)
    _write_texts(tmp_path / "all", TEXTS)
    _write_texts(tmp_path / "first", {n: TEXTS[n] for n in names[:2]})
    _write_texts(tmp_path / "second", {n: TEXTS[n] for n in names[2:]})
    runner = CliRunner()
    full = tmp_path / "full"
    assert runner.invoke(main, ["build", str(tmp_path / "all"), "-o", str(full),
                                "--no-store"]).exit_code == 0
    first_bytes = (full / "graph.ttl").read_bytes()
    assert runner.invoke(main, ["build", str(tmp_path / "all"), "-o", str(full),
                                "--no-store"]).exit_code == 0
    assert (full / "graph.ttl").read_bytes() == first_bytes
    # Built in two steps, the graph has the same documents and relations (source IRIs carry
    # the file name, which differs with the folder, so compare the document layer).
    step = tmp_path / "step"
    assert runner.invoke(main, ["build", str(tmp_path / "first"), "-o", str(step),
                                "--no-store"]).exit_code == 0
    result = runner.invoke(main, ["build", str(tmp_path / "second"), "-o", str(step),
                                  "--no-store", "--update"])
    assert result.exit_code == 0, result.output
    assert f"{len(TEXTS)} texts (1 read" in result.stderr

    def documents(folder: Path) -> set[tuple[str, str]]:
        graph = Graph().parse(folder / "graph.ttl")
        return {(str(s), str(o)) for s, o in graph.subject_objects(KG.docKey)}

    assert documents(step) == documents(full)


def test_failed_build_leaves_previous_outputs_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _write_texts(tmp_path / "texts", TEXTS)
    out = tmp_path / "out"
    runner = CliRunner()
    assert runner.invoke(main, ["build", str(tmp_path / "texts"), "-o", str(out),
                                "--no-store", "--no-html"]).exit_code == 0
    before = {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()}
    (tmp_path / "texts" / "them.txt").write_text(
        "Chỉ thị số 16/CT-TTg của Thủ tướng Chính phủ.\n", encoding="utf-8"
    )

    def interrupted(*_args: object) -> int:
        raise KeyboardInterrupt

    monkeypatch.setattr("kg.export._write_relations_of", interrupted)  # mid-way through
    result = runner.invoke(main, ["build", str(tmp_path / "texts"), "-o", str(out),
                                  "--no-store", "--no-html"])
    assert result.exit_code != 0
    after = {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()}
    assert after == before
    assert not [p for p in out.iterdir() if p.name.startswith(".kg-build")]


def test_turtle_written_while_made_is_the_graph(corpus: Corpus, tmp_path: Path) -> None:
    """kg build's streamed Turtle parses (with rdflib, an independent parser) to the same
    graph as build_graph, and counts its triples right."""
    triples = write_turtle(corpus, tmp_path / "graph.ttl")
    parsed = Graph().parse(tmp_path / "graph.ttl", format="turtle")
    built = build_graph(corpus)
    assert triples == len(parsed) == len(built)
    iso_parsed, iso_built = to_isomorphic(parsed), to_isomorphic(built)
    if iso_parsed != iso_built:
        _, only_parsed, only_built = graph_diff(iso_parsed, iso_built)
        pytest.fail("graphs differ\nonly in the Turtle:\n" + only_parsed.serialize(format="nt")
                    + "only in build_graph:\n" + only_built.serialize(format="nt"))


def test_ntriples_shards_hold_the_graph(corpus: Corpus, tmp_path: Path) -> None:
    write_turtle(corpus, tmp_path / "graph.ttl")
    whole = {tuple(t) for t in ox.parse(path=str(tmp_path / "graph.ttl"),
                                        format=ox.RdfFormat.TURTLE)}
    shards = write_ntriples_shards(tmp_path / "graph.ttl", tmp_path / "nt", shard_triples=100)
    assert [p.name for p in shards] == [f"graph-{i:05d}.nt" for i in range(len(shards))]
    assert len(shards) == -(-len(whole) // 100)
    found: set[tuple[object, ...]] = set()
    for shard in shards:
        lines = shard.read_text(encoding="utf-8").splitlines()
        assert 0 < len(lines) <= 100
        found |= {tuple(t) for t in ox.parse(path=str(shard), format=ox.RdfFormat.N_TRIPLES)}
    assert found == whole
    # Written again with larger shards, the folder holds only the new ones.
    again = write_ntriples_shards(tmp_path / "graph.ttl", tmp_path / "nt", shard_triples=10**6)
    assert sorted((tmp_path / "nt").iterdir()) == again == [tmp_path / "nt" / "graph-00000.nt"]


def test_a_graph_too_large_for_a_page_is_not_drawn(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _write_texts(tmp_path / "texts", TEXTS)
    monkeypatch.setattr("kg.cli.HTML_MAX_NODES", 3)
    result = CliRunner().invoke(main, ["build", str(tmp_path / "texts"), "-o",
                                       str(tmp_path / "out"), "--no-store"])
    assert result.exit_code == 0, result.output
    assert "graph.html not drawn" in result.stderr
    assert "more than one page shows (3)" in result.stderr
    assert (tmp_path / "out" / "graph.ttl").is_file()
    assert not (tmp_path / "out" / "graph.html").exists()


def test_analysis_cache_is_kept_per_kg_version_and_lexicon(tmp_path: Path) -> None:
    """A text analysed before is taken from the cache; results made by another kg version or
    lexicon (another fingerprint) are never read, and are removed when the cache is opened."""
    source = read_bytes(TEXTS["bao-cao.txt"].encode("utf-8"), "bao-cao.txt")
    assert isinstance(source, SourceText)
    folder = tmp_path / "analysis"
    first = AnalysisCache.open(folder)
    [(result, cached)] = analyse_input(folder, source)
    assert not cached
    first.note(result)
    first.save_index()
    [(again, cached)] = analyse_input(folder, source)
    assert cached and again == result
    assert AnalysisCache.open(folder).paths == {"bao-cao.txt": source.sha256}

    other = AnalysisCache(folder, fingerprint="another-version")
    assert other.get("bao-cao.txt", source.sha256) is None
    other.write(result)
    reopened = AnalysisCache.open(folder)
    assert reopened.get("bao-cao.txt", source.sha256) == result
    assert not (folder / "another-version").exists()


@pytest.mark.parametrize(
    ("changed", "content"),
    [
        ("extract.py", "# a fix to the extractor\n"),
        ("lexicon/cues.toml", "# another cue\n"),
        ("formats/html.py", "# a fix to the HTML reader\n"),
    ],
)
def test_analysis_cache_fingerprint_follows_the_code(
    tmp_path: Path, changed: str, content: str
) -> None:
    """A change to any module or lexicon file of kg gives another fingerprint (so results
    made before it are not read), the same version number or not."""
    package = tmp_path / "kg"
    for name, text in {"extract.py": "", "lexicon/cues.toml": "", "formats/html.py": ""}.items():
        (package / name).parent.mkdir(parents=True, exist_ok=True)
        (package / name).write_text(text, encoding="utf-8")
    before = _digest_of("0.1.0", package)
    assert _digest_of("0.1.0", package) == before
    (package / changed).write_text(content, encoding="utf-8")
    assert _digest_of("0.1.0", package) != before
    (package / "notes.txt").write_text("not code", encoding="utf-8")
    after = _digest_of("0.1.0", package)
    (package / "notes.txt").write_text("still not code", encoding="utf-8")
    assert _digest_of("0.1.0", package) == after
    assert _digest_of("0.1.1", package) != after


def test_interrupted_build_keeps_the_previous_store(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The store is loaded in another process while the graph page is drawn: a build stopped
    on the way stops it too, and the previous store stays whole and in use."""
    _write_texts(tmp_path / "texts", TEXTS)
    out = tmp_path / "out"
    runner = CliRunner()
    assert runner.invoke(main, ["build", str(tmp_path / "texts"), "-o", str(out)]).exit_code == 0
    before = set(ox.Store.read_only(str(out / "store")))
    (tmp_path / "texts" / "them.txt").write_text(
        "Chỉ thị số 16/CT-TTg của Thủ tướng Chính phủ.\n", encoding="utf-8"
    )

    def interrupted(*_args: object, **_kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr("kg.html.write_graph_page", interrupted)
    result = runner.invoke(main, ["build", str(tmp_path / "texts"), "-o", str(out)])
    assert result.exit_code != 0
    assert set(ox.Store.read_only(str(out / "store"))) == before
    assert sorted(p.name for p in out.iterdir()) == [
        "analysis", "citations.jsonl", "graph.html", "graph.ttl", "relations.jsonl", "store"
    ]


def test_store_that_cannot_be_built_is_a_one_line_error(tmp_path: Path) -> None:
    _write_texts(tmp_path / "texts", TEXTS)
    out = tmp_path / "out"
    (out / "store").mkdir(parents=True)
    (out / "store" / "notes.txt").write_text("not a store", encoding="utf-8")
    result = CliRunner().invoke(main, ["build", str(tmp_path / "texts"), "-o", str(out),
                                       "--no-html"])
    assert result.exit_code == 1
    assert "store: exists and is not a kg store; not replacing it" in result.stderr
    assert (out / "store" / "notes.txt").read_text(encoding="utf-8") == "not a store"
    assert not (out / "graph.ttl").exists()  # nothing of this build was moved in


def test_spilled_corpus_equals_corpus_in_memory(tmp_path: Path) -> None:
    """With a spill file the texts are kept on disk and resolved as they are read back; the
    corpus is the same as one held in memory, and can be walked more than once."""
    sources = [read_bytes(text.encode("utf-8"), name) for name, text in sorted(TEXTS.items())]
    in_memory = build_corpus(sources)
    spilled = build_corpus(sources, spill=tmp_path / "texts.spill")
    assert isinstance(spilled.texts, SpilledTexts) and len(spilled.texts) == len(TEXTS)
    assert spilled.resolution.documents == in_memory.resolution.documents
    assert spilled.resolution.own_documents == in_memory.resolution.own_documents
    assert list(spilled.texts) == list(in_memory.texts) == list(spilled.texts)
    assert spilled.relations == in_memory.relations


def test_queries_know_every_prefix_the_graph_is_written_with() -> None:
    # `kg query` declares these for the user: a name the Turtle uses (yearly:, statistics:, ...)
    # must mean the same in a query.
    from kg.graph import PREFIXES as GRAPH_PREFIXES
    from kg.store import PREFIXES as QUERY_PREFIXES

    assert GRAPH_PREFIXES.items() <= QUERY_PREFIXES.items()



def test_one_file_given_twice_is_written_once() -> None:
    source = read_bytes(DATED_TEXTS["tin-2024.txt"].encode("utf-8"), "tin-2024.txt")
    assert isinstance(source, SourceText)
    from kg.graph import GraphText

    text = GraphText(build_corpus([source, source]))
    turtle = "".join(text.chunks())
    graph = graph_of_turtle(turtle.encode("utf-8"))
    assert turtle.count("kg:file") == 1
    assert text.triples == len(graph)  # the summary's count is the graph's


def test_another_text_with_the_same_source_iri_is_not_dropped() -> None:
    # Two texts whose IRIs meet (same file name, same first 8 digits of their hash): the
    # second is written in full, and the shapes report the clash (two kg:sha256).
    first = SourceText(path="a/index.txt", text=TEXTS["ket-luan.txt"], sha256="deadbeef" + "0" * 56)
    second = SourceText(path="b/index.txt", text=TEXTS["thanh-nien.txt"],
                        sha256="deadbeef" + "1" * 56)
    graph = build_graph(build_corpus([first, second]))
    mentioned = {str(d) for d in graph.objects(None, KG.mentions)}
    assert "https://w3id.org/kg-vn/id/doc/25-nq-tw-2008" in mentioned
    ok, _ = _conforms(graph)
    assert not ok


@pytest.mark.parametrize("engine", ["oxigraph", "rdflib"])
def test_year_queries_give_undated_sources_a_row_of_their_own(engine: str) -> None:
    graph = build_graph(_corpus(DATED_TEXTS))
    queries = ONTOLOGY / "queries"
    per_year = (queries / "citations-per-year.rq").read_text(encoding="utf-8")
    history = (queries / "citation-history.rq").read_text(encoding="utf-8")
    nq2008 = URIRef("https://w3id.org/kg-vn/id/doc/25-nq-tw-2008")  # cited only undated
    if engine == "rdflib":
        years = [r.year for r in graph.query(per_year)]  # type: ignore[union-attr]
        undated = [(r.year, int(r.mentions)) for r in graph.query(  # type: ignore[union-attr]
            history, initBindings={"target": nq2008})]
    else:
        store = ox.Store()
        store.load(graph.serialize(format="nt").encode("utf-8"), format=ox.RdfFormat.N_TRIPLES)
        years = [s["year"] for s in store.query(per_year)]  # type: ignore[union-attr]
        undated = [(s["year"], int(s["mentions"].value))  # type: ignore[union-attr]
                   for s in store.query(history, substitutions={
                       ox.Variable("target"): ox.NamedNode(str(nq2008))})]
    assert [None if y is None else int(str(y.value if engine == "oxigraph" else y))
            for y in years] == [2019, 2024, None]  # the undated sources last
    assert undated == [(None, 1)]
