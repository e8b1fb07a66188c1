"""How a dialect Tensor prints: PyTorch's own layout (torch/_tensor_str.py, its default print options), so
`print(t)` reads the same here and there: `tensor([ 0.1000, -2.0000], requires_grad=True)`;
`torch.set_printoptions` changes them, as it does there.

One formatter looks at every number that will be shown: whole floats print as `2.`, others with 4
decimals, and scientific notation takes over when the magnitudes span more than 1000x, exceed 1e8 or go
below 1e-4. Every entry is right-aligned to the widest; lines break at 80 characters; past 1000 entries
only the first and last 3 along each dimension are shown, around `...`.
"""
import numpy as np

from . import _dtype

OPTIONS = {"precision": 4, "threshold": 1000, "edgeitems": 3, "linewidth": 80, "sci_mode": None}
_PROFILES = {"default": (4, 1000, 3), "short": (2, 1000, 2), "full": (4, float("inf"), 3)}


def set_printoptions(precision=None, threshold=None, edgeitems=None, linewidth=None, profile=None,
                     sci_mode=None) -> None:
    """torch.set_printoptions: decimals shown, the entry count above which a tensor is summarized, the
    entries kept at each end, the line width; a profile ('default', 'short', 'full') first resets them;
    sci_mode True or False forces scientific notation on or off (None: chosen per tensor)."""
    if profile in _PROFILES:
        OPTIONS.update(zip(("precision", "threshold", "edgeitems", "linewidth"), _PROFILES[profile] + (80,)))
    given = {"precision": precision, "threshold": threshold, "edgeitems": edgeitems, "linewidth": linewidth}
    OPTIONS.update({name: value for name, value in given.items() if value is not None}, sci_mode=sci_mode)


class _Formatter:
    """PyTorch's _Formatter: the mode (integer-valued, fixed or scientific) and the width of an entry."""

    def __init__(self, a: np.ndarray):
        self.floating, self.int_mode, self.sci_mode, self.width = a.dtype.kind == "f", True, False, 1
        if not self.floating:
            self.width = max((len(str(v)) for v in a.ravel().tolist()), default=1)
            return
        values = a[np.isfinite(a) & (a != 0)].astype(np.float64)
        if not values.size:
            return
        magnitudes = np.abs(values)
        lo, hi = magnitudes.min(), magnitudes.max()
        self.int_mode = bool(np.all(values == np.ceil(values)))
        self.sci_mode = hi / lo > 1000.0 or hi > 1.0e8 or (not self.int_mode and lo < 1.0e-4)
        self.sci_mode = self.sci_mode if OPTIONS["sci_mode"] is None else bool(OPTIONS["sci_mode"])
        precision = OPTIONS["precision"]
        if self.sci_mode:
            self.width = max(len(f"{v:.{precision}e}") for v in values.tolist())
        elif self.int_mode:
            self.width = max(len(f"{v:.0f}") + 1 for v in values.tolist())
        else:
            self.width = max(len(f"{v:.{precision}f}") for v in values.tolist())

    def __call__(self, v) -> str:
        if not self.floating:
            text = str(v)
        elif self.sci_mode:
            text = f"{v:{self.width}.{OPTIONS['precision']}e}"
        elif self.int_mode:
            text = f"{v:.0f}" + ("" if np.isinf(v) or np.isnan(v) else ".")
        else:
            text = f"{v:.{OPTIONS['precision']}f}"
        return " " * (self.width - len(text)) + text


def _summarized(a: np.ndarray) -> np.ndarray:
    """The entries shown when a is summarized: the first and last edgeitems along each long dimension."""
    k = OPTIONS["edgeitems"]
    for axis, n in enumerate(a.shape):
        if n > 2 * k:
            a = np.concatenate([a.take(range(k), axis), a.take(range(n - k, n), axis)], axis)
    return a


def _vector(a: np.ndarray, indent: int, summarize: bool, fmt: _Formatter) -> str:
    per_line, k = max(1, (OPTIONS["linewidth"] - indent) // (fmt.width + 2)), OPTIONS["edgeitems"]
    values = a.tolist()
    if summarize and len(values) > 2 * k:
        shown = [fmt(v) for v in values[:k]] + [" ..."] + [fmt(v) for v in values[-k:]]
    else:
        shown = [fmt(v) for v in values]
    lines = [", ".join(shown[i:i + per_line]) for i in range(0, len(shown), per_line)]
    return "[" + (",\n" + " " * (indent + 1)).join(lines) + "]"


def _body(a: np.ndarray, indent: int, summarize: bool, fmt: _Formatter) -> str:
    if a.ndim == 0:
        return fmt(a.item())
    if a.ndim == 1:
        return _vector(a, indent, summarize, fmt)
    n, k = a.shape[0], OPTIONS["edgeitems"]
    rows = range(n)
    if summarize and n > 2 * k:
        rows = [*range(k), None, *range(n - k, n)]
    slices = ["..." if i is None else _body(a[i], indent + 1, summarize, fmt) for i in rows]
    return "[" + ("," + "\n" * (a.ndim - 1) + " " * (indent + 1)).join(slices) + "]"


def _with_suffixes(text: str, suffixes: list, indent: int) -> str:
    """PyTorch's _add_suffixes: `, dtype=...` and the like, on a new line when the line would pass 80."""
    parts, last = [text], len(text) - text.rfind("\n") + 1
    for suffix in suffixes:
        if last + len(suffix) + 2 > OPTIONS["linewidth"]:
            parts.append(",\n" + " " * indent + suffix)
            last = indent + len(suffix)
        else:
            parts.append(", " + suffix)
            last += len(suffix) + 2
    return "".join(parts) + ")"


def tensor_repr(t) -> str:
    """tensor(numbers[, size=...][, dtype=...][, grad_fn=<...> | requires_grad=True])."""
    a, d, default = t._data, _dtype.of_array(t._data), _dtype.get_default_dtype()
    suffixes = []
    if a.size == 0:
        suffixes += [f"size={tuple(a.shape)}"] if a.ndim != 1 else []
        suffixes += [f"dtype={d}"] if d is not default else []
        body = "[]"
    else:
        suffixes += [f"dtype={d}"] if d not in (default, _dtype.int64, _dtype.bool) else []
        shown = a.astype(np.float32) if d is _dtype.float16 else a
        summarize = a.size > OPTIONS["threshold"]
        body = _body(shown, len("tensor("), summarize, _Formatter(_summarized(shown) if summarize else shown))
    if t.parents:
        suffixes.append(f"grad_fn=<{t.grad_fn.name()}>")
    elif t.requires_grad:
        suffixes.append("requires_grad=True")
    return _with_suffixes("tensor(" + body, suffixes, len("tensor("))
