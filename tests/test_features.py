"""Predictions, feature maps read by hooks (D2L's shapes as the oracle), and their grids."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from matplotlib.figure import Figure

from explainer.inside import features
from explainer.inside.images import prepare_fashion
from explainer.models.resnet import build_resnet, d2l_resnet18_spec
from explainer.training.checkpoint import load_model
from explainer.training.fashion_mnist import CLASS_NAMES
from explainer.training.samples import example_paths
from tests.support.factories import SHIPPED, no_hooks_left

pytestmark = pytest.mark.usefixtures("one_thread")


def test_predict_and_top_classes(model, x):
    probs = features.predict(model, x)
    assert probs.shape == (10,) and torch.all(probs >= 0)
    assert float(probs.sum()) == pytest.approx(1.0, abs=1e-5)
    top = features.top_classes(probs)
    assert set(top) == set(CLASS_NAMES) and len(top) == 10
    values = list(top.values())
    assert values == sorted(values, reverse=True)
    assert list(features.top_classes(probs, k=3)) == list(top)[:3]
    with pytest.raises(ValueError):
        features.predict(model, torch.zeros(2, 1, 32, 32))
    with pytest.raises(ValueError, match="channel"):
        features.predict(model, torch.zeros(1, 3, 32, 32))


def test_predict_and_capture_is_one_forward(model, x):
    calls = []
    handle = model.register_forward_hook(lambda *a: calls.append(1))
    probs, maps = features.predict_and_capture(model, x, ["stem", "layer2"])
    handle.remove()
    assert len(calls) == 1
    torch.testing.assert_close(probs, features.predict(model, x))
    assert set(maps) == {"stem", "layer2"}


def test_feature_map_names_d2l():
    names = features.feature_map_names(build_resnet(d2l_resnet18_spec()))
    assert names[:3] == ["stem", "layer1", "layer1.0"]
    for block in ("layer1.0", "layer2.0", "layer4.1"):
        for part in ("branch F(x)", "shortcut", "sum (before ReLU)"):
            assert f"{block}: {part}" in names
    assert len(names) == 1 + 4 + 8 * 4


def test_d2l_stage_shapes_at_96():
    """D2L's printed shapes at 1×96×96: 64×24×24 → 64×24×24 → 128×12×12 → 256×6×6 → 512×3×3."""
    m = build_resnet(d2l_resnet18_spec()).eval()
    maps = features.feature_maps(m, torch.randn(1, 1, 96, 96), ["stem", "layer1", "layer2", "layer3", "layer4"])
    shapes = [tuple(v.shape) for v in maps.values()]
    assert shapes == [(64, 24, 24), (64, 24, 24), (128, 12, 12), (256, 6, 6), (512, 3, 3)]
    assert no_hooks_left(m)


def test_unknown_layer_and_hooks_removed_on_error(model, x):
    with pytest.raises(ValueError, match="Unknown layer"):
        features.feature_maps(model, x, ["layer9"])
    with pytest.raises(ValueError):
        features.feature_maps(model, torch.zeros(1, 1, 2), ["stem"])
    assert no_hooks_left(model)


def test_grid_and_figures(model, x):
    fmap = features.feature_maps(model, x, ["layer1.0: sum (before ReLU)"])["layer1.0: sum (before ReLU)"]
    top = features.most_active_channels(fmap, 4)
    strengths = fmap.abs().mean(dim=(1, 2))
    assert top == torch.argsort(strengths, descending=True)[:4].tolist()
    for scale in ("shared", "per-map"):
        fig = features.feature_grid_figure(fmap, "sum", k=6, scale=scale)
        assert isinstance(fig, Figure)
        titles = [ax.get_title() for ax in fig.axes if ax.get_title()]
        assert titles[:2] == [f"ch {top[0]}", f"ch {top[1]}"]
        img = features.feature_grid_image(fmap, "sum", k=6, scale=scale)
        assert img.dtype == np.uint8 and img.ndim == 3 and img.shape[2] == 3
    with pytest.raises(ValueError, match="scale"):
        features.feature_grid_image(fmap, "sum", scale="global")


@SHIPPED
def test_shipped_model_classifies_the_examples():
    """The preprocessing of uploads matches training: the bundled example PNGs are recognised."""
    model = load_model()
    correct = 0
    for c, path in enumerate(example_paths()):
        probs = features.predict(model, prepare_fashion(path).x)
        correct += int(probs.argmax()) == c
    assert correct >= 8, f"only {correct}/10 examples classified correctly"


LOW_TARGETS = [(0.012, True), (0.049, True), (0.05, False), (0.9, False), (0.0, True)]


@pytest.mark.parametrize(("probability", "warned"), LOW_TARGETS)
def test_a_target_the_model_does_not_see_is_flagged(probability, warned):
    text = features.low_target_warning(probability, "Trouser")
    assert bool(text) == warned
    if warned:
        assert f"only {probability:.1%}" in text and "does not see" in text
