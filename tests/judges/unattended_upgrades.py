"""unattended-upgrades judges vouch's reading of its origins (tests/differential_unattended.rs).

Loads Debian's /usr/bin/unattended-upgrade as a module (python3-apt gives it apt_pkg)
and asks its own functions. Reads one JSON request on stdin, writes one JSON answer:

  {"distro": [ID, CODENAME],            # what get_distro_id()/get_distro_codename() return
   "origins": [{origin, label, archive, codename, component, site}, ...],
   "entries": [["allowed" | "pattern", value], ...],   # each judged on its own
   "config": ROOT or null,              # a tree whose etc/apt unattended-upgrades reads whole
   "fnmatch": [[pattern, name], ...]}

  {"entries": [{"pattern": TEXT, "matches": [bool per origin]} | {"error": WHY}],
   "config": null | {"patterns": [TEXT...], "allowed": [bool per origin]} | {"error": WHY},
   "fnmatch": [bool...]}

An entry is read as unattended-upgrades reads its list (get_allowed_origins_legacy for
Allowed-Origins, substitute for Origins-Pattern), then matched against each origin with
match_whitelist_string; any exception it raises is the entry's error (unattended-upgrades
stops there). The config is read by apt itself (APT_CONFIG pointing at the tree, as
pkgInitConfig does) and judged with get_allowed_origins and is_allowed_origin.
"""

import fnmatch
import importlib.machinery
import importlib.util
import json
import logging
import os
import sys
import tempfile
import types

import apt_pkg

logging.disable(logging.CRITICAL)


def load():
    loader = importlib.machinery.SourceFileLoader("unattended_upgrade", "/usr/bin/unattended-upgrade")
    spec = importlib.util.spec_from_loader("unattended_upgrade", loader)
    module = importlib.util.module_from_spec(spec)
    loader.exec_module(module)
    return module


def origin(fields):
    return types.SimpleNamespace(**fields)


def judge_entry(uu, kind, value, origins):
    key_legacy = "Unattended-Upgrade::Allowed-Origins"
    key_pattern = "Unattended-Upgrade::Origins-Pattern"
    apt_pkg.config.clear(key_legacy)
    apt_pkg.config.clear(key_pattern)
    try:
        if kind == "allowed":
            apt_pkg.config.set(key_legacy + "::", value)
            patterns = uu.get_allowed_origins_legacy()
            if len(patterns) != 1:
                return {"error": "judge: %d patterns from one entry" % len(patterns)}
            text = patterns[0]
        else:
            text = uu.substitute(value)
        matches = [bool(uu.match_whitelist_string(text, o)) for o in origins]
        return {"pattern": text, "matches": matches}
    except Exception as e:  # unattended-upgrades stops on any of them
        return {"error": "%s: %s" % (type(e).__name__, e)}


def judge_config(uu, root, origins):
    with tempfile.TemporaryDirectory() as work:
        pointer = os.path.join(work, "apt.conf")
        with open(pointer, "w") as f:
            f.write('Dir "%s/";\n' % root)
        os.environ["APT_CONFIG"] = pointer
        # `import apt` read the host's configuration: its lists would append.
        apt_pkg.config.clear("Unattended-Upgrade")
        apt_pkg.init_config()
    try:
        patterns = uu.get_allowed_origins()
        allowed = [bool(uu.is_allowed_origin(o, patterns)) for o in origins]
        return {"patterns": patterns, "allowed": allowed}
    except Exception as e:
        return {"error": "%s: %s" % (type(e).__name__, e)}


def main():
    request = json.load(sys.stdin)
    uu = load()
    uu.DISTRO_ID, uu.DISTRO_CODENAME = request["distro"]
    origins = [origin(o) for o in request["origins"]]
    answer = {
        "entries": [judge_entry(uu, kind, value, origins) for kind, value in request["entries"]],
        "config": judge_config(uu, request["config"], origins) if request.get("config") else None,
        "fnmatch": [fnmatch.fnmatch(name, pattern) for pattern, name in request.get("fnmatch", [])],
    }
    json.dump(answer, sys.stdout)


if __name__ == "__main__":
    main()
