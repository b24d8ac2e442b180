"""Reading files, directories and standard input: good files are read, every bad one becomes
a one-line :class:`kg.models.ReadError`, and no bad file stops the others."""

from __future__ import annotations

import codecs
import hashlib
import io
import json
import os
import sys
import unicodedata
from pathlib import Path

import pytest

from kg.lexicon import SiteNotice
from kg.models import ReadError, SourceText
from kg.pipeline import analyse_text
from kg.read import (
    FileInput,
    ReadOptions,
    count_inputs,
    iter_inputs,
    iter_sources,
    make_source,
    read_bytes,
    read_file,
    strip_site_notices,
    text_metadata,
)

ARTICLE = (
    "Huyện uỷ tổng kết 10 năm thực hiện Nghị quyết về công tác dân vận\n"
    "Thứ hai - 22/06/2020 23:04\n"
    "\n"
    "Sáng 22/6, Ban Dân vận Huyện uỷ tổ chức hội nghị tổng kết việc thực hiện Nghị quyết số "
    "25-NQ/TW ngày 03/6/2013 của Ban Chấp hành Trung ương.\n"
    "\n"
    "Nguồn tin: Ban Dân vận Huyện uỷ\n"
)
NOTES = "Ghi chú: Kế hoạch số 12-KH/HU của Ban Thường vụ Huyện uỷ về công tác dân vận năm 2021."
# "Công văn của Uỷ ban nhân dân tỉnh về việc phê duyệt kế hoạch", typed in a .VnTime font
LEGACY_TCVN3 = (
    b"C\xabng v\xa8n c\xf1a U\xfb ban nh\xa9n d\xa9n t\xd8nh v\xd2 vi\xd6c ph\xaa duy\xd6t "
    b"k\xd5 ho\xb9ch"
)
LEGACY_TEXT = "Công văn của Uỷ ban nhân dân tỉnh về việc phê duyệt kế hoạch"
FRENCH_LATIN1 = "Le comité a adopté la délibération où figurent les décisions prises.".encode(
    "latin-1"
)
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10"


@pytest.fixture
def inbox(tmp_path: Path) -> Path:
    """A directory of good and bad inputs, plus files a walk must skip."""
    root = tmp_path / "inbox"
    (root / "sub").mkdir(parents=True)
    (root / ".git").mkdir()
    (root / "good.txt").write_bytes(ARTICLE.encode("utf-8"))
    (root / "notes.md").write_bytes(NOTES.encode("utf-16"))
    (root / "sub" / "legacy.txt").write_bytes(LEGACY_TCVN3)
    (root / "binary.txt").write_bytes(PNG)
    (root / "empty.txt").write_bytes(b"")
    (root / "blank.txt").write_bytes(b"  \r\n\t\n")
    (root / "french.txt").write_bytes(FRENCH_LATIN1)
    # skipped by a walk: no text ending, hidden file, hidden directory
    (root / "image.png").write_bytes(PNG)
    (root / "data.csv").write_bytes("số,ngày\n25-NQ/TW,03/6/2013\n".encode())
    (root / ".hidden.txt").write_bytes(b"hidden")
    (root / ".git" / "notes.txt").write_bytes(b"hidden too")
    return root


def _by_name(results: list[SourceText | ReadError]) -> dict[str, SourceText | ReadError]:
    return {Path(r.path).name: r for r in results}


def _assert_one_line_error(result: SourceText | ReadError, path: Path | str, reason: str) -> None:
    assert isinstance(result, ReadError), result
    message = str(result)
    assert message == f"{path}: {result.reason}"
    assert "\n" not in message and message.strip() == message
    assert reason in result.reason


# --- a directory of good and bad files -----------------------------------------------------------


def test_directory_good_files_read_bad_files_reported(inbox: Path) -> None:
    results = list(iter_sources([str(inbox)]))
    assert [Path(r.path).relative_to(inbox).as_posix() for r in results] == [
        "binary.txt",
        "blank.txt",
        "empty.txt",
        "french.txt",
        "good.txt",
        "notes.md",
        "sub/legacy.txt",
    ]
    found = _by_name(results)

    good = found["good.txt"]
    assert isinstance(good, SourceText)
    assert good.text == ARTICLE
    assert good.encoding == "utf-8"
    assert good.sha256 == hashlib.sha256(ARTICLE.encode("utf-8")).hexdigest()
    assert good.metadata["published"] == "2020-06-22T23:04:00"

    notes = found["notes.md"]
    assert isinstance(notes, SourceText)
    assert (notes.text, notes.encoding) == (NOTES, "utf-16")

    legacy = found["legacy.txt"]
    assert isinstance(legacy, SourceText)
    assert (legacy.text, legacy.encoding) == (LEGACY_TEXT, "tcvn3")

    _assert_one_line_error(found["binary.txt"], inbox / "binary.txt", "PNG image")
    _assert_one_line_error(found["empty.txt"], inbox / "empty.txt", "empty file")
    _assert_one_line_error(found["blank.txt"], inbox / "blank.txt", "empty file")
    _assert_one_line_error(found["french.txt"], inbox / "french.txt", "unknown encoding")


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("random.txt", bytes(range(256)) * 16, "binary data"),
        ("report.txt", b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n", "PDF document"),
        ("shift_jis.txt", "法律第二十五号は公布された。".encode("shift_jis") * 8, "unknown"),
        ("gbk.txt", "全国人民代表大会常务委员会通过了决定。".encode("gbk") * 8, "unknown"),
        ("empty.txt", b"", "empty file"),
        ("bom_only.txt", codecs.BOM_UTF8, "empty file"),
    ],
)
def test_bad_file_gives_one_line_error(
    tmp_path: Path, name: str, content: bytes, reason: str
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    _assert_one_line_error(read_file(path), path, reason)
    [result] = iter_sources([str(path)])
    _assert_one_line_error(result, path, reason)


def test_bad_inputs_do_not_stop_the_others(inbox: Path, tmp_path: Path) -> None:
    missing = tmp_path / "missing.txt"
    empty_dir = tmp_path / "nothing here"
    empty_dir.mkdir()
    inputs = [str(inbox / "binary.txt"), str(missing), str(empty_dir), str(inbox / "good.txt")]
    results = list(iter_sources(inputs))
    assert [r.path for r in results] == inputs
    _assert_one_line_error(results[0], inbox / "binary.txt", "not a text file")
    _assert_one_line_error(results[1], missing, "no such file or directory")
    _assert_one_line_error(results[2], empty_dir, "directory contains no text files")
    assert isinstance(results[3], SourceText)


def test_missing_path(tmp_path: Path) -> None:
    missing = tmp_path / "không có.txt"
    assert list(iter_sources([str(missing)])) == [
        ReadError(str(missing), "no such file or directory")
    ]
    _assert_one_line_error(read_file(missing), missing, "cannot read (No such file or directory)")


def test_read_file_on_a_directory(tmp_path: Path) -> None:
    _assert_one_line_error(read_file(tmp_path), tmp_path, "is a directory")


@pytest.mark.skipif(
    not hasattr(os, "geteuid") or os.geteuid() == 0, reason="root reads any file"
)
def test_unreadable_file(tmp_path: Path) -> None:
    path = tmp_path / "secret.txt"
    path.write_bytes(ARTICLE.encode())
    path.chmod(0)
    try:
        _assert_one_line_error(read_file(path), path, "permission denied")
    finally:
        path.chmod(0o644)


# --- size limit ---------------------------------------------------------------------------------


def test_oversize_file_is_refused(inbox: Path) -> None:
    good = inbox / "good.txt"
    size = good.stat().st_size
    small = ReadOptions(max_bytes=size - 1)
    _assert_one_line_error(read_file(good, small), good, "file too large")
    assert isinstance(read_file(good, ReadOptions(max_bytes=size)), SourceText)  # limit inclusive
    # in a directory walk, the big file is refused and the smaller ones are still read
    found = _by_name(list(iter_sources([str(inbox)], small)))
    _assert_one_line_error(found["good.txt"], good, "raise it with --max-size")
    assert isinstance(found["legacy.txt"], SourceText)


def test_oversize_message_states_sizes_readably(tmp_path: Path) -> None:
    """Small sizes are not rounded to "0 MB"."""
    path = tmp_path / "big.txt"
    path.write_bytes(b"a" * 300)
    result = read_file(path, ReadOptions(max_bytes=100))
    _assert_one_line_error(result, path, "file too large (300 bytes; the limit is 100 bytes")
    assert "0 MB" not in str(result)


# --- include and exclude globs ------------------------------------------------------------------


def _walked(root: Path, **options: tuple[str, ...]) -> list[str]:
    return [
        Path(r.path).relative_to(root).as_posix()
        for r in iter_sources([str(root)], ReadOptions(**options))  # type: ignore[arg-type]
    ]


@pytest.mark.parametrize(
    ("options", "expected"),
    [
        ({"include": ("*.md",)}, ["notes.md"]),
        ({"include": ("sub/*",)}, ["sub/legacy.txt"]),
        ({"include": ("good.txt", "*.md")}, ["good.txt", "notes.md"]),
        # an include glob replaces the text-ending filter
        ({"include": ("*.csv",)}, ["data.csv"]),
        ({"exclude": ("sub/*",)},
         ["binary.txt", "blank.txt", "empty.txt", "french.txt", "good.txt", "notes.md"]),
        ({"exclude": ("*.txt",)}, ["notes.md"]),
        ({"exclude": ("legacy.txt", "b*", "e*", "f*")}, ["good.txt", "notes.md"]),
        ({"include": ("*.txt",), "exclude": ("sub/*", "b*", "e*", "f*")}, ["good.txt"]),
        # hidden files and directories are never walked, even when a glob names them
        ({"include": (".hidden.txt", ".git/*")}, []),
    ],
)
def test_include_and_exclude(
    inbox: Path, options: dict[str, tuple[str, ...]], expected: list[str]
) -> None:
    if expected:
        assert _walked(inbox, **options) == expected
    else:
        [result] = iter_sources([str(inbox)], ReadOptions(**options))  # type: ignore[arg-type]
        _assert_one_line_error(result, inbox, "directory contains no text files")


def test_globs_do_not_filter_files_named_explicitly(inbox: Path) -> None:
    options = ReadOptions(include=("*.md",), exclude=("good.txt",))
    [result] = iter_sources([str(inbox / "good.txt")], options)
    assert isinstance(result, SourceText)


# --- bytes and standard input -------------------------------------------------------------------


def test_read_bytes_normalises_to_nfc_and_hashes_the_raw_bytes() -> None:
    raw = unicodedata.normalize("NFD", ARTICLE).encode("utf-8")
    result = read_bytes(raw, "article.txt")
    assert isinstance(result, SourceText)
    assert result.path == "article.txt"
    assert result.text == ARTICLE
    assert unicodedata.is_normalized("NFC", result.text)
    assert result.sha256 == hashlib.sha256(raw).hexdigest()
    assert dict(result.metadata) == text_metadata(ARTICLE)


@pytest.mark.parametrize(
    ("raw", "encoding", "text"),
    [
        (LEGACY_TCVN3, "tcvn3", LEGACY_TEXT),
        ("Uû ban nh©n d©n".encode(), "tcvn3 (re-saved as utf-8)", "Uỷ ban nhân dân"),
        (NOTES.encode("utf-16-le"), "utf-16-le", NOTES),
        (b"Plain English text.", "utf-8", "Plain English text."),
    ],
)
def test_read_bytes_in_any_encoding(raw: bytes, encoding: str, text: str) -> None:
    result = read_bytes(raw, "x.txt")
    assert isinstance(result, SourceText)
    assert (result.text, result.encoding) == (text, encoding)


def test_read_bytes_errors() -> None:
    _assert_one_line_error(read_bytes(b"", "a.txt"), "a.txt", "empty file")
    _assert_one_line_error(read_bytes(PNG, "b.txt"), "b.txt", "not a text file")
    _assert_one_line_error(read_bytes(FRENCH_LATIN1, "c.txt"), "c.txt", "unknown encoding")


def test_standard_input(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(ARTICLE.encode("utf-16"))))
    [result] = iter_sources(["-"])
    assert isinstance(result, SourceText)
    assert (result.path, result.text, result.encoding) == ("<stdin>", ARTICLE, "utf-16")


def test_empty_standard_input(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b"")))
    assert list(iter_sources(["-"])) == [ReadError("<stdin>", "empty file")]


# --- text metadata ------------------------------------------------------------------------------


def test_text_metadata_of_an_article_header() -> None:
    assert text_metadata(ARTICLE) == {
        "title": "Huyện uỷ tổng kết 10 năm thực hiện Nghị quyết về công tác dân vận",
        "published": "2020-06-22T23:04:00",
        "author": "Ban Dân vận Huyện uỷ",
    }


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Tin ngắn\n(10:36 | 27/05/2019)\nNội dung.", {"published": "2019-05-27T10:36:00"}),
        ("Tin ngắn\n( 7:05|3/5/2019 )", {"published": "2019-05-03T07:05:00"}),
        ("Tin ngắn\nChủ nhật - 05/01/2020\nNội dung.", {"published": "2020-01-05"}),
        ("Tin ngắn\nThứ Ba -  7/7/2020 8:15", {"published": "2020-07-07T08:15:00"}),
        ("Tin ngắn\nNguồn: Báo Tuyên Quang", {"author": "Báo Tuyên Quang"}),
        ("Tin ngắn\n  Nguồn tin :  Ban Tuyên giáo:  ", {"author": "Ban Tuyên giáo"}),
        ("Tin ngắn\nNội dung không có ngày và nguồn.", {}),
        # the date is looked for in the first 5000 characters only
        ("Tin ngắn\n" + "x" * 5000 + "\nThứ hai - 22/06/2020", {}),
    ],
)
def test_text_metadata_variants(text: str, expected: dict[str, str]) -> None:
    assert text_metadata(text) == {"title": "Tin ngắn", **expected}


def test_text_metadata_title() -> None:
    assert text_metadata("\n\n   Kết luận   số 01-KL/TW \t của  Bộ Chính trị  \nThân bài") == {
        "title": "Kết luận số 01-KL/TW của Bộ Chính trị"
    }
    assert text_metadata("Dài " * 300)["title"] == ("Dài " * 300).strip()[:500]
    assert text_metadata("") == {}
    assert text_metadata(" \n\t\n") == {}


def test_text_metadata_empty_source_line_has_no_author() -> None:
    """The author is never taken from the line after an empty "Nguồn tin:"."""
    assert text_metadata("Tin ngắn\nNguồn tin:\nĐoạn tiếp theo của bài viết.") == {
        "title": "Tin ngắn"
    }
    assert "author" not in text_metadata("Tin ngắn\nNguồn tin:   \n\nĐoạn tiếp theo.")


@pytest.mark.parametrize(
    "line", ["Thứ hai - 31/02/2020 10:00", "Thứ hai - 22/13/2020", "(25:99 | 22/06/2020)"]
)
def test_text_metadata_impossible_date_is_ignored(line: str) -> None:
    assert "published" not in text_metadata(f"Tin ngắn\n{line}")


# --- inputs left unread, for worker processes and cluster workers -------------------------------


def test_unread_inputs_read_as_iter_sources_reads(inbox: Path) -> None:
    """iter_inputs leaves each file unread; reading them gives what iter_sources gives, in the
    same order, also when the bytes travel with the input (as to a cluster worker)."""
    inputs = list(iter_inputs([str(inbox)]))
    assert all(isinstance(i, FileInput) and i.raw is None for i in inputs)
    expected = list(iter_sources([str(inbox)]))
    read_later = [r for i in inputs if isinstance(i, FileInput) for r in i.read()]
    assert read_later == expected
    shipped = [i.with_bytes() for i in inputs if isinstance(i, FileInput)]
    assert all(isinstance(s, FileInput) and s.raw is not None for s in shipped)
    assert [r for s in shipped if isinstance(s, FileInput) for r in s.read()] == expected


def test_unread_input_too_large_or_gone(tmp_path: Path) -> None:
    big = tmp_path / "big.txt"
    big.write_bytes(ARTICLE.encode("utf-8"))
    small_limit = ReadOptions(max_bytes=10)
    _assert_one_line_error(FileInput(str(big), small_limit).with_bytes(), big, "too large")
    gone = FileInput(str(tmp_path / "gone.txt"))
    [error] = gone.read()
    _assert_one_line_error(error, tmp_path / "gone.txt", "cannot read")
    _assert_one_line_error(gone.with_bytes(), tmp_path / "gone.txt", "cannot read")


def test_json_lines_records_and_stdin_are_read_at_once(tmp_path: Path) -> None:
    """A JSON Lines file holds many texts: its records are read in order, not left unread."""
    records = tmp_path / "texts.jsonl"
    records.write_text('{"id": "a", "text": "Chỉ thị số 16/CT-TTg"}\n'
                       '{"id": "b", "text": "Kế hoạch số 21-KH/TU"}\n', encoding="utf-8")
    inputs = list(iter_inputs([str(records)]))
    assert [type(i) for i in inputs] == [SourceText, SourceText]


@pytest.mark.parametrize(
    ("inputs", "expected"),
    [
        (["inbox"], 7),  # the files a walk reads: good, notes, legacy, binary, empty, blank, french
        (["inbox", "inbox/good.txt"], 8),  # a file named twice is read twice
        (["inbox/image.png"], 1),  # a file named explicitly is read whatever its ending
        (["missing.txt"], 0),
        (["inbox", "-"], None),  # standard input: unknown beforehand
        (["inbox", "texts.jsonl"], None),  # records of a JSON Lines file: unknown beforehand
    ],
)
def test_count_inputs(
    inbox: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    inputs: list[str], expected: int | None,
) -> None:
    (tmp_path / "texts.jsonl").write_text('{"text": "Chỉ thị số 16/CT-TTg"}\n', encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert count_inputs(inputs) == expected


# --- web sites' notices -------------------------------------------------------------------------

# A decision as a legal portal serves it, and the consent notice the portal prints below every
# document (kg/lexicon/site_notices.toml); the notice cites a decree the decision has nothing
# to do with.
DECISION = (
    "Quyết định 45/2025/QĐ-UBND quy định quản lý chợ trên địa bàn tỉnh\n"
    "\n"
    "Căn cứ Luật Tổ chức chính quyền địa phương số 72/2025/QH15;\n"
    "Điều 1. Ban hành kèm theo Quyết định này Quy chế quản lý chợ.\n"
    "Điều 2. Quyết định này có hiệu lực kể từ ngày ký.\n"
)
NOTICE = [
    "**THÔNG BÁO **",
    "**về Lưu trữ, Sử dụng Thông tin Khách hàng**",
    "**Kính gửi:** Quý Thành viên,",
    "Nghị định 13/2023/NĐ-CP về Bảo vệ dữ liệu cá nhân yêu cầu thành viên xác nhận đồng ý.",
    "Thực hiện Nghị định 13/2023/NĐ-CP, chúng tôi cập nhật Quy chế bảo vệ dữ liệu.",
    "Tiếp tục sử dụng",
    "Cảm ơn đã dùng ThuVienPhapLuat.vn",
]
NOTICE_TEXT = "\n".join(NOTICE) + "\n"
ONE_LINE_HEADING = "THÔNG BÁO về Lưu trữ, Sử dụng Thông tin Khách hàng"
PAGE_FOOTER = "- Hỗ trợ: (028) 1234 5678\n"
NOTICE_DECREE = "13/2023/NĐ-CP"

# (what the page looks like, the text read, the text expected, the lines expected in the sidebar)
WITH_NOTICE = [
    pytest.param(DECISION + NOTICE_TEXT, DECISION, NOTICE, id="notice at the end"),
    pytest.param(DECISION + NOTICE_TEXT + PAGE_FOOTER, DECISION + PAGE_FOOTER, NOTICE,
                 id="page text after the notice is kept"),
    pytest.param(DECISION + NOTICE_TEXT.rstrip("\n"), DECISION, NOTICE,
                 id="no line break after the last line"),
    pytest.param(NOTICE_TEXT + DECISION, DECISION, NOTICE,
                 id="notice first: the title is the decision's"),
    pytest.param(DECISION + NOTICE_TEXT.upper(), DECISION, [line.upper() for line in NOTICE],
                 id="in capitals"),
    pytest.param(DECISION + "\n".join([ONE_LINE_HEADING, *NOTICE[2:]]), DECISION,
                 [ONE_LINE_HEADING, *NOTICE[2:]], id="heading on one line"),
    pytest.param(DECISION + "\n".join(f"  {line}  " for line in NOTICE), DECISION,
                 [f"  {line}  " for line in NOTICE], id="space around the lines"),
    pytest.param(DECISION + "THÔNG BÁO\n" + NOTICE_TEXT, DECISION + "THÔNG BÁO\n", NOTICE,
                 id="the nearest start opens the block"),
    pytest.param(DECISION + NOTICE_TEXT + DECISION + NOTICE_TEXT, DECISION + DECISION,
                 NOTICE + NOTICE, id="two pages, two notices"),
    pytest.param(NOTICE[-1] + "\n" + DECISION + NOTICE_TEXT, NOTICE[-1] + "\n" + DECISION, NOTICE,
                 id="a lone end line before the notice is kept"),
]


@pytest.mark.parametrize(("page", "text", "sidebar"), WITH_NOTICE)
def test_site_notice_is_moved_to_the_sidebar(page: str, text: str, sidebar: list[str]) -> None:
    raw = page.encode("utf-8")
    result = read_bytes(raw, "page.txt")
    assert isinstance(result, SourceText)
    assert result.text == text
    assert result.metadata["sidebar"] == "\n".join(sidebar)
    assert result.metadata["title"] == text_metadata(text)["title"]
    assert result.sha256 == hashlib.sha256(raw).hexdigest()  # of the bytes as they were read


@pytest.mark.parametrize(
    ("encoding", "newline"), [("utf-8", "\r\n"), ("utf-16", "\n"), ("utf-8-sig", "\n")]
)
def test_site_notice_in_other_encodings_and_line_breaks(encoding: str, newline: str) -> None:
    page = (DECISION + NOTICE_TEXT).replace("\n", newline)
    result = read_bytes(page.encode(encoding), "page.txt")
    assert isinstance(result, SourceText)
    assert result.text == DECISION.replace("\n", newline)
    assert result.metadata["sidebar"] == "\n".join(NOTICE)


def test_site_notice_citations_are_sidebar_citations() -> None:
    """The decree the notice cites is reported as a sidebar citation, not as a citation of the
    decision, and the decision neither implements it nor relates to it otherwise."""
    source = read_bytes((DECISION + NOTICE_TEXT).encode("utf-8"), "page.txt")
    assert isinstance(source, SourceText)
    analysed = analyse_text(source)
    assert [c.doc_id for c in analysed.citations] == ["45/2025/QĐ-UBND", "72/2025/QH15"]
    assert not [r for r in analysed.relations if NOTICE_DECREE in (r.subject, r.object)]
    assert [c.doc_id for c in analysed.sidebar] == [NOTICE_DECREE, NOTICE_DECREE]
    assert {c.part for c in analysed.sidebar} == {"sidebar"}


def test_site_notice_without_removal_would_be_an_implemented_decree() -> None:
    """What the reader prevents: read as the decision's own text, the notice makes the
    decision cite and implement the decree."""
    source = read_bytes(DECISION.encode("utf-8"), "page.txt")
    assert isinstance(source, SourceText)
    as_text = SourceText(source.path, DECISION + NOTICE_TEXT)
    relations = analyse_text(as_text).relations
    assert [r.relation for r in relations if r.object == NOTICE_DECREE] == ["implements"]


# (what the text looks like): nothing is removed, nothing added
WITHOUT_NOTICE = [
    pytest.param(DECISION, id="no notice"),
    pytest.param(DECISION + "\n".join(NOTICE[:-1]) + "\n", id="start without the end"),
    pytest.param(DECISION + "\n".join(NOTICE[2:]) + "\n", id="end without the start"),
    pytest.param(DECISION + "\n".join(NOTICE[:2]) + "\n" + "Điều khoản.\n" * 29 + NOTICE[-1],
                 id="end 32 lines after the start (at most 30)"),
    pytest.param(NOTICE[-1] + "\n" + DECISION + "\n".join(NOTICE[:2]) + "\n",
                 id="end before the start"),
    pytest.param(DECISION + "Ban quản lý ra Thông báo về lưu trữ, sử dụng thông tin khách hàng.\n"
                 + NOTICE[-1] + "\n", id="start words inside a sentence"),
    pytest.param("Sở hướng dẫn thực hiện Nghị định 13/2023/NĐ-CP về bảo vệ dữ liệu cá nhân:\n"
                 "các chợ rà soát việc lưu trữ, sử dụng thông tin khách hàng.\n",
                 id="an article about the decree"),
]


@pytest.mark.parametrize("page", WITHOUT_NOTICE)
def test_text_without_a_site_notice_is_unchanged(page: str) -> None:
    result = read_bytes(page.encode("utf-8"), "page.txt")
    assert isinstance(result, SourceText)
    assert result.text == page
    assert dict(result.metadata) == text_metadata(page)
    assert "sidebar" not in result.metadata


def test_site_notice_lines_are_added_to_a_sidebar_already_there() -> None:
    """A reader that found a sidebar of its own (HTML) keeps it; the notice comes after it."""
    listed = "Văn bản mới: Nghị định 01/2025/NĐ-CP"
    result = make_source(
        "page.html",
        DECISION + NOTICE_TEXT,
        encoding="utf-8",
        sha256="",
        metadata={"sidebar": listed, "format": "html"},
    )
    assert isinstance(result, SourceText)
    assert result.text == DECISION
    assert result.metadata["sidebar"] == "\n".join([listed, *NOTICE])
    assert result.metadata["format"] == "html"


def test_site_notice_in_a_json_lines_record(tmp_path: Path) -> None:
    records = tmp_path / "pages.jsonl"
    records.write_text(
        json.dumps({"id": "qd-45", "text": DECISION + NOTICE_TEXT}, ensure_ascii=False) + "\n",
        encoding="utf-8",
    )
    [result] = iter_sources([str(records)])
    assert isinstance(result, SourceText)
    assert (result.text, result.metadata["sidebar"]) == (DECISION, "\n".join(NOTICE))


def test_text_that_is_only_a_site_notice() -> None:
    _assert_one_line_error(
        read_bytes(NOTICE_TEXT.encode("utf-8"), "notice.txt"),
        "notice.txt",
        "empty file (nothing but a web site's notice)",
    )


# Lenient line matching, shown on a notice of a made-up site: (line as the page prints it).
HOA_GIAI = SiteNotice(
    site="example.vn",
    name="mediation notice",
    start="Thông báo về hòa giải",
    end="Hết thông báo",
    max_lines=5,
    examples=(),
    counterexamples=(),
)
START_LINES = [
    pytest.param("Thông báo về hòa giải", id="as written"),
    pytest.param("Thông báo về hoà giải", id="other tone placement"),
    pytest.param("THÔNG BÁO VỀ HOÀ GIẢI", id="capitals"),
    pytest.param("**Thông báo** *về hòa giải*", id="emphasis"),
    pytest.param("### Thông báo về hòa giải", id="markdown heading"),
    pytest.param("\t Thông   báo về\u00a0hòa giải  ", id="white space"),
    pytest.param("**Thông báo**\n**về hòa giải**", id="over two lines"),
]


@pytest.mark.parametrize("start", START_LINES)
def test_notice_lines_match_leniently(start: str) -> None:
    text = f"Mở đầu\n{start}\nNội dung\nHết thông báo\nKết thúc\n"
    assert strip_site_notices(text, [HOA_GIAI]) == (
        "Mở đầu\nKết thúc\n",
        f"{start}\nNội dung\nHết thông báo",
    )


@pytest.mark.parametrize(
    "start",
    [
        pytest.param("Thông báo về hòa giải thành", id="more words on the line"),
        pytest.param("- Thông báo về hòa giải", id="a list item"),
        pytest.param("Thông báo về hòa", id="fewer words"),
    ],
)
def test_notice_lines_must_read_the_whole_phrase(start: str) -> None:
    text = f"Mở đầu\n{start}\nNội dung\nHết thông báo\n"
    assert strip_site_notices(text, [HOA_GIAI]) == (text, "")
