"""What the test_torch_* tables compare against: PyTorch's results, written out as literals.

Each table row is (id, code, expected): `code` runs with `torch` being tinygrad_rnn.torch and sets `r`;
`expected` is what the same code gave in real PyTorch (2.x), pasted here, so PyTorch is never imported.
T is a tensor (dtype, shape, values, requires_grad), S a torch.Size, NT a torch.return_types tuple,
D a dtype, A a numpy array, E an exception (type and message, first line).
"""
import math
from dataclasses import dataclass

import numpy as np
import pytest

import tinygrad_rnn.torch as torch

nan, inf = math.nan, math.inf


@dataclass
class T:
    dtype: str
    shape: tuple
    values: object
    rg: bool = False


@dataclass
class NT:
    name: str
    values: T
    indices: T


@dataclass
class D:
    name: str


@dataclass
class A:
    dtype: str
    values: object


@dataclass
class E:
    kind: str
    message: str


class S(tuple):
    def __new__(cls, *sizes):
        return super().__new__(cls, sizes)


def _close(actual: np.ndarray, values, dtype: str, where: str) -> None:
    expected = np.array(values, dtype=np.float64 if dtype.startswith("float") else None)
    assert actual.shape == expected.shape or expected.size == actual.size == 0, f"{where}: shape {actual.shape}"
    if dtype.startswith("float"):
        tol = 1e-12 if dtype == "float64" else 2e-5
        np.testing.assert_allclose(actual.astype(np.float64), expected.reshape(actual.shape), rtol=tol,
                                   atol=tol, equal_nan=True, err_msg=where)
    else:
        assert actual.tolist() == expected.reshape(actual.shape).tolist(), f"{where}: {actual.tolist()}"


def check(actual, expected, where: str = "r") -> None:
    """Assert that `actual` (a dialect result) is what PyTorch gave."""
    if isinstance(expected, T):
        assert isinstance(actual, torch.Tensor), f"{where}: {type(actual).__name__}, not a Tensor"
        assert str(actual.dtype) == f"torch.{expected.dtype}", f"{where}: dtype {actual.dtype}"
        assert tuple(actual.shape) == expected.shape, f"{where}: shape {tuple(actual.shape)}"
        assert actual.requires_grad == expected.rg, f"{where}: requires_grad {actual.requires_grad}"
        _close(actual.detach().numpy(), expected.values, expected.dtype, where)
    elif isinstance(expected, NT):
        assert type(actual).__name__ == expected.name and type(actual).__module__ == "torch.return_types", where
        check(actual.values, expected.values, f"{where}.values")
        check(actual.indices, expected.indices, f"{where}.indices")
    elif isinstance(expected, S):
        assert isinstance(actual, torch.Size) and tuple(actual) == tuple(expected), f"{where}: {actual!r}"
    elif isinstance(expected, D):
        assert actual is getattr(torch, expected.name), f"{where}: {actual!r}"
    elif isinstance(expected, A):
        assert isinstance(actual, np.ndarray) and str(actual.dtype) == expected.dtype, f"{where}: {actual!r}"
        _close(actual, expected.values, expected.dtype, where)
    elif isinstance(expected, (tuple, list)):
        assert type(actual) is type(expected) and len(actual) == len(expected), f"{where}: {actual!r}"
        for i, (a, e) in enumerate(zip(actual, expected)):
            check(a, e, f"{where}[{i}]")
    elif isinstance(expected, float):
        assert isinstance(actual, float) and (actual == expected or math.isclose(actual, expected, rel_tol=2e-6)
                                              or math.isnan(actual) and math.isnan(expected)), f"{where}: {actual!r}"
    else:
        assert type(actual) is type(expected) and actual == expected, f"{where}: {actual!r}"


def run_case(code: str, expected) -> None:
    """Run `code` with the dialect and compare `r` (or the exception) with PyTorch's."""
    env = {"torch": torch, "np": np}
    if isinstance(expected, E):
        try:
            exec(code, env)
        except Exception as err:                   # noqa: BLE001 (the kind is what is checked)
            assert (type(err).__name__, str(err).split("\n")[0]) == (expected.kind, expected.message)
            return
        raise AssertionError(f"raised nothing; PyTorch raised {expected.kind}: {expected.message}")
    exec(code, env)
    check(env["r"], expected)


@pytest.fixture(autouse=True)
def default_dtype_and_grad_mode():
    """Each case starts with PyTorch's defaults (float32, grad mode on) and leaves them so."""
    torch.set_default_dtype(torch.float32)
    torch.set_grad_enabled(True)
    yield
    torch.set_default_dtype(torch.float32)
    torch.set_grad_enabled(True)


@pytest.fixture(autouse=True)
def float64():
    """The torch.nn tests run in float64 (PyTorch's numbers were printed in float64)."""
    old = torch.get_default_dtype()
    torch.set_default_dtype(torch.float64)
    yield
    torch.set_default_dtype(old)


def fill(shape, k):
    """The numbers both sides use: 0.5 sin(1.3 i + k) over the flat index i."""
    n = int(np.prod(shape, dtype=np.int64))
    return 0.5 * np.sin(1.3 * np.arange(n) + k).reshape(shape)


def set_params(module):
    """Entry i of the state_dict becomes fill(its shape, i)."""
    state = module.state_dict()
    module.load_state_dict({k: torch.tensor(fill(tuple(v.shape), i)) for i, (k, v) in enumerate(state.items())})
    return module


def set_parameters(module):
    """Parameter i of named_parameters() becomes fill(its shape, i) (buffers keep theirs)."""
    with torch.no_grad():
        for i, (_, p) in enumerate(module.named_parameters()):
            p.copy_(torch.tensor(fill(tuple(p.shape), i)))
    return module


def same(actual, expected, where: str) -> None:
    """The outputs of a whole program against PyTorch's: numbers to 1e-10 relative (the round-off of a few
    thousand float64 ops), nested lists and tuples entry by entry, everything else exactly."""
    if isinstance(expected, float):
        assert np.isclose(actual, expected, rtol=1e-10, atol=1e-12), f"{where}: {actual!r} != {expected!r}"
    elif isinstance(expected, (list, tuple)):
        assert len(actual) == len(expected), f"{where}: {actual!r}"
        for i, (a, e) in enumerate(zip(actual, expected)):
            same(a, e, f"{where}[{i}]")
    else:
        assert actual == expected, f"{where}: {actual!r} != {expected!r}"
