#!/usr/bin/python3
# python — CPython, where the lesson comes from: threads under the GIL, processes with a queue.
#
# Model:    the classic example's two forms, on Debian's python3 (the shebang above):
#           --model threads (default): P threading.Thread workers in this interpreter;
#           --model processes: P multiprocessing.Process workers (fork: each a copy of this
#           interpreter, with its own lock), reporting on a multiprocessing.Queue;
#           --model free-threaded: the threads again, on a free-threaded CPython (python3.13t or
#           later, PEP 703) if one is on PATH; without one it exits 2 saying so.
# Split:    [0, N) in P contiguous pieces whose sizes differ by at most one (the C++ kernels'
#           piece()); worker k sums its piece with the classic line, sum(i * i for i in range(lo, hi)).
#           Wait workload: worker k runs tasks k, k + P, … one after another, each step
#           "announce, then time.sleep".
# Combine:  threads: each thread stores its partial in its own list slot, and the caller adds the
#           slots after join(). processes: each child puts (k, partial) on the queue; the caller
#           takes P items, then joins. Python integers are exact at any size: no 128-bit care.
# Notice:   the GIL. Only the thread holding the global interpreter lock runs bytecode, so two
#           threads summing squares take turns: concurrency 2 (both in progress), parallelism
#           ≈ 1.0 (one CPU busy), no speedup. time.sleep releases the lock, so the wait workload
#           overlaps at ≈ P×. Processes have one interpreter and one lock each: parallelism ≈ P
#           and a real speedup, minus a fork and a pickled result per worker per call (both
#           timed, as thread start-up is for `threads`). Take the results before join(): a child
#           whose item is still in the queue's pipe cannot finish. CPU time counts this process
#           and its waited-for children (getrusage RUSAGE_CHILDREN).
#
# The kernel is the first part of this file; below it is what the C++ backends get from
# src/driver/: the same command line, timing, exact check against the closed form, and
# table, JSON and CSV reports (docs/json.md).
import json
import math
import multiprocessing
import os
import platform
import queue
import re
import resource
import sys
import sysconfig
import threading
import time

VERSION = "@PROJECT_VERSION@"  # filled in by CMake when it copies this file to build/bin/sumsq-python
if VERSION.startswith("@"):
    VERSION = "unconfigured"
MODEL = "CPython: threading.Thread under the GIL, or multiprocessing.Process and a queue"
MODELS = ("threads", "processes", "free-threaded")
# For sumsq-compare (--describe): one row per model, its workers' word and what the row shows.
MODEL_ROWS = [{"name": "threads", "workers": "threads", "note": "one interpreter lock (the GIL): one thread runs Python at a time"},
              {"name": "processes", "workers": "processes", "note": "an interpreter and a lock per process"},
              {"name": "free-threaded", "workers": "threads", "note": "no GIL (PEP 703): the threads run Python at the same time"}]
FORK = multiprocessing.get_context("fork")  # the classic example's start method on Linux; spawn re-imports this file per child


# ---- the kernel -------------------------------------------------------------------------------

def piece(n, parts, k):
    """Piece k of [0, n) cut into `parts` contiguous pieces whose sizes differ by at most one."""
    base, longer = divmod(n, parts)
    lo = k * base + min(k, longer)
    return lo, lo + base + (1 if k < longer else 0)


def sum_squares(lo, hi):
    """The classic example's line: the exact sum of i*i over [lo, hi)."""
    return sum(i * i for i in range(lo, hi))


def sum_block(k, n, workers):
    """Worker k's share of the sum workload: its piece, and the span it took."""
    lo, hi = piece(n, workers, k)
    begin = clock_ns()
    partial = sum_squares(lo, hi)
    end = clock_ns()
    return {"partial": partial, "tasks": [(begin, end, end - begin)], "cpu": this_cpu()}


def wait_tasks(k, plan, workers, trace):
    """Worker k's share of the wait workload: tasks k, k + P, …, each step announce-then-sleep."""
    steps, tasks = [], []
    for task in range(k, plan["tasks"], workers):
        begin = woke = clock_ns()
        busy = 0
        for step in range(plan["steps"]):
            now = clock_ns()
            steps.append((now, task, step))
            busy += now - woke
            if trace is not None:
                trace(now, task, step, k)
            time.sleep(plan["wait_ms"] / 1000)  # releases the GIL: the other threads run meanwhile
            woke = clock_ns()
        tasks.append((begin, woke, busy))
    return {"steps": steps, "tasks": tasks, "cpu": this_cpu()}


def on_threads(workers, job, *args):
    """job(0, *args) … job(P − 1, *args) on P new threads; the caller joins them all."""
    results, errors = [None] * workers, []

    def run(k):
        try:
            results[k] = job(k, *args)  # its own slot: no lock needed to store it
        except BaseException as error:  # a thread's exception would only be printed: keep it for the caller
            errors.append(error)

    threads = []
    try:
        for k in range(workers):
            threads.append(threading.Thread(target=run, args=(k,)))
            threads[-1].start()
    finally:
        for thread in threads:
            thread.join()  # join() is what makes the slots safe to read
    if errors:
        raise errors[0]
    return results


def on_processes(workers, job, results, *args):
    """job(0, *args) … job(P − 1, *args) in P new processes, each putting (k, result) on `results`."""
    children = []
    try:
        for k in range(workers):
            children.append(FORK.Process(target=report_to, args=(results, k, job, args)))
            children[-1].start()
        got = take_results(results, children)  # before join(): see the Notice above
    finally:
        for child in children:
            child.join()
    return got


def report_to(results, k, job, args):
    """A child's whole life: run its share, put the result (or its error) on the queue."""
    try:
        results.put((k, job(k, *args), None))
    except BaseException as error:
        results.put((k, None, f"{type(error).__name__}: {error}"))


def take_results(results, children):
    """One item per child, in any order; a child that died without reporting is an error."""
    got = [None] * len(children)
    pending = len(children)
    while pending:
        try:
            k, value, error = results.get(timeout=1)
        except queue.Empty:
            for child in children:
                if child.exitcode not in (None, 0):
                    raise RuntimeError(f"worker process {child.pid} ended with exit code {child.exitcode} before it reported")
            continue
        if error is not None:
            raise RuntimeError(f"worker process {k + 1} of {len(children)} failed: {error}")
        got[k] = value
        pending -= 1
    return got


class Kernel:
    """The backend: runs one call of a workload on the chosen model. The queue is made once, untimed."""

    def __init__(self, model, workers):
        self.model, self.workers = model, workers
        self.results = FORK.Queue() if model == "processes" else None

    def run(self, job, *args):
        if self.model == "processes":
            return on_processes(self.workers, job, self.results, *args)
        return on_threads(self.workers, job, *args)  # threads, and free-threaded (no GIL)

    def reduce(self, n):
        """The sum workload: every worker's partial, and their exact total."""
        reports = self.run(sum_block, n, self.workers)
        return sum(r["partial"] for r in reports), reports

    def run_wait(self, plan, trace=None):
        return self.run(wait_tasks, plan, self.workers, trace)


# ---- the harness: what src/driver/ is for the C++ backends ------------------------------------

def clock_ns():
    """CLOCK_MONOTONIC, one clock for every thread and process of the run (steady_clock in C++)."""
    return time.clock_gettime_ns(time.CLOCK_MONOTONIC)


def this_cpu():
    """The CPU the calling thread runs on (field 39 of /proc/thread-self/stat); None if unreadable."""
    try:
        with open("/proc/thread-self/stat", "rb") as stat:
            text = stat.read()
        return int(text[text.rindex(b")") + 2:].split()[36])
    except (OSError, ValueError, IndexError):
        return None


def cpu_seconds():
    """CPU time of this process (all threads) and of its children that were waited for."""
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + children.ru_utime + children.ru_stime


def closed_form(n):
    """The oracle: S(n) = n(n − 1)(2n − 1)/6, in Python integers."""
    return n * (n - 1) * (2 * n - 1) // 6


def derive_max_n():
    """The largest n with S(n) < 2^128, as the C++ binaries accept (contract/reference.hpp)."""
    fits, overflows = 0, 1 << 45
    while overflows - fits > 1:
        mid = (fits + overflows) // 2
        if closed_form(mid) < 1 << 128:
            fits = mid
        else:
            overflows = mid
    return fits


MAX_N = derive_max_n()
MAX_THREADS, MAX_REPS, MAX_TASKS, MAX_STEPS = 4096, 1_000_000, 1 << 20, 1_000_000
MAX_WAIT_MS, MAX_IDLE_MS = 3_600_000, 60_000
PARALLELISM_MIN_SECONDS = 0.2
SWEEP_LIMIT = {"max_n": 10_000_000, "max_threads": 2}  # sumsq-compare's default rows: the classic size
EXIT_OK, EXIT_MISMATCH, EXIT_USAGE, EXIT_RUNTIME = 0, 1, 2, 3


class UsageError(Exception):
    """Bad input: one line on stderr, exit 2."""


def grouped(value):
    return f"{value:,}"


def duration_text(s):
    if s < 1e-6:
        return f"{s * 1e9:.1f} ns"
    if s < 1e-3:
        return f"{s * 1e6:.2f} µs"
    if s < 1:
        return f"{s * 1e3:.2f} ms"
    return f"{s:.3f} s"


def one_line(text):
    out = []
    for c in str(text):
        if c == "\n":
            out.append("\\n")
        elif c == "\t":
            out.append("\\t")
        elif c == "\r":
            out.append("\\r")
        elif ord(c) < 0x20 or ord(c) == 0x7F:
            out.append(f"\\x{ord(c):02x}")
        else:
            out.append(c)
    return "".join(out)


def cpu_list(cpus):
    """[0, 1, 2, 5] -> "0-2,5"."""
    out, k = [], 0
    cpus = sorted(cpus)
    while k < len(cpus):
        end = k
        while end + 1 < len(cpus) and cpus[end + 1] == cpus[end] + 1:
            end += 1
        out.append(str(cpus[k]) if end == k else f"{cpus[k]}-{cpus[end]}")
        k = end + 1
    return ",".join(out)


# -- the command line (src/driver/cli.cpp, the same names, grammar and messages) --

COUNT_GRAMMAR = "write digits (10000000), groups (10_000_000) or a power of ten (1e7)"
DIGITS = re.compile(r"[0-9]+(?:_[0-9]+)*")


def parse_count(option, text, low, high, note=""):
    note = f" ({note})" if note else ""
    accepted = f"accepted range {grouped(low)}..{grouped(high)}{note}"
    if text.startswith("-"):
        raise UsageError(f"{option}: {text} is negative; {accepted}")
    mantissa, e, exponent = text.partition("e") if "e" in text else text.partition("E")
    if not DIGITS.fullmatch(mantissa) or (e and not DIGITS.fullmatch(exponent)):
        raise UsageError(f"{option}: '{text}' is not a whole number: {COUNT_GRAMMAR}; {accepted}")
    value, power = int(mantissa.replace("_", "")), int(exponent.replace("_", "")) if e else 0
    if value and (power > 20 or value * 10**power >= 1 << 64):
        raise UsageError(f"{option}: {text} is too large; {accepted}")
    value *= 10**power if value else 1
    if value > high:
        raise UsageError(f"{option}: {text} is too large; {accepted}")
    if value < low:
        raise UsageError(f"{option}: {text} is too small; {accepted}")
    return value


def parse_choice(option, text, choices):
    if text not in choices:
        raise UsageError(f"{option}: unknown value '{text}'; accepted: {'|'.join(choices)}")
    return text


def parse_cpus(option, text):
    allowed = sorted(os.sched_getaffinity(0))
    cpus = set()
    for item in text.split(","):
        first, dash, last = item.partition("-")
        for part in (first, last) if dash else (first,):
            if not part or len(part) > 5 or not part.isdigit() or not part.isascii():
                raise UsageError(f"{option}: '{text}' is not a CPU list: write CPU numbers and ranges such as 0, 0-1 or 0,2-3")
        lo, hi = int(first), int(last if dash else first)
        if hi < lo:
            raise UsageError(f"{option}: '{item}' is an empty range in '{text}'")
        cpus.update(range(lo, hi + 1))
    for c in sorted(cpus):
        if c not in allowed:
            raise UsageError(f"{option}: CPU {c} is not available to this process; available: {cpu_list(allowed)}")
    return sorted(cpus)


# What it takes (each with its value's name for --help) and what it knows but refuses.
VALUE_OPTIONS = {"--n": "-n", "--threads": "-t", "--reps": "-r", "--warmup": None, "--idle-ms": None, "--format": None,
                 "--workload": None, "--model": None, "--tasks": None, "--steps": None, "--wait-ms": None, "--cpus": None}
FLAGS = {"--help": "-h", "--version": None, "--describe": None, "--trace-steps": None, "--no-concurrency": None}
ONLY_SUM_AND_WAIT = "sumsq-python runs the sum and wait workloads only"
NO_KNOB = "each worker takes one even piece (CPython's threads and processes have no scheduling knob)"
REFUSED = {
    "--jobs": ONLY_SUM_AND_WAIT, "--seed": ONLY_SUM_AND_WAIT, "--skew": ONLY_SUM_AND_WAIT, "--order": ONLY_SUM_AND_WAIT,
    "--fill": ONLY_SUM_AND_WAIT, "--schedule": NO_KNOB, "--partitioner": NO_KNOB, "--grain": NO_KNOB, "--nested": NO_KNOB,
    "--bind": "it pins no worker; --cpus restricts the whole process and its children",
    "--step": "it applies to interleaved's tasks",
    "--trace": "it has no span-recorder files; --trace-steps prints the steps as they run",
    "--timeline": "it has no span-recorder files; --trace-steps prints the steps as they run",
    "--kernel": "it has no range-kernel paths: the interpreter does the per-element work",
}
SHORT = {short: name for name, short in {**VALUE_OPTIONS, **FLAGS}.items() if short}

HELP = f"""sumsq-python: exact sum of squares S(N) = sum of i*i for i in [0, N) — {MODEL}
Usage: sumsq-python [OPTIONS]

Options:
  -h,--help               Print this help message and exit
  --version               Display program version information and exit
  -n,--n TEXT             N, the number of terms: 0..{grouped(MAX_N)} (default 10_000_000; 1e7 and 10_000_000 accepted)
  -t,--threads TEXT       workers (threads, or processes with --model processes): 1..{MAX_THREADS} (default: the CPUs this process may use)
  --model TEXT            threads (threading.Thread, under the GIL; default) | processes (multiprocessing.Process and a queue)
                          | free-threaded (the threads on python3.13t or later from PATH; exit 2 if there is none)
  -r,--reps TEXT          timed repetitions: 1..1,000,000 (default 5)
  --warmup TEXT           untimed runs first: 0..1,000,000 (default 1)
  --idle-ms TEXT          untimed sleep before each timed repetition: 0..60,000 ms (default 0)
  --format TEXT           output: table|json|csv (default table)
  --workload TEXT         sum (CPU-bound, default) or wait (tasks that announce a step, then sleep)
  --tasks TEXT            wait workload: tasks A, B, … (default 2)
  --steps TEXT            wait workload: steps per task (default 3)
  --wait-ms TEXT          wait workload: milliseconds each step waits (default 100)
  --trace-steps           wait workload: print 'Task A: step 0', … in execution order (one extra, untimed run)
  --cpus TEXT             run only on these CPUs, e.g. 0 or 0-1 or 0,2 (default: as started)
  --no-concurrency        do not record task spans in the timed runs (no concurrency figure)
  --describe              print this backend's name and concept as JSON and exit

Not taken (the C++ backends' options; each exits 2): {', '.join(REFUSED)}
"""


def parse_command_line(argv):
    """A dict of the options given (name -> text, or True for a flag); raises UsageError."""
    given = {}
    k = 0
    while k < len(argv):
        arg = argv[k]
        k += 1
        value = None
        if arg.startswith("--") and "=" in arg:
            arg, value = arg.split("=", 1)
        elif len(arg) > 2 and arg[0] == "-" and arg[1] != "-" and arg[:2] in SHORT:
            arg, value = arg[:2], arg[2:]
        name = SHORT.get(arg, arg)
        if name in REFUSED:
            raise UsageError(f"{name}: sumsq-python does not take it; {REFUSED[name]}")
        if name in FLAGS:
            if value is not None:
                raise UsageError(f"{arg}: takes no value (see --help)")
            value = True
        elif name in VALUE_OPTIONS:
            if value is None:
                if k == len(argv):
                    raise UsageError(f"{arg}: a value is missing (see --help)")
                value = argv[k]
                k += 1
        elif arg.startswith("-"):
            raise UsageError(f"{arg}: unknown option (see --help)")
        else:
            raise UsageError(f"'{arg}' was not expected: sumsq-python takes options only (see --help)")
        if name in given:
            raise UsageError(f"{name}: given twice; give it once")
        given[name] = value
    return given


def options_from(given):
    """Validated options with defaults, the way cli.cpp checks them."""
    o = {"n": 10_000_000, "reps": 5, "warmup": 1, "idle_ms": 0, "format": "table", "workload": "sum", "model": "threads",
         "wait": {"tasks": 2, "steps": 3, "wait_ms": 100}, "trace_steps": "--trace-steps" in given,
         "record_spans": "--no-concurrency" not in given, "cpus": []}
    if "--n" in given:
        o["n"] = parse_count("--n", given["--n"], 0, MAX_N, "the largest N whose S(N) fits in 128 bits")
    if "--reps" in given:
        o["reps"] = parse_count("--reps", given["--reps"], 1, MAX_REPS)
    if "--warmup" in given:
        o["warmup"] = parse_count("--warmup", given["--warmup"], 0, MAX_REPS)
    if "--idle-ms" in given:
        o["idle_ms"] = parse_count("--idle-ms", given["--idle-ms"], 0, MAX_IDLE_MS)
    if "--format" in given:
        o["format"] = parse_choice("--format", given["--format"], ("table", "json", "csv"))
    if "--workload" in given:
        o["workload"] = parse_choice("--workload", given["--workload"], ("sum", "wait", "jobs", "array", "tree"))
        if o["workload"] in ("jobs", "array", "tree"):
            raise UsageError(f"--workload: {ONLY_SUM_AND_WAIT}; {o['workload']} is a workload of the C++ backends")
    if "--model" in given:
        o["model"] = parse_choice("--model", given["--model"], MODELS)
    wait = o["workload"] == "wait"
    if "--cpus" in given:
        o["cpus"] = parse_cpus("--cpus", given["--cpus"])
    if "--threads" in given:
        o["threads"] = parse_count("--threads", given["--threads"], 1, MAX_THREADS)
    else:
        o["threads"] = len(o["cpus"]) if o["cpus"] else len(os.sched_getaffinity(0))
    if "--tasks" in given:
        if not wait:
            raise UsageError("--tasks: sumsq-python splits the sum workload by --threads; --tasks applies to --workload wait")
        o["wait"]["tasks"] = parse_count("--tasks", given["--tasks"], 1, MAX_TASKS)
    for name in ("--steps", "--wait-ms", "--trace-steps"):
        if name in given and not wait:
            raise UsageError(f"{name}: applies to --workload wait")
    if "--steps" in given:
        o["wait"]["steps"] = parse_count("--steps", given["--steps"], 1, MAX_STEPS)
    if "--wait-ms" in given:
        o["wait"]["wait_ms"] = parse_count("--wait-ms", given["--wait-ms"], 0, MAX_WAIT_MS)
    return o


# -- the free-threaded interpreter --

def free_threaded_build():
    return bool(sysconfig.get_config_var("Py_GIL_DISABLED"))


def gil_enabled():
    probe = getattr(sys, "_is_gil_enabled", None)  # 3.13+
    return True if probe is None else bool(probe())


def find_free_threaded():
    """The newest python3.M t (M >= 13) on PATH, as a path, or None."""
    best = None
    for folder in os.environ.get("PATH", "").split(os.pathsep):
        try:
            names = os.listdir(folder or ".")
        except OSError:
            continue
        for name in names:
            match = re.fullmatch(r"python3\.(\d+)t", name)
            path = os.path.join(folder or ".", name)
            if match and int(match[1]) >= 13 and os.access(path, os.X_OK) and (best is None or int(match[1]) > best[0]):
                best = (int(match[1]), path)
    return best[1] if best else None


def free_threaded_absence():
    """Why --model free-threaded cannot run here, or None when it can."""
    if free_threaded_build():
        return None
    if find_free_threaded() is None:
        return "no free-threaded CPython (python3.13t or later) on PATH"
    return None


def reexec_free_threaded(argv):
    """--model free-threaded on a GIL build: run this file again under python3.13t (or later)."""
    if os.environ.get("SUMSQ_PYTHON_REEXEC"):
        raise RuntimeError(f"{sys.executable} was chosen as a free-threaded CPython but is not one (Py_GIL_DISABLED unset)")
    path = find_free_threaded()
    if path is None:
        raise UsageError(f"--model: free-threaded is absent: {free_threaded_absence()}; install one (e.g. python3.13t) or use --model threads|processes")
    sys.stdout.flush()
    os.environ["SUMSQ_PYTHON_REEXEC"] = path
    os.execv(path, [path, "-X", "gil=0", os.path.abspath(__file__), *argv])


# -- one run: prepare, warm up, time, check, report (src/driver/main.cpp) --

def measure(warmup, reps, body, after, idle_ms):
    """Wall and CPU time per timed repetition, and the span parallelism is measured over (measure.cpp)."""
    for _ in range(warmup):
        body()
    wall, cpu = [], []
    for _ in range(reps):
        if idle_ms:
            time.sleep(idle_ms / 1000)
        cpu_begin = cpu_seconds()  # read outside the wall interval
        begin = time.perf_counter()
        body()
        end = time.perf_counter()
        cpu.append(cpu_seconds() - cpu_begin)
        wall.append(end - begin)
        after()
    wall_total, cpu_total = sum(wall), sum(cpu)
    if wall_total < PARALLELISM_MIN_SECONDS:  # the kernel credits CPU time at ticks: measure over 0.2 s at least
        runs = int(min(math.ceil(PARALLELISM_MIN_SECONDS / min(wall)), 1e6)) if min(wall) > 0 else 1_000_000
        cpu_begin, begin = cpu_seconds(), time.perf_counter()
        for _ in range(runs):
            body()
            if time.perf_counter() - begin >= PARALLELISM_MIN_SECONDS:
                break
        wall_total, cpu_total = time.perf_counter() - begin, cpu_seconds() - cpu_begin
    return {"wall": wall, "cpu": cpu, "parallelism_wall": wall_total, "parallelism_cpu": cpu_total}


def stats(values):
    ordered = sorted(values)
    n = len(ordered)
    median = ordered[n // 2] if n % 2 else (ordered[n // 2 - 1] + ordered[n // 2]) / 2
    return {"median": median, "min": ordered[0], "max": ordered[-1], "all": list(values)}


def timer_overhead_seconds():
    samples = []
    for k in range(1101):
        begin = time.perf_counter()
        end = time.perf_counter()
        if k >= 100:
            samples.append(end - begin)
    return stats(samples)["median"]


def step_line(task, step):
    return f"Task {task_name(task)}: step {step}"


def task_name(task):
    """A, …, Z, AA, AB, … (spreadsheet columns)."""
    name = ""
    task += 1
    while task:
        task, r = divmod(task - 1, 26)
        name = chr(ord("A") + r) + name
    return name


def wait_problem(order, plan):
    """Every task ran every step exactly once, in order; else what went wrong (wait_workload.cpp)."""
    due = [0] * plan["tasks"]
    for task, step in order:
        if step != due[task]:
            return f"Task {task_name(task)} ran step {step} when step {due[task]} was due"
        due[task] += 1
    for task, done in enumerate(due):
        if done != plan["steps"]:
            return f"Task {task_name(task)} completed {done} of {plan['steps']} steps"
    return ""


class Runner:
    """The chosen workload on the kernel; check() validates every result exactly."""

    def __init__(self, kernel, options):
        self.kernel, self.o = kernel, options
        self.expected = closed_form(options["n"]) if options["workload"] == "sum" else None
        self.result = self.last = None
        self.reports, self.problem = [], ""

    def run(self, trace=None):
        if self.o["workload"] == "wait":
            self.reports = self.kernel.run_wait(self.o["wait"], trace)
        else:
            self.result, self.reports = self.kernel.reduce(self.o["n"])

    def check(self):
        if self.o["workload"] == "wait":
            return wait_problem(self.order(), self.o["wait"])
        if self.last is None or self.result != self.expected:
            self.last = self.result  # keep a wrong one for the report
        if self.result != self.expected:
            return f"MISMATCH for N={self.o['n']}: got {self.result}, expected {self.expected}"
        return ""

    def order(self):
        steps = sorted(s for r in self.reports for s in r["steps"])  # one clock for all: execution order
        return [(task, step) for _, task, step in steps]


def spans_of(reports):
    """Σ task spans (ns) of one call, and per worker: busy seconds, tasks and the CPU it ended on."""
    total, workers = 0, []
    for k, r in enumerate(reports):
        total += sum(end - begin for begin, end, _ in r["tasks"])
        if r["tasks"]:
            workers.append({"thread": k + 1, "busy_seconds": sum(b for _, _, b in r["tasks"]) / 1e9, "tasks": len(r["tasks"]),
                            "cpus": [] if r["cpu"] is None else [r["cpu"]]})
    return total, workers


def traced_run(runner, options):
    """--trace-steps: one extra, untimed run, each step printed as it is announced."""
    fd = 1 if options["format"] == "table" else 2
    begin = clock_ns()

    def trace(now, task, step, k):
        cpu = this_cpu()
        line = f"+{(now - begin) / 1e6:.1f} ms  {step_line(task, step)}  (thread {k + 1}, CPU {'?' if cpu is None else cpu})\n"
        os.write(fd, line.encode())  # one write per line: whole lines from threads and processes alike

    runner.run(trace)
    return runner.check()


def describe():
    absent = free_threaded_absence()
    return {"backend": "python", "model": MODEL, "one_thread": False, "splits_into_tasks": False, "kernel_paths": [],
            "runs_wait_workload": True, "runs_tree": False, "tree_spawn_levels": 0, "tree_refusal": "an interpreter loop per element: the C++ backends measure a task's cost", "multi_process": False, "schedules": "", "takes_partitioner": False,
            "takes_nested": False, "takes_bind": False, "version": VERSION,
            "workloads": ["sum", "wait"], "models": MODEL_ROWS, "models_absent": {} if absent is None else {"free-threaded": absent},
            "own_baseline": True, "sweep_limit": SWEEP_LIMIT,
            "interpreter": {"executable": sys.executable, "version": platform.python_version(), "gil": gil_enabled()}}


def cpu_model():
    try:
        with open("/proc/cpuinfo") as cpuinfo:
            for line in cpuinfo:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return "unknown"


def environment():
    return {"cpu_model": cpu_model(), "logical_cpus": os.cpu_count(), "available_cpus": len(os.sched_getaffinity(0)),
            "compiler": f"{platform.python_implementation()} {platform.python_version()} ({platform.python_compiler()})",
            "sumsq_version": VERSION, "libraries": {platform.python_implementation(): platform.python_version()},
            "variables": {name: os.environ.get(name) for name in ("PYTHON_GIL", "PYTHONHASHSEED")}}


def python_json(options):
    model = options["model"]
    return {"model": model, "executable": sys.executable, "version": platform.python_version(), "gil": gil_enabled(),
            "start_method": "fork" if model == "processes" else None}


def to_json(r):
    o = r["options"]
    wall, cpu = stats(r["timing"]["wall"]), stats(r["timing"]["cpu"])
    j = {"backend": "python", "model": MODEL, "workload": o["workload"], "threads": o["threads"], "ok": r["ok"],
         "reps": o["reps"], "warmup": o["warmup"], "idle_ms": o["idle_ms"], "wall_seconds": wall, "cpu_seconds": cpu,
         "concurrency": r["concurrency"], "parallelism": r["parallelism"], "cpus_allowed": r["cpus_allowed"],
         "cpus_seen": r["cpus_seen"], "parallelism_wall_seconds": r["timing"]["parallelism_wall"],
         "timer_overhead_seconds": r["timer_overhead"], "environment": environment(), "python": python_json(o)}
    if o["workload"] == "sum":
        j.update({"n": o["n"], "result": str(r["result"]), "expected": str(r["expected"]),
                  "elements_per_second": o["n"] / wall["median"] if wall["median"] > 0 else 0.0,
                  "schedule": {"kind": "blocks", "chunk": None, "partitioner": None, "grain": None, "nested": False, "name": "blocks"}})
    else:
        p = o["wait"]
        j.update({"tasks": p["tasks"], "steps": p["steps"], "wait_ms": p["wait_ms"],
                  "serial_seconds": p["tasks"] * p["steps"] * p["wait_ms"] / 1e3,
                  "step_order": [step_line(task, step) for task, step in r["order"]]})
    if r["problem"]:
        j["problem"] = r["problem"]
    if r["concurrency"] is not None:
        j["workers"] = r["workers"]
        j["imbalance"] = r["imbalance"]
    return j


def table(r):
    o = r["options"]
    wall, cpu = stats(r["timing"]["wall"]), stats(r["timing"]["cpu"])
    python = python_json(o)
    lines = [f"sumsq-python — {MODEL}"]
    if o["workload"] == "sum":
        lines += ["  workload     sum of i*i for i in [0, N)", f"  N            {grouped(o['n'])}"]
    else:
        p = o["wait"]
        lines.append(f"  workload     wait: {p['tasks']} tasks x {p['steps']} steps x {p['wait_ms']} ms "
                     f"(one after another: {duration_text(p['tasks'] * p['steps'] * p['wait_ms'] / 1e3)})")
    kind = {"threads": "threading.Thread, one interpreter lock (the GIL)", "processes": "multiprocessing.Process (fork) and a queue, a lock each",
            "free-threaded": "threading.Thread on a free-threaded CPython"}[o["model"]]
    lines.append(f"  model        {o['model']}: {kind}; {python['executable']} {python['version']}, GIL {'on' if python['gil'] else 'off'}")
    lines.append(f"  {'processes' if o['model'] == 'processes' else 'threads':<12} {o['threads']}")
    if o["workload"] == "sum":
        lines += ["  schedule     blocks (one contiguous piece per worker)", f"  result       {r['result']}",
                  f"  expected     {r['expected']}   {'OK' if r['ok'] else 'MISMATCH'}"]
    else:
        lines.append(f"  steps        {'OK: every task completed every step in order' if r['ok'] else 'INCOMPLETE: ' + r['problem']}")
    lines.append(f"  CPUs         seen {cpu_list(r['cpus_seen'])} (allowed {cpu_list(r['cpus_allowed'])})")
    lines.append(f"  wall         median {duration_text(wall['median'])}  (min {duration_text(wall['min'])}, max {duration_text(wall['max'])}; "
                 f"{o['reps']} reps after {o['warmup']} warm-up)")
    lines.append(f"  CPU          median {duration_text(cpu['median'])}{'  (this process and its worker processes)' if o['model'] == 'processes' else ''}")
    if r["concurrency"] is not None:
        lines.append(f"  concurrency  {r['concurrency']:.2f}  (Σ task spans / wall time: tasks in progress, running or waiting)")
    lines.append(f"  parallelism  {r['parallelism']:.2f}  (CPU time / wall time over {duration_text(r['timing']['parallelism_wall'])}: CPUs busy)")
    if r["concurrency"] is not None and r["workers"]:
        busy = ", ".join(f"{duration_text(w['busy_seconds'])} ({w['tasks']} task{'' if w['tasks'] == 1 else 's'})" for w in r["workers"])
        lines.append(f"  busy         {busy}; imbalance {r['imbalance']:.2f} (max / mean, last repetition)")
    if o["workload"] == "sum" and wall["median"] > 0 and o["n"] > 0:
        lines.append(f"  throughput   {o['n'] / wall['median']:.3g} elements/s  ({wall['median'] * 1e9 / o['n']:.3f} ns/element)")
    lines.append(f"  timer cost   {duration_text(r['timer_overhead'])} per timed region")
    return "\n".join(lines) + "\n"


def csv(r):
    o = r["options"]
    wall, cpu = stats(r["timing"]["wall"]), stats(r["timing"]["cpu"])
    sum_workload = o["workload"] == "sum"
    items = o["n"] if sum_workload else o["wait"]["tasks"] * o["wait"]["steps"]
    row = ["python", o["workload"], str(o["n"]) if sum_workload else "", str(o["threads"]), "" if sum_workload else str(o["wait"]["tasks"]),
           str(r["result"]) if sum_workload else "", str(r["expected"]) if sum_workload else "", "true" if r["ok"] else "false",
           f"{wall['median']:.9g}", f"{wall['min']:.9g}", f"{wall['max']:.9g}", f"{cpu['median']:.9g}", f"{r['parallelism']:.4f}",
           f"{items / wall['median'] if wall['median'] > 0 else 0.0:.6g}",
           "" if r["concurrency"] is None else f"{r['concurrency']:.4f}", "" if r["concurrency"] is None else f"{r['imbalance']:.4f}",
           "blocks" if sum_workload else "", ""]
    return ("backend,workload,n,threads,tasks,result,expected,ok,wall_median_s,wall_min_s,wall_max_s,"
            "cpu_median_s,parallelism,items_per_second,concurrency,imbalance,schedule,bytes_per_second\n" + ",".join(row) + "\n")


def write(fd_stream, text):
    fd_stream.buffer.write(text.encode())
    fd_stream.buffer.flush()


def run(argv):
    try:
        given = parse_command_line(argv)
        if "--help" in given:
            write(sys.stdout, HELP)
            return EXIT_OK
        if "--version" in given:
            write(sys.stdout, f"sumsq-python {VERSION}\n")
            return EXIT_OK
        options = options_from(given)
        if "--describe" in given:
            write(sys.stdout, json.dumps(describe(), sort_keys=True, separators=(",", ":"), ensure_ascii=False) + "\n")
            return EXIT_OK
        if options["model"] == "free-threaded" and not free_threaded_build():
            reexec_free_threaded(argv)  # returns only by raising
    except UsageError as error:
        write(sys.stderr, f"sumsq-python: {one_line(error)}\n")
        return EXIT_USAGE
    if options["cpus"]:
        os.sched_setaffinity(0, options["cpus"])  # before any worker exists: they inherit it
    cpus_allowed = sorted(os.sched_getaffinity(0))
    kernel = Kernel(options["model"], options["threads"])  # the queue: outside the timed region
    runner = Runner(kernel, options)
    problem = traced_run(runner, options) if options["trace_steps"] else ""
    calls = []  # per timed repetition: its worker reports

    def after():
        nonlocal problem
        calls.append(runner.reports)
        error = runner.check()
        problem = problem or error

    timing = measure(options["warmup"], options["reps"], runner.run, after, options["idle_ms"])
    r = {"options": options, "timing": timing, "timer_overhead": timer_overhead_seconds(), "cpus_allowed": cpus_allowed,
         "result": runner.last, "expected": runner.expected, "ok": not problem, "problem": problem, "concurrency": None,
         "workers": [], "imbalance": 0.0, "order": runner.order() if options["workload"] == "wait" else []}
    r["parallelism"] = timing["parallelism_cpu"] / timing["parallelism_wall"] if timing["parallelism_wall"] > 0 else 0.0
    seen = set()
    for reports in calls:
        seen.update(rep["cpu"] for rep in reports if rep["cpu"] is not None)
    r["cpus_seen"] = sorted(seen)
    if options["record_spans"] and calls:
        span_ns = sum(spans_of(reports)[0] for reports in calls)
        wall = sum(timing["wall"])
        r["concurrency"] = span_ns / 1e9 / wall if wall > 0 else 0.0
        r["workers"] = spans_of(calls[-1])[1]
        busy = [w["busy_seconds"] for w in r["workers"]]
        r["imbalance"] = max(busy) / (sum(busy) / len(busy)) if busy and sum(busy) > 0 else 1.0
    if options["format"] == "json":
        write(sys.stdout, json.dumps(to_json(r), indent=2, sort_keys=True, ensure_ascii=False) + "\n")
    elif options["format"] == "csv":
        write(sys.stdout, csv(r))
    else:
        write(sys.stdout, table(r))
    if problem:
        write(sys.stderr, f"sumsq-python: {problem}\n")
        return EXIT_MISMATCH
    return EXIT_OK


def main(argv):
    try:
        return run(argv)
    except OSError as error:  # e.g. stdout closed or full, fork refused
        message = f"sumsq-python: error: {one_line(error)}\n"
        try:  # stdout is lost: point it at /dev/null so the interpreter's last flush adds no second line
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        except OSError:
            pass
    except Exception as error:  # a worker failed, a thread could not start: one line, exit 3
        message = f"sumsq-python: error: {one_line(f'{type(error).__name__}: {error}')}\n"
    try:
        write(sys.stderr, message)
    except OSError:
        pass
    return EXIT_RUNTIME


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
