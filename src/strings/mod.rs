//! Every sentence a person reads, in one place, so the console can speak Swahili as well as
//! English. Grouped by the face that shows them; no other module writes prose for people.

pub mod cli;
pub mod console;
pub mod domain;
pub mod engine;
mod msg;
mod msg_en;

pub use msg::{Lang, Msg};
pub use msg_en::span;
