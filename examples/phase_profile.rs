//! Runs the 2010 cascade phase (T+1:00 to T+1:45) repeatedly, for profilers.
use supernode_sim::{run, scenarios};

fn main() {
    let s = scenarios::find("skype-2010").unwrap();
    let mut w = run::world(&s, s.params.clone(), 1).unwrap();
    w.run_until(2.0 * 3600.0);
    for _ in 0..5 {
        let mut c = w.clone();
        for _ in 0..2700 {
            c.step();
        }
    }
}
