"""pytest setup shared by the test modules: single-threaded BLAS, tests/ importable (helpers.py), the property
tests derandomized on CI, and one output folder per test module for the demos' pictures."""
import os
import sys

import pytest
from hypothesis import settings


# Tiny matrices gain nothing from BLAS threads, and timed tests (deep graphs) must not compete for cores.
for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

# On CI (CI=true) the property tests draw the same examples on every run, so a run is red only for a change
# of the code; local runs keep drawing new ones (and remember failures in .hypothesis/).
settings.register_profile("ci", derandomize=True, database=None)
if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
    settings.load_profile("ci")


@pytest.fixture(scope="module")
def out(tmp_path_factory):
    """A fresh folder for the pictures the demos of one test module write (their names carry the demo's)."""
    return tmp_path_factory.mktemp("out")


@pytest.fixture
def torch_float64():
    """The dialect's default dtype float64 for one test (the PyTorch scripts behind the expected numbers ran in
    float64); float32 again afterwards."""
    import tinygrad_rnn.torch as torch
    torch.set_default_dtype(torch.float64)
    yield
    torch.set_default_dtype(torch.float32)
