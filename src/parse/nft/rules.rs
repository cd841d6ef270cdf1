//! What the accept rules of nftables input chains open: in each `hook input`
//! chain with `policy drop` (families ip, ip6, inet), and in the chains it
//! `jump`s or `goto`s to (carrying the jump rule's conditions along), every rule
//! that accepts on `tcp|udp|th dport` — a port, a range `a-b`, a service name, a
//! `{ set }`, a comparison, or a `vmap { port : accept }` — becomes an allow
//! rule; so does an `accept` that names no destination port (`iifname "eth0"
//! accept`, `meta l4proto tcp accept`, a bare `accept`), which opens every port.
//! A rule is open to anywhere unless an `ip saddr` / `ip6 saddr` match (or
//! `iif lo`) restricts it. Rules that admit no new connection (`ct state
//! established,related`) or only ICMP open no port and are left out.

use super::lex::{Kind, Token};
use super::load::Loaded;
use super::parse::{Chain, Ruleset};
use crate::parse::allow::AllowRule;
use crate::parse::ports::{parse_port, service_port, PortItem, Ports, Proto};
use std::collections::BTreeMap;

/// nft's limit on nested jumps.
const MAX_JUMPS: usize = 16;
/// A bound on chain walks, against jump fan-out.
const MAX_WALKS: usize = 4096;
const L4: [&str; 6] = ["tcp", "udp", "th", "sctp", "dccp", "udplite"];
/// The ICMP protocols as nft names them (`icmp type ...`, `meta l4proto ipv6-icmp`).
const ICMP: [&str; 3] = ["icmp", "icmpv6", "ipv6-icmp"];
/// The matches whose operand names a layer-4 protocol.
const PROTO_KEYS: [&str; 3] = ["protocol", "l4proto", "nexthdr"];

/// A base chain on the input hook of an IP family (what filters traffic to the host).
pub fn is_input_chain(chain: &Chain) -> bool {
    chain.hook.as_deref() == Some("input") && ["ip", "ip6", "inet"].contains(&chain.family.as_str())
}

/// The allow rules of every input chain with policy drop.
pub fn allow_rules(ruleset: &Ruleset, loaded: &Loaded, services: Option<&BTreeMap<String, u16>>) -> Vec<AllowRule> {
    let mut walker = Walker {
        ruleset,
        loaded,
        services,
        out: Vec::new(),
        walks: 0,
    };
    for (index, chain) in ruleset.chains.iter().enumerate() {
        if is_input_chain(chain) && chain.policy_is("drop") {
            walker.walk(index, &[], &mut Vec::new());
        }
    }
    walker.out
}

struct Walker<'a> {
    ruleset: &'a Ruleset,
    loaded: &'a Loaded,
    services: Option<&'a BTreeMap<String, u16>>,
    out: Vec<AllowRule>,
    walks: usize,
}

impl Walker<'_> {
    /// The rules of chain `index`, under the conditions of the jumps that led
    /// here; `path` holds the chains on the way (nft rejects jump loops).
    fn walk(&mut self, index: usize, prefix: &[Token], path: &mut Vec<usize>) {
        let ruleset = self.ruleset;
        let Some(chain) = ruleset.chains.get(index) else {
            return;
        };
        self.walks += 1;
        if self.walks > MAX_WALKS || path.len() > MAX_JUMPS || path.contains(&index) {
            return;
        }
        path.push(index);
        for rule in &chain.rules {
            let mut tokens = prefix.to_vec();
            if let Some((at, target)) = jump(rule) {
                if let Some(next) = ruleset.find(&chain.family, &chain.table, target) {
                    tokens.extend_from_slice(&rule[..at]);
                    self.walk(next, &tokens, path);
                }
                continue;
            }
            tokens.extend_from_slice(rule);
            match self.analyze(&tokens, rule, chain) {
                Some(allow) if !self.out.contains(&allow) => self.out.push(allow),
                _ => {}
            }
        }
        path.pop();
    }

    fn analyze(&self, tokens: &[Token], rule: &[Token], chain: &Chain) -> Option<AllowRule> {
        if only_established(tokens) {
            return None;
        }
        let (proto, ports) = match find_dport(tokens) {
            Some((proto, at)) if tokens.get(at).is_some_and(|t| t.is_word("vmap")) => {
                (proto, self.vmap_ports(tokens, at + 1)?)
            }
            Some((proto, at)) if has_accept(tokens) => (proto, self.match_ports(tokens, at)),
            Some(_) => return None,
            None if has_accept(tokens) => (portless_proto(tokens)?, Ports::All),
            None => return None,
        };
        let mut notes = Vec::new();
        match chain.family.as_str() {
            "ip" => notes.push("IPv4 only".to_string()),
            "ip6" => notes.push("IPv6 only".to_string()),
            _ => {}
        }
        notes.push(format!("chain {}", chain.label()));
        Some(AllowRule {
            proto,
            ports,
            source: source(tokens),
            incoming: true,
            notes,
            location: self.loaded.location(rule.first()?),
            listening_on: None,
        })
    }

    /// The operand of `dport` at `at`: `22`, `== 22`, `{ 22, 80-81 }`, `> 1023`, `!= 22`.
    fn match_ports(&self, tokens: &[Token], at: usize) -> Ports {
        let Some(first) = tokens.get(at) else {
            return Ports::All;
        };
        let value = tokens.get(at + 1).map_or("", |t| t.text.as_str());
        let range = match first.text.as_str() {
            "==" | "eq" => return self.match_ports(tokens, at + 1),
            "!=" | "ne" => return Ports::All,
            ">" | "gt" => parse_port(value).map(|p| (p.saturating_add(1), u16::MAX)),
            ">=" | "ge" => parse_port(value).map(|p| (p, u16::MAX)),
            "<" | "lt" => parse_port(value).map(|p| (1, p.saturating_sub(1).max(1))),
            "<=" | "le" => parse_port(value).map(|p| (1, p)),
            _ if first.kind == Kind::Open => {
                let items = set_elements(tokens, at).iter().map(|e| self.item(&join(e))).collect();
                return Ports::List(items);
            }
            _ => return Ports::List(vec![self.item(&first.text)]),
        };
        let item = match range {
            Some((lo, hi)) => PortItem::Range { lo, hi },
            None => PortItem::Unknown(format!("{} {value}", first.text)),
        };
        Ports::List(vec![item])
    }

    /// `{ 22 : accept, 5432 : drop }` → the accepted keys; None when none is.
    fn vmap_ports(&self, tokens: &[Token], at: usize) -> Option<Ports> {
        let accepted: Vec<PortItem> = set_elements(tokens, at)
            .iter()
            .filter_map(|element| {
                let text = join(element);
                let (key, verdict) = text.rsplit_once(':')?;
                (verdict.trim() == "accept").then(|| self.item(key.trim()))
            })
            .collect();
        (!accepted.is_empty()).then_some(Ports::List(accepted))
    }

    /// `22`, `ssh`, `8000-8100`, `http-alt`; anything else is kept as written.
    fn item(&self, text: &str) -> PortItem {
        if let Some(port) = service_port(text, self.services) {
            return PortItem::single(port);
        }
        let range = text.split_once('-').and_then(|(lo, hi)| {
            let lo = service_port(lo.trim(), self.services)?;
            let hi = service_port(hi.trim(), self.services)?;
            (lo <= hi).then_some(PortItem::Range { lo, hi })
        });
        range.unwrap_or_else(|| PortItem::Unknown(text.to_string()))
    }
}

/// `jump NAME` / `goto NAME` at the top level of a rule: its index and target.
fn jump(rule: &[Token]) -> Option<(usize, &str)> {
    let at = rule.iter().position(|t| t.is_word("jump") || t.is_word("goto"))?;
    Some((at, rule.get(at + 1)?.name()?))
}

/// The protocol of the first `<l4> dport` match and the index of its operand.
fn find_dport(tokens: &[Token]) -> Option<(Proto, usize)> {
    let at = tokens
        .windows(2)
        .position(|w| L4.contains(&w[0].text.as_str()) && w[1].is_word("dport"))?;
    Some((Proto::parse(&tokens[at].text), at + 2))
}

/// The protocol an accept rule without a `dport` applies to: the `tcp`/`udp`/...
/// expression it uses, or the operand of `ip protocol`, `meta l4proto`, `ip6
/// nexthdr`; every protocol when it names none (or several). None for a rule that
/// only admits ICMP, which has no ports.
fn portless_proto(tokens: &[Token]) -> Option<Proto> {
    let mut named: Vec<String> = Vec::new();
    let mut at = 0;
    while let Some(token) = tokens.get(at) {
        at += 1;
        if PROTO_KEYS.iter().any(|k| token.is_word(k)) {
            match tokens.get(at).map(|t| t.text.as_str()) {
                Some("!=" | "ne") => return Some(Proto::Any),
                Some("==" | "eq") => at += 1,
                _ => {}
            }
            let values = operand_values(tokens, at);
            at += values.len().max(1);
            named.extend(values);
        } else if token.kind == Kind::Word && (L4.contains(&token.text.as_str()) || ICMP.contains(&token.text.as_str()))
        {
            named.push(token.text.clone());
        }
    }
    named.sort();
    named.dedup();
    // By number too, as an operand: 1 is ICMP, 58 ICMPv6.
    let is_icmp = |name: &String| ICMP.contains(&name.as_str()) || matches!(name.as_str(), "1" | "58");
    if !named.is_empty() && named.iter().all(is_icmp) {
        return None;
    }
    match named.as_slice() {
        [one] => Some(Proto::parse(one)),
        _ => Some(Proto::Any),
    }
}

/// The values of a match operand at `at`: one word, `a,b,c`, or a `{ set }`.
fn operand_values(tokens: &[Token], at: usize) -> Vec<String> {
    match tokens.get(at) {
        Some(first) if first.kind == Kind::Open => set_elements(tokens, at).iter().map(|e| join(e)).collect(),
        Some(first) if first.kind == Kind::Word => {
            let mut values = vec![first.text.clone()];
            let mut next = at + 1;
            while let (Some(comma), Some(value)) = (tokens.get(next), tokens.get(next + 1)) {
                if comma.kind != Kind::Comma || value.kind != Kind::Word {
                    break;
                }
                values.push(value.text.clone());
                next += 2;
            }
            values
        }
        _ => Vec::new(),
    }
}

/// A `ct state` match that admits only established or related traffic: the
/// reply side of connections the host made or already accepted, never a new one.
fn only_established(tokens: &[Token]) -> bool {
    tokens.windows(2).enumerate().any(|(i, w)| {
        if !(w[0].is_word("ct") && w[1].is_word("state")) {
            return false;
        }
        let mut at = i + 2;
        if tokens.get(at).is_some_and(|t| t.is_word("==") || t.is_word("eq")) {
            at += 1;
        }
        let states = operand_values(tokens, at);
        !states.is_empty() && states.iter().all(|s| matches!(s.as_str(), "established" | "related"))
    })
}

/// An `accept` verdict outside any set or map.
fn has_accept(tokens: &[Token]) -> bool {
    let mut depth = 0usize;
    tokens.iter().any(|t| {
        match t.kind {
            Kind::Open => depth += 1,
            Kind::Close => depth = depth.saturating_sub(1),
            _ => {}
        }
        depth == 0 && t.is_word("accept")
    })
}

/// The elements of the set opening at `at` (each its tokens), nested sets kept whole.
/// The elements of the set opening at `at`, split at commas. Nested sets — a
/// `$VARIABLE` holding `{ 5432, 6379 }` inside another set — are flattened, as nft
/// flattens them.
fn set_elements(tokens: &[Token], at: usize) -> Vec<Vec<&Token>> {
    let mut elements = vec![Vec::new()];
    let mut depth = 0usize;
    for token in tokens.get(at..).unwrap_or(&[]) {
        match token.kind {
            Kind::Open => {
                depth += 1;
                continue;
            }
            Kind::Close => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    break;
                }
                elements.push(Vec::new());
                continue;
            }
            Kind::Comma if depth >= 1 => {
                elements.push(Vec::new());
                continue;
            }
            _ => {}
        }
        if depth == 0 {
            break;
        }
        if let Some(last) = elements.last_mut() {
            last.push(token);
        }
    }
    elements.retain(|e| !e.is_empty());
    elements
}

fn join(tokens: &[&Token]) -> String {
    tokens.iter().map(|t| t.text.as_str()).collect::<Vec<_>>().join(" ")
}

/// Who a rule admits: None for anywhere; the `saddr` operand or the loopback
/// interface when restricted. `!=` matches and `0.0.0.0/0` / `::/0` restrict nothing.
fn source(tokens: &[Token]) -> Option<String> {
    let loopback = tokens
        .windows(2)
        .any(|w| (w[0].is_word("iif") || w[0].is_word("iifname")) && w[1].name() == Some("lo"));
    if loopback {
        return Some("the loopback interface".to_string());
    }
    tokens
        .windows(2)
        .enumerate()
        .filter(|(_, w)| (w[0].is_word("ip") || w[0].is_word("ip6")) && w[1].is_word("saddr"))
        .find_map(|(i, _)| saddr_operand(tokens, i + 2))
}

fn saddr_operand(tokens: &[Token], mut at: usize) -> Option<String> {
    match tokens.get(at)?.text.as_str() {
        "!=" | "ne" => return None,
        "==" | "eq" => at += 1,
        _ => {}
    }
    let operand = tokens.get(at)?;
    if operand.kind == Kind::Open {
        let elements: Vec<String> = set_elements(tokens, at).iter().map(|e| join(e)).collect();
        return Some(format!("{{ {} }}", elements.join(", ")));
    }
    (!matches!(operand.text.as_str(), "0.0.0.0/0" | "::/0")).then(|| operand.text.clone())
}

#[cfg(test)]
#[path = "rules_tests.rs"]
mod tests;
