//! Times a tick in each phase of the 2010 run, natively (`cargo run --release --example phase_timing`).
use std::time::Instant;
use supernode_sim::{run, scenarios};

fn main() {
    let s = scenarios::find("skype-2010").unwrap();
    let mut w = run::world(&s, s.params.clone(), 1).unwrap();
    let mut h = 0.0;
    while h < 30.0 {
        w.run_until(h * 3600.0);
        let t0 = Instant::now();
        for _ in 0..240 {
            w.step();
        }
        let ms = t0.elapsed().as_secs_f64() * 1000.0 / 240.0;
        println!("{h:5.1} h: {ms:.3} ms/tick, attempts {:.0}/s", w.stats().connect_attempts);
        h += 0.5;
    }
}
