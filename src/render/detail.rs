//! The picture zoomed in to a neighbourhood: each client as a dot around its supernode with its
//! link, each supernode's load as a bar and its failsafe's window as a ring that fills.
//!
//! Clients are drawn from the model's counts: supernode `i` with `c` clients has the dots of
//! slots `0..c`, slot `k` always in the same place (a sunflower spiral sized to the most clients
//! `i` holds), so a client seen now is the same dot a second later unless it left.

use super::{rgb, Frame, Palette};
use crate::model::{SnKind, World};

/// How long a promotion's ring shows, in real seconds.
const PROMOTION_S: f32 = 1.5;

/// The least room between supernodes (CSS pixels) at which each client is drawn; more where
/// supernodes hold more clients (see [`clients_at_css`]).
pub const CLIENTS_AT_CSS: f32 = 24.0;
/// Room per client dot, in square CSS pixels, for the dots to read as dots and not a solid disc.
const CSS_PX2_PER_CLIENT: f32 = 10.0;

/// The room between supernodes (CSS pixels) from which each client is drawn: enough for a
/// supernode's mean share of the clients to spread over its disc at [`CSS_PX2_PER_CLIENT`] each.
pub fn clients_at_css(world: &World) -> f32 {
    let per_peer = world.params().clients.total as f32 / world.supernodes().peers.max(1) as f32;
    let reach = libm::sqrtf(per_peer * CSS_PX2_PER_CLIENT / std::f32::consts::PI);
    (reach / 0.42).max(CLIENTS_AT_CSS)
}
/// Above this many client dots in the picture, only every n-th client's link is drawn.
const LINKS_BUDGET: usize = 6_000;
/// The golden angle, radians: consecutive slots spiral out without lining up.
const GOLDEN: f32 = 2.399_963;

/// A supernode's side at a given room between supernodes (CSS pixels): 2 in the overview, up to
/// 8 close in.
pub fn square_css(spacing_css: f32) -> f32 {
    (2.0 + spacing_css / 24.0).clamp(3.0, 8.0)
}

/// Slot `k`'s place on the unit spiral: the square root of `k + ½` (its distance, before scaling
/// to the supernode's room) and the cosine and sine of its angle.
fn spiral_at(k: u32) -> [f32; 3] {
    let a = k as f32 * GOLDEN;
    [libm::sqrtf(k as f32 + 0.5), libm::cosf(a), libm::sinf(a)]
}

/// How far clients spread from their supernode (device pixels).
pub(super) fn reach_px(f: &Frame, world: &World) -> f32 {
    0.42 * f.spacing_css(world) * f.dpr
}

impl Frame {
    /// Where client slot `k` of supernode `i` is drawn (device pixels).
    pub fn client_px(&self, world: &World, i: usize, k: u32) -> (f32, f32) {
        let sn = world.supernodes();
        let (x, y) = self.sn_px(world, i);
        let room = sn.max_clients[i].max(sn.clients[i]).max(1) as f32;
        let [root, cos, sin] = spiral_at(k);
        let r = reach_px(self, world) / libm::sqrtf(room) * root;
        (x + r * cos, y + r * sin)
    }

    /// The client nearest to a point (device pixels) within a few pixels, when each client is
    /// drawn: its supernode and slot.
    pub fn hit_client(&self, world: &World, x: f32, y: f32) -> Option<(usize, u32)> {
        if !self.clients_shown(world) {
            return None;
        }
        let sn = world.supernodes();
        let reach = 4.0 * self.dpr;
        let mut best = None;
        let mut best_d = reach * reach;
        let around = reach_px(self, world) + reach;
        for &i in &self.visible {
            let i = i as usize;
            let (sx, sy) = self.pos[i];
            if (sx - x).abs() > around || (sy - y).abs() > around || !sn.is_up(i) {
                continue;
            }
            for k in 0..sn.clients[i] {
                let (cx, cy) = self.client_px(world, i, k);
                let d = (cx - x) * (cx - x) + (cy - y) * (cy - y);
                if d < best_d {
                    best_d = d;
                    best = Some((i, k));
                }
            }
        }
        best
    }

    /// Every client of the supernodes in the picture, with its link to its supernode.
    pub(super) fn draw_clients(&mut self, world: &World, pal: &Palette) {
        let sn = world.supernodes();
        let visible = std::mem::take(&mut self.visible);
        let shown: usize = visible.iter().map(|&i| sn.clients[i as usize] as usize).sum();
        let link_every = shown.div_ceil(LINKS_BUDGET).max(1);
        let halo = rgb(pal.halo);
        let link = rgb(pal.link);
        let side = self.dpr.round().max(1.0) as i32;
        // The spiral's places, worked out once (the same values `client_px` gives).
        let most = visible.iter().map(|&i| sn.clients[i as usize]).max().unwrap_or(0) as usize;
        while self.spiral.len() < most {
            let k = self.spiral.len() as u32;
            self.spiral.push(spiral_at(k));
        }
        let reach = reach_px(self, world);
        let (w, h) = (self.width as f32, self.height as f32);
        for &i in &visible {
            let i = i as usize;
            let (sx, sy) = self.pos[i];
            let room = sn.max_clients[i].max(sn.clients[i]).max(1) as f32;
            let scale = reach / libm::sqrtf(room);
            for k in 0..sn.clients[i] {
                let [root, cos, sin] = self.spiral[k as usize];
                let r = scale * root;
                let (x, y) = (sx + r * cos, sy + r * sin);
                if x < -1.0 || y < -1.0 || x > w || y > h {
                    continue;
                }
                if (k as usize).is_multiple_of(link_every) {
                    self.line(x, y, sx, sy, link, 0.16);
                }
                let (x0, y0) = (x.round() as i32, y.round() as i32);
                for yy in y0..y0 + side {
                    for xx in x0..x0 + side {
                        self.put(xx, yy, halo);
                    }
                }
            }
        }
        self.visible = visible;
    }

    /// Each serving supernode's load as a bar under it (its capacity fills it; beyond, an
    /// overloaded tail grows with the log of the multiple, full at 128×), and, for supernodes
    /// with a failsafe, its window as a ring: the load average's share of the threshold at which
    /// the failsafe drops the role, filled clockwise in the failsafe's colour.
    pub(super) fn draw_gauges(&mut self, world: &World, pal: &Palette) {
        let sn = world.supernodes();
        let theta = world.params().failsafe.threshold as f32;
        let dpr = self.dpr;
        let half = square_css(self.spacing_css(world)) * dpr / 2.0;
        let bar_w = (10.0 * dpr).max(2.0 * half + 4.0 * dpr);
        let (up, over, shut, track) = (rgb(pal.up), rgb(pal.overloaded), rgb(pal.shut_down), rgb(pal.link));
        let visible = std::mem::take(&mut self.visible);
        for &i in &visible {
            let i = i as usize;
            if !sn.is_up(i) {
                continue;
            }
            let (x, y) = self.pos[i];
            let cap = sn.capacity_per_s[i].max(1e-6);
            let ratio = sn.load_per_s(i) / cap;
            let x0 = x - bar_w / 2.0;
            let y0 = y + half + 2.0 * dpr;
            let h = (2.0 * dpr).max(1.0);
            self.rect(x0, y0, bar_w, h, track, 0.35);
            self.rect(x0, y0, bar_w * ratio.clamp(0.0, 1.0), h, up, 1.0);
            if ratio > 1.0 {
                let tail = bar_w * (libm::log2f(ratio) / 7.0).clamp(0.05, 1.0);
                self.rect(x0 + bar_w, y0, tail, h, over, 1.0);
            }
            if sn.guarded[i] > 0.0 && theta > 0.0 {
                let fill = sn.load_avg[i] / (theta * cap);
                let rr = half + 5.0 * dpr;
                self.ring(x, y, rr, track, 0.45, 1.0);
                if fill > 0.0 {
                    for k in 0..3 {
                        self.ring(x, y, rr + 0.7 * k as f32 * dpr, shut, 1.0, fill);
                    }
                }
            }
        }
        self.visible = visible;
    }

    /// Notes the supernodes a client was promoted into since the last frame (the place's kind
    /// turned `Promoted` and it serves), and ages the ones noted before.
    pub(super) fn note_promotions(&mut self, world: &World, dt_real_s: f32) {
        let sn = world.supernodes();
        let dt = dt_real_s.clamp(0.0, 0.25);
        for p in &mut self.promotions {
            p.1 += dt;
        }
        self.promotions.retain(|p| p.1 < PROMOTION_S);
        if self.kinds.len() == sn.len() {
            for i in 0..sn.len() {
                if sn.kind[i] == SnKind::Promoted && self.kinds[i] != SnKind::Promoted && sn.is_up(i) && self.promotions.len() < 256 {
                    self.promotions.push((i as u32, 0.0));
                }
            }
        }
        self.kinds.clear();
        self.kinds.extend_from_slice(&sn.kind);
    }

    /// A client promoted into a supernode's place: a ring that widens and fades around it.
    pub(super) fn draw_promotions(&mut self, pal: &Palette) {
        let c = rgb(pal.mega);
        let list = std::mem::take(&mut self.promotions);
        for &(i, age) in &list {
            let t = age / PROMOTION_S;
            let (x, y) = self.pos[i as usize];
            for k in 0..2 {
                self.ring(x, y, (4.0 + 16.0 * t + k as f32) * self.dpr, c, 0.9 * (1.0 - t), 1.0);
            }
        }
        self.promotions = list;
    }

    /// A filled rectangle (device pixels) blended at `a`.
    fn rect(&mut self, x: f32, y: f32, w: f32, h: f32, c: [u8; 3], a: f32) {
        let (x0, y0) = (x.round() as i32, y.round() as i32);
        let (x1, y1) = ((x + w).round() as i32, (y + h).round() as i32);
        for yy in y0..y1.max(y0 + 1) {
            for xx in x0..x1 {
                if a >= 1.0 {
                    self.put(xx, yy, c);
                } else {
                    self.blend(xx, yy, c, a);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::{DrawOptions, View};
    use super::*;
    use crate::{run, scenarios};

    #[test]
    fn a_promotion_is_noticed_between_frames() {
        let s = scenarios::find("skype-2010").unwrap();
        let mut w = run::world(&s, scenarios::scaled(&s.params, 0.02), 1).unwrap();
        let mut f = Frame::new(200, 150, 1.0);
        // Close in, where promotions are drawn.
        let (x, y) = f.sn_px(&w, 0);
        for _ in 0..10 {
            f.zoom_about(2.0, x, y);
        }
        assert!(f.clients_shown(&w));
        let mut seen = 0;
        let opt = DrawOptions { dt_real_s: 0.05, particles: false, running: true };
        for _ in 0..(6 * 60) {
            w.run_until(w.time_s() + 60.0);
            // Every supernode is looked at, wherever the picture is.
            f.note_promotions(&w, 0.05);
            f.draw(&w, &Palette::LIGHT, opt);
            seen = seen.max(f.promotions.len());
        }
        assert!(w.sn_counts().promoted_up > 0, "no promotion in the run");
        assert!(seen > 0, "no promotion noticed");
    }

    #[test]
    fn clients_appear_past_the_threshold_with_stable_places() {
        let s = scenarios::find("baseline").unwrap();
        let mut w = run::world(&s, scenarios::scaled(&s.params, 0.05), 1).unwrap();
        w.run_until(60.0);
        let mut f = Frame::new(800, 600, 1.0);
        assert!(!f.clients_shown(&w));
        let (x, y) = f.sn_px(&w, 10);
        f.zoom_about(2.0, x, y);
        while !f.clients_shown(&w) && f.view().zoom < super::super::view::MAX_ZOOM {
            f.zoom_about(1.5, x, y);
        }
        assert!(f.clients_shown(&w), "no clients at zoom {}", f.view().zoom);
        f.draw(&w, &Palette::LIGHT, DrawOptions { dt_real_s: 0.1, particles: true, running: true });
        // A client's place does not depend on the second, only on its supernode's place.
        let a = f.client_px(&w, 10, 3);
        w.run_until(61.0);
        f.draw(&w, &Palette::LIGHT, DrawOptions { dt_real_s: 0.1, particles: true, running: true });
        assert_eq!(a, f.client_px(&w, 10, 3));
        // It is drawn: its pixel is no longer the background.
        let (cx, cy) = (a.0.round() as usize, a.1.round() as usize);
        let i = (cy * 800 + cx) * 4;
        let bg = rgb(Palette::LIGHT.background);
        assert_ne!(&f.pixels()[i..i + 3], &bg[..], "client 3 of supernode 10 not drawn");
        // Back to the whole overlay: no clients.
        f.set_view(View::default(), false);
        assert!(!f.clients_shown(&w));
    }
}
