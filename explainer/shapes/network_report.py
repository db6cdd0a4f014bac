"""Whole networks, traced: the per-layer table D2L prints, made complete and cached."""

from __future__ import annotations

import functools

import torch
from torch import fx, nn

from explainer.i18n import N_, tr
from explainer.models.presets import PRESETS, build_preset
from explainer.models.shape_probe import InputTooSmallError
from explainer.shapes.receptive_field import rf_sentence
from explainer.shapes.tracer import TraceResult, symbolic_trace, trace_model


@functools.lru_cache(maxsize=32)
def _graph(name: str, in_channels: int, height: int, width: int, num_classes: int) -> tuple[nn.Module, fx.GraphModule]:
    # Building and fx-tracing ResNet-152 takes longer than propagating shapes through it, and the
    # graph does not change with the input size for most presets, so keep recent ones around.
    with torch.device("meta"):  # parameters without storage: any size costs no memory
        model = build_preset(name, in_channels=in_channels, height=height, width=width, num_classes=num_classes)
    model.eval()  # what trace_model needs: it then traces this graph as it is, without a copy
    return model, symbolic_trace(model)


def _shape_key(name: str, height: int, width: int) -> tuple[int, int]:
    # Models built for one input size (LeNet, AlexNet, VGG: their first Linear) need their own graph.
    return (height, width) if PRESETS[name].build_needs_input_size else (0, 0)


def too_small_sentence(err: InputTooSmallError) -> str:
    """The model's "input too small" error as a sentence in the request's language."""
    if err.smallest is not None:
        return tr(
            "{name} needs inputs of at least {smallest}×{smallest} pixels; {height}×{width} is too small: "
            "a convolution or pooling window would no longer fit inside the shrinking feature map.",
            name=err.name, smallest=err.smallest, height=err.height, width=err.width,
        )
    return tr(
        "{name} needs larger inputs; {height}×{width} is too small: a convolution or pooling window "
        "would no longer fit inside the shrinking feature map.",
        name=err.name, height=err.height, width=err.width,
    )


@functools.lru_cache(maxsize=64)
def trace_preset(name: str, in_channels: int, height: int, width: int, num_classes: int) -> TraceResult:
    """Trace the named network on a (1, in_channels, height, width) input.

    Raises ``ValueError`` for unknown names, sizes that are not whole numbers ≥ 1, or inputs too
    small (the app's upper limits are checked by its handlers, ``explainer.ui.validation``).
    """
    if name not in PRESETS:
        raise ValueError(tr("Unknown network {name}. Choose one of: {choices}.", name=repr(name),
                            choices=", ".join(PRESETS)))
    kh, kw = _shape_key(name, height, width)
    try:
        model, gm = _graph(name, in_channels, kh or height, kw or width, num_classes)
    except InputTooSmallError as err:
        raise ValueError(too_small_sentence(err)) from err
    return trace_model(model, (in_channels, height, width), gm=gm, label=name)


#: What each preset family is called on the page (message ids, translated per request).
FAMILY_NAMES: dict[str, str] = {
    "torchvision": N_("torchvision ResNet"),
    "d2l_resnet": N_("D2L"),
    "preact_resnet": N_("pre-activation ResNet (He et al. 2016)"),
    "cifar_resnet": N_("CIFAR ResNet (He et al. §4.2)"),
    "cifar_preact": N_("CIFAR pre-activation ResNet (He et al. 2016)"),
    "cifar_plain": N_("plain twin (no shortcuts)"),
    "d2l_modern_cnns": N_("D2L modern CNNs"),
}


def network_summary(name: str, trace: TraceResult) -> str:
    """Markdown: what the network is, its totals, and any warning about its input size.

    Built at request time from the (cached, language-free) trace, so it is in the request's language.
    """
    preset = PRESETS[name]
    first = trace.rows[0]
    lines = [tr("**{name}** ({family}). {summary}", name=name, family=tr(FAMILY_NAMES[preset.family]),
                summary=trace.summary())]
    last_conv = next((r for r in reversed(trace.rows) if r.op.startswith("Conv2d")), None)
    lines.append(tr(
        "Spatial size shrinks by ×{factor} overall; the first layer's receptive field is "
        "{first_rf}, the last convolution's is {last_rf} pixels.",
        factor=max(trace.rows[-1].jump), first_rf=first.rf_text,
        last_rf=last_conv.rf_text if last_conv else "—",
    ))
    if last_conv is not None:
        reading = rf_sentence(last_conv.receptive_field, trace.input_shape[1:])
        if reading:
            lines.append(reading)
    lines += [f"⚠️ {w}" for w in trace.warnings]
    return "\n\n".join(lines)
