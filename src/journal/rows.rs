//! Row mapping between SQLite and the domain types.

use super::JournalError;
use crate::money::{Currency, Money};
use crate::msg::Msg;
use crate::payment::{Event, EventKind, LookupKind, Payment, Status};
use crate::provider_kind::ProviderKind;
use crate::reference::Reference;
use chrono::{DateTime, SecondsFormat, Utc};
use rusqlite::{Connection, OptionalExtension, Params, Row};

/// Every column of a payment, in the order [`payment`] reads them. `replaced_by` is the newest
/// payment that sends this one again.
pub const COLUMNS: &str = "id, provider, reference, phone, amount_minor, currency, channel, email,
    name, status, message, provider_id, created_at, updated_at, sent_at, polls, checked,
    said, lookup, heard_at, checked_by, checked_at, check_note, replaces,
    (SELECT MAX(r.id) FROM payments r WHERE r.replaces = payments.id), operator, flag, till, wallet_ref";

/// Timestamps are stored as RFC 3339 UTC with microseconds, so text order is time order.
pub fn ts(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Micros, true)
}

pub(super) fn parse_ts(text: &str) -> rusqlite::Result<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(text)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|e| corrupt(format!("timestamp {text}: {e}")))
}

fn opt_ts(text: Option<String>) -> rusqlite::Result<Option<DateTime<Utc>>> {
    text.as_deref().map(parse_ts).transpose()
}

fn corrupt(msg: String) -> rusqlite::Error {
    rusqlite::Error::FromSqlConversionFailure(
        0,
        rusqlite::types::Type::Text,
        Box::new(JournalError::Corrupt(msg)),
    )
}

pub fn payment(r: &Row<'_>) -> rusqlite::Result<Payment> {
    let provider: String = r.get(1)?;
    let currency: String = r.get(5)?;
    let status: String = r.get(9)?;
    let currency = Currency::from_code(&currency).ok_or_else(|| corrupt(currency))?;
    let lookup: Option<String> = r.get(18)?;
    Ok(Payment {
        id: r.get(0)?,
        provider: ProviderKind::from_id(&provider).ok_or_else(|| corrupt(provider))?,
        reference: Reference::from_stored(r.get(2)?),
        phone: r.get(3)?,
        amount: Money::from_minor(r.get(4)?, currency),
        channel: r.get(6)?,
        email: r.get(7)?,
        name: r.get(8)?,
        status: Status::from_id(&status).ok_or_else(|| corrupt(status))?,
        message: Msg::from_stored(&r.get::<_, String>(10)?),
        provider_id: r.get(11)?,
        created_at: parse_ts(&r.get::<_, String>(12)?)?,
        updated_at: parse_ts(&r.get::<_, String>(13)?)?,
        sent_at: opt_ts(r.get(14)?)?,
        polls: r.get(15)?,
        checked: r.get::<_, i64>(16)? != 0,
        said: Msg::from_stored(&r.get::<_, String>(17)?),
        lookup: lookup.as_deref().and_then(LookupKind::from_id),
        heard_at: opt_ts(r.get(19)?)?,
        checked_by: r.get(20)?,
        checked_at: opt_ts(r.get(21)?)?,
        check_note: r.get(22)?,
        replaces: r.get(23)?,
        replaced_by: r.get(24)?,
        operator: r
            .get::<_, Option<String>>(25)?
            .unwrap_or_else(|| crate::operator::UNKNOWN.to_string()),
        flag: r
            .get::<_, Option<String>>(26)?
            .map(|f| Msg::from_stored(&f)),
        till: r
            .get::<_, Option<String>>(27)?
            .unwrap_or_else(|| crate::operator::UNKNOWN.to_string()),
        wallet_ref: r.get(28)?,
    })
}

pub fn get(conn: &Connection, id: i64) -> rusqlite::Result<Option<Payment>> {
    conn.prepare_cached(&format!("SELECT {COLUMNS} FROM payments WHERE id = ?1"))?
        .query_row([id], payment)
        .optional()
}

pub fn select<P: Params>(
    conn: &Connection,
    tail: &str,
    params: P,
) -> Result<Vec<Payment>, JournalError> {
    let mut stmt = conn.prepare_cached(&format!("SELECT {COLUMNS} FROM payments {tail}"))?;
    let rows = stmt.query_map(params, payment)?;
    Ok(rows.collect::<Result<Vec<_>, _>>()?)
}

/// [`select`], each payment in the allocation it will be shared in (ten thousand open
/// payments read for a server's consoles were a 9 MB list, then copied into shared ones).
pub fn select_shared<P: Params>(
    conn: &Connection,
    tail: &str,
    params: P,
) -> Result<Vec<std::sync::Arc<Payment>>, JournalError> {
    let mut stmt = conn.prepare_cached(&format!("SELECT {COLUMNS} FROM payments {tail}"))?;
    let rows = stmt.query_map(params, payment)?;
    Ok(rows
        .map(|r| r.map(std::sync::Arc::new))
        .collect::<Result<Vec<_>, _>>()?)
}

/// A payment's history, oldest first.
pub const EVENTS: &str = "SELECT payment_id, at, status, message, kind, who FROM events
     WHERE payment_id = ?1 ORDER BY id";

pub fn events(conn: &Connection, id: i64) -> Result<Vec<Event>, JournalError> {
    let mut stmt = conn.prepare_cached(EVENTS)?;
    let rows = stmt.query_map([id], |r| {
        let status: String = r.get(2)?;
        let kind: String = r.get(4)?;
        Ok(Event {
            payment_id: r.get(0)?,
            at: parse_ts(&r.get::<_, String>(1)?)?,
            status: Status::from_id(&status).ok_or_else(|| corrupt(status))?,
            message: Msg::from_stored(&r.get::<_, String>(3)?),
            kind: EventKind::from_id(&kind).unwrap_or(EventKind::Status),
            who: r.get(5)?,
        })
    })?;
    Ok(rows.collect::<Result<Vec<_>, _>>()?)
}

/// Adds an entry to a payment's history.
pub fn add_event(
    conn: &Connection,
    id: i64,
    at: &str,
    kind: EventKind,
    status: Status,
    message: &Msg,
    who: Option<&str>,
) -> rusqlite::Result<()> {
    conn.prepare_cached(
        "INSERT INTO events (payment_id, at, status, message, kind, who)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?
    .execute(rusqlite::params![
        id,
        at,
        status.id(),
        message.to_stored(),
        kind.id(),
        who
    ])?;
    Ok(())
}
