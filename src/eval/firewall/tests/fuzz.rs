//! No input makes the parsers or the evaluators panic.

use super::*;
use crate::parse::nft::{lex::tokenize, load::Loaded, parse::parse, rules::allow_rules};
use crate::parse::ss::parse_ss;
use crate::parse::ufw::conf::ShellVars;
use crate::parse::ufw::status::{parse_status, StatusRule};
use crate::parse::ufw::tuples::parse_tuples;
use proptest::prelude::*;

/// Text made of the words these formats use, so the parsers get past their first checks.
fn soup() -> impl Strategy<Value = String> {
    let words = prop_oneof![
        Just("table"),
        Just("inet"),
        Just("chain"),
        Just("input"),
        Just("type"),
        Just("filter"),
        Just("hook"),
        Just("policy"),
        Just("drop"),
        Just("accept"),
        Just("tcp"),
        Just("udp"),
        Just("th"),
        Just("dport"),
        Just("ip"),
        Just("saddr"),
        Just("!="),
        Just(">"),
        Just("vmap"),
        Just(":"),
        Just("{"),
        Just("}"),
        Just(";"),
        Just(","),
        Just("\n"),
        Just("\""),
        Just("#"),
        Just("\\"),
        Just("$X"),
        Just("define X ="),
        Just("jump input"),
        Just("add rule inet t input"),
        Just("22"),
        Just("0"),
        Just("65535"),
        Just("1-2"),
        Just("5432:80"),
        Just("ssh"),
        Just("include \"/etc/x\""),
        Just("### tuple ###"),
        Just("allow"),
        Just("0.0.0.0/0"),
        Just("::/0"),
        Just("any"),
        Just("in_eth0!out_x"),
        Just("comment=zz"),
        Just("route:"),
        Just("Status: active"),
        Just("Default:"),
        Just("(incoming)"),
        Just("--"),
        Just("ALLOW"),
        Just("IN"),
        Just("Anywhere"),
        Just("(v6)"),
        Just(" on "),
        Just("["),
        Just("]"),
        Just("LISTEN"),
        Just("[::]:22"),
        Just("*:*"),
        Just("users:((\""),
        Just("%lo"),
        Just("ENABLED=yes"),
        Just("'"),
        Just("="),
        Just("é"),
    ];
    prop::collection::vec(words, 0..80).prop_map(|w| w.join(" "))
}

fn any_text() -> impl Strategy<Value = String> {
    prop_oneof![soup(), "\\PC{0,200}", ".{0,200}"]
}

fn exercise(text: &str) {
    for tuple in parse_tuples(text) {
        let _ = tuple.allow_rule("/x", true);
    }
    let _ = ShellVars::parse(text).get("ENABLED");
    if let Some(status) = parse_status(text) {
        let _: Vec<_> = status.rules.iter().filter_map(StatusRule::allow_rule).collect();
    }
    let loaded = Loaded {
        files: vec!["/etc/nftables.conf".into()],
        tokens: tokenize(text, 0),
        broken: None,
    };
    let ruleset = parse(&loaded.tokens);
    let _ = allow_rules(&ruleset, &loaded, None);
    let _ = parse_ss(text);
}

fn every_file(text: &str) -> Snapshot {
    let snap = Snapshot::new();
    let snap = [
        "/etc/ufw/ufw.conf",
        "/etc/default/ufw",
        "/etc/ufw/user.rules",
        "/etc/ufw/user6.rules",
    ]
    .iter()
    .fold(snap, |s, p| s.with_file(p, text))
    .with_file("/etc/nftables.conf", text)
    .with_file("/etc/x", text)
    .with_file("/etc/ssh/sshd_config", text);
    with_ss(with_status(snap, text), text)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn parsers_never_panic(text in any_text()) {
        exercise(&text);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    #[test]
    fn evaluators_never_panic(text in soup()) {
        let snap = every_file(&text);
        for name in [ENABLED, DEFAULT_DENY, ALLOWED_PORTS, LISTENING] {
            let out = run(name, &snap);
            prop_assert!(!out.summary.is_empty());
        }
    }
}
