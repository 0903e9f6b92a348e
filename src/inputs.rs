//! Every input a user can give the simulator, described once: the page's URL parameters, the
//! element's attributes, its API arguments, action logs and the CLI's flags. Each [`Input`] says
//! where it is read, what it allows, what it means and what happens when it is wrong; [`check`]
//! is the one place that decides. The page, the element and `embed.html` ask it through the
//! WebAssembly glue (`web::check_input`, `web::query_inputs`, `web::check_overrides`), the CLI
//! calls it directly, so no copy of a range or a name lives anywhere else.
//!
//! The rule for bad input is the same everywhere: the value is rejected with a message naming
//! the field, the value (shortened, shown as text) and what is allowed, and the default is used.
//! The CLI, which has no default to fall back on, stops with that message instead.

use serde_json::{Map, Value};

use crate::actions::{self, Action, MAX_ACTIONS};
pub use crate::model::params::shown;
use crate::model::params::{field_spec, fmt_num, ParamError, MAX_TIME_S};
use crate::model::Params;
use crate::scenarios;

/// Largest seed: the largest whole number a JavaScript number holds exactly, so that a seed in
/// a link means the same run in the page and in the CLI.
pub const MAX_SEED: u64 = (1 << 53) - 1;

/// The page's fastest clock, in simulated seconds per real second: a simulated day per minute.
pub const MAX_SPEED: f64 = 1440.0;

/// The speeds the page's menu offers, in simulated seconds per real second, with their labels.
pub const SPEEDS: &[(f64, &str)] = &[(1.0, "real time"), (10.0, "10×"), (60.0, "1 min/s"), (600.0, "10 min/s"), (MAX_SPEED, "1 day/min")];

/// The page's clock speed when none is given: the fastest.
pub const DEFAULT_SPEED: f64 = MAX_SPEED;

/// Longest run, in simulated hours (the same limit as every timed parameter's).
pub const MAX_HOURS: f64 = MAX_TIME_S / 3600.0;

/// The picture's height limits, in CSS pixels.
pub const HEIGHT_PX: (f64, f64) = (120.0, 4000.0);

/// What an input accepts.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Kind {
    /// A scenario's name.
    Scenario,
    /// A whole number from 0 to [`MAX_SEED`], written in decimal digits.
    Seed,
    /// A finite number from `min` (excluded if `above_min`) to `max`, in `unit`.
    Number {
        /// Smallest value.
        min: f64,
        /// Whether `min` itself is excluded.
        above_min: bool,
        /// Largest value.
        max: f64,
        /// What the number counts, in words.
        unit: &'static str,
    },
    /// A whole number from `min` to `max`.
    Whole {
        /// Smallest value.
        min: u64,
        /// Largest value.
        max: u64,
    },
    /// Whom to follow: a supernode's index (`31204`) or a client's place (`31204.17`).
    Follow,
    /// A length in CSS pixels (`480` or `480px`) from `min` to `max`.
    Pixels {
        /// Smallest value.
        min: f64,
        /// Largest value.
        max: f64,
    },
    /// One of `names`; an empty value means `empty` (an attribute written without a value).
    Choice {
        /// The names allowed.
        names: &'static [&'static str],
        /// What an empty value means.
        empty: &'static str,
    },
    /// Parameter overrides: a JSON object of dotted keys (or nested as `params` prints), each
    /// checked against the parameter table.
    Params,
    /// A log of live actions: a JSON list of `{t, a, k, v}`, each entry checked.
    Actions,
    /// A URL, absolute or relative to the page (no spaces or control characters, at most
    /// [`MAX_URL_CHARS`] characters); the browser fetches it.
    Url,
}

/// The longest URL an input takes.
pub const MAX_URL_CHARS: usize = 2048;

/// One input: its name, where it is read, what it allows and what it means.
#[derive(Clone, Copy, Debug)]
pub struct Input {
    /// The name messages use.
    pub name: &'static str,
    /// URL parameters of `index.html` and `embed.html` that carry it (empty: none).
    pub url: &'static [&'static str],
    /// The `<supernode-sim>` attribute that carries it, if any.
    pub attribute: Option<&'static str>,
    /// The element's API that takes it, if any.
    pub api: Option<&'static str>,
    /// The CLI flag that takes it, if any.
    pub cli: Option<&'static str>,
    /// What it accepts.
    pub kind: Kind,
    /// The value used when it is absent or wrong, in words.
    pub default: &'static str,
    /// What it means.
    pub doc: &'static str,
}

const ON_OFF: &[&str] = &["on", "off"];

/// Every input. The README's "Inputs" table is printed from it (`supernode-sim inputs --markdown`).
pub const INPUTS: &[Input] = &[
    Input {
        name: "scenario",
        url: &["scenario"],
        attribute: Some("scenario"),
        api: None,
        cli: Some("--scenario"),
        kind: Kind::Scenario,
        default: "skype-2010",
        doc: "Which incident or lesson to run (`supernode-sim scenarios` lists them).",
    },
    Input {
        name: "seed",
        url: &["seed"],
        attribute: Some("seed"),
        api: None,
        cli: Some("--seed"),
        kind: Kind::Seed,
        default: "1",
        doc: "Seed of the random number generator: the same seed, parameters and actions give the same run, bit for bit.",
    },
    Input {
        name: "speed",
        url: &["speed"],
        attribute: Some("speed"),
        api: None,
        cli: None,
        kind: Kind::Number { min: 0.0, above_min: true, max: MAX_SPEED, unit: "simulated seconds per real second" },
        default: "1440 (a simulated day per real minute)",
        doc: "How fast the clock runs.",
    },
    Input {
        name: "time",
        url: &["t", "time"],
        attribute: Some("time"),
        api: Some("seek(t_s)"),
        cli: Some("poster --t"),
        kind: Kind::Number { min: 0.0, above_min: false, max: MAX_TIME_S, unit: "simulated seconds" },
        default: "0",
        doc: "The moment to show: the run is computed up to it, from its nearest saved mark (or one shipped with the page: pkg/marks/).",
    },
    Input {
        name: "controls",
        url: &["controls"],
        attribute: Some("controls"),
        api: None,
        cli: None,
        kind: Kind::Choice { names: &["full", "minimal", "none"], empty: "full" },
        default: "full",
        doc: "How much of the toolbar and the parameter panel the element shows.",
    },
    Input {
        name: "slow-motion",
        url: &["slow-motion"],
        attribute: Some("slow-motion"),
        api: None,
        cli: None,
        kind: Kind::Choice { names: ON_OFF, empty: "on" },
        default: "on",
        doc: "Ease the clock to a simulated minute per second around the cascade's bursts.",
    },
    Input {
        name: "autoplay",
        url: &["autoplay"],
        attribute: Some("autoplay"),
        api: None,
        cli: None,
        kind: Kind::Choice { names: ON_OFF, empty: "on" },
        default: "off for the element; on for the page unless the link gives a time",
        doc: "Start playing once loaded (written alone, `autoplay` means on).",
    },
    Input {
        name: "height",
        url: &["height"],
        attribute: Some("height"),
        api: None,
        cli: None,
        kind: Kind::Pixels { min: HEIGHT_PX.0, max: HEIGHT_PX.1 },
        default: "520 px; 360 px in an element 760 px wide or narrower",
        doc: "The picture's height.",
    },
    Input {
        name: "theme",
        url: &["theme"],
        attribute: Some("theme"),
        api: None,
        cli: None,
        kind: Kind::Choice { names: &["auto", "light", "dark"], empty: "auto" },
        default: "auto",
        doc: "Colours: auto follows the host page where it says its theme (`data-theme` or `data-bs-theme`, a `dark` or `light` class or mdBook's theme classes, or a single `color-scheme`, on its root element), else the reader's system; or always light or dark.",
    },
    Input {
        name: "loading",
        url: &[],
        attribute: Some("loading"),
        api: None,
        cli: None,
        kind: Kind::Choice { names: &["lazy", "eager"], empty: "lazy" },
        default: "lazy",
        doc: "When the element fetches its code and WebAssembly: lazy, when it nears the viewport (or is used: a click on its poster, a method called); eager, at once. Until then it shows its poster. The page and `embed.html` are eager.",
    },
    Input {
        name: "reveal",
        url: &[],
        attribute: Some("reveal"),
        api: Some("reveal()"),
        cli: None,
        kind: Kind::Choice { names: &["auto", "interaction"], empty: "auto" },
        default: "auto",
        doc: "What starts it: auto, as `loading` says; interaction, only a click (or Enter) on its poster or a method called, however near the viewport.",
    },
    Input {
        name: "poster",
        url: &[],
        attribute: Some("poster"),
        api: None,
        cli: Some("poster --out FILE.png"),
        kind: Kind::Url,
        default: "the scenario's poster, drawn by `make pkg` (pkg/posters/<scenario>.png)",
        doc: "The still picture shown until the element starts, with a play button over it.",
    },
    Input {
        name: "static",
        url: &["static"],
        attribute: None,
        api: None,
        cli: None,
        kind: Kind::Choice { names: &["1", "0"], empty: "1" },
        default: "0",
        doc: "Show the moment at `t` as a still, captioned picture of the network, with no controls and nothing left running: for newsletters and print (meant for `embed.html`; the page takes it too).",
    },
    Input {
        name: "keyboard",
        url: &[],
        attribute: Some("keyboard"),
        api: None,
        cli: None,
        kind: Kind::Choice { names: &["local", "global"], empty: "local" },
        default: "local",
        doc: "Where the keyboard shortcuts work: when the element has focus (local) or anywhere on the page (global).",
    },
    Input {
        name: "follow",
        url: &["follow"],
        attribute: Some("follow"),
        api: Some("follow(i)"),
        cli: None,
        kind: Kind::Follow,
        default: "none",
        doc: "Whom to follow: a supernode (its index, as the tooltip gives it: `31204`) or a client (its place when picked: `31204.17`, slot 17 of supernode 31204). Its story is told under the picture in simulated time, and it stays ringed at any zoom. One that is not in the run is named with what is allowed. A copied link carries it.",
    },
    Input {
        name: "view",
        url: &["view"],
        attribute: Some("view"),
        api: Some("setByState(on)"),
        cli: None,
        kind: Kind::Choice { names: &["map", "states"], empty: "map" },
        default: "map",
        doc: "How the supernodes stand: on the overlay's map, or grouped by state (serving, overloaded, failsafe, crashed, mega) in columns labelled with their counts.",
    },
    Input {
        name: "params",
        url: &["p.<key>"],
        attribute: Some("params"),
        api: Some("setParams(object), compare(key, a, b)"),
        cli: Some("--params FILE.json, --set KEY=VALUE"),
        kind: Kind::Params,
        default: "the scenario's parameters",
        doc: "Parameter overrides by dotted key (`supernode-sim keys` lists every key, its unit and range). A bad key or value is dropped with a message; the others apply.",
    },
    Input {
        name: "actions",
        url: &["actions"],
        attribute: Some("actions"),
        api: None,
        cli: Some("--actions FILE.json"),
        kind: Kind::Actions,
        default: "none",
        doc: "What a user did, replayed at the same simulated seconds (a copied link carries it). Every entry is checked; one bad entry rejects the whole log, named by its index.",
    },
    Input {
        name: "hours",
        url: &[],
        attribute: None,
        api: None,
        cli: Some("--hours"),
        kind: Kind::Number { min: 0.0, above_min: true, max: MAX_HOURS, unit: "simulated hours" },
        default: "the scenario's length",
        doc: "How long to run.",
    },
    Input {
        name: "scale",
        url: &["scale"],
        attribute: Some("scale"),
        api: None,
        cli: Some("--scale"),
        kind: Kind::Number { min: 0.0, above_min: true, max: 1.0, unit: "a fraction of the scenario's size" },
        default: "1",
        doc: "Run at a fraction of the scenario's clients, supernodes and service capacities (every per-supernode figure unchanged), so that the incident unfolds as at full size, only quicker to compute. Setting only `clients.total` and `supernodes.count` instead keeps the services at full size, and then nothing overloads them. `params` apply on top.",
    },
    Input {
        name: "ticks",
        url: &[],
        attribute: None,
        api: None,
        cli: Some("bench --ticks"),
        kind: Kind::Whole { min: 1, max: MAX_TIME_S as u64 },
        default: "36000",
        doc: "Simulated seconds a benchmark runs.",
    },
];

/// URL parameters the page ignores without a message: trackers that sites add to links.
pub fn is_tracker(name: &str) -> bool {
    name.starts_with("utm_") || matches!(name, "fbclid" | "gclid" | "mc_cid" | "mc_eid")
}

/// The input named `name`.
pub fn input(name: &str) -> Option<&'static Input> {
    INPUTS.iter().find(|i| i.name == name)
}

/// The input an attribute carries.
pub fn by_attribute(attr: &str) -> Option<&'static Input> {
    INPUTS.iter().find(|i| i.attribute == Some(attr))
}

impl Kind {
    /// What it allows, in words.
    pub fn allowed(&self) -> String {
        match *self {
            Kind::Scenario => format!("one of {}", scenarios::names().join(", ")),
            Kind::Seed => format!("a whole number from 0 to {MAX_SEED}"),
            Kind::Number { min, above_min: true, max, unit } => format!("{unit}, more than {} and at most {}", fmt_num(min), fmt_num(max)),
            Kind::Number { min, max, unit, .. } => format!("{unit}, from {} to {}", fmt_num(min), fmt_num(max)),
            Kind::Whole { min, max } => format!("a whole number from {min} to {max}"),
            Kind::Follow => "a supernode's index (31204) or a client's place (31204.17: slot 17 of supernode 31204)".into(),
            Kind::Pixels { min, max } => format!("a height in pixels from {} to {} (e.g. 480 or 480px)", fmt_num(min), fmt_num(max)),
            Kind::Choice { names, empty } => format!("one of {} (empty means {empty})", names.join(", ")),
            Kind::Params => "a JSON object of parameter keys and values (`supernode-sim keys` lists them)".into(),
            Kind::Actions => format!("a JSON list of at most {MAX_ACTIONS} entries {{t, a, k, v}}, in time order"),
            Kind::Url => format!("a URL of an image, absolute or relative to the page, without spaces, at most {MAX_URL_CHARS} characters"),
        }
    }

    /// The range as JSON, for forms: `{type, min, max, ...}`.
    pub fn to_json(&self) -> Value {
        let mut m = Map::new();
        let mut put = |k: &str, v: Value| {
            m.insert(k.into(), v);
        };
        match *self {
            Kind::Scenario => {
                put("type", "choice".into());
                put("names", scenarios::names().into());
            }
            Kind::Seed => {
                put("type", "whole".into());
                put("min", 0.into());
                put("max", MAX_SEED.into());
            }
            Kind::Number { min, above_min, max, unit } => {
                put("type", "number".into());
                put("min", min.into());
                put("above_min", above_min.into());
                put("max", max.into());
                put("unit", unit.into());
            }
            Kind::Whole { min, max } => {
                put("type", "whole".into());
                put("min", min.into());
                put("max", max.into());
            }
            Kind::Follow => put("type", "follow".into()),
            Kind::Pixels { min, max } => {
                put("type", "pixels".into());
                put("min", min.into());
                put("max", max.into());
            }
            Kind::Choice { names, empty } => {
                put("type", "choice".into());
                put("names", names.to_vec().into());
                put("empty", empty.into());
            }
            Kind::Params => put("type", "params".into()),
            Kind::Actions => {
                put("type", "actions".into());
                put("max_entries", MAX_ACTIONS.into());
            }
            Kind::Url => {
                put("type", "url".into());
                put("max_chars", MAX_URL_CHARS.into());
            }
        }
        Value::Object(m)
    }
}

/// A value that passed its check.
#[derive(Clone, Debug, PartialEq)]
pub enum Checked {
    /// A name (scenario, choice).
    Name(String),
    /// A seed or another whole number.
    Whole(u64),
    /// A number (or a height in pixels).
    Number(f64),
    /// Parameter overrides: the parameters they give.
    Params(Box<Params>),
    /// An action log.
    Actions(Vec<Action>),
}

impl Checked {
    /// The value as JSON (a log as its entries' count).
    pub fn to_json(&self) -> Value {
        match self {
            Checked::Name(s) => Value::from(s.as_str()),
            Checked::Whole(n) => Value::from(*n),
            Checked::Number(x) => Value::from(*x),
            Checked::Params(p) => p.to_json(),
            Checked::Actions(a) => Value::from(a.len()),
        }
    }
}

impl Input {
    /// The rejection of `text`: names the field, the value as text and what is allowed.
    pub fn rejected(&self, text: &str) -> ParamError {
        ParamError::new(self.name, format!("'{}' is not allowed; allowed: {}", shown(text), self.kind.allowed()))
    }

    /// The message the page shows for a rejected value: the error and what is used instead.
    pub fn rejected_message(&self, e: &ParamError) -> String {
        format!("{e}. Using {}.", self.default)
    }

    /// Checks `text`. Parameters and actions are checked against `scenario`'s parameters
    /// (`base`, if given, for actions: the parameters the run has).
    pub fn check(&self, text: &str, scenario: &str, base: Option<&Params>) -> Result<Checked, ParamError> {
        let t = text.trim();
        match self.kind {
            Kind::Scenario => scenarios::find(t).map(|_| Checked::Name(t.to_string())).ok_or_else(|| self.rejected(text)),
            Kind::Seed => {
                let n = digits(t).filter(|&n| n <= MAX_SEED).ok_or_else(|| self.rejected(text))?;
                Ok(Checked::Whole(n))
            }
            Kind::Whole { min, max } => {
                let n = digits(t).filter(|n| (min..=max).contains(n)).ok_or_else(|| self.rejected(text))?;
                Ok(Checked::Whole(n))
            }
            Kind::Follow => crate::follow::Target::parse(t).map(|_| Checked::Name(t.to_string())).ok_or_else(|| self.rejected(text)),
            Kind::Number { min, above_min, max, .. } => {
                let x = number(t).ok_or_else(|| self.rejected(text))?;
                let low_ok = if above_min { x > min } else { x >= min };
                if low_ok && x <= max {
                    Ok(Checked::Number(x))
                } else {
                    Err(self.rejected(text))
                }
            }
            Kind::Pixels { min, max } => {
                let x = number(t.strip_suffix("px").unwrap_or(t).trim_end()).ok_or_else(|| self.rejected(text))?;
                if (min..=max).contains(&x) {
                    Ok(Checked::Number(x))
                } else {
                    Err(self.rejected(text))
                }
            }
            // Exact: the stylesheet and the key handler read these attributes as written.
            Kind::Choice { names, empty } => {
                if text.is_empty() {
                    Ok(Checked::Name(empty.to_string()))
                } else {
                    names.iter().find(|n| **n == text).map(|n| Checked::Name(n.to_string())).ok_or_else(|| self.rejected(text))
                }
            }
            Kind::Params => {
                let s =
                    scenarios::find(scenario).ok_or_else(|| ParamError::new("scenario", format!("'{}' is unknown", shown(scenario))))?;
                let (p, errors) = overrides(&s.params, text);
                match errors.into_iter().next() {
                    Some(e) => Err(e),
                    None => Ok(Checked::Params(Box::new(p))),
                }
            }
            Kind::Actions => {
                let s =
                    scenarios::find(scenario).ok_or_else(|| ParamError::new("scenario", format!("'{}' is unknown", shown(scenario))))?;
                actions::parse_log(text, base.unwrap_or(&s.params)).map(Checked::Actions)
            }
            Kind::Url => {
                let ok = !t.is_empty() && t.chars().count() <= MAX_URL_CHARS && !t.chars().any(|c| c.is_whitespace() || c.is_control());
                if ok {
                    Ok(Checked::Name(t.to_string()))
                } else {
                    Err(self.rejected(text))
                }
            }
        }
    }
}

/// Plain decimal digits as a whole number (no sign, exponent or point), or `None`.
fn digits(t: &str) -> Option<u64> {
    if t.is_empty() || t.len() > 20 || !t.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    t.parse().ok()
}

/// A finite number in decimal notation (`12`, `-0.5`, `1e3`), or `None`: no `inf`, `NaN` or
/// hexadecimal.
fn number(t: &str) -> Option<f64> {
    if t.is_empty() || t.len() > 64 || !t.bytes().all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'-' | b'+' | b'e' | b'E')) {
        return None;
    }
    t.parse::<f64>().ok().filter(|x| x.is_finite())
}

/// Checks a CLI flag's text through its input (for clap's value parsers): the value, or the
/// message naming the input, the value and what is allowed.
pub fn flag<T>(name: &str, text: &str, take: fn(Checked) -> Option<T>) -> Result<T, String> {
    let v = check(name, text, "").map_err(|e| e.to_string())?;
    take(v).ok_or_else(|| format!("{name}: internal: unexpected kind of value"))
}

/// Checks `text` as the input `name` (see [`Input::check`]).
pub fn check(name: &str, text: &str, scenario: &str) -> Result<Checked, ParamError> {
    let i = input(name).ok_or_else(|| ParamError::new(shown(name), "not an input".to_string()))?;
    i.check(text, scenario, None)
}

/// Parameter overrides from JSON text (an object of dotted keys, or nested as `params` prints),
/// key by key: a key that is unknown, or a value out of its range, is reported and dropped; the
/// others apply. If the rules between fields (a cap below its base, an end before its start)
/// still fail, the field named is dropped too. Returns the parameters and every problem.
pub fn overrides(base: &Params, text: &str) -> (Params, Vec<ParamError>) {
    let mut errors = Vec::new();
    if text.trim().is_empty() {
        return (base.clone(), errors);
    }
    let v: Value = match serde_json::from_str(text) {
        Ok(v) => v,
        Err(e) => {
            errors.push(ParamError::new("params", format!("not valid JSON ({e}); allowed: {}", Kind::Params.allowed())));
            return (base.clone(), errors);
        }
    };
    let Value::Object(map) = v else {
        errors.push(ParamError::new("params", format!("'{}' is not allowed; allowed: {}", shown(text), Kind::Params.allowed())));
        return (base.clone(), errors);
    };
    // Flatten nested objects into dotted keys: keys stay data, never paths into an object.
    let mut flat: Vec<(String, Value)> = Vec::new();
    let mut stack: Vec<(String, Value)> = map.into_iter().rev().collect();
    while let Some((k, v)) = stack.pop() {
        match v {
            Value::Object(inner) if field_spec(&k).is_none() && flat.len() + stack.len() < 1000 => {
                for (ik, iv) in inner.into_iter().rev() {
                    stack.push((format!("{k}.{ik}"), iv));
                }
            }
            other => flat.push((k, other)),
        }
    }
    let mut good: Vec<(String, Value)> = Vec::new();
    for (k, v) in flat {
        let Some(spec) = field_spec(&k) else {
            errors.push(ParamError::new(
                format!("params.{}", shown(&k)),
                "not a parameter; allowed: the keys `supernode-sim keys` lists (e.g. mega.count, retry.policy)",
            ));
            continue;
        };
        let text = match &v {
            Value::String(s) => s.clone(),
            other => other.to_string(),
        };
        // The value alone (type and range); the rules between fields are checked below.
        match Params::check_text(spec.key, &text) {
            Ok(()) => good.push((k, v)),
            Err(e) => errors.push(ParamError::new(format!("params.{}", e.field), e.message)),
        }
    }
    loop {
        let obj: Map<String, Value> = good.iter().cloned().collect();
        match base.merged(&Value::Object(obj)) {
            Ok(p) => return (p, errors),
            Err(e) => {
                let before = good.len();
                good.retain(|(k, _)| *k != e.field);
                errors.push(ParamError::new(format!("params.{}", e.field), e.message));
                if good.len() == before {
                    // The rule names a field that was not given: drop them all.
                    return (base.clone(), errors);
                }
            }
        }
    }
}

/// What a page URL asks for, read with [`read_query`].
#[derive(Clone, Debug, Default, PartialEq)]
pub struct QueryInputs {
    /// `(attribute, value)` pairs for the element, in order; the element checks each value.
    pub attributes: Vec<(String, String)>,
    /// Problems with the URL itself: parameters the page does not know.
    pub errors: Vec<ParamError>,
}

/// Reads a page URL's decoded `(name, value)` pairs into the element's attributes: `p.<key>`
/// parameters become one `params` JSON object (keys stay data); `t` is `time`; `autoplay` is on
/// unless the link gives a time that is allowed. Unknown names are reported (trackers such as `utm_*` are
/// ignored); a name given twice keeps its last value. `page` holds the attributes the page
/// itself gives the element (`embed.html`: `controls="minimal"`): a URL value that is not
/// allowed does not replace one of those; it is reported here and the page's value stays.
pub fn read_query(pairs: &[(String, String)], page: &[(String, String)]) -> QueryInputs {
    let mut out = QueryInputs::default();
    let mut params = Map::new();
    let set = |attrs: &mut Vec<(String, String)>, a: &str, v: &str| {
        attrs.retain(|(k, _)| k != a);
        attrs.push((a.to_string(), v.to_string()));
    };
    for (name, value) in pairs {
        if let Some(key) = name.strip_prefix("p.") {
            params.insert(key.to_string(), Value::from(value.as_str()));
        } else if let Some(i) = INPUTS.iter().find(|i| i.url.contains(&name.as_str())) {
            let attr = i.attribute.unwrap_or(i.name);
            let kept = page.iter().find(|(a, _)| a == attr);
            match (kept, i.check(value, "", None)) {
                (Some((_, v)), Err(e)) if !matches!(i.kind, Kind::Params | Kind::Actions) => {
                    out.errors.push(ParamError::new(e.field, format!("{}. Using this page's '{}'.", e.message, shown(v))));
                }
                // A page option (no element attribute checks it later) is checked here.
                (None, Err(e)) if i.attribute.is_none() => out.errors.push(ParamError::new(e.field, format!("{}. Ignored.", e.message))),
                _ => set(&mut out.attributes, attr, value),
            }
        } else if !is_tracker(name) {
            let names: Vec<&str> = INPUTS.iter().flat_map(|i| i.url.iter().copied()).collect();
            out.errors.push(ParamError::new(shown(name), format!("not a parameter of this page; allowed: {}. Ignored.", names.join(", "))));
        }
    }
    if !params.is_empty() {
        set(&mut out.attributes, "params", &Value::Object(params).to_string());
    }
    // A link that gives a moment opens paused there; one without (or with a time that is not
    // allowed, which starts at 0) plays.
    let shows_moment = out.attributes.iter().any(|(a, v)| a == "time" && input("time").is_some_and(|i| i.check(v, "", None).is_ok()));
    if !shows_moment && !out.attributes.iter().any(|(a, _)| a == "autoplay") {
        set(&mut out.attributes, "autoplay", "");
    }
    out
}

/// The clock speed `steps` places along the menu's speeds ([`SPEEDS`]) from `current` (simulated
/// seconds per real second): faster for positive `steps`, slower for negative, stopping at the
/// slowest and the fastest. A speed the menu does not list (one a link or an attribute set) is
/// between two listed ones, and one step goes to the nearer of those on that side: a step slower
/// from 100 is 60, a step faster is 600. A step never goes the other way: slower than the
/// slowest listed speed, a step slower keeps the speed.
pub fn nudge_speed(current: f64, steps: i32) -> f64 {
    let last = SPEEDS.len() as i64 - 1;
    if steps == 0 || current.is_nan() {
        return current;
    }
    // Listed speeds below `current`, and whether `current` is one of them.
    let below = SPEEDS.iter().filter(|(v, _)| *v < current).count() as i64;
    let listed = SPEEDS.iter().any(|(v, _)| *v == current);
    let steps = steps as i64;
    let at = if listed || steps < 0 { below + steps } else { below + steps - 1 };
    let to = SPEEDS[at.clamp(0, last) as usize].0;
    if (steps < 0 && to > current) || (steps > 0 && to < current) {
        current
    } else {
        to
    }
}

/// The limits the page's clock and seeks need, as JSON: `{max_time_s, max_speed,
/// default_speed, speeds: [{v, label}], max_zoom, picture_margin_px}`.
pub fn limits_json() -> Value {
    let speeds: Vec<Value> = SPEEDS.iter().map(|(v, label)| serde_json::json!({"v": v, "label": label})).collect();
    serde_json::json!({"max_time_s": MAX_TIME_S, "max_speed": MAX_SPEED, "default_speed": DEFAULT_SPEED, "speeds": speeds, "max_zoom": crate::render::view::MAX_ZOOM,
        "picture_margin_px": crate::render::MARGIN_PX})
}

/// Every input as JSON, for the page and the docs: name, url, attribute, api, cli, allowed (in
/// words), kind (the range as data), default and doc.
pub fn inputs_json() -> Value {
    Value::Array(
        INPUTS
            .iter()
            .map(|i| {
                serde_json::json!({
                    "name": i.name, "url": i.url, "attribute": i.attribute, "api": i.api, "cli": i.cli,
                    "allowed": i.kind.allowed(), "kind": i.kind.to_json(), "default": i.default, "doc": i.doc,
                })
            })
            .collect(),
    )
}

#[cfg(test)]
mod tests {

    #[test]
    fn a_step_of_speed_goes_to_the_next_listed_speed_on_that_side() {
        let listed: Vec<f64> = SPEEDS.iter().map(|(v, _)| *v).collect();
        assert_eq!(listed, [1.0, 10.0, 60.0, 600.0, 1440.0]);
        // From a listed speed, along the list, stopping at its ends.
        assert_eq!(nudge_speed(60.0, 1), 600.0);
        assert_eq!(nudge_speed(60.0, -1), 10.0);
        assert_eq!(nudge_speed(60.0, -2), 1.0);
        assert_eq!(nudge_speed(1440.0, 1), 1440.0);
        assert_eq!(nudge_speed(1.0, -1), 1.0);
        assert_eq!(nudge_speed(10.0, 9), 1440.0);
        // From a speed between two listed ones: one step slower is never faster, and the reverse.
        assert_eq!(nudge_speed(100.0, -1), 60.0);
        assert_eq!(nudge_speed(100.0, 1), 600.0);
        assert_eq!(nudge_speed(100.0, 2), 1440.0);
        assert_eq!(nudge_speed(0.5, 1), 1.0);
        assert_eq!(nudge_speed(0.5, -1), 0.5);
        assert_eq!(nudge_speed(1000.0, -1), 600.0);
        assert_eq!(nudge_speed(1000.0, 1), 1440.0);
        // No step, no change.
        assert_eq!(nudge_speed(100.0, 0), 100.0);
        for v in [0.5, 1.0, 5.0, 60.0, 100.0, 1000.0, 1440.0] {
            assert!(nudge_speed(v, -1) <= v && nudge_speed(v, 1) >= v, "{v}");
        }
    }

    use super::*;

    fn bad(name: &str, text: &str) -> String {
        check(name, text, "skype-2010").unwrap_err().to_string()
    }

    #[test]
    fn every_message_names_the_field_and_the_value() {
        for (name, text) in [
            ("seed", "-1"),
            ("seed", "1e3"),
            ("seed", "9007199254740992"),
            ("speed", "0"),
            ("speed", "1e9"),
            ("speed", "NaN"),
            ("time", "-5"),
            ("time", "Infinity"),
            ("height", "1e9"),
            ("height", "12em"),
            ("controls", "<b>x</b>"),
            ("slow-motion", "maybe"),
            ("scenario", "skype-2099"),
        ] {
            let m = bad(name, text);
            assert!(m.starts_with(&format!("{name}: '")), "{m}");
            assert!(m.contains("allowed: "), "{m}");
        }
        assert!(bad("height", "1e9").contains("'1e9'"));
        assert!(bad("controls", &"x".repeat(500)).len() < 200);
        assert!(bad("controls", "a\nb").contains("a\\nb"));
    }

    #[test]
    fn good_values_pass() {
        assert_eq!(check("seed", " 42 ", "skype-2010").unwrap(), Checked::Whole(42));
        assert_eq!(check("seed", &MAX_SEED.to_string(), "skype-2010").unwrap(), Checked::Whole(MAX_SEED));
        assert_eq!(check("speed", "1440", "skype-2010").unwrap(), Checked::Number(1440.0));
        assert_eq!(check("height", "480px", "skype-2010").unwrap(), Checked::Number(480.0));
        assert_eq!(check("controls", "", "skype-2010").unwrap(), Checked::Name("full".into()));
        assert_eq!(check("slow-motion", "off", "skype-2010").unwrap(), Checked::Name("off".into()));
        assert!(check("controls", "none ", "skype-2010").is_err(), "choices are exact, as the stylesheet reads them");
        assert!(check("time", "0", "skype-2010").is_ok());
        assert!(check("time", &MAX_TIME_S.to_string(), "skype-2010").is_ok());
    }

    #[test]
    fn keys_are_data() {
        let base = scenarios::find("skype-2010").unwrap().params;
        for key in ["__proto__", "constructor", "prototype", "mega.__proto__", "toString"] {
            let (p, errors) = overrides(&base, &format!(r#"{{"{key}": "1", "mega.count": "7"}}"#));
            assert_eq!(errors.len(), 1, "{key}: {errors:?}");
            assert!(errors[0].field.contains(key), "{errors:?}");
            assert!(errors[0].message.contains("not a parameter"));
            assert_eq!(p.mega.count, 7);
        }
        // Nested as `params` prints, and a rule between fields: the field it names is dropped.
        let (p, errors) = overrides(&base, r#"{"mega": {"count": 9}, "retry.cap_s": "0.5", "retry.base_s": "1"}"#);
        assert_eq!(p.mega.count, 9);
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert_eq!(errors[0].field, "params.retry.cap_s");
        // Out of range: dropped, named.
        let (p, errors) = overrides(&base, r#"{"mega.count": "-4", "failsafe.threshold": 3}"#);
        assert_eq!(p.failsafe.threshold, 3.0);
        assert_eq!(errors[0].field, "params.mega.count");
    }

    #[test]
    fn a_url_becomes_attributes() {
        let pairs = |v: &[(&str, &str)]| v.iter().map(|(a, b)| (a.to_string(), b.to_string())).collect::<Vec<_>>();
        let q = read_query(
            &pairs(&[("seed", "3"), ("t", "900"), ("p.__proto__", "x"), ("p.mega.count", "5"), ("utm_source", "x"), ("bogus", "1")]),
            &[],
        );
        assert_eq!(q.attributes[0], ("seed".into(), "3".into()));
        assert_eq!(q.attributes[1], ("time".into(), "900".into()));
        assert_eq!(q.attributes[2].0, "params");
        assert!(q.attributes[2].1.contains("__proto__"));
        assert!(!q.attributes.iter().any(|(a, _)| a == "autoplay"));
        assert_eq!(q.errors.len(), 1);
        assert_eq!(q.errors[0].field, "bogus");
        let q = read_query(&pairs(&[]), &[]);
        assert_eq!(q.attributes, vec![("autoplay".to_string(), String::new())]);
        let q = read_query(&pairs(&[("t", "9e99")]), &[]);
        assert!(q.attributes.iter().any(|(a, _)| a == "autoplay"), "a bad time starts at 0 and plays");
        // A page option is checked here (no element attribute will check it) and passed on.
        let q = read_query(&pairs(&[("static", "1"), ("theme", "dark")]), &[]);
        assert!(q.attributes.contains(&("static".into(), "1".into())));
        assert!(q.attributes.contains(&("theme".into(), "dark".into())));
        assert!(q.errors.is_empty());
        let q = read_query(&pairs(&[("static", "yes")]), &[]);
        assert!(!q.attributes.iter().any(|(a, _)| a == "static"));
        assert_eq!(q.errors.len(), 1);
        assert!(q.errors[0].to_string().starts_with("static: 'yes'"), "{}", q.errors[0]);
        assert!(q.errors[0].to_string().contains("Ignored"), "{}", q.errors[0]);
    }

    #[test]
    fn names_are_unique() {
        let mut names = std::collections::HashSet::new();
        let mut urls = std::collections::HashSet::new();
        let mut attrs = std::collections::HashSet::new();
        for i in INPUTS {
            assert!(names.insert(i.name), "{}", i.name);
            assert!(i.url.iter().all(|u| urls.insert(*u)), "{}", i.name);
            assert!(i.attribute.is_none_or(|a| attrs.insert(a)), "{}", i.name);
        }
    }
}
