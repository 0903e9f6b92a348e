//! Narration: time-stamped events of a run (the trigger, interventions, milestones) in words.

use serde::Serialize;

/// Something that happened in a run, for the event log and the captions.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Event {
    /// When it happened, in simulated seconds.
    pub t_s: f64,
    /// A stable identifier of the kind of event (e.g. `trigger-start`, `sn-lost-25`).
    pub kind: String,
    /// What happened, in a sentence.
    pub text: String,
}

/// Formats a time relative to a reference as `T+h:mm` (or `T-h:mm` before it).
pub fn relative_time(t_s: f64, reference_s: f64) -> String {
    let d = t_s - reference_s;
    let sign = if d < 0.0 { '-' } else { '+' };
    let m = (libm::fabs(d) / 60.0) as u64;
    format!("T{sign}{}:{:02}", m / 60, m % 60)
}

/// Texts a scenario gives for its scheduled events, replacing the generic ones.
#[derive(Clone, Debug, Default)]
pub struct Texts {
    entries: Vec<(String, String)>,
}

impl Texts {
    /// No overrides.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds the text for event kind `kind`.
    pub fn with(mut self, kind: &str, text: &str) -> Self {
        self.entries.push((kind.to_string(), text.to_string()));
        self
    }

    /// The text for `kind`, if the scenario gives one.
    pub fn get(&self, kind: &str) -> Option<&str> {
        self.entries.iter().find(|(k, _)| k == kind).map(|(_, t)| t.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_times() {
        assert_eq!(relative_time(3600.0 + 12.0 * 60.0, 3600.0), "T+0:12");
        assert_eq!(relative_time(3600.0 + 25.0 * 3600.0, 3600.0), "T+25:00");
        assert_eq!(relative_time(0.0, 3600.0), "T-1:00");
    }
}
