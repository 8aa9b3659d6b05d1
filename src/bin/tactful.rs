//! `tactful`: the command-line side of Tactful, over the same core as the extension.

use std::io::Read;
use std::process::ExitCode;
use tactful::core::sites::{self, SiteId, SiteProfile};
use tactful::core::tone::{Checker, ToneContext, ToneSettings};

const USAGE: &str = "usage: tactful <command>

commands:
  sites              list the supported sites, their editors and length limits
  profile <site>     print a site's profile as JSON (x, facebook, instagram, linkedin, reddit, youtube)
  tone [--site S] [--post TEXT] [--name NAME] [DRAFT]
                     check one reply draft (from DRAFT or stdin); prints the report as JSON
  check --platform P [--order-pattern P]
                     reads JSON lines {text, post?, customer_name?} on stdin and
                     writes one JSON line of findings and length per input line
  kb import FILE [--kb KB.json] [--out OUT.json]
                     validate a CSV, JSON, Zendesk or Freshdesk export and merge it (by id) into
                     the starter knowledge base (or KB.json); writes the result to OUT.json
  kb export [--kb KB.json] [--format json|csv]
                     print the knowledge base
  kb validate FILE   check a knowledge-base file the way the importer does
  suggest [--kb FILE] [--top N] [--platform P] [--name NAME] [--agent NAME] [--brand NAME]
          [--order-pattern P] [--thread TEXT] [POST]
                     the best saved replies and articles for a post (and the post above it,
                     given with --thread), filled in; without POST, reads JSON lines
                     {text, thread?: [...]} on stdin and writes one line each:
                     {suggestions: [{id, score}, ...]} best first
  triage [--kb FILE] [--now RFC3339]
                     reads JSON lines {text, created_at?, channel?, author?, followers?} on stdin
                     and writes one line each: {intent, sentiment, urgent, urgency, pii,
                     pii_items, age, priority, why}; earlier lines by the same author count as
                     repeat posts; --now defaults to the system clock
  version            print the version

--order-pattern: the team's order or account numbers (AC-#####: # a digit, @ a letter,
* either; several separated by spaces), caught as personal data and offered as the
order number a reply needs. Without it, and without --brand, nothing names a brand.";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match run(&args) {
        Ok(out) => {
            println!("{out}");
            ExitCode::SUCCESS
        }
        Err(msg) => {
            eprintln!("tactful: {msg}");
            ExitCode::from(2)
        }
    }
}

fn run(args: &[String]) -> Result<String, String> {
    match args.iter().map(String::as_str).collect::<Vec<_>>().as_slice() {
        ["sites"] => Ok(sites::profiles().iter().map(site_line).collect::<Vec<_>>().join("\n")),
        ["profile", name] => {
            let p = sites::profiles()
                .iter()
                .find(|p| p.name.eq_ignore_ascii_case(name) || serde_json::to_value(p.id).ok().and_then(|v| v.as_str().map(|s| s == *name)) == Some(true))
                .ok_or_else(|| format!("no site named {name:?}; try `tactful sites`"))?;
            serde_json::to_string_pretty(p).map_err(|e| e.to_string())
        }
        ["tone", rest @ ..] => tone(rest),
        ["kb", "import", file, rest @ ..] => kb_import(file, rest),
        ["kb", "export", rest @ ..] => kb_export(rest),
        ["kb", "validate", file] => {
            let text = std::fs::read_to_string(file).map_err(|e| format!("could not read {file}: {e}"))?;
            let entries = tactful::core::kb::import::parse(&text).map_err(|e| format!("{file}: {e}"))?;
            Ok(format!("{file}: {} entries, no problems found", entries.len()))
        }
        ["suggest", rest @ ..] => suggest_cmd(rest),
        ["triage", rest @ ..] => triage_cmd(rest),
        ["check", rest @ ..] => {
            let (opts, extra) = options(rest, &["platform", "order-pattern"])?;
            let (Some(p), []) = (opts.get("platform"), extra.as_slice()) else {
                return Err("usage: tactful check --platform x|facebook|instagram|linkedin|reddit|youtube [--order-pattern AC-#####] < drafts.jsonl".into());
            };
            let site = site_id(p)?;
            let team = team_settings(&opts)?;
            let mut input = String::new();
            std::io::stdin().read_to_string(&mut input).map_err(|e| format!("could not read stdin: {e}"))?;
            check_lines(site, &team.tone, &input)
        }
        ["version"] | ["--version"] => Ok(format!("tactful {}", env!("CARGO_PKG_VERSION"))),
        [] | ["help"] | ["--help"] | ["-h"] => Ok(USAGE.to_string()),
        _ => Err(format!("unknown command\n\n{USAGE}")),
    }
}

fn site_id(name: &str) -> Result<SiteId, String> {
    serde_json::from_value(serde_json::Value::String(name.to_lowercase())).map_err(|_| format!("no site named {name:?}; try `tactful sites`"))
}

fn tone(args: &[&str]) -> Result<String, String> {
    let mut ctx = ToneContext::default();
    let mut draft = None;
    let mut it = args.iter();
    while let Some(&a) = it.next() {
        let mut value = || it.next().map(|v| v.to_string()).ok_or_else(|| format!("{a} needs a value"));
        match a {
            "--site" => ctx.site = site_id(&value()?)?,
            "--post" => ctx.post = Some(value()?),
            "--name" => ctx.customer_name = Some(value()?),
            "--handle" => ctx.customer_handle = Some(value()?),
            _ if a.starts_with("--") => return Err(format!("unknown option {a}")),
            _ => draft = Some(a.to_string()),
        }
    }
    let draft = match draft {
        Some(d) => d,
        None => {
            let mut s = String::new();
            std::io::stdin().read_to_string(&mut s).map_err(|e| format!("could not read the draft from stdin: {e}"))?;
            s
        }
    };
    let report = Checker::new(ToneSettings::default()).check(&draft, &ctx);
    serde_json::to_string_pretty(&report).map_err(|e| e.to_string())
}

/// `--name value` options and the remaining words.
fn options<'a>(args: &'a [&'a str], known: &[&str]) -> Result<(std::collections::HashMap<String, String>, Vec<&'a str>), String> {
    let mut opts = std::collections::HashMap::new();
    let mut rest = Vec::new();
    let mut it = args.iter();
    while let Some(&a) = it.next() {
        if let Some(name) = a.strip_prefix("--") {
            if !known.contains(&name) {
                return Err(format!("unknown option {a}"));
            }
            let v = it.next().ok_or_else(|| format!("{a} needs a value"))?;
            opts.insert(name.to_string(), v.to_string());
        } else {
            rest.push(a);
        }
    }
    Ok((opts, rest))
}

/// The team settings a command was given (`--brand`, `--order-pattern`), checked as the
/// options page checks them; none given, none assumed.
fn team_settings(opts: &std::collections::HashMap<String, String>) -> Result<tactful::core::settings::Settings, String> {
    let order_patterns = opts.get("order-pattern").map(|p| p.split_whitespace().map(String::from).collect()).unwrap_or_default();
    let s = tactful::core::settings::Settings {
        brand_name: opts.get("brand").cloned().unwrap_or_default(),
        tone: ToneSettings { order_patterns, ..ToneSettings::default() },
        ..Default::default()
    };
    s.validated().map_err(|e| e.to_string())
}

fn load_kb(path: Option<&String>) -> Result<tactful::core::kb::KnowledgeBase, String> {
    use tactful::core::kb::{import, KnowledgeBase};
    let Some(path) = path else { return Ok(KnowledgeBase::starter()) };
    let text = std::fs::read_to_string(path).map_err(|e| format!("could not read {path}: {e}"))?;
    let mut kb = KnowledgeBase::default();
    kb.upsert_all(import::parse(&text).map_err(|e| format!("{path}: {e}"))?);
    Ok(kb)
}

fn kb_import(file: &str, args: &[&str]) -> Result<String, String> {
    use tactful::core::kb::import;
    let (opts, _) = options(args, &["kb", "out"])?;
    let mut kb = load_kb(opts.get("kb"))?;
    let text = std::fs::read_to_string(file).map_err(|e| format!("could not read {file}: {e}"))?;
    let entries = import::parse(&text).map_err(|e| format!("{file}: {e}"))?;
    let (mut added, mut updated) = (0, 0);
    for e in entries {
        if kb.get(&e.id).is_some() {
            updated += 1;
        } else {
            added += 1;
        }
        kb.upsert(e);
    }
    let summary = format!("{file}: {added} added, {updated} updated; the knowledge base has {} entries", kb.len());
    match opts.get("out") {
        Some(out) => {
            std::fs::write(out, import::to_json(kb.entries())).map_err(|e| format!("could not write {out}: {e}"))?;
            Ok(format!("{summary}; written to {out}"))
        }
        None => Ok(format!("{summary} (checked only; give --out FILE to save it)")),
    }
}

fn kb_export(args: &[&str]) -> Result<String, String> {
    use tactful::core::kb::import;
    let (opts, _) = options(args, &["kb", "format"])?;
    let kb = load_kb(opts.get("kb"))?;
    match opts.get("format").map(String::as_str).unwrap_or("json") {
        "json" => Ok(import::to_json(kb.entries())),
        "csv" => Ok(import::to_csv(kb.entries()).trim_end().to_string()),
        other => Err(format!("unknown format {other:?}; use json or csv")),
    }
}

fn suggest_cmd(args: &[&str]) -> Result<String, String> {
    use tactful::core::kb::{search, suggest};
    let (opts, rest) = options(args, &["kb", "platform", "name", "agent", "brand", "order-pattern", "top", "thread"])?;
    let team = team_settings(&opts)?;
    let kb = load_kb(opts.get("kb"))?;
    let top: usize = opts.get("top").map(|t| t.parse().map_err(|_| format!("--top needs a number, not {t:?}"))).transpose()?.unwrap_or(3);
    let site = opts.get("platform").map(|p| site_id(p)).transpose()?.unwrap_or(SiteId::X);
    let text = rest.join(" ");
    if text.trim().is_empty() {
        return rank_lines(&kb, top);
    }
    let post = tactful::core::posts::Post {
        key: "cli".into(),
        site,
        author_name: opts.get("name").cloned().unwrap_or_default(),
        handle: None,
        text,
        created_ms: None,
        time_approx: false,
        author_id: None,
        focal: false,
        permalink: None,
        is_brand: false,
    };
    let ctx = suggest::Context {
        site: Some(site),
        post: Some(&post),
        agent_name: opts.get("agent").map(String::as_str),
        brand_name: Some(team.brand_name.as_str()).filter(|b| !b.is_empty()),
        order_patterns: &team.tone.order_patterns,
        given: Default::default(),
    };
    let index = search::Index::new(&kb);
    let thread: Vec<String> = opts.get("thread").cloned().into_iter().collect();
    let items = suggest::suggest_with_thread(&kb, &index, &ctx, &thread, 3, &search::Feedback::default());
    serde_json::to_string_pretty(&items).map_err(|e| e.to_string())
}

/// `tactful suggest` over JSON lines: ranks each `{"text", "thread"?}` (the thread: the
/// posts above it, as a list of strings) and prints ids and scores. A malformed line stops
/// the run before anything is written, naming the line.
fn rank_lines(kb: &tactful::core::kb::KnowledgeBase, top: usize) -> Result<String, String> {
    use tactful::core::kb::search;
    #[derive(serde::Deserialize)]
    struct Line {
        text: String,
        #[serde(default)]
        thread: Vec<String>,
    }
    let mut input = String::new();
    std::io::stdin().read_to_string(&mut input).map_err(|e| format!("could not read stdin: {e}"))?;
    let mut posts = Vec::new();
    for (i, l) in input.lines().enumerate().filter(|(_, l)| !l.trim().is_empty()) {
        let line: Line = serde_json::from_str(l).map_err(|e| format!("line {}: {e} (expected {{\"text\": \"...\", \"thread\": [\"...\"]}})", i + 1))?;
        posts.push(line);
    }
    let index = search::Index::new(kb);
    let feedback = search::Feedback::default();
    let out: Vec<String> = posts
        .iter()
        .map(|p| {
            let s: Vec<serde_json::Value> = index.search_with_thread(&p.text, &p.thread, top, &feedback).into_iter().map(|s| serde_json::json!({ "id": s.id, "score": s.score })).collect();
            serde_json::json!({ "suggestions": s }).to_string()
        })
        .collect();
    Ok(out.join("\n"))
}

fn triage_cmd(args: &[&str]) -> Result<String, String> {
    use tactful::core::triage::{parse_created_at, Triage, TriageSettings};
    let (opts, rest) = options(args, &["kb", "now"])?;
    if let Some(extra) = rest.first() {
        return Err(format!("unexpected argument {extra:?}; triage reads posts as JSON lines on stdin"));
    }
    let kb = load_kb(opts.get("kb"))?;
    let now = match opts.get("now") {
        Some(t) => parse_created_at(t).map_err(|e| format!("--now: {e}"))?,
        // The clock is read here, at the edge; the core takes the time as input.
        None => std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_err(|e| format!("the system clock is before 1970: {e}"))?.as_millis() as i64,
    };
    let triage = Triage::new(&kb, TriageSettings::default()).map_err(|e| e.to_string())?;
    let mut input = String::new();
    std::io::stdin().read_to_string(&mut input).map_err(|e| format!("could not read stdin: {e}"))?;
    triage_lines(&triage, now, &input)
}

/// One input line of `tactful triage`.
#[derive(serde::Deserialize)]
struct TriageLine {
    text: String,
    #[serde(default)]
    created_at: Option<String>,
    #[serde(default)]
    channel: Option<String>,
    #[serde(default)]
    author: Option<String>,
    #[serde(default)]
    followers: Option<u64>,
}

/// Triages every line; a malformed line (bad JSON, time or channel) stops the run before
/// anything is written, naming the line. Earlier lines by the same author count as the
/// author's repeat posts.
fn triage_lines(triage: &tactful::core::triage::Triage, now_ms: i64, input: &str) -> Result<String, String> {
    use tactful::core::triage::{parse_channel, parse_created_at, PostInput};
    let mut posts = Vec::new();
    for (i, line) in input.lines().enumerate().filter(|(_, l)| !l.trim().is_empty()) {
        let at = |e: &dyn std::fmt::Display| format!("line {}: {e}", i + 1);
        let l: TriageLine = serde_json::from_str(line).map_err(|e| at(&format!("{e} (expected {{\"text\": \"...\", \"created_at\": \"2026-03-01T12:00:00Z\", \"channel\": \"x\"}})")))?;
        let created = l.created_at.as_deref().map(parse_created_at).transpose().map_err(|e| at(&e))?;
        let channel = l.channel.as_deref().map(parse_channel).transpose().map_err(|e| at(&e))?;
        posts.push((l, created, channel));
    }
    let mut seen: std::collections::HashMap<&str, u32> = std::collections::HashMap::new();
    let mut out = Vec::with_capacity(posts.len());
    for (l, created_ms, channel) in &posts {
        let earlier = match l.author.as_deref() {
            Some(a) => {
                let n = seen.entry(a).or_insert(0);
                *n += 1;
                *n - 1
            }
            None => 0,
        };
        let post = PostInput { text: &l.text, created_ms: *created_ms, channel: *channel, earlier_posts_by_author: earlier, followers: l.followers };
        out.push(serde_json::to_string(&triage.score(&post, now_ms)).map_err(|e| e.to_string())?);
    }
    Ok(out.join("\n"))
}

/// One input line of `tactful check`.
#[derive(serde::Deserialize)]
struct CheckLine {
    text: String,
    #[serde(default)]
    post: Option<String>,
    #[serde(default)]
    customer_name: Option<String>,
}

/// Checks every line; a malformed line stops the run before anything is written, naming
/// the line, so an audit never silently skips a reply.
fn check_lines(site: SiteId, tone: &ToneSettings, input: &str) -> Result<String, String> {
    let mut drafts = Vec::new();
    for (i, line) in input.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let d: CheckLine = serde_json::from_str(line).map_err(|e| format!("line {}: {e} (expected {{\"text\": \"...\", \"post\": \"...\"}})", i + 1))?;
        drafts.push(d);
    }
    let checker = Checker::new(tone.clone());
    let mut out = Vec::with_capacity(drafts.len());
    for d in drafts {
        let ctx = ToneContext { site, post: d.post, customer_name: d.customer_name, customer_handle: None };
        let report = checker.check(&d.text, &ctx);
        out.push(serde_json::to_string(&cli_report(&d.text, &report)).map_err(|e| e.to_string())?);
    }
    Ok(out.join("\n"))
}

fn span_json(text: &str, r: &std::ops::Range<usize>) -> serde_json::Value {
    let u = tactful::core::offsets::utf16_range(text, r);
    serde_json::json!({ "start": r.start, "end": r.end, "start_utf16": u.start, "end_utf16": u.end })
}

fn cli_report(text: &str, report: &tactful::core::tone::ToneReport) -> serde_json::Value {
    let findings: Vec<serde_json::Value> = report
        .findings
        .iter()
        .map(|f| {
            serde_json::json!({
                "rule": f.rule,
                "category": f.category,
                "severity": f.severity,
                "span": span_json(text, &f.span),
                "text": &text[f.span.clone()],
                "message": f.message,
                "suggestions": f.fixes.iter().map(|x| serde_json::json!({ "label": x.label, "span": span_json(text, &x.span), "replacement": x.text })).collect::<Vec<_>>(),
            })
        })
        .collect();
    let l = report.length;
    serde_json::json!({ "findings": findings, "length": { "weighted": l.used, "max": l.max, "valid": !l.is_over() } })
}

fn site_line(p: &SiteProfile) -> String {
    let limit = match p.length {
        sites::LengthRule::Weighted { max } => format!("{max} weighted"),
        sites::LengthRule::Chars { max } => format!("{max} chars"),
    };
    format!("{:<10} {:<16} editor={:<16} limit={limit}", p.name, p.hosts.join(","), p.layouts.iter().map(|l| format!("{:?}", l.reply.editor.kind).to_lowercase()).collect::<Vec<_>>().join("/"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use tactful::core::kb::KnowledgeBase;
    use tactful::core::triage::{Triage, TriageSettings};

    fn triage() -> Triage {
        Triage::new(&KnowledgeBase::starter(), TriageSettings::default()).expect("defaults are valid")
    }

    const NOW: i64 = 1_772_366_400_000; // 2026-03-01T12:00:00Z

    #[test]
    fn triage_writes_one_line_per_post_and_counts_repeat_authors() {
        let input = r#"{"text": "where is my refund?", "created_at": "2026-03-01T11:13:00Z", "channel": "x", "author": "dana"}

{"text": "Hello?? still no refund", "author": "dana", "followers": 12000}
{"text": "Love the new app!", "author": "sam"}"#;
        let out = triage_lines(&triage(), NOW, input).expect("valid input");
        let lines: Vec<serde_json::Value> = out.lines().map(|l| serde_json::from_str(l).expect("json")).collect();
        assert_eq!(lines.len(), 3);
        assert_eq!(lines[0]["age"]["minutes"], 47);
        assert!(lines[0]["why"].as_str().is_some_and(|w| w.ends_with("47 min of 60")), "{}", lines[0]["why"]);
        assert_eq!(lines[1]["urgency"]["reasons"], serde_json::json!(["repeat poster (2 posts)", "reach (12k followers)"]));
        assert!(lines[2]["urgency"]["reasons"].as_array().is_some_and(|r| r.is_empty()));
        for key in ["intent", "sentiment", "urgent", "urgency", "pii", "pii_items", "priority", "why"] {
            assert!(lines[0].get(key).is_some(), "missing {key}");
        }
    }

    #[test]
    fn order_numbers_are_only_the_patterns_the_team_gives() {
        let line = r#"{"text": "Thanks Dana, order AC-20431 ships today."}"#;
        let flagged = |out: &str| serde_json::from_str::<serde_json::Value>(out).unwrap()["findings"].as_array().unwrap().iter().any(|f| f["rule"] == "public_pii");
        assert!(!flagged(&check_lines(SiteId::X, &ToneSettings::default(), line).unwrap()), "no pattern is assumed");
        let opts = |p: &str| std::collections::HashMap::from([("order-pattern".to_string(), p.to_string())]);
        let team = team_settings(&opts("AC-##### INV-@@####")).unwrap();
        assert_eq!(team.tone.order_patterns, ["AC-#####", "INV-@@####"]);
        assert!(flagged(&check_lines(SiteId::X, &team.tone, line).unwrap()));
        assert!(team_settings(&opts("ORDER")).unwrap_err().contains("needs at least one #"));
    }

    #[test]
    fn rejects_a_malformed_line_by_number_and_writes_nothing() {
        let t = triage();
        let e = triage_lines(&t, NOW, "{\"text\": \"ok\"}\n{\"txt\": \"typo\"}").expect_err("missing text");
        assert!(e.starts_with("line 2:"), "{e}");
        let e = triage_lines(&t, NOW, "{\"text\": \"ok\"}\n\n{\"text\": \"ok\", \"created_at\": \"yesterday\"}").expect_err("bad time");
        assert!(e.starts_with("line 3:") && e.contains("RFC 3339"), "{e}");
        let e = triage_lines(&t, NOW, "{\"text\": \"ok\", \"channel\": \"myspace\"}").expect_err("bad channel");
        assert!(e.starts_with("line 1:") && e.contains("myspace"), "{e}");
    }
}
