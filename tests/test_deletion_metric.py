"""The deletion metric: curve endpoints, random order, tie-breaking, and Grad-CAM beating random."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from matplotlib.figure import Figure

from explainer.inside.attribution_methods import FASHION_BASELINE, GRADCAM, SALIENCY, attribute
from explainer.inside.deletion_metric import deletion_curve, deletion_figure, deletion_order, random_deletion_curve
from explainer.training.fashion_mnist import to_model_input
from explainer.training.samples import load_sample
from tests.support.factories import SHIPPED

pytestmark = pytest.mark.usefixtures("one_thread")


def test_deletion_curve_endpoints_and_random_baseline(model, x):
    t = 4
    a = attribute(model, x, SALIENCY, target=t)
    curve = deletion_curve(model, x, a.map, t, steps=8)
    with torch.no_grad():
        p_x = float(torch.softmax(model(x), 1)[0, t])
        p_b = float(torch.softmax(model(torch.full_like(x, FASHION_BASELINE)), 1)[0, t])
    assert curve.fractions[0] == 0 and curve.fractions[-1] == 1 and len(curve.probs) == 9
    assert curve.probs[0] == pytest.approx(p_x, abs=1e-5) and curve.probs[-1] == pytest.approx(p_b, abs=1e-5)
    assert curve.auc == pytest.approx(np.trapezoid(curve.probs, curve.fractions))
    rand = random_deletion_curve(model, x, t, steps=8, repeats=2, seed=3)
    assert rand.probs[0] == pytest.approx(p_x, abs=1e-5) and rand.probs[-1] == pytest.approx(p_b, abs=1e-5)
    again = random_deletion_curve(model, x, t, steps=8, repeats=2, seed=3)
    np.testing.assert_array_equal(rand.probs, again.probs)
    assert isinstance(deletion_figure([curve], rand, "Coat"), Figure)
    with pytest.raises(ValueError, match="map"):
        deletion_curve(model, x, a.map[:5], t)


def test_deletion_order_breaks_ties_at_random():
    flat = np.zeros((4, 4))
    order = deletion_order(flat)
    assert sorted(order.tolist()) == list(range(16)) and order.tolist() != list(range(16))
    peaked = np.zeros((4, 4))
    peaked[2, 3] = 5
    peaked[0, 1] = 3
    assert deletion_order(peaked)[:2].tolist() == [11, 1]


# --- the shipped checkpoint ------------------------------------------------------------------------


@SHIPPED
def test_gradcam_deletes_faster_than_random_on_the_sample(shipped):
    """On 20 bundled test images Grad-CAM's mean deletion AUC is below the random order's."""
    sample = load_sample()
    idx = np.random.default_rng(0).choice(len(sample.labels), size=20, replace=False)
    cam_aucs, rand_aucs = [], []
    for i in idx:
        x = to_model_input(sample.images[i : i + 1])
        a = attribute(shipped, x, GRADCAM)
        cam_aucs.append(deletion_curve(shipped, x, a.map, a.target, steps=10).auc)
        rand_aucs.append(random_deletion_curve(shipped, x, a.target, steps=10, repeats=1, seed=int(i)).auc)
    assert np.mean(cam_aucs) < np.mean(rand_aucs), (np.mean(cam_aucs), np.mean(rand_aucs))
