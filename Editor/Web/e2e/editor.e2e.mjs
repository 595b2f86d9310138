// End-to-end test of the FieldForge web editor in Debian's Chromium (headless), driven by playwright-core.
// Usage: node e2e/editor.e2e.mjs <editor-url> <output-dir> [component-id] [parameter]
// Expects a running editor whose component has an image preview and a 0..1 float slider parameter (the NUnit test
// starts one with the test-only SwatchComponent). Exits 0 after printing "e2e ok", or 1 with "e2e FAILED: <why>".
import { step, waitUntil as waitFor, dragSlider, scriptArguments, runInBrowser } from './harness.mjs';
import { join } from 'node:path';

const [url, outDir, componentId = 'SwatchComponent', parameter = 'Level'] = scriptArguments('node e2e/editor.e2e.mjs <editor-url> <output-dir> [component-id] [parameter]', 2);
// The inspector's text field rounds (two decimals by default), so compare with what rounding can hide.
const near = (a, b) => Math.abs(a - b) <= 0.006 * Math.max(1, Math.abs(b));

const waitUntil = (what, fn, timeoutMs = 20000) => waitFor(what, fn, timeoutMs);

await runInBrowser(1280, async (page, browser, pageErrors) => {
  const external = [];
  page.on('request', (r) => { if (!r.url().startsWith(url) && !r.url().startsWith('data:')) external.push(r.url()); });

  const row = `[data-param="${componentId}.${parameter}"]`;
  const figure = `figure[data-preview="${componentId}.0"]`;
  const serverValue = () => page.evaluate(async ([id, name]) => {
    const s = await (await fetch('/api/session')).json();
    return s.components.find((c) => c.id === id).values[name];
  }, [componentId, parameter]);
  const shownValue = async () => Number(await page.locator(`${row} input`).first().inputValue());
  // The preview's top-left pixel, read back through a canvas (the PNG is same-origin, so the canvas stays readable).
  const previewPixel = () => page.evaluate((sel) => {
    const img = document.querySelector(`${sel} img`);
    if (!img || !img.complete || img.naturalWidth === 0) return null;
    const c = document.createElement('canvas');
    c.width = img.naturalWidth; c.height = img.naturalHeight;
    const g = c.getContext('2d');
    g.drawImage(img, 0, 0);
    const all = g.getImageData(0, 0, c.width, c.height).data;
    let hash = 0;
    for (let i = 0; i < all.length; i++) hash = (hash * 31 + all[i]) >>> 0;
    return { src: img.getAttribute('src'), rgba: [...Array.from(all.slice(4 * (c.width + 1), 4 * (c.width + 2))), hash] };
  }, figure);
  const session = () => page.evaluate(async () => (await fetch('/api/session')).json());
  // The preview for the current parameter values: let the session tick twice after the last edit, then wait for the
  // page to show the preview version the server holds now.
  async function settledPreview() {
    const f0 = (await session()).frame;
    await waitUntil('two more session frames', async () => (await session()).frame >= f0 + 2);
    const s = await session();
    const version = s.components.find((c) => c.id === componentId).previews[0].version;
    return waitUntil(`the page to show preview version ${version}`, async () => {
      const p = await previewPixel();
      return p && p.src.endsWith(`v=${version}`) && p;
    });
  }
  const drag = (to) => dragSlider(page, row, `${componentId}.${parameter}`, to);

  step(`open ${url}`);
  await page.goto(url, { waitUntil: 'domcontentloaded' });
  await waitUntil('the inspector to be built', () => page.evaluate(() => document.body.dataset.ready === 'true'));
  await waitUntil(`the ${parameter} slider`, () => page.locator(`${row} .tp-sldv`).count());
  const before = await waitUntil('the first preview image', previewPixel);
  const v0 = await serverValue();
  step(`preview pixel+hash ${before.rgba} at ${parameter}=${v0}`);

  step('move the slider');
  await drag(0.92);
  // A drag streams edits; wait until the last one has been answered and the server holds what the slider shows.
  const settled = async (previous) => {
    if ((await page.evaluate(() => document.body.dataset.pendingEdits)) !== '0') return false;
    const v = await serverValue();
    return v !== previous && near(v, await shownValue()) && v;
  };
  const v1 = await waitUntil('the drag to reach the server', () => settled(v0));
  const after = await settledPreview();
  if (after.src === before.src || after.rgba.join() === before.rgba.join()) throw new Error(`the preview did not change (${after.src}, ${after.rgba})`);
  step(`${parameter} ${v0} -> ${v1}; preview pixel ${before.rgba} -> ${after.rgba}`);
  await waitUntil('the slider text to show the server value', async () => near(await shownValue(), v1));

  step('save preset e2e');
  await page.fill('#preset-name', 'e2e');
  await page.click('#preset-save');
  await waitUntil('the save confirmation', async () => (await page.textContent('#status')).includes('saved preset e2e'));
  await waitUntil('the preset in the list', async () => (await page.locator('#preset-list option', { hasText: 'e2e' }).count()) > 0);

  step('move the slider again');
  await drag(0.2);
  const v2 = await waitUntil('the second drag to reach the server', () => settled(v1));
  const dimmed = await settledPreview();
  if (dimmed.rgba.join() === after.rgba.join()) throw new Error(`the preview did not change on the second drag (${dimmed.rgba})`);
  step(`${parameter} ${v1} -> ${v2}; preview pixel ${dimmed.rgba}`);

  step('load preset e2e');
  await page.selectOption('#preset-list', 'e2e');
  await page.click('#preset-load');
  await waitUntil(`${parameter} back to ${v1} after loading`, async () => (await serverValue()) === v1);
  await waitUntil('the slider to follow the preset', async () => near(await shownValue(), v1));
  const loaded = await waitUntil('the preview to match the saved look again', async () => {
    const p = await previewPixel();
    return p && p.rgba.join() === after.rgba.join() && p;
  });
  step(`preset restored ${parameter}=${v1}, pixel ${loaded.rgba}`);

  step('undo the preset load');
  await page.click('#undo');
  await waitUntil(`${parameter} back to ${v2} after undo`, async () => (await serverValue()) === v2);
  await waitUntil('the slider to follow the undo', async () => near(await shownValue(), v2));
  await waitUntil('the preview to follow the undo', async () => (await previewPixel())?.rgba.join() === dimmed.rgba.join());
  step(`undo restored ${parameter}=${v2} and its preview`);

  await waitUntil('the performance panel', async () => (await page.textContent('#perf-regions')).includes('ms'));
  await page.screenshot({ path: join(outDir, 'editor.png'), fullPage: true });
  step(`screenshot ${join(outDir, 'editor.png')}`);
  if (external.length > 0) throw new Error(`the page fetched from outside the editor: ${external.join(', ')}`);
  if (pageErrors.length > 0) throw new Error(pageErrors.join('; '));
});
