//! What the provider client tests share: a simulator whose customers answer quickly, a push
//! request with a fresh reference, and polling a payment until it leaves pending.
#![allow(dead_code)]

use lipa::money::Money;
use lipa::phone::Phone;
use lipa::provider::{
    Charged, Lookup, Provider, ProviderKind, PushRequest, RemoteState, RemoteStatus,
};
use lipa::reference::Reference;
use lipa::sim::{self, SimConfig, SimHandle};
use std::time::{Duration, Instant};

/// How long the simulator's customers take to answer a push.
pub const SETTLE: Duration = Duration::from_millis(200);

/// The simulator as `config` has it, on a free port, customers answering after [`SETTLE`].
pub async fn start(config: SimConfig) -> SimHandle {
    sim::spawn(SimConfig {
        port: 0,
        settle: SETTLE,
        ..config
    })
    .await
    .expect("simulator starts")
}

/// A new reference for `kind`, as lipa makes them.
pub fn reference(kind: ProviderKind) -> Reference {
    Reference::generate(kind, chrono::Utc::now().timestamp())
}

/// A push of `minor` units of `kind`'s currency to a local `phone` of its country.
pub fn push(kind: ProviderKind, phone: &str, minor: i64) -> PushRequest {
    PushRequest {
        reference: reference(kind),
        phone: Phone::parse(phone, kind.country()).expect("valid phone"),
        amount: Money::from_minor(minor, kind.currency()),
        channel: None,
        email: None,
        name: None,
        prepared: None,
        callback: None,
    }
}

/// What was charged under `r`: `amount` to a number of its currency's country.
pub fn charged(r: Reference, amount: Money) -> Charged {
    let phone = match amount.currency() {
        lipa::money::Currency::Tzs => "255712345670",
        lipa::money::Currency::Kes => "254712345670",
    };
    Charged {
        reference: r,
        amount,
        phone: phone.into(),
        provider_id: None,
        sent_at: None,
    }
}

/// Polls until the payment leaves pending (or the deadline passes: then the last answer).
pub async fn settled(client: &dyn Provider, charged: &Charged) -> RemoteStatus {
    let r = &charged.reference;
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        let answer = client.query(charged).await;
        if let Ok(Lookup::Found(st)) = &answer {
            if st.state != RemoteState::Pending || Instant::now() > deadline {
                return st.clone();
            }
        } else if Instant::now() > deadline {
            panic!("{r}: no answer by the deadline: {answer:?}");
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
}
