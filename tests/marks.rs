//! Marks shipped with the page read back as the run itself, bit for bit: a history that adopts
//! one restores and runs on exactly as the run computed from the start, and a mark of another
//! run, of a run changed before it, or corrupt is refused.

mod common;

use common::{session, state};
use supernode_sim::actions::Session;
use supernode_sim::history::History;
use supernode_sim::marks::{self, MarkError};
use supernode_sim::scenarios;

/// A mark of the run at `t_s`, written as `supernode-sim marks` writes it.
fn mark_at(name: &str, scale: f64, seed: u64, t_s: f64) -> Vec<u8> {
    let mut s = session(name, scale, seed, "[]");
    let reference = s.world().checkpoint_image();
    s.run_until(t_s);
    marks::write(&s, &reference)
}

#[test]
fn a_link_far_into_a_run_adopts_its_mark_and_goes_on_bit_for_bit() {
    for name in ["skype-2010", "skype-2015", "baseline"] {
        let sc = scenarios::find(name).unwrap();
        let t = sc.params.trigger.start_s + 2.0 * 3600.0;
        let bytes = mark_at(name, 0.02, 1, t);
        // The page: a run at time 0 with its history, then the mark.
        let s = session(name, 0.02, 1, "[]");
        let mut h = History::new(&s, usize::MAX);
        let m = marks::read(&s, h.reference(), &bytes).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert!(h.adopt(&m), "{name}: adopted");
        assert!(!h.adopt(&m), "{name}: a mark at the same time is not taken twice");
        assert_eq!(h.furthest_s(), t);
        // A seek to a time past the mark restores it and runs on.
        let mut r = h.restore(&s, t + 1000.0).unwrap();
        assert_eq!(r.world().time_s(), t);
        let mut straight = session(name, 0.02, 1, "[]");
        straight.run_until(t);
        assert_eq!(state(r.world()), state(straight.world()), "{name}: the world at the mark");
        assert_eq!(h.events(), straight.world().events(), "{name}: the narration up to the mark");
        h.run_until(&mut r, t + 3600.0);
        straight.run_until(t + 3600.0);
        assert_eq!(state(r.world()), state(straight.world()), "{name}: an hour on");
        assert_eq!(r.world().series().hash_hex(), straight.world().series().hash_hex());
        // Back before the mark: from the mark at time 0, as without it.
        let back = h.restore(&r, 1800.0).unwrap();
        assert_eq!(back.world().time_s(), 0.0);
    }
}

#[test]
fn a_mark_within_the_time_computed_becomes_a_mark_between_the_others() {
    // Marks fall every 10 simulated minutes; one read at T+2 h 5 min lands between two.
    let t = 3600.0 + 2.0 * 3600.0 + 300.0;
    let bytes = mark_at("skype-2010", 0.02, 3, t);
    let mut s = session("skype-2010", 0.02, 3, "[]");
    let mut h = History::new(&s, usize::MAX);
    h.run_until(&mut s, t + 3000.0);
    let m = marks::read(&s, h.reference(), &bytes).unwrap();
    assert!(h.adopt(&m));
    let r = h.restore(&s, t + 100.0).unwrap();
    assert_eq!(r.world().time_s(), t, "the seek starts from the adopted mark");
    let mut straight = session("skype-2010", 0.02, 3, "[]");
    straight.run_until(t);
    assert_eq!(state(r.world()), state(straight.world()));
}

#[test]
fn actions_after_the_mark_still_apply_and_actions_before_it_refuse_it() {
    let t = 3600.0 + 3.0 * 3600.0;
    let bytes = mark_at("skype-2010", 0.02, 1, t);
    let after = format!(r#"[{{"t": {}, "a": "do", "k": "megas"}}]"#, t as u64 + 600);
    let s = session("skype-2010", 0.02, 1, &after);
    let mut h = History::new(&s, usize::MAX);
    let m = marks::read(&s, h.reference(), &bytes).unwrap();
    assert!(h.adopt(&m));
    let mut r = h.restore(&s, t + 1.0).unwrap();
    h.run_until(&mut r, t + 3600.0);
    let mut straight = session("skype-2010", 0.02, 1, &after);
    straight.run_until(t + 3600.0);
    assert_eq!(r.log().len(), 1, "the action applied after the mark");
    assert_eq!(state(r.world()), state(straight.world()));
    let before = format!(r#"[{{"t": {}, "a": "do", "k": "megas"}}]"#, t as u64 - 600);
    let s = session("skype-2010", 0.02, 1, &before);
    let h = History::new(&s, usize::MAX);
    assert_eq!(marks::read(&s, h.reference(), &bytes).err(), Some(MarkError::NotPlain));
}

#[test]
fn marks_of_other_runs_and_damaged_marks_are_refused_without_panicking() {
    let bytes = mark_at("skype-2010", 0.02, 1, 7200.0);
    let other_seed = session("skype-2010", 0.02, 2, "[]");
    let h = History::new(&other_seed, usize::MAX);
    assert_eq!(marks::read(&other_seed, h.reference(), &bytes).err(), Some(MarkError::OtherRun));
    let mut p = scenarios::scaled(&scenarios::find("skype-2010").unwrap().params, 0.02);
    p.failsafe.threshold += 1.0;
    let other_params = Session::new(scenarios::find("skype-2010").unwrap(), p, 1).unwrap();
    assert_eq!(marks::read(&other_params, h.reference(), &bytes).err(), Some(MarkError::OtherRun));
    let s = session("skype-2010", 0.02, 1, "[]");
    let h = History::new(&s, usize::MAX);
    assert_eq!(marks::read(&s, h.reference(), b"<!doctype html>").err(), Some(MarkError::NotAMark));
    assert_eq!(marks::read(&s, h.reference(), &bytes[..20]).err(), Some(MarkError::NotAMark));
    let mut flipped = bytes.clone();
    let k = flipped.len() / 2;
    flipped[k] ^= 0x40;
    assert_eq!(marks::read(&s, h.reference(), &flipped).err(), Some(MarkError::Corrupt));
    assert_eq!(marks::read(&s, h.reference(), &bytes[..bytes.len() - 1]).err(), Some(MarkError::Corrupt));
    assert!(marks::read(&s, h.reference(), &bytes).is_ok());
}

#[test]
fn a_full_image_reads_back_with_the_whole_narration() {
    // At 40 h the 2010 run has narrated the trigger, the losses, the load, the failsafes, the
    // mega-supernodes and the recovery.
    let bytes = mark_at("skype-2010", 0.02, 1, 40.0 * 3600.0);
    let s = session("skype-2010", 0.02, 1, "[]");
    let h = History::new(&s, usize::MAX);
    let m = marks::read(&s, h.reference(), &bytes).unwrap();
    let mut straight = session("skype-2010", 0.02, 1, "[]");
    straight.run_until(40.0 * 3600.0);
    assert_eq!(m.world().events(), straight.world().events());
    assert!(m.world().events().len() > 10);
    assert_eq!(state(m.world()), state(straight.world()));
}

#[test]
fn the_stretch_before_an_adopted_mark_is_filled_with_marks_when_idle_then_the_run_ahead() {
    let t = 3600.0 + 5.0 * 3600.0;
    let bytes = mark_at("skype-2010", 0.02, 1, t);
    let s = session("skype-2010", 0.02, 1, "[]");
    let mut h = History::new(&s, usize::MAX);
    let m = marks::read(&s, h.reference(), &bytes).unwrap();
    assert!(h.adopt(&m));
    assert_eq!(h.marks().len(), 2, "the start and the adopted mark");
    // Idle: the hole first, a slice at a time, marks every spacing within it.
    let mut ran = 0u64;
    while h.furthest_s() == t {
        let n = h.compute_ahead(&s, 2000, 48.0 * 3600.0);
        assert!(n > 0);
        ran += n as u64;
    }
    assert!(ran >= t as u64, "the hole took {ran} ticks");
    let inside: Vec<f64> = h.marks().iter().map(|m| m.time_s()).filter(|&x| x > 0.0 && x < t).collect();
    assert_eq!(inside.len(), (t / h.spacing_s()) as usize - 1, "a mark every spacing in the hole: {inside:?}");
    // Every one of them restores, those from before the trigger (an earlier revision of the
    // series) too, as the straight run at its time.
    // (`s` itself is at 0.)
    for m in h.marks().iter().filter(|m| m.time_s() > 0.0) {
        let r = h.restore(&s, m.time_s()).unwrap_or_else(|| panic!("the mark at {} restores", m.time_s()));
        assert_eq!(r.world().time_s(), m.time_s());
    }
    let r = h.restore(&s, 1800.0).unwrap();
    let mut early = session("skype-2010", 0.02, 1, "[]");
    early.run_until(1800.0);
    assert_eq!(state(r.world()), state(early.world()), "a mark before the trigger");
    // A seek into it starts from the mark just before, the same world as the straight run's.
    let r = h.restore(&s, 3.0 * 3600.0 + 100.0).unwrap();
    assert_eq!(r.world().time_s(), 3.0 * 3600.0);
    let mut straight = session("skype-2010", 0.02, 1, "[]");
    straight.run_until(3.0 * 3600.0);
    assert_eq!(state(r.world()), state(straight.world()));
    // Then ahead, as before: beyond the adopted mark, the run as computed straight.
    while h.furthest_s() < t + 3600.0 {
        h.compute_ahead(&s, 2000, t + 3600.0);
    }
    let mut r = h.restore(&s, t + 3600.0).unwrap();
    h.run_until(&mut r, t + 3600.0);
    straight.run_until(t + 3600.0);
    assert_eq!(state(r.world()), state(straight.world()));
    assert_eq!(h.events(), straight.world().events());
}
