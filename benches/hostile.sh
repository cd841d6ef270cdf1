#!/usr/bin/env bash
# Cost of `vouch scan --root TREE` on trees built to make collection grind (issue
# 11, item 5): each case is generated under a temp folder and scanned once by the
# release binary under /usr/bin/time. Target: every case under 5 s and 200 MB,
# ending with a verdict or with the scan's budget named. Prints a Markdown table.
# Usage: benches/hostile.sh [CASE...]   (builds the release binary first)
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --quiet
bin=$PWD/target/release/vouch
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
key='ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl user@host'
log_line='Dec  5 09:46:01 host sshd[1234]: Accepted publickey for deploy from 203.0.113.9 port 51234 ssh2'

# One file-matches checklist over /var/log/app.log with PATTERN.
checklist() {
  cat <<EOF
[checklist]
id = "bench.regex"
title = "regex"
version = "1"
[probes.log]
kind = "files"
paths = ["/var/log/app.log"]
description = "the log"
[[sections]]
id = "bench"
title = "Bench"
[[sections.controls]]
id = "bench.regex"
title = "a pattern over the log"
mode = "auto"
severity = "low"
rationale = "r"
remediation = "r"
probes = ["log"]
evaluator = "file.matches"
params = { path = "/var/log/app.log", pattern = '$1' }
EOF
}

# Build case $1 under $2; print the extra scan arguments it needs.
generate() {
  local d=$2
  mkdir -p "$d/etc/ssh"
  case $1 in
  glob-symlinks) # /l/a../l/j all point back at /l: 10^5 paths at depth 5
    mkdir -p "$d/l"
    for n in a b c d e f g h i j; do ln -s . "$d/l/$n"; done
    printf 'Include /l/*/*/*/*/*/x\nPasswordAuthentication no\n' >"$d/etc/ssh/sshd_config" ;;
  cron-100k) # 100,000 crontabs in /etc/cron.d
    mkdir -p "$d/etc/cron.d"
    (cd "$d/etc/cron.d" && seq -f 'job%06g' 1 100000 |
      xargs -n 2000 sh -c 'for f; do echo "0 3 * * * root /usr/bin/restic backup /srv" >"$f"; done' _) ;;
  passwd-40k) # 40,000 accounts, each with an authorized_keys
    awk 'BEGIN { print "root:x:0:0:root:/root:/bin/bash";
      for (i = 1; i <= 40000; i++) printf "u%d:x:%d:%d::/home/u%d:/bin/bash\n", i, 1000 + i, 1000 + i, i }' \
      >"$d/etc/passwd"
    mkdir -p "$d/home"
    (cd "$d/home" && seq -f 'u%g/.ssh' 1 40000 | xargs mkdir -p &&
      seq -f 'u%g/.ssh/authorized_keys' 1 40000 |
      KEY=$key xargs -n 2000 sh -c 'for f; do echo "$KEY" >"$f"; done' _) ;;
  hardlinks-64x16M) # 64 hard links to one 16 MiB crontab
    mkdir -p "$d/etc/cron.d"
    yes '0 3 * * * root /usr/bin/restic backup /srv #padding' | head -c 16777216 >"$d/etc/cron.d/a00" || true
    for n in $(seq -w 1 63); do ln "$d/etc/cron.d/a00" "$d/etc/cron.d/a$n"; done ;;
  regex-heavy) # the costliest kind of pattern lint accepts, over 16 MB of log
    mkdir -p "$d/var/log"
    yes "$log_line" | head -c 16000000 >"$d/var/log/app.log" || true
    checklist '(\w+\s?){40}$' >"$d/../regex-heavy.toml"
    echo "--checklists $d/../regex-heavy.toml" ;;
  regex-16M-lines) # a pattern matching each of 16 million empty lines
    mkdir -p "$d/var/log"
    yes '' | head -c 16000000 >"$d/var/log/app.log" || true
    checklist '^' >"$d/../regex-lines.toml"
    echo "--checklists $d/../regex-lines.toml" ;;
  nft-20k-chains) # a 1 MB nftables.conf of 20,000 chains jumping to each other
    awk 'BEGIN { print "table inet f {"; for (i = 0; i < 20000; i++)
      printf "chain c%d { jump c%d\n tcp dport %d accept }\n", i, (i + 1) % 20000, i % 65535;
      print "chain input { type filter hook input priority 0; policy drop; jump c0 }"; print "}" }' \
      >"$d/etc/nftables.conf" ;;
  esac
}

cases=("$@")
[ ${#cases[@]} -gt 0 ] || cases=(glob-symlinks cron-100k passwd-40k hardlinks-64x16M regex-heavy regex-16M-lines nft-20k-chains)
echo "| case | wall | max RSS | exit | how it ended |"
echo "|---|---|---|---|---|"
for c in "${cases[@]}"; do
  root="$work/$c/root"
  mkdir -p "$root"
  read -r -a extra <<<"$(generate "$c" "$root")"
  sync
  set +e
  /usr/bin/time -o "$work/time" -f '%e %M' "$bin" scan --root "$root" --format json --fail-on never \
    "${extra[@]}" >/dev/null 2>"$work/stderr"
  code=$?
  set -e
  read -r wall rss < <(tail -n 1 "$work/time")
  ended=$(head -n 1 "$work/stderr" | sed 's/^vouch: //; s/|/\\|/g')
  [ -n "$ended" ] || ended="completed"
  awk -v c="$c" -v w="$wall" -v r="$rss" -v x="$code" -v e="$ended" \
    'BEGIN { printf "| %s | %.2f s | %.0f MB | %d | %s |\n", c, w, r / 1024, x, e }'
  rm -rf "${work:?}/$c"
done
