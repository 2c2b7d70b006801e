//! Payment references: generated per provider rules, unique across restarts and tills, and easy
//! to read aloud over a counter (no 0/O, 1/I/L look-alikes).

use crate::provider_kind::ProviderKind;
use rand::Rng;
use std::fmt;

/// Letters and digits a cashier can read aloud without confusion.
pub const ALPHABET: &[u8] = b"23456789ABCDEFGHJKMNPQRSTUVWXYZ";

/// Random characters in a generated reference.
const RANDOM_CHARS: usize = 7;

/// A reference valid for its provider.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Reference(String);

/// Why a typed reference was refused. `Display` gives the cashier's message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReferenceError {
    Empty,
    ClickPesaChars,
    CeptaChars,
    TooLong(usize),
    TooShort(usize),
}

impl Reference {
    /// Validates a typed reference with the provider's rules (surrounding spaces trimmed).
    pub fn parse(text: &str, provider: ProviderKind) -> Result<Reference, ReferenceError> {
        let t = text.trim();
        if t.is_empty() {
            return Err(ReferenceError::Empty);
        }
        let (min, max) = length_bounds(provider);
        match provider {
            ProviderKind::ClickPesa => {
                if !t.bytes().all(|b| b.is_ascii_alphanumeric()) {
                    return Err(ReferenceError::ClickPesaChars);
                }
            }
            ProviderKind::Cepta => {
                if !t
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
                {
                    return Err(ReferenceError::CeptaChars);
                }
            }
        }
        let n = t.len();
        if n < min {
            return Err(ReferenceError::TooShort(min));
        }
        if n > max {
            return Err(ReferenceError::TooLong(max));
        }
        Ok(Reference(t.to_string()))
    }

    /// A fresh reference: a prefix, the time in seconds (so references from different days and
    /// restarts differ) and seven random characters (so two tills in the same second differ:
    /// 31^7, about 2.7e10 choices): `LP7K3MQ9XR4TZAB` for ClickPesa, `LP-7K3MQ9-XR4TZAB` for
    /// Cepta (groups help reading aloud).
    pub fn generate(provider: ProviderKind, unix_seconds: i64) -> Reference {
        let mut rng = rand::rng();
        let time = encode(unix_seconds.max(0) as u64, 6);
        let random: String = (0..RANDOM_CHARS)
            .map(|_| ALPHABET[rng.random_range(0..ALPHABET.len())] as char)
            .collect();
        Reference(match provider {
            ProviderKind::ClickPesa => format!("LP{time}{random}"),
            ProviderKind::Cepta => format!("LP-{time}-{random}"),
        })
    }

    /// Trusted construction from storage (already validated when written).
    pub fn from_stored(text: String) -> Reference {
        Reference(text)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Groups of four with spaces, for reading aloud: `LP7K 3MQ9 XR4T Z`.
    pub fn spoken(&self) -> String {
        // Each part between dashes (or underscores) in groups of four; the dashes stay, as
        // the customer or the provider's dashboard needs them.
        let mut out = String::new();
        for part in self.0.split_inclusive(['-', '_']) {
            let (body, sep) = match part.char_indices().last() {
                Some((i, c)) if c == '-' || c == '_' => (&part[..i], Some(c)),
                _ => (part, None),
            };
            let chars: Vec<char> = body.chars().collect();
            let groups: Vec<String> = chars.chunks(4).map(|c| c.iter().collect()).collect();
            if !out.is_empty() && !body.is_empty() {
                out.push(' ');
            }
            out.push_str(&groups.join(" "));
            if let Some(c) = sep {
                out.push(' ');
                out.push(c);
            }
        }
        out
    }
}

fn length_bounds(provider: ProviderKind) -> (usize, usize) {
    match provider {
        ProviderKind::ClickPesa => (1, 20),
        ProviderKind::Cepta => (5, 50),
    }
}

/// Fixed-width big-endian encoding in [`ALPHABET`]; 31^6 seconds is about 28 years.
fn encode(mut n: u64, width: usize) -> String {
    let base = ALPHABET.len() as u64;
    let mut out = vec![ALPHABET[0]; width];
    for slot in out.iter_mut().rev() {
        *slot = ALPHABET[(n % base) as usize];
        n /= base;
    }
    String::from_utf8(out).unwrap_or_default()
}

impl fmt::Display for Reference {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn generated_references_follow_each_providers_rules() {
        for p in [ProviderKind::ClickPesa, ProviderKind::Cepta] {
            for _ in 0..200 {
                let r = Reference::generate(p, 1_790_000_000);
                assert_eq!(Reference::parse(r.as_str(), p), Ok(r.clone()));
                assert!(!r.as_str()[2..].contains(['0', 'O', '1', 'I', 'L']));
            }
        }
    }

    #[test]
    fn generated_references_do_not_repeat() {
        // 2,000 in the same second: a repeat has a chance of about 7e-5 (birthday bound).
        let set: HashSet<_> = (0..2000)
            .map(|_| Reference::generate(ProviderKind::ClickPesa, 1_790_000_000))
            .collect();
        assert_eq!(set.len(), 2000);
        let a = Reference::generate(ProviderKind::Cepta, 1_790_000_000);
        let b = Reference::generate(ProviderKind::Cepta, 1_790_000_001);
        assert_ne!(a.as_str()[3..9], b.as_str()[3..9]);
    }

    #[test]
    fn typed_references_are_validated() {
        use ReferenceError::*;
        let cp = |t| Reference::parse(t, ProviderKind::ClickPesa);
        let ce = |t| Reference::parse(t, ProviderKind::Cepta);
        assert!(cp("ORDER123").is_ok());
        assert_eq!(cp("ORD-1"), Err(ClickPesaChars));
        assert_eq!(cp(""), Err(Empty));
        assert_eq!(cp("A23456789012345678901"), Err(TooLong(20)));
        assert!(ce("TXN-MPESA_001").is_ok());
        assert_eq!(ce("TXN 1"), Err(CeptaChars));
        assert_eq!(ce("ab"), Err(TooShort(5)));
        assert_eq!(ce(&"a".repeat(51)), Err(TooLong(50)));
    }

    #[test]
    fn spoken_form_groups_by_four() {
        let r = Reference::from_stored("LP-7K3MQ9-XR4TZ".into());
        assert_eq!(r.spoken(), "LP - 7K3M Q9 - XR4T Z");
        let r = Reference::from_stored("LP7K3MQ9XR4TZ".into());
        assert_eq!(r.spoken(), "LP7K 3MQ9 XR4T Z");
    }
}
