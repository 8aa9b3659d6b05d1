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
  check --platform P reads JSON lines {text, post?, customer_name?} on stdin and
                     writes one JSON line of findings and length per input line
  kb import FILE [--kb KB.json] [--out OUT.json]
                     validate a CSV, JSON, Zendesk or Freshdesk export and merge it (by id) into
                     the starter knowledge base (or KB.json); writes the result to OUT.json
  kb export [--kb KB.json] [--format json|csv]
                     print the knowledge base
  kb validate FILE   check a knowledge-base file the way the importer does
  suggest [--kb FILE] [--top N] [--platform P] [--name NAME] [--agent NAME] [POST]
                     the best saved replies and articles for a post, filled in; without POST,
                     reads JSON lines {text} on stdin and writes one line each:
                     {suggestions: [{id, score}, ...]} best first
  version            print the version";

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
        ["check", "--platform", p] => {
            let mut input = String::new();
            std::io::stdin().read_to_string(&mut input).map_err(|e| format!("could not read stdin: {e}"))?;
            check_lines(site_id(p)?, &input)
        }
        ["check", ..] => Err("usage: tactful check --platform x|facebook|instagram|linkedin|reddit|youtube < drafts.jsonl".into()),
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
    let (opts, rest) = options(args, &["kb", "platform", "name", "agent", "top"])?;
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
        permalink: None,
        is_brand: false,
    };
    let patterns = vec!["AC-#####".to_string()];
    let ctx = suggest::Context { site: Some(site), post: Some(&post), agent_name: opts.get("agent").map(String::as_str), brand_name: Some("Acme"), order_patterns: &patterns, given: Default::default() };
    let index = search::Index::new(&kb);
    let items = suggest::suggest(&kb, &index, &ctx, 3, &search::Feedback::default());
    serde_json::to_string_pretty(&items).map_err(|e| e.to_string())
}

/// `tactful suggest` over JSON lines: ranks each `{"text"}` and prints ids and scores.
/// A malformed line stops the run before anything is written, naming the line.
fn rank_lines(kb: &tactful::core::kb::KnowledgeBase, top: usize) -> Result<String, String> {
    use tactful::core::kb::search;
    #[derive(serde::Deserialize)]
    struct Line {
        text: String,
    }
    let mut input = String::new();
    std::io::stdin().read_to_string(&mut input).map_err(|e| format!("could not read stdin: {e}"))?;
    let mut posts = Vec::new();
    for (i, l) in input.lines().enumerate().filter(|(_, l)| !l.trim().is_empty()) {
        let line: Line = serde_json::from_str(l).map_err(|e| format!("line {}: {e} (expected {{\"text\": \"...\"}})", i + 1))?;
        posts.push(line.text);
    }
    let index = search::Index::new(kb);
    let feedback = search::Feedback::default();
    let out: Vec<String> = posts
        .iter()
        .map(|p| {
            let s: Vec<serde_json::Value> = index.search(p, top, &feedback).into_iter().map(|s| serde_json::json!({ "id": s.id, "score": s.score })).collect();
            serde_json::json!({ "suggestions": s }).to_string()
        })
        .collect();
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
fn check_lines(site: SiteId, input: &str) -> Result<String, String> {
    let mut drafts = Vec::new();
    for (i, line) in input.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let d: CheckLine = serde_json::from_str(line).map_err(|e| format!("line {}: {e} (expected {{\"text\": \"...\", \"post\": \"...\"}})", i + 1))?;
        drafts.push(d);
    }
    let checker = Checker::new(ToneSettings { order_patterns: vec!["AC-#####".into()], ..ToneSettings::default() });
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
    format!("{:<10} {:<16} editor={:<16} limit={limit}", p.name, p.hosts.join(","), format!("{:?}", p.reply_editor.kind).to_lowercase())
}
