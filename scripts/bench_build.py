"""Build throughput at growing corpus sizes: texts/s, time per stage, peak memory, triples.

The corpus is made of the real texts of ../shared/corpus (and seeds), repeated until the
wanted number of texts and written as files into a folder; each copy gets its own file name
and a first line "Bản sao N", so every text is a distinct source with distinct content (no
cache hits).  For each size, in fresh processes:

* the stages, timed one by one with the functions ``kg build`` calls: analyse (read, decode,
  extract, sentences, relations; in --workers processes), resolve (across texts), graph
  (Turtle written as it is made), jsonl (citations and relations), store (Oxigraph bulk load);
* then ``kg build FOLDER --workers N --no-html`` itself, end to end, for the total.

    .venv/bin/python scripts/bench_build.py --sizes 1000,10000,100000 --workers 2

Prints one Markdown table row per size.  Peak memory of the stages is the largest resident size
of the main process and of any one worker (ru_maxrss); that of kg build is the peak of the sum
of kg's processes (main, workers, store loader), sampled.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def shared_dir(given: str | None) -> Path:
    return Path(given or os.environ.get("KG_SHARED") or ROOT.parent / "shared")


def make_corpus(size: int, shared: Path, folder: Path) -> int:
    """Write ``size`` texts into ``folder`` (100 per subfolder); returns the bytes written."""
    files = sorted((shared / "corpus").rglob("*.txt")) + sorted((shared / "seeds").glob("*.txt"))
    raws = [f.read_bytes() for f in files]
    total = 0
    for i in range(size):
        copy, k = divmod(i, len(raws))
        sub = folder / f"{i // 100:05d}"
        if i % 100 == 0:
            sub.mkdir(parents=True, exist_ok=True)
        data = f"Bản sao {copy}\n".encode() + raws[k]
        (sub / f"t{i:06d}-{files[k].name}").write_bytes(data)
        total += len(data)
    return total


def run_stages(folder: Path, workers: int) -> dict[str, float]:
    """Build the corpus in ``folder`` stage by stage in this process and time each stage."""
    from kg.export import write_citations, write_relations, write_turtle
    from kg.models import ReadError
    from kg.pipeline import Corpus, analyse_all
    from kg.read import iter_inputs
    from kg.resolve import resolve_corpus
    from kg.store import build_store

    times: dict[str, float] = {}
    t0 = time.perf_counter()
    analysed = [r for r in analyse_all(iter_inputs([str(folder)]), workers=workers)
                if not isinstance(r, ReadError)]
    times["analyse"] = time.perf_counter() - t0
    t = time.perf_counter()
    corpus = Corpus(resolve_corpus(analysed, consume=True))
    times["resolve"] = time.perf_counter() - t
    with tempfile.TemporaryDirectory(dir=folder.parent) as tmp:
        out = Path(tmp)
        t = time.perf_counter()
        triples = write_turtle(corpus, out / "graph.ttl")
        times["graph"] = time.perf_counter() - t
        t = time.perf_counter()
        write_citations(corpus, out / "citations.jsonl")
        write_relations(corpus, out / "relations.jsonl")
        times["jsonl"] = time.perf_counter() - t
        t = time.perf_counter()
        build_store(out / "graph.ttl", out / "store")
        times["store"] = time.perf_counter() - t
    times["total"] = time.perf_counter() - t0
    times["triples"] = float(triples)
    times["citations"] = float(sum(len(x.citations) for x in corpus.texts))
    times["peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    times["children_peak_mb"] = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return times


def tree_rss_mb(root: int) -> float:
    """Resident memory of a process and all its descendants, now (Linux /proc)."""
    parents: dict[int, int] = {}
    rss: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            fields = stat[stat.rindex(")") + 2:].split()
            parents[int(entry.name)] = int(fields[1])
            rss[int(entry.name)] = int(fields[21]) * os.sysconf("SC_PAGE_SIZE")
        except (OSError, ValueError, IndexError):
            continue
    total, stack = 0, [root]
    while stack:
        pid = stack.pop()
        total += rss.get(pid, 0)
        stack.extend(child for child, parent in parents.items() if parent == pid)
    return total / 1e6


def run_cli(folder: Path, workers: int, out: Path) -> dict[str, float]:
    """``kg build`` end to end in a child process: wall time, and the peak of the memory of
    kg and its worker and store processes together (sampled every 0.2 s)."""
    kg = Path(sys.executable).with_name("kg")
    shutil.rmtree(out, ignore_errors=True)
    t = time.perf_counter()
    child = subprocess.Popen([str(kg), "build", str(folder), "-o", str(out), "--workers",
                              str(workers), "--no-html"], stdout=subprocess.DEVNULL,
                             stderr=subprocess.PIPE, text=True)
    peak = 0.0
    while child.poll() is None:
        peak = max(peak, tree_rss_mb(child.pid))
        time.sleep(0.2)
    wall = time.perf_counter() - t
    stderr = child.stderr.read() if child.stderr else ""
    if child.returncode != 0:
        raise SystemExit(f"kg build failed: {stderr.strip()[-300:]}")
    return {"cli_total": wall, "cli_peak_mb": peak}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1000,10000", help="comma-separated text counts")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--shared", default=None, help="the shared folder (default ../shared)")
    parser.add_argument("--keep", type=Path, help="build the corpora and kg build's outputs "
                        "in this folder and keep them (default: a temporary folder, removed)")
    parser.add_argument("--stages", type=Path, help=argparse.SUPPRESS)  # child mode
    args = parser.parse_args()
    if args.stages is not None:
        print(json.dumps(run_stages(args.stages, args.workers)))
        return
    shared = shared_dir(args.shared)
    base = args.keep or Path(tempfile.mkdtemp(prefix="kg-bench-"))
    print("| texts | MB | workers | stages s | texts/s | analyse | resolve | graph | jsonl "
          "| store | citations | triples | peak MB (main) | peak MB (worker) "
          "| kg build s | kg build texts/s | kg build peak MB (all processes) |")
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    try:
        for size in (int(s) for s in args.sizes.split(",")):
            folder = base / f"corpus-{size}"
            if not folder.exists():
                mb = make_corpus(size, shared, folder) / 1e6
            else:
                mb = sum(f.stat().st_size for f in folder.rglob("*.txt")) / 1e6
            done = subprocess.run(
                [sys.executable, __file__, "--stages", str(folder), "--workers",
                 str(args.workers)], capture_output=True, text=True, check=False,
            )
            if done.returncode != 0:
                print(f"| {size} | failed: {done.stderr.strip().splitlines()[-1:]} |")
                continue
            r = json.loads(done.stdout.strip().splitlines()[-1])
            out = base / f"out-{size}"  # kept with --keep: its store is what bench_store reads
            cli = run_cli(folder, args.workers, out)
            print(
                f"| {size} | {mb:.0f} | {args.workers} | {r['total']:.1f} "
                f"| {size / r['total']:.1f} | {r['analyse']:.1f} | {r['resolve']:.1f} "
                f"| {r['graph']:.1f} | {r['jsonl']:.1f} | {r['store']:.1f} "
                f"| {int(r['citations'])} | {int(r['triples'])} | {r['peak_mb']:.0f} "
                f"| {r['children_peak_mb']:.0f} | {cli['cli_total']:.1f} "
                f"| {size / cli['cli_total']:.1f} | {cli['cli_peak_mb']:.0f} |",
                flush=True,
            )
    finally:
        if args.keep is None:
            shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    main()
