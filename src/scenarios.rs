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
    /// Its most telling moment, in simulated seconds from the start: what the poster an embedded
    /// element shows before its code is loaded draws (`supernode-sim poster`).
    pub poster_s: f64,
    /// The parameters.
    pub params: Params,
    /// Narration of its scheduled events.
    pub texts: Texts,
    /// The A/B comparison it suggests: one parameter, two values.
    pub compare: Option<Compare>,
    /// Published figures to draw next to the run (empty for the lessons).
    pub record: Vec<RecordPoint>,
}

/// A figure from the published record, for drawing next to the model (chart markers) and for
/// the calibration tests.
#[derive(Clone, Debug, PartialEq)]
pub struct RecordPoint {
    /// Time after the trigger, in seconds (an estimate where the report gives only "the next
    /// morning" or "later that day"; see `when`).
    pub after_trigger_s: f64,
    /// Clients online, as reported.
    pub clients_online: f64,
    /// When, as the report puts it.
    pub when: &'static str,
    /// What was reported, in words.
    pub text: &'static str,
    /// Where it was reported.
    pub source: &'static str,
}

/// The published record of December 2010: Skype's own counter of users online, as quoted by the
/// press (../shared/facts.md). The trigger is at about 16:00 GMT on 22 December.
pub fn record_2010() -> Vec<RecordPoint> {
    vec![
        RecordPoint {
            after_trigger_s: 2.0 * H + 40.0 * 60.0,
            clients_online: 5_138_992.0,
            when: "18:40 GMT, 22 Dec (T+2:40)",
            text: "5,138,992 online, when over 20 million were expected",
            source: "computing.co.uk, 23 Dec 2010",
        },
        RecordPoint {
            after_trigger_s: 16.0 * H,
            clients_online: 5_000_000.0,
            when: "the morning of 23 Dec (about T+16)",
            text: "about 5 million online, ~30% of normal",
            source: "Skype Numerology blog, 23 Dec 2010",
        },
        RecordPoint {
            after_trigger_s: 22.5 * H,
            clients_online: 10_000_000.0,
            when: "14:30 GMT, 23 Dec (T+22:30)",
            text: "10 million online",
            source: "Christian Science Monitor, 23 Dec 2010",
        },
        RecordPoint {
            after_trigger_s: 28.0 * H,
            clients_online: 16_500_000.0,
            when: "later on 23 Dec (about T+28)",
            text: "about 16.5 million online, ~80% of normal",
            source: "901am.com, 23 Dec 2010",
        },
        RecordPoint {
            after_trigger_s: 32.0 * H,
            clients_online: 21_000_000.0,
            when: "by 24 Dec (about T+32)",
            text: "about 21 million online, ~90% of normal",
            source: "901am.com, 24 Dec 2010",
        },
    ]
}

/// Two runs that differ in one parameter, compared from the same seed.
#[derive(Clone, Debug, PartialEq)]
pub struct Compare {
    /// The dotted parameter key.
    pub key: &'static str,
    /// Its value in run A.
    pub a: &'static str,
    /// Its value in run B.
    pub b: &'static str,
}

const H: f64 = 3600.0;

/// The December 2010 network (before the trigger): 23 million clients that want to be online on
/// 48,000 peer supernodes, half of them on Skype for Windows 5.0.0.152.
pub fn network_2010() -> Params {
    Params {
        clients: ClientParams {
            total: 23_000_000,
            buggy_fraction: 0.5,
            relaunch_mean_s: 1.0 * H,
            keepalive_s: 60.0,
            session_mean_s: 8.0 * H,
            patience_s: 12.0 * H,
            return_mean_s: 6.0 * H,
        },
        supernodes: SupernodeParams {
            count: 48_000,
            operator_hosted: false,
            capacity_per_s: 6000.0,
            capacity_spread: 0.5,
            max_clients: 600,
            neighbours: 8,
            restart_mean_s: 6.0 * H,
            queue_max: 50,
            queue_timeout_s: 30.0,
        },
        load: LoadParams { per_client_per_s: 0.5, login_cost: 32_948.0, refusal_cost: 206.0 },
        failsafe: FailsafeParams { threshold: 20.0, window_s: 600.0, cooldown_s: 2.0 * H },
        host_cache: HostCacheParams { size: 7, entry_timeout_s: 5.0 },
        bootstrap: BootstrapParams { capacity_per_s: 90.0 },
        promotion: PromotionParams { eligible_fraction: 0.02, per_h: 0.01 },
        retry: RetryParams { policy: RetryPolicy::FullJitter, base_s: 1.0, cap_s: 120.0, switch_s: 0.0, switch_to: None },
        trigger: TriggerParams {
            kind: TriggerKind::None,
            start_s: 1.0 * H,
            end_s: 2.0 * H,
            hazard_per_h: 2.2,
            capacity_fraction: 0.046,
            rollout_s: 0.0,
        },
        mega: MegaParams {
            count: 0,
            repurposed_fraction: 0.3,
            deploy_s: 7.0 * H,
            ramp_s: 20.0 * H,
            capacity_per_s: 1_000_000.0,
            max_clients: 30_000,
            // After the network is back (T+29.9–31.9 h over ten seeds at real scale): the
            // record has offline IM and group video as the last features to return.
            release_s: 34.0 * H,
            release_ramp_s: 4.0 * H,
        },
        fix: FixParams { start_s: 3.0 * H, rollout_per_h: 0.0 },
        login: LoginParams { capacity_per_s: 1e9, refusal_cost_fraction: 0.0 },
        admission: AdmissionParams { logins_per_s: 0.0, start_s: 0.0 },
        services: ServicesParams {
            messaging: ServiceParams { capacity_per_s: 1e9, per_client_per_s: 0.01, per_attempt: 0.0 },
            presence: ServiceParams { capacity_per_s: 1e9, per_client_per_s: 0.01, per_attempt: 0.0 },
            contacts: ServiceParams { capacity_per_s: 1e9, per_client_per_s: 0.001, per_attempt: 0.0 },
            offline_im: ServiceParams { capacity_per_s: 100_000.0, per_client_per_s: 0.0002, per_attempt: 5.0 },
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
    p.mega.count = 2000;
    p.fix.rollout_per_h = 0.2;
    Scenario {
        name: "skype-2010",
        title: "December 2010: the supernode cascade",
        summary: "A crash bug in half the clients takes out 25-30% of supernodes; overload and failsafes collapse the rest; mega-supernodes bring it back.",
        source: "Skype CIO post-mortem (29 Dec 2010) as reported by BGR, Threatpost, TechCrunch, Tweakers; Skype blog 22 Dec 2010.",
        default_hours: 48.0,
        poster_s: 3600.0 + 13.0 * 60.0,
        params: p,
        texts: Texts::new()
            .with("trigger-start", "Skype's offline-message servers are overloaded. Their delayed replies crash Skype for Windows 5.0.0.152, the version about half of all users run. Supernodes are ordinary clients, so the ones on that version crash too.")
            .with("trigger-end", "The offline-message servers catch up: no more crashes. But the survivors are already drowning in reconnections.")
            .with("mega-deploy", "Skype's engineers start bringing up dedicated 'mega-supernodes', some of them repurposed offline-IM and group-video servers.")
            .with("fix-start", "Users are told to update: the fixed version (5.0.0.156) starts replacing the buggy one.")
            .with("mega-release", "The crisis is over: the repurposed servers start going back to offline instant messages and group video.")
            .with("mega-release-done", "Offline instant messages and group video calling are back, the last features to return."),
        compare: Some(Compare { key: "mega.count", a: "0", b: "2000" }),
        record: record_2010(),
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
        poster_s: 1800.0,
        params: network_2010(),
        texts: Texts::new(),
        compare: None,
        record: Vec::new(),
    }
}

/// The September 2015 network: about 10,000 operator-hosted supernodes with about 4,100 users
/// each, a central sign-in service and backend services for messaging, presence and contact
/// lists; Skype for Web and for Business on separate infrastructure.
pub fn network_2015() -> Params {
    let mut p = network_2010();
    p.clients = ClientParams {
        total: 40_000_000,
        buggy_fraction: 0.25,
        relaunch_mean_s: 1800.0,
        keepalive_s: 60.0,
        session_mean_s: 8.0 * H,
        patience_s: 0.0,
        return_mean_s: 4.0 * H,
    };
    p.supernodes = SupernodeParams {
        count: 10_000,
        operator_hosted: true,
        capacity_per_s: 20_000.0,
        capacity_spread: 0.0,
        max_clients: 6_000,
        neighbours: 8,
        restart_mean_s: 1.0 * H,
        queue_max: 5000,
        queue_timeout_s: 10.0,
    };
    p.load = LoadParams { per_client_per_s: 1.0, login_cost: 50.0, refusal_cost: 10.0 };
    p.retry = RetryParams { policy: RetryPolicy::Exponential, base_s: 1.0, cap_s: 300.0, switch_s: 0.0, switch_to: None };
    p.trigger = TriggerParams {
        kind: TriggerKind::None,
        start_s: 1.0 * H,
        end_s: 4.0 * H,
        hazard_per_h: 3600.0,
        capacity_fraction: 1.0,
        rollout_s: 60.0,
    };
    p.failsafe = FailsafeParams { threshold: 0.9, window_s: 120.0, cooldown_s: 2.0 * H };
    p.bootstrap = BootstrapParams { capacity_per_s: 2000.0 };
    p.mega.count = 0;
    p.fix.rollout_per_h = 0.0;
    p.login = LoginParams { capacity_per_s: 35_000.0, refusal_cost_fraction: 0.3 };
    p.services = ServicesParams {
        messaging: ServiceParams { capacity_per_s: 150_000.0, per_client_per_s: 0.002, per_attempt: 8.0 },
        presence: ServiceParams { capacity_per_s: 200_000.0, per_client_per_s: 0.002, per_attempt: 10.0 },
        contacts: ServiceParams { capacity_per_s: 120_000.0, per_client_per_s: 0.001, per_attempt: 8.0 },
        offline_im: ServiceParams { capacity_per_s: 1e9, per_client_per_s: 0.001, per_attempt: 0.0 },
        web: WebParams { clients: 3_000_000, capacity_per_s: 100_000.0, per_client_per_s: 0.01, shared: false },
    };
    p.rebalance = RebalanceParams { start_s: 13.0 * H, ramp_s: 1.5 * H, capacity_factor: 3.0 };
    p
}

/// `skype-2015`: the September 2015 reconnect storm.
pub fn skype_2015() -> Scenario {
    let mut p = network_2015();
    p.trigger.kind = TriggerKind::ConfigPush;
    Scenario {
        name: "skype-2015",
        title: "September 2015: the reconnect storm",
        summary: "A configuration change some clients cannot process disconnects them; their reconnections overload sign-in, messaging, presence and contacts for 12-15 h, while Skype for Web keeps working.",
        source: "Microsoft's post (via mspoweruser.com), IBTimes, ITProPortal, RCP Mag, Numerama; Ars Technica 2012 for the supernode counts.",
        default_hours: 24.0,
        poster_s: 3600.0 + 15.0 * 60.0,
        params: p,
        texts: Texts::new()
            .with("trigger-start", "09:20 GMT: a larger-than-usual configuration change starts rolling out. Some client versions cannot process it and disconnect; their users' Skype starts reconnecting.")
            .with("trigger-end", "The configuration change is rolled back: no more disconnections. But millions of clients are still trying to sign in, and the sign-in service stays overloaded.")
            .with("login-overloaded", "Sign-in fails for most users: “We're a bit overloaded right now.” ({pct} of sign-in attempts succeed)")
            .with("rebalance-start", "Engineers re-balance the traffic load across the infrastructure.")
            .with("rebalance-done", "Re-balancing is complete.")
            .with("login-ok", "Sign-in works again ({pct} of attempts succeed). Microsoft reported full restoration at 23:53 GMT."),
        compare: Some(Compare { key: "services.web.shared", a: "false", b: "true" }),
        record: Vec::new(),
    }
}

/// The storm the lessons use: the 2015 network at a tenth of its scale (quick to run twice).
fn lesson_storm() -> Params {
    let mut p = scaled(&network_2015(), 0.1);
    p.trigger.kind = TriggerKind::ConfigPush;
    p.rebalance.capacity_factor = 1.0;
    p
}

/// `lesson-jitter`: the same storm under immediate retry, exponential backoff and full jitter.
pub fn lesson_jitter() -> Scenario {
    let mut p = lesson_storm();
    p.trigger.rollout_s = 0.0;
    p.trigger.end_s = p.trigger.start_s + 0.5 * H;
    p.retry.policy = RetryPolicy::Exponential;
    Scenario {
        name: "lesson-jitter",
        title: "Lesson: backoff and jitter",
        summary: "A configuration push disconnects a quarter of the clients at once. Compare immediate retry, exponential backoff and full jitter: who gets back in, and at what cost.",
        source: "Lesson. Formulas: AWS Architecture Blog, Exponential Backoff And Jitter (2015).",
        default_hours: 12.0,
        poster_s: 3600.0 + 10.0 * 60.0,
        params: p,
        texts: Texts::new()
            .with("trigger-start", "A configuration push disconnects a quarter of the clients in the same second. Watch the connection attempts: with exponential backoff and no jitter they come back in synchronized waves, each one bigger than the sign-in service can take.")
            .with("trigger-end", "The configuration is rolled back after 30 minutes. Whether the clients get back in now depends only on how they retry: try the retry policy, or compare immediate retry with full jitter (A/B)."),
        compare: Some(Compare { key: "retry.policy", a: "immediate", b: "full-jitter" }),
        record: Vec::new(),
    }
}

/// `lesson-metastable`: the trigger is removed but the overload goes on, until load is cut hard.
pub fn lesson_metastable() -> Scenario {
    let mut p = lesson_storm();
    p.trigger.end_s = p.trigger.start_s + 0.5 * H;
    p.retry.policy = RetryPolicy::Immediate;
    p.admission.logins_per_s = 300.0;
    p.admission.start_s = p.trigger.start_s + 4.0 * H;
    Scenario {
        name: "lesson-metastable",
        title: "Lesson: a metastable failure",
        summary: "The trigger lasts 30 minutes, the outage hours: retries keep the sign-in service overloaded until admission control cuts the load hard.",
        source: "Lesson. Bronson et al., Metastable Failures in Distributed Systems (HotOS 2021); Huang et al. (OSDI 2022).",
        default_hours: 8.0,
        poster_s: 3600.0 + 20.0 * 60.0,
        params: p,
        texts: Texts::new()
            .with("trigger-start", "A configuration push disconnects a quarter of the clients. They retry immediately, every second.")
            .with("trigger-end", "The trigger is gone: the configuration is rolled back. Yet nothing recovers — refused sign-ins still cost the service work, the retries keep it above capacity, and its goodput stays near zero. This is a metastable failure.")
            .with("admission-on", "Admission control: only {n} sign-ins per second are let through; the rest are turned away at nearly no cost. With its load cut hard, the service works again, and the clients get back in.")
            .with("login-ok", "Sign-in works again ({pct} of attempts succeed)."),
        compare: Some(Compare { key: "retry.policy", a: "immediate", b: "full-jitter" }),
        record: Vec::new(),
    }
}

/// `lesson-admission-control`: rate-limited sign-ins bring a collapsed network back.
pub fn lesson_admission_control() -> Scenario {
    let mut p = lesson_storm();
    p.retry.policy = RetryPolicy::Exponential;
    p.retry.cap_s = 60.0;
    p.trigger.end_s = p.trigger.start_s + 1.0 * H;
    p.admission.logins_per_s = 400.0;
    p.admission.start_s = p.trigger.start_s + 2.0 * H;
    Scenario {
        name: "lesson-admission-control",
        title: "Lesson: admission control",
        summary: "A storm that outlives its trigger, ended by letting fewer sign-ins through: a rate limit in front of the service keeps its goodput up.",
        source: "Lesson. Admission control / load shedding; Bronson et al. (HotOS 2021).",
        default_hours: 8.0,
        poster_s: 3600.0 + 20.0 * 60.0,
        params: p,
        texts: Texts::new()
            .with("trigger-end", "The configuration is rolled back, but the sign-in service stays overloaded: every refused attempt costs it work.")
            .with("admission-on", "Admission control switches on: {n} sign-ins per second are let through and the rest are refused cheaply at the edge. Fewer attempts reach the service, so more of them succeed."),
        compare: Some(Compare { key: "admission.logins_per_s", a: "0", b: "400" }),
        record: Vec::new(),
    }
}

/// `lesson-bulkhead`: the same storm with web clients on shared vs separate infrastructure.
pub fn lesson_bulkhead() -> Scenario {
    let mut p = lesson_storm();
    p.services.web.shared = true;
    p.trigger.end_s = p.trigger.start_s + 2.0 * H;
    Scenario {
        name: "lesson-bulkhead",
        title: "Lesson: bulkheads",
        summary: "In 2015 Skype for Web kept working because it ran on separate infrastructure. Here web clients share the backend: the storm takes them down too. Compare both (A/B).",
        source: "Lesson. Facts: IBTimes and Numerama (2015) on Skype for Web and for Business.",
        default_hours: 8.0,
        poster_s: 3600.0 + 15.0 * 60.0,
        params: p,
        texts: Texts::new().with("trigger-start", "The reconnect storm starts. In this version Skype for Web shares the messaging, presence and contacts backend with the desktop clients — no bulkhead."),
        compare: Some(Compare { key: "services.web.shared", a: "false", b: "true" }),
        record: Vec::new(),
    }
}

/// Every scenario, in the order the picker shows them.
pub fn all() -> Vec<Scenario> {
    vec![skype_2010(), skype_2015(), baseline(), lesson_jitter(), lesson_metastable(), lesson_admission_control(), lesson_bulkhead()]
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
    q.bootstrap.capacity_per_s = scale_rate(p.bootstrap.capacity_per_s).max(1.0);
    q
}
