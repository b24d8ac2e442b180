"""Relations between documents, as tables: a sentence → the edges it states.

Each row is a sentence written for the test (not copied from the shared texts) and the set of
``(subject, relation, object)`` it must give, with document keys as :func:`extract_citations`
assigns them and ``SRC`` for the text itself.  Negative rows expect the empty set.
"""

from __future__ import annotations

import textwrap
from collections import defaultdict
from pathlib import Path

import pytest

from kg import SourceText, extract_citations, normalize_text
from kg.evaluate import load_gold
from kg.lexicon import load_lexicon
from kg.models import Citation, Relation
from kg.read import read_file
from kg.relate import SENTENCE_SIDE, find_relations, sentence_span, sentence_text

Edge = tuple[str, str, str]
SRC = "SRC"
SELF = "SELF"


def relations(text: str, *, self_doc: str | None = None) -> list[Relation]:
    text = normalize_text(text)
    return find_relations(
        text, extract_citations(text), file="t.txt", source_key=SRC, self_doc=self_doc
    )


def edges(text: str, *, self_doc: str | None = None) -> set[Edge]:
    return {(r.subject, r.relation, r.object) for r in relations(text, self_doc=self_doc)}


# (sentence, expected edges) for news and reports: no own document.
CASES: list[tuple[str, set[Edge]]] = [
    # --- rule 1: A <tail> <cue> B
    (
        "Kết luận số 12-KL/TW ngày 05/3/2021 của Bộ Chính trị về tiếp tục thực hiện Nghị quyết "
        "số 36-NQ/TW ngày 26/3/2004 của Bộ Chính trị về công tác đối với người Việt Nam ở nước "
        "ngoài.",
        {("12-KL/TW@2021", "follows_up", "36-NQ/TW@2004")},
    ),
    (
        "Sở Y tế ban hành Công văn số 455/SYT-NV ngày 12/5/2021 về chi trả chế độ cho lực lượng "
        "tuyến đầu (thực hiện Nghị quyết số 16/NQ-CP) trong tháng 5.",
        {("455/SYT-NV@2021", "implements", "16/NQ-CP")},
    ),
    (
        "Thông tư số 21/2019/TT-BYT hướng dẫn Nghị định số 34/2018/NĐ-CP về quản lý thiết bị.",
        {("21/2019/TT-BYT", "guides", "34/2018/NĐ-CP")},
    ),
    (
        "Nghị định số 15/2022/NĐ-CP sửa đổi, bổ sung Nghị định số 20/2017/NĐ-CP về quản lý thuế.",
        {("15/2022/NĐ-CP", "amends", "20/2017/NĐ-CP")},
    ),
    (
        "UBND tỉnh ban hành Công văn số 1234/UBND-VX chỉ đạo thực hiện Chỉ thị số 19/CT-TTg của "
        "Thủ tướng Chính phủ.",
        {("1234/UBND-VX", "implements", "19/CT-TTg")},
    ),
    (  # either tone placement
        "Kế hoạch số 40/KH-UBND ngày 02/4/2023 cụ thể hoá Nghị quyết số 11-NQ/TU ngày 20/1/2023.",
        {("40/KH-UBND@2023", "implements", "11-NQ/TU@2023")},
    ),
    (
        "Kế hoạch số 40/KH-UBND ngày 02/4/2023 cụ thể hóa Nghị quyết số 11-NQ/TU ngày 20/1/2023.",
        {("40/KH-UBND@2023", "implements", "11-NQ/TU@2023")},
    ),
    (  # the cue governs a list
        "Kế hoạch số 22/KH-UBND ngày 05/5/2022 về triển khai thực hiện Nghị quyết số 10-NQ/TU "
        "ngày 12/3/2021 và Kết luận số 30-KL/TU ngày 09/9/2021 của Tỉnh ủy.",
        {("22/KH-UBND@2022", "implements", "10-NQ/TU@2021"),
         ("22/KH-UBND@2022", "implements", "30-KL/TU@2021")},
    ),
    (  # "tổng kết 10 năm thực hiện" is one reviews cue
        "Tỉnh ủy ban hành Kế hoạch số 77-KH/TU ngày 15/8/2023 để tổng kết 10 năm thực hiện Chỉ "
        "thị số 03-CT/TW ngày 14/5/2011 của Bộ Chính trị.",
        {("77-KH/TU@2023", "reviews", "03-CT/TW@2011")},
    ),
    # --- passive: B acts on A
    (
        "Căn cứ Luật Đầu tư số 61/2020/QH14 được sửa đổi, bổ sung bởi Luật số 03/2022/QH15;",
        {("03/2022/QH15", "amends", "61/2020/QH14")},
    ),
    (
        "Mức phạt áp dụng theo Nghị định số 38/2019/NĐ-CP (sửa đổi, bổ sung tại Nghị định số "
        "09/2021/NĐ-CP).",
        {("09/2021/NĐ-CP", "amends", "38/2019/NĐ-CP")},
    ),
    # --- rule 2: a fronted cue and the document made after it
    (
        "Thực hiện Chỉ thị số 05-CT/TU ngày 10/2/2021 của Tỉnh ủy, Ủy ban nhân dân huyện đã ban "
        "hành Kế hoạch số 88/KH-UBND ngày 03/3/2021 để triển khai đến các xã.",
        {("88/KH-UBND@2021", "implements", "05-CT/TU@2021")},
    ),
    (  # a stray period after the fronted phrase
        "Thực hiện Kế hoạch số 14-KH/HU ngày 02/3/2022 của Huyện ủy. Phòng Nội vụ huyện xây dựng "
        "Kế hoạch số 31/KH-PNV ngày 20/3/2022 về cải cách hành chính.",
        {("31/KH-PNV@2022", "implements", "14-KH/HU@2022")},
    ),
    (  # no document made: the text itself implements
        "Thực hiện Nghị quyết số 08/NQ-CP, các xã đã tổ chức tuyên truyền sâu rộng.",
        {(SRC, "implements", "08/NQ-CP")},
    ),
    # --- rule 3: the text reviews
    (
        "Huyện ủy tổ chức hội nghị sơ kết 3 năm thực hiện Chỉ thị số 09-CT/HU ngày 14/4/2020 của "
        "Ban Thường vụ Huyện ủy.",
        {(SRC, "reviews", "09-CT/HU@2020")},
    ),
    # --- nothing: lists without a cue, cues in another sentence or clause, "theo" alone
    (
        "Các cấp tập trung chỉ đạo thực hiện Chỉ thị số 15/CT-TTg, Chỉ thị số 16/CT-TTg của Thủ "
        "tướng Chính phủ.",
        set(),
    ),
    (
        "Ủy ban ban hành Kế hoạch số 10/KH-UBND ngày 01/2/2022. Các sở tiếp tục thực hiện Nghị "
        "quyết số 20/NQ-CP.",
        set(),
    ),
    (
        "UBND tỉnh ban hành Kế hoạch số 93/KH-UBND ngày 09/4/2021; đồng thời, các ngành thực hiện "
        "Nghị quyết số 42/NQ-CP.",
        set(),
    ),
    ("Kế hoạch số 50/KH-UBND ngày 10/6/2022 theo Nghị quyết số 30/NQ-CP của Chính phủ.", set()),
    (  # numbers and abbreviations are no documents and no sentence ends
        "Quyết định số 45/QĐ-UBND ngày 03/6/2013 hỗ trợ 1.500 hộ tại TP. Hồ Chí Minh và thực hiện "
        "Chương trình 135 xã.",
        set(),
    ),
    (  # the cue is a third party's (a creation verb and a new clause between)
        "Sau khi có Chỉ thị số 16/CT-TTg, UBND tỉnh đã ban hành văn bản hướng dẫn thực hiện Nghị "
        "quyết số 42/NQ-CP.",
        set(),
    ),
    (  # the cue belongs to an uncited document named before it
        "Tờ trình số 05/TTr-STP ngày 02/01/2020 về dự thảo Nghị quyết của HĐND tỉnh sửa đổi Nghị "
        "quyết số 11/2019/NQ-HĐND.",
        set(),
    ),
    (  # "hướng dẫn" as a noun
        "Quyết định số 22/QĐ-BTC ngày 10/1/2022 và hướng dẫn tại Công văn số 310/BTC-QLCS ngày "
        "12/1/2022.",
        set(),
    ),
    ("Ban Chỉ đạo tỉnh về tổng kết Chỉ thị số 05-CT/TU đã họp phiên thứ nhất.", set()),
    (  # "hết hiệu lực" is said of what precedes it, and only by the text's own document
        "Nghị quyết số 32/NQ-CP ngày 15/3/2022 hết hiệu lực kể từ ngày Nghị quyết số 44/NQ-CP "
        "ngày 07/3/2025 có hiệu lực.",
        set(),
    ),
]


@pytest.mark.parametrize(("text", "expected"), CASES)
def test_relations_of_a_sentence(text: str, expected: set[Edge]) -> None:
    assert edges(text) == expected


# (text, expected edges) for an official document whose own key is SELF.
OWN_CASES: list[tuple[str, set[Edge]]] = [
    (
        "Căn cứ Luật Tổ chức chính quyền địa phương số 72/2025/QH15;\nCăn cứ Nghị định số "
        "30/2020/NĐ-CP ngày 05 tháng 3 năm 2020 của Chính phủ về công tác văn thư;\nTheo đề nghị "
        "của Giám đốc Sở Nội vụ tại Tờ trình số 15/TTr-SNV ngày 02/6/2025.",
        {(SELF, "based_on", "72/2025/QH15"), (SELF, "based_on", "30/2020/NĐ-CP")},
    ),
    (
        "Quyết định này có hiệu lực kể từ ngày ký và thay thế Quyết định số 12/2020/QĐ-UBND ngày "
        "05/3/2020 của Ủy ban nhân dân tỉnh.",
        {(SELF, "replaces", "12/2020/QĐ-UBND")},
    ),
    (
        "Điều 2. Bãi bỏ Quyết định số 05/2019/QĐ-UBND ngày 10/01/2019 của UBND tỉnh.",
        {(SELF, "repeals", "05/2019/QĐ-UBND")},
    ),
    (
        "Quyết định số 07/2018/QĐ-UBND ngày 02/02/2018 hết hiệu lực kể từ ngày Quyết định này có "
        "hiệu lực thi hành.",
        {(SELF, "repeals", "07/2018/QĐ-UBND")},
    ),
    (
        "Nghị định này quy định chi tiết một số điều của Luật Quy hoạch số 21/2017/QH14.",
        {(SELF, "guides", "21/2017/QH14")},
    ),
    (  # another document's act is not the text's own
        "Nghị định số 15/2022/NĐ-CP sửa đổi, bổ sung Nghị định số 20/2017/NĐ-CP về quản lý thuế.",
        {("15/2022/NĐ-CP", "amends", "20/2017/NĐ-CP")},
    ),
]


@pytest.mark.parametrize(("text", "expected"), OWN_CASES)
def test_relations_of_the_texts_own_document(text: str, expected: set[Edge]) -> None:
    assert edges(text, self_doc=SELF) == expected


@pytest.mark.parametrize(("text", "expected"), OWN_CASES)
def test_own_document_rules_need_an_own_document(text: str, expected: set[Edge]) -> None:
    assert edges(text) == {e for e in expected if e[0] != SELF}


def test_a_hard_wrapped_preamble() -> None:
    """An official document copied from a web page, wrapped at 60 columns."""
    paragraphs = [
        "ỦY BAN NHÂN DÂN TỈNH AN HÒA", "Số: 36/2025/QĐ-UBND", "QUYẾT ĐỊNH",
        "BAN HÀNH QUY ĐỊNH VỀ QUẢN LÝ CHỢ",
        "Căn cứ Luật Thương mại ngày 14 tháng 6 năm 2005;",
        "Căn cứ Nghị định số 60/2024/NĐ-CP ngày 05 tháng 6 năm 2024 của Chính phủ về phát triển "
        "và quản lý chợ, được sửa đổi, bổ sung tại Nghị định số 99/2025/NĐ-CP ngày 20 tháng 4 năm "
        "2025 của Chính phủ;",
        "Căn cứ Thông tư số 04/2024/TT-BCT ngày 10 tháng 7 năm 2024 của Bộ trưởng Bộ Công Thương "
        "hướng dẫn thực hiện một số điều của Nghị định số 60/2024/NĐ-CP;",
        "Theo đề nghị của Giám đốc Sở Công Thương tại Tờ trình số 88/TTr-SCT ngày 02 tháng 7 năm "
        "2025.",
        "QUYẾT ĐỊNH:",
        "Điều 2. Quyết định này có hiệu lực kể từ ngày 01 tháng 8 năm 2025 và thay thế Quyết định "
        "số 12/2020/QĐ-UBND ngày 05 tháng 3 năm 2020 của Ủy ban nhân dân tỉnh.",
    ]  # fmt: skip
    text = "\n".join(textwrap.fill(p, 60) for p in paragraphs)
    assert edges(text, self_doc=SELF) == {
        (SELF, "based_on", "Luật: luật thương mại@2005"),
        (SELF, "based_on", "60/2024/NĐ-CP"),
        (SELF, "based_on", "99/2025/NĐ-CP"),
        (SELF, "based_on", "04/2024/TT-BCT"),
        ("99/2025/NĐ-CP", "amends", "60/2024/NĐ-CP"),
        ("04/2024/TT-BCT", "guides", "60/2024/NĐ-CP"),
        (SELF, "replaces", "12/2020/QĐ-UBND"),
    }
    (amends,) = [r for r in relations(text) if r.relation == "amends"]
    assert amends.evidence.sentence.startswith("Căn cứ Nghị định số 60/2024/NĐ-CP ngày 05 tháng")
    assert amends.evidence.sentence.endswith("ngày 20 tháng 4 năm 2025 của Chính phủ;")


# --------------------------------------------------------------------------- evidence


def test_evidence_covers_both_citations_and_names_the_cue() -> None:
    text = (
        "Năm 2021, Bộ Y tế ban hành Thông tư số 21/2019/TT-BYT hướng dẫn Nghị định số "
        "34/2018/NĐ-CP. Các sở triển khai ngay."
    )
    (relation,) = relations(text)
    ev = relation.evidence
    assert text[ev.start : ev.end] == (
        "Thông tư số 21/2019/TT-BYT hướng dẫn Nghị định số 34/2018/NĐ-CP"
    )
    assert ev.file == "t.txt"
    assert ev.sentence == (
        "Năm 2021, Bộ Y tế ban hành Thông tư số 21/2019/TT-BYT hướng dẫn Nghị định số "
        "34/2018/NĐ-CP."
    )
    assert relation.cue == "hướng dẫn"
    assert not relation.subject_is_source


def test_source_level_evidence_is_the_object() -> None:
    text = "Thực hiện Nghị quyết số 08/NQ-CP, các xã đã tổ chức tuyên truyền."
    (relation,) = relations(text)
    assert relation.subject_is_source and relation.subject == SRC
    assert text[relation.evidence.start : relation.evidence.end] == "Nghị quyết số 08/NQ-CP"
    assert relation.cue == "Thực hiện"


def test_no_document_relates_to_itself_and_repeats_are_dropped() -> None:
    text = (
        "Kế hoạch số 22/KH-UBND ngày 05/5/2022 về thực hiện Nghị quyết số 10-NQ/TU ngày "
        "12/3/2021. Kế hoạch số 22/KH-UBND về thực hiện Nghị quyết số 10-NQ/TU được triển khai."
    )
    found = relations(text)
    assert [(r.subject, r.relation, r.object) for r in found] == [
        ("22/KH-UBND@2022", "implements", "10-NQ/TU@2021")
    ]
    assert found[0].evidence.start == 0
    text = "Thực hiện Quyết định số 36/2025/QĐ-UBND, các sở triển khai."
    assert edges(text, self_doc="36/2025/QĐ-UBND") == set()


def test_citations_without_a_key_are_ignored() -> None:
    text = "Thông tư số 21/2019/TT-BYT hướng dẫn Nghị định số 34/2018/NĐ-CP."
    found = [c.replace(doc_id=None) for c in extract_citations(text)]
    assert find_relations(text, found, file="t", source_key=SRC) == []


def test_relation_to_dict_folds_follows_up_into_implements() -> None:
    (relation,) = relations(
        "Kết luận số 12-KL/TW ngày 05/3/2021 về tiếp tục thực hiện Nghị quyết số 36-NQ/TW."
    )
    row = relation.to_dict()
    assert row["relation"] == "implements" and row["subrelation"] == "follows_up"
    assert row["cue"] == "tiếp tục thực hiện"


# --------------------------------------------------------------------------- the lexicon


LEXICON = load_lexicon()
RELATION_EXAMPLES = [
    (name, example)
    for name, table in LEXICON.cues["relations"].items()
    for example in table["examples"]
]


@pytest.mark.parametrize(("relation", "example"), RELATION_EXAMPLES)
def test_relation_example_states_its_relation(relation: str, example: str) -> None:
    assert relation in {r.relation for r in relations(example, self_doc=SELF)}


@pytest.mark.parametrize("example", LEXICON.cues["creation"]["examples"])
def test_creation_example_makes_the_subject_of_a_fronted_phrase(example: str) -> None:
    text = f"Thực hiện Nghị quyết số 01-NQ/TU ngày 02/01/2020 của Tỉnh ủy, {example}."
    (relation,) = relations(text)
    assert relation.relation == "implements" and relation.object == "01-NQ/TU@2020"
    assert not relation.subject_is_source


# --------------------------------------------------------------------------- sentences


def _sentence(text: str, phrase: str) -> str:
    start = text.index(phrase)
    return sentence_text(text, start, start + len(phrase))


SENTENCES = [
    # (text, a phrase in it, the sentence around the phrase)
    ("Đã ban hành Kế hoạch số 5/KH-UBND. Tổng kết 1.500 hộ tại TP. Huế.", "1.500",
     "Tổng kết 1.500 hộ tại TP. Huế."),
    ("Ngày 03/6/2013, Tp. Hồ Chí Minh họp. Sau đó nghỉ.", "Hồ Chí Minh",
     "Ngày 03/6/2013, Tp. Hồ Chí Minh họp."),
    ("Có đúng không? Có! Rồi xong.", "Rồi", "Rồi xong."),
    ("Chỉ thị số 15/CT-TTg\nHướng dẫn triển khai", "Hướng dẫn", "Hướng dẫn triển khai"),
    ("Ủy ban đã ban hành Kế hoạch số 9\nvề phòng chống dịch. Hết.", "phòng",
     "Ủy ban đã ban hành Kế hoạch số 9 về phòng chống dịch."),
    ("Báo cáo năm 2020\n\nvề kết quả.", "kết quả", "về kết quả."),
    ("Theo Đề án 06/CP v.v. và các văn bản khác. Xong.", "văn bản",
     "Theo Đề án 06/CP v.v. và các văn bản khác."),
]  # fmt: skip


@pytest.mark.parametrize(("text", "phrase", "expected"), SENTENCES)
def test_sentence_around_a_span(text: str, phrase: str, expected: str) -> None:
    assert _sentence(text, phrase) == expected


def test_a_long_sentence_is_cut_to_its_clause_and_then_around_the_span() -> None:
    clause = "các cơ quan thực hiện nhiệm vụ được giao " * 10
    text = f"{clause}; {clause} theo Kế hoạch số 5/KH-UBND {clause}; {clause}."
    start = text.index("Kế hoạch")
    end = start + len("Kế hoạch số 5/KH-UBND")
    s, e = sentence_span(text, start, end)
    assert s <= start and end <= e
    assert (start - s) <= SENTENCE_SIDE and (e - end) <= SENTENCE_SIDE + 1
    assert ";" not in text[s:e].rstrip(";")


# --------------------------------------------------------------------------- the gold


def _gold_keys(
    found: list[Citation], gold: list[tuple[int, int, str | None, bool]]
) -> dict[str, str]:
    """Our doc_id → the gold ``doc`` key, for citations that overlap exactly one non-optional
    gold document (others are unmapped and their edges not scored)."""
    docs: dict[str, set[str | None]] = defaultdict(set)
    for c in found:
        for start, end, doc, optional in gold:
            if c.start < end and start < c.end and c.doc_id is not None:
                docs[c.doc_id].add(None if optional else doc)
    out: dict[str, str] = {}
    for key, values in docs.items():
        (only,) = values if len(values) == 1 else (None,)
        if only is not None:
            out[key] = only
    return out


IMPLEMENTING = {"implements", "follows_up"}


@pytest.mark.shared
def test_gold_implements_pairs_are_found_and_no_others(shared: Path) -> None:
    for gold in load_gold(shared / "gold" / "seeds.gold.jsonl"):
        source = read_file(shared / "seeds" / gold.file)
        assert isinstance(source, SourceText), source
        found = extract_citations(source.text, file=gold.file)
        rels = find_relations(source.text, found, file=gold.file, source_key="source")
        keys = _gold_keys(
            found, [(g.start, g.end, g.doc, g.optional) for g in gold.citations]
        )
        ours = {
            (keys[r.subject], keys[r.object])
            for r in rels
            if r.relation in IMPLEMENTING and not r.subject_is_source
            and r.subject in keys and r.object in keys
        }
        assert ours == set(gold.implements), gold.file
