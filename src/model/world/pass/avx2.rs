//! The pass's steps 2–6 ([`Cols::run_any`]) written in AVX2 instructions, eight supernodes at a
//! time, skipping every eight none of which serves.
//!
//! Out of service, a supernode holds zeros in every column the pass writes
//! ([`Supernodes::is_idle`](crate::model::supernode::Supernodes::is_idle)), which is what the pass
//! would write for it again, and zeros add nothing to the sums: so eight supernodes out of
//! service together are skipped. In the 2010 run a third of the supernodes in regions that still
//! serve sit in such runs (failsafes fire in neighbourhoods), which the compiler's own lanes
//! cannot skip. Every lane does exactly what [`Cols::run_any`] does to one supernode, operation
//! for operation and in the same order, so the bits are the same: `vminps`/`vmaxps` are
//! `a < b ? a : b` and `a > b ? a : b`, as `lo` and `hi`; `vroundps` rounds down as `floor`;
//! counts go through the same conversions; the two real-valued sums keep four partial sums, entry
//! `i` to sum `i mod 4` in order (each half of eight in turn). A test runs it against
//! [`Cols::run_any`] on supernodes of every kind.

use core::arch::x86_64::*;

use super::{Cols, Region, Sums};

/// Eight counts as `f32` (as `to_f32`: the signed conversion, exact below 2^24).
#[inline(always)]
unsafe fn to_f32(v: __m256i) -> __m256 {
    _mm256_cvtepi32_ps(v)
}

/// Eight whole non-negative values below 2^23 back to counts (as `to_u32`).
#[inline(always)]
unsafe fn to_u32(v: __m256) -> __m256i {
    const M: f32 = 8_388_608.0;
    _mm256_sub_epi32(_mm256_castps_si256(_mm256_add_ps(v, _mm256_set1_ps(M))), _mm256_set1_epi32(M.to_bits() as i32))
}

/// 1 where the mask is set, 0 elsewhere (as `ones`).
#[inline(always)]
unsafe fn ones(mask: __m256) -> __m256 {
    _mm256_and_ps(mask, _mm256_set1_ps(1.0))
}

#[inline(always)]
unsafe fn gt(a: __m256, b: __m256) -> __m256 {
    _mm256_cmp_ps::<_CMP_GT_OQ>(a, b)
}

#[inline(always)]
unsafe fn floor(x: __m256) -> __m256 {
    _mm256_round_ps::<{ _MM_FROUND_TO_NEG_INF | _MM_FROUND_NO_EXC }>(x)
}

/// Steps 2–5 for every supernode of `cols` (see [`Cols::run_any`]).
///
/// # Safety
/// The processor has AVX2.
#[target_feature(enable = "avx2")]
pub(super) unsafe fn run(cols: &mut Cols<'_>, r: &Region) -> Sums {
    let Region { c, xf, xg } = *r;
    let n = cols.capacity.len();
    let n8 = n - n % 8;
    // Every column holds `n` values of four bytes (checked once here, so that the loop's loads
    // and stores, at `i + 8 <= n8 <= n`, need no checks of their own).
    let lens = [cols.serving.len(), cols.guarded.len(), cols.max_clients.len(), cols.clients.len(), cols.queue.len(), cols.credit.len()];
    let lens2 = [cols.load_avg.len(), cols.starved.len(), cols.room.len(), cols.asked.len()];
    assert!(lens.iter().chain(&lens2).all(|&l| l == n));
    let zero = _mm256_setzero_ps();
    let one = _mm256_set1_ps(1.0);
    let (k, starve_rate, inv_gm, timeout, qmax, alpha, theta) = (
        _mm256_set1_ps(c.k),
        _mm256_set1_ps(c.starve_rate),
        _mm256_set1_ps(c.inv_gm),
        _mm256_set1_ps(c.timeout),
        _mm256_set1_ps(c.qmax),
        _mm256_set1_ps(c.alpha),
        _mm256_set1_ps(c.theta),
    );
    let (xf, xg) = (_mm256_set1_ps(xf), _mm256_set1_ps(xg));
    let mut served_n = _mm256_setzero_si256();
    let mut starved_n = _mm256_setzero_si256();
    let mut out_n = _mm256_setzero_si256();
    let mut over_n = _mm256_setzero_si256();
    let mut fired_n = _mm256_setzero_si256();
    let mut online = _mm256_setzero_si256();
    let mut asked_sum = _mm_setzero_ps();
    let mut room_sum = _mm_setzero_ps();
    let (serving, guarded, capacity, max_clients) =
        (cols.serving.as_ptr(), cols.guarded.as_ptr(), cols.capacity.as_ptr(), cols.max_clients.as_ptr());
    let (clients, queue, credit, load_avg) =
        (cols.clients.as_mut_ptr(), cols.queue.as_mut_ptr(), cols.credit.as_mut_ptr(), cols.load_avg.as_mut_ptr());
    let (starved, room_p, asked_p) = (cols.starved.as_mut_ptr(), cols.room.as_mut_ptr(), cols.asked.as_mut_ptr());
    let mut i = 0;
    while i < n8 {
        // SAFETY: every load and store is at `i + 8 <= n8 <= n`, and every column holds `n`
        // values of four bytes (checked above); unaligned loads and stores.
        unsafe {
            let up = _mm256_loadu_ps(serving.add(i));
            if _mm256_movemask_ps(gt(up, zero)) == 0 {
                i += 8;
                continue;
            }
            let cap = _mm256_loadu_ps(capacity.add(i));
            let cl = to_f32(_mm256_loadu_si256(clients.add(i) as *const __m256i));
            let q = to_f32(_mm256_loadu_si256(queue.add(i) as *const __m256i));
            let max = to_f32(_mm256_loadu_si256(max_clients.add(i) as *const __m256i));
            let open = ones(gt(_mm256_sub_ps(_mm256_sub_ps(max, cl), q), zero));
            // 2. Handshakes first; keep-alives it cannot answer lose it their clients.
            let left_for_ka = _mm256_max_ps(_mm256_sub_ps(cap, xf), zero);
            let asked_ka = _mm256_mul_ps(cl, k);
            let unanswered = _mm256_mul_ps(
                ones(gt(asked_ka, left_for_ka)),
                _mm256_sub_ps(one, _mm256_div_ps(left_for_ka, _mm256_max_ps(asked_ka, one))),
            );
            let acc = _mm256_add_ps(
                _mm256_loadu_ps(starved.add(i)),
                _mm256_mul_ps(_mm256_mul_ps(_mm256_mul_ps(cl, unanswered), starve_rate), up),
            );
            let gone = _mm256_min_ps(floor(acc), cl);
            _mm256_storeu_ps(starved.add(i), _mm256_mul_ps(_mm256_sub_ps(acc, gone), up));
            let cl = _mm256_sub_ps(cl, gone);
            // 3. Serve the accept queue at spare capacity.
            let mu = _mm256_mul_ps(_mm256_max_ps(_mm256_sub_ps(_mm256_sub_ps(cap, _mm256_mul_ps(cl, k)), xf), zero), inv_gm);
            let cr = _mm256_min_ps(_mm256_add_ps(_mm256_loadu_ps(credit.add(i)), mu), _mm256_add_ps(mu, one));
            let served = _mm256_min_ps(floor(cr), q);
            let cl = _mm256_add_ps(cl, served);
            let q = _mm256_sub_ps(q, served);
            _mm256_storeu_ps(credit.add(i), _mm256_mul_ps(_mm256_sub_ps(cr, served), up));
            // 4. Time out what it cannot serve in time.
            let bound = _mm256_min_ps(_mm256_mul_ps(mu, timeout), qmax);
            let whole = floor(bound);
            let keep = _mm256_add_ps(whole, ones(gt(bound, whole)));
            let out = _mm256_max_ps(_mm256_sub_ps(q, keep), zero);
            let q = _mm256_sub_ps(q, out);
            // 5. The load asked of it, its load average, the failsafe.
            let demand = _mm256_mul_ps(
                _mm256_add_ps(_mm256_add_ps(_mm256_mul_ps(cl, k), _mm256_mul_ps(xg, open)), _mm256_mul_ps(xf, _mm256_sub_ps(one, open))),
                up,
            );
            _mm256_storeu_ps(asked_p.add(i), demand);
            let avg0 = _mm256_loadu_ps(load_avg.add(i));
            let avg = _mm256_add_ps(avg0, _mm256_mul_ps(_mm256_sub_ps(demand, avg0), alpha));
            _mm256_storeu_ps(load_avg.add(i), _mm256_mul_ps(avg, up));
            let fire = _mm256_mul_ps(
                _mm256_mul_ps(ones(_mm256_cmp_ps::<_CMP_GE_OQ>(avg, _mm256_mul_ps(theta, cap))), _mm256_loadu_ps(guarded.add(i))),
                up,
            );
            // 6. Room for the next second.
            let left = _mm256_sub_ps(_mm256_sub_ps(max, cl), q);
            let room = _mm256_mul_ps(
                _mm256_mul_ps(_mm256_max_ps(_mm256_min_ps(_mm256_sub_ps(bound, q), left), zero), up),
                _mm256_sub_ps(one, fire),
            );
            _mm256_storeu_ps(room_p.add(i), room);
            let cl_n = to_u32(cl);
            _mm256_storeu_si256(clients.add(i) as *mut __m256i, cl_n);
            _mm256_storeu_si256(queue.add(i) as *mut __m256i, to_u32(q));
            served_n = _mm256_add_epi32(served_n, to_u32(served));
            starved_n = _mm256_add_epi32(starved_n, to_u32(gone));
            out_n = _mm256_add_epi32(out_n, to_u32(out));
            // A set mask is −1: subtracting it counts one.
            over_n = _mm256_sub_epi32(over_n, _mm256_castps_si256(_mm256_and_ps(gt(demand, cap), gt(up, zero))));
            fired_n = _mm256_sub_epi32(fired_n, _mm256_castps_si256(gt(fire, zero)));
            // The sums: clients online in 64-bit lanes; the load asked and the room, four
            // entries at a time into the four partial sums (the first half, then the second).
            online = _mm256_add_epi64(online, _mm256_cvtepu32_epi64(_mm256_castsi256_si128(cl_n)));
            online = _mm256_add_epi64(online, _mm256_cvtepu32_epi64(_mm256_extracti128_si256::<1>(cl_n)));
            asked_sum = _mm_add_ps(asked_sum, _mm256_castps256_ps128(demand));
            asked_sum = _mm_add_ps(asked_sum, _mm256_extractf128_ps::<1>(demand));
            room_sum = _mm_add_ps(room_sum, _mm256_castps256_ps128(room));
            room_sum = _mm_add_ps(room_sum, _mm256_extractf128_ps::<1>(room));
        }
        i += 8;
    }
    let mut u32s = [0u32; 8];
    let mut total = |v: __m256i| {
        // SAFETY: `u32s` holds eight values of four bytes.
        unsafe { _mm256_storeu_si256(u32s.as_mut_ptr() as *mut __m256i, v) };
        u32s.iter().fold(0u32, |a, &x| a.wrapping_add(x))
    };
    let mut s = Sums {
        served: total(served_n),
        starved: total(starved_n),
        timed_out: total(out_n),
        overloaded: total(over_n),
        fired: total(fired_n),
        ..Sums::default()
    };
    let mut u64s = [0u64; 4];
    // SAFETY: `u64s` holds four values of eight bytes.
    unsafe { _mm256_storeu_si256(u64s.as_mut_ptr() as *mut __m256i, online) };
    s.online = u64s.iter().sum();
    let mut asked = [0f32; 4];
    let mut room = [0f32; 4];
    // SAFETY: each holds four values of four bytes.
    unsafe {
        _mm_storeu_ps(asked.as_mut_ptr(), asked_sum);
        _mm_storeu_ps(room.as_mut_ptr(), room_sum);
    }
    // The last supernodes (fewer than eight), one by one; their entries end each partial sum.
    cols.finish(n8, r, s, asked, room)
}
