"""How large the figures' text is on a projector, with presenter mode off and on (issue 15 item 3).

``python scripts/presenter_text_sizes.py`` prints two tables:

1. every figure the page's sections draw with their default settings (each section's refresh handler,
   called in this process exactly as a page load calls it), with the smallest font in the PNG's own
   pixels, off and on;
2. how the browser shows them: Debian's Chromium at 1280×720 and 100 % zoom opens each tab with
   ``?present=0`` and ``?present=1`` and reads every plot image's displayed width over its natural
   width (1.0 = shown pixel for pixel; below 1 the browser shrinks it, and its text with it).

The smallest figure text on screen is (1) × (2); part 3 gives the smallest page text (HTML) per tab. Needs Chromium (``apt-get install chromium``) for part 2;
``--no-browser`` skips it.
"""

from __future__ import annotations

import argparse
import importlib
import os
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from matplotlib.figure import Figure

from explainer import runtime
from explainer.ui import compute_once
from explainer.ui.presenter import min_text_px, use_presenter

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--disable-quic"]
TABS = ["lesson_tab", "blocks_tab", "degradation_tab", "inside_tab"]


def figure_sizes() -> dict[tuple[str, int], dict[bool, tuple[float, int]]]:
    """(section handler, figure number) → {presenter on?: (smallest font in PNG pixels, PNG width)}."""
    import gradio as gr

    drawn: list[Figure] = []
    encode = compute_once.encode_plot_to_base64

    def recording(fig: Figure, fmt: str = "png") -> str:  # what png_plot sends, measured first
        drawn.append(fig)
        return encode(fig, fmt)

    compute_once.encode_plot_to_base64 = recording
    refreshes: list[Any] = []
    with gr.Blocks():
        for name in TABS:
            refreshes += importlib.import_module(f"explainer.ui.{name}").build() or []
    sizes: dict[tuple[str, int], dict[bool, tuple[float, int]]] = {}
    try:
        for on in (False, True):
            compute_once.VIEWS.clear()
            for r in refreshes:
                drawn.clear()
                args = [_default(c) for c in r.inputs]
                try:
                    with use_presenter(on):
                        out = r.fn(*args)
                except Exception as err:  # noqa: BLE001 -- a section that needs an input (an image) is skipped
                    print(f"  skipped {r.fn.__qualname__}: {type(err).__name__}: {str(err)[:80]}")
                    continue
                outs = out if isinstance(out, tuple) else (out,)
                drawn.extend(o for o in outs if isinstance(o, Figure))
                for i, fig in enumerate(drawn):
                    fig.canvas.draw()
                    sizes.setdefault((r.fn.__qualname__, i), {})[on] = (min_text_px(fig), fig.canvas.get_width_height()[0])
    finally:
        compute_once.encode_plot_to_base64 = encode
    return sizes


def _default(component: Any) -> Any:
    """What the handler receives for a component's initial value (after the component's own preprocessing)."""
    import gradio as gr
    from gradio.data_classes import FileData

    value = getattr(component, "value", None)
    if isinstance(component, gr.Image) and isinstance(value, dict):
        return component.preprocess(FileData(**value))
    return value


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


# The smallest computed font size among the open tab's visible elements that hold text themselves.
SMALLEST_PAGE_TEXT = """() => {
  let min = 1e9, which = "";
  for (const el of document.querySelectorAll(".tabitem *")) {
    if (!el.offsetParent || el.closest(".hidden, [hidden]")) continue;
    if (![...el.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim())) continue;
    const px = parseFloat(getComputedStyle(el).fontSize);
    if (px < min) { min = px; which = el.textContent.trim().slice(0, 50); }
  }
  return [min, which];
}"""


def display_ratios() -> tuple[dict[tuple[str, bool], list[tuple[str, int, int]]], dict[tuple[str, bool], tuple[float, str]]]:
    """(tab label, presenter on?) → [(plot label, natural width, displayed width)] in Chromium at 1280×720,
    and → (the smallest page text in px, that text)."""
    from playwright.sync_api import sync_playwright

    port = _free_port()
    server = subprocess.Popen([sys.executable, str(ROOT / "app.py")], cwd=ROOT,
                              env={**os.environ, "GRADIO_SERVER_PORT": str(port)},
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    found: dict[tuple[str, bool], list[tuple[str, int, int]]] = {}
    page_text: dict[tuple[str, bool], tuple[float, str]] = {}
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
            for on in (False, True):
                ctx = browser.new_context(locale="en-US", viewport={"width": 1280, "height": 720})
                page = ctx.new_page()
                page.set_default_timeout(300_000)
                for _ in range(300):
                    try:
                        page.goto(f"http://127.0.0.1:{port}/?present={int(on)}")
                        break
                    except Exception:  # noqa: BLE001 -- the server is still starting
                        time.sleep(1)
                for tab in ("Lesson", "Blocks & shapes", "Degradation", "Inside ResNet-18"):
                    page.get_by_role("tab", name=tab, exact=True).click()
                    time.sleep(15)  # the tab's default results (computed at start-up) are drawn
                    page_text[(tab, on)] = page.evaluate(SMALLEST_PAGE_TEXT)
                    found[(tab, on)] = page.evaluate("""() => [...document.querySelectorAll('[data-testid=matplotlib] img')]
                        .filter((i) => i.offsetParent && i.naturalWidth > 0)
                        .map((i) => [i.closest('.block')?.querySelector('[data-testid=block-label]')?.textContent?.trim() || '',
                                     i.naturalWidth, i.clientWidth])""")
                ctx.close()
            browser.close()
    finally:
        server.terminate()
    return found, page_text


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--no-browser", action="store_true", help="only the figures' own text sizes")
    args = parser.parse_args()
    runtime.configure_libraries()
    print("1. Smallest text in each default figure, in the PNG's pixels (off → on)")
    for (name, i), by_mode in figure_sizes().items():
        off, on = by_mode.get(False), by_mode.get(True)
        if off and on:
            print(f"  {name:<40} fig {i}: {off[0]:5.1f} px → {on[0]:5.1f} px  (PNG {off[1]} → {on[1]} px wide)")
    if args.no_browser:
        return
    print("2. Displayed width / natural width of every plot image (Chromium, 1280×720, 100 %)")
    ratios_by_tab, page_text = display_ratios()
    for (tab, on), images in ratios_by_tab.items():
        ratios = [shown / natural for _, natural, shown in images if natural]
        detail = ", ".join(f"{label or '?'} {shown}/{natural}" for label, natural, shown in images)
        low = f"{min(ratios):.2f}" if ratios else "-"
        print(f"  {tab:<18} presenter {'on ' if on else 'off'}: smallest ratio {low}  [{detail}]")

    print("3. Smallest page text (computed font size of the open tab's visible text)")
    for (tab, on), (px, text) in page_text.items():
        print(f"  {tab:<18} presenter {'on ' if on else 'off'}: {px:.1f} px  ({text!r})")


if __name__ == "__main__":
    main()
