//! The one trait every CRM connector implements, and the errors agents see.

use super::http::{Http, Response, Transport};
use super::model::{Customer, CustomerHistory, CustomerRef, WriteOp};
use serde::{Deserialize, Serialize};

/// What went wrong talking to a CRM, in terms an agent or admin can act on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum CrmError {
    /// The host name doesn't resolve.
    Dns { detail: String },
    /// The TLS handshake or certificate failed.
    Tls { detail: String },
    /// Nothing answered (server down, connection refused or cut).
    Unreachable { detail: String },
    Timeout,
    /// 401: the token or password is wrong or expired.
    Auth { reason: String },
    /// 403: the account may not do this.
    Permission { reason: String },
    /// 429: slow down; retry after this many seconds when the CRM says.
    RateLimited { retry_after_s: Option<u64> },
    /// 5xx: the CRM failed; it may work later.
    Server { status: u16, reason: String },
    /// 404 on something we expected to exist.
    NotFound { what: String },
    /// Another 4xx: the CRM refuses this write as it is (a missing field, a closed ticket).
    Rejected { status: u16, reason: String },
    /// The answer wasn't what the CRM documents.
    BadResponse { detail: String },
}

impl CrmError {
    /// Worth retrying unchanged later. Auth, permission and refusals need a person.
    pub fn is_transient(&self) -> bool {
        matches!(self, CrmError::Dns { .. } | CrmError::Unreachable { .. } | CrmError::Timeout | CrmError::RateLimited { .. } | CrmError::Server { .. } | CrmError::BadResponse { .. } | CrmError::Tls { .. })
    }

    pub fn retry_after_s(&self) -> Option<u64> {
        match self {
            CrmError::RateLimited { retry_after_s } => *retry_after_s,
            _ => None,
        }
    }

    /// One sentence for the panel or the options page, naming the CRM.
    pub fn explain(&self, crm: &str) -> String {
        match self {
            CrmError::Dns { detail } => format!("Can't find {crm}'s server: the address doesn't resolve (DNS). {detail}"),
            CrmError::Tls { detail } => format!("{crm}'s secure connection failed (TLS certificate). {detail}"),
            CrmError::Unreachable { detail } => format!("{crm} isn't answering (is it down, or the URL wrong?). {detail}"),
            CrmError::Timeout => format!("{crm} took too long to answer."),
            CrmError::Auth { reason } => format!("{crm} refused the credentials (authentication): {reason}"),
            CrmError::Permission { reason } => format!("{crm} says this account may not do that (permission): {reason}"),
            CrmError::RateLimited { retry_after_s: Some(s) } => format!("{crm} asks us to slow down; retrying in {s} s."),
            CrmError::RateLimited { retry_after_s: None } => format!("{crm} asks us to slow down."),
            CrmError::Server { status, reason } => format!("{crm} had an internal error ({status}): {reason}"),
            CrmError::NotFound { what } => format!("{crm} has no {what}."),
            CrmError::Rejected { status, reason } => format!("{crm} refused this change ({status}): {reason}"),
            CrmError::BadResponse { detail } => format!("{crm} answered something unexpected: {detail}"),
        }
        .trim_end()
        .to_string()
    }
}

impl From<Transport> for CrmError {
    fn from(t: Transport) -> CrmError {
        match t {
            Transport::Dns(d) => CrmError::Dns { detail: d },
            Transport::Tls(d) => CrmError::Tls { detail: d },
            Transport::Connect(d) | Transport::Unknown(d) => CrmError::Unreachable { detail: d },
            Transport::Timeout => CrmError::Timeout,
        }
    }
}

/// The reason a CRM gives in an error body, whichever of the usual shapes it uses:
/// `{"message"}`, `{"error"}`, `{"error": {"message"}}`, `{"description"}`,
/// `{"errors": [{"message"}]}`, Salesforce's `[{"message", "errorCode"}]`.
pub fn reason(body: &str) -> String {
    let v: serde_json::Value = match serde_json::from_str(body) {
        Ok(v) => v,
        Err(_) => return crate::core::display::clean(body, 200),
    };
    let pick = |v: &serde_json::Value| -> Option<String> {
        for k in ["message", "description", "error_description", "details", "error"] {
            match v.get(k) {
                Some(serde_json::Value::String(s)) if !s.is_empty() => return Some(s.clone()),
                Some(o @ serde_json::Value::Object(_)) => {
                    if let Some(serde_json::Value::String(s)) = o.get("message") {
                        return Some(s.clone());
                    }
                }
                _ => {}
            }
        }
        None
    };
    let first_of = |a: &Vec<serde_json::Value>| a.first().and_then(|e| pick(e).or_else(|| e.as_str().map(String::from)));
    pick(&v)
        .or_else(|| v.get("errors").and_then(|e| e.as_array()).and_then(first_of))
        .or_else(|| v.as_array().and_then(first_of))
        .unwrap_or_else(|| crate::core::display::clean(body, 200))
}

/// A response as success or a typed error (status and the CRM's own reason).
pub fn check(resp: Response) -> Result<Response, CrmError> {
    let status = resp.status;
    if (200..300).contains(&status) {
        return Ok(resp);
    }
    let why = reason(&resp.body);
    Err(match status {
        401 => CrmError::Auth { reason: why },
        403 => CrmError::Permission { reason: why },
        404 => CrmError::NotFound { what: why },
        408 => CrmError::Timeout,
        429 => CrmError::RateLimited { retry_after_s: resp.header("Retry-After").and_then(|s| s.trim().parse().ok()) },
        500..=599 => CrmError::Server { status, reason: why },
        _ => CrmError::Rejected { status, reason: why },
    })
}

/// Parses a JSON body, naming what was expected when it isn't.
pub fn json(resp: &Response) -> Result<serde_json::Value, CrmError> {
    serde_json::from_str(&resp.body).map_err(|e| CrmError::BadResponse { detail: format!("not JSON ({e})") })
}

/// A CRM or helpdesk Tactful reads customers from and writes interactions to.
#[allow(async_fn_in_trait)]
pub trait Connector {
    /// The CRM's name as agents know it ("Request Tracker").
    fn name(&self) -> &str;

    /// Checks URL, credentials and permission; returns who we are signed in as.
    async fn test_connection(&self, http: &impl Http) -> Result<String, CrmError>;

    /// The CRM's customer for a post's author (by handle, then email), if any.
    async fn lookup(&self, http: &impl Http, who: &CustomerRef) -> Result<Option<Customer>, CrmError>;

    /// Tickets, interactions and notes of a customer found by `lookup`, newest first.
    async fn history(&self, http: &impl Http, customer: &Customer, limit: usize) -> Result<CustomerHistory, CrmError>;

    /// Performs one queued write. `key` is its idempotency key; when `maybe_done` (an
    /// earlier attempt's outcome is unknown), the connector first checks whether the CRM
    /// already has it, so a retry never duplicates.
    async fn deliver(&self, http: &impl Http, key: &str, op: &WriteOp, maybe_done: bool) -> Result<(), CrmError>;
}

#[cfg(test)]
mod tests {
    use super::*;

    fn resp(status: u16, body: &str) -> Response {
        Response { status, headers: vec![("retry-after".into(), "20".into())], body: body.into() }
    }

    #[test]
    fn statuses_become_typed_errors_with_the_crms_reason() {
        assert_eq!(check(resp(401, r#"{"message":"Unauthorized"}"#)), Err(CrmError::Auth { reason: "Unauthorized".into() }));
        assert_eq!(check(resp(429, "")), Err(CrmError::RateLimited { retry_after_s: Some(20) }));
        assert_eq!(check(resp(422, r#"{"error":{"message":"Subject is required"}}"#)), Err(CrmError::Rejected { status: 422, reason: "Subject is required".into() }));
        assert_eq!(check(resp(400, r#"[{"message":"Required fields are missing: [LastName]","errorCode":"REQUIRED_FIELD_MISSING"}]"#)).unwrap_err(), CrmError::Rejected { status: 400, reason: "Required fields are missing: [LastName]".into() });
        assert_eq!(check(resp(400, r#"{"description":"Validation failed","errors":[{"field":"email","message":"It should be a valid email address."}]}"#)).unwrap_err(), CrmError::Rejected { status: 400, reason: "Validation failed".into() });
        assert!(check(resp(503, "<html>down</html>")).unwrap_err().is_transient());
        assert!(!check(resp(403, "{}")).unwrap_err().is_transient());
        assert!(check(resp(204, "")).is_ok());
    }

    #[test]
    fn explanations_name_the_failure() {
        assert!(CrmError::Dns { detail: String::new() }.explain("RT").contains("DNS"));
        assert!(CrmError::Tls { detail: String::new() }.explain("RT").contains("TLS"));
        assert!(CrmError::Auth { reason: "bad token".into() }.explain("RT").contains("authentication"));
        assert!(CrmError::Permission { reason: "no".into() }.explain("RT").contains("permission"));
    }
}
