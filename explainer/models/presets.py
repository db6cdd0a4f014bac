"""Every network the app can build, by the name users see ("ResNet-18", "D2L ResNet-18", "Plain-56", …)."""

from __future__ import annotations

from dataclasses import dataclass

from torch import nn

from explainer.i18n import N_, tr
from explainer.models.resnet import CIFAR_DEPTHS, build_resnet, cifar_spec, d2l_resnet18_spec, torchvision_spec

MAX_SIDE = 1024  # px: larger inputs teach nothing new and make tables slow to read
MAX_IN_CHANNELS = 4096
MAX_CLASSES = 100_000


@dataclass(frozen=True)
class Preset:
    """A named network and the input it is usually shown with."""

    name: str
    family: str  # "torchvision ResNet", "D2L", "CIFAR ResNet (He et al. §4.2)", "plain twin", "D2L modern CNNs"
    in_channels: int
    height: int
    width: int
    num_classes: int


def _presets() -> dict[str, Preset]:
    # Family names are shown to users: marked here, translated where they are displayed.
    presets = {f"ResNet-{d}": Preset(f"ResNet-{d}", N_("torchvision ResNet"), 3, 224, 224, 1000)
               for d in (18, 34, 50, 101, 152)}
    presets["D2L ResNet-18"] = Preset("D2L ResNet-18", N_("D2L"), 1, 224, 224, 10)
    for d in CIFAR_DEPTHS:
        presets[f"ResNet-{d}"] = Preset(f"ResNet-{d}", N_("CIFAR ResNet (He et al. §4.2)"), 3, 32, 32, 10)
    for d in CIFAR_DEPTHS:
        presets[f"Plain-{d}"] = Preset(f"Plain-{d}", N_("plain twin (no shortcuts)"), 3, 32, 32, 10)
    try:
        from explainer.models.zoo import ZOO_PRESETS
    except ImportError:  # the comparison zoo is optional for the rest of the app
        ZOO_PRESETS = ()
    for name in ZOO_PRESETS:
        side = 28 if name == "LeNet" else 224
        presets[name] = Preset(name, N_("D2L modern CNNs"), 1, side, side, 10)
    return presets


PRESETS: dict[str, Preset] = _presets()


def check_input_args(in_channels: int, height: int, width: int, num_classes: int) -> None:
    """``ValueError`` with a sentence when a size is not a whole number in its allowed range."""
    for label, value, hi in ((N_("Input channels"), in_channels, MAX_IN_CHANNELS), (N_("Height"), height, MAX_SIDE),
                             (N_("Width"), width, MAX_SIDE), (N_("Number of classes"), num_classes, MAX_CLASSES)):
        if isinstance(value, bool) or not isinstance(value, int):
            raise ValueError(tr("{label} must be a whole number, got {value!r}.", label=tr(label), value=value))
        if not 1 <= value <= hi:
            raise ValueError(tr("{label} must be between 1 and {hi:,}, got {value:,}.",
                                label=tr(label), hi=hi, value=value))


def build_preset(name: str, *, in_channels: int, height: int, width: int, num_classes: int) -> nn.Module:
    """Build the named network (on the current default device; use ``torch.device("meta")`` for shapes)."""
    if name not in PRESETS:
        raise ValueError(tr("Unknown network {name!r}. Choose one of: {choices}.", name=name, choices=", ".join(PRESETS)))
    check_input_args(in_channels, height, width, num_classes)
    family, _, depth_text = name.rpartition("-")
    if name == "D2L ResNet-18":
        return build_resnet(d2l_resnet18_spec(in_channels=in_channels, num_classes=num_classes))
    if family in ("ResNet", "Plain") and int(depth_text) in CIFAR_DEPTHS:
        return build_resnet(cifar_spec(int(depth_text), residual=family == "ResNet",
                                       in_channels=in_channels, num_classes=num_classes))
    if family == "ResNet":
        return build_resnet(torchvision_spec(int(depth_text), in_channels=in_channels, num_classes=num_classes))
    from explainer.models.zoo import build_zoo_model

    return build_zoo_model(name, in_channels=in_channels, height=height, width=width, num_classes=num_classes)
