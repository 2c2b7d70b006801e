//! The demo calls itself back, as a shop with callbacks on would be: its simulator sends each
//! provider's callback to a receiver of the demo's own on loopback, so a demo payment is found
//! a moment after the customer answers rather than at the schedule's next question. A provider
//! whose pushes carry their own callback addresses gets them there too.

use crate::config::Config;
use crate::engine::Engine;
use crate::sim::SimCallback;
use std::time::Duration;

/// The demo's receiver: bound before the simulator is told its address, served once the
/// engine is made, stopped when dropped.
pub struct DemoCallbacks {
    url: Option<String>,
    listener: Option<tokio::net::TcpListener>,
    task: Option<tokio::task::JoinHandle<()>>,
}

impl DemoCallbacks {
    /// A loopback port for the receiver; none (the demo polls only) when none can be had.
    pub async fn bind() -> DemoCallbacks {
        match tokio::net::TcpListener::bind("127.0.0.1:0").await {
            Ok(listener) => DemoCallbacks {
                url: listener.local_addr().ok().map(|a| format!("http://{a}")),
                listener: Some(listener),
                task: None,
            },
            Err(e) => {
                tracing::warn!(error = %e, "the demo calls nobody back");
                DemoCallbacks {
                    url: None,
                    listener: None,
                    task: None,
                }
            }
        }
    }

    /// Where the simulator calls: at once, nothing lost.
    pub fn for_simulator(&self) -> Option<SimCallback> {
        Some(SimCallback {
            url: self.url.clone()?,
            delay: Duration::ZERO,
            lose_per_mille: 0,
            twice_per_mille: 0,
        })
    }

    /// The address payments carry as their own (`public_url`).
    pub fn public_url(&self) -> Option<String> {
        self.url.clone()
    }

    /// Serves the callbacks of `config`'s providers to `engine`.
    pub fn start(&mut self, engine: &Engine, config: &Config) {
        let Some(listener) = self.listener.take() else {
            return;
        };
        let rows = config
            .providers
            .iter()
            .map(|(k, s)| (*k, s.clone()))
            .collect();
        let receiver = crate::hooks::Receiver::new(engine.clone(), rows);
        self.task = Some(tokio::spawn(async move {
            if let Err(e) = crate::hooks::serve(listener, receiver, crate::hooks::IDLE_MAX).await {
                tracing::warn!(error = %e, "the demo's callbacks stopped");
            }
        }));
    }
}

impl Drop for DemoCallbacks {
    fn drop(&mut self) {
        if let Some(task) = self.task.take() {
            task.abort();
        }
    }
}
