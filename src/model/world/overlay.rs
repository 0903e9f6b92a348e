//! The overlay's makeup: supernodes changing state (and the counters that follow them),
//! supernodes coming back after a restart or a cool-down, crashes and restores by hand, and
//! clients promoted into the places of supernodes that left.

use std::cmp::Reverse;

use super::super::narration::EventKind;
use super::super::rng::stochastic_round;
use super::super::supernode::{SnKind, SnState};
use super::World;

/// Random draws spent looking for an empty place per promotion.
const PLACE_TRIES: u32 = 32;

impl World {
    /// Sets supernode `i`'s state, keeping the counters right. Clients must already be gone if
    /// it stops serving.
    pub(super) fn set_state(&mut self, i: usize, new: SnState) {
        let old = self.sn.state[i];
        if old == new {
            return;
        }
        let kind = self.sn.kind[i];
        let region = self.sn.region_of(i);
        match old {
            SnState::Up => {
                // It takes no more arrivals, and is asked nothing more: out of service it holds
                // zeros in every column the pass writes (`Supernodes::is_idle`), so that the
                // pass may skip it.
                self.sn.room[i] = 0.0;
                self.sn.asked_per_s[i] = 0.0;
                self.counts.up -= 1;
                self.caches.up[region] -= 1;
                match kind {
                    SnKind::Mega | SnKind::Repurposed => self.counts.mega_up -= 1,
                    SnKind::Promoted => self.counts.promoted_up -= 1,
                    SnKind::Peer => {}
                }
                if kind == SnKind::Repurposed {
                    self.repurposed_up -= 1;
                }
                if self.sn.buggy[i] {
                    self.buggy_up = self.buggy_up.saturating_sub(1);
                }
            }
            SnState::Crashed => self.counts.crashed -= 1,
            SnState::ShutDown => self.counts.shut_down -= 1,
            SnState::Off => {}
        }
        match new {
            SnState::Up => {
                self.counts.up += 1;
                self.caches.up[region] += 1;
                match kind {
                    SnKind::Mega | SnKind::Repurposed => self.counts.mega_up += 1,
                    SnKind::Promoted => self.counts.promoted_up += 1,
                    SnKind::Peer => {}
                }
                if kind == SnKind::Repurposed {
                    self.repurposed_up += 1;
                }
                if self.sn.buggy[i] {
                    self.buggy_up += 1;
                }
                // A supernode (re)starts empty and idle.
                self.sn.load_avg[i] = 0.0;
                self.sn.credit[i] = 0.0;
                self.sn.starved[i] = 0.0;
                self.sn.room[i] = 0.0;
                self.sn.back_at[i] = 0;
            }
            SnState::Crashed => self.counts.crashed += 1,
            SnState::ShutDown => self.counts.shut_down += 1,
            SnState::Off => {}
        }
        self.sn.set_state_kind(i, new, kind);
    }

    /// Takes supernode `i` out of service until `back_at` (0 = not scheduled): its clients are
    /// cut off and the attempts in its accept queue fail; both retry from caches learned in its
    /// region.
    pub(super) fn take_down(&mut self, i: usize, new: SnState, back_at: u64) {
        let c = std::mem::take(&mut self.sn.clients[i]) as u64;
        let q = std::mem::take(&mut self.sn.queue[i]) as u64;
        self.set_state(i, new);
        // Out of service, it keeps no load figures (the pass holds them at zero until it serves
        // again): only the run's state is kept, which also keeps its saved marks small.
        self.sn.load_avg[i] = 0.0;
        self.sn.credit[i] = 0.0;
        self.sn.starved[i] = 0.0;
        self.sn.back_at[i] = back_at;
        if back_at > 0 {
            self.returns.push(Reverse((back_at, i as u32)));
        }
        let region = self.sn.region_of(i);
        self.cut_off(region, c);
        self.unqueue(region, q);
    }

    /// Crashes supernode `i` now (as a click on it does): its clients are cut off and it comes
    /// back after the restart lag.
    pub fn crash_supernode(&mut self, i: usize) {
        if i >= self.sn.len() || !self.sn.is_up(i) {
            return;
        }
        let lag = self.rng.exponential(self.params.supernodes.restart_mean_s).max(1.0);
        let back = self.tick + libm::ceil(lag) as u64;
        self.take_down(i, SnState::Crashed, back);
        self.summary.supernode_crashes += 1;
    }

    /// Brings a crashed or shut-down supernode back into service now.
    pub fn restore_supernode(&mut self, i: usize) {
        if i >= self.sn.len() {
            return;
        }
        if matches!(self.sn.state[i], SnState::Crashed | SnState::ShutDown) {
            self.set_state(i, SnState::Up);
        }
    }

    /// Supernodes whose restart or cool-down is over serve again.
    pub(super) fn process_returns(&mut self, t: u64) {
        while let Some(Reverse((at, i))) = self.returns.peek().copied() {
            if at > t {
                break;
            }
            self.returns.pop();
            let i = i as usize;
            if self.sn.back_at[i] == at && matches!(self.sn.state[i], SnState::Crashed | SnState::ShutDown) {
                self.set_state(i, SnState::Up);
            }
        }
    }

    /// While peer places are empty (their supernode crashed or dropped the role) and clients
    /// are waiting, the overlay promotes eligible running clients into them, at
    /// `promotion.per_h` of the eligible clients per hour. A promoted supernode starts empty,
    /// has the failsafe, and runs the client version of the one promoted.
    pub(super) fn promote(&mut self, _now_s: f64) {
        let pr = &self.params.promotion;
        if pr.per_h <= 0.0 || pr.eligible_fraction <= 0.0 || self.sn.peers == 0 {
            return;
        }
        let peers_up = self.counts.up - self.counts.mega_up;
        let empty = self.sn.peers as u64 - peers_up;
        let c = &self.clients;
        let waiting: u64 = c.pool.iter().sum::<u64>() + c.queued.iter().sum::<u64>();
        if empty == 0 || waiting == 0 {
            return;
        }
        let running = c.online.iter().sum::<u64>() + waiting;
        let rate = pr.per_h / 3600.0 * pr.eligible_fraction * running as f64;
        let n = stochastic_round(&mut self.rng, rate).min(empty);
        let buggy_share = {
            let b = c.online[super::V_BUGGY] + c.online[super::V_CRASHED] + c.pool[super::V_BUGGY] + c.pool[super::V_CRASHED];
            b as f64 / running.max(1) as f64
        };
        let mut promoted = 0;
        for _ in 0..n {
            for _ in 0..PLACE_TRIES {
                let i = self.rng.below(self.sn.peers as u64) as usize;
                if self.sn.state[i] == SnState::Up {
                    continue;
                }
                // The client that takes the place runs its own version; the old host, when it
                // restarts, is an ordinary client again.
                let buggy = !self.params.supernodes.operator_hosted && self.rng.uniform() < buggy_share;
                if buggy && !self.sn.buggy[i] {
                    self.buggy_peers.push(i as u32);
                }
                self.sn.buggy[i] = buggy;
                let state = self.sn.state[i];
                self.sn.set_state_kind(i, state, SnKind::Promoted);
                self.set_state(i, SnState::Up);
                promoted += 1;
                break;
            }
        }
        if promoted > 0 {
            self.summary.promotions += promoted;
            if !self.milestones.first_promotion {
                self.milestones.first_promotion = true;
                self.emit(EventKind::FirstPromotion);
            }
        }
    }
}
