"""torch.load reads a checkpoint that real PyTorch wrote (its zip format): tests/data/pytorch_checkpoint.pt
was saved by PyTorch 2.14 from `{'lstm': nn.LSTM(2, 1).state_dict(), 'head': nn.Linear(1, 2).state_dict(),
'steps': tensor([3, 1]), 'mask': tensor([True, False]), 'half': arange(3, dtype=float32)[1:], 'epoch': 7,
'name': 'tiny'}` (seed 0, float64). The values below are PyTorch's, printed there."""
from pathlib import Path

import numpy as np
import pytest

import tinygrad_rnn.torch as torch

CHECKPOINT = Path(__file__).parent / "data" / "pytorch_checkpoint.pt"


@pytest.fixture
def loaded():
    return torch.load(CHECKPOINT)


def test_tensors_dtypes_and_plain_values_come_back(loaded):
    assert loaded["epoch"] == 7 and loaded["name"] == "tiny"
    assert loaded["steps"].dtype == torch.int64 and loaded["steps"].tolist() == [3, 1]
    assert loaded["mask"].dtype == torch.bool and loaded["mask"].tolist() == [True, False]
    assert loaded["half"].dtype == torch.float32 and loaded["half"].tolist() == [1.0, 2.0]   # a view at offset 1
    w = loaded["lstm"]["weight_hh_l0"]
    assert isinstance(w, torch.Tensor) and w.dtype == torch.float64 and tuple(w.shape) == (4, 1)
    assert list(loaded["lstm"]) == ["weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0"]


def test_a_pytorch_state_dict_loads_into_the_dialect_and_computes_as_there(loaded):
    torch.set_default_dtype(torch.float64)
    try:
        lstm, head = torch.nn.LSTM(2, 1), torch.nn.Linear(1, 2)
    finally:
        torch.set_default_dtype(torch.float32)
    lstm.load_state_dict(loaded["lstm"])
    head.load_state_dict(loaded["head"])
    np.testing.assert_array_equal(lstm.weight_ih_l0.detach().numpy(),
                                  [[0.9401060036131061, 0.4156397287995759], [-0.08123411374509826, 0.8414953682439206],
                                   [0.29004824024552955, 0.5822957843606074], [-0.6427876495984981, -0.2977847512121432]])
    np.testing.assert_array_equal(lstm.bias_hh_l0.detach().numpy(),
                                  [-0.18543685127111686, -0.5891228130768258, 0.3300763515002989, 0.5697478009102355])
    np.testing.assert_allclose(head.weight.detach().numpy().ravel(), [-0.5793, 0.3535], atol=5e-5)


def test_weights_only_refuses_other_globals_in_a_zip_checkpoint(tmp_path):
    import pickle
    import zipfile
    path = tmp_path / "evil.pt"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("evil/data.pkl", b"\x80\x02cos\nsystem\nq\x00X\x04\x00\x00\x00trueq\x01\x85q\x02Rq\x03.")
        archive.writestr("evil/byteorder", "little")
    with pytest.raises(pickle.UnpicklingError):
        torch.load(path)
    with pytest.raises(pickle.UnpicklingError):
        torch.load(path, weights_only=False)


def test_a_pytorch_checkpoint_loads_from_an_open_file_left_where_it_was():
    import io
    data = io.BytesIO(b"junk" + CHECKPOINT.read_bytes())
    data.seek(4)
    assert torch.load(data)["epoch"] == 7


def test_the_environment_switch_makes_weights_only_false_the_default(tmp_path, monkeypatch):
    import pickle
    model = torch.nn.Sequential(torch.nn.Linear(2, 1))
    path = tmp_path / "model.pt"
    torch.save(model, path)
    with pytest.raises(pickle.UnpicklingError, match="Weights only load failed"):
        torch.load(path)
    monkeypatch.setenv("TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD", "1")
    with pytest.warns(UserWarning, match="TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD detected"):
        assert isinstance(torch.load(path), torch.nn.Sequential)
    monkeypatch.setenv("TORCH_FORCE_WEIGHTS_ONLY_LOAD", "1")
    with pytest.raises(pickle.UnpicklingError, match="Weights only load failed"):
        torch.load(path, weights_only=False)


@pytest.mark.parametrize("members, cause", [
    ({"x/other": b""}, "ValueError: the archive has no data.pkl"),
    ({"x/data.pkl": b"\x80\x02K\x01.", "x/byteorder": b"big"},
     "ValueError: big-endian checkpoints are not supported (byteorder 'big')"),
    ({"x/data.pkl": b"\x80\x02(X\x03\x00\x00\x00fooK\x00K\x00K\x00K\x00tQ."},
     "ValueError: unsupported storage ('foo', 0, 0, 0, 0)"),
])
def test_a_zip_archive_that_is_no_readable_checkpoint_names_the_cause(tmp_path, members, cause):
    import re
    import zipfile
    path = tmp_path / "other.pt"
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    with pytest.raises(RuntimeError, match=re.escape(f"torch.load: {str(path)!r} is a zip archive but not a "
                                                     f"PyTorch checkpoint this can read ({cause})")):
        torch.load(path)
