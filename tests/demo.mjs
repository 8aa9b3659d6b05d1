// `./build.sh demo`: the built extension on the six local demo sites. With a display it
// opens Chromium for you to try; without one it runs headless and saves screenshots.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { startFixtureServer } from './fixtures/server.mjs';
import { buildFixtures } from './fixtures/build.mjs';
import { launch, SITES, DEMO_SETTINGS, siteUrl, expected, waitForOverlays, postCards, ROOT } from './e2e/harness.mjs';

await buildFixtures();
const server = await startFixtureServer({ port: 0 });
const headless = !process.env.DISPLAY;
// Tactful ships naming no brand; the demo sites are Acme's, so the demo saves Acme's team
// settings (tests/fixtures/demo_settings.json) as a team would on the options page.
const browser = await launch({ port: server.port, headless, settings: DEMO_SETTINGS });

if (headless) {
  const out = join(ROOT, 'demo-out');
  mkdirSync(out, { recursive: true });
  console.log('no display: running headless, writing one screenshot per site to demo-out/');
  for (const site of SITES) {
    const page = await browser.context.newPage();
    await page.goto(siteUrl(site));
    await waitForOverlays(page, (o) => postCards(o).length >= expected(site).posts.length);
    const file = join(out, `${site}.png`);
    await page.screenshot({ path: file });
    console.log(`  ${site.padEnd(9)} ${siteUrl(site)} -> demo-out/${site}.png`);
    await page.close();
  }
  await browser.close();
  await server.close();
} else {
  for (const site of SITES) await (await browser.context.newPage()).goto(siteUrl(site));
  console.log(`Tactful is running on the six demo sites (fixture server on port ${server.port}).`);
  console.log('Close the browser window or press Ctrl-C to stop.');
  const stop = async () => { await browser.close().catch(() => {}); await server.close(); process.exit(0); };
  browser.context.on('close', stop);
  process.on('SIGINT', stop);
}
