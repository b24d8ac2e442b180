"""Trace a document's implementation: every document and report that implements, follows up,
reviews or gives guidance on it, directly or through a chain, with dates and evidence.

``Kết luận 43-KL/TW`` follows up ``Nghị quyết 25-NQ/TW``; a provincial plan implements the
Kết luận; a report reviews the plan: the trace of Nghị quyết 25 shows all three as a tree.

:func:`find_candidates` reads what the user typed ("Nghị quyết 25-NQ/TW", "25-NQ/TW",
"Nghị định 30/2020/NĐ-CP", "Kết luận 43", "Luật Đất đai 2013") with the citation extractor and
finds the documents of the graph it can mean; several documents share a Party symbol across
terms (25-NQ/TW of 2003, 2008 and 2013), and the caller lets the user choose.  :func:`trace`
builds the tree from one document.  Every value from the user reaches SPARQL as a bound
parameter, never as query text.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, Literal

from kg.store import IRI, GraphStore, StoreError, Value, compact_iri
from kg.vocab import DOCUMENT_TYPES, KG

__all__ = [
    "Candidate",
    "Reference",
    "TraceError",
    "TraceNode",
    "TraceTree",
    "find_candidates",
    "parse_reference",
    "render_candidates",
    "render_tree",
    "trace",
]

TRACED_RELATIONS: dict[str, str] = {
    str(KG.implements): "implements",
    str(KG.followsUp): "follows_up",
    str(KG.reviews): "reviews",
    str(KG.guides): "guides",
}
"""The inbound edges a trace follows, by property IRI, with the relation names of kg.models."""

RELATION_WORDS = {
    "implements": "implements",
    "follows_up": "follows up",
    "reviews": "reviews",
    "guides": "guides",
    "cited_in": "cites",
}


class TraceError(StoreError):
    """Text that names no document, or a document that is not in the graph."""


# --------------------------------------------------------------------------------------------
# Reading the user's reference


@dataclass(frozen=True, slots=True)
class Reference:
    """What the user's text says about the document: symbol, or type and number, or name."""

    text: str
    type: str | None = None
    symbol: str | None = None
    number: str | None = None
    name: str | None = None
    year: int | None = None

    def describe(self) -> str:
        if self.symbol:
            return f"{self.type} {self.symbol}" if self.type else self.symbol
        if self.name:
            return self.name
        return f"{self.type or 'document'} {self.number}"


def parse_reference(text: str) -> Reference:
    """Read a citation typed by the user, as the extractor reads one in a text.

    A bare or loosely written symbol ("25-nq/tw", "25 NQ/TW") is canonicalised by the symbol
    parser.  Raises :class:`TraceError` when the text names no document.
    """
    from kg.extract import default_finder
    from kg.normalize import normalize_text
    from kg.pipeline import extract_citations

    cleaned = " ".join(normalize_text(text).split())
    if not cleaned:
        raise TraceError("no document given")
    citations = extract_citations(cleaned)
    if citations:
        c = citations[0]
        has_type = c.form != "bare"
        return Reference(
            text=cleaned,
            type=c.type if has_type or not c.symbol else None,
            symbol=c.symbol,
            number=c.number,
            name=c.name,
            year=c.year,
        )
    parsed = default_finder().parse_symbol(cleaned)
    if parsed is not None:
        return Reference(
            text=cleaned, symbol=parsed.canonical, number=parsed.number, year=parsed.year
        )
    raise TraceError(
        f"cannot read {cleaned!r} as a document (try 'Nghị quyết 25-NQ/TW', '25-NQ/TW' or "
        "'Nghị định 30/2020/NĐ-CP')"
    )


# --------------------------------------------------------------------------------------------
# Candidates


@dataclass(frozen=True, slots=True)
class Candidate:
    """A document of the graph that the user's text may mean."""

    iri: str
    label: str
    symbol: str | None
    date: str | None
    year: int | None
    title: str | None
    issuers: tuple[str, ...]
    mentions: int
    ambiguous: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {
            "iri": self.iri,
            "label": self.label,
            "symbol": self.symbol,
            "date": self.date,
            "year": self.year,
            "title": self.title,
            "issuers": list(self.issuers),
            "mentions": self.mentions,
            "ambiguous": self.ambiguous,
        }


# Only documents carry eli:id_local and eli:number.  No "?doc a kg:Document" beside them:
# Oxigraph plans a query before substituting ?symbol, and started from every document.
_BY_SYMBOL = """
SELECT ?symbol ?doc WHERE { ?doc eli:id_local ?symbol . }
"""

_BY_NUMBER = """
SELECT ?number ?doc ?symbol ?type WHERE {
  ?doc eli:number ?number .
  OPTIONAL { ?doc eli:id_local ?symbol }
  OPTIONAL { ?doc eli:type_document ?type }
}
"""

_BY_NAME = """
SELECT ?doc ?name WHERE { ?doc dcterms:alternative ?name ; a kg:Document . }
"""

_DETAILS = """
SELECT ?doc ?label ?symbol ?date ?year ?title ?issuer ?ambiguous
       (COUNT(DISTINCT ?mention) AS ?mentions)
WHERE {
  ?doc a kg:Document .
  OPTIONAL { ?doc skos:prefLabel ?label }
  OPTIONAL { ?doc eli:id_local ?symbol }
  OPTIONAL { ?doc eli:date_document ?date }
  OPTIONAL { ?doc kg:year ?year }
  OPTIONAL { ?doc dcterms:title ?title }
  OPTIONAL { ?doc eli:passed_by/skos:prefLabel ?issuer }
  OPTIONAL { ?doc kg:ambiguous ?ambiguous }
  OPTIONAL { ?mention kg:mentions ?doc }
}
GROUP BY ?doc ?label ?symbol ?date ?year ?title ?issuer ?ambiguous
"""


def find_candidates(
    store: GraphStore, citation_text: str, year: int | None = None, *, any_year: bool = False
) -> list[Candidate]:
    """The documents of the graph that ``citation_text`` may name, oldest first.

    The year is ``year`` if given, else the one the text states ("... ngày 03/6/2013",
    "30/2020/NĐ-CP"); ``any_year=True`` ignores both (to list what there is when a year
    matched nothing).  Documents of unknown year never match a year.
    """
    ref = parse_reference(citation_text)
    iris = _matching_documents(store, ref)
    candidates = [_candidate(store, iri) for iri in iris]
    wanted = None if any_year else (year if year is not None else ref.year)
    if wanted is not None:
        candidates = [c for c in candidates if c.year == wanted]
    return sorted(candidates, key=lambda c: (c.year is None, c.year or 0, c.date or "", c.iri))


def _matching_documents(store: GraphStore, ref: Reference) -> list[str]:
    found: list[str] = []
    if ref.symbol:
        rows = store.query(_BY_SYMBOL, {"symbol": ref.symbol}).rows
        found = [str(r[1]) for r in rows]
        if not found and ref.number:
            # Loosely typed symbols: "217-QD/TW" for 217-QĐ/TW.
            key = _fold(ref.symbol)
            rows = store.query(_BY_NUMBER, {"number": ref.number}).rows
            found = [str(r[1]) for r in rows if r[2] is not None and _fold(str(r[2])) == key]
    elif ref.name:
        key = _fold(ref.name)
        rows = store.query(_BY_NAME).rows
        found = [str(r[0]) for r in rows if _fold(str(r[1])) == key]
    elif ref.number:
        rows = store.query(_BY_NUMBER, {"number": ref.number}).rows
        type_iri = DOCUMENT_TYPES.get(ref.type or "")
        found = [str(r[1]) for r in rows if type_iri is None or r[3] == str(type_iri)]
    return sorted(set(found))


def _fold(text: str) -> str:
    """A loose comparison key: no diacritics, Đ as D, case and spacing folded."""
    text = unicodedata.normalize("NFD", text.replace("Đ", "D").replace("đ", "d"))
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return " ".join(text.casefold().split())


def _candidate(store: GraphStore, iri: str) -> Candidate:
    rows = store.query(_DETAILS, {"doc": IRI(iri)}).dicts()
    if not rows:
        raise TraceError(f"<{iri}> is not a document of the graph")
    first = rows[0]
    titles = sorted({str(r["title"]) for r in rows if r["title"]}, key=len)
    return Candidate(
        iri=iri,
        label=str(first["label"] or first["symbol"] or iri),
        symbol=_str(first["symbol"]),
        date=_str(first["date"]),
        year=first["year"] if isinstance(first["year"], int) else None,
        title=titles[-1] if titles else None,
        issuers=tuple(sorted({str(r["issuer"]) for r in rows if r["issuer"]})),
        mentions=max(_int(r["mentions"]) for r in rows),
        ambiguous=any(r["ambiguous"] is True for r in rows),
    )


def _str(value: Value) -> str | None:
    return None if value is None else str(value)


# --------------------------------------------------------------------------------------------
# The tree


NodeKind = Literal["document", "source"]


@dataclass
class TraceNode:
    """One document or report in a trace, and how it acts on its parent.

    ``relation`` is ``implements``, ``follows_up``, ``reviews``, ``guides`` (or ``cited_in``
    for a source that only cites the parent), ``None`` for the root.  ``repeat`` marks a node
    shown earlier in the tree (not expanded again, which also stops cycles); ``truncated``
    one whose own implementers lie beyond the depth limit.
    """

    iri: str
    kind: NodeKind
    label: str
    date: str | None = None
    year: int | None = None
    relation: str | None = None
    cue: str | None = None
    evidence: str | None = None
    evidence_mentions: tuple[str, ...] = ()
    file: str | None = None
    children: list[TraceNode] = field(default_factory=list)
    repeat: bool = False
    truncated: bool = False

    def walk(self) -> Iterator[TraceNode]:
        """This node and every node below it, depth first."""
        yield self
        for child in self.children:
            yield from child.walk()

    def to_dict(self) -> dict[str, Any]:
        return {
            "iri": self.iri,
            "kind": self.kind,
            "label": self.label,
            "date": self.date,
            "year": self.year,
            "relation": self.relation,
            "cue": self.cue,
            "evidence": self.evidence,
            "file": self.file,
            "repeat": self.repeat,
            "truncated": self.truncated,
            "children": [c.to_dict() for c in self.children],
        }


@dataclass
class TraceTree:
    """The trace of one document: the root and, below it, what acts on it."""

    root: TraceNode
    max_depth: int

    def nodes(self) -> Iterator[TraceNode]:
        return self.root.walk()

    def to_dict(self) -> dict[str, Any]:
        return {"max_depth": self.max_depth, "root": self.root.to_dict()}


_ROOT = """
SELECT ?doc ?label ?date ?year WHERE {
  ?doc a kg:Document .
  OPTIONAL { ?doc skos:prefLabel ?label }
  OPTIONAL { ?doc eli:date_document ?date }
  OPTIONAL { ?doc kg:year ?year }
}
"""

# The subjects acting on ?parent, with the cue and sentence of the assertion; the
# super-property kg:implements written beside kg:followsUp is skipped.  Inside OPTIONAL the
# bound terms come first, and the evidence mentions are a query of their own: nested in this
# one, Oxigraph joined them over every mention of the graph (0.2 s a node on 200k triples).
_CHILDREN = """
SELECT ?parent ?child ?relation ?isSource ?label ?date ?year ?cue ?evidence ?ownFile
WHERE {
  VALUES ?relation { kg:implements kg:followsUp kg:reviews kg:guides }
  ?child ?relation ?parent .
  FILTER (?relation != kg:implements || NOT EXISTS { ?child kg:followsUp ?parent })
  BIND (EXISTS { ?child a kg:Source } AS ?isSource)
  OPTIONAL { ?child skos:prefLabel ?prefLabel }
  OPTIONAL { ?child dcterms:title ?title }
  OPTIONAL { ?child kg:file ?ownFile }
  BIND (COALESCE(?prefLabel, ?title, ?ownFile) AS ?label)
  OPTIONAL { ?child eli:date_document ?docDate }
  OPTIONAL { ?child kg:publishedAt ?published }
  BIND (COALESCE(?docDate, ?published) AS ?date)
  OPTIONAL { ?child kg:year ?year }
  OPTIONAL {
    ?assertion kg:objectDoc ?parent ;
               kg:subjectDoc ?child ;
               kg:relation ?relation .
    OPTIONAL { ?assertion kg:cue ?cue }
    OPTIONAL { ?assertion kg:evidenceText ?evidence }
  }
}
"""

# The mentions in each evidence sentence of the assertions about ?parent, and their file.
_EVIDENCE = """
SELECT ?parent ?child ?relation ?mtext ?mstart ?file WHERE {
  ?assertion kg:objectDoc ?parent ;
             kg:subjectDoc ?child ;
             kg:relation ?relation ;
             kg:evidence ?mention .
  ?mention kg:text ?mtext ;
           kg:start ?mstart ;
           kg:inSource ?source .
  ?source kg:file ?file .
}
"""

_CITED_IN = """
SELECT ?parent ?source ?label ?date ?file ?sentence ?start ?mtext WHERE {
  ?mention kg:mentions ?parent ;
           kg:inSource ?source ;
           kg:start ?start ;
           kg:text ?mtext .
  OPTIONAL { ?mention kg:sentence ?sentence }
  OPTIONAL { ?source dcterms:title ?title }
  OPTIONAL { ?source kg:file ?file }
  BIND (COALESCE(?title, ?file) AS ?label)
  OPTIONAL { ?source kg:publishedAt ?date }
}
"""


def trace(
    store: GraphStore, doc_iri: str, max_depth: int = 6, *, cited_in: bool = False
) -> TraceTree:
    """The tree of everything that implements, follows up, reviews or guides ``doc_iri``,
    directly or through a chain of at most ``max_depth`` edges.

    A node met a second time (another path, or a cycle) is shown again with ``repeat`` set and
    not expanded.  With ``cited_in``, every document of the tree also gets one leaf per source
    that cites it without being linked to it by a relation (except the source its own
    evidence sentence comes from).
    """
    if max_depth < 1:
        raise TraceError("the depth must be at least 1")
    rows = store.query(_ROOT, {"doc": IRI(doc_iri)}).dicts()
    if not rows:
        raise TraceError(f"<{doc_iri}> is not a document of the graph")
    first = rows[0]
    root = TraceNode(
        iri=doc_iri,
        kind="document",
        label=str(first["label"] or doc_iri),
        date=_str(first["date"]),
        year=first["year"] if isinstance(first["year"], int) else None,
    )
    expanded = {doc_iri}
    frontier = [root]
    for depth in range(max_depth + 1):
        next_frontier: list[TraceNode] = []
        for node in frontier:
            children = _children(store, node.iri)
            if depth == max_depth:
                node.truncated = bool(children)
                continue
            for child in children:
                if child.iri in expanded:
                    child.repeat = True
                elif child.kind == "document":
                    expanded.add(child.iri)
                    next_frontier.append(child)
                node.children.append(child)
            if cited_in:
                # A source already linked, or the one the node's own evidence comes from,
                # adds nothing.
                linked = {c.iri for c in node.children}
                node.children.extend(
                    c for c in _citing_sources(store, node.iri)
                    if c.iri not in linked and (node.file is None or c.file != node.file)
                )
        frontier = next_frontier
        if not frontier:
            break
    return TraceTree(root, max_depth)


def _children(store: GraphStore, parent: str) -> list[TraceNode]:
    bound = {"parent": IRI(parent)}
    nodes: dict[tuple[str, str], TraceNode] = {}
    for r in store.query(_CHILDREN, bound).dicts():
        key = (str(r["child"]), TRACED_RELATIONS[str(r["relation"])])
        if key in nodes:
            continue  # a second title or date: the first is kept
        is_source = r["isSource"] is True
        nodes[key] = TraceNode(
            iri=key[0],
            kind="source" if is_source else "document",
            label=str(r["label"] or key[0]),
            date=_str(r["date"]),
            year=r["year"] if isinstance(r["year"], int) else None,
            relation=key[1],
            cue=_str(r["cue"]),
            evidence=_str(r["evidence"]),
            file=_str(r["ownFile"]) if is_source else None,
        )
    mentions: dict[tuple[str, str], dict[int, str]] = {key: {} for key in nodes}
    for r in store.query(_EVIDENCE, bound).dicts():
        key = (str(r["child"]), TRACED_RELATIONS.get(str(r["relation"]), ""))
        if key not in nodes:
            continue
        if nodes[key].file is None:
            nodes[key].file = _str(r["file"])
        if isinstance(r["mstart"], int):
            mentions[key][r["mstart"]] = str(r["mtext"])
    for key, node in nodes.items():
        node.evidence_mentions = tuple(text for _, text in sorted(mentions[key].items()))
    return sorted(nodes.values(), key=_node_order)


def _citing_sources(store: GraphStore, parent: str) -> list[TraceNode]:
    rows = store.query(_CITED_IN, {"parent": IRI(parent)}).dicts()
    nodes: dict[str, TraceNode] = {}
    for r in sorted(rows, key=lambda r: (str(r["source"]), _int(r["start"]))):
        iri = str(r["source"])
        if iri not in nodes:
            nodes[iri] = TraceNode(
                iri=iri,
                kind="source",
                label=str(r["label"] or iri),
                date=_str(r["date"]),
                relation="cited_in",
                evidence=_str(r["sentence"]),
                evidence_mentions=(str(r["mtext"]),),
                file=_str(r["file"]),
            )
    return sorted(nodes.values(), key=_node_order)


def _int(value: Value) -> int:
    return value if isinstance(value, int) else 0


def _node_order(node: TraceNode) -> tuple[bool, str, str]:
    date = node.date or (str(node.year) if node.year else "")
    return (not date, date, node.label)


# --------------------------------------------------------------------------------------------
# Text rendering


def render_tree(tree: TraceTree, *, evidence_width: int = 160) -> str:
    """The tree as text, one node a line with its date and relation, and the evidence
    sentence (shortened around the citation) beneath it."""
    # A repeated node is marked only where its expanded twin has something below it.
    with_children = {n.iri for n in tree.nodes() if n.children and not n.repeat}
    lines = [f"{_node_line(tree.root, with_children)}  <{compact_iri(tree.root.iri)}>"]
    _render_children(tree.root, "", lines, evidence_width, with_children)
    return "\n".join(lines) + "\n"


def _render_children(
    node: TraceNode, prefix: str, lines: list[str], width: int, with_children: set[str]
) -> None:
    for i, child in enumerate(node.children):
        last = i == len(node.children) - 1
        lines.append(prefix + ("└── " if last else "├── ") + _node_line(child, with_children))
        inner = prefix + ("    " if last else "│   ")
        bar = "│ " if child.children else "  "
        if child.evidence:
            snippet = evidence_snippet(child, width)
            where = f"  ({_file_name(child.file)})" if child.file else ""
            lines.append(f"{inner}{bar}“{snippet}”{where}")
        elif child.file and child.kind == "document":
            lines.append(f"{inner}{bar}({_file_name(child.file)})")
        _render_children(child, inner, lines, width, with_children)


def _node_line(node: TraceNode, with_children: set[str]) -> str:
    parts = []
    if node.relation is not None:
        parts.append(f"[{RELATION_WORDS.get(node.relation, node.relation)}]")
    label = node.label
    if node.kind == "source":
        label = "source: " + _shorten(label, 90)
    parts.append(label)
    when = display_date(node.date, node.year)
    if when:
        parts.append(f"· {when}")
    if node.repeat and node.iri in with_children:
        parts.append("(expanded elsewhere in the tree)")
    if node.truncated:
        parts.append("(more below; raise --depth)")
    return " ".join(parts)


def display_date(date: str | None, year: int | None = None) -> str:
    """``2013-06-03`` for a date or a date-time, the year alone when only that is known."""
    if date:
        return date[:10]
    return str(year) if year else ""


def evidence_snippet(node: TraceNode, width: int = 160) -> str:
    """The evidence sentence, cut to ``width`` characters around the citation and its cue."""
    text = " ".join((node.evidence or "").split())
    if len(text) <= width:
        return text
    anchor: int | None = None
    for mention in node.evidence_mentions:
        pos = text.find(" ".join(mention.split()))
        if pos >= 0:
            anchor = pos
            break
    if node.cue:
        cue_pos = _find_cue(text, node.cue, anchor)
        if cue_pos is not None and (anchor is None or anchor - cue_pos <= 80):
            anchor = cue_pos if anchor is None else min(anchor, cue_pos)
    start = max(0, (anchor or 0) - 20)
    if start <= 40:
        start = 0  # close to the beginning: show the sentence from its start
    else:
        space = text.rfind(" ", 0, start)
        start = space + 1 if space >= 0 and start - space < 15 else start
    end = min(len(text), start + width)
    snippet = text[start:end].strip()
    return ("…" if start > 0 else "") + snippet + ("…" if end < len(text) else "")


def _find_cue(text: str, cue: str, before: int | None) -> int | None:
    pattern = re.escape(" ".join(cue.split())).replace(r"\ ", r"\s+")
    positions = [m.start() for m in re.finditer(pattern, text, re.IGNORECASE)]
    if not positions:
        return None
    if before is not None:
        earlier = [p for p in positions if p <= before]
        if earlier:
            return earlier[-1]
    return positions[0]


def _shorten(text: str, width: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


def _file_name(path: str | None) -> str:
    return (path or "").replace("\\", "/").rsplit("/", 1)[-1]


def render_candidates(candidates: list[Candidate]) -> str:
    """One line per candidate: label, date, issuers, title, IRI."""
    lines = []
    for c in candidates:
        when = display_date(c.date, c.year) or "date unknown"
        parts = [f"  {c.label}", when]
        if c.issuers:
            parts.append(", ".join(c.issuers))
        if c.title:
            parts.append(_shorten(c.title, 70))
        parts.append(f"{c.mentions} mention{'s' if c.mentions != 1 else ''}")
        if c.ambiguous:
            parts.append("undated citations that may mean several documents")
        lines.append(" · ".join(parts) + f"  {compact_iri(c.iri)}")
    return "\n".join(lines)

