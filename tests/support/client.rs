//! An SSH client in the test itself (russh's client), for what no well-behaved client sends:
//! any terminal size, any string where a name goes, floods, and a client that never reads.
//! Needs nothing installed: it runs with or without OpenSSH.
#![allow(dead_code)]

use russh::client::{self, AuthResult, DisconnectReason, Handle, Session};
use russh::keys::ssh_key::{self, PrivateKey};
use russh::keys::{PrivateKeyWithHashAlg, PublicKeyOrCertificate};
use russh::{Channel, ChannelMsg};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// What the server said besides channel data: auth banners and its disconnect reason.
#[derive(Default)]
pub struct Heard {
    pub banners: Vec<String>,
    pub disconnect: Option<String>,
}

pub struct Ear(pub Arc<Mutex<Heard>>);

impl client::Handler for Ear {
    type Error = russh::Error;

    async fn check_server_key(
        &mut self,
        _key: &PublicKeyOrCertificate,
    ) -> Result<bool, Self::Error> {
        Ok(true)
    }

    async fn auth_banner(&mut self, banner: &str, _s: &mut Session) -> Result<(), Self::Error> {
        self.0
            .lock()
            .expect("heard")
            .banners
            .push(banner.to_string());
        Ok(())
    }

    async fn disconnected(
        &mut self,
        reason: DisconnectReason<Self::Error>,
    ) -> Result<(), Self::Error> {
        if let DisconnectReason::ReceivedDisconnect(info) = reason {
            self.0.lock().expect("heard").disconnect = Some(info.message);
        }
        Ok(())
    }
}

pub struct Client {
    pub handle: Handle<Ear>,
    pub heard: Arc<Mutex<Heard>>,
}

/// A client's configuration: a small window (the server must wait for it sooner) when asked.
pub fn config(window: Option<u32>) -> Arc<client::Config> {
    let mut c = client::Config {
        inactivity_timeout: Some(Duration::from_secs(120)),
        ..Default::default()
    };
    if let Some(w) = window {
        c.window_size = w;
    }
    Arc::new(c)
}

impl Client {
    pub async fn connect(port: u16) -> Result<Client, russh::Error> {
        Client::connect_with(port, config(None)).await
    }

    pub async fn connect_with(
        port: u16,
        config: Arc<client::Config>,
    ) -> Result<Client, russh::Error> {
        let heard = Arc::new(Mutex::new(Heard::default()));
        let handle = client::connect(config, ("127.0.0.1", port), Ear(heard.clone())).await?;
        Ok(Client { handle, heard })
    }

    /// Logs in without a key (the demo lets anyone in).
    pub async fn login_none(&mut self, user: &str) -> bool {
        matches!(
            self.handle.authenticate_none(user).await,
            Ok(AuthResult::Success)
        )
    }

    pub async fn login_key(&mut self, user: &str, key: &PrivateKey) -> bool {
        let key = PrivateKeyWithHashAlg::new(Arc::new(key.clone()), None);
        matches!(
            self.handle.authenticate_publickey(user, key).await,
            Ok(AuthResult::Success)
        )
    }

    /// A session channel with a pty of this size and a shell: the console.
    pub async fn console(&self, term: &str, cols: u32, rows: u32) -> Channel<client::Msg> {
        let ch = self.handle.channel_open_session().await.expect("session");
        ch.request_pty(false, term, cols, rows, 0, 0, &[])
            .await
            .expect("pty");
        ch.request_shell(false).await.expect("shell");
        ch
    }

    pub fn disconnect_reason(&self) -> Option<String> {
        self.heard.lock().expect("heard").disconnect.clone()
    }
}

/// A fresh ed25519 key, and its line for an operators file.
pub fn key(name: &str, options: &str) -> (PrivateKey, String) {
    let mut seed = [0u8; 32];
    rand::Rng::fill(&mut rand::rng(), &mut seed);
    let pair = ssh_key::private::Ed25519Keypair::from_seed(&seed);
    let key = PrivateKey::new(ssh_key::private::KeypairData::Ed25519(pair), name).expect("key");
    let public = key.public_key().to_openssh().expect("openssh");
    let line = format!("operator=\"{name}\",{options} {public} {name}@phone");
    (key, line)
}

/// Reads the channel until its bytes hold `text` (true), or it ends or `within` passes.
pub async fn read_until(ch: &mut Channel<client::Msg>, text: &str, within: Duration) -> bool {
    let mut seen = Vec::new();
    let end = tokio::time::Instant::now() + within;
    loop {
        let got = tokio::time::timeout_at(end, ch.wait()).await;
        match got {
            Ok(Some(ChannelMsg::Data { data } | ChannelMsg::ExtendedData { data, .. })) => {
                seen.extend_from_slice(&data);
                if String::from_utf8_lossy(&seen).contains(text) {
                    return true;
                }
            }
            Ok(Some(_)) => {}
            Ok(None) | Err(_) => return false,
        }
    }
}

/// Reads everything until the channel ends (or `within` passes): the bytes.
pub async fn read_to_end(ch: &mut Channel<client::Msg>, within: Duration) -> Vec<u8> {
    let mut seen = Vec::new();
    let end = tokio::time::Instant::now() + within;
    while let Ok(Some(msg)) = tokio::time::timeout_at(end, ch.wait()).await {
        match msg {
            ChannelMsg::Data { data } | ChannelMsg::ExtendedData { data, .. } => {
                seen.extend_from_slice(&data)
            }
            ChannelMsg::Close => break,
            _ => {}
        }
    }
    seen
}

/// Asks something of the channel's server and waits for the answer: every message sent before
/// has been taken by then (the server answers in order). Reads no data: a client whose window is
/// shut stays shut.
pub async fn answered(ch: &mut Channel<client::Msg>) {
    ch.set_env(true, "LIPA_TEST_BARRIER", "1")
        .await
        .expect("env");
    let end = tokio::time::Instant::now() + Duration::from_secs(60);
    loop {
        match tokio::time::timeout_at(end, ch.wait()).await {
            Ok(Some(ChannelMsg::Success | ChannelMsg::Failure)) => return,
            Ok(Some(_)) => {}
            Ok(None) | Err(_) => panic!("the server never answered"),
        }
    }
}
