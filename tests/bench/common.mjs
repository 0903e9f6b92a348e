// What the page benchmarks share: reading a numeric argument, and a fresh page in headless
// Chromium that records its long tasks (Long Tasks API: main-thread tasks over 50 ms).
import { serve, browser } from '../e2e/harness.mjs';

/** `process.argv[index]` as a number in (0, max], or `fallback`; exits with a message naming
 * `name` and what is allowed otherwise. */
export function numberArg(index, fallback, max, name) {
  const raw = process.argv[index];
  const n = Number(raw ?? fallback);
  if (!(n > 0 && n <= max)) {
    console.error(`${name}: expected a number more than 0 and at most ${max}, got ${raw}`);
    process.exit(2);
  }
  return n;
}

/** A server, a browser and a page of `width`×`height` whose long tasks gather in
 * `window.__longTasks` as `[startTime, duration]`. `close()` ends all three. */
export async function benchPage(width = 1280, height = 720) {
  const server = await serve();
  const ctx = await browser();
  const page = await ctx.newPage();
  await page.addInitScript(() => {
    window.__longTasks = [];
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) window.__longTasks.push([e.startTime, e.duration]);
    }).observe({ type: 'longtask', buffered: true });
  });
  await page.setViewportSize({ width, height });
  const close = async () => {
    await ctx.close();
    server.stop();
  };
  return { server, page, close };
}
