"""Handlers of the "Inside ResNet-18" tab and its public API: each checks its inputs, asks
``inside_results`` for the numbers (computed once per content, on the model instance of the handler's
queue: ``QUICK_WORK`` for forward passes, ``HEAVY_WORK`` for gradients) and returns what the widgets
show, rendered once per language.

Public API (``gradio_client``), each with sensible defaults for everything else:

* ``/predict(image)`` → label with confidences (Fashion-MNIST model, auto invert);
* ``/feature_maps(image, layer)`` → the grid of the most active channels as an image;
* ``/attribute(image, method)`` → the map overlaid on the input, and its faithfulness scores (JSON):
  deletion and insertion AUCs next to the two references (random order, model-free brightness order),
  the verdict, and for Integrated Gradients both sides of the completeness axiom.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import gradio as gr
import numpy as np
from torch import nn

from explainer.i18n import N_, tr
from explainer.inside import features, images
from explainer.inside.attribution_methods import (
    METHODS,
    SALIENCY,
    SMOOTHGRAD_BASES,
    Attribution,
    AttributionSettings,
    Completeness,
    completeness_text,
    gradcam_layer_label,
    gradcam_layers,
    method_label,
    with_settings,
)
from explainer.inside.attribution_overlays import attribution_figure, overlay
from explainer.inside.branch_shortcut import branch_shortcut_figure, norm_ratio_figure, ratio_reading
from explainer.inside.deletion_metric import (
    DELETION,
    INSERTION,
    INTENSITY,
    RANDOM,
    DeletionCurve,
    FaithfulnessScores,
    deletion_figure,
    faithfulness_verdict,
    scores_markdown,
    scores_of,
)
from explainer.inside.sanity_check import SANITY_SETTINGS, sanity_curve_figure, sanity_maps_figure, sanity_verdict
from explainer.training.fashion_mnist import class_label
from explainer.ui import file_inputs, inside_results, validation
from explainer.ui.boundary import ui_errors
from explainer.ui.compute_once import png_plot
from explainer.ui.inside_models import FASHION, HEAVY_WORK, IMAGENET, Bundle, bundle
from explainer.ui.inside_results import rendered

PREDICTED = "predicted"
# Displayed labels of choices whose values are API names (English). A label's id must differ from every
# choice value: Gradio's frontend translates any displayed string that is a gr.I18n key (ui/boundary.py).
PREDICTED_LABEL = N_("the predicted class")
DEFAULT_LAYER = "layer1"
SCALES: tuple[str, ...] = ("shared", "per-map")
# Every name a client sends is one of the widget's choices, or refused with one of these sentences
# (``validation.known_name``: the value echoed at most 40 characters, then the choices).
UNKNOWN_MODEL = N_("Unknown model {name}: choose one of {choices}.")
UNKNOWN_METHOD = N_("Unknown method {name}; choose one of {choices}.")
UNKNOWN_TARGET = N_("Unknown target class {name}.")
UNKNOWN_LAYER = N_("Unknown layer {name}: choose one of {choices}.")
UNKNOWN_GRADCAM_LAYER = N_("Unknown Grad-CAM layer {name}: choose one of {choices}.")
UNKNOWN_INVERT = N_("Invert must be one of {choices}, got {name}.")
UNKNOWN_SCALE = N_("Unknown colour scale {name}: choose one of {choices}.")
UNKNOWN_SMOOTHGRAD_BASE = N_("SmoothGrad averages one of {choices}, not {name}.")


def _pick(upload: Any, sketch: Any, source: str) -> Any:
    """The image the user means: the sketch if they drew last (and it is not blank), else the upload --
    resolved by ``file_inputs.file_source`` (confined to the upload folder and the examples)."""
    if (source == "sketch" or upload is None) and sketch is not None and not _blank_sketch(sketch):
        return file_inputs.file_source(sketch)
    if upload is None:
        if sketch is not None:
            return file_inputs.file_source(sketch)  # a blank sketch: prepare_fashion explains that it is empty
        raise ValueError(tr("No image yet: pick an example, upload a picture or draw on the sketchpad."))
    return file_inputs.file_source(upload)


def _blank_sketch(sketch: Any) -> bool:
    try:
        images.load_image(file_inputs.file_source(sketch))
    except images.EmptySketch:
        return True
    except ValueError:
        return False
    return False


def _target(value: Any, names: tuple[str, ...]) -> int | str:
    if value in (None, "", PREDICTED):
        return PREDICTED
    return names.index(validation.known_name(value, names, UNKNOWN_TARGET))


def _choice(value: Any, choices: tuple[str, ...] | list[str], message: str, default: str) -> str:
    """A dropdown/radio value: ``default`` when cleared (None or ""), else one of ``choices`` or a sentence."""
    return default if value in (None, "") else validation.known_name(value, choices, message)


def _model(choice: Any) -> str:
    return _choice(choice, (FASHION, IMAGENET), UNKNOWN_MODEL, FASHION)


def _invert(value: Any) -> str:
    return _choice(value, images.INVERT_MODES, UNKNOWN_INVERT, "auto")


def _methods(values: Any) -> list[str]:
    """The attribution methods asked for: a list of known names, each once (a repeat is not run twice)."""
    if values in (None, []):
        raise ValueError(tr("Choose at least one attribution method."))
    return validation.known_names(values, METHODS, UNKNOWN_METHOD, label=N_("Methods"))


def _gradcam_layer(value: Any, model: nn.Module) -> str | None:
    """A Grad-CAM layer id of ``model``, or None (the default: the deepest block) when cleared."""
    if value in (None, ""):
        return None
    return validation.known_name(value, gradcam_layers(model), UNKNOWN_GRADCAM_LAYER)


def layer_choices(model: nn.Module) -> list[str]:
    """Feature-map names for the layer dropdown (stem, stages, blocks, parts of blocks)."""
    return features.feature_map_names(model)


def target_choices(class_names: tuple[str, ...]) -> list[tuple[str, str]]:
    """(label in the user's language, API value) pairs for the target dropdown: "predicted", then the classes."""
    return [(tr(PREDICTED_LABEL), PREDICTED), *((class_label(n), n) for n in class_names)]


def gradcam_choices(model: nn.Module) -> list[tuple[str, str]]:
    """(label in the user's language, layer id) pairs for the Grad-CAM layer dropdown, deepest first."""
    return [(gradcam_layer_label(n), n) for n in gradcam_layers(model)]


def _feature_grid(b: Bundle, prep: images.PreparedImage, layer: str, k: int, scale: str) -> np.ndarray:
    """The grid image (H, W, 3) of the ``k`` most active channels of ``layer`` (the caller must not modify it)."""
    _probs, fmap = inside_results.prediction_and_map(b, prep.x, layer)  # one forward pass for both
    return rendered("grid", b, prep.x, (layer, k, scale),
                    lambda: features.feature_grid_image(fmap, layer, k=k, scale=scale))


def _enlarge(image: np.ndarray) -> np.ndarray:
    """Nearest-neighbour ×3 for small inputs: the exact pixels the model sees, visible on a projector."""
    if image.shape[0] > 128:
        return image
    return np.repeat(np.repeat(image, 3, axis=0), 3, axis=1)


def _completeness_json(c: Completeness | None) -> dict[str, float] | None:
    if c is None:
        return None
    return {"attribution_sum": round(c.attribution_sum, 4), "logit_difference": round(c.output_difference, 4),
            "gap": round(c.gap, 4), "relative_gap": round(c.relative_gap, 4)}


def _faithfulness(b: Bundle, prep: images.PreparedImage, attrs: list[Attribution], t: int,
                  settings: AttributionSettings
                  ) -> tuple[list[DeletionCurve], dict[tuple[str, str], DeletionCurve], list[FaithfulnessScores]]:
    """Each map's deletion and insertion curves for class ``t`` (cached), the four reference curves, the scores."""
    refs = inside_results.references(b, prep.x, t)
    curves, scores = [], []
    for a in attrs:
        d = inside_results.deletion(b, prep.x, a, t, settings, label=a.method)
        i = inside_results.insertion(b, prep.x, a, t, settings, label=a.method)
        curves += [d, i]
        scores.append(scores_of(d, i, refs))
    return curves, refs, scores


# --- handlers -------------------------------------------------------------------------------------


def _nothing_to_show(upload: Any, sketch: Any, source: str) -> bool:
    """Change events fire when an input is cleared: show nothing rather than an error toast."""
    return upload is None and (sketch is None or _blank_sketch(sketch))


@ui_errors
def analyse(upload: Any, sketch: Any, source: str, choice: str, invert: str, layer: str, k: float,
            scale: str) -> tuple:
    """Preprocessed input, prediction and the feature-map grid for one image (fast: one forward pass)."""
    if _nothing_to_show(upload, sketch, source):
        return None, "", None, None
    b = bundle(_model(choice))
    layer = _choice(layer, layer_choices(b.model), UNKNOWN_LAYER, DEFAULT_LAYER)
    scale = _choice(scale, SCALES, UNKNOWN_SCALE, SCALES[0])
    k = validation.whole_number(k, N_("Most active channels"), lo=4, hi=32)
    prep = b.prepare(_pick(upload, sketch, source), _invert(invert))
    probs, _fmap = inside_results.prediction_and_map(b, prep.x, layer)
    grid = _feature_grid(b, prep, layer, k, scale)
    notes = " ".join(prep.notes) or tr("Preprocessed as the training images were.")
    info = tr("Input {width}×{height} → model input {shape}. {notes}", width=prep.source_size[0],
              height=prep.source_size[1], shape=tuple(prep.x.shape), notes=notes)
    shown = tuple(class_label(n) for n in b.class_names)  # in the user's language (the API keeps English)
    return _enlarge(prep.display), info, features.top_classes(probs, shown, k=5), grid


@ui_errors
def branch_figures(upload: Any, sketch: Any, source: str, choice: str, invert: str, channel: float) -> tuple:
    """Branch F(x), shortcut and sum of every block, the ‖F(x)‖/‖x‖ chart and its reading."""
    if _nothing_to_show(upload, sketch, source):
        return None, None, ""
    channel = -1 if channel is None else channel
    ch = validation.whole_number(channel, N_("Channel (−1 = mean over channels)"), lo=-1, hi=511)
    b = bundle(_model(choice), HEAVY_WORK)
    prep = b.prepare(_pick(upload, sketch, source), _invert(invert))
    comps = inside_results.block_comparison(b, prep.x)
    ch = None if ch < 0 else ch
    return rendered("blocks", b, prep.x, (ch,), lambda: (png_plot(branch_shortcut_figure(comps, ch)),
                                                         png_plot(norm_ratio_figure(comps)), ratio_reading(comps)))


@ui_errors
def update_feature_maps(upload: Any, sketch: Any, source: str, choice: str, invert: str, layer: str, k: float,
                        scale: str) -> np.ndarray:
    """Only the feature-map grid (layer, number of channels or colour scale changed)."""
    k = validation.whole_number(k, N_("Most active channels"), lo=4, hi=32)
    b = bundle(_model(choice))
    layer = _choice(layer, layer_choices(b.model), UNKNOWN_LAYER, DEFAULT_LAYER)
    scale = _choice(scale, SCALES, UNKNOWN_SCALE, SCALES[0])
    prep = b.prepare(_pick(upload, sketch, source), _invert(invert))
    return _feature_grid(b, prep, layer, k, scale)


@ui_errors
def on_model_change(choice: str) -> tuple:
    """New model: new target classes and Grad-CAM layers."""
    b = bundle(_model(choice))
    layers = gradcam_choices(b.model)
    return (gr.update(choices=target_choices(b.class_names), value=PREDICTED),
            gr.update(choices=layers, value=layers[0][1]))


@ui_errors
def run_attributions(upload: Any, sketch: Any, source: str, choice: str, invert: str, methods: list[str],
                     target: str, layer: str, opacity: float, sg_base: str,
                     progress: gr.Progress = gr.Progress()) -> tuple:
    """Maps of the chosen methods, their deletion curves next to random order, and a score table."""
    methods = _methods(methods)
    opacity = validation.number_between(opacity, N_("Overlay opacity"), lo=0, hi=1)
    b = bundle(_model(choice), HEAVY_WORK)
    layer = _gradcam_layer(layer, b.model)
    sg_base = _choice(sg_base, SMOOTHGRAD_BASES, UNKNOWN_SMOOTHGRAD_BASE, SALIENCY)
    prep = b.prepare(_pick(upload, sketch, source), _invert(invert))
    settings = with_settings(b.settings, gradcam_layer=layer, smoothgrad_base=sg_base)
    t = _resolved_target(b, prep, target)
    attrs = []
    for i, m in enumerate(methods):  # as attribute_many, one cached map per method
        progress(0.8 * i / len(methods), desc=f"{method_label(m)}…")
        attrs.append(inside_results.attribution(b, prep.x, m, t, settings))
    progress(0.85, desc=tr("deletion and insertion curves…"))
    curves, refs, scores = _faithfulness(b, prep, attrs, t, settings)
    probability = float(inside_results.prediction(b, prep.x)[t])
    english_name = b.class_names[t]
    class_name = class_label(english_name)
    deletion_aucs = {a.method: sc.deletion for a, sc in zip(attrs, scores)}
    state = {"display": prep.display, "attrs": attrs, "class_name": english_name, "scores": deletion_aucs}

    def render() -> tuple:
        notes = [features.low_target_warning(probability, class_name)]
        notes += [completeness_text(a.completeness, settings.ig_steps) for a in attrs if a.completeness]
        table = scores_markdown([(a.method, sc) for a, sc in zip(attrs, scores)], refs, class_name)
        return (png_plot(attribution_figure(prep.display, attrs, opacity=opacity, class_name=english_name,
                                            scores=deletion_aucs)),
                png_plot(deletion_figure(curves, list(refs.values()), english_name)),
                "\n\n".join([n for n in notes if n] + [table]))

    return (*rendered("attributions", b, prep.x, (tuple(methods), t, settings, opacity), render), state)


def _resolved_target(b: Bundle, prep: images.PreparedImage, target: Any) -> int:
    """The class index asked for, or the predicted one (``resolve_target``'s answer, cached)."""
    t = _target(target, b.class_names)
    return inside_results.predicted_class(b, prep.x) if t == PREDICTED else int(t)


@ui_errors
def restyle_overlays(state: dict | None, opacity: float) -> Any:
    """Opacity changed: redraw the overlays without recomputing the maps."""
    opacity = validation.number_between(opacity, N_("Overlay opacity"), lo=0, hi=1)
    if not state:
        return gr.skip()
    return attribution_figure(state["display"], state["attrs"], opacity=opacity,
                              class_name=state["class_name"], scores=state["scores"])


@ui_errors
def run_sanity(upload: Any, sketch: Any, source: str, choice: str, invert: str, methods: list[str], target: str,
               layer: str, progress: gr.Progress = gr.Progress()) -> tuple:
    """Adebayo et al.'s cascading randomization, with a progress bar."""
    methods = _methods(methods)  # without repeats: the sanity plot draws one curve per method
    b = bundle(_model(choice), HEAVY_WORK)
    layer = _gradcam_layer(layer, b.model)
    prep = b.prepare(_pick(upload, sketch, source), _invert(invert))
    t = _resolved_target(b, prep, target)
    settings = with_settings(SANITY_SETTINGS, gradcam_layer=layer)
    if b.name == IMAGENET:
        settings = with_settings(settings, ig_internal_batch=10, occlusion_batch=16)
    # The randomization runs on a deep copy made under the heavy instance's lock (a copy would
    # inherit the hooks of a running request); the served instances are never changed.
    result = inside_results.sanity(b, prep.x, tuple(methods), t, settings, progress=lambda f, d: progress(f, desc=d))

    def render() -> tuple:
        shown = replace(result, text=sanity_verdict(result.correlations, result.steps, result.threshold))  # this language
        header = tr("**Sanity check** (Adebayo et al. 2018) for *{class_name}*: weights re-initialised from fc "
                    "down to the stem; ρ = Spearman rank correlation of |map| with the trained model's map.",
                    class_name=class_label(b.class_names[t])) + "\n\n"
        return png_plot(sanity_maps_figure(shown)), png_plot(sanity_curve_figure(shown)), header + shown.text

    return rendered("sanity", b, prep.x, (tuple(methods), t, settings), render)


# --- public API (defaults for everything but the listed arguments) -----------------------------------


@ui_errors
def api_predict(image: Any) -> dict[str, float]:
    """/predict(image) → {class: probability} for the Fashion-MNIST model."""
    b = bundle(FASHION)
    prep = b.prepare(file_inputs.file_source(image), "auto")
    return features.top_classes(inside_results.prediction(b, prep.x), b.class_names)


@ui_errors
def api_feature_maps(image: Any, layer: str) -> np.ndarray:
    """/feature_maps(image, layer) → the grid of the 16 most active channels (shared scale)."""
    b = bundle(FASHION)
    layer = _choice(layer, layer_choices(b.model), UNKNOWN_LAYER, DEFAULT_LAYER)
    prep = b.prepare(file_inputs.file_source(image), "auto")
    return _feature_grid(b, prep, layer, 16, "shared")


@ui_errors
def api_attribute(image: Any, method: str) -> tuple[np.ndarray, dict[str, Any]]:
    """/attribute(image, method) → overlay (96, 96, 3) and its faithfulness scores (module docstring).

    Fields: ``method``, ``target``, ``deletion_auc`` (lower is better), ``random_auc`` and
    ``better_than_random`` (deletion, as before); ``intensity_auc`` and ``better_than_intensity`` (deletion
    against the model-free brightness order); ``insertion_auc`` (higher is better), ``random_insertion_auc``,
    ``intensity_insertion_auc``; ``verdict`` (an English sentence, ``faithfulness_verdict``); ``completeness``:
    for Integrated Gradients {attribution_sum, logit_difference, gap, relative_gap}, else null.
    """
    method = validation.known_name(method, METHODS, UNKNOWN_METHOD)
    b = bundle(FASHION, HEAVY_WORK)
    prep = b.prepare(file_inputs.file_source(image), "auto")
    settings = AttributionSettings()  # attribute()'s defaults, as before the cache
    a = inside_results.attribution(b, prep.x, method, PREDICTED, settings)
    curve = inside_results.deletion(b, prep.x, a, PREDICTED, settings)
    inserted = inside_results.insertion(b, prep.x, a, PREDICTED, settings)
    refs = inside_results.references(b, prep.x, a.target)
    sc = scores_of(curve, inserted, refs)
    score = {
        "method": method,
        "target": b.class_names[a.target],
        "deletion_auc": round(curve.auc, 4),
        "random_auc": round(refs[DELETION, RANDOM].auc, 4),
        "better_than_random": bool(curve.auc < refs[DELETION, RANDOM].auc),
        "intensity_auc": round(refs[DELETION, INTENSITY].auc, 4),
        "better_than_intensity": bool(curve.auc < refs[DELETION, INTENSITY].auc),
        "insertion_auc": round(inserted.auc, 4),
        "random_insertion_auc": round(refs[INSERTION, RANDOM].auc, 4),
        "intensity_insertion_auc": round(refs[INSERTION, INTENSITY].auc, 4),
        "verdict": faithfulness_verdict(sc),
        "completeness": _completeness_json(a.completeness),
    }
    return overlay(prep.display, a.map, opacity=0.6, signed=a.signed), score
