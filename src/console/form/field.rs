//! The form's fields: which a provider's row asks for, their order, and the characters each
//! takes.

use crate::email::EmailRule;
use crate::lang::Lang;
use crate::provider_kind::ProviderKind;
use crate::strings::console as s;

/// A field of the form.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Field {
    Phone,
    Amount,
    Reference,
    /// The mobile-money channel, where the provider has the cashier choose (a choice, not
    /// text).
    Channel,
    /// Optional customer e-mail, where the provider takes one.
    Email,
}

/// Every field, in Tab order; a provider's form has those its row asks for.
const ALL: [Field; 5] = [
    Field::Phone,
    Field::Amount,
    Field::Reference,
    Field::Channel,
    Field::Email,
];

impl Field {
    /// The fields a provider's form has, in Tab order: phone, amount and reference always;
    /// the channel where the cashier chooses the wallet, the e-mail where it is taken.
    pub fn all(provider: ProviderKind) -> Vec<Field> {
        let spec = provider.spec();
        ALL.into_iter()
            .filter(|f| match f {
                Field::Channel => spec.channels.is_some(),
                Field::Email => spec.email == EmailRule::Optional,
                _ => true,
            })
            .collect()
    }

    pub(super) fn index(self) -> usize {
        self as usize
    }

    /// Whether the field takes this character as text.
    pub(super) fn accepts(self, c: char, provider: ProviderKind) -> bool {
        match self {
            Field::Phone => c.is_ascii_digit() || "+()- ".contains(c),
            // Anything printable: a `-` or an `e` stays in the text and the amount's own check
            // says what is wrong with it (dropping them silently turned -5 into 5).
            Field::Amount => !c.is_control(),
            Field::Reference => provider.spec().references.takes(c),
            Field::Email => c.is_ascii_graphic() && c != '?',
            Field::Channel => false,
        }
    }

    pub fn max_len(self) -> usize {
        match self {
            Field::Phone => 20,
            Field::Amount => 16,
            Field::Reference => 60,
            Field::Email => 80,
            Field::Channel => 0,
        }
    }
}

/// The field's label, in `lang`.
pub fn field_label(lang: Lang, field: Field) -> &'static str {
    match field {
        Field::Phone => s::field_phone(lang),
        Field::Amount => s::field_amount(lang),
        Field::Reference => s::field_reference(lang),
        Field::Channel => s::field_channel(lang),
        Field::Email => s::field_email(lang),
    }
}

/// `“-” “;” refused. Letters and digits only.`: each character the field did not take, in
/// `lang`.
pub fn refused(lang: Lang, field: Field, chars: &str, p: ProviderKind) -> String {
    let what = match field {
        Field::Phone => s::refused_phone(lang).to_string(),
        Field::Amount => s::refused_amount(lang).to_string(),
        Field::Reference => s::refused_reference(lang, p.spec().references.extra),
        Field::Email | Field::Channel => s::refused_other(lang).to_string(),
    };
    let quoted: Vec<String> = chars.chars().map(|c| format!("“{c}”")).collect();
    s::refused_char(lang, &quoted.join(" "), chars.chars().count() > 1, &what)
}

pub use crate::text::ascii;
