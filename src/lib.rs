//! profdiff reads pprof `profile.proto` files and prints `top` tables that equal
//! `go tool pprof`'s, natively and in the browser.
//!
//! The pipeline, one module per stage:
//! bytes → [`decode`] → [`profile::Profile`] → [`top::prepare`] ([`merge`], [`names`], [`prune`])
//! → [`filter`] → [`graph`] → [`top::TopTable`] → [`report`] (text today).
//! Everything after decode is pure and deterministic; only decode validates input.

pub mod calltree;
pub mod compare;
pub mod decode;
pub mod encode;
pub mod error;
pub mod filter;
pub mod flame;
mod fxhash;
pub mod gate;
pub mod graph;
pub mod memstats;
pub mod merge;
pub mod names;
pub mod options;
mod parallel;
pub mod profile;
pub mod proto;
pub mod prune;
pub mod report;
pub mod summary;
pub mod top;
pub mod trend;
pub mod units;
pub mod warmup;
#[cfg(target_arch = "wasm32")]
mod wasm;
pub mod workspace;

pub use decode::{GoText, Limits, decode};
pub use error::DecodeError;
pub use profile::Profile;
