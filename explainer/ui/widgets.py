"""Widgets whose values are checked by our handlers, not by Gradio, so every refusal names the field in
the user's language.

Numbers: Gradio checks a number widget's value against its minimum/maximum before the handler runs.
Its sentence ("Value 0 is less than minimum value 1.") names no field and is always English, and a
value that is not a number at all -- text sent through the API, ``true`` -- fails inside that check
with the generic "Could not preprocess input component …" and a Python ``TypeError``.
``CheckedNumber`` and ``CheckedSlider`` hand every value to the handler unchanged; every handler
checks its numbers with ``explainer.ui.validation`` (``whole_number``, ``number_between``), which
enforces the server's limits and says which field is wrong and why. The widgets' own
minimum/maximum still bound what the browser lets a user pick.

Images: Gradio decodes an upload or a sketch with Pillow before the handler runs and fails with a
generic error on a non-image or a decompression bomb. ``CheckedImage`` and ``CheckedSketchpad`` hand
such a file to the handler instead, where ``explainer.inside.images.load_image`` says what is wrong.

``is_template`` makes the browser use the ordinary widget (Gradio's mechanism for variants).
"""

from __future__ import annotations

from typing import Any

import gradio as gr

from explainer.inside import images


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


class CheckedImage(gr.Image):
    """``gr.Image`` whose upload-decoding failures read like ours.

    Gradio opens every uploaded image with Pillow before our handler runs; a non-image or a
    decompression bomb would fail there with a generic "could not preprocess" error. Here such a
    failure hands the handler the uploaded file as it is, and ``images.load_image`` (inside the
    handler, so in the user's language) says what is wrong with it. ``is_template`` makes the
    browser use the ordinary Image widget (Gradio's mechanism for component variants).
    """

    is_template = True

    def preprocess(self, payload: Any) -> Any:
        try:
            return super().preprocess(payload)
        except gr.Error:
            raise
        except Exception:  # noqa: BLE001 -- any decoding failure of an upload
            path = getattr(payload, "path", None)
            if path is None:
                raise
            return str(path)


class CheckedSketchpad(gr.Sketchpad):
    """``gr.Sketchpad`` that never lets Gradio decode a bad file, like ``CheckedImage``.

    Gradio's ImageEditor fully decodes every file of a sketch (background, layers, composite) before
    our handler runs, and fails on a non-image with its generic error. Here the files' headers are
    checked first (size, format, pixel count: no bomb is decoded), and on any failure the handler
    gets the offending file as the composite, so ``images.load_image`` says what is wrong with it.
    """

    def get_block_name(self) -> str:  # the browser's ImageEditor, as for gr.Sketchpad itself
        return "imageeditor"

    get_block_class = get_block_name

    def preprocess(self, payload: Any) -> Any:
        parts = [] if payload is None else [payload.composite, payload.background, *(payload.layers or [])]
        paths = [str(p.path) for p in parts if getattr(p, "path", None)]
        checking = None
        try:
            for checking in paths:
                images.check_image_file(checking)
            checking = paths[0] if paths else None
            return super().preprocess(payload)
        except gr.Error:
            raise
        except Exception:  # noqa: BLE001 -- any decoding failure of a sketch file
            if checking is None:
                raise
            return {"background": None, "layers": [], "composite": checking}
