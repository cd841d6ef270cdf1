//! `vouch verify PACK`: every check of a bundle (spec/bundle.md); exit 0 when
//! all hold, 1 naming the first that fails, 2 when the pack cannot be read.
//! The signer's fingerprint and identity are always printed: the allowed_signers
//! inside a pack proves integrity only, `--allowed-signers FILE --identity ID`
//! proves who signed.

use super::Ended;
use crate::bundle::verify::{self, Trust};
use crate::cli::{VerifyArgs, VerifyFormat};
use crate::sanitize::terminal;
use std::io::Write;

pub fn run(args: &VerifyArgs) -> Ended {
    let trust = match (&args.allowed_signers, &args.identity) {
        (Some(file), Some(identity)) => Some(Trust {
            allowed_signers: file,
            identity,
        }),
        _ => None,
    };
    let report = match verify::verify(&args.pack, trust.as_ref()) {
        Ok(report) => report,
        Err(why) => {
            // Tools reading --format json get an object even when the pack is unreadable.
            if args.format == VerifyFormat::Json {
                let body = serde_json::json!({ "checks": [], "error": why });
                println!("{body}");
            }
            return Ended::Failed(anyhow::anyhow!(why));
        }
    };
    let text = match args.format {
        VerifyFormat::Json => match serde_json::to_string_pretty(&report) {
            Ok(json) => json + "\n",
            Err(e) => return Ended::Failed(anyhow::anyhow!(e)),
        },
        VerifyFormat::Text => {
            let mut out = String::new();
            for check in &report.checks {
                let mark = match (check.ok, check.skipped) {
                    (true, _) => "✓",
                    (false, true) => "–",
                    (false, false) => "✗",
                };
                out.push_str(&format!("{mark} {}: {}\n", check.check, terminal(&check.detail)));
            }
            if let Some(signer) = &report.signer {
                out.push_str(&format!(
                    "signed by {} ({}){}\n",
                    signer.fingerprint,
                    terminal(&signer.identity),
                    if trust.is_some() {
                        ""
                    } else {
                        "; --allowed-signers FILE --identity ID proves who that is"
                    }
                ));
            }
            out
        }
    };
    let mut stdout = std::io::stdout().lock();
    if stdout.write_all(text.as_bytes()).and_then(|()| stdout.flush()).is_err() {
        return Ended::Failed(anyhow::anyhow!("cannot write to stdout"));
    }
    match report.first_problem() {
        None => Ended::Clean,
        Some(problem) => {
            let _ = writeln!(std::io::stderr(), "vouch: {}", terminal(&problem.detail));
            Ended::Findings
        }
    }
}
