"""End to end in a real browser: headless Chromium (Debian's) driven by playwright.

Visits every tab and performs one real action in each, checking what a user would see, and saves
screenshots to ``screenshots/``. Skipped, with the reason, where Chromium is not installed.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
SHOTS = Path(__file__).resolve().parent.parent / "screenshots"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run", "--disable-quic"]

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists() and not shutil.which("chromium"):
        pytest.skip("Chromium is not installed (apt-get install chromium); .ci/run installs it")
    sync_api = pytest.importorskip("playwright.sync_api")
    SHOTS.mkdir(exist_ok=True)
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        yield b
        b.close()


@pytest.fixture(scope="module")
def page(browser, app_client):
    context = browser.new_context(locale="en-US", viewport={"width": 1400, "height": 1000})
    pg = context.new_page()
    pg.set_default_timeout(60_000)
    pg.goto(app_client.src)
    pg.get_by_text("ResNet Explainer").first.wait_for()
    yield pg
    context.close()


def test_blocks_tab_changing_stride_changes_the_table(page) -> None:
    page.get_by_role("tab", name="Blocks & shapes").click()  # the Lesson tab opens first
    table = page.locator("#block-table")
    table.get_by_text("Conv2d 3×3, stride 2, 64→128 ch").first.wait_for()  # the default block, traced on load
    page.locator("#block-stride").get_by_label("1", exact=True).check()
    table.get_by_text("Conv2d 3×3, 64→128 ch").first.wait_for()
    assert table.get_by_text("128×56×56").count() > 0
    page.locator("#block-explanation").get_by_text("56×56").first.wait_for()
    page.screenshot(path=str(SHOTS / "blocks_tab.png"), full_page=False)
    # an invalid configuration is taught, not crashed on
    page.locator("#block-shortcut").get_by_label("identity shortcut", exact=True).check()
    page.locator("#block-explanation").get_by_text("cannot add its shortcut").wait_for()
    page.screenshot(path=str(SHOTS / "blocks_tab_invalid.png"), full_page=False)


def test_network_explorer_shows_d2ls_table(page) -> None:
    page.get_by_role("tab", name="Blocks & shapes").click()
    page.get_by_role("button", name="Show shapes").click()
    stages = page.locator("#stage-table")
    stages.get_by_text("512×7×7").first.wait_for()
    assert stages.get_by_text("64×56×56").count() >= 2
    page.locator("#network-summary").get_by_text("11,175,370").wait_for()


def test_degradation_tab_measures_gradients(page) -> None:
    page.get_by_role("tab", name="Degradation").click()
    page.get_by_role("button", name="Measure gradients").click()
    page.get_by_text("Chance-level loss is ln 10", exact=False).first.wait_for(timeout=120_000)
    page.screenshot(path=str(SHOTS / "degradation_tab.png"), full_page=False)


def test_inside_tab_predicts_an_example_and_explains_it(page) -> None:
    page.get_by_role("tab", name="Inside ResNet-18").click()
    page.get_by_text("Examples from the Fashion-MNIST test split").first.wait_for()
    page.locator(".gallery-item, [data-testid='examples'] button, table.examples td, .examples-holder button").first.click()
    page.get_by_text("T-shirt/top").first.wait_for(timeout=120_000)  # example 0 is a T-shirt/top
    page.get_by_role("button", name="Compute attributions").click()
    page.get_by_text("deletion AUC", exact=False).first.wait_for(timeout=300_000)  # 3 methods, deletion + insertion
    page.screenshot(path=str(SHOTS / "inside_tab.png"), full_page=True)


def test_a_chinese_browser_gets_chinese_and_can_switch_to_english(browser, app_client) -> None:
    context = browser.new_context(locale="zh-CN", viewport={"width": 1400, "height": 1000})
    pg = context.new_page()
    pg.set_default_timeout(60_000)
    try:
        pg.goto(app_client.src)
        # Static text (gr.I18n, in the browser) and server-made text (explanation, plot) both in Chinese.
        pg.get_by_role("tab", name="残差块与形状").click()  # the Lesson tab opens first
        pg.locator("#block-explanation").get_by_text("投影快捷连接").first.wait_for()
        pg.locator("#block-table").get_by_text("输出形状").first.wait_for()
        pg.screenshot(path=str(SHOTS / "blocks_tab_zh.png"), full_page=False)
        pg.locator("#language").get_by_label("English", exact=True).check()
        pg.get_by_role("tab", name="Blocks & shapes").wait_for()
        pg.get_by_role("tab", name="Degradation").wait_for()  # every tab label follows, not only the open one
        pg.locator("#block-explanation").get_by_text("Projection shortcut").first.wait_for()
        pg.locator("#block-table").get_by_text("output shape").first.wait_for()
        assert pg.evaluate("document.documentElement.lang") == "en"
        # The choice is remembered: a reload stays in English although the browser asks for Chinese.
        pg.reload()
        pg.get_by_role("tab", name="Blocks & shapes").click()
        pg.get_by_role("tab", name="Inside ResNet-18").wait_for()
        pg.locator("#block-explanation").get_by_text("Projection shortcut").first.wait_for()
    finally:
        context.close()


# [natural width, shown width, label chip bottom, image top] of the first figure shown and loaded, else null.
FIRST_SHOWN_PLOT = """() => {
  const i = [...document.querySelectorAll("[data-testid=matplotlib] img")]
    .find((x) => x.offsetParent && x.complete && x.naturalWidth > 0 && x.clientWidth > 0);
  if (!i) return null;
  const label = i.closest(".block").querySelector("[data-testid=block-label]");
  return [i.naturalWidth, i.clientWidth, label.getBoundingClientRect().bottom, i.getBoundingClientRect().top];
}"""


def test_presenter_mode_from_a_link_and_off_again(browser, app_client) -> None:
    """?present=1 on a 1280×720 screen: larger page text, figures shown pixel for pixel and redrawn by the
    server for the mode (their image changes when it is switched off), plot labels above the figures."""
    context = browser.new_context(locale="en-US", viewport={"width": 1280, "height": 720})
    pg = context.new_page()
    pg.set_default_timeout(120_000)
    try:
        pg.goto(app_client.src + "?present=1&tab=degradation")
        pg.wait_for_function("document.body.classList.contains('presenter')")
        assert pg.locator("#presenter input").is_checked()
        pg.locator("[role=tab][aria-selected=true]", has_text="Degradation").wait_for()  # the link's tab
        body_px = pg.evaluate("parseFloat(getComputedStyle(document.querySelector('.tabitem .prose')).fontSize)")
        assert body_px >= 20
        # Measured in one step on whichever figure is shown now: the page load redraws the figures for presenter
        # mode, which replaces their <img> elements (a handle kept from before reads 0 forever).
        natural, shown, label_bottom, img_top = pg.wait_for_function(FIRST_SHOWN_PLOT).json_value()
        assert shown == natural  # shown pixel for pixel: the PNG's ≥ 20 px text stays ≥ 20 px
        assert label_bottom <= img_top + 1  # the label chip ends above the figure: it cannot cover the title
        for tab in ("Lesson", "Blocks & shapes", "Degradation", "Inside ResNet-18"):
            pg.get_by_role("tab", name=tab, exact=True).click()
            pg.wait_for_timeout(3000)
            pg.screenshot(path=str(SHOTS / f"presenter_{tab.split()[0].lower()}.png"), full_page=True)
        pg.get_by_role("tab", name="Degradation").click()
        before = pg.wait_for_function("() => { const i = [...document.querySelectorAll('[data-testid=matplotlib] img')]"
                                      ".find((x) => x.offsetParent && x.complete); return i ? i.src : null; }").json_value()
        pg.locator("#presenter input").uncheck()
        pg.wait_for_function("!document.body.classList.contains('presenter')")
        pg.wait_for_function("(old) => { const i = [...document.querySelectorAll('[data-testid=matplotlib] img')]"
                             ".find((x) => x.offsetParent); return i && i.src !== old; }", arg=before)
        assert "present=" not in pg.url
    finally:
        context.close()
