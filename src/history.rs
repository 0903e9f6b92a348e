//! The run's history: sessions saved every few simulated minutes, so that the page can go back
//! to any computed time (or forward to one computed before) without replaying from the start.
//!
//! [`History`] keeps [`SessionMark`]s in time order, one every [`FIRST_SPACING_S`] while the
//! memory budget allows; past it, a new mark replaces the one whose neighbours are closest
//! together, so the marks stay about evenly spread over the time computed. It also keeps the series and narration of the furthest time computed on the current
//! branch (a restored mark takes its prefix of them). An action (a parameter change, an
//! intervention, a click on a supernode) starts a new branch at the current time: the marks after
//! it, and the series and narration beyond it, belong to the old branch and are dropped.

use crate::actions::{Session, SessionMark};
use crate::model::{Event, Series};

/// The spacing of marks at the start, in simulated seconds.
pub const FIRST_SPACING_S: u64 = 600;

/// The default memory budget for marks, in bytes (the reference image comes on top; see
/// [`History::bytes`]).
pub const DEFAULT_BUDGET_BYTES: usize = 56 << 20;

/// Saved sessions of one run. See the module's documentation.
#[derive(Clone, Debug)]
pub struct History {
    /// The run's image at time 0, which every mark is packed against.
    reference: Vec<u8>,
    spacing_ticks: u64,
    budget_bytes: usize,
    marks: Vec<SessionMark>,
    marks_bytes: usize,
    /// The series of the furthest time computed on this branch, one per revision (a series
    /// rewrites its past once, when the pre-incident load is known; marks from before that
    /// restore with the series as it was then).
    series: Vec<Series>,
    events: Vec<Event>,
    furthest_s: f64,
    /// The run as it happened before the first branch that dropped a computed future: its
    /// series and narration up to the furthest time it was computed, and the branch's time.
    as_happened: Option<AsHappened>,
    /// A copy of the run at the furthest time computed, which [`History::compute_ahead`] steps
    /// while the user's own run stays where it is. Dropped at a branch.
    scout: Option<Box<Session>>,
    /// Stretches of the branch not computed through, `(from_s, to_s)`: a shipped mark at `to_s`
    /// was adopted beyond the furthest time computed, `from_s` (see [`History::adopt`]). Marks
    /// are saved within them as a run passes, and [`History::compute_ahead`] fills them first.
    holes: Vec<(f64, f64)>,
    /// The copy of the run that fills the first hole, where it left off.
    filler: Option<Box<Session>>,
}

/// A run as it was computed before a branch replaced its future (see [`History::as_happened`]).
#[derive(Clone, Debug)]
pub struct AsHappened {
    /// Simulated time of the branch, in seconds: before it the two runs are the same.
    pub branch_s: f64,
    /// The series, from the start to the furthest time computed.
    pub series: Series,
    /// The narration, likewise.
    pub events: Vec<Event>,
}

impl History {
    /// A history of `s` (a session at time 0, or at the time a new history starts), with its
    /// first mark, keeping marks within `budget_bytes`.
    pub fn new(s: &Session, budget_bytes: usize) -> History {
        let reference = s.world().checkpoint_image();
        let mut h = History {
            reference,
            spacing_ticks: FIRST_SPACING_S,
            budget_bytes,
            marks: Vec::new(),
            marks_bytes: 0,
            series: vec![s.world().series().clone()],
            events: s.world().events().to_vec(),
            furthest_s: s.world().time_s(),
            as_happened: None,
            scout: None,
            holes: Vec::new(),
            filler: None,
        };
        h.push(s);
        h
    }

    /// Changes the memory budget for marks, dropping marks at once if they exceed it (several
    /// runs on one page share one budget).
    pub fn set_budget(&mut self, budget_bytes: usize) {
        self.budget_bytes = budget_bytes;
        while self.marks_bytes > self.budget_bytes && self.marks.len() > 2 {
            self.thin();
        }
    }

    /// Marks kept.
    pub fn marks(&self) -> &[SessionMark] {
        &self.marks
    }

    /// The finest spacing of marks (where the budget allows), in simulated seconds: marks fall
    /// on multiples of it.
    pub fn spacing_s(&self) -> f64 {
        self.spacing_ticks as f64
    }

    /// Bytes held: the marks and the reference image.
    pub fn bytes(&self) -> usize {
        self.marks_bytes + self.reference.len()
    }

    /// The run as it happened before the first branch that replaced a computed future, if any.
    pub fn as_happened(&self) -> Option<&AsHappened> {
        self.as_happened.as_ref()
    }

    /// Narration events of the current branch up to the furthest time computed.
    pub fn events(&self) -> &[Event] {
        &self.events
    }

    /// The furthest simulated time computed on the current branch, in seconds.
    pub fn furthest_s(&self) -> f64 {
        self.furthest_s
    }

    fn push(&mut self, s: &Session) {
        self.keep(self.marks.len(), s);
    }

    /// Saves a mark of `s` at index `at` of the marks (their time order), then thins them to the
    /// budget.
    fn keep(&mut self, at: usize, s: &Session) {
        let m = s.mark(&self.reference);
        self.marks_bytes += m.bytes();
        self.marks.insert(at, m);
        while self.marks_bytes > self.budget_bytes && self.marks.len() > 2 {
            self.thin();
        }
    }

    /// Saves a mark of `s` between the marks kept (in a hole: see `holes`), unless one is there
    /// already or the budget is full and the marks around it are no further apart than marks
    /// are on average.
    fn insert(&mut self, s: &Session) {
        let t = s.world().time_s();
        let at = self.marks.partition_point(|m| m.time_s() < t);
        if self.marks.get(at).is_some_and(|m| m.time_s() == t) {
            return;
        }
        let gap = match (at.checked_sub(1).and_then(|k| self.marks.get(k)), self.marks.get(at)) {
            (Some(a), Some(b)) => b.time_s() - a.time_s(),
            _ => f64::INFINITY,
        };
        if self.full() && gap < 2.0 * self.mean_spacing_s() {
            return;
        }
        // A mark in a hole may be of an earlier revision of the series (before the pre-incident
        // load was known) than the one kept for it, which then ends where the run was when the
        // hole was made: the mark would not restore.
        self.cover_series(s.world().series());
        self.keep(at, s);
    }

    /// Keeps a series of `series`' revision at least as long as it, so that a mark whose series
    /// it is restores: the one kept if it is (the current one, or an older revision's that
    /// reaches it), else `series` itself, which the rest of that revision's series extends (a
    /// revision only ever grows).
    fn cover_series(&mut self, series: &Series) {
        let rev = series.revision();
        match self.series.iter_mut().find(|x| x.revision() == rev) {
            Some(x) if x.len() >= series.len() => {}
            Some(x) => *x = series.clone(),
            None => {
                let at = self.series.partition_point(|x| x.revision() < rev);
                self.series.insert(at, series.clone());
            }
        }
    }

    /// Drops the mark whose neighbours are closest together (never the first or the last), so
    /// the marks kept stay about evenly spread over the time computed.
    fn thin(&mut self) {
        let gap = |k: usize| self.marks[k + 1].time_s() - self.marks[k - 1].time_s();
        let Some(k) = (1..self.marks.len() - 1).min_by(|&a, &b| gap(a).total_cmp(&gap(b))) else { return };
        let m = self.marks.remove(k);
        self.marks_bytes -= m.bytes();
    }

    /// Whether the marks fill the budget (a new one means dropping one).
    fn full(&self) -> bool {
        let per = self.marks_bytes / self.marks.len().max(1);
        self.marks_bytes + per > self.budget_bytes
    }

    /// The mean time between marks kept, in simulated seconds.
    pub fn mean_spacing_s(&self) -> f64 {
        match (self.marks.first(), self.marks.last()) {
            (Some(a), Some(b)) if self.marks.len() > 1 => (b.time_s() - a.time_s()) / (self.marks.len() - 1) as f64,
            _ => self.spacing_ticks as f64,
        }
    }

    /// The longest stretch between two marks kept, and where it starts (simulated seconds): at
    /// worst, what a seek within the time computed replays. `(0, 0)` with fewer than two marks.
    pub fn longest_gap_s(&self) -> (f64, f64) {
        self.marks.windows(2).map(|w| (w[1].time_s() - w[0].time_s(), w[0].time_s())).fold((0.0, 0.0), |a, b| if b.0 > a.0 { b } else { a })
    }

    /// Steps `s` by up to `ticks` simulated seconds, saving a mark at each multiple of the
    /// spacing past the last mark; returns how many ran.
    pub fn step(&mut self, s: &mut Session, ticks: u32) -> u32 {
        let mut done = 0u32;
        while done < ticks {
            let now = s.world().time_s() as u64;
            let next = (now / self.spacing_ticks + 1) * self.spacing_ticks;
            let chunk = (next - now).min((ticks - done) as u64) as u32;
            let ran = s.step(chunk);
            done += ran;
            if ran == 0 {
                break;
            }
            self.observe(s);
            if ran < chunk {
                break;
            }
        }
        done
    }

    /// Runs `s` to simulated time `t_s`, saving marks on the way.
    pub fn run_until(&mut self, s: &mut Session, t_s: f64) {
        while s.world().time_s() < t_s {
            let left = (t_s - s.world().time_s()).ceil().min(u32::MAX as f64) as u32;
            if self.step(s, left.max(1)) == 0 {
                break;
            }
        }
    }

    /// Ticks until `s` reaches the next tick where a mark may be saved (1 if the next tick is
    /// one): a caller that wants no other work in the frame that saves a mark steps to just
    /// before it, then one tick.
    pub fn ticks_to_mark(&self, s: &Session) -> u64 {
        let now = s.world().time_s() as u64;
        self.spacing_ticks - now % self.spacing_ticks
    }

    /// Takes note of `s` after it stepped: saves a mark if one is due, and keeps the series and
    /// narration if `s` is the furthest yet.
    fn observe(&mut self, s: &Session) {
        let w = s.world();
        let t = w.time_s();
        if t > self.furthest_s {
            self.furthest_s = t;
            match self.series.last_mut() {
                Some(last) if last.revision() == w.series().revision() => {
                    let have = last.len();
                    for (mine, theirs) in last.columns.iter_mut().zip(&w.series().columns) {
                        mine.extend_from_slice(&theirs[have.min(theirs.len())..]);
                    }
                }
                _ => self.series.push(w.series().clone()),
            }
            let have = self.events.len();
            self.events.extend_from_slice(&w.events()[have.min(w.events().len())..]);
        }
        let tick = t as u64;
        let last = self.marks.last().map_or(0.0, |m| m.time_s());
        // Once the budget is full, a new mark would only be dropped again unless it is as far
        // from the last one as marks are apart on average.
        if tick.is_multiple_of(self.spacing_ticks) && t > last && (!self.full() || t - last >= self.mean_spacing_s()) {
            self.push(s);
        } else if tick.is_multiple_of(self.spacing_ticks) && t < last && self.holes.iter().any(|&(a, b)| t >= a && t < b) {
            self.insert(s);
        }
    }

    /// `s` was just changed by the user at its current time: what was computed after that time
    /// belongs to another branch. Drops it and marks `s` as it is now.
    pub fn branch(&mut self, s: &Session) {
        let t = s.world().time_s();
        // The first time a computed future is dropped, it is kept as the run "as it happened".
        if self.as_happened.is_none() && t < self.furthest_s {
            if let Some(series) = self.series.last() {
                self.as_happened = Some(AsHappened { branch_s: t, series: series.clone(), events: self.events.clone() });
            }
        }
        self.marks.retain(|m| m.time_s() < t);
        self.marks_bytes = self.marks.iter().map(|m| m.bytes()).sum();
        let rev = s.world().series().revision();
        self.series.retain(|x| x.revision() < rev);
        self.series.push(s.world().series().clone());
        self.events = s.world().events().to_vec();
        self.furthest_s = t;
        self.scout = None;
        self.holes = self.holes.iter().filter(|h| h.0 < t).map(|&(a, b)| (a, b.min(t))).collect();
        self.filler = None;
        self.push(s);
    }

    /// Takes in `m`, a session of this run on the current branch at a time no mark holds yet
    /// (read from a shipped mark, [`crate::marks::read`]): it becomes a mark. If it is beyond the
    /// furthest time computed, its series and narration extend the history as if the run had gone
    /// there (the times between are then reached from the marks around them); if it is within,
    /// its series (as long as the run was at its time, and of its revision) serves that mark.
    /// Returns false, changing nothing, if a mark at its time exists already or a branch has been
    /// taken (the history is then no longer the plain run's).
    pub fn adopt(&mut self, m: &Session) -> bool {
        let t = m.world().time_s();
        if self.as_happened.is_some() || self.marks.iter().any(|x| x.time_s() == t) {
            return false;
        }
        let series = m.world().series();
        let rev = series.revision();
        if t > self.furthest_s {
            if t - self.furthest_s > self.spacing_ticks as f64 {
                self.holes.push((self.furthest_s, t));
            }
            self.series.retain(|x| x.revision() < rev);
            self.series.push(series.clone());
            self.events = m.world().events().to_vec();
            self.furthest_s = t;
            self.scout = None;
        } else {
            self.cover_series(series);
        }
        self.keep(self.marks.partition_point(|x| x.time_s() < t), m);
        true
    }

    /// Simulated seconds of this branch not computed through yet (before adopted marks; see
    /// [`History::adopt`]): filled first when the run computes ahead.
    pub fn hole_s(&self) -> f64 {
        self.holes.iter().map(|(a, b)| b - a).sum()
    }

    /// The image of the run at time 0 that marks are packed against (what
    /// [`crate::marks::read`] needs).
    pub fn reference(&self) -> &[u8] {
        &self.reference
    }

    /// Computes up to `ticks` simulated seconds beyond the furthest time computed on this
    /// branch, up to `until_s`, on a copy of the run (`s`, the user's run, stays where it is):
    /// the copy's marks, series and narration extend this history as if `s` had run there, so
    /// going there later is a restore. Returns the ticks run (0 when `until_s` is reached).
    /// The copy is the run itself, bit for bit: the same session stepped the same ticks.
    pub fn compute_ahead(&mut self, s: &Session, ticks: u32, until_s: f64) -> u32 {
        if ticks == 0 {
            return 0;
        }
        if !self.holes.is_empty() {
            return self.fill_hole(s, ticks);
        }
        let left = (until_s - self.furthest_s).ceil();
        if left < 1.0 {
            return 0;
        }
        let mut scout = match self.scout.take() {
            Some(sc) if sc.world().time_s() == self.furthest_s => sc,
            // From the user's run if it is at the furthest time or between the last mark and it,
            // else from the last mark (whose time is at most the furthest time).
            _ => Box::new(self.restore(s, self.furthest_s).unwrap_or_else(|| s.clone())),
        };
        let want = (left.min(u32::MAX as f64) as u32).min(ticks);
        let ran = self.step(&mut scout, want);
        self.scout = Some(scout);
        ran
    }

    /// Computes up to `ticks` simulated seconds through the first hole (see `holes`) on a copy of
    /// the run, saving marks in it as it goes; the hole is gone once the copy reaches its end.
    /// Returns the ticks run.
    fn fill_hole(&mut self, s: &Session, ticks: u32) -> u32 {
        let (from, to) = self.holes[0];
        let mut filler = match self.filler.take() {
            Some(f) if f.world().time_s() == from => f,
            _ => {
                let idx = self.marks.partition_point(|m| m.time_s() <= from).saturating_sub(1);
                match self.restore_mark(s, idx) {
                    Some(f) => Box::new(f),
                    // A mark that does not restore would be a bug; the hole is then left.
                    None => {
                        self.holes.remove(0);
                        return 0;
                    }
                }
            }
        };
        let want = ((to - filler.world().time_s()).ceil().max(1.0) as u32).min(ticks);
        let ran = self.step(&mut filler, want);
        let now = filler.world().time_s();
        if now >= to || ran == 0 {
            self.holes.remove(0);
        } else {
            self.holes[0].0 = now;
            self.filler = Some(filler);
        }
        ran
    }

    /// The session at the latest mark at or before `t_s`, if going there is shorter than going on
    /// from `s` (that is, unless `s` is itself at or before `t_s` and no later than that mark).
    /// `None` if `s` should just run on (or, which would be a bug, the mark does not restore).
    pub fn restore(&self, s: &Session, t_s: f64) -> Option<Session> {
        let now = s.world().time_s();
        let idx = self.marks.partition_point(|m| m.time_s() <= t_s).checked_sub(1)?;
        let m = &self.marks[idx];
        if now <= t_s && now >= m.time_s() {
            return None;
        }
        self.restore_mark(s, idx)
    }

    /// `s`'s run at mark `idx`, with the series of the mark's revision and the narration kept.
    fn restore_mark(&self, s: &Session, idx: usize) -> Option<Session> {
        let m = self.marks.get(idx)?;
        let series = self.series.iter().find(|x| x.revision() == m.checkpoint().series_revision())?;
        s.restored(m, &self.reference, series, &self.events)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::actions::Intervention;
    use crate::scenarios;

    fn session(name: &str, scale: f64, seed: u64) -> Session {
        let sc = scenarios::find(name).unwrap();
        let p = scenarios::scaled(&sc.params, scale);
        Session::new(sc, p, seed).unwrap()
    }

    #[test]
    fn marks_come_at_the_spacing_and_thin_within_the_budget() {
        let mut s = session("skype-2010", 0.02, 1);
        let mut h = History::new(&s, usize::MAX);
        h.step(&mut s, 3600);
        let times: Vec<f64> = h.marks().iter().map(|m| m.time_s()).collect();
        let every = FIRST_SPACING_S as f64;
        assert_eq!(times, (0..=(3600 / FIRST_SPACING_S)).map(|k| k as f64 * every).collect::<Vec<_>>());
        assert_eq!(h.longest_gap_s(), (every, 0.0), "the first of the longest stretches");
        // A budget of a few marks over six hours: they stay within it, the first and the
        // latest are kept, and none is much further from the next than the mean.
        let one = h.marks().iter().map(|m| m.bytes()).max().unwrap();
        let mut s = session("skype-2010", 0.02, 1);
        let mut h = History::new(&s, one * 5);
        h.step(&mut s, 6 * 3600);
        assert!(h.marks_bytes <= one * 5, "{} > {}", h.marks_bytes, one * 5);
        let smallest = h.marks()[1..].iter().map(|m| m.bytes()).min().unwrap();
        assert!(h.marks().len() >= 3 && h.marks_bytes + smallest > one * 5, "room for another mark: {}", h.marks().len());
        // A smaller budget drops marks at once, keeping the first and the latest.
        let (first, latest) = (h.marks()[0].time_s(), h.marks().last().unwrap().time_s());
        h.set_budget(one * 3);
        assert!(h.marks_bytes <= one * 3 && h.marks().len() >= 2);
        assert_eq!((h.marks()[0].time_s(), h.marks().last().unwrap().time_s()), (first, latest));
        assert_eq!(h.marks()[0].time_s(), 0.0);
        let times: Vec<f64> = h.marks().iter().map(|m| m.time_s()).collect();
        assert!(*times.last().unwrap() >= 6.0 * 3600.0 - h.mean_spacing_s(), "{times:?}");
        for w in times.windows(2) {
            assert_eq!(w[1] as u64 % FIRST_SPACING_S, 0);
            assert!(w[1] - w[0] <= 2.0 * h.mean_spacing_s(), "{times:?}");
        }
        let (gap, at) = h.longest_gap_s();
        assert!(times.windows(2).all(|w| w[1] - w[0] <= gap) && times.contains(&(at + gap)), "{gap} at {at}: {times:?}");
    }

    #[test]
    fn going_back_and_forth_gives_the_same_run() {
        let mut s = session("skype-2010", 0.02, 3);
        let mut h = History::new(&s, usize::MAX);
        h.run_until(&mut s, 9000.0);
        let straight = s.world().series().hash_hex();
        // Back to 40 minutes, then on again to the end.
        let mut back = h.restore(&s, 2400.0).unwrap();
        assert_eq!(back.world().time_s(), 2400.0);
        h.run_until(&mut back, 9000.0);
        assert_eq!(back.world().series().hash_hex(), straight);
        assert_eq!(back.world().checkpoint_image(), s.world().checkpoint_image());
        // From 40 minutes, forward to a computed time: it jumps to the mark before it.
        let mut early = h.restore(&s, 2400.0).unwrap();
        let fwd = h.restore(&early, 7000.0).unwrap();
        assert_eq!(fwd.world().time_s(), (7000 / FIRST_SPACING_S * FIRST_SPACING_S) as f64);
        early = fwd;
        h.run_until(&mut early, 9000.0);
        assert_eq!(early.world().series().hash_hex(), straight);
        // Already between the mark and the target: no jump.
        assert!(h.restore(&early, 9000.0).is_none());
    }

    #[test]
    fn computing_ahead_extends_the_history_as_the_run_itself_would() {
        let mut straight = session("skype-2010", 0.02, 4);
        let mut hs = History::new(&straight, usize::MAX);
        hs.run_until(&mut straight, 7200.0);
        // The user's run at 20 minutes, paused; the history computes on to two hours.
        let mut s = session("skype-2010", 0.02, 4);
        let mut h = History::new(&s, usize::MAX);
        h.run_until(&mut s, 1200.0);
        let mut ran = 0;
        while h.compute_ahead(&s, 777, 7200.0) > 0 {
            ran += 1;
        }
        assert!(ran > 5, "it computed ahead in slices");
        assert_eq!(s.world().time_s(), 1200.0, "the user's run did not move");
        assert_eq!(h.furthest_s(), 7200.0);
        assert_eq!(h.compute_ahead(&s, 100, 7200.0), 0, "nothing left");
        // The same marks, series and narration as the straight run's history.
        let times = |h: &History| h.marks().iter().map(|m| m.time_s()).collect::<Vec<_>>();
        assert_eq!(times(&h), times(&hs));
        assert_eq!(h.series.last().unwrap().hash_hex(), straight.world().series().hash_hex());
        assert_eq!(h.events().len(), hs.events().len());
        // Going to a time computed ahead is a restore, and runs on as the straight run.
        let mut there = h.restore(&s, 6000.0).unwrap();
        h.run_until(&mut there, 7200.0);
        assert_eq!(there.world().checkpoint_image(), straight.world().checkpoint_image());
        // The user's run, stepped on past a mark, meanwhile, is still the same run.
        h.run_until(&mut s, 1900.0);
        let mut there = h.restore(&s, 6600.0).unwrap();
        h.run_until(&mut there, 7200.0);
        assert_eq!(there.world().series().hash_hex(), straight.world().series().hash_hex());
        // An action drops the copy: computing ahead goes on along the new branch, action included.
        s.intervene(Intervention::from_name("megas").unwrap()).unwrap();
        h.branch(&s);
        assert!(h.scout.is_none());
        while h.compute_ahead(&s, 1000, 5400.0) > 0 {}
        let mut branch = s.clone();
        let mut hb = h.clone();
        hb.run_until(&mut branch, 5400.0);
        let ahead = h.restore(&s, 5400.0).unwrap();
        assert_eq!(ahead.log().len(), 1);
        assert_eq!(ahead.world().checkpoint_image(), branch.world().checkpoint_image());
        assert_ne!(h.series.last().unwrap().hash_hex(), hs.series.last().unwrap().hash_hex());
    }

    #[test]
    fn an_action_after_going_back_starts_a_branch() {
        let mut s = session("skype-2010", 0.02, 2);
        let mut h = History::new(&s, usize::MAX);
        h.run_until(&mut s, 7200.0);
        let original = s.world().series().hash_hex();
        let mut b = h.restore(&s, 3000.0).unwrap();
        b.intervene(Intervention::from_name("megas").unwrap()).unwrap();
        h.branch(&b);
        assert_eq!(h.furthest_s(), 3000.0);
        assert!(h.marks().iter().all(|m| m.time_s() <= 3000.0));
        h.run_until(&mut b, 7200.0);
        assert_ne!(b.world().series().hash_hex(), original);
        // The run as it happened is kept, from before the branch.
        let old = h.as_happened().unwrap();
        assert_eq!(old.branch_s, 3000.0);
        assert_eq!(old.series.hash_hex(), original);
        // The branch's own marks restore the branch, action included.
        let mut again = h.restore(&b, 3100.0).unwrap();
        assert_eq!(again.log().len(), 1);
        h.run_until(&mut again, 7200.0);
        assert_eq!(again.world().series().hash_hex(), b.world().series().hash_hex());
    }
}
