//! Reconnection: the backoff policies and the timer wheel that holds waiting clients.
//!
//! Clients are counts, so the wheel holds, for every future second and attempt number, how many
//! clients will try again then. Spreading a group uniformly over a window (the jitter policies)
//! is a range-add on a difference array, so it costs the same for 10 clients or 10 million.

use super::params::{RetryParams, RetryPolicy};
use super::rng::SimRng;

/// Attempt numbers above this share one slot (every policy has reached its cap by then).
pub const ATTEMPT_LEVELS: usize = 20;

/// Longest delay the wheel can hold, in ticks: the longest backoff (`retry.cap_s` is at most
/// 3600 s) plus the time a walk through a host cache takes, which is cut at another hour.
pub const MAX_DELAY_TICKS: usize = 7201;

/// The delay a client waits before its next attempt: a window of ticks it is spread over
/// uniformly, plus the share of it that sits exactly on the upper end.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Delay {
    /// Earliest delay, in ticks (at least 1).
    pub lo_ticks: u32,
    /// Latest delay, in ticks (at least `lo_ticks`).
    pub hi_ticks: u32,
    /// Share of clients that wait exactly `cap` (decorrelated jitter's `min(cap, …)`).
    pub at_cap_fraction: f64,
    /// The cap, in ticks.
    pub cap_ticks: u32,
}

fn ticks(s: f64) -> u32 {
    (libm::ceil(s).max(1.0) as u32).min(MAX_DELAY_TICKS as u32)
}

impl Delay {
    /// The same delay, `extra` ticks later (time spent before the backoff starts, such as a walk
    /// through the host cache), within what the wheel can hold.
    pub fn later(self, extra: u32) -> Delay {
        let max = MAX_DELAY_TICKS as u32;
        Delay {
            lo_ticks: (self.lo_ticks + extra).min(max),
            hi_ticks: (self.hi_ticks + extra).min(max),
            at_cap_fraction: self.at_cap_fraction,
            cap_ticks: (self.cap_ticks + extra).min(max),
        }
    }

    /// The mean delay, in ticks.
    pub fn mean_ticks(&self) -> f64 {
        let spread = (self.lo_ticks as f64 + self.hi_ticks as f64) / 2.0;
        spread * (1.0 - self.at_cap_fraction) + self.cap_ticks as f64 * self.at_cap_fraction
    }
}

/// The exponential delay `min(cap, base·2^n)` in seconds.
pub fn exponential_s(base_s: f64, cap_s: f64, attempt: usize) -> f64 {
    (base_s * libm::pow(2.0, attempt as f64)).min(cap_s)
}

/// Decorrelated jitter's representative previous delay after `attempt` retries: the mean of
/// `min(cap, U(base, 3·previous))`, iterated (the wheel keys clients by attempt, not by their
/// own previous delay).
pub fn decorrelated_prev_s(base_s: f64, cap_s: f64, attempt: usize) -> f64 {
    let mut p = base_s;
    for _ in 0..attempt {
        p = ((base_s + 3.0 * p) / 2.0).min(cap_s);
    }
    p
}

/// How long an attempt itself takes beyond the policy's delay, at most, in seconds (name
/// lookup, TCP and crypto handshakes, timeouts): it varies from client to client, so even
/// clients that retry on the same schedule drift apart a little.
pub const ATTEMPT_TIME_S: f64 = 1.0;

/// The delay before the next attempt of a client that has failed `attempt + 1` times.
pub fn delay(policy: RetryPolicy, r: &RetryParams, attempt: usize) -> Delay {
    let (base, cap) = (r.base_s, r.cap_s);
    let point = |s: f64| {
        let t = ticks(s);
        Delay { lo_ticks: t, hi_ticks: ticks(s + ATTEMPT_TIME_S), at_cap_fraction: 0.0, cap_ticks: t }
    };
    let range = |lo: f64, hi: f64| {
        let lo_t = ticks(lo);
        let hi_t = ticks(hi + ATTEMPT_TIME_S).max(lo_t);
        Delay { lo_ticks: lo_t, hi_ticks: hi_t, at_cap_fraction: 0.0, cap_ticks: ticks(hi) }
    };
    match policy {
        RetryPolicy::Immediate => point(0.0),
        RetryPolicy::Fixed => point(base),
        RetryPolicy::Exponential => point(exponential_s(base, cap, attempt)),
        RetryPolicy::FullJitter => range(0.0, exponential_s(base, cap, attempt)),
        RetryPolicy::EqualJitter => {
            let e = exponential_s(base, cap, attempt);
            range(e / 2.0, e)
        }
        RetryPolicy::DecorrelatedJitter => {
            let hi = 3.0 * decorrelated_prev_s(base, cap, attempt);
            if hi <= cap {
                range(base, hi)
            } else {
                let width = hi - base;
                let at_cap = if width > 0.0 { (hi - cap) / width } else { 1.0 };
                let mut d = range(base, cap);
                d.at_cap_fraction = at_cap.clamp(0.0, 1.0);
                d.cap_ticks = ticks(cap);
                d
            }
        }
    }
}

/// How many attempt levels a policy tells apart with these parameters: one more than the first
/// level from which every later attempt waits the same (the policy has reached its cap), at most
/// [`ATTEMPT_LEVELS`]. Clients past it behave alike, so they share its level: a client that
/// fails there stays there. (Fewer levels in use make the per-level work of a second smaller
/// without changing what any client does.)
pub fn levels_in_use(policy: RetryPolicy, r: &RetryParams) -> usize {
    let last = delay(policy, r, ATTEMPT_LEVELS - 1);
    let mut n = ATTEMPT_LEVELS;
    while n > 1 && delay(policy, r, n - 2) == last {
        n -= 1;
    }
    n
}

/// The level a client at `level` moves to when it fails again, with `levels` in use (see
/// [`levels_in_use`]): the next one, or the same once it is at or past the last in use.
#[inline]
pub fn next_level(level: usize, levels: usize) -> usize {
    if level + 1 < levels {
        level + 1
    } else {
        level.min(ATTEMPT_LEVELS - 1)
    }
}

/// Clients waiting to try again, by due tick and attempt number.
#[derive(Clone, Debug)]
pub struct RetryWheel {
    /// Difference array per tick (ring), per attempt level.
    diff: Vec<[i64; ATTEMPT_LEVELS]>,
    /// Running sums: clients due at the current tick, per level.
    running: [i64; ATTEMPT_LEVELS],
    /// The tick `running` refers to.
    now: u64,
    /// Clients held in all.
    total: u64,
}

impl Default for RetryWheel {
    fn default() -> Self {
        Self::new()
    }
}

impl RetryWheel {
    /// An empty wheel at tick 0.
    pub fn new() -> Self {
        Self { diff: vec![[0; ATTEMPT_LEVELS]; MAX_DELAY_TICKS + 2], running: [0; ATTEMPT_LEVELS], now: 0, total: 0 }
    }

    /// Visits the wheel's ring for a checkpoint (see `world::checkpoint`).
    pub(crate) fn columns(&mut self, io: &mut impl crate::model::world::Columns) -> bool {
        crate::model::world::table(io, &mut self.diff)
    }

    /// Visits the wheel's running sums for a world's full image (see `world::checkpoint`).
    pub(crate) fn small_fields(&mut self, io: &mut impl crate::model::world::Columns) -> bool {
        crate::model::world::fields!(io; self.running, self.now, self.total)
    }

    /// Clients waiting in all.
    pub fn total(&self) -> u64 {
        self.total
    }

    fn slot(&self, tick: u64) -> usize {
        (tick % self.diff.len() as u64) as usize
    }

    fn range_add(&mut self, from: u64, to: u64, level: usize, v: i64) {
        debug_assert!(from > self.now && to >= from && to - self.now < self.diff.len() as u64);
        let a = self.slot(from);
        let b = self.slot(to + 1);
        self.diff[a][level] += v;
        self.diff[b][level] -= v;
    }

    /// Schedules `count` clients at attempt `level` to try at `due` (a future tick).
    pub fn add_at(&mut self, due: u64, level: usize, count: u64) {
        if count == 0 {
            return;
        }
        let level = level.min(ATTEMPT_LEVELS - 1);
        let due = due.max(self.now + 1);
        self.range_add(due, due, level, count as i64);
        self.total += count;
    }

    /// Schedules `count` clients at attempt `level`, spread uniformly over `d`'s window after now.
    /// Exact in integers: every tick of the window gets `count / width`, and the remainder goes
    /// one each to a run of ticks that starts at a random place (wrapping inside the window).
    pub fn add_spread(&mut self, rng: &mut SimRng, d: Delay, level: usize, count: u64) {
        if count == 0 {
            return;
        }
        let level = level.min(ATTEMPT_LEVELS - 1);
        let at_cap =
            if d.at_cap_fraction > 0.0 { crate::model::rng::stochastic_round(rng, count as f64 * d.at_cap_fraction).min(count) } else { 0 };
        if at_cap > 0 {
            self.add_at(self.now + d.cap_ticks as u64, level, at_cap);
        }
        let count = count - at_cap;
        if count == 0 {
            return;
        }
        let lo = self.now + d.lo_ticks as u64;
        let hi = self.now + d.hi_ticks as u64;
        let width = hi - lo + 1;
        let q = count / width;
        let r = count % width;
        if q > 0 {
            self.range_add(lo, hi, level, q as i64);
        }
        if r > 0 {
            let start = lo + rng.below(width);
            let end = start + r - 1;
            if end <= hi {
                self.range_add(start, end, level, 1);
            } else {
                self.range_add(start, hi, level, 1);
                self.range_add(lo, lo + (end - hi) - 1, level, 1);
            }
        }
        self.total += count;
    }

    /// Advances to the next tick and removes the clients due then, per attempt level.
    pub fn take_next(&mut self) -> [u64; ATTEMPT_LEVELS] {
        self.now += 1;
        let s = self.slot(self.now);
        let slot = std::mem::replace(&mut self.diff[s], [0; ATTEMPT_LEVELS]);
        let mut due = [0u64; ATTEMPT_LEVELS];
        for l in 0..ATTEMPT_LEVELS {
            // The running sum is the number due at this tick from every range covering it.
            self.running[l] += slot[l];
            due[l] = self.running[l].max(0) as u64;
        }
        let sum: u64 = due.iter().sum();
        self.total -= sum;
        due
    }

    /// Clients due at each of the next `ticks` ticks, per attempt level (for inspection).
    pub fn upcoming(&self, ticks: usize) -> Vec<[u64; ATTEMPT_LEVELS]> {
        let mut running = self.running;
        let mut out = Vec::with_capacity(ticks);
        for k in 1..=ticks.min(self.diff.len() - 1) as u64 {
            let slot = &self.diff[self.slot(self.now + k)];
            let mut row = [0u64; ATTEMPT_LEVELS];
            for l in 0..ATTEMPT_LEVELS {
                running[l] += slot[l];
                row[l] = running[l].max(0) as u64;
            }
            out.push(row);
        }
        out
    }

    /// The current tick of the wheel.
    pub fn now(&self) -> u64 {
        self.now
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params(policy: RetryPolicy, base_s: f64, cap_s: f64) -> RetryParams {
        RetryParams { policy, base_s, cap_s, switch_s: 0.0, switch_to: None }
    }

    #[test]
    fn wheel_returns_every_client_exactly_once() {
        let mut rng = SimRng::new(5);
        let mut w = RetryWheel::new();
        let mut added = 0u64;
        let mut taken = 0u64;
        let policies = RetryPolicy::ALL;
        for t in 0..5000u64 {
            if t < 2000 {
                let p = policies[(t % 6) as usize];
                let d = delay(p, &params(p, 1.0, 300.0), (t % 25) as usize);
                let c = rng.below(100_000);
                w.add_spread(&mut rng, d, (t % 25) as usize, c);
                added += c;
            }
            let due = w.take_next();
            taken += due.iter().sum::<u64>();
            assert_eq!(added - taken, w.total());
        }
        assert_eq!(added, taken);
        assert_eq!(w.total(), 0);
    }

    #[test]
    fn spread_is_uniform_over_the_window() {
        let mut rng = SimRng::new(9);
        let mut w = RetryWheel::new();
        let d = Delay { lo_ticks: 1, hi_ticks: 10, at_cap_fraction: 0.0, cap_ticks: 10 };
        w.add_spread(&mut rng, d, 0, 1005);
        let got: Vec<u64> = (0..12).map(|_| w.take_next()[0]).collect();
        assert_eq!(got.iter().sum::<u64>(), 1005);
        for (i, g) in got.iter().enumerate() {
            if i < 10 {
                assert!(*g == 100 || *g == 101, "tick {i}: {g}");
            } else {
                assert_eq!(*g, 0);
            }
        }
    }

    #[test]
    fn clients_at_the_cap_retry_once_per_cap() {
        let mut rng = SimRng::new(1);
        let mut w = RetryWheel::new();
        let r = params(RetryPolicy::Exponential, 1.0, 600.0);
        w.add_spread(&mut rng, Delay { lo_ticks: 1, hi_ticks: 60, at_cap_fraction: 0.0, cap_ticks: 60 }, 0, 1_000_000);
        let mut attempts = 0u64;
        for t in 0..20_000u64 {
            let due = w.take_next();
            for (l, &n) in due.iter().enumerate() {
                w.add_spread(&mut rng, delay(RetryPolicy::Exponential, &r, l), l + 1, n);
            }
            if t >= 10_000 {
                attempts += due.iter().sum::<u64>();
            }
        }
        let per_s = attempts as f64 / 10_000.0;
        assert!((per_s - 1_000_000.0 / 600.0).abs() < 100.0, "{per_s}");
    }

    #[test]
    fn levels_past_the_cap_are_shared() {
        let r = params(RetryPolicy::FullJitter, 1.0, 120.0);
        // 1, 2, 4, …, 64, then 128 capped at 120 from attempt 7 on.
        assert_eq!(levels_in_use(RetryPolicy::FullJitter, &r), 8);
        assert_eq!(levels_in_use(RetryPolicy::Exponential, &r), 8);
        assert_eq!(levels_in_use(RetryPolicy::Immediate, &r), 1);
        assert_eq!(levels_in_use(RetryPolicy::Fixed, &r), 1);
        for p in RetryPolicy::ALL {
            let n = levels_in_use(p, &r);
            assert!((1..=ATTEMPT_LEVELS).contains(&n));
            // Every level past the last in use waits as the last does, and the one before differs.
            for l in n..ATTEMPT_LEVELS {
                assert_eq!(delay(p, &r, l), delay(p, &r, n - 1), "{p:?} level {l}");
            }
            if n > 1 {
                assert_ne!(delay(p, &r, n - 2), delay(p, &r, n - 1), "{p:?}");
            }
            assert_eq!(next_level(n - 1, n), n - 1);
            assert_eq!(next_level(ATTEMPT_LEVELS - 1, n), ATTEMPT_LEVELS - 1);
            if n > 1 {
                assert_eq!(next_level(0, n), 1);
            }
        }
    }

    #[test]
    fn policies_follow_the_published_formulas() {
        let r = params(RetryPolicy::Exponential, 2.0, 60.0);
        // Every window also spans the time an attempt takes.
        let at = ATTEMPT_TIME_S as u32;
        assert_eq!(delay(RetryPolicy::Immediate, &r, 3).lo_ticks, 1);
        assert_eq!(delay(RetryPolicy::Immediate, &r, 3).hi_ticks, at.max(1));
        assert_eq!(delay(RetryPolicy::Fixed, &r, 3).lo_ticks, 2);
        assert_eq!(delay(RetryPolicy::Exponential, &r, 0).lo_ticks, 2);
        assert_eq!(delay(RetryPolicy::Exponential, &r, 3).lo_ticks, 16);
        assert_eq!(delay(RetryPolicy::Exponential, &r, 3).hi_ticks, 16 + at);
        assert_eq!(delay(RetryPolicy::Exponential, &r, 10).lo_ticks, 60);
        let f = delay(RetryPolicy::FullJitter, &r, 3);
        assert_eq!((f.lo_ticks, f.hi_ticks), (1, 16 + at));
        let e = delay(RetryPolicy::EqualJitter, &r, 3);
        assert_eq!((e.lo_ticks, e.hi_ticks), (8, 16 + at));
        let d = delay(RetryPolicy::DecorrelatedJitter, &r, 10);
        assert_eq!(d.cap_ticks, 60);
        assert!(d.at_cap_fraction > 0.0);
    }
}
