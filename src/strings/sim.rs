//! What `lipa simulate` prints. English only, on purpose: the simulator is a developer's and a
//! tester's tool (its faults, URLs and credentials are for people who read the providers' English
//! documents), never shown to a cashier.

/// What `lipa simulate` prints once it listens.
pub struct SimBanner<'a> {
    pub addr: &'a str,
    /// Every provider it speaks for, in the registry's order.
    pub providers: &'a [SimProvider],
    pub settle: std::time::Duration,
    /// `LIPA_SCHEDULE_SCALE` for customers who answer after `settle`.
    pub scale: f64,
    pub faults: SimFaults<'a>,
}

/// One provider on the banner.
pub struct SimProvider {
    /// Its rows' names (two for one account serving two countries).
    pub label: String,
    /// Their currencies (`KES, TZS`).
    pub currency: String,
    /// (shown name, value, a note after it): its base URL and demo keys.
    pub lines: Vec<(String, String, &'static str)>,
    /// `export` lines: (variable, value).
    pub exports: Vec<(String, String)>,
    /// How its failing send answers (`<Provider> 500`).
    pub fails_with: &'static str,
    /// A number and its customer (`<Provider> 0712 345 670 pays`).
    pub example: &'static str,
    pub note: Option<&'static str>,
    /// Its requests carry the time (refused when the clocks disagree).
    pub clock_signed: bool,
}

/// The faults `lipa simulate` starts with, for its banner.
pub struct SimFaults<'a> {
    /// Faults switched on: name and chance per mille.
    pub rates: &'a [(&'static str, u16)],
    pub seed: u64,
    pub slow_by: std::time::Duration,
    pub retry_after_secs: u32,
    pub reverse_after: std::time::Duration,
    pub clock_offset_secs: i64,
    /// Largest difference a signed request's timestamp may have, in seconds.
    pub max_skew_secs: u64,
}

/// The banner's faults paragraph.
fn sim_faults(addr: &str, f: &SimFaults<'_>, signed: &str) -> String {
    let mut text = if f.rates.is_empty() {
        "Faults: none (lipa simulate --help shows how to switch them on).".to_string()
    } else {
        let list: Vec<String> = f.rates.iter().map(|(n, r)| format!("{n} {r}")).collect();
        let lines: Vec<String> = list
            .chunks(4)
            .map(|c| format!("  {}", c.join(", ")))
            .collect();
        format!(
            "Faults on (chance per mille, seed {seed}):\n{list}\n\
             \x20 Slow answers come {slow:?} late; 429s say Retry-After: {retry}; reversals come\n\
             \x20 {reverse:?} after payment.",
            seed = f.seed,
            list = lines.join(",\n"),
            slow = f.slow_by,
            retry = f.retry_after_secs,
            reverse = f.reverse_after,
        )
    };
    if f.clock_offset_secs != 0 {
        text.push_str(&format!(
            "\nClock: the simulator's runs {} s {} this machine's; {signed} refuses requests\n\
             stamped more than {} s away from it.",
            f.clock_offset_secs.unsigned_abs(),
            if f.clock_offset_secs > 0 {
                "ahead of"
            } else {
                "behind"
            },
            f.max_skew_secs,
        ));
    }
    text.push_str(&format!(
        "\nChange faults while it runs: POST http://{addr}/sim/faults (GET shows them)."
    ));
    text
}

/// The simulator's banner: credentials, base URLs, `export` lines and the magic digits.
pub fn sim_banner(b: &SimBanner<'_>) -> String {
    let names: Vec<String> = b
        .providers
        .iter()
        .map(|p| format!("{} ({})", p.label, p.currency))
        .collect();
    let names = match names.split_last() {
        Some((last, [])) => last.clone(),
        Some((last, rest)) => format!("{} and {last}", rest.join(", ")),
        None => String::new(),
    };
    let mut accounts = String::new();
    for p in b.providers {
        // The provider's name on a line of its own, its values under it (a long name ran
        // into the first value's label).
        accounts.push_str(&format!("{}\n", p.label));
        for (name, value, note) in &p.lines {
            accounts.push_str(&format!("  {name:<16}{value}{note}\n"));
        }
    }
    let exports: String = b
        .providers
        .iter()
        .flat_map(|p| &p.exports)
        .map(|(var, value)| format!("export {var}={}\n", shell_word(value)))
        .collect();
    let list = |f: &dyn Fn(&SimProvider) -> Option<&str>, sep: &str| {
        b.providers
            .iter()
            .filter_map(f)
            .collect::<Vec<_>>()
            .join(sep)
    };
    let fails = list(&|p| Some(p.fails_with), ",\n\x20      ");
    let examples = list(&|p| Some(p.example), "; ");
    let notes: String = b
        .providers
        .iter()
        .filter_map(|p| p.note)
        .map(|n| format!("{n}\n"))
        .collect();
    let signed = list(&|p| p.clock_signed.then_some(p.label.as_str()), ", ");
    format!(
        "lipa simulator: {names} listening on http://{addr}\n\
         Demo credentials only; customers answer after {settle:?}. Stop with Ctrl-C.\n\
         \n\
         {accounts}\
         \n\
         Paste into the shell that runs lipa:\n\
         {exports}\
         export LIPA_SCHEDULE_SCALE={scale:.3}\n\
         (the last line makes lipa ask as often as these fast customers need; leave it out\n\
         \x20for real providers)\n\
         \n\
         The customer is chosen by the phone number's last digit:\n\
         \x20 0-5  pays\n\
         \x20 6    cancels (\"Request cancelled by user\")\n\
         \x20 7    has too little money (\"Insufficient balance\")\n\
         \x20 8    never answers: stays pending\n\
         \x20 9    gets the prompt and pays, but the send itself fails ({fails}): lipa must \
         ask the provider to learn it was paid\n\
         e.g. {examples}.\n\
         {notes}\
         \n\
         {faults}\n\
         Truth for testers: http://{addr}/sim/ledger and http://{addr}/sim/stats",
        addr = b.addr,
        settle = b.settle,
        faults = sim_faults(b.addr, &b.faults, &signed),
        scale = b.scale,
    )
}

/// Printed when the simulator is asked to stop.
pub fn sim_stopping() -> String {
    "Simulator stopping.".into()
}

/// `lipa simulate --settle` out of range.
pub fn bad_settle() -> &'static str {
    "--settle must be a number of seconds between 0 and 3600"
}

/// `lipa simulate --fault` not written `NAME=PER_MILLE`.
pub fn fault_flag_shape(given: &str) -> String {
    format!("--fault takes NAME=PER_MILLE, e.g. --fault html-5xx=50,slow=100; not '{given}'")
}

/// A fault name nobody knows (flag or `POST /sim/faults`).
pub fn fault_unknown(name: &str, known: &[&str]) -> String {
    format!(
        "unknown fault '{name}'; the faults are: {}",
        known.join(", ")
    )
}

/// A chance that is not per mille.
pub fn fault_rate_out_of_range(name: &str, per_mille: u16) -> String {
    format!("fault {name}: {per_mille} is not a chance per mille (0 to 1000)")
}

/// A fault setting outside what the simulator accepts.
pub fn fault_setting_out_of_range(name: &str, min: i64, max: i64) -> String {
    format!("{name} must be between {min} and {max}")
}

/// `POST /sim/faults` with a body that is not the expected JSON.
pub fn fault_bad_json(reason: &str) -> String {
    format!(
        "fault settings must be a JSON object such as \
         {{\"all\": 20, \"rates\": {{\"slow\": 100}}}}: {reason}"
    )
}

/// A value as one shell word: as it is when it is plain, else in single quotes (`'Duka la
/// Mfano'`), so a pasted `export` line sets exactly it.
fn shell_word(value: &str) -> String {
    let plain = !value.is_empty()
        && value
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./:@=+,%".contains(c));
    if plain {
        value.to_string()
    } else {
        format!("'{}'", value.replace('\'', r"'\''"))
    }
}

#[cfg(test)]
mod shell_tests {
    use super::shell_word;

    /// A pasted `export` line sets exactly the value (a tester's buyer name with spaces set
    /// `Duka` and exported two stray variables).
    #[test]
    fn values_are_one_shell_word() {
        assert_eq!(shell_word("demo_api_key"), "demo_api_key");
        assert_eq!(
            shell_word("http://127.0.0.1:4000/v1"),
            "http://127.0.0.1:4000/v1"
        );
        assert_eq!(shell_word("Duka la Mfano"), "'Duka la Mfano'");
        assert_eq!(shell_word("Mama's"), r"'Mama'\''s'");
        assert_eq!(shell_word(""), "''");
    }
}
