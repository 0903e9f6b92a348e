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

use crate::model::params::{field_spec, FieldKind, Params, FIELDS};
use crate::model::{SnKind, SnState, World, COLUMNS};
use crate::render::{DrawOptions, Frame, Palette};
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

/// Largest seed a JS number holds exactly.
const MAX_SEED: f64 = 9_007_199_254_740_991.0;

/// Checks a seed given as a JS number.
fn seed_from(seed: f64) -> Result<u64, JsError> {
    if (0.0..=MAX_SEED).contains(&seed) && seed == libm::trunc(seed) {
        Ok(seed as u64)
    } else {
        Err(js_err(format!("seed: {seed} is not allowed; allowed: a whole number from 0 to {MAX_SEED:.0}")))
    }
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

/// Checks parameter overrides (JSON, nested or with dotted keys) against a scenario, returning
/// the message naming the first wrong field and its allowed range.
#[wasm_bindgen]
pub fn check_params(scenario: &str, overrides_json: &str) -> Result<(), JsError> {
    let s = run::scenario(scenario).map_err(js_err)?;
    params_with(&s, overrides_json).map(|_| ())
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

/// One running simulation, its frame buffer, and what the user did to it.
#[wasm_bindgen]
pub struct Sim {
    scenario: Scenario,
    seed: u64,
    world: World,
    frame: Frame,
    palette: Palette,
    /// Parameters waiting for a restart (a change to the network's makeup).
    pending: Option<Params>,
    /// The parameters the run started with.
    start_params: Params,
    /// What the user did while the run went on, in order: the run is these applied to the
    /// parameters at their ticks, so a link that carries them reproduces it bit for bit.
    log: Vec<Action>,
    /// Actions from a shared link still to apply, in order.
    schedule: std::collections::VecDeque<Action>,
}

/// One thing the user did to a running simulation, at a tick (applied before that tick runs).
/// As JSON: `{"t": 9000, "a": "set", "k": "failsafe.threshold", "v": "3"}`.
#[derive(Clone, Debug, PartialEq)]
pub struct Action {
    /// The tick (simulated second) it happened before.
    pub t: u64,
    /// What: `set` (a parameter), `do` (an intervention), `toggle` (crash or restore a supernode).
    pub a: String,
    /// The parameter key, the intervention's name, or the supernode's index.
    pub k: String,
    /// The parameter's value (`set` only).
    pub v: String,
}

impl Action {
    fn to_json(&self) -> Value {
        let mut m = serde_json::Map::new();
        m.insert("t".into(), Value::from(self.t));
        m.insert("a".into(), Value::from(self.a.clone()));
        m.insert("k".into(), Value::from(self.k.clone()));
        if !self.v.is_empty() {
            m.insert("v".into(), Value::from(self.v.clone()));
        }
        Value::Object(m)
    }

    fn from_json(v: &Value) -> Option<Action> {
        let text = |k: &str| v.get(k).map(|x| x.as_str().map(str::to_string).unwrap_or_else(|| x.to_string()));
        Some(Action { t: v.get("t")?.as_u64()?, a: text("a")?, k: text("k")?, v: text("v").unwrap_or_default() })
    }
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
        let world = run::world(&s, p.clone(), seed).map_err(js_err)?;
        Ok(Sim {
            start_params: p,
            scenario: s,
            seed,
            world,
            frame: Frame::new(640, 480, 1.0),
            palette: Palette::LIGHT,
            pending: None,
            log: Vec::new(),
            schedule: Default::default(),
        })
    }

    /// The scenario's name.
    pub fn scenario(&self) -> String {
        self.scenario.name.to_string()
    }

    /// The seed.
    pub fn seed(&self) -> f64 {
        self.seed as f64
    }

    /// The parameters in force (or waiting for a restart), as JSON.
    pub fn params(&self) -> String {
        self.pending.as_ref().unwrap_or(self.world.params()).to_json().to_string()
    }

    /// Only the parameters in force (or waiting for a restart) that differ from the scenario's,
    /// as JSON with dotted keys.
    pub fn overrides(&self) -> String {
        diff(self.pending.as_ref().unwrap_or(self.world.params()), &self.scenario.params)
    }

    /// The parameters the run started with, where they differ from the scenario's (JSON with
    /// dotted keys): with `actions`, what a link needs to replay the run.
    pub fn start_overrides(&self) -> String {
        diff(&self.start_params, &self.scenario.params)
    }

    /// Sets one parameter from text. Returns `true` if it took effect now, `false` if it changes
    /// the network's makeup and needs a restart (then `params()` holds the new set). The error
    /// names the field and its allowed range.
    pub fn set_param(&mut self, key: &str, value: &str) -> Result<bool, JsError> {
        if field_spec(key).is_none() {
            return Err(js_err(format!("{key}: unknown parameter")));
        }
        let base = self.pending.clone().unwrap_or_else(|| self.world.params().clone());
        let p = base.with_text(key, value).map_err(js_err)?;
        if self.pending.is_some() {
            self.pending = Some(p);
            return Ok(false);
        }
        match self.world.set_params(p.clone()) {
            Ok(()) => {
                self.record("set", key, value);
                Ok(true)
            }
            Err(_) => {
                self.pending = Some(p);
                Ok(false)
            }
        }
    }

    fn record(&mut self, a: &str, k: &str, v: &str) {
        let t = self.world.time_s() as u64 + 1;
        self.log.push(Action { t, a: a.into(), k: k.into(), v: v.into() });
    }

    /// What the user did so far, as JSON `[{t, a, k, v}, ...]` (for links that replay the run).
    pub fn actions(&self) -> String {
        Value::Array(self.log.iter().map(Action::to_json).collect()).to_string()
    }

    /// Schedules actions from a shared link (JSON as `actions` gives it): each is applied when the
    /// run reaches its tick. The error names what is wrong.
    pub fn replay(&mut self, actions_json: &str) -> Result<(), JsError> {
        let v: Value = serde_json::from_str(actions_json).map_err(|e| js_err(format!("actions: not valid JSON ({e})")))?;
        let items = v.as_array().ok_or_else(|| js_err("actions: expected a list of {t, a, k, v}"))?;
        let mut list = Vec::with_capacity(items.len());
        for item in items {
            list.push(Action::from_json(item).ok_or_else(|| js_err(format!("actions: {item} is not an action; expected {{t, a, k, v}}")))?);
        }
        for x in &list {
            if !matches!(x.a.as_str(), "set" | "do" | "toggle") {
                return Err(js_err(format!("actions: '{}' is not an action; allowed: set, do, toggle", x.a)));
            }
            if x.a == "set" {
                self.world.params().with_text(&x.k, &x.v).map_err(js_err)?;
            }
        }
        if list.windows(2).any(|w| w[0].t > w[1].t) {
            return Err(js_err("actions: not in time order; allowed: actions sorted by their t"));
        }
        self.schedule = std::mem::take(&mut list).into();
        Ok(())
    }

    fn apply_due(&mut self) {
        let now = self.world.time_s() as u64 + 1;
        while self.schedule.front().is_some_and(|x| x.t <= now) {
            let Some(x) = self.schedule.pop_front() else { break };
            let _ = match x.a.as_str() {
                "set" => self.set_param(&x.k, &x.v).map(|_| ()),
                "do" => self.intervene(&x.k).map(|_| ()),
                _ => {
                    if let Ok(i) = x.k.parse::<u32>() {
                        self.toggle(i);
                    }
                    Ok(())
                }
            };
        }
    }

    /// An intervention now: `megas` (deploy mega-supernodes), `fix` (push the fixed version),
    /// `rollback` (end the trigger), `rebalance` (add service capacity), `admission` (rate-limit
    /// sign-ins), `repurpose` (repurposed servers as supernodes). Returns what was done.
    pub fn intervene(&mut self, what: &str) -> Result<String, JsError> {
        let now = self.world.time_s() + 1.0;
        let p = self.world.params().clone();
        let t = format!("{now}");
        let q = match what {
            "megas" => {
                let count = if p.mega.count == 0 { "1000".to_string() } else { p.mega.count.to_string() };
                let q = p.with_text("mega.count", &count).and_then(|q| q.with_text("mega.deploy_s", &t));
                let q = q.and_then(|q| if q.mega.ramp_s > 4.0 * 3600.0 { q.with_text("mega.ramp_s", "14400") } else { Ok(q) });
                q.and_then(|q| {
                    if q.mega.release_s < now {
                        q.with_text("mega.release_s", &format!("{}", crate::model::params::MAX_TIME_S))
                    } else {
                        Ok(q)
                    }
                })
            }
            "fix" => {
                let rate = if p.fix.rollout_per_h == 0.0 { "0.3".to_string() } else { p.fix.rollout_per_h.to_string() };
                p.with_text("fix.rollout_per_h", &rate).and_then(|q| q.with_text("fix.start_s", &t))
            }
            "rollback" => p.with_text("trigger.end_s", &format!("{}", now.max(p.trigger.start_s))),
            "rebalance" => {
                let f = if p.rebalance.capacity_factor <= 1.0 { "3".to_string() } else { p.rebalance.capacity_factor.to_string() };
                p.with_text("rebalance.capacity_factor", &f)
                    .and_then(|q| q.with_text("rebalance.start_s", &t))
                    .and_then(|q| q.with_text("rebalance.ramp_s", "1800"))
            }
            "admission" => {
                let rate = if p.admission.logins_per_s > 0.0 { p.admission.logins_per_s } else { (p.login.capacity_per_s * 0.5).max(1.0) };
                p.with_text("admission.logins_per_s", &format!("{rate}")).and_then(|q| q.with_text("admission.start_s", &t))
            }
            "repurpose" => {
                let q = p.with_text("mega.repurposed_fraction", "1").and_then(|q| {
                    let count = if q.mega.count == 0 { "300".to_string() } else { q.mega.count.to_string() };
                    q.with_text("mega.count", &count)
                });
                // Servers already in the racks come up within minutes.
                q.and_then(|q| q.with_text("mega.deploy_s", &t))
                    .and_then(|q| q.with_text("mega.ramp_s", "600"))
                    .and_then(|q| q.with_text("mega.release_s", &format!("{}", crate::model::params::MAX_TIME_S)))
            }
            other => {
                return Err(js_err(format!(
                    "intervention '{other}' is unknown; allowed: megas, fix, rollback, rebalance, admission, repurpose"
                )))
            }
        }
        .map_err(js_err)?;
        self.world.set_params(q).map_err(|e| js_err(format!("{what}: {e} (mega-supernodes are already deployed)")))?;
        self.record("do", what, "");
        Ok(what.to_string())
    }

    /// Advances by up to `ticks` simulated seconds (stopping at 720 h); returns how many ran.
    pub fn step(&mut self, ticks: u32) -> u32 {
        let limit = (run::MAX_HOURS * 3600.0) as u64;
        let mut n = 0;
        while n < ticks && (self.world.time_s() as u64) < limit {
            if !self.schedule.is_empty() {
                self.apply_due();
            }
            self.world.step();
            n += 1;
        }
        n
    }

    /// Runs to simulated time `t_s` (used to reproduce a shared run at its time).
    pub fn run_until(&mut self, t_s: f64) {
        if t_s.is_finite() {
            let target = t_s.min(run::MAX_HOURS * 3600.0);
            while self.world.time_s() < target {
                self.step(1);
            }
        }
    }

    /// Simulated time, in seconds.
    pub fn time_s(&self) -> f64 {
        self.world.time_s()
    }

    /// When the trigger fires, in seconds (the reference of "T+h:mm").
    pub fn trigger_s(&self) -> f64 {
        self.world.params().trigger.start_s
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
        self.frame.draw(&self.world, &self.palette, DrawOptions { dt_real_s: dt_real_s as f32, particles, running });
        let img = ImageData::new_with_u8_clamped_array_and_sh(Clamped(self.frame.pixels()), self.frame.width(), self.frame.height())?;
        ctx.put_image_data(&img, 0.0, 0.0)
    }

    /// The supernode under a point of the canvas (device pixels), or -1.
    pub fn hit(&self, x: f64, y: f64) -> i32 {
        self.frame.hit(&self.world, x as f32, y as f32).map_or(-1, |i| i as i32)
    }

    /// A supernode's state as JSON: index, kind, state, clients, max_clients, capacity_per_s,
    /// load_per_s, x and y (device pixels).
    pub fn supernode(&self, i: u32) -> String {
        let sn = self.world.supernodes();
        let i = i as usize;
        if i >= sn.len() {
            return "null".into();
        }
        let h = sn.hot[i];
        let state = match h.state {
            s if s == SnState::Up as u8 && sn.overloaded(i) => "overloaded",
            s if s == SnState::Up as u8 => "up",
            s if s == SnState::ShutDown as u8 => "shut down by its failsafe",
            s if s == SnState::Crashed as u8 => "crashed",
            _ => "not deployed",
        };
        let kind = match h.kind {
            k if k == SnKind::Peer as u8 => "peer",
            k if k == SnKind::Mega as u8 => "mega-supernode",
            _ => "repurposed server",
        };
        let (x, y) = self.frame.to_px(sn.x[i], sn.y[i]);
        json!({"index": i, "kind": kind, "state": state, "clients": h.clients, "max_clients": h.max_clients,
               "capacity_per_s": h.capacity_per_s, "load_per_s": sn.load_per_s(i), "x": x, "y": y})
        .to_string()
    }

    /// Crashes supernode `i` if it serves, or restores it if it is down. Returns "crashed",
    /// "restored" or "" (nothing to do).
    pub fn toggle(&mut self, i: u32) -> String {
        let sn = self.world.supernodes();
        let idx = i as usize;
        if idx >= sn.len() {
            return String::new();
        }
        match sn.hot[idx].state {
            s if s == SnState::Up as u8 => {
                self.world.crash_supernode(idx);
                self.record("toggle", &i.to_string(), "");
                "crashed".into()
            }
            s if s == SnState::Crashed as u8 || s == SnState::ShutDown as u8 => {
                self.world.restore_supernode(idx);
                self.record("toggle", &i.to_string(), "");
                "restored".into()
            }
            _ => String::new(),
        }
    }

    /// The latest figures as JSON: time, clients, supernodes by state, attempts, load ratio,
    /// availabilities.
    pub fn stats(&self) -> String {
        let w = &self.world;
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
        self.world.series().len() as u32
    }

    /// Number of narration events so far.
    pub fn event_count(&self) -> u32 {
        self.world.events().len() as u32
    }

    /// A series column from sample `from` on, as a `Float64Array`.
    pub fn column(&self, name: &str, from: u32) -> Result<Vec<f64>, JsError> {
        let col = self
            .world
            .series()
            .column(name)
            .ok_or_else(|| js_err(format!("column '{name}' is unknown; allowed: {}", COLUMNS.join(", "))))?;
        Ok(col.get(from as usize..).unwrap_or(&[]).to_vec())
    }

    /// Narration events from number `from` on, as JSON `[{t_s, kind, text}, ...]`.
    pub fn events(&self, from: u32) -> String {
        serde_json::to_string(self.world.events().get(from as usize..).unwrap_or(&[])).unwrap_or_else(|_| "[]".into())
    }

    /// The summary so far, as JSON.
    pub fn summary(&self) -> String {
        serde_json::to_string(&self.world.summary()).unwrap_or_else(|_| "{}".into())
    }

    /// The hex digest of the series so far (equal to the CLI's for the same run).
    pub fn hash(&self) -> String {
        self.world.series().hash_hex()
    }

    /// The difference between this run (A, where `key` is `a`) and `other` (B, where it is `b`)
    /// so far, in one sentence from B's point of view, as the CLI's `compare` says it.
    pub fn compare_words(&self, other: &Sim, key: &str, a: &str, b: &str) -> String {
        use crate::compare::{in_words, label};
        in_words(&label(key, a), &label(key, b), &self.world.summary(), &other.world.summary())
    }

    /// The series so far as CSV text with a header row.
    pub fn csv(&self) -> String {
        self.world.series().to_csv()
    }
}
