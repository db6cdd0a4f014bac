"""Presenter mode: the page as a teacher shows it on a projector (issue 15).

Switched on by the "Presenter mode" checkbox or a link with ``?present=1``; off by default. The choice
travels like the language: the page's script keeps it in a cookie (``COOKIE``) and on ``<body>`` as the
class ``presenter``, and every request carries the cookie, so the server renders figures for it.

Two halves:

* the browser half, ``PAGE_CSS``: larger theme text, rows stacked so every figure and table gets the full
  width, plot labels above the image instead of over its title, tables that wrap instead of scrolling,
  and secondary notes (the grey descriptions under controls, elements with the class ``secondary-note``)
  collapsed;
* the server half, ``projector_figure``: a finished matplotlib Figure redrawn with every text and line
  ``SCALE`` times larger *relative to the figure*, at the same pixel size. ``compute_once.png_plot`` and
  the error boundary apply it to what a request returns while ``presenting()``; cached views are keyed by
  it (``compute_once.view``).

Nothing here is process-wide: the flag is a context variable set per request by the boundary, and a
figure is restyled in place only after its handler made it for this request.
"""

from __future__ import annotations

import contextlib
import warnings
from collections.abc import Iterator, Mapping
from contextvars import ContextVar
from typing import Any

from matplotlib.collections import Collection
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.text import Text

COOKIE = "resnet_explainer_present"
QUERY_KEY = "present"  # ?present=1 / ?present=0 in a link (read by the page's script)
#: How much larger text, lines and markers are drawn relative to the figure (the figures are shown pixel for
#: pixel in presenter mode: measured by ``scripts/presenter_text_sizes.py``).
SCALE = 1.5
#: No text smaller than this many pixels of the PNG (issue 15: ≥ ~20 px on a 1280×720 screen at 100 %).
MIN_TEXT_PX = 20.0
#: The widest a figure is shown without shrinking on a 1280-px screen in presenter mode (the column's width,
#: measured in Chromium: 1214 px).
SHOWN_WIDTH_PX = 1200.0

_presenting: ContextVar[bool] = ContextVar("resnet_explainer_presenting", default=False)


def presenting() -> bool:
    """Whether the current request asked for presenter mode."""
    return _presenting.get()


@contextlib.contextmanager
def use_presenter(on: bool) -> Iterator[None]:
    """Render in presenter mode (or not) inside this block; the previous mode is restored after it."""
    token = _presenting.set(bool(on))
    try:
        yield
    finally:
        _presenting.reset(token)


def cookie_presenting(cookies: Mapping[str, str] | None) -> bool:
    """The presenter flag a request's cookies carry ("1" on; anything else, or none, off)."""
    return (cookies or {}).get(COOKIE) == "1"


def projector_figure(fig: Figure, scale: float = SCALE) -> Figure:
    """Restyle ``fig`` in place for a projector and return it.

    The figure keeps its size; every text, line, marker and tick is drawn ``scale`` times larger (text at
    least ``MIN_TEXT_PX`` pixels of the image), with
    public artist setters only (matplotlib's ``savefig`` keeps a figure's *original* dpi, so changing the
    dpi would not enlarge anything). Figures with axes and no layout engine are re-laid out with
    ``tight_layout`` so larger tick labels and titles stay inside. Restyling twice is a no-op.
    """
    if getattr(fig, "_projector_scale", None):
        return fig
    # The PNG is shown pixel for pixel in presenter mode, unless it is wider than the page's column: then the
    # browser shrinks it, and the floor grows by as much (the lesion plot: 1360 px, shown at 1214).
    width_px = fig.get_figwidth() * fig.get_dpi()
    floor_pt = MIN_TEXT_PX * max(1.0, width_px / SHOWN_WIDTH_PX) * 72 / fig.get_dpi()
    for text in fig.findobj(Text):
        text.set_fontsize(max(text.get_fontsize() * scale, floor_pt))
    for line in fig.findobj(Line2D):
        line.set_linewidth(line.get_linewidth() * scale)
        line.set_markersize(line.get_markersize() * scale)
        line.set_markeredgewidth(line.get_markeredgewidth() * scale)
    for coll in fig.findobj(Collection):
        coll.set_linewidths([w * scale for w in coll.get_linewidths()])
        if hasattr(coll, "get_sizes") and len(coll.get_sizes()):
            coll.set_sizes(coll.get_sizes() * scale**2)  # scatter sizes are areas
    for patch in fig.findobj(Patch):
        if patch is not fig.patch:
            patch.set_linewidth(patch.get_linewidth() * scale)
    for ax in fig.axes:
        ax.tick_params(which="major", length=3.5 * scale, width=0.8 * scale)
    if fig.get_layout_engine() is None and any(ax.axison for ax in fig.axes):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # "not compatible with tight_layout" for odd axes: keep as drawn
            try:
                fig.tight_layout()
            except (ValueError, RuntimeError):
                pass  # a layout that cannot be tightened is left as its author placed it
    fig._projector_scale = scale  # type: ignore[attr-defined]
    return fig


def restyle_outputs(result: Any) -> Any:
    """``projector_figure`` applied to every Figure in a handler's result (a value, tuple, list or update dict)."""
    if isinstance(result, Figure):
        return projector_figure(result)
    if isinstance(result, tuple):
        return tuple(restyle_outputs(r) for r in result)
    if isinstance(result, list):
        return [restyle_outputs(r) for r in result]
    if isinstance(result, dict) and isinstance(result.get("value"), Figure):
        return {**result, "value": projector_figure(result["value"])}
    return result


def min_text_px(fig: Figure) -> float:
    """The smallest font size, in pixels of the rendered image, of the figure's visible non-empty texts."""
    sizes = [t.get_fontsize() * fig.get_dpi() / 72 for t in fig.findobj(Text)
             if t.get_visible() and t.get_text().strip()]
    return min(sizes) if sizes else float("nan")


# The browser half. Gradio's theme sizes are CSS variables; ``body.presenter`` is set by the page's script.
PAGE_CSS = """
body.presenter, body.presenter .gradio-container {
  --text-xxs: 16px; --text-xs: 18px; --text-sm: 20px; --text-md: 21px; --text-lg: 24px; --text-xl: 28px;
  --text-xxl: 34px; --block-label-text-size: 20px; --block-title-text-size: 22px; --block-info-text-size: 18px;
  --checkbox-label-text-size: 20px; --section-header-text-size: 20px; --input-text-size: 20px;
  --prose-text-size: 21px; --button-large-text-size: 22px; --button-small-text-size: 18px;
  --table-text-size: 20px;
}
body.presenter .prose, body.presenter .prose * { font-size: var(--prose-text-size); }
body.presenter .prose h1 { font-size: 36px; }
body.presenter .prose h2 { font-size: 30px; }
body.presenter .prose h3 { font-size: 25px; }
/* one column inside the tabs: every figure and table gets the page's full width */
body.presenter .tabitem .row { flex-direction: column !important; }
body.presenter .tabitem .row > * { width: 100% !important; max-width: 100% !important; }
/* the prediction's class list (gr.Label) has its own fixed 14 px */
body.presenter .confidence-set dt, body.presenter .confidence-set dd { font-size: 20px !important; }
/* tables wrap their cells instead of cutting them off or scrolling sideways */
body.presenter .cell-wrap, body.presenter .cell-wrap * { white-space: normal !important; overflow-wrap: anywhere; }
body.presenter table td, body.presenter table th { white-space: normal !important; overflow-wrap: anywhere; }
/* secondary notes collapsed: the grey descriptions under controls, and our own .secondary-note blocks */
body.presenter .tabitem .info-text, body.presenter .secondary-note { display: none !important; }
/* a plot's label chip sits above the image, never over the figure's title (in every mode) */
.block:has([data-testid="matplotlib"]) > [data-testid="block-label"].float:not(.sr-only) {
  position: static !important; margin-bottom: 6px;
}
"""
