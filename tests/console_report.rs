//! The console's Report view through the real update loop: Ctrl-R asks for today's report,
//! shows it as `lipa report` words it, ← and → move a day (never past today), Esc goes back.

mod console_common;

use console_common::*;
use lipa::console::action::Action;
use lipa::console::app::{ReportData, Screen};
use lipa::console::effect::Effect;
use lipa::payment::Status;
use lipa::provider::ProviderKind;
use lipa::report::DayReport;
use ratatui::crossterm::event::{KeyCode, KeyModifiers};

#[test]
fn ctrl_r_shows_the_days_report_and_moves_by_day() {
    let mut a = app(BOTH, false, false);
    let fx = ctrl(&mut a, 'r');
    let today = now().with_timezone(&eat()).date_naive();
    let [Effect::LoadReport { day, since, until }] = fx.as_slice() else {
        panic!("{fx:?}");
    };
    assert_eq!(*day, today);
    assert_eq!((*until - *since).num_hours(), 24);
    assert_eq!(a.screen, Screen::Report);
    let screen = render_plain(&a, 80, 24);
    assert!(screen.contains("Report"), "{screen}");

    let paid = payment(
        1,
        ProviderKind::ClickPesa,
        "255712345670",
        1500,
        Status::Paid,
        "",
        60,
    );
    let kes = payment(
        2,
        ProviderKind::Cepta,
        "254712345670",
        9950,
        Status::Paid,
        "",
        30,
    );
    let report = DayReport::build(today, eat(), &[paid, kes]);
    act(
        &mut a,
        Action::ReportLoaded {
            day: today,
            result: Ok(ReportData {
                report,
                closing: None,
                till: "duka-1".into(),
                late: None,
            }),
        },
    );
    let screen = render_plain(&a, 80, 24);
    for must in [
        "ClickPesa · TZS",
        "Cepta · KES",
        "TZS 1,500",
        "KES 99.50",
        "not closed",
    ] {
        assert!(screen.contains(must), "{must}:\n{screen}");
    }
    // The day before; never past today.
    let fx = press(&mut a, KeyCode::Left, KeyModifiers::NONE);
    assert!(
        matches!(fx.as_slice(), [Effect::LoadReport { day, .. }] if *day == today.pred_opt().expect("day"))
    );
    let fx = press(&mut a, KeyCode::Right, KeyModifiers::NONE);
    assert!(matches!(fx.as_slice(), [Effect::LoadReport { day, .. }] if *day == today));
    let fx = press(&mut a, KeyCode::Right, KeyModifiers::NONE);
    assert!(matches!(fx.as_slice(), [Effect::LoadReport { day, .. }] if *day == today));
    // A report that arrives for a day no longer shown is dropped.
    act(
        &mut a,
        Action::ReportLoaded {
            day: today.pred_opt().expect("day"),
            result: Err("late".into()),
        },
    );
    assert!(!render_plain(&a, 80, 24).contains("late"));
    esc(&mut a);
    assert_eq!(a.screen, Screen::Main);
}

#[test]
fn an_agent_cannot_close_the_day() {
    let mut a = app_limited(
        BOTH,
        false,
        false,
        lipa::console::Limits {
            own_only: true,
            no_marking: true,
            max_amount: Default::default(),
        },
    );
    ctrl(&mut a, 'r');
    let today = now().with_timezone(&eat()).date_naive();
    act(
        &mut a,
        Action::ReportLoaded {
            day: today,
            result: Ok(ReportData {
                report: DayReport::build(today, eat(), &[]),
                closing: None,
                till: "duka-1".into(),
                late: None,
            }),
        },
    );
    // Their own payments, not the till's day: neither "closed" nor "not closed".
    let screen = render_plain(&a, 80, 24);
    assert!(screen.contains("your own payments"), "{screen}");
    assert!(!screen.contains("not closed"), "{screen}");
    // Not offered, and refused with why.
    assert!(!render_plain(&a, 80, 24).contains("close the day"));
    assert!(key(&mut a, 'z').is_empty());
    assert!(a.confirm.is_none());
    let said = a
        .notice
        .as_ref()
        .map(|n| n.text.clone())
        .unwrap_or_default();
    assert!(said.contains("supervisor"), "{said}");
}
