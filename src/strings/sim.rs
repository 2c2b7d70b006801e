//! What `lipa simulate` prints. English only, on purpose: the simulator is a developer's and a
//! tester's tool (its faults, URLs and credentials are for people who read the providers' English
//! documents), never shown to a cashier.

/// What `lipa simulate` prints once it listens.
pub struct SimBanner<'a> {
    pub addr: &'a str,
    pub clickpesa_base_url: &'a str,
    pub cepta_base_url: &'a str,
    pub clickpesa_client_id: &'a str,
    pub clickpesa_api_key: &'a str,
    pub clickpesa_checksum_key: &'a str,
    pub cepta_public_key: &'a str,
    pub cepta_secret_key: &'a str,
    pub cepta_email: &'a str,
    pub settle: std::time::Duration,
    pub faults: SimFaults<'a>,
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
    /// Largest `X-Access-Ts` difference Cepta accepts, in seconds.
    pub cepta_max_skew_secs: u64,
}

/// The banner's faults paragraph.
fn sim_faults(addr: &str, f: &SimFaults<'_>) -> String {
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
            "\nClock: the simulator's runs {} s {} this machine's; Cepta refuses requests\n\
             stamped more than {} s away from it.",
            f.clock_offset_secs.unsigned_abs(),
            if f.clock_offset_secs > 0 {
                "ahead of"
            } else {
                "behind"
            },
            f.cepta_max_skew_secs,
        ));
    }
    text.push_str(&format!(
        "\nChange faults while it runs: POST http://{addr}/sim/faults (GET shows them)."
    ));
    text
}

/// The simulator's banner: credentials, base URLs, `export` lines and the magic digits.
pub fn sim_banner(b: &SimBanner<'_>) -> String {
    format!(
        "lipa simulator: ClickPesa (TZS) and Cepta (KES) listening on http://{addr}\n\
         Demo credentials only; customers answer after {settle:?}. Stop with Ctrl-C.\n\
         \n\
         ClickPesa  base URL      {cp_url}\n\
         \x20          client id     {cp_id}\n\
         \x20          API key       {cp_key}\n\
         \x20          checksum key  {cp_sum}  (checksums are required)\n\
         Cepta      base URL      {ce_url}\n\
         \x20          public key    {ce_pub}\n\
         \x20          secret key    {ce_sec}\n\
         \x20          e-mail        {ce_mail}\n\
         \n\
         Paste into the shell that runs lipa:\n\
         export LIPA_CLICKPESA_BASE_URL={cp_url}\n\
         export LIPA_CLICKPESA_CLIENT_ID={cp_id}\n\
         export LIPA_CLICKPESA_API_KEY={cp_key}\n\
         export LIPA_CLICKPESA_CHECKSUM_KEY={cp_sum}\n\
         export LIPA_CEPTA_BASE_URL={ce_url}\n\
         export LIPA_CEPTA_PUBLIC_KEY={ce_pub}\n\
         export LIPA_CEPTA_SECRET_KEY={ce_sec}\n\
         export LIPA_CEPTA_EMAIL={ce_mail}\n\
         export LIPA_SCHEDULE_SCALE={scale:.3}\n\
         (the last line makes lipa ask as often as these fast customers need; leave it out\n\
         \x20for real providers)\n\
         \n\
         The customer is chosen by the phone number's last digit:\n\
         \x20 0-5  pays\n\
         \x20 6    cancels (\"Request cancelled by user\")\n\
         \x20 7    has too little money (\"Insufficient balance\")\n\
         \x20 8    never answers: stays pending\n\
         \x20 9    gets the prompt and pays, but the send itself fails (ClickPesa 500,\n\
         \x20      Cepta 408): lipa must ask the provider to learn it was paid\n\
         e.g. ClickPesa 0712 345 670 pays; Cepta 0712 345 677 lacks funds.\n\
         TTCL numbers (073…) are refused by ClickPesa: no push wallet.\n\
         \n\
         {faults}\n\
         Truth for testers: http://{addr}/sim/ledger and http://{addr}/sim/stats",
        addr = b.addr,
        settle = b.settle,
        cp_url = b.clickpesa_base_url,
        cp_id = b.clickpesa_client_id,
        cp_key = b.clickpesa_api_key,
        cp_sum = b.clickpesa_checksum_key,
        ce_url = b.cepta_base_url,
        ce_pub = b.cepta_public_key,
        ce_sec = b.cepta_secret_key,
        ce_mail = b.cepta_email,
        faults = sim_faults(b.addr, &b.faults),
        scale = crate::engine::scale_for(b.settle),
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
