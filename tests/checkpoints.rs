//! A restored checkpoint continues bit for bit as the uninterrupted run: over scenarios, seeds
//! and times, after live actions, and at real scale.

mod common;

use common::{session, state};
use supernode_sim::actions::Intervention;
use supernode_sim::history::History;
use supernode_sim::scenarios;

/// Runs a session to `end_s` keeping its history, then for each time in `at`: restores the mark
/// at or before it, checks the restored session equals a straight run at the mark, and runs it
/// on to `end_s`, where it must equal the uninterrupted run.
fn check(name: &str, scale: f64, seed: u64, log: &str, at: &[f64], end_s: f64) {
    let mut s = session(name, scale, seed, log);
    let mut h = History::new(&s, usize::MAX);
    h.run_until(&mut s, end_s);
    let end = state(s.world());
    for &t in at {
        let mut r = h.restore(&s, t).unwrap_or_else(|| panic!("{name} seed {seed}: no mark before {t}"));
        let mark_s = r.world().time_s();
        assert!(mark_s <= t && t - mark_s < h.spacing_s() + 1.0, "{name}: mark at {mark_s} for {t}");
        let mut straight = session(name, scale, seed, log);
        straight.run_until(mark_s);
        assert_eq!(state(r.world()), state(straight.world()), "{name} seed {seed}: state at the mark {mark_s}");
        assert_eq!(r.log().len(), straight.log().len(), "{name}: log at {mark_s}");
        h.run_until(&mut r, end_s);
        assert_eq!(state(r.world()), end, "{name} seed {seed}: restored at {mark_s}, run on to {end_s}");
    }
}

#[test]
fn every_scenario_restores_bit_for_bit() {
    for name in scenarios::names() {
        let sc = scenarios::find(name).unwrap();
        let trig = sc.params.trigger.start_s;
        let end = trig + 3.0 * 3600.0;
        check(name, 0.02, 1, "[]", &[0.0, trig - 600.0, trig + 200.0, trig + 2.5 * 3600.0], end);
    }
}

#[test]
fn seeds_and_times_restore_bit_for_bit() {
    for seed in [2, 3, 4] {
        check("skype-2010", 0.02, seed, "[]", &[1234.0, 7300.0, 9000.0, 20_000.0, 30_000.0], 36_000.0);
    }
}

#[test]
fn live_actions_restore_bit_for_bit() {
    // A parameter change, interventions and clicks on supernodes, before and after the marks.
    let log = r#"[{"t":1000,"a":"toggle","k":"3"},{"t":7500,"a":"set","k":"failsafe.threshold","v":"3"},
        {"t":8000,"a":"toggle","k":"5"},{"t":9100,"a":"do","k":"megas"},{"t":9101,"a":"toggle","k":"3"},
        {"t":12000,"a":"do","k":"fix"}]"#;
    check("skype-2010", 0.02, 5, log, &[900.0, 7600.0, 9100.0, 9400.0, 13_000.0], 16_000.0);
}

#[test]
fn returns_made_stale_by_hand_restore_bit_for_bit() {
    // A saved world does not hold the scheduled returns; they are rebuilt from the supernodes'
    // columns. Supernode 7 crashed by a click, restored by hand before its return (its entry in
    // the run's own schedule goes stale) and crashed again (a new return): restored between and
    // after, the run brings it back at the same tick as the uninterrupted one.
    let log = r#"[{"t":10,"a":"set","k":"supernodes.restart_mean_s","v":"120"},{"t":3000,"a":"toggle","k":"7"},
        {"t":3010,"a":"toggle","k":"7"},{"t":3020,"a":"toggle","k":"7"}]"#;
    check("skype-2010", 0.02, 6, log, &[3005.0, 3015.0, 3030.0, 3400.0], 4000.0);
}

#[test]
fn a_branch_from_a_mark_equals_the_same_actions_from_the_start() {
    // Go back to 2:30, deploy mega-supernodes there; the result is the run whose log has that
    // action from the start.
    let mut s = session("skype-2010", 0.02, 6, "[]");
    let mut h = History::new(&s, usize::MAX);
    h.run_until(&mut s, 20_000.0);
    let mut b = h.restore(&s, 9000.0).unwrap();
    assert_eq!(b.world().time_s(), 9000.0);
    b.intervene(Intervention::Megas).unwrap();
    h.branch(&b);
    h.run_until(&mut b, 20_000.0);
    let log = supernode_sim::actions::log_json(b.log());
    let mut planned = session("skype-2010", 0.02, 6, &log);
    planned.run_until(20_000.0);
    assert_eq!(state(b.world()), state(planned.world()));
    assert_ne!(b.world().series().hash_hex(), s.world().series().hash_hex());
}

#[test]
fn real_scale_restores_bit_for_bit_within_the_budget() {
    // Seed 1 at real scale through the collapse: marks every five minutes fit the default
    // budget (about a megabyte each), and a mark restores the same run.
    check("skype-2010", 1.0, 1, "[]", &[7200.0, 8000.0], 9600.0);
    let mut s = session("skype-2010", 1.0, 1, "[]");
    let mut h = History::new(&s, supernode_sim::history::DEFAULT_BUDGET_BYTES);
    h.run_until(&mut s, 9600.0);
    let per_mark = h.marks().iter().map(|m| m.bytes()).max().unwrap();
    assert!(per_mark < 2 << 20, "a mark at real scale takes {per_mark} bytes");
    assert!(h.bytes() <= supernode_sim::history::DEFAULT_BUDGET_BYTES + (8 << 20));
}
