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
    assert [r.projection for r in res.rows] == [False, False, True, False, True, False]
    assert res.max_sum_error < 1e-5
    assert all(0.0 <= r.identity_share <= 1.0 for r in res.rows)
    assert "projection" in highway.explain_highway(res)
    assert isinstance(highway.plot_highway(res), Figure)


