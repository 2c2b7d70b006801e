//! The providers' callbacks (`lipa serve --http`): a callback **wakes, it never decides**.
//! Each is answered `200` at once; then read by its provider's folder (what payment it names,
//! whether its signature holds, what it says of the money), kept in the journal or the ledger
//! beside that payment (or for a person when it names none, or disagrees with the payment),
//! and the process that follows the payment asks the provider now — this one (it takes the
//! payment's lease when nobody holds it), or the till holding the lease, told through the
//! journal or the ledger. Only the answer to that question moves the payment; polling never
//! stops.

mod limit;
mod listener;
mod receiver;

pub use listener::IDLE_MAX;
pub use receiver::{MAX_BODY, Receiver, router, serve};

use crate::engine::Engine;
use crate::journal::hooks::{HookSaved, NewHook};
use crate::msg::Msg;
use crate::payment::Payment;
use crate::provider::callback_address::token_hash;
use crate::provider::hook::{HookCheck, HookRead, HookRequest, Named};
use crate::provider::http_signature;
use crate::provider::settings::Settings;
use crate::provider_kind::ProviderKind;

/// What was made of one callback.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Taken {
    /// `asked`, `final`, `unmatched`, `disagrees`, or `duplicate`.
    pub outcome: &'static str,
    pub payment: Option<i64>,
}

/// Reads, keeps and acts on one callback for the rows `kinds` (one path may serve two rows:
/// pawaPay's one dashboard address for both countries).
pub async fn take(
    engine: &Engine,
    kinds: &[(ProviderKind, Settings)],
    headers: &reqwest::header::HeaderMap,
    body: &[u8],
    source: &str,
    target: &str,
    addressed: Option<(i64, String)>,
) -> Result<Taken, crate::engine::EngineError> {
    let Some((first, first_settings)) = kinds.first() else {
        return Ok(Taken {
            outcome: "unmatched",
            payment: None,
        });
    };
    let keys = keys(engine, *first, headers).await;
    let (path, query) = match target.split_once('?') {
        Some((p, q)) => (p, Some(q)),
        None => (target, None),
    };
    let request = HookRequest {
        headers,
        body,
        authority: headers
            .get(reqwest::header::HOST)
            .and_then(|h| h.to_str().ok())
            .unwrap_or(""),
        path,
        query,
        keys: &keys,
        now: chrono::Utc::now().timestamp(),
    };
    let read = match first.spec().hook {
        Some(reader) => reader(&request, first_settings),
        None => HookRead::unreadable(),
    };
    let mut found: Option<Payment> = None;
    let mut provider = *first;
    // The payment's own address: its token must be the one kept for it.
    let addressed_to = addressed.as_ref().map(|(id, _)| *id);
    let by_address = match addressed {
        Some((id, token)) => by_token(engine, kinds, id, &token).await?,
        None => None,
    };
    let checked = match (&addressed_to, &by_address, &read.checked) {
        (_, Some(_), HookCheck::Unsigned) => "token".to_string(),
        // Sent to a payment's own address with another token: forged, or a stale address.
        (Some(_), None, HookCheck::Unsigned) => HookCheck::Refused(String::new()).id().to_string(),
        (_, _, c) => c.id().to_string(),
    };
    if let Some(mut p) = by_address {
        // The send's answer was lost: the callback gives the provider's id, which the
        // question that follows asks by.
        if let (None, Some(Named::ProviderId(id))) = (&p.provider_id, &read.named) {
            let (pid, given) = (p.id, id.trim().to_string());
            engine
                .read(move |j| j.set_provider_id_if_none(pid, &given))
                .await?;
            let pid = p.id;
            if let Some(again) = engine.read(move |j| j.get(pid)).await? {
                p = again;
            }
        }
        provider = p.provider;
        found = Some(p);
    } else if let Some(named) = read.named.clone() {
        for (kind, _) in kinds {
            let (kind, named) = (*kind, named.clone());
            let hit = engine
                .read(move |j| match &named {
                    Named::Reference(r) => {
                        let reference =
                            crate::reference::Reference::from_stored(r.trim().to_string());
                        j.by_reference(kind, &reference)
                    }
                    Named::ProviderId(id) => j.by_provider_id(kind, id.trim()),
                })
                .await?;
            if let Some(p) = hit {
                provider = kind;
                found = Some(p);
                break;
            }
        }
    }
    if found.is_none()
        && let Some(amount) = read.amount
        && let Some((kind, _)) = kinds
            .iter()
            .find(|(k, _)| k.currency() == amount.currency())
    {
        // Naming no payment: kept under the row its currency says (one address serves two).
        provider = *kind;
    }
    let disagrees = found.as_ref().and_then(|p| disagreement(p, &read));
    let disagrees = disagrees.or_else(|| {
        // Addressed to one payment, naming another's id.
        let (p, Some(Named::ProviderId(id))) = (found.as_ref()?, &read.named) else {
            return None;
        };
        p.provider_id
            .as_deref()
            .filter(|known| known.trim() != id.trim())
            .map(|_| id.clone())
    });
    let outcome = match (&found, &disagrees) {
        (None, _) => "unmatched",
        (Some(_), Some(_)) => "disagrees",
        (Some(p), None) if p.status.is_final() => "final",
        (Some(_), None) => "asked",
    };
    let message = match &disagrees {
        Some(what) => Msg::HookDisagrees {
            provider,
            what: what.clone(),
        },
        None => Msg::HookHeard {
            provider,
            check: checked.clone(),
            from: source.to_string(),
        },
    };
    if let HookCheck::Refused(why) = &read.checked {
        tracing::warn!(
            provider = provider.id(),
            source,
            why,
            "a callback's signature did not verify"
        );
    }
    let hook = NewHook {
        provider,
        source: source.to_string(),
        checked,
        named: read.named.as_ref().map(Named::describe).unwrap_or_default(),
        payment_id: found.as_ref().map(|p| p.id),
        outcome: outcome.to_string(),
        body: String::from_utf8_lossy(body).into_owned(),
        message,
    };
    let saved = engine.read(move |j| j.record_hook(&hook)).await?;
    tracing::info!(provider = provider.id(), source, outcome, payment = ?found.as_ref().map(|p| p.id), duplicate = saved == HookSaved::Duplicate, "callback");
    if saved == HookSaved::Duplicate {
        return Ok(Taken {
            outcome: "duplicate",
            payment: found.map(|p| p.id),
        });
    }
    if let (Some(p), "asked") = (&found, outcome) {
        engine.hint(p.id);
    }
    Ok(Taken {
        outcome,
        payment: found.map(|p| p.id),
    })
}

/// The provider's public keys for a signed callback (none for an unsigned one): kept, or
/// read again when the signature names a key not kept.
async fn keys(
    engine: &Engine,
    kind: ProviderKind,
    headers: &reqwest::header::HeaderMap,
) -> Vec<http_signature::PublicKey> {
    if !http_signature::is_signed(headers) {
        return Vec::new();
    }
    let Some(provider) = engine.provider(kind) else {
        return Vec::new();
    };
    let keys = provider.hook_keys(false).await;
    if http_signature::names_unknown_key(headers, &keys) {
        return provider.hook_keys(true).await;
    }
    keys
}

/// The payment a callback's own address names, when its token is the one kept for it and it
/// is one of `kinds`' payments.
async fn by_token(
    engine: &Engine,
    kinds: &[(ProviderKind, Settings)],
    id: i64,
    token: &str,
) -> Result<Option<Payment>, crate::engine::EngineError> {
    let kept = engine.read(move |j| j.hook_token(id)).await?;
    let given = token_hash(token);
    let same = kept.is_some_and(|k| {
        k.len() == given.len()
            && k.bytes()
                .zip(given.bytes())
                .fold(0u8, |d, (a, b)| d | (a ^ b))
                == 0
    });
    if !same {
        tracing::warn!(
            id,
            "a callback's address does not match its payment's token"
        );
        return Ok(None);
    }
    let p = engine.read(move |j| j.get(id)).await?;
    Ok(p.filter(|p| kinds.iter().any(|(k, _)| *k == p.provider)))
}

/// What a callback says that the payment contradicts: another amount, or another phone.
fn disagreement(p: &Payment, read: &HookRead) -> Option<String> {
    if let Some(amount) = read.amount
        && amount != p.amount
    {
        return Some(amount.to_string());
    }
    let digits = |t: &str| t.chars().filter(char::is_ascii_digit).collect::<String>();
    if let Some(phone) = &read.phone {
        let (said, ours) = (digits(phone), digits(&p.phone));
        // The last nine digits: a wallet may write 0712…, 255712… or 712….
        let tail = |t: &str| t.chars().rev().take(9).collect::<String>();
        if !said.is_empty() && tail(&said) != tail(&ours) {
            return Some(crate::phone::mask(phone));
        }
    }
    None
}
