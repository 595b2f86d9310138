// End-to-end test of the attached web editor following the game's component list, in Debian's Chromium (headless)
// via playwright-core.
// Usage: node e2e/components.e2e.mjs <editor-url> <output-dir> <added-id> <parameter>
// The page opens on the game's components; the script prints "e2e waiting: add" and the game adds a component with id
// <added-id>, whose section and inspector must appear without a reload; dragging its <parameter> slider must reach the
// server. Then it prints "e2e waiting: remove", the game removes that component, and its section and list entry must
// go. Exits 0 after printing "e2e ok", or 1 with "e2e FAILED: <why>".
import { step, waitUntil as waitFor, dragSlider, scriptArguments, runInBrowser } from './harness.mjs';
import { join } from 'node:path';

const [url, outDir, addedId, parameter] = scriptArguments('node e2e/components.e2e.mjs <editor-url> <output-dir> <added-id> <parameter>', 4);
const waitUntil = (what, fn, timeoutMs = 60000) => waitFor(what, fn, timeoutMs);

await runInBrowser(1280, async (page, browser, pageErrors) => {
  const sections = () => page.evaluate(() => [...document.querySelectorAll('section.component')].map((s) => s.id.slice(2)));
  const listed = () => page.evaluate(() => [...document.querySelectorAll('#component-list li')].map((li) => li.dataset.id));
  const session = () => page.evaluate(async () => (await fetch('/api/session')).json());

  step(`open ${url}`);
  await page.goto(url, { waitUntil: 'domcontentloaded' });
  await waitUntil('the inspector to be built', () => page.evaluate(() => document.body.dataset.ready === 'true'));
  const before = await sections();
  if (before.includes(addedId)) throw new Error(`${addedId} is already on the page: ${before.join(', ')}`);
  step(`sections before: ${before.join(', ')}`);

  console.log('e2e waiting: add');
  await waitUntil(`${addedId}'s section and slider`, async () => (await sections()).includes(addedId)
    && (await page.locator(`[data-param="${addedId}.${parameter}"] .tp-sldv`).count()) > 0);
  const now = await sections();
  if (now.slice(0, before.length).join() !== before.join()) throw new Error(`the existing sections changed: ${now.join(', ')}`);
  if ((await listed()).join() !== now.join()) throw new Error(`list ${(await listed()).join(', ')} != sections ${now.join(', ')}`);
  step(`sections after the game added one: ${now.join(', ')}`);

  const value = async () => (await session()).components.find((c) => c.id === addedId)?.values[parameter];
  const v0 = await value();
  // A new section goes to the end of the page, maybe below the window: bring it into view as a person would scroll.
  await page.locator(`[data-param="${addedId}.${parameter}"] .tp-sldv`).first().scrollIntoViewIfNeeded();
  await dragSlider(page, `[data-param="${addedId}.${parameter}"]`, `${addedId}.${parameter}`, 0.9);
  const v1 = await waitUntil(`the edit of ${addedId}.${parameter} to reach the server`, async () => {
    const v = await value();
    return v !== undefined && v !== v0 && { v };
  });
  step(`${addedId}.${parameter} ${v0} -> ${v1.v}`);
  await page.screenshot({ path: join(outDir, 'components.png'), fullPage: true });

  console.log('e2e waiting: remove');
  await waitUntil(`${addedId} to leave the page`, async () => !(await sections()).includes(addedId) && !(await listed()).includes(addedId));
  const after = await sections();
  if (after.join() !== before.join()) throw new Error(`sections after removal ${after.join(', ')} != before ${before.join(', ')}`);
  step(`sections after the game removed it: ${after.join(', ')}`);
  const s = await session();
  if (s.problems.length > 0) throw new Error(`problems: ${s.problems.join('; ')}`);
});
