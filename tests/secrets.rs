//! Secrets never leak: recognisable fake keys are configured (environment and config file),
//! the real binary pushes payments that end paid, failed and unknown, is refused, cannot
//! connect and reads broken config files, and the console is driven in a pseudo-terminal. Then
//! the log files, the journal (with its WAL), every stdout/stderr, the JSON outputs, the
//! screens and the raw terminal bytes are searched for each secret: plain, fragments of it, hex
//! and base64 (standard and URL-safe, any alignment). The bearer tokens the simulator issued are
//! learned through a recording proxy and searched for too. Library-level: `Debug` of a loaded
//! `Config` and of the clients, and the errors the clients return for bad credentials (also from
//! a stub that echoes the request back, so redaction is what keeps the secrets out).
//!
//! Layout: `scan` (the secrets and the search), `run` (running the binary), `proxy`, `pty`,
//! `stub`; the tests are in `headless`, `console` and `library`.

#[path = "secrets/console.rs"]
mod console;
#[path = "secrets/headless.rs"]
mod headless;
#[path = "secrets/library.rs"]
mod library;
#[path = "secrets/proxy.rs"]
mod proxy;
#[path = "secrets/pty.rs"]
mod pty;
#[path = "secrets/run.rs"]
mod run;
#[path = "secrets/scan.rs"]
mod scan;
#[path = "secrets/stub.rs"]
mod stub;

#[test]
fn the_scanner_finds_every_form_of_a_secret() {
    scan::scanner_self_check();
}
