//! An operator's largest amount per payment: one number of whole units for whichever currency
//! they push in (`500000`), or an exact amount per currency (`TZS 500,000, KES 5,000.50`), since
//! 500,000 shillings of Tanzania and of Kenya are not the same money.

use super::{Currency, Money};

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Ceiling {
    /// Whole units, in any currency without a limit of its own.
    pub any: Option<u64>,
    /// Exact limits, one per currency.
    pub per: Vec<Money>,
}

impl Ceiling {
    /// No limit at all.
    pub fn is_none(&self) -> bool {
        self.any.is_none() && self.per.is_empty()
    }

    /// The limit for payments in this currency, if any.
    pub fn for_currency(&self, c: Currency) -> Option<Money> {
        self.per
            .iter()
            .copied()
            .find(|m| m.currency() == c)
            .or_else(|| {
                self.any.map(|n| {
                    let whole = i64::try_from(n).unwrap_or(i64::MAX);
                    Money::from_minor(whole.saturating_mul(c.scale()), c)
                })
            })
    }

    /// `500000`, `500,000`, or `TZS 500,000, KES 5,000.50` (each currency once).
    pub fn parse(text: &str) -> Option<Ceiling> {
        let text = text.trim();
        if !text.chars().any(|c| c.is_ascii_alphabetic()) {
            let n: u64 = text.replace([',', '_', ' '], "").parse().ok()?;
            return (n > 0).then_some(Ceiling {
                any: Some(n),
                per: Vec::new(),
            });
        }
        let mut per: Vec<Money> = Vec::new();
        let mut current: Option<(Currency, String)> = None;
        let finish = |entry: Option<(Currency, String)>, per: &mut Vec<Money>| -> Option<()> {
            let (c, amount) = entry?;
            let m = Money::parse(amount.trim().trim_end_matches(','), c).ok()?;
            if per.iter().any(|p| p.currency() == c) {
                return None;
            }
            per.push(m);
            Some(())
        };
        for word in text.split_whitespace() {
            let code = word.trim_end_matches(',').to_ascii_uppercase();
            match Currency::from_code(&code) {
                Some(c) => {
                    if current.is_some() {
                        finish(current.take(), &mut per)?;
                    }
                    current = Some((c, String::new()));
                }
                None => current.as_mut()?.1.push_str(word),
            }
        }
        finish(current, &mut per)?;
        Some(Ceiling { any: None, per })
    }

    /// As it would be written back: `500,000` or `TZS 500,000, KES 5,000.50`.
    pub fn describe(&self) -> String {
        match self.any {
            Some(n) if self.per.is_empty() => {
                super::group_thousands(i64::try_from(n).unwrap_or(i64::MAX))
            }
            _ => self
                .per
                .iter()
                .map(Money::to_string)
                .collect::<Vec<_>>()
                .join(", "),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_number_or_one_amount_per_currency() {
        let one = Ceiling::parse("500,000").expect("one");
        assert_eq!(
            one.for_currency(Currency::Kes).map(|m| m.minor()),
            Some(50_000_000)
        );
        let both = Ceiling::parse("TZS 500,000, KES 5,000.50").expect("both");
        assert_eq!(
            both.for_currency(Currency::Tzs).map(|m| m.to_string()),
            Some("TZS 500,000".into())
        );
        assert_eq!(
            both.for_currency(Currency::Kes).map(|m| m.minor()),
            Some(500_050)
        );
        assert_eq!(both.describe(), "TZS 500,000, KES 5,000.50");
        let tzs_only = Ceiling::parse("tzs 1000").expect("tzs");
        assert_eq!(tzs_only.for_currency(Currency::Kes), None);
        for bad in [
            "0",
            "",
            "KES",
            "TZS 1000, TZS 2000",
            "USD 5",
            "KES 1.234",
            "1000 TZS",
        ] {
            assert_eq!(Ceiling::parse(bad), None, "{bad:?}");
        }
    }
}
