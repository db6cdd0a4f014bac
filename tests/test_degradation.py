"""Tests of explainer.degradation: gradient norms, twins, highway, shattered gradients, explanations."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from matplotlib.figure import Figure

from explainer.degradation import curves, grad_norms, highway, live_run, nets, shattered
from explainer.models.resnet import residual_blocks


def _batch(n: int = 4, size: int = 12, seed: int = 0) -> tuple[torch.Tensor, torch.Tensor]:
    g = torch.Generator().manual_seed(seed)
    return torch.randn(n, 1, size, size, generator=g), torch.randint(0, 10, (n,), generator=g)


# ----------------------------------------------------------------------------- depth / init validation


@pytest.mark.parametrize("depth", [8, 14, 56, 110, 122])
def test_valid_depths(depth: int) -> None:
    assert nets.check_depth(depth) == depth


@pytest.mark.parametrize("depth", [2, 7, 9, 57, 128, 1000, True, 56.0, "56", None])
def test_invalid_depths_raise_a_sentence(depth: object) -> None:
    with pytest.raises(ValueError, match="[Dd]epth|6n\\+2"):
        nets.check_depth(depth)


def test_not_6n_plus_2_suggests_neighbours() -> None:
    with pytest.raises(ValueError, match="try 56 or 62"):
        nets.check_depth(58)


def test_unknown_init_and_bad_batch() -> None:
    with pytest.raises(ValueError, match="initialization"):
        grad_norms.grad_norms(8, batch_norm=True, init="He")
    with pytest.raises(ValueError, match="batch"):
        grad_norms.grad_norms(8, batch_norm=True, init="Kaiming", batch=(torch.zeros(2, 3, 8, 8), torch.zeros(2, dtype=torch.long)))


# ----------------------------------------------------------------------------- the plain twin


def test_plain_twin_has_same_layers_and_weights_except_projections() -> None:
    plain, residual = nets.build_pair(14, batch_norm=True, init="Xavier", seed=3)
    ps, rs = plain.state_dict(), residual.state_dict()
    extra = set(rs) - set(ps)
    assert set(ps) <= set(rs)
    assert extra and all(".downsample." in k for k in extra)  # only the 1×1 projections differ
    for k, v in ps.items():
        assert v.shape == rs[k].shape and torch.equal(v, rs[k]), k
    assert [n for n, _ in nets.weighted_layers(plain)] == [n for n, _ in nets.weighted_layers(residual)]
    assert len(nets.weighted_layers(plain)) == 14  # 6n+2 weighted layers, projections not counted


@pytest.mark.parametrize("batch_norm", [True, False])
def test_twins_differ_exactly_by_the_skip(batch_norm: bool) -> None:
    """Same block weights, same input: residual = relu(F(x) + x), plain = relu(F(x)), F(x) identical."""
    plain, residual = nets.build_pair(14, batch_norm=batch_norm, init="Kaiming", seed=1)
    x = torch.relu(torch.randn(3, 16, 10, 10, generator=torch.Generator().manual_seed(0)))
    pb, rb = plain.layer1[1], residual.layer1[1]  # an identity block in both nets
    for blk in (pb, rb):
        blk.eval()
    branch: dict[str, torch.Tensor] = {}
    hp = pb.bn2.register_forward_hook(lambda m, i, o: branch.__setitem__("plain", o))
    hr = rb.bn2.register_forward_hook(lambda m, i, o: branch.__setitem__("residual", o))
    with torch.no_grad():
        yp, yr = pb(x), rb(x)
    hp.remove(), hr.remove()
    torch.testing.assert_close(branch["plain"], branch["residual"], rtol=0, atol=0)
    torch.testing.assert_close(yp, torch.relu(branch["plain"]))
    torch.testing.assert_close(yr, torch.relu(branch["residual"] + x))
    assert not torch.allclose(yp, yr)


def test_zero_init_only_touches_the_residual_net() -> None:
    plain, residual = nets.build_pair(8, batch_norm=True, init="Kaiming", zero_init_residual=True)
    assert torch.count_nonzero(residual.layer1[0].bn2.weight) == 0
    assert torch.all(plain.layer1[0].bn2.weight == 1)


def test_pytorch_default_init_differs_from_kaiming() -> None:
    _, a = nets.build_pair(8, init="PyTorch default", seed=0)
    _, b = nets.build_pair(8, init="Kaiming", seed=0)
    # reset_parameters: kaiming_uniform(a=√5) → weight std = 1/√(3·fan_in); He-normal fan_out is larger.
    fan_in = 16 * 9
    assert a.layer1[0].conv1.weight.std().item() == pytest.approx(1 / math.sqrt(3 * fan_in), rel=0.1)
    assert b.layer1[0].conv1.weight.std().item() == pytest.approx(math.sqrt(2 / fan_in), rel=0.1)


# ----------------------------------------------------------------------------- hooks vs autograd oracle


@pytest.mark.parametrize("residual_net", [False, True])
@pytest.mark.parametrize("batch_norm", [True, False])
def test_hook_norms_equal_autograd_grad(residual_net: bool, batch_norm: bool) -> None:
    plain, residual = nets.build_pair(14, batch_norm=batch_norm, init="Kaiming", seed=0)
    model = residual if residual_net else plain
    x, y = _batch()
    measured = grad_norms.measure_gradients(model, x, y)
    # Oracle: capture the block outputs themselves and ask autograd for every gradient at once.
    outputs: list[torch.Tensor] = []
    handles = [b.register_forward_hook(lambda m, i, o: outputs.append(o)) for _, b in residual_blocks(model)]
    model.train()
    loss = F.cross_entropy(model(x), y)
    for h in handles:
        h.remove()
    weights = [m.weight for _, m in nets.weighted_layers(model)]
    grads = torch.autograd.grad(loss, outputs + weights)
    act = np.array([float(g.norm()) for g in grads[: len(outputs)]])
    wgt = np.array([float(g.norm()) for g in grads[len(outputs) :]])
    np.testing.assert_allclose(measured.block_grad, act, rtol=1e-5)
    np.testing.assert_allclose(measured.weight_grad, wgt, rtol=1e-5)
    assert measured.loss == pytest.approx(loss.item(), rel=1e-6)
    assert len(measured.weight_grad) == 14 and len(measured.block_grad) == 6


def test_grad_norms_result_table_and_figure() -> None:
    res = grad_norms.grad_norms(8, batch_norm=True, init="Xavier", batch=_batch(6, 28))
    assert res.plain.name == "Plain-8" and res.residual.name == "ResNet-8"
    rows = res.table()
    assert len(rows) == 8 and rows[0][0] == "1 conv1" and rows[-1][0] == "8 fc"
    assert all(isinstance(v, float) for row in rows for v in row[1:])
    fig = grad_norms.plot_grad_norms(res)
    assert isinstance(fig, Figure) and len(fig.axes) == 2
    assert "Plain-8" in grad_norms.explain_grad_norms(res)


# ----------------------------------------------------------------------------- explanations follow the numbers


def _fake(plain_first: float, residual_first: float, *, loss: float = 2.3, bn: bool = False) -> grad_norms.GradNormResult:
    def net(name: str, first: float, loss_: float) -> grad_norms.NetGradients:
        w = np.array([first, 1e-3, 1e-2, 1e-2])
        return grad_norms.NetGradients(name, loss_, ["conv1", "a", "b", "fc"], w, ["layer1.0"], np.array([0.01]))

    return grad_norms.GradNormResult(8, bn, "PyTorch default", False, 64, net("Plain-8", plain_first, 2.3),
                              net("ResNet-8", residual_first, loss), 0.1)


def test_explanation_mentions_underflow_only_when_zero() -> None:
    assert "underflow" in grad_norms.explain_grad_norms(_fake(0.0, 5e-3))
    assert "underflow" not in grad_norms.explain_grad_norms(_fake(1e-4, 5e-3))


def test_explanation_mentions_exploded_loss() -> None:
    text = grad_norms.explain_grad_norms(_fake(1e-3, 1e5, loss=9e7))
    assert "exploded" in text and "blows up" in text
    assert "exploded" not in grad_norms.explain_grad_norms(_fake(1e-3, 1e-3))


def test_plain56_without_bn_underflows_on_real_images() -> None:
    """The issue's first example, measured: Plain-56's first-layer gradient norm is 0 in float32, ResNet-56's ≈ 1e-2.

    In float64 the gradient is ~1e-23, not 0: the float32 *norm* underflows, and an SGD step of that
    size leaves the weights bit-identical -- the layer cannot learn either way.
    """
    res = grad_norms.grad_norms(56, batch_norm=False, init="PyTorch default")
    assert res.plain.weight_grad_fp32[0] == 0.0
    assert 0.0 < res.plain.weight_grad[0] < 1e-18
    assert bool(res.plain.update_lost[0]) and not bool(res.residual.update_lost[0])
    assert 1e-3 < res.residual.weight_grad[0] < 1e-1
    text = grad_norms.explain_grad_norms(res)
    assert "underflow" in text and "rounds back to exactly W" in text


# ----------------------------------------------------------------------------- gradient highway


@pytest.mark.parametrize("batch_norm", [True, False])
def test_highway_terms_sum_to_autograd_dL_dx(batch_norm: bool) -> None:
    _, model = nets.build_pair(14, batch_norm=batch_norm, init="Kaiming", seed=2)
    x, y = _batch(4, 12)
    _, terms = highway.highway_terms(model, x, y)
    # Independent oracle: a fresh forward, block inputs captured by pre-hooks, one autograd.grad call.
    inputs: list[torch.Tensor] = []
    handles = [b.register_forward_pre_hook(lambda m, i: inputs.append(i[0])) for _, b in residual_blocks(model)]
    loss = F.cross_entropy(model(x), y)
    for h in handles:
        h.remove()
    oracle = torch.autograd.grad(loss, inputs)
    assert len(terms) == len(oracle) == 6
    for t, g in zip(terms, oracle):
        torch.testing.assert_close(t["identity"] + t["branch"], g, rtol=1e-5, atol=1e-8)
        torch.testing.assert_close(t["total"], g, rtol=1e-5, atol=1e-8)


def test_gradient_highway_marks_projection_blocks() -> None:
    res = highway.gradient_highway(14, batch=_batch(4, 28))
    assert [r.projection for r in res.rows] == [False, False, True, False, True, False]
    assert res.max_sum_error < 1e-5
    assert all(0.0 <= r.identity_share <= 1.0 for r in res.rows)
    assert "projection" in highway.explain_highway(res)
    assert isinstance(highway.plot_highway(res), Figure)


# ----------------------------------------------------------------------------- shattered gradients


def test_autocorrelation_of_white_and_brown_noise() -> None:
    rng = np.random.default_rng(0)
    white = rng.standard_normal(512)
    brown = np.cumsum(white)
    assert abs(shattered.autocorrelation(white, 5)[1]) < 0.15
    assert shattered.autocorrelation(brown, 5)[1] > 0.8
    assert shattered.autocorrelation(white, 5)[0] == pytest.approx(1.0)


def test_sweep_gradient_matches_finite_differences() -> None:
    plain, _ = nets.build_pair(8, seed=0)
    x, _ = _batch(2, 12)
    shattered._calibrate_bn(plain, torch.randn(8, 1, 12, 12))
    plain.double()
    a, b = x[:1].double(), x[1:].double()
    t = torch.tensor([0.3], dtype=torch.float64)
    g = shattered.sweep_gradient(plain, a, b, t, output=2)
    eps = 1e-6
    with torch.no_grad():
        f = lambda s: float(plain(a + s * (b - a))[0, 2])  # noqa: E731
        fd = (f(0.3 + eps) - f(0.3 - eps)) / (2 * eps)
    assert g[0] == pytest.approx(fd, rel=1e-4, abs=1e-8)


def test_residual_gradients_stay_correlated_longer_than_plain() -> None:
    res = shattered.shattered_gradients(32, points=128, max_lag=20, seed=0)
    assert res.residual_acf[1] > res.plain_acf[1] + 0.2
    assert res.residual_corr_length > res.plain_corr_length
    assert "white noise" in shattered.explain_shattered(res)
    assert isinstance(shattered.plot_shattered(res), Figure)


def test_shattered_validates_its_arguments() -> None:
    with pytest.raises(ValueError, match="points"):
        shattered.shattered_gradients(8, points=4)
    with pytest.raises(ValueError, match="span"):
        shattered.shattered_gradients(8, span=2.0)
    with pytest.raises(ValueError, match="6n\\+2"):
        shattered.shattered_gradients(9)


# ----------------------------------------------------------------------------- live run and curves


def test_live_run_yields_and_limits() -> None:
    images = torch.randint(0, 256, (128, 28, 28), dtype=torch.uint8)
    labels = torch.randint(0, 10, (128,))
    states = list(live_run.live_run(8, 4, images=images, labels=labels, every=2))
    assert [s.step for s in states] == [2, 4]
    assert len(states[-1].plain_loss) == len(states[-1].residual_error) == 4
    assert isinstance(live_run.plot_live(states[-1]), Figure)
    with pytest.raises(ValueError, match="steps"):
        next(live_run.live_run(8, 301, images=images, labels=labels))
    with pytest.raises(ValueError, match="between 8 and 56"):
        next(live_run.live_run(110, 10, images=images, labels=labels))


def test_plot_training_curves_two_panels() -> None:
    runs = [
        {"name": f"{'ResNet' if r else 'Plain'}-{d}", "depth": d, "residual": r, "x": [1, 2],
         "train_error": [0.5, 0.3], "test_error": [0.5, None]}
        for d in (20, 56) for r in (False, True)
    ]
    fig = curves.plot_training_curves(runs)
    assert len(fig.axes) == 2
    assert len(fig.axes[0].lines) == 4  # two nets × (train, test)
