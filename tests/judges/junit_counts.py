"""Read a JUnit XML report back as CI dashboards do, with junitparser.

Usage: python junit_counts.py FILE

Prints one JSON object: the totals counted from the test cases' own results
(`tests`, `failures`, `errors`, `skipped`), the same four as the report's
attributes declare them (`declared`, summed over suites), and per suite its name,
hostname and counted totals. Exits 1 when the file is not well-formed XML or not
a JUnit report.
"""

import json
import sys

from junitparser import Error, Failure, JUnitXml, Skipped


def counted(cases):
    totals = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
    for case in cases:
        totals["tests"] += 1
        for result in case.result:
            if isinstance(result, Failure):
                totals["failures"] += 1
            elif isinstance(result, Error):
                totals["errors"] += 1
            elif isinstance(result, Skipped):
                totals["skipped"] += 1
    return totals


def main():
    try:
        xml = JUnitXml.fromfile(sys.argv[1])
    except Exception as e:  # the XML parser's error: not well-formed
        print(f"junitparser cannot read {sys.argv[1]}: {e}")
        return 1
    suites = []
    declared = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
    everything = []
    for suite in xml:
        cases = list(suite)
        everything.extend(cases)
        for key in declared:
            declared[key] += int(getattr(suite, key) or 0)
        suites.append({"name": suite.name, "hostname": suite.hostname, **counted(cases)})
    print(json.dumps({**counted(everything), "declared": declared, "suites": suites}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
