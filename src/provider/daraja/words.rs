//! Daraja's own sentences, in both languages.

sentences! {
    /// Where a person checks a push lipa cannot ask Daraja about (its answer was lost), or a
    /// day Daraja offers no list of.
    fn by_hand() {
        en: "Check the customer's M-Pesa SMS, or the M-Pesa org portal's statement (org.ke.m-pesa.com), for this amount and number.".to_string(),
        sw: "Angalia SMS ya M-Pesa ya mteja, au taarifa kwenye M-Pesa org portal (org.ke.m-pesa.com), kwa kiasi na namba hii.".to_string(),
    }
}
