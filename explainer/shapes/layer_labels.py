"""How layers, blocks and shapes are labelled for people: "Conv2d 3×3, stride 2", "64×56×56", "1.23 M".

Descriptions are made in English and kept so (code tests them, e.g. ``op.startswith("Conv2d")``, and
traces are cached across languages); ``op_text`` translates the words of one at display time.
"""

from __future__ import annotations

import re
from typing import Any

from torch import nn

from explainer.i18n import ENGLISH, N_, current_language, tr
from explainer.models.blocks import ZeroPadShortcut

# Names shown to users (diagram title, error sentences), translated where they are used.
# Also the display labels of the configurator's radios (``(label, value)`` choices: values stay English).
# No label may equal a value: the browser translates every string equal to a message id.
BLOCK_NAMES = {"basic": N_("basic block"), "bottleneck": N_("bottleneck block"),
               "pre-activation basic": N_("pre-activation basic block"),
               "pre-activation bottleneck": N_("pre-activation bottleneck block"), "ResNeXt": N_("ResNeXt block")}
SHORTCUT_NAMES = {"identity": N_("identity shortcut"), "projection": N_("projection shortcut (1×1 conv)"),
                  "zero-pad": N_("zero-padding shortcut (option A)"), "none": N_("no shortcut (plain twin)")}


def format_shape(shape: tuple[int, ...]) -> str:
    """(64, 56, 56) → '64×56×56' (the batch dimension is never part of it)."""
    return "×".join(str(d) for d in shape)


def format_count(n: int) -> str:
    """1234567 → '1.23 M'."""
    for unit, scale in (("G", 1e9), ("M", 1e6), ("k", 1e3)):
        if n >= scale:
            return f"{n / scale:.2f} {unit}"
    return str(n)


def op_text(op: str) -> str:
    """A ``LayerRow.op`` description in the request's language.

    Rows keep the English description (code tests it, e.g. ``op.startswith("Conv2d")``, and traces
    are cached across languages); only the words are translated here, module names stay.
    """
    if current_language() == ENGLISH:
        return op
    if op == "add: F(x) + shortcut":
        return tr("add: F(x) + shortcut")
    if op == "stage":
        return tr("stage")
    m = re.fullmatch(r"BatchNorm2d \((\d+) ch\)", op)
    if m:
        return tr("BatchNorm2d ({channels} ch)", channels=m[1])
    head, *rest = op.split(", ")
    pieces = [head]
    for piece in rest:
        if m := re.fullmatch(r"stride (.+)", piece):
            pieces.append(tr("stride {stride}", stride=m[1]))
        elif m := re.fullmatch(r"(\d+)→(\d+) ch", piece):
            pieces.append(tr("{cin}→{cout} ch", cin=m[1], cout=m[2]))
        elif m := re.fullmatch(r"groups (\d+)", piece):
            pieces.append(tr("groups {groups}", groups=m[1]))
        else:
            pieces.append(piece)
    return ", ".join(pieces)


def pair(v: Any) -> tuple[int, int]:
    return (v, v) if isinstance(v, int) else (int(v[0]), int(v[1]))


def describe_module(m: nn.Module) -> str:
    """Short human description of a leaf module, e.g. 'Conv2d 3×3, stride 2'."""
    name = type(m).__name__
    if isinstance(m, (nn.Conv2d, nn.MaxPool2d, nn.AvgPool2d)):
        kh, kw = pair(m.kernel_size)
        sh, sw = pair(m.stride)
        text = f"{name} {kh}×{kw}"
        if (sh, sw) != (1, 1):
            text += f", stride {sh if sh == sw else f'{sh}×{sw}'}"
        if isinstance(m, nn.Conv2d):
            text += f", {m.in_channels}→{m.out_channels} ch"
            if m.groups != 1:
                text += f", groups {m.groups}"
        return text
    if isinstance(m, nn.Linear):
        return f"Linear {m.in_features}→{m.out_features}"
    if isinstance(m, nn.BatchNorm2d):
        return f"BatchNorm2d ({m.num_features} ch)"
    if isinstance(m, (nn.AdaptiveAvgPool2d, nn.AdaptiveMaxPool2d)):
        return f"{name} → {m.output_size}"
    if isinstance(m, nn.Dropout):
        return f"Dropout p={m.p}"
    if isinstance(m, ZeroPadShortcut):
        stride = f", stride {m.stride}" if m.stride != 1 else ""
        return f"{name}{stride}, {m.inplanes}→{m.out_channels} ch"
    return name
