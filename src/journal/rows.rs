//! Row mapping between SQLite and the domain types.

use super::JournalError;
use crate::money::{Currency, Money};
use crate::payment::{Event, Payment, Status};
use crate::provider::ProviderKind;
use crate::reference::Reference;
use chrono::{DateTime, SecondsFormat, Utc};
use rusqlite::{Connection, OptionalExtension, Params, Row};

const COLUMNS: &str = "id, provider, reference, phone, amount_minor, currency, channel, email,
    name, status, message, provider_id, created_at, updated_at, sent_at, polls, checked";

/// Timestamps are stored as RFC 3339 UTC with microseconds, so text order is time order.
pub fn ts(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Micros, true)
}

fn parse_ts(text: &str) -> rusqlite::Result<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(text)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|e| corrupt(format!("timestamp {text}: {e}")))
}

fn corrupt(msg: String) -> rusqlite::Error {
    rusqlite::Error::FromSqlConversionFailure(
        0,
        rusqlite::types::Type::Text,
        Box::new(JournalError::Corrupt(msg)),
    )
}

fn payment(r: &Row<'_>) -> rusqlite::Result<Payment> {
    let provider: String = r.get(1)?;
    let currency: String = r.get(5)?;
    let status: String = r.get(9)?;
    let sent_at: Option<String> = r.get(14)?;
    let currency = Currency::from_code(&currency).ok_or_else(|| corrupt(currency))?;
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
        message: r.get(10)?,
        provider_id: r.get(11)?,
        created_at: parse_ts(&r.get::<_, String>(12)?)?,
        updated_at: parse_ts(&r.get::<_, String>(13)?)?,
        sent_at: sent_at.as_deref().map(parse_ts).transpose()?,
        polls: r.get(15)?,
        checked: r.get::<_, i64>(16)? != 0,
    })
}

pub fn get(conn: &Connection, id: i64) -> rusqlite::Result<Option<Payment>> {
    conn.query_row(
        &format!("SELECT {COLUMNS} FROM payments WHERE id = ?1"),
        [id],
        payment,
    )
    .optional()
}

pub fn select<P: Params>(
    conn: &Connection,
    tail: &str,
    params: P,
) -> Result<Vec<Payment>, JournalError> {
    let mut stmt = conn.prepare(&format!("SELECT {COLUMNS} FROM payments {tail}"))?;
    let rows = stmt.query_map(params, payment)?;
    Ok(rows.collect::<Result<Vec<_>, _>>()?)
}

pub fn events(conn: &Connection, id: i64) -> Result<Vec<Event>, JournalError> {
    let mut stmt = conn.prepare(
        "SELECT payment_id, at, status, message FROM events WHERE payment_id = ?1 ORDER BY id",
    )?;
    let rows = stmt.query_map([id], |r| {
        let status: String = r.get(2)?;
        Ok(Event {
            payment_id: r.get(0)?,
            at: parse_ts(&r.get::<_, String>(1)?)?,
            status: Status::from_id(&status).ok_or_else(|| corrupt(status))?,
            message: r.get(3)?,
        })
    })?;
    Ok(rows.collect::<Result<Vec<_>, _>>()?)
}
