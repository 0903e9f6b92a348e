//! Following one supernode or one client, with its story told in simulated time. A story only
//! reads the world after each tick; it never changes a run.
//!
//! - [`supernode`]: what happens to a supernode (overload, its failsafe's window, crash or
//!   failsafe, coming back), read straight from the model's state.
//! - [`client`]: one client's way through the outage (its supernode lost, a crash and relaunch,
//!   its walk down its host cache entry by entry, backoff, giving up), drawn from the model's own
//!   state, parameters and odds of the second (see there).

pub mod client;
pub mod supernode;

use crate::model::narration::{self, relative_time};
use crate::model::World;
pub use client::ClientStory;
use std::fmt::Write as _;
pub use supernode::Story;

/// Whom the reader follows.
#[derive(Clone, Debug)]
pub enum Followed {
    /// A supernode.
    Supernode(Story),
    /// A client.
    Client(ClientStory),
}

/// Whom to follow, as the page and links write it: a supernode's index (`31204`), or a client by
/// its place when it was picked (`31204.17`: slot 17 of supernode 31204).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Target {
    /// A supernode's index.
    Supernode(usize),
    /// A client: its supernode's index and its slot there.
    Client(usize, u32),
}

impl Target {
    /// Reads `31204` or `31204.17`; `None` otherwise.
    pub fn parse(text: &str) -> Option<Target> {
        let digits =
            |t: &str| (!t.is_empty() && t.len() <= 9 && t.bytes().all(|b| b.is_ascii_digit())).then(|| t.parse::<u64>().ok()).flatten();
        match text.trim().split_once('.') {
            None => digits(text.trim()).map(|i| Target::Supernode(i as usize)),
            Some((i, k)) => Some(Target::Client(digits(i)? as usize, u32::try_from(digits(k)?).ok()?)),
        }
    }
}

impl Followed {
    /// Starts following `target` in `world`; the error says what is allowed.
    pub fn new(world: &World, target: Target) -> Result<Followed, String> {
        let sn = world.supernodes();
        let n = sn.len();
        match target {
            Target::Supernode(i) => Story::new(world, i)
                .map(Followed::Supernode)
                .ok_or_else(|| format!("{i} is not a supernode of this run; allowed: 0 to {}", n.saturating_sub(1))),
            Target::Client(i, k) => {
                if i >= n {
                    return Err(format!("{i}.{k}: {i} is not a supernode of this run; allowed: 0 to {}", n.saturating_sub(1)));
                }
                if k >= sn.clients[i] {
                    return Err(format!(
                        "{i}.{k}: supernode {i} has {} clients now; allowed slots: 0 to {}",
                        sn.clients[i],
                        sn.clients[i] as i64 - 1
                    ));
                }
                Ok(Followed::Client(ClientStory::new(world, i, k)))
            }
        }
    }

    /// Whom it follows.
    pub fn target(&self) -> Target {
        match self {
            Followed::Supernode(s) => Target::Supernode(s.index()),
            Followed::Client(c) => {
                let (i, k) = c.picked();
                Target::Client(i, k)
            }
        }
    }

    /// Reads the world after a tick.
    pub fn observe(&mut self, world: &World) {
        match self {
            Followed::Supernode(s) => s.observe(world),
            Followed::Client(c) => c.observe(world),
        }
    }

    /// After the run went back in time.
    pub fn rewind(&mut self, world: &World) {
        match self {
            Followed::Supernode(s) => s.rewind(world),
            Followed::Client(c) => c.rewind(world),
        }
    }

    /// The story as JSON: `{"index": i, …, "lines": [{"t_s", "time", "text"}]}`.
    pub fn to_json(&self, trigger_s: f64) -> String {
        match self {
            Followed::Supernode(s) => s.to_json(trigger_s),
            Followed::Client(c) => c.to_json(trigger_s),
        }
    }

    /// Where the followed one is now, for the page's ring: a supernode, or the client (its dot
    /// when each client is drawn, else its supernode or the entry it is trying).
    pub fn place(&self, world: &World) -> Place {
        match self {
            Followed::Supernode(s) => Place::Supernode(s.index()),
            Followed::Client(c) => c.place(world),
        }
    }
}

/// Runs `world` to `from_s`, starts following `target` there, and goes on second by second to
/// `until_s`, telling the story (what `supernode-sim follow` prints). The error says what is
/// allowed.
pub fn tell(world: &mut World, target: Target, from_s: f64, until_s: f64) -> Result<Followed, String> {
    world.run_until(from_s);
    let mut f = Followed::new(world, target)?;
    while world.time_s() < until_s {
        world.step();
        f.observe(world);
    }
    Ok(f)
}

/// Where a followed one is, for the picture.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Place {
    /// At (or trying) this supernode.
    Supernode(usize),
    /// Attached to this supernode, in this slot.
    Client(usize, u32),
    /// Nowhere on the map (crashed, waiting, away).
    Nowhere,
}

/// `n` with thousands separators (the narration's words).
pub(crate) fn thousands(n: u32) -> String {
    narration::thousands(n as u64)
}

/// A multiple, `3.2×` or `86×` (the narration's words).
pub(crate) fn times(r: f32) -> String {
    narration::times(r as f64)
}

/// A story as JSON: `{<head>, "lines": [{"t_s": …, "time": "T+0:12", "text": …}]}`.
pub(crate) fn story_json(head: &str, lines: impl Iterator<Item = (f64, String)>, trigger_s: f64) -> String {
    let mut out = format!("{{{head},\"lines\":[");
    for (k, (t, text)) in lines.enumerate() {
        if k > 0 {
            out.push(',');
        }
        let _ = write!(
            out,
            "{{\"t_s\":{t},\"time\":{},\"text\":{}}}",
            serde_json::Value::from(relative_time(t, trigger_s)),
            serde_json::Value::from(text)
        );
    }
    out.push_str("]}");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tell_runs_and_follows() {
        let s = crate::scenarios::find("skype-2010").unwrap();
        let mut w = crate::run::world(&s, crate::scenarios::scaled(&s.params, 0.02), 1).unwrap();
        let f = tell(&mut w, Target::Supernode(3), 3000.0, 3600.0 + 3.0 * 3600.0).unwrap();
        assert_eq!(w.time_s(), 3600.0 + 3.0 * 3600.0);
        let json: serde_json::Value = serde_json::from_str(&f.to_json(3600.0)).unwrap();
        assert!(json["lines"].as_array().unwrap().len() >= 2, "{json}");
        let mut w = crate::run::world(&s, crate::scenarios::scaled(&s.params, 0.02), 1).unwrap();
        let e = tell(&mut w, Target::Client(3, 100_000), 0.0, 60.0).unwrap_err();
        assert!(e.contains("allowed slots: 0 to"), "{e}");
    }

    #[test]
    fn numbers_and_targets() {
        assert_eq!(thousands(31204), "31,204");
        assert_eq!(thousands(7), "7");
        assert_eq!(times(3.24), "3.2×");
        assert_eq!(times(86.4), "86×");
        assert_eq!(Target::parse("31204"), Some(Target::Supernode(31204)));
        assert_eq!(Target::parse(" 31204.17 "), Some(Target::Client(31204, 17)));
        for bad in ["", "-1", "1.", ".3", "1.2.3", "1e3", "x", "12345678901"] {
            assert_eq!(Target::parse(bad), None, "{bad}");
        }
    }
}
