"""Branch F(x) + shortcut = sum in every block, the identity and projection shortcuts, and the figures."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from matplotlib.figure import Figure

from explainer.inside import branch_shortcut, features
from explainer.inside.images import prepare_fashion
from explainer.training.checkpoint import load_model
from explainer.training.samples import example_paths
from tests.support.factories import SHIPPED, no_hooks_left

pytestmark = pytest.mark.usefixtures("one_thread")


def test_branch_plus_shortcut_is_the_sum(model, x):
    comps = branch_shortcut.compare_blocks(model, x)
    assert [c.name for c in comps] == ["layer1.0", "layer2.0"]
    assert [c.projection for c in comps] == [False, True]
    names = features.feature_map_names(model)
    maps = features.feature_maps(model, x, names)
    for c in comps:
        torch.testing.assert_close(c.branch + c.shortcut, c.sum)
        torch.testing.assert_close(maps[c.name], torch.relu(c.sum))  # block output = ReLU(sum)
        assert c.ratio == pytest.approx(float(c.branch.norm() / c.shortcut.norm()))
    # Identity shortcut: what is added is exactly the block's input (the stem output here).
    torch.testing.assert_close(maps["layer1.0: shortcut"], maps["stem"])
    # Projection shortcut: the 1×1 conv + BN of the block input.
    with torch.no_grad():
        proj = model.layer2[0].downsample(maps["layer1.0"][None])[0]
    torch.testing.assert_close(maps["layer2.0: shortcut"], proj)
    assert no_hooks_left(model)


def test_branch_figures(model, x):
    comps = branch_shortcut.compare_blocks(model, x)
    assert isinstance(branch_shortcut.branch_shortcut_figure(comps), Figure)
    assert isinstance(branch_shortcut.branch_shortcut_figure(comps, channel=999), Figure)  # clamped
    fig = branch_shortcut.norm_ratio_figure(comps)
    assert len(fig.axes[0].patches) == len(comps)
    assert features.figure_to_array(fig).shape[2] == 3


@SHIPPED
def test_shipped_model_branch_ratios_are_finite():
    model = load_model()
    comps = branch_shortcut.compare_blocks(model, prepare_fashion(example_paths()[0]).x)
    assert len(comps) == 8 and all(np.isfinite(c.ratio) for c in comps)
