// What every end-to-end script shares: timestamped steps, polling with a named timeout, and a headless Debian
// Chromium whose page errors (and console errors other than expected 4xx responses) are collected for the verdict.
import { chromium } from 'playwright-core';
import { mkdirSync } from 'node:fs';

const t0 = Date.now();

/** Logs `msg` with the seconds since the script started. */
export const step = (msg) => console.log(`e2e: [${((Date.now() - t0) / 1000).toFixed(1)} s] ${msg}`);

/** Polls `fn` every `intervalMs` until it returns something truthy; throws naming `what` and the last value after the timeout. */
export async function waitUntil(what, fn, timeoutMs, intervalMs = 100) {
  const start = Date.now();
  let last;
  while (Date.now() - start < timeoutMs) {
    try { last = await fn(); if (last) return last; } catch (e) { last = e.message; }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what} (last: ${JSON.stringify(last)})`);
}

/** Launches headless Chromium (CHROMIUM_PATH or /usr/bin/chromium) with no network side traffic. */
export const launchBrowser = () => chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});

/** Records the page's uncaught errors and console errors (except 4xx responses the scripts provoke) into `errors`. */
export function collectPageErrors(page, errors) {
  page.on('pageerror', (e) => errors.push(`page error: ${e.message}`));
  page.on('console', (m) => { if (m.type() === 'error' && !/status of 4\d\d/.test(m.text())) errors.push(`console error: ${m.text()}`); });
}

/** Drags the first tweakpane slider inside `row` from its middle to `fraction` of its width in eight mouse moves, as a
 *  person would (the page sees a drag, not a jump); `what` names the slider in the error when there is none. */
export async function dragSlider(page, row, what, fraction) {
  const box = await page.locator(`${row} .tp-sldv`).first().boundingBox();
  if (!box) throw new Error(`no slider found for ${what}`);
  const y = box.y + box.height / 2;
  await page.mouse.move(box.x + box.width * 0.5, y);
  await page.mouse.down();
  for (let i = 1; i <= 8; i++) await page.mouse.move(box.x + box.width * (0.5 + ((fraction - 0.5) * i) / 8), y);
  await page.mouse.up();
}

/** Ends the script with its verdict: exit 0 after "e2e ok", or 1 after "e2e FAILED" with `error`'s message and the
 *  collected page errors; closes `browser` either way (it may already be gone after a failure). */
export async function finish(browser, pageErrors, error) {
  if (error) {
    console.log(`e2e FAILED: ${error.message}`);
    if (pageErrors.length > 0) console.log(`page errors: ${pageErrors.join('; ')}`);
  } else console.log('e2e ok');
  try { await browser?.close(); } catch (e) { if (!error) throw e; /* after a failure the browser may be gone */ }
  process.exit(error ? 1 : 0);
}

/** The script's arguments (exits 2 with `usage` when fewer than `required`); the second, the output folder, is created. */
export function scriptArguments(usage, required) {
  const args = process.argv.slice(2);
  if (args.length < required || args.slice(0, required).some((a) => !a)) {
    console.error(`usage: ${usage}`);
    process.exit(2);
  }
  mkdirSync(args[1], { recursive: true });
  return args;
}

/** Runs `body(page, browser, pageErrors)` on a fresh page (`width` x 900) of a headless Chromium that collects the
 *  page's errors, then ends the process with the verdict (see `finish`), whether the body returned or threw. */
export async function runInBrowser(width, body) {
  let browser;
  const pageErrors = [];
  try {
    browser = await launchBrowser();
    const page = await browser.newPage({ viewport: { width, height: 900 } });
    collectPageErrors(page, pageErrors);
    await body(page, browser, pageErrors);
    await finish(browser, pageErrors);
  } catch (e) {
    await finish(browser, pageErrors, e);
  }
}
