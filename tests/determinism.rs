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
