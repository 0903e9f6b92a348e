// Types of the <supernode-sim> custom element (www/supernode-sim.js): its attributes, methods,
// properties and events. Importing the module defines the element:
//
//   import 'supernode-sim';
//   const el = document.querySelector('supernode-sim')!;
//   await el.ready;
//   el.seek(3600 + 2 * 3600);
//   el.addEventListener('narration', (e) => console.log(e.detail.label, e.detail.text));

/** Service availabilities in the latest simulated minute, each a share from 0 to 1. */
export interface SupernodeSimAvailability {
  login: number;
  messaging: number;
  presence: number;
  contacts: number;
  web: number;
  offline_im: number;
  group_video: number;
}

/** What `snapshot()` returns: the run's identity and its latest figures. */
export interface SupernodeSimSnapshot {
  scenario: string;
  seed: number;
  playing: boolean;
  /** Simulated seconds per real second. */
  speed: number;
  /** Hash of the series so far: the same scenario, parameters, actions and seed give the same. */
  hash: string;
  /** Parameters that differ from the scenario's, by dotted key. */
  overrides: Record<string, string | number | boolean>;
  /** Where the runs compute (see `runsIn`). */
  runs_in: 'worker' | 'page';
  /** How the picture is looked at: zoom (1 = the whole overlay), grouped by state or on the map,
   * whether each client is drawn, whom the reader follows (a supernode `'31204'` or a client
   * `'31204.17'`; null: nobody) and its story's lines. */
  picture: { zoom: number; by_state: boolean; clients_shown: boolean; following: string | null; story: string[] };
  /** Simulated time, in seconds from the start. */
  t_s: number;
  /** When the trigger fires, in simulated seconds (the reference of "T+h:mm"). */
  trigger_s: number;
  clients_online: number;
  clients_total: number;
  clients_retrying: number;
  clients_crashed: number;
  clients_away: number;
  supernodes_promoted: number;
  supernodes_up: number;
  supernodes_crashed: number;
  supernodes_shut_down: number;
  supernodes_overloaded: number;
  mega_up: number;
  peers: number;
  connect_attempts_per_s: number;
  logins_per_s: number;
  /** Mean load on a serving supernode relative to the moment of the trigger. */
  sn_load_ratio: number;
  lookup_success: number;
  availability: SupernodeSimAvailability;
  retry_policy: string;
  /** Samples in the series (one per simulated minute). */
  samples: number;
  /** Narration events so far. */
  events: number;
  /** Present after a branch (an action after going back): when it parted from the run as it
   * happened, and, once it has run a simulated minute, how it differs from it to `upto_s`, in
   * the words the A/B view uses. */
  branch?: { from_s: number; upto_s?: number; words?: string };
  /** Present during an A/B comparison. */
  compare?: {
    key: string;
    a: string;
    b: string;
    b_stats: Omit<SupernodeSimSnapshot, 'scenario' | 'seed' | 'playing' | 'speed' | 'hash' | 'overrides' | 'compare' | 'branch'>;
    b_hash: string;
    words: string;
  };
}

/** `detail` of the `statechange` event. */
export interface SupernodeSimStateDetail {
  playing: boolean;
  scenario: string;
  seed: number;
  speed: number;
  t_s: number;
}

/** `detail` of the `tick` event (at most once per frame, when simulated time moved). */
export interface SupernodeSimTickDetail {
  t_s: number;
}

/** `detail` of the `narration` event: one moment of the run, as the log shows it. */
export interface SupernodeSimNarrationDetail {
  t_s: number;
  /** What kind of moment, e.g. `trigger-start`, `sn-lost`, `first-failsafe`, `recovered`. */
  kind: string;
  text: string;
  /** The time as the page shows it, e.g. `T+2:40`. */
  label: string;
}

export interface SupernodeSimEventMap extends HTMLElementEventMap {
  statechange: CustomEvent<SupernodeSimStateDetail>;
  tick: CustomEvent<SupernodeSimTickDetail>;
  narration: CustomEvent<SupernodeSimNarrationDetail>;
}

/** The element. Attributes (observed live): `scenario`, `seed`, `speed` (simulated seconds per
 * real second), `time` (simulated seconds to go to), `autoplay` (`on` | `off`; alone means on),
 * `controls` (`full` | `minimal` | `none`), `params` (JSON of overrides by dotted key), `scale` (a fraction of the scenario's size, servers included), `height`,
 * `actions` (JSON of what a user did, from a shared link), `keyboard` (`local` | `global`:
 * shortcuts work anywhere on the page), `slow-motion` (`on` | `off`: ease to a simulated minute
 * per second around the cascade's bursts; on by default), `theme` (`auto` | `light` | `dark`:
 * auto follows what the host page's root element says: `data-theme`, a `dark`/`light` class,
 * mdBook's theme classes or a single `color-scheme`; else the reader's system), `loading`
 * (`lazy` | `eager`: fetch the code when the element nears the viewport, or at once), `reveal`
 * (`auto` | `interaction`: then start by itself, or keep the poster until the reader clicks it),
 * `poster` (the still shown until it starts; default: the scenario's, drawn by `make pkg`),
 * `follow` (whom to follow from the start: a supernode's index, `31204`, or a client's place,
 * `31204.17`; its story is told under the picture),
 * `view` (`map` | `states`: the supernodes on the map, or grouped by state with their counts).
 * Until it starts, the element is a poster with a play button, and its methods wait for its code
 * (calling one starts it). Every value is checked by one
 * description of the inputs (`supernode-sim inputs` lists it); a bad one shows a message naming
 * the field, the value and what is allowed, and the default is used. */
export declare class SupernodeSimElement extends HTMLElement {
  static observedAttributes: string[];
  /** Settles with the element once it has started (see `loading`, `reveal`) and its first run is
   * built; rejects if it could not start. Reading it does not start the element. */
  readonly ready: Promise<SupernodeSimElement>;
  /** Starts the element now if it still shows its poster (fetching its code); settles as `ready`. */
  reveal(): Promise<SupernodeSimElement>;
  /** Frames drawn so far. */
  readonly framesDrawn: number;
  /** Where the runs compute: `'worker'` (a Web Worker: the page's thread only draws) or
   * `'page'` (where no worker could start; the element says why), null before they start. */
  readonly runsIn: 'worker' | 'page' | null;
  /** Bytes of WebAssembly memory this instance's runs use (for benchmarks). */
  readonly memoryBytes: number;
  /** Settles once the element has done everything asked of it so far (a run built, a seek
   * sent, parameters set, a click answered): `snapshot()` then shows their effect. */
  settled(): Promise<void>;
  /** When the first frame was drawn (`performance.now()`), once it was. */
  firstFrameMs?: number;
  /** Starts or resumes the simulation. */
  play(): void;
  /** Pauses it. */
  pause(): void;
  /** Starts the scenario again from time 0 with the same seed and parameters. */
  reset(): void;
  /** Goes to simulated time `t_s` (0 to 2,592,000 seconds); throws a RangeError outside it, and
   * an Error before `ready`. */
  seek(t_s: number): void;
  /** Changes parameters (dotted keys, or nested as the CLI's `params` prints). Every key and
   * value is checked before any applies; throws on a bad one, naming the key and what is
   * allowed (keys such as `__proto__` are unknown keys like any other). The runs apply the
   * change in order; the promise settles when they have (and rejects if they refuse a value). */
  setParams(params: Record<string, unknown>): Promise<void>;
  /** The run's identity and latest figures, or null before the module loaded. */
  snapshot(): SupernodeSimSnapshot | null;
  /** Starts an A/B comparison: two runs from the same seed differing in `key`. */
  compare(key: string, a: string | number, b: string | number): Promise<void>;
  /** Ends an A/B comparison, keeping run A. */
  stopCompare(): void;
  /** Follows a supernode (its index, `31204`) or a client (its place, `'31204.17'`: slot 17 of
   * supernode 31204); `null`, -1 or `''` stops. Its story, in simulated time, is told under the
   * picture, it stays ringed at any zoom, and a copied link carries it. Rejects with what is
   * allowed if the target is no supernode or client of the run. */
  follow(target: number | string | null): Promise<void>;
  /** Groups the supernodes by state (they glide into labelled columns whose heights compare as
   * the counts), or puts them back on the map. */
  setByState(on: boolean): void;
  /** A link that reproduces this run at its current time (actions included). */
  shareLink(base?: string | URL): string | null;
  /** HTML that shows this run in another page: an iframe, or the element itself. */
  embedCode(): { iframe: string; element: string } | null;
  /** A PNG of the picture(s) and the chart. */
  exportPng(): Promise<Blob>;
  /** The series so far as CSV text (once the element has settled). */
  exportCsv(): Promise<string>;
  /** The run so far as the command-line tool's JSON text (once the element has settled). */
  exportJson(): Promise<string>;
  /** Records `seconds` of the animation as a WebM video. */
  recordClip(seconds?: number): Promise<Blob>;
  /** The page thread's time per frame (ms) of the latest frames, for benchmarks (in a worker,
   * the stepping and drawing are not on the page's thread). */
  perfSamples(): number[];

  addEventListener<K extends keyof SupernodeSimEventMap>(type: K, listener: (this: SupernodeSimElement, ev: SupernodeSimEventMap[K]) => unknown, options?: boolean | AddEventListenerOptions): void;
  addEventListener(type: string, listener: EventListenerOrEventListenerObject, options?: boolean | AddEventListenerOptions): void;
  removeEventListener<K extends keyof SupernodeSimEventMap>(type: K, listener: (this: SupernodeSimElement, ev: SupernodeSimEventMap[K]) => unknown, options?: boolean | EventListenerOptions): void;
  removeEventListener(type: string, listener: EventListenerOrEventListenerObject, options?: boolean | EventListenerOptions): void;
}

/** What a page URL's query asks for, read by the same description of the inputs:
 * `attributes` for a `<supernode-sim>` (which checks each value), and `errors` about the URL
 * itself (parameters the page does not know; values not allowed for an attribute `element`
 * already has, which keeps its own). Loads the WebAssembly module. */
export declare function readQuery(search: string, element?: Element | null): Promise<{ attributes: [string, string][]; errors: string[] }>;

/** Loads the WebAssembly module every instance shares (once). */
export declare function loadWasm(): Promise<unknown>;

declare global {
  interface HTMLElementTagNameMap {
    'supernode-sim': SupernodeSimElement;
  }
}
