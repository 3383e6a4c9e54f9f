/**
 * The page and its script, served by view/server.ts: plain HTML, CSS and one vanilla script with no
 * dependencies, so the view works offline. The script has no backticks so it can live in a template literal.
 * @packageDocumentation
 */

/** The page. @public */
export const PAGE_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>lockstep view</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="stylesheet" href="/view.css">
</head>
<body>
<header>
  <h1>lockstep <span>view</span></h1>
  <nav>
    <button id="tab-live" class="tab active" data-tab="live">Live pair</button>
    <button id="tab-trace" class="tab" data-tab="trace">Playback</button>
  </nav>
  <label>profile <select id="profile"></select></label>
  <span class="legend"><i class="sw primary"></i>primary <i class="sw secondary"></i>secondary</span>
  <span id="conn" class="conn">connecting…</span>
</header>
<main>
  <section id="live" class="panel">
    <div id="sides" class="sides"></div>
    <div class="timeline-box">
      <h2>Checkpoints <span id="channel-mode" class="badge">-</span></h2>
      <svg id="timeline" class="timeline" role="img" aria-label="checkpoint timeline"></svg>
      <table id="checkpoint-table" class="small"></table>
    </div>
  </section>
  <section id="trace" class="panel hidden">
    <div id="trace-head"></div>
    <div class="controls">
      <button id="first" title="first step (Home)">|◀ first</button>
      <button id="prev" title="previous step (←)">◀ prev</button>
      <span id="step-label">-</span>
      <button id="next" title="next step (→)">next ▶</button>
      <button id="last" title="last step (End)">last ▶|</button>
    </div>
    <div class="trace-grid">
      <div id="msc" class="msc"></div>
      <div id="step-states" class="step-states"></div>
    </div>
  </section>
  <section class="charts-box">
    <h2>State charts <span id="chart-mode" class="badge">live</span></h2>
    <div id="charts" class="charts"></div>
  </section>
</main>
<script type="module" src="/view.js"></script>
</body>
</html>
`;

/** The page's style. @public */
export const PAGE_CSS = `
:root { --primary: #1f6feb; --secondary: #d9480f; --both: #7b2cbf; --ink: #1d232b; --muted: #6b7785; --line: #d8dee4; }
* { box-sizing: border-box; }
body { margin: 0; font: 13px/1.4 system-ui, -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; color: var(--ink); background: #f6f8fa; }
header { display: flex; gap: 16px; align-items: center; padding: 8px 16px; background: #fff; border-bottom: 1px solid var(--line); position: sticky; top: 0; z-index: 2; }
h1 { font-size: 16px; margin: 0; } h1 span { color: var(--muted); font-weight: 400; }
h2 { font-size: 14px; margin: 0 0 8px; }
nav { display: flex; gap: 4px; }
button { font: inherit; padding: 3px 10px; border: 1px solid var(--line); background: #fff; border-radius: 6px; cursor: pointer; }
button.active { background: var(--ink); color: #fff; border-color: var(--ink); }
button:disabled { opacity: .4; cursor: default; }
.legend { color: var(--muted); } .sw { display: inline-block; width: 10px; height: 10px; border-radius: 2px; margin: 0 4px 0 8px; vertical-align: -1px; }
.sw.primary { background: var(--primary); } .sw.secondary { background: var(--secondary); }
.conn { margin-left: auto; color: var(--muted); } .conn.ok { color: #1a7f37; }
main { padding: 12px 16px; display: grid; gap: 12px; }
.panel, .charts-box { background: #fff; border: 1px solid var(--line); border-radius: 8px; padding: 12px; }
.hidden { display: none; }
.sides { display: grid; grid-template-columns: repeat(auto-fit, minmax(320px, 1fr)); gap: 12px; margin-bottom: 12px; }
.side { border-left: 4px solid var(--primary); padding: 4px 10px; }
.side.secondary { border-left-color: var(--secondary); }
.side.dead { opacity: .55; }
.side h3 { margin: 0 0 4px; font-size: 13px; }
.kv { display: grid; grid-template-columns: max-content 1fr; gap: 0 10px; }
.kv b { font-weight: 600; font-family: ui-monospace, Menlo, monospace; }
.events { font-family: ui-monospace, Menlo, monospace; font-size: 11px; color: var(--muted); max-height: 84px; overflow: auto; margin-top: 4px; }
.badge { font-size: 11px; font-weight: 500; padding: 1px 6px; border-radius: 10px; background: #eef1f4; color: var(--muted); margin-left: 6px; }
.badge.multifd { background: #ede4fb; color: var(--both); }
.timeline { width: 100%; height: 150px; display: block; }
.timeline .bar { fill: var(--primary); } .timeline.multifd .bar { fill: var(--both); }
.timeline text { font-size: 10px; fill: var(--muted); }
table.small { border-collapse: collapse; font-size: 11px; margin-top: 6px; }
table.small td, table.small th { padding: 1px 8px; text-align: right; border-bottom: 1px solid #eef1f4; }
.charts { display: flex; flex-wrap: wrap; gap: 12px; }
.chart { border: 1px solid var(--line); border-radius: 6px; padding: 6px; min-width: 0; max-width: 100%; }
.chart.expanded { flex-basis: 100% !important; }
.chart h3 { margin: 0 0 4px; font-size: 12px; display: flex; gap: 8px; align-items: center; flex-wrap: wrap; }
.chart h3 .now { font-weight: 400; color: var(--muted); font-family: ui-monospace, Menlo, monospace; margin-left: auto; }
.chart h3 button, .chart h3 a { font-size: 11px; padding: 1px 8px; }
.chart h3 a { color: var(--muted); }
.chart .overview svg { display: block; max-width: 100%; height: auto; }
.chart .full { display: none; height: 72vh; border: 1px solid var(--line); border-radius: 4px; overflow: hidden; cursor: grab; touch-action: none; background: #fff; }
.chart .full.dragging { cursor: grabbing; }
.chart .full svg { width: 100%; height: 100%; display: block; }
.chart.expanded .full { display: block; } .chart.expanded .overview { display: none; }
.chart .zoom { display: none; gap: 4px; } .chart.expanded .zoom { display: inline-flex; }
g.edge.path-primary > path { stroke: var(--primary); stroke-width: 3px; } g.edge.path-primary > polygon { fill: var(--primary); stroke: var(--primary); }
g.edge.path-secondary > path { stroke: var(--secondary); stroke-width: 3px; } g.edge.path-secondary > polygon { fill: var(--secondary); stroke: var(--secondary); }
g.edge.path-primary.path-secondary > path { stroke: var(--both); }
g.edge.path-primary > text, g.edge.path-secondary > text { font-weight: 700; }
g.node.hl-primary > path, g.node.hl-primary > polygon, g.node.hl-primary > ellipse { fill: #dbe9ff; stroke: var(--primary); stroke-width: 3px; }
g.node.hl-secondary > path, g.node.hl-secondary > polygon, g.node.hl-secondary > ellipse { fill: #ffe3d3; stroke: var(--secondary); stroke-width: 3px; }
g.node.hl-primary.hl-secondary > path, g.node.hl-primary.hl-secondary > polygon { fill: #eadcff; stroke: var(--both); }
g.node.hl-primary > text, g.node.hl-secondary > text { font-weight: 700; }
g.cluster.hl-primary > path, g.cluster.hl-primary > polygon { stroke: var(--primary); stroke-width: 2px; }
g.cluster.hl-secondary > path, g.cluster.hl-secondary > polygon { stroke: var(--secondary); stroke-width: 2px; }
.controls { display: flex; gap: 8px; align-items: center; margin: 8px 0; }
#step-label { min-width: 110px; text-align: center; font-weight: 600; }
.trace-grid { display: grid; grid-template-columns: minmax(520px, 2fr) minmax(260px, 1fr); gap: 12px; }
.msc { max-height: 460px; overflow: auto; border: 1px solid var(--line); border-radius: 6px; }
.msc table { border-collapse: collapse; width: 100%; font-family: ui-monospace, Menlo, monospace; font-size: 11px; }
.msc th { position: sticky; top: 0; background: #fff; border-bottom: 1px solid var(--line); padding: 4px; }
.msc th.p { color: var(--primary); } .msc th.s { color: var(--secondary); }
.msc td { padding: 2px 6px; border-bottom: 1px solid #f0f2f4; white-space: nowrap; }
.msc td.n { color: var(--muted); text-align: right; width: 3em; }
.msc td.lane-p, .msc td.lane-s { width: 36%; } .msc td.link { text-align: center; width: 28%; }
.msc td.lane-p { border-right: 2px solid #cfe0fb; } .msc td.lane-s { border-left: 2px solid #fbd9c6; }
.msc tr.future { opacity: .3; }
.msc tr.current { background: #fff8c5; outline: 2px solid #d4a72c; }
.msc .fault { color: #cf222e; font-weight: 600; }
.msc tr.violation td { background: #ffebe9; } .msc tr.finding td { background: #fff1e5; } .msc tr.warning td { background: #fffbdd; }
.arrow-r::after { content: " ──▶"; color: var(--muted); } .arrow-l::before { content: "◀── "; color: var(--muted); }
.step-states h3 { font-size: 12px; margin: 8px 0 2px; }
.step-states .note { margin-top: 8px; padding: 6px; background: #fff8c5; border-radius: 4px; }
.step-states .note.violation { background: #ffebe9; }
`;

/** The page's script: charts, live updates over Server-Sent Events, playback. @public */
export const PAGE_JS = String.raw`
const $ = (id) => document.getElementById(id);
const view = { live: null, trace: null, step: 0, tab: 'live', profile: null, history: {}, applied: 0, charts: {} };
window.lockstepView = view;

function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (k === 'class') node.className = v; else node.setAttribute(k, v);
  }
  for (const c of children) if (c !== null && c !== undefined) node.append(c instanceof Node ? c : String(c));
  return node;
}

// Graphviz sizes its SVG in points; a CSS pixel is 3/4 of a point
const PX_PER_PT = 4 / 3;

function svgFrom(text) {
  const holder = document.createElement('div');
  holder.innerHTML = text.replace(/^[\s\S]*?(<svg)/, '$1');
  const svg = holder.querySelector('svg');
  const box = svg.viewBox.baseVal;
  svg.removeAttribute('width');
  svg.removeAttribute('height');
  return { svg, width: box.width, height: box.height };
}

/** Wheel zooms around the pointer, a drag pans, the buttons zoom and fit: all by moving the viewBox. */
function zoomPan(frame, svg, width, height) {
  const vb = svg.viewBox.baseVal;
  const fit = () => { vb.x = 0; vb.y = 0; vb.width = width; vb.height = height; };
  const zoom = (factor, cx, cy) => {
    const nw = Math.min(width * 4, Math.max(width / 40, vb.width * factor));
    const k = nw / vb.width;
    vb.x = cx - (cx - vb.x) * k; vb.y = cy - (cy - vb.y) * k; vb.width = nw; vb.height = vb.height * k;
  };
  const toChart = (e) => {
    const r = svg.getBoundingClientRect();
    const scale = Math.max(vb.width / r.width, vb.height / r.height);
    const ox = (r.width * scale - vb.width) / 2; const oy = (r.height * scale - vb.height) / 2;
    return [vb.x - ox + (e.clientX - r.left) * scale, vb.y - oy + (e.clientY - r.top) * scale, scale];
  };
  frame.addEventListener('wheel', (e) => {
    e.preventDefault();
    const [x, y] = toChart(e);
    zoom(e.deltaY > 0 ? 1.2 : 1 / 1.2, x, y);
  }, { passive: false });
  let drag = null;
  frame.addEventListener('pointerdown', (e) => { drag = { x: e.clientX, y: e.clientY }; frame.classList.add('dragging'); frame.setPointerCapture(e.pointerId); });
  frame.addEventListener('pointermove', (e) => {
    if (!drag) return;
    const [, , scale] = toChart(e);
    vb.x -= (e.clientX - drag.x) * scale; vb.y -= (e.clientY - drag.y) * scale;
    drag = { x: e.clientX, y: e.clientY };
  });
  const end = () => { drag = null; frame.classList.remove('dragging'); };
  frame.addEventListener('pointerup', end);
  frame.addEventListener('pointercancel', end);
  return { fit, zoomIn: () => zoom(1 / 1.4, vb.x + vb.width / 2, vb.y + vb.height / 2), zoomOut: () => zoom(1.4, vb.x + vb.width / 2, vb.y + vb.height / 2) };
}

function download(name, text) {
  const a = el('a', { href: URL.createObjectURL(new Blob([text], { type: 'image/svg+xml' })), download: name }, 'SVG');
  a.title = 'save this view as SVG';
  return a;
}

async function loadCharts(profile) {
  view.profile = profile;
  $('profile').value = profile;
  const res = await fetch('/api/charts?profile=' + encodeURIComponent(profile));
  const data = await res.json();
  const box = $('charts');
  box.textContent = '';
  view.charts = {};
  for (const chart of data.charts) {
    view.charts[chart.name] = chart;
    const overview = svgFrom(chart.overview);
    const full = svgFrom(chart.full);
    const toggle = el('button', { class: 'toggle-full', title: 'show every transition, with zoom and pan' }, 'all ' + chart.transitions + ' transitions');
    const zoomIn = el('button', { class: 'zoom-in', title: 'zoom in (or the mouse wheel)' }, '+');
    const zoomOut = el('button', { class: 'zoom-out', title: 'zoom out' }, '−');
    const fitBtn = el('button', { class: 'zoom-fit', title: 'fit the chart' }, 'fit');
    const save = el('span', { class: 'save' }, download(chart.name + '.' + profile + '.svg', chart.overview));
    const card = el('div', { class: 'chart', 'data-machine': chart.name },
      el('h3', {}, el('span', {}, chart.name), toggle, el('span', { class: 'zoom' }, zoomIn, zoomOut, fitBtn), save, el('span', { class: 'now' })));
    // each overview is as wide as Graphviz drew it, or the row when that is narrower: never scaled up
    card.style.flex = '1 1 ' + Math.ceil(overview.width * PX_PER_PT + 14) + 'px';
    const ov = el('div', { class: 'overview' }, overview.svg);
    overview.svg.style.width = Math.ceil(overview.width * PX_PER_PT) + 'px';
    const frame = el('div', { class: 'full' }, full.svg);
    full.svg.setAttribute('preserveAspectRatio', 'xMidYMid meet');
    const zp = zoomPan(frame, full.svg, full.width, full.height);
    zoomIn.addEventListener('click', zp.zoomIn); zoomOut.addEventListener('click', zp.zoomOut); fitBtn.addEventListener('click', zp.fit);
    toggle.addEventListener('click', () => {
      const expanded = card.classList.toggle('expanded');
      toggle.textContent = expanded ? 'overview' : 'all ' + chart.transitions + ' transitions';
      save.textContent = '';
      save.append(download(chart.name + '.' + profile + (expanded ? '.full' : '') + '.svg', expanded ? chart.full : chart.overview));
      if (expanded) zp.fit();
    });
    card.append(ov, frame);
    box.append(card);
  }
  document.body.dataset.charts = String(data.charts.length);
  document.body.dataset.chartsProfile = data.profile;
  highlight();
}

function statesNow() {
  if (view.tab === 'trace' && view.trace) {
    const step = view.trace.steps[view.step];
    return step ? step.states : { primary: {}, secondary: {} };
  }
  const out = { primary: {}, secondary: {} };
  for (const side of (view.live ? view.live.sides : [])) {
    const into = out[side.role];
    for (const [m, paths] of Object.entries(side.states)) into[m] = (into[m] || []).concat(paths);
  }
  return out;
}

/** The states one side went through in one machine so far, oldest first, each a list of active paths. */
function pathSoFar(role, machine) {
  if (view.tab === 'trace' && view.trace) {
    const seen = [];
    for (const step of view.trace.steps.slice(0, view.step + 1)) {
      const paths = step.states[role][machine];
      if (paths && paths.length && (seen.length === 0 || seen[seen.length - 1].join('|') !== paths.join('|'))) seen.push(paths);
    }
    return seen;
  }
  return (view.history[role + ':' + machine] || []).map((s) => s.split('|'));
}

const parentPath = (p) => (p.includes('.') ? p.slice(0, p.lastIndexOf('.')) : '');

/** The edge classes (charts/dot.ts pairClass) of every move between consecutive states of a path. */
function pathClasses(states, seen) {
  const out = new Set();
  for (let i = 1; i < seen.length; i++) {
    for (const to of seen[i]) {
      if (seen[i - 1].includes(to)) continue;
      // a region moved: its previous state is the one with the same parent
      const from = seen[i - 1].find((p) => parentPath(p) === parentPath(to));
      if (from !== undefined) out.add('p-' + states.indexOf(from) + '-' + states.indexOf(to));
    }
  }
  return out;
}

function highlight() {
  const states = statesNow();
  for (const card of document.querySelectorAll('.chart')) {
    const machine = card.dataset.machine;
    const chart = (view.charts || {})[machine];
    const wanted = {};
    const labels = [];
    const moved = { primary: new Set(), secondary: new Set() };
    for (const role of ['primary', 'secondary']) {
      const paths = states[role][machine] || [];
      for (const p of paths) {
        (wanted[p] = wanted[p] || []).push(role);
        const parts = p.split('.');
        for (let i = 1; i < parts.length; i++) (wanted['cluster_' + parts.slice(0, i).join('.')] = wanted['cluster_' + parts.slice(0, i).join('.')] || []).push(role);
      }
      if (paths.length) labels.push(role[0].toUpperCase() + ': ' + paths.join(', '));
      if (chart) moved[role] = pathClasses(chart.states, pathSoFar(role, machine));
    }
    for (const g of card.querySelectorAll('g.node, g.cluster')) {
      const title = g.querySelector(':scope > title');
      const name = title ? title.textContent : '';
      const roles = wanted[name] || [];
      g.classList.toggle('hl-primary', roles.includes('primary'));
      g.classList.toggle('hl-secondary', roles.includes('secondary'));
    }
    for (const g of card.querySelectorAll('g.edge')) {
      const pairs = [...g.classList].filter((c) => c.startsWith('p-'));
      g.classList.toggle('path-primary', pairs.some((c) => moved.primary.has(c)));
      g.classList.toggle('path-secondary', pairs.some((c) => moved.secondary.has(c)));
    }
    card.querySelector('.now').textContent = labels.join('  ');
  }
  $('chart-mode').textContent = view.tab === 'trace' && view.trace ? 'playback step ' + (view.step + 1) : 'live';
}

function fmtBytes(n) {
  if (n >= 1048576) return (n / 1048576).toFixed(1) + ' MiB';
  if (n >= 1024) return (n / 1024).toFixed(1) + ' KiB';
  return n + ' B';
}

function renderLive() {
  const live = view.live;
  if (!live) return;
  const sides = $('sides');
  sides.textContent = '';
  if (live.sides.length === 0) sides.append(el('p', { class: 'muted' }, 'No running node: start with lockstep demo --view or lockstep view --qmp PATH.'));
  for (const s of live.sides) {
    const kv = el('div', { class: 'kv' });
    const add = (k, v) => { kv.append(el('span', {}, k), el('b', { 'data-field': k }, v === null || v === undefined ? '-' : v)); };
    add('status', s.status); add('colo thread', s.colo); add('failover', s.failover); add('vm', s.vm); add('checkpoints', s.checkpoints);
    const events = el('div', { class: 'events' });
    for (const e of s.events.slice(-8).reverse()) events.append(el('div', {}, e.event + (e.data ? ' ' + JSON.stringify(e.data) : '')));
    sides.append(el('div', { class: 'side ' + s.role + (s.alive ? '' : ' dead'), 'data-role': s.role },
      el('h3', {}, s.label + (s.alive ? '' : ' — stopped')), kv, events));
  }
  const mode = $('channel-mode');
  mode.textContent = live.multifd > 0 ? 'multifd, ' + live.multifd + ' channels' : 'plain (main channel)';
  mode.classList.toggle('multifd', live.multifd > 0);
  renderTimeline(live);
}

function renderTimeline(live) {
  const svg = $('timeline');
  const ns = 'http://www.w3.org/2000/svg';
  svg.textContent = '';
  svg.classList.toggle('multifd', live.multifd > 0);
  const cps = live.checkpoints;
  const width = svg.clientWidth || 800;
  const height = 150;
  const max = Math.max(1, ...cps.map((c) => c.pauseMs));
  const slot = Math.min(90, (width - 40) / Math.max(1, cps.length));
  const mk = (tag, attrs, text) => {
    const n = document.createElementNS(ns, tag);
    for (const [k, v] of Object.entries(attrs)) n.setAttribute(k, v);
    if (text !== undefined) n.textContent = text;
    svg.append(n);
    return n;
  };
  mk('text', { x: 0, y: 10 }, 'pause ms (max ' + max.toFixed(1) + ')');
  mk('line', { x1: 30, y1: height - 34, x2: width, y2: height - 34, stroke: '#d8dee4' });
  cps.forEach((c, i) => {
    const h = Math.max(1, ((height - 60) * c.pauseMs) / max);
    const x = 34 + i * slot;
    const bar = mk('rect', { class: 'bar', x: x, y: height - 34 - h, width: Math.max(4, slot - 10), height: h, rx: 2 });
    const t = document.createElementNS(ns, 'title');
    t.textContent = 'checkpoint ' + c.checkpoint + ': pause ' + c.pauseMs.toFixed(1) + ' ms, ' + c.dirtyPages + ' pages, ' + c.bytes + ' bytes';
    bar.append(t);
    mk('text', { x: x, y: height - 36 - h }, c.pauseMs.toFixed(1));
    mk('text', { x: x, y: height - 22 }, '#' + c.checkpoint);
    mk('text', { x: x, y: height - 11 }, c.dirtyPages + ' pg');
    mk('text', { x: x, y: height - 1 }, fmtBytes(c.bytes));
  });
  const table = $('checkpoint-table');
  table.textContent = '';
  table.append(el('tr', {}, el('th', {}, 'checkpoint'), el('th', {}, 'pause ms'), el('th', {}, 'dirty pages'), el('th', {}, 'bytes')));
  for (const c of cps.slice(-12)) table.append(el('tr', {}, el('td', {}, c.checkpoint), el('td', {}, c.pauseMs.toFixed(1)), el('td', {}, c.dirtyPages), el('td', {}, c.bytes)));
}

function record(live) {
  for (const s of live.sides) {
    for (const [m, paths] of Object.entries(s.states)) {
      const key = s.role + ':' + m;
      const list = (view.history[key] = view.history[key] || []);
      const now = paths.join('|');
      if (list[list.length - 1] !== now) list.push(now);
    }
  }
}

function onLive(live) {
  view.live = live;
  view.applied++;
  record(live);
  if (view.profile === null || (live.sides.length > 0 && live.profile !== view.profile && !view.trace)) loadCharts(live.profile);
  renderLive();
  if (view.tab === 'live') highlight();
}

function connect() {
  const source = new EventSource('/api/live');
  source.onopen = () => { $('conn').textContent = 'live'; $('conn').classList.add('ok'); };
  source.onerror = () => { $('conn').textContent = 'disconnected (retrying)'; $('conn').classList.remove('ok'); };
  source.onmessage = (msg) => onLive(JSON.parse(msg.data));
}

function renderTrace() {
  const t = view.trace;
  if (!t) return;
  $('trace-head').textContent = '';
  $('trace-head').append(el('h2', {}, t.title), el('div', { class: 'muted' }, t.file + ' — ' + t.detail));
  const table = el('table', {});
  table.append(el('tr', {}, el('th', {}, '#'), el('th', { class: 'p' }, 'primary'), el('th', {}, 'link'), el('th', { class: 's' }, 'secondary')));
  t.steps.forEach((s, i) => {
    const cell = (lane) => {
      const td = el('td', { class: lane === 'link' ? 'link' : lane === 'primary' ? 'lane-p' : 'lane-s' });
      if (s.lane === lane) {
        const span = el('span', { class: (s.fault ? 'fault ' : '') + (s.arrow === 'to-secondary' ? 'arrow-r' : s.arrow === 'to-primary' ? 'arrow-l' : '') }, s.text);
        td.append(span);
      }
      return td;
    };
    const tr = el('tr', { 'data-step': i + 1, class: s.flag || '' }, el('td', { class: 'n' }, s.n), cell('primary'), cell('link'), cell('secondary'));
    tr.addEventListener('click', () => go(i));
    table.append(tr);
  });
  $('msc').textContent = '';
  $('msc').append(table);
  go(view.step);
}

function go(i) {
  const t = view.trace;
  if (!t || t.steps.length === 0) return;
  view.step = Math.max(0, Math.min(t.steps.length - 1, i));
  const step = t.steps[view.step];
  $('step-label').textContent = 'step ' + (view.step + 1) + ' / ' + t.steps.length;
  document.body.dataset.step = String(view.step + 1);
  $('prev').disabled = view.step === 0; $('first').disabled = view.step === 0;
  $('next').disabled = view.step === t.steps.length - 1; $('last').disabled = view.step === t.steps.length - 1;
  for (const tr of document.querySelectorAll('#msc tr[data-step]')) {
    const n = Number(tr.dataset.step) - 1;
    tr.classList.toggle('current', n === view.step);
    tr.classList.toggle('future', n > view.step);
  }
  // keep the current row in view inside the chart only (the page itself does not scroll)
  const cur = document.querySelector('#msc tr.current');
  const msc = $('msc');
  if (cur && (cur.offsetTop < msc.scrollTop + 24 || cur.offsetTop + cur.offsetHeight > msc.scrollTop + msc.clientHeight))
    msc.scrollTop = Math.max(0, cur.offsetTop - msc.clientHeight / 2);
  const box = $('step-states');
  box.textContent = '';
  box.append(el('h2', {}, 'After step ' + step.n + (step.line ? ' (log line ' + step.line + ')' : '')));
  for (const role of ['primary', 'secondary']) {
    box.append(el('h3', { style: 'color: var(--' + role + ')' }, role));
    const kv = el('div', { class: 'kv' });
    const entries = Object.entries(step.states[role]);
    if (entries.length === 0) kv.append(el('span', {}, '-'), el('b', {}, ''));
    for (const [m, paths] of entries) kv.append(el('span', {}, m), el('b', { 'data-machine': m, 'data-role': role }, paths.join(', ')));
    box.append(kv);
  }
  if (step.note) box.append(el('div', { class: 'note ' + (step.flag || '') }, (step.flag ? step.flag + ': ' : '') + step.note));
  highlight();
}

function setTab(tab) {
  view.tab = tab;
  for (const b of document.querySelectorAll('.tab')) b.classList.toggle('active', b.dataset.tab === tab);
  $('live').classList.toggle('hidden', tab !== 'live');
  $('trace').classList.toggle('hidden', tab !== 'trace');
  if (tab === 'trace' && view.trace && view.trace.profile !== view.profile) loadCharts(view.trace.profile);
  else if (tab === 'live' && view.live && view.live.sides.length > 0 && view.live.profile !== view.profile) loadCharts(view.live.profile);
  else highlight();
}

async function init() {
  for (const b of document.querySelectorAll('.tab')) b.addEventListener('click', () => setTab(b.dataset.tab));
  $('profile').addEventListener('change', () => loadCharts($('profile').value));
  $('prev').addEventListener('click', () => go(view.step - 1));
  $('next').addEventListener('click', () => go(view.step + 1));
  $('first').addEventListener('click', () => go(0));
  $('last').addEventListener('click', () => go(Infinity));
  document.addEventListener('keydown', (e) => {
    if (view.tab !== 'trace' || e.target instanceof HTMLSelectElement) return;
    if (e.key === 'ArrowLeft' || e.key === 'ArrowUp') { go(view.step - 1); e.preventDefault(); }
    if (e.key === 'ArrowRight' || e.key === 'ArrowDown') { go(view.step + 1); e.preventDefault(); }
    if (e.key === 'Home') go(0);
    if (e.key === 'End') go(Infinity);
  });
  const info = await (await fetch('/api/info')).json();
  for (const name of info.profiles) $('profile').append(el('option', {}, name));
  const res = await fetch('/api/trace');
  if (res.ok) {
    view.trace = await res.json();
    renderTrace();
  } else {
    $('tab-trace').disabled = true;
    $('tab-trace').title = 'start with --trace FILE to play a counterexample or a QMP log';
  }
  await loadCharts(info.profile);
  connect();
  if (view.trace && !info.live) setTab('trace');
  document.body.dataset.ready = 'true';
}

init();
`;
