"""The child side of plain_loop.py: one contender, alone in a fresh process, measured and reported as JSON.

plain_loop.py starts `python plain_loop.py --child KIND ...` once per measurement and calls
child_main() here, which runs one of three kinds and prints a single JSON line:

    train   a training step (tr.nn.LSTM / tr.nn.GRU, a Linear head on every step, mean cross-entropy,
            backward, SGD) of one contender from CONTENDERS, float32: build the model once, warm up,
            then time N steps in a plain `for` loop (median wall and CPU time per step), count minor
            page faults per step, and the peak RSS above the RSS before the first step; optionally
            with --crowd N tracked Python objects created first (another library's import)
    long    one forward + backward of the composed layer over one long float64 sequence, the
            collector at its defaults or switched off here, by this child (never by the library)
    chain   build + backward of a Value chain from value_chain.py, the collector on
The models, data and weight copies are lstm_step.Case's, so every contender starts from the same
weights; engine and PyTorch contenders are checked against the numpy reference after they are timed
(checking first would leave the checked graph's memory in the heap and hide the step's own cost).

Peak RSS is read from VmHWM in /proc/self/status, reset with /proc/self/clear_refs just before the
first step: ru_maxrss would also count what the parent process held when it started this one.
The file name starts with an underscore so `make bench` does not run it; running it does nothing.
"""
from __future__ import annotations

import _common as bench  # first: pins BLAS to one thread before numpy loads

import argparse
import gc
import json
import resource
import statistics
import time

import numpy as np

import _numpy_refs as ref
import tinygrad_rnn as tr
from lstm_step import LR, Case

LAYERS = {"LSTM": (tr.nn.LSTM, ref.lstm_grads), "GRU": (tr.nn.GRU, ref.gru_grads)}
TORCH_RTOL = 1e-4                  # float32, but PyTorch sums in its own order


def rss_bytes() -> int:
    """This process's resident set size right now."""
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * resource.getpagesize()


def reset_peak_rss() -> bool:
    """Make the kernel's peak-RSS mark (VmHWM) start again from the current RSS; False if not allowed."""
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
        return True
    except OSError:
        return False


def peak_rss_bytes() -> int:
    """The highest RSS of this process since it started or since reset_peak_rss()."""
    try:
        with open("/proc/self/status") as f:
            return next(int(line.split()[1]) * 1024 for line in f if line.startswith("VmHWM:"))
    except (OSError, StopIteration):
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def torch_cell_loop(case: Case, layer_name: str) -> tuple:
    """PyTorch's nn.LSTMCell / nn.GRUCell in a Python loop over time with a Linear head, the case's
    weights copied in; returns (step, check) like the engine's."""
    import torch
    torch.set_num_threads(1)
    B, H, T, I = case.size
    cell = (torch.nn.LSTMCell if layer_name == "LSTM" else torch.nn.GRUCell)(I, H)
    head = torch.nn.Linear(H, I)
    names = {"W_ih": cell.weight_ih, "W_hh": cell.weight_hh, "b_ih": cell.bias_ih, "b_hh": cell.bias_hh,
             "W_y": head.weight, "b_y": head.bias}
    with torch.no_grad():
        for key, param in names.items():
            param.copy_(torch.from_numpy(case.params[key]))
    optimizer = torch.optim.SGD(list(cell.parameters()) + list(head.parameters()), lr=LR)
    x, targets = torch.from_numpy(case.x), torch.from_numpy(case.targets)

    def loss():
        """Forward through every step and the head: the mean cross-entropy."""
        state, outputs = None, []
        for t in range(T):
            state = cell(x[t], state)
            outputs.append(state[0] if isinstance(state, tuple) else state)
        logits = head(torch.stack(outputs).reshape(T * B, H))
        return torch.nn.functional.cross_entropy(logits, targets)

    def step():
        """One PyTorch training step: forward, backward, SGD."""
        optimizer.zero_grad()
        loss().backward()
        optimizer.step()

    def check():
        """PyTorch's loss and gradients against the numpy reference on PyTorch's current weights."""
        optimizer.zero_grad()
        got = loss()
        got.backward()
        params = {key: p.detach().numpy().copy() for key, p in names.items()}
        want_loss, want = case.ref_grads(params, case.x, case.targets)
        bench.assert_close("torch loss", got.item(), want_loss, TORCH_RTOL)
        for key, p in names.items():
            bench.assert_close(f"torch grad of {key}", p.grad.numpy(), want[key], TORCH_RTOL)
    return step, check


def engine_check(case: Case):
    """A check for an engine contender: resync the reference's weights from the engine's, compare."""
    def check():
        """Copy the engine's weights to the reference, then compare loss and gradients."""
        case.to(np.float32)
        case.check()
    return check


# contender key -> function (layer name, size) -> (step, check or None), all float32
CONTENDERS = {
    "numpy": lambda name, size: _numpy(Case(*LAYERS[name], size)),
    "composed": lambda name, size: _engine(Case(*LAYERS[name], size)),
    "fused": lambda name, size: _engine(Case(*LAYERS[name], size, fused=True)),
    "fused-nokeep": lambda name, size: _engine(Case(*LAYERS[name], size, fused=True, keep_grads=False)),
    "torch": lambda name, size: torch_cell_loop(_float32(Case(*LAYERS[name], size)), name),
}


def _float32(case: Case) -> Case:
    """The case cast to float32 (the timed dtype)."""
    case.to(np.float32)
    return case


def _numpy(case: Case) -> tuple:
    """The hand-written reference's step; it is the reference, so nothing to check."""
    return _float32(case).numpy_step, None


def _engine(case: Case) -> tuple:
    """The engine's step and its check against the reference."""
    return _float32(case).engine_step, engine_check(case)


def crowd(count: int) -> list:
    """About `count` objects the cyclic collector tracks (half small dicts, half the lists inside
    them), the way a heavy import leaves them; the caller keeps the list alive."""
    return [{"name": str(i), "deps": []} for i in range(count // 2)]


def time_loop(step, steps: int) -> dict:
    """Run `step` `steps` times in a plain loop: median wall and CPU seconds per step; minor page faults
    and kernel (system) CPU seconds per step, averaged over the loop."""
    wall, cpu = [], []
    before = resource.getrusage(resource.RUSAGE_SELF)
    for _ in range(steps):
        w, c = time.perf_counter(), time.process_time()
        step()
        wall.append(time.perf_counter() - w)
        cpu.append(time.process_time() - c)
    after = resource.getrusage(resource.RUSAGE_SELF)
    return {"wall": statistics.median(wall), "cpu": statistics.median(cpu),
            "faults": (after.ru_minflt - before.ru_minflt) / steps,
            "sys": (after.ru_stime - before.ru_stime) / steps}


def measure_train(args) -> dict:
    """Build one contender, warm it up, time it in a plain loop, then check it."""
    ballast = crowd(args.crowd) if args.crowd else []
    tracked = len(gc.get_objects())
    step, check = CONTENDERS[args.contender](args.layer, args.size)
    reset = reset_peak_rss()
    before = rss_bytes()
    for _ in range(args.warmup):
        step()
    result = time_loop(step, args.steps)
    peak = peak_rss_bytes()
    result.update(rss_before=before, peak_rss=peak, extra_peak=peak - before, peak_reset=reset,
                  tracked_objects=tracked, crowd=len(ballast) * 2,
                  ru_maxrss=resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024)
    if check is not None:
        check()
    result["checked"] = check is not None
    return result


def measure_long(args) -> dict:
    """One forward + backward of the composed layer over a float64 sequence (B=1, H=32, I=8)."""
    if args.gc == "off":
        gc.disable()
    case = Case(*LAYERS[args.layer], (1, 32, args.length, 8))     # float64, the Case default
    collections = [s["collections"] for s in gc.get_stats()]
    wall, cpu = time.perf_counter(), time.process_time()
    case.engine_loss()
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    runs = [s["collections"] - c for s, c in zip(gc.get_stats(), collections)]
    return {"wall": wall, "cpu": cpu, "collections": runs, "gc_enabled": gc.isenabled()}


def measure_chain(args) -> dict:
    """Build + backward of a value_chain.py chain with the collector on: seconds per op node."""
    import value_chain
    chain = getattr(value_chain, f"{args.chain}_chain")
    value_chain.check(chain)
    wall, cpu = time.perf_counter(), time.process_time()
    out = chain(tr.Value(0.8), args.nodes)
    out.backward()
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    return {"wall": wall / args.nodes, "cpu": cpu / args.nodes, "gc_enabled": gc.isenabled()}


def child_main(argv: list) -> None:
    """Parse the child's arguments, run its one measurement and print the result as one JSON line."""
    parser = argparse.ArgumentParser(description="one plain_loop.py measurement (internal)")
    parser.add_argument("kind", choices=("train", "long", "chain"))
    parser.add_argument("--layer", choices=tuple(LAYERS), default="LSTM")
    parser.add_argument("--contender", choices=tuple(CONTENDERS), default="composed")
    parser.add_argument("--size", type=lambda s: tuple(int(v) for v in s.split(",")), default=(1, 8, 5, 6))
    parser.add_argument("--steps", type=int, default=5)
    parser.add_argument("--warmup", type=int, default=2)
    parser.add_argument("--crowd", type=int, default=0)
    parser.add_argument("--length", type=int, default=200)
    parser.add_argument("--gc", choices=("on", "off"), default="on")
    parser.add_argument("--chain", choices=("tanh", "affine"), default="tanh")
    parser.add_argument("--nodes", type=int, default=20_000)
    args = parser.parse_args(argv)
    measure = {"train": measure_train, "long": measure_long, "chain": measure_chain}[args.kind]
    print(json.dumps(measure(args)))
