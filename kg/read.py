"""Read inputs: files, directories and standard input, decoded and normalised.

Every input becomes either a :class:`kg.models.SourceText` or a :class:`kg.models.ReadError`
with a one-line reason; one bad file never stops the others.  Readers never raise for bad
input: the caller decides whether an error is fatal (``--strict``).

Plain texts (``.txt``, ``.text``, ``.md``) are read here; HTML pages, Word documents, PDFs and
JSON Lines by the modules of :mod:`kg.formats`, chosen by the file ending (by the content for
standard input and for files whose ending no reader claims).  Inputs are read one at a time, as
:func:`iter_sources` is iterated.

Every reader ends in :func:`make_source`, which also takes out of the text the notices that web
sites print around a document (``kg/lexicon/site_notices.toml``: a portal's consent notice
citing the decree on personal data, ...) and keeps their lines in ``metadata["sidebar"]``, as
the HTML reader does with a page's sidebars: their citations are reported apart, not taken for
the document's (:func:`strip_site_notices`).
"""

from __future__ import annotations

import datetime as dt
import fnmatch
import hashlib
import os
import re
import sys
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from kg.encodings import UnreadableTextError, decode_vietnamese
from kg.formats import SUPPORTED_SUFFIXES, Format, format_of_suffix, sniff_format
from kg.lexicon import SiteNotice, load_site_notices, notice_phrase_key
from kg.models import ReadError, SourceText
from kg.normalize import normalize_text, tolerant_pattern

TEXT_SUFFIXES = SUPPORTED_SUFFIXES
"""File endings picked up when a directory is walked (every format :mod:`kg.formats` reads)."""

DEFAULT_MAX_BYTES = 50 * 1024 * 1024
"""Files larger than this are refused with a clear error instead of exhausting memory."""

STDIN = "<stdin>"


@dataclass(frozen=True, slots=True)
class ReadOptions:
    """How inputs are found and read.

    ``include`` and ``exclude`` are globs matched against a walked file's path relative to the
    directory and against its name; an include glob replaces the filter on file endings.
    ``max_bytes`` is the largest file (or standard input) read.
    """

    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    max_bytes: int = DEFAULT_MAX_BYTES


@dataclass(frozen=True, slots=True)
class FileInput:
    """One file that holds one text, to be read later: in a worker process (which reads it
    from disk) or on a cluster (``raw`` carries its bytes, so the worker needs no access to
    this machine's files)."""

    path: str
    options: ReadOptions = ReadOptions()
    raw: bytes | None = None

    def read(self) -> list[SourceText | ReadError]:
        """The file's text (or the reason it has none); never raises for bad input."""
        if self.raw is None:
            return list(iter_file(Path(self.path), self.options))
        fmt = format_of_suffix(Path(self.path).suffix) or sniff_format(self.raw)
        return list(_read_raw(self.raw, self.path, fmt, self.options))

    def with_bytes(self) -> FileInput | ReadError:
        """The same input carrying its bytes (read here, size limit checked)."""
        refused = _check_size(Path(self.path), self.options)
        if refused is not None:
            return refused
        raw = _read_all(Path(self.path))
        if isinstance(raw, ReadError):
            return raw
        return FileInput(self.path, self.options, raw)


Input = FileInput | SourceText | ReadError
"""What :func:`iter_inputs` yields: a file to read later, a text already read (standard
input, a JSON Lines record), or an input that could not be read."""


def iter_inputs(inputs: Sequence[str], options: ReadOptions | None = None) -> Iterator[Input]:
    """Every input in order, as :func:`iter_sources` reads them, but files of one text are
    left unread (:class:`FileInput`), so that reading them can run in parallel."""
    opts = options or ReadOptions()
    for item in inputs:
        if item == "-":
            yield from _read_stdin(opts)
            continue
        path = Path(item)
        if path.is_dir():
            found = False
            for file in _walk(path, opts):
                found = True
                yield from _file_inputs(file, opts)
            if not found:
                yield ReadError(item, _no_texts_reason(opts))
        elif path.exists():
            yield from _file_inputs(path, opts)
        else:
            yield ReadError(item, "no such file or directory")


def _file_inputs(path: Path, opts: ReadOptions) -> Iterator[Input]:
    if format_of_suffix(path.suffix) == "jsonl":
        yield from iter_file(path, opts)  # many texts: read here, record by record
    else:
        yield FileInput(str(path), opts)


def count_inputs(inputs: Sequence[str], options: ReadOptions | None = None) -> int | None:
    """How many texts the inputs hold, counted without reading them; None when that cannot
    be known beforehand (standard input, JSON Lines files)."""
    opts = options or ReadOptions()
    count = 0
    for item in inputs:
        path = Path(item)
        if item == "-":
            return None
        files = _walk(path, opts) if path.is_dir() else iter([path] if path.exists() else [])
        for file in files:
            if format_of_suffix(file.suffix) == "jsonl":
                return None
            count += 1
    return count


def iter_sources(
    inputs: Sequence[str], options: ReadOptions | None = None
) -> Iterator[SourceText | ReadError]:
    """Read every input in order: ``-`` is standard input, a directory is walked recursively
    (files with a supported ending, filtered by the include and exclude globs, sorted by path).

    A JSON Lines file yields one item per record.  Nothing is read before it is asked for.
    """
    for item in iter_inputs(inputs, options):
        if isinstance(item, FileInput):
            yield from item.read()
        else:
            yield item


def _no_texts_reason(opts: ReadOptions) -> str:
    if opts.include:
        return "directory contains no text files matching " + ", ".join(opts.include)
    endings = " ".join(sorted(SUPPORTED_SUFFIXES))
    return f"directory contains no text files ({endings})"


def _read_stdin(opts: ReadOptions) -> Iterator[SourceText | ReadError]:
    raw = sys.stdin.buffer.read(opts.max_bytes + 1)
    if len(raw) > opts.max_bytes:
        yield ReadError(
            STDIN,
            f"input too large (more than {human_size(opts.max_bytes)}, the limit; "
            "raise it with --max-size)",
        )
        return
    yield from _read_raw(raw, STDIN, sniff_format(raw), opts)


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
            elif format_of_suffix(file.suffix) is None:
                continue
            if _matches_any(rel, name, opts.exclude):
                continue
            yield file


def _matches_any(rel: str, name: str, globs: Sequence[str]) -> bool:
    return any(fnmatch.fnmatch(rel, g) or fnmatch.fnmatch(name, g) for g in globs)


def iter_file(path: Path, options: ReadOptions | None = None) -> Iterator[SourceText | ReadError]:
    """Read one file of any supported format: one item, or one per record of a JSON Lines
    file.  The format is told by the file ending, else by the content."""
    opts = options or ReadOptions()
    name = str(path)
    fmt = format_of_suffix(path.suffix)
    refused = _check_size(path, opts)
    if refused is not None:
        yield refused
        return
    if fmt == "jsonl":
        from kg.formats.jsonl import iter_jsonl_file

        yield from iter_jsonl_file(path, name, opts)
        return
    raw = _read_all(path)
    if isinstance(raw, ReadError):
        yield raw
        return
    yield from _read_raw(raw, name, fmt or sniff_format(raw), opts)


def read_file(path: Path, options: ReadOptions | None = None) -> SourceText | ReadError:
    """Read one file that holds one text (every format but JSON Lines); never raises for bad
    input."""
    if format_of_suffix(path.suffix) == "jsonl":
        return ReadError(str(path), "a JSON Lines file holds many texts: read it with iter_sources")
    results = list(iter_file(path, options))
    if len(results) == 1:
        return results[0]
    return ReadError(str(path), f"holds {len(results)} texts: read it with iter_sources")


def _check_size(path: Path, opts: ReadOptions) -> ReadError | None:
    name = str(path)
    try:
        size = path.stat().st_size
    except OSError as exc:
        return _os_error(name, exc)
    if size > opts.max_bytes:
        return ReadError(
            name,
            f"file too large ({human_size(size)}; the limit is "
            f"{human_size(opts.max_bytes)}, raise it with --max-size)",
        )
    return None


def _read_all(path: Path) -> bytes | ReadError:
    try:
        return path.read_bytes()
    except OSError as exc:
        return _os_error(str(path), exc)


def _os_error(name: str, exc: OSError) -> ReadError:
    if isinstance(exc, IsADirectoryError):
        return ReadError(name, "is a directory")
    if isinstance(exc, PermissionError):
        return ReadError(name, "permission denied")
    return ReadError(name, f"cannot read ({exc.strerror or exc})")


def _read_raw(
    raw: bytes, name: str, fmt: Format, opts: ReadOptions
) -> Iterator[SourceText | ReadError]:
    """Read the bytes of one input in a known format."""
    if fmt == "text":
        yield read_bytes(raw, name)
    elif fmt == "html":
        from kg.formats.html import read_html

        yield read_html(raw, name)
    elif fmt == "docx":
        from kg.formats.docx import read_docx

        yield read_docx(raw, name, max_bytes=opts.max_bytes)
    elif fmt == "pdf":
        from kg.formats.pdf import read_pdf

        yield read_pdf(raw, name)
    else:
        from kg.formats.jsonl import iter_jsonl_lines

        yield from iter_jsonl_lines(raw.splitlines(keepends=True), name)


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
    """Decode bytes of a plain text (any supported encoding) into a normalised source text."""
    try:
        decoded = decode_vietnamese(raw)
    except UnreadableTextError as exc:
        return ReadError(name, str(exc))
    return make_source(
        name, decoded.text, encoding=decoded.encoding, sha256=hashlib.sha256(raw).hexdigest()
    )


def make_source(
    name: str,
    text: str,
    *,
    encoding: str,
    sha256: str,
    metadata: Mapping[str, str] | None = None,
    empty: str = "empty file",
) -> SourceText | ReadError:
    """A source text from decoded text: normalised (NFC), refused when it holds a NUL character
    (binary data) or nothing but white space (``empty`` is the reason given).  Web sites'
    notices are taken out of the text and their lines added to ``metadata["sidebar"]``
    (:func:`strip_site_notices`); a text without one is kept as it is.  ``metadata`` adds to
    (and overrides) what :func:`text_metadata` finds in the text."""
    text = normalize_text(text)
    nul = text.find("\x00")
    if nul >= 0:
        return ReadError(
            name, f"not a text file: looks like binary data (a NUL character at position {nul})"
        )
    if not text.strip():
        return ReadError(name, empty)
    text, notices = strip_site_notices(text)
    if not text.strip():
        return ReadError(name, f"{empty} (nothing but a web site's notice)")
    meta = text_metadata(text)
    if metadata:
        meta.update({k: v for k, v in metadata.items() if v})
    if notices:
        sidebar = meta.get("sidebar")
        meta["sidebar"] = f"{sidebar}\n{notices}" if sidebar else notices
    return SourceText(path=name, text=text, encoding=encoding, metadata=meta, sha256=sha256)


# --- web sites' notices ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class NoticeBlock:
    """A site notice found in a text: ``text[start:end]`` is the block, from the first character
    of its start line to the line break after its end line (included)."""

    notice: SiteNotice
    start: int
    end: int

    def lines(self, text: str) -> list[str]:
        """The block's lines in ``text``, without their line breaks."""
        block = text[self.start : self.end]
        return [line.removesuffix("\r") for line in block.removesuffix("\n").split("\n")]


# Within a line: white space and markdown emphasis or heading marks ("**THÔNG BÁO **",
# "## Văn bản liên quan"); between the words of a phrase: any of those and line breaks, so a
# heading split over two lines reads as one phrase.
_LINE_MARKUP = r"(?:[^\S\n]|[*#])*"
_WORD_GAP = r"[\s*#]+"


def _phrase_body(phrase: str) -> str:
    """The pattern of ``phrase`` without line anchors: its words (either tone placement, via
    :func:`kg.normalize.tolerant_pattern`) separated by white space or markdown marks."""
    words = [w for w in re.split(_WORD_GAP, phrase) if w]
    return _WORD_GAP.join(tolerant_pattern(w) for w in words)


def _whole_lines(body: str) -> re.Pattern[str]:
    return re.compile("^" + _LINE_MARKUP + body + _LINE_MARKUP + "$", re.M | re.I)


def _after_newline(body: str) -> re.Pattern[str]:
    """:func:`_whole_lines` led by the line break before the line, to be searched in "\n" +
    the text (as kg.extract finds a header's number): a pattern that starts with a literal
    character is searched for as fast as that character (4x faster than ``^`` on a text with
    no notice, the common case)."""
    return re.compile("\n" + _LINE_MARKUP + body + _LINE_MARKUP + "$", re.M | re.I)


@dataclass(frozen=True, slots=True)
class _NoticeScanner:
    """Compiled patterns for a set of notices: one pattern for all their ends (a text is
    scanned once, whatever the number of notices; see :func:`_after_newline`), one per start,
    tried only near an end."""

    ends: re.Pattern[str]
    notices_by_group: dict[str, tuple[SiteNotice, ...]]
    starts: dict[SiteNotice, re.Pattern[str]]


@lru_cache(maxsize=8)
def _scanner(notices: tuple[SiteNotice, ...]) -> _NoticeScanner:
    by_end: dict[str, list[SiteNotice]] = {}
    for notice in notices:  # notices whose ends read alike share a group
        by_end.setdefault(notice_phrase_key(notice.end), []).append(notice)
    groups = {f"n{i}": tuple(same) for i, same in enumerate(by_end.values())}
    alternatives = "|".join(
        f"(?P<{group}>{_phrase_body(same[0].end)})" for group, same in groups.items()
    )
    return _NoticeScanner(
        ends=_after_newline(f"(?:{alternatives})"),
        notices_by_group=groups,
        starts={n: _whole_lines(_phrase_body(n.start)) for n in notices},
    )


def find_site_notices(
    text: str, notices: Sequence[SiteNotice] | None = None
) -> list[NoticeBlock]:
    """The site notices in ``text`` (those of ``kg/lexicon/site_notices.toml`` unless
    ``notices`` is given), in text order, none overlapping another.

    A block is a line (or run of lines) reading the notice's start, then a line (or run of
    lines) reading its end, the two at most ``max_lines`` lines apart, both lines counted.
    Lines are compared leniently: case, the tone placement of "oa", "oe", "uy", markdown
    emphasis and heading marks (``*``, ``#``) and white space aside.  Where several starts
    precede one end, the block begins at the nearest.
    """
    chosen = load_site_notices() if notices is None else tuple(notices)
    if not chosen:
        return []
    scanner = _scanner(chosen)
    found: list[NoticeBlock] = []
    floor: dict[SiteNotice, int] = {}  # where a notice's next block may begin
    # The "\n" put before the text stands for its start; a match's offsets in it are those of
    # the end line's first character, and one more than the text's at its end.
    for end in scanner.ends.finditer("\n" + text):
        end_start, end_end = end.start(), end.end() - 1
        for notice in scanner.notices_by_group[end.lastgroup or ""]:
            low = floor.get(notice, 0)
            if end_start < low:
                continue
            lo = text.rfind("\n", 0, end_end) + 1  # the end's last line
            for _ in range(notice.max_lines - 1):
                if lo <= low:
                    break
                lo = text.rfind("\n", 0, lo - 1) + 1
            starts = list(scanner.starts[notice].finditer(text, max(lo, low), end_start))
            if not starts:
                floor[notice] = end_start  # no start up to here: later ends need not look
                continue
            start = starts[-1]  # the nearest start before the end
            stop = end_end + 1 if text.startswith("\n", end_end) else end_end
            found.append(NoticeBlock(notice, start.start(), stop))
            floor[notice] = stop
    found.sort(key=lambda b: (b.start, -b.end))
    blocks: list[NoticeBlock] = []
    for block in found:
        if not blocks or block.start >= blocks[-1].end:
            blocks.append(block)
    return blocks


def strip_site_notices(
    text: str, notices: Sequence[SiteNotice] | None = None
) -> tuple[str, str]:
    """``text`` without the site notices :func:`find_site_notices` finds, and their lines
    (joined by newlines; ``""`` when there is none, and then the text is returned as it is)."""
    blocks = find_site_notices(text, notices)
    if not blocks:
        return text, ""
    kept: list[str] = []
    removed: list[str] = []
    pos = 0
    for block in blocks:
        kept.append(text[pos : block.start])
        removed.extend(block.lines(text))
        pos = block.end
    kept.append(text[pos:])
    return "".join(kept), "\n".join(removed)


_DMY = r"(?P<d{n}>\d{{1,2}})/(?P<m{n}>\d{{1,2}})/(?P<y{n}>\d{{4}})"
_HM = r"(?P<hh{n}>\d{{1,2}}):(?P<mm{n}>\d{{2}})"
_SEP = r"\s*[-,|–]?\s*"
# "Thứ hai - 22/06/2020 23:04" (provincial portals), "Thứ Hai, 15/3/2021, 08:30" (news sites),
# "(10:36 | 27/05/2019)", and labelled lines: "Ngày đăng: 15/03/2021 08:30", "Cập nhật lúc
# 08:30 15/03/2021", "Đăng ngày 15/03/2021".
_PUBLISHED_RE = re.compile(
    r"(?:Thứ\s+\w+|Chủ\s+[Nn]hật)\s*[-,–]\s*" + _DMY.format(n=1) + f"(?:{_SEP}" + _HM.format(n=1)
    + r")?"
    + r"|\(\s*" + _HM.format(n=2) + r"\s*\|\s*" + _DMY.format(n=2) + r"\s*\)"
    + r"|(?:(?i:ngày\s+(?:đăng|xuất\s+bản|cập\s+nhật)|đăng\s+(?:ngày|lúc)|cập\s+nhật(?:\s+lúc)?"
    + r"|thời\s+gian\s+đăng)\s*:?|(?i:ngày|published)\s*:)\s*"
    + r"(?:" + _DMY.format(n=3) + f"(?:{_SEP}" + _HM.format(n=3) + r")?"
    + r"|" + _HM.format(n=4) + _SEP + _DMY.format(n=4) + r")"
)
_AUTHOR_RE = re.compile(
    r"^[ \t]*Nguồn(?:[ \t]+tin)?[ \t]*:[ \t]*(?P<author>[^\n]*?)[ \t]*:?[ \t]*$", re.M
)


def text_metadata(text: str, *, limit: int = 5000) -> dict[str, str]:
    """Metadata a plain text shows: its title (first line), publication date and time (looked
    for in the first ``limit`` characters), and author line ("Nguồn tin: ...")."""
    meta: dict[str, str] = {}
    first = text.lstrip()  # the first line that is not blank, without splitting the text
    if first:
        meta["title"] = " ".join(first[:2000].splitlines()[0].split())[:500]
    published = find_published(text, limit=limit)
    if published:
        meta["published"] = published
    author = find_author(text)
    if author:
        meta["author"] = author
    return meta


def find_published(text: str, *, limit: int = 5000) -> str | None:
    """The first publication date (ISO 8601, with the time when given) that a page header shows
    in the first ``limit`` characters of ``text``; impossible dates are passed over."""
    scanned = 0
    for date in _SLASH_DATE_RE.finditer(text, 0, limit):
        # Every header form holds a d/m/yyyy date: the slow pattern is tried only around
        # the dates, not along the whole head of the text.
        if date.end() <= scanned:
            continue
        lo, hi = max(scanned, date.start() - 200), min(limit, date.end() + 60)
        scanned = hi
        found = _first_published(text, lo, hi)
        if found is not None:
            return found
    return None


_SLASH_DATE_RE = re.compile(r"\d{1,2}/\d{1,2}/\d{4}")


def _first_published(text: str, lo: int, hi: int) -> str | None:
    for m in _PUBLISHED_RE.finditer(text, lo, hi):
        groups = {k[:-1]: v for k, v in m.groupdict().items() if v is not None}
        try:
            when = dt.datetime(int(groups["y"]), int(groups["m"]), int(groups["d"]))
            if "hh" in groups:
                return when.replace(hour=int(groups["hh"]), minute=int(groups["mm"])).isoformat()
        except ValueError:
            continue  # "31/02/2020" or "25:99": not a date
        return when.date().isoformat()
    return None


def find_author(text: str) -> str | None:
    """The author line of a news page ("Nguồn tin: Ban Tuyên giáo"), if any."""
    # Only lines holding "Nguồn" can match: find those first (a plain search is many times
    # faster than trying the pattern at every line start).
    pos = text.find("Nguồn")
    while pos >= 0:
        line_start = text.rfind("\n", 0, pos) + 1
        m = _AUTHOR_RE.match(text, line_start)
        if m is not None and m.group("author").strip():
            return m.group("author").strip()
        pos = text.find("Nguồn", pos + 1)
    return None


_DMY_RE = re.compile(
    r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})(?:[\sT,|-]+(\d{1,2})[:h](\d{2})(?::(\d{2}))?)?$"
)


def iso_datetime(value: str) -> str | None:
    """An ISO 8601 date or date-time from a metadata value ("2021-03-15T08:30:00+07:00",
    "2021-03-15", "15/03/2021 08:30"), or None if it is no date."""
    value = value.strip()
    if not value:
        return None
    try:
        when = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        m = _DMY_RE.match(value)
        if m is None:
            return None
        d, mo, y, hh, mm, ss = m.groups()
        try:
            when = dt.datetime(int(y), int(mo), int(d), int(hh or 0), int(mm or 0), int(ss or 0))
        except ValueError:
            return None
        return when.isoformat() if hh else when.date().isoformat()
    if len(value) <= 10:
        return when.date().isoformat()
    return when.isoformat()
