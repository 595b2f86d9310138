// End-to-end test of the web editor attached to a running game, in Debian's Chromium (headless) via playwright-core.
// Usage: node e2e/attach.e2e.mjs <editor-url> <output-dir> <component-id> <parameter> [fraction] [switch-off]
// Expects an attached editor (the game ticks its own host and publishes its rendered frames). First unticks the bool
// parameters listed in <switch-off> (comma-separated Component.Parameter, e.g. MorphComponent.Animate, so the picture
// holds still), then moves the parameter's slider towards <fraction> of its track and waits until the page's
// "Game view" image (the game's own rendered frame) changes. Exits 0 after printing "e2e ok", or 1 with
// "e2e FAILED: <why>".
import { step, waitUntil as waitFor, dragSlider, scriptArguments, runInBrowser } from './harness.mjs';
import { join } from 'node:path';

const [url, outDir, componentId, parameter, fractionText = '0.92', switchOff = ''] = scriptArguments('node e2e/attach.e2e.mjs <editor-url> <output-dir> <component-id> <parameter> [fraction] [switch-off]', 4);
const fraction = Number(fractionText);

const waitUntil = (what, fn, timeoutMs = 60000) => waitFor(what, fn, timeoutMs);

await runInBrowser(1280, async (page, browser, pageErrors) => {
  const row = `[data-param="${componentId}.${parameter}"]`;
  const session = () => page.evaluate(async () => (await fetch('/api/session')).json());
  const serverValue = async () => (await session()).components.find((c) => c.id === componentId).values[parameter];
  // The game view as the page shows it: the image's version and a hash of all its pixels (read through a canvas;
  // the PNG is same-origin, so the canvas stays readable).
  const gameView = () => page.evaluate(() => {
    const img = document.querySelector('#game-view img');
    if (!img || !img.complete || img.naturalWidth === 0 || !img.dataset.version) return null;
    const c = document.createElement('canvas');
    c.width = img.naturalWidth; c.height = img.naturalHeight;
    const g = c.getContext('2d');
    g.drawImage(img, 0, 0);
    const all = g.getImageData(0, 0, c.width, c.height).data;
    let hash = 0;
    for (let i = 0; i < all.length; i++) hash = (hash * 31 + all[i]) >>> 0;
    return { version: Number(img.dataset.version), width: c.width, height: c.height, hash };
  });
  const drag = (to) => dragSlider(page, row, `${componentId}.${parameter}`, to);

  step(`open ${url}`);
  await page.goto(url, { waitUntil: 'domcontentloaded' });
  await waitUntil('the inspector to be built', () => page.evaluate(() => document.body.dataset.ready === 'true'));
  const s0 = await session();
  if (!s0.attached) throw new Error('the editor is not attached to a game');
  step(`attached to the game on ${s0.device}, game frame ${s0.frame}`);
  await waitUntil(`the ${parameter} slider`, () => page.locator(`${row} .tp-sldv`).count());
  for (const key of switchOff.split(',').filter(Boolean)) {
    const [id, name] = key.split('.');
    step(`untick ${key}`);
    // Tweakpane hides the input itself and draws a mark inside its label: click what a person clicks.
    if (await page.locator(`[data-param="${key}"] input[type="checkbox"]`).first().isChecked())
      await page.locator(`[data-param="${key}"] .tp-ckbv_w`).first().click();
    await waitUntil(`${key} off on the server`, async () => (await session()).components.find((c) => c.id === id).values[name] === false);
  }
  // The game keeps rendering: wait until two successive frames are identical (a switched-off animation and the frames
  // in flight have passed), so a change after the edit is the edit's.
  let before = await waitUntil('the first game view image', gameView);
  let still = null;
  for (let tries = 0; !still; tries++) {
    if (tries > 100) throw new Error('the game view never held still without edits');
    const prev = before;
    before = await waitUntil('a newer game view frame', async () => {
      const g = await gameView();
      return g && g.version > prev.version && g;
    });
    if (before.hash === prev.hash) still = before;
  }
  const v0 = await serverValue();
  step(`game view ${still.width}x${still.height} holds still at v${still.version}, hash ${still.hash}, ${parameter}=${JSON.stringify(v0)}`);

  step(`drag ${componentId}.${parameter} towards ${fraction}`);
  await drag(fraction);
  const { v1 } = await waitUntil('the edit to reach the server', async () => {
    if ((await page.evaluate(() => document.body.dataset.pendingEdits)) !== '0') return false;
    const v = await serverValue();
    return JSON.stringify(v) !== JSON.stringify(v0) && { v1: v }; // (a value of 0 is an answer too)
  });
  const after = await waitUntil('the game view to show the edited frame', async () => {
    const g = await gameView();
    return g && g.version > still.version && g.hash !== still.hash && g;
  });
  const s1 = await session();
  step(`${parameter} ${JSON.stringify(v0)} -> ${JSON.stringify(v1)}; game view v${after.version} hash ${still.hash} -> ${after.hash}; game frame ${s0.frame} -> ${s1.frame}`);
  if (!(s1.frame > s0.frame)) throw new Error('the game did not keep ticking');

  await page.screenshot({ path: join(outDir, 'attached.png'), fullPage: true });
  step(`screenshot ${join(outDir, 'attached.png')}`);
  if (s1.problems.length > 0) throw new Error(`problems: ${s1.problems.join('; ')}`);
  if (pageErrors.length > 0) throw new Error(pageErrors.join('; '));
});
