//! Amounts of money: integer minor units, exact parsing and formatting, never floats.

mod ceiling;

pub use ceiling::Ceiling;

use serde::{Deserialize, Serialize};
use std::fmt;

/// The currencies lipa handles. Each knows how many decimals a cashier may type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Currency {
    /// Tanzanian shilling: whole shillings only.
    #[serde(rename = "TZS")]
    Tzs,
    /// Kenyan shilling: up to two decimals, at least 1.
    #[serde(rename = "KES")]
    Kes,
}

impl Currency {
    /// ISO code as it travels on the wire.
    pub fn code(self) -> &'static str {
        match self {
            Currency::Tzs => "TZS",
            Currency::Kes => "KES",
        }
    }

    /// Parses an ISO code (case-insensitive).
    pub fn from_code(code: &str) -> Option<Currency> {
        match code.trim().to_ascii_uppercase().as_str() {
            "TZS" => Some(Currency::Tzs),
            "KES" => Some(Currency::Kes),
            _ => None,
        }
    }

    /// Number of decimals a cashier may type (and the exponent of the minor unit we store).
    pub const fn decimals(self) -> u32 {
        match self {
            Currency::Tzs => 0,
            Currency::Kes => 2,
        }
    }

    /// Smallest amount accepted, in minor units.
    pub fn minimum_minor(self) -> i64 {
        match self {
            Currency::Tzs => 1,
            Currency::Kes => 100,
        }
    }

    pub fn scale(self) -> i64 {
        10_i64.pow(self.decimals())
    }
}

impl fmt::Display for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// Largest amount lipa accepts in one push, in major units: far above any wallet limit, far
/// below any integer overflow.
pub const MAX_MAJOR: i64 = 100_000_000;

/// An amount in integer minor units of a currency.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Money {
    minor: i64,
    currency: Currency,
}

/// Why a typed amount was refused. `Display` gives the cashier's message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AmountError {
    Empty,
    NotANumber,
    Negative,
    Zero,
    TooManyDecimals(Currency),
    BelowMinimum(Currency),
    /// More than one payment may be: the most it may be.
    TooLarge(Money),
    /// Less than the provider takes for one payment: the least it may be.
    TooSmall(Money),
    BadGrouping,
    /// Decimals in a currency with cents, where the provider takes whole units only.
    WholeUnits(Currency),
    /// A dot where a thousands separator may have been meant (`10.000`): the readings, as
    /// the cashier would type them unambiguously.
    DotReadings {
        typed: String,
        /// `10,000`.
        thousands: String,
        /// `10.00`, when the amount may have cents and the digits allow it.
        decimal: Option<String>,
        currency: Currency,
        /// Whole units only: no cents can have been meant.
        whole: bool,
    },
}

/// What amounts a provider takes: its currency, how many of the currency's decimals a cashier
/// may type, and the most for one payment. The smallest is one whole unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AmountRule {
    pub currency: Currency,
    /// At most the currency's own decimals (0: whole units only).
    pub decimals: u32,
    /// Most for one payment, in whole units.
    pub max_major: i64,
    /// Fewest for one payment, in whole units (0: the currency's own smallest amount).
    pub min_major: i64,
}

impl AmountRule {
    /// Everything the currency allows: its decimals, up to [`MAX_MAJOR`].
    pub const fn of(currency: Currency) -> AmountRule {
        AmountRule {
            currency,
            decimals: currency.decimals(),
            max_major: MAX_MAJOR,
            min_major: 0,
        }
    }

    /// Whole units only, up to `max_major`.
    pub const fn whole(currency: Currency, max_major: i64) -> AmountRule {
        AmountRule {
            currency,
            decimals: 0,
            max_major,
            min_major: 0,
        }
    }

    /// The same, taking no less than `min_major` whole units a payment.
    pub const fn at_least(self, min_major: i64) -> AmountRule {
        AmountRule { min_major, ..self }
    }

    /// Parses what a cashier typed, as [`Money::parse`] describes, by this rule.
    pub fn parse(&self, text: &str) -> Result<Money, AmountError> {
        Money::parse_by(text, self)
    }
}

impl Money {
    /// Builds an amount from minor units (no validation beyond sign).
    pub fn from_minor(minor: i64, currency: Currency) -> Money {
        Money { minor, currency }
    }

    /// Amount in minor units.
    pub fn minor(self) -> i64 {
        self.minor
    }

    /// Currency of the amount.
    pub fn currency(self) -> Currency {
        self.currency
    }

    /// Parses what a cashier typed: `1500`, `1,500`, ` 1 500 `, `1,500.50` (KES). Refuses zero,
    /// negatives, letters, a dot in a currency of whole units, more decimal digits than the
    /// currency has (trailing zeros too: `10.000` is more likely ten thousand than ten, and is
    /// refused with both readings), and ambiguous grouping like `1,50`.
    pub fn parse(text: &str, currency: Currency) -> Result<Money, AmountError> {
        Money::parse_by(text, &AmountRule::of(currency))
    }

    fn parse_by(text: &str, rule: &AmountRule) -> Result<Money, AmountError> {
        let currency = rule.currency;
        let text = text.trim();
        if text.is_empty() {
            return Err(AmountError::Empty);
        }
        if text.starts_with('-') {
            return Err(AmountError::Negative);
        }
        let text = text.strip_prefix(currency.code()).unwrap_or(text).trim();
        let text = text.strip_prefix('+').unwrap_or(text);
        if let Some(e) = dot_readings(text, currency, rule.decimals) {
            return Err(e);
        }
        let (int_part, frac_part) = match text.split_once('.') {
            Some((i, f)) => (i, Some(f)),
            None => (text, None),
        };
        let digits = ungroup(int_part)?;
        let frac = match frac_part {
            Some(f) if f.is_empty() || !f.bytes().all(|b| b.is_ascii_digit()) => {
                return Err(AmountError::NotANumber);
            }
            // A dot in a currency of whole units is refused, even `.00`: a cashier used to
            // a dot between thousands would be charging a thousandth.
            Some(_) if currency.decimals() == 0 => {
                return Err(AmountError::TooManyDecimals(currency));
            }
            Some(_) if rule.decimals == 0 => return Err(AmountError::WholeUnits(currency)),
            Some(f) if f.len() > rule.decimals as usize => {
                return Err(AmountError::TooManyDecimals(currency));
            }
            Some(f) => f.trim_end_matches('0'),
            None => "",
        };
        let digits = digits.trim_start_matches('0');
        let most = Money::from_minor(rule.max_major.saturating_mul(currency.scale()), currency);
        if digits.len() > 12 {
            return Err(AmountError::TooLarge(most));
        }
        let major: i64 = if digits.is_empty() {
            0
        } else {
            digits.parse().map_err(|_| AmountError::NotANumber)?
        };
        if major > rule.max_major {
            return Err(AmountError::TooLarge(most));
        }
        let mut frac_minor: i64 = 0;
        if !frac.is_empty() {
            let padded = format!("{frac:0<width$}", width = currency.decimals() as usize);
            frac_minor = padded.parse().map_err(|_| AmountError::NotANumber)?;
        }
        let minor = major * currency.scale() + frac_minor;
        if minor == 0 {
            return Err(AmountError::Zero);
        }
        if minor < currency.minimum_minor() {
            return Err(AmountError::BelowMinimum(currency));
        }
        if major < rule.min_major {
            let least =
                Money::from_minor(rule.min_major.saturating_mul(currency.scale()), currency);
            return Err(AmountError::TooSmall(least));
        }
        Ok(Money { minor, currency })
    }

    /// The exact decimal for the wire: `1000` for TZS; `100`, `100.5` or `100.25` for KES
    /// (shortest exact form, no float ever involved).
    pub fn wire_decimal(self) -> String {
        let scale = self.currency.scale();
        let major = self.minor / scale;
        let frac = self.minor % scale;
        if frac == 0 {
            return major.to_string();
        }
        let frac = format!("{frac:0width$}", width = self.currency.decimals() as usize);
        format!("{major}.{}", frac.trim_end_matches('0'))
    }

    /// Every decimal the currency has, no grouping: `1500` (TZS), `1500.50`, `99.00` (KES). For
    /// files and reports a machine reads back.
    pub fn exact_decimal(self) -> String {
        let scale = self.currency.scale();
        let (major, frac) = (self.minor / scale, self.minor % scale);
        match self.currency.decimals() {
            0 => major.to_string(),
            d => format!("{major}.{:0width$}", frac.abs(), width = d as usize),
        }
    }

    /// What a person reads: `1,500` or `1,500.50` (always two decimals for KES when not whole).
    pub fn display_number(self) -> String {
        let scale = self.currency.scale();
        let major = self.minor / scale;
        let frac = self.minor % scale;
        let grouped = group_thousands(major);
        if frac == 0 {
            grouped
        } else {
            format!(
                "{grouped}.{frac:0width$}",
                width = self.currency.decimals() as usize
            )
        }
    }

    /// Parses an exact decimal received from a provider (`"1000.00"`, `1000`, `100.5`), allowing
    /// trailing zeros beyond the currency's decimals. Returns `None` if not exact.
    pub fn from_wire(text: &str, currency: Currency) -> Option<Money> {
        let text = text.trim().trim_matches('"');
        let (int_part, frac) = match text.split_once('.') {
            Some((i, f)) => (i, f),
            None => (text, ""),
        };
        if int_part.is_empty() || !int_part.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        if !frac.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let frac = frac.trim_end_matches('0');
        if frac.len() > currency.decimals() as usize || int_part.len() > 15 {
            return None;
        }
        let major: i64 = int_part.parse().ok()?;
        let frac_minor: i64 = if frac.is_empty() {
            0
        } else {
            format!("{frac:0<width$}", width = currency.decimals() as usize)
                .parse()
                .ok()?
        };
        Some(Money {
            minor: major
                .checked_mul(currency.scale())?
                .checked_add(frac_minor)?,
            currency,
        })
    }
}

impl fmt::Display for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.currency.code(), self.display_number())
    }
}

/// `10.000`, `1.500`, `1.500.000`: a dot followed by groups of three digits after one to three
/// digits, which a cashier used to a dot between thousands types for ten thousand. Refused
/// with its readings (`None`: not such a number).
fn dot_readings(text: &str, currency: Currency, decimals: u32) -> Option<AmountError> {
    let mut parts = text.split('.');
    let int = parts.next()?;
    let groups: Vec<&str> = parts.collect();
    let digits = |p: &str| p.bytes().all(|b| b.is_ascii_digit());
    let shaped = !groups.is_empty()
        && (1..=3).contains(&int.len())
        && digits(int)
        && !int.starts_with('0')
        && groups.iter().all(|g| g.len() == 3 && digits(g));
    if !shaped {
        return None;
    }
    let whole: i64 = format!("{int}{}", groups.concat()).parse().ok()?;
    let decimal = match groups.as_slice() {
        [cents] if decimals == 2 && cents.ends_with('0') => Some(format!("{int}.{}", &cents[..2])),
        _ => None,
    };
    Some(AmountError::DotReadings {
        typed: text.to_string(),
        thousands: group_thousands(whole),
        decimal,
        currency,
        whole: decimals == 0,
    })
}

/// Removes thousands separators (`,`, space, `_`) when they group by three; refuses anything else.
fn ungroup(int_part: &str) -> Result<String, AmountError> {
    if int_part.is_empty() {
        return Ok(String::new());
    }
    let groups: Vec<&str> = int_part.split([',', ' ', '_', '\u{a0}']).collect();
    for g in &groups {
        if !g.bytes().all(|b| b.is_ascii_digit()) {
            return Err(AmountError::NotANumber);
        }
    }
    if groups.len() > 1 {
        let first_ok = !groups[0].is_empty() && groups[0].len() <= 3;
        let rest_ok = groups[1..].iter().all(|g| g.len() == 3);
        if !first_ok || !rest_ok {
            return Err(AmountError::BadGrouping);
        }
    }
    Ok(groups.concat())
}

pub fn group_thousands(n: i64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tzs(t: &str) -> Result<i64, AmountError> {
        Money::parse(t, Currency::Tzs).map(Money::minor)
    }
    fn kes(t: &str) -> Result<i64, AmountError> {
        Money::parse(t, Currency::Kes).map(Money::minor)
    }

    #[test]
    fn accepts_the_forms_a_cashier_types() {
        assert_eq!(tzs("1500"), Ok(1500));
        assert_eq!(tzs("1,500"), Ok(1500));
        assert_eq!(tzs(" 1 500 "), Ok(1500));
        assert_eq!(tzs("1,234,567"), Ok(1_234_567));
        assert_eq!(kes("100"), Ok(10_000));
        assert_eq!(kes("100.5"), Ok(10_050));
        assert_eq!(kes("1,500.25"), Ok(150_025));
        assert_eq!(kes("1"), Ok(100));
    }

    #[test]
    fn refuses_what_is_wrong_with_a_reason() {
        assert_eq!(tzs(""), Err(AmountError::Empty));
        assert_eq!(tzs("0"), Err(AmountError::Zero));
        assert_eq!(tzs("-5"), Err(AmountError::Negative));
        assert_eq!(tzs("12a"), Err(AmountError::NotANumber));
        assert_eq!(
            tzs("10.5"),
            Err(AmountError::TooManyDecimals(Currency::Tzs))
        );
        assert_eq!(
            kes("10.5555"),
            Err(AmountError::TooManyDecimals(Currency::Kes))
        );
        assert_eq!(kes("0.5"), Err(AmountError::BelowMinimum(Currency::Kes)));
        assert_eq!(tzs("1,50"), Err(AmountError::BadGrouping));
        assert_eq!(tzs("1."), Err(AmountError::NotANumber));
        assert_eq!(
            tzs("1500.00"),
            Err(AmountError::TooManyDecimals(Currency::Tzs))
        );
        assert_eq!(
            kes("10.5000"),
            Err(AmountError::TooManyDecimals(Currency::Kes))
        );
        assert_eq!(
            tzs("999999999999999999999"),
            Err(AmountError::TooLarge(Money::from_minor(
                MAX_MAJOR * Currency::Tzs.scale(),
                Currency::Tzs
            )))
        );
    }

    #[test]
    fn wire_and_display_forms_are_exact() {
        let m = Money::from_minor(150_050, Currency::Kes);
        assert_eq!(m.wire_decimal(), "1500.5");
        assert_eq!(m.display_number(), "1,500.50");
        assert_eq!(m.to_string(), "KES 1,500.50");
        assert_eq!(
            Money::from_minor(1000, Currency::Tzs).wire_decimal(),
            "1000"
        );
        assert_eq!(
            Money::from_wire("1000.00", Currency::Tzs),
            Some(Money::from_minor(1000, Currency::Tzs))
        );
        assert_eq!(
            Money::from_wire("100.5", Currency::Kes),
            Some(Money::from_minor(10_050, Currency::Kes))
        );
        assert_eq!(Money::from_wire("100.5", Currency::Tzs), None);
        assert_eq!(Money::from_wire("abc", Currency::Tzs), None);
    }

    /// A cashier used to a dot between thousands typed `10.000` for ten thousand: it was
    /// taken as TZS 10 (and KES 10), a thousandth of the price.
    #[test]
    fn a_dot_between_thousands_is_refused_with_both_readings() {
        use crate::lang::Lang;
        let said = |t: &str, c: Currency| match Money::parse(t, c) {
            Err(e) => e.text(Lang::En),
            Ok(m) => panic!("{t} taken as {m}"),
        };
        assert_eq!(
            said("10.000", Currency::Tzs),
            "10.000: did you mean 10,000? TZS takes whole shillings."
        );
        assert_eq!(
            said("1.000", Currency::Kes),
            "1.000: did you mean 1,000 or 1.00?"
        );
        assert!(said("TZS 1.500", Currency::Tzs).starts_with("1.500: did you mean 1,500?"));
        assert!(said("1.505", Currency::Kes).starts_with("1.505: did you mean 1,505? Cents"));
        assert!(said("1.500.000", Currency::Kes).starts_with("1.500.000: did you mean 1,500,000?"));
        assert!(
            Money::parse("10.000", Currency::Tzs)
                .map_err(|e| e.text(Lang::Sw))
                .is_err_and(|t| t.starts_with("10.000: ulimaanisha 10,000?"))
        );
        // Cents as the currency has them still read.
        assert_eq!(kes("10.50"), Ok(1050));
        assert_eq!(kes("1,000.00"), Ok(100_000));
    }
}
