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
    text = shattered.explain_shattered(res)
    assert "residual net's gradient is the more correlated one" in text and "scale of the sweep" in text
    fig = shattered.plot_shattered(res)
    assert isinstance(fig, Figure) and "white noise" not in fig._suptitle.get_text()


def test_shattered_validates_its_arguments() -> None:
    with pytest.raises(ValueError, match="points"):
        shattered.shattered_gradients(8, points=4)
    with pytest.raises(ValueError, match="span"):
        shattered.shattered_gradients(8, span=2.0)
    with pytest.raises(ValueError, match="6n\\+2"):
        shattered.shattered_gradients(9)




@pytest.mark.parametrize(
    ("p1", "r1", "plain_length", "residual_length", "expected"),
    [
        (-0.04, 0.96, 1, 15, "residual"),  # depth 56 as measured: plain is white noise, residual smooth
        (0.86, 0.98, 4, 37, "residual"),  # lag 1 within the band, lengths far apart
        (0.94, 0.96, 30, 31, "same"),  # the depth 20: 0.94 vs 0.96 is not a contrast
        (0.99, 0.98, 40, 38, "same"),  # depth 8 as measured: 2 steps of 40 are within 20 %
        (0.95, 0.60, 12, 2, "plain"),  # the plain trace is the smoother one
        (0.90, 0.95, 20, 10, "plain"),  # lag 1 within the band (0.05 < 2/√256), so the lengths decide
        (0.50, 0.90, 20, 10, "mixed"),  # lag 1 says residual, length says plain
    ],
)
def test_compare_traces_reads_the_numbers(p1: float, r1: float, plain_length: int, residual_length: int,
                                          expected: str) -> None:
    assert shattered.compare_traces(p1, r1, plain_length, residual_length, 256) == expected


def _result(p1: float, r1: float, plain_length: int, residual_length: int) -> shattered.ShatteredResult:
    """A result whose autocorrelations have the given lag-1 values and correlation lengths (40 lags)."""
    def acf(lag1: float, length: int) -> np.ndarray:
        a = np.full(41, 0.9)
        a[0], a[1] = 1.0, lag1
        a[max(length, 2):] = 0.1  # below 1/2 from ``length`` on
        if lag1 < 0.5:
            a[2:] = 0.1
        return a

    t = np.linspace(0, 0.1, 256)
    return shattered.ShatteredResult(20, t, np.zeros(256), np.zeros(256), 40, acf(p1, plain_length),
                                     acf(r1, residual_length), (0, 1), 0.1)


@pytest.mark.parametrize(
    ("numbers", "says", "never"),
    [
        ((-0.04, 0.96, 1, 15), ["residual net's gradient is the more correlated one", "higher by 1.00",
                                "15 vs 1 steps"], ["opposite"]),
        ((0.94, 0.96, 30, 31), ["about equally correlated", "within 0.12"], ["gradient is the more correlated one"]),
        ((0.95, 0.60, 12, 2), ["*plain* net's gradient is the more correlated one", "12 vs 2 steps"],
         ["nearer to white noise"]),
        ((0.50, 0.90, 20, 10), ["two measures disagree"], ["gradient is the more correlated one"]),
    ],
)
def test_explanation_says_what_the_numbers_say(numbers: tuple, says: list[str], never: list[str]) -> None:
    res = _result(*numbers)
    assert (res.plain_corr_length, res.residual_corr_length) == numbers[2:]
    text = shattered.explain_shattered(res)
    for phrase in says + ["scale of the sweep"]:
        assert phrase in text
    for phrase in never:
        assert phrase not in text


def test_preact_option_adds_a_third_trace_consistent_with_autograd() -> None:
    """Tiny sweep at depth 8: three columns, the pair's traces unchanged, and the pre-activation trace equal
    to a central finite difference of the same net's logit (float64)."""
    kw = {"points": 32, "max_lag": 4, "span": 0.1, "seed": 1}
    pair = shattered.shattered_gradients(8, **kw)
    res = shattered.shattered_gradients(8, preact=True, **kw)
    assert pair.preact_acf is None and pair.preact_corr_length is None
    np.testing.assert_array_equal(res.residual_grad, pair.residual_grad)
    assert res.preact_grad.shape == (32,) and res.preact_acf.shape == (5,)
    np.testing.assert_allclose(res.preact_acf, shattered.autocorrelation(res.preact_grad, 4))
    fig = shattered.plot_shattered(res)
    assert len(fig.axes) == 6 and fig.axes[2].get_title().startswith("PreAct ResNet-8")
    grad, _ = shattered.preact_sweep(8, **kw)
    np.testing.assert_array_equal(grad, res.preact_grad)
    # Oracle: the same net, BN statistics of the same batch, in float64.
    model = nets.build_preact(8, init="Kaiming", seed=1)
    x, y = nets.default_batch()
    shattered._calibrate_bn(model, x)
    model.double()
    a, b, t, eps = x[:1].double(), x[1:2].double(), 0.1 * 7 / 31, 1e-6
    with torch.no_grad():
        f = lambda s: float(model(a + s * (b - a))[0, int(y[0])])
        fd = (f(t + eps) - f(t - eps)) / (2 * eps)
    assert res.preact_grad[7] == pytest.approx(fd, rel=1e-3, abs=1e-6)


def _with_preact(r1: float, q1: float, residual_length: int, preact_length: int) -> shattered.ShatteredResult:
    base = _result(0.0, r1, 1, residual_length)
    return shattered.with_preact(base, (np.zeros(256), _result(0.0, q1, 1, preact_length).residual_acf))


@pytest.mark.parametrize(
    ("numbers", "verdict", "says", "never"),
    [
        # Depth 56 as measured (ResNet 0.96 / 15 steps, PreAct 0.89 / 14): no difference this sweep resolves.
        ((0.96, 0.89, 15, 14), "same", ["about equally correlated", "no difference between pre- and post-activation",
                                        "1001 layers"], ["more correlated of the two"]),
        # Depth 20 as measured (0.98 / 37 vs 0.93 / 10): the post-activation net is the smoother one.
        ((0.98, 0.93, 37, 10), "residual", ["post-activation ResNet's gradient is the more correlated one",
                                            "1001 layers"], ["about equally"]),
        # Depth 110 as measured (0.94 / 9 vs 0.96 / 12): pre-activation longer by more than 20 %.
        ((0.94, 0.96, 9, 12), "preact", ["PreAct ResNet-20", "0.96 and correlation length 12",
                                         "more correlated of the two residual nets"], ["1001 layers"]),
        ((0.50, 0.90, 20, 10), "mixed", ["two measures disagree", "1001 layers"], ["more correlated of the two"]),
    ],
)
def test_preact_verdict_and_reading_follow_the_numbers(numbers: tuple, verdict: str, says: list[str],
                                                       never: list[str]) -> None:
    res = _with_preact(*numbers)
    assert (res.residual_corr_length, res.preact_corr_length) == numbers[2:]
    assert shattered.preact_verdict(res) == verdict
    text = shattered.explain_shattered(res)
    for phrase in says + ["**Pre-activation:**", "scale of the sweep"]:
        assert phrase in text, phrase
    for phrase in never:
        assert phrase not in text, phrase


def test_no_preact_paragraph_without_the_preact_trace() -> None:
    res = _result(-0.04, 0.96, 1, 15)
    assert shattered.preact_verdict(res) is None and "Pre-activation" not in shattered.explain_shattered(res)
