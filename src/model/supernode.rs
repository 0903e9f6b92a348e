//! Supernodes, kept explicitly as flat arrays (one entry per supernode, indices not pointers).
//!
//! Peers are stored in overlay order (a space-filling curve over their positions), so that the
//! supernodes near each other in the overlay are next to each other in the arrays. Consecutive
//! runs of [`REGION_SIZE`] peers form the *regions* that host caches are learned from: a client's
//! cache lists the supernodes around the one it was last connected to. Mega-supernodes come
//! after the peers and belong to no region.

use super::params::Params;
use super::rng::SimRng;

/// Peers per region: the neighbourhood a client learns its host cache from (a supernode and
/// the supernodes around it in the overlay, about two overlay hops).
pub const REGION_SIZE: usize = 48;

/// What a supernode is doing.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[repr(u8)]
pub enum SnState {
    /// Serving clients (it may still be overloaded; see [`Supernodes::overloaded`]).
    #[default]
    Up = 0,
    /// Dropped the supernode role because its failsafe fired; back after a cool-down.
    ShutDown = 1,
    /// Crashed with its client (2010) or taken down by hand; back after a restart lag, unless a
    /// promoted client takes its place in the overlay first.
    Crashed = 2,
    /// Not part of the network: a mega-supernode not yet deployed, or released again.
    Off = 3,
}

impl SnState {
    /// The state in words, for read-outs.
    pub fn describe(self) -> &'static str {
        match self {
            SnState::Up => "up",
            SnState::ShutDown => "shut down by its failsafe",
            SnState::Crashed => "crashed",
            SnState::Off => "not deployed",
        }
    }
}

/// Who runs a supernode.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[repr(u8)]
pub enum SnKind {
    /// An ordinary client with a public address, a supernode from the start.
    #[default]
    Peer = 0,
    /// A client promoted to supernode during the run, in the place of one that left.
    Promoted = 1,
    /// A dedicated operator-run mega-supernode.
    Mega = 2,
    /// An offline-IM or group-video server repurposed as a mega-supernode.
    Repurposed = 3,
}

impl SnKind {
    /// Whether it runs on a user's machine (and so has the failsafe and may run a buggy client).
    #[inline]
    pub fn is_peer(self) -> bool {
        matches!(self, SnKind::Peer | SnKind::Promoted)
    }

    /// The kind in words, for read-outs.
    pub fn describe(self) -> &'static str {
        match self {
            SnKind::Peer => "peer",
            SnKind::Promoted => "promoted client",
            SnKind::Mega => "mega-supernode",
            SnKind::Repurposed => "repurposed server",
        }
    }
}

/// One supernode's state, read out of the columns (for read-outs, drawing and tests).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Sn {
    /// Clients attached.
    pub clients: u32,
    /// Most clients it will hold (peers: `supernodes.max_clients` scaled by its capacity
    /// relative to the mean, so a weak home PC holds fewer).
    pub max_clients: u32,
    /// Connection attempts waiting in its accept queue (clients that will attach when served).
    pub queue: u32,
    /// Capacity, in load units per second.
    pub capacity_per_s: f32,
    /// Logins it can still complete this second and has not used (a fraction carried over, so
    /// a supernode that completes 0.3 logins per second completes one every few seconds).
    pub credit: f32,
    /// The failsafe's load average: the load asked of it (keep-alives plus every connection
    /// attempt at what serving it would cost), in load units per second, smoothed over
    /// `failsafe.window_s` (an exponentially weighted mean, like a Unix load average).
    pub load_avg: f32,
    /// Clients whose keep-alives it has left unanswered and who have not yet given up on it,
    /// as a running fraction: when attempts' handshakes leave it too little capacity for its
    /// clients' keep-alives, the unanswered clients leave (see the pass).
    pub starved: f32,
    /// Room left in its accept queue after its last second, for attempts arriving now.
    pub room: f32,
    /// What it is doing.
    pub state: SnState,
    /// Who runs it.
    pub kind: SnKind,
}

/// All supernodes, column by column (one entry per supernode in each column), so that the
/// per-second pass reads and writes each quantity as one contiguous run.
#[derive(Clone, Debug, Default)]
pub struct Supernodes {
    /// Clients attached.
    pub clients: Vec<u32>,
    /// Most clients each holds.
    pub max_clients: Vec<u32>,
    /// Attempts waiting in each accept queue.
    pub queue: Vec<u32>,
    /// Capacity, in load units per second.
    pub capacity_per_s: Vec<f32>,
    /// Unused login credit carried to the next second (see [`Sn::credit`]).
    pub credit: Vec<f32>,
    /// The failsafe's load average, in load units per second (see [`Sn::load_avg`]).
    pub load_avg: Vec<f32>,
    /// Clients about to leave for want of keep-alive answers (see [`Sn::starved`]).
    pub starved: Vec<f32>,
    /// Room left in each accept queue after the last second.
    pub room: Vec<f32>,
    /// The load asked of each in the last second (keep-alives and attempts at what serving them
    /// would cost), in load units per second; what its load average follows. Scratch of the
    /// pass, which writes every entry before it reads any (a saved world leaves it out).
    pub asked_per_s: Vec<f32>,
    /// 1 while serving, 0 otherwise (the state as a factor the pass multiplies by).
    pub serving: Vec<f32>,
    /// 1 if it has a failsafe (it runs on a user's machine), 0 otherwise.
    pub guarded: Vec<f32>,
    /// What each is doing.
    pub state: Vec<SnState>,
    /// Who runs each.
    pub kind: Vec<SnKind>,
    /// Whether the supernode's own client runs the buggy version (peers only).
    pub buggy: Vec<bool>,
    /// Tick at which a supernode that is down comes back (0 = no return scheduled).
    pub back_at: Vec<u64>,
    /// Position for drawing, x in `[0, 1]`.
    pub x: Vec<f32>,
    /// Position for drawing, y in `[0, 1]`.
    pub y: Vec<f32>,
    /// Overlay neighbours, `neighbours_per` per supernode.
    pub neighbours: Vec<u32>,
    /// Overlay links per supernode.
    pub neighbours_per: usize,
    /// How many of the entries are peer places (the rest are mega-supernodes).
    pub peers: usize,
    /// Regions of peers (`REGION_SIZE` consecutive peers each; the last may be smaller).
    pub regions: usize,
    /// The largest `max_clients` in each region (index `regions` is the mega-supernodes).
    pub max_by_region: Vec<u32>,
    /// Connection attempts that reached each serving supernode of a region in the last tick
    /// (index `regions` is the mega-supernodes).
    pub contacts_per_sn: Vec<f32>,
    /// Load units per connected client per second.
    pub per_client_per_s: f32,
    /// Load units per connection attempt (as offered: what it would cost if accepted).
    pub login_cost: f32,
    /// Whether supernodes are run by the operator (no failsafe).
    pub operator_hosted: bool,
}

/// Mixes a seed with a stream and an index into an independent 64-bit seed (SplitMix64), so
/// supernode `i` gets the same layout whatever the other counts are.
pub fn derive_seed(seed: u64, stream: u64, index: u64) -> u64 {
    let mut z = seed ^ stream.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ index.wrapping_mul(0xD1B5_4A32_D192_ED03);
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

const LAYOUT_STREAM: u64 = 1;
const MEGA_STREAM: u64 = 2;
const LINK_STREAM: u64 = 3;

/// A peer as drawn before the arrays are put in overlay order.
struct Placed {
    x: f32,
    y: f32,
    capacity_per_s: f32,
    max_clients: u32,
    buggy: bool,
}

impl Supernodes {
    /// Builds the peers (serving, in overlay order) and the mega-supernodes (off until deployed)
    /// for `p`.
    pub fn build(p: &Params, seed: u64) -> Self {
        let peers = p.supernodes.count as usize;
        let k = p.supernodes.neighbours as usize;
        let sigma = p.supernodes.capacity_spread;
        let mut placed: Vec<Placed> = (0..peers)
            .map(|i| {
                let mut r = SimRng::new(derive_seed(seed, LAYOUT_STREAM, i as u64));
                // Points in a disc, denser towards the middle, like a map of users.
                let rad = libm::sqrt(r.uniform()) * 0.48;
                let ang = r.uniform() * 2.0 * core::f64::consts::PI;
                let factor = libm::exp(sigma * r.normal() - sigma * sigma / 2.0);
                let slots = libm::round(p.supernodes.max_clients as f64 * factor).clamp(1.0, 4_000_000_000.0) as u32;
                Placed {
                    x: (0.5 + rad * libm::cos(ang)) as f32,
                    y: (0.5 + rad * libm::sin(ang)) as f32,
                    capacity_per_s: (p.supernodes.capacity_per_s * factor) as f32,
                    max_clients: slots,
                    buggy: !p.supernodes.operator_hosted && r.uniform() < p.clients.buggy_fraction,
                }
            })
            .collect();
        // Overlay order: along a space-filling curve, so that neighbours in the overlay are near
        // each other in the picture and in the arrays. Keys are unique (the draw index breaks
        // ties), so an unstable sort gives one order.
        let mut order: Vec<(u64, u32)> = placed.iter().enumerate().map(|(i, q)| (morton(q.x, q.y), i as u32)).collect();
        order.sort_unstable();
        let mut sorted = Vec::with_capacity(peers);
        for &(_, i) in &order {
            sorted.push(std::mem::replace(
                &mut placed[i as usize],
                Placed { x: 0.0, y: 0.0, capacity_per_s: 0.0, max_clients: 0, buggy: false },
            ));
        }
        let regions = peers.div_ceil(REGION_SIZE);
        let mut s = Supernodes {
            clients: vec![0; peers],
            max_clients: sorted.iter().map(|q| q.max_clients).collect(),
            queue: vec![0; peers],
            capacity_per_s: sorted.iter().map(|q| q.capacity_per_s).collect(),
            credit: vec![0.0; peers],
            load_avg: vec![0.0; peers],
            starved: vec![0.0; peers],
            room: vec![0.0; peers],
            asked_per_s: vec![0.0; peers],
            serving: vec![1.0; peers],
            guarded: vec![if p.supernodes.operator_hosted { 0.0 } else { 1.0 }; peers],
            state: vec![SnState::Up; peers],
            kind: vec![SnKind::Peer; peers],
            buggy: sorted.iter().map(|q| q.buggy).collect(),
            back_at: vec![0; peers],
            x: sorted.iter().map(|q| q.x).collect(),
            y: sorted.iter().map(|q| q.y).collect(),
            neighbours: vec![0; peers * k],
            neighbours_per: k,
            peers,
            regions,
            contacts_per_sn: vec![0.0; regions + 1],
            max_by_region: vec![0; regions + 1],
            per_client_per_s: p.load.per_client_per_s as f32,
            login_cost: p.load.login_cost as f32,
            operator_hosted: p.supernodes.operator_hosted,
        };
        for r in 0..regions {
            s.max_by_region[r] = s.max_clients[s.region_range(r)].iter().copied().max().unwrap_or(0);
        }
        s.link_peers(seed);
        s.set_megas(p, seed);
        s
    }

    /// Overlay links among peers: to the peers next in overlay order on both sides, plus one
    /// long random link each, as in a small-world overlay. Mega-supernodes do not change them.
    fn link_peers(&mut self, seed: u64) {
        let n = self.peers;
        let k = self.neighbours_per;
        if n == 0 || k == 0 {
            return;
        }
        let mut r = SimRng::new(derive_seed(seed, LINK_STREAM, 0));
        for i in 0..n {
            for j in 0..k {
                let nb = if j + 1 == k && n > 2 {
                    r.below(n as u64) as usize
                } else {
                    let step = j / 2 + 1;
                    if j % 2 == 0 {
                        (i + step) % n
                    } else {
                        (i + n - step % n) % n
                    }
                };
                self.neighbours[i * k + j] = if nb == i { ((i + 1) % n) as u32 } else { nb as u32 };
            }
        }
    }

    /// (Re)builds the mega-supernodes of `p`, all off until deployed. Each one's position and
    /// links depend only on the seed and its own index, so how many there are changes nothing
    /// about the peers.
    pub fn set_megas(&mut self, p: &Params, seed: u64) {
        let peers = self.peers;
        let k = self.neighbours_per;
        self.truncate(peers);
        self.neighbours.truncate(peers * k);
        let megas = p.mega.count as usize;
        self.max_by_region[self.regions] = p.mega.max_clients;
        let repurposed = libm::round(p.mega.repurposed_fraction * megas as f64) as usize;
        for j in 0..megas {
            let mut r = SimRng::new(derive_seed(seed, MEGA_STREAM, j as u64));
            // Mega-supernodes sit on a ring around the peers' centre, where they are easy to see.
            let ang = (j as f64 + 0.5) / megas as f64 * 2.0 * core::f64::consts::PI;
            let rad = 0.2 + 0.02 * r.uniform();
            self.x.push((0.5 + rad * libm::cos(ang)) as f32);
            self.y.push((0.5 + rad * libm::sin(ang)) as f32);
            self.clients.push(0);
            self.max_clients.push(p.mega.max_clients);
            self.queue.push(0);
            self.capacity_per_s.push(p.mega.capacity_per_s as f32);
            self.credit.push(0.0);
            self.load_avg.push(0.0);
            self.starved.push(0.0);
            self.room.push(0.0);
            self.asked_per_s.push(0.0);
            self.serving.push(0.0);
            self.guarded.push(0.0);
            self.state.push(SnState::Off);
            self.kind.push(if j < repurposed { SnKind::Repurposed } else { SnKind::Mega });
            self.buggy.push(false);
            self.back_at.push(0);
            for _ in 0..k {
                let nb = if peers > 0 { r.below(peers as u64) as u32 } else { j as u32 };
                self.neighbours.push(nb);
            }
        }
    }

    /// Keeps the first `n` entries of every per-supernode column.
    fn truncate(&mut self, n: usize) {
        self.clients.truncate(n);
        self.max_clients.truncate(n);
        self.queue.truncate(n);
        self.capacity_per_s.truncate(n);
        self.credit.truncate(n);
        self.load_avg.truncate(n);
        self.starved.truncate(n);
        self.room.truncate(n);
        self.asked_per_s.truncate(n);
        self.serving.truncate(n);
        self.guarded.truncate(n);
        self.state.truncate(n);
        self.kind.truncate(n);
        self.buggy.truncate(n);
        self.back_at.truncate(n);
        self.x.truncate(n);
        self.y.truncate(n);
    }

    /// Number of supernodes (peer places and mega-supernodes).
    pub fn len(&self) -> usize {
        self.state.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.state.is_empty()
    }

    /// Supernode `i`'s state, read out of the columns.
    pub fn get(&self, i: usize) -> Sn {
        Sn {
            clients: self.clients[i],
            max_clients: self.max_clients[i],
            queue: self.queue[i],
            capacity_per_s: self.capacity_per_s[i],
            credit: self.credit[i],
            load_avg: self.load_avg[i],
            starved: self.starved[i],
            room: self.room[i],
            state: self.state[i],
            kind: self.kind[i],
        }
    }

    /// Sets supernode `i`'s state and kind, with the factors the pass multiplies by.
    pub fn set_state_kind(&mut self, i: usize, state: SnState, kind: SnKind) {
        self.state[i] = state;
        self.kind[i] = kind;
        self.serving[i] = if state == SnState::Up { 1.0 } else { 0.0 };
        self.guarded[i] = if kind.is_peer() && !self.operator_hosted { 1.0 } else { 0.0 };
    }

    /// Whether supernode `i` is out of service and holds zeros in every column the per-second
    /// pass writes (clients, queue, credit, load average, starved clients, room, load asked):
    /// what the pass would write for it again, so that the pass may skip runs of such supernodes.
    /// Every supernode out of service is, after every step (tested).
    pub fn is_idle(&self, i: usize) -> bool {
        self.serving[i] == 0.0
            && self.clients[i] == 0
            && self.queue[i] == 0
            && [self.credit[i], self.load_avg[i], self.starved[i], self.room[i], self.asked_per_s[i]].iter().all(|&x| x == 0.0)
    }

    /// The region of supernode `i` (`regions` for mega-supernodes).
    #[inline]
    pub fn region_of(&self, i: usize) -> usize {
        if i < self.peers {
            i / REGION_SIZE
        } else {
            self.regions
        }
    }

    /// The index range of region `r`'s supernodes (`regions` gives the mega-supernodes).
    #[inline]
    pub fn region_range(&self, r: usize) -> std::ops::Range<usize> {
        if r >= self.regions {
            self.peers..self.len()
        } else {
            r * REGION_SIZE..((r + 1) * REGION_SIZE).min(self.peers)
        }
    }

    /// Whether supernode `i` is serving.
    #[inline]
    pub fn is_up(&self, i: usize) -> bool {
        self.state[i] == SnState::Up
    }

    /// Most clients supernode `i` holds.
    #[inline]
    pub fn max_clients(&self, i: usize) -> u32 {
        self.max_clients[i]
    }

    /// Load offered to supernode `i` in the last tick, in load units per second: its clients'
    /// keep-alives plus every connection attempt that reached it, at the cost of an accepted one.
    #[inline]
    pub fn load_per_s(&self, i: usize) -> f32 {
        if self.is_up(i) {
            self.clients[i] as f32 * self.per_client_per_s + self.contacts_per_sn[self.region_of(i)] * self.login_cost
        } else {
            0.0
        }
    }

    /// Whether supernode `i` is serving but asked more than its capacity in the last tick.
    #[inline]
    pub fn overloaded(&self, i: usize) -> bool {
        self.is_up(i) && self.load_per_s(i) > self.capacity_per_s[i]
    }

    /// The overlay neighbours of `i`.
    pub fn neighbours_of(&self, i: usize) -> &[u32] {
        &self.neighbours[i * self.neighbours_per..(i + 1) * self.neighbours_per]
    }
}

fn morton(x: f32, y: f32) -> u64 {
    fn spread(v: u32) -> u64 {
        let mut v = v as u64 & 0xFFFF;
        v = (v | (v << 8)) & 0x00FF_00FF;
        v = (v | (v << 4)) & 0x0F0F_0F0F;
        v = (v | (v << 2)) & 0x3333_3333;
        v = (v | (v << 1)) & 0x5555_5555;
        v
    }
    let xi = (x.clamp(0.0, 1.0) * 65535.0) as u32;
    let yi = (y.clamp(0.0, 1.0) * 65535.0) as u32;
    spread(xi) | (spread(yi) << 1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenarios;

    #[test]
    fn peers_are_in_overlay_order_and_regions_cover_them() {
        let p = scenarios::scaled(&scenarios::find("skype-2010").unwrap().params, 0.01);
        let s = Supernodes::build(&p, 3);
        assert_eq!(s.peers, p.supernodes.count as usize);
        let keys: Vec<u64> = (0..s.peers).map(|i| morton(s.x[i], s.y[i])).collect();
        assert!(keys.windows(2).all(|w| w[0] <= w[1]));
        let covered: usize = (0..s.regions).map(|r| s.region_range(r).len()).sum();
        assert_eq!(covered, s.peers);
        assert_eq!(s.region_range(s.regions), s.peers..s.len());
        for i in 0..s.peers {
            assert!(s.region_range(s.region_of(i)).contains(&i));
        }
    }

    #[test]
    fn the_same_seed_builds_the_same_overlay() {
        let p = scenarios::scaled(&scenarios::find("skype-2010").unwrap().params, 0.01);
        let a = Supernodes::build(&p, 9);
        let b = Supernodes::build(&p, 9);
        assert_eq!(a.capacity_per_s, b.capacity_per_s);
        assert_eq!(a.max_clients, b.max_clients);
        assert_eq!(a.neighbours, b.neighbours);
        assert_ne!(Supernodes::build(&p, 10).x, a.x);
    }
}
