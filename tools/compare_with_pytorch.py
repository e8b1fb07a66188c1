"""Run the real PyTorch RNN programs in tests/programs/ on real torch and on tinygrad_rnn.torch and compare what
they computed: the command-line entry point of the tools/compare/ package, whose docstring says what is run and
compared (`--help` lists the flags; tests/programs/README.md explains the harness)."""
import sys
from pathlib import Path

# tools/, where the compare package is (also when this file is loaded by path, or run with PYTHONSAFEPATH set)
sys.path.insert(0, str(Path(__file__).resolve().parent))

from compare.cli import main  # noqa: E402  (after the path it is found on)

if __name__ == "__main__":
    sys.exit(main())
