//! Arbitrary provider answers (status, headers, body) and the stub server that serves them
//! to lipa's real clients.

use axum::Router;
use axum::extract::{Request, State};
use axum::http::{HeaderName, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use lipa::config::Secret;
use lipa::provider::cepta::CeptaClient;
use lipa::provider::cepta::CeptaSettings;
use lipa::provider::clickpesa::ClickPesaClient;
use lipa::provider::clickpesa::ClickPesaSettings;
use lipa::provider::http::{Timeouts, client_with};
use proptest::collection::vec;
use proptest::prelude::*;
use proptest::sample::select;
use std::fmt;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

const API_KEY: &str = "SECRET-api-key-7f3a";
const CHECKSUM_KEY: &str = "SECRET-checksum-9b1c";
const CEPTA_SECRET: &str = "SECRET-cepta-4d2e";
/// What each client must never repeat (each knows only its own).
pub(crate) const CLICKPESA_SECRETS: &[&str] = &[API_KEY, CHECKSUM_KEY];
pub(crate) const CEPTA_SECRETS: &[&str] = &[CEPTA_SECRET];
pub(crate) const TZ_REF: &str = "LPFUZZ1";
pub(crate) const KE_REF: &str = "LP-FUZZ-1";

/// Object keys of both providers' answers (and of error bodies).
#[rustfmt::skip]
const KEYS: &[&str] = &[
    "status", "message", "data", "token", "success", "id", "orderReference", "collectedAmount",
    "collectedCurrency", "paymentReference", "paymentPhoneNumber", "channel", "updatedAt",
    "createdAt", "customer", "customerName", "activeMethods", "sender", "accountName", "name",
    "fee", "totalCount", "transactionRef", "paymentId", "responseCode", "amount", "currency",
    "processorResponse", "code", "error", "detail", "title", "statusCode",
];

/// Strings worth finding in answers: status words, references, amounts, dates, secrets.
#[rustfmt::skip]
const WORDS: &[&str] = &[
    "SUCCESS", "PROCESSING", "PENDING", "FAILED", "REVERSED", "SETTLED", "ON-HOLD", "REFUNDED",
    "successful", "pending", "failed", "reversed", "Completed", "AVAILABLE", "UNAVAILABLE", "TZS",
    "KES", "USD", "", " ", "Bearer eyJ.a.b", "bearer ", "TRANSACTION_NOT_FOUND", "not found",
    "Invalid checksum", "true", "false", TZ_REF, KE_REF, "LPOTHER", "1000", "1000.00", "100.00",
    "100.5", "1e3", "-5", "2026-01-01T10:00:00Z", "2026-13-45T99:00:00Z", "63902", "M-PESA",
    API_KEY, CHECKSUM_KEY, CEPTA_SECRET,
];

/// Numbers written as providers might: exact, long, tiny, huge, signed.
#[rustfmt::skip]
const NUMBERS: &[&str] = &[
    "1000", "1000.00", "1000.0", "100", "100.5", "100.50", "0", "-0", "-1", "1e3", "1E400",
    "1e-400", "0.001", "18446744073709551616", "9223372036854775807", "-9223372036854775808",
    "99999999999999999999999.99",
];

// ---------------------------------------------------------------- the stub server

/// One answer of the stub.
#[derive(Clone)]
pub(crate) struct Reply {
    pub status: u16,
    pub headers: Vec<(&'static str, String)>,
    pub body: Vec<u8>,
}

impl fmt::Debug for Reply {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} {:?} {:?}",
            self.status,
            self.headers,
            String::from_utf8_lossy(&self.body)
        )
    }
}

impl IntoResponse for Reply {
    fn into_response(self) -> Response {
        let status = StatusCode::from_u16(self.status).unwrap_or(StatusCode::OK);
        let mut response = (status, self.body).into_response();
        response.headers_mut().remove("content-type");
        for (name, value) in self.headers {
            if let Ok(value) = HeaderValue::from_str(&value) {
                let name = HeaderName::from_static(name);
                response.headers_mut().insert(name, value);
            }
        }
        response
    }
}

pub(crate) fn token_reply() -> Reply {
    Reply {
        status: 200,
        headers: vec![("content-type", "application/json".into())],
        body: br#"{"success":true,"token":"Bearer eyJ.stub.token"}"#.to_vec(),
    }
}

/// What the stub answers: `token` to ClickPesa's `generate-token`, `other` to anything else.
struct Canned {
    token: Reply,
    other: Reply,
}

pub(crate) struct Stub {
    base: String,
    canned: Arc<Mutex<Canned>>,
}

pub(crate) fn runtime() -> &'static tokio::runtime::Runtime {
    static RT: OnceLock<tokio::runtime::Runtime> = OnceLock::new();
    RT.get_or_init(|| {
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("runtime")
    })
}

async fn answer(State(canned): State<Arc<Mutex<Canned>>>, request: Request) -> Reply {
    let canned = canned.lock().expect("canned");
    if request.uri().path().ends_with("/generate-token") {
        canned.token.clone()
    } else {
        canned.other.clone()
    }
}

impl Stub {
    pub fn start() -> Stub {
        let canned = Arc::new(Mutex::new(Canned {
            token: token_reply(),
            other: token_reply(),
        }));
        let app = Router::new().fallback(answer).with_state(canned.clone());
        let listener = runtime()
            .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
            .expect("bind");
        let addr = listener.local_addr().expect("address");
        runtime().spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        Stub {
            base: format!("http://{addr}"),
            canned,
        }
    }

    pub fn answer(&self, token: Reply, other: Reply) {
        *self.canned.lock().expect("canned") = Canned { token, other };
    }

    pub fn clickpesa(&self) -> ClickPesaClient {
        let settings = ClickPesaSettings {
            base_url: format!("{}/third-parties", self.base),
            client_id: "stub-client".into(),
            api_key: Secret::new(API_KEY),
            checksum_key: Some(Secret::new(CHECKSUM_KEY)),
        };
        ClickPesaClient::new(settings, http())
    }

    pub fn cepta(&self) -> CeptaClient {
        let settings = CeptaSettings {
            base_url: self.base.clone(),
            public_key: "stub-public".into(),
            secret_key: Secret::new(CEPTA_SECRET),
            email: "till@example.com".into(),
        };
        CeptaClient::new(settings, http())
    }
}

fn http() -> reqwest::Client {
    static CLIENT: OnceLock<reqwest::Client> = OnceLock::new();
    CLIENT
        .get_or_init(|| {
            client_with(Timeouts {
                connect: Duration::from_secs(5),
                total: Duration::from_secs(10),
            })
        })
        .clone()
}

// ---------------------------------------------------------------- arbitrary answers

pub(crate) fn quoted(text: &str) -> String {
    serde_json::to_string(text).unwrap_or_default()
}

fn leaf() -> impl Strategy<Value = String> + Clone {
    prop_oneof![
        select(&["null", "true", "false", "{}", "[]"][..]).prop_map(String::from),
        select(NUMBERS).prop_map(String::from),
        any::<i64>().prop_map(|n| n.to_string()),
        "-?[0-9]{1,22}(\\.[0-9]{0,4})?([eE][+-]?[0-9]{1,3})?",
        select(WORDS).prop_map(quoted),
        ".{0,16}".prop_map(|t| quoted(&t)),
    ]
}

fn object(keys: Vec<String>, values: Vec<String>) -> String {
    let fields: Vec<String> = keys
        .iter()
        .zip(values)
        .map(|(k, v)| format!("{}:{v}", quoted(k)))
        .collect();
    format!("{{{}}}", fields.join(","))
}

/// Any JSON text over the providers' keys and words, up to four levels deep.
fn json_text() -> impl Strategy<Value = String> + Clone {
    leaf().prop_recursive(4, 48, 8, |inner| {
        prop_oneof![
            vec(inner.clone(), 0..5).prop_map(|items| format!("[{}]", items.join(","))),
            (
                vec(select(KEYS).prop_map(String::from), 0..8),
                vec(inner, 8)
            )
                .prop_map(|(keys, values)| object(keys, values)),
        ]
    })
}

/// An object with some of `keys`, each with any JSON value.
fn shaped(keys: &'static [&'static str]) -> impl Strategy<Value = String> + Clone {
    (
        vec(select(keys).prop_map(String::from), 0..keys.len() + 2),
        vec(json_text(), keys.len() + 2),
    )
        .prop_map(|(keys, values)| object(keys, values))
}

#[rustfmt::skip]
const PAYMENT: &[&str] = &[
    "id", "status", "orderReference", "collectedAmount", "collectedCurrency", "message", "channel",
    "updatedAt", "createdAt", "paymentReference", "customer",
];
const ENVELOPE: &[&str] = &["status", "message", "data"];
#[rustfmt::skip]
const VERIFY: &[&str] = &[
    "transactionRef", "amount", "currency", "status", "processorResponse", "paymentId",
    "responseCode", "code", "name",
];

/// The body an endpoint documents, loosely: what a decoder most needs to be tried on.
fn documented(kind: Shape) -> BoxedStrategy<String> {
    let payment = shaped(PAYMENT);
    match kind {
        Shape::Payment => payment.boxed(),
        Shape::Payments => vec(payment, 0..4)
            .prop_map(|items| format!("[{}]", items.join(",")))
            .boxed(),
        Shape::Page => (vec(payment, 0..4), json_text())
            .prop_map(|(items, total)| {
                format!(r#"{{"data":[{}],"totalCount":{total}}}"#, items.join(","))
            })
            .boxed(),
        Shape::Preview => (
            vec(shaped(&["name", "status", "fee", "message"]), 0..4),
            shaped(&["accountName"]),
        )
            .prop_map(|(methods, sender)| {
                format!(
                    r#"{{"activeMethods":[{}],"sender":{sender}}}"#,
                    methods.join(",")
                )
            })
            .boxed(),
        Shape::Token => shaped(&["success", "token", "message"]).boxed(),
        Shape::Envelope => (shaped(ENVELOPE), shaped(VERIFY), any::<bool>())
            .prop_map(|(outer, data, wrap)| {
                if wrap {
                    format!(r#"{{"status":true,"message":"ok","data":{data}}}"#)
                } else {
                    outer
                }
            })
            .boxed(),
        Shape::Channels => (vec(shaped(&["code", "name"]), 0..5), any::<bool>())
            .prop_map(|(items, bare)| {
                let list = format!("[{}]", items.join(","));
                if bare {
                    list
                } else {
                    format!(r#"{{"status":true,"data":{list}}}"#)
                }
            })
            .boxed(),
    }
}

#[derive(Debug, Clone, Copy)]
pub(crate) enum Shape {
    Payment,
    Payments,
    Page,
    Preview,
    Token,
    Envelope,
    Channels,
}

/// Any body: bytes, JSON-ish text, the documented shape, or that shape cut or garbled.
fn body(kind: Shape) -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        1 => vec(any::<u8>(), 0..200),
        2 => json_text().prop_map(String::into_bytes),
        4 => documented(kind).prop_map(String::into_bytes),
        2 => (documented(kind), any::<prop::sample::Index>(), any::<bool>()).prop_map(
            |(text, at, cut)| {
                if cut {
                    text.as_bytes()[..at.index(text.len() + 1)].to_vec()
                } else {
                    text.replace('"', "'").into_bytes()
                }
            }
        ),
    ]
}

fn http_date(offset_secs: i64) -> String {
    let at = chrono::Utc::now() + chrono::TimeDelta::seconds(offset_secs);
    at.format("%a, %d %b %Y %H:%M:%S GMT").to_string()
}

fn headers() -> impl Strategy<Value = Vec<(&'static str, String)>> {
    let content_type =
        prop::option::of(select(&["application/json", "text/html", "text/plain"][..]));
    let date = prop::option::of(prop_oneof![
        (-400_000_000i64..400_000_000).prop_map(http_date),
        "[ -~]{0,30}",
    ]);
    let retry_after = prop::option::of(prop_oneof![
        any::<u64>().prop_map(|n| n.to_string()),
        (-100_000i64..100_000_000).prop_map(http_date),
        "[ -~]{0,20}",
    ]);
    (content_type, date, retry_after).prop_map(|(c, d, r)| {
        let mut h = Vec::new();
        if let Some(c) = c {
            h.push(("content-type", c.to_string()));
        }
        if let Some(d) = d {
            h.push(("date", d));
        }
        if let Some(r) = r {
            h.push(("retry-after", r));
        }
        h
    })
}

pub(crate) fn status() -> impl Strategy<Value = u16> {
    prop_oneof![
        3 => Just(200u16),
        4 => select(
            &[201u16, 202, 400, 401, 403, 404, 408, 409, 415, 422, 429, 500, 502, 503, 504][..]
        ),
        1 => 200u16..=599,
    ]
}

pub(crate) fn reply(kind: Shape) -> impl Strategy<Value = Reply> {
    (status(), headers(), body(kind)).prop_map(|(status, headers, body)| Reply {
        status,
        headers,
        body,
    })
}
