/* kg graph page: legend, filters, search, details panel and implementation chains.
 *
 * Runs after pyvis's drawGraph(), which leaves the globals `network`, `nodes` and `edges`.
 * Every string from the data goes into the page with textContent (or as an attribute value
 * set through the DOM): never through innerHTML, so text from documents cannot become markup.
 * `window.kgPage` exposes a small API (used by the tests and handy from the console).
 */
(function () {
  'use strict';

  var DATA = JSON.parse(document.getElementById('kg-data').textContent);
  var INFO = DATA.nodes;
  var EDGE_INFO = DATA.edges;
  var SENTENCES = DATA.sentences;
  var REL = {};
  DATA.relations.forEach(function (r) { REL[r.key] = r; });
  var KINDS = [
    {key: 'document', label: 'Documents', shape: 'dot', color: '#e0e0e0'},
    {key: 'body', label: 'Issuing bodies', shape: 'diamond', color: '#ffd54f'},
    {key: 'source', label: 'Source texts', shape: 'square', color: '#90a4ae'}
  ];
  var MAX_EVIDENCE = 40;

  // ------------------------------------------------------------------------------------------
  // Indexes built once from the drawn data

  var edgeRel = {};        // edge id -> relation key
  var outEdges = {};       // node id -> [edge id]
  var inEdges = {};        // node id -> [edge id]
  var allEdgeItems = edges.get();
  allEdgeItems.forEach(function (e) {
    edgeRel[e.id] = REL[e.rel] ? e.rel : 'cites';
    (outEdges[e.from] = outEdges[e.from] || []).push(e.id);
    (inEdges[e.to] = inEdges[e.to] || []).push(e.id);
  });
  var allNodeItems = nodes.get();
  var edgeById = {};
  allEdgeItems.forEach(function (e) { edgeById[e.id] = e; });

  // Mentions by source (the inverse of each document's evidence).
  var mentionsBySource = null;
  function sourceMentions(id) {
    if (mentionsBySource === null) {
      mentionsBySource = {};
      Object.keys(INFO).forEach(function (doc) {
        var ev = INFO[doc].evidence;
        if (!ev) { return; }
        ev.forEach(function (m) {
          (mentionsBySource[m[0]] = mentionsBySource[m[0]] || []).push([doc, m[1], m[2]]);
        });
      });
    }
    return mentionsBySource[id] || [];
  }

  // ------------------------------------------------------------------------------------------
  // Small DOM helpers (textContent only)

  function el(tag, className, text) {
    var e = document.createElement(tag);
    if (className) { e.className = className; }
    if (text !== undefined && text !== null) { e.textContent = String(text); }
    return e;
  }
  function clear(node) { while (node.firstChild) { node.removeChild(node.firstChild); } }
  function labelOf(id) { return INFO[id] ? INFO[id].label : id; }
  function nodeLink(id, text) {
    var a = el('a', 'node-link', text || labelOf(id));
    a.href = '#' + anchorOf(id);
    a.title = INFO[id] && INFO[id].name ? INFO[id].name : labelOf(id);
    a.addEventListener('click', function (ev) {
      ev.preventDefault();
      selectNode(id, {focus: true});
    });
    return a;
  }
  function anchorOf(id) {
    if (id.indexOf(DATA.base) === 0) {
      return encodeURI(id.slice(DATA.base.length));
    }
    return encodeURIComponent(id);
  }
  function relBadge(key) {
    var r = REL[key];
    var b = el('span', 'rel', r ? r.label : key);
    b.style.background = r ? r.color : '#999';
    return b;
  }

  // ------------------------------------------------------------------------------------------
  // Legend and filter controls

  var state = {
    kinds: {document: true, body: true, source: true},
    types: {},
    relations: {},
    issuer: '',
    yearFrom: null,
    yearTo: null,
    undated: true
  };
  DATA.types.forEach(function (t) { state.types[t.name] = true; });
  DATA.relations.forEach(function (r) { state.relations[r.key] = true; });

  function checkItem(list, opts) {
    var li = el('li');
    var label = el('label');
    var box = el('input');
    box.type = 'checkbox';
    box.checked = true;
    box.value = opts.value;
    box.dataset.filter = opts.filter;
    box.addEventListener('change', function () {
      opts.onChange(box.checked);
      applyFilters();
    });
    label.appendChild(box);
    label.appendChild(opts.icon);
    var name = el('span', 'name', opts.text);
    label.appendChild(name);
    if (opts.vi) { label.appendChild(el('span', 'vi', opts.vi)); }
    li.appendChild(label);
    if (opts.count !== undefined) { li.appendChild(el('span', 'count', opts.count)); }
    list.appendChild(li);
    return box;
  }

  function buildControls() {
    var counts = DATA.counts;
    var kindCount = {document: counts.documents, body: counts.bodies, source: counts.sources};
    var kindList = document.getElementById('kind-list');
    KINDS.forEach(function (k) {
      var icon = el('span', 'swatch ' + (k.shape === 'dot' ? '' : k.shape));
      icon.style.background = k.color;
      checkItem(kindList, {value: k.key, filter: 'kind', text: k.label, icon: icon,
        count: kindCount[k.key], onChange: function (on) { state.kinds[k.key] = on; }});
    });
    var typeList = document.getElementById('type-list');
    DATA.types.forEach(function (t) {
      var icon = el('span', 'swatch');
      icon.style.background = t.color;
      checkItem(typeList, {value: t.name, filter: 'type', text: t.name, icon: icon,
        count: t.count, onChange: function (on) { state.types[t.name] = on; }});
    });
    var relList = document.getElementById('relation-list');
    DATA.relations.forEach(function (r) {
      if (!r.count) { return; }
      var icon = el('span', 'line');
      icon.style.borderTopColor = r.color;
      icon.style.borderTopStyle = r.dashes.length ? (r.dashes[0] <= 3 ? 'dotted' : 'dashed') : 'solid';
      icon.style.borderTopWidth = Math.max(2, r.width) + 'px';
      checkItem(relList, {value: r.key, filter: 'relation', text: r.label, vi: r.vi, icon: icon,
        count: r.count, onChange: function (on) { state.relations[r.key] = on; }});
    });
    var issuer = document.getElementById('issuer-filter');
    DATA.bodies.forEach(function (b) {
      var o = el('option', null, b.label + ' (' + b.documents + ')');
      o.value = b.id;
      issuer.appendChild(o);
    });
    issuer.addEventListener('change', function () { state.issuer = issuer.value; applyFilters(); });
    var from = document.getElementById('year-from');
    var to = document.getElementById('year-to');
    [from, to].forEach(function (sel, i) {
      var any = el('option', null, i === 0 ? 'earliest' : 'latest');
      any.value = '';
      sel.appendChild(any);
      DATA.years.forEach(function (y) {
        var o = el('option', null, y);
        o.value = String(y);
        sel.appendChild(o);
      });
      sel.addEventListener('change', function () {
        state.yearFrom = from.value ? Number(from.value) : null;
        state.yearTo = to.value ? Number(to.value) : null;
        applyFilters();
      });
    });
    var undated = document.getElementById('year-undated');
    undated.addEventListener('change', function () { state.undated = undated.checked; applyFilters(); });
    function setAll(filter, on) {
      document.querySelectorAll('input[data-filter="' + filter + '"]').forEach(function (box) {
        box.checked = on;
        (filter === 'type' ? state.types : state.relations)[box.value] = on;
      });
      applyFilters();
    }
    document.getElementById('types-all').addEventListener('click', function () { setAll('type', true); });
    document.getElementById('types-none').addEventListener('click', function () { setAll('type', false); });
    document.getElementById('relations-all').addEventListener('click', function () { setAll('relation', true); });
    document.getElementById('relations-none').addEventListener('click', function () { setAll('relation', false); });
    document.getElementById('reset-filters').addEventListener('click', resetFilters);
  }

  function resetFilters() {
    document.querySelectorAll('#sidebar input[type=checkbox]').forEach(function (box) { box.checked = true; });
    Object.keys(state.kinds).forEach(function (k) { state.kinds[k] = true; });
    Object.keys(state.types).forEach(function (k) { state.types[k] = true; });
    Object.keys(state.relations).forEach(function (k) { state.relations[k] = true; });
    document.getElementById('issuer-filter').value = '';
    document.getElementById('year-from').value = '';
    document.getElementById('year-to').value = '';
    state.issuer = '';
    state.yearFrom = state.yearTo = null;
    state.undated = true;
    applyFilters();
  }

  // ------------------------------------------------------------------------------------------
  // Filtering: documents by type, issuer and year; bodies and sources stay when a visible
  // edge joins them to a visible document; edges need their relation and both ends.

  var hiddenNodes = {};
  var hiddenEdges = {};    // not drawn: relation switched off, or an end hidden
  var relationHidden = {}; // the edge's own `hidden` flag in the DataSet

  function documentVisible(info) {
    if (!state.kinds.document || !state.types[info.type]) { return false; }
    if (state.issuer && info.issuers.indexOf(state.issuer) < 0) { return false; }
    if (info.year === null || info.year === undefined) { return state.undated; }
    if (state.yearFrom !== null && info.year < state.yearFrom) { return false; }
    if (state.yearTo !== null && info.year > state.yearTo) { return false; }
    return true;
  }

  function filtersActive() {
    if (state.issuer || state.yearFrom !== null || state.yearTo !== null || !state.undated) { return true; }
    for (var t in state.types) { if (!state.types[t]) { return true; } }
    for (var r in state.relations) { if (!state.relations[r]) { return true; } }
    return !state.kinds.document;
  }

  function computeVisibility() {
    var visible = {};
    var active = filtersActive();
    allNodeItems.forEach(function (n) {
      var info = INFO[n.id];
      if (info.kind === 'document') { visible[n.id] = documentVisible(info); }
    });
    allNodeItems.forEach(function (n) {
      var info = INFO[n.id];
      if (info.kind === 'document') { return; }
      if (!state.kinds[info.kind]) { visible[n.id] = false; return; }
      if (!active) { visible[n.id] = true; return; }
      var ids = (outEdges[n.id] || []).concat(inEdges[n.id] || []);
      var keep = false;
      for (var i = 0; i < ids.length && !keep; i++) {
        var e = edgeById[ids[i]];
        if (!state.relations[edgeRel[e.id]]) { continue; }
        var other = e.from === n.id ? e.to : e.from;
        keep = INFO[other].kind === 'document' ? visible[other] : false;
      }
      visible[n.id] = keep;
    });
    // Bodies joined only to other bodies (part of) follow those bodies.
    allEdgeItems.forEach(function (e) {
      if (edgeRel[e.id] === 'part_of' && state.relations.part_of && visible[e.from] && state.kinds.body) {
        visible[e.to] = true;
      }
    });
    return visible;
  }

  function applyFilters() {
    var t0 = performance.now();
    var visible = computeVisibility();
    var nodeUpdates = [];
    allNodeItems.forEach(function (n) {
      var hide = !visible[n.id];
      if (!!hiddenNodes[n.id] !== hide) {
        hiddenNodes[n.id] = hide;
        nodeUpdates.push({id: n.id, hidden: hide});
      }
    });
    // vis-network already hides the edges of hidden nodes: only the relation filter needs
    // edge updates, and only for the edges whose relation was switched.
    var edgeUpdates = [];
    allEdgeItems.forEach(function (e) {
      var off = !state.relations[edgeRel[e.id]];
      if (!!relationHidden[e.id] !== off) {
        relationHidden[e.id] = off;
        edgeUpdates.push({id: e.id, hidden: off});
      }
      hiddenEdges[e.id] = off || !visible[e.from] || !visible[e.to];
    });
    if (nodeUpdates.length) { nodes.update(nodeUpdates); }
    if (edgeUpdates.length) { edges.update(edgeUpdates); }
    updateStats();
    kgPage.lastFilterMs = performance.now() - t0;
    return kgPage.lastFilterMs;
  }

  function visibleNodeIds() {
    return allNodeItems.filter(function (n) { return !hiddenNodes[n.id]; }).map(function (n) { return n.id; });
  }
  function visibleEdgeIds() {
    return allEdgeItems.filter(function (e) { return !hiddenEdges[e.id]; }).map(function (e) { return e.id; });
  }

  function updateStats() {
    var c = DATA.counts;
    var shownNodes = 0;
    var shownEdges = 0;
    allNodeItems.forEach(function (n) { if (!hiddenNodes[n.id]) { shownNodes++; } });
    allEdgeItems.forEach(function (e) { if (!hiddenEdges[e.id]) { shownEdges++; } });
    var text = c.documents + ' documents · ' + c.bodies + ' bodies · ' + c.sources + ' texts · ' +
      c.edges + ' links';
    if (shownNodes !== allNodeItems.length || shownEdges !== allEdgeItems.length) {
      text += ' — showing ' + shownNodes + ' nodes, ' + shownEdges + ' links';
    }
    document.getElementById('stats').textContent = text;
  }

  // ------------------------------------------------------------------------------------------
  // Search: by symbol or words of the title, without diacritics or case

  function fold(text) {
    return String(text || '').normalize('NFD').replace(/[\u0300-\u036f]/g, '')
      .replace(/[đĐ]/g, 'd').toLowerCase();
  }
  var searchIndex = null;
  function buildSearchIndex() {
    searchIndex = allNodeItems.map(function (n) {
      var info = INFO[n.id];
      var symbol = fold(info.symbol || '');
      var text = [info.label, info.name, info.symbol, info.title, info.alternative, info.type,
        info.number].join(' ');
      return {id: n.id, symbol: symbol, label: fold(info.label), text: fold(text),
        rank: info.kind === 'document' ? 0 : info.kind === 'body' ? 1 : 2,
        weight: info.cited_by || info.documents || 0};
    });
  }

  function search(query, limit) {
    if (searchIndex === null) { buildSearchIndex(); }
    var q = fold(query).trim();
    if (!q) { return []; }
    var words = q.split(/\s+/);
    var hits = [];
    searchIndex.forEach(function (item) {
      for (var i = 0; i < words.length; i++) {
        if (item.text.indexOf(words[i]) < 0) { return; }
      }
      var score = item.symbol === q ? 0 : item.symbol.indexOf(q) === 0 ? 1 :
        item.label.indexOf(q) === 0 ? 2 : item.text.indexOf(q) >= 0 ? 3 : 4;
      hits.push({id: item.id, score: score, rank: item.rank, weight: item.weight});
    });
    hits.sort(function (a, b) {
      return a.score - b.score || a.rank - b.rank || b.weight - a.weight ||
        (labelOf(a.id) < labelOf(b.id) ? -1 : 1);
    });
    return hits.slice(0, limit || 15).map(function (h) { return h.id; });
  }

  var searchInput = document.getElementById('search');
  var resultList = document.getElementById('search-results');
  var activeResult = 0;
  var currentResults = [];

  function showResults() {
    currentResults = search(searchInput.value, 15);
    activeResult = 0;
    clear(resultList);
    if (!searchInput.value.trim()) { resultList.hidden = true; return; }
    if (!currentResults.length) {
      resultList.appendChild(el('li', 'empty', 'No document matches'));
    }
    currentResults.forEach(function (id, i) {
      var info = INFO[id];
      var li = el('li', i === 0 ? 'active' : '');
      li.setAttribute('role', 'option');
      li.dataset.id = id;
      li.appendChild(el('span', 'sym', info.label));
      var sub = info.kind === 'document' ? [info.type, info.date || info.year, info.title]
        : info.kind === 'source' ? ['source text', info.published, info.title] : ['issuing body'];
      li.appendChild(el('span', 'sub', sub.filter(Boolean).join(' · ')));
      li.addEventListener('mousedown', function (ev) {
        ev.preventDefault();
        chooseResult(id);
      });
      resultList.appendChild(li);
    });
    resultList.hidden = false;
  }
  function chooseResult(id) {
    resultList.hidden = true;
    selectNode(id, {focus: true});
  }
  searchInput.addEventListener('input', showResults);
  searchInput.addEventListener('keydown', function (ev) {
    var items = resultList.querySelectorAll('li[data-id]');
    if (ev.key === 'ArrowDown' || ev.key === 'ArrowUp') {
      if (!items.length) { return; }
      ev.preventDefault();
      items[activeResult].classList.remove('active');
      activeResult = (activeResult + (ev.key === 'ArrowDown' ? 1 : items.length - 1)) % items.length;
      items[activeResult].classList.add('active');
      items[activeResult].scrollIntoView({block: 'nearest'});
    } else if (ev.key === 'Enter') {
      ev.preventDefault();
      if (resultList.hidden || !currentResults.length) { showResults(); }
      if (currentResults.length) { chooseResult(currentResults[Math.min(activeResult, currentResults.length - 1)]); }
    } else if (ev.key === 'Escape') {
      resultList.hidden = true;
    }
  });
  searchInput.addEventListener('blur', function () { setTimeout(function () { resultList.hidden = true; }, 150); });

  // ------------------------------------------------------------------------------------------
  // Selection, implementation chains

  var chain = null;   // {nodes: {id: true}, edges: {id: true}} while highlighted

  function chainOf(id) {
    var inChain = {};
    var chainEdges = {};
    inChain[id] = true;
    // Downstream: what implements, follows up, reviews or guides the node, transitively.
    var queue = [id];
    while (queue.length) {
      var cur = queue.shift();
      (inEdges[cur] || []).forEach(function (eid) {
        if (!REL[edgeRel[eid]] || !REL[edgeRel[eid]].chain) { return; }
        chainEdges[eid] = true;
        var from = edgeById[eid].from;
        if (!inChain[from]) { inChain[from] = true; queue.push(from); }
      });
    }
    // Upstream: what the node itself implements, transitively.
    queue = [id];
    var seen = {};
    seen[id] = true;
    while (queue.length) {
      var up = queue.shift();
      (outEdges[up] || []).forEach(function (eid) {
        if (!REL[edgeRel[eid]] || !REL[edgeRel[eid]].chain) { return; }
        chainEdges[eid] = true;
        var to = edgeById[eid].to;
        inChain[to] = true;
        if (!seen[to]) { seen[to] = true; queue.push(to); }
      });
    }
    return {nodes: inChain, edges: chainEdges, size: Object.keys(inChain).length};
  }

  function requestRedraw() {
    // vis-network's own coalesced redraw (next animation frame), else a direct one.
    if (network.body && network.body.emitter) {
      network.body.emitter.emit('_requestRedraw');
    } else {
      network.redraw();
    }
  }

  function clearChain() {
    if (chain === null) { return; }
    chain = null;
    requestRedraw();
  }

  function highlightChain(id) {
    chain = null;
    var c = chainOf(id);
    if (c.size >= 2) {
      chain = c;
      chain.root = id;
    }
    requestRedraw();
    return c;
  }

  // The chain is drawn over the graph after each redraw: a veil over everything, then the
  // chain's edges and nodes again.  No DataSet update, so it costs the same at any size.
  function drawChain(ctx) {
    if (chain === null) { return; }
    var ids = Object.keys(chain.nodes).filter(function (n) { return !hiddenNodes[n]; });
    var pos = network.getPositions(ids);
    ctx.save();
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.fillStyle = 'rgba(255, 255, 255, 0.78)';
    ctx.fillRect(0, 0, ctx.canvas.width, ctx.canvas.height);
    ctx.restore();
    // Line widths, dashes, arrow heads and labels keep their size on screen at any zoom.
    var px = 1 / Math.max(network.getScale(), 0.02);
    Object.keys(chain.edges).forEach(function (eid) {
      var e = edgeById[eid];
      var a = pos[e.from];
      var b = pos[e.to];
      if (!a || !b || hiddenEdges[eid]) { return; }
      var r = REL[edgeRel[eid]];
      var target = network.body.nodes[e.to];
      var gap = (target && target.options.size ? target.options.size : 10) + 2 * px;
      var dx = b.x - a.x;
      var dy = b.y - a.y;
      var len = Math.sqrt(dx * dx + dy * dy) || 1;
      var ux = dx / len;
      var uy = dy / len;
      var tipX = b.x - ux * gap;
      var tipY = b.y - uy * gap;
      ctx.strokeStyle = r.color;
      ctx.fillStyle = r.color;
      ctx.lineWidth = 2 * px;
      ctx.setLineDash(r.dashes.map(function (d) { return d * px; }));
      ctx.beginPath();
      ctx.moveTo(a.x, a.y);
      ctx.lineTo(tipX, tipY);
      ctx.stroke();
      ctx.setLineDash([]);
      var head = 9 * px;
      ctx.beginPath();
      ctx.moveTo(tipX, tipY);
      ctx.lineTo(tipX - ux * head - uy * head * 0.5, tipY - uy * head + ux * head * 0.5);
      ctx.lineTo(tipX - ux * head + uy * head * 0.5, tipY - uy * head - ux * head * 0.5);
      ctx.closePath();
      ctx.fill();
    });
    ctx.textAlign = 'center';
    ctx.textBaseline = 'top';
    ids.forEach(function (n) {
      var p = pos[n];
      var node = network.body.nodes[n];
      if (!p || !node) { return; }
      var size = node.options.size || 10;
      var color = node.options.color || {};
      ctx.fillStyle = color.background || '#97c2fc';
      ctx.strokeStyle = n === chain.root ? '#000000' : (color.border || '#2b7ce9');
      ctx.lineWidth = (n === chain.root ? 3 : 1.5) * px;
      ctx.beginPath();
      if (node.options.shape === 'diamond') {
        ctx.moveTo(p.x, p.y - size); ctx.lineTo(p.x + size, p.y);
        ctx.lineTo(p.x, p.y + size); ctx.lineTo(p.x - size, p.y); ctx.closePath();
      } else if (node.options.shape === 'square') {
        ctx.rect(p.x - size, p.y - size, 2 * size, 2 * size);
      } else {
        ctx.arc(p.x, p.y, size, 0, 2 * Math.PI);
      }
      ctx.fill();
      ctx.stroke();
      var fontSize = Math.max(13, 12 * px);
      ctx.font = (n === chain.root ? 'bold ' : '') + fontSize + 'px system-ui, Arial, sans-serif';
      ctx.lineWidth = fontSize / 4;
      ctx.strokeStyle = '#ffffff';
      ctx.strokeText(labelOf(n), p.x, p.y + size + 3);
      ctx.fillStyle = '#111111';
      ctx.fillText(labelOf(n), p.x, p.y + size + 3);
    });
  }

  function selectNode(id, opts) {
    opts = opts || {};
    if (!INFO[id]) { return false; }
    if (hiddenNodes[id]) { resetFilters(); }
    var t0 = performance.now();
    network.selectNodes([id], true);
    var c = INFO[id].kind === 'document' ? highlightChain(id) : (clearChain(), null);
    var wasHidden = document.getElementById('details').hidden;
    showDetails(id, c);
    if (wasHidden) {
      // The panel narrows the canvas: let vis-network know now, not at its next resize check.
      network.setSize('100%', '100%');
    }
    if (opts.focus) {
      var scale = Math.max(network.getScale(), 1.0);
      network.focus(id, {scale: scale, animation: opts.animate === false ? false :
        {duration: 350, easingFunction: 'easeInOutQuad'}});
    }
    kgPage.selected = id;
    kgPage.lastSelectMs = performance.now() - t0;
    if (opts.updateHash !== false) {
      try { history.replaceState(null, '', '#' + anchorOf(id)); } catch (err) { /* file: URLs */ }
    }
    return true;
  }

  function clearSelection() {
    clearChain();
    network.unselectAll();
    document.getElementById('details').hidden = true;
    kgPage.selected = null;
  }

  // ------------------------------------------------------------------------------------------
  // The details panel

  function field(dl, name, value) {
    if (value === undefined || value === null || value === '' ||
        (Array.isArray(value) && !value.length)) { return; }
    dl.appendChild(el('dt', null, name));
    var dd = el('dd');
    if (value instanceof Node) { dd.appendChild(value); } else { dd.textContent = String(value); }
    dl.appendChild(dd);
  }

  function sentenceBlock(sentence, cited) {
    var q = el('blockquote', 'sentence');
    var at = cited ? sentence.indexOf(cited) : -1;
    if (at < 0) {
      q.textContent = sentence;
    } else {
      q.appendChild(document.createTextNode(sentence.slice(0, at)));
      q.appendChild(el('mark', null, cited));
      q.appendChild(document.createTextNode(sentence.slice(at + cited.length)));
    }
    return q;
  }

  function sourceHeading(src) {
    var info = INFO[src] || {};
    var div = el('div');
    var title = INFO[src] ? nodeLink(src, info.title || info.label) : el('span', null, src);
    title.classList.add('src-title');
    div.appendChild(title);
    if (info.published) { div.appendChild(el('div', 'src-date', 'Published ' + info.published)); }
    return div;
  }

  function evidenceSection(body, items, heading) {
    // items: [[sourceId, sentenceIndex, citedText]]
    if (!items.length) { return; }
    body.appendChild(el('h3', null, heading + ' (' + items.length + ')'));
    var groups = [];
    var bySource = {};
    items.forEach(function (m) {
      if (!bySource[m[0]]) { bySource[m[0]] = []; groups.push(m[0]); }
      bySource[m[0]].push(m);
    });
    var container = el('div', 'evidence');
    body.appendChild(container);
    var shown = 0;
    function render(limit) {
      for (; shown < groups.length && shown < limit; shown++) {
        var src = groups[shown];
        var g = el('div', 'evidence-source');
        g.appendChild(sourceHeading(src));
        var seen = {};
        bySource[src].forEach(function (m) {
          var key = m[1] + '|' + m[2];
          if (seen[key]) { return; }
          seen[key] = true;
          g.appendChild(sentenceBlock(SENTENCES[m[1]], m[2]));
        });
        container.appendChild(g);
      }
    }
    render(MAX_EVIDENCE);
    if (groups.length > shown) {
      var more = el('button', 'more', 'Show all ' + groups.length + ' sources');
      more.type = 'button';
      more.addEventListener('click', function () { render(groups.length); more.remove(); });
      body.appendChild(more);
    }
  }

  function linksSection(body, id) {
    var outs = (outEdges[id] || []).filter(function (e) { return edgeRel[e] !== 'cites'; });
    var ins = (inEdges[id] || []).filter(function (e) { return edgeRel[e] !== 'cites' && edgeRel[e] !== 'issued_by'; });
    if (!outs.length && !ins.length) { return; }
    body.appendChild(el('h3', null, 'Relations'));
    var ul = el('ul', 'links');
    outs.forEach(function (eid) {
      var li = el('li');
      li.appendChild(relBadge(edgeRel[eid]));
      li.appendChild(nodeLink(edgeById[eid].to));
      ul.appendChild(li);
    });
    ins.forEach(function (eid) {
      var li = el('li');
      li.appendChild(nodeLink(edgeById[eid].from));
      li.appendChild(document.createTextNode(' '));
      li.appendChild(relBadge(edgeRel[eid]));
      li.appendChild(document.createTextNode(' this'));
      ul.appendChild(li);
    });
    body.appendChild(ul);
  }

  function showDetails(id, c) {
    var info = INFO[id];
    var panel = document.getElementById('details');
    var body = document.getElementById('details-body');
    clear(body);
    body.dataset.node = id;
    var kindName = {document: 'Document', body: 'Issuing body', source: 'Source text'}[info.kind];
    body.appendChild(el('div', 'kind', info.kind === 'document' ? info.type : kindName));
    body.appendChild(el('h2', null, info.kind === 'source' ? (info.title || info.label) : (info.name || info.label)));
    var dl = el('dl');
    body.appendChild(dl);
    if (info.kind === 'document') {
      field(dl, 'Type', info.type);
      field(dl, 'Symbol', info.symbol);
      field(dl, 'Number', info.symbol ? '' : info.number);
      field(dl, info.date ? 'Date' : 'Year', info.date || (info.year ? String(info.year) : ''));
      if (info.issuers.length) {
        var span = el('span');
        info.issuers.forEach(function (b, i) {
          if (i) { span.appendChild(document.createTextNode('; ')); }
          span.appendChild(nodeLink(b));
        });
        field(dl, 'Issuer', span);
      }
      field(dl, 'Province', info.jurisdiction);
      field(dl, 'Term', info.term);
      field(dl, 'Title', info.title);
      field(dl, 'Also called', info.alternative);
      field(dl, 'Cited by', info.cited_by + ' text' + (info.cited_by === 1 ? '' : 's') +
        (info.mentions !== info.cited_by ? ' (' + info.mentions + ' mentions)' : ''));
      info.conflicts.forEach(function (cf) {
        var p = el('div', 'conflict', 'Conflicting ' + cf.property + ': ' + cf.values.join(' / ') +
          ' (texts disagree)');
        body.appendChild(p);
      });
      if (info.ambiguous) {
        body.appendChild(el('div', 'conflict', 'Ambiguous: this node may stand for more than one document.'));
      }
      if (c && c.size > 1) {
        body.appendChild(el('h3', null, 'Implementation chain (' + (c.size - 1) + ' linked)'));
        var ul = el('ul', 'links chain');
        Object.keys(c.nodes).forEach(function (n) {
          if (n === id) { return; }
          var li = el('li');
          li.appendChild(nodeLink(n));
          ul.appendChild(li);
        });
        body.appendChild(ul);
      }
      linksSection(body, id);
      evidenceSection(body, info.evidence, 'Cited in');
    } else if (info.kind === 'body') {
      field(dl, 'Kind', [info.regime, info.level].filter(Boolean).join(', '));
      field(dl, 'Codes', info.codes.join(', '));
      field(dl, 'Place', info.place);
      if (info.part_of) { field(dl, 'Part of', nodeLink(info.part_of)); }
      field(dl, 'Documents', info.documents);
      var issued = (inEdges[id] || []).filter(function (e) { return edgeRel[e] === 'issued_by'; });
      if (issued.length) {
        body.appendChild(el('h3', null, 'Documents issued (' + issued.length + ')'));
        var list = el('ul', 'links');
        issued.slice(0, 200).forEach(function (eid) {
          var li = el('li');
          li.appendChild(nodeLink(edgeById[eid].from));
          list.appendChild(li);
        });
        body.appendChild(list);
      }
    } else {
      field(dl, 'Published', info.published);
      field(dl, 'Place', info.place);
      field(dl, 'Author', info.author);
      field(dl, 'File', info.file);
      if (info.url) {
        var a = el('a', null, info.url);
        a.href = info.url;
        a.rel = 'noopener noreferrer';
        a.target = '_blank';
        field(dl, 'Web', a);
      }
      linksSection(body, id);
      var ms = sourceMentions(id);
      if (ms.length) {
        body.appendChild(el('h3', null, 'Citations in this text (' + ms.length + ')'));
        var box = el('div', 'evidence');
        ms.slice(0, 300).forEach(function (m) {
          var div = el('div', 'evidence-source');
          div.appendChild(nodeLink(m[0]));
          div.appendChild(sentenceBlock(SENTENCES[m[1]], m[2]));
          box.appendChild(div);
        });
        body.appendChild(box);
      }
    }
    body.appendChild(el('h3', null, 'Identifier'));
    body.appendChild(el('div', 'iri', id));
    panel.hidden = false;
    panel.scrollTop = 0;
  }

  function showEdge(eid) {
    var e = edgeById[eid];
    if (!e) { return; }
    clearChain();
    var key = edgeRel[eid];
    var body = document.getElementById('details-body');
    clear(body);
    body.dataset.edge = eid;
    delete body.dataset.node;
    body.appendChild(el('div', 'kind', 'Link'));
    var h = el('h2');
    h.appendChild(nodeLink(e.from));
    h.appendChild(document.createTextNode(' '));
    h.appendChild(relBadge(key));
    h.appendChild(document.createTextNode(' '));
    h.appendChild(nodeLink(e.to));
    body.appendChild(h);
    if (REL[key]) { body.appendChild(el('div', 'vi', REL[key].label + ' — ' + REL[key].vi)); }
    var ev = (EDGE_INFO[eid] || {}).evidence || [];
    if (ev.length) {
      body.appendChild(el('h3', null, 'Evidence (' + ev.length + ')'));
      ev.forEach(function (item) {
        var g = el('div', 'evidence-source');
        if (item.src) { g.appendChild(sourceHeading(item.src)); }
        if (item.cue) { g.appendChild(el('div', 'cue', 'cue: “' + item.cue + '”')); }
        g.appendChild(sentenceBlock(SENTENCES[item.s], item.cue || ''));
        body.appendChild(g);
      });
    } else if (key === 'cites') {
      var doc = INFO[e.to];
      var items = (doc.evidence || []).filter(function (m) { return m[0] === e.from; });
      evidenceSection(body, items, 'Cited in');
    }
    document.getElementById('details').hidden = false;
  }

  // ------------------------------------------------------------------------------------------
  // Level of detail (large graphs, DATA.lod): edges come bare (colour, width, arrow), because
  // thousands of labels and dashes make every redraw and update several times slower while
  // they are below a pixel at the zoom that shows them all.  Once the user zooms in, the
  // edges in view get their label and dashes; zooming out takes them away again.

  var LOD_SCALE = 0.45;
  var LOD_MAX = 2500;
  var detailed = {};
  var lodTimer = null;

  function scheduleDetail() {
    if (!DATA.lod) { return; }
    clearTimeout(lodTimer);
    lodTimer = setTimeout(updateDetail, 120);
  }

  function updateDetail() {
    var want = {};
    if (network.getScale() >= LOD_SCALE) {
      var box = document.getElementById('mynetwork');
      var tl = network.DOMtoCanvas({x: 0, y: 0});
      var br = network.DOMtoCanvas({x: box.clientWidth, y: box.clientHeight});
      var pos = network.getPositions();
      var inView = {};
      Object.keys(pos).forEach(function (id) {
        var p = pos[id];
        if (p.x >= tl.x && p.x <= br.x && p.y >= tl.y && p.y <= br.y) { inView[id] = true; }
      });
      var count = 0;
      for (var i = 0; i < allEdgeItems.length && count < LOD_MAX; i++) {
        var e = allEdgeItems[i];
        if (inView[e.from] || inView[e.to]) { want[e.id] = true; count++; }
      }
    }
    var add = [];
    var drop = [];
    Object.keys(want).forEach(function (id) {
      if (!detailed[id]) {
        var r = REL[edgeRel[id]];
        add.push({id: id, label: r.label, dashes: r.dashes.length ? r.dashes : false});
      }
    });
    Object.keys(detailed).forEach(function (id) { if (!want[id]) { drop.push(id); } });
    if (drop.length) {
      // vis-network keeps a label once set: put the bare edge back instead.
      edges.remove(drop);
      edges.add(drop.map(function (id) {
        return Object.assign({}, edgeById[id], {hidden: !!relationHidden[id]});
      }));
    }
    if (add.length) { edges.update(add); }
    detailed = want;
    kgPage.detailedEdges = Object.keys(want).length;
  }

  // ------------------------------------------------------------------------------------------
  // Wiring

  network.on('zoom', scheduleDetail);
  network.on('dragEnd', scheduleDetail);
  network.on('animationFinished', scheduleDetail);

  network.on('afterDrawing', drawChain);
  network.on('click', function (params) {
    if (params.nodes.length) {
      selectNode(params.nodes[0], {focus: false});
    } else if (params.edges.length) {
      showEdge(params.edges[0]);
    } else {
      clearSelection();
    }
  });
  document.getElementById('details-close').addEventListener('click', clearSelection);

  function fromHash() {
    var hash = location.hash.replace(/^#/, '');
    if (!hash) { return false; }
    var id;
    try { id = decodeURIComponent(hash); } catch (err) { return false; }
    if (!INFO[id] && INFO[DATA.base + id]) { id = DATA.base + id; }
    if (!INFO[id]) { return false; }
    return selectNode(id, {focus: true, animate: false, updateHash: false});
  }
  window.addEventListener('hashchange', fromHash);

  var kgPage = {
    ready: false,
    selected: null,
    lastFilterMs: null,
    lastSelectMs: null,
    firstDrawMs: null,
    detailedEdges: 0,
    updateDetail: updateDetail,
    search: search,
    selectNode: selectNode,
    clearSelection: clearSelection,
    applyFilters: applyFilters,
    resetFilters: resetFilters,
    chainOf: function (id) { return Object.keys(chainOf(id).nodes); },
    visibleNodeIds: visibleNodeIds,
    visibleEdgeIds: visibleEdgeIds,
    state: state,
    domPosition: function (id) {
      var p = network.canvasToDOM(network.getPositions([id])[id]);
      var r = document.getElementById('mynetwork').getBoundingClientRect();
      return {x: r.left + p.x, y: r.top + p.y};
    }
  };
  window.kgPage = kgPage;

  buildControls();
  updateStats();
  window.kgTimings.script = performance.now();
  network.once('afterDrawing', function () {
    kgPage.firstDrawMs = performance.now();
    window.kgTimings.firstDraw = kgPage.firstDrawMs;
    kgPage.ready = true;
    fromHash();
  });
  network.redraw();
})();
