"""kg serve and kg push: a real Oxigraph SPARQL server on loopback ports, the Graph Store
Protocol push, and the errors the user can meet.

The server comes from the ``oxigraph`` package (PyPI).  Without it these tests are skipped,
except in CI (``CI=true``), where its absence is a failure.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import http.server
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from kg.cli import main
from kg.serve import (
    GRAPH_BASE,
    OxigraphServer,
    PushError,
    ServeError,
    default_graph_iri,
    find_server_binary,
    free_port,
    graph_store_url,
    is_loopback,
    lock_holder,
    push,
    resolve_store,
    run_server,
    serve,
    start_server,
)
from kg.store import PREFIXES, open_graph, resolve_query

HOST = "127.0.0.1"  # every server in these tests listens on loopback only
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")
READY_TIMEOUT = 20.0

# Two short texts written for these tests: a provincial plan and a district report.
TEXT_PLAN = (
    "Kế hoạch triển khai công tác dân vận năm 2021 của Ủy ban nhân dân tỉnh.\n"
    "Thực hiện Nghị quyết số 25-NQ/TW ngày 03/6/2013 của Ban Chấp hành Trung ương Đảng về "
    "tăng cường và đổi mới sự lãnh đạo của Đảng đối với công tác dân vận, Ủy ban nhân dân "
    "tỉnh ban hành kế hoạch này.\n"
    "Căn cứ Nghị định số 30/2020/NĐ-CP ngày 05/3/2020 của Chính phủ về công tác văn thư.\n"
)
TEXT_REPORT = (
    "Báo cáo sơ kết công tác dân vận chính quyền của Ủy ban nhân dân huyện.\n"
    "Tiếp tục thực hiện Kết luận số 43-KL/TW ngày 07/01/2019 của Ban Bí thư về tiếp tục thực "
    "hiện Nghị quyết số 25-NQ/TW ngày 03/6/2013 của Ban Chấp hành Trung ương khóa XI, huyện "
    "đã tổ chức nhiều hoạt động thiết thực.\n"
)

PROLOGUE = "".join(f"PREFIX {prefix}: <{ns}>\n" for prefix, ns in PREFIXES.items())

QUERIES = {
    "documents": PROLOGUE + "SELECT ?doc ?symbol WHERE { ?doc eli:id_local ?symbol } "
    "ORDER BY ?doc ?symbol",
    "count": "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }",
    "types": PROLOGUE + "SELECT ?type (COUNT(?x) AS ?n) WHERE { ?x a ?type } "
    "GROUP BY ?type ORDER BY ?type",
}


# --------------------------------------------------------------------------------------------
# Fixtures


@pytest.fixture(scope="session")
def oxigraph() -> Path:
    """The Oxigraph server binary; skipped when missing, except in CI."""
    try:
        return find_server_binary()
    except ServeError as exc:
        if IN_CI:
            pytest.fail(f"the Oxigraph server is required in CI: {exc}")
        pytest.skip(f"no Oxigraph server: {exc}")


def _build(root: Path, texts: dict[str, str]) -> Path:
    folder = root / "texts"
    folder.mkdir()
    for name, text in texts.items():
        (folder / name).write_text(text, encoding="utf-8")
    out = root / "out"
    result = CliRunner().invoke(main, ["build", str(folder), "-o", str(out)])
    assert result.exit_code == 0, result.output + result.stderr
    assert (out / "graph.ttl").is_file() and (out / "store" / "CURRENT").is_file()
    return out


@pytest.fixture(scope="module")
def out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A kg build folder of the two texts."""
    return _build(
        tmp_path_factory.mktemp("kg"), {"ke-hoach.txt": TEXT_PLAN, "bao-cao.txt": TEXT_REPORT}
    )


@pytest.fixture(scope="module")
def out_small(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A kg build folder of the report alone: a smaller, different graph."""
    return _build(tmp_path_factory.mktemp("kg-small"), {"bao-cao.txt": TEXT_REPORT})


@pytest.fixture(scope="module")
def read_only(oxigraph: Path, out: Path) -> Iterator[OxigraphServer]:
    """A read-only server on the built store."""
    server = serve(out, host=HOST, port=free_port(HOST), ready_timeout=READY_TIMEOUT)
    try:
        yield server
    finally:
        _stop(server)


@pytest.fixture
def writable(oxigraph: Path, tmp_path: Path) -> Iterator[OxigraphServer]:
    """A writable server on a new, separate store: the target of pushes."""
    server = start_server(
        tmp_path / "push-store", host=HOST, port=free_port(HOST), writable=True,
        ready_timeout=READY_TIMEOUT,
    )
    try:
        yield server
    finally:
        _stop(server)


def _stop(server: OxigraphServer) -> None:
    """Terminate, wait with a timeout, kill: the server never outlives its test."""
    server.stop(timeout=10.0)
    assert server.process.poll() is not None


# --------------------------------------------------------------------------------------------
# HTTP helpers (the standard library only, and never through a proxy)

_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def sparql(url: str, query: str, default_graph: str | None = None) -> dict[str, Any]:
    """POST a query (application/sparql-query) and return the JSON results."""
    if default_graph is not None:
        url += "?" + urllib.parse.urlencode({"default-graph-uri": default_graph})
    request = urllib.request.Request(
        url, data=query.encode("utf-8"), method="POST",
        headers={"Content-Type": "application/sparql-query",
                 "Accept": "application/sparql-results+json"},
    )
    with _OPENER.open(request, timeout=30) as response:
        assert response.status == 200
        answer: dict[str, Any] = json.loads(response.read().decode("utf-8"))
        return answer


def http_rows(answer: dict[str, Any]) -> list[tuple[str | None, ...]]:
    columns = answer["head"]["vars"]
    return [
        tuple(b[c]["value"] if c in b else None for c in columns)
        for b in answer["results"]["bindings"]
    ]


def embedded_rows(out: Path, query: str) -> list[tuple[str | None, ...]]:
    """The same query answered by the embedded store, as strings like the JSON results."""
    result = open_graph(out).query(query)

    def text(value: object) -> str | None:
        if value is None:
            return None
        if isinstance(value, bool):
            return "true" if value else "false"
        return str(value)

    return [tuple(text(v) for v in row) for row in result.rows]


def count_in(server: OxigraphServer, graph: str) -> int:
    answer = sparql(server.query_url, f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> "
                                      f"{{ ?s ?p ?o }} }}")
    return int(http_rows(answer)[0][0] or 0)


# --------------------------------------------------------------------------------------------
# Finding the server, names and URLs


def test_find_server_binary_runs(oxigraph: Path) -> None:
    assert oxigraph.is_file() and os.access(oxigraph, os.X_OK)
    version = subprocess.run(
        [str(oxigraph), "--version"], capture_output=True, text=True, timeout=30, check=True
    )
    assert version.stdout.startswith("oxigraph ")


def test_missing_server_names_the_pip_command(monkeypatch: pytest.MonkeyPatch) -> None:
    import importlib.metadata

    def no_dist(name: str) -> Any:
        raise importlib.metadata.PackageNotFoundError(name)

    monkeypatch.setattr("importlib.metadata.distribution", no_dist)
    monkeypatch.setattr("sysconfig.get_path", lambda name: None)
    monkeypatch.setattr("shutil.which", lambda name: None)
    monkeypatch.setattr("sys.executable", "/nonexistent/bin/python")
    with pytest.raises(ServeError, match=r"pip install oxigraph"):
        find_server_binary()


def test_default_graph_iri_and_store_url(tmp_path: Path) -> None:
    folder = tmp_path / "bao cáo"
    folder.mkdir()
    (folder / "graph.ttl").write_text("", encoding="utf-8")
    assert default_graph_iri(folder) == GRAPH_BASE + "bao%20c%C3%A1o"
    assert default_graph_iri(folder / "graph.ttl") == default_graph_iri(folder)
    iri = "https://w3id.org/kg-vn/graph/out"
    assert graph_store_url("http://127.0.0.1:7878/store", iri) == (
        "http://127.0.0.1:7878/store?graph=https%3A%2F%2Fw3id.org%2Fkg-vn%2Fgraph%2Fout"
    )
    assert graph_store_url("http://h/sparql-graph-crud?x=1", iri).startswith(
        "http://h/sparql-graph-crud?x=1&graph=https%3A"
    )


def test_loopback_detection() -> None:
    assert is_loopback("127.0.0.1") and is_loopback("::1") and is_loopback("localhost")
    assert not is_loopback("0.0.0.0") and not is_loopback("192.0.2.1")


def test_resolve_store(out: Path, tmp_path: Path) -> None:
    assert resolve_store(out) == (out / "store", None)
    assert resolve_store(out / "store")[0] == out / "store"
    with pytest.raises(ServeError, match="no such folder"):
        resolve_store(tmp_path / "missing")
    with pytest.raises(ServeError, match="is a file"):
        resolve_store(out / "graph.ttl")
    bare = tmp_path / "no-store"
    bare.mkdir()
    shutil.copy(out / "graph.ttl", bare / "graph.ttl")
    with pytest.raises(ServeError, match="no store/"):
        resolve_store(bare)
    stale = tmp_path / "stale"
    shutil.copytree(out, stale)
    with (stale / "graph.ttl").open("a", encoding="utf-8") as handle:
        handle.write("<urn:kg:a> <urn:kg:b> <urn:kg:c> .\n")
    store, note = resolve_store(stale)
    assert store == stale / "store" and note is not None and "older than" in note


# --------------------------------------------------------------------------------------------
# kg serve: read-only by default, the same answers as the embedded store


@pytest.mark.parametrize("name", sorted(QUERIES))
def test_read_only_server_answers_like_embedded(
    read_only: OxigraphServer, out: Path, name: str
) -> None:
    query = QUERIES[name]
    expected = embedded_rows(out, query)
    assert expected, "the test graph should answer every query"
    assert http_rows(sparql(read_only.query_url, query)) == expected


def test_read_only_server_answers_a_shipped_query(read_only: OxigraphServer, out: Path) -> None:
    text, _ = resolve_query("most-cited")
    query = PROLOGUE + text
    expected = embedded_rows(out, query)
    assert expected
    assert http_rows(sparql(read_only.query_url, query)) == expected


def test_read_only_server_is_loopback_and_read_only(
    read_only: OxigraphServer, out: Path
) -> None:
    assert read_only.host == HOST and not read_only.writable
    assert read_only.location == out / "store"
    before = http_rows(sparql(read_only.query_url, QUERIES["count"]))
    update = urllib.request.Request(
        read_only.update_url, method="POST",
        data=b"INSERT DATA { <urn:kg:s> <urn:kg:p> <urn:kg:o> }",
        headers={"Content-Type": "application/sparql-update"},
    )
    with pytest.raises(urllib.error.HTTPError) as caught:
        _OPENER.open(update, timeout=10)
    assert caught.value.code == 403
    caught.value.close()
    with pytest.raises(PushError, match=r"HTTP 403 .*read-only"):
        push(out, read_only.store_url, timeout=30)
    assert http_rows(sparql(read_only.query_url, QUERIES["count"])) == before


def test_two_read_only_servers_share_a_store(read_only: OxigraphServer, out: Path) -> None:
    with serve(out, host=HOST, port=free_port(HOST), ready_timeout=READY_TIMEOUT) as second:
        assert http_rows(sparql(second.query_url, QUERIES["count"])) == http_rows(
            sparql(read_only.query_url, QUERIES["count"])
        )
    assert second.process.poll() is not None


def test_run_server_reports_a_server_that_dies(oxigraph: Path, out: Path) -> None:
    started: list[OxigraphServer] = []
    failures: list[BaseException] = []

    def run() -> None:
        try:
            run_server(out, HOST, free_port(HOST), on_ready=started.append,
                       ready_timeout=READY_TIMEOUT)
        except BaseException as exc:  # collected for the assertion below
            failures.append(exc)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    deadline = time.monotonic() + READY_TIMEOUT
    while not started and thread.is_alive() and time.monotonic() < deadline:
        time.sleep(0.02)
    assert started, failures
    started[0].process.kill()
    thread.join(timeout=20)
    assert not thread.is_alive()
    assert len(failures) == 1 and isinstance(failures[0], ServeError)
    assert "the server stopped" in str(failures[0])


def test_serve_refuses_a_port_in_use(oxigraph: Path, out: Path) -> None:
    with socket.socket() as taken:
        taken.bind((HOST, 0))
        taken.listen()
        port = taken.getsockname()[1]
        with pytest.raises(ServeError, match="already in use"):
            serve(out, host=HOST, port=port, ready_timeout=READY_TIMEOUT)


@pytest.fixture
def locked_store(out: Path, tmp_path: Path) -> Iterator[tuple[Path, int]]:
    """A copy of the store held open for writing by another process."""
    store = tmp_path / "store"
    shutil.copytree(out / "store", store)
    holder = subprocess.Popen(
        [sys.executable, "-c",
         "import sys, pyoxigraph; s = pyoxigraph.Store(sys.argv[1]); print('open', flush=True);"
         " sys.stdin.read()", str(store)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "open"
        yield store, holder.pid
    finally:
        if holder.stdin is not None:
            holder.stdin.close()
        try:
            holder.wait(timeout=10)
        except subprocess.TimeoutExpired:
            holder.kill()
            holder.wait(timeout=10)
        if holder.stdout is not None:
            holder.stdout.close()


def test_serve_refuses_a_store_locked_by_another_process(
    oxigraph: Path, locked_store: tuple[Path, int]
) -> None:
    store, pid = locked_store
    with pytest.raises(ServeError, match=r"lock|open for writing") as caught:
        start_server(store, host=HOST, port=free_port(HOST), writable=True,
                     ready_timeout=READY_TIMEOUT)
    assert "\n" not in str(caught.value)
    if Path("/proc/locks").is_file():  # the holder can be named on Linux
        assert lock_holder(store) == pid
        with pytest.raises(ServeError, match=f"open for writing by process {pid}"):
            start_server(store, host=HOST, port=free_port(HOST), ready_timeout=READY_TIMEOUT)


def test_serve_reports_a_missing_store(oxigraph: Path, tmp_path: Path) -> None:
    with pytest.raises(ServeError, match="not an Oxigraph store"):
        start_server(tmp_path, host=HOST, port=free_port(HOST))
    with pytest.raises(ServeError, match="no store here"):
        serve(tmp_path, host=HOST, port=free_port(HOST))


# --------------------------------------------------------------------------------------------
# kg push: the Graph Store Protocol into a real server


def test_push_then_query_matches_embedded(writable: OxigraphServer, out: Path) -> None:
    iri = default_graph_iri(out)
    result = push(out, writable.store_url, timeout=60)
    assert result.graph_iri == iri == GRAPH_BASE + "out"
    assert result.created and result.status == 201
    assert result.bytes_sent == (out / "graph.ttl").stat().st_size
    for name in ("documents", "types", "count"):
        query = QUERIES[name]
        got = http_rows(sparql(writable.query_url, query, default_graph=iri))
        assert got == embedded_rows(out, query), name
    assert count_in(writable, iri) == len(open_graph(out))


def test_push_twice_replaces_the_named_graph(
    writable: OxigraphServer, out: Path, out_small: Path
) -> None:
    iri = "https://w3id.org/kg-vn/graph/test-replace"
    other = "https://w3id.org/kg-vn/graph/other"
    push(out, writable.store_url, other, timeout=60)
    first = push(out, writable.store_url, iri, timeout=60)
    second = push(out, writable.store_url, iri, timeout=60)
    assert first.created and not second.created
    assert count_in(writable, iri) == len(open_graph(out))  # replaced, not duplicated
    # A smaller graph replaces the larger one: nothing of the old version is left.
    push(out_small, writable.store_url, iri, timeout=60)
    assert count_in(writable, iri) == len(open_graph(out_small)) < len(open_graph(out))
    query = QUERIES["documents"]
    assert http_rows(sparql(writable.query_url, query, default_graph=iri)) == embedded_rows(
        out_small, query
    )
    assert count_in(writable, other) == len(open_graph(out))  # other graphs untouched


def test_rejected_push_keeps_the_previous_graph(
    writable: OxigraphServer, out: Path, tmp_path: Path
) -> None:
    iri = "https://w3id.org/kg-vn/graph/test-broken"
    push(out, writable.store_url, iri, timeout=60)
    broken = tmp_path / "broken.ttl"
    broken.write_text(
        "<urn:kg:new> <urn:kg:p> <urn:kg:o> .\n<urn:kg:new> not valid turtle\n",
        encoding="utf-8",
    )
    with pytest.raises(PushError, match=r"^HTTP 400 .*from http://127\.0\.0\.1:\d+/store: ") as e:
        push(broken, writable.store_url, iri, timeout=60)
    assert "\n" not in str(e.value)
    assert count_in(writable, iri) == len(open_graph(out))
    ask = sparql(writable.query_url, "ASK { GRAPH ?g { <urn:kg:new> ?p ?o } }")
    assert ask["boolean"] is False


def test_push_to_a_wrong_path_hints_at_the_endpoint(writable: OxigraphServer, out: Path) -> None:
    with pytest.raises(PushError, match=r"HTTP 404 .*Graph Store endpoint"):
        push(out, writable.url + "/sparql", timeout=30)


def test_push_connection_refused(out: Path) -> None:
    port = free_port(HOST)  # nothing listens there
    with pytest.raises(PushError, match="connection refused"):
        push(out, f"http://{HOST}:{port}/store", timeout=10)


def test_push_timeout(out: Path) -> None:
    with socket.socket() as silent:  # accepts connections (backlog) and never answers
        silent.bind((HOST, 0))
        silent.listen(4)
        port = silent.getsockname()[1]
        started = time.monotonic()
        with pytest.raises(PushError, match=r"timed out after 0\.5 s"):
            push(out, f"http://{HOST}:{port}/store", timeout=0.5)
        assert time.monotonic() - started < 10


@pytest.mark.parametrize(
    ("path", "endpoint", "iri", "message"),
    [
        ("missing", "http://127.0.0.1:1/store", None, "no such file or folder"),
        ("graph.nq", "http://127.0.0.1:1/store", None, "cannot push this file type"),
        ("graph.ttl", "ftp://127.0.0.1/store", None, "expected http:// or https://"),
        ("graph.ttl", "http://127.0.0.1:1/store", "not an iri", "invalid graph IRI"),
        ("empty", "http://127.0.0.1:1/store", None, "no graph.ttl here"),
    ],
)
def test_push_argument_errors(
    tmp_path: Path, path: str, endpoint: str, iri: str | None, message: str
) -> None:
    (tmp_path / "graph.ttl").write_text("", encoding="utf-8")
    (tmp_path / "graph.nq").write_text("", encoding="utf-8")
    (tmp_path / "empty").mkdir()
    with pytest.raises(PushError, match=message):
        push(tmp_path / path, endpoint, iri, timeout=5)


# --------------------------------------------------------------------------------------------
# kg push against a scripted Graph Store: the request itself, errors, authentication

Handler = Callable[[http.server.BaseHTTPRequestHandler, bytes], None]


class _Recorder:
    def __init__(self) -> None:
        self.requests: list[dict[str, Any]] = []
        self.respond: Handler = lambda h, body: _reply(h, 201)


@pytest.fixture
def fake_store() -> Iterator[tuple[str, _Recorder]]:
    """A stand-in Graph Store on a loopback port that records what it receives."""
    recorder = _Recorder()

    class Handle(http.server.BaseHTTPRequestHandler):
        def _handle(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            recorder.requests.append(
                {"method": self.command, "path": self.path, "headers": dict(self.headers),
                 "body": body}
            )
            recorder.respond(self, body)

        do_PUT = do_HEAD = _handle

        def log_message(self, format: str, *args: Any) -> None:
            pass

    httpd = http.server.ThreadingHTTPServer((HOST, 0), Handle)
    thread = threading.Thread(target=httpd.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield f"http://{HOST}:{httpd.server_address[1]}/ds/data", recorder
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=10)


def _reply(
    handler: http.server.BaseHTTPRequestHandler, code: int, body: bytes = b"",
    headers: dict[str, str] | None = None,
) -> None:
    handler.send_response(code)
    for name, value in (headers or {}).items():
        handler.send_header(name, value)
    handler.send_header("Content-Length", str(len(body)))
    handler.end_headers()
    if handler.command != "HEAD":
        handler.wfile.write(body)


def test_push_request_is_a_streamed_put(
    fake_store: tuple[str, _Recorder], out: Path
) -> None:
    endpoint, recorder = fake_store
    result = push(out, endpoint, "https://w3id.org/kg-vn/graph/báo-cáo", timeout=10)
    assert result.created and result.url == endpoint
    (request,) = recorder.requests
    assert request["method"] == "PUT"
    assert request["path"] == (
        "/ds/data?graph=https%3A%2F%2Fw3id.org%2Fkg-vn%2Fgraph%2Fb%C3%A1o-c%C3%A1o"
    )
    assert request["headers"]["Content-Type"] == "text/turtle"
    assert int(request["headers"]["Content-Length"]) == (out / "graph.ttl").stat().st_size
    assert "Authorization" not in request["headers"]
    assert request["body"] == (out / "graph.ttl").read_bytes()


def test_push_http_error_is_one_line(fake_store: tuple[str, _Recorder], out: Path) -> None:
    endpoint, recorder = fake_store
    page = (b"<html><head><title>Error</title></head><body>\n<h1>Error 500</h1>\n"
            b"<p>Transaction\naborted:   disk full</p></body></html>")
    recorder.respond = lambda h, body: _reply(
        h, 500, page, {"Content-Type": "text/html; charset=utf-8"}
    )
    with pytest.raises(PushError) as caught:
        push(out, endpoint, timeout=10)
    message = str(caught.value)
    assert message.startswith(f"HTTP 500 Internal Server Error from {endpoint}: ")
    assert "Error 500 Transaction aborted: disk full" in message
    assert "\n" not in message and "<" not in message


def test_push_basic_auth(fake_store: tuple[str, _Recorder], out: Path) -> None:
    endpoint, recorder = fake_store
    expected = "Basic " + base64.b64encode("admin:mật khẩu".encode()).decode()

    def respond(handler: http.server.BaseHTTPRequestHandler, body: bytes) -> None:
        if handler.headers.get("Authorization") != expected:
            _reply(handler, 401, b"Unauthorized", {"WWW-Authenticate": 'Basic realm="kg"'})
        else:
            _reply(handler, 204)

    recorder.respond = respond
    with pytest.raises(PushError, match=r"HTTP 401 .*\(pass --user\)"):
        push(out, endpoint, timeout=10)
    with pytest.raises(PushError, match=r"HTTP 401 .*wrong user or password"):
        push(out, endpoint, timeout=10, auth=("admin", "wrong"))
    recorder.requests.clear()
    result = push(out, endpoint, timeout=10, auth=("admin", "mật khẩu"))
    assert result.status == 204 and not result.created
    # One bodiless HEAD asks which scheme; the graph itself is sent once.
    assert [r["method"] for r in recorder.requests] == ["HEAD", "PUT"]
    host = endpoint.split("//", 1)[1]
    user_info = "http://admin:m%E1%BA%ADt%20kh%E1%BA%A9u@" + host
    assert push(out, user_info, timeout=10).status == 204


def test_push_digest_auth(fake_store: tuple[str, _Recorder], out: Path) -> None:
    endpoint, recorder = fake_store
    realm, nonce, user, password = "SPARQL", "5d1f2e", "dba", "secret"

    def md5(text: str) -> str:
        return hashlib.md5(text.encode()).hexdigest()

    def respond(handler: http.server.BaseHTTPRequestHandler, body: bytes) -> None:
        header = handler.headers.get("Authorization", "")
        if header.startswith("Digest "):
            fields = urllib.request.parse_keqv_list(
                urllib.request.parse_http_list(header[len("Digest "):])
            )
            ha1 = md5(f"{user}:{realm}:{password}")
            ha2 = md5(f"{handler.command}:{fields['uri']}")
            want = md5(f"{ha1}:{nonce}:{fields['nc']}:{fields['cnonce']}:auth:{ha2}")
            if fields["response"] == want and fields["uri"] == handler.path:
                _reply(handler, 201)
                return
        _reply(handler, 401, b"", {
            "WWW-Authenticate": f'Digest realm="{realm}", nonce="{nonce}", qop="auth"'
        })

    recorder.respond = respond
    result = push(out, endpoint, timeout=10, auth=(user, password))
    assert result.created
    assert [r["method"] for r in recorder.requests] == ["HEAD", "PUT"]
    assert recorder.requests[1]["body"] == (out / "graph.ttl").read_bytes()


# --------------------------------------------------------------------------------------------
# The commands (once kg serve and kg push are wired into kg.cli)


def _needs_command(name: str) -> None:
    if name not in getattr(main, "commands", {}):
        pytest.skip(f"kg {name} is not wired into kg.cli yet")


def test_cli_push(writable: OxigraphServer, out: Path) -> None:
    _needs_command("push")
    runner = CliRunner()
    result = runner.invoke(main, ["push", str(out), "--endpoint", writable.store_url])
    assert result.exit_code == 0, result.output + result.stderr
    assert count_in(writable, default_graph_iri(out)) == len(open_graph(out))
    result = runner.invoke(main, ["push", str(out), "--endpoint", writable.url + "/nope"])
    assert result.exit_code == 1
    assert "HTTP 404" in result.stderr and "Traceback" not in result.stderr


def test_cli_serve_until_terminated(oxigraph: Path, out: Path) -> None:
    _needs_command("serve")
    port = free_port(HOST)
    kg = subprocess.Popen(
        [sys.executable, "-c", "from kg.cli import main; main()", "serve", str(out),
         "--port", str(port)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    url = f"http://{HOST}:{port}/query"
    # Read kg's stderr as it comes: the server can answer before kg has said it is ready.
    said: list[str] = []
    reader = threading.Thread(
        target=lambda: said.extend(iter(kg.stderr.readline, "")) if kg.stderr else None,
        daemon=True,
    )
    reader.start()
    try:
        deadline = time.monotonic() + READY_TIMEOUT
        while True:
            assert kg.poll() is None, "".join(said)
            if any("press Ctrl-C" in line for line in said):
                with contextlib.suppress(OSError):
                    rows = http_rows(sparql(url, QUERIES["count"]))
                    break
            assert time.monotonic() < deadline, "kg serve did not answer"
            time.sleep(0.1)
        assert rows == embedded_rows(out, QUERIES["count"])
        kg.send_signal(signal.SIGTERM)
        kg.wait(timeout=20)
        reader.join(timeout=10)
        err = "".join(said)
        assert kg.returncode == 0, err
        assert "read-only" in err and url in err
        with pytest.raises(OSError):  # the Oxigraph server went with it
            sparql(url, QUERIES["count"])
    finally:
        if kg.poll() is None:
            kg.kill()
            kg.communicate(timeout=10)
