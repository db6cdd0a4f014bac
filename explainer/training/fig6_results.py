"""The recorded Fig. 6 experiment (``checkpoints/degradation.json``): validated, summarized, read.

``fig6_experiment`` writes the file; this module is what the app needs from it -- the outcome checks
He et al.'s Fig. 6 implies, the loader that refuses a malformed file with a sentence, the summary table
and the verdict, each a function of the recorded numbers.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

from explainer.i18n import tr
from explainer.training.artifacts import RESULTS_PATH

#: The command that regenerates the file (``explainer.training.fig6_experiment``).
COMMAND = "python -m explainer.training.fig6_experiment"


def recorded_minutes(path: Path = RESULTS_PATH) -> float | None:
    """The shipped experiment's recorded ``total_wall_time_seconds`` in minutes, None if it cannot be read."""
    try:
        seconds = json.loads(Path(path).read_text(encoding="utf-8")).get("total_wall_time_seconds")
    except (OSError, ValueError, AttributeError):
        return None
    if isinstance(seconds, bool) or not isinstance(seconds, (int, float)) or not math.isfinite(seconds) or seconds <= 0:
        return None
    return seconds / 60


def _regenerate() -> str:
    """The regenerate hint in the request's language, with the recorded run's time when there is one."""
    minutes = recorded_minutes()
    if minutes is None:
        return tr("Regenerate it with `{command}`.", command=COMMAND)
    return tr("Regenerate it with `{command}` (the recorded run took {minutes:.0f} min).", command=COMMAND,
              minutes=minutes)



def check_outcome(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """He et al. Fig. 6's claims, checked on the final training error (both definitions).

    Plain-56 > Plain-20; ResNet-56 < Plain-56; ResNet-56 ≤ ResNet-20. Empty if a net is missing.
    """
    by_name = {r["name"]: r for r in runs}
    if not all(n in by_name for n in ("Plain-20", "Plain-56", "ResNet-20", "ResNet-56")):
        return {}
    out: dict[str, Any] = {}
    for label, get in (("eval_mode_whole_subset", lambda r: r["final"]["train_error_eval"]),
                       ("running_mean_last_epoch", lambda r: r["train_error"][-1])):
        p20, p56, r20, r56 = (get(by_name[n]) for n in ("Plain-20", "Plain-56", "ResNet-20", "ResNet-56"))
        out[label] = {
            "plain56_above_plain20": p56 > p20,
            "resnet56_below_plain56": r56 < p56,
            "resnet56_not_above_resnet20": r56 <= r20,
        }
    return out


# ----------------------------------------------------------------------------- loading the shipped results

_CURVES = ("train_loss", "train_error", "test_error")


def validate_results(data: Any, source: str = "degradation results") -> dict[str, Any]:
    """Check the structure of a results dict; ``ValueError`` naming the first problem found."""
    def bad(msg: str) -> ValueError:
        return ValueError(tr("{source} is malformed: {problem}. {regenerate}", source=source, problem=msg,
                             regenerate=_regenerate()))

    if not isinstance(data, dict):
        raise bad(tr("the top level must be an object, not {kind}", kind=type(data).__name__))
    runs = data.get("runs")
    if not isinstance(runs, list) or not runs:
        raise bad(tr("it needs a non-empty top-level \"runs\" list"))
    for i, run in enumerate(runs, start=1):
        if not isinstance(run, dict):
            raise bad(tr("run {i} is not an object", i=i))
        label = f"run {i} ({run.get('name', '?')!s})"
        for key, kind in (("name", str), ("x_axis", str), ("command", str), ("recipe", dict)):
            if not isinstance(run.get(key), kind):
                raise bad(tr("{run} has no {kind} field \"{key}\"", run=label, kind=kind.__name__, key=key))
        for key in ("residual", "batch_norm"):
            if not isinstance(run.get(key), bool):
                raise bad(tr("{run} needs a true/false field \"{key}\"", run=label, key=key))
        depth = run.get("depth")
        if isinstance(depth, bool) or not isinstance(depth, int) or depth < 1:
            raise bad(tr("{run} needs a positive integer \"depth\"", run=label))
        wall = run.get("wall_time_seconds")
        if isinstance(wall, bool) or not isinstance(wall, (int, float)) or wall < 0:
            raise bad(tr("{run} needs a non-negative number \"wall_time_seconds\"", run=label))
        xs = run.get("x")
        if not isinstance(xs, list) or not xs or not all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in xs):
            raise bad(tr("{run} needs a non-empty list of numbers \"x\" (the {x_axis} of each point)",
                         run=label, x_axis=run.get("x_axis")))
        for key in _CURVES:
            values = run.get(key)
            if not isinstance(values, list):
                raise bad(tr("{run} has no list \"{key}\"", run=label, key=key))
            if len(values) != len(xs):
                raise bad(tr("{run} has {n} \"{key}\" values but {nx} x values", run=label, n=len(values), key=key,
                             nx=len(xs)))
            for v in values:
                if v is None and key == "test_error":
                    continue
                if isinstance(v, bool) or not isinstance(v, (int, float)) or not math.isfinite(v):
                    raise bad(tr("{run}: \"{key}\" holds {value!r}, not a finite number", run=label, key=key, value=v))
                if key != "train_loss" and not 0.0 <= v <= 1.0:
                    raise bad(tr("{run}: \"{key}\" holds {value}, but errors are fractions between 0 and 1",
                                 run=label, key=key, value=v))
    return data


def load_degradation_results(path: Path | str = RESULTS_PATH) -> dict[str, Any]:
    """Read and validate the shipped ``degradation.json``; ``ValueError`` with a clear sentence otherwise."""
    path = Path(path)
    if not path.is_file():
        raise ValueError(tr("{path} is missing. {regenerate}", path=path.name, regenerate=_regenerate()))
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as err:
        raise ValueError(tr("{path} is not valid JSON ({error}). {regenerate}", path=path.name, error=err,
                            regenerate=_regenerate())) from err
    return validate_results(data, path.name)


def summarize(results: dict[str, Any]) -> list[list[Any]]:
    """Rows [name, final train error (eval) %, last-epoch running train error %, final test error %, wall time s]."""
    rows = []
    for run in results["runs"]:
        final = run.get("final", {})
        te = final.get("train_error_eval")
        rows.append([
            run["name"],
            None if te is None else round(100 * te, 2),
            round(100 * run["train_error"][-1], 2),
            None if run["test_error"][-1] is None else round(100 * run["test_error"][-1], 2),
            run["wall_time_seconds"],
        ])
    return rows


#: Size of the Fashion-MNIST test split every run is evaluated on (``load_split`` checks the count).
TEST_IMAGES = 10_000


def _mistakes(error: float, n: int) -> int:
    """An error fraction on n images back to a count of images (the JSON stores 5 decimals)."""
    return round(error * n)


def fig6_verdict(results: dict[str, Any]) -> str | None:
    """Markdown: what the four shipped runs show and what one seed per net cannot show.

    Computed from each run's ``final`` numbers (train error in eval mode on the training subset, test
    error on the 10 000 test images), counted in images. None if a run or a number is missing.
    """
    by_name = {r["name"]: r for r in results.get("runs", [])}
    names = ("Plain-20", "Plain-56", "ResNet-20", "ResNet-56")
    finals = {n: by_name.get(n, {}).get("final", {}) for n in names}
    if not all(isinstance(finals[n].get("train_error_eval"), (int, float))
               and isinstance(finals[n].get("test_error"), (int, float)) for n in names):
        return None
    n_train = by_name["Plain-20"].get("recipe", {}).get("train_subset")
    if isinstance(n_train, bool) or not isinstance(n_train, int) or n_train <= 0:
        return None
    train = {n: float(finals[n]["train_error_eval"]) for n in names}
    test = {n: float(finals[n]["test_error"]) for n in names}
    p20, p56, r20, r56 = (_mistakes(train[n], n_train) for n in names)  # training mistakes, in images
    parts = []
    shown = {"p20": train["Plain-20"], "p56": train["Plain-56"], "r20": train["ResNet-20"],
             "r56": train["ResNet-56"], "n": f"{n_train:,}", "d": f"{abs(p56 - p20):,}"}
    if p56 > p20:
        parts.append(tr("**Plain nets:** Plain-56 ends with {p56:.1%} training error, Plain-20 with {p20:.1%}: the "
                        "deeper plain net gets {d} more of its {n} training images wrong -- it fits its own training "
                        "data worse (degradation), in this run.", **shown))
    elif p56 == p20:
        parts.append(tr("**Plain nets:** Plain-56 and Plain-20 end with the same training error ({p56:.1%}): no "
                        "degradation in this run.", **shown))
    else:
        parts.append(tr("**Plain nets:** Plain-56 fits its training data better than Plain-20 ({p56:.1%} vs "
                        "{p20:.1%}, {d} fewer of {n} images wrong): no degradation in this run.", **shown))
    if r20 == r56 == 0:
        parts.append(tr("**Residual nets:** ResNet-20 and ResNet-56 both classify every one of the {n} training "
                        "images correctly (0.0% training error), so on training error this run cannot rank them.",
                        **shown))
    elif r56 <= r20:
        parts.append(tr("**Residual nets:** ResNet-56 {r56:.1%} vs ResNet-20 {r20:.1%} training error: the deeper "
                        "residual net fits its training data at least as well, in this run.", **shown))
    else:
        parts.append(tr("**Residual nets:** ResNet-56 {r56:.1%} vs ResNet-20 {r20:.1%} training error: here the "
                        "deeper residual net has not caught up.", **shown))
    params = [by_name[n].get("parameters") for n in ("Plain-56", "ResNet-56")]
    if r56 < p56 and params[0] is not None and params[0] == params[1]:
        parts.append(tr("With the same depth, recipe and parameter count ({params}), ResNet-56 ends at {r56:.1%} "
                        "where Plain-56 ends at {p56:.1%}: the shortcuts are what differs.",
                        params=f"{params[0]:,}", **shown))
    elif r56 < p56:
        parts.append(tr("With the same depth and recipe, ResNet-56 ends at {r56:.1%} where Plain-56 ends at "
                        "{p56:.1%}.", **shown))
    gap = _mistakes(abs(test["ResNet-56"] - test["ResNet-20"]), TEST_IMAGES)
    parts.append(tr(
        "**Test error** ({images} images): Plain-20 {tp20:.2%}, Plain-56 {tp56:.2%}, ResNet-20 {tr20:.2%}, "
        "ResNet-56 {tr56:.2%}. **One seed per net:** this run shows that these outcomes can happen with this "
        "recipe; it cannot show how often, nor whether a gap like ResNet-56 vs ResNet-20's {gap} test images is "
        "larger than the spread between seeds -- that needs several runs per net (He et al. report the mean ± std "
        "of 5 runs for ResNet-110).",
        images=f"{TEST_IMAGES:,}", tp20=test["Plain-20"], tp56=test["Plain-56"], tr20=test["ResNet-20"],
        tr56=test["ResNet-56"], gap=gap,
    ))
    return "\n\n".join(parts)
