#!/usr/bin/env bash
# Launch to first frame: the real binary (release) in a real terminal (tmux),
# from the command starting to the walkthrough's header on screen, polled every
# millisecond. Each run starts a new session on the weak fixture. Usage:
# benches/launch.sh [RUNS]   (default 20); prints each run and the median.
set -euo pipefail
runs="${1:-20}"
here="$(cd "$(dirname "$0")/.." && pwd)"
cargo build --release --quiet --manifest-path "$here/Cargo.toml"
bin="$here/target/release/vouch"
data="$(mktemp -d)"
sock="vouch-launch-$$"
trap 'tmux -L "$sock" kill-server 2>/dev/null || true; rm -rf "$data"' EXIT
times=()
for n in $(seq "$runs"); do
  start=$(date +%s%N)
  tmux -L "$sock" -f /dev/null new-session -d -x 80 -y 24 \
    "VOUCH_DATA_DIR=$data $bin audit --new --root $here/tests/fixtures/weak --auditor bench; sleep 600"
  until tmux -L "$sock" capture-pane -p | grep -q " final"; do sleep 0.001; done
  end=$(date +%s%N)
  ms=$(( (end - start) / 1000000 ))
  times+=("$ms")
  echo "run $n: ${ms} ms"
  tmux -L "$sock" kill-server
  sleep 0.2
done
sorted=$(printf '%s\n' "${times[@]}" | sort -n)
median=$(echo "$sorted" | sed -n "$(( (runs + 1) / 2 ))p")
echo "launch to first frame: median ${median} ms over $runs runs (includes starting the tmux server and polling it, a few ms)"
