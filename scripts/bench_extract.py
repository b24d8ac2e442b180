#!/usr/bin/env python3
"""Benchmark citation extraction (issue 2): throughput, bare-scan ratio, linearity, memory.

Everything runs in one process on one thread, timed with ``time.perf_counter``.  Repetitions
of the extractor and of the baselines are interleaved, so a noisy neighbour slows all of them
alike; results report the best and the median, and ratios are taken both between the best
times and within each repetition (median of the per-repetition ratios).

Measured, on every ``.txt`` of ``seeds/`` and ``corpus/{news,legal,laws}/`` in the shared
folder (read as UTF-8 and NFC-normalised before timing; the normalisation is timed apart):

* ``extract_citations`` (NFC, find, doc ids within the text) and ``find_citations`` (find
  only), one call per document; where the library has them, also the corpus path of
  ``kg extract`` (``kg.pipeline.analyse_text`` per document, then ``kg.resolve.resolve_corpus``);
* baselines, "one bare compiled regex that only finds the type words":
  (a) ``bare-ci``: an alternation of the lexicon's type words, ``re.IGNORECASE``, on the text;
  (b) ``bare-lower``: the same alternation in lower case, case-sensitive, on ``text.lower()``
  (the lowering is timed);
  (c) ``trie-lower``: the type words as the project's ``literal_trie`` pattern, on
  ``text.lower()`` (the extractor's own word trigger without its word-boundary guards);
* linearity: a ``--linear-kb`` sample of the corpus repeated 1x, 10x, 100x (``--scales``);
* memory: peak RSS of the process and the ``tracemalloc`` peak of one extraction of the
  largest linearity text (a separate, untimed run);
* optionally the whole command line, ``kg extract --format jsonl`` on the same folders, in a
  subprocess (start-up, reading, decoding and output included);
* optionally (``--profile``) a ``cProfile`` of ``extract_citations`` on a 2 MB sample.

MB means 10^6 bytes of UTF-8.  The report is Markdown on standard output (progress goes to
standard error), ready to paste into BENCHMARKS.md.

Usage::

    .venv/bin/python scripts/bench_extract.py                  # defaults: --repeat 5
    .venv/bin/python scripts/bench_extract.py --repeat 3 --scales 1,10 --no-cli
    .venv/bin/python scripts/bench_extract.py --profile --json bench.json
    KG_SHARED=/data/shared .venv/bin/python scripts/bench_extract.py
"""

from __future__ import annotations

import argparse
import cProfile
import datetime as dt
import io
import json
import os
import platform
import pstats
import re
import resource
import statistics
import subprocess
import sys
import time
import tracemalloc
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

import kg
from kg import __version__, extract_citations, find_citations, normalize_text
from kg.lexicon import load_lexicon
from kg.patterns import literal_trie
from kg.read import read_file

ROOT = Path(__file__).resolve().parent.parent
# The tree the measured ``kg`` was imported from (normally ROOT).
KG_ROOT = Path(kg.__file__).resolve().parent.parent
CORPUS_PARTS = ("seeds", "corpus/news", "corpus/legal", "corpus/laws")
TARGET_MBPS = 10.0
TARGET_RATIO = 4.0


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# ---------------------------------------------------------------------------- inputs


def default_shared() -> Path:
    env = os.environ.get("KG_SHARED")
    return Path(env) if env else ROOT.parent / "shared"


def corpus_files(shared: Path) -> list[Path]:
    files: list[Path] = []
    for part in CORPUS_PARTS:
        files += sorted((shared / part).glob("*.txt"))
    return files


def utf8_len(text: str) -> int:
    return len(text.encode("utf-8"))


def corpus_pieces(docs: Sequence[str], size_bytes: int, pieces: int) -> list[str]:
    """``pieces`` evenly spaced runs of whole lines of the joined corpus, about ``size_bytes``
    of UTF-8 in all, so that their mix of news, official documents and laws, and their density
    of citations, follow the corpus."""
    data = "\n\n".join(docs).encode("utf-8")
    piece = size_bytes // pieces
    out = []
    for i in range(pieces):
        start = data.find(b"\n", i * len(data) // pieces) + 1
        chunk = data[start:start + piece]
        out.append(chunk[: chunk.rfind(b"\n")].decode("utf-8"))
    return out


def corpus_sample(docs: Sequence[str], size_bytes: int, pieces: int = 10) -> str:
    """:func:`corpus_pieces` as one text, joined by a blank line."""
    return "\n\n".join(corpus_pieces(docs, size_bytes, pieces))


# ---------------------------------------------------------------------------- machine


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def git_revision() -> str:
    try:
        rev = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=KG_ROOT, capture_output=True, text=True,
            check=True,
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no", "--", "kg"], cwd=KG_ROOT,
            capture_output=True, text=True, check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return rev + (" (kg/ modified)" if dirty else "")


def machine_info() -> dict[str, Any]:
    try:
        load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        load = "n/a"
    try:
        usable = len(os.sched_getaffinity(0))
    except AttributeError:
        usable = os.cpu_count() or 0
    return {
        "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "python": f"{platform.python_implementation()} {platform.python_version()}",
        "platform": platform.platform(),
        "cpu": cpu_model(),
        "cpus": f"{os.cpu_count()} logical, {usable} usable; benchmark uses 1 thread",
        "load_avg_start": load,
        "kg": f"{__version__} from {KG_ROOT}, git {git_revision()}",
    }


# ---------------------------------------------------------------------------- timing


def timed(fn: Callable[[], int]) -> tuple[float, int]:
    t0 = time.perf_counter()
    n = fn()
    return time.perf_counter() - t0, n


def count(matches: Iterable[object]) -> int:
    return sum(1 for _ in matches)


def summary(times: Sequence[float], size: int) -> dict[str, float]:
    best, median = min(times), statistics.median(times)
    return {
        "best_s": best,
        "median_s": median,
        "best_mbps": size / best / 1e6,
        "median_mbps": size / median / 1e6,
    }


def corpus_pass() -> Callable[[Sequence[str]], int] | None:
    """The corpus path of ``kg extract`` where the library has it: ``analyse_text`` per text
    (citations, place, the text's own header), then ``resolve_corpus`` across all texts."""
    try:
        from kg.models import SourceText
        from kg.pipeline import analyse_text
        from kg.resolve import resolve_corpus
    except ImportError:
        return None

    def run(docs: Sequence[str]) -> int:
        analysed = [analyse_text(SourceText(path=f"doc{i}.txt", text=d))
                    for i, d in enumerate(docs)]
        return sum(len(t.citations) for t in resolve_corpus(analysed).texts)

    run(["Nghị quyết số 57-NQ/TW ngày 22/12/2024 của Bộ Chính trị; UBND tỉnh Bình Phước"])
    return run


def contenders(docs: Sequence[str]) -> dict[str, Callable[[], int]]:
    """name → a pass over all documents returning how many things it found."""
    lex = load_lexicon()
    words = sorted({w for t in lex.types for w in t.words}, key=lambda w: (-len(w), w))
    bare_ci = re.compile("|".join(re.escape(w) for w in words), re.IGNORECASE)
    bare_lower = re.compile("|".join(re.escape(w.lower()) for w in words))
    trie_lower = re.compile(literal_trie([w.lower() for w in words]))
    fns: dict[str, Callable[[], int]] = {
        "extract_citations": lambda: sum(len(extract_citations(d)) for d in docs),
        "find_citations": lambda: sum(len(find_citations(d)) for d in docs),
    }
    corpus = corpus_pass()
    if corpus is not None:
        fns["analyse+resolve_corpus"] = lambda: corpus(docs)
    return {
        **fns,
        "bare-ci": lambda: sum(count(bare_ci.finditer(d)) for d in docs),
        "bare-lower": lambda: sum(count(bare_lower.finditer(d.lower())) for d in docs),
        "trie-lower": lambda: sum(count(trie_lower.finditer(d.lower())) for d in docs),
    }


BASELINES = ("bare-ci", "bare-lower", "trie-lower")
SUBJECT_TEXT = {
    "extract_citations": "`extract_citations` per document (the extraction logic)",
    "find_citations": "`find_citations` per document",
    "analyse+resolve_corpus": "`kg.pipeline.analyse_text` per document, then "
    "`kg.resolve.resolve_corpus` over all (the CLI's corpus path)",
}
BASELINE_TEXT = {
    "bare-ci": "(a) alternation of the type words, re.IGNORECASE, on the text",
    "bare-lower": "(b) same alternation lower-cased, case-sensitive, on text.lower()",
    "trie-lower": "(c) type words as kg.patterns.literal_trie, on text.lower()",
}


def run_interleaved(
    fns: dict[str, Callable[[], int]], repeat: int
) -> tuple[dict[str, list[float]], dict[str, int]]:
    """Each repetition runs every contender once, in a rotating order."""
    names = list(fns)
    times: dict[str, list[float]] = {n: [] for n in names}
    found: dict[str, int] = {}
    for rep in range(repeat):
        order = names[rep % len(names):] + names[: rep % len(names)]
        for name in order:
            seconds, n = timed(fns[name])
            times[name].append(seconds)
            found[name] = n
        log(f"  rep {rep + 1}/{repeat}: " + ", ".join(f"{n} {times[n][-1]:.2f}s" for n in names))
    return times, found


def ratios(times: dict[str, list[float]], subject: str, base: str) -> dict[str, float]:
    per_rep = [s / b for s, b in zip(times[subject], times[base], strict=True)]
    return {
        "best_over_best": min(times[subject]) / min(times[base]),
        "median_per_rep": statistics.median(per_rep),
    }


# ---------------------------------------------------------------------------- parts


def bench_corpus(docs: Sequence[str], repeat: int) -> dict[str, Any]:
    size = sum(utf8_len(d) for d in docs)
    fns = contenders(docs)
    log(f"corpus: {len(docs)} documents, {size / 1e6:.2f} MB; warming up")
    for d in docs[:50]:  # compile patterns and fill small caches outside the timings
        extract_citations(d)
    times, found = run_interleaved(fns, repeat)
    result: dict[str, Any] = {"bytes": size, "documents": len(docs), "rows": {}, "ratios": {}}
    for name, ts in times.items():
        result["rows"][name] = {**summary(ts, size), "found": found[name], "times_s": ts}
    for subject in SUBJECT_TEXT:
        if subject not in times:
            continue
        result["ratios"][subject] = {b: ratios(times, subject, b) for b in BASELINES}
    return result


def bench_normalise(raw: Sequence[str], repeat: int) -> dict[str, Any]:
    size = sum(utf8_len(r) for r in raw)
    ts = [timed(lambda: sum(len(normalize_text(r)) for r in raw))[0] for _ in range(repeat)]
    return {"bytes": size, **summary(ts, size)}


def bench_linearity(
    docs: Sequence[str], base_kb: int, scales: Sequence[int], repeat: int
) -> dict[str, Any]:
    base = corpus_sample(docs, base_kb * 1000, 10)
    trie = re.compile(literal_trie([w.lower() for t in load_lexicon().types for w in t.words]))
    corpus = corpus_pass()
    rows = []
    for k in scales:
        text = "\n\n".join([base] * k)
        size = utf8_len(text)
        fns: dict[str, Callable[[], int]] = {
            "extract_citations": lambda text=text: len(extract_citations(text)),
            "find_citations": lambda text=text: len(find_citations(text)),
            "trie-lower": lambda text=text: count(trie.finditer(text.lower())),
        }
        if corpus is not None:
            fns["analyse+resolve_corpus"] = lambda text=text: corpus([text])
        log(f"linearity {k}x: {size / 1e6:.2f} MB")
        times, found = run_interleaved(fns, repeat)
        row: dict[str, Any] = {"scale": k, "bytes": size}
        for name, ts in times.items():
            best = min(ts)
            row[name] = {
                "best_s": best,
                "median_s": statistics.median(ts),
                "us_per_kb": best / (size / 1000) * 1e6,
                "found": found[name],
            }
        row["ratio_extract_trie"] = ratios(times, "extract_citations", "trie-lower")
        rows.append(row)
    return {"base_bytes": utf8_len(base), "rows": rows}


def bench_memory(docs: Sequence[str], base_kb: int, scale: int) -> dict[str, Any]:
    """tracemalloc peak of one extraction of the largest linearity text (untimed)."""
    text = "\n\n".join([corpus_sample(docs, base_kb * 1000, 10)] * scale)
    tracemalloc.start()
    found = extract_citations(text)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return {
        "text_bytes": utf8_len(text),
        "text_chars": len(text),
        "citations": len(found),
        "tracemalloc_peak_bytes": peak,
    }


def bench_cli(shared: Path, repeat: int) -> dict[str, Any]:
    dirs = [str(shared / part) for part in CORPUS_PARTS]
    size = sum(f.stat().st_size for f in corpus_files(shared))
    cmd = [sys.executable, "-c", "from kg.cli import main; main()", "extract", "--format",
           "jsonl", *dirs]
    ts = []
    stderr = ""
    for rep in range(repeat):
        t0 = time.perf_counter()
        # cwd: the subprocess imports the same kg as this process.
        proc = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                              text=True, check=False, cwd=KG_ROOT)
        ts.append(time.perf_counter() - t0)
        if proc.returncode != 0:
            log(f"  cli exited with {proc.returncode}: {proc.stderr.strip()[-500:]}")
        stderr = proc.stderr.strip().splitlines()[-1] if proc.stderr.strip() else ""
        log(f"  cli rep {rep + 1}/{repeat}: {ts[-1]:.2f}s ({stderr})")
    start_ts = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        subprocess.run([sys.executable, "-c", "import kg.cli"], check=True, cwd=KG_ROOT)
        start_ts.append(time.perf_counter() - t0)
    return {
        "command": "kg extract --format jsonl " + " ".join(f"$SHARED/{p}" for p in CORPUS_PARTS)
        + " > /dev/null",
        "bytes": size,
        "stderr": stderr,
        "startup_best_s": min(start_ts),
        **summary(ts, size),
    }


def bench_read(files: Sequence[Path], repeat: int) -> dict[str, Any]:
    """``kg.read.read_file`` on every file: what the CLI does before extraction."""
    size = sum(f.stat().st_size for f in files)
    ts = [timed(lambda: sum(len(read_file(f).text) for f in files))[0] for _ in range(repeat)]
    return {"bytes": size, **summary(ts, size)}


def profile_sample(
    pieces: Sequence[str], run: Callable[[Sequence[str]], int], top: int
) -> dict[str, Any]:
    """cProfile one ``run`` over ``pieces``; the ``top`` functions by own time."""
    profiler = cProfile.Profile()
    profiler.enable()
    found = run(pieces)
    profiler.disable()
    stats = pstats.Stats(profiler, stream=io.StringIO())
    rows = []
    for (file, line, func), (_cc, nc, tt, ct, _callers) in sorted(
        stats.stats.items(), key=lambda kv: -kv[1][2]
    )[:top]:
        name = f"{func} ({Path(file).name}:{line})" if line else func
        rows.append({"function": name, "calls": nc, "tottime_s": tt, "cumtime_s": ct})
    total = sum(v[2] for v in stats.stats.values())
    return {"bytes": sum(utf8_len(p) for p in pieces), "citations": found, "total_s": total,
            "rows": rows}


def profiles(docs: Sequence[str], mb: float, top: int) -> dict[str, Any]:
    """Profiles of ``extract_citations`` (one call per piece) and, where the library has it, of
    the corpus path, on 20 evenly spaced pieces of the corpus totalling ``mb`` MB."""
    pieces = corpus_pieces(docs, int(mb * 1e6), 20)
    out = {
        "extract_citations": profile_sample(
            pieces, lambda ps: sum(len(extract_citations(p)) for p in ps), top
        )
    }
    corpus = corpus_pass()
    if corpus is not None:
        out["analyse+resolve_corpus"] = profile_sample(pieces, corpus, top)
    return out


# ---------------------------------------------------------------------------- report


def fmt_mbps(x: float) -> str:
    return f"{x:.1f}"


def report(res: dict[str, Any]) -> str:
    lines: list[str] = []
    add = lines.append
    m = res["machine"]
    add(f"Command: `{res['command']}`\n")
    add("| | |\n|---|---|")
    for key in ("date", "cpu", "cpus", "load_avg_start", "load_avg_end", "python", "platform",
                "kg"):
        add(f"| {key} | {m[key]} |")
    c = res["corpus"]
    add("")
    add(
        f"Corpus: {c['documents']} documents ({res['corpus_note']}), "
        f"{c['bytes'] / 1e6:.2f} MB UTF-8, NFC; repetitions: {res['repeat']} "
        f"(interleaved), best and median shown."
    )
    add("")
    add("| pass | found | best s | median s | best MB/s | median MB/s |")
    add("|---|---:|---:|---:|---:|---:|")
    n = res["normalise"]
    add(
        f"| NFC normalisation of the raw texts (separate) | – | {n['best_s']:.3f} | "
        f"{n['median_s']:.3f} | {fmt_mbps(n['best_mbps'])} | {fmt_mbps(n['median_mbps'])} |"
    )
    for name, row in c["rows"].items():
        label = SUBJECT_TEXT.get(name) or f"baseline {BASELINE_TEXT[name]}"
        add(
            f"| {label} | {row['found']} | {row['best_s']:.3f} | {row['median_s']:.3f} | "
            f"{fmt_mbps(row['best_mbps'])} | {fmt_mbps(row['median_mbps'])} |"
        )
    if res.get("read"):
        rd = res["read"]
        add(
            f"| `kg.read.read_file` per file (what the CLI does before extracting: decoding "
            f"checks, NFC) | – | {rd['best_s']:.3f} | {rd['median_s']:.3f} | "
            f"{fmt_mbps(rd['best_mbps'])} | {fmt_mbps(rd['median_mbps'])} |"
        )
    if res.get("cli"):
        cli = res["cli"]
        add(
            f"| whole CLI in a subprocess, `{cli['command']}` ({cli['stderr']}; "
            f"start-up alone {cli['startup_best_s']:.2f} s) | – | {cli['best_s']:.3f} | "
            f"{cli['median_s']:.3f} | {fmt_mbps(cli['best_mbps'])} | "
            f"{fmt_mbps(cli['median_mbps'])} |"
        )
    add("")
    add("Ratios, time of the extractor / time of the baseline (lower is better; target ≤ 4):")
    add("")
    add("| | " + " | ".join(f"vs {b}" for b in BASELINES) + " |")
    add("|---|" + "---:|" * len(BASELINES))
    for subject, by_base in c["ratios"].items():
        cells = [
            f"{r['best_over_best']:.2f}x (per-rep median {r['median_per_rep']:.2f}x)"
            for r in by_base.values()
        ]
        add(f"| `{subject}` | " + " | ".join(cells) + " |")
    lin = res["linearity"]
    add("")
    add(
        f"Linearity: a {lin['base_bytes'] / 1000:.0f} KB text (10 evenly spaced runs of whole "
        "lines of the corpus) repeated k times, joined by a blank line, one call per text; "
        "best time, cost per KB, citations found."
    )
    add("")
    has_corpus = "analyse+resolve_corpus" in lin["rows"][0]
    add(
        "| k | MB | extract s | extract µs/KB | find µs/KB | "
        + ("analyse+resolve_corpus µs/KB | " if has_corpus else "")
        + "trie-lower µs/KB | extract / trie | citations | citations / k |"
    )
    add("|---:|---:|---:|---:|---:|" + ("---:|" if has_corpus else "") + "---:|---:|---:|---:|")
    for row in lin["rows"]:
        ex = row["extract_citations"]
        corpus_cell = (
            f"{row['analyse+resolve_corpus']['us_per_kb']:.1f} | " if has_corpus else ""
        )
        add(
            f"| {row['scale']} | {row['bytes'] / 1e6:.2f} | {ex['best_s']:.3f} | "
            f"{ex['us_per_kb']:.1f} | {row['find_citations']['us_per_kb']:.1f} | "
            + corpus_cell
            + f"{row['trie-lower']['us_per_kb']:.1f} | "
            f"{row['ratio_extract_trie']['best_over_best']:.2f}x | {ex['found']} | "
            f"{ex['found'] / row['scale']:.0f} |"
        )
    mem = res["memory"]
    add("")
    add(
        f"Memory: peak RSS of the whole benchmark process {res['maxrss_mb']:.0f} MB (corpus, "
        f"its copies and the linearity texts held at once); tracemalloc peak of one "
        f"`extract_citations` on the {mem['text_bytes'] / 1e6:.1f} MB text "
        f"({mem['citations']} citations): {mem['tracemalloc_peak_bytes'] / 1e6:.1f} MB "
        f"({mem['tracemalloc_peak_bytes'] / mem['text_bytes']:.1f} bytes per input byte)."
    )
    add("")
    add("Targets:")
    add("")
    for subject in c["ratios"]:
        if subject == "find_citations":
            continue
        ex = c["rows"][subject]
        ok = ex["best_mbps"] >= TARGET_MBPS
        add(
            f"- `{subject}` ≥ {TARGET_MBPS:.0f} MB/s: {fmt_mbps(ex['best_mbps'])} MB/s best, "
            f"{fmt_mbps(ex['median_mbps'])} median: {'met' if ok else 'NOT met'}."
        )
        for b in BASELINES:
            r = c["ratios"][subject][b]
            ok = r["best_over_best"] <= TARGET_RATIO
            add(
                f"- `{subject}` ≤ {TARGET_RATIO:.0f}x {b}: {r['best_over_best']:.2f}x: "
                f"{'met' if ok else 'NOT met'}."
            )
    per_kb = [row["extract_citations"]["us_per_kb"] for row in lin["rows"]]
    add(
        f"- linear: µs/KB from {lin['rows'][0]['scale']}x to {lin['rows'][-1]['scale']}x "
        f"changes by {per_kb[-1] / per_kb[0]:.2f}x."
    )
    for subject, p in res.get("profile", {}).items():
        add("")
        add(
            f"Profile of `{subject}` (cProfile, 20 evenly spaced pieces of the corpus, "
            f"{p['bytes'] / 1e6:.1f} MB, {p['citations']} citations, {p['total_s']:.2f} s "
            "under the profiler), by own time:"
        )
        add("")
        add("| function | calls | tottime s | cumtime s |")
        add("|---|---:|---:|---:|")
        for row in p["rows"]:
            add(
                f"| `{row['function']}` | {row['calls']} | {row['tottime_s']:.3f} | "
                f"{row['cumtime_s']:.3f} |"
            )
    return "\n".join(lines)


# ---------------------------------------------------------------------------- main


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--shared", type=Path, default=default_shared(),
                    help="shared folder with seeds/ and corpus/ (default: $KG_SHARED or "
                    "../shared next to the project)")
    ap.add_argument("--repeat", type=int, default=5, help="repetitions (best and median)")
    ap.add_argument("--min-mb", type=float, default=20.0,
                    help="repeat the corpus until it holds at least this many MB")
    ap.add_argument("--scales", default="1,10,100", help="linearity scales, comma-separated")
    ap.add_argument("--linear-kb", type=int, default=100, help="linearity base text, KB")
    ap.add_argument("--no-cli", action="store_true", help="skip the whole-CLI subprocess run")
    ap.add_argument("--profile", action="store_true",
                    help="also cProfile extract_citations and the corpus path on "
                    "a sample of --profile-mb MB")
    ap.add_argument("--profile-mb", type=float, default=2.0)
    ap.add_argument("--profile-top", type=int, default=10)
    ap.add_argument("--json", type=Path, help="also write every measurement to this file")
    return ap.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    args.shared = args.shared.resolve()
    files = corpus_files(args.shared)
    if not files:
        log(f"no .txt files under {args.shared}/{{{','.join(CORPUS_PARTS)}}}")
        return 2
    raw = [f.read_text(encoding="utf-8") for f in files]
    docs = [normalize_text(r) for r in raw]
    size = sum(utf8_len(d) for d in docs)
    copies = 1
    while size * copies < args.min_mb * 1e6:
        copies += 1
    note = "seeds + corpus/news, legal, laws"
    if copies > 1:
        note += f", repeated {copies}x to reach {args.min_mb:g} MB"
    bench_docs = docs * copies
    scales = [int(s) for s in args.scales.split(",") if s.strip()]

    shared_display = os.path.relpath(args.shared, ROOT)
    command = " ".join(
        [".venv/bin/python scripts/bench_extract.py", *(argv if argv is not None else sys.argv[1:])]
    )
    res: dict[str, Any] = {
        "command": command,
        "shared": shared_display,
        "machine": machine_info(),
        "repeat": args.repeat,
        "corpus_note": note,
    }
    log(f"normalisation: {len(raw)} texts")
    res["normalise"] = bench_normalise(raw, args.repeat)
    res["corpus"] = bench_corpus(bench_docs, args.repeat)
    res["linearity"] = bench_linearity(docs, args.linear_kb, scales, args.repeat)
    log("memory (tracemalloc)")
    res["memory"] = bench_memory(docs, args.linear_kb, max(scales))
    if not args.no_cli:
        log("whole CLI")
        res["read"] = bench_read(files, min(args.repeat, 3))
        res["cli"] = bench_cli(args.shared, min(args.repeat, 3))
    if args.profile:
        log("profile")
        res["profile"] = profiles(docs, args.profile_mb, args.profile_top)
    res["machine"]["load_avg_end"] = machine_info()["load_avg_start"]
    res["maxrss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(report(res))
    if args.json:
        args.json.write_text(json.dumps(res, indent=2, ensure_ascii=False) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
