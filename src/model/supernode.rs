//! Supernodes, kept explicitly as flat arrays (one entry per supernode, indices not pointers).

use super::params::Params;
use super::rng::SimRng;

/// What a supernode is doing.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u8)]
pub enum SnState {
    /// Serving clients (it may still be overloaded; see [`Supernodes::overloaded`]).
    Up = 0,
    /// Dropped the supernode role because its failsafe fired; back after a cool-down.
    ShutDown = 1,
    /// Crashed with its client (2010) or taken down by hand; back after a restart lag.
    Crashed = 2,
    /// Not part of the network: a mega-supernode not yet deployed, or released again.
    Off = 3,
}

/// Who runs a supernode.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u8)]
pub enum SnKind {
    /// An ordinary client with a public address.
    Peer = 0,
    /// A dedicated operator-run mega-supernode.
    Mega = 1,
    /// An offline-IM or group-video server repurposed as a mega-supernode.
    Repurposed = 2,
}

/// The per-tick state of one supernode, packed together because every tick reads it all.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Sn {
    /// Clients attached.
    pub clients: u32,
    /// Most clients it will hold (peers: `supernodes.max_clients` scaled by its capacity
    /// relative to the mean, so a weak home PC holds fewer).
    pub max_clients: u32,
    /// Capacity, in load units per second.
    pub capacity_per_s: f32,
    /// Connections it accepted in the last tick, still being set up (attached next tick, scaled
    /// by the share of them that really arrive).
    pub accept: f32,
    /// The failsafe's overload counter, in seconds: up one for every second offered load is at
    /// or above the threshold, down one for every second below it. The role is dropped when it
    /// reaches `failsafe.sustain_s`.
    pub overload_s: u16,
    /// [`SnState`] as `u8`.
    pub state: u8,
    /// [`SnKind`] as `u8`.
    pub kind: u8,
}

/// All supernodes: the packed per-tick state, plus what only drawing and rare events read.
#[derive(Clone, Debug, Default)]
pub struct Supernodes {
    /// Per-tick state, one entry per supernode.
    pub hot: Vec<Sn>,
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
    /// How many of the entries are peers (the rest are mega-supernodes).
    pub peers: usize,
    /// The largest `max_clients` among peers (index 0) and among mega-supernodes (index 1).
    pub max_by_kind: [u32; 3],
    /// Connection attempts that reached each serving supernode in the last tick.
    pub contacts_per_sn: f32,
    /// Load units per connected client per second.
    pub per_client_per_s: f32,
    /// Load units per connection attempt (as offered: what it would cost if accepted).
    pub login_cost: f32,
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

impl Supernodes {
    /// Builds the peers (serving) and the mega-supernodes (off until deployed) for `p`.
    pub fn build(p: &Params, seed: u64) -> Self {
        let peers = p.supernodes.count as usize;
        let megas = p.mega.count as usize;
        let k = p.supernodes.neighbours as usize;
        let peer = Sn { state: SnState::Up as u8, kind: SnKind::Peer as u8, ..Sn::default() };
        // Peers first; `set_megas` appends the mega-supernodes.
        let mut s = Supernodes {
            hot: vec![peer; peers],
            buggy: vec![false; peers],
            back_at: vec![0; peers],
            x: vec![0.0; peers],
            y: vec![0.0; peers],
            neighbours: vec![0; peers * k],
            neighbours_per: k,
            peers,
            max_by_kind: [0, p.mega.max_clients, p.mega.max_clients],
            contacts_per_sn: 0.0,
            per_client_per_s: p.load.per_client_per_s as f32,
            login_cost: p.load.login_cost as f32,
        };
        let sigma = p.supernodes.capacity_spread;
        for i in 0..peers {
            let mut r = SimRng::new(derive_seed(seed, LAYOUT_STREAM, i as u64));
            // Points in a disc, denser towards the middle, like a map of users.
            let rad = libm::sqrt(r.uniform()) * 0.48;
            let ang = r.uniform() * 2.0 * core::f64::consts::PI;
            s.x[i] = (0.5 + rad * libm::cos(ang)) as f32;
            s.y[i] = (0.5 + rad * libm::sin(ang)) as f32;
            let factor = libm::exp(sigma * r.normal() - sigma * sigma / 2.0);
            s.hot[i].capacity_per_s = (p.supernodes.capacity_per_s * factor) as f32;
            let slots = libm::round(p.supernodes.max_clients as f64 * factor).clamp(1.0, 4_000_000_000.0) as u32;
            s.hot[i].max_clients = slots;
            s.max_by_kind[0] = s.max_by_kind[0].max(slots);
            s.buggy[i] = !p.supernodes.operator_hosted && r.uniform() < p.clients.buggy_fraction;
        }
        s.link_peers(seed);
        s.set_megas(p, seed);
        debug_assert_eq!(s.len(), peers + megas);
        s
    }

    /// Overlay links among peers: mostly to peers nearby (in a space-filling-curve order, so
    /// links are short when drawn), plus one long random link each, as in a small-world overlay.
    /// Mega-supernodes do not change the peers' links.
    fn link_peers(&mut self, seed: u64) {
        let n = self.peers;
        let k = self.neighbours_per;
        if n == 0 || k == 0 {
            return;
        }
        let mut order: Vec<u32> = (0..n as u32).collect();
        // Keys are unique (the index breaks ties), so an unstable sort gives one order.
        order.sort_unstable_by_key(|&i| (morton(self.x[i as usize], self.y[i as usize]), i));
        let mut pos = vec![0usize; n];
        for (p, &i) in order.iter().enumerate() {
            pos[i as usize] = p;
        }
        let mut r = SimRng::new(derive_seed(seed, 3, 0));
        for (i, &p) in pos.iter().enumerate() {
            for j in 0..k {
                let nb = if j + 1 == k && n > 2 {
                    r.below(n as u64) as usize
                } else {
                    let step = j / 2 + 1;
                    let q = if j % 2 == 0 { (p + step) % n } else { (p + n - step % n) % n };
                    order[q] as usize
                };
                self.neighbours[i * k + j] = if nb == i { order[(p + 1) % n] } else { nb as u32 };
            }
        }
    }

    /// (Re)builds the mega-supernodes of `p`, all off until deployed. Each one's position and
    /// links depend only on the seed and its own index, so how many there are changes nothing
    /// about the peers.
    pub fn set_megas(&mut self, p: &Params, seed: u64) {
        let peers = self.peers;
        let k = self.neighbours_per;
        self.hot.truncate(peers);
        self.buggy.truncate(peers);
        self.back_at.truncate(peers);
        self.x.truncate(peers);
        self.y.truncate(peers);
        self.neighbours.truncate(peers * k);
        let megas = p.mega.count as usize;
        let repurposed = libm::round(p.mega.repurposed_fraction * megas as f64) as usize;
        self.max_by_kind[1] = p.mega.max_clients;
        self.max_by_kind[2] = p.mega.max_clients;
        for j in 0..megas {
            let mut r = SimRng::new(derive_seed(seed, MEGA_STREAM, j as u64));
            // Mega-supernodes sit on a ring around the peers' centre, where they are easy to see.
            let ang = (j as f64 + 0.5) / megas as f64 * 2.0 * core::f64::consts::PI;
            let rad = 0.2 + 0.02 * r.uniform();
            self.x.push((0.5 + rad * libm::cos(ang)) as f32);
            self.y.push((0.5 + rad * libm::sin(ang)) as f32);
            self.hot.push(Sn {
                clients: 0,
                max_clients: p.mega.max_clients,
                capacity_per_s: p.mega.capacity_per_s as f32,
                accept: 0.0,
                overload_s: 0,
                state: SnState::Off as u8,
                kind: if j < repurposed { SnKind::Repurposed as u8 } else { SnKind::Mega as u8 },
            });
            self.buggy.push(false);
            self.back_at.push(0);
            for _ in 0..k {
                let nb = if peers > 0 { r.below(peers as u64) as u32 } else { j as u32 };
                self.neighbours.push(nb);
            }
        }
    }

    /// Number of supernodes (peers and mega-supernodes).
    pub fn len(&self) -> usize {
        self.hot.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.hot.is_empty()
    }

    /// Whether supernode `i` is serving.
    #[inline]
    pub fn is_up(&self, i: usize) -> bool {
        self.hot[i].state == SnState::Up as u8
    }

    /// Most clients supernode `i` holds.
    #[inline]
    pub fn max_clients(&self, i: usize) -> u32 {
        self.hot[i].max_clients
    }

    /// Load offered to supernode `i` in the last tick, in load units per second: its clients'
    /// keep-alives plus every connection attempt that reached it, at the cost of an accepted one.
    #[inline]
    pub fn load_per_s(&self, i: usize) -> f32 {
        if self.is_up(i) {
            self.hot[i].clients as f32 * self.per_client_per_s + self.contacts_per_sn * self.login_cost
        } else {
            0.0
        }
    }

    /// Whether supernode `i` is serving but asked more than its capacity in the last tick.
    #[inline]
    pub fn overloaded(&self, i: usize) -> bool {
        self.is_up(i) && self.load_per_s(i) > self.hot[i].capacity_per_s
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
