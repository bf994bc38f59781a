/**
 * The live page of `warden serve` at `/`: an HTML document with its stylesheet inline (allowed by
 * its hash) and its script served from /live.js, so the Content-Security-Policy allows no inline
 * script at all; no CDN, no external request. It polls /api/groups and follows /alerts/stream.
 * Everything received is inserted as text, never as HTML: names come from the fleet's spans.
 */
import { createHash } from 'node:crypto';

const STYLE = `
:root { --bg:#0f1419; --panel:#171d24; --line:#2a323c; --text:#d8dee6; --dim:#8a96a3; --base:#5b8def; --now:#f0a04b; --bad:#ef5b5b; --ok:#4bbf73; }
* { box-sizing: border-box; }
body { margin:0; font:13px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; background:var(--bg); color:var(--text); }
header { display:flex; gap:24px; align-items:baseline; padding:12px 20px; border-bottom:1px solid var(--line); flex-wrap:wrap; }
header h1 { font-size:16px; margin:0; }
.stat b { font-size:15px; } .stat span { color:var(--dim); margin-left:4px; }
main { display:grid; grid-template-columns: minmax(0, 1fr) 380px; gap:16px; padding:16px 20px; }
h2 { font-size:14px; margin:0 0 8px; } h3 { font-size:13px; margin:0 0 6px; }
.service { margin-bottom:18px; }
.groups { display:grid; grid-template-columns: repeat(auto-fill, minmax(360px, 1fr)); gap:12px; }
.card { background:var(--panel); border:1px solid var(--line); border-radius:6px; padding:10px 12px; }
.key { color:var(--dim); font-size:12px; margin-bottom:6px; word-break:break-all; }
.feature { display:grid; grid-template-columns: 120px minmax(0,1fr); align-items:center; gap:6px; margin:2px 0; }
.feature .name { color:var(--dim); font-size:12px; overflow:hidden; text-overflow:ellipsis; white-space:nowrap; }
.legend { font-size:11px; color:var(--dim); margin:4px 0 10px; }
.legend i.base { background:var(--base); } .legend i.now { background:var(--now); }
.legend i { display:inline-block; width:10px; height:10px; margin:0 4px 0 10px; vertical-align:-1px; border-radius:2px; }
.tools { margin-top:6px; }
.nums { font-size:11px; color:var(--dim); }
.agent-tools { display:grid; grid-template-columns: 200px 260px minmax(0,1fr); gap:8px; align-items:center; margin:0 0 8px; }
.agent-tools .name { color:var(--dim); font-size:12px; }
.card.alarm { border-color: var(--bad); }
.tools .row { display:grid; grid-template-columns: 60px minmax(0,1fr); gap:6px; align-items:center; margin:2px 0; font-size:11px; color:var(--dim); }
aside { background:var(--panel); border:1px solid var(--line); border-radius:6px; padding:10px 12px; max-height: calc(100vh - 90px); overflow:auto; position:sticky; top:12px; }
.alert { border-left:3px solid var(--now); padding:6px 8px; margin:6px 0; background:#1d242c; border-radius:3px; }
.alert.high, .alert.critical { border-left-color:var(--bad); }
.alert .meta { color:var(--dim); font-size:11px; }
.empty { color:var(--dim); font-style:italic; }
#posture { margin-bottom:14px; padding-bottom:10px; border-bottom:1px solid var(--line); }
#level { font-weight:normal; color:var(--dim); }
.control { display:grid; grid-template-columns: 66px minmax(0,1fr); gap:6px; font-size:12px; margin:3px 0; }
.badge { border-radius:3px; padding:0 4px; font-size:11px; text-align:center; background:#2a323c; }
.badge.met { background:#1f4d2e; color:#bff0cc; } .badge.partial { background:#4d3f1f; color:#f5dfae; } .badge.not_met { background:#4d1f1f; color:#f5b5b5; }
#conn.ok { color:var(--ok); } #conn.down { color:var(--bad); }
@media (max-width: 1000px) { main { grid-template-columns: 1fr; } aside { position:static; max-height:none; } }
`;

const SCRIPT = `
'use strict';
const $ = (sel) => document.querySelector(sel);
const SVG = 'http://www.w3.org/2000/svg';
function el(tag, cls, text) { const e = document.createElement(tag); if (cls) e.className = cls; if (text !== undefined) e.textContent = String(text); return e; }
function svg(tag, attrs) { const e = document.createElementNS(SVG, tag); for (const k in attrs) e.setAttribute(k, String(attrs[k])); return e; }
function fmt(n) {
  if (typeof n !== 'number' || !isFinite(n)) return '–';
  const a = Math.abs(n);
  if (a >= 1e6) return (n / 1e6).toFixed(1) + 'M';
  if (a >= 1e4) return (n / 1e3).toFixed(1) + 'k';
  return Number.isInteger(n) || a >= 10 ? String(Math.round(n)) : n.toFixed(2);
}

// Quantiles arrive as { n, p50, p90, p99 } (analyzer.groups()); anything else is skipped.
function quantiles(q) {
  if (!q || typeof q !== 'object' || typeof q.p50 !== 'number') return undefined;
  return { p50: q.p50, p90: typeof q.p90 === 'number' ? q.p90 : q.p50, p99: typeof q.p99 === 'number' ? q.p99 : q.p50, n: q.n };
}

// Baseline (top) and recent (bottom) on one scale: bar p50–p90, whisker to p99, tick at p50.
function rangeBar(base, now) {
  const w = 220, h = 26;
  const s = svg('svg', { width: '100%', height: h, viewBox: '0 0 ' + w + ' ' + h, preserveAspectRatio: 'none', role: 'img' });
  const shown = [base, now].filter(Boolean);
  const max = Math.max(...shown.map((q) => q.p99));
  // Start the scale just below the smallest median, so a shift is visible even far from zero.
  const min = Math.max(0, Math.min(...shown.map((q) => q.p50)) - (max - Math.min(...shown.map((q) => q.p50))) * 0.25);
  const x = (v) => 4 + ((v - min) / (max - min || 1)) * (w - 8);
  const draw = (q, y, color) => {
    if (!q) return;
    s.appendChild(svg('rect', { x: x(q.p90), y: y + 3, width: Math.max(1, x(q.p99) - x(q.p90)), height: 2, fill: color, opacity: 0.7 }));
    s.appendChild(svg('rect', { x: x(q.p50), y, width: Math.max(2, x(q.p90) - x(q.p50)), height: 8, fill: color, opacity: 0.55, rx: 2 }));
    s.appendChild(svg('rect', { x: x(q.p50) - 1, y: y - 2, width: 2, height: 12, fill: color }));
  };
  draw(base, 3, 'var(--base)');
  draw(now, 15, 'var(--now)');
  const title = svg('title', {});
  const describe = (q) => (q ? 'p50 ' + fmt(q.p50) + ', p90 ' + fmt(q.p90) + ', p99 ' + fmt(q.p99) : 'not yet');
  title.textContent = 'baseline ' + describe(base) + ' / recent ' + describe(now);
  s.appendChild(title);
  return s;
}

// A share map { tool: fraction or count } as one stacked bar.
function mixBar(mix, colors) {
  const entries = Object.entries(mix || {}).filter(([, v]) => typeof v === 'number' && v > 0);
  const total = entries.reduce((a, [, v]) => a + v, 0);
  const w = 240, s = svg('svg', { width: '100%', height: 12, viewBox: '0 0 ' + w + ' 12', preserveAspectRatio: 'none' });
  let x = 0;
  for (const [name, v] of entries) {
    const width = total ? (v / total) * w : 0;
    const r = svg('rect', { x, y: 0, width, height: 12, fill: colors(name) });
    const t = svg('title', {}); t.textContent = name + ': ' + (total ? Math.round((v / total) * 100) : 0) + '%';
    r.appendChild(t); s.appendChild(r); x += width;
  }
  return s;
}
const palette = ['#5b8def', '#f0a04b', '#4bbf73', '#c774e8', '#ef5b5b', '#3fc1c9', '#e8d36a', '#9aa5b1'];
const toolColor = new Map();
function colorOf(name) { if (!toolColor.has(name)) toolColor.set(name, palette[toolColor.size % palette.length]); return toolColor.get(name); }

function groupKey(g) { return g.key && typeof g.key === 'object' ? g.key : g; }

function renderGroups(groups) {
  const root = $('#services');
  root.replaceChildren();
  if (!Array.isArray(groups) || groups.length === 0) { root.appendChild(el('p', 'empty', 'No GenAI spans analysed yet.')); return; }
  const byService = new Map();
  for (const g of groups) {
    const k = groupKey(g);
    const svc = k.service || '(no service)';
    if (!byService.has(svc)) byService.set(svc, []);
    byService.get(svc).push(g);
  }
  for (const [svc, list] of [...byService].sort((a, b) => a[0].localeCompare(b[0]))) {
    const section = el('section', 'service');
    section.appendChild(el('h2', '', svc));
    // Tool-usage mix per agent, summed over the agent's groups.
    const agents = new Map();
    for (const g of list) {
      const agent = groupKey(g).agent || '(no agent)';
      const mix = agents.get(agent) || {};
      for (const [tool, n] of Object.entries(g.tools || {})) if (typeof n === 'number') mix[tool] = (mix[tool] || 0) + n;
      agents.set(agent, mix);
    }
    for (const [agent, mix] of agents) {
      if (Object.keys(mix).length === 0) continue;
      const row = el('div', 'agent-tools');
      row.appendChild(el('span', 'name', agent + ' · tool mix'));
      row.appendChild(mixBar(mix, colorOf));
      row.appendChild(el('span', 'nums', Object.entries(mix).sort((a, b) => b[1] - a[1]).slice(0, 8).map(([t, n]) => t + ' ' + fmt(n)).join(' · ')));
      section.appendChild(row);
    }
    const grid = el('div', 'groups');
    const order = (g) => [groupKey(g).agent || '', groupKey(g).operation || '', groupKey(g).model || '', groupKey(g).tool || ''].join('\u0001');
    list.sort((a, b) => order(a).localeCompare(order(b)));
    for (const g of list) grid.appendChild(renderGroup(g));
    section.appendChild(grid);
    root.appendChild(section);
  }
}

function renderGroup(g) {
  const k = groupKey(g);
  const card = el('div', 'card');
  card.appendChild(el('h3', '', (k.agent || '(no agent)')));
  const parts = ['operation', 'model', 'tool', 'provider'].filter((f) => k[f]).map((f) => f + ': ' + k[f]);
  parts.push('records: ' + fmt(g.count));
  if (g.state) parts.push(g.state === 'learning' ? 'learning (' + fmt(g.warmupRemaining) + ' to go)' : String(g.state));
  card.appendChild(el('div', 'key', parts.join(' · ')));
  const features = g.features || {};
  for (const [name, f] of Object.entries(features)) {
    const base = quantiles(f && f.baseline), now = quantiles(f && (f.recent || f.current));
    if (!base && !now) continue;
    const row = el('div', 'feature');
    row.appendChild(el('span', 'name', name));
    const cell = el('div', '');
    cell.appendChild(rangeBar(base, now));
    cell.appendChild(el('div', 'nums', 'p50 ' + fmt(base && base.p50) + ' → ' + (now ? fmt(now.p50) : 'learning')));
    row.appendChild(cell);
    card.appendChild(row);
  }
  const tools = g.tools && typeof g.tools === 'object' ? g.tools : {};
  if (Object.keys(tools).length > 1) {
    const box = el('div', 'tools');
    const row = el('div', 'row');
    row.appendChild(el('span', '', 'tool mix'));
    row.appendChild(mixBar(tools, colorOf));
    box.appendChild(row);
    const names = Object.entries(tools).sort((a, b) => b[1] - a[1]).slice(0, 6).map(([t, n]) => t + ' ' + fmt(n));
    box.appendChild(el('div', 'nums', names.join(' · ')));
    card.appendChild(box);
  }
  if (Array.isArray(g.activeAlerts) && g.activeAlerts.length > 0) card.classList.add('alarm');
  return card;
}

function renderCounters(c) {
  if (!c) return;
  $('#received').textContent = fmt(c.spansReceived);
  $('#analyzed').textContent = fmt(c.spansAnalyzed);
  $('#queue').textContent = fmt(c.queueDepth);
}

let alertCount = 0;
const seen = new Set();
function addAlert(a, prepend) {
  if (!a || seen.has(a.id)) return;
  seen.add(a.id);
  alertCount++;
  $('#alert-count').textContent = String(alertCount);
  const list = $('#alerts');
  const empty = list.querySelector('.empty'); if (empty) empty.remove();
  const box = el('div', 'alert ' + (a.severity || ''));
  box.appendChild(el('div', '', a.message || a.kind));
  const subj = a.subject || {};
  const where = ['service', 'agent', 'model', 'tool', 'feature'].filter((f) => subj[f]).map((f) => f + '=' + subj[f]).join(' ');
  box.appendChild(el('div', 'meta', (a.kind || '') + ' · ' + (a.severity || '') + ' · ' + (a.time ? new Date(a.time).toLocaleTimeString() : '') + (where ? ' · ' + where : '')));
  if (prepend) list.prepend(box); else list.appendChild(box);
  while (list.children.length > 100) list.lastChild.remove();
}

// One page of groups per poll: the page stays cheap however large the fleet grows.
const GROUPS_SHOWN = 500;

async function refresh() {
  try {
    const res = await fetch('api/groups?limit=' + GROUPS_SHOWN, { cache: 'no-store' });
    if (!res.ok) return;
    const view = await res.json();
    renderGroups(view.groups);
    if (typeof view.total === 'number' && Array.isArray(view.groups) && view.total > view.groups.length) {
      $('#services').appendChild(el('p', 'empty', 'Showing ' + fmt(view.groups.length) + ' of ' + fmt(view.total) + ' groups (GET /api/groups?offset=' + view.groups.length + ' for the rest).'));
    }
    renderCounters(view.counters);
    if (Array.isArray(view.alerts)) for (const a of view.alerts.slice().reverse()) addAlert(a, true);
  } catch (e) { /* the next poll retries */ }
}

async function refreshPosture() {
  try {
    const res = await fetch('api/posture', { cache: 'no-store' });
    const p = res.ok ? await res.json() : null;
    if (!p) return;
    $('#posture').hidden = false;
    $('#level').textContent = '· level ' + p.level + ' · ' + p.inventory.agents + ' agents, ' + p.inventory.models + ' models, ' + p.inventory.tools + ' tools';
    const box = $('#controls');
    box.replaceChildren();
    for (const c of p.controls) {
      const row = el('div', 'control');
      row.appendChild(el('span', 'badge ' + c.status, c.status.replace('_', ' ')));
      row.appendChild(el('span', '', c.title));
      box.appendChild(row);
    }
    const drills = Array.isArray(p.drills) && p.drills.length ? 'Drills: ' + p.drills.map((d) => d.id + ' ' + d.status).join(', ') + '. ' : '';
    $('#basis').textContent = drills + (p.next && p.next.length ? 'Next: ' + p.next[0] : '');
  } catch (e) { /* the next poll retries */ }
}

function follow() {
  const es = new EventSource('alerts/stream');
  es.addEventListener('open', () => { $('#conn').textContent = 'live'; $('#conn').className = 'ok'; });
  es.addEventListener('error', () => { $('#conn').textContent = 'reconnecting'; $('#conn').className = 'down'; });
  es.addEventListener('alert', (ev) => { try { addAlert(JSON.parse(ev.data), true); } catch (e) { /* skip a bad event */ } });
}

refresh();
setInterval(refresh, 3000);
refreshPosture();
setInterval(refreshPosture, 10000);
follow();
`;

const STYLE_HASH = createHash('sha256').update(STYLE).digest('base64');

/**
 * The page's policy: its own script file, its inline stylesheet by hash, requests to itself only,
 * never framed (clickjacking), forms only to itself (the login form).
 */
export const LIVE_PAGE_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  `style-src 'sha256-${STYLE_HASH}'`,
  "connect-src 'self'",
  'img-src data:',
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/** The script of the live page, served as /live.js. */
export function livePageScript(): string {
  return SCRIPT;
}

export function renderLivePage(): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>warden serve</title>
<link rel="icon" href="data:,">
<style>${STYLE}</style>
</head>
<body>
<header>
  <h1>warden serve</h1>
  <div class="stat"><b id="received">–</b><span>spans received</span></div>
  <div class="stat"><b id="analyzed">–</b><span>GenAI spans analysed</span></div>
  <div class="stat"><b id="queue">–</b><span>queued</span></div>
  <div class="stat"><b id="alert-count">0</b><span>alerts</span></div>
  <div class="stat"><span id="conn">connecting</span></div>
</header>
<main>
  <div>
    <div class="legend">per service and agent: <i class="base"></i>baseline <i class="now"></i>recent (tick p50, bar to p90, whisker to p99)</div>
    <div id="services"><p class="empty">Loading…</p></div>
  </div>
  <aside>
    <section id="posture" hidden>
      <h2>Posture <span id="level"></span></h2>
      <div id="controls"></div>
      <p class="nums" id="basis"></p>
    </section>
    <h2>Alerts</h2>
    <div id="alerts"><p class="empty">No alerts yet.</p></div>
  </aside>
</main>
<script src="live.js"></script>
</body>
</html>`;
}

/** The page shown instead of the live view when reads need a token: a form, no script. */
export function renderLoginPage(problem?: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>warden serve · sign in</title>
<link rel="icon" href="data:,">
<style>${STYLE}</style>
</head>
<body>
<header><h1>warden serve</h1></header>
<main>
  <form method="post" action="login">
    <h2>Reads need the token</h2>
    <p class="nums">The read token (WARDEN_SERVE_READ_TOKEN, else WARDEN_SERVE_TOKEN) opens this page for this browser session.</p>
    ${problem ? `<p class="alert high">${problem.replace(/[<>&"]/g, '')}</p>` : ''}
    <input type="password" name="token" autocomplete="current-password" required autofocus>
    <button type="submit">Open</button>
  </form>
</main>
</body>
</html>`;
}
