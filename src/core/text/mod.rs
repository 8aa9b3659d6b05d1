//! Text as words: the one tokenizer every text check shares (tone checks, personal data,
//! sentiment, triage cues, knowledge-base search), so a word and its byte span mean the
//! same thing everywhere. Nothing here knows about tone, customers or sites.
//!
//! - [`words`]: words with their byte spans, and phrases matched on them.

pub mod words;
