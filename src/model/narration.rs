//! Narration: time-stamped, typed events of a run (the trigger, interventions, milestones) and
//! the one place where they become words.
//!
//! An event carries its values ([`EventKind`]); its sentence is rendered once, when it happens,
//! from the scenario's own text for that kind (with `{pct}` and `{n}` filled from the values) or
//! from the generic text below. Nothing reads a number back out of a sentence.

use serde::ser::{SerializeMap, Serializer};
use serde::Serialize;

use super::params::{RetryPolicy, TriggerKind};
use super::world::{fields, Columns, Field};

/// What happened, with the figures that describe it.
#[derive(Clone, Debug, PartialEq)]
pub enum EventKind {
    /// The trigger starts.
    TriggerStart {
        /// What goes wrong.
        trigger: TriggerKind,
        /// Share of clients on the affected version.
        affected_fraction: f64,
    },
    /// The trigger ends (servers recover, configuration rolled back).
    TriggerEnd {
        /// What went wrong.
        trigger: TriggerKind,
    },
    /// A share of the peer supernodes is down (one of the narrated steps).
    SupernodesLost {
        /// The step crossed, in percent.
        step_pct: u8,
        /// Share of peer places not serving.
        down_fraction: f64,
        /// Share crashed.
        crashed_fraction: f64,
        /// Share shut down by their failsafe.
        shut_down_fraction: f64,
    },
    /// The load on serving supernodes crossed a multiple of its pre-incident level.
    LoadRatio {
        /// The step crossed (10, 50, 100 ×).
        step: u16,
        /// The ratio (minute mean).
        ratio: f64,
    },
    /// Clients online fell below a share of the pre-incident level.
    OnlineBelow {
        /// The step crossed, in percent.
        step_pct: u8,
        /// Clients online as a share of the pre-incident level.
        fraction: f64,
    },
    /// Clients online are back above a share of the pre-incident level.
    Recovered {
        /// The step crossed, in percent.
        step_pct: u8,
        /// Clients online as a share of the pre-incident level.
        fraction: f64,
    },
    /// The first failsafe fires.
    FirstFailsafe {
        /// The failsafe's window.
        window_s: f64,
        /// The load average at which it fires.
        threshold: f64,
    },
    /// The first client is promoted to supernode.
    FirstPromotion,
    /// Mega-supernodes start coming up.
    MegaDeploy {
        /// How many in all.
        count: u32,
        /// How many of them are repurposed servers.
        repurposed: u32,
    },
    /// Every mega-supernode is up.
    MegaComplete {
        /// How many.
        count: u32,
    },
    /// Repurposed servers start going back to their own job.
    MegaRelease,
    /// Every repurposed server is back at its own job.
    MegaReleaseDone,
    /// A fixed client version starts rolling out.
    FixStart {
        /// Share of remaining buggy clients updating per hour.
        per_h: f64,
    },
    /// Admission control switches on.
    AdmissionOn {
        /// Sign-ins let through per second.
        logins_per_s: f64,
    },
    /// Re-balancing starts.
    RebalanceStart {
        /// Capacity factor once re-balanced.
        factor: f64,
        /// Time to reach it.
        ramp_s: f64,
    },
    /// Re-balancing is complete.
    RebalanceDone,
    /// Clients switch their retry policy.
    RetrySwitch {
        /// The new policy.
        policy: RetryPolicy,
    },
    /// Sign-in fails for most users.
    LoginOverloaded {
        /// Share of sign-in attempts that succeed.
        availability: f64,
    },
    /// Sign-in works again.
    LoginOk {
        /// Share of sign-in attempts that succeed.
        availability: f64,
    },
    /// Messaging, presence and contact lists fail.
    ServicesDown {
        /// Messaging served.
        messaging: f64,
        /// Presence served.
        presence: f64,
        /// Contact lists served.
        contacts: f64,
    },
    /// Messaging, presence and contact lists work again.
    ServicesUp,
    /// Skype for Web fails (it shares the backend).
    WebDown {
        /// Share of web requests served.
        web: f64,
    },
    /// Skype for Web works again.
    WebUp,
}

impl EventKind {
    /// A stable identifier of the kind (e.g. `trigger-start`, `sn-lost-25`), as scenarios key
    /// their texts and the page styles its log.
    pub fn id(&self) -> String {
        match self {
            EventKind::TriggerStart { .. } => "trigger-start".into(),
            EventKind::TriggerEnd { .. } => "trigger-end".into(),
            EventKind::SupernodesLost { step_pct, .. } => format!("sn-lost-{step_pct}"),
            EventKind::LoadRatio { step, .. } => format!("load-{step}x"),
            EventKind::OnlineBelow { step_pct, .. } => format!("online-below-{step_pct}"),
            EventKind::Recovered { step_pct, .. } => format!("recovered-{step_pct}"),
            EventKind::FirstFailsafe { .. } => "first-failsafe".into(),
            EventKind::FirstPromotion => "first-promotion".into(),
            EventKind::MegaDeploy { .. } => "mega-deploy".into(),
            EventKind::MegaComplete { .. } => "mega-complete".into(),
            EventKind::MegaRelease => "mega-release".into(),
            EventKind::MegaReleaseDone => "mega-release-done".into(),
            EventKind::FixStart { .. } => "fix-start".into(),
            EventKind::AdmissionOn { .. } => "admission-on".into(),
            EventKind::RebalanceStart { .. } => "rebalance-start".into(),
            EventKind::RebalanceDone => "rebalance-done".into(),
            EventKind::RetrySwitch { .. } => "retry-switch".into(),
            EventKind::LoginOverloaded { .. } => "login-overloaded".into(),
            EventKind::LoginOk { .. } => "login-ok".into(),
            EventKind::ServicesDown { .. } => "services-down".into(),
            EventKind::ServicesUp => "services-up".into(),
            EventKind::WebDown { .. } => "web-down".into(),
            EventKind::WebUp => "web-up".into(),
        }
    }

    /// The event's main share (0–1), which a scenario's text shows as `{pct}`.
    pub fn share(&self) -> Option<f64> {
        match *self {
            EventKind::TriggerStart { affected_fraction, .. } => Some(affected_fraction),
            EventKind::SupernodesLost { down_fraction, .. } => Some(down_fraction),
            EventKind::OnlineBelow { fraction, .. } | EventKind::Recovered { fraction, .. } => Some(fraction),
            EventKind::FixStart { per_h } => Some(per_h),
            EventKind::LoginOverloaded { availability } | EventKind::LoginOk { availability } => Some(availability),
            EventKind::ServicesDown { messaging, presence, contacts } => Some(messaging.min(presence).min(contacts)),
            EventKind::WebDown { web } => Some(web),
            _ => None,
        }
    }

    /// The event's main number, which a scenario's text shows as `{n}`.
    pub fn number(&self) -> Option<f64> {
        match *self {
            EventKind::LoadRatio { ratio, .. } => Some(ratio),
            EventKind::FirstFailsafe { window_s, .. } => Some(window_s),
            EventKind::MegaDeploy { count, .. } | EventKind::MegaComplete { count } => Some(count as f64),
            EventKind::AdmissionOn { logins_per_s } => Some(logins_per_s),
            EventKind::RebalanceStart { factor, .. } => Some(factor),
            _ => None,
        }
    }

    /// Whether the event is bad news, good news or neither (for styling).
    pub fn tone(&self) -> &'static str {
        match self {
            EventKind::TriggerStart { .. } | EventKind::TriggerEnd { .. } => "trigger",
            EventKind::SupernodesLost { .. }
            | EventKind::LoadRatio { .. }
            | EventKind::OnlineBelow { .. }
            | EventKind::FirstFailsafe { .. }
            | EventKind::LoginOverloaded { .. }
            | EventKind::ServicesDown { .. }
            | EventKind::WebDown { .. } => "bad",
            _ => "good",
        }
    }

    /// Whether it marks a burst of the cascade (the first failsafes, the collapse), which the
    /// page plays in slow motion.
    pub fn is_burst(&self) -> bool {
        matches!(self, EventKind::FirstFailsafe { .. } | EventKind::SupernodesLost { .. } | EventKind::OnlineBelow { .. })
    }

    /// The generic sentence for this event.
    pub fn default_text(&self) -> String {
        let pct = |x: f64| format!("{:.0}%", x * 100.0);
        match self {
            EventKind::TriggerStart { trigger: TriggerKind::CrashOnDelayedReply, affected_fraction } => format!(
                "Offline-message servers are overloaded; their delayed replies crash clients on the buggy version ({} of clients), supernodes among them.",
                pct(*affected_fraction)
            ),
            EventKind::TriggerStart { affected_fraction, .. } => format!(
                "A configuration change is pushed that {} of clients cannot process: they are disconnected and start to reconnect.",
                pct(*affected_fraction)
            ),
            EventKind::TriggerEnd { trigger: TriggerKind::CrashOnDelayedReply } => {
                "The offline-message servers recover: no more crashes. What remains is the load.".into()
            }
            EventKind::TriggerEnd { .. } => "The configuration change is rolled back: no more disconnections. What remains is the load.".into(),
            EventKind::SupernodesLost { down_fraction, crashed_fraction, shut_down_fraction, .. } => format!(
                "{} of supernodes are down: {} crashed, {} dropped the role when their failsafe fired.",
                pct(*down_fraction),
                pct(*crashed_fraction),
                pct(*shut_down_fraction)
            ),
            EventKind::LoadRatio { ratio, .. } => {
                format!("Surviving supernodes are asked {ratio:.0}× the load they carried before the incident.")
            }
            EventKind::OnlineBelow { fraction, .. } => {
                format!("Only {} of the clients online before the incident still are.", pct(*fraction))
            }
            EventKind::Recovered { fraction, .. } => {
                format!("Clients online are back to {} of the pre-incident level.", pct(*fraction))
            }
            EventKind::FirstFailsafe { window_s, threshold } => format!(
                "A supernode's failsafe fires: its machine has been busy (load average {threshold:.2} over {window_s:.0} s), so it drops the supernode role and cuts off its clients, who must reconnect elsewhere."
            ),
            EventKind::FirstPromotion => {
                "The overlay promotes clients with a public address to take the places of lost supernodes.".into()
            }
            EventKind::MegaDeploy { count, repurposed } => format!(
                "The operator starts deploying {count} mega-supernodes ({repurposed} of them repurposed offline-IM and group-video servers); the bootstrap servers hand them out first."
            ),
            EventKind::MegaComplete { count } => format!("All {count} mega-supernodes are up."),
            EventKind::MegaRelease => "The repurposed servers start going back to offline IM and group video.".into(),
            EventKind::MegaReleaseDone => {
                "Offline instant messages and group video are back, the last features to return.".into()
            }
            EventKind::FixStart { per_h } => {
                format!("A fixed client version rolls out: {} of remaining buggy clients update each hour.", pct(*per_h))
            }
            EventKind::AdmissionOn { logins_per_s } => format!(
                "Admission control: at most {logins_per_s:.0} sign-ins per second are let through; the rest are turned away cheaply."
            ),
            EventKind::RebalanceStart { factor, ramp_s } => format!(
                "Operators start re-balancing the traffic load: capacity grows to {factor:.1}× over {:.1} h.",
                ramp_s / 3600.0
            ),
            EventKind::RebalanceDone => "Traffic re-balancing is complete.".into(),
            EventKind::RetrySwitch { policy } => format!("Clients switch their retry policy to {}.", policy.name()),
            EventKind::LoginOverloaded { availability } => {
                format!("Sign-in fails for most users: only {} of attempts succeed.", pct(*availability))
            }
            EventKind::LoginOk { availability } => format!("Sign-in works again: {} of attempts succeed.", pct(*availability)),
            EventKind::ServicesDown { messaging, presence, contacts } => format!(
                "Messaging, presence and contact lists are failing (messaging {}, presence {}, contacts {} served).",
                pct(*messaging),
                pct(*presence),
                pct(*contacts)
            ),
            EventKind::ServicesUp => "Messaging, presence and contact lists work again.".into(),
            EventKind::WebDown { web } => {
                format!("Skype for Web is failing too ({} served): it shares the overloaded backend.", pct(*web))
            }
            EventKind::WebUp => "Skype for Web works again.".into(),
        }
    }

    /// The sentence: the scenario's text for this kind if it has one, with `{pct}` and `{n}`
    /// filled from the event's values, else the generic text.
    pub fn render(&self, texts: &Texts) -> String {
        match texts.get(&self.id()) {
            Some(t) => {
                let pct = self.share().map_or(String::new(), |x| format!("{:.0}%", x * 100.0));
                let n = self.number().map_or(String::new(), |x| format!("{x:.0}"));
                t.replace("{pct}", &pct).replace("{n}", &n)
            }
            None => self.default_text(),
        }
    }
}

/// How many kinds there are: a kind's tag in a world's full image is below it.
#[cfg(test)]
const KIND_TAGS: u8 = 23;

impl EventKind {
    /// The kind's tag in a world's full image (see [`Field`]).
    fn tag(&self) -> u8 {
        match self {
            EventKind::TriggerStart { .. } => 0,
            EventKind::TriggerEnd { .. } => 1,
            EventKind::SupernodesLost { .. } => 2,
            EventKind::LoadRatio { .. } => 3,
            EventKind::OnlineBelow { .. } => 4,
            EventKind::Recovered { .. } => 5,
            EventKind::FirstFailsafe { .. } => 6,
            EventKind::FirstPromotion => 7,
            EventKind::MegaDeploy { .. } => 8,
            EventKind::MegaComplete { .. } => 9,
            EventKind::MegaRelease => 10,
            EventKind::MegaReleaseDone => 11,
            EventKind::FixStart { .. } => 12,
            EventKind::AdmissionOn { .. } => 13,
            EventKind::RebalanceStart { .. } => 14,
            EventKind::RebalanceDone => 15,
            EventKind::RetrySwitch { .. } => 16,
            EventKind::LoginOverloaded { .. } => 17,
            EventKind::LoginOk { .. } => 18,
            EventKind::ServicesDown { .. } => 19,
            EventKind::ServicesUp => 20,
            EventKind::WebDown { .. } => 21,
            EventKind::WebUp => 22,
        }
    }

    /// The kind of tag `tag` with its values at zero, to be read into.
    fn blank(tag: u8) -> Option<EventKind> {
        Some(match tag {
            0 => EventKind::TriggerStart { trigger: TriggerKind::None, affected_fraction: 0.0 },
            1 => EventKind::TriggerEnd { trigger: TriggerKind::None },
            2 => EventKind::SupernodesLost { step_pct: 0, down_fraction: 0.0, crashed_fraction: 0.0, shut_down_fraction: 0.0 },
            3 => EventKind::LoadRatio { step: 0, ratio: 0.0 },
            4 => EventKind::OnlineBelow { step_pct: 0, fraction: 0.0 },
            5 => EventKind::Recovered { step_pct: 0, fraction: 0.0 },
            6 => EventKind::FirstFailsafe { window_s: 0.0, threshold: 0.0 },
            7 => EventKind::FirstPromotion,
            8 => EventKind::MegaDeploy { count: 0, repurposed: 0 },
            9 => EventKind::MegaComplete { count: 0 },
            10 => EventKind::MegaRelease,
            11 => EventKind::MegaReleaseDone,
            12 => EventKind::FixStart { per_h: 0.0 },
            13 => EventKind::AdmissionOn { logins_per_s: 0.0 },
            14 => EventKind::RebalanceStart { factor: 0.0, ramp_s: 0.0 },
            15 => EventKind::RebalanceDone,
            16 => EventKind::RetrySwitch { policy: RetryPolicy::Immediate },
            17 => EventKind::LoginOverloaded { availability: 0.0 },
            18 => EventKind::LoginOk { availability: 0.0 },
            19 => EventKind::ServicesDown { messaging: 0.0, presence: 0.0, contacts: 0.0 },
            20 => EventKind::ServicesUp,
            21 => EventKind::WebDown { web: 0.0 },
            22 => EventKind::WebUp,
            _ => return None,
        })
    }
}

impl Field for EventKind {
    fn field(&mut self, io: &mut impl Columns) -> bool {
        let mut tag = self.tag();
        if !tag.field(io) {
            return false;
        }
        if tag != self.tag() {
            match EventKind::blank(tag) {
                Some(k) => *self = k,
                None => return false,
            }
        }
        match self {
            EventKind::TriggerStart { trigger, affected_fraction } => fields!(io; *trigger, *affected_fraction),
            EventKind::TriggerEnd { trigger } => fields!(io; *trigger),
            EventKind::SupernodesLost { step_pct, down_fraction, crashed_fraction, shut_down_fraction } => {
                fields!(io; *step_pct, *down_fraction, *crashed_fraction, *shut_down_fraction)
            }
            EventKind::LoadRatio { step, ratio } => fields!(io; *step, *ratio),
            EventKind::OnlineBelow { step_pct, fraction } => fields!(io; *step_pct, *fraction),
            EventKind::Recovered { step_pct, fraction } => fields!(io; *step_pct, *fraction),
            EventKind::FirstFailsafe { window_s, threshold } => fields!(io; *window_s, *threshold),
            EventKind::FirstPromotion => true,
            EventKind::MegaDeploy { count, repurposed } => fields!(io; *count, *repurposed),
            EventKind::MegaComplete { count } => fields!(io; *count),
            EventKind::MegaRelease => true,
            EventKind::MegaReleaseDone => true,
            EventKind::FixStart { per_h } => fields!(io; *per_h),
            EventKind::AdmissionOn { logins_per_s } => fields!(io; *logins_per_s),
            EventKind::RebalanceStart { factor, ramp_s } => fields!(io; *factor, *ramp_s),
            EventKind::RebalanceDone => true,
            EventKind::RetrySwitch { policy } => fields!(io; *policy),
            EventKind::LoginOverloaded { availability } => fields!(io; *availability),
            EventKind::LoginOk { availability } => fields!(io; *availability),
            EventKind::ServicesDown { messaging, presence, contacts } => fields!(io; *messaging, *presence, *contacts),
            EventKind::ServicesUp => true,
            EventKind::WebDown { web } => fields!(io; *web),
            EventKind::WebUp => true,
        }
    }
}

/// Visits a run's narration for a world's full image (see `world::checkpoint`).
pub(crate) fn events_field(io: &mut impl Columns, events: &mut Vec<Event>) -> bool {
    let mut n = events.len() as u64;
    if !n.field(io) || n > u32::MAX as u64 {
        return false;
    }
    events.resize_with(n as usize, || Event { t_s: 0.0, kind: EventKind::WebUp, text: String::new() });
    events.iter_mut().all(|e| fields!(io; e.t_s, e.kind, e.text))
}

/// Something that happened in a run, for the event log and the captions.
#[derive(Clone, Debug, PartialEq)]
pub struct Event {
    /// When it happened, in simulated seconds.
    pub t_s: f64,
    /// What happened, with its values.
    pub kind: EventKind,
    /// What happened, in a sentence (rendered once, when it happened).
    pub text: String,
}

impl Serialize for Event {
    /// As JSON: `{"t_s", "kind" (the id), "tone", "text", "share"?, "n"?, "burst"?}`.
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(None)?;
        m.serialize_entry("t_s", &self.t_s)?;
        m.serialize_entry("kind", &self.kind.id())?;
        m.serialize_entry("tone", self.kind.tone())?;
        m.serialize_entry("text", &self.text)?;
        if let Some(x) = self.kind.share() {
            m.serialize_entry("share", &x)?;
        }
        if let Some(x) = self.kind.number() {
            m.serialize_entry("n", &x)?;
        }
        if self.kind.is_burst() {
            m.serialize_entry("burst", &true)?;
        }
        m.end()
    }
}

/// Formats a time relative to a reference as `T+h:mm` (or `T-h:mm` before it).
pub fn relative_time(t_s: f64, reference_s: f64) -> String {
    let d = t_s - reference_s;
    let sign = if d < 0.0 { '-' } else { '+' };
    let m = (libm::fabs(d) / 60.0) as u64;
    format!("T{sign}{}:{:02}", m / 60, m % 60)
}

/// A multiple in words: one decimal below 10 (`3.1×`), whole above (`86×`, `2695×`).
pub fn times(r: f64) -> String {
    if r < 10.0 {
        format!("{r:.1}×")
    } else {
        format!("{r:.0}×")
    }
}

/// A count with thousands separators (`31,204`).
pub fn thousands(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (k, ch) in s.chars().enumerate() {
        if k > 0 && (s.len() - k).is_multiple_of(3) {
            out.push(',');
        }
        out.push(ch);
    }
    out
}

/// Texts a scenario gives for its events, replacing the generic ones.
#[derive(Clone, Debug, Default)]
pub struct Texts {
    entries: Vec<(String, String)>,
}

impl Texts {
    /// No overrides.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds the text for event kind `kind` (an [`EventKind::id`]).
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
    fn every_kind_has_its_own_tag_and_reads_back() {
        use crate::model::world::{Columns, Field};
        /// A stream of columns in memory (the checkpoint's packer is private to the world).
        #[derive(Default)]
        struct Mem(Vec<Vec<u64>>, usize);
        impl Columns for Mem {
            fn col<T: crate::model::world::Plain>(&mut self, v: &mut Vec<T>) -> bool {
                if self.1 < self.0.len() {
                    let got = &self.0[self.1];
                    self.1 += 1;
                    *v = got.iter().map(|&b| T::from_bits(b).unwrap()).collect();
                } else {
                    self.0.push(std::mem::take(v).into_iter().map(|x| x.bits()).collect());
                    self.1 += 1;
                }
                true
            }
        }
        for tag in 0..KIND_TAGS {
            let kind = EventKind::blank(tag).unwrap();
            assert_eq!(kind.tag(), tag);
            // Written, then read back into a value of another kind: the same again.
            let mut written = kind.clone();
            let mut mem = Mem::default();
            assert!(written.field(&mut mem));
            mem.1 = 0;
            let mut read = if tag == 0 { EventKind::WebUp } else { EventKind::TriggerEnd { trigger: TriggerKind::ConfigPush } };
            assert!(read.field(&mut mem));
            assert_eq!(read, kind, "tag {tag}");
        }
        assert!(EventKind::blank(KIND_TAGS).is_none());
    }

    #[test]
    fn relative_times() {
        assert_eq!(relative_time(3600.0 + 12.0 * 60.0, 3600.0), "T+0:12");
        assert_eq!(relative_time(3600.0 + 25.0 * 3600.0, 3600.0), "T+25:00");
        assert_eq!(relative_time(0.0, 3600.0), "T-1:00");
    }

    #[test]
    fn scenario_texts_take_the_values_not_words() {
        let texts = Texts::new().with("login-ok", "Back: {pct} succeed.").with("admission-on", "Only {n} per second.");
        assert_eq!(EventKind::LoginOk { availability: 0.934 }.render(&texts), "Back: 93% succeed.");
        assert_eq!(EventKind::AdmissionOn { logins_per_s: 300.0 }.render(&texts), "Only 300 per second.");
        let generic = EventKind::OnlineBelow { step_pct: 30, fraction: 0.27 };
        assert_eq!(generic.render(&texts), generic.default_text());
        assert!(generic.default_text().contains("27%"));
        assert_eq!(generic.id(), "online-below-30");
    }

    #[test]
    fn events_serialize_with_their_id_and_values() {
        let e = Event { t_s: 60.0, kind: EventKind::LoadRatio { step: 50, ratio: 73.2 }, text: "x".into() };
        let v = serde_json::to_value(&e).unwrap();
        assert_eq!(v["kind"], "load-50x");
        assert_eq!(v["n"], 73.2);
        assert_eq!(v["tone"], "bad");
    }
}
