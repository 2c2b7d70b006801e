//! A "PostgreSQL server" on loopback that refuses TLS: it answers every SSLRequest with `N`,
//! then plays along in clear (asks for the password in clear text) and records, for each
//! connection, every byte the client sent after the refusal. A client that keeps to TLS sends
//! nothing more and hangs up.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

/// The protocol's SSLRequest: length 8, code 80877103.
const SSL_REQUEST: [u8; 8] = [0, 0, 0, 8, 0x04, 0xd2, 0x16, 0x2f];

#[derive(Default)]
struct Seen {
    /// Connections accepted.
    accepted: usize,
    /// What each finished connection sent in clear (after the refusal, or from the start when
    /// it never asked for TLS).
    clear: Vec<Vec<u8>>,
}

pub struct RefusingServer {
    pub port: u16,
    seen: Arc<(Mutex<Seen>, Condvar)>,
}

impl RefusingServer {
    pub fn start() -> RefusingServer {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        let port = listener.local_addr().expect("address").port();
        let seen = Arc::new((Mutex::new(Seen::default()), Condvar::new()));
        let shared = seen.clone();
        // Lives as long as the test process (it waits in accept).
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(stream) = stream else { continue };
                shared.0.lock().expect("lock").accepted += 1;
                let shared = shared.clone();
                std::thread::spawn(move || {
                    let clear = serve(stream);
                    shared.0.lock().expect("lock").clear.push(clear);
                    shared.1.notify_all();
                });
            }
        });
        RefusingServer { port, seen }
    }

    /// How many connections were made to it so far.
    pub fn accepted(&self) -> usize {
        self.seen.0.lock().expect("lock").accepted
    }

    /// What each connection sent in clear, once every connection made so far has ended (at
    /// least one).
    pub fn clear_bytes(&self) -> Vec<Vec<u8>> {
        let (lock, changed) = &*self.seen;
        let deadline = Instant::now() + Duration::from_secs(60);
        let mut seen = lock.lock().expect("lock");
        while seen.accepted == 0 || seen.clear.len() < seen.accepted {
            let left = deadline
                .checked_duration_since(Instant::now())
                .expect("every connection to the refusing server ends within a minute");
            seen = changed.wait_timeout(seen, left).expect("lock").0;
        }
        seen.clear.clone()
    }
}

/// One connection: refuses TLS, then records what follows (a StartupMessage, and the password
/// it asks for in clear text).
fn serve(mut stream: TcpStream) -> Vec<u8> {
    // A backstop only: a client that keeps to TLS hangs up at once.
    let _ = stream.set_read_timeout(Some(Duration::from_secs(30)));
    let mut first = [0u8; 8];
    if stream.read_exact(&mut first).is_err() {
        return Vec::new();
    }
    let mut clear = Vec::new();
    if first == SSL_REQUEST {
        if stream.write_all(b"N").is_err() {
            return clear;
        }
        let mut length = [0u8; 4];
        if stream.read_exact(&mut length).is_err() {
            return clear;
        }
        clear.extend_from_slice(&length);
        read_body(&mut stream, u32::from_be_bytes(length), &mut clear);
    } else {
        clear.extend_from_slice(&first);
    }
    // AuthenticationCleartextPassword: the password comes next, in clear.
    if stream.write_all(&[b'R', 0, 0, 0, 8, 0, 0, 0, 3]).is_ok() {
        let mut head = [0u8; 5];
        if stream.read_exact(&mut head).is_ok() {
            clear.extend_from_slice(&head);
            let length = u32::from_be_bytes([head[1], head[2], head[3], head[4]]);
            read_body(&mut stream, length, &mut clear);
        }
    }
    clear
}

/// The rest of a message whose length (itself included) is `length`.
fn read_body(stream: &mut TcpStream, length: u32, into: &mut Vec<u8>) {
    let mut body = vec![0u8; (length.saturating_sub(4) as usize).min(1 << 16)];
    if stream.read_exact(&mut body).is_ok() {
        into.extend_from_slice(&body);
    }
}
