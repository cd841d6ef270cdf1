#!/usr/bin/env bash
# SSH collection, side by side in one run (issue 14):
#  1. a full-catalog `vouch scan` of this machine over loopback SSH (a real sshd);
#  2. the same reads and commands as the script a user would write with OpenSSH:
#     one `ssh` per item over a ControlMaster connection (the plan is vouch's own
#     `--dry-run`, so both ask for the same things);
#  3. 50 sshd on loopback audited with `--inventory -j 50`;
#  4. peak memory (max RSS) of one host and of the 50;
#  5. Lynis (`lynis audit system --quick`) on this machine, for context.
# Both log in as `vouch-bench` (shell /bin/sh, made here) reading as root through
# the grant `vouch collector --sudoers` prints (the setup the README recommends):
# a login shell's rc files (pyenv, nvm...) would otherwise cost every channel.
# Usage: sudo benches/ssh.sh [RUNS]   (root: makes the user and the grant; builds release first)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-10}
cargo build --release --quiet
bin=$PWD/target/release/vouch
lab=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$lab" /etc/sudoers.d/vouch-bench; }
trap cleanup EXIT
user=vouch-bench
id "$user" > /dev/null 2>&1 || useradd --no-create-home --shell /bin/sh "$user"
usermod -p '*' "$user"
"$bin" collector --sudoers --user "$user" > "$lab/grant"
visudo -cf "$lab/grant" > /dev/null && install -m 0440 "$lab/grant" /etc/sudoers.d/vouch-bench
mkdir -p "$lab/home/.ssh" /run/sshd
chmod 755 "$lab"
ssh-keygen -q -t ed25519 -N '' -f "$lab/home/.ssh/id_ed25519"
cp "$lab/home/.ssh/id_ed25519.pub" "$lab/authorized_keys"
chmod 644 "$lab/authorized_keys"
ssh-keygen -q -t ed25519 -N '' -f "$lab/hostkey"

start_sshd() { # PORT
  cat > "$lab/sshd_$1" <<EOF
Port $1
ListenAddress 127.0.0.1
HostKey $lab/hostkey
AuthorizedKeysFile $lab/authorized_keys
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM no
PermitRootLogin prohibit-password
StrictModes no
PidFile none
MaxStartups 100
Subsystem sftp /usr/lib/openssh/sftp-server
EOF
  /usr/sbin/sshd -D -f "$lab/sshd_$1" & pids+=($!)
  printf '[127.0.0.1]:%s %s\n' "$1" "$(cut -d' ' -f1-2 "$lab/hostkey.pub")" >> "$lab/home/.ssh/known_hosts"
}
base=$((20000 + RANDOM % 20000))
for i in $(seq 0 50); do start_sshd $((base + i)); done
sleep 1
export HOME=$lab/home
unset SSH_AUTH_SOCK
target="$user@127.0.0.1:$base"

median() { sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }
ms() { local t0 t1; t0=$(date +%s%N); "$@" > /dev/null 2>&1 || true; t1=$(date +%s%N); echo $(((t1 - t0) / 1000000)); }

# 1. vouch over SSH.
vouch_ms=$(for _ in $(seq "$runs"); do ms "$bin" scan "$target" --sudo --format json --fail-on never; done | median)

# 2. The OpenSSH script: one ssh per read over one multiplexed connection.
plan=$("$bin" scan "$target" --dry-run)
section() { printf '%s\n' "$plan" | awk -v h="$1" '$0 ~ "^"h { on = 1; next } /^$/ { on = 0 } on && /^  / { sub(/^  /, ""); print }'; }
# ssh finds ~/.ssh through the password database, not HOME: name the files.
sshopts="-F /dev/null -i $lab/home/.ssh/id_ed25519 -o UserKnownHostsFile=$lab/home/.ssh/known_hosts -o ControlMaster=auto -o ControlPath=$lab/ctl-%C -o ControlPersist=60 -o BatchMode=yes"
script=$lab/openssh.sh
{
  echo 'set -u'
  echo "c=\"ssh $sshopts -p $base $user@127.0.0.1\""
  section "Files read" | while read -r f; do printf '$c %q >/dev/null 2>&1\n' "for f in $f; do sudo -n cat -- \"\$f\"; done"; done
  section "Directories listed" | while read -r d; do printf '$c %q >/dev/null 2>&1\n' "sudo -n find $d -mindepth 1 -maxdepth 1 -print0; for f in $d/*; do sudo -n cat -- \"\$f\"; done"; done
  section "Looked at without reading" | while read -r p; do printf '$c %q >/dev/null 2>&1\n' "for f in $p; do sudo -n stat -c '%f %u %g %s %Y %d %i' -- \"\$f\"; done"; done
  section "Commands run" | while read -r cmd; do printf '$c %q >/dev/null 2>&1\n' "sudo -n $cmd"; done
  section "Followed through" >/dev/null
} > "$script"
items=$(grep -c '^\$c' "$script")
ssh $sshopts -p "$base" "$user@127.0.0.1" true
openssh_ms=$(for _ in $(seq "$runs"); do ms bash "$script"; done | median)

# 3. 50 hosts at once.
inventory=$lab/inventory.ini
echo '[fleet]' > "$inventory"
for i in $(seq 1 50); do echo "host$i ansible_host=127.0.0.1 ansible_port=$((base + i)) ansible_user=$user" >> "$inventory"; done
fleet_ms=$(for _ in $(seq 3); do ms "$bin" scan --inventory "$inventory" -j 50 --sudo --format json --fail-on never; done | median)
fleet_cpu=$( { /usr/bin/time -f "%U %S" "$bin" scan --inventory "$inventory" -j 50 --sudo --format json --fail-on never -o "$lab/fleet.json" 2>&1 >/dev/null || true; } | tail -1)
fleet_failed=$(grep -c '"error": "' "$lab/fleet.json" || true)

# 4. Peak memory.
rss() { /usr/bin/time -f %M "$@" 2>&1 >/dev/null | tail -1 || true; }
one_kib=$(rss "$bin" scan "$target" --sudo --format json --fail-on never)
fleet_kib=$(rss "$bin" scan --inventory "$inventory" -j 50 --sudo --format json --fail-on never)

# 5. Lynis, for context.
lynis_ms=n/a
if command -v lynis > /dev/null; then
  lynis_ms=$(ms lynis audit system --quick --no-colors --no-log)
fi

echo "| what | wall (median) |"
echo "|---|---|"
echo "| vouch scan over SSH, full catalog, 1 host ($runs runs) | $vouch_ms ms |"
echo "| the same $items reads and commands, one \`ssh\` each over ControlMaster | $openssh_ms ms |"
echo "| vouch scan --inventory, 50 hosts, -j 50 | $fleet_ms ms (vouch CPU user/sys: $fleet_cpu s; hosts not audited: $fleet_failed) |"
echo "| Lynis \`audit system --quick\` (local, for context) | $lynis_ms ms |"
echo
echo "peak RSS: one host $((one_kib / 1024)) MiB; 50 hosts $((fleet_kib / 1024)) MiB ($((fleet_kib / 50)) KiB per host)"
