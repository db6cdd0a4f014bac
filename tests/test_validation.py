"""explainer.ui.validation: every value a hand-made API call can send, checked before any computation."""

from __future__ import annotations

import math

import numpy as np
import pytest

from explainer.i18n import CHINESE, use_language
from explainer.ui import validation as v

# (value, the cleaned value or the start of the refusal)
WHOLE_NUMBERS = [
    (64, 64), (64.0, 64), (np.int64(7), 7), (1, 1), (4096, 4096),
    ("64", "Input channels must be a number"), (True, "Input channels must be a number"),
    (False, "Input channels must be a number"), (None, "Input channels must be a number"),
    ([1], "Input channels must be a number"), ({"a": 1}, "Input channels must be a number"),
    (math.nan, "Input channels must be a number, got NaN"), (math.inf, "Input channels must be between 1 and 4096"),
    (-math.inf, "Input channels must be between 1 and 4096"), (10**400, "Input channels must be between 1 and 4096"),
    (-(10**400), "Input channels must be between 1 and 4096"), (0, "Input channels must be between 1 and 4096"),
    (4097, "Input channels must be between 1 and 4096"), (5.5, "Input channels must be a whole number"),
]


@pytest.mark.parametrize(("value", "expected"), WHOLE_NUMBERS, ids=[repr(w[0])[:20] for w in WHOLE_NUMBERS])
def test_whole_numbers(value: object, expected: object) -> None:
    if isinstance(expected, int):
        assert v.IN_CHANNELS(value) == expected and type(v.IN_CHANNELS(value)) is int
    else:
        with pytest.raises(ValueError, match=f"^{expected}"):
            v.IN_CHANNELS(value)


def test_a_huge_integer_is_echoed_short() -> None:
    with pytest.raises(ValueError) as info:
        v.IN_CHANNELS(10**400)
    assert len(str(info.value)) < 120


@pytest.mark.parametrize(("value", "ok"), [(0, True), (0.5, True), (1, True), (1.01, False), (-0.1, False),
                                           (math.nan, False), ("0.5", False), (True, False), (None, False)])
def test_number_between(value: object, ok: bool) -> None:
    if ok:
        assert v.number_between(value, "Overlay opacity", lo=0, hi=1) == float(value)
    else:
        with pytest.raises(ValueError, match="Overlay opacity must be"):
            v.number_between(value, "Overlay opacity", lo=0, hi=1)


@pytest.mark.parametrize(("value", "ok"), [(True, True), (False, True), (np.bool_(True), True), ("false", False),
                                           ("true", False), (0, False), (1, False), (None, False), ([], False)])
def test_flags_are_booleans_only(value: object, ok: bool) -> None:
    if ok:
        assert v.flag(value, "batch norm") is bool(value)
    else:
        with pytest.raises(ValueError, match="batch norm must be true or false"):
            v.flag(value, "batch norm")


MESSAGE = "Unknown network {name}. Choose one of: {choices}."


@pytest.mark.parametrize("value", ["nope", "x" * 1_000_000, ["ResNet-18"], 7, None, {"a": 1}, "ResNet-18 "])
def test_unknown_names_are_refused_and_echoed_at_most_40_characters(value: object) -> None:
    with pytest.raises(ValueError) as info:
        v.known_name(value, ["ResNet-18", "ResNet-50"], MESSAGE)
    text = str(info.value)
    assert text.startswith("Unknown network") and "ResNet-18, ResNet-50" in text
    assert len(text) < len(MESSAGE) + 2 * v.ECHO_CHARS + 40


def test_known_names_dedupe_and_bound() -> None:
    choices = ["Saliency", "Grad-CAM"]
    assert v.known_names(["Grad-CAM", "Saliency", "Grad-CAM"], choices, MESSAGE, label="Methods") == ["Grad-CAM",
                                                                                                       "Saliency"]
    assert v.known_names([], choices, MESSAGE, label="Methods") == []
    for bad in ("Saliency", None, 3, {"Saliency": 1}):
        with pytest.raises(ValueError, match="Methods must be a list of names"):
            v.known_names(bad, choices, MESSAGE, label="Methods")
    with pytest.raises(ValueError, match="at most 2 names"):
        v.known_names(["Saliency"] * 9, choices, MESSAGE, label="Methods")
    with pytest.raises(ValueError, match="Unknown network"):
        v.known_names(["Saliency", "Nope"], choices, MESSAGE, label="Methods")


@pytest.mark.parametrize(("value", "expected"), [(56, 56), (8, 8), (110, 110), (122, "Depth must be between 8 and 110"),
                                                 (57, "6n\\+2"), ("56", "Depth must be a number"),
                                                 (True, "Depth must be a number")])
def test_depth(value: object, expected: object) -> None:
    if isinstance(expected, int):
        assert v.depth(value) == expected
    else:
        with pytest.raises(ValueError, match=expected):
            v.depth(value)


def test_live_depth_and_steps_limits() -> None:
    assert v.live_depth(56) == 56
    with pytest.raises(ValueError, match="between 8 and 56"):
        v.live_depth(110)
    with pytest.raises(ValueError, match="Steps must be between 10 and"):
        v.STEPS(9)


def test_refusals_are_in_the_users_language() -> None:
    with use_language(CHINESE), pytest.raises(ValueError, match="必须是数字"):
        v.IN_CHANNELS("64")
    with use_language(CHINESE), pytest.raises(ValueError, match="true 或 false"):
        v.flag("false", "batch norm")
