use supernode_sim::model::SnState;
use supernode_sim::{run, scenarios};
fn main() {
    let args: Vec<String> = std::env::args().collect();
    let s = scenarios::find("skype-2010").unwrap();
    let mut p = scenarios::scaled(&s.params, 0.1);
    let mut i = 1;
    while i < args.len() { let (k, v) = args[i+1].split_once('=').unwrap(); p = p.with_text(k, v).unwrap(); i += 2; }
    // Run once to find the first supernode shut down by its failsafe, then replay and watch it.
    let mut w = run::world(&s, p.clone(), 1).unwrap();
    w.run_until(3600.0);
    let mut first = None;
    while first.is_none() && w.time_s() < 3.0 * 3600.0 {
        w.step();
        let sn = w.supernodes();
        first = (0..sn.peers).find(|&i| sn.state[i] == SnState::ShutDown).map(|i| (i, w.time_s()));
    }
    let (target, at) = first.unwrap();
    println!("first failsafe: supernode {target} (region {}) at T+{:.0}s", w.supernodes().region_of(target), at - 3600.0);
    let mut w = run::world(&s, p, 1).unwrap();
    w.run_until(at - 400.0);
    let r = w.supernodes().region_of(target);
    while w.time_s() < at {
        w.step();
        let t = w.time_s() as u64;
        if t % 20 == 0 || w.time_s() >= at - 3.0 {
            let sn = w.supernodes();
            let ca = w.caches();
            let dead = sn.region_range(r).filter(|&i| !sn.is_up(i)).count();
            println!("T+{}s c={}/{} q={} room={:.1} la/C={:.1} x={:.2} | region: dead={} room={:.0} contacts={:.0} p={:.2} pool={}",
                t as i64 - 3600, sn.clients[target], sn.max_clients[target], sn.queue[target], sn.room[target], sn.load_avg[target] / sn.capacity_per_s[target],
                sn.contacts_per_sn[r], dead, ca.room[r], ca.contacts[r], ca.admit_p[r], ca.pool_of(r));
        }
    }
}
