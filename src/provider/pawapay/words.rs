//! pawaPay's own sentences, in both languages.

sentences! {
    /// Where a person checks a payment lipa has no record of (pawaPay offers lipa no day's list).
    fn by_hand() {
        en: "Look for this amount and number in pawaPay's dashboard (Deposits), or give pawaPay's support the deposit id.".to_string(),
        sw: "Tafuta kiasi na namba hii kwenye dashibodi ya pawaPay (Deposits), au mpe huduma kwa wateja ya pawaPay kitambulisho cha malipo (deposit id).".to_string(),
    }
}
