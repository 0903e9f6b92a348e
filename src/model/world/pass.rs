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
//! [`Supernodes`](super::super::supernode::Supernodes) ([`Cols::run_any`]), so that it runs in
//! SIMD lanes: written out in AVX2 ([`avx2`], eight at a time, where the processor has it, chosen
//! at run time) and in WebAssembly's 128-bit SIMD (`simd128`, which the page therefore needs),
//! compiled into SSE2 lanes elsewhere. The written-out kernels skip eight supernodes out of
//! service together: out of service, a supernode holds zeros in every column the pass writes
//! (`Supernodes::is_idle`, an invariant checked every tick in the tests), which is what the pass
//! would write again. Each lane does the same IEEE operations as a scalar would, counts are
//! summed as integers and the two real-valued sums (room, load asked) in four partial sums in a
//! fixed order, so the result is the same bits on every platform and at every lane width (a test
//! runs the AVX2 kernel against [`Cols::run_any`]; the browser tests compare a run's hash with
//! the CLI's).

use super::super::narration::EventKind;
use super::super::params::Params;
use super::super::rng::{split_bounded, split_bounded_of, SimRng};
use super::super::supernode::{SnState, Supernodes};
use super::caches::{Outcome, Rounder};
use super::clients::{transfer, Leaving, VERSIONS, V_BUGGY, V_CRASHED};
use super::World;

#[cfg(target_arch = "x86_64")]
mod avx2;
#[cfg(target_arch = "wasm32")]
mod simd128;

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

/// The smaller of two values (these values are never NaN), as a compare and a select so that
/// it is the same operation in every lane width and on every platform.
#[inline(always)]
fn lo(a: f32, b: f32) -> f32 {
    if a < b {
        a
    } else {
        b
    }
}

/// The larger of two values.
#[inline(always)]
fn hi(a: f32, b: f32) -> f32 {
    if a > b {
        a
    } else {
        b
    }
}

/// 1 where `c` holds, 0 elsewhere (a factor the pass multiplies by, never a branch).
#[inline(always)]
fn ones(c: bool) -> f32 {
    if c {
        1.0
    } else {
        0.0
    }
}

/// The floor of a non-negative value below 2^23: one instruction where the processor has it
/// (`vroundps` with AVX, `f32x4.floor` in WebAssembly SIMD), and exact everywhere.
#[inline(always)]
fn floor_pos(x: f32) -> f32 {
    x.floor()
}

/// A count as `f32` (exact: every count here is below 2^24).
#[inline(always)]
fn to_f32(n: u32) -> f32 {
    // Counts are below 2^31, so the signed conversion (one instruction per lane) is exact.
    n as i32 as f32
}

/// A whole non-negative value below 2^23 back to a count, exactly: adding 2^23 puts the value
/// in the low bits of the mantissa (plain arithmetic, so it runs in SIMD lanes, with no
/// saturating conversion).
#[inline(always)]
fn to_u32(v: f32) -> u32 {
    const M: f32 = 8_388_608.0;
    (v + M).to_bits() - M.to_bits()
}

/// What a region's steps 2–5 add up to.
#[derive(Clone, Copy, Default)]
struct Sums {
    /// Clients attached after the pass.
    online: u64,
    /// Load asked of the region's supernodes, in [`sum4`]'s order.
    asked: f32,
    /// Room left in their accept queues, in [`sum4`]'s order.
    room: f32,
    served: u32,
    starved: u32,
    timed_out: u32,
    overloaded: u32,
    fired: u32,
}

/// One region's columns, each its own slice of the same length (so the compiler knows writing
/// one leaves the others alone, and checks each index once).
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
    asked: &'a mut [f32],
}

/// The pass's constants for one region, with `x` attempts reaching each supernode this second.
#[derive(Clone, Copy)]
struct Region {
    c: Consts,
    /// What the attempts cost each supernode in handshakes (`x·f`).
    xf: f32,
    /// What they would cost it if all were served (`x·g`).
    xg: f32,
}

impl Region {
    fn new(c: &Consts, x: f32) -> Self {
        Region { c: *c, xf: x * c.f, xg: x * c.g }
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
            room: &mut sn.room[r.clone()],
            asked: &mut sn.asked_per_s[r],
        }
    }

    /// Steps 2–5 for every supernode of the region (see the module's documentation), chosen
    /// for the widest lanes the processor has.
    fn run(&mut self, c: &Region) -> Sums {
        #[cfg(target_arch = "x86_64")]
        {
            if std::arch::is_x86_feature_detected!("avx2") {
                // SAFETY: the processor has just been found to support AVX2.
                return unsafe { self.run_avx2(c) };
            }
        }
        #[cfg(target_arch = "wasm32")]
        return self.run_simd128(c);
        #[cfg(not(target_arch = "wasm32"))]
        self.run_any(c)
    }

    /// [`Cols::run`] in WebAssembly's 128-bit SIMD, eight supernodes at a time, skipping eight
    /// out of service together (see [`simd128`]): the same IEEE operations, so the same bits.
    /// The page needs a browser with WebAssembly SIMD.
    #[cfg(target_arch = "wasm32")]
    #[target_feature(enable = "simd128")]
    fn run_simd128(&mut self, c: &Region) -> Sums {
        simd128::run(self, c)
    }

    /// [`Cols::run`] in AVX2, eight supernodes at a time, skipping eight out of service
    /// together (see [`avx2`]): the same IEEE operations, so the same bits.
    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx2")]
    unsafe fn run_avx2(&mut self, c: &Region) -> Sums {
        // SAFETY: this function runs only where the processor has AVX2 (its target feature).
        unsafe { avx2::run(self, c) }
    }

    /// What a written-out kernel ([`avx2`], `simd128`) leaves: the supernodes from `from` on
    /// (fewer than its width; `from` a multiple of four) through [`Cols::run_any`], their
    /// counts added to `s`, their load asked and room to the four partial sums (entry `i` to sum
    /// `i mod 4`, after the kernel's), then the partial sums added up in their fixed order.
    #[cfg(any(target_arch = "x86_64", target_arch = "wasm32"))]
    fn finish(&mut self, from: usize, r: &Region, mut s: Sums, mut asked: [f32; 4], mut room: [f32; 4]) -> Sums {
        let n = self.capacity.len();
        if from < n {
            let mut tail = Cols {
                serving: &self.serving[from..],
                guarded: &self.guarded[from..],
                capacity: &self.capacity[from..],
                max_clients: &self.max_clients[from..],
                clients: &mut self.clients[from..],
                queue: &mut self.queue[from..],
                credit: &mut self.credit[from..],
                load_avg: &mut self.load_avg[from..],
                starved: &mut self.starved[from..],
                room: &mut self.room[from..],
                asked: &mut self.asked[from..],
            };
            let t = tail.run_any(r);
            s.online += t.online;
            s.served = s.served.wrapping_add(t.served);
            s.starved = s.starved.wrapping_add(t.starved);
            s.timed_out = s.timed_out.wrapping_add(t.timed_out);
            s.overloaded = s.overloaded.wrapping_add(t.overloaded);
            s.fired = s.fired.wrapping_add(t.fired);
            for j in 0..n - from {
                asked[j % 4] += tail.asked[j];
                room[j % 4] += tail.room[j];
            }
        }
        s.asked = (asked[0] + asked[1]) + (asked[2] + asked[3]);
        s.room = (room[0] + room[1]) + (room[2] + room[3]);
        s
    }

    /// Steps 2–5, the same arithmetic for every supernode without branches, so that the
    /// compiler can run it in SIMD lanes.
    #[inline(always)]
    fn run_any(&mut self, r: &Region) -> Sums {
        let Region { c, xf, xg } = *r;
        let n = self.capacity.len();
        let (serving, guarded, capacity, max_clients) =
            (&self.serving[..n], &self.guarded[..n], &self.capacity[..n], &self.max_clients[..n]);
        let (clients, queue, credit, load_avg) =
            (&mut self.clients[..n], &mut self.queue[..n], &mut self.credit[..n], &mut self.load_avg[..n]);
        let (starved, room, asked) = (&mut self.starved[..n], &mut self.room[..n], &mut self.asked[..n]);
        let mut s = Sums::default();
        for i in 0..n {
            let up = serving[i];
            let cap = capacity[i];
            let cl = to_f32(clients[i]);
            let q = to_f32(queue[i]);
            let max = to_f32(max_clients[i]);
            // A supernode with every client slot taken (attached or queued) can only say no:
            // each attempt still costs it the handshake, but it is not asked to serve it.
            let open = ones(max - cl - q > 0.0);
            // 2. Handshakes first; keep-alives it cannot answer lose it their clients, each
            //    within a keep-alive interval.
            let left_for_ka = hi(cap - xf, 0.0);
            let asked_ka = cl * c.k;
            let unanswered = ones(asked_ka > left_for_ka) * (1.0 - left_for_ka / hi(asked_ka, 1.0));
            let acc = starved[i] + cl * unanswered * c.starve_rate * up;
            let gone = lo(floor_pos(acc), cl);
            // A supernode out of service keeps no figures (× `up`: a serving one's are unchanged,
            // bit for bit); it starts afresh when it serves again (`set_state`).
            starved[i] = (acc - gone) * up;
            let cl = cl - gone;
            // 3. Serve the accept queue at spare capacity.
            let mu = hi(cap - cl * c.k - xf, 0.0) * c.inv_gm;
            let cr = lo(credit[i] + mu, mu + 1.0);
            let served = lo(floor_pos(cr), q);
            let cl = cl + served;
            let q = q - served;
            credit[i] = (cr - served) * up;
            // 4. Time out what it cannot serve in time: it holds at most μ·T (rounded up).
            let bound = lo(mu * c.timeout, c.qmax);
            let whole = floor_pos(bound);
            let keep = whole + ones(bound > whole);
            let out = hi(q - keep, 0.0);
            let q = q - out;
            // 5. The load asked of it, its load average, the failsafe.
            let demand = (cl * c.k + xg * open + xf * (1.0 - open)) * up;
            asked[i] = demand;
            let avg0 = load_avg[i];
            let avg = avg0 + (demand - avg0) * c.alpha;
            load_avg[i] = avg * up;
            let fire = ones(avg >= c.theta * cap) * guarded[i] * up;
            // 6. Room for the next second.
            let left = max - cl - q;
            room[i] = hi(lo(bound - q, left), 0.0) * up * (1.0 - fire);
            let (cl, q) = (to_u32(cl), to_u32(q));
            clients[i] = cl;
            queue[i] = q;
            s.served += to_u32(served);
            s.starved += to_u32(gone);
            s.timed_out += to_u32(out);
            s.overloaded += (demand > cap && up > 0.0) as u32;
            s.fired += (fire > 0.0) as u32;
        }
        // The region's sums, here so that they run in the same lanes.
        s.online = clients.iter().map(|&n| n as u64).sum();
        s.asked = sum4(asked);
        s.room = sum4(room);
        s
    }
}

/// The sum of a column in four partial sums (entry `i` to sum `i mod 4`), added in a fixed
/// order: the same bits whatever lanes computed the entries.
#[inline(always)]
fn sum4(v: &[f32]) -> f32 {
    let mut a = [0.0f32; 4];
    let mut chunks = v.chunks_exact(4);
    for c in &mut chunks {
        for j in 0..4 {
            a[j] += c[j];
        }
    }
    for (j, &x) in chunks.remainder().iter().enumerate() {
        a[j] += x;
    }
    (a[0] + a[1]) + (a[2] + a[3])
}

/// Step 1, arrivals: places `admits` clients in a region's accept queues in proportion to the
/// room each had (`rooms`, summing to `room_total`), by systematic sampling along the
/// cumulative room from `offset` (in [0, 1)), stopping once all are placed. Returns how many
/// found a place.
fn queue_arrivals(rooms: &[f32], queue: &mut [u32], room_total: f32, admits: u64, offset: f64) -> u64 {
    let room_before = room_total as f64;
    let step = if room_before > 0.0 { room_before / admits as f64 } else { f64::INFINITY };
    let mut next = step * offset;
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
    placed
}

/// Step 1, leavers: takes `leave` clients off a region's supernodes (`clients`, `in_region` in
/// all) in proportion to their clients: drawn one by one when few (each a client picked
/// uniformly among those left), by systematic rounding in 32.32 fixed point when many. Returns
/// how many were taken.
fn remove_leavers(rng: &mut SimRng, clients: &mut [u32], leave: u64, in_region: u64) -> u64 {
    if leave * 8 < clients.len() as u64 {
        // Counted afresh: a supernode may have gone down since the last pass.
        let mut left: u64 = clients.iter().map(|&c| c as u64).sum();
        let mut done = 0u64;
        while done < leave && left > 0 {
            let mut k = rng.below(left);
            for c in clients.iter_mut() {
                if k < *c as u64 {
                    *c -= 1;
                    break;
                }
                k -= *c as u64;
            }
            left -= 1;
            done += 1;
        }
        done
    } else {
        let fixed = (leave as f64 / in_region as f64 * ONE) as u64;
        let u = (rng.uniform() * ONE) as u64;
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
        done
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
        // Leavers go from each region in proportion to its clients (as the last second left them).
        let online: u64 = self.caches.online.iter().sum();
        let remove = (leaving.hit + leaving.churn).min(online);
        let mut rm_by_region = vec![0u64; regions + 1];
        if remove > 0 {
            split_bounded_of(&mut self.rng, remove, &self.caches.online, online, &mut rm_by_region);
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
                let (rooms, queue) = (&sn.room[range.clone()], &mut sn.queue[range.clone()]);
                let offset = Rounder::nth(u_adm, r).offset();
                t.bounced[r] = admits - queue_arrivals(rooms, queue, self.caches.room[r], admits, offset);
            }
            // 1. Leavers, this region's share, in proportion to clients: drawn one by one when
            //    few, by systematic rounding when many.
            if rm > 0 {
                let clients = &mut sn.clients[range.clone()];
                let leave = rm.min(self.caches.online[r]);
                t.removed[r] = remove_leavers(&mut self.rng, clients, leave, self.caches.online[r]);
            }
            // 2–5, every supernode of the region.
            let sums = Cols::of(sn, range.clone()).run(&Region::new(&c, x));
            self.caches.online[r] = sums.online;
            t.served += sums.served as u64;
            t.timed_out[r] = sums.timed_out as u64;
            t.starved[r] = sums.starved as u64;
            t.overloaded += sums.overloaded as u64;
            // The load ratio is about the peer supernodes (the post-mortem's "survivors").
            if r < regions {
                t.load_sum += sums.asked as f64;
            }
            self.caches.room[r] = sums.room;
            if sums.fired > 0 {
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
            Cols::of(&mut sn, 0..4).run(&Region::new(&c, xt));
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

    /// The pass gives the same bits at every lane width: the run-time choice (eight lanes where
    /// the processor has AVX2, skipping eight out of service together) against the portable
    /// build, over varied supernodes and loads, sums included.
    #[test]
    fn lane_widths_give_the_same_bits() {
        let p = scenarios::find("skype-2010").unwrap().params.clone();
        let p = scenarios::scaled(&p, 0.01);
        let c = Consts::new(&p);
        let mut a = Supernodes::build(&p, 7);
        let n = a.peers;
        let mut rng = crate::model::rng::SimRng::new(3);
        for i in 0..n {
            // Out of service one at a time, and in runs of eight and more (which the pass may
            // skip); out of service, a supernode holds zeros (`Supernodes::is_idle`).
            let serving = rng.uniform() < 0.8 && (i / 8) % 5 != 3 && !(100..140).contains(&i);
            if !serving {
                a.serving[i] = 0.0;
                a.clients[i] = 0;
                a.queue[i] = 0;
                a.credit[i] = 0.0;
                a.starved[i] = 0.0;
                a.load_avg[i] = 0.0;
                a.room[i] = 0.0;
                a.asked_per_s[i] = 0.0;
                continue;
            }
            let max = a.max_clients[i];
            a.clients[i] = rng.below(max as u64 + 1) as u32;
            a.queue[i] = rng.below((max - a.clients[i]) as u64 + 1) as u32;
            a.credit[i] = rng.uniform() as f32;
            a.starved[i] = rng.uniform() as f32;
            a.load_avg[i] = (rng.uniform() * 40.0) as f32 * a.capacity_per_s[i];
            a.serving[i] = 1.0;
        }
        let mut b = a.clone();
        let (mut served, mut starved, mut out, mut fired) = (0, 0, 0, 0);
        for t in 0..200 {
            let x = [0.0f32, 0.3, 2.5, 40.0][t % 4];
            let k = Region::new(&c, x);
            // Over a stretch of another length (not a multiple of eight) every other second, and
            // over the whole.
            if t % 2 == 1 {
                let range = 3..n - 5;
                let sa = Cols::of(&mut a, range.clone()).run(&k);
                let sb = Cols::of(&mut b, range).run_any(&k);
                assert_eq!(
                    (sa.online, sa.served, sa.starved, sa.timed_out, sa.overloaded, sa.fired),
                    (sb.online, sb.served, sb.starved, sb.timed_out, sb.overloaded, sb.fired)
                );
                assert_eq!((sa.asked.to_bits(), sa.room.to_bits()), (sb.asked.to_bits(), sb.room.to_bits()));
                (served, starved, out, fired) = (served + sa.served, starved + sa.starved, out + sa.timed_out, fired + sa.fired);
            }
            let sa = Cols::of(&mut a, 0..n).run(&k);
            let sb = Cols::of(&mut b, 0..n).run_any(&k);
            assert_eq!((sa.online, sa.asked.to_bits(), sa.room.to_bits()), (sb.online, sb.asked.to_bits(), sb.room.to_bits()));
            (served, starved, out, fired) = (served + sa.served, starved + sa.starved, out + sa.timed_out, fired + sa.fired);
        }
        let bits = |v: &[f32]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
        assert_eq!(a.clients, b.clients);
        assert_eq!(a.queue, b.queue);
        for (name, x, y) in [
            ("credit", &a.credit, &b.credit),
            ("load_avg", &a.load_avg, &b.load_avg),
            ("starved", &a.starved, &b.starved),
            ("room", &a.room, &b.room),
            ("asked_per_s", &a.asked_per_s, &b.asked_per_s),
        ] {
            assert_eq!(bits(x), bits(y), "{name}");
        }
        // Every step of the pass took part.
        assert!(served > 0 && starved > 0 && out > 0 && fired > 0, "{served} {starved} {out} {fired}");
    }
}
