//! The by-state view: every supernode leaves its place on the map for a slot in its state's
//! column (serving, overloaded, failsafe, crashed, mega), filled from the bottom at one spacing
//! for all, so the columns' heights compare as the counts do: a bar chart made of the supernodes.

use super::DrawnState;

/// The groups, left to right.
pub const ORDER: [DrawnState; 5] = [DrawnState::Up, DrawnState::Overloaded, DrawnState::ShutDown, DrawnState::Crashed, DrawnState::Mega];

/// Top of the columns' area in the unit square (the labels sit above it).
const TOP: f32 = 0.14;
/// Bottom of the columns' area.
const BOTTOM: f32 = 0.98;
/// Space between columns.
const GAP: f32 = 0.03;

/// One group's column in the unit square, and how many supernodes stand in it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Column {
    /// The state.
    pub state: DrawnState,
    /// Supernodes in it.
    pub count: u32,
    /// Left edge.
    pub x0: f32,
    /// Width.
    pub width: f32,
    /// Slots per row.
    pub per_row: u32,
}

/// The layout: one column per state, with the slot spacing all share.
#[derive(Clone, Debug, PartialEq)]
pub struct Layout {
    /// Columns in [`ORDER`].
    pub columns: [Column; 5],
    /// Distance between slots, vertically.
    pub row_step: f32,
}

impl Layout {
    /// The layout for `counts` (in [`ORDER`]); `total` is how many could stand in one column (all
    /// the supernodes drawn), so that any one state's column fits if every supernode is in it.
    pub fn new(counts: [u32; 5], total: u32) -> Layout {
        let width = (1.0 - 2.0 * GAP - 4.0 * GAP) / 5.0;
        let height = BOTTOM - TOP;
        let total = total.max(1) as f32;
        // Slots of side d fill width × height with `total` of them.
        let d = (width * height / total).sqrt();
        let per_row = ((width / d).floor() as u32).max(1);
        let rows = (total / per_row as f32).ceil().max(1.0);
        let row_step = height / rows;
        let mut columns = [Column { state: DrawnState::Up, count: 0, x0: 0.0, width, per_row }; 5];
        for (k, c) in columns.iter_mut().enumerate() {
            c.state = ORDER[k];
            c.count = counts[k];
            c.x0 = GAP + k as f32 * (width + GAP);
        }
        Layout { columns, row_step }
    }

    /// Where slot `slot` of group `g` stands (unit square): rows fill from the bottom, left to
    /// right.
    #[inline]
    pub fn slot(&self, g: usize, slot: u32) -> (f32, f32) {
        let c = &self.columns[g];
        let col = slot % c.per_row;
        let row = slot / c.per_row;
        let dx = c.width / c.per_row as f32;
        (c.x0 + (col as f32 + 0.5) * dx, BOTTOM - (row as f32 + 0.5) * self.row_step)
    }

    /// Where group `g`'s label goes (unit square): just above its column, so it rises and falls
    /// with the count.
    pub fn label_at(&self, g: usize) -> (f32, f32) {
        let c = &self.columns[g];
        let rows = c.count.div_ceil(c.per_row.max(1)) as f32;
        (c.x0 + c.width / 2.0, (BOTTOM - rows * self.row_step - 0.012).max(TOP - 0.01))
    }
}

/// Index of a state in [`ORDER`].
#[inline]
pub fn group_of(s: DrawnState) -> usize {
    match s {
        DrawnState::Up => 0,
        DrawnState::Overloaded => 1,
        DrawnState::ShutDown => 2,
        DrawnState::Crashed => 3,
        DrawnState::Mega => 4,
    }
}

/// A fixed number in `[0, 1)` for supernode `i`, so that the glide is staggered the same way
/// every time.
#[inline]
pub fn stagger(i: usize) -> f32 {
    let mut z = (i as u64).wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    ((z >> 40) as f32) / (1u64 << 24) as f32
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn heights_compare_as_counts_and_every_slot_fits() {
        let total = 48_000;
        let l = Layout::new([30_000, 10_000, 5_000, 3_000, 0], total);
        // The last slot of a column holding every supernode is still inside the area.
        let (_, y) = l.slot(0, total - 1);
        assert!(y >= TOP - 1e-4, "top slot at {y}");
        // A column's height is proportional to its count.
        let top = |g: usize, n: u32| BOTTOM - l.slot(g, n - 1).1;
        let r = top(0, 30_000) / top(2, 5_000);
        assert!((r - 6.0).abs() < 0.2, "height ratio {r}");
        // Slots stay in their column.
        for g in 0..5 {
            for s in [0, 1, 17, 999] {
                let (x, _) = l.slot(g, s);
                let c = &l.columns[g];
                assert!(x > c.x0 && x < c.x0 + c.width);
            }
        }
    }

    #[test]
    fn stagger_is_spread() {
        let mean = (0..10_000).map(stagger).sum::<f32>() / 10_000.0;
        assert!((mean - 0.5).abs() < 0.02);
        assert!((0..10_000).map(stagger).all(|s| (0.0..1.0).contains(&s)));
    }
}
