//! Lookups through the overlay, sampled once a simulated minute: a random online client
//! searches for a random user who wants to be online; the search crosses `lookup.hops` overlay
//! links through serving supernodes, each of which drops it with the share of its load it
//! cannot carry.

use super::World;

impl World {
    /// The share of sampled lookups that found their target.
    pub(super) fn measure_lookups(&mut self) -> f64 {
        let online = self.clients_online();
        if online == 0 {
            return 0.0;
        }
        let n = self.sn.len();
        self.prefix.resize(n, 0);
        let mut cum = 0u64;
        for i in 0..n {
            cum += self.sn.clients[i] as u64;
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
        let cap = self.sn.capacity_per_s[i];
        load <= cap || self.rng.uniform() < (cap / load) as f64
    }
}
