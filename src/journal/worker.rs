//! One thread owns the journal's connection; every face's journal work queues for it. A
//! thousand payments followed at once cost one thread here, not one blocked thread each (a
//! blocking pool of 512 was seen), and calls never wait on each other's locks.
//!
//! Two queues: a sale's own writes (recording it, its moves) go before the rest, so a flood
//! of background work (two supervisors walking `r` down 1,500 rows each queued 3,000 notes)
//! does not hold a cashier's push at "recorded" for seconds.

use super::Journal;
use std::collections::VecDeque;
use std::sync::{Arc, Condvar, Mutex, MutexGuard};

type Job = Box<dyn FnOnce(&Journal) + Send>;

#[derive(Default)]
struct Queue {
    first: VecDeque<Job>,
    rest: VecDeque<Job>,
    /// No more jobs come (every handle dropped, or the thread never started).
    closed: bool,
}

#[derive(Default)]
struct Shared {
    queue: Mutex<Queue>,
    ready: Condvar,
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, Queue> {
        self.queue.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// Closes the queue when the last handle goes: the thread ends once it is empty.
struct Closer(Arc<Shared>);

impl Drop for Closer {
    fn drop(&mut self) {
        self.0.lock().closed = true;
        self.0.ready.notify_all();
    }
}

/// The journal's thread. Clone freely; the thread ends when the last clone is dropped.
#[derive(Clone)]
pub struct Worker {
    shared: Arc<Shared>,
    _closer: Arc<Closer>,
}

/// The journal's thread is gone (the process is stopping).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Gone;

impl Worker {
    /// Starts the thread for `journal`.
    pub fn start(journal: Arc<Journal>) -> std::io::Result<Worker> {
        let shared = Arc::new(Shared::default());
        let queue = shared.clone();
        std::thread::Builder::new()
            .name("lipa-journal".into())
            .spawn(move || {
                while let Some(job) = next(&queue) {
                    job(&journal);
                }
            })?;
        Ok(Worker {
            _closer: Arc::new(Closer(shared.clone())),
            shared,
        })
    }

    /// A worker whose thread never started: every call answers [`Gone`].
    pub fn dead() -> Worker {
        let shared = Arc::new(Shared::default());
        shared.lock().closed = true;
        Worker {
            _closer: Arc::new(Closer(shared.clone())),
            shared,
        }
    }

    /// Runs `f` on the journal's thread and waits for its answer.
    pub async fn run<T, F>(&self, f: F) -> Result<T, Gone>
    where
        T: Send + 'static,
        F: FnOnce(&Journal) -> T + Send + 'static,
    {
        self.queued(false, f).await
    }

    /// [`Worker::run`] before everything queued by `run` (a sale's own writes).
    pub async fn run_first<T, F>(&self, f: F) -> Result<T, Gone>
    where
        T: Send + 'static,
        F: FnOnce(&Journal) -> T + Send + 'static,
    {
        self.queued(true, f).await
    }

    async fn queued<T, F>(&self, first: bool, f: F) -> Result<T, Gone>
    where
        T: Send + 'static,
        F: FnOnce(&Journal) -> T + Send + 'static,
    {
        let (tx, rx) = tokio::sync::oneshot::channel();
        let job: Job = Box::new(move |j| {
            let _ = tx.send(f(j));
        });
        {
            let mut queue = self.shared.lock();
            if queue.closed {
                return Err(Gone);
            }
            match first {
                true => queue.first.push_back(job),
                false => queue.rest.push_back(job),
            }
        }
        self.shared.ready.notify_one();
        rx.await.map_err(|_| Gone)
    }
}

/// The next job, a sale's first; `None` once the queue is closed and empty.
fn next(shared: &Shared) -> Option<Job> {
    let mut queue = shared.lock();
    loop {
        if let Some(job) = queue.first.pop_front().or_else(|| queue.rest.pop_front()) {
            return Some(job);
        }
        if queue.closed {
            return None;
        }
        queue = shared.ready.wait(queue).unwrap_or_else(|e| e.into_inner());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A sale's write queued behind a flood of background work runs before it.
    #[tokio::test]
    async fn a_sales_writes_go_before_the_rest() {
        let dir = tempfile::tempdir().expect("dir");
        let journal = Arc::new(Journal::open(&dir.path().join("j.sqlite3")).expect("journal"));
        let worker = Worker::start(journal).expect("worker");
        let order = Arc::new(Mutex::new(Vec::new()));
        // The thread is held busy while the queue fills.
        let (hold, held) = std::sync::mpsc::channel::<()>();
        let busy = tokio::spawn({
            let w = worker.clone();
            async move { w.run(move |_| held.recv().ok()).await }
        });
        tokio::task::yield_now().await;
        let mut waits = Vec::new();
        for i in 0..50 {
            let (w, order) = (worker.clone(), order.clone());
            waits.push(tokio::spawn(async move {
                w.run(move |_| order.lock().expect("order").push(format!("rest{i}")))
                    .await
            }));
        }
        let (w, o) = (worker.clone(), order.clone());
        let sale = tokio::spawn(async move {
            w.run_first(move |_| o.lock().expect("order").push("sale".to_string()))
                .await
        });
        // Everything queued before the thread is let go.
        while order.lock().expect("order").is_empty() && worker.shared.lock().rest.len() < 50 {
            tokio::task::yield_now().await;
        }
        while worker.shared.lock().first.is_empty() {
            tokio::task::yield_now().await;
        }
        hold.send(()).expect("let go");
        busy.await.expect("busy").expect("ran");
        sale.await.expect("sale").expect("ran");
        for w in waits {
            w.await.expect("rest").expect("ran");
        }
        let order = order.lock().expect("order").clone();
        assert_eq!(order.first().map(String::as_str), Some("sale"), "{order:?}");
        assert_eq!(order.len(), 51);
    }

    #[tokio::test]
    async fn a_dead_worker_answers_gone() {
        assert_eq!(Worker::dead().run(|_| ()).await, Err(Gone));
    }
}
