//! The page's parameter controls, described once: which parameters get a slider or a menu, the
//! slider's range and step (inside the parameter's own range, which the parameter table defines
//! and checks), how it shows its value, what it means in the real incident, and the keys offered
//! for an A/B comparison. The element reads them from the module (`web::controls_json`).

use serde_json::Value;

/// How a slider shows its value.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Display {
    /// A fraction as a whole percentage.
    Percent,
    /// A number with `digits` decimals and a suffix (`" entries"`, `"× capacity"`).
    Number {
        /// Decimals shown.
        digits: u32,
        /// Text after the number.
        suffix: &'static str,
    },
    /// Simulated seconds shown as hours with two decimals.
    Hours,
    /// A menu of the parameter's names (no slider).
    Menu,
}

/// A parameter the page offers a control for: its label, the slider's range and step (inside
/// the parameter's own range, which the parameter table defines and checks), how it shows its
/// value, and what it means in the real incident.
#[derive(Clone, Copy, Debug)]
pub struct Slider {
    /// The parameter's dotted key.
    pub key: &'static str,
    /// The control's label.
    pub label: &'static str,
    /// The slider's smallest value.
    pub min: f64,
    /// The slider's largest value.
    pub max: f64,
    /// The slider's step.
    pub step: f64,
    /// How it shows its value.
    pub display: Display,
    /// What it means in the real incident, and whether changing it restarts the run.
    pub tip: &'static str,
}

/// The page's parameter controls.
pub const SLIDERS: &[Slider] = &[
    Slider {
        key: "clients.buggy_fraction",
        label: "Clients on the affected version",
        min: 0.0,
        max: 1.0,
        step: 0.01,
        display: Display::Percent,
        tip: "2010: about half of all users ran Skype for Windows 5.0.0.152, which crashed on delayed replies from the offline-message servers. 2015: the client versions that could not process the new configuration. Changing it restarts the run.",
    },
    Slider {
        key: "supernodes.capacity_per_s",
        label: "Supernode capacity",
        min: 200.0,
        max: 6000.0,
        step: 100.0,
        display: Display::Number { digits: 0, suffix: " load units/s" },
        tip: "Work one supernode can do per second. Supernodes were ordinary home PCs with a public address; one load unit is one client's keep-alive and presence for a second. Changing it restarts the run.",
    },
    Slider {
        key: "failsafe.threshold",
        label: "Failsafe threshold",
        min: 1.0,
        max: 100.0,
        step: 0.5,
        display: Display::Number { digits: 1, suffix: "× capacity" },
        tip: "Overloaded supernodes dropped the supernode role (a failsafe), which handed their clients to the survivors. The failsafe watches a load average of what the supernode is asked (over failsafe.window_s); a higher threshold keeps supernodes serving under more load. Applies at once.",
    },
    Slider {
        key: "retry.policy",
        label: "Retry policy",
        min: 0.0,
        max: 0.0,
        step: 0.0,
        display: Display::Menu,
        tip: "How disconnected clients space their reconnection attempts: immediately, a fixed delay, exponential backoff, or backoff with jitter (AWS, \"Exponential Backoff And Jitter\"). Applies at once.",
    },
    Slider {
        key: "host_cache.size",
        label: "Host-cache size",
        min: 1.0,
        max: 200.0,
        step: 1.0,
        display: Display::Number { digits: 0, suffix: " entries" },
        tip: "Supernode addresses a client remembers, learned from the supernode it was last connected to (a first login seeds 7; the cache holds up to 200). A reconnecting client walks them in turn: dead entries cost it a timeout, live full ones refuse; when all fail it asks the bootstrap servers. Applies at once.",
    },
    Slider {
        key: "mega.count",
        label: "Mega-supernodes",
        min: 0.0,
        max: 5000.0,
        step: 50.0,
        display: Display::Number { digits: 0, suffix: "" },
        tip: "Dedicated high-capacity supernodes Skype brought up to restore the network: \"hundreds\" (Threatpost) to \"thousands\" (Tweakers), some of them repurposed offline-IM and group-video servers. 0 turns this intervention off.",
    },
    Slider {
        key: "mega.deploy_s",
        label: "Mega-supernodes from",
        min: 0.0,
        max: 48.0 * 3600.0,
        step: 900.0,
        display: Display::Hours,
        tip: "When the mega-supernodes start coming up (simulated hours from the start; the trigger is at 1 h).",
    },
];

/// Parameters the page offers for an A/B comparison.
pub const AB_KEYS: &[&str] = &[
    "retry.policy",
    "retry.cap_s",
    "services.web.shared",
    "admission.logins_per_s",
    "mega.count",
    "failsafe.threshold",
    "host_cache.size",
    "login.capacity_per_s",
    "supernodes.capacity_per_s",
    "clients.buggy_fraction",
    "trigger.end_s",
];

/// The page's controls as JSON: `{sliders: [{key, label, min, max, step, display, tip}], ab_keys}`.
pub fn controls_json() -> Value {
    let sliders: Vec<Value> = SLIDERS
        .iter()
        .map(|c| {
            let display = match c.display {
                Display::Percent => serde_json::json!({"kind": "percent"}),
                Display::Number { digits, suffix } => serde_json::json!({"kind": "number", "digits": digits, "suffix": suffix}),
                Display::Hours => serde_json::json!({"kind": "hours"}),
                Display::Menu => serde_json::json!({"kind": "menu"}),
            };
            serde_json::json!({"key": c.key, "label": c.label, "min": c.min, "max": c.max, "step": c.step, "display": display, "tip": c.tip})
        })
        .collect();
    serde_json::json!({"sliders": sliders, "ab_keys": AB_KEYS})
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::params::field_spec;

    #[test]
    fn every_control_names_a_parameter_within_its_range() {
        use crate::model::params::FieldKind;
        for c in SLIDERS {
            let f = field_spec(c.key).unwrap_or_else(|| panic!("{} is not a parameter", c.key));
            match (f.kind, c.display) {
                (FieldKind::Enum(_), Display::Menu) => {}
                (FieldKind::Int { min, max }, _) => assert!(c.min >= min as f64 && c.max <= max as f64 && c.step >= 1.0, "{}", c.key),
                (FieldKind::Float { min, max }, _) => assert!(c.min >= min && c.max <= max && c.step > 0.0, "{}", c.key),
                other => panic!("{}: {other:?}", c.key),
            }
        }
        for k in AB_KEYS {
            assert!(field_spec(k).is_some(), "{k}");
        }
    }
}
