"""Input formats: HTML pages (article kept, boilerplate dropped, sidebar citations apart), Word
documents, PDFs, JSON Lines; and a table of bad inputs, each one a one-line error.

Every fixture is made here, in ``tmp_path``, from texts written for these tests.
"""

from __future__ import annotations

import io
import json
import os
import sys
import unicodedata
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from kg.models import ReadError, SourceText
from kg.pipeline import extract_citations
from kg.read import ReadOptions, iter_sources, read_file, text_metadata

DEJAVU = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
needs_unicode_font = pytest.mark.skipif(
    not DEJAVU.is_file(), reason="needs the DejaVu Sans font (Debian fonts-dejavu-core)"
)


def symbols(text: str) -> set[str]:
    return {c.symbol for c in extract_citations(text) if c.symbol}


def only(results: list[SourceText | ReadError]) -> SourceText | ReadError:
    assert len(results) == 1, results
    return results[0]


def read_one(path: Path, options: ReadOptions | None = None) -> SourceText:
    result = only(list(iter_sources([str(path)], options)))
    assert isinstance(result, SourceText), result
    return result


def assert_one_line_error(result: SourceText | ReadError, path: Path | str, reason: str) -> None:
    assert isinstance(result, ReadError), result
    message = str(result)
    assert message == f"{path}: {result.reason}"
    assert "\n" not in message and message.strip() == message
    assert reason in result.reason, result.reason


# --- HTML ----------------------------------------------------------------------------------------

PORTAL_PAGE = """<!DOCTYPE html>
<html lang="vi">
<head>
<meta charset="utf-8">
<title>Huyện ủy sơ kết Nghị quyết về chuyển đổi số - Cổng thông tin điện tử huyện Hòa An</title>
<meta property="og:title" content="Huyện ủy sơ kết Nghị quyết về chuyển đổi số">
<meta property="og:site_name" content="Cổng thông tin điện tử huyện Hòa An">
<meta property="og:url" content="https://hoaan.example.vn/tin-tuc/so-ket-chuyen-doi-so.html">
<link rel="canonical" href="https://hoaan.example.vn/tin-tuc/so-ket-chuyen-doi-so.html">
<meta property="article:published_time" content="2021-03-15T08:30:00+07:00">
<script>var visits = "Quyết định số 999/QĐ-UBND";</script>
<style>.menu { color: red }</style>
</head>
<body>
<div id="header"><div class="logo">CỔNG THÔNG TIN ĐIỆN TỬ HUYỆN HÒA AN</div>
<ul class="menu">
<li><a href="/">Trang chủ</a></li><li><a href="/gioi-thieu">Giới thiệu</a></li>
<li><a href="/tin-tuc">Tin tức - Sự kiện</a></li><li><a href="/van-ban">Văn bản</a></li>
</ul></div>
<div id="wrapper">
<div class="col-left">
<div class="breadcrumb"><a href="/">Trang chủ</a> » <a href="/tin-tuc">Tin tức</a></div>
<div class="news-detail">
<h1 class="title">Huyện ủy sơ kết Nghị quyết về chuyển đổi số</h1>
<div class="time">Thứ hai - 15/03/2021 08:30</div>
<div class="bodytext">
<p>Sáng 15/3, Ban Thường vụ Huyện ủy tổ chức hội nghị sơ kết một năm thực hiện Nghị quyết
số 05-NQ/HU ngày 10/3/2020 của Ban Chấp hành Đảng bộ huyện về chuyển đổi số giai đoạn
2020 - 2025.</p>
<p>Theo báo cáo, sau một năm triển khai, các cơ quan, đơn vị đã cụ thể hóa Nghị quyết bằng
các kế hoạch, chương trình hành động phù hợp với điều kiện thực tế của địa phương; hạ tầng
viễn thông được đầu tư, nâng cấp, toàn bộ các xã đã kết nối mạng truyền số liệu chuyên dùng.</p>
<p>Các văn bản làm căn cứ triển khai:</p>
<ul>
<li><a href="/van-ban/1">Quyết định số 749/QĐ-TTg ngày 03/6/2020 của Thủ tướng Chính phủ</a></li>
<li><a href="/van-ban/2">Kế hoạch số 112-KH/TU ngày 20/4/2020 của Tỉnh ủy</a></li>
</ul>
<p>Phát biểu kết luận hội nghị, đồng chí Bí thư Huyện ủy đề nghị các cấp ủy, chính quyền đẩy
mạnh tuyên truyền, nâng cao nhận thức của cán bộ, đảng viên và nhân dân về chuyển đổi số.</p>
</div>
<p class="author">Nguồn tin: Ban Tuyên giáo Huyện ủy</p>
<div class="social-share"><a href="#">Chia sẻ</a> <a href="#">In bài</a></div>
<div class="box"><h3>Tin liên quan</h3><ul>
<li><a href="/tin/7">Triển khai Chỉ thị số 04-CT/TU ngày 02/6/2020 của Tỉnh ủy</a></li>
</ul></div>
</div>
</div>
<div class="col-right">
<div class="block"><h3>Văn bản mới</h3><ul>
<li><a href="/van-ban/9">Quyết định số 123/QĐ-UBND ngày 10/3/2021 của UBND huyện</a></li>
<li><a href="/van-ban/8">Lịch tiếp công dân tháng 3</a></li>
</ul></div>
<div class="block"><h3>Thống kê truy cập</h3>
<p>Đang truy cập: <b>25</b></p><p>Hôm nay: 1.234</p><p>Tổng lượt truy cập: 4.567.890</p>
</div>
<div style="display:none">Thông báo số 77/TB-UBND ngày 01/01/2021</div>
</div>
</div>
<div id="footer"><p>Bản quyền © 2021 Cổng thông tin điện tử huyện Hòa An</p>
<p>Địa chỉ: thị trấn Nước Hai, huyện Hòa An. Điện thoại: 0206.3860.123</p></div>
</body>
</html>
"""

ARTICLE_SYMBOLS = {"05-NQ/HU", "749/QĐ-TTg", "112-KH/TU"}


@pytest.fixture
def portal_page(tmp_path: Path) -> Path:
    path = tmp_path / "so-ket.html"
    path.write_text(PORTAL_PAGE, encoding="utf-8")
    return path


def test_html_keeps_the_article_and_drops_the_boilerplate(portal_page: Path) -> None:
    source = read_one(portal_page)
    text = source.text
    assert text.startswith("Huyện ủy sơ kết Nghị quyết về chuyển đổi số\n\nSáng 15/3,")
    assert symbols(text) == ARTICLE_SYMBOLS  # the linked list inside the article is kept
    for boilerplate in (
        "Trang chủ", "Giới thiệu", "CỔNG THÔNG TIN", "Chia sẻ", "Văn bản mới", "Thống kê",
        "Đang truy cập", "4.567.890", "Bản quyền", "Điện thoại", "Tin liên quan", "visits",
        "color", "77/TB-UBND",
    ):  # fmt: skip
        assert boilerplate not in text
    assert unicodedata.is_normalized("NFC", text)
    assert source.encoding == "utf-8"


def test_html_sidebar_citations_are_reported_apart(portal_page: Path) -> None:
    meta = read_one(portal_page).metadata
    sidebar = meta["sidebar"]
    # the "Văn bản mới" box and the related-news box cite documents; the other lines do not
    assert sidebar.splitlines() == [
        "Triển khai Chỉ thị số 04-CT/TU ngày 02/6/2020 của Tỉnh ủy",
        "Quyết định số 123/QĐ-UBND ngày 10/3/2021 của UBND huyện",
    ]
    assert symbols(sidebar) == {"04-CT/TU", "123/QĐ-UBND"}
    assert not symbols(sidebar) & symbols(read_one(portal_page).text)


def test_html_metadata_from_the_head(portal_page: Path) -> None:
    meta = read_one(portal_page).metadata
    assert {k: v for k, v in meta.items() if k != "sidebar"} == {
        "title": "Huyện ủy sơ kết Nghị quyết về chuyển đổi số",
        "published": "2021-03-15T08:30:00+07:00",
        "author": "Ban Tuyên giáo Huyện ủy",
        "site": "Cổng thông tin điện tử huyện Hòa An",
        "url": "https://hoaan.example.vn/tin-tuc/so-ket-chuyen-doi-so.html",
        "format": "html",
    }


OLD_PORTAL_PAGE = """<html><head>
<meta http-equiv="Content-Type" content="text/html; charset=utf-8">
<title>Sở Tư pháp - Hướng dẫn thực hiện Nghị định về công tác văn thư</title>
<link rel="canonical" href="https://www.stp.example.gov.vn/tin/huong-dan-van-thu.aspx">
</head><body><form id="form1">
<table width="100%"><tr><td colspan="3">
<a href="/">Trang chủ</a> | <a href="/tt">Tin tức</a> | <a href="/vb">Văn bản</a></td></tr>
<tr><td width="200" valign="top">
<table><tr><td><b>VĂN BẢN MỚI</b></td></tr>
<tr><td><a href="/vb/9">Chỉ thị số 02/CT-UBND ngày 05/01/2022 về phòng cháy, chữa cháy</a></td></tr>
<tr><td><a href="/vb/7">Xem tiếp</a></td></tr></table>
<table><tr><td>Lượt truy cập: 1234567</td></tr><tr><td>Đang online: 12</td></tr></table>
</td><td valign="top">
<span class="title">Hướng dẫn thực hiện Nghị định số 30/2020/NĐ-CP về công tác văn thư</span><br>
<span class="date">(10:36 | 27/05/2021)</span>
<p>Ngày 27/5, Sở Tư pháp ban hành hướng dẫn các cơ quan, đơn vị trên địa bàn tỉnh triển khai
Nghị định số 30/2020/NĐ-CP ngày 05/3/2020 của Chính phủ về công tác văn thư.</p>
<p>Các văn bản liên quan cần nghiên cứu:</p>
<ul><li>Luật Lưu trữ năm 2011;</li>
<li><a href="/vb/3">Thông tư số 01/2019/TT-BNV ngày 24/01/2019 của Bộ Nội vụ</a>;</li></ul>
<table border="1"><tr><th>STT</th><th>Văn bản</th></tr>
<tr><td>1</td><td>Quyết định số 28/2018/QĐ-TTg ngày 12/7/2018</td></tr></table>
<p>Các cơ quan, đơn vị tổ chức quán triệt, thực hiện nghiêm túc, báo cáo kết quả về Sở Tư pháp
trước ngày 30/6/2021 để tổng hợp, báo cáo Ủy ban nhân dân tỉnh.</p>
<p>Nguồn tin: Văn phòng Sở</p>
</td><td width="150" valign="top"><a href="/lk">Liên kết website</a></td></tr>
<tr><td colspan="3">© Sở Tư pháp. Ghi rõ nguồn khi phát hành lại thông tin từ website này.</td></tr>
</table></form></body></html>
"""


def test_html_table_layout_of_an_old_portal(tmp_path: Path) -> None:
    path = tmp_path / "huong-dan.htm"
    path.write_text(OLD_PORTAL_PAGE, encoding="utf-8")
    source = read_one(path)
    assert symbols(source.text) == {"30/2020/NĐ-CP", "01/2019/TT-BNV", "28/2018/QĐ-TTg"}
    assert "1\tQuyết định số 28/2018/QĐ-TTg ngày 12/7/2018" in source.text.splitlines()
    for boilerplate in ("Trang chủ", "VĂN BẢN MỚI", "Lượt truy cập", "Đang online", "Ghi rõ"):
        assert boilerplate not in source.text
    assert symbols(source.metadata["sidebar"]) == {"02/CT-UBND"}
    assert source.metadata["published"] == "2021-05-27T10:36:00"
    assert source.metadata["author"] == "Văn phòng Sở"
    assert source.metadata["url"] == "https://www.stp.example.gov.vn/tin/huong-dan-van-thu.aspx"
    assert source.metadata["site"] == "stp.example.gov.vn"
    assert source.metadata["title"] == (
        "Sở Tư pháp - Hướng dẫn thực hiện Nghị định về công tác văn thư"
    )


def test_html_semantic_page_and_no_sidebar_key_without_sidebar_citations(
    tmp_path: Path,
) -> None:
    page = """<!doctype html><html><head><meta charset="utf-8">
    <title>Triển khai Kết luận số 01-KL/TW | Báo Tỉnh</title>
    <meta property="og:site_name" content="Báo Tỉnh"></head><body>
    <header><nav><a href="/">Trang chủ</a><a href="/x">Chính trị</a></nav></header>
    <main><article><header><h1>Triển khai Kết luận số 01-KL/TW</h1>
    <time datetime="2021-06-02T07:00:00+07:00">Thứ Tư, 02/6/2021</time></header>
    <p>Ban Thường vụ Tỉnh ủy vừa ban hành kế hoạch thực hiện Kết luận số 01-KL/TW ngày
    18/5/2021 của Bộ Chính trị về tiếp tục thực hiện Chỉ thị số 05-CT/TW.</p></article></main>
    <aside><h2>Đọc nhiều</h2><ul><li><a href="/1">Mùa lúa mới ở vùng cao</a></li></ul></aside>
    <footer>Bản quyền thuộc về Báo Tỉnh. Số lượt truy cập: 99999</footer></body></html>"""
    path = tmp_path / "ket-luan.html"
    path.write_text(page, encoding="utf-8")
    source = read_one(path)
    assert source.text.splitlines()[0] == "Triển khai Kết luận số 01-KL/TW"
    assert symbols(source.text) == {"01-KL/TW", "05-CT/TW"}
    assert "Mùa lúa" not in source.text and "Bản quyền" not in source.text
    assert "sidebar" not in source.metadata
    assert source.metadata["title"] == "Triển khai Kết luận số 01-KL/TW"
    assert source.metadata["site"] == "Báo Tỉnh"
    assert source.metadata["published"] == "2021-06-02T07:00:00+07:00"


TONES = "\u0300\u0301\u0303\u0309\u0323"


def _to_cp1258(text: str) -> bytes:
    """Windows-1258 bytes: precomposed where the code page has the letter, else letter + tone."""
    out = b""
    for char in unicodedata.normalize("NFC", text):
        try:
            out += char.encode("cp1258")
        except UnicodeEncodeError:
            base, *marks = unicodedata.normalize("NFD", char)
            tones = "".join(m for m in marks if m in TONES)
            letter = "".join(m for m in marks if m not in TONES)
            letter = unicodedata.normalize("NFC", base + letter)
            out += letter.encode("cp1258") + tones.encode("cp1258")
    return out


@pytest.mark.parametrize(
    ("encode", "encoding"),
    [
        (lambda s: s.encode("utf-8"), "utf-8"),
        (lambda s: b"\xef\xbb\xbf" + s.encode("utf-8"), "utf-8"),
        (lambda s: s.encode("utf-16"), "utf-16"),
        (_to_cp1258, "windows-1258"),
    ],
)
def test_html_in_other_encodings(
    tmp_path: Path, encode: Callable[[str], bytes], encoding: str
) -> None:
    page = (
        "<html><head><title>Thông báo</title></head><body><div class='content'><p>Ủy ban nhân "
        "dân tỉnh ban hành Quyết định số 12/QĐ-UBND về việc thực hiện công tác cải cách hành "
        "chính của các cơ quan, đơn vị trên địa bàn.</p></div></body></html>"
    )
    path = tmp_path / "thong-bao.html"
    path.write_bytes(encode(page))
    source = read_one(path)
    assert source.encoding == encoding
    assert "Ủy ban nhân dân tỉnh ban hành Quyết định số 12/QĐ-UBND" in source.text


# --- Word ----------------------------------------------------------------------------------------


def _add_hyperlink(paragraph: Any, text: str, url: str) -> None:
    from docx.opc.constants import RELATIONSHIP_TYPE
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    part = paragraph.part
    rid = part.relate_to(url, RELATIONSHIP_TYPE.HYPERLINK, is_external=True)
    link = OxmlElement("w:hyperlink")
    link.set(qn("r:id"), rid)
    run = OxmlElement("w:r")
    t = OxmlElement("w:t")
    t.text = text
    run.append(t)
    link.append(run)
    paragraph._p.append(link)


def test_docx_paragraphs_and_tables_in_order(tmp_path: Path) -> None:
    docx = pytest.importorskip("docx")
    document = docx.Document()
    document.core_properties.title = "Kế hoạch thực hiện Nghị quyết về công tác dân vận"
    header = document.add_table(rows=1, cols=2)
    header.cell(0, 0).text = "BAN THƯỜNG VỤ TỈNH ỦY"
    header.cell(0, 1).text = "ĐẢNG CỘNG SẢN VIỆT NAM"
    document.add_paragraph("Số 12-KH/TU")
    document.add_paragraph(
        "Thực hiện Nghị quyết số 25-NQ/TW ngày 03/6/2013 của Ban Chấp hành Trung ương Đảng "
        "(khóa XI) về công tác dân vận, Ban Thường vụ Tỉnh ủy xây dựng kế hoạch như sau."
    )
    linked = document.add_paragraph("Căn cứ ")
    _add_hyperlink(linked, "Quy định số 22-QĐ/TW ngày 28/7/2021", "https://example.vn/22")
    linked.add_run(" của Ban Chấp hành Trung ương;")
    table = document.add_table(rows=2, cols=3)
    for i, row in enumerate(
        [("STT", "Văn bản", "Cơ quan"), ("1", "Chỉ thị số 05-CT/TW", "Bộ Chính trị")]
    ):
        for j, value in enumerate(row):
            table.cell(i, j).text = value
    document.add_paragraph("Nơi nhận: các huyện ủy, thị ủy.")
    path = tmp_path / "ke-hoach.docx"
    document.save(str(path))

    source = read_one(path)
    lines = source.text.splitlines()
    assert lines[0] == "BAN THƯỜNG VỤ TỈNH ỦY\tĐẢNG CỘNG SẢN VIỆT NAM"
    assert lines[1] == "Số 12-KH/TU"
    assert lines[2].startswith("Thực hiện Nghị quyết số 25-NQ/TW")
    assert "Căn cứ Quy định số 22-QĐ/TW ngày 28/7/2021 của Ban Chấp hành Trung ương;" in lines
    assert "1\tChỉ thị số 05-CT/TW\tBộ Chính trị" in lines
    assert lines[-1] == "Nơi nhận: các huyện ủy, thị ủy."
    assert symbols(source.text) == {"25-NQ/TW", "22-QĐ/TW", "05-CT/TW"}
    assert source.metadata["title"] == "Kế hoạch thực hiện Nghị quyết về công tác dân vận"
    assert source.metadata["format"] == "docx"


# --- PDF -----------------------------------------------------------------------------------------

PDF_TEXT = (
    "ỦY BAN NHÂN DÂN TỈNH\n"
    "Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015;\n"
    "Căn cứ Nghị định số 30/2020/NĐ-CP ngày 05/3/2020 của Chính phủ về công tác văn thư;\n"
    "Thực hiện Kết luận số 21-KL/TW ngày 25/10/2021 của Ban Chấp hành Trung ương Đảng khoá XIII "
    "về đẩy mạnh xây dựng, chỉnh đốn Đảng, Ủy ban nhân dân tỉnh ban hành kế hoạch như sau."
)


def _pdf(build: Callable[[Any], None]) -> bytes:
    fpdf = pytest.importorskip("fpdf")
    pdf = fpdf.FPDF()
    pdf.set_title("Kế hoạch triển khai")
    pdf.add_page()
    if DEJAVU.is_file():
        pdf.add_font("DejaVu", fname=str(DEJAVU))
        pdf.set_font("DejaVu", size=11)
    else:
        pdf.set_font("helvetica", size=11)
    build(pdf)
    return bytes(pdf.output())


@needs_unicode_font
def test_pdf_text_layer_in_vietnamese(tmp_path: Path) -> None:
    path = tmp_path / "ke-hoach.pdf"
    path.write_bytes(_pdf(lambda pdf: pdf.multi_cell(0, 7, PDF_TEXT)))
    source = read_one(path)
    assert source.text.startswith("ỦY BAN NHÂN DÂN TỈNH\n")
    assert "Căn cứ Nghị định số 30/2020/NĐ-CP ngày 05/3/2020" in source.text
    assert symbols(source.text) == {"30/2020/NĐ-CP", "21-KL/TW"}
    assert source.metadata["title"] == "Kế hoạch triển khai"
    assert source.encoding == "pdf"


WORDS = "Căn cứ Nghị định số 30/2020/NĐ-CP của Chính phủ;"


@needs_unicode_font
def test_pdf_words_placed_one_by_one_and_decomposed_marks(tmp_path: Path) -> None:
    """An OCR-like layer (every word placed on its own) reads as one line; letters whose marks
    are separate zero-width glyphs (a decomposed "ố", "ộ") are joined again."""

    def build(pdf: Any) -> None:
        x = 20.0
        for word in WORDS.split(" "):
            pdf.text(x, 30, word)
            x += pdf.get_string_width(word) + 3
        decomposed = unicodedata.normalize("NFD", "Thông tư số 01/2011/TT-BNV của Bộ Nội vụ")
        pdf.text(20, 50, decomposed)

    path = tmp_path / "ocr.pdf"
    path.write_bytes(_pdf(build))
    lines = [line for line in read_one(path).text.splitlines() if line.strip()]
    assert lines == [
        "Căn cứ Nghị định số 30/2020/NĐ-CP của Chính phủ;",
        "Thông tư số 01/2011/TT-BNV của Bộ Nội vụ",
    ]


# --- JSON Lines ----------------------------------------------------------------------------------


def test_jsonl_good_and_bad_lines(tmp_path: Path) -> None:
    path = tmp_path / "tin.jsonl"
    records = [
        json.dumps({"id": "tin-01", "title": "Sơ kết Nghị quyết", "url": "https://x.vn/1",
                    "date": "15/03/2021 08:30", "views": 12,
                    "text": "Sơ kết Nghị quyết số 05-NQ/HU ngày 10/3/2020 của Huyện ủy."},
                   ensure_ascii=False),
        '{"text": "Thực hiện Chỉ thị số 05-CT/TW", ',  # cut short
        "",
        json.dumps({"content": "Triển khai Kết luận số 01-KL/TW của Bộ Chính trị."},
                   ensure_ascii=False),
        json.dumps({"title": "không có nội dung"}, ensure_ascii=False),
    ]
    path.write_text("\n".join(records) + "\n", encoding="utf-8")
    results = list(iter_sources([str(tmp_path)]))
    assert [r.path for r in results] == [
        f"{path}:tin-01", f"{path}:2", f"{path}:4", f"{path}:5"
    ]
    first, bad, second, no_text = results
    assert isinstance(first, SourceText) and isinstance(second, SourceText)
    assert symbols(first.text) == {"05-NQ/HU"}
    assert first.metadata["title"] == "Sơ kết Nghị quyết"
    assert first.metadata["url"] == "https://x.vn/1"
    assert first.metadata["published"] == "2021-03-15T08:30:00"
    assert first.metadata["line"] == "1"
    assert "views" not in first.metadata  # only string fields
    assert symbols(second.text) == {"01-KL/TW"}
    assert first.sha256 != second.sha256
    assert_one_line_error(bad, f"{path}:2", "bad JSON")
    assert_one_line_error(no_text, f"{path}:5", "no text field (text, content, body)")


def test_jsonl_without_any_text_field_is_one_error(tmp_path: Path) -> None:
    path = tmp_path / "manifest.jsonl"
    path.write_text('{"file": "a.txt"}\n{"file": "b.txt"}\n', encoding="utf-8")
    result = only(list(iter_sources([str(path)])))
    assert_one_line_error(result, path, "no record has a text field")


def test_read_file_refuses_jsonl(tmp_path: Path) -> None:
    path = tmp_path / "a.jsonl"
    path.write_text('{"text": "x"}\n', encoding="utf-8")
    assert_one_line_error(read_file(path), path, "read it with iter_sources")


# --- directories, globs, standard input, streaming ------------------------------------------------


def test_directory_walk_reads_every_format(tmp_path: Path, portal_page: Path) -> None:
    (tmp_path / "a.txt").write_text("Nghị quyết số 25-NQ/TW", encoding="utf-8")
    (tmp_path / "b.md").write_text("# Chỉ thị số 05-CT/TW", encoding="utf-8")
    (tmp_path / "c.jsonl").write_text('{"text": "Kết luận số 01-KL/TW"}\n', encoding="utf-8")
    (tmp_path / "d.csv").write_text("Quy định số 22-QĐ/TW", encoding="utf-8")
    names = [Path(r.path).name for r in iter_sources([str(tmp_path)])]
    assert names == ["a.txt", "b.md", "c.jsonl:1", "so-ket.html"]
    only_html = ReadOptions(include=("*.htm*",))
    assert [Path(r.path).name for r in iter_sources([str(tmp_path)], only_html)] == [
        "so-ket.html"
    ]
    no_html = ReadOptions(exclude=("*.html", "*.jsonl"))
    assert [Path(r.path).name for r in iter_sources([str(tmp_path)], no_html)] == [
        "a.txt", "b.md"
    ]


def test_sources_are_read_one_at_a_time(tmp_path: Path) -> None:
    for name in ("a.txt", "b.txt"):
        (tmp_path / name).write_text(f"Văn bản {name}: Nghị quyết số 25-NQ/TW", encoding="utf-8")
    sources = iter_sources([str(tmp_path)])
    first = next(sources)
    assert isinstance(first, SourceText)
    (tmp_path / "b.txt").write_text("Chỉ thị số 05-CT/TW được đọc sau khi sửa", encoding="utf-8")
    second = next(sources)
    assert isinstance(second, SourceText) and second.text.startswith("Chỉ thị")


@pytest.mark.parametrize(
    ("content", "fmt"),
    [
        (PORTAL_PAGE.encode("utf-8"), "html"),
        (b'{"text": "Ngh\\u1ecb quy\\u1ebft s\\u1ed1 25-NQ/TW"}\n', "jsonl"),
    ],
)
def test_standard_input_format_is_sniffed(
    monkeypatch: pytest.MonkeyPatch, content: bytes, fmt: str
) -> None:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(content)))
    result = next(iter(iter_sources(["-"])))
    assert isinstance(result, SourceText), result
    assert result.metadata["format"] == fmt


def test_standard_input_over_the_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b"a" * 300)))
    result = only(list(iter_sources(["-"], ReadOptions(max_bytes=100))))
    assert_one_line_error(result, "<stdin>", "input too large (more than 100 bytes")


# --- bad input -----------------------------------------------------------------------------------

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10"


def _truncated_pdf() -> bytes:
    raw = _pdf(lambda pdf: pdf.multi_cell(0, 7, "Nghi quyet so 25-NQ/TW"))
    return raw[: len(raw) // 2]


def _scanned_pdf() -> bytes:
    return _pdf(lambda pdf: pdf.rect(10, 10, 80, 120, style="F"))


def _zip_without_document() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("notes.txt", "x")
    return buffer.getvalue()


BAD_INPUTS: list[tuple[str, Callable[[], bytes], ReadOptions, str]] = [
    ("binary.txt", lambda: PNG, ReadOptions(), "not a text file: looks like a PNG image"),
    ("random.txt", lambda: bytes(range(256)) * 64, ReadOptions(), "binary data"),
    ("empty.txt", lambda: b"", ReadOptions(), "empty file"),
    ("nul.txt", lambda: "Nghị quyết số 25-NQ/TW\x00 ban hành".encode(), ReadOptions(),
     "binary data"),
    # a NUL byte far past the part of the file that the encoding detector samples
    ("late-nul.txt", lambda: "Nghị quyết số 25-NQ/TW. ".encode() * 4000 + b"\x00",
     ReadOptions(), "binary data (a NUL character at position"),
    ("big.txt", lambda: b"a" * 300, ReadOptions(max_bytes=100),
     "file too large (300 bytes; the limit is 100 bytes, raise it with --max-size)"),
    ("latin1.txt", lambda: "Le comité a adopté la délibération où figurent les décisions "
     "prises.".encode("latin-1"), ReadOptions(), "unknown encoding"),
    ("shift-jis.md", lambda: "法律第二十五号は公布された。".encode("shift_jis") * 8, ReadOptions(),
     "unknown encoding"),
    ("empty.html", lambda: b"", ReadOptions(), "empty file"),
    ("menu-only.html", lambda: "<html><body><nav><a>Trang chủ</a></nav></body></html>".encode(),
     ReadOptions(), "no article text in the HTML page"),
    ("image.html", lambda: PNG, ReadOptions(), "PNG image"),
    ("truncated.pdf", _truncated_pdf, ReadOptions(), "damaged PDF"),
    ("scan.pdf", _scanned_pdf, ReadOptions(), "PDF has no text layer (scanned?)"),
    ("not-a-pdf.pdf", lambda: "Nghị quyết".encode(), ReadOptions(), "not a PDF file"),
    ("letter.docx", lambda: "Công văn số 12".encode(), ReadOptions(), "not a DOCX file"),
    ("old.docx", lambda: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(512), ReadOptions(),
     "an old Word document (.doc)"),
    ("archive.docx", _zip_without_document, ReadOptions(), "without word/document.xml"),
    ("cut.docx", lambda: _zip_without_document()[:40], ReadOptions(), "damaged DOCX"),
    ("empty.jsonl", lambda: b"\n\n", ReadOptions(), "empty file"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("name", "make", "options", "reason"), BAD_INPUTS, ids=[row[0] for row in BAD_INPUTS]
)
def test_bad_input_is_one_line_error(
    tmp_path: Path, name: str, make: Callable[[], bytes], options: ReadOptions, reason: str
) -> None:
    path = tmp_path / name
    path.write_bytes(make())
    assert_one_line_error(only(list(iter_sources([str(path)], options))), path, reason)


def test_a_200_mb_file_is_refused_before_reading(tmp_path: Path) -> None:
    path = tmp_path / "huge.txt"
    with path.open("wb") as handle:  # sparse: no 200 MB written to disk
        handle.truncate(200_000_000)
    result = only(list(iter_sources([str(path)])))
    assert_one_line_error(
        result, path, "file too large (200.0 MB; the limit is 52.4 MB, raise it with --max-size)"
    )


def test_directory_without_texts(tmp_path: Path) -> None:
    folder = tmp_path / "ảnh"
    folder.mkdir()
    (folder / "scan.png").write_bytes(PNG)
    (folder / ".hidden.txt").write_text("x", encoding="utf-8")
    result = only(list(iter_sources([str(folder)])))
    assert_one_line_error(result, folder, "directory contains no text files (.docx")


def test_bad_files_do_not_stop_the_others(tmp_path: Path, portal_page: Path) -> None:
    (tmp_path / "cut.pdf").write_bytes(b"%PDF-1.4\n1 0 obj")
    (tmp_path / "zz.txt").write_text("Nghị quyết số 25-NQ/TW", encoding="utf-8")
    results = list(iter_sources([str(tmp_path)]))
    assert [(Path(r.path).name, type(r).__name__) for r in results] == [
        ("cut.pdf", "ReadError"), ("so-ket.html", "SourceText"), ("zz.txt", "SourceText")
    ]


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() == 0, reason="root reads all")
def test_unreadable_pdf(tmp_path: Path) -> None:
    path = tmp_path / "secret.pdf"
    path.write_bytes(b"%PDF-1.4\n%%EOF\n")
    path.chmod(0)
    try:
        assert_one_line_error(only(list(iter_sources([str(path)]))), path, "permission denied")
    finally:
        path.chmod(0o644)


# --- dates in page headers -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "published"),
    [
        ("Thứ Hai, 15/3/2021, 08:30 (GMT+7)", "2021-03-15T08:30:00"),
        ("Ngày đăng: 15/03/2021 08:30", "2021-03-15T08:30:00"),
        ("Cập nhật lúc 08:30 15/03/2021", "2021-03-15T08:30:00"),
        ("Đăng ngày 15/03/2021", "2021-03-15"),
        ("Ngày: 15/03/2021", "2021-03-15"),
    ],
)
def test_more_header_dates(line: str, published: str) -> None:
    assert text_metadata(f"Tin ngắn\n{line}\nNội dung.")["published"] == published


def test_a_date_in_running_text_is_no_publication_date() -> None:
    assert "published" not in text_metadata("Tin ngắn\nngày 15/03/2021 Huyện ủy họp.")
