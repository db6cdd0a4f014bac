"""Attribution overlays: blending at opacity 0 and 1, and the side-by-side figure."""

from __future__ import annotations

import numpy as np
import pytest
from matplotlib.figure import Figure

from explainer.inside.attribution_methods import GRADCAM, IG, attribute
from explainer.inside.attribution_overlays import attribution_figure, overlay
from tests.support.factories import FAST_ATTRIBUTION_SETTINGS as FAST

pytestmark = pytest.mark.usefixtures("one_thread")


def test_overlay_and_side_by_side_figure(model, x):
    img = np.full((32, 32), 128, np.uint8)
    a = attribute(model, x, IG, settings=FAST)
    np.testing.assert_array_equal(overlay(img, a.map, opacity=0.0), np.repeat(img[..., None], 3, 2))
    over = overlay(img, a.map, opacity=1.0, signed=True)
    assert over.shape == (32, 32, 3) and over.dtype == np.uint8 and not np.array_equal(over[..., 0], over[..., 2])
    with pytest.raises(ValueError, match="Opacity"):
        overlay(img, a.map, opacity=1.5)
    fig = attribution_figure(img, [a, attribute(model, x, GRADCAM)], opacity=0.5, class_name="Bag",
                             scores={IG: 0.12})
    assert isinstance(fig, Figure) and "deletion AUC 0.120" in fig.axes[1].get_title()
