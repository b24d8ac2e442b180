"""The knowledge graph as one self-contained, interactive HTML page (pyvis / vis-network).

:func:`graph_page` reads a built graph (:mod:`kg.graph`) and returns the page;
:func:`write_graph_page` writes it atomically.  The page works from the file system with no
network at all: vis-network's script and style are inlined from the pyvis package, the page's
own script and style come from ``kg/assets/``, and a Content-Security-Policy forbids any fetch.
pyvis's global ``network`` (and ``nodes``, ``edges``) stay in the page, so that tests and
users can script the drawn graph.

What is drawn
    * nodes: every ``kg:Document`` (a dot coloured by document type, sized by how many texts
      cite it), every ``kg:IssuingBody`` (a diamond) and every ``kg:Source`` (a square);
    * edges, from the citing (or issued, or belonging) node to the cited one, one per node
      pair and kind: the relations of :data:`kg.graph.RELATION_PROPERTIES`, ``cites``
      (``eli:refers_to`` from a source, left out when a more specific relation or
      ``kg:isTextOf`` joins the same pair), ``issued by`` (``eli:passed_by``), ``part of``
      (``kg:partOf``) and ``is text of`` (``kg:isTextOf``); ``implements`` is left out where
      ``follows up`` (its sub-property) joins the same pair.

Untrusted text (titles, sentences, names) never becomes markup: the node and edge data and the
details blob are JSON with ``<``, ``>``, ``&`` and ``'`` escaped, tooltips are plain strings
(vis-network shows them with ``innerText``) and the page's script builds the side panel with
``textContent`` only.

pyvis renders the page: its ``Network`` holds the nodes, edges and options, and its
``generate_html`` fills kg's template (``kg/assets/graph_template.html``, loaded through
pyvis's own template mechanism) instead of pyvis's, which links Bootstrap from a CDN.
:func:`check_self_contained` then refuses any page that would fetch something.

Large graphs: positions are computed here, with physics off in the browser (see
:func:`layout_positions`); above 1,000 nodes or 2,000 edges, edges are drawn without label
and dashes until the user zooms in (the page's "level of detail"), and the implementation
chain of a selected document is painted over the canvas rather than by restyling every
node.  5,000 nodes and 20,000 edges open in about 3.5 s in headless Chromium and answer
every interaction within about half a second (BENCHMARKS.md).
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
from rdflib import RDF, SKOS, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS
from rdflib.term import Node

from kg.vocab import ELI, KG, KGID

__all__ = [
    "DEFAULT_TITLE",
    "RELATION_STYLES",
    "TYPE_COLORS",
    "GraphView",
    "PageInfo",
    "RelationStyle",
    "check_self_contained",
    "graph_page",
    "graph_view",
    "layout_positions",
    "node_anchor",
    "vn_date",
    "write_graph_page",
]

ASSETS = Path(__file__).resolve().parent / "assets"
"""The page's own template, script and style."""

DEFAULT_TITLE = "Knowledge graph of cited documents"

# --------------------------------------------------------------------------------------------
# Styles


@dataclass(frozen=True, slots=True)
class RelationStyle:
    """How one kind of edge is drawn and named."""

    key: str
    label: str
    vi: str
    color: str
    dashes: tuple[int, ...] = ()
    width: float = 1.5
    chain: bool = False
    """Whether the edge is a link of an implementation chain (from the implementer)."""


RELATION_STYLES: tuple[RelationStyle, ...] = (
    RelationStyle("cites", "cites", "trích dẫn", "#9e9e9e", (), 1.0),
    RelationStyle("implements", "implements", "thực hiện", "#2e7d32", (), 2.5, chain=True),
    RelationStyle("follows_up", "follows up", "tiếp tục thực hiện", "#66bb6a", (8, 4), 2.5,
                  chain=True),
    RelationStyle("reviews", "reviews", "sơ kết, tổng kết", "#1565c0", (2, 4), 2.5, chain=True),
    RelationStyle("guides", "guides", "hướng dẫn", "#00838f", (12, 4, 2, 4), 2.0, chain=True),
    RelationStyle("based_on", "based on", "căn cứ", "#7b1fa2", (10, 5), 1.5),
    RelationStyle("amends", "amends", "sửa đổi, bổ sung", "#ef6c00", (4, 3), 2.0),
    RelationStyle("replaces", "replaces", "thay thế", "#c62828", (10, 3, 2, 3), 2.0),
    RelationStyle("repeals", "repeals", "bãi bỏ", "#8e0000", (3, 3), 2.5),
    RelationStyle("issued_by", "issued by", "cơ quan ban hành", "#c9a227", (1, 4), 1.0),
    RelationStyle("part_of", "part of", "trực thuộc", "#6d4c41", (1, 3), 1.5),
    RelationStyle("text_of", "is text of", "là văn bản của", "#455a64", (6, 3), 1.5),
)
"""Every kind of edge, in legend order."""

_STYLE_BY_KEY = {s.key: s for s in RELATION_STYLES}

_RELATION_PROPS: dict[URIRef, str] = {
    KG.implements: "implements",
    KG.followsUp: "follows_up",
    KG.reviews: "reviews",
    KG.guides: "guides",
    ELI.based_on: "based_on",
    ELI.amends: "amends",
    KG.replaces: "replaces",
    ELI.repeals: "repeals",
}
"""Relation properties between documents (or from a source to a document)."""

TYPE_COLORS: Mapping[str, str] = {
    "Nghị quyết": "#d62728",
    "Chỉ thị": "#ff7f0e",
    "Kết luận": "#9467bd",
    "Kế hoạch": "#2ca02c",
    "Công văn": "#8c564b",
    "Quyết định": "#1f77b4",
    "Nghị định": "#17becf",
    "Luật": "#bcbd22",
    "Bộ luật": "#8a8b14",
    "Hiến pháp": "#5c5d0e",
    "Thông tư": "#e377c2",
    "Hướng dẫn": "#6baed6",
    "Quy định": "#ffbb78",
    "Thông báo": "#98df8a",
    "Chương trình": "#c5b0d5",
    "Báo cáo": "#c49c94",
    "Đề án": "#f7b6d2",
    "Quy chế": "#dbdb8d",
    "Công điện": "#9edae5",
    "Thông tư liên tịch": "#b5489a",
    "Nghị quyết liên tịch": "#ff9896",
    "Pháp lệnh": "#a6761d",
}
"""Fill colour of each document type; other types share :data:`OTHER_TYPE_COLOR`."""

OTHER_TYPE_COLOR = "#bdbdbd"
UNKNOWN_TYPE = "Khác"
BODY_COLOR = {"background": "#ffd54f", "border": "#8d6e00"}
SOURCE_COLOR = {"background": "#90a4ae", "border": "#455a64"}

_LEVELS = {KG.Central: "central", KG.Province: "province", KG.District: "district",
           KG.Grassroots: "grassroots"}

# --------------------------------------------------------------------------------------------
# Reading the graph


@dataclass(slots=True)
class GraphView:
    """What the page draws, read from an RDF graph: node and edge dictionaries for vis-network
    (positions not yet set) and the details blob for the side panel."""

    nodes: list[dict[str, Any]]
    edges: list[dict[str, Any]]
    info: dict[str, dict[str, Any]]
    """Details of each node by id (kind, fields, evidence as sentence indices)."""
    sentences: list[str]
    edge_info: dict[str, dict[str, Any]]
    """Evidence of each relation edge by edge id."""
    types: list[dict[str, Any]]
    bodies: list[dict[str, Any]]
    relations: list[dict[str, Any]]
    years: list[int] = field(default_factory=list)


class _Sentences:
    """Each distinct sentence stored once; mentions refer to it by index."""

    def __init__(self) -> None:
        self.items: list[str] = []
        self.index: dict[str, int] = {}

    def add(self, sentence: str) -> int:
        found = self.index.get(sentence)
        if found is None:
            found = self.index[sentence] = len(self.items)
            self.items.append(sentence)
        return found


class _Index:
    """Property values of a graph by subject, read one predicate at a time (a whole predicate
    at once is many times faster than one rdflib lookup per subject and property)."""

    def __init__(self, graph: Graph) -> None:
        self.graph = graph
        self._props: dict[URIRef, dict[str, list[Node]]] = {}

    def _prop(self, prop: URIRef) -> dict[str, list[Node]]:
        found = self._props.get(prop)
        if found is None:
            found = self._props[prop] = defaultdict(list)
            for subj, obj in self.graph.subject_objects(prop):
                found[str(subj)].append(obj)
        return found

    def subjects(self, cls: URIRef) -> list[str]:
        return sorted({str(s) for s in self.graph.subjects(RDF.type, cls)})

    def nodes(self, subject: str, prop: URIRef) -> list[Node]:
        return self._prop(prop).get(subject, [])

    def values(self, subject: str, prop: URIRef) -> list[str]:
        return sorted(str(v) for v in self.nodes(subject, prop))

    def value(self, subject: str, prop: URIRef) -> str | None:
        """One value (an IRI or a literal) as a string, the smallest if there are several."""
        found = self.values(subject, prop)
        return found[0] if found else None

    def text(self, subject: str, prop: URIRef) -> str | None:
        """One literal as a string, a Vietnamese or untagged one first, or None."""
        best: str | None = None
        for value in self.nodes(subject, prop):
            if isinstance(value, Literal):
                if value.language in (None, "vi"):
                    return str(value)
                best = best or str(value)
        return best


def vn_date(value: str | None) -> str:
    """An ISO date or date-time as people write it in Vietnam: "03/06/2013", with the time
    for a date-time ("27/05/2019 10:36"); anything else unchanged."""
    if not value:
        return ""
    m = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::\d{2}(?:\.\d+)?)?.*)?",
                     value)
    if m is None:
        return value
    y, mo, d, hh, mm = m.groups()
    return f"{d}/{mo}/{y}" + (f" {hh}:{mm}" if hh else "")


def _short(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _doc_label(symbol: str | None, year: int | None, pref: str | None, iri: str) -> str:
    """The node label: the symbol with its year ("25-NQ/TW (2013)"), else the prefLabel."""
    if symbol:
        if year and f"/{year}/" not in symbol:
            return f"{symbol} ({year})"
        return symbol
    return pref or iri.rsplit("/", 1)[-1]


def graph_view(graph: Graph) -> GraphView:
    """Read the documents, bodies, sources, mentions and relations of a built graph."""
    sentences = _Sentences()
    ix = _Index(graph)
    docs = ix.subjects(KG.Document)
    bodies = ix.subjects(KG.IssuingBody)
    sources = ix.subjects(KG.Source)
    kind: dict[str, str] = {}
    for d in docs:
        kind[d] = "document"
    for b in bodies:
        kind.setdefault(b, "body")
    for s in sources:
        kind.setdefault(s, "source")
    published = {s: ix.text(s, KG.publishedAt) or "" for s in sources}
    evidence = _mention_evidence(ix, sentences, published)
    edge_keys = _edge_keys(graph, kind)
    rel_evidence = _relation_evidence(ix, sentences)
    labels = {b: ix.text(b, SKOS.prefLabel) or b.rsplit("/", 1)[-1] for b in bodies}
    body_docs: dict[str, int] = defaultdict(int)
    out_links: dict[str, int] = defaultdict(int)
    for subj, key, obj in edge_keys:
        out_links[subj] += 1
        if key == "issued_by":
            body_docs[obj] += 1

    info: dict[str, dict[str, Any]] = {}
    nodes: list[dict[str, Any]] = []
    for d in docs:
        entry = _document_entry(ix, d, evidence.get(d, []), kind)
        info[d] = entry
        nodes.append({
            "id": d,
            "label": entry["label"],
            "title": _doc_tooltip(entry, labels),
            "shape": "dot",
            "size": round(10 + 4 * min(entry["cited_by"], 100) ** 0.5, 1),
            "color": _type_color(entry["type"]),
        })
    for b in bodies:
        entry = _body_entry(ix, b, labels[b], body_docs.get(b, 0), kind)
        info[b] = entry
        tip = [labels[b], "Issuing body" + (f" ({entry['regime']}, {entry['level']})"
                                           if entry["regime"] and entry["level"] else "")]
        tip.append(f"Issued {entry['documents']} document(s) in this graph")
        nodes.append({
            "id": b,
            "label": labels[b],
            "title": "\n".join(tip),
            "shape": "diamond",
            "size": round(14 + 2 * min(entry["documents"], 100) ** 0.5, 1),
            "color": dict(BODY_COLOR),
        })
    for s in sources:
        entry = _source_entry(ix, s, published[s])
        info[s] = entry
        tip = [_short(entry["title"], 200) or entry["label"], "Source text"]
        if entry["published"]:
            tip.append(f"Published: {entry['published']}")
        if entry["file"]:
            tip.append(f"File: {entry['file']}")
        tip.append(f"Cites {out_links.get(s, 0)} document(s)")
        nodes.append({
            "id": s,
            "label": entry["label"],
            "title": "\n".join(tip),
            "shape": "square",
            "size": 8,
            "color": dict(SOURCE_COLOR),
        })

    edges: list[dict[str, Any]] = []
    edge_info: dict[str, dict[str, Any]] = {}
    rel_count: dict[str, int] = defaultdict(int)
    for i, (subj, key, obj) in enumerate(edge_keys):
        style = _STYLE_BY_KEY[key]
        eid = f"e{i}"
        rel_count[key] += 1
        edges.append({
            "id": eid,
            "from": subj,
            "to": obj,
            "rel": key,
            "label": style.label,
            "title": f"{info[subj]['label']} {style.label} {info[obj]['label']}",
            "color": style.color,
            "width": style.width,
            "dashes": list(style.dashes) if style.dashes else False,
        })
        items = rel_evidence.get((subj, key, obj))
        if key == "follows_up" and not items:
            items = rel_evidence.get((subj, "implements", obj))
        if items:
            edge_info[eid] = {"evidence": items}

    type_count: dict[str, int] = defaultdict(int)
    years: set[int] = set()
    for d in docs:
        type_count[info[d]["type"]] += 1
        if info[d]["year"]:
            years.add(info[d]["year"])
    return GraphView(
        nodes=nodes,
        edges=edges,
        info=info,
        sentences=sentences.items,
        edge_info=edge_info,
        types=[{"name": t, "color": TYPE_COLORS.get(t, OTHER_TYPE_COLOR), "count": n}
               for t, n in sorted(type_count.items(), key=lambda kv: (-kv[1], kv[0]))],
        bodies=[{"id": b, "label": labels[b], "documents": body_docs.get(b, 0)}
                for b in sorted(bodies, key=lambda b: (-body_docs.get(b, 0), labels[b]))],
        relations=[{"key": st.key, "label": st.label, "vi": st.vi, "color": st.color,
                    "dashes": list(st.dashes), "width": st.width, "chain": st.chain,
                    "count": rel_count.get(st.key, 0)} for st in RELATION_STYLES],
        years=sorted(years),
    )


_Evidence = list[tuple[str, int, str, str, int]]
"""Mentions of one document: (source, start offset, published, cited text, sentence index)."""


def _mention_evidence(
    ix: _Index, sentences: _Sentences, published: Mapping[str, str]
) -> dict[str, _Evidence]:
    """Every document's mentions, oldest source first."""
    evidence: dict[str, _Evidence] = defaultdict(list)
    for m in ix.subjects(KG.Mention):
        doc, src = ix.value(m, KG.mentions), ix.value(m, KG.inSource)
        if doc is None or src is None:
            continue
        start = ix.value(m, KG.start) or ""
        offset = int(start) if start.isdigit() else 0
        index = sentences.add(ix.text(m, KG.sentence) or "")
        evidence[doc].append(
            (src, offset, published.get(src, ""), ix.text(m, KG.text) or "", index)
        )
    for items in evidence.values():
        items.sort(key=lambda e: (e[2], e[0], e[1]))
    return evidence


def _edge_keys(graph: Graph, kind: Mapping[str, str]) -> list[tuple[str, str, str]]:
    """The drawn edges as (from, relation key, to), in legend order (see the module doc)."""
    pairs: dict[tuple[str, str], set[str]] = defaultdict(set)

    def add(prop: URIRef, key: str, *, unless_any: bool = False) -> None:
        for subj, obj in graph.subject_objects(prop):
            pair = (str(subj), str(obj))
            if unless_any and pairs.get(pair):
                continue
            pairs[pair].add(key)

    for prop, key in _RELATION_PROPS.items():
        add(prop, key)
    add(KG.isTextOf, "text_of")
    add(ELI.refers_to, "cites", unless_any=True)  # after the specific relations
    add(ELI.passed_by, "issued_by")
    add(KG.partOf, "part_of")
    order = {style.key: i for i, style in enumerate(RELATION_STYLES)}
    keys: list[tuple[str, str, str]] = []
    for (subj, obj), found in pairs.items():
        if subj not in kind or obj not in kind or subj == obj:
            continue
        if "follows_up" in found:
            found.discard("implements")
        keys.extend((subj, key, obj) for key in found)
    keys.sort(key=lambda e: (order[e[1]], e[0], e[2]))
    return keys


def _relation_evidence(
    ix: _Index, sentences: _Sentences
) -> dict[tuple[str, str, str], list[dict[str, Any]]]:
    """The evidence of each relation edge, from its kg:RelationAssertion nodes."""
    found: dict[tuple[str, str, str], list[dict[str, Any]]] = defaultdict(list)
    for ra in ix.subjects(KG.RelationAssertion):
        subj, prop, obj = (ix.value(ra, KG.subjectDoc), ix.value(ra, KG.relation),
                           ix.value(ra, KG.objectDoc))
        if subj is None or obj is None or prop is None:
            continue
        key = _RELATION_PROPS.get(URIRef(prop))
        if key is None:
            continue
        srcs = sorted({src for m in ix.values(ra, KG.evidence)
                       for src in ix.values(m, KG.inSource)})
        item: dict[str, Any] = {"s": sentences.add(ix.text(ra, KG.evidenceText) or "")}
        if srcs:
            item["src"] = srcs[0]
        cue = ix.text(ra, KG.cue)
        if cue:
            item["cue"] = cue
        found[(subj, key, obj)].append(item)
    return found


def _document_entry(
    ix: _Index, iri: str, evidence: _Evidence, kind: Mapping[str, str]
) -> dict[str, Any]:
    type_iri = ix.value(iri, ELI.type_document)
    dtype = ix.text(type_iri, SKOS.prefLabel) if type_iri is not None else None
    symbol = ix.text(iri, ELI.id_local)
    year_text = ix.text(iri, KG.year)
    year = int(year_text) if year_text and year_text.isdigit() else None
    pref = ix.text(iri, SKOS.prefLabel)
    conflicts: list[dict[str, Any]] = []
    for c in ix.values(iri, KG.hasConflict):
        prop = ix.value(c, KG.onProperty)
        name = ("date" if prop == str(ELI.date_document) else
                "term" if prop == str(KG.partyTerm) else
                prop.rsplit("#", 1)[-1] if prop is not None else "value")
        values = ix.values(c, KG.conflictValue)
        conflicts.append({"property": name,
                          "values": [vn_date(v) for v in values] if name == "date" else values})
    conflicts.sort(key=lambda c: str(c["property"]))
    return {
        "kind": "document",
        "label": _doc_label(symbol, year, pref, iri),
        "name": pref or "",
        "type": dtype or UNKNOWN_TYPE,
        "symbol": symbol or "",
        "number": ix.text(iri, ELI.number) or "",
        "date": vn_date(ix.text(iri, ELI.date_document)),
        "year": year,
        "term": ix.text(iri, KG.partyTerm) or "",
        "title": ix.text(iri, DCTERMS.title) or "",
        "alternative": ix.text(iri, DCTERMS.alternative) or "",
        "jurisdiction": ix.text(iri, KG.jurisdiction) or "",
        "issuers": [b for b in ix.values(iri, ELI.passed_by) if b in kind],
        "cited_by": len({e[0] for e in evidence}),
        "mentions": len(evidence),
        "conflicts": conflicts,
        "ambiguous": ix.text(iri, KG.ambiguous) == "true",
        "evidence": [[src, index, text] for src, _start, _date, text, index in evidence],
    }


def _body_entry(
    ix: _Index, iri: str, label: str, documents: int, kind: Mapping[str, str]
) -> dict[str, Any]:
    parent = ix.value(iri, KG.partOf)
    level = ix.value(iri, KG.level)
    types = ix.values(iri, RDF.type)
    regime = ("party" if str(KG.PartyBody) in types else
              "state" if str(KG.StateBody) in types else "")
    return {
        "kind": "body",
        "label": label,
        "level": _LEVELS.get(URIRef(level), "") if level else "",
        "regime": regime,
        "codes": ix.values(iri, KG.bodyCode),
        "place": ix.text(iri, KG.place) or "",
        "part_of": parent if parent is not None and parent in kind else "",
        "documents": documents,
    }


def _source_entry(ix: _Index, iri: str, published: str) -> dict[str, Any]:
    title = ix.text(iri, DCTERMS.title) or ""
    file = ix.text(iri, KG.file) or ""
    url = ix.text(iri, KG.url) or ""
    return {
        "kind": "source",
        "label": _short(title or file.rsplit("/", 1)[-1] or iri.rsplit("/", 1)[-1], 40),
        "title": title,
        "published": vn_date(published),
        "file": file,
        "url": url if re.match(r"https?://", url, re.I) else "",
        "place": ix.text(iri, KG.place) or "",
        "author": ix.text(iri, KG.authorLine) or "",
    }


def _type_color(dtype: str) -> dict[str, str]:
    fill = TYPE_COLORS.get(dtype, OTHER_TYPE_COLOR)
    return {"background": fill, "border": _darker(fill),
            "highlight": {"background": fill, "border": "#000000"}}  # type: ignore[dict-item]


def _darker(color: str, factor: float = 0.65) -> str:
    r, g, b = (int(color[i : i + 2], 16) for i in (1, 3, 5))
    return "#{:02x}{:02x}{:02x}".format(*(int(c * factor) for c in (r, g, b)))


def _doc_tooltip(entry: Mapping[str, Any], labels: Mapping[str, str]) -> str:
    """The plain-text tooltip of a document (shown with innerText: never markup)."""
    lines = [entry["name"] or entry["label"], f"Type: {entry['type']}"]
    if entry["symbol"]:
        lines.append(f"Symbol: {entry['symbol']}")
    if entry["date"]:
        lines.append(f"Date: {entry['date']}")
    elif entry["year"]:
        lines.append(f"Year: {entry['year']}")
    issuers = [labels.get(i, i) for i in entry["issuers"]]
    if issuers:
        lines.append("Issuer: " + "; ".join(issuers))
    if entry["jurisdiction"]:
        lines.append(f"Province: {entry['jurisdiction']}")
    if entry["term"]:
        lines.append(f"Term: {entry['term']}")
    if entry["title"]:
        lines.append("Title: " + _short(entry["title"], 220))
    n, m = entry["cited_by"], entry["mentions"]
    lines.append(f"Cited by {n} text{'s' if n != 1 else ''}"
                 + (f" ({m} mention{'s' if m != 1 else ''})" if m != n else ""))
    for c in entry["conflicts"]:
        lines.append(f"Conflicting {c['property']}: " + " / ".join(c["values"]))
    if entry["ambiguous"]:
        lines.append("Ambiguous: may stand for more than one document")
    return "\n".join(lines)


# --------------------------------------------------------------------------------------------
# Layout

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
Spectrum = npt.NDArray[np.complex128]

EXACT_MAX = 300
"""Components up to this size get an exact Fruchterman-Reingold layout; larger ones the
particle-mesh ForceAtlas2 one."""

NODE_SPACING = 60.0
"""The typical distance, in pixels, from a node to its nearest neighbour."""


def layout_positions(
    n: int,
    edges: Iterable[tuple[int, int]],
    *,
    seed: int = 0,
    iterations: int | None = None,
) -> FloatArray:
    """Positions (an ``n`` x 2 array, in vis-network pixels) for a graph of ``n`` nodes.

    Each connected component is laid out on its own and the components are packed in rows,
    largest first.  A component of up to :data:`EXACT_MAX` nodes gets Fruchterman-Reingold
    with exact all-pairs repulsion (even edge lengths, readable labels).  A larger one gets
    a ForceAtlas2-style layout (linear springs, repulsion proportional to the product of
    degrees + 1, weak gravity), whose all-pairs repulsion is approximated in O(n + g² log g)
    per iteration by a particle mesh: node masses are spread bilinearly on a g x g grid,
    convolved with the 1/r force kernel by FFT and read back at the nodes, plus an exact
    term between nodes that share a grid cell.  About 1 s for 5,000 nodes and 20,000 edges,
    where networkx's spring layout takes minutes.  Each component is scaled so that a node's
    nearest neighbour is typically :data:`NODE_SPACING` pixels away.  Deterministic for a
    given ``seed``.
    """
    if n == 0:
        return np.zeros((0, 2))
    pairs = np.array([(a, b) for a, b in edges if a != b], dtype=np.int64).reshape(-1, 2)
    src, dst = pairs[:, 0], pairs[:, 1]
    rng = np.random.default_rng(seed)
    labels = _components(n, src, dst)
    parts: list[tuple[IntArray, FloatArray]] = []
    local = np.full(n, -1, dtype=np.int64)
    edge_label = labels[src]
    order = np.argsort(edge_label, kind="stable")
    bounds = np.searchsorted(edge_label[order], np.arange(labels.max() + 2))
    members = np.argsort(labels, kind="stable")
    node_bounds = np.searchsorted(labels[members], np.arange(labels.max() + 2))
    for c in range(int(labels.max()) + 1):
        idx = members[node_bounds[c] : node_bounds[c + 1]]
        local[idx] = np.arange(len(idx))
        sel = order[bounds[c] : bounds[c + 1]]
        ls, ld = local[src[sel]], local[dst[sel]]
        if len(idx) <= EXACT_MAX:
            pos = _fruchterman_reingold(len(idx), ls, ld, rng, iterations)
        else:
            pos = _force_atlas(len(idx), ls, ld, rng, iterations)
        parts.append((idx, _scale_spacing(pos, rng)))
    return _pack(n, parts)


def _components(n: int, src: IntArray, dst: IntArray) -> IntArray:
    """The connected component of every node (0 = the largest), edges taken undirected."""
    parent = list(range(n))

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for a, b in zip(src.tolist(), dst.tolist(), strict=True):
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[ra] = rb
    roots = np.array([find(i) for i in range(n)], dtype=np.int64)
    _, first, inverse, counts = np.unique(roots, return_index=True, return_inverse=True,
                                          return_counts=True)
    rank = np.lexsort((first, -counts))  # biggest first, then by first node: deterministic
    relabel = np.empty_like(rank)
    relabel[rank] = np.arange(len(rank))
    result: IntArray = relabel[inverse.reshape(-1)]
    return result


def _fruchterman_reingold(
    n: int, src: IntArray, dst: IntArray, rng: np.random.Generator, iterations: int | None
) -> FloatArray:
    """Fruchterman-Reingold (repulsion 1/d, attraction d²) with exact repulsion: O(n²)."""
    if n == 1:
        return np.zeros((1, 2))
    pos: FloatArray = rng.uniform(-1.0, 1.0, (n, 2)) * np.sqrt(n)
    steps = iterations if iterations is not None else min(300, 60 + 2 * n)
    temperature = float(np.sqrt(n))
    cooling = (0.01 / temperature) ** (1.0 / steps)
    eye = np.eye(n, dtype=bool)
    for _ in range(steps):
        delta = pos[:, None, :] - pos[None, :, :]
        d2 = (delta * delta).sum(axis=2) + 1e-6
        d2[eye] = np.inf
        force = (delta / d2[:, :, None]).sum(axis=1)
        d = pos[dst] - pos[src]
        d *= np.hypot(d[:, 0], d[:, 1])[:, None]
        force[:, 0] += np.bincount(src, d[:, 0], n) - np.bincount(dst, d[:, 0], n)
        force[:, 1] += np.bincount(src, d[:, 1], n) - np.bincount(dst, d[:, 1], n)
        radius = np.hypot(pos[:, 0], pos[:, 1])[:, None] + 1e-9
        force -= 0.02 * pos / radius
        _move(pos, force, temperature)
        temperature *= cooling
    return pos


def _force_atlas(
    n: int, src: IntArray, dst: IntArray, rng: np.random.Generator, iterations: int | None
) -> FloatArray:
    """ForceAtlas2-style forces with particle-mesh repulsion: O(n + m) per iteration."""
    deg = np.bincount(src, minlength=n) + np.bincount(dst, minlength=n)
    mass = deg.astype(np.float64) + 1.0
    pos: FloatArray = rng.uniform(-1.0, 1.0, (n, 2)) * np.sqrt(n)
    grid = _grid_size(n)
    kernels = _force_kernels(grid)
    steps = iterations if iterations is not None else 150
    temperature = float(np.sqrt(n))
    cooling = (0.01 / temperature) ** (1.0 / steps)
    for _ in range(steps):
        force = _repulsion(pos, mass, grid, kernels)
        d = pos[dst] - pos[src]
        force[:, 0] += np.bincount(src, d[:, 0], n) - np.bincount(dst, d[:, 0], n)
        force[:, 1] += np.bincount(src, d[:, 1], n) - np.bincount(dst, d[:, 1], n)
        radius = np.hypot(pos[:, 0], pos[:, 1])[:, None] + 1e-9
        force -= 0.05 * mass[:, None] * pos / radius
        _move(pos, force / mass[:, None], temperature)
        temperature *= cooling
    return pos


def _grid_size(n: int) -> int:
    """About 2 sqrt(n) cells a side, rounded up to a size the FFT handles fast (5-smooth)."""
    want = min(max(2.0 * np.sqrt(n), 32.0), 160.0)
    return next(g for g in (32, 36, 40, 45, 48, 54, 60, 64, 72, 75, 80, 90, 96, 100, 108, 120,
                            125, 128, 135, 144, 150, 160) if g >= want)


def _move(pos: FloatArray, step: FloatArray, limit: float) -> None:
    """Move every node along its force, by at most ``limit`` (the temperature)."""
    length = np.hypot(step[:, 0], step[:, 1]) + 1e-12
    pos += step * (np.minimum(length, limit) / length)[:, None]


def _force_kernels(grid: int) -> tuple[Spectrum, Spectrum]:
    """FFTs of the x and y components of the 1/r repulsion kernel on a 2g x 2g grid."""
    offsets = np.fft.fftfreq(2 * grid, 1.0 / (2 * grid))
    dx, dy = np.meshgrid(offsets, offsets, indexing="ij")
    r2 = dx * dx + dy * dy + 0.25
    kx, ky = dx / r2, dy / r2
    kx[0, 0] = ky[0, 0] = 0.0
    return np.fft.rfft2(kx), np.fft.rfft2(ky)


def _repulsion(
    pos: FloatArray, mass: FloatArray, grid: int, kernels: tuple[Spectrum, Spectrum]
) -> FloatArray:
    """Repulsion on every node: particle-mesh far field plus exact forces within a cell."""
    size = 2 * grid
    lo = pos.min(axis=0)
    span = float((pos.max(axis=0) - lo).max()) * 1.02 + 1e-6
    h = span / (grid - 1)
    u = (pos - lo) / h
    i0 = np.minimum(np.floor(u).astype(np.int64), grid - 2)
    f = u - i0
    fx, fy = f[:, 0], f[:, 1]
    base = i0[:, 0] * size + i0[:, 1]
    corners = (base, base + size, base + 1, base + size + 1)
    weights = ((1 - fx) * (1 - fy), fx * (1 - fy), (1 - fx) * fy, fx * fy)
    rho = np.zeros(size * size)
    for idx, w in zip(corners, weights, strict=True):
        rho += np.bincount(idx, w * mass, size * size)
    spectrum = np.fft.rfft2(rho.reshape(size, size))
    field_x = np.fft.irfft2(spectrum * kernels[0], s=(size, size)).ravel()
    field_y = np.fft.irfft2(spectrum * kernels[1], s=(size, size)).ravel()
    out = np.zeros_like(pos)
    for idx, w in zip(corners, weights, strict=True):
        out[:, 0] += field_x[idx] * w
        out[:, 1] += field_y[idx] * w
    out *= (mass / h)[:, None]
    out += _short_range(pos, mass, h)
    return out


def _short_range(pos: FloatArray, mass: FloatArray, cell: float, reach: int = 6) -> FloatArray:
    """Exact repulsion between nodes in the same cell (which the mesh cannot separate)."""
    c = np.floor(pos / cell).astype(np.int64)
    key = c[:, 0] * 1_000_003 + c[:, 1]
    order = np.argsort(key, kind="stable")
    ks = key[order]
    out = np.zeros_like(pos)
    for k in range(1, reach + 1):
        same = ks[:-k] == ks[k:]
        if not same.any():
            break
        a, b = order[:-k][same], order[k:][same]
        d = pos[a] - pos[b]
        d2 = (d * d).sum(axis=1) + 1e-4 * cell * cell
        g = (mass[a] * mass[b] / d2)[:, None] * d
        np.add.at(out, a, g)
        np.add.at(out, b, -g)
    return out


def _scale_spacing(pos: FloatArray, rng: np.random.Generator) -> FloatArray:
    """Scale a component so that the median nearest-neighbour distance is NODE_SPACING
    (measured on a sample of at most 1,000 nodes)."""
    n = len(pos)
    if n < 2:
        return np.zeros((n, 2))
    pos = pos - pos.mean(axis=0)
    sample = np.arange(n) if n <= 1000 else rng.choice(n, 1000, replace=False)
    nearest = np.empty(len(sample))
    for i in range(0, len(sample), 256):
        rows = sample[i : i + 256]
        d2 = ((pos[rows, None, :] - pos[None, :, :]) ** 2).sum(axis=2)
        d2[np.arange(len(rows)), rows] = np.inf
        nearest[i : i + 256] = d2.min(axis=1)
    typical = float(np.sqrt(np.median(nearest)))
    return pos * (NODE_SPACING / typical) if typical > 1e-9 else pos


def _pack(n: int, parts: list[tuple[IntArray, FloatArray]], gap: float = 90.0) -> FloatArray:
    """Place the laid-out components in rows (largest first), the whole roughly 3:2."""
    boxes = []
    for idx, pos in parts:
        low = pos.min(axis=0) if len(pos) else np.zeros(2)
        shifted = pos - low
        size = (shifted.max(axis=0) if len(pos) else np.zeros(2)) + gap
        boxes.append((idx, shifted, size))
    total = sum(float(size[0] * size[1]) for _, _, size in boxes)
    width = max(max(float(size[0]) for _, _, size in boxes), float(np.sqrt(total * 1.5)))
    out = np.zeros((n, 2))
    x = y = row = 0.0
    for idx, shifted, size in boxes:
        if x > 0 and x + size[0] > width:
            x, y, row = 0.0, y + row, 0.0
        out[idx] = shifted + np.array([x, y])
        x += float(size[0])
        row = max(row, float(size[1]))
    result: FloatArray = out - (out.min(axis=0) + out.max(axis=0)) / 2
    return result


# --------------------------------------------------------------------------------------------
# The page


def _is_large(n_nodes: int, n_edges: int) -> bool:
    return n_edges > 2000 or n_nodes > 1000


def _vis_options(n_nodes: int, n_edges: int) -> dict[str, Any]:
    big = _is_large(n_nodes, n_edges)
    return {
        "autoResize": True,
        "nodes": {
            "borderWidth": 1,
            "borderWidthSelected": 3,
            "font": {"size": 13, "face": "system-ui, 'Segoe UI', Roboto, Arial, sans-serif",
                     "strokeWidth": 3, "strokeColor": "#ffffff"},
        },
        "edges": {
            "color": {"inherit": False, "opacity": 0.5 if big else 0.9},
            "smooth": False,
            "arrows": {"to": {"enabled": True, "scaleFactor": 0.5}},
            "font": {"size": 10, "align": "middle", "color": "#444444", "strokeWidth": 3,
                     "strokeColor": "#ffffff"},
            "selectionWidth": 1.5,
            "hoverWidth": 0,
        },
        "physics": {"enabled": False},
        "layout": {"improvedLayout": False, "randomSeed": 0},
        "interaction": {
            "hover": False,
            "tooltipDelay": 150,
            "hideEdgesOnDrag": big,
            "hideEdgesOnZoom": big,
            "multiselect": False,
            "keyboard": False,
        },
    }


@cache
def _asset(name: str) -> str:
    return (ASSETS / name).read_text(encoding="utf-8")


def _pyvis_templates() -> Path:
    import pyvis

    return Path(pyvis.__file__).resolve().parent / "templates"


def _vis_lib(templates: Path) -> str:
    """The newest vis-network 9 that pyvis ships (``lib/vis-9.1.2`` in pyvis 0.3.2)."""
    found = []
    for folder in (templates / "lib").glob("vis-9.*"):
        if (folder / "vis-network.min.js").is_file() and (folder / "vis-network.css").is_file():
            version = tuple(int(p) for p in re.findall(r"\d+", folder.name))
            found.append((version, f"lib/{folder.name}"))
    if not found:
        raise RuntimeError(f"no vis-network 9 in the pyvis package ({templates / 'lib'})")
    return max(found)[1]


_TAGS = re.compile(
    r"<(script|link|img|iframe|embed|source|audio|video|object|track|input)\b([^<>]{0,4000})>",
    re.IGNORECASE,
)
_FETCHING_ATTRIBUTE = re.compile(r"\b(?:src|href|data|srcset|poster)\s*=", re.IGNORECASE)
_STYLES = re.compile(r"<style\b[^>]*>(.*?)</style>", re.IGNORECASE | re.DOTALL)
_CSS_FETCH = re.compile(r"@import|url\(\s*(?![\"']?data:)", re.IGNORECASE)


def check_self_contained(page: str) -> None:
    """Raise ``ValueError`` when the page would fetch anything: an element with a source
    attribute (script, link, image, frame, media) or a style that imports or points to a
    non-``data:`` URL.  The page's data never matches: its ``<`` are escaped."""
    for m in _TAGS.finditer(page):
        if _FETCHING_ATTRIBUTE.search(m.group(2)):
            raise ValueError(f"the graph page would load an external resource: {m.group(0)!r}")
    for style in _STYLES.finditer(page):
        bad = _CSS_FETCH.search(style.group(1))
        if bad is not None:
            raise ValueError(f"a style of the graph page would fetch: {bad.group(0)!r}")


@dataclass(frozen=True, slots=True)
class PageInfo:
    """What :func:`write_graph_page` wrote."""

    path: Path
    nodes: int
    edges: int
    bytes: int


def graph_page(graph: Graph, *, title: str = DEFAULT_TITLE, seed: int = 0) -> str:
    """The graph as one self-contained HTML page (UTF-8 text): pyvis renders the nodes, edges
    and options into kg's template, which inlines vis-network and the page's own script."""
    return _page(graph, title, seed)[0]


def _page(graph: Graph, title: str, seed: int) -> tuple[str, int, int]:
    view = graph_view(graph)
    index = {node["id"]: i for i, node in enumerate(view.nodes)}
    positions = layout_positions(
        len(view.nodes), ((index[e["from"]], index[e["to"]]) for e in view.edges), seed=seed
    )
    for node, (x, y) in zip(view.nodes, positions.tolist(), strict=True):
        node["x"], node["y"] = round(x, 1), round(y, 1)
    large = _is_large(len(view.nodes), len(view.edges))
    if large:
        # Level of detail: thousands of labelled, dashed edges make every redraw and every
        # update several times slower, and at the zoom that shows them all a label or a dash
        # is below a pixel anyway.  The page adds label and dashes to the edges in view once
        # the user zooms in (graph.js, "level of detail").
        for edge in view.edges:
            del edge["label"], edge["title"], edge["dashes"]
    data = {
        "title": title,
        "base": str(KGID),
        "nodes": view.info,
        "edges": view.edge_info,
        "sentences": view.sentences,
        "types": view.types,
        "bodies": view.bodies,
        "relations": view.relations,
        "years": view.years,
        "lod": large,
        "counts": {
            "documents": sum(1 for v in view.info.values() if v["kind"] == "document"),
            "bodies": sum(1 for v in view.info.values() if v["kind"] == "body"),
            "sources": sum(1 for v in view.info.values() if v["kind"] == "source"),
            "edges": len(view.edges),
        },
    }
    page = _render(view.nodes, view.edges, _vis_options(len(view.nodes), len(view.edges)),
                   data, title)
    return page, len(view.nodes), len(view.edges)


def _render(
    nodes: list[dict[str, Any]],
    edges: list[dict[str, Any]],
    options: dict[str, Any],
    data: dict[str, Any],
    title: str,
) -> str:
    from jinja2 import Environment, FileSystemLoader
    from pyvis.network import Network

    net = Network(height="100%", width="100%", directed=True, cdn_resources="in_line",
                  heading=title)
    # Filled directly: Network.add_node/add_edge look nodes up in a list (quadratic time).
    net.nodes = nodes
    net.node_ids = [n["id"] for n in nodes]
    net.node_map = {n["id"]: n for n in nodes}
    net.edges = edges
    net.options = options
    templates = _pyvis_templates()
    env = Environment(
        loader=FileSystemLoader([str(ASSETS), str(templates)]),
        autoescape=True,
        keep_trailing_newline=True,
    )
    # Compact UTF-8 JSON; Jinja's tojson still escapes < > & ' as \u003c ... for <script>.
    env.policies["json.dumps_kwargs"] = {"ensure_ascii": False, "separators": (",", ":"),
                                         "sort_keys": False}
    env.globals.update(
        kg_title=title,
        kg_data=data,
        kg_css=_markup(_asset("graph.css")),
        kg_js=_markup(_asset("graph.js")),
        kg_vis=_vis_lib(templates),
    )
    net.templateEnv = env
    net.path = "graph_template.html"
    page: str = net.generate_html(name="graph.html")
    check_self_contained(page)
    return page


def _markup(text: str) -> Any:
    from markupsafe import Markup

    if "</script" in text.lower() or "</style" in text.lower():
        raise ValueError("an asset must not close its own element")
    return Markup(text)


def write_graph_page(
    graph: Graph, path: Path | str, *, title: str = DEFAULT_TITLE, seed: int = 0
) -> PageInfo:
    """Write :func:`graph_page` to ``path`` atomically (a temporary file renamed into place,
    so an interrupted run leaves the previous page intact)."""
    target = Path(path)
    page, n_nodes, n_edges = _page(graph, title, seed)
    from kg.export import atomic_write  # the export stage imports the graph stage: late

    with atomic_write(target) as out:
        out.write(page)
    return PageInfo(target, n_nodes, n_edges, len(page.encode("utf-8")))


def node_anchor(iri: str) -> str:
    """The fragment that selects a node in the graph page: ``doc/25-nq-tw-2013`` for an IRI
    under the project's instance base, else the percent-encoded IRI."""
    from urllib.parse import quote

    base = str(KGID)
    if iri.startswith(base):
        return quote(iri[len(base):], safe="/-._~")
    return quote(iri, safe="")


