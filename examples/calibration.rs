//! The README's calibration table: `skype-2010` against the published record over several
//! seeds, printed as Markdown (median and range over the seeds).
//!
//! ```text
//! cargo run --release --example calibration -- [--scale F] [--seeds N] [--jobs J] [--set KEY=VALUE]...
//! ```
//!
//! `--set` changes a parameter of the scenario (after scaling), as `supernode-sim run --set`
//! does, to see how a figure moves with it.
//!
//! `--scale` defaults to a tenth of the real network (about 30 s a run on one core); each seed
//! is run with the scenario's interventions and without them (no mega-supernodes, no fix).

mod common;

use supernode_sim::model::Params;
use supernode_sim::{run, scenarios};

const H: f64 = 3600.0;

/// One run's figures, each comparable with a line of the record. Shares of clients are of those
/// online at the trigger.
#[derive(Clone, Copy, Debug, Default)]
struct Figures {
    crashed_first_hour: f64,
    lost_first_hour: f64,
    peak_load_ratio: f64,
    at_2h40: f64,
    min_within_4h: f64,
    min_2_to_12h: f64,
    at_22h30: f64,
    at_28h: f64,
    recovery_h: Option<f64>,
    clients_crashed: f64,
}

fn figures(p: Params, seed: u64, hours: f64) -> Figures {
    let s = scenarios::find("skype-2010").expect("known scenario");
    let r = run::run(&s, p, seed, hours).expect("valid parameters");
    let sum = r.world.summary();
    let ser = r.world.series();
    let t = ser.column("t_s").unwrap();
    let online = ser.column("clients_online").unwrap();
    let trig = sum.trigger_t_s;
    let pre = sum.clients_online_at_trigger;
    let at = |h: f64| {
        let i = (0..t.len()).min_by(|&a, &b| (t[a] - trig - h * H).abs().total_cmp(&(t[b] - trig - h * H).abs())).unwrap();
        online[i] / pre
    };
    let min_within_4h =
        (0..t.len()).filter(|&i| t[i] > trig && t[i] <= trig + 4.0 * H).map(|i| online[i] / pre).fold(f64::INFINITY, f64::min);
    let min_2_to_12h =
        (0..t.len()).filter(|&i| t[i] >= trig + 2.0 * H && t[i] <= trig + 12.0 * H).map(|i| online[i] / pre).fold(f64::INFINITY, f64::min);
    Figures {
        crashed_first_hour: sum.supernodes_crashed_first_hour_fraction.unwrap_or(f64::NAN),
        lost_first_hour: sum.supernodes_lost_first_hour_fraction.unwrap_or(f64::NAN),
        peak_load_ratio: sum.peak_sn_load_ratio,
        at_2h40: at(2.0 + 40.0 / 60.0),
        min_within_4h,
        min_2_to_12h,
        at_22h30: at(22.5),
        at_28h: at(28.0),
        recovery_h: sum.time_to_90pct_recovery_s.map(|x| x / H),
        clients_crashed: sum.clients_crashed_fraction,
    }
}

/// Runs every job on `threads` threads; results in the jobs' order.
fn run_all(jobs: Vec<(Params, u64, f64)>, threads: usize) -> Vec<Figures> {
    common::run_all(jobs, threads, |(p, seed, hours)| figures(p, seed, hours))
}

/// "median (min–max)" of `xs`, each formatted by `fmt`.
fn spread(xs: &[f64], fmt: impl Fn(f64) -> String) -> String {
    let mut v: Vec<f64> = xs.to_vec();
    v.sort_by(f64::total_cmp);
    if v.is_empty() {
        return "–".into();
    }
    let med = if v.len() % 2 == 1 { v[v.len() / 2] } else { (v[v.len() / 2 - 1] + v[v.len() / 2]) / 2.0 };
    format!("{} ({}–{})", fmt(med), fmt(v[0]), fmt(v[v.len() - 1]))
}

fn main() {
    let mut scale = 0.1;
    let mut seeds = 10u64;
    let mut jobs = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1);
    let mut sets: Vec<(String, String)> = Vec::new();
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut i = 0;
    while i < args.len() {
        let value = args.get(i + 1).unwrap_or_else(|| panic!("{} needs a value", args[i]));
        match args[i].as_str() {
            "--scale" => scale = value.parse().expect("--scale: a number in (0, 1]"),
            "--seeds" => seeds = value.parse().expect("--seeds: a whole number"),
            "--jobs" => jobs = value.parse().expect("--jobs: a whole number"),
            "--set" => {
                let (k, v) = value.split_once('=').unwrap_or_else(|| panic!("--set {value}: expected KEY=VALUE"));
                sets.push((k.to_string(), v.to_string()));
            }
            other => panic!("unknown flag {other}: expected --scale, --seeds, --jobs or --set"),
        }
        i += 2;
    }
    let s = scenarios::find("skype-2010").unwrap();
    let mut p = if scale < 1.0 { scenarios::scaled(&s.params, scale) } else { s.params.clone() };
    for (k, v) in &sets {
        p = p.with_text(k, v).unwrap_or_else(|e| panic!("--set {k}={v}: {e}"));
    }
    let bare = p.with_text("mega.count", "0").unwrap().with_text("fix.rollout_per_h", "0").unwrap();
    let hours = s.default_hours;
    let mut all = Vec::new();
    for seed in 1..=seeds {
        all.push((p.clone(), seed, hours));
        all.push((bare.clone(), seed, hours));
    }
    let res = run_all(all, jobs);
    let with: Vec<Figures> = res.iter().step_by(2).copied().collect();
    let without: Vec<Figures> = res.iter().skip(1).step_by(2).copied().collect();
    let pct = |x: f64| format!("{:.0}%", 100.0 * x);
    let col = |v: &[Figures], f: fn(&Figures) -> f64| v.iter().map(f).collect::<Vec<_>>();
    let rec: Vec<f64> = with.iter().filter_map(|f| f.recovery_h).collect();
    let never_with = with.len() - rec.len();
    let rec_without = without.iter().filter(|f| f.recovery_h.is_some()).count();
    let changed: String = sets.iter().map(|(k, v)| format!(", `{k}={v}`")).collect();
    println!(
        "`skype-2010`{changed}, {seeds} seeds at {scale} of the real scale; median (range). Shares of clients are of those online at the trigger.\n"
    );
    println!("| Figure | Record | Model |");
    println!("|---|---|---|");
    println!("| Supernodes crashed in the first hour | 25–30% | {} |", spread(&col(&with, |f| f.crashed_first_hour), pct));
    println!("| Supernodes out of the role at T+1 h (any cause) | – | {} |", spread(&col(&with, |f| f.lost_first_hour), pct));
    println!("| Peak load on the survivors | ~100× normal | {} |", spread(&col(&with, |f| f.peak_load_ratio), |x| format!("{x:.0}×")));
    println!("| Online at T+2:40 (18:40 GMT) | 5.14 M of 20 M+ (≈25%) | {} |", spread(&col(&with, |f| f.at_2h40), pct));
    println!(
        "| Lowest within T+4 h (the trigger over at T+1 h) | \"near-total\" collapse within hours | {} |",
        spread(&col(&with, |f| f.min_within_4h), pct)
    );
    println!(
        "| Lowest, T+2 h to T+12 h | ~30% next morning; lowest report 1.6 M (≈7%) | {} |",
        spread(&col(&with, |f| f.min_2_to_12h), pct)
    );
    println!("| Online at T+22:30 (14:30 GMT, 23 Dec) | 10 M (≈45–50%) | {} |", spread(&col(&with, |f| f.at_22h30), pct));
    println!("| Online at T+28 h | ~80% (16.5 M) later on 23 Dec | {} |", spread(&col(&with, |f| f.at_28h), pct));
    println!(
        "| Back to 90% | ~T+26–32 h (about 24 h of outage) | {}{} |",
        spread(&rec, |x| format!("{x:.1} h")),
        if never_with > 0 { format!(", {never_with} never") } else { String::new() }
    );
    println!("| Clients that crashed | ~40% of the buggy half (≈20%) | {} |", spread(&col(&with, |f| f.clients_crashed), pct));
    println!(
        "| Without mega-supernodes and the fix | – | recovered in {rec_without} of {seeds}; online at T+22:30 {} |",
        spread(&col(&without, |f| f.at_22h30), pct)
    );
}
