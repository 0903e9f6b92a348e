//! Host caches with state, kept as cohorts.
//!
//! A client's host cache is the list of supernode addresses it learned: from the supernode it
//! was last connected to (that supernode and the ones around it in the overlay, kept fresh while
//! connected), or from the bootstrap servers when every entry failed. Clients are grouped in
//! *cohorts* by the cache they hold: cohort `r` learned its cache in region `r`; the last two
//! learned it from the bootstrap servers, one since mega-supernodes serve (mega-supernodes first,
//! then live peers anywhere), one before (peers only: a list names only the supernodes that served
//! when it was given, so a mega-supernode deployed later is not in it).
//!
//! An entry is live while its supernode serves (a supernode that died and came back is at the
//! same address again); an entry whose supernode died is stale. A connection attempt walks the
//! cache: a stale entry does not answer, and neither does a live one whose accept queue is full
//! (the connection request is dropped), so each costs the client `host_cache.entry_timeout_s`
//! before it tries the next; the first live entry with room takes it into its accept queue. When
//! every entry fails the client asks the bootstrap servers, whatever its list came from (one of
//! theirs included), which have a capacity; a client they answer walks its new list at once, one
//! they refuse backs off and walks its old list again. A bootstrap list holds mega-supernodes
//! (once deployed, up to half the list) and live peers from all over the overlay.
//!
//! The walk is reckoned per cohort in expectation over its entries: with a share `ℓ` of them live
//! and a live entry taking the client with probability `p`, an entry fails with probability
//! `q = 1 − ℓp`, a walk of `h` entries succeeds with probability `1 − q^h` and contacts
//! `(1 − q^h)/p` live supernodes on average, spread over the cache's regions.

use super::super::params::{Params, RetryPolicy};
use super::super::retry::{self, ATTEMPT_LEVELS};
use super::super::rng::{split_bounded_of, split_proportional, SimRng};
use super::super::supernode::{Supernodes, REGION_SIZE};

/// Systematic rounding of a sequence of non-negative reals: each is rounded down or up so that
/// the running total stays within one of the exact one, from one random offset.
///
/// It keeps the running total (from the offset) and the whole part already given out: each value
/// adds to the total and gets the whole units the total gained. The only thing one value waits on
/// from the one before is that addition, so a long sequence of roundings (a second's cohorts)
/// runs at an addition's pace rather than a conversion's.
#[derive(Clone, Copy, Debug)]
pub(super) struct Rounder {
    /// The offset plus every value so far.
    total: f64,
    /// Whole units given out so far (the floor of `total` at the last rounding, from the offset's).
    given: i64,
}

impl Rounder {
    /// A rounder starting at an offset in [0, 1).
    fn at(offset: f64) -> Self {
        Self { total: offset, given: 0 }
    }

    /// A rounder starting at a random offset.
    pub fn new(rng: &mut SimRng) -> Self {
        Self::at(rng.uniform())
    }

    /// A rounder starting at the `k`-th point of a low-discrepancy sequence from `u` (so that many
    /// rounders share one random draw and still start evenly spread).
    pub fn nth(u: f64, k: usize) -> Self {
        const GOLDEN: f64 = 0.618_033_988_749_894_9;
        let x = u + k as f64 * GOLDEN;
        Self::at(x - libm::floor(x))
    }

    /// The current offset, in [0, 1) (for systematic sampling).
    pub fn offset(&self) -> f64 {
        self.total - libm::floor(self.total)
    }

    /// `x` rounded, never above `max`.
    #[inline]
    pub fn round(&mut self, x: f64, max: u64) -> u64 {
        // A compare and a select, not `max(0.0)` (a call in WebAssembly): a NaN or a negative
        // adds nothing. The total is never negative, so truncation is the floor; counts here are
        // far below 2^53, so the signed conversion (one instruction) is exact.
        self.total += if x > 0.0 { x } else { 0.0 };
        let whole = self.total as i64;
        let n = whole - self.given;
        self.given = whole;
        (n as u64).min(max)
    }
}

/// A count as `f64`, exactly (counts are far below 2^53; the signed conversion is one
/// instruction, the unsigned one several).
#[inline(always)]
pub(super) fn to_f64(n: u64) -> f64 {
    n as i64 as f64
}

/// `x` to the power `n` by repeated squaring, in a fixed order (the same bits on every platform).
#[inline]
pub(super) fn pow_int(x: f64, mut n: u32) -> f64 {
    let mut base = x;
    let mut acc = 1.0;
    while n > 0 {
        if n & 1 == 1 {
            acc *= base;
        }
        base *= base;
        n >>= 1;
    }
    acc
}

/// One walk through `h` entries, a share `live` of them live, a live one taking the client with
/// probability `p`: the probability the walk succeeds and the live supernodes it contacts.
#[inline]
pub(super) fn walk_math(h: u32, live: f64, p: f64) -> (f64, f64) {
    let lp = live * p;
    if lp <= 1e-12 {
        return (0.0, h as f64 * live);
    }
    let qh = pow_int(1.0 - lp, h);
    (1.0 - qh, (1.0 - qh) / p)
}

/// What the walks of a second look like, per cohort, before they are settled.
#[derive(Clone, Copy, Debug, Default)]
pub(super) struct Walks {
    /// Signed-in share of attempts (the sign-in service's goodput).
    pub signed_share: f64,
    /// Expected requests to the bootstrap servers (walks where every entry failed).
    pub bootstrap_offered: f64,
    /// Share of the bootstrap cohort's successes that land on mega-supernodes.
    pub mega_share: f64,
}

/// How the attempts of a second ended, for rescheduling and the figures.
#[derive(Clone, Debug, Default)]
pub(super) struct Outcome {
    /// Attempts made.
    pub attempts: u64,
    /// Attempts signed in by the sign-in service.
    pub signed: u64,
    /// Walks that found a supernode with room (clients now in an accept queue).
    pub connected: u64,
    /// Requests to the bootstrap servers, and how many were answered.
    pub bootstrap_requests: u64,
    /// Answered bootstrap requests.
    pub bootstrap_served: u64,
    /// Users who gave up.
    pub gave_up: u64,
    /// Per level: clients refused at sign-in who back off.
    pub back_signin: [u64; ATTEMPT_LEVELS],
    /// Per level: clients whose walk failed who back off (after the walk's time).
    pub back_walk: [u64; ATTEMPT_LEVELS],
    /// Per level: clients the bootstrap servers answered, who walk their new cache next.
    pub rewalk: [u64; ATTEMPT_LEVELS],
    /// Per level: mean time the failed walks took, in ticks (dead entries time out, live ones
    /// that are full say no at once).
    pub walk_ticks: [u32; ATTEMPT_LEVELS],
    /// Attempt levels the policy tells apart (see [`retry::levels_in_use`]): clients failing
    /// at or past the last stay there.
    pub levels: usize,
}

/// Cohorts of clients by host cache, and per-region tallies of the supernodes their caches point
/// to. Cohort `regions` holds lists from the bootstrap servers that name mega-supernodes, cohort
/// `regions + 1` lists they gave before any served (peers only); region `regions` is the
/// mega-supernodes.
#[derive(Clone, Debug)]
pub struct Caches {
    regions: usize,
    /// Retrying clients per attempt level and cohort (`pool[level][cohort]`).
    pool: Vec<Vec<u64>>,
    level_total: [u64; ATTEMPT_LEVELS],
    /// Crashed clients per cohort (they relaunch with the cache they had).
    crashed: Vec<u64>,
    crashed_total: u64,
    /// Clients whose users gave up, per cohort.
    away: Vec<u64>,
    away_total: u64,
    /// Serving supernodes per region.
    pub up: Vec<u32>,
    /// Peer places per region (a place is served by its peer, or by a promoted client).
    pub places: Vec<u32>,
    /// Room left in the accept queues of each region's serving supernodes.
    pub room: Vec<f32>,
    /// Clients attached in each region (as the last pass left them).
    pub online: Vec<u64>,
    /// Probability that a live entry in the region takes a client (from the last second's room
    /// and contacts).
    pub admit_p: Vec<f32>,
    /// Connection attempts reaching the region's serving supernodes this second.
    pub contacts: Vec<f32>,
    /// Clients to place in the region's accept queues this second.
    pub admits: Vec<u64>,
    due: Vec<Vec<u64>>,
    due_cohort: Vec<u64>,
    success_p: Vec<f64>,
    succ: Vec<u64>,
    active: Vec<usize>,
    weight: Vec<f64>,
    scratch: Vec<u64>,
}

impl Caches {
    /// Visits the per-cohort and per-region tables for a checkpoint (see [`super::checkpoint`]).
    pub(super) fn columns(&mut self, io: &mut impl super::Columns) -> bool {
        let cohorts = self.peers_only() + 1;
        super::table_vecs(io, &mut self.pool, cohorts)
            & super::table_vecs(io, &mut self.due, cohorts)
            & io.col(&mut self.crashed)
            & io.col(&mut self.away)
            & io.col(&mut self.up)
            & io.col(&mut self.places)
            & io.col(&mut self.room)
            & io.col(&mut self.online)
            & io.col(&mut self.admit_p)
            & io.col(&mut self.contacts)
            & io.col(&mut self.admits)
            & io.col(&mut self.due_cohort)
            & io.col(&mut self.success_p)
            & io.col(&mut self.succ)
            & io.col(&mut self.active)
            & io.col(&mut self.weight)
            & io.col(&mut self.scratch)
    }

    /// Visits the cohorts' totals for a world's full image (see `checkpoint`).
    pub(super) fn small_fields(&mut self, io: &mut impl super::Columns) -> bool {
        super::fields!(io; self.regions, self.level_total, self.crashed_total, self.away_total)
    }

    /// Empty cohorts for the overlay `sn`.
    pub(super) fn new(sn: &Supernodes) -> Self {
        let r = sn.regions;
        let cohorts = r + 2;
        let mut places = vec![0u32; r + 1];
        for (k, p) in places.iter_mut().enumerate().take(r) {
            *p = sn.region_range(k).len() as u32;
        }
        Caches {
            regions: r,
            pool: vec![vec![0; cohorts]; ATTEMPT_LEVELS],
            level_total: [0; ATTEMPT_LEVELS],
            crashed: vec![0; cohorts],
            crashed_total: 0,
            away: vec![0; cohorts],
            away_total: 0,
            up: vec![0; r + 1],
            places,
            room: vec![0.0; r + 1],
            online: vec![0; r + 1],
            admit_p: vec![1.0; r + 1],
            contacts: vec![0.0; r + 1],
            admits: vec![0; r + 1],
            due: vec![vec![0; cohorts]; ATTEMPT_LEVELS],
            due_cohort: vec![0; cohorts],
            success_p: vec![0.0; cohorts],
            succ: vec![0; cohorts],
            active: Vec::with_capacity(ATTEMPT_LEVELS),
            weight: vec![0.0; r + 1],
            scratch: vec![0; cohorts],
        }
    }

    /// The bootstrap cohort's index (and the mega-supernodes' region): lists from the bootstrap
    /// servers since a mega-supernode first served.
    pub fn bootstrap(&self) -> usize {
        self.regions
    }

    /// The cohort of lists the bootstrap servers gave while no mega-supernode served: peers only.
    /// A mega-supernode that comes up later is not in them; their clients learn of it only from
    /// a fresh list, when every entry of theirs has failed and the bootstrap servers answer.
    pub fn peers_only(&self) -> usize {
        self.regions + 1
    }

    /// Retrying clients of `cohort`, over every attempt level.
    pub fn pool_of(&self, cohort: usize) -> u64 {
        self.pool.iter().map(|lvl| lvl[cohort]).sum()
    }

    /// Adds `n` retrying clients of `cohort` at attempt `level` (the wheel holds their times).
    pub(super) fn add_pool(&mut self, cohort: usize, level: usize, n: u64) {
        let level = level.min(ATTEMPT_LEVELS - 1);
        self.pool[level][cohort] += n;
        self.level_total[level] += n;
    }

    /// Adds `counts[c]` retrying clients of each cohort `c` at attempt `level`.
    pub(super) fn add_pool_by_region(&mut self, level: usize, counts: &[u64]) {
        let level = level.min(ATTEMPT_LEVELS - 1);
        let mut total = 0;
        for (p, &n) in self.pool[level].iter_mut().zip(counts) {
            *p += n;
            total += n;
        }
        self.level_total[level] += total;
    }

    /// Adds `counts[c]` crashed clients of each cohort `c`.
    pub(super) fn add_crashed_by_region(&mut self, counts: &[u64]) {
        for (p, &n) in self.crashed.iter_mut().zip(counts) {
            *p += n;
            self.crashed_total += n;
        }
    }

    /// Moves `n` crashed clients (drawn across cohorts in proportion) to the pool at level 0.
    pub(super) fn take_crashed(&mut self, rng: &mut SimRng, n: u64) {
        let n = n.min(self.crashed_total);
        split_bounded_of(rng, n, &self.crashed, self.crashed_total, &mut self.scratch);
        for c in 0..self.scratch.len() {
            let k = self.scratch[c];
            self.crashed[c] -= k;
            self.pool[0][c] += k;
        }
        self.crashed_total -= n;
        self.level_total[0] += n;
    }

    /// Moves `n` clients back from users who had given up (across cohorts in proportion).
    pub(super) fn take_away(&mut self, rng: &mut SimRng, n: u64) {
        let n = n.min(self.away_total);
        split_bounded_of(rng, n, &self.away, self.away_total, &mut self.scratch);
        for c in 0..self.scratch.len() {
            let k = self.scratch[c];
            self.away[c] -= k;
            self.pool[0][c] += k;
        }
        self.away_total -= n;
        self.level_total[0] += n;
    }

    /// Checks the cohorts against the client counts.
    pub(super) fn check(&self, retrying: u64, crashed: u64, away: u64) -> Result<(), String> {
        let pooled: u64 = self.pool.iter().map(|l| l.iter().sum::<u64>()).sum();
        let by_level: u64 = self.level_total.iter().sum();
        if pooled != retrying || by_level != retrying {
            return Err(format!("cohorts hold {pooled} (levels {by_level}) retrying clients, but {retrying} retry"));
        }
        for (l, lvl) in self.pool.iter().enumerate() {
            if lvl.iter().sum::<u64>() != self.level_total[l] {
                return Err(format!("attempt level {l} does not add up"));
            }
        }
        if self.crashed.iter().sum::<u64>() != crashed || self.crashed_total != crashed {
            return Err(format!("cohorts hold {} crashed clients, but {crashed} are crashed", self.crashed_total));
        }
        if self.away.iter().sum::<u64>() != away || self.away_total != away {
            return Err(format!("cohorts hold {} clients away, but {away} are away", self.away_total));
        }
        Ok(())
    }

    /// Takes the clients due now out of the cohorts: `due[level]` from the wheel, drawn across
    /// cohorts in proportion to each one's clients at that level.
    pub(super) fn split_due(&mut self, rng: &mut SimRng, due: &[u64; ATTEMPT_LEVELS]) {
        for &l in &self.active {
            self.due[l].iter_mut().for_each(|x| *x = 0);
        }
        self.active.clear();
        self.due_cohort.iter_mut().for_each(|x| *x = 0);
        for (l, &n) in due.iter().enumerate() {
            if n == 0 {
                continue;
            }
            self.active.push(l);
            let n = n.min(self.level_total[l]);
            if n == self.level_total[l] {
                self.due[l].copy_from_slice(&self.pool[l]);
            } else {
                split_bounded_of(rng, n, &self.pool[l], self.level_total[l], &mut self.due[l]);
            }
            for (c, &d) in self.due[l].iter().enumerate() {
                self.pool[l][c] -= d;
                self.due_cohort[c] += d;
            }
            self.level_total[l] -= n;
        }
    }

    /// Attempts due now (after [`Caches::split_due`]).
    pub(super) fn due_total(&self) -> u64 {
        self.due_cohort.iter().sum()
    }

    /// The expected walks of each cohort this second, with a share `signed_share` of attempts
    /// signed in: success probabilities, contacts per region, bootstrap requests.
    pub(super) fn walk(&mut self, p: &Params, sn: &Supernodes, signed_share: f64) -> Walks {
        let r_n = self.regions;
        let h = p.host_cache.size;
        let b = r_n;
        self.contacts.iter_mut().for_each(|x| *x = 0.0);
        // A live entry's chance to take a client. Where a region's own cohort walks only its
        // region (a cache of at most a region's size), it is what this second's room allows
        // those walks: with W walks over h entries, a share ℓ of them live, and room for R,
        // W·(1 − (1 − ℓp)^h) = min(R, W·(1 − (1 − ℓ)^h)). Elsewhere (wider caches, the
        // bootstrap lists) it is the last second's room against its attempts.
        let span = (h as usize).div_ceil(REGION_SIZE).clamp(1, r_n.max(1));
        if span == 1 {
            for r in 0..r_n {
                let walks = self.due_cohort[r] as f64 * signed_share;
                let (up, places) = (self.up[r] as f64, self.places[r] as f64);
                if walks <= 0.0 || up <= 0.0 || places <= 0.0 {
                    continue;
                }
                let live = up / places;
                let reachable = walks * (1.0 - pow_int(1.0 - live, h));
                let room = self.room[r] as f64;
                self.admit_p[r] = if room >= reachable {
                    1.0
                } else {
                    ((1.0 - libm::pow(1.0 - room / walks, 1.0 / h as f64)) / live).clamp(0.0, 1.0) as f32
                };
            }
        }
        let mut up_peers = 0.0f64;
        let mut w_peers = 0.0f64;
        for r in 0..=r_n {
            self.weight[r] = self.up[r] as f64 * self.admit_p[r] as f64;
            if r < r_n {
                up_peers += self.up[r] as f64;
                w_peers += self.weight[r];
            }
        }
        let places_peers = sn.peers.max(1) as f64;
        let back = (span - 1) / 2;
        let mut bootstrap_offered = 0.0;
        let mut mega_share = 0.0;
        for c in 0..self.due_cohort.len() {
            let d = self.due_cohort[c];
            if d == 0 {
                self.success_p[c] = 0.0;
                continue;
            }
            let walks = d as f64 * signed_share;
            if c >= b {
                // Bootstrap lists: mega-supernodes first (up to half the list), then live peers
                // from all over; a list from before any mega-supernode served holds peers only.
                let m = if c == b { h.div_ceil(2).min(self.up[b]) } else { 0 };
                let pm = self.admit_p[b] as f64;
                let fail_m = pow_int(1.0 - pm, m);
                let contacts_m = if pm > 1e-12 { (1.0 - fail_m) / pm } else { m as f64 };
                let live = up_peers / places_peers;
                let pg = if up_peers > 0.0 { w_peers / up_peers } else { 0.0 };
                let (succ_g, contacts_g) = walk_math(h - m, live, pg);
                let succ = (1.0 - fail_m) + fail_m * succ_g;
                self.success_p[c] = succ;
                bootstrap_offered += walks * (1.0 - succ);
                if c == b {
                    mega_share = if succ > 0.0 { (1.0 - fail_m) / succ } else { 0.0 };
                }
                self.contacts[b] += (walks * contacts_m) as f32;
                let on_peers = walks * fail_m * contacts_g;
                if on_peers > 0.0 && up_peers > 0.0 {
                    for r in 0..r_n {
                        self.contacts[r] += (on_peers * self.up[r] as f64 / up_peers) as f32;
                    }
                }
                continue;
            }
            // A regional cache: the supernodes of `span` regions around the one it came from.
            let (mut up_s, mut places_s, mut w_s) = (0.0, 0.0, 0.0);
            for j in 0..span {
                let r = (c + r_n - back + j) % r_n;
                up_s += self.up[r] as f64;
                places_s += self.places[r] as f64;
                w_s += self.weight[r];
            }
            let live = if places_s > 0.0 { up_s / places_s } else { 0.0 };
            let pbar = if up_s > 0.0 { w_s / up_s } else { 0.0 };
            let (succ, contacts) = walk_math(h, live, pbar);
            self.success_p[c] = succ;
            bootstrap_offered += walks * (1.0 - succ);
            let total = walks * contacts;
            if total > 0.0 && up_s > 0.0 {
                for j in 0..span {
                    let r = (c + r_n - back + j) % r_n;
                    self.contacts[r] += (total * self.up[r] as f64 / up_s) as f32;
                }
            }
        }
        Walks { signed_share, bootstrap_offered, mega_share }
    }

    /// Settles the attempts of a second: who signed in, whose walk succeeded (and where they
    /// queue), who asks the bootstrap servers, who backs off and who gives up. Fills the
    /// per-region admissions and moves clients between cohorts and levels.
    pub(super) fn settle(&mut self, rng: &mut SimRng, p: &Params, policy: RetryPolicy, w: &Walks, _tick: u64) -> Outcome {
        let r_n = self.regions;
        let b = r_n;
        let mut out = Outcome::default();
        let beta = if w.bootstrap_offered > 0.0 { (p.bootstrap.capacity_per_s / w.bootstrap_offered).min(1.0) } else { 1.0 };
        let patience = p.clients.patience_s;
        let give_up = |wait_ticks: f64| if patience > 0.0 { 1.0 - libm::exp(-wait_ticks / patience) } else { 0.0 };
        self.succ.iter_mut().for_each(|x| *x = 0);
        // Every failed walk tried every entry, so it took the same time in every cohort.
        let walk_s = p.host_cache.size as f64 * p.host_cache.entry_timeout_s;
        let walk_ticks = libm::ceil(walk_s) as u32;
        let cohorts: Vec<usize> = (0..self.due_cohort.len()).filter(|&c| self.due_cohort[c] > 0).collect();
        let active = std::mem::take(&mut self.active);
        out.levels = retry::levels_in_use(policy, &p.retry);
        let all_signed = w.signed_share >= 1.0;
        // Where a fresh list from the bootstrap servers goes: with the mega-supernodes once any
        // serves, else a list of peers only.
        let fresh = if self.up[b] > 0 { b } else { self.peers_only() };
        for &l in &active {
            let d = retry::delay(policy, &p.retry, l);
            let g_sign = give_up(d.mean_ticks());
            let g_walk = give_up(d.mean_ticks() + walk_s);
            let next = retry::next_level(l, out.levels);
            let (mut r_sign, mut r_succ, mut r_boot, mut r_gw, mut r_gs) =
                (Rounder::new(rng), Rounder::new(rng), Rounder::new(rng), Rounder::new(rng), Rounder::new(rng));
            // Sums of the level kept in locals (integer sums, so the order does not matter).
            let (mut back_total, mut served_total, mut away_total) = (0u64, 0u64, 0u64);
            let (mut back_signin, mut back_walk, mut requests) = (0u64, 0u64, 0u64);
            let (mut attempts, mut signed_total, mut connected) = (0u64, 0u64, 0u64);
            // The level the refused and failed move to (the same as `l` at the top level, whose
            // bootstrap cohort's count is added after the loop).
            let mut to_next = std::mem::take(&mut self.pool[next]);
            let due_l = &self.due[l];
            for &c in &cohorts {
                let due = due_l[c];
                if due == 0 {
                    continue;
                }
                // Each share is rounded only where it is a fraction: a sure or impossible outcome
                // is whole already (most cohorts' walks all fail where their region is down, and
                // sign-in and the bootstrap servers often take every request).
                let signed = if all_signed { due } else { r_sign.round(to_f64(due) * w.signed_share, due) };
                let p_ok = self.success_p[c];
                let ok = if p_ok <= 0.0 {
                    0
                } else if p_ok >= 1.0 {
                    signed
                } else {
                    r_succ.round(to_f64(signed) * p_ok, signed)
                };
                let failed_walks = signed - ok;
                let refused = due - signed;
                let served = if beta >= 1.0 { failed_walks } else { r_boot.round(to_f64(failed_walks) * beta, failed_walks) };
                requests += failed_walks;
                let left = failed_walks - served;
                let gw = if left == 0 { 0 } else { r_gw.round(to_f64(left) * g_walk, left) };
                let gs = if refused == 0 { 0 } else { r_gs.round(to_f64(refused) * g_sign, refused) };
                let back = (left - gw) + (refused - gs);
                to_next[c] += back;
                back_total += back;
                served_total += served;
                self.away[c] += gw + gs;
                away_total += gw + gs;
                self.succ[c] += ok;
                back_signin += refused - gs;
                back_walk += left - gw;
                attempts += due;
                signed_total += signed;
                connected += ok;
            }
            self.pool[next] = to_next;
            self.level_total[next] += back_total;
            // Those the bootstrap servers answered walk their new cache at this level next.
            self.pool[l][fresh] += served_total;
            self.level_total[l] += served_total;
            self.away_total += away_total;
            out.bootstrap_requests += requests;
            out.back_signin[l] += back_signin;
            out.back_walk[l] += back_walk;
            out.rewalk[l] += served_total;
            out.bootstrap_served += served_total;
            out.gave_up += away_total;
            out.attempts += attempts;
            out.signed += signed_total;
            out.connected += connected;
            out.walk_ticks[l] = walk_ticks;
        }
        self.active = active;
        self.place(rng, p.host_cache.size, w.mega_share);
        out
    }

    /// Spreads each cohort's successful walks over the regions its cache points to, in
    /// proportion to the serving supernodes there and their chance to take a client.
    fn place(&mut self, rng: &mut SimRng, h: u32, mega_share: f64) {
        let r_n = self.regions;
        let b = r_n;
        self.admits.iter_mut().for_each(|x| *x = 0);
        let span = (h as usize).div_ceil(REGION_SIZE).clamp(1, r_n.max(1));
        let back = (span - 1) / 2;
        let mut weights = [0.0f64; 64];
        let mut parts = [0u64; 64];
        for c in 0..r_n {
            let k = self.succ[c];
            if k == 0 {
                continue;
            }
            if span == 1 {
                self.admits[c] += k;
                continue;
            }
            let n = span.min(64);
            for (j, w) in weights[..n].iter_mut().enumerate() {
                *w = self.weight[(c + r_n - back + j) % r_n];
            }
            split_proportional(rng, k, &weights[..n], &mut parts[..n]);
            for (j, &part) in parts[..n].iter().enumerate() {
                self.admits[(c + r_n - back + j) % r_n] += part;
            }
        }
        let k = self.succ[b];
        let to_megas = if k > 0 { Rounder::new(rng).round(k as f64 * mega_share, k) } else { 0 };
        self.admits[b] += to_megas;
        // The rest of the bootstrap lists' successes, and those of the lists of peers only, land
        // on peers anywhere.
        let rest = k - to_megas + self.succ[self.peers_only()];
        if rest > 0 {
            let mut out = vec![0u64; r_n];
            split_proportional(rng, rest, &self.weight[..r_n], &mut out);
            for (r, n) in out.into_iter().enumerate() {
                self.admits[r] += n;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn walks_follow_their_formulas() {
        // Every entry live and willing: one contact, sure success.
        assert_eq!(walk_math(7, 1.0, 1.0), (1.0, 1.0));
        // Every entry dead: no contact, no success.
        assert_eq!(walk_math(7, 0.0, 1.0), (0.0, 0.0));
        // Live but full: every live entry is contacted in vain.
        assert_eq!(walk_math(7, 0.5, 0.0), (0.0, 3.5));
        let (s, c) = walk_math(3, 0.5, 0.5);
        assert!((s - (1.0 - 0.75f64.powi(3))).abs() < 1e-12);
        assert!((c - s / 0.5).abs() < 1e-12);
        assert_eq!(pow_int(0.5, 10), 0.5f64.powi(10));
    }

    #[test]
    fn rounding_keeps_the_total() {
        let mut rng = SimRng::new(1);
        let mut r = Rounder::new(&mut rng);
        let xs = [0.3, 1.7, 2.2, 0.0, 5.5, 0.3];
        let total: u64 = xs.iter().map(|&x| r.round(x, 10)).sum();
        let exact: f64 = xs.iter().sum();
        assert!((total as f64 - exact).abs() <= 1.0);
    }
}
