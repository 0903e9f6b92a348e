// Takes the README's screenshot: the 2010 scenario mid-cascade, playing, in headless Chromium.
//   node tests/bench/screenshot.mjs [out.png] [t_s]      (make screenshot)
import { join } from 'node:path';
import { serve, browser, ROOT } from '../e2e/harness.mjs';

const out = process.argv[2] || join(ROOT, 'docs', 'screenshot-2010.png');
const t = Number(process.argv[3] || 9600);
const server = await serve();
const ctx = await browser();
const page = await ctx.newPage();
await page.setViewportSize({ width: 1280, height: 860 });
await page.goto(`${server.base}/?seed=1&t=${t}&speed=60`);
await page.waitForFunction((t) => document.querySelector('supernode-sim')?.snapshot()?.t_s >= t, t, { timeout: 120000 });
await page.evaluate(() => document.querySelector('supernode-sim').play());
await page.waitForTimeout(2500);
await page.screenshot({ path: out });
console.log(`wrote ${out}`);
await ctx.close();
server.stop();
