// strata dashboard. Every value from the API is inserted with textContent or as an SVG
// attribute set through setAttribute: nothing from the server is ever parsed as HTML.
'use strict';

const LAYERS = ['kernel', 'container', 'workload', 'network', 'node', 'cluster'];
const SEVERITIES = ['critical', 'high', 'medium', 'low', 'info'];
const RANK = { critical: 5, high: 4, medium: 3, low: 2, info: 1 };
const SVGNS = 'http://www.w3.org/2000/svg';

const state = { findings: new Map(), selected: '', complete: false, stream: null, lastEventID: 0 };

function $(id) { return document.getElementById(id); }

// el builds an element; string children become text nodes.
function el(tag, cls, ...children) {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  for (const c of children) e.append(c instanceof Node ? c : document.createTextNode(String(c)));
  return e;
}

function svg(tag, attrs) {
  const e = document.createElementNS(SVGNS, tag);
  for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, String(v));
  return e;
}

async function api(path) {
  const r = await fetch(path, { credentials: 'same-origin', headers: { Accept: 'application/json' } });
  if (r.status === 401) { window.location.assign('/login'); throw new Error('not logged in'); }
  const body = await r.json().catch(() => ({}));
  if (!r.ok) { const e = new Error(body.error || r.statusText); e.status = r.status; throw e; }
  return body;
}

function setComplete(complete, reason) {
  state.complete = complete;
  $('banner').hidden = complete;
  if (!complete && reason) $('banner-text').textContent = reason;
}

function notSyncedReason(status) {
  const waiting = (status.kinds || []).filter(k => !k.synced && !k.denied).map(k => k.kind);
  if (waiting.length === 0) return 'The first full evaluation has not finished: findings may be missing.';
  return 'Waiting for ' + waiting.slice(0, 6).join(', ') + (waiting.length > 6 ? ' and more' : '') + ' to sync: findings may be missing.';
}

// ---- layer overview ----

async function loadPosture() {
  const p = await api('/api/v1/posture');
  setComplete(p.complete, notSyncedReason(p.status));
  const box = $('layers');
  box.replaceChildren();
  // Bottom of the stack at the bottom: cluster first, kernel last.
  for (const l of [...p.layers].reverse()) box.append(layerCard(l));
}

function layerCard(l) {
  const card = el('div', 'layer');
  card.dataset.layer = l.layer;
  const sev = el('div', 'sev');
  for (const s of SEVERITIES) {
    const n = l.findings[s] || 0;
    const chip = el('span', 'chip ' + s + (n === 0 ? ' zero' : ''), s + ' ' + n);
    chip.dataset.severity = s;
    sev.append(chip);
  }
  const score = el('div', 'score');
  if (l.checks === 0) {
    score.append(el('span', 'na', 'no checks run'));
  } else if (l.score === null || l.score === undefined) {
    score.append(el('span', 'na', 'not assessed'));
  } else {
    score.append(el('span', 'value', l.score.toFixed(1)), el('span', 'muted', ' / 100'));
  }
  const c = l.coverage;
  const cov = el('div', 'coverage',
    el('span', 'pass', c.pass + ' pass'), ' · ',
    el('span', 'fail', c.fail + ' fail'), ' · ',
    el('span', 'not-assessed', c.notAssessed + ' not assessed'), ' · ',
    el('span', 'error', c.error + ' error'));
  cov.append(coverageBar(c));
  card.append(el('h3', '', l.layer), score, sev, cov);
  return card;
}

function coverageBar(c) {
  const total = c.pass + c.fail + c.notAssessed + c.error;
  const bar = el('div', 'bar');
  if (total === 0) return el('div', 'muted', 'no checks of this layer ran');
  for (const [k, cls] of [['pass', 'pass'], ['fail', 'fail'], ['notAssessed', 'not-assessed'], ['error', 'error']]) {
    if (!c[k]) continue;
    const seg = el('span', 'seg ' + cls);
    seg.style.width = (100 * c[k] / total) + '%';
    seg.title = c[k] + ' ' + cls.replace('-', ' ');
    bar.append(seg);
  }
  return bar;
}

// ---- findings ----

async function loadFindings() {
  const all = new Map();
  let first = null;
  for (let offset = 0; offset < 20000; offset += 1000) {
    const page = await api('/api/v1/findings?limit=1000&offset=' + offset);
    if (first === null) first = page;
    for (const f of page.findings) all.set(f.id, f);
    if (offset + page.findings.length >= page.total || page.findings.length === 0) break;
  }
  state.findings = all;
  state.lastEventID = first.lastEventID;
  setComplete(first.complete, state.complete ? '' : $('banner-text').textContent);
  renderFindings();
}

function filters() {
  return {
    layer: $('f-layer').value,
    severity: RANK[$('f-severity').value] || 0,
    namespace: $('f-namespace').value.trim(),
    check: $('f-check').value.trim().toLowerCase(),
    text: $('f-text').value.trim().toLowerCase(),
  };
}

function objectName(o) {
  if (!o.kind && !o.name) return 'the cluster';
  return o.kind + '/' + (o.namespace ? o.namespace + '/' : '') + o.name;
}

function matches(f, q) {
  if (q.layer && f.layer !== q.layer) return false;
  if ((RANK[f.severity] || 0) < q.severity) return false;
  if (q.namespace && (f.object.namespace || '') !== q.namespace) return false;
  if (q.check && f.checkID.toLowerCase() !== q.check && f.slug !== q.check) return false;
  if (q.text) {
    const hay = [f.message, f.title, f.checkID, f.slug, objectName(f.object), f.path].join('\n').toLowerCase();
    if (!hay.includes(q.text)) return false;
  }
  return true;
}

function compare(a, b) {
  return (RANK[b.severity] - RANK[a.severity]) || LAYERS.indexOf(a.layer) - LAYERS.indexOf(b.layer) ||
    a.checkID.localeCompare(b.checkID) || objectName(a.object).localeCompare(objectName(b.object)) || a.path.localeCompare(b.path);
}

function renderFindings() {
  const q = filters();
  const rows = [...state.findings.values()].filter(f => matches(f, q)).sort(compare);
  const body = $('findings-body');
  body.replaceChildren(...rows.map(findingRow));
  $('count').textContent = '(' + rows.length + ' of ' + state.findings.size + ')';
  const empty = $('findings-empty');
  empty.hidden = rows.length > 0;
  empty.textContent = state.complete ? 'No findings match.' : 'No findings match so far — the posture is incomplete.';
  if (state.selected && !state.findings.has(state.selected)) showDetail('');
}

function findingRow(f) {
  const tr = el('tr', 'finding' + (f.id === state.selected ? ' selected' : ''),
    el('td', '', el('span', 'chip ' + f.severity, f.severity)),
    el('td', '', f.layer),
    el('td', '', el('span', 'mono', f.checkID), ' ', f.title),
    el('td', 'mono', objectName(f.object)),
    el('td', 'message', f.message));
  tr.dataset.id = f.id;
  tr.dataset.check = f.checkID;
  tr.tabIndex = 0;
  tr.addEventListener('click', () => showDetail(f.id));
  tr.addEventListener('keydown', e => { if (e.key === 'Enter') showDetail(f.id); });
  return tr;
}

function showDetail(id) {
  state.selected = id;
  const f = state.findings.get(id);
  $('detail').hidden = !f;
  for (const tr of $('findings-body').children) tr.classList.toggle('selected', tr.dataset.id === id);
  if (!f) return;
  $('d-title').textContent = f.title;
  $('d-check').textContent = f.checkID + ' (' + f.slug + ', ' + f.layer + ' layer)';
  $('d-severity').textContent = f.severity;
  $('d-object').textContent = objectName(f.object) + (f.object.uid ? ' uid ' + f.object.uid : '');
  $('d-path').textContent = f.path || '—';
  $('d-location').textContent = f.location ? f.location.file + (f.location.line ? ':' + f.location.line : '') : 'live object';
  $('d-message').textContent = f.message;
  $('d-remediation').textContent = f.remediation;
  $('d-fix').textContent = f.fix && f.fix.length ? JSON.stringify(f.fix, null, 2) : 'No mechanical fix: this one needs a human decision.';
}

// ---- history chart ----

async function loadHistory() {
  const box = $('history');
  let h;
  try {
    h = await api('/api/v1/history?since=24h');
  } catch (e) {
    box.replaceChildren(el('p', 'muted', e.status === 404 ? 'No posture history: this server runs without a ledger.' : 'History unavailable: ' + e.message));
    return;
  }
  if (h.points.length === 0) { box.replaceChildren(el('p', 'muted', 'No snapshots in the last 24 hours yet.')); return; }
  box.replaceChildren(chart(h.points));
}

function chart(points) {
  const W = 720, H = 180, P = 32;
  const times = points.map(p => Date.parse(p.at));
  const t0 = Math.min(...times), t1 = Math.max(...times);
  const ymax = Math.max(1, ...points.map(p => p.findings));
  const x = t => P + (t1 === t0 ? (W - 2 * P) / 2 : (t - t0) / (t1 - t0) * (W - 2 * P));
  const y = v => H - P - v / ymax * (H - 2 * P);
  const s = svg('svg', { viewBox: `0 0 ${W} ${H}`, class: 'chart', role: 'img', 'aria-label': 'open findings over time' });
  s.append(svg('line', { x1: P, y1: H - P, x2: W - P, y2: H - P, class: 'axis' }), svg('line', { x1: P, y1: P, x2: P, y2: H - P, class: 'axis' }));
  const lbl = (txt, a) => { const t = svg('text', a); t.textContent = txt; return t; };
  s.append(lbl(String(ymax), { x: 4, y: P + 4, class: 'tick' }), lbl('0', { x: 4, y: H - P + 4, class: 'tick' }));
  s.append(lbl(new Date(t0).toLocaleString(), { x: P, y: H - 8, class: 'tick' }),
    lbl(new Date(t1).toLocaleString(), { x: W - P, y: H - 8, class: 'tick', 'text-anchor': 'end' }));
  const series = [['total', p => p.findings], ...SEVERITIES.map(sv => [sv, p => p.bySeverity[sv] || 0])];
  for (const [name, val] of series) {
    const pts = points.map((p, i) => x(times[i]).toFixed(1) + ',' + y(val(p)).toFixed(1)).join(' ');
    s.append(svg('polyline', { points: pts, class: 'line ' + name }));
  }
  // Markers make a single snapshot visible, where a line has no length.
  points.forEach((p, i) => s.append(svg('circle', { cx: x(times[i]).toFixed(1), cy: y(p.findings).toFixed(1), r: 3, class: 'dot' })));
  const legend = el('div', 'legend', ...series.map(([n]) => el('span', 'chip ' + n, n)));
  const wrap = el('div', '', s, legend);
  return wrap;
}

// ---- live updates ----

let renderTimer = 0, postureTimer = 0;
function scheduleRender() { if (!renderTimer) renderTimer = setTimeout(() => { renderTimer = 0; renderFindings(); }, 50); }
function schedulePosture() { if (!postureTimer) postureTimer = setTimeout(() => { postureTimer = 0; loadPosture().catch(showError); }, 300); }

function connect() {
  if (state.stream) state.stream.close();
  const es = new EventSource('/api/v1/events?lastEventID=' + encodeURIComponent(state.lastEventID));
  state.stream = es;
  const live = $('live');
  es.onopen = () => { live.textContent = 'live'; live.className = 'live on'; };
  es.onerror = () => { live.textContent = 'reconnecting'; live.className = 'live off'; };
  es.addEventListener('finding', m => {
    const ev = JSON.parse(m.data);
    const f = ev.finding;
    if (ev.type === 'resolved' || f.status !== 'open') state.findings.delete(f.id);
    else state.findings.set(f.id, f);
    if (f.id === state.selected && state.findings.has(f.id)) showDetail(f.id);
    scheduleRender();
    schedulePosture();
  });
  es.addEventListener('sync', m => {
    const s = JSON.parse(m.data);
    if (s.complete !== state.complete) setComplete(s.complete, '');
    schedulePosture();
  });
  es.addEventListener('reset', () => { es.close(); reload(); });
}

function showError(e) { $('live').textContent = 'error: ' + e.message; $('live').className = 'live off'; }

async function reload() {
  try {
    await loadPosture();
    await loadFindings();
    connect();
  } catch (e) { showError(e); }
}

function setup() {
  for (const l of LAYERS) $('f-layer').append(new Option(l, l));
  for (const s of SEVERITIES) $('f-severity').append(new Option(s, s));
  for (const id of ['f-layer', 'f-severity', 'f-namespace', 'f-check', 'f-text']) $(id).addEventListener('input', renderFindings);
  reload();
  loadHistory().catch(showError);
  setInterval(() => loadHistory().catch(() => {}), 60000);
}

document.addEventListener('DOMContentLoaded', setup);
