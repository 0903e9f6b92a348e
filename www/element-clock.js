// The element's clock: real time on the page becomes ticks (simulated seconds) asked of the runs,
// at the speed the reader chose, easing into slow motion around the cascade's bursts; and the
// speed the runs actually held, measured from their answers. Plain arithmetic, no DOM: the element
// (element.js) reads the real time, sends the requests and shows the words; tests/unit checks
// this file in Node.

/** Most real time the clock owes the runs (s): after a stall, it does not try to catch up more. */
export const MAX_OWED_S = 0.25;
/** Slow motion: the speed the clock eases to around a burst of the cascade (a simulated minute
 * per real second), from `SLOW_LEAD_S` before a burst to `SLOW_AFTER_S` after it, easing over
 * about `SLOW_EASE_S` of real time. Bursts are the events the model marks so (first failsafes,
 * supernodes lost, clients online falling). */
export const SLOW_SPEED = 60;
export const SLOW_LEAD_S = 120;
export const SLOW_AFTER_S = 600;
export const SLOW_EASE_S = 0.5;
/** Below this share of the speed it runs at, the clock says the runs are slower than asked. */
const SLOWED_BELOW = 0.8;
/** How much of the measured rate each answer keeps (a ratio of decaying sums). */
const RATE_DECAY = 0.95;

/** One instance's clock. See the file's comment. */
export class Clock {
  /** Simulated seconds per real second asked for. */
  speed = 0;
  /** Whether the clock eases to slow motion around bursts. */
  slowMotion = true;
  /** Simulated times of the bursts computed so far on this branch. */
  bursts = [];
  /** The speed the clock runs at now, easing towards `speed` or slow motion. */
  effSpeed = 0;
  /** Ticks the runs held per real second, measured over the last answers (0: not yet known). */
  simRate = 0;
  /** A fraction of a tick owed from earlier requests. */
  #carry = 0;
  /** When real time was last read (ms; 0: start counting afresh). */
  #lastMs = 0;
  /** Real time owed to the runs since the last request (s). */
  #owedS = 0;
  #rateTicks = 0;
  #rateS = 0;

  /** Whether slow motion applies at simulated time `tS`: on, slower than asked, near a burst. */
  slowAt(tS) {
    if (!this.slowMotion || this.speed <= SLOW_SPEED) return false;
    return this.bursts.some((b) => tS >= b - SLOW_LEAD_S && tS <= b + SLOW_AFTER_S);
  }

  /** The speed the clock eases towards at `tS`. */
  wantAt(tS) {
    return this.slowAt(tS) ? Math.min(SLOW_SPEED, this.speed) : this.speed;
  }

  /** Playing starts at `tS`: at the speed wanted there at once, real time counted from now, the
   * measured rate forgotten. */
  start(tS) {
    this.effSpeed = this.wantAt(tS);
    this.#lastMs = 0;
    this.#rateTicks = 0;
    this.#rateS = 0;
    this.simRate = 0;
  }

  /** Real time stops counting until the next request (the instance went off-screen or its tab
   * was hidden): it resumes where it was, without catching up. */
  pauseCounting() {
    this.#lastMs = 0;
  }

  /** A new run: nothing is owed. */
  clear() {
    this.#carry = 0;
    this.#owedS = 0;
  }

  /** Real time owed to the runs at `nowMs` (a `performance.now()`), in seconds, at most
   * `MAX_OWED_S`; taken, so the next call counts from here. */
  takeOwed(nowMs) {
    const dt = this.#lastMs ? Math.min((nowMs - this.#lastMs) / 1000, MAX_OWED_S) : 0;
    this.#lastMs = nowMs;
    const owed = Math.min(this.#owedS + dt, MAX_OWED_S);
    this.#owedS = 0;
    return owed;
  }

  /** Whole ticks to ask for `dtS` real seconds of playing at simulated time `tS`, at most
   * `maxTicks`: the speed eases towards the one wanted there, and fractions carry over. */
  ticks(dtS, tS, maxTicks = Infinity) {
    const want = this.wantAt(tS);
    if (dtS > 0) this.effSpeed += (want - this.effSpeed) * (1 - Math.exp(-dtS / SLOW_EASE_S));
    if (Math.abs(this.effSpeed - want) < 0.5) this.effSpeed = want;
    this.#carry += this.effSpeed * dtS;
    const asked = Math.floor(this.#carry);
    this.#carry -= asked;
    return Math.min(asked, maxTicks);
  }

  /** The runs answered a request for `asked` ticks over `dtS` real seconds having run `ran`:
   * the measured rate follows, and what they could not do is dropped (the clock runs slower
   * instead of piling up a debt). Returns whether they were behind. */
  answered(asked, ran, dtS) {
    if (dtS > 0) {
      this.#rateTicks = RATE_DECAY * this.#rateTicks + ran;
      this.#rateS = RATE_DECAY * this.#rateS + dtS;
      this.simRate = this.#rateTicks / this.#rateS;
    }
    const behind = ran < asked;
    if (behind) this.#carry = 0;
    return behind;
  }

  /** What the clock says about its speed while playing at `tS` (after the speed's label): slow
   * motion, slowed by the model, or nothing. */
  note(tS) {
    if (this.slowAt(tS)) return ' · slow motion through the cascade (1 min/s)';
    if (this.simRate > 0 && this.simRate < SLOWED_BELOW * this.effSpeed) {
      return ` (slowed to ${Math.round((100 * this.simRate) / this.speed)}%: as fast as this computer runs the model)`;
    }
    return '';
  }
}
