#!/usr/bin/env python3
"""Benchmark the query store: rdflib's in-memory engine against pyoxigraph, same graph.

The graph (at least ``--min-triples``, default 1,000,000):

1. build the real graph of the shared seeds and corpus (``kg.pipeline.build_corpus`` and
   ``kg.graph.build_graph``, as ``kg build`` does), about 110k triples;
2. write it as N-Triples, then append renamed copies until the file holds enough triples:
   copy ``k`` suffixes every instance IRI (``https://w3id.org/kg-vn/id/{doc,body,source,
   mention,relation,conflict}/...``) with ``-cK``; ontology terms, document-type concepts and
   literals are kept, so each copy is a separate corpus of the same shape (same fan-out, same
   chain depth) and triples shared by all copies (the document types) appear once;
3. convert it once to Turtle with pyoxigraph (``kg build`` hands Turtle to the store).

Measured, in one process, on the same files:

* load: rdflib ``Graph().parse`` (N-Triples and Turtle), pyoxigraph ``Store().load`` in memory
  and ``Store(path).bulk_load`` on disk (what ``kg build`` runs), then the disk store reopened
  read-only (what ``kg query`` runs);
* queries, best of ``--repeat`` (default 3), every result consumed:
  - ``trace``: ``?x (kg:implements|kg:followsUp|kg:reviews|kg:guides)+ ?target`` with
    ``?target`` bound (rdflib ``initBindings``, pyoxigraph ``substitutions``) to the document
    of copy 0 with the most transitive implementers;
  - ``closure``: the same path with both ends free, counted (every chain in the graph);
  - ``top-cited``: mentions per document, ``GROUP BY``, ``ORDER BY DESC``, ``LIMIT 20``;
  - ``most-cited.rq``: the shipped named query, as it is (reads kg:mentionCount);
* ``kg.trace.trace`` of the same target on the read-only store (pyoxigraph only);
* memory: the peak RSS of each phase (``/proc/self/clear_refs`` resets the high-water mark
  before it; Linux only), and the process peak.

Both engines must return the same rows (compared as sets of strings); a mismatch is printed.
A query of rdflib that runs over ``--timeout`` seconds (default 300) is stopped by SIGALRM
and reported as such.  The report is Markdown on standard output; progress goes to stderr.

Usage::

    .venv/bin/python scripts/bench_store.py                 # ~10 min on 2 cores
    .venv/bin/python scripts/bench_store.py --min-triples 200000 --repeat 1 --timeout 60
    KG_SHARED=/data/shared .venv/bin/python scripts/bench_store.py --work /tmp/kg-bench
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import math
import os
import platform
import re
import resource
import shutil
import signal
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import rdflib

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kg.store import PREFIXES, open_graph, resolve_query  # noqa: E402
from kg.trace import trace  # noqa: E402

INSTANCE = re.compile(
    r"<(https://w3id\.org/kg-vn/id/(?:doc|body|source|mention|relation|conflict)/[^>]*)>"
)

PATH = "(kg:implements|kg:followsUp|kg:reviews|kg:guides)+"
LINEAGE = (
    "(kg:implements|kg:followsUp|kg:reviews|kg:guides|eli:based_on|eli:amends|kg:replaces"
    "|eli:repeals)+"
)
HEAD = "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in PREFIXES.items())

QUERIES = {
    "trace": HEAD + f"SELECT ?target ?x WHERE {{ ?x {PATH} ?target }}",
    "closure": HEAD + f"SELECT (COUNT(*) AS ?n) WHERE {{ ?x {PATH} ?y }}",
    "lineage closure": HEAD + f"SELECT (COUNT(*) AS ?n) WHERE {{ ?x {LINEAGE} ?y }}",
    "top-cited": HEAD + """
SELECT ?doc (COUNT(?m) AS ?mentions) WHERE { ?m a kg:Mention ; kg:mentions ?doc . }
GROUP BY ?doc ORDER BY DESC(?mentions) ?doc LIMIT 20
""",
}


BOUND = {"trace", "implementers.rq"}
"""The queries run with ?target bound to the trace target."""


def all_queries() -> dict[str, str]:
    """The queries above and two shipped ones: implementers.rq (bound) and most-cited.rq."""
    shipped = {f"{n}.rq": resolve_query(n)[0] for n in ("implementers", "most-cited")}
    return {"trace": QUERIES["trace"], "implementers.rq": shipped["implementers.rq"],
            **{k: v for k, v in QUERIES.items() if k != "trace"},
            "most-cited.rq": shipped["most-cited.rq"]}


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


# ------------------------------------------------------------------------------- the graph


def shared_dir() -> Path:
    return Path(os.environ.get("KG_SHARED", ROOT.parent / "shared"))


def base_ntriples(inputs: list[str], target: Path) -> int:
    """The real graph of ``inputs`` as N-Triples; returns its size."""
    from kg.graph import build_graph
    from kg.models import SourceText
    from kg.pipeline import build_corpus
    from kg.read import read_file

    files = sorted(
        f for i in inputs for f in (Path(i).rglob("*.txt") if Path(i).is_dir() else [Path(i)])
    )
    sources = [s for s in map(read_file, files) if isinstance(s, SourceText)]
    log(f"building the graph of {len(sources)} texts")
    graph = build_graph(build_corpus(sources))
    graph.serialize(target, format="nt", encoding="utf-8")
    return len(graph)


def replicate(base: Path, target: Path, min_triples: int) -> tuple[int, int]:
    """Copies of ``base`` with renamed instance IRIs until ``min_triples``; (triples, copies)."""
    lines = [line for line in base.read_text(encoding="utf-8").splitlines() if line.strip()]
    shared = [line for line in lines if not INSTANCE.search(line)]
    own = [line for line in lines if INSTANCE.search(line)]
    copies = max(1, math.ceil((min_triples - len(shared)) / len(own)))
    with target.open("w", encoding="utf-8") as out:
        out.write("\n".join(shared) + "\n")
        for k in range(copies):
            suffix = "" if k == 0 else f"-c{k}"

            def rename(m: re.Match[str], suffix: str = suffix) -> str:
                return f"<{m.group(1)}{suffix}>"

            for line in own:
                out.write(INSTANCE.sub(rename, line) + "\n")
    return len(shared) + copies * len(own), copies


def make_graph(work: Path, min_triples: int, inputs: list[str]) -> tuple[Path, Path, int, int]:
    work.mkdir(parents=True, exist_ok=True)
    base, nt, ttl = work / "base.nt", work / "bench.nt", work / "bench.ttl"
    stamp = work / f"bench-{min_triples}.ok"
    if not stamp.exists():
        base_size = base_ntriples(inputs, base)
        log(f"base graph: {base_size:,} triples")
        size, copies = replicate(base, nt, min_triples)
        log(f"replicated x{copies}: {size:,} triples -> {nt}")
        store = ox.Store()
        store.bulk_load(path=str(nt), format=ox.RdfFormat.N_TRIPLES)
        size = len(store)
        with ttl.open("wb") as handle:
            store.dump(handle, ox.RdfFormat.TURTLE, from_graph=ox.DefaultGraph(),
                       prefixes=PREFIXES)
        del store
        stamp.write_text(f"{size} {copies}\n", encoding="utf-8")
    size_text, copies_text = stamp.read_text(encoding="utf-8").split()
    return nt, ttl, int(size_text), int(copies_text)


# ------------------------------------------------------------------------------- measuring


BASELINE_RSS = 0


class Timeout(Exception):
    pass


@contextlib.contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    """SIGALRM after ``seconds``: interrupts pure-Python work (rdflib), not native calls."""

    def handler(signum: int, frame: Any) -> None:
        raise Timeout

    previous = signal.signal(signal.SIGALRM, handler)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def rss_status(field_name: str) -> int:
    """A memory figure of this process from /proc/self/status, in bytes (0 if unknown)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith(field_name + ":"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def reset_peak() -> None:
    with contextlib.suppress(OSError):
        Path("/proc/self/clear_refs").write_text("5")


@dataclass
class Measure:
    seconds: float | None = None
    runs: int = 0
    rows: int | None = None
    answer: frozenset[tuple[str, ...]] = frozenset()
    note: str = ""


@dataclass
class Engine:
    name: str
    load: dict[str, float] = field(default_factory=dict)
    queries: dict[str, Measure] = field(default_factory=dict)
    peak_rss: int = 0


def best_of(repeat: int, timeout: float, run: Callable[[], list[tuple[str, ...]]]) -> Measure:
    """The best time of ``repeat`` runs; runs stop early once the budget is spent."""
    m = Measure()
    spent = 0.0
    for _ in range(repeat):
        started = time.perf_counter()
        try:
            with time_limit(max(1.0, timeout - spent)):
                rows = run()
        except Timeout:
            m.note = f"stopped after {timeout:.0f} s"
            return m
        elapsed = time.perf_counter() - started
        spent += elapsed
        m.runs += 1
        m.seconds = elapsed if m.seconds is None else min(m.seconds, elapsed)
        m.rows = len(rows)
        m.answer = frozenset(rows)
        if spent + elapsed > timeout:
            break
    return m


def ox_rows(answer: Any) -> list[tuple[str, ...]]:
    names = [v.value for v in answer.variables]
    return [tuple(_ox_text(s[n]) for n in names) for s in answer]


def _ox_text(term: Any) -> str:
    return "" if term is None else str(term.value)


def rdflib_rows(result: Any) -> list[tuple[str, ...]]:
    return [tuple("" if v is None else str(v) for v in row) for row in result]


# ------------------------------------------------------------------------------- the runs


def pick_target(store: ox.Store) -> str:
    """The document of copy 0 with the most transitive implementers (a deep, wide trace)."""
    answer = store.query(
        HEAD
        + f"""SELECT ?t (COUNT(DISTINCT ?x) AS ?n) WHERE {{
  ?x {PATH} ?t . FILTER (!CONTAINS(STR(?t), "-c"))
}} GROUP BY ?t ORDER BY DESC(?n) ?t LIMIT 1"""
    )
    rows = list(answer)  # type: ignore[arg-type]
    return str(rows[0]["t"].value)


def run_oxigraph(
    nt: Path, ttl: Path, work: Path, target: str, repeat: int, timeout: float
) -> tuple[list[Engine], dict[str, Any]]:
    engines: list[Engine] = []
    extra: dict[str, Any] = {}

    def queries(engine: Engine, store: ox.Store) -> None:
        subst = {ox.Variable("target"): ox.NamedNode(target)}
        for name, sparql in all_queries().items():
            log(f"{engine.name}: {name}")
            engine.queries[name] = best_of(
                repeat, timeout,
                lambda sparql=sparql, name=name: ox_rows(store.query(
                    sparql, substitutions=subst if name in BOUND else None)),
            )

    # In memory, from N-Triples and from Turtle.
    mem = Engine("pyoxigraph Store() in memory")
    reset_peak()
    log(f"{mem.name}: load ttl")
    started = time.perf_counter()
    ox.Store().load(path=str(ttl), format=ox.RdfFormat.TURTLE)
    mem.load["ttl"] = time.perf_counter() - started
    gc.collect()
    log(f"{mem.name}: load nt")
    store = ox.Store()
    started = time.perf_counter()
    store.load(path=str(nt), format=ox.RdfFormat.N_TRIPLES)
    mem.load["nt"] = time.perf_counter() - started
    queries(mem, store)
    mem.peak_rss = rss_status("VmHWM")
    del store
    gc.collect()
    engines.append(mem)

    # On disk: bulk_load (kg build), then reopened read-only (kg query, kg trace).
    disk = Engine("pyoxigraph Store(path), read-only")
    reset_peak()
    formats = (("nt", nt, ox.RdfFormat.N_TRIPLES), ("ttl", ttl, ox.RdfFormat.TURTLE))
    for label, path, fmt in formats:
        folder = work / f"store-{label}"
        shutil.rmtree(folder, ignore_errors=True)
        log(f"{disk.name}: bulk_load {label}")
        started = time.perf_counter()
        store = ox.Store(str(folder))
        store.bulk_load(path=str(path), format=fmt)
        store.flush()
        del store
        disk.load[label] = time.perf_counter() - started
    started = time.perf_counter()
    ro = ox.Store.read_only(str(work / "store-ttl"))
    disk.load["open"] = time.perf_counter() - started
    queries(disk, ro)
    del ro
    kg_graph = open_graph(work / "store-ttl")
    log("kg.trace.trace on the store")
    extra["kg.trace"] = best_of(repeat, timeout, lambda: [
        (n.iri,) for n in trace(kg_graph, target, max_depth=10).nodes()])
    disk.peak_rss = rss_status("VmHWM")
    gc.collect()
    engines.append(disk)
    return engines, extra


def run_rdflib(nt: Path, ttl: Path, target: str, repeat: int, timeout: float) -> Engine:
    engine = Engine("rdflib Graph() in memory")
    reset_peak()
    graph = rdflib.Graph()
    log(f"{engine.name}: parse ttl")
    started = time.perf_counter()
    graph.parse(ttl, format="turtle")
    engine.load["ttl"] = time.perf_counter() - started
    del graph
    gc.collect()
    graph = rdflib.Graph()
    log(f"{engine.name}: parse nt")
    started = time.perf_counter()
    graph.parse(nt, format="nt")
    engine.load["nt"] = time.perf_counter() - started
    bindings = {"target": rdflib.URIRef(target)}
    for name, sparql in all_queries().items():
        log(f"{engine.name}: {name}")
        engine.queries[name] = best_of(
            repeat, timeout,
            lambda sparql=sparql, name=name: rdflib_rows(graph.query(
                sparql, initBindings=bindings if name in BOUND else None)),
        )
    engine.peak_rss = rss_status("VmHWM")
    return engine


# ------------------------------------------------------------------------------- the report


def seconds(value: float | None) -> str:
    if value is None:
        return "—"
    return f"{value:.3f} s" if value < 10 else f"{value:.1f} s"


def ratio(slow: float | None, fast: float | None) -> str:
    if slow is None or fast is None:
        return "—"
    if fast <= 0:
        return "∞"
    r = slow / fast
    return f"{r:,.0f}×" if r >= 100 else f"{r:.1f}×" if r >= 10 else f"{r:.2f}×"


def report(
    engines: list[Engine], rdf: Engine, extra: dict[str, Any], size: int, copies: int,
    target: str, nt: Path, ttl: Path, repeat: int, timeout: float,
) -> str:
    mem, disk, fresh = engines
    out = []
    mb_nt, mb_ttl = nt.stat().st_size / 1e6, ttl.stat().st_size / 1e6
    out.append(f"Graph: {size:,} triples ({copies} renamed copies of the seeds + corpus graph); "
               f"N-Triples {mb_nt:.0f} MB, Turtle {mb_ttl:.0f} MB.")
    store_mb = sum(p.stat().st_size for p in (nt.parent / "store-ttl").iterdir()) / 1e6
    out.append(f"On-disk store (from the Turtle): {store_mb:.0f} MB.")
    out.append(f"Trace target: <{target}>; queries best of {repeat}, timeout {timeout:.0f} s.")
    out.append("")
    out.append("| | rdflib Graph() | pyoxigraph Store() memory | pyoxigraph Store(path) "
               "same process | pyoxigraph Store(path) fresh process | rdflib ÷ memory | "
               "rdflib ÷ store (fresh) |")
    out.append("|---|---|---|---|---|---|---|")
    for label, key in (("load N-Triples", "nt"), ("load Turtle", "ttl")):
        r, m, d = rdf.load.get(key), mem.load.get(key), disk.load.get(key)
        out.append(f"| {label} | {seconds(r)} | {seconds(m)} | {seconds(d)} (bulk_load) | | "
                   f"{ratio(r, m)} | {ratio(r, d)} (bulk_load) |")
    out.append(f"| open read-only | — | — | {seconds(disk.load.get('open'))} | "
               f"{seconds(fresh.load.get('open'))} | | |")
    for name in all_queries():
        r, m, d, f = rdf.queries[name], mem.queries[name], disk.queries[name], fresh.queries[name]
        rows = m.rows if m.rows is not None else r.rows
        if name.endswith("closure") and len(m.answer) == 1:
            what = f"{int(next(iter(m.answer))[0]):,} pairs"
        else:
            what = f"{rows:,} row{'s' if rows != 1 else ''}"
        same = "" if r.seconds is None else (
            ", same answer" if r.answer == m.answer == d.answer == f.answer
            else ", ✗ answers differ")
        rcell = seconds(r.seconds) if r.seconds is not None else r.note
        out.append(f"| `{name}` ({what}{same}) | {rcell} | {seconds(m.seconds)} | "
                   f"{seconds(d.seconds)} | {seconds(f.seconds)} | "
                   f"{ratio(r.seconds, m.seconds)} | {ratio(r.seconds, f.seconds)} |")
    t, ft = extra["kg.trace"], fresh.queries["kg.trace"]
    out.append(f"| `kg.trace.trace` ({t.rows} nodes, depth ≤ 10) | — | — | {seconds(t.seconds)} "
               f"| {seconds(ft.seconds)} | | |")
    out.append(f"| peak RSS | {rdf.peak_rss / 1e6:,.0f} MB | {mem.peak_rss / 1e6:,.0f} MB | "
               f"{disk.peak_rss / 1e6:,.0f} MB | {fresh.peak_rss / 1e6:,.0f} MB | | |")
    out.append("")
    usage = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e3
    out.append(f"Main process peak RSS {usage:,.0f} MB; RSS before the first phase "
               f"{BASELINE_RSS / 1e6:,.0f} MB (a probe load to pick the target included). "
               "Phases ran in this order: pyoxigraph memory, pyoxigraph disk, the fresh "
               "process, rdflib; the peak of a phase is measured from a reset high-water "
               "mark, so it includes what the process already held (the fresh process's peak "
               "is its whole life).")
    return "\n".join(out) + "\n"


def machine() -> str:
    cpu = platform.processor() or ""
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    mem = ""
    with contextlib.suppress(OSError, ValueError, IndexError):
        kb = int(Path("/proc/meminfo").read_text().split()[1])
        mem = f", {kb / 1e6:.0f} GB RAM"
    return (f"{cpu}, {os.cpu_count()} cores{mem}; Python {platform.python_version()}, "
            f"rdflib {rdflib.__version__}, pyoxigraph {ox.__version__}")


def fresh_process(store_dir: Path, target: str, repeat: int, timeout: float) -> Engine:
    """The disk store's queries in a new process, as ``kg query`` meets them: the store opened
    read-only, nothing else loaded (the same-process figures follow a 1M-triple load and the
    store's own bulk load on 2 cores)."""
    import json
    import subprocess

    log("pyoxigraph Store(path), fresh process: queries")
    command = [sys.executable, __file__, "--fresh", str(store_dir), target,
               "--repeat", str(repeat), "--timeout", str(timeout)]
    done = subprocess.run(command, check=True, capture_output=True, text=True)
    data = json.loads(done.stdout)
    engine = Engine("pyoxigraph Store(path), fresh process")
    engine.load["open"] = data["open"]
    for name, (sec, rows, answer) in data["queries"].items():
        engine.queries[name] = Measure(sec, repeat, rows, frozenset(map(tuple, answer)))
    engine.queries["kg.trace"] = Measure(data["trace"][0], repeat, data["trace"][1])
    engine.peak_rss = data["peak_rss"]
    return engine


def fresh_main(store_dir: Path, target: str, repeat: int, timeout: float) -> None:
    import json

    started = time.perf_counter()
    store = ox.Store.read_only(str(store_dir))
    opened = time.perf_counter() - started
    subst = {ox.Variable("target"): ox.NamedNode(target)}
    queries: dict[str, Any] = {}
    for name, sparql in all_queries().items():
        m = best_of(repeat, timeout, lambda sparql=sparql, name=name: ox_rows(store.query(
            sparql, substitutions=subst if name in BOUND else None)))
        queries[name] = (m.seconds, m.rows, sorted(m.answer))
    graph = open_graph(store_dir)
    t = best_of(repeat, timeout, lambda: [
        (n.iri,) for n in trace(graph, target, max_depth=10).nodes()])
    # VmHWM, not ru_maxrss: getrusage keeps the parent's peak across fork and exec.
    peak = rss_status("VmHWM")
    json.dump({"open": opened, "queries": queries, "trace": (t.seconds, t.rows),
               "peak_rss": peak}, sys.stdout)


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--fresh":
        fresh = argparse.ArgumentParser()
        fresh.add_argument("--fresh", type=Path)
        fresh.add_argument("target")
        fresh.add_argument("--repeat", type=int, default=3)
        fresh.add_argument("--timeout", type=float, default=300.0)
        a = fresh.parse_args()
        fresh_main(a.fresh, a.target, a.repeat, a.timeout)
        return
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--min-triples", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--timeout", type=float, default=300.0,
                        help="seconds allowed per query (all its runs) before it is stopped")
    parser.add_argument("--work", type=Path, default=Path("/tmp/kg-bench"))
    parser.add_argument("inputs", nargs="*",
                        help="texts to build the base graph from (default: shared seeds, corpus)")
    args = parser.parse_args()
    inputs = args.inputs or [str(shared_dir() / "seeds"), str(shared_dir() / "corpus")]
    nt, ttl, size, copies = make_graph(args.work, args.min_triples, inputs)
    probe = ox.Store()
    probe.bulk_load(path=str(nt), format=ox.RdfFormat.N_TRIPLES)
    target = pick_target(probe)
    del probe
    gc.collect()
    log(f"graph {size:,} triples; trace target {target}")
    global BASELINE_RSS
    BASELINE_RSS = rss_status("VmRSS")
    engines, extra = run_oxigraph(nt, ttl, args.work, target, args.repeat, args.timeout)
    engines.append(fresh_process(args.work / "store-ttl", target, args.repeat, args.timeout))
    rdf = run_rdflib(nt, ttl, target, args.repeat, args.timeout)
    print(f"Machine: {machine()}\n")
    print(report(engines, rdf, extra, size, copies, target, nt, ttl, args.repeat, args.timeout))


if __name__ == "__main__":
    main()
