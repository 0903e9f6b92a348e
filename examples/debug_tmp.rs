use supernode_sim::{run, scenarios};
fn main() {
    let args: Vec<String> = std::env::args().collect();
    let s = scenarios::find("skype-2010").unwrap();
    let mut p = scenarios::scaled(&s.params, 0.1);
    let mut i = 1;
    let mut at = vec![];
    while i < args.len() {
        if args[i] == "--at" { at.push(args[i+1].parse::<f64>().unwrap()); } else { let (k, v) = args[i+1].split_once('=').unwrap(); p = p.with_text(k, v).unwrap(); }
        i += 2;
    }
    let mut w = run::world(&s, p.clone(), 1).unwrap();
    let theta = p.failsafe.threshold as f32;
    for t in at {
        w.run_until(t * 3600.0);
        w.step();
        let st = *w.stats();
        let c = w.clients();
        let ca = w.caches();
        let sn = w.supernodes();
        let up: Vec<_> = (0..sn.peers).filter(|&i| sn.is_up(i)).collect();
        let full = up.iter().filter(|&&i| sn.clients[i] + sn.queue[i] >= sn.max_clients[i]).count();
        let hot = up.iter().filter(|&&i| sn.load_avg[i] >= 0.5 * theta * sn.capacity_per_s[i]).count();
        let dead_regions = (0..sn.regions).filter(|&r| ca.up[r] == 0).count();
        let mut xs: Vec<f32> = (0..sn.regions).filter(|&r| ca.up[r] > 0).map(|r| sn.contacts_per_sn[r]).collect();
        xs.sort_by(|a, b| a.partial_cmp(b).unwrap());
        let q = |f: f64| if xs.is_empty() { 0.0 } else { xs[((xs.len() - 1) as f64 * f) as usize] };
        println!("T+{:.2} online={} pool={} away={} crashed={} | up={} full={} hot={} deadreg={} | x p10={:.2} p50={:.2} p90={:.2} | att={} conn={} attached={} boot={} bcohort={}",
            t - 1.0, c.online.iter().sum::<u64>(), c.pool.iter().sum::<u64>(), c.away.iter().sum::<u64>(), c.crashed.iter().sum::<u64>(),
            up.len(), full, hot, dead_regions, q(0.1), q(0.5), q(0.9), st.connect_attempts, st.logins, st.attached, st.bootstrap_requests, ca.pool_of(ca.bootstrap()));
    }
}
