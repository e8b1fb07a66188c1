"""The real PyTorch programs in tests/programs/ run on tinygrad_rnn.torch and compute what real PyTorch did.

No torch needed: each ported program is run (in a subprocess, through the same bootstrap as
tools/compare_with_pytorch.py) from the initial weights real torch started from, and what it computed -
losses, perplexities, trained weights and gradients, confusion matrices, the harness's random draws, generated
words, stdout - is compared with real torch's values stored in tests/programs/expected/, to the tool's
tolerances (rtol 1e-7, atol 1e-9; stdout numbers to their printed precision). The stored values are made with
real torch by `python tools/compare_with_pytorch.py --record tests/programs/expected` (see
tests/programs/README.md, which also says what is stored and how).
"""
from __future__ import annotations

import copy
import sys
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parent.parent
EXPECTED = ROOT / "tests" / "programs" / "expected"
sys.path.insert(0, str(ROOT / "tools"))
import compare as tool  # noqa: E402  (tools/compare/, the package behind tools/compare_with_pytorch.py)

RUNS = {run.name: run for run in tool.RUNS}
NAMES = ["word_language_model/LSTM", "word_language_model/GRU-tied", "word_language_model/RNN_TANH",
         "word_language_model/RNN_RELU", "char_rnn_classification", "char_rnn_classification_handbuilt",
         "min_char_rnn/short", "seq2seq_translation", "d2l_rnn"]
KINDS = ("stale", "run", "arrays", "texts")
_results: dict[str, tuple[dict, dict]] = {}


def dialect_run(name: str, tmp_path_factory) -> tuple[dict, dict]:
    """(stored expectation, the dialect's run from its weights); each program runs once per session."""
    if name not in _results:
        expected = tool.load_expected(EXPECTED, name)
        workdir = tmp_path_factory.mktemp(tool.run_dirname(name).replace("-", "_"))
        _results[name] = expected, tool.run_dialect_from_expected(RUNS[name], expected, workdir, python=sys.executable)
    return _results[name]


def problems(out: dict, kinds=KINDS) -> list[str]:
    return [p for kind in kinds for p in out[kind]]


def compare(name: str, expected: dict, result: dict) -> dict:
    return tool.compare_with_expected(RUNS[name], expected, result)


@pytest.mark.parametrize("name", NAMES)
def test_computes_what_pytorch_computed(name, tmp_path_factory):
    """Runs to the end; every stored array (losses, weights, gradients, draws, ...) and written text matches."""
    expected, result = dialect_run(name, tmp_path_factory)
    out = compare(name, expected, result)
    assert not problems(out), "\n".join(problems(out))
    assert len(out["matched"]) >= 10


@pytest.mark.parametrize("name", NAMES)
def test_prints_what_pytorch_printed(name, tmp_path_factory):
    """stdout line by line (timings blanked; numbers to their printed precision, integers exactly)."""
    expected, result = dialect_run(name, tmp_path_factory)
    out = compare(name, expected, result)
    assert not out["stdout"], "\n".join(out["stdout"])


def test_what_is_stored():
    """Every run has its expectation, recorded with the tool's tolerances from real torch, and all of them
    together stay small."""
    for name in NAMES:
        expected = tool.load_expected(EXPECTED, name)
        assert expected["run"] == name
        assert (expected["rtol"], expected["atol"]) == (tool.RTOL, tool.ATOL) == (1e-7, 1e-9)
        assert expected["params"] and expected["torch"] != "unknown"
        assert expected["sensitivity"]["worst_ratio"] <= 1 / expected["sensitivity"]["margin"]
        kinds = {meta["stored"] for step in expected["steps"] for meta in step["arrays"].values()}
        assert "full" in kinds and "sample" in kinds
        assert any(key.startswith(("final.", "file.dump.npz.W")) for step in expected["steps"] for key in step["arrays"])
    assert sum(p.stat().st_size for p in EXPECTED.rglob("*") if p.is_file()) < 1_000_000


# ---------------------------------------------------------------------------- the comparisons can fail

def mutated(expected: dict, where: str) -> dict:
    """A copy of a stored expectation with one value changed, just beyond the tolerance."""
    e = copy.deepcopy(expected)
    stored = e["stored"]
    if where == "sampled":
        key = next(k for k in sorted(stored) if k.endswith("#val") and ("final." in k or "file.dump.npz.Wxh#" in k))
        stored[key] = stored[key].copy()
        stored[key][0] = stored[key][0] * (1 + 3e-7) + 3e-9
    elif where == "full":
        key = next(k for k in sorted(stored) if "#" not in k and stored[k].dtype.kind == "f" and stored[k].size)
        stored[key] = stored[key].astype(np.float64).copy()
        stored[key].flat[-1] = stored[key].flat[-1] * (1 + 3e-7) + 3e-9
    elif where == "sum":
        meta = next(m for step in e["steps"] for m in step["arrays"].values() if m["stored"] == "sample")
        meta["sum"] += 1e-3 * max(1.0, abs(meta["sum"]))
    elif where == "stdout":
        step = e["steps"][0]
        lines = step["stdout"].splitlines()
        for i in reversed(range(len(lines))):   # the leading digit of the last number that is not a timing
            numbers = list(tool.NUMBER.finditer(lines[i]))
            if numbers:
                k = next(j for j in range(numbers[-1].start(), numbers[-1].end()) if lines[i][j].isdigit())
                line = lines[i][:k] + str((int(lines[i][k]) + 5) % 10) + lines[i][k + 1:]
                if tool.normalise(line) != tool.normalise(lines[i]):
                    lines[i] = line
                    break
        step["stdout"] = "\n".join(lines) + "\n"
    return e


@pytest.mark.parametrize("name", NAMES)
def test_a_value_changed_beyond_the_tolerance_is_caught(name, tmp_path_factory):
    expected, result = dialect_run(name, tmp_path_factory)
    assert problems(compare(name, mutated(expected, "sampled"), result), ["arrays"])
    assert problems(compare(name, mutated(expected, "full"), result), ["arrays"])
    assert problems(compare(name, mutated(expected, "sum"), result), ["arrays"])
    assert compare(name, mutated(expected, "stdout"), result)["stdout"]


def _perturbed_weight_is_caught(name, tmp_path):
    """One stored initial weight nudged by 1e-4: the dialect, started from it, no longer matches torch."""
    expected = tool.load_expected(EXPECTED, name)
    params = expected["params"]["params.step0.npz"]
    last = max(int(k.split(".")[0][1:]) for k in params)      # the last module built (the one trained last)
    key = max((k for k in params if k.startswith(f"m{last}.")),
              key=lambda k: ("hh" in k or "i2h" in k, params[k].size))   # a recurrent weight
    original = params[key]
    for k in [k for k, v in params.items() if v.shape == original.shape and np.array_equal(v, original)]:
        params[k] = original.copy()        # every copy of it (a sub-module's weights are saved again with its parent)
        params[k].flat[original.size // 2] += 1e-4
    out = compare(name, expected, tool.run_dialect_from_expected(RUNS[name], expected, tmp_path, python=sys.executable))
    assert not out["run"] and problems(out, ["arrays"])


@pytest.mark.parametrize("name", ["word_language_model/GRU-tied", "min_char_rnn/short"])
def test_a_perturbed_initial_weight_is_caught(name, tmp_path):
    _perturbed_weight_is_caught(name, tmp_path)


@pytest.mark.slow
@pytest.mark.parametrize("name", [n for n in NAMES if n not in ("word_language_model/GRU-tied", "min_char_rnn/short")])
def test_a_perturbed_initial_weight_is_caught_slow(name, tmp_path):
    _perturbed_weight_is_caught(name, tmp_path)


def test_edited_sources_make_the_stored_values_stale(tmp_path_factory):
    name = "min_char_rnn/short"
    expected, result = dialect_run(name, tmp_path_factory)
    e = copy.deepcopy(expected)
    e["sources"][next(iter(e["sources"]))] = "0" * 16
    assert compare(name, e, result)["stale"]
    e = copy.deepcopy(expected)
    e["steps"][0]["args"] = e["steps"][0]["args"] + ["--iters", "7"]
    assert compare(name, e, result)["stale"]
