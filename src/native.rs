//! [`crate::core::crm::http::Http`] over a native blocking client, for the CLI and the
//! integration tests against a real Request Tracker.

use crate::core::crm::http::{Http, Request, Response, Transport};
use std::time::Duration;

pub struct NativeHttp {
    agent: ureq::Agent,
}

impl NativeHttp {
    pub fn new(timeout: Duration) -> NativeHttp {
        NativeHttp { agent: ureq::AgentBuilder::new().timeout(timeout).build() }
    }
}

impl Default for NativeHttp {
    fn default() -> NativeHttp {
        NativeHttp::new(Duration::from_secs(15))
    }
}

fn into_response(r: ureq::Response) -> Response {
    let status = r.status();
    let headers = r.headers_names().into_iter().filter_map(|n| r.header(&n).map(|v| (n.clone(), v.to_string()))).collect();
    let body = r.into_string().unwrap_or_default();
    Response { status, headers, body }
}

impl Http for NativeHttp {
    async fn send(&self, req: Request) -> Result<Response, Transport> {
        let mut r = self.agent.request(&req.method, &req.url);
        for (k, v) in &req.headers {
            r = r.set(k, v);
        }
        let result = match &req.body {
            Some(b) => r.send_string(b),
            None => r.call(),
        };
        match result {
            Ok(resp) | Err(ureq::Error::Status(_, resp)) => Ok(into_response(resp)),
            Err(ureq::Error::Transport(t)) => {
                let detail = t.to_string();
                Err(match t.kind() {
                    ureq::ErrorKind::Dns => Transport::Dns(detail),
                    ureq::ErrorKind::ConnectionFailed => Transport::Connect(detail),
                    ureq::ErrorKind::Io if detail.contains("timed out") => Transport::Timeout,
                    ureq::ErrorKind::Io => Transport::Connect(detail),
                    ureq::ErrorKind::InvalidUrl | ureq::ErrorKind::UnknownScheme => Transport::Unknown(format!("bad URL: {detail}")),
                    _ => Transport::Unknown(detail),
                })
            }
        }
    }
}

/// Runs a connector's future to completion (the CLI and tests have no event loop).
pub fn block_on<F: std::future::Future>(f: F) -> F::Output {
    pollster::block_on(f)
}
