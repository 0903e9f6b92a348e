//! The same scenario, parameters and seed give the same run, bit for bit; other seeds do not.

use supernode_sim::run;
use supernode_sim::scenarios;

fn hash(name: &str, seed: u64, set: &[(&str, &str)]) -> String {
    let s = scenarios::find(name).unwrap();
    let mut p = scenarios::scaled(&s.params, 0.05);
    for (k, v) in set {
        p = p.with_text(k, v).unwrap();
    }
    run::run(&s, p, seed, 6.0).unwrap().world.series().hash_hex()
}

#[test]
fn same_inputs_same_hash() {
    for name in ["skype-2010", "baseline"] {
        assert_eq!(hash(name, 7, &[]), hash(name, 7, &[]), "{name}");
    }
}

#[test]
fn different_seeds_different_runs() {
    assert_ne!(hash("skype-2010", 1, &[]), hash("skype-2010", 2, &[]));
    assert_ne!(hash("baseline", 1, &[]), hash("baseline", 2, &[]));
}

#[test]
fn a_parameter_changes_the_run() {
    assert_ne!(hash("skype-2010", 1, &[]), hash("skype-2010", 1, &[("retry.policy", "immediate")]));
}

#[test]
fn the_json_object_carries_the_hash_of_its_series() {
    let s = scenarios::find("skype-2010").unwrap();
    let r = run::run(&s, scenarios::scaled(&s.params, 0.05), 3, 2.0).unwrap();
    let j = r.to_json();
    assert_eq!(j["hash"].as_str().unwrap(), r.world.series().hash_hex());
    let n = j["series"]["t_s"].as_array().unwrap().len();
    assert_eq!(n, 120);
    for col in supernode_sim::model::COLUMNS {
        assert_eq!(j["series"][*col].as_array().unwrap().len(), n, "{col}");
    }
}

#[test]
fn mega_supernodes_change_nothing_before_they_deploy() {
    // This is what lets the page deploy mega-supernodes "now": the run up to now is the same as
    // a run that had them scheduled for now from the start.
    let s = scenarios::find("skype-2010").unwrap();
    let base = scenarios::scaled(&s.params, 0.05);
    let none = base.with_text("mega.count", "0").unwrap();
    let later = base.with_text("mega.count", "300").unwrap().with_text("mega.deploy_s", "14400").unwrap();
    let a = run::run(&s, none, 9, 4.0).unwrap();
    let b = run::run(&s, later, 9, 4.0).unwrap();
    assert_eq!(a.world.series().hash_hex(), b.world.series().hash_hex());
}

#[test]
fn changing_the_future_live_equals_having_planned_it() {
    // Deploying mega-supernodes and pushing the fix at t = 3 h in a running world gives the same
    // run as parameters that scheduled both for 3 h from the start.
    let s = scenarios::find("skype-2010").unwrap();
    let base = scenarios::scaled(&s.params, 0.05).with_text("mega.count", "0").unwrap().with_text("fix.rollout_per_h", "0").unwrap();
    let planned = base
        .with_text("mega.count", "120")
        .unwrap()
        .with_text("mega.deploy_s", "10800")
        .unwrap()
        .with_text("fix.rollout_per_h", "0.3")
        .unwrap()
        .with_text("fix.start_s", "10800")
        .unwrap();
    let mut live = run::world(&s, base, 4).unwrap();
    live.run_until(10_799.0);
    live.set_params(planned.clone()).unwrap();
    live.run_until(8.0 * 3600.0);
    let replay = run::run(&s, planned, 4, 8.0).unwrap();
    assert_eq!(live.series().hash_hex(), replay.world.series().hash_hex());
}
