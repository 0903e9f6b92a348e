//! The native command-line interface: a thin layer over the model for sweeps, scripts and tests.
//!
//! Every error is one line on stderr and exit code 2 (bad input) or 1 (could not write output).

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use clap::{Parser, Subcommand, ValueEnum};
use supernode_sim::inputs::{self, Checked};
use supernode_sim::model::narration::relative_time;
use supernode_sim::model::params::{ParamError, FIELDS};
use supernode_sim::model::Params;
use supernode_sim::posters::{self, Theme};
use supernode_sim::run::{self, DEFAULT_SEED};
use supernode_sim::{actions, compare, follow, scenarios};

/// Simulate a two-tier peer-to-peer overlay (Skype's supernodes) falling over and coming back.
#[derive(Parser, Debug)]
#[command(name = "supernode-sim", version, about, long_about = None, after_help = "Run `supernode-sim keys` for every parameter key, its unit, range and meaning.")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// List the scenarios, one line each.
    Scenarios,
    /// Print a scenario's full parameter set as JSON (the schema `--params` and `--set` edit).
    Params {
        /// Scenario name (see `scenarios`).
        #[arg(long, default_value = "skype-2010")]
        scenario: String,
    },
    /// List every parameter key with its unit, allowed range and meaning.
    Keys {
        /// Print a Markdown table (as in the README).
        #[arg(long)]
        markdown: bool,
    },
    /// List every input of the page, the element and the CLI: where it is read, what it allows,
    /// its default and meaning (one description, shared by all of them).
    Inputs {
        /// Print a Markdown table (as in the README).
        #[arg(long)]
        markdown: bool,
    },
    /// Run a scenario and print its series, events, summary and hash.
    Run(RunArgs),
    /// Run a scenario twice from the same seed, differing in the given parameters, and compare.
    Compare(CompareArgs),
    /// Follow one supernode or client through a run and print its story in simulated time, as
    /// the page tells it under the picture.
    Follow {
        /// Scenario name (see `scenarios`).
        #[arg(long, default_value = "skype-2010")]
        scenario: String,
        /// Seed.
        #[arg(long, default_value_t = DEFAULT_SEED, value_parser = seed_arg, allow_negative_numbers = true)]
        seed: u64,
        /// Whom: a supernode's index (`31204`) or a client's place when picked (`31204.17`: slot 17
        /// of supernode 31204), as a copied link's `follow` carries it.
        #[arg(long, value_name = "TARGET")]
        target: String,
        /// When to start following, in simulated seconds from the start (default: 0).
        #[arg(long, value_name = "SECONDS", value_parser = time_arg, allow_negative_numbers = true, default_value_t = 0.0)]
        from: f64,
        /// Simulated hours to run in all, more than 0 and at most 720 (default: the scenario's).
        #[arg(long, value_name = "H", value_parser = hours_arg, allow_negative_numbers = true)]
        hours: Option<f64>,
        /// Run at a fraction of the scenario's scale, more than 0 and at most 1.
        #[arg(long, value_name = "F", value_parser = scale_arg, allow_negative_numbers = true)]
        scale: Option<f64>,
        /// Set one parameter by its dotted key (repeatable).
        #[arg(long = "set", value_name = "KEY=VALUE")]
        set: Vec<String>,
    },
    /// Measure simulation speed: ticks (simulated seconds) per second of wall time.
    Bench {
        /// Scenario name.
        #[arg(long, default_value = "skype-2010")]
        scenario: String,
        /// Ticks to run (from the start of the scenario).
        #[arg(long, default_value_t = 36_000, value_parser = ticks_arg, allow_negative_numbers = true)]
        ticks: u64,
        /// Seed.
        #[arg(long, default_value_t = DEFAULT_SEED, value_parser = seed_arg, allow_negative_numbers = true)]
        seed: u64,
        /// Also keep the run's history as the page does (a mark every few simulated minutes,
        /// within the default budget) and report its memory and the time to restore a mark.
        #[arg(long)]
        checkpoints: bool,
    },
    /// Draw a scenario's picture at one moment as a PNG: the poster an embedded element shows
    /// before its code is loaded (`make pkg` writes one per scenario into pkg/posters/).
    Poster {
        /// Scenario name (see `scenarios`); with `--all`, every scenario.
        #[arg(long, default_value = "skype-2010", conflicts_with = "all")]
        scenario: String,
        /// Every scenario, each to `<out>/<name>.png` (`--out` is then a folder, made if missing).
        #[arg(long)]
        all: bool,
        /// The moment, in simulated seconds from the start (default: the scenario's most telling
        /// moment, as the element's poster shows it).
        #[arg(long, value_name = "SECONDS", value_parser = time_arg, allow_negative_numbers = true)]
        t: Option<f64>,
        /// Seed.
        #[arg(long, default_value_t = DEFAULT_SEED, value_parser = seed_arg, allow_negative_numbers = true)]
        seed: u64,
        /// Width in pixels, 64 to 4096.
        #[arg(long, default_value_t = 640, value_parser = clap::value_parser!(u32).range(64..=4096))]
        width: u32,
        /// Height in pixels, 64 to 4096.
        #[arg(long, default_value_t = 480, value_parser = clap::value_parser!(u32).range(64..=4096))]
        height: u32,
        /// Colours: the element's light or dark theme (`--all` draws both: `<name>.png` and
        /// `<name>-dark.png`).
        #[arg(long, value_enum, default_value_t = ThemeArg::Light)]
        theme: ThemeArg,
        /// The PNG file to write (with `--all`, the folder).
        #[arg(long, value_name = "PATH")]
        out: PathBuf,
    },
    /// Write the marks the page ships: a scenario's default run saved every simulated hour, so
    /// that a link far into it opens without computing its way there (`make pkg` writes them for
    /// the incident scenarios into `pkg/marks/`). Each run's marks go to `<out>/<key>/<t>.mark`
    /// and are listed in `<out>/index.json`; marks an earlier index listed under other keys (an
    /// older version of the model) are removed, and a run whose marks are there already under
    /// its key (the same model, parameters and seed) is kept, not computed again.
    Marks {
        /// Scenario name (repeat for several; they run in parallel).
        #[arg(long = "scenario", required = true)]
        scenarios: Vec<String>,
        /// Seed (the page's default is 1).
        #[arg(long, default_value_t = DEFAULT_SEED, value_parser = seed_arg, allow_negative_numbers = true)]
        seed: u64,
        /// Simulated seconds between marks.
        #[arg(long, default_value_t = supernode_sim::marks::SHIPPED_EVERY_S, value_parser = every_arg)]
        every_s: f64,
        /// Run at a fraction of the scenario's scale, more than 0 and at most 1 (the page's
        /// `scale`: a link with the same scale finds these marks).
        #[arg(long, value_name = "F", value_parser = scale_arg, allow_negative_numbers = true)]
        scale: Option<f64>,
        /// The folder to write (made if missing).
        #[arg(long, value_name = "DIR")]
        out: PathBuf,
    },
}

/// `--every-s`: at least a simulated minute, at most a day.
fn every_arg(s: &str) -> Result<f64, String> {
    match s.trim().parse::<f64>() {
        Ok(v) if (60.0..=86_400.0).contains(&v) => Ok(v),
        _ => Err(format!("'{s}' is not allowed; allowed: simulated seconds from 60 to 86400")),
    }
}

#[derive(clap::Args, Debug)]
struct RunArgs {
    /// Scenario name (see `scenarios`).
    #[arg(long, default_value = "skype-2010")]
    scenario: String,
    /// Seed of the random number generator; the same seed gives the same run.
    #[arg(long, default_value_t = DEFAULT_SEED, value_parser = seed_arg, allow_negative_numbers = true)]
    seed: u64,
    /// JSON file of parameter overrides (a full or partial object as `params` prints).
    #[arg(long, value_name = "FILE.json")]
    params: Option<PathBuf>,
    /// Set one parameter by its dotted key, e.g. `--set retry.policy=full-jitter` (repeatable;
    /// applied after `--params`).
    #[arg(long = "set", value_name = "KEY=VALUE")]
    set: Vec<String>,
    /// Simulated hours to run, more than 0 and at most 720 (default: the scenario's).
    #[arg(long, value_name = "H", value_parser = hours_arg, allow_negative_numbers = true)]
    hours: Option<f64>,
    /// Run at a fraction of the scenario's scale (clients, supernodes, service capacities; every
    /// per-supernode figure unchanged), more than 0 and at most 1. Applied before --params/--set.
    #[arg(long, value_name = "F", value_parser = scale_arg, allow_negative_numbers = true)]
    scale: Option<f64>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Json)]
    format: Format,
    /// Write to this file instead of standard output.
    #[arg(long, value_name = "FILE")]
    out: Option<PathBuf>,
    /// A log of live actions to replay at their simulated seconds (JSON, as a copied link's
    /// `actions` parameter carries it): the same run, bit for bit, as the page that recorded it.
    #[arg(long, value_name = "FILE.json")]
    actions: Option<PathBuf>,
}

#[derive(clap::Args, Debug)]
struct CompareArgs {
    /// Scenario name (see `scenarios`).
    #[arg(long, default_value = "skype-2010")]
    scenario: String,
    /// A parameter of run A, as KEY=VALUE (repeatable). Defaults to the scenario's suggested
    /// comparison when neither --set-a nor --set-b is given.
    #[arg(long = "set-a", value_name = "KEY=VALUE")]
    set_a: Vec<String>,
    /// A parameter of run B, as KEY=VALUE (repeatable).
    #[arg(long = "set-b", value_name = "KEY=VALUE")]
    set_b: Vec<String>,
    /// Seed of both runs.
    #[arg(long, default_value_t = DEFAULT_SEED, value_parser = seed_arg, allow_negative_numbers = true)]
    seed: u64,
    /// Simulated hours to run, more than 0 and at most 720 (default: the scenario's).
    #[arg(long, value_name = "H", value_parser = hours_arg, allow_negative_numbers = true)]
    hours: Option<f64>,
    /// Run both at a fraction of the scenario's scale, more than 0 and at most 1.
    #[arg(long, value_name = "F", value_parser = scale_arg, allow_negative_numbers = true)]
    scale: Option<f64>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = CompareFormat::Text)]
    format: CompareFormat,
}

#[derive(Copy, Clone, Debug, PartialEq, Eq, ValueEnum)]
enum CompareFormat {
    /// A table and a sentence.
    Text,
    /// Both runs' summaries, the ratios and the sentence as JSON.
    Json,
}

/// The element's colour theme, as the CLI takes it.
#[derive(Copy, Clone, Debug, PartialEq, Eq, ValueEnum)]
enum ThemeArg {
    /// The element's light colours.
    Light,
    /// The element's dark colours.
    Dark,
}

impl From<ThemeArg> for Theme {
    fn from(t: ThemeArg) -> Theme {
        match t {
            ThemeArg::Light => Theme::Light,
            ThemeArg::Dark => Theme::Dark,
        }
    }
}

#[derive(Copy, Clone, Debug, PartialEq, Eq, ValueEnum)]
enum Format {
    /// One JSON object: scenario, seed, params, series, events, summary, hash.
    Json,
    /// The series as CSV with a header row.
    Csv,
}

/// What went wrong, and the exit code it deserves.
enum Failure {
    /// Bad input (exit 2).
    Input(String),
    /// Could not write the output (exit 1).
    Output(String),
}

impl From<ParamError> for Failure {
    fn from(e: ParamError) -> Self {
        Failure::Input(e.to_string())
    }
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            use clap::error::ErrorKind;
            if matches!(e.kind(), ErrorKind::DisplayHelp | ErrorKind::DisplayVersion | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand)
            {
                let _ = e.print();
                return if e.kind() == ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand { ExitCode::from(2) } else { ExitCode::SUCCESS };
            }
            // One line: clap's first paragraph (the problem and the allowed values), without its
            // own "error: " prefix.
            let text = e.to_string();
            let para: Vec<&str> = text.lines().map(str::trim).take_while(|l| !l.is_empty()).collect();
            let line = para.join(" ");
            let line = line.trim_start_matches("error: ");
            eprintln!("error: {line} (see supernode-sim --help)");
            return ExitCode::from(2);
        }
    };
    match execute(cli.command) {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failure::Input(m)) => {
            eprintln!("error: {m}");
            ExitCode::from(2)
        }
        Err(Failure::Output(m)) => {
            eprintln!("error: {m}");
            ExitCode::from(1)
        }
    }
}

/// Appends a line to `out` (text for standard output, written once: see `write_stdout`).
macro_rules! outln {
    ($out:expr, $($arg:tt)*) => {{
        use std::fmt::Write as _;
        let _ = writeln!($out, $($arg)*);
    }};
}

fn execute(cmd: Command) -> Result<(), Failure> {
    let mut out = String::new();
    match cmd {
        Command::Scenarios => {
            for s in scenarios::all() {
                outln!(out, "{:<26} {}", s.name, s.summary);
            }
            write_stdout(&out)
        }
        Command::Params { scenario } => {
            let s = run::scenario(&scenario)?;
            outln!(out, "{}", s.params.to_json_pretty());
            write_stdout(&out)
        }
        Command::Keys { markdown } => {
            if markdown {
                outln!(out, "| key | unit | allowed | meaning |");
                outln!(out, "|---|---|---|---|");
                for f in FIELDS {
                    outln!(out, "| `{}` | {} | {} | {} |", f.key, f.unit, f.kind.allowed(), f.doc);
                }
            } else {
                for f in FIELDS {
                    let unit = if f.unit.is_empty() { String::new() } else { format!(" [{}]", f.unit) };
                    outln!(out, "{}{unit}: {} Allowed: {}.", f.key, f.doc, f.kind.allowed());
                }
            }
            write_stdout(&out)
        }
        Command::Inputs { markdown } => {
            let code = |v: Vec<String>| if v.is_empty() { "–".to_string() } else { v.join(", ") };
            for i in inputs::INPUTS {
                let url = code(i.url.iter().map(|u| format!("`{u}`")).collect());
                let attr = code(i.attribute.iter().map(|a| format!("`{a}`")).collect());
                let api = code(i.api.iter().map(|a| format!("`{a}`")).collect());
                let cli = code(i.cli.iter().map(|c| format!("`{c}`")).collect());
                if markdown {
                    if i.name == inputs::INPUTS[0].name {
                        outln!(out, "| input | URL | attribute | API | CLI | allowed | default | meaning |");
                        outln!(out, "|---|---|---|---|---|---|---|---|");
                    }
                    outln!(out, "| {} | {url} | {attr} | {api} | {cli} | {} | {} | {} |", i.name, i.kind.allowed(), i.default, i.doc);
                } else {
                    outln!(
                        out,
                        "{}: {} Allowed: {}. Default: {}. URL {url}; attribute {attr}; API {api}; CLI {cli}.",
                        i.name,
                        i.doc,
                        i.kind.allowed(),
                        i.default
                    );
                }
            }
            write_stdout(&out)
        }
        Command::Run(args) => run_cmd(args),
        Command::Follow { scenario, seed, target, from, hours, scale, set } => {
            let s = run::scenario(&scenario)?;
            let p = apply_sets(scaled_params(&s.params, scale)?, &set, "--set")?;
            let hours = run::check_hours(hours.unwrap_or(s.default_hours)).map_err(|e| Failure::Input(format!("--{e}")))?;
            let who = follow::Target::parse(&target).ok_or_else(|| {
                Failure::Input(format!(
                    "--target: '{}' is not allowed; allowed: {}",
                    inputs::shown(&target),
                    inputs::Kind::Follow.allowed()
                ))
            })?;
            let until = hours * 3600.0;
            if from >= until {
                return Err(Failure::Input(format!("--from: {from} s is not before the run's end ({until} s); allowed: 0 up to --hours")));
            }
            let trigger = p.trigger.start_s;
            let mut w = run::world(&s, p, seed)?;
            let story = follow::tell(&mut w, who, from, until).map_err(|e| Failure::Input(format!("--target: {e}")))?;
            let json: serde_json::Value = serde_json::from_str(&story.to_json(trigger)).expect("the story is JSON");
            for line in json["lines"].as_array().into_iter().flatten() {
                outln!(out, "{:>8}  {}", line["time"].as_str().unwrap_or(""), line["text"].as_str().unwrap_or(""));
            }
            write_stdout(&out)
        }
        Command::Compare(args) => compare_cmd(args),
        Command::Marks { scenarios: names, seed, every_s, scale, out: dest } => {
            use supernode_sim::marks;
            let list = names.iter().map(|n| run::scenario(n)).collect::<Result<Vec<_>, _>>()?;
            std::fs::create_dir_all(&dest).map_err(|e| Failure::Output(format!("cannot make the folder {}: {e}", dest.display())))?;
            let index_path = dest.join("index.json");
            let before = std::fs::read_to_string(&index_path).map(|t| marks::parse_index(&t)).unwrap_or_default();
            let shipped = std::thread::scope(|scope| {
                let jobs: Vec<_> = list
                    .iter()
                    .map(|sc| {
                        let (dest, before) = (&dest, &before);
                        scope.spawn(move || -> Result<(marks::Shipped, u64, bool), Failure> {
                            let s = actions::Session::new(sc.clone(), scaled_params(&sc.params, scale)?, seed)?;
                            let key = marks::session_key(&s);
                            let dir = dest.join(&key);
                            let times = marks::ship_times(sc.default_hours, every_s);
                            // The same key is the same model, run and parameters: marks listed and
                            // present with their header are the marks this run would write.
                            if let Some(old) = before.iter().find(|o| o.key == key && o.times_s == times) {
                                if let Some(bytes) = marks_present(&dir, &key, &times) {
                                    return Ok((old.clone(), bytes, true));
                                }
                            }
                            std::fs::create_dir_all(&dir)
                                .map_err(|e| Failure::Output(format!("cannot make the folder {}: {e}", dir.display())))?;
                            let mut bytes = 0u64;
                            let run = marks::ship(s, &times, |t, mark| {
                                bytes += mark.len() as u64;
                                let path = dir.join(marks::file_name(t));
                                std::fs::write(&path, &mark).map_err(|e| Failure::Output(format!("cannot write {}: {e}", path.display())))
                            })?;
                            Ok((run, bytes, false))
                        })
                    })
                    .collect();
                jobs.into_iter()
                    .map(|j| j.join().unwrap_or_else(|_| Err(Failure::Output("a run panicked".into()))))
                    .collect::<Result<Vec<_>, _>>()
            })?;
            for (run, bytes, kept) in &shipped {
                outln!(
                    out,
                    "{} (seed {}): {} marks, every {every_s} s, {:.1} MB → {}{}",
                    run.scenario,
                    run.seed,
                    run.times_s.len(),
                    *bytes as f64 / 1e6,
                    dest.join(&run.key).display(),
                    if *kept { " (up to date: kept)" } else { "" }
                );
            }
            let runs: Vec<marks::Shipped> = shipped.into_iter().map(|(r, _, _)| r).collect();
            // Marks this command wrote before under keys no longer listed: only the files the old
            // index names, then their folder if that leaves it empty.
            for old in &before {
                let kept = runs.iter().find(|r| r.key == old.key);
                let dir = dest.join(&old.key);
                for &t in old.times_s.iter().filter(|t| !kept.is_some_and(|r| r.times_s.contains(t))) {
                    let _ = std::fs::remove_file(dir.join(marks::file_name(t)));
                }
                if kept.is_none() && std::fs::remove_dir(&dir).is_ok() {
                    outln!(out, "removed the marks of an earlier version: {}", dir.display());
                }
            }
            std::fs::write(&index_path, marks::index_json(&runs))
                .map_err(|e| Failure::Output(format!("cannot write {}: {e}", index_path.display())))?;
            outln!(out, "the index → {}", index_path.display());
            write_stdout(&out)
        }
        Command::Poster { scenario, all, t, seed, width, height, theme, out: dest } => {
            let list: Vec<scenarios::Scenario> = if all { scenarios::all() } else { vec![run::scenario(&scenario)?] };
            if all {
                std::fs::create_dir_all(&dest).map_err(|e| Failure::Output(format!("cannot make the folder {}: {e}", dest.display())))?;
            }
            let one = [Theme::from(theme)];
            let themes: &[Theme] = if all { &Theme::ALL } else { &one };
            for s in &list {
                let at = t.unwrap_or(s.poster_s);
                let mut w = run::world(s, s.params.clone(), seed)?;
                w.run_until(at);
                for &th in themes {
                    let png = posters::draw(&w, th, width, height);
                    let path = if all { dest.join(posters::file_name(s.name, th)) } else { dest.clone() };
                    std::fs::write(&path, &png).map_err(|e| Failure::Output(format!("cannot write {}: {e}", path.display())))?;
                    let when = relative_time(at, s.params.trigger.start_s);
                    outln!(out, "{}: {when} ({at} s), {width}×{height}, {} bytes → {}", s.name, png.len(), path.display());
                }
            }
            if all {
                // The list the element's module imports, so that it asks only for posters that exist.
                let path = dest.join("posters.js");
                std::fs::write(&path, posters::list_module(&list, width, height))
                    .map_err(|e| Failure::Output(format!("cannot write {}: {e}", path.display())))?;
                outln!(out, "the list → {}", path.display());
            }
            write_stdout(&out)
        }
        Command::Bench { scenario, ticks, seed, checkpoints } => {
            let s = run::scenario(&scenario)?;
            if checkpoints {
                return bench_checkpoints(&s, ticks, seed);
            }
            let mut w = run::world(&s, s.params.clone(), seed)?;
            let t0 = Instant::now();
            for _ in 0..ticks {
                w.step();
            }
            let secs = t0.elapsed().as_secs_f64();
            let per_s = ticks as f64 / secs;
            println!(
                "{}: {:.0} ticks/s ({:.3} ms/tick), {} clients, {} supernodes",
                s.name,
                per_s,
                1000.0 / per_s,
                s.params.clients.total,
                s.params.supernodes.count
            );
            Ok(())
        }
    }
}

/// The bytes of run `key`'s marks at `times` in `dir`, if every one is there with its header
/// (the same key: the same model, run and parameters, so the marks this run would write); `None`
/// if any is missing or is not one of them.
fn marks_present(dir: &std::path::Path, key: &str, times: &[f64]) -> Option<u64> {
    use std::io::Read;
    let head = [supernode_sim::marks::MAGIC.as_slice(), key.as_bytes()].concat();
    let mut bytes = 0u64;
    for &t in times {
        let path = dir.join(supernode_sim::marks::file_name(t));
        let mut f = std::fs::File::open(&path).ok()?;
        let mut b = vec![0u8; head.len()];
        f.read_exact(&mut b).ok()?;
        if b != head {
            return None;
        }
        bytes += f.metadata().ok()?.len();
    }
    Some(bytes)
}

/// `bench --checkpoints`: the run with its history, then restoring marks.
fn bench_checkpoints(s: &supernode_sim::scenarios::Scenario, ticks: u64, seed: u64) -> Result<(), Failure> {
    use supernode_sim::actions::Session;
    use supernode_sim::history::{History, DEFAULT_BUDGET_BYTES};
    let mut session = Session::new(s.clone(), s.params.clone(), seed)?;
    let t0 = Instant::now();
    let mut h = History::new(&session, DEFAULT_BUDGET_BYTES);
    h.run_until(&mut session, ticks as f64);
    let secs = t0.elapsed().as_secs_f64();
    let mb = |b: usize| b as f64 / (1 << 20) as f64;
    let sizes: Vec<usize> = h.marks().iter().map(|m| m.bytes()).collect();
    println!(
        "{}: {:.0} ticks/s with history; {} marks, one every {:.0} s on average, {:.1} MB in all ({:.1} MB of marks, largest {:.2} MB, budget {:.0} MB)",
        s.name,
        ticks as f64 / secs,
        h.marks().len(),
        h.mean_spacing_s(),
        mb(h.bytes()),
        mb(sizes.iter().sum()),
        mb(sizes.iter().copied().max().unwrap_or(0)),
        mb(DEFAULT_BUDGET_BYTES)
    );
    // Every mark but the last (where the run already is), as a seek back would restore them.
    let times: Vec<f64> = h.marks().iter().map(|m| m.time_s()).filter(|&t| t < session.world().time_s()).collect();
    let picks: Vec<f64> = times.iter().copied().step_by((times.len() / 8).max(1)).collect();
    let t1 = Instant::now();
    for &t in &picks {
        h.restore(&session, t).ok_or_else(|| Failure::Input(format!("internal: the mark at {t} s did not restore")))?;
    }
    let ms = t1.elapsed().as_secs_f64() * 1000.0 / picks.len().max(1) as f64;
    println!("restoring a mark: {ms:.1} ms (mean over {} marks)", picks.len());
    Ok(())
}

// Flags read through the inputs' one description (src/inputs.rs), as the page reads its URL.
fn whole(v: Checked) -> Option<u64> {
    if let Checked::Whole(n) = v {
        Some(n)
    } else {
        None
    }
}
fn num(v: Checked) -> Option<f64> {
    if let Checked::Number(x) = v {
        Some(x)
    } else {
        None
    }
}
fn seed_arg(s: &str) -> Result<u64, String> {
    inputs::flag("seed", s, whole)
}
fn ticks_arg(s: &str) -> Result<u64, String> {
    inputs::flag("ticks", s, whole)
}
fn hours_arg(s: &str) -> Result<f64, String> {
    inputs::flag("hours", s, num)
}
fn time_arg(s: &str) -> Result<f64, String> {
    inputs::flag("time", s, num)
}
fn scale_arg(s: &str) -> Result<f64, String> {
    inputs::flag("scale", s, num)
}

fn read_params_file(path: &PathBuf) -> Result<serde_json::Value, Failure> {
    let shown = path.display();
    let bytes = std::fs::read(path).map_err(|e| Failure::Input(format!("--params {shown}: cannot read the file: {e}")))?;
    let text = String::from_utf8(bytes)
        .map_err(|_| Failure::Input(format!("--params {shown}: the file is not UTF-8 text; allowed: a JSON object")))?;
    serde_json::from_str(&text).map_err(|e| {
        Failure::Input(format!("--params {shown}: not valid JSON ({e}); allowed: a JSON object as `supernode-sim params` prints"))
    })
}

/// The scenario's parameters at `--scale`, if given.
fn scaled_params(p: &Params, scale: Option<f64>) -> Result<Params, Failure> {
    match scale {
        None => Ok(p.clone()),
        Some(f) => Ok(run::scaled(p, f).map_err(|e| Failure::Input(format!("--{e}")))?),
    }
}

fn apply_sets(mut p: Params, sets: &[String], flag: &str) -> Result<Params, Failure> {
    for kv in sets {
        let (k, v) = kv
            .split_once('=')
            .ok_or_else(|| Failure::Input(format!("{flag} '{kv}': expected KEY=VALUE, e.g. {flag} retry.policy=full-jitter")))?;
        p = p.with_text(k.trim(), v)?;
    }
    Ok(p)
}

fn compare_cmd(a: CompareArgs) -> Result<(), Failure> {
    let s = run::scenario(&a.scenario)?;
    let (set_a, set_b) = if a.set_a.is_empty() && a.set_b.is_empty() {
        let c = s
            .compare
            .as_ref()
            .ok_or_else(|| Failure::Input(format!("{}: no suggested comparison; give --set-a KEY=VALUE and --set-b KEY=VALUE", s.name)))?;
        (vec![format!("{}={}", c.key, c.a)], vec![format!("{}={}", c.key, c.b)])
    } else if a.set_b.is_empty() {
        return Err(Failure::Input("--set-b: missing; give what run B changes, e.g. --set-b retry.policy=full-jitter".into()));
    } else {
        (a.set_a.clone(), a.set_b.clone())
    };
    let base = scaled_params(&s.params, a.scale)?;
    let pa = apply_sets(base.clone(), &set_a, "--set-a")?;
    let pb = apply_sets(base, &set_b, "--set-b")?;
    let hours = run::check_hours(a.hours.unwrap_or(s.default_hours)).map_err(|e| Failure::Input(format!("--{e}")))?;
    let ra = run::run(&s, pa, a.seed, hours)?;
    let rb = run::run(&s, pb, a.seed, hours)?;
    let (sa, sb) = (ra.world.summary(), rb.world.summary());
    let label = |sets: &[String]| {
        sets.iter().map(|kv| kv.split_once('=').map_or(kv.clone(), |(k, v)| compare::label(k.trim(), v))).collect::<Vec<_>>().join(", ")
    };
    let (la, lb) = (label(&set_a), label(&set_b));
    let words = compare::in_words(&la, &lb, &sa, &sb);
    let rows = compare::rows(&sa, &sb);
    let text = match a.format {
        CompareFormat::Json => {
            let ratios: serde_json::Map<String, serde_json::Value> =
                rows.iter().map(|r| (r.label.to_string(), r.ratio().map_or(serde_json::Value::Null, serde_json::Value::from))).collect();
            let v = serde_json::json!({
                "scenario": s.name, "seed": a.seed, "hours": hours,
                "a": {"set": set_a, "summary": sa, "hash": ra.world.series().hash_hex()},
                "b": {"set": set_b, "summary": sb, "hash": rb.world.series().hash_hex()},
                "ratios_b_over_a": ratios,
                "in_words": words,
            });
            format!("{}\n", serde_json::to_string_pretty(&v).expect("serializes"))
        }
        CompareFormat::Text => {
            let mut t = format!("{}, seed {}, {} h\nA: {}\nB: {}\n\n", s.name, a.seed, hours, set_a.join(" "), set_b.join(" "));
            t.push_str(&format!("{:<36} {:>14} {:>14} {:>10}\n", "", "A", "B", "B/A"));
            for r in &rows {
                let ratio =
                    r.ratio().map_or("–".to_string(), |x| if x != 0.0 && x.abs() < 0.01 { format!("{x:.2e}") } else { format!("{x:.3}") });
                t.push_str(&format!("{:<36} {:>14} {:>14} {:>10}\n", r.label, r.show(r.a), r.show(r.b), ratio));
            }
            t.push_str(&format!("{:<36} {:>14} {:>14}\n\n{words}\n", "hash", ra.world.series().hash_hex(), rb.world.series().hash_hex()));
            t
        }
    };
    print!("{text}");
    Ok(())
}

fn run_cmd(a: RunArgs) -> Result<(), Failure> {
    let s = run::scenario(&a.scenario)?;
    let mut p: Params = scaled_params(&s.params, a.scale)?;
    if let Some(path) = &a.params {
        let v = read_params_file(path)?;
        p = p.merged(&v).map_err(|e| Failure::Input(format!("--params {}: {e}", path.display())))?;
    }
    p = apply_sets(p, &a.set, "--set")?;
    let hours = run::check_hours(a.hours.unwrap_or(s.default_hours)).map_err(|e| Failure::Input(format!("--{e}")))?;
    let actions = match &a.actions {
        None => Vec::new(),
        Some(path) => {
            let shown = path.display();
            let bytes = std::fs::read(path).map_err(|e| Failure::Input(format!("--actions {shown}: cannot read the file: {e}")))?;
            let text = String::from_utf8(bytes).map_err(|_| {
                Failure::Input(format!("--actions {shown}: the file is not UTF-8 text; allowed: a JSON list of {{t, a, k, v}}"))
            })?;
            actions::parse_log(&text, &p).map_err(|e| Failure::Input(format!("--actions {shown}: {e}")))?
        }
    };
    let result = run::run_with_actions(&s, p, a.seed, hours, actions)?;
    let text = match a.format {
        Format::Json => {
            let mut t = serde_json::to_string(&result.to_json()).expect("the run serializes");
            t.push('\n');
            t
        }
        Format::Csv => result.world.series().to_csv(),
    };
    match &a.out {
        Some(path) => std::fs::write(path, text).map_err(|e| Failure::Output(format!("--out {}: cannot write: {e}", path.display()))),
        None => write_stdout(&text),
    }
}

/// Writes text to standard output; a closed pipe (`| head`) is not an error worth a message.
fn write_stdout(text: &str) -> Result<(), Failure> {
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|_| out.flush()) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        Err(e) => Err(Failure::Output(format!("cannot write to standard output: {e}"))),
    }
}
