"""Run one unmodified PyTorch program under real torch or under tinygrad_rnn.torch, feeding both sides the
same weights and the same randomness, and record what the program computed.

    python bootstrap.py --torch torch --mode record --params P.npz --capture OUT -- prog.py ARGS...
    python bootstrap.py --torch tinygrad_rnn.torch --mode load --params P.npz --capture OUT -- prog.py ARGS...

What it does, and nothing else:

1. dtype: `set_default_dtype(float64)` before the program runs (both sides).
2. weights: every nn.Module subclass *defined by the program* gets its __init__ wrapped; when the outermost
   such constructor returns, the module's `named_parameters()` are
     record mode (real torch): saved to --params as `m<k>.<name>` (k = k-th user module constructed);
     load mode (dialect):      overwritten with those saved values (names and shapes must match).
   So both sides start from torch's own initialisation, whatever the program's init code did.
3. randomness (the same replacement on both sides; the real function is still called first and its result
   checked for shape, so the API is exercised, but the harness's deterministic result is what the program gets):
     random.seed(0), numpy.random.seed(0) at start (the programs never seed Python's `random`);
     torch.utils.data.random_split -> Subsets from a fixed numpy permutation (torch's lengths rule);
     torch.multinomial, torch.randint -> draws from a fixed numpy RandomState;
     torch.utils.data.RandomSampler (DataLoader's shuffle=True) -> each epoch a fixed numpy permutation.
   Dropout is not patched: the programs are run with dropout 0 (their own --dropout flag) or have none.
4. capture (observation only): matplotlib Axes.plot / Axes.matshow arrays, selected program globals after it
   ends, every user module's final parameters and gradients, the draws the patches of 3. handed the program
   (draws.random_split / draws.multinomial / draws.randint / draws.random_sampler), and the exception (if any) with the innermost
   frames in the program and in the library -> OUT.npz + OUT.json.

The dialect's own code is never patched: only the module-construction hook (a Python class feature) and the
random functions listed above are wrapped, identically on both sides.
"""
from __future__ import annotations

import argparse
import functools
import importlib
import json
import os
import random
import sys
import traceback
import types

import numpy as np

HARNESS_SEED = 0


def to_numpy(x):
    """Best-effort conversion of a tensor / list / number into a float64 or int numpy array."""
    if hasattr(x, "detach"):
        x = x.detach()
    if hasattr(x, "cpu"):
        x = x.cpu()
    if hasattr(x, "numpy"):
        return np.array(x.numpy())
    if isinstance(x, (list, tuple)):
        return np.array([to_numpy(v) for v in x])
    return np.array(x)


class Harness:
    def __init__(self, torch_name: str, mode: str, params_path: str, capture_path: str, globals_to_capture):
        self.T = importlib.import_module(torch_name)
        self.nn = None
        self.torch_name = torch_name
        self.mode = mode
        self.params_path = params_path
        self.capture_path = capture_path
        self.globals_to_capture = globals_to_capture
        self.modules = []          # every outermost user module, in construction order
        self.saved = {}            # record mode: parameters to save
        self.loaded = None         # load mode: np.load(params)
        self.capture = {}
        self.notes = []
        self.counters = {}
        self.draws = {}            # what the random patches handed the program (captured as draws.<name>)
        self.rng = np.random.RandomState(HARNESS_SEED)
        self.program_dir = None

    # ---------------------------------------------------------------- weights
    def install(self, what, fn):
        """Install one piece of the harness; if the dialect lacks what it needs, note it and go on, so the
        program itself reaches (and reports) the missing API."""
        try:
            fn()
        except (ImportError, AttributeError) as e:
            self.notes.append(f"harness could not install {what}: {type(e).__name__}: {e}")

    def install_module_hook(self):
        self.nn = importlib.import_module(self.torch_name + ".nn")
        Module = self.nn.Module
        harness = self
        depth = [0]
        library_prefixes = ("torch", "tinygrad_rnn")
        own = Module.__dict__.get("__init_subclass__")

        def init_subclass(cls, **kwargs):
            if own is not None:
                own.__func__(cls, **kwargs)
            else:
                super(Module, cls).__init_subclass__(**kwargs)
            if "__init__" not in cls.__dict__ or cls.__module__.split(".")[0] in library_prefixes:
                return
            init = cls.__dict__["__init__"]

            @functools.wraps(init)
            def wrapped_init(self, *args, **kw):
                depth[0] += 1
                try:
                    init(self, *args, **kw)
                finally:
                    depth[0] -= 1
                if depth[0] == 0:
                    harness.on_module_constructed(self)

            cls.__init__ = wrapped_init

        Module.__init_subclass__ = classmethod(init_subclass)

    def on_module_constructed(self, module):
        k = len(self.modules)
        self.modules.append(module)
        named = list(module.named_parameters())
        if self.mode == "record":
            for name, p in named:
                self.saved[f"m{k}.{name}"] = to_numpy(p).astype(np.float64)
            np.savez(self.params_path, **self.saved)
            return
        if self.loaded is None:
            self.loaded = dict(np.load(self.params_path))
        want = [key for key in self.loaded if key.startswith(f"m{k}.")]
        have = [f"m{k}.{name}" for name, _ in named]
        if want != have:
            self.notes.append(f"module m{k} ({type(module).__name__}): parameter names differ from torch's; "
                              f"torch {want}, dialect {have}; loading by position")
            if len(want) != len(have):
                raise RuntimeError(f"harness: module m{k} ({type(module).__name__}) has {len(have)} parameters "
                                   f"{have}, torch had {len(want)} {want}")
        perturb = float(os.environ.get("HARNESS_PERTURB", "0") or 0)
        noise = np.random.RandomState(12345 + k)
        for key, (name, p) in zip(want, named):
            value = self.loaded[key]
            if perturb:  # sensitivity probe only (compare_with_pytorch.py --sensitivity): relative noise
                value = value * (1 + perturb * noise.standard_normal(value.shape))
            if tuple(p.shape) != value.shape:
                raise RuntimeError(f"harness: parameter {name} of {type(module).__name__} has shape "
                                   f"{tuple(p.shape)}, torch's has {value.shape}")
            with self.T.no_grad():
                p.copy_(self.T.tensor(value, dtype=self.T.float64))

    # ---------------------------------------------------------------- randomness
    def _record_draw(self, name, values):
        self.draws.setdefault(name, []).extend(int(v) for v in np.ravel(values))

    def _count(self, name):
        self.counters[name] = self.counters.get(name, 0) + 1
        return self.counters[name] - 1

    def install_random_patches(self):
        self.install("the random_split patch", self.patch_random_split)
        self.install("the multinomial patch", self.patch_multinomial)
        self.install("the randint patch", self.patch_randint)
        self.install("the RandomSampler patch", self.patch_random_sampler)

    def patch_random_split(self):
        harness = self
        data_mod = importlib.import_module(self.torch_name + ".utils.data")

        real_random_split = data_mod.random_split

        @functools.wraps(real_random_split)
        def random_split(dataset, lengths, generator=None):
            real = real_random_split(dataset, lengths, generator=generator) if generator is not None \
                else real_random_split(dataset, lengths)
            n = len(dataset)
            lengths = list(lengths)
            if all(0 <= frac <= 1 for frac in lengths) and abs(sum(lengths) - 1) < 1e-9 and sum(lengths) <= 1 + 1e-9:
                sizes = [int(np.floor(n * frac)) for frac in lengths]
                for i in range((n - sum(sizes))):
                    sizes[i % len(sizes)] += 1
            else:
                sizes = [int(v) for v in lengths]
            if [len(s) for s in real] != sizes:
                raise RuntimeError(f"harness: random_split returned sizes {[len(s) for s in real]}, torch's rule "
                                   f"gives {sizes}")
            perm = np.random.RandomState(1000 + harness._count("random_split")).permutation(n).tolist()
            harness._record_draw("random_split", perm)
            out, start = [], 0
            for size in sizes:
                out.append(data_mod.Subset(dataset, perm[start:start + size]))
                start += size
            return out

        data_mod.random_split = random_split
        try:
            dataset_mod = importlib.import_module(self.torch_name + ".utils.data.dataset")
            if getattr(dataset_mod, "random_split", None) is real_random_split:
                dataset_mod.random_split = random_split
        except ImportError:
            pass

    def patch_random_sampler(self):
        """DataLoader(shuffle=True) and RandomSampler: each epoch's order is a fixed numpy permutation. The real
        sampler is iterated first (so its own draws happen) and must give a permutation of the dataset."""
        harness = self
        data_mod = importlib.import_module(self.torch_name + ".utils.data")
        cls = data_mod.RandomSampler
        real_iter = cls.__iter__

        def __iter__(sampler):
            real = list(real_iter(sampler))
            n = len(sampler.data_source)
            if sampler.replacement or len(real) != n:
                harness.notes.append("RandomSampler with replacement or num_samples: its own draws were used")
                yield from real
                return
            if sorted(real) != list(range(n)):
                raise RuntimeError(f"harness: RandomSampler gave {real}, not a permutation of range({n})")
            perm = np.random.RandomState(2000 + harness._count("random_sampler")).permutation(n).tolist()
            harness._record_draw("random_sampler", perm)
            yield from perm

        cls.__iter__ = __iter__

    def patch_multinomial(self):
        T = self.T
        harness = self
        real_multinomial = T.multinomial

        @functools.wraps(real_multinomial)
        def multinomial(input, num_samples, replacement=False, *, generator=None, out=None):
            real = real_multinomial(input, num_samples, replacement)
            w = to_numpy(input).astype(np.float64)
            rows = w.reshape(-1, w.shape[-1])
            draws = []
            for row in rows:
                prob = row / row.sum()
                cdf = np.cumsum(prob)
                picks = []
                for _ in range(num_samples):
                    u = harness.rng.random_sample() * cdf[-1]
                    picks.append(int(min(np.searchsorted(cdf, u, side="right"), len(cdf) - 1)))
                draws.append(picks)
            result = np.array(draws, dtype=np.int64).reshape(w.shape[:-1] + (num_samples,))
            if tuple(real.shape) != result.shape:
                raise RuntimeError(f"harness: multinomial returned shape {tuple(real.shape)}, expected {result.shape}")
            harness._record_draw("multinomial", result)
            return T.tensor(result, dtype=T.long)

        T.multinomial = multinomial

    def patch_randint(self):
        T = self.T
        harness = self
        real_randint = T.randint

        @functools.wraps(real_randint)
        def randint(*args, size=None, dtype=None, **kw):
            if size is None:
                *bounds, size = args
            else:
                bounds = list(args)
            low, high = (0, bounds[0]) if len(bounds) == 1 else (bounds[0], bounds[1])
            real = real_randint(low, high, tuple(size), dtype=dtype or T.long)
            value = harness.rng.randint(low, high, size=tuple(size)).astype(np.int64)
            if tuple(real.shape) != value.shape:
                raise RuntimeError(f"harness: randint returned shape {tuple(real.shape)}, expected {value.shape}")
            harness._record_draw("randint", value)
            return T.tensor(value, dtype=dtype or T.long)

        T.randint = randint

    # ---------------------------------------------------------------- capture
    def install_plot_capture(self):
        try:
            import matplotlib
            matplotlib.use("Agg")
            from matplotlib.axes import Axes
        except ImportError:
            self.notes.append("matplotlib not importable: plots not captured")
            return
        harness = self
        real_plot, real_matshow = Axes.plot, Axes.matshow

        def plot(ax, *args, **kw):
            i = harness._count("plot")
            for j, a in enumerate(args):
                if not isinstance(a, str):
                    harness.capture[f"plot{i}.arg{j}"] = to_numpy(a)
            return real_plot(ax, *args, **kw)

        def matshow(ax, Z, *args, **kw):
            harness.capture[f"matshow{harness._count('matshow')}"] = to_numpy(Z)
            return real_matshow(ax, Z, *args, **kw)

        Axes.plot, Axes.matshow = plot, matshow

    def record_end_state(self, program_globals):
        for name in self.globals_to_capture:
            if name in program_globals:
                try:
                    self.capture[f"global.{name}"] = to_numpy(program_globals[name])
                except Exception as e:  # noqa: BLE001 - a capture failure is reported, not fatal
                    self.notes.append(f"could not capture global {name}: {type(e).__name__}: {e}")
        for k, module in enumerate(self.modules):
            try:
                for name, p in module.named_parameters():
                    self.capture[f"final.m{k}.{name}"] = to_numpy(p)
                    if getattr(p, "grad", None) is not None:
                        self.capture[f"grad.m{k}.{name}"] = to_numpy(p.grad)
            except Exception as e:  # noqa: BLE001
                self.notes.append(f"could not capture parameters of m{k}: {type(e).__name__}: {e}")

    def write_capture(self, error):
        for name, values in self.draws.items():
            self.capture[f"draws.{name}"] = np.array(values, dtype=np.int64)
        np.savez(self.capture_path + ".npz", **self.capture)
        meta = {"torch": self.torch_name, "mode": self.mode, "modules": [type(m).__name__ for m in self.modules],
                "notes": self.notes, "error": error}
        with open(self.capture_path + ".json", "w") as f:
            json.dump(meta, f, indent=2)


def describe_exception(exc: BaseException, program_dir: str) -> dict:
    frames = traceback.extract_tb(exc.__traceback__)
    program_frames = [f for f in frames if os.path.abspath(f.filename).startswith(program_dir)]
    library_frames = [f for f in frames if "tinygrad_rnn" in f.filename or "/torch/" in f.filename]
    fmt = lambda f: {"file": f.filename, "line": f.lineno, "function": f.name, "code": f.line}  # noqa: E731
    info = {"type": type(exc).__name__, "message": str(exc),
            "program_frame": fmt(program_frames[-1]) if program_frames else None,
            "library_frame": fmt(library_frames[-1]) if library_frames else None,
            "innermost_frame": fmt(frames[-1]) if frames else None}
    if isinstance(exc, AttributeError):
        info["missing_attribute"] = getattr(exc, "name", None)
        obj = getattr(exc, "obj", None)
        info["on"] = repr(obj)[:200] if obj is not None and not hasattr(obj, "shape") else type(obj).__name__
    return info


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--torch", required=True, help="torch or tinygrad_rnn.torch")
    ap.add_argument("--mode", choices=["record", "load"], required=True)
    ap.add_argument("--params", required=True)
    ap.add_argument("--capture", required=True, help="output path prefix (.npz and .json are written)")
    ap.add_argument("--globals", default="", help="comma-separated program globals to capture at the end")
    ap.add_argument("program")
    ap.add_argument("args", nargs=argparse.REMAINDER)
    ns = ap.parse_args()

    os.environ.setdefault("MPLBACKEND", "Agg")
    random.seed(HARNESS_SEED)
    np.random.seed(HARNESS_SEED)
    program = os.path.abspath(ns.program)
    program_dir = os.path.dirname(program)
    error = None
    harness = None
    program_globals = {}
    try:
        harness = Harness(ns.torch, ns.mode, ns.params, ns.capture, [g for g in ns.globals.split(",") if g])
        harness.install("set_default_dtype(float64)", lambda: harness.T.set_default_dtype(harness.T.float64))
        harness.install("the nn.Module construction hook", harness.install_module_hook)
        harness.install_random_patches()
        harness.install_plot_capture()
        sys.argv = [program] + [a for a in ns.args if a != "--"]
        sys.path.insert(0, program_dir)
        main_module = types.ModuleType("__main__")
        main_module.__file__ = program
        sys.modules["__main__"] = main_module
        program_globals = main_module.__dict__
        with open(program, encoding="utf-8") as f:
            code = compile(f.read(), program, "exec")
        exec(code, program_globals)
    except SystemExit as e:
        if e.code not in (None, 0):
            error = describe_exception(e, program_dir)
    except BaseException as e:  # noqa: BLE001 - report everything the program or harness raised
        traceback.print_exc()
        error = describe_exception(e, program_dir)
    finally:
        if harness is not None:
            harness.record_end_state(program_globals)
            harness.write_capture(error)
        else:
            with open(ns.capture + ".json", "w") as f:
                json.dump({"torch": ns.torch, "error": error, "notes": ["harness could not start"]}, f, indent=2)
    sys.exit(1 if error else 0)


if __name__ == "__main__":
    main()
