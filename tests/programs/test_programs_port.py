"""The ported PyTorch programs are the originals with only their torch imports changed (see README.md here)."""
import importlib.util
from pathlib import Path

HERE = Path(__file__).resolve().parent
_spec = importlib.util.spec_from_file_location("programs_port", HERE / "port.py")
port = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(port)


def test_every_ported_file_is_its_original_with_torch_imports_rewritten():
    programs = port.program_dirs()
    assert {p.name for p in programs} >= {"word_language_model", "char_rnn_classification",
                                          "char_rnn_classification_handbuilt", "min_char_rnn"}
    problems = [problem for program in programs for problem in port.check(program)]
    assert not problems, "\n".join(problems)


def test_only_import_lines_differ():
    for program in port.program_dirs():
        for original in (program / "original").rglob("*.py"):
            ported = program / "ported" / original.relative_to(program / "original")
            a = original.read_text(encoding="utf-8").splitlines()
            b = ported.read_text(encoding="utf-8").splitlines()
            assert len(a) == len(b), ported
            for x, y in zip(a, b):
                if x != y:
                    assert x.lstrip().startswith(("import torch", "from torch")), (ported, x)
                    assert y.lstrip().startswith(("import tinygrad_rnn.torch", "from tinygrad_rnn.torch")), (ported, y)


def test_port_source_rewrites_only_torch_imports():
    src = ("import os, torch\nimport torch.nn\nimport torch.nn as nn\nfrom torch.utils.data import Dataset\n"
           "x = 'import torch'  # import torch\ndef f():\n    from torch import optim\n\"\"\"\nimport torch\n\"\"\"\n")
    assert port.port_source(src) == (
        "import os; import tinygrad_rnn.torch as torch\n"
        "import tinygrad_rnn.torch as torch; import tinygrad_rnn.torch.nn\n"
        "import tinygrad_rnn.torch.nn as nn\n"
        "from tinygrad_rnn.torch.utils.data import Dataset\n"
        "x = 'import torch'  # import torch\ndef f():\n    from tinygrad_rnn.torch import optim\n\"\"\"\nimport torch\n\"\"\"\n")
