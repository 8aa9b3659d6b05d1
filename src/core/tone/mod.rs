//! Tone checks: the agent's draft, checked as it is typed.
//!
//! A [`ToneRule`] is a small unit (one per file in `rules/`) that turns a [`Draft`] into
//! [`Finding`]s: a byte span, a message in plain words, and fixes. [`Checker`] runs the
//! enabled rules with the team's [`ToneSettings`]. Phrase lists are data
//! (`phrases.json`), in English, Spanish and French.
//!
//! ```
//! use tactful::core::tone::{Checker, ToneContext, ToneSettings};
//! use tactful::core::sites::SiteId;
//! let checker = Checker::new(ToneSettings::default());
//! let ctx = ToneContext { site: SiteId::X, ..ToneContext::default() };
//! let report = checker.check("Calm down, as I already said we guarantee it.", &ctx);
//! assert!(report.findings.len() >= 2);
//! ```

pub mod lexicon;
pub mod rules;

use crate::core::length::{self, LengthCount};
use crate::core::offsets;
use crate::core::sentiment::{self, Label};
use crate::core::sites::{self, SiteId};
use crate::core::text::words::{self, Word};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};
use std::ops::Range;

/// What a finding is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Category {
    Empathy,
    Politeness,
    Blame,
    Promise,
    /// Personal data ("pii" in settings and the CLI).
    #[serde(rename = "pii")]
    PersonalData,
    Length,
    Name,
}

/// How much a finding matters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Hint,
    Warning,
    Critical,
}

/// One edit that fixes a finding: replace `span` (bytes; empty = insert) with `text`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Fix {
    /// What the button says ("Replace with “to recap”").
    pub label: String,
    pub span: Range<usize>,
    pub text: String,
}

/// One thing the draft could do better.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Finding {
    pub rule: String,
    pub category: Category,
    pub severity: Severity,
    /// The words it points at (bytes into the draft).
    pub span: Range<usize>,
    pub message: String,
    pub fixes: Vec<Fix>,
}

impl Finding {
    pub fn new(rule: &dyn ToneRule, span: Range<usize>, message: impl Into<String>) -> Finding {
        Finding { rule: rule.id().to_string(), category: rule.category(), severity: rule.severity(), span, message: message.into(), fixes: Vec::new() }
    }

    pub fn with_fix(mut self, label: impl Into<String>, span: Range<usize>, text: impl Into<String>) -> Finding {
        self.fixes.push(Fix { label: label.into(), span, text: text.into() });
        self
    }
}

/// Team settings for tone checks.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ToneSettings {
    /// Rule ids switched off.
    #[serde(default)]
    pub disabled: BTreeSet<String>,
    /// Severity per rule id, overriding the rule's default.
    #[serde(default)]
    pub severity: BTreeMap<String, Severity>,
    /// Order/account number patterns (`#` digit, `@` letter, `*` either), e.g. "AC-#####".
    #[serde(default)]
    pub order_patterns: Vec<String>,
}

/// What the draft answers: the platform and the customer's post.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ToneContext {
    pub site: SiteId,
    /// The customer's post the draft replies to.
    #[serde(default)]
    pub post: Option<String>,
    /// The customer's display name and handle, as the page shows them.
    #[serde(default)]
    pub customer_name: Option<String>,
    #[serde(default)]
    pub customer_handle: Option<String>,
}

impl Default for ToneContext {
    fn default() -> Self {
        ToneContext { site: SiteId::X, post: None, customer_name: None, customer_handle: None }
    }
}

/// A draft prepared for the rules: its words, the customer's mood, the settings.
pub struct Draft<'a> {
    pub text: &'a str,
    pub words: Vec<Word>,
    pub ctx: &'a ToneContext,
    pub settings: &'a ToneSettings,
    /// The customer's post reads as upset.
    pub customer_upset: bool,
    /// Whether each word (same index as `words`) begins a sentence; computed once, since
    /// several rules ask and scanning back per word would be quadratic.
    pub sentence_starts: Vec<bool>,
    /// The draft's length on its platform (counted once; the length rule and the report share it).
    pub length: LengthCount,
    /// Word indices by normalised word, so phrase lists only look where their first word is.
    pub index: std::collections::HashMap<String, Vec<usize>>,
}

impl<'a> Draft<'a> {
    pub fn new(text: &'a str, ctx: &'a ToneContext, settings: &'a ToneSettings, customer_upset: bool) -> Draft<'a> {
        let words = words::words(text);
        let mut prev_end = 0;
        let sentence_starts = words
            .iter()
            .map(|w| {
                let between = text[prev_end..w.span.start].trim_end();
                let starts = if prev_end == 0 { text[..w.span.start].trim_end().is_empty() || between.ends_with(['.', '!', '?', '\n', ':']) } else { between.ends_with(['.', '!', '?', '\n', ':']) || text[prev_end..w.span.start].contains('\n') };
                prev_end = w.span.end;
                starts
            })
            .collect();
        let mut index: std::collections::HashMap<String, Vec<usize>> = std::collections::HashMap::new();
        for (i, w) in words.iter().enumerate() {
            index.entry(w.norm.clone()).or_default().push(i);
        }
        let length = length::count(sites::profile(ctx.site).length, text);
        Draft { text, words, ctx, settings, customer_upset, sentence_starts, length, index }
    }
}

/// A tone rule.
pub trait ToneRule: Send + Sync {
    /// Stable key for settings ("blame_the_customer").
    fn id(&self) -> &'static str;
    fn category(&self) -> Category;
    /// Default severity; teams may override it.
    fn default_severity(&self) -> Severity;
    /// What the rule catches, in the agent's words (shown in settings).
    fn describe(&self) -> &'static str;
    fn check(&self, draft: &Draft) -> Vec<Finding>;
    /// The severity in force (set by [`Checker`] from the team's settings).
    fn severity(&self) -> Severity {
        self.default_severity()
    }
}

/// The result of checking a draft.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ToneReport {
    pub findings: Vec<Finding>,
    /// The draft's length as the platform counts it.
    pub length: LengthCount,
}

/// A finding with spans in UTF-16 code units, for the page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PageFinding {
    #[serde(flatten)]
    pub finding: Finding,
    pub span16: Range<usize>,
    pub fixes16: Vec<Range<usize>>,
}

impl ToneReport {
    /// The findings with UTF-16 spans, converted once at the boundary.
    pub fn for_page(&self, text: &str) -> Vec<PageFinding> {
        let map = offsets::Utf16Map::new(text);
        self.findings
            .iter()
            .map(|f| PageFinding {
                span16: map.range(&f.span),
                fixes16: f.fixes.iter().map(|x| map.range(&x.span)).collect(),
                finding: f.clone(),
            })
            .collect()
    }
}

/// Whether a post is upset enough to call for empathy: clearly negative, not merely a
/// question that mentions a refund or a problem.
pub fn is_upset(post: &str) -> bool {
    let s = sentiment::score(post);
    s.label == Label::Negative && s.score <= -0.3
}

/// Runs the enabled rules. Build once, check many times (lexicons are prepared once).
pub struct Checker {
    rules: Vec<Box<dyn ToneRule>>,
    settings: ToneSettings,
}

impl Checker {
    pub fn new(settings: ToneSettings) -> Checker {
        Checker { rules: rules::all(), settings }
    }

    /// Every rule, enabled or not, for the settings page: (id, category, description).
    pub fn catalogue(&self) -> Vec<(&'static str, Category, &'static str)> {
        self.rules.iter().map(|r| (r.id(), r.category(), r.describe())).collect()
    }

    pub fn check(&self, text: &str, ctx: &ToneContext) -> ToneReport {
        let customer_upset = ctx.post.as_deref().is_some_and(is_upset);
        let draft = Draft::new(text, ctx, &self.settings, customer_upset);
        let mut findings: Vec<Finding> = self
            .rules
            .iter()
            .filter(|r| !self.settings.disabled.contains(r.id()))
            .flat_map(|r| {
                let sev = self.settings.severity.get(r.id()).copied();
                r.check(&draft).into_iter().map(move |mut f| {
                    if let Some(s) = sev {
                        f.severity = s;
                    }
                    f
                })
            })
            .collect();
        findings.sort_by_key(|f| (f.span.start, f.span.end));
        ToneReport { findings, length: draft.length }
    }
}

#[cfg(test)]
pub(crate) mod testing {
    //! Harper-style helpers shared by the rules' tests.
    use super::*;

    pub fn ctx_upset() -> ToneContext {
        ToneContext { site: SiteId::X, post: Some("My order is STILL missing, this is ridiculous 😡".into()), customer_name: Some("Dana Reyes".into()), customer_handle: Some("dana_reyes".into()) }
    }

    pub fn run(rule: &dyn ToneRule, text: &str, ctx: &ToneContext) -> Vec<Finding> {
        let settings = ToneSettings { order_patterns: vec!["AC-#####".into()], ..ToneSettings::default() };
        let customer_upset = ctx.post.as_deref().is_some_and(is_upset);
        let draft = Draft::new(text, ctx, &settings, customer_upset);
        rule.check(&draft)
    }

    /// Applies the first fix of the first finding.
    pub fn assert_fix(rule: &dyn ToneRule, text: &str, ctx: &ToneContext, want: &str) {
        let found = run(rule, text, ctx);
        let f = found.first().unwrap_or_else(|| panic!("no finding for {text:?}"));
        let fix = f.fixes.first().unwrap_or_else(|| panic!("no fix for {text:?}"));
        let mut out = text.to_string();
        out.replace_range(fix.span.clone(), &fix.text);
        assert_eq!(out, want);
    }

    pub fn assert_count(rule: &dyn ToneRule, text: &str, ctx: &ToneContext, n: usize) {
        let found = run(rule, text, ctx);
        assert_eq!(found.len(), n, "{text:?}: {found:#?}");
    }

    pub fn assert_none(rule: &dyn ToneRule, text: &str, ctx: &ToneContext) {
        assert_count(rule, text, ctx, 0);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn disabled_rules_do_not_run_and_severity_overrides_apply() {
        let ctx = testing::ctx_upset();
        let text = "Calm down. We guarantee it.";
        let all = Checker::new(ToneSettings::default()).check(text, &ctx);
        assert!(all.findings.iter().any(|f| f.rule == "blame_the_customer"));
        let mut s = ToneSettings::default();
        s.disabled.insert("blame_the_customer".into());
        s.severity.insert("risky_promise".into(), Severity::Critical);
        let some = Checker::new(s).check(text, &ctx);
        assert!(some.findings.iter().all(|f| f.rule != "blame_the_customer"));
        assert!(some.findings.iter().any(|f| f.rule == "risky_promise" && f.severity == Severity::Critical));
    }

    #[test]
    fn page_spans_are_utf16() {
        let ctx = ToneContext::default();
        let text = "👩‍💻 Calm down please";
        let r = Checker::new(ToneSettings::default()).check(text, &ctx);
        let pf = r.for_page(text);
        let f = pf.iter().find(|f| f.finding.rule == "blame_the_customer").expect("blame finding");
        let units: Vec<u16> = text.encode_utf16().collect();
        assert_eq!(String::from_utf16(&units[f.span16.clone()]).unwrap(), "Calm down");
    }

    #[test]
    fn spans_survive_cjk_combining_marks_and_rtl() {
        let ctx = ToneContext::default();
        let checker = Checker::new(ToneSettings::default());
        for (text, phrase) in [
            ("日本語のお客様、calm down please", "calm down"),
            ("Jose\u{301} said: as I already said, no", "as I already said"),
            ("שלום! מה שלומך? Calm down.", "Calm down"),
            ("مرحبا 👋🏽 we guarantee it", "we guarantee"),
            ("e\u{301}e\u{301} call +44 20 7946 0958 now", "+44 20 7946 0958"),
        ] {
            let r = checker.check(text, &ctx);
            let f = r.findings.iter().find(|f| &text[f.span.clone()] == phrase).unwrap_or_else(|| panic!("{phrase:?} in {text:?}: {:#?}", r.findings));
            let page = r.for_page(text);
            let pf = page.iter().find(|p| p.finding == *f).expect("same finding on the page");
            let units: Vec<u16> = text.encode_utf16().collect();
            assert_eq!(String::from_utf16(&units[pf.span16.clone()]).unwrap(), phrase, "{text:?}");
        }
    }

    #[test]
    fn every_rule_has_unique_id_and_description() {
        let c = Checker::new(ToneSettings::default());
        let cat = c.catalogue();
        let ids: BTreeSet<_> = cat.iter().map(|(id, _, _)| *id).collect();
        assert_eq!(ids.len(), cat.len());
        assert!(cat.iter().all(|(_, _, d)| !d.is_empty()));
        assert!(cat.len() >= 10);
    }
}
