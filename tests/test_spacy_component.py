"""The spaCy component ``vn_legal_citations``: an adapter over ``kg.extract_citations``.

Runs with blank pipelines only (no downloaded model): ``vi`` with its whitespace tokenizer
(``use_pyvi: False``, so "80/2015/QH13." is one token) and ``xx`` (rule-based tokenizer).
"""

from __future__ import annotations

import subprocess
import sys
import unicodedata
import warnings
from importlib.metadata import entry_points
from pathlib import Path
from typing import Any, Literal, cast

import pytest
import spacy
from hypothesis import given, settings
from hypothesis import strategies as st
from spacy.language import Language
from spacy.tokens import Doc, DocBin, Span

import kg.spacy_component as component_module
from kg import extract_citations, normalize_text
from kg.models import Citation
from kg.spacy_component import (
    DEFAULT_SPANS_KEY,
    FACTORY_NAME,
    CitationAlignmentWarning,
    LegalCitationComponent,
    OffsetMap,
    make_citation_component,
    register_extensions,
)

LANGS = ["vi", "xx"]
Form = Literal["NFC", "NFD"]


def blank(lang: str) -> Language:
    if lang == "vi":
        return spacy.blank("vi", config={"nlp": {"tokenizer": {"use_pyvi": False}}})
    return spacy.blank(lang)


def component_of(nlp: Language) -> LegalCitationComponent:
    component = nlp.get_pipe(FACTORY_NAME)
    assert isinstance(component, LegalCitationComponent)
    return component


def make_nlp(lang: str, **config: Any) -> Language:
    nlp = blank(lang)
    nlp.add_pipe(FACTORY_NAME, config=config)
    return nlp


def spans_of(doc: Doc) -> list[Span]:
    return list(doc.spans[DEFAULT_SPANS_KEY])


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


# (text, expected citations: (citation text, label, fields expected in span._.legal))
CASES: list[tuple[str, list[tuple[str, str, dict[str, Any]]]]] = [
    (
        "Thực hiện Nghị quyết số 25-NQ/TW ngày 03/6/2013 của Ban Chấp hành Trung ương "
        "(khóa XI), các cấp ủy đã tổ chức quán triệt sâu rộng.",
        [
            (
                "Nghị quyết số 25-NQ/TW",
                "Nghị quyết",
                {
                    "symbol": "25-NQ/TW",
                    "date": "2013-06-03",
                    "issuer": "Ban Chấp hành Trung ương Đảng",
                    "form": "full",
                    "regime": "party",
                },
            )
        ],
    ),
    (
        "Việc thu phí được thực hiện theo Luật số 80/2015/QH13.",
        [("Luật số 80/2015/QH13", "Luật", {"symbol": "80/2015/QH13", "year": 2015})],
    ),
    (
        "Các địa phương tiếp tục giãn cách xã hội (Chỉ thị số 16/CT-TTg) trong tháng 4.",
        [("Chỉ thị số 16/CT-TTg", "Chỉ thị", {"symbol": "16/CT-TTg", "number": "16"})],
    ),
    (
        "Ban Thường vụ quán triệt Quyết định 217, 218-QĐ/TW của Bộ Chính trị về giám sát.",
        [
            (
                "Quyết định 217",
                "Quyết định",
                {"symbol": "217-QĐ/TW", "issuer": "Bộ Chính trị", "form": "full"},
            ),
            (
                "218-QĐ/TW",
                "Quyết định",
                {"symbol": "218-QĐ/TW", "issuer": "Bộ Chính trị", "form": "bare"},
            ),
        ],
    ),
    (
        "Căn cứ Nghị định số 30/2020/NĐ-CP ngày 05/3/2020 của Chính phủ về công tác văn thư.",
        [
            (
                "Nghị định số 30/2020/NĐ-CP",
                "Nghị định",
                {"symbol": "30/2020/NĐ-CP", "date": "2020-03-05", "issuer": "Chính phủ"},
            )
        ],
    ),
    ("Báo cáo này không trích dẫn văn bản nào.", []),
]

# Texts only checked for "nothing dropped": every library citation is on the doc.
MORE_TEXTS = [
    "Nghị quyết số 57-NQ/TW ngày 22/12/2024 của Bộ Chính trị; sau đó Nghị quyết 57 được "
    "cụ thể hóa bằng Kế hoạch số 03-KH/TU.",
    "Áp dụng Luật Đất đai năm 2013 và Luật số 45/2013/QH13,Luật số 80/2015/QH13.",
    "(Nghị quyết số 25-NQ/TW)(Chỉ thị số 16/CT-TTg)",
    "25-NQ/TW,26-NQ/TW",
    "Chỉ thị số 16/CT-TTg\n\nNghị định số 30/2020/NĐ-CP",
]

ALL_TEXTS = [text for text, _ in CASES] + MORE_TEXTS


@pytest.fixture(scope="module", params=LANGS)
def nlp(request: pytest.FixtureRequest) -> Language:
    return make_nlp(request.param)


# ---------------------------------------------------------------------------------------------
# Spans, labels, extensions


@pytest.mark.parametrize(("text", "expected"), CASES)
@pytest.mark.parametrize("form", ["NFC", "NFD"])
def test_spans_labels_and_legal(
    nlp: Language, text: str, expected: list[tuple[str, str, dict[str, Any]]], form: Form
) -> None:
    doc = nlp(unicodedata.normalize(form, text))
    spans = spans_of(doc)
    assert len(spans) == len(expected)
    for span, (cited, label, fields) in zip(spans, expected, strict=True):
        assert cited in nfc(span.text)
        assert span.label_ == label
        legal = span._.legal
        assert legal is not None
        assert legal["text"] == cited
        assert legal["type"] == label
        for key, value in fields.items():
            assert legal[key] == value, key
        assert span.kb_id_ == (legal["doc_id"] or "")


@pytest.mark.parametrize("text", ALL_TEXTS)
@pytest.mark.parametrize("form", ["NFC", "NFD"])
def test_nothing_dropped(nlp: Language, text: str, form: Form) -> None:
    text = unicodedata.normalize(form, text)
    library = extract_citations(text)
    with warnings.catch_warnings():
        warnings.simplefilter("error", CitationAlignmentWarning)
        doc = nlp(text)
    assert doc._.legal_citations == library
    assert all(isinstance(c, Citation) for c in doc._.legal_citations)
    spans = spans_of(doc)
    assert len(spans) == len(library)
    for span, citation in zip(spans, library, strict=True):
        assert citation.text in nfc(span.text)
        assert span._.legal == citation.to_dict()


def test_xx_tokenizer_aligns_exactly() -> None:
    doc = make_nlp("xx")("theo Luật số 80/2015/QH13. (Chỉ thị số 16/CT-TTg)")
    assert [span.text for span in spans_of(doc)] == ["Luật số 80/2015/QH13", "Chỉ thị số 16/CT-TTg"]


@pytest.mark.parametrize(
    ("text", "span_text"),
    [
        ("theo Luật số 80/2015/QH13.", "Luật số 80/2015/QH13."),
        ("(Chỉ thị số 16/CT-TTg)", "(Chỉ thị số 16/CT-TTg)"),
        ("Quyết định 217, 218-QĐ/TW", "Quyết định 217,"),
    ],
)
def test_whitespace_tokenizer_expands_to_tokens(text: str, span_text: str) -> None:
    doc = make_nlp("vi")(text)
    assert spans_of(doc)[0].text == span_text


@pytest.mark.parametrize("lang", LANGS)
def test_nfd_offsets_point_into_doc_text(lang: str) -> None:
    text = unicodedata.normalize(
        "NFD",
        "Quán triệt Nghị quyết số 25-NQ/TW ngày 03/6/2013 và Chỉ thị số 16/CT-TTg của Thủ tướng",
    )
    assert text != normalize_text(text)
    doc = make_nlp(lang)(text)
    for span, citation in zip(spans_of(doc), doc._.legal_citations, strict=True):
        assert doc.text[span.start_char : span.end_char] == span.text
        assert nfc(span.text) == citation.text  # these citations end at token boundaries
        # span._.legal keeps the library's offsets, which are into the NFC text
        assert normalize_text(text)[citation.start : citation.end] == citation.text
    assert [nfc(span.text) for span in spans_of(doc)] == [
        "Nghị quyết số 25-NQ/TW",
        "Chỉ thị số 16/CT-TTg",
    ]


def test_span_legal_is_none_for_other_spans_and_docs() -> None:
    nlp = make_nlp("xx")
    doc = nlp("Căn cứ Chỉ thị số 16/CT-TTg")
    assert doc[0:2]._.legal is None
    plain = blank("xx")("Căn cứ Chỉ thị số 16/CT-TTg")
    assert plain._.legal_citations == []
    assert plain[0:5]._.legal is None


def test_span_legal_is_a_copy() -> None:
    doc = make_nlp("xx")("Căn cứ Chỉ thị số 16/CT-TTg")
    span = spans_of(doc)[0]
    legal = span._.legal
    assert legal is not None
    legal["symbol"] = "changed"
    assert span._.legal["symbol"] == "16/CT-TTg"


def test_same_tokens_for_two_citations_keep_their_own_data() -> None:
    # The whitespace tokenizer makes "25-NQ/TW,26-NQ/TW" one token: two spans, same offsets.
    doc = make_nlp("vi")("25-NQ/TW,26-NQ/TW")
    spans = spans_of(doc)
    assert [(s.start_char, s.end_char) for s in spans] == [(0, 17), (0, 17)]
    assert [s._.legal["symbol"] for s in spans] == ["25-NQ/TW", "26-NQ/TW"]


def test_rerun_replaces_span_group() -> None:
    nlp = make_nlp("xx")
    doc = nlp("Căn cứ Chỉ thị số 16/CT-TTg")
    component_of(nlp)(doc)
    assert len(spans_of(doc)) == 1
    assert len(doc._.legal_citations) == 1


# ---------------------------------------------------------------------------------------------
# Entities


@pytest.mark.parametrize("lang", LANGS)
def test_write_ents(lang: str) -> None:
    text = "Thực hiện Nghị quyết số 25-NQ/TW và Chỉ thị số 16/CT-TTg."
    doc = make_nlp(lang, write_ents=True)(text)
    assert [(nfc(e.text).rstrip("."), e.label_) for e in doc.ents] == [
        ("Nghị quyết số 25-NQ/TW", "LEGAL_REF"),
        ("Chỉ thị số 16/CT-TTg", "LEGAL_REF"),
    ]
    assert [e._.legal["symbol"] for e in doc.ents] == ["25-NQ/TW", "16/CT-TTg"]


def test_no_ents_by_default() -> None:
    doc = make_nlp("xx")("Thực hiện Nghị quyết số 25-NQ/TW.")
    assert doc.ents == ()


def test_ent_label_none_uses_type() -> None:
    doc = make_nlp("xx", write_ents=True, ent_label=None)("Theo Luật số 80/2015/QH13.")
    assert [(e.text, e.label_) for e in doc.ents] == [("Luật số 80/2015/QH13", "Luật")]


def test_overlapping_citations_become_one_ent() -> None:
    doc = make_nlp("vi", write_ents=True)("25-NQ/TW,26-NQ/TW")
    assert len(spans_of(doc)) == 2
    assert [e.text for e in doc.ents] == ["25-NQ/TW,26-NQ/TW"]


@pytest.mark.parametrize(
    ("overwrite", "expected"),
    [
        (
            False,
            [("Căn cứ", "MISC"), ("Chỉ thị", "ORG"), ("Nghị định số 30/2020/NĐ-CP", "LEGAL_REF")],
        ),
        (
            True,
            [
                ("Căn cứ", "MISC"),
                ("Chỉ thị số 16/CT-TTg", "LEGAL_REF"),
                ("Nghị định số 30/2020/NĐ-CP", "LEGAL_REF"),
            ],
        ),
    ],
)
def test_existing_ents(overwrite: bool, expected: list[tuple[str, str]]) -> None:
    nlp = make_nlp("xx", write_ents=True, overwrite_ents=overwrite)
    doc = nlp.make_doc("Căn cứ Chỉ thị số 16/CT-TTg và Nghị định số 30/2020/NĐ-CP")
    doc.ents = [Span(doc, 0, 2, label="MISC"), Span(doc, 2, 4, label="ORG")]
    doc = component_of(nlp)(doc)
    assert [(e.text, e.label_) for e in doc.ents] == expected
    assert len(spans_of(doc)) == 2  # the span group always has every citation


# ---------------------------------------------------------------------------------------------
# Alignment failures: kept and warned about, never dropped, never raised


def test_unalignable_citation_is_kept_and_warned() -> None:
    nlp = make_nlp("xx")
    component = component_of(nlp)
    doc = nlp.make_doc("Luật số 1")
    good = Citation(start=0, end=4, text="Luật", type="Luật")
    blank_only = Citation(start=4, end=5, text=" ", type="Chỉ thị")  # a token's trailing space
    past_end = Citation(start=40, end=45, text="nowhere", type="Nghị định")
    with pytest.warns(CitationAlignmentWarning) as caught:
        component.set_annotations(doc, [good, blank_only, past_end])
    messages = [str(w.message) for w in caught]
    assert len(messages) == 2
    assert "' ' (Chỉ thị)" in messages[0]
    assert "'nowhere' (Nghị định)" in messages[1]
    assert [s.text for s in spans_of(doc)] == ["Luật"]
    assert doc._.legal_citations == [good, blank_only, past_end]


def test_errors_go_to_the_error_handler(monkeypatch: pytest.MonkeyPatch) -> None:
    def boom(text: str, *, file: str | None = None) -> list[Citation]:
        raise RuntimeError("boom")

    monkeypatch.setattr(component_module, "extract_citations", boom)
    nlp = make_nlp("xx")
    with pytest.raises(RuntimeError, match="boom"):
        nlp("Chỉ thị số 16/CT-TTg")
    seen: list[str] = []

    def handler(name: str, proc: Any, docs: list[Doc], error: Exception) -> None:
        seen.append(f"{name}: {error}")

    nlp.set_error_handler(cast(Any, handler))  # spaCy types handlers as NoReturn
    (doc,) = nlp.pipe(["Chỉ thị số 16/CT-TTg"])
    assert seen == [f"{FACTORY_NAME}: boom"]
    assert isinstance(doc, Doc)  # passed on unannotated, not replaced by None
    assert DEFAULT_SPANS_KEY not in doc.spans
    assert nlp("Chỉ thị số 16/CT-TTg")._.legal_citations == []


# ---------------------------------------------------------------------------------------------
# Registration, configuration, serialisation


def test_factory_name_after_import() -> None:
    nlp = blank("xx")
    component = nlp.add_pipe("vn_legal_citations")
    assert isinstance(component, LegalCitationComponent)
    assert nlp.pipe_names == ["vn_legal_citations"]
    assert nlp.get_pipe_config("vn_legal_citations") == {
        "factory": "vn_legal_citations",
        "spans_key": "legal_citations",
        "write_ents": False,
        "overwrite_ents": False,
        "ent_label": "LEGAL_REF",
    }
    assert "doc.spans" in nlp.get_pipe_meta("vn_legal_citations").assigns


def test_entry_point_declared() -> None:
    found = {ep.name: ep for ep in entry_points(group="spacy_factories")}
    assert "vn_legal_citations" in found
    assert found["vn_legal_citations"].value == "kg.spacy_component:make_citation_component"
    assert found["vn_legal_citations"].load() is make_citation_component


def test_entry_point_works_without_import() -> None:
    code = (
        "import sys, spacy\n"
        "nlp = spacy.blank('xx')\n"
        "nlp.add_pipe('vn_legal_citations')\n"
        "doc = nlp('Theo Luật số 80/2015/QH13.')\n"
        "print(doc.spans['legal_citations'][0].label_)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=False
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "Luật"


@pytest.mark.parametrize("lang", LANGS)
def test_to_disk_round_trip(lang: str, tmp_path: Path) -> None:
    nlp = make_nlp(lang, spans_key="refs", write_ents=True, ent_label=None)
    nlp.to_disk(tmp_path)
    loaded = spacy.load(tmp_path)
    assert loaded.pipe_names == [FACTORY_NAME]
    assert loaded.get_pipe_config(FACTORY_NAME) == nlp.get_pipe_config(FACTORY_NAME)
    component = loaded.get_pipe(FACTORY_NAME)
    assert isinstance(component, LegalCitationComponent)
    assert (component.spans_key, component.write_ents, component.ent_label) == ("refs", True, None)
    doc = loaded("Theo Luật số 80/2015/QH13.")
    assert [s.label_ for s in doc.spans["refs"]] == ["Luật"]
    assert [e.label_ for e in doc.ents] == ["Luật"]


def test_doc_serialisation_keeps_citations() -> None:
    nlp = make_nlp("xx")
    doc = nlp("Thực hiện Nghị quyết số 25-NQ/TW ngày 03/6/2013 và Chỉ thị số 16/CT-TTg.")
    again = Doc(nlp.vocab).from_bytes(doc.to_bytes())
    assert again._.legal_citations == doc._.legal_citations
    assert [s._.legal for s in spans_of(again)] == [s._.legal for s in spans_of(doc)]
    docbin = DocBin(store_user_data=True, docs=[doc])
    (restored,) = DocBin(store_user_data=True).from_bytes(docbin.to_bytes()).get_docs(nlp.vocab)
    assert restored._.legal_citations == doc._.legal_citations
    assert spans_of(restored)[0]._.legal["date"] == "2013-06-03"


@pytest.mark.parametrize(
    "config",
    [{"spans_key": ""}, {"ent_label": ""}],
)
def test_bad_config(config: dict[str, Any]) -> None:
    with pytest.raises(ValueError, match=r"\[kg\]"):
        make_nlp("xx", **config)


def test_register_extensions_is_idempotent_and_refuses_foreign() -> None:
    register_extensions()
    register_extensions()
    original = Doc.get_extension("legal_citations")
    assert original is not None
    Doc.remove_extension("legal_citations")
    try:
        Doc.set_extension("legal_citations", default=None)
        with pytest.raises(ValueError, match="already registered"):
            register_extensions()
    finally:
        Doc.remove_extension("legal_citations")
        register_extensions()
    assert make_nlp("xx")("Chỉ thị số 16/CT-TTg")._.legal_citations[0].symbol == "16/CT-TTg"


# ---------------------------------------------------------------------------------------------
# Offset mapping NFC -> original text


def test_offset_map_identity() -> None:
    offsets = OffsetMap("Luật số 80")
    assert offsets.identity
    assert (offsets.start(5), offsets.end(7)) == (5, 7)


@pytest.mark.parametrize(
    ("text", "nfc_span", "original_span"),
    [
        (unicodedata.normalize("NFD", "Số 80"), (3, 5), (5, 7)),
        (unicodedata.normalize("NFD", "Số 80"), (0, 2), (0, 4)),
        # U+0344 becomes two marks: an offset between them maps outwards, never inwards
        ("xa\u0344y", (2, 2), (1, 3)),
        ("Ho\u0301a 1", (0, 3), (0, 4)),  # mixed: only one letter decomposed
        ("\u1100\u1161\u11a8 1", (2, 3), (4, 5)),  # Hangul jamo compose into one syllable
    ],
)
def test_offset_map_cases(
    text: str, nfc_span: tuple[int, int], original_span: tuple[int, int]
) -> None:
    offsets = OffsetMap(text)
    assert (offsets.start(nfc_span[0]), offsets.end(nfc_span[1])) == original_span


_LETTERS = [
    *"aAeEoOuUyYiIdDqQđĐ 0/-",
    *"\u0300\u0301\u0303\u0309\u0323\u0302\u0306\u031b",  # Vietnamese tone and vowel marks
    *"\u1100\u1161\u11a8",  # Hangul jamo: starters that compose with each other
    "\u212b",  # ANGSTROM SIGN: NFC maps it to Å
    "\u0344",  # decomposes to two marks
]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_LETTERS), max_size=20).map("".join), st.data())
def test_offset_map_property(text: str, data: st.DataObject) -> None:
    offsets = OffsetMap(text)
    target = offsets.nfc
    a = data.draw(st.integers(0, len(target)))
    b = data.draw(st.integers(a, len(target)))
    start, end = offsets.start(a), offsets.end(b)
    assert 0 <= start <= end <= len(text)
    # the mapped slice never loses characters ...
    assert target[a:b] in nfc(text[start:end])

    # ... and is exact when both ends are on starters of the NFC text
    def on_starter(i: int) -> bool:
        return i == len(target) or unicodedata.combining(target[i]) == 0

    if on_starter(a) and on_starter(b) and a < b:
        assert nfc(text[start:end]) == target[a:b]


def test_long_nfd_document() -> None:
    base = "Thực hiện Nghị quyết số 25-NQ/TW ngày 03/6/2013 và Chỉ thị số 16/CT-TTg. "
    text = unicodedata.normalize("NFD", base * 300)
    doc = make_nlp("xx")(text)
    assert len(doc._.legal_citations) == len(extract_citations(text)) == 600
    assert len(spans_of(doc)) == 600
    assert all(nfc(s.text) == s._.legal["text"] for s in spans_of(doc))
