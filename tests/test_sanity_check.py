"""The cascading-randomization sanity check: Spearman against SciPy, the cascade, the shipped model."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from matplotlib.figure import Figure

from explainer.inside.attribution_methods import GRADCAM, IG, SALIENCY
from explainer.inside.images import prepare_fashion
from explainer.inside.sanity_check import (
    COLLAPSED,
    FAILS,
    PASSES,
    THRESHOLD,
    SanityResult,
    cascading_randomization,
    flat_steps,
    randomization_units,
    randomized_similarity,
    sanity_curve_figure,
    sanity_maps_figure,
    sanity_status,
    sanity_verdict,
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
        rest = np.asarray(r.correlations[m][1:])
        rest = rest[~np.isnan(rest)]  # flat maps have no ρ: left out, never counted as ρ = 0
        if rest.size:
            assert r.decorrelated[m] == (np.abs(rest).mean() < r.threshold)  # computed, not assumed
        assert r.decorrelated[m] == (r.status[m] == PASSES)
        assert m in r.text
        flagged = f"**{m}** does **not** decorrelate" in r.text
        assert flagged == (r.status[m] == FAILS)
    assert seen == sorted(seen) and seen[-1] == 1.0
    for k, v in model.state_dict().items():
        torch.testing.assert_close(v, before[k])  # the original model is untouched
    assert isinstance(sanity_maps_figure(r), Figure) and isinstance(sanity_curve_figure(r), Figure)
    units = randomization_units(model, "block")
    assert [u[0] for u in units] == ["fc", "layer2.0", "layer1.0", "stem (conv1, bn1)"]
    with pytest.raises(ValueError):
        cascading_randomization(model, x, ["LIME"])


NAN = float("nan")
STATUSES = [
    # correlations (step 0 = trained, always 1 unless the trained map is flat) → status
    ([1.0, 0.2, 0.1, 0.0], PASSES),
    ([1.0, 0.9, 0.8, 0.7], FAILS),
    ([1.0, -0.9, -0.8, -0.7], FAILS),  # strongly anti-correlated is not "decorrelated"
    ([1.0, NAN, NAN, NAN], COLLAPSED),  # Grad-CAM once layer4 is random: flat maps, ρ undefined
    ([NAN, NAN, NAN], COLLAPSED),  # the trained map itself is flat
    ([1.0, 0.9, NAN, NAN], FAILS),  # the flat steps do not pull the mean down (was: NaN → 0 → 0.45 "passes")
    ([1.0, 0.2, NAN, NAN], PASSES),
    ([1.0, THRESHOLD, THRESHOLD], FAILS),  # the cut-off itself does not pass
]


@pytest.mark.parametrize(("correlations", "status"), STATUSES)
def test_sanity_status_is_a_function_of_the_correlations(correlations, status):
    assert sanity_status(correlations) == status
    text = sanity_verdict({SALIENCY: correlations}, ["trained", "fc", "+ layer2", "+ layer1"][: len(correlations)],
                          THRESHOLD)
    assert ("map collapsed" in text) == (status == COLLAPSED)
    assert ("does **not** decorrelate" in text) == (status == FAILS)
    assert ("passes" in text) == (status == PASSES)
    assert "this app's convention" in text and "give no threshold" in text  # the cut-off is ours, not the paper's
    flat = flat_steps(correlations)
    assert flat == [i for i, c in enumerate(correlations) if i > 0 and (np.isnan(c) or np.isnan(correlations[0]))]
    if flat and status != COLLAPSED:
        assert f"at {len(flat)} of {len(correlations) - 1} randomized steps" in text


def test_collapsed_maps_are_drawn_as_flat_not_as_rho_zero():
    flat_map, peaked = np.zeros((4, 4)), np.arange(16.0).reshape(4, 4)
    result = SanityResult([GRADCAM], ["trained", "fc", "+ layer2"], 0, {GRADCAM: [peaked, peaked, flat_map]},
                          {GRADCAM: [1.0, 0.6, NAN]}, THRESHOLD, {GRADCAM: False}, "", {GRADCAM: FAILS})
    maps = sanity_maps_figure(result)
    assert [ax.get_xlabel() for ax in maps.axes[1:3]] == ["ρ=0.60", "flat (no ρ)"]  # never "ρ=nan"
    curve = sanity_curve_figure(result)
    labels = [t.get_text() for t in curve.axes[0].get_legend().get_texts()]
    assert "map flat: ρ undefined" in labels and any("this app's cut-off" in label for label in labels)
    line = curve.axes[0].lines[0]
    assert np.isnan(line.get_ydata()[2])  # a gap where the map is flat, not a point at 0


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
