"""Does an attribution map explain the model? Cascading randomization (Adebayo et al. 2018).

"Sanity checks for saliency maps": re-initialise the weights from the top (fc) down to the stem and
recompute each map; a map that explains *the model* must change (low Spearman rank correlation with
the original). One that does not is showing the input, not the model.
"""

from __future__ import annotations

import copy
import math
from dataclasses import dataclass, field
from typing import Sequence

import numpy as np
from matplotlib.figure import Figure
from torch import Tensor, nn

from explainer.i18n import N_, tr
from explainer.inside.attribution_methods import (
    METHODS,
    AttributionSettings,
    ProgressFn,
    attribute,
    check_model_and_image,
    method_label,
    resolve_target,
)
from explainer.inside.features import block_names
from explainer.runtime import seeded

# Steps of the sanity check: English ids in ``SanityResult.steps``, shown with ``step_label``.
TRAINED = N_("trained")
STEM_UNIT = N_("stem (conv1, bn1)")


def step_label(step: str) -> str:
    """A sanity-check step for display: "trained", "fc", "+ layer4", "+ stem (conv1, bn1)"."""
    return "+ " + tr(step[2:]) if step.startswith("+ ") else tr(step)


#: Cheaper settings for the sanity check, which recomputes every map after each randomization step.
#: The sanity check compares *rankings* of pixels, for which 16 IG steps suffice.
SANITY_SETTINGS = AttributionSettings(
    ig_steps=16, ig_internal_batch=16, smoothgrad_samples=8, smoothgrad_ig_steps=8, occlusion_stride_fraction=1.0
)


def spearman(a: np.ndarray, b: np.ndarray) -> float:
    """Spearman rank correlation of two arrays (ties get average ranks); NaN if either is constant."""
    ra, rb = _rankdata(np.ravel(a)), _rankdata(np.ravel(b))
    ra -= ra.mean()
    rb -= rb.mean()
    denom = math.sqrt(float((ra * ra).sum()) * float((rb * rb).sum()))
    return float((ra * rb).sum() / denom) if denom > 0 else float("nan")


def _rankdata(a: np.ndarray) -> np.ndarray:
    """Average ranks (1-based) as ``scipy.stats.rankdata(method="average")``."""
    sorter = np.argsort(a, kind="mergesort")
    inv = np.empty(sorter.size, dtype=np.intp)
    inv[sorter] = np.arange(sorter.size)
    s = a[sorter]
    obs = np.r_[True, s[1:] != s[:-1]]
    dense = obs.cumsum()[inv]
    count = np.r_[np.nonzero(obs)[0], len(obs)]
    return 0.5 * (count[dense] + count[dense - 1] + 1).astype(np.float64)


def randomization_units(model: nn.Module, granularity: str = "stage") -> list[tuple[str, list[nn.Module]]]:
    """Top-down list of (name, modules) to re-initialise: fc, layer4 … layer1 (or each block), stem."""
    if granularity not in ("stage", "block"):
        raise ValueError(f"granularity must be 'stage' or 'block', got {granularity!r}.")
    modules = dict(model.named_modules())
    units: list[tuple[str, list[nn.Module]]] = [("fc", [model.fc])]
    if granularity == "stage":
        units += [(s, [modules[s]]) for s in reversed(model.stage_names)]
    else:
        units += [(b, [modules[b]]) for b in reversed(block_names(model))]
    units.append((STEM_UNIT, [model.conv1, model.bn1]))
    return units


def _reinitialize(modules: Sequence[nn.Module]) -> None:
    # Back to the initialization distribution (Adebayo et al.), incl. BN's running statistics.
    for root in modules:
        for m in root.modules():
            if hasattr(m, "reset_parameters"):
                m.reset_parameters()


# Outcomes of the sanity check per method (ids; ``tr`` shows them).
PASSES = N_("passes")
FAILS = N_("does not decorrelate")
COLLAPSED = N_("map collapsed")
#: Mean |ρ| below this counts as "decorrelated". This app's convention: Adebayo et al. compare the maps by
#: eye and by rank correlation but give no cut-off.
THRESHOLD = 0.5


@dataclass
class SanityResult:
    """Maps and rank correlations along the cascade; step 0 is the trained model."""

    methods: list[str]
    steps: list[str]  # "trained", then "fc", "+ layer4", …
    target: int
    maps: dict[str, list[np.ndarray]]
    correlations: dict[str, list[float]]  # Spearman(|map_step|, |map_trained|); NaN where a map is flat
    threshold: float
    decorrelated: dict[str, bool]  # status == PASSES
    text: str
    status: dict[str, str] = field(default_factory=dict)  # PASSES, FAILS or COLLAPSED


def cascading_randomization(
    model: nn.Module,
    x: Tensor,
    methods: Sequence[str] = METHODS,
    *,
    target: int | str | None = None,
    settings: AttributionSettings = SANITY_SETTINGS,
    baseline: float | Tensor | None = None,
    granularity: str = "stage",
    threshold: float = THRESHOLD,
    seed: int = 0,
    progress: ProgressFn | None = None,
) -> SanityResult:
    """Adebayo et al.'s cascading randomization on a copy of ``model`` (the original is untouched).

    After re-initialising each unit from the top down, every method's map is recomputed for the
    *original* target class and compared with the trained model's map by Spearman rank correlation
    of absolute values. A method "passes" when its mean |ρ| over the randomized steps where its map is
    not flat (``randomized_similarity``) is below ``threshold``; a map that is flat at every randomized
    step has "collapsed" (``sanity_status``): reported as such, neither pass nor fail.
    """
    check_model_and_image(model, x)
    unknown = [m for m in methods if m not in METHODS]
    if unknown or not methods:
        raise ValueError(tr("Choose methods among {choices}; got {methods!r}.", choices=", ".join(METHODS),
                            methods=list(methods)))
    t = resolve_target(model, x, target)
    work = copy.deepcopy(model).eval()
    units = randomization_units(work, granularity)
    total = (len(units) + 1) * len(methods)
    done = 0
    maps: dict[str, list[np.ndarray]] = {m: [] for m in methods}
    steps = [TRAINED]

    def run_all(step_name: str) -> None:
        nonlocal done
        for m in methods:
            if progress:
                progress(done / total, f"{step_name}: {method_label(m)}")
            maps[m].append(attribute(work, x, m, target=t, settings=settings, baseline=baseline).map)
            done += 1

    run_all(tr("trained model"))
    for i, (name, mods) in enumerate(units):
        with seeded(seed + i):  # reproducible; the caller's RNG is untouched
            _reinitialize(mods)
        steps.append(name if i == 0 else f"+ {name}")
        run_all(tr("randomized down to {name}", name=step_label(name)))
    if progress:
        progress(1.0, tr("done"))
    correlations = {m: [spearman(np.abs(v), np.abs(maps[m][0])) for v in maps[m]] for m in methods}
    status = {m: sanity_status(c, threshold) for m, c in correlations.items()}
    return SanityResult(
        list(methods), steps, t, maps, correlations, threshold, {m: s == PASSES for m, s in status.items()},
        sanity_verdict(correlations, steps, threshold), status,
    )


def flat_steps(correlations: Sequence[float]) -> list[int]:
    """Indices of the randomized steps (≥ 1) whose map was flat: ρ undefined (NaN) while the trained map
    was not. A flat map has no ranking, so its ρ is no evidence either way."""
    if np.isnan(correlations[0]):
        return list(range(1, len(correlations)))
    return [i for i, c in enumerate(correlations) if i > 0 and np.isnan(c)]


def randomized_similarity(correlations: Sequence[float]) -> float:
    """Mean |ρ| over the randomized steps (step 0, the trained model, excluded) where the map is not flat;
    NaN when there is no such step (the map collapsed).

    Averaging over the cascade rather than reading the last step alone matters for coarse maps:
    Grad-CAM at layer4 has 3×3 cells, so one step's ρ can swing between −0.7 and 0.8 by chance.
    """
    if np.isnan(correlations[0]):
        return float("nan")
    rest = np.asarray(correlations[1:], dtype=np.float64)
    rest = rest[~np.isnan(rest)]
    return float(np.abs(rest).mean()) if rest.size else float("nan")


def sanity_status(correlations: Sequence[float], threshold: float = THRESHOLD) -> str:
    """``COLLAPSED`` when no randomized step has a map with a ranking to compare (or the trained map is
    flat); else ``PASSES`` when the mean |ρ| of the others is below ``threshold``, ``FAILS`` otherwise."""
    sim = randomized_similarity(correlations)
    if np.isnan(sim):
        return COLLAPSED
    return PASSES if sim < threshold else FAILS


def sanity_verdict(correlations: dict[str, list[float]], steps: list[str], threshold: float) -> str:
    """One Markdown line per method (its status, with the numbers it rests on), then the cut-off's origin."""
    lines = []
    for m, c in correlations.items():
        sim = randomized_similarity(c)
        final = c[-1]
        final_s = tr("undefined (the map became flat)") if np.isnan(final) else f"{final:.2f}"
        name = method_label(m)
        status = sanity_status(c, threshold)
        flat = flat_steps(c)
        if status == COLLAPSED and np.isnan(c[0]):
            lines.append(tr("- **{method}**: map collapsed — the trained model's map is already flat (all "
                            "pixels equal), so there is no ranking to compare.", method=name))
        elif status == COLLAPSED:
            lines.append(tr(
                "- **{method}**: map collapsed — from the first randomized step on, its map is flat (all pixels "
                "equal). It does depend on the weights, but a flat map has no ranking, so ρ is undefined: counted "
                "neither as passing nor as failing.", method=name))
        elif status == PASSES:
            lines.append(tr(
                "- **{method}** passes: its map changes as the model is destroyed (mean |ρ| over the "
                "randomized steps {sim:.2f} < {threshold}; with all layers random ρ = {final}).",
                method=name, sim=sim, threshold=threshold, final=final_s,
            ))
        else:
            lines.append(tr(
                "- **{method}** does **not** decorrelate: with the weights randomized its map keeps a mean |ρ| of "
                "{sim:.2f} ≥ {threshold} with the trained one (all layers random: ρ = {final}) — it reflects the "
                "input more than what the model learned.",
                method=name, sim=sim, threshold=threshold, final=final_s,
            ))
        if flat and status != COLLAPSED:
            lines.append(tr(
                "  (Its map is flat (collapsed) at {n} of {total} randomized steps ({steps}); the mean |ρ| "
                "uses the other steps only.)",
                n=len(flat), total=len(c) - 1, steps=", ".join(step_label(steps[i]) for i in flat),
            ))
        defined = np.asarray([v for v in c[1:] if not np.isnan(v)], dtype=np.float64)
        spread = float(defined.std()) if defined.size > 1 else 0.0
        if spread > 0.3:
            lines.append(tr(
                "  (ρ of {method} jumps from step to step, std {spread:.2f}: a coarse map gives a noisy "
                "correlation on one image — try a few images before concluding.)",
                method=name, spread=spread,
            ))
    lines.append("")
    lines.append(tr("The cut-off {threshold} is this app's convention: Adebayo et al. compare the maps by eye and "
                    "by rank correlation, and give no threshold.", threshold=threshold))
    return "\n".join(lines)


def sanity_maps_figure(result: SanityResult) -> Figure:
    """Rows: methods; columns: cascade steps; each panel the |map| scaled to its own maximum."""
    rows, cols = len(result.methods), len(result.steps)
    fig = Figure(figsize=(1.5 * cols + 1.2, 1.6 * rows + 0.8), dpi=100, layout="constrained")
    axes = fig.subplots(rows, cols, squeeze=False)
    for r, m in enumerate(result.methods):
        for c, (step, amap) in enumerate(zip(result.steps, result.maps[m])):
            ax = axes[r, c]
            a = np.abs(amap)
            ax.imshow(a, cmap="inferno", vmin=0.0, vmax=float(a.max()) or 1.0)
            ax.set_xticks([])
            ax.set_yticks([])
            if r == 0:
                ax.set_title(step_label(step), fontsize=8)
            if c == 0:
                ax.set_ylabel(method_label(m), fontsize=8)
            if c > 0:
                rho = result.correlations[m][c]
                ax.set_xlabel(tr("flat (no ρ)") if np.isnan(rho) else f"ρ={rho:.2f}", fontsize=8)
    fig.suptitle(tr("Cascading randomization (top → bottom): maps should change as weights are randomized"),
                 fontsize=10)
    return fig


def sanity_curve_figure(result: SanityResult) -> Figure:
    """Spearman correlation to the trained map vs randomization step, one line per method."""
    fig = Figure(figsize=(6.8, 3.6), dpi=100, layout="constrained")
    ax = fig.subplots()
    xs = np.arange(len(result.steps))
    flat_label = tr("map flat: ρ undefined")
    for m in result.methods:
        rho = np.asarray(result.correlations[m], dtype=np.float64)
        line = ax.plot(xs, rho, marker="o", label=method_label(m))[0]  # NaN (flat map) leaves a gap, not a 0
        flat = np.isnan(rho)
        if flat.any():  # collapsed maps are marked on the axis with a cross, not drawn as ρ = 0
            ax.plot(xs[flat], np.zeros(int(flat.sum())), "x", color=line.get_color(), markersize=9,
                    label=flat_label)
            flat_label = None  # one legend entry for all methods
    for sign in (1, -1):  # |ρ| below the threshold counts as decorrelated; strong negative ρ does not
        ax.axhline(sign * result.threshold, color="gray", linestyle="--", linewidth=1,
                   label=tr("±{threshold}: this app's cut-off", threshold=result.threshold) if sign == 1 else None)
    ax.axhline(0.0, color="black", linewidth=0.5)
    ax.set_xticks(xs, [step_label(s) for s in result.steps], rotation=30, ha="right", fontsize=8)
    ax.set_ylabel(tr("Spearman ρ with trained map (|map|)"))
    ax.set_ylim(-1.05, 1.05)
    ax.set_title(tr("Sanity check: a trustworthy map decorrelates when the model is destroyed"), fontsize=10)
    ax.legend(fontsize=8)
    return fig
