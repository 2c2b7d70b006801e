//! The headless commands: `push` and `sync`, for scripts (exact output and exit-code contract
//! in the README).

pub mod push;
pub mod report;
pub mod sync;
