"""The lexicon's data files against their own examples, both ways.

Every example of a document type is found as a citation of that type; every example symbol of
a code parses to that code; every example of a body resolves to that body and to no other;
every example of a site notice is found as that notice, and none of its counterexamples.
The negative tables hold phrases close to an entry that must not be taken for it.
"""

from __future__ import annotations

import re

import pytest

from kg import extract_citations
from kg.extract import CitationFinder
from kg.lexicon import (
    LexiconError,
    SiteNotice,
    _load_site_notices,
    load_lexicon,
    load_site_notices,
)
from kg.normalize import fold_key
from kg.read import find_site_notices, strip_site_notices

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


# --- site notices (site_notices.toml) ------------------------------------------------------------

NOTICES = load_site_notices()
NOTICE_EXAMPLES = [
    pytest.param(n, ex, id=f"{n.site} {n.name} #{i + 1}")
    for n in NOTICES
    for i, ex in enumerate(n.examples)
]
NOTICE_COUNTEREXAMPLES = [
    pytest.param(n, ex, id=f"{n.site} {n.name} #{i + 1}")
    for n in NOTICES
    for i, ex in enumerate(n.counterexamples)
]


def _reads(text: str) -> str:
    """How the reader compares lines: markdown marks, spaces, case and tone placement aside."""
    return fold_key(re.sub(r"[*#]", " ", text))


@pytest.mark.parametrize(("notice", "text"), NOTICE_EXAMPLES)
def test_site_notice_example_is_recognised(notice: SiteNotice, text: str) -> None:
    """The block is found, from its start line to its end line, and the reader removes
    exactly those lines."""
    [block] = find_site_notices(text, [notice])
    lines = block.lines(text)
    assert _reads(" ".join(lines)).startswith(_reads(notice.start))
    assert _reads(" ".join(lines)).endswith(_reads(notice.end))
    assert len(lines) <= notice.max_lines
    stripped, removed = strip_site_notices(text)
    assert removed == "\n".join(lines)
    assert stripped == text[: block.start] + text[block.end :]


@pytest.mark.parametrize(("notice", "text"), NOTICE_COUNTEREXAMPLES)
def test_site_notice_counterexample_is_kept(notice: SiteNotice, text: str) -> None:
    assert find_site_notices(text, [notice]) == []
    assert strip_site_notices(text) == (text, "")  # and no other notice takes it either


GOOD_NOTICE = {
    "site": "example.vn",
    "name": "cookie banner",
    "start": "Trang này dùng cookie",
    "end": "Đồng ý và đóng",
    "max_lines": 10,
    "examples": ["Trang này dùng cookie\nĐồng ý và đóng"],
    "counterexamples": ["Đồng ý và đóng"],
}

# A change to a good entry, and what the error must say.
BAD_NOTICES = [
    ({"end": None}, "missing field 'end'"),
    ({"start": "** ##"}, "field 'start' must hold words"),
    ({"end": "TRANG NÀY  dùng **cookie**"}, "'start' and 'end' read alike"),
    ({"max_lines": "10"}, "field 'max_lines' must be int"),
    ({"max_lines": 1}, "'max_lines' must be a whole number from 2 to 500"),
    ({"max_lines": 5000}, "'max_lines' must be a whole number from 2 to 500"),
    ({"max_lines": True}, "'max_lines' must be a whole number"),
    ({"examples": []}, "needs at least one example and one counterexample"),
    ({"counterexamples": ["", "x"]}, "'counterexamples' must be a list of non-empty strings"),
    ({"max_line": 10}, "unknown field 'max_line'"),
]


@pytest.mark.parametrize(("change", "message"), BAD_NOTICES)
def test_bad_site_notice_is_refused_naming_file_and_entry(
    change: dict[str, object], message: str
) -> None:
    entry = {**GOOD_NOTICE, **change}
    entry = {k: v for k, v in entry.items() if v is not None}
    with pytest.raises(LexiconError) as caught:
        _load_site_notices({"notice": [GOOD_NOTICE, entry]})
    assert str(caught.value).startswith("site_notices.toml notice #2 (example.vn: cookie banner)")
    assert message in str(caught.value)


def test_site_notices_are_named_once() -> None:
    with pytest.raises(LexiconError, match="duplicate entry"):
        _load_site_notices({"notice": [GOOD_NOTICE, {**GOOD_NOTICE, "name": "Cookie  Banner"}]})
    assert _load_site_notices({"notice": [GOOD_NOTICE]})[0].max_lines == 10
