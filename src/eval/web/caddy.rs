//! Caddy's part of each tls.* rule. Caddy serves HTTPS and redirects HTTP to it
//! by itself (automatic HTTPS) unless `auto_https` says otherwise, offers only
//! TLS 1.2 and 1.3 (Caddy 2.6 refuses any other `protocols` value), manages its
//! certificates in its data folder and renews them; what is left to judge is an
//! `http://` site that serves content, a `ciphers` list with a non-AEAD suite,
//! the certificates themselves, HSTS per site and `reverse_proxy` upstreams.

use super::certs::{judge_file, Judged, Level};
use super::front::count;
use crate::eval::EvalContext;
use crate::model::{Finding, Location, Outcome};
use crate::parse::caddy::sites::{self, certificate_file, global, local_upstream, Site};
use crate::parse::caddy::{Caddyfile, Node, MANAGED_CERTIFICATES};

pub fn at(node: &Node) -> Location {
    Location::line(node.file.to_string(), node.line as u32)
}

fn site_at(site: &Site) -> Location {
    Location::line(site.block.file.to_string(), site.block.line as u32)
}

/// Whether a site only redirects to HTTPS (its directives are `redir https://...`).
fn only_redirects(site: &Site) -> bool {
    !site.block.directives.is_empty()
        && site.block.directives.iter().all(|d| d.name == "redir")
        && site.redirects.iter().all(|(to, _)| to.starts_with("https://"))
}

/// tls.https-redirect: every plain-HTTP address on the HTTP port (`http://`, `:80`)
/// of a site that does more than redirect to https:// serves in clear; with
/// `auto_https off` or `disable_redirects`, HTTP is not redirected at all.
pub fn redirect(file: &Caddyfile) -> Outcome {
    let g = global(file);
    let all = sites::sites(file);
    let mut findings = Vec::new();
    let mut serving = Vec::new();
    for site in &all {
        let has_tls = !site.tls.is_empty();
        for address in site
            .addresses
            .iter()
            .filter(|a| !a.https(&g, has_tls) && a.port == g.http_port)
        {
            if only_redirects(site) {
                findings.push(Finding::at(
                    format!("{}: {} redirects to HTTPS", site.describe(), address.raw),
                    site_at(site),
                ));
            } else {
                serving.push(format!("{} ({})", address.raw, site_at(site)));
                findings.push(Finding::at(
                    format!("{}: {} serves content over plain HTTP", site.describe(), address.raw),
                    site_at(site),
                ));
            }
        }
    }
    let https = all.iter().filter(|s| s.https(&g)).count();
    if !serving.is_empty() {
        return Outcome::fail(format!("Caddy serves content over plain HTTP: {}", serving.join(", ")))
            .with_all(findings);
    }
    match g.auto_https {
        Some((mode @ ("off" | "disable_redirects"), node)) => {
            let message =
                format!("auto_https {mode}: Caddy does not redirect plain HTTP to HTTPS (http:// is refused)");
            Outcome::warn(format!("{message} at {}", at(node)))
                .with(Finding::at(message, at(node)))
                .with_all(findings)
        }
        _ => Outcome::pass(format!(
            "Caddy redirects HTTP to HTTPS for its {} (automatic HTTPS)",
            count(https, "HTTPS site")
        ))
        .with_all(findings),
    }
}

/// tls.protocols: Caddy offers TLS 1.2 and 1.3 only.
pub fn protocols(https: &[Site]) -> Outcome {
    let findings = https.iter().map(|site| match site.protocols {
        Some(p) => Finding::at(format!("{}: protocols {}", site.describe(), p.args.join(" ")), at(p)),
        None => Finding::at(
            format!("{}: Caddy's default, TLS 1.2 and 1.3", site.describe()),
            site_at(site),
        ),
    });
    Outcome::pass(format!(
        "Caddy offers only TLS 1.2 and 1.3 ({})",
        count(https.len(), "HTTPS site")
    ))
    .with_all(findings)
}

/// Why a Go cipher suite name is weak by the rule (Caddy's `ciphers`): not AEAD.
fn weak_suite(name: &str) -> Option<&'static str> {
    (name.contains("_CBC_") || name.contains("RC4") || name.contains("3DES")).then_some("not AEAD")
}

/// tls.ciphers: Caddy's defaults are strong; a `ciphers` list may not be.
pub fn ciphers(https: &[Site]) -> Outcome {
    let mut findings = Vec::new();
    let mut weak = Vec::new();
    for site in https {
        let Some(node) = site.ciphers else { continue };
        match node.args.iter().find_map(|c| weak_suite(c).map(|why| (c, why))) {
            Some((suite, why)) => {
                let message = format!("{}: ciphers names {suite} ({why})", site.describe());
                weak.push(format!("{message} at {}", at(node)));
                findings.push(Finding::at(message, at(node)));
            }
            None => findings.push(Finding::at(
                format!("{}: ciphers {}", site.describe(), node.args.join(" ")),
                at(node),
            )),
        }
    }
    match weak.first() {
        Some(first) => Outcome::warn(first.clone()).with_all(findings),
        None => Outcome::pass(format!(
            "Caddy offers only strong suites ({}; its defaults are ECDHE with AEAD)",
            count(https.len(), "HTTPS site")
        ))
        .with_all(findings),
    }
}

/// tls.certificate: the files `tls CERT KEY` names, and those Caddy manages; an
/// HTTPS site name no certificate covers is for the auditor (Caddy obtains one
/// when first asked, or the data folder could not be read).
pub fn certificate(ctx: &EvalContext, https: &[Site], warn_days: i64) -> Outcome {
    let mut judged = Judged::default();
    let mut leaves = Vec::new();
    for site in https {
        let hosts: Vec<String> = site.hosts().iter().map(|h| h.to_string()).collect();
        for tls in &site.tls {
            if let Some(file) = certificate_file(tls) {
                leaves.extend(judge_file(
                    ctx,
                    &site.describe(),
                    &hosts,
                    file,
                    at(tls),
                    warn_days,
                    &mut judged,
                ));
            }
        }
    }
    let hosts: Vec<String> = https.iter().flat_map(|s| s.hosts()).map(str::to_string).collect();
    for path in ctx.source.glob(MANAGED_CERTIFICATES).paths {
        // certificates/ISSUER/NAME/NAME.crt: the name it was obtained for
        // (`wildcard_.example.com` for `*.example.com`).
        let mut parts = path.rsplit('/').skip(1);
        let (folder, issuer) = (parts.next().unwrap_or_default(), parts.next().unwrap_or_default());
        let name = folder
            .strip_prefix("wildcard_")
            .map_or_else(|| folder.to_string(), |rest| format!("*{rest}"));
        // Certificates of sites no longer served are not renewed and not judged.
        if !hosts
            .iter()
            .any(|h| crate::parse::tls::certificate::name_matches(&name, h) || h == &name)
        {
            continue;
        }
        if issuer == "local" {
            // `tls internal`: Caddy's own CA issues certificates for hours and renews them.
            judged.add(
                Level::Pass,
                format!("Caddy's internal certificate for {name}, renewed by Caddy"),
                Location::file(path.clone()),
            );
            continue;
        }
        let place = Location::file(path.clone());
        let who = format!("Caddy's certificate for {name}");
        leaves.extend(judge_file(ctx, &who, &[name], &path, place, warn_days, &mut judged));
    }
    if judged.is_empty() {
        return Outcome::needs_review(format!(
            "no certificate to check: none in Caddy's data folder ({MANAGED_CERTIFICATES}) nor named by a tls directive"
        ));
    }
    for site in https {
        for host in site.hosts().into_iter().filter(|h| !h.contains('*')) {
            let internal = judged.mentions(&format!("internal certificate for {host},"));
            if !leaves.iter().any(|leaf| leaf.covers(host)) && !internal {
                judged.add(
                    Level::Review,
                    format!(
                        "{}: no certificate for {host} in Caddy's data folder or its tls directives",
                        site.describe()
                    ),
                    site_at(site),
                );
            }
        }
    }
    judged.outcome(https.len(), "HTTPS site")
}

/// tls.renewal: Caddy renews what it manages.
pub fn renewal(https: &[Site]) -> Outcome {
    let manual: Vec<&Site> = https
        .iter()
        .filter(|s| s.tls.iter().any(|t| certificate_file(t).is_some()))
        .collect();
    if manual.len() == https.len() {
        let findings = manual
            .iter()
            .map(|s| Finding::at(format!("{}: a certificate file of its own", s.describe()), site_at(s)));
        return Outcome::needs_review("every Caddy site serves a certificate file of its own, which Caddy does not renew: confirm how it is renewed").with_all(findings);
    }
    Outcome::pass(format!(
        "Caddy obtains and renews the certificates of its {}",
        count(https.len() - manual.len(), "HTTPS site")
    ))
}

/// tls.hsts: a Strict-Transport-Security header in every HTTPS site block.
pub fn hsts(https: &[Site], min: u64) -> Outcome {
    let mut findings = Vec::new();
    let mut short = Vec::new();
    for site in https {
        let age = site.hsts.iter().find_map(|(value, node)| {
            let age = value
                .split(';')
                .filter_map(|p| p.trim().split_once('='))
                .find(|(k, _)| k.trim().eq_ignore_ascii_case("max-age"))
                .and_then(|(_, v)| v.trim().trim_matches('"').parse::<u64>().ok());
            Some((age?, *node))
        });
        match age {
            Some((age, node)) if age >= min => findings.push(Finding::at(
                format!("{}: HSTS max-age={age}", site.describe()),
                at(node),
            )),
            Some((age, node)) => {
                short.push(format!("{} ({})", site.describe(), at(node)));
                findings.push(Finding::at(
                    format!("{}: HSTS max-age={age} is under 180 days", site.describe()),
                    at(node),
                ));
            }
            None => {
                short.push(format!("{} ({})", site.describe(), site_at(site)));
                findings.push(Finding::at(
                    format!(
                        "{}: no Strict-Transport-Security header for the whole site",
                        site.describe()
                    ),
                    site_at(site),
                ));
            }
        }
    }
    if short.is_empty() {
        Outcome::pass(format!(
            "every Caddy HTTPS site sends HSTS for 180 days or more ({})",
            count(https.len(), "site")
        ))
        .with_all(findings)
    } else {
        Outcome::warn(format!("HSTS missing or under 180 days: {}", short.join(", "))).with_all(findings)
    }
}

/// tls.backend-loopback: every `reverse_proxy` upstream, local or not.
pub fn upstreams(file: &Caddyfile) -> Vec<(bool, String, Location)> {
    let mut out = Vec::new();
    for site in sites::sites(file) {
        for (upstream, node) in &site.upstreams {
            let local = local_upstream(upstream);
            let message = format!(
                "{}: reverse_proxy {upstream}{}",
                site.describe(),
                if local {
                    ""
                } else {
                    ", off this machine or on a public interface"
                }
            );
            out.push((local, message, at(node)));
        }
    }
    out
}
