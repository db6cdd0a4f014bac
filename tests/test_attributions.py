"""Captum attributions, deletion curves and the cascading-randomization sanity check."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from matplotlib.figure import Figure
from torch import nn

from explainer.inside import attribution_methods, attribution_overlays, deletion_metric, sanity_check
from explainer.inside.images import prepare_fashion
from explainer.training.checkpoint import DEFAULT_WEIGHTS, load_model
from explainer.training.fashion_mnist import CLASS_NAMES, to_model_input
from explainer.training.samples import example_paths, load_sample
from tests.support.factories import tiny_model

SHIPPED = pytest.mark.skipif(not DEFAULT_WEIGHTS.is_file(), reason=f"shipped checkpoint {DEFAULT_WEIGHTS.name} not trained yet")
FAST = attribution_methods.AttributionSettings(ig_steps=16, ig_internal_batch=16, smoothgrad_samples=4, smoothgrad_ig_steps=4)


pytestmark = pytest.mark.usefixtures("one_thread")


@pytest.fixture(scope="module")
def model() -> nn.Module:
    return tiny_model()


@pytest.fixture(scope="module")
def x() -> torch.Tensor:
    return torch.randn(1, 1, 32, 32, generator=torch.Generator().manual_seed(1))


def logit(model: nn.Module, x: torch.Tensor, t: int) -> float:
    with torch.no_grad():
        return float(model(x)[0, t])


@pytest.mark.parametrize("method", attribution_methods.METHODS)
def test_each_method_on_the_tiny_model(model, x, method):
    a = attribution_methods.attribute(model, x, method, settings=FAST)
    assert a.method == method and a.map.shape == (32, 32) and a.map.dtype == np.float32
    assert np.isfinite(a.map).all() and np.abs(a.map).sum() > 0
    assert a.target == int(model(x).argmax())
    if method in (attribution_methods.SALIENCY, attribution_methods.GRADCAM, attribution_methods.SMOOTHGRAD):
        assert (a.map >= 0).all()
    assert a.signed == (method in (attribution_methods.IG, attribution_methods.OCCLUSION))
    assert all(p.requires_grad for p in model.parameters())  # weights un-frozen afterwards


def test_saliency_matches_autograd(model, x):
    a = attribution_methods.attribute(model, x, attribution_methods.SALIENCY, target=3)
    xi = x.clone().requires_grad_(True)
    (grad,) = torch.autograd.grad(model(xi)[0, 3], xi)
    np.testing.assert_allclose(a.map, grad.abs()[0, 0].numpy(), rtol=1e-5, atol=1e-7)


@pytest.mark.parametrize("method", [attribution_methods.SALIENCY, attribution_methods.GRADCAM])
def test_predicted_target_in_one_pass_equals_explicit_target(model, x, method):
    implicit = attribution_methods.attribute(model, x, method)  # the forward pass picks the class itself
    explicit = attribution_methods.attribute(model, x, method, target=int(model(x).argmax()))
    assert implicit.target == explicit.target
    np.testing.assert_allclose(implicit.map, explicit.map, rtol=1e-6, atol=1e-8)


def test_integrated_gradients_completeness(model, x):
    """Σ attributions = f(x) − f(baseline) (Sundararajan et al.'s completeness axiom)."""
    t = 2
    a = attribution_methods.attribute(model, x, attribution_methods.IG, target=t)  # 50 steps, as in the app
    baseline = torch.full_like(x, attribution_methods.FASHION_BASELINE)
    expected = logit(model, x, t) - logit(model, baseline, t)
    assert float(a.map.sum()) == pytest.approx(expected, abs=0.02 * abs(expected) + 1e-3)
    assert a.delta is not None and a.delta <= 0.02 * abs(expected) + 1e-3  # Captum's own check agrees


def test_occlusion_with_one_window_is_the_logit_drop(model, x):
    """With a single window covering the image, every pixel gets f(x) − f(baseline)."""
    t = 5
    s = attribution_methods.AttributionSettings(occlusion_window=32, occlusion_stride=32)
    a = attribution_methods.attribute(model, x, attribution_methods.OCCLUSION, target=t, settings=s)
    expected = logit(model, x, t) - logit(model, torch.full_like(x, attribution_methods.FASHION_BASELINE), t)
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
    a = attribution_methods.attribute(model, x, attribution_methods.GRADCAM, target=t, settings=attribution_methods.AttributionSettings(gradcam_layer="layer2.0"))
    np.testing.assert_allclose(a.map, cam[0, 0].detach().numpy(), rtol=1e-4, atol=1e-6)


def test_gradcam_layers_before_and_after_the_add(model, x):
    layers = attribution_methods.gradcam_layers(model)
    assert layers[:3] == ["layer2.0", "layer2.0: sum (before ReLU)", "layer2.0: branch F(x)"]
    maps = {}
    for layer in layers[:3]:
        a = attribution_methods.attribute(model, x, attribution_methods.GRADCAM, target=0, settings=attribution_methods.AttributionSettings(gradcam_layer=layer))
        assert a.layer == layer and (a.map >= 0).all()
        maps[layer] = a.map
    assert not np.allclose(maps[layers[1]], maps[layers[2]])  # branch alone ≠ branch + shortcut
    assert "before the add" in attribution_methods.gradcam_layer_label(layers[2])
    with pytest.raises(ValueError, match="Grad-CAM"):
        attribution_methods.attribute(model, x, attribution_methods.GRADCAM, settings=attribution_methods.AttributionSettings(gradcam_layer="layer2.0: shortcut"))
    with pytest.raises(ValueError, match="Unknown Grad-CAM layer"):
        attribution_methods.attribute(model, x, attribution_methods.GRADCAM, settings=attribution_methods.AttributionSettings(gradcam_layer="fc"))


def test_smoothgrad_is_seeded_and_has_two_bases(model, x):
    a = attribution_methods.attribute(model, x, attribution_methods.SMOOTHGRAD, settings=FAST)
    b = attribution_methods.attribute(model, x, attribution_methods.SMOOTHGRAD, settings=FAST)
    np.testing.assert_array_equal(a.map, b.map)
    c = attribution_methods.attribute(model, x, attribution_methods.SMOOTHGRAD, settings=attribution_methods.with_settings(FAST, seed=1))
    assert not np.array_equal(a.map, c.map)
    d = attribution_methods.attribute(model, x, attribution_methods.SMOOTHGRAD, settings=attribution_methods.with_settings(FAST, smoothgrad_base=attribution_methods.IG))
    assert (d.map >= 0).all() and np.isfinite(d.map).all()
    with pytest.raises(ValueError, match="SmoothGrad"):
        attribution_methods.attribute(model, x, attribution_methods.SMOOTHGRAD, settings=attribution_methods.with_settings(FAST, smoothgrad_base="Occlusion"))


def test_bad_arguments(model, x):
    with pytest.raises(ValueError, match="Unknown method"):
        attribution_methods.attribute(model, x, "LIME")
    with pytest.raises(ValueError, match="between 0 and 9"):
        attribution_methods.attribute(model, x, attribution_methods.SALIENCY, target=10)
    with pytest.raises(ValueError, match="target"):
        attribution_methods.attribute(model, x, attribution_methods.SALIENCY, target="shoe")
    with pytest.raises(ValueError, match="eval"):
        attribution_methods.attribute(tiny_model().train(), x, attribution_methods.SALIENCY)
    with pytest.raises(ValueError, match="one image"):
        attribution_methods.attribute(model, x.repeat(2, 1, 1, 1), attribution_methods.SALIENCY)
    with pytest.raises(ValueError, match="Occlusion"):
        attribution_methods.attribute(model, x, attribution_methods.OCCLUSION, settings=attribution_methods.AttributionSettings(occlusion_window=64))


def test_deletion_curve_endpoints_and_random_baseline(model, x):
    t = 4
    a = attribution_methods.attribute(model, x, attribution_methods.SALIENCY, target=t)
    curve = deletion_metric.deletion_curve(model, x, a.map, t, steps=8)
    with torch.no_grad():
        p_x = float(torch.softmax(model(x), 1)[0, t])
        p_b = float(torch.softmax(model(torch.full_like(x, attribution_methods.FASHION_BASELINE)), 1)[0, t])
    assert curve.fractions[0] == 0 and curve.fractions[-1] == 1 and len(curve.probs) == 9
    assert curve.probs[0] == pytest.approx(p_x, abs=1e-5) and curve.probs[-1] == pytest.approx(p_b, abs=1e-5)
    assert curve.auc == pytest.approx(np.trapezoid(curve.probs, curve.fractions))
    rand = deletion_metric.random_deletion_curve(model, x, t, steps=8, repeats=2, seed=3)
    assert rand.probs[0] == pytest.approx(p_x, abs=1e-5) and rand.probs[-1] == pytest.approx(p_b, abs=1e-5)
    again = deletion_metric.random_deletion_curve(model, x, t, steps=8, repeats=2, seed=3)
    np.testing.assert_array_equal(rand.probs, again.probs)
    assert isinstance(deletion_metric.deletion_figure([curve], rand, "Coat"), Figure)
    with pytest.raises(ValueError, match="map"):
        deletion_metric.deletion_curve(model, x, a.map[:5], t)


def test_deletion_order_breaks_ties_at_random():
    flat = np.zeros((4, 4))
    order = deletion_metric.deletion_order(flat)
    assert sorted(order.tolist()) == list(range(16)) and order.tolist() != list(range(16))
    peaked = np.zeros((4, 4))
    peaked[2, 3] = 5
    peaked[0, 1] = 3
    assert deletion_metric.deletion_order(peaked)[:2].tolist() == [11, 1]


def test_spearman_matches_scipy_with_ties():
    stats = pytest.importorskip("scipy.stats")
    rng = np.random.default_rng(0)
    a = rng.integers(0, 5, 200).astype(float)  # many ties, like a ReLU'd Grad-CAM map
    b = a + rng.normal(0, 2, 200)
    assert sanity_check.spearman(a, b) == pytest.approx(stats.spearmanr(a, b).statistic, abs=1e-12)
    assert np.isnan(sanity_check.spearman(np.zeros(5), np.arange(5.0)))


def test_overlay_and_side_by_side_figure(model, x):
    img = np.full((32, 32), 128, np.uint8)
    a = attribution_methods.attribute(model, x, attribution_methods.IG, settings=FAST)
    np.testing.assert_array_equal(attribution_overlays.overlay(img, a.map, opacity=0.0), np.repeat(img[..., None], 3, 2))
    over = attribution_overlays.overlay(img, a.map, opacity=1.0, signed=True)
    assert over.shape == (32, 32, 3) and over.dtype == np.uint8 and not np.array_equal(over[..., 0], over[..., 2])
    with pytest.raises(ValueError, match="Opacity"):
        attribution_overlays.overlay(img, a.map, opacity=1.5)
    fig = attribution_overlays.attribution_figure(img, [a, attribution_methods.attribute(model, x, attribution_methods.GRADCAM)], opacity=0.5, class_name="Bag",
                               scores={attribution_methods.IG: 0.12})
    assert isinstance(fig, Figure) and "deletion AUC 0.120" in fig.axes[1].get_title()


def test_cascading_randomization_on_tiny_model(model, x):
    before = {k: v.clone() for k, v in model.state_dict().items()}
    seen = []
    r = sanity_check.cascading_randomization(model, x, [attribution_methods.SALIENCY, attribution_methods.GRADCAM, attribution_methods.IG], settings=FAST,
                                  progress=lambda f, d: seen.append(f))
    assert r.steps == ["trained", "fc", "+ layer2", "+ layer1", "+ stem (conv1, bn1)"]
    for m in r.methods:
        assert len(r.maps[m]) == len(r.steps) and r.correlations[m][0] == pytest.approx(1.0)
        rest = np.nan_to_num(np.asarray(r.correlations[m][1:]), nan=0.0)
        assert r.decorrelated[m] == (np.abs(rest).mean() < r.threshold)  # the verdict is computed, not assumed
        assert m in r.text
        flagged = f"**{m}** does **not** decorrelate" in r.text
        assert flagged == (not r.decorrelated[m])
    assert seen == sorted(seen) and seen[-1] == 1.0
    for k, v in model.state_dict().items():
        torch.testing.assert_close(v, before[k])  # the original model is untouched
    assert isinstance(sanity_check.sanity_maps_figure(r), Figure) and isinstance(sanity_check.sanity_curve_figure(r), Figure)
    units = sanity_check.randomization_units(model, "block")
    assert [u[0] for u in units] == ["fc", "layer2.0", "layer1.0", "stem (conv1, bn1)"]
    with pytest.raises(ValueError):
        sanity_check.cascading_randomization(model, x, ["LIME"])


# --- the shipped checkpoint ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def shipped() -> nn.Module:
    return load_model()


@SHIPPED
@pytest.mark.parametrize("method", attribution_methods.METHODS)
def test_each_method_on_the_shipped_model(shipped, method):
    x = prepare_fashion(example_paths()[7]).x  # a sneaker
    a = attribution_methods.attribute(shipped, x, method)
    assert a.map.shape == (96, 96) and np.isfinite(a.map).all() and np.abs(a.map).sum() > 0
    assert CLASS_NAMES[a.target] == "Sneaker"


@SHIPPED
def test_ig_completeness_on_the_shipped_model(shipped):
    x = prepare_fashion(example_paths()[3]).x
    a = attribution_methods.attribute(shipped, x, attribution_methods.IG)
    expected = logit(shipped, x, a.target) - logit(shipped, torch.full_like(x, attribution_methods.FASHION_BASELINE), a.target)
    assert float(a.map.sum()) == pytest.approx(expected, abs=0.05 * abs(expected))


@SHIPPED
def test_gradcam_deletes_faster_than_random_on_the_sample(shipped):
    """On 20 bundled test images Grad-CAM's mean deletion AUC is below the random order's."""
    sample = load_sample()
    idx = np.random.default_rng(0).choice(len(sample.labels), size=20, replace=False)
    cam_aucs, rand_aucs = [], []
    for i in idx:
        x = to_model_input(sample.images[i : i + 1])
        a = attribution_methods.attribute(shipped, x, attribution_methods.GRADCAM)
        cam_aucs.append(deletion_metric.deletion_curve(shipped, x, a.map, a.target, steps=10).auc)
        rand_aucs.append(deletion_metric.random_deletion_curve(shipped, x, a.target, steps=10, repeats=1, seed=int(i)).auc)
    assert np.mean(cam_aucs) < np.mean(rand_aucs), (np.mean(cam_aucs), np.mean(rand_aucs))


@SHIPPED
def test_sanity_check_on_the_shipped_model(shipped):
    """Adebayo et al.: gradients and Grad-CAM decorrelate once the weights are randomized.

    Saliency on every image; Grad-CAM (a 3×3 map at layer4, noisy on one image) on average over a few.
    """
    similarity = {attribution_methods.SALIENCY: [], attribution_methods.GRADCAM: []}
    for i in (0, 1, 7, 8):
        r = sanity_check.cascading_randomization(shipped, prepare_fashion(example_paths()[i]).x, [attribution_methods.SALIENCY, attribution_methods.GRADCAM])
        assert r.decorrelated[attribution_methods.SALIENCY], r.text
        for m in similarity:
            similarity[m].append(sanity_check.randomized_similarity(r.correlations[m]))
    assert np.mean(similarity[attribution_methods.GRADCAM]) < 0.5, similarity
