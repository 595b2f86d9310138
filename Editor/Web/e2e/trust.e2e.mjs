// Issue 15 in a real browser (Debian's Chromium, headless, driven by playwright-core).
// Usage: node e2e/trust.e2e.mjs <editor-url> <output-dir> <scenario>
//   responsive: heavy settings on NeuralFieldComponent (and a 4096² noise texture) while unrelated SwatchComponent
//               edits are made through the page; prints each edit's latency and fails when one takes >= 500 ms.
//   controls:   an 800 px window: log sliders, precision, reset-to-default, Ctrl+Z / Ctrl+Y / Ctrl+Shift+Z, layout,
//               colour text, plot axes, status and cleared previews of a disabled component, and no framing.
// Exits 0 after "e2e ok", or 1 with "e2e FAILED: <why>".
import { step, waitUntil as waitFor, scriptArguments, runInBrowser } from './harness.mjs';
import { join } from 'node:path';

const [url, outDir, scenario] = scriptArguments('node e2e/trust.e2e.mjs <editor-url> <output-dir> <responsive|controls>', 3);
const fail = (msg) => { throw new Error(msg); };

// Polls every 50 ms: the responsiveness scenario measures edit latency, so the poll must not blur it.
const waitUntil = (what, fn, timeoutMs = 30000) => waitFor(what, fn, timeoutMs, 50);

await runInBrowser(scenario === 'controls' ? 800 : 1280, async (page, browser, pageErrors) => {
  const session = () => page.evaluate(async () => (await fetch('/api/session')).json());
  const component = async (id) => (await session()).components.find((c) => c.id === id);
  const value = async (id, name) => (await component(id)).values[name];
  const post = (path, body) => page.evaluate(async ([p, b]) => {
    const r = await fetch(p, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(b) });
    return { status: r.status, body: await r.json() };
  }, [path, body]);
  const set = (id, name, v) => post(`/api/components/${encodeURIComponent(id)}/parameters`, { name, value: v });
  const row = (id, name) => `[data-param="${id}.${name}"]`;
  // Types a value into a parameter's text field and presses Enter, as a user would.
  async function typeInto(id, name, text) {
    const input = page.locator(`${row(id, name)} input`).last();
    await input.fill(text);
    await input.press('Enter');
  }

  step(`open ${url}`);
  await page.goto(url, { waitUntil: 'domcontentloaded' });
  await waitUntil('the inspector', () => page.evaluate(() => document.body.dataset.ready === 'true'));

  if (scenario === 'responsive') {
    // The heaviest settings the schema allows for training, plus the largest noise texture.
    const heavy = [['NeuralFieldComponent', 'BatchSize', 65536], ['NeuralFieldComponent', 'StepsPerFrame', 32],
      ['NoiseComponent', 'Width', 4096], ['NoiseComponent', 'Height', 4096], ['NoiseComponent', 'Octaves', 16]];
    for (const [id, name, v] of heavy) {
      const r = await set(id, name, v);
      if (r.status !== 200) fail(`setting ${id}.${name}=${v} gave ${r.status} ${JSON.stringify(r.body)}`);
    }
    step('heavy settings sent: BatchSize 65536, StepsPerFrame 32, noise 4096x4096 with 16 octaves');
    const startFrame = (await session()).frame;
    await waitUntil('a heavy frame to finish', async () => (await session()).frame > startFrame + 1, 120000);
    const latencies = [], observed = [], effects = [];
    const targets = [0.1, 0.9, 0.3, 0.7];
    for (const target of targets) {
      const before = (await component('SwatchComponent')).parameterVersion;
      const t = Date.now();
      await typeInto('SwatchComponent', 'Level', String(target));
      await waitUntil('the edit to reach the server', async () =>
        (await page.evaluate(() => document.body.dataset.pendingEdits)) === '0' && Math.abs((await value('SwatchComponent', 'Level')) - target) < 1e-6, 10000);
      observed.push(Date.now() - t);
      latencies.push(Math.round(await page.evaluate(() => window.editLatencies.filter((e) => e.param === 'SwatchComponent.Level').at(-1).ms)));
      await waitUntil('the edit to reach the component', async () => (await component('SwatchComponent')).parameterVersion > before, 120000);
      effects.push(Date.now() - t);
      const s = await session();
      step(`Level=${target}: landed (page: change -> server answer) in ${latencies.at(-1)} ms; the test saw it in /api/session after ${observed.at(-1)} ms; the component applied it after ${effects.at(-1)} ms (frame ${s.frameMs.toFixed(0)} ms, ${s.fps.toFixed(2)} frames/s)`);
    }
    const neural = await component('NeuralFieldComponent');
    step(`neural status: ${neural.status.state} ${neural.status.message}`);
    const worst = Math.max(...latencies);
    console.log(`latency ms: landed ${latencies.join(', ')} (max ${worst}); seen by the test ${observed.join(', ')}; applied by the component ${effects.join(', ')} (max ${Math.max(...effects)})`);
    if (neural.status.state !== 'computing') fail(`the neural field should be training, status ${JSON.stringify(neural.status)}`);
    if (!/training: step \d+/.test(await page.textContent('#c-NeuralFieldComponent .status'))) fail('the page does not show the training status');
    if (worst >= 500) fail(`an unrelated edit took ${worst} ms to land (>= 500 ms) while heavy settings ran`);
    // Turning the heavy setting back down lands just as fast.
    const t = Date.now();
    const r = await set('NeuralFieldComponent', 'StepsPerFrame', 1);
    const down = Date.now() - t;
    console.log(`latency ms: turning StepsPerFrame back down ${down}`);
    if (r.status !== 200 || down >= 500) fail(`turning the heavy setting down took ${down} ms (status ${r.status})`);
    await set('NeuralFieldComponent', 'Paused', true);
    await set('NoiseComponent', 'Width', 64); await set('NoiseComponent', 'Height', 64);
  } else {
    // --- layout at 800 px ---
    const layout = await page.evaluate(() => {
      const rect = (s) => document.querySelector(s).getBoundingClientRect();
      return { scroll: document.documentElement.scrollWidth, header: rect('header').height, list: rect('#preset-list').right, load: rect('#preset-load').right };
    });
    step(`layout at 800 px: ${JSON.stringify(layout)}`);
    if (layout.scroll > 800) fail(`the page is ${layout.scroll} px wide at 800 px`);
    if (layout.header > 48) fail(`the toolbar wraps: header ${layout.header} px high`);
    if (layout.list > 800 || layout.load > 800) fail(`preset controls run off-screen (${layout.list}, ${layout.load})`);
    const colourCut = await page.evaluate(() => [...document.querySelectorAll('[data-param="SwatchComponent.Tint"] input')]
      .filter((i) => i.scrollWidth > i.clientWidth + 1).map((i) => `${i.value}: ${i.scrollWidth} > ${i.clientWidth}`));
    if (colourCut.length > 0) fail(`colour text is cut off: ${colourCut.join('; ')}`);

    // --- log slider: a quarter of the way along Frequency 0.001..1000 is 10^-1.5 ≈ 0.03 (a linear slider gives ~250) ---
    if ((await page.getAttribute(row('NoiseComponent', 'Frequency'), 'data-scale')) !== 'log') fail('Frequency is not a log slider');
    const track = page.locator(`${row('NoiseComponent', 'Frequency')} .tp-sldv`).first();
    const box = await track.boundingBox();
    await page.mouse.click(box.x + box.width / 4, box.y + box.height / 2);
    const quarter = await waitUntil('the slider click to reach the server', async () => {
      const v = await value('NoiseComponent', 'Frequency');
      return v !== 1 ? v : false;
    });
    step(`Frequency a quarter along the slider: ${quarter}`);
    if (!(quarter > 0.01 && quarter < 0.1)) fail(`a quarter along the Frequency slider is ${quarter}, expected about 0.03 on a log scale`);
    // --- precision: 0.001 is shown as 0.001 ---
    await typeInto('NoiseComponent', 'Frequency', '0.001');
    await waitUntil('Frequency 0.001 on the server', async () => Math.abs((await value('NoiseComponent', 'Frequency')) - 0.001) < 1e-9);
    const shown = await page.locator(`${row('NoiseComponent', 'Frequency')} input`).last().inputValue();
    step(`Frequency 0.001 shows as "${shown}"`);
    if (shown !== '0.001') fail(`0.001 shows as "${shown}"`);
    // --- reset to default ---
    await page.click(`[data-reset="NoiseComponent.Frequency"]`);
    await waitUntil('Frequency back to its default 1', async () => (await value('NoiseComponent', 'Frequency')) === 1);
    step('reset-to-default restored Frequency = 1');
    // --- undo / redo keys ---
    await typeInto('SwatchComponent', 'Level', '0.25');
    await waitUntil('Level 0.25', async () => (await value('SwatchComponent', 'Level')) === 0.25);
    await page.locator('h1').click(); // focus outside any text field
    await page.keyboard.press('Control+z');
    await waitUntil('Ctrl+Z to undo', async () => (await value('SwatchComponent', 'Level')) === 0.5);
    await page.keyboard.press('Control+y');
    await waitUntil('Ctrl+Y to redo', async () => (await value('SwatchComponent', 'Level')) === 0.25);
    await page.keyboard.press('Control+z');
    await waitUntil('Ctrl+Z again', async () => (await value('SwatchComponent', 'Level')) === 0.5);
    await page.keyboard.press('Control+Shift+z');
    await waitUntil('Ctrl+Shift+Z to redo', async () => (await value('SwatchComponent', 'Level')) === 0.25);
    step('Ctrl+Z, Ctrl+Y and Ctrl+Shift+Z work');
    // --- plot axes: nice, evenly spaced ticks whose labels stay inside the canvas ---
    const axes = await page.evaluate(async () => {
      const { drawPlot } = await import('/plot.js');
      const c = document.createElement('canvas'); c.width = 340; c.height = 220;
      const x = Array.from({ length: 200 }, (_, i) => i * 0.05 / 199);
      return drawPlot(c, { xLabel: 'time (s)', yLabel: 'pressure (Pa)', series: [{ name: 'FDTD', x, y: x.map((t) => Math.sin(t * 300) * 0.37) }] })
        .map((l) => ({ ...l, width: c.width }));
    });
    for (const axis of ['x', 'y']) {
      const ticks = axes.filter((l) => l.axis === axis);
      const gaps = ticks.slice(1).map((l, i) => l.value - ticks[i].value);
      if (ticks.length < 3 || gaps.some((g) => Math.abs(g - gaps[0]) > 1e-9 * Math.abs(gaps[0]))) fail(`${axis} ticks are uneven: ${ticks.map((l) => l.text).join(', ')}`);
      const mantissa = gaps[0] / 10 ** Math.floor(Math.log10(gaps[0]));
      if (![1, 2, 5].some((m) => Math.abs(mantissa - m) < 1e-6)) fail(`${axis} tick step ${gaps[0]} is not 1, 2 or 5 times a power of ten`);
      const outside = ticks.filter((l) => l.left < 0 || l.right > l.width);
      if (outside.length > 0) fail(`${axis} labels clipped: ${outside.map((l) => l.text).join(', ')}`);
      step(`${axis} ticks ${ticks.map((l) => l.text).join(' ')}`);
    }
    // --- status, and previews of a disabled component are cleared ---
    await waitUntil('the swatch previews', async () => (await page.locator('figure[data-preview^="SwatchComponent."]').count()) === 3);
    await page.uncheck('#c-SwatchComponent input.enabled');
    await waitUntil('the disabled status', async () => (await page.getAttribute('#c-SwatchComponent .status', 'data-state')) === 'disabled');
    await waitUntil('the previews to be cleared', async () => (await page.locator('figure[data-preview^="SwatchComponent."]').count()) === 0);
    await page.check('#c-SwatchComponent input.enabled');
    await waitUntil('the ok status again', async () => (await page.getAttribute('#c-SwatchComponent .status', 'data-state')) === 'ok');
    step('disabling shows "disabled" and clears the previews; enabling brings them back');
    await page.screenshot({ path: join(outDir, 'editor-800px.png'), fullPage: true });
    // --- the editor refuses to be framed by another page ---
    const framer = await browser.newPage();
    await framer.setContent(`<iframe id="f" src="${url}" width="600" height="400"></iframe>`);
    await new Promise((r) => setTimeout(r, 1500));
    const framed = [];
    for (const f of framer.frames()) {
      if (f === framer.mainFrame()) continue;
      try { if (await f.evaluate(() => document.querySelector('#undo') !== null)) framed.push(f.url()); } catch { /* blocked */ }
    }
    if (framed.length > 0) fail(`the editor rendered inside another page's iframe (${framed.join(', ')})`);
    step('the editor does not render inside another page\'s iframe');
    await framer.close();
  }
  const errors = pageErrors.filter((e) => !/Refused to display|frame-ancestors|X-Frame-Options/.test(e));
  if (errors.length > 0) fail(errors.join('; '));
});
