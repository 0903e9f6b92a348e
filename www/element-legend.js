// Where the <supernode-sim> element's legend goes (element.js): in the picture's top-left corner
// unless there it would cover the disc the renderer draws (a picture wider than tall: one column,
// an embed, no side column); then under the picture, or, in an element without the side column
// (`controls="none"` or `"minimal"`: an embed of a set height, as tall as its poster), folded
// away. A reader who opens or closes it decides from then on. The geometry is `coversDisc`, a
// pure function; the picture's margin comes from Rust (`render::MARGIN_PX`, in `limits_json`).

/** Of the disc's radius, how much the legend may overlap its rim (CSS px): its rounded edge over
 * the rim is not covering the picture. */
export const RIM_TOLERANCE_PX = 12;

/**
 * Whether a legend at `box` (relative to the picture, CSS px) covers the disc the renderer fits
 * in a picture `width` × `height` (`Frame::fit`: the largest square within its margins,
 * centred): whether the disc, less `RIM_TOLERANCE_PX` of its radius, meets the box.
 * @param {{x0: number, y0: number, x1: number, y1: number}} box
 * @param {number} width
 * @param {number} height
 * @param {number} marginPx the picture's margin around the disc
 */
export function coversDisc(box, width, height, marginPx) {
  const rad = (Math.min(width, height) - 2 * marginPx) / 2 - RIM_TOLERANCE_PX;
  if (rad <= 0) return false;
  const [cx, cy] = [width / 2, height / 2];
  const nx = Math.min(Math.max(cx, box.x0), box.x1);
  const ny = Math.min(Math.max(cy, box.y0), box.y1);
  return (cx - nx) ** 2 + (cy - ny) ** 2 < rad * rad;
}

/** One element's legend and where it sits. See the file's comment. */
export class LegendPlacer {
  /** Where the legend is, open in its corner, relative to the picture (CSS px). */
  #box = null;
  /** Whether this folded the legend (and so may open it again). */
  #folded = false;
  /** Whether the reader has opened or closed it (then it stays as they left it). */
  #chosen = false;

  /** @param {{stage: HTMLElement, legend: HTMLDetailsElement, canvas: HTMLCanvasElement}} els */
  constructor({ stage, legend, canvas }) {
    this.els = { stage, legend, canvas };
    legend.querySelector('summary').addEventListener('click', () => {
      this.#chosen = true;
      this.#folded = false;
    });
  }

  /** Puts the legend in its corner, under the picture, or folded (see the file's comment).
   * `marginPx`: the picture's margin around the disc; `compact`: the element has no side column. */
  place({ marginPx, compact }) {
    const { stage, legend, canvas } = this.els;
    const below = stage.classList.contains('legend-below');
    const pic = canvas.getBoundingClientRect();
    if (!below && !this.#folded) {
      if (getComputedStyle(legend).position !== 'absolute') return;
      if (legend.open) {
        const r = legend.getBoundingClientRect();
        this.#box = { x0: r.left - pic.left, y0: r.top - pic.top, x1: r.right - pic.left, y1: r.bottom - pic.top };
      }
    }
    if (!this.#box) return;
    // The picture as it would be with the legend in its corner: as tall as the stage's least
    // height (the picture's, or the side column's in two columns) while the legend is below.
    const h = below ? parseFloat(getComputedStyle(stage).minHeight) || pic.height : pic.height;
    const covers = coversDisc(this.#box, pic.width, h, marginPx);
    const fold = covers && compact;
    if (this.#chosen) {
      // The reader's choice stands.
    } else if (fold && !this.#folded && legend.open) {
      this.#folded = true;
      legend.open = false;
    } else if (!fold && this.#folded) {
      this.#folded = false;
      if (!legend.open) legend.open = true;
    }
    const moveBelow = covers && !compact;
    if (moveBelow !== below) stage.classList.toggle('legend-below', moveBelow);
  }
}
