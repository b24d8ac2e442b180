"""Read inputs: files, directories and standard input, decoded and normalised.

Every input becomes either a :class:`kg.models.SourceText` or a :class:`kg.models.ReadError`
with a one-line reason; one bad file never stops the others.  Readers never raise for bad
input: the caller decides whether an error is fatal (``--strict``).
"""

from __future__ import annotations

import datetime as dt
import fnmatch
import hashlib
import os
import re
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from kg.encodings import UnreadableTextError, decode_vietnamese
from kg.models import ReadError, SourceText
from kg.normalize import normalize_text

TEXT_SUFFIXES = frozenset({".txt", ".text", ".md", ".markdown"})
"""File endings picked up when a directory is walked."""

DEFAULT_MAX_BYTES = 50 * 1024 * 1024
"""Files larger than this are refused with a clear error instead of exhausting memory."""


@dataclass(frozen=True, slots=True)
class ReadOptions:
    """How inputs are found and read."""

    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    max_bytes: int = DEFAULT_MAX_BYTES


def iter_sources(
    inputs: Sequence[str], options: ReadOptions | None = None
) -> Iterator[SourceText | ReadError]:
    """Read every input in order: ``-`` is standard input, a directory is walked recursively
    (files with a text ending, filtered by the include and exclude globs, sorted by path)."""
    opts = options or ReadOptions()
    for item in inputs:
        if item == "-":
            yield read_bytes(sys.stdin.buffer.read(), "<stdin>")
            continue
        path = Path(item)
        if path.is_dir():
            files = list(_walk(path, opts))
            if not files:
                yield ReadError(item, "directory contains no text files (.txt, .md)")
            for file in files:
                yield read_file(file, opts)
        elif path.exists():
            yield read_file(path, opts)
        else:
            yield ReadError(item, "no such file or directory")


def _walk(root: Path, opts: ReadOptions) -> Iterator[Path]:
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for name in sorted(filenames):
            file = Path(dirpath) / name
            rel = file.relative_to(root).as_posix()
            if name.startswith("."):
                continue
            if opts.include:
                if not _matches_any(rel, name, opts.include):
                    continue
            elif file.suffix.lower() not in TEXT_SUFFIXES:
                continue
            if _matches_any(rel, name, opts.exclude):
                continue
            yield file


def _matches_any(rel: str, name: str, globs: Sequence[str]) -> bool:
    return any(fnmatch.fnmatch(rel, g) or fnmatch.fnmatch(name, g) for g in globs)


def read_file(path: Path, options: ReadOptions | None = None) -> SourceText | ReadError:
    """Read one file; never raises for bad input."""
    opts = options or ReadOptions()
    name = str(path)
    try:
        size = path.stat().st_size
        if size > opts.max_bytes:
            return ReadError(
                name,
                f"file too large ({human_size(size)}; the limit is "
                f"{human_size(opts.max_bytes)}, raise it with --max-size)",
            )
        raw = path.read_bytes()
    except IsADirectoryError:
        return ReadError(name, "is a directory")
    except PermissionError:
        return ReadError(name, "permission denied")
    except OSError as exc:
        return ReadError(name, f"cannot read ({exc.strerror or exc})")
    return read_bytes(raw, name)


def human_size(n: int) -> str:
    """A byte count for people: "812 bytes", "3.4 kB", "52.1 MB"."""
    if n < 1000:
        return f"{n} bytes"
    for unit in ("kB", "MB", "GB"):
        n_units = n / 1000
        if n_units < 1000 or unit == "GB":
            return f"{n_units:.1f} {unit}"
        n = int(n_units)
    return f"{n} GB"  # pragma: no cover


def read_bytes(raw: bytes, name: str) -> SourceText | ReadError:
    """Decode bytes of a text (any supported encoding) into a normalised source text."""
    try:
        decoded = decode_vietnamese(raw)
    except UnreadableTextError as exc:
        return ReadError(name, str(exc))
    text = normalize_text(decoded.text)
    if not text.strip():
        return ReadError(name, "empty file")
    return SourceText(
        path=name,
        text=text,
        encoding=decoded.encoding,
        metadata=text_metadata(text),
        sha256=hashlib.sha256(raw).hexdigest(),
    )


# "Thứ hai - 22/06/2020 23:04" (provincial portals), "(10:36 | 27/05/2019)".
_PUBLISHED_RE = re.compile(
    r"(?:Thứ\s+\w+|Chủ\s+nhật)\s*-\s*(?P<d>\d{1,2})/(?P<m>\d{1,2})/(?P<y>\d{4})"
    r"(?:\s+(?P<hh>\d{1,2}):(?P<mm>\d{2}))?"
    r"|\(\s*(?P<hh2>\d{1,2}):(?P<mm2>\d{2})\s*\|\s*(?P<d2>\d{1,2})/(?P<m2>\d{1,2})/(?P<y2>\d{4})\s*\)"
)
_AUTHOR_RE = re.compile(
    r"^[ \t]*Nguồn(?:[ \t]+tin)?[ \t]*:[ \t]*(?P<author>[^\n]*?)[ \t]*:?[ \t]*$", re.M
)


def text_metadata(text: str) -> dict[str, str]:
    """Metadata a plain text shows: its title (first line), publication date and time, and
    author line ("Nguồn tin: ...")."""
    meta: dict[str, str] = {}
    for line in text.splitlines():
        if line.strip():
            meta["title"] = " ".join(line.split())[:500]
            break
    m = _PUBLISHED_RE.search(text, 0, 5000)
    if m is not None:
        d, mo, y = (m.group("d") or m.group("d2")), (m.group("m") or m.group("m2")), (
            m.group("y") or m.group("y2")
        )
        hh, mm = (m.group("hh") or m.group("hh2")), (m.group("mm") or m.group("mm2"))
        try:
            when = dt.datetime(int(y), int(mo), int(d))
            stamp = when.date().isoformat()
            if hh is not None and mm is not None:
                stamp = when.replace(hour=int(hh), minute=int(mm)).isoformat()
        except ValueError:
            stamp = ""  # "31/02/2020" or "25:99": not a date, say nothing
        if stamp:
            meta["published"] = stamp
    m = _AUTHOR_RE.search(text)
    if m is not None and m.group("author").strip():
        meta["author"] = m.group("author").strip()
    return meta
