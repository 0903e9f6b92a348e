use supernode_sim::{run, scenarios};
fn main() {
    let args: Vec<String> = std::env::args().collect();
    let s = scenarios::find("skype-2010").unwrap();
    let mut p = scenarios::scaled(&s.params, 0.1);
    let mut i = 1;
    while i < args.len() { let (k, v) = args[i+1].split_once('=').unwrap(); p = p.with_text(k, v).unwrap(); i += 2; }
    let mut w = run::world(&s, p.clone(), 1).unwrap();
    w.run_until(3600.0);
    // Find the first region to lose half its supernodes.
    let mut watch = None;
    for t in 0..3600 {
        w.step();
        let ca = w.caches();
        let sn = w.supernodes();
        if watch.is_none() {
            for r in 0..sn.regions { if ca.up[r] < 46 { watch = Some(r); println!("watching region {r} from T+{:.0}s", t); break; } }
        }
        if let Some(r) = watch {
            if t % 5 == 0 {
                let range = sn.region_range(r);
                let full = range.clone().filter(|&i| sn.is_up(i) && sn.clients[i] + sn.queue[i] >= sn.max_clients[i]).count();
                let la: f32 = range.clone().filter(|&i| sn.is_up(i)).map(|i| sn.load_avg[i] / sn.capacity_per_s[i]).fold(0.0, f32::max);
                let online: u32 = range.clone().map(|i| sn.clients[i]).sum();
                let q: u32 = range.clone().map(|i| sn.queue[i]).sum();
                println!("t={t} up={} full={} online={} q={} pool={} crashed={} contacts={:.1} x={:.2} room={:.1} p={:.2} maxla={:.1}",
                    ca.up[r], full, online, q, ca.pool_of(r), 0, ca.contacts[r], sn.contacts_per_sn[r], ca.room[r], ca.admit_p[r], la);
            }
            if ca.up[r] == 0 { break; }
        }
    }
}
