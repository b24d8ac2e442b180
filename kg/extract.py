"""Find citations of Vietnamese legal and Party documents in a text.

:func:`find_citations` is the whole stage: one pass of one compiled pattern over the text
(:mod:`kg.patterns`), then for each match a short, anchored read of what follows it (date,
issuer, term, subject).  Nothing rescans the text per citation, so cost grows linearly with the
length of the text.

The result is a list of :class:`kg.models.Citation` in text order, with ``doc_id`` unset:
identity is the business of :mod:`kg.resolve`.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from kg.lexicon import Body, DocType, Lexicon, TypeCode, load_lexicon
from kg.models import Citation, Regime
from kg.normalize import fold_key, fold_symbol_chars
from kg.patterns import (
    CompiledPatterns,
    compile_patterns,
    digit_trigger_starts,
    scan_after,
)

# Suffixes of Party issuer codes: "TW" (Trung ương), "TU" (Tỉnh ủy), "HU" (Huyện ủy),
# "ĐU" (Đảng ủy), "BCSĐ" (Ban cán sự đảng) ... (REFERENCE.md §2.4).  A state-layout symbol
# whose issuers all end so is a Party document written with state separators ("217/QĐ-TW").
_PARTY_ISSUER_RE = re.compile(r"(?:TW|TU|HU|ThU|QU|ĐU|ĐUK|BCSĐ|ĐĐ|CB|ĐH)\Z")
_ROMAN_VALUES = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100}


@dataclass(frozen=True, slots=True)
class ParsedSymbol:
    """A document symbol split into its parts."""

    number: str
    canonical: str
    type_code: TypeCode | None
    code_text: str | None
    issuer_codes: tuple[str, ...]
    year: int | None
    regime: Regime


@dataclass(slots=True)
class Tail:
    """What follows a citation's core: date, issuer, term and subject."""

    end: int
    date: str | None = None
    year: int | None = None
    issuer: str | None = None
    bodies: tuple[Body, ...] = ()
    place: str | None = None
    term: str | None = None
    title: str | None = None
    fields_end: int = 0
    warnings: list[str] = field(default_factory=list)


@dataclass(slots=True)
class _Found:
    """A citation being built, with the facts the later passes need."""

    citation: Citation
    tail_end: int
    has_so: bool
    pending_short: bool = False
    list_group: int | None = None
    has_own_tail: bool = False


class CitationFinder:
    """Finds citations with one lexicon; reusable and thread-safe (it holds no state)."""

    def __init__(self, lexicon: Lexicon | None = None) -> None:
        self.lexicon = lexicon or load_lexicon()
        self.patterns: CompiledPatterns = compile_patterns(self.lexicon)
        self._issuer_casing = {
            fold_key(code): code for body in self.lexicon.bodies for code in body.codes
        }
        self._party_codes = {
            fold_key(code)
            for body in self.lexicon.bodies
            if body.kind == "party"
            for code in body.codes
        }
        # Texts cite the same symbols over and over ("Nghị định 30/2020/NĐ-CP"), and parsing one
        # takes several regular expressions: parsed symbols (immutable) are kept, up to
        # SYMBOL_CACHE_SIZE.  A plain dict keeps the finder picklable and, its reads and writes
        # being atomic, safe to share between threads (at worst a symbol is parsed twice).
        self._parsed: dict[str, ParsedSymbol | None] = {}

    # ------------------------------------------------------------------ public

    def find(self, text: str, *, file: str | None = None) -> list[Citation]:
        """All citations in ``text`` (NFC-normalised), in order of their start offset."""
        p = self.patterns
        found: list[_Found] = []
        group = 0
        consumed = 0  # end of the last citation core: triggers inside it are not new citations
        lowered = text.lower()
        if len(lowered) == len(text):
            words = scan_after(p.trigger_words, lowered, p.trigger_words_refused_before)
        else:  # a rare letter whose lower case is longer ("İ"): scan case-insensitively
            words = scan_after(p.trigger_words_ci, text, p.trigger_words_refused_before)
        starts = [(m.start(), True) for m in words]
        starts += [(start, False) for start in digit_trigger_starts(p.trigger_digits, text)]
        starts.sort()
        for pos, is_word in starts:
            if pos < consumed:
                continue
            if is_word:
                match = p.typed_at.match(text, pos)
                if match is not None:
                    group += 1
                    items = self._typed(text, match, file, group)
                    found.extend(items)
                    consumed = match.end()
                    continue
                match = p.law_at.match(text, pos)
                if match is not None:
                    law = self._law(text, match, file, floor=consumed)
                    if law is not None:
                        found.append(law)
                        consumed = law.citation.end
                continue
            match = p.bare_at.match(text, pos)
            if match is not None:
                item = self._bare(text, match, file, floor=consumed)
                consumed = match.end()
                if item is not None:
                    found.append(item)
        found = self._settle_short_forms(found)
        self._share_across_lists(text, found)
        return [f.citation for f in found]

    def parse_symbol(self, raw: str) -> ParsedSymbol | None:
        """Split a symbol as written ("217 QĐ/TW", "30/2020/NĐ-CP") into canonical parts."""
        try:
            return self._parsed[raw]
        except KeyError:
            pass
        if len(self._parsed) >= SYMBOL_CACHE_SIZE:
            self._parsed.clear()
        parsed = self._parsed[raw] = self._parse_symbol(raw)
        return parsed

    def _parse_symbol(self, raw: str) -> ParsedSymbol | None:
        raw = " ".join(raw.split())
        m = self.patterns.party_symbol.match(raw)
        if m is not None:
            code_text = fold_symbol_chars(m.group("code"))
            issuers = self._issuer_groups(m.group("rest"))
            type_code = self.lexicon.code_by_key.get(fold_key(code_text))
            party_code = type_code.code if type_code else code_text.upper()
            number = m.group("num")
            return ParsedSymbol(
                number=number,
                canonical=f"{number}-{party_code}/{'-'.join(issuers)}",
                type_code=type_code,
                code_text=party_code,
                issuer_codes=issuers,
                year=None,
                regime="party",
            )
        m = self.patterns.state_symbol.match(raw)
        if m is None:
            return None
        groups = self._issuer_groups(m.group("groups"))
        number = m.group("num")
        year = int(m.group("year")) if m.group("year") else None
        type_code = self.lexicon.code_by_key.get(fold_key(groups[0]))
        code: str | None
        if type_code is not None and len(groups) > 1:
            issuers = groups[1:]
            code = type_code.code
        else:
            # No type code: a công văn ("982/UBND-NC") or a law ("80/2015/QH13").
            type_code, code, issuers = None, None, groups
        regime: Regime = "state"
        if year is None and code is not None and all(self._is_party(i) for i in issuers):
            regime = "party"
            canonical = f"{number}-{code}/{'-'.join(issuers)}"
        else:
            parts = [p for p in (code, *issuers) if p]
            canonical = f"{number}/{f'{year}/' if year else ''}{'-'.join(parts)}"
        return ParsedSymbol(number, canonical, type_code, code, issuers, year, regime)

    # ------------------------------------------------------------------ match kinds

    def _typed(
        self, text: str, match: re.Match[str], file: str | None, group: int
    ) -> list[_Found]:
        lex = self.lexicon
        word_type = lex.type_by_word_key.get(fold_key(match.group("tw")))
        if word_type is None:  # pragma: no cover - the pattern is built from the same words
            return []
        has_so = bool(match.group("so").strip())
        val_start, val_end = match.span("val")
        value = match.group("val")
        tail = self._tail(text, val_end)
        if "/" not in fold_symbol_chars(value) and not re.search(r"\D", value):
            return self._number_only(
                text, match, file, word_type, has_so, tail
            )
        # Number/year without a code ("Thông tư 36/2024"): a short form with a year.
        ny = re.fullmatch(r"(\d+)\s?\S\s?((?:19|20)\d\d)", value)
        if ny is not None:
            if not (has_so or word_type.short_ok):
                return []
            cit = self._citation(
                text, match.start(), val_end, file, word_type.name, ny.group(1), None,
                (), int(ny.group(2)), "unknown", tail, "short", [],
            )
            return [_Found(cit, tail.end, has_so, has_own_tail=tail.fields_end > val_end)]
        numbers: list[tuple[str, int, int]] = []
        pos = val_start
        while True:
            m = self.patterns.number_list.match(text, pos, val_end)
            if m is None:
                break
            numbers.append((m.group("num"), m.start("num"), m.end("num")))
            pos = m.end()
        parsed = self.parse_symbol(text[pos:val_end])
        if parsed is None:
            return []
        type_name, warnings = self._decide_type(word_type, parsed)
        out: list[_Found] = []
        own_tail = tail.fields_end > val_end
        # Each listed number gets the shared symbol: "217, 218-QĐ/TW" → 217-QĐ/TW, 218-QĐ/TW.
        for i, (num, n_start, n_end) in enumerate(numbers):
            start = match.start() if i == 0 else n_start
            canonical = parsed.canonical.replace(parsed.number, num, 1)
            cit = self._citation(
                text, start, n_end, file, type_name, num, canonical, parsed.issuer_codes,
                parsed.year, parsed.regime, tail, "full", warnings,
            )
            out.append(_Found(cit, tail.end, has_so, list_group=group, has_own_tail=own_tail))
        start = match.start() if not numbers else pos
        cit = self._citation(
            text, start, val_end, file, type_name, parsed.number, parsed.canonical,
            parsed.issuer_codes, parsed.year, parsed.regime, tail,
            "full" if not numbers else "bare", warnings,
        )
        out.append(_Found(cit, tail.end, has_so, list_group=group, has_own_tail=own_tail))
        return out

    def _number_only(
        self,
        text: str,
        match: re.Match[str],
        file: str | None,
        word_type: DocType,
        has_so: bool,
        tail: Tail,
    ) -> list[_Found]:
        """"Quy chế số 19 ngày 10/11/2021 của Tỉnh ủy", "Nghị quyết 57", not "Chương trình 135"."""
        value = match.group("val")
        end = match.end("val")
        stated = tail.date is not None or tail.issuer is not None
        if not stated and self.patterns.unit_after.match(text, end):
            return []
        number_value = int(value)
        if not has_so and not stated and 1900 <= number_value <= 2100:
            return []  # "Kế hoạch 2020" is a year, not a number
        if word_type.generic:
            return []  # "văn bản số 5" names no type
        form = "full" if (has_so or stated) else "short"
        cit = self._citation(
            text, match.start(), end, file, word_type.name, value, None, (), None,
            "unknown", tail, form, [],
        )
        pending = form == "short" and not word_type.short_ok
        return [
            _Found(cit, tail.end, has_so, pending_short=pending,
                   has_own_tail=tail.fields_end > end)
        ]

    def _law(
        self, text: str, match: re.Match[str], file: str | None, *, floor: int = 0
    ) -> _Found | None:
        lex = self.lexicon
        word = match.group("lw")
        law_type = lex.type_by_word_key.get(fold_key(word))
        if law_type is None:  # pragma: no cover
            return None
        name_part = " ".join((match.group("lname") or "").split())
        symbol_text = match.group("lsym")
        if not name_part and symbol_text is None and law_type.name != "Hiến pháp":
            return None
        if word[0].islower() and not name_part and symbol_text is None:
            return None
        if symbol_text is not None:
            end = match.end("lsym")
        elif match.group("lyear") is not None:
            end = match.end("lyear")
        else:
            end = match.end("lname") if name_part else match.end("lw")
        tail = self._tail(text, end)
        number = symbol = None
        codes: tuple[str, ...] = ()
        year: int | None = None
        regime: Regime = "state"
        if symbol_text is not None:
            parsed = self.parse_symbol(symbol_text)
            if parsed is None:
                return None
            number, symbol, codes, year = (
                parsed.number, parsed.canonical, parsed.issuer_codes, parsed.year
            )
        if match.group("lyear") is not None:
            year = int(match.group("lyear"))
        # "Hiến pháp năm 2013": the constitution has no name beyond its type.
        name = f"{law_type.name} {name_part}" if name_part else law_type.name
        start = match.start()
        if symbol_text is not None:
            amending = self.patterns.amending_law_before.search(
                text, max(floor, start - 400), start
            )
            if amending is not None:
                start = amending.start()
                name = " ".join(text[start : match.start("lso")].split()).strip(" ,")
        if symbol is None and year is None and tail.date is None:
            return None
        cit = self._citation(
            text, start, end, file, law_type.name, number, symbol, codes, year,
            regime, tail, "full" if symbol else "name", [], name=name,
        )
        return _Found(cit, tail.end, bool(match.group("lso")),
                      has_own_tail=tail.fields_end > end)

    def _law_before_symbol(
        self, text: str, start: int, end: int, parsed: ParsedSymbol, file: str | None,
        floor: int,
    ) -> _Found | None:
        """A law cited by a name the name pattern cannot hold, anchored on its symbol:
        "Luật Cán bộ, công chức số 80/2025/QH15", "Luật sửa đổi, bổ sung một số điều của Luật
        Đấu thầu, ... số 90/2025/QH15", "Luật thuế thu nhập doanh nghiệp số 67/2025/QH15"."""
        # The name starts at the first law word whose clause reaches the symbol, after the
        # previous citation ("Luật sửa đổi, bổ sung ... của Luật Đấu thầu, ... số 90/2025/QH15").
        window_start = max(floor, start - 400)
        best = self.patterns.law_word_before.search(text, window_start, start)
        if best is None:
            return None
        law_type = self.lexicon.type_by_word_key.get(fold_key(best.group("lw")))
        if law_type is None:
            return None
        name_part = " ".join(best.group("lname").replace("*", " ").split()).strip(" ,")
        name = f"{law_type.name} {name_part}" if name_part else law_type.name
        tail = self._tail(text, end)
        cit = self._citation(
            text, best.start(), end, file, law_type.name, parsed.number, parsed.canonical,
            parsed.issuer_codes, parsed.year, "state", tail, "full", [], name=name,
        )
        return _Found(cit, tail.end, True, has_own_tail=tail.fields_end > end)

    def _bare(
        self, text: str, match: re.Match[str], file: str | None, *, floor: int = 0
    ) -> _Found | None:
        start, end = match.span("bare")
        line_start = text.rfind("\n", 0, start) + 1
        if self.patterns.own_number_before.search(text, line_start - 1 if line_start else 0, start):
            return None  # "Số: 36/2025/QĐ-UBND": the document's own number, not a reference
        parsed = self.parse_symbol(match.group("bare"))
        if parsed is not None and parsed.type_code is None and any(
            code.upper().startswith(("QH", "UBTVQH")) for code in parsed.issuer_codes
        ):
            return self._law_before_symbol(text, start, end, parsed, file, floor)
        if parsed is None or parsed.type_code is None:
            return None
        types = parsed.type_code.types(parsed.regime)
        if not types:
            return None
        tail = self._tail(text, end)
        cit = self._citation(
            text, start, end, file, types[0], parsed.number, parsed.canonical,
            parsed.issuer_codes, parsed.year, parsed.regime, tail, "bare", [],
        )
        return _Found(cit, tail.end, False, has_own_tail=tail.fields_end > end)

    def own_document(self, text: str, *, file: str | None = None) -> Citation | None:
        """The document a text *is*, from its header ("Số: 139/2025/QĐ-UBND" near the top of an
        official document, with the date line after it), or None for reports and news.

        The header's own number is never reported as a citation; this gives it instead, as a
        citation of form "full" whose span is the number in the header.
        """
        head = text[:HEADER_CHARS]
        # own_number starts with the line break before the "Số" line, so the regex engine
        # skips from line break to line break (an alternative "^" would make it try every
        # position, eight times slower); the "\n" put before the head stands for its start, and
        # offsets in the searched string are one more than in the text.
        m = self.patterns.own_number.search("\n" + head)
        if m is None:
            return None
        header_end = m.end() - 1
        parsed = self.parse_symbol(m.group("sym"))
        if parsed is None:
            return None
        if parsed.type_code is not None:
            types = parsed.type_code.types(parsed.regime)
            type_name = types[0] if types else "Công văn"
        else:
            is_law = any(code.upper().startswith(("QH", "UBTVQH")) for code in parsed.issuer_codes)
            type_name = "Luật" if is_law else "Công văn"
        warnings: list[str] = []
        date = None
        d = self.patterns.header_date.search(text, header_end, header_end + 400)
        if d is None:
            d = self.patterns.header_date.search(head)
        if d is not None:
            date = _iso_date(d, warnings)
        year = parsed.year or (int(date[:4]) if date else None)
        start, end = m.start("sym") - 1, m.end("sym") - 1
        return Citation(
            start=start, end=end, text=text[start:end], type=type_name, number=parsed.number,
            symbol=parsed.canonical, issuer_codes=parsed.issuer_codes, year=year, date=date,
            form="full", regime=parsed.regime, file=file, warnings=tuple(warnings),
        )

    # ------------------------------------------------------------------ helpers

    def _citation(
        self,
        text: str,
        start: int,
        end: int,
        file: str | None,
        type_name: str,
        number: str | None,
        symbol: str | None,
        issuer_codes: tuple[str, ...],
        year: int | None,
        regime: Regime,
        tail: Tail,
        form: str,
        warnings: list[str],
        *,
        name: str | None = None,
    ) -> Citation:
        if year is None and tail.date is not None:
            year = int(tail.date[:4])
        if year is None:
            year = tail.year
        return Citation(
            start=start,
            end=end,
            text=text[start:end],
            type=type_name,
            number=number,
            symbol=symbol,
            issuer_codes=issuer_codes,
            year=year,
            date=tail.date,
            issuer=tail.issuer,
            issuer_place=tail.place,
            term=tail.term,
            title=tail.title,
            name=name,
            form=form,  # type: ignore[arg-type]
            regime=regime,
            file=file,
            warnings=tuple(warnings + tail.warnings),
        )

    def _decide_type(self, word_type: DocType, parsed: ParsedSymbol) -> tuple[str, list[str]]:
        """The type of a citation whose word and symbol code may disagree (see the module doc)."""
        if parsed.type_code is None:
            if word_type.generic:
                return ("Công văn", [])
            return (word_type.name, [])
        code_types = parsed.type_code.types(parsed.regime)
        if not code_types or word_type.name in code_types:
            return (word_type.name if not word_type.generic else code_types[0], [])
        code_type = code_types[0]
        if word_type.generic or code_type.startswith(word_type.name):
            return (code_type, [])
        return (
            word_type.name,
            [
                f"type word {word_type.name!r} disagrees with symbol code "
                f"{parsed.type_code.code!r} ({code_type})"
            ],
        )

    def _issuer_groups(self, raw: str) -> tuple[str, ...]:
        parts = [p.strip() for p in re.split(r"\s*[-\u2010-\u2015\u2212\u00ad\uff0d]\s*",
                                             fold_symbol_chars(raw))]
        return tuple(self._issuer_casing.get(fold_key(p), self._case(p)) for p in parts if p)

    @staticmethod
    def _case(code: str) -> str:
        return code.upper() if code.islower() else code

    def _is_party(self, code: str) -> bool:
        return fold_key(code) in self._party_codes or bool(_PARTY_ISSUER_RE.search(code))

    def _tail(self, text: str, pos: int) -> Tail:
        """Read date, year, issuer and term (any order, each once), then the subject."""
        p = self.patterns
        tail = Tail(end=pos, fields_end=pos)
        for _ in range(4):
            m = p.tail_date.match(text, pos) if tail.date is None else None
            if m is not None:
                tail.date = _iso_date(m, tail.warnings)
                pos = m.end()
                continue
            m = p.tail_issuer_intro.match(text, pos) if tail.issuer is None else None
            if m is not None:
                read = self._bodies(text, m.end())
                if read is not None:
                    tail.bodies, tail.issuer, tail.place, pos = read
                    continue
            m = p.term.match(text, pos) if tail.term is None else None
            if m is not None:
                tail.term = _roman(m.group("term"))
                pos = m.end()
                continue
            m = p.tail_year.match(text, pos) if tail.date is None and tail.year is None else None
            if m is not None and not p.unit_after.match(text, m.end()):
                tail.year = int(m.group("y"))
                pos = m.end()
                continue
            break
        # A closing parenthesis opened inside the tail stays outside the span.
        tail.fields_end = pos
        m = p.quoted_title.match(text, pos) or p.title.match(text, pos)
        if m is not None:
            found = m.group("title") or m.groupdict().get("title2") or ""
            tail.title = " ".join(found.split()).strip(" ,.") or None
            pos = m.end()
        tail.end = pos
        return tail

    def _bodies(
        self, text: str, pos: int
    ) -> tuple[tuple[Body, ...], str, str | None, int] | None:
        """Read one issuing body or several joined by "và" / ","."""
        bodies: list[Body] = []
        place: str | None = None
        end = pos
        while True:
            m = self.patterns.body.match(text, pos)
            if m is None:
                break
            body = self.lexicon.body_for(m.group("alias"))
            if body is None:  # pragma: no cover - every alias maps to its body
                break
            bodies.append(body)
            end = m.end("alias")
            if body.place and m.group("place"):
                place = place or " ".join(m.group("place").split())
                end = m.end("place")
            j = self.patterns.body_joiner.match(text, end)
            if j is None or not self.patterns.body.match(text, j.end()):
                break
            pos = j.end()
        if not bodies:
            return None
        names = list(dict.fromkeys(b.name for b in bodies))
        return tuple(bodies), "; ".join(names), place, end

    # ------------------------------------------------------------------ whole-text passes

    @staticmethod
    def _settle_short_forms(found: list[_Found]) -> list[_Found]:
        """Keep a pending short form ("Kế hoạch 93") only if the text also cites the same type
        and number in full; drop "Chương trình 135"-like names of programmes."""
        full = {
            (f.citation.type, f.citation.number)
            for f in found
            if not f.pending_short and f.citation.form != "short"
        }
        kept = [
            f for f in found
            if not f.pending_short or (f.citation.type, f.citation.number) in full
        ]
        kept.sort(key=lambda f: f.citation.start)
        return kept

    def _share_across_lists(self, text: str, found: list[_Found]) -> None:
        """Share what one list member states with the others.

        Numbers sharing one symbol ("217, 218-QĐ/TW ngày 12/12/2013") share date, issuer and
        term.  In a coordinated list ("Chỉ thị số 15/CT-TTg, Chỉ thị số 16/CT-TTg của Thủ tướng
        Chính phủ") the issuer and term stated after the last member apply to each member that
        states none of its own.
        """
        # Walk backwards so a chain of several members inherits from the last one.
        for i in range(len(found) - 2, -1, -1):
            here, nxt = found[i], found[i + 1]
            same_symbol_list = (
                here.list_group is not None and here.list_group == nxt.list_group
            )
            if not same_symbol_list:
                if here.has_own_tail or here.citation.end > nxt.citation.start:
                    continue
                gap = text[here.citation.end : nxt.citation.start]
                if len(gap) > 12 or not self.patterns.list_gap.match(gap):
                    continue
            c, n = here.citation, nxt.citation
            changes: dict[str, object] = {}
            if c.issuer is None and n.issuer is not None and self._may_share_issuer(c, n):
                changes["issuer"] = n.issuer
                changes["issuer_place"] = n.issuer_place
            if c.term is None and n.term is not None:
                changes["term"] = n.term
            if same_symbol_list:
                if c.date is None and n.date is not None:
                    changes["date"] = n.date
                    if c.year is None:
                        changes["year"] = n.year
                if c.title is None and n.title is not None:
                    changes["title"] = n.title
            if n.form == "bare" and c.type != n.type and c.symbol and n.symbol:
                # "Quy định số 101-QĐ/TW, 102-QĐ/TW": the bare member takes the head's type
                # when its code allows it.
                parsed = self.parse_symbol(n.symbol)
                if parsed and parsed.type_code and c.type in parsed.type_code.types(
                    parsed.regime
                ):
                    found[i + 1].citation = n.replace(type=c.type)
            if changes:
                here.citation = c.replace(**changes)
                here.has_own_tail = here.has_own_tail or same_symbol_list


    def _may_share_issuer(self, member: Citation, last: Citation) -> bool:
        """Whether the issuer stated after ``last`` can be ``member``'s too: not for a law (only
        the National Assembly passes laws), and not when the member's symbol names an issuer
        code the body does not use."""
        member_type = self.lexicon.type_by_name.get(member.type)
        if member_type is not None and member_type.law and member.type != last.type:
            return False
        body = self.lexicon.body_by_name.get(last.issuer.split("; ")[0]) if last.issuer else None
        if body is None or not body.codes or not member.issuer_codes:
            return True
        codes = {fold_key(code) for code in body.codes}
        # "QH13" is the 13th National Assembly's "QH": the term digits are not the body's code.
        return any(fold_key(code.rstrip("0123456789")) in codes for code in member.issuer_codes)


def _iso_date(m: re.Match[str], warnings: list[str]) -> str | None:
    day = m.group("d") or m.group("d2")
    month = m.group("m") or m.group("m2")
    year = m.group("y") or m.group("y2")
    try:
        return dt.date(int(year), int(month), int(day)).isoformat()
    except ValueError:
        warnings.append(f"impossible date {day}/{month}/{year}")
        return None


def _roman(value: str) -> str:
    """A Party or National Assembly term as a Roman numeral ("11" → "XI")."""
    if value.isdigit():
        n = int(value)
        out = ""
        for numeral, amount in (("X", 10), ("IX", 9), ("V", 5), ("IV", 4), ("I", 1)):
            while n >= amount:
                out += numeral
                n -= amount
        return out
    return value.upper()


SYMBOL_CACHE_SIZE = 4096
"""How many parsed symbols a finder keeps (a few hundred bytes each)."""

HEADER_CHARS = 8000
"""How far from the top of a text its own "Số: ..." header is looked for."""

_DEFAULT_FINDER: CitationFinder | None = None


def default_finder() -> CitationFinder:
    """The finder with the packaged lexicon, built once per process."""
    global _DEFAULT_FINDER
    if _DEFAULT_FINDER is None:
        _DEFAULT_FINDER = CitationFinder()
    return _DEFAULT_FINDER


def find_citations(text: str, *, file: str | None = None) -> list[Citation]:
    """All citations in ``text`` (already NFC-normalised), in text order, ``doc_id`` unset.

    >>> [c.symbol for c in find_citations("theo Quyết định 217, 218-QĐ/TW ngày 12/12/2013")]
    ['217-QĐ/TW', '218-QĐ/TW']
    """
    return default_finder().find(text, file=file)
