// The element's keyboard shortcuts (www/element-keys.js) and where its legend goes
// (www/element-legend.js), in Node: which command a key press asks for, that the help panel
// lists every shortcut the handler knows, and when a legend in the picture's corner covers the
// disc the renderer draws.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SHORTCUTS, SHORTCUTS_HTML, commandFor } from '../../www/element-keys.js';
import { coversDisc, RIM_TOLERANCE_PX } from '../../www/element-legend.js';

test('each shortcut key asks for its command, wherever the key goes but a field', () => {
  assert.equal(commandFor({ key: ' ' }), 'play-pause');
  assert.equal(commandFor({ key: 'ArrowRight' }, { target: 'canvas' }), 'step');
  for (const [key, command] of [['+', 'faster'], ['=', 'faster'], ['-', 'slower'], ['_', 'slower'], ['[', 'previous-chapter'], [']', 'next-chapter'], ['g', 'by-state'], ['G', 'by-state'], ['?', 'help'], ['r', 'reset'], ['S', 'slow-motion'], ['f', 'follow']]) {
    assert.equal(commandFor({ key }, { target: 'div' }), command, key);
  }
  // Not a shortcut, or a modifier held (the browser's own shortcuts stay the browser's).
  assert.equal(commandFor({ key: 'x' }), null);
  assert.equal(commandFor({ key: 'r', ctrlKey: true }), null);
  assert.equal(commandFor({ key: '+', metaKey: true }), null);
  assert.equal(commandFor({ key: 'g', altKey: true }), null);
  // Typing in a field types.
  for (const target of ['input', 'select', 'textarea']) assert.equal(commandFor({ key: 'r' }, { target }), null, target);
  // A focused button takes the space bar itself; other keys still work there.
  assert.equal(commandFor({ key: ' ' }, { target: 'button' }), null);
  assert.equal(commandFor({ key: 'r' }, { target: 'button' }), 'reset');
});

test('Escape closes the help panel, even from a field, and does nothing else', () => {
  assert.equal(commandFor({ key: 'Escape' }, { helpOpen: true, target: 'input' }), 'close-help');
  assert.equal(commandFor({ key: 'Escape' }, { helpOpen: false }), null);
});

test('the help panel lists every shortcut, each key once', () => {
  const shown = [...SHORTCUTS_HTML.matchAll(/<kbd>([^<]+)<\/kbd>/g)].map((m) => m[1]);
  for (const s of SHORTCUTS) {
    for (const k of s.shown) assert.ok(shown.includes(k), `${s.command}: ${k} is not in the help`);
  }
  const commands = SHORTCUTS.map((s) => s.command);
  assert.equal(new Set(commands).size, commands.length, 'a command listed twice');
  const keys = SHORTCUTS.flatMap((s) => s.keys);
  assert.equal(new Set(keys).size, keys.length, 'a key given two commands');
});

test('a legend covers the disc where the picture is wider than tall, not beside a square one', () => {
  const legend = { x0: 8, y0: 8, x1: 188, y1: 168 };
  // A square picture: the disc leaves its corners free of a small legend, not of a large one.
  assert.equal(coversDisc({ x0: 8, y0: 8, x1: 100, y1: 80 }, 800, 800, 24), false);
  assert.equal(coversDisc(legend, 600, 600, 24), true);
  // A picture 640 × 300: the disc is 252 px across, centred at x 320, and the legend's right edge
  // (188) is clear of it; a wider legend reaches into it.
  assert.equal(coversDisc(legend, 640, 300, 24), false);
  assert.equal(coversDisc({ ...legend, x1: 260 }, 640, 300, 24), true);
  // A picture as tall as the legend box is wide: the disc is under it.
  assert.equal(coversDisc(legend, 400, 240, 24), true);
  // A sliver over the rim is tolerated: a box reaching just inside the rim does not cover it.
  const rad = (300 - 2 * 24) / 2;
  const rimX = 320 - rad;
  assert.equal(coversDisc({ x0: 0, y0: 0, x1: rimX + RIM_TOLERANCE_PX / 2, y1: 300 }, 640, 300, 24), false);
  assert.equal(coversDisc({ x0: 0, y0: 0, x1: rimX + RIM_TOLERANCE_PX * 2, y1: 300 }, 640, 300, 24), true);
  // No room for a disc: nothing to cover.
  assert.equal(coversDisc(legend, 40, 40, 24), false);
});
