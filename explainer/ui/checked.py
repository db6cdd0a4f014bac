"""Number and slider widgets whose server-side checks read like ours.

Gradio checks a number widget's value against its minimum/maximum before the handler runs (a
readable "Value 0 is less than minimum value 1."), but a value that is not a number at all -- text
sent through the API, ``true`` -- fails inside that check with Gradio's generic "Could not
preprocess input component …" and a Python ``TypeError``. These variants hand such values to the
handler unchanged instead; every handler checks its numbers with ``explainer.ui.common.as_int`` (or
a check like it), which says, in the user's language, which field is wrong and why. NaN (only
possible through the API) passes Gradio's bounds check and is caught by the same handler checks.

``is_template`` makes the browser use the ordinary widget (Gradio's mechanism for variants).
"""

from __future__ import annotations

from typing import Any

import gradio as gr


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


class CheckedNumber(gr.Number):
    """``gr.Number`` that leaves non-numbers for the handler to explain."""

    is_template = True

    def preprocess(self, payload: Any) -> Any:
        return super().preprocess(payload) if _is_number(payload) else payload


class CheckedSlider(gr.Slider):
    """``gr.Slider`` that leaves non-numbers for the handler to explain."""

    is_template = True

    def preprocess(self, payload: Any) -> Any:
        return super().preprocess(payload) if _is_number(payload) else payload
