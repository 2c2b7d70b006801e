//! The fake secrets, and the search for them: plain text, fragments (a secret cut short by a
//! length limit), hex, and base64 (standard and URL-safe, at any alignment inside a longer
//! encoded text, padded or not). Also a buffer for this test process's own logs.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, OnceLock};

// Recognisable fake secrets: letters, digits and `-` only, so URL or JSON escaping would leave
// them as they are and a plain search finds them there too.
pub const CP_API_KEY: &str = "SECRET-cpapi-7c1f9a0b3e5d4c2a8f6b";
pub const CP_CHECKSUM_KEY: &str = "SECRET-cpsum-4e2d8b6a0c9f1e3d5b7a";
pub const CE_SECRET_KEY: &str = "SECRET-cesec-9b8a7c6d5e4f3a2b1c0d";
pub const DA_CONSUMER_KEY: &str = "SECRET-dakey-3f2e1d0c9b8a7f6e5d4c";
pub const DA_CONSUMER_SECRET: &str = "SECRET-dasec-6b5a4f3e2d1c0b9a8f7e";
pub const DA_PASSKEY: &str = "SECRET-dapass-0a1b2c3d4e5f6a7b8c9d";
pub const WRONG_DA_SECRET: &str = "SECRET-badda-9f8e7d6c5b4a39281706";
pub const SE_API_KEY: &str = "SECRET-sekey-5d4c3b2a1f0e9d8c7b6a";
pub const SE_API_SECRET: &str = "SECRET-sesec-2c3d4e5f6a7b8c9d0e1f";
pub const WRONG_SE_SECRET: &str = "SECRET-badse-8e7f6a5b4c3d2e1f0a9b";
pub const PP_API_TOKEN: &str = "SECRET-pptok-1b2c3d4e5f6a7b8c9d0e";
pub const WRONG_PP_TOKEN: &str = "SECRET-badpp-0e9d8c7b6a5f4e3d2c1b";
/// Wrong keys a cashier might type: still secrets (a typo'd or another account's key).
pub const WRONG_CP_API_KEY: &str = "SECRET-badapi-1a2b3c4d5e6f7a8b9c";
pub const WRONG_CP_CHECKSUM_KEY: &str = "SECRET-badsum-5566778899aabbccdd";
pub const WRONG_CE_SECRET_KEY: &str = "SECRET-badce-0f1e2d3c4b5a69788796";
/// A secret that only ever appears in a broken configuration file.
pub const TYPO_SECRET: &str = "SECRET-typo-a1b2c3d4e5f6a7b8c9d0";
/// A secret typed without quotes, all digits (TOML reads it as a number).
pub const NUMERIC_SECRET: &str = "7391452880611720";
/// A ledger password with a `?` in it, as a tester had one.
pub const LEDGER_PASSWORD: &str = "SECRET-pg?7e3a1c9b5d2f8e4a6c0b";
/// The bearer token the echoing stub issues.
pub const STUB_TOKEN: &str = "SECRET-stubtoken-77aa88bb99cc00dd";

// Not secrets: these may appear anywhere.
pub const CP_CLIENT_ID: &str = "cp-client-id-public";
pub const CE_PUBLIC_KEY: &str = "ce_pub_key_public";
pub const CE_EMAIL: &str = "till@example.com";
pub const DA_SHORTCODE: &str = "174379";
pub const DA_CALLBACK: &str = "https://lipa.example/hooks/daraja";
pub const SE_VENDOR: &str = "TILL60001";

/// Every fixed secret, with the name a failure reports.
pub fn fixed_secrets() -> Vec<(String, String)> {
    [
        ("ClickPesa API key", CP_API_KEY),
        ("ClickPesa checksum key", CP_CHECKSUM_KEY),
        ("Cepta secret key", CE_SECRET_KEY),
        ("wrong ClickPesa API key", WRONG_CP_API_KEY),
        ("wrong ClickPesa checksum key", WRONG_CP_CHECKSUM_KEY),
        ("wrong Cepta secret key", WRONG_CE_SECRET_KEY),
        ("Daraja consumer key", DA_CONSUMER_KEY),
        ("Daraja consumer secret", DA_CONSUMER_SECRET),
        ("Daraja passkey", DA_PASSKEY),
        ("wrong Daraja consumer secret", WRONG_DA_SECRET),
        ("Selcom API key", SE_API_KEY),
        ("Selcom API secret", SE_API_SECRET),
        ("wrong Selcom API secret", WRONG_SE_SECRET),
        ("pawaPay API token", PP_API_TOKEN),
        ("wrong pawaPay API token", WRONG_PP_TOKEN),
        ("secret in a broken config file", TYPO_SECRET),
        ("numeric secret in a config file", NUMERIC_SECRET),
        ("ledger password", LEDGER_PASSWORD),
        ("ledger password after its ?", "7e3a1c9b5d2f8e4a6c0b"),
        ("stub bearer token", STUB_TOKEN),
    ]
    .iter()
    .map(|(n, v)| (n.to_string(), v.to_string()))
    .collect()
}

/// Length of the fragments of a secret searched for in plain text (catches a secret cut short
/// by truncation, or split by a line break).
const FRAGMENT: usize = 12;

const STD: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
const URL: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/// Base64 without padding.
fn base64(bytes: &[u8], alphabet: &[u8; 64]) -> String {
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..=chunk.len() {
            out.push(alphabet[((n >> (18 - 6 * i)) & 63) as usize] as char);
        }
    }
    out
}

/// The characters of `secret`'s base64 that do not depend on what surrounds it, for each of
/// the three alignments it can have inside a longer encoded text (e.g. `id:key` in Basic auth).
/// Padding and the last, partial character are left out, so padded and unpadded forms match.
fn base64_cores(secret: &[u8], alphabet: &[u8; 64]) -> Vec<String> {
    (0..3usize)
        .map(|pad| {
            let mut bytes = vec![0u8; pad];
            bytes.extend_from_slice(secret);
            let encoded = base64(&bytes, alphabet);
            let first = (8 * pad).div_ceil(6);
            let last = (8 * (pad + secret.len())) / 6; // exclusive: whole characters only
            encoded[first..last].to_string()
        })
        .collect()
}

/// The forms a secret is searched in: (form, needle).
fn forms(secret: &str) -> Vec<(String, String)> {
    let mut v = Vec::new();
    let chars: Vec<char> = secret.chars().collect();
    if chars.len() <= FRAGMENT {
        v.push(("plain".to_string(), secret.to_string()));
    } else {
        for w in chars.windows(FRAGMENT) {
            v.push(("plain fragment".to_string(), w.iter().collect()));
        }
    }
    let hex: String = secret.bytes().map(|b| format!("{b:02x}")).collect();
    v.push(("hex".to_string(), hex.clone()));
    v.push(("HEX".to_string(), hex.to_uppercase()));
    for (name, alphabet) in [("base64", STD), ("base64url", URL)] {
        for core in base64_cores(secret.as_bytes(), alphabet) {
            v.push((name.to_string(), core));
        }
    }
    v
}

/// Collects everything a person or a file could see, then looks for the secrets in it.
#[derive(Default)]
pub struct Haystack {
    items: Vec<(String, Vec<u8>)>,
}

impl Haystack {
    pub fn add(&mut self, place: impl Into<String>, bytes: impl Into<Vec<u8>>) {
        self.items.push((place.into(), bytes.into()));
    }

    /// Every file under `dir` (log files, the journal and its WAL, anything else), as bytes —
    /// but ClickPesa's token file, the one place a token is meant to be kept (checked private
    /// and free of keys instead).
    pub fn add_dir(&mut self, dir: &Path) {
        for path in files_under(dir) {
            if path.file_name().and_then(|n| n.to_str())
                == Some(lipa::provider::clickpesa::TOKEN_FILE_NAME)
            {
                use std::os::unix::fs::PermissionsExt;
                let mode = std::fs::metadata(&path).map(|m| m.permissions().mode());
                assert_eq!(
                    mode.map(|m| m & 0o777).ok(),
                    Some(0o600),
                    "{}",
                    path.display()
                );
                continue;
            }
            let bytes = std::fs::read(&path).unwrap_or_default();
            self.add(path.display().to_string(), bytes);
        }
    }

    /// This test process's own logs: the simulator's, and the clients' of the library-level
    /// tests (shared by every test of this binary, so a leak may come from another test).
    pub fn add_in_process_log(&mut self) {
        self.add("this test process's logs", in_process_log());
    }

    pub fn len(&self) -> usize {
        self.items.len()
    }

    pub fn total_bytes(&self) -> usize {
        self.items.iter().map(|i| i.1.len()).sum()
    }

    /// The places searched whose name contains `part`.
    pub fn places_with(&self, part: &str) -> Vec<&str> {
        self.items
            .iter()
            .filter(|i| i.0.contains(part))
            .map(|i| i.0.as_str())
            .collect()
    }

    /// Where each secret was found: one line per secret and place, naming the first form seen.
    pub fn leaks(&self, secrets: &[(String, String)]) -> Vec<String> {
        let mut found = Vec::new();
        for (name, value) in secrets {
            let forms = forms(value);
            for (place, bytes) in &self.items {
                let hit = forms.iter().find(|(_, n)| contains(bytes, n.as_bytes()));
                if let Some((form, needle)) = hit {
                    found.push(format!("{name} ({form} `{needle}`) in {place}"));
                }
            }
        }
        found
    }

    /// Fails naming every secret found and where (the secrets are this test's fakes).
    pub fn assert_clean(&self, secrets: &[(String, String)]) {
        let leaks = self.leaks(secrets);
        assert!(
            leaks.is_empty(),
            "{} leak(s) in {} places searched:\n{}",
            leaks.len(),
            self.len(),
            leaks.join("\n")
        );
    }
}

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    !needle.is_empty() && hay.windows(needle.len()).any(|w| w == needle)
}

fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut todo = vec![dir.to_path_buf()];
    while let Some(d) = todo.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                todo.push(p);
            } else {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

/// The scanner finds what it should: a secret in each form, and a fragment of one.
pub fn scanner_self_check() {
    let secret = CP_API_KEY;
    let secrets = vec![("k".to_string(), secret.to_string())];
    let std_padded = |pre: &str| {
        let mut s = base64(format!("{pre}{secret}").as_bytes(), STD);
        while !s.len().is_multiple_of(4) {
            s.push('=');
        }
        s
    };
    for sample in [
        format!("x{secret}y"),
        format!("cut: {}…", &secret[..FRAGMENT + 2]),
        secret.bytes().map(|b| format!("{b:02X}")).collect(),
        std_padded(""),
        std_padded("id:"),
        std_padded("i:"),
        std_padded("client:"),
        base64(format!("ab{secret}").as_bytes(), URL),
    ] {
        let mut h = Haystack::default();
        h.add("sample", sample.clone());
        assert!(!h.leaks(&secrets).is_empty(), "scanner missed {sample}");
    }
    let mut h = Haystack::default();
    h.add("clean", "nothing secret here: SECRET- and cpapi alone");
    assert!(h.leaks(&secrets).is_empty());
}

/// Logs of this process (the simulator, and the clients in library-level tests), at trace.
static IN_PROCESS_LOG: Mutex<Vec<u8>> = Mutex::new(Vec::new());

struct LogWriter;

impl Write for LogWriter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        IN_PROCESS_LOG
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Sends this process's `tracing` output, every level, to a buffer (once per test binary).
pub fn capture_in_process_logs() {
    static ONCE: OnceLock<()> = OnceLock::new();
    ONCE.get_or_init(|| {
        let _ = tracing_subscriber::fmt()
            .with_env_filter(tracing_subscriber::EnvFilter::new("trace"))
            .with_ansi(false)
            .with_writer(|| LogWriter)
            .try_init();
    });
}

fn in_process_log() -> Vec<u8> {
    IN_PROCESS_LOG
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .clone()
}
