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
    # A clamped channel says which channel each row shows (issue 13 item 12): layer1.0 has 8, layer2.0 16.
    clamped = branch_shortcut.branch_shortcut_figure(comps, channel=12)
    rows = [ax.get_ylabel() for ax in clamped.axes if ax.get_ylabel()]
    assert rows[0].startswith("layer1.0 · ch 7 of 8") and rows[1].startswith("layer2.0 · ch 12 of 16")
    assert "narrower blocks show their last channel" in clamped.texts[0].get_text()
    exact = branch_shortcut.branch_shortcut_figure(comps, channel=3)
    assert exact.texts[0].get_text().startswith("Each block adds its branch F(x) to its shortcut (channel 3)")
    fig = branch_shortcut.norm_ratio_figure(comps)
    assert len(fig.axes[0].patches) == len(comps)
    assert features.figure_to_array(fig).shape[2] == 3


RATIOS = [
    ([0.1, 0.2, 0.49], branch_shortcut.ALL_NEAR_IDENTITY),
    ([0.92, 1.48, 1.1, 0.5, 2.0], branch_shortcut.ALL_COMPARABLE),  # the shipped model's range: 0.9-1.5
    ([0.2, 1.0], branch_shortcut.MIXED),
    ([0.2, 1.0, 2.01], branch_shortcut.SOME_DOMINATE),
    ([3.0], branch_shortcut.SOME_DOMINATE),
]


@pytest.mark.parametrize(("ratios", "conclusion"), RATIOS)
def test_ratio_conclusion_is_a_function_of_the_ratios(ratios, conclusion):
    assert branch_shortcut.ratio_conclusion(ratios) == conclusion
    small, comparable, large = branch_shortcut.ratio_counts(ratios)
    assert small == sum(r < branch_shortcut.SMALL_RATIO for r in ratios)
    assert large == sum(r > branch_shortcut.LARGE_RATIO for r in ratios)
    assert small + comparable + large == len(ratios)


def test_ratio_reading_quotes_the_numbers(model, x):
    comps = branch_shortcut.compare_blocks(model, x)
    text = branch_shortcut.ratio_reading(comps)
    ratios = [c.ratio for c in comps]
    lo, hi = comps[int(np.argmin(ratios))], comps[int(np.argmax(ratios))]
    assert f"from {min(ratios):.2f} ({lo.name}) to {max(ratios):.2f} ({hi.name})" in text
    assert branch_shortcut.ratio_conclusion(ratios) in text and "lesion study" in text


@SHIPPED
def test_shipped_model_branch_ratios_are_finite():
    model = load_model()
    comps = branch_shortcut.compare_blocks(model, prepare_fashion(example_paths()[0]).x)
    assert len(comps) == 8 and all(np.isfinite(c.ratio) for c in comps)
