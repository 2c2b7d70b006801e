//! lipa — the engine behind the cashier console for mobile-money push payments.
//!
//! Everything lives in this library so the console, the headless commands, the simulator and
//! the tests share one engine; `main.rs` only parses the command line and picks a face.

#[macro_use]
pub mod lang;
#[macro_use]
pub mod say;

pub mod cli;
pub mod config;
pub mod console;
pub mod data_dir;
pub mod doctor;
pub mod email;
pub mod engine;
pub mod headless;
pub mod hooks;
pub mod journal;
pub mod launch;
pub mod logging;
pub mod money;
pub mod msg;
pub mod operator;
pub mod operators;
pub mod outcome;
pub mod payment;
pub mod phone;
pub mod provider;
pub mod provider_kind;
pub mod receipt;
pub mod reconcile;
pub mod reference;
pub mod report;
pub mod secret;
pub mod serve;
pub mod setup;
pub mod signals;
pub mod sim;
pub mod strings;
pub mod text;
pub mod till;
pub mod tracker;
