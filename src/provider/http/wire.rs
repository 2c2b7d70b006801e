//! Helpers shared by the providers' wire formats: exact amounts, lenient text fields, the
//! check that an answer is about what we charged, and HMAC.

use crate::money::{Currency, Money};
use crate::msg::Msg;
use crate::provider::{Charged, RemoteState};
use serde_json::value::RawValue;

/// Lowercase hex HMAC-SHA256 of `message` keyed with `key` (a body checksum, a request
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
    /// The number that paid, when the provider says.
    pub phone: Option<&'a str>,
}

/// Checks a provider's answer against what was charged and returns the state and words to
/// record. A pending answer is taken as it is (its fields may not be final; the answer that
/// settles it is checked). A final answer about another reference, amount, currency or paying
/// phone proves nothing about ours: a person looks. *Paid* is recorded only when the answer
/// says what amount and currency were paid.
pub(crate) fn judge(
    state: RemoteState,
    message: Msg,
    charged: &Charged,
    echo: &Echo<'_>,
) -> (RemoteState, Msg) {
    if matches!(state, RemoteState::Pending | RemoteState::Attention) {
        return (state, message);
    }
    if let Some(problem) = differs(charged, echo) {
        return (RemoteState::Attention, problem);
    }
    let told = |v: Option<&str>| v.is_some_and(|t| !t.trim().is_empty());
    let amount_told = echo
        .amount
        .is_some_and(|a| !raw_amount_text(a).trim().is_empty());
    if state == RemoteState::Paid && !(amount_told && told(echo.currency)) {
        return (RemoteState::Attention, Msg::PaidWithoutAmount);
    }
    (state, message)
}

/// What in the answer differs from what was charged. Fields the provider left out are not
/// held against it here ([`judge`] asks for the amount of a *paid* answer).
fn differs(charged: &Charged, echo: &Echo<'_>) -> Option<Msg> {
    let reference = charged.reference.as_str();
    if let Some(got) = echo.reference.map(str::trim).filter(|r| !r.is_empty())
        && got != reference
    {
        return Some(Msg::ReferenceDiffers {
            expected: reference.to_string(),
            got: got.to_string(),
        });
    }
    let currency = charged.amount.currency();
    let amount_text = echo.amount.map(raw_amount_text).unwrap_or_default();
    if let Some(code) = echo.currency.map(str::trim).filter(|c| !c.is_empty())
        && Currency::from_code(code) != Some(currency)
    {
        return Some(Msg::AmountDiffers {
            charged: charged.amount,
            got: format!("{code} {amount_text}").trim().to_string(),
        });
    }
    if echo.amount.is_some()
        && !amount_text.trim().is_empty()
        && Money::from_wire(&amount_text, currency) != Some(charged.amount)
    {
        // As money is shown (`TZS 1,000`) when it reads as an amount; else as sent.
        let got = match Money::from_wire(&amount_text, currency) {
            Some(m) => m.to_string(),
            None => format!("{} {}", currency.code(), amount_text.trim()),
        };
        return Some(Msg::AmountDiffers {
            charged: charged.amount,
            got,
        });
    }
    if let Some(got) = echo.phone.filter(|p| p.bytes().any(|b| b.is_ascii_digit()))
        && !same_number(got, &charged.phone)
    {
        return Some(Msg::PhoneDiffers {
            charged: crate::phone::mask(&charged.phone),
            got: crate::phone::mask(&digits(got)),
        });
    }
    None
}

fn digits(text: &str) -> String {
    text.chars().filter(char::is_ascii_digit).collect()
}

/// Whether two ways of writing a number name the same subscriber (`0712…`, `255712…`,
/// `+255 712 …`): the last nine digits agree.
fn same_number(a: &str, b: &str) -> bool {
    let (a, b) = (digits(a), digits(b));
    let tail = |d: &str| d.get(d.len().saturating_sub(9)..).map(str::to_string);
    a.len() >= 9 && b.len() >= 9 && tail(&a) == tail(&b)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::money::Currency;

    fn charged(phone: &str) -> Charged {
        Charged {
            reference: crate::reference::Reference::from_stored("R1".into()),
            amount: Money::from_minor(1000, Currency::Tzs),
            phone: phone.into(),
            provider_id: None,
            sent_at: None,
        }
    }

    fn raw(t: &str) -> Box<RawValue> {
        RawValue::from_string(t.to_string()).expect("json")
    }

    #[test]
    fn echoed_amounts_are_compared_exactly() {
        let c = charged("255712345678");
        let (a, b, x) = (raw("\"1000.00\""), raw("1000"), raw("999.5"));
        fn echo(r: &RawValue) -> Echo<'_> {
            Echo {
                reference: Some("R1"),
                amount: Some(r),
                currency: Some("TZS"),
                phone: None,
            }
        }
        let paid = |e: &Echo<'_>| judge(RemoteState::Paid, Msg::Paid, &c, e).0;
        assert_eq!(paid(&echo(&a)), RemoteState::Paid);
        assert_eq!(paid(&echo(&b)), RemoteState::Paid);
        assert_eq!(paid(&echo(&x)), RemoteState::Attention);
        // The provider's amount is shown as money is (a tester read "TZS 1000" beside
        // "TZS 1,500"), what lipa asked for beside it.
        let y = raw("\"12000\"");
        let (_, words) = judge(RemoteState::Paid, Msg::Paid, &c, &echo(&y));
        assert_eq!(
            words.to_string(),
            "The provider reports TZS 12,000, but lipa asked for TZS 1,000: check before giving goods."
        );
        let other_ref = Echo {
            reference: Some("R2"),
            ..echo(&a)
        };
        assert_eq!(paid(&other_ref), RemoteState::Attention);
        let kes = Echo {
            currency: Some("KES"),
            ..echo(&a)
        };
        assert_eq!(paid(&kes), RemoteState::Attention);
    }

    /// A *paid* that does not say what was paid, or says another number paid, proves nothing.
    #[test]
    fn paid_needs_the_amount_and_the_right_phone() {
        let c = charged("255712345678");
        let a = raw("\"1000.00\"");
        let (state, msg) = judge(RemoteState::Paid, Msg::Paid, &c, &Echo::default());
        assert_eq!(
            (state, msg),
            (RemoteState::Attention, Msg::PaidWithoutAmount)
        );
        let no_currency = Echo {
            amount: Some(&a),
            ..Echo::default()
        };
        assert_eq!(
            judge(RemoteState::Paid, Msg::Paid, &c, &no_currency).0,
            RemoteState::Attention
        );
        let full = |phone| Echo {
            reference: Some("R1"),
            amount: Some(&a),
            currency: Some("TZS"),
            phone,
        };
        for same in ["255712345678", "0712345678", "+255 712 345 678"] {
            assert_eq!(
                judge(RemoteState::Paid, Msg::Paid, &c, &full(Some(same))).0,
                RemoteState::Paid,
                "{same}"
            );
        }
        let (state, msg) = judge(
            RemoteState::Paid,
            Msg::Paid,
            &c,
            &full(Some("255799000111")),
        );
        assert_eq!(state, RemoteState::Attention);
        assert!(matches!(msg, Msg::PhoneDiffers { .. }), "{msg:?}");
        // A failure without an echo is still a failure; a pending answer is checked later.
        assert_eq!(
            judge(RemoteState::Failed, Msg::LowBalance, &c, &Echo::default()).0,
            RemoteState::Failed
        );
        assert_eq!(
            judge(
                RemoteState::Pending,
                Msg::PromptSent,
                &c,
                &full(Some("255799000111"))
            )
            .0,
            RemoteState::Pending
        );
    }
}
