//! One client's way through the outage: "T+0:12 crashed (it runs the buggy version); T+0:19
//! relaunched by its user; T+0:20 attempt 1 failed: all 7 cache entries (5 dead, 2 refused); the
//! bootstrap servers sent a fresh list; it waits 37 seconds; T+0:21 connected to supernode
//! #31,204".
//!
//! The model holds clients as counts (by state, version and host cache), not as individuals, so
//! a followed client is one drawn from the model's own state and odds, second by second:
//!
//! - Picked as slot `k` of supernode `i` (the dot the picture draws there), it runs the version
//!   the trigger affects with the scenario's share. Each second it stays unless: its supernode
//!   goes down; it crashes, with the model's odds of a first crash that second (the share of
//!   online, never-crashed clients of its version that crashed); the 2015 push disconnects it
//!   (`trigger.hazard_per_h`); its user logs off (`clients.session_mean_s`; the story ends); or
//!   its supernode's count falls below its slot (the highest slots leave first: the clients an
//!   overloaded supernode left unanswered).
//! - A crash waits for its user's relaunch (exponential, `clients.relaunch_mean_s`).
//! - Its host cache holds the supernode it was attached to and that supernode's overlay
//!   neighbours (`host_cache.size` entries). It tries them in turn: a dead entry costs
//!   `host_cache.entry_timeout_s`; a serving one takes it with the model's share of attempts that
//!   get in that second, else it is refused and costs the same timeout.
//! - When every entry failed it asks the bootstrap servers (answered in the share their capacity
//!   allows that second; an answer is a fresh cache from a serving supernode), then waits as the
//!   run's retry policy says for its attempt number, and may give up meanwhile (`clients.
//!   patience_s`) and come back later (`clients.return_mean_s`).
//!
//! Its random draws come from its own stream (the run's seed, its supernode and slot), so the
//! same run followed the same way tells the same story; they never touch the run.

use super::{story_json, thousands, Place};
use crate::model::params::TriggerKind;
use crate::model::rng::SimRng;
use crate::model::supernode::derive_seed;
use crate::model::world::V_BUGGY;
use crate::model::{retry, SnState, World};

/// The random stream of followed clients (apart from the model's own streams).
const FOLLOW_STREAM: u64 = 0x00f0_110a;
/// Most events a story keeps (the oldest go first, the first stays).
const MAX_EVENTS: usize = 64;

/// Something that happened to the followed client.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum ClientEvent {
    /// Following began: it is attached to supernode `sn` in slot `slot`.
    Began {
        /// Its supernode.
        sn: u32,
        /// Its slot there.
        slot: u32,
        /// Whether it runs the version the trigger affects.
        buggy: bool,
    },
    /// Its supernode went down (crashed, or dropped the role when its failsafe fired).
    LostSupernode {
        /// The supernode.
        sn: u32,
        /// Crashed (else its failsafe fired).
        crashed: bool,
    },
    /// Its supernode, overloaded, left its keep-alives unanswered: it reconnects.
    KeepalivesUnanswered {
        /// The supernode.
        sn: u32,
    },
    /// It crashed (the 2010 trigger: its version crashes on a delayed offline-message reply).
    Crashed,
    /// The trigger disconnected it (2015: a configuration its version cannot process).
    Disconnected,
    /// Its user relaunched it after the crash.
    Relaunched,
    /// Its user logged off: the story ends.
    LoggedOff,
    /// A walk down its host cache got it in.
    Connected {
        /// The supernode that took it.
        to: u32,
        /// Entries tried in this walk, the last included.
        tried: u32,
        /// Of them, dead.
        dead: u32,
        /// Of them, serving but refused (queue full or timed out).
        refused: u32,
    },
    /// Every entry failed; it asked the bootstrap servers and waits before its next walk, as its
    /// retry policy says. (A run of these shows as the latest, with its attempt number.)
    CacheFailed {
        /// The walk that failed (1 = its first).
        attempt: u32,
        /// Entries tried.
        tried: u32,
        /// Of them, dead.
        dead: u32,
        /// Of them, refused.
        refused: u32,
        /// Whether the bootstrap servers answered with a fresh cache.
        fresh: bool,
        /// How long it waits before the next walk, in seconds.
        wait_s: u32,
    },
    /// Its user gave up and closed the client for now.
    GaveUp,
    /// Its user opened the client again.
    CameBack,
}

fn plural(n: u32, one: &str, many: &str) -> String {
    format!("{} {}", thousands(n), if n == 1 { one } else { many })
}

impl ClientEvent {
    /// The words for the event.
    pub fn words(&self) -> String {
        match *self {
            ClientEvent::Began { sn, slot, buggy } => format!(
                "Following client {}.{slot}, attached to supernode #{}{}.",
                sn,
                thousands(sn),
                if buggy { " (it runs the version the trigger affects)" } else { "" }
            ),
            ClientEvent::LostSupernode { sn, crashed } => format!(
                "its supernode #{} {}: it notices within its keep-alive and walks its host cache.",
                thousands(sn),
                if crashed { "crashed" } else { "dropped the role (its failsafe fired)" }
            ),
            ClientEvent::KeepalivesUnanswered { sn } => {
                format!("its supernode #{}, overloaded, left its keep-alives unanswered: it reconnects.", thousands(sn))
            }
            ClientEvent::Crashed => "crashed (its version crashes on a delayed offline-message reply); its user will relaunch it.".into(),
            ClientEvent::Disconnected => "disconnected by the configuration change its version cannot process: it reconnects.".into(),
            ClientEvent::Relaunched => "relaunched by its user: it walks its host cache.".into(),
            ClientEvent::LoggedOff => "its user logged off (the story ends here).".into(),
            ClientEvent::Connected { to, tried: 1, .. } => format!("connected to supernode #{}, the first entry it tried.", thousands(to)),
            ClientEvent::Connected { to, tried, dead, refused } => format!(
                "tried {} ({dead} dead, {refused} refused); connected to supernode #{}.",
                plural(tried, "cache entry", "cache entries"),
                thousands(to)
            ),
            ClientEvent::CacheFailed { attempt, tried, dead, refused, fresh, wait_s } => format!(
                "attempt {attempt} failed: all {} ({dead} dead, {refused} refused); the bootstrap servers {}; it waits {} (its retry policy).",
                plural(tried, "cache entry", "cache entries"),
                if fresh { "sent a fresh list of supernodes" } else { "were too busy to answer" },
                plural(wait_s, "second", "seconds")
            ),
            ClientEvent::GaveUp => "its user gave up and closed Skype for now.".into(),
            ClientEvent::CameBack => "its user opened Skype again: it walks its host cache.".into(),
        }
    }
}

/// Where the client is in its way.
#[derive(Clone, Copy, Debug, PartialEq)]
enum State {
    Online { sn: u32, slot: u32 },
    Crashed { until_s: f64 },
    Walking { next: u32, at_s: f64, dead: u32, refused: u32 },
    Waiting { until_s: f64 },
    Away { until_s: f64 },
    Gone,
}

/// What the story needs to go on from an event (kept with each, for going back in time).
#[derive(Clone, Debug)]
struct Core {
    state: State,
    cache: Vec<u32>,
    attempt: u32,
    rng: SimRng,
}

/// One followed client's story.
#[derive(Clone, Debug)]
pub struct ClientStory {
    picked: (usize, u32),
    buggy: bool,
    /// Whether it has crashed once (a first crash is what the model counts per client).
    crashed_once: bool,
    /// The model's distinct crashed clients and online never-crashed buggy clients, a tick ago.
    seen_crashes: (u64, u64),
    core: Core,
    /// Each event with the story's state right after it.
    events: Vec<(f64, ClientEvent, Core)>,
}

impl ClientStory {
    /// Starts following slot `k` of supernode `i` (the caller checks that it exists).
    pub fn new(world: &World, i: usize, k: u32) -> ClientStory {
        let mut rng = SimRng::new(derive_seed(world.seed(), FOLLOW_STREAM, ((i as u64) << 32) | k as u64));
        let p = world.params();
        let affected = p.trigger.kind != TriggerKind::None;
        let buggy = affected && rng.uniform() < p.clients.buggy_fraction;
        let c = world.clients();
        let mut s = ClientStory {
            picked: (i, k),
            buggy,
            crashed_once: false,
            seen_crashes: (c.crashed_distinct, c.online[V_BUGGY]),
            core: Core { state: State::Online { sn: i as u32, slot: k }, cache: Vec::new(), attempt: 0, rng },
            events: Vec::new(),
        };
        s.core.cache = cache_of(world, i);
        s.push(world.time_s(), ClientEvent::Began { sn: i as u32, slot: k, buggy });
        s
    }

    /// Where it was picked: its supernode and slot then.
    pub fn picked(&self) -> (usize, u32) {
        self.picked
    }

    /// The events so far, with their simulated times.
    pub fn events(&self) -> impl Iterator<Item = (f64, ClientEvent)> + '_ {
        self.events.iter().map(|(t, e, _)| (*t, *e))
    }

    fn push(&mut self, t_s: f64, e: ClientEvent) {
        // A run of failed walks shows as its latest.
        if matches!(e, ClientEvent::CacheFailed { .. }) && matches!(self.events.last(), Some((_, ClientEvent::CacheFailed { .. }, _))) {
            self.events.pop();
        }
        if self.events.len() == MAX_EVENTS {
            self.events.remove(1);
        }
        self.events.push((t_s, e, self.core.clone()));
    }

    /// Where it is now, for the picture.
    pub fn place(&self, world: &World) -> Place {
        match self.core.state {
            State::Online { sn, slot } if slot < world.supernodes().clients[sn as usize] => Place::Client(sn as usize, slot),
            State::Online { sn, .. } => Place::Supernode(sn as usize),
            State::Walking { next, .. } => self.core.cache.get(next as usize).map_or(Place::Nowhere, |&e| Place::Supernode(e as usize)),
            _ => Place::Nowhere,
        }
    }

    /// Reads the world after a tick and moves the client on.
    pub fn observe(&mut self, world: &World) {
        let t = world.time_s();
        let p = world.params();
        let sn = world.supernodes();
        // The share of online never-crashed buggy clients that crashed in the tick: the model's
        // own odds of a first crash.
        let c = world.clients();
        let (distinct0, buggy0) = std::mem::replace(&mut self.seen_crashes, (c.crashed_distinct, c.online[V_BUGGY]));
        let first_crash_odds = if buggy0 > 0 { c.crashed_distinct.saturating_sub(distinct0) as f64 / buggy0 as f64 } else { 0.0 };
        match self.core.state {
            State::Online { sn: i, slot } => {
                let iu = i as usize;
                let trigger_on = t >= p.trigger.start_s && t < p.trigger.end_s;
                if !sn.is_up(iu) {
                    let noticed = t + self.core.rng.uniform() * p.clients.keepalive_s;
                    self.core.state = walk_after(noticed);
                    self.push(t, ClientEvent::LostSupernode { sn: i, crashed: sn.state[iu] == SnState::Crashed });
                } else if self.buggy
                    && !self.crashed_once
                    && p.trigger.kind == TriggerKind::CrashOnDelayedReply
                    && self.core.rng.uniform() < first_crash_odds
                {
                    self.crashed_once = true;
                    self.core.state = State::Crashed { until_s: t + self.exp(p.clients.relaunch_mean_s) };
                    self.push(t, ClientEvent::Crashed);
                } else if self.buggy
                    && trigger_on
                    && p.trigger.kind == TriggerKind::ConfigPush
                    && self.core.rng.uniform() < p.trigger.hazard_per_h / 3600.0
                {
                    self.core.state = walk_after(t);
                    self.push(t, ClientEvent::Disconnected);
                } else if p.clients.session_mean_s > 0.0 && self.core.rng.uniform() < 1.0 / p.clients.session_mean_s {
                    self.core.state = State::Gone;
                    self.push(t, ClientEvent::LoggedOff);
                } else if slot >= sn.clients[iu] + sn.queue[iu] {
                    // Its supernode's count fell below its slot: the clients it left unanswered.
                    self.core.state = walk_after(t);
                    self.push(t, ClientEvent::KeepalivesUnanswered { sn: i });
                }
            }
            State::Crashed { until_s } if t >= until_s => {
                self.core.state = walk_after(t);
                self.push(t, ClientEvent::Relaunched);
            }
            State::Waiting { until_s } if t >= until_s => {
                self.core.state = walk_after(t);
            }
            State::Away { until_s } if t >= until_s => {
                self.core.attempt = 0;
                self.core.state = walk_after(t);
                self.push(t, ClientEvent::CameBack);
            }
            State::Walking { next, at_s, dead, refused } if t >= at_s => self.try_entry(world, next, dead, refused),
            _ => {}
        }
    }

    fn exp(&mut self, mean_s: f64) -> f64 {
        -mean_s * libm::log(1.0 - self.core.rng.uniform())
    }

    /// Tries cache entry `next` now.
    fn try_entry(&mut self, world: &World, next: u32, mut dead: u32, mut refused: u32) {
        let t = world.time_s();
        let p = world.params();
        let sn = world.supernodes();
        let entry = self.core.cache.get(next as usize).copied();
        if let Some(e) = entry {
            if !sn.is_up(e as usize) {
                dead += 1;
            } else {
                let st = world.stats();
                let share = if st.connect_attempts > 0.0 { (st.logins / st.connect_attempts).clamp(0.0, 1.0) } else { 1.0 };
                if self.core.rng.uniform() < share {
                    let slot = sn.clients[e as usize] + sn.queue[e as usize];
                    self.core.state = State::Online { sn: e, slot: slot.saturating_sub(1) };
                    self.core.cache = cache_of(world, e as usize);
                    self.core.attempt = 0;
                    self.push(t, ClientEvent::Connected { to: e, tried: next + 1, dead, refused });
                    return;
                }
                refused += 1;
            }
            let timeout = p.host_cache.entry_timeout_s.max(1.0);
            if (next as usize + 1) < self.core.cache.len() {
                self.core.state = State::Walking { next: next + 1, at_s: t + timeout, dead, refused };
                return;
            }
        }
        // Every entry failed: the bootstrap servers, then the retry policy's wait.
        let st = world.stats();
        let answered = if st.bootstrap_requests > 0.0 { (p.bootstrap.capacity_per_s / st.bootstrap_requests).min(1.0) } else { 1.0 };
        let fresh = self.core.rng.uniform() < answered;
        if fresh {
            if let Some(from) = self.serving_supernode(world) {
                self.core.cache = cache_of(world, from);
            }
        }
        let d = retry::delay(world.retry_policy(), &p.retry, self.core.attempt as usize);
        let u = self.core.rng.uniform();
        let wait = if u < d.at_cap_fraction {
            d.cap_ticks
        } else {
            d.lo_ticks + ((d.hi_ticks - d.lo_ticks + 1) as f64 * self.core.rng.uniform()) as u32
        }
        .max(1);
        self.core.attempt += 1;
        let patience = p.clients.patience_s;
        if patience > 0.0 && self.core.rng.uniform() < 1.0 - libm::exp(-(wait as f64) / patience) {
            self.core.state = State::Away { until_s: t + self.exp(p.clients.return_mean_s) };
            self.push(t, ClientEvent::GaveUp);
            return;
        }
        self.core.state = State::Waiting { until_s: t + wait as f64 };
        self.push(t, ClientEvent::CacheFailed { attempt: self.core.attempt, tried: next + 1, dead, refused, fresh, wait_s: wait });
    }

    /// A serving supernode for a fresh cache: a mega-supernode if any serves (the bootstrap
    /// servers hand those out first), else a serving peer picked at random.
    fn serving_supernode(&mut self, world: &World) -> Option<usize> {
        let sn = world.supernodes();
        if let Some(m) = (sn.peers..sn.len()).find(|&i| sn.is_up(i)) {
            return Some(m);
        }
        for _ in 0..64 {
            let i = self.core.rng.below(sn.peers.max(1) as u64) as usize;
            if sn.is_up(i) {
                return Some(i);
            }
        }
        None
    }

    /// After the run went back in time: the story as it stood at its last event before now.
    pub fn rewind(&mut self, world: &World) {
        let t = world.time_s();
        self.events.retain(|(at, _, _)| *at <= t);
        if let Some((_, _, core)) = self.events.last() {
            self.core = core.clone();
        }
    }

    /// The story as JSON: `{"client": "i.k", "lines": [...]}`.
    pub fn to_json(&self, trigger_s: f64) -> String {
        story_json(&format!("\"client\":\"{}.{}\"", self.picked.0, self.picked.1), self.events().map(|(t, e)| (t, e.words())), trigger_s)
    }
}

/// A walk down the host cache from its first entry, at `at_s`.
fn walk_after(at_s: f64) -> State {
    State::Walking { next: 0, at_s, dead: 0, refused: 0 }
}

/// A host cache learned from supernode `i`: it and its overlay neighbours, as many as the
/// cache holds.
fn cache_of(world: &World, i: usize) -> Vec<u32> {
    let sn = world.supernodes();
    let size = world.params().host_cache.size.max(1) as usize;
    let mut c = vec![i as u32];
    let mut k = 0;
    let mut from = i;
    while c.len() < size && k < 4 * size {
        let nb = sn.neighbours_of(from);
        if nb.is_empty() {
            break;
        }
        let e = nb[k % nb.len()];
        if !c.contains(&e) {
            c.push(e);
        }
        k += 1;
        if k % nb.len() == 0 {
            from = nb[(k / nb.len()) % nb.len()] as usize;
        }
    }
    c
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{run, scenarios};

    #[test]
    fn clients_in_the_2010_cascade_lose_walk_and_reconnect() {
        let s = scenarios::find("skype-2010").unwrap();
        let mut w = run::world(&s, scenarios::scaled(&s.params, 0.02), 1).unwrap();
        w.run_until(s.params.trigger.start_s - 60.0);
        let mut stories: Vec<ClientStory> =
            (0..w.supernodes().peers).step_by(7).filter(|&i| w.supernodes().clients[i] > 3).map(|i| ClientStory::new(&w, i, 2)).collect();
        assert!(stories.len() > 50);
        for _ in 0..6 * 3600 {
            w.step();
            for st in &mut stories {
                st.observe(&w);
            }
        }
        let words: Vec<String> = stories.iter().flat_map(|st| st.events().map(|(_, e)| e.words()).collect::<Vec<_>>()).collect();
        // About 40% of the clients on the buggy version crashed in 2010: so do the followed ones.
        let buggy = stories.iter().filter(|s| s.buggy).count() as f64;
        let crashed = stories.iter().filter(|s| s.crashed_once).count() as f64;
        assert!((0.2..0.6).contains(&(crashed / buggy)), "{crashed} of {buggy} buggy clients crashed");
        for start in ["its supernode #", "crashed (its version", "relaunched", "failed: all ", "it waits ", "connected to supernode #"] {
            assert!(words.iter().any(|w| w.starts_with(start) || w.contains(start)), "no '{start}' in any story");
        }
        // Times only go forward within a story, and the same client tells the same story twice.
        for st in &stories {
            let ts: Vec<f64> = st.events().map(|(t, _)| t).collect();
            assert!(ts.windows(2).all(|p| p[0] <= p[1]));
        }
        let mut again = run::world(&s, scenarios::scaled(&s.params, 0.02), 1).unwrap();
        again.run_until(s.params.trigger.start_s - 60.0);
        let (i, k) = stories[3].picked();
        let mut twin = ClientStory::new(&again, i, k);
        for _ in 0..6 * 3600 {
            again.step();
            twin.observe(&again);
        }
        assert_eq!(twin.to_json(0.0), stories[3].to_json(0.0));
    }

    #[test]
    fn a_cache_holds_its_supernode_and_neighbours() {
        let s = scenarios::find("baseline").unwrap();
        let w = run::world(&s, scenarios::scaled(&s.params, 0.02), 1).unwrap();
        let c = cache_of(&w, 5);
        assert_eq!(c[0], 5);
        assert_eq!(c.len(), w.params().host_cache.size as usize);
        let mut d = c.clone();
        d.sort_unstable();
        d.dedup();
        assert_eq!(d.len(), c.len(), "repeated entries");
    }
}
