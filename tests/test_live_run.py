"""Tests of explainer.degradation.live_run: the bounded side-by-side training."""

from __future__ import annotations

import pytest
import torch
from matplotlib.figure import Figure

from explainer.degradation import live_run


def test_live_run_yields_and_limits() -> None:
    images = torch.randint(0, 256, (128, 28, 28), dtype=torch.uint8)
    labels = torch.randint(0, 10, (128,))
    states = list(live_run.live_run(8, 4, images=images, labels=labels, every=2))
    assert [s.step for s in states] == [2, 4]
    assert len(states[-1].plain_loss) == len(states[-1].residual_error) == 4
    assert isinstance(live_run.plot_live(states[-1]), Figure)
    with pytest.raises(ValueError, match="steps"):
        next(live_run.live_run(8, 301, images=images, labels=labels))
    with pytest.raises(ValueError, match="between 8 and 56"):
        next(live_run.live_run(110, 10, images=images, labels=labels))
