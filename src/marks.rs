//! Marks shipped with the page: a scenario's default run, computed ahead of time and saved every
//! simulated hour, so that a link far into it (T+20 h of the 2010 outage) opens in seconds
//! instead of computing its way there.
//!
//! A mark is a world's full image ([`World::write_image`]) behind a header: the key of its run
//! ([`run_key`]: a fingerprint of the model's source, the scenario, the seed and the start
//! parameters) and a digest of the image. The page reads a mark only for a run with the same key, which it computes the same
//! way, and only while the run is plain up to the mark (nothing done to it before then); the world
//! it reads is the one it would have computed, bit for bit (tested natively in `tests/marks.rs`
//! and in the browser against the CLI's hash). `supernode-sim marks` writes them and an index;
//! `make pkg` runs it for the incident scenarios.

use crate::actions::Session;
use crate::model::metrics::fnv1a_hex;
use crate::model::{Params, World};

/// A fingerprint of the library's source (`build.rs`): marks of another version never match.
pub const SOURCE_ID: &str = env!("SUPERNODE_SIM_SOURCE_ID");

/// The first bytes of a mark.
pub const MAGIC: &[u8; 8] = b"SNSMARK1";

/// Length of a run key in hexadecimal digits.
const KEY_DIGITS: usize = 16;

/// Why a mark was not read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum MarkError {
    /// The bytes are not a mark (another file, cut short).
    NotAMark,
    /// A mark of another run (another scenario, seed, parameters or model version).
    OtherRun,
    /// Something was done to the run before the mark's time, so the mark is not this run's.
    NotPlain,
    /// The mark's image does not read back (corrupt).
    Corrupt,
}

impl std::fmt::Display for MarkError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            MarkError::NotAMark => "not a mark (another file, or cut short)",
            MarkError::OtherRun => "a mark of another run (scenario, seed, parameters or model version)",
            MarkError::NotPlain => "the run was changed before the mark's time",
            MarkError::Corrupt => "the mark's image does not read back",
        })
    }
}

/// The key of the run of `scenario` with `seed` and start parameters `params` under this version
/// of the model: 16 hexadecimal digits (64-bit FNV-1a of the source fingerprint, the scenario's
/// name, the seed and the parameters' JSON).
pub fn run_key(scenario: &str, seed: u64, params: &Params) -> String {
    let json = params.to_json().to_string();
    let mut all = Vec::new();
    for part in [SOURCE_ID.as_bytes(), scenario.as_bytes(), &seed.to_le_bytes(), json.as_bytes()] {
        all.extend_from_slice(part);
        all.push(0);
    }
    digest(&all)
}

/// The key of `s`'s run (see [`run_key`]).
pub fn session_key(s: &Session) -> String {
    run_key(s.scenario().name, s.seed(), s.start_params())
}

/// The digest of `bytes` ([`fnv1a_hex`]: [`KEY_DIGITS`] hexadecimal digits).
fn digest(bytes: &[u8]) -> String {
    fnv1a_hex(bytes.iter().copied())
}

/// A mark of `s`'s run at its current time: [`MAGIC`], the run's key, a digest of the image, and
/// the world's full image packed against `reference` (the run's image at time 0).
pub fn write(s: &Session, reference: &[u8]) -> Vec<u8> {
    let image = s.world().write_image(reference);
    let mut out = Vec::with_capacity(MAGIC.len() + 2 * KEY_DIGITS + image.len());
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(session_key(s).as_bytes());
    out.extend_from_slice(digest(&image).as_bytes());
    out.extend_from_slice(&image);
    out
}

/// The session `s` would be at the time of the mark `bytes` holds: `s` is the run at time 0 (or
/// any time; its scenario, seed and start parameters name the run) and `reference` its image at
/// time 0. Refused if the mark is of another run, or if anything was done to `s` before the
/// mark's time.
pub fn read(s: &Session, reference: &[u8], bytes: &[u8]) -> Result<Session, MarkError> {
    let key_end = MAGIC.len() + KEY_DIGITS;
    let head = key_end + KEY_DIGITS;
    if bytes.len() < head || &bytes[..MAGIC.len()] != MAGIC {
        return Err(MarkError::NotAMark);
    }
    if bytes[MAGIC.len()..key_end] != *session_key(s).as_bytes() {
        return Err(MarkError::OtherRun);
    }
    if bytes[key_end..head] != *digest(&bytes[head..]).as_bytes() {
        return Err(MarkError::Corrupt);
    }
    // A world of this run with its start parameters, whose every value the image then replaces
    // (only the parameters and the scenario's texts are kept): `s`'s own while nothing has been
    // done to it (scheduled interventions never change parameters), else the run built afresh.
    let fresh;
    let start = if s.log().is_empty() && !s.needs_restart() {
        s.world()
    } else {
        fresh = Session::new(s.scenario().clone(), s.start_params().clone(), s.seed()).map_err(|_| MarkError::OtherRun)?;
        fresh.world()
    };
    let world = World::read_image(start, reference, &bytes[head..]).ok_or(MarkError::Corrupt)?;
    s.at_plain(world).ok_or(MarkError::NotPlain)
}

/// The spacing of shipped marks, in simulated seconds: a link replays at most this much.
pub const SHIPPED_EVERY_S: f64 = 3600.0;

/// A mark is worth fetching only if it saves at least this much replay, in simulated seconds.
pub const MIN_GAIN_S: f64 = 600.0;

/// One run's shipped marks, as the index lists them.
#[derive(Clone, Debug, PartialEq)]
pub struct Shipped {
    /// The run's key ([`run_key`]): its marks are in a folder of that name.
    pub key: String,
    /// The scenario.
    pub scenario: String,
    /// The seed.
    pub seed: u64,
    /// The times of its marks, in simulated seconds, increasing.
    pub times_s: Vec<f64>,
}

/// The file name of the mark at `t_s` in its run's folder.
pub fn file_name(t_s: f64) -> String {
    format!("{}.mark", t_s as u64)
}

/// The times at which `scenario`'s run is shipped: every `every_s` from `every_s` to its length.
pub fn ship_times(default_hours: f64, every_s: f64) -> Vec<f64> {
    let end = default_hours * 3600.0;
    (1..).map(|k| k as f64 * every_s).take_while(|&t| t <= end).collect()
}

/// Runs `s` (a session at time 0) through `times_s`, handing each mark to `out` with its time:
/// what `supernode-sim marks` writes. Returns the run's entry for the index.
pub fn ship<E>(mut s: Session, times_s: &[f64], mut out: impl FnMut(f64, Vec<u8>) -> Result<(), E>) -> Result<Shipped, E> {
    let reference = s.world().checkpoint_image();
    let key = session_key(&s);
    for &t in times_s {
        s.run_until(t);
        out(t, write(&s, &reference))?;
    }
    Ok(Shipped { key, scenario: s.scenario().name.to_string(), seed: s.seed(), times_s: times_s.to_vec() })
}

/// The index of shipped runs as JSON: `{"<key>": {"scenario", "seed", "times_s": [...]}}`.
pub fn index_json(list: &[Shipped]) -> String {
    let mut m = serde_json::Map::new();
    for x in list {
        m.insert(x.key.clone(), serde_json::json!({ "scenario": x.scenario, "seed": x.seed, "times_s": x.times_s }));
    }
    serde_json::to_string_pretty(&serde_json::Value::Object(m)).unwrap_or_default()
}

/// The index read back: the runs it lists (an entry it cannot read is left out).
pub fn parse_index(text: &str) -> Vec<Shipped> {
    let Ok(serde_json::Value::Object(m)) = serde_json::from_str::<serde_json::Value>(text) else { return Vec::new() };
    m.into_iter()
        .filter_map(|(key, v)| {
            let times_s: Vec<f64> = v.get("times_s")?.as_array()?.iter().map(|t| t.as_f64()).collect::<Option<_>>()?;
            Some(Shipped { key, scenario: v.get("scenario")?.as_str()?.to_string(), seed: v.get("seed")?.as_u64()?, times_s })
        })
        .collect()
}

/// The shipped mark worth fetching to show `s`'s run at `target_s`, given the index's text and
/// the history the run keeps: the latest listed at or before the target that is at least
/// [`MIN_GAIN_S`] further on than where the run would otherwise start from (its own latest
/// mark at or before the target, or where it stands if that is closer), with nothing done to
/// the run before it. `None` if none is.
pub fn wanted(index: &str, s: &Session, h: &crate::history::History, target_s: f64) -> Option<f64> {
    let key = session_key(s);
    let runs = parse_index(index);
    let run = runs.iter().find(|x| x.key == key)?;
    let own = h.marks().iter().map(|m| m.time_s()).filter(|&t| t <= target_s).fold(0.0, f64::max);
    let now = s.world().time_s();
    let from = if now <= target_s { own.max(now) } else { own };
    let t = run.times_s.iter().copied().filter(|&t| t <= target_s).fold(f64::NEG_INFINITY, f64::max);
    (t >= from + MIN_GAIN_S && s.plain_until(t) && h.as_happened().is_none()).then_some(t)
}
