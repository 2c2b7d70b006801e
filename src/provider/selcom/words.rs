//! Selcom's own sentences, in both languages.

sentences! {
    /// Where a person checks a payment lipa has no record of (Selcom offers lipa no day's list).
    fn by_hand() {
        en: "Look for this amount and number in Selcom's merchant portal (or ask Selcom's support with the order id).".to_string(),
        sw: "Tafuta kiasi na namba hii kwenye portal ya mfanyabiashara ya Selcom (au uliza huduma kwa wateja ya Selcom ukitaja namba ya oda).".to_string(),
    }
}
