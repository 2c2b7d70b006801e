//! Selcom's answers read as providers.md decides.

use super::*;
use crate::money::Money;
use crate::phone::Country;
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

/// After a lost order answer, the order found under the reference is taken only if it is this
/// sale's: awaiting its wallet payment, for this amount and phone (a tester's push prompted its
/// customer under another till's order, and recorded another's paid order as paid).
#[test]
fn an_order_found_is_taken_only_if_it_is_this_sales() {
    let request = PushRequest {
        reference: Reference::parse("INV1001", ProviderKind::Selcom).expect("reference"),
        phone: crate::phone::Phone::parse("0754000311", Country::Tanzania).expect("phone"),
        amount: Money::from_minor(5_000, Currency::Tzs),
        channel: None,
        email: None,
        name: None,
        prepared: None,
        callback: None,
    };
    let ok = |json: &str| ours(&order(json), &request);
    assert!(ok(
        r#"{"payment_status":"PENDING","amount":"5000","phone":"255754000311"}"#
    ));
    assert!(ok(r#"{"payment_status":"PENDING","amount":"5000.00"}"#));
    assert!(ok(r#"{"payment_status":"PENDING"}"#));
    // Another sale's amount or phone.
    assert!(!ok(
        r#"{"payment_status":"PENDING","amount":"3000","phone":"255754000311"}"#
    ));
    assert!(!ok(
        r#"{"payment_status":"PENDING","amount":"5000","phone":"255754009999"}"#
    ));
    // Paid already, or its wallet payment asked for: not the order this sale just made.
    assert!(!ok(
        r#"{"payment_status":"COMPLETED","amount":"5000","phone":null}"#
    ));
    assert!(!ok(
        r#"{"payment_status":"PENDING","amount":"5000","transid":"INV1001W"}"#
    ));
}
