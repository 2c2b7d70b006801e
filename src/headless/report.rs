//! The outcome line of the headless commands: one human line, or one JSON object.

use crate::cli::exit;
use crate::payment::{Payment, Status};
use serde::Serialize;

/// The JSON contract: `{"provider", "reference", "phone", "amount", "currency", "status",
/// "message"}`; `status` is one of paid, failed, pending, unknown, attention, dry-run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Outcome {
    pub provider: String,
    pub reference: String,
    pub phone: String,
    pub amount: String,
    pub currency: String,
    pub status: String,
    pub message: String,
}

impl Outcome {
    pub fn of(p: &Payment) -> Outcome {
        Outcome {
            provider: p.provider.id().into(),
            reference: p.reference.to_string(),
            phone: p.phone.clone(),
            amount: p.amount.wire_decimal(),
            currency: p.amount.currency().code().into(),
            status: p.status.public_word().into(),
            message: p.words().to_string(),
        }
    }

    pub fn json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    /// `paid  clickpesa  LP…  255712345678  TZS 1000  Paid.`
    pub fn human(&self) -> String {
        format!(
            "{:<9} {:<9} {:<16} {} {} {}  {}",
            self.status,
            self.provider,
            self.reference,
            self.phone,
            self.currency,
            self.amount,
            self.message
        )
    }

    pub fn print(&self, json: bool) {
        if json {
            println!("{}", self.json());
        } else {
            println!("{}", self.human());
        }
    }
}

/// Exit code for a payment's status when the wait ended.
pub fn exit_code(status: Status) -> u8 {
    match status {
        Status::Paid => exit::PAID,
        Status::Failed => exit::FAILED,
        _ => exit::PENDING,
    }
}
