//! Which CRM a team connected, and running a connector operation on it. The local CRM
//! needs no config; a remote one adds a destination that reads and writes go to.

use super::card::{card_with, unknown, CardView};
use super::connector::{Connector, CrmError};
use super::http::Http;
use super::model::{CustomerRef, WriteOp};
use super::rt::{Rt, RtAuth, RtConfig};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum CrmConfig {
    Rt(RtConfig),
}

/// What pages may see of a config: never a token or password.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PublicConfig {
    pub kind: String,
    pub name: String,
    pub url: String,
    pub queue: Option<String>,
    pub auth: String,
    pub user: Option<String>,
}

impl CrmConfig {
    pub fn name(&self) -> &'static str {
        match self {
            CrmConfig::Rt(_) => "Request Tracker",
        }
    }

    /// "RT", for the panel's short status.
    pub fn short_name(&self) -> &'static str {
        match self {
            CrmConfig::Rt(_) => "RT",
        }
    }

    /// The origin pattern to ask host permission for ("https://rt.example.com/*").
    pub fn origin_pattern(&self) -> Result<String, String> {
        let url = match self {
            CrmConfig::Rt(c) => &c.url,
        };
        let (scheme, rest) = url.split_once("://").ok_or_else(|| format!("“{url}” is not a URL (it needs http:// or https://)"))?;
        if scheme != "https" && scheme != "http" {
            return Err(format!("“{url}” must start with https:// (or http:// for a server on this machine)"));
        }
        let host = rest.split(['/', '?', '#']).next().unwrap_or("").rsplit('@').next().unwrap_or("");
        let host = host.split(':').next().unwrap_or("");
        if host.is_empty() {
            return Err(format!("“{url}” has no host name"));
        }
        Ok(format!("{scheme}://{host}/*"))
    }

    /// Checks the fields an admin typed, with words for each problem.
    pub fn validated(self) -> Result<CrmConfig, String> {
        self.origin_pattern()?;
        match &self {
            CrmConfig::Rt(c) => {
                match &c.auth {
                    RtAuth::Token { token } if token.trim().is_empty() => return Err("Enter the RT auth token.".into()),
                    RtAuth::Basic { user, password } if user.trim().is_empty() || password.is_empty() => return Err("Enter the RT user name and password.".into()),
                    _ => {}
                }
                if c.queue.trim().is_empty() {
                    return Err("Enter the RT queue new tickets go to.".into());
                }
            }
        }
        Ok(self)
    }

    pub fn public(&self) -> PublicConfig {
        match self {
            CrmConfig::Rt(c) => PublicConfig {
                kind: "rt".into(),
                name: self.name().into(),
                url: c.url.clone(),
                queue: Some(c.queue.clone()),
                auth: match c.auth {
                    RtAuth::Token { .. } => "token".into(),
                    RtAuth::Basic { .. } => "basic".into(),
                },
                user: match &c.auth {
                    RtAuth::Basic { user, .. } => Some(user.clone()),
                    RtAuth::Token { .. } => None,
                },
            },
        }
    }

    pub async fn test_connection(&self, http: &impl Http) -> Result<String, CrmError> {
        match self {
            CrmConfig::Rt(c) => Rt::new(c.clone()).test_connection(http).await,
        }
    }

    pub async fn deliver(&self, http: &impl Http, key: &str, op: &WriteOp, maybe_done: bool) -> Result<(), CrmError> {
        match self {
            CrmConfig::Rt(c) => Rt::new(c.clone()).deliver(http, key, op, maybe_done).await,
        }
    }

    /// The customer card from the CRM's own records, with up to `lines` of history.
    pub async fn card(&self, http: &impl Http, who: &CustomerRef, now: i64, lines: usize) -> Result<CardView, CrmError> {
        match self {
            CrmConfig::Rt(c) => {
                let rt = Rt::new(c.clone());
                match rt.lookup(http, who).await? {
                    None => Ok(unknown(who)),
                    Some(customer) => {
                        let h = rt.history(http, &customer, lines.max(10)).await?;
                        let total = h.interactions.len();
                        Ok(card_with(&h, total, now, lines))
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rt(url: &str) -> CrmConfig {
        CrmConfig::Rt(RtConfig { url: url.into(), auth: RtAuth::Token { token: "secret-token".into() }, queue: "General".into() })
    }

    #[test]
    fn origin_patterns_for_host_permission() {
        assert_eq!(rt("https://rt.example.com/rt").origin_pattern().unwrap(), "https://rt.example.com/*");
        assert_eq!(rt("http://127.0.0.1:8080").origin_pattern().unwrap(), "http://127.0.0.1/*");
        assert!(rt("rt.example.com").origin_pattern().is_err());
        assert!(rt("ftp://rt.example.com").validated().is_err());
    }

    #[test]
    fn public_view_has_no_secret() {
        let json = serde_json::to_string(&rt("https://rt.example.com").public()).unwrap();
        assert!(!json.contains("secret-token"), "{json}");
        let wire: CrmConfig = serde_json::from_str(r#"{"kind":"rt","url":"https://rt.example.com","auth":{"kind":"basic","user":"root","password":""},"queue":"General"}"#).unwrap();
        assert_eq!(wire.validated().unwrap_err(), "Enter the RT user name and password.");
    }
}
