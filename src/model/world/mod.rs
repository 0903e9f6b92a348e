//! The world: supernodes, client counts, host-cache cohorts, the retry wheel and the services,
//! stepped one second at a time. Data flows one way: parameters → world → step → metrics and
//! frame.
//!
//! The step is cut along its jobs, one file each:
//! - [`overlay`]: supernode states, returns, crashes by hand, promotion;
//! - [`clients`]: client states by version, the trigger, churn, the fixed version, relaunches,
//!   users giving up and coming back;
//! - [`caches`]: host-cache cohorts, the walk through a cache, the bootstrap fallback;
//! - [`pass`]: the one pass over the supernodes (accept queues, load, failsafe);
//! - [`services`]: sign-in, the offline-message servers, backend services, per-tick figures and
//!   the series;
//! - [`timeline`]: scheduled interventions and the narrated milestones;
//! - [`lookups`]: lookups sampled through the overlay.

mod caches;
mod checkpoint;
mod clients;
mod lookups;
mod overlay;
mod pass;
mod services;
mod timeline;

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use super::metrics::{summarize_series, Sample, Series, Summary, SAMPLE_PERIOD_S};
use super::narration::{Event, EventKind, Texts};
use super::params::{ParamError, Params, RetryPolicy};
use super::retry::{self, RetryWheel};
use super::rng::{split_bounded, split_proportional, SimRng};
use super::supernode::{derive_seed, SnKind, SnState, Supernodes};

pub use caches::Caches;
pub use checkpoint::Checkpoint;
#[cfg(test)]
pub(crate) use checkpoint::Plain;
pub(crate) use checkpoint::{choice_field, fields, table, table_vecs, Columns, Field};
pub use clients::{Clients, VERSIONS, V_BUGGY, V_CRASHED, V_FIXED, V_OTHER};

/// Simulated seconds per tick.
pub const TICK_S: f64 = 1.0;

const DYNAMICS_STREAM: u64 = 10;

/// What happened in the latest tick, for the page's live read-outs.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct TickStats {
    /// Simulated time at the end of the tick, in seconds.
    pub t_s: f64,
    /// Connection attempts (walks through a host cache) begun in the tick.
    pub connect_attempts: f64,
    /// Connections that succeeded in the tick (clients a supernode took into its accept queue).
    pub logins: f64,
    /// Clients a supernode finished logging in and attached in the tick.
    pub attached: f64,
    /// Attempts that waited in an accept queue too long, or found no room after all, in the tick.
    pub timed_out: f64,
    /// Requests the bootstrap servers were asked in the tick.
    pub bootstrap_requests: f64,
    /// Mean load offered to a serving supernode, in load units per second.
    pub sn_load_mean_per_s: f64,
    /// Serving supernodes asked more than their capacity.
    pub supernodes_overloaded: u64,
    /// Share of sign-in attempts that succeeded in the tick (1 if there were none).
    pub availability_login: f64,
    /// Served share of the messaging backend.
    pub messaging_served: f64,
    /// Served share of the presence backend.
    pub presence_served: f64,
    /// Served share of the contact-list backend.
    pub contacts_served: f64,
    /// Served share of web clients' requests.
    pub web_served: f64,
    /// Served share of offline-IM requests.
    pub offline_im_served: f64,
    /// Whether group video works (0 or 1).
    pub group_video: f64,
}

/// Counts of supernodes by state, kept as they change.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct SnCounts {
    /// Serving (peers, promoted clients and mega-supernodes).
    pub up: u64,
    /// Crashed.
    pub crashed: u64,
    /// Shut down by the failsafe.
    pub shut_down: u64,
    /// Mega-supernodes serving.
    pub mega_up: u64,
    /// Promoted clients serving.
    pub promoted_up: u64,
}

/// The simulated network.
#[derive(Clone, Debug)]
pub struct World {
    params: Params,
    seed: u64,
    rng: SimRng,
    tick: u64,
    sn: Supernodes,
    counts: SnCounts,
    clients: Clients,
    caches: Caches,
    wheel: RetryWheel,
    returns: BinaryHeap<Reverse<(u64, u32)>>,
    buggy_peers: Vec<u32>,
    buggy_up: u64,
    megas_deployed: usize,
    megas_released: usize,
    repurposed_up: u64,
    policy: RetryPolicy,
    services: services::ServiceState,
    texts: Texts,
    events: Vec<Event>,
    milestones: timeline::Milestones,
    series: Series,
    last_sample: Option<Sample>,
    stats: TickStats,
    summary: Summary,
    lookup_success: f64,
    prefix: Vec<u64>,
}

impl World {
    /// A world for `params` and `seed`, in its warm steady state at time 0.
    pub fn new(params: Params, seed: u64) -> Result<World, ParamError> {
        params.validate()?;
        let sn = Supernodes::build(&params, seed);
        let mut rng = SimRng::new(derive_seed(seed, DYNAMICS_STREAM, 0));
        let peers = sn.peers;
        let policy = params.retry.policy;
        let caches = Caches::new(&sn);
        let mut w = World {
            seed,
            tick: 0,
            counts: SnCounts::default(),
            clients: Clients::default(),
            caches,
            wheel: RetryWheel::new(),
            returns: BinaryHeap::new(),
            buggy_peers: (0..peers as u32).filter(|&i| sn.buggy[i as usize]).collect(),
            buggy_up: 0,
            megas_deployed: 0,
            megas_released: 0,
            repurposed_up: 0,
            policy,
            services: services::ServiceState::default(),
            texts: Texts::new(),
            events: Vec::new(),
            milestones: timeline::Milestones::default(),
            series: Series::new(),
            last_sample: None,
            stats: TickStats::default(),
            summary: Summary::default(),
            lookup_success: 1.0,
            prefix: Vec::new(),
            sn,
            params,
            rng: SimRng::new(0),
        };
        w.buggy_up = w.buggy_peers.len() as u64;
        w.counts.up = peers as u64;
        for r in 0..w.sn.regions {
            w.caches.up[r] = w.sn.region_range(r).len() as u32;
        }
        // Warm start: every client online, spread over the peers in proportion to capacity.
        let total = w.params.clients.total;
        let weights: Vec<f64> = (0..peers).map(|i| w.sn.capacity_per_s[i] as f64).collect();
        let mut share = vec![0u64; peers];
        split_proportional(&mut rng, total, &weights, &mut share);
        let mut placed = 0u64;
        let k = w.params.load.per_client_per_s as f32;
        for (i, s) in share.iter().enumerate() {
            let c = (*s).min(w.sn.max_clients(i) as u64);
            w.sn.clients[i] = c as u32;
            // The failsafe's load average starts at its steady level.
            w.sn.load_avg[i] = c as f32 * k;
            placed += c;
        }
        let buggy = libm::round(total as f64 * w.params.clients.buggy_fraction) as u64;
        let totals = [buggy, total - buggy, 0, 0];
        let mut online = [0u64; VERSIONS];
        split_bounded(&mut rng, placed, &totals, &mut online);
        w.clients.online = online;
        for ((pool, total), on) in w.clients.pool.iter_mut().zip(totals).zip(online) {
            *pool = total - on;
        }
        // Clients that found no room at the start try over the first minute, from caches learned
        // all over the overlay.
        let unplaced = total - placed;
        if unplaced > 0 {
            let d = retry::Delay { lo_ticks: 1, hi_ticks: 60, at_cap_fraction: 0.0, cap_ticks: 60 };
            w.wheel.add_spread(&mut rng, d, 0, unplaced);
            let places: Vec<f64> = (0..w.sn.regions).map(|r| w.caches.places[r] as f64).collect();
            let mut by_region = vec![0u64; w.sn.regions];
            split_proportional(&mut rng, unplaced, &places, &mut by_region);
            for (r, n) in by_region.into_iter().enumerate() {
                w.caches.add_pool(r, 0, n);
            }
        }
        for r in 0..w.sn.regions {
            w.caches.online[r] = w.sn.clients[w.sn.region_range(r)].iter().map(|&c| c as u64).sum();
        }
        w.rng = rng;
        w.refresh_rooms();
        Ok(w)
    }

    /// Replaces the narration texts of scheduled events (a scenario's words).
    pub fn set_texts(&mut self, texts: Texts) {
        self.texts = texts;
    }

    /// The parameters in force.
    pub fn params(&self) -> &Params {
        &self.params
    }

    /// The seed of the run.
    pub fn seed(&self) -> u64 {
        self.seed
    }

    /// Simulated time, in seconds.
    pub fn time_s(&self) -> f64 {
        self.tick as f64 * TICK_S
    }

    /// The supernodes (for drawing and inspection).
    pub fn supernodes(&self) -> &Supernodes {
        &self.sn
    }

    /// Supernode counts by state.
    pub fn sn_counts(&self) -> SnCounts {
        self.counts
    }

    /// Client counts by state and version.
    pub fn clients(&self) -> &Clients {
        &self.clients
    }

    /// The host-cache cohorts and per-region tallies, for inspection.
    pub fn caches(&self) -> &Caches {
        &self.caches
    }

    /// Online clients per version (`V_BUGGY`, `V_OTHER`, `V_FIXED`, `V_CRASHED`).
    pub fn online_by_version(&self) -> [u64; VERSIONS] {
        self.clients.online
    }

    /// Clients online.
    pub fn clients_online(&self) -> u64 {
        self.clients.online.iter().sum()
    }

    /// Clients crashed and waiting for their user.
    pub fn clients_crashed(&self) -> u64 {
        self.clients.crashed.iter().sum()
    }

    /// Clients waiting to retry.
    pub fn clients_retrying(&self) -> u64 {
        self.clients.pool.iter().sum()
    }

    /// Clients whose users gave up for now.
    pub fn clients_away(&self) -> u64 {
        self.clients.away.iter().sum()
    }

    /// The retry wheel (clients waiting to try again), for inspection.
    pub fn wheel(&self) -> &RetryWheel {
        &self.wheel
    }

    /// The latest tick's figures.
    pub fn stats(&self) -> &TickStats {
        &self.stats
    }

    /// The series sampled so far.
    pub fn series(&self) -> &Series {
        &self.series
    }

    /// The latest sample, if a minute has passed.
    pub fn last_sample(&self) -> Option<&Sample> {
        self.last_sample.as_ref()
    }

    /// Narration events so far.
    pub fn events(&self) -> &[Event] {
        &self.events
    }

    /// The retry policy clients use now.
    pub fn retry_policy(&self) -> RetryPolicy {
        self.policy
    }

    /// The run's summary so far.
    pub fn summary(&self) -> Summary {
        let mut s = self.summary.clone();
        s.clients_crashed_fraction = self.clients.crashed_distinct as f64 / self.params.clients.total.max(1) as f64;
        summarize_series(&self.series, self.params.trigger.start_s, &mut s);
        s
    }

    /// Checks the conservation laws: clients are neither made nor lost, every count adds up
    /// across its views (versions, supernodes, cohorts, the wheel), no supernode holds more than
    /// its limit, a supernode out of service holds no clients and keeps no load figures, and the
    /// state counters match a recount.
    pub fn check_invariants(&self) -> Result<(), String> {
        let c = &self.clients;
        let on: u64 = c.online.iter().sum();
        let attached: u64 = self.sn.clients.iter().map(|&c| c as u64).sum();
        if on != attached {
            return Err(format!("online by version {on} != attached to supernodes {attached}"));
        }
        let queued: u64 = c.queued.iter().sum();
        let in_queues: u64 = self.sn.queue.iter().map(|&q| q as u64).sum();
        if queued != in_queues {
            return Err(format!("queued by version {queued} != in accept queues {in_queues}"));
        }
        let total = on + queued + self.clients_crashed() + self.clients_retrying() + self.clients_away();
        if total != self.params.clients.total {
            return Err(format!("clients not conserved: {total} != {}", self.params.clients.total));
        }
        if self.wheel.total() != self.clients_retrying() {
            return Err(format!("wheel holds {} but {} are retrying", self.wheel.total(), self.clients_retrying()));
        }
        self.caches.check(self.clients_retrying(), self.clients_crashed(), self.clients_away())?;
        let mut counts = SnCounts::default();
        let mut up_by_region = vec![0u32; self.sn.regions + 1];
        for i in 0..self.sn.len() {
            let h = self.sn.get(i);
            if h.clients + h.queue > h.max_clients {
                return Err(format!("supernode {i} holds {} + {} queued > {}", h.clients, h.queue, h.max_clients));
            }
            // Out of service, it holds zeros in every column the pass writes, which lets the
            // pass skip it (see `pass`).
            if h.state != SnState::Up && !self.sn.is_idle(i) {
                return Err(format!("supernode {i} is {:?} but holds figures the pass would zero", h.state));
            }
            match h.state {
                SnState::Up => {
                    counts.up += 1;
                    up_by_region[self.sn.region_of(i)] += 1;
                    match h.kind {
                        SnKind::Mega | SnKind::Repurposed => counts.mega_up += 1,
                        SnKind::Promoted => counts.promoted_up += 1,
                        SnKind::Peer => {}
                    }
                }
                SnState::Crashed => counts.crashed += 1,
                SnState::ShutDown => counts.shut_down += 1,
                SnState::Off => {}
            }
            if !self.sn.is_up(i) && (h.clients != 0 || h.queue != 0) {
                return Err(format!("supernode {i} is down but holds {} clients and {} queued", h.clients, h.queue));
            }
            if !self.sn.is_up(i) && (h.load_avg != 0.0 || h.credit != 0.0 || h.starved != 0.0) {
                return Err(format!("supernode {i} is down but keeps load figures {} {} {}", h.load_avg, h.credit, h.starved));
            }
            let load = self.sn.load_per_s(i);
            if !load.is_finite() || load < 0.0 || !h.load_avg.is_finite() || !h.room.is_finite() || h.room < 0.0 {
                return Err(format!("supernode {i} has load {load}, load average {}, room {}", h.load_avg, h.room));
            }
        }
        if counts != self.counts {
            return Err(format!("state counters {:?} != recount {:?}", self.counts, counts));
        }
        if up_by_region != self.caches.up {
            return Err("serving supernodes by region do not match a recount".into());
        }
        Ok(())
    }

    /// Logs an event, rendered in the scenario's words if it has its own text for it.
    fn emit(&mut self, kind: EventKind) {
        let text = kind.render(&self.texts);
        self.events.push(Event { t_s: self.time_s(), kind, text });
    }

    /// Logs a scheduled event once per run.
    fn emit_once(&mut self, kind: EventKind) {
        let id = kind.id();
        if !self.milestones.scheduled.contains(&id) {
            self.milestones.scheduled.push(id);
            self.emit(kind);
        }
    }

    /// Applies new parameters from the next tick on. Parameters that fix the network's makeup
    /// (counts, capacities, versions) cannot change in a running world: the error names the
    /// first such field, and the caller starts a new world instead.
    pub fn set_params(&mut self, p: Params) -> Result<(), ParamError> {
        p.validate()?;
        let o = &self.params;
        // Mega-supernodes can be redefined as long as none has been deployed: until then they
        // change nothing, so the run so far is the same as if they had been there all along.
        let megas_changed = p.mega.count != o.mega.count
            || p.mega.capacity_per_s != o.mega.capacity_per_s
            || p.mega.max_clients != o.mega.max_clients
            || p.mega.repurposed_fraction != o.mega.repurposed_fraction;
        let fixed: [(&str, bool); 9] = [
            ("clients.total", p.clients.total != o.clients.total),
            ("clients.buggy_fraction", p.clients.buggy_fraction != o.clients.buggy_fraction),
            ("supernodes.count", p.supernodes.count != o.supernodes.count),
            ("supernodes.operator_hosted", p.supernodes.operator_hosted != o.supernodes.operator_hosted),
            ("supernodes.capacity_per_s", p.supernodes.capacity_per_s != o.supernodes.capacity_per_s),
            ("supernodes.capacity_spread", p.supernodes.capacity_spread != o.supernodes.capacity_spread),
            ("supernodes.max_clients", p.supernodes.max_clients != o.supernodes.max_clients),
            ("supernodes.neighbours", p.supernodes.neighbours != o.supernodes.neighbours),
            ("mega.count", megas_changed && self.megas_deployed > 0),
        ];
        if let Some((k, _)) = fixed.iter().find(|(_, changed)| *changed) {
            return Err(ParamError::new(*k, "fixes the network's makeup; it takes effect when the run restarts"));
        }
        if megas_changed {
            self.sn.set_megas(&p, self.seed);
            self.caches.places[self.sn.regions] = 0;
        }
        if p.retry.policy != o.retry.policy {
            self.policy = p.retry.policy;
        }
        self.params = p;
        Ok(())
    }

    /// Runs until simulated time `t_s` (or the next whole tick after it).
    pub fn run_until(&mut self, t_s: f64) {
        while self.time_s() < t_s {
            self.step();
        }
    }

    /// Advances the world by one tick (one simulated second). The order of the jobs is fixed;
    /// each reads what the ones before it left.
    pub fn step(&mut self) {
        self.tick += 1;
        let t = self.tick;
        let now_s = self.time_s();
        // Scheduled interventions, supernodes coming back, clients promoted into empty places.
        self.timeline(now_s);
        self.process_returns(t);
        self.promote(now_s);
        // What happens to clients this second: the trigger, churn, the fix, relaunches, returns.
        let leaving = self.clients_step(now_s);
        // Connection attempts due now: who they are (cohorts), whether they sign in, how their
        // walks through their host caches go, and where they land.
        let due = self.wheel.take_next();
        self.caches.split_due(&mut self.rng, &due);
        let signin = self.sign_in(now_s);
        let walks = self.caches.walk(&self.params, &self.sn, signin.signed_share);
        let outcome = self.caches.settle(&mut self.rng, &self.params, self.policy, &walks, t);
        self.reschedule(&outcome);
        // The pass over the supernodes: accept queues, leavers, load, failsafe.
        let pass = self.supernode_pass(&leaving);
        self.after_pass(&pass, &outcome, &leaving);
        self.services_and_stats(now_s, &signin, &outcome, &pass);
        self.trigger_bookkeeping(now_s);
        if t.is_multiple_of(SAMPLE_PERIOD_S) {
            self.sample(now_s);
        }
    }
}
