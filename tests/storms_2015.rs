//! The September 2015 storm and the lessons: service availability, recovery after the
//! re-balancing, retry policies compared by total connection attempts, the metastable failure,
//! admission control and bulkheads.

use supernode_sim::model::Params;
use supernode_sim::run::{self, RunResult};
use supernode_sim::scenarios::{self, Scenario};

fn go(s: &Scenario, p: Params, seed: u64, hours: f64) -> RunResult {
    run::run(s, p, seed, hours).expect("valid parameters")
}

fn col<'a>(r: &'a RunResult, name: &str) -> &'a [f64] {
    r.world.series().column(name).unwrap()
}

/// Share of samples in `(from_s, to_s]` for which `pred` holds.
fn share(r: &RunResult, name: &str, from_s: f64, to_s: f64, pred: impl Fn(f64) -> bool) -> f64 {
    let t = col(r, "t_s");
    let v = col(r, name);
    let picked: Vec<f64> = t.iter().zip(v).filter(|(t, _)| **t > from_s && **t <= to_s).map(|(_, v)| *v).collect();
    picked.iter().filter(|v| pred(**v)).count() as f64 / picked.len().max(1) as f64
}

fn mean(r: &RunResult, name: &str, from_s: f64, to_s: f64) -> f64 {
    let t = col(r, "t_s");
    let v = col(r, name);
    let picked: Vec<f64> = t.iter().zip(v).filter(|(t, _)| **t > from_s && **t <= to_s).map(|(_, v)| *v).collect();
    picked.iter().sum::<f64>() / picked.len().max(1) as f64
}

fn value_at(r: &RunResult, name: &str, t_s: f64) -> f64 {
    let t = col(r, "t_s");
    let i = t.iter().position(|x| *x >= t_s).unwrap_or(t.len() - 1);
    col(r, name)[i]
}

fn check_2015(seed: u64, fraction: f64) {
    let s = scenarios::find("skype-2015").unwrap();
    let p = if fraction < 1.0 { scenarios::scaled(&s.params, fraction) } else { s.params.clone() };
    let r = go(&s, p.clone(), seed, 24.0);
    let tag = format!("seed {seed}, scale {fraction}");
    let trig = p.trigger.start_s;
    let web_min = col(&r, "availability_web").iter().copied().fold(1.0, f64::min);
    assert!(web_min >= 0.99, "{tag}: web availability fell to {web_min}");
    let rebalance_after_trigger = p.rebalance.start_s - trig;
    let login_down = share(&r, "availability_login", trig, p.rebalance.start_s, |v| v < 0.5);
    assert!(login_down >= 0.75, "{tag}: sign-in below 50% only {login_down} of the incident");
    for svc in ["availability_messaging", "availability_presence", "availability_contacts"] {
        let m = mean(&r, svc, trig + 1800.0, p.rebalance.start_s);
        assert!(m < 0.5, "{tag}: {svc} averaged {m} during the incident");
    }
    let rec = r.world.summary().time_to_90pct_recovery_s.expect("recovers");
    assert!(
        rec <= rebalance_after_trigger + 3.0 * 3600.0,
        "{tag}: back to 90% {} h after the trigger, re-balancing at {} h",
        rec / 3600.0,
        rebalance_after_trigger / 3600.0
    );
    assert!(rec >= rebalance_after_trigger - 2.0 * 3600.0, "{tag}: recovered at {} h, long before the re-balancing", rec / 3600.0);
}

#[test]
fn skype_2015_web_stays_up_sign_in_fails_until_rebalancing() {
    check_2015(run::DEFAULT_SEED, 1.0);
    check_2015(2, 0.1);
    check_2015(3, 0.1);
}

fn attempts(name: &str, fraction: f64, policy: &str, seed: u64) -> f64 {
    let s = scenarios::find(name).unwrap();
    let p = if fraction < 1.0 { scenarios::scaled(&s.params, fraction) } else { s.params.clone() };
    let p = p.with_text("retry.policy", policy).unwrap();
    go(&s, p, seed, s.default_hours).world.summary().total_connect_attempts
}

#[test]
fn jitter_does_the_least_work_in_the_reconnect_storms() {
    for (name, fraction) in [("skype-2015", 0.1), ("lesson-jitter", 1.0)] {
        for seed in [1, 2] {
            let fj = attempts(name, fraction, "full-jitter", seed);
            let exp = attempts(name, fraction, "exponential", seed);
            let imm = attempts(name, fraction, "immediate", seed);
            assert!(fj < exp && exp < imm, "{name} seed {seed}: full jitter {fj:.3e}, exponential {exp:.3e}, immediate {imm:.3e}");
        }
    }
}

#[test]
fn immediate_retry_does_the_most_work_in_the_2010_cascade() {
    // Immediate retry keeps every reconnecting client asking every second: the survivors' load
    // averages never fall below the failsafe's threshold, and the network does not come back
    // even with the mega-supernodes. Between exponential backoff and full jitter at the same cap
    // the difference is their mean delay (full jitter's is half), not the waves: the failsafe
    // averages over ten minutes. The README's retry table compares them at equal mean delay too.
    let s = scenarios::find("skype-2010").unwrap();
    let p = scenarios::scaled(&s.params, 0.1);
    let run = |policy: &str| go(&s, p.with_text("retry.policy", policy).unwrap(), 1, 48.0).world.summary();
    let imm = run("immediate");
    let exp = run("exponential");
    let fj = run("full-jitter");
    let (a_imm, a_exp, a_fj) = (imm.total_connect_attempts, exp.total_connect_attempts, fj.total_connect_attempts);
    assert!(a_imm > 4.0 * a_exp && a_imm > 4.0 * a_fj, "immediate {a_imm:.3e}, exponential {a_exp:.3e}, full jitter {a_fj:.3e}");
    assert!(imm.time_to_90pct_recovery_s.is_none(), "immediate retry recovered");
    assert!(exp.time_to_90pct_recovery_s.is_some() && fj.time_to_90pct_recovery_s.is_some());
}

#[test]
fn metastable_failure_outlives_its_trigger_until_load_is_cut() {
    let s = scenarios::find("lesson-metastable").unwrap();
    let p = s.params.clone();
    let end = p.trigger.end_s;
    // Immediate retry, no admission control: still overloaded two hours after the trigger ended.
    let none = p.with_text("admission.logins_per_s", "0").unwrap();
    let r = go(&s, none, 1, 8.0);
    assert!(value_at(&r, "availability_login", end + 2.0 * 3600.0) < 0.5);
    let pre = r.world.summary().clients_online_at_trigger;
    assert!(value_at(&r, "clients_online", end + 2.0 * 3600.0) < 0.9 * pre);
    assert!(r.world.summary().time_to_90pct_recovery_s.is_none(), "recovered without any push");
    // Full jitter: recovered soon after the trigger ends.
    let fj = go(&s, p.with_text("admission.logins_per_s", "0").unwrap().with_text("retry.policy", "full-jitter").unwrap(), 1, 8.0);
    let rec = fj.world.summary().time_to_90pct_recovery_s.expect("full jitter recovers");
    assert!(p.trigger.start_s + rec <= end + 2.0 * 3600.0, "full jitter back only at {} h", rec / 3600.0);
    // Admission control (the lesson's own timeline): recovered after load is cut.
    let ac = go(&s, p.clone(), 1, 8.0);
    let rec = ac.world.summary().time_to_90pct_recovery_s.expect("admission control brings it back");
    assert!(p.trigger.start_s + rec > p.admission.start_s, "recovered before admission control");
    let pre = ac.world.summary().clients_online_at_trigger;
    assert!(value_at(&ac, "clients_online", p.admission.start_s + 3.0 * 3600.0) >= 0.9 * pre);
}

#[test]
fn admission_control_brings_a_collapsed_network_back() {
    let s = scenarios::find("lesson-admission-control").unwrap();
    let off = go(&s, s.params.with_text("admission.logins_per_s", "0").unwrap().with_text("retry.policy", "immediate").unwrap(), 1, 8.0);
    let on = go(&s, s.params.with_text("retry.policy", "immediate").unwrap(), 1, 8.0);
    assert!(off.world.summary().time_to_90pct_recovery_s.is_none());
    assert!(on.world.summary().time_to_90pct_recovery_s.is_some());
}

#[test]
fn a_bulkhead_keeps_web_clients_up() {
    let s = scenarios::find("lesson-bulkhead").unwrap();
    let shared = go(&s, s.params.with_text("services.web.shared", "true").unwrap(), 1, 8.0);
    let separate = go(&s, s.params.with_text("services.web.shared", "false").unwrap(), 1, 8.0);
    let min = |r: &RunResult| col(r, "availability_web").iter().copied().fold(1.0, f64::min);
    assert!(min(&shared) < 0.5, "shared web stayed at {}", min(&shared));
    assert!(min(&separate) >= 0.99, "separate web fell to {}", min(&separate));
}

#[test]
fn repurposed_servers_take_offline_im_and_group_video_down_in_2010() {
    let s = scenarios::find("skype-2010").unwrap();
    let p = scenarios::scaled(&s.params, 0.05);
    let r = go(&s, p.clone(), 1, 48.0);
    let at = |name: &str, t: f64| value_at(&r, name, t);
    assert_eq!(at("availability_group_video", p.mega.deploy_s - 600.0), 1.0);
    assert_eq!(at("availability_group_video", p.mega.deploy_s + 3600.0), 0.0);
    assert_eq!(at("availability_offline_im", p.mega.deploy_s + 3600.0), 0.0);
    let during = at("availability_offline_im", p.trigger.start_s + 600.0);
    assert!(during < 0.5, "offline IM is overloaded during the trigger, yet served {during}");
    let back = p.mega.release_s + p.mega.release_ramp_s + 600.0;
    assert_eq!(at("availability_group_video", back), 1.0);
    assert!(at("availability_offline_im", back) > 0.99);
}

#[test]
fn every_scenario_runs_and_keeps_its_invariants() {
    for s in scenarios::all() {
        let mut w = run::world(&s, scenarios::scaled(&s.params, 0.01), 5).unwrap();
        for _ in 0..(3 * 3600) {
            w.step();
        }
        w.check_invariants().unwrap_or_else(|e| panic!("{}: {e}", s.name));
    }
}
