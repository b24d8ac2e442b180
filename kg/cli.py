"""The ``kg`` command line: a thin adapter over the library.

Commands parse arguments, call the library and format its results.  Library errors become
``click.ClickException`` here and nowhere else; bad input files are reported one line each on
standard error while the other files are processed.
"""

from __future__ import annotations

import csv
import io
import json
import shutil
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import click

from kg import __version__
from kg.evaluate import GoldFormatError, evaluate, format_score, load_gold
from kg.models import Citation, ReadError, SourceText
from kg.pipeline import analyse_text, build_corpus, extract_citations
from kg.read import DEFAULT_MAX_BYTES, ReadOptions, iter_sources, read_file
from kg.resolve import TextCitations, resolve_corpus

CONTEXT_SETTINGS = {"help_option_names": ["-h", "--help"], "max_content_width": 100}

EXIT_SOME_FAILED = 1


@click.group(context_settings=CONTEXT_SETTINGS)
@click.version_option(__version__, prog_name="kg")
def main() -> None:
    """kg: find citations of Vietnamese legal and Party documents and build a graph of them.

    \b
    Examples:
      kg extract report.txt                 # a table of the citations in one text
      kg extract --format jsonl texts/ > citations.jsonl
      kg eval gold.jsonl --texts texts/     # precision, recall and field accuracy
    """


def _input_options(func: Any) -> Any:
    """Options shared by the commands that read texts."""
    func = click.option(
        "--include", multiple=True, metavar="GLOB",
        help="Only read files in directories matching GLOB (repeatable), e.g. '*.txt'.",
    )(func)
    func = click.option(
        "--exclude", multiple=True, metavar="GLOB",
        help="Skip files in directories matching GLOB (repeatable).",
    )(func)
    func = click.option(
        "--max-size", type=click.IntRange(min=1), default=DEFAULT_MAX_BYTES // 1_000_000,
        show_default=True, metavar="MB", help="Refuse files larger than this many megabytes.",
    )(func)
    func = click.option(
        "--strict", is_flag=True, help="Stop at the first file that cannot be read."
    )(func)
    return func


def _read_options(include: Sequence[str], exclude: Sequence[str], max_size: int) -> ReadOptions:
    return ReadOptions(tuple(include), tuple(exclude), max_size * 1_000_000)


def _report_error(error: ReadError, strict: bool) -> None:
    if strict:
        raise click.ClickException(f"{error.path}: {error.reason}")
    click.echo(f"kg: error: {error.path}: {error.reason}", err=True)


@main.command(context_settings=CONTEXT_SETTINGS)
@click.argument("inputs", nargs=-1, type=str)
@click.option(
    "--format", "fmt", type=click.Choice(["table", "jsonl", "json", "csv"]), default="table",
    show_default=True, help="Output format; jsonl is one citation per line (a stable contract).",
)
@click.option(
    "--show-normalised", "--show-normalized", "show_normalised", is_flag=True,
    help="Print the normalised text that offsets refer to, instead of citations.",
)
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="Write to this file instead of standard output.")
@_input_options
def extract(
    inputs: tuple[str, ...],
    fmt: str,
    show_normalised: bool,
    output: Path | None,
    include: tuple[str, ...],
    exclude: tuple[str, ...],
    max_size: int,
    strict: bool,
) -> None:
    """Find the citations in texts (files, directories, or '-' for standard input).

    Offsets are code points into the NFC-normalised text; --show-normalised prints that text.
    Files that cannot be read are reported on standard error and skipped; the exit code is 1
    when any file failed.

    \b
    Examples:
      kg extract report.txt
      kg extract --format jsonl ../shared/seeds/ > citations.jsonl
      cat report.txt | kg extract --format csv -
    """
    sources = iter_sources(inputs or ("-",), _read_options(include, exclude, max_size))
    failed = texts = 0
    rows: list[Citation] = []
    normalised: list[SourceText] = []
    analysed: list[TextCitations] = []
    for item in sources:
        if isinstance(item, ReadError):
            failed += 1
            _report_error(item, strict)
            continue
        texts += 1
        if show_normalised:
            normalised.append(item)
            continue
        analysed.append(analyse_text(item))
    # Resolve across all inputs, so doc_id is the document IRI that `kg build` gives.
    for t in resolve_corpus(analysed).texts:
        rows.extend(t.citations)
    count = len(rows)
    out = io.StringIO()
    if show_normalised:
        for source in normalised:
            if len(normalised) > 1:
                out.write(f"==> {source.path} <==\n")
            out.write(source.text)
            if not source.text.endswith("\n"):
                out.write("\n")
    else:
        _write_citations(rows, fmt, out)
    _emit(out.getvalue(), output)
    sys.stdout.flush()  # the summary below goes to stderr: keep it after the table
    click.echo(
        f"kg: {texts} text{'s' if texts != 1 else ''}, {count} citations"
        + (f", {failed} file{'s' if failed != 1 else ''} failed" if failed else ""),
        err=True,
    )
    if failed:
        sys.exit(EXIT_SOME_FAILED)


def _emit(text: str, output: Path | None) -> None:
    if output is None:
        click.echo(text, nl=False)
        return
    tmp = output.with_name(output.name + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(output)


def _write_citations(rows: Iterable[Citation], fmt: str, out: io.StringIO) -> None:
    dicts = [c.to_dict() for c in rows]
    if fmt == "jsonl":
        for d in dicts:
            out.write(json.dumps(d, ensure_ascii=False) + "\n")
    elif fmt == "json":
        out.write(json.dumps(dicts, ensure_ascii=False, indent=2) + "\n")
    elif fmt == "csv":
        columns = list(Citation(0, 0, "", "").to_dict())
        writer = csv.DictWriter(out, fieldnames=columns, lineterminator="\n")
        writer.writeheader()
        for d in dicts:
            writer.writerow(
                {k: "; ".join(v) if isinstance(v, list) else v for k, v in d.items()}
            )
    else:
        out.write(format_table(list(rows)))


def format_table(rows: Sequence[Citation]) -> str:
    """Citations as an aligned, readable table that fits the terminal."""
    headers = ["file", "span", "type", "symbol / number", "date", "issuer", "term", "document"]
    table = [
        [
            Path(c.file).name if c.file else "",
            f"{c.start}-{c.end}",
            c.type,
            c.symbol or c.name or c.number or "",
            c.date or (str(c.year) if c.year else ""),
            c.issuer or "",
            c.term or "",
            c.doc_id or "",
        ]
        for c in rows
    ]
    if not table:
        return "(no citations)\n"
    width = shutil.get_terminal_size((160, 24)).columns
    caps = [24, 12, 20, 26, 10, 40, 5, 30]
    widths = [
        min(cap, max(len(h), *(len(r[i]) for r in table))) for i, (h, cap) in enumerate(
            zip(headers, caps, strict=True)
        )
    ]
    while sum(widths) + 2 * len(widths) > width and widths[5] > 12:
        widths[5] -= 1

    def fit(value: str, w: int) -> str:
        return value if len(value) <= w else value[: w - 1] + "…"

    lines = ["  ".join(fit(h, w).ljust(w) for h, w in zip(headers, widths, strict=True))]
    lines.append("  ".join("-" * w for w in widths))
    for r in table:
        lines.append("  ".join(fit(v, w).ljust(w) for v, w in zip(r, widths, strict=True)))
    return "\n".join(line.rstrip() for line in lines) + "\n"


@main.command("eval", context_settings=CONTEXT_SETTINGS)
@click.argument("gold", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--texts", "texts_dir", required=True,
              type=click.Path(exists=True, file_okay=False, path_type=Path),
              help="Folder holding the annotated texts (file names as in the gold file).")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
              show_default=True)
@click.option("--quiet", is_flag=True, help="Only the figures, not the list of errors.")
def eval_command(gold: Path, texts_dir: Path, fmt: str, quiet: bool) -> None:
    """Score the extractor against a gold file: precision, recall, F1 and field accuracy,
    with the list of misses and false alarms.

    \b
    Example:
      kg eval ../shared/gold/seeds.gold.jsonl --texts ../shared/seeds
    """
    try:
        records = load_gold(gold)
    except GoldFormatError as exc:
        raise click.ClickException(str(exc)) from exc

    def predict(name: str) -> list[Citation] | None:
        source = read_file(texts_dir / name)
        if isinstance(source, ReadError):
            click.echo(f"kg: error: {source.path}: {source.reason}", err=True)
            return None
        return extract_citations(source.text, file=name)

    score = evaluate(records, predict)
    if fmt == "json":
        click.echo(json.dumps(score.to_dict(), ensure_ascii=False, indent=2))
    else:
        click.echo(format_score(score, details=not quiet))


@main.command(context_settings=CONTEXT_SETTINGS)
@click.argument("inputs", nargs=-1, required=True, type=str)
@click.option("-o", "--out", "out_dir", type=click.Path(file_okay=False, path_type=Path),
              default=Path("out"), show_default=True, help="Folder for the outputs.")
@click.option("--no-store", is_flag=True, help="Do not build the on-disk query store.")
@_input_options
def build(
    inputs: tuple[str, ...],
    out_dir: Path,
    no_store: bool,
    include: tuple[str, ...],
    exclude: tuple[str, ...],
    max_size: int,
    strict: bool,
) -> None:
    """Build the knowledge graph of texts (files, directories, or '-' for standard input).

    \b
    Writes into the output folder:
      graph.ttl        the graph in Turtle (documents, bodies, sources, mentions, relations)
      citations.jsonl  every citation (kg extract's format; doc_id is the document IRI)
      relations.jsonl  every relation with its evidence sentence
      store/           an Oxigraph store of the graph, for kg query and kg trace

    \b
    Examples:
      kg build ../shared/seeds -o out/
      kg build reports/ --include '*.txt' -o out/
    """
    from kg.export import write_citations, write_relations, write_turtle
    from kg.graph import build_graph

    sources: list[SourceText] = []
    failed = 0
    for item in iter_sources(inputs, _read_options(include, exclude, max_size)):
        if isinstance(item, ReadError):
            failed += 1
            _report_error(item, strict)
        else:
            sources.append(item)
    if not sources:
        raise click.ClickException("no readable texts among the inputs")
    with _progress(len(sources), "extracting") as bar:
        corpus = build_corpus(sources, on_text=lambda _source: bar.update(1))
    graph = build_graph(corpus)
    write_turtle(graph, out_dir / "graph.ttl")
    n_citations = write_citations(corpus, out_dir / "citations.jsonl")
    n_relations = write_relations(corpus, out_dir / "relations.jsonl")
    if not no_store:
        from kg.store import build_store

        build_store(out_dir / "graph.ttl", out_dir / "store")
    documents = corpus.resolution.documents.values()
    warnings = sum(len(c.warnings) for t in corpus.texts for c in t.citations)
    conflicts = sum(1 for d in documents if d.conflicts)
    ambiguous = sum(1 for d in documents if d.ambiguous)
    bodies = len({b for d in documents for b in d.issuers})
    sys.stdout.flush()
    click.echo(
        f"kg: {len(sources)} texts, {n_citations} citations, {len(documents)} documents, "
        f"{bodies} bodies, {n_relations} relations, {len(graph)} triples; "
        f"{conflicts} conflicts, {ambiguous} ambiguous, {warnings} warnings"
        + (f"; {failed} files failed" if failed else "")
        + f" -> {out_dir}/",
        err=True,
    )
    if failed:
        sys.exit(EXIT_SOME_FAILED)


def _progress(total: int, label: str) -> Any:
    """A progress bar on standard error for long runs; silent when stderr is not a terminal."""
    from tqdm import tqdm

    return tqdm(total=total, desc=label, unit="text", file=sys.stderr,
                disable=total < 20 or not sys.stderr.isatty())
