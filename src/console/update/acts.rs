//! What a command does once it may: hand a payment to the engine, quit, switch the provider —
//! whether its key did it at once or the cashier answered its question yes.

use super::{ask, notice};
use crate::console::app::{App, Confirm, Focus, NoticeKind};
use crate::console::effect::Effect;
use crate::console::form::Field;
use crate::payment::NewPayment;
use crate::provider_kind::ProviderKind;
use crate::strings::console as s;

/// Hands the payment to the engine and readies the form for the next customer at once.
pub(super) fn dispatch(app: &mut App, mut new: NewPayment, check: bool) -> Vec<Effect> {
    new.operator = app.operator.clone();
    app.form.clear();
    app.focus = Focus::Field(Field::Phone);
    notice(
        app,
        NoticeKind::Info,
        s::sending(app.lang, &new.phone.masked(), &new.amount.to_string()),
    );
    let send = if check {
        Effect::SubmitChecked(new)
    } else {
        Effect::Submit(new)
    };
    vec![send, Effect::NewReference(app.provider)]
}

/// Ctrl-C: quit at once, or ask first while payments are still waiting.
pub(super) fn quit(app: &mut App) -> Vec<Effect> {
    match app.waiting() {
        0 => {
            app.quit = true;
            vec![Effect::Quit]
        }
        n => {
            ask(app, Confirm::Quit(n));
            Vec::new()
        }
    }
}

/// The next payment goes to `next`: the form keeps only what suits it.
pub(super) fn switch_to(app: &mut App, next: ProviderKind) -> Vec<Effect> {
    app.provider = next;
    if !app.form.is_pristine() {
        app.form.clear_customer();
        // The next thing typed is the next customer's phone.
        app.focus = Focus::Field(Field::Phone);
    }
    if let Focus::Field(f) = app.focus
        && !app.fields().contains(&f)
    {
        app.focus = Focus::Field(Field::Phone);
    }
    app.form.follow_network(app.provider);
    notice(app, NoticeKind::Info, s::switched(app.lang, app.provider));
    if app.form.drop_generated_reference() {
        vec![Effect::NewReference(app.provider)]
    } else {
        Vec::new()
    }
}
