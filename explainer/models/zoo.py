"""The other networks of D2L's chapter "Modern Convolutional Neural Networks", for comparison.

LeNet (§7.6), AlexNet (§8.1), VGG-11 (§8.2), NiN (§8.3), GoogLeNet (§8.4) and DenseNet (§8.7),
exactly as the PyTorch edition of the book builds them -- same layers, same order, same
hyper-parameters, same Xavier initialisation (``d2l.init_cnn``) -- so their shapes and parameter
counts can be set beside ResNet's. ``build_zoo_model`` returns D2L's ``net``: an ``nn.Sequential``
whose top-level children are the rows of D2L's ``layer_summary`` (for GoogLeNet and DenseNet the
stages ``b1 … b5`` / ``b1, dense_blk1, tran_blk1, …, last``), so ``for layer in net: x = layer(x)``
reproduces the book's table of output shapes.

Three departures, none of which changes a shape or a parameter count:

* no ``Lazy*`` layers: every layer is built with its input width, and the first ``Linear`` after
  ``Flatten`` gets its ``in_features`` from a *shape probe* -- the layers before it run on an empty
  tensor on the meta device -- so a model can be built on, and traced on, the meta device.
* every activation is its own module (``F.relu`` in D2L's Inception becomes ``relu1_1`` …), never
  in-place, so forward hooks fire once per layer and Captum works (GUIDE §3, lesson 4).
* submodules have names (``conv1``, ``relu1``, ``b3.inception3a``, ``dense_blk2``) instead of
  indices, to be readable in a shape table; integer indexing ``net[0]`` still works.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable
from itertools import chain

import torch
from torch import Tensor, nn

from explainer.i18n import N_, tr

ZOO_PRESETS: tuple[str, ...] = ("LeNet", "AlexNet", "VGG-11", "NiN", "GoogLeNet", "DenseNet")

# D2L's ``VGG(arch=((1, 64), (1, 128), (2, 256), (2, 512), (2, 512)))``: (convs, channels).
VGG11_ARCH: tuple[tuple[int, int], ...] = ((1, 64), (1, 128), (2, 256), (2, 512), (2, 512))
# D2L's ``DenseNet(num_channels=64, growth_rate=32, arch=(4, 4, 4, 4))``.
DENSENET_ARCH: tuple[int, ...] = (4, 4, 4, 4)
DENSENET_GROWTH_RATE = 32

# Stop the "too small" search here: nothing in the zoo needs more, and the search must end.
_MAX_MIN_SIZE = 4096


# --------------------------------------------------------------------------------------------
# Building blocks (D2L's helper functions and classes)
# --------------------------------------------------------------------------------------------


def vgg_block(num_convs: int, in_channels: int, out_channels: int) -> nn.Sequential:
    """D2L §8.2 ``vgg_block``: ``num_convs`` × (3×3 conv, pad 1 + ReLU), then 2×2 max-pool.

    (N, in_channels, H, W) → (N, out_channels, ⌊H/2⌋, ⌊W/2⌋).
    """
    layers: OrderedDict[str, nn.Module] = OrderedDict()
    for i in range(1, num_convs + 1):
        layers[f"conv{i}"] = nn.Conv2d(in_channels, out_channels, kernel_size=3, padding=1)
        layers[f"relu{i}"] = nn.ReLU()
        in_channels = out_channels
    layers["pool"] = nn.MaxPool2d(kernel_size=2, stride=2)
    return nn.Sequential(layers)


def nin_block(
    in_channels: int, out_channels: int, kernel_size: int, stride: int, padding: int
) -> nn.Sequential:
    """D2L §8.3 ``nin_block``: a k×k conv, then two 1×1 convs (a per-pixel MLP), each + ReLU.

    (N, in_channels, H, W) → (N, out_channels, ⌊(H + 2p − k)/s⌋ + 1, same for W).
    """
    return nn.Sequential(
        OrderedDict(
            conv1=nn.Conv2d(in_channels, out_channels, kernel_size, stride, padding),
            relu1=nn.ReLU(),
            conv2=nn.Conv2d(out_channels, out_channels, kernel_size=1),
            relu2=nn.ReLU(),
            conv3=nn.Conv2d(out_channels, out_channels, kernel_size=1),
            relu3=nn.ReLU(),
        )
    )


class Inception(nn.Module):
    """D2L §8.4 Inception block: four parallel paths, concatenated along the channels.

    Path 1: 1×1 conv (``c1`` channels). Path 2: 1×1 conv to ``c2[0]``, 3×3 conv (pad 1) to
    ``c2[1]``. Path 3: 1×1 conv to ``c3[0]``, 5×5 conv (pad 2) to ``c3[1]``. Path 4: 3×3 max-pool
    (stride 1, pad 1), 1×1 conv to ``c4``. Every path keeps H×W, which is what lets ``torch.cat``
    stack them. Attribute names are D2L's (``b2_1`` = path 2, first layer), plus one ReLU module
    per conv where D2L calls ``F.relu``.

    Shapes: (N, in_channels, H, W) → (N, c1 + c2[1] + c3[1] + c4, H, W).
    """

    def __init__(
        self,
        in_channels: int,
        c1: int,
        c2: tuple[int, int],
        c3: tuple[int, int],
        c4: int,
    ) -> None:
        super().__init__()
        self.b1_1 = nn.Conv2d(in_channels, c1, kernel_size=1)
        self.relu1_1 = nn.ReLU()
        self.b2_1 = nn.Conv2d(in_channels, c2[0], kernel_size=1)
        self.relu2_1 = nn.ReLU()
        self.b2_2 = nn.Conv2d(c2[0], c2[1], kernel_size=3, padding=1)
        self.relu2_2 = nn.ReLU()
        self.b3_1 = nn.Conv2d(in_channels, c3[0], kernel_size=1)
        self.relu3_1 = nn.ReLU()
        self.b3_2 = nn.Conv2d(c3[0], c3[1], kernel_size=5, padding=2)
        self.relu3_2 = nn.ReLU()
        self.b4_1 = nn.MaxPool2d(kernel_size=3, stride=1, padding=1)
        self.b4_2 = nn.Conv2d(in_channels, c4, kernel_size=1)
        self.relu4_2 = nn.ReLU()
        self.out_channels = c1 + c2[1] + c3[1] + c4

    def forward(self, x: Tensor) -> Tensor:
        """(N, C_in, H, W) → (N, c1 + c2[1] + c3[1] + c4, H, W)."""
        b1 = self.relu1_1(self.b1_1(x))
        b2 = self.relu2_2(self.b2_2(self.relu2_1(self.b2_1(x))))
        b3 = self.relu3_2(self.b3_2(self.relu3_1(self.b3_1(x))))
        b4 = self.relu4_2(self.b4_2(self.b4_1(x)))
        return torch.cat((b1, b2, b3, b4), dim=1)


def dense_conv_block(in_channels: int, growth_rate: int) -> nn.Sequential:
    """D2L §8.7 ``conv_block``: BN → ReLU → 3×3 conv (pad 1) -- the "pre-activation" order.

    (N, in_channels, H, W) → (N, growth_rate, H, W).
    """
    return nn.Sequential(
        OrderedDict(
            bn=nn.BatchNorm2d(in_channels),
            relu=nn.ReLU(),
            conv=nn.Conv2d(in_channels, growth_rate, kernel_size=3, padding=1),
        )
    )


class DenseBlock(nn.Module):
    """D2L §8.7 ``DenseBlock``: each conv block sees the concatenation of everything before it.

    Where a residual block *adds* F(x) to x, a dense block *concatenates* it: x ← cat(x, F(x)),
    so every block adds ``growth_rate`` channels and nothing is ever overwritten.

    Shapes: (N, in_channels, H, W) → (N, in_channels + num_convs · growth_rate, H, W).
    """

    def __init__(self, num_convs: int, in_channels: int, growth_rate: int) -> None:
        super().__init__()
        # Named ``net`` as in D2L; the loop below is unrolled by torch.fx (a fixed module list).
        self.net = nn.Sequential(
            OrderedDict(
                (f"conv_block{i + 1}", dense_conv_block(in_channels + i * growth_rate, growth_rate))
                for i in range(num_convs)
            )
        )
        self.out_channels = in_channels + num_convs * growth_rate

    def forward(self, x: Tensor) -> Tensor:
        """(N, C_in, H, W) → (N, C_in + num_convs · growth_rate, H, W)."""
        for blk in self.net:
            y = blk(x)
            x = torch.cat((x, y), dim=1)  # concatenate, where ResNet would add: x + y
        return x


def transition_block(in_channels: int, out_channels: int) -> nn.Sequential:
    """D2L §8.7 ``transition_block``: BN → ReLU → 1×1 conv (fewer channels) → 2×2 average pool.

    (N, in_channels, H, W) → (N, out_channels, ⌊H/2⌋, ⌊W/2⌋).
    """
    return nn.Sequential(
        OrderedDict(
            bn=nn.BatchNorm2d(in_channels),
            relu=nn.ReLU(),
            conv=nn.Conv2d(in_channels, out_channels, kernel_size=1),
            pool=nn.AvgPool2d(kernel_size=2, stride=2),
        )
    )


def init_cnn(module: nn.Module) -> None:
    """D2L's ``init_cnn``: Xavier-uniform weights for every Linear and Conv2d (biases untouched)."""
    if type(module) in (nn.Linear, nn.Conv2d):
        nn.init.xavier_uniform_(module.weight)


# --------------------------------------------------------------------------------------------
# The shape probe that replaces D2L's Lazy layers
# --------------------------------------------------------------------------------------------


def _probe(net: nn.Module, in_channels: int, height: int, width: int) -> torch.Size:
    """Output shape of ``net`` for a (1, in_channels, height, width) input, computed on meta.

    The parameters may live anywhere (CPU, or meta when built under ``torch.device("meta")``), so
    we swap in meta stand-ins: a CPU BatchNorm refuses a meta input. Eval mode, because in training
    mode BN refuses a batch of one 1×1 map -- a training-time concern, not a shape one.
    Raises ``RuntimeError`` if some conv or pool window no longer fits.
    """
    x = torch.empty(1, in_channels, height, width, device="meta")
    stand_ins = {
        name: torch.empty_like(t, device="meta")
        for name, t in chain(net.named_parameters(), net.named_buffers())
    }
    modes = [(m, m.training) for m in net.modules()]
    net.eval()
    try:
        with torch.no_grad():
            return torch.func.functional_call(net, stand_ins, (x,)).shape
    finally:
        for m, training in modes:
            m.training = training


def _fits(net: nn.Module, in_channels: int, height: int, width: int) -> bool:
    try:
        _probe(net, in_channels, height, width)
    except RuntimeError:
        return False
    return True


def _min_input_size(net: nn.Module, in_channels: int) -> int | None:
    """Smallest n such that an n×n input passes through ``net`` (None if above ``_MAX_MIN_SIZE``).

    Every kernel here is square and every output size grows with the input size, so "fits" is
    monotone in n and the two axes are independent: a binary search on square inputs is exact.
    """
    hi = 1
    while not _fits(net, in_channels, hi, hi):
        if hi >= _MAX_MIN_SIZE:
            return None
        hi = min(2 * hi, _MAX_MIN_SIZE)
    lo = hi // 2 + 1 if hi > 1 else 1  # hi // 2 failed (or hi is 1)
    while lo < hi:
        mid = (lo + hi) // 2
        if _fits(net, in_channels, mid, mid):
            hi = mid
        else:
            lo = mid + 1
    return hi


def _features_shape(
    name: str, net: nn.Module, in_channels: int, height: int, width: int
) -> torch.Size:
    """Probe ``net``; turn a window-does-not-fit ``RuntimeError`` into a sentence for a student."""
    try:
        return _probe(net, in_channels, height, width)
    except RuntimeError as err:
        smallest = _min_input_size(net, in_channels)
        if smallest is not None:
            message = tr(
                "{name} needs inputs of at least {smallest}×{smallest} pixels; {height}×{width} is too small: "
                "a convolution or pooling window would no longer fit inside the shrinking feature map.",
                name=name, smallest=smallest, height=height, width=width,
            )
        else:
            message = tr(
                "{name} needs larger inputs; {height}×{width} is too small: a convolution or pooling window "
                "would no longer fit inside the shrinking feature map.",
                name=name, height=height, width=width,
            )
        raise ValueError(message) from err


# --------------------------------------------------------------------------------------------
# The six networks
# --------------------------------------------------------------------------------------------


def _lenet(
    *, in_channels: int = 1, height: int = 28, width: int = 28, num_classes: int = 10
) -> nn.Sequential:
    """LeNet-5 as in D2L §7.6 (input 1×28×28 Fashion-MNIST): two conv + sigmoid + avg-pool, 3 fc.

    At 1×28×28: 6×28×28 → 6×14×14 → 16×10×10 → 16×5×5 → 400 → 120 → 84 → num_classes.
    """
    net = nn.Sequential(
        OrderedDict(
            conv1=nn.Conv2d(in_channels, 6, kernel_size=5, padding=2),
            sigmoid1=nn.Sigmoid(),
            pool1=nn.AvgPool2d(kernel_size=2, stride=2),
            conv2=nn.Conv2d(6, 16, kernel_size=5),
            sigmoid2=nn.Sigmoid(),
            pool2=nn.AvgPool2d(kernel_size=2, stride=2),
            flatten=nn.Flatten(),
        )
    )
    features = _features_shape("LeNet", net, in_channels, height, width)[1]
    net.add_module("fc1", nn.Linear(features, 120))
    net.add_module("sigmoid_fc1", nn.Sigmoid())
    net.add_module("fc2", nn.Linear(120, 84))
    net.add_module("sigmoid_fc2", nn.Sigmoid())
    net.add_module("fc3", nn.Linear(84, num_classes))
    return net


def _alexnet(
    *, in_channels: int = 1, height: int = 224, width: int = 224, num_classes: int = 10
) -> nn.Sequential:
    """AlexNet as in D2L §8.1 (input 1×224×224: Fashion-MNIST resized), a single-GPU version.

    At 1×224×224: 96×54×54 → pool 96×26×26 → 256×26×26 → pool 256×12×12 → 384 → 384 → 256×12×12
    → pool 256×5×5 → 6400 → 4096 → 4096 → num_classes, with dropout 0.5 after both 4096 layers.
    """
    net = nn.Sequential(
        OrderedDict(
            conv1=nn.Conv2d(in_channels, 96, kernel_size=11, stride=4, padding=1),
            relu1=nn.ReLU(),
            pool1=nn.MaxPool2d(kernel_size=3, stride=2),
            conv2=nn.Conv2d(96, 256, kernel_size=5, padding=2),
            relu2=nn.ReLU(),
            pool2=nn.MaxPool2d(kernel_size=3, stride=2),
            conv3=nn.Conv2d(256, 384, kernel_size=3, padding=1),
            relu3=nn.ReLU(),
            conv4=nn.Conv2d(384, 384, kernel_size=3, padding=1),
            relu4=nn.ReLU(),
            conv5=nn.Conv2d(384, 256, kernel_size=3, padding=1),
            relu5=nn.ReLU(),
            pool3=nn.MaxPool2d(kernel_size=3, stride=2),
            flatten=nn.Flatten(),
        )
    )
    features = _features_shape("AlexNet", net, in_channels, height, width)[1]
    _add_fc_head(net, features, num_classes)
    return net


def _add_fc_head(net: nn.Sequential, features: int, num_classes: int) -> None:
    """AlexNet's and VGG's head: two 4096-wide fc layers with ReLU and dropout 0.5, then an fc."""
    net.add_module("fc1", nn.Linear(features, 4096))
    net.add_module("relu_fc1", nn.ReLU())
    net.add_module("dropout1", nn.Dropout(p=0.5))
    net.add_module("fc2", nn.Linear(4096, 4096))
    net.add_module("relu_fc2", nn.ReLU())
    net.add_module("dropout2", nn.Dropout(p=0.5))
    net.add_module("fc3", nn.Linear(4096, num_classes))


def _vgg11(
    *, in_channels: int = 1, height: int = 224, width: int = 224, num_classes: int = 10
) -> nn.Sequential:
    """VGG-11 as in D2L §8.2 (input 1×224×224), full width: five VGG blocks, then AlexNet's head.

    At 1×224×224 the blocks give 64×112×112, 128×56×56, 256×28×28, 512×14×14, 512×7×7, then
    25088 → 4096 → 4096 → num_classes. (D2L trains a narrower copy; this is the one it prints.)
    """
    blocks: OrderedDict[str, nn.Module] = OrderedDict()
    channels = in_channels
    for i, (num_convs, out_channels) in enumerate(VGG11_ARCH, start=1):
        blocks[f"block{i}"] = vgg_block(num_convs, channels, out_channels)
        channels = out_channels
    blocks["flatten"] = nn.Flatten()
    net = nn.Sequential(blocks)
    features = _features_shape("VGG-11", net, in_channels, height, width)[1]
    _add_fc_head(net, features, num_classes)
    return net


def _nin(
    *, in_channels: int = 1, height: int = 224, width: int = 224, num_classes: int = 10
) -> nn.Sequential:
    """Network in Network as in D2L §8.3 (input 1×224×224): no fc layers at all.

    The last NiN block has ``num_classes`` channels and global average pooling turns each channel
    into one logit. At 1×224×224: 96×54×54 → 96×26×26 → 256×26×26 → 256×12×12 → 384×12×12 →
    384×5×5 → (dropout) → num_classes×5×5 → num_classes×1×1 → num_classes.
    """
    net = nn.Sequential(
        OrderedDict(
            nin_block1=nin_block(in_channels, 96, kernel_size=11, stride=4, padding=0),
            pool1=nn.MaxPool2d(kernel_size=3, stride=2),
            nin_block2=nin_block(96, 256, kernel_size=5, stride=1, padding=2),
            pool2=nn.MaxPool2d(kernel_size=3, stride=2),
            nin_block3=nin_block(256, 384, kernel_size=3, stride=1, padding=1),
            pool3=nn.MaxPool2d(kernel_size=3, stride=2),
            dropout=nn.Dropout(p=0.5),
            nin_block4=nin_block(384, num_classes, kernel_size=3, stride=1, padding=1),
            avgpool=nn.AdaptiveAvgPool2d((1, 1)),
            flatten=nn.Flatten(),
        )
    )
    # No Lazy layer to size here, but the probe still tells a student when the input is too small.
    _features_shape("NiN", net, in_channels, height, width)
    return net


def _googlenet(
    *, in_channels: int = 1, height: int = 96, width: int = 96, num_classes: int = 10
) -> nn.Sequential:
    """GoogLeNet as in D2L §8.4 (the book trains it on 1×96×96), without BN or auxiliary heads.

    Stages b1 … b5 as in the book; the inception blocks are named as in the paper (3a, 3b, 4a …).
    At 1×96×96: b1 64×24×24, b2 192×12×12, b3 480×6×6, b4 832×3×3, b5 1024, fc num_classes.
    """
    b3 = OrderedDict(
        inception3a=Inception(192, 64, (96, 128), (16, 32), 32),  # → 256 channels
        inception3b=Inception(256, 128, (128, 192), (32, 96), 64),  # → 480
        pool=nn.MaxPool2d(kernel_size=3, stride=2, padding=1),
    )
    b4 = OrderedDict(
        inception4a=Inception(480, 192, (96, 208), (16, 48), 64),  # → 512
        inception4b=Inception(512, 160, (112, 224), (24, 64), 64),  # → 512
        inception4c=Inception(512, 128, (128, 256), (24, 64), 64),  # → 512
        inception4d=Inception(512, 112, (144, 288), (32, 64), 64),  # → 528
        inception4e=Inception(528, 256, (160, 320), (32, 128), 128),  # → 832
        pool=nn.MaxPool2d(kernel_size=3, stride=2, padding=1),
    )
    b5 = OrderedDict(
        inception5a=Inception(832, 256, (160, 320), (32, 128), 128),  # → 832
        inception5b=Inception(832, 384, (192, 384), (48, 128), 128),  # → 1024
        avgpool=nn.AdaptiveAvgPool2d((1, 1)),
        flatten=nn.Flatten(),
    )
    net = nn.Sequential(
        OrderedDict(
            b1=nn.Sequential(
                OrderedDict(
                    conv=nn.Conv2d(in_channels, 64, kernel_size=7, stride=2, padding=3),
                    relu=nn.ReLU(),
                    pool=nn.MaxPool2d(kernel_size=3, stride=2, padding=1),
                )
            ),
            b2=nn.Sequential(
                OrderedDict(
                    conv1=nn.Conv2d(64, 64, kernel_size=1),
                    relu1=nn.ReLU(),
                    conv2=nn.Conv2d(64, 192, kernel_size=3, padding=1),
                    relu2=nn.ReLU(),
                    pool=nn.MaxPool2d(kernel_size=3, stride=2, padding=1),
                )
            ),
            b3=nn.Sequential(b3),
            b4=nn.Sequential(b4),
            b5=nn.Sequential(b5),
        )
    )
    features = _features_shape("GoogLeNet", net, in_channels, height, width)[1]
    net.add_module("fc", nn.Linear(features, num_classes))
    return net


def _densenet(
    *, in_channels: int = 1, height: int = 96, width: int = 96, num_classes: int = 10
) -> nn.Sequential:
    """DenseNet as in D2L §8.7 (the book trains it on 1×96×96): 4 dense blocks of 4 conv blocks.

    Growth rate 32; each transition block halves the channels and H×W. At 1×96×96: b1 64×24×24,
    dense_blk1 192×24×24, tran_blk1 96×12×12, dense_blk2 224×12×12, tran_blk2 112×6×6,
    dense_blk3 240×6×6, tran_blk3 120×3×3, dense_blk4 248×3×3, last num_classes.
    """
    net = nn.Sequential(
        OrderedDict(
            b1=nn.Sequential(
                OrderedDict(
                    conv=nn.Conv2d(in_channels, 64, kernel_size=7, stride=2, padding=3),
                    bn=nn.BatchNorm2d(64),
                    relu=nn.ReLU(),
                    pool=nn.MaxPool2d(kernel_size=3, stride=2, padding=1),
                )
            )
        )
    )
    channels = 64
    for i, num_convs in enumerate(DENSENET_ARCH, start=1):
        block = DenseBlock(num_convs, channels, DENSENET_GROWTH_RATE)
        net.add_module(f"dense_blk{i}", block)
        channels = block.out_channels
        if i != len(DENSENET_ARCH):
            net.add_module(f"tran_blk{i}", transition_block(channels, channels // 2))
            channels //= 2  # the transition halves the channels, or they would keep piling up
    last = nn.Sequential(
        OrderedDict(
            bn=nn.BatchNorm2d(channels),
            relu=nn.ReLU(),
            avgpool=nn.AdaptiveAvgPool2d((1, 1)),
            flatten=nn.Flatten(),
        )
    )
    net.add_module("last", last)
    features = _features_shape("DenseNet", net, in_channels, height, width)[1]
    last.add_module("fc", nn.Linear(features, num_classes))  # D2L keeps the fc inside ``last``
    return net


_BUILDERS: dict[str, Callable[..., nn.Sequential]] = {
    "LeNet": _lenet,
    "AlexNet": _alexnet,
    "VGG-11": _vgg11,
    "NiN": _nin,
    "GoogLeNet": _googlenet,
    "DenseNet": _densenet,
}


def _check_positive_int(what: str, value: object) -> None:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(tr("The {what} must be a whole number, got {value!r}.", what=tr(what), value=value))
    if value <= 0:
        raise ValueError(tr("The {what} must be at least 1, got {value}.", what=tr(what), value=value))


def build_zoo_model(
    name: str, *, in_channels: int, height: int, width: int, num_classes: int
) -> nn.Sequential:
    """Build one of ``ZOO_PRESETS`` for (N, in_channels, height, width) inputs.

    Returns D2L's ``net``: an ``nn.Sequential`` mapping (N, in_channels, height, width) to logits
    (N, num_classes), Xavier-initialised like ``d2l.init_cnn``. Works under
    ``with torch.device("meta"):`` and with ``torch.fx.symbolic_trace``. The book's own inputs are
    1×28×28 for LeNet, 1×96×96 for GoogLeNet and DenseNet, and 1×224×224 for the rest. The size of
    the first fc layer (VGG-11's grows with H·W) follows the input, so build on the meta device
    to explore large inputs without allocating the weights.

    Raises:
        ValueError: for an unknown name, a non-positive size, or an input too small for the net.
    """
    if name not in _BUILDERS:
        raise ValueError(tr("Unknown network {name!r}: choose one of {choices}.",
                            name=name, choices=", ".join(ZOO_PRESETS)))
    _check_positive_int(N_("number of input channels"), in_channels)
    _check_positive_int(N_("input height"), height)
    _check_positive_int(N_("input width"), width)
    _check_positive_int(N_("number of classes"), num_classes)
    net = _BUILDERS[name](
        in_channels=in_channels, height=height, width=width, num_classes=num_classes
    )
    net.apply(init_cnn)
    return net
