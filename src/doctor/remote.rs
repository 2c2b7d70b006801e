//! The doctor's checks of each configured provider, all at once: its address (reached, TLS),
//! the clock against its `Date`, its credentials (a status query of a reference nobody used:
//! it charges nobody), and a callback address's shape.

use super::{Area, Finding, Verdict};
use crate::config::Config;
use crate::provider::settings::Settings;
use crate::provider::{Charged, Provider, ProviderError, ProviderKind};
use crate::strings::doctor as s;
use std::sync::Arc;
use std::time::Duration;

/// How long the address check and the status query may each take.
const WITHIN: Duration = Duration::from_secs(15);
/// A clock this far from the provider's is said (the `Date` header counts whole seconds, and
/// an answer takes a moment).
const CLOCK_OFF_SECS: i64 = 60;

pub(super) async fn providers(config: &Config) -> Vec<Finding> {
    let clients = crate::setup::providers(config);
    let http = crate::provider::http::client();
    let checks = config
        .providers
        .iter()
        .zip(clients)
        .map(|((kind, settings), client)| one(*kind, settings, client, http.clone()));
    futures::future::join_all(checks)
        .await
        .into_iter()
        .flatten()
        .collect()
}

async fn one(
    kind: ProviderKind,
    settings: &Settings,
    client: Arc<dyn Provider>,
    http: reqwest::Client,
) -> Vec<Finding> {
    let area = Area::Provider(kind);
    let url = shown(settings.base_url.trim_end_matches('/'));
    let address = settings.base_url.trim_end_matches('/').to_string();
    let mut found = Vec::new();
    let local = is_loopback(&url);
    let answer = tokio::time::timeout(WITHIN, http.get(&address).send()).await;
    let answer = match answer {
        Ok(Ok(a)) => a,
        Ok(Err(e)) => {
            // The error names the URL as given: a user and password in it are left out.
            let mut why = chain(&e);
            if let Ok(given) = reqwest::Url::parse(&address) {
                for part in [given.password().unwrap_or_default(), given.username()] {
                    if !part.is_empty() {
                        why = why.replace(part, "***");
                    }
                }
            }
            let tls = e.is_connect() && says_tls(&why);
            found.push(Finding::new(area, "reached", Verdict::Fail, |l| {
                if tls {
                    s::doctor_tls_refused(l, &url, &why)
                } else {
                    s::doctor_unreachable(l, &url, &why)
                }
            }));
            return found;
        }
        Err(_) => {
            let why = std::io::Error::from(std::io::ErrorKind::TimedOut).to_string();
            found.push(Finding::new(area, "reached", Verdict::Fail, |l| {
                s::doctor_unreachable(l, &url, &why)
            }));
            return found;
        }
    };
    found.push(if url.starts_with("https://") {
        Finding::new(area, "reached", Verdict::Ok, |l| {
            s::doctor_reached_tls(l, &url)
        })
    } else if local {
        Finding::new(area, "reached", Verdict::Ok, |l| {
            s::doctor_reached_local(l, &url)
        })
    } else {
        Finding::new(area, "reached", Verdict::Warn, |l| {
            s::doctor_reached_plain(l, &url)
        })
    });
    let credentials = credentials(kind, &client).await;
    // A clock the provider still takes is only told (its tolerance is undocumented).
    found.push(clock(
        kind,
        answer.headers(),
        credentials.verdict == Verdict::Ok,
    ));
    found.push(credentials);
    if let Some(callback) = settings.text("callback_url").filter(|u| !u.is_empty()) {
        found.push(if is_private(callback) {
            Finding::new(area, "callback", Verdict::Warn, |l| {
                s::doctor_callback_private(l, callback)
            })
        } else {
            Finding::new(area, "callback", Verdict::Ok, |l| {
                s::doctor_callback_ok(l, callback)
            })
        });
    }
    found
}

/// This machine's clock against the provider's `Date`.
fn clock(kind: ProviderKind, headers: &reqwest::header::HeaderMap, taken: bool) -> Finding {
    let area = Area::Provider(kind);
    let label = kind.label();
    let date = headers
        .get(reqwest::header::DATE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| chrono::DateTime::parse_from_rfc2822(v.trim()).ok());
    let Some(date) = date else {
        return Finding::new(area, "clock", Verdict::Warn, |l| {
            s::doctor_clock_unknown(l, label)
        });
    };
    // Positive: this machine is ahead of the provider.
    let skew = chrono::Utc::now().timestamp() - date.timestamp();
    if skew.abs() < CLOCK_OFF_SECS {
        return Finding::new(area, "clock", Verdict::Ok, |l| {
            s::doctor_clock_ok(l, label, skew.abs().max(1))
        });
    }
    let signed = kind.spec().clock_signed;
    let verdict = if signed && !taken {
        Verdict::Fail
    } else {
        Verdict::Warn
    };
    Finding::new(area, "clock", verdict, |l| {
        let span = crate::strings::span_in(l, skew.unsigned_abs());
        s::doctor_clock_off(l, label, &span, skew > 0, signed, taken)
    })
}

/// A status query of a fresh reference (and a fresh id, for a provider asked by id): it
/// charges nobody, and only credentials the provider accepts get an answer.
async fn credentials(kind: ProviderKind, client: &Arc<dyn Provider>) -> Finding {
    let area = Area::Provider(kind);
    let now = chrono::Utc::now();
    let charged = Charged {
        reference: crate::reference::Reference::generate(kind, now.timestamp()),
        amount: crate::money::Money::from_minor(kind.currency().minimum_minor(), kind.currency()),
        phone: String::new(),
        provider_id: Some(crate::reference::uuid_v4()),
        sent_at: Some(now),
    };
    match tokio::time::timeout(WITHIN, client.credentials(&charged)).await {
        Ok(Ok(_)) => Finding::new(area, "credentials", Verdict::Ok, s::doctor_credentials_ok),
        Ok(Err(ProviderError::Configuration { message })) => {
            Finding::new(area, "credentials", Verdict::Fail, |l| {
                s::doctor_credentials_refused(l, &message.text(l))
            })
        }
        Ok(Err(ProviderError::Rejected { message, .. })) => {
            Finding::new(area, "credentials", Verdict::Warn, |l| {
                s::doctor_credentials_odd(l, &message.text(l))
            })
        }
        Ok(Err(ProviderError::RetryLater { message, .. } | ProviderError::Unknown { message })) => {
            Finding::new(area, "credentials", Verdict::Fail, |l| {
                s::doctor_credentials_unchecked(l, &message.text(l))
            })
        }
        Err(_) => {
            let why = std::io::Error::from(std::io::ErrorKind::TimedOut).to_string();
            Finding::new(area, "credentials", Verdict::Fail, |l| {
                s::doctor_credentials_unchecked(l, &why)
            })
        }
    }
}

/// A base URL as a person may see it: a user and password written in it are left out.
fn shown(url: &str) -> String {
    match reqwest::Url::parse(url) {
        Ok(mut u) if !u.username().is_empty() || u.password().is_some() => {
            let _ = u.set_username("");
            let _ = u.set_password(None);
            u.to_string().trim_end_matches('/').to_string()
        }
        _ => url.to_string(),
    }
}

/// An error and its causes, one after another (reqwest's own says only "error sending request").
fn chain(e: &(dyn std::error::Error + 'static)) -> String {
    let mut parts = vec![e.to_string()];
    let mut source = e.source();
    while let Some(cause) = source {
        let text = cause.to_string();
        if !parts.iter().any(|p| p.contains(&text)) {
            parts.push(text);
        }
        source = cause.source();
    }
    parts.join(": ")
}

fn says_tls(why: &str) -> bool {
    let why = why.to_ascii_lowercase();
    ["certificate", "tls", "handshake", "ssl"]
        .iter()
        .any(|w| why.contains(w))
}

/// The host of an `http(s)://` URL.
fn host(url: &str) -> Option<String> {
    reqwest::Url::parse(url).ok().and_then(|u| {
        u.host_str()
            .map(|h| h.trim_matches(['[', ']']).to_ascii_lowercase())
    })
}

fn is_loopback(url: &str) -> bool {
    host(url).is_some_and(|h| {
        h == "localhost"
            || h.parse::<std::net::IpAddr>()
                .is_ok_and(|ip| ip.is_loopback())
    })
}

/// A host no provider on the internet can reach: this machine, a private or link-local
/// network, a `.local` or `.internal` name, a reserved example domain.
fn is_private(url: &str) -> bool {
    let Some(h) = host(url) else {
        return true;
    };
    if let Ok(ip) = h.parse::<std::net::IpAddr>() {
        return match ip {
            std::net::IpAddr::V4(v4) => {
                v4.is_loopback() || v4.is_private() || v4.is_link_local() || v4.is_unspecified()
            }
            std::net::IpAddr::V6(v6) => {
                v6.is_loopback() || v6.is_unspecified() || (v6.segments()[0] & 0xfe00) == 0xfc00
            }
        };
    }
    h == "localhost"
        || [".localhost", ".local", ".internal", ".lan", ".home.arpa"]
            .iter()
            .any(|s| h.ends_with(s))
        || h == "example.com"
        || h.ends_with(".example.com")
        || h.ends_with(".example")
        || h.ends_with(".test")
        || h.ends_with(".invalid")
}

#[cfg(test)]
mod tests {
    use super::{is_loopback, is_private};

    #[test]
    fn private_callback_addresses_are_told_apart() {
        for private in [
            "https://localhost/hooks",
            "https://127.0.0.1:8443/x",
            "https://192.168.1.20/hooks/acmepay",
            "https://10.0.0.5/x",
            "https://till.local/x",
            "https://shop.example.com/hooks",
            "https://[::1]/x",
            "https://[fd00::1]/x",
        ] {
            assert!(is_private(private), "{private}");
        }
        for public in [
            "https://pay.duka.co.tz/hooks/acmepay",
            "https://203.0.113.9.nip.io/x",
            "https://41.59.1.2/x",
        ] {
            assert!(!is_private(public), "{public}");
        }
        assert!(is_loopback("http://127.0.0.1:8080/acmepay"));
        assert!(is_loopback("http://localhost:8080"));
        assert!(!is_loopback("https://api.acmepay.example"));
    }
}
