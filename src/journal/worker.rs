//! One thread owns the journal's connection; every face's journal work queues for it. A
//! thousand payments followed at once cost one thread here, not one blocked thread each (a
//! blocking pool of 512 was seen), and calls never wait on each other's locks.

use super::Journal;
use std::sync::Arc;
use std::sync::mpsc;

type Job = Box<dyn FnOnce(&Journal) + Send>;

/// The journal's thread. Clone freely; the thread ends when the last clone is dropped.
#[derive(Clone)]
pub struct Worker {
    jobs: mpsc::Sender<Job>,
}

/// The journal's thread is gone (the process is stopping).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Gone;

impl Worker {
    /// Starts the thread for `journal`.
    pub fn start(journal: Arc<Journal>) -> std::io::Result<Worker> {
        let (jobs, queue) = mpsc::channel::<Job>();
        std::thread::Builder::new()
            .name("lipa-journal".into())
            .spawn(move || {
                for job in queue {
                    job(&journal);
                }
            })?;
        Ok(Worker { jobs })
    }

    /// A worker whose thread never started: every call answers [`Gone`].
    pub fn dead() -> Worker {
        let (jobs, _) = mpsc::channel::<Job>();
        Worker { jobs }
    }

    /// Runs `f` on the journal's thread and waits for its answer.
    pub async fn run<T, F>(&self, f: F) -> Result<T, Gone>
    where
        T: Send + 'static,
        F: FnOnce(&Journal) -> T + Send + 'static,
    {
        let (tx, rx) = tokio::sync::oneshot::channel();
        self.jobs
            .send(Box::new(move |j| {
                let _ = tx.send(f(j));
            }))
            .map_err(|_| Gone)?;
        rx.await.map_err(|_| Gone)
    }
}
