"""The cascading-randomization sanity check: Spearman against SciPy, the cascade, the shipped model."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from matplotlib.figure import Figure

from explainer.inside.attribution_methods import GRADCAM, IG, SALIENCY
from explainer.inside.images import prepare_fashion
from explainer.inside.sanity_check import (
    cascading_randomization,
    randomization_units,
    randomized_similarity,
    sanity_curve_figure,
    sanity_maps_figure,
    spearman,
)
from explainer.training.samples import example_paths
from tests.support.factories import FAST_ATTRIBUTION_SETTINGS as FAST
from tests.support.factories import SHIPPED

pytestmark = pytest.mark.usefixtures("one_thread")


def test_spearman_matches_scipy_with_ties():
    stats = pytest.importorskip("scipy.stats")
    rng = np.random.default_rng(0)
    a = rng.integers(0, 5, 200).astype(float)  # many ties, like a ReLU'd Grad-CAM map
    b = a + rng.normal(0, 2, 200)
    assert spearman(a, b) == pytest.approx(stats.spearmanr(a, b).statistic, abs=1e-12)
    assert np.isnan(spearman(np.zeros(5), np.arange(5.0)))


def test_cascading_randomization_on_tiny_model(model, x):
    before = {k: v.clone() for k, v in model.state_dict().items()}
    seen = []
    r = cascading_randomization(model, x, [SALIENCY, GRADCAM, IG], settings=FAST,
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
    assert isinstance(sanity_maps_figure(r), Figure) and isinstance(sanity_curve_figure(r), Figure)
    units = randomization_units(model, "block")
    assert [u[0] for u in units] == ["fc", "layer2.0", "layer1.0", "stem (conv1, bn1)"]
    with pytest.raises(ValueError):
        cascading_randomization(model, x, ["LIME"])


# --- the shipped checkpoint ------------------------------------------------------------------------


@SHIPPED
def test_sanity_check_on_the_shipped_model(shipped):
    """Adebayo et al.: gradients and Grad-CAM decorrelate once the weights are randomized.

    Saliency on every image; Grad-CAM (a 3×3 map at layer4, noisy on one image) on average over a few.
    """
    similarity = {SALIENCY: [], GRADCAM: []}
    for i in (0, 1, 7, 8):
        r = cascading_randomization(shipped, prepare_fashion(example_paths()[i]).x, [SALIENCY, GRADCAM])
        assert r.decorrelated[SALIENCY], r.text
        for m in similarity:
            similarity[m].append(randomized_similarity(r.correlations[m]))
    assert np.mean(similarity[GRADCAM]) < 0.5, similarity
