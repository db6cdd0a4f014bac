"""Whole networks, traced: the per-layer table D2L prints, made complete and cached."""

from __future__ import annotations

import functools

import torch
from torch import fx, nn

from explainer.i18n import tr
from explainer.models.presets import PRESETS, build_preset, check_input_args
from explainer.shapes.tracer import TraceResult, format_count, symbolic_trace, trace_model


@functools.lru_cache(maxsize=32)
def _graph(name: str, in_channels: int, height: int, width: int, num_classes: int) -> tuple[nn.Module, fx.GraphModule]:
    # Building and fx-tracing ResNet-152 takes longer than propagating shapes through it, and the
    # graph does not change with the input size for most presets, so keep recent ones around.
    with torch.device("meta"):  # parameters without storage: any size costs no memory
        model = build_preset(name, in_channels=in_channels, height=height, width=width, num_classes=num_classes)
    return model, symbolic_trace(model)


def _shape_key(name: str, height: int, width: int) -> tuple[int, int]:
    # Models whose Linear size depends on the input (AlexNet, VGG, LeNet) need their own graph.
    return (height, width) if PRESETS[name].family == "D2L modern CNNs" else (0, 0)


@functools.lru_cache(maxsize=64)
def trace_preset(name: str, in_channels: int, height: int, width: int, num_classes: int) -> TraceResult:
    """Trace the named network on a (1, in_channels, height, width) input.

    Raises ``ValueError`` for unknown names, sizes outside the limits, or inputs too small.
    """
    if name not in PRESETS:
        raise ValueError(tr("Unknown network {name!r}. Choose one of: {choices}.", name=name, choices=", ".join(PRESETS)))
    check_input_args(in_channels, height, width, num_classes)
    kh, kw = _shape_key(name, height, width)
    model, gm = _graph(name, in_channels, kh or height, kw or width, num_classes)
    return trace_model(model, (in_channels, height, width), gm=gm, label=name)


def network_summary(name: str, trace: TraceResult) -> str:
    """Markdown: what the network is, its totals, and any warning about its input size.

    Built at request time from the (cached, language-free) trace, so it is in the request's language.
    """
    preset = PRESETS[name]
    first = trace.rows[0]
    lines = [tr("**{name}** ({family}). {summary}", name=name, family=tr(preset.family), summary=trace.summary())]
    lines.append(tr(
        "Spatial size shrinks by ×{factor} overall; the first layer's receptive field is "
        "{first_rf}, the last convolution's is {last_rf} pixels.",
        factor=max(trace.rows[-1].jump), first_rf=first.rf_text,
        last_rf=next((r.rf_text for r in reversed(trace.rows) if r.op.startswith("Conv2d")), "—"),
    ))
    lines += [f"⚠️ {w}" for w in trace.warnings]
    return "\n\n".join(lines)


__all__ = ["trace_preset", "network_summary", "format_count"]
