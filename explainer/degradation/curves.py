"""Training curves of He et al. Fig. 6, drawn from the shipped experiment (``checkpoints/degradation.json``).
"""

from __future__ import annotations

from typing import Sequence

import numpy as np
from matplotlib.figure import Figure

from explainer.i18n import N_, tr

X_AXES = {"epoch": N_("epoch"), "step": N_("step")}  # x_axis values of the results JSON, as shown


def plot_training_curves(runs: Sequence[dict], *, x_axis: str = "epoch") -> Figure:
    """He et al. Fig. 6's styles: training error dashed, test error bold; plain nets left, residual right.

    ``runs`` are dicts with ``name``, ``residual``, ``depth`` and equal-length ``x``, ``train_error``,
    ``test_error`` (fractions; test entries may be None where not measured).
    """
    fig = Figure(figsize=(11, 4.2), layout="constrained")
    axes = fig.subplots(1, 2, sharey=True)
    depths = sorted({int(r["depth"]) for r in runs})
    palette = ["#2ca02c", "#d62728", "#9467bd", "#8c564b", "#1f77b4"]
    for ax, residual in zip(axes, (False, True)):
        for r in sorted((r for r in runs if bool(r["residual"]) == residual), key=lambda r: r["depth"]):
            color = palette[depths.index(int(r["depth"])) % len(palette)]
            xs = np.asarray(r["x"], dtype=float)
            train = np.asarray(r["train_error"], dtype=float) * 100
            # As in He et al. Fig. 6: "dashed lines denote training error, and bold lines denote testing error".
            ax.plot(xs, train, color=color, linewidth=1.2, linestyle="--", label=tr("{name} train", name=r["name"]))
            te = np.array([np.nan if v is None else v for v in r["test_error"]], dtype=float) * 100
            if np.isfinite(te).any():
                ax.plot(xs, te, color=color, linewidth=2.4, label=tr("{name} test", name=r["name"]))
        ax.set_title(tr("plain nets") if not residual else tr("residual nets"))
        ax.set_xlabel(tr(X_AXES.get(x_axis, x_axis)))
        ax.grid(True, alpha=0.3)
        ax.legend(fontsize=8)
    axes[0].set_ylabel(tr("error (%)"))
    return fig
