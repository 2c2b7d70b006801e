//! Shared by the console tests: a fixed clock, payments built by hand, key presses.
#![allow(dead_code)]

use chrono::{DateTime, Duration, FixedOffset, TimeZone, Utc};
use lipa::console::action::Action;
use lipa::console::app::{App, AppConfig, Focus};
use lipa::console::effect::Effect;
use lipa::console::update;
use lipa::money::{Currency, Money};
use lipa::payment::{Event, Payment, Status};
use lipa::provider::ProviderKind;
use lipa::reference::Reference;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

pub const BOTH: &[ProviderKind] = &[ProviderKind::ClickPesa, ProviderKind::Cepta];
pub const CLICKPESA_REF: &str = "LP7K3MQ9XR4TZ";

/// 12:30:00 in Dar es Salaam and Nairobi (UTC+3).
pub fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 5, 12, 9, 30, 0)
        .single()
        .expect("valid time")
}

pub fn eat() -> FixedOffset {
    FixedOffset::east_opt(3 * 3600).expect("valid offset")
}

pub fn ago(secs: i64) -> DateTime<Utc> {
    now() - Duration::seconds(secs)
}

thread_local! {
    /// The language consoles built by [`app`] speak on this test's thread.
    static LANG: std::cell::Cell<lipa::strings::Lang> =
        const { std::cell::Cell::new(lipa::strings::Lang::En) };
}

/// Consoles built on this thread from now on speak `lang`.
pub fn speak(lang: lipa::strings::Lang) {
    LANG.with(|l| l.set(lang));
}

/// A console at the fixed clock, the ClickPesa reference already generated.
pub fn app(providers: &[ProviderKind], demo: bool, no_color: bool) -> App {
    app_limited(providers, demo, no_color, Default::default())
}

/// [`app`] for an operator with these limits (an agent of `lipa serve`).
pub fn app_limited(
    providers: &[ProviderKind],
    demo: bool,
    no_color: bool,
    limits: lipa::console::Limits,
) -> App {
    let mut a = App::new(AppConfig {
        providers: providers.to_vec(),
        provider: None,
        demo,
        bell: true,
        no_color,
        now: now(),
        offset: eat(),
        operator: "rehema".into(),
        lang: LANG.with(|l| l.get()),
        limits,
    });
    reference(&mut a, ProviderKind::ClickPesa, CLICKPESA_REF);
    a
}

pub fn act(a: &mut App, action: Action) -> Vec<Effect> {
    update(a, action)
}

pub fn press(a: &mut App, code: KeyCode, mods: KeyModifiers) -> Vec<Effect> {
    act(
        a,
        Action::Key(KeyEvent::new_with_kind(code, mods, KeyEventKind::Press)),
    )
}

pub fn typ(a: &mut App, text: &str) {
    for c in text.chars() {
        press(a, KeyCode::Char(c), KeyModifiers::NONE);
    }
}

pub fn key(a: &mut App, c: char) -> Vec<Effect> {
    press(a, KeyCode::Char(c), KeyModifiers::NONE)
}

pub fn ctrl(a: &mut App, c: char) -> Vec<Effect> {
    press(a, KeyCode::Char(c), KeyModifiers::CONTROL)
}

pub fn tab(a: &mut App) -> Vec<Effect> {
    press(a, KeyCode::Tab, KeyModifiers::NONE)
}

pub fn back_tab(a: &mut App) -> Vec<Effect> {
    press(a, KeyCode::BackTab, KeyModifiers::SHIFT)
}

pub fn enter(a: &mut App) -> Vec<Effect> {
    press(a, KeyCode::Enter, KeyModifiers::NONE)
}

pub fn esc(a: &mut App) -> Vec<Effect> {
    press(a, KeyCode::Esc, KeyModifiers::NONE)
}

pub fn down(a: &mut App) -> Vec<Effect> {
    press(a, KeyCode::Down, KeyModifiers::NONE)
}

pub fn reference(a: &mut App, provider: ProviderKind, text: &str) {
    act(
        a,
        Action::ReferenceReady {
            provider,
            reference: Reference::from_stored(text.to_string()),
        },
    );
}

pub fn changed(a: &mut App, p: Payment) -> Vec<Effect> {
    act(a, Action::PaymentChanged(std::sync::Arc::new(p)))
}

/// A payment sent `age` seconds ago, last heard of now.
pub fn payment(
    id: i64,
    provider: ProviderKind,
    phone: &str,
    minor: i64,
    status: Status,
    message: impl Into<lipa::strings::Msg>,
    age: i64,
) -> Payment {
    let currency = match provider {
        ProviderKind::ClickPesa | ProviderKind::Selcom | ProviderKind::PawapayTz => Currency::Tzs,
        ProviderKind::Cepta | ProviderKind::Daraja | ProviderKind::PawapayKe => Currency::Kes,
    };
    let reference = match provider {
        ProviderKind::ClickPesa | ProviderKind::Selcom => format!("LP7K3MQ9XR{id:03}"),
        ProviderKind::Cepta => format!("LP-7K3MQ9-XR{id:03}"),
        ProviderKind::Daraja => format!("LP7K3MQ9X{id:03}"),
        ProviderKind::PawapayKe | ProviderKind::PawapayTz => format!("LP-7K3MQ9-XR{id:03}"),
    };
    Payment {
        id,
        provider,
        reference: Reference::from_stored(reference),
        phone: phone.to_string(),
        amount: Money::from_minor(minor, currency),
        channel: (provider == ProviderKind::Cepta).then(|| "63902".to_string()),
        email: None,
        name: None,
        status,
        message: message.into(),
        provider_id: None,
        created_at: ago(age + 1),
        updated_at: ago(age),
        sent_at: Some(ago(age)),
        polls: 2,
        checked: false,
        said: lipa::strings::Msg::Empty,
        lookup: None,
        heard_at: None,
        checked_by: None,
        checked_at: None,
        check_note: None,
        replaces: None,
        replaced_by: None,
        operator: "rehema".into(),
        flag: None,
        till: "duka-1".into(),
        wallet_ref: None,
    }
}

/// Five live payments in every unfinished state.
pub fn several() -> Vec<Payment> {
    use ProviderKind::*;
    vec![
        payment(
            1,
            ClickPesa,
            "255754000001",
            15_000,
            Status::Pending,
            lipa::strings::Msg::PromptSent,
            14,
        ),
        payment(
            2,
            ClickPesa,
            "255754000002",
            2_500,
            Status::Pending,
            lipa::strings::Msg::NotFoundYet,
            9,
        ),
        payment(
            3,
            Cepta,
            "254712345673",
            125_050,
            Status::Pending,
            lipa::strings::Msg::PromptSent,
            31,
        ),
        payment(
            4,
            ClickPesa,
            "255688000004",
            500,
            Status::Unknown,
            lipa::strings::Msg::AnswerLost {
                why: Box::new(lipa::strings::Msg::Timeout),
            },
            3,
        ),
        Payment {
            updated_at: ago(35),
            ..payment(
                5,
                Cepta,
                "254733123455",
                10_000,
                Status::Attention,
                lipa::strings::Msg::NoAnswerByDeadline { secs: 90 },
                125,
            )
        },
    ]
}

/// Payment `id` of [`several`], settled `settle` seconds after it was sent, five seconds ago.
pub fn settled(
    id: i64,
    status: Status,
    message: impl Into<lipa::strings::Msg>,
    settle: i64,
) -> Payment {
    let mut p = several()
        .into_iter()
        .find(|p| p.id == id)
        .expect("known id");
    p.status = status;
    p.message = message.into();
    p.sent_at = Some(ago(settle + 5));
    p.created_at = ago(settle + 6);
    p.updated_at = ago(5);
    p.polls = 4;
    p
}

pub fn event(id: i64, secs_ago: i64, status: Status, message: &str) -> Event {
    Event {
        payment_id: id,
        at: ago(secs_ago),
        status,
        message: message.into(),
        kind: lipa::payment::EventKind::Status,
        who: None,
    }
}

/// Opens payment `id` from the pending list, with its history loaded.
pub fn open_detail(a: &mut App, id: i64) {
    a.focus = Focus::List;
    a.selected = Some(id);
    let fx = enter(a);
    assert_eq!(fx, vec![Effect::LoadHistory(id)]);
    let history = vec![
        event(id, 22, Status::Recorded, ""),
        event(id, 21, Status::Sending, ""),
        event(
            id,
            21,
            Status::Pending,
            "Prompt sent to the customer's phone",
        ),
        event(id, 5, Status::Paid, "Payment received"),
    ];
    act(
        a,
        Action::HistoryLoaded {
            id,
            result: Ok(history),
        },
    );
}

/// Today's screen with a mix of payments.
pub fn today(a: &mut App) {
    let fx = ctrl(a, 't');
    assert!(matches!(fx.as_slice(), [Effect::LoadToday(_)]));
    use ProviderKind::*;
    let mut list = vec![
        payment(
            11,
            ClickPesa,
            "255754000011",
            15_000,
            Status::Paid,
            "Payment received",
            3600,
        ),
        payment(
            12,
            ClickPesa,
            "255754000012",
            2_500,
            Status::Paid,
            "Payment received",
            3000,
        ),
        payment(
            13,
            ClickPesa,
            "255688000013",
            500,
            Status::Failed,
            "Insufficient balance",
            2400,
        ),
        payment(
            14,
            Cepta,
            "254712345614",
            125_050,
            Status::Paid,
            "Paid",
            1800,
        ),
        payment(
            15,
            Cepta,
            "254712345615",
            99_999,
            Status::Paid,
            "Paid",
            1200,
        ),
        payment(
            16,
            Cepta,
            "254733123416",
            10_000,
            Status::Attention,
            "Reversed",
            600,
        ),
        payment(
            17,
            ClickPesa,
            "255754000017",
            7_000,
            Status::Pending,
            "PROCESSING",
            20,
        ),
    ];
    for p in &mut list {
        p.updated_at = p.sent_at.unwrap_or(p.created_at) + Duration::seconds(15);
    }
    loaded_today(a, list);
}

/// Today's list as the journal would give it: the day's summary and its payments, newest
/// first.
pub fn loaded_today(a: &mut App, mut list: Vec<Payment>) {
    use lipa::journal::{DaySummary, DayTotal};
    let mut summary = DaySummary::default();
    for p in &list {
        summary.count += 1;
        summary.newest_id = summary.newest_id.max(p.id);
        let key = (p.provider, p.amount.currency(), p.status, p.checked);
        match summary
            .totals
            .iter_mut()
            .find(|t| (t.provider, t.currency, t.status, t.checked) == key)
        {
            Some(t) => {
                t.count += 1;
                t.minor = t.minor.map(|m| m + p.amount.minor());
            }
            None => summary.totals.push(DayTotal {
                provider: p.provider,
                currency: p.amount.currency(),
                status: p.status,
                checked: p.checked,
                count: 1,
                minor: Some(p.amount.minor()),
            }),
        }
    }
    for p in &list {
        let currency = p.amount.currency();
        let paid = p.status == Status::Paid;
        let minor = if paid { p.amount.minor() } else { 0 };
        match summary
            .operators
            .iter_mut()
            .find(|o| o.operator == p.operator && o.currency == currency)
        {
            Some(o) => {
                o.count += 1;
                o.paid += u64::from(paid);
                o.paid_minor = o.paid_minor.map(|m| m + minor);
            }
            None => summary.operators.push(lipa::journal::OperatorDay {
                operator: p.operator.clone(),
                currency,
                count: 1,
                paid: u64::from(paid),
                paid_minor: Some(minor),
            }),
        }
    }
    list.sort_by_key(|p| std::cmp::Reverse((p.created_at, p.id)));
    act(a, Action::TodayLoaded(Ok((summary, list))));
}

/// The screen as plain text, drawn at `w`×`h` through ratatui's test backend.
pub fn render_plain(app: &App, w: u16, h: u16) -> String {
    let mut terminal =
        ratatui::Terminal::new(ratatui::backend::TestBackend::new(w, h)).expect("terminal");
    terminal
        .draw(|f| lipa::console::view::draw(f, app))
        .expect("draw");
    let buffer = terminal.backend().buffer().clone();
    let mut plain = String::new();
    for y in 0..h {
        let line: String = (0..w)
            .map(|x| buffer[(x, y)].symbol().to_string())
            .collect();
        plain.push_str(line.trim_end());
        plain.push('\n');
    }
    plain
}
