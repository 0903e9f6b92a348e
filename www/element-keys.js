// The <supernode-sim> element's keyboard shortcuts (element.js): one table says which key does
// what, and both the key handler (`commandFor`, which names the command a key press asks for) and
// the help panel's list (`SHORTCUTS_HTML`) are made from it, so the two cannot disagree. The keys
// the picture takes when it has focus (zoom, pan) are element-view.js's, and the timeline's
// (a minute, an hour, Home, End) timeline.js's: both go first.

/** The element's commands, each with the keys that ask for it (`KeyboardEvent.key` values) and
 * what the help panel says of it. */
export const SHORTCUTS = Object.freeze([
  { command: 'play-pause', keys: [' '], shown: ['Space'], does: 'play / pause' },
  { command: 'step', keys: ['ArrowRight'], shown: ['→'], does: 'step one simulated minute' },
  { command: 'faster', keys: ['+', '='], shown: ['+'], does: 'faster' },
  { command: 'slower', keys: ['-', '_'], shown: ['−'], does: 'slower' },
  { command: 'previous-chapter', keys: ['['], shown: ['['], does: 'previous chapter' },
  { command: 'next-chapter', keys: [']'], shown: [']'], does: "next chapter (the run's moments and the record's published figures)" },
  { command: 'slow-motion', keys: ['s', 'S'], shown: ['S'], does: "slow motion through the cascade's bursts on / off" },
  { command: 'by-state', keys: ['g', 'G'], shown: ['G'], does: 'supernodes grouped by state / on the map' },
  { command: 'follow', keys: ['f', 'F'], shown: ['F'], does: 'follow a supernode (then click one) / stop following' },
  { command: 'reset', keys: ['r', 'R'], shown: ['R'], does: 'reset' },
  { command: 'help', keys: ['?'], shown: ['?'], does: 'this help (<kbd>Esc</kbd> closes it)' },
]);

const BY_KEY = new Map(SHORTCUTS.flatMap((s) => s.keys.map((k) => [k, s.command])));

/** The help panel's rows: the keys of each command, then what it does (commands shown as a pair,
 * faster and slower, the two chapters, share a row). */
export const SHORTCUTS_HTML = (() => {
  const pairs = { faster: 'slower', 'previous-chapter': 'next-chapter' };
  const skip = new Set(Object.values(pairs));
  const kbd = (s) => s.shown.map((k) => `<kbd>${k}</kbd>`).join(' ');
  return SHORTCUTS.filter((s) => !skip.has(s.command))
    .map((s) => {
      const other = pairs[s.command] && SHORTCUTS.find((o) => o.command === pairs[s.command]);
      const keys = other ? `${kbd(s)} ${kbd(other)}` : kbd(s);
      const does = other ? `${s.does} / ${other.does}` : s.does;
      return `<tr><td>${keys}</td><td>${does}</td></tr>`;
    })
    .join('\n      ');
})();

/**
 * The command a key press asks of the element, or null (the key is not one of its shortcuts, a
 * modifier is held, the reader is typing in a field, or a focused button takes the space bar).
 * `Escape` asks to close the help panel while it is open, even from a field.
 * @param {{key: string, ctrlKey?: boolean, metaKey?: boolean, altKey?: boolean}} ev the key press
 * @param {{target?: string, helpOpen?: boolean}} where the tag name of the element the key went
 *   to (lower case), and whether the help panel is open
 * @returns {string|null}
 */
export function commandFor(ev, { target = '', helpOpen = false } = {}) {
  if (ev.ctrlKey || ev.metaKey || ev.altKey) return null;
  if (ev.key === 'Escape') return helpOpen ? 'close-help' : null;
  if (target === 'input' || target === 'select' || target === 'textarea') return null;
  const command = BY_KEY.get(ev.key) ?? null;
  // A focused button handles the space bar itself (it presses the button).
  if (command === 'play-pause' && target === 'button') return null;
  return command;
}
