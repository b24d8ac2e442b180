"""Build throughput at growing corpus sizes: texts/s, time per stage, peak memory, triples.

The corpus is made of the real texts of ../shared/corpus (and seeds), repeated until the
wanted number of texts; each copy gets its own file name, and its first line a copy number,
so every text is a distinct source with distinct content (no cache hits).  Each size runs in
a fresh process, so peak memory (ru_maxrss) is that size's own.

    .venv/bin/python scripts/bench_build.py --sizes 1000,10000 --workers 2

Prints one Markdown table row per size; stages: read (decode + NFC), analyse (extract,
sentences, relations; in --workers processes), resolve (across texts), graph (RDF triples),
write (Turtle, JSON Lines), store (Oxigraph bulk load).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def shared_dir(given: str | None) -> Path:
    return Path(given or os.environ.get("KG_SHARED") or ROOT.parent / "shared")


def run_one(size: int, workers: int, shared: Path) -> dict[str, float]:
    """Build a corpus of ``size`` texts in this process and time each stage."""
    from kg.export import write_citations, write_relations, write_turtle
    from kg.graph import build_graph
    from kg.models import SourceText
    from kg.pipeline import analyse_all, corpus_of
    from kg.read import read_bytes
    from kg.resolve import resolve_corpus
    from kg.store import build_store

    files = sorted((shared / "corpus").rglob("*.txt")) + sorted((shared / "seeds").glob("*.txt"))
    raws = [f.read_bytes() for f in files]
    times: dict[str, float] = {}

    def sources() -> object:
        for i in range(size):
            raw = raws[i % len(raws)]
            copy = i // len(raws)
            name = f"t{i:06d}-{files[i % len(files)].name}"
            yield read_bytes(f"Bản sao {copy}\n".encode() + raw, name)

    t0 = time.perf_counter()
    read_time = 0.0

    def timed_sources() -> object:
        nonlocal read_time
        it = iter(sources())  # type: ignore[call-overload]
        while True:
            t = time.perf_counter()
            try:
                item = next(it)
            except StopIteration:
                return
            read_time += time.perf_counter() - t
            if isinstance(item, SourceText):
                yield item

    analysed = list(analyse_all(timed_sources(), workers=workers))  # type: ignore[arg-type]
    times["read"] = read_time
    times["analyse"] = time.perf_counter() - t0 - read_time
    t = time.perf_counter()
    corpus = corpus_of(resolve_corpus(analysed))
    times["resolve"] = time.perf_counter() - t
    t = time.perf_counter()
    graph = build_graph(corpus)
    times["graph"] = time.perf_counter() - t
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        t = time.perf_counter()
        write_turtle(graph, out / "graph.ttl")
        write_citations(corpus, out / "citations.jsonl")
        write_relations(corpus, out / "relations.jsonl")
        times["write"] = time.perf_counter() - t
        t = time.perf_counter()
        build_store(out / "graph.ttl", out / "store")
        times["store"] = time.perf_counter() - t
    times["total"] = time.perf_counter() - t0
    times["triples"] = float(len(graph))
    times["citations"] = float(sum(len(x.citations) for x in corpus.texts))
    times["peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    times["children_peak_mb"] = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1000,10000", help="comma-separated text counts")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--shared", default=None, help="the shared folder (default ../shared)")
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)  # child mode
    args = parser.parse_args()
    shared = shared_dir(args.shared)
    if args.one is not None:
        print(json.dumps(run_one(args.one, args.workers, shared)))
        return
    print("| texts | workers | total s | texts/s | read | analyse | resolve | graph | write "
          "| store | citations | triples | peak MB (main) | peak MB (worker) |")
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for size in (int(s) for s in args.sizes.split(",")):
        done = subprocess.run(
            [sys.executable, __file__, "--one", str(size), "--workers", str(args.workers),
             "--shared", str(shared)],
            capture_output=True, text=True, check=False,
        )
        if done.returncode != 0:
            print(f"| {size} | failed: {done.stderr.strip().splitlines()[-1:]} |")
            continue
        r = json.loads(done.stdout.strip().splitlines()[-1])
        print(
            f"| {size} | {args.workers} | {r['total']:.1f} | {size / r['total']:.1f} "
            f"| {r['read']:.1f} | {r['analyse']:.1f} | {r['resolve']:.1f} | {r['graph']:.1f} "
            f"| {r['write']:.1f} | {r['store']:.1f} | {int(r['citations'])} "
            f"| {int(r['triples'])} | {r['peak_mb']:.0f} | {r['children_peak_mb']:.0f} |",
            flush=True,
        )


if __name__ == "__main__":
    main()
