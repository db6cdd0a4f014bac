"""Tests of explainer.degradation.curves: Fig. 6 curves from the shipped results."""

from __future__ import annotations

from explainer.degradation import curves


def test_plot_training_curves_two_panels() -> None:
    runs = [
        {"name": f"{'ResNet' if r else 'Plain'}-{d}", "depth": d, "residual": r, "x": [1, 2],
         "train_error": [0.5, 0.3], "test_error": [0.5, None]}
        for d in (20, 56) for r in (False, True)
    ]
    fig = curves.plot_training_curves(runs)
    assert len(fig.axes) == 2
    assert len(fig.axes[0].lines) == 4  # two nets × (train, test)

    # He et al. Fig. 6: dashed = training error, bold = test error.
    styles = {line.get_label(): (line.get_linestyle(), line.get_linewidth()) for line in fig.axes[0].lines}
    assert styles["Plain-20 train"][0] == "--" and styles["Plain-20 test"][0] == "-"
    assert styles["Plain-20 test"][1] > styles["Plain-20 train"][1]
