//! The overview's impression agrees with the model: at three moments of the 2010 run at real
//! scale (48,000 supernodes), the share of the supernodes' pixels in each state's colour is within
//! 10 points of that state's share of supernodes, in a wide frame and at phone width.

use std::collections::BTreeMap;
use supernode_sim::render::{DrawOptions, DrawnState, Frame, Palette};
use supernode_sim::{run, scenarios};

/// Shares of the supernodes in each drawn state, and of the pixels in each state's colour.
fn shares(w: &supernode_sim::World, f: &Frame, pal: &Palette) -> (BTreeMap<DrawnState, f64>, BTreeMap<DrawnState, f64>) {
    let states = [DrawnState::Up, DrawnState::Overloaded, DrawnState::ShutDown, DrawnState::Crashed, DrawnState::Mega];
    let sn = w.supernodes();
    let mut count: BTreeMap<DrawnState, f64> = states.iter().map(|&s| (s, 0.0)).collect();
    for i in 0..sn.len() {
        if let Some(s) = DrawnState::of(sn, i) {
            *count.get_mut(&s).unwrap() += 1.0;
        }
    }
    let mut px: BTreeMap<DrawnState, f64> = states.iter().map(|&s| (s, 0.0)).collect();
    for p in f.pixels().chunks_exact(4) {
        let c = (p[0] as u32) << 16 | (p[1] as u32) << 8 | p[2] as u32;
        if let Some(&s) = states.iter().find(|s| s.colour(pal) == c) {
            *px.get_mut(&s).unwrap() += 1.0;
        }
    }
    let norm = |m: BTreeMap<DrawnState, f64>| {
        let total: f64 = m.values().sum();
        m.into_iter().map(|(k, v)| (k, v / total)).collect::<BTreeMap<_, _>>()
    };
    (norm(count), norm(px))
}

#[test]
fn each_state_covers_the_share_of_the_picture_it_has_of_the_supernodes() {
    let s = scenarios::find("skype-2010").unwrap();
    let mut w = run::world(&s, s.params.clone(), 1).unwrap();
    let pal = Palette::LIGHT;
    // Mid-cascade, the trough (T+2:40), the recovery with mega-supernodes (T+22:30).
    for t_s in [3600.0 + 13.0 * 60.0, 3600.0 + 160.0 * 60.0, 3600.0 + 22.5 * 3600.0] {
        w.run_until(t_s);
        for (width, height, dpr) in [(1280, 720, 1.0), (750, 720, 2.0)] {
            let mut f = Frame::new(width, height, dpr);
            f.draw(&w, &pal, DrawOptions::default());
            let (model, picture) = shares(&w, &f, &pal);
            for (state, m) in &model {
                let p = picture[state];
                assert!(
                    (p - m).abs() <= 0.10,
                    "T+{:.2} h, {width}×{height}@{dpr}: {state:?} is {:.1}% of supernodes but {:.1}% of their pixels\nmodel {model:?}\npicture {picture:?}",
                    (t_s - 3600.0) / 3600.0,
                    100.0 * m,
                    100.0 * p
                );
            }
        }
    }
}

/// The colours the CLI draws posters with are the element's own (www/element-css.js), in both
/// themes: the stylesheet is where they are chosen (and checked for colour-vision deficiencies).
#[test]
fn the_posters_palettes_are_the_stylesheets() {
    let css = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/www/element-css.js")).unwrap();
    let dark_start = css.find("const DARK = `").unwrap();
    let light_start = css.find("export const CSS = `").unwrap();
    let (dark, light) = (&css[dark_start..light_start], &css[light_start..]);
    let var = |block: &str, name: &str| -> u32 {
        let at = block.find(&format!("{name}: #")).unwrap_or_else(|| panic!("{name}")) + name.len() + 3;
        u32::from_str_radix(&block[at..at + 6], 16).unwrap()
    };
    for (block, pal) in [(dark, Palette::DARK), (light, Palette::LIGHT)] {
        let want = Palette {
            background: var(block, "--bg"),
            up: var(block, "--sn-up"),
            overloaded: var(block, "--sn-overloaded"),
            shut_down: var(block, "--sn-shut-down"),
            crashed: var(block, "--sn-crashed"),
            mega: var(block, "--sn-mega"),
            halo: var(block, "--sn-halo"),
            link: var(block, "--sn-link"),
            attempt_ok: var(block, "--attempt-ok"),
            attempt_failed: var(block, "--attempt-failed"),
        };
        assert_eq!(pal, want);
    }
}
