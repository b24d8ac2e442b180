#!/usr/bin/env python3
"""Benchmark the graph page (issue: HTML graph): layout and page build in Python, first render
and interaction in headless Chromium.

Graphs measured (``--sizes`` and ``--graph`` choose):

* real graphs built by ``kg build`` (``--graph out/graph.ttl``, repeatable), e.g. the seeds and
  the shared corpus;
* synthetic graphs of N nodes and M edges (``--sizes 5000x20000,10000x40000``), made by
  :func:`synthetic_graph` with the shape of a real one: 80 % documents, 18 % source texts,
  2 % issuing bodies; every document issued by one body, sources citing documents with
  Zipf-like popularity (each citation a ``kg:Mention`` with its sentence), relations between
  documents (``implements``, ``based on``, ``reviews``, ...) with their evidence, until the
  page draws M edges.

Timed in Python (``time.perf_counter``, best of ``--repeat``): reading the graph
(``kg.html.graph_view``), the layout (``kg.html.layout_positions``), the whole page
(``kg.html.graph_page``) and its size.

Timed in the browser (Playwright driving the system Chromium, headless, software rendering,
1400 x 900 viewport; page opened from a ``file://`` URL with all network blocked; median of
``--repeat`` fresh page loads):

* first render: navigation start to vis-network's first ``afterDrawing`` (``kgPage.firstDrawMs``,
  a ``performance.now()`` reading, so it includes parsing the page, its script and data);
* redraw: one ``network.redraw()`` at the fitted view (mean of 5);
* zoom: ``network.moveTo({scale: 1.0})`` on a node, then a redraw;
* search: ``kgPage.search("<symbol>")`` over every node;
* select: ``kgPage.selectNode(id)`` (details panel, implementation chain highlighted) and the
  redraw that follows;
* filter: unticking the most common document type (``applyFilters``: hide nodes and edges)
  and the redraw that follows, then ticking it again;
* click: a real mouse click on a node's pixel position, until the details panel shows it
  (Playwright round trip included).

Baselines (``--baselines``): networkx's ``spring_layout`` on the same graph (skipped above
``--spring-max`` nodes: 10,000 nodes take minutes), and the page with vis-network's default
physics on instead of the precomputed positions (time until ``stabilizationIterationsDone``,
capped by ``--physics-timeout``).

The report is Markdown on standard output, ready to paste into BENCHMARKS.md.

Usage::

    .venv/bin/python scripts/bench_html.py --graph /tmp/g/graph.ttl --graph /tmp/big/graph.ttl
    .venv/bin/python scripts/bench_html.py --sizes 5000x20000 --repeat 3 --baselines
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from rdflib import RDF, SKOS, XSD, Graph, Literal
from rdflib.namespace import DCTERMS

import kg.html as kh
from kg.graph import new_graph
from kg.vocab import BODY, DOC, DOCUMENT_TYPES, ELI, KG, MENTION, RELATION, SOURCE

CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--disable-default-apps", "--disable-extensions", "--metrics-recording-only",
]

_TYPES = ["Nghị quyết", "Chỉ thị", "Kết luận", "Kế hoạch", "Công văn", "Quyết định", "Nghị định",
          "Luật", "Thông tư", "Hướng dẫn", "Quy định", "Thông báo", "Chương trình", "Báo cáo"]
_TYPE_WEIGHTS = [14, 8, 6, 16, 10, 18, 6, 4, 5, 4, 3, 3, 2, 1]
_CODES = {"Nghị quyết": "NQ", "Chỉ thị": "CT", "Kết luận": "KL", "Kế hoạch": "KH", "Công văn": "CV",
          "Quyết định": "QĐ", "Nghị định": "NĐ", "Luật": "QH", "Thông tư": "TT", "Hướng dẫn": "HD",
          "Quy định": "QĐi", "Thông báo": "TB", "Chương trình": "CTr", "Báo cáo": "BC"}
_WORDS = [
    "công", "tác", "dân", "vận", "chính", "quyền", "tăng", "cường", "đổi", "mới", "sự", "lãnh",
    "đạo", "của", "Đảng", "đối", "với", "phát", "triển", "kinh", "tế", "xã", "hội", "bảo",
    "đảm", "quốc", "phòng", "an", "ninh", "trên", "địa", "bàn", "tỉnh", "thực", "hiện", "nhiệm",
    "vụ", "giải", "pháp", "chủ", "yếu", "năm", "cải", "cách", "hành", "chính", "chuyển", "đổi",
    "số", "nâng", "cao", "hiệu", "quả",
]
_RELATIONS = [(KG.implements, 40), (ELI.based_on, 35), (KG.reviews, 6), (ELI.amends, 6),
              (KG.guides, 5), (KG.followsUp, 3), (KG.replaces, 3), (ELI.repeals, 2)]


def synthetic_graph(n_nodes: int, n_edges: int, seed: int = 1) -> Graph:
    """A graph shaped like ``kg build``'s, whose page draws ``n_nodes`` nodes and about
    ``n_edges`` edges."""
    rng = random.Random(seed)
    g = new_graph()
    n_bodies = max(2, n_nodes // 50)
    n_sources = max(2, n_nodes * 18 // 100)
    n_docs = n_nodes - n_bodies - n_sources
    bodies = [BODY[f"body-{i}"] for i in range(n_bodies)]
    for i, b in enumerate(bodies):
        g.add((b, RDF.type, KG.IssuingBody))
        g.add((b, SKOS.prefLabel, Literal(f"Ban Chỉ đạo số {i} tỉnh {_word(rng)}", lang="vi")))
        if i and rng.random() < 0.3:
            g.add((b, KG.partOf, bodies[rng.randrange(i)]))
    for t in _TYPES:
        g.add((DOCUMENT_TYPES[t], SKOS.prefLabel, Literal(t, lang="vi")))
    docs = [DOC[f"doc-{i}"] for i in range(n_docs)]
    body_weights = [1.0 / (i + 1) for i in range(n_bodies)]
    for i, d in enumerate(docs):
        dtype = rng.choices(_TYPES, _TYPE_WEIGHTS)[0]
        year = rng.randrange(1995, 2026)
        symbol = f"{i + 1}-{_CODES[dtype]}/TU"
        g.add((d, RDF.type, KG.Document))
        g.add((d, ELI.type_document, DOCUMENT_TYPES[dtype]))
        g.add((d, ELI.id_local, Literal(symbol)))
        g.add((d, KG.year, Literal(str(year), datatype=XSD.gYear)))
        g.add((d, ELI.date_document, Literal(f"{year}-{rng.randrange(1, 13):02d}-"
                                              f"{rng.randrange(1, 29):02d}", datatype=XSD.date)))
        g.add((d, DCTERMS.title, Literal(_sentence(rng, 12), lang="vi")))
        g.add((d, SKOS.prefLabel, Literal(f"{dtype} {symbol} ({year})", lang="vi")))
        g.add((d, ELI.passed_by, rng.choices(bodies, body_weights)[0]))
    sources = [SOURCE[f"source-{i}"] for i in range(n_sources)]
    for i, s in enumerate(sources):
        g.add((s, RDF.type, KG.Source))
        g.add((s, DCTERMS.title, Literal(f"Báo cáo {_sentence(rng, 8)}", lang="vi")))
        g.add((s, KG.file, Literal(f"corpus/source-{i}.txt")))
        g.add((s, KG.publishedAt, Literal(f"20{rng.randrange(10, 26)}-0{rng.randrange(1, 10)}-1"
                                          f"{rng.randrange(0, 10)}", datatype=XSD.date)))
    bodies_parts = sum(1 for _ in g.subject_objects(KG.partOf))
    budget = n_edges - n_docs - bodies_parts
    popularity = [1.0 / (i + 1) ** 0.9 for i in range(n_docs)]
    n_relations = budget // 5
    n_cites = budget - n_relations
    pairs: set[tuple[int, int]] = set()
    mention = 0
    while len(pairs) < n_cites:
        s, d = rng.randrange(n_sources), rng.choices(range(n_docs), popularity)[0]
        if (s, d) in pairs:
            continue
        pairs.add((s, d))
        for _ in range(1 + (rng.random() < 0.2)):
            m = MENTION[f"m-{mention}"]
            mention += 1
            text = f"{rng.choice(_TYPES)} số {d + 1}"
            g.add((m, RDF.type, KG.Mention))
            g.add((m, KG.inSource, sources[s]))
            g.add((m, KG.mentions, docs[d]))
            g.add((m, KG.start, Literal(mention * 10)))
            g.add((m, KG.end, Literal(mention * 10 + len(text))))
            g.add((m, KG.text, Literal(text)))
            g.add((m, KG.sentence, Literal(f"Thực hiện {text} về {_sentence(rng, 30)}.")))
        g.add((sources[s], ELI.refers_to, docs[d]))
    rel_pairs: set[tuple[int, int]] = set()
    props = [p for p, _ in _RELATIONS]
    weights = [w for _, w in _RELATIONS]
    while len(rel_pairs) < n_relations:
        a, b = rng.randrange(n_docs), rng.choices(range(n_docs), popularity)[0]
        if a == b or (a, b) in rel_pairs:
            continue
        rel_pairs.add((a, b))
        prop = rng.choices(props, weights)[0]
        g.add((docs[a], prop, docs[b]))
        node = RELATION[f"r-{len(rel_pairs)}"]
        g.add((node, RDF.type, KG.RelationAssertion))
        g.add((node, KG.subjectDoc, docs[a]))
        g.add((node, KG.objectDoc, docs[b]))
        g.add((node, KG.relation, prop))
        g.add((node, KG.evidenceText, Literal(f"Căn cứ văn bản số {b + 1} {_sentence(rng, 20)}")))
    return g


def _word(rng: random.Random) -> str:
    return rng.choice(_WORDS)


def _sentence(rng: random.Random, n: int) -> str:
    return " ".join(rng.choice(_WORDS) for _ in range(n))


# --------------------------------------------------------------------------------------------


def best_of(repeat: int, fn: Callable[[], Any]) -> tuple[float, Any]:
    best = float("inf")
    result = None
    for _ in range(repeat):
        t0 = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - t0)
    return best, result


def python_timings(graph: Graph, repeat: int) -> dict[str, Any]:
    t_view, view = best_of(repeat, lambda: kh.graph_view(graph))
    index = {n["id"]: i for i, n in enumerate(view.nodes)}
    pairs = [(index[e["from"]], index[e["to"]]) for e in view.edges]
    t_layout, _ = best_of(repeat, lambda: kh.layout_positions(len(view.nodes), pairs))
    t_page, page = best_of(repeat, lambda: kh.graph_page(graph))
    return {"nodes": len(view.nodes), "edges": len(view.edges), "triples": len(graph),
            "view": t_view, "layout": t_layout, "page": t_page, "bytes": len(page.encode()),
            "html": page, "pairs": pairs}


JS_MEASURE = """async () => {
  const wait = () => new Promise(r => requestAnimationFrame(() => setTimeout(r, 0)));
  const out = {};
  out.firstDraw = kgPage.firstDrawMs;
  let t = 0;
  for (let i = 0; i < 5; i++) {
    const t0 = performance.now(); network.redraw(); t += performance.now() - t0;
  }
  out.redraw = t / 5;
  const ids = nodes.getIds();
  const target = QUERY_ID;
  let t0 = performance.now();
  network.moveTo({position: network.getPositions([target])[target], scale: 1.0});
  network.redraw();
  out.zoom = performance.now() - t0;
  network.fit();
  t0 = performance.now();
  const hits = kgPage.search(QUERY);
  out.search = performance.now() - t0;
  out.searchHit = hits[0] === target;
  t0 = performance.now();
  kgPage.selectNode(target, {focus: false});
  network.redraw();
  out.select = performance.now() - t0;
  out.chain = kgPage.chainOf(target).length;
  kgPage.clearSelection();
  const box = document.querySelector('input[data-filter="type"]');
  t0 = performance.now();
  box.click();
  network.redraw();
  out.filter = performance.now() - t0;
  out.visibleAfterFilter = kgPage.visibleNodeIds().length;
  t0 = performance.now();
  box.click();
  network.redraw();
  out.unfilter = performance.now() - t0;
  out.nodes = network.body.data.nodes.length;
  out.edges = network.body.data.edges.length;
  return out;
}"""


def browser_timings(path: Path, query_id: str, query: str, repeat: int, chromium: str,
                    physics: bool = False, physics_timeout: float = 120.0) -> dict[str, Any]:
    from playwright.sync_api import sync_playwright

    runs: list[dict[str, Any]] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, headless=True, args=CHROMIUM_ARGS)
        try:
            for _ in range(repeat):
                context = browser.new_context(viewport={"width": 1400, "height": 900},
                                              offline=True)
                context.route("**/*", lambda route: route.abort()
                              if not route.request.url.startswith(("file:", "data:"))
                              else route.continue_())
                page = context.new_page()
                errors: list[str] = []
                page.on("console", lambda m, errors=errors: errors.append(m.text)
                        if m.type == "error" else None)
                page.on("pageerror", lambda e, errors=errors: errors.append(str(e)))
                t0 = time.perf_counter()
                page.goto(path.as_uri(), wait_until="commit")
                if physics:
                    try:
                        page.wait_for_function("() => window.__stabilized === true",
                                               timeout=physics_timeout * 1000)
                        runs.append({"stabilized": time.perf_counter() - t0})
                    except Exception:
                        runs.append({"stabilized": None})
                    context.close()
                    continue
                page.wait_for_function("() => window.kgPage && kgPage.ready", timeout=120_000)
                wall = time.perf_counter() - t0
                js = JS_MEASURE.replace("QUERY_ID", repr(query_id)).replace("QUERY", repr(query))
                out = page.evaluate(js)
                out["wall"] = wall
                pos = page.evaluate(f"kgPage.domPosition({query_id!r})")
                page.evaluate("network.moveTo({position: network.getPositions(["
                              f"{query_id!r}])[{query_id!r}], scale: 1.0, animation: false}})")
                pos = page.evaluate(f"kgPage.domPosition({query_id!r})")
                t1 = time.perf_counter()
                page.mouse.click(pos["x"], pos["y"])
                page.wait_for_function(
                    f"() => document.getElementById('details-body').dataset.node === {query_id!r}",
                    timeout=30_000)
                out["click"] = (time.perf_counter() - t1) * 1000
                out["errors"] = len(errors)
                runs.append(out)
                context.close()
        finally:
            browser.close()
    return {"runs": runs}


def screenshots(path: Path, stem: Path, select: str, chromium: str) -> None:
    """The whole graph as drawn, then with ``select`` chosen (panel and chain shown)."""
    from playwright.sync_api import sync_playwright

    stem.parent.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, headless=True, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 900})
            page.goto(path.as_uri())
            page.wait_for_function("() => window.kgPage && kgPage.ready", timeout=120_000)
            page.wait_for_timeout(500)
            page.screenshot(path=f"{stem}.png")
            page.evaluate("(id) => kgPage.selectNode(id, {focus: true})", select)
            page.wait_for_timeout(1500)
            page.screenshot(path=f"{stem}-selected.png")
        finally:
            browser.close()
    print(f"screenshots: {stem}.png, {stem}-selected.png", file=sys.stderr)


def physics_page(html: str) -> str:
    """The same page as pyvis makes it by default: no positions, vis-network's default physics
    (the baseline); ``window.__stabilized`` is set when the physics has settled."""
    html, n = re.subn(r'"physics":\s*\{"enabled":\s*false\}', '"physics": {"enabled": true}', html)
    if n != 1:
        raise ValueError("physics option not found in the page")
    html = re.sub(r',"x":-?[0-9.e+-]+,"y":-?[0-9.e+-]+', "", html)
    return html.replace("network = new vis.Network(container, data, options);",
                        "network = new vis.Network(container, data, options);"
                        "network.once('stabilizationIterationsDone', function () {"
                        "window.__stabilized = true; });")


def spring_baseline(n: int, pairs: list[tuple[int, int]], limit: int) -> float | None:
    if n > limit:
        return None
    import networkx as nx

    g = nx.Graph()
    g.add_nodes_from(range(n))
    g.add_edges_from(pairs)
    t0 = time.perf_counter()
    try:
        nx.spring_layout(g, seed=0)
    except ImportError:  # scipy is needed from 500 nodes on
        return float("nan")
    return time.perf_counter() - t0


def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def environment(chromium: str) -> list[tuple[str, str]]:
    try:
        version = subprocess.run([chromium, "--version"], capture_output=True, text=True,
                                 timeout=30).stdout.strip()
    except OSError:
        version = "?"
    try:
        git = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True,
                             text=True, cwd=Path(__file__).resolve().parent.parent).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "kg"], capture_output=True,
                               text=True, cwd=Path(__file__).resolve().parent.parent).stdout
    except OSError:
        git, dirty = "?", ""
    from importlib.metadata import version as dist_version

    import numpy
    import pyvis

    cpu = platform.processor() or "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return [
        ("date", dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")),
        ("cpu", f"{cpu}, {os.cpu_count()} logical"),
        ("load average (start)", " ".join(f"{x:.2f}" for x in os.getloadavg())),
        ("python", f"{platform.python_implementation()} {platform.python_version()}"),
        ("numpy / pyvis / playwright", f"{numpy.__version__} / {pyvis.__version__} / "
         f"{dist_version('playwright')}"),
        ("browser", f"{version}, headless, --disable-gpu (software rendering), 1400x900"),
        ("kg", f"git {git}" + (" (kg/ modified)" if dirty else "")),
    ]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--graph", action="append", default=[], metavar="[NAME=]PATH",
                    help="a graph.ttl built by kg build (repeatable)")
    ap.add_argument("--sizes", default="5000x20000",
                    help="synthetic graphs NODESxEDGES, comma-separated ('' for none)")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--baselines", action="store_true",
                    help="also networkx spring_layout and vis-network's default physics")
    ap.add_argument("--spring-max", type=int, default=3000)
    ap.add_argument("--physics-timeout", type=float, default=60.0)
    ap.add_argument("--chromium", default=shutil.which("chromium") or "/usr/bin/chromium")
    ap.add_argument("--keep", type=Path, help="folder to keep the pages in")
    ap.add_argument("--screenshots", type=Path, metavar="DIR",
                    help="save DIR/graph-NAME.png (the whole graph) and graph-NAME-selected.png "
                         "(the most cited document selected) for every graph")
    args = ap.parse_args(argv)

    out_dir = args.keep or Path(tempfile.mkdtemp(prefix="kg-bench-html-"))
    out_dir.mkdir(parents=True, exist_ok=True)
    cases: list[tuple[str, Graph]] = []
    for spec in args.graph:
        name, _, path = spec.rpartition("=")
        print(f"reading {path}", file=sys.stderr)
        cases.append((name or path, Graph().parse(path)))
    for size in filter(None, args.sizes.split(",")):
        n, m = (int(x) for x in size.lower().split("x"))
        print(f"generating synthetic {n}x{m}", file=sys.stderr)
        t0 = time.perf_counter()
        cases.append((f"synthetic {n:,} x {m:,}", synthetic_graph(n, m)))
        print(f"  {time.perf_counter() - t0:.1f} s", file=sys.stderr)

    rows = []
    for name, graph in cases:
        print(f"python: {name}", file=sys.stderr)
        py = python_timings(graph, args.repeat)
        view = kh.graph_view(graph)
        docs = sorted((v["cited_by"], k) for k, v in view.info.items() if v["kind"] == "document")
        query_id = docs[-1][1]
        query = view.info[query_id]["symbol"] or view.info[query_id]["label"]
        page_path = out_dir / f"page-{len(rows)}.html"
        page_path.write_text(py["html"], encoding="utf-8")
        print(f"browser: {name}", file=sys.stderr)
        br = browser_timings(page_path, query_id, query, args.repeat, args.chromium)
        row: dict[str, Any] = {"name": name, "py": py, "br": br, "query": query}
        if args.baselines:
            print(f"baselines: {name}", file=sys.stderr)
            row["spring"] = spring_baseline(py["nodes"], py["pairs"], args.spring_max)
            phys = out_dir / f"page-{len(rows)}-physics.html"
            phys.write_text(physics_page(py["html"]), encoding="utf-8")
            row["physics"] = browser_timings(phys, query_id, query, 1, args.chromium,
                                             physics=True,
                                             physics_timeout=args.physics_timeout)["runs"][0]
        rows.append(row)
        if args.screenshots:
            slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
            screenshots(page_path, args.screenshots / f"graph-{slug}", query_id, args.chromium)

    print("| | |\n|---|---|")
    for k, v in environment(args.chromium):
        print(f"| {k} | {v} |")
    print()
    print(f"Python, best of {args.repeat}:\n")
    print("| graph | nodes | edges | triples | read graph s | layout s | whole page s | page MB |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for r in rows:
        py = r["py"]
        print(f"| {r['name']} | {py['nodes']:,} | {py['edges']:,} | {py['triples']:,} | "
              f"{py['view']:.2f} | {py['layout']:.2f} | {py['page']:.2f} | "
              f"{py['bytes'] / 1e6:.1f} |")
    print()
    print(f"Browser, median of {args.repeat} fresh loads (ms unless marked):\n")
    print("| graph | first render | load wall s | redraw | zoom to 1:1 | search | select + chain "
          "| filter type | unfilter | click → panel | nodes / edges in page | console errors |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for r in rows:
        runs = r["br"]["runs"]

        def med(key: str, runs: list[dict[str, Any]] = runs) -> float:
            return median([float(x[key]) for x in runs])

        last = runs[-1]
        print(f"| {r['name']} | {med('firstDraw'):.0f} | {med('wall'):.2f} | {med('redraw'):.0f} | "
              f"{med('zoom'):.0f} | {med('search'):.1f} | {med('select'):.0f} | "
              f"{med('filter'):.0f} | {med('unfilter'):.0f} | {med('click'):.0f} | "
              f"{last['nodes']:,} / {last['edges']:,} | {sum(x['errors'] for x in runs)} |")
    if args.baselines:
        print("\nBaselines:\n")
        print("| graph | kg layout s | networkx spring_layout s | vis default physics: "
              "stabilized after s |")
        print("|---|---:|---:|---:|")
        for r in rows:
            spring = r.get("spring")
            spring_text = ("not run (too slow)" if spring is None else
                           "needs scipy (not installed)" if spring != spring else f"{spring:.2f}")
            stab = r["physics"].get("stabilized")
            stab_text = (f"> {args.physics_timeout:.0f} (gave up)" if stab is None
                         else f"{stab:.1f}")
            print(f"| {r['name']} | {r['py']['layout']:.2f} | {spring_text} | {stab_text} |")
    print(f"\nPages kept in {out_dir}" if args.keep else "", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
