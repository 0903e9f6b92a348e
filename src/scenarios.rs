//! Named presets: parameters, a timeline and narration for each real incident and lesson.
//! Every scenario the CLI and the page know is listed in [`all`].

use crate::model::narration::Texts;
use crate::model::params::*;

/// A named preset.
#[derive(Clone, Debug)]
pub struct Scenario {
    /// Name used on the command line, in URLs and in the picker.
    pub name: &'static str,
    /// Title for people.
    pub title: &'static str,
    /// One line: what it shows.
    pub summary: &'static str,
    /// Where the figures come from, or what lesson it teaches.
    pub source: &'static str,
    /// Default simulated duration of a run, in hours.
    pub default_hours: f64,
    /// The parameters.
    pub params: Params,
    /// Narration of its scheduled events.
    pub texts: Texts,
}

const H: f64 = 3600.0;

/// The December 2010 network (before the trigger): 23 million clients that want to be online on
/// 48,000 peer supernodes, half of them on Skype for Windows 5.0.0.152.
pub fn network_2010() -> Params {
    Params {
        clients: ClientParams {
            total: 23_000_000,
            buggy_fraction: 0.5,
            relaunch_mean_s: 1800.0,
            keepalive_s: 60.0,
            session_mean_s: 4.0 * H,
        },
        supernodes: SupernodeParams {
            count: 48_000,
            operator_hosted: false,
            capacity_per_s: 1500.0,
            capacity_spread: 0.5,
            max_clients: 750,
            neighbours: 8,
            restart_mean_s: 6.0 * H,
        },
        load: LoadParams { per_client_per_s: 1.0, login_cost: 3500.0, refusal_cost: 350.0 },
        failsafe: FailsafeParams { threshold: 2.0, sustain_s: 300.0, cooldown_s: 2.0 * H },
        host_cache: HostCacheParams { size: 7 },
        retry: RetryParams { policy: RetryPolicy::FullJitter, base_s: 1.0, cap_s: 600.0, switch_s: 0.0, switch_to: RetrySwitch::None },
        trigger: TriggerParams { kind: TriggerKind::None, start_s: 1.0 * H, end_s: 7.0 * H, hazard_per_h: 0.85, rollout_s: 0.0 },
        mega: MegaParams {
            count: 0,
            repurposed_fraction: 0.3,
            deploy_s: 7.0 * H,
            ramp_s: 20.0 * H,
            capacity_per_s: 100_000.0,
            max_clients: 30_000,
            release_s: 31.0 * H,
            release_ramp_s: 4.0 * H,
        },
        fix: FixParams { start_s: 3.0 * H, rollout_per_h: 0.0 },
        login: LoginParams { capacity_per_s: 1e9, refusal_cost_fraction: 0.0 },
        admission: AdmissionParams { logins_per_s: 0.0, start_s: 0.0 },
        services: ServicesParams {
            messaging: ServiceParams { capacity_per_s: 1e9, per_client_per_s: 0.01, per_attempt: 0.0 },
            presence: ServiceParams { capacity_per_s: 1e9, per_client_per_s: 0.01, per_attempt: 0.0 },
            contacts: ServiceParams { capacity_per_s: 1e9, per_client_per_s: 0.001, per_attempt: 0.0 },
            offline_im: ServiceParams { capacity_per_s: 100_000.0, per_client_per_s: 0.001, per_attempt: 1.0 },
            web: WebParams { clients: 200_000, capacity_per_s: 20_000.0, per_client_per_s: 0.05, shared: false },
        },
        rebalance: RebalanceParams { start_s: 0.0, ramp_s: 0.0, capacity_factor: 1.0 },
        lookup: LookupParams { hops: 3, samples_per_min: 200 },
    }
}

/// `skype-2010`: the December 2010 cascade with the interventions Skype used.
pub fn skype_2010() -> Scenario {
    let mut p = network_2010();
    p.trigger.kind = TriggerKind::CrashOnDelayedReply;
    p.mega.count = 1000;
    p.fix.rollout_per_h = 0.2;
    Scenario {
        name: "skype-2010",
        title: "December 2010: the supernode cascade",
        summary: "A crash bug in half the clients takes out 25-30% of supernodes; overload and failsafes collapse the rest; mega-supernodes bring it back.",
        source: "Skype CIO post-mortem (29 Dec 2010) as reported by BGR, Threatpost, TechCrunch, Tweakers; Skype blog 22 Dec 2010.",
        default_hours: 48.0,
        params: p,
        texts: Texts::new()
            .with("trigger-start", "Skype's offline-message servers are overloaded. Their delayed replies crash Skype for Windows 5.0.0.152, the version about half of all users run. Supernodes are ordinary clients, so the ones on that version crash too.")
            .with("trigger-end", "The offline-message servers catch up: no more crashes. But the survivors are already drowning in reconnections.")
            .with("mega-deploy", "Skype's engineers start bringing up dedicated 'mega-supernodes', some of them repurposed offline-IM and group-video servers.")
            .with("fix-start", "Users are told to update: the fixed version (5.0.0.156) starts replacing the buggy one.")
            .with("mega-release", "The crisis is over: the repurposed servers start going back to offline instant messages and group video.")
            .with("mega-release-done", "Offline instant messages and group video calling are back, the last features to return."),
    }
}

/// `baseline`: the same network with nothing going wrong.
pub fn baseline() -> Scenario {
    Scenario {
        name: "baseline",
        title: "Baseline: the 2010 network on a quiet day",
        summary: "The same 23 million clients and 48,000 supernodes with no trigger: steady churn, nothing falls over.",
        source: "Figures as in skype-2010 (Ars Technica 2012; computing.co.uk 2010).",
        default_hours: 24.0,
        params: network_2010(),
        texts: Texts::new(),
    }
}

/// Every scenario, in the order the picker shows them.
pub fn all() -> Vec<Scenario> {
    vec![skype_2010(), baseline()]
}

/// The scenario called `name`.
pub fn find(name: &str) -> Option<Scenario> {
    all().into_iter().find(|s| s.name == name)
}

/// The names of every scenario.
pub fn names() -> Vec<&'static str> {
    all().iter().map(|s| s.name).collect()
}

/// `p` at a fraction of its scale: clients, supernodes and mega-supernodes (and web clients)
/// multiplied by `fraction`, everything per supernode unchanged. Used for quick runs and for
/// tests over many seeds; the dynamics are the same, the noise somewhat larger.
pub fn scaled(p: &Params, fraction: f64) -> Params {
    let mut q = p.clone();
    let f = |n: f64| libm::round(n * fraction).max(1.0);
    q.clients.total = f(p.clients.total as f64) as u64;
    q.supernodes.count = f(p.supernodes.count as f64) as u32;
    if p.mega.count > 0 {
        q.mega.count = f(p.mega.count as f64) as u32;
    }
    q.services.web.clients = libm::round(p.services.web.clients as f64 * fraction) as u64;
    let scale_rate = |x: f64| x * fraction;
    q.login.capacity_per_s = scale_rate(p.login.capacity_per_s).max(1.0);
    q.admission.logins_per_s = scale_rate(p.admission.logins_per_s);
    for s in [&mut q.services.messaging, &mut q.services.presence, &mut q.services.contacts, &mut q.services.offline_im] {
        s.capacity_per_s *= fraction;
    }
    q.services.web.capacity_per_s *= fraction;
    q
}
