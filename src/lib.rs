//! supernode-sim: a simulator of a two-tier peer-to-peer overlay (clients attached to
//! supernodes) that shows how such a network falls over and comes back, replaying Skype's
//! December 2010 and September 2015 outages.
//!
//! The [`model`] is pure Rust and deterministic; the native CLI (`src/bin`) and the WebAssembly
//! page glue (`web`, wasm32 only) are thin layers over it. [`render`] draws a frame as pixels.

pub mod actions;
pub mod compare;
pub mod controls;
pub mod follow;
pub mod history;
pub mod inputs;
pub mod marks;
pub mod model;
pub mod png;
pub mod posters;
pub mod render;
pub mod run;
pub mod scenarios;
#[cfg(target_arch = "wasm32")]
pub mod web;

pub use model::{Params, World};
