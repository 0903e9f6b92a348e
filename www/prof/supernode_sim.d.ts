/* tslint:disable */
/* eslint-disable */

/**
 * One running simulation, its frame buffer, and what the user did to it.
 */
export class Sim {
    free(): void;
    [Symbol.dispose](): void;
    /**
     * The supernodes crashed or restored by hand, as JSON `[[t_s, index, crashed], ...]`.
     */
    actions(): string;
    /**
     * A series column from sample `from` on, as a `Float64Array`.
     */
    column(name: string, from: number): Float64Array;
    /**
     * The series so far as CSV text with a header row.
     */
    csv(): string;
    /**
     * Draws the network into the frame and puts it on `ctx` with one `putImageData`.
     */
    draw(ctx: CanvasRenderingContext2D, dt_real_s: number, particles: boolean, running: boolean): void;
    /**
     * Number of narration events so far.
     */
    event_count(): number;
    /**
     * Narration events from number `from` on, as JSON `[{t_s, kind, text}, ...]`.
     */
    events(from: number): string;
    /**
     * The hex digest of the series so far (equal to the CLI's for the same run).
     */
    hash(): string;
    /**
     * The supernode under a point of the canvas (device pixels), or -1.
     */
    hit(x: number, y: number): number;
    /**
     * An intervention now: `megas` (deploy mega-supernodes), `fix` (push the fixed version),
     * `rollback` (end the trigger), `rebalance` (add service capacity), `admission` (rate-limit
     * sign-ins), `repurpose` (repurposed servers as supernodes). Returns what was done.
     */
    intervene(what: string): string;
    /**
     * The run so far as the CLI's JSON object.
     */
    json(): string;
    /**
     * A simulation of `scenario` with `seed` and parameter overrides (JSON, full or partial;
     * empty for none). The error names the field and what is allowed.
     */
    constructor(scenario: string, seed: number, overrides_json: string);
    /**
     * Only the parameters that differ from the scenario's, as JSON (what a URL needs).
     */
    overrides(): string;
    /**
     * The parameters in force (or waiting for a restart), as JSON.
     */
    params(): string;
    /**
     * Sets the frame size in device pixels and the device pixel ratio.
     */
    resize(width: number, height: number, dpr: number): void;
    /**
     * Runs to simulated time `t_s` (used to reproduce a shared run at its time).
     */
    run_until(t_s: number): void;
    /**
     * Number of samples (one per simulated minute) so far.
     */
    sample_count(): number;
    /**
     * The scenario's name.
     */
    scenario(): string;
    /**
     * The seed.
     */
    seed(): number;
    /**
     * Sets the colours: ten `0xRRGGBB` numbers (background, up, overloaded, shut down, crashed,
     * mega, halo, link, attempt ok, attempt failed).
     */
    set_palette(colours: Uint32Array): void;
    /**
     * Sets one parameter from text. Returns `true` if it took effect now, `false` if it changes
     * the network's makeup and needs a restart (then `params()` holds the new set). The error
     * names the field and its allowed range.
     */
    set_param(key: string, value: string): boolean;
    /**
     * The latest figures as JSON: time, clients, supernodes by state, attempts, load ratio,
     * availabilities.
     */
    stats(): string;
    /**
     * Advances by up to `ticks` simulated seconds (stopping at 720 h); returns how many ran.
     */
    step(ticks: number): number;
    /**
     * The summary so far, as JSON.
     */
    summary(): string;
    /**
     * A supernode's state as JSON: index, kind, state, clients, max_clients, capacity_per_s,
     * load_per_s, x and y (device pixels).
     */
    supernode(i: number): string;
    /**
     * Simulated time, in seconds.
     */
    time_s(): number;
    /**
     * Crashes supernode `i` if it serves, or restores it if it is down. Returns "crashed",
     * "restored" or "" (nothing to do).
     */
    toggle(i: number): string;
    /**
     * When the trigger fires, in seconds (the reference of "T+h:mm").
     */
    trigger_s(): number;
}

/**
 * Checks one parameter value given as text (as a URL or an attribute gives it) against a
 * scenario's parameters, returning the message naming the field and its range if it is wrong.
 */
export function check_param(scenario: string, key: string, value: string): void;

/**
 * Checks parameter overrides (JSON, nested or with dotted keys) against a scenario, returning
 * the message naming the first wrong field and its allowed range.
 */
export function check_params(scenario: string, overrides_json: string): void;

/**
 * Every parameter as JSON: key, unit, doc, and its type and range (for sliders and forms).
 */
export function fields_json(): string;

/**
 * Runs a scenario headless to `hours` and returns the hash of its series: the same number the
 * CLI prints for the same scenario, parameters and seed.
 */
export function run_hash(scenario: string, seed: number, overrides_json: string, hours: number): string;

/**
 * Every scenario, as JSON: name, title, summary, source, default_hours.
 */
export function scenarios_json(): string;

/**
 * Installs the panic hook so a Rust panic reaches the console with its message (the page
 * shows it in its error panel).
 */
export function start(): void;

export type InitInput = RequestInfo | URL | Response | BufferSource | WebAssembly.Module;

export interface InitOutput {
    readonly memory: WebAssembly.Memory;
    readonly __wbg_sim_free: (a: number, b: number) => void;
    readonly check_param: (a: number, b: number, c: number, d: number, e: number, f: number) => [number, number];
    readonly check_params: (a: number, b: number, c: number, d: number) => [number, number];
    readonly fields_json: () => [number, number];
    readonly run_hash: (a: number, b: number, c: number, d: number, e: number, f: number) => [number, number, number, number];
    readonly scenarios_json: () => [number, number];
    readonly sim_actions: (a: number) => [number, number];
    readonly sim_column: (a: number, b: number, c: number, d: number) => [number, number, number, number];
    readonly sim_csv: (a: number) => [number, number];
    readonly sim_draw: (a: number, b: any, c: number, d: number, e: number) => [number, number];
    readonly sim_event_count: (a: number) => number;
    readonly sim_events: (a: number, b: number) => [number, number];
    readonly sim_hash: (a: number) => [number, number];
    readonly sim_hit: (a: number, b: number, c: number) => number;
    readonly sim_intervene: (a: number, b: number, c: number) => [number, number, number, number];
    readonly sim_json: (a: number) => [number, number];
    readonly sim_new: (a: number, b: number, c: number, d: number, e: number) => [number, number, number];
    readonly sim_overrides: (a: number) => [number, number];
    readonly sim_params: (a: number) => [number, number];
    readonly sim_resize: (a: number, b: number, c: number, d: number) => void;
    readonly sim_run_until: (a: number, b: number) => void;
    readonly sim_sample_count: (a: number) => number;
    readonly sim_scenario: (a: number) => [number, number];
    readonly sim_seed: (a: number) => number;
    readonly sim_set_palette: (a: number, b: number, c: number) => [number, number];
    readonly sim_set_param: (a: number, b: number, c: number, d: number, e: number) => [number, number, number];
    readonly sim_stats: (a: number) => [number, number];
    readonly sim_step: (a: number, b: number) => number;
    readonly sim_summary: (a: number) => [number, number];
    readonly sim_supernode: (a: number, b: number) => [number, number];
    readonly sim_time_s: (a: number) => number;
    readonly sim_toggle: (a: number, b: number) => [number, number];
    readonly sim_trigger_s: (a: number) => number;
    readonly start: () => void;
    readonly __wbindgen_free: (a: number, b: number, c: number) => void;
    readonly __wbindgen_exn_store: (a: number) => void;
    readonly __externref_table_alloc: () => number;
    readonly __wbindgen_externrefs: WebAssembly.Table;
    readonly __wbindgen_malloc: (a: number, b: number) => number;
    readonly __wbindgen_realloc: (a: number, b: number, c: number, d: number) => number;
    readonly __externref_table_dealloc: (a: number) => void;
    readonly __wbindgen_start: () => void;
}

export type SyncInitInput = BufferSource | WebAssembly.Module;

/**
 * Instantiates the given `module`, which can either be bytes or
 * a precompiled `WebAssembly.Module`.
 *
 * @param {{ module: SyncInitInput }} module - Passing `SyncInitInput` directly is deprecated.
 *
 * @returns {InitOutput}
 */
export function initSync(module: { module: SyncInitInput } | SyncInitInput): InitOutput;

/**
 * If `module_or_path` is {RequestInfo} or {URL}, makes a request and
 * for everything else, calls `WebAssembly.instantiate` directly.
 *
 * @param {{ module_or_path: InitInput | Promise<InitInput> }} module_or_path - Passing `InitInput` directly is deprecated.
 *
 * @returns {Promise<InitOutput>}
 */
export default function __wbg_init (module_or_path?: { module_or_path: InitInput | Promise<InitInput> } | InitInput | Promise<InitInput>): Promise<InitOutput>;
