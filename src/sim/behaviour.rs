//! The simulated customer, chosen by the phone number's last digit, and the details the
//! simulator invents for them (name, wallet, provider messages).

/// What the customer does with the prompt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Enters the PIN: paid after the settle time.
    Pays,
    /// Presses cancel.
    Cancels,
    /// Has too little money in the wallet.
    Insufficient,
    /// Never answers: pending forever.
    Silent,
}

/// The customer's behaviour plus whether the initiate call itself fails.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Behaviour {
    pub outcome: Outcome,
    /// The push is created (and later paid) but the initiate call answers an error (each
    /// provider's own: a 500, a 408): the client must find out by querying.
    pub initiate_fails: bool,
}

/// The behaviour for a number's last digit: 0–5 pay, 6 cancels, 7 insufficient balance,
/// 8 never answers, 9 pays although the initiate call fails.
pub fn for_digit(digit: u8) -> Behaviour {
    let (outcome, initiate_fails) = match digit {
        6 => (Outcome::Cancels, false),
        7 => (Outcome::Insufficient, false),
        8 => (Outcome::Silent, false),
        9 => (Outcome::Pays, true),
        _ => (Outcome::Pays, false),
    };
    Behaviour {
        outcome,
        initiate_fails,
    }
}

/// The behaviour for a normalized number (its last digit).
pub fn for_phone(digits: &str) -> Behaviour {
    let last = digits
        .bytes()
        .last()
        .filter(u8::is_ascii_digit)
        .unwrap_or(b'0');
    for_digit(last - b'0')
}

/// Why a payment failed, in the provider's words.
pub fn failure_message(outcome: Outcome) -> Option<&'static str> {
    match outcome {
        Outcome::Cancels => Some("Request cancelled by user"),
        Outcome::Insufficient => Some("Insufficient balance"),
        Outcome::Pays | Outcome::Silent => None,
    }
}

const TZ_FIRST: [&str; 10] = [
    "Neema", "Juma", "Amina", "Baraka", "Rehema", "Hamisi", "Zawadi", "Salim", "Upendo", "Saidi",
];
const TZ_LAST: [&str; 10] = [
    "Mushi", "Mwakyusa", "Kimaro", "Massawe", "Mollel", "Swai", "Lyimo", "Mrema", "Shayo", "Minja",
];
const KE_FIRST: [&str; 10] = [
    "Wanjiku", "Otieno", "Achieng", "Kamau", "Njeri", "Mwangi", "Akinyi", "Kiprop", "Wambui",
    "Ochieng",
];
const KE_LAST: [&str; 10] = [
    "Kamau", "Odhiambo", "Mutua", "Kiptoo", "Wafula", "Njoroge", "Omondi", "Chebet", "Maina",
    "Wekesa",
];

/// A plausible registered name, always the same for the same number.
pub fn customer_name(digits: &str) -> String {
    let hash = digits
        .bytes()
        .fold(7u32, |h, b| h.wrapping_mul(31).wrapping_add(u32::from(b)));
    let (first, last) = if digits.starts_with("254") {
        (&KE_FIRST, &KE_LAST)
    } else {
        (&TZ_FIRST, &TZ_LAST)
    };
    let f = first[(hash % 10) as usize];
    let l = last[((hash / 10) % 10) as usize];
    format!("{f} {l}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digits_choose_the_customer() {
        for d in 0..=5 {
            assert_eq!(for_digit(d).outcome, Outcome::Pays);
            assert!(!for_digit(d).initiate_fails);
        }
        assert_eq!(for_phone("255712345676").outcome, Outcome::Cancels);
        assert_eq!(for_phone("255712345677").outcome, Outcome::Insufficient);
        assert_eq!(for_phone("255712345678").outcome, Outcome::Silent);
        assert_eq!(for_phone("255712345679"), for_digit(9));
        assert!(for_digit(9).initiate_fails);
    }

    #[test]
    fn names_are_stable_and_local() {
        assert_eq!(customer_name("255712345678"), customer_name("255712345678"));
        let ke = customer_name("254712345678");
        assert!(KE_FIRST.iter().any(|f| ke.starts_with(f)), "{ke}");
    }
}
