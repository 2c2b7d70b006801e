//! `update` alone, continued: the duplicate guard, the bell, ticking, list actions, detail,
//! help, quitting, paste, and today's totals.

mod console_common;

use chrono::Duration;
use console_common::*;
use lipa::console::action::Action;
use lipa::console::app::{Confirm, Focus, NoticeKind, Screen};
use lipa::console::effect::Effect;
use lipa::console::totals::{Group, totals};
use lipa::payment::Status;
use lipa::provider::ProviderKind;
use ratatui::crossterm::event::{KeyCode, KeyModifiers};

fn fill_valid(a: &mut lipa::console::App, phone: &str, amount: &str) {
    typ(a, phone);
    tab(a);
    typ(a, amount);
}

#[test]
fn the_duplicate_guard_asks_before_sending_the_same_again() {
    let mut a = app(BOTH, true, false);
    changed(&mut a, settled(2, Status::Paid, "Payment received", 16));
    fill_valid(&mut a, "0754 000 002", "2,500");
    let fx = enter(&mut a);
    assert!(fx.is_empty());
    assert!(matches!(
        a.confirm,
        Some(Confirm::Duplicate { in_form: true, .. })
    ));
    assert_eq!(enter(&mut a), vec![], "Enter does not answer the question");
    assert!(key(&mut a, 'n').is_empty());
    assert_eq!(a.confirm, None);
    assert_eq!(
        a.form.phone.value(),
        "0754 000 002",
        "the form still holds it"
    );
    enter(&mut a);
    let fx = key(&mut a, 'y');
    assert!(matches!(
        fx.as_slice(),
        [Effect::Submit(_), Effect::NewReference(_)]
    ));
    assert!(a.form.is_pristine());
}

/// A payment that failed without ever reaching the customer (refused, never sent) or one
/// older than the window does not trip the guard; one the customer declined is asked about.
#[test]
fn unsent_or_old_payments_do_not_trip_the_guard() {
    let mut a = app(BOTH, true, false);
    changed(&mut a, settled(2, Status::Failed, "Not sent", 16));
    fill_valid(&mut a, "0754000002", "2500");
    assert!(matches!(
        enter(&mut a).as_slice(),
        [Effect::SubmitChecked(_), _]
    ));
    let mut declined = app(BOTH, true, false);
    let mut cancelled = settled(2, Status::Failed, "Cancelled", 16);
    cancelled.heard_at = Some(ago(10));
    changed(&mut declined, cancelled);
    fill_valid(&mut declined, "0754000002", "2500");
    assert_eq!(enter(&mut declined), Vec::new());
    assert!(matches!(declined.confirm, Some(Confirm::Duplicate { .. })));
    let mut b = app(BOTH, true, false);
    let mut old = settled(2, Status::Paid, "Payment received", 16);
    old.created_at = ago(6 * 60);
    changed(&mut b, old);
    fill_valid(&mut b, "0754000002", "2500");
    assert!(matches!(
        enter(&mut b).as_slice(),
        [Effect::SubmitChecked(_), _]
    ));
}

#[test]
fn a_duplicate_found_in_the_journal_is_asked_and_restored_on_no() {
    let mut a = app(BOTH, true, false);
    fill_valid(&mut a, "0754000002", "2500");
    let Some(Effect::SubmitChecked(new)) = enter(&mut a).into_iter().next() else {
        panic!("expected a checked submit");
    };
    let existing = settled(2, Status::Pending, "PROCESSING", 16);
    act(
        &mut a,
        Action::DuplicateFound {
            new: new.clone(),
            existing,
        },
    );
    assert!(matches!(
        a.confirm,
        Some(Confirm::Duplicate { in_form: false, .. })
    ));
    key(&mut a, 'n');
    assert_eq!(a.form.phone.value(), "+255 754 000 002");
    assert_eq!(a.form.check(a.provider).amount.map(|m| m.minor()), Ok(2500));
    act(
        &mut a,
        Action::DuplicateFound {
            new,
            existing: settled(2, Status::Pending, "", 1),
        },
    );
    assert!(matches!(key(&mut a, 'y').as_slice(), [Effect::Submit(_)]));
}

#[test]
fn the_bell_rings_once_when_a_payment_settles() {
    let mut a = app(BOTH, true, false);
    let p = several().remove(0);
    assert!(changed(&mut a, p.clone()).is_empty());
    let mut paid = p.clone();
    paid.status = Status::Paid;
    paid.updated_at = now();
    assert_eq!(changed(&mut a, paid.clone()), vec![Effect::Bell]);
    paid.polls += 1;
    assert!(
        changed(&mut a, paid).is_empty(),
        "the poll note after it is silent"
    );
    let mut stale = p;
    stale.status = Status::Pending;
    changed(&mut a, stale);
    assert_eq!(
        a.rows.get(&1).expect("row 1").status,
        Status::Paid,
        "older news never undoes a final state"
    );
    let mut quiet = app(BOTH, true, false);
    quiet.bell = false;
    let mut failed = settled(3, Status::Failed, "x", 3);
    failed.updated_at = now();
    assert!(changed(&mut quiet, failed).is_empty());
}

/// Ages tick by the second while a payment is open, by the minute once it is finished; a
/// finished one stays on the list until the cashier has seen it and clears it (it used to
/// leave after a minute, unseen, while they looked away), and the clearing is kept.
#[test]
fn ticks_count_ages_and_finished_rows_stay_until_cleared() {
    let mut a = app(BOTH, true, false);
    assert_eq!(a.next_wake(), None, "idle: no ticks at all");
    a.dirty = false;
    act(&mut a, Action::Tick(now() + Duration::seconds(1)));
    assert!(!a.dirty, "nothing counts: nothing to draw");
    changed(&mut a, several().remove(0));
    assert_eq!(a.next_wake(), Some(std::time::Duration::from_secs(1)));
    let mut paid = several().remove(0);
    paid.status = Status::Paid;
    paid.updated_at = now();
    changed(&mut a, paid);
    assert_eq!(
        a.next_wake(),
        Some(std::time::Duration::from_secs(45)),
        "sent 15 s ago: its age says a minute in 45 s"
    );
    act(&mut a, Action::Tick(now() + Duration::seconds(3600)));
    assert!(a.rows.contains_key(&1), "still there an hour later");
    assert_eq!(
        ctrl(&mut a, 'x'),
        vec![Effect::Cleared {
            ids: vec![1],
            who: "rehema".into()
        }]
    );
    assert!(a.rows.is_empty());
    assert_eq!(a.next_wake(), None);
}

#[test]
fn resume_shows_unfinished_payments_but_not_checked_ones() {
    let mut a = app(BOTH, true, false);
    let mut list = several();
    list[4].checked = true;
    act(
        &mut a,
        Action::Resumed(Ok(list.into_iter().map(Into::into).collect())),
    );
    assert_eq!(a.row_ids(), vec![4, 3, 2, 1]);
}

#[test]
fn list_actions_fit_the_payment() {
    let mut a = app(BOTH, true, false);
    for p in several() {
        changed(&mut a, p);
    }
    changed(&mut a, settled(3, Status::Failed, "Cancelled", 20));
    a.focus = Focus::List;
    a.selected = Some(5);
    assert!(key(&mut a, 'c').is_empty(), "asks first");
    assert!(matches!(
        a.confirm,
        Some(Confirm::MarkChecked { id: 5, .. })
    ));
    typ(&mut a, "SMS seen");
    assert_eq!(
        enter(&mut a),
        vec![Effect::MarkChecked {
            id: 5,
            who: "rehema".into(),
            note: Some("SMS seen".into())
        }]
    );
    assert_eq!(
        key(&mut a, 'r'),
        vec![Effect::Recheck {
            id: 5,
            who: "rehema".into()
        }]
    );
    assert!(key(&mut a, 's').is_empty());
    assert_eq!(a.confirm, None, "only a failed payment is sent again");
    a.selected = Some(3);
    assert!(
        key(&mut a, 'r').is_empty(),
        "a final payment is not re-checked"
    );
    assert!(key(&mut a, 's').is_empty());
    assert!(matches!(a.confirm, Some(Confirm::SendAgain(_))));
    let fx = key(&mut a, 'y');
    assert!(matches!(fx.as_slice(), [Effect::SendAgain(p)] if p.id == 3));
}

#[test]
fn a_note_can_be_pasted_as_one_line() {
    let mut a = app(BOTH, true, false);
    for p in several() {
        changed(&mut a, p);
    }
    a.focus = Focus::List;
    a.selected = Some(5);
    key(&mut a, 'c');
    // A control character other than a line break (here a bell) refuses the paste, with
    // words: it was dropped without one.
    act(&mut a, Action::Paste("SMS seen\r\nref 88\u{7}".into()));
    assert!(a.notice.is_some());
    act(&mut a, Action::Paste("SMS seen\r\nref 88".into()));
    assert_eq!(
        enter(&mut a),
        vec![Effect::MarkChecked {
            id: 5,
            who: "rehema".into(),
            note: Some("SMS seen ref 88".into())
        }]
    );
}

#[test]
fn detail_opens_loads_history_and_closes_back_where_it_came_from() {
    let mut a = app(BOTH, true, false);
    for p in several() {
        changed(&mut a, p);
    }
    open_detail(&mut a, 2);
    assert_eq!(a.screen, Screen::Detail(2));
    assert_eq!(a.history.len(), 4);
    let mut paid = settled(2, Status::Paid, "ok", 9);
    paid.updated_at = now();
    let fx = changed(&mut a, paid);
    assert!(
        fx.contains(&Effect::LoadHistory(2)),
        "a new status reloads the history"
    );
    assert_eq!(a.detail.as_ref().map(|d| d.status), Some(Status::Paid));
    esc(&mut a);
    assert_eq!(a.screen, Screen::Main);
    today(&mut a);
    assert_eq!(a.screen, Screen::Today);
    let fx = enter(&mut a);
    assert_eq!(fx, vec![Effect::LoadHistory(17)], "the newest of today");
    esc(&mut a);
    assert_eq!(a.screen, Screen::Today);
    key(&mut a, 't');
    assert_eq!(a.screen, Screen::Main);
}

#[test]
fn help_opens_with_question_mark_or_f1_and_esc_closes() {
    let mut a = app(BOTH, true, false);
    key(&mut a, '?');
    assert!(a.help);
    key(&mut a, '7');
    assert!(
        a.help && a.form.phone.value().is_empty(),
        "keys do not leak through help"
    );
    esc(&mut a);
    assert!(!a.help);
    press(&mut a, KeyCode::F(1), KeyModifiers::NONE);
    assert!(a.help);
}

#[test]
fn ctrl_c_asks_while_payments_wait_and_quits_otherwise() {
    let mut a = app(BOTH, true, false);
    assert_eq!(ctrl(&mut a, 'c'), vec![Effect::Quit]);
    let mut b = app(BOTH, true, false);
    changed(&mut b, several().remove(0));
    assert!(ctrl(&mut b, 'c').is_empty());
    assert_eq!(b.confirm, Some(Confirm::Quit(1)));
    key(&mut b, 'n');
    assert!(!b.quit);
    ctrl(&mut b, 'c');
    assert_eq!(ctrl(&mut b, 'c'), vec![Effect::Quit], "Ctrl-C twice quits");
    assert!(b.quit);
}

#[test]
fn paste_keeps_only_what_the_field_takes() {
    let mut a = app(BOTH, true, false);
    act(&mut a, Action::Paste("tel: +255 712 345 678\n".into()));
    assert_eq!(a.form.phone.value(), " +255 712 345 678");
    assert!(a.form.check(a.provider).phone.is_ok());
    // What was left out is said (it went without a word).
    let said = lipa::console::form::refused(
        lipa::strings::Lang::En,
        lipa::console::form::Field::Phone,
        "tel:",
        lipa::provider::ProviderKind::ClickPesa,
    );
    assert!(render_plain(&a, 80, 24).contains(&said));
}

#[test]
fn a_send_the_journal_refused_goes_back_into_an_empty_form() {
    let mut a = app(BOTH, true, false);
    fill_valid(&mut a, "0754000002", "2500");
    let Some(Effect::SubmitChecked(new)) = enter(&mut a).into_iter().next() else {
        panic!("expected a checked submit");
    };
    act(
        &mut a,
        Action::Submitted {
            new,
            result: Err("disk full".into()),
        },
    );
    assert_eq!(a.form.phone.value(), "+255 754 000 002");
    assert!(
        a.notice
            .as_ref()
            .is_some_and(|n| n.text.contains("disk full"))
    );
}

#[test]
fn totals_add_exact_minor_units_per_provider_and_status() {
    let mut list = several();
    list.push(settled(2, Status::Paid, "", 3));
    list.push(settled(3, Status::Paid, "", 3));
    list[1].status = Status::Paid;
    let t = totals(&list);
    let paid_kes = t
        .iter()
        .find(|t| t.provider == ProviderKind::Cepta && t.group == Group::Paid)
        .expect("cepta paid");
    assert_eq!(
        (paid_kes.count, paid_kes.amount.map(|m| m.minor())),
        (1, Some(125_050))
    );
    let paid_tzs = t
        .iter()
        .find(|t| t.provider == ProviderKind::ClickPesa && t.group == Group::Paid)
        .expect("clickpesa paid");
    assert_eq!(
        (paid_tzs.count, paid_tzs.amount.map(|m| m.minor())),
        (2, Some(5_000))
    );
    let waiting: u64 = t
        .iter()
        .filter(|t| t.group == Group::Waiting)
        .map(|t| t.count)
        .sum();
    assert_eq!(waiting, 3);
}

/// The notice after a send follows the journal: a payment journalled *failed* never reads
/// "prompt sent", and one whose answer was lost reads *sent, answer lost, checking* — never
/// "not sent" (the customer may be looking at the prompt).
#[test]
fn the_notice_after_a_send_says_what_the_journal_holds() {
    use lipa::engine::Submitted;
    use lipa::provider::ProviderError;
    use lipa::strings::Msg;
    for (status, message, error, good, must, must_not) in [
        (
            Status::Failed,
            Msg::NotSent {
                why: Box::new(Msg::said("Invalid / unsupported phone number")),
            },
            None,
            false,
            "Not sent",
            "Prompt",
        ),
        (
            Status::Unknown,
            Msg::AnswerLost {
                why: Box::new(Msg::Timeout),
            },
            Some(ProviderError::Unknown {
                message: Msg::AnswerLost {
                    why: Box::new(Msg::Timeout),
                },
            }),
            false,
            "Sent, answer lost",
            "Not sent",
        ),
        (
            Status::Pending,
            Msg::PromptSent,
            None,
            true,
            "Prompt",
            "Not sent",
        ),
    ] {
        let mut a = app(BOTH, true, false);
        fill_valid(&mut a, "0754000002", "2500");
        let Some(Effect::SubmitChecked(new)) = enter(&mut a).into_iter().next() else {
            panic!("expected a checked submit");
        };
        let mut p = settled(2, status, "", 1);
        p.message = message;
        act(
            &mut a,
            Action::Submitted {
                new,
                result: Ok(Submitted {
                    payment: p,
                    error,
                    unjournalled: None,
                }),
            },
        );
        let n = a.notice.clone().expect("a notice");
        assert!(
            n.text.starts_with(must) || n.text.contains(must),
            "{status:?}: {}",
            n.text
        );
        assert!(!n.text.contains(must_not), "{status:?}: {}", n.text);
        assert_eq!(n.kind == NoticeKind::Good, good, "{status:?}: {n:?}");
    }
}

#[test]
fn the_notice_about_a_lost_answer_follows_the_payment_to_paid() {
    // Found by a tester: "Sent, answer lost … checking" stayed on the status line after the
    // row turned paid, so the screen said both at once.
    let mut a = app(BOTH, true, false);
    fill_valid(&mut a, "0754000002", "2500");
    let Some(Effect::SubmitChecked(new)) = enter(&mut a).into_iter().next() else {
        panic!("expected a checked submit");
    };
    let p = settled(2, Status::Unknown, "", 1);
    act(
        &mut a,
        Action::Submitted {
            new,
            result: Ok(lipa::engine::Submitted {
                payment: p.clone(),
                error: None,
                unjournalled: None,
            }),
        },
    );
    let n = a.notice.clone().expect("a notice");
    assert!(
        n.text.starts_with("Sent, answer lost: do not send again"),
        "{}",
        n.text
    );
    // At 40 columns it takes two lines rather than losing its end (a tester saw "usitume te…").
    let narrow = render_plain(&a, 40, 14);
    assert!(narrow.contains("again;"), "{narrow}");
    assert!(narrow.contains("754 ••• 002."), "{narrow}");
    let mut paid = p;
    paid.status = Status::Paid;
    changed(&mut a, paid);
    let n = a.notice.clone().expect("a notice");
    assert!(n.text.starts_with("Paid: TZS 2,500"), "{}", n.text);
    assert_eq!(n.kind, NoticeKind::Good);
}

#[test]
fn a_checked_payment_is_not_counted_as_needing_you() {
    // Found by a tester: Today's totals still said "! needs you" for a payment a person had
    // marked checked, while the title counted it done.
    let mut list = several();
    let mut checked = list[4].clone();
    checked.id = 6;
    checked.checked = true;
    list.push(checked);
    let t = totals(&list);
    let count = |g: Group| {
        t.iter()
            .filter(|t| t.group == g)
            .map(|t| t.count)
            .sum::<u64>()
    };
    assert_eq!((count(Group::Attention), count(Group::Checked)), (1, 1));
    let mut a = app(BOTH, true, false);
    ctrl(&mut a, 't');
    loaded_today(&mut a, list);
    let screen = render_plain(&a, 80, 24);
    let totals_lines: Vec<&str> = screen.lines().take(8).collect();
    assert!(
        totals_lines.iter().any(|l| l.contains("checked")),
        "{screen}"
    );
}

/// A supervisor of a hundred operators: today's screen keeps room for the payments under the
/// totals (the operators' lines filled it and left one payment row, found by a scale trial),
/// says how many operators are out of sight, shows every one's day on `o` (scrolled by the
/// list keys, left by Esc), pages the payments, and says who pushed each.
#[test]
fn today_for_a_hundred_operators_keeps_its_payments_in_sight() {
    let mut list = Vec::new();
    for i in 0..200i64 {
        let mut p = payment(
            i + 1,
            ProviderKind::ClickPesa,
            &format!("2557540{i:05}"),
            1_000 + i,
            Status::Paid,
            "Payment received",
            7_000 - i * 30,
        );
        p.operator = format!("agent{:03}", i % 100);
        list.push(p);
    }
    let mut a = app(BOTH, true, false);
    ctrl(&mut a, 't');
    loaded_today(&mut a, list);
    let screen = render_plain(&a, 80, 24);
    let rows = |screen: &str| {
        screen
            .lines()
            .filter(|l| l.contains("••• ") && l.contains("TZS"))
            .count()
    };
    assert!(rows(&screen) >= 4, "payments out of sight:\n{screen}");
    assert!(screen.contains("more operators · o: all"), "{screen}");
    // Who pushed each (the newest is agent099's).
    let newest = screen
        .lines()
        .find(|l| l.contains("▸"))
        .expect("a selected row");
    assert!(newest.contains("agent099"), "{screen}");
    // Where the supervisor is among them.
    assert!(screen.contains("↓ 1"), "{screen}");
    // At 60 columns the status stays whole beside who pushed it.
    let narrow = render_plain(&a, 60, 20);
    assert!(
        narrow.contains("agent099") && narrow.contains("✓ paid"),
        "{narrow}"
    );

    // Every operator's day, scrolled to its end, and back.
    key(&mut a, 'o');
    let all = render_plain(&a, 80, 24);
    assert!(all.contains("Operators today"), "{all}");
    assert!(all.contains("agent000"), "{all}");
    assert!(all.contains("more"), "{all}");
    // The title says whose days these are: no "By" before each.
    assert!(!all.contains("By "), "{all}");
    press(&mut a, KeyCode::End, KeyModifiers::NONE);
    let end = render_plain(&a, 80, 24);
    assert!(end.contains("agent099"), "{end}");
    assert!(!end.contains("agent000"), "{end}");
    assert!(end.contains("↑ "), "{end}");
    press(&mut a, KeyCode::Esc, KeyModifiers::NONE);
    assert_eq!(a.screen, lipa::console::app::Screen::Today);
    let back = render_plain(&a, 80, 24);
    assert!(back.contains("Payments today"), "{back}");

    // Pages of payments: PgDn moves half a screen, End to the oldest.
    press(&mut a, KeyCode::PageDown, KeyModifiers::NONE);
    assert_eq!(a.today.as_ref().map(|t| t.cursor), Some(12));
    press(&mut a, KeyCode::End, KeyModifiers::NONE);
    assert_eq!(a.today.as_ref().map(|t| t.cursor), Some(199));
    let oldest = render_plain(&a, 80, 24);
    let selected = oldest.lines().find(|l| l.contains("▸")).unwrap_or("");
    assert!(selected.contains("agent000"), "{oldest}");
    press(&mut a, KeyCode::Home, KeyModifiers::NONE);
    assert_eq!(a.today.as_ref().map(|t| t.cursor), Some(0));
}
