//! The configuration languages of a Linux server as their own programs read them:
//! sshd, apt, nftables, ufw, sudoers, cron, systemd units, rsyslog, `ss` output,
//! /etc/passwd and /etc/group, and a host's name, OS and kernel. Parsers read through a `Source` and report what the
//! program would do, with file:line; they decide no status. Probes use them to
//! follow includes while collecting, evaluators to judge what was collected; parse
//! imports only `evidence` and `model`.

pub mod allow;
pub mod app;
pub mod appserver;
pub mod apt;
pub mod caddy;
pub mod cron;
pub mod fnmatch;
pub mod git_index;
pub mod group;
pub mod host;
pub mod nft;
pub mod nginx;
pub mod passwd;
pub mod period;
pub mod ports;
pub mod python;
pub mod rsyslog;
pub mod schedule;
pub mod shippers;
pub mod ss;
pub mod sshd;
pub mod sudoers;
pub mod systemd;
pub mod template;
pub mod text;
pub mod tls;
pub mod ufw;
