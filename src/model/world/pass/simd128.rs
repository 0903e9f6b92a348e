//! The pass's steps 2–6 ([`Cols::run_any`]) written in WebAssembly's 128-bit SIMD instructions,
//! eight supernodes at a time (two vectors of four), skipping every eight none of which serves.
//!
//! As in [`super::avx2`]: out of service, a supernode holds zeros in every column the pass writes
//! ([`Supernodes::is_idle`](crate::model::supernode::Supernodes::is_idle)), what the pass would
//! write for it again, and zeros add nothing to the sums, so eight out of service together are
//! skipped. Every lane does exactly what [`Cols::run_any`] does to one supernode, operation for
//! operation and in the same order, so the bits are the same: `lo`/`hi` are a compare and a
//! select (not `min`/`max`, which treat signed zeros differently), `ones` is a select of 1 or 0,
//! counts go through the same signed conversions, and the two real-valued sums keep four partial
//! sums (entry `i` to sum `i mod 4`, four entries at a time, so lane `j` holds sum `j`). The
//! browser test that hashes a run against the CLI's checks it, through the collapse, where every
//! step of the pass takes part.

use core::arch::wasm32::*;

use super::{Cols, Consts, Region, Sums};

/// `a` where `a < b`, else `b` (as `lo`).
#[inline(always)]
fn lo(a: v128, b: v128) -> v128 {
    v128_bitselect(a, b, f32x4_lt(a, b))
}

/// `a` where `a > b`, else `b` (as `hi`).
#[inline(always)]
fn hi(a: v128, b: v128) -> v128 {
    v128_bitselect(a, b, f32x4_gt(a, b))
}

/// 1 where the mask is set, 0 elsewhere (as `ones`).
#[inline(always)]
fn ones(mask: v128) -> v128 {
    v128_and(mask, f32x4_splat(1.0))
}

/// Four counts as `f32` (as `to_f32`: the signed conversion, exact below 2^24).
#[inline(always)]
fn to_f32(v: v128) -> v128 {
    f32x4_convert_i32x4(v)
}

/// Four whole non-negative values below 2^23 back to counts (as `to_u32`).
#[inline(always)]
fn to_u32(v: v128) -> v128 {
    const M: f32 = 8_388_608.0;
    i32x4_sub(f32x4_add(v, f32x4_splat(M)), i32x4_splat(M.to_bits() as i32))
}

/// The pass's per-second constants as vectors.
struct Splat {
    zero: v128,
    one: v128,
    k: v128,
    starve_rate: v128,
    inv_gm: v128,
    timeout: v128,
    qmax: v128,
    alpha: v128,
    theta: v128,
    xf: v128,
    xg: v128,
}

impl Splat {
    fn new(c: &Consts, xf: f32, xg: f32) -> Self {
        Splat {
            zero: f32x4_splat(0.0),
            one: f32x4_splat(1.0),
            k: f32x4_splat(c.k),
            starve_rate: f32x4_splat(c.starve_rate),
            inv_gm: f32x4_splat(c.inv_gm),
            timeout: f32x4_splat(c.timeout),
            qmax: f32x4_splat(c.qmax),
            alpha: f32x4_splat(c.alpha),
            theta: f32x4_splat(c.theta),
            xf: f32x4_splat(xf),
            xg: f32x4_splat(xg),
        }
    }
}

/// What the lanes add up, lane by lane.
struct Acc {
    served: v128,
    starved: v128,
    out: v128,
    over: v128,
    fired: v128,
    online_lo: v128,
    online_hi: v128,
    asked: v128,
    room: v128,
}

/// Steps 2–5 for the four supernodes of `cols` from `i`, adding to `acc`.
///
/// # Safety
/// `i + 4` is at most the length of every column.
#[inline(always)]
unsafe fn four(cols: &mut Cols<'_>, i: usize, v: &Splat, acc: &mut Acc) {
    let Splat { zero, one, k, starve_rate, inv_gm, timeout, qmax, alpha, theta, xf, xg } = *v;
    // SAFETY: in bounds (the caller's promise); WebAssembly loads need no alignment.
    let load = |p: *const u8| unsafe { v128_load(p as *const v128) };
    let store = |p: *mut u8, x: v128| unsafe { v128_store(p as *mut v128, x) };
    macro_rules! at {
        ($col:expr) => {
            $col.as_ptr().add(i) as *const u8
        };
    }
    macro_rules! at_mut {
        ($col:expr) => {
            $col.as_mut_ptr().add(i) as *mut u8
        };
    }
    unsafe {
        let up = load(at!(cols.serving));
        let cap = load(at!(cols.capacity));
        let cl = to_f32(load(at!(cols.clients)));
        let q = to_f32(load(at!(cols.queue)));
        let max = to_f32(load(at!(cols.max_clients)));
        let open = ones(f32x4_gt(f32x4_sub(f32x4_sub(max, cl), q), zero));
        // 2. Handshakes first; keep-alives it cannot answer lose it their clients.
        let left_for_ka = hi(f32x4_sub(cap, xf), zero);
        let asked_ka = f32x4_mul(cl, k);
        let unanswered = f32x4_mul(ones(f32x4_gt(asked_ka, left_for_ka)), f32x4_sub(one, f32x4_div(left_for_ka, hi(asked_ka, one))));
        let a = f32x4_add(load(at!(cols.starved)), f32x4_mul(f32x4_mul(f32x4_mul(cl, unanswered), starve_rate), up));
        let gone = lo(f32x4_floor(a), cl);
        store(at_mut!(cols.starved), f32x4_mul(f32x4_sub(a, gone), up));
        let cl = f32x4_sub(cl, gone);
        // 3. Serve the accept queue at spare capacity.
        let mu = f32x4_mul(hi(f32x4_sub(f32x4_sub(cap, f32x4_mul(cl, k)), xf), zero), inv_gm);
        let cr = lo(f32x4_add(load(at!(cols.credit)), mu), f32x4_add(mu, one));
        let served = lo(f32x4_floor(cr), q);
        let cl = f32x4_add(cl, served);
        let q = f32x4_sub(q, served);
        store(at_mut!(cols.credit), f32x4_mul(f32x4_sub(cr, served), up));
        // 4. Time out what it cannot serve in time.
        let bound = lo(f32x4_mul(mu, timeout), qmax);
        let whole = f32x4_floor(bound);
        let keep = f32x4_add(whole, ones(f32x4_gt(bound, whole)));
        let out = hi(f32x4_sub(q, keep), zero);
        let q = f32x4_sub(q, out);
        // 5. The load asked of it, its load average, the failsafe.
        let demand = f32x4_mul(f32x4_add(f32x4_add(f32x4_mul(cl, k), f32x4_mul(xg, open)), f32x4_mul(xf, f32x4_sub(one, open))), up);
        store(at_mut!(cols.asked), demand);
        let avg0 = load(at!(cols.load_avg));
        let avg = f32x4_add(avg0, f32x4_mul(f32x4_sub(demand, avg0), alpha));
        store(at_mut!(cols.load_avg), f32x4_mul(avg, up));
        let fire = f32x4_mul(f32x4_mul(ones(f32x4_ge(avg, f32x4_mul(theta, cap))), load(at!(cols.guarded))), up);
        // 6. Room for the next second.
        let left = f32x4_sub(f32x4_sub(max, cl), q);
        let room = f32x4_mul(f32x4_mul(hi(lo(f32x4_sub(bound, q), left), zero), up), f32x4_sub(one, fire));
        store(at_mut!(cols.room), room);
        let cl_n = to_u32(cl);
        store(at_mut!(cols.clients), cl_n);
        store(at_mut!(cols.queue), to_u32(q));
        acc.served = i32x4_add(acc.served, to_u32(served));
        acc.starved = i32x4_add(acc.starved, to_u32(gone));
        acc.out = i32x4_add(acc.out, to_u32(out));
        // A set mask is −1: subtracting it counts one.
        acc.over = i32x4_sub(acc.over, v128_and(f32x4_gt(demand, cap), f32x4_gt(up, zero)));
        acc.fired = i32x4_sub(acc.fired, f32x4_gt(fire, zero));
        acc.online_lo = i64x2_add(acc.online_lo, u64x2_extend_low_u32x4(cl_n));
        acc.online_hi = i64x2_add(acc.online_hi, u64x2_extend_high_u32x4(cl_n));
        acc.asked = f32x4_add(acc.asked, demand);
        acc.room = f32x4_add(acc.room, room);
    }
}

/// Steps 2–5 for every supernode of `cols` (see [`Cols::run_any`]).
#[inline(always)]
pub(super) fn run(cols: &mut Cols<'_>, r: &Region) -> Sums {
    let n = cols.capacity.len();
    let n8 = n - n % 8;
    // Every column holds `n` values of four bytes (checked once here, so that the loads and
    // stores, at `i + 8 <= n8 <= n`, need no checks of their own).
    let lens = [cols.serving.len(), cols.guarded.len(), cols.max_clients.len(), cols.clients.len(), cols.queue.len(), cols.credit.len()];
    let lens2 = [cols.load_avg.len(), cols.starved.len(), cols.room.len(), cols.asked.len()];
    assert!(lens.iter().chain(&lens2).all(|&l| l == n));
    let v = Splat::new(&r.c, r.xf, r.xg);
    let z = i32x4_splat(0);
    let mut acc = Acc { served: z, starved: z, out: z, over: z, fired: z, online_lo: z, online_hi: z, asked: v.zero, room: v.zero };
    let mut i = 0;
    while i < n8 {
        // SAFETY: `i + 8 <= n8 <= n`, and every column holds `n` values (checked above).
        unsafe {
            let p = cols.serving.as_ptr().add(i) as *const v128;
            let up = v128_or(f32x4_gt(v128_load(p), v.zero), f32x4_gt(v128_load(p.add(1)), v.zero));
            if v128_any_true(up) {
                four(cols, i, &v, &mut acc);
                four(cols, i + 4, &v, &mut acc);
            }
        }
        i += 8;
    }
    let lanes = |x: v128| [u32x4_extract_lane::<0>(x), u32x4_extract_lane::<1>(x), u32x4_extract_lane::<2>(x), u32x4_extract_lane::<3>(x)];
    let total = |x: v128| lanes(x).iter().fold(0u32, |a, &y| a.wrapping_add(y));
    let asked = [
        f32x4_extract_lane::<0>(acc.asked),
        f32x4_extract_lane::<1>(acc.asked),
        f32x4_extract_lane::<2>(acc.asked),
        f32x4_extract_lane::<3>(acc.asked),
    ];
    let room = [
        f32x4_extract_lane::<0>(acc.room),
        f32x4_extract_lane::<1>(acc.room),
        f32x4_extract_lane::<2>(acc.room),
        f32x4_extract_lane::<3>(acc.room),
    ];
    let online = u64x2_extract_lane::<0>(acc.online_lo)
        + u64x2_extract_lane::<1>(acc.online_lo)
        + u64x2_extract_lane::<0>(acc.online_hi)
        + u64x2_extract_lane::<1>(acc.online_hi);
    let s = Sums {
        online,
        served: total(acc.served),
        starved: total(acc.starved),
        timed_out: total(acc.out),
        overloaded: total(acc.over),
        fired: total(acc.fired),
        ..Sums::default()
    };
    // The last supernodes (fewer than eight), one by one; their entries end each partial sum.
    cols.finish(n8, r, s, asked, room)
}
