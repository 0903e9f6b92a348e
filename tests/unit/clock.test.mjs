// The element's clock (www/element-clock.js), in Node: real time into ticks at the speed asked,
// slow motion around bursts, the speed the runs held, and what the clock says about it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Clock, MAX_OWED_S, SLOW_SPEED, SLOW_LEAD_S, SLOW_AFTER_S } from '../../www/element-clock.js';

/** Plays `clock` for `seconds` of real time in frames of `frameS`, from simulated `t0`, the runs
 * doing all they are asked; returns the ticks asked in all. */
function play(clock, seconds, frameS = 1 / 60, t0 = 0) {
  let t = t0;
  let asked = 0;
  for (let i = 0; i < Math.round(seconds / frameS); i++) {
    const n = clock.ticks(frameS, t);
    clock.answered(n, n, frameS);
    t += n;
    asked += n;
  }
  return asked;
}

test('at a steady speed the ticks asked add up to the speed, fractions carried over', () => {
  const c = new Clock();
  c.speed = 1440;
  c.start(0);
  assert.equal(play(c, 10), 14400);
  const slow = new Clock();
  slow.speed = 1.5; // less than a tick a frame: the fractions carry
  slow.start(0);
  assert.equal(play(slow, 10), 15);
});

test('real time owed is read from the frames, and a stall is not caught up', () => {
  const c = new Clock();
  assert.equal(c.takeOwed(1000), 0, 'the first reading starts counting');
  assert.equal(c.takeOwed(1100), 0.1);
  assert.equal(c.takeOwed(6100), MAX_OWED_S, 'five seconds away owe at most the cap');
  c.pauseCounting();
  assert.equal(c.takeOwed(9000), 0, 'after a pause, counting starts afresh');
});

test('slow motion: the clock eases to a minute per second around a burst, then back', () => {
  const c = new Clock();
  c.speed = 1440;
  c.bursts = [10000];
  assert.equal(c.slowAt(10000 - SLOW_LEAD_S - 1), false);
  assert.equal(c.slowAt(10000 - SLOW_LEAD_S), true);
  assert.equal(c.slowAt(10000 + SLOW_AFTER_S), true);
  assert.equal(c.slowAt(10000 + SLOW_AFTER_S + 1), false);
  c.start(5000);
  assert.equal(c.effSpeed, 1440);
  // Entering the burst's window, the speed eases down (not at once), and within a few seconds of
  // real time it is slow motion.
  assert.ok(c.ticks(1 / 60, 10000 - SLOW_LEAD_S) > SLOW_SPEED / 60, 'it eases, it does not jump');
  for (let i = 0; i < 120; i++) c.ticks(1 / 60, 10000);
  assert.ok(Math.abs(c.effSpeed - SLOW_SPEED) < 0.05 * 1440, `after 2 s: ${c.effSpeed}`);
  for (let i = 0; i < 600; i++) c.ticks(1 / 60, 10000);
  assert.equal(c.effSpeed, SLOW_SPEED);
  // Past the window it eases back up.
  for (let i = 0; i < 720; i++) c.ticks(1 / 60, 10000 + SLOW_AFTER_S + 1);
  assert.equal(c.effSpeed, 1440);
  assert.match(c.note(10000), /slow motion/);
  // Starting to play inside the window is at slow motion at once.
  c.start(10000);
  assert.equal(c.effSpeed, SLOW_SPEED);
  // Off, or asked for less than slow motion: no slow motion.
  c.slowMotion = false;
  assert.equal(c.slowAt(10000), false);
  c.slowMotion = true;
  c.speed = 30;
  assert.equal(c.slowAt(10000), false);
});

test('runs that cannot keep up: what they could not do is dropped, and the clock says it is slowed', () => {
  const c = new Clock();
  c.speed = 1440;
  c.start(0);
  for (let i = 0; i < 100; i++) {
    const n = c.ticks(0.1, 0);
    assert.equal(n, 144, 'nothing piles up from the answers before');
    assert.equal(c.answered(n, 72, 0.1), true);
  }
  assert.ok(Math.abs(c.simRate - 720) < 1e-6, `held ${c.simRate} ticks/s`);
  assert.match(c.note(0), /slowed to 50%/);
  // A run that keeps up again is not slowed for long.
  play(c, 10, 0.1);
  assert.equal(c.note(0), '');
});

test('a frame on the page\'s thread asks for at most its cap', () => {
  const c = new Clock();
  c.speed = 1440;
  c.start(0);
  assert.equal(c.ticks(0.2, 0, 96), 96);
});
