//! What a run measures: one sample per simulated minute, a summary, and a digest of the series.

use serde::Serialize;

use super::world::{fields, Columns, Field};

/// Seconds between samples of the series.
pub const SAMPLE_PERIOD_S: u64 = 60;

/// The series' columns, in output order (JSON keys and CSV header).
pub const COLUMNS: &[&str] = &[
    "t_s",
    "clients_online",
    "clients_total",
    "clients_retrying",
    "clients_crashed",
    "clients_away",
    "supernodes_up",
    "supernodes_crashed",
    "supernodes_shut_down",
    "supernodes_overloaded",
    "supernodes_promoted",
    "mega_up",
    "connect_attempts_per_s",
    "logins_per_s",
    "bootstrap_requests_per_s",
    "sn_load_mean_per_s",
    "sn_load_ratio",
    "lookup_success",
    "availability_login",
    "availability_messaging",
    "availability_presence",
    "availability_contacts",
    "availability_web",
    "availability_offline_im",
    "availability_group_video",
];

/// One sample: the state of the network over one simulated minute.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize)]
pub struct Sample {
    /// Simulated time at the end of the minute, in seconds.
    pub t_s: f64,
    /// Clients connected to a supernode.
    pub clients_online: f64,
    /// Clients that want to be online.
    pub clients_total: f64,
    /// Clients trying to connect (waiting to retry, or queued at a supernode).
    pub clients_retrying: f64,
    /// Clients crashed and waiting for their user to relaunch them.
    pub clients_crashed: f64,
    /// Clients whose users gave up and closed them for now.
    pub clients_away: f64,
    /// Supernodes serving (peers and mega-supernodes).
    pub supernodes_up: f64,
    /// Supernodes crashed (restarting).
    pub supernodes_crashed: f64,
    /// Supernodes out of the role because their failsafe fired.
    pub supernodes_shut_down: f64,
    /// Serving supernodes asked more than their capacity.
    pub supernodes_overloaded: f64,
    /// Promoted clients serving as supernodes.
    pub supernodes_promoted: f64,
    /// Mega-supernodes serving.
    pub mega_up: f64,
    /// Connection attempts (one walk through a host cache) per second.
    pub connect_attempts_per_s: f64,
    /// Successful connections per second.
    pub logins_per_s: f64,
    /// Requests to the bootstrap servers per second (walks where every cache entry failed).
    pub bootstrap_requests_per_s: f64,
    /// Mean load offered to a serving peer supernode (mega-supernodes aside), in load units per
    /// second.
    pub sn_load_mean_per_s: f64,
    /// `sn_load_mean_per_s` divided by its value at the trigger.
    pub sn_load_ratio: f64,
    /// Share of sampled lookups (for users who want to be online) that found their target.
    pub lookup_success: f64,
    /// Share of sign-in attempts that succeeded over the last 5 minutes.
    pub availability_login: f64,
    /// Share of messages delivered (messaging backend served × recipient found).
    pub availability_messaging: f64,
    /// Share of presence requests answered (presence backend served × found through the overlay).
    pub availability_presence: f64,
    /// Share of contact-list requests served.
    pub availability_contacts: f64,
    /// Share of Skype for Web and Business requests served.
    pub availability_web: f64,
    /// Share of offline instant-message requests served.
    pub availability_offline_im: f64,
    /// Whether group video calling works (0 while its servers are repurposed).
    pub availability_group_video: f64,
}

impl Field for Sample {
    fn field(&mut self, io: &mut impl Columns) -> bool {
        fields!(io; self.t_s, self.clients_online, self.clients_total, self.clients_retrying, self.clients_crashed,
            self.clients_away, self.supernodes_up, self.supernodes_crashed, self.supernodes_shut_down,
            self.supernodes_overloaded, self.supernodes_promoted, self.mega_up, self.connect_attempts_per_s,
            self.logins_per_s, self.bootstrap_requests_per_s, self.sn_load_mean_per_s, self.sn_load_ratio,
            self.lookup_success, self.availability_login, self.availability_messaging, self.availability_presence,
            self.availability_contacts, self.availability_web, self.availability_offline_im,
            self.availability_group_video)
    }
}

impl Sample {
    /// The sample's values in [`COLUMNS`] order.
    pub fn values(&self) -> [f64; 25] {
        [
            self.t_s,
            self.clients_online,
            self.clients_total,
            self.clients_retrying,
            self.clients_crashed,
            self.clients_away,
            self.supernodes_up,
            self.supernodes_crashed,
            self.supernodes_shut_down,
            self.supernodes_overloaded,
            self.supernodes_promoted,
            self.mega_up,
            self.connect_attempts_per_s,
            self.logins_per_s,
            self.bootstrap_requests_per_s,
            self.sn_load_mean_per_s,
            self.sn_load_ratio,
            self.lookup_success,
            self.availability_login,
            self.availability_messaging,
            self.availability_presence,
            self.availability_contacts,
            self.availability_web,
            self.availability_offline_im,
            self.availability_group_video,
        ]
    }
}

/// The series of samples, column by column.
#[derive(Clone, Debug, Default)]
pub struct Series {
    /// One vector per column of [`COLUMNS`], all the same length.
    pub columns: Vec<Vec<f64>>,
    /// How many times samples already taken were rewritten (see [`Series::rewrite_column`]):
    /// a copy that only appends new samples must copy everything again when it changes.
    revision: u64,
}

impl Series {
    /// An empty series.
    pub fn new() -> Self {
        Self { columns: vec![Vec::new(); COLUMNS.len()], revision: 0 }
    }

    /// Appends a sample.
    pub fn push(&mut self, s: &Sample) {
        for (col, v) in self.columns.iter_mut().zip(s.values()) {
            col.push(v);
        }
    }

    /// The first `n` samples (all of them if there are fewer).
    pub fn prefix(&self, n: usize) -> Series {
        Series { columns: self.columns.iter().map(|c| c[..n.min(c.len())].to_vec()).collect(), revision: self.revision }
    }

    /// Rewrites column `to` from column `from` through `f`, samples already taken included.
    pub fn rewrite_column(&mut self, to: usize, from: usize, f: impl Fn(f64) -> f64) {
        let src = self.columns[from].clone();
        for (v, x) in self.columns[to].iter_mut().zip(src) {
            *v = f(x);
        }
        self.revision += 1;
    }

    /// Visits the series for a world's full image (see `world::checkpoint`): each column whole,
    /// and the revision.
    pub(crate) fn fields(&mut self, io: &mut impl Columns) -> bool {
        let mut n = self.columns.len() as u64;
        if !n.field(io) || n != COLUMNS.len() as u64 {
            return false;
        }
        // (A writer takes the columns: it works on a copy.)
        self.columns.iter_mut().all(|c| io.col(c))
            && self.revision.field(io)
            && self.columns.iter().all(|c| c.len() == self.columns[0].len())
    }

    /// How many times samples already taken were rewritten.
    pub fn revision(&self) -> u64 {
        self.revision
    }

    /// Number of samples.
    pub fn len(&self) -> usize {
        self.columns.first().map_or(0, |c| c.len())
    }

    /// Whether there are no samples.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The column called `name`.
    pub fn column(&self, name: &str) -> Option<&[f64]> {
        COLUMNS.iter().position(|c| *c == name).map(|i| self.columns[i].as_slice())
    }

    /// A hex digest (64-bit FNV-1a) of every value of every column, bit for bit: equal for equal
    /// runs, different (almost surely) for different ones.
    pub fn hash_hex(&self) -> String {
        fnv1a_hex(self.columns.iter().flatten().flat_map(|v| v.to_bits().to_le_bytes()))
    }

    /// The series as CSV text with a header row.
    pub fn to_csv(&self) -> String {
        let mut out = COLUMNS.join(",");
        out.push('\n');
        for r in 0..self.len() {
            let row: Vec<String> = self.columns.iter().map(|c| fmt_value(c[r])).collect();
            out.push_str(&row.join(","));
            out.push('\n');
        }
        out
    }

    /// The series as a JSON object of equal-length arrays.
    pub fn to_json(&self) -> serde_json::Value {
        let mut m = serde_json::Map::new();
        for (name, col) in COLUMNS.iter().zip(&self.columns) {
            m.insert((*name).to_string(), serde_json::Value::from(col.clone()));
        }
        serde_json::Value::Object(m)
    }
}

/// 64-bit FNV-1a of `bytes`, as 16 hexadecimal digits: the digest of a run's series, of a
/// shipped mark and of its run's key.
pub fn fnv1a_hex(bytes: impl IntoIterator<Item = u8>) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in bytes {
        h ^= b as u64;
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    format!("{h:016x}")
}

fn fmt_value(v: f64) -> String {
    if v == libm::trunc(v) && v.abs() < 1e15 {
        format!("{}", v as i64)
    } else {
        format!("{v}")
    }
}

/// The figures a run is judged by.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Summary {
    /// When the trigger fires (or would fire, for the baseline), in seconds.
    pub trigger_t_s: f64,
    /// Clients online at the trigger (the pre-incident level).
    pub clients_online_at_trigger: f64,
    /// Of the supernodes serving at the trigger, the share not serving one hour later.
    pub supernodes_lost_first_hour_fraction: Option<f64>,
    /// Of the supernodes serving at the trigger, the share crashed (by the trigger or by hand)
    /// one hour later: the post-mortem's "supernodes that died", without the failsafe's.
    pub supernodes_crashed_first_hour_fraction: Option<f64>,
    /// The maximum of `sn_load_ratio`.
    pub peak_sn_load_ratio: f64,
    /// The lowest clients-online level after the trigger, as a share of the pre-incident level.
    pub min_clients_online_fraction: f64,
    /// When that lowest level was reached, in seconds.
    pub min_clients_online_t_s: f64,
    /// Seconds from the trigger until clients online are back to ≥ 90% of the pre-incident level
    /// and stay there (0 if they never fell below; `None` if never back).
    pub time_to_90pct_recovery_s: Option<f64>,
    /// The lowest share of Skype for Web and Business requests served after the trigger (0–1).
    pub min_availability_web: f64,
    /// Connection attempts over the whole run.
    pub total_connect_attempts: f64,
    /// Supernodes that crashed over the run.
    pub supernode_crashes: u64,
    /// Times a supernode's failsafe made it drop the role over the run.
    pub failsafe_shutdowns: u64,
    /// Client crash events over the run (a relaunched client can crash again while the trigger
    /// lasts, so this counts events, not distinct clients).
    pub client_crashes: u64,
    /// Share of all clients that crashed at least once.
    pub clients_crashed_fraction: f64,
    /// Clients promoted to supernode over the run.
    pub promotions: u64,
    /// Times a user gave up and closed a client that could not connect.
    pub give_ups: u64,
    /// Requests to the bootstrap servers over the run.
    pub bootstrap_requests: f64,
    /// Clients that left a supernode too busy to answer their keep-alives, over the run.
    pub starved_disconnects: f64,
    /// Simulated time covered, in seconds.
    pub duration_s: f64,
}

impl Field for Summary {
    fn field(&mut self, io: &mut impl Columns) -> bool {
        fields!(io; self.trigger_t_s, self.clients_online_at_trigger, self.supernodes_lost_first_hour_fraction,
            self.supernodes_crashed_first_hour_fraction, self.peak_sn_load_ratio, self.min_clients_online_fraction,
            self.min_clients_online_t_s, self.time_to_90pct_recovery_s, self.min_availability_web,
            self.total_connect_attempts, self.supernode_crashes, self.failsafe_shutdowns, self.client_crashes,
            self.clients_crashed_fraction, self.promotions, self.give_ups, self.bootstrap_requests,
            self.starved_disconnects, self.duration_s)
    }
}

/// Computes the figures of [`Summary`] that come from the series.
pub fn summarize_series(series: &Series, trigger_t_s: f64, summary: &mut Summary) {
    summary.trigger_t_s = trigger_t_s;
    let t = series.column("t_s").unwrap_or(&[]);
    let online = series.column("clients_online").unwrap_or(&[]);
    let ratio = series.column("sn_load_ratio").unwrap_or(&[]);
    summary.peak_sn_load_ratio = ratio.iter().copied().fold(0.0, f64::max);
    summary.duration_s = t.last().copied().unwrap_or(0.0);
    // The pre-incident level: the last sample at or before the trigger.
    let pre_idx = t.iter().rposition(|&x| x <= trigger_t_s);
    let Some(pre_idx) = pre_idx else {
        summary.min_clients_online_fraction = 1.0;
        summary.time_to_90pct_recovery_s = None;
        return;
    };
    let web = series.column("availability_web").unwrap_or(&[]);
    summary.min_availability_web = web[pre_idx..].iter().copied().fold(1.0, f64::min);
    let pre = online[pre_idx].max(1.0);
    summary.clients_online_at_trigger = online[pre_idx];
    let mut min_f = f64::INFINITY;
    let mut min_t = trigger_t_s;
    let mut last_below: Option<usize> = None;
    for i in pre_idx..online.len() {
        let f = online[i] / pre;
        if f < min_f {
            min_f = f;
            min_t = t[i];
        }
        if f < 0.9 {
            last_below = Some(i);
        }
    }
    summary.min_clients_online_fraction = if min_f.is_finite() { min_f } else { 1.0 };
    summary.min_clients_online_t_s = min_t;
    summary.time_to_90pct_recovery_s = match last_below {
        None => Some(0.0),
        Some(i) if i + 1 < online.len() => Some(t[i + 1] - trigger_t_s),
        Some(_) => None,
    };
}
