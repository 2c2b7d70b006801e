//! Every provider answer decoder, fed arbitrary answers: it never panics, and either accepts
//! or refuses with a message (never a secret). Safety on top: an unusable answer to a push is
//! `Unknown` (never a refusal, which would let the cashier charge again), and a read never
//! fails a payment.
//!
//! The decoders are reached the way production reaches them: lipa's real ClickPesa and Cepta
//! clients call a stub server on loopback that answers whatever the property generated —
//! status, headers (`Date`, `Retry-After`, content type) and body: raw bytes, JSON-ish text
//! built from both providers' field names and status words, or such JSON cut short or
//! single-quoted.

#[path = "prop_decoders/answers.rs"]
mod answers;

use answers::*;
use lipa::money::{Currency, Money};
use lipa::phone::{Country, Phone};
use lipa::provider::clickpesa::ListQuery;
use lipa::provider::{Charged, Lookup, Provider, ProviderError, ProviderKind, PushRequest};
use lipa::reference::Reference;
use proptest::prelude::*;
use proptest::sample::select;
use proptest::test_runner::{TestCaseError, TestError, TestRunner};
use std::fmt;

// ---------------------------------------------------------------- the properties

/// Runs `property` on `CASES` generated values; a failure panics with the smallest case.
fn check<S: Strategy>(strategy: S, property: impl Fn(S::Value) -> Result<(), TestCaseError>)
where
    S::Value: fmt::Debug,
{
    // 256 cases each, or PROPTEST_CASES.
    let config = ProptestConfig {
        failure_persistence: None,
        ..ProptestConfig::default()
    };
    let mut runner = TestRunner::new(config);
    match runner.run(&strategy, property) {
        Ok(()) => {}
        Err(TestError::Fail(why, value)) => panic!("{why}\nsmallest failing case: {value:?}"),
        Err(TestError::Abort(why)) => panic!("aborted: {why}"),
    }
}

/// A refusal must say something, and never one of the client's `secrets`.
fn says(error: &ProviderError, secrets: &[&str]) -> Result<(), TestCaseError> {
    let text = error.to_string();
    prop_assert!(!text.trim().is_empty(), "{error:?}");
    for secret in secrets {
        prop_assert!(!text.contains(secret), "secret in {text}");
    }
    Ok(())
}

fn is_json(body: &[u8]) -> bool {
    serde_json::from_slice::<serde::de::IgnoredAny>(body).is_ok()
}

/// An answer to a push: accepted with a message, or refused with one. An answer that cannot
/// be trusted (5xx, 408, an unreadable success) leaves the push `Unknown`.
fn push_outcome(
    reply: &Reply,
    result: Result<lipa::provider::PushAccepted, ProviderError>,
    secrets: &[&str],
) -> Result<(), TestCaseError> {
    let untrusted = reply.status >= 500
        || reply.status == 408
        || ((200..300).contains(&reply.status) && !is_json(&reply.body));
    match result {
        Ok(accepted) => {
            prop_assert!(!untrusted, "accepted an untrusted answer: {accepted:?}");
            prop_assert!(
                !accepted.message.to_string().trim().is_empty(),
                "{accepted:?}"
            );
        }
        Err(e) => {
            says(&e, secrets)?;
            if untrusted {
                prop_assert!(matches!(e, ProviderError::Unknown { .. }), "{e:?}");
            }
        }
    }
    Ok(())
}

/// An answer to a status query: found with a message, not found, or "ask again" / "fix the
/// configuration" — a read never refuses or loses a payment.
fn lookup_outcome(
    result: Result<Lookup, ProviderError>,
    secrets: &[&str],
) -> Result<(), TestCaseError> {
    match result {
        Ok(Lookup::Found(status)) => {
            prop_assert!(!status.message.to_string().trim().is_empty(), "{status:?}")
        }
        Ok(Lookup::NotFound) => {}
        Err(e) => {
            says(&e, secrets)?;
            prop_assert!(
                matches!(
                    e,
                    ProviderError::RetryLater { .. } | ProviderError::Configuration { .. }
                ),
                "{e:?}"
            );
        }
    }
    Ok(())
}

fn tz_push() -> PushRequest {
    PushRequest {
        reference: Reference::parse(TZ_REF, ProviderKind::ClickPesa).expect("reference"),
        phone: Phone::parse("0712345671", Country::Tanzania).expect("phone"),
        amount: Money::from_minor(1000, Currency::Tzs),
        channel: None,
        email: None,
        name: None,
        prepared: None,
        callback: None,
    }
}

fn ke_push() -> PushRequest {
    PushRequest {
        reference: Reference::parse(KE_REF, ProviderKind::Cepta).expect("reference"),
        phone: Phone::parse("0712345671", Country::Kenya).expect("phone"),
        amount: Money::from_minor(10_000, Currency::Kes),
        channel: None,
        email: None,
        name: None,
        prepared: None,
        callback: None,
    }
}

#[test]
fn clickpesa_push_answers() {
    let stub = Stub::start();
    check(reply(Shape::Payment), |reply| {
        stub.answer(token_reply(), reply.clone());
        let result = runtime().block_on(stub.clickpesa().initiate(&tz_push()));
        push_outcome(&reply, result, CLICKPESA_SECRETS)
    });
}

#[test]
fn clickpesa_query_answers() {
    let stub = Stub::start();
    check(reply(Shape::Payments), |reply| {
        stub.answer(token_reply(), reply);
        let push = tz_push();
        let result = runtime().block_on(stub.clickpesa().query(&Charged::of_request(&push)));
        lookup_outcome(result, CLICKPESA_SECRETS)
    });
}

#[test]
fn clickpesa_token_answers() {
    let stub = Stub::start();
    let not_found = Reply {
        status: 404,
        headers: vec![],
        body: br#"{"message":"Invalid or missing payment"}"#.to_vec(),
    };
    check(reply(Shape::Token), |reply| {
        stub.answer(reply, not_found.clone());
        let push = tz_push();
        let result = runtime().block_on(stub.clickpesa().query(&Charged::of_request(&push)));
        lookup_outcome(result, CLICKPESA_SECRETS)
    });
}

#[test]
fn clickpesa_preview_answers() {
    let stub = Stub::start();
    check(reply(Shape::Preview), |reply| {
        stub.answer(token_reply(), reply);
        match runtime().block_on(stub.clickpesa().preview(&tz_push())) {
            Ok(preview) => prop_assert!(preview.is_some()),
            Err(e) => {
                says(&e, CLICKPESA_SECRETS)?;
                prop_assert!(!matches!(e, ProviderError::Unknown { .. }), "{e:?}");
            }
        }
        Ok(())
    });
}

#[test]
fn clickpesa_list_answers() {
    let stub = Stub::start();
    check(reply(Shape::Page), |reply| {
        stub.answer(token_reply(), reply);
        match runtime().block_on(stub.clickpesa().list_payments(&ListQuery::default())) {
            Ok(page) => {
                for p in &page.payments {
                    // An amount is only given when it is exact in the reported currency.
                    if let (Some(m), Some(c)) = (p.amount, p.currency.as_deref()) {
                        prop_assert_eq!(Some(m.currency()), Currency::from_code(c));
                    }
                }
            }
            Err(e) => {
                says(&e, CLICKPESA_SECRETS)?;
                prop_assert!(
                    matches!(
                        e,
                        ProviderError::RetryLater { .. } | ProviderError::Configuration { .. }
                    ),
                    "{e:?}"
                );
            }
        }
        Ok(())
    });
}

#[test]
fn cepta_push_answers() {
    let stub = Stub::start();
    check(reply(Shape::Envelope), |reply| {
        stub.answer(token_reply(), reply.clone());
        let result = runtime().block_on(stub.cepta().initiate(&ke_push()));
        push_outcome(&reply, result, CEPTA_SECRETS)
    });
}

#[test]
fn cepta_verify_answers() {
    let stub = Stub::start();
    check(reply(Shape::Envelope), |reply| {
        stub.answer(token_reply(), reply);
        let push = ke_push();
        let result = runtime().block_on(stub.cepta().query(&Charged::of_request(&push)));
        lookup_outcome(result, CEPTA_SECRETS)
    });
}

#[test]
fn cepta_channel_answers() {
    let stub = Stub::start();
    check(reply(Shape::Channels), |reply| {
        stub.answer(token_reply(), reply);
        // Never fails: the documented table stands in for an unusable list.
        let list = runtime()
            .block_on(stub.cepta().channels())
            .map_err(|e| TestCaseError::fail(format!("{e:?}")))?;
        prop_assert!(!list.is_empty());
        prop_assert!(list.iter().all(|c| !c.code.trim().is_empty()), "{list:?}");
        Ok(())
    });
}

/// A provider's words repeating a secret amid other text, as a string or in an array.
fn echoing(secrets: &'static [&'static str]) -> impl Strategy<Value = String> {
    let keys = select(&["message", "error", "detail", "title"][..]);
    let flags = select(&["false", "true", "\"false\"", "null"][..]);
    (
        select(secrets),
        "[a-z :]{0,12}",
        "[a-z :]{0,12}",
        keys,
        any::<bool>(),
        flags,
    )
        .prop_map(|(secret, before, after, key, array, flag)| {
            let text = quoted(&format!("{before}{secret}{after}"));
            let said = if array { format!("[{text}]") } else { text };
            format!(r#"{{"status":{flag},"{key}":{said}}}"#)
        })
}

#[test]
fn clickpesa_refusals_never_repeat_a_secret() {
    let stub = Stub::start();
    let strategy = (status(), echoing(CLICKPESA_SECRETS), any::<bool>());
    check(strategy, |(status, body, in_token)| {
        let echo = Reply {
            status,
            headers: vec![("content-type", "application/json".into())],
            body: body.into_bytes(),
        };
        if in_token {
            stub.answer(echo, token_reply());
        } else {
            stub.answer(token_reply(), echo);
        }
        let client = stub.clickpesa();
        let push = tz_push();
        let pushed = runtime().block_on(client.initiate(&push));
        let looked = runtime().block_on(client.query(&Charged::of_request(&push)));
        for e in [pushed.err(), looked.err()].into_iter().flatten() {
            says(&e, CLICKPESA_SECRETS)?;
        }
        Ok(())
    });
}

#[test]
fn cepta_error_answers_never_repeat_a_secret() {
    let stub = Stub::start();
    // Error statuses only: the words of a 2xx body (`{"status": false, "message": ...}`) reach
    // the cashier as Cepta wrote them. Cepta is never sent the secret key, so it cannot echo
    // it; only an error page could hold it, by accident.
    let strategy = (
        status().prop_filter("an error status", |s| *s >= 300),
        echoing(CEPTA_SECRETS),
    );
    check(strategy, |(status, body)| {
        stub.answer(
            token_reply(),
            Reply {
                status,
                headers: vec![("content-type", "application/json".into())],
                body: body.into_bytes(),
            },
        );
        let client = stub.cepta();
        let push = ke_push();
        let pushed = runtime().block_on(client.initiate(&push));
        let looked = runtime().block_on(client.query(&Charged::of_request(&push)));
        for e in [pushed.err(), looked.err()].into_iter().flatten() {
            says(&e, CEPTA_SECRETS)?;
        }
        Ok(())
    });
}
