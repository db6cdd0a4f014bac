"""The nets every degradation experiment compares: CIFAR-style Plain-n / ResNet-n twins (He et al. §4.2), their initializations and one fixed batch of real images.

Every plain net here is the *twin* of a residual net: same layer names, same weights (copied
from the residual net), only the ``out = out + identity`` line (and the two 1×1 projections,
which a plain net has no use for) is missing. A third net, ``build_preact``, is He et al. 2016's
pre-activation ResNet-n with the residual net's very conv and fc weights: only where BN-ReLU sits
differs (before each conv, nothing after the add, a final BN-ReLU). Inputs are 1×28×28
Fashion-MNIST images, 10 classes.
"""

from __future__ import annotations

import numpy as np
from torch import Tensor, nn

from explainer.i18n import N_, tr
from explainer.models.blocks import zero_init_last_bn
from explainer.models.resnet import ResNet, build_resnet, cifar_spec
from explainer.runtime import seeded
from explainer.training.fashion_mnist import to_model_input
from explainer.training.samples import load_sample

INITS: tuple[str, ...] = (N_("PyTorch default"), "Kaiming", "Xavier")  # shown translated: tr(init)
MIN_DEPTH = 8
MAX_DEPTH = 122  # 110 is the paper's deepest CIFAR net; a little headroom, still ≈ 1.5 s per pair
IMAGE_SIZE = 28  # the CIFAR-style nets see Fashion-MNIST at its native size
DEFAULT_BATCH = 64
PROBE_LR = 0.1  # He et al.'s learning rate: is one SGD step even representable in float32?
LOSS_EXPLODED = 1e3  # chance level is ln 10 ≈ 2.3; a loss above this means the logits blew up
PLAIN_COLOR = "#d62728"
RESIDUAL_COLOR = "#1f77b4"
PREACT_COLOR = "#2ca02c"


def check_depth(depth: object, *, lo: int = MIN_DEPTH, hi: int = MAX_DEPTH) -> int:
    """Return ``depth`` if it is 6n+2 within [lo, hi]; otherwise ``ValueError`` with the nearest choices."""
    if isinstance(depth, bool) or not isinstance(depth, (int, np.integer)):
        raise ValueError(tr("Depth must be a whole number of layers (6n+2, e.g. 20, 56, 110), got {depth!r}.",
                            depth=depth))
    depth = int(depth)
    if depth < lo or depth > hi:
        raise ValueError(tr("Depth must be between {lo} and {hi} layers here, got {depth}.", lo=lo, hi=hi, depth=depth))
    if (depth - 2) % 6 != 0:
        below = depth - (depth - 2) % 6
        raise ValueError(tr(
            "CIFAR-style nets have 6n+2 layers (a stem conv, 3 stages of n two-conv blocks, an fc); "
            "{depth} is not of that form -- try {below} or {above}.",
            depth=depth, below=below, above=below + 6,
        ))
    return depth


def check_init(init: object) -> str:
    """Return ``init`` if it is one of ``INITS``; otherwise ``ValueError``."""
    if init not in INITS:
        raise ValueError(tr("Unknown initialization {init!r}: choose one of {choices}.",
                            init=init, choices=", ".join(tr(i) for i in INITS)))
    return str(init)


def apply_init(model: nn.Module, init: str) -> None:
    """Re-initialize every conv / fc / BN of ``model`` in place.

    * ``"PyTorch default"``: each layer's own ``reset_parameters()`` -- convs and fc get
      Kaiming-uniform with a=√5, i.e. weight variance 1/(3·fan_in), a gain of ≈ 0.41 per ReLU
      layer: signals shrink with depth. This undoes the builder's init.
    * ``"Kaiming"``: the builder's (torchvision's) init: He-normal, fan_out mode, ReLU gain, for
      every conv, zero biases; the fc keeps PyTorch's default, as in torchvision.
    * ``"Xavier"``: Glorot-normal (gain 1, i.e. no ReLU correction) for convs and fc, zero biases.
    """
    check_init(init)
    for m in model.modules():
        if isinstance(m, (nn.Conv2d, nn.Linear, nn.BatchNorm2d)):
            if init == "PyTorch default" or isinstance(m, nn.BatchNorm2d):
                m.reset_parameters()
            elif init == "Kaiming" and isinstance(m, nn.Conv2d):
                nn.init.kaiming_normal_(m.weight, mode="fan_out", nonlinearity="relu")
                if m.bias is not None:
                    nn.init.zeros_(m.bias)
            elif init == "Kaiming":  # the fc: PyTorch default, as torchvision leaves it
                m.reset_parameters()
            else:  # Xavier
                nn.init.xavier_normal_(m.weight)
                if m.bias is not None:
                    nn.init.zeros_(m.bias)


def _residual_net(depth: int, batch_norm: bool, init: str, seed: int) -> ResNet:
    """ResNet-``depth`` (option A shortcuts, 1 input channel, 10 classes) initialized by ``init`` from ``seed``."""
    depth = check_depth(depth)
    check_init(init)
    with seeded(seed):  # not torch.manual_seed: another server thread could draw in between (explainer/rng.py)
        residual = build_resnet(cifar_spec(depth, residual=True, batch_norm=batch_norm, in_channels=1, num_classes=10))
    with seeded(seed):
        apply_init(residual, init)
    return residual


def build_pair(
    depth: int,
    *,
    batch_norm: bool = True,
    init: str = "Kaiming",
    zero_init_residual: bool = False,
    seed: int = 0,
) -> tuple[ResNet, ResNet]:
    """(Plain-depth, ResNet-depth) with identical weights wherever both have the layer.

    The residual net is built and initialized from ``seed``; the plain twin then receives its state
    dict (minus the two 1×1 projections it lacks), so any difference in what we measure comes from
    the skip connections alone. ``zero_init_residual`` zeroes γ of each branch's last BN in the
    residual net only: in a plain net it would cut the signal path altogether.
    """
    depth = check_depth(depth)  # also turns a NumPy integer into an int, which cifar_spec requires
    residual = _residual_net(depth, batch_norm, init, seed)
    plain = build_resnet(cifar_spec(depth, residual=False, batch_norm=batch_norm, in_channels=1, num_classes=10))
    state = {k: v for k, v in residual.state_dict().items() if ".downsample." not in k}
    plain.load_state_dict(state, strict=True)
    if zero_init_residual:
        zero_init_last_bn(residual)
    return plain, residual


def build_preact(
    depth: int,
    *,
    batch_norm: bool = True,
    init: str = "Kaiming",
    zero_init_residual: bool = False,
    seed: int = 0,
) -> ResNet:
    """Pre-activation ResNet-``depth`` (He et al. 2016) with the conv and fc weights of ``build_pair``'s ResNet.

    Same arguments, same 6n+2 convs and fc with the same weights (copied by name), option A shortcuts;
    its BNs start as every BN does here (γ = 1, β = 0). So beside ``build_pair(...)`` any difference in
    what we measure comes from where BN-ReLU sits: before each conv, nothing after the add (a clean
    identity path from block to block), one BN-ReLU before the pooling. ``zero_init_residual`` zeroes
    γ of each branch's last BN, which makes every block start as the identity here too.
    """
    depth = check_depth(depth)
    residual = _residual_net(depth, batch_norm, init, seed)
    preact = build_resnet(cifar_spec(depth, residual=True, batch_norm=batch_norm, in_channels=1, num_classes=10,
                                     preact=True))
    with seeded(seed):
        apply_init(preact, init)  # its BNs (and any layer we do not overwrite) as the init prescribes
    copied = {k: v for k, v in residual.state_dict().items() if _is_conv_or_fc(residual, k)}
    missing, unexpected = preact.load_state_dict(copied, strict=False)
    assert not unexpected and all(not _is_conv_or_fc(preact, k) for k in missing), "twins must share every conv"
    if zero_init_residual:
        zero_init_last_bn(preact)
    return preact


def _is_conv_or_fc(model: nn.Module, key: str) -> bool:
    owner = model.get_submodule(key.rpartition(".")[0])
    return isinstance(owner, (nn.Conv2d, nn.Linear))


def default_batch(n: int = DEFAULT_BATCH, *, offset: int = 0) -> tuple[Tensor, Tensor]:
    """``n`` real images from the bundled test sample: x (n, 1, 28, 28) normalized, y (n,) int64."""
    sample = load_sample()
    if not 1 <= n <= len(sample) - offset:
        raise ValueError(tr("The batch must hold between 1 and {hi} images, got {n}.", hi=len(sample) - offset, n=n))
    images = sample.images[offset : offset + n]
    return to_model_input(images, size=IMAGE_SIZE), sample.labels[offset : offset + n]


def weighted_layers(model: nn.Module) -> list[tuple[str, nn.Module]]:
    """The depth-counting layers in forward order: stem conv, every block conv, fc.

    The 1×1 projections of the residual net are not counted (He et al. count 6n+2 layers without
    them), so index i (1-based) names the same layer in the plain and the residual twin.
    """
    return [
        (name, m)
        for name, m in model.named_modules()
        if isinstance(m, (nn.Conv2d, nn.Linear)) and ".downsample" not in name
    ]
