//! The model's mechanisms one at a time, on a small quiet network (the baseline at 1/100 scale:
//! 230,000 clients, 480 supernodes in 10 regions): stale host caches, the bootstrap fallback,
//! promotion, users giving up and coming back, keep-alives starved by a flood of refusals.

use supernode_sim::model::{Params, SnKind, SnState, World};
use supernode_sim::scenarios;

fn quiet(set: &[(&str, &str)]) -> World {
    let s = scenarios::find("baseline").unwrap();
    let mut p: Params = scenarios::scaled(&s.params, 0.01);
    for (k, v) in set {
        p = p.with_text(k, v).unwrap();
    }
    World::new(p, 7).unwrap()
}

/// Crashes every supernode of region `r` and returns how many clients they held.
fn kill_region(w: &mut World, r: usize) -> u64 {
    let range = w.supernodes().region_range(r);
    let held: u64 = range.clone().map(|i| w.supernodes().clients[i] as u64).sum();
    for i in range {
        w.crash_supernode(i);
    }
    held
}

/// Crashes every peer supernode (every region).
fn kill_all_peers(w: &mut World) {
    for r in 0..w.supernodes().regions {
        kill_region(w, r);
    }
}

#[test]
fn stale_caches_strand_a_region_until_the_bootstrap_servers_answer() {
    // Restarts take a day, so the region stays dead; no promotion, nobody gives up.
    let set =
        [("supernodes.restart_mean_s", "86400"), ("promotion.per_h", "0"), ("clients.patience_s", "0"), ("bootstrap.capacity_per_s", "1")];
    let mut w = quiet(&set);
    w.run_until(600.0);
    let held = kill_region(&mut w, 3);
    assert!(held > 10_000, "region 3 held {held}");
    w.run_until(1200.0);
    // Every entry of their caches is dead: they walk in vain and ask the bootstrap servers,
    // which answer one a second.
    let stranded = w.caches().pool_of(3);
    assert!(stranded as f64 > 0.9 * held as f64, "{stranded} of {held} still stranded");
    assert!(w.stats().bootstrap_requests > 0.0);
    // With bootstrap servers that answer (50 a second, so the region's clients come back over
    // eight minutes), they get fresh lists and connect elsewhere. Servers that answer all of them
    // within seconds send a herd a tenth of the network large onto the survivors at once, whose
    // failsafes then fire: that is the 2010 cascade, not this test.
    let mut w = quiet(&[set[0], set[1], set[2], ("bootstrap.capacity_per_s", "50")]);
    w.run_until(600.0);
    let held = kill_region(&mut w, 3);
    w.run_until(1800.0);
    let left = w.caches().pool_of(3);
    assert!((left as f64) < 0.1 * held as f64, "{left} of {held} still stranded");
    assert!(
        w.clients_online() as f64 > 0.99 * (w.params().clients.total - held) as f64,
        "online {} of {} less {held}",
        w.clients_online(),
        w.params().clients.total
    );
    w.check_invariants().unwrap();
}

#[test]
fn a_bootstrap_list_names_only_the_supernodes_serving_when_it_was_given() {
    // Every peer down for a day; the bootstrap servers answer 5 clients a second, so most clients
    // hold a list they gave before any mega-supernode served (peers only, all dead). Then five
    // mega-supernodes come up at once, with room for every client.
    let set = [
        ("supernodes.restart_mean_s", "86400"),
        ("promotion.per_h", "0"),
        ("clients.patience_s", "0"),
        ("failsafe.threshold", "100"),
        ("load.refusal_cost", "0"),
        ("bootstrap.capacity_per_s", "5"),
        ("mega.count", "5"),
        ("mega.deploy_s", "1800"),
        ("mega.ramp_s", "0"),
    ];
    let mut w = quiet(&set);
    w.run_until(60.0);
    kill_all_peers(&mut w);
    w.run_until(1799.0);
    let c = w.caches();
    let stale = c.pool_of(c.peers_only());
    assert!(stale > 1000, "{stale} clients hold lists of peers only");
    assert_eq!(c.pool_of(c.bootstrap()), 0, "a list names mega-supernodes before any served");
    // Those lists do not name the mega-supernodes: their clients reach one only once their walk
    // has failed and the bootstrap servers answered them with a fresh list, 5 a second (the
    // few peers whose users restarted them meanwhile take clients too, but not onto megas).
    w.run_until(1800.0 + 300.0);
    let c = w.caches();
    let on_megas = c.online[c.bootstrap()];
    assert!(on_megas > 0, "nobody reached a mega-supernode");
    assert!(on_megas <= 5 * 300 + 5, "{on_megas} clients on mega-supernodes after 300 s of answers at 5 a second");
    w.check_invariants().unwrap();
}

#[test]
fn promotion_fills_empty_places_with_empty_supernodes() {
    let mut w = quiet(&[("supernodes.restart_mean_s", "86400"), ("promotion.per_h", "0.5"), ("promotion.eligible_fraction", "0.02")]);
    w.run_until(300.0);
    kill_region(&mut w, 5);
    w.step();
    let range = w.supernodes().region_range(5);
    let mut promoted_seen = false;
    for _ in 0..3600 {
        w.step();
        let sn = w.supernodes();
        for i in range.clone() {
            if sn.kind[i] == SnKind::Promoted && sn.state[i] == SnState::Up {
                promoted_seen = true;
            }
        }
        if promoted_seen {
            break;
        }
    }
    assert!(promoted_seen, "no client was promoted into the dead region's places");
    assert!(w.summary().promotions > 0);
    w.run_until(3.0 * 3600.0);
    assert!(w.sn_counts().promoted_up > 10, "{} promoted serving", w.sn_counts().promoted_up);
    w.check_invariants().unwrap();
    // Without promotion the places stay empty.
    let mut w = quiet(&[("supernodes.restart_mean_s", "86400"), ("promotion.per_h", "0")]);
    w.run_until(300.0);
    kill_region(&mut w, 5);
    w.run_until(3.0 * 3600.0);
    assert_eq!(w.sn_counts().promoted_up, 0);
}

#[test]
fn users_who_cannot_connect_give_up_and_come_back() {
    // Every supernode down for about an hour: nobody can connect. (The failsafe is set out of
    // reach and refusals are free: a whole network reconnecting at once would trip failsafes
    // and starve keep-alives, which is another story.)
    let set = [
        ("supernodes.restart_mean_s", "3600"),
        ("promotion.per_h", "0"),
        ("clients.patience_s", "600"),
        ("clients.return_mean_s", "1800"),
        ("failsafe.threshold", "100"),
        ("load.refusal_cost", "0"),
    ];
    let mut w = quiet(&set);
    w.run_until(60.0);
    kill_all_peers(&mut w);
    w.run_until(1200.0);
    let away = w.clients_away();
    assert!(away as f64 > 0.4 * w.params().clients.total as f64, "only {away} gave up");
    // Supernodes come back; users return and connect.
    w.run_until(6.0 * 3600.0);
    assert!(w.clients_away() < away / 4, "{} still away", w.clients_away());
    assert!(w.summary().give_ups >= away);
    w.check_invariants().unwrap();
    // Users who never give up keep retrying.
    let mut w = quiet(&[set[0], set[1], set[4], set[5], ("clients.patience_s", "0")]);
    w.run_until(60.0);
    kill_all_peers(&mut w);
    w.run_until(1800.0);
    assert_eq!(w.clients_away(), 0);
}

#[test]
fn a_quiet_network_keeps_its_queues_short_and_nobody_waits_long() {
    let mut w = quiet(&[]);
    w.run_until(3600.0);
    let queued: u64 = w.clients().queued.iter().sum();
    // About one login per supernode per minute: queues hold a handful at most.
    assert!(queued < w.supernodes().peers as u64, "{queued} queued");
    assert!(w.stats().timed_out < 5.0, "{} timed out in a quiet second", w.stats().timed_out);
    assert_eq!(w.summary().failsafe_shutdowns, 0);
}

#[test]
fn a_full_supernode_flooded_with_attempts_it_refuses_loses_its_clients() {
    // Operator-hosted supernodes (no failsafe, no crash bug) so that only the flood acts; the
    // region's other supernodes die and stay dead; their clients can only walk to the survivor
    // (the bootstrap servers answer one request a second).
    let run = |refusal_cost: &str| {
        let set = [
            ("supernodes.operator_hosted", "true"),
            ("supernodes.restart_mean_s", "86400"),
            ("promotion.per_h", "0"),
            ("clients.patience_s", "0"),
            ("bootstrap.capacity_per_s", "1"),
            ("load.refusal_cost", refusal_cost),
        ];
        let mut w = quiet(&set);
        w.run_until(600.0);
        let range = w.supernodes().region_range(3);
        let survivor = range.clone().max_by_key(|&i| w.supernodes().clients[i]).unwrap();
        for i in range {
            if i != survivor {
                w.crash_supernode(i);
            }
        }
        let start = w.supernodes().clients[survivor];
        let mut lowest = start;
        while w.time_s() < 2400.0 {
            w.step();
            lowest = lowest.min(w.supernodes().clients[survivor]);
        }
        w.check_invariants().unwrap();
        (start, lowest, w.summary().starved_disconnects)
    };
    // Refusals cost the handshake: the flood leaves too little for keep-alives, and clients
    // whose keep-alives go unanswered leave.
    let (start, lowest, starved) = run("500");
    assert!((lowest as f64) < 0.5 * start as f64, "survivor kept {lowest} of {start}");
    assert!(starved > start as f64 / 2.0, "{starved} left for want of keep-alives");
    // Free refusals: the same flood costs it nothing and it keeps its clients.
    let (start, lowest, starved) = run("0");
    assert!(lowest as f64 >= 0.95 * start as f64, "survivor fell to {lowest} of {start}");
    assert_eq!(starved, 0.0);
}

/// Shrinking a scenario with `scale` (the element's `scale` attribute) shrinks its services with
/// its clients, so the 2010 trigger still overloads the offline-message servers and crashes the
/// buggy clients; shrinking only `clients.total` and `supernodes.count` leaves the servers at
/// full size, and then nothing happens. (`params` apply on top of the scale.)
#[test]
fn a_scaled_scenario_keeps_its_incident_and_a_shrunk_client_count_alone_does_not() {
    let s = scenarios::find("skype-2010").unwrap();
    let crashed_first_hour = |p: Params| {
        let mut w = supernode_sim::run::world(&s, p, 1).unwrap();
        w.run_until(2.0 * 3600.0);
        w.summary().supernode_crashes
    };
    let (scaled, errors) = supernode_sim::run::overrides_at_scale(&s.params, 0.1, r#"{"mega.count": 50}"#);
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(scaled.clients.total, s.params.clients.total / 10);
    assert_eq!(scaled.mega.count, 50, "params apply on top of the scale");
    assert!(scaled.services.offline_im.capacity_per_s < s.params.services.offline_im.capacity_per_s / 5.0);
    let (shrunk, _) = supernode_sim::run::overrides_at_scale(&s.params, 1.0, r#"{"clients.total": 2300000, "supernodes.count": 4800}"#);
    let with_scale = crashed_first_hour(scaled);
    let without = crashed_first_hour(shrunk);
    assert!(with_scale > 4800 / 5, "scaled: {with_scale} supernodes crashed by T+1h");
    assert_eq!(without, 0, "clients.total alone: the full-size servers never overload");
}
