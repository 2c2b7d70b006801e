//! The form's fields: their order per provider and the characters each takes.

use crate::lang::Lang;
use crate::provider_kind::ProviderKind;
use crate::strings::console as s;

/// A field of the form.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Field {
    Phone,
    Amount,
    Reference,
    /// Cepta only: the mobile-money channel (a choice, not text).
    Channel,
    /// Cepta only: optional customer e-mail.
    Email,
}

const CLICKPESA_FIELDS: &[Field] = &[Field::Phone, Field::Amount, Field::Reference];
const CEPTA_FIELDS: &[Field] = &[
    Field::Phone,
    Field::Amount,
    Field::Reference,
    Field::Channel,
    Field::Email,
];

impl Field {
    /// The fields a provider's form has, in Tab order.
    pub fn all(provider: ProviderKind) -> &'static [Field] {
        match provider {
            ProviderKind::ClickPesa => CLICKPESA_FIELDS,
            ProviderKind::Cepta => CEPTA_FIELDS,
        }
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
            Field::Reference => {
                c.is_ascii_alphanumeric() || (provider == ProviderKind::Cepta && "-_".contains(c))
            }
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

/// Why the field did not take `c`, in `lang`.
pub fn refused(lang: Lang, field: Field, c: char, p: ProviderKind) -> String {
    let what = match field {
        Field::Phone => s::refused_phone(lang),
        Field::Amount => s::refused_amount(lang),
        Field::Reference if p == ProviderKind::Cepta => s::refused_reference_cepta(lang),
        Field::Reference => s::refused_reference(lang),
        Field::Email | Field::Channel => s::refused_other(lang),
    };
    s::refused_char(lang, c, what)
}

/// The ASCII form of a character typed or pasted in another script's width or digits:
/// full-width forms (`０７１２`, `＋`, `（`, `－`, the ideographic space) and Arabic-Indic
/// digits (`٠٧١٢`, `۰۷۱۲`). Anything else is as it was.
pub fn ascii(c: char) -> char {
    let code = u32::from(c);
    let shifted = match code {
        0xFF01..=0xFF5E => code - 0xFEE0,
        0x3000 => u32::from(' '),
        0x0660..=0x0669 => code - 0x0660 + u32::from('0'),
        0x06F0..=0x06F9 => code - 0x06F0 + u32::from('0'),
        _ => code,
    };
    char::from_u32(shifted).unwrap_or(c)
}

/// A Cepta channel (`bankAccount` code).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CeptaChannel {
    pub code: &'static str,
    pub name: &'static str,
}

/// The channels offered in the form, in cycling order.
pub const CHANNELS: [CeptaChannel; 4] = [
    CeptaChannel {
        code: "63902",
        name: s::CHANNEL_MPESA,
    },
    CeptaChannel {
        code: "63903",
        name: s::CHANNEL_AIRTEL,
    },
    CeptaChannel {
        code: "63907",
        name: s::CHANNEL_TKASH,
    },
    CeptaChannel {
        code: "0",
        name: s::CHANNEL_SASAPAY,
    },
];
