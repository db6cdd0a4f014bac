"""Every value a user (or a hand-made API call) sends, checked in one place, refused in the user's language.

The model code below ``explainer.models`` knows nothing of this: it raises plain ``ValueError``s for
architectures that cannot exist. The *limits* here are the app's own (how large a table is still
worth reading, how long one request may hold the server); each is a named constant, and every handler
checks its inputs through these functions before any computation starts.

Each check returns the cleaned value or raises ``ValueError`` whose message is already translated
(``tr``); ``explainer.ui.boundary`` turns it into a ``gr.Error``.
"""

from __future__ import annotations

import math
import reprlib
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np

from explainer.degradation.live_run import LIVE_MAX_DEPTH, LIVE_MAX_STEPS
from explainer.degradation.nets import MIN_DEPTH, check_depth
from explainer.i18n import N_, tr

# --- The app's limits (documented in the README's "Limits" table; tests check both agree) ---------
#: Channels of a configured block or a network's input: more builds a model nobody can read.
MAX_CHANNELS = 4096
#: Height/width of an input in the shape tables: larger inputs teach nothing new and make tables slow.
MAX_SIDE = 1024
#: Output classes of a network preset.
MAX_CLASSES = 100_000
#: Deepest CIFAR-style net the widgets and the server accept: He et al.'s deepest CIFAR net (the logic
#: allows a little more, ``nets.MAX_DEPTH``, for scripts).
MAX_DEPTH = 110
#: Fewest steps of the live mini-run worth drawing (the plot smooths over 10).
MIN_LIVE_STEPS = 10


#: Longest name (preset, method, layer…) read at all, and how much of an unknown one is echoed back.
MAX_NAME_CHARS = 200
ECHO_CHARS = 40
#: Integers beyond this are refused before any arithmetic (a 400-digit JSON integer cannot be a float).
_LARGEST_INT = 2**53


#: repr() of containers with a few items of each level (a million-item list is never printed whole).
_SHORT_REPR = reprlib.Repr()  # keyword arguments only from Python 3.12
_SHORT_REPR.maxlevel = 2
_SHORT_REPR.maxtuple = _SHORT_REPR.maxlist = _SHORT_REPR.maxdict = _SHORT_REPR.maxset = _SHORT_REPR.maxfrozenset = 4
_SHORT_REPR.maxstring = _SHORT_REPR.maxother = ECHO_CHARS


def echo(value: Any) -> str:
    """``repr(value)`` cut to ``ECHO_CHARS`` characters: enough to recognise it, never a megabyte -- and
    never *built* from a megabyte: a long string is cut before ``repr``, a container shows a few items."""
    if isinstance(value, str):
        text = repr(value[:ECHO_CHARS + 1])
    elif isinstance(value, (list, tuple, dict, set, frozenset)):
        text = _SHORT_REPR.repr(value)
    else:
        text = repr(value)
    return text if len(text) <= ECHO_CHARS else text[:ECHO_CHARS] + "…"


def _as_number(value: Any, label: str, lo: float, hi: float) -> float:
    """A JSON number (int or float, not a boolean, not text) as a float, or ``ValueError`` naming the field."""
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise ValueError(tr("{name} must be a number, got {value}.", name=tr(label), value=echo(value)))
    if isinstance(value, (int, np.integer)) and abs(int(value)) > _LARGEST_INT:
        raise ValueError(tr("{name} must be between {lo} and {hi}, got {value}.", name=tr(label), lo=lo, hi=hi,
                            value=echo(value)))
    number = float(value)
    if number != number:  # NaN
        raise ValueError(tr("{name} must be a number, got NaN.", name=tr(label)))
    return number


def whole_number(value: Any, label: str, *, lo: int, hi: int) -> int:
    """``value`` as an int within [lo, hi], or ``ValueError`` naming the field (``label`` is a message id)."""
    number = _as_number(value, label, lo, hi)
    if number in (math.inf, -math.inf):
        raise ValueError(tr("{name} must be between {lo} and {hi}, got {value}.", name=tr(label), lo=lo, hi=hi,
                            value=echo(value)))
    if not number.is_integer():
        raise ValueError(tr("{name} must be a whole number, got {value}.", name=tr(label), value=echo(value)))
    number_i = int(number)
    if not lo <= number_i <= hi:
        raise ValueError(tr("{name} must be between {lo} and {hi}, got {value}.", name=tr(label), lo=lo, hi=hi,
                            value=number_i))
    return number_i


def number_between(value: Any, label: str, *, lo: float, hi: float) -> float:
    """``value`` as a float within [lo, hi] (NaN, infinities and text refused), or ``ValueError`` naming the field."""
    number = _as_number(value, label, lo, hi)
    if not lo <= number <= hi:
        raise ValueError(tr("{name} must be between {lo} and {hi}, got {value}.", name=tr(label), lo=lo, hi=hi,
                            value=echo(value)))
    return number


def flag(value: Any, label: str) -> bool:
    """A checkbox value: ``True`` or ``False`` only (the text ``"false"`` would otherwise be truthy)."""
    if not isinstance(value, (bool, np.bool_)):
        raise ValueError(tr("{name} must be true or false, got {value}.", name=tr(label), value=echo(value)))
    return bool(value)


def known_name(value: Any, choices: Iterable[str], message: str) -> str:
    """``value`` if it is one of ``choices``; otherwise ``ValueError`` with ``message`` (a message id with the
    fields ``{name}`` -- the value, cut to ``ECHO_CHARS`` -- and ``{choices}``)."""
    options = list(choices)
    if not isinstance(value, str) or len(value) > MAX_NAME_CHARS or value not in options:
        raise ValueError(tr(message, name=echo(value), choices=", ".join(options)))
    return value


def known_names(values: Any, choices: Iterable[str], message: str, *, label: str) -> list[str]:
    """A list of names, each one of ``choices``: duplicates dropped (first kept), at most ``len(choices)``
    items read; ``ValueError`` for anything else (``message`` as in ``known_name``)."""
    options = list(choices)
    if isinstance(values, str) or not isinstance(values, (list, tuple)):
        raise ValueError(tr("{name} must be a list of names, got {value}.", name=tr(label), value=echo(values)))
    if len(values) > 4 * len(options):
        raise ValueError(tr("{name}: at most {limit} names, got {count}.", name=tr(label), limit=len(options),
                            count=len(values)))
    unique: list[str] = []
    for value in values:
        name = known_name(value, options, message)
        if name not in unique:
            unique.append(name)
    return unique


@dataclass(frozen=True)
class WholeNumberField:
    """A numeric widget's server-side check: its label (a message id) and its range."""

    label: str
    lo: int
    hi: int

    def __call__(self, value: Any) -> int:
        return whole_number(value, self.label, lo=self.lo, hi=self.hi)


# The numeric fields of the app, by the name of the handler argument they check.
IN_CHANNELS = WholeNumberField(N_("Input channels"), 1, MAX_CHANNELS)
OUT_CHANNELS = WholeNumberField(N_("Output channels"), 1, MAX_CHANNELS)
HEIGHT = WholeNumberField(N_("Height"), 1, MAX_SIDE)
WIDTH = WholeNumberField(N_("Width"), 1, MAX_SIDE)
NUM_CLASSES = WholeNumberField(N_("Number of classes"), 1, MAX_CLASSES)
STRIDE = WholeNumberField(N_("Stride"), 1, 2)
STEPS = WholeNumberField(N_("Steps"), MIN_LIVE_STEPS, LIVE_MAX_STEPS)


def depth(value: Any, *, hi: int = MAX_DEPTH) -> int:
    """A CIFAR-style depth: a whole number in [MIN_DEPTH, hi] that is 6n+2 (the rule, and the nearest
    valid depths it suggests, are the logic's: ``nets.check_depth``)."""
    return check_depth(whole_number(value, N_("Depth"), lo=MIN_DEPTH, hi=hi), hi=hi)


def live_depth(value: Any) -> int:
    """The depth of the live mini-run, which trains for real and so stops at ``LIVE_MAX_DEPTH``."""
    return depth(value, hi=LIVE_MAX_DEPTH)
