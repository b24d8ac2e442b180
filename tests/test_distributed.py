"""kg.distributed against a real local Dask cluster: two worker processes on this machine."""

from __future__ import annotations

import logging
import os
import socket
import sys
import time
from collections.abc import Iterator
from functools import partial
from typing import Any

import cloudpickle
import distributed
import pytest

from kg.distributed import ClusterError, map_on_cluster
from kg.models import SourceText
from kg.pipeline import analyse_text
from kg.read import read_bytes

# The functions defined here travel by value, so that the workers need not import this file
# (LocalCluster's processes happen to inherit this process's sys.path, a real cluster's do
# not); kg's functions travel by reference, as in real use, and the workers import them from
# the installed kg.
cloudpickle.register_pickle_by_value(sys.modules[__name__])


@pytest.fixture(scope="module")
def cluster() -> Iterator[Any]:
    """A scheduler and two single-threaded worker processes, shared by the module's tests."""
    with distributed.LocalCluster(
        n_workers=2,
        threads_per_worker=1,
        processes=True,
        scheduler_port=0,  # a free port, chosen by the scheduler
        dashboard_address=None,
        # CRITICAL: the workers log the tasks that fail on purpose below as errors.
        silence_logs=logging.CRITICAL,
    ) as cluster:
        yield cluster


@pytest.fixture
def address(cluster: Any) -> str:
    return str(cluster.scheduler_address)


def assert_released(cluster: Any) -> None:
    """The scheduler (which runs in this process) forgets every task and client of a map
    once it is over; that takes a few messages, hence the wait."""
    scheduler = cluster.scheduler
    deadline = time.monotonic() + 5
    while scheduler.tasks or set(scheduler.clients) - {"fire-and-forget"}:
        assert time.monotonic() < deadline, (list(scheduler.tasks), list(scheduler.clients))
        time.sleep(0.05)


def with_pid(item: int) -> tuple[int, int]:
    return item, os.getpid()


def fail_on_7(item: int) -> int:
    if item == 7:
        raise ValueError(f"item {item} is bad")
    return item


def scaled(factor: int, item: int) -> int:
    return factor * item


@pytest.mark.parametrize(
    ("n", "batch_size", "max_in_flight"),
    [
        (0, 4, None),
        (1, 4, None),
        (3, 4, None),  # batch_size - 1: one short batch
        (4, 4, None),  # exactly one batch
        (20, 3, 2),  # several batches, the last one short, two in flight
        (9, 1, 1),  # one item per task, one task at a time
    ],
)
def test_results_in_input_order(
    address: str, n: int, batch_size: int, max_in_flight: int | None
) -> None:
    items = range(n)
    results = list(
        map_on_cluster(with_pid, items, address, batch_size=batch_size, max_in_flight=max_in_flight)
    )
    assert [item for item, _ in results] == list(items)
    assert os.getpid() not in {pid for _, pid in results}


def test_work_is_spread_over_worker_processes(address: str) -> None:
    results = list(map_on_cluster(with_pid, range(400), address, batch_size=5))
    assert [item for item, _ in results] == list(range(400))
    pids = {pid for _, pid in results}
    assert len(pids) > 1
    assert os.getpid() not in pids


def test_partial_and_equal_batches(address: str) -> None:
    # Equal batches are separate tasks (pure=False): each yields its own results.
    items = [1, 2] * 10
    results = list(map_on_cluster(partial(scaled, 3), items, address, batch_size=2))
    assert results == [3 * i for i in items]


def test_input_is_consumed_lazily(cluster: Any, address: str) -> None:
    pulled = 0

    def numbers() -> Iterator[int]:
        nonlocal pulled
        for i in range(1_000_000):
            pulled += 1
            yield i

    batch_size, max_in_flight = 5, 2
    results = map_on_cluster(
        with_pid, numbers(), address, batch_size=batch_size, max_in_flight=max_in_flight
    )
    assert pulled == 0  # nothing is read before the first result is asked for
    assert next(results)[0] == 0
    assert pulled <= max_in_flight * batch_size
    assert [next(results)[0] for _ in range(20)] == list(range(1, 21))
    assert pulled <= 21 + max_in_flight * batch_size
    results.close()  # cancels what is in flight and disconnects
    assert pulled < 100
    assert_released(cluster)


def test_task_error_is_raised_in_the_client(cluster: Any, address: str) -> None:
    results = map_on_cluster(fail_on_7, range(100), address, batch_size=3)
    with pytest.raises(ValueError, match="item 7 is bad"):
        list(results)
    assert_released(cluster)  # the batches after the failed one are cancelled
    assert list(map_on_cluster(abs, [-1, -2], address)) == [1, 2]
    assert_released(cluster)


def exit_on_3(item: int) -> int:
    if item == 3:
        os._exit(1)  # the worker process dies, as on a crash in a C extension
    return item


def test_task_that_kills_its_workers_is_a_cluster_error(cluster: Any, address: str) -> None:
    with pytest.raises(ClusterError, match=f"the Dask cluster at {address} failed"):
        list(map_on_cluster(exit_on_3, range(10), address, batch_size=2))
    assert_released(cluster)
    cluster.wait_for_workers(2, timeout=30)  # the nannies restart the dead workers


def test_address_that_is_not_one() -> None:
    with pytest.raises(ClusterError, match="not-an-address"):
        map_on_cluster(abs, [1], "not-an-address")
    with pytest.raises(ClusterError, match="70000"):
        map_on_cluster(abs, [1], "tcp://127.0.0.1:70000")


def test_no_scheduler_at_the_address() -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    address = f"tcp://127.0.0.1:{port}"
    with pytest.raises(ClusterError, match=f"cannot reach the Dask scheduler at {address}"):
        list(map_on_cluster(abs, [1], address, connect_timeout=2))


def test_bad_numbers() -> None:
    with pytest.raises(ValueError, match="batch_size"):
        map_on_cluster(abs, [1], "tcp://127.0.0.1:8786", batch_size=0)
    with pytest.raises(ValueError, match="max_in_flight"):
        map_on_cluster(abs, [1], "tcp://127.0.0.1:8786", max_in_flight=0)


SENTENCES = [
    "Thực hiện Nghị quyết số 25-NQ/TW ngày 03/6/2013 của Ban Chấp hành Trung ương, "
    "Tỉnh ủy ban hành Kế hoạch số 21-KH/TU.",
    "Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015; "
    "căn cứ Nghị định số 30/2020/NĐ-CP ngày 05/3/2020 của Chính phủ về công tác văn thư.",
    "Chỉ thị số 05-CT/TW ngày 15/5/2016 của Bộ Chính trị được quán triệt sâu rộng; "
    "Quyết định số 1234/QĐ-UBND ngày 10/8/2021 thay thế Quyết định số 99/QĐ-UBND.",
    "Văn bản này không dẫn văn bản nào.",
]


def test_kg_analysis_on_the_cluster_equals_in_process(address: str) -> None:
    sources: list[SourceText] = []
    for i, sentence in enumerate(SENTENCES):
        source = read_bytes(sentence.encode("utf-8"), f"text-{i}.txt")
        assert isinstance(source, SourceText)
        sources.append(source)
    local = [analyse_text(s) for s in sources]
    assert sum(len(t.citations) for t in local) >= 5  # the sentences do cite documents
    remote = list(map_on_cluster(analyse_text, sources, address, batch_size=2))
    assert remote == local
