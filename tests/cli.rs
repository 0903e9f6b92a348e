//! The command-line interface as a user meets it: output shapes, and one-line errors with exit
//! code 2 for every kind of bad input.

use std::process::{Command, Output};

fn cli(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_supernode-sim")).args(args).output().expect("the binary runs")
}

fn bad(args: &[&str], must_mention: &[&str]) {
    let out = cli(args);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{args:?}: exit {:?}, stderr {err}", out.status.code());
    assert_eq!(err.trim_end().lines().count(), 1, "{args:?}: not one line: {err}");
    assert!(err.starts_with("error: "), "{args:?}: {err}");
    for m in must_mention {
        assert!(err.contains(m), "{args:?}: '{m}' not in: {err}");
    }
    assert!(!err.contains("panicked"), "{args:?}: {err}");
}

#[test]
fn scenarios_lists_one_line_each() {
    let out = cli(&["scenarios"]);
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    for s in supernode_sim::scenarios::names() {
        assert_eq!(text.lines().filter(|l| l.starts_with(s)).count(), 1, "{s}");
    }
}

#[test]
fn params_prints_every_documented_key() {
    let out = cli(&["params", "--scenario", "skype-2010"]);
    assert!(out.status.success());
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    for f in supernode_sim::model::params::FIELDS {
        let mut cur = &v;
        for part in f.key.split('.') {
            cur = &cur[part];
        }
        assert!(!cur.is_null(), "{} missing", f.key);
    }
}

#[test]
fn run_json_has_the_documented_shape() {
    let out = cli(&[
        "run",
        "--scenario",
        "baseline",
        "--hours",
        "0.5",
        "--set",
        "clients.total=20000",
        "--set",
        "supernodes.count=100",
        "--seed",
        "4",
    ]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let keys: Vec<&str> = v.as_object().unwrap().keys().map(|k| k.as_str()).collect();
    assert_eq!(keys, ["scenario", "seed", "params", "series", "events", "summary", "hash"]);
    assert_eq!(v["seed"], 4);
    assert_eq!(v["params"]["clients"]["total"], 20000);
    assert_eq!(v["series"]["t_s"].as_array().unwrap().len(), 30);
    for k in [
        "trigger_t_s",
        "supernodes_lost_first_hour_fraction",
        "peak_sn_load_ratio",
        "min_clients_online_fraction",
        "time_to_90pct_recovery_s",
        "total_connect_attempts",
    ] {
        assert!(v["summary"].get(k).is_some(), "summary.{k}");
    }
    assert_eq!(v["hash"].as_str().unwrap().len(), 16);
}

#[test]
fn run_csv_and_out_file() {
    let dir = std::env::temp_dir().join(format!("snsim-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("series.csv");
    let out = cli(&[
        "run",
        "--scenario",
        "baseline",
        "--hours",
        "0.25",
        "--set",
        "clients.total=5000",
        "--set",
        "supernodes.count=50",
        "--format",
        "csv",
        "--out",
        path.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let text = std::fs::read_to_string(&path).unwrap();
    let mut lines = text.lines();
    assert!(lines.next().unwrap().starts_with("t_s,clients_online,clients_total"));
    assert_eq!(lines.count(), 15);
}

#[test]
fn params_file_overrides_and_set_applies_after_it() {
    let dir = std::env::temp_dir().join(format!("snsim-cli-p-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("p.json");
    std::fs::write(&path, r#"{"clients": {"total": 3000}, "supernodes": {"count": 40}, "retry": {"policy": "fixed"}}"#).unwrap();
    let out =
        cli(&["run", "--scenario", "baseline", "--hours", "0.1", "--params", path.to_str().unwrap(), "--set", "retry.policy=full-jitter"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["params"]["clients"]["total"], 3000);
    assert_eq!(v["params"]["retry"]["policy"], "full-jitter");
}

#[test]
fn bad_input_is_one_line_and_exit_2() {
    bad(&["run", "--scenario", "nope"], &["scenario", "skype-2010"]);
    bad(&["params", "--scenario", "nope"], &["scenario"]);
    bad(&["run", "--set", "no.such.key=1"], &["no.such.key", "unknown"]);
    bad(&["run", "--set", "retry.policy=sometimes"], &["retry.policy", "full-jitter"]);
    bad(&["run", "--set", "clients.buggy_fraction=1.5"], &["clients.buggy_fraction", "0 to 1"]);
    bad(&["run", "--set", "clients.buggy_fraction=NaN"], &["clients.buggy_fraction"]);
    bad(&["run", "--set", "supernodes.count=-3"], &["supernodes.count"]);
    bad(&["run", "--set", "supernodes.count=1e30"], &["supernodes.count"]);
    bad(&["run", "--set", "supernodes.operator_hosted=maybe"], &["supernodes.operator_hosted"]);
    bad(&["run", "--set", "retry.policy"], &["KEY=VALUE"]);
    bad(&["run", "--set", "retry.cap_s=0.5"], &["retry.cap_s", "retry.base_s"]);
    bad(&["run", "--hours", "0"], &["hours", "720"]);
    bad(&["run", "--hours", "721"], &["hours", "720"]);
    bad(&["run", "--hours", "-1"], &["hours"]);
    bad(&["run", "--hours", "NaN"], &["hours"]);
    bad(&["run", "--hours", "inf"], &["hours"]);
    bad(&["run", "--format", "xml"], &["format", "json", "csv"]);
    bad(&["run", "--seed", "abc"], &["seed"]);
    bad(&["run", "--params", "/definitely/not/here.json"], &["--params", "cannot read"]);
    bad(&["bench", "--ticks", "0"], &["--ticks"]);
    // Flags go through the same description of the inputs as the page's URL and attributes.
    bad(&["run", "--seed", "-1"], &["seed", "9007199254740991"]);
    bad(&["run", "--seed", "9007199254740992"], &["seed", "9007199254740991"]);
    bad(&["run", "--scale", "0"], &["scale", "more than 0"]);
    bad(&["compare", "--seed", "1e3"], &["seed"]);
    bad(&["frobnicate"], &["frobnicate"]);
}

#[test]
fn bad_params_files() {
    let dir = std::env::temp_dir().join(format!("snsim-cli-bad-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let cases: [(&str, &[u8], &[&str]); 5] = [
        ("binary.json", &[0xff, 0xfe, 0x00, 0x41], &["UTF-8"]),
        ("truncated.json", br#"{"mega": "#, &["not valid JSON"]),
        ("wrong-type.json", br#"{"mega": {"count": "many"}}"#, &["mega.count", "whole number"]),
        ("unknown.json", br#"{"mega": {"cont": 3}}"#, &["mega.cont", "unknown"]),
        ("array.json", b"[1, 2]", &["JSON object"]),
    ];
    for (name, bytes, mention) in cases {
        let p = dir.join(name);
        std::fs::write(&p, bytes).unwrap();
        bad(&["run", "--params", p.to_str().unwrap()], mention);
    }
}

#[test]
fn bench_prints_one_line() {
    let out = cli(&["bench", "--scenario", "baseline", "--ticks", "50"]);
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    assert_eq!(text.lines().count(), 1);
    assert!(text.starts_with("baseline: ") && text.contains("ticks/s") && text.contains("23000000 clients, 48000 supernodes"), "{text}");
}

#[test]
fn keys_cover_every_field() {
    let out = cli(&["keys", "--markdown"]);
    let text = String::from_utf8(out.stdout).unwrap();
    for f in supernode_sim::model::params::FIELDS {
        assert!(text.contains(&format!("`{}`", f.key)), "{}", f.key);
    }
}

#[test]
fn readme_documents_every_key() {
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    for f in supernode_sim::model::params::FIELDS {
        assert!(readme.contains(&format!("`{}`", f.key)), "README lacks {}", f.key);
    }
}

#[test]
fn readme_lists_every_input_as_the_cli_prints_it() {
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let table = String::from_utf8(cli(&["inputs", "--markdown"]).stdout).unwrap();
    for line in table.lines() {
        assert!(
            readme.contains(line),
            "README's Inputs table lacks (or differs in) the line:\n{line}\nRun `supernode-sim inputs --markdown`."
        );
    }
    assert_eq!(table.lines().count(), supernode_sim::inputs::INPUTS.len() + 2);
}

#[test]
fn compare_prints_both_summaries_ratios_and_words() {
    let out = cli(&[
        "compare",
        "--scenario",
        "lesson-jitter",
        "--set-a",
        "retry.policy=immediate",
        "--set-b",
        "retry.policy=full-jitter",
        "--hours",
        "3",
    ]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("A: retry.policy=immediate") && text.contains("B: retry.policy=full-jitter"), "{text}");
    assert!(text.contains("total connection attempts") && text.contains("B/A"), "{text}");
    assert!(text.contains("full-jitter: ") && text.contains("fewer connection attempts"), "{text}");
    let out = cli(&["compare", "--scenario", "lesson-bulkhead", "--hours", "2", "--format", "json"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["a"]["set"][0], "services.web.shared=false");
    assert_eq!(v["b"]["set"][0], "services.web.shared=true");
    assert!(v["ratios_b_over_a"]["total connection attempts"].is_number());
    bad(&["compare", "--scenario", "baseline"], &["--set-a", "--set-b"]);
    bad(&["compare", "--set-b", "retry.policy=sometimes"], &["retry.policy"]);
    bad(&["compare", "--set-a", "retry.policy=fixed"], &["--set-b"]);
}

#[test]
fn poster_draws_every_scenario_and_lists_them_for_the_element() {
    let dir = std::env::temp_dir().join(format!("snsim-posters-{}", std::process::id()));
    let out = cli(&["poster", "--all", "--width", "160", "--height", "120", "--out", dir.to_str().unwrap()]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let list = std::fs::read_to_string(dir.join("posters.js")).unwrap();
    let json = list.lines().find_map(|l| l.strip_prefix("export const POSTERS = ")).unwrap().trim_end_matches(';');
    let v: serde_json::Value = serde_json::from_str(json).unwrap();
    for s in supernode_sim::scenarios::all() {
        let png = std::fs::read(dir.join(format!("{}.png", s.name))).unwrap();
        assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n", "{}", s.name);
        assert_eq!(u32::from_be_bytes(png[16..20].try_into().unwrap()), 160);
        assert_eq!(v[s.name]["file"], format!("{}.png", s.name));
        assert_eq!(v[s.name]["dark"], format!("{}-dark.png", s.name));
        let dark = std::fs::read(dir.join(format!("{}-dark.png", s.name))).unwrap();
        assert_ne!(dark, png, "{}: the dark poster is the light one", s.name);
        assert_eq!(v[s.name]["t_s"], s.poster_s);
        assert_eq!(v[s.name]["title"], s.title);
    }
    std::fs::remove_dir_all(&dir).unwrap();
    bad(&["poster", "--t", "-1", "--out", "x.png"], &["time", "simulated seconds"]);
    bad(&["poster", "--width", "10", "--out", "x.png"], &["--width", "64..=4096"]);
    bad(&["poster", "--scenario", "skype-2099", "--out", "x.png"], &["scenario", "skype-2010"]);
}

#[test]
fn follow_tells_a_story_in_simulated_time_and_names_a_bad_target() {
    let out = cli(&["follow", "--target", "40", "--scale", "0.02", "--hours", "5", "--from", "3000"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert!(lines[0].trim_start().starts_with("T-0:10  Following supernode #40 (peer)"), "{text}");
    assert!(lines.len() > 2, "{text}");
    assert!(lines[1..].iter().all(|l| l.trim_start().starts_with("T+")), "{text}");
    // A client: the same story twice (its draws come from its own stream).
    let a = cli(&["follow", "--target", "40.0", "--scale", "0.02", "--hours", "3"]);
    let b = cli(&["follow", "--target", "40.0", "--scale", "0.02", "--hours", "3"]);
    assert!(a.status.success());
    assert_eq!(a.stdout, b.stdout);
    assert!(String::from_utf8_lossy(&a.stdout).contains("Following client 40.0"));
    bad(&["follow", "--target", "4x"], &["--target", "'4x'", "allowed"]);
    bad(&["follow", "--target", "99999", "--scale", "0.02", "--hours", "1"], &["--target", "99999", "allowed: 0 to 999"]);
    bad(&["follow", "--target", "3.100000", "--scale", "0.02", "--hours", "1"], &["--target", "allowed slots"]);
    bad(&["follow", "--target", "3", "--hours", "1", "--from", "7200"], &["--from", "allowed"]);
}

#[test]
fn marks_writes_each_run_at_its_spacing_and_an_index_and_removes_only_the_marks_it_listed_before() {
    let dir = std::env::temp_dir().join(format!("snsim-marks-{}", std::process::id()));
    let out = cli(&["marks", "--scenario", "lesson-jitter", "--scale", "0.01", "--every-s", "7200", "--out", dir.to_str().unwrap()]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let index: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(dir.join("index.json")).unwrap()).unwrap();
    let (key, run) = index.as_object().unwrap().iter().next().unwrap();
    assert_eq!(run["scenario"], "lesson-jitter");
    assert_eq!(run["seed"], 1);
    let hours = supernode_sim::scenarios::find("lesson-jitter").unwrap().default_hours;
    let times: Vec<f64> = run["times_s"].as_array().unwrap().iter().map(|t| t.as_f64().unwrap()).collect();
    assert_eq!(times, (1..=(hours as usize / 2)).map(|k| k as f64 * 7200.0).collect::<Vec<_>>());
    for t in &times {
        let bytes = std::fs::read(dir.join(key).join(format!("{t}.mark"))).unwrap();
        assert_eq!(&bytes[..8], b"SNSMARK1");
    }
    // The same again: the marks are there under the same key, so they are kept, not rewritten.
    let first = dir.join(key).join("7200.mark");
    let written = std::fs::metadata(&first).unwrap().modified().unwrap();
    let out = cli(&["marks", "--scenario", "lesson-jitter", "--scale", "0.01", "--every-s", "7200", "--out", dir.to_str().unwrap()]);
    assert!(String::from_utf8_lossy(&out.stdout).contains("up to date: kept"), "{}", String::from_utf8_lossy(&out.stdout));
    assert_eq!(std::fs::metadata(&first).unwrap().modified().unwrap(), written);
    // A damaged one is written again.
    std::fs::write(&first, b"not a mark").unwrap();
    let out = cli(&["marks", "--scenario", "lesson-jitter", "--scale", "0.01", "--every-s", "7200", "--out", dir.to_str().unwrap()]);
    assert!(!String::from_utf8_lossy(&out.stdout).contains("up to date"));
    assert_eq!(&std::fs::read(&first).unwrap()[..8], b"SNSMARK1");
    // Another run into the same folder: the first run's marks (listed in the old index) go, a
    // file the command did not write stays.
    std::fs::write(dir.join(key).join("notes.txt"), "mine").unwrap();
    let out = cli(&[
        "marks",
        "--scenario",
        "lesson-jitter",
        "--scale",
        "0.01",
        "--seed",
        "2",
        "--every-s",
        "7200",
        "--out",
        dir.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(!dir.join(key).join("7200.mark").exists());
    assert!(dir.join(key).join("notes.txt").exists());
    let index: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(dir.join("index.json")).unwrap()).unwrap();
    assert_eq!(index.as_object().unwrap().len(), 1);
    assert_ne!(index.as_object().unwrap().keys().next().unwrap(), key);
    std::fs::remove_dir_all(&dir).unwrap();
    bad(&["marks", "--scenario", "skype-2099", "--out", "x"], &["scenario", "skype-2010"]);
    bad(&["marks", "--scenario", "skype-2010", "--every-s", "5", "--out", "x"], &["--every-s", "60 to 86400"]);
}
