//! Messages of the headless commands and of start-up.

use std::path::Path;

fn place(path: Option<&Path>) -> String {
    match path {
        Some(p) => format!(" (environment, or {})", p.display()),
        None => " (environment or config file)".into(),
    }
}

pub fn config_unreadable(path: &Path, reason: &str) -> String {
    format!("cannot read config file {}: {reason}", path.display())
}
pub fn config_malformed(path: &Path, line: Option<usize>, reason: &str) -> String {
    // One line, whatever the parser wrote.
    let reason = reason.split_whitespace().collect::<Vec<_>>().join(" ");
    match line {
        Some(n) => format!(
            "config file {} is not valid, line {n}: {reason}",
            path.display()
        ),
        None => format!("config file {} is not valid: {reason}", path.display()),
    }
}
pub fn config_world_readable(path: &Path, mode: u32) -> String {
    format!(
        "config file {} holds secrets but other users can read it (mode {mode:o}); \
         fix with: chmod 600 {}",
        path.display(),
        path.display()
    )
}
pub fn config_missing(provider: &str, missing: &[String], path: Option<&Path>) -> String {
    format!(
        "{provider} is missing {}{}",
        missing.join(", "),
        place(path)
    )
}
pub fn config_bad_url(key: &str, value: &str, path: Option<&Path>) -> String {
    format!("{key} is not an http(s) URL: '{value}'{}", place(path))
}
pub fn config_insecure_url(key: &str, value: &str, path: Option<&Path>) -> String {
    format!(
        "{key}: {value} is plain http:// to another machine: credentials and tokens would cross \
         the network in clear. Use https://{}",
        place(path)
    )
}
pub fn config_bad_scale(value: &str) -> String {
    format!(
        "LIPA_SCHEDULE_SCALE is '{value}': a number from 0.01 to 1 (or unset, for real providers)"
    )
}
pub fn data_dir_open(dir: &Path) -> String {
    format!(
        "warning: the data directory {} can be read by other users of this machine, and it \
         holds customers' numbers: chmod 700 {}",
        dir.display(),
        dir.display()
    )
}
pub fn config_no_data_dir() -> String {
    "no data directory: set LIPA_DATA_DIR".into()
}
pub fn bad_channel() -> String {
    "a channel is a numeric code such as 63902 (M-PESA)".into()
}
pub fn unknown_channel(code: &str, offered: &[crate::provider::Channel]) -> String {
    let list = offered
        .iter()
        .map(|c| format!("{} {}", c.code, c.name))
        .collect::<Vec<_>>()
        .join(", ");
    format!("{code} is not a channel Cepta offers ({list})")
}
pub fn channel_unlike_network(network: &str, chosen: &crate::provider::Channel) -> String {
    format!(
        "warning: the number looks like {network}, but the channel is {} {}: check it",
        chosen.code, chosen.name
    )
}
pub fn name_too_long(max: usize) -> String {
    format!("at most {max} characters")
}
pub fn no_such_reference(reference: &str) -> String {
    format!(
        "no payment with reference {} in the journal",
        reference.trim()
    )
}
pub fn already_checked(p: &crate::payment::Payment) -> String {
    let by = p.checked_by.as_deref().unwrap_or("someone");
    match p.checked_at {
        Some(at) => format!(
            "{} was already checked by {by} at {}",
            p.reference,
            at.format("%Y-%m-%d %H:%M UTC")
        ),
        None => format!("{} was already checked by {by}", p.reference),
    }
}
pub fn check_only_attention(p: &crate::payment::Payment) -> String {
    format!(
        "only a payment that needs attention can be marked checked; {} is {}",
        p.reference,
        p.status.public_word()
    )
}
pub fn stdout_failed(command: &str, why: &str) -> String {
    format!(
        "lipa {command}: could not write the outcome to standard output ({why}); the payments \
         are in the journal: `lipa sync` reports them"
    )
}
pub fn channel_not_for_clickpesa() -> String {
    "ClickPesa picks the wallet from the number; --channel is for Cepta".into()
}
pub fn reference_used(r: &str) -> String {
    format!("{r} is already in the journal; leave --reference out for a fresh one")
}
/// What `push` says while it waits: the prompt is out, or the send's answer was lost.
pub fn waiting(p: &crate::payment::Payment, secs: u64) -> String {
    match p.status {
        crate::payment::Status::Unknown | crate::payment::Status::Sending => format!(
            "Sent, but the answer was lost: checking reference {} with the provider for up to \
             {secs} s…",
            p.reference
        ),
        _ => waiting_for_customer(p.reference.as_str(), secs),
    }
}
pub fn duplicate_refused(p: &crate::payment::Payment) -> String {
    format!(
        "{}. Check it first; --force sends anyway.",
        crate::strings::engine::duplicate(p)
    )
}
pub fn answer_not_journalled(why: &str) -> String {
    format!(
        "the push was sent but its answer could not be written to the journal ({why}); its \
         outcome is unknown: run `lipa sync` to check it, and do not send it again"
    )
}
pub fn waiting_for_customer(reference: &str, secs: u64) -> String {
    format!("{reference}: prompt sent, waiting up to {secs} s for the customer")
}
pub fn dry_run_message(network: &str, channel: Option<&str>) -> String {
    match channel {
        Some(c) => format!("not sent (dry run); {network}, channel {c}"),
        None => format!("not sent (dry run); {network}"),
    }
}
pub fn sync_nothing() -> String {
    "nothing to sync: every payment in the journal is paid or failed".into()
}
pub fn provider_not_configured(p: &str) -> String {
    format!("{p} is not configured here; cannot re-check")
}
pub fn no_terminal() -> String {
    "lipa's console needs a terminal. Over SSH use `ssh -t host lipa`; from a script use \
     `lipa push` or `lipa sync` (see `lipa --help`)."
        .into()
}
pub fn demo_failed(reason: &str) -> String {
    format!("could not start the built-in demo simulator: {reason}")
}

// ---- `lipa simulate` (src/sim) ----

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
