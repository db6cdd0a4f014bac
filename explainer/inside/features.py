"""Look inside a trained ResNet: predictions, feature maps and their grids.

Everything is read with forward hooks on the model's own modules (no copy of the forward pass):

* ``"stem"`` -- conv1 → bn1 → relu → maxpool (D2L's b1); ``"layerK"`` -- a stage's output;
* ``"layerK.i"`` -- a residual block's output, i.e. relu(F(x) + shortcut);
* ``"layerK.i: branch F(x)"`` -- the output of the branch's last BN, *before* the add;
* ``"layerK.i: shortcut"`` -- what is added: x itself, or its 1×1 projection (``downsample``);
* ``"layerK.i: sum (before ReLU)"`` -- F(x) + shortcut, the input of the block's final ReLU.

Each block's branch vs shortcut side by side: ``explainer.inside.branch_shortcut``. Figures are
``matplotlib.figure.Figure`` objects built without pyplot (thread safety in the app).
"""

from __future__ import annotations

import contextlib
import functools
import math
from typing import Any, Literal, Sequence

import numpy as np
import torch
import torch.nn.functional as F
from matplotlib import colormaps, font_manager
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from PIL import Image, ImageDraw, ImageFont
from torch import Tensor, nn

from explainer.i18n import CHINESE, ENGLISH, N_, current_language, tr, use_language
from explainer.models.blocks import block_parts
from explainer.models.resnet import residual_blocks
from explainer.training.fashion_mnist import CLASS_NAMES

# Parts of a block: fixed English ids inside layer names (dropdown values, API); ``layer_label``
# shows them in the user's language.
BRANCH = N_("branch F(x)")
SHORTCUT = N_("shortcut")
SUM = N_("sum (before ReLU)")
BLOCK_PARTS: tuple[str, ...] = (BRANCH, SHORTCUT, SUM)
SEP = ": "
Scale = Literal["shared", "per-map"]


def _check_input(model: nn.Module, x: Tensor) -> None:
    if not isinstance(x, Tensor) or x.dim() != 4 or x.shape[0] != 1:
        raise ValueError(f"Expected one image as a (1, C, H, W) tensor, got {getattr(x, 'shape', type(x))}.")
    conv1 = getattr(model, "conv1", None)
    if isinstance(conv1, nn.Conv2d) and x.shape[1] != conv1.in_channels:
        raise ValueError(f"This model takes {conv1.in_channels}-channel images, got {x.shape[1]} channels.")


def prepare_for_inference(model: nn.Module) -> nn.Module:
    """Eval mode and channels-last weights (in place): oneDNN's NHWC convolutions are ~15–20 % faster
    on this CPU (measured with benchmarks/bench_inside.py); inputs may stay NCHW. Returns the model."""
    return model.eval().to(memory_format=torch.channels_last)


@torch.no_grad()
def predict(model: nn.Module, x: Tensor) -> Tensor:
    """Class probabilities (num_classes,) for one normalized image x (1, C, H, W)."""
    _check_input(model, x)
    return torch.softmax(model(x).float(), dim=1)[0]


def top_classes(probs: Tensor, names: Sequence[str] = CLASS_NAMES, k: int | None = None) -> dict[str, float]:
    """{class name: probability} for the k most likely classes (all if k is None), best first."""
    if probs.dim() != 1 or probs.numel() != len(names):
        raise ValueError(f"Expected {len(names)} probabilities, got shape {tuple(probs.shape)}.")
    order = torch.argsort(probs, descending=True)[: k or len(names)]
    return {names[i]: float(probs[i]) for i in order.tolist()}


#: A target class the model gives less than this probability: its maps explain evidence for a class the
#: model does not see in the image (this app's convention; 5 % is half of chance level on 10 classes).
LOW_TARGET_PROBABILITY = 0.05


def low_target_warning(probability: float, class_name: str) -> str:
    """A warning when the model gives the target class less than ``LOW_TARGET_PROBABILITY``, else ""."""
    if probability >= LOW_TARGET_PROBABILITY:
        return ""
    return tr("⚠️ The model gives *{class_name}* only {p:.1%} (below {limit:.0%}): these maps explain evidence "
              "for a class the model does not see in this image. Read them as what would push it towards "
              "*{class_name}*, not as why it decided.", class_name=class_name, p=probability,
              limit=LOW_TARGET_PROBABILITY)


# --- feature maps ---------------------------------------------------------------------------------


def feature_map_names(model: nn.Module) -> list[str]:
    """Every place a feature map can be read, in forward order: stem, layer1, layer1.0, layer1.0: branch F(x), …"""
    names = ["stem"]
    blocks = dict(residual_blocks(model))
    for stage in getattr(model, "stage_names", []):
        names.append(stage)
        for name in blocks:
            if name.startswith(stage + "."):
                names.append(name)
                names.extend(name + SEP + part for part in BLOCK_PARTS)
    return names


def layer_label(name: str) -> str:
    """A feature-map name for display: "layer1.0: branch F(x)" with the block part in the current language."""
    base, sep, part = name.partition(SEP)
    return base + sep + tr(part) if part else name


def block_names(model: nn.Module) -> list[str]:
    """Names of the residual blocks ("layer1.0" … "layer4.1")."""
    return [name for name, _ in residual_blocks(model)]


def feature_maps(model: nn.Module, x: Tensor, names: Sequence[str]) -> dict[str, Tensor]:
    """Run one forward pass and return {name: activation (C, H, W)} for each requested name.

    x: (1, C, H, W) normalized. Names as in ``feature_map_names``; unknown names raise ``ValueError``.
    """
    return predict_and_capture(model, x, names)[1]


def predict_and_capture(model: nn.Module, x: Tensor, names: Sequence[str]) -> tuple[Tensor, dict[str, Tensor]]:
    """Probabilities (num_classes,) and {name: activation (C, H, W)} from a single forward pass.

    The app needs both for every new image; one pass instead of two halves the latency.
    """
    _check_input(model, x)
    valid = set(feature_map_names(model))
    unknown = [n for n in names if n not in valid]
    if unknown:
        raise ValueError(tr("Unknown layer {name!r}; choose one of: {choices}, …", name=unknown[0],
                            choices=", ".join(sorted(valid)[:8])))
    modules = dict(model.named_modules())
    out: dict[str, Tensor] = {}
    handles = []

    def keep(name: str, *, use_input: bool = False):
        def hook(module: nn.Module, args: tuple[Tensor, ...], output: Tensor | None = None) -> None:
            value = args[0] if use_input else output
            out[name] = value[0].detach().clone()  # clone: later in-place ops must not change it

        return hook

    try:
        for name in names:
            base, _, part = name.partition(SEP)
            if name == "stem":
                last = model.maxpool if getattr(model, "maxpool", None) is not None else model.relu
                handles.append(last.register_forward_hook(keep(name)))
            elif not part:
                handles.append(modules[base].register_forward_hook(keep(name)))
            else:
                block = modules[base]
                last_bn, downsample, final_relu = block_parts(block)
                if part == BRANCH:
                    handles.append(last_bn.register_forward_hook(keep(name)))
                elif part == SUM:
                    handles.append(final_relu.register_forward_pre_hook(keep(name, use_input=True)))
                elif downsample is not None:
                    handles.append(downsample.register_forward_hook(keep(name)))
                else:  # identity shortcut: what is added is the block's input itself
                    handles.append(block.register_forward_pre_hook(keep(name, use_input=True)))
        with torch.no_grad():
            logits = model(x)
    finally:
        for h in handles:
            h.remove()
    return torch.softmax(logits.float(), dim=1)[0], out


def most_active_channels(fmap: Tensor, k: int) -> list[int]:
    """Indices of the k channels with the largest mean |activation| in fmap (C, H, W), most active first."""
    strength = fmap.abs().mean(dim=(1, 2))
    return torch.argsort(strength, descending=True)[: max(1, min(k, fmap.shape[0]))].tolist()


def feature_grid_figure(fmap: Tensor, title: str, *, k: int = 16, scale: Scale = "shared") -> Figure:
    """Grid of the k most active channels of fmap (C, H, W), each titled with its channel index.

    ``scale="shared"``: one colour scale for all panels (compare channels); ``"per-map"``: each panel
    stretched to its own range (see the pattern of weak channels). Signed maps (branch, sum) use a
    diverging colormap centred on 0; non-negative ones (after ReLU) a sequential one.
    """
    if scale not in ("shared", "per-map"):
        raise ValueError(tr("scale must be 'shared' or 'per-map', got {scale!r}.", scale=scale))
    if fmap.dim() != 3:
        raise ValueError(f"Expected a (C, H, W) feature map, got shape {tuple(fmap.shape)}.")
    channels = most_active_channels(fmap, k)
    maps = fmap[channels].float().numpy()
    signed = bool((fmap < 0).any())
    cols = min(8, len(channels))
    rows = math.ceil(len(channels) / cols)
    fig = Figure(figsize=(1.6 * cols + 0.8, 1.7 * rows + 0.7), dpi=100, layout="constrained")
    axes = fig.subplots(rows, cols, squeeze=False)
    cmap = "RdBu_r" if signed else "viridis"
    lim = float(np.abs(maps).max()) or 1.0
    image = None
    for ax, c, m in zip(axes.ravel(), channels, maps):
        if scale == "shared":
            vmin, vmax = (-lim, lim) if signed else (0.0, lim)
        else:
            own = float(np.abs(m).max()) or 1.0
            vmin, vmax = (-own, own) if signed else (float(m.min()), float(m.max()) or 1.0)
        image = ax.imshow(m, cmap=cmap, vmin=vmin, vmax=vmax, interpolation="nearest")
        ax.set_title(tr("ch {c}", c=c), fontsize=9)
    for ax in axes.ravel():
        ax.set_xticks([])
        ax.set_yticks([])
        if not ax.images:
            ax.set_axis_off()
    if scale == "shared" and image is not None:
        fig.colorbar(image, ax=axes, shrink=0.8, label=tr("activation"))
    c, h, w = fmap.shape
    template = (N_("{title} — {n} most active of {c} channels, {h}×{w} (shared scale)") if scale == "shared"
                else N_("{title} — {n} most active of {c} channels, {h}×{w} (per-map scale)"))
    fig.suptitle(tr(template, title=layer_label(title), n=len(channels), c=c, h=h, w=w), fontsize=10)
    return fig


def feature_grid_image(fmap: Tensor, title: str, *, k: int = 16, scale: Scale = "shared", tile: int = 96) -> np.ndarray:
    """The same grid as ``feature_grid_figure`` as a uint8 RGB image (H, W, 3), ~50× faster to draw.

    Built directly from numpy tiles (nearest-neighbour upscaled to ``tile`` px, so each activation
    stays a visible square) with the channel index above each tile and the value range below --
    what the app and the ``/feature_maps`` API return.
    """
    if scale not in ("shared", "per-map"):
        raise ValueError(tr("scale must be 'shared' or 'per-map', got {scale!r}.", scale=scale))
    if fmap.dim() != 3:
        raise ValueError(f"Expected a (C, H, W) feature map, got shape {tuple(fmap.shape)}.")
    font = _label_font()
    # Without a CJK font Chinese labels would be boxes: keep English then.
    language = contextlib.nullcontext() if font is not None or current_language() != CHINESE else use_language(ENGLISH)
    with language:
        return _grid_image(fmap, title, k, scale, tile, font or ImageFont.load_default())


@functools.cache
def _cjk_font_file() -> str | None:
    """The CJK font matplotlib uses as fallback (registered by ``explainer.i18n``), if any."""
    from matplotlib import rcParams

    families = set(rcParams["font.family"])
    for f in font_manager.fontManager.ttflist:
        if f.name in families and ("Hei" in f.name or "CJK" in f.name or "Han" in f.name):
            return f.fname
    return None


@functools.cache
def _cjk_font(size: int) -> ImageFont.FreeTypeFont | None:
    path = _cjk_font_file()
    try:
        return ImageFont.truetype(path, size) if path else None
    except OSError:
        return None


def _label_font() -> ImageFont.FreeTypeFont | None:
    """Pillow's default font for English; a CJK font for Chinese (None if none is installed)."""
    return _cjk_font(12) if current_language() == CHINESE else ImageFont.load_default()


def _grid_image(fmap: Tensor, title: str, k: int, scale: Scale, tile: int, font: Any) -> np.ndarray:
    channels = most_active_channels(fmap, k)
    maps = fmap[channels].float()
    signed = bool((fmap < 0).any())
    cmap = colormaps["RdBu_r" if signed else "viridis"]
    cols = min(8, len(channels))
    rows = math.ceil(len(channels) / cols)
    label_h, gap, head = 16, 6, 24
    cell_w, cell_h = tile + gap, tile + label_h + gap
    canvas = Image.new("RGB", (cols * cell_w + gap, head + rows * cell_h + 22), "white")
    draw = ImageDraw.Draw(canvas)
    lim = float(maps.abs().max()) or 1.0
    for i, (c, m) in enumerate(zip(channels, maps)):
        if scale == "shared":
            lo, hi = (-lim, lim) if signed else (0.0, lim)
        else:
            own = float(m.abs().max()) or 1.0
            lo, hi = (-own, own) if signed else (float(m.min()), float(m.max()))
        unit = ((m - lo) / ((hi - lo) or 1.0)).clamp_(0, 1)
        unit = F.interpolate(unit[None, None], size=(tile, tile), mode="nearest")[0, 0].numpy()
        rgb = (cmap(unit)[..., :3] * 255).astype(np.uint8)
        x0, y0 = gap + (i % cols) * cell_w, head + (i // cols) * cell_h
        draw.text((x0, y0), tr("ch {c}", c=c), fill="black", font=font)
        canvas.paste(Image.fromarray(rgb), (x0, y0 + label_h))
    c_, h, w = fmap.shape
    draw.text((gap, 4), tr("{title}: {n} most active of {c} channels, {h}x{w}", title=layer_label(title),
                           n=len(channels), c=c_, h=h, w=w), fill="black", font=font)
    if scale == "shared":
        lo, hi = (-lim, lim) if signed else (0.0, lim)
        legend = tr(N_("shared colour scale: {lo:.3g} to {hi:.3g} (blue < 0 < red)") if signed
                    else N_("shared colour scale: {lo:.3g} to {hi:.3g} (dark = low, bright = high)"), lo=lo, hi=hi)
    else:
        legend = tr("per-map colour scale: each tile stretched to its own range")
    draw.text((gap, canvas.height - 18), legend, fill="black", font=font)
    return np.asarray(canvas).copy()


def figure_to_array(fig: Figure) -> np.ndarray:
    """Render a Figure to a uint8 RGB array (H, W, 3) -- for ``gr.Image``/``gr.Gallery`` outputs."""
    canvas = FigureCanvasAgg(fig)
    canvas.draw()
    return np.asarray(canvas.buffer_rgba())[..., :3].copy()
