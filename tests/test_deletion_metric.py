"""Deletion and insertion curves: endpoints, the two references (random, brightness), tie-breaking, the
verdict as a function of the AUCs, and on the shipped model why random order alone is not enough."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from matplotlib.figure import Figure

from explainer.inside.attribution_methods import FASHION_BASELINE, GRADCAM, SALIENCY, attribute
from explainer.inside.deletion_metric import (
    AUC_MARGIN,
    BOTH,
    DELETION,
    FAILS_RANDOM,
    INSERTION,
    INTENSITY,
    ONE_CURVE,
    RANDOM,
    RANDOM_ONLY,
    FaithfulnessScores,
    blurred,
    deletion_curve,
    deletion_figure,
    deletion_order,
    faithfulness_verdict,
    insertion_curve,
    intensity_curve,
    intensity_map,
    random_deletion_curve,
)
from explainer.inside.images import prepare_fashion
from explainer.training.fashion_mnist import to_model_input
from explainer.training.samples import example_paths, load_sample
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
    fig = deletion_figure([curve], [rand], "Coat")
    assert isinstance(fig, Figure) and len(fig.axes) == 1  # deletion only: one panel
    with pytest.raises(ValueError, match="map"):
        deletion_curve(model, x, a.map[:5], t)


def _prob(model, image, t):
    with torch.no_grad():
        return float(torch.softmax(model(image), 1)[0, t])


def test_insertion_goes_from_the_blurred_image_to_the_input(model, x):
    t = 4
    a = attribute(model, x, SALIENCY, target=t)
    curve = insertion_curve(model, x, a.map, t, steps=8, label=SALIENCY)
    assert curve.kind == INSERTION and curve.label == SALIENCY
    assert curve.probs[0] == pytest.approx(_prob(model, blurred(x), t), abs=1e-5)
    assert curve.probs[-1] == pytest.approx(_prob(model, x, t), abs=1e-5)
    rand = random_deletion_curve(model, x, t, steps=8, kind=INSERTION)
    assert rand.kind == INSERTION and rand.label == RANDOM and rand.probs[0] == pytest.approx(curve.probs[0])
    fig = deletion_figure([curve], [rand], "Coat")
    assert len(fig.axes) == 1 and "Insertion" in fig.axes[0].get_title()


def test_blur_keeps_a_constant_image_and_smooths_an_edge():
    flat = torch.full((1, 1, 20, 20), 0.7)
    torch.testing.assert_close(blurred(flat), flat)  # the kernel sums to 1, reflected borders
    edge = torch.zeros(1, 1, 20, 20)
    edge[..., 10:] = 1.0
    out = blurred(edge)
    assert out.shape == edge.shape and 0.0 < float(out[0, 0, 5, 9]) < 0.5 < float(out[0, 0, 5, 10]) < 1.0


def test_the_brightness_reference_needs_no_model(model, x):
    """Its order is |x − baseline| (summed over channels), the same for any model: an oracle recomputes it."""
    base = -0.5
    expected = (x - base).abs().sum(dim=1)[0].numpy()
    np.testing.assert_allclose(intensity_map(x, base), expected, rtol=1e-6)
    t = 3
    ref = intensity_curve(model, x, t, baseline=base, steps=8)
    by_hand = deletion_curve(model, x, expected, t, baseline=base, steps=8)
    assert ref.label == INTENSITY and ref.kind == DELETION
    np.testing.assert_allclose(ref.probs, by_hand.probs, rtol=1e-6)


def _scores(d, dr, di, i, ir, ii):
    return FaithfulnessScores(deletion=d, deletion_random=dr, deletion_intensity=di, insertion=i,
                              insertion_random=ir, insertion_intensity=ii)


M = AUC_MARGIN
VERDICTS = [
    # deletion (lower is better) vs random, brightness | insertion (higher is better) vs random, brightness
    (_scores(0.10, 0.50, 0.20, 0.80, 0.40, 0.60), BOTH),
    (_scores(0.10, 0.50, 0.20, 0.55, 0.40, 0.60), ONE_CURVE),  # insertion beats random, not brightness
    (_scores(0.30, 0.50, 0.20, 0.80, 0.40, 0.60), ONE_CURVE),  # deletion beats random, not brightness
    (_scores(0.30, 0.50, 0.20, 0.50, 0.40, 0.60), RANDOM_ONLY),
    (_scores(0.60, 0.50, 0.20, 0.80, 0.40, 0.60), FAILS_RANDOM),  # worse than random on deletion
    (_scores(0.10, 0.50, 0.20, 0.30, 0.40, 0.60), FAILS_RANDOM),  # worse than random on insertion
    # Within the margin is a tie, and a tie does not beat anything.
    (_scores(0.50 - M / 2, 0.50, 0.20, 0.80, 0.40, 0.60), FAILS_RANDOM),
    (_scores(0.10, 0.50, 0.20, 0.80, 0.40, 0.80 - M / 2), ONE_CURVE),
    (_scores(0.20 - 2 * M, 0.50, 0.20, 0.60 + 2 * M, 0.40, 0.60), BOTH),
]


@pytest.mark.parametrize(("scores", "verdict"), VERDICTS)
def test_verdict_is_a_function_of_the_aucs(scores, verdict):
    assert faithfulness_verdict(scores) == verdict


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
def test_brightness_order_beats_random_on_most_examples(shipped):
    """Why random order is not enough (issue 13): on Fashion-MNIST's black background, deleting the brightest
    pixels first -- no model involved -- already beats random order on most shipped examples (9 of 10 here:
    not the sandal, whose few bright pixels are not all it is classified by)."""
    beaten = []
    for path in example_paths():
        x = prepare_fashion(path).x
        t = int(shipped(x).argmax())
        rand = random_deletion_curve(shipped, x, t, steps=5, repeats=8)  # the mean of 8 random orders, 5 steps
        bright = intensity_curve(shipped, x, t, steps=5)
        beaten.append(bright.auc < rand.auc - AUC_MARGIN)
    assert sum(beaten) >= 8, beaten


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
