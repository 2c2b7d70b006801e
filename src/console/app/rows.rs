//! The pending pane's rows: news in, finished rows kept until the cashier clears them, the
//! clock they need.

use super::{App, PROMPT_LIFE, SEND_TAKES};
use crate::payment::{Payment, Status};
use std::sync::Arc;
use std::time::Duration;

/// How far back a console that starts shows finished payments (pushed in the last ten
/// minutes), and news of one it never held.
pub const RECENT_MINUTES: i64 = 10;

impl App {
    /// Finished payments cleared by this operator: out of the list, and never shown again.
    pub fn forget_cleared(&mut self, ids: Vec<i64>) {
        self.rows.retain(|id, p| !(is_done(p) && ids.contains(id)));
        self.cleared.extend(ids);
        if self.selected.is_some_and(|id| !self.rows.contains_key(&id)) {
            self.selected = self.first_row();
        }
    }
}

impl App {
    /// Ids of the pending pane in its order: those that need a person first (they must not
    /// scroll out of sight on a small screen), then newest first.
    /// [`Rows::ordered`](super::Rows::ordered) now.
    pub fn ordered(&self) -> impl Iterator<Item = i64> + '_ {
        let fresh = chrono::Duration::from_std(PROMPT_LIFE).unwrap_or_default();
        self.rows.ordered(self.now - fresh)
    }

    /// The first row of the pane.
    pub fn first_row(&self) -> Option<i64> {
        self.ordered().next()
    }

    pub fn row_ids(&self) -> Vec<i64> {
        self.ordered().collect()
    }

    /// Payments the tracker still follows (their age counts).
    pub fn waiting(&self) -> usize {
        self.rows.waiting()
    }

    /// Payments waiting for a person (attention, not yet checked).
    pub fn needing_you(&self) -> usize {
        self.rows.needing_you()
    }

    /// Finished rows still shown (paid, failed, checked), and how many of them failed.
    pub fn finished(&self) -> (usize, usize) {
        self.rows.finished()
    }

    /// Adds or refreshes a payment. Returns true when it just became paid or failed.
    pub fn upsert(&mut self, p: Arc<Payment>) -> bool {
        if self.limits.own_only && p.operator != self.operator {
            // Another operator's payment: not this console's to show.
            return false;
        }
        if self.find(p.id).is_some_and(|old| is_newer(old, &p)) {
            return false;
        }
        let before = self.rows.get(&p.id).map(|old| old.status);
        // A finished payment this list never held is shown only as a console that starts
        // shows one: pushed lately and not cleared by this operator. A chain's ledger read
        // again (at start, after a cut) brings the whole last day.
        let old_news = before.is_none()
            && is_done(&p)
            && (self.cleared.contains(&p.id)
                || p.created_at < self.now - chrono::Duration::minutes(RECENT_MINUTES));
        let settled = !old_news && p.status.is_final() && before.is_none_or(|b| !b.is_final());
        if let Some(d) = self.detail.as_mut().filter(|d| d.id == p.id) {
            *d = Payment::clone(&p);
        }
        if let Some(t) = self.today.as_mut().filter(|t| t.holds(&p)) {
            t.stale = true;
            let newest = t.summary.as_ref().map_or(i64::MAX, |s| s.newest_id);
            match t.page.iter_mut().find(|q| q.id == p.id) {
                Some(q) => *q = Payment::clone(&p),
                // A payment of today not seen before: the newest. The selection stays on its
                // payment, one row further down.
                None if p.id > newest => {
                    if let Some(s) = t.summary.as_mut() {
                        s.newest_id = p.id;
                        s.count += 1;
                    }
                    if t.first == 0 {
                        t.page.insert(0, Payment::clone(&p));
                        t.page.truncate(super::TODAY_PAGE * 2);
                    } else {
                        t.first += 1;
                    }
                    t.cursor += 1;
                }
                None => {}
            }
        }
        if let Some(old) = p.replaces {
            self.again_in_flight.remove(&old);
        }
        let shown = !old_news && (before.is_some() || !is_done(&p) || settled);
        if shown {
            self.rows.insert(p);
        }
        settled
    }

    /// Takes the finished rows (paid, failed, checked) out of the pending pane: the cashier has
    /// seen them. They stay in today's list and the journal. Returns the ids that left.
    pub fn clear_done(&mut self) -> Vec<i64> {
        let gone: Vec<i64> = self
            .rows
            .values()
            .filter(|p| is_done(p))
            .map(|p| p.id)
            .collect();
        self.rows.retain(|_, p| !is_done(p));
        self.cleared.extend(gone.iter().copied());
        if self.selected.is_some_and(|id| !self.rows.contains_key(&id)) {
            self.selected = self.first_row();
        }
        gone
    }

    /// How long the runtime may sleep before the app needs the clock again: a second while
    /// ages count, until a finished row's minute turns, until the wallet check is due, never
    /// when nothing changes.
    pub fn next_wake(&self) -> Option<Duration> {
        let stale_today = self.today.as_ref().is_some_and(|t| t.stale);
        let second = (self.ticking() || stale_today).then_some(Duration::from_secs(1));
        // A frame a second draws the coarse ages too (a minute may turn up to a second late).
        let coarse = if second.is_some() {
            None
        } else {
            self.done_wake()
        };
        [second, coarse, self.preview_wake()]
            .into_iter()
            .flatten()
            .min()
    }

    /// Some shown age counts by the second (a payment the customer may still answer).
    fn ticking(&self) -> bool {
        self.rows.ticking()
    }

    /// Until the age of a finished row shown next changes (they count in whole minutes, then
    /// hours: a quiet till sends a few bytes a minute, not a second). Only rows that can be on
    /// the screen count (a supervisor's list holds thousands).
    fn done_wake(&self) -> Option<Duration> {
        let above = self
            .selected
            .and_then(|sel| self.ordered().position(|id| id == sel))
            .unwrap_or(0);
        let room = usize::from(self.size.1) + above;
        self.ordered()
            .take(room)
            .filter_map(|id| self.rows.get(&id))
            .map(|p| &**p)
            .chain(self.detail.as_ref())
            .filter(|p| counts_coarsely(p))
            .map(|p| {
                let secs = self.age(p).num_seconds().max(0);
                let unit = if secs < 3600 { 60 } else { 3600 };
                Duration::from_secs((unit - secs % unit) as u64)
            })
            .min()
    }

    /// How long since the payment was sent, now: a paid payment of five minutes ago is five
    /// minutes old, however quickly it was paid. Always from the send.
    pub fn age(&self, p: &Payment) -> chrono::Duration {
        let start = p.sent_at.unwrap_or(p.created_at);
        (self.now - start).max(chrono::Duration::zero())
    }

    /// The prompt is no longer on the customer's phone: a still pending payment is being
    /// checked, not waited for.
    pub fn prompt_expired(&self, p: &Payment) -> bool {
        self.age(p).to_std().unwrap_or_default() >= PROMPT_LIFE
    }

    /// A *sending* row older than a send takes: left by a process that stopped, being
    /// checked with the provider.
    pub fn send_left_behind(&self, p: &Payment) -> bool {
        p.status == Status::Sending
            && (self.now - p.created_at).to_std().unwrap_or_default() >= SEND_TAKES
    }
}

/// The tracker still follows it.
pub fn is_waiting(p: &Payment) -> bool {
    !p.status.is_final() && p.status != Status::Attention
}

/// Nothing more will happen to it without a person: paid, failed, or attention looked at.
/// Whether a payment's age is shown in whole minutes, then hours: once it is finished, or
/// waits for a person (nobody's answer is due by the second; an idle console with old rows
/// sends a few bytes an hour, not a second).
pub fn counts_coarsely(p: &Payment) -> bool {
    is_done(p) || p.status == Status::Attention
}

pub fn is_done(p: &Payment) -> bool {
    p.status.is_final() || (p.status == Status::Attention && p.checked)
}

/// `old` is a later state than `new` (news can arrive out of order).
fn is_newer(old: &Payment, new: &Payment) -> bool {
    (old.status.is_final() && !new.status.is_final())
        || (old.updated_at, old.polls) > (new.updated_at, new.polls)
}

/// Whether a row shows the same of `new` as of `old`: they differ at most in what a question
/// that changed nothing moves (its count, when it was asked and answered). Every field is named,
/// so one added later is placed here.
pub fn shows_same(old: &Payment, new: &Payment) -> bool {
    let Payment {
        id,
        provider,
        reference,
        phone,
        amount,
        channel,
        email,
        name,
        status,
        message,
        said,
        lookup: _,
        heard_at: _,
        provider_id,
        created_at,
        updated_at: _,
        sent_at,
        polls: _,
        checked,
        checked_by,
        checked_at,
        check_note,
        replaces,
        replaced_by,
        operator,
        flag,
        till,
        wallet_ref,
    } = new;
    *id == old.id
        && *provider == old.provider
        && *reference == old.reference
        && *phone == old.phone
        && *amount == old.amount
        && *channel == old.channel
        && *email == old.email
        && *name == old.name
        && *status == old.status
        && *message == old.message
        && *said == old.said
        && *provider_id == old.provider_id
        && *created_at == old.created_at
        && *sent_at == old.sent_at
        && *checked == old.checked
        && *checked_by == old.checked_by
        && *checked_at == old.checked_at
        && *check_note == old.check_note
        && *replaces == old.replaces
        && *replaced_by == old.replaced_by
        && *operator == old.operator
        && *flag == old.flag
        && *till == old.till
        && *wallet_ref == old.wallet_ref
}
