//! The wallet check's bookkeeping: follow the form, ask once it has been quiet, keep only the
//! answer about the form as it stands.

use crate::console::app::{App, PreviewKey, PreviewShown, QUIET};
use crate::console::effect::Effect;
use crate::provider::Preview;
use crate::reference::Reference;

/// Follows the form after any action: a changed phone, amount or provider forgets the last
/// answer and starts a new quiet period; once it is over, asks (once).
pub fn sync(app: &mut App) -> Vec<Effect> {
    let now = app.now;
    let valid = app.form.phone_amount(app.provider);
    let key = valid.as_ref().map(|(phone, amount)| PreviewKey {
        provider: app.provider,
        phone: phone.normalized().to_string(),
        amount: *amount,
    });
    let p = &mut app.preview;
    if p.wanted != key {
        p.generation += 1;
        p.wanted = key;
        p.since = Some(now);
        p.asked = false;
        p.wallet = None;
        if p.shown.take().is_some() {
            app.dirty = true;
        }
    }
    let p = &mut app.preview;
    // The clock went back: count the quiet period from now.
    if p.since.is_some_and(|since| since > now) {
        p.since = Some(now);
    }
    let quiet = chrono::Duration::from_std(QUIET).unwrap_or_default();
    let due = !p.asked && p.since.is_some_and(|since| now - since >= quiet);
    let Some((phone, amount)) = valid.filter(|_| due) else {
        return Vec::new();
    };
    p.asked = true;
    let reference = Reference::parse(app.form.reference.value().trim(), app.provider).ok();
    vec![Effect::Preview {
        generation: p.generation,
        provider: app.provider,
        phone,
        amount,
        reference,
    }]
}

/// The provider's answer: shown if it is about the form as it stands, dropped otherwise.
pub fn previewed(
    app: &mut App,
    generation: u64,
    result: Result<Option<Preview>, crate::console::action::Trouble>,
) {
    let p = &mut app.preview;
    if generation != p.generation || !p.asked {
        return;
    }
    let wallet = match &result {
        Ok(Some(preview)) => preview.wallet.clone(),
        _ => None,
    };
    // Not while the cashier is on the channel field: a key about to land there would move
    // on from a wallet she never saw (the hint says what the provider says instead).
    let on_channel =
        app.focus == crate::console::app::Focus::Field(crate::console::form::Field::Channel);
    if let Some(code) = wallet.as_deref()
        && !on_channel
        && app.form.take_predicted(code)
    {
        app.dirty = true;
    }
    let p = &mut app.preview;
    p.wallet = wallet;
    let shown: Option<PreviewShown> = PreviewShown::from_answer(result);
    if p.shown != shown {
        p.shown = shown;
        app.dirty = true;
    }
}
