//! Messages about typed values: phone numbers, amounts, references, e-mail addresses.

use crate::email::InvalidEmail;
use crate::lang::Lang;
use crate::money::{AmountError, Currency};
use crate::phone::{Country, Network, PhoneError};
use crate::reference::ReferenceError;
use std::fmt;

sentences! {
    fn amount_empty() { en: "Type the amount.", sw: "Andika kiasi." }
    fn amount_not_a_number() {
        en: "The amount must be a number, e.g. 1500 or 1,500.",
        sw: "Kiasi lazima kiwe namba, mfano 1500 au 1,500.",
    }
    fn amount_negative() {
        en: "The amount cannot be negative.",
        sw: "Kiasi hakiwezi kuwa hasi.",
    }
    fn amount_zero() {
        en: "The amount must be more than zero.",
        sw: "Kiasi lazima kiwe zaidi ya sifuri.",
    }
    fn amount_whole_only(c: Currency = Currency::Tzs) {
        en: format!("{c} is charged in whole shillings: no decimals."),
        sw: format!("{c} hulipwa kwa shilingi nzima: bila desimali."),
    }
    /// Decimals in a currency with cents, to a provider that takes none.
    fn amount_no_cents_here() {
        en: "This provider takes whole shillings only: type 150, not 150.00.",
        sw: "Mtoa huduma huyu anapokea shilingi nzima tu: andika 150, si 150.00.",
    }
    fn amount_decimals_at_most(c: Currency = Currency::Kes, n: u32 = 2) {
        en: format!("{c} allows at most {n} decimals."),
        sw: format!("{c} inaruhusu desimali {n} tu."),
    }
    fn amount_below_minimum(c: Currency = Currency::Tzs) {
        en: format!("The smallest {c} amount is 1."),
        sw: format!("Kiasi kidogo kabisa cha {c} ni 1."),
    }
    fn amount_too_small(least: &str = "TZS 100") {
        en: format!("That is less than this provider takes: at least {least}."),
        sw: format!("Hicho ni chini ya kiasi mtoa huduma huyu anachopokea: kisichopungua {least}."),
    }
    fn amount_too_large(most: &str = "KES 250,000") {
        en: format!("That is more than one payment can be: at most {most}."),
        sw: format!("Hicho ni zaidi ya kiasi cha malipo moja: kisichozidi {most}."),
    }
    fn amount_over_your_limit(max: &str = "TZS 500,000") {
        en: format!("Your limit is {max} per payment."),
        sw: format!("Kikomo chako ni {max} kwa malipo moja."),
    }
    /// `10.000` in a currency of whole units: the reading meant, most likely.
    fn amount_dot_whole(typed: &str = "10.000", thousands: &str = "10,000",
                        c: Currency = Currency::Tzs) {
        en: format!("{typed}: did you mean {thousands}? {c} takes whole shillings."),
        sw: format!("{typed}: ulimaanisha {thousands}? {c} ni shilingi nzima tu."),
    }
    /// `1.000` in a currency with cents: both readings.
    fn amount_dot_two_readings(typed: &str = "1.000", thousands: &str = "1,000",
                               decimal: &str = "1.00") {
        en: format!("{typed}: did you mean {thousands} or {decimal}?"),
        sw: format!("{typed}: ulimaanisha {thousands} au {decimal}?"),
    }
    /// `1.505` in a currency with cents: only the thousands can be meant.
    fn amount_dot_thousands(typed: &str = "1.505", thousands: &str = "1,505") {
        en: format!("{typed}: did you mean {thousands}? Cents have two digits."),
        sw: format!("{typed}: ulimaanisha {thousands}? Senti ni tarakimu mbili."),
    }
    fn amount_bad_grouping() {
        en: "Group thousands by three, e.g. 1,500 or 1500.",
        sw: "Tenganisha maelfu kwa tarakimu tatu, mfano 1,500 au 1500.",
    }

    fn phone_empty() {
        en: "Type the customer's phone number.",
        sw: "Andika namba ya simu ya mteja.",
    }
    fn phone_letters() {
        en: "A phone number has only digits (and + ( ) - or spaces).",
        sw: "Namba ya simu ina tarakimu tu (na + ( ) - au nafasi).",
    }
    fn phone_other_country(typed: Country = Country::Kenya, expected: Country = Country::Tanzania) {
        en: format!(
            "That is a {} number (+{}); this provider takes {} numbers (+{}).",
            typed.name(), typed.dial_code(), expected.name(), expected.dial_code()
        ),
        sw: format!(
            "Hiyo ni namba ya {} (+{}); mtoa huduma huyu anapokea namba za {} (+{}).",
            typed.name(), typed.dial_code(), expected.name(), expected.dial_code()
        ),
    }
    fn phone_too_short(digits: usize = 5) {
        en: format!("Too short: {digits} digits after the country code; 9 are needed."),
        sw: format!("Fupi mno: tarakimu {digits} baada ya msimbo wa nchi; zinahitajika 9."),
    }
    fn phone_too_long(digits: usize = 11) {
        en: format!("Too long: {digits} digits after the country code; 9 are needed."),
        sw: format!("Ndefu mno: tarakimu {digits} baada ya msimbo wa nchi; zinahitajika 9."),
    }
    fn phone_unknown_network(country: Country = Country::Tanzania, prefix: &str = "64") {
        en: format!("No {} mobile-money network uses numbers starting 0{prefix}.", country.name()),
        sw: format!(
            "Hakuna mtandao wa pesa za simu wa {} wenye namba zinazoanza na 0{prefix}.",
            country.name()
        ),
    }
    fn phone_foreign_code(code: &str = "121", expected: Country = Country::Tanzania) {
        en: format!(
            "+{code}… is not a {} number: this provider takes {} numbers (+{}).",
            expected.name(), expected.name(), expected.dial_code()
        ),
        sw: format!(
            "+{code}… si namba ya {}: mtoa huduma huyu anapokea namba za {} (+{}).",
            expected.name(), expected.name(), expected.dial_code()
        ),
    }
    fn phone_network_not_taken(network: &str = "Airtel Money") {
        en: format!("This provider cannot push to {network} numbers."),
        sw: format!("Mtoa huduma huyu hawezi kutuma ombi kwa namba za {network}."),
    }
    /// A number of a network the provider may refuse (`PhoneRule::doubtful`).
    fn phone_network_doubtful(network: &str = "TTCL", provider: &str = "Pesa") {
        en: format!("{network} number: {provider} may refuse a push to this wallet."),
        sw: format!("Namba ya {network}: huenda {provider} ikakataa ombi kwa pochi hii."),
    }

    fn reference_empty() {
        en: "Type a reference, or leave the generated one.",
        sw: "Andika kumbukumbu, au acha ile iliyotolewa.",
    }
    /// A character a provider's references do not take (`ReferenceRule::extra`: what they
    /// take besides letters and digits).
    fn reference_chars(owner: &str = "Pesa", extra: &str = "-_") {
        en: format!(
            "{owner} references take {} only (no {}).",
            reference_takes(Lang::En, extra),
            reference_refuses(Lang::En, extra)
        ),
        sw: format!(
            "Kumbukumbu za {owner} ni {} tu (bila {}).",
            reference_takes(Lang::Sw, extra),
            reference_refuses(Lang::Sw, extra)
        ),
    }
    fn reference_too_long(max: usize = 20) {
        en: format!("At most {max} characters."),
        sw: format!("Zisizidi herufi {max}."),
    }
    fn reference_too_short(min: usize = 5) {
        en: format!("At least {min} characters."),
        sw: format!("Angalau herufi {min}."),
    }

    fn email_invalid() {
        en: "That e-mail address does not look right (name@domain).",
        sw: "Anwani hiyo ya barua pepe haionekani sahihi (jina@kikoa).",
    }
}

labels! {
    unknown_network: "unknown network", "mtandao usiojulikana";
    letters: "letters", "herufi";
    digits: "digits", "tarakimu";
    spaces: "spaces", "nafasi";
}

/// `a, b and c` / `a, b na c`.
fn and_list(lang: Lang, items: &[&str]) -> String {
    let and = match lang {
        Lang::En => " and ",
        Lang::Sw => " na ",
    };
    match items {
        [] => String::new(),
        [one] => (*one).to_string(),
        [rest @ .., last] => format!("{}{and}{last}", rest.join(", ")),
    }
}

/// What a reference takes: `letters and digits`, `letters, digits, - and _`.
pub fn reference_takes(lang: Lang, extra: &str) -> String {
    let extra: Vec<String> = extra.chars().map(String::from).collect();
    let mut items = vec![letters(lang), digits(lang)];
    items.extend(extra.iter().map(String::as_str));
    and_list(lang, &items)
}

/// What a reference does not take of what a cashier might type: `- _ or spaces`, `spaces`.
fn reference_refuses(lang: Lang, extra: &str) -> String {
    let or = match lang {
        Lang::En => " or ",
        Lang::Sw => " wala ",
    };
    let mut left: Vec<String> = ['-', '_']
        .iter()
        .filter(|c| !extra.contains(**c))
        .map(|c| c.to_string())
        .collect();
    let spaces = spaces(lang).to_string();
    match left.is_empty() {
        true => spaces,
        false => {
            left.push(String::new());
            format!("{}{or}{spaces}", left.join(" ").trim_end())
        }
    }
}

/// More decimals than the currency has.
pub fn amount_too_many_decimals(lang: crate::lang::Lang, c: Currency) -> String {
    match c.decimals() {
        0 => amount_whole_only(lang, c),
        n => amount_decimals_at_most(lang, c, n),
    }
}

// The domain values' own words: each error of a typed value, and a network's name.

impl AmountError {
    /// The cashier's message, in `lang`.
    pub fn text(&self, lang: Lang) -> String {
        match self {
            AmountError::Empty => amount_empty(lang),
            AmountError::NotANumber => amount_not_a_number(lang),
            AmountError::Negative => amount_negative(lang),
            AmountError::Zero => amount_zero(lang),
            AmountError::TooManyDecimals(c) => amount_too_many_decimals(lang, *c),
            AmountError::BelowMinimum(c) => amount_below_minimum(lang, *c),
            AmountError::TooLarge(most) => amount_too_large(lang, &most.to_string()),
            AmountError::TooSmall(least) => amount_too_small(lang, &least.to_string()),
            AmountError::BadGrouping => amount_bad_grouping(lang),
            AmountError::WholeUnits(_) => amount_no_cents_here(lang),
            AmountError::DotReadings {
                typed,
                thousands,
                decimal,
                currency,
                whole,
            } => match (decimal, whole) {
                (Some(d), _) => amount_dot_two_readings(lang, typed, thousands, d),
                (None, true) => amount_dot_whole(lang, typed, thousands, *currency),
                (None, false) => amount_dot_thousands(lang, typed, thousands),
            },
        }
    }
}

impl fmt::Display for AmountError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text(Lang::En))
    }
}

impl std::error::Error for AmountError {}

impl PhoneError {
    /// The cashier's message, in `lang`.
    pub fn text(&self, lang: Lang) -> String {
        match self {
            PhoneError::Empty => phone_empty(lang),
            PhoneError::NotDigits => phone_letters(lang),
            PhoneError::OtherCountry { typed, expected } => {
                phone_other_country(lang, *typed, *expected)
            }
            PhoneError::TooShort(n) => phone_too_short(lang, *n),
            PhoneError::TooLong(n) => phone_too_long(lang, *n),
            PhoneError::UnknownNetwork { country, prefix } => {
                phone_unknown_network(lang, *country, prefix)
            }
            PhoneError::NetworkNotTaken(network) => phone_network_not_taken(lang, network.label()),
            PhoneError::ForeignCode { code, expected } => phone_foreign_code(lang, code, *expected),
        }
    }
}

impl fmt::Display for PhoneError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text(Lang::En))
    }
}

impl std::error::Error for PhoneError {}

impl ReferenceError {
    /// The cashier's message, in `lang`.
    pub fn text(&self, lang: Lang) -> String {
        match self {
            ReferenceError::Empty => reference_empty(lang),
            ReferenceError::Chars { owner, extra } => reference_chars(lang, owner, extra),
            ReferenceError::TooLong(n) => reference_too_long(lang, *n),
            ReferenceError::TooShort(n) => reference_too_short(lang, *n),
        }
    }
}

impl fmt::Display for ReferenceError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text(Lang::En))
    }
}

impl std::error::Error for ReferenceError {}

impl InvalidEmail {
    pub fn text(&self, lang: Lang) -> String {
        email_invalid(lang)
    }
}

impl fmt::Display for InvalidEmail {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text(Lang::En))
    }
}

impl Network {
    /// Its name for a person reading `lang` (brand names stay as they are).
    pub fn name(self, lang: Lang) -> &'static str {
        match self {
            Network::OtherKe => unknown_network(lang),
            other => other.label(),
        }
    }
}
