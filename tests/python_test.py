# python_test.py — the python backend's tests: what kernel_test.cpp and cli_test.cpp check for a C++
# backend, for build/bin/sumsq-python (a script: nothing to link, so the kernel is imported).
#
#   python3 tests/python_test.py --list            the cases, "id: what it checks" (ctest adds one test each)
#   python3 tests/python_test.py BINARY CASE       runs one case; exit 0 pass, 1 fail
#
# No case depends on timing; N stays small (the interpreter takes ~50 ns per element).
import contextlib
import csv
import importlib.machinery
import importlib.util
import io
import json
import os
import subprocess
import sys
import tempfile

CASES = {}


def case(description):
    def register(function):
        CASES[function.__name__] = (description, function)
        return function
    return register


def load(binary):
    """The backend's file as a module (no .py suffix, so with an explicit loader)."""
    loader = importlib.machinery.SourceFileLoader("sumsq_python", binary)
    spec = importlib.util.spec_from_loader("sumsq_python", loader)
    module = importlib.util.module_from_spec(spec)
    loader.exec_module(module)
    return module


def run(binary, *args, env=None, stdout=subprocess.PIPE):
    return subprocess.run([binary, *args], stdout=stdout, stderr=subprocess.PIPE, text=True, env=env, timeout=60)


def reference(n):
    """An independent S(n): the loop, not the closed form."""
    total = 0
    for i in range(n):
        total += i * i
    return total


def expect(condition, what):
    if not condition:
        raise AssertionError(what)


def one_line_usage_error(result, what):
    lines = result.stderr.splitlines()
    expect(result.returncode == 2, f"{what}: exit {result.returncode}, expected 2; stderr {result.stderr!r}")
    expect(len(lines) == 1 and lines[0].startswith("sumsq-python: "), f"{what}: stderr is not one 'sumsq-python: ' line: {result.stderr!r}")
    expect(result.stdout == "", f"{what}: stdout not empty: {result.stdout!r}")
    return lines[0]


@contextlib.contextmanager
def captured():
    """sys.stdout and sys.stderr replaced by byte buffers (the backend writes to .buffer)."""
    class Stream:
        def __init__(self):
            self.buffer = io.BytesIO()

        def flush(self):
            pass

        def text(self):
            return self.buffer.getvalue().decode()

    saved = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = Stream(), Stream()
    try:
        yield sys.stdout, sys.stderr
    finally:
        sys.stdout, sys.stderr = saved


@case("both models exact for N in 0..65537 at 1 to 5 workers, pieces cover 0..N (in-process)")
def kernel(binary):
    m = load(binary)
    for n in (0, 1, 2, 3, 7, 1000, 65537):
        for parts in (1, 2, 3, 5):
            pieces = [m.piece(n, parts, k) for k in range(parts)]
            expect(pieces[0][0] == 0 and pieces[-1][1] == n and all(a[1] == b[0] for a, b in zip(pieces, pieces[1:])),
                   f"pieces of {n} in {parts}: {pieces}")
            expect(max(hi - lo for lo, hi in pieces) - min(hi - lo for lo, hi in pieces) <= 1, f"uneven pieces {pieces}")
    for model in ("threads", "processes"):
        for workers in (1, 2, 3, 5):
            kernel = m.Kernel(model, workers)
            for n in (0, 1, 2, 3, 7, 1000, 65537):
                total, reports = kernel.reduce(n)
                expect(total == reference(n), f"{model} P={workers} N={n}: {total} != {reference(n)}")
                expect(len(reports) == workers, f"{model} P={workers}: {len(reports)} reports")


@case("the oracle: exact around 2^32 and at the largest N, which matches the C++ binaries'")
def closed_form(binary):
    m = load(binary)
    for n in range(0, 50):
        expect(m.closed_form(n) == reference(n), f"closed_form({n})")
    base = 2**32 - 1000
    below = m.closed_form(base)
    for extra in range(995, 1006):  # across 2^32: S(base + k) = S(base) + the k squares after it
        n = base + extra
        expect(m.closed_form(n) == below + sum(i * i for i in range(base, n)), f"closed_form({n}) around 2^32")
    expect(m.MAX_N == 10_069_012_961_345, f"MAX_N {m.MAX_N}: not the C++ binaries' max_n")
    expect(m.closed_form(m.MAX_N) < 2**128 <= m.closed_form(m.MAX_N + 1), "MAX_N is not the largest N with S(N) < 2^128")
    line = one_line_usage_error(run(binary, "-n", str(m.MAX_N + 1)), "-n MAX_N + 1")
    expect("is too large; accepted range 0..10,069,012,961,345" in line, line)


@case("sum, JSON: exact at 1 and 3 workers of both models, the C++ backends' fields and types")
def json_report(binary):
    for model in ("threads", "processes"):
        for workers in ("1", "3"):
            r = run(binary, "-n", "1e4", "-t", workers, "-r", "2", "--warmup", "0", "--model", model, "--format", "json")
            expect(r.returncode == 0, f"{model} -t {workers}: exit {r.returncode}: {r.stderr}")
            j = json.loads(r.stdout)
            for key in ("backend", "model", "workload", "threads", "ok", "reps", "warmup", "idle_ms", "wall_seconds", "cpu_seconds",
                        "concurrency", "parallelism", "cpus_allowed", "cpus_seen", "parallelism_wall_seconds", "timer_overhead_seconds",
                        "environment", "n", "result", "expected", "elements_per_second", "schedule", "workers", "imbalance"):
                expect(key in j, f"JSON has no {key}")
            expect(j["backend"] == "python" and j["workload"] == "sum" and j["ok"] is True, f"{j['backend']} {j['workload']} {j['ok']}")
            expect(j["result"] == str(reference(10_000)) and j["expected"] == j["result"], f"result {j['result']!r}")
            expect(j["threads"] == int(workers) and len(j["workers"]) == int(workers), f"threads {j['threads']}")
            expect(j["python"]["model"] == model, f"python.model {j['python']['model']}")
            expect(len(j["wall_seconds"]["all"]) == 2 and j["wall_seconds"]["min"] <= j["wall_seconds"]["median"], "wall_seconds")
            expect(j["parallelism_wall_seconds"] > 0 and j["parallelism"] >= 0, "parallelism")
            expect(j["schedule"]["name"] == "blocks" and j["environment"]["cpu_model"], "schedule, environment")
    r = run(binary, "-n", "0", "-t", "2", "-r", "1", "--format", "json", "--no-concurrency")
    j = json.loads(r.stdout)
    expect(r.returncode == 0 and j["result"] == "0" and j["concurrency"] is None and "workers" not in j, "N = 0, --no-concurrency")


@case("every task runs every step in order, both models, 3 tasks on 2 workers, --trace-steps prints them")
def wait(binary):
    m = load(binary)
    plan = {"tasks": 2, "steps": 2, "wait_ms": 0}
    expect(m.wait_problem([(0, 0), (1, 0), (0, 1), (1, 1)], plan) == "", "a complete order is not OK")
    expect(m.wait_problem([(0, 1), (0, 0), (1, 0), (1, 1)], plan) == "Task A ran step 1 when step 0 was due", "out of order")
    expect(m.wait_problem([(0, 0), (0, 1), (1, 0)], plan) == "Task B completed 1 of 2 steps", "a missing step")
    expect([m.task_name(k) for k in (0, 25, 26, 27)] == ["A", "Z", "AA", "AB"], "task names")
    for model in ("threads", "processes"):
        r = run(binary, "--workload", "wait", "--tasks", "3", "--steps", "2", "--wait-ms", "2", "-t", "2", "-r", "1",
                "--warmup", "0", "--model", model, "--format", "json")
        expect(r.returncode == 0, f"{model}: exit {r.returncode}: {r.stderr}")
        j = json.loads(r.stdout)
        expect(j["ok"] is True and j["workload"] == "wait" and "result" not in j, f"{model}: ok {j['ok']}")
        order = j["step_order"]
        expect(sorted(order) == sorted(f"Task {t}: step {s}" for t in "ABC" for s in (0, 1)), f"{model}: {order}")
        for task in "ABC":
            expect(order.index(f"Task {task}: step 0") < order.index(f"Task {task}: step 1"), f"{model}: {task} out of order")
        expect(j["serial_seconds"] == 3 * 2 * 2 / 1000 and j["tasks"] == 3 and j["steps"] == 2 and j["wait_ms"] == 2, "plan fields")
        r = run(binary, "--workload", "wait", "--tasks", "2", "--steps", "2", "--wait-ms", "1", "-t", "2", "-r", "1", "--warmup", "0",
                "--model", model, "--trace-steps")
        traced = [line for line in r.stdout.splitlines() if line.startswith("+")]
        expect(r.returncode == 0 and len(traced) == 4 and all("Task " in line and "(thread " in line for line in traced), r.stdout)


@case("the C++ backends' header, one row that the csv module reads, exact")
def csv_report(binary):
    for args in (("-n", "1000"), ("--workload", "wait", "--wait-ms", "1", "--steps", "1")):
        r = run(binary, *args, "-t", "2", "-r", "1", "--format", "csv")
        expect(r.returncode == 0, f"exit {r.returncode}: {r.stderr}")
        rows = list(csv.reader(io.StringIO(r.stdout)))
        expect(rows[0] == ("backend,workload,n,threads,tasks,result,expected,ok,wall_median_s,wall_min_s,wall_max_s,cpu_median_s,"
                           "parallelism,items_per_second,concurrency,imbalance,schedule,bytes_per_second").split(","), f"header {rows[0]}")
        expect(len(rows) == 2 and len(rows[1]) == len(rows[0]), f"rows {rows}")
        row = dict(zip(rows[0], rows[1]))
        expect(row["backend"] == "python" and row["ok"] == "true" and float(row["wall_median_s"]) > 0, f"row {row}")
        if row["workload"] == "sum":
            expect(row["result"] == row["expected"] == str(reference(1000)), f"result {row['result']}")
        else:
            expect(row["result"] == "" and row["tasks"] == "2", f"wait row {row}")


@case("one JSON line with the C++ backends' keys, its models, workloads and sweep limit")
def describe(binary):
    r = run(binary, "--describe")
    expect(r.returncode == 0 and r.stdout.count("\n") == 1, f"exit {r.returncode}: {r.stdout!r} {r.stderr}")
    d = json.loads(r.stdout)
    for key in ("backend", "model", "one_thread", "splits_into_tasks", "kernel_paths", "runs_wait_workload", "multi_process",
                "schedules", "takes_partitioner", "takes_nested", "takes_bind", "version"):
        expect(key in d, f"--describe has no {key}")
    expect(d["backend"] == "python" and d["one_thread"] is False and d["multi_process"] is False, f"{d}")
    expect([m["name"] for m in d["models"]] == ["threads", "processes", "free-threaded"] and d["workloads"] == ["sum", "wait"], f"{d}")
    expect([m["workers"] for m in d["models"]] == ["threads", "processes", "threads"] and all(m["note"] for m in d["models"]), f"{d}")
    expect(d["own_baseline"] is True and d["sweep_limit"] == {"max_n": 10_000_000, "max_threads": 2}, f"{d}")
    expect(set(d["models_absent"]) <= {"free-threaded"}, f"models_absent {d['models_absent']}")
    expect(d["version"] != "unconfigured", "the built copy carries the project version")
    help_text = run(binary, "--help")
    expect(help_text.returncode == 0 and "--model" in help_text.stdout and help_text.stderr == "", "--help")
    version = run(binary, "--version")
    expect(version.returncode == 0 and version.stdout == f"sumsq-python {d['version']}\n", f"--version {version.stdout!r}")


BAD_INPUT = [
    (["-n", "1.5"], "--n: '1.5' is not a whole number: write digits (10000000), groups (10_000_000) or a power of ten (1e7)"),
    (["-n", "-3"], "--n: -3 is negative"),
    (["-n", "1e99"], "--n: 1e99 is too large"),
    (["-n", "1__0"], "is not a whole number"),
    (["-n", ""], "is not a whole number"),
    (["-n"], "-n: a value is missing"),
    (["-t", "0"], "--threads: 0 is too small; accepted range 1..4,096"),
    (["-t", "4097"], "--threads: 4097 is too large"),
    (["-r", "0"], "--reps: 0 is too small"),
    (["--warmup", "x"], "--warmup: 'x' is not a whole number"),
    (["--format", "xml"], "--format: unknown value 'xml'; accepted: table|json|csv"),
    (["--model", "greenlets"], "--model: unknown value 'greenlets'; accepted: threads|processes|free-threaded"),
    (["--workload", "jobs"], "--workload: sumsq-python runs the sum and wait workloads only"),
    (["--workload", "nosuch"], "--workload: unknown value 'nosuch'"),
    (["--steps", "3"], "--steps: applies to --workload wait"),
    (["--wait-ms", "5"], "--wait-ms: applies to --workload wait"),
    (["--tasks", "3"], "--tasks: sumsq-python splits the sum workload by --threads"),
    (["--workload", "wait", "--wait-ms", "-1"], "--wait-ms: -1 is negative"),
    (["--workload", "wait", "--tasks", "0"], "--tasks: 0 is too small"),
    (["--schedule", "dynamic"], "--schedule: sumsq-python does not take it"),
    (["--kernel", "avx2"], "--kernel: sumsq-python does not take it"),
    (["--bind", "close"], "--bind: sumsq-python does not take it"),
    (["--nested"], "--nested: sumsq-python does not take it"),
    (["--jobs", "4"], "--jobs: sumsq-python does not take it"),
    (["--nosuch"], "--nosuch: unknown option"),
    (["extra"], "'extra' was not expected"),
    (["-n", "5", "-n", "6"], "--n: given twice"),
    (["--describe=1"], "--describe: takes no value"),
    (["--cpus", "abc"], "--cpus: 'abc' is not a CPU list"),
    (["--cpus", "1-0"], "--cpus: '1-0' is an empty range"),
    (["--cpus", "99999"], "--cpus: CPU 99999 is not available to this process"),
    (["-n", "1\n2"], "'1\\n2' is not a whole number"),  # a newline in the input stays on one line
]


@case("exit 2 with one line naming the option, for every row of the table")
def bad_input(binary):
    for args, message in BAD_INPUT:
        line = one_line_usage_error(run(binary, *args), " ".join(args))
        expect(message in line, f"{args}: {line!r} does not say {message!r}")


@case("a wrong sum exits 1 with both numbers, in both models (a partial made wrong by the test)")
def mismatch(binary):
    m = load(binary)
    right = m.sum_squares
    m.sum_squares = lambda lo, hi: right(lo, hi) + (1 if lo == 0 else 0)
    for model in ("threads", "processes"):
        with captured() as (out, err):
            code = m.main(["-n", "1000", "-t", "2", "-r", "2", "--warmup", "0", "--model", model, "--format", "json"])
        expected = reference(1000)
        expect(code == 1, f"{model}: exit {code}, expected 1")
        expect(err.text() == f"sumsq-python: MISMATCH for N=1000: got {expected + 1}, expected {expected}\n", f"{model}: {err.text()!r}")
        j = json.loads(out.text())
        expect(j["ok"] is False and j["result"] == str(expected + 1) and "MISMATCH" in j["problem"], f"{model}: {j['ok']} {j['result']}")


@case("a worker that fails or dies exits 3 with one line, threads and processes")
def worker_failure(binary):
    m = load(binary)
    right = m.sum_squares

    def failing(lo, hi):
        if lo > 0:
            raise ValueError("the test's failure")
        return right(lo, hi)

    def dying(lo, hi):
        if lo > 0:
            os._exit(7)  # a process worker that vanishes without reporting
        return right(lo, hi)

    for model, fault, says in (("threads", failing, "ValueError: the test's failure"), ("processes", failing, "ValueError: the test's failure"),
                               ("processes", dying, "ended with exit code 7 before it reported")):
        m.sum_squares = fault
        with captured() as (out, err):
            code = m.main(["-n", "1000", "-t", "2", "-r", "1", "--warmup", "0", "--model", model])
        lines = err.text().splitlines()
        expect(code == 3 and len(lines) == 1 and says in lines[0] and lines[0].startswith("sumsq-python: error: "),
               f"{model} {fault.__name__}: exit {code}, stderr {err.text()!r}")


@case("--model free-threaded: absent -> exit 2 naming python3.13t, a python3.13t that is not free-threaded -> exit 3")
def free_threaded(binary):
    env = dict(os.environ, PATH="/nonexistent")
    line = one_line_usage_error(run(binary, "--model", "free-threaded", "-n", "10", env=env), "no free-threaded CPython")
    expect("free-threaded is absent: no free-threaded CPython (python3.13t or later) on PATH" in line, line)
    d = json.loads(run(binary, "--describe", env=env).stdout)
    expect("free-threaded" in d["models_absent"], f"describe without one: {d['models_absent']}")
    with tempfile.TemporaryDirectory() as folder:  # a python3.13t that is really this GIL build
        os.symlink(sys.executable, os.path.join(folder, "python3.13t"))
        env = dict(os.environ, PATH=folder)
        impostor = run(binary, "--model", "free-threaded", "-n", "10", "-r", "1", env=env)
        if load(binary).free_threaded_build():
            return  # this interpreter is free-threaded itself: nothing to re-execute
        lines = impostor.stderr.splitlines()
        expect(impostor.returncode == 3 and len(lines) == 1 and "is not one (Py_GIL_DISABLED unset)" in lines[0],
               f"exit {impostor.returncode}: {impostor.stderr!r}")


@case("/dev/full as stdout: exit 3 with one line")
def stdout_lost(binary):
    if not os.path.exists("/dev/full"):
        print("no /dev/full: skipped")
        sys.exit(77)
    with open("/dev/full", "w") as full:
        r = run(binary, "-n", "10", "-r", "1", "--warmup", "0", stdout=full)
    lines = r.stderr.splitlines()
    expect(r.returncode == 3 and len(lines) == 1 and lines[0].startswith("sumsq-python: error: "), f"exit {r.returncode}: {r.stderr!r}")


def main(argv):
    if argv == ["--list"]:
        for name, (description, _) in CASES.items():
            print(f"{name}: {description}")
        return 0
    if len(argv) != 2 or argv[1] not in CASES:
        print(f"usage: {sys.argv[0]} --list | BINARY CASE ({', '.join(CASES)})", file=sys.stderr)
        return 2
    try:
        CASES[argv[1]][1](argv[0])
    except AssertionError as failure:
        print(f"FAILED {argv[1]}: {failure}", file=sys.stderr)
        return 1
    print(f"passed {argv[1]}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
