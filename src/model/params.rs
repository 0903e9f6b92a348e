//! The parameter set of a run: what users edit (as JSON, `--set key=value`, sliders, URL
//! parameters), with one table of every key's meaning, unit and allowed range.
//!
//! Validation lives here so that the CLI and the page give the same messages. A parameter set
//! that passes [`Params::validate`] never makes the model panic.

use serde::Serialize;
use serde_json::Value;
use std::fmt;

/// How a disconnected client spaces its reconnection attempts (formulas from the AWS
/// Architecture Blog, "Exponential Backoff And Jitter", 2015).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum RetryPolicy {
    /// Try again as soon as the previous attempt failed (the next second).
    Immediate,
    /// Wait `base_s` between attempts.
    Fixed,
    /// Wait `min(cap, base·2^n)` before attempt `n + 1`.
    Exponential,
    /// Wait a uniform draw in `[0, min(cap, base·2^n)]`.
    FullJitter,
    /// Wait half the exponential delay plus a uniform draw over the other half.
    EqualJitter,
    /// Wait `min(cap, U(base, 3·previous))`.
    DecorrelatedJitter,
}

impl RetryPolicy {
    /// Every policy, in the order menus show them.
    pub const ALL: [RetryPolicy; 6] = [
        RetryPolicy::Immediate,
        RetryPolicy::Fixed,
        RetryPolicy::Exponential,
        RetryPolicy::FullJitter,
        RetryPolicy::EqualJitter,
        RetryPolicy::DecorrelatedJitter,
    ];

    /// The policy's name as used in JSON, the CLI and URLs.
    pub fn name(self) -> &'static str {
        match self {
            RetryPolicy::Immediate => "immediate",
            RetryPolicy::Fixed => "fixed",
            RetryPolicy::Exponential => "exponential",
            RetryPolicy::FullJitter => "full-jitter",
            RetryPolicy::EqualJitter => "equal-jitter",
            RetryPolicy::DecorrelatedJitter => "decorrelated-jitter",
        }
    }

    /// Parses a policy name.
    pub fn from_name(s: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|p| p.name() == s)
    }
}

/// What goes wrong at `trigger.start_s`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum TriggerKind {
    /// Nothing goes wrong (the baseline).
    None,
    /// December 2010: the offline-message servers are overloaded and their delayed replies crash
    /// clients on the buggy version (and the supernodes that run it); a user must relaunch.
    CrashOnDelayedReply,
    /// September 2015: a configuration push that the affected versions cannot process
    /// disconnects them; they reconnect on their own, and are disconnected again while it lasts.
    ConfigPush,
}

impl TriggerKind {
    /// Every trigger kind.
    pub const ALL: [TriggerKind; 3] = [TriggerKind::None, TriggerKind::CrashOnDelayedReply, TriggerKind::ConfigPush];

    /// The kind's name as used in JSON and the CLI.
    pub fn name(self) -> &'static str {
        match self {
            TriggerKind::None => "none",
            TriggerKind::CrashOnDelayedReply => "crash-on-delayed-reply",
            TriggerKind::ConfigPush => "config-push",
        }
    }
}

/// The client population: users whose Skype wants to be online.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ClientParams {
    /// Clients that want to be online (2010 peak: over 23 million).
    pub total: u64,
    /// Share of clients on the affected version (2010: Skype for Windows 5.0.0.152, about half).
    pub buggy_fraction: f64,
    /// Mean time for a user to relaunch a crashed client, in seconds.
    pub relaunch_mean_s: f64,
    /// Keep-alive interval, in seconds: a client notices that its supernode is gone within this
    /// time, so the clients of a supernode that dies start reconnecting over this interval.
    pub keepalive_s: f64,
    /// Mean time an online client stays connected before its user logs off and another logs on
    /// (steady churn that keeps logins flowing), in seconds; 0 turns churn off.
    pub session_mean_s: f64,
    /// Mean time a user keeps a client open that fails to connect before closing it (giving up
    /// for now), in seconds; 0 = users never give up.
    pub patience_s: f64,
    /// Mean time before a user who gave up opens the client again, in seconds.
    pub return_mean_s: f64,
}

/// The peer supernodes: clients with a public address that also serve other clients.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(deny_unknown_fields)]
pub struct SupernodeParams {
    /// Supernodes serving at the start (2010: about 48,000).
    pub count: u32,
    /// Run by the operator (2015) rather than by users: they run no client version, so a client
    /// bug does not crash them, and they have no failsafe.
    pub operator_hosted: bool,
    /// Mean capacity of one supernode, in load units per second (one unit = one connected
    /// client's keep-alive and presence work for a second).
    pub capacity_per_s: f64,
    /// Spread of capacities between supernodes: the sigma of a log-normal factor (0 = all equal).
    pub capacity_spread: f64,
    /// Most clients a supernode of mean capacity will hold (scaled by each one's capacity).
    pub max_clients: u32,
    /// Overlay links per supernode (the neighbours that carry lookups).
    pub neighbours: u32,
    /// Mean time for a crashed supernode to be usable again (user relaunch plus promotion), in seconds.
    pub restart_mean_s: f64,
    /// Most connection attempts a supernode's accept queue holds; attempts beyond are refused.
    pub queue_max: u32,
    /// Time an attempt waits in an accept queue before the client gives up on that supernode, in
    /// seconds: a supernode admits no more than it can serve within this time.
    pub queue_timeout_s: f64,
}

/// What work costs a supernode, in load units.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(deny_unknown_fields)]
pub struct LoadParams {
    /// Load units per connected client per second (keep-alives, presence, relayed lookups).
    pub per_client_per_s: f64,
    /// Load units one served connection costs in all (handshake, registration, contact-list and
    /// presence work, searches for the client's contacts).
    pub login_cost: f64,
    /// Load units every connection attempt that reaches a supernode costs, served or not
    /// (accepting the TCP connection, the crypto handshake, saying no).
    pub refusal_cost: f64,
}

/// The supernode failsafe: a supernode runs on a user's machine, and drops the supernode role
/// when that role keeps the machine busy for too long.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(deny_unknown_fields)]
pub struct FailsafeParams {
    /// Load average at or above which the supernode drops its role: the load asked of it (its
    /// clients' keep-alives plus every connection attempt that reaches it, at what serving it
    /// would cost) as a multiple of its capacity, smoothed over `window_s`.
    pub threshold: f64,
    /// Time constant of the load average, in seconds (like the 1-, 5- and 15-minute Unix load
    /// averages): overload must last about this long to count.
    pub window_s: f64,
    /// Mean time a supernode stays out of the role after its failsafe fired, in seconds.
    pub cooldown_s: f64,
}

/// The client's list of supernode addresses, learned from the supernode it was last connected
/// to (that supernode and the ones around it in the overlay) or from the bootstrap servers.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(deny_unknown_fields)]
pub struct HostCacheParams {
    /// Supernode addresses a client knows (first login seeds 7). An attempt walks them in turn
    /// until one takes it; when every entry fails it asks the bootstrap servers.
    pub size: u32,
    /// Time a client spends on an entry that does not take it (a dead supernode, or one whose
    /// accept queue is full) before trying the next, in seconds.
    pub entry_timeout_s: f64,
}

/// The central bootstrap and login servers a client falls back to when every entry of its host
/// cache fails: they hand out fresh supernode addresses, mega-supernodes first once deployed.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(deny_unknown_fields)]
pub struct BootstrapParams {
    /// Requests per second they answer; the rest are refused and the client backs off.
    pub capacity_per_s: f64,
}

/// Clients promoted to supernode when the overlay has lost supernodes.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(deny_unknown_fields)]
pub struct PromotionParams {
    /// Share of clients that could serve as a supernode: a public address, enough bandwidth,
    /// CPU and uptime.
    pub eligible_fraction: f64,
    /// Share of eligible running clients the overlay promotes per hour while it is short of
    /// supernodes (the protocol checks a candidate's address and uptime before it serves).
    pub per_h: f64,
}

/// How clients space their reconnection attempts.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RetryParams {
    /// The backoff policy.
    pub policy: RetryPolicy,
    /// Base delay, in seconds.
    pub base_s: f64,
    /// Longest delay, in seconds.
    pub cap_s: f64,
    /// When the clients switch to `switch_to` (pushed in a client update), in seconds.
    pub switch_s: f64,
    /// The policy clients switch to at `switch_s` (`none` in JSON for no switch).
    #[serde(serialize_with = "ser_switch")]
    pub switch_to: Option<RetryPolicy>,
}

/// Serializes a retry-policy switch: the policy's name, or `none`.
fn ser_switch<S: serde::Serializer>(v: &Option<RetryPolicy>, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(v.map_or("none", RetryPolicy::name))
}

/// The incident's trigger.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(deny_unknown_fields)]
pub struct TriggerParams {
    /// What goes wrong.
    pub kind: TriggerKind,
    /// When it starts, in seconds.
    pub start_s: f64,
    /// When it stops (2010: the offline-message servers recover; 2015: the configuration is
    /// rolled back), in seconds.
    pub end_s: f64,
    /// While it lasts, the rate at which each connected client on the affected version is hit,
    /// per hour: disconnected (2015), or crashed when every offline-message reply is delayed
    /// (2010; the rate then scales with the share of replies delayed).
    pub hazard_per_h: f64,
    /// 2010: share of the offline-message servers' capacity left while the trigger lasts (their
    /// overload, and so the delayed replies, follow from their load against it).
    pub capacity_fraction: f64,
    /// Time for the trigger to reach every affected client (a configuration rolled out over
    /// minutes), in seconds; 0 means all at once.
    pub rollout_s: f64,
}

/// Dedicated, operator-run "mega-supernodes" deployed to bring the network back.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(deny_unknown_fields)]
pub struct MegaParams {
    /// How many are deployed (0 turns this intervention off).
    pub count: u32,
    /// Share of them that are repurposed offline-IM and group-video servers (taking those
    /// features down until `release_s`); they come up first.
    pub repurposed_fraction: f64,
    /// When deployment starts, in seconds.
    pub deploy_s: f64,
    /// Time over which they come up, one after another, in seconds.
    pub ramp_s: f64,
    /// Capacity of one mega-supernode, in load units per second.
    pub capacity_per_s: f64,
    /// Most clients one mega-supernode holds.
    pub max_clients: u32,
    /// When the repurposed servers start going back to offline IM and group video, in seconds.
    pub release_s: f64,
    /// Time over which they go back, one after another, in seconds.
    pub release_ramp_s: f64,
}

/// A fixed client version pushed to users on the buggy one.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(deny_unknown_fields)]
pub struct FixParams {
    /// When the fixed version starts to roll out, in seconds.
    pub start_s: f64,
    /// Share of remaining buggy clients that update each hour (0 turns the rollout off).
    pub rollout_per_h: f64,
}

/// The central sign-in (login) service every connection goes through first.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(deny_unknown_fields)]
pub struct LoginParams {
    /// Sign-ins the service completes per second at most.
    pub capacity_per_s: f64,
    /// Share of a sign-in's cost that a refused sign-in still costs ("We're a bit overloaded
    /// right now" is not free); above capacity this is what makes goodput collapse.
    pub refusal_cost_fraction: f64,
}

/// Admission control: a rate limit on sign-ins, enforced before the service at nearly no cost.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(deny_unknown_fields)]
pub struct AdmissionParams {
    /// Sign-in attempts let through per second (0 = off).
    pub logins_per_s: f64,
    /// When admission control switches on, in seconds.
    pub start_s: f64,
}

/// A backend service's capacity and demand, in requests per second.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ServiceParams {
    /// Requests per second the service can serve.
    pub capacity_per_s: f64,
    /// Requests per second from each connected client.
    pub per_client_per_s: f64,
    /// Requests each sign-in attempt makes (syncing contacts, presence, messages).
    pub per_attempt: f64,
}

/// Skype for Web and for Business clients.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(deny_unknown_fields)]
pub struct WebParams {
    /// Web and business clients online (not part of `clients.total`).
    pub clients: u64,
    /// Requests per second the web infrastructure can serve.
    pub capacity_per_s: f64,
    /// Requests per second from each web client.
    pub per_client_per_s: f64,
    /// Whether web clients share the desktop clients' backend (no bulkhead) instead of running
    /// on separate infrastructure.
    pub shared: bool,
}

/// The backend services besides sign-in.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ServicesParams {
    /// Instant messaging (delivery needs the recipient found through the overlay too).
    pub messaging: ServiceParams,
    /// Presence (who is online; found through the overlay too).
    pub presence: ServiceParams,
    /// Contact lists.
    pub contacts: ServiceParams,
    /// Offline instant messages (down while the trigger of 2010 overloads them or their servers
    /// are repurposed as supernodes).
    pub offline_im: ServiceParams,
    /// Skype for Web and for Business.
    pub web: WebParams,
}

/// The operators re-balance traffic: service capacity grows by a factor over a ramp.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RebalanceParams {
    /// When re-balancing starts, in seconds.
    pub start_s: f64,
    /// Time to reach the full factor, in seconds.
    pub ramp_s: f64,
    /// Factor on sign-in and backend capacity once re-balanced (1 turns this off).
    pub capacity_factor: f64,
}

/// Lookups through the supernode overlay.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(deny_unknown_fields)]
pub struct LookupParams {
    /// Overlay hops between the searching client's supernode and the one that answers.
    pub hops: u32,
    /// Lookups sampled per simulated minute to estimate the success rate.
    pub samples_per_min: u32,
}

/// Everything that defines a run besides the scenario's narration and the seed.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Params {
    /// The client population.
    pub clients: ClientParams,
    /// The peer supernodes.
    pub supernodes: SupernodeParams,
    /// Costs of work on a supernode.
    pub load: LoadParams,
    /// The supernode failsafe.
    pub failsafe: FailsafeParams,
    /// Client host caches.
    pub host_cache: HostCacheParams,
    /// The bootstrap servers.
    pub bootstrap: BootstrapParams,
    /// Promotion of clients to supernode.
    pub promotion: PromotionParams,
    /// Reconnection backoff.
    pub retry: RetryParams,
    /// The incident's trigger.
    pub trigger: TriggerParams,
    /// Mega-supernodes (intervention).
    pub mega: MegaParams,
    /// Fixed client version (intervention).
    pub fix: FixParams,
    /// The sign-in service.
    pub login: LoginParams,
    /// Admission control (intervention).
    pub admission: AdmissionParams,
    /// Backend services.
    pub services: ServicesParams,
    /// Traffic re-balancing (intervention).
    pub rebalance: RebalanceParams,
    /// Overlay lookups.
    pub lookup: LookupParams,
}

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

fn fmt_num(x: f64) -> String {
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

fn lookup<'a>(v: &'a Value, key: &str) -> Option<&'a Value> {
    key.split('.').try_fold(v, |cur, part| cur.get(part))
}

fn lookup_mut<'a>(v: &'a mut Value, key: &str) -> Option<&'a mut Value> {
    key.split('.').try_fold(v, |cur, part| cur.get_mut(part))
}

fn check_value(spec: &FieldSpec, v: &Value) -> Result<(), ParamError> {
    let bad = |what: String| ParamError::new(spec.key, format!("{what}; allowed: {}", spec.kind.allowed()));
    match spec.kind {
        FieldKind::Int { min, max } => {
            let n = v.as_u64().ok_or_else(|| bad(format!("got {}", describe(v))))?;
            if n < min || n > max {
                return Err(bad(format!("{n} is out of range")));
            }
        }
        FieldKind::Float { min, max } => {
            let x = v.as_f64().ok_or_else(|| bad(format!("got {}", describe(v))))?;
            if !x.is_finite() || x < min || x > max {
                return Err(bad(format!("{x} is out of range")));
            }
        }
        FieldKind::Bool => {
            v.as_bool().ok_or_else(|| bad(format!("got {}", describe(v))))?;
        }
        FieldKind::Enum(names) => {
            let s = v.as_str().ok_or_else(|| bad(format!("got {}", describe(v))))?;
            if !names.contains(&s) {
                return Err(bad(format!("unknown value '{s}'")));
            }
        }
    }
    Ok(())
}

fn describe(v: &Value) -> String {
    match v {
        Value::Null => "null".into(),
        Value::Bool(b) => format!("{b}"),
        Value::Number(n) => format!("{n}"),
        Value::String(s) => format!("the text '{s}'"),
        Value::Array(_) => "a list".into(),
        Value::Object(_) => "an object".into(),
    }
}

/// Every dotted leaf key in a JSON object, in order.
fn leaf_keys(v: &Value, prefix: &str, out: &mut Vec<String>) {
    if let Value::Object(map) = v {
        for (k, child) in map {
            let key = if prefix.is_empty() { k.clone() } else { format!("{prefix}.{k}") };
            if child.is_object() {
                leaf_keys(child, &key, out);
            } else {
                out.push(key);
            }
        }
    }
}

impl Params {
    /// The parameters as a JSON value (the schema users edit).
    pub fn to_json(&self) -> Value {
        serde_json::to_value(self).expect("parameters always serialize")
    }

    /// Pretty-printed JSON of the parameters.
    pub fn to_json_pretty(&self) -> String {
        serde_json::to_string_pretty(self).expect("parameters always serialize")
    }

    /// Parameters from a complete JSON value, checked field by field.
    pub fn from_json(v: &Value) -> Result<Params, ParamError> {
        check_tree(v)?;
        let p = build(v);
        p.validate()?;
        Ok(p)
    }

    /// These parameters with the keys of `overrides` replaced: a possibly partial JSON object,
    /// nested as `params` prints it (a `--params` file) or with dotted keys (`{"mega.count": 0}`,
    /// as the page's `params` attribute and URLs give it). A value may be text for a number or
    /// a boolean (`"0.5"`, `"true"`), as URLs carry them. Unknown keys are errors.
    pub fn merged(&self, overrides: &Value) -> Result<Params, ParamError> {
        let Value::Object(map) = overrides else {
            return Err(ParamError::new("params", format!("expected a JSON object, got {}", describe(overrides))));
        };
        let mut entries = Vec::new();
        for (k, v) in map {
            if v.is_object() {
                let mut keys = Vec::new();
                leaf_keys(v, k, &mut keys);
                for key in keys {
                    let leaf = lookup(overrides, &key).cloned().unwrap_or(Value::Null);
                    entries.push((key, leaf));
                }
            } else {
                entries.push((k.clone(), v.clone()));
            }
        }
        let mut base = self.to_json();
        for (key, v) in entries {
            let spec = field_spec(&key).ok_or_else(|| unknown_key(&key))?;
            let v = match (&v, spec.kind) {
                (Value::String(t), FieldKind::Int { .. } | FieldKind::Float { .. } | FieldKind::Bool) => value_from_text(spec, t)?,
                _ => v,
            };
            set_in(&mut base, &key, v)?;
        }
        Params::from_json(&base)
    }

    /// These parameters with one dotted key set from text, as `--set key=value` and URL
    /// parameters give it: numbers, `true`/`false` and names are understood.
    pub fn with_text(&self, key: &str, text: &str) -> Result<Params, ParamError> {
        let spec = field_spec(key).ok_or_else(|| unknown_key(key))?;
        let v = value_from_text(spec, text)?;
        let mut base = self.to_json();
        set_in(&mut base, key, v)?;
        Params::from_json(&base)
    }

    /// The value of a dotted key as JSON.
    pub fn get(&self, key: &str) -> Option<Value> {
        lookup(&self.to_json(), key).cloned()
    }

    /// Checks every field's range and the rules between fields.
    pub fn validate(&self) -> Result<(), ParamError> {
        check_tree(&self.to_json())?;
        if self.retry.cap_s < self.retry.base_s {
            return Err(ParamError::new(
                "retry.cap_s",
                format!("{} is below retry.base_s ({}); the cap must be at least the base", self.retry.cap_s, self.retry.base_s),
            ));
        }
        if self.trigger.end_s < self.trigger.start_s {
            return Err(ParamError::new(
                "trigger.end_s",
                format!("{} is before trigger.start_s ({}); it must be at least the start", self.trigger.end_s, self.trigger.start_s),
            ));
        }
        let slots =
            self.supernodes.count as u64 * self.supernodes.max_clients as u64 + self.mega.count as u64 * self.mega.max_clients as u64;
        if slots < self.clients.total / 100 {
            return Err(ParamError::new(
                "supernodes.max_clients",
                format!(
                    "supernodes can hold {slots} clients in all, under 1% of clients.total ({}); raise supernodes.count or supernodes.max_clients",
                    self.clients.total
                ),
            ));
        }
        Ok(())
    }
}

/// Reads a JSON tree that `check_tree` accepted (every key present, of the right type and in
/// range) into `Params`, field by field. Written out rather than derived: the page's WebAssembly
/// then needs no generated deserializer, which would be a tenth of its size.
fn build(v: &Value) -> Params {
    let f = |k: &str| lookup(v, k).and_then(Value::as_f64).unwrap_or(0.0);
    let u = |k: &str| lookup(v, k).and_then(Value::as_u64).unwrap_or(0);
    let b = |k: &str| lookup(v, k).and_then(Value::as_bool).unwrap_or(false);
    let s = |k: &str| lookup(v, k).and_then(Value::as_str).unwrap_or("").to_string();
    let svc = |p: &str| ServiceParams {
        capacity_per_s: f(&format!("{p}.capacity_per_s")),
        per_client_per_s: f(&format!("{p}.per_client_per_s")),
        per_attempt: f(&format!("{p}.per_attempt")),
    };
    let policy = RetryPolicy::from_name(&s("retry.policy")).unwrap_or(RetryPolicy::Exponential);
    let switch_to = RetryPolicy::from_name(&s("retry.switch_to"));
    let kind = TriggerKind::ALL.iter().copied().find(|k| k.name() == s("trigger.kind")).unwrap_or(TriggerKind::None);
    Params {
        clients: ClientParams {
            total: u("clients.total"),
            buggy_fraction: f("clients.buggy_fraction"),
            relaunch_mean_s: f("clients.relaunch_mean_s"),
            keepalive_s: f("clients.keepalive_s"),
            session_mean_s: f("clients.session_mean_s"),
            patience_s: f("clients.patience_s"),
            return_mean_s: f("clients.return_mean_s"),
        },
        supernodes: SupernodeParams {
            count: u("supernodes.count") as u32,
            operator_hosted: b("supernodes.operator_hosted"),
            capacity_per_s: f("supernodes.capacity_per_s"),
            capacity_spread: f("supernodes.capacity_spread"),
            max_clients: u("supernodes.max_clients") as u32,
            neighbours: u("supernodes.neighbours") as u32,
            restart_mean_s: f("supernodes.restart_mean_s"),
            queue_max: u("supernodes.queue_max") as u32,
            queue_timeout_s: f("supernodes.queue_timeout_s"),
        },
        load: LoadParams {
            per_client_per_s: f("load.per_client_per_s"),
            login_cost: f("load.login_cost"),
            refusal_cost: f("load.refusal_cost"),
        },
        failsafe: FailsafeParams {
            threshold: f("failsafe.threshold"),
            window_s: f("failsafe.window_s"),
            cooldown_s: f("failsafe.cooldown_s"),
        },
        host_cache: HostCacheParams { size: u("host_cache.size") as u32, entry_timeout_s: f("host_cache.entry_timeout_s") },
        bootstrap: BootstrapParams { capacity_per_s: f("bootstrap.capacity_per_s") },
        promotion: PromotionParams { eligible_fraction: f("promotion.eligible_fraction"), per_h: f("promotion.per_h") },
        retry: RetryParams { policy, base_s: f("retry.base_s"), cap_s: f("retry.cap_s"), switch_s: f("retry.switch_s"), switch_to },
        trigger: TriggerParams {
            kind,
            start_s: f("trigger.start_s"),
            end_s: f("trigger.end_s"),
            hazard_per_h: f("trigger.hazard_per_h"),
            capacity_fraction: f("trigger.capacity_fraction"),
            rollout_s: f("trigger.rollout_s"),
        },
        mega: MegaParams {
            count: u("mega.count") as u32,
            repurposed_fraction: f("mega.repurposed_fraction"),
            deploy_s: f("mega.deploy_s"),
            ramp_s: f("mega.ramp_s"),
            capacity_per_s: f("mega.capacity_per_s"),
            max_clients: u("mega.max_clients") as u32,
            release_s: f("mega.release_s"),
            release_ramp_s: f("mega.release_ramp_s"),
        },
        fix: FixParams { start_s: f("fix.start_s"), rollout_per_h: f("fix.rollout_per_h") },
        login: LoginParams { capacity_per_s: f("login.capacity_per_s"), refusal_cost_fraction: f("login.refusal_cost_fraction") },
        admission: AdmissionParams { logins_per_s: f("admission.logins_per_s"), start_s: f("admission.start_s") },
        services: ServicesParams {
            messaging: svc("services.messaging"),
            presence: svc("services.presence"),
            contacts: svc("services.contacts"),
            offline_im: svc("services.offline_im"),
            web: WebParams {
                clients: u("services.web.clients"),
                capacity_per_s: f("services.web.capacity_per_s"),
                per_client_per_s: f("services.web.per_client_per_s"),
                shared: b("services.web.shared"),
            },
        },
        rebalance: RebalanceParams {
            start_s: f("rebalance.start_s"),
            ramp_s: f("rebalance.ramp_s"),
            capacity_factor: f("rebalance.capacity_factor"),
        },
        lookup: LookupParams { hops: u("lookup.hops") as u32, samples_per_min: u("lookup.samples_per_min") as u32 },
    }
}

/// A field's value from text: a number, `true`/`false` (or on/off, yes/no, 1/0), or a name.
fn value_from_text(spec: &FieldSpec, text: &str) -> Result<Value, ParamError> {
    let key = spec.key;
    let t = text.trim();
    Ok(match spec.kind {
        FieldKind::Int { .. } | FieldKind::Float { .. } => match serde_json::from_str::<Value>(t) {
            Ok(v @ Value::Number(_)) => v,
            _ => return Err(ParamError::new(key, format!("'{text}' is not a number; allowed: {}", spec.kind.allowed()))),
        },
        FieldKind::Bool => match t {
            "true" | "1" | "on" | "yes" => Value::Bool(true),
            "false" | "0" | "off" | "no" => Value::Bool(false),
            _ => return Err(ParamError::new(key, format!("'{text}' is not true or false"))),
        },
        FieldKind::Enum(_) => Value::String(t.to_string()),
    })
}

fn unknown_key(key: &str) -> ParamError {
    let prefix = key.split('.').next().unwrap_or("");
    let near: Vec<&str> = FIELDS.iter().map(|f| f.key).filter(|k| k.starts_with(prefix)).collect();
    let hint = if near.is_empty() {
        "run `supernode-sim params` to list the keys".to_string()
    } else {
        format!("keys starting with '{prefix}': {}", near.join(", "))
    };
    ParamError::new(key, format!("unknown parameter; {hint}"))
}

fn set_in(base: &mut Value, key: &str, v: Value) -> Result<(), ParamError> {
    let spec = field_spec(key).ok_or_else(|| unknown_key(key))?;
    check_value(spec, &v)?;
    let slot = lookup_mut(base, key).ok_or_else(|| unknown_key(key))?;
    *slot = v;
    Ok(())
}

fn check_tree(v: &Value) -> Result<(), ParamError> {
    let mut keys = Vec::new();
    leaf_keys(v, "", &mut keys);
    for key in &keys {
        let spec = field_spec(key).ok_or_else(|| unknown_key(key))?;
        check_value(spec, lookup(v, key).unwrap_or(&Value::Null))?;
    }
    for spec in FIELDS {
        if lookup(v, spec.key).is_none() {
            return Err(ParamError::new(spec.key, format!("missing; allowed: {}", spec.kind.allowed())));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenarios;

    #[test]
    fn every_field_is_in_the_table_and_back() {
        let p = scenarios::find("skype-2010").unwrap().params.clone();
        let mut keys = Vec::new();
        leaf_keys(&p.to_json(), "", &mut keys);
        let table: Vec<&str> = FIELDS.iter().map(|f| f.key).collect();
        assert_eq!(keys.len(), table.len());
        for k in &keys {
            assert!(table.contains(&k.as_str()), "{k} not documented");
        }
    }

    #[test]
    fn every_scenario_survives_a_round_trip_through_json() {
        for sc in scenarios::all() {
            let p = sc.params.clone();
            assert_eq!(Params::from_json(&p.to_json()).unwrap(), p, "{}", sc.name);
            // And through text, as `params` prints it and `--params` reads it.
            let v: Value = serde_json::from_str(&p.to_json_pretty()).unwrap();
            assert_eq!(Params::from_json(&v).unwrap(), p, "{}", sc.name);
        }
    }

    #[test]
    fn set_checks_type_and_range() {
        let p = scenarios::find("skype-2010").unwrap().params.clone();
        assert_eq!(p.with_text("retry.policy", "full-jitter").unwrap().retry.policy, RetryPolicy::FullJitter);
        let e = p.with_text("retry.policy", "sometimes").unwrap_err();
        assert_eq!(e.field, "retry.policy");
        assert!(e.message.contains("full-jitter"));
        let e = p.with_text("clients.buggy_fraction", "1.5").unwrap_err();
        assert!(e.message.contains("from 0 to 1"), "{e}");
        assert!(p.with_text("clients.buggy_fraction", "NaN").is_err());
        assert!(p.with_text("clients.buggy_fraction", "-0.1").is_err());
        assert!(p.with_text("supernodes.count", "2.5").is_err());
        assert!(p.with_text("supernodes.count", "1e40").is_err());
        assert!(p.with_text("nope.key", "1").unwrap_err().message.contains("unknown"));
        assert!(p.with_text("retry.cap_s", "0").unwrap_err().message.contains("base"));
    }

    #[test]
    fn merge_takes_partial_objects_and_rejects_unknown_keys() {
        let p = scenarios::find("skype-2010").unwrap().params.clone();
        let q = p.merged(&serde_json::json!({"mega": {"count": 0}})).unwrap();
        assert_eq!(q.mega.count, 0);
        assert_eq!(q.clients, p.clients);
        assert!(p.merged(&serde_json::json!({"mega": {"cont": 0}})).is_err());
        assert!(p.merged(&serde_json::json!([1, 2])).is_err());
        assert!(p.merged(&serde_json::json!({"retry": {"policy": 3}})).is_err());
    }

    #[test]
    fn merge_takes_dotted_keys_and_text_values() {
        let p = scenarios::find("skype-2010").unwrap().params.clone();
        let q =
            p.merged(&serde_json::json!({"mega.count": "0", "retry.policy": "full-jitter", "supernodes.operator_hosted": "true"})).unwrap();
        assert_eq!(q.mega.count, 0);
        assert_eq!(q.retry.policy, RetryPolicy::FullJitter);
        assert!(q.supernodes.operator_hosted);
        let e = p.merged(&serde_json::json!({"mega.count": "many"})).unwrap_err();
        assert_eq!(e.field, "mega.count");
        assert!(p.merged(&serde_json::json!({"mega.cont": 1})).unwrap_err().message.contains("unknown"));
    }
}
