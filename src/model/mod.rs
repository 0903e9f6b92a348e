//! The simulation model: pure Rust, no web crates, no clocks, no I/O. Seeded randomness only.

pub mod metrics;
pub mod narration;
pub mod params;
pub mod retry;
pub mod rng;
pub mod supernode;
pub mod world;

pub use metrics::{Sample, Series, Summary, COLUMNS};
pub use narration::Event;
pub use params::{ParamError, Params, RetryPolicy, TriggerKind};
pub use supernode::{SnKind, SnState, Supernodes};
pub use world::World;
