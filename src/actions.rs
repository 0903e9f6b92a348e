//! What a user does to a running simulation: parameter changes, interventions and clicks on
//! supernodes, each at a simulated second. A run is its start parameters, its seed and this log,
//! so a copied link (which carries the log) is reproduced bit for bit, in the page and by
//! `supernode-sim run --actions FILE`.
//!
//! [`Session`] is a world with its log: the page's `Sim` and the CLI both drive one.

use std::collections::VecDeque;

use serde_json::Value;

use crate::model::params::{field_spec, ParamError, Params, MAX_TIME_S};
use crate::model::world::Checkpoint;
use crate::model::{Event, Series, SnState, World};
use crate::run;
use crate::scenarios::Scenario;

/// Most entries an action log may hold.
pub const MAX_ACTIONS: usize = 10_000;

/// An intervention the operators could make, from the page's buttons.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Intervention {
    /// Deploy mega-supernodes now.
    Megas,
    /// Push the fixed client version now.
    Fix,
    /// End the trigger now (the offline-message servers recover, the configuration is rolled back).
    Rollback,
    /// Re-balance traffic: service capacity ×3 over 30 minutes.
    Rebalance,
    /// Admission control on sign-in now.
    Admission,
    /// Repurpose offline-IM and group-video servers as supernodes now.
    Repurpose,
}

impl Intervention {
    /// Every intervention, in the order the page shows them.
    pub const ALL: [Intervention; 6] = [
        Intervention::Megas,
        Intervention::Fix,
        Intervention::Rollback,
        Intervention::Rebalance,
        Intervention::Admission,
        Intervention::Repurpose,
    ];

    /// Its name in action logs and the API.
    pub fn name(self) -> &'static str {
        match self {
            Intervention::Megas => "megas",
            Intervention::Fix => "fix",
            Intervention::Rollback => "rollback",
            Intervention::Rebalance => "rebalance",
            Intervention::Admission => "admission",
            Intervention::Repurpose => "repurpose",
        }
    }

    /// The intervention called `name`, or an error listing the names.
    pub fn from_name(name: &str) -> Result<Self, ParamError> {
        Self::ALL.iter().copied().find(|i| i.name() == name).ok_or_else(|| {
            let names: Vec<&str> = Self::ALL.iter().map(|i| i.name()).collect();
            ParamError::new("intervention", format!("'{}' is unknown; allowed: {}", shorten(name), names.join(", ")))
        })
    }

    /// The parameters after this intervention at simulated time `now_s`: what it sets, and when.
    pub fn apply(self, p: &Params, now_s: f64) -> Result<Params, ParamError> {
        let t = format!("{now_s}");
        let never = format!("{MAX_TIME_S}");
        match self {
            Intervention::Megas => {
                let count = if p.mega.count == 0 { "1000".to_string() } else { p.mega.count.to_string() };
                let q = p.with_text("mega.count", &count)?.with_text("mega.deploy_s", &t)?;
                let q = if q.mega.ramp_s > 4.0 * 3600.0 { q.with_text("mega.ramp_s", "14400")? } else { q };
                if q.mega.release_s < now_s {
                    q.with_text("mega.release_s", &never)
                } else {
                    Ok(q)
                }
            }
            Intervention::Fix => {
                let rate = if p.fix.rollout_per_h == 0.0 { "0.3".to_string() } else { p.fix.rollout_per_h.to_string() };
                p.with_text("fix.rollout_per_h", &rate)?.with_text("fix.start_s", &t)
            }
            Intervention::Rollback => p.with_text("trigger.end_s", &format!("{}", now_s.max(p.trigger.start_s))),
            Intervention::Rebalance => {
                let f = if p.rebalance.capacity_factor <= 1.0 { "3".to_string() } else { p.rebalance.capacity_factor.to_string() };
                p.with_text("rebalance.capacity_factor", &f)?.with_text("rebalance.start_s", &t)?.with_text("rebalance.ramp_s", "1800")
            }
            Intervention::Admission => {
                let rate = if p.admission.logins_per_s > 0.0 { p.admission.logins_per_s } else { (p.login.capacity_per_s * 0.5).max(1.0) };
                p.with_text("admission.logins_per_s", &format!("{rate}"))?.with_text("admission.start_s", &t)
            }
            Intervention::Repurpose => {
                let q = p.with_text("mega.repurposed_fraction", "1")?;
                let count = if q.mega.count == 0 { "300".to_string() } else { q.mega.count.to_string() };
                // Servers already in the racks come up within minutes.
                q.with_text("mega.count", &count)?
                    .with_text("mega.deploy_s", &t)?
                    .with_text("mega.ramp_s", "600")?
                    .with_text("mega.release_s", &never)
            }
        }
    }
}

/// What an action does.
#[derive(Clone, Debug, PartialEq)]
pub enum ActionKind {
    /// Set a parameter from text (`{"a": "set", "k": key, "v": value}`).
    Set {
        /// The dotted key.
        key: String,
        /// The value, as text.
        value: String,
    },
    /// An intervention (`{"a": "do", "k": name}`).
    Do(Intervention),
    /// Crash a serving supernode or restore a down one (`{"a": "toggle", "k": index}`).
    Toggle(u32),
}

/// One thing the user did, applied before the tick `t` runs.
#[derive(Clone, Debug, PartialEq)]
pub struct Action {
    /// The tick (simulated second) it happened before.
    pub t: u64,
    /// What it does.
    pub kind: ActionKind,
}

/// Text from a user, cut to a readable length for an error message.
pub use crate::model::params::shown as shorten;

impl Action {
    /// The action as JSON: `{"t": 9000, "a": "set", "k": "failsafe.threshold", "v": "3"}`.
    pub fn to_json(&self) -> Value {
        let mut m = serde_json::Map::new();
        m.insert("t".into(), Value::from(self.t));
        let (a, k, v) = match &self.kind {
            ActionKind::Set { key, value } => ("set", key.clone(), Some(value.clone())),
            ActionKind::Do(i) => ("do", i.name().to_string(), None),
            ActionKind::Toggle(i) => ("toggle", i.to_string(), None),
        };
        m.insert("a".into(), Value::from(a));
        m.insert("k".into(), Value::from(k));
        if let Some(v) = v {
            m.insert("v".into(), Value::from(v));
        }
        Value::Object(m)
    }

    /// Reads entry `index` of a log, checking its fields against `params`.
    pub fn from_json(v: &Value, index: usize, params: &Params) -> Result<Action, ParamError> {
        let field = format!("actions[{index}]");
        let bad = |what: String| ParamError::new(field.clone(), what);
        let obj = v.as_object().ok_or_else(|| bad("expected an object {t, a, k, v}".into()))?;
        for key in obj.keys() {
            if !matches!(key.as_str(), "t" | "a" | "k" | "v") {
                return Err(bad(format!("unknown field '{}'; allowed: t, a, k, v", shorten(key))));
            }
        }
        let t = obj.get("t").and_then(Value::as_u64).ok_or_else(|| bad("t: expected a whole number of simulated seconds".into()))?;
        if t as f64 > MAX_TIME_S {
            return Err(bad(format!("t: {t} is after the longest run ({MAX_TIME_S:.0} s)")));
        }
        let text = |k: &str| -> Option<String> {
            obj.get(k).map(|x| match x {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            })
        };
        let a = text("a").ok_or_else(|| bad("a: missing; allowed: set, do, toggle".into()))?;
        let k = text("k").ok_or_else(|| bad("k: missing".into()))?;
        let kind = match a.as_str() {
            "set" => {
                let value = text("v").ok_or_else(|| bad("v: missing (the value to set)".into()))?;
                if field_spec(&k).is_none() {
                    return Err(bad(format!("k: '{}' is not a parameter", shorten(&k))));
                }
                params.with_text(&k, &value).map_err(|e| bad(e.to_string()))?;
                ActionKind::Set { key: k, value }
            }
            "do" => ActionKind::Do(Intervention::from_name(&k).map_err(|e| bad(e.message))?),
            "toggle" => {
                let i: u32 = k.parse().map_err(|_| bad(format!("k: '{}' is not a supernode index", shorten(&k))))?;
                ActionKind::Toggle(i)
            }
            other => return Err(bad(format!("a: '{}' is unknown; allowed: set, do, toggle", shorten(other)))),
        };
        Ok(Action { t, kind })
    }
}

/// Reads a whole action log (a JSON list), entry by entry: every entry must be valid, the times
/// in order, and the log at most [`MAX_ACTIONS`] long. The error names the first bad entry.
pub fn parse_log(json: &str, params: &Params) -> Result<Vec<Action>, ParamError> {
    let v: Value = serde_json::from_str(json)
        .map_err(|e| ParamError::new("actions", format!("not valid JSON ({e}); allowed: a list of {{t, a, k, v}}")))?;
    let items = v.as_array().ok_or_else(|| ParamError::new("actions", "expected a list of {t, a, k, v}"))?;
    if items.len() > MAX_ACTIONS {
        return Err(ParamError::new("actions", format!("{} entries; allowed: at most {MAX_ACTIONS}", items.len())));
    }
    let mut out = Vec::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        let a = Action::from_json(item, i, params)?;
        if let Some(prev) = out.last().map(|p: &Action| p.t) {
            if a.t < prev {
                return Err(ParamError::new(
                    format!("actions[{i}]"),
                    format!("t: {} is before the entry above ({prev}); actions must be in time order", a.t),
                ));
            }
        }
        out.push(a);
    }
    Ok(out)
}

/// The log as JSON text.
pub fn log_json(log: &[Action]) -> String {
    Value::Array(log.iter().map(Action::to_json).collect()).to_string()
}

/// What a click on a supernode did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Toggled {
    /// It was serving and crashed.
    Crashed,
    /// It was down and serves again.
    Restored,
    /// Nothing (no such supernode, or one not deployed).
    Nothing,
}

impl Toggled {
    /// What a click does to a supernode in `state`: crashes one that serves, restores one that
    /// is down, and leaves one not deployed alone.
    pub fn of(state: SnState) -> Toggled {
        match state {
            SnState::Up => Toggled::Crashed,
            SnState::Crashed | SnState::ShutDown => Toggled::Restored,
            SnState::Off => Toggled::Nothing,
        }
    }

    /// The click's verb, for a tooltip ("crash", "restore"; empty: a click does nothing).
    pub fn verb(self) -> &'static str {
        match self {
            Toggled::Crashed => "crash",
            Toggled::Restored => "restore",
            Toggled::Nothing => "",
        }
    }
}

/// A session saved at one tick: the world as a [`Checkpoint`], the rest as it was.
#[derive(Clone, Debug)]
pub struct SessionMark {
    world: Checkpoint,
    pending: Option<Params>,
    log: Vec<Action>,
    schedule: VecDeque<Action>,
}

impl SessionMark {
    /// Simulated time of the mark, in seconds.
    pub fn time_s(&self) -> f64 {
        self.world.time_s()
    }

    /// Bytes the mark holds (see [`Checkpoint::bytes`]).
    pub fn bytes(&self) -> usize {
        self.world.bytes()
    }

    /// The world's checkpoint.
    pub fn checkpoint(&self) -> &Checkpoint {
        &self.world
    }
}

/// A running world, its start parameters and what the user did to it.
#[derive(Clone, Debug)]
pub struct Session {
    scenario: Scenario,
    seed: u64,
    world: World,
    /// Parameters waiting for a restart (a change to the network's makeup).
    pending: Option<Params>,
    start_params: Params,
    log: Vec<Action>,
    schedule: VecDeque<Action>,
}

impl Session {
    /// A session of `scenario` with `params` and `seed`, at time 0.
    pub fn new(scenario: Scenario, params: Params, seed: u64) -> Result<Session, ParamError> {
        let world = run::world(&scenario, params.clone(), seed)?;
        Ok(Session { scenario, seed, world, pending: None, start_params: params, log: Vec::new(), schedule: VecDeque::new() })
    }

    /// The scenario.
    pub fn scenario(&self) -> &Scenario {
        &self.scenario
    }

    /// The seed.
    pub fn seed(&self) -> u64 {
        self.seed
    }

    /// The world.
    pub fn world(&self) -> &World {
        &self.world
    }

    /// The parameters the run started with.
    pub fn start_params(&self) -> &Params {
        &self.start_params
    }

    /// Parameters in force, or waiting for a restart if a change needs one.
    pub fn params(&self) -> &Params {
        self.pending.as_ref().unwrap_or(self.world.params())
    }

    /// Whether a change is waiting for a restart.
    pub fn needs_restart(&self) -> bool {
        self.pending.is_some()
    }

    /// What the user did so far.
    pub fn log(&self) -> &[Action] {
        &self.log
    }

    fn record(&mut self, kind: ActionKind) {
        let t = self.world.time_s() as u64 + 1;
        self.log.push(Action { t, kind });
    }

    /// Sets one parameter from text. `Ok(true)` if it applies from the next tick, `Ok(false)` if
    /// it changes the network's makeup and waits for a restart ([`Session::params`] then holds it).
    pub fn set_param(&mut self, key: &str, value: &str) -> Result<bool, ParamError> {
        let p = self.params().with_text(key, value)?;
        if self.pending.is_some() {
            self.pending = Some(p);
            return Ok(false);
        }
        match self.world.set_params(p.clone()) {
            Ok(()) => {
                self.record(ActionKind::Set { key: key.to_string(), value: value.to_string() });
                Ok(true)
            }
            Err(_) => {
                self.pending = Some(p);
                Ok(false)
            }
        }
    }

    /// An intervention, from the next tick on.
    pub fn intervene(&mut self, what: Intervention) -> Result<(), ParamError> {
        let now = self.world.time_s() + 1.0;
        let q = what.apply(self.world.params(), now)?;
        self.world.set_params(q).map_err(|e| ParamError::new(what.name(), format!("{e} (mega-supernodes are already deployed)")))?;
        self.record(ActionKind::Do(what));
        Ok(())
    }

    /// Crashes supernode `i` if it serves, or restores it if it is down.
    pub fn toggle(&mut self, i: u32) -> Toggled {
        let sn = self.world.supernodes();
        let idx = i as usize;
        if idx >= sn.len() {
            return Toggled::Nothing;
        }
        let done = Toggled::of(sn.state[idx]);
        match done {
            Toggled::Crashed => self.world.crash_supernode(idx),
            Toggled::Restored => self.world.restore_supernode(idx),
            Toggled::Nothing => {}
        }
        if done != Toggled::Nothing {
            self.record(ActionKind::Toggle(i));
        }
        done
    }

    /// Saves the session at its current tick; `reference` as for [`World::checkpoint`].
    pub fn mark(&self, reference: &[u8]) -> SessionMark {
        SessionMark {
            world: self.world.checkpoint(reference),
            pending: self.pending.clone(),
            log: self.log.clone(),
            schedule: self.schedule.clone(),
        }
    }

    /// This session as it was at `mark` (a mark of this session on its current branch), with the
    /// series and narration taken from `series` and `events`, those of the same branch at the
    /// mark's time or later. `None` if it cannot be restored (see [`Checkpoint::restore`]).
    pub fn restored(&self, mark: &SessionMark, reference: &[u8], series: &Series, events: &[Event]) -> Option<Session> {
        let world = mark.world.restore(reference, series, events)?;
        Some(Session {
            scenario: self.scenario.clone(),
            seed: self.seed,
            world,
            pending: mark.pending.clone(),
            start_params: self.start_params.clone(),
            log: mark.log.clone(),
            schedule: mark.schedule.clone(),
        })
    }

    /// This session with `world` (a world of the same run, read from a shipped mark) in place of
    /// its own, if the run is plain until the world's time ([`Session::plain_until`]; actions
    /// scheduled after it stay scheduled). `None` otherwise.
    pub fn at_plain(&self, world: World) -> Option<Session> {
        self.plain_until(world.time_s()).then(|| Session {
            scenario: self.scenario.clone(),
            seed: self.seed,
            world,
            pending: None,
            start_params: self.start_params.clone(),
            log: Vec::new(),
            schedule: self.schedule.clone(),
        })
    }

    /// Whether nothing was or will be done to the run up to simulated time `t_s`: no action in
    /// its log, no change waiting for a restart, and every scheduled action after `t_s` (one at
    /// tick `t_s` or before would have applied by then; see `apply_due`).
    pub fn plain_until(&self, t_s: f64) -> bool {
        self.log.is_empty() && self.pending.is_none() && self.schedule.iter().all(|a| a.t as f64 > t_s)
    }

    /// Schedules a log (from [`parse_log`]): each action applies when the run reaches its tick.
    pub fn replay(&mut self, actions: Vec<Action>) {
        self.schedule = actions.into();
    }

    fn apply_due(&mut self) {
        let now = self.world.time_s() as u64 + 1;
        while self.schedule.front().is_some_and(|x| x.t <= now) {
            let Some(x) = self.schedule.pop_front() else { break };
            // Entries were checked when the log was read; one that no longer applies (a
            // structural change, mega-supernodes already deployed) changes nothing.
            let _ = match x.kind {
                ActionKind::Set { key, value } => self.set_param(&key, &value).map(|_| ()),
                ActionKind::Do(i) => self.intervene(i),
                ActionKind::Toggle(i) => {
                    self.toggle(i);
                    Ok(())
                }
            };
        }
    }

    /// Advances by up to `ticks` simulated seconds (stopping at the longest run); returns how
    /// many ran.
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

    /// Runs to simulated time `t_s` (at most the longest run).
    pub fn run_until(&mut self, t_s: f64) {
        if t_s.is_finite() {
            let target = t_s.min(run::MAX_HOURS * 3600.0);
            while self.world.time_s() < target {
                self.step(1);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenarios;

    fn session(name: &str) -> Session {
        let s = scenarios::find(name).unwrap();
        let p = scenarios::scaled(&s.params, 0.02);
        Session::new(s, p, 3).unwrap()
    }

    #[test]
    fn a_log_replays_to_the_same_run() {
        let mut live = session("skype-2010");
        live.step(3000);
        live.set_param("failsafe.threshold", "60").unwrap();
        live.step(600);
        live.intervene(Intervention::Megas).unwrap();
        live.step(200);
        assert_eq!(live.toggle(5), Toggled::Crashed);
        live.step(2000);
        let json = log_json(live.log());
        let mut again = session("skype-2010");
        let log = parse_log(&json, again.params()).unwrap();
        assert_eq!(log.len(), 3);
        again.replay(log);
        again.step(5800);
        assert_eq!(again.world().time_s(), live.world().time_s());
        assert_eq!(again.world().series().hash_hex(), live.world().series().hash_hex());
    }

    #[test]
    fn every_intervention_gives_valid_parameters() {
        for name in scenarios::names() {
            let s = scenarios::find(name).unwrap();
            for i in Intervention::ALL {
                let q = i.apply(&s.params, 4000.0).unwrap_or_else(|e| panic!("{name} {}: {e}", i.name()));
                q.validate().unwrap();
                assert_ne!(q, s.params, "{name}: {} changed nothing", i.name());
            }
        }
        assert!(Intervention::from_name("reboot").unwrap_err().message.contains("megas, fix"));
    }

    #[test]
    fn bad_entries_are_named_by_index() {
        let p = scenarios::find("skype-2010").unwrap().params;
        let cases = [
            (r#"[{"t":1,"a":"set","k":"mega.count","v":"2"},{"t":5,"a":"do","k":"<b>x</b>"}]"#, "actions[1]"),
            (r#"[{"t":1,"a":"fly","k":"x"}]"#, "actions[0]"),
            (r#"[{"t":9,"a":"do","k":"fix"},{"t":3,"a":"do","k":"fix"}]"#, "actions[1]"),
            (r#"[{"t":1,"a":"set","k":"__proto__","v":"1"}]"#, "actions[0]"),
            (r#"[{"t":1,"a":"set","k":"mega.count","v":"-4"}]"#, "actions[0]"),
            (r#"[{"t":1,"a":"toggle","k":"seven"}]"#, "actions[0]"),
            (r#"[{"t":-1,"a":"do","k":"fix"}]"#, "actions[0]"),
            (r#"[{"t":1,"a":"do","k":"fix","x":1}]"#, "actions[0]"),
            (r#"{"t":1}"#, "actions"),
            ("not json", "actions"),
        ];
        for (json, field) in cases {
            let e = parse_log(json, &p).unwrap_err();
            assert_eq!(e.field, field, "{json}: {e}");
        }
        let long = format!("[{}]", vec![r#"{"t":1,"a":"do","k":"fix"}"#; MAX_ACTIONS + 1].join(","));
        assert!(parse_log(&long, &p).unwrap_err().message.contains("at most"));
    }
}
