//! Messages about typed values: phone numbers, amounts, references, e-mail addresses.

use crate::money::Currency;
use crate::phone::Country;

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
    fn amount_decimals_at_most(c: Currency = Currency::Kes, n: u32 = 2) {
        en: format!("{c} allows at most {n} decimals."),
        sw: format!("{c} inaruhusu desimali {n} tu."),
    }
    fn amount_below_minimum(c: Currency = Currency::Tzs) {
        en: format!("The smallest {c} amount is 1."),
        sw: format!("Kiasi kidogo kabisa cha {c} ni 1."),
    }
    fn amount_too_large(c: Currency = Currency::Tzs) {
        en: format!("That {c} amount is too large for one payment."),
        sw: format!("Kiasi hicho cha {c} ni kikubwa mno kwa malipo moja."),
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
    fn phone_ttcl_warning() {
        en: "TTCL number: ClickPesa may refuse a push to this wallet.",
        sw: "Namba ya TTCL: huenda ClickPesa ikakataa ombi kwa pochi hii.",
    }

    fn reference_empty() {
        en: "Type a reference, or leave the generated one.",
        sw: "Andika kumbukumbu, au acha ile iliyotolewa.",
    }
    fn reference_clickpesa_chars() {
        en: "ClickPesa references take letters and digits only (no - _ or spaces).",
        sw: "Kumbukumbu za ClickPesa ni herufi na tarakimu tu (bila - _ wala nafasi).",
    }
    fn reference_cepta_chars() {
        en: "Cepta references take letters, digits, - and _ only (no spaces).",
        sw: "Kumbukumbu za Cepta ni herufi, tarakimu, - na _ tu (bila nafasi).",
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
}

/// More decimals than the currency has.
pub fn amount_too_many_decimals(lang: crate::strings::Lang, c: Currency) -> String {
    match c.decimals() {
        0 => amount_whole_only(lang, c),
        n => amount_decimals_at_most(lang, c, n),
    }
}
