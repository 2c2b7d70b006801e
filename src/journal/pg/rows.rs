//! Row mapping between the shared ledger and the domain types.

use super::super::JournalError;
use crate::money::{Currency, Money};
use crate::msg::Msg;
use crate::payment::{Event, EventKind, LookupKind, Payment, Status};
use crate::provider_kind::ProviderKind;
use crate::reference::Reference;
use chrono::{DateTime, Utc};
use deadpool_postgres::GenericClient;
use tokio_postgres::Row;
use tokio_postgres::types::ToSql;

/// Every column of a payment, in the order [`payment`] reads them.
pub const COLUMNS: &str = "id, provider, reference, phone, amount_minor, currency, channel, email,
    name, status, message, provider_id, created_at, updated_at, sent_at, polls, checked,
    said, lookup, heard_at, checked_by, checked_at, check_note, replaces,
    (SELECT MAX(r.id) FROM payments r WHERE r.replaces = payments.id), operator, flag, till, wallet_ref";

pub type Params<'a> = &'a [&'a (dyn ToSql + Sync)];

fn corrupt(what: String) -> JournalError {
    JournalError::Corrupt(what)
}

pub fn payment(r: &Row) -> Result<Payment, JournalError> {
    let provider: String = r.try_get(1)?;
    let currency: String = r.try_get(5)?;
    let status: String = r.try_get(9)?;
    let currency = Currency::from_code(&currency).ok_or_else(|| corrupt(currency))?;
    let lookup: Option<String> = r.try_get(18)?;
    let polls: i64 = r.try_get(15)?;
    Ok(Payment {
        id: r.try_get(0)?,
        provider: ProviderKind::from_id(&provider).ok_or_else(|| corrupt(provider))?,
        reference: Reference::from_stored(r.try_get(2)?),
        phone: r.try_get(3)?,
        amount: Money::from_minor(r.try_get(4)?, currency),
        channel: r.try_get(6)?,
        email: r.try_get(7)?,
        name: r.try_get(8)?,
        status: Status::from_id(&status).ok_or_else(|| corrupt(status))?,
        message: Msg::from_stored(&r.try_get::<_, String>(10)?),
        provider_id: r.try_get(11)?,
        created_at: r.try_get(12)?,
        updated_at: r.try_get(13)?,
        sent_at: r.try_get(14)?,
        polls: u32::try_from(polls).unwrap_or(u32::MAX),
        checked: r.try_get(16)?,
        said: Msg::from_stored(&r.try_get::<_, String>(17)?),
        lookup: lookup.as_deref().and_then(LookupKind::from_id),
        heard_at: r.try_get(19)?,
        checked_by: r.try_get(20)?,
        checked_at: r.try_get(21)?,
        check_note: r.try_get(22)?,
        replaces: r.try_get(23)?,
        replaced_by: r.try_get(24)?,
        operator: r
            .try_get::<_, Option<String>>(25)?
            .unwrap_or_else(|| crate::operator::UNKNOWN.to_string()),
        flag: r
            .try_get::<_, Option<String>>(26)?
            .map(|f| Msg::from_stored(&f)),
        till: r
            .try_get::<_, Option<String>>(27)?
            .unwrap_or_else(|| crate::operator::UNKNOWN.to_string()),
        wallet_ref: r.try_get(28)?,
    })
}

pub async fn select<C: GenericClient>(
    c: &C,
    tail: &str,
    params: Params<'_>,
) -> Result<Vec<Payment>, JournalError> {
    let sql = format!("SELECT {COLUMNS} FROM payments {tail}");
    let stmt = c.prepare_cached(&sql).await?;
    c.query(&stmt, params).await?.iter().map(payment).collect()
}

pub async fn get<C: GenericClient>(c: &C, id: i64) -> Result<Option<Payment>, JournalError> {
    Ok(select(c, "WHERE id = $1", &[&id]).await?.into_iter().next())
}

/// The payment, its row locked until the transaction ends.
pub async fn lock<C: GenericClient>(c: &C, id: i64) -> Result<Payment, JournalError> {
    c.execute("SELECT 1 FROM payments WHERE id = $1 FOR UPDATE", &[&id])
        .await?;
    get(c, id).await?.ok_or(JournalError::NoSuchPayment(id))
}

/// The database's clock (every till's times come from this one clock).
pub async fn now<C: GenericClient>(c: &C) -> Result<DateTime<Utc>, JournalError> {
    Ok(c.query_one("SELECT clock_timestamp()", &[])
        .await?
        .try_get(0)?)
}

pub async fn events<C: GenericClient>(c: &C, id: i64) -> Result<Vec<Event>, JournalError> {
    let rows = c
        .query(
            "SELECT payment_id, at, status, message, kind, who FROM events
             WHERE payment_id = $1 ORDER BY id",
            &[&id],
        )
        .await?;
    rows.iter()
        .map(|r| {
            let status: String = r.try_get(2)?;
            let kind: String = r.try_get(4)?;
            Ok(Event {
                payment_id: r.try_get(0)?,
                at: r.try_get(1)?,
                status: Status::from_id(&status).ok_or_else(|| corrupt(status))?,
                message: Msg::from_stored(&r.try_get::<_, String>(3)?),
                kind: EventKind::from_id(&kind).unwrap_or(EventKind::Status),
                who: r.try_get(5)?,
            })
        })
        .collect()
}

#[allow(clippy::too_many_arguments)]
pub async fn add_event<C: GenericClient>(
    c: &C,
    id: i64,
    at: DateTime<Utc>,
    kind: EventKind,
    status: Status,
    message: &Msg,
    who: Option<&str>,
) -> Result<(), JournalError> {
    c.execute(
        "INSERT INTO events (payment_id, at, status, message, kind, who)
         VALUES ($1, $2, $3, $4, $5, $6)",
        &[
            &id,
            &at,
            &status.id(),
            &message.to_stored(),
            &kind.id(),
            &who,
        ],
    )
    .await?;
    Ok(())
}
