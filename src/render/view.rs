//! How the picture looks at the overlay: how far zoomed in, on which point, and whether the
//! supernodes stand on the map or in groups by state. The page asks for changes (zoom about the
//! pointer, pan, reset, the by-state toggle); the limits and the maths live here, tested.

/// The closest zoom: about 40 supernodes across a 700-pixel picture at real scale.
pub const MAX_ZOOM: f32 = 64.0;
/// Seconds the supernodes take to glide between the map and the groups.
pub const GLIDE_S: f32 = 0.9;

/// Where the picture looks and how.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct View {
    /// Magnification: 1 shows the whole overlay, `MAX_ZOOM` a neighbourhood.
    pub zoom: f32,
    /// The point of the unit square at the middle of the picture, x.
    pub centre_x: f32,
    /// The point of the unit square at the middle of the picture, y.
    pub centre_y: f32,
    /// Whether the supernodes are grouped by state instead of standing on the map.
    pub by_state: bool,
}

impl Default for View {
    fn default() -> Self {
        View { zoom: 1.0, centre_x: 0.5, centre_y: 0.5, by_state: false }
    }
}

impl View {
    /// Keeps the zoom within `[1, MAX_ZOOM]` and the centre where the picture stays inside the
    /// overlay's square (at zoom 1, the middle).
    pub fn clamped(mut self) -> View {
        self.zoom = if self.zoom.is_finite() { self.zoom.clamp(1.0, MAX_ZOOM) } else { 1.0 };
        let half = 0.5 / self.zoom;
        let c = |v: f32| if v.is_finite() { v.clamp(half, 1.0 - half) } else { 0.5 };
        self.centre_x = c(self.centre_x);
        self.centre_y = c(self.centre_y);
        self
    }

    /// Where a point of the unit square lands in a square of side `side` pixels whose top-left
    /// corner is at `(ox, oy)`.
    #[inline]
    pub fn place(&self, x: f32, y: f32, side: f32, ox: f32, oy: f32) -> (f32, f32) {
        (ox + ((x - self.centre_x) * self.zoom + 0.5) * side, oy + ((y - self.centre_y) * self.zoom + 0.5) * side)
    }

    /// The point of the unit square under a pixel (the inverse of [`View::place`]).
    pub fn unplace(&self, px: f32, py: f32, side: f32, ox: f32, oy: f32) -> (f32, f32) {
        (((px - ox) / side - 0.5) / self.zoom + self.centre_x, ((py - oy) / side - 0.5) / self.zoom + self.centre_y)
    }

    /// Zooms by `factor` about the pixel `(px, py)`, which stays over the same point of the
    /// overlay (unless a limit stops it). In the by-state view the zoom stays at 1.
    pub fn zoom_about(self, factor: f32, px: f32, py: f32, side: f32, ox: f32, oy: f32) -> View {
        if self.by_state || !factor.is_finite() || factor <= 0.0 {
            return self;
        }
        let (ux, uy) = self.unplace(px, py, side, ox, oy);
        let zoom = (self.zoom * factor).clamp(1.0, MAX_ZOOM);
        // The point under the pointer keeps its pixel: ((u − c)·z + ½)·side = px − ox.
        let keep = |u: f32, p: f32, o: f32| u - ((p - o) / side - 0.5) / zoom;
        View { zoom, centre_x: keep(ux, px, ox), centre_y: keep(uy, py, oy), ..self }.clamped()
    }

    /// Moves the picture by `(dx, dy)` pixels (the overlay follows the pointer).
    pub fn pan(self, dx: f32, dy: f32, side: f32) -> View {
        if self.by_state || !(dx.is_finite() && dy.is_finite()) {
            return self;
        }
        let k = side * self.zoom;
        View { centre_x: self.centre_x - dx / k, centre_y: self.centre_y - dy / k, ..self }.clamped()
    }

    /// Centres the picture on a point of the overlay at zoom at least `zoom`.
    pub fn centre_on(self, x: f32, y: f32, zoom: f32) -> View {
        if self.by_state {
            return self;
        }
        View { zoom: self.zoom.max(zoom), centre_x: x, centre_y: y, ..self }.clamped()
    }
}

/// Smooth start and end for a glide's progress `t` in `[0, 1]`.
#[inline]
pub fn ease(t: f32) -> f32 {
    let t = t.clamp(0.0, 1.0);
    t * t * (3.0 - 2.0 * t)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zooming_keeps_the_point_under_the_pointer() {
        let v = View::default();
        let (side, ox, oy) = (600.0, 100.0, 20.0);
        let (px, py) = (250.0, 400.0);
        let before = v.unplace(px, py, side, ox, oy);
        let z = v.zoom_about(4.0, px, py, side, ox, oy);
        assert_eq!(z.zoom, 4.0);
        let after = z.unplace(px, py, side, ox, oy);
        assert!((before.0 - after.0).abs() < 1e-5 && (before.1 - after.1).abs() < 1e-5, "{before:?} → {after:?}");
        // place and unplace are inverses.
        let (x, y) = z.place(after.0, after.1, side, ox, oy);
        assert!((x - px).abs() < 1e-2 && (y - py).abs() < 1e-2);
    }

    #[test]
    fn limits_hold() {
        let v = View::default().zoom_about(1e6, 0.0, 0.0, 500.0, 0.0, 0.0);
        assert_eq!(v.zoom, MAX_ZOOM);
        assert!(v.centre_x >= 0.5 / MAX_ZOOM && v.centre_y >= 0.5 / MAX_ZOOM);
        let out = v.zoom_about(1e-6, 250.0, 250.0, 500.0, 0.0, 0.0);
        assert_eq!(out, View::default());
        // Panning past the edge stops at it.
        let p = View { zoom: 2.0, ..View::default() }.pan(1e5, -1e5, 500.0);
        assert_eq!((p.centre_x, p.centre_y), (0.25, 0.75));
        // Nonsense leaves the view alone or resets what it cannot read.
        assert_eq!(View::default().zoom_about(f32::NAN, 0.0, 0.0, 1.0, 0.0, 0.0), View::default());
        assert_eq!(View { zoom: f32::NAN, centre_x: f32::INFINITY, ..View::default() }.clamped(), View::default());
    }

    #[test]
    fn the_by_state_view_does_not_zoom() {
        let v = View { by_state: true, ..View::default() };
        assert_eq!(v.zoom_about(3.0, 10.0, 10.0, 100.0, 0.0, 0.0), v);
        assert_eq!(v.pan(5.0, 5.0, 100.0), v);
    }
}
