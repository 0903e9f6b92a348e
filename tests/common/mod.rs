//! What the checkpoint and mark tests share: a world's whole state as text, and a session of a
//! scenario at a scale with an action log.

use supernode_sim::actions::{parse_log, Session};
use supernode_sim::model::World;
use supernode_sim::scenarios;

/// Everything a world holds, as text: its checkpoint with no reference (the small parts as a
/// clone, the large columns packed) and its series and narration.
pub fn state(w: &World) -> String {
    format!("{:?} {:?} {:?}", w.checkpoint(&[]), w.series(), w.events())
}

/// A session of scenario `name` at `scale` with `seed`, replaying the action log `log` (JSON).
pub fn session(name: &str, scale: f64, seed: u64, log: &str) -> Session {
    let sc = scenarios::find(name).unwrap();
    let p = scenarios::scaled(&sc.params, scale);
    let actions = parse_log(log, &p).unwrap();
    let mut s = Session::new(sc, p, seed).unwrap();
    s.replay(actions);
    s
}
