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

Choices: Gradio's own check of a ``gr.Radio``, ``gr.Dropdown`` or ``gr.CheckboxGroup`` value answers
"Value: <the whole value> … is not in the list of choices: …" -- in English, a megabyte name sent back
whole, ``true`` taken for the choice ``1``; a string where a list belongs is read letter by letter, a
dict by its keys, ``None`` fails with Python's text. ``CheckedRadio``, ``CheckedDropdown`` and
``CheckedCheckboxGroup`` keep Gradio's behaviour for every valid value (``type="index"`` included)
and refuse everything else in ``preprocess`` with a sentence that names the field (its label) and
echoes at most ``validation.ECHO_CHARS`` characters; lists are bounded by the number of choices and
deduplicated. ``gradio_patches.events_in_request_language`` runs ``preprocess`` in the request's
language. Choices may be ``(label, value)`` pairs: the label (``T(...)``) is what the browser shows,
in the user's language; the value (English) is what the API sends and the handler gets.

Examples: ``gr.Examples``' loader hands the index a client sends to Python's list indexing -- ``-1``
loads the last example, anything else out of range fails with Python's text. ``CheckedExamples``
loads an example through a handler of ours that accepts only the indices shown.

``is_template`` makes the browser use the ordinary widget (Gradio's mechanism for variants).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any, NoReturn

import gradio as gr
from gradio import processing_utils
from gradio.components.base import Component, server
from gradio.components.image_editor import AcceptBlobs, EditorData, EditorDataBlobs
from gradio.data_classes import ImageData
from gradio.i18n import I18nData
from pydantic import ConfigDict, ValidationError, model_validator

from explainer.i18n import N_, tr
from explainer.inside.images import MAX_UPLOAD_BYTES
from explainer.ui.boundary import ui_errors
from explainer.ui.file_inputs import FilePayload
from explainer.ui.validation import MAX_NAME_CHARS, echo, whole_number


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


# --- choices ----------------------------------------------------------------------------------------

NOT_A_CHOICE = N_("{name} must be one of {choices}, got {value}.")
NOT_A_LIST = N_("{name} must be a list of names, got {value}.")
TOO_MANY = N_("{name}: at most {limit} names, got {count}.")
NOT_A_VALUE = N_("{name} must be a name or a number, got {value}.")
#: How many choices a refusal lists (a layer list is long; the widget shows them all anyway).
LISTED_CHOICES = 12


def _field(component: gr.components.Component) -> str:
    """The component's label in the current language (a ``T(...)`` label is a message id)."""
    label = component.label
    if isinstance(label, I18nData):
        return tr(label.key)
    return tr(label) if isinstance(label, str) and label else tr(N_("This field"))


def _values(component: Any) -> list[Any]:
    """The API values of the component's choices (per session: ``gr.update(choices=...)`` is reflected)."""
    return [value for _, value in component.choices]


def _refuse(component: gr.components.Component, message: str, **fields: Any) -> NoReturn:
    raise gr.Error(tr(message, name=_field(component), **fields))


def _listed(values: Sequence[Any]) -> str:
    shown = ", ".join(str(v) for v in values[:LISTED_CHOICES])
    return shown + (", …" if len(values) > LISTED_CHOICES else "")


def _same(payload: Any, value: Any) -> bool:
    """JSON equality: a boolean is not the number 1 (``True == 1`` in Python), text is not a number."""
    if isinstance(payload, bool) or isinstance(value, bool):
        return isinstance(payload, bool) and isinstance(value, bool) and payload is value
    if isinstance(payload, (int, float)) and isinstance(value, (int, float)):
        return payload == value
    return type(payload) is type(value) and payload == value


def _custom_value(payload: Any) -> bool:
    """A value a ``gr.Dropdown(allow_custom_value=True)`` may keep: a bounded name or an ordinary number."""
    if isinstance(payload, str):
        return len(payload) <= MAX_NAME_CHARS
    if isinstance(payload, int) and not isinstance(payload, bool):
        return abs(payload) <= 2**53  # a 400-digit integer is no dropdown entry (and no float)
    return isinstance(payload, float) and math.isfinite(payload)


def _one(component: Any, payload: Any, *, custom: bool = False) -> Any:
    """The choice value ``payload`` names, or a refusal. ``custom``: any bounded name or number is kept
    (``gr.Dropdown(allow_custom_value=True)``)."""
    values = _values(component)
    for value in values:
        if _same(payload, value):
            return value
    if custom and _custom_value(payload):
        return payload
    if custom:
        _refuse(component, NOT_A_VALUE, value=echo(payload))
    _refuse(component, NOT_A_CHOICE, choices=_listed(values), value=echo(payload))


def _many(component: Any, payload: Any, limit: int | None = None, *, custom: bool = False) -> list[Any]:
    """The distinct choice values of a list ``payload`` (first occurrence kept), at most ``limit`` of them
    (default: as many as there are choices), or a refusal. ``None`` is an empty selection."""
    if payload is None:
        return []
    if not isinstance(payload, list):  # a string would otherwise be read letter by letter, a dict by its keys
        _refuse(component, NOT_A_LIST, value=echo(payload))
    limit = limit or max(1, len(_values(component)))
    if len(payload) > limit:
        _refuse(component, TOO_MANY, limit=limit, count=len(payload))
    picked: list[Any] = []
    for item in payload:
        value = _one(component, item, custom=custom)
        if not any(_same(value, p) for p in picked):
            picked.append(value)
    return picked


def _as_type(component: Any, picked: Any) -> Any:
    """Gradio's ``type`` for valid values: the value itself, or its index among the choices (``None`` for
    a custom value, as Gradio's Dropdown gives)."""
    if component.type != "index":
        return picked
    values = _values(component)

    def index(v: Any) -> int | None:
        return next((i for i, c in enumerate(values) if _same(v, c)), None)

    return [index(v) for v in picked] if isinstance(picked, list) else index(picked)


class CheckedRadio(gr.Radio):
    """``gr.Radio`` whose refusals are sentences in the user's language (module docstring)."""

    is_template = True

    def preprocess(self, payload: Any) -> Any:
        if payload is None:
            return None
        return _as_type(self, _one(self, payload))


class CheckedDropdown(gr.Dropdown):
    """``gr.Dropdown`` (single or ``multiselect``, ``allow_custom_value`` too) whose refusals are sentences
    in the user's language; a multiselect list is deduplicated and bounded by ``max_choices`` or the
    number of choices."""

    is_template = True

    def preprocess(self, payload: Any) -> Any:
        if payload is None:
            return None
        if self.multiselect:
            limit = self.max_choices or (None if not self.allow_custom_value else len(_values(self)) + 16)
            return _as_type(self, _many(self, payload, limit, custom=self.allow_custom_value))
        return _as_type(self, _one(self, payload, custom=self.allow_custom_value))


class CheckedCheckboxGroup(gr.CheckboxGroup):
    """``gr.CheckboxGroup`` whose refusals are sentences in the user's language; the list is deduplicated
    (first occurrence kept) and at most as long as the choices."""

    is_template = True

    def preprocess(self, payload: Any) -> Any:
        return _as_type(self, _many(self, payload))


# --- examples ---------------------------------------------------------------------------------------


class CheckedExamples:
    """``gr.Examples(examples, inputs, label=...)`` whose loader accepts only the indices it shows.

    Gradio 6.31's ``gr.Examples`` hands the index a client sends to Python's list indexing: ``-1`` loads
    the last example; an index out of range, a string or ``10**400`` fails with Python's text inside
    Gradio's generic error. Here a ``gr.Dataset`` of the same samples (``type="index"`` passes the index
    on untouched; the Dataset has no data model that could fail first) triggers ``load``, a
    ``ui_errors`` handler that checks the index (``validation.whole_number``, 0 … n−1) and answers in
    the user's language. As in ``gr.Examples``, the samples are post-processed once, when the page is
    built (their files copied into Gradio's cache, kept there: ``keep_in_cache``), the event keeps the
    endpoint name ``/load_example`` (undocumented) and runs without the queue; no caching, no ``fn``.
    """

    def __init__(self, examples: Sequence[Any], inputs: Component | Sequence[Component], *, label: Any = None,
                 examples_per_page: int = 10, api_name: str = "load_example") -> None:
        self.inputs = [inputs] if isinstance(inputs, Component) else list(inputs)
        self.samples = [list(e) if isinstance(e, (list, tuple)) else [e] for e in examples]
        if any(len(sample) != len(self.inputs) for sample in self.samples):
            raise ValueError("every example needs one value per input component")
        self.processed = [[self._postprocessed(c, v) for c, v in zip(self.inputs, sample)] for sample in self.samples]
        self.dataset = gr.Dataset(components=self.inputs, samples=self.samples, type="index", label=label,
                                  samples_per_page=examples_per_page)
        self.load_input_event = self.dataset.click(
            ui_errors(self.load), inputs=[self.dataset], outputs=self.inputs, postprocess=False, queue=False,
            show_progress="hidden", api_name=api_name, api_visibility="undocumented")

    @staticmethod
    def _postprocessed(component: Component, value: Any) -> Any:
        """What the browser receives for ``value`` (``gr.Examples._get_processed_example``, files kept)."""
        out = component.postprocess(value)
        if hasattr(out, "model_dump"):
            out = out.model_dump()
        return processing_utils.move_files_to_cache(out, component, postprocess=True, keep_in_cache=True)

    def load(self, index: Any) -> Any:
        """Example ``index`` (0 … n−1) as updates of the input components (one update for one input)."""
        i = whole_number(index, N_("Example number"), lo=0, hi=len(self.samples) - 1)
        updates = [gr.update(value=value) for value in self.processed[i]]
        return updates[0] if len(updates) == 1 else updates
