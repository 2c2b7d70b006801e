//! One SSH connection: public-key login against the operators file (anyone, in the demo), a
//! pty and a shell get the console, and everything else an SSH client can ask for — commands,
//! sftp, port and agent forwarding, X11, passwords — is refused and logged with the operator
//! and address.

use super::Shared;
use super::registry::{FAILURE_WINDOW, Refusal};
use super::session::{self, In};
use super::untrusted::{screen, shown};
use super::watch::Watch;
use crate::operators::{Operator, Role};
use crate::strings::serve as s;
use russh::keys::ssh_key::HashAlg;
use russh::keys::ssh_key::public::KeyData;
use russh::server::{Auth, ChannelOpenHandle, Msg, PublicKeyOffer, Session, VerifiedPublicKey};
use russh::{Channel, ChannelId, ChannelOpenFailure};
use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::Arc;
use tokio::sync::mpsc;

/// Session channels one connection may hold open at once (each may run a console, as many as
/// the operator's limit allows): an SSH app that opens a second console over the connection it
/// has (OpenSSH's ControlMaster, tabs of a phone app) gets one, a flood of channels does not.
pub const CHANNELS_MAX: usize = 8;
/// Keys not on the list remembered per connection (a client may offer many).
const UNKNOWN_KEYS_KEPT: usize = 8;

#[derive(Debug, thiserror::Error)]
pub enum ConnError {
    #[error(transparent)]
    Ssh(#[from] russh::Error),
}

/// A pty the client asked for.
#[derive(Debug, Clone)]
struct Pty {
    term: String,
    cols: u16,
    rows: u16,
    /// The size asked, when it was more than a screen can be (for the log).
    asked: Option<String>,
}

pub struct Conn {
    shared: Arc<Shared>,
    peer: Option<SocketAddr>,
    /// Who logged in (a visitor in the demo).
    who: Option<Operator>,
    key: Option<KeyData>,
    /// The keys offered that are not on the list (their fingerprints: the last for the log,
    /// each counted as a failure of that key when no login comes).
    unknown_keys: Vec<String>,
    tried: Vec<&'static str>,
    /// A key was refused because the operators file could be changed by others then (not
    /// because the key is not on it).
    distrusted: bool,
    /// The open session channels.
    channels: HashMap<ChannelId, Chan>,
    /// What the connection's watchdog is told.
    watch: Arc<Watch>,
    /// This connection among the logged-in ones.
    link: Option<u64>,
}

/// One session channel: its terminal, and where its bytes go once its console runs.
#[derive(Default)]
struct Chan {
    pty: Option<Pty>,
    no_color: bool,
    /// `LC_ALL`, `LC_MESSAGES`, `LANG` as the client sent them (`SetEnv`/`SendEnv`).
    locale: Vec<(&'static str, String)>,
    input: Option<mpsc::Sender<In>>,
    /// A console runs on it (until the client closes the channel).
    console_open: bool,
}

impl Conn {
    pub fn new(shared: Arc<Shared>, peer: Option<SocketAddr>, watch: Arc<Watch>) -> Conn {
        Conn {
            shared,
            peer,
            watch,
            link: None,
            who: None,
            key: None,
            unknown_keys: Vec::new(),
            tried: Vec::new(),
            distrusted: false,
            channels: HashMap::new(),
        }
    }

    fn addr(&self) -> String {
        self.peer.map_or_else(|| "?".into(), |p| p.to_string())
    }

    fn name(&self) -> &str {
        self.who.as_ref().map_or("-", |w| w.name.as_str())
    }

    fn refuse(&self, what: &str) {
        tracing::warn!(operator = self.name(), addr = %self.addr(), "refused: {what}");
    }

    /// Too many logins from this address failed lately (it is told so; a listed key still
    /// logs in from it).
    fn blocked(&self) -> bool {
        self.peer
            .is_some_and(|p| self.shared.registry.blocked(p.ip()))
    }

    /// A key not on the list was offered.
    fn unknown(&mut self, fingerprint: String) {
        self.tried.push("publickey");
        self.unknown_keys.retain(|k| *k != fingerprint);
        if self.unknown_keys.len() >= UNKNOWN_KEYS_KEPT {
            self.unknown_keys.remove(0);
        }
        self.unknown_keys.push(fingerprint);
    }

    /// A password, or keyboard-interactive: never accepted. From an address that failed too
    /// often lately, the connection ends at once, telling the client why.
    fn no_password(&mut self, method: &'static str) {
        self.tried.push(method);
        self.watch.failed();
        if self.blocked() {
            self.refuse(&format!(
                "{method} from an address with too many failed logins: connection closed"
            ));
            let minutes = FAILURE_WINDOW.as_secs() / 60;
            // Whose connection it is nobody knows yet: both languages, Swahili first.
            self.watch
                .cut(s::both_line(|lang| s::no_password_here(lang, minutes)));
        } else if method == "password" {
            self.refuse("a password (only public keys are accepted)");
        }
    }

    /// Writes a line to the client's screen (and stderr), then ends the channel. Written
    /// through the session itself, never awaited: a client that reads nothing cannot hold the
    /// connection's loop.
    fn say_and_close(&self, channel: ChannelId, session: &mut Session, text: &str) {
        let line = format!("{text}\r\n");
        let _ = session.extended_data(channel, 1, line.into_bytes());
        let _ = session.exit_status_request(channel, 1);
        let _ = session.eof(channel);
        let _ = session.close(channel);
    }

    fn visitor() -> Operator {
        Operator {
            name: "demo".into(),
            role: Role::Supervisor,
            lang: None,
            providers: None,
            max_amount: Default::default(),
            key_type: String::new(),
            key: String::new(),
            line: 0,
        }
    }
}

impl Drop for Conn {
    fn drop(&mut self) {
        if let Some(id) = self.link.take() {
            self.shared.registry.unlink(id);
        }
        match &self.who {
            Some(who) => {
                tracing::info!(operator = %who.name, addr = %self.addr(), "logout");
            }
            None if self.tried.is_empty() => {}
            None if self.distrusted => {
                // Not the client's failure: the file is at fault, and nobody gets in.
                self.refuse(
                    "no login: the operators file (or its directory) can be written by others, \
                     so no key is taken until it is private again (chmod 600)",
                );
            }
            None => {
                // Counted before it is logged: whoever reads the line sees it counted.
                if let Some(p) = self.peer {
                    self.shared.registry.failed(p.ip());
                }
                let mut times = 0;
                for fp in &self.unknown_keys {
                    times = self.shared.registry.key_failed(fp);
                }
                let why = match self.unknown_keys.last() {
                    Some(fp) => format!(
                        "no login: key {fp} is not in the operators file (refused {times} {} in {} min)",
                        if times == 1 { "time" } else { "times" },
                        FAILURE_WINDOW.as_secs() / 60
                    ),
                    None if self.tried.iter().any(|t| *t != "none") => format!(
                        "no login: tried {} (only public keys of the operators file are accepted)",
                        self.tried.join(", ")
                    ),
                    None => "no login: no key offered (only public keys are accepted)".into(),
                };
                self.refuse(&why);
            }
        }
    }
}

impl russh::server::Handler for Conn {
    type Error = ConnError;

    async fn authentication_banner(&mut self) -> Result<Option<String>, Self::Error> {
        self.watch.kex_done();
        let Some(p) = self.peer.filter(|_| self.blocked()) else {
            return Ok(None);
        };
        let failures = self.shared.registry.failures(p.ip());
        let minutes = FAILURE_WINDOW.as_secs() / 60;
        // Whose connection it is, nobody knows yet: both languages, Swahili first.
        Ok(Some(format!(
            "{}\r\n",
            s::both(|lang| s::banner_failures(lang, failures, minutes))
        )))
    }

    async fn auth_none(&mut self, user: &str) -> Result<Auth, Self::Error> {
        if self.watch.closing() {
            return Ok(Auth::reject());
        }
        if self.shared.demo() {
            tracing::info!(user = %shown(user), addr = %self.addr(), "demo visitor");
            self.who = Some(Conn::visitor());
            return Ok(Auth::Accept);
        }
        self.tried.push("none");
        Ok(Auth::reject())
    }

    async fn auth_password(&mut self, _user: &str, _password: &str) -> Result<Auth, Self::Error> {
        self.no_password("password");
        Ok(Auth::reject())
    }

    async fn auth_keyboard_interactive<'a>(
        &'a mut self,
        _user: &str,
        _submethods: &str,
        _response: Option<russh::server::Response<'a>>,
    ) -> Result<Auth, Self::Error> {
        self.no_password("keyboard-interactive");
        Ok(Auth::reject())
    }

    async fn auth_publickey_offered(
        &mut self,
        _user: &str,
        offer: PublicKeyOffer<'_>,
    ) -> Result<Auth, Self::Error> {
        if self.shared.demo() {
            return Ok(Auth::Accept);
        }
        if !self.shared.operators_trusted() {
            self.tried.push("publickey");
            self.distrusted = true;
            return Ok(Auth::reject());
        }
        if self.shared.operators_trusted()
            && self
                .shared
                .registry
                .find(offer.public_key.key_data())
                .is_some()
        {
            return Ok(Auth::Accept);
        }
        self.unknown(offer.public_key.fingerprint(HashAlg::Sha256).to_string());
        Ok(Auth::reject())
    }

    async fn auth_publickey(
        &mut self,
        user: &str,
        key: VerifiedPublicKey<'_>,
    ) -> Result<Auth, Self::Error> {
        let fp = key.public_key.fingerprint(HashAlg::Sha256).to_string();
        if self.watch.closing() {
            return Ok(Auth::reject());
        }
        if self.shared.demo() {
            tracing::info!(user = %shown(user), addr = %self.addr(), key = %fp, "demo visitor");
            self.who = Some(Conn::visitor());
            return Ok(Auth::Accept);
        }
        let found = match self.shared.operators_trusted() {
            true => self.shared.registry.find(key.public_key.key_data()),
            false => {
                self.tried.push("publickey");
                self.distrusted = true;
                return Ok(Auth::reject());
            }
        };
        match found {
            Some(op) => {
                tracing::info!(operator = %op.name, role = op.role.id(), user = %shown(user), addr = %self.addr(), key = %fp, "login");
                self.key = Some(key.public_key.key_data().clone());
                self.who = Some(op);
                Ok(Auth::Accept)
            }
            None => {
                self.unknown(fp);
                self.watch.failed();
                Ok(Auth::reject())
            }
        }
    }

    async fn auth_succeeded(&mut self, _session: &mut Session) -> Result<(), Self::Error> {
        self.watch.logged_in(&self.shared.pre_auth);
        if let (Some(key), Some(who)) = (self.key.clone(), self.who.clone()) {
            self.link = Some(self.shared.registry.link(key, who, self.watch.clone()));
        }
        Ok(())
    }

    async fn channel_open_session(
        &mut self,
        channel: Channel<Msg>,
        reply: ChannelOpenHandle,
        _session: &mut Session,
    ) -> Result<(), Self::Error> {
        if self.channels.len() >= CHANNELS_MAX {
            self.refuse(&format!(
                "a session channel: {CHANNELS_MAX} are open on this connection"
            ));
            reply.reject(ChannelOpenFailure::ResourceShortage).await;
            return Ok(());
        }
        self.channels.insert(channel.id(), Chan::default());
        reply.accept().await;
        Ok(())
    }

    async fn channel_open_direct_tcpip(
        &mut self,
        _channel: Channel<Msg>,
        host: &str,
        port: u32,
        _originator_address: &str,
        _originator_port: u32,
        reply: ChannelOpenHandle,
        _session: &mut Session,
    ) -> Result<(), Self::Error> {
        self.refuse(&format!(
            "port forwarding (-L/-D) to {}:{port}",
            shown(host)
        ));
        reply
            .reject(ChannelOpenFailure::AdministrativelyProhibited)
            .await;
        Ok(())
    }

    async fn channel_open_direct_streamlocal(
        &mut self,
        _channel: Channel<Msg>,
        _socket_path: &str,
        reply: ChannelOpenHandle,
        _session: &mut Session,
    ) -> Result<(), Self::Error> {
        self.refuse("socket forwarding");
        reply
            .reject(ChannelOpenFailure::AdministrativelyProhibited)
            .await;
        Ok(())
    }

    async fn channel_open_x11(
        &mut self,
        _channel: Channel<Msg>,
        _originator_address: &str,
        _originator_port: u32,
        reply: ChannelOpenHandle,
        _session: &mut Session,
    ) -> Result<(), Self::Error> {
        self.refuse("an X11 channel");
        reply
            .reject(ChannelOpenFailure::AdministrativelyProhibited)
            .await;
        Ok(())
    }

    async fn tcpip_forward(
        &mut self,
        address: &str,
        port: &mut u32,
        _session: &mut Session,
    ) -> Result<bool, Self::Error> {
        self.refuse(&format!(
            "remote port forwarding (-R) of {}:{port}",
            shown(address)
        ));
        Ok(false)
    }

    async fn streamlocal_forward(
        &mut self,
        _socket_path: &str,
        _session: &mut Session,
    ) -> Result<bool, Self::Error> {
        self.refuse("remote socket forwarding");
        Ok(false)
    }

    async fn agent_request(
        &mut self,
        _channel: ChannelId,
        _session: &mut Session,
    ) -> Result<bool, Self::Error> {
        self.refuse("agent forwarding (-A)");
        Ok(false)
    }

    async fn x11_request(
        &mut self,
        channel: ChannelId,
        _single: bool,
        _protocol: &str,
        _cookie: &str,
        _screen: u32,
        session: &mut Session,
    ) -> Result<(), Self::Error> {
        self.refuse("X11 forwarding (-X)");
        session.channel_failure(channel)?;
        Ok(())
    }

    async fn env_request(
        &mut self,
        channel: ChannelId,
        name: &str,
        value: &str,
        session: &mut Session,
    ) -> Result<(), Self::Error> {
        let locale = ["LC_ALL", "LC_MESSAGES", "LANG"]
            .into_iter()
            .find(|k| *k == name);
        if name == "NO_COLOR"
            && !value.is_empty()
            && let Some(chan) = self.channels.get_mut(&channel)
        {
            chan.no_color = true;
            session.channel_success(channel)?;
        } else if let Some(name) = locale
            && let Some(chan) = self.channels.get_mut(&channel)
        {
            // Only its language is taken from it (at most a few characters are kept).
            chan.locale.retain(|(k, _)| *k != name);
            chan.locale.push((name, value.chars().take(16).collect()));
            session.channel_success(channel)?;
        } else {
            session.channel_failure(channel)?;
        }
        Ok(())
    }

    async fn pty_request(
        &mut self,
        channel: ChannelId,
        term: &str,
        cols: u32,
        rows: u32,
        _pix_width: u32,
        _pix_height: u32,
        _modes: &[(russh::Pty, u32)],
        session: &mut Session,
    ) -> Result<(), Self::Error> {
        // A client without a terminal of its own (`ssh -tt` from a script) asks for 0×0.
        let (cols, rows) = if cols == 0 || rows == 0 {
            (80, 24)
        } else {
            (cols, rows)
        };
        let (c, r) = screen(cols, rows);
        let taken = u32::from(c) == cols && u32::from(r) == rows;
        let Some(chan) = self.channels.get_mut(&channel) else {
            session.channel_failure(channel)?;
            return Ok(());
        };
        chan.pty = Some(Pty {
            term: term.to_string(),
            cols: c,
            rows: r,
            asked: (!taken).then(|| format!("{cols}x{rows}")),
        });
        session.channel_success(channel)?;
        Ok(())
    }

    async fn window_change_request(
        &mut self,
        channel: ChannelId,
        cols: u32,
        rows: u32,
        _pix_width: u32,
        _pix_height: u32,
        _session: &mut Session,
    ) -> Result<(), Self::Error> {
        let (cols, rows) = screen(cols, rows);
        let Some(chan) = self.channels.get_mut(&channel) else {
            return Ok(());
        };
        if let Some(p) = chan.pty.as_mut() {
            p.cols = cols;
            p.rows = rows;
        }
        if let Some(input) = &chan.input {
            let _ = input.send(In::Size(cols, rows)).await;
        }
        Ok(())
    }

    async fn exec_request(
        &mut self,
        channel: ChannelId,
        data: &[u8],
        session: &mut Session,
    ) -> Result<(), Self::Error> {
        let command = String::from_utf8_lossy(data);
        self.refuse(&format!("a command (\"{}\")", shown(&command)));
        self.say_then_fail(channel, session)
    }

    async fn subsystem_request(
        &mut self,
        channel: ChannelId,
        name: &str,
        session: &mut Session,
    ) -> Result<(), Self::Error> {
        self.refuse(&format!("the {} subsystem", shown(name)));
        self.say_then_fail(channel, session)
    }

    async fn shell_request(
        &mut self,
        channel: ChannelId,
        session: &mut Session,
    ) -> Result<(), Self::Error> {
        let pty = self.channels.get(&channel).and_then(|c| c.pty.clone());
        let (Some(who), Some(pty)) = (self.who.clone(), pty) else {
            self.refuse("a session without a terminal (ssh -T)");
            session.channel_success(channel)?;
            let text = s::use_ssh_t(self.lang(channel), &self.shared.host);
            self.say_and_close(channel, session, &text);
            return Ok(());
        };
        if self
            .channels
            .get(&channel)
            .is_none_or(|c| c.input.is_some())
        {
            session.channel_failure(channel)?;
            return Ok(());
        }
        // The operators file may have changed since the login: the line as it is now decides.
        let who = match &self.key {
            Some(key) => match self
                .shared
                .operators_trusted()
                .then(|| self.shared.registry.find(key))
                .flatten()
            {
                Some(now) => now,
                None => {
                    self.refuse("a console: the key is no longer in the operators file");
                    session.channel_success(channel)?;
                    let text = s::key_removed(self.lang(channel));
                    self.say_and_close(channel, session, &text);
                    return Ok(());
                }
            },
            None => who,
        };
        self.who = Some(who.clone());
        let lang = self.lang(channel);
        let opened = self.shared.registry.open(&who.name, self.link);
        let (id, end) = match opened {
            Ok(pair) => pair,
            Err(refusal) => {
                session.channel_success(channel)?;
                let text = match refusal {
                    Refusal::Yours(n) => s::too_many_of_yours(lang, n),
                    Refusal::Full => s::server_full(lang),
                };
                let why = match refusal {
                    Refusal::Yours(n) => format!("a session: the operator has {n} open already"),
                    Refusal::Full => "a session: the server is full".to_string(),
                };
                self.refuse(&why);
                self.say_and_close(channel, session, &text);
                return Ok(());
            }
        };
        session.channel_success(channel)?;
        let (tx, rx) = mpsc::channel::<In>(64);
        let Some(chan) = self.channels.get_mut(&channel) else {
            self.shared.registry.close(id);
            return Ok(());
        };
        chan.input = Some(tx);
        // Counted until the client closes the channel: by then it has every byte of the
        // goodbye, so a connection cut for a removed key still puts the terminal back.
        chan.console_open = true;
        let no_color = chan.no_color || !crate::console::theme::term_has_colour(&pty.term);
        tracing::info!(operator = %who.name, addr = %self.addr(), term = %shown(&pty.term), cols = pty.cols, rows = pty.rows, asked = %pty.asked.as_deref().unwrap_or("-"), "console opened");
        let shared = self.shared.clone();
        let rights = super::rights::source(&shared, self.key.as_ref(), &who);
        let handle = session.handle();
        let (watch, addr) = (self.watch.clone(), self.addr());
        self.watch.console_opened();
        tokio::spawn(async move {
            let ended = shared
                .console(session::Start {
                    handle: handle.clone(),
                    channel,
                    engine: shared.engine(),
                    operator: who.clone(),
                    rights,
                    demo: shared.demo(),
                    bell: shared.bell,
                    start_provider: shared.start_provider,
                    no_color,
                    lang,
                    size: (pty.cols, pty.rows),
                    input: rx,
                    end,
                    idle: shared.registry.limits.idle,
                    offset: shared.offset,
                    receipt: shared.receipt.clone(),
                    watch,
                    addr,
                })
                .await;
            shared.registry.close(id);
            tracing::info!(operator = %who.name, ?ended, "console closed");
        });
        Ok(())
    }

    async fn data(
        &mut self,
        channel: ChannelId,
        data: &[u8],
        _session: &mut Session,
    ) -> Result<(), Self::Error> {
        if let Some(chan) = self.channels.get_mut(&channel)
            && let Some(input) = &chan.input
            && input.send(In::Bytes(data.to_vec())).await.is_err()
        {
            chan.input = None;
        }
        Ok(())
    }

    async fn channel_eof(
        &mut self,
        channel: ChannelId,
        _session: &mut Session,
    ) -> Result<(), Self::Error> {
        if let Some(chan) = self.channels.get_mut(&channel) {
            chan.input = None;
        }
        Ok(())
    }

    async fn channel_close(
        &mut self,
        channel: ChannelId,
        _session: &mut Session,
    ) -> Result<(), Self::Error> {
        if let Some(chan) = self.channels.remove(&channel)
            && chan.console_open
        {
            self.watch.console_closed();
        }
        Ok(())
    }
}

impl Conn {
    /// Says on the client's stderr that lipa gives a console only, and ends the channel with
    /// exit status 1 (the request is taken only to say so: nothing runs).
    fn say_then_fail(&self, channel: ChannelId, session: &mut Session) -> Result<(), ConnError> {
        let text = format!(
            "{}\r\n",
            s::console_only(self.lang(channel), &self.shared.host)
        );
        session.channel_success(channel)?;
        session.extended_data(channel, 1, text.into_bytes())?;
        session.exit_status_request(channel, 1)?;
        session.eof(channel)?;
        session.close(channel)?;
        Ok(())
    }

    /// The language a channel's words start in: the operator's `lang`, else the client's
    /// locale (`LANG=sw_TZ.UTF-8` or `en_…` sent with `SetEnv`/`SendEnv`), else the language
    /// the server was told (`--lang`, `LIPA_LANG`, `language`), else Swahili, which most
    /// agents read first.
    fn lang(&self, channel: ChannelId) -> crate::strings::Lang {
        let client = self.channels.get(&channel).and_then(|c| {
            crate::strings::Lang::from_client_locale(|k| {
                c.locale
                    .iter()
                    .find(|(name, _)| *name == k)
                    .map(|(_, v)| v.clone())
            })
        });
        self.who
            .as_ref()
            .and_then(|w| w.lang)
            .or(client)
            .or(self.shared.told)
            .unwrap_or(crate::strings::Lang::Sw)
    }
}
