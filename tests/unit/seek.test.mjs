// The element's seeks and previews (www/element-seek.js), in Node, against a stand-in for the
// element and its runs: which requests a seek makes and in what order (a shipped mark first when
// the runs want one), the progress it shows, a drag's preview fetching the mark for a stretch not
// computed yet, and a failed restore starting the run again.
import { test } from 'node:test';
import assert from 'node:assert/strict';

// marks.js fetches the index and the marks: here from this table (the index once per page).
const served = { 'index.json': '{"k":{}}' };
globalThis.fetch = async (url) => {
  const name = decodeURIComponent(String(url).split('/pkg/marks/')[1] ?? '');
  const body = served[name] ?? served[name.split('/').pop()];
  if (body === undefined) return { ok: false };
  return { ok: true, text: async () => body, arrayBuffer: async () => new TextEncoder().encode(body).buffer };
};
const { Seeker } = await import('../../www/element-seek.js');

/** A stand-in for the element: runs A (at `at`) that answer `wanted` with `wantedT`, take every
 * mark, and seek to where they are told (or say they are behind); it records the requests. */
function stand(opts = {}) {
  const log = [];
  const a = { t: opts.at ?? 0, time_s() { return this.t; }, trigger_s: () => 3600 };
  const runs = {
    async request(msg) {
      log.push(msg.type === 'adopt' ? 'adopt' : `${msg.type}${msg.t !== undefined ? ` ${msg.t}` : ''}`);
      if (msg.type === 'wanted') return { t: opts.wantedT ?? -1, key: 'k' };
      if (msg.type === 'adopt') return { adopted: true };
      if (msg.type === 'seek') return { behind: !!opts.behind };
      return {};
    },
  };
  const host = {
    runs: () => runs,
    a: () => a,
    b: () => null,
    progress: { hidden: true, textContent: '' },
    kicks: 0,
    kick() {
      this.kicks++;
    },
    tracked: [],
    track(p) {
      this.tracked.push(p);
    },
    restarted: [],
    async restart(t) {
      this.restarted.push(t);
    },
  };
  return { host, a, log, seeker: new Seeker(host) };
}

const settle = (host) => Promise.all(host.tracked);

test('a seek without a shipped mark asks the runs to go back, then replays to the time with its progress shown', async () => {
  const { host, a, log, seeker } = stand({ at: 7200 });
  seeker.seek(5400);
  assert.equal(seeker.target, null, 'nothing to replay until the mark question is settled');
  await settle(host);
  assert.deepEqual(log, ['wanted 5400', 'seek 5400']);
  assert.equal(seeker.target, 5400);
  // The runs restored the mark at 4800 and are a third of the way there.
  a.t = 4800;
  seeker.from = 4800;
  a.t = 5000;
  seeker.answered(5400, false);
  assert.equal(host.progress.hidden, false);
  assert.match(host.progress.textContent, /^Replaying to T\+0:30… 33%$/);
  a.t = 5400;
  seeker.answered(5400, true);
  assert.equal(seeker.target, null);
  assert.equal(host.progress.hidden, true);
});

test('a seek the runs want a shipped mark for fetches it and hands it over before replaying', async () => {
  served['k/72000.mark'] = 'mark bytes';
  const { host, log, seeker } = stand({ wantedT: 72000 });
  seeker.seek(75600);
  await settle(host);
  assert.deepEqual(log, ['wanted 75600', 'adopt', 'seek 75600']);
  assert.match(host.progress.textContent, /^Loading the run at T\+19:00…$/);
  assert.equal(seeker.target, 75600);
});

test('a later seek supersedes one still fetching its mark, and a new run drops both', async () => {
  served['k/3600.mark'] = 'mark bytes';
  const { host, log, seeker } = stand({ wantedT: 3600 });
  seeker.seek(4000);
  seeker.seek(4100);
  await settle(host);
  assert.deepEqual(log.filter((x) => x.startsWith('seek')), ['seek 4100'], log.join(', '));
  assert.equal(seeker.target, 4100);
  seeker.reset();
  assert.equal(seeker.target, null);
  assert.equal(seeker.previewT, null);
});

test('a drag previews the nearest mark on the next request and ends a replay under way', async () => {
  const { host, seeker } = stand({ at: 9000 });
  seeker.seek(10000);
  await settle(host);
  seeker.preview(8000);
  assert.ok(host.kicks > 0);
  assert.equal(seeker.takePreview(), 8000);
  assert.equal(seeker.target, null, 'the replay gives way to the drag');
  assert.equal(host.progress.hidden, true);
  assert.equal(seeker.takePreview(), null, 'taken once');
});

test('a drag over a stretch not computed yet fetches the shipped mark and previews again once it is taken', async () => {
  served['k/54000.mark'] = 'mark bytes';
  const { log, seeker } = stand({ at: 75600, wantedT: 54000 });
  seeker.preview(55000);
  assert.equal(seeker.takePreview(), 55000);
  // The fetch and hand-over take a few turns of the event loop.
  for (let i = 0; i < 20 && !log.includes('adopt'); i++) await new Promise((r) => setTimeout(r, 1));
  await new Promise((r) => setTimeout(r, 1));
  assert.deepEqual(log, ['wanted 55000', 'adopt']);
  assert.equal(seeker.previewT, 55000, 'the preview is asked again, now from the mark taken');
  // A cancelled drag asks nothing more.
  seeker.endDrag();
  seeker.takePreview();
  assert.equal(seeker.previewT, null);
});

test('when no mark restores (a bug), the seek says so and starts the run again', async () => {
  const { host, seeker } = stand({ at: 7200, behind: true });
  const warned = [];
  const warn = console.warn;
  console.warn = (m) => warned.push(m);
  try {
    seeker.seek(1800);
    await settle(host);
  } finally {
    console.warn = warn;
  }
  assert.deepEqual(host.restarted, [1800]);
  assert.match(warned[0], /no saved mark restored for t=1800/);
});
