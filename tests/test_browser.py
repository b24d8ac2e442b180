"""The graph page and the annotated text in a real browser: headless Chromium (the system's,
installed by scripts/setup_system.sh) driven by Playwright.

Every page is opened from a ``file://`` URL in an offline browser context, with every request
that is not ``file:`` or ``data:`` recorded and aborted; every test checks that none was made
and that the console shows no error.

Without Chromium or Playwright the tests are skipped with the reason; in CI (``CI`` set) they
fail instead, since they must run there.
"""

from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from rdflib import Graph

sys.path.insert(0, str(Path(__file__).resolve().parent))
from test_html import (
    EVIL,
    EXAMPLE,
    TEXTS,
    corpus_graph,
    evil_graph,
    expected_counts,
    synthetic_graph,
)

from kg.annotate import write_annotation
from kg.html import write_graph_page
from kg.vocab import DOC

CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu",
    # network-quiet: no background, update, sync or field-trial traffic
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--disable-default-apps", "--disable-quic", "--no-first-run", "--no-pings",
    "--disable-domain-reliability", "--metrics-recording-only",
]

IN_CI = os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def _unavailable(reason: str) -> None:
    if IN_CI:
        pytest.fail(f"{reason} (CI is set: the browser tests must run)")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def chromium() -> str:
    path = (os.environ.get("KG_CHROMIUM") or shutil.which("chromium")
            or shutil.which("chromium-browser"))
    if not path:
        _unavailable("Chromium is not installed: run scripts/setup_system.sh "
                     "(apt-get install chromium chromium-driver)")
    assert path is not None
    return path


@pytest.fixture(scope="session")
def browser(chromium: str) -> Iterator[Any]:
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("Playwright is not installed: pip install -e '.[test]'")
    playwright = sync_playwright().start()
    try:
        instance = playwright.chromium.launch(executable_path=chromium, headless=True,
                                              args=CHROMIUM_ARGS)
    except Exception as exc:
        playwright.stop()
        _unavailable(f"Chromium at {chromium} does not start under Playwright: {exc}")
    yield instance
    instance.close()
    playwright.stop()


@dataclass
class Opened:
    """A page in an offline context, with what it tried to fetch and what it logged."""

    page: Any
    requests: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)

    def js(self, expression: str, arg: Any = None) -> Any:
        return self.page.evaluate(expression, arg)

    def check_clean(self) -> None:
        assert self.requests == [], f"the page tried to fetch {self.requests}"
        assert self.errors == [], f"console errors: {self.errors}"
        assert self.dialogs == []


@pytest.fixture
def open_page(browser: Any) -> Iterator[Any]:
    contexts: list[Any] = []

    def open_(path: Path, fragment: str = "", wait_graph: bool = True) -> Opened:
        context = browser.new_context(viewport={"width": 1400, "height": 900}, offline=True)
        contexts.append(context)
        opened = Opened(context.new_page())

        def route(r: Any) -> None:
            if r.request.url.startswith(("file:", "data:")):
                r.continue_()
            else:
                opened.requests.append(r.request.url)
                r.abort()

        context.route("**/*", route)
        opened.page.on("console", lambda m: opened.errors.append(m.text)
                       if m.type == "error" else None)
        opened.page.on("pageerror", lambda e: opened.errors.append(f"pageerror: {e}"))

        def dialog(d: Any) -> None:
            opened.dialogs.append(d.message)
            d.dismiss()

        opened.page.on("dialog", dialog)
        opened.page.goto(path.as_uri() + fragment)
        if wait_graph:
            opened.page.wait_for_function("() => window.kgPage && kgPage.ready",
                                          timeout=60_000)
        return opened

    yield open_
    for context in contexts:
        context.close()


@pytest.fixture(scope="module")
def seed_graph() -> Graph:
    return corpus_graph({EXAMPLE.name: EXAMPLE.read_text(encoding="utf-8"), **TEXTS})


@pytest.fixture(scope="module")
def pages(seed_graph: Graph, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("pages")
    return {
        "seed": write_graph_page(seed_graph, folder / "graph.html", title="Seed graph").path,
        "evil": write_graph_page(evil_graph(), folder / "evil.html", title=f"Evil {EVIL}").path,
        "annotated": write_annotation(EXAMPLE, folder / "example.html",
                                      graph_page="graph.html").path,
    }


@pytest.fixture(scope="module")
def large(tmp_path_factory: pytest.TempPathFactory) -> tuple[Graph, Path]:
    graph = synthetic_graph(1500, 4000)
    path = write_graph_page(graph, tmp_path_factory.mktemp("large") / "large.html").path
    return graph, path


NQ25 = str(DOC["25-nq-tw-2013"])
KL43 = str(DOC["43-kl-tw-2019"])


def node_ids_where(p: Opened, predicate: str) -> list[str]:
    """Ids of the nodes whose details (`i`) satisfy a JS predicate."""
    return list(p.js(f"""() => {{
        const data = JSON.parse(document.getElementById('kg-data').textContent);
        return Object.keys(data.nodes)
            .filter(id => {{ const i = data.nodes[id]; return {predicate}; }});
    }}"""))


# --------------------------------------------------------------------------------------------


def test_page_loads_offline_and_draws_the_whole_graph(
    open_page: Any, pages: dict[str, Path], seed_graph: Graph
) -> None:
    p = open_page(pages["seed"])
    assert p.js("() => typeof network === 'object' && network instanceof vis.Network")
    assert p.js("() => document.querySelectorAll('script[src], link[href], img').length") == 0
    n_nodes, n_edges = expected_counts(seed_graph)
    assert p.js("() => network.body.data.nodes.length") == n_nodes
    assert p.js("() => network.body.data.edges.length") == n_edges
    assert p.js("() => Object.keys(network.body.nodes).length") == n_nodes
    assert p.js("() => network.body.nodeIndices.length") == n_nodes  # all visible at first
    legend = p.js("() => document.getElementById('type-list').innerText")
    assert "Nghị quyết" in legend and "Kế hoạch" in legend
    p.check_clean()


def test_search_by_symbol_focuses_the_node(open_page: Any, pages: dict[str, Path]) -> None:
    p = open_page(pages["seed"])
    p.page.fill("#search", "25-NQ/TW")
    first = p.page.locator("#search-results li").first
    assert first.locator(".sym").inner_text() == "25-NQ/TW (2013)"
    p.page.press("#search", "Enter")
    p.page.wait_for_function("(id) => kgPage.selected === id", arg=NQ25)
    p.page.wait_for_timeout(600)  # the focus animation
    assert p.js("() => network.getSelectedNodes()") == [NQ25]
    pos = p.js("(id) => kgPage.domPosition(id)", NQ25)
    box = p.page.locator("#mynetwork").bounding_box()
    assert abs(pos["x"] - (box["x"] + box["width"] / 2)) < 40
    assert abs(pos["y"] - (box["y"] + box["height"] / 2)) < 40
    assert p.page.locator("#details h2").inner_text() == "Nghị quyết 25-NQ/TW (2013)"
    p.check_clean()


def test_search_by_title_words_without_diacritics(open_page: Any, pages: dict[str, Path]) -> None:
    p = open_page(pages["seed"])
    hits = p.js("() => kgPage.search('doi moi su lanh dao cua dang doi voi cong tac dan van')")
    assert NQ25 in hits
    p.page.fill("#search", "zzzz không có")
    assert p.page.locator("#search-results li").first.inner_text() == "No document matches"
    p.check_clean()


def test_type_filter_hides_those_documents_and_their_edges(
    open_page: Any, pages: dict[str, Path]
) -> None:
    p = open_page(pages["seed"])
    resolutions = node_ids_where(p, "i.type === 'Nghị quyết'")
    others = node_ids_where(p, "i.kind === 'document' && i.type !== 'Nghị quyết'")
    assert resolutions and others
    p.page.locator('input[data-filter="type"][value="Nghị quyết"]').uncheck()
    hidden = p.js("() => nodes.get().filter(n => n.hidden).map(n => n.id)")
    assert set(resolutions) <= set(hidden)
    assert not set(others) & set(hidden)
    drawn_edges = p.js("() => network.body.edgeIndices.map(id => network.body.edges[id])"
                       ".map(e => [e.fromId, e.toId])")
    assert drawn_edges and not any(a in resolutions or b in resolutions for a, b in drawn_edges)
    assert "showing" in p.page.locator("#stats").inner_text()
    p.page.locator('input[data-filter="type"][value="Nghị quyết"]').check()
    assert p.js("() => nodes.get().filter(n => n.hidden).length") == 0
    p.check_clean()


def test_relation_issuer_and_year_filters(open_page: Any, pages: dict[str, Path]) -> None:
    p = open_page(pages["seed"])
    p.page.locator('input[data-filter="relation"][value="issued_by"]').uncheck()
    rels = p.js("() => edges.get().filter(e => e.hidden).map(e => e.rel)")
    assert rels and set(rels) == {"issued_by"}
    assert not p.js("() => network.body.edgeIndices.some(id => network.body.edges[id]"
                    ".options.label === 'issued by')")
    p.page.click("#relations-all")
    # Issuer: only that body's documents stay.
    body = p.js("() => JSON.parse(document.getElementById('kg-data').textContent).bodies[0].id")
    p.page.select_option("#issuer-filter", body)
    visible_docs = p.js("""() => { const d = JSON.parse(document.getElementById('kg-data')
        .textContent).nodes; return kgPage.visibleNodeIds().filter(id => d[id].kind === 'document')
        .map(id => d[id].issuers); }""")
    assert visible_docs and all(body in issuers for issuers in visible_docs)
    p.page.select_option("#issuer-filter", "")
    # Years: from 2019, undated documents off.
    p.page.select_option("#year-from", "2019")
    p.page.locator("#year-undated").uncheck()
    years = p.js("""() => { const d = JSON.parse(document.getElementById('kg-data').textContent)
        .nodes; return kgPage.visibleNodeIds().filter(id => d[id].kind === 'document')
        .map(id => d[id].year); }""")
    assert years and all(y is not None and y >= 2019 for y in years)
    p.page.click("#reset-filters")
    assert p.js("() => kgPage.visibleNodeIds().length") == p.js("() => nodes.length")
    p.check_clean()


def test_click_on_a_node_shows_its_evidence(open_page: Any, pages: dict[str, Path]) -> None:
    p = open_page(pages["seed"])
    p.js("(id) => network.moveTo({position: network.getPositions([id])[id], scale: 1.5})", NQ25)
    pos = p.js("(id) => kgPage.domPosition(id)", NQ25)
    p.page.mouse.click(pos["x"], pos["y"])
    p.page.wait_for_function("(id) => document.getElementById('details-body').dataset.node === id",
                             arg=NQ25)
    panel = p.page.locator("#details")
    assert panel.is_visible()
    text = panel.inner_text()
    assert "Cited in (" in text
    assert "Báo cáo sơ kết công tác dân vận chính quyền năm 2023" in text  # the source's title
    assert "Published 14/12/2023 09:30" in text  # and its date
    assert "Nghị quyết số 25-NQ/TW ngày 13/6/2013 được quán triệt sâu rộng" in text
    marks = p.page.locator("#details blockquote.sentence mark").all_inner_texts()
    assert "Nghị quyết số 25-NQ/TW" in marks
    assert "Conflicting date: 03/06/2013 / 13/06/2013" in text
    # Clicking the empty canvas closes it.
    box = p.page.locator("#mynetwork").bounding_box()
    p.page.mouse.click(box["x"] + 5, box["y"] + 5)
    assert not panel.is_visible()
    p.check_clean()


def _pixel(p: Opened, node: str) -> list[int]:
    """The canvas pixel at a node's centre (RGBA)."""
    return list(p.js("""(id) => {
        const canvas = document.querySelector('#mynetwork canvas');
        const r = canvas.getBoundingClientRect();
        const pos = kgPage.domPosition(id);
        const ratio = canvas.width / r.width;
        const d = canvas.getContext('2d').getImageData(Math.round((pos.x - r.left) * ratio),
                                                       Math.round((pos.y - r.top) * ratio), 1, 1);
        return Array.from(d.data);
    }""", node))


def test_selecting_a_resolution_highlights_its_implementation_chain(
    open_page: Any, pages: dict[str, Path]
) -> None:
    p = open_page(pages["seed"])
    chain = p.js("(id) => kgPage.chainOf(id)", NQ25)
    assert KL43 in chain
    p.js("() => network.fit({animation: false})")
    # A document outside the chain whose centre pixel is clearly coloured (a pale type colour
    # or a label over the centre would leave nothing to dim).
    outside, before_out = next(
        (n, px) for n in node_ids_where(p, "i.kind === 'document'")
        if n not in chain and sum((px := _pixel(p, n))[:3]) < 600
    )
    before_in = _pixel(p, KL43)
    p.js("(id) => kgPage.selectNode(id, {focus: false})", NQ25)
    p.page.wait_for_timeout(300)
    after_out, after_in = _pixel(p, outside), _pixel(p, KL43)
    assert sum(after_out[:3]) > sum(before_out[:3]) + 60  # dimmed towards white
    assert abs(sum(after_in[:3]) - sum(before_in[:3])) < 60  # the chain keeps its colour
    items = p.page.locator("#details ul.chain li").all_inner_texts()
    assert "43-KL/TW (2019)" in items
    p.js("() => kgPage.clearSelection()")
    p.page.wait_for_timeout(200)
    assert abs(sum(_pixel(p, outside)[:3]) - sum(before_out[:3])) < 30
    p.check_clean()


def test_fragment_selects_a_node(open_page: Any, pages: dict[str, Path]) -> None:
    p = open_page(pages["seed"], "#doc/43-kl-tw-2019")
    p.page.wait_for_function("(id) => kgPage.selected === id", arg=KL43)
    assert p.page.locator("#details h2").inner_text().startswith("Kết luận 43-KL/TW")
    p.check_clean()


def test_untrusted_text_shows_as_text_and_runs_nothing(
    open_page: Any, pages: dict[str, Path]
) -> None:
    p = open_page(pages["evil"])
    doc = str(DOC["evil"])
    assert p.page.title() == f"Evil {EVIL}"
    p.js("(id) => kgPage.selectNode(id, {focus: true, animate: false})", doc)
    details = p.page.locator("#details").inner_text()
    assert EVIL in details  # the title and the evidence, literally
    p.page.fill("#search", "99-NQ")
    assert EVIL in p.page.locator("#search-results").inner_text()
    # The tooltip: vis-network shows the title as text.
    p.js("(id) => network.moveTo({position: network.getPositions([id])[id], scale: 1.2})", doc)
    pos = p.js("(id) => kgPage.domPosition(id)", doc)
    p.page.mouse.move(pos["x"], pos["y"])
    p.page.mouse.move(pos["x"] + 1, pos["y"])
    tooltip = p.page.locator("div.vis-tooltip")
    tooltip.wait_for(state="visible", timeout=5000)
    assert EVIL in tooltip.inner_text()
    # innerText: line breaks become <br>, nothing else becomes an element.
    assert p.js("() => [...document.querySelector('div.vis-tooltip').children]"
                ".map(c => c.tagName)") == ["BR"] * tooltip.inner_text().count("\n")
    # Nothing ran, no element came from the data.
    assert p.js("() => window.__xss === undefined")
    assert p.js("() => document.querySelectorAll('img').length") == 0
    assert p.js("() => document.scripts.length") == 4
    assert p.js("() => document.querySelectorAll('#details a[href^=\"javascript\"]').length") == 0
    p.check_clean()


def test_large_graph_counts_and_level_of_detail(open_page: Any, large: tuple[Graph, Path]) -> None:
    graph, path = large
    p = open_page(path)
    n_nodes, n_edges = expected_counts(graph)
    assert p.js("() => [network.body.data.nodes.length, network.body.data.edges.length]") == [
        n_nodes, n_edges]
    assert p.js("() => kgPage.detailedEdges") == 0
    node = p.js("() => nodes.getIds()[0]")
    p.js("(id) => network.moveTo({position: network.getPositions([id])[id], scale: 1.5})", node)
    p.js("() => kgPage.updateDetail()")
    detailed = p.js("() => edges.get().filter(e => e.label).length")
    assert 0 < detailed == p.js("() => kgPage.detailedEdges") < n_edges
    assert p.js("() => edges.get().filter(e => e.label && e.dashes).length") > 0  # based on
    p.js("() => network.fit({animation: false})")
    p.js("() => kgPage.updateDetail()")
    assert p.js("() => edges.get().filter(e => e.label).length") == 0
    assert p.js("() => network.body.data.edges.length") == n_edges
    p.check_clean()


def test_annotated_text_links_to_the_graph_node(open_page: Any, pages: dict[str, Path]) -> None:
    p = open_page(pages["annotated"], wait_graph=False)
    links = p.page.locator("a.kg-cite")
    assert links.count() >= 10
    first = links.first
    assert first.get_attribute("href") == "graph.html#doc/25-nq-tw-2013"
    assert "Type: Nghị quyết" in (first.get_attribute("title") or "")
    p.check_clean()
    first.click()
    p.page.wait_for_function("() => window.kgPage && kgPage.ready")
    p.page.wait_for_function("(id) => kgPage.selected === id", arg=NQ25)
    p.check_clean()
