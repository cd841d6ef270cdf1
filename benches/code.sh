#!/usr/bin/env bash
# Cost of reading the application's code (issue 17): `vouch scan --root TREE` on
# an app of 2,000 generated Python files (Flask-style modules of about 70 lines:
# routes, parameterised and string-built SQL, logging, hashing, settings) and 200
# Jinja templates, pinned to one core (taskset -c 0), for the thirteen code
# controls and for the whole catalog; and bandit (the judge, from VOUCH_JUDGES)
# on the same files with the overlapping tests and with all of them, for the
# ratio. Target: the code controls in under 2 s on one core. Prints a Markdown
# table of CPU (user + system) and wall, mean of RUNS runs.
# Usage: benches/code.sh [RUNS]   (builds the release binary first)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-5}
cargo build --release --quiet
bin=$PWD/target/release/vouch
bandit=${VOUCH_JUDGES:-/opt/vouch-judges}/py/bin/bandit
work=$(mktemp -d)
trap '[ -n "${KEEP:-}" ] || rm -rf "$work"' EXIT

root=$work/tree
mkdir -p "$root/etc/systemd/system"
printf '[Service]\nWorkingDirectory=/srv/big\nExecStart=/srv/big/venv/bin/gunicorn big.wsgi\n' >"$root/etc/systemd/system/big.service"
python3 - "$root/srv/big" <<'PY'
import os, sys
app = sys.argv[1]
os.makedirs(app, exist_ok=True)
with open(os.path.join(app, "requirements.txt"), "w") as out:
    out.write("flask==3.0.3\nsqlalchemy==2.0.30\nbcrypt==4.1.3\nsentry-sdk==2.5.1\n")
for p in range(20):
    pkg = os.path.join(app, "big", f"pkg{p:02d}")
    os.makedirs(os.path.join(pkg, "templates"), exist_ok=True)
    open(os.path.join(pkg, "__init__.py"), "w").close()
    for f in range(100):
        n = p * 100 + f
        unsafe = n % 50 == 0
        query = (f'    query = f"SELECT * FROM items_{n} WHERE id = {{item_id}}"\n    return db.execute(text(query)).first()\n'
                 if unsafe else
                 f'    return db.execute(text("SELECT * FROM items_{n} WHERE id = :id"), {{"id": item_id}}).first()\n')
        with open(os.path.join(pkg, f"mod_{f:02d}.py"), "w") as out:
            out.write(f'''"""Module {n}: items, orders and sign-in for shard {p}."""
import hashlib
import logging
import os

import bcrypt
from flask import Blueprint, abort, render_template, request
from sqlalchemy import text

from big.db import db

bp = Blueprint("mod{n}", __name__)
log = logging.getLogger(__name__)
TIMEOUT = int(os.environ.get("TIMEOUT_{n}", "30"))
API_TOKEN = os.environ.get("API_TOKEN_{n}", "")


def get_item(item_id):
{query}

def list_items(limit=50, offset=0):
    rows = db.execute(text("SELECT id, name FROM items_{n} ORDER BY id LIMIT :l OFFSET :o"), {{"l": limit, "o": offset}})
    return [dict(r) for r in rows]


def digest(payload):
    return hashlib.sha256(payload).hexdigest()


def hash_password(password):
    return bcrypt.hashpw(password.encode(), bcrypt.gensalt())


@bp.route("/items/<int:item_id>")
def show(item_id):
    item = get_item(item_id)
    if item is None:
        log.info("item %s not found", item_id)
        abort(404)
    return render_template("item_{f}.html", item=item)


@bp.route("/login_{n}", methods=["POST"])
def login_{n}():
    user = request.form.get("user", "")
    if not user:
        log.warning("failed login from %s", request.remote_addr)
        abort(401)
    log.info("login for %s", user)
    return {{"ok": True}}


class Order{n}:
    def __init__(self, lines):
        self.lines = lines

    def total(self):
        return sum(line["price"] * line["qty"] for line in self.lines)

    def describe(self):
        return "order with %d lines" % len(self.lines)
''')
        if f < 10:
            with open(os.path.join(pkg, "templates", f"item_{f}.html"), "w") as out:
                out.write('<h1>{{ item.name }}</h1>\n<p>{{ item.description }}</p>\n{{ "<hr>"|safe }}\n' * 5)
os.makedirs(os.path.join(app, "big"), exist_ok=True)
with open(os.path.join(app, "big", "db.py"), "w") as out:
    out.write('import os\nfrom sqlalchemy import create_engine\ndb = create_engine(os.environ["DATABASE_URL"], connect_args={"sslmode": "require"}).connect()\n')
PY
app=$root/srv/big
files=$(find "$app" -name '*.py' | wc -l)
templates=$(find "$app" -name '*.html' | wc -l)
lines=$(cat $(find "$app" -name '*.py') | wc -l)
code=(--only secrets,appsec,logging,config,auth,data,monitoring)

# Mean CPU and wall (ms) of RUNS runs of a command.
measure() {
  local cpu=() wall=()
  for _ in $(seq 1 "$runs"); do
    /usr/bin/time -f '%U %S %e' -o "$work/time" taskset -c 0 "$@" >/dev/null 2>&1 || true
    read -r user sys elapsed < <(tail -n 1 "$work/time")
    cpu+=("$(awk -v u="$user" -v s="$sys" 'BEGIN { print (u + s) * 1000 }')")
    wall+=("$(awk -v e="$elapsed" 'BEGIN { print e * 1000 }')")
  done
  printf '%s\n' "${cpu[@]}" | awk '{t += $1} END {printf "%.0f ms", t / NR}'
  printf ' | '
  printf '%s\n' "${wall[@]}" | awk '{t += $1} END {printf "%.0f ms", t / NR}'
}

echo "| $files Python files ($lines lines), $templates templates, one core | CPU (mean of $runs) | wall |"
echo "|---|---|---|"
echo "| vouch, the thirteen code controls | $(measure "$bin" scan --root "$root" --format json --as-of 2026-11-22T12:00:00Z "${code[@]}") |"
echo "| vouch, the whole catalog | $(measure "$bin" scan --root "$root" --format json --as-of 2026-11-22T12:00:00Z) |"
if [ -x "$bandit" ]; then
  printf '[bandit]\n' >"$work/empty.ini"
  echo "| bandit, B105-B107 B201 B303 B324 B608 | $(measure "$bandit" -r "$app" -t B105,B106,B107,B201,B303,B324,B608 -f json -q --ini "$work/empty.ini") |"
  echo "| bandit, every test | $(measure "$bandit" -r "$app" -f json -q --ini "$work/empty.ini") |"
fi
echo
"$bin" scan --root "$root" --format json --as-of 2026-11-22T12:00:00Z "${code[@]}" 2>/dev/null |
  python3 -c 'import json,sys; print("Verdicts: " + ", ".join(c["id"] + " " + c["status"] for c in json.load(sys.stdin)["hosts"][0]["controls"] if c["mode"] != "manual"))' || true
