//! The overlay picture: supernodes as dots, links, the client halo and reconnect attempts as
//! particles, drawn as pixels into one RGBA buffer that the page puts on its canvas at once.
//! Zoomed in far enough, each client appears around its supernode, with its link, and the
//! supernodes show their load and their failsafe's window ([`detail`]); a toggle groups the
//! supernodes by state ([`groups`]); [`view`] holds where the picture looks.
//!
//! Pure Rust (no web crates), so it is tested and timed natively. It only reads the world, and
//! draws its particles with its own random stream: drawing never changes a run.

pub mod detail;
pub mod groups;
mod palette;
mod particles;
pub mod view;

use crate::model::rng::SimRng;
use crate::model::{SnState, World};
use groups::Layout;
pub use palette::Palette;
pub use view::View;

/// The margin around the overlay's square in the frame, in CSS pixels (the element reads it to
/// keep its legend off the disc).
pub const MARGIN_PX: f32 = 8.0;

/// A frame buffer and what persists between frames (particles, the view and its glide).
#[derive(Clone, Debug)]
pub struct Frame {
    width: u32,
    height: u32,
    dpr: f32,
    pixels: Vec<u8>,
    density: Vec<f32>,
    particles: Vec<particles::Particle>,
    walks: Vec<particles::Walk>,
    spawn_carry: f32,
    rng: SimRng,
    view: View,
    /// How far the supernodes have glided from the map (0) to their groups (1).
    glide: f32,
    /// Each supernode's place in the last frame (device pixels).
    pos: Vec<(f32, f32)>,
    /// Supernodes within the picture (or near its edge) in the last frame.
    visible: Vec<u32>,
    /// The by-state layout of the last frame, while grouped.
    layout: Option<Layout>,
    /// Client slots' places on the unit spiral, as far as drawn so far (see `detail`).
    spiral: Vec<[f32; 3]>,
    /// Each supernode's drawn state, while grouping (kept to spare an allocation a frame).
    states: Vec<Option<DrawnState>>,
    /// Each supernode's kind in the last frame, to see clients promoted into a place.
    kinds: Vec<crate::model::SnKind>,
    /// Recent promotions: the supernode and how long ago (real seconds), drawn close in.
    promotions: Vec<(u32, f32)>,
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
            walks: Vec::new(),
            spawn_carry: 0.0,
            rng: SimRng::new(0x5eed_f00d),
            view: View::default(),
            glide: 0.0,
            pos: Vec::new(),
            visible: Vec::new(),
            layout: None,
            spiral: Vec::new(),
            states: Vec::new(),
            kinds: Vec::new(),
            promotions: Vec::new(),
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
        self.walks.clear();
    }

    /// Where the picture looks. `animate`: a change between the map and the groups glides
    /// (otherwise it jumps, as when a link opens the by-state view). Grouping resets the zoom.
    pub fn set_view(&mut self, view: View, animate: bool) {
        let mut v = view.clamped();
        if v.by_state {
            v = View { by_state: true, ..View::default() };
        }
        if !animate {
            self.glide = if v.by_state { 1.0 } else { 0.0 };
        }
        if v.zoom != self.view.zoom || v.centre_x != self.view.centre_x || v.centre_y != self.view.centre_y {
            self.particles.clear();
            self.walks.clear();
        }
        self.view = v;
    }

    /// Where the picture looks.
    pub fn view(&self) -> View {
        self.view
    }

    /// Zooms by `factor` about the device pixel `(x, y)`.
    pub fn zoom_about(&mut self, factor: f32, x: f32, y: f32) {
        let (side, ox, oy) = self.fit();
        self.set_view(self.view.zoom_about(factor, x, y, side, ox, oy), true);
    }

    /// Centres the picture on supernode `i`, zoomed in far enough to draw each client (leaving
    /// the by-state view).
    pub fn zoom_to(&mut self, world: &World, i: usize) {
        let sn = world.supernodes();
        if i >= sn.len() {
            return;
        }
        let (side, _, _) = self.fit();
        let zoom = 1.25 * detail::clients_at_css(world) * self.dpr * (sn.peers.max(1) as f32).sqrt() / side;
        self.set_view(View { by_state: false, ..self.view }.centre_on(sn.x[i], sn.y[i], zoom), true);
    }

    /// Moves the picture by `(dx, dy)` device pixels.
    pub fn pan(&mut self, dx: f32, dy: f32) {
        let (side, _, _) = self.fit();
        self.set_view(self.view.pan(dx, dy, side), true);
    }

    /// Whether the supernodes are still gliding between the map and the groups (the page asks
    /// for frames until they arrive, even while paused).
    pub fn animating(&self) -> bool {
        let target = if self.view.by_state { 1.0 } else { 0.0 };
        self.glide != target
    }

    /// The mean distance between neighbouring supernodes on screen, in CSS pixels (what decides
    /// whether clients are drawn).
    pub fn spacing_css(&self, world: &World) -> f32 {
        let (side, _, _) = self.fit();
        side * self.view.zoom / (world.supernodes().peers.max(1) as f32).sqrt() / self.dpr
    }

    /// Whether this frame draws each client (zoomed in past [`detail::clients_at_css`], on the
    /// map).
    pub fn clients_shown(&self, world: &World) -> bool {
        self.glide == 0.0 && !self.view.by_state && self.spacing_css(world) >= detail::clients_at_css(world)
    }

    /// The by-state groups as the page labels them: state, count and where the label goes
    /// (device pixels), or nothing on the map.
    pub fn groups(&self) -> Vec<(DrawnState, u32, f32, f32)> {
        let Some(l) = &self.layout else { return Vec::new() };
        let (side, ox, _) = self.fit();
        let top = self.groups_top();
        (0..5)
            .map(|g| {
                let (x, y) = l.label_at(g);
                (l.columns[g].state, l.columns[g].count, ox + x * side, top + y * side)
            })
            .collect()
    }

    /// The top of the by-state columns' square (device pixels): at the frame's top, not centred
    /// like the map, so that in a tall picture the columns stand where the reader looks first.
    fn groups_top(&self) -> f32 {
        MARGIN_PX * self.dpr
    }

    /// Where supernode `i` stood in the last frame (device pixels); where it stands on the map
    /// if no frame has been drawn.
    pub fn sn_px(&self, world: &World, i: usize) -> (f32, f32) {
        match self.pos.get(i) {
            Some(&p) if self.pos.len() == world.supernodes().len() => p,
            _ => {
                let sn = world.supernodes();
                self.to_px(sn.x[i], sn.y[i])
            }
        }
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
        self.view.place(x, y, s, ox, oy)
    }

    /// The overlay's square in the frame at zoom 1: side, left and top (device pixels).
    pub(crate) fn fit(&self) -> (f32, f32, f32) {
        let w = self.width as f32;
        let h = self.height as f32;
        let margin = MARGIN_PX * self.dpr;
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
            let (px, py) = self.sn_px(world, i);
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
        self.advance_glide(opt.dt_real_s);
        self.place_supernodes(world);
        self.clear(pal.background);
        let on_map = self.glide == 0.0;
        let clients = self.clients_shown(world);
        if on_map {
            if clients {
                self.draw_clients(world, pal);
            } else {
                self.draw_halo(world, pal);
            }
            self.draw_links(world, pal, clients);
        }
        if opt.particles && on_map {
            if clients {
                self.particles.clear();
                self.update_walks(world, opt);
                self.draw_walks(pal);
            } else {
                self.walks.clear();
                self.update_particles(world, opt);
                self.draw_particles(pal);
            }
        } else {
            self.particles.clear();
            self.walks.clear();
        }
        self.draw_supernodes(world, pal, clients);
        if clients {
            self.note_promotions(world, opt.dt_real_s);
            self.draw_gauges(world, pal);
            self.draw_promotions(pal);
        } else {
            // Promotions are drawn close in only: from afar, nothing to keep.
            self.kinds.clear();
            self.promotions.clear();
        }
    }

    /// Moves the glide between the map and the groups on by `dt` real seconds.
    fn advance_glide(&mut self, dt: f32) {
        let target = if self.view.by_state { 1.0 } else { 0.0 };
        let step = dt.clamp(0.0, 0.1) / view::GLIDE_S;
        self.glide = if self.glide < target { (self.glide + step).min(target) } else { (self.glide - step).max(target) };
    }

    /// Each supernode's place this frame: on the map through the view, in its group's column, or
    /// on its way between them (each starts a little later or sooner than the next, so the
    /// supernodes pour rather than jump). Also lists the ones within the picture.
    fn place_supernodes(&mut self, world: &World) {
        let sn = world.supernodes();
        let n = sn.len();
        let (side, ox, oy) = self.fit();
        self.pos.clear();
        self.pos.reserve(n);
        self.visible.clear();
        let v = self.view;
        let margin = 40.0 * self.dpr;
        let (w, h) = (self.width as f32, self.height as f32);
        for i in 0..n {
            let p = v.place(sn.x[i], sn.y[i], side, ox, oy);
            self.pos.push(p);
        }
        if self.glide > 0.0 {
            let mut counts = [0u32; 5];
            let mut total = 0;
            // Each supernode's state, read once (the buffer is kept from frame to frame).
            let mut states = std::mem::take(&mut self.states);
            states.clear();
            states.extend((0..n).map(|i| DrawnState::of(sn, i)));
            for s in states.iter().flatten() {
                counts[groups::group_of(*s)] += 1;
                total += 1;
            }
            let layout = Layout::new(counts, total);
            let mut next = [0u32; 5];
            for (i, s) in states.iter().enumerate() {
                let Some(s) = s else { continue };
                let g = groups::group_of(*s);
                let (gx, gy) = layout.slot(g, next[g]);
                next[g] += 1;
                let t = view::ease(self.glide * 1.5 - 0.5 * groups::stagger(i));
                let (mx, my) = self.pos[i];
                let gy_px = self.groups_top() + gy * side;
                self.pos[i] = (mx + (ox + gx * side - mx) * t, my + (gy_px - my) * t);
            }
            self.states = states;
            self.layout = Some(layout);
        } else {
            self.layout = None;
        }
        for (i, &(x, y)) in self.pos.iter().enumerate() {
            if x > -margin && y > -margin && x < w + margin && y < h + margin {
                self.visible.push(i as u32);
            }
        }
    }

    fn clear(&mut self, c: u32) {
        let [r, g, b] = rgb(c);
        let px = [r, g, b, 255];
        for p in self.pixels.chunks_exact_mut(4) {
            p.copy_from_slice(&px);
        }
    }

    #[inline]
    pub(crate) fn blend(&mut self, x: i32, y: i32, c: [u8; 3], a: f32) {
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
    pub(crate) fn put(&mut self, x: i32, y: i32, c: [u8; 3]) {
        if x < 0 || y < 0 || x >= self.width as i32 || y >= self.height as i32 {
            return;
        }
        let i = ((y as u32 * self.width + x as u32) * 4) as usize;
        self.pixels[i..i + 3].copy_from_slice(&c);
    }

    /// A small solid square (`2 × dpr` device pixels a side): a supernode.
    pub(crate) fn square(&mut self, cx: f32, cy: f32, dpr: f32, c: [u8; 3]) {
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
        let mut peers_seen = 0usize;
        for &i in &self.visible {
            let i = i as usize;
            let c = sn.clients[i];
            let (px, py) = self.pos[i];
            if px < 0.0 || py < 0.0 {
                continue;
            }
            let cx = ((px / cell) as usize).min(cols - 1);
            let cy = ((py / cell) as usize).min(rows - 1);
            let d = &mut self.density[cy * cols + cx];
            if sn.kind[i].is_peer() {
                peers_seen += 1;
                if *d == 0.0 {
                    occupied += 1;
                }
            }
            *d += c as f32 + 1e-3;
        }
        // A cell at the mean density of a healthy network is shaded at about a third (the mean
        // over the cells in the picture, so zooming in keeps the shade). The background under the
        // halo is uniform, so each cell is one solid colour: blend once, fill its rows.
        let per_peer = world.params().clients.total as f32 / sn.peers.max(1) as f32;
        let reference = (per_peer * peers_seen as f32 / occupied.max(1) as f32).max(1.0);
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
    /// supernodes in the picture (links to supernodes that are down disappear, so the web thins
    /// as it fails). `all`: zoomed in to the clients, every link of every supernode in the
    /// picture.
    fn draw_links(&mut self, world: &World, pal: &Palette, all: bool) {
        let sn = world.supernodes();
        let k = sn.neighbours_per;
        if k == 0 {
            return;
        }
        let col = rgb(pal.link);
        let visible = std::mem::take(&mut self.visible);
        let peers_seen = visible.iter().filter(|&&i| (i as usize) < sn.peers).count();
        let every = if all { 1 } else { (peers_seen / 2500).max(1) };
        let per = if all { k } else { 1 };
        for (n, &i) in visible.iter().enumerate() {
            let i = i as usize;
            if (i < sn.peers && n % every != 0) || !sn.is_up(i) {
                continue;
            }
            for &nb in &sn.neighbours_of(i)[..per] {
                let nb = nb as usize;
                // Each link once when all are drawn.
                if sn.is_up(nb) && (!all || nb > i) {
                    let (x0, y0) = self.pos[i];
                    let (x1, y1) = self.pos[nb];
                    self.line(x0, y0, x1, y1, col, if all { 0.3 } else { 0.28 });
                }
            }
        }
        self.visible = visible;
    }

    pub(crate) fn line(&mut self, x0: f32, y0: f32, x1: f32, y1: f32, c: [u8; 3], a: f32) {
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

    /// Every supernode the same small square (2 CSS pixels a side) in its state's colour, so that
    /// the share of the picture in each colour is the share of supernodes in that state: a bigger
    /// mark for some states would make them read as more common than they are (the overview must
    /// agree with the model; a test samples it). Load is what makes a supernode orange; how far
    /// over its capacity it is, the read-outs and the chart say.
    /// Zoomed in to the clients, the squares grow with the room between supernodes (up to 8 CSS
    /// pixels) and a promoted supernode has a hollow centre.
    fn draw_supernodes(&mut self, world: &World, pal: &Palette, close: bool) {
        let sn = world.supernodes();
        let side = if close { detail::square_css(self.spacing_css(world)) } else { 2.0 };
        let d = self.dpr * side / 2.0;
        let bg = rgb(pal.background);
        let visible = std::mem::take(&mut self.visible);
        for &i in &visible {
            let i = i as usize;
            let Some(state) = DrawnState::of(sn, i) else { continue };
            let (x, y) = self.pos[i];
            self.square(x, y, d, rgb(state.colour(pal)));
            if close && sn.kind[i] == crate::model::SnKind::Promoted {
                self.square(x, y, d * 0.4, bg);
            }
        }
        self.visible = visible;
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

    /// Its key in the page's data (`up`, `overloaded`, `shutdown`, `crashed`, `mega`).
    pub fn key(self) -> &'static str {
        match self {
            DrawnState::Up => "up",
            DrawnState::Overloaded => "overloaded",
            DrawnState::ShutDown => "shutdown",
            DrawnState::Crashed => "crashed",
            DrawnState::Mega => "mega",
        }
    }

    /// Its name where the by-state view labels its group.
    pub fn label(self) -> &'static str {
        match self {
            DrawnState::Up => "serving",
            DrawnState::Overloaded => "overloaded",
            DrawnState::ShutDown => "failsafe: out of the role",
            DrawnState::Crashed => "crashed",
            DrawnState::Mega => "mega-supernodes",
        }
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
