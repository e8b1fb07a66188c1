"""torch.compile and torch.jit (passthroughs: no compiler here), torch.autocast (full precision here) and
torch.amp.GradScaler (PyTorch's loss scaling, exactly). Expected values, warnings and messages were printed by
PyTorch 2.14 and are written out here."""
import re
import threading
import warnings

import numpy as np
import pytest

import tinygrad_rnn.torch as torch
import tinygrad_rnn.torch.nn as nn


def raises(error, message: str):
    """pytest.raises for exactly this message."""
    return pytest.raises(error, match="^" + re.escape(message) + "$")


def caught(make):
    """(result, [(category name, message)]) of make(), every warning recorded."""
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        result = make()
    return result, [(w.category.__name__, str(w.message)) for w in seen]


# ---------------------------------------------------------------- torch.compile, torch.jit
def test_compile_returns_the_model_or_function_itself_and_works_as_a_decorator():
    model = nn.Linear(2, 2)
    assert torch.compile(model) is model                   # PyTorch wraps it in an OptimizedModule
    assert torch.compile(model, mode="reduce-overhead", fullgraph=True, dynamic=False, backend="eager") is model

    @torch.compile
    def double(x):
        return x * 2

    @torch.compile(mode="max-autotune")
    def triple(x):
        return x * 3
    assert double(torch.ones(2)).tolist() == [2.0, 2.0] and triple(torch.ones(1)).tolist() == [3.0]
    assert double.__name__ == "double"


@pytest.mark.parametrize("call, error, message", [
    (lambda: torch.compile(3), AssertionError, "A callable function is expected, but <class 'int'> is provided."),
    (lambda: torch.compile(abs, mode="max-autotune", options={}), RuntimeError,
     "Either mode or options can be specified, but both can't be specified at the same time."),
    (lambda: torch.compile(abs, mode="bogus"), RuntimeError,
     "Unrecognized mode=bogus, should be one of: default, lite, reduce-overhead, max-autotune-no-cudagraphs, "
     "max-autotune"),
])
def test_compile_checks_its_arguments_as_pytorch_does(call, error, message):
    with raises(error, message):
        call()


def test_jit_script_and_trace_return_what_they_are_given_with_pytorchs_deprecation_warning():
    model = nn.LSTM(3, 4)
    scripted, seen = caught(lambda: torch.jit.script(model))
    assert scripted is model and seen == [("FutureWarning", "`torch.jit.script` is deprecated. Please switch to "
                                                            "`torch.compile` or `torch.export`.")]
    traced, seen = caught(lambda: torch.jit.trace(model, torch.zeros(5, 1, 3)))
    assert traced is model and seen == [("FutureWarning", "`torch.jit.trace` is deprecated. Please switch to "
                                                          "`torch.compile` or `torch.export`.")]
    out, (h, c) = traced(torch.zeros(5, 1, 3))
    assert out.shape == (5, 1, 4)


def test_jit_decorators_leave_functions_as_they_are():
    class Net(nn.Module):
        @torch.jit.ignore
        def debug(self):
            return "ignored"

        @torch.jit.ignore(drop=True)
        def dropped(self):
            return "dropped"

        @torch.jit.unused
        def unused(self):
            return "unused"

        @torch.jit.export
        def exported(self):
            return "exported"
    net = Net()
    assert (net.debug(), net.dropped(), net.unused(), net.exported()) == ("ignored", "dropped", "unused", "exported")
    assert not torch.jit.is_scripting() and not torch.jit.is_tracing() and torch.jit.annotate(list, [1]) == [1]


# ---------------------------------------------------------------- torch.autocast
def test_autocast_on_the_cpu_is_a_region_that_computes_in_full_precision():
    lin = nn.Linear(2, 2)
    assert not torch.is_autocast_enabled("cpu")
    with torch.autocast("cpu") as region:
        assert region.__class__ is torch.autocast and torch.is_autocast_enabled("cpu")
        assert not torch.is_autocast_enabled()                  # no argument: CUDA's flag
        y = lin(torch.ones(1, 2))
        with torch.autocast("cpu", enabled=False):
            assert not torch.is_autocast_enabled("cpu")
        assert torch.is_autocast_enabled("cpu")
    assert not torch.is_autocast_enabled("cpu")
    assert y.dtype == torch.float32                             # PyTorch: torch.bfloat16 (see docs/pytorch.md)
    assert np.array_equal(y.detach().numpy(), lin(torch.ones(1, 2)).detach().numpy())


def test_autocast_as_a_decorator_and_per_thread():
    @torch.autocast("cpu")
    def inside(x):
        return torch.is_autocast_enabled("cpu"), x

    @torch.autocast(device_type="cpu", enabled=False)
    def off(x):
        return torch.is_autocast_enabled("cpu"), x
    assert inside(1) == (True, 1) and off(1) == (False, 1)
    seen = []
    with torch.autocast("cpu"):
        thread = threading.Thread(target=lambda: seen.append(torch.is_autocast_enabled("cpu")))
        thread.start()
        thread.join()
    assert seen == [False]


@pytest.mark.parametrize("make, message", [
    (lambda: torch.autocast("cuda"), "CUDA is not available or torch_xla is imported. Disabling autocast."),
    (lambda: torch.autocast("cpu", dtype=torch.float32), "In CPU autocast, but the target dtype is not supported. "
     "Disabling autocast.\nCPU Autocast only supports dtypes of torch.bfloat16, torch.float16 currently."),
    (lambda: torch.autocast("cpu", dtype=torch.float64), "In CPU autocast, but the target dtype is not supported. "
     "Disabling autocast.\nCPU Autocast only supports dtypes of torch.bfloat16, torch.float16 currently."),
])
def test_autocast_warns_and_turns_itself_off_as_pytorch_does(make, message):
    region, seen = caught(make)
    assert seen == [("UserWarning", message)]
    with region:
        assert not torch.is_autocast_enabled(region.device)


def test_the_deprecated_per_device_autocasts_warn_as_pytorch_does():
    region, seen = caught(lambda: torch.cpu.amp.autocast())
    assert seen == [("FutureWarning", "`torch.cpu.amp.autocast(args...)` is deprecated. Please use "
                                      "`torch.amp.autocast('cpu', args...)` instead.")]
    with region:
        assert torch.is_autocast_enabled("cpu")
    region, seen = caught(lambda: torch.cuda.amp.autocast())
    assert seen == [("FutureWarning", "`torch.cuda.amp.autocast(args...)` is deprecated. Please use "
                                      "`torch.amp.autocast('cuda', args...)` instead."),
                    ("UserWarning", "CUDA is not available or torch_xla is imported. Disabling autocast.")]
    assert torch.amp.autocast is torch.autocast and torch.amp.is_autocast_available("cpu")
    assert torch.cpu.is_available() and torch.cpu.device_count() == 1
    assert not torch.autocast("cpu", enabled=False)._enabled and torch.autocast("cpu", dtype=torch.float16)._enabled


@pytest.mark.parametrize("make, error, message", [
    (lambda: torch.autocast(3), ValueError, "Expected `device_type` of type `str`, got: `<class 'int'>`"),
    (lambda: torch.autocast("foo"), RuntimeError,
     "Expected one of cpu, cuda, ipu, xpu, mkldnn, opengl, opencl, ideep, hip, ve, fpga, maia, xla, lazy, vulkan, "
     "mps, meta, hpu, mtia, privateuseone device type at start of device string: foo"),
])
def test_autocast_refuses_what_pytorch_refuses(make, error, message):
    with raises(error, message):
        make()


# ---------------------------------------------------------------- GradScaler
def scaled_run(scaler, factors, dtype=torch.float32):
    """SGD(lr=0.1) on p = [1, 2] with loss (p * g).sum() per g; (get_scale, state_dict, p, step result) per step."""
    p = nn.Parameter(torch.tensor([1.0, 2.0], dtype=dtype))
    optimizer = torch.optim.SGD([p], lr=0.1)
    rows = []
    for g in factors:
        optimizer.zero_grad()
        scaler.scale((p * g).sum()).backward()
        result = scaler.step(optimizer)
        scaler.update()
        rows.append((scaler.get_scale(), scaler.state_dict().get("_growth_tracker"), p.detach().tolist(), result))
    return rows


def test_grad_scaler_skips_steps_with_inf_or_nan_and_updates_the_scale_as_pytorch():
    scaler = torch.amp.GradScaler("cpu", init_scale=4.0, growth_factor=3.0, backoff_factor=0.25, growth_interval=2)
    rows = scaled_run(scaler, [1.0, 1.0, float("inf"), 1.0, float("nan"), 1.0, 1.0, 1.0])
    assert [(s, t) for s, t, _, _ in rows] == [(4.0, 1), (12.0, 0), (3.0, 0), (3.0, 1), (0.75, 0), (0.75, 1),
                                               (2.25, 0), (2.25, 1)]
    assert [p for _, _, p, _ in rows] == [      # torch 2.14, float32 parameters
        [0.8999999761581421, 1.899999976158142], [0.7999999523162842, 1.7999999523162842],
        [0.7999999523162842, 1.7999999523162842], [0.6999999284744263, 1.6999999284744263],
        [0.6999999284744263, 1.6999999284744263], [0.5999999046325684, 1.5999999046325684],
        [0.49999991059303284, 1.4999998807907104], [0.3999999165534973, 1.3999998569488525]]
    assert all(result is None for *_, result in rows)
    assert scaler.state_dict() == {"scale": 2.25, "growth_factor": 3.0, "backoff_factor": 0.25, "growth_interval": 2,
                                   "_growth_tracker": 1}
    scaler.update(7.0)
    assert scaler.get_scale() == 7.0 and scaler.state_dict()["_growth_tracker"] == 1
    scaler.update(torch.tensor(5.0))
    assert scaler.get_scale() == 5.0


def test_grad_scaler_rounds_the_scale_to_float32_as_pytorch():
    scaler = torch.amp.GradScaler("cpu", init_scale=3.3, growth_factor=1.1, backoff_factor=0.3, growth_interval=1)
    rows = scaled_run(scaler, [1.0, 1.0, float("inf"), 1.0, float("inf"), float("inf"), 1.0])
    assert [s for s, *_ in rows] == [3.629999876022339, 3.992999792098999, 1.1978999376296997, 1.3176898956298828,
                                     0.3953069746494293, 0.11859209090471268, 0.13045130670070648]
    assert rows[-1][2] == [0.5999999046325684, 1.5999999046325684]
    scaler = torch.amp.GradScaler("cpu", init_scale=3e38, growth_interval=1)         # growing would overflow
    scaled_run(scaler, [1e-38])
    assert scaler.get_scale() == 3.0000000054977558e+38 and scaler.state_dict()["_growth_tracker"] == 0


def test_grad_scaler_scales_losses_and_unscales_gradients_exactly():
    scaler = torch.amp.GradScaler("cpu", init_scale=3.3)
    for dtype, scaled, unscaled in [(torch.float64, 2.309999966621399, 0.7000000107468978),
                                    (torch.float32, 2.309999942779541, 0.699999988079071)]:
        q = nn.Parameter(torch.tensor([1.0, 2.0], dtype=dtype))
        optimizer = torch.optim.SGD([q], lr=1.0)
        scaler.scale((q * 0.7).sum()).backward()
        assert q.grad[0].item() == scaled
        scaler.unscale_(optimizer)
        assert q.grad[0].item() == unscaled
    scaler = torch.amp.GradScaler("cpu")
    assert scaler.get_scale() == 65536.0 and scaler.is_enabled()
    nested = scaler.scale([torch.tensor(1.), (torch.tensor(2., dtype=torch.float64),)])
    assert nested[0].item() == 65536.0 and nested[1][0].dtype == torch.float64 and isinstance(nested[1], tuple)
    assert scaler.scale(torch.tensor([1., 2.], dtype=torch.float64)).dtype == torch.float64
    assert scaler.scale(torch.tensor(1., requires_grad=True)).requires_grad
    assert torch.amp.GradScaler("cpu", init_scale=3.0).scale(torch.tensor(1e-8, dtype=torch.float64)).item() == \
        3.0000000000000004e-08


def test_grad_scaler_state_dict_round_trip():
    scaler = torch.amp.GradScaler("cpu")
    scaler.load_state_dict({"scale": 8.0, "growth_factor": 2.0, "backoff_factor": 0.5, "growth_interval": 3,
                            "_growth_tracker": 2})
    assert scaler.get_scale() == 8.0 and scaler.state_dict() == {
        "scale": 8.0, "growth_factor": 2.0, "backoff_factor": 0.5, "growth_interval": 3, "_growth_tracker": 2}
    rows = scaled_run(scaler, [1.0])
    assert rows[0][:2] == (16.0, 0)
    assert torch.amp.GradScaler("cpu", init_scale=1).state_dict()["scale"] == 1


def test_a_cuda_grad_scaler_is_disabled_with_pytorchs_warning_and_changes_nothing():
    message = ("UserWarning", "torch.cuda.amp.GradScaler is enabled, but CUDA is not available.  Disabling.")
    scaler, seen = caught(lambda: torch.amp.GradScaler())
    assert seen == [message] and not scaler.is_enabled()
    assert scaler.get_scale() == 1.0 and scaler.state_dict() == {}
    assert [p for _, _, p, _ in scaled_run(scaler, [1.0, 2.0])] == [[0.8999999761581421, 1.899999976158142],
                                                                   [0.699999988079071, 1.6999999284744263]]
    scaler, seen = caught(lambda: torch.cuda.amp.GradScaler())
    assert seen == [("FutureWarning", "`torch.cuda.amp.GradScaler(args...)` is deprecated. Please use "
                                      "`torch.amp.GradScaler('cuda', args...)` instead."), message]
    scaler, seen = caught(lambda: torch.cpu.amp.GradScaler())
    assert scaler.is_enabled() and seen[0][0] == "FutureWarning"
    assert torch.amp.GradScaler("cpu", enabled=False).state_dict() == {}


def optimizer_and_scaler():
    p = nn.Parameter(torch.ones(2))
    return p, torch.optim.SGD([p], lr=0.1), torch.amp.GradScaler("cpu")


def unscale_twice():
    p, optimizer, scaler = optimizer_and_scaler()
    scaler.scale(p.sum()).backward()
    scaler.unscale_(optimizer)
    scaler.unscale_(optimizer)


def unscale_after_step():
    p, optimizer, scaler = optimizer_and_scaler()
    scaler.scale(p.sum()).backward()
    scaler.step(optimizer)
    scaler.unscale_(optimizer)


def step_twice():
    p, optimizer, scaler = optimizer_and_scaler()
    scaler.scale(p.sum()).backward()
    scaler.step(optimizer)
    scaler.step(optimizer)


def step_without_gradients():
    p, optimizer, scaler = optimizer_and_scaler()
    scaler.scale(p.sum())
    scaler.step(optimizer)


def step_with_closure():
    p, optimizer, scaler = optimizer_and_scaler()
    scaler.scale(p.sum()).backward()
    scaler.step(optimizer, closure=lambda: 0)


def _update_with(new_scale):
    scaler = torch.amp.GradScaler("cpu")
    scaled_run(scaler, [1.0])
    scaler.update(new_scale)


NO_SCALE = " but _scale is None.  This may indicate your script did not use scaler.scale(loss or outputs) earlier " \
           "in the iteration."


@pytest.mark.parametrize("call, error, message", [
    (lambda: torch.amp.GradScaler("cpu", growth_factor=1.0), AssertionError, "The growth factor must be > 1.0."),
    (lambda: torch.amp.GradScaler("cpu", backoff_factor=1.0), AssertionError, "The backoff factor must be < 1.0."),
    (lambda: torch.amp.GradScaler("cpu").update(), AssertionError, "Attempted update" + NO_SCALE),
    (lambda: torch.amp.GradScaler("cpu").unscale_(optimizer_and_scaler()[1]), AssertionError,
     "Attempted unscale_" + NO_SCALE),
    (lambda: torch.amp.GradScaler("cpu").load_state_dict({}), RuntimeError,
     "The source state dict is empty, possibly because it was saved from a disabled instance of GradScaler."),
    (unscale_twice, RuntimeError, "unscale_() has already been called on this optimizer since the last update()."),
    (unscale_after_step, RuntimeError, "unscale_() is being called after step()."),
    (step_twice, RuntimeError, "step() has already been called since the last update()."),
    (step_without_gradients, AssertionError, "No inf checks were recorded for this optimizer."),
    (step_with_closure, RuntimeError, "Closure use is not currently supported if GradScaler is enabled."),
    (lambda: torch.amp.GradScaler("cpu").scale(3.0), ValueError, "outputs must be a Tensor or an iterable of Tensors"),
    (lambda: _update_with(torch.tensor([5.0, 1.0])), AssertionError,
     "new_scale should be a float or a 1-element torch.cuda.FloatTensor or torch.FloatTensor with "
     "requires_grad=False."),
])
def test_grad_scaler_refuses_what_pytorch_refuses(call, error, message):
    with raises(error, message):
        call()


def test_update_before_any_step_is_refused():
    p, optimizer, scaler = optimizer_and_scaler()
    scaler.scale(p.sum()).backward()
    with raises(AssertionError, "No inf checks were recorded prior to update."):
        scaler.update()
    with raises(AssertionError, "new_scale should be a float or a 1-element torch.cuda.FloatTensor or "
                                "torch.FloatTensor with requires_grad=False."):
        scaler.update(torch.tensor(5.0, requires_grad=True))
