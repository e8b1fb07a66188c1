"""Shared helpers for the benchmark scripts: one BLAS thread, interleaved timing, tables of ratios.

Import this module before numpy. Importing it pins BLAS to one thread (OPENBLAS_NUM_THREADS,
OMP_NUM_THREADS and MKL_NUM_THREADS set to 1), because multi-threaded BLAS on a small shared machine
makes timings slower and erratic; the variables only take effect if they are set before numpy loads
its BLAS, so a script that imported numpy first gets a RuntimeError instead of silently wrong numbers.

    import _common as bench                       # first: pins BLAS
    import numpy as np
    bench.print_header()                          # command, machine, numpy, BLAS, verified threads
    bench.assert_close("dW", engine_dW, numpy_dW, rtol=1e-6)   # check the reference once, then time
    t = bench.compare({"numpy": ref_step, "engine": engine_step})   # median CPU seconds per call
    bench.print_table("LSTM step", [("B=1", t)], baseline="numpy")  # markdown table with ratios
    bench.profile(engine_step)                    # cProfile, the top functions by own time

The whole API: CLOCK (process CPU time, the clock of every timing), print_header(), machine_info(),
blas_threads(), compare(fns, rounds, round_time, gc_enabled, clock), print_table(title, rows,
baseline), format_seconds(seconds), assert_close(what, got, want, rtol), profile(fn, limit, sort).

The file name starts with an underscore so that `make bench` does not run it as a benchmark; running
it directly does nothing.
"""
from __future__ import annotations

import cProfile
import gc
import os
import platform
import pstats
import statistics
import sys
import time
from typing import Callable

THREAD_VARS = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")

# The clock of every benchmark: this process's CPU time. With BLAS on one thread it equals wall time
# on an idle machine, and on a machine shared with other jobs it leaves out the time spent descheduled.
CLOCK = time.process_time


def _pin_blas() -> str:
    """Set the BLAS thread variables to 1 and say what they were; refuse if numpy is already loaded
    with other values (too late: BLAS reads them once, when it loads)."""
    unpinned = [v for v in THREAD_VARS if os.environ.get(v) != "1"]
    if unpinned and "numpy" in sys.modules:
        raise RuntimeError(f"benchmarks/_common.py must be imported before numpy: {', '.join(unpinned)} "
                           "were not 1 when numpy loaded its BLAS, so it may use several threads")
    before = ", ".join(f"{v} was {os.environ.get(v, 'unset')}" for v in THREAD_VARS)
    for var in THREAD_VARS:
        os.environ[var] = "1"
    return f"set {'=1, '.join(THREAD_VARS)}=1 before numpy was imported ({before})"


PIN_NOTE = _pin_blas()


def blas_threads() -> str:
    """How many threads BLAS really uses, read back from the loaded library (threadpoolctl if present)."""
    try:
        from threadpoolctl import threadpool_info
    except ImportError:
        return _openblas_threads_via_ctypes() + " (threadpoolctl not installed)"
    pools = [f"{p['internal_api']}: {p['num_threads']} thread(s)" for p in threadpool_info()]
    return ", ".join(pools) + " (threadpoolctl)" if pools else "no BLAS found by threadpoolctl"


def _openblas_threads_via_ctypes() -> str:
    """Ask a loaded OpenBLAS for its thread count directly; the symbol name depends on the build."""
    import ctypes
    import numpy  # noqa: F401  (loads BLAS so that it shows up in the memory map)
    try:
        with open("/proc/self/maps") as maps:
            paths = sorted({line.split()[-1] for line in maps if "openblas" in line.lower()})
    except OSError:
        paths = []
    for path in paths:
        lib = ctypes.CDLL(path)
        for symbol in ("openblas_get_num_threads", "openblas_get_num_threads64_",
                       "scipy_openblas_get_num_threads64_", "scipy_openblas_get_num_threads"):
            if hasattr(lib, symbol):
                return f"openblas: {getattr(lib, symbol)()} thread(s), read with {symbol}"
    return "thread count not verified: no OpenBLAS getter found"


def machine_info() -> dict:
    """The facts a reader needs to compare numbers: CPUs, CPU model, Python, numpy, BLAS, threads, load.

    The load average tells whether other processes shared the cores while the numbers were taken. The
    MALLOC_* variables matter for arrays of about 128 KiB and more: with glibc's defaults, freeing and
    reallocating them can page-fault on every call, and whether it does depends on the heap's history."""
    import numpy as np
    cpu = "unknown"
    try:
        with open("/proc/cpuinfo") as f:
            cpu = next((line.split(":", 1)[1].strip() for line in f if line.startswith("model name")), cpu)
    except OSError:
        pass
    try:
        blas = np.show_config(mode="dicts")["Build Dependencies"]["blas"]
        blas = f"{blas['name']} {blas.get('version', '')}".strip()
    except (TypeError, KeyError):             # numpy < 1.25 has no mode="dicts"
        blas = "unknown"
    coretype = os.environ.get("OPENBLAS_CORETYPE", "not set")
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg()) if hasattr(os, "getloadavg") else "unknown"
    malloc = " ".join(f"{k}={v}" for k, v in os.environ.items() if k.startswith("MALLOC_")) or "defaults"
    return {"cpus (nproc)": str(os.cpu_count()), "cpu model": cpu, "python": platform.python_version(),
            "numpy": np.__version__, "blas": blas, "blas pinning": PIN_NOTE,
            "blas threads in use": blas_threads(), "OPENBLAS_CORETYPE": coretype,
            "glibc malloc tuning (MALLOC_* variables)": malloc, "load average (1, 5, 15 min) at start": load}


def print_header() -> None:
    """Print the command that is running, the machine facts and the BLAS thread check."""
    command = [os.path.relpath(sys.executable), os.path.relpath(sys.argv[0])] + sys.argv[1:]
    print("command: " + " ".join(command))
    print(f"  clock: {CLOCK.__name__} (CPU time of this process), medians of interleaved rounds")
    for key, value in machine_info().items():
        print(f"  {key}: {value}")
    print()


def _calibrate(fn: Callable[[], object], round_time: float, clock: Callable[[], float]) -> int:
    """How many calls of `fn` fill about `round_time` seconds (at least one)."""
    fn()                                      # warm caches and lazy imports
    start = clock()
    fn()
    once = max(clock() - start, 1e-7)
    return max(1, int(round_time / once))


def compare(fns: dict, rounds: int = 15, round_time: float = 0.02, gc_enabled: bool = True,
            clock: Callable[[], float] = CLOCK) -> dict:
    """Median seconds per call of each function in `fns` (name -> zero-argument callable).

    The functions take turns: every round times each one for about `round_time` seconds, in an order
    rotated from round to round, so slow drifts of the machine hit them all alike. The garbage
    collector stays on by default, as in real use (gc_enabled=False times without it). The clock is
    CLOCK (CPU time) unless another is given, e.g. time.perf_counter for wall time.
    """
    names = list(fns)
    number = {name: _calibrate(fns[name], round_time, clock) for name in names}
    samples = {name: [] for name in names}
    was_enabled = gc.isenabled()
    (gc.enable if gc_enabled else gc.disable)()
    try:
        for r in range(rounds):
            for name in names[r % len(names):] + names[:r % len(names)]:
                fn, n = fns[name], number[name]
                start = clock()
                for _ in range(n):
                    fn()
                samples[name].append((clock() - start) / n)
    finally:
        (gc.enable if was_enabled else gc.disable)()
    return {name: statistics.median(samples[name]) for name in names}


def format_seconds(seconds: float) -> str:
    """A duration in µs below one millisecond, else in ms, to three significant figures."""
    return f"{seconds * 1e6:.3g} µs" if seconds < 0.9995e-3 else f"{seconds * 1e3:.3g} ms"   # 999.6 µs: "1 ms"


def print_table(title: str, rows: list, baseline: str | None = None) -> None:
    """A markdown table: one row per (label, {name: seconds}) with the times, then, when `baseline` is
    given, each other time divided by the baseline's (above 1 means slower). Rows share their names."""
    names = list(rows[0][1])
    if baseline is not None and baseline not in names:
        raise ValueError(f"print_table: baseline {baseline!r} is not one of the timed names {names}")
    others = [n for n in names if n != baseline] if baseline is not None else []
    header = ["case"] + names + [f"{n} / {baseline}" for n in others]
    print(f"### {title}\n")
    print("| " + " | ".join(header) + " |")
    print("|" + "|".join(["---"] + ["---:"] * (len(header) - 1)) + "|")
    for label, times in rows:
        cells = [label] + [format_seconds(times[n]) for n in names]
        cells += [f"{times[n] / times[baseline]:.2f}" for n in others]
        print("| " + " | ".join(cells) + " |")
    print()


def assert_close(what: str, got, want, rtol: float) -> None:
    """Raise unless max |got - want| <= rtol * max |want| (a reference must agree before it is timed)."""
    import numpy as np
    got, want = np.asarray(got, dtype=np.float64), np.asarray(want, dtype=np.float64)
    if got.shape != want.shape:
        raise AssertionError(f"{what}: shapes differ, got {got.shape}, want {want.shape}")
    err = float(np.max(np.abs(got - want), initial=0.0))
    scale = float(np.max(np.abs(want), initial=0.0))
    if err > rtol * max(scale, np.finfo(np.float64).tiny):
        raise AssertionError(f"{what}: max abs difference {err:.3g} exceeds rtol {rtol:g} x max |want| {scale:.3g}")


def profile(fn: Callable[[], object], limit: int = 20, sort: str = "tottime") -> None:
    """Run `fn` once under cProfile and print the `limit` functions with the most time of their own."""
    profiler = cProfile.Profile()
    profiler.runcall(fn)
    pstats.Stats(profiler, stream=sys.stdout).strip_dirs().sort_stats(sort).print_stats(limit)
