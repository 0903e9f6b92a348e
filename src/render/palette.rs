//! The picture's colours: the element's light and dark themes (the same as its stylesheet; a
//! test compares them), or ten colours the page passes.

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
