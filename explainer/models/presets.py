"""Every network the app can build, by the name users see ("ResNet-18", "D2L ResNet-18", "Plain-56", …).

A preset is data: its family (for display), the input it is usually shown with, and the function that
builds it -- nothing is parsed out of its name.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

from torch import nn

from explainer.models.arguments import check_input_args
from explainer.models.modern_cnns import ZOO_PRESETS, build_zoo_model
from explainer.models.resnet import CIFAR_DEPTHS, build_resnet, cifar_spec, d2l_resnet18_spec, torchvision_spec

#: ``build(in_channels=, height=, width=, num_classes=)`` → the model (keyword-only arguments).
Builder = Callable[..., nn.Module]


@dataclass(frozen=True)
class Preset:
    """A named network, the input it is usually shown with, and how to build it."""

    name: str
    family: str  # one of FAMILIES: groups presets; the UI names each family in the user's language
    in_channels: int
    height: int
    width: int
    num_classes: int
    build: Builder
    # True when the builder needs the input size: it sizes the first Linear after Flatten from it (LeNet,
    # AlexNet, VGG) or refuses inputs too small for the net -- so each input size builds its own model.
    # ResNets end in global average pooling: one model serves every size.
    build_needs_input_size: bool = False


def _torchvision_resnet(depth: int, *, in_channels: int, height: int, width: int, num_classes: int) -> nn.Module:
    return build_resnet(torchvision_spec(depth, in_channels=in_channels, num_classes=num_classes))


def _d2l_resnet18(*, in_channels: int, height: int, width: int, num_classes: int) -> nn.Module:
    return build_resnet(d2l_resnet18_spec(in_channels=in_channels, num_classes=num_classes))


def _cifar_net(depth: int, residual: bool, *, in_channels: int, height: int, width: int,
               num_classes: int) -> nn.Module:
    return build_resnet(cifar_spec(depth, residual=residual, in_channels=in_channels, num_classes=num_classes))


#: The families presets belong to (data, not display text: ``explainer.shapes.network_report`` names them).
FAMILIES: tuple[str, ...] = ("torchvision", "d2l_resnet", "cifar_resnet", "cifar_plain", "d2l_modern_cnns")


def _presets() -> dict[str, Preset]:
    presets = {f"ResNet-{d}": Preset(f"ResNet-{d}", "torchvision", 3, 224, 224, 1000,
                                     partial(_torchvision_resnet, d))
               for d in (18, 34, 50, 101, 152)}
    presets["D2L ResNet-18"] = Preset("D2L ResNet-18", "d2l_resnet", 1, 224, 224, 10, _d2l_resnet18)
    for d in CIFAR_DEPTHS:
        presets[f"ResNet-{d}"] = Preset(f"ResNet-{d}", "cifar_resnet", 3, 32, 32, 10,
                                        partial(_cifar_net, d, True))
    for d in CIFAR_DEPTHS:
        presets[f"Plain-{d}"] = Preset(f"Plain-{d}", "cifar_plain", 3, 32, 32, 10,
                                       partial(_cifar_net, d, False))
    for name in ZOO_PRESETS:
        side = 28 if name == "LeNet" else 224  # D2L's inputs: Fashion-MNIST for LeNet, resized for the rest
        presets[name] = Preset(name, "d2l_modern_cnns", 1, side, side, 10, partial(build_zoo_model, name),
                               build_needs_input_size=True)
    return presets


PRESETS: dict[str, Preset] = _presets()


def build_preset(name: str, *, in_channels: int, height: int, width: int, num_classes: int) -> nn.Module:
    """Build the named network (on the current default device; use ``torch.device("meta")`` for shapes).

    Raises ``ValueError`` for an unknown name or a size that is not a whole number ≥ 1, and
    ``InputTooSmallError`` (a ``ValueError``) when the input is too small for the network.
    """
    if name not in PRESETS:
        raise ValueError(f"Unknown network {name!r}. Choose one of: {', '.join(PRESETS)}.")
    check_input_args(in_channels, height, width, num_classes)
    return PRESETS[name].build(in_channels=in_channels, height=height, width=width, num_classes=num_classes)
