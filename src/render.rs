//! The overlay picture: supernodes as dots, links, the client halo and reconnect attempts as
//! particles, drawn as pixels into one RGBA buffer that the page puts on its canvas at once.
//!
//! Pure Rust (no web crates), so it is tested and timed natively. It only reads the world, and
//! draws its particles with its own random stream: drawing never changes a run.

use crate::model::rng::SimRng;
use crate::model::{SnState, World};

/// Colours as `0xRRGGBB`, in the order the page passes them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Palette {
    /// Background.
    pub background: u32,
    /// Serving supernode.
    pub up: u32,
    /// Serving but asked more than its capacity.
    pub overloaded: u32,
    /// Shut down by its failsafe.
    pub shut_down: u32,
    /// Crashed.
    pub crashed: u32,
    /// Mega-supernode (dedicated or repurposed).
    pub mega: u32,
    /// Clients around their supernode.
    pub halo: u32,
    /// Overlay links.
    pub link: u32,
    /// A connection attempt that succeeds.
    pub attempt_ok: u32,
    /// A connection attempt that fails.
    pub attempt_failed: u32,
}

impl Palette {
    /// The light theme's colours, the same as the element's stylesheet (which the page passes; a
    /// test compares them).
    pub const LIGHT: Palette = Palette {
        background: 0xfbfbf8,
        up: 0x2ea599,
        overloaded: 0xf09842,
        shut_down: 0x846baf,
        crashed: 0xd83e4a,
        mega: 0x0d45ce,
        halo: 0x2ea599,
        link: 0x6b7280,
        attempt_ok: 0x00b05f,
        attempt_failed: 0xd80b14,
    };

    /// The dark theme's colours, the same as the element's stylesheet (a test compares them).
    pub const DARK: Palette = Palette {
        background: 0x0f1115,
        up: 0x5cf6ec,
        overloaded: 0xf0bd2b,
        shut_down: 0x9c9ccf,
        crashed: 0xff7e87,
        mega: 0x5682ef,
        halo: 0x5cf6ec,
        link: 0x94a3b8,
        attempt_ok: 0x57f789,
        attempt_failed: 0xd4525e,
    };

    /// A palette from ten `0xRRGGBB` values in field order; `None` if there are not ten.
    pub fn from_slice(c: &[u32]) -> Option<Palette> {
        if c.len() != 10 {
            return None;
        }
        Some(Palette {
            background: c[0],
            up: c[1],
            overloaded: c[2],
            shut_down: c[3],
            crashed: c[4],
            mega: c[5],
            halo: c[6],
            link: c[7],
            attempt_ok: c[8],
            attempt_failed: c[9],
        })
    }
}

#[derive(Clone, Copy, Debug)]
struct Particle {
    x0: f32,
    y0: f32,
    x1: f32,
    y1: f32,
    age_s: f32,
    ok: bool,
}

/// How long a particle takes to fly, in real seconds.
const PARTICLE_LIFE_S: f32 = 0.9;
/// Most particles on screen.
pub const MAX_PARTICLES: usize = 3000;

/// A frame buffer and what persists between frames (particles).
#[derive(Clone, Debug)]
pub struct Frame {
    width: u32,
    height: u32,
    dpr: f32,
    pixels: Vec<u8>,
    density: Vec<f32>,
    particles: Vec<Particle>,
    spawn_carry: f32,
    rng: SimRng,
}

/// What to draw besides the network itself.
#[derive(Clone, Copy, Debug, Default)]
pub struct DrawOptions {
    /// Real seconds since the last frame (particles move in real time).
    pub dt_real_s: f32,
    /// Whether to draw reconnect attempts as particles (off for `prefers-reduced-motion`).
    pub particles: bool,
    /// Whether the simulation is advancing (no new particles while paused).
    pub running: bool,
}

fn rgb(c: u32) -> [u8; 3] {
    [(c >> 16) as u8, (c >> 8) as u8, c as u8]
}

impl Frame {
    /// An empty frame of `width`×`height` device pixels for a screen with `dpr` device pixels per
    /// CSS pixel.
    pub fn new(width: u32, height: u32, dpr: f32) -> Frame {
        let mut f = Frame {
            width: 0,
            height: 0,
            dpr: 1.0,
            pixels: Vec::new(),
            density: Vec::new(),
            particles: Vec::new(),
            spawn_carry: 0.0,
            rng: SimRng::new(0x5eed_f00d),
        };
        f.resize(width, height, dpr);
        f
    }

    /// Changes the size (device pixels) and pixel ratio.
    pub fn resize(&mut self, width: u32, height: u32, dpr: f32) {
        self.width = width.clamp(1, 8192);
        self.height = height.clamp(1, 8192);
        self.dpr = if dpr.is_finite() { dpr.clamp(0.5, 4.0) } else { 1.0 };
        self.pixels = vec![0; (self.width * self.height * 4) as usize];
        self.particles.clear();
    }

    /// Width in device pixels.
    pub fn width(&self) -> u32 {
        self.width
    }

    /// Height in device pixels.
    pub fn height(&self) -> u32 {
        self.height
    }

    /// The RGBA pixels, row by row.
    pub fn pixels(&self) -> &[u8] {
        &self.pixels
    }

    /// Where a point of the unit square lands, in device pixels (the square is fitted into the
    /// frame, centred).
    pub fn to_px(&self, x: f32, y: f32) -> (f32, f32) {
        let (s, ox, oy) = self.fit();
        (ox + x * s, oy + y * s)
    }

    fn fit(&self) -> (f32, f32, f32) {
        let w = self.width as f32;
        let h = self.height as f32;
        let margin = 8.0 * self.dpr;
        let s = (w.min(h) - 2.0 * margin).max(1.0);
        ((s), (w - s) / 2.0, (h - s) / 2.0)
    }

    /// The supernode nearest to a point (device pixels) within a few pixels, if any.
    pub fn hit(&self, world: &World, x: f32, y: f32) -> Option<usize> {
        let sn = world.supernodes();
        let reach = (7.0 * self.dpr) * (7.0 * self.dpr);
        let mut best = None;
        let mut best_d = reach;
        for i in 0..sn.len() {
            if sn.state[i] == SnState::Off {
                continue;
            }
            let (px, py) = self.to_px(sn.x[i], sn.y[i]);
            let d = (px - x) * (px - x) + (py - y) * (py - y);
            if d < best_d {
                best_d = d;
                best = Some(i);
            }
        }
        best
    }

    /// Draws the world.
    pub fn draw(&mut self, world: &World, pal: &Palette, opt: DrawOptions) {
        self.clear(pal.background);
        self.draw_halo(world, pal);
        self.draw_links(world, pal);
        if opt.particles {
            self.update_particles(world, opt);
            self.draw_particles(pal);
        } else {
            self.particles.clear();
        }
        self.draw_supernodes(world, pal);
    }

    fn clear(&mut self, c: u32) {
        let [r, g, b] = rgb(c);
        let px = [r, g, b, 255];
        for p in self.pixels.chunks_exact_mut(4) {
            p.copy_from_slice(&px);
        }
    }

    #[inline]
    fn blend(&mut self, x: i32, y: i32, c: [u8; 3], a: f32) {
        if x < 0 || y < 0 || x >= self.width as i32 || y >= self.height as i32 {
            return;
        }
        let i = ((y as u32 * self.width + x as u32) * 4) as usize;
        let p = &mut self.pixels[i..i + 3];
        for k in 0..3 {
            p[k] = (p[k] as f32 + (c[k] as f32 - p[k] as f32) * a) as u8;
        }
    }

    #[inline]
    fn put(&mut self, x: i32, y: i32, c: [u8; 3]) {
        if x < 0 || y < 0 || x >= self.width as i32 || y >= self.height as i32 {
            return;
        }
        let i = ((y as u32 * self.width + x as u32) * 4) as usize;
        self.pixels[i..i + 3].copy_from_slice(&c);
    }

    /// A small solid square (2 CSS pixels a side): a supernode.
    fn square(&mut self, cx: f32, cy: f32, dpr: f32, c: [u8; 3]) {
        let n = (2.0 * dpr).round().max(1.0) as i32;
        let x0 = (cx - n as f32 / 2.0).round() as i32;
        let y0 = (cy - n as f32 / 2.0).round() as i32;
        for y in y0..y0 + n {
            for x in x0..x0 + n {
                self.put(x, y, c);
            }
        }
    }

    /// Clients as a soft density around their supernodes: counts per coarse cell, shaded.
    fn draw_halo(&mut self, world: &World, pal: &Palette) {
        let cell = (6.0 * self.dpr).max(3.0);
        let cols = (self.width as f32 / cell).ceil() as usize;
        let rows = (self.height as f32 / cell).ceil() as usize;
        self.density.clear();
        self.density.resize(cols * rows, 0.0);
        let sn = world.supernodes();
        let mut occupied = 0usize;
        for i in 0..sn.len() {
            let c = sn.clients[i];
            let (px, py) = self.to_px(sn.x[i], sn.y[i]);
            let cx = ((px / cell) as usize).min(cols - 1);
            let cy = ((py / cell) as usize).min(rows - 1);
            let d = &mut self.density[cy * cols + cx];
            if *d == 0.0 && sn.kind[i].is_peer() {
                occupied += 1;
            }
            *d += c as f32 + 1e-3;
        }
        // A cell at the mean density of a healthy network is shaded at about a third. The
        // background under the halo is uniform, so each cell is one solid colour: blend once,
        // fill its rows.
        let reference = (world.params().clients.total as f32 / occupied.max(1) as f32).max(1.0);
        let halo = rgb(pal.halo);
        let bg = rgb(pal.background);
        let w = self.width as usize;
        for cy in 0..rows {
            let y0 = (cy as f32 * cell) as usize;
            let y1 = (((cy + 1) as f32 * cell) as usize).min(self.height as usize);
            for cx in 0..cols {
                let d = self.density[cy * cols + cx];
                if d < 1.0 {
                    continue;
                }
                let a = (0.33 * (d / reference).sqrt()).min(0.6);
                let mut px = [0u8, 0, 0, 255];
                for k in 0..3 {
                    px[k] = (bg[k] as f32 + (halo[k] as f32 - bg[k] as f32) * a) as u8;
                }
                let x0 = (cx as f32 * cell) as usize;
                let x1 = (((cx + 1) as f32 * cell) as usize).min(w);
                for y in y0..y1 {
                    let row = &mut self.pixels[(y * w + x0) * 4..(y * w + x1) * 4];
                    for p in row.chunks_exact_mut(4) {
                        p.copy_from_slice(&px);
                    }
                }
            }
        }
    }

    /// A readable subset of the overlay's links: about 2,500 short links between serving
    /// supernodes (links to supernodes that are down disappear, so the web thins as it fails).
    fn draw_links(&mut self, world: &World, pal: &Palette) {
        let sn = world.supernodes();
        let k = sn.neighbours_per;
        if k == 0 {
            return;
        }
        let every = (sn.peers / 2500).max(1);
        let col = rgb(pal.link);
        let mut i = 0;
        while i < sn.len() {
            if sn.is_up(i) {
                let nb = sn.neighbours_of(i)[0] as usize;
                if sn.is_up(nb) {
                    let (x0, y0) = self.to_px(sn.x[i], sn.y[i]);
                    let (x1, y1) = self.to_px(sn.x[nb], sn.y[nb]);
                    self.line(x0, y0, x1, y1, col, 0.28);
                }
            }
            i += if i < sn.peers { every } else { 1 };
        }
    }

    fn line(&mut self, x0: f32, y0: f32, x1: f32, y1: f32, c: [u8; 3], a: f32) {
        let dx = x1 - x0;
        let dy = y1 - y0;
        let n = dx.abs().max(dy.abs()).ceil().clamp(1.0, 4096.0) as i32;
        let (sx, sy) = (dx / n as f32, dy / n as f32);
        let (mut x, mut y) = (x0, y0);
        for _ in 0..=n {
            self.blend(x as i32, y as i32, c, a);
            x += sx;
            y += sy;
        }
    }

    /// Reconnect attempts: particles fly from the client cloud to a supernode, more of them the
    /// more attempts there are (square-root scale), green if the attempt succeeds, red if not.
    fn update_particles(&mut self, world: &World, opt: DrawOptions) {
        let dt = opt.dt_real_s.clamp(0.0, 0.25);
        for p in &mut self.particles {
            p.age_s += dt;
        }
        self.particles.retain(|p| p.age_s < PARTICLE_LIFE_S);
        if !opt.running {
            return;
        }
        let st = world.stats();
        let rate = 5.0 * (st.connect_attempts.max(0.0) as f32).sqrt();
        self.spawn_carry += rate * dt;
        let n = (self.spawn_carry as usize).min(MAX_PARTICLES.saturating_sub(self.particles.len()));
        self.spawn_carry -= self.spawn_carry.floor();
        let ok_share = if st.connect_attempts > 0.0 { (st.logins / st.connect_attempts) as f32 } else { 1.0 };
        let sn = world.supernodes();
        let len = sn.len() as u64;
        if len == 0 {
            return;
        }
        for _ in 0..n {
            // From a random point of the map (where the clients are)…
            let a = self.rng.below(sn.peers.max(1) as u64) as usize;
            let (sx, sy) = self.to_px(sn.x[a], sn.y[a]);
            let jitter = 14.0 * self.dpr;
            let x0 = sx + (self.rng.uniform() as f32 - 0.5) * jitter;
            let y0 = sy + (self.rng.uniform() as f32 - 0.5) * jitter;
            // …to a supernode in some host cache: a serving one if it succeeds.
            let ok = (self.rng.uniform() as f32) < ok_share;
            let mut b = self.rng.below(len) as usize;
            for _ in 0..8 {
                if sn.state[b] != SnState::Off && (!ok || sn.is_up(b)) {
                    break;
                }
                b = self.rng.below(len) as usize;
            }
            let (x1, y1) = self.to_px(sn.x[b], sn.y[b]);
            let age = self.rng.uniform() as f32 * 0.15;
            self.particles.push(Particle { x0, y0, x1, y1, age_s: age, ok });
        }
    }

    fn draw_particles(&mut self, pal: &Palette) {
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
            let a = 0.85 * (1.0 - t * t);
            let x0 = (x - r) as i32;
            let y0 = (y - r) as i32;
            let span = (2.0 * r).ceil() as i32;
            for yy in y0..=y0 + span {
                for xx in x0..=x0 + span {
                    self.blend(xx, yy, c, a);
                }
            }
        }
        self.particles = ps;
    }

    /// Every supernode: coloured by state, sized by load (relative to capacity). Mega-supernodes
    /// are larger and drawn last, on top.
    /// Every supernode the same small square (2 CSS pixels a side) in its state's colour, so that
    /// the share of the picture in each colour is the share of supernodes in that state: a bigger
    /// mark for some states would make them read as more common than they are (the overview must
    /// agree with the model; a test samples it). Load is what makes a supernode orange; how far
    /// over its capacity it is, the read-outs and the chart say.
    fn draw_supernodes(&mut self, world: &World, pal: &Palette) {
        let sn = world.supernodes();
        let d = self.dpr;
        for i in 0..sn.len() {
            let Some(state) = DrawnState::of(sn, i) else { continue };
            let (x, y) = self.to_px(sn.x[i], sn.y[i]);
            self.square(x, y, d, rgb(state.colour(pal)));
        }
    }
}

/// The states the picture tells apart, each in its own colour.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum DrawnState {
    /// A peer serving within its capacity.
    Up,
    /// A peer serving but asked more than its capacity.
    Overloaded,
    /// Dropped the role when its failsafe fired.
    ShutDown,
    /// Crashed (or taken down by hand).
    Crashed,
    /// A mega-supernode serving.
    Mega,
}

impl DrawnState {
    /// How supernode `i` is drawn, if at all (a mega-supernode not deployed is not).
    pub fn of(sn: &crate::model::supernode::Supernodes, i: usize) -> Option<DrawnState> {
        Some(match sn.state[i] {
            SnState::Up if !sn.kind[i].is_peer() => DrawnState::Mega,
            SnState::Up if sn.overloaded(i) => DrawnState::Overloaded,
            SnState::Up => DrawnState::Up,
            SnState::ShutDown => DrawnState::ShutDown,
            SnState::Crashed => DrawnState::Crashed,
            SnState::Off => return None,
        })
    }

    /// Its colour in `pal`.
    pub fn colour(self, pal: &Palette) -> u32 {
        match self {
            DrawnState::Up => pal.up,
            DrawnState::Overloaded => pal.overloaded,
            DrawnState::ShutDown => pal.shut_down,
            DrawnState::Crashed => pal.crashed,
            DrawnState::Mega => pal.mega,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{run, scenarios};

    fn colours(f: &Frame) -> std::collections::BTreeSet<[u8; 3]> {
        f.pixels().chunks_exact(4).map(|p| [p[0], p[1], p[2]]).collect()
    }

    #[test]
    fn draws_states_in_their_colours_and_never_touches_the_run() {
        let s = scenarios::find("skype-2010").unwrap();
        let p = scenarios::scaled(&s.params, 0.02);
        let mut w = run::world(&s, p.clone(), 1).unwrap();
        w.run_until(3.0 * 3600.0);
        let mut f = Frame::new(400, 300, 1.0);
        let pal = Palette::LIGHT;
        f.draw(&w, &pal, DrawOptions { dt_real_s: 0.1, particles: true, running: true });
        let seen = colours(&f);
        assert!(seen.contains(&rgb(pal.background)));
        assert!(seen.contains(&rgb(pal.crashed)) || seen.contains(&rgb(pal.shut_down)), "no down supernode drawn");
        assert!(seen.len() > 20, "only {} colours", seen.len());
        // Drawing does not change the world.
        let mut twin = run::world(&s, p, 1).unwrap();
        twin.run_until(3.0 * 3600.0);
        w.run_until(4.0 * 3600.0);
        twin.run_until(4.0 * 3600.0);
        assert_eq!(w.series().hash_hex(), twin.series().hash_hex());
    }

    #[test]
    fn hit_finds_the_supernode_under_the_pointer() {
        let s = scenarios::find("baseline").unwrap();
        let w = run::world(&s, scenarios::scaled(&s.params, 0.01), 1).unwrap();
        let f = Frame::new(600, 400, 2.0);
        let sn = w.supernodes();
        let (x, y) = f.to_px(sn.x[5], sn.y[5]);
        let hit = f.hit(&w, x, y).unwrap();
        let (hx, hy) = f.to_px(sn.x[hit], sn.y[hit]);
        assert!((hx - x).abs() < 0.5 && (hy - y).abs() < 0.5);
        assert_eq!(f.hit(&w, -100.0, -100.0), None);
    }
}
