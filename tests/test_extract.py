"""Extraction, as tables: a sentence → the citations found in it and their fields.

Each row is one case a reader who knows Vietnamese documents can check by eye.  Only the
fields named in a row are compared; ``text`` is the reported span.
"""

from __future__ import annotations

from typing import Any

import pytest

from kg import extract_citations, find_citations, normalize_text

# (sentence, [expected fields of each citation, in order])
CASES: list[tuple[str, list[dict[str, Any]]]] = [
    # --- Party documents, full form
    (
        "Nghị quyết số 25-NQ/TW ngày 03/6/2013 của Ban Chấp hành Trung ương về công tác dân vận",
        [dict(text="Nghị quyết số 25-NQ/TW", type="Nghị quyết", number="25", symbol="25-NQ/TW",
              issuer_codes=["TW"], date="2013-06-03", year=2013,
              issuer="Ban Chấp hành Trung ương Đảng", title="công tác dân vận", regime="party")],
    ),
    (
        "theo Nghị quyết số 25-NQ/TW của Hội nghị Trung ương 7 (khóa XI) về tăng cường",
        [dict(symbol="25-NQ/TW", issuer="Ban Chấp hành Trung ương Đảng", term="XI")],
    ),
    (
        "Chỉ thị số 05-CT/TW của Bộ Chính trị khoá XII về đẩy mạnh học tập",
        [dict(type="Chỉ thị", symbol="05-CT/TW", number="05", issuer="Bộ Chính trị", term="XII")],
    ),
    (
        "kết luận số 55-KL/TW của Ban Bí thư",
        [dict(text="kết luận số 55-KL/TW", type="Kết luận", symbol="55-KL/TW",
              issuer="Ban Bí thư")],
    ),
    (
        "Kế hoạch phối hợp số 21-KH/BCSĐ-BDVTU ngày 06/3/2020",
        [dict(type="Kế hoạch", symbol="21-KH/BCSĐ-BDVTU", issuer_codes=["BCSĐ", "BDVTU"],
              date="2020-03-06")],
    ),
    (
        "Chương trình hành động số 17-CTr/TU ngày 5-1-2017 của Tỉnh ủy",
        [dict(type="Chương trình", symbol="17-CTr/TU", date="2017-01-05", issuer="Tỉnh ủy")],
    ),
    (
        "Quy định số 66-QĐ/TW ngày 06 tháng 2 năm 2017 của Ban Chấp hành Trung ương",
        [dict(type="Quy định", symbol="66-QĐ/TW", date="2017-02-06")],
    ),
    # --- spellings: missing "số", "số:", spaces and odd dashes, state separators, Đ look-alike
    ("Chỉ thị 16/CT-TTg", [dict(type="Chỉ thị", symbol="16/CT-TTg", form="full")]),
    ("Quyết định số: 217 QĐ/TW", [dict(type="Quyết định", symbol="217-QĐ/TW", number="217")]),
    ("Kế hoạch 94- KH/BTGDVTW", [dict(symbol="94-KH/BTGDVTW", text="Kế hoạch 94- KH/BTGDVTW")]),
    ("Nghị quyết 25\u2013NQ/TW", [dict(symbol="25-NQ/TW")]),
    ("Quyết định 217/QĐ-TW của Bộ Chính trị", [dict(symbol="217-QĐ/TW", regime="party")]),
    ("Nghị định 30/2020/N\u00d0-CP", [dict(type="Nghị định", symbol="30/2020/NĐ-CP")]),
    ("Nghị\u00a0quyết\u00a0số\u00a025-NQ/TW", [dict(type="Nghị quyết", symbol="25-NQ/TW")]),
    ("NGHỊ QUYẾT SỐ 25-NQ/TW", [dict(type="Nghị quyết", symbol="25-NQ/TW")]),
    (
        "Kế hoạch số 09/KH-BDVTU-UBND của Ban Dân vận Tỉnh uỷ",
        [dict(symbol="09/KH-BDVTU-UBND", issuer_codes=["BDVTU", "UBND"],
              issuer="Ban Dân vận Tỉnh ủy")],
    ),
    (
        "Quy chế số 19 ngày 10/11/2021 của Tỉnh ủy",
        [dict(type="Quy chế", number="19", symbol=None, date="2021-11-10", issuer="Tỉnh ủy")],
    ),
    # --- state documents
    (
        "Nghị định 30/2020/NĐ-CP ngày 05/3/2020 của Chính phủ về công tác văn thư",
        [dict(type="Nghị định", number="30", symbol="30/2020/NĐ-CP", year=2020,
              issuer_codes=["CP"], issuer="Chính phủ", date="2020-03-05", regime="state")],
    ),
    (
        "Công văn số 982/UBND-NC ngày 09/4/2020",
        [dict(type="Công văn", symbol="982/UBND-NC", issuer_codes=["UBND", "NC"],
              date="2020-04-09")],
    ),
    ("Văn bản số 538/BC-CP", [dict(type="Báo cáo", symbol="538/BC-CP")]),
    ("Thông tư số 90/2016/TTLT-BTC-BCT", [dict(type="Thông tư liên tịch",
                                               symbol="90/2016/TTLT-BTC-BCT")]),
    ("Thông tư 36/2024/TT-BGDĐT", [dict(type="Thông tư", symbol="36/2024/TT-BGDĐT")]),
    (
        "Căn cứ Nghị quyết số 66.2/2025/NQ-CP ngày 28 tháng 8 năm 2025 của Chính phủ",
        [dict(number="66.2", symbol="66.2/2025/NQ-CP", date="2025-08-28")],
    ),
    (
        "Chương trình hành động số 17-TTr/TU",
        [dict(type="Chương trình", symbol="17-TTr/TU")],
    ),
    # --- laws by number and by name
    ("theo Luật số 80/2015/QH13.", [dict(type="Luật", symbol="80/2015/QH13", year=2015)]),
    (
        "Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015",
        [dict(type="Luật", name="Luật Tổ chức chính quyền địa phương", date="2015-06-19",
              form="name")],
    ),
    (
        "Bộ luật Dân sự năm 2015 và Hiến pháp năm 2013",
        [dict(type="Bộ luật", name="Bộ luật Dân sự", year=2015),
         dict(type="Hiến pháp", year=2013, text="Hiến pháp năm 2013")],
    ),
    ("Luật Đất đai 2024", [dict(type="Luật", name="Luật Đất đai", year=2024)]),
    (
        "Căn cứ Luật Cán bộ, công chức số 80/2025/QH15;",
        [dict(type="Luật", name="Luật Cán bộ, công chức", symbol="80/2025/QH15",
              text="Luật Cán bộ, công chức số 80/2025/QH15")],
    ),
    (
        "Căn cứ Luật sửa đổi, bổ sung một số điều của Luật Đấu thầu, Luật Đầu tư số "
        "90/2025/QH15;",
        [dict(type="Luật", symbol="90/2025/QH15",
              name="Luật sửa đổi, bổ sung một số điều của Luật Đấu thầu, Luật Đầu tư")],
    ),
    (
        "Căn cứ Luật Tổ chức\nchính quyền địa phương **số** 72/2025/QH15;",
        [dict(name="Luật Tổ chức chính quyền địa phương", symbol="72/2025/QH15")],
    ),
    (
        "Luật Đất đai năm 2024 và Luật Thi đua, khen thưởng số 06/2022/QH15",
        [dict(name="Luật Đất đai", year=2024),
         dict(name="Luật Thi đua, khen thưởng", symbol="06/2022/QH15")],
    ),
    # --- lists and coordination
    (
        "Quyết định 217, 218-QĐ/TW ngày 12/12/2013 của Bộ Chính trị",
        [dict(text="Quyết định 217", symbol="217-QĐ/TW", date="2013-12-12",
              issuer="Bộ Chính trị"),
         dict(text="218-QĐ/TW", symbol="218-QĐ/TW", date="2013-12-12", issuer="Bộ Chính trị",
              type="Quyết định")],
    ),
    (
        "Chỉ thị số 15/CT-TTg, Chỉ thị số 16/CT-TTg của Thủ tướng Chính phủ",
        [dict(symbol="15/CT-TTg", issuer="Thủ tướng Chính phủ"),
         dict(symbol="16/CT-TTg", issuer="Thủ tướng Chính phủ")],
    ),
    (
        "Kế hoạch liên tịch của Ban Dân vận Tỉnh ủy và Ban cán sự Đảng Uỷ ban nhân dân tỉnh "
        "số 03-KH/LT ngày 3/3/2021",
        [dict(symbol="03-KH/LT")],
    ),
    (
        "Nghị quyết số 25-NQ/TW, ngày 26/11/2021 của Tỉnh ủy",
        [dict(date="2021-11-26", issuer="Tỉnh ủy")],
    ),
    (
        "Kế hoạch số 12-KH/TU của Ban Dân vận Tỉnh ủy và Ban cán sự đảng Ủy ban nhân dân tỉnh",
        [dict(issuer="Ban Dân vận Tỉnh ủy; Ban cán sự đảng Ủy ban nhân dân tỉnh")],
    ),
    (
        "theo Luật Tiếp công dân năm 2013 và Nghị định số 64/2014/NĐ-CP của Chính phủ",
        [dict(type="Luật", issuer=None), dict(symbol="64/2014/NĐ-CP", issuer="Chính phủ")],
    ),
    (
        "Kế hoạch số 93/KH-UBND, Chỉ thị số 16/CT-TTg của Thủ tướng Chính phủ",
        [dict(symbol="93/KH-UBND", issuer=None), dict(issuer="Thủ tướng Chính phủ")],
    ),
    # --- short forms share the doc_id of the full citation
    (
        "Nghị quyết số 57-NQ/TW ngày 22/12/2024 của Bộ Chính trị. Nghị quyết 57 đã chỉ rõ",
        [dict(symbol="57-NQ/TW", form="full", doc_id="57-NQ/TW@2024"),
         dict(text="Nghị quyết 57", form="short", symbol=None, doc_id="57-NQ/TW@2024")],
    ),
    # --- titles
    (
        'Chỉ thị 05-CT/TW về "đẩy mạnh học tập và làm theo tư tưởng"',
        [dict(title="đẩy mạnh học tập và làm theo tư tưởng")],
    ),
]

# Sentences with numbers that are not document references.
NOT_CITATIONS = [
    "Gọi 0912-345-678 để được hỗ trợ.",
    "Tổng kinh phí 1.500.000 đồng, tăng 12,5%.",
    "mức chi 1.500/người/tháng năm 2025",
    "Chương trình 135 xã đặc biệt khó khăn được đầu tư",
    "giai đoạn 2016-2020 và 2021-2025",
    "Quốc lộ 14 đoạn km 120-135",
    "Số: 45/BC-UBND\nBÁO CÁO tình hình",
    "đạt 95% kế hoạch năm 2020",
    "ngày 03/6/2013, lúc 8/30",
    "Luật sư Nguyễn Văn A năm 1980",
]


def _pick(citation: Any, fields: dict[str, Any]) -> dict[str, Any]:
    row = citation.to_dict()
    return {name: row[name] for name in fields}


@pytest.mark.parametrize(("sentence", "expected"), CASES, ids=[c[0][:50] for c in CASES])
def test_citations_in_sentence(sentence: str, expected: list[dict[str, Any]]) -> None:
    found = extract_citations(sentence)
    assert [_pick(c, e) for c, e in zip(found, expected, strict=False)] == expected
    assert len(found) == len(expected), [c.text for c in found]


@pytest.mark.parametrize("sentence", CASES and [c[0] for c in CASES])
def test_span_text_is_the_normalised_slice(sentence: str) -> None:
    text = normalize_text(sentence)
    for c in find_citations(text):
        assert text[c.start : c.end] == c.text


@pytest.mark.parametrize("sentence", NOT_CITATIONS)
def test_not_a_citation(sentence: str) -> None:
    assert [c.text for c in extract_citations(sentence)] == []


def test_nfd_input_gives_nfc_offsets() -> None:
    import unicodedata

    nfd = unicodedata.normalize("NFD", "Theo Nghị quyết số 25-NQ/TW của Tỉnh ủy")
    (citation,) = extract_citations(nfd)
    assert citation.text == "Nghị quyết số 25-NQ/TW"
    assert normalize_text(nfd)[citation.start : citation.end] == citation.text


def test_old_and_new_tone_placement_agree() -> None:
    old = extract_citations("Quy chế số 19 ngày 10/11/2021 của Tỉnh uỷ, khoá XI")
    new = extract_citations("Quy chế số 19 ngày 10/11/2021 của Tỉnh ủy, khóa XI")
    assert [(c.issuer, c.term) for c in old] == [(c.issuer, c.term) for c in new]
    assert old[0].issuer == "Tỉnh ủy"


def test_mismatched_type_word_is_reported() -> None:
    (citation,) = extract_citations("Chương trình hành động số 17-TTr/TU")
    assert citation.type == "Chương trình"
    assert any("TTr" in w for w in citation.warnings)


def test_party_homonyms_get_different_doc_ids() -> None:
    text = (
        "Nghị quyết số 25-NQ/TW ngày 03/6/2013 thay cho Nghị quyết số 25-NQ/TW "
        "ngày 14/10/2008 của Ban Chấp hành Trung ương"
    )
    ids = [c.doc_id for c in extract_citations(text)]
    assert ids == ["25-NQ/TW@2013", "25-NQ/TW@2008"]


# Symbols typed with Cyrillic or Greek look-alike capitals are the same symbols.
def test_homoglyph_symbol_is_folded() -> None:
    (citation,) = extract_citations("Nghị định 137/2020/NĐ-\u0421\u0420 của Chính phủ")
    assert citation.symbol == "137/2020/NĐ-CP"
