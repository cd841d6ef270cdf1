//! APT as apt reads it: apt.conf and apt.conf.d (`conf`, with apt's file-name
//! rules, scopes, `#clear` and `#include`), dpkg's status database (`dpkg`), the
//! logs of apt and unattended-upgrades (`logs`), and unattended-upgrades' origin
//! patterns (`origins`). No verdicts.

pub mod conf;
pub mod dpkg;
pub mod logs;
pub mod origins;
