"""A real SPARQL endpoint for the built graph, and pushing the graph into one.

:func:`serve` starts the Oxigraph SPARQL server (the ``oxigraph`` command of the ``oxigraph``
package on PyPI) on the store that ``kg build`` wrote (``out/store/``): read-only and bound to
127.0.0.1 unless asked otherwise.  The server answers SPARQL 1.1 Protocol queries at
``/query``, updates at ``/update`` (refused when read-only) and the Graph Store Protocol at
``/store``.  :func:`run_server` is the blocking form that ``kg serve`` uses.

:func:`push` loads a graph file into any SPARQL 1.1 Graph Store HTTP Protocol endpoint
(Oxigraph ``.../store``, Fuseki ``.../DATASET/data``, GraphDB
``.../repositories/ID/rdf-graphs/service``, Virtuoso ``.../sparql-graph-crud-auth``) as one
named graph: an HTTP ``PUT`` to ``ENDPOINT?graph=IRI``, which replaces that graph.  The file is
streamed, never read into memory; only the standard library is used.

Every failure the user can cause is a :class:`ServeError` or :class:`PushError` (both
:class:`~kg.store.StoreError`) with a one-line message.
"""

from __future__ import annotations

import atexit
import base64
import contextlib
import errno
import importlib.metadata
import ipaddress
import os
import re
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import sysconfig
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType, TracebackType
from typing import IO, Any

from kg.store import StoreError, is_stale, is_store

__all__ = [
    "DEFAULT_HOST",
    "DEFAULT_PORT",
    "GRAPH_BASE",
    "OxigraphServer",
    "PushError",
    "PushResult",
    "ServeError",
    "default_graph_iri",
    "find_server_binary",
    "free_port",
    "graph_store_url",
    "is_loopback",
    "lock_holder",
    "push",
    "resolve_store",
    "run_server",
    "serve",
    "start_server",
]

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 7878
GRAPH_BASE = "https://w3id.org/kg-vn/graph/"
"""Named graphs pushed without ``--graph`` are ``GRAPH_BASE`` + the output folder's name."""

GRAPH_MEDIA_TYPES = {
    ".ttl": "text/turtle",
    ".turtle": "text/turtle",
    ".nt": "application/n-triples",
    ".rdf": "application/rdf+xml",
    ".owl": "application/rdf+xml",
    ".jsonld": "application/ld+json",
}
"""Graph files :func:`push` sends, by suffix (datasets such as ``.nq``/``.trig`` hold several
graphs and cannot be one named graph)."""


class ServeError(StoreError):
    """The server cannot be found, started or kept running; the message is one line."""


class PushError(StoreError):
    """The graph could not be pushed to the endpoint; the message is one line."""


# --------------------------------------------------------------------------------------------
# Finding the server


def find_server_binary() -> Path:
    """The ``oxigraph`` executable: the one the installed ``oxigraph`` package put beside this
    Python, else one on ``PATH``.  :class:`ServeError` with the install command if none."""
    name = "oxigraph.exe" if os.name == "nt" else "oxigraph"
    candidates: list[Path] = []
    with contextlib.suppress(importlib.metadata.PackageNotFoundError):
        dist = importlib.metadata.distribution("oxigraph")
        for entry in dist.files or ():
            if entry.name == name and entry.parent.name in ("bin", "Scripts"):
                candidates.append(Path(str(entry.locate())).resolve())
    scripts = sysconfig.get_path("scripts")
    if scripts:
        candidates.append(Path(scripts) / name)
    candidates.append(Path(sys.executable).parent / name)
    on_path = shutil.which("oxigraph")
    if on_path:
        candidates.append(Path(on_path))
    for candidate in candidates:
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return candidate
    raise ServeError(
        f"the Oxigraph server is not installed (the 'oxigraph' package); install it with: "
        f"{sys.executable} -m pip install oxigraph"
    )


def resolve_store(path: Path | str) -> tuple[Path, str | None]:
    """The store folder to serve for ``path`` and a note for the user (or ``None``).

    ``path`` is a ``kg build`` output folder (its ``store/``) or a store folder.  The note says
    when the store is older than the folder's ``graph.ttl``.
    """
    path = Path(path)
    if not path.exists():
        raise ServeError(f"{path}: no such folder (expected a kg build output folder)")
    if path.is_file():
        raise ServeError(
            f"{path}: is a file; kg serve serves a kg build output folder or its store/ "
            f"(to serve an RDF file, push it to a server with kg push)"
        )
    if is_store(path):
        return path, None
    store = path / "store"
    if is_store(store):
        turtle = path / "graph.ttl"
        note = None
        if turtle.is_file() and is_stale(store, turtle):
            note = f"{store} is older than {turtle}: run kg build again to serve the new graph"
        return store, note
    if (path / "graph.ttl").is_file():
        raise ServeError(f"{path}: has no store/ (built with --no-store?); run kg build again")
    raise ServeError(f"{path}: no store here (expected a kg build output folder); run kg build")


def is_loopback(host: str) -> bool:
    """Whether ``host`` (an address or a name) only reaches this machine."""
    bare = host.strip("[]")
    try:
        return ipaddress.ip_address(bare).is_loopback
    except ValueError:
        pass
    if bare.lower() == "localhost":
        return True
    try:
        infos = socket.getaddrinfo(bare, None, proto=socket.IPPROTO_TCP)
    except OSError:
        return False
    return bool(infos) and all(
        ipaddress.ip_address(str(info[4][0]).split("%")[0]).is_loopback for info in infos
    )


def free_port(host: str = DEFAULT_HOST) -> int:
    """A TCP port that is free on ``host`` now (the system picks it)."""
    family = socket.AF_INET6 if ":" in host.strip("[]") else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as sock:
        sock.bind((host.strip("[]"), 0))
        return int(sock.getsockname()[1])


# --------------------------------------------------------------------------------------------
# Running the server


@dataclass
class OxigraphServer:
    """A running Oxigraph server started by :func:`start_server`; stop it with :meth:`stop`
    (or use it as a context manager).  Servers still running at exit are stopped."""

    process: subprocess.Popen[bytes]
    host: str
    port: int
    location: Path | None
    writable: bool
    note: str | None = None
    _log: IO[bytes] | None = field(default=None, repr=False)

    @property
    def url(self) -> str:
        """The server's base URL (its query page)."""
        host = f"[{self.host.strip('[]')}]" if ":" in self.host.strip("[]") else self.host
        return f"http://{host}:{self.port}"

    @property
    def query_url(self) -> str:
        """The SPARQL 1.1 Protocol query endpoint."""
        return self.url + "/query"

    @property
    def update_url(self) -> str:
        """The SPARQL 1.1 Protocol update endpoint (refused when read-only)."""
        return self.url + "/update"

    @property
    def store_url(self) -> str:
        """The SPARQL 1.1 Graph Store HTTP Protocol endpoint (what :func:`push` takes)."""
        return self.url + "/store"

    @property
    def pid(self) -> int:
        return self.process.pid

    def running(self) -> bool:
        return self.process.poll() is None

    def output(self) -> str:
        """What the server printed so far (its errors, mostly)."""
        if self._log is None:
            return ""
        try:
            self._log.flush()
            self._log.seek(0)
            return self._log.read(1 << 20).decode("utf-8", "replace")
        except (OSError, ValueError):
            return ""

    def error(self) -> str | None:
        """The server's own error message (``Error: ...``), if it printed one."""
        return _server_error(self.output())

    def wait(self, timeout: float | None = None) -> int:
        """Wait until the server exits; its exit code."""
        return self.process.wait(timeout)

    def stop(self, timeout: float = 10.0) -> int | None:
        """Stop the server: SIGTERM, wait up to ``timeout`` seconds, then kill it."""
        atexit.unregister(self._stop_at_exit)
        try:
            if self.process.poll() is None:
                self.process.terminate()
                try:
                    self.process.wait(timeout)
                except subprocess.TimeoutExpired:
                    self.process.kill()
                    self.process.wait(timeout)
            return self.process.returncode
        finally:
            if self._log is not None:
                self._log.close()
                self._log = None

    def _stop_at_exit(self) -> None:
        with contextlib.suppress(Exception):
            self.stop(timeout=5.0)

    def __enter__(self) -> OxigraphServer:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()


def start_server(
    location: Path | str | None,
    *,
    host: str = DEFAULT_HOST,
    port: int = DEFAULT_PORT,
    writable: bool = False,
    cors: bool = False,
    union_default_graph: bool = False,
    query_timeout: int | None = None,
    ready_timeout: float = 30.0,
    binary: Path | None = None,
) -> OxigraphServer:
    """Start ``oxigraph serve`` on the store folder ``location`` and wait until it answers.

    ``location=None`` serves a new in-memory store (``writable`` must then be true).  Read-only
    (the default) uses ``oxigraph serve-read-only``: queries only, updates and Graph Store
    writes get HTTP 403.  ``port=0`` picks a free port.  Raises :class:`ServeError` when the
    port is taken, the store is locked by a process writing to it, or the server exits or
    does not answer within ``ready_timeout`` seconds.
    """
    executable = binary or find_server_binary()
    host = host.strip("[]") or DEFAULT_HOST
    if port == 0:
        port = free_port(host)
    if not 0 < port < 65536:
        raise ServeError(f"invalid port {port} (expected 1-65535)")
    folder = Path(location) if location is not None else None
    if folder is None and not writable:
        raise ServeError("an in-memory server must be writable (nothing could be loaded)")
    if folder is not None:
        if not is_store(folder) and (
            not writable or folder.is_file() or (folder.is_dir() and any(folder.iterdir()))
        ):
            raise ServeError(f"{folder}: not an Oxigraph store (no CURRENT file)")
        holder = lock_holder(folder)
        if holder is not None:
            who = "this process" if holder == os.getpid() else (
                f"process {holder}" if holder > 0 else "another process"
            )
            raise ServeError(
                f"{folder}: the store is open for writing by {who} (a writable kg serve or "
                f"oxigraph server?); stop it first, or query that server instead"
            )
    _check_port(host, port)
    bind = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
    args = [str(executable), "serve" if writable else "serve-read-only", "--bind", bind]
    if folder is not None:
        args += ["--location", str(folder)]
    if cors:
        args.append("--cors")
    if union_default_graph:
        args.append("--union-default-graph")
    if query_timeout is not None:
        args += ["--timeout-s", str(int(query_timeout))]
    # The server's output, read when it fails; it lives as long as the server (closed by stop).
    log = tempfile.TemporaryFile(prefix="kg-oxigraph-", suffix=".log")  # noqa: SIM115
    try:
        process = subprocess.Popen(
            args,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # Ctrl-C reaches kg, which then stops the server itself
        )
    except OSError as exc:
        log.close()
        raise ServeError(f"cannot start {executable}: {exc.strerror or exc}") from exc
    server = OxigraphServer(process, host, port, folder, writable, _log=log)
    atexit.register(server._stop_at_exit)
    try:
        _wait_until_ready(server, ready_timeout)
    except BaseException:
        server.stop(timeout=5.0)
        raise
    return server


def serve(
    out_dir: Path | str,
    host: str = DEFAULT_HOST,
    port: int = DEFAULT_PORT,
    writable: bool = False,
    **options: Any,
) -> OxigraphServer:
    """Start the SPARQL server on the store of a ``kg build`` output folder (or a store
    folder); see :func:`start_server` for ``options``.  The server's ``note`` says when the
    store is older than ``graph.ttl``."""
    store, note = resolve_store(out_dir)
    server = start_server(store, host=host, port=port, writable=writable, **options)
    server.note = note
    return server


def run_server(
    out_dir: Path | str,
    host: str = DEFAULT_HOST,
    port: int = DEFAULT_PORT,
    writable: bool = False,
    *,
    on_ready: Callable[[OxigraphServer], None] | None = None,
    **options: Any,
) -> int:
    """Serve until interrupted (Ctrl-C, SIGTERM, SIGHUP); the server is always stopped.

    ``on_ready`` is called once the server answers (to print its URLs).  Returns 0 after an
    interruption; raises :class:`ServeError` if the server stops by itself.
    """
    restore = _install_stop_signals()  # before starting: a signal then still stops it
    server: OxigraphServer | None = None
    try:
        server = serve(out_dir, host, port, writable, **options)
        if on_ready is not None:
            on_ready(server)
        code = server.wait()
        message = server.error()
        raise ServeError(
            f"the server stopped (exit code {code})" + (f": {message}" if message else "")
        )
    except KeyboardInterrupt:
        return 0
    finally:
        if server is not None:
            server.stop()
        restore()


class _Stop(KeyboardInterrupt):
    """Raised by the SIGTERM/SIGHUP handler of :func:`run_server`."""


def _install_stop_signals() -> Callable[[], None]:
    """Turn SIGTERM and SIGHUP into an interruption while serving; returns the undo."""
    previous: dict[int, Any] = {}

    def handler(signum: int, frame: FrameType | None) -> None:
        raise _Stop(signal.Signals(signum).name)

    for name in ("SIGTERM", "SIGHUP"):
        signum = getattr(signal, name, None)
        if signum is None:
            continue
        try:
            previous[signum] = signal.signal(signum, handler)
        except ValueError:  # not the main thread: leave the signals alone
            break

    def restore() -> None:
        for signum, old in previous.items():
            with contextlib.suppress(ValueError, TypeError):
                signal.signal(signum, old)

    return restore


def _check_port(host: str, port: int) -> None:
    """:class:`ServeError` when ``host:port`` cannot be bound (in use, or not this machine's)."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except OSError as exc:
        raise ServeError(f"cannot resolve host {host!r}: {exc.strerror or exc}") from exc
    family, kind, proto, _name, address = infos[0]
    with socket.socket(family, kind, proto) as sock:
        if os.name != "nt":  # as the server does; on Windows it would allow a double bind
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(address)
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                raise ServeError(
                    f"{host}:{port} is already in use by another program; choose another "
                    f"--port"
                ) from exc
            if exc.errno == errno.EACCES:
                raise ServeError(
                    f"{host}:{port}: permission denied (ports below 1024 need privileges)"
                ) from exc
            raise ServeError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from exc


def _wait_until_ready(server: OxigraphServer, timeout: float) -> None:
    """Poll the server until it answers a query as Oxigraph, it exits, or time runs out."""
    probe = server.query_url + "?" + urllib.parse.urlencode({"query": "ASK {}"})
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    deadline = time.monotonic() + timeout
    delay = 0.02
    while True:
        code = server.process.poll()
        if code is not None:
            raise ServeError(_start_failure(server, code))
        request = urllib.request.Request(
            probe, headers={"Accept": "application/sparql-results+json"}
        )
        try:
            with opener.open(request, timeout=2.0) as response:
                if str(response.headers.get("Server", "")).startswith("Oxigraph"):
                    return
        except (OSError, ValueError):
            pass  # not listening yet (URLError and timeouts are OSErrors)
        if time.monotonic() >= deadline:
            raise ServeError(
                f"the server did not answer at {server.url} within {timeout:g} s"
                + (f": {server.error()}" if server.error() else "")
            )
        time.sleep(delay)
        delay = min(delay * 2, 0.25)


def _start_failure(server: OxigraphServer, code: int) -> str:
    message = server.error() or f"exit code {code}"
    where = f"{server.location}" if server.location is not None else "in-memory store"
    if "lock" in message.lower() and server.location is not None:
        return (
            f"{server.location}: the store is locked by another process (a writable kg serve "
            f"or oxigraph server?); stop it first, or serve read-only"
        )
    if "address already in use" in message.lower() or "os error 98" in message:
        return f"{server.host}:{server.port} is already in use; choose another --port"
    return f"the Oxigraph server did not start ({where}): {message}"


_ERROR_LINE = re.compile(r"^Error:\s*(.+)$", re.M)


def _server_error(output: str) -> str | None:
    """``Error: ...`` from the server's output, without its backtrace; on one line."""
    m = _ERROR_LINE.search(output)
    return _one_line(m.group(1)) if m is not None else None


def lock_holder(store: Path) -> int | None:
    """The process id holding the write lock of an Oxigraph (RocksDB) store, ``-1`` when the
    lock is held but its owner is unknown, ``None`` when free or when it cannot be told.

    Reads ``/proc/locks`` (Linux); the ``LOCK`` file itself is never opened, since closing any
    descriptor of it would drop a lock this process holds.
    """
    try:
        st = (store / "LOCK").stat()
        table = Path("/proc/locks").read_text(encoding="ascii", errors="replace")
    except OSError:
        return None
    wanted_dev = f"{os.major(st.st_dev):02x}:{os.minor(st.st_dev):02x}"
    for line in table.splitlines():
        fields = line.split()
        if len(fields) < 6 or "->" in fields:
            continue  # a waiter, not a holder
        kind, pid, ident = fields[1], fields[4], fields[5]
        major, _, rest = ident.partition(":")
        minor, _, inode = rest.partition(":")
        if inode == str(st.st_ino) and f"{major}:{minor}" == wanted_dev:
            if kind not in ("POSIX", "OFDLCK", "FLOCK"):
                continue
            try:
                return int(pid) if int(pid) > 0 else -1
            except ValueError:
                return -1
    return None


# --------------------------------------------------------------------------------------------
# Pushing to a Graph Store Protocol endpoint


@dataclass(frozen=True, slots=True)
class PushResult:
    """What :func:`push` did: the graph, where, the HTTP status, whether the graph is new."""

    graph_iri: str
    url: str
    status: int
    created: bool
    bytes_sent: int
    seconds: float


def default_graph_iri(out_dir: Path | str) -> str:
    """``https://w3id.org/kg-vn/graph/<name>``, ``<name>`` being the output folder's name
    (the folder holding the file when ``out_dir`` is a file)."""
    path = Path(out_dir).resolve()
    if path.is_file() or path.suffix.lower() in GRAPH_MEDIA_TYPES:
        path = path.parent
    name = path.name or "graph"
    return GRAPH_BASE + urllib.parse.quote(name, safe="-._~")


def graph_store_url(endpoint: str, graph_iri: str) -> str:
    """``endpoint?graph=IRI`` (``&graph=`` when the endpoint has a query string already)."""
    parts = urllib.parse.urlsplit(endpoint)
    query = urllib.parse.urlencode({"graph": graph_iri}, quote_via=urllib.parse.quote)
    query = f"{parts.query}&{query}" if parts.query else query
    return urllib.parse.urlunsplit(parts._replace(query=query, fragment=""))


def push(
    graph_path: Path | str,
    endpoint: str,
    graph_iri: str | None = None,
    *,
    timeout: float = 300.0,
    auth: tuple[str, str] | None = None,
) -> PushResult:
    """Replace the named graph ``graph_iri`` at a Graph Store Protocol ``endpoint`` with the
    triples of ``graph_path`` (a ``kg build`` folder, whose ``graph.ttl`` is sent, or a
    ``.ttl``/``.nt``/``.rdf`` file).

    An HTTP ``PUT`` of the file, streamed; the graph store replaces the graph in one request
    (Oxigraph 0.5: readers see the old graph until the new one is committed, and a rejected
    file leaves the old graph as it was).  ``graph_iri`` defaults to
    :func:`default_graph_iri`.  ``timeout`` bounds every network wait, in seconds.  ``auth``
    is ``(user, password)``, sent as HTTP Basic or Digest, whichever the server asks for
    (user information in the endpoint URL works too).  Raises :class:`PushError`.
    """
    path = Path(graph_path)
    if path.is_dir():
        path = path / "graph.ttl"
        if not path.is_file():
            raise PushError(f"{graph_path}: no graph.ttl here (run kg build first)")
    elif not path.is_file():
        raise PushError(f"{path}: no such file or folder")
    media_type = GRAPH_MEDIA_TYPES.get(path.suffix.lower())
    if media_type is None:
        known = ", ".join(sorted(GRAPH_MEDIA_TYPES))
        raise PushError(f"{path}: cannot push this file type (expected one of {known})")
    iri = graph_iri if graph_iri is not None else default_graph_iri(graph_path)
    _check_iri(iri)
    url, url_auth = _split_endpoint(endpoint)
    auth = auth or url_auth
    target = graph_store_url(url, iri)
    opener = _opener(target)
    size = path.stat().st_size
    started = time.monotonic()
    authorization: str | None = None
    if auth is not None:
        authorization = _probe_authorization(opener, target, auth, timeout) or _basic(auth)
    for attempt in (1, 2):
        headers = {"Content-Type": media_type, "Content-Length": str(size), "Accept": "*/*"}
        if authorization is not None:
            headers["Authorization"] = authorization
        try:
            with path.open("rb") as body:
                request = urllib.request.Request(target, data=body, headers=headers, method="PUT")
                with opener.open(request, timeout=timeout) as response:
                    status = int(response.status)
                    response.read(1 << 16)
            return PushResult(
                iri, url, status, status == 201, size, time.monotonic() - started
            )
        except urllib.error.HTTPError as exc:
            with exc:
                retry = _challenge_authorization(exc, target, auth) if auth else None
                if exc.code == 401 and attempt == 1 and retry and retry != authorization:
                    authorization = retry
                    continue
                raise PushError(_http_message(exc, url, auth is not None)) from None
        except OSError as exc:  # URLError, timeouts, resets
            raise PushError(_network_message(exc, url, timeout)) from None
    raise PushError(f"{url}: authentication failed")  # pragma: no cover - loop always returns


def _check_iri(iri: str) -> None:
    if not re.match(r"[A-Za-z][A-Za-z0-9+.-]*:", iri) or re.search(r'[\s<>"{}|\\^`]', iri):
        raise PushError(f"invalid graph IRI {iri!r} (expected an absolute IRI such as "
                        f"{GRAPH_BASE}name)")


def _split_endpoint(endpoint: str) -> tuple[str, tuple[str, str] | None]:
    """The endpoint without user information, and that user information as ``auth``."""
    try:
        parts = urllib.parse.urlsplit(endpoint.strip())
        port = parts.port
    except ValueError as exc:
        raise PushError(f"invalid endpoint URL {endpoint!r}: {exc}") from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise PushError(
            f"invalid endpoint URL {endpoint!r} (expected http:// or https://, e.g. "
            f"http://127.0.0.1:7878/store)"
        )
    auth = None
    if parts.username is not None:
        auth = (urllib.parse.unquote(parts.username),
                urllib.parse.unquote(parts.password or ""))
    host = parts.hostname
    netloc = f"[{host}]" if ":" in host else host
    if port is not None:
        netloc += f":{port}"
    return urllib.parse.urlunsplit(parts._replace(netloc=netloc, fragment="")), auth


def _opener(url: str) -> urllib.request.OpenerDirector:
    """An opener that never sends loopback traffic through an environment proxy."""
    host = urllib.parse.urlsplit(url).hostname or ""
    handlers: list[urllib.request.BaseHandler] = []
    if is_loopback(host):
        handlers.append(urllib.request.ProxyHandler({}))
    return urllib.request.build_opener(*handlers)


def _basic(auth: tuple[str, str]) -> str:
    token = base64.b64encode(f"{auth[0]}:{auth[1]}".encode()).decode("ascii")
    return f"Basic {token}"


def _probe_authorization(
    opener: urllib.request.OpenerDirector, url: str, auth: tuple[str, str], timeout: float
) -> str | None:
    """Ask with a bodiless ``HEAD`` which authentication the server wants, so the file is
    uploaded once; the ``Authorization`` value for the ``PUT``, or ``None`` if not asked."""
    request = urllib.request.Request(url, method="HEAD")
    try:
        with opener.open(request, timeout=timeout):
            return None
    except urllib.error.HTTPError as exc:
        with exc:
            return _challenge_authorization(exc, url, auth) if exc.code == 401 else None
    except OSError as exc:
        raise PushError(_network_message(exc, _split_endpoint(url)[0], timeout)) from None


def _challenge_authorization(
    exc: urllib.error.HTTPError, url: str, auth: tuple[str, str] | None
) -> str | None:
    """The ``Authorization`` answering a 401's ``WWW-Authenticate`` challenge (Digest
    preferred over Basic), or ``None``."""
    if auth is None or exc.code != 401 or exc.headers is None:
        return None
    challenges = exc.headers.get_all("WWW-Authenticate") or []
    for challenge in challenges:
        scheme, _, rest = challenge.strip().partition(" ")
        if scheme.lower() == "digest":
            chal = urllib.request.parse_keqv_list(
                [item for item in urllib.request.parse_http_list(rest) if item]
            )
            manager = urllib.request.HTTPPasswordMgrWithDefaultRealm()
            manager.add_password(None, url, auth[0], auth[1])
            digest = urllib.request.AbstractDigestAuthHandler(manager)
            bodiless = urllib.request.Request(url, method="PUT")
            try:
                value = digest.get_authorization(bodiless, chal)
            except (urllib.error.URLError, ValueError):
                value = None
            if value:
                return f"Digest {value}"
    if any(c.strip().lower().startswith("basic") for c in challenges):
        return _basic(auth)
    return None


def _http_message(exc: urllib.error.HTTPError, url: str, had_auth: bool) -> str:
    """``HTTP 400 Bad Request from URL: the server's message``, on one line."""
    reason = exc.reason if isinstance(exc.reason, str) else ""
    text = ""
    try:
        raw = exc.read(1 << 16)
        content_type = str(exc.headers.get("Content-Type", "")) if exc.headers else ""
        text = raw.decode("utf-8", "replace")
        if "html" in content_type.lower() or text.lstrip().startswith("<"):
            text = re.sub(r"(?is)<(script|style|head)\b.*?</\1>", " ", text)
            text = re.sub(r"<[^>]+>", " ", text)
    except (OSError, ValueError):
        pass
    message = f"HTTP {exc.code}{' ' + reason if reason else ''} from {url}"
    detail = _one_line(text, 200)
    if detail:
        message += f": {detail}"
    if exc.code == 401:
        message += " (wrong user or password)" if had_auth else " (pass --user)"
    elif exc.code in (404, 405):
        message += (
            " (is this the Graph Store endpoint? Oxigraph: .../store, Fuseki: .../DATASET/data,"
            " GraphDB: .../repositories/ID/rdf-graphs/service)"
        )
    elif exc.code in (301, 302, 303, 307, 308) and exc.headers is not None:
        location = exc.headers.get("Location")
        if location:
            message += f" (redirected to {location}: use that URL as the endpoint)"
    return message


def _network_message(exc: OSError, url: str, timeout: float) -> str:
    reason: object = exc.reason if isinstance(exc, urllib.error.URLError) else exc
    if isinstance(reason, TimeoutError):
        return (
            f"{url}: timed out after {timeout:g} s (the server may still be busy; "
            f"raise --timeout)"
        )
    if isinstance(reason, ConnectionRefusedError):
        return f"{url}: connection refused (is the server running, and on that port?)"
    if isinstance(reason, socket.gaierror):
        host = urllib.parse.urlsplit(url).hostname
        return f"{url}: cannot resolve host {host!r}"
    if isinstance(reason, ssl.SSLCertVerificationError):
        return f"{url}: TLS certificate not trusted: {_one_line(str(reason.verify_message))}"
    if isinstance(reason, ConnectionResetError | BrokenPipeError):
        return (
            f"{url}: the server closed the connection while the graph was being sent "
            f"(a size limit, or a proxy in between?)"
        )
    if isinstance(reason, OSError):
        return f"{url}: {_one_line(reason.strerror or str(reason))}"
    return f"{url}: {_one_line(str(reason))}"


def _one_line(message: str, limit: int = 240) -> str:
    text = " ".join(message.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
