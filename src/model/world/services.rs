//! The central services and the figures of a run: sign-in (admission control in front of it),
//! the offline-message servers whose delayed replies are the 2010 trigger, the backend services
//! of 2015, the per-tick read-outs, the minute samples and the narration of services failing and
//! coming back.

use super::super::metrics::{Sample, COLUMNS};
use super::super::narration::EventKind;
use super::super::params::{ServiceParams, TriggerKind};
use super::super::rng::stochastic_round;
use super::caches::Outcome;
use super::pass::Tally;
use super::{TickStats, World, TICK_S};

/// Minutes over which sign-in availability is measured (one retry cycle of a 5-minute cap, so
/// that waves of retries and the quiet between them count together).
const LOGIN_WINDOW_MIN: usize = 5;

/// Minutes over which service availability is averaged for the narration.
const NARRATION_WINDOW_MIN: usize = 10;

/// Weight of the current second in the backend services' moving averages of sign-in attempts
/// and completed logins (a time constant of five minutes: their queues take minutes to drain).
const SERVICE_SMOOTHING: f64 = 1.0 / 300.0;

/// Sums over the current sample minute.
#[derive(Clone, Copy, Debug, Default)]
pub(super) struct MinuteAcc {
    ticks: f64,
    attempts: f64,
    logins: f64,
    bootstrap: f64,
    load_total: f64,
    up_total: f64,
    overloaded: f64,
    login_attempts: f64,
    login_ok: f64,
    messaging: f64,
    presence: f64,
    contacts: f64,
    web: f64,
    offline_im: f64,
    group_video: f64,
}

/// State the services keep from one second to the next.
#[derive(Clone, Debug)]
pub(super) struct ServiceState {
    /// Sign-in attempts per second as the backend services see them (moving average).
    tries_smoothed: f64,
    /// Completed logins per second (moving average): each fetches its offline messages.
    logins_smoothed: f64,
    /// Admission control's token bucket.
    admission_tokens: f64,
    /// Share of offline-message replies delayed now (the 2010 trigger's hazard follows it).
    pub offline_delayed: f64,
    /// Successful and all sign-in attempts of the last few minutes.
    login_recent: [(f64, f64); LOGIN_WINDOW_MIN],
    /// Availability of sign-in, core services and web over the last few minutes.
    avail_recent: [[f64; 3]; NARRATION_WINDOW_MIN],
    acc: MinuteAcc,
}

impl ServiceState {
    /// Visits the services' state for a world's full image (see `checkpoint`).
    pub(super) fn fields(&mut self, io: &mut impl super::Columns) -> bool {
        let a = &mut self.acc;
        super::fields!(io; self.tries_smoothed, self.logins_smoothed, self.admission_tokens, self.offline_delayed,
            self.login_recent, self.avail_recent, a.ticks, a.attempts, a.logins, a.bootstrap, a.load_total,
            a.up_total, a.overloaded, a.login_attempts, a.login_ok, a.messaging, a.presence, a.contacts, a.web,
            a.offline_im, a.group_video)
    }
}

impl Default for ServiceState {
    fn default() -> Self {
        Self {
            tries_smoothed: 0.0,
            logins_smoothed: 0.0,
            admission_tokens: 0.0,
            offline_delayed: 0.0,
            login_recent: [(0.0, 0.0); LOGIN_WINDOW_MIN],
            avail_recent: [[1.0; 3]; NARRATION_WINDOW_MIN],
            acc: MinuteAcc::default(),
        }
    }
}

/// What sign-in did with the attempts of a second.
#[derive(Clone, Copy, Debug, Default)]
pub(super) struct SignIn {
    /// Attempts made.
    pub attempts: u64,
    /// Attempts admission control let through.
    pub admitted: u64,
    /// Share of attempts signed in.
    pub signed_share: f64,
}

impl World {
    /// Admission control, then the sign-in service: it completes `L = O` of `O` offered sign-ins
    /// if `O ≤ K`, else `L = max(0, (K − r·O)/(1 − r))`: above capacity goodput falls.
    pub(super) fn sign_in(&mut self, now_s: f64) -> SignIn {
        let attempts = self.caches.due_total();
        let p = &self.params;
        let admitted = if p.admission.logins_per_s > 0.0 && now_s >= p.admission.start_s {
            let rate = p.admission.logins_per_s;
            let s = &mut self.services;
            s.admission_tokens = (s.admission_tokens + rate * TICK_S).min(rate.max(1.0));
            let a = (libm::floor(s.admission_tokens) as u64).min(attempts);
            s.admission_tokens -= a as f64;
            a
        } else {
            attempts
        };
        let cap = p.login.capacity_per_s * self.rebalance_factor(now_s) * TICK_S;
        let rc = p.login.refusal_cost_fraction;
        let offered = admitted as f64;
        let signed_f = if offered <= cap { offered } else { ((cap - rc * offered) / (1.0 - rc)).max(0.0) };
        let signed = stochastic_round(&mut self.rng, signed_f).min(admitted);
        let signed_share = if attempts > 0 { signed as f64 / attempts as f64 } else { 1.0 };
        SignIn { attempts, admitted, signed_share }
    }

    /// Traffic re-balancing: capacity grows by a factor over a ramp.
    pub(super) fn rebalance_factor(&self, now_s: f64) -> f64 {
        let r = &self.params.rebalance;
        if now_s < r.start_s || r.capacity_factor <= 1.0 {
            return 1.0;
        }
        let f = if r.ramp_s > 0.0 { ((now_s - r.start_s) / r.ramp_s).clamp(0.0, 1.0) } else { 1.0 };
        1.0 + (r.capacity_factor - 1.0) * f
    }

    /// The services' state after this second, the read-outs and the minute's sums.
    pub(super) fn services_and_stats(&mut self, now_s: f64, signin: &SignIn, o: &Outcome, t: &Tally) {
        let p = &self.params.services;
        let tr = &self.params.trigger;
        let online = self.clients.online.iter().sum::<u64>() as f64;
        let rebalance = self.rebalance_factor(now_s);
        let s = &mut self.services;
        // Services queue requests, so they see sign-ins averaged over minutes.
        s.tries_smoothed += (signin.admitted as f64 - s.tries_smoothed) * SERVICE_SMOOTHING;
        s.logins_smoothed += (t.served as f64 - s.logins_smoothed) * SERVICE_SMOOTHING;
        let tries = s.tries_smoothed;
        let web_load = p.web.clients as f64 * p.web.per_client_per_s;
        let shared_web = if p.web.shared { web_load } else { 0.0 };
        let served = |sp: &ServiceParams, extra: f64| {
            let offered = online * sp.per_client_per_s + tries * sp.per_attempt + extra;
            let cap = sp.capacity_per_s * rebalance;
            if offered <= cap {
                1.0
            } else {
                cap / offered
            }
        };
        let messaging = served(&p.messaging, shared_web);
        let presence = served(&p.presence, shared_web);
        let contacts = served(&p.contacts, shared_web);
        let web = if p.web.shared {
            messaging.min(presence).min(contacts)
        } else if web_load <= p.web.capacity_per_s {
            1.0
        } else {
            p.web.capacity_per_s / web_load
        };
        // Offline messages: their servers carry the message flow of every user (messages to users
        // who are offline are exactly what they store, so it does not fall when users drop off),
        // and every client that signs in fetches what was left while it was away. In 2010 they
        // lose capacity while the trigger lasts; the share of replies they cannot give in time
        // is the share delayed.
        let crash_trigger = tr.kind == TriggerKind::CrashOnDelayedReply && now_s >= tr.start_s && now_s < tr.end_s;
        let off = &p.offline_im;
        let users = self.params.clients.total as f64;
        let off_demand = users * off.per_client_per_s + s.logins_smoothed * off.per_attempt;
        let off_cap = off.capacity_per_s * rebalance * if crash_trigger { tr.capacity_fraction } else { 1.0 };
        let off_served = if off_demand <= off_cap { 1.0 } else { off_cap / off_demand };
        s.offline_delayed = if crash_trigger { 1.0 - off_served } else { 0.0 };
        let repurposed = self.repurposed_up > 0;
        let offline_im = if repurposed { 0.0 } else { off_served };
        let group_video = if repurposed { 0.0 } else { 1.0 };
        let up = self.counts.up - self.counts.mega_up;
        let load_mean = if up > 0 { t.load_sum / up as f64 } else { 0.0 };
        let attempts = signin.attempts as f64;
        self.stats = TickStats {
            t_s: now_s,
            connect_attempts: attempts,
            logins: o.connected as f64,
            attached: t.served as f64,
            timed_out: (t.timed_out.iter().sum::<u64>() + t.bounced.iter().sum::<u64>()) as f64,
            bootstrap_requests: o.bootstrap_requests as f64,
            sn_load_mean_per_s: load_mean,
            supernodes_overloaded: t.overloaded,
            availability_login: if attempts > 0.0 { o.connected as f64 / attempts } else { 1.0 },
            messaging_served: messaging,
            presence_served: presence,
            contacts_served: contacts,
            web_served: web,
            offline_im_served: offline_im,
            group_video,
        };
        let a = &mut s.acc;
        a.ticks += 1.0;
        a.attempts += attempts;
        a.logins += o.connected as f64;
        a.bootstrap += o.bootstrap_requests as f64;
        a.load_total += t.load_sum;
        a.up_total += up as f64;
        a.overloaded += t.overloaded as f64;
        a.login_attempts += attempts;
        a.login_ok += o.connected as f64;
        a.messaging += messaging;
        a.presence += presence;
        a.contacts += contacts;
        a.web += web;
        a.offline_im += offline_im;
        a.group_video += group_video;
        self.summary.total_connect_attempts += attempts;
        self.summary.bootstrap_requests += o.bootstrap_requests as f64;
    }

    /// One sample of the series, at the end of a simulated minute.
    pub(super) fn sample(&mut self, now_s: f64) {
        self.lookup_success = self.measure_lookups();
        let a = self.services.acc;
        let n = a.ticks.max(1.0);
        // Mean over every serving supernode in every tick of the minute.
        let load_mean = if a.up_total > 0.0 { a.load_total / a.up_total } else { 0.0 };
        let start = self.params.trigger.start_s;
        let m = &mut self.milestones;
        if m.load_ref.is_none() && now_s >= start {
            let r = if now_s > start { self.last_sample.map(|s| s.sn_load_mean_per_s).unwrap_or(load_mean) } else { load_mean };
            let r = if r > 0.0 { r } else { 1.0 };
            m.load_ref = Some(r);
            // Samples before the reference was known get their ratio now.
            let col = |name: &str| COLUMNS.iter().position(|c| *c == name).unwrap_or(0);
            let (li, ri) = (col("sn_load_mean_per_s"), col("sn_load_ratio"));
            self.series.rewrite_column(ri, li, |l| l / r);
        }
        let ratio = match m.load_ref {
            Some(r) => load_mean / r,
            None => 1.0,
        };
        let c = &self.clients;
        let s = Sample {
            t_s: now_s,
            clients_online: c.online.iter().sum::<u64>() as f64,
            clients_total: self.params.clients.total as f64,
            clients_retrying: (c.pool.iter().sum::<u64>() + c.queued.iter().sum::<u64>()) as f64,
            clients_crashed: c.crashed.iter().sum::<u64>() as f64,
            clients_away: c.away.iter().sum::<u64>() as f64,
            supernodes_up: self.counts.up as f64,
            supernodes_crashed: self.counts.crashed as f64,
            supernodes_shut_down: self.counts.shut_down as f64,
            supernodes_overloaded: a.overloaded / n,
            supernodes_promoted: self.counts.promoted_up as f64,
            mega_up: self.counts.mega_up as f64,
            connect_attempts_per_s: a.attempts / n / TICK_S,
            logins_per_s: a.logins / n / TICK_S,
            bootstrap_requests_per_s: a.bootstrap / n / TICK_S,
            sn_load_mean_per_s: load_mean,
            sn_load_ratio: ratio,
            lookup_success: self.lookup_success,
            availability_login: self.login_window(a.login_ok, a.login_attempts),
            availability_messaging: a.messaging / n * self.lookup_success,
            availability_presence: a.presence / n * self.lookup_success,
            availability_contacts: a.contacts / n,
            availability_web: a.web / n,
            availability_offline_im: a.offline_im / n,
            availability_group_video: a.group_video / n,
        };
        self.series.push(&s);
        self.last_sample = Some(s);
        self.narrate_services(&s);
        self.services.acc = MinuteAcc::default();
    }

    /// Share of sign-in attempts that succeeded over the last `LOGIN_WINDOW_MIN` minutes (1 if
    /// there were none), with this minute's counts added.
    fn login_window(&mut self, ok: f64, attempts: f64) -> f64 {
        let i = self.series.len() % LOGIN_WINDOW_MIN;
        self.services.login_recent[i] = (ok, attempts);
        let (o, a) = self.services.login_recent.iter().fold((0.0, 0.0), |(o, a), &(x, y)| (o + x, a + y));
        if a > 0.0 {
            o / a
        } else {
            1.0
        }
    }

    /// Narrates services going down and coming back, from their mean over the last
    /// `NARRATION_WINDOW_MIN` minutes, with hysteresis (down below 50% served, back above 90%),
    /// so that waves of retries do not make the log flicker.
    fn narrate_services(&mut self, s: &Sample) {
        let now =
            [s.availability_login, s.availability_messaging.min(s.availability_presence).min(s.availability_contacts), s.availability_web];
        let len = self.series.len();
        let i = (len - 1) % NARRATION_WINDOW_MIN;
        self.services.avail_recent[i] = now;
        let n = len.min(NARRATION_WINDOW_MIN) as f64;
        let mut mean = [0.0f64; 3];
        for row in &self.services.avail_recent[..len.min(NARRATION_WINDOW_MIN)] {
            for k in 0..3 {
                mean[k] += row[k] / n;
            }
        }
        let checks: [(f64, EventKind, EventKind); 3] = [
            (
                mean[0],
                EventKind::LoginOverloaded { availability: s.availability_login },
                EventKind::LoginOk { availability: s.availability_login },
            ),
            (
                mean[1],
                EventKind::ServicesDown {
                    messaging: s.availability_messaging,
                    presence: s.availability_presence,
                    contacts: s.availability_contacts,
                },
                EventKind::ServicesUp,
            ),
            (mean[2], EventKind::WebDown { web: s.availability_web }, EventKind::WebUp),
        ];
        for (k, (v, down, up)) in checks.into_iter().enumerate() {
            if !self.milestones.failing[k] && v < 0.5 {
                self.milestones.failing[k] = true;
                self.emit(down);
            } else if self.milestones.failing[k] && v > 0.9 {
                self.milestones.failing[k] = false;
                self.emit(up);
            }
        }
    }
}
