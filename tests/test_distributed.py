"""kg.distributed against a real local Dask cluster: two worker processes on this machine."""

from __future__ import annotations

import logging
import os
import socket
import sys
import time
from collections.abc import Iterator
from functools import partial
from pathlib import Path
from typing import Any

import cloudpickle
import distributed
import pyoxigraph as ox
import pytest
from click.testing import CliRunner

from kg.cli import main
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


# --------------------------------------------------------------------------------------------
# kg build --dask: the same outputs as a build in one process

BUILD_TEXTS = {
    "bao-cao-1.txt": (
        "Báo cáo kết quả 5 năm thực hiện Nghị quyết số 25-NQ/TW ngày 03/6/2013 của Ban Chấp "
        "hành Trung ương về công tác dân vận. Thực hiện Kế hoạch số 21-KH/TU của Tỉnh ủy, "
        "các huyện đã tổ chức quán triệt."
    ),
    "bao-cao-2.txt": (
        "Thực hiện Chỉ thị số 16/CT-TTg ngày 31/3/2020 của Thủ tướng Chính phủ, tỉnh đã triển "
        "khai các biện pháp phòng, chống dịch. Căn cứ Nghị định 30/2020/NĐ-CP về công tác văn thư."
    ),
    "ke-hoach.txt": (
        "UBND TỈNH BÌNH PHƯỚC\nSố: 12/KH-UBND\n\nKẾ HOẠCH\nTriển khai Nghị quyết số 25-NQ/TW "
        "ngày 03/6/2013 của Ban Chấp hành Trung ương.\nCăn cứ Luật Tổ chức chính quyền địa "
        "phương năm 2015; Nghị định số 30/2020/NĐ-CP ngày 05/3/2020 của Chính phủ."
    ),
    "tin-1.txt": "Tỉnh ủy sơ kết Nghị quyết 25-NQ/TW và Quyết định số 290-QĐ/TW ngày 25/02/2010.",
    "tin-2.txt": "Hội nghị quán triệt Kết luận số 114-KL/TW ngày 14/7/2015 của Ban Bí thư.",
    "tin-3.txt": "Một bài tin không dẫn văn bản nào.",
}


def test_build_on_the_cluster_equals_build_in_one_process(tmp_path: Path, address: str) -> None:
    texts = tmp_path / "texts"
    texts.mkdir()
    for name, text in BUILD_TEXTS.items():
        (texts / name).write_text(text, encoding="utf-8")
    (texts / "hong.txt").write_bytes(b"\x00\x01\x02 binary")
    runner = CliRunner()
    local = runner.invoke(main, ["build", str(texts), "-o", str(tmp_path / "local"),
                                 "--no-html", "--shards"])
    on_cluster = runner.invoke(main, ["build", str(texts), "-o", str(tmp_path / "dask"),
                                      "--no-html", "--dask", address])
    # The unreadable file is reported (one line naming it) and the others are built.
    for result in (local, on_cluster):
        assert result.exit_code == 1, result.output
        assert "hong.txt: not a text file" in result.stderr
        assert f"{len(BUILD_TEXTS)} texts ({len(BUILD_TEXTS)} read)" in result.stderr
    for name in ("graph.ttl", "citations.jsonl", "relations.jsonl"):
        assert (tmp_path / "dask" / name).read_bytes() == (tmp_path / "local" / name).read_bytes()
    # The N-Triples shards hold the graph's triples, as a triplestore bulk-loads them.
    shards = sorted((tmp_path / "dask" / "graph-nt").glob("*.nt"))
    assert [p.name for p in shards] == ["graph-00000.nt"]
    store = ox.Store()
    for shard in shards:
        store.bulk_load(path=str(shard), format=ox.RdfFormat.N_TRIPLES)
    turtle = ox.Store()
    turtle.bulk_load(path=str(tmp_path / "dask" / "graph.ttl"), format=ox.RdfFormat.TURTLE)
    assert set(store) == set(turtle) and len(store) > 100


def test_build_with_an_unreachable_cluster_is_a_one_line_error(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(BUILD_TEXTS["tin-1.txt"], encoding="utf-8")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    result = CliRunner().invoke(main, ["build", str(tmp_path / "a.txt"), "-o",
                                       str(tmp_path / "out"), "--dask", f"tcp://127.0.0.1:{port}"])
    assert result.exit_code == 1
    assert f"cannot reach the Dask scheduler at tcp://127.0.0.1:{port}" in result.stderr
    assert not (tmp_path / "out" / "graph.ttl").exists()
