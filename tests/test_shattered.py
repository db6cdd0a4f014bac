"""Tests of explainer.degradation.shattered: autocorrelation, the sweep gradient, plain vs residual."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from matplotlib.figure import Figure

from explainer.degradation import nets, shattered
from tests.support.factories import random_batch


def test_autocorrelation_of_white_and_brown_noise() -> None:
    rng = np.random.default_rng(0)
    white = rng.standard_normal(512)
    brown = np.cumsum(white)
    assert abs(shattered.autocorrelation(white, 5)[1]) < 0.15
    assert shattered.autocorrelation(brown, 5)[1] > 0.8
    assert shattered.autocorrelation(white, 5)[0] == pytest.approx(1.0)


def test_sweep_gradient_matches_finite_differences() -> None:
    plain, _ = nets.build_pair(8, seed=0)
    x, _ = random_batch(2, 12)
    shattered._calibrate_bn(plain, torch.randn(8, 1, 12, 12))
    plain.double()
    a, b = x[:1].double(), x[1:].double()
    t = torch.tensor([0.3], dtype=torch.float64)
    g = shattered.sweep_gradient(plain, a, b, t, output=2)
    eps = 1e-6
    with torch.no_grad():
        f = lambda s: float(plain(a + s * (b - a))[0, 2])  # noqa: E731
        fd = (f(0.3 + eps) - f(0.3 - eps)) / (2 * eps)
    assert g[0] == pytest.approx(fd, rel=1e-4, abs=1e-8)


def test_residual_gradients_stay_correlated_longer_than_plain() -> None:
    res = shattered.shattered_gradients(32, points=128, max_lag=20, seed=0)
    assert res.residual_acf[1] > res.plain_acf[1] + 0.2
    assert res.residual_corr_length > res.plain_corr_length
    assert "white noise" in shattered.explain_shattered(res)
    assert isinstance(shattered.plot_shattered(res), Figure)


def test_shattered_validates_its_arguments() -> None:
    with pytest.raises(ValueError, match="points"):
        shattered.shattered_gradients(8, points=4)
    with pytest.raises(ValueError, match="span"):
        shattered.shattered_gradients(8, span=2.0)
    with pytest.raises(ValueError, match="6n\\+2"):
        shattered.shattered_gradients(9)


