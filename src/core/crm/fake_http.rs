//! A scripted [`Http`] for connector contract tests: each expected request (method and
//! exact URL, plus any checks on headers and body) is answered with a recorded response,
//! in order. The responses are the vendors' documented examples in `tests/data/crm/`, so
//! the tests pin our requests and parsing to the documented API, not to a live account.

use super::http::{Http, Request, Response, Transport};
use serde_json::Value;
use std::cell::RefCell;
use std::collections::VecDeque;

type Check = Box<dyn Fn(&Request)>;

struct Step {
    method: &'static str,
    url: String,
    checks: Vec<Check>,
    reply: Response,
}

pub struct FakeHttp {
    base: String,
    auth: Option<String>,
    steps: RefCell<VecDeque<Step>>,
    sent: RefCell<Vec<Request>>,
}

impl FakeHttp {
    /// `base` is prefixed to every expected path.
    pub fn new(base: &str) -> FakeHttp {
        FakeHttp { base: base.into(), auth: None, steps: RefCell::default(), sent: RefCell::default() }
    }

    /// Every request must carry exactly this `Authorization` header.
    pub fn auth(mut self, value: &str) -> FakeHttp {
        self.auth = Some(value.into());
        self
    }

    /// Expects `method base+path_and_query` next and answers `reply`.
    pub fn on(self, method: &'static str, path_and_query: &str, reply: Response) -> FakeHttp {
        let url = if path_and_query.starts_with("http") { path_and_query.to_string() } else { format!("{}{path_and_query}", self.base) };
        self.steps.borrow_mut().push_back(Step { method, url, checks: vec![], reply });
        self
    }

    /// An extra assertion on the request expected last.
    pub fn check(self, f: impl Fn(&Request) + 'static) -> FakeHttp {
        self.steps.borrow_mut().back_mut().expect("check() after on()").checks.push(Box::new(f));
        self
    }

    /// The requests sent so far.
    pub fn sent(&self) -> Vec<Request> {
        self.sent.borrow().clone()
    }

    /// Fails when an expected request was never sent.
    pub fn assert_done(&self) {
        let left: Vec<String> = self.steps.borrow().iter().map(|s| format!("{} {}", s.method, s.url)).collect();
        assert!(left.is_empty(), "expected requests not sent: {left:?}");
    }
}

impl Http for FakeHttp {
    async fn send(&self, req: Request) -> Result<Response, Transport> {
        let step = self.steps.borrow_mut().pop_front().unwrap_or_else(|| panic!("unexpected request {} {}", req.method, req.url));
        assert_eq!((req.method.as_str(), req.url.as_str()), (step.method, step.url.as_str()), "request out of script");
        if let Some(auth) = &self.auth {
            assert_eq!(header(&req, "Authorization"), Some(auth.as_str()), "{} {}", req.method, req.url);
        }
        if req.body.is_some() {
            assert_eq!(header(&req, "Content-Type"), Some("application/json"), "{} {}", req.method, req.url);
        }
        for check in &step.checks {
            check(&req);
        }
        self.sent.borrow_mut().push(req);
        Ok(step.reply)
    }
}

/// A documented example response from `tests/data/crm/{path}`.
pub fn fixture(path: &str) -> String {
    let full = format!("{}/tests/data/crm/{path}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&full).unwrap_or_else(|e| panic!("{full}: {e}"))
}

pub fn reply(status: u16, body: &str) -> Response {
    Response { status, headers: vec![("Content-Type".into(), "application/json".into())], body: body.into() }
}

pub fn reply_with(status: u16, headers: &[(&str, &str)], body: &str) -> Response {
    let mut r = reply(status, body);
    r.headers.extend(headers.iter().map(|(k, v)| (k.to_string(), v.to_string())));
    r
}

pub fn header<'a>(req: &'a Request, name: &str) -> Option<&'a str> {
    req.headers.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
}

pub fn body(req: &Request) -> Value {
    serde_json::from_str(req.body.as_deref().expect("a request body")).expect("a JSON request body")
}

/// Runs a connector future natively.
pub fn run<F: std::future::Future>(f: F) -> F::Output {
    crate::native::block_on(f)
}
