//! The table of every parameter key: its unit, what it allows and what it means (the README's
//! table and the page's sliders are printed from it), and the error that names a key.

use std::fmt;

/// A parameter problem: which field, and what is allowed.
#[derive(Clone, Debug, PartialEq)]
pub struct ParamError {
    /// The dotted key of the field (or the file / input that was wrong).
    pub field: String,
    /// What is wrong and what is allowed.
    pub message: String,
}

impl fmt::Display for ParamError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.field, self.message)
    }
}

impl std::error::Error for ParamError {}

impl ParamError {
    /// A problem with `field`.
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self { field: field.into(), message: message.into() }
    }
}

/// The type and range a parameter accepts.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum FieldKind {
    /// A whole number in `min..=max`.
    Int {
        /// Smallest allowed value.
        min: u64,
        /// Largest allowed value.
        max: u64,
    },
    /// A finite number in `min..=max`.
    Float {
        /// Smallest allowed value.
        min: f64,
        /// Largest allowed value.
        max: f64,
    },
    /// `true` or `false`.
    Bool,
    /// One of the listed names.
    Enum(&'static [&'static str]),
}

impl FieldKind {
    /// What the field accepts, in words.
    pub fn allowed(&self) -> String {
        match self {
            FieldKind::Int { min, max } => format!("a whole number from {min} to {max}"),
            FieldKind::Float { min, max } => format!("a number from {} to {}", fmt_num(*min), fmt_num(*max)),
            FieldKind::Bool => "true or false".to_string(),
            FieldKind::Enum(names) => format!("one of {}", names.join(", ")),
        }
    }
}

/// Text from a user as a message shows it: at most 40 characters (then "…"), control
/// characters escaped, so a message never carries a long or invisible value.
pub fn shown(text: &str) -> String {
    const MAX: usize = 40;
    let mut out = String::new();
    for c in text.chars().take(MAX) {
        if c.is_control() {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    if text.chars().count() > MAX {
        out.push('…');
    }
    out
}

/// A number as messages show it: whole numbers without a decimal point.
pub fn fmt_num(x: f64) -> String {
    if x == libm::trunc(x) && x.abs() < 1e15 {
        format!("{}", x as i64)
    } else {
        format!("{x}")
    }
}

/// One documented parameter: dotted key, unit, allowed values and meaning.
#[derive(Clone, Copy, Debug)]
pub struct FieldSpec {
    /// Dotted key, as `params` prints it and `--set` takes it.
    pub key: &'static str,
    /// Unit (empty when the value has none).
    pub unit: &'static str,
    /// Type and range.
    pub kind: FieldKind,
    /// What it means in the real incident.
    pub doc: &'static str,
}

/// Longest simulated time any timed parameter may name: 720 hours.
pub const MAX_TIME_S: f64 = 720.0 * 3600.0;

const TIME: FieldKind = FieldKind::Float { min: 0.0, max: MAX_TIME_S };
const FRACTION: FieldKind = FieldKind::Float { min: 0.0, max: 1.0 };
const RATE: FieldKind = FieldKind::Float { min: 0.0, max: 1e9 };
const COST: FieldKind = FieldKind::Float { min: 0.0, max: 1e6 };
const POLICIES: &[&str] = &["immediate", "fixed", "exponential", "full-jitter", "equal-jitter", "decorrelated-jitter"];
const SWITCHES: &[&str] = &["none", "immediate", "fixed", "exponential", "full-jitter", "equal-jitter", "decorrelated-jitter"];

/// Every parameter, its unit, range and meaning. The README's table and `--help` come from here.
pub const FIELDS: &[FieldSpec] = &[
    FieldSpec { key: "clients.total", unit: "clients", kind: FieldKind::Int { min: 1, max: 200_000_000 }, doc: "Clients that want to be online (2010 peak: over 23 million)." },
    FieldSpec { key: "clients.buggy_fraction", unit: "fraction", kind: FRACTION, doc: "Share of clients on the affected version (2010: Windows 5.0.0.152, about half; 2015: the versions that could not process the configuration)." },
    FieldSpec { key: "clients.relaunch_mean_s", unit: "s", kind: FieldKind::Float { min: 1.0, max: 604_800.0 }, doc: "Mean time for a user to relaunch a crashed client." },
    FieldSpec { key: "clients.keepalive_s", unit: "s", kind: FieldKind::Float { min: 1.0, max: 3600.0 }, doc: "Keep-alive interval: clients notice their supernode is gone within it, so they start reconnecting spread over it." },
    FieldSpec { key: "clients.session_mean_s", unit: "s", kind: FieldKind::Float { min: 0.0, max: 604_800.0 }, doc: "Mean time before a user logs off and another logs on (steady login churn); 0 = no churn." },
    FieldSpec { key: "clients.patience_s", unit: "s", kind: FieldKind::Float { min: 0.0, max: 604_800.0 }, doc: "Mean time a user keeps a client open that cannot connect before closing it for now; 0 = users never give up." },
    FieldSpec { key: "clients.return_mean_s", unit: "s", kind: FieldKind::Float { min: 1.0, max: 604_800.0 }, doc: "Mean time before a user who gave up opens the client again." },
    FieldSpec { key: "supernodes.count", unit: "supernodes", kind: FieldKind::Int { min: 1, max: 100_000 }, doc: "Supernodes serving at the start (2010: about 48,000 peers; 2015: about 10,000 operator-hosted)." },
    FieldSpec { key: "supernodes.operator_hosted", unit: "", kind: FieldKind::Bool, doc: "Supernodes run by the operator (post-2012): no client bug crashes them and they have no failsafe." },
    FieldSpec { key: "supernodes.capacity_per_s", unit: "load units/s", kind: FieldKind::Float { min: 1.0, max: 1e9 }, doc: "Mean capacity of a supernode; one load unit is one connected client's keep-alive and presence work for a second." },
    FieldSpec { key: "supernodes.capacity_spread", unit: "sigma", kind: FieldKind::Float { min: 0.0, max: 2.0 }, doc: "Spread of supernode capacities (log-normal sigma): home PCs differ." },
    FieldSpec { key: "supernodes.max_clients", unit: "clients", kind: FieldKind::Int { min: 1, max: 1_000_000 }, doc: "Most clients a supernode of mean capacity holds; each one's limit scales with its capacity." },
    FieldSpec { key: "supernodes.neighbours", unit: "links", kind: FieldKind::Int { min: 1, max: 16 }, doc: "Overlay links per supernode; searches are forwarded along them." },
    FieldSpec { key: "supernodes.restart_mean_s", unit: "s", kind: FieldKind::Float { min: 0.0, max: 604_800.0 }, doc: "Mean time for a crashed supernode to serve again: the user relaunches, then it takes time to become available." },
    FieldSpec { key: "supernodes.queue_max", unit: "attempts", kind: FieldKind::Int { min: 1, max: 100_000 }, doc: "Most connection attempts a supernode's accept queue holds; more are refused (each still costs load.refusal_cost)." },
    FieldSpec { key: "supernodes.queue_timeout_s", unit: "s", kind: FieldKind::Float { min: 1.0, max: 600.0 }, doc: "An attempt waiting in an accept queue times out after this; a supernode admits no more than it can serve within it." },
    FieldSpec { key: "load.per_client_per_s", unit: "load units/s", kind: FieldKind::Float { min: 0.0, max: 1e3 }, doc: "Load each connected client puts on its supernode." },
    FieldSpec { key: "load.login_cost", unit: "load units", kind: COST, doc: "Load of one served connection in all: handshake, registration, contact-list and presence work, searches for the client's contacts." },
    FieldSpec { key: "load.refusal_cost", unit: "load units", kind: COST, doc: "Load every attempt that reaches a supernode costs, served or not (TCP accept, crypto handshake, saying no)." },
    FieldSpec { key: "failsafe.threshold", unit: "x capacity", kind: FieldKind::Float { min: 0.05, max: 100.0 }, doc: "Load average at which a supernode drops its role: the load asked of it (keep-alives plus every attempt reaching it at the cost of serving it), as a multiple of capacity, smoothed over failsafe.window_s." },
    FieldSpec { key: "failsafe.window_s", unit: "s", kind: FieldKind::Float { min: 1.0, max: 3600.0 }, doc: "Time constant of the failsafe's load average: overload must last about this long to count, whether it comes smooth or in waves." },
    FieldSpec { key: "failsafe.cooldown_s", unit: "s", kind: FieldKind::Float { min: 0.0, max: 604_800.0 }, doc: "Mean time a supernode stays out of the role after its failsafe fired." },
    FieldSpec { key: "host_cache.size", unit: "entries", kind: FieldKind::Int { min: 1, max: 200 }, doc: "Supernode addresses a client knows, learned from its last supernode's neighbourhood; an attempt walks them until one takes it, then asks the bootstrap servers." },
    FieldSpec { key: "host_cache.entry_timeout_s", unit: "s", kind: FieldKind::Float { min: 0.1, max: 30.0 }, doc: "Time spent on a cache entry that does not take the client (dead, or its accept queue full) before the next is tried." },
    FieldSpec { key: "bootstrap.capacity_per_s", unit: "requests/s", kind: FieldKind::Float { min: 1.0, max: 1e9 }, doc: "Requests per second the central bootstrap and login servers answer with fresh supernode addresses (mega-supernodes first)." },
    FieldSpec { key: "promotion.eligible_fraction", unit: "fraction", kind: FRACTION, doc: "Share of clients that could be supernodes: public address, enough bandwidth, CPU and uptime." },
    FieldSpec { key: "promotion.per_h", unit: "1/h", kind: FieldKind::Float { min: 0.0, max: 100.0 }, doc: "Share of eligible running clients promoted per hour while the overlay is short of supernodes (0 = no promotion)." },
    FieldSpec { key: "retry.policy", unit: "", kind: FieldKind::Enum(POLICIES), doc: "How clients space reconnection attempts (AWS, Exponential Backoff And Jitter)." },
    FieldSpec { key: "retry.base_s", unit: "s", kind: FieldKind::Float { min: 0.0, max: 600.0 }, doc: "Base delay between attempts." },
    FieldSpec { key: "retry.cap_s", unit: "s", kind: FieldKind::Float { min: 0.0, max: 3600.0 }, doc: "Longest delay between attempts (at least retry.base_s)." },
    FieldSpec { key: "retry.switch_s", unit: "s", kind: TIME, doc: "When clients switch to retry.switch_to (a pushed client update)." },
    FieldSpec { key: "retry.switch_to", unit: "", kind: FieldKind::Enum(SWITCHES), doc: "Policy clients switch to at retry.switch_s; none = no switch." },
    FieldSpec { key: "trigger.kind", unit: "", kind: FieldKind::Enum(&["none", "crash-on-delayed-reply", "config-push"]), doc: "What goes wrong: none, the 2010 crash bug, or the 2015 configuration push." },
    FieldSpec { key: "trigger.start_s", unit: "s", kind: TIME, doc: "When the trigger starts." },
    FieldSpec { key: "trigger.end_s", unit: "s", kind: TIME, doc: "When it stops: offline-message servers recover (2010), configuration rolled back (2015). At least trigger.start_s." },
    FieldSpec { key: "trigger.hazard_per_h", unit: "1/h", kind: FieldKind::Float { min: 0.0, max: 3600.0 }, doc: "While it lasts, how often each connected affected client is hit, per hour (2010: crashes at this rate when every offline-message reply is delayed)." },
    FieldSpec { key: "trigger.capacity_fraction", unit: "fraction", kind: FRACTION, doc: "2010: share of the offline-message servers' capacity left while the trigger lasts; their load against it sets the share of delayed replies." },
    FieldSpec { key: "trigger.rollout_s", unit: "s", kind: TIME, doc: "Time for the trigger to reach all affected clients (configuration rolled out over minutes); 0 = at once." },
    FieldSpec { key: "mega.count", unit: "supernodes", kind: FieldKind::Int { min: 0, max: 100_000 }, doc: "Mega-supernodes deployed by the operator (0 = intervention off). Reports: hundreds to thousands." },
    FieldSpec { key: "mega.repurposed_fraction", unit: "fraction", kind: FRACTION, doc: "Share of the mega-supernodes that are repurposed offline-IM and group-video servers; they come up first." },
    FieldSpec { key: "mega.deploy_s", unit: "s", kind: TIME, doc: "When mega-supernode deployment starts." },
    FieldSpec { key: "mega.ramp_s", unit: "s", kind: TIME, doc: "Time over which the mega-supernodes come up one after another." },
    FieldSpec { key: "mega.capacity_per_s", unit: "load units/s", kind: FieldKind::Float { min: 1.0, max: 1e9 }, doc: "Capacity of one mega-supernode." },
    FieldSpec { key: "mega.max_clients", unit: "clients", kind: FieldKind::Int { min: 1, max: 1_000_000 }, doc: "Most clients one mega-supernode holds." },
    FieldSpec { key: "mega.release_s", unit: "s", kind: TIME, doc: "When repurposed servers start returning to offline IM and group video (those features come back last)." },
    FieldSpec { key: "mega.release_ramp_s", unit: "s", kind: TIME, doc: "Time over which the repurposed servers return, one after another." },
    FieldSpec { key: "fix.start_s", unit: "s", kind: TIME, doc: "When a fixed client version starts to roll out." },
    FieldSpec { key: "fix.rollout_per_h", unit: "1/h", kind: FieldKind::Float { min: 0.0, max: 100.0 }, doc: "Share of remaining buggy clients that update per hour (0 = intervention off)." },
    FieldSpec { key: "login.capacity_per_s", unit: "sign-ins/s", kind: FieldKind::Float { min: 1.0, max: 1e9 }, doc: "Sign-ins the login service completes per second." },
    FieldSpec { key: "login.refusal_cost_fraction", unit: "fraction", kind: FieldKind::Float { min: 0.0, max: 0.99 }, doc: "Share of a sign-in's cost a refused sign-in still costs; what makes goodput collapse under a storm." },
    FieldSpec { key: "admission.logins_per_s", unit: "sign-ins/s", kind: RATE, doc: "Admission control: sign-in attempts let through per second, rejected cheaply beyond (0 = off)." },
    FieldSpec { key: "admission.start_s", unit: "s", kind: TIME, doc: "When admission control switches on." },
    FieldSpec { key: "services.messaging.capacity_per_s", unit: "requests/s", kind: RATE, doc: "Messaging backend capacity." },
    FieldSpec { key: "services.messaging.per_client_per_s", unit: "requests/s", kind: COST, doc: "Messaging requests per connected client per second." },
    FieldSpec { key: "services.messaging.per_attempt", unit: "requests", kind: COST, doc: "Messaging requests per sign-in attempt (syncing messages)." },
    FieldSpec { key: "services.presence.capacity_per_s", unit: "requests/s", kind: RATE, doc: "Presence backend capacity." },
    FieldSpec { key: "services.presence.per_client_per_s", unit: "requests/s", kind: COST, doc: "Presence requests per connected client per second." },
    FieldSpec { key: "services.presence.per_attempt", unit: "requests", kind: COST, doc: "Presence requests per sign-in attempt (publishing status, fetching contacts' status)." },
    FieldSpec { key: "services.contacts.capacity_per_s", unit: "requests/s", kind: RATE, doc: "Contact-list backend capacity." },
    FieldSpec { key: "services.contacts.per_client_per_s", unit: "requests/s", kind: COST, doc: "Contact-list requests per connected client per second." },
    FieldSpec { key: "services.contacts.per_attempt", unit: "requests", kind: COST, doc: "Contact-list requests per sign-in attempt (syncing the list)." },
    FieldSpec { key: "services.offline_im.capacity_per_s", unit: "requests/s", kind: RATE, doc: "Offline instant-message servers' capacity." },
    FieldSpec { key: "services.offline_im.per_client_per_s", unit: "requests/s", kind: COST, doc: "Offline-message traffic per user who wants to be online, per second (messages to offline users are what these servers store, so it does not fall when users drop off)." },
    FieldSpec { key: "services.offline_im.per_attempt", unit: "requests", kind: COST, doc: "Offline-message requests per sign-in attempt (fetching messages left while away)." },
    FieldSpec { key: "services.web.clients", unit: "clients", kind: FieldKind::Int { min: 0, max: 200_000_000 }, doc: "Skype for Web and for Business clients online." },
    FieldSpec { key: "services.web.capacity_per_s", unit: "requests/s", kind: RATE, doc: "Capacity of the web clients' infrastructure." },
    FieldSpec { key: "services.web.per_client_per_s", unit: "requests/s", kind: COST, doc: "Requests per web client per second." },
    FieldSpec { key: "services.web.shared", unit: "", kind: FieldKind::Bool, doc: "Web clients share the desktop backend (no bulkhead) instead of separate infrastructure." },
    FieldSpec { key: "rebalance.start_s", unit: "s", kind: TIME, doc: "When operators start re-balancing traffic load." },
    FieldSpec { key: "rebalance.ramp_s", unit: "s", kind: TIME, doc: "Time for re-balancing to reach its full effect." },
    FieldSpec { key: "rebalance.capacity_factor", unit: "x", kind: FieldKind::Float { min: 1.0, max: 1000.0 }, doc: "Factor on sign-in and backend capacity once re-balanced (1 = intervention off)." },
    FieldSpec { key: "lookup.hops", unit: "hops", kind: FieldKind::Int { min: 1, max: 8 }, doc: "Overlay hops a lookup takes between the searching client's supernode and the target's." },
    FieldSpec { key: "lookup.samples_per_min", unit: "lookups", kind: FieldKind::Int { min: 1, max: 10_000 }, doc: "Lookups sampled per simulated minute to measure the success rate." },
];

/// The spec of a dotted key, if it exists.
pub fn field_spec(key: &str) -> Option<&'static FieldSpec> {
    FIELDS.iter().find(|f| f.key == key)
}
