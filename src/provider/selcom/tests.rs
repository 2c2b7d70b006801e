//! Selcom's answers read as providers.md decides.

use super::*;
use crate::money::Money;
use crate::reference::Reference;

fn order(json: &str) -> Order {
    serde_json::from_str(json).expect("an order")
}

fn charged() -> Charged {
    Charged {
        reference: Reference::parse("LP1", ProviderKind::Selcom).expect("reference"),
        amount: Money::from_minor(1_500, Currency::Tzs),
        phone: "255712345678".into(),
        provider_id: None,
        sent_at: None,
    }
}

#[test]
fn an_order_without_a_wallet_payment_is_unpaid() {
    assert!(unpaid_order(&order(
        r#"{"payment_status":"PENDING","transid":null}"#
    )));
    assert!(!unpaid_order(&order(
        r#"{"payment_status":"PENDING","transid":"LP1W"}"#
    )));
    assert!(!unpaid_order(&order(
        r#"{"payment_status":"PENDING","channel":"AIRTELMONEY"}"#
    )));
    assert!(!unpaid_order(&order(r#"{"payment_status":"COMPLETED"}"#)));
}

#[test]
fn statuses_as_the_page_decides() {
    let state = |json: &str| status_of(&order(json), &charged()).0;
    use RemoteState::*;
    assert_eq!(
        state(r#"{"order_id":"LP1","amount":"1500","payment_status":"COMPLETED"}"#),
        Paid
    );
    // The amount compared as a number; absent, it is not held against a paid order.
    assert_eq!(
        state(r#"{"order_id":"LP1","amount":"1500.00","payment_status":"COMPLETED"}"#),
        Paid
    );
    assert_eq!(state(r#"{"payment_status":"COMPLETED"}"#), Paid);
    assert_eq!(
        state(r#"{"amount":"1400","payment_status":"COMPLETED"}"#),
        Attention
    );
    assert_eq!(
        state(r#"{"phone":"255700000001","payment_status":"COMPLETED","amount":1500}"#),
        Attention
    );
    assert_eq!(state(r#"{"payment_status":"PENDING"}"#), Pending);
    for word in ["CANCELLED", "REJECTED", "USERCANCELED", "FAILED", "failed"] {
        assert_eq!(
            state(&format!(r#"{{"payment_status":"{word}"}}"#)),
            Failed,
            "{word}"
        );
    }
    // Money that came and went back: a person looks.
    for word in ["REVERSED", "REFUNDED"] {
        assert_eq!(
            state(&format!(r#"{{"payment_status":"{word}"}}"#)),
            Attention,
            "{word}"
        );
    }
    // A word lipa does not know never means failed.
    for word in ["INPROGRESS", "ON_HOLD", ""] {
        assert_eq!(
            state(&format!(r#"{{"payment_status":"{word}"}}"#)),
            Pending,
            "{word}"
        );
    }
}
