//! Messages about typed values: phone numbers, amounts, references.

use crate::money::Currency;
use crate::phone::Country;

pub fn amount_empty() -> String {
    "Type the amount.".into()
}
pub fn amount_not_a_number() -> String {
    "The amount must be a number, e.g. 1500 or 1,500.".into()
}
pub fn amount_negative() -> String {
    "The amount cannot be negative.".into()
}
pub fn amount_zero() -> String {
    "The amount must be more than zero.".into()
}
pub fn amount_too_many_decimals(c: Currency) -> String {
    match c.decimals() {
        0 => format!("{c} is charged in whole shillings: no decimals."),
        n => format!("{c} allows at most {n} decimals."),
    }
}
pub fn amount_below_minimum(c: Currency) -> String {
    format!("The smallest {c} amount is 1.")
}
pub fn amount_too_large(c: Currency) -> String {
    format!("That {c} amount is too large for one payment.")
}
pub fn amount_bad_grouping() -> String {
    "Group thousands by three, e.g. 1,500 or 1500.".into()
}

pub fn phone_empty() -> String {
    "Type the customer's phone number.".into()
}
pub fn phone_letters() -> String {
    "A phone number has only digits (and + ( ) - or spaces).".into()
}
pub fn phone_other_country(typed: Country, expected: Country) -> String {
    format!(
        "That is a {} number (+{}); this provider takes {} numbers (+{}).",
        typed.name(),
        typed.dial_code(),
        expected.name(),
        expected.dial_code()
    )
}
pub fn phone_too_short(digits: usize) -> String {
    format!("Too short: {digits} digits after the country code; 9 are needed.")
}
pub fn phone_too_long(digits: usize) -> String {
    format!("Too long: {digits} digits after the country code; 9 are needed.")
}
pub fn phone_unknown_network(country: Country, prefix: &str) -> String {
    format!(
        "No {} mobile-money network uses numbers starting 0{prefix}.",
        country.name()
    )
}
pub fn phone_ttcl_warning() -> String {
    "TTCL number: ClickPesa may refuse a push to this wallet.".into()
}

pub fn reference_empty() -> String {
    "Type a reference, or leave the generated one.".into()
}
pub fn reference_clickpesa_chars() -> String {
    "ClickPesa references take letters and digits only (no - _ or spaces).".into()
}
pub fn reference_cepta_chars() -> String {
    "Cepta references take letters, digits, - and _ only (no spaces).".into()
}
pub fn reference_too_long(max: usize) -> String {
    format!("At most {max} characters.")
}
pub fn reference_too_short(min: usize) -> String {
    format!("At least {min} characters.")
}

pub fn email_invalid() -> String {
    "That e-mail address does not look right (name@domain).".into()
}
