//! Reaching a server: a TCP connection within the connect timeout (or a channel
//! of the jump host, bridged to a socket pair), the SSH handshake asking first
//! for the host key types known_hosts holds, the host key trusted or refused
//! before anything is sent, and the login. The session comes back ready to share.

use super::auth;
use super::hostkey::{self, HostKey};
use super::jump;
use super::link::Link;
use super::target::SshTarget;
use super::SshOptions;
use crate::transport::TransportError;
use ssh2::{MethodType, Session};
use std::net::{SocketAddr, TcpStream, ToSocketAddrs};
use std::os::fd::OwnedFd;
use std::time::Duration;

/// Host key algorithms vouch accepts, in OpenSSH's order (no SHA-1 `ssh-rsa`, no DSA).
const HOST_KEY_ORDER: [&str; 6] = [
    "ssh-ed25519",
    "ecdsa-sha2-nistp256",
    "ecdsa-sha2-nistp384",
    "ecdsa-sha2-nistp521",
    "rsa-sha2-512",
    "rsa-sha2-256",
];

/// A logged-in server and what keeps it reachable.
pub struct Connected {
    pub link: Link,
    pub host_key: HostKey,
    /// The jump hosts' sessions and pumps, kept alive as long as this one.
    pub _route: Option<jump::Route>,
}

/// Connect to `target` (through its jump hosts), check its key, log in.
pub fn connect(target: &SshTarget, options: &SshOptions) -> Result<Connected, TransportError> {
    let unreachable = |reason: String| TransportError::Unreachable {
        target: target.name.clone(),
        reason,
    };
    let refused = |reason: String| TransportError::Refused {
        target: target.name.clone(),
        reason,
    };
    let (stream, socket, route): (Box<dyn SocketLike>, OwnedFd, Option<jump::Route>) = match &target.jump {
        None => {
            let tcp = tcp(&target.host, target.port, options.connect_timeout).map_err(unreachable)?;
            let socket = tcp
                .try_clone()
                .map(OwnedFd::from)
                .map_err(|e| unreachable(e.to_string()))?;
            (Box::new(tcp), socket, None)
        }
        Some(hop) => {
            let jump = connect(hop, options).map_err(|e| match e {
                TransportError::Unreachable { reason, .. } => TransportError::Unreachable {
                    target: format!("ProxyJump {}", hop.name),
                    reason,
                },
                TransportError::Refused { reason, .. } => TransportError::Refused {
                    target: format!("ProxyJump {}", hop.name),
                    reason,
                },
                other => other,
            })?;
            let (route, ours, socket) =
                jump::through(jump.link, jump._route, &hop.address(), &target.host, target.port)?;
            (Box::new(ours), socket, Some(route))
        }
    };
    let mut session = Session::new().map_err(|e| unreachable(e.to_string()))?;
    session.set_tcp_stream(stream);
    session.set_timeout(u32::try_from(options.connect_timeout.as_millis()).unwrap_or(u32::MAX));
    let mut order = hostkey::known_types(&options.known_hosts, &target.host, target.port)
        .iter()
        .flat_map(|t| match t.as_str() {
            "ssh-rsa" => vec!["rsa-sha2-512", "rsa-sha2-256"],
            other => HOST_KEY_ORDER.iter().copied().filter(|a| *a == other).collect(),
        })
        .collect::<Vec<&str>>();
    for algorithm in HOST_KEY_ORDER {
        if !order.contains(&algorithm) {
            order.push(algorithm);
        }
    }
    let supported = session.supported_algs(MethodType::HostKey).unwrap_or_default();
    order.retain(|a| supported.contains(a));
    session
        .method_pref(MethodType::HostKey, &order.join(","))
        .map_err(|e| unreachable(e.to_string()))?;
    session
        .handshake()
        .map_err(|e| unreachable(format!("no SSH handshake with {}: {}", target.address(), e.message())))?;
    let Some((blob, _)) = session.host_key() else {
        return Err(refused("the server showed no host key".into()));
    };
    let host_key = hostkey::trust(
        &options.known_hosts,
        &target.host,
        target.port,
        blob,
        options.accept_new,
    )
    .map_err(refused)?;
    auth::login(&session, target, &options.home).map_err(refused)?;
    Ok(Connected {
        link: Link::new(session, socket),
        host_key,
        _route: route,
    })
}

/// What `Session::set_tcp_stream` takes.
trait SocketLike: std::os::fd::AsRawFd + Send + 'static {}
impl SocketLike for TcpStream {}
impl SocketLike for std::os::unix::net::UnixStream {}

impl std::os::fd::AsRawFd for Box<dyn SocketLike> {
    fn as_raw_fd(&self) -> std::os::fd::RawFd {
        (**self).as_raw_fd()
    }
}

/// A TCP connection to the first address of `host` that answers in time.
pub fn tcp(host: &str, port: u16, timeout: Duration) -> Result<TcpStream, String> {
    let addresses: Vec<SocketAddr> = (host, port)
        .to_socket_addrs()
        .map_err(|e| format!("cannot resolve {host}: {e}"))?
        .collect();
    let mut last = format!("{host} has no address");
    for address in addresses {
        match TcpStream::connect_timeout(&address, timeout) {
            Ok(stream) => {
                let _ = stream.set_nodelay(true);
                return Ok(stream);
            }
            Err(e) if e.kind() == std::io::ErrorKind::TimedOut => {
                last = format!("no answer from {address} in {} s", timeout.as_secs());
            }
            Err(e) => last = format!("{address}: {e}"),
        }
    }
    Err(last)
}
