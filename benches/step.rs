//! How long one tick (one simulated second) takes at real scale: 23 million clients on 48,000
//! supernodes. The goal is 0.25 ms natively so the browser can replay a day in a minute.

use criterion::{criterion_group, criterion_main, BatchSize, Criterion};
use std::hint::black_box;
use supernode_sim::{run, scenarios};

fn world_at(name: &str, t_s: f64) -> supernode_sim::World {
    let s = scenarios::find(name).unwrap();
    let mut w = run::world(&s, s.params.clone(), run::DEFAULT_SEED).unwrap();
    w.run_until(t_s);
    w
}

fn bench_step(c: &mut Criterion) {
    let mut g = c.benchmark_group("tick at real scale");
    g.sample_size(20);
    // Phases of the 2010 run: steady state, the cascade, the collapsed network, the recovery.
    for (label, name, t_s) in [
        ("baseline steady", "baseline", 1800.0),
        ("2010 cascade (T+0:30)", "skype-2010", 5400.0),
        ("2010 collapsed (T+4h)", "skype-2010", 5.0 * 3600.0),
        ("2010 recovering (T+18h)", "skype-2010", 19.0 * 3600.0),
    ] {
        let w = world_at(name, t_s);
        g.bench_function(label, |b| {
            b.iter_batched_ref(
                || w.clone(),
                |w| {
                    for _ in 0..100 {
                        w.step();
                    }
                    black_box(w.time_s())
                },
                BatchSize::LargeInput,
            )
        });
    }
    g.finish();
}

criterion_group!(benches, bench_step);
criterion_main!(benches);
