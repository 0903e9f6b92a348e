//! The run's timeline: interventions scheduled by the parameters (mega-supernodes coming up and
//! going back, the fixed version, admission control, re-balancing, a retry-policy switch) and
//! the milestones the narration reports (supernodes lost, load, clients online, recovery).

use super::super::narration::EventKind;
use super::super::params::TriggerKind;
use super::super::supernode::SnState;
use super::World;

/// Shares of peer places down at which the narration speaks.
const SN_LOST_STEPS: [u8; 5] = [10, 25, 50, 75, 90];
/// Load ratios at which the narration speaks.
const LOAD_STEPS: [u16; 3] = [10, 50, 100];
/// Shares of clients online (of the pre-incident level) below which the narration speaks.
const ONLINE_STEPS: [u8; 3] = [50, 30, 10];
/// Shares of clients online at which the narration reports a recovery.
const RECOVERY_STEPS: [u8; 2] = [50, 90];

/// What the narration has said and the references it measures against.
#[derive(Clone, Debug, Default)]
pub(super) struct Milestones {
    sn_lost: [bool; 5],
    load: [bool; 3],
    online_below: [bool; 3],
    recovered: [bool; 2],
    /// Whether the first failsafe has been narrated.
    pub first_failsafe: bool,
    /// Whether the first promotion has been narrated.
    pub first_promotion: bool,
    /// Scheduled events already narrated, by id.
    pub scheduled: Vec<String>,
    /// Services currently narrated as failing: sign-in, messaging/presence/contacts, web.
    pub failing: [bool; 3],
    /// Mean offered load per serving supernode at the trigger.
    pub load_ref: Option<f64>,
    online_ref: Option<f64>,
    min_online_fraction: f64,
    serving_at_trigger: Option<Vec<bool>>,
}

impl Milestones {
    /// Visits what the narration has said for a world's full image (see `checkpoint`).
    pub(super) fn fields(&mut self, io: &mut impl super::Columns) -> bool {
        super::fields!(io; self.sn_lost, self.load, self.online_below, self.recovered, self.first_failsafe,
            self.first_promotion, self.scheduled, self.failing, self.load_ref, self.online_ref,
            self.min_online_fraction, self.serving_at_trigger)
    }
}

impl World {
    /// Scheduled interventions and their narration.
    pub(super) fn timeline(&mut self, now_s: f64) {
        let p = self.params.clone();
        let tr = &p.trigger;
        if tr.kind != TriggerKind::None && now_s >= tr.start_s {
            self.emit_once(EventKind::TriggerStart { trigger: tr.kind, affected_fraction: p.clients.buggy_fraction });
        }
        if tr.kind != TriggerKind::None && now_s >= tr.end_s && tr.end_s > tr.start_s {
            self.emit_once(EventKind::TriggerEnd { trigger: tr.kind });
        }
        // Mega-supernodes come up one after another; repurposed servers first.
        let m = &p.mega;
        let peers = self.sn.peers;
        let b = self.sn.regions;
        if m.count > 0 && now_s >= m.deploy_s {
            let frac = if m.ramp_s > 0.0 { ((now_s - m.deploy_s) / m.ramp_s).clamp(0.0, 1.0) } else { 1.0 };
            let target = libm::floor(m.count as f64 * frac) as usize;
            if self.megas_deployed == 0 && target > 0 {
                let repurposed = libm::round(m.repurposed_fraction * m.count as f64) as u32;
                self.emit_once(EventKind::MegaDeploy { count: m.count, repurposed });
            }
            while self.megas_deployed < target.min(m.count as usize) {
                let i = peers + self.megas_deployed;
                self.megas_deployed += 1;
                self.caches.places[b] += 1;
                let released = self.megas_deployed <= self.megas_released;
                if !released && self.sn.state[i] == SnState::Off {
                    self.set_state(i, SnState::Up);
                }
            }
            if self.megas_deployed == m.count as usize {
                self.emit_once(EventKind::MegaComplete { count: m.count });
            }
        }
        // Repurposed servers go back to their own job one after another.
        let n_rep = libm::round(m.repurposed_fraction * m.count as f64) as usize;
        if n_rep > 0 && now_s >= m.release_s && now_s >= m.deploy_s {
            let frac = if m.release_ramp_s > 0.0 { ((now_s - m.release_s) / m.release_ramp_s).clamp(0.0, 1.0) } else { 1.0 };
            let target = (libm::ceil(n_rep as f64 * frac) as usize).min(n_rep);
            if self.megas_released == 0 && target > 0 {
                self.emit_once(EventKind::MegaRelease);
            }
            while self.megas_released < target {
                let i = peers + self.megas_released;
                self.megas_released += 1;
                if self.sn.state[i] != SnState::Off {
                    self.take_down(i, SnState::Off, 0);
                }
            }
            if self.megas_released == n_rep {
                self.emit_once(EventKind::MegaReleaseDone);
            }
        }
        if p.fix.rollout_per_h > 0.0 && now_s >= p.fix.start_s {
            self.emit_once(EventKind::FixStart { per_h: p.fix.rollout_per_h });
        }
        if p.admission.logins_per_s > 0.0 && now_s >= p.admission.start_s {
            self.emit_once(EventKind::AdmissionOn { logins_per_s: p.admission.logins_per_s });
        }
        let rb = &p.rebalance;
        if rb.capacity_factor > 1.0 && now_s >= rb.start_s {
            self.emit_once(EventKind::RebalanceStart { factor: rb.capacity_factor, ramp_s: rb.ramp_s });
            if now_s >= rb.start_s + rb.ramp_s {
                self.emit_once(EventKind::RebalanceDone);
            }
        }
        if let Some(pol) = p.retry.switch_to {
            if now_s >= p.retry.switch_s && !self.milestones.scheduled.iter().any(|s| s == "retry-switch") {
                self.policy = pol;
                self.emit_once(EventKind::RetrySwitch { policy: pol });
            }
        }
    }

    /// Snapshots at the trigger, the first-hour loss, and the narrated milestones.
    pub(super) fn trigger_bookkeeping(&mut self, now_s: f64) {
        let start = self.params.trigger.start_s;
        if now_s < start {
            return;
        }
        if self.milestones.serving_at_trigger.is_none() {
            self.milestones.serving_at_trigger = Some((0..self.sn.len()).map(|i| self.sn.is_up(i)).collect());
            self.milestones.online_ref = Some(self.clients_online() as f64);
            self.milestones.min_online_fraction = 1.0;
        }
        if self.summary.supernodes_lost_first_hour_fraction.is_none() && now_s >= start + 3600.0 {
            if let Some(at) = &self.milestones.serving_at_trigger {
                let (mut was, mut lost, mut crashed) = (0u64, 0u64, 0u64);
                for (i, &w) in at.iter().enumerate() {
                    if w {
                        was += 1;
                        lost += !self.sn.is_up(i) as u64;
                        crashed += (self.sn.state[i] == SnState::Crashed) as u64;
                    }
                }
                let share = |n: u64| if was > 0 { n as f64 / was as f64 } else { 0.0 };
                self.summary.supernodes_lost_first_hour_fraction = Some(share(lost));
                self.summary.supernodes_crashed_first_hour_fraction = Some(share(crashed));
            }
        }
        if self.params.trigger.kind == TriggerKind::None {
            return;
        }
        // Peer places down.
        let peers = self.sn.peers.max(1) as f64;
        let c = self.counts;
        let down = (c.crashed + c.shut_down) as f64 / peers;
        for (k, &step) in SN_LOST_STEPS.iter().enumerate() {
            if !self.milestones.sn_lost[k] && down >= step as f64 / 100.0 {
                self.milestones.sn_lost[k] = true;
                self.emit(EventKind::SupernodesLost {
                    step_pct: step,
                    down_fraction: down,
                    crashed_fraction: c.crashed as f64 / peers,
                    shut_down_fraction: c.shut_down as f64 / peers,
                });
            }
        }
        if let Some(r) = self.milestones.load_ref {
            let ratio = self.stats.sn_load_mean_per_s / r.max(1e-9);
            for (k, &step) in LOAD_STEPS.iter().enumerate() {
                if !self.milestones.load[k] && ratio >= step as f64 {
                    self.milestones.load[k] = true;
                    self.emit(EventKind::LoadRatio { step, ratio });
                }
            }
        }
        if let Some(r) = self.milestones.online_ref {
            let f = self.clients_online() as f64 / r.max(1.0);
            self.milestones.min_online_fraction = self.milestones.min_online_fraction.min(f);
            for (k, &step) in ONLINE_STEPS.iter().enumerate() {
                if !self.milestones.online_below[k] && f < step as f64 / 100.0 {
                    self.milestones.online_below[k] = true;
                    self.emit(EventKind::OnlineBelow { step_pct: step, fraction: f });
                }
            }
            for (k, &step) in RECOVERY_STEPS.iter().enumerate() {
                let s = step as f64 / 100.0;
                if !self.milestones.recovered[k] && self.milestones.min_online_fraction < s.min(0.9) - 0.05 && f >= s {
                    self.milestones.recovered[k] = true;
                    self.emit(EventKind::Recovered { step_pct: step, fraction: f });
                }
            }
        }
    }
}
