//! The offline collector: a POSIX sh script, printed by `vouch collector`, that a
//! server's admin runs (as root for the whole picture) to gather, read-only, the
//! files, listings, metadata and command outputs the checklists need into one
//! tar.gz for `vouch import`. It needs sh, coreutils, tar and gzip; a command the
//! server lacks is recorded as missing, never installed. Every item goes into a
//! MANIFEST (tab-separated: what, path, how it went), so the import can tell a
//! file that is absent from one that was never gathered. Paths holding a tab or a
//! newline are skipped (and so unread on import, never taken as absent).

use crate::engine::plan::{is_glob, ReadPlan};

/// The largest file gathered, and the most output kept of one command.
const FILE_CAP: u64 = 16 << 20;
const OUTPUT_CAP: u64 = 8 << 20;
/// Seconds each command may run (with coreutils' `timeout`).
const COMMAND_TIMEOUT: u32 = 30;

/// A word for sh, single-quoted.
fn quote(text: &str) -> String {
    format!("'{}'", text.replace('\'', r#"'\''"#))
}

/// A glob for sh: literal runs quoted, `*`, `?` and `[...]` left to the shell.
fn sh_glob(pattern: &str) -> String {
    let mut out = String::new();
    let mut literal = String::new();
    let mut chars = pattern.chars().peekable();
    let flush = |literal: &mut String, out: &mut String| {
        if !literal.is_empty() {
            out.push_str(&quote(literal));
            literal.clear();
        }
    };
    while let Some(c) = chars.next() {
        match c {
            '*' | '?' => {
                flush(&mut literal, &mut out);
                out.push(c);
            }
            '[' => {
                flush(&mut literal, &mut out);
                out.push('[');
                for c in chars.by_ref() {
                    if c.is_ascii_alphanumeric() || "!^-._".contains(c) {
                        out.push(c);
                    } else if c == ']' {
                        break;
                    }
                }
                out.push(']');
            }
            c => literal.push(c),
        }
    }
    flush(&mut literal, &mut out);
    out
}

/// The directories a pattern's expansion lists: the path before each component
/// holding a wildcard (itself a pattern when an earlier component is).
fn listed_for(pattern: &str) -> Vec<String> {
    let parts: Vec<&str> = pattern.split('/').collect();
    (1..parts.len())
        .filter(|&i| is_glob(parts[i]))
        .map(|i| {
            let prefix = parts[..i].join("/");
            if prefix.is_empty() {
                "/".to_string()
            } else {
                prefix
            }
        })
        .collect()
}

/// The lines that gather one pattern or path: its listings, then each match.
fn gather(pattern: &str, each: &str, out: &mut Vec<String>) {
    for dir in listed_for(pattern) {
        if is_glob(&dir) {
            out.push(format!("for d in {}; do listdir \"$d\"; done", sh_glob(&dir)));
        } else {
            out.push(format!("listdir {}", quote(&dir)));
        }
    }
    if is_glob(pattern) {
        out.push(format!(
            "for f in {}; do {{ [ -e \"$f\" ] || [ -L \"$f\" ]; }} && {each} \"$f\"; done",
            sh_glob(pattern)
        ));
    } else {
        out.push(format!("{each} {}", quote(pattern)));
    }
}

/// The script for `plan`; `homes` are paths under every login's home (`.ssh/authorized_keys`).
pub fn render(plan: &ReadPlan, homes: &[String], facts: &[&str], version: &str) -> String {
    let mut body: Vec<String> = Vec::new();
    // /home is walked through /etc/passwd below, its links not followed.
    let files = plan.files.iter().filter(|f| !f.starts_with("/home/")).cloned();
    for path in facts.iter().map(|p| p.to_string()).chain(files) {
        gather(&path, "file", &mut body);
    }
    for dir in &plan.dirs {
        body.push(format!("listdir {}", quote(dir)));
        body.push(format!(
            "for f in {d}/* {d}/.[!.]* {d}/..?*; do {{ [ -e \"$f\" ] || [ -L \"$f\" ]; }} && file \"$f\"; done",
            d = quote(dir)
        ));
    }
    for path in &plan.stats {
        gather(path, "meta", &mut body);
    }
    if !homes.is_empty() {
        body.push("while IFS=: read -r _ _ _ _ _ home _; do".into());
        body.push("  case $home in /*) ;; *) continue ;; esac".into());
        for rest in homes {
            // A user's home is theirs: its links are not followed as root.
            body.push(format!("  file \"${{home%/}}\"/{} nofollow", quote(rest)));
        }
        body.push("done < /etc/passwd".into());
        // And every folder of /home, whether /etc/passwd names it or not.
        body.push("listdir /home".into());
        body.push("for home in /home/*; do".into());
        body.push("  [ -d \"$home\" ] && [ ! -L \"$home\" ] || continue".into());
        for rest in homes {
            body.push(format!("  file \"$home\"/{} nofollow", quote(rest)));
        }
        body.push("done".into());
    }
    for argv in &plan.commands {
        let words: Vec<String> = argv.iter().map(|w| quote(w)).collect();
        body.push(format!("run {}", words.join(" ")));
    }
    let mut script = HEAD
        .replace("@VERSION@", version)
        .replace("@FILE_CAP@", &FILE_CAP.to_string())
        .replace("@OUTPUT_CAP@", &OUTPUT_CAP.to_string())
        .replace("@TIMEOUT@", &COMMAND_TIMEOUT.to_string());
    for line in body {
        script.push_str(&line);
        script.push('\n');
    }
    script.push_str(TAIL);
    script
}

const HEAD: &str = r#"#!/bin/sh
# vouch @VERSION@ collector: gathers, read-only, what the checklists need into one
# tar.gz for `vouch import`. Nothing on this server is changed, started or installed.
# Needs sh, coreutils, tar and gzip. Run it as root for the whole picture:
#   sh vouch-collect.sh [OUTPUT.tar.gz]
set -u
umask 077
LC_ALL=C; export LC_ALL
PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin; export PATH
host=$(hostname 2>/dev/null || uname -n)
out=${1:-vouch-$host-$(date -u +%Y%m%dT%H%M%SZ).tar.gz}
work=$(mktemp -d) || exit 1
trap 'rm -rf "$work"' EXIT
trap 'exit 1' INT TERM HUP
root=$work/vouch-collect
mkdir -p "$root/files" "$root/dirs" "$root/commands" || exit 1
manifest=$root/MANIFEST
tab=$(printf '\t')
nl='
'
n=0
printf 'vouch-collect\t1\nhost\t%s\ncollected\t%s\nuser\t%s\n' "$host" "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$(id -un)" > "$manifest"
say() { printf '%s\n' "$*" >> "$manifest"; }
odd() { case $1 in *"$tab"*|*"$nl"*) return 0 ;; esac; return 1; }
meta_of() { stat -c '%f %u %g %s %Y %d %i' -- "$1" 2>/dev/null; }
absent() { # PATH: missing only when the nearest folder that exists could be searched
  d=${1%/*}
  while [ -n "$d" ] && [ ! -e "$d" ] && [ ! -L "$d" ]; do d=${d%/*}; done
  [ -n "$d" ] || d=/
  if [ -d "$d" ] && [ ! -x "$d" ]; then echo unreadable; else echo missing; fi
}
# Read at most the cap, never blocking on a FIFO swapped in (nonblock), with a
# timeout where coreutils has one; `nofollow` for paths users control.
grab() { # PATH FLAGS
  if command -v timeout >/dev/null 2>&1; then
    timeout @TIMEOUT@ dd if="$1" iflag="$2" bs=65536 count=$((@FILE_CAP@ / 65536)) status=none
  else dd if="$1" iflag="$2" bs=65536 count=$((@FILE_CAP@ / 65536)) status=none; fi
}
file() { # PATH [nofollow]
  p=$1; flags=nonblock; odd "$p" && return
  if [ ! -e "$p" ] && [ ! -L "$p" ]; then say "file${tab}$p${tab}$(absent "$p")"; return; fi
  if [ "${2:-}" = nofollow ]; then
    if [ -L "$p" ]; then say "file${tab}$p${tab}link"; return; fi
    flags=nofollow,nonblock
  fi
  if [ ! -f "$p" ]; then say "file${tab}$p${tab}not-regular${tab}$(stat -L -c %f -- "$p" 2>/dev/null)"; return; fi
  m=$(stat -L -c '%f %u %g %s %Y %d %i' -- "$p" 2>/dev/null) || { say "file${tab}$p${tab}unreadable"; return; }
  size=$(printf '%s' "$m" | cut -d' ' -f4)
  if [ "$size" -gt @FILE_CAP@ ]; then say "file${tab}$p${tab}too-large${tab}$size"; return; fi
  mkdir -p "$root/files${p%/*}" 2>/dev/null
  if grab "$p" "$flags" > "$root/files$p" 2>/dev/null; then say "file${tab}$p${tab}present${tab}$m"
  else rm -f "$root/files$p"; say "file${tab}$p${tab}unreadable"; fi
}
listdir() {
  d=${1%/}; [ -n "$d" ] || d=/; odd "$d" && return
  if [ ! -e "$d" ]; then
    case $(absent "$d") in missing) say "dir${tab}$d${tab}missing" ;; *) say "dir${tab}$d${tab}unreadable" ;; esac
    return
  fi
  if [ ! -d "$d" ]; then say "dir${tab}$d${tab}not-dir"; return; fi
  if [ ! -r "$d" ] || [ ! -x "$d" ]; then say "dir${tab}$d${tab}unreadable"; return; fi
  n=$((n + 1)); : > "$root/dirs/$n"
  for e in "$d"/* "$d"/.[!.]* "$d"/..?*; do
    { [ -e "$e" ] || [ -L "$e" ]; } && printf '%s\000' "${e##*/}" >> "$root/dirs/$n"
  done
  say "dir${tab}$d${tab}listed${tab}$n"
}
meta() {
  p=$1; odd "$p" && return
  if [ ! -e "$p" ] && [ ! -L "$p" ]; then say "meta${tab}$p${tab}$(absent "$p")"; return; fi
  m=$(meta_of "$p") || { say "meta${tab}$p${tab}unreadable"; return; }
  l=; [ -L "$p" ] && l=$(readlink -- "$p" 2>/dev/null)
  odd "$l" && l=
  say "meta${tab}$p${tab}present${tab}$m${tab}$l"
}
run() {
  n=$((n + 1))
  if ! command -v "$1" >/dev/null 2>&1; then say "command${tab}$n${tab}not-found${tab}$*"; return; fi
  { if command -v timeout >/dev/null 2>&1; then timeout @TIMEOUT@ "$@"; else "$@"; fi \
      2> "$root/commands/$n.err" < /dev/null; echo $? > "$root/commands/$n.rc"; } \
    | head -c @OUTPUT_CAP@ > "$root/commands/$n.out"
  say "command${tab}$n${tab}ran${tab}$(cat "$root/commands/$n.rc")${tab}$*"
}
"#;

const TAIL: &str = r#"(cd "$work" && tar -cf - vouch-collect) | gzip -9 > "$out" || exit 1
echo "vouch: wrote $out: check it with \`vouch import $out\`" >&2
"#;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn globs_stay_globs_and_the_rest_is_quoted() {
        assert_eq!(
            sh_glob("/etc/ssh/sshd_config.d/*.conf"),
            "'/etc/ssh/sshd_config.d/'*'.conf'"
        );
        assert_eq!(sh_glob("/home/*/.ssh/it's"), "'/home/'*'/.ssh/it'\\''s'");
        assert_eq!(listed_for("/home/*/.ssh/authorized_keys"), ["/home"]);
        assert_eq!(
            listed_for("/etc/systemd/system/*.wants/*"),
            ["/etc/systemd/system", "/etc/systemd/system/*.wants"]
        );
    }
}
