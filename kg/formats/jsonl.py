"""JSON Lines: one text per line, a JSON object with a text field.

The text is the first string field of ``text``, ``content`` and ``body``.  A record's path is
``FILE:ID`` when it has an ``id`` (string or integer), else ``FILE:LINE``; its metadata are its
other short string fields, with the usual names mapped to the reader's keys (``date`` →
``published``, ``link`` → ``url``, ``source`` → ``site``...) and the line number as ``line``.

A bad line (not JSON, not an object, no text, not UTF-8) is a :class:`kg.models.ReadError`
naming ``FILE:LINE``; the other lines are still read.  A file none of whose records has a text
field (a manifest, say) gives one error for the file instead of one per line.  The file is read
line by line, never whole.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kg.models import ReadError, SourceText
from kg.read import iso_datetime, make_source

if TYPE_CHECKING:
    from kg.read import ReadOptions

__all__ = ["TEXT_FIELDS", "iter_jsonl_file", "iter_jsonl_lines"]

TEXT_FIELDS = ("text", "content", "body")
"""The fields that hold a record's text, in order of preference."""

_ALIASES = {
    "published": ("published", "date", "published_at", "publish_date", "pubdate",
                  "date_published", "datetime", "time", "created_at"),
    "url": ("url", "link", "source_url", "href", "uri"),
    "title": ("title", "headline"),
    "author": ("author", "byline"),
    "site": ("site", "sitename", "site_name", "domain", "source"),
}  # fmt: skip
_MAX_META_CHARS = 1000
_NO_TEXT = "no text field (" + ", ".join(TEXT_FIELDS) + ")"


def iter_jsonl_file(
    path: Path, name: str, options: ReadOptions | None = None
) -> Iterator[SourceText | ReadError]:
    """Read a JSON Lines file record by record."""
    try:
        handle = path.open("rb")
    except OSError as exc:
        reason = "permission denied" if isinstance(exc, PermissionError) else (
            f"cannot read ({exc.strerror or exc})"
        )
        yield ReadError(name, reason)
        return
    with handle:
        yield from iter_jsonl_lines(handle, name)


def iter_jsonl_lines(lines: Iterable[bytes], name: str) -> Iterator[SourceText | ReadError]:
    """Read the lines of a JSON Lines file (bytes, with or without their line ends)."""
    held: list[ReadError] = []  # "no text field" errors, held until a record has a text
    any_text = any_line = False
    for number, line in enumerate(lines, 1):
        if number == 1:
            line = line.removeprefix(b"\xef\xbb\xbf")
        if not line.strip():
            continue
        any_line = True
        result = _record(line, name, number)
        if isinstance(result, ReadError) and result.reason == _NO_TEXT and not any_text:
            held.append(result)
            continue
        if isinstance(result, SourceText) and not any_text:
            any_text = True
            yield from held
            held.clear()
        yield result
    if not any_line:
        yield ReadError(name, "empty file")
    elif not any_text and held:
        yield ReadError(name, f"no record has a text field ({', '.join(TEXT_FIELDS)})")


def _record(line: bytes, name: str, number: int) -> SourceText | ReadError:
    where = f"{name}:{number}"
    try:
        decoded = line.decode("utf-8")
    except UnicodeDecodeError as exc:
        return ReadError(where, f"not UTF-8 (byte {exc.start})")
    try:
        record = json.loads(decoded)
    except json.JSONDecodeError as exc:
        return ReadError(where, f"bad JSON ({exc.msg} at column {exc.colno})")
    if not isinstance(record, dict):
        return ReadError(where, f"not a JSON object (a {_json_type(record)})")
    field = next((f for f in TEXT_FIELDS if isinstance(record.get(f), str)), None)
    if field is None:
        present = next((f for f in TEXT_FIELDS if f in record), None)
        if present is not None:
            return ReadError(
                where, f'"{present}" is a {_json_type(record[present])}, not a string'
            )
        return ReadError(where, _NO_TEXT)
    ident = record.get("id")
    path = where
    if isinstance(ident, (str, int)) and not isinstance(ident, bool) and str(ident).strip():
        path = f"{name}:{str(ident).strip()}"
    result = make_source(
        path,
        record[field],
        encoding="utf-8",
        sha256=hashlib.sha256(line.rstrip(b"\r\n")).hexdigest(),
        metadata=_metadata(record, field, number),
        empty="empty text",
    )
    if isinstance(result, ReadError) and path != where:
        return ReadError(where, f"{result.reason} (id {path.removeprefix(name + ':')})")
    return result


def _metadata(record: dict[str, Any], text_field: str, number: int) -> dict[str, str]:
    strings = {
        k: " ".join(v.split())
        for k, v in record.items()
        if k != text_field and isinstance(v, str) and 0 < len(v) <= _MAX_META_CHARS
    }
    meta = {k: v for k, v in strings.items() if v}
    for key, names in _ALIASES.items():
        values = (strings[n] for n in names if strings.get(n))
        if key == "published":  # the first field that reads as a date
            values = (iso for v in values if (iso := iso_datetime(v)))
            meta.pop(key, None)
        value = next(values, None)
        if value:
            meta[key] = value
    meta["line"] = str(number)
    meta["format"] = "jsonl"
    return meta


def _json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "list"
    return "object"
