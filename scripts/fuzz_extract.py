#!/usr/bin/env python3
"""Fuzz the extractor and the normaliser with the properties of ``tests/test_properties.py``.

The grammar of citation-like text and the property checks are imported from the test module
(one source of truth); this script only drives them for many examples and times the run.

Engines:

* ``random`` (default): every example comes from its own ``random.Random(f"{seed}:{index}")``
  through the test module's ``RandomPicker``, so a failing example is reproduced with
  ``--seed S --start INDEX --examples 1``.  No shrinking; failures are printed as they are.
* ``hypothesis``: the same grammar through ``HypothesisPicker`` under ``hypothesis.given``
  (``max_examples`` = ``--examples``, no database, no deadline); slower, but a failure is
  shrunk to a minimal example.

Properties (``--property``, default ``extraction``; ``all`` runs each in turn):

* ``extraction``: citation-like text; never raises, offsets inside the normalised text,
  ``text[start:end]`` is the span, sorted, non-overlapping, fields well formed, reproducible;
* ``arbitrary``: the same checks on arbitrary Unicode (up to 400 code points);
* ``nfc-nfd``: NFC, NFD and the raw text give equal citations;
* ``variants``: tone placement, Đ look-alikes, dash/slash/space variants give equal citations;
* ``prefix``: an unrelated prefix paragraph shifts offsets and changes nothing else;
* ``suffix``: a new paragraph after a neutral line leaves earlier citations (but doc_id).

The report is Markdown on standard output (progress on standard error), for BENCHMARKS.md.

Usage::

    .venv/bin/python scripts/fuzz_extract.py                      # 100 000 x extraction
    .venv/bin/python scripts/fuzz_extract.py --property all --examples 100000
    .venv/bin/python scripts/fuzz_extract.py --engine hypothesis --examples 10000
    .venv/bin/python scripts/fuzz_extract.py --seed 3 --start 4711 --examples 1 --show
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import random
import subprocess
import sys
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT))

import test_properties as props  # noqa: E402
from hypothesis import HealthCheck, Phase, given, settings  # noqa: E402

import kg  # noqa: E402

Generator = Callable[[props.Picker], tuple[Any, ...]]


def _extraction(p: props.Picker) -> tuple[Any, ...]:
    return (props.citation_text(p),)


def _arbitrary(p: props.Picker) -> tuple[Any, ...]:
    return (props.arbitrary(p, max_size=400),)


def _nfc_nfd(p: props.Picker) -> tuple[Any, ...]:
    return (props.any_body(p),)


def _prefix(p: props.Picker) -> tuple[Any, ...]:
    return (props.safe_prefix(p), props.any_body(p, exclude=props.CASE_TRAPS))


def _suffix(p: props.Picker) -> tuple[Any, ...]:
    return (
        props.citation_text(p, exclude=props.CASE_TRAPS),
        props.pick(p, props.SEPARATORS),
        props.any_body(p, exclude=props.CASE_TRAPS),
    )


PROPERTIES: dict[str, tuple[Generator, Callable[..., Any]]] = {
    "extraction": (_extraction, props.check_extraction),
    "arbitrary": (_arbitrary, props.check_extraction),
    "nfc-nfd": (_nfc_nfd, props.check_nfc_nfd),
    "variants": (props.variant_pair, props.check_variants),
    "prefix": (_prefix, props.check_prefix),
    "suffix": (_suffix, props.check_suffix),
}


@dataclass
class Result:
    name: str
    engine: str
    examples: int = 0
    seconds: float = 0.0
    check_seconds: float = 0.0
    chars: int = 0
    citations: int = 0
    failures: list[str] = field(default_factory=list)


def _count(result: Result, args: tuple[Any, ...], out: Any) -> None:
    result.examples += 1
    result.chars += sum(len(a) for a in args if isinstance(a, str))
    if isinstance(out, list):
        result.citations += len(out)


def run_random(name: str, n: int, seed: int, start: int, show: bool, max_failures: int,
               progress: int) -> Result:
    generate, check = PROPERTIES[name]
    result = Result(name, "random")
    t0 = time.perf_counter()
    for index in range(start, start + n):
        picker = props.RandomPicker(random.Random(f"{seed}:{index}"))
        args = generate(picker)
        if show:
            print(f"example {index}: {args!r}", file=sys.stderr)
        c0 = time.perf_counter()
        try:
            out = check(*args)
        except Exception as exc:  # report every kind of failure, crash or property
            result.failures.append(
                f"{name} seed={seed} index={index}: {type(exc).__name__}: {exc}\n"
                f"  input: {args!r}\n"
                + "".join(traceback.format_exception(exc)[-3:])
            )
            print(result.failures[-1], file=sys.stderr)
            out = None
            if len(result.failures) >= max_failures:
                result.check_seconds += time.perf_counter() - c0
                _count(result, args, out)
                break
        result.check_seconds += time.perf_counter() - c0
        _count(result, args, out)
        if progress and result.examples % progress == 0:
            rate = result.examples / (time.perf_counter() - t0)
            print(f"  {name}: {result.examples} examples, {rate:.0f}/s", file=sys.stderr)
    result.seconds = time.perf_counter() - t0
    return result


def run_hypothesis(name: str, n: int, seed: int, progress: int) -> Result:
    generate, check = PROPERTIES[name]
    result = Result(name, "hypothesis")
    t0 = time.perf_counter()

    @settings(
        max_examples=n, database=None, deadline=None, derandomize=False,
        suppress_health_check=list(HealthCheck), phases=[Phase.generate, Phase.shrink],
    )
    @given(args=props.hypothesis_strategy(generate))
    def test(args: tuple[Any, ...]) -> None:
        c0 = time.perf_counter()
        try:
            out = check(*args)
        finally:
            result.check_seconds += time.perf_counter() - c0
        _count(result, args, out)
        if progress and result.examples % progress == 0:
            rate = result.examples / (time.perf_counter() - t0)
            print(f"  {name}: {result.examples} examples, {rate:.0f}/s", file=sys.stderr)

    seeded = __import__("hypothesis").seed(seed)(test)
    try:
        seeded()
    except Exception as exc:
        result.failures.append(f"{name}: {type(exc).__name__}: {exc}")
        print(result.failures[-1], file=sys.stderr)
    result.seconds = time.perf_counter() - t0
    return result


def git_revision() -> str:
    try:
        rev = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT,
                             capture_output=True, text=True, check=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no", "--",
                                "kg"], cwd=ROOT, capture_output=True, text=True,
                               check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return rev + (" (kg/ modified)" if dirty else "")


def load() -> str:
    try:
        return " ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        return "n/a"


def report(results: list[Result], args: argparse.Namespace, load_start: str) -> str:
    lines = [
        "| | |",
        "|---|---|",
        f"| date | {dt.datetime.now(dt.UTC).strftime('%Y-%m-%d %H:%M UTC')} |",
        f"| python | {platform.python_implementation()} {platform.python_version()}, "
        f"hypothesis {__import__('hypothesis').__version__} |",
        f"| platform | {platform.platform()} |",
        f"| kg | {kg.__version__}, git {git_revision()} |",
        f"| load_avg start / end | {load_start} / {load()} |",
        f"| command | `scripts/fuzz_extract.py {' '.join(sys.argv[1:])}` |",
        "",
        "| property | engine | examples | failures | total s | examples/s | check s "
        "| mean chars | citations |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        rate = r.examples / r.seconds if r.seconds else 0.0
        mean = r.chars / r.examples if r.examples else 0.0
        cites = str(r.citations) if r.name in ("extraction", "arbitrary") else "–"
        lines.append(
            f"| {r.name} | {r.engine} | {r.examples} | {len(r.failures)} | {r.seconds:.1f} "
            f"| {rate:.0f} | {r.check_seconds:.1f} | {mean:.0f} | {cites} |"
        )
    lines.append("")
    lines.append(f"seed {args.seed}; `check s` is the time inside the property checks (the "
                 "rest is generating the examples).")
    for r in results:
        for failure in r.failures:
            lines += ["", "```", failure.rstrip(), "```"]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--examples", type=int, default=100_000,
                        help="examples per property (default 100000)")
    parser.add_argument("--property", default="extraction",
                        choices=[*PROPERTIES, "all"])
    parser.add_argument("--engine", default="random", choices=["random", "hypothesis"])
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--start", type=int, default=0,
                        help="index of the first example (random engine)")
    parser.add_argument("--max-failures", type=int, default=20)
    parser.add_argument("--progress", type=int, default=10_000,
                        help="print progress every N examples (0: never)")
    parser.add_argument("--show", action="store_true", help="print every example (stderr)")
    args = parser.parse_args(argv)
    names = list(PROPERTIES) if args.property == "all" else [args.property]
    load_start = load()
    results = []
    for name in names:
        print(f"{name}: {args.examples} examples ({args.engine})", file=sys.stderr)
        if args.engine == "random":
            results.append(run_random(name, args.examples, args.seed, args.start, args.show,
                                      args.max_failures, args.progress))
        else:
            results.append(run_hypothesis(name, args.examples, args.seed, args.progress))
    print(report(results, args, load_start))
    return 1 if any(r.failures for r in results) else 0


if __name__ == "__main__":
    sys.exit(main())
