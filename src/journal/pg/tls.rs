//! TLS to the shared ledger (rustls), with `sslmode` as psql has it, so that a URL means to
//! lipa what it means to psql: `disable`; `prefer` (the default: encrypted when the server
//! offers it) and `require` (encrypted, or no connection) take the server's certificate as it
//! comes, as psql does; `verify-ca` and `verify-full` (for a server across the internet)
//! verify it and the server's name, against the public roots (webpki-roots) and the CA file
//! the URL names as `sslrootcert=` (a chain's own CA; `system`: the public roots only). As
//! with psql, naming a `sslrootcert` makes `require` verify too. `verify-ca` checks the name
//! as well (stricter than psql). A Unix socket is never encrypted, as with psql.

use crate::journal::JournalError;
use std::sync::Arc;

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
/// nor the verify modes), whether the certificate is verified, and the CA file named.
#[derive(Debug, PartialEq, Eq)]
pub struct Split {
    pub url: String,
    pub verify: bool,
    pub root_cert: Option<String>,
}

/// `sslrootcert=` is taken out; `sslmode=verify-ca` / `verify-full` read as `require`, and
/// verify; a named `sslrootcert` verifies in any mode but `disable`.
pub fn split_url(url: &str) -> Split {
    let Some((base, query)) = url.split_once('?') else {
        return Split {
            url: url.to_string(),
            verify: false,
            root_cert: None,
        };
    };
    let (mut root_cert, mut verify) = (None, false);
    let mut kept = Vec::new();
    for pair in query.split('&').filter(|p| !p.is_empty()) {
        match pair.split_once('=') {
            // psql 16's word for the system's roots: the public roots here.
            Some(("sslrootcert", "system")) => verify = true,
            Some(("sslrootcert", path)) => root_cert = Some(path.to_string()),
            Some(("sslmode", "verify-ca" | "verify-full")) => {
                verify = true;
                kept.push("sslmode=require");
            }
            _ => kept.push(pair),
        }
    }
    verify |= root_cert.is_some() && !kept.contains(&"sslmode=disable");
    let url = if kept.is_empty() {
        base.to_string()
    } else {
        format!("{base}?{}", kept.join("&"))
    };
    Split {
        url,
        verify,
        root_cert,
    }
}

#[cfg(test)]
mod tests {
    use super::{Split, split_url};

    fn split(url: &str, verify: bool, root_cert: Option<&str>) -> Split {
        Split {
            url: url.into(),
            verify,
            root_cert: root_cert.map(str::to_string),
        }
    }

    #[test]
    fn urls_mean_what_they_mean_to_psql() {
        assert_eq!(
            split_url("postgres://u@h/db?sslmode=verify-full&sslrootcert=/etc/ca.pem"),
            split(
                "postgres://u@h/db?sslmode=require",
                true,
                Some("/etc/ca.pem")
            )
        );
        assert_eq!(
            split_url("postgres://u@h/db?sslmode=verify-ca"),
            split("postgres://u@h/db?sslmode=require", true, None)
        );
        assert_eq!(
            split_url("postgres://u@h/db?sslrootcert=ca.pem"),
            split("postgres://u@h/db", true, Some("ca.pem"))
        );
        assert_eq!(
            split_url("postgres://u@h/db?sslmode=require"),
            split("postgres://u@h/db?sslmode=require", false, None)
        );
        assert_eq!(
            split_url("postgres://u@h/db"),
            split("postgres://u@h/db", false, None)
        );
        assert_eq!(
            split_url("postgres://u@h/db?sslrootcert=system"),
            split("postgres://u@h/db", true, None)
        );
    }
}
