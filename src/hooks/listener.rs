//! The receiver's door: connections counted (in all, and per source not on this machine) and
//! timed — a connection that sends nothing for a while, or lives too long, is closed, so a
//! caller that never finishes its headers cannot hold a connection (nor, with thousands of
//! them, the process's files).

use axum::extract::connect_info::Connected;
use axum::serve::{IncomingStream, Listener};
use std::collections::HashMap;
use std::future::Future;
use std::net::{IpAddr, SocketAddr};
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::time::{Instant, Sleep};

/// Connections open at once, in all, and from one source that is not this machine (a proxy on
/// this machine carries every provider's).
const OPEN_MAX: usize = 512;
const PER_SOURCE_MAX: usize = 16;
/// The longest a connection lives, whatever it does.
const LIFE_MAX: Duration = Duration::from_secs(120);
/// How long a connection may send nothing.
pub const IDLE_MAX: Duration = Duration::from_secs(10);

/// A listener whose connections are counted and timed.
pub struct Guarded {
    inner: TcpListener,
    idle: Duration,
    open: Arc<Mutex<HashMap<IpAddr, usize>>>,
}

impl Guarded {
    pub fn new(inner: TcpListener, idle: Duration) -> Guarded {
        Guarded {
            inner,
            idle,
            open: Arc::default(),
        }
    }
}

/// The caller's address, for the handlers (`ConnectInfo<Peer>`).
#[derive(Debug, Clone, Copy)]
pub struct Peer(pub SocketAddr);

impl Connected<IncomingStream<'_, Guarded>> for Peer {
    fn connect_info(stream: IncomingStream<'_, Guarded>) -> Peer {
        Peer(*stream.remote_addr())
    }
}

impl Listener for Guarded {
    type Io = Timed;
    type Addr = SocketAddr;

    async fn accept(&mut self) -> (Timed, SocketAddr) {
        loop {
            let (stream, peer) = match self.inner.accept().await {
                Ok(accepted) => accepted,
                Err(e) => {
                    // Out of files, or a connection reset before it was taken: wait a little.
                    tracing::debug!(error = %e, "accept failed");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            };
            let source = peer.ip();
            {
                let mut open = self.open.lock().unwrap_or_else(|p| p.into_inner());
                let total: usize = open.values().sum();
                let mine = open.get(&source).copied().unwrap_or(0);
                if total >= OPEN_MAX || (!source.is_loopback() && mine >= PER_SOURCE_MAX) {
                    tracing::warn!(%source, total, "a callback connection refused: too many open");
                    continue;
                }
                *open.entry(source).or_insert(0) += 1;
            }
            let timed = Timed {
                stream,
                born: Instant::now(),
                idle: self.idle,
                quiet: Box::pin(tokio::time::sleep(self.idle)),
                _slot: Slot {
                    open: self.open.clone(),
                    source,
                },
            };
            return (timed, peer);
        }
    }

    fn local_addr(&self) -> std::io::Result<SocketAddr> {
        self.inner.local_addr()
    }
}

/// Gives the connection's place back when it closes.
struct Slot {
    open: Arc<Mutex<HashMap<IpAddr, usize>>>,
    source: IpAddr,
}

impl Drop for Slot {
    fn drop(&mut self) {
        let mut open = self.open.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(n) = open.get_mut(&self.source) {
            *n = n.saturating_sub(1);
            if *n == 0 {
                open.remove(&self.source);
            }
        }
    }
}

/// A connection that ends when it has sent nothing for a while, or lived too long.
pub struct Timed {
    stream: TcpStream,
    born: Instant,
    idle: Duration,
    quiet: Pin<Box<Sleep>>,
    _slot: Slot,
}

impl Timed {
    fn expired() -> std::io::Error {
        std::io::Error::from(std::io::ErrorKind::TimedOut)
    }
}

impl AsyncRead for Timed {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        if self.born.elapsed() >= LIFE_MAX {
            return Poll::Ready(Err(Timed::expired()));
        }
        let before = buf.filled().len();
        match Pin::new(&mut self.stream).poll_read(cx, buf) {
            Poll::Ready(Ok(())) => {
                if buf.filled().len() > before {
                    let next = Instant::now() + self.idle;
                    self.quiet.as_mut().reset(next);
                }
                Poll::Ready(Ok(()))
            }
            Poll::Ready(Err(e)) => Poll::Ready(Err(e)),
            Poll::Pending => match self.quiet.as_mut().poll(cx) {
                Poll::Ready(()) => Poll::Ready(Err(Timed::expired())),
                Poll::Pending => Poll::Pending,
            },
        }
    }
}

impl AsyncWrite for Timed {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<std::io::Result<usize>> {
        Pin::new(&mut self.stream).poll_write(cx, buf)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.stream).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.stream).poll_shutdown(cx)
    }
}
