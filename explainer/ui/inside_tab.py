"""The "Inside ResNet-18" tab: prediction, feature maps, branch vs shortcut, attributions, sanity check.

Layout and wiring only: the handlers and the public API (``/predict``, ``/feature_maps``,
``/attribute``) are in ``explainer.ui.inside_handlers``, the models in ``explainer.ui.inside_models``.

The tab opens on the first shipped example with every section's default result (prediction, feature
maps, branch vs shortcut, attributions, sanity check): ``warm_up`` computes them once after the server
starts, and each page load is answered from the caches (``explainer.ui.inside_results``).
"""

from __future__ import annotations

import logging
from typing import Any

import gradio as gr
from torch import nn

from explainer.i18n import N_, tr
from explainer.inside import imagenet, images
from explainer.inside.attribution_methods import GRADCAM, IG, METHODS, OCCLUSION, SALIENCY, SMOOTHGRAD, SMOOTHGRAD_BASES
from explainer.training.checkpoint import CheckpointError
from explainer.training.fashion_mnist import CLASS_NAMES
from explainer.training.samples import example_paths
from explainer.ui import inside_models
from explainer.ui.boundary import Refresh, T, ui_errors
from explainer.ui.inside_handlers import (
    DEFAULT_LAYER,
    PREDICTED,
    PREDICTED_LABEL,
    SCALES,
    analyse,
    api_attribute,
    api_feature_maps,
    api_predict,
    branch_figures,
    gradcam_choices,
    layer_choices,
    on_model_change,
    restyle_overlays,
    run_attributions,
    run_sanity,
    target_choices,
    update_feature_maps,
)
from explainer.ui.inside_models import FASHION, IMAGENET, QUICK_WORK
from explainer.ui.queues import HEAVY, QUICK
from explainer.ui.widgets import (CheckedCheckboxGroup, CheckedDropdown, CheckedExamples, CheckedImage, CheckedRadio,
                                  CheckedSketchpad, CheckedSlider)

log = logging.getLogger(__name__)
INTRO = N_("## Inside ResNet-18\nWhat has a trained ResNet-18 learned, and why did it decide that? Pick an example, "
           "upload a photo or draw; see the prediction, the feature maps, what each residual block adds to its "
           "input, and attribution maps with a faithfulness score and a sanity check.")

DEFAULT_METHODS: list[str] = [SALIENCY, IG, GRADCAM]
# What the choices show (translated in the browser); the values stay the English API names. Each id differs
# from every choice value (see PREDICTED_LABEL in inside_handlers).
METHOD_LABELS: dict[str, str] = {
    SALIENCY: N_("Saliency map"), IG: N_("Integrated Gradients (IG)"), GRADCAM: N_("Grad-CAM (class activation map)"),
    OCCLUSION: N_("Occlusion (sliding patch)"), SMOOTHGRAD: N_("SmoothGrad (average over noisy copies)"),
}
INVERT_LABELS: dict[str, str] = {"auto": N_("automatic (when the border is light)"), "yes": N_("always invert"),
                                 "no": N_("never invert")}
SCALE_LABELS: dict[str, str] = {"shared": N_("one scale for all maps"), "per-map": N_("each map its own scale")}
MISSING_MODEL = N_("> ⚠️ **The trained Fashion-MNIST model is not available yet.** The other tabs work; this one "
                   "needs the shipped checkpoint (see *Reproduce* at the bottom of this tab).")
REPRODUCE = N_("Every number on this tab comes from the shipped model and the code in this repository:\n\n"
               "- train the Fashion-MNIST ResNet-18: `python -m explainer.training.trainer`\n"
               "- measure its test accuracy: `python -m explainer.training.evaluate`\n"
               "- regenerate the example images: `python -m explainer.training.samples`\n\n"
               "The optional ImageNet ResNet-18 appears here when torchvision's weights file "
               "`resnet18-f37072fd.pth` is in the server's torch hub cache; nothing is downloaded at run time.")


def _labelled(values: Any, labels: dict[str, str]) -> list[tuple[Any, str]]:
    """(label shown in the user's language, API value) pairs for a Radio/CheckboxGroup."""
    return [(T(labels[v]), v) for v in values]
DEFAULT_OPACITY = 0.6
DEFAULT_K = 16


def default_example() -> str | None:
    """The image the tab opens with: the first shipped example (None if there are none)."""
    paths = example_paths()
    return str(paths[0]) if paths else None


def _no_progress(*_args: Any, **_kwargs: Any) -> None:
    """Stands in for ``gr.Progress`` outside an event."""


def warm_up() -> None:
    """Compute the default example's results once (``page.warm_up`` calls this after the server starts).

    The same calls a page load makes with the widgets' default values, so loads are answered from the
    caches; the lesson's API steps (/predict, Grad-CAM and Integrated Gradients via /attribute) are
    computed for every shipped example.
    """
    path = default_example()
    if path is None:
        return
    # The attribution defaults are the deepest Grad-CAM layer: the first of the dropdown's choices.
    gc_layer = gradcam_choices(inside_models.fashion_model(QUICK_WORK))[0][1]
    common = (path, None, "upload", FASHION, "auto")
    analyse(*common, DEFAULT_LAYER, DEFAULT_K, "shared")
    branch_figures(*common, -1)
    run_attributions(*common, DEFAULT_METHODS, PREDICTED, gc_layer, DEFAULT_OPACITY, SALIENCY,
                     progress=_no_progress)
    run_sanity(*common, DEFAULT_METHODS, PREDICTED, gc_layer, progress=_no_progress)
    for example in example_paths():
        api_predict(str(example))
        for method in (GRADCAM, IG):
            api_attribute(str(example), method)


def _clear_dependents() -> tuple:
    """Empty attribution and sanity outputs (and the overlay state) for a new image or model."""
    return None, None, "", None, None, None, ""


@ui_errors
def _limits_text() -> str:
    return f"<small>{images.limits_text()}</small>"


@ui_errors
def _translated_notes(choice: str) -> tuple[Any, ...]:
    """Server-made text shown from the start, in the page's language: the upload limits, the labels of the
    Upload/Draw tabs (Gradio keeps the ones it translated first), and the target and Grad-CAM layer choices
    (labels made on the server; their values unchanged)."""
    labels = (gr.Tab(label=tr("Upload")), gr.Tab(label=tr("Draw")))
    try:
        b = inside_models.bundle(choice)
    except CheckpointError:  # the tab explains the missing model; keep the English labels built with it
        return _limits_text(), *labels, gr.skip(), gr.skip()
    return (_limits_text(), *labels, gr.update(choices=target_choices(b.class_names)),
            gr.update(choices=gradcam_choices(b.model)))


def build() -> list[Refresh]:
    """Lay out the tab inside the caller's ``gr.Tab``; never raises because a model is missing.

    Returns the server-rendered outputs to redraw when the page language changes.
    """
    try:
        model: nn.Module | None = inside_models.fashion_model()  # by module: tests replace it
        missing = ""
    except CheckpointError as err:
        model, missing = None, str(err)
        log.warning("Inside tab without its model: %s", missing)  # the path is for the server's log only
    ok_imagenet = imagenet.imagenet_status()[0]

    gr.Markdown(T(INTRO))
    if missing:
        gr.Markdown(T(MISSING_MODEL))

    # Layer lists from an untrained twin when the checkpoint is missing: same architecture, same names.
    from explainer.models.resnet import build_resnet, d2l_resnet18_spec

    shape_model = model if model is not None else build_resnet(d2l_resnet18_spec())
    layer_names = layer_choices(shape_model)
    gc_choices = gradcam_choices(shape_model)

    source = gr.State("upload")
    with gr.Row():
        with gr.Column(scale=1):
            # The ImageNet model is offered only when its weights are installed (issue 13 item 10): with one
            # model there is nothing to choose, so the radio is hidden (its value still feeds the handlers).
            models = [FASHION, IMAGENET] if ok_imagenet else [FASHION]
            model_radio = CheckedRadio([(m, m) for m in models], value=FASHION, label=T("Model"), visible=ok_imagenet)
            with gr.Tab(T("Upload")) as upload_tab:
                # Opens on the first example (no change event fires for an initial value): the sections
                # below show its results from the first page load on (``Refresh(..., every_load=True)``).
                upload = CheckedImage(value=default_example(), type="filepath", image_mode=None, label=T("Image"),
                                      sources=["upload", "clipboard"], height=260)
                limits = gr.Markdown(_limits_text())
            with gr.Tab(T("Draw")) as draw_tab:
                sketch = CheckedSketchpad(type="numpy", label=T("Draw a piece of clothing"), canvas_size=(280, 280),
                                      height=300, brush=gr.Brush(default_size=12, colors=["#000000", "#ffffff"],
                                                                 default_color="#000000"))
            paths = [[str(p)] for p in example_paths()]
            if paths:
                CheckedExamples(examples=paths, inputs=[upload], label=T("Examples from the Fashion-MNIST test split"))
            invert = CheckedRadio(_labelled(images.INVERT_MODES, INVERT_LABELS), value="auto",
                              label=T("Invert (dark object on light background)"),
                              info=T("Fashion-MNIST shows light objects on black; 'auto' inverts when the border is "
                                     "light."))
        with gr.Column(scale=1):
            preprocessed = gr.Image(label=T("What the model sees (96×96, each pixel shown 3×3)"), height=300,
                                    interactive=False, format="png")
            prep_info = gr.Markdown()
            label = gr.Label(num_top_classes=5, label=T("Prediction"))

    gr.Markdown(T("### Feature maps"))
    with gr.Row():
        layer = CheckedDropdown(layer_names, value=DEFAULT_LAYER, label=T("Stage or block"),
                            info=T("stem, a stage (layerK), a block (layerK.i) or a part of a block"))
        k = CheckedSlider(4, 32, value=DEFAULT_K, step=4, label=T("Most active channels"))
        scale = CheckedRadio(_labelled(SCALES, SCALE_LABELS), value="shared", label=T("Colour scale"))
    fmap_image = gr.Image(label=T("Most active channels"), show_label=False, interactive=False, format="png")

    gr.Markdown(T("### Branch F(x) vs shortcut x\nEach residual block computes ReLU(F(x) + x). Small ‖F(x)‖/‖x‖: "
                  "the block stays close to the identity."))
    channel = CheckedSlider(-1, 511, value=-1, step=1, label=T("Channel (−1 = mean over channels)"))
    with gr.Row():
        branch_plot = gr.Plot(label=T("Branch, shortcut, sum"), show_label=False, format="png")
        ratio_plot = gr.Plot(label=T("‖F(x)‖ / ‖x‖ per block"), show_label=False, format="png")
    ratio_md = gr.Markdown()

    gr.Markdown(T("### Attributions\nWhich pixels made the model choose this class? Computed by Captum."))
    with gr.Row():
        methods = CheckedCheckboxGroup(_labelled(METHODS, METHOD_LABELS), value=DEFAULT_METHODS, label=T("Methods"))
        target = CheckedDropdown([(T(PREDICTED_LABEL), PREDICTED), *((n, n) for n in CLASS_NAMES)], value=PREDICTED,
                                 label=T("Target class"))
    with gr.Row():
        gc_layer = CheckedDropdown(gc_choices, value=gc_choices[0][1], label=T("Grad-CAM layer"))
        sg_base = CheckedRadio(_labelled(SMOOTHGRAD_BASES, METHOD_LABELS), value=SALIENCY, label=T("SmoothGrad over"))
        opacity = CheckedSlider(0.0, 1.0, value=DEFAULT_OPACITY, step=0.05, label=T("Overlay opacity"))
    attr_button = gr.Button(T("Compute attributions"), variant="primary")
    attr_plot = gr.Plot(label=T("Attribution maps"), show_label=False, format="png")
    with gr.Row():
        deletion_plot = gr.Plot(label=T("Deletion and insertion curves"), show_label=False, format="png")
        scores_md = gr.Markdown()
    attr_state = gr.State(None)

    gr.Markdown(T("### Can we trust these maps? (sanity check)\nRandomise the weights from the top layer down "
                  "and watch whether each map changes. Takes a few seconds per method."))
    sanity_button = gr.Button(T("Run sanity check"))
    sanity_maps = gr.Plot(label=T("Maps as layers are randomised"), show_label=False, format="png")
    with gr.Row():
        sanity_curve = gr.Plot(label=T("Rank correlation with the trained map"), show_label=False, format="png")
        sanity_md = gr.Markdown()
    with gr.Accordion(T("Reproduce"), open=False):
        gr.Markdown(T(REPRODUCE))

    # --- wiring ---
    common = [upload, sketch, source, model_radio, invert]
    analyse_io = dict(fn=analyse, inputs=[*common, layer, k, scale],
                      outputs=[preprocessed, prep_info, label, fmap_image],
                      api_visibility="undocumented", trigger_mode="always_last", **QUICK)
    branch_io = dict(fn=branch_figures, inputs=[*common, channel], outputs=[branch_plot, ratio_plot, ratio_md],
                     api_visibility="undocumented", trigger_mode="always_last", **HEAVY)
    # The prediction shows first; the slower matplotlib figures follow.
    upload.change(lambda: "upload", None, source, api_visibility="private", queue=False).then(
        **analyse_io).success(**branch_io)
    sketch.change(lambda: "sketch", None, source, api_visibility="private", queue=False).then(
        **analyse_io).success(**branch_io)
    invert.change(**analyse_io).success(**branch_io)
    channel.release(**branch_io)
    # Attributions and the sanity check belong to one image and model: cleared when either changes (they
    # are recomputed on request), so a map is never shown next to another image's prediction.
    gr.on([upload.change, sketch.change, invert.change, model_radio.change], _clear_dependents, None,
          [attr_plot, deletion_plot, scores_md, attr_state, sanity_maps, sanity_curve, sanity_md],
          api_visibility="private", queue=False)
    model_radio.change(on_model_change, [model_radio], [target, gc_layer], api_visibility="undocumented").success(
        **analyse_io).success(**branch_io)
    for trigger in (layer.change, scale.change, k.release):
        trigger(update_feature_maps, [*common, layer, k, scale], [fmap_image], api_visibility="undocumented",
                trigger_mode="always_last", **QUICK)
    attr_io = dict(fn=run_attributions, inputs=[*common, methods, target, gc_layer, opacity, sg_base],
                   outputs=[attr_plot, deletion_plot, scores_md, attr_state])
    attr_button.click(**attr_io, api_visibility="undocumented", **HEAVY)
    opacity.release(restyle_overlays, [attr_state, opacity], [attr_plot], api_visibility="undocumented")
    sanity_io = dict(fn=run_sanity, inputs=[*common, methods, target, gc_layer],
                     outputs=[sanity_maps, sanity_curve, sanity_md])
    sanity_button.click(**sanity_io, api_visibility="undocumented", **HEAVY)

    # Public API: hidden triggers whose only inputs are the documented arguments; bad uploads get
    # images.py's messages (CheckedImage), the model's settings their defaults.
    with gr.Group(visible=False):
        api_image = CheckedImage(type="filepath", image_mode=None, label="image")
        api_layer = CheckedDropdown(layer_names, value=DEFAULT_LAYER, label="layer")
        api_method = CheckedDropdown(list(METHODS), value=SALIENCY, label="method")
        api_label = gr.Label(label="prediction")
        api_fmaps = gr.Image(label="feature maps", format="png")
        api_map = gr.Image(label="attribution overlay", format="png")
        api_score = gr.JSON(label="faithfulness scores")
        b1, b2, b3 = gr.Button("predict"), gr.Button("feature maps"), gr.Button("attribute")
    b1.click(api_predict, [api_image], [api_label], api_name="predict", **QUICK)
    b2.click(api_feature_maps, [api_image, api_layer], [api_fmaps], api_name="feature_maps", **QUICK)
    b3.click(api_attribute, [api_image, api_method], [api_map, api_score], api_name="attribute", **HEAVY)
    # Every section shows its result on page load (the default example's, from the caches once warmed
    # up), and is redrawn in the new language after a switch.
    sections = [Refresh(d["fn"], d["inputs"], d["outputs"], every_load=True)
                for d in (analyse_io, branch_io, attr_io, sanity_io)]
    notes = Refresh(_translated_notes, [model_radio], [limits, upload_tab, draw_tab, target, gc_layer], every_load=True)
    return [notes, *sections]
