// Marks shipped with the page: `make pkg` writes pkg/marks/ (the incident scenarios' default runs
// saved every simulated hour, and their index), so that a link far into such a run fetches the
// mark before its moment instead of computing its way there. Which mark, and whether the run may
// take it (the same run, nothing done to it before then), is decided in Rust (`marks::wanted`)
// and checked again when the mark is read (`marks::read`); this file only fetches.

/** Where the marks are, beside the module. */
const MARKS_DIR = new URL('../pkg/marks/', import.meta.url);

let index = null;

/** The index's text, fetched once per page; '' where there is none (marks are optional: without
 * them a run computes its way to any moment). */
export function marksIndex() {
  index ??= fetch(new URL('index.json', MARKS_DIR)).then(
    (r) => (r.ok ? r.text() : ''),
    () => '',
  );
  return index;
}

/** The bytes of run `key`'s mark at simulated second `tS`, or null if it cannot be fetched. */
export async function fetchMark(key, tS) {
  try {
    const r = await fetch(new URL(`${encodeURIComponent(key)}/${Math.round(tS)}.mark`, MARKS_DIR));
    return r.ok ? await r.arrayBuffer() : null;
  } catch {
    return null;
  }
}
