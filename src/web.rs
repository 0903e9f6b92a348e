//! WebAssembly glue: a handle over the same model the CLI runs (no second model), the frame
//! renderer, and JSON/typed-array read-outs for the page. Compiled only for wasm32.
//!
//! JS owns the DOM and `requestAnimationFrame`; per frame it calls [`Sim::step`] once and
//! [`Sim::draw`] once. Everything crosses the boundary in bulk: one `putImageData` per frame,
//! whole series columns as `Float64Array`s, JSON strings for the rest.

use serde_json::{json, Value};
use wasm_bindgen::prelude::*;
use wasm_bindgen::Clamped;
use web_sys::{CanvasRenderingContext2d, ImageData};

use crate::actions::{self, Intervention, Session, Toggled};
use crate::follow::{Followed, Place, Target};
use crate::history::{History, DEFAULT_BUDGET_BYTES};
use crate::inputs;
use crate::model::params::{field_spec, FieldKind, Params, FIELDS};
use crate::model::{SnState, COLUMNS};
use crate::render::{DrawOptions, Frame, Palette, View};
use crate::run;
use crate::scenarios::{self, Scenario};

/// Installs the panic hook so a Rust panic reaches the console with its message (the page
/// shows it in its error panel).
#[wasm_bindgen(start)]
pub fn start() {
    console_error_panic_hook::set_once();
}

fn js_err(e: impl std::fmt::Display) -> JsError {
    JsError::new(&e.to_string())
}

/// Checks a seed given as a JS number, through the seed's one description.
fn seed_from(seed: f64) -> Result<u64, JsError> {
    let text = if seed.is_finite() && seed == libm::trunc(seed) && seed.abs() < 1e300 { format!("{seed:.0}") } else { format!("{seed}") };
    match inputs::check("seed", &text, "") {
        Ok(inputs::Checked::Whole(n)) => Ok(n),
        Ok(_) => Err(js_err("seed: internal: not a whole number")),
        Err(e) => Err(js_err(e)),
    }
}

/// Every input the page, the element and the CLI take, as JSON (see `inputs::INPUTS`): name,
/// url, attribute, api, cli, allowed (in words), kind (the range as data), default, doc.
#[wasm_bindgen]
pub fn inputs_json() -> String {
    inputs::inputs_json().to_string()
}

/// The limits the page's clock and seeks use, as JSON `{max_time_s, max_speed, default_speed,
/// speeds: [{v, label}]}`.
#[wasm_bindgen]
pub fn limits_json() -> String {
    inputs::limits_json().to_string()
}

/// The clock speed `steps` places along the speed menu from `current` (see
/// `inputs::nudge_speed`): what the element's + and − keys choose.
#[wasm_bindgen]
pub fn nudge_speed(current: f64, steps: i32) -> f64 {
    inputs::nudge_speed(current, steps)
}

/// The page's parameter controls and A/B keys, as JSON `{sliders: [{key, label, min, max, step,
/// display, tip}], ab_keys}` (see `controls::SLIDERS`).
#[wasm_bindgen]
pub fn controls_json() -> String {
    crate::controls::controls_json().to_string()
}

/// Checks one input given as text (an attribute, a URL parameter or an API argument) through
/// its one description. Returns JSON: `{"value": …}` when it is allowed, else `{"error": …,
/// "message": …}`: the error names the field, the value and what is allowed; the message adds
/// what the page uses instead. Parameters and actions are checked against `scenario`.
#[wasm_bindgen]
pub fn check_input(name: &str, text: &str, scenario: &str) -> String {
    match inputs::input(name) {
        None => {
            json!({"error": format!("{}: not an input", inputs::shown(name)), "message": format!("{}: not an input", inputs::shown(name))})
        }
        Some(i) => match i.check(text, scenario, None) {
            Ok(v) => json!({"value": v.to_json()}),
            Err(e) => json!({"error": e.to_string(), "message": i.rejected_message(&e)}),
        },
    }
    .to_string()
}

/// Reads a page URL's decoded parameters (JSON `[[name, value], ...]`, as `URLSearchParams`
/// gives them) into the element's attributes; `page_json` lists the attributes the page itself
/// gives the element (same shape), which a URL value that is not allowed does not replace. Returns JSON `{attributes: [[name, value], ...],
/// errors: [message, ...]}`; the element checks each attribute's value itself.
#[wasm_bindgen]
pub fn query_inputs(pairs_json: &str, page_json: &str) -> String {
    let pairs: Vec<(String, String)> = serde_json::from_str(pairs_json).unwrap_or_default();
    let page: Vec<(String, String)> = serde_json::from_str(page_json).unwrap_or_default();
    let q = inputs::read_query(&pairs, &page);
    json!({"attributes": q.attributes, "errors": q.errors.iter().map(|e| e.to_string()).collect::<Vec<_>>()}).to_string()
}

/// Checks parameter overrides (JSON text, as the `params` attribute gives it) key by key against
/// `scenario` at a fraction `scale` of its size (1 for full size; the `scale` attribute, already
/// checked): returns JSON `{overrides, errors}`, the allowed overrides (dotted keys, for `Sim`:
/// the scaled sizes and capacities, then the given keys on top) and a message for each dropped
/// key naming it, its value and what is allowed.
#[wasm_bindgen]
pub fn check_overrides(scenario: &str, text: &str, scale: f64) -> String {
    let Some(s) = scenarios::find(scenario) else { return json!({"overrides": "{}", "errors": []}).to_string() };
    let (p, errors) = run::overrides_at_scale(&s.params, scale, text);
    let msgs: Vec<String> = errors.iter().map(|e| format!("{e}. Using the scenario's value.")).collect();
    json!({"overrides": diff(&p, &s.params), "errors": msgs}).to_string()
}

/// Every scenario, as JSON: name, title, summary, source, default_hours.
#[wasm_bindgen]
pub fn scenarios_json() -> String {
    let list: Vec<Value> = scenarios::all()
        .iter()
        .map(|s| json!({"name": s.name, "title": s.title, "summary": s.summary, "source": s.source, "default_hours": s.default_hours}))
        .collect();
    Value::Array(list).to_string()
}

/// Every parameter as JSON: key, unit, doc, and its type and range (for sliders and forms).
#[wasm_bindgen]
pub fn fields_json() -> String {
    let list: Vec<Value> = FIELDS
        .iter()
        .map(|f| {
            let kind = match f.kind {
                FieldKind::Int { min, max } => json!({"type": "int", "min": min, "max": max}),
                FieldKind::Float { min, max } => json!({"type": "float", "min": min, "max": max}),
                FieldKind::Bool => json!({"type": "bool"}),
                FieldKind::Enum(names) => json!({"type": "enum", "options": names}),
            };
            json!({"key": f.key, "unit": f.unit, "doc": f.doc, "kind": kind, "allowed": f.kind.allowed()})
        })
        .collect();
    Value::Array(list).to_string()
}

/// Checks one parameter value given as text (as a URL or an attribute gives it) against a
/// scenario's parameters, returning the message naming the field and its range if it is wrong.
#[wasm_bindgen]
pub fn check_param(scenario: &str, key: &str, value: &str) -> Result<(), JsError> {
    let s = run::scenario(scenario).map_err(js_err)?;
    s.params.with_text(key, value).map(|_| ()).map_err(js_err)
}

/// Runs a scenario headless to `hours` and returns the hash of its series: the same number the
/// CLI prints for the same scenario, parameters and seed.
#[wasm_bindgen]
pub fn run_hash(scenario: &str, seed: f64, overrides_json: &str, hours: f64) -> Result<String, JsError> {
    let s = run::scenario(scenario).map_err(js_err)?;
    let p = params_with(&s, overrides_json)?;
    let r = run::run(&s, p, seed_from(seed)?, hours).map_err(js_err)?;
    Ok(r.world.series().hash_hex())
}

/// A scenario's published record as JSON `[{t_s, clients_online, when, text, source}, ...]`,
/// with `t_s` in simulated seconds (for chart markers); empty if it has none.
#[wasm_bindgen]
pub fn record_json(scenario: &str) -> String {
    let Some(s) = scenarios::find(scenario) else { return "[]".into() };
    let start = s.params.trigger.start_s;
    let list: Vec<Value> = s
        .record
        .iter()
        .map(|r| json!({"t_s": start + r.after_trigger_s, "clients_online": r.clients_online, "when": r.when, "text": r.text, "source": r.source}))
        .collect();
    Value::Array(list).to_string()
}

/// A scenario's suggested A/B comparison as JSON `{key, a, b}`, or `null`.
#[wasm_bindgen]
pub fn scenario_compare(scenario: &str) -> String {
    scenarios::find(scenario).and_then(|s| s.compare).map_or("null".into(), |c| json!({"key": c.key, "a": c.a, "b": c.b}).to_string())
}

/// The fields of `p` that differ from `base`, as a JSON object with dotted keys.
fn diff(p: &Params, base: &Params) -> String {
    let cur = p.to_json();
    let base = base.to_json();
    let mut out = serde_json::Map::new();
    for f in FIELDS {
        let a = f.key.split('.').try_fold(&cur, |v, k| v.get(k));
        let b = f.key.split('.').try_fold(&base, |v, k| v.get(k));
        if a != b {
            if let Some(a) = a {
                out.insert(f.key.to_string(), a.clone());
            }
        }
    }
    Value::Object(out).to_string()
}

fn params_with(s: &Scenario, overrides_json: &str) -> Result<Params, JsError> {
    if overrides_json.trim().is_empty() {
        return Ok(s.params.clone());
    }
    let v: Value = serde_json::from_str(overrides_json).map_err(|e| js_err(format!("params: not valid JSON ({e})")))?;
    s.params.merged(&v).map_err(js_err)
}

/// One running simulation (a [`Session`]: the world and what the user did to it) and its frame
/// buffer.
#[wasm_bindgen]
pub struct Sim {
    session: Session,
    /// Marks of the run, for going back (and forward again) without replaying from the start.
    history: History,
    frame: Frame,
    palette: Palette,
    /// The supernode or client followed, and its story so far.
    story: Option<Followed>,
}

#[wasm_bindgen]
impl Sim {
    /// A simulation of `scenario` with `seed` and parameter overrides (JSON, full or partial;
    /// empty for none). The error names the field and what is allowed.
    #[wasm_bindgen(constructor)]
    pub fn new(scenario: &str, seed: f64, overrides_json: &str) -> Result<Sim, JsError> {
        let s = run::scenario(scenario).map_err(js_err)?;
        let seed = seed_from(seed)?;
        let p = params_with(&s, overrides_json)?;
        let session = Session::new(s, p, seed).map_err(js_err)?;
        let history = History::new(&session, DEFAULT_BUDGET_BYTES);
        Ok(Sim { session, history, frame: Frame::new(640, 480, 1.0), palette: Palette::LIGHT, story: None })
    }

    /// The scenario's name.
    pub fn scenario(&self) -> String {
        self.session.scenario().name.to_string()
    }

    /// The seed.
    pub fn seed(&self) -> f64 {
        self.session.seed() as f64
    }

    /// The parameters in force (or waiting for a restart), as JSON.
    pub fn params(&self) -> String {
        self.session.params().to_json().to_string()
    }

    /// Only the parameters in force (or waiting for a restart) that differ from the scenario's,
    /// as JSON with dotted keys.
    pub fn overrides(&self) -> String {
        diff(self.session.params(), &self.session.scenario().params)
    }

    /// The parameters the run started with, where they differ from the scenario's (JSON with
    /// dotted keys): with `actions`, what a link needs to replay the run.
    pub fn start_overrides(&self) -> String {
        diff(self.session.start_params(), &self.session.scenario().params)
    }

    /// Sets one parameter from text. Returns `true` if it took effect now, `false` if it changes
    /// the network's makeup and needs a restart (then `params()` holds the new set). The error
    /// names the field and its allowed range.
    pub fn set_param(&mut self, key: &str, value: &str) -> Result<bool, JsError> {
        if field_spec(key).is_none() {
            return Err(js_err(format!("{}: not a parameter; allowed: the keys `supernode-sim keys` lists", inputs::shown(key))));
        }
        let live = self.session.set_param(key, value).map_err(js_err)?;
        if live {
            self.history.branch(&self.session);
        }
        Ok(live)
    }

    /// What the user did so far, as JSON `[{t, a, k, v}, ...]` (for links that replay the run).
    pub fn actions(&self) -> String {
        actions::log_json(self.session.log())
    }

    /// Schedules actions from a shared link (JSON as `actions` gives it): each is applied when the
    /// run reaches its tick. Every entry is checked first; the error names the first bad one.
    pub fn replay(&mut self, actions_json: &str) -> Result<(), JsError> {
        let log = actions::parse_log(actions_json, self.session.params()).map_err(js_err)?;
        self.session.replay(log);
        self.history.branch(&self.session);
        Ok(())
    }

    /// An intervention now: `megas` (deploy mega-supernodes), `fix` (push the fixed version),
    /// `rollback` (end the trigger), `rebalance` (add service capacity), `admission` (rate-limit
    /// sign-ins), `repurpose` (repurposed servers as supernodes). Returns what was done.
    pub fn intervene(&mut self, what: &str) -> Result<String, JsError> {
        let i = Intervention::from_name(what).map_err(js_err)?;
        self.session.intervene(i).map_err(js_err)?;
        self.history.branch(&self.session);
        Ok(i.name().to_string())
    }

    /// Advances by up to `ticks` simulated seconds (stopping at 720 h); returns how many ran.
    pub fn step(&mut self, ticks: u32) -> u32 {
        let Some(story) = &mut self.story else { return self.history.step(&mut self.session, ticks) };
        // Following someone: the story is read after every tick, so each event has its second.
        let mut ran = 0;
        while ran < ticks {
            if self.history.step(&mut self.session, 1) == 0 {
                break;
            }
            story.observe(self.session.world());
            ran += 1;
        }
        ran
    }

    /// Sets the memory budget of this run's saved marks, in bytes (at most the default, 56 MB);
    /// marks beyond it are dropped at once. The page shares one budget among its runs.
    pub fn set_history_budget(&mut self, bytes: f64) {
        let b = if bytes.is_finite() && bytes > 0.0 { bytes.min(DEFAULT_BUDGET_BYTES as f64) as usize } else { DEFAULT_BUDGET_BYTES };
        self.history.set_budget(b);
    }

    /// Ticks until the next tick where a mark may be saved (see `History::ticks_to_mark`).
    pub fn ticks_to_mark(&self) -> u32 {
        self.history.ticks_to_mark(&self.session).min(u32::MAX as u64) as u32
    }

    /// Runs to simulated time `t_s` (used to reproduce a shared run at its time).
    pub fn run_until(&mut self, t_s: f64) {
        if self.story.is_some() {
            while self.time_s() < t_s {
                if self.step(((t_s - self.time_s()).ceil() as u32).max(1)) == 0 {
                    break;
                }
            }
        } else {
            self.history.run_until(&mut self.session, t_s);
        }
    }

    /// Goes to the latest mark at or before `t_s` if that is nearer than going on from here
    /// (always when `t_s` is earlier than now; never forward while following someone, whose
    /// story must see every tick); returns whether it moved. The run then steps
    /// from the mark to `t_s` as usual. The series and narration are those of the mark's time:
    /// read them again from the start.
    pub fn seek_mark(&mut self, t_s: f64) -> bool {
        // Following someone, a story is told second by second: going forward, the run replays
        // the time in between (the story reads every tick) rather than jumping to a saved mark
        // it has not seen the way to.
        if self.story.is_some() && t_s > self.time_s() {
            return false;
        }
        match self.history.restore(&self.session, t_s) {
            Some(s) => {
                self.session = s;
                if let Some(story) = &mut self.story {
                    story.rewind(self.session.world());
                }
                true
            }
            None => false,
        }
    }

    /// The time of the shipped mark worth fetching to show `t_s`, given the marks' index (the
    /// text of `pkg/marks/index.json`), or −1 if none is (see `marks::wanted`).
    pub fn mark_wanted(&self, index_json: &str, t_s: f64) -> f64 {
        crate::marks::wanted(index_json, &self.session, &self.history, t_s).unwrap_or(-1.0)
    }

    /// This run's key, under which its shipped marks are filed (`marks::run_key`).
    pub fn run_key(&self) -> String {
        crate::marks::session_key(&self.session)
    }

    /// Takes in a shipped mark (the bytes of a `.mark` file): its world becomes a mark of this
    /// run's history, from which a seek then starts. Returns whether it was taken (false: a
    /// mark at that time is kept already); an error names why a mark is not this run's or does
    /// not read.
    pub fn adopt_mark(&mut self, bytes: &[u8]) -> Result<bool, JsError> {
        let m = crate::marks::read(&self.session, self.history.reference(), bytes).map_err(|e| JsError::new(&format!("mark: {e}")))?;
        Ok(self.history.adopt(&m))
    }

    /// Computes up to `ticks` simulated seconds beyond the furthest time computed on this branch
    /// (up to `until_s`) on a copy of the run, which stays where it is: what the worker does when
    /// the page is idle, so that going there later is a restore. Returns the ticks run (0 when
    /// there is nothing left to compute).
    pub fn compute_ahead(&mut self, ticks: u32, until_s: f64) -> u32 {
        self.history.compute_ahead(&self.session, ticks, until_s)
    }

    /// The furthest simulated time computed on this run's current branch, in seconds.
    pub fn computed_s(&self) -> f64 {
        self.history.furthest_s()
    }

    /// Marks kept and the memory they take, as JSON: `{marks, bytes, mean_spacing_s, hole_s,
    /// max_gap_s, max_gap_at_s}` (the longest stretch between marks, and where it starts).
    pub fn history_stats(&self) -> String {
        let (gap, at) = self.history.longest_gap_s();
        json!({"marks": self.history.marks().len(), "bytes": self.history.bytes(), "mean_spacing_s": self.history.mean_spacing_s(),
               "hole_s": self.history.hole_s(), "max_gap_s": gap, "max_gap_at_s": at})
        .to_string()
    }

    /// Simulated time, in seconds.
    pub fn time_s(&self) -> f64 {
        self.session.world().time_s()
    }

    /// When the trigger fires, in seconds (the reference of "T+h:mm").
    pub fn trigger_s(&self) -> f64 {
        self.session.world().params().trigger.start_s
    }

    /// Sets the frame size in device pixels and the device pixel ratio.
    pub fn resize(&mut self, width: u32, height: u32, dpr: f64) {
        self.frame.resize(width, height, dpr as f32);
    }

    /// Sets the colours: ten `0xRRGGBB` numbers (background, up, overloaded, shut down, crashed,
    /// mega, halo, link, attempt ok, attempt failed).
    pub fn set_palette(&mut self, colours: &[u32]) -> Result<(), JsError> {
        self.palette = Palette::from_slice(colours).ok_or_else(|| js_err("palette: expected ten colours"))?;
        Ok(())
    }

    /// Draws the network into the frame and puts it on `ctx` with one `putImageData`.
    pub fn draw(&mut self, ctx: &CanvasRenderingContext2d, dt_real_s: f64, particles: bool, running: bool) -> Result<(), JsValue> {
        self.frame.draw(self.session.world(), &self.palette, DrawOptions { dt_real_s: dt_real_s as f32, particles, running });
        let img = ImageData::new_with_u8_clamped_array_and_sh(Clamped(self.frame.pixels()), self.frame.width(), self.frame.height())?;
        ctx.put_image_data(&img, 0.0, 0.0)
    }

    /// Draws the network into the frame without putting it anywhere (the Web Worker's way: it
    /// reads the pixels from the module's memory with `frame_ptr`, `frame_width` and
    /// `frame_height`, and sends the page an `ImageBitmap`).
    pub fn render(&mut self, dt_real_s: f64, particles: bool, running: bool) {
        self.frame.draw(self.session.world(), &self.palette, DrawOptions { dt_real_s: dt_real_s as f32, particles, running });
    }

    /// Where the frame's RGBA pixels start in the module's memory (`frame_width × frame_height × 4`
    /// bytes; valid until the next call into the module).
    pub fn frame_ptr(&self) -> u32 {
        self.frame.pixels().as_ptr() as usize as u32
    }

    /// The frame's width in device pixels.
    pub fn frame_width(&self) -> u32 {
        self.frame.width()
    }

    /// The frame's height in device pixels.
    pub fn frame_height(&self) -> u32 {
        self.frame.height()
    }

    /// Sets where the picture looks: zoom (1 = the whole overlay, at most 64), the point of the
    /// overlay's unit square at the middle, and whether the supernodes stand grouped by state.
    /// `animate`: the change between the map and the groups glides.
    pub fn set_view(&mut self, zoom: f64, centre_x: f64, centre_y: f64, by_state: bool, animate: bool) {
        let v = View { zoom: zoom as f32, centre_x: centre_x as f32, centre_y: centre_y as f32, by_state };
        self.frame.set_view(v, animate);
    }

    /// Zooms by `factor` about a point of the canvas (device pixels), which stays over the same
    /// place of the overlay.
    pub fn zoom_about(&mut self, factor: f64, x: f64, y: f64) {
        self.frame.zoom_about(factor as f32, x as f32, y as f32);
    }

    /// Centres the picture on supernode `i`, zoomed in to its clients.
    pub fn zoom_to(&mut self, i: u32) {
        self.frame.zoom_to(self.session.world(), i as usize);
    }

    /// Moves the picture by `(dx, dy)` device pixels.
    pub fn pan(&mut self, dx: f64, dy: f64) {
        self.frame.pan(dx as f32, dy as f32);
    }

    /// Where the picture looks, as JSON: `zoom`, `centre_x`, `centre_y`, `by_state`,
    /// `clients_shown` (zoomed in far enough to draw each client), `animating` (the supernodes
    /// are gliding), and while grouped, `groups`: each state's `state`, `label`, `count` and
    /// where its label goes (`x`, `y`, device pixels).
    pub fn view(&self) -> String {
        let v = self.frame.view();
        let w = self.session.world();
        let groups: Vec<_> = self
            .frame
            .groups()
            .into_iter()
            .map(|(s, n, x, y)| json!({"state": s.key(), "label": s.label(), "count": n, "x": x, "y": y}))
            .collect();
        json!({"zoom": v.zoom, "centre_x": v.centre_x, "centre_y": v.centre_y, "by_state": v.by_state,
               "clients_shown": self.frame.clients_shown(w), "animating": self.frame.animating(), "groups": groups})
        .to_string()
    }

    /// Follows a supernode (`"31204"`) or a client (`"31204.17"`: slot 17 of supernode 31204, as
    /// `hit_client` gives it): its story is told from now on. An empty text stops following. The
    /// error names what is allowed.
    pub fn follow(&mut self, target: &str) -> Result<(), JsError> {
        if target.trim().is_empty() {
            self.story = None;
            return Ok(());
        }
        let t = Target::parse(target).ok_or_else(|| {
            js_err(format!(
                "follow: '{}' is not allowed; allowed: a supernode's index (31204) or a client's place (31204.17)",
                inputs::shown(target)
            ))
        })?;
        if self.story.as_ref().map(|s| s.target()) != Some(t) {
            self.story = Some(Followed::new(self.session.world(), t).map_err(|e| js_err(format!("follow: {e}")))?);
        }
        Ok(())
    }

    /// The followed one's story as JSON (`{index | client, lines: [{t_s, time, text}]}`), or `null`.
    pub fn story(&self) -> String {
        match &self.story {
            Some(s) => s.to_json(self.session.world().params().trigger.start_s),
            None => "null".into(),
        }
    }

    /// Where the followed one is in the last frame, as JSON `{x, y}` (device pixels), or `null`
    /// (nobody followed, or a client that is nowhere on the map: crashed, waiting, away).
    pub fn follow_mark(&self) -> String {
        let w = self.session.world();
        let at = match self.story.as_ref().map(|s| s.place(w)) {
            Some(Place::Supernode(i)) => Some(self.frame.sn_px(w, i)),
            Some(Place::Client(i, k)) if self.frame.clients_shown(w) => Some(self.frame.client_px(w, i, k)),
            Some(Place::Client(i, _)) => Some(self.frame.sn_px(w, i)),
            _ => None,
        };
        at.map_or("null".into(), |(x, y)| json!({"x": x, "y": y}).to_string())
    }

    /// The client under a point of the canvas (device pixels) when each client is drawn, as
    /// `"i.k"` (slot `k` of supernode `i`), or an empty text.
    pub fn hit_client(&self, x: f64, y: f64) -> String {
        self.frame.hit_client(self.session.world(), x as f32, y as f32).map_or(String::new(), |(i, k)| format!("{i}.{k}"))
    }

    /// The supernode under a point of the canvas (device pixels), or -1.
    pub fn hit(&self, x: f64, y: f64) -> i32 {
        self.frame.hit(self.session.world(), x as f32, y as f32).map_or(-1, |i| i as i32)
    }

    /// A supernode's state as JSON: index, kind, state, clients, max_clients, queued,
    /// capacity_per_s, load_per_s, load_average_ratio (the failsafe's load average as a multiple
    /// of capacity), click (what a click on it does: "crash", "restore" or ""), x and y (device
    /// pixels).
    pub fn supernode(&self, i: u32) -> String {
        let sn = self.session.world().supernodes();
        let i = i as usize;
        if i >= sn.len() {
            return "null".into();
        }
        let h = sn.get(i);
        let state = if h.state == SnState::Up && sn.overloaded(i) { "overloaded" } else { h.state.describe() };
        let (x, y) = self.frame.sn_px(self.session.world(), i);
        json!({"index": i, "kind": h.kind.describe(), "state": state, "clients": h.clients, "max_clients": h.max_clients,
               "queued": h.queue, "capacity_per_s": h.capacity_per_s, "load_per_s": sn.load_per_s(i),
               "load_average_ratio": h.load_avg / h.capacity_per_s.max(1e-6), "click": Toggled::of(h.state).verb(), "x": x, "y": y})
        .to_string()
    }

    /// Crashes supernode `i` if it serves, or restores it if it is down. Returns "crashed",
    /// "restored" or "" (nothing to do).
    pub fn toggle(&mut self, i: u32) -> String {
        let done = self.session.toggle(i);
        if done != Toggled::Nothing {
            self.history.branch(&self.session);
            if let Some(story) = &mut self.story {
                story.observe(self.session.world());
            }
        }
        match done {
            Toggled::Crashed => "crashed".into(),
            Toggled::Restored => "restored".into(),
            Toggled::Nothing => String::new(),
        }
    }

    /// The latest figures as JSON: time, clients, supernodes by state, attempts, load ratio,
    /// availabilities.
    pub fn stats(&self) -> String {
        let w = self.session.world();
        let st = w.stats();
        let c = w.sn_counts();
        let s = w.last_sample().copied().unwrap_or_default();
        json!({
            "t_s": w.time_s(),
            "trigger_s": w.params().trigger.start_s,
            "clients_online": w.clients_online(),
            "clients_total": w.params().clients.total,
            "clients_retrying": w.clients_retrying(),
            "clients_crashed": w.clients_crashed(),
            "clients_away": w.clients_away(),
            "supernodes_promoted": c.promoted_up,
            "supernodes_up": c.up,
            "supernodes_crashed": c.crashed,
            "supernodes_shut_down": c.shut_down,
            "supernodes_overloaded": st.supernodes_overloaded,
            "mega_up": c.mega_up,
            "peers": w.supernodes().peers,
            "connect_attempts_per_s": st.connect_attempts,
            "logins_per_s": st.logins,
            "sn_load_ratio": s.sn_load_ratio,
            "lookup_success": s.lookup_success,
            "availability": {
                "login": s.availability_login, "messaging": s.availability_messaging, "presence": s.availability_presence,
                "contacts": s.availability_contacts, "web": s.availability_web, "offline_im": s.availability_offline_im,
                "group_video": s.availability_group_video,
            },
            "retry_policy": w.retry_policy().name(),
            "samples": w.series().len(),
            "events": w.events().len(),
        })
        .to_string()
    }

    /// Number of samples (one per simulated minute) so far.
    pub fn sample_count(&self) -> u32 {
        self.session.world().series().len() as u32
    }

    /// Number of narration events so far.
    pub fn event_count(&self) -> u32 {
        self.session.world().events().len() as u32
    }

    /// A series column from sample `from` on, as a `Float64Array`.
    pub fn column(&self, name: &str, from: u32) -> Result<Vec<f64>, JsError> {
        let col = self
            .session
            .world()
            .series()
            .column(name)
            .ok_or_else(|| js_err(format!("column '{}' is unknown; allowed: {}", inputs::shown(name), COLUMNS.join(", "))))?;
        Ok(col.get(from as usize..).unwrap_or(&[]).to_vec())
    }

    /// Narration events from number `from` on, as JSON `[{t_s, kind, text}, ...]`.
    pub fn events(&self, from: u32) -> String {
        serde_json::to_string(self.session.world().events().get(from as usize..).unwrap_or(&[])).unwrap_or_else(|_| "[]".into())
    }

    /// When the run as it happened (before the first branch that replaced a computed future)
    /// parted from this one, in simulated seconds; -1 if there is none.
    pub fn as_happened_s(&self) -> f64 {
        self.history.as_happened().map_or(-1.0, |a| a.branch_s)
    }

    /// One column of the run as it happened (see `as_happened_s`), whole; empty if there is none
    /// or no such column.
    pub fn as_happened_column(&self, name: &str) -> Vec<f64> {
        self.history.as_happened().and_then(|a| a.series.column(name)).map(|c| c.to_vec()).unwrap_or_default()
    }

    /// This branch against the run as it happened (see `as_happened_s`), from the start to now or
    /// as far as the run as it happened was computed, as JSON `{upto_s, words}`: the sentence the
    /// A/B view gives, from this branch's point of view. `null` when there is no branch, or it
    /// has not run a simulated minute yet.
    pub fn branch_words(&self) -> String {
        use crate::compare::{in_words, series_summary};
        let Some(a) = self.history.as_happened() else { return "null".into() };
        let w = self.session.world();
        let furthest = a.series.column("t_s").and_then(|t| t.last().copied()).unwrap_or(0.0);
        let upto = w.time_s().min(furthest);
        if upto < a.branch_s + 60.0 {
            return "null".into();
        }
        let trigger = w.params().trigger.start_s;
        let before = series_summary(&a.series, trigger, upto);
        let now = series_summary(w.series(), trigger, upto);
        // And where each stands at that moment: the share of clients online.
        let online_at = |series: &crate::model::Series| {
            let t = series.column("t_s").unwrap_or(&[]);
            let i = t.iter().rposition(|&x| x <= upto)?;
            let on = series.column("clients_online")?.get(i)?;
            let total = series.column("clients_total")?.get(i)?;
            Some(on / total.max(1.0))
        };
        let mut words = in_words("the run as it happened", "this branch", &before, &now);
        if let (Some(b), Some(n)) = (online_at(&a.series), online_at(w.series())) {
            words.push_str(&format!(" Clients online at that moment: {:.0}% on this branch, {:.0}% as it happened.", 100.0 * n, 100.0 * b));
        }
        json!({"upto_s": upto, "words": words}).to_string()
    }

    /// Narration events of everything computed on this run's branch (past the current time too,
    /// after a seek back), as JSON: the timeline's chapters.
    pub fn chapters(&self) -> String {
        serde_json::to_string(self.history.events()).unwrap_or_else(|_| "[]".into())
    }

    /// The summary so far, as JSON.
    pub fn summary(&self) -> String {
        serde_json::to_string(&self.session.world().summary()).unwrap_or_else(|_| "{}".into())
    }

    /// The hex digest of the series so far (equal to the CLI's for the same run).
    pub fn hash(&self) -> String {
        self.session.world().series().hash_hex()
    }

    /// The difference between this run (A, where `key` is `a`) and `other` (B, where it is `b`)
    /// so far, in one sentence from B's point of view, as the CLI's `compare` says it.
    pub fn compare_words(&self, other: &Sim, key: &str, a: &str, b: &str) -> String {
        use crate::compare::{in_words, label};
        in_words(&label(key, a), &label(key, b), &self.session.world().summary(), &other.session.world().summary())
    }

    /// The series so far as CSV text with a header row.
    pub fn csv(&self) -> String {
        self.session.world().series().to_csv()
    }
}
