//! A recording TCP proxy (to learn the bearer tokens the simulator issues) and a closed port.

use std::sync::{Arc, Mutex};

/// A TCP proxy in front of the simulator that keeps a copy of every answer, to learn the
/// bearer tokens it issues to the lipa processes.
pub struct RecordingProxy {
    pub addr: std::net::SocketAddr,
    answers: Arc<Mutex<Vec<u8>>>,
}

impl RecordingProxy {
    pub async fn start(target: std::net::SocketAddr) -> RecordingProxy {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind proxy");
        let addr = listener.local_addr().expect("proxy addr");
        let answers = Arc::new(Mutex::new(Vec::new()));
        let record = answers.clone();
        tokio::spawn(async move {
            while let Ok((client, _)) = listener.accept().await {
                let Ok(server) = tokio::net::TcpStream::connect(target).await else {
                    continue;
                };
                let (mut c_read, mut c_write) = client.into_split();
                let (mut s_read, mut s_write) = server.into_split();
                tokio::spawn(async move {
                    let _ = tokio::io::copy(&mut c_read, &mut s_write).await;
                    let _ = s_write.shutdown().await;
                });
                let record = record.clone();
                tokio::spawn(async move {
                    let mut buf = vec![0u8; 8192];
                    while let Ok(n) = s_read.read(&mut buf).await {
                        if n == 0 {
                            break;
                        }
                        record
                            .lock()
                            .unwrap_or_else(|p| p.into_inner())
                            .extend_from_slice(&buf[..n]);
                        if c_write.write_all(&buf[..n]).await.is_err() {
                            break;
                        }
                    }
                    let _ = c_write.shutdown().await;
                });
            }
        });
        RecordingProxy { addr, answers }
    }

    /// `http://<proxy>/third-parties`.
    pub fn clickpesa_base_url(&self) -> String {
        format!("http://{}/third-parties", self.addr)
    }

    /// The random parts of every token issued through the proxy (the simulator's tokens all
    /// begin with the same JWT header, which is no secret by itself).
    pub fn tokens(&self) -> Vec<(String, String)> {
        let text = String::from_utf8_lossy(&self.answers.lock().expect("answers")).to_string();
        let marker = "\"token\":\"Bearer ";
        let mut out = Vec::new();
        let mut rest = text.as_str();
        while let Some(at) = rest.find(marker) {
            rest = &rest[at + marker.len()..];
            let token = rest.split('"').next().unwrap_or_default();
            let random = token.split_once('.').map_or(token, |(_, r)| r);
            out.push((
                format!("bearer token #{}", out.len() + 1),
                random.to_string(),
            ));
        }
        out
    }
}

/// A port on which nothing listens.
pub fn closed_port() -> u16 {
    let l = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    l.local_addr().expect("addr").port()
}
