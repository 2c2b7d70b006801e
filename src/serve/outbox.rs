//! The bytes a console draws, on their way to a client that may read slowly or not at all.
//!
//! Frames wait merged into one buffer. When more than [`HELD_MAX`] wait, the client is too far
//! behind: what waits is dropped, and so is every frame after it, because a newer screen
//! replaces them all — once the client takes bytes again, the console is asked (through
//! [`Outbox::repaint`]) to draw its whole screen anew. A client that takes no byte for
//! [`BEHIND_LIMIT`] while bytes wait loses its session. However long a client does not read, a
//! session holds at most `HELD_MAX` plus one frame, and one more such buffer on its way.

use std::future::Future;
use std::sync::Mutex;
use std::time::Duration;
use tokio::sync::Notify;

/// The most bytes kept for a client before they are dropped for a whole new screen (a whole
/// screen of the console is a few KiB; a typed key a few bytes).
pub const HELD_MAX: usize = 64 * 1024;
/// A client that takes no byte for this long, while bytes wait for it, loses its session (as
/// long as SSH keepalives take to notice a dead link).
pub const BEHIND_LIMIT: Duration = Duration::from_secs(90);

/// Where the bytes go: the SSH channel (a fake one in tests). `Err` when the link is gone.
pub trait Link: Sync {
    fn send(&self, data: Vec<u8>) -> impl Future<Output = Result<(), ()>> + Send;
}

/// How sending ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sent {
    /// Everything, the last bytes too.
    Done,
    /// The link is gone.
    Gone,
    /// The client took nothing for [`BEHIND_LIMIT`].
    Behind,
}

/// What an outbox has seen: for the log, and for tests.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    /// Bytes dropped because the client was too far behind.
    pub dropped: usize,
    /// The most bytes held at once.
    pub most: usize,
    /// Whole screens asked for after frames were dropped.
    pub repaints: u64,
    /// Bytes the console drew, in all.
    pub pushed: usize,
}

#[derive(Default)]
struct State {
    bytes: Vec<u8>,
    /// Frames were dropped: the client's screen is not the console's until it is drawn whole.
    stale: bool,
    /// Nothing more comes (the last bytes are in).
    closed: bool,
    counts: Counts,
}

#[derive(Default)]
pub struct Outbox {
    state: Mutex<State>,
    ready: Notify,
    /// Told when a client that fell behind takes bytes again: the console draws its whole
    /// screen.
    pub repaint: Notify,
}

impl Outbox {
    /// A frame from the console: kept with what waits, or, when the client is too far behind,
    /// dropped with all that waits. False once the outbox is closed.
    pub fn push(&self, frame: &[u8]) -> bool {
        let mut s = self.lock();
        s.counts.pushed += frame.len();
        if s.closed {
            return false;
        }
        if s.stale {
            s.counts.dropped += frame.len();
            return true;
        }
        if !s.bytes.is_empty() && s.bytes.len() + frame.len() > HELD_MAX {
            s.counts.dropped += s.bytes.len() + frame.len();
            s.bytes = Vec::new();
            s.stale = true;
            return true;
        }
        s.bytes.extend_from_slice(frame);
        s.counts.most = s.counts.most.max(s.bytes.len());
        drop(s);
        self.ready.notify_one();
        true
    }

    /// The last bytes (the terminal put back, the reason why): they go even after frames were
    /// dropped, and nothing comes after them.
    pub fn close_with(&self, last: &[u8]) {
        let mut s = self.lock();
        if s.stale {
            // What waits is stale; the goodbye puts the terminal back by itself.
            s.bytes.clear();
            s.stale = false;
        }
        s.bytes.extend_from_slice(last);
        s.closed = true;
        drop(s);
        self.ready.notify_one();
    }

    pub fn counts(&self) -> Counts {
        self.lock().counts
    }

    /// Sends what comes, merged, until the outbox is closed and empty, the link goes, or the
    /// client takes nothing for [`BEHIND_LIMIT`].
    pub async fn send_to<L: Link>(&self, link: &L) -> Sent {
        loop {
            let next = {
                let mut s = self.lock();
                if !s.bytes.is_empty() {
                    Some(std::mem::take(&mut s.bytes))
                } else if s.closed {
                    return Sent::Done;
                } else {
                    if s.stale {
                        // Caught up: the screen is drawn whole, and frames are kept again.
                        s.stale = false;
                        s.counts.repaints += 1;
                        self.repaint.notify_one();
                    }
                    None
                }
            };
            let Some(data) = next else {
                self.ready.notified().await;
                continue;
            };
            match tokio::time::timeout(BEHIND_LIMIT, link.send(data)).await {
                Err(_) => return Sent::Behind,
                Ok(Err(())) => return Sent::Gone,
                Ok(Ok(())) => {}
            }
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;
    use tokio::sync::Semaphore;

    /// A link that takes one send per permit (none: a client that does not read), and keeps
    /// what it took.
    struct Gate {
        open: Semaphore,
        took: Mutex<Vec<u8>>,
    }

    impl Link for Gate {
        async fn send(&self, data: Vec<u8>) -> Result<(), ()> {
            self.open.acquire().await.map_err(|_| ())?.forget();
            self.took.lock().expect("took").extend_from_slice(&data);
            Ok(())
        }
    }

    fn gate(permits: usize) -> Arc<Gate> {
        Arc::new(Gate {
            open: Semaphore::new(permits),
            took: Mutex::new(Vec::new()),
        })
    }

    async fn settle() {
        for _ in 0..10 {
            tokio::task::yield_now().await;
        }
    }

    #[tokio::test(start_paused = true)]
    async fn a_client_that_never_reads_holds_a_bounded_buffer_and_gets_the_whole_screen_after() {
        let out = Arc::new(Outbox::default());
        let link = gate(0);
        let sender = tokio::spawn({
            let (out, link) = (out.clone(), link.clone());
            async move { out.send_to(&*link).await }
        });
        // Ten megabytes of frames, a kilobyte each, to a client that takes nothing.
        let frame = vec![b'x'; 1024];
        for _ in 0..10 * 1024 {
            assert!(out.push(&frame));
            settle().await;
        }
        let c = out.counts();
        assert!(c.most <= HELD_MAX + frame.len(), "{c:?}");
        assert!(c.dropped >= 10 * 1024 * 1024 - 2 * HELD_MAX, "{c:?}");
        assert_eq!(c.repaints, 0, "a repaint while the client reads nothing");
        // The client reads again: what it missed is not sent, the whole screen is asked for.
        link.open.add_permits(1000);
        tokio::time::timeout(Duration::from_secs(5), out.repaint.notified())
            .await
            .expect("a repaint was asked");
        let took = link.took.lock().expect("took").len();
        assert!(took <= 2 * (HELD_MAX + frame.len()), "sent {took}");
        // Frames are kept and sent again after it.
        let before = took;
        assert!(out.push(b"whole screen"));
        out.close_with(b"bye");
        assert_eq!(sender.await.expect("sender"), Sent::Done);
        let took = link.took.lock().expect("took").clone();
        assert_eq!(&took[before..], b"whole screenbye");
    }

    #[tokio::test(start_paused = true)]
    async fn a_client_that_takes_nothing_for_the_limit_is_behind_and_a_slow_one_is_not() {
        // Slow: one send every minute, for ten minutes.
        let out = Arc::new(Outbox::default());
        let link = gate(0);
        let sender = tokio::spawn({
            let (out, link) = (out.clone(), link.clone());
            async move { out.send_to(&*link).await }
        });
        for _ in 0..10 {
            assert!(out.push(b"frame"));
            tokio::time::sleep(Duration::from_secs(60)).await;
            link.open.add_permits(1);
            settle().await;
        }
        assert!(
            !sender.is_finished(),
            "a slow client was taken for a dead one"
        );
        // Then nothing: behind once the limit passes.
        assert!(out.push(b"frame"));
        tokio::time::sleep(BEHIND_LIMIT + Duration::from_secs(1)).await;
        assert_eq!(sender.await.expect("sender"), Sent::Behind);
    }

    #[tokio::test(start_paused = true)]
    async fn the_goodbye_goes_even_after_frames_were_dropped() {
        let out = Arc::new(Outbox::default());
        let link = gate(0);
        let big = vec![b'x'; HELD_MAX];
        assert!(out.push(&big));
        assert!(out.push(&big));
        assert!(out.counts().dropped > 0);
        out.close_with(b"bye");
        assert!(!out.push(b"after"), "a frame after the goodbye");
        link.open.add_permits(10);
        assert_eq!(out.send_to(&*link).await, Sent::Done);
        assert_eq!(&*link.took.lock().expect("took"), b"bye");
    }
}
