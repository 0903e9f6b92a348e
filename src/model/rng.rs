//! Seeded, portable randomness for the model.
//!
//! Every draw goes through [`SimRng`], a PCG generator seeded from the run's seed, and every
//! transcendental function goes through the `libm` crate, so a run gives the same numbers bit
//! for bit natively and in WebAssembly.

use rand::{Rng, SeedableRng};
use rand_pcg::Pcg32;

/// The run's random number generator: PCG32 (64-bit state, 32-bit output). Portable, seeded,
/// and built from 64-bit arithmetic only, which WebAssembly runs as fast as native code does
/// (128-bit generators need a slow emulated multiply there).
#[derive(Clone, Debug)]
pub struct SimRng {
    inner: Pcg32,
}

impl SimRng {
    /// A generator for `seed`; the same seed always gives the same stream.
    pub fn new(seed: u64) -> Self {
        Self { inner: Pcg32::seed_from_u64(seed) }
    }

    /// The generator's state and stream, to write a world out ([`SimRng::from_parts`] reads them).
    pub(crate) fn parts(&self) -> (u64, u64) {
        (self.inner.state(), self.inner.stream())
    }

    /// The generator whose [`SimRng::parts`] were `(state, stream)`, drawing on from there.
    pub(crate) fn from_parts((state, stream): (u64, u64)) -> Self {
        Self { inner: Pcg32::from_state(state, stream) }
    }

    /// A raw 32-bit draw.
    #[inline]
    pub fn next_u32(&mut self) -> u32 {
        self.inner.next_u32()
    }

    /// A raw 64-bit draw.
    #[inline]
    pub fn next_u64(&mut self) -> u64 {
        self.inner.next_u64()
    }

    /// A uniform draw in `[0, 1)` with 53 bits of precision.
    #[inline]
    pub fn uniform(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
    }

    /// A uniform draw in `[0, 1)` with 32 bits of precision, for accept/reject tests in hot
    /// loops.
    #[inline]
    pub fn uniform32(&mut self) -> f64 {
        self.next_u32() as f64 * (1.0 / 4_294_967_296.0)
    }

    /// A uniform integer in `[0, n)`; `n` must be positive.
    #[inline]
    pub fn below(&mut self, n: u64) -> u64 {
        debug_assert!(n > 0);
        // Lemire's multiply-shift; the tiny bias (< n / 2^32) does not matter here.
        if n <= u32::MAX as u64 {
            (self.next_u32() as u64 * n) >> 32
        } else {
            ((self.next_u64() as u128 * n as u128) >> 64) as u64
        }
    }

    /// A standard normal draw (Box–Muller, libm functions).
    pub fn normal(&mut self) -> f64 {
        let u1 = 1.0 - self.uniform(); // (0, 1]
        let u2 = self.uniform();
        libm::sqrt(-2.0 * libm::log(u1)) * libm::cos(2.0 * core::f64::consts::PI * u2)
    }

    /// An exponential draw with the given mean.
    pub fn exponential(&mut self, mean: f64) -> f64 {
        -mean * libm::log(1.0 - self.uniform())
    }

    /// A Poisson draw with mean `lambda` (inversion for small means, normal approximation above 30).
    pub fn poisson(&mut self, lambda: f64) -> u64 {
        if lambda <= 0.0 {
            return 0;
        }
        if lambda < 30.0 {
            let l = libm::exp(-lambda);
            let mut k = 0u64;
            let mut p = self.uniform();
            while p > l {
                k += 1;
                p *= self.uniform();
            }
            k
        } else {
            let x = lambda + libm::sqrt(lambda) * self.normal();
            libm::round(x).max(0.0) as u64
        }
    }

    /// A binomial draw: how many of `n` independent trials with probability `p` succeed.
    ///
    /// Exact for small `n`, Poisson for rare events, normal approximation for large counts, so
    /// the cost does not grow with `n` (counts here reach tens of millions). Always in `0..=n`.
    pub fn binomial(&mut self, n: u64, p: f64) -> u64 {
        if n == 0 || p <= 0.0 {
            return 0;
        }
        if p >= 1.0 {
            return n;
        }
        if p > 0.5 {
            return n - self.binomial(n, 1.0 - p);
        }
        if n <= 32 {
            return (0..n).filter(|_| self.uniform() < p).count() as u64;
        }
        let mean = n as f64 * p;
        if mean < 30.0 {
            return self.poisson(mean).min(n);
        }
        let sd = libm::sqrt(mean * (1.0 - p));
        let x = libm::round(mean + sd * self.normal());
        x.clamp(0.0, n as f64) as u64
    }
}

/// Rounds `x` down or up at random so that the result's expected value is `x` (for `x >= 0`).
#[inline]
pub fn stochastic_round(rng: &mut SimRng, x: f64) -> u64 {
    if x <= 0.0 {
        return 0;
    }
    let f = libm::floor(x);
    let extra = if rng.uniform() < x - f { 1 } else { 0 };
    f as u64 + extra
}

/// Splits `total` into parts proportional to `weights`, exactly summing to `total`
/// (systematic rounding with one random offset). Writes the parts into `out`.
pub fn split_proportional(rng: &mut SimRng, total: u64, weights: &[f64], out: &mut [u64]) {
    debug_assert_eq!(weights.len(), out.len());
    split_by(rng, total, weights.len(), |i| weights[i], out);
}

/// Systematic rounding of `total` over `n` parts with weights `w(i)`, without allocating.
fn split_by(rng: &mut SimRng, total: u64, n: usize, w: impl Fn(usize) -> f64, out: &mut [u64]) {
    split_by_sum(rng, total, n, &w, || (0..n).map(&w).sum(), out);
}

/// [`split_by`] with the weights' sum given by `sum` (asked only when there is something to
/// split).
fn split_by_sum(rng: &mut SimRng, total: u64, n: usize, w: impl Fn(usize) -> f64, sum: impl FnOnce() -> f64, out: &mut [u64]) {
    out.iter_mut().for_each(|o| *o = 0);
    if total == 0 || n == 0 {
        return;
    }
    let sum = sum();
    if sum <= 0.0 {
        // Nothing to weigh by: everything goes to the first part.
        out[0] = total;
        return;
    }
    let u = rng.uniform();
    let scale = total as f64 / sum;
    let mut cum = 0.0f64;
    let mut prev = 0u64;
    for (i, o) in out.iter_mut().enumerate().take(n) {
        cum += w(i) * scale;
        *o = next_share(cum + u, i + 1 == n, total, &mut prev);
    }
}

/// One step of systematic rounding: the whole units up to `x` (the cumulative share plus the
/// offset; all of `total` at the `last` part), less those given before (`prev`, moved on).
#[inline(always)]
fn next_share(x: f64, last: bool, total: u64, prev: &mut u64) -> u64 {
    // Truncating is the floor where `x` is not negative (a NaN or a negative gives 0, as the
    // unsigned conversion would); the signed conversion (one instruction) gives the same whole
    // number as the unsigned one below 2^63, and `total` caps it anyway.
    let upto = if last {
        total
    } else if x > 0.0 {
        (x as i64 as u64).min(total)
    } else {
        0
    };
    let upto = upto.max(*prev);
    let d = upto - *prev;
    *prev = upto;
    d
}

/// Splits `total` among parts with the given capacities (`counts`), proportionally and never
/// giving a part more than its capacity. Used to choose which versions leave a group of clients.
pub fn split_bounded(rng: &mut SimRng, total: u64, counts: &[u64], out: &mut [u64]) {
    let avail: u64 = counts.iter().sum();
    split_bounded_of(rng, total, counts, avail, out);
}

/// [`split_bounded`] where the caller knows the capacities' sum, `avail` (a cohort table's total,
/// kept as it changes): one pass over the parts instead of three, the same draws and the same
/// result. Systematic rounding of `total` in proportion to `counts` (as [`split_proportional`]:
/// every partial sum of whole counts below 2^53 is exact, so their sum as `f64` is `avail`);
/// rounding can overshoot a part by one, and the excess goes to the first parts with room.
pub fn split_bounded_of(rng: &mut SimRng, total: u64, counts: &[u64], avail: u64, out: &mut [u64]) {
    debug_assert_eq!(avail, counts.iter().sum::<u64>(), "the capacities' sum");
    debug_assert_eq!(counts.len(), out.len(), "a part for each capacity");
    let total = total.min(avail);
    let n = counts.len();
    if total == 0 || n == 0 {
        out.iter_mut().for_each(|o| *o = 0);
        return;
    }
    let u = rng.uniform();
    let scale = total as f64 / avail as i64 as f64;
    let (mut cum, mut prev, mut excess) = (0.0f64, 0u64, 0u64);
    for (i, (o, &c)) in out.iter_mut().zip(counts).enumerate() {
        cum += c as i64 as f64 * scale;
        let d = next_share(cum + u, i + 1 == n, total, &mut prev);
        if d > c {
            excess += d - c;
            *o = c;
        } else {
            *o = d;
        }
    }
    for (o, &c) in out.iter_mut().zip(counts) {
        if excess == 0 {
            break;
        }
        let room = c - *o;
        let m = room.min(excess);
        *o += m;
        excess -= m;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_seed_same_stream() {
        let mut a = SimRng::new(7);
        let mut b = SimRng::new(7);
        for _ in 0..100 {
            assert_eq!(a.next_u64(), b.next_u64());
        }
        assert_ne!(SimRng::new(7).next_u64(), SimRng::new(8).next_u64());
    }

    #[test]
    fn binomial_stays_in_range_and_has_the_right_mean() {
        let mut r = SimRng::new(1);
        for &(n, p) in &[(10u64, 0.3), (1000, 0.01), (1_000_000, 0.2), (50, 0.9), (23_000_000, 0.0001)] {
            let mut sum = 0.0;
            let k = 2000;
            for _ in 0..k {
                let x = r.binomial(n, p);
                assert!(x <= n);
                sum += x as f64;
            }
            let mean = sum / k as f64;
            let expect = n as f64 * p;
            let sd = (n as f64 * p * (1.0 - p)).sqrt();
            assert!((mean - expect).abs() < 4.0 * sd / (k as f64).sqrt() + 0.5, "n={n} p={p} mean={mean}");
        }
    }

    #[test]
    fn split_proportional_is_exact() {
        let mut r = SimRng::new(3);
        let w = [1.0, 2.0, 0.0, 3.5, 0.25];
        let mut out = [0u64; 5];
        for total in [0u64, 1, 7, 1000, 123_456_789] {
            split_proportional(&mut r, total, &w, &mut out);
            assert_eq!(out.iter().sum::<u64>(), total);
            assert_eq!(out[2], 0);
        }
    }

    #[test]
    fn split_bounded_respects_counts() {
        let mut r = SimRng::new(4);
        let counts = [3u64, 0, 10];
        let mut out = [0u64; 3];
        for total in 0..=13 {
            split_bounded(&mut r, total, &counts, &mut out);
            assert_eq!(out.iter().sum::<u64>(), total);
            for (o, c) in out.iter().zip(counts) {
                assert!(*o <= c);
            }
        }
    }
}
