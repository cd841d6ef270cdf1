//! nginx is the judge of what the web front serves: each fixture tree's nginx runs
//! in its own network and mount namespace (`unshare -m -n`, the tree's /etc/nginx
//! and /etc/letsencrypt mounted in place, on the real ports 80 and 443, with a
//! backend answering 200 on every proxy target), and what it does is measured:
//! `curl` for the plain-HTTP answer and the HSTS header of each location,
//! `openssl s_client` for each protocol version and the certificate served. vouch's
//! verdicts on the same tree must match, server by server; where they differ for
//! a reason outside the configuration (OpenSSL's security level refusing the TLS
//! 1.0 a configuration enables), the test names it, shows nginx accepting it once
//! the level allows it, and vouch's finding says so.

mod common;

use common::differential::require_program;
use common::{copy_tree, fixture, scan_root, Scan};
use std::path::{Path, PathBuf};
use std::process::Command;

/// A backend answering 200 on TCP addresses (HOST:PORT) and unix sockets (/path).
const BACKEND: &str = r#"
import http.server, os, socket, socketserver, sys, threading
class App(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        body = b"app\n"
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
    def address_string(self):
        return "backend"
    def log_message(self, *args):
        pass
class Tcp(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True
    allow_reuse_address = True
class Unix(socketserver.ThreadingMixIn, socketserver.UnixStreamServer):
    daemon_threads = True
    def get_request(self):
        conn, _ = self.socket.accept()
        return conn, ("unix", 0)
servers = []
for where in sys.argv[1:]:
    if where.startswith("/"):
        os.makedirs(os.path.dirname(where), exist_ok=True)
        servers.append(Unix(where, App))
        os.chmod(where, 0o777)
    else:
        host, port = where.rsplit(":", 1)
        servers.append(Tcp((host, int(port)), App))
for s in servers:
    threading.Thread(target=s.serve_forever, daemon=True).start()
print("ready", flush=True)
threading.Event().wait()
"#;

/// Run in the namespace: mount the tree, start the backend and nginx, measure.
/// Arguments: ROOT NGINX BACKEND_SCRIPT, then the probes as `kind:name[:path]`.
const JUDGE: &str = r#"
set -eu
root=$1 nginx=$2 backend=$3; shift 3
scratch=$(mktemp -d)
mount -t tmpfs tmpfs "$scratch"
mkdir -p "$scratch/etc.upper" "$scratch/etc.work"
mount -t overlay overlay -o "lowerdir=/etc,upperdir=$scratch/etc.upper,workdir=$scratch/etc.work" /etc
mkdir -p /etc/letsencrypt
mount --bind "$root/etc/nginx" /etc/nginx
[ -d "$root/etc/letsencrypt" ] && mount --bind "$root/etc/letsencrypt" /etc/letsencrypt
mount -t tmpfs tmpfs /run
mount -t tmpfs tmpfs /var/log
mkdir -p /var/log/nginx /var/www
mount -t tmpfs tmpfs /var/www
mkdir -p /var/www/html && echo welcome > /var/www/html/index.html
ip link set lo up
ip addr add 203.0.113.10/32 dev lo
python3 -c "$backend" 127.0.0.1:8000 203.0.113.10:8000 /run/shop/gunicorn.sock > "$scratch/backend.out" 2>&1 &
for _ in $(seq 50); do grep -q ready "$scratch/backend.out" 2>/dev/null && break; sleep 0.1; done
"$nginx" -q || { echo "NGINX-REFUSED"; exit 0; }
export OPENSSL_CONF=/dev/null
for probe in "$@"; do
  kind=${probe%%:*} rest=${probe#*:}
  name=${rest%%:*} path=${rest#*:}
  case $kind in
    http)
      out=$(curl -s -o /dev/null -w '%{http_code} %{redirect_url}' --resolve "$name:80:127.0.0.1" "http://$name/" || true)
      echo "HTTP $name $out" ;;
    tls)
      for version in tls1 tls1_1 tls1_2 tls1_3; do
        if openssl s_client -connect 127.0.0.1:443 -servername "$name" "-$version" -cipher 'DEFAULT:@SECLEVEL=0' </dev/null >/dev/null 2>&1; then
          echo "TLS $name $version yes"
        else
          echo "TLS $name $version no"
        fi
      done
      fingerprint=$(openssl s_client -connect 127.0.0.1:443 -servername "$name" </dev/null 2>/dev/null | openssl x509 -noout -fingerprint -sha256 | cut -d= -f2)
      echo "CERT $name $fingerprint" ;;
    hsts)
      header=$(curl -sk -D - -o /dev/null --resolve "$name:443:127.0.0.1" "https://$name$path" | tr -d '\r' | grep -i '^strict-transport-security:' | cut -d' ' -f2- || true)
      echo "HSTS $name $path ${header:--}" ;;
  esac
done
"$nginx" -s quit || true
"#;

/// What the real nginx did, by probe.
struct Served {
    lines: Vec<String>,
}

impl Served {
    fn get(&self, prefix: &str) -> &str {
        self.lines
            .iter()
            .find_map(|l| l.strip_prefix(prefix))
            .unwrap_or_else(|| panic!("nginx gave no `{prefix}` line: {:#?}", self.lines))
            .trim()
    }

    fn accepts(&self, name: &str, version: &str) -> bool {
        self.get(&format!("TLS {name} {version} ")) == "yes"
    }
}

fn serve(nginx: &Path, root: &Path, probes: &[&str]) -> Served {
    let out = Command::new("unshare")
        .args([
            "--mount",
            "--net",
            "--propagation",
            "private",
            "--",
            "sh",
            "-c",
            JUDGE,
            "judge",
        ])
        .arg(root)
        .arg(nginx)
        .arg(BACKEND)
        .args(probes)
        .output()
        .expect("unshare runs (util-linux; the tests run as root)");
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success() && !stdout.contains("NGINX-REFUSED"),
        "nginx did not serve {}:\n{stdout}\n{}",
        root.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    Served {
        lines: stdout.lines().map(str::to_string).collect(),
    }
}

fn judges() -> Option<PathBuf> {
    let nginx = require_program("nginx", &["/usr/sbin"], "nginx")?;
    require_program("curl", &[], "curl")?;
    require_program("openssl", &[], "openssl")?;
    require_program("python3", &[], "python3")?;
    require_program("ip", &["/usr/sbin", "/sbin"], "iproute2")?;
    Some(nginx)
}

/// vouch's reading of one server, from the finding that names it.
fn finding(scan: &Scan, id: &str, server: &str) -> String {
    let prefix = format!("server {server}: ");
    scan.findings(id)
        .into_iter()
        .find_map(|f| f.split_once(&prefix).map(|(_, rest)| rest.to_string()))
        .unwrap_or_else(|| {
            panic!(
                "vouch has no {id} finding for server {server}: {:#?}",
                scan.findings(id)
            )
        })
}

/// The protocols vouch says a server's configuration asks for.
fn protocols(scan: &Scan, server: &str) -> Vec<String> {
    let text = finding(scan, "tls.protocols", server);
    let list = text.strip_prefix("ssl_protocols ").expect("an ssl_protocols finding");
    let list = list.split(" allows ").next().unwrap_or(list);
    list.split_whitespace().map(str::to_string).collect()
}

/// The protocols vouch says clients negotiate on a socket (its default server's).
fn negotiated(scan: &Scan, socket: &str) -> Vec<String> {
    let prefix = format!("{socket}: clients negotiate ");
    let text = scan
        .findings("tls.protocols")
        .into_iter()
        .find_map(|f| f.split_once(&prefix).map(|(_, rest)| rest.to_string()))
        .unwrap_or_else(|| {
            panic!(
                "vouch names no default server for {socket}: {:#?}",
                scan.findings("tls.protocols")
            )
        });
    let list = text.split(" — ").next().unwrap_or(&text);
    list.split_whitespace().map(str::to_string).collect()
}

/// nginx speaks exactly the versions vouch says `host`'s socket negotiates, but
/// TLS 1.0/1.1, which OpenSSL 3 refuses above security level 0 (`lowered`: the
/// cipher string of the server `host` names says `@SECLEVEL=0`).
fn assert_versions(served: &Served, scan: &Scan, host: &str, lowered: bool) {
    let listed = negotiated(scan, "*:443");
    for (flag, name) in VERSIONS {
        let configured = listed.iter().any(|p| p == name);
        let refused_by_openssl = !lowered && matches!(*name, "TLSv1" | "TLSv1.1");
        let expected = configured && !refused_by_openssl;
        assert_eq!(
            served.accepts(host, flag),
            expected,
            "{host} {name}: vouch says *:443 negotiates {listed:?} (OpenSSL's level refuses TLS 1.0/1.1: {refused_by_openssl})"
        );
    }
}

const VERSIONS: &[(&str, &str)] = &[
    ("tls1", "TLSv1"),
    ("tls1_1", "TLSv1.1"),
    ("tls1_2", "TLSv1.2"),
    ("tls1_3", "TLSv1.3"),
];

/// nginx answers plain HTTP as vouch says it does: a redirect to https, nothing, or content.
fn assert_plain_http(served: &Served, scan: &Scan, server: &str, host: &str) {
    let vouch = finding(scan, "tls.https-redirect", server);
    let real = served.get(&format!("HTTP {host} "));
    let (code, location) = real.split_once(' ').unwrap_or((real, ""));
    let redirects = code.starts_with('3') && location.starts_with("https://");
    let refuses = code.starts_with('4') || code == "000";
    if vouch.starts_with("redirects to HTTPS") || vouch.starts_with("certbot's layout") {
        assert!(
            redirects,
            "vouch: {server} redirects; nginx answered http://{host}/ with {real}"
        );
    } else if vouch.starts_with("serves nothing") {
        assert!(refuses, "vouch: {server} serves nothing; nginx answered {real}");
    } else {
        assert!(vouch.starts_with("serves content"), "{vouch}");
        assert!(
            !redirects && !refuses,
            "vouch: {server} serves content; nginx answered http://{host}/ with {real}"
        );
    }
}

/// The certificate nginx serves for `host` is the one vouch read for `server`.
fn assert_certificate(served: &Served, scan: &Scan, host: &str) {
    let real = served.get(&format!("CERT {host} ")).to_ascii_lowercase();
    assert!(!real.is_empty(), "nginx served no certificate for {host}");
    assert!(
        scan.findings("tls.certificate")
            .iter()
            .any(|f| f.contains("leaf: ") && f.contains(&real)),
        "nginx serves {real} for {host}; vouch read {:#?}",
        scan.findings("tls.certificate")
    );
}

fn hsts_seen(served: &Served, host: &str, path: &str) -> Option<u64> {
    let header = served.get(&format!("HSTS {host} {path} "));
    (header != "-").then(|| {
        header
            .split(';')
            .find_map(|p| p.trim().strip_prefix("max-age="))
            .and_then(|v| v.parse().ok())
            .unwrap_or(0)
    })
}

#[test]
fn the_certbot_droplet_serves_what_vouch_reads() {
    let Some(nginx) = judges() else { return };
    let root = PathBuf::from(fixture("web/certbot"));
    let scan = scan_root(&root, &["--only", "tls"]);
    let served = serve(
        &nginx,
        &root,
        &[
            "http:shop.example.com",
            "http:www.shop.example.com",
            "tls:shop.example.com",
            "hsts:shop.example.com:/",
            "hsts:shop.example.com:/static/app.css",
        ],
    );
    let server = "shop.example.com www.shop.example.com";
    // Certbot's port-80 layout: each name redirected.
    assert_plain_http(&served, &scan, server, "shop.example.com");
    assert_plain_http(&served, &scan, server, "www.shop.example.com");
    // ssl_protocols TLSv1.2 TLSv1.3 from certbot's options: exactly those handshake.
    assert_eq!(protocols(&scan, server), ["TLSv1.2", "TLSv1.3"]);
    assert_versions(&served, &scan, "shop.example.com", false);
    assert_certificate(&served, &scan, "shop.example.com");
    // HSTS where vouch says it is sent, and not in the location that drops it.
    assert_eq!(hsts_seen(&served, "shop.example.com", "/"), Some(63_072_000));
    assert_eq!(hsts_seen(&served, "shop.example.com", "/static/app.css"), None);
    assert!(
        finding(&scan, "tls.hsts", &format!("{server}, location /static/")).starts_with("no Strict-Transport-Security")
    );
}

#[test]
fn the_legacy_droplet_serves_what_vouch_reads_and_openssl_refuses_the_old_protocols_it_asks_for() {
    let Some(nginx) = judges() else { return };
    let root = PathBuf::from(fixture("web/legacy"));
    let scan = scan_root(&root, &["--only", "tls"]);
    let probes = [
        "http:api.example.com",
        "http:admin.example.com",
        "http:www.example.com",
        "http:unknown.example.net",
        "http:blog.example.com",
        "tls:api.example.com",
        "tls:blog.example.com",
        "hsts:blog.example.com:/",
        "tls:admin.example.com",
        "hsts:api.example.com:/",
        "hsts:admin.example.com:/",
    ];
    let served = serve(&nginx, &root, &probes);
    assert_plain_http(&served, &scan, "api.example.com", "api.example.com");
    assert_plain_http(
        &served,
        &scan,
        "admin.example.com admin2.example.com",
        "admin.example.com",
    );
    assert_plain_http(&served, &scan, "www.example.com", "www.example.com");
    assert_plain_http(&served, &scan, "_", "unknown.example.net");
    // Older certbot's one server for both schemes: `if ($scheme != "https")`.
    assert_plain_http(&served, &scan, "blog.example.com", "blog.example.com");
    assert_eq!(hsts_seen(&served, "blog.example.com", "/"), Some(31_536_000));
    assert_certificate(&served, &scan, "blog.example.com");
    assert_certificate(&served, &scan, "api.example.com");
    assert_certificate(&served, &scan, "admin.example.com");
    assert_eq!(hsts_seen(&served, "api.example.com", "/"), Some(86_400));
    assert_eq!(hsts_seen(&served, "admin.example.com", "/"), None);

    // Both TLS servers share *:443, whose default server is the admin's (its file
    // sorts first): OpenSSL picks the version from it before the name is known, so
    // the API negotiates TLSv1.2 only, though its own configuration (Debian's
    // stock http-level line) asks for TLSv1 TLSv1.1 TLSv1.2 TLSv1.3 — which vouch
    // fails, for the configuration asks for them.
    assert_eq!(negotiated(&scan, "*:443"), ["TLSv1.2"]);
    assert_versions(&served, &scan, "admin.example.com", false);
    assert_versions(&served, &scan, "api.example.com", false);
    // The blog asks for TLSv1.2 TLSv1.3 but shares the admin's socket: TLSv1.2 only.
    assert_versions(&served, &scan, "blog.example.com", false);
    let api = protocols(&scan, "api.example.com");
    assert_eq!(api, ["TLSv1", "TLSv1.1", "TLSv1.2", "TLSv1.3"]);
    assert_eq!(scan.status("tls.protocols"), "fail");
    assert!(finding(&scan, "tls.protocols", "api.example.com")
        .contains("OpenSSL 3 at its default security level refuses TLS 1.0 and 1.1"));

    // Make the API the default server: its versions are now the socket's, and
    // OpenSSL's security level is all that keeps TLS 1.0 and 1.1 out. Lower it in
    // the API's cipher string and nginx speaks everything the configuration asks for.
    for lowered in [false, true] {
        let dir = tempfile::tempdir().expect("temp dir");
        copy_tree(&root, dir.path());
        let api_conf = dir.path().join("etc/nginx/sites-available/api.conf");
        let mut text = std::fs::read_to_string(&api_conf).expect("api.conf");
        text = text.replacen("listen 443 ssl http2;", "listen 443 ssl http2 default_server;", 1);
        if lowered {
            text = text.replacen(
                "    add_header Strict-Transport-Security",
                "    ssl_ciphers \"DEFAULT:@SECLEVEL=0\";\n    add_header Strict-Transport-Security",
                1,
            );
        }
        std::fs::write(&api_conf, text).expect("write api.conf");
        let rescan = scan_root(dir.path(), &["--only", "tls"]);
        assert_eq!(negotiated(&rescan, "*:443"), api);
        let served = serve(&nginx, dir.path(), &["tls:api.example.com", "tls:admin.example.com"]);
        assert_versions(&served, &rescan, "api.example.com", lowered);
        // The admin's own cipher string keeps OpenSSL's level once its name is
        // known: TLS 1.0/1.1 stay refused there.
        assert_versions(&served, &rescan, "admin.example.com", false);
    }
}

/// The judge itself: a tree nginx refuses is reported, not silently passed.
#[test]
fn a_tree_nginx_refuses_fails_the_judge_loudly() {
    let Some(nginx) = judges() else { return };
    let dir = tempfile::tempdir().expect("temp dir");
    copy_tree(Path::new(&fixture("web/certbot")), dir.path());
    std::fs::write(
        dir.path().join("etc/nginx/conf.d/broken.conf"),
        "server { listen 80 }\n",
    )
    .expect("write");
    let outcome = std::panic::catch_unwind(|| serve(&nginx, dir.path(), &["http:shop.example.com"]));
    assert!(outcome.is_err(), "a configuration nginx refuses must not be judged");
}

/// `vouch scan` of this machine, run where the tree's /etc/nginx and
/// /etc/letsencrypt are mounted in place (a private mount namespace, /etc an
/// overlay without Caddy's files): vouch runs `nginx -T` there as it does on any
/// host it scans.
fn scan_in_place(root: &Path) -> Scan {
    let command = common::vouch();
    let program = command.get_program().to_owned();
    let envs: Vec<(std::ffi::OsString, Option<std::ffi::OsString>)> = command
        .get_envs()
        .map(|(k, v)| (k.to_owned(), v.map(|v| v.to_owned())))
        .collect();
    let mut unshare = Command::new("unshare");
    unshare
        .args(["--mount", "--propagation", "private", "--", "sh", "-c"])
        .arg(
            r#"scratch=$(mktemp -d) && mount -t tmpfs tmpfs "$scratch" && mkdir "$scratch/u" "$scratch/w" &&
            mount -t overlay overlay -o "lowerdir=/etc,upperdir=$scratch/u,workdir=$scratch/w" /etc &&
            rm -rf /etc/caddy && mkdir -p /etc/letsencrypt && mount --bind "$1/etc/nginx" /etc/nginx &&
            mount --bind "$1/etc/letsencrypt" /etc/letsencrypt && shift && exec "$@""#,
        )
        .arg("sh")
        .arg(root)
        .arg(program)
        .args(["scan", "--only", "tls", "--format", "json", "--as-of", common::AS_OF]);
    for (key, value) in envs {
        match value {
            Some(v) => unshare.env(key, v),
            None => unshare.env_remove(key),
        };
    }
    common::scan_of(unshare.output().expect("unshare runs"))
}

#[test]
fn a_scan_of_the_host_takes_nginx_t_as_nginx_s_own_reading() {
    let Some(_) = judges() else { return };
    let root = PathBuf::from(fixture("web/legacy"));
    let offline = scan_root(&root, &["--only", "tls"]);
    let live = scan_in_place(&root);
    let dumped = live.host()["evidence"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|e| e["command"] == "nginx -T")
        .expect("vouch ran nginx -T");
    assert_eq!(dumped["exit_code"], 0, "{dumped}");
    // The same configuration read two ways: the same verdicts, the same lines.
    for id in ["tls.https-redirect", "tls.ciphers", "tls.certificate", "tls.hsts"] {
        assert_eq!(live.status(id), offline.status(id), "{id}");
        assert_eq!(live.findings(id), offline.findings(id), "{id}");
    }

    // A configuration nginx refuses: nginx's own words, for the auditor.
    let dir = tempfile::tempdir().expect("temp dir");
    copy_tree(&root, dir.path());
    // conf.d is empty in the stock tree, so a clone of the repository has none.
    std::fs::create_dir_all(dir.path().join("etc/nginx/conf.d")).expect("mkdir");
    std::fs::write(
        dir.path().join("etc/nginx/conf.d/typo.conf"),
        "server {\n    lsiten 80;\n}\n",
    )
    .expect("write");
    let refused = scan_in_place(dir.path());
    assert_eq!(refused.status("tls.https-redirect"), "needs_review");
    let summary = refused.summary("tls.https-redirect");
    assert!(
        summary == "nginx -t refuses its configuration: unknown directive \"lsiten\" in /etc/nginx/conf.d/typo.conf:2",
        "{summary}"
    );
}
