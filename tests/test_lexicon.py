"""The lexicon's data files against their own examples, both ways.

Every example of a document type is found as a citation of that type; every example symbol of
a code parses to that code; every example of a body resolves to that body and to no other.
The negative tables hold phrases close to an entry that must not be taken for it.
"""

from __future__ import annotations

import pytest

from kg import extract_citations
from kg.extract import CitationFinder
from kg.lexicon import load_lexicon

LEXICON = load_lexicon()
FINDER = CitationFinder(LEXICON)

TYPE_EXAMPLES = [(t.name, ex) for t in LEXICON.types for ex in t.examples]
CODE_EXAMPLES = [(c.code, ex) for c in LEXICON.codes for ex in c.examples]
BODY_EXAMPLES = [(b.name, ex) for b in LEXICON.bodies for ex in b.examples]


@pytest.mark.parametrize(("type_name", "example"), TYPE_EXAMPLES)
def test_type_example_is_found_as_that_type(type_name: str, example: str) -> None:
    found = extract_citations(example)
    assert found, f"nothing found in {example!r}"
    assert found[0].start == 0, "the citation starts at the type word"
    if LEXICON.type_by_name[type_name].generic:
        # "Văn bản số 538/BC-CP": a generic word names no type; the symbol decides.
        assert found[0].type != type_name
    else:
        assert found[0].type == type_name


@pytest.mark.parametrize(("code", "symbol"), CODE_EXAMPLES)
def test_code_example_parses_to_that_code(code: str, symbol: str) -> None:
    parsed = FINDER.parse_symbol(symbol)
    assert parsed is not None, symbol
    assert parsed.code_text == code
    assert parsed.canonical == symbol


@pytest.mark.parametrize(("body_name", "phrase"), BODY_EXAMPLES)
def test_body_example_is_read_as_the_issuer(body_name: str, phrase: str) -> None:
    """Read where the extractor reads it: after "của" following a citation."""
    (citation,) = extract_citations(f"Nghị quyết số 01-NQ/TU ngày 02/01/2020 của {phrase}")
    assert citation.issuer == body_name


# Phrases near a lexicon entry that name no body.
NOT_BODIES = [
    "Ban Chấp hành",
    "Ủy ban",
    "Trung ương Đoàn thanh niên",
    "Ban Tuyên giáo Trung ương Đảng Cộng sản Trung Quốc",
    "tỉnh Bình Phước",
]


@pytest.mark.parametrize("phrase", NOT_BODIES)
def test_near_miss_is_no_body(phrase: str) -> None:
    assert LEXICON.body_for(phrase) is None


# Type words followed by something that is not a document number.
NOT_TYPES = [
    "Chương trình 135 xã",
    "Nghị quyết 10 năm",
    "Kế hoạch năm 2021",
    "Quyết định 3 nội dung",
    "Thông báo 2 lần",
]


@pytest.mark.parametrize("phrase", NOT_TYPES)
def test_type_word_with_a_quantity_is_no_citation(phrase: str) -> None:
    assert extract_citations(phrase) == []


def test_every_code_names_a_known_type() -> None:
    names = {t.name for t in LEXICON.types}
    for code in LEXICON.codes:
        for regime in ("state", "party"):
            for type_name in code.types(regime):
                assert type_name in names, (code.code, type_name)


def test_slugs_are_unique_ascii() -> None:
    slugs = [t.slug for t in LEXICON.types]
    assert len(slugs) == len(set(slugs))
    assert all(s.isascii() and s == s.lower() for s in slugs)
