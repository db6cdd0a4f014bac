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
  ``Flatten`` gets its ``in_features`` from a *shape probe* (``explainer.models.shape_probe``) -- the
  layers before it run on an empty tensor on the meta device -- so a model can be built on, and
  traced on, the meta device.
* every activation is its own module (``F.relu`` in D2L's Inception becomes ``relu1_1`` …), never
  in-place, so forward hooks fire once per layer and Captum works (GUIDE §3, lesson 4).
* submodules have names (``conv1``, ``relu1``, ``b3.inception3a``, ``dense_blk2``) instead of
  indices, to be readable in a shape table; integer indexing ``net[0]`` still works.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable

from torch import nn

from explainer.models.arguments import check_input_args
from explainer.models.modern_cnn_blocks import DenseBlock, Inception, nin_block, transition_block, vgg_block
from explainer.models.shape_probe import features_shape

ZOO_PRESETS: tuple[str, ...] = ("LeNet", "AlexNet", "VGG-11", "NiN", "GoogLeNet", "DenseNet")

# D2L's ``VGG(arch=((1, 64), (1, 128), (2, 256), (2, 512), (2, 512)))``: (convs, channels).
VGG11_ARCH: tuple[tuple[int, int], ...] = ((1, 64), (1, 128), (2, 256), (2, 512), (2, 512))
# D2L's ``DenseNet(num_channels=64, growth_rate=32, arch=(4, 4, 4, 4))``.
DENSENET_ARCH: tuple[int, ...] = (4, 4, 4, 4)
DENSENET_GROWTH_RATE = 32


def init_cnn(module: nn.Module) -> None:
    """D2L's ``init_cnn``: Xavier-uniform weights for every Linear and Conv2d (biases untouched)."""
    if type(module) in (nn.Linear, nn.Conv2d):
        nn.init.xavier_uniform_(module.weight)


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
    features = features_shape("LeNet", net, in_channels, height, width)[1]
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
    features = features_shape("AlexNet", net, in_channels, height, width)[1]
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
    features = features_shape("VGG-11", net, in_channels, height, width)[1]
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
    features_shape("NiN", net, in_channels, height, width)
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
    features = features_shape("GoogLeNet", net, in_channels, height, width)[1]
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
    features = features_shape("DenseNet", net, in_channels, height, width)[1]
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
        ValueError: for an unknown name or a size that is not a whole number ≥ 1;
        InputTooSmallError (a ``ValueError``): for an input too small for the net.
    """
    if name not in _BUILDERS:
        raise ValueError(f"Unknown network {name!r}: choose one of {', '.join(ZOO_PRESETS)}.")
    check_input_args(in_channels, height, width, num_classes)
    net = _BUILDERS[name](
        in_channels=in_channels, height=height, width=width, num_classes=num_classes
    )
    net.apply(init_cnn)
    return net
