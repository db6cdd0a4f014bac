"""The "Inside ResNet-18" tab: prediction, feature maps, branch vs shortcut, attributions, sanity check.

Thin wiring around ``explainer.inside.images``, ``explainer.inside.features``, ``explainer.inside.attribution_methods`` and
``explainer.inside.imagenet``. Public API (``gradio_client``), each with sensible defaults for everything else:

* ``/predict(image)`` → label with confidences (Fashion-MNIST model, auto invert);
* ``/feature_maps(image, layer)`` → the grid of the most active channels as an image;
* ``/attribute(image, method)`` → the map overlaid on the input, and its deletion score (JSON).
"""

from __future__ import annotations

import copy
import threading
from dataclasses import dataclass
from typing import Any, Callable

import gradio as gr
import numpy as np
from torch import Tensor, nn

from explainer.i18n import N_, tr
from explainer.inside import (
    attribution_methods,
    attribution_overlays,
    branch_shortcut,
    deletion_metric,
    features,
    imagenet,
    images,
    sanity_check,
)
from explainer.training.checkpoint import CheckpointError, load_model
from explainer.training.fashion_mnist import CLASS_NAMES, class_label
from explainer.training.samples import example_paths
from explainer.ui.checked import CheckedSlider
from explainer.ui.common import HEAVY, Refresh, T, as_int, ui_errors

FASHION = "Fashion-MNIST ResNet-18"
IMAGENET = "ImageNet ResNet-18"
PREDICTED = "predicted"
DEFAULT_LAYER = "layer1"
INTRO = N_("## Inside ResNet-18\nWhat has a trained ResNet-18 learned, and why did it decide that? Pick an example, "
           "upload a photo or draw; see the prediction, the feature maps, what each residual block adds to its "
           "input, and attribution maps with a faithfulness score and a sanity check.")

# Forward hooks (ours and Captum's) live on the shared model's modules: two requests running at
# once would see each other's activations. One lock serialises the model work of this tab; on a
# 2-core machine a single request already uses both cores, so little is lost.
_LOCK = threading.Lock()
# A prediction or a feature-map grid is one forward pass (~20 ms alone): a queue of its own, so a
# student's upload is answered while other users' attributions and gradient sweeps (seconds each)
# wait in the shared heavy queue. One slot: the model work is serialised by _LOCK anyway.
QUICK: dict[str, object] = {"concurrency_id": "forward_pass", "concurrency_limit": 1}
_CACHE: dict[str, nn.Module] = {}


@dataclass
class Bundle:
    """A model and how to feed it."""

    name: str
    model: nn.Module
    class_names: tuple[str, ...]
    prepare: Callable[[Any, str], images.PreparedImage]
    baseline: float | Tensor
    settings: attribution_methods.AttributionSettings = attribution_methods.AttributionSettings()


def fashion_model() -> nn.Module:
    """The shipped model, loaded once; ``CheckpointError`` (a ValueError) while it is missing.

    Failures are not cached, so the tab starts working as soon as the checkpoint appears.
    """
    if "fashion" not in _CACHE:
        _CACHE["fashion"] = features.prepare_for_inference(load_model())
    return _CACHE["fashion"]


def _bundle(choice: str | None) -> Bundle:
    if choice in (None, "", FASHION):
        return Bundle(
            FASHION,
            fashion_model(),
            CLASS_NAMES,
            lambda src, inv: images.prepare_fashion(src, invert=inv or "auto"),
            attribution_methods.FASHION_BASELINE,
        )
    if choice == IMAGENET:
        model = imagenet.load_imagenet_model()  # ImageNetUnavailable (ValueError) says why
        # 224×224×3 images: smaller batches keep IG's memory near 1 GB; bigger occlusion windows.
        return Bundle(IMAGENET, model, imagenet.class_names(), lambda src, inv: imagenet.prepare_imagenet(src),
                      imagenet.IMAGENET_BASELINE,
                      attribution_methods.AttributionSettings(ig_internal_batch=10, occlusion_batch=16, occlusion_stride_fraction=1.0))
    raise ValueError(tr("Unknown model {name}.", name=repr(choice)))


def _pick(upload: Any, sketch: Any, source: str) -> Any:
    """The image the user means: the sketch if they drew last (and it is not blank), else the upload."""
    if (source == "sketch" or upload is None) and sketch is not None and not _blank_sketch(sketch):
        return sketch
    if upload is None:
        if sketch is not None:
            return sketch  # a blank sketch: prepare_fashion explains that it is empty
        raise ValueError(tr("No image yet: pick an example, upload a picture or draw on the sketchpad."))
    return upload


def _blank_sketch(sketch: Any) -> bool:
    try:
        images.load_image(sketch)
    except images.EmptySketch:
        return True
    except ValueError:
        return False
    return False


def _target(value: str | None, names: tuple[str, ...]) -> int | str:
    if value in (None, "", PREDICTED):
        return PREDICTED
    if value not in names:
        raise ValueError(tr("Unknown target class {name}.", name=repr(value)))
    return names.index(value)


def _layer_choices(model: nn.Module) -> list[str]:
    return features.feature_map_names(model)


def _gradcam_choices(model: nn.Module) -> list[tuple[str, str]]:
    return [(attribution_methods.gradcam_layer_label(n), n) for n in attribution_methods.gradcam_layers(model)]


def _feature_image(model: nn.Module, x: Tensor, layer: str, k: int, scale: str) -> np.ndarray:
    fmap = features.feature_maps(model, x, [layer])[layer]
    return features.feature_grid_image(fmap, layer, k=k, scale=scale)


def _predict_and_grid(model: nn.Module, x: Tensor, layer: str, k: int, scale: str) -> tuple[Tensor, np.ndarray]:
    probs, maps = features.predict_and_capture(model, x, [layer])  # one forward pass for both
    return probs, features.feature_grid_image(maps[layer], layer, k=k, scale=scale)


def _enlarge(image: np.ndarray) -> np.ndarray:
    """Nearest-neighbour ×3 for small inputs: the exact pixels the model sees, visible on a projector."""
    if image.shape[0] > 128:
        return image
    return np.repeat(np.repeat(image, 3, axis=0), 3, axis=1)


def _scores_markdown(rows: list[tuple[str, float]], random_auc: float, class_name: str) -> str:
    lines = [
        tr("**Deletion scores** for *{class_name}* (area under the probability curve; lower = more faithful). "
           "Random order: **{random_auc:.3f}**.", class_name=class_name, random_auc=random_auc),
        "",
        tr("| method | deletion AUC | vs random |"),
        "|---|---|---|",
    ]
    for method, auc in rows:
        verdict = tr("better than random") if auc < random_auc else tr("**not** better than random")
        lines.append(f"| {tr(method)} | {auc:.3f} | {verdict} |")
    return "\n".join(lines)


class CheckedImage(gr.Image):
    """``gr.Image`` whose upload-decoding failures read like ours.

    Gradio opens every uploaded image with Pillow before our handler runs; a non-image or a
    decompression bomb would fail there with a generic "could not preprocess" error. Here such a
    failure hands the handler the uploaded file as it is, and ``images.load_image`` (inside the
    handler, so in the user's language) says what is wrong with it. ``is_template`` makes the
    browser use the ordinary Image widget (Gradio's mechanism for component variants).
    """

    is_template = True

    def preprocess(self, payload: Any) -> Any:
        try:
            return super().preprocess(payload)
        except gr.Error:
            raise
        except Exception:  # noqa: BLE001 -- any decoding failure of an upload
            path = getattr(payload, "path", None)
            if path is None:
                raise
            return str(path)


class CheckedSketchpad(gr.Sketchpad):
    """``gr.Sketchpad`` that never lets Gradio decode a bad file, like ``CheckedImage``.

    Gradio's ImageEditor fully decodes every file of a sketch (background, layers, composite) before
    our handler runs, and fails on a non-image with its generic error. Here the files' headers are
    checked first (size, format, pixel count: no bomb is decoded), and on any failure the handler
    gets the offending file as the composite, so ``images.load_image`` says what is wrong with it.
    """

    def get_block_name(self) -> str:  # the browser's ImageEditor, as for gr.Sketchpad itself
        return "imageeditor"

    get_block_class = get_block_name

    def preprocess(self, payload: Any) -> Any:
        parts = [] if payload is None else [payload.composite, payload.background, *(payload.layers or [])]
        paths = [str(p.path) for p in parts if getattr(p, "path", None)]
        checking = None
        try:
            for checking in paths:
                images.check_image_file(checking)
            checking = paths[0] if paths else None
            return super().preprocess(payload)
        except gr.Error:
            raise
        except Exception:  # noqa: BLE001 -- any decoding failure of a sketch file
            if checking is None:
                raise
            return {"background": None, "layers": [], "composite": checking}


def _opacity(value: Any) -> float:
    """Overlay opacity in [0, 1], or ``ValueError`` (NaN and text included)."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        number = float("nan")
    if not 0.0 <= number <= 1.0:
        raise ValueError(tr("{name} must be between {lo} and {hi}, got {value}.", name=tr("Overlay opacity"), lo=0,
                            hi=1, value=repr(value)))
    return number


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
    b = _bundle(choice)
    prep = b.prepare(_pick(upload, sketch, source), invert)
    layer = layer if layer in _layer_choices(b.model) else DEFAULT_LAYER
    k = as_int(k, "Most active channels", lo=4, hi=32)
    with _LOCK:
        probs, grid = _predict_and_grid(b.model, prep.x, layer, k, scale)
    notes = " ".join(prep.notes) or tr("Preprocessed as the training images were.")
    info = tr("Input {width}×{height} → model input {shape}. {notes}", width=prep.source_size[0],
              height=prep.source_size[1], shape=tuple(prep.x.shape), notes=notes)
    shown = tuple(class_label(n) for n in b.class_names)  # in the user's language (the API keeps English)
    return _enlarge(prep.display), info, features.top_classes(probs, shown, k=5), grid


@ui_errors
def branch_figures(upload: Any, sketch: Any, source: str, choice: str, invert: str, channel: float) -> tuple:
    """Branch F(x), shortcut and sum of every block, and the ‖F(x)‖/‖x‖ chart."""
    if _nothing_to_show(upload, sketch, source):
        return None, None
    ch = as_int(-1 if channel is None else channel, "Channel (−1 = mean over channels)", lo=-1, hi=511)
    b = _bundle(choice)
    prep = b.prepare(_pick(upload, sketch, source), invert)
    with _LOCK:
        comps = branch_shortcut.compare_blocks(b.model, prep.x)
    ch = None if ch < 0 else ch
    return branch_shortcut.branch_shortcut_figure(comps, ch), branch_shortcut.norm_ratio_figure(comps)


@ui_errors
def update_feature_maps(upload: Any, sketch: Any, source: str, choice: str, invert: str, layer: str, k: float,
                        scale: str) -> np.ndarray:
    """Only the feature-map grid (layer, number of channels or colour scale changed)."""
    k = as_int(k, "Most active channels", lo=4, hi=32)
    b = _bundle(choice)
    prep = b.prepare(_pick(upload, sketch, source), invert)
    with _LOCK:
        return _feature_image(b.model, prep.x, layer or DEFAULT_LAYER, k, scale)


@ui_errors
def on_model_change(choice: str) -> tuple:
    """New model: new target classes and Grad-CAM layers."""
    b = _bundle(choice)
    targets = [PREDICTED, *b.class_names]
    layers = _gradcam_choices(b.model)
    return gr.update(choices=targets, value=PREDICTED), gr.update(choices=layers, value=layers[0][1])


@ui_errors
def run_attributions(upload: Any, sketch: Any, source: str, choice: str, invert: str, methods: list[str],
                     target: str, layer: str, opacity: float, sg_base: str,
                     progress: gr.Progress = gr.Progress()) -> tuple:
    """Maps of the chosen methods, their deletion curves next to random order, and a score table."""
    if not methods:
        raise ValueError(tr("Choose at least one attribution method."))
    opacity = _opacity(opacity)
    b = _bundle(choice)
    prep = b.prepare(_pick(upload, sketch, source), invert)
    settings = attribution_methods.with_settings(b.settings, gradcam_layer=layer or None, smoothgrad_base=sg_base or attribution_methods.SALIENCY)
    with _LOCK:
        t = attribution_methods.resolve_target(b.model, prep.x, _target(target, b.class_names))
        attrs = attribution_methods.attribute_many(b.model, prep.x, methods, target=t, settings=settings, baseline=b.baseline,
                                 progress=lambda f, d: progress(0.8 * f, desc=d))
        progress(0.85, desc=tr("deletion curves…"))
        curves = [deletion_metric.deletion_curve(b.model, prep.x, a.map, t, baseline=b.baseline, label=a.method) for a in attrs]
        rand = deletion_metric.random_deletion_curve(b.model, prep.x, t, baseline=b.baseline)
    class_name = class_label(b.class_names[t])
    scores = {c.label: c.auc for c in curves}
    state = {"display": prep.display, "attrs": attrs, "class_name": class_name, "scores": scores}
    return (
        attribution_overlays.attribution_figure(prep.display, attrs, opacity=opacity, class_name=class_name, scores=scores),
        deletion_metric.deletion_figure(curves, rand, class_name),
        _scores_markdown([(c.label, c.auc) for c in curves], rand.auc, class_name),
        state,
    )


@ui_errors
def restyle_overlays(state: dict | None, opacity: float) -> Any:
    """Opacity changed: redraw the overlays without recomputing the maps."""
    opacity = _opacity(opacity)
    if not state:
        return gr.skip()
    return attribution_overlays.attribution_figure(state["display"], state["attrs"], opacity=opacity,
                                class_name=state["class_name"], scores=state["scores"])


@ui_errors
def run_sanity(upload: Any, sketch: Any, source: str, choice: str, invert: str, methods: list[str], target: str,
               layer: str, progress: gr.Progress = gr.Progress()) -> tuple:
    """Adebayo et al.'s cascading randomization, with a progress bar."""
    if not methods:
        raise ValueError(tr("Choose at least one attribution method."))
    b = _bundle(choice)
    prep = b.prepare(_pick(upload, sketch, source), invert)
    with _LOCK:  # copy under the lock (a copy would inherit hooks of a running request)
        work = copy.deepcopy(b.model)
        t = attribution_methods.resolve_target(b.model, prep.x, _target(target, b.class_names))
    settings = attribution_methods.with_settings(sanity_check.SANITY_SETTINGS, gradcam_layer=layer or None)
    if b.name == IMAGENET:
        settings = attribution_methods.with_settings(settings, ig_internal_batch=10, occlusion_batch=16)
    result = sanity_check.cascading_randomization(work, prep.x, methods, target=t, settings=settings, baseline=b.baseline,
                                       progress=lambda f, d: progress(f, desc=d))
    header = tr("**Sanity check** (Adebayo et al. 2018) for *{class_name}*: weights re-initialised from fc down "
                "to the stem; ρ = Spearman rank correlation of |map| with the trained model's map.",
                class_name=class_label(b.class_names[t])) + "\n\n"
    return sanity_check.sanity_maps_figure(result), sanity_check.sanity_curve_figure(result), header + result.text


# --- public API (defaults for everything but the listed arguments) -----------------------------------


@ui_errors
def api_predict(image: Any) -> dict[str, float]:
    """/predict(image) → {class: probability} for the Fashion-MNIST model."""
    b = _bundle(FASHION)
    prep = b.prepare(image, "auto")
    with _LOCK:
        probs = features.predict(b.model, prep.x)
    return features.top_classes(probs, b.class_names)


@ui_errors
def api_feature_maps(image: Any, layer: str) -> np.ndarray:
    """/feature_maps(image, layer) → the grid of the 16 most active channels (shared scale)."""
    b = _bundle(FASHION)
    prep = b.prepare(image, "auto")
    with _LOCK:
        return _feature_image(b.model, prep.x, layer or DEFAULT_LAYER, 16, "shared")


@ui_errors
def api_attribute(image: Any, method: str) -> tuple[np.ndarray, dict[str, Any]]:
    """/attribute(image, method) → overlay (96, 96, 3) and its deletion score vs random order."""
    if method not in attribution_methods.METHODS:
        raise ValueError(tr("Unknown method {name}; choose one of {choices}.", name=repr(method),
                            choices=", ".join(attribution_methods.METHODS)))
    b = _bundle(FASHION)
    prep = b.prepare(image, "auto")
    with _LOCK:
        a = attribution_methods.attribute(b.model, prep.x, method, baseline=b.baseline)
        curve = deletion_metric.deletion_curve(b.model, prep.x, a.map, a.target, baseline=b.baseline)
        rand = deletion_metric.random_deletion_curve(b.model, prep.x, a.target, baseline=b.baseline)
    score = {
        "method": method,
        "target": b.class_names[a.target],
        "deletion_auc": round(curve.auc, 4),
        "random_auc": round(rand.auc, 4),
        "better_than_random": bool(curve.auc < rand.auc),
    }
    return attribution_overlays.overlay(prep.display, a.map, opacity=0.6, signed=a.signed), score


# --- layout ---------------------------------------------------------------------------------------


@ui_errors
def _limits_text() -> str:
    return f"<small>{images.limits_text()}</small>"


@ui_errors
def _translated_notes() -> tuple[str, Any]:
    """Server-made text shown from the start: the upload limits and why ImageNet is unavailable."""
    ok, reason = imagenet.imagenet_status()
    return _limits_text(), gr.update(info=None if ok else reason)



def build() -> list[Refresh]:
    """Lay out the tab inside the caller's ``gr.Tab``; never raises because a model is missing.

    Returns the server-rendered outputs to redraw when the page language changes.
    """
    try:
        model: nn.Module | None = fashion_model()
        missing = ""
    except CheckpointError as err:
        model, missing = None, str(err)
    ok_imagenet, imagenet_reason = imagenet.imagenet_status()

    gr.Markdown(T(INTRO))
    if missing:
        gr.Markdown(f"> ⚠️ **The trained Fashion-MNIST model is not available yet.** {missing}")

    # Layer lists from an untrained twin when the checkpoint is missing: same architecture, same names.
    from explainer.models.resnet import build_resnet, d2l_resnet18_spec

    shape_model = model if model is not None else build_resnet(d2l_resnet18_spec())
    layer_names = _layer_choices(shape_model)
    gc_choices = _gradcam_choices(shape_model)

    source = gr.State("upload")
    with gr.Row():
        with gr.Column(scale=1):
            model_choices = [(FASHION, FASHION), (IMAGENET if ok_imagenet else f"{IMAGENET} (unavailable)", IMAGENET)]
            model_radio = gr.Radio(model_choices, value=FASHION, label=T("Model"),
                                   info=None if ok_imagenet else imagenet_reason)
            with gr.Tab(T("Upload")):
                upload = CheckedImage(type="filepath", image_mode=None, label=T("Image"),
                                      sources=["upload", "clipboard"], height=260)
                limits = gr.Markdown(_limits_text())
            with gr.Tab(T("Draw")):
                sketch = CheckedSketchpad(type="numpy", label=T("Draw a piece of clothing"), canvas_size=(280, 280),
                                      height=300, brush=gr.Brush(default_size=12, colors=["#000000", "#ffffff"],
                                                                 default_color="#000000"))
            paths = [[str(p)] for p in example_paths()]
            if paths:
                gr.Examples(examples=paths, inputs=[upload], label=T("Examples from the Fashion-MNIST test split"))
            invert = gr.Radio(list(images.INVERT_MODES), value="auto", label=T("Invert (dark object on light background)"),
                              info=T("Fashion-MNIST shows light objects on black; 'auto' inverts when the border is "
                                     "light."))
        with gr.Column(scale=1):
            preprocessed = gr.Image(label=T("What the model sees (96×96, each pixel shown 3×3)"), height=300,
                                    interactive=False, format="png")
            prep_info = gr.Markdown()
            label = gr.Label(num_top_classes=5, label=T("Prediction"))

    gr.Markdown(T("### Feature maps"))
    with gr.Row():
        layer = gr.Dropdown(layer_names, value=DEFAULT_LAYER, label=T("Stage or block"),
                            info=T("stem, a stage (layerK), a block (layerK.i) or a part of a block"))
        k = CheckedSlider(4, 32, value=16, step=4, label=T("Most active channels"))
        scale = gr.Radio(["shared", "per-map"], value="shared", label=T("Colour scale"))
    fmap_image = gr.Image(label=T("Most active channels"), show_label=False, interactive=False, format="png")

    gr.Markdown(T("### Branch F(x) vs shortcut x\nEach residual block computes ReLU(F(x) + x). Small ‖F(x)‖/‖x‖: "
                  "the block stays close to the identity."))
    channel = CheckedSlider(-1, 511, value=-1, step=1, label=T("Channel (−1 = mean over channels)"))
    with gr.Row():
        branch_plot = gr.Plot(label=T("Branch, shortcut, sum"), show_label=False, format="png")
        ratio_plot = gr.Plot(label=T("‖F(x)‖ / ‖x‖ per block"), show_label=False, format="png")

    gr.Markdown(T("### Attributions\nWhich pixels made the model choose this class? Computed by Captum."))
    with gr.Row():
        methods = gr.CheckboxGroup(list(attribution_methods.METHODS), value=[attribution_methods.SALIENCY, attribution_methods.IG, attribution_methods.GRADCAM], label=T("Methods"))
        target = gr.Dropdown([PREDICTED, *CLASS_NAMES], value=PREDICTED, label=T("Target class"))
    with gr.Row():
        gc_layer = gr.Dropdown(gc_choices, value=gc_choices[0][1], label=T("Grad-CAM layer"))
        sg_base = gr.Radio(list(attribution_methods.SMOOTHGRAD_BASES), value=attribution_methods.SALIENCY, label=T("SmoothGrad over"))
        opacity = CheckedSlider(0.0, 1.0, value=0.6, step=0.05, label=T("Overlay opacity"))
    attr_button = gr.Button(T("Compute attributions"), variant="primary")
    attr_plot = gr.Plot(label=T("Attribution maps"), show_label=False, format="png")
    with gr.Row():
        deletion_plot = gr.Plot(label=T("Deletion curves"), show_label=False, format="png")
        scores_md = gr.Markdown()
    attr_state = gr.State(None)

    gr.Markdown(T("### Can we trust these maps? (sanity check)\nRandomise the weights from the top layer down "
                  "and watch whether each map changes. Takes a few seconds per method."))
    sanity_button = gr.Button(T("Run sanity check"))
    sanity_maps = gr.Plot(label=T("Maps as layers are randomised"), show_label=False, format="png")
    with gr.Row():
        sanity_curve = gr.Plot(label=T("Rank correlation with the trained map"), show_label=False, format="png")
        sanity_md = gr.Markdown()

    # --- wiring ---
    common = [upload, sketch, source, model_radio, invert]
    analyse_io = dict(fn=analyse, inputs=[*common, layer, k, scale],
                      outputs=[preprocessed, prep_info, label, fmap_image],
                      api_visibility="undocumented", trigger_mode="always_last", **QUICK)
    branch_io = dict(fn=branch_figures, inputs=[*common, channel], outputs=[branch_plot, ratio_plot],
                     api_visibility="undocumented", trigger_mode="always_last", **HEAVY)
    # The prediction shows first; the slower matplotlib figures follow.
    upload.change(lambda: "upload", None, source, api_visibility="private", queue=False).then(
        **analyse_io).success(**branch_io)
    sketch.change(lambda: "sketch", None, source, api_visibility="private", queue=False).then(
        **analyse_io).success(**branch_io)
    invert.change(**analyse_io).success(**branch_io)
    channel.release(**branch_io)
    model_radio.change(on_model_change, [model_radio], [target, gc_layer], api_visibility="undocumented").success(
        **analyse_io).success(**branch_io)
    for trigger in (layer.change, scale.change, k.release):
        trigger(update_feature_maps, [*common, layer, k, scale], [fmap_image], api_visibility="undocumented",
                trigger_mode="always_last", **QUICK)
    attr_button.click(run_attributions, [*common, methods, target, gc_layer, opacity, sg_base],
                      [attr_plot, deletion_plot, scores_md, attr_state], api_visibility="undocumented", **HEAVY)
    opacity.release(restyle_overlays, [attr_state, opacity], [attr_plot], api_visibility="undocumented")
    sanity_button.click(run_sanity, [*common, methods, target, gc_layer], [sanity_maps, sanity_curve, sanity_md],
                        api_visibility="undocumented", **HEAVY)

    # Public API: hidden triggers whose only inputs are the documented arguments; bad uploads get
    # images.py's messages (CheckedImage), the model's settings their defaults.
    with gr.Group(visible=False):
        api_image = CheckedImage(type="filepath", image_mode=None, label="image")
        api_layer = gr.Dropdown(layer_names, value=DEFAULT_LAYER, label="layer")
        api_method = gr.Dropdown(list(attribution_methods.METHODS), value=attribution_methods.SALIENCY, label="method")
        api_label = gr.Label(label="prediction")
        api_fmaps = gr.Image(label="feature maps", format="png")
        api_map = gr.Image(label="attribution overlay", format="png")
        api_score = gr.JSON(label="deletion score")
        b1, b2, b3 = gr.Button("predict"), gr.Button("feature maps"), gr.Button("attribute")
    b1.click(api_predict, [api_image], [api_label], api_name="predict", **QUICK)
    b2.click(api_feature_maps, [api_image, api_layer], [api_fmaps], api_name="feature_maps", **QUICK)
    b3.click(api_attribute, [api_image, api_method], [api_map, api_score], api_name="attribute", **HEAVY)
    return [Refresh(_translated_notes, [], [limits, model_radio])]
