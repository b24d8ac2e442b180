"""The graph page and the annotated text, without a browser (tests/test_browser.py drives
Chromium): what is drawn, that nothing is fetched, that untrusted text stays text, the
layout, and that annotated HTML keeps its markup balanced."""

from __future__ import annotations

import html
import json
import re
from html.parser import HTMLParser
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st
from rdflib import RDF, SKOS, Graph, Literal
from rdflib import namespace as rdfns
from rdflib.namespace import DCTERMS

from kg.annotate import annotate_file, annotate_html, annotate_text, html_text, write_annotation
from kg.graph import build_graph, new_graph
from kg.html import (
    RELATION_STYLES,
    check_self_contained,
    graph_page,
    graph_view,
    layout_positions,
    node_anchor,
    vn_date,
    write_graph_page,
)
from kg.models import Citation, SourceText
from kg.pipeline import build_corpus, extract_citations
from kg.read import read_bytes
from kg.vocab import BODY, DOC, DOCUMENT_TYPES, ELI, KG, MENTION, SOURCE

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "bao-cao-dan-van.txt"

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
}

EVIL = '</script><script>window.__xss=1</script>"><img src=x onerror="window.__xss=2">'
"""Text that would run if it reached the page as markup."""


def corpus_graph(texts: dict[str, str]) -> Graph:
    sources = []
    for name, text in texts.items():
        source = read_bytes(text.encode("utf-8"), name)
        assert isinstance(source, SourceText)
        sources.append(source)
    return build_graph(build_corpus(sources))


def evil_graph() -> Graph:
    """A document, a body and a source whose every text field is an injection attempt."""
    g = new_graph()
    doc, body, src, m = DOC["evil"], BODY["evil"], SOURCE["evil"], MENTION["evil-0-10"]
    g.add((doc, RDF.type, KG.Document))
    g.add((doc, ELI.type_document, DOCUMENT_TYPES["Nghị quyết"]))
    g.add((DOCUMENT_TYPES["Nghị quyết"], SKOS.prefLabel, Literal("Nghị quyết", lang="vi")))
    g.add((doc, ELI.id_local, Literal(f"99-NQ/TW{EVIL}")))
    g.add((doc, DCTERMS.title, Literal(EVIL, lang="vi")))
    g.add((doc, SKOS.prefLabel, Literal(f"Nghị quyết {EVIL}", lang="vi")))
    g.add((doc, KG.year, Literal("2020", datatype=rdfns.XSD.gYear)))
    g.add((doc, ELI.passed_by, body))
    g.add((body, RDF.type, KG.IssuingBody))
    g.add((body, SKOS.prefLabel, Literal(f"Ban {EVIL}", lang="vi")))
    g.add((src, RDF.type, KG.Source))
    g.add((src, DCTERMS.title, Literal(f"Báo cáo {EVIL}", lang="vi")))
    g.add((src, KG.url, Literal("javascript:window.__xss=3", datatype=rdfns.XSD.anyURI)))
    g.add((src, ELI.refers_to, doc))
    g.add((m, RDF.type, KG.Mention))
    g.add((m, KG.inSource, src))
    g.add((m, KG.mentions, doc))
    g.add((m, KG.start, Literal(0)))
    g.add((m, KG.end, Literal(10)))
    g.add((m, KG.text, Literal(f"Nghị quyết {EVIL}")))
    g.add((m, KG.sentence, Literal(f"Thực hiện Nghị quyết {EVIL} của Ban.")))
    return g


@pytest.fixture(scope="module")
def graph() -> Graph:
    return corpus_graph(TEXTS)


@pytest.fixture(scope="module")
def example_graph() -> Graph:
    return corpus_graph({EXAMPLE.name: EXAMPLE.read_text(encoding="utf-8"), **TEXTS})


EDGE_QUERY = """
SELECT (COUNT(*) AS ?n) WHERE {
  {
    SELECT DISTINCT ?s ?p ?o WHERE {
      VALUES ?p { kg:implements kg:followsUp kg:reviews kg:guides eli:based_on eli:amends
                  kg:replaces eli:repeals kg:isTextOf eli:passed_by kg:partOf }
      ?s ?p ?o .
      FILTER NOT EXISTS { FILTER (?p = kg:implements) ?s kg:followsUp ?o }
      FILTER (?s != ?o)
    }
  } UNION {
    SELECT DISTINCT ?s ?o WHERE {
      ?s eli:refers_to ?o .
      FILTER NOT EXISTS {
        VALUES ?q { kg:implements kg:followsUp kg:reviews kg:guides eli:based_on eli:amends
                    kg:replaces eli:repeals kg:isTextOf }
        ?s ?q ?o .
      }
      FILTER (?s != ?o)
    }
  }
}
"""


def expected_counts(g: Graph) -> tuple[int, int]:
    """What the page must draw, computed with SPARQL, independently of kg.html."""
    nodes = {s for cls in (KG.Document, KG.IssuingBody, KG.Source)
             for s in g.subjects(RDF.type, cls)}
    rows = list(g.query(EDGE_QUERY, initNs={"kg": KG._NS, "eli": ELI._NS}))
    return len(nodes), int(rows[0][0])  # type: ignore[index]


def page_data(page: str) -> dict[str, object]:
    m = re.search(r'<script id="kg-data" type="application/json">(.*?)</script>', page, re.S)
    assert m is not None
    data: dict[str, object] = json.loads(m.group(1))
    return data


def vis_items(page: str, name: str) -> list[dict[str, object]]:
    m = re.search(rf"{name} = new vis\.DataSet\((\[.*?\])\);\n", page, re.S)
    assert m is not None
    items: list[dict[str, object]] = json.loads(m.group(1))
    return items


# --------------------------------------------------------------------------------------------
# What is drawn


def test_nodes_and_edges_match_the_graph(example_graph: Graph) -> None:
    view = graph_view(example_graph)
    assert (len(view.nodes), len(view.edges)) == expected_counts(example_graph)
    page = graph_page(example_graph)
    assert len(vis_items(page, "nodes")) == len(view.nodes)
    assert len(vis_items(page, "edges")) == len(view.edges)
    kinds = {v["kind"] for v in view.info.values()}
    assert kinds == {"document", "body", "source"}


def test_document_node_label_tooltip_and_details(graph: Graph) -> None:
    view = graph_view(graph)
    node = next(n for n in view.nodes if n["id"] == str(DOC["25-nq-tw-2013"]))
    assert node["label"] == "25-NQ/TW (2013)"
    assert node["shape"] == "dot"
    tip = node["title"]
    for expected in ("Type: Nghị quyết", "Symbol: 25-NQ/TW", "Year: 2013",
                     "Issuer: Ban Chấp hành Trung ương", "Term: XI", "Title: tăng cường",
                     "Cited by 2 texts", "Conflicting date: 03/06/2013 / 13/06/2013"):
        assert expected in tip
    info = view.info[node["id"]]
    assert info["cited_by"] == 2 and info["mentions"] == 3
    sentences = [view.sentences[i] for _src, i, _text in info["evidence"]]
    assert any("Nghị quyết số 25-NQ/TW ngày 13/6/2013" in s for s in sentences)
    # Sized by citations: the most cited document is the biggest document.
    docs = [n for n in view.nodes if view.info[n["id"]]["kind"] == "document"]
    assert max(docs, key=lambda n: n["size"])["id"] == node["id"]


def test_kinds_have_their_own_shapes_and_types_their_colours(example_graph: Graph) -> None:
    view = graph_view(example_graph)
    shapes = {view.info[n["id"]]["kind"]: n["shape"] for n in view.nodes}
    assert shapes == {"document": "dot", "body": "diamond", "source": "square"}
    colour = {view.info[n["id"]]["type"]: n["color"]["background"]
              for n in view.nodes if view.info[n["id"]]["kind"] == "document"}
    assert len(set(colour.values())) == len(colour)  # every type of this graph its own colour


def test_edges_point_from_citing_to_cited_with_relation_styles(graph: Graph) -> None:
    view = graph_view(graph)
    info = view.info
    for e in view.edges:
        if e["rel"] == "issued_by":
            assert (info[e["from"]]["kind"], info[e["to"]]["kind"]) == ("document", "body")
        elif e["rel"] == "cites":
            assert (info[e["from"]]["kind"], info[e["to"]]["kind"]) == ("source", "document")
    kl = [e for e in view.edges if e["from"] == str(DOC["43-kl-tw-2019"])
          and e["to"] == str(DOC["25-nq-tw-2013"])]
    assert [e["rel"] for e in kl] == ["follows_up"]  # implied kg:implements not drawn twice
    assert kl[0]["label"] == "follows up" and kl[0]["dashes"]
    assert view.edge_info[kl[0]["id"]]["evidence"][0]["cue"]
    styles = [(s.color, tuple(s.dashes)) for s in RELATION_STYLES]
    assert len(set(styles)) == len(styles)


def test_large_graph_edges_are_drawn_bare_until_zoomed() -> None:
    page = graph_page(synthetic_graph(300, 2500))
    edges = vis_items(page, "edges")
    assert len(edges) > 2000
    assert all("label" not in e and "dashes" not in e and e["rel"] for e in edges)
    assert page_data(page)["lod"] is True


# --------------------------------------------------------------------------------------------
# Offline and safe


def test_page_is_self_contained(graph: Graph) -> None:
    page = graph_page(graph)
    check_self_contained(page)
    assert not re.search(r"<script[^>]+src=|<link\b|bootstrap|cdn\.|cdnjs|jsdelivr", page, re.I)
    assert "vis-network" in page and "var network;" in page  # pyvis's global is kept
    assert "Content-Security-Policy" in page and "default-src 'none'" in page


def test_check_self_contained_catches_external_resources() -> None:
    for bad in ('<script src="https://x/y.js"></script>', '<link rel="stylesheet" href="a.css">',
                '<img src="http://x/a.png">', "<style>@import 'x.css';</style>",
                "<style>a { background: url(http://x/a.png) }</style>"):
        with pytest.raises(ValueError):
            check_self_contained(f"<html>{bad}</html>")
    check_self_contained("<style>a { background: url(data:image/png;base64,AAAA) }</style>")


def test_untrusted_text_cannot_become_markup() -> None:
    page = graph_page(evil_graph(), title=f"Graph {EVIL}")
    import pyvis

    vis_js = (Path(pyvis.__file__).parent / "templates/lib/vis-9.1.2/vis-network.min.js")
    page_without_vis = page.replace(vis_js.read_text(encoding="utf-8"), "")
    # Only the page's own four script elements; the payload's tags are all escaped.
    assert len(re.findall(r"<script\b", page_without_vis)) == 4
    assert "<img" not in page and "onerror=\"window" not in page
    assert "&lt;/script&gt;" in page  # the <title>, escaped as HTML
    data = page_data(page)
    infos = data["nodes"]
    assert isinstance(infos, dict)
    assert infos[str(DOC["evil"])]["title"] == EVIL  # intact once parsed
    assert infos[str(SOURCE["evil"])]["url"] == ""  # only http(s) addresses become links


def test_write_graph_page_is_atomic(graph: Graph, tmp_path: Path) -> None:
    target = tmp_path / "out" / "graph.html"
    info = write_graph_page(graph, target)
    assert info.path == target and (info.nodes, info.edges) == expected_counts(graph)
    first = target.read_text(encoding="utf-8")
    assert info.bytes == len(first.encode("utf-8"))
    write_graph_page(graph, target)
    assert target.read_text(encoding="utf-8") == first  # deterministic
    assert [p.name for p in target.parent.iterdir()] == ["graph.html"]  # no temporary left


def test_anchor_and_dates() -> None:
    assert node_anchor(str(DOC["25-nq-tw-2013"])) == "doc/25-nq-tw-2013"
    assert node_anchor("urn:x:y") == "urn%3Ax%3Ay"
    assert vn_date("2013-06-03") == "03/06/2013"
    assert vn_date("2019-05-27T10:36:00") == "27/05/2019 10:36"
    assert vn_date("") == "" and vn_date("2013") == "2013"


# --------------------------------------------------------------------------------------------
# Layout


def synthetic_graph(n_docs: int, n_edges: int, seed: int = 3) -> Graph:
    """Documents citing each other at random, each issued by one of a few bodies."""
    rng = np.random.default_rng(seed)
    g = new_graph()
    bodies = [BODY[f"b{i}"] for i in range(5)]
    for b in bodies:
        g.add((b, RDF.type, KG.IssuingBody))
    docs = [DOC[f"d{i}"] for i in range(n_docs)]
    for i, d in enumerate(docs):
        g.add((d, RDF.type, KG.Document))
        g.add((d, ELI.id_local, Literal(f"{i}-NQ/TW")))
        g.add((d, ELI.passed_by, bodies[i % 5]))
    while len(graph_view(g).edges) < n_edges:
        for a, b in rng.integers(0, n_docs, (n_edges // 4, 2)).tolist():
            if a != b:
                g.add((docs[a], ELI.based_on, docs[b]))
    return g


def random_edges(n: int, m: int, seed: int = 0) -> list[tuple[int, int]]:
    rng = np.random.default_rng(seed)
    weights = 1.0 / np.arange(1, n + 1) ** 0.8
    dst = rng.choice(n, m, p=weights / weights.sum())
    return list(zip(rng.integers(0, n, m).tolist(), dst.tolist(), strict=True))


def test_layout_is_deterministic_finite_and_spread() -> None:
    edges = random_edges(400, 1200)
    a = layout_positions(400, edges)
    assert a.shape == (400, 2) and np.isfinite(a).all()
    assert np.array_equal(a, layout_positions(400, edges))
    nearest = np.sort(np.hypot(*(a[:, None, :] - a[None, :, :]).transpose(2, 0, 1)), axis=1)[:, 1]
    assert np.median(nearest) > 30  # nodes are not piled up


def test_layout_separates_components() -> None:
    # Two triangles and an isolated node: their boxes do not overlap.
    edges = [(0, 1), (1, 2), (2, 0), (3, 4), (4, 5), (5, 3)]
    pos = layout_positions(7, edges)
    boxes = [(pos[list(c)].min(axis=0), pos[list(c)].max(axis=0)) for c in ({0, 1, 2}, {3, 4, 5})]
    (alo, ahi), (blo, bhi) = boxes
    assert (ahi < blo).any() or (bhi < alo).any()
    assert not np.allclose(pos[6], pos[0])


def test_layout_edge_cases() -> None:
    assert layout_positions(0, []).shape == (0, 2)
    assert layout_positions(1, []).shape == (1, 2)
    assert np.isfinite(layout_positions(3, [(0, 0), (1, 2), (1, 2)])).all()


def test_layout_of_a_large_graph_is_finite_and_spread() -> None:
    # Its speed is measured in scripts/bench_html.py (BENCHMARKS.md), not timed here.
    edges = random_edges(5000, 20000)
    pos = layout_positions(5000, edges)
    assert pos.shape == (5000, 2)
    assert np.isfinite(pos).all()
    assert len({(round(x, 3), round(y, 3)) for x, y in pos}) == 5000


# --------------------------------------------------------------------------------------------
# Annotation


def citations_of(text: str) -> list[Citation]:
    return [c.replace(doc_id=f"https://w3id.org/kg-vn/id/doc/{c.doc_id}".replace("@", "-"))
            for c in extract_citations(text)]


def test_annotate_text_links_every_citation() -> None:
    text = "Thực hiện Nghị quyết số 25-NQ/TW ngày 03/6/2013 và Chỉ thị số 16/CT-TTg."
    cites = citations_of(text)
    page = annotate_text(text, cites, title="Báo cáo", link=lambda c: f"g.html#{c.symbol}")
    anchors = re.findall(r'<a class="kg-cite" href="([^"]+)" title="([^"]*)"[^>]*>([^<]*)</a>',
                         page)
    assert [(href, body) for href, _t, body in anchors] == [
        ("g.html#25-NQ/TW", "Nghị quyết số 25-NQ/TW"),
        ("g.html#16/CT-TTg", "Chỉ thị số 16/CT-TTg"),
    ]
    tip = html.unescape(anchors[0][1])
    assert "Type: Nghị quyết" in tip and "Date: 03/06/2013" in tip
    assert "Documents cited" in page and "2 citations of 2 documents" in page


def test_annotate_text_escapes_the_text() -> None:
    text = f"{EVIL} Nghị quyết số 25-NQ/TW {EVIL}"
    page = annotate_text(text, citations_of(text), title=EVIL)
    assert "<script" not in page.lower() and "<img" not in page
    assert html.escape(EVIL, quote=False) in page
    assert "script-src" not in page and "default-src 'none'" in page  # no script may run


def test_annotate_example_file_links_to_graph_page(tmp_path: Path) -> None:
    info = write_annotation(EXAMPLE, tmp_path / "a.html", graph_page="graph.html")
    page = info.path.read_text(encoding="utf-8")
    assert info.citations == page.count('id="kg-cite-') and 0 < info.documents <= info.citations
    assert 'href="graph.html#doc/25-nq-tw-2013"' in page
    assert page.count('class="kg-cite"') >= 10


class _Events(HTMLParser):
    """The sequence of tags of a page, to compare markup."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.events: list[tuple[str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.events.append(("start", tag))

    def handle_endtag(self, tag: str) -> None:
        self.events.append(("end", tag))


def events(page: str) -> list[tuple[str, str]]:
    parser = _Events()
    parser.feed(page)
    parser.close()
    return parser.events


_PAIR = re.compile(r'<(a|span) class="kg-cite[^"]*"[^>]*>([^<]*)</\1>')
_HEAD = re.compile(r'<meta charset="utf-8"><meta http-equiv="Content-Security-Policy"[^>]*>'
                   r"<style>[^<]*</style>")


def strip_inserted(annotated: str) -> str:
    """The annotated page without what annotate_html inserts: the head block, and each link
    with its text put back.  A link only matches with no tag inside it."""
    return _PAIR.sub(lambda m: m.group(2), _HEAD.sub("", annotated, count=1))


PAGE = """<!DOCTYPE html>
<html><head><title>Nghị quyết số 25-NQ/TW</title>
<script>var s = "Chỉ thị số 16/CT-TTg</p>";</script></head>
<body><h1>Báo cáo</h1>
<p>Thực hiện <b>Nghị quyết số</b> 25-NQ/TW ngày 03/6/2013 &amp; Chỉ thị số 16/CT-TTg.</p>
<p>Xem <a href="http://x">Kết luận số 43-KL/TW</a> và Nghị quyết 57&#45;NQ/TW ngày 22/12/2024.</p>
<ul><li>Ban Bí thư ban hành Chỉ thị số 18-CT/TW<br>ngày 10/01/2018</li></ul>
</body></html>
"""


def test_annotate_html_inserts_links_and_keeps_markup() -> None:
    page = html_text(PAGE)
    assert "Nghị quyết số 25-NQ/TW" in page.text and "16/CT-TTg</p>" not in page.text
    out = annotate_html(page, citations_of(page.text), link=lambda c: f"g.html#{c.symbol}")
    # Across <b>: two links, each inside one element; inside a link: a span, no nested <a>.
    assert '<b><a class="kg-cite" href="g.html#25-NQ/TW"' in out
    assert re.search(r'<a href="http://x"><span class="kg-cite" data-kg-href="[^"]+"', out)
    assert '57&#45;NQ/TW</a>' in out  # the character reference is kept, inside the link
    assert 'var s = "Chỉ thị số 16/CT-TTg</p>";' in out  # scripts untouched
    assert "script-src 'none'" in out
    assert strip_inserted(out) == PAGE  # the original, byte for byte, plus whole pairs
    assert out.count("<a class=\"kg-cite") + out.count("<span class=\"kg-cite") == 6


TEXT_PIECES = st.sampled_from([
    "Nghị quyết số 25-NQ/TW", " ngày 03/6/2013", " và ", "Chỉ thị số 16/CT-TTg", "&amp;",
    "&#45;", "Luật Đất đai năm 2013", "Kế hoạch số 21-KH/TU", " Ban Bí thư ", "\n", "Ạ",
    "e\u0301",  # not NFC: the text finder maps it back
])
TAGS = st.sampled_from(["b", "i", "em", "p", "div", "a", "span", "li"])


@st.composite
def fragments(draw: st.DrawFn, depth: int = 0) -> str:
    parts = []
    for _ in range(draw(st.integers(1, 4))):
        if depth < 3 and draw(st.booleans()):
            tag = draw(TAGS)
            attrs = ' href="#x"' if tag == "a" else ""
            parts.append(f"<{tag}{attrs}>{draw(fragments(depth + 1))}</{tag}>")
        else:
            parts.append(draw(TEXT_PIECES))
        if draw(st.integers(0, 5)) == 0:
            parts.append("<br>")
    return "".join(parts)


@settings(max_examples=150, deadline=None)
@given(fragments())
def test_annotated_html_is_the_original_plus_balanced_links(body: str) -> None:
    source = f"<html><head><title>t</title></head><body>{body}</body></html>"
    page = html_text(source)
    out = annotate_html(page, extract_citations(page.text), link=lambda c: "#d")
    # Removing exactly what was inserted gives the original back.
    assert strip_inserted(out) == source
    # Every inserted element is closed inside the text run it opened in.
    stack: list[str] = []
    for kind, tag in events(out):
        if kind == "start" and tag not in ("br", "meta"):
            stack.append(tag)
        elif kind == "end":
            assert stack and stack[-1] == tag, (kind, tag, stack, out)
            stack.pop()
    assert not stack


def test_annotate_file_html(tmp_path: Path) -> None:
    path = tmp_path / "page.html"
    path.write_text(PAGE, encoding="utf-8")
    out = annotate_file(path)
    assert 'href="https://w3id.org/kg-vn/id/doc/25-nq-tw-2013"' in out


def test_annotate_file_uses_the_graph_ids(tmp_path: Path) -> None:
    path = tmp_path / "bao-cao.txt"
    path.write_text(TEXTS["bao-cao.txt"], encoding="utf-8")
    source = read_bytes(path.read_bytes(), str(path))
    assert isinstance(source, SourceText)
    graph = build_graph(build_corpus([source]))
    doc = next(iter(graph.objects(None, KG.mentions)))
    page = annotate_file(path, graph=graph, graph_page="g.html")
    assert f'data-kg-doc="{doc}"' in page


# --------------------------------------------------------------------------------------------
# Command line (the commands are registered in kg/cli.py)


def _command(name: str) -> object:
    from kg.cli import main

    command = main.commands.get(name)  # type: ignore[attr-defined]
    if command is None:
        pytest.skip(f"`kg {name}` is not registered in kg/cli.py yet")
    return main


def test_cli_html(graph: Graph, tmp_path: Path) -> None:
    main = _command("html")
    ttl = tmp_path / "graph.ttl"
    graph.serialize(ttl, format="turtle")
    result = CliRunner().invoke(main, ["html", str(ttl), "-o", str(tmp_path / "g.html")])
    assert result.exit_code == 0, result.output
    page = (tmp_path / "g.html").read_text(encoding="utf-8")
    check_self_contained(page)
    assert len(vis_items(page, "nodes")) == expected_counts(graph)[0]


def test_cli_annotate(tmp_path: Path) -> None:
    main = _command("annotate")
    out = tmp_path / "a.html"
    result = CliRunner().invoke(main, ["annotate", str(EXAMPLE), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert 'class="kg-cite"' in out.read_text(encoding="utf-8")


def test_cli_build_writes_graph_page(tmp_path: Path) -> None:
    from kg.cli import main

    result = CliRunner().invoke(main, ["build", str(EXAMPLE), "-o", str(tmp_path), "--no-store"])
    assert result.exit_code == 0, result.output
    if not (tmp_path / "graph.html").exists():
        pytest.skip("kg build does not write graph.html yet (kg/cli.py)")
    check_self_contained((tmp_path / "graph.html").read_text(encoding="utf-8"))
