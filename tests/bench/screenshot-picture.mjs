// Takes the README's screenshots of the picture's tools, the 2010 scenario at real scale: zoomed
// in to each client around a followed supernode (its story under the picture), and the
// supernodes grouped by state, both at T+0:30 (paused).
//   node tests/bench/screenshot-picture.mjs [t_s]      (part of make screenshot)
import { join } from 'node:path';
import { serve, browser, ROOT } from '../e2e/harness.mjs';

const t = Number(process.argv[2] || 5400);
const server = await serve();
const ctx = await browser();
const page = await ctx.newPage();
await page.setViewportSize({ width: 1280, height: 900 });
await page.goto(`${server.base}/?seed=1&t=${t}&autoplay=off`);
await page.waitForFunction((t) => document.querySelector('supernode-sim')?.snapshot()?.t_s >= t, t, { timeout: 120000 });
const el = page.locator('supernode-sim >> .stage');
// A serving supernode near the picture's middle, followed and zoomed in on.
const target = await page.evaluate(async () => {
  const sim = document.querySelector('supernode-sim');
  await sim.settled();
  const c = sim.shadowRoot.querySelector('canvas.overlay');
  const [cx, cy] = [c.width / 2, Math.min(c.height, c.width) / 2];
  let best = 0;
  let bd = Infinity;
  for (let i = 0; i < 48000; i += 7) {
    const s = await sim.sim.supernode(i);
    if (!s || s.state !== 'overloaded') continue;
    const d = Math.hypot(s.x - cx, s.y - cy);
    if (d < bd) [best, bd] = [i, d];
  }
  await sim.follow(best);
  return best;
});
await page.locator('supernode-sim >> .story-zoom').click();
await page.waitForFunction(() => document.querySelector('supernode-sim').snapshot().picture.clients_shown, null, { timeout: 20000 });
// A few seconds of play, slowed, so the story and the walks have something to show.
await page.evaluate(() => {
  const sim = document.querySelector('supernode-sim');
  sim.setAttribute('speed', '30');
  sim.play();
});
await page.waitForTimeout(4000);
await page.evaluate(() => document.querySelector('supernode-sim').pause());
await page.waitForTimeout(500);
await el.screenshot({ path: join(ROOT, 'docs', 'screenshot-zoom.png') });
console.log(`followed supernode ${target}; wrote docs/screenshot-zoom.png`);
await page.locator('supernode-sim >> button.zoom-whole').click();
await page.evaluate(() => document.querySelector('supernode-sim').follow(null));
await page.locator('supernode-sim >> button.by-state').click();
await page.waitForTimeout(2000);
await el.screenshot({ path: join(ROOT, 'docs', 'screenshot-by-state.png') });
console.log('wrote docs/screenshot-by-state.png');
await ctx.close();
server.stop();
