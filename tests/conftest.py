"""pytest setup shared by the test modules: single-threaded BLAS, and tests/ importable (helpers.py)."""
import os
import sys

# Tiny matrices gain nothing from BLAS threads, and timed tests (deep graphs) must not compete for cores.
for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
