//! The headless commands: `push`, `sync` and `check`, for scripts (exact output and exit-code contract
//! in the README).

pub mod check;
pub mod csv;
pub mod day_report;
pub mod export;
pub mod history;
pub mod operators;
pub mod progress;
pub mod push;
pub mod receipt;
pub mod reconcile;
pub mod report;
pub mod sync;
