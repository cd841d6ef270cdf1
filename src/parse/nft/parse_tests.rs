use super::*;
use crate::parse::nft::lex::tokenize;

fn parsed(text: &str) -> Ruleset {
    parse(&tokenize(text, 0))
}

fn rule_texts(chain: &Chain) -> Vec<String> {
    chain
        .rules
        .iter()
        .map(|r| r.iter().map(|t| t.text.as_str()).collect::<Vec<_>>().join(" "))
        .collect()
}

/// Debian 12's stock /etc/nftables.conf: an input chain with no policy (accept).
const DEBIAN_STOCK: &str = "#!/usr/sbin/nft -f

flush ruleset

table inet filter {
\tchain input {
\t\ttype filter hook input priority filter;
\t}
\tchain forward {
\t\ttype filter hook forward priority filter;
\t}
\tchain output {
\t\ttype filter hook output priority filter;
\t}
}
";

#[test]
fn debian_stock_has_input_chain_without_policy() {
    let set = parsed(DEBIAN_STOCK);
    assert_eq!(set.chains.len(), 3);
    let input = &set.chains[0];
    assert_eq!(
        (input.family.as_str(), input.table.as_str(), input.name.as_str()),
        ("inet", "filter", "input")
    );
    assert_eq!(input.hook.as_deref(), Some("input"));
    assert_eq!(input.policy, None);
    assert_eq!(input.declared.line, 6);
}

const HARDENED: &str = "
define WEB = { 80, 443 }
define ADMIN=10.0.0.0/8
table inet filter {
  set blocked { type ipv4_addr; flags interval; elements = { 192.0.2.0/24 } }
  chain input {
    type filter hook input priority 0; policy drop;
    ct state established,related accept # return traffic
    iif lo accept
    tcp dport $WEB accept
    ip saddr $ADMIN tcp dport {
      5432,
      6379
    } accept
    jump services
  }
  chain services { udp dport 51820 accept; }
}
table ip legacy { chain in { type filter hook input priority 10
policy accept
} }
";

#[test]
fn blocks_defines_sets_and_policies() {
    let set = parsed(HARDENED);
    let names: Vec<&str> = set.chains.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(names, vec!["input", "services", "in"]);
    let input = &set.chains[0];
    assert!(input.policy_is("drop"));
    assert_eq!(input.policy.as_ref().map(|t| t.line), Some(7));
    assert_eq!(
        rule_texts(input),
        vec![
            "ct state established , related accept",
            "iif lo accept",
            "tcp dport { 80 , 443 } accept",
            "ip saddr 10.0.0.0/8 tcp dport { 5432 , 6379 } accept",
            "jump services",
        ]
    );
    assert_eq!(input.rules[2][2].line, 10, "expanded tokens sit at the use");
    assert_eq!(rule_texts(&set.chains[1]), vec!["udp dport 51820 accept"]);
    let legacy = &set.chains[2];
    assert_eq!((legacy.family.as_str(), legacy.hook.as_deref()), ("ip", Some("input")));
    assert!(legacy.policy_is("accept"));
}

#[test]
fn flat_commands_and_redeclared_chains() {
    let text = "add table inet fw\n\
                add chain inet fw input { type filter hook input priority 0 ; policy drop ; }\n\
                add rule inet fw input tcp dport 22 accept\n\
                insert rule inet fw input position 3 udp dport 53 accept\n\
                add rule fw2 input tcp dport 9 accept\n\
                table inet fw { chain input { tcp dport 443 accept } }\n";
    let set = parsed(text);
    assert_eq!(set.chains.len(), 2);
    let input = &set.chains[0];
    assert!(input.policy_is("drop"));
    assert_eq!(
        rule_texts(input),
        vec!["tcp dport 22 accept", "udp dport 53 accept", "tcp dport 443 accept"]
    );
    assert_eq!(
        (set.chains[1].family.as_str(), set.chains[1].table.as_str()),
        ("ip", "fw2")
    );
}

#[test]
fn unbalanced_and_odd_input_does_not_derail() {
    for text in [
        "}}}",
        "table {",
        "table inet t { chain c { {{{ ",
        "define",
        "define X",
        "add rule",
        "chain x {",
    ] {
        let _ = parsed(text);
    }
    let set = parsed(
        "table inet t { chain c { type filter hook input priority 0; policy drop; } }}\n\
                      table inet t { chain c { tcp dport 1 accept } }",
    );
    assert_eq!(rule_texts(&set.chains[0]), vec!["tcp dport 1 accept"]);
}
