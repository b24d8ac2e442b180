"""The command line, through click's CliRunner: formats, inputs, and errors for bad files."""

from __future__ import annotations

import csv
import io
import json
import os
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from kg.cli import main

REPORT = (
    "Thực hiện Nghị quyết số 25-NQ/TW ngày 03/6/2013 của Ban Chấp hành Trung ương, "
    "Ban Dân vận Tỉnh ủy ban hành Kế hoạch số 12-KH/BDVTU ngày 10/7/2013.\n"
)


def _runner() -> CliRunner:
    return CliRunner()  # click >= 8.2 keeps stderr apart from stdout


@pytest.fixture
def texts(tmp_path: Path) -> Path:
    (tmp_path / "a.txt").write_text(REPORT, encoding="utf-8")
    (tmp_path / "b.txt").write_text("Chỉ thị số 16/CT-TTg của Thủ tướng Chính phủ.\n",
                                    encoding="utf-8")
    return tmp_path


def test_jsonl_has_the_contract_fields(texts: Path) -> None:
    result = _runner().invoke(main, ["extract", "--format", "jsonl", str(texts / "a.txt")])
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["symbol"] for r in rows] == ["25-NQ/TW", "12-KH/BDVTU"]
    for key in ("file", "start", "end", "text", "type", "number", "symbol", "issuer_codes",
                "year", "date", "issuer", "term", "title", "doc_id"):
        assert key in rows[0]
    assert rows[0]["date"] == "2013-06-03"
    assert REPORT[rows[0]["start"] : rows[0]["end"]] == rows[0]["text"]


@pytest.mark.parametrize("fmt", ["table", "json", "csv"])
def test_every_format_lists_both_files(texts: Path, fmt: str) -> None:
    result = _runner().invoke(main, ["extract", "--format", fmt, str(texts)])
    assert result.exit_code == 0, result.output
    out = result.stdout
    if fmt == "json":
        symbols = [r["symbol"] for r in json.loads(out)]
    elif fmt == "csv":
        symbols = [r["symbol"] for r in csv.DictReader(io.StringIO(out))]
    else:
        symbols = [s for s in ("25-NQ/TW", "12-KH/BDVTU", "16/CT-TTg") if s in out]
    assert symbols == ["25-NQ/TW", "12-KH/BDVTU", "16/CT-TTg"]


def test_reads_standard_input() -> None:
    result = _runner().invoke(main, ["extract", "--format", "jsonl", "-"], input=REPORT)
    assert result.exit_code == 0
    assert len(result.stdout.splitlines()) == 2


def test_output_file(texts: Path, tmp_path: Path) -> None:
    target = tmp_path / "out.jsonl"
    result = _runner().invoke(main, ["extract", "--format", "jsonl", "-o", str(target),
                                     str(texts / "b.txt")])
    assert result.exit_code == 0
    assert json.loads(target.read_text(encoding="utf-8"))["symbol"] == "16/CT-TTg"


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("binary.txt", bytes(range(256)) * 4, "not a text file"),
        ("empty.txt", b"", "empty file"),
        ("unknown.txt", "日本語のテキストです。これは試験です。".encode("shift_jis"),
         "unknown encoding"),
    ],
)
def test_bad_file_is_named_and_others_still_processed(
    texts: Path, name: str, content: bytes, reason: str
) -> None:
    (texts / name).write_bytes(content)
    result = _runner().invoke(main, ["extract", "--format", "jsonl", str(texts)])
    assert result.exit_code == 1
    assert "Traceback" not in result.output + result.stderr
    errors = [line for line in result.stderr.splitlines() if name in line]
    assert len(errors) == 1 and reason in errors[0]
    assert len(result.stdout.splitlines()) == 3  # the good files' citations


def test_missing_file_is_an_error_not_a_traceback(tmp_path: Path) -> None:
    result = _runner().invoke(main, ["extract", str(tmp_path / "nope.txt")])
    assert result.exit_code != 0
    assert "nope.txt" in result.stderr
    assert result.exception is None or isinstance(result.exception, SystemExit)


def test_help_shows_examples() -> None:
    result = _runner().invoke(main, ["extract", "--help"])
    assert result.exit_code == 0
    assert "Examples:" in result.stdout


@pytest.mark.skipif(sys.platform != "linux", reason="a pseudo-terminal with a window size")
def test_build_shows_progress_with_rate_and_time_left_on_a_terminal(tmp_path: Path) -> None:
    """On a terminal kg build shows how many texts of how many, texts per second and the time
    left (the total is counted before reading); off a terminal it stays silent (the other CLI
    tests)."""
    import fcntl
    import pty
    import struct
    import subprocess
    import termios

    texts = tmp_path / "texts"
    texts.mkdir()
    for i in range(12):
        (texts / f"t{i:02d}.txt").write_text(
            f"Báo cáo {i}: thực hiện Chỉ thị số 16/CT-TTg ngày 31/3/2020.\n", encoding="utf-8")
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
    kg = Path(sys.executable).with_name("kg")
    child = subprocess.Popen([str(kg), "build", str(texts), "-o", str(tmp_path / "out"),
                              "--no-store", "--no-html"],
                             stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=slave)
    os.close(slave)
    shown = b""
    while True:
        try:
            chunk = os.read(master, 65536)
        except OSError:  # the child closed the terminal
            break
        if not chunk:
            break
        shown += chunk
    assert child.wait(timeout=60) == 0
    os.close(master)
    last_bar = [part for part in shown.decode("utf-8").split("\r") if "analysing" in part][-1]
    assert "12/12" in last_bar and "text/s" in last_bar and "<00:00" in last_bar, last_bar
