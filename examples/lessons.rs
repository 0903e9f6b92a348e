//! The measurements behind the README's lessons: retry policies and host-cache sizes over many
//! seeds, printed as Markdown tables.
//!
//! ```text
//! cargo run --release --example lessons -- retry [--scale F] [--seeds N] [--jobs J] [--skip-rows R]
//! cargo run --release --example lessons -- cache [--scale F] [--seeds N] [--jobs J]
//! ```
//!
//! `retry` runs `skype-2010` (at `--scale`, a tenth by default) and `lesson-jitter` with each of
//! five policies, at the scenario's cap and at caps chosen so that every policy's mean delay at
//! the cap equals full jitter's, with and without mega-supernodes and the fix. `cache` runs
//! `skype-2010` with host caches of 3, 7, 20, 50 and 200 entries. Each line is a median and a
//! range over the seeds. `--skip-rows R` leaves out the first R rows of the retry tables (counted
//! over both tables), to finish a measurement that was interrupted part-way.

mod common;

use supernode_sim::model::retry::{self, ATTEMPT_LEVELS};
use supernode_sim::model::{Params, RetryPolicy};
use supernode_sim::{run, scenarios};

/// What one run is judged by.
#[derive(Clone, Copy, Debug)]
struct Figures {
    attempts: f64,
    recovery_h: Option<f64>,
    min_online: f64,
}

fn figures(scenario: &str, p: Params, seed: u64) -> Figures {
    let s = scenarios::find(scenario).expect("known scenario");
    let r = run::run(&s, p, seed, s.default_hours).expect("valid parameters");
    let sum = r.world.summary();
    Figures {
        attempts: sum.total_connect_attempts,
        recovery_h: sum.time_to_90pct_recovery_s.map(|t| t / 3600.0),
        min_online: sum.min_clients_online_fraction,
    }
}

/// Runs every job on `threads` threads; results in the jobs' order.
fn run_all(jobs: Vec<(String, Params, u64)>, threads: usize) -> Vec<Figures> {
    common::run_all(jobs, threads, |(name, p, seed)| figures(&name, p, seed))
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.partial_cmp(b).unwrap());
    let n = v.len();
    if n % 2 == 1 {
        v[n / 2]
    } else {
        (v[n / 2 - 1] + v[n / 2]) / 2.0
    }
}

fn range(v: &[f64]) -> (f64, f64) {
    (v.iter().copied().fold(f64::INFINITY, f64::min), v.iter().copied().fold(f64::NEG_INFINITY, f64::max))
}

fn si(x: f64) -> String {
    if x >= 1e9 {
        format!("{:.2} G", x / 1e9)
    } else if x >= 1e6 {
        format!("{:.1} M", x / 1e6)
    } else if x >= 1e3 {
        format!("{:.1} k", x / 1e3)
    } else {
        format!("{x:.0}")
    }
}

/// "median (lo–hi)" of the attempts.
fn attempts_cell(f: &[Figures]) -> String {
    let v: Vec<f64> = f.iter().map(|f| f.attempts).collect();
    let (lo, hi) = range(&v);
    format!("{} ({}–{})", si(median(v)), si(lo), si(hi))
}

/// Recovery to 90%: median and range over the runs that recovered, and how many did.
fn recovery_cell(f: &[Figures]) -> String {
    let v: Vec<f64> = f.iter().filter_map(|f| f.recovery_h).collect();
    if v.is_empty() {
        return format!("never (0/{})", f.len());
    }
    let (lo, hi) = range(&v);
    let m = median(v.clone());
    format!("{m:.1} h ({lo:.1}–{hi:.1}); {}/{}", v.len(), f.len())
}

fn min_cell(f: &[Figures]) -> String {
    let v: Vec<f64> = f.iter().map(|f| f.min_online * 100.0).collect();
    let (lo, hi) = range(&v);
    format!("{:.0}% ({lo:.0}–{hi:.0})", median(v.clone()))
}

/// The cap at which `policy`'s mean delay at the cap equals `target_s`.
fn cap_for_mean(policy: RetryPolicy, p: &Params, target_s: f64) -> f64 {
    let mean_at = |cap: f64| {
        let mut r = p.retry.clone();
        r.cap_s = cap;
        r.base_s = r.base_s.min(cap);
        retry::delay(policy, &r, ATTEMPT_LEVELS - 1).mean_ticks()
    };
    let (mut lo, mut hi) = (p.retry.base_s.max(0.5), 3600.0);
    for _ in 0..60 {
        let mid = (lo + hi) / 2.0;
        if mean_at(mid) < target_s {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    (lo + hi) / 2.0
}

const POLICIES: [RetryPolicy; 5] =
    [RetryPolicy::Immediate, RetryPolicy::Exponential, RetryPolicy::FullJitter, RetryPolicy::EqualJitter, RetryPolicy::DecorrelatedJitter];

fn base_params(scenario: &str, scale: f64) -> Params {
    let s = scenarios::find(scenario).expect("known scenario");
    if scale < 1.0 && scenario == "skype-2010" {
        run::scaled(&s.params, scale).expect("valid scale")
    } else {
        s.params.clone()
    }
}

fn without_interventions(p: &Params) -> Params {
    p.with_text("mega.count", "0").unwrap().with_text("fix.rollout_per_h", "0").unwrap()
}

fn retry_tables(scale: f64, seeds: u64, threads: usize, mut skip_rows: usize) {
    for scenario in ["skype-2010", "lesson-jitter"] {
        let base = base_params(scenario, scale);
        let reference = {
            let mut r = base.retry.clone();
            r.base_s = r.base_s.min(r.cap_s);
            retry::delay(RetryPolicy::FullJitter, &r, ATTEMPT_LEVELS - 1).mean_ticks()
        };
        let with_megas = scenario == "skype-2010";
        println!(
            "\n### `{scenario}`{}, {seeds} seed(s); cap {} s, full jitter's mean delay at the cap {:.0} s\n",
            if scenario == "skype-2010" && scale < 1.0 { format!(" at {scale} of the scale") } else { String::new() },
            base.retry.cap_s,
            reference
        );
        println!("| policy | cap | attempts | back to 90% | lowest online | without mega-supernodes and fix: back to 90% |");
        println!("|---|---|---|---|---|---|");
        for equal_mean in [false, true] {
            for policy in POLICIES {
                if equal_mean && policy == RetryPolicy::Immediate {
                    continue;
                }
                if skip_rows > 0 {
                    skip_rows -= 1;
                    continue;
                }
                let mut p = base.clone();
                p.retry.policy = policy;
                if equal_mean {
                    p.retry.cap_s = (cap_for_mean(policy, &base, reference) * 10.0).round() / 10.0;
                    p.retry.base_s = p.retry.base_s.min(p.retry.cap_s);
                }
                let mut jobs: Vec<(String, Params, u64)> = (1..=seeds).map(|s| (scenario.to_string(), p.clone(), s)).collect();
                if with_megas {
                    jobs.extend((1..=seeds).map(|s| (scenario.to_string(), without_interventions(&p), s)));
                }
                let f = run_all(jobs, threads);
                let (main, bare) = f.split_at(seeds as usize);
                let bare_cell = if with_megas { recovery_cell(bare) } else { "(no mega-supernodes in this scenario)".into() };
                println!(
                    "| {}{} | {} s | {} | {} | {} | {} |",
                    policy.name(),
                    if equal_mean { " (equal mean)" } else { "" },
                    p.retry.cap_s,
                    attempts_cell(main),
                    recovery_cell(main),
                    min_cell(main),
                    bare_cell
                );
            }
        }
    }
}

fn cache_table(scale: f64, seeds: u64, threads: usize) {
    let base = base_params("skype-2010", scale);
    println!("\n### `skype-2010` at {scale} of the scale, {seeds} seed(s)\n");
    println!("| host cache | cascade (below 50% online) | lowest online | back to 90% | attempts | without mega-supernodes and fix: back to 90% |");
    println!("|---|---|---|---|---|---|");
    for size in [3u32, 7, 20, 50, 200] {
        let mut p = base.clone();
        p.host_cache.size = size;
        let mut jobs: Vec<(String, Params, u64)> = (1..=seeds).map(|s| ("skype-2010".to_string(), p.clone(), s)).collect();
        jobs.extend((1..=seeds).map(|s| ("skype-2010".to_string(), without_interventions(&p), s)));
        let f = run_all(jobs, threads);
        let (main, bare) = f.split_at(seeds as usize);
        let cascades = main.iter().filter(|f| f.min_online < 0.5).count();
        println!(
            "| {size} | {cascades}/{} | {} | {} | {} | {} |",
            main.len(),
            min_cell(main),
            recovery_cell(main),
            attempts_cell(main),
            recovery_cell(bare)
        );
    }
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let what = args.first().map(String::as_str).unwrap_or("");
    let mut scale = 0.1;
    let mut seeds = 10u64;
    let mut threads = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1);
    let mut skip_rows = 0usize;
    let mut i = 1;
    while i < args.len() {
        let v = args.get(i + 1).cloned().unwrap_or_default();
        match args[i].as_str() {
            "--scale" => scale = v.parse().expect("--scale: a number in (0, 1]"),
            "--seeds" => seeds = v.parse().expect("--seeds: a whole number"),
            "--jobs" => threads = v.parse().expect("--jobs: a whole number"),
            "--skip-rows" => skip_rows = v.parse().expect("--skip-rows: a whole number"),
            other => panic!("unknown flag {other}; allowed: --scale, --seeds, --jobs, --skip-rows"),
        }
        i += 2;
    }
    match what {
        "retry" => retry_tables(scale, seeds, threads, skip_rows),
        "cache" => cache_table(scale, seeds, threads),
        _ => eprintln!("usage: lessons (retry|cache) [--scale F] [--seeds N] [--jobs J] [--skip-rows R]"),
    }
}
