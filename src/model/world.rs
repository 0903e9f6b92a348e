//! The world: supernodes, client counts, the retry wheel and the services, stepped one second
//! at a time. Data flows one way: parameters → world → step → metrics and frame.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use super::metrics::{summarize_series, Sample, Series, Summary, COLUMNS, SAMPLE_PERIOD_S};
use super::narration::{Event, Texts};
use super::params::{ParamError, Params, RetryPolicy, TriggerKind};
use super::retry::{self, RetryWheel, ATTEMPT_LEVELS};
use super::rng::{split_bounded, stochastic_round, SimRng};
use super::supernode::{derive_seed, SnKind, SnState, Supernodes};

/// Simulated seconds per tick.
pub const TICK_S: f64 = 1.0;

/// Client version index: the affected (buggy) version.
pub const V_BUGGY: usize = 0;
/// Client version index: versions the trigger does not affect.
pub const V_OTHER: usize = 1;
/// Client version index: buggy clients that installed the fixed version.
pub const V_FIXED: usize = 2;

const DYNAMICS_STREAM: u64 = 10;

/// Minutes over which sign-in availability is measured (one retry cycle of a 5-minute cap, so
/// that waves of retries and the quiet between them count together).
const LOGIN_WINDOW_MIN: usize = 5;

/// Minutes over which service availability is averaged for the narration.
const NARRATION_WINDOW_MIN: usize = 10;

/// Weight of the current second in the backend services' moving average of sign-in attempts
/// (a time constant of five minutes: their queues take minutes to drain).
const SERVICE_SMOOTHING: f64 = 1.0 / 300.0;

/// How much more one draw of a random supernode costs than one step of a pass over all of them
/// (a random memory access against a sequential one, measured natively and in WebAssembly).
/// Clients are moved by drawing their supernodes only when that is cheaper than a pass.
const SAMPLED_DRAW_COST: f64 = 4.0;

/// What happened in the latest tick, for the page's live read-outs.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct TickStats {
    /// Simulated time at the end of the tick, in seconds.
    pub t_s: f64,
    /// Connection attempts made in the tick (one second).
    pub connect_attempts: f64,
    /// Connections that succeeded in the tick.
    pub logins: f64,
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

/// Sums over the current sample minute.
#[derive(Clone, Copy, Debug, Default)]
struct MinuteAcc {
    ticks: f64,
    attempts: f64,
    logins: f64,
    load_total: f64,
    up_total: f64,
    overloaded: f64,
    login_attempts: f64,
    login_ok: f64,
    messaging: f64,
    presence: f64,
    contacts: f64,
    web: f64,
    offline_im: f64,
    group_video: f64,
}

/// State of the one-shot milestones the narration reports.
#[derive(Clone, Debug, Default)]
struct Milestones {
    sn_lost: [bool; 5],
    load: [bool; 3],
    online_below: [bool; 3],
    recovered: [bool; 2],
    first_failsafe: bool,
    scheduled: Vec<&'static str>,
    /// Services currently narrated as failing: sign-in, messaging/presence/contacts, web.
    failing: [bool; 3],
}

const SN_LOST_STEPS: [f64; 5] = [0.10, 0.25, 0.50, 0.75, 0.90];
const LOAD_STEPS: [f64; 3] = [10.0, 50.0, 100.0];
const ONLINE_STEPS: [f64; 3] = [0.5, 0.3, 0.1];
const RECOVERY_STEPS: [f64; 2] = [0.5, 0.9];

/// Counts of supernodes by state, kept as they change.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct SnCounts {
    /// Serving.
    pub up: u64,
    /// Crashed.
    pub crashed: u64,
    /// Shut down by the failsafe.
    pub shut_down: u64,
    /// Mega-supernodes serving.
    pub mega_up: u64,
    /// Supernodes clients know of (peers plus deployed mega-supernodes): the host-cache population.
    pub known: u64,
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
    /// Online clients per version.
    online_v: [u64; 3],
    /// Crashed clients (waiting for their user) per version.
    crashed_v: [u64; 3],
    /// Clients waiting to retry per version (all of them are in the wheel).
    pool_v: [u64; 3],
    /// Clients a supernode accepted last tick, attached this tick, per version.
    connecting_v: [u64; 3],
    connecting_total: u64,
    /// Factor from a supernode's `accept` to the connections it really gets next tick.
    attach_scale: f64,
    /// Sum of `accept` over supernodes in the last tick.
    prev_accept_sum: f64,
    /// Sign-in attempts per second as the backend services see them (moving average).
    tries_smoothed: f64,
    /// Successful and all sign-in attempts of the last few minutes.
    login_recent: [(f64, f64); LOGIN_WINDOW_MIN],
    /// Availability of sign-in, core services and web over the last few minutes.
    avail_recent: [[f64; 3]; NARRATION_WINDOW_MIN],
    /// Connection attempts that reached each serving supernode in the last tick.
    prev_contacts_per_sn: f32,
    wheel: RetryWheel,
    admission_tokens: f64,
    returns: BinaryHeap<Reverse<(u64, u32)>>,
    buggy_peers: Vec<u32>,
    buggy_up: u64,
    megas_deployed: usize,
    megas_released: usize,
    repurposed_up: u64,
    policy: RetryPolicy,
    texts: Texts,
    events: Vec<Event>,
    milestones: Milestones,
    acc: MinuteAcc,
    series: Series,
    last_sample: Option<Sample>,
    stats: TickStats,
    summary: Summary,
    load_ref: Option<f64>,
    online_ref: Option<f64>,
    min_online_fraction: f64,
    serving_at_trigger: Option<Vec<bool>>,
    lookup_success: f64,
    prefix: Vec<u64>,
}

/// Moves `part` (per version) from one group of clients to another.
fn transfer(from: &mut [u64; 3], to: &mut [u64; 3], part: &[u64; 3]) {
    for ((f, t), p) in from.iter_mut().zip(to.iter_mut()).zip(part) {
        *f -= p;
        *t += p;
    }
}

fn p_per_tick(rate_per_s: f64) -> f64 {
    if rate_per_s <= 0.0 {
        0.0
    } else {
        1.0 - libm::exp(-rate_per_s * TICK_S)
    }
}

impl World {
    /// A world for `params` and `seed`, in its warm steady state at time 0.
    pub fn new(params: Params, seed: u64) -> Result<World, ParamError> {
        params.validate()?;
        let sn = Supernodes::build(&params, seed);
        let mut rng = SimRng::new(derive_seed(seed, DYNAMICS_STREAM, 0));
        let peers = sn.peers;
        let policy = params.retry.policy;
        let mut w = World {
            seed,
            tick: 0,
            counts: SnCounts::default(),
            online_v: [0; 3],
            crashed_v: [0; 3],
            pool_v: [0; 3],
            connecting_v: [0; 3],
            connecting_total: 0,
            attach_scale: 0.0,
            prev_accept_sum: 0.0,
            tries_smoothed: 0.0,
            login_recent: [(0.0, 0.0); LOGIN_WINDOW_MIN],
            avail_recent: [[1.0; 3]; NARRATION_WINDOW_MIN],
            prev_contacts_per_sn: 0.0,
            wheel: RetryWheel::new(),
            admission_tokens: 0.0,
            returns: BinaryHeap::new(),
            buggy_peers: (0..peers as u32).filter(|&i| sn.buggy[i as usize]).collect(),
            buggy_up: 0,
            megas_deployed: 0,
            megas_released: 0,
            repurposed_up: 0,
            policy,
            texts: Texts::new(),
            events: Vec::new(),
            milestones: Milestones::default(),
            acc: MinuteAcc::default(),
            series: Series::new(),
            last_sample: None,
            stats: TickStats::default(),
            summary: Summary::default(),
            load_ref: None,
            online_ref: None,
            min_online_fraction: 1.0,
            serving_at_trigger: None,
            lookup_success: 1.0,
            prefix: Vec::new(),
            sn,
            params,
            rng: SimRng::new(0),
        };
        w.buggy_up = w.buggy_peers.len() as u64;
        w.counts.up = peers as u64;
        w.counts.known = peers as u64;
        // Warm start: every client online, spread over the peers in proportion to capacity.
        let total = w.params.clients.total;
        let weights: Vec<f64> = (0..peers).map(|i| w.sn.hot[i].capacity_per_s as f64).collect();
        let mut share = vec![0u64; peers];
        super::rng::split_proportional(&mut rng, total, &weights, &mut share);
        let mut placed = 0u64;
        for (i, s) in share.iter().enumerate() {
            let c = (*s).min(w.sn.max_clients(i) as u64);
            w.sn.hot[i].clients = c as u32;
            placed += c;
        }
        let buggy = libm::round(total as f64 * w.params.clients.buggy_fraction) as u64;
        let totals = [buggy, total - buggy, 0];
        let mut online = [0u64; 3];
        split_bounded(&mut rng, placed, &totals, &mut online);
        w.online_v = online;
        for ((pool, total), on) in w.pool_v.iter_mut().zip(totals).zip(online) {
            *pool = total - on;
        }
        let unplaced = total - placed;
        if unplaced > 0 {
            let d = retry::Delay { lo_ticks: 1, hi_ticks: 60, at_cap_fraction: 0.0, cap_ticks: 60 };
            w.wheel.add_spread(&mut rng, d, 0, unplaced);
        }
        w.rng = rng;
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

    /// Online clients per version (`V_BUGGY`, `V_OTHER`, `V_FIXED`).
    pub fn online_by_version(&self) -> [u64; 3] {
        self.online_v
    }

    /// Clients online.
    pub fn clients_online(&self) -> u64 {
        self.online_v.iter().sum()
    }

    /// Clients crashed and waiting for their user.
    pub fn clients_crashed(&self) -> u64 {
        self.crashed_v.iter().sum()
    }

    /// Clients waiting to retry.
    pub fn clients_retrying(&self) -> u64 {
        self.pool_v.iter().sum()
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
        summarize_series(&self.series, self.params.trigger.start_s, &mut s);
        s
    }

    /// Checks the conservation laws: clients are neither made nor lost, no count is negative
    /// (they are unsigned; sums must match), no supernode holds more than its limit.
    pub fn check_invariants(&self) -> Result<(), String> {
        let on: u64 = self.online_v.iter().sum();
        let attached: u64 = self.sn.hot.iter().map(|s| s.clients as u64).sum();
        if on != attached {
            return Err(format!("online by version {on} != attached to supernodes {attached}"));
        }
        let total = on + self.clients_crashed() + self.clients_retrying() + self.connecting_v.iter().sum::<u64>();
        if total != self.params.clients.total {
            return Err(format!("clients not conserved: {total} != {}", self.params.clients.total));
        }
        if self.wheel.total() != self.clients_retrying() {
            return Err(format!("wheel holds {} but {} are retrying", self.wheel.total(), self.clients_retrying()));
        }
        let mut counts = SnCounts::default();
        for i in 0..self.sn.len() {
            if self.sn.hot[i].clients > self.sn.max_clients(i) {
                return Err(format!("supernode {i} holds {} > {}", self.sn.hot[i].clients, self.sn.max_clients(i)));
            }
            match self.sn.hot[i].state {
                s if s == SnState::Up as u8 => {
                    counts.up += 1;
                    if self.sn.hot[i].kind != SnKind::Peer as u8 {
                        counts.mega_up += 1;
                    }
                }
                s if s == SnState::Crashed as u8 => counts.crashed += 1,
                s if s == SnState::ShutDown as u8 => counts.shut_down += 1,
                _ => {}
            }
            if !self.sn.is_up(i) && self.sn.hot[i].clients != 0 {
                return Err(format!("supernode {i} is down but holds {} clients", self.sn.hot[i].clients));
            }
            let load = self.sn.load_per_s(i);
            if !load.is_finite() || load < 0.0 {
                return Err(format!("supernode {i} has load {load}"));
            }
        }
        counts.known = self.counts.known;
        if counts != self.counts {
            return Err(format!("state counters {:?} != recount {:?}", self.counts, counts));
        }
        Ok(())
    }

    /// Logs an event; a scenario's own text for `kind` replaces the default. In it, `{pct}`
    /// becomes the default text's first percentage and `{n}` its first number, so a scenario's
    /// words keep the live figures.
    fn emit(&mut self, kind: &str, default_text: String) {
        let text = match self.texts.get(kind) {
            Some(t) => {
                let words: Vec<&str> = default_text.split_whitespace().collect();
                let pct = words.iter().find(|w| w.ends_with('%')).copied().unwrap_or("");
                let n = words
                    .iter()
                    .map(|w| w.trim_matches(|c: char| !c.is_ascii_digit() && c != '.'))
                    .find(|w| !w.is_empty() && w.parse::<f64>().is_ok())
                    .unwrap_or("");
                t.replace("{pct}", pct).replace("{n}", n)
            }
            None => default_text,
        };
        self.events.push(Event { t_s: self.time_s(), kind: kind.to_string(), text });
    }

    fn emit_once(&mut self, kind: &'static str, default_text: String) {
        if !self.milestones.scheduled.contains(&kind) {
            self.milestones.scheduled.push(kind);
            self.emit(kind, default_text);
        }
    }

    /// Sets supernode `i`'s state, keeping the counters right. Clients must already be gone if
    /// it stops serving.
    fn set_state(&mut self, i: usize, new: SnState) {
        let old = self.sn.hot[i].state;
        if old == new as u8 {
            return;
        }
        let mega = self.sn.hot[i].kind != SnKind::Peer as u8;
        let repurposed = self.sn.hot[i].kind == SnKind::Repurposed as u8;
        match old {
            s if s == SnState::Up as u8 => {
                self.counts.up -= 1;
                if mega {
                    self.counts.mega_up -= 1;
                }
                if repurposed {
                    self.repurposed_up -= 1;
                }
                if self.sn.buggy[i] {
                    self.buggy_up = self.buggy_up.saturating_sub(1);
                }
            }
            s if s == SnState::Crashed as u8 => self.counts.crashed -= 1,
            s if s == SnState::ShutDown as u8 => self.counts.shut_down -= 1,
            _ => self.counts.known += 1, // was Off: clients learn of it
        }
        match new {
            SnState::Up => {
                self.counts.up += 1;
                if mega {
                    self.counts.mega_up += 1;
                }
                if repurposed {
                    self.repurposed_up += 1;
                }
                if self.sn.buggy[i] {
                    self.buggy_up += 1;
                }
                self.sn.hot[i].overload_s = 0;
                self.sn.back_at[i] = 0;
            }
            SnState::Crashed => self.counts.crashed += 1,
            SnState::ShutDown => self.counts.shut_down += 1,
            SnState::Off => self.counts.known -= 1,
        }
        self.sn.hot[i].state = new as u8;
    }

    /// Takes supernode `i` out of service until `back_at` (0 = not scheduled), returning the
    /// clients it cut off.
    fn take_down(&mut self, i: usize, new: SnState, back_at: u64) -> u64 {
        let c = self.sn.hot[i].clients as u64;
        self.sn.hot[i].clients = 0;
        self.sn.hot[i].accept = 0.0;
        self.set_state(i, new);
        self.sn.back_at[i] = back_at;
        if back_at > 0 {
            self.returns.push(Reverse((back_at, i as u32)));
        }
        c
    }

    /// Moves `count` online clients (already detached from their supernodes) to the retry wheel;
    /// versions are drawn from the online mix.
    fn cut_off(&mut self, count: u64) {
        if count == 0 {
            return;
        }
        let mut part = [0u64; 3];
        split_bounded(&mut self.rng, count, &self.online_v, &mut part);
        transfer(&mut self.online_v, &mut self.pool_v, &part);
        // They notice at their next keep-alive, so their first attempts spread over its interval.
        let k = (libm::ceil(self.params.clients.keepalive_s / TICK_S) as u32).clamp(1, 3600);
        let d = retry::Delay { lo_ticks: 1, hi_ticks: k, at_cap_fraction: 0.0, cap_ticks: k };
        self.wheel.add_spread(&mut self.rng, d, 0, count);
    }

    /// Crashes supernode `i` now (as a click on it does): its clients are cut off and it comes
    /// back after the restart lag.
    pub fn crash_supernode(&mut self, i: usize) {
        if i >= self.sn.len() || !self.sn.is_up(i) {
            return;
        }
        let lag = self.rng.exponential(self.params.supernodes.restart_mean_s).max(1.0);
        let back = self.tick + libm::ceil(lag) as u64;
        let c = self.take_down(i, SnState::Crashed, back);
        self.summary.supernode_crashes += 1;
        self.cut_off(c);
    }

    /// Brings a crashed or shut-down supernode back into service now.
    pub fn restore_supernode(&mut self, i: usize) {
        if i >= self.sn.len() {
            return;
        }
        let s = self.sn.hot[i].state;
        if s == SnState::Crashed as u8 || s == SnState::ShutDown as u8 {
            self.set_state(i, SnState::Up);
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

    /// Advances the world by one tick (one simulated second).
    pub fn step(&mut self) {
        self.tick += 1;
        let t = self.tick;
        let now_s = self.time_s();
        self.timeline(now_s);
        self.process_returns(t);

        let p = &self.params;
        let trig = &p.trigger;
        let trigger_active = trig.kind != TriggerKind::None && now_s >= trig.start_s && now_s < trig.end_s;
        let reach = if trig.rollout_s > 0.0 { ((now_s - trig.start_s) / trig.rollout_s).clamp(0.0, 1.0) } else { 1.0 };
        let p_hit = if trigger_active { p_per_tick(trig.hazard_per_h / 3600.0 * reach) } else { 0.0 };
        let p_relaunch = p_per_tick(1.0 / p.clients.relaunch_mean_s);
        let p_churn = if p.clients.session_mean_s > 0.0 { p_per_tick(1.0 / p.clients.session_mean_s) } else { 0.0 };
        let p_fix = if p.fix.rollout_per_h > 0.0 && now_s >= p.fix.start_s { p_per_tick(p.fix.rollout_per_h / 3600.0) } else { 0.0 };
        let crash_kind = trig.kind == TriggerKind::CrashOnDelayedReply;
        let operator_hosted = p.supernodes.operator_hosted;

        // Users relaunch crashed clients; they try to connect at once.
        let mut fresh = 0u64;
        let mut relaunched = [0u64; 3];
        for (k, &crashed) in relaunched.iter_mut().zip(&self.crashed_v) {
            *k = self.rng.binomial(crashed, p_relaunch);
            fresh += *k;
        }
        transfer(&mut self.crashed_v, &mut self.pool_v, &relaunched);

        // The fixed version reaches buggy clients, whatever they are doing.
        if p_fix > 0.0 {
            for pool in [&mut self.online_v, &mut self.crashed_v, &mut self.pool_v] {
                let k = self.rng.binomial(pool[V_BUGGY], p_fix);
                pool[V_BUGGY] -= k;
                pool[V_FIXED] += k;
            }
            let k = self.rng.binomial(self.buggy_peers.len() as u64, p_fix);
            for _ in 0..k {
                let j = self.rng.below(self.buggy_peers.len() as u64) as usize;
                let i = self.buggy_peers.swap_remove(j) as usize;
                if self.sn.is_up(i) {
                    self.buggy_up -= 1;
                }
                self.sn.buggy[i] = false;
            }
        }

        // Buggy supernodes crash with their client while the trigger lasts.
        if crash_kind && p_hit > 0.0 && !operator_hosted && self.buggy_up > 0 {
            let z = self.rng.binomial(self.buggy_up, p_hit);
            let mut crashed = 0;
            let mut tries = 0;
            while crashed < z && tries < 50 * z + 100 {
                tries += 1;
                let j = self.rng.below(self.buggy_peers.len() as u64) as usize;
                let i = self.buggy_peers[j] as usize;
                if self.sn.is_up(i) {
                    let lag = self.rng.exponential(self.params.supernodes.restart_mean_s).max(1.0);
                    let c = self.take_down(i, SnState::Crashed, t + libm::ceil(lag) as u64);
                    self.summary.supernode_crashes += 1;
                    self.cut_off(c);
                    crashed += 1;
                }
            }
        }

        // Clients hit by the trigger, and churn.
        let online_total: u64 = self.online_v.iter().sum();
        let hit = self.rng.binomial(self.online_v[V_BUGGY], p_hit);
        let churn = self.rng.binomial(online_total - hit, p_churn);
        let remove_target = hit + churn;
        let remove_f = if online_total > 0 { remove_target as f64 / online_total as f64 } else { 0.0 };

        // Connection attempts due now.
        let mut due = self.wheel.take_next();
        due[0] += fresh;
        let attempts: u64 = due.iter().sum();
        let p = &self.params;
        let admitted = if p.admission.logins_per_s > 0.0 && now_s >= p.admission.start_s {
            let rate = p.admission.logins_per_s;
            self.admission_tokens = (self.admission_tokens + rate * TICK_S).min(rate.max(1.0));
            let a = (libm::floor(self.admission_tokens) as u64).min(attempts);
            self.admission_tokens -= a as f64;
            a
        } else {
            attempts
        };
        let rebalance = self.rebalance_factor(now_s);
        let login_cap = p.login.capacity_per_s * rebalance * TICK_S;
        let rc = p.login.refusal_cost_fraction;
        let offered = admitted as f64;
        let signed_f = if offered <= login_cap { offered } else { ((login_cap - rc * offered) / (1.0 - rc)).max(0.0) };
        let signed = stochastic_round(&mut self.rng, signed_f).min(admitted);

        // Host caches: each entry points to a supernode clients know of, and is dead if that
        // supernode is not serving. A client skips dead entries (they time out) and asks the
        // first live one; if all are dead, the attempt fails without reaching anyone.
        let known = self.counts.known.max(1) as f64;
        let up = self.counts.up as f64;
        let dead = 1.0 - up / known;
        let per_round = 1.0 - libm::pow(dead, p.host_cache.size as f64);
        let contacts = signed as f64 * per_round;
        let contacts_per_sn = if up > 0.0 { contacts / up } else { 0.0 };

        // One pass over the supernodes: each serving one attaches the connections it accepted
        // last tick, sheds the clients that left, takes its load, checks its failsafe and works
        // out how many new connections it can accept. Systematic rounding in 32.32 fixed point
        // spreads whole clients over supernodes with one random offset per pass.
        const ONE: f64 = 4_294_967_296.0;
        let pc = p.load.per_client_per_s as f32;
        let lc = p.load.login_cost as f32;
        let rcs = p.load.refusal_cost as f32;
        let inv_margin = if lc > rcs { 1.0 / (lc - rcs) } else { 1.0 / lc.max(f32::MIN_POSITIVE) };
        let refuse = if lc > rcs { rcs } else { 0.0 };
        let hs = contacts_per_sn as f32;
        let threshold = p.failsafe.threshold as f32;
        let sustain = (libm::ceil(p.failsafe.sustain_s / TICK_S) as u16).max(1);
        self.sn.contacts_per_sn = contacts_per_sn as f32;
        self.sn.per_client_per_s = p.load.per_client_per_s as f32;
        self.sn.login_cost = p.load.login_cost as f32;
        let failsafe_on = !operator_hosted;
        let rm_fixed = (remove_f * ONE) as u64;
        let u_rm = (self.rng.uniform() * ONE) as u64;
        let attach_fixed = self.attach_scale * ONE;
        let u_at = (self.rng.uniform() * ONE) as u64;
        let mut to_attach = self.connecting_total;
        let (mut cum_rm, mut prev_rm, mut removed) = (0u64, 0u64, 0u64);
        let (mut cum_at, mut prev_at, mut attached) = (0u64, 0u64, 0u64);
        let mut accept_sum = 0.0f64;
        let mut overloaded = 0u64;
        let mut failsafe_hits: Vec<usize> = Vec::new();
        // Attach the connections each supernode accepted last tick, then shed the clients that
        // left (churn, the trigger). When few clients move, drawing their supernodes one by one
        // is cheaper than a pass over all of them; otherwise a pass spreads them by systematic
        // rounding. Down supernodes hold no clients and accept nothing.
        // Supernodes that can hold clients: peers and mega-supernodes deployed so far.
        let n_sn = (self.sn.peers + self.megas_deployed) as f64;
        let prev_hs = self.prev_contacts_per_sn as f64;
        if to_attach > 0 && self.prev_accept_sum > 0.0 && (to_attach as f64) * prev_hs * SAMPLED_DRAW_COST < self.prev_accept_sum {
            attached = self.attach_sampled(to_attach, prev_hs);
        } else if to_attach > 0 {
            for sn in self.sn.hot.iter_mut() {
                if sn.accept > 0.0 {
                    cum_at += (sn.accept as f64 * attach_fixed) as u64;
                    let upto = (cum_at + u_at) >> 32;
                    let n = (upto - prev_at).min((sn.max_clients - sn.clients) as u64).min(to_attach);
                    prev_at = upto;
                    sn.clients += n as u32;
                    to_attach -= n;
                    attached += n;
                }
            }
        }
        let remove_n = libm::round(remove_f * online_total as f64) as u64;
        let on_sns = online_total + attached;
        if remove_n > 0 && (remove_n as f64) * SAMPLED_DRAW_COST * self.removal_draws_per_client(on_sns) < n_sn {
            removed = self.remove_sampled(remove_n, on_sns);
        } else if rm_fixed > 0 {
            for sn in self.sn.hot.iter_mut() {
                let c = sn.clients as u64;
                cum_rm += c * rm_fixed;
                let upto = (cum_rm + u_rm) >> 32;
                let r = (upto - prev_rm).min(c);
                prev_rm = upto;
                sn.clients -= r as u32;
                removed += r;
            }
        }
        // Load, failsafe, and what each can accept this tick.
        let fs_mult = if failsafe_on { threshold } else { f32::INFINITY };
        let visit = |sn: &mut super::supernode::Sn, overloaded: &mut u64, hit: &mut bool| -> f32 {
            if sn.state != SnState::Up as u8 {
                return 0.0;
            }
            let c = sn.clients;
            let cap = sn.capacity_per_s;
            let base = c as f32 * pc;
            let offered = base + hs * lc;
            *overloaded += (offered > cap) as u64;
            let room = (sn.max_clients - c) as f32;
            let mut k = ((cap - base - hs * refuse) * inv_margin).clamp(0.0, hs).min(room);
            // The failsafe counts seconds of overload (and forgives one per quiet second); only
            // peers have one (mega-supernodes are operator-run).
            if offered >= fs_mult * cap && sn.kind == SnKind::Peer as u8 {
                sn.overload_s += 1;
                if sn.overload_s >= sustain {
                    *hit = true;
                    k = 0.0;
                }
            } else {
                sn.overload_s = sn.overload_s.saturating_sub(1);
            }
            sn.accept = k;
            k
        };
        // Peers and mega-supernodes are summed separately so that mega-supernodes waiting to be
        // deployed change no bit of the peers' sums.
        let peers = self.sn.peers;
        let (peer_part, mega_part) = self.sn.hot.split_at_mut(peers);
        for (base, part) in [(0, peer_part), (peers, mega_part)] {
            for (chunk_no, chunk) in part.chunks_mut(1024).enumerate() {
                // Four partial sums in f32 per chunk keep the loop from waiting on one addition
                // chain; the order is fixed, so the result is the same on every platform.
                let mut acc = [0.0f32; 4];
                let mut any_hit = false;
                let mut quads = chunk.chunks_exact_mut(4);
                for q in &mut quads {
                    let [a, b, c, d] = q else { unreachable!() };
                    acc[0] += visit(a, &mut overloaded, &mut any_hit);
                    acc[1] += visit(b, &mut overloaded, &mut any_hit);
                    acc[2] += visit(c, &mut overloaded, &mut any_hit);
                    acc[3] += visit(d, &mut overloaded, &mut any_hit);
                }
                for sn in quads.into_remainder() {
                    acc[0] += visit(sn, &mut overloaded, &mut any_hit);
                }
                accept_sum += ((acc[0] + acc[1]) + (acc[2] + acc[3])) as f64;
                if any_hit {
                    for (j, sn) in chunk.iter().enumerate() {
                        if sn.state == SnState::Up as u8 && sn.overload_s >= sustain {
                            failsafe_hits.push(base + chunk_no * 1024 + j);
                        }
                    }
                }
            }
        }
        self.prev_accept_sum = accept_sum;
        self.prev_contacts_per_sn = hs;
        let online_now: u64 = self.sn_online_estimate(attached, removed);
        let load_sum = pc as f64 * online_now as f64 + self.counts.up as f64 * hs as f64 * lc as f64;

        // Connections from last tick that found no room (their supernode went down) retry.
        let mut part = [0u64; 3];
        split_bounded(&mut self.rng, attached, &self.connecting_v, &mut part);
        transfer(&mut self.connecting_v, &mut self.online_v, &part);
        let bounced = self.connecting_v;
        transfer(&mut self.connecting_v, &mut self.pool_v, &bounced);
        self.connecting_total = 0;
        let bounced_n: u64 = bounced.iter().sum();
        if bounced_n > 0 {
            let due_t = self.wheel.now() + 1;
            self.wheel.add_at(due_t, 0, bounced_n);
        }

        // This tick's signed-in clients that reached a willing supernode connect (attached next
        // tick); they leave the pool, versions drawn from its mix.
        let want = (signed as f64).min(accept_sum);
        let connected = stochastic_round(&mut self.rng, want).min(signed);
        self.attach_scale = if connected > 0 && accept_sum > 0.0 { connected as f64 / accept_sum } else { 0.0 };
        let mut part = [0u64; 3];
        split_bounded(&mut self.rng, connected, &self.pool_v, &mut part);
        transfer(&mut self.pool_v, &mut self.connecting_v, &part);
        self.connecting_total = connected;
        // The rest wait again, each attempt level by its policy's delay.
        let mut ok_by_level = [0u64; ATTEMPT_LEVELS];
        split_bounded(&mut self.rng, connected, &due, &mut ok_by_level);
        for l in 0..ATTEMPT_LEVELS {
            let failed = due[l] - ok_by_level[l];
            if failed > 0 {
                let d = retry::delay(self.policy, &self.params.retry, l);
                self.wheel.add_spread(&mut self.rng, d, l + 1, failed);
            }
        }

        // The clients that left their supernodes in the pass: hit by the trigger first, then churn.
        let hit_taken = removed.min(hit).min(self.online_v[V_BUGGY]);
        self.online_v[V_BUGGY] -= hit_taken;
        if crash_kind {
            self.crashed_v[V_BUGGY] += hit_taken;
            self.summary.client_crashes += hit_taken;
        } else {
            self.pool_v[V_BUGGY] += hit_taken;
            let due_t = self.wheel.now() + 1;
            self.wheel.add_at(due_t, 0, hit_taken);
        }
        self.cut_off(removed - hit_taken);

        // Failsafes that fired: the supernode drops the role and cuts its clients off.
        let n_fail = failsafe_hits.len();
        for i in failsafe_hits {
            let cool = self.params.failsafe.cooldown_s * (0.5 + self.rng.uniform());
            let back = t + (libm::ceil(cool) as u64).max(1);
            let c = self.take_down(i, SnState::ShutDown, back);
            self.summary.failsafe_shutdowns += 1;
            self.cut_off(c);
        }
        if n_fail > 0 && !self.milestones.first_failsafe {
            self.milestones.first_failsafe = true;
            let s = self.params.failsafe.sustain_s;
            self.emit(
                "first-failsafe",
                format!("A supernode's failsafe fires: overloaded for {s:.0} s, it drops the supernode role and cuts off its clients, who must reconnect elsewhere."),
            );
        }

        self.services_and_stats(now_s, attempts, admitted, connected, load_sum, overloaded, trigger_active && crash_kind, rebalance);
        self.trigger_bookkeeping(now_s);
        if t.is_multiple_of(SAMPLE_PERIOD_S) {
            self.sample(now_s);
        }
    }

    /// Attaches `count` connections to supernodes drawn in proportion to what each accepted
    /// last tick (rejection sampling under the bound `max_accept`). Returns how many attached.
    fn attach_sampled(&mut self, count: u64, max_accept: f64) -> u64 {
        // Only supernodes that have ever been deployed can accept (mega-supernodes come up in
        // index order), so mega-supernodes still waiting change nothing.
        let n = (self.sn.peers + self.megas_deployed) as u64;
        let max_tries = count * 64 + 1024;
        let (mut done, mut tries) = (0u64, 0u64);
        while done < count && tries < max_tries {
            tries += 1;
            let i = self.rng.below(n) as usize;
            let a = self.sn.hot[i].accept as f64;
            if a <= 0.0 || self.rng.uniform32() * max_accept >= a {
                continue;
            }
            let max_c = self.sn.max_clients(i);
            let sn = &mut self.sn.hot[i];
            if sn.clients < max_c {
                sn.clients += 1;
                done += 1;
            }
        }
        done
    }

    /// Expected draws per removed client when sampling supernodes by their clients: each class
    /// (peers, serving mega-supernodes) is sampled under its own bound on clients per supernode.
    fn removal_draws_per_client(&self, online_on_sns: u64) -> f64 {
        let slots = self.sn.peers as f64 * self.sn.max_by_kind[0] as f64 + self.counts.mega_up as f64 * self.sn.max_by_kind[1] as f64;
        slots / online_on_sns.max(1) as f64
    }

    fn mega_clients(&self) -> (u64, usize) {
        let megas = &self.sn.hot[self.sn.peers..];
        (megas.iter().map(|s| s.clients as u64).sum(), megas.len())
    }

    /// Removes `count` clients, each from a supernode drawn in proportion to its clients.
    /// Returns how many were removed (all of them unless the network emptied).
    fn remove_sampled(&mut self, count: u64, online: u64) -> u64 {
        let (mega_clients, megas) = self.mega_clients();
        let peer_clients = online.saturating_sub(mega_clients);
        let from_megas = if online > 0 { self.rng.binomial(count, mega_clients as f64 / online as f64) } else { 0 };
        let from_megas = from_megas.min(mega_clients);
        let from_peers = (count - from_megas).min(peer_clients);
        let peers = self.sn.peers;
        let removed_p = self.remove_from(0, peers, from_peers);
        let removed_m = self.remove_from(peers, peers + megas, from_megas);
        removed_p + removed_m
    }

    fn remove_from(&mut self, lo: usize, hi: usize, count: u64) -> u64 {
        if count == 0 || hi <= lo {
            return 0;
        }
        let bound = if lo == 0 { self.sn.max_by_kind[0] } else { self.sn.max_by_kind[1] } as f64;
        let width = (hi - lo) as u64;
        let max_tries = count * 256 + 4096;
        let (mut done, mut tries) = (0u64, 0u64);
        while done < count && tries < max_tries {
            tries += 1;
            let i = lo + self.rng.below(width) as usize;
            let c = self.sn.hot[i].clients;
            if c > 0 && self.rng.uniform32() * bound < c as f64 {
                self.sn.hot[i].clients -= 1;
                done += 1;
            }
        }
        done
    }

    /// Clients on supernodes during the pass: online before it, plus attached, minus removed.
    fn sn_online_estimate(&self, attached: u64, removed: u64) -> u64 {
        (self.online_v.iter().sum::<u64>() + attached).saturating_sub(removed)
    }

    fn rebalance_factor(&self, now_s: f64) -> f64 {
        let r = &self.params.rebalance;
        if now_s < r.start_s || r.capacity_factor <= 1.0 {
            return 1.0;
        }
        let f = if r.ramp_s > 0.0 { ((now_s - r.start_s) / r.ramp_s).clamp(0.0, 1.0) } else { 1.0 };
        1.0 + (r.capacity_factor - 1.0) * f
    }

    fn process_returns(&mut self, t: u64) {
        while let Some(Reverse((at, i))) = self.returns.peek().copied() {
            if at > t {
                break;
            }
            self.returns.pop();
            let i = i as usize;
            let s = self.sn.hot[i].state;
            if self.sn.back_at[i] == at && (s == SnState::Crashed as u8 || s == SnState::ShutDown as u8) {
                self.set_state(i, SnState::Up);
            }
        }
    }

    /// Scheduled interventions and their narration.
    fn timeline(&mut self, now_s: f64) {
        let p = self.params.clone();
        let tr = &p.trigger;
        if tr.kind != TriggerKind::None && now_s >= tr.start_s {
            let text = match tr.kind {
                TriggerKind::CrashOnDelayedReply => format!(
                    "Offline-message servers are overloaded; their delayed replies crash clients on the buggy version ({:.0}% of clients), supernodes among them.",
                    p.clients.buggy_fraction * 100.0
                ),
                _ => format!(
                    "A configuration change is pushed that {:.0}% of clients cannot process: they are disconnected and start to reconnect.",
                    p.clients.buggy_fraction * 100.0
                ),
            };
            self.emit_once("trigger-start", text);
        }
        if tr.kind != TriggerKind::None && now_s >= tr.end_s && tr.end_s > tr.start_s {
            let text = match tr.kind {
                TriggerKind::CrashOnDelayedReply => {
                    "The offline-message servers recover: no more crashes. What remains is the load.".to_string()
                }
                _ => "The configuration change is rolled back: no more disconnections. What remains is the load.".to_string(),
            };
            self.emit_once("trigger-end", text);
        }
        // Mega-supernodes come up one after another; repurposed servers first.
        let m = &p.mega;
        if m.count > 0 && now_s >= m.deploy_s {
            let frac = if m.ramp_s > 0.0 { ((now_s - m.deploy_s) / m.ramp_s).clamp(0.0, 1.0) } else { 1.0 };
            let target = libm::floor(m.count as f64 * frac) as usize;
            if self.megas_deployed == 0 && target > 0 {
                let rp = libm::round(m.repurposed_fraction * m.count as f64);
                self.emit_once(
                    "mega-deploy",
                    format!(
                        "The operator starts deploying {} mega-supernodes ({rp:.0} of them repurposed offline-IM and group-video servers).",
                        m.count
                    ),
                );
            }
            while self.megas_deployed < target.min(m.count as usize) {
                let i = self.sn.peers + self.megas_deployed;
                self.megas_deployed += 1;
                let released = self.megas_deployed <= self.megas_released;
                if !released && self.sn.hot[i].state == SnState::Off as u8 {
                    self.set_state(i, SnState::Up);
                }
            }
            if self.megas_deployed == m.count as usize {
                self.emit_once("mega-complete", format!("All {} mega-supernodes are up.", m.count));
            }
        }
        // Repurposed servers go back to their own job one after another.
        let n_rep = libm::round(m.repurposed_fraction * m.count as f64) as usize;
        if n_rep > 0 && now_s >= m.release_s && now_s >= m.deploy_s {
            let frac = if m.release_ramp_s > 0.0 { ((now_s - m.release_s) / m.release_ramp_s).clamp(0.0, 1.0) } else { 1.0 };
            let target = (libm::ceil(n_rep as f64 * frac) as usize).min(n_rep);
            if self.megas_released == 0 && target > 0 {
                self.emit_once("mega-release", "The repurposed servers start going back to offline IM and group video.".into());
            }
            let mut cut = 0;
            while self.megas_released < target {
                let i = self.sn.peers + self.megas_released;
                self.megas_released += 1;
                if self.sn.hot[i].state != SnState::Off as u8 {
                    cut += self.take_down(i, SnState::Off, 0);
                }
            }
            self.cut_off(cut);
            if self.megas_released == n_rep {
                self.emit_once(
                    "mega-release-done",
                    "Offline instant messages and group video are back, the last features to return.".into(),
                );
            }
        }
        if p.fix.rollout_per_h > 0.0 && now_s >= p.fix.start_s {
            self.emit_once(
                "fix-start",
                format!(
                    "A fixed client version rolls out: {:.0}% of remaining buggy clients update each hour.",
                    p.fix.rollout_per_h * 100.0
                ),
            );
        }
        if p.admission.logins_per_s > 0.0 && now_s >= p.admission.start_s {
            self.emit_once(
                "admission-on",
                format!(
                    "Admission control: at most {:.0} sign-ins per second are let through; the rest are turned away cheaply.",
                    p.admission.logins_per_s
                ),
            );
        }
        let rb = &p.rebalance;
        if rb.capacity_factor > 1.0 && now_s >= rb.start_s {
            self.emit_once(
                "rebalance-start",
                format!(
                    "Operators start re-balancing the traffic load: capacity grows to {:.1}× over {:.1} h.",
                    rb.capacity_factor,
                    rb.ramp_s / 3600.0
                ),
            );
            if now_s >= rb.start_s + rb.ramp_s {
                self.emit_once("rebalance-done", "Traffic re-balancing is complete.".into());
            }
        }
        if let Some(pol) = p.retry.switch_to {
            if now_s >= p.retry.switch_s && !self.milestones.scheduled.contains(&"retry-switch") {
                self.policy = pol;
                self.emit_once("retry-switch", format!("Clients switch their retry policy to {}.", pol.name()));
            }
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn services_and_stats(
        &mut self,
        now_s: f64,
        attempts: u64,
        admitted: u64,
        attached: u64,
        load_sum: f64,
        overloaded: u64,
        offline_im_overloaded: bool,
        rebalance: f64,
    ) {
        let p = &self.params.services;
        let online = self.online_v.iter().sum::<u64>() as f64;
        // Services queue requests, so they see sign-in attempts averaged over minutes,
        // not second by second.
        self.tries_smoothed += (admitted as f64 - self.tries_smoothed) * SERVICE_SMOOTHING;
        let tries = self.tries_smoothed;
        let web_load = p.web.clients as f64 * p.web.per_client_per_s;
        let shared_web = if p.web.shared { web_load } else { 0.0 };
        let served = |s: &super::params::ServiceParams, extra: f64| {
            let offered = online * s.per_client_per_s + tries * s.per_attempt + extra;
            let cap = s.capacity_per_s * rebalance;
            if offered <= cap {
                1.0
            } else {
                cap / offered
            }
        };
        let messaging = served(&p.messaging, shared_web);
        let presence = served(&p.presence, shared_web);
        let contacts = served(&p.contacts, shared_web);
        let web = if p.web.shared {
            messaging.min(presence).min(contacts)
        } else if web_load <= p.web.capacity_per_s {
            1.0
        } else {
            p.web.capacity_per_s / web_load
        };
        let repurposed = self.repurposed_up > 0;
        let offline_im = if offline_im_overloaded || repurposed { 0.0 } else { served(&p.offline_im, 0.0) };
        let group_video = if repurposed { 0.0 } else { 1.0 };
        let up = self.counts.up;
        let load_mean = if up > 0 { load_sum / up as f64 } else { 0.0 };
        self.stats = TickStats {
            t_s: now_s,
            connect_attempts: attempts as f64,
            logins: attached as f64,
            sn_load_mean_per_s: load_mean,
            supernodes_overloaded: overloaded,
            availability_login: if attempts > 0 { attached as f64 / attempts as f64 } else { 1.0 },
            messaging_served: messaging,
            presence_served: presence,
            contacts_served: contacts,
            web_served: web,
            offline_im_served: offline_im,
            group_video,
        };
        let a = &mut self.acc;
        a.ticks += 1.0;
        a.attempts += attempts as f64;
        a.logins += attached as f64;
        a.load_total += load_sum;
        a.up_total += up as f64;
        a.overloaded += overloaded as f64;
        a.login_attempts += attempts as f64;
        a.login_ok += attached as f64;
        a.messaging += messaging;
        a.presence += presence;
        a.contacts += contacts;
        a.web += web;
        a.offline_im += offline_im;
        a.group_video += group_video;
        self.summary.total_connect_attempts += attempts as f64;
    }

    /// Snapshots at the trigger, the first-hour loss, and the narrated milestones.
    fn trigger_bookkeeping(&mut self, now_s: f64) {
        let start = self.params.trigger.start_s;
        if now_s < start {
            return;
        }
        if self.serving_at_trigger.is_none() {
            self.serving_at_trigger = Some((0..self.sn.len()).map(|i| self.sn.is_up(i)).collect());
            self.online_ref = Some(self.clients_online() as f64);
        }
        if self.summary.supernodes_lost_first_hour_fraction.is_none() && now_s >= start + 3600.0 {
            if let Some(at) = &self.serving_at_trigger {
                let mut was = 0u64;
                let mut lost = 0u64;
                for (i, &w) in at.iter().enumerate() {
                    if w {
                        was += 1;
                        if !self.sn.is_up(i) {
                            lost += 1;
                        }
                    }
                }
                self.summary.supernodes_lost_first_hour_fraction = Some(if was > 0 { lost as f64 / was as f64 } else { 0.0 });
            }
        }
        if self.params.trigger.kind == TriggerKind::None {
            return;
        }
        // Supernodes lost, among the peers.
        let peers = self.sn.peers.max(1) as f64;
        let c = self.counts;
        let down = (c.crashed + c.shut_down) as f64 / peers;
        for (k, &step) in SN_LOST_STEPS.iter().enumerate() {
            if !self.milestones.sn_lost[k] && down >= step {
                self.milestones.sn_lost[k] = true;
                let text = format!(
                    "{:.0}% of supernodes are down: {:.0}% crashed, {:.0}% dropped the role when their failsafe fired.",
                    down * 100.0,
                    c.crashed as f64 / peers * 100.0,
                    c.shut_down as f64 / peers * 100.0
                );
                let kind = format!("sn-lost-{:.0}", step * 100.0);
                self.emit(&kind, text);
            }
        }
        if let Some(r) = self.load_ref {
            let ratio = self.stats.sn_load_mean_per_s / r.max(1e-9);
            for (k, &step) in LOAD_STEPS.iter().enumerate() {
                if !self.milestones.load[k] && ratio >= step {
                    self.milestones.load[k] = true;
                    let kind = format!("load-{step:.0}x");
                    self.emit(&kind, format!("Surviving supernodes are asked {ratio:.0}× the load they carried before the incident."));
                }
            }
        }
        if let Some(r) = self.online_ref {
            let f = self.clients_online() as f64 / r.max(1.0);
            self.min_online_fraction = self.min_online_fraction.min(f);
            for (k, &step) in ONLINE_STEPS.iter().enumerate() {
                if !self.milestones.online_below[k] && f < step {
                    self.milestones.online_below[k] = true;
                    let kind = format!("online-below-{:.0}", step * 100.0);
                    self.emit(&kind, format!("Only {:.0}% of the clients online before the incident still are.", f * 100.0));
                }
            }
            for (k, &step) in RECOVERY_STEPS.iter().enumerate() {
                if !self.milestones.recovered[k] && self.min_online_fraction < step.min(0.9) - 0.05 && f >= step {
                    self.milestones.recovered[k] = true;
                    let kind = format!("recovered-{:.0}", step * 100.0);
                    self.emit(&kind, format!("Clients online are back to {:.0}% of the pre-incident level.", f * 100.0));
                }
            }
        }
    }

    fn sample(&mut self, now_s: f64) {
        self.lookup_success = self.measure_lookups();
        let a = self.acc;
        let n = a.ticks.max(1.0);
        // Mean over every serving supernode in every tick of the minute.
        let load_mean = if a.up_total > 0.0 { a.load_total / a.up_total } else { 0.0 };
        let start = self.params.trigger.start_s;
        if self.load_ref.is_none() && now_s >= start {
            let r = if now_s > start { self.last_sample.map(|s| s.sn_load_mean_per_s).unwrap_or(load_mean) } else { load_mean };
            let r = if r > 0.0 { r } else { 1.0 };
            self.load_ref = Some(r);
            // Samples before the reference was known get their ratio now.
            let col = |name: &str| COLUMNS.iter().position(|c| *c == name).unwrap_or(0);
            let (li, ri) = (col("sn_load_mean_per_s"), col("sn_load_ratio"));
            let loads = self.series.columns[li].clone();
            for (v, l) in self.series.columns[ri].iter_mut().zip(loads) {
                *v = l / r;
            }
        }
        let ratio = match self.load_ref {
            Some(r) => load_mean / r,
            None => 1.0,
        };
        let s = Sample {
            t_s: now_s,
            clients_online: self.clients_online() as f64,
            clients_total: self.params.clients.total as f64,
            clients_retrying: self.clients_retrying() as f64,
            clients_crashed: self.clients_crashed() as f64,
            supernodes_up: self.counts.up as f64,
            supernodes_crashed: self.counts.crashed as f64,
            supernodes_shut_down: self.counts.shut_down as f64,
            supernodes_overloaded: a.overloaded / n,
            mega_up: self.counts.mega_up as f64,
            connect_attempts_per_s: a.attempts / n / TICK_S,
            logins_per_s: a.logins / n / TICK_S,
            sn_load_mean_per_s: load_mean,
            sn_load_ratio: ratio,
            lookup_success: self.lookup_success,
            availability_login: self.login_window(a.login_ok, a.login_attempts),
            availability_messaging: a.messaging / n * self.lookup_success,
            availability_presence: a.presence / n * self.lookup_success,
            availability_contacts: a.contacts / n,
            availability_web: a.web / n,
            availability_offline_im: a.offline_im / n,
            availability_group_video: a.group_video / n,
        };
        self.series.push(&s);
        self.last_sample = Some(s);
        self.narrate_services(&s);
        self.acc = MinuteAcc::default();
    }

    /// Share of sign-in attempts that succeeded over the last `LOGIN_WINDOW_MIN` minutes (1 if
    /// there were none), with this minute's counts added.
    fn login_window(&mut self, ok: f64, attempts: f64) -> f64 {
        let i = self.series.len() % LOGIN_WINDOW_MIN;
        self.login_recent[i] = (ok, attempts);
        let (o, a) = self.login_recent.iter().fold((0.0, 0.0), |(o, a), &(x, y)| (o + x, a + y));
        if a > 0.0 {
            o / a
        } else {
            1.0
        }
    }

    /// Narrates services going down and coming back, from their mean over the last
    /// `NARRATION_WINDOW_MIN` minutes, with hysteresis (down below 50% served, back above 90%),
    /// so that waves of retries do not make the log flicker.
    fn narrate_services(&mut self, s: &Sample) {
        let now =
            [s.availability_login, s.availability_messaging.min(s.availability_presence).min(s.availability_contacts), s.availability_web];
        let i = (self.series.len() - 1) % NARRATION_WINDOW_MIN;
        self.avail_recent[i] = now;
        let n = self.series.len().min(NARRATION_WINDOW_MIN) as f64;
        let mut mean = [0.0f64; 3];
        for row in &self.avail_recent[..self.series.len().min(NARRATION_WINDOW_MIN)] {
            for k in 0..3 {
                mean[k] += row[k] / n;
            }
        }
        let core = mean[1];
        let checks: [(f64, &str, &str, String, String); 3] = [
            (
                mean[0],
                "login-overloaded",
                "login-ok",
                format!("Sign-in fails for most users: only {:.0}% of attempts succeed.", s.availability_login * 100.0),
                format!("Sign-in works again: {:.0}% of attempts succeed.", s.availability_login * 100.0),
            ),
            (
                core,
                "services-down",
                "services-up",
                format!(
                    "Messaging, presence and contact lists are failing (messaging {:.0}%, presence {:.0}%, contacts {:.0}% served).",
                    s.availability_messaging * 100.0,
                    s.availability_presence * 100.0,
                    s.availability_contacts * 100.0
                ),
                "Messaging, presence and contact lists work again.".to_string(),
            ),
            (
                mean[2],
                "web-down",
                "web-up",
                format!("Skype for Web is failing too ({:.0}% served): it shares the overloaded backend.", s.availability_web * 100.0),
                "Skype for Web works again.".to_string(),
            ),
        ];
        for (k, (v, down_kind, up_kind, down_text, up_text)) in checks.into_iter().enumerate() {
            if !self.milestones.failing[k] && v < 0.5 {
                self.milestones.failing[k] = true;
                self.emit(down_kind, down_text);
            } else if self.milestones.failing[k] && v > 0.9 {
                self.milestones.failing[k] = false;
                self.emit(up_kind, up_text);
            }
        }
    }

    /// Samples lookups: a searching client (drawn among those online) looks for a user who wants
    /// to be online. It succeeds if the target is online and the search crosses `lookup.hops`
    /// overlay links through serving supernodes that do not refuse it (an overloaded supernode
    /// drops a search with the share of its load it cannot carry).
    fn measure_lookups(&mut self) -> f64 {
        let online = self.clients_online();
        if online == 0 {
            return 0.0;
        }
        let n = self.sn.len();
        self.prefix.resize(n, 0);
        let mut cum = 0u64;
        for i in 0..n {
            cum += self.sn.hot[i].clients as u64;
            self.prefix[i] = cum;
        }
        let total = self.params.clients.total;
        let samples = self.params.lookup.samples_per_min;
        let hops = self.params.lookup.hops;
        let k = self.sn.neighbours_per;
        let mut ok = 0u32;
        for _ in 0..samples {
            let target = self.rng.below(total);
            let src_pick = self.rng.below(online);
            if target >= online {
                continue; // the user looked for is not online
            }
            let src = self.prefix.partition_point(|&c| c <= src_pick);
            let dst = self.prefix.partition_point(|&c| c <= target);
            let mut cur = src;
            let mut alive = self.passes(cur);
            for h in 0..hops {
                if !alive {
                    break;
                }
                if h + 1 == hops {
                    alive = self.passes(dst);
                    break;
                }
                let start = self.rng.below(k as u64) as usize;
                let mut next = None;
                for j in 0..k {
                    let nb = self.sn.neighbours_of(cur)[(start + j) % k] as usize;
                    if self.sn.is_up(nb) {
                        next = Some(nb);
                        break;
                    }
                }
                match next {
                    Some(nb) => {
                        cur = nb;
                        alive = self.passes(nb);
                    }
                    None => alive = false,
                }
            }
            if alive {
                ok += 1;
            }
        }
        ok as f64 / samples as f64
    }

    /// Whether a search passes through supernode `i`: it must serve, and if it is asked more than
    /// its capacity it drops the excess share of searches.
    fn passes(&mut self, i: usize) -> bool {
        if !self.sn.is_up(i) {
            return false;
        }
        let load = self.sn.load_per_s(i);
        let cap = self.sn.hot[i].capacity_per_s;
        load <= cap || self.rng.uniform() < (cap / load) as f64
    }
}
