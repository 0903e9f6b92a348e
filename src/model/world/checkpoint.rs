//! Checkpoints: a world saved at one tick and restored later, continuing bit for bit as the
//! uninterrupted run would.
//!
//! A checkpoint is the world with its large columns (one entry per supernode, and the retry
//! wheel's ring) taken out and packed into one compressed byte image; the rest (a few kilobytes:
//! counters, the random generator, the services' state) stays as a plain clone. The series and
//! the narration only grow, so a checkpoint keeps their lengths and takes them back from a later
//! world on the same branch when it is restored (see [`Checkpoint::restore`]).
//!
//! The image is packed to compress well: each column is cut into byte planes (all first bytes,
//! then all second bytes…); a column that mostly keeps its start values (positions, capacities,
//! overlay links) is XORed with a *reference* image (the same run at time 0), so that it becomes
//! zeros, while one that changes as the run goes is kept as it is (a supernode out of service
//! holds zeros in it); then the image is deflated. The scheduled returns and the load each
//! supernode was asked in the last pass (scratch the next pass writes before it reads) are not
//! saved: they are rebuilt from the supernodes' columns ([`World::rebuild_scratch`]).
//!
//! A *full image* ([`World::write_image`]) is a checkpoint's packed columns followed by everything
//! else the world holds but its parameters and the scenario's texts (counters, the random
//! generator, the services' state, the narration's milestones, the series and the narration),
//! each value a one-entry column of the same stream ([`Field`]), deflated: a world that can leave
//! the program and come back, as the marks `make pkg` ships with the page.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use super::super::metrics::Series;
use super::super::narration::{events_field, Event};
use super::super::rng::SimRng;
use super::super::supernode::{SnKind, SnState};
use super::World;

/// A value stored in a column of the image: up to eight little-endian bytes.
pub(crate) trait Plain: Copy {
    /// Bytes per value.
    const WIDTH: usize;
    /// The value's bytes, as the low bytes of a number.
    fn bits(self) -> u64;
    /// The value from its bytes, if they are one.
    fn from_bits(b: u64) -> Option<Self>;
}

macro_rules! plain_int {
    ($t:ty) => {
        impl Plain for $t {
            const WIDTH: usize = std::mem::size_of::<$t>();
            #[inline]
            fn bits(self) -> u64 {
                self as u64
            }
            #[inline]
            fn from_bits(b: u64) -> Option<Self> {
                Some(b as $t)
            }
        }
    };
}
plain_int!(u8);
plain_int!(u16);
plain_int!(u32);
plain_int!(u64);
plain_int!(i64);

impl Plain for usize {
    const WIDTH: usize = 8;
    #[inline]
    fn bits(self) -> u64 {
        self as u64
    }
    #[inline]
    fn from_bits(b: u64) -> Option<Self> {
        usize::try_from(b).ok()
    }
}

impl Plain for f32 {
    const WIDTH: usize = 4;
    #[inline]
    fn bits(self) -> u64 {
        self.to_bits() as u64
    }
    #[inline]
    fn from_bits(b: u64) -> Option<Self> {
        Some(f32::from_bits(b as u32))
    }
}

impl Plain for f64 {
    const WIDTH: usize = 8;
    #[inline]
    fn bits(self) -> u64 {
        self.to_bits()
    }
    #[inline]
    fn from_bits(b: u64) -> Option<Self> {
        Some(f64::from_bits(b))
    }
}

impl Plain for bool {
    const WIDTH: usize = 1;
    #[inline]
    fn bits(self) -> u64 {
        self as u64
    }
    #[inline]
    fn from_bits(b: u64) -> Option<Self> {
        match b {
            0 => Some(false),
            1 => Some(true),
            _ => None,
        }
    }
}

impl Plain for SnState {
    const WIDTH: usize = 1;
    #[inline]
    fn bits(self) -> u64 {
        self as u64
    }
    fn from_bits(b: u64) -> Option<Self> {
        [SnState::Up, SnState::ShutDown, SnState::Crashed, SnState::Off].into_iter().find(|s| *s as u64 == b)
    }
}

impl Plain for SnKind {
    const WIDTH: usize = 1;
    #[inline]
    fn bits(self) -> u64 {
        self as u64
    }
    fn from_bits(b: u64) -> Option<Self> {
        [SnKind::Peer, SnKind::Promoted, SnKind::Mega, SnKind::Repurposed].into_iter().find(|s| *s as u64 == b)
    }
}

/// Goes over a world's large columns in one fixed order, either packing each into an image
/// (and leaving it empty) or filling each from an image. One list serves both ways, so what is
/// saved and what is restored cannot drift apart.
pub(crate) trait Columns {
    /// Packs `v` (leaving it empty) or fills it; `false` if the image does not hold it.
    fn col<T: Plain>(&mut self, v: &mut Vec<T>) -> bool;

    /// As [`Columns::col`], for a column that mostly keeps its values from the start of the run
    /// (positions, capacities, links): packed XORed with the reference image, so that what has
    /// not changed becomes zeros. A column that changes as the run goes is packed as it is, since
    /// its out-of-service entries are zeros already, and XORing them would make them noise.
    fn fixed<T: Plain>(&mut self, v: &mut Vec<T>) -> bool {
        self.col(v)
    }
}

/// A value of a world's small state (counters, the random generator, the services' state, the
/// narration's milestones, the series and the narration), written to or read from the same
/// column stream as the large columns: each scalar is a one-entry column. One method serves both
/// ways, as [`Columns`] does: writing leaves the value as it was, reading replaces it. Used to
/// write a whole world to bytes and read it back ([`World::write_image`]).
pub(crate) trait Field {
    /// Writes or reads this value; false if the stream does not hold one.
    fn field(&mut self, io: &mut impl Columns) -> bool;
}

impl<T: Plain> Field for T {
    fn field(&mut self, io: &mut impl Columns) -> bool {
        let mut v = vec![*self];
        // A writer takes the column (leaving it empty); a reader leaves the value read.
        let ok = io.col(&mut v) && v.len() <= 1;
        if let [x] = v[..] {
            *self = x;
        }
        ok
    }
}

impl<T: Field, const N: usize> Field for [T; N] {
    fn field(&mut self, io: &mut impl Columns) -> bool {
        self.iter_mut().all(|x| x.field(io))
    }
}

impl<A: Field, B: Field> Field for (A, B) {
    fn field(&mut self, io: &mut impl Columns) -> bool {
        self.0.field(io) && self.1.field(io)
    }
}

impl<T: Field + Default> Field for Option<T> {
    fn field(&mut self, io: &mut impl Columns) -> bool {
        let mut some = self.is_some();
        if !some.field(io) {
            return false;
        }
        if !some {
            *self = None;
            return true;
        }
        self.get_or_insert_with(T::default).field(io)
    }
}

/// Visits `v`, one of the values `all` lists, as its index there (an enum's choices).
pub(crate) fn choice_field<T: Copy + PartialEq>(io: &mut impl Columns, v: &mut T, all: &[T]) -> bool {
    let mut k = all.iter().position(|x| x == v).unwrap_or(0) as u8;
    match k.field(io).then(|| all.get(k as usize)).flatten() {
        Some(x) => {
            *v = *x;
            true
        }
        None => false,
    }
}

/// Most entries a small vector read from a stream may claim (a corrupt length is refused, not
/// allocated).
const MAX_SMALL_LEN: u64 = 1 << 24;

impl<T: Field + Default> Field for Vec<T> {
    fn field(&mut self, io: &mut impl Columns) -> bool {
        let mut n = self.len() as u64;
        if !n.field(io) || n > MAX_SMALL_LEN {
            return false;
        }
        self.resize_with(n as usize, T::default);
        self.iter_mut().all(|x| x.field(io))
    }
}

impl Field for String {
    fn field(&mut self, io: &mut impl Columns) -> bool {
        let mut bytes = self.as_bytes().to_vec();
        if !io.col(&mut bytes) {
            return false;
        }
        // (A writer took the bytes: it works on a copy of the world.)
        match String::from_utf8(bytes) {
            Ok(text) => {
                *self = text;
                true
            }
            Err(_) => false,
        }
    }
}

/// Goes over a struct's fields as [`Field`]s, in the order given: `fields!(io; self.a, self.b)`.
macro_rules! fields {
    ($io:expr; $($f:expr),+ $(,)?) => {
        true $(&& $crate::model::world::Field::field(&mut $f, $io))+
    };
}
pub(crate) use fields;

/// Packs columns into an image, each as its length and then its byte planes; the
/// [`Columns::fixed`] ones XORed with `reference` at the same place (empty: none).
#[derive(Default)]
struct Packer<'a> {
    image: Vec<u8>,
    reference: &'a [u8],
}

impl Columns for Packer<'_> {
    fn fixed<T: Plain>(&mut self, v: &mut Vec<T>) -> bool {
        let start = self.image.len() + 8;
        self.col(v);
        xor_with(&mut self.image[start..], self.reference.get(start..).unwrap_or(&[]));
        true
    }

    fn col<T: Plain>(&mut self, v: &mut Vec<T>) -> bool {
        let values = std::mem::take(v);
        self.image.extend_from_slice(&(values.len() as u64).to_le_bytes());
        let n = values.len();
        let start = self.image.len();
        self.image.resize(start + n * T::WIDTH, 0);
        // Plane by plane, so that each plane is written in order.
        for (plane, out) in self.image[start..].chunks_exact_mut(n.max(1)).enumerate().take(T::WIDTH) {
            let shift = 8 * plane as u32;
            for (o, x) in out.iter_mut().zip(&values) {
                *o = (x.bits() >> shift) as u8;
            }
        }
        true
    }
}

/// Fills columns from an image, in the order they were packed (the [`Columns::fixed`] ones
/// XORed back with `reference`).
struct Unpacker<'a> {
    image: &'a [u8],
    at: usize,
    reference: &'a [u8],
}

impl<'a> Unpacker<'a> {
    /// Reads `image` from its start, with the same `reference` as it was packed with.
    fn new(image: &'a [u8], reference: &'a [u8]) -> Self {
        Unpacker { image, at: 0, reference }
    }

    fn read<T: Plain>(&mut self, fixed: bool) -> Option<Vec<T>> {
        let len = u64::from_le_bytes(self.image.get(self.at..self.at + 8)?.try_into().ok()?) as usize;
        self.at += 8;
        let start = self.at;
        let planes = self.image.get(start..start.checked_add(len.checked_mul(T::WIDTH)?)?)?;
        self.at += planes.len();
        let unxored;
        let planes = if fixed {
            let mut b = planes.to_vec();
            xor_with(&mut b, self.reference.get(start..).unwrap_or(&[]));
            unxored = b;
            &unxored[..]
        } else {
            planes
        };
        let mut bits = vec![0u64; len];
        for (plane, src) in planes.chunks_exact(len.max(1)).enumerate() {
            let shift = 8 * plane as u32;
            for (b, &x) in bits.iter_mut().zip(src) {
                *b |= (x as u64) << shift;
            }
        }
        bits.into_iter().map(T::from_bits).collect()
    }
}

impl Columns for Unpacker<'_> {
    fn col<T: Plain>(&mut self, v: &mut Vec<T>) -> bool {
        self.read(false).map(|x| *v = x).is_some()
    }

    fn fixed<T: Plain>(&mut self, v: &mut Vec<T>) -> bool {
        self.read(true).map(|x| *v = x).is_some()
    }
}

/// XORs `image` with `reference` where both have bytes.
/// The most bytes an image read from outside may inflate to.
const MAX_IMAGE_BYTES: usize = 1 << 30;

fn xor_with(image: &mut [u8], reference: &[u8]) {
    for (a, b) in image.iter_mut().zip(reference) {
        *a ^= b;
    }
}

/// A world saved at one tick. See the module's documentation.
#[derive(Clone, Debug)]
pub struct Checkpoint {
    /// The world without its large columns, series or narration.
    shell: Box<World>,
    /// The large columns, packed, XORed with the reference and deflated.
    packed: Vec<u8>,
    /// Samples in the series at the checkpoint.
    series_len: usize,
    /// Narration events at the checkpoint.
    events_len: usize,
    /// The series' revision at the checkpoint (see [`Series::revision`]).
    series_revision: u64,
}

impl World {
    /// Visits the large columns, in one fixed order (see [`Columns`]).
    fn columns(&mut self, io: &mut impl Columns) -> bool {
        let sn = &mut self.sn;
        io.col(&mut sn.clients)
            & io.fixed(&mut sn.max_clients)
            & io.col(&mut sn.queue)
            & io.fixed(&mut sn.capacity_per_s)
            & io.col(&mut sn.credit)
            & io.col(&mut sn.load_avg)
            & io.col(&mut sn.starved)
            & io.col(&mut sn.room)
            & io.col(&mut sn.serving)
            & io.fixed(&mut sn.guarded)
            & io.col(&mut sn.state)
            & io.fixed(&mut sn.kind)
            & io.fixed(&mut sn.buggy)
            & io.col(&mut sn.back_at)
            & io.fixed(&mut sn.x)
            & io.fixed(&mut sn.y)
            & io.fixed(&mut sn.neighbours)
            & io.fixed(&mut sn.max_by_region)
            & io.fixed(&mut sn.contacts_per_sn)
            & io.fixed(&mut self.buggy_peers)
            & self.wheel.columns(io)
            & self.caches.columns(io)
    }

    /// The parts of a world a saved one leaves out, rebuilt after its columns are read: the
    /// scheduled returns, and the load asked of each supernode in the last pass (which the pass
    /// writes for every supernode before it reads any: zeros until then).
    fn rebuild_scratch(&mut self) {
        self.sn.asked_per_s = vec![0.0; self.sn.len()];
        self.rebuild_returns();
    }

    /// The scheduled returns, from the columns: every supernode out of service with a time to
    /// come back (`back_at`), so a saved world need not hold them. The heap a run builds as it
    /// goes may also hold entries a later change made stale (a supernode restored by hand, or
    /// down again until another time); those are skipped when due, so the rebuilt heap brings
    /// back the same supernodes at the same ticks.
    fn rebuild_returns(&mut self) {
        let sn = &self.sn;
        // Zipped, not indexed: an image read from outside has not been checked yet.
        let due = (sn.back_at.iter().zip(&sn.state).enumerate())
            .filter(|(_, (&at, &state))| at > 0 && matches!(state, SnState::Crashed | SnState::ShutDown))
            .map(|(i, (&at, _))| Reverse((at, i as u32)))
            .collect::<Vec<_>>();
        self.returns = BinaryHeap::from(due);
    }

    /// Goes over everything but the large columns ([`World::columns`]), the parameters, the
    /// scenario's texts and scratch space, as [`Field`]s: the state a full image adds to a
    /// checkpoint's columns.
    fn small_fields(&mut self, io: &mut impl Columns) -> bool {
        let mut rng = self.rng.parts();
        let (c, cl, sn, st) = (&mut self.counts, &mut self.clients, &mut self.sn, &mut self.stats);
        let ok = fields!(io; self.seed, self.tick, rng, c.up, c.crashed, c.shut_down, c.mega_up, c.promoted_up,
            cl.online, cl.queued, cl.pool, cl.crashed, cl.away, cl.crashed_distinct,
            sn.neighbours_per, sn.peers, sn.regions, sn.per_client_per_s, sn.login_cost, sn.operator_hosted,
            self.buggy_up, self.megas_deployed, self.megas_released, self.repurposed_up, self.policy,
            self.last_sample, st.t_s, st.connect_attempts, st.logins, st.attached, st.timed_out,
            st.bootstrap_requests, st.sn_load_mean_per_s, st.supernodes_overloaded, st.availability_login,
            st.messaging_served, st.presence_served, st.contacts_served, st.web_served, st.offline_im_served,
            st.group_video, self.summary, self.lookup_success)
            && self.caches.small_fields(io)
            && self.wheel.small_fields(io)
            && self.services.fields(io)
            && self.milestones.fields(io)
            && self.series.fields(io)
            && events_field(io, &mut self.events);
        self.rng = SimRng::from_parts(rng);
        ok
    }

    /// The world in full as bytes: its large columns packed against `reference` (the run's image
    /// at time 0, [`World::checkpoint_image`]) as a checkpoint packs them, then everything else
    /// but the parameters and the scenario's texts, which a reader has already: it starts from
    /// the same run at time 0 ([`World::read_image`]). What `supernode-sim marks` ships with the
    /// page, so that a link far into a run need not compute its way there.
    pub fn write_image(&self, reference: &[u8]) -> Vec<u8> {
        // Written once and fetched over the network: the smallest deflate gives (a checkpoint
        // kept in memory is saved while the run goes on, so it takes the quickest).
        let packed = self.checkpoint_deflated(reference, 9).packed;
        let mut w = self.clone();
        let mut p = Packer::default();
        w.small_fields(&mut p);
        let small = miniz_oxide::deflate::compress_to_vec(&p.image, 6);
        let mut out = Vec::with_capacity(16 + packed.len() + small.len());
        out.extend_from_slice(&(packed.len() as u64).to_le_bytes());
        out.extend_from_slice(&packed);
        out.extend_from_slice(&small);
        out
    }

    /// The world `bytes` hold, as [`World::write_image`] wrote it from a world of the run that
    /// `start` belongs to (the same scenario, parameters and seed; at any time, since the image
    /// replaces every value but the parameters and the scenario's texts) and whose image at time
    /// 0 is `reference`. `None` if the bytes do not hold one (cut short, corrupt, or of another
    /// shape); a world of another run with the same shape is not detected here, which is why
    /// shipped images are filed under a key of their run (`marks::run_key`).
    pub fn read_image(start: &World, reference: &[u8], bytes: &[u8]) -> Option<World> {
        let n = usize::try_from(u64::from_le_bytes(bytes.get(..8)?.try_into().ok()?)).ok()?;
        let packed = bytes.get(8..8usize.checked_add(n)?)?;
        let small = bytes.get(8 + n..)?;
        let image = miniz_oxide::inflate::decompress_to_vec_with_limit(packed, MAX_IMAGE_BYTES).ok()?;
        let mut w = start.clone();
        let mut cols = Unpacker::new(&image, reference);
        if !w.columns(&mut cols) || cols.at != image.len() {
            return None;
        }
        w.rebuild_scratch();
        let small = miniz_oxide::inflate::decompress_to_vec_with_limit(small, MAX_IMAGE_BYTES).ok()?;
        let mut io = Unpacker::new(&small, &[]);
        if !w.small_fields(&mut io) || io.at != small.len() {
            return None;
        }
        w.prefix = Vec::new();
        Some(w)
    }

    /// The world's large columns as an image (see the module's documentation): what a
    /// checkpoint's reference is made of.
    pub fn checkpoint_image(&self) -> Vec<u8> {
        let mut w = self.clone();
        let mut p = Packer::default();
        w.columns(&mut p);
        p.image
    }

    /// Saves the world. `reference` is the image of the same run at time 0 (from
    /// [`World::checkpoint_image`]), or empty.
    pub fn checkpoint(&self, reference: &[u8]) -> Checkpoint {
        self.checkpoint_deflated(reference, 1)
    }

    /// [`World::checkpoint`], its image deflated at `level` (1, quickest, to 10, smallest).
    fn checkpoint_deflated(&self, reference: &[u8], level: u8) -> Checkpoint {
        let mut shell = self.clone();
        let series_len = shell.series.len();
        let series_revision = shell.series.revision();
        let events_len = shell.events.len();
        shell.series = Series::new();
        shell.events = Vec::new();
        // Scratch, filled afresh before each use.
        shell.prefix = Vec::new();
        // Rebuilt from the columns on restore.
        shell.returns = BinaryHeap::new();
        shell.sn.asked_per_s = Vec::new();
        let mut p = Packer { image: Vec::new(), reference };
        shell.columns(&mut p);
        let packed = miniz_oxide::deflate::compress_to_vec(&p.image, level);
        Checkpoint { shell: Box::new(shell), packed, series_len, events_len, series_revision }
    }
}

impl Checkpoint {
    /// Simulated time of the checkpoint, in seconds.
    pub fn time_s(&self) -> f64 {
        self.shell.time_s()
    }

    /// Bytes the checkpoint holds: its packed image, and the small parts kept as they are
    /// (counted as the world's own size; the few short vectors left in it are not counted).
    pub fn bytes(&self) -> usize {
        self.packed.len() + std::mem::size_of::<World>()
    }

    /// Samples in the series at the checkpoint.
    pub fn series_len(&self) -> usize {
        self.series_len
    }

    /// Narration events at the checkpoint.
    pub fn events_len(&self) -> usize {
        self.events_len
    }

    /// The series' revision at the checkpoint: the series to restore it with must have the same.
    pub fn series_revision(&self) -> u64 {
        self.series_revision
    }

    /// The world as it was, its series and narration taken from `later_series` and
    /// `later_events`, those of the same run (branch) at this checkpoint's time or after it, and
    /// of the same series revision. `reference` is the image the
    /// checkpoint was made with. `None` if `later` is too short or the image does not unpack
    /// (which would be a bug).
    pub fn restore(&self, reference: &[u8], later_series: &Series, later_events: &[Event]) -> Option<World> {
        if later_series.len() < self.series_len || later_events.len() < self.events_len || later_series.revision() != self.series_revision {
            return None;
        }
        let image = miniz_oxide::inflate::decompress_to_vec(&self.packed).ok()?;
        let mut w = (*self.shell).clone();
        if !w.columns(&mut Unpacker::new(&image, reference)) {
            return None;
        }
        w.rebuild_scratch();
        w.series = later_series.prefix(self.series_len);
        w.events = later_events[..self.events_len].to_vec();
        Some(w)
    }
}

/// Flattens a table of rows into one column for `io`, and back: rows of `width` entries.
pub(crate) fn table<T: Plain, const W: usize>(io: &mut impl Columns, rows: &mut Vec<[T; W]>) -> bool {
    let mut flat: Vec<T> = rows.iter().flatten().copied().collect();
    let ok = io.col(&mut flat);
    *rows = flat.chunks_exact(W).map(|c| std::array::from_fn(|k| c[k])).collect();
    ok && flat.len().is_multiple_of(W)
}

/// As [`table`], for rows held as vectors of `width` entries.
pub(crate) fn table_vecs<T: Plain>(io: &mut impl Columns, rows: &mut Vec<Vec<T>>, width: usize) -> bool {
    let mut flat: Vec<T> = rows.iter().flatten().copied().collect();
    let ok = io.col(&mut flat);
    if width == 0 {
        return ok && flat.is_empty();
    }
    *rows = flat.chunks_exact(width).map(|c| c.to_vec()).collect();
    ok && flat.len().is_multiple_of(width)
}
