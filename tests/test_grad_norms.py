"""Tests of explainer.degradation.grad_norms: hook norms vs autograd, the result, its explanation."""

from __future__ import annotations

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from matplotlib.figure import Figure

from explainer.degradation import grad_norm_reading, grad_norms, nets
from explainer.models.resnet import residual_blocks
from tests.support.factories import random_batch


@pytest.mark.parametrize("residual_net", [False, True])
@pytest.mark.parametrize("batch_norm", [True, False])
def test_hook_norms_equal_autograd_grad(residual_net: bool, batch_norm: bool) -> None:
    plain, residual = nets.build_pair(14, batch_norm=batch_norm, init="Kaiming", seed=0)
    model = residual if residual_net else plain
    x, y = random_batch()
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
    res = grad_norms.grad_norms(8, batch_norm=True, init="Xavier", batch=random_batch(6, 28))
    assert res.plain.name == "Plain-8" and res.residual.name == "ResNet-8"
    rows = res.table()
    assert len(rows) == 8 and rows[0][0] == "1 conv1" and rows[-1][0] == "8 fc"
    assert all(isinstance(v, float) for row in rows for v in row[1:])
    fig = grad_norms.plot_grad_norms(res)
    assert isinstance(fig, Figure) and len(fig.axes) == 2
    labels = [t.get_text() for t in fig.axes[0].texts]  # the stage lines say what they mark
    assert labels == [" stage 2: 32 channels, stride 2", " stage 3: 64 channels, stride 2"]
    assert "Plain-8" in grad_norm_reading.explain_grad_norms(res)




def _fake(plain_first: float, residual_first: float, *, loss: float = 2.3, bn: bool = False) -> grad_norms.GradNormResult:
    def net(name: str, first: float, loss_: float) -> grad_norms.NetGradients:
        w = np.array([first, 1e-3, 1e-2, 1e-2])
        return grad_norms.NetGradients(name, loss_, ["conv1", "a", "b", "fc"], w, ["layer1.0"], np.array([0.01]))

    return grad_norms.GradNormResult(8, bn, "PyTorch default", False, 64, net("Plain-8", plain_first, 2.3),
                              net("ResNet-8", residual_first, loss), 0.1)


def test_explanation_mentions_underflow_only_when_zero() -> None:
    assert "underflow" in grad_norm_reading.explain_grad_norms(_fake(0.0, 5e-3))
    assert "underflow" not in grad_norm_reading.explain_grad_norms(_fake(1e-4, 5e-3))


def test_explanation_mentions_exploded_loss() -> None:
    text = grad_norm_reading.explain_grad_norms(_fake(1e-3, 1e5, loss=9e7))
    assert "exploded" in text and "blows up" in text
    assert "exploded" not in grad_norm_reading.explain_grad_norms(_fake(1e-3, 1e-3))


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
    text = grad_norm_reading.explain_grad_norms(res)
    assert "underflow" in text and "rounds back to exactly W" in text




@pytest.mark.parametrize(
    ("block_grad", "expected"),
    [
        ([6.4e-4, 1e-3, 9.7e-3], ("shrinks", pytest.approx(9.7e-3 / 6.4e-4))),
        ([4.0e6, 1.0, 1.3e-2], ("grows", pytest.approx(4.0e6 / 1.3e-2))),
        ([5.0e-3, 9.9e-3], ("flat", pytest.approx(1.98))),  # within FLAT_FACTOR = 2
        ([1.0, 0.5], ("grows", pytest.approx(2.0))),  # exactly 2× is a change
        ([0.0, 1.0], None),  # nothing reached the first block: no direction to read
        ([1.0], None),
    ],
)
def test_activation_flow_reads_first_vs_last_block(block_grad: list[float], expected: object) -> None:
    assert grad_norm_reading.activation_flow(np.array(block_grad)) == expected


def _flow(plain_bg: list[float], residual_bg: list[float], *, bn: bool,
          plain_first_w: float = 1e-3) -> grad_norms.GradNormResult:
    """Both nets' ‖∂L/∂h‖ (first block ... last block) given; weight gradients chosen to contradict them."""
    def net(name: str, bg: list[float], first_w: float) -> grad_norms.NetGradients:
        # First/last ‖∂L/∂W‖ deliberately point the other way from ‖∂L/∂h‖: the reading must not use them.
        w = np.array([first_w, 1e-2, 1e-6, 1e-2])
        blocks = [f"layer{i}" for i in range(len(bg))]
        return grad_norms.NetGradients(name, 2.3, ["conv1", "a", "b", "fc"], w, blocks, np.array(bg))

    return grad_norms.GradNormResult(110, bn, "Kaiming", False, 64, net("Plain-110", plain_bg, plain_first_w),
                                     net("ResNet-110", residual_bg, 1e-3), 0.1)


@pytest.mark.parametrize(
    ("plain", "residual", "bn", "says", "never"),
    [
        # The example (depth 110, BN off, Kaiming): plain shrinks 15×, residual grows 3e8×.
        ([6.4e-4, 9.7e-3], [4.0e6, 1.3e-2], False,
         ["shrinking toward the input by 15.2× in Plain-110", "growing toward the input by 3.1e+08× in ResNet-110",
          "residual net's ‖∂L/∂h‖ at the first block is"], ["He et al.", "try a deeper"]),
        # BN on, depth 110 as measured: both grow, plain by 9e6×: He et al.'s words are put in their time.
        ([8.8e4, 9.8e-3], [5.4e-1, 1.2e-2], True,
         ["temper the growth", "grows 2.0e+05× more", "He et al. (2015, §4.1)", "Yang et al.", "at initialization"],
         ["try a deeper"]),
        # BN off, plain grows: no quote about BN nets.
        ([1.0, 1e-2], [1e-2, 1e-2], False, ["temper the growth"], ["He et al."]),
        # Plain shrinks 100×, residual stays flat: the shortcut's effect.
        ([1e-4, 1e-2], [6e-3, 1e-2], False, ["carry the gradient down", "keeps 60× more"], ["He et al."]),
        # Plain flat, residual shrinks 100×.
        ([1e-2, 1.5e-2], [1e-4, 1e-2], True, ["plain net's ‖∂L/∂h‖ is 66.7× larger"], ["carry the gradient down"]),
        # Both flat: neither vanishes nor explodes; no advice.
        ([1.0, 1.5], [1.0, 0.8], False, ["stays within 2× of constant in both nets", "1.50× plain, 1.25× residual"],
         ["try a deeper", "switch BN off", "He et al."]),
        # Both shrink alike.
        ([1e-4, 1e-2], [1.5e-4, 1e-2], False, ["within 2× of each other"], ["carry the gradient down"]),
    ],
)
def test_reading_follows_the_activation_gradients(plain: list[float], residual: list[float], bn: bool,
                                                  says: list[str], never: list[str]) -> None:
    text = grad_norm_reading.explain_grad_norms(_flow(plain, residual, bn=bn))
    for phrase in says + ["also carries the activations' scale"]:
        assert phrase in text, phrase
    for phrase in never:
        assert phrase not in text, phrase


@pytest.mark.parametrize("batch_norm", [True, False])
def test_preact_option_measures_a_third_net_with_autograd_consistent_norms(batch_norm: bool) -> None:
    """``preact=True``: three nets, three panels, a fourth table column; the pre-activation net's numbers are
    what autograd gives for ``nets.build_preact`` with the same seed, and the pair's are unchanged."""
    x, y = random_batch(6, 28, seed=3)
    res = grad_norms.grad_norms(8, batch_norm=batch_norm, init="Kaiming", batch=(x, y), preact=True, seed=2)
    pair = grad_norms.grad_norms(8, batch_norm=batch_norm, init="Kaiming", batch=(x, y), seed=2)
    assert pair.preact is None and len(pair.nets) == 2
    assert [n.name for n in res.nets] == ["Plain-8", "ResNet-8", "PreAct ResNet-8"]
    np.testing.assert_array_equal(res.residual.block_grad, pair.residual.block_grad)
    np.testing.assert_array_equal(res.plain.weight_grad, pair.plain.weight_grad)
    assert all(len(row) == 4 for row in res.table()) and len(res.table()) == 8
    assert all(len(row) == 4 for row in res.block_table()) and len(res.block_table()) == 3
    fig = grad_norms.plot_grad_norms(res)
    assert len(fig.axes) == 3 and fig.axes[2].get_title().startswith("PreAct ResNet-8")
    # Oracle: the same net built on its own, every gradient asked of autograd at once.
    model = nets.build_preact(8, batch_norm=batch_norm, init="Kaiming", seed=2).train()
    outputs: list[torch.Tensor] = []
    pooled: list[torch.Tensor] = []
    handles = [b.register_forward_hook(lambda m, i, o: outputs.append(o)) for _, b in residual_blocks(model)]
    handles.append(model.fc.register_forward_hook(lambda m, i, o: pooled.append(i[0].detach())))
    loss = F.cross_entropy(model(x), y)
    for h in handles:
        h.remove()
    weights = [m.weight for _, m in nets.weighted_layers(model)]
    grads = torch.autograd.grad(loss, outputs + weights)
    np.testing.assert_allclose(res.preact.block_grad, [float(g.norm()) for g in grads[: len(outputs)]], rtol=1e-4)
    np.testing.assert_allclose(res.preact.weight_grad, [float(g.norm()) for g in grads[len(outputs) :]], rtol=1e-4)
    assert res.preact.loss == pytest.approx(loss.item(), rel=1e-5)
    assert res.preact.fc_input_rms == pytest.approx(float(pooled[0].pow(2).mean().sqrt()), rel=1e-5)
    # What the UI caches apart and joins gives the same numbers.
    joined = grad_norms.with_preact(pair, grad_norms.preact_gradients(8, batch_norm=batch_norm, init="Kaiming",
                                                                      batch=(x, y), seed=2))
    np.testing.assert_array_equal(joined.preact.block_grad, res.preact.block_grad)


def test_with_preact_refuses_a_net_of_another_depth() -> None:
    x, y = random_batch(4, 28)
    res = grad_norms.grad_norms(8, batch_norm=True, init="Kaiming", batch=(x, y))
    other = grad_norms.preact_gradients(14, batch_norm=True, init="Kaiming", batch=(x, y))
    with pytest.raises(ValueError, match="as many blocks"):
        grad_norms.with_preact(res, other)
