//! `tactful`: the command-line side of Tactful, over the same core as the extension.

use std::process::ExitCode;
use tactful::core::sites::{self, SiteProfile};

const USAGE: &str = "usage: tactful <command>

commands:
  sites              list the supported sites, their editors and length limits
  profile <site>     print a site's profile as JSON (x, facebook, instagram, linkedin, reddit, youtube)
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
        ["version"] | ["--version"] => Ok(format!("tactful {}", env!("CARGO_PKG_VERSION"))),
        [] | ["help"] | ["--help"] | ["-h"] => Ok(USAGE.to_string()),
        _ => Err(format!("unknown command\n\n{USAGE}")),
    }
}

fn site_line(p: &SiteProfile) -> String {
    let limit = match p.length {
        sites::LengthRule::Weighted { max } => format!("{max} weighted"),
        sites::LengthRule::Chars { max } => format!("{max} chars"),
    };
    format!("{:<10} {:<16} editor={:<16} limit={limit}", p.name, p.hosts.join(","), format!("{:?}", p.reply_editor.kind).to_lowercase())
}
