//! Fuzzing the one description of every input (src/inputs.rs): random and adversarial text,
//! numbers at the edges and unicode, for every input the page, the element and the CLI take.
//! Checking never panics; every rejection names its field; whatever is accepted builds a run
//! that keeps the model's invariants for a simulated while.

use proptest::prelude::*;
use supernode_sim::actions::Session;
use supernode_sim::inputs::{self, Checked, Kind, INPUTS};
use supernode_sim::model::params::FIELDS;
use supernode_sim::{run, scenarios};

/// Text a hostile user would try, whatever the field.
const HOSTILE: &[&str] = &[
    "",
    " ",
    "\t\n",
    "0",
    "-0",
    "+1",
    "1.",
    ".5",
    "1e3",
    "1E-3",
    "1e309",
    "-1e309",
    "1e-400",
    "NaN",
    "nan",
    "inf",
    "Infinity",
    "-Infinity",
    "0x10",
    "0b1",
    "1_000",
    "1,5",
    "٣",
    "１２３",
    "9007199254740991",
    "9007199254740992",
    "18446744073709551615",
    "18446744073709551616",
    "99999999999999999999999999",
    "__proto__",
    "constructor",
    "prototype",
    "toString",
    "hasOwnProperty",
    "<script>alert(1)</script>",
    "\"><img src=x onerror=alert(1)>",
    "javascript:alert(1)",
    "'",
    "\"",
    "\\",
    "\u{0}",
    "\u{202e}evil",
    "\u{feff}1",
    "%00",
    "%",
    "{}",
    "[]",
    "null",
    "true",
    "false",
    "{\"__proto__\":{\"polluted\":1}}",
    "{\"constructor\":{\"prototype\":{\"x\":1}}}",
    "[{\"t\":1,\"a\":\"do\",\"k\":\"fix\"}]",
    "[{\"t\":1e30,\"a\":\"do\",\"k\":\"fix\"}]",
    "[{\"t\":-1,\"a\":\"do\",\"k\":\"fix\"}]",
    "[{\"t\":1,\"a\":\"do\",\"k\":\"__proto__\"}]",
    "[{\"t\":1,\"a\":\"set\",\"k\":\"constructor\",\"v\":\"1\"}]",
    "[[[[[[[[[[[[[[[[[[[[",
    "{\"a\":",
    "full",
    "minimal",
    "none",
    "on",
    "off",
    "local",
    "global",
    "skype-2010",
    "480px",
    "480 px",
    "120",
    "4000",
    "4000.0001",
    "1440",
    "1440.0000001",
    "2592000",
    "2592000.5",
    "720",
    "1",
    "0.0",
    "-",
    "e",
    "1e",
    "..",
    "--1",
];

/// Any text: hostile, random unicode, or a number written at and around an edge.
fn text() -> impl Strategy<Value = String> {
    let edges: Vec<f64> = INPUTS
        .iter()
        .flat_map(|i| match i.kind {
            Kind::Number { min, max, .. } | Kind::Pixels { min, max } => vec![min, max],
            Kind::Whole { min, max } => vec![min as f64, max as f64],
            Kind::Seed => vec![0.0, inputs::MAX_SEED as f64],
            _ => vec![],
        })
        .collect();
    prop_oneof![
        prop::sample::select(HOSTILE.to_vec()).prop_map(String::from),
        any::<String>(),
        "[0-9eE.+-]{0,24}",
        (prop::sample::select(edges), -2i32..=2, any::<bool>()).prop_map(|(x, k, int)| {
            let v = x + f64::from(k) * if int { 1.0 } else { 1e-9 * x.abs().max(1.0) };
            if int {
                format!("{}", v.round())
            } else {
                format!("{v}")
            }
        }),
        any::<f64>().prop_map(|x| format!("{x}")),
        any::<u64>().prop_map(|n| n.to_string()),
        prop::collection::vec(any::<char>(), 0..400).prop_map(|v| v.into_iter().collect()),
    ]
}

fn scenario_name() -> impl Strategy<Value = &'static str> {
    prop::sample::select(scenarios::names())
}

/// A small run of `scenario` with parameters `p` and `actions`: every invariant holds.
fn small_run(
    scenario: &str,
    p: supernode_sim::Params,
    seed: u64,
    actions: Vec<supernode_sim::actions::Action>,
) -> Result<(), TestCaseError> {
    let s = scenarios::find(scenario).unwrap();
    let p = run::scaled(&p, 0.002).map_err(|e| TestCaseError::fail(format!("valid parameters, not valid at a small scale: {e}")))?;
    let mut session = Session::new(s, p, seed).map_err(|e| TestCaseError::fail(format!("accepted, then refused: {e}")))?;
    session.replay(actions);
    for _ in 0..20 {
        session.step(60);
        session.world().check_invariants().map_err(|e| TestCaseError::fail(format!("at t={}: {e}", session.world().time_s())))?;
    }
    Ok(())
}

/// A parameter-overrides object: known keys with hostile or in-range values, unknown and
/// prototype keys, nested or dotted.
fn overrides_json() -> impl Strategy<Value = String> {
    let key = prop_oneof![
        4 => prop::sample::select(FIELDS.iter().map(|f| f.key.to_string()).collect::<Vec<_>>()),
        1 => prop::sample::select(vec!["__proto__", "constructor", "prototype", "mega.__proto__", "retry.", ".", ""]).prop_map(String::from),
        1 => "[a-z_.]{1,20}",
    ];
    let value = prop_oneof![
        text().prop_map(serde_json::Value::from),
        any::<f64>().prop_map(|x| serde_json::json!(x)),
        (0u64..300).prop_map(serde_json::Value::from),
        (0.0f64..1.0).prop_map(serde_json::Value::from),
        any::<bool>().prop_map(serde_json::Value::from),
        Just(serde_json::json!({"count": 3})),
        Just(serde_json::Value::Null),
    ];
    prop::collection::vec((key, value), 0..6).prop_map(|kv| {
        // Written by hand, so duplicate and prototype keys reach the parser as written.
        let body: Vec<String> = kv.iter().map(|(k, v)| format!("{}:{}", serde_json::Value::from(k.as_str()), v)).collect();
        format!("{{{}}}", body.join(","))
    })
}

/// A value for a parameter as text: in its range (its ends or between), or hostile.
fn value_for(key: &'static str) -> BoxedStrategy<String> {
    use supernode_sim::model::params::{field_spec, FieldKind};
    match field_spec(key).map(|f| f.kind) {
        Some(FieldKind::Int { min, max }) => prop_oneof![3 => (min..=max).prop_map(|n| n.to_string()), 1 => text()].boxed(),
        Some(FieldKind::Float { min, max }) => prop_oneof![3 => (min..=max).prop_map(|x| format!("{x}")), 1 => text()].boxed(),
        Some(FieldKind::Bool) => prop_oneof![Just("true".to_string()), Just("off".to_string()), text()].boxed(),
        Some(FieldKind::Enum(names)) => prop_oneof![3 => prop::sample::select(names.to_vec()).prop_map(String::from), 1 => text()].boxed(),
        None => text().boxed(),
    }
}

/// An action log: mostly good entries of every kind, some bad ones (unknown kinds, keys and
/// interventions, values out of range, times out of order or beyond the run).
fn actions_json() -> impl Strategy<Value = String> {
    let live_keys: Vec<&'static str> =
        vec!["failsafe.threshold", "retry.policy", "host_cache.size", "mega.count", "admission.logins_per_s", "retry.cap_s"];
    let good = prop_oneof![
        prop::sample::select(vec!["megas", "fix", "rollback", "rebalance", "admission", "repurpose"])
            .prop_map(|k| serde_json::json!({"a": "do", "k": k})),
        (0u32..2000).prop_map(|i| serde_json::json!({"a": "toggle", "k": i.to_string()})),
        prop::sample::select(live_keys).prop_flat_map(|k| value_for(k).prop_map(move |v| serde_json::json!({"a": "set", "k": k, "v": v}))),
    ];
    let bad = prop_oneof![
        (text(), text()).prop_map(|(a, k)| serde_json::json!({"a": a, "k": k})),
        prop::sample::select(vec!["__proto__", "constructor", "nope"]).prop_map(|k| serde_json::json!({"a": "do", "k": k})),
        Just(serde_json::json!({"a": "set", "k": "__proto__", "v": "1"})),
        Just(serde_json::json!({"a": "do", "k": "fix", "x": 1})),
        Just(serde_json::json!("fix")),
    ];
    let entry = (prop_oneof![9 => good, 1 => bad], prop_oneof![20 => 0u64..1200, 1 => Just(3_000_000u64), 1 => Just(u64::MAX)]);
    (prop::collection::vec(entry, 0..8), prop::bool::weighted(0.2), 0u8..10).prop_map(|(mut es, shuffle, drop_t)| {
        if !shuffle {
            es.sort_by_key(|(_, t)| *t);
        }
        let list: Vec<serde_json::Value> = es
            .into_iter()
            .map(|(mut e, t)| {
                if let (Some(o), true) = (e.as_object_mut(), drop_t > 0) {
                    o.insert("t".into(), t.into());
                }
                e
            })
            .collect();
        serde_json::Value::Array(list).to_string()
    })
}

/// A seed as text: mostly digits (some past the largest seed), sometimes anything.
fn seed_text() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => any::<u64>().prop_map(|n| (n >> (n % 40)).to_string()),
        1 => Just(inputs::MAX_SEED.to_string()),
        1 => text(),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, .. ProptestConfig::default() })]

    /// Every input, any text: no panic; a rejection names the field and shows the value short.
    #[test]
    fn checking_never_panics_and_names_the_field(t in text(), scenario in scenario_name()) {
        for i in INPUTS {
            match i.check(&t, scenario, None) {
                Ok(v) => {
                    // What is accepted is what the description allows.
                    match (i.kind, &v) {
                        (Kind::Number { min, max, above_min, .. }, Checked::Number(x)) => {
                            prop_assert!(x.is_finite() && *x <= max && if above_min { *x > min } else { *x >= min }, "{}: {x}", i.name);
                        }
                        (Kind::Seed, Checked::Whole(n)) => prop_assert!(*n <= inputs::MAX_SEED),
                        (Kind::Choice { names, empty }, Checked::Name(n)) => prop_assert!(names.contains(&n.as_str()) || n == empty),
                        _ => {}
                    }
                }
                Err(e) => {
                    let m = e.to_string();
                    prop_assert!(m.starts_with(i.name) || m.starts_with("params") || m.starts_with("actions"), "{}: {m}", i.name);
                    prop_assert!(m.chars().count() < 600, "{}: a message of {} characters", i.name, m.chars().count());
                    prop_assert!(!m.chars().any(|c| c.is_control() && c != '\n'), "{}: a control character in {m:?}", i.name);
                }
            }
        }
    }

    /// A URL's parameters, any names and values: no panic, and every attribute it gives is one
    /// the element observes.
    #[test]
    fn any_url_reads(
        pairs in prop::collection::vec((prop_oneof![text(), "[a-z.]{1,12}", Just("p.__proto__".to_string()), Just("controls".to_string())], text()), 0..12),
        embed in any::<bool>(),
    ) {
        // As index.html (nothing set by the page) and as embed.html (controls and height set).
        let page: Vec<(String, String)> =
            if embed { vec![("controls".into(), "minimal".into()), ("height".into(), "420".into())] } else { Vec::new() };
        let q = inputs::read_query(&pairs, &page);
        for (a, v) in &q.attributes {
            if page.iter().any(|(p, _)| p == a) {
                prop_assert!(inputs::by_attribute(a).unwrap().check(v, "", None).is_ok(), "{a}={v} replaced the page's own");
            }
        }
        for (a, _) in &q.attributes {
            prop_assert!(INPUTS.iter().any(|i| i.attribute == Some(a.as_str())), "{a}");
        }
        for e in &q.errors {
            // The name is shown short (control characters escaped), whatever its length.
            prop_assert!(e.to_string().chars().count() < 800, "{e}");
            prop_assert!(!e.to_string().chars().any(char::is_control), "{e:?}");
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, .. ProptestConfig::default() })]

    /// Parameter overrides key by key: what is kept is valid, and runs.
    #[test]
    fn accepted_overrides_run(json in overrides_json(), scenario in scenario_name(), seed in 0u64..=inputs::MAX_SEED) {
        let s = scenarios::find(scenario).unwrap();
        let (p, errors) = inputs::overrides(&s.params, &json);
        prop_assert!(p.validate().is_ok(), "{json} gave invalid parameters");
        for e in &errors {
            prop_assert!(e.field.starts_with("params"), "{e}");
        }
        small_run(scenario, p, seed, Vec::new())?;
    }

    /// Action logs entry by entry: a log is accepted whole or rejected naming an entry; an
    /// accepted one replays without breaking an invariant.
    #[test]
    fn accepted_logs_replay(json in actions_json(), scenario in scenario_name()) {
        match inputs::check("actions", &json, scenario) {
            Ok(Checked::Actions(log)) => {
                prop_assert!(log.windows(2).all(|w| w[0].t <= w[1].t));
                small_run(scenario, scenarios::find(scenario).unwrap().params, 1, log)?;
            }
            Ok(other) => prop_assert!(false, "actions gave {other:?}"),
            Err(e) => prop_assert!(e.field.starts_with("actions"), "{e}"),
        }
    }

    /// A seed and a scenario as text: accepted ones run.
    #[test]
    fn accepted_seeds_run(t in seed_text(), scenario in scenario_name()) {
        if let Ok(Checked::Whole(seed)) = inputs::check("seed", &t, scenario) {
            small_run(scenario, scenarios::find(scenario).unwrap().params, seed, Vec::new())?;
        }
    }
}
