"""Tests of explainer.degradation.highway: shortcut and branch terms vs autograd."""

from __future__ import annotations

import pytest
import torch
import torch.nn.functional as F
from matplotlib.figure import Figure

from explainer.degradation import highway, nets
from explainer.models.resnet import residual_blocks
from tests.support.factories import random_batch


@pytest.mark.parametrize("batch_norm", [True, False])
def test_highway_terms_sum_to_autograd_dL_dx(batch_norm: bool) -> None:
    _, model = nets.build_pair(14, batch_norm=batch_norm, init="Kaiming", seed=2)
    x, y = random_batch(4, 12)
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
    res = highway.gradient_highway(14, batch=random_batch(4, 28))
    # He et al.'s option A: the two stride-2 blocks subsample and zero-pad, the others add x itself.
    assert [r.shortcut for r in res.rows] == ["identity", "identity", "zero-pad", "identity", "zero-pad", "identity"]
    assert res.max_sum_error < 1e-5
    assert all(0.0 <= r.identity_share <= 1.0 and 0.0 < r.relu_open < 1.0 for r in res.rows)
    text = highway.explain_highway(res)
    assert "zero-pad" in text and "metaphor" in text and "final ReLU" in text and "**Conclusion:**" in text
    assert isinstance(highway.plot_highway(res), Figure)


def test_relu_open_share_is_the_share_of_positive_z() -> None:
    _, model = nets.build_pair(8, seed=0)
    x, y = random_batch(4, 12)
    zs: list[torch.Tensor] = []
    handles = [b.relu2.register_forward_pre_hook(lambda m, i: zs.append(i[0].detach()))
               for _, b in residual_blocks(model)]
    model.train()
    model(x)
    for h in handles:
        h.remove()
    res = highway.gradient_highway(8, batch=(x, y), seed=0)
    assert [r.relu_open for r in res.rows] == pytest.approx([float((z > 0).float().mean()) for z in zs])


def _rows(shares: list[float], kinds: list[str] | None = None) -> highway.HighwayResult:
    kinds = kinds or ["identity"] * len(shares)
    rows = [highway.HighwayRow(f"layer1.{i}", k, s, 1.0 - s, 1.0, 0.0, 0.5) for i, (s, k) in enumerate(zip(shares, kinds))]
    return highway.HighwayResult(20, True, "Kaiming", 2.3, rows, 1e-7)


@pytest.mark.parametrize(
    ("shares", "kinds", "says"),
    [
        ([0.6, 0.55, 0.7], None, "in every one of the 3 identity blocks more of the gradient"),
        ([0.4, 0.45, 0.2], None, "in all 3 identity blocks the branch term is the larger one"),
        ([0.6, 0.4, 0.7, 0.3], None, "larger one in 2 of the 4 identity blocks"),
        # A downsampling block's share is not counted: its "identity" term goes through the subsampling shortcut.
        ([0.6, 0.2, 0.7], ["identity", "zero-pad", "identity"], "in every one of the 2 identity blocks"),
        ([0.2], ["projection"], "no identity block to measure"),
    ],
)
def test_conclusion_counts_the_blocks_where_the_shortcut_term_is_larger(
        shares: list[float], kinds: list[str] | None, says: str) -> None:
    assert says in highway.highway_conclusion(_rows(shares, kinds))


