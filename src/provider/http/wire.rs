//! Helpers shared by the providers' wire formats: exact amounts, lenient text fields, the
//! check that an answer is about what we charged, and HMAC.

use crate::money::{Currency, Money};
use crate::strings::provider as s;
use serde_json::value::RawValue;

/// Lowercase hex HMAC-SHA256 of `message` keyed with `key` (ClickPesa's checksum, Cepta's
/// signature).
pub(crate) fn hmac_hex(key: &[u8], message: &[u8]) -> String {
    use hmac::{Hmac, Mac};
    // HMAC takes keys of any length, so this never fails; an empty-key MAC keeps it total.
    let mut mac = match <Hmac<sha2::Sha256> as Mac>::new_from_slice(key) {
        Ok(mac) => mac,
        Err(_) => <Hmac<sha2::Sha256> as hmac::digest::KeyInit>::new(&Default::default()),
    };
    mac.update(message);
    hex::encode(mac.finalize().into_bytes())
}

/// The text of an amount as a provider sent it: a JSON string's content or a number's digits,
/// never through a float.
pub(crate) fn raw_amount_text(raw: &RawValue) -> String {
    let text = raw.get().trim();
    if text.starts_with('"') {
        serde_json::from_str::<String>(text).unwrap_or_else(|_| text.to_string())
    } else {
        text.to_string()
    }
}

/// Serde helper: a text field that may arrive as a string, a number or a boolean (`null` is
/// absent). Not for amounts (a decimal number would pass through a float): those stay raw.
pub(crate) fn text<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    use serde::Deserialize as _;
    Ok(match Option::<serde_json::Value>::deserialize(d)? {
        Some(serde_json::Value::String(t)) => Some(t),
        Some(serde_json::Value::Number(n)) => Some(n.to_string()),
        Some(serde_json::Value::Bool(b)) => Some(b.to_string()),
        _ => None,
    })
}

/// What a provider's answer says was charged, to compare with what we charged.
#[derive(Debug, Default)]
pub(crate) struct Echo<'a> {
    pub reference: Option<&'a str>,
    pub amount: Option<&'a RawValue>,
    pub currency: Option<&'a str>,
}

/// Checks that an answer is about our payment: same reference, same amount, same currency.
/// Fields the provider left out are not held against it. Returns the message for a person
/// when something differs.
pub(crate) fn mismatch(reference: &str, charged: Money, echo: &Echo<'_>) -> Option<String> {
    if let Some(got) = echo.reference.map(str::trim)
        && got != reference
    {
        return Some(s::reference_mismatch(reference, got));
    }
    let currency = charged.currency();
    if let Some(code) = echo.currency.map(str::trim).filter(|c| !c.is_empty())
        && Currency::from_code(code) != Some(currency)
    {
        let amount = echo.amount.map(raw_amount_text).unwrap_or_default();
        return Some(s::amount_mismatch(
            &charged.to_string(),
            format!("{code} {amount}").trim(),
        ));
    }
    if let Some(raw) = echo.amount {
        let text = raw_amount_text(raw);
        if Money::from_wire(&text, currency) != Some(charged) {
            return Some(s::amount_mismatch(
                &charged.to_string(),
                &format!("{} {text}", currency.code()),
            ));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::money::Currency;

    #[test]
    fn echoed_amounts_are_compared_exactly() {
        let tzs = Money::from_minor(1000, Currency::Tzs);
        let raw = |t: &str| RawValue::from_string(t.to_string()).expect("json");
        let (a, b, c) = (raw("\"1000.00\""), raw("1000"), raw("999.5"));
        fn echo(r: &RawValue) -> Echo<'_> {
            Echo {
                reference: Some("R1"),
                amount: Some(r),
                currency: Some("TZS"),
            }
        }
        assert_eq!(mismatch("R1", tzs, &echo(&a)), None);
        assert_eq!(mismatch("R1", tzs, &echo(&b)), None);
        assert!(mismatch("R1", tzs, &echo(&c)).is_some());
        assert!(mismatch("R2", tzs, &echo(&a)).is_some());
        let kes = Echo {
            currency: Some("KES"),
            ..echo(&a)
        };
        assert!(mismatch("R1", tzs, &kes).is_some());
        assert_eq!(mismatch("R1", tzs, &Echo::default()), None);
    }
}
