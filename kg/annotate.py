"""A text with its citations marked: every citation highlighted, its fields in a tooltip, and a
link to the document's node in the graph page (or to the document's IRI).

* :func:`annotate_text` makes a standalone page from a plain text and its citations.
* :func:`annotate_html` inserts the links into an HTML page itself: the page is parsed with
  :mod:`html.parser` only to find where its text is; each citation becomes one ``<a>`` (a
  ``<span>`` inside an existing link) per run of text it covers, inserted into the original
  markup, which is otherwise kept byte for byte, so the markup stays balanced.
* :func:`annotate_file` reads a file (plain text, or ``.html``/``.htm``), finds and resolves
  its citations and returns the annotated page; :func:`write_annotation` writes it atomically.

Everything from the text is escaped, and the pages carry a Content-Security-Policy that
forbids scripts (an annotated HTML page keeps its markup but none of its scripts run).
"""

from __future__ import annotations

import bisect
import hashlib
import html
import os
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

from rdflib import RDF, Graph, Literal, URIRef

from kg.models import Citation, ReadError, SourceText
from kg.vocab import KG

__all__ = [
    "AnnotationInfo",
    "HtmlText",
    "annotate_file",
    "annotate_html",
    "annotate_text",
    "citation_tooltip",
    "graph_link",
    "html_text",
    "write_annotation",
]

HTML_SUFFIXES = frozenset({".html", ".htm", ".xhtml"})

Linker = Callable[[Citation], str | None]
"""Gives the address a citation links to (None: highlight without a link)."""

def _type_color(dtype: str) -> str:
    from kg.html import OTHER_TYPE_COLOR, TYPE_COLORS

    return TYPE_COLORS.get(dtype, OTHER_TYPE_COLOR)


STYLE = """
.kg-cite { background: color-mix(in srgb, var(--kg-c, #ffd54f) 28%, transparent);
  border-bottom: 2px solid var(--kg-c, #ffd54f); border-radius: 2px; color: inherit;
  text-decoration: none; padding: 0 1px; }
a.kg-cite:hover { background: color-mix(in srgb, var(--kg-c, #ffd54f) 50%, transparent); }
.kg-cite.kg-unresolved { border-bottom-style: dashed; }
"""

_PAGE_STYLE = """
body { font: 16px/1.6 system-ui, "Segoe UI", Roboto, Arial, sans-serif; color: #212121;
  background: #fafafa; margin: 0; }
header { background: #263238; color: #eceff1; padding: 10px 24px; }
header h1 { font-size: 18px; margin: 0 0 2px; }
header p { margin: 0; font-size: 13px; color: #b0bec5; }
main { max-width: 860px; margin: 18px auto; background: #fff; padding: 18px 28px;
  border: 1px solid #e0e0e0; border-radius: 4px; }
.kg-text { white-space: pre-wrap; overflow-wrap: anywhere; }
section.kg-docs { max-width: 860px; margin: 0 auto 30px; font-size: 14px; }
section.kg-docs h2 { font-size: 15px; }
section.kg-docs li { margin: 2px 0; }
.kg-count { color: #78909c; }
"""


# --------------------------------------------------------------------------------------------
# Tooltips and links


def citation_tooltip(c: Citation, label: str | None = None) -> str:
    """The fields of a citation as plain text, one per line (for a ``title`` attribute)."""
    from kg.html import vn_date

    lines = [label or " ".join(x for x in (c.type, c.symbol or c.name or c.number or "") if x)]
    lines.append(f"Type: {c.type}")
    if c.symbol:
        lines.append(f"Symbol: {c.symbol}")
    elif c.number:
        lines.append(f"Number: {c.number}")
    if c.name and c.name != c.type:
        lines.append(f"Name: {c.name}")
    if c.date:
        lines.append(f"Date: {vn_date(c.date)}")
    elif c.year:
        lines.append(f"Year: {c.year}")
    if c.issuer:
        lines.append(f"Issuer: {c.issuer}" + (f" ({c.issuer_place})" if c.issuer_place else ""))
    if c.term:
        lines.append(f"Term: {c.term}")
    if c.title:
        lines.append(f"Title: {c.title}")
    lines.append(f"Document: {c.doc_id}" if c.doc_id else "Document: not resolved")
    for w in c.warnings:
        lines.append(f"Warning: {w}")
    return "\n".join(lines)


def graph_link(graph_page: str | None) -> Linker:
    """A linker to the document's node in a graph page (``graph.html#doc/25-nq-tw-2013``), or,
    without a page, to the document's IRI."""
    from kg.html import node_anchor

    def link(c: Citation) -> str | None:
        if not c.doc_id or not c.doc_id.startswith(("http://", "https://")):
            return None
        if graph_page is None:
            return c.doc_id
        return f"{graph_page}#{node_anchor(c.doc_id)}"

    return link


def _attrs(c: Citation, link: Linker, first: bool, index: int, tag: str = "a") -> str:
    href = link(c)
    parts = [f'class="kg-cite{"" if c.doc_id else " kg-unresolved"}"']
    if href is not None:
        name = "href" if tag == "a" else "data-kg-href"  # a link inside a link: no href
        parts.append(f'{name}="{html.escape(href, quote=True)}"')
    parts.append(f'title="{html.escape(citation_tooltip(c), quote=True)}"')
    parts.append(f'style="--kg-c: {_type_color(c.type)}"')
    if c.doc_id:
        parts.append(f'data-kg-doc="{html.escape(c.doc_id, quote=True)}"')
    if first:
        parts.append(f'id="kg-cite-{index}"')
    return " ".join(parts)


def _non_overlapping(citations: Iterable[Citation]) -> list[Citation]:
    """Citations by start; of overlapping ones the first (then longest) is kept."""
    out: list[Citation] = []
    end = -1
    for c in sorted(citations, key=lambda c: (c.start, -c.end)):
        if c.start >= end and c.end > c.start:
            out.append(c)
            end = c.end
    return out


# --------------------------------------------------------------------------------------------
# Plain text


def annotate_text(
    text: str,
    citations: Sequence[Citation],
    *,
    title: str = "",
    link: Linker | None = None,
    subtitle: str = "",
) -> str:
    """A standalone HTML page of ``text`` (offsets of ``citations`` refer to it) with every
    citation highlighted and linked, and the list of documents cited."""
    link = link or graph_link(None)
    kept = _non_overlapping(c for c in citations if c.end <= len(text))
    body: list[str] = []
    pos = 0
    for i, c in enumerate(kept):
        body.append(html.escape(text[pos : c.start], quote=False))
        tag = "a" if link(c) is not None else "span"
        body.append(f"<{tag} {_attrs(c, link, True, i, tag)}>")
        body.append(html.escape(text[c.start : c.end], quote=False))
        body.append(f"</{tag}>")
        pos = c.end
    body.append(html.escape(text[pos:], quote=False))
    docs = _documents(kept)
    summary = (f"{len(kept)} citation{'s' if len(kept) != 1 else ''} of "
               f"{len(docs)} document{'s' if len(docs) != 1 else ''}")
    e = html.escape
    return "".join([
        "<!DOCTYPE html>\n<html lang=\"vi\">\n<head>\n<meta charset=\"utf-8\">\n",
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
        "style-src 'unsafe-inline'; img-src data:\">\n",
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n",
        f"<title>{e(title or 'Citations')}</title>\n",
        f"<style>{_PAGE_STYLE}{STYLE}</style>\n</head>\n<body>\n",
        f"<header><h1>{e(title or 'Citations')}</h1><p>{e(summary)}",
        f" · {e(subtitle)}" if subtitle else "",
        "</p></header>\n",
        "<main><div class=\"kg-text\">", "".join(body), "</div></main>\n",
        _documents_section(docs, link),
        "</body>\n</html>\n",
    ])


def _documents(citations: Sequence[Citation]) -> list[tuple[Citation, int, int]]:
    """Each document cited (first citation, how many times, index of the first)."""
    seen: dict[str, list[int]] = {}
    for i, c in enumerate(citations):
        if c.doc_id:
            seen.setdefault(c.doc_id, []).append(i)
    return [(citations[ix[0]], len(ix), ix[0]) for ix in seen.values()]


def _documents_section(docs: Sequence[tuple[Citation, int, int]], link: Linker) -> str:
    if not docs:
        return ""
    e = html.escape
    items = []
    for c, count, first in docs:
        label = " ".join(x for x in (c.type, c.symbol or c.name or c.number or "") if x)
        year = c.date[:4] if c.date else str(c.year) if c.year else ""
        href = link(c)
        target = (f'<a href="{e(href, quote=True)}">{e(label)}</a>' if href is not None
                  else e(label))
        items.append(
            f'<li>{target}{e(f" ({year})") if year else ""} '
            f'<a class="kg-count" href="#kg-cite-{first}">{count}×</a>'
            + (f" — {e(c.title)}" if c.title else "") + "</li>"
        )
    return ("<section class=\"kg-docs\"><h2>Documents cited</h2><ol>\n"
            + "\n".join(items) + "\n</ol></section>\n")


# --------------------------------------------------------------------------------------------
# HTML


_SKIP = frozenset({"script", "style", "template", "textarea", "title", "option", "select",
                   "noscript", "head", "svg", "math", "iframe", "object"})
_VOID = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta",
                   "param", "source", "track", "wbr"})
_BLOCK = frozenset({
    "address", "article", "aside", "blockquote", "body", "br", "caption", "dd", "details",
    "div", "dl", "dt", "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3",
    "h4", "h5", "h6", "header", "hr", "html", "li", "main", "nav", "ol", "p", "pre", "section",
    "summary", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "ul",
})  # fmt: skip


@dataclass(frozen=True, slots=True)
class _Run:
    """A stretch of the extracted text and where it is in the page."""

    start: int       # offset in the extracted (not yet normalised) text
    text: str
    raw_start: int   # offsets in the page source
    raw_end: int
    verbatim: bool   # True for character data (char i is at raw_start + i); False: entity
    in_link: bool    # inside an <a>: a nested link is not allowed, use a <span>


@dataclass(frozen=True, slots=True)
class HtmlText:
    """The visible text of an HTML page, NFC-normalised, and the way back to the page source.

    Block elements become line breaks.  ``starts[i]``/``ends[i]`` give, for character ``i`` of
    ``text``, the span of the un-normalised text it comes from (NFC can merge characters).
    """

    source: str
    text: str
    runs: tuple[_Run, ...]
    starts: tuple[int, ...]
    ends: tuple[int, ...]
    head_end: int
    """Where a ``<style>`` can go: just after ``<head>``, else after ``<html>`` or the
    doctype, else 0."""


class _TextFinder(HTMLParser):
    def __init__(self, source: str) -> None:
        super().__init__(convert_charrefs=False)
        self.source = source
        self.line_starts = [0]
        for i, ch in enumerate(source):
            if ch == "\n":
                self.line_starts.append(i + 1)
        self.parts: list[str] = []
        self.length = 0
        self.runs: list[_Run] = []
        self.skip = 0
        self.links = 0
        self.head_end: int | None = None
        self.html_end: int | None = None
        self.decl_end: int | None = None

    def _here(self) -> int:
        line, col = self.getpos()
        return self.line_starts[line - 1] + col

    def _break(self) -> None:
        if self.parts and not self.parts[-1].endswith("\n"):
            self.parts.append("\n")
            self.length += 1

    def _tag_end(self) -> int:
        start = self._here()
        text = self.get_starttag_text() or ""
        if self.source.startswith(text, start):
            return start + len(text)
        return self.source.find(">", start) + 1

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "head" and self.head_end is None:
            self.head_end = self._tag_end()
        elif tag == "html" and self.html_end is None:
            self.html_end = self._tag_end()
        if tag in _BLOCK:
            self._break()
        if tag in _VOID:
            return
        if tag in _SKIP:
            self.skip += 1
        elif tag == "a":
            self.links += 1

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _BLOCK:
            self._break()

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP:
            self.skip = max(0, self.skip - 1)
        elif tag == "a":
            self.links = max(0, self.links - 1)
        if tag in _BLOCK:
            self._break()

    def handle_decl(self, decl: str) -> None:
        if self.decl_end is None:
            self.decl_end = self.source.find(">", self._here()) + 1

    def _add(self, text: str, raw_start: int, raw_end: int, verbatim: bool) -> None:
        if self.skip or not text:
            return
        self.runs.append(_Run(self.length, text, raw_start, raw_end, verbatim, self.links > 0))
        self.parts.append(text)
        self.length += len(text)

    def handle_data(self, data: str) -> None:
        start = self._here()
        if self.source.startswith(data, start):
            self._add(data, start, start + len(data), True)
        elif not self.skip:  # should not happen; keep the text, without a way back
            self.parts.append(data)
            self.length += len(data)

    def _reference(self, literal: str) -> None:
        start = self._here()
        end = start + len(literal)
        if self.source.startswith(literal + ";", start):
            end += 1
        self._add(html.unescape(self.source[start:end]), start, end, False)

    def handle_entityref(self, name: str) -> None:
        self._reference(f"&{name}")

    def handle_charref(self, name: str) -> None:
        self._reference(f"&#{name}")


def html_text(source: str) -> HtmlText:
    """The visible text of an HTML page (outside ``<head>``, scripts, styles and form
    controls), NFC-normalised, with the way back to the page source."""
    finder = _TextFinder(source)
    finder.feed(source)
    finder.close()
    raw = "".join(finder.parts)
    text, starts, ends = _nfc_map(raw)
    head = finder.head_end or finder.html_end or finder.decl_end or 0
    return HtmlText(source, text, tuple(finder.runs), tuple(starts), tuple(ends), head)


def _nfc_map(text: str) -> tuple[str, list[int], list[int]]:
    """NFC of ``text``, and for each of its characters the span of ``text`` it comes from."""
    if unicodedata.is_normalized("NFC", text):
        return text, list(range(len(text))), list(range(1, len(text) + 1))
    out: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    i = 0
    while i < len(text):
        j = i + 1
        while j < len(text) and unicodedata.combining(text[j]):
            j += 1
        segment = unicodedata.normalize("NFC", text[i:j])
        out.append(segment)
        starts.extend([i] * len(segment))
        ends.extend([j] * len(segment))
        i = j
    return "".join(out), starts, ends


def annotate_html(
    page: HtmlText | str,
    citations: Sequence[Citation],
    *,
    link: Linker | None = None,
) -> str:
    """The page with a link inserted around every citation (offsets into ``page.text``).

    Only ``<a>``/``<span>`` pairs (and a ``<meta>``/``<style>`` block after ``<head>``) are
    inserted, each pair around text that has no tag inside it; the page is otherwise
    unchanged, so its markup stays as balanced as it was."""
    page = html_text(page) if isinstance(page, str) else page
    link = link or graph_link(None)
    inserts: list[tuple[int, int, str]] = []  # (position, 0 = close / 1 = open, text)
    runs = page.runs
    run_starts = [r.start for r in runs]
    for index, c in enumerate(_non_overlapping(c for c in citations if c.end <= len(page.text))):
        lo, hi = page.starts[c.start], page.ends[c.end - 1]
        pieces: list[tuple[int, int, bool]] = []
        k = max(0, bisect.bisect_right(run_starts, lo) - 1)
        while k < len(runs) and runs[k].start < hi:
            r = runs[k]
            a, b = max(lo, r.start), min(hi, r.start + len(r.text))
            k += 1
            if a >= b:
                continue
            if r.verbatim:
                raw_a, raw_b = r.raw_start + (a - r.start), r.raw_start + (b - r.start)
            else:
                raw_a, raw_b = r.raw_start, r.raw_end
            if pieces and pieces[-1][1] == raw_a and pieces[-1][2] == r.in_link:
                pieces[-1] = (pieces[-1][0], raw_b, r.in_link)
            else:
                pieces.append((raw_a, raw_b, r.in_link))
        for n, (raw_a, raw_b, in_link) in enumerate(pieces):
            tag = "span" if in_link or link(c) is None else "a"
            inserts.append((raw_a, 1, f"<{tag} {_attrs(c, link, n == 0, index, tag)}>"))
            inserts.append((raw_b, 0, f"</{tag}>"))
    head = ('<meta charset="utf-8"><meta http-equiv="Content-Security-Policy" '
            "content=\"script-src 'none'; object-src 'none'\">"
            f"<style>{STYLE}</style>")
    inserts.append((page.head_end, -1, head))
    inserts.sort(key=lambda x: (x[0], x[1]))
    out: list[str] = []
    pos = 0
    for at, _kind, text in inserts:
        out.append(page.source[pos:at])
        out.append(text)
        pos = at
    out.append(page.source[pos:])
    return "".join(out)


# --------------------------------------------------------------------------------------------
# Files


def annotate_file(
    path: Path | str,
    *,
    graph_page: str | None = None,
    graph: Graph | None = None,
) -> str:
    """Read a file, find and resolve its citations and return the annotated page.

    A plain text (any encoding kg reads) becomes a page of its own; an ``.html``/``.htm``
    file keeps its markup, with the links inserted.  Links go to ``graph_page#node`` when a
    graph page is given, else to the document's IRI.  With the ``graph`` the page was built
    from, each citation links to the document node that graph gives its mention (else the
    text is resolved on its own, as ``kg extract`` does).  Raises ``ValueError`` with a
    one-line reason for a file that cannot be read."""
    return _annotate(Path(path), graph_page, graph)[0]


def _annotate(
    path: Path, graph_page: str | None, graph: Graph | None
) -> tuple[str, list[Citation]]:
    from kg.encodings import UnreadableTextError, decode_vietnamese
    from kg.read import read_file

    link = graph_link(graph_page)
    if path.suffix.lower() in HTML_SUFFIXES:
        try:
            raw = path.read_bytes()
            source = decode_vietnamese(raw).text
        except OSError as exc:
            raise ValueError(f"{path}: cannot read ({exc.strerror or exc})") from None
        except UnreadableTextError as exc:
            raise ValueError(f"{path}: {exc}") from None
        found = html_text(source)
        text = SourceText(path=str(path), text=found.text, sha256=hashlib.sha256(raw).hexdigest())
        citations = _resolved(text, graph, by_offset=False)
        return annotate_html(found, citations, link=link), citations
    read = read_file(path)
    if isinstance(read, ReadError):
        raise ValueError(str(read))
    citations = _resolved(read, graph, by_offset=True)
    title = read.metadata.get("title") or path.name
    page = annotate_text(read.text, citations, title=title, link=link, subtitle=path.name)
    return page, citations


def _resolved(source: SourceText, graph: Graph | None, *, by_offset: bool) -> list[Citation]:
    """The citations of one text with document IRIs: the graph's, where it has the text."""
    from kg.pipeline import analyse_text
    from kg.resolve import resolve_corpus

    [resolved] = resolve_corpus([analyse_text(source)]).texts
    citations = list(resolved.citations)
    if graph is None:
        return citations
    known = _graph_mentions(graph, source.sha256, Path(source.path).name)
    if not known:
        return citations
    out = []
    for c in citations:
        doc = known.get((c.start, c.end)) if by_offset else None
        if doc is None:
            docs = known.get(c.text)
            doc = docs if isinstance(docs, str) else None
        out.append(c.replace(doc_id=doc) if doc is not None else c)
    return out


def _graph_mentions(graph: Graph, sha256: str, name: str) -> dict[object, str]:
    """The document each mention of this source names in the graph: by (start, end), and by
    the cited text when that text names one document only."""
    sources = [s for s in graph.subjects(KG.sha256, Literal(sha256))
               if (s, RDF.type, KG.Source) in graph]
    if not sources:
        sources = [s for s, f in graph.subject_objects(KG.file)
                   if str(f).replace("\\", "/").rsplit("/", 1)[-1] == name]
    found: dict[object, str] = {}
    by_text: dict[str, set[str]] = {}
    for src in sources[:1]:
        for m in graph.subjects(KG.inSource, src):
            doc, start, end = (graph.value(m, KG.mentions), graph.value(m, KG.start),
                               graph.value(m, KG.end))
            if not isinstance(doc, URIRef):
                continue
            if isinstance(start, Literal) and isinstance(end, Literal):
                found[(int(start), int(end))] = str(doc)
            cited = graph.value(m, KG.text)
            if cited is not None:
                by_text.setdefault(str(cited), set()).add(str(doc))
    for cited_text, docs in by_text.items():
        if len(docs) == 1:
            found[cited_text] = next(iter(docs))
    return found


def write_annotation(
    path: Path | str,
    output: Path | str,
    *,
    graph_page: str | None = None,
    graph: Graph | None = None,
) -> AnnotationInfo:
    """Write :func:`annotate_file` of ``path`` to ``output`` atomically."""
    target = Path(output)
    page, citations = _annotate(Path(path), graph_page, graph)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    try:
        with open(tmp, "w", encoding="utf-8", newline="") as out:
            out.write(page)
        os.replace(tmp, target)
    finally:
        if tmp.exists():
            tmp.unlink()
    return AnnotationInfo(target, len(citations), len({c.doc_id for c in citations if c.doc_id}))


@dataclass(frozen=True, slots=True)
class AnnotationInfo:
    """What :func:`write_annotation` wrote: the page, how many citations it marks (of how
    many documents)."""

    path: Path
    citations: int
    documents: int
