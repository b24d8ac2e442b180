"""Run a function over a stream of items on a Dask cluster (``kg build --dask tcp://HOST:PORT``).

:func:`map_on_cluster` is the cluster counterpart of ``map``: the items are cut into batches,
each batch is one task on the cluster, and the results come back in input order, with only a
bounded number of batches in flight, so an input of a million texts is never held in memory.

What the workers need:

* the same ``kg`` version as the client (``pip install kg``, or the same checkout, into the
  worker environment): the function is sent by reference (``kg.pipeline.analyse_text``), so
  every worker imports it from its own installation; dask warns when the packages of the
  client, the scheduler and the workers differ;
* nothing of the client's files: the client reads the texts and sends the items themselves
  (``SourceText`` objects, text included) to the workers, and gets the results back.

Start a cluster with ``dask scheduler`` on one machine and ``dask worker tcp://HOST:8786`` on
each of the others (or ``distributed.LocalCluster`` on one machine).
"""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from functools import partial
from itertools import islice
from typing import TYPE_CHECKING, TypeVar

if TYPE_CHECKING:
    # distributed is imported only when used; its Client methods are not annotated, hence
    # the no-untyped-call ignores below.
    from distributed import Client, Future

T = TypeVar("T")
R = TypeVar("R")

# What dask's own comm layer accepts and a user would type: tcp/tls with host and port
# (IPv6 host in brackets), or inproc:// (same process, used in tests and notebooks).
_ADDRESS = re.compile(r"(?:tcp|tls)://(?:\[[0-9A-Fa-f:.]+\]|[^\s/:\[\]@]+):(\d{1,5})|inproc://\S+")


class ClusterError(Exception):
    """The cluster cannot be reached or used (one line, says which address and why)."""


def map_on_cluster(
    func: Callable[[T], R],
    items: Iterable[T],
    address: str,
    *,
    batch_size: int = 32,
    max_in_flight: int | None = None,
    connect_timeout: float = 10.0,
) -> Iterator[R]:
    """``func(item)`` for every item, computed on the Dask cluster at ``address``, yielded in
    input order.

    ``func`` is pickled to the workers: a module-level function of a package installed on
    them (or a ``functools.partial`` of one) travels by name and is imported there, as the
    items and results travel by value.  Items are taken from ``items``
    only as batches are submitted: ``batch_size`` items make one task, and at most
    ``max_in_flight`` batches (default: twice the cluster's worker threads, at least 2) are
    submitted but not yet yielded.  An exception raised by ``func`` is raised here, as it
    was raised on the worker.

    The address and the numbers are checked at the call (:class:`ClusterError`,
    ``ValueError``); the cluster is connected to when the first result is asked for, and a
    scheduler that does not answer within ``connect_timeout`` seconds is a
    :class:`ClusterError`.  The connection is closed when the iterator is exhausted, fails
    or is closed; outstanding tasks are then cancelled.
    """
    _check_address(address)
    if batch_size < 1:
        raise ValueError(f"batch_size must be at least 1, not {batch_size}")
    if max_in_flight is not None and max_in_flight < 1:
        raise ValueError(f"max_in_flight must be at least 1, not {max_in_flight}")
    # Split so that the checks above run at the call, not at the first next(); connecting
    # waits for the generator, so that an iterator never iterated holds no connection.
    return _map(func, iter(items), address, batch_size, max_in_flight, connect_timeout)


def _check_address(address: str) -> None:
    """Raise :class:`ClusterError` unless ``address`` looks like a Dask scheduler address
    (``tcp://HOST:PORT``, ``tls://HOST:PORT`` or ``inproc://...``)."""
    match = _ADDRESS.fullmatch(address)
    port = match.group(1) if match else None
    if match is None or (port is not None and not 0 < int(port) < 65536):
        raise ClusterError(f"not a Dask scheduler address: {address!r} (expected tcp://HOST:PORT)")


def _map(
    func: Callable[[T], R],
    items: Iterator[T],
    address: str,
    batch_size: int,
    max_in_flight: int | None,
    connect_timeout: float,
) -> Iterator[R]:
    client = _connect(address, connect_timeout)
    pending: deque[Future[list[R]]] = deque()
    try:
        if max_in_flight is None:
            # Two batches per thread: one running, one queued on the worker, so no thread
            # waits for the client between tasks.
            max_in_flight = max(2, 2 * sum(client.nthreads().values()))  # type: ignore[no-untyped-call]
        exhausted = False
        while True:
            while not exhausted and len(pending) < max_in_flight:
                batch = list(islice(items, batch_size))
                if not batch:
                    exhausted = True
                    break
                # The batch is bound into the callable rather than passed as an argument:
                # dask looks inside argument lists and tuples for keys and tasks (older
                # versions even run a tuple whose first element is callable), and the items
                # must reach ``func`` untouched.  pure=False: equal batches are separate
                # tasks, not one result shared under one key.
                pending.append(client.submit(partial(_apply_all, func, batch), pure=False))
            if not pending:
                return
            yield from _result(pending[0], address)
            pending.popleft()
    finally:
        # Reached on exhaustion, on an error, and on close() / garbage collection of an
        # iterator left unfinished (GeneratorExit, KeyboardInterrupt in the consumer): the
        # cluster should not go on computing results nobody will read.
        try:
            if pending:
                client.cancel(list(pending))  # type: ignore[no-untyped-call]
        finally:
            client.close()  # type: ignore[no-untyped-call]


def _apply_all(func: Callable[[T], R], batch: list[T]) -> list[R]:
    """One task: ``func`` over the items of a batch (runs on a worker)."""
    return [func(item) for item in batch]


def _connect(address: str, timeout: float) -> Client:
    """A client of the scheduler at ``address``, or :class:`ClusterError` within about
    ``timeout`` seconds."""
    # Imported here so that ``import kg`` and single-machine builds do not load dask.
    from distributed import Client

    try:
        # (When this fails, distributed leaves the client's IO-loop thread running, a daemon:
        # the object is never handed back, so there is nothing to close.)
        return Client(address, timeout=timeout, set_as_default=False)  # type: ignore[no-untyped-call]
    except Exception as exc:  # OSError, TimeoutError, and whatever the comm layer raises
        # dask retries until the timeout and then says only "Timed out trying to connect";
        # the first cause ("Connection refused", "Name or service not known") says why.
        root = _first_cause(exc)
        reason = _one_line(exc) if root is exc else f"{_one_line(root)} (retried {timeout:g} s)"
        raise ClusterError(f"cannot reach the Dask scheduler at {address}: {reason}") from exc


def _result(future: Future[list[R]], address: str) -> list[R]:
    """The future's result; a task's own exception is raised as it is, the cluster failing
    to compute it (workers dying, the scheduler gone) is a :class:`ClusterError`."""
    # concurrent.futures' CancelledError, which distributed raises for a cancelled future
    # (not asyncio's, a BaseException since Python 3.8).
    from concurrent.futures import CancelledError

    from distributed.scheduler import KilledWorker

    try:
        return future.result()
    except (KilledWorker, CancelledError) as exc:
        raise ClusterError(f"the Dask cluster at {address} failed: {_one_line(exc)}") from exc


def _first_cause(exc: BaseException) -> BaseException:
    """The exception at the bottom of ``exc``'s chain of causes (bounded: chains can loop)."""
    for _ in range(32):
        cause = exc.__cause__ or exc.__context__
        if cause is None:
            break
        exc = cause
    return exc


def _one_line(exc: BaseException) -> str:
    text = " ".join(str(exc).split()) or type(exc).__name__
    return text if len(text) <= 300 else text[:297] + "..."
