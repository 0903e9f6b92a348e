// Shared by the browser tests: a static server for the repository and Debian's Chromium driven
// by playwright-core (never a downloaded browser).
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { before, after } from 'node:test';
import { chromium } from 'playwright-core';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const SHOTS = join(ROOT, 'tests', 'e2e', 'screenshots');
mkdirSync(SHOTS, { recursive: true });

export const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];

async function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });
}

/** Serves a folder (default: the repository) over HTTP with tools/serve.py (right MIME type for
 * .wasm, Access-Control-Allow-Origin for sandboxed frames). */
export async function serve(extraArgs = [], dir = ROOT) {
  const port = await freePort();
  const proc = spawn('python3', [join(ROOT, 'tools', 'serve.py'), String(port), '127.0.0.1', '--quiet', ...extraArgs], { cwd: dir, stdio: 'ignore' });
  const base = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 100; i++) {
    try {
      const r = await fetch(`${base}/`);
      if (r.status < 500) break;
    } catch {
      /* not up yet */
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return { base, port, stop: () => proc.kill() };
}

/** Launches Chromium with a fresh profile. */
export async function browser() {
  const userDataDir = mkdtempSync(join(tmpdir(), 'snsim-chromium-'));
  const ctx = await chromium.launchPersistentContext(userDataDir, {
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    args: CHROMIUM_ARGS,
    viewport: { width: 1280, height: 800 },
  });
  return ctx;
}

/** A page that records console errors and page errors. */
export async function openPage(ctx, url, opts = {}) {
  const page = await ctx.newPage();
  if (opts.viewport) await page.setViewportSize(opts.viewport);
  const errors = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(url);
  return { page, errors };
}

/** Waits until the element has drawn a frame. */
export async function ready(page, selector = 'supernode-sim') {
  await page.waitForFunction((sel) => {
    const el = document.querySelector(sel);
    return el && el.sim && el.framesDrawn > 0;
  }, selector, { timeout: 30000 });
}

/** The element's snapshot once it has done everything asked of it so far (`settled`). */
export function snapshot(page, selector = 'supernode-sim') {
  return page.evaluate(async (sel) => {
    const el = document.querySelector(sel);
    await el.settled();
    return el.snapshot();
  }, selector);
}

/** Distinct colours in the overlay canvas (sampled). */
export function canvasColours(page, selector = 'supernode-sim') {
  return page.evaluate((sel) => {
    const c = document.querySelector(sel).shadowRoot.querySelector('canvas.overlay');
    const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    const seen = new Set();
    for (let i = 0; i < d.length; i += 4 * 7) seen.add((d[i] << 16) | (d[i + 1] << 8) | d[i + 2]);
    return seen.size;
  }, selector);
}

/** Registers before/after hooks for a test file: one server and one browser for all its tests.
 * Returns an object whose `server` and `ctx` are set once the hooks ran. */
export function shared() {
  const env = { server: null, ctx: null };
  before(async () => {
    env.server = await serve();
    env.ctx = await browser();
  });
  after(async () => {
    await env.ctx?.close();
    env.server?.stop();
  });
  return env;
}
