//! Conservation laws checked every tick over many random valid parameter sets.

use proptest::prelude::*;
use supernode_sim::model::params::{RetryPolicy, TriggerKind};
use supernode_sim::model::World;
use supernode_sim::scenarios;

fn policy() -> impl Strategy<Value = RetryPolicy> {
    prop::sample::select(RetryPolicy::ALL.to_vec())
}

fn trigger() -> impl Strategy<Value = TriggerKind> {
    prop::sample::select(TriggerKind::ALL.to_vec())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 40, .. ProptestConfig::default() })]

    #[test]
    fn clients_are_conserved_and_limits_hold(
        seed in any::<u64>(),
        clients in 1u64..200_000,
        sns in 1u32..400,
        max_clients in 1u32..3000,
        cap in 1.0f64..5000.0,
        spread in 0.0f64..2.0,
        buggy in 0.0f64..=1.0,
        policy in policy(),
        base in 0.0f64..30.0,
        extra_cap in 0.0f64..600.0,
        kind in trigger(),
        hazard in 0.0f64..50.0,
        megas in 0u32..40,
        mega_slots in 1u32..20_000,
        login_cost in 0.0f64..20_000.0,
        refusal in 0.0f64..5000.0,
        session in 0.0f64..20_000.0,
        operator in any::<bool>(),
        admission in 0.0f64..5000.0,
        login_cap in 1.0f64..100_000.0,
        rollout in 0.0f64..3.0,
        (patience, back) in (prop::sample::select(vec![0.0f64, 60.0, 1800.0]), 60.0f64..7200.0),
        (qmax, qtimeout) in (1u32..200, 1.0f64..120.0),
        (cache, entry_timeout) in (1u32..200, 0.1f64..30.0),
        (bootstrap, eligible, promote) in (1.0f64..5000.0, 0.0f64..0.2, 0.0f64..5.0),
        (window, threshold, cap_fraction) in (1.0f64..900.0, 0.05f64..100.0, 0.0f64..1.0),
    ) {
        let s = scenarios::find("skype-2010").unwrap();
        let mut p = s.params.clone();
        p.clients.total = clients;
        p.clients.buggy_fraction = buggy;
        p.clients.session_mean_s = session;
        p.supernodes.count = sns;
        p.supernodes.max_clients = max_clients;
        p.supernodes.capacity_per_s = cap;
        p.supernodes.capacity_spread = spread;
        p.supernodes.operator_hosted = operator;
        p.retry.policy = policy;
        p.retry.base_s = base;
        p.retry.cap_s = base + extra_cap;
        p.trigger.kind = kind;
        p.trigger.start_s = 600.0;
        p.trigger.end_s = 4000.0;
        p.trigger.hazard_per_h = hazard;
        p.mega.count = megas;
        p.mega.max_clients = mega_slots;
        p.mega.deploy_s = 1800.0;
        p.mega.ramp_s = 1200.0;
        p.mega.release_s = 5000.0;
        p.load.login_cost = login_cost;
        p.load.refusal_cost = refusal;
        p.admission.logins_per_s = admission;
        p.admission.start_s = 3000.0;
        p.login.capacity_per_s = login_cap;
        p.fix.start_s = 2000.0;
        p.fix.rollout_per_h = rollout;
        p.failsafe.cooldown_s = 900.0;
        p.failsafe.window_s = window;
        p.failsafe.threshold = threshold;
        p.supernodes.restart_mean_s = 900.0;
        p.clients.patience_s = patience;
        p.clients.return_mean_s = back;
        p.supernodes.queue_max = qmax;
        p.supernodes.queue_timeout_s = qtimeout;
        p.host_cache.size = cache;
        p.host_cache.entry_timeout_s = entry_timeout;
        p.bootstrap.capacity_per_s = bootstrap;
        p.promotion.eligible_fraction = eligible;
        p.promotion.per_h = promote;
        p.trigger.capacity_fraction = cap_fraction;
        // Some random sets are rejected (too few supernode slots for the clients): skip those.
        prop_assume!(p.validate().is_ok());
        let mut w = World::new(p, seed).unwrap();
        w.check_invariants().map_err(|e| TestCaseError::fail(format!("at start: {e}")))?;
        for _ in 0..6000 {
            w.step();
            if let Err(e) = w.check_invariants() {
                return Err(TestCaseError::fail(format!("at t={}: {e}", w.time_s())));
            }
        }
        let s = w.series();
        for col in &s.columns {
            for v in col {
                prop_assert!(v.is_finite() && *v >= 0.0, "a series value is {}", v);
            }
        }
    }
}
