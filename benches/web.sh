#!/usr/bin/env bash
# Cost of the web front (issue 15): the whole catalog scanned with `vouch scan
# --root TREE` on a droplet tree with Debian's stock nginx files, 200 sites (each
# certbot's pair of servers, its own Let's Encrypt certificate chain and HSTS)
# and a gunicorn unit; target under 100 ms of CPU. Prints a Markdown table: CPU
# (user + system) and wall per scan, mean of RUNS runs, for the 200-site tree
# and for the same tree without nginx (what the web front adds).
# Usage: benches/web.sh [RUNS]   (builds the release binary first)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-30}
cargo build --release --quiet
bin=$PWD/target/release/vouch
work=$(mktemp -d)
trap '[ -n "${KEEP:-}" ] || rm -rf "$work"' EXIT

make_tree() { # $1 root, $2 sites
  local root=$1 sites=$2
  mkdir -p "$root/etc" "$root/var/lib/dpkg" "$root/etc/systemd/system/multi-user.target.wants"
  cp -a tests/fixtures/nginx/stock/etc/nginx "$root/etc/nginx"
  rm -f "$root/etc/nginx/sites-enabled/default"
  cp tests/fixtures/web/certbot/var/lib/dpkg/status "$root/var/lib/dpkg/status"
  cp -a tests/fixtures/web/certbot/etc/letsencrypt "$root/etc/letsencrypt"
  cp -a tests/fixtures/web/certbot/etc/systemd/system/. "$root/etc/systemd/system/"
  cp -a tests/fixtures/web/certbot/lib "$root/lib"
  for i in $(seq 1 "$sites"); do
    name=site$i.example.com
    mkdir -p "$root/etc/letsencrypt/live/$name"
    cp tests/fixtures/web/certs/shop.example.com.crt "$root/etc/letsencrypt/live/$name/fullchain.pem"
    cat >"$root/etc/nginx/sites-available/$name" <<SITE
server {
    server_name $name www.$name;
    add_header Strict-Transport-Security "max-age=31536000" always;
    location / {
        proxy_pass http://unix:/run/shop/gunicorn.sock;
        proxy_set_header Host \$host;
    }
    location /static/ { alias /srv/shop/static/; expires 7d; }
    listen 443 ssl;
    ssl_certificate /etc/letsencrypt/live/$name/fullchain.pem;
    ssl_certificate_key /etc/letsencrypt/live/$name/privkey.pem;
    include /etc/letsencrypt/options-ssl-nginx.conf;
}
server {
    if (\$host = $name) {
        return 301 https://\$host\$request_uri;
    }
    listen 80;
    server_name $name;
    return 404;
}
SITE
    ln -s "/etc/nginx/sites-available/$name" "$root/etc/nginx/sites-enabled/$name"
  done
}

# Median CPU and wall (ms) of RUNS scans of $1.
measure() {
  local root=$1 cpu=() wall=()
  for _ in $(seq 1 "$runs"); do
    /usr/bin/time -f '%U %S %e' -o "$work/time" "$bin" scan --root "$root" --format json --as-of 2026-11-22T12:00:00Z >/dev/null || true
    # The last line: /usr/bin/time says first when the scan exits non-zero (a fail found).
    read -r user sys elapsed < <(tail -n 1 "$work/time")
    cpu+=("$(awk -v u="$user" -v s="$sys" 'BEGIN { print (u + s) * 1000 }')")
    wall+=("$(awk -v e="$elapsed" 'BEGIN { print e * 1000 }')")
  done
  # The mean: /usr/bin/time counts in 10 ms ticks, so a median of ticks says less.
  printf '%s\n' "${cpu[@]}" | awk '{t += $1} END {printf "%.1f ms", t / NR}'
  printf ' | '
  printf '%s\n' "${wall[@]}" | awk '{t += $1} END {printf "%.1f ms", t / NR}'
}

make_tree "$work/web200" 200
cp -a "$work/web200" "$work/bare" && rm -rf "$work/bare/etc/nginx" "$work/bare/etc/letsencrypt"
verdicts=$( ("$bin" scan --root "$work/web200" --only tls --format json --as-of 2026-11-22T12:00:00Z || true) |
  python3 -c 'import json,sys; print(", ".join(c["id"].split(".")[1] + " " + c["status"] for c in json.load(sys.stdin)["hosts"][0]["controls"]))')
echo "| tree | CPU per scan (mean of $runs) | wall per scan |"
echo "|---|---|---|"
echo "| 200 nginx sites, 200 certificates | $(measure "$work/web200") |"
echo "| the same tree without nginx | $(measure "$work/bare") |"
echo
echo "tls verdicts on the 200-site tree: $verdicts"
