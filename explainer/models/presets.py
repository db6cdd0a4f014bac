"""Every network the app can build, by the name users see ("ResNet-18", "ResNeXt-50 (32x4d)", "D2L ResNet-18",
"PreAct ResNet-56", "Plain-56", …), and the groups a network menu shows them in (``PRESET_GROUPS``).

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
from explainer.models.resnet import (
    CIFAR_DEPTHS,
    ResNetSpec,
    build_resnet,
    cifar_spec,
    d2l_resnet18_spec,
    preact_resnet_spec,
    resnext50_32x4d_spec,
    torchvision_spec,
    wide_resnet50_2_spec,
)

#: ``build(in_channels=, height=, width=, num_classes=)`` → the model (keyword-only arguments).
Builder = Callable[..., nn.Module]

PREACT_IMAGENET_DEPTHS: tuple[int, ...] = (18, 34)


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


def _imagenet_net(spec: Callable[..., ResNetSpec], *, in_channels: int, height: int, width: int,
                  num_classes: int) -> nn.Module:
    return build_resnet(spec(in_channels=in_channels, num_classes=num_classes))


def _preact_resnet(depth: int, *, in_channels: int, height: int, width: int, num_classes: int) -> nn.Module:
    return build_resnet(preact_resnet_spec(depth, in_channels=in_channels, num_classes=num_classes))


def _cifar_net(depth: int, residual: bool, *, in_channels: int, height: int, width: int,
               num_classes: int, preact: bool = False) -> nn.Module:
    return build_resnet(cifar_spec(depth, residual=residual, in_channels=in_channels, num_classes=num_classes,
                                   preact=preact))


#: The families presets belong to (data, not display text: ``explainer.shapes.network_report`` names them).
#: "torchvision" holds every net torchvision builds (ResNet-18…152, ResNeXt-50 (32x4d), Wide ResNet-50-2);
#: "preact_resnet" He et al. 2016's pre-activation nets in that layout; "cifar_preact" their CIFAR-style twins.
FAMILIES: tuple[str, ...] = ("torchvision", "preact_resnet", "d2l_resnet", "cifar_resnet", "cifar_preact",
                             "cifar_plain", "d2l_modern_cnns")


def _presets() -> dict[str, Preset]:
    presets = {f"ResNet-{d}": Preset(f"ResNet-{d}", "torchvision", 3, 224, 224, 1000,
                                     partial(_torchvision_resnet, d))
               for d in (18, 34, 50, 101, 152)}
    presets["ResNeXt-50 (32x4d)"] = Preset("ResNeXt-50 (32x4d)", "torchvision", 3, 224, 224, 1000,
                                           partial(_imagenet_net, resnext50_32x4d_spec))
    presets["Wide ResNet-50-2"] = Preset("Wide ResNet-50-2", "torchvision", 3, 224, 224, 1000,
                                         partial(_imagenet_net, wide_resnet50_2_spec))
    for d in PREACT_IMAGENET_DEPTHS:
        presets[f"PreAct ResNet-{d}"] = Preset(f"PreAct ResNet-{d}", "preact_resnet", 3, 224, 224, 1000,
                                               partial(_preact_resnet, d))
    presets["D2L ResNet-18"] = Preset("D2L ResNet-18", "d2l_resnet", 1, 224, 224, 10, _d2l_resnet18)
    for d in CIFAR_DEPTHS:
        presets[f"ResNet-{d}"] = Preset(f"ResNet-{d}", "cifar_resnet", 3, 32, 32, 10,
                                        partial(_cifar_net, d, True))
    for d in CIFAR_DEPTHS:
        presets[f"PreAct ResNet-{d}"] = Preset(f"PreAct ResNet-{d}", "cifar_preact", 3, 32, 32, 10,
                                               partial(_cifar_net, d, True, preact=True))
    for d in CIFAR_DEPTHS:
        presets[f"Plain-{d}"] = Preset(f"Plain-{d}", "cifar_plain", 3, 32, 32, 10,
                                       partial(_cifar_net, d, False))
    for name in ZOO_PRESETS:
        side = 28 if name == "LeNet" else 224  # D2L's inputs: Fashion-MNIST for LeNet, resized for the rest
        presets[name] = Preset(name, "d2l_modern_cnns", 1, side, side, 10, partial(build_zoo_model, name),
                               build_needs_input_size=True)
    return presets


PRESETS: dict[str, Preset] = _presets()

#: The presets in the groups a network menu shows (English group names: the UI translates them).
#: Every preset is in exactly one group; within a group, the order of ``PRESETS``.
PRESET_GROUP_FAMILIES: dict[str, tuple[str, ...]] = {
    "ImageNet ResNets": ("torchvision", "preact_resnet"),
    "CIFAR-style": ("cifar_resnet", "cifar_preact", "cifar_plain"),
    "D2L's modern CNNs": ("d2l_resnet", "d2l_modern_cnns"),
}
PRESET_GROUPS: dict[str, tuple[str, ...]] = {
    group: tuple(name for name, p in PRESETS.items() if p.family in families)
    for group, families in PRESET_GROUP_FAMILIES.items()
}


def build_preset(name: str, *, in_channels: int, height: int, width: int, num_classes: int) -> nn.Module:
    """Build the named network (on the current default device; use ``torch.device("meta")`` for shapes).

    Raises ``ValueError`` for an unknown name or a size that is not a whole number ≥ 1, and
    ``InputTooSmallError`` (a ``ValueError``) when the input is too small for the network.
    """
    if name not in PRESETS:
        raise ValueError(f"Unknown network {name!r}. Choose one of: {', '.join(PRESETS)}.")
    check_input_args(in_channels, height, width, num_classes)
    return PRESETS[name].build(in_channels=in_channels, height=height, width=width, num_classes=num_classes)
