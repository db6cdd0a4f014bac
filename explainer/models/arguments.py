"""Checks of the whole-number arguments every builder shares (channels, sizes, classes).

Only what makes an architecture impossible is refused here -- a width of 0, a size of 2.5 -- in plain
English, as torchvision does. How *large* a value the app accepts is the app's business
(``explainer.ui.validation``), not the model's.
"""

from __future__ import annotations


def check_positive_int(what: str, value: object) -> None:
    """``ValueError`` unless ``value`` is an ``int`` (not a ``bool``) of at least 1; ``what`` names it."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"The {what} must be a whole number, got {value!r}.")
    if value <= 0:
        raise ValueError(f"The {what} must be at least 1, got {value}.")


def check_input_args(in_channels: int, height: int, width: int, num_classes: int) -> None:
    """The input (C, H, W) and the number of classes of a network: each a whole number ≥ 1."""
    for what, value in (("number of input channels", in_channels), ("input height", height),
                        ("input width", width), ("number of classes", num_classes)):
        check_positive_int(what, value)
