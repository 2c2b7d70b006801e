//! The receipt as ESC/POS, the language of receipt printers: initialise, each line with its
//! alignment and weight, the reference as a QR code, feed and cut. Text is sent as ASCII
//! (the printer's code page cannot be known; letters with accents lose them, other signs
//! become their plain kin, anything else `?`). A small encoder of our own: the commands are
//! few and fixed, and golden byte tests hold them.

use super::{Align, Line};
use std::io::Write;
use std::time::Duration;

const ESC: u8 = 0x1b;
const GS: u8 = 0x1d;

/// How long a network printer may take to answer the connection.
const CONNECT_WITHIN: Duration = Duration::from_secs(3);

/// The bytes of a whole receipt.
pub fn encode(lines: &[Line], qr: Option<&str>) -> Vec<u8> {
    let mut out = vec![ESC, b'@'];
    for l in lines {
        let align = match l.align {
            Align::Left => 0,
            Align::Center => 1,
        };
        out.extend([ESC, b'a', align, ESC, b'E', u8::from(l.bold)]);
        out.extend(ascii(&l.text).into_bytes());
        out.push(b'\n');
    }
    out.extend([ESC, b'E', 0]);
    if let Some(data) = qr.filter(|d| !d.is_empty() && d.len() < 200) {
        out.extend([ESC, b'a', 1]);
        // Model 2, module size 6, error correction M, store the data, print it.
        out.extend([GS, b'(', b'k', 4, 0, 49, 65, 50, 0]);
        out.extend([GS, b'(', b'k', 3, 0, 49, 67, 6]);
        out.extend([GS, b'(', b'k', 3, 0, 49, 69, 49]);
        let len = data.len() + 3;
        out.extend([
            GS,
            b'(',
            b'k',
            (len % 256) as u8,
            (len / 256) as u8,
            49,
            80,
            48,
        ]);
        out.extend(ascii(data).into_bytes());
        out.extend([GS, b'(', b'k', 3, 0, 49, 81, 48]);
        out.extend([b'\n', ESC, b'a', 0]);
    }
    // Feed past the cutter, then a partial cut.
    out.extend([ESC, b'd', 4, GS, b'V', 66, 0]);
    out
}

/// Text a printer of any code page prints: ASCII only.
pub fn ascii(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            ' '..='~' => c.to_string(),
            'á' | 'à' | 'â' | 'ä' | 'ã' | 'å' => "a".into(),
            'Á' | 'À' | 'Â' | 'Ä' | 'Ã' | 'Å' => "A".into(),
            'é' | 'è' | 'ê' | 'ë' => "e".into(),
            'É' | 'È' | 'Ê' | 'Ë' => "E".into(),
            'í' | 'ì' | 'î' | 'ï' => "i".into(),
            'Í' | 'Ì' | 'Î' | 'Ï' => "I".into(),
            'ó' | 'ò' | 'ô' | 'ö' | 'õ' => "o".into(),
            'Ó' | 'Ò' | 'Ô' | 'Ö' | 'Õ' => "O".into(),
            'ú' | 'ù' | 'û' | 'ü' => "u".into(),
            'Ú' | 'Ù' | 'Û' | 'Ü' => "U".into(),
            'ñ' => "n".into(),
            'Ñ' => "N".into(),
            'ç' => "c".into(),
            'Ç' => "C".into(),
            '•' | '·' => "*".into(),
            '—' | '–' | '−' => "-".into(),
            '‘' | '’' => "'".into(),
            '“' | '”' => "\"".into(),
            '…' => "...".into(),
            '×' => "x".into(),
            _ => "?".into(),
        })
        .collect()
}

/// Where receipts go.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Printer {
    /// A network printer (`tcp://HOST:9100`).
    Tcp(String),
    /// A device (`/dev/usb/lp0`).
    Device(std::path::PathBuf),
}

impl Printer {
    /// `tcp://HOST:PORT` or a path.
    pub fn parse(text: &str) -> Option<Printer> {
        let text = text.trim();
        if let Some(addr) = text.strip_prefix("tcp://") {
            return (!addr.is_empty()).then(|| Printer::Tcp(addr.to_string()));
        }
        text.starts_with('/')
            .then(|| Printer::Device(std::path::PathBuf::from(text)))
    }

    /// Sends the bytes; an error says why the printer would not take them.
    pub fn send(&self, bytes: &[u8]) -> std::io::Result<()> {
        if let Printer::Device(path) = self {
            use std::os::unix::fs::FileTypeExt;
            // A pipe nobody reads (or a socket) would hold the writer for ever.
            let kind = std::fs::metadata(path)?.file_type();
            if !kind.is_char_device() && !kind.is_file() {
                return Err(std::io::Error::new(
                    std::io::ErrorKind::InvalidInput,
                    format!("{} is not a printer device", path.display()),
                ));
            }
        }
        match self {
            Printer::Tcp(addr) => {
                use std::net::ToSocketAddrs;
                let target = addr.to_socket_addrs()?.next().ok_or_else(|| {
                    std::io::Error::new(std::io::ErrorKind::NotFound, addr.clone())
                })?;
                let mut conn = std::net::TcpStream::connect_timeout(&target, CONNECT_WITHIN)?;
                conn.set_write_timeout(Some(CONNECT_WITHIN))?;
                conn.write_all(bytes)?;
                conn.flush()?;
                // Done writing: a printer that refused the bytes resets the connection, which
                // only a read sees. Its end of the stream, or silence, is a yes.
                conn.shutdown(std::net::Shutdown::Write)?;
                conn.set_read_timeout(Some(Duration::from_millis(500)))?;
                let mut answer = [0u8; 64];
                loop {
                    match std::io::Read::read(&mut conn, &mut answer) {
                        Ok(0) => return Ok(()),
                        Ok(_) => continue,
                        Err(e)
                            if matches!(
                                e.kind(),
                                std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                            ) =>
                        {
                            return Ok(());
                        }
                        Err(e) => return Err(e),
                    }
                }
            }
            Printer::Device(path) => {
                let mut dev = std::fs::OpenOptions::new().write(true).open(path)?;
                dev.write_all(bytes)?;
                dev.flush()
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn golden_bytes_of_a_small_receipt() {
        let lines = [
            Line {
                text: "Duka".into(),
                align: Align::Center,
                bold: true,
            },
            Line {
                text: "Café +255 712 ••• 670".into(),
                align: Align::Left,
                bold: false,
            },
        ];
        let want: Vec<u8> = [
            &[0x1b, b'@'][..],
            &[0x1b, b'a', 1, 0x1b, b'E', 1],
            b"Duka\n",
            &[0x1b, b'a', 0, 0x1b, b'E', 0],
            b"Cafe +255 712 *** 670\n",
            &[0x1b, b'E', 0],
            &[0x1b, b'd', 4, 0x1d, b'V', 66, 0],
        ]
        .concat();
        assert_eq!(encode(&lines, None), want);
    }

    #[test]
    fn the_qr_code_carries_the_reference_with_its_length() {
        let bytes = encode(&[], Some("LP7K3MQ9XR4TZ"));
        let store = [0x1d, b'(', b'k', 16, 0, 49, 80, 48];
        let at = bytes
            .windows(store.len())
            .position(|w| w == store)
            .expect("store command");
        assert_eq!(
            &bytes[at + store.len()..at + store.len() + 13],
            b"LP7K3MQ9XR4TZ"
        );
    }

    #[test]
    fn a_pipe_is_never_written_to_as_a_printer() {
        let dir = tempfile::tempdir().expect("dir");
        let fifo = dir.path().join("printer");
        let made = std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .expect("mkfifo");
        assert!(made.success());
        let refused = Printer::Device(fifo).send(b"hello");
        assert!(refused.is_err(), "refused, not waited on: {refused:?}");
    }

    #[test]
    fn printers_are_named_by_url_or_path() {
        assert_eq!(
            Printer::parse("tcp://10.0.0.5:9100"),
            Some(Printer::Tcp("10.0.0.5:9100".into()))
        );
        assert_eq!(
            Printer::parse("/dev/usb/lp0"),
            Some(Printer::Device("/dev/usb/lp0".into()))
        );
        assert_eq!(Printer::parse("lp0"), None);
        assert_eq!(Printer::parse("tcp://"), None);
    }
}
