"""Number and slider widgets whose values are checked by our handlers, not by Gradio.

Gradio checks a number widget's value against its minimum/maximum before the handler runs. Its
sentence ("Value 0 is less than minimum value 1.") names no field and is always English, and a value
that is not a number at all -- text sent through the API, ``true`` -- fails inside that check with
the generic "Could not preprocess input component …" and a Python ``TypeError``. These variants hand
every value to the handler unchanged; every handler checks its numbers with
``explainer.ui.common.as_int`` (or a check like it), which enforces the server's limits and says, in
the user's language, which field is wrong and why. The widgets' own minimum/maximum still bound
what the browser lets a user pick.

``is_template`` makes the browser use the ordinary widget (Gradio's mechanism for variants).
"""

from __future__ import annotations

from typing import Any

import gradio as gr


class CheckedNumber(gr.Number):
    """``gr.Number`` that leaves every value for the handler to check and explain."""

    is_template = True

    def preprocess(self, payload: Any) -> Any:
        return payload


class CheckedSlider(gr.Slider):
    """``gr.Slider`` that leaves every value for the handler to check and explain."""

    is_template = True

    def preprocess(self, payload: Any) -> Any:
        return payload
