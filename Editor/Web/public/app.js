// FieldForge web editor: builds one Tweakpane inspector per component from /api/schema (which the server reads
// from the Runtime's parameter attributes), sends edits to the server (validated there, on the session thread),
// and polls /api/session for values, previews and GPU timings.
import { Pane } from './lib/tweakpane.min.js';

const POLL_MS = 250;
const $ = (sel) => document.querySelector(sel);
const inspectors = new Map(); // component id -> { pane, model, schema, bindings, pending }
let schemaVersion = 0;

// ---------- talking to the server ----------

async function api(method, path, body) {
  const init = { method, headers: {} };
  // Every POST is JSON (even without a body): the server refuses anything else, so other sites cannot post to it.
  if (method !== 'GET') { init.body = JSON.stringify(body ?? {}); init.headers['Content-Type'] = 'application/json'; }
  const res = await fetch(path, init);
  let data = null;
  try { data = await res.json(); } catch { /* not JSON */ }
  if (!res.ok) throw new Error(data?.error ?? `${method} ${path} failed with ${res.status}`);
  return data;
}

function status(message, isError = false) {
  const el = $('#status');
  el.textContent = message;
  el.classList.toggle('error', isError);
}

// ---------- values: server JSON <-> Tweakpane model ----------

const AXES = ['x', 'y', 'z', 'w'];
const RGBA = ['r', 'g', 'b', 'a'];

function toModel(p, v) {
  if (p.kind === 'color') return Object.fromEntries(v.map((c, i) => [RGBA[i], c]));
  if (p.kind.startsWith('vector')) return Object.fromEntries(v.map((c, i) => [AXES[i], c]));
  return v;
}

function fromModel(p, v) {
  if (p.kind === 'color') return RGBA.slice(0, p.dimension).map((k) => v[k]);
  if (p.kind.startsWith('vector')) return AXES.slice(0, p.dimension).map((k) => v[k]);
  return v;
}

const same = (a, b) => JSON.stringify(a) === JSON.stringify(b);

// ---------- inspectors ----------

function bindingOptions(p) {
  const o = { label: p.label };
  const ranged = { min: p.min, max: p.max, step: p.step };
  // A slider over millions of values (a 32-bit seed) is unusable: show a number field; the server still checks the range.
  if (p.max - p.min > 1e6) { delete ranged.min; delete ranged.max; }
  Object.keys(ranged).forEach((k) => ranged[k] === undefined && delete ranged[k]);
  switch (p.kind) {
    case 'int': Object.assign(o, ranged, { step: p.step ?? 1, format: (v) => v.toFixed(0) }); break;
    case 'float': Object.assign(o, ranged); break;
    case 'enum': case 'string':
      if (p.choices) o.options = Object.fromEntries(p.choices.map((c) => [c, c]));
      break;
    case 'color': o.color = { type: 'float' }; break;
    case 'vector2': case 'vector3': case 'vector4':
      for (const axis of AXES.slice(0, p.dimension)) o[axis] = { ...ranged };
      break;
  }
  return o;
}

function buildInspector(component, container) {
  const pane = new Pane({ container });
  const model = {};
  const bindings = new Map();
  const state = { pane, model, schema: component, bindings, suppress: false, inFlight: new Map() };
  let folder = pane;
  for (const p of component.parameters) {
    if (p.header) folder = pane.addFolder({ title: p.header });
    model[p.name] = toModel(p, p.default ?? (p.kind === 'bool' ? false : p.kind === 'string' ? '' : 0));
    const b = folder.addBinding(model, p.name, bindingOptions(p));
    b.element.dataset.param = `${component.id}.${p.name}`;
    const help = [p.tooltip, p.kind === 'filePath' && p.extensions ? `file types: ${p.extensions}` : null,
      p.min !== undefined ? `range ${p.min} … ${p.max}` : null].filter(Boolean).join(' — ');
    if (help) b.element.title = help;
    b.on('change', (ev) => { if (!state.suppress) sendEdit(state, p, ev.last !== false); });
    bindings.set(p.name, b);
  }
  return state;
}

// Slider drags produce many changes: keep one request in flight per parameter and send only the newest value;
// the last one is marked final so the server closes the undo step.
function sendEdit(state, p, final) {
  const key = p.name;
  const entry = state.inFlight.get(key) ?? { busy: false, next: null };
  state.inFlight.set(key, entry);
  entry.next = { value: fromModel(p, state.model[key]), final: final || entry.next?.final === true };
  if (entry.busy) return;
  const pump = async () => {
    entry.busy = true;
    pendingEdits(+1);
    while (entry.next) {
      const { value, final: isFinal } = entry.next;
      entry.next = null;
      try {
        const res = await api('POST', `/api/components/${encodeURIComponent(state.schema.id)}/parameters`,
          { name: key, value, final: isFinal });
        if (isFinal && !entry.next) {
          applyValues(state, res.values);
          status(`${state.schema.id}.${key} = ${JSON.stringify(res.values[key])}`);
        }
        updateUndo(res.undo, res.redo);
      } catch (e) {
        entry.next = null;
        status(e.message, true);
        await refreshValues();
      }
    }
    entry.busy = false;
    pendingEdits(-1);
  };
  pump();
}

// How many parameters still have edits on their way to the server (tests wait for 0).
let pending = 0;
function pendingEdits(delta) {
  pending += delta;
  document.body.dataset.pendingEdits = String(pending);
}

function applyValues(state, values) {
  let changed = false;
  for (const p of state.schema.parameters) {
    if (!(p.name in values)) continue;
    if (state.inFlight.get(p.name)?.busy) continue; // the user is still dragging this one
    const v = toModel(p, values[p.name]);
    if (!same(v, state.model[p.name])) { state.model[p.name] = v; changed = true; }
  }
  if (changed) {
    state.suppress = true;
    try { state.pane.refresh(); } finally { state.suppress = false; }
  }
}

async function refreshValues() {
  const s = await api('GET', '/api/session');
  for (const c of s.components) {
    const st = inspectors.get(c.id);
    if (st) applyValues(st, c.values);
  }
}

// ---------- previews ----------

function ensureFigure(holder, key, make) {
  let fig = holder.querySelector(`figure[data-preview="${key}"]`);
  if (!fig) {
    fig = document.createElement('figure');
    fig.dataset.preview = key;
    fig.append(document.createElement('figcaption'));
    make(fig);
    holder.append(fig);
  }
  return fig;
}

async function showPreview(holder, componentId, p) {
  const key = `${componentId}.${p.index}`;
  const fig = ensureFigure(holder, key, () => {});
  fig.querySelector('figcaption').textContent = p.title;
  if (fig.dataset.version === String(p.version)) return;
  fig.dataset.version = String(p.version);
  fig.dataset.kind = p.kind;
  if (p.error) { setFigure(fig, 'p', (el) => { el.className = 'error'; el.textContent = p.error; }); return; }
  if (p.kind === 'image') {
    setFigure(fig, 'img', (img) => { img.alt = p.title; img.src = p.png; img.dataset.version = String(p.version); });
  } else if (p.kind === 'plot') {
    const data = await (await fetch(p.data)).json();
    setFigure(fig, 'canvas', (c) => { c.width = 340; c.height = 220; drawPlot(c, data); });
  } else if (p.kind === 'mesh') {
    const data = p.data ? await (await fetch(p.data)).json() : {};
    setFigure(fig, 'div', (d) => {
      d.className = 'mesh-view';
      d.innerHTML = (p.png ? `<img alt="${escapeHtml(p.title)}" src="${p.png}">` : '') + `<div class="mesh-stats">${meshStats(data, !p.png)}</div>`;
    });
  }
}

function setFigure(fig, tag, fill) {
  let el = fig.children[1];
  if (!el || el.tagName.toLowerCase() !== tag) {
    el?.remove();
    el = document.createElement(tag);
    fig.append(el);
  }
  fill(el);
}

function meshStats(m, unrendered) {
  const f = (a) => (a ? a.map((v) => (v ?? NaN).toFixed(2)).join(', ') : '–');
  return `<p>${m.vertices ?? 0} vertices, ${m.triangles ?? 0} triangles${m.hasColors ? ', coloured' : ''}</p>
    <p>bounds (${f(m.boundsMin)}) … (${f(m.boundsMax)})</p>` +
    (unrendered ? '<p class="note">Not rendered: OpenGL (EGL) is unavailable, see Problems.</p>' : '');
}

const SERIES_COLOURS = ['#5fb3ff', '#ffb454', '#7ddc7d', '#ff6b6b', '#c792ea'];

function drawPlot(canvas, plot) {
  const g = canvas.getContext('2d');
  const W = canvas.width, H = canvas.height, L = 52, R = 10, T = 10, B = 34;
  g.fillStyle = '#111318'; g.fillRect(0, 0, W, H);
  const tf = (y) => (plot.logY ? (y > 0 ? Math.log10(y) : null) : y);
  let x0 = Infinity, x1 = -Infinity, y0 = Infinity, y1 = -Infinity;
  for (const s of plot.series) {
    s.x.forEach((x, i) => {
      const y = s.y[i] === null ? null : tf(s.y[i]);
      if (x === null || y === null) return;
      x0 = Math.min(x0, x); x1 = Math.max(x1, x); y0 = Math.min(y0, y); y1 = Math.max(y1, y);
    });
  }
  if (!isFinite(x0)) { g.fillStyle = '#8c92a0'; g.fillText('no data yet', L, H / 2); return; }
  if (x1 === x0) x1 = x0 + 1;
  if (y1 === y0) { y0 -= 0.5; y1 += 0.5; }
  const px = (x) => L + ((x - x0) / (x1 - x0)) * (W - L - R);
  const py = (y) => T + (1 - (y - y0) / (y1 - y0)) * (H - T - B);
  g.strokeStyle = '#343843'; g.lineWidth = 1;
  g.strokeRect(L, T, W - L - R, H - T - B);
  g.fillStyle = '#8c92a0'; g.font = '11px system-ui, sans-serif';
  const fmt = (v) => (Math.abs(v) >= 1000 || (Math.abs(v) < 0.01 && v !== 0) ? v.toExponential(1) : v.toPrecision(3));
  for (let i = 0; i <= 4; i++) {
    const y = y0 + ((y1 - y0) * i) / 4;
    g.fillText(plot.logY ? fmt(10 ** y) : fmt(y), 4, py(y) + 4);
    const x = x0 + ((x1 - x0) * i) / 4;
    g.fillText(fmt(x), px(x) - 12, H - B + 14);
  }
  g.fillText(plot.xLabel ?? '', W / 2 - 20, H - 4);
  plot.series.forEach((s, k) => {
    g.strokeStyle = SERIES_COLOURS[k % SERIES_COLOURS.length]; g.lineWidth = 1.5; g.beginPath();
    let pen = false;
    s.x.forEach((x, i) => {
      const y = s.y[i] === null ? null : tf(s.y[i]);
      if (x === null || y === null) { pen = false; return; }
      if (pen) g.lineTo(px(x), py(y)); else g.moveTo(px(x), py(y));
      pen = true;
    });
    g.stroke();
    g.fillStyle = g.strokeStyle; g.fillText(s.name, W - R - 90, T + 14 + 13 * k);
  });
  if (plot.yLabel) { g.fillStyle = '#8c92a0'; g.fillText(plot.yLabel + (plot.logY ? ' (log)' : ''), L + 6, T + 14); }
}

// ---------- session polling: previews, perf, problems ----------

function updateUndo(undo, redo) {
  $('#undo').disabled = !(undo > 0);
  $('#redo').disabled = !(redo > 0);
  $('#undo').textContent = undo > 0 ? `Undo (${undo})` : 'Undo';
  $('#redo').textContent = redo > 0 ? `Redo (${redo})` : 'Redo';
}

function updatePerf(s) {
  $('#perf-frame').textContent = `${s.frameMs.toFixed(2)} ms (#${s.frame})`;
  $('#perf-fps').textContent = `${s.fps.toFixed(1)} frames/s`;
  $('#perf-dispatches').textContent = s.workFrame > 0 ? `${s.dispatches} (frame #${s.workFrame}, ${s.workFrameMs.toFixed(1)} ms)` : 'none yet';
  const max = Math.max(1e-6, ...s.timings.map((t) => t.ms));
  $('#perf-regions tbody').innerHTML = s.timings.length === 0
    ? '<tr><td colspan="3" class="note">no timed GPU regions yet</td></tr>'
    : s.timings.map((t) => `<tr><td>${escapeHtml(t.region)}</td><td class="ms">${t.ms.toFixed(3)}</td>
        <td style="width:40%"><div class="bar" style="width:${(100 * t.ms) / max}%"></div></td></tr>`).join('');
}

function escapeHtml(s) {
  return String(s).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c]));
}

async function poll() {
  try {
    const s = await api('GET', '/api/session');
    $('#device').textContent = `GPU: ${s.device}`;
    updatePerf(s);
    updateUndo(s.undo, s.redo);
    $('#problems-panel').hidden = s.problems.length === 0;
    $('#problems').innerHTML = s.problems.map((p) => `<li>${escapeHtml(p)}</li>`).join('');
    for (const c of s.components) {
      const section = document.getElementById(`c-${c.id}`);
      if (!section) continue;
      const err = section.querySelector('.error');
      err.hidden = !c.error; err.textContent = c.error ?? '';
      section.querySelector('input.enabled').checked = c.enabled;
      document.querySelector(`#component-list li[data-id="${CSS.escape(c.id)}"] .err`).textContent = c.error ? '⚠' : '';
      const st = inspectors.get(c.id);
      if (st && ![...st.inFlight.values()].some((e) => e.busy)) applyValues(st, c.values);
      const holder = section.querySelector('.previews');
      for (const p of c.previews) await showPreview(holder, c.id, p);
    }
  } catch (e) {
    status(`lost contact with the editor server: ${e.message}`, true);
  }
  setTimeout(poll, POLL_MS);
}

// ---------- presets, undo/redo ----------

async function refreshPresets(select) {
  const { names } = await api('GET', '/api/presets');
  const list = $('#preset-list');
  list.innerHTML = names.map((n) => `<option>${escapeHtml(n)}</option>`).join('');
  if (select) list.value = select;
}

async function applyAll(res) {
  for (const [id, values] of Object.entries(res.components)) {
    const st = inspectors.get(id);
    if (st) applyValues(st, values);
  }
  updateUndo(res.undo, res.redo);
}

async function undoRedo(which) {
  try { await applyAll(await api('POST', `/api/${which}`)); status(which === 'undo' ? 'undone' : 'redone'); }
  catch (e) { status(e.message, true); }
}

function wireToolbar() {
  $('#undo').onclick = () => undoRedo('undo');
  $('#redo').onclick = () => undoRedo('redo');
  $('#preset-save').onclick = async () => {
    const name = $('#preset-name').value.trim();
    try {
      await api('POST', `/api/presets/${encodeURIComponent(name)}/save`);
      await refreshPresets(name);
      status(`saved preset ${name}`);
    } catch (e) { status(e.message, true); }
  };
  $('#preset-load').onclick = async () => {
    const name = $('#preset-list').value;
    if (!name) { status('no preset selected', true); return; }
    try {
      const res = await api('POST', `/api/presets/${encodeURIComponent(name)}/load`);
      await applyAll(res);
      status(`loaded preset ${name} (${res.changed} parameter${res.changed === 1 ? '' : 's'} changed)`);
    } catch (e) { status(e.message, true); }
  };
  document.addEventListener('keydown', (ev) => {
    if (!(ev.ctrlKey || ev.metaKey) || ev.key.toLowerCase() !== 'z') return;
    if (ev.target instanceof HTMLInputElement || ev.target instanceof HTMLSelectElement) return;
    ev.preventDefault();
    undoRedo(ev.shiftKey ? 'redo' : 'undo');
  });
}

// ---------- start ----------

async function main() {
  wireToolbar();
  const schema = await api('GET', '/api/schema');
  schemaVersion = schema.schemaVersion;
  const main = $('#components');
  $('#empty').hidden = schema.components.length > 0;
  for (const c of schema.components) {
    const li = document.createElement('li');
    li.dataset.id = c.id;
    li.innerHTML = `<a href="#c-${encodeURIComponent(c.id)}">${escapeHtml(c.id)}</a><span class="err"></span>`;
    $('#component-list').append(li);
    const section = document.createElement('section');
    section.className = 'component';
    section.id = `c-${c.id}`;
    section.innerHTML = `<h3>${escapeHtml(c.id)} <label><input type="checkbox" class="enabled" checked> enabled</label></h3>
      <div class="error" hidden></div><div class="body"><div class="inspector"></div><div class="previews"></div></div>`;
    main.append(section);
    inspectors.set(c.id, buildInspector(c, section.querySelector('.inspector')));
    section.querySelector('input.enabled').onchange = async (ev) => {
      try { await api('POST', `/api/components/${encodeURIComponent(c.id)}/enabled`, { enabled: ev.target.checked }); }
      catch (e) { status(e.message, true); }
    };
  }
  await refreshValues();
  await refreshPresets();
  document.body.dataset.ready = 'true';
  status(`schema v${schemaVersion}: ${schema.components.length} component${schema.components.length === 1 ? '' : 's'}`);
  poll();
}

main().catch((e) => status(`editor failed to start: ${e.message}`, true));
