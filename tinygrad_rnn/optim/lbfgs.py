"""L-BFGS, the limited-memory quasi-Newton method, as PyTorch's torch.optim.LBFGS (itself after minFunc), with
its optional strong-Wolfe line search (line_search.py). Nocedal & Wright, Numerical Optimization,
algorithms 7.4 and 7.5.

Unlike the other optimizers, one step() is a small optimization of its own: it calls the closure as often
as it needs, up to max_iter iterations and max_eval evaluations:

    def closure():
        opt.zero_grad(); loss = loss_fn(model(x), y); loss.backward(); return loss
    opt.step(closure)

All the parameters are one flat vector theta (their entries in order), g its gradient. An iteration:

    d = -g                                            (the very first iteration; later ones use the pairs:)
    y = g - g_prev,  s = t_prev * d_prev;  keep the pair if y.s > 1e-10, then H_diag = y.s / y.y
    d = -H g                                          (two-loop recursion over the last history_size pairs)
    t = min(1, 1 / |g|_1) * lr  (the very first iteration),  else  t = lr   (or strong_wolfe's, from there)
    theta <- theta + t * d

A step stops after max_iter iterations or max_eval evaluations, or when max|g| <= tolerance_grad,
g.d > -tolerance_change, max|t d| <= tolerance_change or |loss - loss_prev| < tolerance_change. The pairs,
d, t and the counters (func_evals, n_iter) stay in the state of the first parameter between steps, as in
PyTorch, so the next step() carries on with the same curvature estimate.
"""
from __future__ import annotations

from typing import Callable, Iterable

import numpy as np

from ..modes import switch
from ..nn.utils import check_grads
from . import checks
from .line_search import Point, strong_wolfe
from .optimizer import Optimizer, descend

FLAT = ("d", "prev_flat_grad", "old_dirs", "old_stps")      # state entries that span all the parameters


class LBFGS(Optimizer):
    """L-BFGS over all the parameters as one vector (so one parameter group only): `step(closure)` runs up to
    max_iter iterations of the rule in the module docstring and returns the loss of the closure's first call.

    max_eval defaults to max_iter * 5 // 4; line_search_fn is None (steps of lr) or 'strong_wolfe'.
    """

    def __init__(self, params: Iterable, lr: float = 1, max_iter: int = 20, max_eval: int | None = None,
                 tolerance_grad: float = 1e-7, tolerance_change: float = 1e-9, history_size: int = 100,
                 line_search_fn: str | None = None, *, maximize: bool = False):
        checks.positive_int(self._owner, "max_iter", max_iter)   # first: max_eval's default is computed from it
        super().__init__(params, dict(lr=lr, max_iter=max_iter,
                                      max_eval=max_iter * 5 // 4 if max_eval is None else max_eval,
                                      tolerance_grad=tolerance_grad, tolerance_change=tolerance_change,
                                      history_size=history_size, line_search_fn=line_search_fn, maximize=maximize))

    def _check_hyper(self, h: dict) -> None:
        """lr > 0; max_iter, max_eval, history_size positive integers; tolerances >= 0; a known line search."""
        checks.positive(self._owner, "lr", h["lr"])
        for arg in ("max_iter", "max_eval", "history_size"):
            checks.positive_int(self._owner, arg, h[arg])
        for arg in ("tolerance_grad", "tolerance_change"):
            checks.non_negative(self._owner, arg, h[arg])
        checks.choice(self._owner, "line_search_fn", h["line_search_fn"], (None, "strong_wolfe"))

    def add_param_group(self, param_group: dict) -> None:
        """The one group; a second is refused, as in PyTorch (L-BFGS sees all its parameters as one vector)."""
        if self.param_groups:
            raise ValueError("LBFGS doesn't support per-parameter options (parameter groups): expected one "
                             f"group, got a group number {len(self.param_groups) + 1}")
        super().add_param_group(param_group)

    def step(self, closure: Callable | None = None):
        """Up to max_iter iterations, each calling closure() once (or, with strong_wolfe, as often as the line
        search needs); returns what the first call returned."""
        if not callable(closure):
            raise TypeError("LBFGS.step: L-BFGS evaluates the loss several times per step, so it needs a closure "
                            f"(zero_grad, forward, backward, return the loss), got {type(closure).__name__}")
        group = self.param_groups[0]
        lr, max_iter, max_eval = group["lr"], group["max_iter"], group["max_eval"]
        tolerance_grad, tolerance_change = group["tolerance_grad"], group["tolerance_change"]
        state = self.state[self.params[0]]
        state.setdefault("func_evals", 0)
        state.setdefault("n_iter", 0)
        first, loss, g = self._evaluate(closure)
        evals = 1
        state["func_evals"] += 1
        if np.abs(g).max() <= tolerance_grad:                # already at a minimum
            return first
        d, t, prev_g, prev_loss = (state.get(k) for k in ("d", "t", "prev_flat_grad", "prev_loss"))
        for n_iter in range(1, max_iter + 1):
            state["n_iter"] += 1
            if state["n_iter"] == 1:                         # no pairs yet: steepest descent, a careful first step
                d = -g
                state.update(old_dirs=[], old_stps=[], ro=[], H_diag=1)
                t = min(1.0, 1.0 / np.abs(g).sum()) * lr
            else:
                self._remember(state, g - prev_g, d * t, group["history_size"])
                d, t = self._direction(state, g), lr
            prev_g, prev_loss, gtd = g, loss, g.dot(d)
            if gtd > -tolerance_change:                      # d is not a descent direction (any more)
                break
            if group["line_search_fn"] == "strong_wolfe":   # as PyTorch: the search's own tolerance_change, 1e-9
                x = [p._data.copy() for p in self.params]
                loss, g, t, n = strong_wolfe(lambda step: self._trial(closure, x, step, d), t, d,
                                             Point(0, loss, g, gtd), max_ls=max_eval - evals)
                self._add(t, d)
            else:
                self._add(t, d)
                n = 0 if n_iter == max_iter else 1           # PyTorch's rule: no evaluation after the last move
                if n:
                    _, loss, g = self._evaluate(closure)
            evals += n
            state["func_evals"] += n
            if (n_iter == max_iter or evals >= max_eval or np.abs(g).max() <= tolerance_grad
                    or np.abs(d * t).max() <= tolerance_change or abs(loss - prev_loss) < tolerance_change):
                break
        state.update(d=d, t=t, prev_flat_grad=prev_g, prev_loss=prev_loss)
        return first

    @staticmethod
    def _remember(state: dict, y: np.ndarray, s: np.ndarray, history_size: int) -> None:
        """Keep the curvature pair (y, s) if y.s > 1e-10 (so H stays positive definite), dropping the oldest one
        beyond history_size, and rescale H0: H_diag = y.s / y.y."""
        ys = y.dot(s)
        if ys > 1e-10:
            if len(state["old_dirs"]) == history_size:
                for name in ("old_dirs", "old_stps", "ro"):
                    state[name].pop(0)
            state["old_dirs"].append(y)
            state["old_stps"].append(s)
            state["ro"].append(1.0 / ys)
            state["H_diag"] = ys / y.dot(y)
        state.setdefault("al", [None] * history_size)

    @staticmethod
    def _direction(state: dict, g: np.ndarray) -> np.ndarray:
        """d = -H g by the two-loop recursion, H built from the pairs (s_i, y_i, ro_i = 1 / y_i.s_i) on H0 = H_diag I:

            q = -g;       for i from newest to oldest:   al_i = ro_i s_i.q,   q <- q - al_i y_i
            r = H_diag q; for i from oldest to newest:   be_i = ro_i y_i.r,   r <- r + (al_i - be_i) s_i
        """
        ys, ss, ro, al = state["old_dirs"], state["old_stps"], state["ro"], state["al"]
        q = -g
        for i in reversed(range(len(ys))):
            al[i] = ss[i].dot(q) * ro[i]
            q -= al[i] * ys[i]
        r = q * state["H_diag"]
        for i in range(len(ys)):
            r += (al[i] - ys[i].dot(r) * ro[i]) * ss[i]
        return r

    def _evaluate(self, closure: Callable) -> tuple:
        """Call closure() with grad mode on: (what it returned, the loss as a float, the flat gradient g);
        loss and g negated under maximize. A parameter without a gradient contributes zeros."""
        with switch("grad_enabled", True):
            result = closure()
        check_grads(self.params, f"{self._owner}.step")
        g = np.concatenate([(np.zeros_like(p._data) if p._grad is None else p._grad.astype(p._data.dtype, copy=False))
                            .reshape(-1) for p in self.params])
        loss = float(result)
        return (result, -loss, -g) if self.param_groups[0]["maximize"] else (result, loss, g)

    def _add(self, t, d: np.ndarray) -> None:
        """theta <- theta + t d, each parameter taking its slice of d (by `descend`)."""
        start = 0
        for p in self.params:
            descend(p, -t * d[start:start + p._data.size].reshape(p._data.shape))
            start += p._data.size

    def _trial(self, closure: Callable, x: list, t, d: np.ndarray) -> tuple:
        """(loss, flat gradient) at theta = x + t d, for the line search; theta is x again afterwards."""
        self._add(t, d)
        _, loss, g = self._evaluate(closure)
        for p, saved in zip(self.params, x):
            p._data = saved.copy()                           # a new array: a recorded graph keeps the old one
        return loss, g

    def load_state_dict(self, state_dict: dict) -> None:
        """As Optimizer.load_state_dict. The vectors of FLAT span all the parameters at once, so they are checked
        here against the total size (and kept from the base's check of each array against its parameter)."""
        checks.state_dict_layout(self._owner, state_dict, self.param_groups)
        size, dtype = sum(p._data.size for p in self.params), np.result_type(*(p._data for p in self.params))
        kept, vectors = {}, {}
        for index, entry in state_dict["state"].items():
            kept[index] = {name: value for name, value in entry.items() if name not in FLAT}
            vectors[index] = {name: self._flat_copy(index, name, value, size, dtype)
                              for name, value in entry.items() if name in FLAT}
        super().load_state_dict({**state_dict, "state": kept})
        for p, index in zip(self.params, state_dict["param_groups"][0]["params"]):
            if vectors.get(index):
                self.state[p].update(vectors[index])

    def _flat_copy(self, index, name: str, value, size: int, dtype):
        """A copy in `dtype` of a saved flat vector (or list of them), each checked to have shape (size,)."""
        arrays = value if isinstance(value, list) else [] if value is None else [value]
        for a in arrays:
            if np.shape(a) != (size,):
                raise ValueError(f"{self._owner}.load_state_dict: state {name!r} of parameter {index} has shape "
                                 f"{np.shape(a)}, but L-BFGS's vectors have one entry per parameter entry: "
                                 f"expected ({size},)")
        copies = [np.array(a, dtype=dtype) for a in arrays]
        return copies if isinstance(value, list) else copies[0] if copies else None
