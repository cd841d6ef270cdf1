//! A fleet: twenty real sshd audited at once from an Ansible inventory, with one
//! host behind a proxy that cuts the connection once the SSH handshake is done
//! and one port where nothing listens. Both are reported for what they are; the
//! twenty others are audited to the end; the exit code says not all were.

mod common;

use common::scan_of;
use common::sshd::{login, Client, Sshd};
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};

/// A proxy to `port` that forwards until the client has sent its NEWKEYS (the
/// key exchange is done), then closes both sides at the client's next packet.
fn cutting_proxy(port: u16) -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").expect("a port");
    let proxy_port = listener.local_addr().expect("bound").port();
    std::thread::spawn(move || {
        for client in listener.incoming().flatten() {
            let Ok(server) = TcpStream::connect(("127.0.0.1", port)) else {
                continue;
            };
            let (mut from_server, mut to_client) =
                (server.try_clone().expect("clone"), client.try_clone().expect("clone"));
            std::thread::spawn(move || {
                let _ = std::io::copy(&mut from_server, &mut to_client);
                let _ = to_client.shutdown(std::net::Shutdown::Both);
            });
            std::thread::spawn(move || forward_until_newkeys(client, server));
        }
    });
    proxy_port
}

/// Client to server: the banner line, then plaintext binary packets (length,
/// padding length, type...) up to and including NEWKEYS (type 21); then cut.
fn forward_until_newkeys(mut client: TcpStream, mut server: TcpStream) {
    let mut byte = [0u8; 1];
    loop {
        if client.read_exact(&mut byte).is_err() || server.write_all(&byte).is_err() {
            return;
        }
        if byte[0] == b'\n' {
            break;
        }
    }
    loop {
        let mut length = [0u8; 4];
        if client.read_exact(&mut length).is_err() {
            return;
        }
        let mut packet = vec![0u8; u32::from_be_bytes(length) as usize];
        if client.read_exact(&mut packet).is_err() {
            return;
        }
        let _ = server.write_all(&length).and_then(|()| server.write_all(&packet));
        if packet.get(1) == Some(&21) {
            break;
        }
    }
    let _ = client.read(&mut byte);
    let _ = client.shutdown(std::net::Shutdown::Both);
    let _ = server.shutdown(std::net::Shutdown::Both);
}

#[test]
fn twenty_hosts_at_once_with_one_cut_and_one_dead() {
    let client = Client::new();
    let servers: Vec<Sshd> = (0..20).map(|_| Sshd::start(&[&client.key()], "")).collect();
    for server in &servers {
        client.trust(server);
    }
    let cut_behind = Sshd::start(&[&client.key()], "");
    let cut_port = cutting_proxy(cut_behind.port);
    // The proxy's port shows the server's key: trusted as the user would have it.
    std::fs::OpenOptions::new()
        .append(true)
        .open(client.known_hosts())
        .and_then(|mut f| {
            f.write_all(
                cut_behind
                    .known_hosts_line()
                    .replace(&cut_behind.port.to_string(), &cut_port.to_string())
                    .as_bytes(),
            )
        })
        .expect("known_hosts written");
    let dead_port = TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a port");

    let mut inventory = String::from("[web]\n");
    for (n, server) in servers.iter().enumerate() {
        inventory.push_str(&format!(
            "web{n:02} ansible_host=127.0.0.1 ansible_port={}\n",
            server.port
        ));
    }
    inventory.push_str(&format!("\n[flaky]\ncut ansible_host=127.0.0.1 ansible_port={cut_port}\ndead ansible_host=127.0.0.1 ansible_port={dead_port}\n"));
    inventory.push_str(&format!("\n[all:vars]\nansible_user={}\n", login()));
    let file = client.home.path().join("inventory.ini");
    std::fs::write(&file, inventory).expect("inventory written");

    let run = |format: &str| {
        client
            .vouch()
            .args(["scan", "--inventory"])
            .arg(&file)
            .args(["-j", "20", "--only", "ssh", "--format", format])
            .output()
            .expect("vouch runs")
    };
    let scan = scan_of(run("json"));
    assert_eq!(scan.code, 2, "not every host was audited: {}", scan.stderr);
    let hosts = scan.json["hosts"].as_array().expect("hosts");
    assert_eq!(hosts.len(), 22);
    for (n, host) in hosts.iter().take(20).enumerate() {
        assert_eq!(host["target"], format!("web{n:02}"));
        assert!(host.get("error").is_none(), "{host}");
        assert_eq!(host["host_key"], servers[n].host_fingerprint());
    }
    let error = |name: &str| {
        hosts
            .iter()
            .find(|h| h["target"] == name)
            .and_then(|h| h["error"].as_str())
            .unwrap_or_default()
            .to_string()
    };
    assert!(error("cut").starts_with("cut:"), "{}", error("cut"));
    assert!(error("dead").contains("unreachable"), "{}", error("dead"));
    assert!(
        scan.stderr.contains("2 of 22 targets could not be audited"),
        "{}",
        scan.stderr
    );

    // The text report ends with the fleet: a row per host, a column per section.
    let text = String::from_utf8_lossy(&run("text").stdout).to_string();
    let table = text.split("Fleet summary").nth(1).expect("a fleet summary");
    assert!(
        table
            .lines()
            .nth(1)
            .is_some_and(|l| l.starts_with("host") && l.contains("ssh")),
        "{table}"
    );
    assert!(
        table
            .lines()
            .any(|l| l.starts_with("dead") && l.contains("not audited")),
        "{table}"
    );
    assert_eq!(table.lines().filter(|l| l.starts_with("web")).count(), 20, "{table}");
    assert!(table.contains("22 hosts, 20 audited to the end, 2 not"), "{table}");
}
