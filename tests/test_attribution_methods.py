"""Captum attributions on a tiny model with hand-computed answers, and on the shipped checkpoint."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from explainer.inside.attribution_methods import (
    FASHION_BASELINE,
    GRADCAM,
    IG,
    METHODS,
    OCCLUSION,
    SALIENCY,
    SMOOTHGRAD,
    AttributionSettings,
    Completeness,
    attribute,
    completeness_text,
    gradcam_layer_label,
    gradcam_layers,
    with_settings,
)
from explainer.inside.images import prepare_fashion
from explainer.training.fashion_mnist import CLASS_NAMES
from explainer.training.samples import example_paths
from tests.support.factories import FAST_ATTRIBUTION_SETTINGS as FAST
from tests.support.factories import SHIPPED, logit, tiny_model

pytestmark = pytest.mark.usefixtures("one_thread")


@pytest.mark.parametrize("method", METHODS)
def test_each_method_on_the_tiny_model(model, x, method):
    a = attribute(model, x, method, settings=FAST)
    assert a.method == method and a.map.shape == (32, 32) and a.map.dtype == np.float32
    assert np.isfinite(a.map).all() and np.abs(a.map).sum() > 0
    assert a.target == int(model(x).argmax())
    if method in (SALIENCY, GRADCAM, SMOOTHGRAD):
        assert (a.map >= 0).all()
    assert a.signed == (method in (IG, OCCLUSION))
    assert all(p.requires_grad for p in model.parameters())  # weights un-frozen afterwards


def test_saliency_matches_autograd(model, x):
    a = attribute(model, x, SALIENCY, target=3)
    xi = x.clone().requires_grad_(True)
    (grad,) = torch.autograd.grad(model(xi)[0, 3], xi)
    np.testing.assert_allclose(a.map, grad.abs()[0, 0].numpy(), rtol=1e-5, atol=1e-7)


@pytest.mark.parametrize("method", [SALIENCY, GRADCAM])
def test_predicted_target_in_one_pass_equals_explicit_target(model, x, method):
    implicit = attribute(model, x, method)  # the forward pass picks the class itself
    explicit = attribute(model, x, method, target=int(model(x).argmax()))
    assert implicit.target == explicit.target
    np.testing.assert_allclose(implicit.map, explicit.map, rtol=1e-6, atol=1e-8)


def test_integrated_gradients_completeness(model, x):
    """Σ attributions = f(x) − f(baseline) (Sundararajan et al.'s completeness axiom)."""
    t = 2
    a = attribute(model, x, IG, target=t)  # 50 steps, as in the app
    baseline = torch.full_like(x, FASHION_BASELINE)
    expected = logit(model, x, t) - logit(model, baseline, t)
    assert float(a.map.sum()) == pytest.approx(expected, abs=0.02 * abs(expected) + 1e-3)
    assert a.delta is not None and a.delta <= 0.02 * abs(expected) + 1e-3  # Captum's own check agrees
    # Both sides of the axiom are kept (issue 13 item 4): the logit difference against the oracle above.
    c = a.completeness
    assert c is not None and c.output_difference == pytest.approx(expected, rel=1e-4, abs=1e-5)
    assert c.attribution_sum == pytest.approx(float(a.map.astype(np.float64).sum()), rel=1e-4, abs=1e-5)
    assert c.gap == pytest.approx(c.attribution_sum - c.output_difference)
    assert attribute(model, x, SALIENCY, target=t).completeness is None


COMPLETENESS = [
    # (Σ attributions, f(x) − f(baseline)) → relative gap, within the 5 % of Sundararajan et al.?
    (3.00, 3.00, 0.0, True),
    (3.10, 3.00, 0.1 / 3, True),
    (2.85, 3.00, 0.05, True),
    (3.40, 3.00, 0.4 / 3, False),
    (-1.0, -2.0, 0.5, False),
    (0.0, 0.0, 0.0, True),
    (0.1, 0.0, float("inf"), False),
]


@pytest.mark.parametrize(("total", "diff", "rel", "within"), COMPLETENESS)
def test_completeness_reading_is_a_function_of_the_gap(total, diff, rel, within):
    c = Completeness(total, diff)
    assert c.relative_gap == pytest.approx(rel)
    text = completeness_text(c, steps=50)
    assert f"Σ attributions = {total:.3f}" in text and f"= {diff:.3f}" in text and "50 path steps" in text
    assert ("account for the whole change" in text) == within
    assert ("more steps would close the gap" in text) == (not within)


def test_occlusion_with_one_window_is_the_logit_drop(model, x):
    """With a single window covering the image, every pixel gets f(x) − f(baseline)."""
    t = 5
    s = AttributionSettings(occlusion_window=32, occlusion_stride=32)
    a = attribute(model, x, OCCLUSION, target=t, settings=s)
    expected = logit(model, x, t) - logit(model, torch.full_like(x, FASHION_BASELINE), t)
    np.testing.assert_allclose(a.map, expected, rtol=1e-4, atol=1e-5)


def test_gradcam_matches_the_paper_formula(model, x):
    """ReLU(Σ_k mean(∂y/∂A_k) · A_k) at the block output, bilinearly upsampled."""
    t = 1
    block = model.layer2[0]
    store = {}
    handle = block.register_forward_hook(lambda m, i, o: store.setdefault("A", o))
    y = model(x)[0, t]
    handle.remove()
    act = store["A"]
    (grad,) = torch.autograd.grad(y, act)
    cam = torch.relu((grad.mean(dim=(2, 3), keepdim=True) * act).sum(1, keepdim=True))
    cam = torch.nn.functional.interpolate(cam, size=(32, 32), mode="bilinear", align_corners=False)
    a = attribute(model, x, GRADCAM, target=t, settings=AttributionSettings(gradcam_layer="layer2.0"))
    np.testing.assert_allclose(a.map, cam[0, 0].detach().numpy(), rtol=1e-4, atol=1e-6)


def test_gradcam_layers_before_and_after_the_add(model, x):
    layers = gradcam_layers(model)
    assert layers[:3] == ["layer2.0", "layer2.0: sum (before ReLU)", "layer2.0: branch F(x)"]
    maps = {}
    for layer in layers[:3]:
        a = attribute(model, x, GRADCAM, target=0, settings=AttributionSettings(gradcam_layer=layer))
        assert a.layer == layer and (a.map >= 0).all()
        maps[layer] = a.map
    assert not np.allclose(maps[layers[1]], maps[layers[2]])  # branch alone ≠ branch + shortcut
    assert "before the add" in gradcam_layer_label(layers[2])
    with pytest.raises(ValueError, match="Grad-CAM"):
        attribute(model, x, GRADCAM, settings=AttributionSettings(gradcam_layer="layer2.0: shortcut"))
    with pytest.raises(ValueError, match="Unknown Grad-CAM layer"):
        attribute(model, x, GRADCAM, settings=AttributionSettings(gradcam_layer="fc"))


def test_smoothgrad_is_seeded_and_has_two_bases(model, x):
    a = attribute(model, x, SMOOTHGRAD, settings=FAST)
    b = attribute(model, x, SMOOTHGRAD, settings=FAST)
    np.testing.assert_array_equal(a.map, b.map)
    c = attribute(model, x, SMOOTHGRAD, settings=with_settings(FAST, seed=1))
    assert not np.array_equal(a.map, c.map)
    d = attribute(model, x, SMOOTHGRAD, settings=with_settings(FAST, smoothgrad_base=IG))
    assert (d.map >= 0).all() and np.isfinite(d.map).all()
    with pytest.raises(ValueError, match="SmoothGrad"):
        attribute(model, x, SMOOTHGRAD, settings=with_settings(FAST, smoothgrad_base="Occlusion"))


def test_bad_arguments(model, x):
    with pytest.raises(ValueError, match="Unknown method"):
        attribute(model, x, "LIME")
    with pytest.raises(ValueError, match="between 0 and 9"):
        attribute(model, x, SALIENCY, target=10)
    with pytest.raises(ValueError, match="target"):
        attribute(model, x, SALIENCY, target="shoe")
    with pytest.raises(ValueError, match="eval"):
        attribute(tiny_model().train(), x, SALIENCY)
    with pytest.raises(ValueError, match="one image"):
        attribute(model, x.repeat(2, 1, 1, 1), SALIENCY)
    with pytest.raises(ValueError, match="Occlusion"):
        attribute(model, x, OCCLUSION, settings=AttributionSettings(occlusion_window=64))


# --- the shipped checkpoint ------------------------------------------------------------------------


@SHIPPED
@pytest.mark.parametrize("method", METHODS)
def test_each_method_on_the_shipped_model(shipped, method):
    x = prepare_fashion(example_paths()[7]).x  # a sneaker
    a = attribute(shipped, x, method)
    assert a.map.shape == (96, 96) and np.isfinite(a.map).all() and np.abs(a.map).sum() > 0
    assert CLASS_NAMES[a.target] == "Sneaker"


@SHIPPED
def test_ig_completeness_on_the_shipped_model(shipped):
    x = prepare_fashion(example_paths()[3]).x
    a = attribute(shipped, x, IG)
    expected = logit(shipped, x, a.target) - logit(shipped, torch.full_like(x, FASHION_BASELINE), a.target)
    assert float(a.map.sum()) == pytest.approx(expected, abs=0.05 * abs(expected))
