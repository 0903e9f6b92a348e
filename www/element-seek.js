// Going to a moment, for the <supernode-sim> element (element.js): a seek (a link's `t`, the
// timeline, the chart, `seek()`), which first fetches the mark shipped with the page before that
// moment if the runs would take one (marks.js; Rust decides, `marks::wanted`), then has the runs
// replay to it in slices while the progress line says how far they are; and a drag's preview,
// the saved mark nearest before the pointer, no replay, fetching shipped marks for stretches not
// computed yet. The element owns the frame loop: it asks this for what the next request carries
// (`takePreview`, `target`) and hands it the answers (`answered`).

import { formatClock } from './chart.js';
import { marksIndex, fetchMark } from './marks.js';

/** One instance's seeks and previews. See the file's comment. */
export class Seeker {
  /** The time a replay is catching up to (null: none). */
  target = null;
  /** Simulated time the current replay started from (for its progress). */
  from = 0;
  /** A drag's preview for the next request (null: none). */
  previewT = null;
  /** The time a drag last previewed (null once a seek follows, or the drag was cancelled). */
  #dragT = null;
  /** Seeks asked for so far: a later one supersedes an earlier one still fetching its mark. */
  #seq = 0;
  /** A preview is fetching a shipped mark; the time it should fetch next. */
  #fetching = false;
  #wanted = null;

  /**
   * @param {{runs: () => any, a: () => any, b: () => any, progress: HTMLElement, kick: () => void,
   *   track: (p: Promise<any>) => void, restart: (t: number) => Promise<any>}} host the element:
   *   its runs (the client, run A's and B's mirrors), its progress line, a request for the next
   *   frame, a promise to wait on in `settled()`, and starting the run again and seeking to `t`
   */
  constructor(host) {
    this.host = host;
  }

  /** Goes to simulated time `t` (checked already): from the latest mark at or before it (a
   * shipped one fetched first, if worth it), then forward by replaying. */
  seek(t) {
    const { host } = this;
    this.previewT = null;
    this.#dragT = null;
    this.#wanted = null;
    const seq = ++this.#seq;
    // Until a shipped mark (if one is worth fetching) is in, the runs are not asked to replay.
    this.target = null;
    const current = () => seq === this.#seq && !!host.runs();
    // A mark that cannot be had (the runs closed meanwhile, an error in them) leaves the seek to
    // compute its way, as without marks.
    host.track(this.#shippedMark(t, current, true).catch(() => {}).then(() => {
      if (!current()) return null;
      this.target = t;
      this.from = host.a() ? host.a().time_s() : 0;
      host.kick();
      return host.runs().request({ type: 'seek', t }).then((r) => {
        this.from = this.#at();
        if (r.behind) {
          // A mark always exists at or before any time: a bug if it happens (the run's saved
          // marks are then lost). Said where a developer looks, and the run starts again.
          console.warn(`supernode-sim: no saved mark restored for t=${t}; the run starts again from 0`);
          return host.restart(t);
        }
        return null;
      });
    }));
    host.kick();
  }

  /** A drag on the timeline or the chart is at `t`: the next request shows the saved mark
   * nearest before it, and a shipped mark is fetched if the run has not computed that stretch. */
  preview(t) {
    this.previewT = t;
    this.#dragT = t;
    this.host.kick();
    this.#previewMark(t);
  }

  /** A drag ended without a seek (its pointer was cancelled). */
  endDrag() {
    this.#dragT = null;
    this.#wanted = null;
  }

  /** A new run: whatever was under way was for the one before. */
  reset() {
    this.target = null;
    this.#seq++;
    this.previewT = null;
    this.endDrag();
  }

  /** The preview the next request carries, if any (a preview ends a replay under way). */
  takePreview() {
    const t = this.previewT;
    if (t === null) return null;
    this.previewT = null;
    this.target = null;
    this.host.progress.hidden = true;
    return t;
  }

  /** The answer to a request that replayed towards `target`: done (the progress line goes), or
   * how far it is. */
  answered(target, caughtUp) {
    const { progress } = this.host;
    if (caughtUp) {
      if (this.target === target) this.target = null;
      progress.hidden = this.target === null;
    } else if (this.target !== null) {
      const done = target > this.from ? (this.#at() - this.from) / (target - this.from) : 1;
      progress.hidden = false;
      progress.textContent = `Replaying to ${formatClock(target, this.host.a().trigger_s())}… ${Math.floor(100 * done)}%`;
    }
  }

  /** Where the runs stand (the one behind, when comparing). */
  #at() {
    const b = this.host.b();
    return Math.min(this.host.a().time_s(), b ? b.time_s() : Infinity);
  }

  /** Fetches the shipped mark before `t` if run A would take one (pkg/marks/: the incident
   * scenarios' default runs saved every simulated hour) and hands it to the runs. Resolves to
   * whether the runs took it: false at once when there is none worth fetching, or when
   * `current()` says it is no longer wanted; a mark that cannot be had changes nothing. `say`:
   * show the loading in the progress line (a seek waits on it; a preview does not). */
  async #shippedMark(t, current, say) {
    const { host } = this;
    const index = await marksIndex();
    if (!index || !current()) return false;
    const { t: at, key } = await host.runs().request({ type: 'wanted', index, t });
    if (!(at >= 0) || !current()) return false;
    if (say) {
      host.progress.hidden = false;
      host.progress.textContent = `Loading the run at ${formatClock(at, host.a().trigger_s())}…`;
    }
    const bytes = await fetchMark(key, at);
    if (!bytes || !current()) return false;
    // A mark that does not read (a damaged file) is refused in Rust; the seek then computes.
    return host.runs().request({ type: 'adopt', bytes }, [bytes]).then((r) => !!r?.adopted, () => false);
  }

  /** While a drag previews a time the run has not computed yet (the hours before a link's moment,
   * until the idle worker has filled them in), fetches the shipped mark before it, one at a time,
   * the latest asked for next; once taken, the preview shows it. Without this the preview would
   * show the nearest computed mark, perhaps the run's start. */
  async #previewMark(t) {
    this.#wanted = t;
    if (this.#fetching) return;
    this.#fetching = true;
    const runs = this.host.runs();
    const same = () => this.host.runs() === runs;
    try {
      while (this.#wanted !== null && same()) {
        const next = this.#wanted;
        this.#wanted = null;
        const took = await this.#shippedMark(next, same, false).catch(() => false);
        // Still dragging (no seek since): show the mark just taken.
        if (took && same() && this.target === null && this.#dragT !== null) {
          this.previewT = this.#dragT;
          this.host.kick();
        }
      }
    } finally {
      this.#fetching = false;
    }
  }
}
