//! The payment form: what the cashier types, filtered per field and checked as typed with the
//! domain values' own rules.

use crate::email::EmailRule;
use crate::lang::Lang;
use crate::money::Money;
use crate::payment::NewPayment;
use crate::phone::Phone;
use crate::provider_kind::ProviderKind;
use crate::reference::Reference;
use crate::strings::console as s;
use tui_input::{Input, InputRequest};

mod field;

pub use crate::provider::spec::ChannelName;
pub use field::{Field, field_label, refused};

/// The form's values, as typed.
#[derive(Debug, Clone, Default)]
pub struct Form {
    pub phone: Input,
    pub amount: Input,
    pub reference: Input,
    pub email: Input,
    /// The channels the provider offers (its row's table; none where it picks the wallet).
    pub channels: &'static [ChannelName],
    /// Index into `channels`.
    pub channel: usize,
    /// The cashier picked the channel: do not follow the number's network any more.
    pub channel_by_hand: bool,
    /// The cashier edited the reference: keep it when switching provider.
    pub reference_by_hand: bool,
    /// Fields the cashier has typed in (their errors show as typed).
    pub touched: [bool; 5],
    /// Enter was pressed: every field's error shows.
    pub attempted: bool,
    /// The last key refused, and where.
    pub refused: Option<(Field, Refused)>,
    /// The operator's largest amount per payment (kept when cleared).
    pub ceiling: crate::money::Ceiling,
}

/// Why a key or a paste was not taken. Said under the field: nothing typed is dropped
/// without words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refused {
    /// Characters the field does not take, each once, in the order typed: said until the
    /// cashier edits the field otherwise (the next key taken hid it, so `AB-1;x` became
    /// `AB1x` with nothing said).
    Chars(String),
    /// The field is as long as it may be.
    Full,
    /// A paste refused whole: it held control characters (a terminal's escape sequence,
    /// whose `[31m` went into a reference).
    PasteControl,
    /// A paste refused whole: these characters are not taken here.
    PasteChars(String),
    /// A paste refused whole: longer than the field takes.
    PasteFull,
}

/// The form checked against a provider's rules.
#[derive(Debug, Clone)]
pub struct Checked {
    pub phone: Result<Phone, String>,
    pub amount: Result<Money, String>,
    pub reference: Result<Reference, String>,
    pub email: Result<Option<String>, String>,
    /// The phone is only unfinished (too short so far): said while typing as the example, so
    /// the line under it does not change with every digit.
    pub phone_unfinished: bool,
}

impl Checked {
    /// The first field that is not valid, in Tab order.
    pub fn first_bad(&self, provider: ProviderKind) -> Option<Field> {
        Field::all(provider)
            .iter()
            .copied()
            .find(|f| self.error(*f).is_some())
    }

    pub fn error(&self, field: Field) -> Option<&str> {
        match field {
            Field::Phone => self.phone.as_ref().err(),
            Field::Amount => self.amount.as_ref().err(),
            Field::Reference => self.reference.as_ref().err(),
            Field::Email => self.email.as_ref().err(),
            Field::Channel => None,
        }
        .map(String::as_str)
    }
}

impl Form {
    pub fn input(&self, field: Field) -> Option<&Input> {
        match field {
            Field::Phone => Some(&self.phone),
            Field::Amount => Some(&self.amount),
            Field::Reference => Some(&self.reference),
            Field::Email => Some(&self.email),
            Field::Channel => None,
        }
    }

    fn input_mut(&mut self, field: Field) -> Option<&mut Input> {
        match field {
            Field::Phone => Some(&mut self.phone),
            Field::Amount => Some(&mut self.amount),
            Field::Reference => Some(&mut self.reference),
            Field::Email => Some(&mut self.email),
            Field::Channel => None,
        }
    }

    pub fn touched(&self, field: Field) -> bool {
        self.attempted || self.touched[field.index()]
    }

    /// The channel chosen (an empty one where the provider offers none).
    pub fn channel(&self) -> ChannelName {
        match self.channels.len() {
            0 => ChannelName { code: "", name: "" },
            n => self.channels[self.channel % n],
        }
    }

    /// Offers `provider`'s channels from now on (the provider changed).
    pub fn offer_channels(&mut self, provider: ProviderKind) {
        self.channels = provider.spec().channels.map_or(&[][..], |t| t.known);
    }

    /// Checks every field with the provider's rules.
    pub fn check(&self, provider: ProviderKind) -> Checked {
        self.check_in(provider, Lang::En)
    }

    /// [`Form::check`], its messages in `lang`.
    pub fn check_in(&self, provider: ProviderKind, lang: Lang) -> Checked {
        let email = match self.email.value().trim() {
            "" => Ok(None),
            t => crate::email::parse(t).map(Some).map_err(|e| e.text(lang)),
        };
        let reference = match self.reference.value().trim() {
            "" if !self.reference_by_hand => Err(s::reference_coming(lang).to_string()),
            "" => Err(s::reference_own(lang).to_string()),
            t => Reference::parse(t, provider).map_err(|e| e.text(lang)),
        };
        let spec = provider.spec();
        let phone = spec.phones.parse(self.phone.value());
        let phone_unfinished = matches!(
            phone,
            Err(crate::phone::PhoneError::TooShort(_) | crate::phone::PhoneError::Empty)
        );
        Checked {
            phone_unfinished,
            phone: phone.map_err(|e| e.text(lang)),
            amount: spec
                .amounts
                .parse(self.amount.value())
                .map_err(|e| e.text(lang))
                .and_then(|m| self.within_ceiling(m, lang)),
            reference,
            email,
        }
    }

    /// The amount, unless it is over the operator's limit.
    fn within_ceiling(&self, m: Money, lang: Lang) -> Result<Money, String> {
        match self.ceiling.for_currency(m.currency()) {
            Some(max) if m.minor() > max.minor() => Err(
                crate::strings::domain::amount_over_your_limit(lang, &max.to_string()),
            ),
            _ => Ok(m),
        }
    }

    /// The phone and amount, when both are valid for the provider.
    pub fn phone_amount(&self, provider: ProviderKind) -> Option<(Phone, Money)> {
        let spec = provider.spec();
        let phone = spec.phones.parse(self.phone.value()).ok()?;
        let amount = spec.amounts.parse(self.amount.value()).ok()?;
        Some((phone, amount))
    }

    /// The payment the form describes, or the first field to fix.
    pub fn new_payment(&self, provider: ProviderKind) -> Result<NewPayment, Field> {
        let c = self.check(provider);
        let bad = c.first_bad(provider);
        match (c.phone, c.amount, c.reference, c.email) {
            (Ok(phone), Ok(amount), Ok(reference), Ok(email)) if bad.is_none() => {
                let spec = provider.spec();
                Ok(NewPayment {
                    provider,
                    reference,
                    phone,
                    amount,
                    channel: spec.channels.map(|_| self.channel().code.to_string()),
                    email: (spec.email == EmailRule::Optional)
                        .then_some(email)
                        .flatten(),
                    name: None,
                    replaces: None,
                    // Set by the console that sends it.
                    operator: String::new(),
                })
            }
            _ => Err(bad.unwrap_or(Field::Phone)),
        }
    }

    /// Types one character into a field, if the field takes it (a full-width or Arabic-Indic
    /// digit, as a phone's keyboard or a pasted message may give, as its ASCII one). Returns
    /// whether anything changed.
    pub fn insert(&mut self, field: Field, c: char, provider: ProviderKind) -> bool {
        let c = field::ascii(c);
        let Some(len) = self.input(field).map(|i| i.value().chars().count()) else {
            return false;
        };
        if !field.accepts(c, provider) {
            match &mut self.refused {
                Some((f, Refused::Chars(cs))) if *f == field => {
                    if !cs.contains(c) {
                        cs.push(c);
                    }
                }
                _ => self.refused = Some((field, Refused::Chars(c.to_string()))),
            }
            return true;
        }
        if len >= field.max_len() {
            self.refused = Some((field, Refused::Full));
            return true;
        }
        // Characters refused before stay said while the cashier types on.
        let kept = self
            .refused
            .take()
            .filter(|(f, r)| *f == field && matches!(r, Refused::Chars(_)));
        self.edit(field, InputRequest::InsertChar(c), provider);
        self.refused = kept;
        true
    }

    /// Applies an editing request (delete, move) to a text field.
    pub fn edit(&mut self, field: Field, request: InputRequest, provider: ProviderKind) -> bool {
        let refused = self.refused.take().is_some();
        let Some(input) = self.input_mut(field) else {
            return refused;
        };
        let Some(changed) = input.handle(request) else {
            return refused;
        };
        if changed.value {
            self.touched[field.index()] = true;
            match field {
                // The cashier's own from the first edit: emptied, it stays empty while they
                // type theirs (a generated one filled in then took their keys after its own);
                // it comes back when they leave the field empty.
                Field::Reference => self.reference_by_hand = true,
                Field::Phone => self.follow_network(provider),
                _ => {}
            }
        }
        true
    }

    /// Pastes text into a field, whole or not at all: a paste holding control characters (an
    /// escape sequence), characters the field does not take, or more than it holds is refused
    /// with words, never cleaned silently into something the cashier did not type (a phone
    /// number keeps its digits and says what it left out). Blank space around it (a copied
    /// line's end) is left out.
    pub fn paste(&mut self, field: Field, text: &str, provider: ProviderKind) -> bool {
        let Some(len) = self.input(field).map(|i| i.value().chars().count()) else {
            return false;
        };
        let text = text.trim_matches(char::is_whitespace);
        if text.is_empty() {
            return false;
        }
        let mut bad = String::new();
        for c in text.chars().map(field::ascii) {
            if !c.is_control() && !field.accepts(c, provider) && !bad.contains(c) {
                bad.push(c);
            }
        }
        // A phone number copied with words around it (`tel: +255 …`) keeps its digits, and
        // what was left out is said; any other field's text is taken as it is or not at all.
        let why = if text.chars().any(char::is_control) {
            Some(Refused::PasteControl)
        } else if !bad.is_empty() && field != Field::Phone {
            Some(Refused::PasteChars(bad))
        } else if len
            + text
                .chars()
                .filter(|c| field.accepts(field::ascii(*c), provider))
                .count()
            > field.max_len()
        {
            Some(Refused::PasteFull)
        } else {
            None
        };
        if let Some(why) = why {
            self.refused = Some((field, why));
            return true;
        }
        self.refused = None;
        for c in text.chars() {
            self.insert(field, c, provider);
        }
        true
    }

    /// Steps the channel choice.
    pub fn cycle_channel(&mut self, forward: bool) {
        let n = self.channels.len().max(1);
        self.channel = if forward {
            (self.channel + 1) % n
        } else {
            (self.channel + n - 1) % n
        };
        self.channel_by_hand = true;
        self.touched[Field::Channel.index()] = true;
    }

    /// Chooses the wallet the provider says the number is on (its prediction, over the
    /// prefix's), unless the cashier chose one: whether the choice changed.
    pub fn take_predicted(&mut self, code: &str) -> bool {
        if self.channel_by_hand {
            return false;
        }
        match self.channels.iter().position(|c| c.code == code) {
            Some(i) if i != self.channel => {
                self.channel = i;
                true
            }
            _ => false,
        }
    }

    /// Suggests the channel from the number's network, unless the cashier chose one.
    pub fn follow_network(&mut self, provider: ProviderKind) {
        self.offer_channels(provider);
        let spec = provider.spec();
        let Some(table) = spec.channels.filter(|_| !self.channel_by_hand) else {
            return;
        };
        let code = Phone::parse(self.phone.value(), spec.country())
            .ok()
            .and_then(|p| (table.suggest)(p.network()));
        if let Some(i) = code.and_then(|c| table.position(c)) {
            self.channel = i;
        }
    }

    /// The cashier left the reference field: an own reference left empty is given up, and a
    /// generated one comes back. Returns whether it was.
    pub fn leave_reference(&mut self) -> bool {
        let given_up = self.reference_by_hand && self.reference.value().trim().is_empty();
        if given_up {
            self.reference_by_hand = false;
            self.reference.reset();
        }
        given_up
    }

    /// No reference yet: the engine's is on its way.
    pub fn reference_coming(&self) -> bool {
        !self.reference_by_hand && self.reference.value().trim().is_empty()
    }

    /// Sets the generated reference (unless the cashier typed one).
    pub fn set_generated_reference(&mut self, r: &Reference) -> bool {
        if self.reference_by_hand {
            return false;
        }
        self.reference = Input::new(r.as_str().to_string());
        true
    }

    /// Forgets a generated reference (the provider changed; a new one is on its way).
    pub fn drop_generated_reference(&mut self) -> bool {
        if self.reference_by_hand {
            return false;
        }
        self.reference.reset();
        true
    }

    /// Empty and ready for the next customer; the reference comes fresh from the engine.
    pub fn clear(&mut self) {
        *self = Form {
            ceiling: std::mem::take(&mut self.ceiling),
            channels: self.channels,
            ..Form::default()
        };
    }

    /// Forgets what was typed for a customer (phone, amount, e-mail, channel), keeping the
    /// reference rules: used when the provider, and so the country and currency, changes.
    pub fn clear_customer(&mut self) {
        let reference = std::mem::take(&mut self.reference);
        let by_hand = self.reference_by_hand;
        self.clear();
        self.reference = reference;
        self.reference_by_hand = by_hand;
    }

    /// Nothing typed for a customer yet.
    pub fn is_pristine(&self) -> bool {
        self.phone.value().trim().is_empty() && self.amount.value().trim().is_empty()
    }

    /// Puts a payment that was not sent back into the form.
    pub fn restore(&mut self, new: &NewPayment) {
        self.clear();
        self.phone = Input::new(new.phone.pretty());
        self.amount = Input::new(new.amount.display_number());
        // Not its reference: the refused payment is journalled under it, and the next send
        // needs a fresh one (a tester had to clear it by hand).
        self.reference_by_hand = false;
        self.email = Input::new(new.email.clone().unwrap_or_default());
        self.offer_channels(new.provider);
        if let Some(i) = new
            .channel
            .as_deref()
            .and_then(|c| self.channels.iter().position(|ch| ch.code == c))
        {
            self.channel = i;
            self.channel_by_hand = true;
        }
    }
}
