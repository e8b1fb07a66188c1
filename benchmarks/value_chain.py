"""Per-node cost of the scalar Value engine on a long chain: build, backward, and freeing the graph.

The goal (issue 6): at most 2 µs per node for build + backward on a 10^6-node chain, about what
micrograd pays before Python's cycle collector gets involved (micrograd's nodes sit in reference
cycles, which costs it ~22 µs per node at 1,000 steps), and no cycles at all: a dropped graph must be
freed by reference counting alone. Two chains, each with `--nodes` op nodes:
- tanh:   x = x.tanh()            one op node per step;
- affine: x = x * 0.5 + 0.25      two op nodes per step, plus two constant leaves lifted from the
                                  Python numbers (the constants are counted in the time, not as nodes).
Build, backward and `del` are timed separately, with the garbage collector on and off, in alternating
rounds (medians). Before timing, each chain's gradient is checked against its hand-derived value.

    .venv/bin/python benchmarks/value_chain.py [--nodes N] [--rounds R] [--profile]
"""
from __future__ import annotations

import _common as bench  # first: pins BLAS to one thread before numpy loads

import argparse
import gc
import math
import statistics
import weakref

import tinygrad_rnn as tr
from tinygrad_rnn.autograd import topological_order

GOAL = 2e-6                                   # seconds per node, build + backward


def tanh_chain(x: tr.Value, nodes: int) -> tr.Value:
    """`nodes` tanh ops in a row."""
    for _ in range(nodes):
        x = x.tanh()
    return x


def affine_chain(x: tr.Value, nodes: int) -> tr.Value:
    """x * 0.5 + 0.25, repeated: two op nodes per step."""
    for _ in range(nodes // 2):
        x = x * 0.5 + 0.25
    return x


def expected_grad(chain, x0: float, nodes: int) -> float:
    """d(out)/dx0 by hand: the product of the local derivatives along the chain."""
    if chain is affine_chain:
        return 0.5 ** (nodes // 2)
    grad, x = 1.0, x0
    for _ in range(nodes):
        x = math.tanh(x)
        grad *= 1.0 - x * x                   # tanh'(a) = 1 - tanh(a)^2
    return grad


def check(chain) -> None:
    """The chain's backward must give the hand-derived gradient (on a short chain)."""
    x = tr.Value(0.8)
    out = chain(x, 40)
    out.backward()
    want = expected_grad(chain, 0.8, 40)
    if abs(x.grad - want) > 1e-12 * abs(want):
        raise AssertionError(f"{chain.__name__}: backward gave {x.grad!r}, by hand {want!r}")
    if len(topological_order(out)) != 41:
        raise AssertionError(f"{chain.__name__}: expected 40 op nodes and one leaf in the backward order")


def time_once(chain, nodes: int, gc_enabled: bool) -> dict:
    """Seconds to build the chain, backpropagate through it, and drop it."""
    gc.collect()
    (gc.enable if gc_enabled else gc.disable)()
    try:
        start = bench.CLOCK()
        out = chain(tr.Value(0.8), nodes)
        built = bench.CLOCK()
        out.backward()
        done = bench.CLOCK()
        del out
        freed = bench.CLOCK()
    finally:
        gc.enable()
    return {"build": built - start, "backward": done - built, "free": freed - done}


def live_nodes() -> int:
    """How many Values exist right now (every Node is tracked by the collector, so it sees them all)."""
    return sum(isinstance(obj, tr.Value) for obj in gc.get_objects())


def freed_by_refcount(chain, nodes: int) -> bool:
    """With gc off: after `del`, the root and the first op node are dead and no Value is left over."""
    gc.collect()
    gc.disable()
    try:
        before = live_nodes()
        leaf = tr.Value(0.8)
        out = chain(leaf, nodes)
        out.backward()
        first = weakref.ref(out)
        while first().parents[0] is not leaf:       # walk down to the first op node
            first = weakref.ref(first().parents[0])
        root = weakref.ref(out)
        del out, leaf
        return root() is None and first() is None and live_nodes() == before
    finally:
        gc.enable()


def per_node_rows(chain, nodes: int, rounds: int) -> list:
    """Table rows (label, {phase: seconds per op node}) for one chain, gc on and off, alternating."""
    samples = {True: [], False: []}
    for r in range(rounds):
        for gc_enabled in ((True, False) if r % 2 == 0 else (False, True)):
            samples[gc_enabled].append(time_once(chain, nodes, gc_enabled))
    rows = []
    for gc_enabled in (True, False):
        per_node = {k: statistics.median(s[k] for s in samples[gc_enabled]) / nodes
                    for k in ("build", "backward", "free")}
        per_node["build + backward"] = per_node["build"] + per_node["backward"]
        rows.append((f"{chain.__name__}, gc {'on' if gc_enabled else 'off'}", per_node))
    return rows


def main() -> None:
    """Check, time and report both chains; optionally profile them."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--nodes", type=int, default=1_000_000, help="op nodes per chain (even)")
    parser.add_argument("--rounds", type=int, default=3, help="alternating rounds per row (median)")
    parser.add_argument("--profile", action="store_true", help="also cProfile 10^5-node chains")
    args = parser.parse_args()
    bench.print_header()
    rows = []
    for chain in (tanh_chain, affine_chain):
        check(chain)
        rows += per_node_rows(chain, args.nodes, args.rounds)
    bench.print_table(f"Value chain, per op node ({args.nodes:,} op nodes; goal build + backward "
                      f"<= {GOAL * 1e6:g} µs)", rows)
    for label, per_node in rows:
        cost = per_node["build + backward"]
        print(f"goal <= {GOAL * 1e6:g} µs per node, {label}: {cost * 1e6:.2f} µs, "
              f"{'met' if cost <= GOAL else 'NOT met'}")
    for chain in (tanh_chain, affine_chain):
        freed = "yes" if freed_by_refcount(chain, args.nodes) else "NO"
        print(f"{chain.__name__}: dropped graph freed by reference counting alone (gc off): {freed}")
    if args.profile:
        for chain in (tanh_chain, affine_chain):
            print(f"\ncProfile, {chain.__name__}, 100,000 op nodes, build + backward:")
            bench.profile(lambda: chain(tr.Value(0.8), 100_000).backward())


if __name__ == "__main__":
    main()
