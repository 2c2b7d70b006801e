//! One contract for both backends of the ledger: the embedded SQLite journal and the shared
//! PostgreSQL ledger keep the same rules — record, compare-and-set transitions, final states
//! immutable (in the database itself), history, the back office's queries, closed days, and
//! concurrent writers (several tills at once).

#[path = "support/ledger.rs"]
mod ledger;

use ledger::backends;
use lipa::journal::{Answer, Cas, Change, Filter, Guard, Journal, JournalError, Recorded};
use lipa::money::{Currency, Money};
use lipa::payment::{EventKind, NewPayment, Payment, Status};
use lipa::phone::{Country, Phone};
use lipa::provider::ProviderKind;
use lipa::reference::Reference;
use lipa::strings::Msg;
use std::sync::{Arc, Barrier};

fn sale(reference: &str, phone: &str, amount: &str) -> NewPayment {
    NewPayment {
        provider: ProviderKind::ClickPesa,
        reference: Reference::parse(reference, ProviderKind::ClickPesa).expect("ref"),
        phone: Phone::parse(phone, Country::Tanzania).expect("phone"),
        amount: Money::parse(amount, Currency::Tzs).expect("amount"),
        channel: None,
        email: None,
        name: None,
        replaces: None,
        operator: "rehema".into(),
    }
}

fn record(j: &Journal, new: &NewPayment) -> Payment {
    match j.record(new, Guard::Off).expect("record") {
        Recorded::New(p) => p,
        Recorded::Duplicate(p) => panic!("guard off, yet {} is a duplicate", p.reference),
        Recorded::Busy(p) => panic!("{} waits on the phone", p.reference),
    }
}

fn to(j: &Journal, p: &Payment, status: Status) -> Cas {
    let words = Msg::Empty;
    let change = Change {
        to: status,
        message: &words,
        provider_id: Some("CP-1"),
        heard: true,
    };
    j.transition(p.id, p.status, &change).expect("transition")
}

/// Recorded → Sending → Pending.
fn pending(j: &Journal, new: &NewPayment) -> Payment {
    let p = record(j, new);
    let p = to(j, &p, Status::Sending).into_payment();
    to(j, &p, Status::Pending).into_payment()
}

#[test]
fn a_payment_is_recorded_once_with_its_till_operator_and_history() {
    for b in backends("record") {
        let j = b.open();
        j.set_till("till-2");
        let p = record(&j, &sale("LPCONTRACT01", "0712345670", "1500"));
        assert_eq!(p.status, Status::Recorded, "{}", b.name());
        assert_eq!((p.till.as_str(), p.operator.as_str()), ("till-2", "rehema"));
        assert_eq!(p.phone, "255712345670");
        assert_eq!(p.amount.minor(), 1500);
        assert_eq!(j.get(p.id).expect("get"), Some(p.clone()), "{}", b.name());
        let again = j.record(&sale("LPCONTRACT01", "0712345671", "10"), Guard::Off);
        assert!(
            matches!(again, Err(JournalError::DuplicateReference(_))),
            "{}: {again:?}",
            b.name()
        );
        let r = p.reference.clone();
        assert_eq!(
            j.by_reference(ProviderKind::ClickPesa, &r).expect("by ref"),
            Some(p.clone())
        );
        assert!(
            j.reference_exists(ProviderKind::ClickPesa, &r)
                .expect("exists")
        );
        assert_eq!(
            j.find_reference("LPCONTRACT01")
                .expect("find")
                .map(|f| f.id),
            Some(p.id)
        );
        let events = j.events(p.id).expect("events");
        assert_eq!(events.len(), 1);
        assert_eq!(events[0].status, Status::Recorded);
        assert_eq!(
            j.integrity_check().expect("integrity"),
            "ok",
            "{}",
            b.name()
        );
    }
}

#[test]
fn transitions_are_compare_and_set_and_final_states_never_change() {
    for b in backends("transitions") {
        let j = b.open();
        let p = pending(&j, &sale("LPCONTRACT02", "0712345670", "1000"));
        // A writer that read an old status loses, and is told how the payment stands.
        let stale = Payment {
            status: Status::Sending,
            ..p.clone()
        };
        match to(&j, &stale, Status::Failed) {
            Cas::Stale(now) => assert_eq!(now.status, Status::Pending, "{}", b.name()),
            Cas::Done(_) => panic!("{}: a stale writer won", b.name()),
        }
        let paid = to(&j, &p, Status::Paid);
        assert!(paid.is_done(), "{}", b.name());
        let paid = paid.into_payment();
        assert_eq!(paid.provider_id.as_deref(), Some("CP-1"));
        assert!(!to(&j, &paid, Status::Failed).is_done(), "{}", b.name());
        let late = Answer::Found {
            to: Status::Failed,
            message: Msg::Empty,
            provider_id: None,
            channel: None,
            wallet_ref: None,
        };
        assert!(
            !j.answer(paid.id, Status::Paid, &late)
                .expect("answer")
                .is_done()
        );
        assert_eq!(
            j.get(paid.id).expect("get").map(|p| p.status),
            Some(Status::Paid)
        );
        // The database itself refuses, whoever writes to it.
        let id = paid.id;
        for sql in [
            format!("UPDATE payments SET status = 'failed' WHERE id = {id}"),
            format!("UPDATE payments SET amount_minor = 1 WHERE id = {id}"),
            format!("UPDATE payments SET message = 'x' WHERE id = {id}"),
            format!("DELETE FROM payments WHERE id = {id}"),
            format!("DELETE FROM events WHERE payment_id = {id}"),
            format!("UPDATE events SET status = 'failed' WHERE payment_id = {id}"),
        ] {
            let refused = b
                .sql(&sql)
                .expect_err(&format!("{}: {sql} was allowed", b.name()));
            assert!(refused.contains("lipa:"), "{}: {sql}: {refused}", b.name());
        }
        // A person's check of a flagged final payment is allowed; the flag stays.
        assert!(j.flag(id, &Msg::Empty).expect("flag"));
        assert!(!j.flag(id, &Msg::NotFoundYet).expect("flag again"));
        assert!(
            j.mark_checked(id, "amina", Some("called"))
                .expect("check")
                .is_done()
        );
        let kinds: Vec<EventKind> = j
            .events(id)
            .expect("events")
            .iter()
            .map(|e| e.kind)
            .collect();
        assert_eq!(kinds.last(), Some(&EventKind::Check), "{}", b.name());
        let after = j.get(id).expect("get").expect("there");
        assert_eq!((after.status, after.checked), (Status::Paid, true));
    }
}

#[test]
fn answers_count_polls_and_keep_what_they_learned() {
    for b in backends("answers") {
        let j = b.open();
        let p = pending(&j, &sale("LPCONTRACT03", "0712345670", "1000"));
        let cas = j
            .answer(p.id, Status::Pending, &Answer::NotFound)
            .expect("answer");
        let p = cas.into_payment();
        assert_eq!((p.polls, p.status), (1, Status::Pending), "{}", b.name());
        assert_eq!(p.said, Msg::NotFoundYet);
        let paid = Answer::Found {
            to: Status::Paid,
            message: Msg::Empty,
            provider_id: Some("CP-9".into()),
            channel: None,
            wallet_ref: None,
        };
        let p = j
            .answer(p.id, Status::Pending, &paid)
            .expect("paid")
            .into_payment();
        assert_eq!((p.polls, p.status), (2, Status::Paid), "{}", b.name());
        // The id from the push's own answer ("CP-1") stays.
        assert_eq!(p.provider_id.as_deref(), Some("CP-1"));
        assert!(p.heard_at.is_some());
    }
}

#[test]
fn the_back_office_queries_agree() {
    for b in backends("queries") {
        let j = b.open();
        let start = chrono::Utc::now() - chrono::Duration::seconds(5);
        let a = pending(&j, &sale("LPCONTRACT04", "0712345670", "1000"));
        let c = record(&j, &sale("LPCONTRACT05", "0754000111", "2500"));
        to(&j, &a, Status::Paid);
        let found = |f: Filter| -> Vec<String> {
            j.history(&f)
                .expect("history")
                .iter()
                .map(|p| p.reference.to_string())
                .collect()
        };
        let all = Filter {
            limit: 10,
            ..Filter::default()
        };
        assert_eq!(
            found(all.clone()),
            ["LPCONTRACT05", "LPCONTRACT04"],
            "{}",
            b.name()
        );
        let paid = Filter {
            status: Some(Status::Paid),
            ..all.clone()
        };
        assert_eq!(found(paid), ["LPCONTRACT04"], "{}", b.name());
        let phone = Filter {
            phone: Some("754000".into()),
            ..all.clone()
        };
        assert_eq!(found(phone), ["LPCONTRACT05"]);
        let reference = Filter {
            reference: Some("tract04".into()),
            ..all.clone()
        };
        assert_eq!(found(reference), ["LPCONTRACT04"]);
        // An export's pages, oldest first, one payment a page: every payment once, in order;
        // and the count the progress shows.
        let mut pages = Vec::new();
        let mut last = None;
        loop {
            let page = j
                .history(&Filter {
                    limit: 1,
                    ..all.oldest_after(last.as_ref())
                })
                .expect("page");
            let Some(p) = page.into_iter().next() else {
                break;
            };
            pages.push(p.reference.to_string());
            last = Some(p);
        }
        assert_eq!(pages, ["LPCONTRACT04", "LPCONTRACT05"], "{}", b.name());
        assert_eq!(j.history_count(&all).expect("count"), 2, "{}", b.name());
        let paid_only = Filter {
            status: Some(Status::Paid),
            ..all.clone()
        };
        assert_eq!(
            j.history_count(&paid_only).expect("count"),
            1,
            "{}",
            b.name()
        );
        let search = |q: &str| -> Vec<i64> {
            j.search(q, None, 0, 10)
                .expect("search")
                .iter()
                .map(|p| p.id)
                .collect()
        };
        assert_eq!(search("0754"), [c.id], "{}", b.name());
        assert_eq!(search("2,500"), [c.id], "{}", b.name());
        assert_eq!(search(""), [c.id, a.id]);
        assert!(
            j.search("", Some("nobody"), 0, 10)
                .expect("search")
                .is_empty()
        );
        let open: Vec<i64> = j.unresolved().expect("open").iter().map(|p| p.id).collect();
        assert_eq!(open, [c.id], "{}", b.name());
        let day = j.day_summary(start).expect("summary");
        assert_eq!((day.count, day.newest_id), (2, c.id), "{}", b.name());
        let paid_line = day
            .totals
            .iter()
            .find(|t| t.status == Status::Paid)
            .expect("paid line");
        assert_eq!((paid_line.count, paid_line.minor), (1, Some(1000)));
        assert_eq!(day.operators.len(), 1);
        assert_eq!((day.operators[0].count, day.operators[0].paid), (2, 1));
        // A day ends: what is stamped after its end is another day's (Today as the report).
        let hour = chrono::Duration::hours(1);
        let ended = j.day_summary_of(start, Some(start), None).expect("ended");
        assert_eq!(ended.count, 0, "{}", b.name());
        assert!(ended.operators.is_empty(), "{}", b.name());
        let within = j
            .day_summary_of(start, Some(start + hour), None)
            .expect("day");
        assert_eq!(within.count, 2, "{}", b.name());
        let page = |until| {
            j.day_page_of(start, until, 0, 10, None)
                .expect("page")
                .len()
        };
        assert_eq!((page(Some(start)), page(Some(start + hour))), (0, 2));
        assert_eq!(j.day_page(start, 0, 1).expect("page")[0].id, c.id);
        assert_eq!(j.day_page(start, 1, 1).expect("page")[0].id, a.id);
        assert_eq!(j.since(start).expect("since").len(), 2);
        assert_eq!(
            j.recently_done(start, None, "rehema", 5).expect("done")[0].id,
            a.id
        );
        assert_eq!(j.all().expect("all").len(), 2);
    }
}

/// A finished payment an operator cleared off their list is not "finished meanwhile" for them
/// again (a restart, a reconnect), and still is for anyone else.
#[test]
fn a_cleared_payment_stays_cleared_for_who_cleared_it() {
    for b in backends("cleared") {
        let j = b.open();
        let start = chrono::Utc::now() - chrono::Duration::minutes(10);
        let a = pending(&j, &sale("LPCLEARED01", "0712345670", "1000"));
        let a = to(&j, &a, Status::Paid).into_payment();
        let c = pending(&j, &sale("LPCLEARED02", "0712345671", "2000"));
        let c = to(&j, &c, Status::Failed).into_payment();
        let done = |who: &str| -> Vec<i64> {
            j.recently_done(start, None, who, 20)
                .expect("done")
                .iter()
                .map(|p| p.id)
                .collect()
        };
        assert_eq!(done("rehema"), [c.id, a.id], "{}", b.name());
        j.clear(&[a.id], "rehema").expect("clear");
        // Twice is the same as once.
        j.clear(&[a.id], "rehema").expect("clear again");
        assert_eq!(done("rehema"), [c.id], "{}", b.name());
        assert_eq!(done("amani"), [c.id, a.id], "{}", b.name());
        j.clear(&[c.id], "rehema").expect("clear");
        assert!(done("rehema").is_empty(), "{}", b.name());
    }
}

#[test]
fn a_day_closes_once_per_till_numbered_per_till() {
    for b in backends("closings") {
        let j = b.open();
        let (z1, new) = j
            .close_day("2026-12-01", "till-1", "amina", "{}")
            .expect("close");
        assert!(new, "{}", b.name());
        let (again, new) = j
            .close_day("2026-12-01", "till-1", "juma", "{\"x\":1}")
            .expect("again");
        assert!(!new);
        assert_eq!(again, z1, "{}: a closed day stays as it was", b.name());
        let (z2, _) = j
            .close_day("2026-12-02", "till-1", "amina", "{}")
            .expect("close");
        assert_eq!(z2.number, z1.number + 1);
        assert_eq!(
            j.closing("2026-12-01", "till-1").expect("closing"),
            Some(z1)
        );
        let refused = b.sql("DELETE FROM closings").expect_err("closings removed");
        assert!(refused.contains("never"), "{}: {refused}", b.name());
    }
}

/// Eight tills push eight different amounts to one phone at the same moment, for a provider
/// whose phones take one prompt at a time: exactly one is recorded, the others are told which
/// payment waits on the phone (a tester's six pushes at once put two prompts on one phone).
#[test]
fn concurrent_pushes_to_one_phone_one_prompt() {
    for b in backends("one_prompt") {
        let tills: Vec<Arc<Journal>> = (0..8).map(|_| Arc::new(b.open())).collect();
        let barrier = Arc::new(Barrier::new(tills.len()));
        let handles: Vec<_> = tills
            .iter()
            .enumerate()
            .map(|(i, j)| {
                let (j, barrier) = (j.clone(), barrier.clone());
                std::thread::spawn(move || {
                    let kind = ProviderKind::PawapayTz;
                    let new = NewPayment {
                        provider: kind,
                        reference: Reference::parse(&format!("LP-BUSY-{i:04}"), kind).expect("ref"),
                        amount: Money::parse(&format!("{}", 1_000 + i), Currency::Tzs)
                            .expect("amount"),
                        ..sale("LPUNUSED0001", "0712999100", "1")
                    };
                    barrier.wait();
                    j.record(&new, Guard::Within(chrono::Duration::minutes(5)))
                        .expect("record")
                })
            })
            .collect();
        let results: Vec<Recorded> = handles
            .into_iter()
            .map(|h| h.join().expect("till"))
            .collect();
        let new: Vec<&Payment> = results
            .iter()
            .filter_map(|r| match r {
                Recorded::New(p) => Some(p),
                _ => None,
            })
            .collect();
        assert_eq!(new.len(), 1, "{}: {results:?}", b.name());
        let busy_with_it = results
            .iter()
            .filter(|r| matches!(r, Recorded::Busy(p) if p.id == new[0].id))
            .count();
        assert_eq!(busy_with_it, 7, "{}: {results:?}", b.name());
    }
}

/// Eight tills push the same sale at the same moment: the duplicate guard lets exactly one
/// through. Then eight writers race one payment to different final states: exactly one wins.
#[test]
fn concurrent_writers_one_sale_one_winner() {
    for b in backends("concurrent") {
        let tills: Vec<Arc<Journal>> = (0..8).map(|_| Arc::new(b.open())).collect();
        let barrier = Arc::new(Barrier::new(tills.len()));
        let handles: Vec<_> = tills
            .iter()
            .enumerate()
            .map(|(i, j)| {
                let (j, barrier) = (j.clone(), barrier.clone());
                std::thread::spawn(move || {
                    let new = sale(&format!("LPRACE{i:06}"), "0712999000", "4200");
                    barrier.wait();
                    j.record(&new, Guard::Within(chrono::Duration::minutes(5)))
                        .expect("record")
                })
            })
            .collect();
        let results: Vec<Recorded> = handles
            .into_iter()
            .map(|h| h.join().expect("till"))
            .collect();
        let new: Vec<&Payment> = results
            .iter()
            .filter_map(|r| match r {
                Recorded::New(p) => Some(p),
                Recorded::Duplicate(_) | Recorded::Busy(_) => None,
            })
            .collect();
        assert_eq!(new.len(), 1, "{}: {results:?}", b.name());
        let winner = pending(&tills[0], &sale("LPRACEFINAL1", "0712999001", "100"));
        let barrier = Arc::new(Barrier::new(tills.len()));
        let handles: Vec<_> = tills
            .iter()
            .enumerate()
            .map(|(i, j)| {
                let (j, barrier, p) = (j.clone(), barrier.clone(), winner.clone());
                std::thread::spawn(move || {
                    let status = if i % 2 == 0 {
                        Status::Paid
                    } else {
                        Status::Failed
                    };
                    barrier.wait();
                    to(&j, &p, status)
                })
            })
            .collect();
        let done = handles
            .into_iter()
            .map(|h| h.join().expect("writer"))
            .filter(Cas::is_done)
            .count();
        assert_eq!(done, 1, "{}", b.name());
        let events = tills[0].events(winner.id).expect("events");
        let finals = events.iter().filter(|e| e.status.is_final()).count();
        assert_eq!(finals, 1, "{}: {events:?}", b.name());
    }
}

#[test]
fn a_schema_newer_than_this_lipa_is_refused() {
    for b in backends("too_new") {
        drop(b.open());
        let bump = match &b {
            ledger::Backend::Sqlite(_) => "PRAGMA user_version = 99",
            ledger::Backend::Postgres(_) => "UPDATE lipa_schema SET version = 99",
        };
        b.sql(bump).expect("bump");
        let err = match &b {
            ledger::Backend::Sqlite(dir) => Journal::open_in(dir.path()).err(),
            ledger::Backend::Postgres(db) => Journal::open_postgres(&db.url).err(),
        };
        assert!(
            matches!(err, Some(JournalError::TooNew(99))),
            "{}: {err:?}",
            b.name()
        );
    }
}

/// A burst of news is read in one go: the payments asked for that exist, in id order.
#[test]
fn several_payments_are_read_at_once() {
    for b in backends("getmany") {
        let j = b.open();
        let ids: Vec<i64> = (0..3)
            .map(|i| {
                record(
                    &j,
                    &sale(&format!("LPMANY{i}"), &format!("07123400{i}0"), "1500"),
                )
                .id
            })
            .collect();
        let got: Vec<i64> = j
            .get_many(&[ids[2], 999_999, ids[0]])
            .expect("get many")
            .iter()
            .map(|p| p.id)
            .collect();
        assert_eq!(got, [ids[0], ids[2]], "{}", b.name());
        assert!(j.get_many(&[]).expect("none").is_empty(), "{}", b.name());
    }
}

/// A failed payment is sent again once, whatever a person says: two tills' cashiers each said
/// yes to "send another prompt?" and the customer got three (a tester). Now the second is
/// answered with the first.
#[test]
fn a_failed_payment_is_sent_again_once_even_when_forced() {
    for b in backends("againonce") {
        let j = b.open();
        let failed = to(
            &j,
            &pending(&j, &sale("LPFAILED1", "0712345666", "62000")),
            Status::Failed,
        )
        .into_payment();
        let again = |r: &str| NewPayment {
            replaces: Some(failed.id),
            ..sale(r, "0712345666", "62000")
        };
        let first = record(&j, &again("LPAGAIN01"));
        match b
            .open()
            .record(&again("LPAGAIN02"), Guard::Off)
            .expect("record")
        {
            Recorded::Duplicate(p) => assert_eq!(p.id, first.id, "{}", b.name()),
            Recorded::New(p) => panic!("{}: sent again twice: {}", b.name(), p.reference),
            Recorded::Busy(p) => panic!("{}: busy with {}", b.name(), p.reference),
        }
        assert_eq!(j.all().expect("all").len(), 2, "{}", b.name());
    }
}

/// A payment still open — recorded, sending, pending, unknown, attention nobody checked —
/// trips the duplicate guard whatever its age. A tester pushed the same sale again under
/// `faketime -f '+6m'` while the first still waited: it went out, and both were paid. A clock
/// six minutes on starts the five minutes' window a minute after the first was recorded.
#[test]
fn an_open_payment_trips_the_guard_whatever_the_clock_says() {
    for b in backends("guardclock") {
        let j = b.open();
        let six_minutes_on = Guard::Within(chrono::Duration::minutes(5 - 6));
        let open = [
            Status::Recorded,
            Status::Sending,
            Status::Pending,
            Status::Unknown,
            Status::Attention,
        ];
        for (i, status) in open.into_iter().enumerate() {
            let phone = format!("07123450{i}1");
            let mut p = record(&j, &sale(&format!("LPCLOCK{i}A"), &phone, "1500"));
            let path: &[Status] = match status {
                Status::Recorded => &[],
                Status::Sending => &[Status::Sending],
                Status::Pending => &[Status::Sending, Status::Pending],
                Status::Unknown => &[Status::Sending, Status::Unknown],
                _ => &[Status::Sending, Status::Pending, Status::Attention],
            };
            for next in path {
                p = to(&j, &p, *next).into_payment();
            }
            let again = sale(&format!("LPCLOCK{i}B"), &phone, "1500");
            match j.record(&again, six_minutes_on).expect("record") {
                Recorded::Duplicate(same) => assert_eq!(same.id, p.id, "{}", b.name()),
                Recorded::Busy(open) => panic!("{}: busy with {}", b.name(), open.reference),
                Recorded::New(n) => panic!(
                    "{}: {} went out while {} was still {status:?}",
                    b.name(),
                    n.reference,
                    p.reference
                ),
            }
        }
        // Attention a person has checked is done with: the window alone decides.
        let phone = "0712345091";
        let p = pending(&j, &sale("LPCLOCK9A", phone, "1500"));
        let p = to(&j, &p, Status::Attention).into_payment();
        assert!(
            j.mark_checked(p.id, "neema", None)
                .expect("check")
                .is_done()
        );
        let again = sale("LPCLOCK9B", phone, "1500");
        assert!(
            matches!(j.record(&again, six_minutes_on), Ok(Recorded::New(_))),
            "{}",
            b.name()
        );
    }
}
