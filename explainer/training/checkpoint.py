"""Save and load the shipped weights: safetensors (no pickle) plus a JSON model card.

``load_model`` is the one loading path used by the app, ``explainer.training.evaluate`` and the tests.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import torch
from safetensors import SafetensorError, safe_open
from safetensors.torch import load_file, save_file
from torch import nn

from explainer.i18n import N_, tr
from explainer.models.resnet import ResNet, build_resnet, d2l_resnet18_spec
from explainer.training.artifacts import DEFAULT_CARD, DEFAULT_WEIGHTS

# Appended to the errors below, translated when they are raised (tr(REGENERATE)).
REGENERATE = N_("Regenerate it with `python -m explainer.training.trainer` (well over an hour on 2 CPU cores: the shipped run took 85 min, see its card).")


class CheckpointError(ValueError):
    """The checkpoint is missing, truncated or does not fit the model; the message names the file."""


def save_weights(model: nn.Module, path: Path, *, half: bool = True, metadata: dict[str, str] | None = None) -> None:
    """Write ``model``'s state dict atomically (temp file + rename: never a half-written file).

    ``half=True`` stores floating tensors as fp16 (22 MB instead of 45 MB for ResNet-18).
    """
    state = {
        k: (v.detach().to(torch.float16) if half and v.is_floating_point() else v.detach()).contiguous().cpu()
        for k, v in model.state_dict().items()
    }
    tmp = path.with_suffix(path.suffix + ".partial")
    save_file(state, str(tmp), metadata=metadata or {})
    os.replace(tmp, path)


def write_card(card: dict[str, Any], path: Path) -> None:
    """Write the JSON model card atomically."""
    tmp = path.with_suffix(path.suffix + ".partial")
    tmp.write_text(json.dumps(card, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    os.replace(tmp, path)


def load_weights_into(model: nn.Module, path: Path) -> nn.Module:
    """Load a safetensors file into ``model`` (fp16 is cast back to the model's dtype).

    Raises ``CheckpointError`` naming the file and what does not match.
    """
    path = Path(path)
    if not path.is_file():
        raise CheckpointError(tr("Checkpoint {path} is missing. {how}", path=Path(path).name, how=tr(REGENERATE)))
    try:
        state = load_file(str(path))
    except (SafetensorError, OSError, ValueError) as err:
        raise CheckpointError(tr("Checkpoint {path} cannot be read ({error}); it is probably truncated or corrupt. {how}",
                                 path=Path(path).name, error=err, how=tr(REGENERATE))) from err
    expected = model.state_dict()
    missing = sorted(set(expected) - set(state))
    unexpected = sorted(set(state) - set(expected))
    if missing or unexpected:
        raise CheckpointError(tr(
            "Checkpoint {path} does not match the model: missing {missing}, unexpected {unexpected}.", path=Path(path).name,
            missing=f"{missing[:5]}{'…' if len(missing) > 5 else ''}",
            unexpected=f"{unexpected[:5]}{'…' if len(unexpected) > 5 else ''}",
        ))
    for key, value in state.items():
        if value.shape != expected[key].shape:
            raise CheckpointError(tr(
                "Checkpoint {path} does not match the model: {key} has shape {shape}, the model expects {expected}.",
                path=Path(path).name, key=key, shape=tuple(value.shape), expected=tuple(expected[key].shape),
            ))
        state[key] = value.to(expected[key].dtype)
    model.load_state_dict(state)
    return model


def cifar_downsample_of(path: Path) -> str:
    """The shortcut a saved CIFAR-style residual net uses where shapes change: "projection" (He et al.'s
    option B: the file holds ``downsample`` 1×1 conv + BN weights) or "zero-pad" (option A: no parameters).

    Read from the file's tensor names alone (no tensor is loaded), so weights trained before option A
    became the default (issue 13 item 8) still load into the net they were trained as.
    """
    try:
        with safe_open(str(path), "pt") as f:
            names = list(f.keys())
    except (SafetensorError, OSError, ValueError) as err:
        raise CheckpointError(tr("Checkpoint {path} cannot be read ({error}); it is probably truncated or corrupt. {how}",
                                 path=Path(path).name, error=err, how=tr(REGENERATE))) from err
    return "projection" if any(".downsample." in n for n in names) else "zero-pad"


def load_card(path: Path = DEFAULT_CARD) -> dict[str, Any]:
    """Read the model card; ``CheckpointError`` if missing or not JSON."""
    path = Path(path)
    if not path.is_file():
        raise CheckpointError(tr("Model card {path} is missing. {how}", path=Path(path).name, how=tr(REGENERATE)))
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as err:
        raise CheckpointError(tr("Model card {path} is not valid JSON ({error}). {how}", path=Path(path).name, error=err,
                                 how=tr(REGENERATE))) from err


def load_model(path: Path = DEFAULT_WEIGHTS) -> ResNet:
    """The shipped D2L ResNet-18 (1×96×96 → 10 classes), in eval mode, fp32, on the CPU."""
    model = build_resnet(d2l_resnet18_spec(in_channels=1, num_classes=10))
    load_weights_into(model, Path(path))
    return model.eval()
