//! Following one supernode: what happens to it, second by second, told in simulated time ("T+0:12
//! asked 3.1× its capacity; T+0:14 its failsafe fired: it dropped the role, and its 287 clients
//! must reconnect elsewhere"). It only reads the world after each tick; it never changes a run.
//!
//! The events are typed and their words are rendered in one place ([`StoryEvent::words`]).

use super::{story_json, thousands, times};
use crate::model::{SnKind, SnState, World};

/// Seconds a supernode's load must stay over (or back within) its capacity before the story says
/// so: the load is worked out each second and may flicker about the line.
pub const STEADY_S: f64 = 20.0;
/// Most events a story keeps (the oldest go first).
const MAX_EVENTS: usize = 64;

/// Something that happened to the followed supernode.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum StoryEvent {
    /// Following began (or the picture went back to a time before the first event).
    Began {
        /// What it was doing.
        state: SnState,
        /// Who runs it.
        kind: SnKind,
        /// Its clients.
        clients: u32,
        /// Its load as a multiple of its capacity.
        load_ratio: f32,
    },
    /// Asked more than its capacity for [`STEADY_S`] seconds or more.
    Overloaded {
        /// Its load as a multiple of its capacity when that began.
        load_ratio: f32,
    },
    /// Back within its capacity for [`STEADY_S`] seconds.
    WithinCapacity,
    /// Its failsafe's load average reached half of the threshold at which it drops the role.
    FailsafeHalf {
        /// The failsafe's threshold, as a multiple of capacity.
        threshold: f32,
    },
    /// Its failsafe fired: it dropped the supernode role.
    ShutDown {
        /// Clients it had.
        clients: u32,
    },
    /// It crashed.
    Crashed {
        /// Clients it had.
        clients: u32,
        /// Whether its own client runs the buggy version.
        buggy: bool,
    },
    /// It serves (again).
    Serving {
        /// Who runs it now.
        kind: SnKind,
    },
}

impl StoryEvent {
    /// The words for the event, for supernode `index`.
    pub fn words(&self, index: usize) -> String {
        match *self {
            StoryEvent::Began { state, kind, clients, load_ratio } => {
                let what = match state {
                    SnState::Up => format!("serving {} clients at {} its capacity", thousands(clients), times(load_ratio)),
                    SnState::ShutDown => "out of the role (its failsafe fired)".to_string(),
                    SnState::Crashed => "down (crashed)".to_string(),
                    SnState::Off => "not deployed".to_string(),
                };
                format!("Following supernode #{} ({}): {what}.", thousands(index as u32), kind.describe())
            }
            StoryEvent::Overloaded { load_ratio } => {
                format!("asked {} its capacity: clients reconnecting to it queue and time out.", times(load_ratio))
            }
            StoryEvent::WithinCapacity => "back within its capacity.".to_string(),
            StoryEvent::FailsafeHalf { threshold } => {
                format!(
                    "its failsafe's window is half full (it drops the role when its load average reaches {} its capacity).",
                    times(threshold)
                )
            }
            StoryEvent::ShutDown { clients } => format!("its failsafe fired: it dropped the supernode role{}.", orphans(clients, ", and")),
            StoryEvent::Crashed { clients, buggy } => {
                format!("crashed{}{}.", if buggy { " (its own client runs the buggy version)" } else { "" }, orphans(clients, ";"))
            }
            StoryEvent::Serving { kind: SnKind::Promoted } => {
                "a client with a public address was promoted in its place: it serves, empty.".to_string()
            }
            StoryEvent::Serving { kind: SnKind::Mega | SnKind::Repurposed } => "deployed as a mega-supernode: it serves.".to_string(),
            StoryEvent::Serving { .. } => "serving again.".to_string(),
        }
    }
}

/// What becomes of a lost supernode's clients, after `joint`.
fn orphans(clients: u32, joint: &str) -> String {
    match clients {
        0 => format!("{joint} it had no clients yet"),
        1 => format!("{joint} its one client must reconnect elsewhere"),
        n => format!("{joint} its {} clients must reconnect elsewhere", thousands(n)),
    }
}

/// What the story last read of the supernode.
#[derive(Clone, Copy, Debug, PartialEq)]
struct Seen {
    state: SnState,
    kind: SnKind,
    clients: u32,
}

/// One followed supernode's story.
#[derive(Clone, Debug)]
pub struct Story {
    index: usize,
    events: Vec<(f64, StoryEvent)>,
    last: Seen,
    /// Whether the story last said it was overloaded, and since when the load has said otherwise.
    overloaded: bool,
    against_since: Option<f64>,
    /// Whether the half-full window was told in this serving spell.
    half_told: bool,
}

impl Story {
    /// Starts following supernode `index` of `world`; `None` if there is no such supernode.
    pub fn new(world: &World, index: usize) -> Option<Story> {
        if index >= world.supernodes().len() {
            return None;
        }
        let mut s = Story { index, events: Vec::new(), last: seen(world, index), overloaded: false, against_since: None, half_told: false };
        s.begin(world);
        Some(s)
    }

    fn begin(&mut self, world: &World) {
        let sn = world.supernodes();
        let i = self.index;
        self.last = seen(world, i);
        self.overloaded = sn.overloaded(i);
        self.against_since = None;
        self.half_told = half_full(world, i);
        let load_ratio = sn.load_per_s(i) / sn.capacity_per_s[i].max(1e-6);
        self.push(
            world.time_s(),
            StoryEvent::Began { state: self.last.state, kind: self.last.kind, clients: self.last.clients, load_ratio },
        );
    }

    fn push(&mut self, t_s: f64, e: StoryEvent) {
        if self.events.len() == MAX_EVENTS {
            self.events.remove(1);
        }
        self.events.push((t_s, e));
    }

    /// The supernode followed.
    pub fn index(&self) -> usize {
        self.index
    }

    /// The events so far, with their simulated times.
    pub fn events(&self) -> &[(f64, StoryEvent)] {
        &self.events
    }

    /// Reads the world after a tick and tells what changed.
    pub fn observe(&mut self, world: &World) {
        let sn = world.supernodes();
        let i = self.index;
        let t = world.time_s();
        let now = seen(world, i);
        if now.state != self.last.state || now.kind != self.last.kind {
            let e = match now.state {
                SnState::ShutDown => Some(StoryEvent::ShutDown { clients: self.last.clients }),
                SnState::Crashed => Some(StoryEvent::Crashed { clients: self.last.clients, buggy: sn.buggy[i] }),
                SnState::Up => Some(StoryEvent::Serving { kind: now.kind }),
                SnState::Off => None,
            };
            if let Some(e) = e {
                self.push(t, e);
            }
            self.overloaded = false;
            self.against_since = None;
            self.half_told = false;
        }
        if now.state == SnState::Up {
            let over = sn.overloaded(i);
            if over == self.overloaded {
                self.against_since = None;
            } else {
                let since = *self.against_since.get_or_insert(t);
                if t - since >= STEADY_S {
                    self.overloaded = over;
                    self.against_since = None;
                    let ratio = sn.load_per_s(i) / sn.capacity_per_s[i].max(1e-6);
                    self.push(since, if over { StoryEvent::Overloaded { load_ratio: ratio } } else { StoryEvent::WithinCapacity });
                }
            }
            if !self.half_told && half_full(world, i) {
                self.half_told = true;
                self.push(t, StoryEvent::FailsafeHalf { threshold: world.params().failsafe.threshold as f32 });
            }
        }
        self.last = now;
    }

    /// After the run went back in time: drops what happened after now and reads the world
    /// afresh (a jump forward keeps the story and reads on from where it lands).
    pub fn rewind(&mut self, world: &World) {
        let t = world.time_s();
        self.events.retain(|(at, _)| *at <= t);
        if self.events.is_empty() {
            self.begin(world);
        } else {
            self.last = seen(world, self.index);
            self.overloaded = world.supernodes().overloaded(self.index);
            self.against_since = None;
            self.half_told = half_full(world, self.index);
        }
    }

    /// The story as JSON: `{"index": i, "lines": [{"t_s": …, "time": "T+0:12", "text": …}]}`.
    pub fn to_json(&self, trigger_s: f64) -> String {
        story_json(&format!("\"index\":{}", self.index), self.events.iter().map(|(t, e)| (*t, e.words(self.index))), trigger_s)
    }
}

fn seen(world: &World, i: usize) -> Seen {
    let sn = world.supernodes();
    Seen { state: sn.state[i], kind: sn.kind[i], clients: sn.clients[i] }
}

fn half_full(world: &World, i: usize) -> bool {
    let sn = world.supernodes();
    let theta = world.params().failsafe.threshold as f32;
    sn.is_up(i) && sn.guarded[i] > 0.0 && sn.load_avg[i] >= 0.5 * theta * sn.capacity_per_s[i]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{run, scenarios};

    #[test]
    fn a_supernode_in_the_2010_cascade_has_a_story() {
        let s = scenarios::find("skype-2010").unwrap();
        let p = scenarios::scaled(&s.params, 0.02);
        let mut w = run::world(&s, p, 1).unwrap();
        w.run_until(s.params.trigger.start_s - 60.0);
        // Follow every tenth peer; at least one must lose the role, by crash or failsafe.
        let mut stories: Vec<Story> = (0..w.supernodes().peers).step_by(10).map(|i| Story::new(&w, i).unwrap()).collect();
        for _ in 0..3 * 3600 {
            w.step();
            for st in &mut stories {
                st.observe(&w);
            }
        }
        let told: Vec<String> = stories.iter().flat_map(|st| st.events().iter().map(|(_, e)| e.words(st.index()))).collect();
        assert!(told.iter().any(|t| t.starts_with("its failsafe fired")), "no failsafe in {told:?}");
        assert!(told.iter().any(|t| t.starts_with("crashed")), "no crash");
        assert!(told.iter().any(|t| t.starts_with("asked ")), "no overload");
        let one = stories.iter().find(|st| st.events().len() > 2).unwrap();
        let json: serde_json::Value = serde_json::from_str(&one.to_json(s.params.trigger.start_s)).unwrap();
        assert!(json["lines"][0]["text"].as_str().unwrap().starts_with("Following supernode #"));
        assert!(json["lines"][1]["time"].as_str().unwrap().starts_with("T+"));
        // Going back keeps only what happened before.
        let mut back = run::world(&s, scenarios::scaled(&s.params, 0.02), 1).unwrap();
        back.run_until(s.params.trigger.start_s + 60.0);
        let mut st = one.clone();
        st.rewind(&back);
        assert!(st.events().iter().all(|(t, _)| *t <= back.time_s()));
        assert!(!st.events().is_empty());
    }

    #[test]
    fn words_and_bounds() {
        assert_eq!(
            StoryEvent::ShutDown { clients: 0 }.words(3),
            "its failsafe fired: it dropped the supernode role, and it had no clients yet."
        );
        assert_eq!(
            StoryEvent::Crashed { clients: 1200, buggy: true }.words(3),
            "crashed (its own client runs the buggy version); its 1,200 clients must reconnect elsewhere."
        );
        let s = scenarios::find("baseline").unwrap();
        let w = run::world(&s, scenarios::scaled(&s.params, 0.01), 1).unwrap();
        assert!(Story::new(&w, w.supernodes().len()).is_none());
    }
}
