// FieldForge web editor: builds one Tweakpane inspector per component from /api/schema (which the server reads
// from the Runtime's parameter attributes), sends edits to the server (validated there, on the session thread),
// and polls /api/session for values, previews and GPU timings.
import { Pane } from './lib/tweakpane.min.js';
import { drawPlot } from './plot.js';

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

// ---------- slider scales and number display ----------

// A [LogScale] parameter's slider moves in log10(value), or for ranges through zero in a "symmetric log":
// sign(v) * log10(1 + |v| / t) with t the attribute's LinearBelow. Equal slider distances then mean equal ratios.
export function sliderScale(p) {
  if (p.scale !== 'log' || p.min === undefined || p.max === undefined) return null;
  const t = p.linearBelow;
  const to = t ? (v) => Math.sign(v) * Math.log10(1 + Math.abs(v) / t) : (v) => Math.log10(v);
  const from = t ? (s) => Math.sign(s) * t * (10 ** Math.abs(s) - 1) : (s) => 10 ** s;
  return { to, from, min: to(p.min), max: to(p.max) };
}

// Digits that fit the parameter: a step or range of 0..1 shows 0.001; log parameters show 3 significant digits, so
// 0.001 reads "0.001", never "0.00".
export function formatNumber(p, v) {
  if (!Number.isFinite(v)) return String(v);
  if (p.kind === 'int') return v.toFixed(0);
  if (p.scale === 'log' || p.min === undefined || p.max === undefined) {
    const a = Math.abs(v);
    if (a !== 0 && (a >= 1e5 || a < 1e-3)) return v.toExponential(2);
    return String(Number(v.toPrecision(3)));
  }
  return v.toFixed(decimalsFor(p));
}

function decimalsFor(p) {
  const unit = p.step > 0 ? p.step : (p.max - p.min) / 1000;
  return Math.max(0, Math.min(6, Math.ceil(-Math.log10(unit) - 1e-9)));
}

// Log-slider values are rounded to 3 significant digits (what the slider can resolve), linear ones to the displayed digits.
function roundFor(p, v) {
  if (!Number.isFinite(v)) return v;
  if (p.kind === 'int') return Math.round(v);
  if (p.scale === 'log') return Number(v.toPrecision(3));
  if (p.min !== undefined && p.max !== undefined) return Number(v.toFixed(decimalsFor(p)));
  return v;
}

// ---------- inspectors ----------

function bindingOptions(p) {
  const o = { label: p.label };
  const scale = sliderScale(p);
  if (scale) return Object.assign(o, { min: scale.min, max: scale.max, format: (s) => formatNumber(p, scale.from(s)) });
  const ranged = { min: p.min, max: p.max, step: p.step };
  // A slider over millions of values (a 32-bit seed) is unusable: show a number field; the server still checks the range.
  if (p.max - p.min > 1e6) { delete ranged.min; delete ranged.max; }
  Object.keys(ranged).forEach((k) => ranged[k] === undefined && delete ranged[k]);
  switch (p.kind) {
    case 'int': Object.assign(o, ranged, { step: p.step ?? 1, format: (v) => v.toFixed(0) }); break;
    case 'float': Object.assign(o, ranged, { format: (v) => formatNumber(p, v) }); break;
    case 'enum': case 'string':
      if (p.choices) o.options = Object.fromEntries(p.choices.map((c) => [c, c]));
      break;
    case 'color': o.color = { type: 'float' }; break;
    case 'vector2': case 'vector3': case 'vector4':
      for (const axis of AXES.slice(0, p.dimension)) o[axis] = { ...ranged, format: (v) => formatNumber({ ...p, kind: 'float' }, v) };
      break;
  }
  return o;
}

function buildInspector(component, container) {
  const pane = new Pane({ container });
  const model = {};
  const bindings = new Map();
  const slider = {}; // what log-scaled bindings edit: the slider position, not the value
  const state = { pane, model, slider, schema: component, bindings, suppress: false, inFlight: new Map() };
  let folder = pane;
  for (const p of component.parameters) {
    if (p.header) folder = pane.addFolder({ title: p.header });
    model[p.name] = toModel(p, p.default ?? (p.kind === 'bool' ? false : p.kind === 'string' ? '' : 0));
    const scale = sliderScale(p);
    if (scale) slider[p.name] = scale.to(model[p.name]);
    const b = folder.addBinding(scale ? slider : model, p.name, bindingOptions(p));
    b.element.dataset.param = `${component.id}.${p.name}`;
    b.element.dataset.kind = p.kind;
    if (scale) {
      b.element.dataset.scale = 'log';
      // The text field shows the value; what is typed there is a value too, so turn it into a slider position
      // before Tweakpane reads it (capture listeners on the target run first).
      const text = b.element.querySelector('input');
      text?.addEventListener('change', () => {
        const v = Number(text.value);
        if (Number.isFinite(v)) text.value = String(scale.to(Math.min(p.max, Math.max(p.min, v))));
      }, { capture: true });
    }
    addResetButton(state, p, b);
    const help = [p.tooltip, p.kind === 'filePath' && p.extensions ? `file types: ${p.extensions}` : null,
      p.min !== undefined ? `range ${p.min} … ${p.max}` : null].filter(Boolean).join(' — ');
    if (help) b.element.title = help;
    b.on('change', (ev) => {
      if (state.suppress) return;
      if (scale) model[p.name] = roundFor(p, scale.from(slider[p.name]));
      else if (p.kind === 'float') model[p.name] = roundFor(p, model[p.name]);
      sendEdit(state, p, ev.last !== false);
    });
    bindings.set(p.name, b);
  }
  return state;
}

// Reset-to-default: a small button in the parameter's label, shown while the value differs from the default.
function addResetButton(state, p, binding) {
  if (p.default === undefined) return;
  const label = binding.element.querySelector('.tp-lblv_l') ?? binding.element;
  const button = document.createElement('button');
  button.className = 'reset';
  button.type = 'button';
  button.textContent = '↺';
  button.title = `reset ${p.label} to ${JSON.stringify(p.default)}`;
  button.dataset.reset = `${state.schema.id}.${p.name}`;
  button.hidden = true;
  button.addEventListener('click', (ev) => {
    ev.stopPropagation();
    setValue(state, p.name, p.default);
    sendEdit(state, p, true);
  });
  label.append(button);
}

function updateResetButtons(state) {
  for (const p of state.schema.parameters) {
    const button = state.bindings.get(p.name)?.element.querySelector('button.reset');
    if (button) button.hidden = same(fromModel(p, state.model[p.name]), p.default);
  }
}

function setValue(state, name, value) {
  const p = state.schema.parameters.find((q) => q.name === name);
  state.model[name] = toModel(p, value);
  const scale = sliderScale(p);
  if (scale) state.slider[name] = scale.to(state.model[name]);
  state.suppress = true;
  try { state.pane.refresh(); } finally { state.suppress = false; }
  updateResetButtons(state);
}

// Slider drags produce many changes: keep one request in flight per parameter and send only the newest value;
// the last one is marked final so the server closes the undo step.
function sendEdit(state, p, final) {
  const key = p.name;
  const entry = state.inFlight.get(key) ?? { busy: false, next: null };
  state.inFlight.set(key, entry);
  entry.next = { value: fromModel(p, state.model[key]), final: final || entry.next?.final === true, at: entry.next?.at ?? performance.now() };
  if (entry.busy) return;
  const pump = async () => {
    entry.busy = true;
    pendingEdits(+1);
    while (entry.next) {
      const { value, final: isFinal, at } = entry.next;
      entry.next = null;
      try {
        const res = await api('POST', `/api/components/${encodeURIComponent(state.schema.id)}/parameters`,
          { name: key, value, final: isFinal });
        // How long the edit took from the control's change to the server's answer (stored, undoable, in the session
        // state); the newest 50 are kept for the status bar's tooltip and for tests.
        editLatencies.push({ param: `${state.schema.id}.${key}`, ms: performance.now() - at });
        if (editLatencies.length > 50) editLatencies.shift();
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

const pendingEnabled = new Map(); // component id -> the enabled state the user asked for, until the session shows it
const editLatencies = [];
window.editLatencies = editLatencies;

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
    if (!same(v, state.model[p.name])) {
      state.model[p.name] = v;
      const scale = sliderScale(p);
      if (scale) state.slider[p.name] = scale.to(v);
      changed = true;
    }
  }
  if (changed) {
    state.suppress = true;
    try { state.pane.refresh(); } finally { state.suppress = false; }
  }
  updateResetButtons(state);
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

async function showPreview(holder, componentId, p, stale) {
  const key = `${componentId}.${p.index}`;
  const fig = ensureFigure(holder, key, () => {});
  fig.querySelector('figcaption').textContent = stale ? `${p.title} (stale)` : p.title;
  fig.classList.toggle('stale', stale);
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

// ---------- the game's rendered frame (attached to a running game) ----------

// Fetches the newest frame only when the previous one has loaded, so a slow connection never queues up images.
const gameView = { loading: false, shown: 0 };
function showGameView(s) {
  const section = $('#game-view');
  section.hidden = !s.gameView;
  if (!s.gameView) return;
  $('#game-view-info').textContent = `${s.gameView.width}×${s.gameView.height}, frame #${s.frame}`;
  if (gameView.loading || gameView.shown === s.gameView.version) return;
  const img = section.querySelector('img');
  gameView.loading = true;
  const version = s.gameView.version;
  img.onload = () => { gameView.loading = false; gameView.shown = version; img.dataset.version = String(version); };
  img.onerror = () => { gameView.loading = false; };
  img.src = s.gameView.png;
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
  $('#perf-fps').textContent = s.fps > 0 ? `${s.fps >= 10 ? s.fps.toFixed(0) : s.fps.toFixed(2)} frames/s` : '–';
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
    $('#device').textContent = `GPU: ${s.device}${s.attached ? ' · attached to the game' : ''}`;
    showGameView(s);
    updatePerf(s);
    updateUndo(s.undo, s.redo);
    $('#problems-panel').hidden = s.problems.length === 0;
    $('#problems').innerHTML = s.problems.map((p) => `<li>${escapeHtml(p)}</li>`).join('');
    const ids = s.components.map((c) => c.id);
    if (ids.length !== inspectors.size || ids.some((id) => !inspectors.has(id))) await syncComponents();
    for (const c of s.components) {
      const section = document.getElementById(`c-${c.id}`);
      if (!section) continue;
      const err = section.querySelector('.error');
      err.hidden = !c.error; err.textContent = c.error ?? '';
      // A toggle the server has accepted reaches the component at its next frame: keep the user's choice shown until then.
      const wanted = pendingEnabled.get(c.id);
      if (wanted === undefined || wanted === c.enabled) { pendingEnabled.delete(c.id); section.querySelector('input.enabled').checked = c.enabled; }
      document.querySelector(`#component-list li[data-id="${CSS.escape(c.id)}"] .err`).textContent = c.error ? '⚠' : '';
      const st = inspectors.get(c.id);
      if (st && ![...st.inFlight.values()].some((e) => e.busy)) applyValues(st, c.values);
      showStatus(section, c);
      const holder = section.querySelector('.previews');
      const keep = new Set(c.previews.map((p) => `${c.id}.${p.index}`));
      for (const fig of holder.querySelectorAll('figure')) if (!keep.has(fig.dataset.preview)) fig.remove(); // disabled, failed
      for (const p of c.previews) await showPreview(holder, c.id, p, c.status.stale || c.status.state === 'error');
    }
  } catch (e) {
    status(`lost contact with the editor server: ${e.message}`, true);
  }
  setTimeout(poll, POLL_MS);
}

// Ok / computing (with progress) / error / disabled, under the component's title.
function showStatus(section, c) {
  const el = section.querySelector('.status');
  const st = c.status;
  el.dataset.state = st.state;
  el.querySelector('.state').textContent = st.state;
  el.querySelector('.message').textContent = c.error ? '' : st.message; // a session error has its own line below
  const bar = el.querySelector('progress');
  bar.hidden = st.state !== 'computing' || st.progress === null;
  if (st.progress !== null) bar.value = st.progress;
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
  // Ctrl+Z undo; Ctrl+Shift+Z and Ctrl+Y redo (Cmd on macOS). Text fields keep their own undo.
  document.addEventListener('keydown', (ev) => {
    if (!(ev.ctrlKey || ev.metaKey) || ev.altKey) return;
    const key = ev.key.toLowerCase();
    if (key !== 'z' && key !== 'y') return;
    if (ev.target instanceof HTMLInputElement || ev.target instanceof HTMLSelectElement || ev.target instanceof HTMLTextAreaElement) return;
    ev.preventDefault();
    undoRedo(key === 'y' || ev.shiftKey ? 'redo' : 'undo');
  });
}

// One component's list entry, section and inspector.
function addComponent(c) {
  const li = document.createElement('li');
  li.dataset.id = c.id;
  li.innerHTML = `<a href="#c-${encodeURIComponent(c.id)}">${escapeHtml(c.id)}</a><span class="err"></span>`;
  $('#component-list').append(li);
  const section = document.createElement('section');
  section.className = 'component';
  section.id = `c-${c.id}`;
  section.innerHTML = `<h3>${escapeHtml(c.id)} <label><input type="checkbox" class="enabled" checked> enabled</label></h3>
    <div class="status" data-state="ok"><span class="state">ok</span> <span class="message"></span> <progress max="1" hidden></progress></div>
    <div class="error" hidden></div><div class="body"><div class="inspector"></div><div class="previews"></div></div>`;
  $('#components').append(section);
  inspectors.set(c.id, buildInspector(c, section.querySelector('.inspector')));
  section.querySelector('input.enabled').onchange = async (ev) => {
    pendingEnabled.set(c.id, ev.target.checked);
    try { await api('POST', `/api/components/${encodeURIComponent(c.id)}/enabled`, { enabled: ev.target.checked }); }
    catch (e) { pendingEnabled.delete(c.id); status(e.message, true); }
  };
}

// An attached game added or removed components: drop the sections of those gone, build the new ones from a fresh schema
// (the server updates the schema before the snapshot lists the change, so the schema decides).
async function syncComponents() {
  const schema = await api('GET', '/api/schema');
  const ids = schema.components.map((c) => c.id);
  for (const id of [...inspectors.keys()]) {
    if (ids.includes(id)) continue;
    inspectors.get(id).pane?.dispose?.();
    inspectors.delete(id);
    document.getElementById(`c-${id}`)?.remove();
    document.querySelector(`#component-list li[data-id="${CSS.escape(id)}"]`)?.remove();
  }
  for (const c of schema.components) if (!inspectors.has(c.id)) addComponent(c);
  $('#empty').hidden = inspectors.size > 0;
  await refreshValues();
  status(`components: ${[...inspectors.keys()].join(', ') || 'none'}`);
}

// ---------- start ----------

async function main() {
  wireToolbar();
  const schema = await api('GET', '/api/schema');
  schemaVersion = schema.schemaVersion;
  $('#empty').hidden = schema.components.length > 0;
  for (const c of schema.components) addComponent(c);
  await refreshValues();
  await refreshPresets();
  document.body.dataset.ready = 'true';
  status(`schema v${schemaVersion}: ${schema.components.length} component${schema.components.length === 1 ? '' : 's'}`);
  poll();
}

main().catch((e) => status(`editor failed to start: ${e.message}`, true));
