//! pawaPay's sandbox numbers (providers.md: Kenya's documented, Tanzania's seen), which the
//! simulator answers as pawaPay's sandbox does, over the last-digit rule.

use crate::sim::behaviour::{Behaviour, Outcome};

/// The numbers' common stems: the last three digits say what happens.
const KENYA: &str = "254703456";
const TANZANIA: [&str; 4] = ["255683456", "255763456", "255713456", "255623456"];
/// HaloPesa's stem, whose `…029` is a payer not found.
const HALOTEL: &str = "255623456";

/// What a sandbox number's customer does, and the failure code pawaPay gives; `None` for
/// any other number.
pub fn outcome(phone: &str) -> Option<(Outcome, Option<&'static str>)> {
    let (stem, tail) = (phone.get(..9)?, phone.get(9..)?);
    let paid = (Outcome::Pays, None);
    let pending = (Outcome::Silent, None);
    let failed = |code| (Outcome::Cancels, Some(code));
    if stem == KENYA {
        return Some(match tail {
            "789" => paid,
            "019" => failed("PAYER_LIMIT_REACHED"),
            "039" => failed("PAYMENT_NOT_APPROVED"),
            "049" => (Outcome::Insufficient, Some("INSUFFICIENT_BALANCE")),
            "059" => failed("TRANSACTION_ALREADY_IN_PROCESS"),
            "069" => failed("UNSPECIFIED_FAILURE"),
            "129" => pending,
            _ => return None,
        });
    }
    if TANZANIA.contains(&stem) {
        return Some(match tail {
            "789" => paid,
            "129" => pending,
            "039" => failed("PAYMENT_NOT_APPROVED"),
            "029" if stem == HALOTEL => failed("PAYER_NOT_FOUND"),
            _ => return None,
        });
    }
    None
}

/// The customer's behaviour for a sandbox number (its deposit always answers).
pub fn behaviour(phone: &str) -> Option<Behaviour> {
    outcome(phone).map(|(outcome, _)| Behaviour {
        outcome,
        initiate_fails: false,
    })
}

/// The failure code of a failed deposit to `phone`: the sandbox's, else the last digit's.
pub fn failure_code(phone: &str, outcome: Outcome) -> &'static str {
    if let Some((_, Some(code))) = self::outcome(phone) {
        return code;
    }
    match outcome {
        Outcome::Insufficient => "INSUFFICIENT_BALANCE",
        _ => "PAYMENT_NOT_APPROVED",
    }
}

/// pawaPay's words for a failure code (as its sandbox gives them).
pub fn failure_message(code: &str) -> &'static str {
    match code {
        "PAYMENT_NOT_APPROVED" => "The customer did not approve the payment in time",
        "INSUFFICIENT_BALANCE" => "The customer does not have enough funds",
        "TRANSACTION_ALREADY_IN_PROCESS" => "A transaction is already in process for this customer",
        "PAYER_NOT_FOUND" => "The payer is not registered with the provider",
        "PAYER_LIMIT_REACHED" => "The payer has reached a transaction limit",
        _ => "The payment failed for an unspecified reason",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_sandbox_numbers_answer_as_pawapays_sandbox() {
        assert_eq!(outcome("254703456789"), Some((Outcome::Pays, None)));
        assert_eq!(outcome("254703456129"), Some((Outcome::Silent, None)));
        assert_eq!(
            failure_code("254703456019", Outcome::Cancels),
            "PAYER_LIMIT_REACHED"
        );
        assert_eq!(
            failure_code("255623456029", Outcome::Cancels),
            "PAYER_NOT_FOUND"
        );
        assert_eq!(outcome("255713456029"), None);
        assert_eq!(outcome("255712345678"), None);
        assert_eq!(
            failure_code("255712345676", Outcome::Cancels),
            "PAYMENT_NOT_APPROVED"
        );
    }
}
