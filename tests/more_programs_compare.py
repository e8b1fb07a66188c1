"""How the sweep's program tests compare a run with PyTorch's: `close(actual, expected, where)`.

Numbers agree to 1e-10 relative (the round-off of a few thousand float64 ops; nan matches nan); strings agree
exactly once their numbers are set aside, and their numbers to the same 1e-10 (a program that prints a float with
`{}` or `repr` prints its last digits, where the two libraries' round-off differs); lists, tuples and dicts entry
by entry; everything else exactly.
"""
import math
import re

_NUMBER = re.compile(r"[-+]?(?:\d+\.\d*|\.\d+|\d+)(?:[eE][-+]?\d+)?|nan|inf")


def _numbers_close(a: float, b: float) -> bool:
    return a == b or (math.isnan(a) and math.isnan(b)) or math.isclose(a, b, rel_tol=1e-10, abs_tol=1e-12)


def close(actual, expected, where: str = "result") -> None:
    """Assert that `actual` (the dialect's) is `expected` (PyTorch's), as the module docstring says."""
    if isinstance(expected, float):
        assert isinstance(actual, (float, int)) and _numbers_close(float(actual), expected), \
            f"{where}: {actual!r} != {expected!r}"
    elif isinstance(expected, str):
        assert isinstance(actual, str), f"{where}: {actual!r}"
        assert _NUMBER.split(actual) == _NUMBER.split(expected), f"{where}: {actual!r} != {expected!r}"
        for a, e in zip(_NUMBER.findall(actual), _NUMBER.findall(expected)):
            assert _numbers_close(float(a), float(e)), f"{where}: {actual!r} != {expected!r}"
    elif isinstance(expected, (list, tuple)):
        assert type(actual) is type(expected) and len(actual) == len(expected), f"{where}: {actual!r}"
        for i, (a, e) in enumerate(zip(actual, expected)):
            close(a, e, f"{where}[{i}]")
    elif isinstance(expected, dict):
        assert isinstance(actual, dict) and list(actual) == list(expected), f"{where}: keys {list(actual)}"
        for key in expected:
            close(actual[key], expected[key], f"{where}[{key!r}]")
    else:
        assert type(actual) is type(expected) and actual == expected, f"{where}: {actual!r} != {expected!r}"
