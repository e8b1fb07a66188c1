"""Run the real PyTorch RNN programs in tests/programs/ twice - original/ with real torch, ported/ with
tinygrad_rnn.torch - from the same float64 weights and randomness, and compare what they computed.

    python tools/compare_with_pytorch.py                   # every run, both sides, compare
    python tools/compare_with_pytorch.py --only char_rnn   # runs whose name contains the text
    python tools/compare_with_pytorch.py --side torch      # only the real-torch side (no comparison)
    python tools/compare_with_pytorch.py --list            # list the runs
    python tools/compare_with_pytorch.py --json out.json   # also write a machine-readable report
    python tools/compare_with_pytorch.py --record tests/programs/expected   # store torch's values (needs torch)
    python tools/compare_with_pytorch.py --against tests/programs/expected  # dialect vs stored values (no torch)

Real PyTorch is not a dependency of this project: it is looked for at $TORCH_PYTHON, else
/tmp/torchenv/bin/python (a Python with `torch`, `numpy` and `matplotlib`). The dialect side runs with
$DIALECT_PYTHON, else .venv/bin/python. tests/programs/README.md explains the harness (the bootstrap in
tests/programs/_harness/bootstrap.py) and what it may and may not change.

What is compared, per run (a run may have several steps, e.g. train then generate):
  * both sides finish without an exception (else the dialect's failure is reported: type, message,
    the program line and the library line it failed on, the missing attribute);
  * every captured number: program globals (losses, perplexities, confusion matrices), the arrays the
    program plotted, every module's final parameters and gradients, files the program wrote
    (generated text, .npz dumps) - to rtol/atol (round-off in float64);
  * stdout, line by line after blanking timings; numbers to their printed precision;
  * min_char_rnn also against Karpathy's numpy min-char-rnn.py (its hand-written lossFun), run here from
    the same initial weights.

The modules, in import order: runs (the run table, the sides, the tolerances), capture (what a step left
behind), side (running a side's steps in subprocesses), stdout and arrays (comparing printed lines, arrays and
texts), report (comparing the two sides of a run, printing the reports), reference (min-char-rnn against the
numpy gist), expected (the stored expectations: --against), record (--record), cli (the command line).
"""
from .expected import compare_with_expected, load_expected, run_dialect_from_expected
from .runs import ATOL, RTOL, RUNS, run_dirname
from .stdout import NUMBER, normalise

__all__ = ["ATOL", "NUMBER", "RTOL", "RUNS", "compare_with_expected", "load_expected", "normalise",
           "run_dialect_from_expected", "run_dirname"]
