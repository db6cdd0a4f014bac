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

Images: Gradio opens an upload or a sketch with Pillow before the handler runs -- any path a
hand-made payload names, since it checks only payloads with ``meta`` -- and fails with a generic
error on a non-image or a decompression bomb. ``CheckedImage`` and ``CheckedSketchpad`` open
nothing: they hand the payload to the handler, which confines it (``explainer.ui.file_inputs``) and
decodes it (``explainer.inside.images.load_image``), each refusal a sentence in the user's language.

``is_template`` makes the browser use the ordinary widget (Gradio's mechanism for variants).
"""

from __future__ import annotations

from typing import Any

import gradio as gr
from gradio.components.base import server
from gradio.components.image_editor import AcceptBlobs, EditorData, EditorDataBlobs
from gradio.data_classes import ImageData
from pydantic import ConfigDict, ValidationError, model_validator

from explainer.inside.images import MAX_UPLOAD_BYTES
from explainer.ui.file_inputs import FilePayload


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


def _lenient(model: type) -> type:
    """``model`` (a Gradio data model) that turns a value it cannot validate -- a string, a number, a
    field of the wrong type -- into an empty payload instead of raising pydantic's English error
    before our handler runs; the handler then refuses it with a sentence. The JSON schema (the API
    documentation) is ``model``'s."""

    class Lenient(model):  # type: ignore[misc, valid-type]
        model_config = ConfigDict(title=model.__name__)

        @model_validator(mode="wrap")
        @classmethod
        def _empty_if_invalid(cls, value: Any, handler: Any) -> Any:
            try:
                return handler(value)
            except ValidationError:
                return cls.model_construct()

    Lenient.__name__ = Lenient.__qualname__ = model.__name__
    return Lenient


class CheckedImage(gr.Image):
    """``gr.Image`` that opens nothing: its value is the payload as received (``file_inputs.FilePayload``).

    Gradio's own ``preprocess`` opens any ``path`` a hand-made payload names (Gradio checks paths only
    in payloads that carry ``meta``) and decodes ``data:`` URLs of any size. Here the handler resolves
    the payload with ``file_inputs.file_source`` -- confined to the upload folder and the shipped
    examples, data URLs within the upload limit -- and ``images.load_image`` decodes it, so every
    refusal is a sentence in the user's language. ``is_template`` makes the browser use the ordinary
    Image widget (Gradio's mechanism for component variants).
    """

    is_template = True
    data_model = _lenient(ImageData)

    def preprocess(self, payload: Any) -> FilePayload | None:
        return FilePayload.of(payload)


class CheckedSketchpad(gr.Sketchpad):
    """``gr.Sketchpad`` that opens nothing either, and reads only the composite.

    Gradio's ImageEditor fully decodes every file of a sketch (background, layers, composite) before
    the handler runs; our handlers use only the composite (what the user sees). Here the value is
    ``{"background": None, "layers": [], "composite": FilePayload}``, resolved and decoded by the
    handler like an upload. The browser may send a sketch as blobs first (``accept_blobs``): only the
    composite is kept, within the upload limit, and at most ``MAX_SKETCH_BLOBS`` sketches wait.
    """

    #: Sketches sent as blobs and not yet used by an event (each ≤ the upload limit).
    MAX_SKETCH_BLOBS = 8
    data_model = _lenient(EditorData)

    def get_block_name(self) -> str:  # the browser's ImageEditor, as for gr.Sketchpad itself
        return "imageeditor"

    get_block_class = get_block_name

    def preprocess(self, payload: Any) -> dict[str, Any] | None:
        if payload is None:
            return None
        blob_id = getattr(payload, "id", None)
        if blob_id is not None:
            cached = self.blob_storage.pop(blob_id, None)
            composite = getattr(cached, "composite", None)
            return {"background": None, "layers": [], "composite": None if composite is None else
                    FilePayload.of(composite)}
        composite = getattr(payload, "composite", None)
        return {"background": None, "layers": [], "composite": FilePayload.of(composite)}

    @server
    def accept_blobs(self, data: AcceptBlobs) -> None:
        """Keep the composite blob of a sketch (the rest is never read), bounded in size and number."""
        if data.data.get("type") != "composite" or not data.files:
            return
        blob = data.files[0][1]
        if not isinstance(blob, (bytes, bytearray)) or not 0 < len(blob) <= MAX_UPLOAD_BYTES:
            return  # an empty or oversized blob is dropped: the event then finds an empty sketch
        blob_id = str(data.data.get("id"))[:100]
        self.blob_storage.pop(blob_id, None)
        while len(self.blob_storage) >= self.MAX_SKETCH_BLOBS:
            self.blob_storage.pop(next(iter(self.blob_storage)))  # the oldest waiting sketch
        self.blob_storage[blob_id] = EditorDataBlobs(background=None, layers=[], composite=bytes(blob))
