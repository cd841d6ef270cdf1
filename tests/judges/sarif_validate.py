"""Judge a SARIF log as code-scanning services read it.

Usage: python sarif_validate.py MULTITOOL FILE

1. The SARIF 2.1.0 JSON schema (the copy shipped beside Microsoft's SARIF Multitool)
   validates it: the Multitool alone passes a file it cannot deserialize without a
   word (an unknown `level`, say), so the schema is checked first.
2. `Sarif.Multitool validate` with its SARIF rules and GitHub's (`Gh`: what GitHub
   code scanning needs to show a result; `Ghas`: what its upload accepts) writes its
   findings to a SARIF log, read back here: any error or warning fails, but for
   SARIF2005 (the tool's informationUri: vouch has no published address yet; the
   report adds one as soon as Cargo.toml names a homepage or repository).

Prints what is wrong and exits 1; prints a summary and exits 0 otherwise.
"""

import json
import pathlib
import subprocess
import sys
import tempfile

import jsonschema

ALLOWED = {"SARIF2005"}


def main():
    multitool, path = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2])
    schema = json.loads((multitool.parent / "sarif-2.1.0.json").read_text(encoding="utf-8"))
    log = json.loads(path.read_text(encoding="utf-8"))
    validator = jsonschema.Draft202012Validator(schema)
    errors = sorted(validator.iter_errors(log), key=lambda e: list(e.absolute_path))
    if errors:
        for e in errors[:20]:
            print(f"schema: {'/'.join(map(str, e.absolute_path))}: {e.message}")
        return 1
    with tempfile.TemporaryDirectory() as out:
        report = pathlib.Path(out, "validation.sarif")
        run = subprocess.run(
            [str(multitool), "validate", str(path), "--output", str(report),
             "--rule-kind", "Sarif;Gh;Ghas", "--level", "Error;Warning;Note", "--log", "ForceOverwrite"],
            capture_output=True, text=True,
        )
        if run.returncode != 0 or not report.exists():
            print(f"the Multitool failed ({run.returncode}):\n{run.stdout}{run.stderr}")
            return 1
        validation = json.loads(report.read_text(encoding="utf-8-sig"))
    problems, notes = [], 0
    for vrun in validation["runs"]:
        for inv in vrun.get("invocations", []):
            if not inv.get("executionSuccessful", False):
                problems.append(f"the Multitool's run failed: {json.dumps(inv)[:2000]}")
            for n in inv.get("toolExecutionNotifications", []) + inv.get("toolConfigurationNotifications", []):
                if n.get("level", "warning") in ("error", "warning"):
                    problems.append(f"the Multitool says: {n['message'].get('text')}")
        for r in vrun.get("results", []):
            level = r.get("level", "warning")
            if level == "note":
                notes += 1
            elif r["ruleId"] not in ALLOWED:
                problems.append(f"{level} {r['ruleId']}: {r['message'].get('arguments')}")
    if problems:
        print("\n".join(problems))
        return 1
    results = sum(len(run.get("results", [])) for run in log["runs"])
    print(f"valid SARIF 2.1.0: {len(log['runs'])} runs, {results} results ({notes} advisory notes from the Multitool)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
