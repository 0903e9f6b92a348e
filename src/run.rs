//! A whole run, start to end: what the CLI's `run` prints and the tests check. Shared by the CLI
//! and the page so both produce the same object and the same hash.

use serde_json::{json, Value};

use crate::actions::{Action, Session};
use crate::inputs;
use crate::model::params::ParamError;
use crate::model::{Params, World};
use crate::scenarios::{self, Scenario};

/// The default seed.
pub const DEFAULT_SEED: u64 = 1;

/// Longest run, in simulated hours.
pub use crate::inputs::MAX_HOURS;

/// A finished run.
#[derive(Clone, Debug)]
pub struct RunResult {
    /// The scenario's name.
    pub scenario: String,
    /// The seed.
    pub seed: u64,
    /// The world at the end (its params, series, events and summary).
    pub world: World,
}

impl RunResult {
    /// The run as the JSON object `run --format json` prints.
    pub fn to_json(&self) -> Value {
        let w = &self.world;
        json!({
            "scenario": self.scenario,
            "seed": self.seed,
            "params": w.params().to_json(),
            "series": w.series().to_json(),
            "events": w.events(),
            "summary": w.summary(),
            "hash": w.series().hash_hex(),
        })
    }
}

/// Finds a scenario or says which exist.
pub fn scenario(name: &str) -> Result<Scenario, ParamError> {
    inputs::check("scenario", name, "")?;
    scenarios::find(name.trim()).ok_or_else(|| inputs::input("scenario").expect("described").rejected(name))
}

/// Checks a duration in hours (the `hours` input).
pub fn check_hours(h: f64) -> Result<f64, ParamError> {
    inputs::check("hours", &format!("{h}"), "")?;
    Ok(h)
}

/// Parameters at a fraction of their scale (see [`scenarios::scaled`]), checking the fraction.
pub fn scaled(p: &Params, fraction: f64) -> Result<Params, ParamError> {
    inputs::check("scale", &format!("{fraction}"), "")?;
    let q = scenarios::scaled(p, fraction);
    q.validate()?;
    Ok(q)
}

/// A scenario's parameters (`p`) at a fraction `scale` of its size, then parameter overrides
/// (JSON text, as the element's `params` attribute gives them) on top, key by key: the overrides
/// that pass, and a message for each that does not. A scale outside (0, 1] (already reported
/// where it was read) runs at full size.
pub fn overrides_at_scale(p: &Params, scale: f64, text: &str) -> (Params, Vec<ParamError>) {
    let base = if scale == 1.0 { p.clone() } else { scaled(p, scale).unwrap_or_else(|_| p.clone()) };
    inputs::overrides(&base, text)
}

/// A world for a scenario, parameters and seed, with the scenario's narration.
pub fn world(s: &Scenario, params: Params, seed: u64) -> Result<World, ParamError> {
    let mut w = World::new(params, seed)?;
    w.set_texts(s.texts.clone());
    Ok(w)
}

/// Runs `params` (a scenario's, possibly edited) for `hours` simulated hours.
pub fn run(s: &Scenario, params: Params, seed: u64, hours: f64) -> Result<RunResult, ParamError> {
    run_with_actions(s, params, seed, hours, Vec::new())
}

/// Runs `params` for `hours` simulated hours, applying a user's actions (from a copied link) at
/// their simulated seconds: the same run, bit for bit, as the page that recorded them.
pub fn run_with_actions(s: &Scenario, params: Params, seed: u64, hours: f64, actions: Vec<Action>) -> Result<RunResult, ParamError> {
    let hours = check_hours(hours)?;
    let mut session = Session::new(s.clone(), params, seed)?;
    session.replay(actions);
    session.run_until(hours * 3600.0);
    Ok(RunResult { scenario: s.name.to_string(), seed, world: session.world().clone() })
}
