#!/usr/bin/env python3
"""Every CSV the project writes, read back with a real CSV parser (Python's csv module).

  csv_test.py backends BIN_DIR NAME...   each sumsq-NAME --format csv, with a schedule holding a comma
                                         where the backend has a knob (openmp/threads/pool: KIND,5;
                                         tbb: --grain 5, named "auto,grain=5")
  csv_test.py compare BIN_DIR            sumsq-compare's results.csv, with a --schedules row "dynamic,3"

Checks: one header and one row per run, every row as long as the header, and the columns where the
header says (n, ok, schedule, bytes_per_second). Exit 0 when all hold, 1 otherwise.
"""
import csv
import io
import json
import os
import subprocess
import sys
import tempfile

failures = []


def check(condition, what):
    if not condition:
        failures.append(what)
        print("FAIL:", what)


def positive(text):
    try:
        return float(text) > 0
    except ValueError:
        return False


def parse(text, where):
    rows = list(csv.reader(io.StringIO(text, newline=""), strict=True))
    check(len(rows) >= 2, f"{where}: a header and at least one row, got {len(rows)} rows")
    for k, row in enumerate(rows[1:], 1):
        check(len(row) == len(rows[0]), f"{where}: row {k} has {len(row)} fields, the header {len(rows[0])}")
    return [dict(zip(rows[0], row)) for row in rows[1:]]


def backends(bin_dir, names):
    for name in names:
        binary = os.path.join(bin_dir, "sumsq-" + name)
        info = json.loads(subprocess.run([binary, "--describe"], capture_output=True, text=True, check=True).stdout)
        args, expected = [], None
        if info.get("schedules"):
            kind = info["schedules"].split("|")[0] if isinstance(info["schedules"], str) else info["schedules"][0]
            args, expected = ["--schedule", kind + ",5"], kind + ",5"
        elif info.get("takes_partitioner"):
            args, expected = ["--grain", "5"], "auto,grain=5"
        for workload in ("sum", "array"):
            command = [binary, "-n", "1000", "-r", "1", "--warmup", "0", "--format", "csv", "--workload", workload] + args
            run = subprocess.run(command, capture_output=True, text=True)
            where = " ".join(command[:1] + command[1:])
            check(run.returncode == 0, f"{where}: exit {run.returncode}: {run.stderr.strip()}")
            if run.returncode != 0:
                continue
            rows = parse(run.stdout, where)
            check(len(rows) == 1, f"{where}: one row, got {len(rows)}")
            row = rows[0]
            check(row.get("backend") == name, f"{where}: backend column is {row.get('backend')!r}")
            check(row.get("n") == "1000", f"{where}: n column is {row.get('n')!r}")
            check(row.get("ok") == "true", f"{where}: ok column is {row.get('ok')!r}")
            check(row.get("result") == "332833500", f"{where}: result column is {row.get('result')!r}")
            if expected:
                check(row.get("schedule") == expected, f"{where}: schedule column is {row.get('schedule')!r}, expected {expected!r}")
            bandwidth = row.get("bytes_per_second", "")
            if workload == "array":
                check(positive(bandwidth), f"{where}: bytes_per_second is {bandwidth!r}")
            else:
                check(bandwidth == "", f"{where}: bytes_per_second is {bandwidth!r} on the sum workload")
            multi = info.get("multi_process", False)
            check((row.get("ranks") == "1") if multi else (row.get("ranks") == ""), f"{where}: ranks column is {row.get('ranks')!r}")


def compare(bin_dir):
    with tempfile.TemporaryDirectory() as scratch:
        out = os.path.join(scratch, "out")
        command = [os.path.join(bin_dir, "sumsq-compare"), "--backends", "serial,threads", "--workloads", "sum", "--sizes", "1e3",
                   "--threads", "2", "--rounds", "1", "--reps", "1", "--warmup", "0", "--schedules", "threads:dynamic/3", "--out", out]
        run = subprocess.run(command, capture_output=True, text=True)
        check(run.returncode == 0, f"sumsq-compare: exit {run.returncode}: {run.stderr.strip()}")
        if run.returncode != 0:
            return
        with open(os.path.join(out, "results.csv"), newline="") as f:
            rows = parse(f.read(), "results.csv")
        schedules = {row["backend"]: row["schedule"] for row in rows}
        check(schedules.get("threads:dynamic/3") == "dynamic,3", f"results.csv: schedules {schedules}")
        for row in rows:
            check(row["status"] == "OK" and row["n"] == "1000", f"results.csv: row {row}")


if __name__ == "__main__":
    if len(sys.argv) >= 3 and sys.argv[1] == "backends":
        backends(sys.argv[2], sys.argv[3:])
    elif len(sys.argv) == 3 and sys.argv[1] == "compare":
        compare(sys.argv[2])
    else:
        sys.exit(__doc__)
    print("OK" if not failures else f"{len(failures)} failure(s)")
    sys.exit(1 if failures else 0)
