#!/usr/bin/env bash
# Cost of the application's repository (issue 16): `vouch scan --root TREE` on a
# monorepo-sized app — 20,000 files in 400 packages, 200 GitHub Actions
# workflows, a requirements.txt of 300 hashed pins with a constraints file, a
# pyproject.toml, a .gitignore, a .env and a real Git index of every file — for the
# deps, secrets and codesec sections and for the whole catalog. Target: under
# 1 s. Prints a Markdown table: CPU (user + system) and wall per scan, mean of
# RUNS runs; with NO_TESTS=1 the tree has no test file, so the search for one
# walks every folder.
# Usage: benches/app.sh [RUNS]   (builds the release binary first; needs git)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-10}
cargo build --release --quiet
bin=$PWD/target/release/vouch
work=$(mktemp -d)
trap '[ -n "${KEEP:-}" ] || rm -rf "$work"' EXIT

make_tree() { # $1 root
  local root=$1 app=$1/srv/mono
  mkdir -p "$root/etc/systemd/system" "$app/.github/workflows"
  printf '[Service]\nWorkingDirectory=/srv/mono\nExecStart=/srv/mono/venv/bin/gunicorn mono.wsgi\n' >"$root/etc/systemd/system/mono.service"
  python3 - "$app" <<'PY'
import os, sys
app = sys.argv[1]
for p in range(400):
    pkg = os.path.join(app, "mono", f"pkg{p:03d}")
    os.makedirs(pkg, exist_ok=True)
    for f in range(50):
        name = "test_%02d.py" % f if (p == 399 and f == 49 and not os.environ.get("NO_TESTS")) else "mod_%02d.py" % f
        with open(os.path.join(pkg, name), "w") as out:
            out.write(f"def f{f}():\n    return {p * 50 + f}\n")
with open(os.path.join(app, "requirements.txt"), "w") as out:
    out.write("-c constraints.txt\n")
    for i in range(300):
        out.write(f"package-{i}=={i // 100}.{i % 100}.0 \\\n    --hash=sha256:{i:064x}\n")
    out.write("requests\n")
with open(os.path.join(app, "constraints.txt"), "w") as out:
    out.write("requests==2.32.3\n")
with open(os.path.join(app, "pyproject.toml"), "w") as out:
    out.write('[project]\nname = "mono"\ndependencies = ["django>=4.2"]\n[tool.ruff.lint]\nselect = ["E", "S"]\n')
for w in range(200):
    with open(os.path.join(app, ".github", "workflows", f"w{w:03d}.yml"), "w") as out:
        out.write(f"""name: w{w}
on: [push, pull_request]
permissions:
  contents: read
jobs:
  test:
    runs-on: ubuntu-24.04
    steps:
      - uses: actions/checkout@v4
      - uses: actions/setup-python@v5
        with:
          python-version: "3.12"
      - uses: astral-sh/setup-uv@e92bafb6253dcd438e0484186d7669ea7a8ca1cc
      - run: uv sync --frozen
      - run: uv run pytest -q mono/pkg{w % 400:03d}
  lint:
    runs-on: ubuntu-24.04
    steps:
      - uses: actions/checkout@v4
      - run: ruff check . && bandit -r mono -ll && pip-audit -r requirements.txt
""")
with open(os.path.join(app, ".gitignore"), "w") as out:
    out.write("__pycache__/\n*.pyc\nvenv/\n.env*\n!.env.example\n")
with open(os.path.join(app, ".env"), "w") as out:
    out.write("SECRET_KEY=x\n")
os.chmod(os.path.join(app, ".env"), 0o600)
PY
  git -C "$app" init -q
  git -C "$app" -c core.excludesFile=/dev/null add -A
}

# Mean CPU and wall (ms) of RUNS scans of $1 with arguments $2...
measure() {
  local root=$1 cpu=() wall=()
  shift
  for _ in $(seq 1 "$runs"); do
    /usr/bin/time -f '%U %S %e' -o "$work/time" "$bin" scan --root "$root" --format json --as-of 2026-11-22T12:00:00Z "$@" >/dev/null || true
    read -r user sys elapsed < <(tail -n 1 "$work/time")
    cpu+=("$(awk -v u="$user" -v s="$sys" 'BEGIN { print (u + s) * 1000 }')")
    wall+=("$(awk -v e="$elapsed" 'BEGIN { print e * 1000 }')")
  done
  printf '%s\n' "${cpu[@]}" | awk '{t += $1} END {printf "%.1f ms", t / NR}'
  printf ' | '
  printf '%s\n' "${wall[@]}" | awk '{t += $1} END {printf "%.1f ms", t / NR}'
}

make_tree "$work/mono"
files=$(find "$work/mono/srv/mono" -path '*/.git' -prune -o -type f -print | wc -l)
sections=(--only deps --only secrets --only codesec)
verdicts=$( ("$bin" scan --root "$work/mono" "${sections[@]}" --format json --as-of 2026-11-22T12:00:00Z || true) |
  python3 -c 'import json,sys; print(", ".join(c["id"] + " " + c["status"] for c in json.load(sys.stdin)["hosts"][0]["controls"] if not c["id"].endswith(("hardcoded", "env-config", "pipeline-access"))))')
echo "| scan of a $files-file app, 200 workflows | CPU per scan (mean of $runs) | wall per scan |"
echo "|---|---|---|"
echo "| deps, secrets, codesec | $(measure "$work/mono" "${sections[@]}") |"
echo "| the whole catalog | $(measure "$work/mono") |"
echo
echo "Verdicts: $verdicts"
