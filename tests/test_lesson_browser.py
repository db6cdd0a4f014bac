"""The Lesson and links in a real browser (Debian's Chromium through playwright, as tests/test_browser.py):
a step's button shows its view and the revealed answer, and a link reopens a view in a fresh browser context.
Screenshots go to ``screenshots/``."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.test_browser import SHOTS, browser  # noqa: F401 -- the fixture: Debian's Chromium, headless

pytestmark = [pytest.mark.browser, pytest.mark.slow]


# Session scope: it must run before the session-scoped app_client launches the app.
@pytest.fixture(scope="session", autouse=True)
def patient_start() -> Iterator[None]:
    """Gradio's start-up check gives the page 3 s (``networking.url_ok``); on this shared 2-core machine at load
    10 its first render took longer and the launch failed before any test ran. Give it 60 s."""
    import httpx
    from gradio import networking

    def url_ok(url: str) -> bool:
        try:
            return httpx.head(url, timeout=60, verify=False).status_code < 400
        except httpx.HTTPError:
            return False

    original, networking.url_ok = networking.url_ok, url_ok
    yield
    networking.url_ok = original


def _open(browser, url: str):  # noqa: F811 -- the imported fixture, passed on
    context = browser.new_context(locale="en-US", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(300_000)  # a cold page load computes every tab's defaults
    page.goto(url)
    return context, page


def test_a_lesson_link_opens_its_step_and_the_button_shows_the_view_and_answer(browser, app_client) -> None:  # noqa: F811 -- pytest injects the imported fixture
    context, page = _open(browser, app_client.src + "?tab=lesson&lesson.step=residual_block")
    try:
        page.locator("#lesson-text").get_by_text("2. The residual block").wait_for()
        # Gradio's Dataframe also renders a hidden copy of its cells (for sizing): look at the visible ones.
        page.locator("#lesson-table >> text=64×56×56 >> visible=true").first.wait_for()  # computed on load
        page.locator("#lesson-guess").get_by_label("128×28×28", exact=True).check()
        page.locator("#lesson-reveal").click()
        page.locator("#lesson-answer").get_by_text("Not 128×28×28: it is 64×56×56").wait_for()
        # Another step: its text and question replace the old ones; its button computes its view.
        page.locator("#lesson-step").get_by_label("3. The 1×1 projection and the stride").check()
        page.locator("#lesson-question").get_by_text("how many parameters").wait_for()
        page.locator("#lesson-show").click()
        page.locator("#lesson-table >> text=downsample.0 >> visible=true").first.wait_for()
        page.locator("#lesson-guess").get_by_label("8,448", exact=True).check()
        page.locator("#lesson-reveal").click()
        page.locator("#lesson-answer").get_by_text("Right: 8,448").wait_for()
        assert "lesson.step=projection" in page.url  # the address bar follows the step
        page.screenshot(path=str(SHOTS / "lesson_tab.png"), full_page=True)
    finally:
        context.close()


def test_a_link_round_trip_in_a_fresh_context(browser, app_client) -> None:  # noqa: F811 -- pytest injects the imported fixture
    context, page = _open(browser, app_client.src + "?tab=blocks&blocks.block_stride=1&blocks.height=999999&x=1")
    try:
        page.locator("#block-table >> text=Conv2d 3×3, 64→128 ch >> visible=true").first.wait_for()  # stride 1 applied
        note = page.locator("#link-note")
        note.get_by_text("blocks.height (out of range)").wait_for()
        note.get_by_text("x (unknown setting)").wait_for()
        page.locator("#block-stride").get_by_label("2", exact=True).check()
        page.locator("#block-table >> text=Conv2d 3×3, stride 2, 64→128 ch >> visible=true").first.wait_for()
        page.locator("#copy-link").click()
        link = page.locator("#link-box textarea, #link-box input").first.input_value()
        assert "blocks.block_stride=2" in link and "tab=blocks" in link
        page.screenshot(path=str(SHOTS / "deep_link.png"), full_page=False)
    finally:
        context.close()
    context, page = _open(browser, link)  # a fresh context: no cookie, no state
    try:
        page.locator("#block-table >> text=Conv2d 3×3, stride 2, 64→128 ch >> visible=true").first.wait_for()
        assert page.locator("#block-stride").get_by_label("2", exact=True).is_checked()
        assert page.get_by_role("tab", name="Blocks & shapes").get_attribute("aria-selected") == "true"
    finally:
        context.close()
