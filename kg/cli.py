"""The ``kg`` command line: a thin adapter over the library.

Commands parse arguments, call the library and format its results.  Library errors become
``click.ClickException`` here and nowhere else; bad input files are reported one line each on
standard error while the other files are processed.
"""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import click

from kg import __version__
from kg.evaluate import GoldFormatError, evaluate, format_score, load_gold
from kg.models import Citation, ReadError, SourceText
from kg.pipeline import analyse_text, build_corpus, extract_citations, paused_gc
from kg.read import (
    DEFAULT_MAX_BYTES,
    ReadOptions,
    count_inputs,
    iter_inputs,
    iter_sources,
    read_file,
)
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
      kg build reports/ -o out/             # graph.ttl, graph.html, store, JSON Lines
      kg trace -g out "Nghị quyết 25-NQ/TW" --year 2013
      kg query out most-cited               # a bundled SPARQL query
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
        analysed.append(analyse_text(item, for_graph=False))
    # Resolve across all inputs, so doc_id is the document IRI that `kg build` gives.
    for t in resolve_corpus(analysed).texts:
        rows.extend(t.citations)
        rows.extend(t.sidebar)  # part="sidebar": listed beside the article, not in it
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
            (c.doc_id or "").rsplit("/", 1)[-1] + (" (sidebar)" if c.part == "sidebar" else ""),
        ]
        for c in rows
    ]
    if not table:
        return "(no citations)\n"
    return _text_table(headers, table)


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
@click.option("--no-html", is_flag=True, help="Do not draw the graph page (graph.html).")
@click.option("-j", "--workers", type=click.IntRange(min=0), default=1, show_default=True,
              help="Processes that read and analyse texts in parallel (0: one per CPU core).")
@click.option("--dask", "dask_address", metavar="tcp://HOST:PORT",
              help="Read and analyse the texts on this Dask cluster (dask.distributed) instead "
                   "of local processes; the graph is written here, also as N-Triples shards "
                   "(graph-nt/) for bulk loading.")
@click.option("--shards", is_flag=True,
              help="Also write the graph as N-Triples shards of 1,000,000 triples "
                   "(graph-nt/graph-00000.nt, ...), the form triplestores bulk-load.")
@click.option("--update", is_flag=True,
              help="Add to the graph already in the output folder: only new or changed "
                   "files are analysed (by content hash); earlier texts stay in the graph.")
@_input_options
def build(
    inputs: tuple[str, ...],
    out_dir: Path,
    no_store: bool,
    no_html: bool,
    workers: int,
    dask_address: str | None,
    shards: bool,
    update: bool,
    include: tuple[str, ...],
    exclude: tuple[str, ...],
    max_size: int,
    strict: bool,
) -> None:
    """Build the knowledge graph of texts (files, directories, or '-' for standard input).

    Texts may be .txt, .md, .html, .docx, .pdf or JSON Lines (one text a record).  Outputs are
    written atomically: an interrupted run leaves the previous ones intact.

    \b
    Writes into the output folder:
      graph.ttl        the graph in Turtle (documents, bodies, sources, mentions, relations)
      citations.jsonl  every citation (kg extract's format; doc_id is the document IRI)
      relations.jsonl  every relation with its evidence sentence
      graph.html       the graph as one interactive page that opens offline (kg html), for
                       graphs of up to 10,000 documents and texts
      store/           an Oxigraph store of the graph, for kg query, kg trace and kg serve
      graph-nt/        with --shards or --dask: the graph as N-Triples files
      analysis/        per-text results by content hash, for kg build --update

    \b
    Examples:
      kg build ../shared/seeds -o out/
      kg build reports/ --include '*.txt' -o out/ --workers 0
      kg build new-reports/ -o out/ --update
      kg build archive/ -o out/ --dask tcp://scheduler.example:8786
    """
    from kg.cache import AnalysisCache
    from kg.distributed import ClusterError
    from kg.export import write_graph_files, write_ntriples_shards
    from kg.store import StoreError, build_store_in_background

    options = _read_options(include, exclude, max_size)
    failed = 0
    texts = 0

    def on_error(error: ReadError) -> None:
        nonlocal failed
        failed += 1
        _report_error(error, strict)

    def on_text(_result: TextCitations) -> None:
        nonlocal texts
        texts += 1
        bar.update(1)

    cache = AnalysisCache.open(out_dir / "analysis")
    n_workers = workers or os.cpu_count() or 1
    # Everything is written into a staging folder first and moved into place at the end, so
    # an error or Ctrl-C on the way leaves the previous outputs whole.
    stage = out_dir / f".kg-build-{os.getpid()}"
    stage.mkdir(parents=True, exist_ok=True)
    spill = stage / "texts.spill"  # the analysed texts, read back while writing
    finish_store = None
    try:
        with _progress(count_inputs(inputs, options), "analysing") as bar:
            try:
                corpus = build_corpus(
                    iter_inputs(inputs, options), workers=n_workers, cache=cache,
                    update=update, on_text=on_text, on_error=on_error, cluster=dask_address,
                    spill=spill,
                )
            except ClusterError as exc:
                raise click.ClickException(str(exc)) from exc
        if not corpus.texts:
            raise click.ClickException("no readable texts among the inputs")
        documents = corpus.resolution.documents.values()
        summary = {
            "texts": len(corpus.texts),
            "documents": len(documents),
            "bodies": len({b for d in documents for b in d.issuers}),
            "conflicts": sum(1 for d in documents if d.conflicts),
            "ambiguous": sum(1 for d in documents if d.ambiguous),
        }
        with paused_gc():  # the writers make millions of short-lived objects, no cycles
            written = write_graph_files(corpus, stage / "graph.ttl", stage / "citations.jsonl",
                                        stage / "relations.jsonl")
        del corpus, documents
        spill.unlink()
        if not no_store:
            # The bulk load runs in its own process while the other outputs are written.
            finish_store = build_store_in_background(
                stage / "graph.ttl", out_dir / "store", trusted=True
            )
        if shards or dask_address:
            write_ntriples_shards(stage / "graph.ttl", stage / "graph-nt")
        nodes = summary["texts"] + summary["documents"]
        if not no_html and nodes <= HTML_MAX_NODES:
            from kg.graph import graph_of_turtle
            from kg.html import write_graph_page

            graph = graph_of_turtle((stage / "graph.ttl").read_bytes())
            write_graph_page(graph, stage / "graph.html")
            del graph
        elif not no_html:
            click.echo(f"kg: graph.html not drawn: {nodes:,} documents and texts are more than "
                       f"one page shows ({HTML_MAX_NODES:,}); query the store instead "
                       "(kg query, kg trace, kg serve)", err=True)
        if finish_store is not None:
            finish, finish_store = finish_store, None
            finish(True)
        for output in sorted(stage.iterdir()):
            target = out_dir / output.name
            if output.is_dir() and target.is_dir():
                shutil.rmtree(target)
            os.replace(output, target)
    except StoreError as exc:
        raise click.ClickException(str(exc)) from exc
    finally:
        if finish_store is not None:  # stopped on the way: the previous store stays
            finish_store(False)
        shutil.rmtree(stage, ignore_errors=True)
    reused = f", {cache.hits} unchanged" if cache.hits else ""
    sys.stdout.flush()
    click.echo(
        f"kg: {summary['texts']} texts ({texts} read{reused}), {written.citations} citations, "
        f"{summary['documents']} documents, {summary['bodies']} bodies, {written.relations} "
        f"relations, {written.triples} triples; {summary['conflicts']} conflicts, "
        f"{summary['ambiguous']} ambiguous, {written.warnings} warnings"
        + (f"; {failed} inputs failed" if failed else "")
        + f" -> {out_dir}/",
        err=True,
    )
    if failed:
        sys.exit(EXIT_SOME_FAILED)


HTML_MAX_NODES = 10_000
"""The largest graph (documents and texts) kg build draws as a page: beyond it the page takes
too long to open (BENCHMARKS.md: the graph page)."""


@main.command("html", context_settings=CONTEXT_SETTINGS)
@click.argument("graph_file", metavar="GRAPH",
                type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              default=Path("graph.html"), show_default=True, help="The page to write.")
@click.option("--title", default=None, help="The page's title.")
def html_command(graph_file: Path, output: Path, title: str | None) -> None:
    """Draw a built graph (graph.ttl, from kg build) as one interactive HTML page.

    The page opens from the file system with no network: everything it needs is inside it.
    Search a document by symbol or title, filter by type, issuer, relation and year, click a
    node for its details and the sentences that cite it.

    \b
    Examples:
      kg html out/graph.ttl -o out/graph.html
      kg html out/graph.ttl -o reports.html --title "Báo cáo dân vận 2020-2023"
    """
    from kg.html import DEFAULT_TITLE, write_graph_page

    graph = _parse_graph(graph_file)
    info = write_graph_page(graph, output, title=title or DEFAULT_TITLE)
    click.echo(f"kg: {info.nodes} nodes, {info.edges} links, "
               f"{info.bytes / 1e6:.1f} MB -> {info.path}", err=True)


def _parse_graph(graph_file: Path) -> Any:
    """A built graph read with rdflib; a file that is not RDF is a one-line error."""
    from rdflib import Graph
    from rdflib.util import guess_format

    graph = Graph()
    try:
        graph.parse(graph_file, format=guess_format(str(graph_file)) or "turtle")
    except Exception as exc:  # rdflib raises many kinds of parse errors
        detail = " ".join(str(exc).split())[:160] or type(exc).__name__
        raise click.ClickException(f"{graph_file}: not a readable RDF graph ({detail})") from exc
    return graph


@main.command(context_settings=CONTEXT_SETTINGS)
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="The page to write [default: FILE.html beside FILE].")
@click.option("--graph-page", metavar="URL",
              help="Link each citation to its node in this graph page (a path relative to "
                   "the output, e.g. graph.html); default: to the document's IRI.")
@click.option("--graph", "graph_file", metavar="GRAPH",
              type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="The graph.ttl the text was built into: link to the documents it gives "
                   "the text's mentions (else the text is resolved on its own).")
def annotate(file: Path, output: Path | None, graph_page: str | None,
             graph_file: Path | None) -> None:
    """Mark the citations of a text: each one highlighted, its fields in a tooltip, and a
    link to its document.

    A plain text becomes a page of its own; an HTML page (.html, .htm) keeps its markup, with
    the links inserted (and its scripts disabled).

    \b
    Examples:
      kg annotate report.txt -o report.html
      kg annotate report.txt -o out/report.html --graph-page graph.html --graph out/graph.ttl
      kg annotate page.html -o page.annotated.html
    """
    from kg.annotate import write_annotation

    output = output or file.with_name(file.name + ".html")
    if output.resolve() == file.resolve():
        raise click.ClickException("the output would overwrite the input; choose another -o")
    graph = _parse_graph(graph_file) if graph_file is not None else None
    try:
        info = write_annotation(file, output, graph_page=graph_page, graph=graph)
    except ValueError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"kg: {info.citations} citations of {info.documents} documents -> {info.path}",
               err=True)


def _progress(total: int | None, label: str) -> Any:
    """A progress bar on standard error (texts per second, and an ETA when the total is
    known); silent when stderr is not a terminal."""
    from tqdm import tqdm

    return tqdm(total=total, desc=label, unit="text", file=sys.stderr,
                disable=not sys.stderr.isatty(), smoothing=0.1)


# --------------------------------------------------------------------------------------------
# kg query and kg trace: SPARQL over the built graph (kg.store, kg.trace)

EXIT_AMBIGUOUS = 2


@main.command(context_settings=CONTEXT_SETTINGS)
@click.argument("graph", type=click.Path(path_type=Path))
@click.argument("query", type=str)
@click.option(
    "--bind", "binds", multiple=True, metavar="NAME=VALUE",
    help="Bind the query variable ?NAME to VALUE (repeatable). VALUE is an IRI as <...> or "
    "prefix:name (doc:25-nq-tw-2013, kgdt:nghi-quyet), a literal as \"text\", \"text\"@vi or "
    "\"2013\"^^xsd:gYear, and otherwise a plain string. Values are bound, never pasted into "
    "the query.",
)
@click.option(
    "--format", "fmt", type=click.Choice(["table", "csv", "json"]), default="table",
    show_default=True, help="Output format; table abbreviates IRIs, csv and json keep them whole.",
)
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="Write to this file instead of standard output.")
def query(
    graph: Path, query: str, binds: tuple[str, ...], fmt: str, output: Path | None
) -> None:
    """Run a SPARQL query on a built graph.

    GRAPH is a kg build output folder (its store/, else its graph.ttl), a store folder or an RDF
    file (.ttl, .nt). QUERY is the name of a shipped query (the files of ontology/queries:
    documents, most-cited, implementers, source-citations, by-issuer, citation-history,
    citations-per-year, conflicts, conflict-evidence), a .rq file, or SPARQL text. The
    prefixes kg:, eli:, doc:, body:, source:, kgdt:, skos:, dcterms:, rdf:, rdfs:, xsd: ...
    may be used without declaring them. A bound variable must be in the SELECT
    clause (the shipped queries select all their parameters).

    \b
    Examples:
      kg query out/ most-cited
      kg query out/ implementers --bind target=doc:25-nq-tw-2013 --format csv
      kg query out/ documents --bind type=kgdt:ket-luan --format json
      kg query out/ source-citations --bind source=source:bao-cao-txt-1a2b3c4d
      kg query out/ conflict-evidence --bind doc=doc:25-nq-tw-2013
      kg query out/graph.ttl 'SELECT ?doc ?symbol WHERE { ?doc eli:id_local ?symbol }'
      kg query out/ 'SELECT ?doc ?symbol WHERE { ?doc eli:id_local ?symbol }' \\
          --bind 'symbol=25-NQ/TW'
    """
    import time

    from kg.store import StoreError, open_graph, parse_bind_value, resolve_query

    try:
        bindings = {}
        for item in binds:
            name, sep, value = item.partition("=")
            if not sep or not name.strip():
                raise click.BadParameter(f"expected NAME=VALUE, got {item!r}", param_hint="--bind")
            bindings[name.strip().lstrip("?$")] = parse_bind_value(value)
        sparql, _origin = resolve_query(query)
        store = open_graph(graph)
        if store.note:
            click.echo(f"kg: note: {store.note}", err=True)
        started = time.perf_counter()
        result = store.query(sparql, bindings)
        elapsed = time.perf_counter() - started
    except StoreError as exc:
        raise click.ClickException(str(exc)) from exc
    _emit(_format_result(result, fmt), output)
    sys.stdout.flush()
    click.echo(
        f"kg: {len(result)} row{'s' if len(result) != 1 else ''} ({elapsed:.2f} s)", err=True
    )


def _format_result(result: Any, fmt: str) -> str:
    """A query result as an aligned table, CSV (header row) or a JSON list of objects."""
    from decimal import Decimal

    from kg.store import format_rows

    if fmt == "json":
        def plain(value: Any) -> Any:
            return float(value) if isinstance(value, Decimal) else value

        rows = [{k: plain(v) for k, v in row.items()} for row in result.dicts()]
        return json.dumps(rows, ensure_ascii=False, indent=2) + "\n"
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(result.columns)
        for row in result.rows:
            writer.writerow(
                ["" if v is None else ("true" if v is True else "false" if v is False else v)
                 for v in row]
            )
        return out.getvalue()
    if not result.rows:
        return "(no results)\n"
    return _text_table(list(result.columns), format_rows(result))


def _text_table(headers: list[str], table: list[list[str]]) -> str:
    """An aligned table that fits the terminal: the widest columns are shortened first."""
    width = shutil.get_terminal_size((160, 24)).columns
    widths = [
        min(60, max(len(h), *(len(" ".join(r[i].split())) for r in table)))
        for i, h in enumerate(headers)
    ]
    while sum(widths) + 2 * (len(widths) - 1) > width:
        widest = max(range(len(widths)), key=lambda i: widths[i])
        if widths[widest] <= max(8, len(headers[widest])):
            break
        widths[widest] -= 1

    def fit(value: str, w: int) -> str:
        value = " ".join(value.split())
        return value if len(value) <= w else value[: w - 1] + "…"

    lines = ["  ".join(fit(h, w).ljust(w) for h, w in zip(headers, widths, strict=True))]
    lines.append("  ".join("-" * w for w in widths))
    for r in table:
        lines.append("  ".join(fit(v, w).ljust(w) for v, w in zip(r, widths, strict=True)))
    return "\n".join(line.rstrip() for line in lines) + "\n"


@main.command(context_settings=CONTEXT_SETTINGS)
@click.argument("document", type=str)
@click.option("-g", "--graph", type=click.Path(path_type=Path), default=Path("out"),
              show_default=True, help="The built graph: a kg build folder, a store or a .ttl.")
@click.option("--year", type=int, help="The year of the document, when its symbol is shared.")
@click.option("--depth", type=click.IntRange(min=1), default=6, show_default=True,
              help="Follow chains of at most this many links.")
@click.option("--cited-in", is_flag=True,
              help="Also list, under each document, the sources that merely cite it.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
              show_default=True)
def trace(
    document: str, graph: Path, year: int | None, depth: int, cited_in: bool, fmt: str
) -> None:
    """Show every document and report that implements, follows up, reviews or guides
    DOCUMENT, directly or through a chain, as a tree with dates and evidence sentences.

    DOCUMENT is a citation as written ("Nghị quyết 25-NQ/TW", "25-NQ/TW", "Nghị định
    30/2020/NĐ-CP", "Kết luận 43") or a document IRI (doc:25-nq-tw-2013). When several
    documents fit (Party symbols restart with every term), they are listed with their dates
    and the exit code is 2: pass --year, or the IRI. A document that is not in the graph is an
    error (exit code 1).

    \b
    Examples:
      kg trace "Nghị quyết 25-NQ/TW" --year 2013
      kg trace -g out/ "Nghị quyết số 25-NQ/TW ngày 03/6/2013" --format json
      kg trace doc:43-kl-tw-2019 --cited-in
    """
    from kg.store import StoreError, open_graph, parse_bind_value
    from kg.trace import (
        TraceError,
        find_candidates,
        parse_reference,
        render_candidates,
        render_tree,
    )
    from kg.trace import trace as build_trace

    try:
        store = open_graph(graph)
        if store.note:
            click.echo(f"kg: note: {store.note}", err=True)
        target = _document_iri(document, parse_bind_value)
        if target is not None:
            iri = target
        else:
            candidates = find_candidates(store, document, year)
            if not candidates:
                ref = parse_reference(document)
                others = find_candidates(store, document, any_year=True)
                wanted = year if year is not None else ref.year
                message = f"no document {ref.describe()!r}"
                message += f" of {wanted}" if wanted is not None else ""
                message += f" in {graph}"
                if others:
                    years = ", ".join(
                        str(c.year) if c.year else "undated" for c in others
                    )
                    message += f" (the graph has it for: {years})"
                raise TraceError(message)
            if len(candidates) > 1:
                _report_ambiguous(document, candidates, fmt, render_candidates(candidates))
                sys.exit(EXIT_AMBIGUOUS)
            iri = candidates[0].iri
        tree = build_trace(store, iri, depth, cited_in=cited_in)
    except StoreError as exc:
        raise click.ClickException(str(exc)) from exc
    if fmt == "json":
        click.echo(json.dumps(tree.to_dict(), ensure_ascii=False, indent=2))
    else:
        click.echo(render_tree(tree), nl=False)
    nodes = [n for n in list(tree.nodes())[1:] if n.relation != "cited_in"]
    documents = len({n.iri for n in nodes if n.kind == "document"})
    sources = len({n.iri for n in nodes if n.kind == "source"})
    citing = {n.iri for n in tree.nodes() if n.relation == "cited_in"}
    sys.stdout.flush()
    click.echo(
        f"kg: {documents} document{'s' if documents != 1 else ''} and {sources} "
        f"source{'s' if sources != 1 else ''} act on it"
        + (f"; {len(citing)} more source{'s' if len(citing) != 1 else ''} cite the tree"
           if cited_in else ""),
        err=True,
    )


def _document_iri(text: str, parse: Any) -> str | None:
    """The IRI when DOCUMENT is written as one (<...>, https://..., doc:...), else None."""
    text = text.strip()
    if text.startswith(("http://", "https://")) and " " not in text:
        return text
    if text.startswith(("<", "doc:")):
        value = parse(text)
        return str(value) if type(value).__name__ == "IRI" else None
    return None


def _report_ambiguous(document: str, candidates: Sequence[Any], fmt: str, listing: str) -> None:
    if fmt == "json":
        click.echo(json.dumps(
            {"error": "ambiguous", "document": document,
             "candidates": [c.to_dict() for c in candidates]},
            ensure_ascii=False, indent=2,
        ))
    click.echo(
        f"kg: {document!r} fits {len(candidates)} documents; pass --year YEAR (or the IRI):\n"
        + listing,
        err=True,
    )


# --------------------------------------------------------------------------------------------
# kg serve and kg push: a SPARQL endpoint on the built store, and loading the graph into one
# (kg.serve)


@main.command("serve", context_settings=CONTEXT_SETTINGS)
@click.argument("graph", type=click.Path(path_type=Path), default=Path("out"), required=False)
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on. Anything but a loopback address (127.0.0.1, ::1, "
                   "localhost) opens the server to the network.")
@click.option("-p", "--port", type=click.IntRange(0, 65535), default=7878, show_default=True,
              help="Port to listen on (0: any free port).")
@click.option("--writable", is_flag=True,
              help="Also accept SPARQL updates and Graph Store writes. Changes go into the "
                   "store only (not graph.ttl), and the next kg build replaces them.")
@click.option("--cors", is_flag=True, help="Allow cross-origin requests from web pages.")
@click.option("--union-default-graph", is_flag=True,
              help="Queries without GRAPH or FROM see all named graphs together.")
@click.option("--timeout", "query_timeout", type=click.IntRange(min=1), metavar="SECONDS",
              help="Cancel queries that run longer than this.")
def serve_command(
    graph: Path,
    host: str,
    port: int,
    writable: bool,
    cors: bool,
    union_default_graph: bool,
    query_timeout: int | None,
) -> None:
    """Serve the built graph as a SPARQL endpoint (the Oxigraph server) until Ctrl-C.

    GRAPH is a kg build output folder (its store/ is served) or a store folder. The server is
    read-only unless --writable, and listens on 127.0.0.1 unless --host says otherwise. It
    answers SPARQL 1.1 queries at /query (GET or POST), updates at /update, the Graph Store
    Protocol at /store, and has a query page at /. Run kg build again and restart kg serve
    to serve a new graph. Needs the oxigraph package (pip install oxigraph).

    \b
    Examples:
      kg serve out/
      kg serve out/ --port 8000 --cors
      curl -H 'Accept: text/csv' --data-urlencode 'query=SELECT * WHERE { ?s ?p ?o } LIMIT 5' \\
          http://127.0.0.1:7878/query
    """
    from kg.serve import OxigraphServer, ServeError, is_loopback, run_server

    def ready(server: OxigraphServer) -> None:
        if server.note:
            click.echo(f"kg: note: {server.note}", err=True)
        mode = "read-write" if server.writable else "read-only"
        click.echo(
            f"kg: serving {server.location} ({mode}) at {server.url}\n"
            f"  SPARQL query:  {server.query_url}\n"
            + (f"  SPARQL update: {server.update_url}\n"
               f"  Graph Store:   {server.store_url}\n" if server.writable else "")
            + "kg: press Ctrl-C to stop",
            err=True,
        )

    if not is_loopback(host):
        click.echo(
            f"kg: warning: listening on {host}: other machines can reach this server"
            + (" and change the store" if writable else ""),
            err=True,
        )
    try:
        run_server(
            graph, host, port, writable, on_ready=ready, cors=cors,
            union_default_graph=union_default_graph, query_timeout=query_timeout,
        )
    except ServeError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo("kg: server stopped", err=True)


@main.command("push", context_settings=CONTEXT_SETTINGS)
@click.argument("graph", type=click.Path(path_type=Path), default=Path("out"), required=False)
@click.option("--endpoint", required=True, metavar="URL",
              help="The SPARQL 1.1 Graph Store Protocol endpoint, e.g. Oxigraph "
                   "http://HOST:7878/store, Fuseki http://HOST:3030/DATASET/data, GraphDB "
                   "http://HOST:7200/repositories/ID/rdf-graphs/service, Virtuoso "
                   "http://HOST:8890/sparql-graph-crud-auth.")
@click.option("--graph", "graph_iri", metavar="IRI",
              help="The named graph to replace.  [default: "
                   "https://w3id.org/kg-vn/graph/<name of the GRAPH folder>]")
@click.option("--user", metavar="NAME",
              help="User name for the endpoint (HTTP Basic or Digest); the password is read "
                   "from $KG_PUSH_PASSWORD, or asked for.")
@click.option("--timeout", type=click.FloatRange(min=0, min_open=True), default=300.0,
              show_default=True, metavar="SECONDS",
              help="Give up when the endpoint is silent for this long.")
def push_command(
    graph: Path, endpoint: str, graph_iri: str | None, user: str | None, timeout: float
) -> None:
    """Load the built graph into a SPARQL store as a named graph, replacing its previous
    version (an HTTP PUT of graph.ttl to ENDPOINT?graph=IRI).

    GRAPH is a kg build output folder (its graph.ttl is sent) or an RDF file (.ttl, .nt,
    .rdf). The file is streamed, so large graphs need no memory; raise --timeout when the
    store takes long to commit them.

    \b
    Examples:
      kg push out/ --endpoint http://127.0.0.1:7878/store
      kg push out/ --endpoint http://localhost:3030/kg/data --graph https://example.org/g/2025
      KG_PUSH_PASSWORD=... kg push out/ --user admin \\
          --endpoint http://db:7200/repositories/kg/rdf-graphs/service
    """
    from kg.serve import PushError, push

    auth = None
    if user is not None:
        password = os.environ.get("KG_PUSH_PASSWORD")
        if password is None:
            password = click.prompt(f"Password for {user}", hide_input=True, err=True)
        auth = (user, password)
    try:
        result = push(graph, endpoint, graph_iri, timeout=timeout, auth=auth)
    except PushError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(
        f"kg: {'created' if result.created else 'replaced'} <{result.graph_iri}> at "
        f"{result.url}: {result.bytes_sent:,} bytes in {result.seconds:.2f} s "
        f"(HTTP {result.status})",
        err=True,
    )
