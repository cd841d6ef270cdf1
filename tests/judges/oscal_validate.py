"""Judge an OSCAL assessment-results JSON file as GRC tools read it.

Usage: python oscal_validate.py FILE

1. compliance-trestle's pydantic model (`trestle.oscal.assessment_results`, OSCAL
   1.1.3 with trestle 3.12.x) loads it: every field, type, pattern and required
   property, no unknown ones.
2. `trestle validate` in a fresh trestle workspace (its duplicate-uuid, reference
   and link validators).
3. Every internal reference resolves: `#uuid` hrefs to back-matter resources,
   observation and subject uuids to what they name.

Prints what is wrong and exits 1; prints a one-line summary and exits 0 otherwise.
"""

import json
import pathlib
import shutil
import subprocess
import sys
import tempfile

from trestle.oscal import OSCAL_VERSION
from trestle.oscal.assessment_results import AssessmentResults


def references(doc):
    """Problems with the document's own references, as strings."""
    ar = doc["assessment-results"]
    resources = {r["uuid"] for r in ar.get("back-matter", {}).get("resources", [])}
    problems = []
    href = ar["import-ap"]["href"]
    if href.startswith("#") and href[1:] not in resources:
        problems.append(f"import-ap href {href} names no back-matter resource")
    for result in ar["results"]:
        observations = {o["uuid"] for o in result.get("observations", [])}
        items = {i["uuid"] for i in result.get("local-definitions", {}).get("inventory-items", [])}
        for o in result.get("observations", []):
            for s in o.get("subjects", []):
                if s["subject-uuid"] not in items:
                    problems.append(f"observation {o['uuid']}: subject {s['subject-uuid']} is no inventory item")
            for e in o.get("relevant-evidence", []):
                h = e.get("href", "")
                if h.startswith("#") and h[1:] not in resources:
                    problems.append(f"observation {o['uuid']}: evidence href {h} names no resource")
        for f in result.get("findings", []):
            for r in f.get("related-observations", []):
                if r["observation-uuid"] not in observations:
                    problems.append(f"finding {f['uuid']}: observation {r['observation-uuid']} is not in the result")
    return problems


def trestle_validate(path):
    """`trestle validate -a` on the file in a new workspace: (ok, output)."""
    trestle = shutil.which("trestle", path=str(pathlib.Path(sys.executable).parent)) or "trestle"
    with tempfile.TemporaryDirectory() as ws:
        subprocess.run([trestle, "init"], cwd=ws, check=True, capture_output=True)
        home = pathlib.Path(ws, "assessment-results", "vouch")
        home.mkdir(parents=True)
        shutil.copy(path, home / "assessment-results.json")
        run = subprocess.run([trestle, "validate", "-a"], cwd=ws, capture_output=True, text=True)
        return run.returncode == 0, (run.stdout + run.stderr).strip()


def main():
    path = pathlib.Path(sys.argv[1])
    doc = json.loads(path.read_text(encoding="utf-8"))
    try:
        model = AssessmentResults.oscal_read(path)
    except Exception as e:  # pydantic's ValidationError, or trestle's own
        print(f"trestle's AssessmentResults model refuses {path}:\n{e}")
        return 1
    if model is None:
        print(f"trestle read nothing from {path}")
        return 1
    ok, output = trestle_validate(path)
    if not ok:
        print(f"trestle validate refuses {path}:\n{output}")
        return 1
    problems = references(doc)
    if problems:
        print("\n".join(problems))
        return 1
    results = model.results
    print(
        f"valid OSCAL {OSCAL_VERSION} assessment-results: {len(results)} results, "
        f"{sum(len(r.observations or []) for r in results)} observations, "
        f"{sum(len(r.findings or []) for r in results)} findings"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
