//! The one pass over the supernodes each second, region by region, and what follows from it.
//!
//! In each region, every serving supernode:
//! 1. **queues** the clients whose walks it took this second (its share of its region's, in
//!    proportion to the room it had), and **loses its leavers** (churn, clients hit by the
//!    trigger) in proportion to its clients; both only where there are any;
//! 2. **answers what it can**: the handshake of every attempt that reaches it (`x·f`) comes
//!    first (the operating system and the crypto handshake see every connection, refused or
//!    not); if what is left is less than its clients' keep-alives (`c·k`), the share it cannot
//!    answer goes unanswered, and those clients conclude within a keep-alive interval that it
//!    is gone and reconnect elsewhere (`c·(1 − s)/keepalive_s` a second, `s` the answered
//!    share). A full supernode is thus not immune to a flood of attempts it refuses;
//! 3. **serves its accept queue** at the capacity left after keep-alives and handshakes: it
//!    completes `μ = (C − c·k − x·f)/(g − f)` logins per second (a fraction carries over), and
//!    those clients attach;
//! 4. **times out** queued attempts it cannot serve within `supernodes.queue_timeout_s` (the
//!    queue holds at most `μ·T`, and at most `supernodes.queue_max`);
//! 5. **measures the load asked of it**, its clients' keep-alives and every attempt that reaches
//!    it at what serving it would cost, `c·k + x·g` (a supernode whose client slots are all
//!    taken can only say no, so it is asked `c·k + x·f`), and folds it into its load average (time
//!    constant `failsafe.window_s`); a peer whose load average reaches `failsafe.threshold × C`
//!    drops the supernode role. It serves only what it can, but the failsafe watches what it is
//!    asked: a supernode asked many times its capacity for minutes is a hotspot, and the client
//!    gives up the role to protect its user's machine;
//! 6. works out the **room** it has for the next second.
//!
//! Because the queue carries work from one second to the next and the load average smooths
//! over a window, the same attempts load a supernode the same way whether they arrive evenly
//! or in waves.
//!
//! Steps 2–6 are the same arithmetic for every supernode, without branches, over the columns of
//! [`Supernodes`](super::super::supernode::Supernodes), four at a time with four partial sums in
//! a fixed order, so that the compiler can use SIMD lanes and the result is the same bits on
//! every platform.

use super::super::narration::EventKind;
use super::super::params::Params;
use super::super::rng::split_bounded;
use super::super::supernode::{SnState, Supernodes};
use super::caches::{Outcome, Rounder};
use super::clients::{transfer, Leaving, VERSIONS, V_BUGGY, V_CRASHED};
use super::World;
use wide::{f32x4, i32x4, CmpGe, CmpGt, CmpLt};

/// What the pass did, per region and in all.
#[derive(Clone, Debug, Default)]
pub(super) struct Tally {
    /// Per region: clients taken by walks that found no room after all.
    pub bounced: Vec<u64>,
    /// Per region: queued attempts that timed out.
    pub timed_out: Vec<u64>,
    /// Per region: leavers removed from its supernodes.
    pub removed: Vec<u64>,
    /// Per region: clients that left supernodes too busy to answer their keep-alives.
    pub starved: Vec<u64>,
    /// Supernodes whose failsafe fired.
    pub failsafe: Vec<usize>,
    /// Clients served from accept queues (now online).
    pub served: u64,
    /// Leavers removed in all.
    pub removed_total: u64,
    /// Offered load summed over serving peer supernodes (not mega-supernodes).
    pub load_sum: f64,
    /// Serving supernodes offered more than their capacity.
    pub overloaded: u64,
}

/// 2^32, for systematic rounding in 32.32 fixed point.
const ONE: f64 = 4_294_967_296.0;

/// Per-pass constants, from the parameters.
#[derive(Clone, Copy)]
struct Consts {
    k: f32,
    g: f32,
    f: f32,
    inv_gm: f32,
    timeout: f32,
    qmax: f32,
    theta: f32,
    alpha: f32,
    starve_rate: f32,
}

impl Consts {
    fn new(p: &Params) -> Self {
        let g = p.load.login_cost as f32;
        let f = (p.load.refusal_cost as f32).min(g);
        Consts {
            k: p.load.per_client_per_s as f32,
            g,
            f,
            inv_gm: 1.0 / (g - f).max(1e-3),
            timeout: p.supernodes.queue_timeout_s as f32,
            qmax: p.supernodes.queue_max as f32,
            theta: p.failsafe.threshold as f32,
            alpha: (1.0 - libm::exp(-1.0 / p.failsafe.window_s)) as f32,
            starve_rate: (1.0 / p.clients.keepalive_s) as f32,
        }
    }
}

/// Four lanes of `f32`: SSE2 natively, `simd128` in WebAssembly when enabled, four scalars
/// otherwise; every operation is the IEEE one, so the bits are the same everywhere.
type V = f32x4;

/// The smaller lane by lane (these values are never NaN).
#[inline(always)]
fn lo(a: V, b: V) -> V {
    a.cmp_lt(b).blend(a, b)
}

/// The larger lane by lane.
#[inline(always)]
fn hi(a: V, b: V) -> V {
    a.cmp_gt(b).blend(a, b)
}

/// 1 where the mask is set, 0 elsewhere.
#[inline(always)]
fn ones(mask: V) -> V {
    mask & V::ONE
}

/// The floor of non-negative values below 2^23, with plain additions (exact, and the same on
/// every platform): adding and removing 2^23 rounds to the nearest integer, then one is taken
/// off where that rounded up.
#[inline(always)]
fn floor_pos(x: V) -> V {
    let m = V::splat(8_388_608.0);
    let t = (x + m) - m;
    t - ones(t.cmp_gt(x))
}

/// Four entries of a column, from index `i` (padding past the end with `pad`).
#[inline(always)]
fn load(s: &[f32], i: usize, pad: f32) -> V {
    if let Some(a) = s.get(i..i + 4) {
        return V::from([a[0], a[1], a[2], a[3]]);
    }
    let mut a = [pad; 4];
    for (x, &v) in a.iter_mut().zip(&s[i..]) {
        *x = v;
    }
    V::from(a)
}

/// Four counts of a column, from index `i`, as `f32` (exact: every count here is below 2^24).
#[inline(always)]
fn load_u32(s: &[u32], i: usize) -> V {
    if let Some(a) = s.get(i..i + 4) {
        // Counts are below 2^31, so as signed integers they convert four at a time.
        return i32x4::from([a[0] as i32, a[1] as i32, a[2] as i32, a[3] as i32]).round_float();
    }
    let mut a = [0.0f32; 4];
    for (x, &c) in a.iter_mut().zip(&s[i..]) {
        *x = c as f32;
    }
    V::from(a)
}

/// Writes four lanes back to a column, from index `i` (as many as fit).
#[inline(always)]
fn store(v: V, s: &mut [f32], i: usize) {
    let a = v.to_array();
    if let Some(d) = s.get_mut(i..i + 4) {
        d.copy_from_slice(&a);
        return;
    }
    for (d, &x) in s[i..].iter_mut().zip(&a) {
        *d = x;
    }
}

/// Writes four counts back to a column, from index `i` (as many as fit), and returns them as
/// integer lanes.
#[inline(always)]
fn store_u32(v: V, s: &mut [u32], i: usize) -> i32x4 {
    // Whole non-negative values below 2^31: truncating four at a time is exact.
    let n = v.trunc_int();
    let a = n.to_array();
    if let Some(d) = s.get_mut(i..i + 4) {
        d.copy_from_slice(&[a[0] as u32, a[1] as u32, a[2] as u32, a[3] as u32]);
    } else {
        for (c, &x) in s[i..].iter_mut().zip(&a) {
            *c = x as u32;
        }
    }
    n
}

/// Sums of one region's steps 2–5, one per lane.
#[derive(Clone, Copy)]
struct Lanes {
    served: V,
    starved: V,
    timed_out: V,
    load: V,
    overloaded: V,
    fired: V,
    room: V,
    clients: i32x4,
}

/// The lanes of `v` added in a fixed order.
fn total(v: V) -> f32 {
    let a = v.to_array();
    (a[0] + a[1]) + (a[2] + a[3])
}

/// One region's columns, each its own slice (so the compiler knows writing one leaves the
/// others alone).
struct Cols<'a> {
    serving: &'a [f32],
    guarded: &'a [f32],
    capacity: &'a [f32],
    max_clients: &'a [u32],
    clients: &'a mut [u32],
    queue: &'a mut [u32],
    credit: &'a mut [f32],
    load_avg: &'a mut [f32],
    starved: &'a mut [f32],
    room: &'a mut [f32],
}

/// The pass's constants as lanes.
#[derive(Clone, Copy)]
struct Splat {
    k: V,
    inv_gm: V,
    timeout: V,
    qmax: V,
    theta: V,
    alpha: V,
    starve_rate: V,
    xf: V,
    xg: V,
}

impl Splat {
    /// The constants in every lane, with `x` attempts reaching each supernode this second.
    fn new(c: &Consts, x: f32) -> Self {
        let sp = V::splat;
        Splat {
            k: sp(c.k),
            inv_gm: sp(c.inv_gm),
            timeout: sp(c.timeout),
            qmax: sp(c.qmax),
            theta: sp(c.theta),
            alpha: sp(c.alpha),
            starve_rate: sp(c.starve_rate),
            xf: sp(x * c.f),
            xg: sp(x * c.g),
        }
    }
}

impl<'a> Cols<'a> {
    fn of(sn: &'a mut Supernodes, r: std::ops::Range<usize>) -> Self {
        Cols {
            serving: &sn.serving[r.clone()],
            guarded: &sn.guarded[r.clone()],
            capacity: &sn.capacity_per_s[r.clone()],
            max_clients: &sn.max_clients[r.clone()],
            clients: &mut sn.clients[r.clone()],
            queue: &mut sn.queue[r.clone()],
            credit: &mut sn.credit[r.clone()],
            load_avg: &mut sn.load_avg[r.clone()],
            starved: &mut sn.starved[r.clone()],
            room: &mut sn.room[r],
        }
    }

    /// Steps 2–5 for the four supernodes from index `i` of the region (see the module's
    /// documentation); past the region's end the lanes are padding that does not serve.
    #[inline(always)]
    fn core(&mut self, i: usize, c: &Splat, s: &mut Lanes) {
        let zero = V::ZERO;
        let one = V::ONE;
        let up = load(self.serving, i, 0.0);
        let cap = load(self.capacity, i, 1.0);
        let cl = load_u32(self.clients, i);
        let q = load_u32(self.queue, i);
        let max = load_u32(self.max_clients, i);
        // A supernode with every client slot taken (attached or queued) can only say no: each
        // attempt still costs it the handshake, but it is not asked to serve it.
        let open = ones((max - cl - q).cmp_gt(zero));
        // 2. Handshakes first; keep-alives it cannot answer lose it their clients, each within
        //    a keep-alive interval.
        let left_for_ka = hi(cap - c.xf, zero);
        let asked_ka = cl * c.k;
        let unanswered = ones(asked_ka.cmp_gt(left_for_ka)) * (one - left_for_ka / hi(asked_ka, one));
        let acc = load(self.starved, i, 0.0) + cl * unanswered * c.starve_rate * up;
        let gone = lo(floor_pos(acc), cl);
        store(acc - gone, self.starved, i);
        let cl = cl - gone;
        // 3. Serve the accept queue at spare capacity.
        let mu = hi(cap - cl * c.k - c.xf, zero) * c.inv_gm;
        let credit = lo(load(self.credit, i, 0.0) + mu, mu + one);
        let served = lo(floor_pos(credit), q);
        let cl = cl + served;
        let q = q - served;
        store(credit - served, self.credit, i);
        // 4. Time out what it cannot serve in time: it holds at most μ·T (rounded up).
        let bound = lo(mu * c.timeout, c.qmax);
        let whole = floor_pos(bound);
        let keep = whole + ones(bound.cmp_gt(whole));
        let out = hi(q - keep, zero);
        let q = q - out;
        // 5. The load asked of it, its load average, the failsafe.
        let demand = (cl * c.k + c.xg * open + c.xf * (one - open)) * up;
        let avg0 = load(self.load_avg, i, 0.0);
        let avg = avg0 + (demand - avg0) * c.alpha;
        store(avg, self.load_avg, i);
        let fire = ones(avg.cmp_ge(c.theta * cap)) * load(self.guarded, i, 0.0) * up;
        // 6. Room for the next second.
        let left = max - cl - q;
        let room = hi(lo(bound - q, left), zero) * up * (one - fire);
        store(room, self.room, i);
        s.clients += store_u32(cl, self.clients, i);
        store_u32(q, self.queue, i);
        s.served += served;
        s.starved += gone;
        s.timed_out += out;
        s.load += demand;
        s.overloaded += ones(demand.cmp_gt(cap)) * up;
        s.fired += fire;
        s.room += room;
    }
}

impl World {
    /// The pass over every supernode (see the module's documentation).
    pub(super) fn supernode_pass(&mut self, leaving: &Leaving) -> Tally {
        let regions = self.sn.regions;
        let mut t = Tally {
            bounced: vec![0; regions + 1],
            timed_out: vec![0; regions + 1],
            removed: vec![0; regions + 1],
            starved: vec![0; regions + 1],
            ..Tally::default()
        };
        let c = Consts::new(&self.params);
        let sp = V::splat;
        let mut k = Splat::new(&c, 0.0);
        // Leavers go from each region in proportion to its clients (as the last second left them).
        let online: u64 = self.caches.online.iter().sum();
        let remove = (leaving.hit + leaving.churn).min(online);
        let mut rm_by_region = vec![0u64; regions + 1];
        if remove > 0 {
            split_bounded(&mut self.rng, remove, &self.caches.online, &mut rm_by_region);
        }
        let u_adm = self.rng.uniform();
        let sn = &mut self.sn;
        for (r, &rm) in rm_by_region.iter().enumerate() {
            let range = sn.region_range(r);
            let up = self.caches.up[r];
            let admits = self.caches.admits[r];
            if up == 0 {
                sn.contacts_per_sn[r] = 0.0;
                t.bounced[r] = admits;
                self.caches.room[r] = 0.0;
                self.caches.online[r] = 0;
                // Supernodes that are down do nothing; their load average restarts at zero when
                // they serve again.
                continue;
            }
            let x = self.caches.contacts[r] / up as f32;
            sn.contacts_per_sn[r] = x;
            // 1. Arrivals into the queues, in proportion to the room each had: systematic
            //    sampling along the region's cumulative room, stopping once all are placed.
            if admits > 0 {
                let room_before = self.caches.room[r] as f64;
                let (rooms, queue) = (&sn.room[range.clone()], &mut sn.queue[range.clone()]);
                let step = if room_before > 0.0 { room_before / admits as f64 } else { f64::INFINITY };
                let mut next = step * Rounder::nth(u_adm, r).offset();
                let (mut cum, mut placed) = (0.0f64, 0u64);
                for (&room, q) in rooms.iter().zip(queue.iter_mut()) {
                    if placed == admits {
                        break;
                    }
                    cum += room as f64;
                    if next < cum {
                        let whole = room as u64;
                        let cap = whole + (room > whole as f32) as u64;
                        let mut n = 0;
                        while next < cum && n < cap && placed < admits {
                            n += 1;
                            placed += 1;
                            next += step;
                        }
                        *q += n as u32;
                    }
                }
                t.bounced[r] = admits - placed;
            }
            // 1. Leavers, this region's share, in proportion to clients: drawn one by one when
            //    few, by systematic rounding when many.
            let leave = rm;
            if leave > 0 {
                let clients = &mut sn.clients[range.clone()];
                let in_region = self.caches.online[r];
                let leave = leave.min(in_region);
                let bound = sn.max_by_region[r] as u64;
                if leave * 8 < clients.len() as u64 && bound > 0 {
                    let (mut done, mut tries) = (0u64, 0u64);
                    while done < leave && tries < leave * 256 + 1024 {
                        tries += 1;
                        let j = self.rng.below(clients.len() as u64) as usize;
                        if (self.rng.below(bound) as u32) < clients[j] {
                            clients[j] -= 1;
                            done += 1;
                        }
                    }
                    t.removed[r] = done;
                } else {
                    let fixed = (leave as f64 / in_region as f64 * ONE) as u64;
                    let u = (self.rng.uniform() * ONE) as u64;
                    let (mut cum, mut prev, mut done) = (0u64, 0u64, 0u64);
                    for c in clients.iter_mut() {
                        let cl = *c as u64;
                        cum += cl * fixed;
                        let upto = (cum + u) >> 32;
                        let n = (upto - prev).min(cl);
                        prev = upto;
                        *c -= n as u32;
                        done += n;
                    }
                    t.removed[r] = done;
                }
            }
            // 2–5, four supernodes at a time.
            k.xf = sp(x * c.f);
            k.xg = sp(x * c.g);
            let z = V::ZERO;
            let mut s = Lanes { served: z, starved: z, timed_out: z, load: z, overloaded: z, fired: z, room: z, clients: i32x4::ZERO };
            let whole = range.start + range.len() / 4 * 4;
            let mut cols = Cols::of(sn, range.start..whole);
            for chunk in 0..cols.capacity.len() / 4 {
                cols.core(chunk * 4, &k, &mut s);
            }
            if whole < range.end {
                Cols::of(sn, whole..range.end).core(0, &k, &mut s);
            }
            self.caches.online[r] = s.clients.to_array().iter().map(|&n| n as u64).sum();
            t.served += total(s.served) as u64;
            t.timed_out[r] = total(s.timed_out) as u64;
            t.starved[r] = total(s.starved) as u64;
            t.overloaded += total(s.overloaded) as u64;
            // The load ratio is about the peer supernodes (the post-mortem's "survivors").
            if r < regions {
                t.load_sum += total(s.load) as f64;
            }
            self.caches.room[r] = total(s.room);
            if total(s.fired) > 0.0 {
                for i in range {
                    if sn.serving[i] > 0.0 && sn.guarded[i] > 0.0 && sn.load_avg[i] >= c.theta * sn.capacity_per_s[i] {
                        t.failsafe.push(i);
                    }
                }
            }
        }
        t.removed_total = t.removed.iter().sum();
        t
    }

    /// Moves clients between states after the pass, takes down the supernodes whose failsafe
    /// fired, and updates each region's chance to take a client for the next second.
    pub(super) fn after_pass(&mut self, t: &Tally, _outcome: &Outcome, leaving: &Leaving) {
        // Served clients attach.
        if t.served > 0 {
            let mut part = [0u64; VERSIONS];
            split_bounded(&mut self.rng, t.served, &self.clients.queued, &mut part);
            transfer(&mut self.clients.queued, &mut self.clients.online, &part);
        }
        // Walks that found no room after all, and attempts that timed out in a queue, go on.
        let regions = self.sn.regions;
        let back: Vec<u64> = (0..=regions).map(|r| t.bounced[r] + t.timed_out[r]).collect();
        self.unqueue_by_region(&back);
        // Leavers: hit by the trigger (crashed, or disconnected to reconnect at once), or
        // logging off (another user logs on in their place).
        if t.removed_total > 0 {
            let hit_share = if leaving.hit + leaving.churn > 0 { leaving.hit as f64 / (leaving.hit + leaving.churn) as f64 } else { 0.0 };
            let mut split = Rounder::new(&mut self.rng);
            let mut hits_left = leaving.hit.min(self.clients.online[V_BUGGY] + self.clients.online[V_CRASHED]);
            let mut hits = vec![0u64; regions + 1];
            let mut churn = vec![0u64; regions + 1];
            for r in 0..=regions {
                let n = t.removed[r];
                if n == 0 {
                    continue;
                }
                let h = split.round(n as f64 * hit_share, n.min(hits_left));
                hits_left -= h;
                hits[r] = h;
                churn[r] = n - h;
            }
            if leaving.crash {
                self.crash_by_region(&hits);
            } else {
                self.disconnect_by_region(&hits);
            }
            self.cut_off_by_region(&churn);
        }
        // Clients whose keep-alives went unanswered look for another supernode now.
        if t.starved.iter().any(|&n| n > 0) {
            self.reconnect_by_region(&t.starved);
        }
        // Failsafes that fired: the supernode drops the role and cuts its clients off.
        let n_fail = t.failsafe.len();
        for &i in &t.failsafe {
            let cool = self.params.failsafe.cooldown_s * (0.5 + self.rng.uniform());
            let back = self.tick + (libm::ceil(cool) as u64).max(1);
            self.take_down(i, SnState::ShutDown, back);
            self.summary.failsafe_shutdowns += 1;
        }
        if n_fail > 0 && !self.milestones.first_failsafe {
            self.milestones.first_failsafe = true;
            let f = &self.params.failsafe;
            self.emit(EventKind::FirstFailsafe { window_s: f.window_s, threshold: f.threshold });
        }
        // A live entry's chance to take a client next second: the room left against the
        // attempts that came this second.
        for r in 0..=regions {
            let room = self.caches.room[r];
            let x = self.caches.contacts[r];
            self.caches.admit_p[r] = if x > 0.0 {
                (room / x).min(1.0)
            } else if room > 0.0 {
                1.0
            } else {
                0.0
            };
        }
    }

    /// Recomputes every serving supernode's room and each region's total (after the warm start).
    pub(super) fn refresh_rooms(&mut self) {
        let c = Consts::new(&self.params);
        for r in 0..=self.sn.regions {
            let mut total = 0.0;
            for i in self.sn.region_range(r) {
                if self.sn.state[i] != SnState::Up {
                    continue;
                }
                let (cl, q) = (self.sn.clients[i] as f32, self.sn.queue[i] as f32);
                let mu = (self.sn.capacity_per_s[i] - cl * c.k).max(0.0) * c.inv_gm;
                let bound = (mu * c.timeout).min(c.qmax);
                let room = (bound - q).min(self.sn.max_clients[i] as f32 - cl - q).max(0.0);
                self.sn.room[i] = room;
                total += room;
            }
            self.caches.room[r] = total;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenarios;

    /// One region of four identical supernodes, run second by second with `x(t)` attempts
    /// reaching each; returns the load average (as a multiple of capacity) after `secs`.
    fn load_average_after(x: impl Fn(usize) -> f32, secs: usize) -> f32 {
        let p = scenarios::scaled(&scenarios::find("skype-2010").unwrap().params, 0.001);
        let mut sn = Supernodes::build(&p, 1);
        let c = Consts::new(&p);
        for i in 0..4 {
            sn.capacity_per_s[i] = 6000.0;
            sn.max_clients[i] = 600;
            sn.clients[i] = 480;
            sn.load_avg[i] = 480.0 * c.k;
        }
        for t in 0..secs {
            let xt = x(t);
            let k = Splat::new(&c, xt);
            let z = V::ZERO;
            let mut s = Lanes { served: z, starved: z, timed_out: z, load: z, overloaded: z, fired: z, room: z, clients: i32x4::ZERO };
            Cols::of(&mut sn, 0..4).core(0, &k, &mut s);
        }
        sn.load_avg[0] / sn.capacity_per_s[0]
    }

    #[test]
    fn waves_load_the_failsafe_as_the_same_attempts_arriving_evenly() {
        let window = scenarios::find("skype-2010").unwrap().params.failsafe.window_s as usize;
        let secs = 4 * window;
        // 2 attempts a second, or 20 every tenth second, or 60 every thirtieth.
        let smooth = load_average_after(|_| 2.0, secs);
        let waves = load_average_after(|t| if t % 10 == 0 { 20.0 } else { 0.0 }, secs);
        let bursts = load_average_after(|t| if t % 30 == 0 { 60.0 } else { 0.0 }, secs);
        for (name, v) in [("waves", waves), ("bursts", bursts)] {
            assert!((v - smooth).abs() < 0.15 * smooth, "{name}: load average {v} against {smooth} when smooth");
        }
        // And a wave that is on half the time is not forgiven: it weighs as its mean.
        let half = load_average_after(|t| if (t / 60) % 2 == 0 { 4.0 } else { 0.0 }, secs);
        assert!((half - smooth).abs() < 0.25 * smooth, "on/off: {half} against {smooth}");
    }
}
