"""The query store: the built graph in Oxigraph, queried with SPARQL and bound parameters.

``kg build`` bulk-loads ``graph.ttl`` into an on-disk pyoxigraph store (``out/store/``), which
answers property paths and aggregates one to two orders of magnitude faster than rdflib's
in-memory engine (BENCHMARKS.md).  :func:`open_graph` opens an output folder, a store folder or
an RDF file; :meth:`GraphStore.query` runs SPARQL with parameters bound through pyoxigraph's
``substitutions`` (SEP-0007): user input is never pasted into a query string.

Named queries (``most-cited``, ``implementers``, ...) are the ``*.rq`` files of
``ontology/queries`` in the checkout, or of ``kg/queries`` in an installed wheel.

Every failure the user can cause is a :class:`StoreError` with a one-line message.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import multiprocessing
import os
import re
import shutil
import tempfile
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, TypeAlias

import pyoxigraph as ox

from kg.vocab import (
    BODY,
    CONFLICT,
    DOC,
    DOCTYPE,
    ELI,
    KG,
    MENTION,
    RELATION,
    SOURCE,
    STATISTICS,
    YEARLY,
)

__all__ = [
    "IRI",
    "BindValue",
    "GraphStore",
    "QueryResult",
    "StoreError",
    "Value",
    "build_store",
    "compact_iri",
    "is_stale",
    "is_store",
    "named_queries",
    "open_graph",
    "parse_bind_value",
    "resolve_query",
]

XSD = "http://www.w3.org/2001/XMLSchema#"

PREFIXES: dict[str, str] = {
    "kg": str(KG),
    "eli": str(ELI),
    "doc": str(DOC),
    "body": str(BODY),
    "source": str(SOURCE),
    "mention": str(MENTION),
    "relation": str(RELATION),
    "conflict": str(CONFLICT),
    "yearly": str(YEARLY),
    "statistics": str(STATISTICS),
    "kgdt": str(DOCTYPE),
    "doctype": str(DOCTYPE),
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "dcterms": "http://purl.org/dc/terms/",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "xsd": XSD,
}
"""Prefixes every query may use without declaring them, and that tables abbreviate IRIs with."""

STORE_MARKER = "kg-store.json"
"""A file kg writes into a store folder: which Turtle file it was loaded from, and when."""

RDF_FORMATS = {
    ".ttl": ox.RdfFormat.TURTLE,
    ".turtle": ox.RdfFormat.TURTLE,
    ".nt": ox.RdfFormat.N_TRIPLES,
    ".nq": ox.RdfFormat.N_QUADS,
    ".trig": ox.RdfFormat.TRIG,
    ".rdf": ox.RdfFormat.RDF_XML,
    ".owl": ox.RdfFormat.RDF_XML,
    ".jsonld": ox.RdfFormat.JSON_LD,
}


class StoreError(Exception):
    """A graph that cannot be opened or a query that cannot run; the message is one line."""


class IRI(str):
    """An IRI in a query result or a binding (a ``str``, so it prints and serialises plainly)."""

    __slots__ = ()


Value: TypeAlias = IRI | str | int | float | bool | Decimal | None
"""A result cell: IRIs as :class:`IRI`, numbers and booleans as Python numbers and booleans,
``xsd:gYear`` as an ``int``, every other literal (dates included) as its lexical form."""

BindValue: TypeAlias = (
    IRI | str | int | float | bool | Decimal | dt.date | ox.NamedNode | ox.BlankNode | ox.Literal
)
"""A parameter value: an :class:`IRI` binds an IRI, a plain ``str`` a string literal,
``int``/``float``/``bool``/``Decimal``/``date`` the typed literal; pyoxigraph terms as they are."""


@dataclass(frozen=True, slots=True)
class QueryResult:
    """The answer to a query: column names and rows of Python values.

    ``ASK`` gives one column ``ask``; ``CONSTRUCT``/``DESCRIBE`` give ``subject``, ``predicate``
    and ``object``.
    """

    columns: tuple[str, ...]
    rows: tuple[tuple[Value, ...], ...]

    def __len__(self) -> int:
        return len(self.rows)

    def dicts(self) -> list[dict[str, Value]]:
        """The rows as dictionaries, column name to value."""
        return [dict(zip(self.columns, row, strict=True)) for row in self.rows]


# --------------------------------------------------------------------------------------------
# Building the store


def build_store(turtle: Path, store_dir: Path, *, trusted: bool = False) -> None:
    """Bulk-load a Turtle (or N-Triples) file into an on-disk Oxigraph store at ``store_dir``.

    ``trusted`` skips some of the parser's checks (Oxigraph's ``lenient``: faster), for a file
    kg wrote itself.

    The store is built in a temporary folder beside ``store_dir`` and swapped in only when the
    load has succeeded, so a failure leaves the previous store as it was.
    """
    turtle = Path(turtle)
    store_dir = Path(store_dir)
    fmt = _rdf_format(turtle)
    if not turtle.is_file():
        raise StoreError(f"{turtle}: no such file")
    if (
        store_dir.exists()
        and not is_store(store_dir)
        and (not store_dir.is_dir() or any(store_dir.iterdir()))
    ):
        raise StoreError(f"{store_dir}: exists and is not a kg store; not replacing it")
    store_dir.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{store_dir.name}.", suffix=".tmp", dir=store_dir.parent))
    try:
        stat = turtle.stat()
        digest = _sha256(turtle)
        size = _bulk_load(turtle, fmt, tmp, lenient=trusted)
        marker = {
            "source": str(turtle.resolve()),
            "source_size": stat.st_size,
            "source_mtime_ns": stat.st_mtime_ns,
            "source_sha256": digest,
            "triples": size,
            "built": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        }
        (tmp / STORE_MARKER).write_text(json.dumps(marker, indent=2) + "\n", encoding="utf-8")
        _swap(tmp, store_dir)
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)


def build_store_in_background(
    turtle: Path, store_dir: Path, *, trusted: bool = False
) -> Callable[[bool], None]:
    """Start :func:`build_store` in another process, so that the caller's other work runs
    beside the bulk load (which holds the interpreter otherwise).  Returns ``finish``:
    ``finish(True)`` waits for the store and raises its :class:`StoreError`; ``finish(False)``
    stops it, leaving the previous store as it was."""
    context = multiprocessing.get_context("spawn")  # not fork: the caller may hold gigabytes
    receiver, sender = context.Pipe(duplex=False)
    child = context.Process(
        target=_build_store_child, args=(str(turtle), str(store_dir), trusted, sender),
        daemon=True,
    )
    child.start()
    sender.close()

    def finish(wait: bool) -> None:
        if not wait:
            child.terminate()
            child.join()
            for tmp in Path(store_dir).parent.glob(f".{Path(store_dir).name}.*.tmp"):
                shutil.rmtree(tmp, ignore_errors=True)
            return
        message = receiver.recv() if receiver.poll(None) else None
        child.join()
        if message or child.exitcode:
            raise StoreError(message or f"{store_dir}: the store build stopped "
                             f"(exit code {child.exitcode})")

    return finish


def _build_store_child(turtle: str, store_dir: str, trusted: bool, report: Any) -> None:
    try:
        build_store(Path(turtle), Path(store_dir), trusted=trusted)
        report.send("")
    except StoreError as exc:
        report.send(str(exc))
    except BaseException as exc:  # the parent shows one line, not a child's traceback
        reason = _one_line(str(exc)) or type(exc).__name__
        report.send(f"{store_dir}: cannot build the store: {reason}")
    finally:
        report.close()


def _bulk_load(path: Path, fmt: ox.RdfFormat, folder: Path, *, lenient: bool = False) -> int:
    """Load ``path`` into a new store in ``folder`` and close it; returns its size."""
    try:
        store = ox.Store(str(folder))
    except OSError as exc:
        raise StoreError(f"{folder}: cannot create the store: {_one_line(str(exc))}") from exc
    try:
        store.bulk_load(path=str(path), format=fmt, lenient=lenient)
        # A bulk load leaves many unmerged table files, and every lookup probes them all:
        # compacting once here makes kg trace on the 100k-text graph about 7 times faster
        # (BENCHMARKS.md), for about 5% more build time.
        store.optimize()
        store.flush()
        return len(store)
    except SyntaxError as exc:
        raise StoreError(f"{path}: invalid RDF: {_one_line(str(exc))}") from exc
    except (OSError, ValueError) as exc:
        raise StoreError(f"{path}: cannot build the store: {_one_line(str(exc))}") from exc
    finally:
        del store  # closes the store and releases its lock before the folder is renamed


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _swap(new: Path, target: Path) -> None:
    """Put folder ``new`` at ``target``; the old folder is removed only once the new one is in."""
    old: Path | None = None
    if target.exists():
        old = target.with_name(f".{target.name}.{os.getpid()}.old")
        if old.exists():
            shutil.rmtree(old)
        os.replace(target, old)
    try:
        os.replace(new, target)
    except OSError:
        if old is not None:
            os.replace(old, target)
        raise
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def is_store(path: Path) -> bool:
    """Whether ``path`` is an Oxigraph (RocksDB) store folder."""
    return path.is_dir() and (path / "CURRENT").is_file()


def _rdf_format(path: Path) -> ox.RdfFormat:
    fmt = RDF_FORMATS.get(path.suffix.lower())
    if fmt is None:
        known = ", ".join(sorted(RDF_FORMATS))
        raise StoreError(f"{path}: unknown RDF file type (expected one of {known})")
    return fmt


# --------------------------------------------------------------------------------------------
# Opening a graph


@dataclass
class GraphStore:
    """A graph ready for SPARQL: an on-disk store opened read-only, or a file loaded in memory.

    ``origin`` says what was opened; ``note`` is a remark for the user (such as a store older
    than its Turtle file, which was then read instead), or ``None``.
    """

    store: ox.Store
    origin: Path
    note: str | None = None
    _size: int | None = field(default=None, repr=False)

    def __len__(self) -> int:
        if self._size is None:
            self._size = len(self.store)
        return self._size

    def query(
        self, sparql: str, bindings: Mapping[str, BindValue] | None = None
    ) -> QueryResult:
        """Run a SPARQL query, binding each ``bindings`` name (without ``?``) to its value.

        Values are substituted as RDF terms (SEP-0007), never pasted into the text; pyoxigraph
        requires a bound variable to be in the ``SELECT`` projection.
        """
        substitutions: dict[ox.Variable, ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple]
        substitutions = {_variable(k): to_term(v) for k, v in (bindings or {}).items()}
        try:
            answer = self.store.query(sparql, prefixes=PREFIXES, substitutions=substitutions)
            return _result(answer)
        except SyntaxError as exc:
            raise StoreError(_syntax_message(str(exc), sparql)) from exc
        except RuntimeError as exc:
            message = str(exc)
            m = re.search(r"does not contains? variable \?(\w+) in its SELECT projection", message)
            if m is not None:
                raise StoreError(
                    f"cannot bind ?{m.group(1)}: the query does not select it (a bound "
                    f"variable must be in the SELECT clause)"
                ) from exc
            raise StoreError(f"query failed: {_one_line(message)}") from exc
        except (OSError, ValueError) as exc:
            raise StoreError(f"query failed: {_one_line(str(exc))}") from exc


def open_graph(path: Path | str) -> GraphStore:
    """Open a graph for querying.

    ``path`` may be a ``kg build`` output folder (its ``store/`` if present and up to date,
    else its ``graph.ttl``), a store folder, or an RDF file (``.ttl``, ``.nt``, ...) that is
    loaded into memory.
    """
    path = Path(path)
    if not path.exists():
        raise StoreError(f"{path}: no such graph (expected a kg build folder, a store or a .ttl)")
    if path.is_file():
        return _load_file(path)
    if is_store(path):
        return _open_store(path)
    store_dir, turtle = path / "store", path / "graph.ttl"
    if is_store(store_dir):
        stale = turtle.is_file() and is_stale(store_dir, turtle)
        if not stale:
            return _open_store(store_dir)
        graph = _load_file(turtle)
        graph.note = f"{store_dir} is older than {turtle}: read the Turtle file instead"
        return graph
    if turtle.is_file():
        return _load_file(turtle)
    raise StoreError(f"{path}: no graph here (expected store/ or graph.ttl; run kg build)")


def _open_store(path: Path) -> GraphStore:
    try:
        store = ox.Store.read_only(str(path))
    except OSError as exc:
        raise StoreError(f"{path}: cannot open the store: {_one_line(str(exc))}") from exc
    return GraphStore(store, path)


def _load_file(path: Path) -> GraphStore:
    fmt = _rdf_format(path)
    store = ox.Store()
    try:
        store.bulk_load(path=str(path), format=fmt)
    except SyntaxError as exc:
        raise StoreError(f"{path}: invalid RDF: {_one_line(str(exc))}") from exc
    except (OSError, ValueError) as exc:
        raise StoreError(f"{path}: cannot read: {_one_line(str(exc))}") from exc
    return GraphStore(store, path)


def is_stale(store_dir: Path, turtle: Path) -> bool:
    """Whether ``turtle`` changed since the store was built from it (unknown: not stale).

    Same size and modification time: not stale.  Otherwise (a copied folder, a rewritten
    file) the content digest decides."""
    try:
        marker = json.loads((store_dir / STORE_MARKER).read_text(encoding="utf-8"))
        stat = turtle.stat()
    except (OSError, ValueError):
        return False
    if not isinstance(marker, dict):
        return False
    if marker.get("source_size") != stat.st_size:
        return True
    if marker.get("source_mtime_ns") == stat.st_mtime_ns:
        return False
    try:
        return bool(marker.get("source_sha256") != _sha256(turtle))
    except OSError:
        return False


# --------------------------------------------------------------------------------------------
# Terms and values


def _variable(name: str) -> ox.Variable:
    bare = name[1:] if name[:1] in "?$" else name
    try:
        return ox.Variable(bare)
    except ValueError as exc:
        raise StoreError(f"invalid variable name {name!r}") from exc


def to_term(value: BindValue) -> ox.NamedNode | ox.BlankNode | ox.Literal:
    """The RDF term a binding value stands for (see :data:`BindValue`)."""
    if isinstance(value, ox.NamedNode | ox.BlankNode | ox.Literal):
        return value
    if isinstance(value, IRI):
        try:
            return ox.NamedNode(str(value))
        except ValueError as exc:
            raise StoreError(f"invalid IRI <{value}>: {_one_line(str(exc))}") from exc
    if isinstance(value, bool):
        return ox.Literal(value)
    if isinstance(value, int):
        return ox.Literal(value)
    if isinstance(value, float):
        return ox.Literal(value)
    if isinstance(value, Decimal):
        return ox.Literal(str(value), datatype=ox.NamedNode(XSD + "decimal"))
    if isinstance(value, dt.datetime):
        return ox.Literal(value.isoformat(), datatype=ox.NamedNode(XSD + "dateTime"))
    if isinstance(value, dt.date):
        return ox.Literal(value.isoformat(), datatype=ox.NamedNode(XSD + "date"))
    if isinstance(value, str):
        return ox.Literal(value)
    # rdflib terms and anything else with an N-Triples form are not accepted silently.
    raise StoreError(f"cannot bind a value of type {type(value).__name__}")


_LANG = re.compile(r"[A-Za-z]{1,8}(-[A-Za-z0-9]{1,8})*")
_PNAME = re.compile(r"(?P<prefix>[A-Za-z][\w.-]*):(?P<local>[^\s<>\"'{}|^`\\]*)")
_TYPED = re.compile(r'"(?P<lex>.*)"(?:@(?P<lang>[^"@^]+)|\^\^(?P<dt><[^<>]*>|[^\s<>"]+))?', re.S)


def parse_bind_value(text: str) -> BindValue:
    """Read a ``--bind`` value written on the command line into a binding value.

    * ``<https://...>`` is an IRI; so is a prefixed name with a known prefix
      (``doc:25-nq-tw-2013``, ``kg:Province``, ``kgdt:nghi-quyet``);
    * ``"text"`` is a string literal, ``"text"@vi`` a language-tagged one, and
      ``"2013"^^xsd:gYear`` (or ``^^<iri>``) a typed one;
    * anything else is a plain string literal, taken exactly as written.
    """
    if text.startswith("<") and text.endswith(">") and len(text) > 2:
        return IRI(text[1:-1])
    m = _PNAME.fullmatch(text)
    if m is not None and m.group("prefix") in PREFIXES:
        return IRI(PREFIXES[m.group("prefix")] + m.group("local"))
    m = _TYPED.fullmatch(text)
    if m is not None:
        lex = m.group("lex")
        if m.group("lang"):
            if not _LANG.fullmatch(m.group("lang")):
                raise StoreError(f"invalid language tag in {text!r}")
            return ox.Literal(lex, language=m.group("lang"))
        if m.group("dt"):
            datatype = parse_bind_value(m.group("dt"))
            if not isinstance(datatype, IRI):
                raise StoreError(f"invalid datatype in {text!r} (use a prefix such as xsd:)")
            return ox.Literal(lex, datatype=to_term(datatype))  # type: ignore[arg-type]
        return lex
    return text


_INTEGER_TYPES = {
    XSD + name
    for name in (
        "integer", "int", "long", "short", "byte", "nonNegativeInteger", "positiveInteger",
        "nonPositiveInteger", "negativeInteger", "unsignedLong", "unsignedInt",
        "unsignedShort", "unsignedByte",
    )
}


def to_value(term: Any) -> Value:
    """A result term as a Python value (see :data:`Value`)."""
    if term is None:
        return None
    if isinstance(term, ox.NamedNode):
        return IRI(term.value)
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    if isinstance(term, ox.Literal):
        datatype = term.datatype.value
        lex = term.value
        try:
            if datatype in _INTEGER_TYPES:
                return int(lex)
            if datatype == XSD + "boolean":
                return lex in ("true", "1")
            if datatype in (XSD + "double", XSD + "float"):
                return float(lex)
            if datatype == XSD + "decimal":
                return Decimal(lex)
            if datatype == XSD + "gYear" and re.fullmatch(r"-?\d{4,}", lex):
                return int(lex)
        except (ValueError, InvalidOperation):
            return lex
        return lex
    return str(term)


def _result(answer: Any) -> QueryResult:
    if isinstance(answer, ox.QueryBoolean):
        return QueryResult(("ask",), ((bool(answer),),))
    if isinstance(answer, ox.QuerySolutions):
        columns = tuple(v.value for v in answer.variables)
        rows = tuple(tuple(to_value(solution[c]) for c in columns) for solution in answer)
        return QueryResult(columns, rows)
    triples = tuple(
        (to_value(t.subject), to_value(t.predicate), to_value(t.object)) for t in answer
    )
    return QueryResult(("subject", "predicate", "object"), triples)


def compact_iri(iri: str) -> str:
    """``doc:25-nq-tw-2013`` for a project IRI, the IRI itself when no prefix fits."""
    best, best_ns = "", ""
    for prefix, ns in PREFIXES.items():
        if iri.startswith(ns) and len(ns) > len(best_ns):
            best, best_ns = prefix, ns
    local = iri[len(best_ns) :]
    if best and _LOCAL.fullmatch(local) and not local.endswith("."):
        return f"{best}:{local}"
    return iri


_LOCAL = re.compile(r"[\w.-]*")


# --------------------------------------------------------------------------------------------
# Queries


def queries_dirs() -> list[Path]:
    """Where named queries are looked for: ``kg/queries`` (installed wheel), then the
    checkout's ``ontology/queries``."""
    package = Path(__file__).resolve().parent
    return [package / "queries", package.parent / "ontology" / "queries"]


def named_queries() -> dict[str, Path]:
    """Every named query, name (the file stem) to file; the first folder wins a clash."""
    found: dict[str, Path] = {}
    for folder in queries_dirs():
        if folder.is_dir():
            for path in sorted(folder.glob("*.rq")):
                found.setdefault(path.stem, path)
    return found


_NAME = re.compile(r"[A-Za-z0-9][\w-]*")


def resolve_query(query: str) -> tuple[str, str]:
    """The SPARQL text of ``query`` and where it came from.

    ``query`` is a path to a ``.rq`` file, the name of a shipped query (``most-cited``) or
    SPARQL text itself.
    """
    candidate = query.strip()
    single_word = bool(candidate) and not any(ch.isspace() for ch in candidate)
    if candidate.endswith(".rq") or (single_word and Path(candidate).is_file()):
        path = Path(candidate)
        if not path.is_file():
            raise StoreError(f"{candidate}: no such query file")
        try:
            return path.read_text(encoding="utf-8"), str(path)
        except (OSError, UnicodeDecodeError) as exc:
            raise StoreError(f"{candidate}: cannot read: {_one_line(str(exc))}") from exc
    if _NAME.fullmatch(candidate):
        queries = named_queries()
        if candidate not in queries:
            known = ", ".join(queries) or "none found"
            raise StoreError(f"unknown query {candidate!r} (named queries: {known})")
        path = queries[candidate]
        return path.read_text(encoding="utf-8"), str(path)
    return query, "<text>"


# --------------------------------------------------------------------------------------------
# Messages


def _one_line(message: str, limit: int = 240) -> str:
    text = " ".join(message.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _syntax_message(message: str, sparql: str = "") -> str:
    """``SPARQL syntax error at line 3, column 2: expected ...``, on one line."""
    m = re.match(r"error at (\d+):(\d+):\s*(.*)", message, re.S)
    if m is None:
        return f"SPARQL syntax error: {_one_line(message)}"
    line, column, detail = m.groups()
    detail = " ".join(detail.split())
    if "Prefix not found" in detail:
        lines = sparql.splitlines()
        row = int(line) - 1
        before = lines[row][: int(column) - 1] if 0 <= row < len(lines) else ""
        pname = re.search(r"([A-Za-z][\w.-]*)?:[\w.-]*$", before)
        if pname is not None:
            name = pname.group(1) or ""
            return (
                f"SPARQL syntax error at line {line}, column {column}: unknown prefix "
                f"'{name}:' (declare it with PREFIX; known without declaring: "
                f"{', '.join(PREFIXES)})"
            )
    if len(detail) > 120:
        detail = detail[:119] + "…"
    return f"SPARQL syntax error at line {line}, column {column}: {detail}"


def format_rows(result: QueryResult, columns: Sequence[str] | None = None) -> list[list[str]]:
    """The rows as display strings: IRIs abbreviated, ``None`` as empty."""
    cols = list(columns or result.columns)
    index = [result.columns.index(c) for c in cols]
    out = []
    for row in result.rows:
        out.append([_display(row[i]) for i in index])
    return out


def _display(value: Value) -> str:
    if value is None:
        return ""
    if isinstance(value, IRI):
        return compact_iri(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)
