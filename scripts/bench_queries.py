"""Query times on a built graph: kg trace and every bundled query, on the embedded Oxigraph
store that ``kg build`` writes and, for comparison, on rdflib's in-memory engine.

    .venv/bin/python scripts/bench_queries.py OUT [OUT ...] [--rdflib] [--repeat 5]

Each OUT is a ``kg build`` output folder (scripts/bench_build.py --keep leaves them as
``out-N``).  For each one, in this process and in this order:

* open the store read-only (what ``kg query`` and ``kg trace`` do);
* pick the traced documents from the graph: the three documents with the most direct
  implementers (setup, not timed);
* ``kg trace`` of each (``kg.trace.trace``), plain and with ``--cited-in``;
* every query of ontology/queries, the way a user runs it: bound to the most implemented
  document where the query takes a document (implementers, citation-history), to the first
  document with a conflict (conflicts, conflict-evidence), to its type where it takes a type
  (most-cited, documents, citations-per-year), to a source that cites it (source-citations),
  and also left free (the whole graph: the slowest case);
* with ``--rdflib``: the graph.ttl parsed into an rdflib Graph (load time and memory), and
  the same queries with the same bindings (``initBindings``); their rows must equal the store's.

Times are the best of ``--repeat`` runs (every row consumed; a run over 2 s is not repeated)
and the first run apart (cold).
The report is Markdown on standard output.
"""

from __future__ import annotations

import argparse
import gc
import resource
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kg.store import IRI, PREFIXES, GraphStore, named_queries, open_graph  # noqa: E402
from kg.trace import trace  # noqa: E402

TOP_IMPLEMENTED = """
SELECT ?doc (COUNT(DISTINCT ?x) AS ?n) WHERE { ?x kg:implements ?doc . ?doc a kg:Document }
GROUP BY ?doc ORDER BY DESC(?n) ?doc LIMIT 3
"""
TYPE_OF = "SELECT ?doc ?type WHERE { ?doc eli:type_document ?type }"
A_SOURCE = "SELECT ?doc ?source WHERE { ?m kg:mentions ?doc ; kg:inSource ?source } LIMIT 1"
A_CONFLICT = "SELECT ?doc WHERE { ?doc kg:hasConflict ?c } ORDER BY ?doc LIMIT 1"


def timed(run: Callable[[], int], repeat: int) -> tuple[float, float, int]:
    """(first run s, best of ``repeat`` s, rows); a run over 2 s is not repeated."""
    times: list[float] = []
    rows = 0
    for _ in range(repeat):
        t = time.perf_counter()
        rows = run()
        times.append(time.perf_counter() - t)
        if times[-1] > 2:
            break
    return times[0], min(times), rows


def rss_mb() -> float:
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def cases(store: GraphStore) -> list[tuple[str, str, dict[str, str]]]:
    """(name, SPARQL, bindings) of every bundled query as a user runs it."""
    top = [str(r["doc"]) for r in store.query(TOP_IMPLEMENTED).dicts()]
    target = top[0]
    dtype = str(store.query(TYPE_OF, {"doc": IRI(target)}).dicts()[0]["type"])
    source = str(store.query(A_SOURCE, {"doc": IRI(target)}).dicts()[0]["source"])
    conflicted = [str(r["doc"]) for r in store.query(A_CONFLICT).dicts()] or [target]
    queries = {name: path.read_text(encoding="utf-8") for name, path in named_queries().items()}
    bound = {
        "implementers": {"target": target},
        "citation-history": {"target": target},
        "citations-per-year": {"type": dtype},
        "conflicts": {"doc": conflicted[0]},
        "conflict-evidence": {"doc": conflicted[0]},
        "source-citations": {"source": source},
        "documents": {"type": dtype},
        "most-cited": {"type": dtype},
        "by-issuer": {},
    }
    out = []
    for name in sorted(queries):
        if bound.get(name):
            label = ", ".join(f"?{k}={v.rsplit('/', 1)[-1]}" for k, v in bound[name].items())
            out.append((f"{name} ({label})", queries[name], bound[name]))
        # Left free, these two list every implementer of every document, and what every
        # source cites.
        if name not in ("implementers", "source-citations", "citation-history"):
            out.append((f"{name} (free)", queries[name], {}))
    return out


def bench_store(out: Path, repeat: int, use_rdflib: bool) -> None:
    t = time.perf_counter()
    store = open_graph(out)
    opened = time.perf_counter() - t
    triples = len(store)
    print(f"\n### {out} ({triples:,} triples)\n")
    print(f"Store opened read-only in {opened * 1000:.0f} ms.\n")
    top = [(str(r["doc"]), int(r["n"])) for r in store.query(TOP_IMPLEMENTED).dicts()]
    print("| query | rows | Oxigraph first ms | Oxigraph best ms | rdflib first ms "
          "| rdflib best ms | rdflib / Oxigraph |")
    print("|---|---:|---:|---:|---:|---:|---:|", flush=True)

    def report(name: str, ox_time: tuple[float, float, int],
               rdf: tuple[float, float, int] | None) -> None:
        first, best, n = ox_time
        tail = "| | | |" if rdf is None else (
            f"| {rdf[0] * 1000:.0f} | {rdf[1] * 1000:.0f} | {rdf[1] / best:.0f}x |")
        print(f"| {name} | {n} | {first * 1000:.1f} | {best * 1000:.1f} {tail}", flush=True)

    for iri, implementers in top:
        short = iri.rsplit("/", 1)[-1]

        def run_trace(iri: str = iri, cited: bool = False) -> int:
            tree = trace(store, iri, cited_in=cited)
            count, stack = 0, [tree.root]
            while stack:
                node = stack.pop()
                count += 1
                stack.extend(node.children)
            return count

        report(f"kg trace {short} ({implementers} direct implementers)",
               timed(run_trace, repeat), None)
        if implementers <= 1000:  # with thousands it takes minutes (see BENCHMARKS.md)
            report(f"kg trace {short} --cited-in",
                   timed(lambda iri=iri: run_trace(iri, True), repeat), None)
    graph: Any = None
    if use_rdflib:
        import rdflib

        before = rss_mb()
        t = time.perf_counter()
        graph = rdflib.Graph().parse(out / "graph.ttl", format="turtle")
        load = time.perf_counter() - t
        # Out of the garbage collector's reach: its full passes over the graph's tens of
        # millions of objects would land in whichever query, of either engine, set them off
        # (at 100k texts they doubled some of Oxigraph's times in this process).
        gc.collect()
        gc.freeze()
        print(f"\nrdflib parsed graph.ttl in {load:.1f} s, {rss_mb() - before:,.0f} MB.\n",
              flush=True)
    for name, sparql, bindings in cases(store):
        ox_time = timed(lambda s=sparql, b=bindings: len(store.query(
            s, {k: IRI(v) for k, v in b.items()})), repeat)
        rdf_time = None
        if graph is not None:
            init = {k: rdflib.URIRef(v) for k, v in bindings.items()}

            def run_rdflib(s: str = sparql, init: dict[str, Any] = init) -> int:
                return len(list(graph.query(s, initNs=PREFIXES, initBindings=init)))

            try:
                rdf_time = timed(run_rdflib, min(repeat, 2))
            except Exception as exc:  # rdflib fails on some queries: say so, go on
                report(name, ox_time, None)
                print(f"  ! {name}: rdflib failed: {type(exc).__name__}: {exc}", flush=True)
                continue
            if rdf_time[2] != ox_time[2]:
                print(f"  ! {name}: rdflib {rdf_time[2]} rows, Oxigraph {ox_time[2]}")
        report(name, ox_time, rdf_time)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"\nPeak memory of this process: {peak:,.0f} MB.")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("outs", nargs="+", type=Path, help="kg build output folders")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--rdflib", action="store_true",
                        help="also load graph.ttl into rdflib and run the same queries")
    args = parser.parse_args()
    for out in args.outs:
        bench_store(out, args.repeat, args.rdflib)


if __name__ == "__main__":
    main()
