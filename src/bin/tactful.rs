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

/// One input line of `tactful check`.
#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
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
