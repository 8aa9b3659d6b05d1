//! HTTP as plain data. Connectors build [`Request`]s and read [`Response`]s; an [`Http`]
//! implementation moves the bytes: `fetch` in the service worker, a native client in tests
//! and the CLI. So connector logic is tested natively, against a real server or recorded
//! payloads, and runs unchanged in the browser.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Request {
    pub method: String,
    pub url: String,
    pub headers: Vec<(String, String)>,
    pub body: Option<String>,
}

impl Request {
    pub fn get(url: impl Into<String>) -> Request {
        Request { method: "GET".into(), url: url.into(), headers: vec![], body: None }
    }

    pub fn with_json(method: &str, url: impl Into<String>, body: &serde_json::Value) -> Request {
        Request { method: method.into(), url: url.into(), headers: vec![("Content-Type".into(), "application/json".into())], body: Some(body.to_string()) }
    }

    pub fn header(mut self, name: &str, value: impl Into<String>) -> Request {
        self.headers.push((name.into(), value.into()));
        self
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Response {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl Response {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }
}

/// Why a request got no HTTP answer at all.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "detail", rename_all = "snake_case")]
pub enum Transport {
    /// The host name doesn't resolve.
    Dns(String),
    /// The certificate or TLS handshake failed.
    Tls(String),
    /// Nothing listens, or the connection was cut.
    Connect(String),
    Timeout,
    /// The browser gives no detail (`fetch` rejects with a bare TypeError).
    Unknown(String),
}

/// Sends one request. Not `Send`: in the browser the future holds JS values.
#[allow(async_fn_in_trait)]
pub trait Http {
    async fn send(&self, req: Request) -> Result<Response, Transport>;
}

/// `user:password` as HTTP Basic credentials.
pub fn basic_auth(user: &str, password: &str) -> String {
    format!("Basic {}", base64(format!("{user}:{password}").as_bytes()))
}

fn base64(bytes: &[u8]) -> String {
    const A: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let n = chunk.iter().enumerate().fold(0u32, |n, (i, b)| n | (u32::from(*b) << (16 - 8 * i)));
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(A[(n >> (18 - 6 * i) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// Percent-encodes a query-string value.
pub fn query_value(s: &str) -> String {
    crate::core::sites::uri_component(s)
}

#[cfg(test)]
mod tests {
    #[test]
    fn basic_auth_matches_rfc7617() {
        assert_eq!(super::basic_auth("Aladdin", "open sesame"), "Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==");
        assert_eq!(super::basic_auth("root", "password"), "Basic cm9vdDpwYXNzd29yZA==");
        assert_eq!(super::base64(b"ab"), "YWI=");
    }
}
