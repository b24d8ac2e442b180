"""Relations between documents, read from the sentences that cite them.

The stage takes a text (NFC, as every offset refers to it) and the citations found in it
(with ``doc_id`` set) and returns :class:`kg.models.Relation` objects with their evidence.  It
only reads sentences that hold a citation, with patterns compiled once per lexicon, so its cost
is small beside extraction.

The rules, all stated on the words of :mod:`kg.lexicon` (``cues.toml``: ``[relations.*]`` cue
words and ``[creation]`` verbs):

1. **Adjacent pair.**  In "Kết luận số 43-KL/TW ngày 07/01/2019 của Ban Bí thư về tiếp tục
   thực hiện Nghị quyết số 25-NQ/TW" the gap between two consecutive citations A and B holds
   A's tail (date, issuer, subject) and then a cue close before B: A *cue* B.  The gap must be
   short, stay in one clause, and the cue must hang on A (no third party's clause between them);
   "được" before the cue turns the edge round ("A được sửa đổi tại B": B amends A).
2. **Fronted cue.**  "Thực hiện Kế hoạch số 70-KH/..., Ban Dân vận ... xây dựng Kế hoạch
   123-KH/...": the citations named in the fronted phrase are objects; the first citation after
   it introduced by a creation verb is the subject.  Without one, the text itself (the source)
   implements the objects.
3. **Reviews.**  "Sơ kết 5 năm thực hiện Chỉ thị số 16-CT/TU" with no document subject: the
   source reviews the directive.
4. **The text's own document** (``self_doc``): "Căn cứ ..." clauses give ``based_on``;
   "Quyết định này thay thế ...", "Bãi bỏ ...", "... hết hiệu lực" give ``replaces``,
   ``repeals`` and the like.
5. No document relates to itself; a repeated (subject, relation, object) keeps its first
   evidence.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, cast

from kg.lexicon import Lexicon, load_lexicon
from kg.models import Citation, Evidence, Relation, RelationName
from kg.normalize import VIETNAMESE_LOWER, fold_key, tolerant_pattern

WINDOW = 400
"""Sentence ends are looked for this far around a span; a longer sentence is cut there."""

CUE_REACH = 150
"""Cues and creation verbs are only looked for this close to a citation of their sentence."""

SENTENCE_SIDE = 300
"""At most this many characters of a sentence are kept on each side of a span (evidence)."""

GAP_MAX = 160
"""Longest gap between two citations that one cue may join (A's tail plus the cue)."""

PASSIVE_GAP_MAX = 300
"""The same for a passive cue, after A's whole title: "A ..., được sửa đổi, bổ sung tại B"."""

LINK_MAX = 40
"""Longest text between a cue and the citation it governs ("các", "tinh thần", "quy định tại")."""

CREATION_LINK_MAX = 25
"""Longest text between a creation verb and the citation it introduces ("các văn bản:")."""

CREATION_LINK_WORDS = 3

LIST_TAIL_MAX = 150
"""Longest tail (date, issuer, subject) of one member of a list of citations."""

SELF_REACH = 80
"""Longest text between "<Quyết định> này" and the cue it is the subject of."""

SUBJECT_REACH = 400
"""How far after a fronted phrase the subject (a created document) is looked for."""

RELATION_NAMES: tuple[RelationName, ...] = (
    "implements", "follows_up", "reviews", "based_on", "amends", "replaces", "repeals", "guides",
)  # fmt: skip

IMPLEMENTING: frozenset[RelationName] = frozenset({"implements", "follows_up", "reviews"})
"""Relations a fronted phrase states ("Thực hiện ..., ... ban hành ...")."""

ACTED_ON: frozenset[RelationName] = frozenset({"amends", "replaces", "repeals"})
"""Relations whose cue reads as a participle before "bởi"/"tại" ("sửa đổi bởi B": B amends)."""

SELF_ACTS: frozenset[RelationName] = frozenset({"replaces", "repeals", "amends", "guides"})
"""Relations a text's own document states of another ("Quyết định này thay thế ...")."""

OBJECT_FIRST = frozenset({fold_key("hết hiệu lực")})
"""Cues said of the document *before* them ("Quyết định số 05 hết hiệu lực"): never read as
"A cue B", only as the text's own document repealing what precedes the cue."""

# Abbreviations whose period does not end a sentence: "TP. Hồ Chí Minh", "ThS. Nguyễn Văn A".
_ABBREVIATIONS = frozenset(
    fold_key(a)
    for a in ("TP", "Tp", "TX", "TT", "Q", "P", "ThS", "TS", "PGS", "GS", "BS", "KS", "CN",
              "Th.S", "v.v", "St", "Đ/c", "đ/c", "Mr", "No", "Tr", "tr", "Ths", "NXB")
)  # fmt: skip

# A sentence end: ".", "!", "?" or "…" runs, then white space and something that may begin a
# sentence (not a lower-case letter: "1.500", "03/6/2013" and "v.v. và" never split).  The run
# is written "[.!?…][.!?…]*", not "[.!?…]+": a pattern that starts with a character class lets
# the regex engine skip ahead to those characters (twice as fast as trying every position).
_END_RE = re.compile(
    r"[.!?…][.!?…]*[\"'”’)\]*]*(?=\s+[^\s" + re.escape(VIETNAMESE_LOWER) + r"]|\s*\Z)"
)
_WORD_BEFORE_RE = re.compile(r"(\S+)\Z")

# A clause's opening before a fronted cue: bullets, numbering and "để"/"nhằm".
_INTRO_RE = re.compile(
    r"[\s\-+•*–—>\"“'(|#]*(?:(?:\d{1,2}|[a-zđ]|[IVX]{1,4})[.)]\s*)?"
    r"(?:(?:để|nhằm|nhằm để|trên cơ sở|đồng thời|theo đó)\s*,?\s+)?\Z",
    re.IGNORECASE,
)
# A short adverbial before it: "Năm 2023, thực hiện ...", "Theo đó, triển khai ...".
_ADVERBIAL_RE = re.compile(r"[^,;:]{1,40},\s*(?:(?:để|nhằm)\s+)?\Z", re.IGNORECASE)
# The last "này" of a clause ("Quyết định này ... thay thế"): the text's own document.
_SELF_SUBJECT_RE = re.compile(
    r"(?<!\w)này(?!\w)(?!.*(?<!\w)này(?!\w))", re.IGNORECASE | re.DOTALL
)
_NOUN_USE_RE = re.compile(r"(?<!\w)(?:theo|và)\s*\Z", re.IGNORECASE)
_COMMA_PASSIVE_RE = re.compile(r",\s*(?:đã\s+)?được\s*\Z", re.IGNORECASE)
# "(sửa đổi, bổ sung tại B)", "sửa đổi bởi B": B is the agent.
_AGENT_RE = re.compile(r"\s*(?:bởi|tại)\s+(?:các\s+)?", re.IGNORECASE)
_PASSIVE_RE = re.compile(r"(?<!\w)(?:đã\s+)?được\s*\Z", re.IGNORECASE)
# A comma in A's tail may introduce more of the tail ("..., ngày 27/02/2020", "..., được").
_TAIL_COMMA_RE = re.compile(
    r",\s*(?=(?:ngày|của|được|đã được|do|tại|kèm theo)(?!\w))", re.IGNORECASE
)
_TITLE_START_RE = re.compile(r"(?<!\w)về(?!\w)|\(", re.IGNORECASE)
# Words that open another clause with its own subject ("; đồng thời, UBND ...").
_NEW_CLAUSE_RE = re.compile(
    r"(?<!\w)(?:đồng thời|sau đó|từ đó|qua đó|trong đó|bên cạnh đó|ngoài ra|tuy nhiên|nhưng"
    r"|song|và\s+việc|trong\s+quá\s+trình)(?!\w)",
    re.IGNORECASE,
)
# A cue that is part of a body's name: "Ban Chỉ đạo thực hiện ...".
_STEERING = (
    r"Ban\s+[Cc]hỉ\s+đạo(?:\s+(?!(?:tại|ở|trong|khi|đã|sẽ|đang|có|của|và|về)(?!\w))\w+){0,3}"
)
_BODY_NAME_RE = re.compile(rf"(?:{_STEERING}|Tổ\s+công\s+tác|Ban)\s*\Z")
# "Ban Chỉ đạo Trung ương về tổng kết ...": a reviews cue inside a body's name.
_STEERING_RE = re.compile(rf"{_STEERING}(?:\s+về)?\s*\Z")
_LIST_JOINT_RE = re.compile(
    r"(?:,|(?<!\w)(?:và|hoặc|cùng|với)(?!\w))\s*(?:(?:các|những)\s+)?\Z", re.IGNORECASE
)
_CUE_JOINT_RE = re.compile(r"\s*,?\s*(?:(?:và|,)\s*)?", re.IGNORECASE)
_COORDINATED_RE = re.compile(r"(?<!\w)(?:và|hoặc)\s*\Z", re.IGNORECASE)
_LEADING_DATE_COMMA_RE = re.compile(r"\s*,\s*(?=ngày(?!\w))", re.IGNORECASE)
_CLAUSE_PUNCT = re.compile(r"[,;:!?]")
_LINK_PUNCT = re.compile(r"[,;:!?)\]]|\.(?!\d)")
_CREATION_LINK_PUNCT = re.compile(r"[,;!?()]|\.(?!\d)")


# --------------------------------------------------------------------------- sentences


_SPACES = " \t\r\f\v\u00a0"
_LOWER_START = "[0-9" + re.escape(VIETNAMESE_LOWER) + "]"
# A line with something on it, from the line break before it to its first visible character;
# the group holds that character when the line goes on in lower case (or with a digit).
_LINE_START_RE = re.compile(f"\n[{_SPACES}*_|]*(?:({_LOWER_START})|[^\\s*_|])")
_CLOSERS = "*\"'”’)]_ \t"
# A line break after a letter, digit or comma, before a line that starts no new item.  Each
# pattern begins with the newline itself, so the regex engine can skip to it.
_LINE_GOES = r"(?:(?<=[\w,(/-]\n)|(?<=[\w,(/-][ \t]\n))[ \t]*"
_NEW_ITEM = r"(?![-+•–—]\s|\d{1,2}[.)]\s|[a-zđ][)]\s|Điều\s+\d|[|#\s])"
_ENDS_LINE_RE = re.compile("\n(?!" + _LINE_GOES + _NEW_ITEM + f"{_LOWER_START})")
"""A line break that ends a sentence: all but those before a line going on in lower case."""
_ENDS_WRAPPED_LINE_RE = re.compile(
    "\n(?:(?!" + _LINE_GOES + _NEW_ITEM + f")|(?<=[^{re.escape(VIETNAMESE_LOWER)}]{{20}}\n))"
)
"""A line break that ends a sentence in a hard-wrapped text: before a new item, or after a
heading (no lower-case letter in the last 20 characters: "QUYẾT ĐỊNH")."""
WRAP_SAMPLE = 20_000
"""How much of a text is read to tell whether it is hard-wrapped."""


@lru_cache(maxsize=16)
@lru_cache(maxsize=2)  # asked once per citation of the same text (str hashes are cached)
def _is_hard_wrapped(text: str) -> bool:
    """Whether many line breaks of ``text`` fall inside sentences, as in official documents
    copied from web pages ("... ngày\n21 tháng 01 năm 2015")."""
    starts = _LINE_START_RE.findall(text, 0, WRAP_SAMPLE)  # one pass for both counts
    lines = len(starts)
    return lines >= 5 and lines - starts.count("") >= 0.2 * lines


def _sentence_ends(text: str, lo: int, hi: int) -> list[int]:
    """Offsets in ``[lo, hi]`` where a sentence of ``text`` ends (after its terminator).

    A period, "!", "?" or "…" followed by a space and a non-lower-case character ends a
    sentence, except after an abbreviation ("TP.") or a single initial.  A blank line always
    ends one; a single newline does too unless the line visibly goes on: it ends in a letter,
    digit or comma and the next line begins in lower case, or the whole text is hard-wrapped
    and the line is no heading and the next starts no new item.  ``lo`` and ``hi`` count as
    ends, so a sentence never runs past the window.
    """
    ends = [lo]
    for m in _END_RE.finditer(text, lo, hi):
        if m.group().startswith(".") and len(m.group().rstrip(_CLOSERS)) == 1:
            word = _WORD_BEFORE_RE.search(text, max(0, m.start() - 12), m.start())
            if word is not None:
                token = word.group(1).lstrip("(\"“'")
                if fold_key(token) in _ABBREVIATIONS or (len(token) == 1 and token.isupper()):
                    continue
        ends.append(m.end())
    line_end = _ENDS_WRAPPED_LINE_RE if _is_hard_wrapped(text) else _ENDS_LINE_RE
    ends.extend(m.start() for m in line_end.finditer(text, lo, hi))
    ends.append(hi)
    return sorted(set(ends))


def _span_in(text: str, ends: Sequence[int], start: int, end: int) -> tuple[int, int]:
    """The sentence(s) around ``[start, end)`` between the given ends, without surrounding
    white space."""
    i = bisect_right(ends, start)
    s = ends[i - 1] if i > 0 else 0
    j = bisect_left(ends, max(end, start + 1))
    e = ends[j] if j < len(ends) else len(text)
    while s < e and text[s].isspace():
        s += 1
    while e > s and text[e - 1].isspace():
        e -= 1
    return min(s, start), max(e, end)


def _window_ends(text: str, start: int, end: int) -> list[int]:
    return _sentence_ends(text, max(0, start - WINDOW), min(len(text), end + WINDOW))


def _capped(text: str, s: int, e: int, start: int, end: int) -> tuple[int, int]:
    """Sentence ``[s, e)`` cut to the ";"-clauses around ``[start, end)`` when it is long, and
    then to :data:`SENTENCE_SIDE` characters on each side."""
    if (start - s) + (e - end) <= 2 * SENTENCE_SIDE:
        return s, e
    semi = text.rfind(";", s, start)
    if semi >= 0:
        s = semi + 1
    semi = text.find(";", end, e)
    if semi >= 0:
        e = semi + 1
    if start - s > SENTENCE_SIDE:
        cut = start - SENTENCE_SIDE
        space = text.find(" ", cut, start)
        s = space + 1 if space >= 0 else cut
    if e - end > SENTENCE_SIDE:
        cut = end + SENTENCE_SIDE
        space = text.rfind(" ", end, cut)
        e = space if space > end else cut
    while s < start and text[s].isspace():
        s += 1
    return s, e


def sentence_span(text: str, start: int, end: int) -> tuple[int, int]:
    """The sentence around the span ``[start, end)`` of ``text``, as offsets.

    Sentences end at ".", "!", "?" and hard line breaks, not inside numbers, dates or
    abbreviations ("1.500", "03/6/2013", "TP. Hồ Chí Minh").  A very long sentence is cut to
    the ";"-clauses around the span, and then to :data:`SENTENCE_SIDE` characters on each side.

    >>> text = "Đã ban hành Kế hoạch số 5/KH-UBND. Tổng kết 1.500 hộ tại TP. Huế."
    >>> text[slice(*sentence_span(text, 44, 49))]
    'Tổng kết 1.500 hộ tại TP. Huế.'
    """
    s, e = _span_in(text, _window_ends(text, start, end), start, end)
    return _capped(text, s, e, start, end)


def sentence_text(text: str, start: int, end: int) -> str:
    """The sentence around ``[start, end)`` with its white space collapsed to single spaces."""
    s, e = sentence_span(text, start, end)
    return " ".join(text[s:e].split())


def window_ends(text: str, spans: Sequence[tuple[int, int]]) -> list[int]:
    """Sentence ends in :data:`WINDOW`-wide windows around ``spans`` (sorted by start), the
    windows that overlap merged into one: what the sentences of all the spans need, found in
    one pass instead of one per span, and never in the whole text."""
    windows: list[list[int]] = []
    for start, end in spans:
        lo, hi = max(0, start - WINDOW), min(len(text), end + WINDOW)
        if windows and lo <= windows[-1][1]:
            windows[-1][1] = max(windows[-1][1], hi)
        else:
            windows.append([lo, hi])
    ends: list[int] = []
    for lo, hi in windows:
        ends.extend(_sentence_ends(text, lo, hi))
    return ends


def sentence_texts(
    text: str, spans: Sequence[tuple[int, int]], ends: list[int] | None = None
) -> list[str]:
    """The sentence around each span (sorted by start), as :func:`sentence_text` gives it, but
    with the sentence ends of neighbouring spans found once (or given: :func:`window_ends`): a
    sentence is cut only where the windows of all spans end, as relation evidence is
    (:func:`find_relations`)."""
    ends = window_ends(text, spans) if ends is None else ends
    out: list[str] = []
    for start, end in spans:
        s, e = _span_in(text, ends, start, end)
        s, e = _capped(text, s, e, start, end)
        out.append(" ".join(text[s:e].split()))
    return out


# --------------------------------------------------------------------------- cues


@dataclass(frozen=True, slots=True)
class _Cue:
    start: int
    end: int
    relation: RelationName
    key: str  # the folded lexicon word (the last one of merged cues; "" for "sơ kết ... thực hiện")


@dataclass(frozen=True, slots=True)
class _Compiled:
    words: re.Pattern[str]  # every relation cue and creation verb, longest phrase first
    relation_of: dict[str, RelationName]  # by folded cue
    creation: frozenset[str]  # folded creation verbs
    named_before: re.Pattern[str]  # a document right before a cue: "Luật sửa đổi ..."
    other_document: re.Pattern[str]  # "và các văn bản", "và Kế hoạch": another document
    named_paren: re.Pattern[str]  # a document with a number right before a parenthesis


def _first_letters(words: Iterable[str]) -> str:
    """A character class of the letters the words begin with, in both cases (a cheap
    look-ahead that spares trying every alternative at every position)."""
    letters: set[str] = set()
    for word in words:
        first = word[:1]
        letters |= {first.lower(), first.upper()}
        if first.lower() == "đ":
            letters |= set("ðÐɖƉ")
    return "[" + re.escape("".join(sorted(letters))) + "]"


@lru_cache(maxsize=1)
def _bmp() -> str:
    """Every character of the Basic Multilingual Plane but the surrogates."""
    return "".join(map(chr, range(0xD800))) + "".join(map(chr, range(0xE000, 0x10000)))


@lru_cache(maxsize=64)
def _case_variants(piece: str) -> str:
    """Exactly the characters that ``piece`` (a character or a class) matches when case is
    ignored, as the regex engine itself finds them: "k" gives "K", "k" and the Kelvin sign, "s"
    gives "S", "s" and the long s "ſ".  No character outside the Basic Multilingual Plane is a
    case variant of a Vietnamese letter (tests/test_triggers.py checks it)."""
    return "".join(re.findall(f"(?i:{piece})", _bmp()))


_Tree = dict[str, Any]
"""Phrases as a tree of their words; the key "" marks the end of a phrase."""


def _word_tree(phrases: Iterable[str]) -> _Tree:
    tree: _Tree = {}
    for phrase in phrases:
        node = tree
        for word in phrase.split():
            node = node.setdefault(word, {})
        node[""] = {}
    return tree


def _branches(node: _Tree) -> list[tuple[str, str]]:
    """Each word of ``node`` with the pattern of what may follow it, longest word first."""
    return [
        (word, _rest(child))
        for word, child in sorted(node.items(), key=lambda kv: -len(kv[0]))
        if word
    ]


def _rest(node: _Tree) -> str:
    if set(node) <= {""}:
        return ""
    alts = "|".join(tolerant_pattern(word) + rest for word, rest in _branches(node))
    return rf"(?:\s+(?:{alts}))" + ("?" if "" in node else "")


def _plain_alternation(words: list[str]) -> str:
    """:func:`_alternation` in its plain form, starting with look-arounds."""
    alts = "|".join(tolerant_pattern(word) + rest for word, rest in _branches(_word_tree(words)))
    return rf"(?i:(?<!\w)(?={_first_letters(words)})(?:{alts})(?!\w))"


def _alternation(words: Iterable[str]) -> str:
    """One pattern matching any of ``words`` (tolerant of tone placement, case and spacing),
    built as a tree of their words so the engine tries few branches at each position, and
    preferring the longest phrase ("tiếp tục thực hiện" before "thực hiện").  Compile it
    without ``re.IGNORECASE``: it says itself where case is ignored.

    It matches what :func:`_plain_alternation` matches, but starts with a case-sensitive class
    of every case variant of the words' first letters, outside any look-around: only then can
    the regex engine skip ahead to those letters (a case-insensitive or look-behind start makes
    it try every position, twice as slow).  The word-start look-behind comes after that letter,
    and each top word after a look-behind at its first letter.
    """
    words = list(words)
    # Top words by their first letter's pattern, in the order the plain form tries them.
    by_first: dict[str, list[str]] = {}
    for word, rest in _branches(_word_tree(words)):
        first, pattern = tolerant_pattern(word[:1]), tolerant_pattern(word)
        if not pattern.startswith(first):
            # A two-letter word with either tone placement ("(?:uỷ|ủy)") has no first letter.
            return _plain_alternation(words)
        by_first.setdefault(first, []).append(pattern[len(first) :] + rest)
    letters = "".join(_case_variants(first) for first in by_first)
    if not letters or len(set(letters)) != len(letters):
        # Two first letters with a case variant in common: their words would have to be tried
        # in one branch, in the plain form's order.
        return _plain_alternation(words)
    alts = "|".join(
        rf"(?<=[{re.escape(_case_variants(first))}])(?i:{'|'.join(tails)})"
        for first, tails in by_first.items()
    )
    return rf"[{re.escape(letters)}](?<!\w.)(?:{alts})(?!\w)"


@lru_cache(maxsize=8)
def _compiled(lexicon: Lexicon) -> _Compiled:
    """The cue patterns of a lexicon, longest phrase first (cached per lexicon object)."""
    table = lexicon.cues.get("relations", {})
    relation_of: dict[str, RelationName] = {}
    for name in RELATION_NAMES:
        for word in table.get(name, {}).get("words", []):
            relation_of.setdefault(fold_key(word), name)
    creation_words = lexicon.cues.get("creation", {}).get("words", [])
    creation = frozenset(fold_key(w) for w in creation_words) - set(relation_of)
    words = re.compile(_alternation([*relation_of, *creation]))
    type_words = sorted({w for t in lexicon.types for w in t.words}, key=lambda w: (-len(w), w))
    types = "(?:" + "|".join(tolerant_pattern(w) for w in type_words) + ")"
    return _Compiled(
        words=words,
        relation_of=relation_of,
        creation=creation,
        named_before=re.compile(
            rf"(?<!\w){types}(?:\s+(?:của|do)\s+[^,;()]{{1,50}}?)?\s*\Z", re.IGNORECASE
        ),
        named_paren=re.compile(rf"(?<!\w){types}\s[^,;()]{{0,40}}\d[^,;()]*\Z", re.IGNORECASE),
        other_document=re.compile(
            rf"(?<!\w)(?:và|hoặc)\s+(?:(?:các|những)\s+)?{types}(?!\w)", re.IGNORECASE
        ),
    )


# --------------------------------------------------------------------------- the finder


@dataclass(slots=True)
class _Sentence:
    start: int
    end: int
    first: int  # index of the sentence's first citation in the text's citations
    cits: list[Citation]
    cues: list[_Cue]
    creations: list[tuple[int, int]]


class _Finder:
    """The rules applied to one text."""

    def __init__(
        self,
        text: str,
        citations: Sequence[Citation],
        compiled: _Compiled,
        *,
        file: str,
        source_key: str,
        self_doc: str | None,
        ends: list[int] | None = None,
    ) -> None:
        self.text = text
        self.cits = sorted((c for c in citations if c.doc_id), key=lambda c: (c.start, c.end))
        self.starts = [c.start for c in self.cits]
        self.compiled = compiled
        self.file = file
        self.source_key = source_key
        self.self_doc = self_doc
        self.ends = ends if ends is not None else self._ends()
        self.out: list[Relation] = []

    # ---------------------------------------------------------------- helpers

    def _ends(self) -> list[int]:
        """Sentence ends in windows around the citations (never the whole text)."""
        return window_ends(self.text, [(c.start, c.end) for c in self.cits])

    def _span(self, start: int, end: int) -> tuple[int, int]:
        return _span_in(self.text, self.ends, start, end)

    def _scan(self, start: int, end: int) -> tuple[list[_Cue], list[tuple[int, int]]]:
        """Relation cues and creation verbs in ``[start, end)``, in one pass; a reviews cue a
        few words before an implementing one makes one cue ("sơ kết 5 năm thực hiện")."""
        cues: list[_Cue] = []
        creations: list[tuple[int, int]] = []
        relation_of = self.compiled.relation_of
        for m in self.compiled.words.finditer(self.text, start, end):
            key = fold_key(m.group())
            relation = relation_of.get(key)
            if relation is None:
                if key in self.compiled.creation:
                    creations.append(m.span())
                continue
            prev = cues[-1] if cues else None
            if prev is not None:
                between = self.text[prev.end : m.start()]
                if prev.relation == relation and _CUE_JOINT_RE.fullmatch(between):
                    # "sửa đổi bổ sung", "quán triệt, triển khai thực hiện": one cue.
                    cues[-1] = _Cue(prev.start, m.end(), relation, key)
                    continue
                if (
                    prev.relation == "reviews"
                    and relation in ("implements", "follows_up")
                    and len(between.split()) <= 4
                    and not _CLAUSE_PUNCT.search(between)
                ):
                    cues[-1] = _Cue(prev.start, m.end(), "reviews", "")
                    continue
            cues.append(_Cue(m.start(), m.end(), relation, key))
        return cues, creations

    def _crosses_sentence(self, start: int, end: int) -> bool:
        """Whether a sentence ends inside ``(start, end]``."""
        i = bisect_right(self.ends, start)
        return i < len(self.ends) and self.ends[i] <= end

    def _link_ok(self, start: int, end: int, sent: _Sentence) -> bool:
        """Whether ``text[start:end]`` may stand between a cue and the citation it governs."""
        link = self.text[start:end]
        if len(link) > LINK_MAX or _LINK_PUNCT.search(link):
            return False
        return not any(start <= s < end for s, _ in sent.creations)

    def _introduced(self, cit: Citation, sent: _Sentence, after: int) -> bool:
        """Whether a creation verb (starting at or after ``after``) introduces ``cit``."""
        for s, e in reversed(sent.creations):
            if e > cit.start:
                continue
            if s < after:
                return False
            link = self.text[e : cit.start]
            words = link.split()
            if len(link) > CREATION_LINK_MAX or len(words) > CREATION_LINK_WORDS:
                return False
            if _CREATION_LINK_PUNCT.search(link) or any(e <= c.start < cit.start
                                                        for c in sent.cues):
                return False
            # A one-word verb ("có") must stand right before the citation.
            return not (len(self.text[s:e].split()) == 1 and words)
        return False

    def _list_after(self, index: int, limit: int) -> list[int]:
        """``index`` and the citations joined to it as a list ("X ngày ..., Y và Z")."""
        out = [index]
        j = index
        while j + 1 < len(self.cits) and self.cits[j + 1].start < limit:
            a, b = self.cits[j], self.cits[j + 1]
            if not self._list_joint(a.end, b.start):
                break
            j += 1
            out.append(j)
        return out

    def _list_joint(self, start: int, end: int) -> bool:
        between = self.text[start:end]
        if start >= end or not between.strip():
            return True
        if len(between) > LIST_TAIL_MAX or ";" in between or self._crosses_sentence(start, end):
            return False
        lead = _LEADING_DATE_COMMA_RE.match(between)
        if lead is not None:
            between = between[lead.end() :]
            start += lead.end()
        joint = _LIST_JOINT_RE.search(between)
        if joint is None:
            return False
        tail = between[: joint.start()]
        if _CLAUSE_PUNCT.search(tail) or re.search(r"\.(?!\d)", tail):
            return False
        tail_end = start + joint.start()
        return self.compiled.words.search(self.text, start, tail_end) is None

    def _index_at_or_after(self, pos: int) -> int:
        return bisect_left(self.starts, pos)

    def _emit(
        self,
        subject: str,
        obj: Citation,
        relation: RelationName,
        cue: _Cue,
        *,
        other: Citation | None = None,
        subject_is_source: bool = False,
    ) -> None:
        """Record ``subject relation obj``; the evidence covers ``obj`` and ``other``."""
        if obj.doc_id is None or subject == obj.doc_id:
            return
        if subject_is_source and obj.doc_id == self.self_doc:
            return  # the text is that document
        start, end = obj.start, obj.end
        if other is not None:
            start, end = min(start, other.start), max(end, other.end)
        s, e = _capped(self.text, *self._span(start, end), start, end)
        evidence = Evidence(
            file=self.file, start=start, end=end, sentence=" ".join(self.text[s:e].split())
        )
        cue_text = " ".join(self.text[cue.start : cue.end].split())
        self.out.append(
            Relation(subject=subject, object=obj.doc_id, relation=relation, evidence=evidence,
                     cue=cue_text, subject_is_source=subject_is_source)
        )  # fmt: skip

    def _clause_start(self, sent: _Sentence, pos: int) -> int:
        """Where the clause holding ``pos`` begins: after the last ";" or ":" before it."""
        return max(
            sent.start,
            self.text.rfind(";", sent.start, pos) + 1,
            self.text.rfind(":", sent.start, pos) + 1,
        )

    def _clause_end(self, sent: _Sentence, pos: int) -> int:
        semi = self.text.find(";", pos, sent.end)
        return semi if semi >= 0 else sent.end

    def _is_fronted(self, sent: _Sentence, cue: _Cue, adverbial: bool = True) -> bool:
        """Whether ``cue`` opens its clause (after bullets, "Để", or a short adverbial)."""
        start = self._clause_start(sent, cue.start)
        before = self.text[start : cue.start]
        if _INTRO_RE.match(before):
            return True
        if not adverbial or not _ADVERBIAL_RE.fullmatch(before):
            return False
        return not any(start <= c.start < cue.start for c in sent.cits)

    def _objects_after(self, cue: _Cue, sent: _Sentence, limit: int) -> list[Citation]:
        """The citation a cue governs and those joined to it in a list."""
        i = self._index_at_or_after(cue.end)
        if i >= len(self.cits) or self.cits[i].start >= limit:
            return []
        if not self._link_ok(cue.end, self.cits[i].start, sent):
            return []
        if any(cue.end <= c.start < self.cits[i].start for c in sent.cues):
            return []  # "Thực hiện theo quy định tại X": the last cue governs X
        return [self.cits[j] for j in self._list_after(i, limit)]

    # ---------------------------------------------------------------- the rules

    def run(self) -> list[Relation]:
        for sent in self._sentences():
            used = self._adjacent_pairs(sent)
            if self.self_doc is not None:
                self._own_document(sent, used)
            self._fronted(sent, used)
        return _dedupe(self.out)

    def _sentence(self, start: int, end: int) -> _Sentence:
        """The sentence ``[start, end)`` with its citations, and the cues and creation verbs
        near them (no cue further than :data:`CUE_REACH` from a citation is ever read)."""
        lo, hi = self._index_at_or_after(start), self._index_at_or_after(end)
        cits = self.cits[lo:hi]
        if not cits:
            return _Sentence(start, end, lo, cits, [], [])
        a = max(start, cits[0].start - CUE_REACH)
        b = min(end, max(c.end for c in cits) + CUE_REACH)
        return _Sentence(start, end, lo, cits, *self._scan(a, b))

    def _sentences(self) -> Iterable[_Sentence]:
        """The sentences that hold a citation, each once, in text order."""
        i = 0
        while i < len(self.cits):
            s, e = self._span(self.cits[i].start, self.cits[i].end)
            s = min(s, self.cits[i].start)
            j = i
            while j < len(self.cits) and self.cits[j].start < e:
                e = max(e, self.cits[j].end)
                j += 1
            yield self._sentence(s, e)
            i = j

    def _adjacent_pairs(self, sent: _Sentence) -> set[int]:
        """Rule 1: "A <tail> <cue> <link> B".  Returns the starts of the cues used."""
        used: set[int] = set()
        for k in range(len(sent.cits) - 1):
            a, b = sent.cits[k], sent.cits[k + 1]
            if a.doc_id is None or a.doc_id == b.doc_id or b.start < a.end:
                continue
            if b.start - a.end > PASSIVE_GAP_MAX or ";" in self.text[a.end : b.start]:
                continue
            if self._crosses_sentence(a.end, b.start):
                continue
            cues = [c for c in sent.cues if a.end <= c.start and c.end <= b.start]
            if not cues:
                continue
            cue = cues[-1]
            if cue.key in OBJECT_FIRST or not self._link_ok(cue.end, b.start, sent):
                continue
            if _COORDINATED_RE.search(self.text, cue.end, b.start):
                continue  # "A hướng dẫn Luật X và B": B is not what the cue governs
            if _NOUN_USE_RE.search(self.text, a.end, cue.start):
                continue  # "A ... theo hướng dẫn tại B", "A và hướng dẫn tại B": a noun
            # "A được sửa đổi bởi B", "A (sửa đổi, bổ sung tại B)": B acts on A.
            agent = _AGENT_RE.fullmatch(self.text, cue.end, b.start) is not None
            if agent and cue.relation not in ACTED_ON:
                continue
            passive = agent or _PASSIVE_RE.search(self.text, a.end, cue.start) is not None
            if not self._hangs_on(a.end, cue.start, sent, passive=passive):
                continue
            if passive and not self._parenthesis_on(a.end, cue.start):
                continue
            if b.start - a.end > GAP_MAX and not passive:
                continue
            index = sent.first + k + 1
            if passive:
                comma = _COMMA_PASSIVE_RE.search(self.text, a.end, cue.start) is not None
                head = self._amended(sent, a, b, comma=comma)
                for j in self._list_after(index, sent.end):
                    obj = self.cits[j]
                    if obj.doc_id is not None:
                        self._emit(obj.doc_id, head, cue.relation, cue, other=obj)
            else:
                for j in self._list_after(index, sent.end):
                    obj = self.cits[j]
                    if j > index and obj.type == a.type != b.type:
                        break  # "A về ... B của ... và A' ...": A' stands beside A
                    self._emit(a.doc_id, obj, cue.relation, cue, other=a)
            used.add(cue.start)
        return used

    def _amended(self, sent: _Sentence, a: Citation, b: Citation, *, comma: bool) -> Citation:
        """Which document "được sửa đổi ... B" is said of: after a comma, the head of the
        clause ("Nghị định X quy định chi tiết Luật Y, được sửa đổi tại Nghị định Z" is X);
        else the nearest citation of B's type and issuer, since a document is amended by one
        of its own kind ("Nghị quyết 03/NQ-CP ... thực hiện Nghị quyết 57-NQ/TW ... được sửa
        đổi tại Nghị quyết 71/NQ-CP" is 03/NQ-CP), or failing that of B's type, or A."""
        clause = self._clause_start(sent, a.start)
        before = [c for c in sent.cits if clause <= c.start and c.end <= a.end]
        if comma and before:
            return before[0]
        same = [c for c in before if c.type == b.type]
        kin = [c for c in same if set(c.issuer_codes) & set(b.issuer_codes)]
        return (kin or same or [a])[-1]

    def _parenthesis_on(self, start: int, cue_start: int) -> bool:
        """Whether a passive cue in parentheses ("A ... (sửa đổi, bổ sung tại B)") may be said
        of A: not when another document is named right before the parenthesis ("A sửa đổi
        Luật Thuế GTGT 13/2008/QH12 (được sửa đổi tại B)")."""
        paren = self.text.rfind("(", start, cue_start)
        return paren < 0 or self.compiled.named_paren.search(self.text, start, paren) is None

    def _hangs_on(
        self, start: int, cue_start: int, sent: _Sentence, *, passive: bool = False
    ) -> bool:
        """Whether the text between citation A's end and a cue is A's own tail.

        A comma may only go on with the tail (", ngày ...", ", được ...") or fall inside the
        subject after "về" or "(" (any comma for a passive cue, which is said of the head of
        its clause).  A creation verb, a word opening a new clause ("đồng thời", "trong đó")
        or another document ("và các văn bản") means the cue belongs to someone else.
        """
        pre = self.text[start:cue_start]
        if _NEW_CLAUSE_RE.search(pre) or _BODY_NAME_RE.search(pre):
            return False
        # "... và các văn bản hướng dẫn", "... Luật sửa đổi": the cue is another document's.
        if self.compiled.other_document.search(pre) or self.compiled.named_before.search(pre):
            return False
        if any(start <= s < cue_start for s, _ in sent.creations):
            return False
        if passive:
            return True
        title = _TITLE_START_RE.search(pre)
        limit = title.start() if title is not None else len(pre)
        return all(
            _TAIL_COMMA_RE.match(pre, comma.start()) for comma in re.finditer(",", pre[:limit])
        )

    def _own_document(self, sent: _Sentence, used: set[int]) -> None:
        """Rule 4: "Căn cứ ...", "Quyết định này thay thế ...", "Bãi bỏ ..."."""
        own = cast(str, self.self_doc)
        for cue in sent.cues:
            if cue.start in used:
                continue
            clause_start = self._clause_start(sent, cue.start)
            clause_end = self._clause_end(sent, cue.end)
            if cue.relation == "based_on":
                if self._is_fronted(sent, cue, adverbial=False):
                    for c in sent.cits:
                        if cue.end <= c.start < clause_end:
                            self._emit(own, c, "based_on", cue)
            elif cue.key in OBJECT_FIRST:
                for c in sent.cits:
                    if clause_start <= c.start and c.end <= cue.start:
                        self._emit(own, c, "repeals", cue)
            elif cue.relation in SELF_ACTS and self._own_act(sent, clause_start, cue):
                for c in self._objects_after(cue, sent, clause_end):
                    self._emit(own, c, cue.relation, cue)

    def _own_act(self, sent: _Sentence, clause_start: int, cue: _Cue) -> bool:
        """Whether the text's own document is who acts in ``cue``: the clause opens with the
        cue ("Bãi bỏ ...") or names "... này" shortly before it ("Quyết định này thay thế")."""
        before = self.text[clause_start : cue.start]
        prior = [c for c in sent.cits if clause_start <= c.start < cue.start]
        if not prior and _INTRO_RE.match(before):
            return True
        this = _SELF_SUBJECT_RE.search(before)
        if this is None or len(before) - this.start() > SELF_REACH:
            return False
        at = clause_start + this.start()
        return not any(c.start > at for c in prior) and _PASSIVE_RE.search(before) is None

    def _fronted(self, sent: _Sentence, used: set[int]) -> None:
        """Rules 2 and 3: a fronted "Thực hiện X, ... ban hành Y", and "Sơ kết ... X"."""
        for cue in sent.cues:
            if cue.start in used or cue.relation not in IMPLEMENTING:
                continue
            fronted = self._is_fronted(sent, cue)
            if not fronted and (
                cue.relation != "reviews"
                or _STEERING_RE.search(self.text, max(sent.start, cue.start - 60), cue.start)
            ):
                continue  # only a reviews cue may stand inside its clause, not in a name
            clause_end = self._clause_end(sent, cue.end)
            objects = self._objects_after(cue, sent, clause_end)
            if not objects:
                continue
            subjects: list[Citation] = []
            if fronted:
                subjects = self._created_after(sent, objects[-1].end, clause_end)
            for obj in objects:
                if not subjects:
                    self._emit(self.source_key, obj, cue.relation, cue, subject_is_source=True)
                for subj in subjects:
                    if subj.doc_id is not None:
                        self._emit(subj.doc_id, obj, cue.relation, cue, other=subj)

    def _created_after(self, sent: _Sentence, pos: int, clause_end: int) -> list[Citation]:
        """The documents made after a fronted phrase ending at ``pos``: the first citation
        introduced by a creation verb in its clause, or, when the fronted phrase is a fragment
        ending in a period ("Thực hiện Kế hoạch số 70 ... của Ban Dân vận. Ban Dân vận ... xây
        dựng Kế hoạch 123 ..."), in the next sentence."""
        found = self._first_created(sent, pos, min(clause_end, pos + SUBJECT_REACH))
        if found or clause_end < sent.end:
            return found
        rest = self.text[pos : sent.end]
        lead = _LEADING_DATE_COMMA_RE.match(rest)
        if lead is not None:
            rest = rest[lead.end() :]
        if _CLAUSE_PUNCT.search(rest) or not rest.rstrip().endswith("."):
            return []
        if "\n" in self.text[sent.end : sent.end + 3]:
            return []
        s, e = self._span(sent.end + 1, sent.end + 1)
        if s <= sent.end:
            return []
        nxt = self._sentence(s, e)
        if nxt.cues and self._is_fronted(nxt, nxt.cues[0]):
            return []
        return self._first_created(nxt, s, min(self._clause_end(nxt, s), s + SUBJECT_REACH))

    def _first_created(self, sent: _Sentence, pos: int, limit: int) -> list[Citation]:
        for k, c in enumerate(sent.cits):
            if pos <= c.start < limit and self._introduced(c, sent, pos):
                return [self.cits[j] for j in self._list_after(sent.first + k, limit)]
        return []


def first_of_each(relations: Iterable[Relation]) -> list[Relation]:
    """Each (subject, relation, object) once, with the evidence met first."""
    seen: set[tuple[str, str, str]] = set()
    out: list[Relation] = []
    for r in relations:
        key = (r.subject, r.relation, r.object)
        if key not in seen:
            seen.add(key)
            out.append(r)
    return out


def _dedupe(relations: Sequence[Relation]) -> list[Relation]:
    """Relations in text order, each (subject, relation, object) once with its first evidence."""
    return first_of_each(sorted(relations, key=lambda r: (r.evidence.start, r.evidence.end)))


def find_relations(
    text: str,
    citations: Sequence[Citation],
    *,
    file: str,
    source_key: str,
    self_doc: str | None = None,
    lexicon: Lexicon | None = None,
    ends: list[int] | None = None,
) -> list[Relation]:
    """The relations between documents that ``text`` states, in text order.

    ``citations`` are the citations found in ``text`` (offsets into the same NFC text) with
    ``doc_id`` set; citations without one are ignored.  ``source_key`` names the text itself,
    the subject when the report is what implements or reviews a document; ``self_doc`` is the
    key of the document the text is (an official document's own number), or None for news.
    ``ends`` are the sentence ends around the citations when the caller has them already
    (:func:`window_ends`).

    >>> from kg import extract_citations
    >>> text = ("Kết luận số 43-KL/TW ngày 07/01/2019 của Ban Bí thư về tiếp tục thực hiện "
    ...         "Nghị quyết số 25-NQ/TW ngày 03/6/2013.")
    >>> [(r.subject, r.relation, r.object) for r in find_relations(
    ...     text, extract_citations(text), file="t.txt", source_key="src")]
    [('43-KL/TW@2019', 'follows_up', '25-NQ/TW@2013')]
    """
    compiled = _compiled(lexicon or load_lexicon())
    finder = _Finder(
        text, citations, compiled, file=file, source_key=source_key, self_doc=self_doc,
        ends=ends,
    )
    return finder.run()
