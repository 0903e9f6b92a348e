//! Clients as counts by state and version: what happens to them before the attempts of a
//! second are made (the trigger, churn, the fixed version, relaunches after a crash, users who
//! gave up coming back), and the moves between states.

use super::super::params::TriggerKind;
use super::super::retry;
use super::super::rng::{split_bounded, SimRng};
use super::super::supernode::SnState;
use super::caches::Outcome;
use super::{World, TICK_S};

/// Client versions tracked.
pub const VERSIONS: usize = 4;
/// Client version index: the affected (buggy) version, never crashed so far.
pub const V_BUGGY: usize = 0;
/// Client version index: versions the trigger does not affect.
pub const V_OTHER: usize = 1;
/// Client version index: buggy clients that installed the fixed version.
pub const V_FIXED: usize = 2;
/// Client version index: buggy clients that have crashed at least once (still buggy).
pub const V_CRASHED: usize = 3;

/// Where clients moved to the retry pool come from.
#[derive(Clone, Copy)]
enum From {
    /// Out of an accept queue.
    Queued,
    /// Detached from a supernode.
    Online,
}

/// When clients moved to the retry pool try again.
#[derive(Clone, Copy)]
enum When {
    /// Next second (their next cache entry, or at once after noticing).
    NextTick,
    /// Spread over a keep-alive interval (the time it takes to notice).
    WithinKeepalive,
}

/// Clients per state, per version. Every client is in exactly one state.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Clients {
    /// Attached to a supernode.
    pub online: [u64; VERSIONS],
    /// Waiting in a supernode's accept queue.
    pub queued: [u64; VERSIONS],
    /// Waiting to retry (all of them are in the retry wheel).
    pub pool: [u64; VERSIONS],
    /// Crashed, waiting for their user to relaunch them.
    pub crashed: [u64; VERSIONS],
    /// Closed by a user who gave up for now.
    pub away: [u64; VERSIONS],
    /// Distinct clients that crashed at least once.
    pub crashed_distinct: u64,
}

/// Moves `part` (per version) from one group of clients to another.
pub(super) fn transfer(from: &mut [u64; VERSIONS], to: &mut [u64; VERSIONS], part: &[u64; VERSIONS]) {
    for ((f, t), p) in from.iter_mut().zip(to.iter_mut()).zip(part) {
        *f -= p;
        *t += p;
    }
}

/// Probability of at least one event in a tick at `rate_per_s`.
pub(super) fn p_per_tick(rate_per_s: f64) -> f64 {
    if rate_per_s <= 0.0 {
        0.0
    } else {
        1.0 - libm::exp(-rate_per_s * TICK_S)
    }
}

/// Who leaves their supernode this second, removed in the pass in proportion to clients.
#[derive(Clone, Copy, Debug, Default)]
pub(super) struct Leaving {
    /// Clients hit by the trigger (crashed in 2010, disconnected in 2015).
    pub hit: u64,
    /// Users logging off (another logs on in their place).
    pub churn: u64,
    /// Whether a hit crashes the client (2010) rather than disconnecting it.
    pub crash: bool,
}

impl World {
    /// The share of offline-message replies delayed now, and whether the crash trigger is on.
    fn delayed_share(&self, now_s: f64) -> f64 {
        let tr = &self.params.trigger;
        let active = tr.kind != TriggerKind::None && now_s >= tr.start_s && now_s < tr.end_s;
        match tr.kind {
            _ if !active => 0.0,
            TriggerKind::CrashOnDelayedReply => self.services.offline_delayed,
            _ => 1.0,
        }
    }

    /// The second's changes to clients before attempts are made; returns who leaves their
    /// supernode (the pass removes them).
    pub(super) fn clients_step(&mut self, now_s: f64) -> Leaving {
        let p = &self.params;
        let tr = &p.trigger;
        let crash = tr.kind == TriggerKind::CrashOnDelayedReply;
        let reach = if tr.rollout_s > 0.0 { ((now_s - tr.start_s) / tr.rollout_s).clamp(0.0, 1.0) } else { 1.0 };
        let delayed = self.delayed_share(now_s);
        let p_hit = p_per_tick(tr.hazard_per_h / 3600.0 * delayed * reach);
        let p_relaunch = p_per_tick(1.0 / p.clients.relaunch_mean_s);
        let p_return = p_per_tick(1.0 / p.clients.return_mean_s);
        let p_churn = if p.clients.session_mean_s > 0.0 { p_per_tick(1.0 / p.clients.session_mean_s) } else { 0.0 };
        let p_fix = if p.fix.rollout_per_h > 0.0 && now_s >= p.fix.start_s { p_per_tick(p.fix.rollout_per_h / 3600.0) } else { 0.0 };
        let operator_hosted = p.supernodes.operator_hosted;

        // The fixed version reaches buggy clients, whatever they are doing.
        if p_fix > 0.0 {
            self.roll_out_fix(p_fix);
        }

        // Buggy peers crash with their client: their own client gets delayed replies too. Each
        // is hit at the clients' rate; a serving one crashes and cuts its clients off; one whose
        // failsafe made it drop the role is an ordinary client now, hit only while it is
        // connected (as often as any client is), and crashing keeps it away until its user
        // restarts it.
        if crash && p_hit > 0.0 && !operator_hosted && !self.buggy_peers.is_empty() {
            let n = self.buggy_peers.len() as u64;
            let z = self.rng.binomial(n, p_hit);
            let online_share = self.clients.online.iter().sum::<u64>() as f64 / self.params.clients.total.max(1) as f64;
            for _ in 0..z {
                let j = self.rng.below(n) as usize;
                let i = self.buggy_peers[j] as usize;
                let hit = match self.sn.state[i] {
                    SnState::Up => true,
                    SnState::ShutDown => self.rng.uniform() < online_share,
                    SnState::Crashed | SnState::Off => false,
                };
                if hit && self.sn.buggy[i] {
                    let lag = self.rng.exponential(self.params.supernodes.restart_mean_s).max(1.0);
                    self.take_down(i, SnState::Crashed, self.tick + libm::ceil(lag) as u64);
                    self.summary.supernode_crashes += 1;
                }
            }
        }

        // Online buggy clients hit by the trigger (2010: a reply to one of their requests comes
        // late; the fetches of clients signing in add to the servers' load, not to the hazard).
        let c = &mut self.clients;
        let buggy_online = c.online[V_BUGGY] + c.online[V_CRASHED];
        let hit = self.rng.binomial(buggy_online, p_hit);
        let online_total: u64 = c.online.iter().sum();
        let churn = self.rng.binomial(online_total - hit, p_churn);

        // Users relaunch crashed clients, and users who gave up come back; both try at once,
        // with the host cache they had.
        let c = &mut self.clients;
        let relaunch = Self::draw_each(&mut self.rng, &mut c.crashed, &mut c.pool, p_relaunch);
        let back = Self::draw_each(&mut self.rng, &mut c.away, &mut c.pool, p_return);
        if relaunch > 0 {
            self.caches.take_crashed(&mut self.rng, relaunch);
        }
        if back > 0 {
            self.caches.take_away(&mut self.rng, back);
        }
        let fresh = relaunch + back;
        if fresh > 0 {
            let due = self.wheel.now() + 1;
            self.wheel.add_at(due, 0, fresh);
        }
        Leaving { hit, churn, crash }
    }

    /// Moves a binomial share `p` of each version of `from` to `to`; returns how many moved.
    fn draw_each(rng: &mut SimRng, from: &mut [u64; VERSIONS], to: &mut [u64; VERSIONS], p: f64) -> u64 {
        if p <= 0.0 {
            return 0;
        }
        let mut part = [0u64; VERSIONS];
        for (k, &n) in part.iter_mut().zip(from.iter()) {
            *k = rng.binomial(n, p);
        }
        transfer(from, to, &part);
        part.iter().sum()
    }

    /// Buggy clients and supernodes install the fixed version.
    fn roll_out_fix(&mut self, p_fix: f64) {
        let rng = &mut self.rng;
        let c = &mut self.clients;
        for group in [&mut c.online, &mut c.queued, &mut c.pool, &mut c.crashed, &mut c.away] {
            for v in [V_BUGGY, V_CRASHED] {
                let k = rng.binomial(group[v], p_fix);
                group[v] -= k;
                group[V_FIXED] += k;
            }
        }
        if self.buggy_peers.is_empty() {
            return;
        }
        let k = self.rng.binomial(self.buggy_peers.len() as u64, p_fix);
        for _ in 0..k {
            if self.buggy_peers.is_empty() {
                break;
            }
            let j = self.rng.below(self.buggy_peers.len() as u64) as usize;
            let i = self.buggy_peers.swap_remove(j) as usize;
            if self.sn.buggy[i] && self.sn.is_up(i) {
                self.buggy_up -= 1;
            }
            self.sn.buggy[i] = false;
        }
    }

    /// Moves `count` online clients (already detached from their supernodes in `region`) to the
    /// retry wheel: they notice at their next keep-alive, so their first attempts spread over
    /// its interval. Versions are drawn from the online mix.
    pub(super) fn cut_off(&mut self, region: usize, count: u64) {
        if count == 0 {
            return;
        }
        let mut part = [0u64; VERSIONS];
        split_bounded(&mut self.rng, count, &self.clients.online, &mut part);
        transfer(&mut self.clients.online, &mut self.clients.pool, &part);
        let k = (libm::ceil(self.params.clients.keepalive_s / TICK_S) as u32).clamp(1, 3600);
        let d = retry::Delay { lo_ticks: 1, hi_ticks: k, at_cap_fraction: 0.0, cap_ticks: k };
        self.wheel.add_spread(&mut self.rng, d, 0, count);
        self.caches.add_pool(region, 0, count);
    }

    /// Puts the settled attempts of a second where they go: clients whose walk found room into
    /// the accept queues (by version), users who gave up away, and the rest back into the wheel
    /// at their next attempt's time: sign-in refusals after their backoff, failed walks after
    /// the walk's time and their backoff, clients the bootstrap servers answered right after
    /// the walk, to walk their new cache.
    pub(super) fn reschedule(&mut self, o: &Outcome) {
        let c = &mut self.clients;
        if o.connected > 0 {
            let mut part = [0u64; VERSIONS];
            split_bounded(&mut self.rng, o.connected, &c.pool, &mut part);
            transfer(&mut c.pool, &mut c.queued, &part);
        }
        if o.gave_up > 0 {
            let mut part = [0u64; VERSIONS];
            split_bounded(&mut self.rng, o.gave_up, &c.pool, &mut part);
            transfer(&mut c.pool, &mut c.away, &part);
            self.summary.give_ups += o.gave_up;
        }
        for l in 0..retry::ATTEMPT_LEVELS {
            let d = retry::delay(self.policy, &self.params.retry, l);
            let next = retry::next_level(l, o.levels);
            self.wheel.add_spread(&mut self.rng, d, next, o.back_signin[l]);
            self.wheel.add_spread(&mut self.rng, d.later(o.walk_ticks[l]), next, o.back_walk[l]);
            let w = o.walk_ticks[l] + 1;
            let again = retry::Delay { lo_ticks: w, hi_ticks: w + 1, at_cap_fraction: 0.0, cap_ticks: w + 1 };
            self.wheel.add_spread(&mut self.rng, again, l, o.rewalk[l]);
        }
    }

    /// Moves `count` queued clients (already out of an accept queue in `region`) back to the
    /// retry wheel, to try their next cache entry next second.
    pub(super) fn unqueue(&mut self, region: usize, count: u64) {
        if count == 0 {
            return;
        }
        let mut part = [0u64; VERSIONS];
        split_bounded(&mut self.rng, count, &self.clients.queued, &mut part);
        transfer(&mut self.clients.queued, &mut self.clients.pool, &part);
        let due = self.wheel.now() + 1;
        self.wheel.add_at(due, 0, count);
        self.caches.add_pool(region, 0, count);
    }

    /// [`World::unqueue`] for every region at once: `counts[r]` from region `r`.
    pub(super) fn unqueue_by_region(&mut self, counts: &[u64]) {
        self.move_to_pool_by_region(From::Queued, counts, When::NextTick);
    }

    /// [`World::cut_off`] for every region at once: `counts[r]` detached in region `r`.
    pub(super) fn cut_off_by_region(&mut self, counts: &[u64]) {
        self.move_to_pool_by_region(From::Online, counts, When::WithinKeepalive);
    }

    /// Online clients of any version left their supernodes (`counts[r]` in region `r`) having
    /// noticed it no longer answers; they try again at once.
    pub(super) fn reconnect_by_region(&mut self, counts: &[u64]) {
        let total = self.move_to_pool_by_region(From::Online, counts, When::NextTick);
        self.summary.starved_disconnects += total as f64;
    }

    /// Moves `counts[r]` clients of region `r` from `from` into the retry pool (versions in
    /// proportion to `from`'s), due `when`, their caches learned in their region. Returns how
    /// many moved.
    fn move_to_pool_by_region(&mut self, from: From, counts: &[u64], when: When) -> u64 {
        let total: u64 = counts.iter().sum();
        if total == 0 {
            return 0;
        }
        let mut part = [0u64; VERSIONS];
        let source = match from {
            From::Queued => &mut self.clients.queued,
            From::Online => &mut self.clients.online,
        };
        split_bounded(&mut self.rng, total, source, &mut part);
        transfer(source, &mut self.clients.pool, &part);
        match when {
            When::NextTick => {
                let due = self.wheel.now() + 1;
                self.wheel.add_at(due, 0, total);
            }
            When::WithinKeepalive => {
                let k = (libm::ceil(self.params.clients.keepalive_s / TICK_S) as u32).clamp(1, 3600);
                let d = retry::Delay { lo_ticks: 1, hi_ticks: k, at_cap_fraction: 0.0, cap_ticks: k };
                self.wheel.add_spread(&mut self.rng, d, 0, total);
            }
        }
        self.caches.add_pool_by_region(0, counts);
        total
    }

    /// Online clients of the affected versions are disconnected (2015) and try again at once;
    /// `counts[r]` were detached in region `r`.
    pub(super) fn disconnect_by_region(&mut self, counts: &[u64]) {
        let total: u64 = counts.iter().sum();
        if total == 0 {
            return;
        }
        let c = &self.clients;
        let affected = [c.online[V_BUGGY], 0, 0, c.online[V_CRASHED]];
        let mut part = [0u64; VERSIONS];
        split_bounded(&mut self.rng, total, &affected, &mut part);
        transfer(&mut self.clients.online, &mut self.clients.pool, &part);
        let due = self.wheel.now() + 1;
        self.wheel.add_at(due, 0, total);
        self.caches.add_pool_by_region(0, counts);
    }

    /// Online buggy clients crash, `counts[r]` detached in region `r`.
    pub(super) fn crash_by_region(&mut self, counts: &[u64]) {
        let total: u64 = counts.iter().sum();
        if total == 0 {
            return;
        }
        let c = &mut self.clients;
        let buggy = [c.online[V_BUGGY], 0, 0, c.online[V_CRASHED]];
        let mut part = [0u64; VERSIONS];
        split_bounded(&mut self.rng, total, &buggy, &mut part);
        let first = part[V_BUGGY];
        c.online[V_BUGGY] -= first;
        c.online[V_CRASHED] -= part[V_CRASHED];
        c.crashed[V_CRASHED] += first + part[V_CRASHED];
        c.crashed_distinct += first;
        self.summary.client_crashes += total;
        self.caches.add_crashed_by_region(counts);
    }
}
