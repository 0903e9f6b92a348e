//! The parameter set of a run: what users edit (as JSON, `--set key=value`, sliders, URL
//! parameters), with one table of every key's meaning, unit and allowed range.
//!
//! Validation lives here so that the CLI and the page give the same messages. A parameter set
//! that passes [`Params::validate`] never makes the model panic. The file is cut along its jobs:
//! the types here, the table of keys in `fields`, reading and checking them in `read`.

mod fields;
mod read;

pub use fields::{field_spec, fmt_num, shown, FieldKind, FieldSpec, ParamError, FIELDS, MAX_TIME_S};

use serde::Serialize;

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

impl crate::model::world::Field for RetryPolicy {
    fn field(&mut self, io: &mut impl crate::model::world::Columns) -> bool {
        crate::model::world::choice_field(io, self, &RetryPolicy::ALL)
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

impl crate::model::world::Field for TriggerKind {
    fn field(&mut self, io: &mut impl crate::model::world::Columns) -> bool {
        crate::model::world::choice_field(io, self, &TriggerKind::ALL)
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
