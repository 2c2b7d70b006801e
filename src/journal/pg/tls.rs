//! TLS to the shared ledger (rustls), with `sslmode` as psql has it, so that a URL means to
//! lipa what it means to psql: `disable`; `prefer` (the default: encrypted when the server
//! offers it) and `require` (encrypted, or no connection) take the server's certificate as it
//! comes, as psql does; `verify-ca` and `verify-full` (for a server across the internet)
//! verify it and the server's name, against the public roots (webpki-roots) and the CA file
//! the URL names as `sslrootcert=` (a chain's own CA; `system`: the public roots only). As
//! with psql, naming a `sslrootcert` makes `require` verify too. `verify-ca` checks the name
//! as well (stricter than psql). A Unix socket is never encrypted, as with psql.

use crate::journal::JournalError;
use crate::secret::percent_decode;
use std::sync::Arc;
use tokio_postgres::config::SslMode;

/// The TLS every connection to the ledger uses: rustls, or none (a Unix socket).
#[derive(Clone)]
pub enum Tls {
    Rustls(tokio_postgres_rustls::MakeRustlsConnect),
    Off,
}

impl Tls {
    /// `verify`: against the public roots and the certificates in `root_cert` (PEM) if named;
    /// else any certificate is taken (the connection is still encrypted).
    pub fn new(verify: bool, root_cert: Option<&str>) -> Result<Tls, JournalError> {
        let mut roots = rustls::RootCertStore::empty();
        roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
        if let Some(path) = root_cert {
            use rustls_pki_types::pem::PemObject;
            let bad = |why: String| JournalError::BadCa(format!("{path}: {why}"));
            let certs = rustls_pki_types::CertificateDer::pem_file_iter(path)
                .map_err(|e| bad(e.to_string()))?
                .collect::<Result<Vec<_>, _>>()
                .map_err(|e| bad(e.to_string()))?;
            if certs.is_empty() {
                return Err(bad("no certificate in it".into()));
            }
            for cert in certs {
                roots.add(cert).map_err(|e| bad(e.to_string()))?;
            }
        }
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let builder = rustls::ClientConfig::builder_with_provider(provider.clone())
            .with_safe_default_protocol_versions()
            .map_err(|e| JournalError::BadCa(e.to_string()))?;
        let config = if verify {
            builder.with_root_certificates(roots).with_no_client_auth()
        } else {
            builder
                .dangerous()
                .with_custom_certificate_verifier(Arc::new(AnyCertificate(provider)))
                .with_no_client_auth()
        };
        Ok(Tls::Rustls(tokio_postgres_rustls::MakeRustlsConnect::new(
            config,
        )))
    }

    /// A pool's connection manager with this TLS.
    pub fn manager(
        &self,
        config: tokio_postgres::Config,
        manager: deadpool_postgres::ManagerConfig,
    ) -> deadpool_postgres::Manager {
        match self {
            Tls::Rustls(c) => deadpool_postgres::Manager::from_config(config, c.clone(), manager),
            Tls::Off => {
                deadpool_postgres::Manager::from_config(config, tokio_postgres::NoTls, manager)
            }
        }
    }
}

/// Whether `config` reaches the server only through Unix sockets (never encrypted, as with
/// psql: a socket's path is no name to verify).
pub fn only_sockets(config: &tokio_postgres::Config) -> bool {
    let hosts = config.get_hosts();
    !hosts.is_empty()
        && hosts
            .iter()
            .all(|h| matches!(h, tokio_postgres::config::Host::Unix(_)))
}

/// psql's `prefer` and `require`: the certificate is taken as it comes; the handshake's
/// signatures are still checked (the connection is encrypted, to whoever answers).
#[derive(Debug)]
struct AnyCertificate(Arc<rustls::crypto::CryptoProvider>);

impl rustls::client::danger::ServerCertVerifier for AnyCertificate {
    fn verify_server_cert(
        &self,
        _end_entity: &rustls_pki_types::CertificateDer<'_>,
        _intermediates: &[rustls_pki_types::CertificateDer<'_>],
        _server_name: &rustls_pki_types::ServerName<'_>,
        _ocsp_response: &[u8],
        _now: rustls_pki_types::UnixTime,
    ) -> Result<rustls::client::danger::ServerCertVerified, rustls::Error> {
        Ok(rustls::client::danger::ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &rustls_pki_types::CertificateDer<'_>,
        dss: &rustls::DigitallySignedStruct,
    ) -> Result<rustls::client::danger::HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(
            message,
            cert,
            dss,
            &self.0.signature_verification_algorithms,
        )
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &rustls_pki_types::CertificateDer<'_>,
        dss: &rustls::DigitallySignedStruct,
    ) -> Result<rustls::client::danger::HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(
            message,
            cert,
            dss,
            &self.0.signature_verification_algorithms,
        )
    }

    fn supported_verify_schemes(&self) -> Vec<rustls::SignatureScheme> {
        self.0.signature_verification_algorithms.supported_schemes()
    }
}

/// A URL read for TLS: the URL as tokio-postgres reads it (which knows neither `sslrootcert`
/// nor the verify modes; both, and `sslmode`, are taken out), the mode to connect with,
/// whether the certificate is verified, and the CA file named.
#[derive(Debug, PartialEq, Eq)]
pub struct Split {
    pub url: String,
    pub mode: SslMode,
    pub verify: bool,
    pub root_cert: Option<String>,
}

/// The URL's parameters read as tokio-postgres reads them (the query begins at the first `?`
/// after the credentials, which end at the first `@`; keys and values are percent-decoded; the
/// last `sslmode` wins). A URL that names a CA (`sslrootcert=`, a file or `system`) or says
/// `require`, `verify-ca` or `verify-full` connects with TLS or not at all (`SslMode::Require`:
/// a server answering "no TLS" is refused, never spoken to in clear); naming a CA verifies
/// the certificate in any mode, and with `sslmode=disable` is refused as a contradiction.
pub fn split_url(url: &str) -> Result<Split, JournalError> {
    let Some(at) = query_start(url) else {
        return Ok(Split {
            url: url.to_string(),
            mode: SslMode::Prefer,
            verify: false,
            root_cert: None,
        });
    };
    let (base, query) = (&url[..at], &url[at + 1..]);
    let (mut root_cert, mut system, mut mode) = (None, false, None);
    let mut kept = Vec::new();
    for pair in query.split('&').filter(|p| !p.is_empty()) {
        let decoded = pair
            .split_once('=')
            .and_then(|(k, v)| Some((percent_decode(k)?, percent_decode(v)?)));
        match decoded.as_ref().map(|(k, v)| (k.as_str(), v.as_str())) {
            // psql 16's word for the system's roots: the public roots here.
            Some(("sslrootcert", "system")) => system = true,
            Some(("sslrootcert", path)) => root_cert = Some(path.to_string()),
            Some(("sslmode", m)) => mode = Some(m.to_string()),
            _ => kept.push(pair),
        }
    }
    let ca = system || root_cert.is_some();
    let (mode, verify) = match mode.as_deref() {
        None | Some("prefer") if ca => (SslMode::Require, true),
        None | Some("prefer") => (SslMode::Prefer, false),
        Some("require") => (SslMode::Require, ca),
        Some("verify-ca" | "verify-full") => (SslMode::Require, true),
        Some("disable") if ca => return Err(JournalError::TlsOff(crate::secret::redact(url))),
        Some("disable") => (SslMode::Disable, false),
        Some(_) => return Err(JournalError::BadUrl(crate::secret::redact(url))),
    };
    let url = if kept.is_empty() {
        base.to_string()
    } else {
        format!("{base}?{}", kept.join("&"))
    };
    Ok(Split {
        url,
        mode,
        verify,
        root_cert,
    })
}

/// Where the parameters begin (the `?`), as tokio-postgres finds it: after the credentials,
/// which end at the first `@` (a password may hold a `?`).
pub(super) fn query_start(url: &str) -> Option<usize> {
    let from = url.find('@').map_or(0, |at| at + 1);
    url[from..].find('?').map(|q| from + q)
}

#[cfg(test)]
mod tests {
    use super::{Split, SslMode, split_url};
    use crate::journal::JournalError;

    fn split(url: &str, mode: SslMode, verify: bool, root_cert: Option<&str>) -> Split {
        Split {
            url: url.into(),
            mode,
            verify,
            root_cert: root_cert.map(str::to_string),
        }
    }

    #[test]
    fn urls_mean_what_they_mean_to_psql() {
        use SslMode::{Disable, Prefer, Require};
        for (url, expected) in [
            (
                "postgres://u@h/db?sslmode=verify-full&sslrootcert=/etc/ca.pem",
                split("postgres://u@h/db", Require, true, Some("/etc/ca.pem")),
            ),
            (
                "postgres://u@h/db?sslmode=verify-ca",
                split("postgres://u@h/db", Require, true, None),
            ),
            (
                "postgres://u@h/db?sslrootcert=ca.pem",
                split("postgres://u@h/db", Require, true, Some("ca.pem")),
            ),
            (
                "postgres://u@h/db?sslmode=require&port=5433",
                split("postgres://u@h/db?port=5433", Require, false, None),
            ),
            (
                "postgres://u@h/db",
                split("postgres://u@h/db", Prefer, false, None),
            ),
            (
                "postgres://u@h/db?sslmode=disable",
                split("postgres://u@h/db", Disable, false, None),
            ),
            (
                "postgres://u@h/db?sslrootcert=system",
                split("postgres://u@h/db", Require, true, None),
            ),
            // A named CA means TLS, whatever else is said.
            (
                "postgres://u@h/db?sslrootcert=system&sslmode=prefer",
                split("postgres://u@h/db", Require, true, None),
            ),
            // Percent-encoded keys and values, as tokio-postgres decodes them.
            (
                "postgres://u@h/db?ssl%72ootcert=/a%20b.pem&sslmod%65=prefer",
                split("postgres://u@h/db", Require, true, Some("/a b.pem")),
            ),
            // The last sslmode wins, as with tokio-postgres.
            (
                "postgres://u@h/db?sslmode=prefer&sslmode=require",
                split("postgres://u@h/db", Require, false, None),
            ),
            // A password with a `?` (and what looks like parameters) is credentials.
            (
                "postgres://u:p?sslmode=disable@h/db?sslmode=require",
                split("postgres://u:p?sslmode=disable@h/db", Require, false, None),
            ),
            (
                "postgres://u:p?x@h/db",
                split("postgres://u:p?x@h/db", Prefer, false, None),
            ),
        ] {
            assert_eq!(split_url(url).expect(url), expected, "{url}");
        }
    }

    #[test]
    fn a_ca_with_tls_off_or_an_unknown_mode_is_refused() {
        for url in [
            "postgres://u:pw@h/db?sslrootcert=/ca.pem&sslmode=disable",
            "postgres://u:pw@h/db?sslmode=disable&sslrootcert=system",
        ] {
            assert!(
                matches!(split_url(url), Err(JournalError::TlsOff(ref u)) if !u.contains("pw")),
                "{url}"
            );
        }
        for url in [
            "postgres://u:pw@h/db?sslmode=allow",
            "postgres://u:pw@h/db?sslmode=verify",
        ] {
            assert!(
                matches!(split_url(url), Err(JournalError::BadUrl(ref u)) if !u.contains("pw")),
                "{url}"
            );
        }
    }
}
