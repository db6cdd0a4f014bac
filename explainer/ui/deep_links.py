"""The address bar carries the view: ``?tab=degradation&degradation.depth_6n_2_layers=110`` reopens a tab with
its controls set, and every change of a tab or a control rewrites the URL (``history.replaceState``).

Which controls: every visible choice, checkbox, slider and number of a tab (``collect``), keyed
``<tab>.<name>``, the name from the control's ``elem_id`` or else its (English) label, numbered when a label
repeats within a tab ("height", "height_2"). Images, uploads and free text are never linked, so nothing in a
query can name a file. A value is applied only if it is one of the control's choices, or a finite number
within its minimum and maximum, or a boolean; anything else (unknown keys too) is ignored and listed in a
note above the tabs -- never an error. The handlers check the values again, as for any request.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import gradio as gr
from gradio.blocks import BlockContext

from explainer.i18n import tr
from explainer.ui import presenter

LINKABLE = (gr.Radio, gr.Dropdown, gr.Checkbox, gr.Slider, gr.Number)
MAX_PARAMS = 60  # query parameters looked at; a longer query is cut (a link has a few dozen at most)
MAX_VALUE_CHARS = 100
TAB_KEY = "tab"
PRESENT_KEY = presenter.QUERY_KEY  # read by the page's own script (presenter mode), not a control
_SAFE = re.compile(r"[^a-z0-9]+")
_SHOWN = re.compile(r"[^a-z0-9._]+")  # what of a key the note echoes (no markup, no spaces)


@dataclass(frozen=True)
class Linked:
    """One control a link can set."""

    key: str  # "<tab>.<name>"
    component: Any


def tab_key(module_name: str) -> str:
    """The ``tab=`` value of a tab module: "degradation_tab" → "degradation"."""
    return module_name.removesuffix("_tab")


def _name(component: Any) -> str:
    label = getattr(component, "label", None)
    text = component.elem_id or getattr(label, "key", label) or type(component).__name__
    return _SAFE.sub("_", str(text).lower()).strip("_")[:40] or "control"


def _visible_children(block: Any) -> Iterable[Any]:
    for child in getattr(block, "children", []) or []:
        if getattr(child, "visible", True) is False:
            continue  # hidden API triggers and their inputs are not part of the view
        yield child
        if isinstance(child, BlockContext):
            yield from _visible_children(child)


def collect(tab: Any, module_name: str) -> list[Linked]:
    """The linkable controls of one tab, in page order, with unique keys."""
    linked: list[Linked] = []
    seen: dict[str, int] = {}
    for block in _visible_children(tab):
        if isinstance(block, LINKABLE) and getattr(block, "interactive", None) is not False:
            name = _name(block).removeprefix(f"{tab_key(module_name)}_")  # "lesson-step" → "lesson.step"
            seen[name] = seen.get(name, 0) + 1
            suffix = f"_{seen[name]}" if seen[name] > 1 else ""
            linked.append(Linked(f"{tab_key(module_name)}.{name}{suffix}", block))
    return linked


def parse(component: Any, raw: str) -> Any:
    """The value ``raw`` stands for in ``component``; ``ValueError`` (a short reason) when it cannot be applied."""
    if len(raw) > MAX_VALUE_CHARS:
        raise ValueError(tr("too long"))
    if isinstance(component, gr.Checkbox):
        if raw.lower() in ("1", "true", "yes", "on"):
            return True
        if raw.lower() in ("0", "false", "no", "off"):
            return False
        raise ValueError(tr("not a yes/no value"))
    if isinstance(component, (gr.Radio, gr.Dropdown)):
        for _label, value in component.choices:
            if str(value) == raw:
                return value
        raise ValueError(tr("not one of the choices"))
    lo, hi = getattr(component, "minimum", None), getattr(component, "maximum", None)
    try:
        number = float(raw)
    except ValueError:
        raise ValueError(tr("not a number")) from None
    if not math.isfinite(number) or lo is None or hi is None or not lo <= number <= hi:
        raise ValueError(tr("out of range"))
    step = getattr(component, "step", None)
    whole = step is None or float(step).is_integer()
    return int(number) if whole and number.is_integer() else number


def apply_query(query: Mapping[str, str], linked: list[Linked], tab_ids: Mapping[str, str]) -> tuple[str | None, list[Any], list[str]]:
    """(tab id to select or None, one value or ``None`` per linked control, ignored "key (reason)" items)."""
    by_key = {item.key: i for i, item in enumerate(linked)}
    values: list[Any] = [None] * len(linked)
    ignored: list[str] = []
    tab = None
    for n, (key, raw) in enumerate(query.items()):
        if n >= MAX_PARAMS:
            ignored.append(tr("the rest of the link (too many settings)"))
            break
        shown = _SHOWN.sub("_", key.lower())[:40]
        if key == TAB_KEY:
            if raw in tab_ids:
                tab = tab_ids[raw]
            else:
                ignored.append(tr("{key} (no such tab)", key=shown))
        elif key == PRESENT_KEY:
            continue
        elif key in by_key:
            try:
                values[by_key[key]] = parse(linked[by_key[key]].component, str(raw))
            except ValueError as err:
                ignored.append(tr("{key} ({reason})", key=shown, reason=err))
        else:
            ignored.append(tr("{key} (unknown setting)", key=shown))
    return tab, values, ignored


def url_script(tab: str, keys: list[str]) -> str:
    """JS for a change event whose inputs are a tab's linked controls: write their values into the URL."""
    return """
(...values) => {
  if (!window.__resnetLinkApplied) return [];  // the page is still opening: the link in the URL is not read yet
  const keys = KEYS;
  const url = new URL(window.location.href);
  url.searchParams.set("tab", TAB);
  keys.forEach((key, i) => {
    const v = values[i];
    if (v === null || v === undefined || typeof v === "object") url.searchParams.delete(key);
    else url.searchParams.set(key, typeof v === "boolean" ? (v ? "1" : "0") : String(v));
  });
  window.history.replaceState(null, "", url);
  return [];
}
""".replace("KEYS", json.dumps(keys)).replace("TAB", json.dumps(tab))


def tab_script(tab: str) -> str:
    """JS for a tab's select event: only ``tab=`` changes (the other tabs' settings stay in the link)."""
    return """
() => {
  // Gradio selects the first tab while the page mounts, before the load handler has read the link's tab=:
  // writing then would replace the link's tab with the first one.
  if (!window.__resnetLinkApplied) return [];
  const url = new URL(window.location.href);
  url.searchParams.set("tab", TAB);
  window.history.replaceState(null, "", url);
  return [];
}
""".replace("TAB", json.dumps(tab))


# Run after the load handler applied the URL's query: from then on, tabs and controls rewrite the URL.
LINK_APPLIED_SCRIPT = """
() => {
  window.__resnetLinkApplied = true;
  return [];
}
"""

# "Copy link": the clipboard where the browser allows it, and the link shown either way.
COPY_SCRIPT = """
() => {
  const link = window.location.href;
  try { navigator.clipboard.writeText(link).catch(() => {}); } catch (err) { /* no clipboard here */ }
  return link;
}
"""
