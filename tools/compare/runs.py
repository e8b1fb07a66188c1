"""The run table: the programs of tests/programs/ that are run, the steps and flags of each run, and the sides
(real torch, the dialect, and the real-torch variants of --sensitivity and --record) a step runs on."""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PROGRAMS = ROOT / "tests" / "programs"
BOOTSTRAP = PROGRAMS / "_harness" / "bootstrap.py"
TORCH_PYTHON = os.environ.get("TORCH_PYTHON", "/tmp/torchenv/bin/python")
DIALECT_PYTHON = os.environ.get("DIALECT_PYTHON", str(ROOT / ".venv" / "bin" / "python"))
SIDES = {
    "torch": {"python": TORCH_PYTHON, "dir": "original", "module": "torch", "mode": "record"},
    "dialect": {"python": DIALECT_PYTHON, "dir": "ported", "module": "tinygrad_rnn.torch", "mode": "load"},
    # --sensitivity: real torch again, from torch's weights times (1 + 1e-15 * noise): how far round-off-sized
    # differences in the starting point carry by the end of each run (a floor for any tolerance)
    "perturbed": {"python": TORCH_PYTHON, "dir": "original", "module": "torch", "mode": "load",
                  "env": {"HARNESS_PERTURB": "1e-15"}},
    # --record: real torch from the (float32-rounded) weights its own record run made; what is stored
    "torch-rounded": {"python": TORCH_PYTHON, "dir": "original", "module": "torch", "mode": "load"},
}


@dataclass
class Step:
    """One start of a program: its script and arguments, the globals and written files to capture."""
    script: str
    args: list[str]
    globals: str = ""                                   # program globals to capture at the end
    files: list[str] = field(default_factory=list)      # files the step writes, compared afterwards
    timeout: int = 600


@dataclass
class Run:
    """A named run of one program: its steps, the links its working directory needs, how it is checked."""
    name: str
    program: str                                        # directory under tests/programs
    steps: list[Step]
    links: dict[str, str] = field(default_factory=dict)  # workdir name -> path under tests/programs
    reference: str | None = None                        # extra reference check (min_char_rnn)
    direct: bool = True     # compare torch and dialect value by value (False: each only against the reference)


RTOL, ATOL = 1e-7, 1e-9   # float64 round-off, accumulated over tens to hundreds of updates (see README.md)
WLM_DATA = str(PROGRAMS / "word_language_model" / "data")


def wlm(name: str, *model_args: str) -> Run:
    """A word_language_model run: main.py trains (small sizes, no dropout), then generate.py samples."""
    common = ["--data", WLM_DATA, "--epochs", "2", "--bptt", "5", "--batch_size", "4", "--dropout", "0",
              "--log-interval", "1", "--save", "model.pt"]
    return Run(f"word_language_model/{name}", "word_language_model", [
        Step("main.py", common + list(model_args), globals="best_val_loss,test_loss,lr,val_loss"),
        Step("generate.py", ["--data", WLM_DATA, "--checkpoint", "model.pt", "--words", "60",
                             "--outf", "generated.txt", "--log-interval", "20"], files=["generated.txt"]),
    ])


D2L_ARGS = ["--text", "input.txt", "--batch_size", "32", "--num_steps", "16", "--num_train", "128", "--num_val", "32",
            "--num_hiddens", "6", "--rnn_epochs", "3", "--gated_epochs", "3"]

RUNS = [
    wlm("LSTM", "--model", "LSTM", "--emsize", "16", "--nhid", "16", "--nlayers", "2"),
    wlm("GRU-tied", "--model", "GRU", "--emsize", "16", "--nhid", "16", "--nlayers", "1", "--tied", "--lr", "2"),
    wlm("RNN_TANH", "--model", "RNN_TANH", "--emsize", "16", "--nhid", "12", "--nlayers", "2", "--lr", "2"),
    wlm("RNN_RELU", "--model", "RNN_RELU", "--emsize", "12", "--nhid", "16", "--nlayers", "1", "--lr", "5"),
    Run("char_rnn_classification", "char_rnn_classification",
        [Step("char_rnn_classification_tutorial.py", [], globals="all_losses,n_letters")],
        links={"data": "data"}),
    Run("char_rnn_classification_handbuilt", "char_rnn_classification_handbuilt",
        [Step("char_rnn_classification_tutorial.py", [], globals="all_losses,confusion,current_loss")],
        links={"data": "data"}),
    # the current seq2seq tutorial on a tiny made-up corpus (data/eng-fra.txt): GRU encoder, Bahdanau attention
    # decoder, TensorDataset + RandomSampler + DataLoader, Adam, NLLLoss, greedy decoding and attention plots
    Run("seq2seq_translation", "seq2seq_translation",
        [Step("seq2seq_translation_tutorial.py", [])],
        links={"data": "seq2seq_translation/data"}),
    # d2l.ai's RNN chapters (RNN/LSTM/GRU from scratch and with nn.RNN/LSTM/GRU), small sizes via the flags
    Run("d2l_rnn", "d2l_rnn",
        [Step("d2l_rnn.py", D2L_ARGS, globals="train_ppl,val_ppl")],
        links={"input.txt": "min_char_rnn/data/input.txt"}),
    # min-char-rnn's Adagrad (lr 0.1, tiny early `mem`) multiplies round-off ~10x per iteration at first, so two
    # correct implementations part ways after ~15 updates (see --sensitivity). Hence two runs: a short one
    # compared value by value, and a long one where each side's gradients, at every 25th iteration, are
    # checked against Karpathy's hand-written lossFun evaluated at that side's own parameters.
    Run("min_char_rnn/short", "min_char_rnn",
        [Step("min_char_rnn.py", ["input.txt", "--iters", "6", "--dump", "dump.npz", "--dump_every", "1",
                                  "--sample_every", "3", "--sample_length", "40"],
              globals="smooth_loss,n,p", files=["dump.npz"])],
        links={"input.txt": "min_char_rnn/data/input.txt"}, reference="min_char_rnn"),
    Run("min_char_rnn/long", "min_char_rnn",
        [Step("min_char_rnn.py", ["input.txt", "--iters", "150", "--dump", "dump.npz", "--dump_every", "25"],
              files=["dump.npz"])],
        links={"input.txt": "min_char_rnn/data/input.txt"}, reference="min_char_rnn", direct=False),
]


def run_dirname(name: str) -> str:
    """The directory a run's files go in: its name with "/" written as "__"."""
    return name.replace("/", "__")
