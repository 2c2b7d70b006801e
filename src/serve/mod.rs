//! `lipa serve`: one lipa process that gives each field agent a console over SSH, and nothing
//! else. One engine and one tracker follow every payment, whoever pushed it and whether or not
//! its agent is still connected; each session is the ordinary console runtime over the
//! channel. `--demo` gives anyone a demo of their own instead.

mod conns;
mod handler;
pub mod host_key;
pub mod keys;
mod outbox;
pub mod registry;
mod rights;
mod session;
mod untrusted;
mod watch;

use crate::cli::{ServeArgs, exit};
use crate::config::{Config, ConfigError};
use crate::engine::Engine;
use crate::lang::Lang;
use crate::strings::serve as s;
use registry::{End, Known, Registry};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, SystemTime};

/// Where `lipa serve` listens unless told.
pub const DEFAULT_ADDR: &str = "127.0.0.1:2222";
/// How often the operators file is looked at for changes.
const WATCH_EVERY: Duration = Duration::from_secs(2);
/// How long a changed operators file must keep still before it is read.
const SETTLE: Duration = Duration::from_millis(300);
/// How long a stopping server waits for sends under way to be journalled.
const STOP_WAIT: Duration = Duration::from_secs(20);

/// What every connection shares.
pub struct Shared {
    pub registry: Registry,
    mode: Mode,
    /// The server's own language (its start and stop lines, its log).
    pub lang: Lang,
    /// The language the server was told to speak (`--lang`, `LIPA_LANG`, `language`): a
    /// session's when neither its operator's line nor its client's locale says (else Swahili).
    pub told: Option<Lang>,
    /// How to reach this server, for "connect with ssh -t …".
    pub host: String,
    pub bell: bool,
    /// The provider a console opens on (`[console] provider`, `LIPA_PROVIDER`).
    pub start_provider: Option<crate::provider::ProviderKind>,
    /// Connections that have not logged in yet.
    pub pre_auth: watch::PreAuth,
    /// The till's time zone.
    pub offset: chrono::FixedOffset,
    /// `[receipt]`, for the agents' print key (none in the demo).
    pub receipt: crate::config::ReceiptSettings,
    /// The operators file (none in the demo).
    operators_file: Option<PathBuf>,
}

enum Mode {
    /// One engine over the data directory's journal, for every operator.
    Real(Engine),
    /// Each visitor's own demo, under this directory.
    Demo { base: PathBuf, config: Box<Config> },
}

impl Shared {
    pub fn demo(&self) -> bool {
        matches!(self.mode, Mode::Demo { .. })
    }

    /// Whether the operators file may still be trusted, looked at now (at every login and
    /// console, and by the watcher every few seconds). A file others could have changed since
    /// it was read grants nothing: the list is emptied at once and every operator's
    /// connection ended, until the file is safe again and read anew.
    pub fn operators_trusted(&self) -> bool {
        let Some(path) = self.operators_file.as_deref() else {
            return true;
        };
        match crate::operators::safety::check(path) {
            Ok(()) => true,
            Err(why) => {
                self.distrust(path, why);
                false
            }
        }
    }

    fn distrust(&self, path: &Path, why: crate::operators::safety::Unsafe) {
        if self.registry.operator_count() == 0 {
            return;
        }
        let text = crate::operators::OperatorsError::Unsafe {
            path: path.to_path_buf(),
            why,
        }
        .text(Lang::En);
        tracing::error!(why = %text, "operators file refused: nobody may log in");
        let ended = self.registry.replace_because(Vec::new(), End::Untrusted);
        tracing::info!(
            operators = 0,
            connections_ended = ended,
            "operators file distrusted"
        );
    }

    /// The shared engine (in the demo, a placeholder: each visitor gets one of their own).
    fn engine(&self) -> Option<Engine> {
        match &self.mode {
            Mode::Real(e) => Some(e.clone()),
            Mode::Demo { .. } => None,
        }
    }

    /// Runs one console to its end: on the shared engine, or on a demo made for this visitor
    /// (its simulator and journal gone when the visitor leaves).
    async fn console(&self, start: session::Start) -> session::Ended {
        match &self.mode {
            Mode::Real(_) => session::run(start).await,
            Mode::Demo { base, config } => {
                let dir = base.join(format!("visitor-{}", rand::random::<u64>()));
                let made = crate::launch::demo_engine(config, &dir).await;
                let ended = match made {
                    Ok((engine, _sim)) => {
                        session::run(session::Start {
                            engine: Some(engine),
                            ..start
                        })
                        .await
                    }
                    Err(why) => {
                        tracing::error!(%why, "a visitor's demo could not start");
                        let text = format!("{}\r\n", s::demo_failed(start.lang, &why));
                        let _ = start.handle.data(start.channel, text.into_bytes()).await;
                        let _ = start.handle.close(start.channel).await;
                        session::Ended::Broke
                    }
                };
                let _ = std::fs::remove_dir_all(&dir);
                ended
            }
        }
    }
}

/// `lipa serve`: returns the exit code.
pub async fn run(
    args: ServeArgs,
    config: Result<Config, ConfigError>,
    lang: Lang,
    told: Option<Lang>,
) -> u8 {
    let config = match config {
        Ok(c) => c,
        Err(e) => {
            crate::errln!("lipa serve: {}", e.text(lang));
            return exit::CONFIG;
        }
    };
    let addr_text = args
        .ssh
        .clone()
        .or_else(|| config.serve.ssh.clone())
        .unwrap_or_else(|| DEFAULT_ADDR.to_string());
    // `off`: callbacks only (with an HTTP address), no consoles.
    let ssh_on = addr_text.trim() != "off";
    let http_text = args.http.clone().or_else(|| config.serve.http.clone());
    if !ssh_on && (http_text.is_none() || args.demo) {
        crate::errln!("{}", s::no_ssh_no_http(lang));
        return exit::INVALID;
    }
    let addr_text = if ssh_on {
        addr_text
    } else {
        DEFAULT_ADDR.to_string()
    };
    let Some(addr) = parse_addr(&addr_text) else {
        crate::errln!("lipa serve: {}", s::bad_address(lang, &addr_text));
        return exit::INVALID;
    };
    let operators_path = crate::operators::path_for(args.operators.as_deref(), &config);
    let http_addr = match http_text.as_deref().filter(|_| !args.demo) {
        Some(text) => match parse_addr(text) {
            Some(a) => Some((a, text.to_string())),
            None => {
                crate::errln!("lipa serve: {}", s::bad_address(lang, text));
                return exit::INVALID;
            }
        },
        None => None,
    };
    let operators = if args.demo || !ssh_on {
        Vec::new()
    } else {
        match read_operators(operators_path.as_deref(), lang) {
            Ok(k) => k,
            Err(text) => {
                crate::errln!("lipa serve: {text}");
                return exit::CONFIG;
            }
        }
    };
    let key = match host_key::load_or_create(&config.data_dir) {
        Ok(k) => k,
        Err(e) => {
            crate::errln!("lipa serve: {}", host_key_text(&e, lang));
            return exit::CONFIG;
        }
    };
    crate::logging::init(&config.data_dir);
    install_panic_hook();
    let mode = if args.demo {
        let base = config.data_dir.join("demo").join("serve");
        // Visitors' demos left by a server that was killed: nobody will come back for them.
        let _ = std::fs::remove_dir_all(&base);
        Mode::Demo {
            base,
            config: Box::new(config.clone()),
        }
    } else {
        if config.providers.is_empty() {
            for (_, problem) in &config.problems {
                crate::errln!("lipa serve: {}", problem.text(lang));
            }
            if config.problems.is_empty() {
                crate::errln!(
                    "lipa serve: {}",
                    crate::strings::console::no_providers(lang)
                );
            }
            return exit::CONFIG;
        }
        let settings = crate::engine::EngineSettings::from_config(&config);
        let engine = match crate::setup::engine(&config, settings) {
            Ok(e) => e,
            Err(e) => {
                crate::errln!("lipa serve: {}", e.text(lang));
                return exit::CONFIG;
            }
        };
        // The server follows every unfinished payment, whether or not anyone is connected;
        // the read fills the book of open payments its consoles share.
        if let Err(e) = engine.open_payments().await {
            tracing::warn!(error = %e, "could not resume unfinished payments");
        }
        engine.sweep_attention();
        engine.sweep_leases();
        engine.follow_ledger();
        Mode::Real(engine)
    };
    let listener = if ssh_on {
        match tokio::net::TcpListener::bind(addr).await {
            Ok(l) => Some(l),
            Err(e) => {
                crate::errln!(
                    "lipa serve: {}",
                    s::cannot_listen(lang, &addr_text, &e.to_string())
                );
                return exit::CONFIG;
            }
        }
    } else {
        None
    };
    let hooks = match (&http_addr, &mode) {
        (Some((a, text)), Mode::Real(engine)) => match tokio::net::TcpListener::bind(a).await {
            Ok(l) => Some((l, engine.clone())),
            Err(e) => {
                crate::errln!(
                    "lipa serve: {}",
                    s::cannot_listen(lang, text, &e.to_string())
                );
                return exit::CONFIG;
            }
        },
        _ => None,
    };
    let bound = listener
        .as_ref()
        .and_then(|l| l.local_addr().ok())
        .unwrap_or(addr);
    let limits = limits(&config);
    let shared = Arc::new(Shared {
        registry: Registry::new(operators, limits),
        mode,
        lang,
        told,
        host: host_for(bound),
        bell: config.bell,
        start_provider: config.start_provider,
        pre_auth: Default::default(),
        offset: config.offset(),
        receipt: if args.demo {
            Default::default()
        } else {
            config.receipt.clone()
        },
        operators_file: operators_path.clone().filter(|_| !args.demo),
    });
    let fingerprint = host_key::fingerprint(&key);
    let start_line = if args.demo {
        s::listening_demo(lang, &bound.to_string(), &fingerprint)
    } else {
        s::listening(
            lang,
            &bound.to_string(),
            shared.registry.operator_count(),
            &fingerprint,
        )
    };
    // The default listens on loopback: say so, or an agent elsewhere meets a closed door.
    let start_line = match bound.ip().is_loopback() {
        true => format!("{start_line}{}", s::this_machine_only(lang, bound.port())),
        false => start_line,
    };
    // SIGTERM and SIGINT are caught from before the start line: a stop sent as soon as it is
    // read (systemctl stop just after start) is a clean stop, not the signal's default death.
    let stop = stop_signals();
    if ssh_on {
        crate::outln!("{start_line}");
    }
    let receiving = hooks.map(|(l, engine)| {
        let at = l.local_addr().map(|a| a.to_string()).unwrap_or_default();
        crate::outln!("{}", s::listening_http(lang, &at));
        if l.local_addr().is_ok_and(|a| !a.ip().is_loopback()) {
            crate::errln!("{}", s::http_open_to_all(lang, &at));
            tracing::warn!(addr = %at, "the callbacks' receiver is open to every network");
        }
        tracing::info!(addr = %at, "receiving callbacks");
        let rows = config
            .providers
            .iter()
            .map(|(k, s)| (*k, s.clone()))
            .collect();
        let receiver = crate::hooks::Receiver::new(engine, rows);
        tokio::spawn(async move {
            if let Err(e) = crate::hooks::serve(l, receiver, crate::hooks::IDLE_MAX).await {
                tracing::error!(error = %e, "the callbacks' receiver stopped");
            }
        })
    });
    if ssh_on {
        tracing::info!(addr = %bound, demo = args.demo, %fingerprint, "serving");
    }
    let ssh_config = Arc::new(ssh_config(key, args.demo));
    let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
    let accepting = listener
        .map(|listener| tokio::spawn(conns::accept(shared.clone(), ssh_config, listener, stop_rx)));
    let watch = tokio::spawn(watch_operators(shared.clone(), operators_path));
    let signal = stop_signal(stop).await;
    tracing::info!(signal, "stopping");
    watch.abort();
    if let Some(accepting) = accepting {
        accepting.abort();
    }
    if let Some(receiving) = receiving {
        receiving.abort();
    }
    // Say goodbye on every screen, and put every terminal back, before the links go.
    shared.registry.end_all(End::Stopping);
    let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
    while shared.registry.session_count() > 0 && tokio::time::Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    if let Some(engine) = shared.engine()
        && !engine.sends_settled(STOP_WAIT).await
    {
        tracing::warn!("stopped with a send under way; it is queried at the next start");
    }
    if let Some(engine) = shared.engine() {
        engine.release_leases().await;
    }
    // Every link is cut, with the reason.
    let _ = stop_tx.send(true);
    tokio::time::sleep(Duration::from_millis(200)).await;
    crate::outln!("{}", s::stopped(lang));
    exit::PAID
}

fn ssh_config(key: russh::keys::PrivateKey, demo: bool) -> russh::server::Config {
    use russh::MethodKind;
    let methods: &[MethodKind] = if demo {
        &[MethodKind::None, MethodKind::PublicKey]
    } else {
        &[MethodKind::PublicKey]
    };
    russh::server::Config {
        methods: methods.into(),
        auth_rejection_time: Duration::from_millis(500),
        auth_rejection_time_initial: Some(Duration::ZERO),
        max_auth_attempts: 6,
        keys: vec![key],
        // A dead mobile link is noticed within about a minute and a half.
        keepalive_interval: Some(Duration::from_secs(30)),
        keepalive_max: 3,
        // The console's own idle limit decides; this only collects connections that never
        // opened one.
        inactivity_timeout: Some(Duration::from_secs(2 * 60 * 60)),
        nodelay: true,
        ..Default::default()
    }
}

fn limits(config: &Config) -> registry::Limits {
    let d = registry::Limits::default();
    registry::Limits {
        max_sessions: config.serve.max_sessions.unwrap_or(d.max_sessions).max(1),
        per_operator: config
            .serve
            .sessions_per_operator
            .unwrap_or(d.per_operator)
            .max(1),
        idle: config
            .serve
            .idle_minutes
            .map_or(d.idle, |m| Duration::from_secs(m.max(2) * 60)),
    }
}

fn read_operators(path: Option<&Path>, lang: Lang) -> Result<Vec<Known>, String> {
    let Some(path) = path else {
        return Err(crate::strings::cli::config_no_data_dir(lang).to_string());
    };
    if !path.exists() {
        return Err(s::no_operators_file(lang, &path.display().to_string()));
    }
    let all = crate::operators::load(path).map_err(|e| e.text(lang))?;
    if all.is_empty() {
        return Err(s::no_operators(lang, &path.display().to_string()));
    }
    registry::known(all).map_err(|(line, why)| format!("{}:{line}: {why}", path.display()))
}

/// Reads the operators file again on SIGHUP and whenever it changes; a file that no longer
/// reads keeps the list as it was (and says so in the log).
async fn watch_operators(shared: Arc<Shared>, path: Option<PathBuf>) {
    let Some(path) = path.filter(|_| !shared.demo()) else {
        return;
    };
    let mut hup = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::hangup()).ok();
    let mut seen = stamp(&path);
    loop {
        let hupped = tokio::select! {
            () = tokio::time::sleep(WATCH_EVERY) => false,
            Some(()) = async { match hup.as_mut() { Some(h) => h.recv().await, None => None } } => true,
        };
        // Permissions first, on every look: a file opened to others grants nothing from now.
        if !shared.operators_trusted() {
            seen = stamp(&path);
            continue;
        }
        let now = stamp(&path);
        if !hupped && now == seen {
            continue;
        }
        // An editor writing in place may leave it half written for a moment: read it once
        // it has kept still a little.
        tokio::time::sleep(SETTLE).await;
        if stamp(&path) != now {
            continue;
        }
        seen = now;
        // Fail closed: a file gone, unreadable or open to others grants nothing; a bad line
        // grants nothing and the good lines stay.
        let list = match path.exists() {
            false => {
                tracing::error!(path = %path.display(), "operators file gone: nobody may log in");
                Vec::new()
            }
            true => match crate::operators::load_again(&path) {
                Ok((good, bad)) => {
                    for (line, error) in &bad {
                        tracing::error!(line, ?error, "operators file: a bad line, skipped");
                    }
                    match registry::known(good) {
                        Ok(k) => k,
                        Err((line, why)) => {
                            tracing::error!(line, %why, "operators file: a key that does not read; nobody may log in");
                            Vec::new()
                        }
                    }
                }
                Err(e) => {
                    tracing::error!(why = %e.text(Lang::En), "operators file refused: nobody may log in");
                    Vec::new()
                }
            },
        };
        let count = list.len();
        let ended = shared.registry.replace(list);
        tracing::info!(
            operators = count,
            connections_ended = ended,
            hupped,
            "operators file read again"
        );
    }
}

/// What the watcher compares between two looks: the file's content (time, length, inode) and
/// who may change it (its mode, owner and change time, and its directory's mode).
#[derive(Debug, PartialEq, Eq)]
struct Stamp {
    modified: Option<SystemTime>,
    len: u64,
    ino: u64,
    mode: u32,
    uid: u32,
    changed: i64,
    dir_mode: Option<u32>,
}

fn stamp(path: &Path) -> Option<Stamp> {
    use std::os::unix::fs::MetadataExt;
    let m = std::fs::metadata(path).ok()?;
    let dir = path.parent().filter(|d| !d.as_os_str().is_empty());
    Some(Stamp {
        modified: m.modified().ok(),
        len: m.len(),
        ino: m.ino(),
        mode: m.mode(),
        uid: m.uid(),
        changed: m.ctime(),
        dir_mode: dir
            .and_then(|d| std::fs::metadata(d).ok())
            .map(|d| d.mode()),
    })
}

type Signals = (tokio::signal::unix::Signal, tokio::signal::unix::Signal);

/// SIGTERM and SIGINT, caught from now on.
fn stop_signals() -> Option<Signals> {
    use tokio::signal::unix::{SignalKind, signal};
    Some((
        signal(SignalKind::terminate()).ok()?,
        signal(SignalKind::interrupt()).ok()?,
    ))
}

async fn stop_signal(signals: Option<Signals>) -> &'static str {
    let Some((mut term, mut int)) = signals else {
        return std::future::pending().await;
    };
    tokio::select! {
        _ = term.recv() => "SIGTERM",
        _ = int.recv() => "SIGINT",
    }
}

/// A panic in one session is that session's: the log gets it, the server's terminal does not.
fn install_panic_hook() {
    std::panic::set_hook(Box::new(|info| {
        tracing::error!(panic = %info, "a task panicked");
    }));
}

fn parse_addr(text: &str) -> Option<SocketAddr> {
    use std::net::ToSocketAddrs;
    text.trim().to_socket_addrs().ok()?.next()
}

/// `-p 2222 host`, as an agent would type it after `ssh -t`.
fn host_for(addr: SocketAddr) -> String {
    let host = if addr.ip().is_unspecified() {
        std::fs::read_to_string("/proc/sys/kernel/hostname")
            .map(|h| h.trim().to_string())
            .unwrap_or_else(|_| "HOST".into())
    } else {
        addr.ip().to_string()
    };
    if addr.port() == 22 {
        host
    } else {
        format!("-p {} {host}", addr.port())
    }
}

fn host_key_text(e: &host_key::HostKeyError, lang: Lang) -> String {
    use host_key::HostKeyError::*;
    match e {
        Open { path, mode } => s::host_key_open(lang, &path.display().to_string(), *mode),
        Unreadable { path, why } => s::host_key_unreadable(lang, &path.display().to_string(), why),
        Unwritable { path, why } => s::host_key_unwritable(lang, &path.display().to_string(), why),
    }
}
