//! Team settings the worker keeps in extension storage.

use crate::core::sites::SiteId;
use crate::core::tone::ToneSettings;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Team settings. The defaults name no brand: no handles, order patterns, names or
/// contact until the team sets its own (the demo and the tests set the demo brand's,
/// `tests/fixtures/demo_settings.json`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Settings {
    /// The team's own account on each site; its posts are marked as brand replies.
    pub brand_handles: BTreeMap<SiteId, String>,
    /// Tone-check rules switched off or re-weighted, and order-number patterns.
    #[serde(default)]
    pub tone: ToneSettings,
    /// The agent's name, for `{{agent.first_name}}` in replies.
    #[serde(default)]
    pub agent_name: String,
    /// The agent's stable id, made once on first run: every interaction Tactful logs
    /// carries it, so metrics tell agents apart when names change or are shared.
    #[serde(default)]
    pub agent_id: String,
    /// The brand's name, for `{{brand.name}}`.
    #[serde(default)]
    pub brand_name: String,
    /// Where customers go when a platform has no private messages (YouTube) or the
    /// customer's are closed: an email address or an https contact-form link.
    #[serde(default)]
    pub private_fallback: String,
    /// Triage weights and response-time targets per channel.
    #[serde(default)]
    pub triage: crate::core::triage::TriageSettings,
}

/// A settings change that can't be saved.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum SettingsError {
    /// A brand handle has characters no supported site allows.
    BadHandle { site: SiteId, handle: String },
    /// An order-number pattern that would match nothing useful.
    BadPattern { pattern: String },
    /// An agent id Tactful didn't make (it is not for editing).
    BadAgentId { value: String },
    /// The private-channel fallback is neither an email address nor an http(s) link.
    BadFallback { value: String },
    /// A triage weight or response-time target that can't be used.
    Triage(String),
}

impl std::fmt::Display for SettingsError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SettingsError::BadHandle { site, handle } => write!(
                f,
                "the {site:?} brand handle {handle:?} can only use letters, digits, '_', '.' and '-' (at most 100)"
            ),
            SettingsError::BadPattern { pattern } => write!(
                f,
                "the order-number pattern {pattern:?} needs at least one # (digit), @ (letter) or * (either), and at most 40 characters"
            ),
            SettingsError::Triage(m) => write!(f, "triage: {m}"),
            SettingsError::BadAgentId { value } => write!(f, "the agent id {value:?} isn't one Tactful made; leave it as it was"),
            SettingsError::BadFallback { value } => write!(
                f,
                "the private-channel fallback {value:?} must be an email address (help@example.com) or a link starting with https://"
            ),
        }
    }
}

impl std::error::Error for SettingsError {}

/// Whether `id` is an id [`Settings::with_agent_id`] makes ("agent-" and 32 hex digits).
fn is_agent_id(id: &str) -> bool {
    id.strip_prefix("agent-").is_some_and(|h| h.len() == 32 && h.bytes().all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase()))
}

impl Settings {
    /// Gives this browser's agent a stable id on first run, from 128 random bits the
    /// glue draws from the browser's CSPRNG; an existing id is kept. True when one was made
    /// (the settings must then be kept).
    pub fn with_agent_id(&mut self, random: u128) -> bool {
        if !self.agent_id.is_empty() {
            return false;
        }
        self.agent_id = format!("agent-{random:032x}");
        true
    }

    /// Who logged an interaction, in words: the agent's name, else "Agent" and the start of
    /// their id (never empty, so every logged reply names someone).
    pub fn agent_label(&self) -> String {
        match (self.agent_name.is_empty(), self.agent_id.get(6..12)) {
            (false, _) => self.agent_name.clone(),
            (true, Some(short)) => format!("Agent {short}"),
            (true, None) => "Agent".into(),
        }
    }

    /// Checks and normalises (drops a leading "@", trims; empty removes the handle).
    pub fn validated(mut self) -> Result<Settings, SettingsError> {
        let mut out = BTreeMap::new();
        for (site, handle) in std::mem::take(&mut self.brand_handles) {
            let h = handle.trim().trim_start_matches('@').to_string();
            if h.is_empty() {
                continue;
            }
            let ok = h.len() <= 100 && h.chars().all(|c| c.is_alphanumeric() || matches!(c, '_' | '.' | '-'));
            if !ok {
                return Err(SettingsError::BadHandle { site, handle });
            }
            out.insert(site, h);
        }
        self.brand_handles = out;
        let mut patterns = Vec::new();
        for p in std::mem::take(&mut self.tone.order_patterns) {
            let p = p.trim().to_string();
            if p.is_empty() {
                continue;
            }
            if p.chars().count() > 40 || !p.contains(['#', '@', '*']) {
                return Err(SettingsError::BadPattern { pattern: p });
            }
            patterns.push(p);
        }
        self.tone.order_patterns = patterns;
        // Names are plain text up to a sensible length (they go into public replies).
        for name in [&mut self.agent_name, &mut self.brand_name] {
            *name = name.chars().filter(|c| !c.is_control()).take(80).collect::<String>().trim().to_string();
        }
        if !(self.agent_id.is_empty() || is_agent_id(&self.agent_id)) {
            return Err(SettingsError::BadAgentId { value: self.agent_id });
        }
        let fallback = self.private_fallback.trim().to_string();
        let is_email = fallback.split_once('@').is_some_and(|(u, d)| !u.is_empty() && d.contains('.') && !fallback.contains(char::is_whitespace));
        let is_link = (fallback.starts_with("https://") || fallback.starts_with("http://")) && !fallback.contains(char::is_whitespace);
        if !(fallback.is_empty() || is_email || is_link) || fallback.chars().count() > 300 {
            return Err(SettingsError::BadFallback { value: fallback });
        }
        self.private_fallback = fallback;
        self.triage.validate().map_err(|e| SettingsError::Triage(e.to_string()))?;
        Ok(self)
    }

    pub fn brand_handle(&self, site: SiteId) -> Option<&str> {
        self.brand_handles.get(&site).map(String::as_str)
    }
}

/// The demo brand's settings (Acme, whose accounts the fixture sites show), for tests that
/// need a configured team. The same file configures the demo and the end-to-end tests.
#[cfg(test)]
pub(crate) mod testing {
    use super::Settings;

    pub fn demo() -> Settings {
        let json = include_str!("../../tests/fixtures/demo_settings.json");
        serde_json::from_str::<Settings>(json).expect("demo settings parse").validated().expect("demo settings are valid")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_name_no_brand() {
        let s = Settings::default();
        assert!(s.brand_handles.is_empty() && s.tone.order_patterns.is_empty());
        assert_eq!((s.agent_name.as_str(), s.brand_name.as_str(), s.private_fallback.as_str()), ("", "", ""));
        assert_eq!(s.clone().validated(), Ok(s));
        // Settings stored before these fields existed read as empty too, not as a demo brand.
        let old: Settings = serde_json::from_str(r#"{"brand_handles": {"x": "MyTeam"}}"#).unwrap();
        assert_eq!((old.brand_name.as_str(), old.private_fallback.as_str()), ("", ""));
    }

    #[test]
    fn fallback_is_an_email_or_a_link() {
        for ok in ["care@acme.example", "https://help.acme.example/contact", " http://x.example/c ", ""] {
            assert!(Settings { private_fallback: ok.into(), ..Settings::default() }.validated().is_ok(), "{ok}");
        }
        for bad in ["javascript:alert(1)", "acme", "help @acme.example", "ftp://x"] {
            let e = Settings { private_fallback: bad.into(), ..Settings::default() }.validated().unwrap_err();
            assert!(matches!(e, SettingsError::BadFallback { .. }), "{bad}");
        }
    }

    #[test]
    fn normalises_at_and_blank() {
        let mut s = Settings::default();
        s.brand_handles.insert(SiteId::X, " @AcmeHelp ".into());
        s.brand_handles.insert(SiteId::Reddit, "".into());
        let s = s.validated().unwrap();
        assert_eq!(s.brand_handle(SiteId::X), Some("AcmeHelp"));
        assert_eq!(s.brand_handle(SiteId::Reddit), None);
    }

    #[test]
    fn rejects_pattern_without_placeholders() {
        let mut s = Settings::default();
        s.tone.order_patterns = vec![" AC-##### ".into(), "".into()];
        assert_eq!(s.clone().validated().unwrap().tone.order_patterns, ["AC-#####"]);
        s.tone.order_patterns.push("ORDER".into());
        assert!(s.validated().unwrap_err().to_string().contains("needs at least one #"));
    }

    #[test]
    fn rejects_handle_with_markup() {
        let mut s = Settings::default();
        s.brand_handles.insert(SiteId::X, "<b>acme</b>".into());
        let err = s.validated().unwrap_err();
        assert!(err.to_string().contains("can only use letters"), "{err}");
    }
}
