//! rsyslog forwarding rules: legacy selector lines whose action is `@host[:port]`
//! (UDP) or `@@host[:port]` (TCP), with optional `(o)`/`(z9)` options and a
//! `;template`, the legacy `:omrelp:host:port`, and RainerScript
//! `action(type="omfwd" target="..." port="..." protocol="tcp")` (or `omrelp`), which
//! may span lines. `#` comments and `/* ... */` blocks are skipped.

use crate::parse::text::{line_number, regex};
use regex::Regex;
use std::sync::OnceLock;

pub const RSYSLOG_CONF: &str = "/etc/rsyslog.conf";
pub const RSYSLOG_D_GLOB: &str = "/etc/rsyslog.d/*.conf";

/// One forwarding action.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Forward {
    pub target: String,
    pub port: String,
    /// `udp`, `tcp` or `relp`.
    pub protocol: String,
    /// 1-based line where the action starts.
    pub line: u32,
}

/// Every forwarding action in one rsyslog configuration file, in order.
pub fn forwards(text: &str) -> Vec<Forward> {
    let clean = strip_comments(text);
    let mut found: Vec<Forward> = clean.lines().enumerate().flat_map(legacy).collect();
    found.extend(actions(&clean));
    found.sort_by_key(|f| f.line);
    found
}

/// The text with comments blanked out; line breaks are kept so line numbers hold.
fn strip_comments(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let (mut quoted, mut block, mut line_comment) = (false, false, false);
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\n' {
            (line_comment, quoted) = (false, false);
            out.push(c);
            continue;
        }
        if line_comment {
            continue;
        }
        if block {
            if c == '*' && chars.peek() == Some(&'/') {
                chars.next();
                block = false;
            }
        } else if !quoted && c == '#' {
            line_comment = true;
        } else if !quoted && c == '/' && chars.peek() == Some(&'*') {
            chars.next();
            block = true;
        } else {
            quoted ^= c == '"';
            out.push(c);
        }
    }
    out
}

/// Legacy `selector @@host:port` actions on one line.
fn legacy((index, line): (usize, &str)) -> Vec<Forward> {
    let line = line.trim();
    if line.starts_with('$') || line.to_ascii_lowercase().contains("action(") {
        return Vec::new();
    }
    line.split_whitespace()
        .skip(1)
        .filter_map(|word| legacy_action(word, line_number(index)))
        .collect()
}

fn legacy_action(word: &str, line: u32) -> Option<Forward> {
    if let Some(rest) = word.strip_prefix(":omrelp:") {
        let (target, port) = host_port(rest.split(';').next().unwrap_or(rest))?;
        return Some(Forward {
            target,
            port,
            protocol: "relp".into(),
            line,
        });
    }
    let rest = word.strip_prefix('@')?;
    let (protocol, rest) = match rest.strip_prefix('@') {
        Some(rest) => ("tcp", rest),
        None => ("udp", rest),
    };
    let rest = match rest.strip_prefix('(') {
        Some(options) => options.split_once(')').map_or("", |(_, after)| after),
        None => rest,
    };
    let (target, port) = host_port(rest.split(';').next().unwrap_or(rest))?;
    Some(Forward {
        target,
        port,
        protocol: protocol.into(),
        line,
    })
}

/// `host`, `host:port`, `[v6]` or `[v6]:port`; the port defaults to 514.
fn host_port(text: &str) -> Option<(String, String)> {
    let (host, port) = match text.strip_prefix('[') {
        Some(v6) => {
            let (host, after) = v6.split_once(']')?;
            (host, after.strip_prefix(':'))
        }
        None => match text.split_once(':') {
            Some((host, port)) => (host, Some(port)),
            None => (text, None),
        },
    };
    let port = port.filter(|p| !p.is_empty()).unwrap_or("514");
    (!host.is_empty()).then(|| (host.to_string(), port.to_string()))
}

/// RainerScript `action(...)` blocks of type omfwd or omrelp.
fn actions(clean: &str) -> Vec<Forward> {
    static PARAM: OnceLock<Regex> = OnceLock::new();
    let param = regex(&PARAM, r#"(?i)([a-z.]+)\s*=\s*"([^"]*)""#);
    let lower = clean.to_ascii_lowercase();
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(found) = lower[from..].find("action(") {
        let start = from + found;
        let body_start = start + "action(".len();
        let end = closing_paren(&clean[body_start..]).map_or(clean.len(), |at| body_start + at);
        from = end.max(body_start);
        let params: Vec<(String, String)> = param
            .captures_iter(&clean[body_start..end])
            .filter_map(|c| Some((c.get(1)?.as_str().to_ascii_lowercase(), c.get(2)?.as_str().to_string())))
            .collect();
        let line = line_number(clean[..start].matches('\n').count());
        out.extend(forward_from(&params, line));
    }
    out
}

fn forward_from(params: &[(String, String)], line: u32) -> Option<Forward> {
    let get = |key: &str| params.iter().find(|(k, _)| k == key).map(|(_, v)| v.clone());
    let kind = get("type")?.to_ascii_lowercase();
    let protocol = match kind.as_str() {
        "omfwd" => get("protocol").unwrap_or_else(|| "udp".into()).to_ascii_lowercase(),
        "omrelp" => "relp".to_string(),
        _ => return None,
    };
    let target = get("target")?;
    let port = get("port").unwrap_or_else(|| "514".into());
    Some(Forward {
        target,
        port,
        protocol,
        line,
    })
}

/// The offset of the `)` closing an already-open parenthesis, outside quotes.
fn closing_paren(text: &str) -> Option<usize> {
    let (mut depth, mut quoted) = (0usize, false);
    for (at, c) in text.char_indices() {
        match c {
            '"' => quoted = !quoted,
            '(' if !quoted => depth += 1,
            ')' if !quoted && depth == 0 => return Some(at),
            ')' if !quoted => depth -= 1,
            _ => {}
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(text: &str) -> (String, String, String, u32) {
        let found = forwards(text);
        assert_eq!(found.len(), 1, "{text}: {found:?}");
        let f = &found[0];
        (f.target.clone(), f.port.clone(), f.protocol.clone(), f.line)
    }

    #[test]
    fn legacy_forms() {
        assert_eq!(
            one("*.* @@logs.example.com:514\n"),
            ("logs.example.com".into(), "514".into(), "tcp".into(), 1)
        );
        assert_eq!(one("# x\nauth,authpriv.* @10.0.0.5\n").3, 2);
        assert_eq!(
            one("*.* @@(o)[2001:db8::1]:6514;RSYSLOG_SyslogProtocol23Format\n").0,
            "2001:db8::1"
        );
        assert_eq!(one("*.* :omrelp:relp.example.com:2514\n").2, "relp");
        assert!(forwards("#*.* @@logs.example.com:514\n").is_empty());
        assert!(forwards("*.* /var/log/syslog\n$ModLoad imuxsock\n").is_empty());
    }

    #[test]
    fn rainerscript_actions() {
        let text = "module(load=\"imuxsock\")\n/* action(type=\"omfwd\" target=\"old\") */\n*.* action(type=\"omfwd\"\n  target=\"logs.example.com\" port=\"6514\"\n  protocol=\"tcp\")\n";
        assert_eq!(one(text), ("logs.example.com".into(), "6514".into(), "tcp".into(), 3));
        assert!(forwards("action(type=\"omfile\" file=\"/var/log/x\")\n").is_empty());
    }
}
