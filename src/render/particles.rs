//! Reconnect attempts in motion. Seen whole, each is a particle from the client cloud to a
//! supernode (green if it gets in, red if it bounces). Zoomed in to the clients, each is a walk
//! down a client's host cache: the entries are its lost supernode's overlay neighbours (where a
//! cache is refreshed from), tried in turn; a dead entry flashes and times out, then the next is
//! tried, until a serving one accepts or refuses.
//!
//! How many there are follows the model's attempts per second (square-root scale, the picture's
//! share of them when zoomed), and whether one succeeds follows the model's share of attempts that
//! end in a login. The particles' own random stream never touches the run.

use super::{rgb, DrawOptions, Frame, Palette};
use crate::model::{SnState, World};

/// One attempt, seen whole: from a point of the cloud to a supernode.
#[derive(Clone, Copy, Debug)]
pub(super) struct Particle {
    x0: f32,
    y0: f32,
    x1: f32,
    y1: f32,
    age_s: f32,
    ok: bool,
}

/// Most entries a drawn walk tries.
const MAX_HOPS: usize = 4;

/// One client's walk down its host cache, zoomed in.
#[derive(Clone, Copy, Debug)]
pub(super) struct Walk {
    /// Where the client is (device pixels, fixed while it walks).
    x: f32,
    y: f32,
    /// The entries tried, in order; all but the last are dead.
    hops: [u32; MAX_HOPS],
    n: u8,
    /// Whether the last entry is serving (else every entry tried was dead).
    live: bool,
    /// Whether the last entry accepts.
    ok: bool,
    age_s: f32,
}

/// How long a particle takes to fly, in real seconds.
const PARTICLE_LIFE_S: f32 = 0.9;
/// How long a walk's attempt at one entry flies, then how long a dead entry flashes before the
/// client gives up on it (its timeout), in real seconds.
const HOP_S: f32 = 0.45;
const FLASH_S: f32 = 0.3;
/// Most particles on screen.
pub const MAX_PARTICLES: usize = 3000;
/// Most walks on screen.
const MAX_WALKS: usize = 400;

impl Walk {
    fn life_s(&self) -> f32 {
        self.n as f32 * (HOP_S + FLASH_S)
    }
}

impl Frame {
    /// How many attempts to start this frame (the picture's share of them when zoomed in) and the
    /// share that succeed.
    fn spawn_count(&mut self, world: &World, dt: f32, cap: usize) -> (usize, f32) {
        let st = world.stats();
        let sn = world.supernodes();
        let share = if self.view.zoom > 1.0 { self.visible.len() as f32 / sn.len().max(1) as f32 } else { 1.0 };
        let rate = 5.0 * (st.connect_attempts.max(0.0) as f32).sqrt() * share;
        self.spawn_carry += rate * dt;
        let n = (self.spawn_carry as usize).min(cap);
        self.spawn_carry -= self.spawn_carry.floor();
        let ok_share = if st.connect_attempts > 0.0 { (st.logins / st.connect_attempts) as f32 } else { 1.0 };
        (n, ok_share)
    }

    /// Seen whole: ages the particles and starts new ones, more of them the more attempts there
    /// are, green if the attempt succeeds, red if not.
    pub(super) fn update_particles(&mut self, world: &World, opt: DrawOptions) {
        let dt = opt.dt_real_s.clamp(0.0, 0.25);
        for p in &mut self.particles {
            p.age_s += dt;
        }
        self.particles.retain(|p| p.age_s < PARTICLE_LIFE_S);
        if !opt.running || self.visible.is_empty() {
            return;
        }
        let (n, ok_share) = self.spawn_count(world, dt, MAX_PARTICLES.saturating_sub(self.particles.len()));
        let sn = world.supernodes();
        let zoomed = self.view.zoom > 1.0;
        let len = sn.len() as u64;
        for _ in 0..n {
            // From a random point of the map (where the clients are)…
            let a = if zoomed {
                self.visible[self.rng.below(self.visible.len() as u64) as usize] as usize
            } else {
                self.rng.below(sn.peers.max(1) as u64) as usize
            };
            let (sx, sy) = self.pos[a];
            let jitter = 14.0 * self.dpr;
            let x0 = sx + (self.rng.uniform() as f32 - 0.5) * jitter;
            let y0 = sy + (self.rng.uniform() as f32 - 0.5) * jitter;
            // …to a supernode in some host cache: a serving one if it succeeds.
            let ok = (self.rng.uniform() as f32) < ok_share;
            let pick = |f: &mut Frame| {
                if zoomed {
                    f.visible[f.rng.below(f.visible.len() as u64) as usize] as usize
                } else {
                    f.rng.below(len) as usize
                }
            };
            let mut b = pick(self);
            for _ in 0..8 {
                if sn.state[b] != SnState::Off && (!ok || sn.is_up(b)) {
                    break;
                }
                b = pick(self);
            }
            let (x1, y1) = self.pos[b];
            let age = self.rng.uniform() as f32 * 0.15;
            self.particles.push(Particle { x0, y0, x1, y1, age_s: age, ok });
        }
    }

    pub(super) fn draw_particles(&mut self, pal: &Palette) {
        let ok = rgb(pal.attempt_ok);
        let bad = rgb(pal.attempt_failed);
        let ps = std::mem::take(&mut self.particles);
        let r = 1.1 * self.dpr;
        for p in &ps {
            let t = (p.age_s / PARTICLE_LIFE_S).clamp(0.0, 1.0);
            // Failed attempts bounce back halfway.
            let f = if p.ok { t } else { 0.6 * (1.0 - (2.0 * t - 1.0).abs()) };
            let x = p.x0 + (p.x1 - p.x0) * f;
            let y = p.y0 + (p.y1 - p.y0) * f;
            let c = if p.ok { ok } else { bad };
            self.dot(x, y, r, c, 0.85 * (1.0 - t * t));
        }
        self.particles = ps;
    }

    /// Zoomed in: ages the walks and starts new ones from clients in the picture. A walk starts
    /// beside a supernode in the picture (the client it lost, or that relaunched there) and tries
    /// that supernode's overlay neighbours from a random one on: dead entries until a serving one
    /// (at most four).
    pub(super) fn update_walks(&mut self, world: &World, opt: DrawOptions) {
        let dt = opt.dt_real_s.clamp(0.0, 0.25);
        for w in &mut self.walks {
            w.age_s += dt;
        }
        self.walks.retain(|w| w.age_s < w.life_s());
        if !opt.running || self.visible.is_empty() {
            return;
        }
        let (n, ok_share) = self.spawn_count(world, dt, MAX_WALKS.saturating_sub(self.walks.len()));
        let sn = world.supernodes();
        let k = sn.neighbours_per;
        if k == 0 {
            return;
        }
        let reach = super::detail::reach_px(self, world);
        for _ in 0..n {
            let a = self.visible[self.rng.below(self.visible.len() as u64) as usize] as usize;
            if a >= sn.peers {
                continue;
            }
            let (sx, sy) = self.pos[a];
            let ang = self.rng.uniform() as f32 * std::f32::consts::TAU;
            let rad = reach * (0.5 + 0.5 * self.rng.uniform() as f32);
            let (x, y) = (sx + rad * libm::cosf(ang), sy + rad * libm::sinf(ang));
            let from = self.rng.below(k as u64) as usize;
            let mut hops = [0u32; MAX_HOPS];
            let mut m = 0;
            let mut live = false;
            for j in 0..k {
                let e = sn.neighbours_of(a)[(from + j) % k];
                hops[m] = e;
                m += 1;
                if sn.is_up(e as usize) {
                    live = true;
                    break;
                }
                if m == MAX_HOPS {
                    break;
                }
            }
            let ok = live && (self.rng.uniform() as f32) < ok_share;
            self.walks.push(Walk { x, y, hops, n: m as u8, live, ok, age_s: 0.0 });
        }
    }

    /// Each walk: the attempt flies from the client to the entry it is trying; a dead entry
    /// flashes a red ring (the client waits out its timeout), then the next entry is tried; the
    /// last flies in green (accepted) or bounces back red (refused).
    pub(super) fn draw_walks(&mut self, pal: &Palette) {
        let ok = rgb(pal.attempt_ok);
        let bad = rgb(pal.attempt_failed);
        let walks = std::mem::take(&mut self.walks);
        let r = 1.6 * self.dpr;
        for w in &walks {
            let per = HOP_S + FLASH_S;
            let j = ((w.age_s / per) as usize).min(w.n as usize - 1);
            let local = w.age_s - j as f32 * per;
            let e = w.hops[j] as usize;
            let (ex, ey) = self.pos[e];
            let last = j + 1 == w.n as usize;
            let dead = !last || !w.live;
            if local < HOP_S {
                let t = local / HOP_S;
                // A refusal bounces back; an attempt at a dead entry flies all the way.
                let f = if !dead && !w.ok { 0.8 * (1.0 - (2.0 * t - 1.0).abs()) } else { t };
                let c = if !dead && w.ok { ok } else { bad };
                self.dot(w.x + (ex - w.x) * f, w.y + (ey - w.y) * f, r, c, 0.9);
                // The client doing the walking, marked while it walks.
                self.dot(w.x, w.y, r * 0.8, c, 0.7);
            } else if dead || !w.ok {
                let t = (local - HOP_S) / FLASH_S;
                self.ring(ex, ey, (5.0 + 5.0 * t) * self.dpr, bad, 0.9 * (1.0 - t), 1.0);
            } else {
                let t = (local - HOP_S) / FLASH_S;
                self.ring(ex, ey, (4.0 + 3.0 * t) * self.dpr, ok, 0.8 * (1.0 - t), 1.0);
            }
        }
        self.walks = walks;
    }

    /// A soft round dot of radius `r` (device pixels).
    pub(crate) fn dot(&mut self, x: f32, y: f32, r: f32, c: [u8; 3], a: f32) {
        let x0 = (x - r) as i32;
        let y0 = (y - r) as i32;
        let span = (2.0 * r).ceil() as i32;
        for yy in y0..=y0 + span {
            for xx in x0..=x0 + span {
                self.blend(xx, yy, c, a);
            }
        }
    }

    /// A ring of radius `r` (device pixels), drawn clockwise from the top over `fraction` of its
    /// turn.
    pub(crate) fn ring(&mut self, x: f32, y: f32, r: f32, c: [u8; 3], a: f32, fraction: f32) {
        let fraction = fraction.clamp(0.0, 1.0);
        let n = (std::f32::consts::TAU * r * fraction * 1.5).ceil().clamp(0.0, 4096.0) as i32;
        for k in 0..n {
            let ang = -std::f32::consts::FRAC_PI_2 + std::f32::consts::TAU * fraction * (k as f32 + 0.5) / n as f32;
            self.blend((x + r * libm::cosf(ang)) as i32, (y + r * libm::sinf(ang)) as i32, c, a);
        }
    }
}
