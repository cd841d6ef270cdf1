#!/usr/bin/env bash
# Process-level cost of `vouch scan --root FIXTURE --format json`: start-up, the
# bundled catalog, collection, evaluation and rendering, as a user runs it.
# Prints CPU (user+sys) and wall time per run, averaged over N runs.
# Usage: benches/cli.sh [N]   (builds the release binary first)
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-50}
cargo build --release --quiet
bin=target/release/vouch
echo "| fixture | runs | CPU per run | wall per run |"
echo "|---|---|---|---|"
for fixture in weak hardened mixed nft; do
  root="tests/fixtures/$fixture"
  cpu_ms=$( { TIMEFORMAT='%3U %3S %3R'; time (for _ in $(seq "$n"); do "$bin" scan --root "$root" --format json --fail-on never >/dev/null; done); } 2>&1 )
  read -r user sys real <<<"$cpu_ms"
  awk -v u="$user" -v s="$sys" -v r="$real" -v n="$n" -v f="$fixture" \
    'BEGIN { printf "| %s | %d | %.1f ms | %.1f ms |\n", f, n, (u+s)*1000/n, r*1000/n }'
done
