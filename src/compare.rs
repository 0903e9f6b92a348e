//! Same-seed A/B comparison: two runs that differ in one parameter, their summaries side by
//! side, their ratios, and the difference in words.

use crate::model::metrics::{summarize_series, Series, SAMPLE_PERIOD_S};
use crate::model::narration::times;
use crate::model::Summary;

/// A summary read from a series alone, up to simulated time `upto_t_s`: what two branches of one
/// run (the run as it happened and a branch from it) can be compared on, since only the series
/// of the run as it happened is kept. Connection attempts are the per-minute means times the
/// sample period.
pub fn series_summary(series: &Series, trigger_t_s: f64, upto_t_s: f64) -> Summary {
    let t = series.column("t_s").unwrap_or(&[]);
    let n = t.iter().take_while(|&&x| x <= upto_t_s).count();
    let part = series.prefix(n);
    let mut s = Summary::default();
    summarize_series(&part, trigger_t_s, &mut s);
    s.total_connect_attempts = part.column("connect_attempts_per_s").unwrap_or(&[]).iter().sum::<f64>() * SAMPLE_PERIOD_S as f64;
    s
}

/// One compared figure: its name, the two values, and B/A.
#[derive(Clone, Debug, PartialEq)]
pub struct Row {
    /// What it measures.
    pub label: &'static str,
    /// Run A's value (`None` if it never happened, e.g. no recovery).
    pub a: Option<f64>,
    /// Run B's value.
    pub b: Option<f64>,
    /// How to print a value.
    pub unit: Unit,
}

/// How a figure prints.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Unit {
    /// A count.
    Count,
    /// A share, printed as a percentage.
    Share,
    /// Seconds, printed as hours.
    Hours,
    /// A ratio, printed as "×".
    Times,
}

impl Row {
    /// B/A, if both exist and A is not zero.
    pub fn ratio(&self) -> Option<f64> {
        match (self.a, self.b) {
            (Some(a), Some(b)) if a != 0.0 => Some(b / a),
            _ => None,
        }
    }

    /// A value as text.
    pub fn show(&self, v: Option<f64>) -> String {
        match v {
            None => "never".to_string(),
            Some(v) => match self.unit {
                Unit::Count => count(v),
                Unit::Share => format!("{:.1}%", v * 100.0),
                Unit::Hours => format!("{:.2} h", v / 3600.0),
                Unit::Times => format!("{v:.1}×"),
            },
        }
    }
}

fn count(v: f64) -> String {
    if v.abs() >= 1e9 {
        format!("{:.2} G", v / 1e9)
    } else if v.abs() >= 1e6 {
        format!("{:.2} M", v / 1e6)
    } else if v.abs() >= 1e4 {
        format!("{:.1} k", v / 1e3)
    } else {
        format!("{v:.0}")
    }
}

/// The figures compared.
pub fn rows(a: &Summary, b: &Summary) -> Vec<Row> {
    vec![
        Row { label: "total connection attempts", a: Some(a.total_connect_attempts), b: Some(b.total_connect_attempts), unit: Unit::Count },
        Row {
            label: "lowest clients online",
            a: Some(a.min_clients_online_fraction),
            b: Some(b.min_clients_online_fraction),
            unit: Unit::Share,
        },
        Row { label: "back to 90% after the trigger", a: a.time_to_90pct_recovery_s, b: b.time_to_90pct_recovery_s, unit: Unit::Hours },
        Row { label: "peak supernode load", a: Some(a.peak_sn_load_ratio), b: Some(b.peak_sn_load_ratio), unit: Unit::Times },
        Row {
            label: "supernodes lost in the first hour",
            a: a.supernodes_lost_first_hour_fraction,
            b: b.supernodes_lost_first_hour_fraction,
            unit: Unit::Share,
        },
        Row { label: "failsafe shutdowns", a: Some(a.failsafe_shutdowns as f64), b: Some(b.failsafe_shutdowns as f64), unit: Unit::Count },
        Row {
            label: "lowest Skype for Web availability",
            a: Some(a.min_availability_web),
            b: Some(b.min_availability_web),
            unit: Unit::Share,
        },
    ]
}

/// How a run is named in a comparison: the value itself when it is a name (`full-jitter`),
/// `key=value` when it is a number or a boolean (`services.web.shared=true`).
pub fn label(key: &str, value: &str) -> String {
    let v = value.trim();
    if v.parse::<f64>().is_ok() || v == "true" || v == "false" {
        format!("{key}={v}")
    } else {
        v.to_string()
    }
}

/// The difference in one sentence, from B's point of view, e.g. "full-jitter: 3.1× fewer
/// connection attempts, back 5.0 h sooner".
pub fn in_words(label_a: &str, label_b: &str, a: &Summary, b: &Summary) -> String {
    let mut parts = Vec::new();
    let (ta, tb) = (a.total_connect_attempts, b.total_connect_attempts);
    if ta > 0.0 && tb > 0.0 {
        let r = tb / ta;
        if r < 0.95 {
            parts.push(format!("{} fewer connection attempts", times(1.0 / r)));
        } else if r > 1.05 {
            parts.push(format!("{} more connection attempts", times(r)));
        } else {
            parts.push("about as many connection attempts".to_string());
        }
    }
    match (a.time_to_90pct_recovery_s, b.time_to_90pct_recovery_s) {
        (Some(ra), Some(rb)) if (ra - rb).abs() >= 360.0 => {
            let d = (ra - rb).abs() / 3600.0;
            parts.push(format!("back {d:.1} h {}", if rb < ra { "sooner" } else { "later" }));
        }
        (Some(_), Some(_)) => parts.push("back at about the same time".to_string()),
        (None, Some(rb)) => parts.push(format!("back to 90% {:.1} h after the trigger, while {label_a} is not", rb / 3600.0)),
        (Some(ra), None) => parts.push(format!("not back to 90%, while {label_a} is back after {:.1} h", ra / 3600.0)),
        (None, None) => parts.push("neither is back to 90% yet".to_string()),
    }
    let (ma, mb) = (a.min_clients_online_fraction, b.min_clients_online_fraction);
    if (ma - mb).abs() >= 0.05 {
        parts.push(format!("lowest point {:.0}% of clients online instead of {:.0}%", mb * 100.0, ma * 100.0));
    }
    let (wa, wb) = (a.min_availability_web, b.min_availability_web);
    if (wa - wb).abs() >= 0.05 {
        parts.push(format!("Skype for Web at worst {:.0}% served instead of {:.0}%", wb * 100.0, wa * 100.0));
    }
    format!("{label_b}: {}.", parts.join(", "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_summary_from_the_series_alone_matches_the_worlds() {
        let s = crate::scenarios::find("lesson-jitter").unwrap();
        let r = crate::run::run(&s, s.params.clone(), 3, 3.0).unwrap();
        let w = &r.world;
        let full = w.summary();
        let from_series = series_summary(w.series(), w.params().trigger.start_s, w.time_s());
        assert_eq!(from_series.min_clients_online_fraction, full.min_clients_online_fraction);
        assert_eq!(from_series.time_to_90pct_recovery_s, full.time_to_90pct_recovery_s);
        assert_eq!(from_series.min_availability_web, full.min_availability_web);
        let rel = (from_series.total_connect_attempts - full.total_connect_attempts).abs() / full.total_connect_attempts.max(1.0);
        assert!(rel < 1e-6, "{} vs {}", from_series.total_connect_attempts, full.total_connect_attempts);
        // Up to an earlier time, it reads only the samples before it.
        let early = series_summary(w.series(), w.params().trigger.start_s, 1800.0);
        assert_eq!(early.duration_s, 1800.0);
    }

    #[test]
    fn words_say_who_does_better() {
        let a = Summary {
            total_connect_attempts: 3.1e9,
            time_to_90pct_recovery_s: Some(12.0 * 3600.0),
            min_clients_online_fraction: 0.5,
            ..Summary::default()
        };
        let b = Summary {
            total_connect_attempts: 1.0e9,
            time_to_90pct_recovery_s: Some(7.0 * 3600.0),
            min_clients_online_fraction: 0.5,
            ..Summary::default()
        };
        assert_eq!(in_words("exponential", "full-jitter", &a, &b), "full-jitter: 3.1× fewer connection attempts, back 5.0 h sooner.");
        let never = Summary { time_to_90pct_recovery_s: None, ..a.clone() };
        assert!(in_words("immediate", "full-jitter", &never, &b).contains("while immediate is not"));
        assert_eq!(label("services.web.shared", "true"), "services.web.shared=true");
        assert_eq!(label("retry.policy", "full-jitter"), "full-jitter");
        let r = &rows(&a, &b)[0];
        assert!((r.ratio().unwrap() - 1.0 / 3.1).abs() < 1e-9);
    }
}
