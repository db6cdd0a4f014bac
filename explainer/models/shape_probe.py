"""The shape probe that replaces D2L's ``Lazy*`` layers, and the smallest input a network accepts.

D2L sizes the first ``Linear`` after ``Flatten`` lazily, on the first batch. Our builders instead run
the layers before it on an empty tensor on the meta device (no data, no memory), so a model can be
built -- and traced -- on the meta device. The same probe finds out when an input is too small for a
network: some convolution or pooling window no longer fits inside the shrinking feature map.
"""

from __future__ import annotations

from itertools import chain

import torch
from torch import nn

# Stop the "too small" search here: nothing in the zoo needs more, and the search must end.
MAX_MIN_SIZE = 4096


class InputTooSmallError(ValueError):
    """An input of ``height``×``width`` is too small for the network ``name``.

    ``smallest`` is the side of the smallest square input that fits (``None`` if above
    ``MAX_MIN_SIZE``), so a UI can say the sentence in its own words.
    """

    def __init__(self, name: str, height: int, width: int, smallest: int | None) -> None:
        self.name, self.height, self.width, self.smallest = name, height, width, smallest
        need = (f"needs inputs of at least {smallest}×{smallest} pixels" if smallest is not None
                else "needs larger inputs")
        super().__init__(f"{name} {need}; {height}×{width} is too small: a convolution or pooling window "
                         "would no longer fit inside the shrinking feature map.")

    def __reduce__(self) -> tuple[type, tuple[str, int, int, int | None]]:
        # Exceptions pickle as ``cls(*args)``; ours is built from its data, not from its message.
        return type(self), (self.name, self.height, self.width, self.smallest)


def probe_shape(net: nn.Module, in_channels: int, height: int, width: int) -> torch.Size:
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
        probe_shape(net, in_channels, height, width)
    except RuntimeError:
        return False
    return True


def min_input_size(net: nn.Module, in_channels: int) -> int | None:
    """Smallest n such that an n×n input passes through ``net`` (None if above ``MAX_MIN_SIZE``).

    Every kernel here is square and every output size grows with the input size, so "fits" is
    monotone in n and the two axes are independent: a binary search on square inputs is exact.
    """
    hi = 1
    while not _fits(net, in_channels, hi, hi):
        if hi >= MAX_MIN_SIZE:
            return None
        hi = min(2 * hi, MAX_MIN_SIZE)
    lo = hi // 2 + 1 if hi > 1 else 1  # hi // 2 failed (or hi is 1)
    while lo < hi:
        mid = (lo + hi) // 2
        if _fits(net, in_channels, mid, mid):
            hi = mid
        else:
            lo = mid + 1
    return hi


def features_shape(name: str, net: nn.Module, in_channels: int, height: int, width: int) -> torch.Size:
    """``probe_shape``, with a window-does-not-fit ``RuntimeError`` turned into ``InputTooSmallError``."""
    try:
        return probe_shape(net, in_channels, height, width)
    except RuntimeError as err:
        raise InputTooSmallError(name, height, width, min_input_size(net, in_channels)) from err
